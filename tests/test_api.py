"""The Python API (`ecgkg.open`): plain values, the same answers and errors as the command."""

from __future__ import annotations

import datetime
import decimal
import sys

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

import ecgkg
from ecgkg.cli import main
from ecgkg.results import format_rows, to_python

MEETING = "https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22"
XSD = "http://www.w3.org/2001/XMLSchema#"
runner = CliRunner()


def cli(*args: str, input: str | None = None):
    return runner.invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def kg():
    return ecgkg.open()


def test_open_gives_the_bundled_graph_with_each_fact_once(kg, built):
    assert len(kg) == built.triple_count
    assert kg.files == built.files
    assert sum(kg.graphs().values()) >= len(kg)


def test_query_by_name_file_and_text_agree_with_the_command(kg):
    by_name = kg.query("meetings-by-year")
    by_file = kg.query(str(ecgkg.sources.queries_dir() / "meetings-by-year.rq"))
    assert by_name.rows == by_file.rows
    assert by_name.render("csv") == cli("query", "meetings-by-year", "-f", "csv").output


@pytest.mark.parametrize(("term", "value"), [
    (ox.NamedNode(MEETING), MEETING),
    (ox.Literal("x", language="en"), "x"),
    (ox.Literal("7", datatype=ox.NamedNode(XSD + "integer")), 7),
    (ox.Literal("01", datatype=ox.NamedNode(XSD + "positiveInteger")), 1),
    (ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal")), decimal.Decimal("1.50")),
    (ox.Literal("2.5E0", datatype=ox.NamedNode(XSD + "double")), 2.5),
    (ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")), True),
    (ox.Literal("2023-11-22", datatype=ox.NamedNode(XSD + "date")), datetime.date(2023, 11, 22)),
    (ox.Literal("2023", datatype=ox.NamedNode(XSD + "gYear")), 2023),
    (ox.Literal("not-a-date", datatype=ox.NamedNode(XSD + "date")), "not-a-date"),
    (None, None),
])
def test_terms_become_plain_python_values(term, value):
    converted = to_python(term)
    assert converted == value and type(converted) is type(value)


def test_rows_hold_plain_values_and_parameters_take_python_values(kg):
    agenda = kg.query("meeting-agenda", meeting=MEETING)
    first = agenda.rows[0]
    assert first[:2] == (MEETING, 1) and all(type(v) in (str, int) for v in first)
    period = kg.query("esco-concepts-by-period",
                      params={"from": datetime.date(2023, 1, 1), "to": "2023-12-31"})
    text = kg.query("esco-concepts-by-period", params={"from": "2023-01-01", "to": "2023-12-31"})
    assert period.rows == text.rows and len(period) > 0
    assert kg.query("ASK { ?m a ecg:Meeting }").boolean is True
    construct = kg.query("CONSTRUCT { ?m a ecg:Meeting } WHERE { ?m a ecg:Meeting }")
    assert (MEETING, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            "https://w3id.org/ecgkg/ontology#Meeting") in construct.triples


def test_to_dataframe(kg):
    frame = kg.query("meeting-agenda", meeting=MEETING).to_dataframe()
    assert list(frame.columns) == ["event", "position", "item", "title", "presenter"]
    assert frame["position"].dtype.kind == "i"  # plain ints, so pandas sees numbers
    rows = kg.query("meeting-agenda", meeting=MEETING).rows
    assert len(frame) == len(rows) and frame["title"].tolist() == [r[3] for r in rows]


def test_to_dataframe_without_pandas_says_which_extra(kg, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(ecgkg.EcgkgError, match=r"pip install 'ecgkg\[pandas\]'"):
        kg.query("meetings-by-year").to_dataframe()


def test_validate_agrees_with_the_command(kg):
    report = kg.validate()
    verdict = cli("validate")
    assert report.failed("violation") == (verdict.exit_code == 1)
    assert verdict.exit_code in (0, 1)


def test_export_and_rdflib(kg, tmp_path):
    nt = kg.export(tmp_path / "g.nt")
    jsonld = kg.export(tmp_path / "g.jsonld")
    assert len(rdflib.Graph().parse(nt)) == len(rdflib.Graph().parse(jsonld)) == len(kg)
    assert len(kg.to_rdflib()) == len(kg)
    dataset = kg.to_rdflib(graphs=True)
    named = [g for g in dataset.graphs() if str(g.identifier).startswith("https://w3id.org")]
    assert len(named) == len(kg.files)
    with pytest.raises(ecgkg.EcgkgError, match="cannot tell the format"):
        kg.export(tmp_path / "g.yaml")


def test_jsonld_export_reads_back_with_as_many_triples_as_n_triples(tmp_path):
    assert cli("export", "-f", "jsonld", "-o", str(tmp_path / "g.jsonld")).exit_code == 0
    nt = cli("export", "-f", "nt").output
    assert len(rdflib.Graph().parse(tmp_path / "g.jsonld")) == nt.count("\n") > 1000


# ---- bad input: the API raises EcgkgError with the line the command prints (and exits 2 on)


def same_error(call, *args: str) -> str:
    with pytest.raises(ecgkg.EcgkgError) as raised:
        call()
    result = cli(*args)
    assert result.exit_code == 2
    assert result.output == f"ecgkg: error: {raised.value}\n"
    return str(raised.value)


def test_missing_path(tmp_path):
    missing = tmp_path / "nope"
    message = same_error(lambda: ecgkg.open(missing), "build", str(missing))
    assert "no such file or folder" in message


def test_file_with_a_syntax_error(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b \"open .\n",
                      encoding="utf-8")
    message = same_error(lambda: ecgkg.open(broken), "build", str(broken))
    assert "broken.ttl:3" in message and "syntax error" in message


# ---- SPARQL that forgives the obvious


def test_project_prefixes_are_predeclared_and_an_unknown_one_is_one_line():
    ok = cli("query", "-", "-f", "csv", input="SELECT ?m WHERE { ?m a ecg:Meeting }")
    assert ok.exit_code == 0 and MEETING in ok.output
    bad = cli("query", "-", input="SELECT ?m WHERE {\n  ?m a foo:Meeting }")
    assert bad.exit_code == 2
    assert bad.output.startswith("ecgkg: error: <stdin>:2: undeclared prefix foo: (known: ecg, ")
    assert bad.output.count("\n") == 1


def test_a_query_s_own_prefix_wins():
    sparql = ("PREFIX ecg: <http://example.org/other#>\n"
              "SELECT ?m WHERE { ?m a ecg:Meeting }")
    assert "(0 rows)" in cli("query", "-", input=sparql).output


def test_a_sparql_syntax_error_in_a_file_names_file_and_line(tmp_path):
    query = tmp_path / "broken.rq"
    query.write_text("#+ title: broken\nSELECT ?m WHERE {\n  ?m a ecg:Meeting .\n"
                     "  ?m ecg:x <not an iri> }\nLIMIT 3\n", encoding="utf-8")
    result = cli("query", str(query))
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "broken.rq:4:" in result.output and "SPARQL syntax error" in result.output


def test_a_syntax_error_is_located_in_the_text_as_written_when_parameters_are_bound(tmp_path):
    query = tmp_path / "broken.rq"
    query.write_text('#+ param: m iri https://w3id.org/ecgkg/id/x "m"\nASK {\n  ?m a ?c .\n'
                     '  ?m ?p <not an iri> }\n', encoding="utf-8")
    result = cli("query", str(query))
    assert result.exit_code == 2 and "broken.rq:4:" in result.output


def test_table_shows_compact_names_and_csv_full_iris():
    table = cli("query", "meetings-by-year").output
    assert "ecgid:meeting/ECG-2023-11-22" in table and MEETING not in table
    assert MEETING in cli("query", "meetings-by-year", "-f", "csv").output
    assert MEETING in cli("query", "meetings-by-year", "-f", "json").output


def test_table_fits_a_given_width():
    rows = [[ox.NamedNode(MEETING + "/item/1"), ox.Literal("a long title " * 10),
             ox.Literal("ECO")]]
    table = format_rows(["item", "title", "presenter"], rows, "table", width=60)
    assert max(len(line) for line in table.splitlines()) <= 60
    assert "ecgid:meeting/" in table and "\u2026" in table and "presenter" in table
    wide = format_rows(["item", "title", "presenter"], rows, "table")
    assert "a long title " * 10 in wide
