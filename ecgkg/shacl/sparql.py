"""SPARQL-based constraints (sh:sparql) run once over the whole graph, in pyoxigraph.

pySHACL evaluates a SPARQL-based constraint once per focus node, re-parsing the query text each
time and running it in rdflib's SPARQL engine (about 15 ms a focus node). A constraint of a node
shape with plain targets gives the same results when it runs once, with the shape's targets
joined in as ?this:

    SELECT $this ?value WHERE { { SELECT DISTINCT ?this WHERE { <targets> } } <the rule> }

The join binds $this as SHACL's pre-binding does only where ecgkg.shacl.sparql_query finds it
safe (by parsing the query). Anything this module cannot rewrite that way (a constraint on a
property shape or on a shape used through another shape, $PATH, $currentShape, ?failure,
$this in a nested FILTER, a sub-select, a query that does not project $this) is evaluated one
focus node at a time, by pySHACL (see ecgkg.shacl.engine.plan); queries SHACL forbids are
refused before (check_queries).

The store is loaded and the queries run in a worker thread: pyoxigraph releases the GIL while it
parses, loads and evaluates, so this overlaps with the Python evaluation of the core constraints.
"""

from __future__ import annotations

import queue
import re
import threading
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib import OWL, RDF, RDFS, BNode, Literal, URIRef
from rdflib.term import Node

from ecgkg.errors import EcgkgError
from ecgkg.namespaces import PREFIXES
from ecgkg.shacl.model import compact
from ecgkg.shacl.sparql_query import QuerySyntaxError, analyse, substitute, template, tokens
from ecgkg.shacl.sparql_reads import predicates_read_by_all

SH = rdflib.Namespace(PREFIXES["sh"])
# Variables only pySHACL handles: $PATH (property shapes), ?failure.
PYSHACL_ONLY = {"PATH", "failure"}

@dataclass(frozen=True)
class SparqlConstraint:
    """A SPARQL-based constraint of a node shape, run once over the whole graph."""

    shape: Node
    constraint: Node
    query: str
    messages: tuple  # the constraint's sh:message values
    shape_messages: tuple  # the shape's own sh:message values (pySHACL reports both)
    severity: str
    # None: QUERY runs once with the focus nodes joined in. Else a query for the focus nodes;
    # QUERY (unchanged) runs once for each, with $this and $currentShape substituted as SHACL
    # pre-binds them (pyoxigraph's substitutions, SPARQL SEP-0007).
    focus_query: str | None = None
    substitute: tuple = ()  # the pre-bound variables the query uses (and projects)
    pieces: tuple = ()  # the query as sparql_query.template() cuts it at those variables


def prologue(graph: rdflib.Graph, constraint: Node) -> str:
    """PREFIX lines from the sh:declare entries of the constraint's sh:prefixes values and of
    what they owl:imports (transitively), as SHACL says."""
    lines = []
    sources = list(graph.objects(constraint, SH.prefixes))
    seen: set = set()
    while sources:
        source = sources.pop()
        if source in seen:
            continue
        seen.add(source)
        sources.extend(graph.objects(source, OWL.imports))
        for declaration in graph.objects(source, SH.declare):
            prefix = graph.value(declaration, SH.prefix)
            namespace = graph.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def target_pattern(classes, nodes, subjects_of, objects_of) -> str | None:
    """A SPARQL group binding ?this to a shape's focus nodes (rdflib terms of its targets), or
    None if one of them cannot be written in SPARQL (a blank node)."""
    alternatives = []
    for cls in sorted(classes, key=str):
        if not isinstance(cls, URIRef):
            return None
        alternatives.append(f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> }}")
    for node in sorted(nodes, key=str):
        if isinstance(node, BNode):
            return None
        alternatives.append(f"{{ VALUES ?this {{ {node.n3()} }} }}")
    for predicate in sorted(subjects_of, key=str):
        if not isinstance(predicate, URIRef):
            return None
        alternatives.append(f"{{ ?this <{predicate}> ?ecgkg_target_o }}")
    for predicate in sorted(objects_of, key=str):
        if not isinstance(predicate, URIRef):
            return None
        alternatives.append(f"{{ ?ecgkg_target_s <{predicate}> ?this }}")
    if not alternatives:
        return None
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(alternatives) + " } }"


def compile_sparql(graph: rdflib.Graph, shape: Node, targets: str | None, severity: str,
                   shape_messages: tuple) -> list[SparqlConstraint] | None:
    """The whole-graph queries of SHAPE's SPARQL constraints (TARGETS from target_pattern), or
    None if one of them must run in pySHACL."""
    compiled = []
    for constraint in sorted(graph.objects(shape, SH.sparql), key=str):
        selects = list(graph.objects(constraint, SH.select))
        if targets is None or len(selects) != 1:
            return None
        select = selects[0]
        if not isinstance(select, Literal) or not isinstance(select.value, str):
            return None
        text = str(select)
        try:
            analysis = analyse(text)
        except QuerySyntaxError:
            return None
        if analysis.failures or PYSHACL_ONLY & analysis.mentioned:
            return None
        # One pass when a join at the top binds $this wherever SHACL pre-binds it and results
        # name their focus node; else once per focus node.
        per_focus = bool(analysis.unsafe) or "currentShape" in analysis.mentioned or (
            "this" not in analysis.projects and "*" not in analysis.projects)
        brace = analysis.where
        messages = tuple(graph.objects(constraint, SH.message))
        if any(not isinstance(m, Literal) or not isinstance(m.value, str) for m in messages):
            return None
        deactivated = list(graph.objects(constraint, SH.deactivated))
        if len(deactivated) > 1 or any(
            not isinstance(d, Literal) or not isinstance(d.value, bool) for d in deactivated
        ):
            return None
        if deactivated and deactivated[0].value:
            continue
        if per_focus:
            # pyoxigraph substitutes projected variables only: project the pre-bound ones used
            substituted = [name for name in ("this", "currentShape")
                           if name in analysis.mentioned and name not in analysis.projects]
            if substituted and "*" in analysis.projects:
                return None
            used = tuple(name for name in ("this", "currentShape") if name in analysis.mentioned)
            pieces = tuple(template(f"{prologue(graph, constraint)}\n{text}", used))
            at = analysis.projection_at
            text = text[:at] + "".join(f"${name} " for name in substituted) + text[at:]
            compiled.append(SparqlConstraint(
                shape, constraint, f"{prologue(graph, constraint)}\n{text}", messages,
                shape_messages, severity, focus_query=f"SELECT ?this WHERE {{ {targets} }}",
                substitute=used, pieces=pieces))
            continue
        query = f"{prologue(graph, constraint)}\n{text[:brace + 1]} {targets}\n{text[brace + 1:]}"
        compiled.append(SparqlConstraint(shape, constraint, query, messages, shape_messages, severity))
    return compiled


def format_message(template: str, bindings: list) -> str:
    """A message template with {?var} / {$var} replaced the way pySHACL does it (re.sub with the
    value's text, one variable after the other)."""
    for name, value in bindings:
        template = re.sub(f"{{[?$]{name}}}", str(value), template)
    return template


def result_messages(constraint: SparqlConstraint, bindings: list) -> list[Literal]:
    """The sh:resultMessage values pySHACL gives: the constraint's messages, then the shape's,
    each filled in (which drops their language tags)."""
    found = []
    for message in constraint.messages:
        if message in constraint.shape_messages:
            continue
        found.append(Literal(format_message(str(message.value), bindings)))
    for message in constraint.shape_messages:
        text = str(message.value) if isinstance(message, Literal) else str(message)
        found.append(Literal(format_message(text, bindings)))
    return found


# ------------------------------------------------------------------------------------ running


class SparqlRunner:
    """Loads the pyoxigraph store and runs the whole-graph queries in a worker thread.

    The store needs only the statements whose predicates the queries can read (reads: see
    ecgkg.shacl.sparql_reads; None when a query may read any). The worker loads from disk,
    with the GIL released, the files that need no blank-node bookkeeping, and parses the text
    the main thread picked out of N-Triples files (add_text); it adds the quads the main thread
    parsed itself (files with blank nodes, whose ids must match the ones the Python side uses,
    context files, the class hierarchy). With LOW_MEMORY the main thread also picks the
    statements of the other files as it parses them into its index (add), so the store holds
    nothing else, at the cost of handing them over. Then the worker runs the queries; the main
    thread joins in once it is done with its own work (finish). close() releases a worker
    that is still waiting (when the run fails)."""

    def __init__(self, constraints: list[SparqlConstraint], low_memory: bool = False) -> None:
        self.constraints = constraints
        self.low_memory = low_memory
        self.store = ox.Store()
        self.results: list = [None] * len(constraints)
        self._next = 0
        self._lock = threading.Lock()
        # lists of quads, (text, format, base IRI) to parse; None: all given
        self._extras: queue.SimpleQueue = queue.SimpleQueue()
        self._all_given = False
        # Bytes of text handed over and parsed: each written by one thread only.
        self.text_given = 0
        self.text_loaded = 0
        self._loaded = threading.Event()
        self._abort = False
        self._thread: threading.Thread | None = None
        self._bulk: list = []
        self.error: BaseException | None = None
        self.reads = predicates_read_by_all(
            [c.query for c in constraints] + [c.focus_query for c in constraints if c.focus_query])

    def start(self, bulk_files: list[tuple[str, ox.RdfFormat, str]]) -> None:
        """Start the worker; BULK_FILES (path, format, base IRI) are loaded straight from disk."""
        self._bulk = bulk_files
        self._thread = threading.Thread(target=self._work, name="ecgkg-sparql", daemon=True)
        self._thread.start()

    def add(self, quads) -> None:
        """Quads for the store (a list); the worker adds them once the files from disk are in.
        Call before ready()."""
        self._extras.put(quads)

    def add_read(self, quads) -> None:
        """add() of those QUADS whose predicate the queries can read."""
        reads = self.reads
        self.add(list(quads) if reads is None else [q for q in quads if q.predicate.value in reads])

    def add_text(self, text: bytes, rdf_format: ox.RdfFormat, base_iri: str) -> None:
        """Statements as text (whole lines of N-Triples without blank nodes), which the worker
        parses itself with the GIL released. Call before ready()."""
        self.text_given += len(text)
        self._extras.put((text, rdf_format, base_iri))

    def text_waiting(self) -> int:
        """Bytes of text handed over that the worker has not parsed yet."""
        return self.text_given - self.text_loaded

    def ready(self) -> None:
        """Everything is added: the worker may complete the store and start the queries."""
        if not self._all_given:
            self._all_given = True
            self._extras.put(None)

    def close(self) -> None:
        self._abort = True
        self.ready()

    def _work(self) -> None:
        try:
            for path, rdf_format, base_iri in self._bulk:
                if self._abort:
                    return
                self.store.load(path=path, format=rdf_format, base_iri=base_iri)
            while (extra := self._extras.get()) is not None:
                if self._abort:
                    return
                if type(extra) is tuple:
                    text, rdf_format, base_iri = extra
                    self.store.load(text, format=rdf_format, base_iri=base_iri)
                    self.text_loaded += len(text)
                else:
                    self.store.extend(extra)
            if self._abort:
                return
            self._loaded.set()
            self._run_queries()
        except BaseException as error:  # noqa: BLE001 - raised again by finish()
            self.error = error

    def _run_queries(self) -> None:
        while not self._abort:
            with self._lock:
                index = self._next
                self._next += 1
            if index >= len(self.constraints):
                return
            constraint = self.constraints[index]
            try:
                if constraint.focus_query is not None:
                    self.results[index] = self._per_focus(constraint)
                    continue
                solutions = self.store.query(constraint.query, use_default_graph_as_union=True)
                variables = [v.value for v in solutions.variables]
                rows = [tuple(solution[name] for name in variables) for solution in solutions]
                self.results[index] = (variables, rows)
            except (SyntaxError, ValueError, OSError) as error:
                self.results[index] = error

    def _per_focus(self, constraint: SparqlConstraint) -> tuple[list, list]:
        """(variables, rows) of a query run once per focus node, $this first in each row."""
        shape = constraint.shape
        current = ox.BlankNode(str(shape)) if isinstance(shape, BNode) else ox.NamedNode(str(shape))
        this = ox.Variable("this")
        shape_variable = ox.Variable("currentShape")
        variables: list = ["this"]
        rows = []
        for target in self.store.query(constraint.focus_query, use_default_graph_as_union=True):
            focus = target["this"]
            if isinstance(focus, ox.BlankNode) or isinstance(current, ox.BlankNode):
                # a blank node cannot be written into a query: pyoxigraph's substitutions (the
                # same for $this in the top group, see sparql_query)
                solutions = self.store.query(
                    constraint.query, use_default_graph_as_union=True,
                    substitutions={v: term for v, term in ((this, focus), (shape_variable, current))
                                   if v.value in constraint.substitute})
            else:
                solutions = self.store.query(
                    substitute(constraint.pieces, {"this": str(focus), "currentShape": str(current)}),
                    use_default_graph_as_union=True)
            names = [v.value for v in solutions.variables if v.value != "this"
                     and not v.value.startswith("ecgkg_row")]
            for name in names:
                if name not in variables:
                    variables.append(name)
            for solution in solutions:
                rows.append({"this": focus, **{name: solution[name] for name in names}})
        return variables, [tuple(row.get(name) for name in variables) for row in rows]

    def finish(self) -> list:
        """Help run the remaining queries and wait for the worker: per constraint,
        (variables, rows) or the exception its query raised."""
        self.ready()
        if self._thread is not None:
            while not self._loaded.wait(0.02):
                if not self._thread.is_alive():
                    break
            if self._loaded.is_set():
                self._run_queries()
            self._thread.join()
        if self.error is not None:
            raise EcgkgError(f"loading the SPARQL store failed: {self.error}") from self.error
        return self.results


# ------------------------------------------------------------------------------------ checks


def check_queries(graph: rdflib.Graph, where, parse: bool = True) -> None:
    """Refuse (EcgkgError, exit 2) a SPARQL-based constraint whose query does not parse, that
    SHACL forbids with pre-binding, or that needs $shapesGraph. WHERE(shape) is ' in FILE' or ''.
    PARSE False skips pyoxigraph's full parse (a millisecond a query; the bundled shapes are
    parsed by the test suite, and a query that fails there still stops the run, exit 2)."""
    empty = ox.Store()
    for shape, constraint in sorted(graph.subject_objects(SH.sparql), key=str):
        selects = list(graph.objects(constraint, SH.select))
        named = f"shape {compact(shape)}{where(shape)}"
        if len(selects) != 1 or not isinstance(selects[0], Literal):
            raise EcgkgError(f"{named}: a SPARQL constraint needs exactly one sh:select text")
        text = str(selects[0])
        try:
            analysis = analyse(text)
        except QuerySyntaxError as error:
            raise EcgkgError(f"{named}: SPARQL syntax error in sh:select: {error}") from None
        if analysis.failures:
            raise EcgkgError(f"{named}: sh:select not allowed with pre-bound variables: "
                             + "; ".join(analysis.failures))
        if "shapesGraph" in analysis.mentioned:
            raise EcgkgError(f"{named}: $shapesGraph in sh:select is not supported")
        if analysis.unsafe and runs_in_pyshacl(graph, shape, analysis):
            # pySHACL's pre-binding misses $this there once a shape has several focus nodes
            raise EcgkgError(f"{named}: sh:select is not supported on a property shape, a shape "
                             f"used through another or with $PATH or ?failure when "
                             f"{analysis.unsafe[0]}")
        checked = text
        for position in sorted((t.start for t in tokens(text)
                                if t.kind == "var" and t.text == "PATH"), reverse=True):
            checked = checked[:position] + "<urn:ecgkg:path>" + checked[position + len("$PATH"):]
        if not parse:
            continue
        declared = prologue(graph, constraint)
        try:
            empty.query(f"{declared}\n{checked}")
        except SyntaxError as error:
            reason = query_error(str(error), declared.count("\n") + 1 if declared else 1)
            raise EcgkgError(f"{named}: SPARQL syntax error in sh:select: {reason}") from None
        except (ValueError, OSError):
            pass  # it parses; what it would do on an empty store does not matter here



def runs_in_pyshacl(graph: rdflib.Graph, shape: Node, analysis) -> bool:
    """Whether a SPARQL constraint of SHAPE is left to pySHACL (see ecgkg.shacl.engine): on a
    property shape, on a shape without targets of its own, or with $PATH or ?failure."""
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    return ((shape, SH.path, None) in graph or bool(PYSHACL_ONLY & analysis.mentioned)
            or not any((shape, predicate, None) in graph for predicate in targets))


def query_error(text: str, offset: int) -> str:
    """pyoxigraph's parse error in one short line, its line counted in the sh:select text (the
    prologue of OFFSET lines taken off)."""
    first = text.splitlines()[0] if text else "cannot parse"
    found = re.match(r"error at (\d+):(\d+): ?(.*)", first)
    if not found:
        return " ".join(first.split())
    line, column, reason = int(found.group(1)) - offset, found.group(2), found.group(3)
    if reason.startswith("expected one of"):
        reason = "unexpected input"
    return f"line {line}, column {column}: {' '.join(reason.split())}"
