"""The one table of RDF syntaxes ecgkg reads: file suffix, pyoxigraph format, rdflib name."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Syntax:
    name: str  # as people call it
    ox_format: ox.RdfFormat
    rdflib_name: str


SYNTAXES: dict[str, Syntax] = {
    ".ttl": Syntax("Turtle", ox.RdfFormat.TURTLE, "turtle"),
    ".nt": Syntax("N-Triples", ox.RdfFormat.N_TRIPLES, "nt"),
    ".nq": Syntax("N-Quads", ox.RdfFormat.N_QUADS, "nquads"),
    ".trig": Syntax("TriG", ox.RdfFormat.TRIG, "trig"),
    ".jsonld": Syntax("JSON-LD", ox.RdfFormat.JSON_LD, "json-ld"),
    ".rdf": Syntax("RDF/XML", ox.RdfFormat.RDF_XML, "xml"),
    ".owl": Syntax("RDF/XML", ox.RdfFormat.RDF_XML, "xml"),
}

# Views of the table for the modules that want one column.
RDF_SUFFIXES = {suffix: syntax.rdflib_name for suffix, syntax in SYNTAXES.items()}
OX_FORMATS = {suffix: syntax.ox_format for suffix, syntax in SYNTAXES.items()}
