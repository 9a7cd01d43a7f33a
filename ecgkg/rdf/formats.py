"""The one table of RDF syntaxes ecgkg reads: file suffix, pyoxigraph format, rdflib name."""

from __future__ import annotations

from collections import namedtuple

import pyoxigraph as ox

# name: as people call it. A named tuple, not a dataclass: this module is on the path of every
# `ecgkg query`, and the dataclasses module costs some 10 ms of start-up (ecgkg/launcher.py).
Syntax = namedtuple("Syntax", "name ox_format rdflib_name")


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
