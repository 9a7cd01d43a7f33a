"""Canonical Turtle: the one serialisation every file in ontology/, data/ and shapes/ is kept in.

Canonical means: parsed and re-serialised by rdflib's Turtle writer with the project's prefix
table, so two curators who add the same triples produce the same bytes and diffs stay small.
Comments a curator wrote at the top of a file, before a subject's block or at the end are put
back (ecgkg.turtle_comments); one inside a statement has no place there, so formatting refuses
the file unless told to drop such comments.
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
from ecgkg.turtle_comments import Comment, keep_comments

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
    lost: tuple[Comment, ...] = ()  # comments the canonical form cannot keep


def lost_comments_reason(result: FormatResult) -> str:
    """Why a file cannot be formatted with its comments: which lines would be lost."""
    lines = ", ".join(str(c.line) for c in result.lost)
    return (f"comments on lines {lines} would be lost: they sit inside a statement (or after "
            "one on its line, or before a blank node), where canonical Turtle has no place for "
            "them; move them above the subject, or give --drop-comments")


def lost_comments_message(result: FormatResult) -> str:
    return f"{display_path(result.path)}: {lost_comments_reason(result)}"


def format_files(paths: list[Path], check: bool = False,
                 drop_comments: bool = False) -> list[FormatResult]:
    """Rewrite Turtle files in canonical form, or with check=True only report which are not.

    Comments are kept where canonical Turtle has a place for them. A file with a comment it has
    none for is refused (EcgkgError, before any file is written) unless drop_comments; with
    check=True such a file is reported as not canonical, with the comments that stand in the way.
    """
    results = []
    texts = {}
    for path in paths:
        if path.suffix != ".ttl":
            raise EcgkgError(f"{display_path(path)}: only Turtle (.ttl) files have a canonical form")
        # Parsed first: the reader's one-line errors cover unreadable files and bad UTF-8 too.
        canonical = canonical_turtle(parse_turtle(path))
        current = path.read_text(encoding="utf-8")
        kept = keep_comments(current, canonical)
        lost = () if drop_comments else tuple(kept.lost)
        texts[path] = kept.text
        results.append(FormatResult(path, current != kept.text or bool(lost), lost))
    if not check:
        refused = [r for r in results if r.lost]
        if refused:
            raise EcgkgError(lost_comments_message(refused[0])
                             + (f" ({len(refused) - 1} more files like it; nothing was written)"
                                if len(refused) > 1 else " (nothing was written)"))
        for result in results:
            if result.changed:
                write_atomically(result.path, texts[result.path])
    return results
