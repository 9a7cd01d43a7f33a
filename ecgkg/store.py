"""The embedded RDF engine: one pyoxigraph store, a named graph per source file.

Kept behind this module so the engine can change with the benchmark: pyoxigraph parses, queries
and serialises about ten times faster than rdflib's in-memory store.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ecgkg.errors import EcgkgError
from ecgkg.limits import ENGINE_TERM_LIMIT, check_xml_expansion
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


def load_file(store: ox.Store, path: Path) -> None:
    """Parse one file into its own named graph. A load is a transaction: nothing is added on error."""
    rdf_format = OX_FORMATS.get(path.suffix)
    if rdf_format is None:
        raise EcgkgError(f"{display_path(path)}: unsupported RDF file suffix {path.suffix!r}")
    graph = ox.NamedNode(graph_iri(path))
    if rdf_format == ox.RdfFormat.RDF_XML:
        check_xml_expansion(read_bytes(path), display_path(path))
    try:
        if rdf_format.supports_datasets:
            # Quads keep the graphs the file names; its default graph becomes the file's graph.
            scratch = ox.Store()
            scratch.load(path=str(path), format=rdf_format, base_iri=graph.value)
            store.extend(
                ox.Quad(q.subject, q.predicate, q.object,
                        graph if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name)
                for q in scratch
            )
        else:
            store.load(path=str(path), format=rdf_format, base_iri=graph.value, to_graph=graph)
    except SyntaxError as error:
        raise EcgkgError(syntax_error_message(path, error)) from None
    except MemoryError:
        raise EcgkgError(term_too_large(path)) from None
    except OSError as error:
        raise EcgkgError(f"{display_path(path)}: cannot read: {error.strerror or error}") from None


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise EcgkgError(f"{display_path(path)}: cannot read: {error.strerror or error}") from None


def term_too_large(path: Path) -> str:
    return (f"{display_path(path)}: a term (IRI or literal) is larger than the parser's limit of "
            f"{ENGINE_TERM_LIMIT // (1024 * 1024)} MiB")


def load_files(paths: list[Path]) -> ox.Store:
    """A fresh in-memory store with every file in its own named graph."""
    store = ox.Store()
    for path in paths:
        load_file(store, path)
    return store


GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Triples per named graph."""
    return {row["g"].value: int(row["n"].value) for row in store.query(GRAPH_SIZES)}


def query(store: ox.Store, sparql: str, substitutions: dict | None = None):
    """Run SPARQL over the union of all graphs (so queries need no GRAPH clause)."""
    try:
        return store.query(
            sparql, use_default_graph_as_union=True, substitutions=substitutions or None
        )
    except SyntaxError as error:
        raise EcgkgError(f"SPARQL syntax error: {error}") from None
