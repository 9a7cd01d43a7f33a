"""`ecgkg export`: write the whole dataset in one RDF format, atomically."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pyoxigraph as ox

from ecgkg import store
from ecgkg.build import Built
from ecgkg.errors import EcgkgError
from ecgkg.files import write_file
from ecgkg.namespaces import PREFIXES

EXPORT_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


# Formats that keep one named graph per source file; every other format writes the merge.
# JSON-LD could hold named graphs too, but most readers (rdflib's Graph().parse) then see none
# of the triples, so it is written as one merged graph like Turtle.
GRAPH_KEEPING = ("nq", "trig")


def export_bytes(built: Built, fmt: str) -> bytes:
    """The dataset serialised: N-Quads and TriG keep each file's graph (not the merge, which is
    their union), the other formats write the merge, each triple once."""
    rdf_format = EXPORT_FORMATS.get(fmt)
    if rdf_format is None:
        raise EcgkgError(f"unknown export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    buffer = io.BytesIO()
    prefixes = PREFIXES if fmt in ("ttl", "trig") else None
    if fmt in GRAPH_KEEPING:
        ox.serialize(store.named_quads(built.store), buffer, format=rdf_format,
                     prefixes=prefixes)
    else:
        triples = sorted(store.default_triples(built.store), key=str)
        ox.serialize(triples, buffer, format=rdf_format, prefixes=prefixes)
    return buffer.getvalue()


def export(built: Built, fmt: str, output: Path | None) -> None:
    """Write to `output` via a temporary file and a rename, or to standard output."""
    data = export_bytes(built, fmt)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_file(output, data)
