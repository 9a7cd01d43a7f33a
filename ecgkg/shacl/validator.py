"""The validator's run (validate(), re-exported by ecgkg.shacl): data against SHACL shapes;
each result names its file and line.

How a run works, and why:

* Each data file is parsed on its own with pyoxigraph (fast, and a syntax error or an undeclared
  prefix names the file and line), so every subject is known to come from one file. The
  ontology's rdfs:subClassOf triples are added, so `sh:targetClass ecg:Initiative` also reaches
  an `ecg:Strategy` without RDFS inference.
* engine="fast" (the default; ecgkg.shacl.engine): the SHACL core constraints are evaluated in
  Python over an index of the parsed triples, each shape for all its focus nodes at once, and
  the SPARQL-based constraints run in a pyoxigraph store (ecgkg.shacl.sparql: once over the
  whole graph where that pre-binds $this as SHACL does, else once per focus node), loaded and
  queried in a worker thread meanwhile. Shapes using features the engine does not support go
  to pySHACL (ecgkg.shacl.reference), with only them in the shapes graph.
* engine="pyshacl": everything in stock pySHACL over an rdflib graph, as the reference: the
  tests check that both engines give the same results.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path
from urllib.request import url2pathname

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.term import Node

from ecgkg.errors import EcgkgError
from ecgkg.rdf.reader import (
    line_chunks,
    parse_quads,
    rdf_format,
    read_bytes,
    read_quads,
    surely_without_blank_nodes,
)
from ecgkg.shacl import reference
from ecgkg.shacl.engine import Converter, Evaluator, Index, Plan, plan, term_key
from ecgkg.shacl.lines import Locator
from ecgkg.shacl.messages import result_message
from ecgkg.shacl.model import (
    SH,
    Report,
    Result,
    ShapeInfo,
    compact,
    path_text,
    path_triples,
    read_lists_as_sequences,
    severity_name,
)
from ecgkg.shacl.sparql import SparqlConstraint, SparqlRunner, check_queries, result_messages
from ecgkg.shacl.sparql_reads import predicate_tokens, statements_read
from ecgkg.sources import (
    data_dir,
    display_path,
    graph_iri,
    ontology_dir,
    project_root,
    rdf_files,
    shapes_dir,
)

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
ENGINES = ("fast", "pyshacl")
# Statements parsed into the index between two hand-overs of text to the SPARQL worker (about
# 60 ms at 1M triples; the worker parses about as much text meanwhile).
INDEX_STEP = 20_000


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
    # subject -> index of the first file that gives its rdf:type (the fast engine's index
    # leaves out subjects typed first in the file of subject_in)
    typed_in: dict[str, int]
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


def replaces_context(quads: list, typed_file, validated: int) -> bool:
    """Whether a context file describes the same things as a validated file (which replaces it):
    TYPED_FILE(subject key) is the index of the first file that types it, or None."""
    rdf_type = ox.NamedNode(str(RDF.type))
    for q in quads:
        if q.predicate == rdf_type:
            found = typed_file(node_key(q.subject))
            if found is not None and found < validated:
                return True
    return False


class TextFeed:
    """The N-Triples files PATHS' statements of the predicates TOKENS, picked out of their text
    (statements_read) and handed to RUNNER's worker a little ahead of it (top_up): few bytes of
    text are held at once, so a large file costs no memory; then ON_DONE()."""

    CHUNK = 1 << 20
    AHEAD = 8 << 20

    def __init__(self, runner: SparqlRunner, paths: list[Path], tokens: frozenset[bytes]) -> None:
        self.runner = runner
        self.tokens = tokens
        self.chunks = ((chunk, graph_iri(path)) for path in paths
                       for chunk in line_chunks(path, self.CHUNK))
        self.on_done = None

    def top_up(self, ahead: int | None = AHEAD) -> None:
        """Hand over chunks until AHEAD bytes wait for the worker (None: all of them); none
        once the worker has failed (finish() reports it)."""
        while (self.chunks is not None and self.runner.error is None
               and (ahead is None or self.runner.text_waiting() < ahead)):
            found = next(self.chunks, None)
            if found is None:
                self.chunks = None
                if self.on_done is not None:
                    self.on_done()
                return
            chunk, base = found
            self.runner.add_text(statements_read(chunk, self.tokens), ox.RdfFormat.N_TRIPLES, base)

    def finish(self) -> None:
        self.top_up(None)


def load_index(files: list[Path], context: list[Path] | None, runner: SparqlRunner | None) -> Data:
    """The fast engine's load: the index here, the SPARQL store in the runner's worker.

    The store is complete, and its queries start, early: the worker loads files without blank
    nodes straight from disk (GIL released) while this thread parses them into the index; the
    others (usually the small ones) are parsed first and handed over. When the queries read
    only some predicates (runner.reads), the store gets only their statements: an N-Triples
    file's lines of those predicates are picked out of its text (TextFeed) and parsed by the
    worker, handed over a little ahead of it between this thread's batches of parsing, and
    parsed files are picked as they are handed over. With runner.low_memory the other files
    are picked too, as this thread parses them into the index (none is loaded whole or held
    parsed); the queries then start after this thread's parse."""
    index = Index()
    reads = runner.reads if runner is not None else None
    feed = runner.add if reads is not None and runner.low_memory else None
    bulk: set[Path] = set()  # no blank nodes: parsed from disk, here and for the store
    as_text: list[Path] = []
    parsed: dict[Path, list] = {}
    for number, path in enumerate(files):
        syntax = rdf_format(path)
        if surely_without_blank_nodes(path):
            bulk.add(path)
            if reads is not None and syntax == ox.RdfFormat.N_TRIPLES:
                as_text.append(path)
        elif runner is not None and feed is None:
            parsed[path] = list(parse_quads(path, read_bytes(path), file_label(number)))
    fed = feed is not None and any(path not in as_text for path in files)
    hierarchy = [ox.Quad(t.subject, t.predicate, t.object) for t in class_hierarchy()]
    texts = TextFeed(runner, as_text, predicate_tokens(reads)) if as_text else None

    def complete() -> None:  # the store has everything: its queries may start
        runner.add(hierarchy)
        if not context:
            runner.ready()

    if runner is not None:
        runner.start([(str(p), rdf_format(p), graph_iri(p)) for p in files
                      if p in bulk and p not in as_text and feed is None])
        for quads in parsed.values():
            runner.add_read(quads)
        if not fed:
            if texts is None:
                complete()
            else:
                texts.on_done = complete
    count = 0
    loaded: list[Path] = []
    for number, path in enumerate(files):
        if path in parsed:
            quads = parsed.pop(path)
        elif path in bulk:
            quads = parse_quads(path, None, blank_nodes=False)
        else:
            quads = parse_quads(path, read_bytes(path), file_label(number))
        file_feed = None if path in as_text else feed
        if texts is None:
            count += index.add(quads, len(loaded), file_feed, reads)
        else:
            quads = iter(quads)
            while True:
                texts.top_up()
                added = index.add(islice(quads, INDEX_STEP), len(loaded), file_feed, reads)
                if not added:
                    break
                count += added
        loaded.append(path)
    if texts is not None:
        texts.finish()
    if fed:
        feed(hierarchy)
        if not context:
            runner.ready()
    validated = len(loaded)
    for number, path in enumerate(context_files(files, context), start=len(files)):
        quads = read_quads(path, file_label(number))
        if replaces_context(quads, index.typed_file, validated):
            continue
        index.add(quads, len(loaded), feed, reads)
        loaded.append(path)
        if runner is not None and feed is None:
            runner.add_read(quads)
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
        quads = read_quads(path, file_label(number))
        count += len(quads)
        load(path, quads)
    validated = len(loaded)
    for number, path in enumerate(context_files(files, context), start=len(files)):
        quads = read_quads(path, file_label(number))
        if replaces_context(quads, typed_in.get, validated):
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
            for q in read_quads(file)
            if q.predicate == sub_class_of
            and isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)
        )
    return triples


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


# ------------------------------------------------------------------------------------ shapes


@dataclass
class Shapes:
    """The shapes graph, which file declares each named shape, and the shapes files."""

    graph: rdflib.Graph
    files: list[Path]
    shape_file: dict[Node, Path]
    notices: list[str] = field(default_factory=list)

    def file_of(self, node: Node) -> str | None:
        path = self.shape_file.get(node)
        return display_path(path) if path else None

    def where_files(self) -> str:
        """'FILE: ' (or 'FILE, FILE: ') of the shapes files, to start an error message."""
        return ", ".join(display_path(p) for p in self.files[:3]) + (
            ", ..." if len(self.files) > 3 else "") + ": "

    def where(self, node: Node) -> str:
        """' in FILE' for a shape, or ''."""
        found = self.file_of(node)
        return f" in {found}" if found else ""

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
                severity=severity_name(severity),
            ))
        return infos


def load_shapes(folder: Path, meta_validate: bool = False) -> Shapes:
    """Parse every shapes file of FOLDER (a file or a folder) and the local files they
    owl:import; optionally check the shapes against SHACL-SHACL. Shapes that cannot be used
    (none at all, features refused) raise EcgkgError naming the path."""
    if not folder.exists():
        raise EcgkgError(f"{display_path(folder)}: no such shapes file or folder")
    files = rdf_files([folder])
    if not files:
        raise EcgkgError(f"{display_path(folder)}: no shapes files found")
    convert = Converter(keep_booleans=True)
    graph = rdflib.Graph(bind_namespaces="none")
    shape_file: dict[Node, Path] = {}
    shape_types = {SH.NodeShape, SH.PropertyShape}
    todo = list(files)
    loaded: list[Path] = []
    while todo:
        path = todo.pop(0)
        if any(path.resolve() == seen.resolve() for seen in loaded):
            continue
        for quad in read_quads(path, f"s{len(loaded)}b"):
            triple = (convert(quad.subject), convert(quad.predicate), convert(quad.object))
            graph.add(triple)
            if triple[1] == RDF.type and triple[2] in shape_types:
                shape_file.setdefault(triple[0], path)
            elif triple[1] == OWL_IMPORTS:
                imported = imported_file(path, triple[2])
                if imported is not None:
                    todo.append(imported)
        loaded.append(path)
    shapes = Shapes(graph, loaded, shape_file)
    if not has_shapes(graph):
        raise EcgkgError(f"{display_path(folder)}: no node or property shapes found")
    for shape, notice in read_lists_as_sequences(graph):
        shapes.notices.append(f"{compact(shape)}{shapes.where(shape)}: {notice}")
    refuse_unsupported(shapes, parse=meta_validate)
    if meta_validate:
        reference.check_shapes(graph, lambda node: shapes.file_of(node))
    return shapes


OWL_IMPORTS = rdflib.OWL.imports


def imported_file(importer: Path, target: Node) -> Path | None:
    """The local file an owl:imports names: a file: IRI (relative imports of a file outside
    the project resolve to one) or a file of the project (by its graph IRI). It must exist.
    Web IRIs are not followed: the network is never used, and their triples may be present
    already (an ontology IRI declared in the same graph)."""
    text = str(target)
    if not isinstance(target, URIRef):
        return None
    if text.startswith("file:"):
        path = Path(url2pathname(text.removeprefix("file://")))
    elif text.startswith(graph_base := graph_iri(project_root() / "x")[:-1]):
        path = project_root() / text[len(graph_base):]
    else:
        return None
    if not path.is_file():
        raise EcgkgError(f"{display_path(importer)}: owl:imports <{text}>: no such file")
    return path


def has_shapes(graph: rdflib.Graph) -> bool:
    """Whether GRAPH declares a node or property shape (typed so, or with a target or path)."""
    for kind in (SH.NodeShape, SH.PropertyShape):
        if (None, RDF.type, kind) in graph:
            return True
    markers = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target,
               SH.path, SH.property)
    return any((None, predicate, None) in graph for predicate in markers)


def refuse_unsupported(shapes: Shapes, parse: bool = True) -> None:
    """Features neither engine evaluates are refused (exit 2), never ignored."""
    graph = shapes.graph
    targeted = sorted(set(graph.subjects(SH.target, None)), key=str)
    if targeted:
        shape = targeted[0]
        raise EcgkgError(f"shape {compact(shape)}{shapes.where(shape)}: sh:target (SHACL-AF "
                         "SPARQL-based and custom targets) is not supported")
    check_queries(graph, shapes.where, parse)


# ------------------------------------------------------------------------------------ SPARQL


def sparql_results(data: Data, shapes_graph: rdflib.Graph, constraints: list[SparqlConstraint],
                   outcomes: list) -> list[Result]:
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
                message=result_message(
                    shapes_graph, constraint.shape, SH.SPARQLConstraintComponent, focus,
                    path_text(None, path) if isinstance(path, URIRef) else None, value,
                    result_messages(constraint, bindings)),
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


def run_pyshacl(data: Data, shapes_graph: rdflib.Graph, where: str = "") -> list[Result]:
    """The shapes of SHAPES_GRAPH evaluated by the reference engine, with the project's
    messages."""
    def message(shape, component, focus, path, value, constraint, found):
        return result_message(shapes_graph, shape, component, focus, path, value, found)

    return reference.run_pyshacl(data.graph, shapes_graph, message, where)


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
        results.extend(sparql_results(data, graph, runner.constraints, runner.finish()))
    if shape_plan.fallback is not None:
        results.extend(run_pyshacl(data, shape_plan.fallback, shapes.where_files()))
    return results


# ------------------------------------------------------------------------------------ the run


def validate(
    paths: list[Path] | None = None,
    shapes: Path | None = None,
    context: list[Path] | None = None,
    engine: str = "fast",
    meta_validate: bool | None = None,
    low_memory: bool = False,
) -> Report:
    """Validate the given data files or folders (default: data/) against the shapes
    (default: shapes/), with the ontology's class hierarchy. Raises EcgkgError when the run
    itself fails: a missing or unreadable file, a syntax error, bad shapes.

    context: files or folders (such as data/) loaded too, so references resolve; results on
    their nodes are not reported, and a context file that describes the same things as a
    validated file is left out.

    engine: "fast" (see ecgkg.shacl.engine) or "pyshacl" (stock pySHACL for everything, the
    reference the tests compare with).

    meta_validate checks the shapes against SHACL-SHACL first; by default only shapes other
    than the bundled ones are checked (the bundled ones are checked by the test suite).

    low_memory (fast engine): the SPARQL constraints' store holds only the statements of the
    predicates their queries can read (when they name them all) from files of every format,
    picked as the one parse goes, not only from N-Triples files and files with blank nodes,
    as by default (see load_index): less memory for Turtle and other formats, more time. The
    results are the same.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}")
    shapes_folder = shapes if shapes is not None else shapes_dir()
    if meta_validate is None:
        meta_validate = shapes is not None and shapes.resolve() != shapes_dir().resolve()
    with reference.quiet_logs(), no_garbage_collection():
        shape_set = load_shapes(shapes_folder, meta_validate=meta_validate)
        data_paths = list(paths) if paths else [data_dir()]
        if engine == "pyshacl":
            data = load_data(data_paths, context, engine="pyshacl")
            raw = run_pyshacl(data, shape_set.graph, shape_set.where_files())
        else:
            shape_plan = plan(shape_set.graph)
            runner = SparqlRunner(shape_plan.sparql, low_memory) if shape_plan.sparql else None
            try:
                data = load_data(data_paths, context, runner=runner)
                raw = run_fast(data, shape_set, shape_plan, runner)
            finally:
                if runner is not None:
                    runner.close()

    # Every result is kept: two constraints may report the same focus, path and value.
    located_results = []
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
        located_results.append(located)
    results = sorted(located_results, key=Result.sort_key)
    return Report(
        results=results,
        data_files=[display_path(p) for p in data.files[:data.validated]],
        shapes_files=[display_path(p) for p in shape_set.files],
        shapes=shape_set.infos(),
        triple_count=data.triple_count,
        notices=list(shape_set.notices),
    )


