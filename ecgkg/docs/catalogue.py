"""The query catalogue of the site: each bundled query with its header, SPARQL and answer.

Answers are computed at build time with the Python API (`kg.query`), on the graph the site
documents, so they are never copied by hand. Each query also gets a link that opens it in the
query UI of `ecgkg serve` (Oxigraph's), its parameters bound to their defaults and the project's
prefixes declared, since the UI knows none of them.
"""

from __future__ import annotations

import urllib.parse

from ecgkg.docs.html import Anchors, table, term_html, text
from ecgkg.library import NamedQuery, bind_values, declared_prefixes
from ecgkg.namespaces import PREFIXES

CATALOGUE_PAGE = "queries.html"
# More rows than this are cut from a page (the query link shows them all).
SHOWN_ROWS = 1000


def ui_query(query: NamedQuery) -> str:
    """The text the query UI receives: every project prefix the query does not declare itself,
    one PREFIX line each, then the query with its parameters bound by VALUES."""
    own = declared_prefixes(query.text)
    prologue = "".join(f"PREFIX {prefix}: <{namespace}>\n"
                       for prefix, namespace in PREFIXES.items() if prefix not in own)
    return prologue + bind_values(query.text, query.bindings())


def ui_link(query: NamedQuery, server: str) -> str:
    """A link opening the query in the server's UI: SERVER/?query=... (URL-encoded)."""
    return f"{server.rstrip('/')}/?query={urllib.parse.quote(ui_query(query), safe='')}"


def allocate(queries: list[NamedQuery], anchors: Anchors) -> None:
    for query in queries:
        anchors.page(f"query:{query.name}", "query", query.name)


def answer_html(kg, query: NamedQuery, anchors: Anchors, labels: dict[str, str]) -> str:
    result = kg.query(query)
    answer = result._answer  # the pyoxigraph terms: IRIs to link, literals with their types
    if result.kind == "ask":
        return f"<p>Answer: <strong>{'true' if result.boolean else 'false'}</strong></p>"
    if result.kind == "select":
        headers, rows = result.variables, answer.rows
    else:
        headers = ["subject", "predicate", "object"]
        rows = [[t.subject, t.predicate, t.object] for t in answer.triples]
    count = f"{len(rows)} row{'s' * (len(rows) != 1)}"
    cut = f"; the first {SHOWN_ROWS} shown" if len(rows) > SHOWN_ROWS else ""
    cells = [[term_html(term, anchors, labels) for term in row] for row in rows[:SHOWN_ROWS]]
    return f"<p>{count} on the data this site documents{cut}.</p>" + table(headers, cells)


def query_page(kg, query: NamedQuery, anchors: Anchors, labels: dict[str, str],
               server: str) -> str:
    parts = [f"<p>{text(query.description)}</p>",
             f"<p>Run it: <code>ecgkg query {text(query.name)}</code>"
             + "".join(f" <code>--param {text(p.name)}=...</code>" for p in query.params)
             + f' &middot; <a href="{text(ui_link(query, server))}" rel="nofollow">open in the '
             f"query UI of <code>ecgkg serve</code></a> (parameters at their defaults, "
             f"prefixes declared; at {text(server)}).</p>"]
    if query.tags:
        parts.append(f"<p class=\"note\">Tags: {text(', '.join(query.tags))}</p>")
    if query.params:
        parts.append("<h2>Parameters</h2>" + table(
            ["name", "type", "default", "meaning"],
            [[f"<code>{text(p.name)}</code>", text(p.type), text(p.shown_default),
              text(p.description)] for p in query.params]))
    parts.append(f"<h2>SPARQL</h2><pre><code>{text(query.text)}</code></pre>")
    parts.append("<h2>Answer</h2>" + answer_html(kg, query, anchors, labels))
    return "\n".join(parts)


def catalogue_page(queries: list[NamedQuery], anchors: Anchors) -> str:
    rows = [[f'<a href="{anchors.href("query:" + q.name)}">{text(q.name)}</a>', text(q.title),
             text(", ".join(p.name for p in q.params)), text(", ".join(q.tags))]
            for q in queries]
    return (f"<p>The {len(queries)} named queries of queries/, each with its parameters, its "
            f"SPARQL and its answer on the data. <code>ecgkg query NAME</code> runs one.</p>"
            + table(["query", "title", "parameters", "tags"], rows))
