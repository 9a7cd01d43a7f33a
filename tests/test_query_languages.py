"""The bundled queries answer in English whatever other languages the data holds: with a French
label added to everything that has an English one, every query still gives its golden rows.

The bundled data labels most things in English only, so a lost `langMatches(..., "en")` filter
passes the goldens; this graph makes it fail.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

from ecgkg.build import build
from ecgkg.library import library
from ecgkg.query import run
from ecgkg.results import term_text
from ecgkg.sources import bundled_files

GOLDEN = Path(__file__).resolve().parent / "golden"
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://www.w3.org/2000/01/rdf-schema#label",
          "http://purl.org/dc/terms/title")
FRENCH = "libellé en français"  # matches no query's default parameter
# Queries that answer in every language by design, with the reason.
ALL_LANGUAGES = {"things-with-label": "lists all the preferred labels of what it finds"}


@pytest.fixture(scope="module")
def multilingual(tmp_path_factory):
    bundled = build()
    extra = set()
    for iri in LABELS:
        for quad in bundled.store.quads_for_pattern(None, ox.NamedNode(iri), None):
            if isinstance(quad.object, ox.Literal) and quad.object.language == "en":
                extra.add(ox.Triple(quad.subject, quad.predicate, ox.Literal(FRENCH, language="fr")))
    assert len(extra) > 100, "too few labels found to translate"
    path = tmp_path_factory.mktemp("languages") / "french-labels.nt"
    ox.serialize(sorted(extra, key=str), str(path), format=ox.RdfFormat.N_TRIPLES)
    return build(bundled_files() + [path])


@pytest.mark.parametrize("query", [q for q in library() if q.name not in ALL_LANGUAGES],
                         ids=lambda q: q.name)
def test_labels_in_another_language_change_no_answer(multilingual, query):
    with (GOLDEN / f"{query.name}.tsv").open(encoding="utf-8", newline="") as source:
        expected = list(csv.reader(source, delimiter="\t"))[1:]
    rows = [[term_text(t) for t in row] for row in run(query, built=multilingual).rows]
    assert rows == expected, f"{query.name}: a French label reached the answer"


def test_the_multilingual_queries_do_show_the_other_language(multilingual):
    assert set(ALL_LANGUAGES) <= {q.name for q in library()}
    for query in library():
        if query.name in ALL_LANGUAGES:
            rows = run(query, built=multilingual).rows
            assert any(term_text(t) == FRENCH for row in rows for t in row), query.name
