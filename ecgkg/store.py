"""The embedded RDF engine: one pyoxigraph store, a named graph per source file.

Kept behind this module so the engine can change with the benchmark: pyoxigraph parses, queries
and serialises about ten times faster than rdflib's in-memory store.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ecgkg.errors import EcgkgError
from ecgkg.sources import display_path, graph_iri

OX_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


def syntax_error_message(path: Path, error: SyntaxError) -> str:
    """'FILE:LINE: reason' from a pyoxigraph parse error, without its internal position tuple."""
    reason = error.msg if isinstance(error.msg, str) else str(error)
    line = f":{error.lineno}" if error.lineno else ""
    return f"{display_path(path)}{line}: syntax error: {reason}"


def load_file(store: ox.Store, path: Path) -> int:
    """Parse one file into its own named graph; returns its triple count. Nothing is added on error."""
    rdf_format = OX_FORMATS.get(path.suffix)
    if rdf_format is None:
        raise EcgkgError(f"{display_path(path)}: unsupported RDF file suffix {path.suffix!r}")
    graph = ox.NamedNode(graph_iri(path))
    scratch = ox.Store()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise EcgkgError(f"{display_path(path)}: cannot read: {error.strerror}") from None
    try:
        if rdf_format.supports_datasets:
            # Quads keep the file's own graphs only when it names them; default-graph quads go
            # to the file's graph like every other file.
            scratch.load(data, format=rdf_format, base_iri=graph.value)
            quads = [
                ox.Quad(q.subject, q.predicate, q.object,
                        graph if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name)
                for q in scratch
            ]
        else:
            scratch.load(data, format=rdf_format, base_iri=graph.value, to_graph=graph)
            quads = list(scratch)
    except SyntaxError as error:
        raise EcgkgError(syntax_error_message(path, error)) from None
    store.extend(quads)
    return len(quads)


def load_files(paths: list[Path]) -> tuple[ox.Store, dict[Path, int]]:
    """A fresh in-memory store with every file in its own named graph, and triples per file."""
    store = ox.Store()
    counts = {path: load_file(store, path) for path in paths}
    return store, counts


def query(store: ox.Store, sparql: str, substitutions: dict | None = None):
    """Run SPARQL over the union of all graphs (so queries need no GRAPH clause)."""
    try:
        return store.query(
            sparql, use_default_graph_as_union=True, substitutions=substitutions or None
        )
    except SyntaxError as error:
        raise EcgkgError(f"SPARQL syntax error: {error}") from None
