"""SPARQL-based constraints run once over the whole graph (ecgkg.shacl.sparql): prefixes
declared through owl:imports, sh:deactivated false, and the line of a syntax error counted in
the sh:select text. Each was a mutation-check survivor (tools/mutate.py): the W3C suite and the
bundled shapes never needed them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecgkg.errors import EcgkgError
from ecgkg.shacl import validate

PREFIXES = """\
@prefix ex: <https://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""
DATA = PREFIXES + """
ex:a a ex:Thing ; ex:name "A" .
ex:b a ex:Thing .
"""
NAMELESS = '"SELECT $this WHERE { FILTER NOT EXISTS { $this ex:name ?n } }"'


def focus_nodes(tmp_path: Path, shapes: str) -> list[str]:
    (tmp_path / "shapes.ttl").write_text(PREFIXES + shapes, encoding="utf-8")
    (tmp_path / "data.ttl").write_text(DATA, encoding="utf-8")
    report = validate([tmp_path / "data.ttl"], shapes=tmp_path / "shapes.ttl")
    return sorted(str(r.focus_node) for r in report.results)


def test_prefixes_declared_by_an_imported_node_are_used(tmp_path: Path):
    assert focus_nodes(tmp_path, f"""
ex:prefixes owl:imports ex:declarations .
ex:declarations sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/" ] .
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:sparql [ sh:prefixes ex:prefixes ; sh:select {NAMELESS} ] .
""") == ["https://example.org/b"]


def test_a_constraint_deactivated_false_still_runs(tmp_path: Path):
    shapes = f"""
ex:declarations sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/" ] .
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:sparql [ sh:prefixes ex:declarations ; sh:deactivated false ; sh:select {NAMELESS} ] .
"""
    assert focus_nodes(tmp_path, shapes) == ["https://example.org/b"]
    assert focus_nodes(tmp_path, shapes.replace("deactivated false", "deactivated true")) == []


def test_a_syntax_error_is_located_in_the_select_text(tmp_path: Path):
    """The line counts from the sh:select text, not from the PREFIX lines put before it."""
    with pytest.raises(EcgkgError, match=r"SPARQL syntax error in sh:select: line 2, column"):
        focus_nodes(tmp_path, """
ex:declarations sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/" ] .
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:sparql [ sh:prefixes ex:declarations ;
                sh:select "SELECT $this WHERE {\\n  $this ex:name }" ] .
""")
