"""The query library: every bundled query parses, has a complete header, and gives its golden rows.

Goldens are tests/golden/<name>.tsv (header, then rows), compared as sorted rows; after a
deliberate change, `python tests/golden/regenerate.py NAME` rewrites one, and its diff must be
read against the data before it is committed.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Variable

from ecgkg.cli import main
from ecgkg.errors import EcgkgError
from ecgkg.library import (
    PARAM_TYPES,
    bind_values,
    library,
    parse_query,
    parse_value,
    query_form,
    select_variables,
    where_group_offset,
)
from ecgkg.query import prepare, run
from ecgkg.sources import queries_dir

GOLDEN = Path(__file__).resolve().parent / "golden"
QUERY_FILES = sorted(queries_dir().glob("*.rq"))
INJECTION = '" } ; DROP ALL ; #'
XSD = "http://www.w3.org/2001/XMLSchema#"

runner = CliRunner()


def run_cli(*args: str, input: str | None = None):
    return runner.invoke(main, list(args), input=input, catch_exceptions=False)


def read_golden(name: str) -> tuple[list[str], list[tuple[str, ...]]]:
    with (GOLDEN / f"{name}.tsv").open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source, delimiter="\t"))
    return rows[0], sorted(tuple(row) for row in rows[1:])


@pytest.fixture(scope="module")
def queries():
    return {q.name: q for q in library()}


# ---- the library as a whole


def test_there_are_at_least_fifteen_queries_and_one_golden_each():
    goldens = sorted(p.stem for p in GOLDEN.glob("*.tsv"))
    assert len(QUERY_FILES) >= 15
    assert len(goldens) == len(QUERY_FILES)
    assert goldens == [p.stem for p in QUERY_FILES]


def test_query_files_are_named_in_kebab_case():
    for path in QUERY_FILES:
        assert path.stem == path.stem.lower() and " " not in path.stem and "_" not in path.stem


def test_the_required_questions_are_covered(queries):
    required = {
        "meetings-by-year", "meeting-agenda", "presentations-by-body", "initiatives-by-type",
        "esco-concept-links", "esco-concepts-by-period", "legal-basis", "participation-roles",
        "working-groups-meetings", "source-of-fact", "ncos-by-country", "strategies",
        "summary-counts",
    }
    assert required <= set(queries)
    assert {p.type for q in queries.values() for p in q.params} == set(PARAM_TYPES)


# ---- each query, one test per file (parametrised over the files found: counted above)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_header_is_complete_and_matches_its_columns(path):
    query = parse_query(path.read_text(encoding="utf-8"), path.stem, path, strict=True)
    assert query.title and query.description
    assert query.form == "SELECT"
    assert query.columns == select_variables(query.text)
    for param in query.params:
        assert param.description
        assert f"?{param.name}" in query.text
        if param.default is not None:  # None: declared `-`, left unbound for the query to decide
            parse_value(param.type, param.default)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_parses_as_written_and_with_its_parameters_bound(path):
    query = parse_query(path.read_text(encoding="utf-8"), path.stem, path, strict=True)
    prepareQuery(query.text)  # a second parser (rdflib), for portability beyond Oxigraph
    bound = bind_values(query.text, query.bindings())
    prepareQuery(bound)
    ox.Store().query(bound)  # and the engine's own parser


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_gives_its_golden_rows(built, path):
    query = parse_query(path.read_text(encoding="utf-8"), path.stem, path, strict=True)
    result = run(query, built=built)
    columns, expected = read_golden(path.stem)
    assert result.variables == columns == query.columns
    assert result.sorted_rows() == expected, (
        f"{path.stem}: rows differ from tests/golden/{path.stem}.tsv; if the change is meant, "
        f"run `python tests/golden/regenerate.py {path.stem}` and read the diff"
    )
    assert expected, f"{path.stem}: a golden with no rows checks nothing"


def algebra_node(node, name: str):
    """The first node called `name` down the p/p1/p2 spine of rdflib's algebra of a query."""
    if getattr(node, "name", None) == name:
        return node
    for key in ("p", "p1", "p2"):
        child = node.get(key) if hasattr(node, "get") else None
        found = algebra_node(child, name) if child is not None else None
        if found is not None:
            return found
    return None


@pytest.fixture(scope="module")
def rdflib_dataset(built):
    import rdflib

    # the union of the named graphs, as the embedded store queries it
    triples = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in built.store)
    return rdflib.Graph().parse(data=triples, format="nt")


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_rows_come_in_a_total_order(built, rdflib_dataset, path):
    # Local and remote results are compared as rendered text, and goldens row by row, so ORDER BY
    # must fix every row: no two rows may tie on all its keys. Keys read from the parsed query;
    # a key the query does not project is read by running it in rdflib with the key projected.
    query = parse_query(path.read_text(encoding="utf-8"), path.stem, path, strict=True)
    algebra = prepareQuery(bind_values(query.text, query.bindings())).algebra
    order = algebra_node(algebra, "OrderBy")
    assert order is not None, f"{path.stem}: no ORDER BY"
    keys = [getattr(condition, "expr", condition) for condition in order["expr"]]
    assert all(isinstance(key, Variable) for key in keys), f"{path.stem}: ORDER BY an expression"
    result = run(query, built=built)
    hidden = [key for key in keys if str(key) not in result.variables]
    if not hidden:
        columns = [result.variables.index(str(key)) for key in keys]
        ties = [tuple(str(row[i]) for i in columns) for row in result.rows]
    else:
        project = algebra_node(algebra, "Project")
        project["PV"] = list(project["PV"]) + hidden
        algebra["PV"] = list(algebra["PV"]) + hidden
        rows = [row.asdict() for row in rdflib_dataset.query(Query(prologue=None, algebra=algebra))]
        assert len(rows) == len(result.rows), f"{path.stem}: rdflib and Oxigraph disagree"
        ties = [tuple(str(row.get(str(key))) for key in keys) for row in rows]
    assert len(ties) == len(set(ties)), f"{path.stem}: rows tie on all ORDER BY keys {keys}"


# ---- parameters


MALAGA = "https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22"
MALAGA_SUMMARY = "https://w3id.org/ecgkg/id/doc/ecg-2023-11-malaga-executive-summary"
STRATEGIES = {"https://w3id.org/ecgkg/id/initiative/eures-portal-strategy-2023-2030",
              "https://w3id.org/ecgkg/id/initiative/eures-strategy-2025-2030"}


def test_parameters_change_the_answer(built, queries):
    # Counted on the Malaga meeting and its summary (by IRI), so other meetings in data/
    # change nothing here.
    ela = run(queries["presentations-by-body"], {"body": "https://w3id.org/ecgkg/id/org/ELA"},
              built=built)
    eco = run(queries["presentations-by-body"], built=built)
    ec = run(queries["presentations-by-body"], {"body": "ecgid:org/EC"}, built=built)
    assert ela.sorted_rows() == eco.sorted_rows()  # ECO is a unit of ELA
    assert len([r for r in eco.sorted_rows() if r[0] == MALAGA]) == 8
    assert {r[5] for r in ec.sorted_rows()} == {"European Commission"}
    # four meeting items and the TSI at the Presidency event
    assert len([r for r in ec.sorted_rows() if r[0] == MALAGA]) == 5
    # both ends of the period count, and nothing is active outside it (the two strategies run
    # 2023-2030 and 2025-2030)
    active = {year: {r[0] for r in run(queries["initiatives-active-in-year"], {"year": year},
                                       built=built).sorted_rows()} & STRATEGIES
              for year in ("2022", "2023", "2026", "2030", "2031")}
    assert active["2022"] == active["2031"] == set()
    assert active["2023"] == {"https://w3id.org/ecgkg/id/initiative/eures-portal-strategy-2023-2030"}
    assert active["2026"] == active["2030"] == STRATEGIES
    after = run(queries["esco-concepts-by-period"], {"from": "2023-11-25", "to": "2023-12-31"},
                built=built)
    assert [r for r in after.sorted_rows() if r[0] == MALAGA] == []
    paragraph = run(queries["passages-of-paragraph"], {"paragraph": "5"}, built=built)
    assert {r[2] for r in paragraph.sorted_rows() if r[0] == MALAGA_SUMMARY} == {"1", "2", "3", "4"}


def test_parameters_are_bound_with_values_everywhere(queries):
    text = prepare(queries["passages-of-paragraph"], {"paragraph": "3"})
    assert 'VALUES ?paragraph { "3"^^<http://www.w3.org/2001/XMLSchema#integer> }' in text
    text = prepare(queries["meeting-agenda"], {"meeting": "ecgid:meeting/x"})
    assert "VALUES ?meeting { <https://w3id.org/ecgkg/id/meeting/x> }" in text
    # no default (`-`): nothing bound, the query picks the latest meeting itself
    assert prepare(queries["meeting-agenda"]) == queries["meeting-agenda"].text
    assert 'VALUES ?paragraph { "4"^^<' in prepare(queries["passages-of-paragraph"])


@pytest.mark.parametrize(("kind", "value", "term"), [
    ("iri", "https://w3id.org/ecgkg/id/org/ECO", ox.NamedNode("https://w3id.org/ecgkg/id/org/ECO")),
    ("iri", "<urn:x:y>", ox.NamedNode("urn:x:y")),
    ("iri", "ecgid:org/ECO", ox.NamedNode("https://w3id.org/ecgkg/id/org/ECO")),
    ("string", INJECTION, ox.Literal(INJECTION)),
    ("date", "2023-11-22", ox.Literal("2023-11-22", datatype=ox.NamedNode(XSD + "date"))),
    ("integer", "+07", ox.Literal("7", datatype=ox.NamedNode(XSD + "integer"))),
    ("gYear", "2025", ox.Literal("2025", datatype=ox.NamedNode(XSD + "gYear"))),
    ("lang-string", "TándEM@es", ox.Literal("TándEM", language="es")),
])
def test_parameter_values_become_typed_terms(kind, value, term):
    assert parse_value(kind, value) == term


@pytest.mark.parametrize(("kind", "value"), [
    ("iri", "not an iri"), ("iri", "http://x/a b"), ("iri", "https://x/>"), ("date", "2023-13-01"),
    ("date", "2023-02-30"), ("date", "22/11/2023"), ("integer", "4.5"), ("integer", "four"),
    ("gYear", "23"), ("gYear", "2023-11"), ("lang-string", "no tag"), ("lang-string", "x@1-"),
])
def test_bad_parameter_values_are_refused(kind, value):
    with pytest.raises(ValueError):
        parse_value(kind, value)


# ---- binding: a value full of SPARQL syntax stays one literal


def test_values_clause_escapes_a_hostile_string():
    sparql = "SELECT ?hit WHERE { BIND(?text AS ?hit) }"
    bound = bind_values(sparql, {"text": ox.Literal(INJECTION + '\n\\ """')})
    answer = list(ox.Store().query(bound))
    assert len(answer) == 1 and answer[0]["hit"] == ox.Literal(INJECTION + '\n\\ """')


def test_hostile_value_is_matched_as_a_literal_and_changes_nothing(built, queries):
    before = set(built.store)
    result = run(queries["find-by-label"], {"text": INJECTION}, built=built)
    assert result.rows == []
    assert set(built.store) == before
    echo = parse_query(
        '#+ param: text string "x" "echoed"\nSELECT ?text WHERE { }\n', "echo")
    assert [[term.value for term in row] for row in run(echo, {"text": INJECTION},
                                                        built=built).rows] == [[INJECTION]]
    unprojected = parse_query(
        '#+ param: text string "x" "echoed"\nSELECT ?hit WHERE { BIND (?text AS ?hit) }\n', "e2")
    assert run(unprojected, {"text": INJECTION}, built=built).rows[0][0] == ox.Literal(INJECTION)
    assert set(built.store) == before


@pytest.mark.parametrize(("sparql", "marker"), [
    ("PREFIX ex: <http://ex/{}>\nSELECT ?x WHERE { ?x ?p '{' }", "WHERE {"),
    ("SELECT ?x (EXISTS { ?x ?p ?o } AS ?e) WHERE { ?x ?p ?o }", "WHERE {"),
    ("# a { comment\nSELECT * { ?x ?p ?o }", "* {"),
    ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", "WHERE {"),
    ("CONSTRUCT { ?x ?p ?o } { ?x ?p ?o }", "} {"),
    ("ASK { ?x ?p \"\"\"}\"\"\" }", "ASK {"),
    ("DESCRIBE ?x WHERE { ?x ?p ?o }", "WHERE {"),
])
def test_the_where_group_is_found_past_strings_iris_comments_and_templates(sparql, marker):
    assert where_group_offset(sparql) == sparql.index(marker) + len(marker)


def test_queries_without_a_where_group_get_a_trailing_values_clause():
    term = ox.NamedNode("http://ex/a")
    for sparql in ("CONSTRUCT WHERE { ?x ?p ?o }", "DESCRIBE <http://ex/a>"):
        bound = bind_values(sparql, {"x": term})
        assert bound.rstrip().endswith("VALUES ?x { <http://ex/a> }")
        ox.Store().query(bound)


def test_query_form_and_projection():
    assert query_form("PREFIX a: <http://select/>\nask { }") == "ASK"
    assert select_variables("SELECT DISTINCT ?a (COUNT(?b) AS ?n) ?c WHERE { }") == ["a", "n", "c"]
    assert select_variables("SELECT * WHERE { }") is None


# ---- headers the loader refuses


@pytest.mark.parametrize(("header", "message"), [
    ("#+ title: t\n#+ description: d\n", "lacks #+ columns"),
    ("#+ description: d\n#+ columns: a\n", "lacks #+ title"),
    ("#+ title: t\n#+ description: d\n#+ columns: a b\n", "does not match the SELECT clause"),
    ("#+ title: t\n#+ description: d\n#+ columns: a\n#+ summary: s\n", "unknown header line"),
    ("#+ title: t\n#+ description: d\n#+ columns: a\n#+ param: x iri nope \"d\"\n",
     "default 'nope'"),
    ("#+ title: t\n#+ description: d\n#+ columns: a\n#+ param: x uri <urn:a> \"d\"\n",
     "unknown type"),
    ("#+ title: t\n#+ description: d\n#+ columns: a\n#+ param: b iri urn:a\n", "got 3 fields"),
    ("#+ title: t\n#+ description: d\n#+ columns: a\n#+ param: zz iri urn:a \"d\"\n",
     "never uses ?zz"),
])
def test_incomplete_or_wrong_headers_are_refused(header, message):
    with pytest.raises(EcgkgError, match=re.escape(message)):
        parse_query(header + "SELECT ?a WHERE { ?a ?b ?c }\n", "bad", strict=True)


def test_a_parameter_without_default_is_left_unbound_unless_given(built):
    query = parse_query('#+ param: x iri - "any"\n'
                        'SELECT ?n WHERE { BIND (COALESCE(STR(?x), "unbound") AS ?n) }\n',
                        "nodefault")
    assert query.params[0].default is None and query.bindings() == {}
    assert run(query, built=built).rows[0][0] == ox.Literal("unbound")
    given = run(query, {"x": "urn:a"}, built=built).rows[0][0]
    assert given == ox.Literal("urn:a")
    with pytest.raises(EcgkgError, match="not an absolute IRI"):
        query.bindings({"x": "not an iri"})


def test_header_lines_after_the_query_are_refused():
    with pytest.raises(EcgkgError, match="after the query text"):
        parse_query("SELECT ?a WHERE { ?a ?b ?c }\n#+ title: late\n", "late")


# ---- the verbs


def test_queries_verb_lists_every_query_with_its_parameters(queries):
    result = run_cli("queries")
    assert result.exit_code == 0
    for query in queries.values():
        assert query.name in result.output and query.title in result.output
        for param in query.params:
            assert f"--param {param.name}=<{param.type}>" in result.output
    verbose = run_cli("queries", "--verbose").output
    assert "(default: https://w3id.org/ecgkg/id/org/ECO)" in verbose
    assert "(default: chosen by the query, see its description)" in verbose  # meeting-agenda's meeting


def test_query_by_name_file_and_stdin_agree():
    by_name = run_cli("query", "strategies", "--format", "csv")
    by_file = run_cli("query", str(queries_dir() / "strategies.rq"), "--format", "csv")
    by_stdin = run_cli("query", "-", "--format", "csv",
                       input=(queries_dir() / "strategies.rq").read_text(encoding="utf-8"))
    assert by_name.exit_code == by_file.exit_code == by_stdin.exit_code == 0
    assert by_name.output == by_file.output == by_stdin.output
    assert by_name.output.splitlines()[0] == "strategy,label,periodStart,periodEnd,years,runBy"


def test_query_with_params_in_every_format():
    args = ["query", "meeting-agenda", "--param",
            "meeting=https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22"]
    table = run_cli(*args).output
    assert "(16 rows)" in table
    data = json.loads(run_cli(*args, "--format", "json").output)
    assert data["head"]["vars"] == ["event", "position", "item", "title", "presenter"]
    position = data["results"]["bindings"][0]["position"]
    # ecg:listingOrder is an xsd:integer (at least 1, which the shapes check)
    assert position["type"] == "literal" and position["value"] == "1"
    assert position["datatype"] == XSD + "integer"
    assert run_cli(*args, "--format", "md").output.startswith("| event | position |")
    assert run_cli(*args, "--format", "tsv").output.count("\n") == 17
    other = run_cli("query", "meeting-agenda", "-p", "meeting=ecgid:meeting/none").output
    assert "(0 rows)" in other


@pytest.mark.parametrize(("args", "message"), [
    (["meeting-agenda", "--param", "nope=1"], "has no parameter 'nope'"),
    (["esco-concepts-by-period", "--param", "from=2023-13-45"], "from=2023-13-45: not a date"),
    (["meeting-agenda", "--param", "meeting"], "expected NAME=VALUE"),
    (["meeting-agenda", "--param", "meeting=not an iri"], "not an absolute IRI"),
    (["no-such-query"], "no bundled query of that name"),
    (["queries/no-such-file.rq"], "no such query file"),
])
def test_bad_query_input_exits_2_with_one_line(args, message):
    result = run_cli("query", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.count("\n") == 1 and result.output.startswith("ecgkg: error: ")


def test_construct_results_come_out_as_rdf():
    sparql = ("#+ param: body iri https://w3id.org/ecgkg/id/org/ECO \"the body\"\n"
              "PREFIX ecg: <https://w3id.org/ecgkg/ontology#>\n"
              "CONSTRUCT { ?item ecg:presentedBy ?body } WHERE { ?item ecg:presentedBy ?body }")
    ttl = run_cli("query", "-", input=sparql)
    assert ttl.exit_code == 0
    triples = list(ox.parse(ttl.output.encode(), format=ox.RdfFormat.TURTLE))
    # ECO's presentations only: the parameter was bound (eight of them at Malaga)
    assert {t.object.value for t in triples} == {"https://w3id.org/ecgkg/id/org/ECO"}
    assert len([t for t in triples if t.subject.value.startswith(MALAGA + "/")]) == 8
    nt = run_cli("query", "-", "--format", "nt", "-p", "body=ecgid:org/NCO-BEL", input=sparql)
    assert f"<{MALAGA}/item/13>" in nt.output and "org/ECO>" not in nt.output
    for fmt, rdf_format in (("jsonld", ox.RdfFormat.JSON_LD), ("xml", ox.RdfFormat.RDF_XML)):
        out = run_cli("query", "-", "--format", fmt, input=sparql).output
        assert set(ox.parse(out.encode(), format=rdf_format)) == set(triples)
    assert run_cli("query", "-", "--format", "csv", input=sparql).exit_code == 2


def test_ask_with_a_parameter():
    sparql = ("#+ param: year gYear 2023 \"a year\"\n"
              "PREFIX ecg: <https://w3id.org/ecgkg/ontology#>\n"
              "ASK { ?s ecg:periodStart ?year }")
    assert run_cli("query", "-", input=sparql).output == "true\n"
    assert run_cli("query", "-", "-p", "year=1999", input=sparql).output == "false\n"
