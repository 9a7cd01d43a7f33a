"""Query headers and parameter values that ecgkg.library refuses, beyond those of
tests/test_queries.py: each was a careless edit the mutation check (tools/mutate.py) found no
test for."""

from __future__ import annotations

import re

import pytest

from ecgkg.errors import EcgkgError
from ecgkg.library import parse_query, parse_value, sparql_operation

HEAD = "#+ title: t\n#+ description: d\n"
QUERY = "SELECT ?a ?b WHERE { ?a ?b ?c }\n"


@pytest.mark.parametrize(("header", "message"), [
    ("#+ columns: a b\n#+ columns: a b\n", "second #+ columns: line"),
    ("#+ columns: a b\n#+ param: c iri urn:a \"d\" extra\n", "got 5 fields"),
    ("#+ columns: a b\n#+ param: c iri urn:a \"d\"\n#+ param: c iri urn:b \"e\"\n",
     "#+ param c: declared twice"),
    ("#+ columns: b a\n", "#+ columns: b a does not match the SELECT clause: a b"),
])
def test_more_wrong_headers_are_refused(header, message):
    with pytest.raises(EcgkgError, match=re.escape(message)):
        parse_query(HEAD + header + QUERY, "bad", strict=True)


@pytest.mark.parametrize(("kind", "value"), [("gYear", "25"), ("gYear", "999"),
                                              ("date", "2025-1-01"), ("integer", "1.5")])
def test_values_of_the_wrong_form_are_refused(kind, value):
    with pytest.raises(ValueError, match="not a"):
        parse_value(kind, value)


def test_an_iri_with_a_scheme_that_is_no_prefix_stays_as_typed():
    assert parse_value("iri", "urn:isbn:123").value == "urn:isbn:123"
    assert parse_value("iri", "ecgid:org/ECO").value == "https://w3id.org/ecgkg/id/org/ECO"


def test_an_update_after_prefix_and_base_lines_is_an_update():
    assert sparql_operation("PREFIX ex: <http://e/> BASE <http://b/> INSERT DATA { }") == (
        "update", "INSERT")
    assert sparql_operation("BASE <http://b/> PREFIX ex: <http://e/> ASK { }") == ("query", "ASK")
