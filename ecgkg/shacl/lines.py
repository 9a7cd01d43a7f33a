"""Where a node is defined: the file and line of each focus node, for reports."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import URIRef
from rdflib.term import Node

# ------------------------------------------------------------------------------------ lines

PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
LINE_START_TERM = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:\S*|:\S*)")


class Locator:
    """Finds the line of a subject in a Turtle, TriG or N-Triples file.

    Canonical Turtle starts each subject's block at the start of a line, as its full IRI in <...>
    or in prefixed form; N-Triples starts every line with one. A few nodes are looked up by
    searching the file's text; past LOOKUPS nodes in one file, every line of it is indexed once
    (a large file then costs one pass, and a few results in it no more than a search each).
    Lines are counted as the parser counts them, at each line feed.
    """

    LOOKUPS = 32

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self.subjects: dict[Path, dict[str, int]] = {}
        self.texts: dict[Path, str] = {}
        self.declarations: dict[Path, list[tuple[int, str, str]]] = {}
        self.lookups: dict[Path, int] = {}

    def _text(self, path: Path) -> str:
        if path not in self.texts:
            try:
                self.texts[path] = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                self.texts[path] = ""
        return self.texts[path]

    def _declarations(self, path: Path) -> list[tuple[int, str, str]]:
        """(position, prefix, namespace) of each prefix declaration, in file order."""
        if path not in self.declarations:
            found = []
            if path.suffix in (".ttl", ".trig"):
                found = [(m.start(), m.group(1) or "", m.group(2))
                         for m in PREFIX_DECLARATION.finditer(self._text(path))]
            self.declarations[path] = found
        return self.declarations[path]

    def _index(self, path: Path) -> dict[str, int]:
        if path in self.subjects:
            return self.subjects[path]
        index: dict[str, int] = {}
        prefixes: dict[str, str] = {}
        if path.suffix in (".ttl", ".trig", ".nt", ".nq"):
            for number, line in enumerate(self._text(path).split("\n"), start=1):
                declared = PREFIX_LINE.match(line)
                if declared:
                    prefixes[declared.group(1) or ""] = declared.group(2)
                    continue
                match = LINE_START_TERM.match(line)
                if not match:
                    continue
                token = match.group(1).rstrip(";,.")
                if token.startswith("<"):
                    iri = token[1:-1]
                else:
                    prefix, _, local = token.partition(":")
                    if prefix not in prefixes:
                        continue
                    iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
                index.setdefault(iri, number)
        self.subjects[path] = index
        return index

    def subject_line(self, path: Path, node: Node) -> int | None:
        if not isinstance(node, URIRef):
            return None
        if path not in self.subjects:
            self.lookups[path] = self.lookups.get(path, 0) + 1
            if self.lookups[path] <= self.LOOKUPS:
                return self._find_subject(path, str(node)) or self.mention_line(path, node)
        return self._index(path).get(str(node)) or self.mention_line(path, node)

    def _find_subject(self, path: Path, iri: str) -> int | None:
        """The first line that starts with IRI, in full or prefixed with a prefix declared
        before it: what _index would give, without reading every line."""
        if path.suffix not in (".ttl", ".trig", ".nt", ".nq"):
            return None
        text = self._text(path)
        declarations = self._declarations(path)
        best = line_start(text, f"<{iri}>")
        for declared_at, prefix, namespace in declarations:
            if not iri.startswith(namespace) or len(iri) == len(namespace):
                continue
            form = f"{prefix}:{iri[len(namespace):]}"
            start = declared_at
            while True:
                position = line_start(text, form, start)
                if position is None or (best is not None and position > best):
                    break
                start = position + 1
                # the prefix means NAMESPACE there (not redeclared since), and the name ends
                meant = [ns for at, p, ns in declarations if p == prefix and at < position]
                if meant[-1] == namespace and ends_term(text, position + len(form)):
                    best = position
                    break
        return None if best is None else text.count("\n", 0, best) + 1

    def mention_line(self, path: Path, node: URIRef) -> int | None:
        """The first line that names NODE anywhere (for a node only used as an object)."""
        text = self._text(path)
        iri = str(node)
        prefixes = {prefix: namespace for _, prefix, namespace in self._declarations(path)}
        forms = [f"<{iri}>"]
        for prefix, namespace in prefixes.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                forms.append(f"{prefix}:{iri[len(namespace):]}")
        pattern = re.compile(
            "|".join(
                re.escape(form) + ("" if form.startswith("<") else r"(?![\w.:/#-]*[\w:/#-])")
                for form in forms
            )
        )
        found = pattern.search(text)
        return None if found is None else text.count("\n", 0, found.start()) + 1


PREFIX_DECLARATION = re.compile(r"^[ \t]*(?:@prefix|PREFIX)[ \t]+([A-Za-z][\w.-]*)?:[ \t]*<([^>]*)>",
                                re.IGNORECASE | re.MULTILINE)


def line_start(text: str, form: str, start: int = 0) -> int | None:
    """The first position from START where a line starts with FORM."""
    if start == 0 and text.startswith(form):
        return 0
    found = text.find("\n" + form, max(start - 1, 0))
    return None if found < 0 else found + 1


def ends_term(text: str, end: int) -> bool:
    """Whether a prefixed name ending at END ends there (only ; , . before the next space)."""
    while end < len(text) and not text[end].isspace():
        if text[end] not in ";,.":
            return False
        end += 1
    return True


