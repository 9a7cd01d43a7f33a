"""`ecgkg load --location DIR`: the same graphs as a server load, into an Oxigraph database folder
on this machine through the engine's bulk loader; folders it must not touch are refused."""

from __future__ import annotations

import json
import sys
import types

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from oxigraph_server import loaded_server, oxigraph_server  # noqa: F401

from ecgkg.cli import main
from ecgkg.results import term_json
from ecgkg.sources import graph_iri

runner = CliRunner()


def run_cli(*args: str):
    return runner.invoke(main, list(args), catch_exceptions=False)


def graph_counts(location) -> tuple[dict[str, int], int]:
    store = ox.Store.read_only(str(location))
    named = {g.value: len(list(store.quads_for_pattern(None, None, None, g)))
             for g in store.named_graphs()}
    default = len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    del store
    return named, default


def test_a_location_gets_a_graph_per_file_and_their_merge_and_a_second_load_changes_nothing(
        tmp_path, built):
    location = tmp_path / "db"
    result = run_cli("load", "--location", str(location))
    assert result.exit_code == 0, result.output
    named, default = graph_counts(location)
    assert named == {graph_iri(path): n for path, n in built.triples_per_file.items()}
    assert len(named) == len(built.files) >= 10
    assert default == built.triple_count  # the merge: each triple once
    again = run_cli("load", "--location", str(location))
    assert again.exit_code == 0, again.output
    assert graph_counts(location) == (named, default)
    # the database is closed at the end: a server (or another load) can open it
    ox.Store(str(location))


def test_a_location_holds_what_a_server_load_leaves_quad_for_quad(tmp_path,
                                                                  loaded_server):  # noqa: F811
    location = tmp_path / "db"
    assert run_cli("load", "--location", str(location)).exit_code == 0
    store = ox.Store.read_only(str(location))
    quads = {tuple(json.dumps(term_json(t), sort_keys=True)
                   for t in (q.subject, q.predicate, q.object, q.graph_name))
             for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    default = {tuple(json.dumps(term_json(t), sort_keys=True)
                     for t in (q.subject, q.predicate, q.object))
               for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    del store
    assert quads == loaded_server.quads()
    assert default == loaded_server.default_triples()


def test_a_location_load_replaces_each_graph_whole(tmp_path, built):
    location = tmp_path / "db"
    graph = graph_iri(built.files[-1])
    store = ox.Store(str(location))
    stale = ox.NamedNode("http://example.org/stale")
    store.add(ox.Quad(stale, stale, ox.Literal("left over"), ox.NamedNode(graph)))
    store.add(ox.Quad(stale, stale, ox.Literal("left over")))
    del store
    assert run_cli("load", "--location", str(location)).exit_code == 0
    named, default = graph_counts(location)
    assert named[graph] == built.triples_per_file[built.files[-1]]
    assert default == built.triple_count
    store = ox.Store.read_only(str(location))
    assert list(store.quads_for_pattern(stale, None, None)) == []


def test_data_that_does_not_conform_is_not_written(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ecgkg.validate", types.SimpleNamespace(
        validate=lambda paths=None, *a, **k: types.SimpleNamespace(conforms=False)))
    location = tmp_path / "db"
    result = run_cli("load", "--location", str(location))
    assert result.exit_code == 1 and "nothing loaded" in result.output
    assert graph_counts(location) == ({}, 0)


def one_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ecgkg: error: --location ")
    return lines[0]


def test_a_folder_that_is_not_an_oxigraph_store_is_refused(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("keep me", encoding="utf-8")
    assert "not an Oxigraph store" in one_error(run_cli("load", "--location", str(folder)))
    assert [p.name for p in folder.iterdir()] == ["todo.txt"]
    assert "a file" in one_error(run_cli("load", "--location", str(folder / "todo.txt")))


def test_an_ecgkg_build_store_folder_is_refused_with_a_hint(tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / "ecgkg-store.json").write_text("{}", encoding="utf-8")
    assert "ecgkg build --store" in one_error(run_cli("load", "--location", str(folder)))


def test_a_store_in_use_is_refused(tmp_path):
    location = tmp_path / "db"
    holder = ox.Store(str(location))  # as a running `oxigraph serve` holds it
    try:
        assert "in use" in one_error(run_cli("load", "--location", str(location)))
    finally:
        del holder


@pytest.mark.parametrize("option", [["--endpoint", "http://127.0.0.1:1/query"],
                                    ["--merge-graph", "urn:x:merge"]])
def test_location_goes_without_a_server(tmp_path, option):
    result = run_cli("load", "--location", str(tmp_path / "db"), *option)
    assert result.exit_code == 2 and "without" in result.output


def beside(location) -> list[str]:
    """What a load may have left next to LOCATION (the new database built aside, the old one)."""
    return sorted(p.name for p in location.parent.iterdir() if ".ecgkg-" in p.name)


def test_a_violation_or_a_failure_leaves_a_loaded_location_as_it_was(tmp_path, built,
                                                                      monkeypatch):
    import ecgkg.load

    location = tmp_path / "db"
    assert run_cli("load", "--location", str(location)).exit_code == 0
    before = graph_counts(location)
    store = ox.Store(str(location))
    mark = ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("old"),
                   ox.NamedNode(graph_iri(built.files[0])))
    store.add(mark)  # in a graph the load replaces: it must still be there after a failed load
    del store

    written = []
    write_graph = ecgkg.load._write_graph

    def fails_on_the_second(store, body):
        written.append(body.graph)
        if len(written) == 2:
            raise OSError("No space left on device")
        write_graph(store, body)

    monkeypatch.setattr(ecgkg.load, "_write_graph", fails_on_the_second)
    result = run_cli("load", "--location", str(location))
    assert result.exit_code == 2
    line = result.output.strip().splitlines()[-1]
    assert "No space left on device" in line and "is unchanged" in line
    assert line.startswith(f"ecgkg: error: load stopped at {graph_iri(built.files[1])} (")
    monkeypatch.setattr(ecgkg.load, "_write_graph", write_graph)

    monkeypatch.setitem(sys.modules, "ecgkg.validate", types.SimpleNamespace(
        validate=lambda paths=None, *a, **k: types.SimpleNamespace(conforms=False)))
    result = run_cli("load", "--location", str(location))
    assert result.exit_code == 1 and "nothing loaded" in result.output

    named, default = graph_counts(location)
    assert (named, default) == ({**before[0], mark.graph_name.value: before[0][
        mark.graph_name.value] + 1}, before[1])
    assert beside(location) == []


def test_a_location_with_graphs_of_its_own_keeps_them(tmp_path, built):
    location = tmp_path / "db"
    store = ox.Store(str(location))
    own = ox.NamedNode("urn:x:someone-else")
    store.add(ox.Quad(own, own, ox.Literal("keep me"), own))
    stale = ox.NamedNode("http://example.org/stale")
    store.add(ox.Quad(stale, stale, ox.Literal("left over"),
                      ox.NamedNode(graph_iri(built.files[0]))))
    del store
    result = run_cli("load", "--location", str(location))
    assert result.exit_code == 0, result.output
    named, default = graph_counts(location)
    assert named == {own.value: 1,
                     **{graph_iri(path): n for path, n in built.triples_per_file.items()}}
    assert default == built.triple_count
    assert beside(location) == []


def test_a_location_load_leaves_nothing_beside_it(tmp_path):
    location = tmp_path / "db"
    for _ in range(2):
        assert run_cli("load", "--location", str(location)).exit_code == 0
        assert beside(location) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["db"]


def test_ctrl_c_while_validating_leaves_the_location_as_it_was(tmp_path):
    import signal
    import subprocess

    from conftest import popen_as_from_a_terminal

    location = tmp_path / "db"
    assert run_cli("load", "--location", str(location)).exit_code == 0
    before = graph_counts(location)
    # A validator that says it runs, then waits: Ctrl-C comes while the database is built aside.
    program = (
        "import sys, time, types\n"
        "def validate(paths=None, *args, **kwargs):\n"
        "    print('validating', file=sys.stderr, flush=True)\n"
        "    time.sleep(60)\n"
        "sys.modules['ecgkg.validate'] = types.SimpleNamespace(validate=validate)\n"
        "from ecgkg.cli import main\n"
        f"main(['load', '--location', {str(location)!r}])\n")
    process = popen_as_from_a_terminal([sys.executable, "-c", program], stderr=subprocess.PIPE,
                                       stdout=subprocess.DEVNULL, text=True)
    try:
        assert process.stderr.readline().strip() == "validating"
        process.send_signal(signal.SIGINT)
        errors = process.stderr.read()
        assert process.wait(timeout=60) == 130
    finally:
        process.kill()
    assert errors.strip().splitlines() == [
        f"ecgkg: error: --location {location}: interrupted (Ctrl-C); it is unchanged"]
    assert graph_counts(location) == before
    assert beside(location) == []
