"""`ecgkg validate`: check data against the SHACL shapes; each result names its file and line.

How a run works, and why:

* Each data file is parsed on its own with pyoxigraph (fast, and a syntax error or an undeclared
  prefix names the file and line), so every subject is known to come from one file. The
  ontology's rdfs:subClassOf triples are added, so `sh:targetClass ecg:Initiative` also reaches
  an `ecg:Strategy` without RDFS inference.
* engine="fast" (the default; ecgkg.shacl_engine): the SHACL core constraints are evaluated in
  Python over an index of the parsed triples, each shape for all its focus nodes at once, and
  the SPARQL-based constraints run once over the whole graph in a pyoxigraph store
  (ecgkg.shacl_sparql), loaded and queried in a worker thread meanwhile. Shapes using features
  the engine does not support go to pySHACL, with only them in the shapes graph.
* engine="pyshacl": everything in stock pySHACL over an rdflib graph, as the reference: the
  tests check that both engines give the same results.
"""

from __future__ import annotations

import gc
import logging
import mmap
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.term import Node

from ecgkg.errors import EcgkgError
from ecgkg.namespaces import PREFIXES
from ecgkg.shacl_engine import (
    Converter,
    Evaluator,
    Index,
    Plan,
    choose_message,
    local_name,
    plan,
    term_key,
)
from ecgkg.shacl_sparql import SparqlConstraint, SparqlRunner, result_messages
from ecgkg.sources import data_dir, display_path, graph_iri, ontology_dir, rdf_files, shapes_dir
from ecgkg.store import OX_FORMATS, syntax_error_message

__all__ = [
    "CONSTRAINT_PARAMETERS",
    "FAIL_ON_CHOICES",
    "SEVERITIES",
    "SH",
    "Converter",
    "Data",
    "Plan",
    "Report",
    "Result",
    "ShapeInfo",
    "Shapes",
    "check_shapes",
    "choose_message",
    "compact",
    "compact_path",
    "load_data",
    "load_shapes",
    "local_name",
    "plan",
    "validate",
]

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
BULK_FORMATS = (".nt", ".nq", ".ttl", ".trig")  # formats whose blank nodes are written as such


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise EcgkgError(f"{display_path(path)}: cannot read: {error.strerror}") from None


def parse_error(path: Path, error: SyntaxError) -> EcgkgError:
    undeclared = UNDECLARED_PREFIX.search(str(error.msg))
    if undeclared:
        line = f":{error.lineno}" if error.lineno else ""
        prefix = undeclared.group(1)
        return EcgkgError(
            f"{display_path(path)}{line}: undeclared prefix '{prefix}:' "
            f"(declare it with '@prefix {prefix}: <...> .' at the top of the file)"
        )
    return EcgkgError(syntax_error_message(path, error))


def rdf_format(path: Path) -> ox.RdfFormat:
    found = OX_FORMATS.get(path.suffix)
    if found is None:
        raise EcgkgError(f"{display_path(path)}: unsupported RDF file suffix {path.suffix!r}")
    return found


def parse_quads(path: Path, data: bytes | None, label: str = "b", blank_nodes: bool = True):
    """The triples of one RDF file (DATA, or read as it is parsed if None) as pyoxigraph quads,
    as they are parsed; errors name the file and line. Blank nodes are named LABEL0, LABEL1, ...
    in the order they appear: unique to the file when LABEL is, and the same on every run (stable
    reports, and engines that parse the file separately agree on them). BLANK_NODES False says
    the file has none."""
    try:
        if data is None:
            parsed = ox.parse(path=str(path), format=rdf_format(path), base_iri=graph_iri(path),
                              rename_blank_nodes=True)
        else:
            parsed = ox.parse(data, format=rdf_format(path), base_iri=graph_iri(path),
                              rename_blank_nodes=True)
            blank_nodes = blank_nodes and not without_blank_nodes(path, data)
        if blank_nodes:
            yield from relabel(parsed, label)
        else:
            yield from parsed
    except SyntaxError as error:
        raise parse_error(path, error) from None
    except OSError as error:
        raise EcgkgError(f"{display_path(path)}: cannot read: {error.strerror or error}") from None


def relabel(quads, label: str):
    names: dict = {}
    blank = ox.BlankNode

    def name(node):
        found = names.get(node)
        if found is None:
            found = names[node] = blank(f"{label}{len(names)}")
        return found

    for quad in quads:
        s, p, o, g = quad
        if type(s) is blank or type(o) is blank or type(g) is blank:
            yield ox.Quad(name(s) if type(s) is blank else s, p, name(o) if type(o) is blank else o,
                          name(g) if type(g) is blank else g)
        else:
            yield quad


def parse_file(path: Path, label: str = "b") -> list:
    """The triples of one RDF file as pyoxigraph quads; errors name the file and line."""
    rdf_format(path)
    return list(parse_quads(path, read_file(path), label))


def without_blank_nodes(path: Path, data) -> bool:
    """Whether the file surely has no blank node, so that a store can load it from disk with the
    same terms the parser gives here (blank nodes get fresh ids on each parse)."""
    if path.suffix not in BULK_FORMATS:
        return False  # JSON-LD and RDF/XML make blank nodes without writing them
    if data.find(b"_:") >= 0:
        return False
    return path.suffix in (".nt", ".nq") or (data.find(b"[") < 0 and data.find(b"(") < 0)


def surely_without_blank_nodes(path: Path) -> bool:
    """without_blank_nodes for a file on disk; a large one is searched in place (mapped, not
    read into memory)."""
    if path.suffix not in BULK_FORMATS:
        return False
    try:
        if path.stat().st_size < 1 << 24:
            return without_blank_nodes(path, read_file(path))
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return without_blank_nodes(path, data)
    except OSError as error:
        raise EcgkgError(f"{display_path(path)}: cannot read: {error.strerror or error}") from None


def node_key(term) -> str:
    """A pyoxigraph or rdflib subject as a dictionary key: the IRI, or _:id for a blank node."""
    if isinstance(term, (ox.BlankNode, BNode)):
        return "_:" + (term.value if isinstance(term, ox.BlankNode) else str(term))
    if isinstance(term, (ox.Literal, Literal)):
        return '"'  # a literal (a focus node through sh:targetNode or sh:targetObjectsOf) is no subject
    return term.value if isinstance(term, ox.NamedNode) else str(term)


@dataclass
class Data:
    """The data of a run and where each subject is: an Index for the fast engine, an rdflib
    graph for pySHACL (built from the index when first asked for)."""

    files: list[Path]
    triple_count: int
    typed_in: dict[str, int]  # subject -> index of the first file that gives its rdf:type
    subject_in: dict[str, int]  # subject -> index of the first file it is a subject in
    index: Index | None = None
    _graph: rdflib.Graph | None = None
    locator: Locator = field(init=False)
    validated: int = field(init=False)  # files[:validated] are validated, the rest context

    def __post_init__(self) -> None:
        self.locator = Locator(self.files)
        self.validated = len(self.files)

    @property
    def graph(self) -> rdflib.Graph:
        if self._graph is None:
            self._graph = self.index.graph()
        return self._graph

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


def load_data(paths: list[Path], context: list[Path] | None = None, engine: str = "fast",
              runner: SparqlRunner | None = None) -> Data:
    """Parse each file on its own, then merge them with the ontology's class hierarchy.

    CONTEXT files are loaded after PATHS so references resolve, except a context file that
    types a node a validated file also types (the validated file is its new version). Results
    are reported only for nodes of the validated files: see Data.validated.

    engine "fast" builds an Index (and fills RUNNER's store, if given); "pyshacl" an rdflib
    graph the way the reference always did, independently of the index.
    """
    files = rdf_files(paths)
    if not files:
        raise EcgkgError(f"no data files found in {', '.join(display_path(p) for p in paths)}")
    if engine == "pyshacl":
        return load_graph(files, context)
    return load_index(files, context, runner)


def file_label(number: int) -> str:
    """The blank node label prefix of the NUMBERth data file (shapes files use "s")."""
    return f"f{number}b"


def context_files(files: list[Path], context: list[Path] | None) -> list[Path]:
    own = {path.resolve() for path in files}
    return [path for path in rdf_files(context or []) if path.resolve() not in own]


def replaces_context(quads: list, typed_in: dict, validated: int) -> bool:
    """Whether a context file describes the same things as a validated file (which replaces it)."""
    rdf_type = ox.NamedNode(str(RDF.type))
    return any(q.predicate == rdf_type and typed_in.get(node_key(q.subject), validated) < validated
               for q in quads)


def load_index(files: list[Path], context: list[Path] | None, runner: SparqlRunner | None) -> Data:
    """The fast engine's load. Files without blank nodes go to the store straight from disk in
    the worker thread, while this thread parses them into the index; the others (usually the
    small ones) are parsed first, so the store is complete early."""
    index = Index()
    bulk: set[Path] = set()
    parsed: dict[Path, list] = {}
    for number, path in enumerate(files):
        rdf_format(path)
        if surely_without_blank_nodes(path):
            bulk.add(path)  # parsed from disk, here (less memory, faster) and for the store
        elif runner is not None:
            parsed[path] = list(parse_quads(path, read_file(path), file_label(number)))
    hierarchy = [ox.Quad(t.subject, t.predicate, t.object) for t in class_hierarchy()]
    if runner is not None:
        runner.start([(str(p), rdf_format(p), graph_iri(p)) for p in files if p in bulk])
        for quads in parsed.values():
            runner.add(quads)
        runner.add(hierarchy)
        if not context:
            runner.ready()
    count = 0
    loaded: list[Path] = []
    for number, path in enumerate(files):
        if path in parsed:
            quads = parsed.pop(path)
        elif path in bulk:
            quads = parse_quads(path, None, blank_nodes=False)
        else:
            quads = parse_quads(path, read_file(path), file_label(number))
        count += index.add(quads, len(loaded))
        loaded.append(path)
    validated = len(loaded)
    for number, path in enumerate(context_files(files, context), start=len(files)):
        quads = parse_file(path, file_label(number))
        if replaces_context(quads, index.typed_in, validated):
            continue
        index.add(quads, len(loaded))
        loaded.append(path)
        if runner is not None:
            runner.add(quads)
    index.add(hierarchy)
    if runner is not None:
        runner.ready()
    data = Data(loaded, count, index.typed_in, index.subject_in, index=index)
    data.validated = validated
    return data


def load_graph(files: list[Path], context: list[Path] | None) -> Data:
    """The reference engine's load: one rdflib graph, term by term, as pySHACL gets it."""
    convert = Converter()
    graph = rdflib.Graph(bind_namespaces="none")
    typed_in: dict[str, int] = {}
    subject_in: dict[str, int] = {}
    store_add = graph.store.add  # what Graph.add does, without its per-triple checks
    rdf_type = ox.NamedNode(str(RDF.type))
    count = 0
    loaded: list[Path] = []

    def load(path: Path, quads: list) -> None:
        index = len(loaded)
        loaded.append(path)
        for quad in quads:
            subject = quad.subject
            store_add((convert(subject), convert(quad.predicate), convert(quad.object)), graph, False)
            key = node_key(subject)
            if key not in subject_in:
                subject_in[key] = index
            if quad.predicate == rdf_type and key not in typed_in:
                typed_in[key] = index

    for number, path in enumerate(files):
        quads = parse_file(path, file_label(number))
        count += len(quads)
        load(path, quads)
    validated = len(loaded)
    for number, path in enumerate(context_files(files, context), start=len(files)):
        quads = parse_file(path, file_label(number))
        if replaces_context(quads, typed_in, validated):
            continue
        load(path, quads)
    for triple in class_hierarchy():
        store_add((convert(triple.subject), convert(triple.predicate), convert(triple.object)),
                  graph, False)
    data = Data(loaded, count, typed_in, subject_in, _graph=graph)
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


@contextmanager
def no_garbage_collection():
    """Python's cycle collector off during a run: the index holds millions of lists and dicts,
    and each full collection walks all of them (about a second in all at 1M triples), for no
    garbage: what a run builds has no reference cycles worth collecting before it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ------------------------------------------------------------------------------------ lines

PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
LINE_START_TERM = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:\S*|:\S*)")


class Locator:
    """Finds the line of a subject in a Turtle, TriG or N-Triples file.

    Canonical Turtle starts each subject's block at the start of a line, as its full IRI in <...>
    or in prefixed form; N-Triples starts every line with one. A few nodes are looked up by
    searching the file's text; past LOOKUPS nodes in one file, every line of it is indexed once
    (a large file then costs one pass, and a few results in it no more than a search each).
    Lines are counted as the parser counts them, at each line feed.
    """

    LOOKUPS = 32

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self.subjects: dict[Path, dict[str, int]] = {}
        self.texts: dict[Path, str] = {}
        self.declarations: dict[Path, list[tuple[int, str, str]]] = {}
        self.lookups: dict[Path, int] = {}

    def _text(self, path: Path) -> str:
        if path not in self.texts:
            try:
                self.texts[path] = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                self.texts[path] = ""
        return self.texts[path]

    def _declarations(self, path: Path) -> list[tuple[int, str, str]]:
        """(position, prefix, namespace) of each prefix declaration, in file order."""
        if path not in self.declarations:
            found = []
            if path.suffix in (".ttl", ".trig"):
                found = [(m.start(), m.group(1) or "", m.group(2))
                         for m in PREFIX_DECLARATION.finditer(self._text(path))]
            self.declarations[path] = found
        return self.declarations[path]

    def _index(self, path: Path) -> dict[str, int]:
        if path in self.subjects:
            return self.subjects[path]
        index: dict[str, int] = {}
        prefixes: dict[str, str] = {}
        if path.suffix in (".ttl", ".trig", ".nt", ".nq"):
            for number, line in enumerate(self._text(path).split("\n"), start=1):
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
        return index

    def subject_line(self, path: Path, node: Node) -> int | None:
        if not isinstance(node, URIRef):
            return None
        if path not in self.subjects:
            self.lookups[path] = self.lookups.get(path, 0) + 1
            if self.lookups[path] <= self.LOOKUPS:
                return self._find_subject(path, str(node)) or self.mention_line(path, node)
        return self._index(path).get(str(node)) or self.mention_line(path, node)

    def _find_subject(self, path: Path, iri: str) -> int | None:
        """The first line that starts with IRI, in full or prefixed with a prefix declared
        before it: what _index would give, without reading every line."""
        if path.suffix not in (".ttl", ".trig", ".nt", ".nq"):
            return None
        text = self._text(path)
        declarations = self._declarations(path)
        best = line_start(text, f"<{iri}>")
        for declared_at, prefix, namespace in declarations:
            if not iri.startswith(namespace) or len(iri) == len(namespace):
                continue
            form = f"{prefix}:{iri[len(namespace):]}"
            start = declared_at
            while True:
                position = line_start(text, form, start)
                if position is None or (best is not None and position > best):
                    break
                start = position + 1
                # the prefix means NAMESPACE there (not redeclared since), and the name ends
                meant = [ns for at, p, ns in declarations if p == prefix and at < position]
                if meant[-1] == namespace and ends_term(text, position + len(form)):
                    best = position
                    break
        return None if best is None else text.count("\n", 0, best) + 1

    def mention_line(self, path: Path, node: URIRef) -> int | None:
        """The first line that names NODE anywhere (for a node only used as an object)."""
        text = self._text(path)
        iri = str(node)
        prefixes = {prefix: namespace for _, prefix, namespace in self._declarations(path)}
        forms = [f"<{iri}>"]
        for prefix, namespace in prefixes.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                forms.append(f"{prefix}:{iri[len(namespace):]}")
        pattern = re.compile(
            "|".join(
                re.escape(form) + ("" if form.startswith("<") else r"(?![\w.:/#-]*[\w:/#-])")
                for form in forms
            )
        )
        found = pattern.search(text)
        return None if found is None else text.count("\n", 0, found.start()) + 1


PREFIX_DECLARATION = re.compile(r"^[ \t]*(?:@prefix|PREFIX)[ \t]+([A-Za-z][\w.-]*)?:[ \t]*<([^>]*)>",
                                re.IGNORECASE | re.MULTILINE)


def line_start(text: str, form: str, start: int = 0) -> int | None:
    """The first position from START where a line starts with FORM."""
    if start == 0 and text.startswith(form):
        return 0
    found = text.find("\n" + form, max(start - 1, 0))
    return None if found < 0 else found + 1


def ends_term(text: str, end: int) -> bool:
    """Whether a prefixed name ending at END ends there (only ; , . before the next space)."""
    while end < len(text) and not text[end].isspace():
        if text[end] not in ";,.":
            return False
        end += 1
    return True


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
    for number, path in enumerate(files):
        for quad in parse_file(path, f"s{number}b"):
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


def sparql_results(data: Data, constraints: list[SparqlConstraint], outcomes: list) -> list[Result]:
    """Results of the whole-graph SPARQL constraints, as pySHACL gives them."""
    convert = data.index.convert
    results = []
    for constraint, outcome in zip(constraints, outcomes):
        if isinstance(outcome, Exception):
            raise EcgkgError(f"shape {compact(constraint.shape)}: SPARQL constraint fails: {outcome}")
        variables, rows = outcome
        for row in rows:
            bound = {name: convert(term) for name, term in zip(variables, row) if term is not None}
            focus = bound.get("this")
            if focus is None:
                continue
            path = bound.get("path")
            value = bound.get("value", focus)
            if isinstance(value, Literal) and isinstance(path, URIRef):
                value = stored_literal(data.index, focus, path, value)
            bindings = [(name, bound[name]) for name in variables
                        if name in bound and name not in ("this", "path", "value")]
            bindings += [("this", focus)] + ([("path", path)] if path is not None else [])
            bindings.append(("value", value))
            results.append(Result(
                severity=constraint.severity, focus_node=focus,
                path=path_text(None, path) if isinstance(path, URIRef) else None, value=value,
                message=choose_message(result_messages(constraint, bindings)),
                shape=constraint.shape, component=SH.SPARQLConstraintComponent,
                path_node=path if isinstance(path, URIRef) else None,
            ))
    return results


def stored_literal(index: Index, focus: Node, path: URIRef, value: Literal) -> Literal:
    """The literal as the data gives it. pyoxigraph's store keeps derived integer types in
    their primitive type ("3"^^xsd:positiveInteger comes back as "3"^^xsd:integer), so a value
    found through it is matched back to the focus node's own value of the same lexical form."""
    candidates = [
        o for o in index.objects(str(path), term_key(focus))
        if isinstance(o, Literal) and str(o) == str(value) and o.language == value.language
    ]
    return candidates[0] if len(candidates) == 1 else value


# ------------------------------------------------------------------------------------ pySHACL


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


def run_pyshacl(data: Data, shapes_graph: rdflib.Graph) -> list[Result]:
    """Stock pySHACL (no inference: the class hierarchy is in the data graph)."""
    from pyshacl import validate as pyshacl_validate
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError

    try:
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


def run_fast(data: Data, shapes: Shapes, shape_plan: Plan, runner: SparqlRunner | None) -> list[Result]:
    """The fast engine: core constraints here, SPARQL constraints from the runner, the rest
    (if any) in pySHACL."""
    evaluator = Evaluator(data.index, shapes.graph)
    graph = shapes.graph
    results = []
    for severity, focus, path, value, message, shape, component in evaluator.results(
            evaluator.run(shape_plan.roots)):
        results.append(Result(
            severity=severity, focus_node=focus, path=path_text(graph, path), value=value,
            message=message, shape=shape, component=component, path_node=path,
            path_triples=path_triples(graph, path),
        ))
    if runner is not None:
        results.extend(sparql_results(data, runner.constraints, runner.finish()))
    if shape_plan.fallback is not None:
        results.extend(run_pyshacl(data, shape_plan.fallback))
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

    engine: "fast" (see ecgkg.shacl_engine) or "pyshacl" (stock pySHACL for everything, the
    reference the tests compare with).

    meta_validate checks the shapes against SHACL-SHACL first; by default only shapes other
    than the bundled ones are checked (the bundled ones are checked by the test suite).
    """
    if engine not in ("fast", "pyshacl"):
        raise ValueError(f"unknown engine {engine!r}")
    shapes_folder = shapes if shapes is not None else shapes_dir()
    if meta_validate is None:
        meta_validate = shapes is not None and shapes.resolve() != shapes_dir().resolve()
    with quiet_logs(), no_garbage_collection():
        shape_set = load_shapes(shapes_folder, meta_validate=meta_validate)
        data_paths = list(paths) if paths else [data_dir()]
        if engine == "pyshacl":
            data = load_data(data_paths, context, engine="pyshacl")
            raw = run_pyshacl(data, shape_set.graph)
        else:
            shape_plan = plan(shape_set.graph)
            runner = SparqlRunner(shape_plan.sparql) if shape_plan.sparql else None
            try:
                data = load_data(data_paths, context, runner=runner)
                raw = run_fast(data, shape_set, shape_plan, runner)
            finally:
                if runner is not None:
                    runner.close()

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
