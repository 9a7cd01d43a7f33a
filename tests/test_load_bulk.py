"""`ecgkg load --bulk`: Oxigraph's bulk loader through the Graph Store Protocol (?no_transaction),
checked on real Oxigraph servers on 127.0.0.1: the same store contents as the default,
transactional mode; a store that is not Oxigraph, or that refuses, is one line (exit 2)."""

from __future__ import annotations

import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from oxigraph_server import (  # noqa: F401
    loaded_server,
    misbehaving_endpoint,
    oxigraph_server,
    start_server,
)

from ecgkg.cli import main
from ecgkg.sources import bundled_files, graph_iri

runner = CliRunner()


def run_cli(*args: str):
    return runner.invoke(main, list(args), catch_exceptions=False)


def one_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("ecgkg: error: ")
    assert not any(line.startswith("ecgkg: error: ") for line in lines[:-1])
    return lines[-1]


@pytest.fixture
def fresh_server(tmp_path):
    server = start_server(tmp_path / "db")
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_bulk_leaves_the_store_the_default_mode_leaves(fresh_server, loaded_server):  # noqa: F811
    assert fresh_server.counts_per_graph() == {}
    result = run_cli("load", "--endpoint", fresh_server.query_url, "--bulk")
    assert result.exit_code == 0, result.output
    # loaded_server: the same files by the default mode (a transactional PUT per graph)
    assert fresh_server.quads() == loaded_server.quads()
    assert fresh_server.default_triples() == loaded_server.default_triples()
    assert fresh_server.counts_per_graph() == loaded_server.counts_per_graph()
    assert len(fresh_server.counts_per_graph()) == len(bundled_files())

    # each graph is replaced whole: a stale statement goes, and a second load changes nothing
    graph = graph_iri(bundled_files()[-1])
    stale = b'<http://example.org/stale> <http://example.org/p> "left over" .\n'
    for target in (f"graph={graph}", "default"):
        request = urllib.request.Request(f"{fresh_server.store_url}?{target}", data=stale,
                                         method="POST",
                                         headers={"Content-Type": "application/n-triples"})
        urllib.request.urlopen(request, timeout=10).read()
    assert fresh_server.quads() != loaded_server.quads()
    again = run_cli("load", "--graph-store", fresh_server.store_url, "--bulk")
    assert again.exit_code == 0, again.output
    assert fresh_server.quads() == loaded_server.quads()
    assert fresh_server.default_triples() == loaded_server.default_triples()


def test_bulk_asks_for_the_bulk_loader_on_every_put_after_checking_the_server():
    with misbehaving_endpoint("ok") as (server, url):
        server.server_header = "Oxigraph/0.5.13"
        result = run_cli("load", "--endpoint", url, "--bulk")
    assert result.exit_code == 0, result.output
    graphs = [graph_iri(path) for path in bundled_files()]
    assert [r[0] for r in server.requests] == ["PUT"] * (len(graphs) + 1)
    queries = [parse_qs(urlsplit(r[1]).query, keep_blank_values=True) for r in server.requests]
    assert [q.get("graph", ["default"])[0] for q in queries] == [*graphs, "default"]
    assert all(q["no_transaction"] == [""] for q in queries)


@pytest.mark.parametrize("header", [None, "Apache-Jena-Fuseki (4.10.0)"])
def test_bulk_refuses_a_store_that_is_not_oxigraph_before_sending_anything(header):
    with misbehaving_endpoint("ok") as (server, url):
        server.server_header = header
        line = one_error(run_cli("load", "--endpoint", url, "--bulk"))
    assert "--bulk is for an Oxigraph server" in line and "load without --bulk" in line
    assert ("Fuseki" if header else "BaseHTTP") in line
    assert server.requests == []  # the check is a HEAD (not recorded): no PUT


def test_bulk_into_a_refusing_server_is_one_line_and_leaves_the_graphs(
        tmp_path, loaded_server):  # noqa: F811
    # a read-only Oxigraph server on the database the default mode filled: every PUT is refused
    copy = tmp_path / "copy"
    loaded_server_counts = loaded_server.counts_per_graph()
    request = urllib.request.Request(loaded_server.store_url,
                                     headers={"Accept": "application/n-quads"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        dump = answer.read()
    writer = start_server(copy)
    try:
        put = urllib.request.Request(writer.store_url, data=dump, method="POST",
                                     headers={"Content-Type": "application/n-quads"})
        urllib.request.urlopen(put, timeout=30).read()
    finally:
        writer.stop()
    reader = start_server(copy, command="serve-read-only")
    try:
        line = one_error(run_cli("load", "--endpoint", reader.query_url, "--bulk"))
        assert line.startswith(f"ecgkg: error: load stopped at {graph_iri(bundled_files()[0])}")
        assert "HTTP 403" in line and "read-only" in line
        assert "may be empty or incomplete (--bulk: no transaction); load again" in line
        assert reader.counts_per_graph() == loaded_server_counts
    finally:
        reader.stop()


def test_bulk_with_an_unreachable_server_or_with_max_request_is_one_line():
    line = one_error(run_cli("load", "--endpoint", "http://127.0.0.1:1/query", "--bulk"))
    assert "--bulk: cannot reach http://127.0.0.1:1/store: connection refused" in line
    line = one_error(run_cli("load", "--endpoint", "http://127.0.0.1:1/query", "--bulk",
                             "--max-request", "5"))
    assert "without --max-request" in line
