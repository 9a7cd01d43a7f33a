"""`ecgkg validate`: check data against the SHACL shapes; each result names its file and line.

How a run works, and why:

* Each data file is parsed on its own with pyoxigraph (fast, and a syntax error or an undeclared
  prefix names the file and line), so every subject is known to come from one file.
* The triples go into one rdflib graph, for pySHACL's core constraints, and into one pyoxigraph
  store, for the SPARQL-based constraints. The ontology's rdfs:subClassOf triples are added to
  both, so `sh:targetClass ecg:Initiative` also reaches an `ecg:Strategy` without RDFS inference.
* pySHACL evaluates a SPARQL-based constraint once per focus node, through rdflib's slow SPARQL
  engine (milliseconds a query). The SPARQL constraints of node shapes with plain targets are
  therefore run here instead, once over the whole graph in pyoxigraph, with the shape's targets
  joined in as `?this`: the same results, in one query. Anything else (SPARQL constraints on
  property shapes, or using $PATH, $shapesGraph, $currentShape, advanced targets) stays
  with pySHACL. `engine="pyshacl"` runs everything in pySHACL; a test checks both agree.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.term import Node

from ecgkg.errors import EcgkgError
from ecgkg.namespaces import PREFIXES
from ecgkg.sources import data_dir, display_path, graph_iri, ontology_dir, rdf_files, shapes_dir
from ecgkg.store import OX_FORMATS, syntax_error_message

SH = rdflib.Namespace(PREFIXES["sh"])
XSD_STRING = PREFIXES["xsd"] + "string"

# Severities from the most to the least severe; `--fail-on` names one of them.
SEVERITIES = ("Violation", "Warning", "Info")
FAIL_ON_CHOICES = ("violation", "warning", "info")

# Parameters whose presence makes a node a shape that constrains something.
CONSTRAINT_PARAMETERS = tuple(
    SH[name]
    for name in (
        "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
        "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "languageIn",
        "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or",
        "xone", "node", "qualifiedValueShape", "closed", "hasValue", "in", "sparql",
    )
)


# ------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class Result:
    """One validation result, with the file and line where its focus node is defined."""

    severity: str  # "Violation", "Warning" or "Info"
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
        return SEVERITIES.index(self.severity)

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

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for result in self.results:
            counts[result.severity] += 1
        return counts

    @property
    def conforms(self) -> bool:
        """SHACL's sense: no result at all, of any severity."""
        return not self.results

    def failed(self, fail_on: str = "violation") -> bool:
        """Whether any result is at least as severe as FAIL_ON (violation, warning or info)."""
        threshold = FAIL_ON_CHOICES.index(fail_on.lower())
        return any(result.severity_rank <= threshold for result in self.results)


# ------------------------------------------------------------------------------------ parsing

UNDECLARED_PREFIX = re.compile(r"The prefix (\S*?):? has not been declared")


class Converter:
    """pyoxigraph terms to rdflib terms, sharing one rdflib object per IRI."""

    def __init__(self) -> None:
        self.iris: dict[str, URIRef] = {}
        self.literals: dict = {}  # repeated literals (dates, numbers, codes) are built once

    def iri(self, value: str) -> URIRef:
        term = self.iris.get(value)
        if term is None:
            term = self.iris[value] = URIRef(value)
        return term

    def __call__(self, term) -> Node:
        kind = type(term)
        if kind is ox.NamedNode:
            return self.iri(term.value)
        if kind is ox.Literal:
            converted = self.literals.get(term)
            if converted is None:
                if term.language:
                    converted = Literal(term.value, lang=term.language)
                elif term.datatype.value == XSD_STRING:
                    converted = Literal(term.value)
                else:
                    converted = Literal(term.value, datatype=self.iri(term.datatype.value))
                if len(self.literals) < 1_000_000:
                    self.literals[term] = converted
            return converted
        if kind is ox.BlankNode:
            return BNode(term.value)
        raise EcgkgError(f"unsupported RDF term {term!r} (RDF-star triple terms are not supported)")


def parse_file(path: Path) -> list:
    """The triples of one RDF file as pyoxigraph quads; errors name the file and line."""
    rdf_format = OX_FORMATS.get(path.suffix)
    if rdf_format is None:
        raise EcgkgError(f"{display_path(path)}: unsupported RDF file suffix {path.suffix!r}")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise EcgkgError(f"{display_path(path)}: cannot read: {error.strerror}") from None
    try:
        return list(ox.parse(data, format=rdf_format, base_iri=graph_iri(path),
                             rename_blank_nodes=True))
    except SyntaxError as error:
        undeclared = UNDECLARED_PREFIX.search(str(error.msg))
        if undeclared:
            line = f":{error.lineno}" if error.lineno else ""
            prefix = undeclared.group(1)
            raise EcgkgError(
                f"{display_path(path)}{line}: undeclared prefix '{prefix}:' "
                f"(declare it with '@prefix {prefix}: <...> .' at the top of the file)"
            ) from None
        raise EcgkgError(syntax_error_message(path, error)) from None


def node_key(term) -> str:
    """A pyoxigraph or rdflib subject as a dictionary key: the IRI, or _:id for a blank node."""
    if isinstance(term, (ox.BlankNode, BNode)):
        return "_:" + (term.value if isinstance(term, ox.BlankNode) else str(term))
    return term.value if isinstance(term, ox.NamedNode) else str(term)


@dataclass
class Data:
    """The data of a run: one rdflib graph, one pyoxigraph store, and where each subject is."""

    files: list[Path]
    graph: rdflib.Graph
    store: ox.Store
    triple_count: int
    typed_in: dict[str, int]  # subject -> index of the first file that gives its rdf:type
    subject_in: dict[str, int]  # subject -> index of the first file it is a subject in
    locator: "Locator" = field(init=False)
    validated: int = field(init=False)  # files[:validated] are validated, the rest context

    def __post_init__(self) -> None:
        self.locator = Locator(self.files)
        self.validated = len(self.files)

    def locate(self, node: Node) -> tuple[int | None, int | None]:
        """The index of the file where NODE is defined (or, failing that, first named), and
        the line there."""
        key = node_key(node)
        index = self.typed_in.get(key, self.subject_in.get(key))
        if index is not None:
            return index, self.locator.subject_line(self.files[index], node)
        if isinstance(node, URIRef):
            for index, path in enumerate(self.files):
                line = self.locator.mention_line(path, node)
                if line:
                    return index, line
        return None, None


def load_data(paths: list[Path], context: list[Path] | None = None) -> Data:
    """Parse each file on its own, then merge them with the ontology's class hierarchy.

    CONTEXT files are loaded after PATHS so references resolve, except a context file that
    types a node a validated file also types (the validated file is its new version). Results
    are reported only for nodes of the validated files: see Data.validated.
    """
    files = rdf_files(paths)
    if not files:
        raise EcgkgError(f"no data files found in {', '.join(display_path(p) for p in paths)}")
    convert = Converter()
    graph = rdflib.Graph(bind_namespaces="none")
    store = ox.Store()
    typed_in: dict[str, int] = {}
    subject_in: dict[str, int] = {}
    store_add = graph.store.add  # what Graph.add does, without its per-triple checks

    def add(triple) -> None:
        store_add(triple, graph, False)

    rdf_type = ox.NamedNode(str(RDF.type))
    count = 0
    loaded: list[Path] = []

    def load(path: Path, quads: list) -> None:
        index = len(loaded)
        loaded.append(path)
        store.extend(quads)  # one graph is enough: queries see the union anyway
        for quad in quads:
            subject = quad.subject
            store_add((convert(subject), convert(quad.predicate), convert(quad.object)), graph, False)
            key = node_key(subject)
            if key not in subject_in:
                subject_in[key] = index
            if quad.predicate == rdf_type and key not in typed_in:
                typed_in[key] = index

    for path in files:
        quads = parse_file(path)
        count += len(quads)
        load(path, quads)
    validated = len(loaded)
    own = {path.resolve() for path in files}
    for path in rdf_files(context or []):
        if path.resolve() in own:
            continue
        quads = parse_file(path)
        if any(q.predicate == rdf_type and typed_in.get(node_key(q.subject), validated) < validated
               for q in quads):
            continue  # describes the same things as a validated file: that file replaces it
        load(path, quads)
    for triple in class_hierarchy():
        add((convert(triple.subject), convert(triple.predicate), convert(triple.object)))
        store.add(ox.Quad(triple.subject, triple.predicate, triple.object))
    data = Data(loaded, graph, store, count, typed_in, subject_in)
    data.validated = validated
    return data


def class_hierarchy() -> list:
    """The ontology's rdfs:subClassOf triples between IRIs (pyoxigraph triples)."""
    return _class_hierarchy(str(ontology_dir()))


@lru_cache(maxsize=4)
def _class_hierarchy(folder: str) -> list:
    sub_class_of = ox.NamedNode(str(RDFS.subClassOf))
    path = Path(folder)
    triples = []
    for file in rdf_files([path]) if path.exists() else []:
        triples.extend(
            ox.Triple(q.subject, q.predicate, q.object)
            for q in parse_file(file)
            if q.predicate == sub_class_of
            and isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)
        )
    return triples


@contextmanager
def quiet_logs():
    """Silence what rdflib and pySHACL log during a run: an ill-typed literal such as
    "2023-11-31"^^xsd:date is a finding of sh:datatype, not a traceback on stderr."""
    loggers = [logging.getLogger(name) for name in ("rdflib.term", "pyshacl-validate")]
    saved = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, disabled in zip(loggers, saved):
            logger.disabled = disabled


# ------------------------------------------------------------------------------------ lines

PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
LINE_START_TERM = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:\S*|:\S*)")


class Locator:
    """Finds the line of a subject in a Turtle, TriG or N-Triples file (lazily, once per file).

    Canonical Turtle starts each subject's block at the start of a line, as its full IRI in <...>
    or in prefixed form; N-Triples starts every line with one.
    """

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self.subjects: dict[Path, dict[str, int]] = {}
        self.prefixes: dict[Path, dict[str, str]] = {}
        self.texts: dict[Path, list[str]] = {}

    def _lines(self, path: Path) -> list[str]:
        if path not in self.texts:
            try:
                self.texts[path] = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self.texts[path] = []
        return self.texts[path]

    def _index(self, path: Path) -> dict[str, int]:
        if path in self.subjects:
            return self.subjects[path]
        index: dict[str, int] = {}
        prefixes: dict[str, str] = {}
        if path.suffix in (".ttl", ".trig", ".nt", ".nq"):
            for number, line in enumerate(self._lines(path), start=1):
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
        self.prefixes[path] = prefixes
        return index

    def subject_line(self, path: Path, node: Node) -> int | None:
        if not isinstance(node, URIRef):
            return None
        return self._index(path).get(str(node)) or self.mention_line(path, node)

    def mention_line(self, path: Path, node: URIRef) -> int | None:
        """The first line that names NODE anywhere (for a node only used as an object)."""
        self._index(path)
        iri = str(node)
        forms = [f"<{iri}>"]
        for prefix, namespace in self.prefixes.get(path, {}).items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                forms.append(f"{prefix}:{iri[len(namespace):]}")
        pattern = re.compile(
            "|".join(
                re.escape(form) + ("" if form.startswith("<") else r"(?![\w.:/#-]*[\w:/#-])")
                for form in forms
            )
        )
        for number, line in enumerate(self._lines(path), start=1):
            if pattern.search(line):
                return number
        return None


# ------------------------------------------------------------------------------------ shapes


@dataclass
class Shapes:
    """The shapes graph, which file declares each named shape, and the shapes files."""

    graph: rdflib.Graph
    files: list[Path]
    shape_file: dict[Node, Path]

    def infos(self) -> list[ShapeInfo]:
        """Every named shape (node or property shape with an IRI), sorted by IRI."""
        graph = self.graph
        named = {
            s for kind in (SH.NodeShape, SH.PropertyShape)
            for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)
        }
        infos = []
        for shape in sorted(named, key=str):
            label = graph.value(shape, RDFS.label)
            description = graph.value(shape, SH.description) or graph.value(shape, SH.message)
            severity = graph.value(shape, SH.severity) or SH.Violation
            path = self.shape_file.get(shape)
            infos.append(ShapeInfo(
                iri=shape,
                file=display_path(path) if path else None,
                label=str(label) if label else compact(shape),
                description=str(description) if description else "",
                severity=local_name(severity),
            ))
        return infos


def load_shapes(folder: Path, meta_validate: bool = False) -> Shapes:
    """Parse every shapes file of FOLDER; optionally check the shapes against SHACL-SHACL."""
    if not folder.exists():
        raise EcgkgError(f"{display_path(folder)}: no such shapes file or folder")
    files = rdf_files([folder])
    if not files:
        raise EcgkgError(f"{display_path(folder)}: no shapes files found")
    convert = Converter()
    graph = rdflib.Graph(bind_namespaces="none")
    shape_file: dict[Node, Path] = {}
    shape_types = {SH.NodeShape, SH.PropertyShape}
    for path in files:
        for quad in parse_file(path):
            triple = (convert(quad.subject), convert(quad.predicate), convert(quad.object))
            graph.add(triple)
            if triple[1] == RDF.type and triple[2] in shape_types:
                shape_file.setdefault(triple[0], path)
    shapes = Shapes(graph, files, shape_file)
    if meta_validate:
        check_shapes(shapes)
    return shapes


def check_shapes(shapes: Shapes) -> None:
    """Raise EcgkgError naming the first shapes that do not conform to SHACL-SHACL."""
    from pyshacl.entrypoints import meta_validate

    conforms, report, _ = meta_validate(shapes.graph, inference="none")
    if conforms:
        return
    problems = []
    for result in sorted(report.objects(None, SH.result), key=str)[:3]:
        focus = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage)
        where = shapes.shape_file.get(focus)
        problems.append(f"{compact(focus)}{f' in {display_path(where)}' if where else ''}: {message}")
    raise EcgkgError("shapes do not conform to SHACL-SHACL: " + "; ".join(problems))


# ------------------------------------------------------------------------------------ SPARQL

PREBOUND_VARIABLES = re.compile(r"[$?](PATH|shapesGraph|currentShape)\b")
PROJECTS_THIS = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(?:\*|[^{]*[$?]this\b)", re.IGNORECASE)


@dataclass(frozen=True)
class FastConstraint:
    """A SPARQL-based constraint of a node shape, run once over the whole graph."""

    shape: Node
    constraint: Node
    query: str
    messages: tuple[Literal, ...]
    severity: str


def prologue(graph: rdflib.Graph, constraint: Node) -> str:
    """PREFIX lines from the sh:declare entries the constraint's sh:prefixes point to."""
    lines = []
    for source in graph.objects(constraint, SH.prefixes):
        for declaration in graph.objects(source, SH.declare):
            prefix = graph.value(declaration, SH.prefix)
            namespace = graph.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def target_pattern(graph: rdflib.Graph, shape: Node) -> str | None:
    """A SPARQL group binding ?this to the shape's focus nodes, or None if it has no plain
    targets (or one this module does not handle, such as sh:target)."""
    if (shape, SH.target, None) in graph:
        return None
    alternatives = []
    classes = set(graph.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in graph or (shape, RDF.type, rdflib.OWL.Class) in graph:
        classes.add(shape)
    for cls in sorted(classes, key=str):
        if not isinstance(cls, URIRef):
            return None
        alternatives.append(f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> }}")
    for node in sorted(graph.objects(shape, SH.targetNode), key=str):
        if isinstance(node, BNode):
            return None
        alternatives.append(f"{{ VALUES ?this {{ {node.n3()} }} }}")
    for predicate in sorted(graph.objects(shape, SH.targetSubjectsOf), key=str):
        alternatives.append(f"{{ ?this <{predicate}> ?ecgkg_target_o }}")
    for predicate in sorted(graph.objects(shape, SH.targetObjectsOf), key=str):
        alternatives.append(f"{{ ?ecgkg_target_s <{predicate}> ?this }}")
    if not alternatives:
        return None
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(alternatives) + " } }"


def split_sparql(shapes: Shapes) -> tuple[rdflib.Graph, list[FastConstraint]]:
    """The shapes graph for pySHACL, less the SPARQL constraints this module runs itself."""
    graph = shapes.graph
    referenced = set(graph.objects())
    fast: list[FastConstraint] = []
    removed: list[tuple] = []
    for shape, constraint in sorted(graph.subject_objects(SH.sparql), key=lambda so: str(so[0])):
        if (shape, SH.path, None) in graph or shape in referenced:
            continue  # property shapes and shapes used through sh:node etc. stay with pySHACL
        if graph.value(shape, SH.deactivated) == Literal(True):
            continue
        select = graph.value(constraint, SH.select)
        targets = target_pattern(graph, shape)
        if select is None or targets is None or PREBOUND_VARIABLES.search(str(select)):
            continue
        text = str(select)
        brace = text.find("{")
        if brace < 0 or '"' in text[:brace] or "'" in text[:brace]:
            continue
        if not PROJECTS_THIS.search(text[:brace]):
            continue  # results must name their focus node: pySHACL supplies it, one at a time
        query = f"{prologue(graph, constraint)}\n{text[:brace + 1]} {targets}\n{text[brace + 1:]}"
        messages = tuple(graph.objects(constraint, SH.message)) or tuple(graph.objects(shape, SH.message))
        severity = local_name(graph.value(shape, SH.severity) or SH.Violation)
        removed.append((shape, SH.sparql, constraint))
        if graph.value(constraint, SH.deactivated) == Literal(True):
            continue
        fast.append(FastConstraint(shape, constraint, query, messages, severity))
    if not removed:
        return graph, fast
    reduced = rdflib.Graph(bind_namespaces="none")
    for triple in graph:
        reduced.add(triple)
    for triple in removed:
        reduced.remove(triple)
    return reduced, fast


MESSAGE_VARIABLE = re.compile(r"\{[$?]([A-Za-z_][\w]*)\}")


def fill_message(template: str, bindings: dict[str, str]) -> str:
    """A SHACL-SPARQL message template with {?var} / {$var} replaced by the bound values."""
    return MESSAGE_VARIABLE.sub(lambda m: bindings.get(m.group(1), m.group(0)), template)


def run_fast(data: Data, constraint: FastConstraint, convert: Converter) -> list[Result]:
    try:
        solutions = data.store.query(constraint.query, use_default_graph_as_union=True)
    except (SyntaxError, ValueError, OSError) as error:
        raise EcgkgError(f"shape {compact(constraint.shape)}: SPARQL constraint fails: {error}") from None
    variables = [v.value for v in solutions.variables]
    results = []
    for solution in solutions:
        bound = {name: solution[name] for name in variables if solution[name] is not None}
        if "this" not in bound:
            continue
        focus = convert(bound["this"])
        path = convert(bound["path"]) if "path" in bound else None
        value = convert(bound["value"]) if "value" in bound else focus
        if isinstance(value, Literal) and isinstance(path, URIRef):
            value = stored_literal(data.graph, focus, path, value)
        texts = {name: term.value for name, term in bound.items()}
        message = choose_message(
            Literal(fill_message(str(m), texts), lang=m.language) for m in constraint.messages
        ) or f"SPARQL constraint of {compact(constraint.shape)} failed"
        results.append(Result(
            severity=constraint.severity, focus_node=focus,
            path=f"<{path}>" if isinstance(path, URIRef) else None, value=value,
            message=message, shape=constraint.shape, component=SH.SPARQLConstraintComponent,
            path_node=path if isinstance(path, URIRef) else None,
        ))
    return results


def stored_literal(graph: rdflib.Graph, focus: Node, path: URIRef, value: Literal) -> Literal:
    """The literal as the data gives it. pyoxigraph's store keeps derived integer types in
    their primitive type ("3"^^xsd:positiveInteger comes back as "3"^^xsd:integer), so a value
    found through it is matched back to the focus node's own value of the same lexical form."""
    candidates = [
        o for o in graph.objects(focus, path)
        if isinstance(o, Literal) and str(o) == str(value) and o.language == value.language
    ]
    return candidates[0] if len(candidates) == 1 else value


# ------------------------------------------------------------------------------------ pySHACL


def choose_message(messages) -> str:
    """One message of several (languages): English, else untagged, else the first."""
    messages = sorted(messages, key=lambda m: (m.language or "", str(m)))
    for wanted in ("en", None):
        for message in messages:
            if (message.language or None) == wanted or (wanted == "en" and (message.language or "").startswith("en")):
                return str(message)
    return str(messages[0]) if messages else ""


def path_text(graph: rdflib.Graph, path: Node | None) -> str | None:
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


class _ParameterList(list):
    """pySHACL's list of constraint parameters, with set-speed membership tests: pySHACL scans
    it with `in` for every shape of every focus node."""

    def __init__(self, items) -> None:
        super().__init__(items)
        self._members = frozenset(items)

    def __contains__(self, item) -> bool:
        return item in self._members


@contextmanager
def faster_pyshacl():
    """Two speed-ups of pySHACL that leave its results unchanged (tests compare with stock
    pySHACL): membership tests on a set, and a property shape of a node shape evaluated once for
    all focus nodes instead of once per focus node (pySHACL builds every constraint anew on each
    call). Applied only around a run, and only to the pySHACL version they were written for."""
    import pyshacl
    import pyshacl.shape as shape_module
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent

    if not str(getattr(pyshacl, "__version__", "")).startswith("0.40."):
        yield
        return
    stock = PropertyConstraintComponent._evaluate_property_shape

    def batched(self, executor, prop_shape, target_graph, focus_value_nodes,
                potentially_recursive, _evaluation_path):
        found = self.shape.get_other_shape(prop_shape)
        if (not found or not found.is_property_shape or potentially_recursive
                or self.shape.is_property_shape):
            return stock(self, executor, prop_shape, target_graph, focus_value_nodes,
                         potentially_recursive, _evaluation_path)
        values = list(dict.fromkeys(v for vs in focus_value_nodes.values() for v in vs))
        conforms, reports = found.validate(executor, target_graph, focus=values,
                                           _evaluation_path=_evaluation_path[:])
        return (not conforms), reports

    saved = getattr(shape_module, "CONSTRAINT_PARAMS", None)
    shape_module.CONSTRAINT_PARAMS = (_ParameterList(ALL_CONSTRAINT_PARAMETERS),
                                      CONSTRAINT_PARAMETERS_MAP)
    PropertyConstraintComponent._evaluate_property_shape = batched
    try:
        yield
    finally:
        PropertyConstraintComponent._evaluate_property_shape = stock
        if saved is None:
            del shape_module.CONSTRAINT_PARAMS
        else:
            shape_module.CONSTRAINT_PARAMS = saved


def run_pyshacl(data: Data, shapes_graph: rdflib.Graph, fast: bool = True) -> list[Result]:
    from pyshacl import validate as pyshacl_validate
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError

    try:
        with faster_pyshacl() if fast else nullcontext():
            _, report, _ = pyshacl_validate(
                data.graph, shacl_graph=shapes_graph, inference=None, inplace=True,
                advanced=False, allow_infos=False, allow_warnings=False,
            )
    except (ShapeLoadError, ConstraintLoadError, ReportableRuntimeError) as error:
        raise EcgkgError(f"shapes cannot be used: {one_line(str(error))}") from None
    results = []
    for node in report.objects(None, SH.result):
        path = report.value(node, SH.resultPath)
        results.append(Result(
            severity=local_name(report.value(node, SH.resultSeverity) or SH.Violation),
            focus_node=report.value(node, SH.focusNode),
            path=path_text(report, path),
            value=report.value(node, SH.value),
            message=choose_message(report.objects(node, SH.resultMessage)),
            shape=report.value(node, SH.sourceShape),
            component=report.value(node, SH.sourceConstraintComponent),
            path_node=path,
            path_triples=path_triples(report, path),
        ))
    return results


# ------------------------------------------------------------------------------------ the run


def validate(
    paths: list[Path] | None = None,
    shapes: Path | None = None,
    context: list[Path] | None = None,
    engine: str = "fast",
    meta_validate: bool | None = None,
) -> Report:
    """Validate the given data files or folders (default: data/) against the shapes
    (default: shapes/), with the ontology's class hierarchy. Raises EcgkgError when the run
    itself fails: a missing or unreadable file, a syntax error, bad shapes.

    context: files or folders (such as data/) loaded too, so references resolve; results on
    their nodes are not reported, and a context file that describes the same things as a
    validated file is left out.

    meta_validate checks the shapes against SHACL-SHACL first; by default only shapes other
    than the bundled ones are checked (the bundled ones are checked by the test suite).
    """
    if engine not in ("fast", "pyshacl"):
        raise ValueError(f"unknown engine {engine!r}")
    shapes_folder = shapes if shapes is not None else shapes_dir()
    if meta_validate is None:
        meta_validate = shapes is not None and shapes.resolve() != shapes_dir().resolve()
    with quiet_logs():
        shape_set = load_shapes(shapes_folder, meta_validate=meta_validate)
        data = load_data(list(paths) if paths else [data_dir()], context)
        if engine == "fast":
            pyshacl_graph, fast = split_sparql(shape_set)
        else:
            pyshacl_graph, fast = shape_set.graph, []
        raw = run_pyshacl(data, pyshacl_graph, fast=engine == "fast")
        convert = Converter()
        for constraint in fast:
            raw.extend(run_fast(data, constraint, convert))

    unique: dict[Result, Result] = {}
    for result in raw:
        index, line = data.locate(result.focus_node)
        if index is not None and index >= data.validated:
            continue  # a node of a context file
        file = display_path(data.files[index]) if index is not None else None
        located = Result(
            severity=result.severity, focus_node=result.focus_node, path=result.path,
            value=result.value, message=result.message, shape=result.shape,
            component=result.component, file=file, line=line,
            path_node=result.path_node, path_triples=result.path_triples,
        )
        unique.setdefault(located, located)
    results = sorted(unique.values(), key=Result.sort_key)
    return Report(
        results=results,
        data_files=[display_path(p) for p in data.files[:data.validated]],
        shapes_files=[display_path(p) for p in shape_set.files],
        shapes=shape_set.infos(),
        triple_count=data.triple_count,
    )


# ------------------------------------------------------------------------------------ helpers


def local_name(iri: Node) -> str:
    text = str(iri)
    return re.split(r"[#/]", text)[-1] or text


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
