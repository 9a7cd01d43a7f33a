"""Constraint cases of the fast engine (ecgkg.shacl.engine) that no shape fixture and no W3C
test reached, each a mutation-check survivor (tools/mutate.py), checked against pySHACL too."""

from __future__ import annotations

from pathlib import Path

from ecgkg.shacl import validate

PREFIXES = """\
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def results(tmp_path: Path, shapes: str, data: str, engine: str) -> list[tuple[str, str]]:
    (tmp_path / "shapes.ttl").write_text(PREFIXES + shapes, encoding="utf-8")
    (tmp_path / "data.ttl").write_text(PREFIXES + data, encoding="utf-8")
    report = validate([tmp_path / "data.ttl"], shapes=tmp_path / "shapes.ttl", engine=engine)
    return sorted((str(r.focus_node), str(r.value)) for r in report.results)


def test_datatype_rdfs_literal_accepts_every_literal(tmp_path: Path):
    shapes = "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;\n" \
             "    sh:property [ sh:path ex:value ; sh:datatype rdfs:Literal ] .\n"
    data = ('ex:a a ex:Thing ; ex:value 1, "text", "texte"@fr, "2024-01-01"^^xsd:date .\n'
            "ex:b a ex:Thing ; ex:value ex:notALiteral .\n")
    expected = [("https://example.org/b", "https://example.org/notALiteral")]
    assert results(tmp_path, shapes, data, "fast") == expected
    assert results(tmp_path, shapes, data, "pyshacl") == expected
