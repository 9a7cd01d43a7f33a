"""Hostile or clumsy input at the trust boundaries: an update disguised as a query, redirects that
would carry credentials to another origin, passwords in URLs, unbounded timeouts."""

from __future__ import annotations

import base64

import pytest
from click.testing import CliRunner
from oxigraph_server import loaded_server, misbehaving_endpoint, oxigraph_server  # noqa: F401

from ecgkg.cli import main
from ecgkg.errors import EcgkgError
from ecgkg.library import sparql_operation

runner = CliRunner()

DISGUISED_UPDATE = """PREFIX ecg: <https://w3id.org/ecgkg/ontology#>
# a SELECT appears first in the text, as a comment would have it: SELECT ?x
DELETE { ?s ?p ?o } WHERE { { SELECT ?s ?p ?o WHERE { ?s ?p ?o } } }
"""


def run_cli(*args: str, input: str | None = None):
    return runner.invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("text, expected", [
    ("SELECT * WHERE { ?s ?p ?o }", ("query", "SELECT")),
    ("PREFIX a: <http://a/> BASE <http://b/> PREFIX : <http://c/> ASK { ?s ?p ?o }",
     ("query", "ASK")),
    ("# DELETE in a comment\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", ("query", "CONSTRUCT")),
    (DISGUISED_UPDATE, ("update", "DELETE")),
    ("INSERT DATA { <http://a> <http://b> 'SELECT' }", ("update", "INSERT")),
    ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ("update", "WITH")),
    ("drop all", ("update", "DROP")),
    ("PREFIX x: <http://select/> LOAD <http://x>", ("update", "LOAD")),
    ("{ ?s ?p ?o }", ("unknown", None)),
])
def test_queries_and_updates_are_told_apart_by_the_grammar(text, expected):
    assert sparql_operation(text) == expected


def test_a_disguised_update_never_reaches_the_store(loaded_server):  # noqa: F811
    before = loaded_server.counts_per_graph()
    assert sum(before.values()) > 0
    result = run_cli("query", "-", "--endpoint", loaded_server.query_url, input=DISGUISED_UPDATE)
    assert result.exit_code == 2
    assert "a SPARQL update (DELETE), not a query" in result.output
    assert loaded_server.counts_per_graph() == before


def test_a_disguised_update_is_refused_locally_too():
    result = run_cli("query", "-", input=DISGUISED_UPDATE)
    assert result.exit_code == 2
    assert "a SPARQL update (DELETE), not a query" in result.output


@pytest.mark.parametrize("code", ["301", "302", "303", "307", "308"])
def test_credentials_never_follow_a_redirect_to_another_origin(monkeypatch, code):
    monkeypatch.setenv("ECGKG_ENDPOINT_USER", "researcher")
    monkeypatch.setenv("ECGKG_ENDPOINT_PASSWORD", "s3cret")
    with misbehaving_endpoint("ok") as (elsewhere, elsewhere_url):
        with misbehaving_endpoint(f"redirect {code} {elsewhere_url}") as (server, url):
            result = run_cli("query", "-", "--endpoint", url, "--timeout", "5",
                             input="SELECT ?x WHERE { ?x ?p ?o }")
    assert result.exit_code == 2, result.output
    assert "redirected to another origin" in result.output
    assert elsewhere_url.rsplit("/", 1)[0] in result.output  # names where it was sent
    assert elsewhere.requests == []  # nothing at all reached the other origin
    token = base64.b64encode(b"researcher:s3cret").decode()
    assert server.requests[0][2].get("Authorization") == f"Basic {token}"
    assert "s3cret" not in result.output


@pytest.mark.parametrize("code", ["307", "308"])
def test_a_redirect_within_the_origin_keeps_the_query_and_credentials(monkeypatch, code):
    monkeypatch.setenv("ECGKG_ENDPOINT_USER", "researcher")
    monkeypatch.setenv("ECGKG_ENDPOINT_PASSWORD", "s3cret")
    with misbehaving_endpoint("ok") as (server, url):
        moved = url.rsplit("/", 1)[0] + "/sparql"
        server.mode = f"redirect {code} {moved}"
        result = run_cli("query", "-", "--endpoint", url, "--format", "csv",
                         input="SELECT ?x WHERE { ?x ?p ?o }")
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["x", "ok"]
    (_, first_path, _, _), (method, path, headers, body) = server.requests
    assert (first_path, method, path) == ("/query", "POST", "/sparql")
    assert body.startswith(b"query=")
    assert headers.get("Authorization") == "Basic " + base64.b64encode(b"researcher:s3cret").decode()


def test_credentials_go_only_to_the_named_origin_on_load(monkeypatch):
    monkeypatch.setenv("ECGKG_ENDPOINT_USER", "publisher")
    monkeypatch.setenv("ECGKG_ENDPOINT_PASSWORD", "s3cret")
    with misbehaving_endpoint("ok") as (elsewhere, elsewhere_url):
        store = elsewhere_url.rsplit("/", 1)[0] + "/store"
        with misbehaving_endpoint(f"redirect 307 {store}") as (server, url):
            result = run_cli("load", "--graph-store", url.rsplit("/", 1)[0] + "/store",
                             "--timeout", "5")
    assert result.exit_code == 2, result.output
    assert "redirected to another origin" in result.output
    assert elsewhere.requests == []
    assert "s3cret" not in result.output


def test_a_password_in_the_url_is_used_and_never_printed(monkeypatch):
    monkeypatch.delenv("ECGKG_ENDPOINT_USER", raising=False)
    with misbehaving_endpoint("500") as (server, url):
        with_password = url.replace("http://", "http://bob:hunter2@")
        result = run_cli("query", "-", "--endpoint", with_password,
                         input="SELECT ?x WHERE { ?x ?p ?o }")
    assert result.exit_code == 2
    assert "hunter2" not in result.output
    assert "bob:***@" in result.output
    token = base64.b64encode(b"bob:hunter2").decode()
    assert server.requests[0][2].get("Authorization") == f"Basic {token}"
    assert "@" not in server.requests[0][1]  # the userinfo is not part of the request


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e999", "soon"])
def test_timeouts_must_be_finite_and_positive(value):
    for verb in (["query", "meetings-by-year", "--endpoint", "http://127.0.0.1:9/query"],
                 ["load", "--graph-store", "http://127.0.0.1:9/store"]):
        result = run_cli(*verb, "--timeout", value)
        assert result.exit_code == 2, (verb, value)
        assert "--timeout" in result.output


CONTROL_DATA = """@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/other> skos:prefLabel "Bell\\u0007 and escape\\u001b[31m and\\nnewline" ;
    prov:wasDerivedFrom "the minutes\\u0000" .
"""


@pytest.mark.parametrize("fmt", ["junit", "text", "json", "sarif", "turtle", "github"])
def test_control_characters_in_data_keep_every_report_well_formed(tmp_path, fmt):
    import json as json_module
    import xml.etree.ElementTree as ET

    import rdflib

    path = tmp_path / "controls.ttl"
    path.write_text(CONTROL_DATA, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path), "--format", fmt])
    assert result.exit_code == 1, result.output
    out = result.stdout
    if fmt != "turtle":  # Turtle strings may hold control characters; it is data, not a screen
        assert "\x1b" not in out and "\x07" not in out and "\x00" not in out
    if fmt == "junit":
        assert ET.fromstring(out.split("\n", 1)[1]).tag == "testsuites"
        assert "\\x1b" in out  # shown, escaped
    elif fmt in ("json", "sarif"):
        json_module.loads(out)
    elif fmt == "turtle":
        assert len(rdflib.Graph().parse(data=out, format="turtle")) > 0
    elif fmt == "text":
        assert "\\x1b[31m" in out


MEETING_GRAPH = "https://w3id.org/ecgkg/graph/data/meetings/ECG-2023-11-22.ttl"


@pytest.mark.parametrize("suffix", [".trig", ".nq"])
@pytest.mark.parametrize("verb", ["build", "validate", "load"])
def test_a_quad_file_cannot_write_another_files_graph(tmp_path, suffix, verb):
    statement = "<https://example.org/s> <https://example.org/p> <https://example.org/o>"
    path = tmp_path / f"takeover{suffix}"
    path.write_text(f"<{MEETING_GRAPH}> {{ {statement} . }}\n" if suffix == ".trig"
                    else f"{statement} <{MEETING_GRAPH}> .\n", encoding="utf-8")
    args = {"build": ["build", str(path)], "validate": ["validate", str(path)],
            "load": ["load", "--graph-store", "http://127.0.0.1:9/store", str(path)]}[verb]
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("ecgkg: error: ") and f"takeover{suffix}" in line
    assert f"<{MEETING_GRAPH}>" in line and "belongs to data/meetings/ECG-2023-11-22.ttl" in line


def test_a_quad_file_may_write_its_own_graph_and_graphs_below_it(tmp_path):
    from ecgkg.build import build
    from ecgkg.sources import graph_iri

    path = tmp_path / "own.trig"
    own = graph_iri(path)
    path.write_text(
        "<https://example.org/a> <https://example.org/p> 1 .\n"
        f"<{own}> {{ <https://example.org/b> <https://example.org/p> 2 . }}\n"
        f"<{own}/part> {{ <https://example.org/c> <https://example.org/p> 3 . }}\n"
        f"<{own}#other> {{ <https://example.org/d> <https://example.org/p> 4 . }}\n",
        encoding="utf-8")
    built = build([path])
    graphs = {q.graph_name.value for q in built.store if hasattr(q.graph_name, "value")}
    assert {own, own + "/part", own + "#other"} <= graphs
    evil = tmp_path / "evil.trig"
    evil.write_text(f"<{own}x> {{ <https://example.org/e> <https://example.org/p> 5 . }}\n",
                    encoding="utf-8")  # a prefix of the IRI is not ownership
    with pytest.raises(EcgkgError, match="which is not its own"):
        build([evil])


@pytest.mark.parametrize("verb", [["format", "--check"], ["format"], ["build"], ["validate"]])
def test_a_file_that_is_not_utf8_is_one_line_for_every_verb(tmp_path, verb):
    path = tmp_path / "latin1.ttl"
    path.write_bytes('<https://example.org/s> <https://example.org/p> "Málaga" .\n'
                     .encode("latin-1"))
    result = runner.invoke(main, [*verb, str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("ecgkg: error: ") and "latin1.ttl:1: syntax error" in line
    assert path.read_bytes().decode("latin-1").endswith('"Málaga" .\n')  # left as it was
