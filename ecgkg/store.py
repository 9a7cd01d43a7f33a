"""The embedded RDF engine: one pyoxigraph store, a named graph per source file.

Kept behind this module so the engine can change with the benchmark: pyoxigraph parses, queries
and serialises about ten times faster than rdflib's in-memory store.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ecgkg.errors import EcgkgError
from ecgkg.rdf.formats import OX_FORMATS  # noqa: F401 - the one table, for callers of store
from ecgkg.rdf.reader import load_into


def load_file(store: ox.Store, path: Path) -> None:
    """Parse one file into its own named graph (ecgkg.rdf.reader: one error text for every
    verb). A load is a transaction: nothing is added on error."""
    load_into(store, path)


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
