"""The store EU open-data teams run: `ecgkg load` into a real Virtuoso (its authenticated Graph
Store endpoint, HTTP Digest) and every bundled query against it, compared with the embedded
store."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from virtuoso_server import PASSWORD, USER, virtuoso_server  # noqa: F401

from ecgkg.build import build
from ecgkg.cli import main
from ecgkg.library import library
from ecgkg.query import run
from ecgkg.sources import graph_iri

pytestmark = pytest.mark.slow
runner = CliRunner()
QUERIES = library()
# Virtuoso's default graph is the union of all its graphs and its Graph Store refuses ?default,
# so the merge goes to a named graph that queries take as their default graph.
MERGE = "https://w3id.org/ecgkg/graph/merge"


@pytest.fixture(scope="module")
def loaded_virtuoso(virtuoso_server, monkeypatch_module):  # noqa: F811
    monkeypatch_module.setenv("ECGKG_ENDPOINT_USER", USER)
    monkeypatch_module.setenv("ECGKG_ENDPOINT_PASSWORD", PASSWORD)
    result = runner.invoke(main, ["load", "--graph-store", virtuoso_server.graph_store_url,
                                  "--merge-graph", MERGE], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return virtuoso_server


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def expected_counts() -> dict[str, int]:
    return {graph_iri(path): n for path, n in build().triples_per_file.items()}


def test_load_puts_every_file_graph_into_virtuoso_with_digest(loaded_virtuoso, built):
    counts = loaded_virtuoso.counts_per_graph()
    assert counts.pop(MERGE) == built.triple_count  # the merge, each triple once
    assert counts == expected_counts()


def test_loading_twice_changes_nothing(loaded_virtuoso):
    before = loaded_virtuoso.counts_per_graph()
    result = runner.invoke(main, ["load", "--graph-store", loaded_virtuoso.graph_store_url,
                                  "--merge-graph", MERGE], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert loaded_virtuoso.counts_per_graph() == before


def test_wrong_credentials_are_one_line_without_the_password(virtuoso_server,  # noqa: F811
                                                              monkeypatch):
    monkeypatch.setenv("ECGKG_ENDPOINT_USER", USER)
    monkeypatch.setenv("ECGKG_ENDPOINT_PASSWORD", "not-the-password")
    result = runner.invoke(main, ["load", "--graph-store", virtuoso_server.graph_store_url])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("ecgkg: error:")]
    assert len(errors) == 1 and "401" in errors[0]
    assert "not-the-password" not in result.output


def rows_as_set(result) -> list:
    return sorted(tuple(str(term) for term in row) for row in result.rows)


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_every_bundled_query_gives_the_embedded_stores_rows(loaded_virtuoso, built, query):
    local = run(query, built=built)
    remote = run(query, endpoint=loaded_virtuoso.sparql_url, timeout=60, default_graph=MERGE)
    assert remote.variables == local.variables
    assert local.rows, f"{query.name}: nothing to compare"
    if "ORDER BY" in query.text.upper():
        assert remote.term_rows() == local.term_rows()
    else:
        assert rows_as_set(remote) == rows_as_set(local)


def test_every_bundled_query_is_compared():
    assert len(QUERIES) >= 15


def test_a_user_without_write_permission_is_refused_in_one_line(virtuoso_server,  # noqa: F811
                                                                 monkeypatch):
    virtuoso_server.isql("DB.DBA.USER_CREATE('ecgkg_reader', 'reader-secret');")
    virtuoso_server.isql('GRANT SPARQL_SELECT TO "ecgkg_reader";')
    before = virtuoso_server.counts_per_graph()
    monkeypatch.setenv("ECGKG_ENDPOINT_USER", "ecgkg_reader")
    monkeypatch.setenv("ECGKG_ENDPOINT_PASSWORD", "reader-secret")
    result = runner.invoke(main, ["load", "--graph-store", virtuoso_server.graph_store_url])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("ecgkg: error:")]
    assert len(errors) == 1 and "HTTP 403" in errors[0] and "new (loaded): none" in errors[0]
    assert "reader-secret" not in result.output
    assert virtuoso_server.counts_per_graph() == before


def test_a_server_that_stops_mid_load_leaves_each_graph_old_or_new(tmp_path, monkeypatch):
    from virtuoso_server import start_virtuoso

    from ecgkg.load import DEFAULT_GRAPH, load

    monkeypatch.setenv("ECGKG_ENDPOINT_USER", USER)
    monkeypatch.setenv("ECGKG_ENDPOINT_PASSWORD", PASSWORD)
    server = start_virtuoso(tmp_path / "db")
    loaded: list[str] = []

    def progress(line: str) -> None:
        if line.startswith("loaded "):
            loaded.append(line)
            if len(loaded) == 3:
                server.stop()

    try:
        report = load(None, server.graph_store_url, timeout=10, progress=progress,
                      merge_graph=MERGE)
    finally:
        server.stop()
    assert report.failure is not None and len(report.loaded) == 3
    order = [graph_iri(path) for path in build().files]
    assert [g.graph for g in report.loaded + report.not_loaded] == [*order, DEFAULT_GRAPH]
    # Started again on the same database: the three graphs are whole, the others absent.
    restarted = start_virtuoso(tmp_path / "db")
    try:
        counts = restarted.counts_per_graph()
    finally:
        restarted.stop()
    expected = expected_counts()
    assert counts == {g: expected[g] for g in order[:3]}


def test_a_fact_stated_in_two_files_counts_once_on_virtuoso(virtuoso_server, tmp_path,  # noqa: F811
                                                            monkeypatch):
    import shutil

    from ecgkg.sources import data_dir, ontology_dir

    monkeypatch.setenv("ECGKG_ENDPOINT_USER", USER)
    monkeypatch.setenv("ECGKG_ENDPOINT_PASSWORD", PASSWORD)
    copy = tmp_path / "colleague-copy.ttl"
    shutil.copy(data_dir() / "meetings" / "ECG-2023-11-22.ttl", copy)
    merge = MERGE + "-repeated"
    result = runner.invoke(main, ["load", "--graph-store", virtuoso_server.graph_store_url,
                                  "--merge-graph", merge, str(ontology_dir()), str(data_dir()),
                                  str(copy)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    alone = build([ontology_dir(), data_dir()])
    for name in ("meetings-by-year", "summary-counts"):
        query = next(q for q in QUERIES if q.name == name)
        remote = run(query, endpoint=virtuoso_server.sparql_url, default_graph=merge)
        assert rows_as_set(remote) == rows_as_set(run(query, built=alone)), name


# A graph over Virtuoso's limit for one request: the log of one transaction may not pass
# TransactionAfterImageLimit (default 50,000,000 bytes, some 150,000 triples per PUT). A server
# configured with 2 MB refuses a PUT of 20,000 triples (1.8 MB of N-Triples) with SR325.
SMALL_LIMIT = 2_000_000


@pytest.fixture(scope="module")
def small_limit_virtuoso(tmp_path_factory):
    from virtuoso_server import start_virtuoso

    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-small") / "db",
                            {"TransactionAfterImageLimit": SMALL_LIMIT})
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def big_graph(tmp_path, monkeypatch):
    """20,000 triples in one file (toy data, not the project's: validation accepts it)."""
    import sys
    import types

    monkeypatch.setitem(sys.modules, "ecgkg.validate", types.SimpleNamespace(
        validate=lambda paths=None, *a, **k: types.SimpleNamespace(conforms=True)))
    monkeypatch.setenv("ECGKG_ENDPOINT_USER", USER)
    monkeypatch.setenv("ECGKG_ENDPOINT_PASSWORD", PASSWORD)
    source = tmp_path / "big.nt"
    source.write_bytes(b"".join(b'<urn:ex:s%d> <urn:ex:p> "value %d, padded to look like a '
                                b'label of the data" .\n' % (i, i) for i in range(20_000)))
    return source


def test_a_graph_over_virtuosos_request_limit_fails_in_one_line_and_stays_old(
        small_limit_virtuoso, big_graph):
    graph = big_graph.resolve().as_uri()
    result = runner.invoke(main, ["load", "--graph-store", small_limit_virtuoso.graph_store_url,
                                  "--merge-graph", MERGE + "-big", str(big_graph)])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("ecgkg: error:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"ecgkg: error: load stopped at {graph} (")
    size = big_graph.stat().st_size  # the engine writes these lines as they are
    assert f"{size / 1e6:.1f} MB of N-Triples (20000 triples) is over" in errors[0]
    assert "TransactionAfterImageLimit" in errors[0] and "--max-request" in errors[0]
    assert "new (loaded): none" in errors[0]
    assert small_limit_virtuoso.counts_per_graph("urn:") == {}  # rolled back: still old
    assert graph not in small_limit_virtuoso.counts_per_graph("file:")


def test_a_graph_over_virtuosos_request_limit_loads_in_parts(small_limit_virtuoso, big_graph):
    graph = big_graph.resolve().as_uri()
    result = runner.invoke(main, ["load", "--graph-store", small_limit_virtuoso.graph_store_url,
                                  "--merge-graph", MERGE + "-big", "--max-request", "0.3",
                                  str(big_graph)])
    assert result.exit_code == 0, result.output
    requests = -(-big_graph.stat().st_size // 300_000)  # about 0.3 MB each
    assert requests > 1 and f"20000 triples, in {requests} requests" in result.output
    assert small_limit_virtuoso.counts_per_graph("file:")[graph] == 20_000
    assert small_limit_virtuoso.counts_per_graph(MERGE) == {MERGE + "-big": 20_000}
    # loading again replaces the graph (the first request is a PUT), nothing doubles
    again = runner.invoke(main, ["load", "--graph-store", small_limit_virtuoso.graph_store_url,
                                 "--merge-graph", MERGE + "-big", "--max-request", "0.3",
                                 str(big_graph)])
    assert again.exit_code == 0, again.output
    assert small_limit_virtuoso.counts_per_graph("file:")[graph] == 20_000
