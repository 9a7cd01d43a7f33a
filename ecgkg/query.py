"""`ecgkg query`: run SPARQL on the embedded store and return results in a chosen format."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ecgkg import store
from ecgkg.build import Built
from ecgkg.errors import EcgkgError
from ecgkg.results import TABULAR_FORMATS, format_rows

# RDF formats for CONSTRUCT and DESCRIBE results, by the name users type.
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


@dataclass
class QueryResult:
    """One query's answer: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[list[object | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def render(self, fmt: str) -> str:
        if self.kind == "select":
            if fmt not in TABULAR_FORMATS:
                raise EcgkgError(
                    f"--format {fmt}: a SELECT query needs one of {', '.join(TABULAR_FORMATS)}"
                )
            return format_rows(self.variables, self.rows, fmt)
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

    def sorted_rows(self) -> list[tuple[str, ...]]:
        """Rows as tuples of strings in a stable order: what tests compare."""
        from ecgkg.results import term_text

        return sorted(tuple(term_text(t) for t in row) for row in self.rows)


def run_query(built: Built, sparql: str, substitutions: dict | None = None) -> QueryResult:
    """Run one query over the union of the built dataset's graphs."""
    answer = store.query(built.store, sparql, substitutions)
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [[solution[v] for v in variables] for solution in answer]
        return QueryResult("select", variables=variables, rows=rows)
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    return QueryResult("graph", triples=list(answer))
