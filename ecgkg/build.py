"""`ecgkg build`: load the ontology and data into one dataset: the RDF merge of the files as the
default graph that queries see, and a named graph per source file, loaded when first needed
(ecgkg.store.load_merge)."""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox

from ecgkg import store
from ecgkg.sources import bundled_files, graph_iri, rdf_files

CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?instances)
WHERE { ?s a ?class }
GROUP BY ?class
ORDER BY DESC(?instances) ?class
"""


class Built:
    """The loaded dataset and the files that went into it, in load order.

    `store` is the whole dataset: the merge in the default graph and a named graph per file.
    An in-memory build (`build`) loads some files' named graphs only when something first asks
    for them (`with_file_graphs`: `store`, GRAPH or FROM in a query, quad exports, per-file
    counts); what reads only the merge uses `merge_store`, which does not load them.
    """

    def __init__(self, store: ox.Store, files: list[Path],
                 deferred: dict[Path, tuple[int, int]] | None = None,
                 renamed: set[Path] | None = None) -> None:
        self._store = store
        self.files = files
        # Files whose named graph is not loaded yet, with their stamps (ecgkg.store.file_stamp).
        self._deferred = dict(deferred or {})
        # None for a store not filled by load_merge (a persisted store): quad exports then
        # follow the engine's order, not load_merge's (ecgkg.store.named_quads_in_load_order).
        self._renamed = renamed
        self._lock = threading.Lock()

    @property
    def merge_store(self) -> ox.Store:
        """The store as loaded so far: the merge in its default graph, complete; the named
        graphs perhaps not all there yet. For what reads only the default graph."""
        return self._store

    @property
    def file_graphs_loaded(self) -> bool:
        """Whether every file's named graph is in the store."""
        return not self._deferred

    def with_file_graphs(self) -> ox.Store:
        """The store with every file's named graph, loaded now if not yet (once; EcgkgError
        if a file changed since the build)."""
        with self._lock:
            if self._deferred:
                store.add_file_graphs(self._store, self._deferred)
                self._deferred = {}
        return self._store

    @property
    def store(self) -> ox.Store:
        """The whole dataset: the merge and a named graph per file (with_file_graphs)."""
        return self.with_file_graphs()

    def store_for(self, sparql: str) -> ox.Store:
        """The store to run SPARQL on: with the files' named graphs if the query names graphs
        (GRAPH, FROM or FROM NAMED; ecgkg.library.uses_named_graphs), else as loaded."""
        if not self._deferred:
            return self._store
        from ecgkg.library import uses_named_graphs

        if uses_named_graphs(sparql):
            return self.with_file_graphs()
        return self._store

    def named_quads(self):
        """Every quad of the files' named graphs, in a stable order (what quad exports write)."""
        complete = self.with_file_graphs()
        if self._renamed is None:
            return store.named_quads(complete)
        return store.named_quads_in_load_order(complete, self.files, self._renamed)

    @property
    def triples_per_file(self) -> dict[Path, int]:
        sizes = store.graph_sizes(self.store)
        return {path: sizes.get(graph_iri(path), 0) for path in self.files}

    @property
    def triple_count(self) -> int:
        """Distinct triples: a triple stated in two files counts once."""
        return store.triple_count(self._store)

    def class_counts(self) -> list[tuple[str, int]]:
        """Instances per rdf:type in the merged graph, most frequent first."""
        return [
            (row["class"].value, int(row["instances"].value))
            for row in store.query(self._store, CLASS_COUNTS)
        ]


def build(paths: list[Path] | None = None) -> Built:
    """Load the given files and folders, or the bundled ontology and data when none are given."""
    files = rdf_files(paths) if paths else bundled_files()
    loaded, deferred, renamed = store.load_merge(files)
    return Built(loaded, files, deferred, renamed)
