"""Formats SPARQL results for people (table, Markdown) and for machines (CSV, TSV, JSON)."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

TABULAR_FORMATS = ("table", "csv", "tsv", "json", "md")


def term_text(term: object | None) -> str:
    """A term as a reader wants it: the IRI, or the literal's lexical form, or ''."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


def term_json(term: object) -> dict:
    """A term in the SPARQL 1.1 Query Results JSON form."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def format_rows(variables: list[str], rows: list[list[object | None]], fmt: str) -> str:
    """Render solutions; `rows` hold pyoxigraph terms (or None for unbound)."""
    if fmt == "json":
        bindings = [
            {v: term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows
        ]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          indent=2, ensure_ascii=False) + "\n"
    texts = [[term_text(t) for t in row] for row in rows]
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(variables)
        writer.writerows(texts)
        return buffer.getvalue()
    if fmt == "md":
        escape = lambda s: s.replace("|", "\\|").replace("\n", " ")  # noqa: E731
        lines = ["| " + " | ".join(variables) + " |", "|" + "---|" * len(variables)]
        lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in texts]
        return "\n".join(lines) + "\n"
    widths = [max([len(v)] + [len(r[i]) for r in texts]) for i, v in enumerate(variables)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(variables), line(["-" * w for w in widths])] + [line(r) for r in texts]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def term_from_json(binding: dict) -> object:
    """A pyoxigraph term from one SPARQL 1.1 Query Results JSON binding (the inverse of term_json).

    Remote answers go through this so that they render exactly as local ones do.
    """
    kind = binding.get("type")
    value = binding.get("value")
    if kind == "triple":  # SPARQL 1.2 / RDF-star quoted triples
        return ox.Triple(*(term_from_json(value[k]) for k in ("subject", "predicate", "object")))
    if not isinstance(value, str):
        raise TypeError(f"a binding without a string value: {binding!r}")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value) if value else ox.BlankNode()
    if kind in ("literal", "typed-literal"):  # typed-literal: the pre-Recommendation form
        if "xml:lang" in binding:
            return ox.Literal(value, language=binding["xml:lang"])
        if "datatype" in binding:
            return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
        return ox.Literal(value)
    raise ValueError(f"unknown binding type {kind!r}")


def rows_from_json(document: dict) -> tuple[list[str], list[list[object | None]]]:
    """Variables and rows (pyoxigraph terms, None where unbound) from SPARQL JSON results."""
    try:
        variables = list(document["head"].get("vars", []))
        bindings = document["results"]["bindings"]
        rows = [[term_from_json(b[v]) if v in b else None for v in variables] for b in bindings]
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"not SPARQL JSON results ({error!r})") from None
    return variables, rows
