"""Validation results as short text tokens, shared by the shape fixture test and the golden writer.

A result is pinned as (focus, shape, component, severity, path) in fixture headers and as
(focus, path, value, component, shape, severity) plus message in the golden bundled report: the
fields a change of shapes or data can move, without the message texts, which may be reworded.
"""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef

from ecgkg.namespaces import PREFIXES

SH = PREFIXES["sh"]
NO_PATH = "-"
BLANK = "[]"  # any blank node: fixtures name blank focus nodes by this token


def compact(iri: str) -> str:
    """`prefix:local` for an IRI in one of the project's namespaces, else `<iri>`."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            local = iri[len(namespace):]
            if local and all(c.isalnum() or c in "-_." for c in local):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else f"<{iri}>"


def expand(token: str) -> str:
    """The full IRI of a `<iri>` or `prefix:local` token."""
    if token == BLANK or token.startswith('"'):
        return token
    if token.startswith("<") and token.endswith(">"):
        return token[1:-1]
    prefix, colon, local = token.partition(":")
    if not colon or prefix not in PREFIXES:
        raise ValueError(f"unknown prefix in {token!r}")
    return PREFIXES[prefix] + local


def path_token(path: object) -> str:
    """A result path (`<iri>`, `^<iri>` or None) as `prefix:local`, `^prefix:local` or `-`."""
    if path is None:
        return NO_PATH
    text = str(path)
    inverse = text.startswith("^")
    text = text.lstrip("^")
    iri = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    return ("^" if inverse else "") + compact(iri)


def severity_token(severity: object) -> str:
    """`sh:Violation`, `sh:Warning` or `sh:Info`, from a name or an IRI."""
    return "sh:" + str(severity).rsplit("#", 1)[-1]


def value_token(value: object) -> str:
    if value is None:
        return NO_PATH
    if isinstance(value, (URIRef, Literal)):
        return value.n3()
    return str(value)


def fixture_key(result) -> tuple[str, str, str, str, str]:
    """(focus, shape, component, severity, path) of a result, as full IRIs and path tokens."""
    focus = (BLANK if isinstance(result.focus_node, BNode)
             else result.focus_node.n3() if isinstance(result.focus_node, Literal)
             else str(result.focus_node))
    return (focus, str(result.shape), str(result.component),
            SH + str(result.severity).rsplit("#", 1)[-1], path_token(result.path))


def expectation_line(result) -> str:
    """A fixture header line for a result (what `regenerate.py --expect` prints)."""
    focus, shape, component, severity, path = fixture_key(result)
    focus = focus if focus == BLANK or focus.startswith('"') else f"<{focus}>"
    return (f"# expect: {focus} {compact(shape)} {compact(component)} "
            f"{severity_token(severity)} {path}")


def report_row(result) -> tuple[str, ...]:
    """A row of the golden bundled report: focus, path, value, component, shape, severity,
    message."""
    return (compact(str(result.focus_node)), path_token(result.path), value_token(result.value),
            compact(str(result.component)), compact(str(result.shape)),
            severity_token(result.severity), " ".join(str(result.message).split()))
