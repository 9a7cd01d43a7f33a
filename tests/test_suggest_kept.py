"""`ecgkg esco suggest`: the index kept between runs, and Turtle ready to paste."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import PROJECT_ROOT
from rdflib import RDF, Graph, URIRef

from ecgkg.cli import main
from ecgkg.esco import suggest as suggest_module
from ecgkg.esco.suggest import suggest
from ecgkg.validate import validate

ECG = "https://w3id.org/ecgkg/ontology#"
IDENTIFY_TRAINING_NEEDS = "http://data.europa.eu/esco/skill/4dafe480-f2ae-46b5-bd5e-8d4e538f50c7"
INITIATIVE = "https://w3id.org/ecgkg/id/initiative/esco-to-identify-training-needs"
PASSAGE = "https://w3id.org/ecgkg/id/doc/ecg-2023-11-malaga-executive-summary/p5-s4"


@pytest.mark.slow
def test_index_is_kept_and_reused(tmp_path, monkeypatch, esco_dir):
    monkeypatch.setenv("ECGKG_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(suggest_module, "_CACHE", {})
    first = suggest("employment agent", esco_dir, top=5)
    kept = list(tmp_path.glob("esco-suggest-*.pickle"))
    assert len(kept) == 1
    # A new process starts with an empty memory cache: the kept file answers.
    monkeypatch.setattr(suggest_module, "_CACHE", {})
    calls = []
    monkeypatch.setattr(suggest_module._Index, "add_file",
                        lambda *args: calls.append(args))  # would rebuild: must not be called
    assert suggest("employment agent", esco_dir, top=5) == first
    assert calls == []


@pytest.mark.slow
def test_a_damaged_kept_index_is_rebuilt(tmp_path, monkeypatch, esco_dir):
    monkeypatch.setenv("ECGKG_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(suggest_module, "_CACHE", {})
    suggest("employment agent", esco_dir, top=1)
    (kept,) = tmp_path.glob("esco-suggest-*.pickle")
    kept.write_bytes(b"not a pickle")
    monkeypatch.setattr(suggest_module, "_CACHE", {})
    assert suggest("employment agent", esco_dir, top=1)[0].preferred_label == "employment agent"


def test_turtle_ready_to_paste_validates(tmp_path, monkeypatch, esco_dir):
    monkeypatch.setenv("ECGKG_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(main, [
        "esco", "suggest", "identify training needs", "--top", "1", "--format", "ttl",
        "--for", INITIATIVE, "--source", PASSAGE, "--release", str(esco_dir)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "links.ttl"
    out.write_text(result.output, encoding="utf-8")
    graph = Graph().parse(out, format="turtle")
    links = list(graph.subjects(RDF.type, URIRef(ECG + "EscoLink")))
    assert len(links) == 1
    assert (links[0], URIRef(ECG + "escoConcept"), URIRef(IDENTIFY_TRAINING_NEEDS)) in graph
    assert (URIRef(INITIATIVE), URIRef(ECG + "hasEscoLink"), links[0]) in graph
    report = validate([out], context=[PROJECT_ROOT / "data"])
    assert not report.failed("violation"), [r.message for r in report.results][:3]
    assert any(str(r.shape).endswith("Reviewed-unreviewed") for r in report.results)
