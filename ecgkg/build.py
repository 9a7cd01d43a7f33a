"""`ecgkg build`: load the ontology and data into one dataset, a named graph per source file
and their RDF merge as the default graph that queries see."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass
class Built:
    """The loaded dataset and the files that went into it, in load order."""

    store: ox.Store
    files: list[Path]

    @property
    def triples_per_file(self) -> dict[Path, int]:
        sizes = store.graph_sizes(self.store)
        return {path: sizes.get(graph_iri(path), 0) for path in self.files}

    @property
    def triple_count(self) -> int:
        """Distinct triples: a triple stated in two files counts once."""
        return store.triple_count(self.store)

    def class_counts(self) -> list[tuple[str, int]]:
        """Instances per rdf:type in the merged graph, most frequent first."""
        return [
            (row["class"].value, int(row["instances"].value))
            for row in store.query(self.store, CLASS_COUNTS)
        ]


def build(paths: list[Path] | None = None) -> Built:
    """Load the given files and folders, or the bundled ontology and data when none are given."""
    files = rdf_files(paths) if paths else bundled_files()
    return Built(store.load_files(files), files)
