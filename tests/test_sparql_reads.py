"""Which predicates a SPARQL-based constraint can read (ecgkg.shacl.sparql_reads): the fast
validator fills its SPARQL store with those statements only, so a query that may read any
predicate must be recognised, and every predicate a readable query names must be found."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ecgkg.shacl.engine import plan
from ecgkg.shacl.sparql_reads import ALWAYS, predicates_read, predicates_read_by_all
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
