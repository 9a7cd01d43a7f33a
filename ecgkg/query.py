"""`ecgkg query`: run SPARQL on the embedded store or on a remote endpoint, in a chosen format.

Parameters are bound as RDF terms, never pasted into the query as text: `VALUES ?name { term }`
opens the WHERE group, with the term written in N-Triples syntax (see
`ecgkg.library.bind_values`), on the embedded store as on remote endpoints. pyoxigraph's own
`substitutions` bind the same variable in the same scope but only for some SELECT queries (0.5
rejects them for ASK, `SELECT *` and variables outside the projection, and ignores them in
CONSTRUCT), and where they apply they gave the slower plan: passages-of-paragraph at 1M took
0.38 s with them against 0.30 s with VALUES (median of 5, same rows).
"""

from __future__ import annotations

import pyoxigraph as ox

from ecgkg import store
from ecgkg.build import Built
from ecgkg.errors import EcgkgError
from ecgkg.library import (
    NamedQuery,
    bind_values,
    check_prefixes,
    parse_query,
    with_prologue,
)
from ecgkg.limits import DEFAULT_QUERY_TIMEOUT, check_no_service, within
from ecgkg.namespaces import PREFIXES
from ecgkg.record import Record
from ecgkg.results import TABULAR_FORMATS, format_rows, term_text

# RDF formats for CONSTRUCT and DESCRIBE results, by the name users type.
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


class QueryResult(Record):
    """One query's answer: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE).

    A Record, not a dataclass: see ecgkg.record.
    """

    FIELDS = ("kind", "variables", "rows", "boolean", "triples")

    def __init__(self, kind: str, variables: list[str] | None = None, rows: list | None = None,
                 boolean: bool | None = None, triples: list[ox.Triple] | None = None) -> None:
        self.kind = kind
        self.variables = [] if variables is None else variables
        # Each row a sequence of terms (None where unbound), in `variables` order: the engine's
        # own solutions for a local answer, whose terms become Python objects only when a
        # formatter reads them (a list per row cost a third of the time of a 30,000-row query
        # at 1M triples); lists for an endpoint's. Compare rows with `term_rows()`.
        self.rows = [] if rows is None else rows
        self.boolean = boolean
        self.triples = [] if triples is None else triples


    def render(self, fmt: str, width: int | None = None) -> str:
        """The answer in a format; `width` fits a table to a terminal."""
        if self.kind == "select":
            if fmt not in TABULAR_FORMATS:
                raise EcgkgError(
                    f"--format {fmt}: a SELECT query needs one of {', '.join(TABULAR_FORMATS)}"
                )
            return format_rows(self.variables, self.rows, fmt, width=width)
        if self.kind == "ask":
            if fmt == "json":
                return f'{{"head": {{}}, "boolean": {str(self.boolean).lower()}}}\n'
            return ("true" if self.boolean else "false") + "\n"
        rdf_format = GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE if fmt == "table" else None)
        if rdf_format is None:
            raise EcgkgError(
                f"--format {fmt}: a CONSTRUCT or DESCRIBE query needs one of "
                f"{', '.join(GRAPH_FORMATS)}"
            )
        return ox.serialize(self.triples, format=rdf_format).decode("utf-8")

    def term_rows(self) -> list[list[object | None]]:
        """Rows as lists of terms, whatever produced them (to compare local and remote)."""
        return [list(row) for row in self.rows]

    def sorted_rows(self) -> list[tuple[str, ...]]:
        """Rows as tuples of strings in a stable order: what tests compare."""
        return sorted(tuple(term_text(t) for t in row) for row in self.rows)


def from_oxigraph(answer) -> QueryResult:
    """A QueryResult from what pyoxigraph's Store.query returns."""
    if isinstance(answer, ox.QuerySolutions):
        return QueryResult("select", variables=[v.value for v in answer.variables],
                           rows=list(answer))
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    return QueryResult("graph", triples=list(answer))


def run_query(built: Built, sparql: str, label: str = "query") -> QueryResult:
    """Run one query on the built dataset's default graph (the merge of its files), with the
    project's prefixes declared for it."""
    return from_oxigraph(store.query(built.store_for(sparql), sparql, prefixes=PREFIXES,
                                     label=label))


def prepare(query: NamedQuery, values: dict[str, str] | None = None) -> str:
    """The text to run, with every parameter bound (a VALUES clause; the text as it is when
    nothing is bound).

    Raises EcgkgError for an unknown parameter or a value that is not of the declared type.
    """
    bindings = query.bindings(values)
    return bind_values(query.text, bindings) if bindings else query.text


def run(query: NamedQuery | str, values: dict[str, str] | None = None, *,
        built: Built | None = None, endpoint: str | None = None,
        timeout: float | None = None, allow_service: bool = False,
        default_graph: str | None = None) -> QueryResult:
    """Run a query with its parameters on the embedded store (`built`, else the bundled data)
    or, given `endpoint`, on a SPARQL 1.1 endpoint (see ecgkg.remote).

    `timeout` bounds the exchange with an endpoint (default 30 s) or a local query (default
    ecgkg.limits.DEFAULT_QUERY_TIMEOUT); a local query may call a remote service (SERVICE)
    only with `allow_service`.
    """
    if isinstance(query, str):
        query = parse_query(query, "<query>")
    check_prefixes(query)
    sparql = prepare(query, values)
    if endpoint is not None:
        from ecgkg.remote import DEFAULT_TIMEOUT, endpoint_query

        return endpoint_query(endpoint, with_prologue(sparql),
                              timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
                              default_graph=default_graph)
    if default_graph is not None:
        raise EcgkgError("--default-graph goes with --endpoint: the embedded store's default "
                         "graph is the merge of the files")
    if not allow_service:
        check_no_service(query.text, query.label)
    if built is None:
        from ecgkg.build import build

        built = build()
    try:
        return within(DEFAULT_QUERY_TIMEOUT if timeout is None else timeout,
                      lambda: run_query(built, sparql, label=query.label),
                      query.label)
    except OSError as error:  # what the engine raises when a SERVICE call fails
        raise EcgkgError(f"{query.label}: {error}") from None
    except EcgkgError:
        if sparql != query.text:
            # Bound parameters moved the text: locate the error in the query as written.
            store.check_syntax(query.text, PREFIXES, label=query.label)
        raise
