"""The same answers from a real triple store: every bundled query on an Oxigraph server, loaded
with `ecgkg load`, gives the rows and the output the embedded store gives; endpoints that
refuse, fail or never answer give a clear error within the timeout."""

from __future__ import annotations

import base64
import csv
import json
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from oxigraph_server import (  # noqa: F401
    free_port,
    loaded_server,
    misbehaving_endpoint,
    oxigraph_server,
)

from ecgkg.cli import main
from ecgkg.library import library
from ecgkg.query import run
from ecgkg.results import TABULAR_FORMATS, term_text

GOLDEN = Path(__file__).parent / "golden"
QUERY_NAMES = [q.name for q in library()]
INJECTION = '" } ; DROP ALL ; #'
runner = CliRunner()


def run_cli(*args: str, input: str | None = None):
    return runner.invoke(main, list(args), input=input, catch_exceptions=False)


def golden_rows(name: str) -> list[list[str]]:
    with (GOLDEN / f"{name}.tsv").open(encoding="utf-8", newline="") as source:
        return list(csv.reader(source, delimiter="\t"))[1:]


def test_every_bundled_query_is_checked_remotely():
    assert len(QUERY_NAMES) >= 15
    assert len(QUERY_NAMES) == len(list((Path(__file__).parent / "golden").glob("*.tsv")))


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_gives_the_same_rows_and_output_remotely(built, loaded_server, name):  # noqa: F811
    query = next(q for q in library() if q.name == name)
    local = run(query, built=built)
    remote = run(query, endpoint=loaded_server.query_url, timeout=30)
    assert remote.variables == local.variables
    assert remote.term_rows() == local.term_rows()  # same terms (datatypes and languages too), same order
    assert local.rows, f"{name}: no rows to compare"
    # and against the golden rows, which neither side's code produced
    assert [[term_text(t) for t in row] for row in remote.rows] == golden_rows(name)


def test_parameters_are_bound_remotely_as_locally(built, loaded_server):  # noqa: F811
    cases = [
        ("presentations-by-body", {"body": "ecgid:org/EC"}),
        ("esco-concepts-by-period", {"from": "2023-11-24", "to": "2023-11-24"}),
        ("passages-of-paragraph", {"paragraph": "5"}),  # a projected parameter
        ("initiatives-active-in-year", {"year": "2026"}),
        ("things-with-label", {"label": "TándEM@es"}),
        ("esco-concept-links", {"concept": "http://data.europa.eu/esco/concept-scheme/skills"}),
    ]
    for name, values in cases:
        query = next(q for q in library() if q.name == name)
        local = run(query, values, built=built)
        remote = run(query, values, endpoint=loaded_server.query_url)
        assert local.rows and remote.term_rows() == local.term_rows(), name


def test_cli_output_is_identical_remotely(loaded_server):  # noqa: F811
    # the remote output is the golden text of tests/golden/formats/, byte for byte
    goldens = sorted((GOLDEN / "formats").glob("meeting-agenda.*"))
    assert {p.suffix[1:] for p in goldens} == set(TABULAR_FORMATS)
    for path in goldens:
        remote = runner.invoke(main, ["query", "meeting-agenda", "--format", path.suffix[1:],
                                      "--endpoint", loaded_server.query_url],
                               env={"COLUMNS": "120"}, catch_exceptions=False)
        assert remote.exit_code == 0
        assert remote.output == path.read_text(encoding="utf-8"), path.name


def test_hostile_parameter_is_a_literal_and_leaves_the_store_unchanged(loaded_server):  # noqa: F811
    before = loaded_server.quads()
    result = run_cli("query", "find-by-label", "--param", f"text={INJECTION}", "--format", "csv",
                     "--endpoint", loaded_server.query_url)
    assert result.exit_code == 0
    assert result.output == "thing,type,label\n"
    echo = ('#+ param: text string "x" "echoed"\n'
            "SELECT ?hit WHERE { BIND (?text AS ?hit) }\n")
    echoed = run_cli("query", "-", "--param", f"text={INJECTION}", "--format", "json",
                     "--endpoint", loaded_server.query_url, input=echo)
    assert json.loads(echoed.output)["results"]["bindings"] == [
        {"hit": {"type": "literal", "value": INJECTION}}]
    assert loaded_server.quads() == before
    assert len(before) > 1000


def test_ask_and_construct_remotely(built, loaded_server):  # noqa: F811
    ask = ('#+ param: year gYear 2025 "a year"\n'
           "PREFIX ecg: <https://w3id.org/ecgkg/ontology#>\nASK { ?s ecg:periodStart ?year }")
    for year, answer in (("2025", "true\n"), ("1999", "false\n")):
        assert run_cli("query", "-", "-p", f"year={year}", "--endpoint",
                       loaded_server.query_url, input=ask).output == answer
    construct = ('#+ param: body iri https://w3id.org/ecgkg/id/org/ECO "the body"\n'
                 "PREFIX ecg: <https://w3id.org/ecgkg/ontology#>\n"
                 "CONSTRUCT { ?item ecg:presentedBy ?body } WHERE { ?item ecg:presentedBy ?body }")
    local = run(construct, built=built)
    remote = run(construct, endpoint=loaded_server.query_url)
    assert remote.triples and set(remote.triples) == set(local.triples)
    # the parameter was bound: ECO's presentations only
    assert {t.object.value for t in remote.triples} == {"https://w3id.org/ecgkg/id/org/ECO"}
    out = run_cli("query", "-", "--format", "nt", "--endpoint", loaded_server.query_url,
                  input=construct).output
    parsed = {ox.Triple(q.subject, q.predicate, q.object)
              for q in ox.parse(out.encode(), format=ox.RdfFormat.N_TRIPLES)}
    assert parsed == set(local.triples)


def test_remote_query_errors_are_one_line(loaded_server):  # noqa: F811
    bad = run_cli("query", "-", "--endpoint", loaded_server.query_url,
                  input="SELECT ?x WHERE { ?x ?y }")
    assert bad.exit_code == 2 and "answered HTTP 400" in bad.output
    assert bad.output.count("\n") == 1
    both = run_cli("query", "strategies", "--endpoint", loaded_server.query_url, "--data", "data")
    assert both.exit_code == 2 and "exclude each other" in both.output
    not_http = run_cli("query", "strategies", "--endpoint", "ftp://127.0.0.1/query")
    assert not_http.exit_code == 2 and "not an http(s) URL" in not_http.output


# ---- endpoints that misbehave: tiny servers on 127.0.0.1 in a thread


def timed(*args: str):
    start = time.monotonic()
    result = run_cli(*args)
    return result, time.monotonic() - start


def test_refused_connection_gives_a_clear_error_quickly():
    url = f"http://127.0.0.1:{free_port()}/query"
    result, elapsed = timed("query", "strategies", "--endpoint", url, "--timeout", "2")
    assert result.exit_code == 2 and elapsed < 20
    assert result.output == f"ecgkg: error: cannot reach {url}: connection refused\n"


def test_http_500_gives_a_clear_error():
    with misbehaving_endpoint("500") as (server, url):
        result, elapsed = timed("query", "strategies", "--endpoint", url, "--timeout", "2")
    assert result.exit_code == 2 and elapsed < 20
    assert "answered HTTP 500: internal trouble: the store is on fire" in result.output
    assert result.output.count("\n") == 1
    method, _path, _headers, body = server.requests[0]
    assert method == "POST" and body.startswith(b"query=")  # POST, form-encoded


@pytest.mark.slow
def test_endpoint_that_never_answers_times_out():
    with misbehaving_endpoint("hang") as (_server, url):
        result, elapsed = timed("query", "strategies", "--endpoint", url, "--timeout", "2")
    assert result.exit_code == 2
    assert 1.5 < elapsed < 20
    assert result.output == f"ecgkg: error: {url} did not answer within 2 s\n"


def test_an_answer_that_is_not_sparql_results_is_an_error():
    with misbehaving_endpoint("not-json") as (_server, url):
        result = run_cli("query", "strategies", "--endpoint", url, "--timeout", "2")
    assert result.exit_code == 2 and "did not answer with SPARQL JSON results" in result.output


def test_credentials_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ECGKG_ENDPOINT_USER", "researcher")
    monkeypatch.setenv("ECGKG_ENDPOINT_PASSWORD", "s3cret:x")
    with misbehaving_endpoint("ok") as (server, url):
        result = run_cli("query", "-", "--endpoint", url, "--format", "csv",
                         input="SELECT ?x WHERE { ?x ?p ?o }")
    assert result.exit_code == 0 and result.output == "x\nok\n"
    headers = server.requests[-1][2]
    expected = base64.b64encode(b"researcher:s3cret:x").decode()
    assert headers.get("Authorization") == f"Basic {expected}"
    assert "application/sparql-results+json" in headers.get("Accept", "")


def test_no_credentials_are_sent_without_the_environment(monkeypatch):
    monkeypatch.delenv("ECGKG_ENDPOINT_USER", raising=False)
    with misbehaving_endpoint("ok") as (server, url):
        assert run_cli("query", "-", "--endpoint", url,
                       input="SELECT ?x WHERE { ?x ?p ?o }").exit_code == 0
    assert "Authorization" not in server.requests[-1][2]


def test_an_update_is_never_sent(loaded_server):  # noqa: F811
    before = loaded_server.counts_per_graph()
    result = run_cli("query", "-", "--endpoint", loaded_server.query_url, input="DROP ALL")
    assert result.exit_code == 2
    assert "a SPARQL update (DROP), not a query" in result.output
    assert loaded_server.counts_per_graph() == before
