"""The `#` comments of a Turtle file, and where canonical Turtle can keep them.

A parser drops comments, so canonical Turtle (ecgkg.canonical) is re-serialised without them.
What a curator writes between statements can be put back: comments at the top of the file
(before or among the prefixes) stay at the top, comments before a subject's block go before
that subject's block in canonical order, and comments after the last statement stay at the end.
A comment inside a statement (between a subject's predicates), after a statement on the same
line, or before a blank-node subject has no place in canonical form: it is reported as lost.

This is a lexer, not a parser: it tells comments, IRIs, strings and statement ends apart, and
reads a subject's IRI from its first token. The file has been parsed already (the reader), so
its syntax is known to be good.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_NAME_STOP = set(" \t\r\n<\"'#;,[]()")
_PUNCT = set(";,[]()")


@dataclass(frozen=True)
class Comment:
    line: int  # 1-based
    text: str  # from the `#` to the end of the line, trailing spaces removed
    own_line: bool  # nothing but spaces before it on its line


@dataclass
class Statement:
    line: int  # where its first token is
    subject: str | None  # the subject's absolute IRI; None for a directive, blank node, list
    directive: bool
    before: list[Comment] = field(default_factory=list)  # comments since the previous statement


@dataclass
class Scan:
    statements: list[Statement]
    inner: list[Comment]  # inside a statement: no place in canonical form
    after: list[Comment]  # after the last statement


def _unescape_local(local: str) -> str:
    return re.sub(r"\\(.)", r"\1", local)


def _read_string(text: str, i: int) -> int:
    """Offset just past the string literal starting at i."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = i + 3
        while end < len(text):
            if text[end] == "\\":
                end += 2
            elif text.startswith(quote * 3, end):
                return end + 3
            else:
                end += 1
        return len(text)
    end = i + 1
    while end < len(text) and text[end] != quote:
        end += 2 if text[end] == "\\" else 1
    return end + 1


def _read_name(text: str, i: int) -> int:
    """Offset just past a prefixed name, keyword, number, language tag or datatype marker. A
    dot ends it when it ends the statement (followed by space, a comment or the end)."""
    end = i
    while end < len(text):
        char = text[end]
        if char == "\\":
            end += 2
            continue
        if char in _NAME_STOP:
            break
        if char == "." and (end + 1 == len(text) or text[end + 1] in " \t\r\n#"):
            break
        end += 1
    return end


def scan(text: str) -> Scan:
    """The statements of a Turtle text, each with the comments before it."""
    statements: list[Statement] = []
    inner: list[Comment] = []
    pending: list[Comment] = []
    prefixes: dict[str, str] = {}
    current: list[str] = []  # tokens of the statement being read
    kind = ""  # "@" directive, "sparql" directive, "triples"; "" between statements
    depth = 0
    line, i, n = 1, 0, len(text)
    while i < n:
        char = text[i]
        if char == "\n":
            line += 1
            i += 1
            continue
        if char in " \t\r":
            i += 1
            continue
        if char == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            own_line = not text[text.rfind("\n", 0, i) + 1:i].strip()
            comment = Comment(line, text[i:end].rstrip(), own_line)
            if kind or not own_line:
                inner.append(comment)  # inside a statement, or after one on its line
            else:
                pending.append(comment)
            i = end
            continue
        start_line = line
        if char == "<":
            end = text.index(">", i) + 1
        elif char in "\"'":
            end = _read_string(text, i)
        elif char in _PUNCT or (char == "." and not (i + 1 < n and text[i + 1].isdigit())):
            end = i + 1
        else:
            end = max(_read_name(text, i), i + 1)  # always progress, whatever the text
        token = text[i:end]
        line += token.count("\n")
        i = end
        if not kind:
            upper = token.upper()
            if token in ("@prefix", "@base"):
                kind = "@"
            elif upper in ("PREFIX", "BASE"):
                kind = "sparql"
            else:
                kind = "triples"
            statements.append(Statement(start_line, _subject(token, prefixes) if kind == "triples"
                                        else None, kind != "triples", pending))
            pending, current = [], []
        current.append(token)
        if token in ("[", "("):
            depth += 1
        elif token in ("]", ")"):
            depth -= 1
        ends = (token == "." and depth == 0) or (kind == "sparql" and token.startswith("<"))
        if ends:
            if kind != "triples" and current[0].lower() in ("@prefix", "prefix") and len(current) >= 3:
                prefixes[current[1][:-1]] = current[2][1:-1]
            kind = ""
    return Scan(statements, inner, pending)


def _subject(token: str, prefixes: dict[str, str]) -> str | None:
    if token.startswith("<") and token.endswith(">"):
        iri = token[1:-1]
        return iri if _SCHEME.match(iri) else None  # a relative IRI: its base is not ours
    if token.startswith("_:") or ":" not in token:
        return None
    prefix, _, local = token.partition(":")
    if prefix not in prefixes:
        return None
    return prefixes[prefix] + _unescape_local(local)


def _lines(comments: list[Comment]) -> list[str]:
    """The comments as lines, with one blank line where the original had any between two."""
    out = []
    for k, comment in enumerate(comments):
        if k and comment.line > comments[k - 1].line + 1:
            out.append("\n")
        out.append(comment.text + "\n")
    return out


@dataclass(frozen=True)
class Kept:
    text: str
    lost: list[Comment]


def keep_comments(original: str, canonical: str) -> Kept:
    """The canonical text with the original's comments put back where they can go, and the
    comments that cannot (inside a statement, after one on its line, before a blank node)."""
    found = scan(original)
    lost = list(found.inner)
    header: list[Comment] = []
    attached: dict[str, list[Comment]] = {}
    first_triples = next((k for k, s in enumerate(found.statements) if not s.directive), None)
    for k, statement in enumerate(found.statements):
        if not statement.before:
            continue
        touching = statement.before[-1].line == statement.line - 1
        if statement.directive or (k == first_triples and not touching):
            header += statement.before
        elif statement.subject is None:
            lost += statement.before
        else:
            attached.setdefault(statement.subject, []).extend(statement.before)
    if not (header or attached or found.after):
        return Kept(canonical, sorted(lost, key=lambda c: c.line))
    lines = canonical.splitlines(keepends=True)
    starts = {s.subject: s.line for s in scan(canonical).statements if s.subject is not None}
    for subject in sorted(attached, key=lambda s: starts.get(s, 0), reverse=True):
        if subject not in starts:
            lost += attached[subject]
            continue
        at = starts[subject] - 1
        lines[at:at] = _lines(attached[subject])
    text = "".join(_lines(header)) + "".join(lines)
    if found.after:
        text = text.rstrip("\n") + "\n\n" + "".join(_lines(found.after))
    return Kept(text, sorted(lost, key=lambda c: c.line))
