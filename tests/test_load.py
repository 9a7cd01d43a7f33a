"""`ecgkg load`: validate, then replace each named graph whole over the Graph Store Protocol."""

from __future__ import annotations

import json
import sys
import types
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from oxigraph_server import loaded_server, misbehaving_endpoint, oxigraph_server  # noqa: F401

from ecgkg.cli import main
from ecgkg.load import default_graph_store
from ecgkg.results import term_json
from ecgkg.sources import bundled_files, graph_iri, rdf_files

runner = CliRunner()


def run_cli(*args: str):
    return runner.invoke(main, list(args), catch_exceptions=False)


def local_quads(built) -> set[tuple[str, ...]]:
    return {tuple(json.dumps(term_json(t), sort_keys=True)
                  for t in (q.subject, q.predicate, q.object, q.graph_name)) for q in built.store
            if not isinstance(q.graph_name, ox.DefaultGraph)}


def local_default_triples(built) -> set[tuple[str, ...]]:
    return {tuple(json.dumps(term_json(t), sort_keys=True) for t in (q.subject, q.predicate,
                                                                    q.object))
            for q in built.store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def test_the_store_holds_exactly_the_built_dataset_one_graph_per_file(built, loaded_server):  # noqa: F811
    assert loaded_server.quads() == local_quads(built)
    # ... and the merge in its default graph, so the server needs no union-default-graph flag
    assert loaded_server.default_triples() == local_default_triples(built)
    assert len(loaded_server.default_triples()) == built.triple_count
    counts = loaded_server.counts_per_graph()
    expected = {graph_iri(path): n for path, n in built.triples_per_file.items()}
    assert counts == expected
    assert len(counts) == len(bundled_files()) >= 10


def test_loading_twice_changes_nothing(loaded_server):  # noqa: F811
    counts, quads = loaded_server.counts_per_graph(), loaded_server.quads()
    result = run_cli("load", "--endpoint", loaded_server.query_url)
    assert result.exit_code == 0
    assert f"{len(counts)} graphs, {sum(counts.values())} triples loaded" in result.output
    assert "its default graph is their merge" in result.output
    assert loaded_server.counts_per_graph() == counts
    assert loaded_server.quads() == quads


def test_a_load_replaces_each_graph_whole(loaded_server):  # noqa: F811
    graph = graph_iri(bundled_files()[-1])
    before = loaded_server.counts_per_graph()
    stale = b'<http://example.org/stale> <http://example.org/p> "left over" .\n'
    url = f"{loaded_server.store_url}?graph={graph}"
    request = urllib.request.Request(url, data=stale, method="POST",  # POST adds to the graph
                                     headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(request, timeout=10).read()
    assert loaded_server.counts_per_graph()[graph] == before[graph] + 1
    assert run_cli("load", "--graph-store", loaded_server.store_url).exit_code == 0
    assert loaded_server.counts_per_graph() == before
    assert loaded_server.select("SELECT * WHERE { <http://example.org/stale> ?p ?o }") == []


def test_the_graph_store_url_is_guessed_only_for_oxigraph():
    assert default_graph_store("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/store"
    assert default_graph_store("https://h/x/query/") == "https://h/x/store"
    result = run_cli("load", "--endpoint", "http://127.0.0.1:3030/ds/sparql")
    assert result.exit_code == 2 and "--graph-store" in result.output
    assert run_cli("load").exit_code == 2


def test_graphs_are_sent_as_n_triples_and_a_failure_part_way_says_what_is_new_and_old():
    graphs = [graph_iri(path) for path in bundled_files()] + ["the default graph"]

    with misbehaving_endpoint("ok") as (server, url):
        server.fail_put = 3
        result = run_cli("load", "--graph-store", url.replace("/query", "/store"))
    assert result.exit_code == 2
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(f"ecgkg: error: load stopped at {graphs[2]} (")
    assert "HTTP 500" in line
    assert f"new (loaded): {graphs[0]} {graphs[1]};" in line
    assert line.endswith("old (not loaded): " + " ".join(graphs[2:]))
    puts = [r for r in server.requests if r[0] == "PUT"]
    assert len(puts) == 3
    for (_method, path, headers, body), graph in zip(puts, graphs):
        assert parse_qs(urlsplit(path).query) == {"graph": [graph]}
        assert headers["Content-Type"].startswith("application/n-triples")
        assert list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))


@pytest.mark.slow
def test_a_store_that_never_answers_times_out_and_says_the_graph_may_change():
    with misbehaving_endpoint("hang") as (_server, url):
        result = run_cli("load", "--endpoint", url, "--timeout", "2")
    assert result.exit_code == 2
    assert "no answer within 2 s" in result.output
    assert "the first may yet become new" in result.output


def test_load_sends_credentials_from_the_environment(monkeypatch):
    monkeypatch.setenv("ECGKG_ENDPOINT_USER", "curator")
    monkeypatch.setenv("ECGKG_ENDPOINT_PASSWORD", "pw")
    with misbehaving_endpoint("ok") as (server, url):
        assert run_cli("load", "--endpoint", url).exit_code == 0
    assert {r[2].get("Authorization") for r in server.requests} == {"Basic Y3VyYXRvcjpwdw=="}


def test_data_that_does_not_conform_is_not_loaded(monkeypatch):
    seen = []

    def validate(paths=None, *args, **kwargs):
        seen.append([ox.parse(path=str(p), format=ox.RdfFormat.N_TRIPLES) for p in paths])
        return types.SimpleNamespace(conforms=False)

    monkeypatch.setitem(sys.modules, "ecgkg.validate",
                        types.SimpleNamespace(validate=validate, __name__="ecgkg.validate"))
    with misbehaving_endpoint("ok") as (server, url):
        result = run_cli("load", "--endpoint", url, str(Path("data") / "meetings"))
    assert result.exit_code == 1
    assert "does not conform: nothing loaded" in result.output
    assert server.requests == []
    # validated: the snapshot of each file under data/meetings, as the engine parsed it
    files = rdf_files([Path("data") / "meetings"])
    assert len(seen) == 1 and len(seen[0]) == len(files) >= 1
    assert [len(list(quads)) for quads in seen[0]] == [
        len(list(ox.parse(path=str(p), format=ox.RdfFormat.TURTLE, base_iri=graph_iri(p))))
        for p in files]


def test_load_validates_the_bundled_data_first():
    from ecgkg.validate import validate

    report = validate(None)
    assert not report.failed("violation")  # else nothing could be loaded
    result = run_cli("load", "--endpoint", "http://127.0.0.1:1/query", "--timeout", "2")
    assert result.output.startswith("validated: no violations")
    assert result.exit_code == 2 and "connection refused" in result.output


def test_warnings_do_not_stop_a_load_but_violations_do(monkeypatch):
    def fake(severity):
        def validate(paths=None, *args, **kwargs):
            return types.SimpleNamespace(
                conforms=False, failed=lambda fail_on="violation": severity == "Violation",
                counts=lambda: {"Violation": int(severity == "Violation"),
                                "Warning": int(severity == "Warning"), "Info": 0})
        return types.SimpleNamespace(validate=validate)

    monkeypatch.setitem(sys.modules, "ecgkg.validate", fake("Warning"))
    with misbehaving_endpoint("ok") as (server, url):
        warned = run_cli("load", "--endpoint", url)
    assert warned.exit_code == 0
    assert warned.output.startswith("validated: no violations (1 warning: `ecgkg validate`")
    assert len([r for r in server.requests if r[0] == "PUT"]) == len(bundled_files()) + 1
    monkeypatch.setitem(sys.modules, "ecgkg.validate", fake("Violation"))
    with misbehaving_endpoint("ok") as (server, url):
        refused = run_cli("load", "--endpoint", url)
    assert refused.exit_code == 1 and server.requests == []


def test_load_sends_each_file_s_own_terms(tmp_path, monkeypatch):
    # An embedded store canonicalises literals (xsd:positiveInteger "01" -> xsd:integer "1");
    # a load must send what the file says. (This toy file is not project data: validation is
    # replaced by one that accepts it.)
    monkeypatch.setitem(sys.modules, "ecgkg.validate", types.SimpleNamespace(
        validate=lambda paths=None, *a, **k: types.SimpleNamespace(conforms=True)))
    source = tmp_path / "numbers.ttl"
    source.write_text('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                      '<urn:ex:item> <urn:ex:order> "01"^^xsd:positiveInteger ;\n'
                      '    <urn:ex:label> "x"@en .\n', encoding="utf-8")
    with misbehaving_endpoint("ok") as (server, url):
        result = run_cli("load", "--endpoint", url, str(source))
    assert result.exit_code == 0
    (_method, path, _headers, body), (_, merge_path, _, merge_body) = server.requests
    assert parse_qs(urlsplit(path).query) == {"graph": [source.resolve().as_uri()]}
    assert urlsplit(merge_path).query == "default" and merge_body == body
    assert set(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)) == {
        ox.Quad(ox.NamedNode("urn:ex:item"), ox.NamedNode("urn:ex:order"),
                ox.Literal("01", datatype=ox.NamedNode(
                    "http://www.w3.org/2001/XMLSchema#positiveInteger"))),
        ox.Quad(ox.NamedNode("urn:ex:item"), ox.NamedNode("urn:ex:label"),
                ox.Literal("x", language="en")),
    }


def test_load_parses_each_file_once_and_sends_what_it_validated(tmp_path, monkeypatch):
    # The validator edits the file while it runs, as a curator saving mid-load would: the
    # load sends what was validated (the snapshot), not the edit, and reads each file once.
    import ecgkg.load

    source = tmp_path / "item.ttl"
    source.write_text("<urn:ex:item> <urn:ex:label> \"validated\" ; <urn:ex:part> [ "
                      "<urn:ex:label> \"inner\" ] .\n", encoding="utf-8")
    validated = []

    def validate(paths=None, *args, **kwargs):
        validated.extend(path.read_bytes() for path in paths)
        source.write_text('<urn:ex:item> <urn:ex:label> "edited" .\n', encoding="utf-8")
        return types.SimpleNamespace(conforms=True)

    parsed = []
    parse_quads = ecgkg.load.parse_quads

    def counting(path, *args, **kwargs):
        parsed.append(path)
        return parse_quads(path, *args, **kwargs)

    monkeypatch.setattr(ecgkg.load, "parse_quads", counting)
    monkeypatch.setitem(sys.modules, "ecgkg.validate", types.SimpleNamespace(validate=validate))
    with misbehaving_endpoint("ok") as (server, url):
        result = run_cli("load", "--endpoint", url, str(source))
    assert result.exit_code == 0, result.output
    assert parsed == [source]
    (_, _, headers, body), (_, _, _, merge) = server.requests
    assert validated == [body] and merge == body
    # streamed from the snapshot with its length up front (not chunked: not every store takes it)
    assert headers["Content-Length"] == str(len(body)) and "Transfer-Encoding" not in headers
    assert b'"validated"' in body and b"edited" not in body
    assert len(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))) == 3


def test_a_body_split_at_line_ends_covers_the_graph_exactly(tmp_path):
    from ecgkg.load import Body, split_body

    first, second = tmp_path / "a.nt", tmp_path / "b.nt"
    first.write_bytes(b"".join(b"<urn:s%d> <urn:p> \"%d\" .\n" % (i, i) for i in range(300)))
    second.write_bytes(b"<urn:s> <urn:p> \"" + b"x" * 500 + b"\" .\n<urn:t> <urn:p> <urn:o> .\n")
    whole = first.read_bytes() + second.read_bytes()
    assert b"".join(Body([first, second])) == whole
    for limit in (1, 100, 1000, 4096, len(whole), 10 * len(whole)):
        bodies = split_body([first, second], limit)
        texts = [b"".join(body) for body in bodies]
        assert b"".join(texts) == whole, limit
        assert [len(t) for t in texts] == [body.length for body in bodies]
        assert all(t.endswith(b"\n") for t in texts), limit
        # about LIMIT each: over it by less than one line (the longest is 521 bytes)
        assert all(len(t) < limit + 530 for t in texts), limit
        assert len(bodies) == 1 if limit >= len(whole) else len(bodies) > 1
    assert len(split_body([first], 1)) == 300  # a line per request at the least


def test_a_graph_over_max_request_goes_as_a_put_then_posts(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ecgkg.validate", types.SimpleNamespace(
        validate=lambda paths=None, *a, **k: types.SimpleNamespace(conforms=True)))
    source = tmp_path / "big.nt"
    source.write_bytes(b"".join(b"<urn:s%d> <urn:p> \"%d\" .\n" % (i, i) for i in range(5000)))
    with misbehaving_endpoint("ok") as (server, url):
        result = run_cli("load", "--endpoint", url, "--max-request", "0.04", str(source))
    assert result.exit_code == 0, result.output
    graph = [r for r in server.requests if parse_qs(urlsplit(r[1]).query).get("graph")]
    merge = [r for r in server.requests if urlsplit(r[1]).query == "default"]
    for requests in (graph, merge):
        assert [r[0] for r in requests] == ["PUT"] + ["POST"] * (len(requests) - 1)
        assert len(requests) == -(-source.stat().st_size // 40_000)  # about 40 kB each
        assert b"".join(r[3] for r in requests) == source.read_bytes()
    assert "in 4 requests" in result.output


def test_a_graph_with_blank_nodes_is_not_split(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ecgkg.validate", types.SimpleNamespace(
        validate=lambda paths=None, *a, **k: types.SimpleNamespace(conforms=True)))
    source = tmp_path / "nodes.ttl"
    source.write_text("".join(f"<urn:s{i}> <urn:p> [ <urn:q> {i} ] .\n" for i in range(2000)),
                      encoding="utf-8")
    with misbehaving_endpoint("ok") as (server, url):
        result = run_cli("load", "--endpoint", url, "--max-request", "0.01", str(source))
    assert result.exit_code == 2
    line = result.output.strip().splitlines()[-1]
    assert "has blank nodes" in line and "cannot be split" in line and "--max-request" in line
    assert server.requests == []


def test_a_snapshot_that_cannot_be_written_is_one_line(tmp_path, monkeypatch):
    import ecgkg.load

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ecgkg.load.ox, "serialize", full_disk)
    with misbehaving_endpoint("ok") as (server, url):
        result = run_cli("load", "--endpoint", url)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "cannot write the load's snapshot" in lines[0]
    assert "No space left on device" in lines[0] and server.requests == []
