"""The ontology as an rdflib graph, and each class's direct superclasses (for the golden)."""

from __future__ import annotations

import rdflib
from rdflib import OWL, RDF, RDFS, URIRef

from ecgkg.sources import ontology_dir, rdf_files


def ontology_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in rdf_files([ontology_dir()]):
        graph.parse(path, format="turtle")
    return graph


def direct_superclasses(graph: rdflib.Graph | None = None) -> dict[str, set[str]]:
    """Each named class the ontology declares, or places under a superclass, -> the named classes
    it is declared a subclass of (restrictions and other blank nodes left out).

    The second kind are classes of other vocabularies (org:FormalOrganization, cv:PublicOrganisation)
    that the ontology describes without declaring: moving one under another superclass changes
    what the shapes and queries reach just as much."""
    graph = graph if graph is not None else ontology_graph()
    classes = {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    classes |= {c for c in graph.subjects(RDFS.subClassOf, None) if isinstance(c, URIRef)}
    return {str(c): {str(p) for p in graph.objects(c, RDFS.subClassOf) if isinstance(p, URIRef)}
            for c in classes}
