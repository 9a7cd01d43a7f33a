"""Formats SPARQL results for people (table, Markdown) and for machines (CSV, TSV, JSON)."""

from __future__ import annotations

import csv
import io
import json
import re

import pyoxigraph as ox

from ecgkg.namespaces import PREFIXES

TABULAR_FORMATS = ("table", "csv", "tsv", "json", "md")


def term_text(term: object | None) -> str:
    """A term as a reader wants it: the IRI, or the literal's lexical form, or ''."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


# Longest namespace first, so ecgid: wins over a shorter namespace it extends.
_NAMESPACES = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
_PLAIN_LOCAL = re.compile(r"[^\s<>\"{}|^`\\]*")


def compact_iri(iri: str) -> str:
    """prefix:local with the project's prefixes (ecg:Meeting, ecgid:meeting/ECG-2023-11-22),
    else the IRI itself: for people's eyes only; csv and json keep full IRIs."""
    for prefix, namespace in _NAMESPACES:
        if iri.startswith(namespace) and _PLAIN_LOCAL.fullmatch(iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def term_display(term: object | None) -> str:
    """A term in a table: IRIs compacted, literals on one line."""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value)
    return " ".join(term_text(term).split()) if isinstance(term, ox.Literal) else term_text(term)


def fit_widths(widths: list[int], headers: list[int], total: int, gap: int = 2) -> list[int]:
    """Column widths that fit `total` characters: the widest columns are narrowed first, never
    below their header (or 8 characters)."""
    room = total - gap * (len(widths) - 1)
    if sum(widths) <= room:
        return widths
    floors = [min(w, max(h, 8)) for w, h in zip(widths, headers)]
    if sum(floors) >= room:
        return floors
    low, high = 0, max(widths)  # the largest cap with sum(min(w, max(cap, floor))) <= room
    while low < high:
        cap = (low + high + 1) // 2
        if sum(min(w, max(cap, f)) for w, f in zip(widths, floors)) <= room:
            low = cap
        else:
            high = cap - 1
    return [min(w, max(low, f)) for w, f in zip(widths, floors)]


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "\u2026"


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


def format_rows(variables: list[str], rows, fmt: str,
                width: int | None = None) -> str:
    """Render solutions; `rows` are sequences of pyoxigraph terms (None for unbound), such as
    the engine's solutions. The table shows
    compact names and, given `width` (a terminal's), clips its widest columns to fit."""
    if fmt == "json":
        bindings = [
            {v: term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows
        ]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          indent=2, ensure_ascii=False) + "\n"
    # csv, tsv and md write each row as it comes (no list of every row's texts); the table
    # needs every cell first for its column widths.
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(variables)
        writer.writerows(map(term_text, row) for row in rows)
        return buffer.getvalue()
    if fmt == "md":
        escape = lambda t: term_text(t).replace("|", "\\|").replace("\n", " ")
        lines = ["| " + " | ".join(variables) + " |", "|" + "---|" * len(variables)]
        lines += ["| " + " | ".join(map(escape, row)) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    texts = [[term_display(t) for t in row] for row in rows]
    widths = [max([len(v)] + [len(r[i]) for r in texts]) for i, v in enumerate(variables)]
    if width is not None:
        widths = fit_widths(widths, [len(v) for v in variables], width)
    line = lambda cells: "  ".join(clip(c, w).ljust(w)
                                   for c, w in zip(cells, widths)).rstrip()
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


# ---- plain Python values, for the API

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte")}
_FLOATS = {XSD + "double", XSD + "float"}


def to_python(term: object | None) -> object:
    """A term as a plain Python value: IRIs and strings as str, numbers as int, Decimal or
    float, xsd:boolean as bool, xsd:date as datetime.date, xsd:dateTime as datetime.datetime,
    xsd:gYear as int; a literal whose form does not fit its type stays its text."""
    import datetime
    import decimal

    if term is None:
        return None
    if not isinstance(term, ox.Literal):
        return term_text(term)
    text, datatype = term.value, term.datatype.value
    try:
        if datatype in _INTEGERS:
            return int(text)
        if datatype == XSD + "decimal":
            return decimal.Decimal(text)
        if datatype in _FLOATS:
            return float(text)
        if datatype == XSD + "boolean":
            return {"true": True, "1": True, "false": False, "0": False}[text]
        if datatype == XSD + "date":
            return datetime.date.fromisoformat(text)
        if datatype == XSD + "dateTime":
            return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if datatype == XSD + "gYear" and re.fullmatch(r"-?\d{4,}", text):
            return int(text)
    except (ValueError, KeyError, decimal.InvalidOperation):
        return text
    return text


class Result:
    """A query's answer for Python: `.variables`, `.rows` of plain values (see to_python),
    `.to_dataframe()`; `.boolean` for ASK, `.triples` for CONSTRUCT and DESCRIBE."""

    def __init__(self, answer) -> None:
        self._answer = answer  # an ecgkg.query.QueryResult
        self.kind: str = answer.kind
        self.variables: list[str] = list(answer.variables)
        self.boolean: bool | None = answer.boolean
        self._rows: list[tuple] | None = None
        self._triples: list[tuple] | None = None

    # Converted on first use: the command only renders, and a big answer need not be converted.
    @property
    def rows(self) -> list[tuple]:
        if self._rows is None:
            self._rows = [tuple(to_python(t) for t in row) for row in self._answer.rows]
        return self._rows

    @property
    def triples(self) -> list[tuple]:
        if self._triples is None:
            self._triples = [(to_python(t.subject), to_python(t.predicate), to_python(t.object))
                             for t in self._answer.triples]
        return self._triples

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)

    def __iter__(self):
        return iter(self.rows if self.kind == "select" else self.triples)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.kind == "ask" else len(self) > 0

    def __repr__(self) -> str:
        if self.kind == "ask":
            return f"<Result ASK {self.boolean}>"
        return f"<Result {len(self)} {'rows' if self.kind == 'select' else 'triples'}>"

    def dicts(self) -> list[dict[str, object]]:
        """Each row as {variable: value}, unbound variables left out."""
        return [{v: x for v, x in zip(self.variables, row) if x is not None}
                for row in self.rows]

    def render(self, fmt: str = "table", width: int | None = None) -> str:
        """The text `ecgkg query --format FMT` prints."""
        return self._answer.render(fmt, width=width)

    def to_dataframe(self):
        """A pandas DataFrame, a column per variable (needs the `pandas` extra)."""
        try:
            import pandas
        except ImportError:
            from ecgkg.errors import EcgkgError

            raise EcgkgError("to_dataframe() needs pandas: pip install 'ecgkg[pandas]'") from None
        if self.kind == "select":
            return pandas.DataFrame(self.rows, columns=self.variables)
        if self.kind == "graph":
            return pandas.DataFrame(self.triples, columns=["subject", "predicate", "object"])
        return pandas.DataFrame({"boolean": [self.boolean]})
