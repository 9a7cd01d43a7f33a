"""`ecgkg esco suggest`: the index kept between runs, and Turtle ready to paste."""

from __future__ import annotations

from pathlib import Path

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


# ---- where the index is kept


def test_the_session_keeps_its_cache_out_of_the_users_home(private_cache_dir):
    """conftest points ECGKG_CACHE_DIR at a temporary folder for every test and subprocess."""
    import os

    assert os.environ["ECGKG_CACHE_DIR"] == str(private_cache_dir)
    assert suggest_module.cache_dir() == private_cache_dir
    assert not private_cache_dir.is_relative_to(Path.home() / ".cache")


def test_cache_dir_follows_xdg_cache_home_then_home(tmp_path, monkeypatch):
    monkeypatch.delenv("ECGKG_CACHE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert suggest_module.cache_dir() == tmp_path / "xdg" / "ecgkg"
    # the XDG spec: a relative XDG_CACHE_HOME is invalid and ignored, as is an empty one
    for ignored in ("relative/cache", ""):
        monkeypatch.setenv("XDG_CACHE_HOME", ignored)
        assert suggest_module.cache_dir() == tmp_path / "home" / ".cache" / "ecgkg"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert suggest_module.cache_dir() == tmp_path / "home" / ".cache" / "ecgkg"
    monkeypatch.setenv("ECGKG_CACHE_DIR", str(tmp_path / "mine"))
    assert suggest_module.cache_dir() == tmp_path / "mine"


def test_suggest_writes_its_index_under_xdg_cache_home(tmp_path, monkeypatch, esco_dir):
    monkeypatch.delenv("ECGKG_CACHE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(suggest_module, "_CACHE", {})
    suggest("employment agent", esco_dir, top=1)
    assert len(list((tmp_path / "xdg" / "ecgkg").glob("esco-suggest-*.pickle"))) == 1
    assert not (tmp_path / "home").exists()
