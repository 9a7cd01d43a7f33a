"""What a validation run gives: results, the report, and how terms and paths are written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import rdflib
from rdflib import RDF, BNode, Literal, URIRef
from rdflib.term import Node

from ecgkg.namespaces import PREFIXES

SH = rdflib.Namespace(PREFIXES["sh"])
XSD_STRING = PREFIXES["xsd"] + "string"

# Severities from the most to the least severe; `--fail-on` names one of them.
SEVERITIES = ("Violation", "Warning", "Info")
FAIL_ON_CHOICES = ("violation", "warning", "info")

# ------------------------------------------------------------------------------------ results


def severity_rank(severity: str) -> int:
    """How severe a Result.severity is, for --fail-on: a custom severity is a violation."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


def severity_iri(severity: str) -> URIRef:
    return SH[severity] if severity in SEVERITIES else URIRef(severity)


def severity_name(iri: Node) -> str:
    """Result.severity of a severity IRI: the local name of SHACL's three, else the IRI."""
    text = str(iri)
    if text.startswith(str(SH)) and text[len(str(SH)):] in SEVERITIES:
        return text[len(str(SH)):]
    return text


@dataclass(frozen=True)
class Result:
    """One validation result, with the file and line where its focus node is defined."""

    severity: str  # "Violation", "Warning", "Info", or the full IRI of a custom severity
    focus_node: Node
    path: str | None  # a SPARQL property path with full IRIs: <iri>, ^<iri>, ...
    value: Node | None
    message: str
    shape: Node
    component: URIRef
    file: str | None = None
    line: int | None = None
    # The rdflib node and triples of the result path, to rebuild the SHACL report graph.
    path_node: Node | None = field(default=None, compare=False, repr=False)
    path_triples: tuple = field(default=(), compare=False, repr=False)

    @property
    def severity_rank(self) -> int:
        """0 for a violation, 1 a warning, 2 an info; a custom severity ranks as a violation."""
        return severity_rank(self.severity)

    @property
    def severity_iri(self) -> URIRef:
        return severity_iri(self.severity)

    def sort_key(self) -> tuple:
        return (
            self.file or "\uffff", self.line or 0, self.severity_rank, str(self.focus_node),
            self.path or "", str(self.shape), str(self.component),
            self.value.n3() if self.value is not None else "", self.message,
        )


@dataclass(frozen=True)
class ShapeInfo:
    """A named shape, for reports that list every shape (JUnit test cases, SARIF rules)."""

    iri: Node
    file: str | None
    label: str
    description: str
    severity: str


@dataclass
class Report:
    """What a validation run found."""

    results: list[Result]
    data_files: list[str]
    shapes_files: list[str]
    shapes: list[ShapeInfo]
    triple_count: int
    # What the run changed or ignored in the shapes to read them (printed on stderr by the CLI).
    notices: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Results per severity: the three of SHACL always, then each custom severity's IRI."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        return counts

    @property
    def conforms(self) -> bool:
        """The verdict of `ecgkg validate` by default: no violation (a custom severity counts as
        one); warnings and infos are allowed. See shacl_conforms for SHACL's own sh:conforms."""
        return not self.failed("violation")

    @property
    def shacl_conforms(self) -> bool:
        """SHACL's sh:conforms: no result at all, of any severity."""
        return not self.results

    def failed(self, fail_on: str = "violation") -> bool:
        """Whether any result is at least as severe as FAIL_ON (violation, warning or info)."""
        threshold = FAIL_ON_CHOICES.index(fail_on.lower())
        return any(result.severity_rank <= threshold for result in self.results)


# ------------------------------------------------------------------------------------ paths


def path_text(graph: rdflib.Graph | None, path: Node | None) -> str | None:
    """A SHACL property path as SPARQL property-path text with full IRIs."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return f"<{path}>"
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + wrap(path_text(graph, inverse))
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return wrap(path_text(graph, inner)) + suffix
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(graph, p) for p in rdflib.collection.Collection(graph, alternatives)) + ")"
    if (path, RDF.first, None) in graph:
        return "(" + "/".join(path_text(graph, p) for p in rdflib.collection.Collection(graph, path)) + ")"
    return "[]"


PATH_FORMS = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath,
              SH.zeroOrOnePath)


def sequence_members(graph: rdflib.Graph, node: Node) -> list[Node] | None:
    """The members of NODE when it is a well-formed RDF list of two or more (a sequence path),
    else None: each cell has exactly one rdf:first and one rdf:rest, the chain ends at rdf:nil
    and never loops."""
    members, cell, seen = [], node, set()
    while cell != RDF.nil:
        if cell in seen or not isinstance(cell, BNode):
            return None
        seen.add(cell)
        firsts = list(graph.objects(cell, RDF.first))
        rests = list(graph.objects(cell, RDF.rest))
        if len(firsts) != 1 or len(rests) != 1:
            return None
        members.append(firsts[0])
        cell = rests[0]
    return members if len(members) >= 2 else None


def read_lists_as_sequences(graph: rdflib.Graph) -> list[tuple[Node, str]]:
    """Make every path node that is a well-formed list a plain sequence path, in GRAPH.

    SHACL reads a path node that is a list as a sequence path (2.3.1.1). A node that is both a
    list and, say, an sh:inversePath is ill-formed, and engines differ on which half they follow
    (the W3C suite's path-strange tests expect the sequence). Rather than refuse such shapes, or
    let each engine and the SHACL-SHACL check read them their own way, the other path
    properties of that node are removed here, once. Returns (shape, notice) for each node changed.
    """
    notices = []
    todo = [(shape, path) for shape, path in graph.subject_objects(SH.path)]
    seen = set()
    while todo:
        shape, node = todo.pop()
        if node in seen or not isinstance(node, BNode):
            continue
        seen.add(node)
        members = sequence_members(graph, node)
        if members is not None:
            dropped = sorted({p for p in PATH_FORMS for _ in graph.objects(node, p)}, key=str)
            for predicate in dropped:
                graph.remove((node, predicate, None))
            if dropped:
                notices.append((shape,
                    f"its sh:path node is a list and also has "
                    f"{', '.join(compact(p) for p in dropped)}; read as the sequence "
                    f"{compact_path(path_text(graph, node))}, the rest ignored"))
            todo.extend((shape, member) for member in members)
            continue
        for predicate in PATH_FORMS:
            for inner in graph.objects(node, predicate):
                if predicate == SH.alternativePath:
                    todo.extend((shape, m) for m in rdflib.collection.Collection(graph, inner))
                else:
                    todo.append((shape, inner))
    return sorted(notices, key=lambda n: (str(n[0]), n[1]))


def wrap(text: str) -> str:
    return text if text.startswith(("<", "(")) else f"({text})"


def path_triples(graph: rdflib.Graph, node: Node | None) -> tuple:
    """The triples describing a blank-node path (its concise bounded description)."""
    if not isinstance(node, BNode):
        return ()
    found, todo, seen = [], [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for triple in graph.triples((current, None, None)):
            found.append(triple)
            if isinstance(triple[2], BNode):
                todo.append(triple[2])
    return tuple(sorted(found))


# ------------------------------------------------------------------------------------ helpers


_NAMESPACES: list[tuple[str, str]] = sorted(
    ((p, ns) for p, ns in PREFIXES.items()), key=lambda pn: -len(pn[1])
)


def compact(term: Node | None) -> str:
    """A term as people read it: prefix:name where the name is a plain word, <iri> otherwise,
    literals in Turtle form."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, namespace in _NAMESPACES:
            if text.startswith(namespace):
                local = text[len(namespace):]
                if re.fullmatch(r"[A-Za-z_][\w-]*", local):
                    return f"{prefix}:{local}"
        return f"<{text}>"
    if isinstance(term, Literal):
        lexical = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        if term.language:
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None and str(term.datatype) != XSD_STRING:
            return f'"{lexical}"^^{compact(term.datatype)}'
        return f'"{lexical}"'
    return f"_:{term}"


def compact_path(path: str | None) -> str:
    """A path from Result.path with its IRIs compacted."""
    if not path:
        return ""
    return re.sub(r"<([^>]*)>", lambda m: compact(URIRef(m.group(1))), path)


def one_line(text: str) -> str:
    return " ".join(text.split())

