"""Which predicates a SPARQL-based constraint can read (ecgkg.shacl.sparql_reads): the fast
validator fills its SPARQL store with those statements only, so a query that may read any
predicate must be recognised, and every predicate a readable query names must be found."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecgkg.shacl.engine import plan
from ecgkg.shacl.sparql_reads import (
    ALWAYS,
    predicate_tokens,
    predicates_read,
    predicates_read_by_all,
    statements_read,
)
from ecgkg.shacl.validator import load_shapes
from ecgkg.sources import shapes_dir

EX = "http://example.org/"
PREFIX = f"PREFIX ex: <{EX}>\n"


@pytest.mark.parametrize("query, named", [
    ("SELECT ?this WHERE { ?this ex:p ?o . }", {"p"}),
    ("SELECT ?this WHERE { ?this ex:p/ex:q|^ex:r ?o }", {"p", "q", "r"}),
    ("SELECT ?this WHERE { ?this ex:p\\.q ?o }", {"p.q"}),  # an escape in a local name
    ("SELECT ?this WHERE { ?this (ex:p/ex:q)* ?o ; ex:s 1.5, -2, .5e3 ; a ex:C }",
     {"p", "q", "s", "C"}),
    ("SELECT ?this WHERE { ?this ex:p [ ex:q ?v ] . FILTER NOT EXISTS { ?v ex:r ?w } }",
     {"p", "q", "r"}),
    ("SELECT ?this WHERE { ?this ex:p ?o OPTIONAL { ?o ex:q \"x\"@en } "
     "FILTER (?o != ex:z && EXISTS { ?o ex:t ?u }) BIND (ex:f(?o) AS ?b) }",
     {"p", "q", "z", "t", "f"}),
    ("SELECT ?this WHERE { { SELECT ?this (COUNT(?o) AS ?n) WHERE { ?this ex:p ?o } "
     "GROUP BY ?this HAVING (COUNT(?o) > 1) } UNION { ?this ex:q ( 1 2 ) } }", {"p", "q"}),
    ("ASK { GRAPH ?g { ?this ex:p \"1\"^^ex:dt } VALUES ?this { ex:a ex:b } }",
     {"p", "dt", "a", "b"}),
])
def test_readable_queries_name_their_predicates(query, named):
    found = predicates_read(PREFIX + query)
    assert found is not None
    assert {EX + n for n in named} | ALWAYS <= found
    assert found - ALWAYS - {EX} == {EX + n for n in named}


@pytest.mark.parametrize("query", [
    "SELECT ?this WHERE { ?this ?p ?o }",  # a variable predicate
    "SELECT ?this WHERE { ?this ex:p ?o ; ?q ?w }",  # after ;
    "SELECT ?this WHERE { ?this ex:p [ ?q ?w ] }",  # inside a blank node
    "SELECT ?this WHERE { ?this ex:p ?o FILTER NOT EXISTS { ?o ?q ?w } }",  # inside EXISTS
    "SELECT ?this WHERE { ?this ex:p/?q ?o }",  # in a path
    "SELECT ?this WHERE { ?this !ex:p ?o }",  # a negated property set
    "SELECT ?this WHERE { ?this !(ex:p|^ex:q) ?o }",
    "BASE <http://example.org/> SELECT ?this WHERE { ?this <p> ?o }",  # relative IRIs
    "SELECT ?this WHERE { ?this <p> ?o }",
    "SELECT ?this WHERE { ?this un:p ?o }",  # an undeclared prefix
    "SELECT ?this WHERE { ?this ex:p ?o } VALUES ?this { ex:a }",  # a group after WHERE's
    "SELECT ?this WHERE { ?this ex:p ?o ?x }",  # not SPARQL: nothing is guessed
    "SELECT ?this WHERE { ?this ex:p ?o ",
])
def test_queries_that_may_read_any_predicate(query):
    assert predicates_read(PREFIX + query) is None


def test_one_unreadable_query_keeps_every_predicate():
    readable = PREFIX + "SELECT ?this WHERE { ?this ex:p ?o }"
    assert predicates_read_by_all([readable]) is not None
    assert predicates_read_by_all([readable, PREFIX + "SELECT ?this WHERE { ?this ?p ?o }"]) is None


def test_every_bundled_constraint_is_read():
    """The bundled shapes' SPARQL constraints all name their predicates (the store is filled
    with those only); each of them parses in pyoxigraph, so the reader follows real queries."""
    shape_plan = plan(load_shapes(shapes_dir()).graph)
    queries = [c.query for c in shape_plan.sparql] + [
        c.focus_query for c in shape_plan.sparql if c.focus_query]
    assert len(shape_plan.sparql) >= 20
    for query in queries:
        ox.Store().query(query)
        assert predicates_read(query) is not None, query
    assert predicates_read_by_all(queries) >= ALWAYS


def test_answers_from_the_projected_store_are_the_same():
    """A query's answers over the statements of the predicates it reads equal its answers
    over the whole data."""
    data = (f"<{EX}a> <{EX}p> <{EX}b> . <{EX}b> <{EX}q> \"1\" . <{EX}a> <{EX}r> <{EX}c> .\n"
            f"<{EX}c> <{EX}p> <{EX}a> . <{EX}b> <{EX}s> <{EX}a> .\n")
    whole = ox.Store()
    whole.load(data.encode(), format=ox.RdfFormat.TURTLE)
    for query in [
        PREFIX + "SELECT ?x ?y WHERE { ?x ex:p/ex:q ?y }",
        PREFIX + "SELECT ?x WHERE { ?x ex:p ?y FILTER NOT EXISTS { ?y ex:s ?z } }",
        PREFIX + "SELECT ?x WHERE { ?x ^ex:p|ex:r ?y }",
    ]:
        reads = predicates_read(query)
        part = ox.Store()
        part.extend(q for q in whole if q.predicate.value in reads)
        assert len(part) < len(whole)
        assert sorted(map(str, part.query(query))) == sorted(map(str, whole.query(query)))


# ------------------------------------------------------------------------ N-Triples text

READ = frozenset({EX + "read", *ALWAYS})
ALWAYS_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def statements(text: bytes) -> set:
    return set(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))


@pytest.mark.parametrize("line, kept", [
    (b"<http://example.org/s> <http://example.org/read> <http://example.org/o> .", True),
    (b"<http://example.org/s> <http://example.org/other> <http://example.org/o> .", False),
    (b'<http://example.org/s> <http://example.org/other> "a <http://example.org/read> b" .', False),
    (b'<http://example.org/s> <http://example.org/read> "x"^^<http://example.org/other> .', True),
    # written otherwise than plainly: kept, whatever the predicate
    (b"<http://example.org/s>\t<http://example.org/other> <http://example.org/o> .", True),
    (b"<http://example.org/s>  <http://example.org/other> <http://example.org/o> .", True),
    (b"<http://example.org/s> <http://example.org/other>\t<http://example.org/o> .", True),
    (b"  <http://example.org/s> <http://example.org/other> <http://example.org/o> .", True),
    (b"<http://example.org/s> <http://example.org/\\u0072ead> <http://example.org/o> .", True),
    (b"<http://example.org/s> <http://example.org/other><http://example.org/o> .", True),
    (b"# <http://example.org/s> <http://example.org/other> .", True),
    (b"", True),
])
def test_statements_read_drops_only_plain_statements_of_other_predicates(line, kept):
    tokens = predicate_tokens(READ)
    text = line + b"\n"
    assert statements_read(text, tokens) == (text if kept else b"")


def test_statements_read_keeps_the_lines_around_a_dropped_one():
    tokens = predicate_tokens(READ)
    lines = [b"<http://example.org/s> <http://example.org/read> <http://example.org/a> .",
             b"<http://example.org/s> <http://example.org/other> <http://example.org/b> .",
             b"<http://example.org/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
             b"<http://example.org/C> .\r"]
    assert statements_read(b"\n".join(lines) + b"\n", tokens) == lines[0] + b"\n" + lines[2] + b"\n"
    assert statements_read(b"\n".join(lines), tokens) == lines[0] + b"\n" + lines[2]


PREDICATES = st.sampled_from([EX + "read", EX + "other", ALWAYS_TYPE, EX + "caf\u00e9"])
GAPS = st.sampled_from([" ", " ", " ", "\t", "  "])
OTHER_LINES = st.sampled_from(["# a comment", "", "   "])


@st.composite
def statement_lines(draw):
    subject = draw(st.sampled_from([f"<{EX}s>", f"<{EX}t>"]))
    predicate = draw(PREDICATES)
    written = f"<{predicate}>"
    if draw(st.booleans()) and predicate.endswith("read"):
        written = written.replace("read", "\\u0072ead")
    obj = draw(st.sampled_from([f"<{EX}o>", '"v"', f'"<{EX}read>"@en', f'"1"^^<{EX}other>']))
    return f"{subject}{draw(GAPS)}{written}{draw(GAPS)}{obj}{draw(st.sampled_from([' .', '.', ' . ']))}"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(statement_lines(), OTHER_LINES), max_size=12))
def test_statements_read_loses_no_statement_of_a_read_predicate(lines):
    """Every statement of a read predicate is kept, and only statements of other predicates
    are dropped, however the lines are written."""
    text = ("\n".join(lines) + "\n").encode("utf-8")
    picked = statements_read(text, predicate_tokens(READ))
    before, after = statements(text), statements(picked)
    assert after <= before
    assert {q for q in before if q.predicate.value in READ} <= after
    assert all(q.predicate.value not in READ for q in before - after)
