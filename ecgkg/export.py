"""`ecgkg export`: write the whole dataset in one RDF format, atomically."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

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


def _format(fmt: str) -> ox.RdfFormat:
    rdf_format = EXPORT_FORMATS.get(fmt)
    if rdf_format is None:
        raise EcgkgError(f"unknown export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    return rdf_format


def write_to(built: Built, fmt: str, stream: BinaryIO) -> None:
    """Serialise the dataset onto a binary stream as it is written: N-Quads and TriG keep each
    file's graph (not the merge, which is their union), the other formats write the merge, each
    triple once.

    The merge is the store's default graph, written by the engine (`Store.dump`) in the store's
    order, which ecgkg.store.load_merge makes the same on every run: no Python object per
    triple, no sort, no copy of the output in memory. Only the quad formats load the files'
    named graphs (Built.named_quads)."""
    rdf_format = _format(fmt)
    prefixes = PREFIXES if fmt in ("ttl", "trig") else None
    if fmt in GRAPH_KEEPING:
        ox.serialize(built.named_quads(), stream, format=rdf_format, prefixes=prefixes)
    else:
        built.merge_store.dump(stream, rdf_format, from_graph=ox.DefaultGraph(), prefixes=prefixes)


def export_bytes(built: Built, fmt: str) -> bytes:
    """The whole serialisation in memory (for small datasets: ecgkg.api's rdflib conversion)."""
    buffer = io.BytesIO()
    write_to(built, fmt, buffer)
    return buffer.getvalue()


def export(built: Built, fmt: str, output: Path | None) -> None:
    """Stream to `output` via a temporary file and a rename (ecgkg.files.write_file: nothing
    half-written), or to standard output."""
    _format(fmt)  # an unknown format is refused before the target is touched
    if output is None:
        write_to(built, fmt, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    write_file(output, lambda stream: write_to(built, fmt, stream))
