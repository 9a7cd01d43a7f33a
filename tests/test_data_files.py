"""Data is code: every file parses, is canonical, and uses only declared terms."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, URIRef

from ecgkg.canonical import format_files, parse_turtle
from ecgkg.namespaces import ECG, PREFIXES, REUSED_VOCABULARIES
from ecgkg.sources import data_dir, ontology_dir, rdf_files

ONTOLOGY_FILES = rdf_files([ontology_dir()])
DATA_FILES = rdf_files([data_dir()])
SKOS_DEFINITION = URIRef(PREFIXES["skos"] + "definition")


def test_the_expected_files_are_found():
    # A silently emptied parametrisation would make every test below pass vacuously: the files
    # found are every Turtle file on disk (counted another way, so adding a meeting needs no
    # edit here), and each kind of data has its folder.
    on_disk = sorted(Path(root) / name for folder in (ontology_dir(), data_dir())
                     for root, _, names in os.walk(folder) for name in names
                     if name.endswith(".ttl"))
    assert sorted(ONTOLOGY_FILES + DATA_FILES) == on_disk
    assert len(ONTOLOGY_FILES) == 2
    folders = {p.parent.relative_to(data_dir()).parts[0] for p in DATA_FILES if p.parent != data_dir()}
    assert folders >= {"authority", "bodies", "esco", "initiatives", "legal", "meetings", "sources"}
    assert all(p.suffix == ".ttl" for p in ONTOLOGY_FILES + DATA_FILES)


@pytest.mark.parametrize("path", ONTOLOGY_FILES + DATA_FILES, ids=lambda p: p.name)
def test_file_is_canonical(path: Path):
    # canonical as `ecgkg format --check` means it: the rdflib form with the comments it keeps
    assert len(parse_turtle(path)) > 0
    (result,) = format_files([path], check=True)
    assert not result.changed, f"{path} is not in canonical form: run `ecgkg format {path}`"


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in ONTOLOGY_FILES:
        graph.parse(path, format="turtle")
    return graph


def declared_terms(ontology: rdflib.Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for kind in kinds for s in ontology.subjects(RDF.type, kind)}


def test_every_ontology_term_has_label_and_definition(ontology):
    terms = declared_terms(ontology)
    assert len(terms) > 40
    missing = [
        str(term) for term in terms
        if not any(label.language == "en" for label in ontology.objects(term, RDFS.label))
        or not any(d.language == "en" for d in ontology.objects(term, SKOS_DEFINITION))
    ]
    assert missing == [], f"terms without an English rdfs:label and skos:definition: {missing}"


def test_every_ontology_term_is_aligned_to_a_reused_vocabulary(ontology):
    """Each class specialises a reused class, each property a reused property, domain or range."""
    unaligned = []
    for term in declared_terms(ontology):
        links = set(ontology.objects(term, RDFS.subClassOf)) | set(
            ontology.objects(term, RDFS.subPropertyOf)) | set(
            ontology.objects(term, URIRef(PREFIXES["skos"] + "closeMatch"))) | set(
            ontology.objects(term, RDFS.domain)) | set(ontology.objects(term, RDFS.range))
        if not links:
            unaligned.append(str(term))
    assert unaligned == []


def test_ontology_header(ontology):
    header = URIRef("https://w3id.org/ecgkg/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionIRI) is not None
    assert ontology.value(header, URIRef(PREFIXES["dcterms"] + "license")) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/")
    assert ontology.value(header, URIRef(PREFIXES["dcterms"] + "description")) is not None


def test_every_term_used_in_data_is_declared(ontology):
    declared = declared_terms(ontology)
    undeclared: set[str] = set()
    foreign: set[str] = set()
    for path in DATA_FILES:
        graph = parse_turtle(path)
        used = set(graph.predicates()) | set(graph.objects(None, RDF.type))
        for term in used:
            if str(term).startswith(ECG):
                if term not in declared:
                    undeclared.add(f"{path.name}: {term}")
            elif not str(term).startswith(REUSED_VOCABULARIES):
                foreign.add(f"{path.name}: {term}")
    assert undeclared == set(), "terms in ecg: that the ontology does not declare"
    assert foreign == set(), "terms from a vocabulary the project does not reuse"
