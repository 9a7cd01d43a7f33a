"""`ecgkg export`: write the whole dataset in one RDF format, atomically."""

from __future__ import annotations

import io
import sys
from pathlib import Path

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


def export_bytes(built: Built, fmt: str) -> bytes:
    """The dataset serialised: quad formats keep each file's graph, triple formats merge them."""
    rdf_format = EXPORT_FORMATS.get(fmt)
    if rdf_format is None:
        raise EcgkgError(f"unknown export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    buffer = io.BytesIO()
    prefixes = PREFIXES if fmt in ("ttl", "trig") else None
    if rdf_format.supports_datasets:
        built.store.dump(buffer, format=rdf_format, prefixes=prefixes)
    else:
        # Triple formats have no graphs: the union, each triple once.
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in built.store}
        ox.serialize(sorted(triples, key=str), buffer, format=rdf_format, prefixes=prefixes)
    return buffer.getvalue()


def export(built: Built, fmt: str, output: Path | None) -> None:
    """Write to `output` via a temporary file and a rename, or to standard output."""
    data = export_bytes(built, fmt)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_file(output, data)
