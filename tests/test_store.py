"""The persisted store: `ecgkg build --store DIR`, `ecgkg query --store DIR`, `ecgkg.open(store=)`.
Never stale silently, never half-written, refused when another version made it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import ecgkg
from ecgkg.cli import main
from ecgkg.persist import MANIFEST
from ecgkg.sources import data_dir, ontology_dir

runner = CliRunner()
MEETING = "https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22"
LABEL = ("SELECT ?label WHERE { <https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22> "
         "skos:prefLabel ?label }")


def cli(*args: str, input: str | None = None):
    return runner.invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def sources(tmp_path) -> Path:
    """A copy of the ontology and data a test may change."""
    folder = tmp_path / "kg"
    shutil.copytree(ontology_dir(), folder / "ontology")
    shutil.copytree(data_dir(), folder / "data")
    return folder


def test_a_store_answers_like_the_files(tmp_path, built):
    store = tmp_path / "store"
    result = cli("build", "--store", str(store))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{len(built.files)} files, {built.triple_count} triples")
    assert sorted(p.name for p in store.iterdir()) == [MANIFEST, "oxigraph"]
    assert [p.name for p in tmp_path.iterdir()] == ["store"]  # no scratch folder left
    for name in ("meetings-by-year", "presentations-by-body", "summary-counts"):
        stored = cli("query", name, "--store", str(store), "-f", "csv")
        assert stored.exit_code == 0
        assert stored.output == cli("query", name, "-f", "csv").output
    kg = ecgkg.open(store=store)
    assert kg.rebuilt is None and len(kg) == built.triple_count


def test_changing_a_data_file_gives_the_new_answer(tmp_path, sources):
    store = tmp_path / "store"
    assert cli("build", "--store", str(store), str(sources)).exit_code == 0
    before = cli("query", "-", "--store", str(store), "-f", "csv", input=LABEL)
    assert "Malaga" in before.output
    meeting = sources / "data" / "meetings" / "ECG-2023-11-22.ttl"
    text = meeting.read_text(encoding="utf-8")
    assert text.count("meeting, Malaga,") == 1
    meeting.write_text(text.replace("meeting, Malaga,", "meeting, Torremolinos,"),
                       encoding="utf-8")
    after = cli("query", "-", "--store", str(store), "-f", "csv", input=LABEL)
    assert after.exit_code == 0
    assert "Torremolinos" in after.output and "Malaga" not in after.output
    assert f"{store}: rebuilt: " in after.output
    assert "meetings/ECG-2023-11-22.ttl changed" in after.output
    # ... and with rebuild=False a stale store is an error, not an old answer
    (sources / "data" / "extra.ttl").write_text(
        "<urn:ex:a> <urn:ex:b> <urn:ex:c> .\n", encoding="utf-8")
    with pytest.raises(ecgkg.EcgkgError, match=r"stale store \(.*extra\.ttl is new\)"):
        ecgkg.open(store=store, rebuild=False)
    os.remove(sources / "data" / "extra.ttl")
    assert ecgkg.open(store=store, rebuild=False).rebuilt is None


def test_a_removed_file_makes_the_store_stale(tmp_path, sources):
    store = tmp_path / "store"
    kg = ecgkg.open([sources], store=store)
    assert kg.rebuilt == "built: there was no store yet"
    victim = next((sources / "data" / "bodies").glob("*.ttl"))
    victim.unlink()
    reopened = ecgkg.open(store=store)
    assert reopened.rebuilt.startswith("rebuilt: ")
    assert reopened.rebuilt.endswith(f"{victim.name} was removed")
    assert len(reopened) < len(kg)


def test_an_interrupted_build_leaves_no_half_written_store(tmp_path, sources):
    store = tmp_path / "store"
    assert cli("build", "--store", str(store), str(sources)).exit_code == 0
    manifest = (store / MANIFEST).read_text(encoding="utf-8")
    broken = sources / "data" / "zz-broken.ttl"  # loaded last, after everything else
    broken.write_text("<urn:ex:a> <urn:ex:b> \"open .\n", encoding="utf-8")
    result = cli("build", "--store", str(store), str(sources))
    assert result.exit_code == 2 and "zz-broken.ttl:1" in result.output
    assert (store / MANIFEST).read_text(encoding="utf-8") == manifest  # the old store stays
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg", "store"]
    fresh = tmp_path / "fresh"
    assert cli("build", "--store", str(fresh), str(sources)).exit_code == 2
    assert not fresh.exists()


def same_error(call, *args: str) -> str:
    with pytest.raises(ecgkg.EcgkgError) as raised:
        call()
    result = cli(*args)
    assert result.exit_code == 2
    assert result.output == f"ecgkg: error: {raised.value}\n"
    return str(raised.value)


def test_a_store_built_by_another_version_is_refused(tmp_path):
    store = tmp_path / "store"
    assert cli("build", "--store", str(store)).exit_code == 0
    manifest = json.loads((store / MANIFEST).read_text(encoding="utf-8"))
    manifest["ecgkg"] = "0.0.1"
    (store / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    message = same_error(lambda: ecgkg.open(store=store),
                         "query", "meetings-by-year", "--store", str(store))
    assert "built by ecgkg 0.0.1" in message and "ecgkg build --store" in message


@pytest.mark.parametrize("damage", ["not-a-store", "garbage-manifest", "file"])
def test_a_folder_that_is_not_a_readable_store_is_refused(tmp_path, damage):
    store = tmp_path / "store"
    if damage == "file":
        store.write_text("x", encoding="utf-8")
    else:
        store.mkdir()
        (store / ("notes.txt" if damage == "not-a-store" else MANIFEST)).write_text(
            "{ not json", encoding="utf-8")
    message = same_error(lambda: ecgkg.open(store=store),
                         "query", "meetings-by-year", "--store", str(store))
    assert str(store) in message
    assert store.exists()  # nothing of the user's is replaced


def test_a_store_of_other_files_is_not_used_for_these(tmp_path, sources):
    store = tmp_path / "store"
    assert cli("build", "--store", str(store)).exit_code == 0
    with pytest.raises(ecgkg.EcgkgError, match="a store of other files"):
        ecgkg.open([sources], store=store)
    result = cli("query", "meetings-by-year", "--store", str(store), "--data", str(sources))
    assert result.exit_code == 2


def test_big_files_take_the_bulk_path_and_give_the_same_dataset(tmp_path, monkeypatch):
    from ecgkg import store as engine
    from ecgkg.build import build

    monkeypatch.setattr(engine, "BULK_BYTES", 0)  # every file counts as big
    ontology = tmp_path / "ecgkg.ttl"
    shutil.copy(ontology_dir() / "ecgkg.ttl", ontology)
    blank = tmp_path / "blank.nt"  # blank nodes: copied by the engine, never parsed twice
    blank.write_text("_:b <urn:ex:p> <urn:ex:o> .\n<urn:ex:s> <urn:ex:q> _:b .\n",
                     encoding="utf-8")
    stored = ecgkg.open([ontology, blank], store=tmp_path / "store")
    in_memory = build([ontology, blank])
    assert len(stored) == in_memory.triple_count
    assert stored.graphs() == engine.graph_sizes(in_memory.store)
    joined = ("ASK { GRAPH ?g { ?x <urn:ex:p> <urn:ex:o> } ?s <urn:ex:q> ?x . "
              "?x <urn:ex:p> <urn:ex:o> }")
    assert stored.query(joined).boolean is True


def test_counts_and_named_graphs_of_files_that_share_a_triple(tmp_path):
    """The merge counts a shared triple once; named_quads gives each file's graph, the shared
    triple in both, and nothing of the merge (the default graph)."""
    import pyoxigraph as ox

    from ecgkg import store as engine
    from ecgkg.build import build

    shared = "<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n"
    for name in ("one", "two"):
        (tmp_path / f"{name}.nt").write_text(
            shared + f"<https://example.org/{name}> <https://example.org/p> \"1\" .\n",
            encoding="utf-8")
    built = build([tmp_path / "one.nt", tmp_path / "two.nt"])
    assert engine.triple_count(built.store) == 3
    quads = list(engine.named_quads(built.store))
    assert len(quads) == 4 and all(isinstance(q.graph_name, ox.NamedNode) for q in quads)
    assert sorted(engine.graph_sizes(built.store).values()) == [2, 2]


def test_a_long_sparql_error_is_shortened_to_160_characters():
    from ecgkg.store import sparql_error_message

    message = sparql_error_message("q.rq", SyntaxError("error at 2:5: expected " + "x " * 200))
    assert message.startswith("q.rq:2:5: SPARQL syntax error: expected x x")
    reason = message.split("SPARQL syntax error: ", 1)[1]
    assert len(reason) == 160 and reason.endswith("...")
