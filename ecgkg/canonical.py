"""Canonical Turtle: the one serialisation every file in ontology/, data/ and shapes/ is kept in.

Canonical means: parsed and re-serialised by rdflib's Turtle writer with the project's prefix
table, so two curators who add the same triples produce the same bytes and diffs stay small.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib

from ecgkg.errors import EcgkgError
from ecgkg.files import write_file
from ecgkg.namespaces import PREFIXES
from ecgkg.rdf.reader import check_syntax
from ecgkg.sources import display_path

FORMAT_COMMAND = "ecgkg format"


def parse_turtle(path: Path) -> rdflib.Graph:
    """rdflib graph of one Turtle file (rdflib's, for its Turtle writer); a file that does not
    parse gives the reader's one-line error (ecgkg.rdf.reader), as in every verb."""
    check_syntax(path)
    graph = rdflib.Graph(bind_namespaces="none")
    try:
        graph.parse(path, format="turtle")
    except Exception as error:  # noqa: BLE001 - rdflib raises several unrelated types
        raise EcgkgError(f"{display_path(path)}: syntax error: {' '.join(str(error).split())}") from None
    return graph


def canonical_turtle(graph: rdflib.Graph) -> str:
    """The canonical Turtle text of a graph."""
    out = rdflib.Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, namespace, override=True, replace=True)
    for triple in graph:
        out.add(triple)
    return out.serialize(format="turtle")


def write_atomically(path: Path, text: str | bytes) -> None:
    """Replace the file whole or not at all (see ecgkg.files)."""
    write_file(path, text)


@dataclass(frozen=True)
class FormatResult:
    path: Path
    changed: bool


def format_files(paths: list[Path], check: bool = False) -> list[FormatResult]:
    """Rewrite Turtle files in canonical form, or with check=True only report which are not."""
    results = []
    for path in paths:
        if path.suffix != ".ttl":
            raise EcgkgError(f"{display_path(path)}: only Turtle (.ttl) files have a canonical form")
        # Parsed first: the reader's one-line errors cover unreadable files and bad UTF-8 too.
        canonical = canonical_turtle(parse_turtle(path))
        current = path.read_text(encoding="utf-8")
        changed = current != canonical
        if changed and not check:
            write_atomically(path, canonical)
        results.append(FormatResult(path, changed))
    return results
