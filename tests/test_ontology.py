"""The ontology's class hierarchy pinned, and every class it declares exercised by the shapes.

A class moved under another superclass changes what `sh:targetClass` reaches and what the
queries' `rdfs:subClassOf*` find; the golden tests/golden/ontology/superclasses.tsv pins each
class's direct superclasses (`python tests/golden/regenerate.py superclasses` rewrites it).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import rdflib
from ontology_graph import direct_superclasses, ontology_graph
from pinning import compact
from rdflib import RDF, RDFS, URIRef

from ecgkg.sources import data_dir, rdf_files, shapes_dir
from ecgkg.validate import SH, load_shapes

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden" / "ontology" / "superclasses.tsv"


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return ontology_graph()


def test_direct_superclasses_are_the_golden_ones(ontology):
    with GOLDEN.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source, delimiter="\t"))
    assert rows[0] == ["class", "direct superclasses"]
    golden = {cls: set(parents.split()) for cls, parents in rows[1:]}
    found = {compact(cls): {compact(p) for p in parents}
             for cls, parents in direct_superclasses(ontology).items()}
    assert len(found) == len(golden) > 0
    assert found == golden, (
        "the class hierarchy differs from tests/golden/ontology/superclasses.tsv; if meant, run "
        "`python tests/golden/regenerate.py superclasses` and read the diff")


def test_every_class_is_reached_by_a_shape(ontology):
    """Each declared class, or a superclass of it, is the target of a shape."""
    shapes = load_shapes(shapes_dir()).graph
    targets = set(shapes.objects(None, SH.targetClass))
    classes = direct_superclasses(ontology)
    assert classes
    unreached = [cls for cls in classes
                 if not set(ontology.transitive_objects(URIRef(cls), RDFS.subClassOf)) & targets]
    assert not unreached, f"classes no shape targets: {unreached}"


def test_every_class_has_a_conforming_instance_in_data_or_a_valid_fixture(ontology):
    """So each class's shapes are seen to accept a well-formed instance, not only to reject."""
    files = rdf_files([data_dir()]) + sorted((TESTS / "shape_fixtures").glob("*/valid-*.ttl"))
    typed = set()
    for path in files:
        typed |= set(rdflib.Graph().parse(path, format="turtle").objects(None, RDF.type))
    missing = [cls for cls in direct_superclasses(ontology) if URIRef(cls) not in typed]
    assert not missing, f"classes with no instance in data/ or a valid fixture: {missing}"


def test_every_class_defined_by_the_ontology_has_an_english_label(ontology):
    """The queries that name a thing's kind (esco-concept-links, find-by-label) read the label
    in an inner OPTIONAL, which gives their rows only when every class the ontology defines has
    an English rdfs:label."""
    defined = set(ontology.subjects(rdflib.RDFS.isDefinedBy,
                                    rdflib.URIRef("https://w3id.org/ecgkg/ontology")))
    classes = [c for c in defined if (c, rdflib.RDF.type, rdflib.OWL.Class) in ontology]
    assert len(classes) >= 20
    unlabelled = [c for c in classes
                  if not any(getattr(label, "language", None) and
                             label.language.lower().split("-")[0] == "en"
                             for label in ontology.objects(c, rdflib.RDFS.label))]
    assert unlabelled == []
