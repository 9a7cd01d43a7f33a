"""Markup for the documentation site: escaping, links between pages, tables and the page frame.

Everything shown comes from data (labels, messages, query answers), so every text goes through
`text()` and every attribute through `attr()`; nothing here writes a script. Links are relative
(the site is one flat folder), so it reads the same from the file system and from a web server.
"""

from __future__ import annotations

import html
import re

import pyoxigraph as ox

from ecgkg.results import compact_iri

# Pages of the site's frame: (file, title) in the order the navigation shows them.
NAV = (("index.html", "Home"), ("ontology.html", "Ontology"), ("shapes.html", "Shapes"),
       ("queries.html", "Queries"), ("meetings.html", "Meetings"), ("bodies.html", "Bodies"),
       ("initiatives.html", "Initiatives"), ("sources.html", "Sources"))

# One small style sheet inside each page: no second file to ship or to lose on the way.
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 70rem; margin: 0 auto; padding: 1rem;
       line-height: 1.45; color: #222; }
nav a { margin-right: 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; }
pre { background: #f6f8fa; padding: 0.6rem; overflow-x: auto; }
code { font-size: 0.92em; }
section { border-top: 1px solid #ddd; margin-top: 1.2rem; }
.note { color: #555; }
blockquote { border-left: 3px solid #ccc; margin: 0.3rem 0; padding-left: 0.6rem; }
img { max-width: 100%; }
"""

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")


def text(value: object) -> str:
    """Any value as HTML text: <, >, & and quotes escaped."""
    return html.escape(str(value), quote=True)


def attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def slug(value: str) -> str:
    """A file-name and id safe form of a name or IRI tail."""
    return _UNSAFE_ID.sub("-", value).strip("-") or "x"


class Anchors:
    """Where each resource is documented: IRI -> 'page.html#id' or 'page.html', ids unique."""

    def __init__(self) -> None:
        self.targets: dict[str, str] = {}
        self._ids: set[str] = set()
        self._files: set[str] = set()

    def page(self, iri: str, prefix: str, name: str) -> str:
        """A page of its own for `iri`: PREFIX-NAME.html, made unique; returns the file name."""
        base = f"{prefix}-{slug(name)}"
        candidate, n = base, 1
        while f"{candidate}.html" in self._files:
            n += 1
            candidate = f"{base}-{n}"
        self._files.add(f"{candidate}.html")
        self.targets[iri] = f"{candidate}.html"
        return f"{candidate}.html"

    def anchor(self, key: str, page: str, name: str) -> str:
        """An id on `page` for `key` (an IRI or another key), made unique; returns the id."""
        base = slug(name)
        candidate, n = base, 1
        while (page, candidate) in self._ids:
            n += 1
            candidate = f"{base}-{n}"
        self._ids.add((page, candidate))
        self.targets.setdefault(key, f"{page}#{candidate}")
        return candidate

    def href(self, iri: str) -> str | None:
        return self.targets.get(iri)


def iri_link(iri: str, anchors: Anchors, label: str | None = None) -> str:
    """An IRI as a link to its place in the site, else to itself when it is a web address,
    else as text; shown by its label or compact form."""
    shown = text(label if label else compact_iri(iri))
    target = anchors.href(iri)
    if target:
        return f'<a href="{attr(target)}" title="{attr(iri)}">{shown}</a>'
    if iri.startswith(("http://", "https://")):
        return f'<a href="{attr(iri)}">{shown}</a>'
    return f'<code title="{attr(iri)}">{shown}</code>'


def term_html(term: object | None, anchors: Anchors, labels: dict[str, str] | None = None) -> str:
    """A pyoxigraph term in a cell: IRIs linked, literals with their language or datatype."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return iri_link(term.value, anchors, (labels or {}).get(term.value))
    if isinstance(term, ox.BlankNode):
        return f"<code>_:{text(term.value)}</code>"
    if isinstance(term, ox.Literal):
        shown = text(term.value)
        if term.language:
            return f'{shown} <span class="note">@{text(term.language)}</span>'
        datatype = term.datatype.value
        if datatype.endswith("#string") or datatype.endswith("#langString"):
            return shown
        return f'{shown} <span class="note">({text(compact_iri(datatype))})</span>'
    return text(term)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A table of cells that are already HTML; headers are text."""
    head = "".join(f"<th>{text(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(title: str, body: str) -> str:
    """A whole page: the navigation, the title and the body (HTML)."""
    nav = " ".join(f'<a href="{file}">{text(name)}</a>' for file, name in NAV)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{text(title)} - ecgkg</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"<nav>{nav}</nav>\n<h1>{text(title)}</h1>\n{body}\n"
            f'<footer class="note"><p>Generated by <code>ecgkg docs</code> from the ontology, '
            f"shapes, queries and data; not edited by hand.</p></footer>\n</body>\n</html>\n")
