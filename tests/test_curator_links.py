"""A curator's note that says which legal basis they link comes with that link: dropping the
ecg:legalBasis of an initiative (a mutation-check survivor, tools/mutate.py) otherwise changed no
test, since no query golden asks for an initiative's legal basis."""

from __future__ import annotations

from ecgkg.library import resolve
from ecgkg.query import run
from ecgkg.results import term_text

REGULATION = "http://data.europa.eu/eli/reg/2016/589/oj"
NOTED = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?subject WHERE {
  ?subject skos:editorialNote ?note
  FILTER (CONTAINS(STR(?note), "the curator links Regulation (EU) 2016/589"))
} ORDER BY ?subject
"""


def test_each_noted_regulation_2016_589_link_is_stated():
    noted = [term_text(row[0]) for row in run(NOTED).rows]
    assert noted, "no editorial note names the link any more: remove or rewrite this test"
    for subject in noted:
        rows = {(term_text(row[0]), term_text(row[1]))
                for row in run(resolve("legal-basis"), {"subject": subject}).rows}
        assert ("rests on", REGULATION) in rows, subject
