"""Input that would cost the machine its memory or crash an engine is refused first, in bounded
time and memory, with one line and exit 2: RDF/XML entity expansion, over-deep SPARQL, terms
larger than the parser's limit."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import popen_as_from_a_terminal

from ecgkg.errors import EcgkgError
from ecgkg.limits import DEFAULT_QUERY_DEPTH, check_query_depth, check_xml_expansion

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def laughs(levels: int, fan_out: int = 10) -> str:
    """The classic 'billion laughs' document: each entity is ten of the one before."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * fan_out}">' for i in range(1, levels + 1)]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ {" ".join(entities)} ]>\n'
            f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://example.org/">'
            f'<rdf:Description rdf:about="http://example.org/s"><ex:p>&lol{levels};</ex:p>'
            '</rdf:Description></rdf:RDF>\n')


def run_bounded(*args: str, memory_mib: int = 1536, seconds: int = 60,
                input_text: str | None = None):
    """An ecgkg command in a child process with its address space and time capped."""
    def cap() -> None:
        limit = memory_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run([sys.executable, "-m", "ecgkg", *args], capture_output=True, text=True,
                          timeout=seconds, preexec_fn=cap, input=input_text)


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ecgkg: error: "), stderr
    return lines[0]


@pytest.mark.parametrize("verb", ["build", "export", "validate"])
def test_billion_laughs_is_refused_within_bounded_time_and_memory(tmp_path, verb):
    path = tmp_path / "laughs.rdf"
    path.write_text(laughs(9))  # 3 * 10**9 bytes if expanded
    args = ["export", "-f", "nt", str(path)] if verb == "export" else [verb, str(path)]
    result = run_bounded(*args)
    assert result.returncode == 2, result.stderr
    assert "expand to more than" in one_error_line(result.stderr)


def test_small_entities_as_ontology_tools_write_them_still_read(tmp_path):
    path = tmp_path / "small.rdf"
    path.write_text(laughs(2))  # 300 bytes expanded: fine
    result = run_bounded("build", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 files, 1 triples")


def test_external_and_recursive_entities_are_refused():
    with pytest.raises(EcgkgError, match="external XML entity"):
        check_xml_expansion(b'<!DOCTYPE x [ <!ENTITY e SYSTEM "file:///etc/passwd"> ]><x>&e;</x>',
                            "x.rdf")
    with pytest.raises(EcgkgError, match="refers to itself"):
        check_xml_expansion(b'<!DOCTYPE x [ <!ENTITY a "&b;"> <!ENTITY b "&a;"> ]><x>&a;</x>',
                            "x.rdf")


def test_the_expansion_limit_is_configurable(monkeypatch):
    document = laughs(3).encode()  # 3,000 bytes expanded
    check_xml_expansion(document, "x.rdf")
    monkeypatch.setenv("ECGKG_MAX_XML_EXPANSION", "2000")
    with pytest.raises(EcgkgError, match="more than 2,000 bytes"):
        check_xml_expansion(document, "x.rdf")
    monkeypatch.setenv("ECGKG_MAX_XML_EXPANSION", "lots")
    with pytest.raises(EcgkgError, match="positive whole number"):
        check_xml_expansion(document, "x.rdf")


def nested(depth: int) -> str:
    return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth


def test_an_over_deep_query_is_refused_not_a_crash(tmp_path):
    path = tmp_path / "deep.rq"
    path.write_text(nested(5000))  # Oxigraph's parser crashes the process near 4,000
    result = run_bounded("query", str(path))
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "nests brackets more than" in one_error_line(result.stderr)


def test_the_depth_limit_counts_brackets_not_text_in_strings():
    check_query_depth(nested(DEFAULT_QUERY_DEPTH - 1), "q")
    check_query_depth('SELECT * WHERE { ?s ?p "' + "{" * 5000 + '" }', "q")
    with pytest.raises(EcgkgError, match="more than 256 deep"):
        check_query_depth(nested(DEFAULT_QUERY_DEPTH + 1), "q")
    with pytest.raises(EcgkgError):
        check_query_depth("ASK { FILTER(" + "(" * 300 + "1" + ")" * 300 + ") }", "q")


@pytest.mark.slow
@pytest.mark.parametrize("verb", ["build", "export", "load", "validate"])
def test_a_term_over_the_parser_limit_is_one_line(tmp_path, verb):
    path = tmp_path / "big.ttl"
    path.write_text('<http://example.org/s> <http://example.org/p> "' + "x" * (17 << 20) + '" .\n')
    args = {"build": ["build", str(path)],
            "export": ["export", "-f", "nt", str(path)],
            "load": ["load", "--graph-store", "http://127.0.0.1:9/store", str(path)],
            "validate": ["validate", str(path)]}[verb]
    result = run_bounded(*args, memory_mib=3072)
    assert result.returncode == 2, result.stderr[-2000:]
    line = one_error_line(result.stderr)
    assert "big.ttl" in line and len(line) < 400


def test_no_limit_variable_is_left_undocumented():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for variable in ("ECGKG_MAX_QUERY_DEPTH", "ECGKG_MAX_XML_EXPANSION"):
        assert variable in readme, variable


@pytest.mark.parametrize("text, expected", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
     ["<http://127.0.0.1:9/sparql>"]),
    ("SELECT * WHERE { service silent ?where { ?s ?p ?o } }", ["?where"]),
    ('SELECT * WHERE { ?s <http://e/SERVICE> "SERVICE" } # SERVICE <http://x>', []),
])
def test_service_calls_are_found_by_the_lexer(text, expected):
    from ecgkg.limits import federated_services

    assert federated_services(text) == expected


def test_a_bounded_call_gives_its_value_or_one_error():
    import time

    from ecgkg.limits import within

    assert within(5, lambda: 42, "x") == 42
    with pytest.raises(ZeroDivisionError):
        within(5, lambda: 1 / 0, "x")
    started = time.monotonic()
    with pytest.raises(EcgkgError, match="did not finish within 0.2 s"):
        within(0.2, lambda: time.sleep(5), "slow query")
    assert time.monotonic() - started < 4


HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~10^10 rows


def test_a_local_query_calls_no_service_unless_allowed(tmp_path):
    from click.testing import CliRunner
    from oxigraph_server import misbehaving_endpoint

    from ecgkg.cli import main

    with misbehaving_endpoint("500") as (server, url):
        text = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
        refused = CliRunner().invoke(main, ["query", "-"], input=text)
        assert refused.exit_code == 2
        assert "SERVICE" in refused.output and "--allow-service" in refused.output
        assert server.requests == []  # nothing was sent
        allowed = CliRunner().invoke(main, ["query", "-", "--allow-service"], input=text)
    assert allowed.exit_code == 2, allowed.output
    assert allowed.output.startswith("ecgkg: error: <stdin>: ")
    assert len(allowed.output.strip().splitlines()) == 1
    assert len(server.requests) >= 1  # asked for: sent, to the host the query names


@pytest.mark.slow
def test_a_runaway_local_query_stops_at_its_timeout():
    result = run_bounded("query", "-", "--timeout", "1", seconds=60, input_text=HEAVY)
    assert result.returncode == 2, result.stderr
    assert "did not finish within 1 s" in one_error_line(result.stderr)


@pytest.mark.slow
def test_ctrl_c_stops_a_local_query_with_one_line():
    import os
    import signal
    import time

    process = popen_as_from_a_terminal([sys.executable, "-m", "ecgkg", "query", "-"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
    process.stdin.write(HEAVY)
    process.stdin.close()
    time.sleep(3)  # parsed, loaded and computing
    os.kill(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=30)
    finally:
        process.kill()
    stderr = process.stderr.read()
    assert process.returncode == 130, stderr
    assert "interrupted (Ctrl-C)" in one_error_line(stderr)


def test_query_text_that_is_not_utf8_is_one_line():
    result = subprocess.run([sys.executable, "-m", "ecgkg", "query", "-"],
                            input=b"SELECT \xff\xfe * WHERE { ?s ?p ?o }", capture_output=True,
                            timeout=60)
    assert result.returncode == 2
    assert "not UTF-8 text (byte 0xff at offset 7)" in one_error_line(result.stderr.decode())


def test_many_small_entity_references_add_up(monkeypatch):
    """The body's references count together: each of 30 expands to 100 bytes, 3,000 in all."""
    monkeypatch.setenv("ECGKG_MAX_XML_EXPANSION", "2000")
    document = ('<!DOCTYPE x [ <!ENTITY e "' + "x" * 100 + '"> ]><x>' + "&e;" * 30 + "</x>")
    with pytest.raises(EcgkgError, match="more than 2,000 bytes"):
        check_xml_expansion(document.encode(), "x.rdf")
    check_xml_expansion(document.replace("&e;" * 30, "&e;" * 19).encode(), "x.rdf")
