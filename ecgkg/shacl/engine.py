"""The fast SHACL engine of `ecgkg validate`: SHACL core constraints evaluated in Python over an
index of the data, SPARQL constraints in pyoxigraph (ecgkg.shacl.sparql).

pySHACL (0.40, ecgkg.shacl.reference) is the reference. This engine gives exactly its results
(the same focus nodes, paths, values, shapes and constraint components; messages come from
ecgkg.shacl.messages for both) for the shapes it supports, and hands
every other shape to pySHACL; tests/test_validate_engine.py compares both on every fixture, the
bundled data, generated data with errors put in, and shapes using every supported feature (a
new pySHACL version that changes a verdict fails there). How it gets there:

* Terms are keys with rdflib's notion of identity: an IRI is its string, a blank node "_:" and
  its id, a literal the rdflib Literal pySHACL would see (built once per distinct literal, so
  "01"^^xsd:integer is "1"^^xsd:integer, and an ill-typed literal is marked ill-typed).
* The index maps each predicate to {subject: [objects]} (and, on demand, {object: [subjects]}),
  built in one pass over the parsed quads; it also remembers in which file each subject first
  appears, to give results a file and line.
* Each shape is compiled once: its targets, path, severity, messages and constraints. A shape
  is evaluated for all its focus nodes at once (a set difference for sh:minCount 1, one pass over
  the values for the others), where pySHACL builds every constraint again for each focus node
  and value node. Nested shapes (sh:property, sh:qualifiedValueShape) are evaluated for the set
  of all value nodes at once; a node conforms when no constraint reports it, as in pySHACL.
* Supported: targets (sh:targetClass with rdfs:subClassOf from the data, sh:targetNode,
  sh:targetSubjectsOf, sh:targetObjectsOf, implicit class targets), predicate and inverse paths,
  sh:class, sh:datatype, sh:nodeKind, sh:minCount, sh:maxCount, sh:min/maxInclusive,
  sh:min/maxExclusive, sh:min/maxLength, sh:pattern (with sh:flags), sh:languageIn,
  sh:uniqueLang, sh:in, sh:hasValue, sh:closed with sh:ignoredProperties, sh:property,
  sh:qualifiedValueShape (with its counts and sh:qualifiedValueShapesDisjoint), sh:deactivated,
  and sh:sparql on node shapes with plain targets. A shape that uses anything else (sh:node,
  sh:not, sh:and, sh:or, sh:xone, property pair constraints, complex paths, recursion,
  custom constraint components, malformed parameter values pySHACL would reject) goes to
  pySHACL with every shape it uses: see Plan.
"""

from __future__ import annotations

import datetime
import re
import sys
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib import OWL, RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.term import Node

from ecgkg.errors import EcgkgError
from ecgkg.namespaces import PREFIXES
from ecgkg.shacl.messages import choose_message, result_message
from ecgkg.shacl.model import path_text, severity_name
from ecgkg.shacl.sparql import SparqlConstraint, compile_sparql, target_pattern

SH = rdflib.Namespace(PREFIXES["sh"])
XSD_STRING = str(XSD.string)
XSD_BOOLEAN_TEXT = str(XSD.boolean)
RDF_TYPE = str(RDF.type)
RDFS_SUBCLASSOF = str(RDFS.subClassOf)
RDFS_RESOURCE = str(RDFS.Resource)
EMPTY: tuple = ()
# Quads handed to the SPARQL worker at a time (Index.add): few held at once, and few hand-overs.
FEED_BATCH = 10_000
# rdflib namespace attributes cost a function call each: the terms the hot paths compare with.
RDF_LANGSTRING = RDF.langString
RDFS_LITERAL = RDFS.Literal
RDFS_DATATYPE = RDFS.Datatype
XSD_STRING_IRI = XSD.string
XSD_INTEGER = XSD.integer
XSD_FLOAT = XSD.float
XSD_DECIMAL = XSD.decimal
XSD_BOOLEAN = XSD.boolean
XSD_DATE = XSD.date
XSD_TIME = XSD.time
XSD_DATETIME = XSD.dateTime

# The constraint parameters pySHACL 0.40 knows (pyshacl.constraints.ALL_CONSTRAINT_PARAMETERS).
PYSHACL_PARAMETERS = frozenset(SH[name] for name in (
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
    "maxExclusive", "maxInclusive", "not", "and", "or", "xone", "minLength", "maxLength",
    "pattern", "languageIn", "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals",
    "node", "property", "qualifiedValueShape", "qualifiedMinCount", "qualifiedValueShapesDisjoint",
    "qualifiedMaxCount", "closed", "ignoredProperties", "hasValue", "in", "sparql",
))
UNSUPPORTED_PARAMETERS = frozenset(SH[name] for name in (
    "not", "and", "or", "xone", "equals", "disjoint", "lessThan", "lessThanOrEquals", "node",
))
TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
NODE_KINDS = {
    SH.IRI: "I", SH.BlankNode: "B", SH.Literal: "L", SH.BlankNodeOrIRI: "BI",
    SH.BlankNodeOrLiteral: "BL", SH.IRIOrLiteral: "IL",
}


class Unsupported(Exception):
    """A shape this engine does not evaluate: pySHACL does."""


# ------------------------------------------------------------------------------------ terms


class Converter:
    """pyoxigraph terms to rdflib terms, sharing one rdflib object per IRI and per literal."""

    def __init__(self, keep_booleans: bool = False) -> None:
        # KEEP_BOOLEANS: "1"^^xsd:boolean stays "1" (rdflib would write "true"): in a shapes
        # graph, SHACL's boolean parameters take effect with the literal true only.
        self.keep_booleans = keep_booleans
        self.iris: dict[str, URIRef] = {}
        self.literals: dict = {}
        self.datatypes: dict[str, URIRef] = {}

    def iri(self, value: str) -> URIRef:
        term = self.iris.get(value)
        if term is None:
            term = self.iris[value] = URIRef(value)
        return term

    def literal(self, term: ox.Literal) -> Literal:
        converted = self.literals.get(term)
        if converted is None:
            language = term.language
            if language:
                converted = Literal(term.value, lang=language)
            else:
                datatype = term.datatype.value
                if datatype == XSD_STRING:
                    converted = Literal(term.value)
                else:
                    iri = self.datatypes.get(datatype)
                    if iri is None:
                        iri = self.datatypes[datatype] = URIRef(datatype)
                    converted = Literal(term.value, datatype=iri, normalize=not (
                        self.keep_booleans and datatype == XSD_BOOLEAN_TEXT))
            self.literals[term] = converted
        return converted

    def __call__(self, term) -> Node:
        kind = type(term)
        if kind is ox.NamedNode:
            return self.iri(term.value)
        if kind is ox.Literal:
            return self.literal(term)
        if kind is ox.BlankNode:
            return BNode(term.value)
        raise EcgkgError(f"unsupported RDF term {term!r} (RDF-star triple terms are not supported)")


def term_key(term: Node):
    """The index key of an rdflib term (from the shapes graph or a report)."""
    if isinstance(term, Literal):
        return term
    if isinstance(term, BNode):
        return "_:" + str(term)
    return str(term)


def key_term(key, iris: dict | None = None) -> Node:
    """The rdflib term of an index key."""
    if type(key) is str:
        if key.startswith("_:"):
            return BNode(key[2:])
        if iris is None:
            return URIRef(key)
        term = iris.get(key)
        if term is None:
            term = iris[key] = URIRef(key)
        return term
    return key


def listed(found) -> tuple | list:
    """The values an index map holds for a key (see Index): () for none, else a list or tuple."""
    if found is None:
        return EMPTY
    return found if type(found) is list else (found,)


def dedupe(mapping: dict, key, values: list) -> list:
    """VALUES (a list, of KEY in MAPPING) without repeats (a triple given twice, or two literals
    rdflib normalises to one); the mapping keeps the clean values."""
    unique = list(dict.fromkeys(values))
    if len(unique) != len(values):
        mapping[key] = unique if len(unique) > 1 else unique[0]
        return unique
    return values


class Index:
    """The data as {predicate IRI: {subject key: object keys}}, with the inverse maps built on
    demand, and the file where each subject first appears (subject_in) and is first typed
    (typed_file(); typed_in holds it only where it differs from subject_in, which is rare).

    Object keys (and the subject keys of the inverse maps) are held bare when there is one, in
    a list when there are more (listed() reads either): nine in ten subject-predicate pairs have
    one value, and a one-element list per pair was a third of the index's memory."""

    def __init__(self, convert: Converter | None = None) -> None:
        self.convert = convert or Converter()
        self.sp: dict[str, dict] = {}
        self._op: dict[str, dict] = {}
        self._closures: dict = {}
        self.typed_in: dict[str, int] = {}
        self.subject_in: dict[str, int] = {}

    def add(self, quads, file_index: int | None = None, feed=None,
            reads: frozenset = frozenset()) -> int:
        """Add pyoxigraph quads (any iterable, such as ox.parse); the number of quads read.
        FEED, if given, is handed the quads whose predicate is in READS, in lists of FEED_BATCH
        (the SPARQL store's share, picked out here where each predicate is read anyway)."""
        sp = self.sp
        typed_in = self.typed_in
        subject_in = self.subject_in
        literals = self.convert.literals
        literal = self.convert.literal
        named, blank, lit = ox.NamedNode, ox.BlankNode, ox.Literal
        intern = sys.intern  # one string object per IRI: smaller, and dict lookups compare pointers
        types = sp.get(RDF_TYPE)
        if types is None:
            types = sp[RDF_TYPE] = {}
        count = 0
        last_predicate = m = None
        last_subject = ks = None
        kept: list = []
        keep = False
        for quad in quads:
            count += 1
            s = quad.subject
            if s != last_subject:  # statements come grouped by subject, mostly
                kind = type(s)
                if kind is named:
                    ks = intern(s.value)
                elif kind is blank:
                    ks = intern("_:" + s.value)
                else:
                    raise EcgkgError(f"unsupported RDF term {s!r} (RDF-star triple terms are not supported)")
                last_subject = s
            o = quad.object
            kind = type(o)
            if kind is named:
                ko = intern(o.value)
            elif kind is lit:
                ko = literals.get(o)
                if ko is None:
                    ko = literal(o)
            elif kind is blank:
                ko = intern("_:" + o.value)
            else:
                raise EcgkgError(f"unsupported RDF term {o!r} (RDF-star triple terms are not supported)")
            pv = quad.predicate.value
            if pv != last_predicate:
                m = sp.get(pv)
                if m is None:
                    m = sp[pv] = {}
                last_predicate = pv
                keep = feed is not None and pv in reads
            if keep:
                kept.append(quad)
                if len(kept) == FEED_BATCH:
                    feed(kept)
                    kept = []
            values = m.get(ks)
            if values is None:
                m[ks] = ko
                if file_index is not None:
                    first = subject_in.get(ks)
                    if first is None:
                        subject_in[ks] = file_index
                    elif m is types and first != file_index:
                        typed_in[ks] = file_index
            elif type(values) is list:
                values.append(ko)
            else:
                m[ks] = [values, ko]
        if kept:
            feed(kept)
        if self._op or self._closures:
            self._op.clear()
            self._closures.clear()
        return count

    def typed_file(self, key) -> int | None:
        """The index of the first file that gives KEY an rdf:type, None if none does."""
        found = self.typed_in.get(key)
        if found is None and key in self.sp.get(RDF_TYPE, EMPTY):
            return self.subject_in.get(key)
        return found

    def op(self, predicate: str) -> dict:
        """{object key: subject keys (bare or a list, as in sp)} for PREDICATE."""
        found = self._op.get(predicate)
        if found is None:
            found = self._op[predicate] = {}
            for s, objects in self.sp.get(predicate, {}).items():
                for o in listed(objects):
                    subjects = found.get(o)
                    if subjects is None:
                        found[o] = s
                    elif type(subjects) is list:
                        subjects.append(s)
                    else:
                        found[o] = [subjects, s]
        return found

    def objects(self, predicate: str, subject) -> list:
        mapping = self.sp.get(predicate)
        if not mapping:
            return []
        values = mapping.get(subject)
        if values is None:
            return []
        return dedupe(mapping, subject, values) if type(values) is list else [values]

    def sub_classes(self, cls) -> frozenset:
        """CLS and everything rdfs:subClassOf* it in the data (rdflib's transitive_subjects)."""
        found = self._closures.get(cls)
        if found is None:
            children = self.op(RDFS_SUBCLASSOF)
            seen = {cls}
            todo = [cls]
            while todo:
                for child in listed(children.get(todo.pop())):
                    if child not in seen:
                        seen.add(child)
                        todo.append(child)
            found = self._closures[cls] = frozenset(seen)
        return found

    def instances(self, cls) -> list:
        """The subjects typed CLS or a subclass of it (pySHACL's sh:targetClass)."""
        typed = self.op(RDF_TYPE)
        found: list = []
        for sub in self.sub_classes(cls):
            found.extend(listed(typed.get(sub)))
        return found

    def triples(self):
        """Every (subject, predicate, object) key triple, without repeats."""
        for predicate, mapping in self.sp.items():
            for subject, objects in mapping.items():
                if type(objects) is list:
                    for obj in dict.fromkeys(objects):
                        yield subject, predicate, obj
                else:
                    yield subject, predicate, objects

    def graph(self) -> rdflib.Graph:
        """The data as an rdflib graph (for pySHACL)."""
        graph = rdflib.Graph(bind_namespaces="none")
        add = graph.store.add
        iris = self.convert.iris
        for s, p, o in self.triples():
            add((key_term(s, iris), key_term(p, iris), key_term(o, iris)), graph, False)
        return graph

    def description(self, key, graph: rdflib.Graph) -> None:
        """Add the triples describing a blank node (recursively) to GRAPH."""
        todo, seen = [key], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            for predicate, mapping in self.sp.items():
                for obj in listed(mapping.get(current)):
                    graph.add((key_term(current), URIRef(predicate), key_term(obj)))
                    if type(obj) is str and obj.startswith("_:"):
                        todo.append(obj)


# ------------------------------------------------------------------------------------ messages


def local_name(iri: Node) -> str:
    text = str(iri)
    return re.split(r"[#/]", text)[-1] or text


# ------------------------------------------------------------------------------------ helpers

# rdflib 5+ orders some values totally; pySHACL compares these by value (pyshacl.rdfutil.compare).
_FORCE_COMPARE_LITERAL_VALUE = (datetime.datetime, datetime.time)


def compare_literal(l1: Literal, l2: Literal) -> int:
    """pySHACL's pyshacl.rdfutil.compare.compare_literal (copied: importing pySHACL costs most
    of a second)."""
    if l1.eq(l2):
        return 0
    if l1.value.__class__ in _FORCE_COMPARE_LITERAL_VALUE:
        if l1.value == l2.value:
            return 0
        elif l1.value > l2.value:
            return 1
    elif l1 > l2:
        return 1
    return -1


def node_string(v) -> str | None:
    """pySHACL's StringBasedConstraintBase.value_node_to_string for a key; None for a blank
    node."""
    if type(v) is str:
        return None if v.startswith("_:") else v
    if v.value is not None and v.datatype in (None, RDF_LANGSTRING, XSD_STRING_IRI):
        return str(v.value)
    return str(v)


def datatype_matches(v, rule) -> bool:
    """pySHACL's DatatypeConstraintComponent check of one value node."""
    if not isinstance(v, Literal):
        return False
    datatype = v.datatype
    language = v.language
    if datatype == rule:
        if getattr(v, "ill_typed", None) is True:
            return False
        return actual_datatype(v, rule)
    if rule == RDFS_LITERAL:
        return True
    if rule == RDFS_DATATYPE and datatype:
        return True
    if datatype is None and language is None and rule == XSD_STRING_IRI:
        return actual_datatype(v, rule)
    if rule == RDF_LANGSTRING and language:
        return actual_datatype(v, rule)
    return False


def is_lang_string(v) -> bool:
    """datatype_matches(v, rdf:langString), quicker: an rdflib literal with a language tag has
    no datatype and its lexical form as its value (a str)."""
    return isinstance(v, Literal) and bool(v.language)


def actual_datatype(v: Literal, rule) -> bool:
    value = v.value
    if rule == XSD_STRING_IRI or rule == RDF_LANGSTRING:
        return isinstance(value, (str, bytes))
    if rule == XSD_INTEGER:
        return isinstance(value, int)
    if rule == XSD_FLOAT:
        return isinstance(value, float)
    if rule == XSD_DECIMAL:
        from decimal import Decimal

        return isinstance(value, Decimal)
    if rule == XSD_BOOLEAN:
        return isinstance(value, bool)
    if rule == XSD_DATE:
        return isinstance(value, datetime.date)
    if rule == XSD_TIME:
        return isinstance(value, datetime.time)
    if rule == XSD_DATETIME:
        return isinstance(value, datetime.datetime)
    return True


def rdf_list(graph: rdflib.Graph, head: Node) -> list:
    """The members of a well-formed RDF list; Unsupported otherwise."""
    items, seen = [], set()
    while head != RDF.nil:
        if not isinstance(head, BNode) or head in seen:
            raise Unsupported("malformed RDF list")
        seen.add(head)
        firsts = list(graph.objects(head, RDF.first))
        rests = list(graph.objects(head, RDF.rest))
        if len(firsts) != 1 or len(rests) != 1:
            raise Unsupported("malformed RDF list")
        items.append(firsts[0])
        head = rests[0]
    return items


def single(graph: rdflib.Graph, node: Node, predicate: Node) -> Node:
    values = list(graph.objects(node, predicate))
    if len(values) != 1:
        raise Unsupported(f"{len(values)} values of {local_name(predicate)}")
    return values[0]


def count_parameter(graph: rdflib.Graph, node: Node, predicate: Node) -> int:
    value = single(graph, node, predicate)
    if not (isinstance(value, Literal) and value.datatype == XSD.integer
            and isinstance(value.value, int) and not isinstance(value.value, bool)
            and value.value >= 0):
        raise Unsupported(f"{local_name(predicate)} is not a non-negative xsd:integer")
    return value.value


# ------------------------------------------------------------------------------------ constraints


def unique(values) -> list:
    """Value nodes without repeats (the index keeps a triple given twice twice)."""
    return list(dict.fromkeys(values)) if len(values) > 1 else values


class Values:
    """The focus nodes of one evaluation of a shape and their value nodes.

    focus: the focus node keys (distinct); mapping: focus -> values for a property shape (the
    index's own map: a missing key means no value, one value is held bare, a list may repeat a
    value), None for a node shape (whose value node is the focus node itself); pairs():
    (focus, values) for the focus nodes with at least one value, the values a list or tuple."""

    __slots__ = ("_focus_set", "_pairs", "focus", "mapping")

    def __init__(self, focus: list, mapping: dict | None) -> None:
        self.focus = focus
        self.mapping = mapping
        self._pairs = None
        self._focus_set = None

    def focus_set(self) -> set:
        if self._focus_set is None:
            self._focus_set = set(self.focus)
        return self._focus_set

    def values_of(self, f):
        if self.mapping is None:
            return (f,)
        return listed(self.mapping.get(f))

    def pairs(self) -> list:
        if self._pairs is None:
            mapping = self.mapping
            if mapping is None:
                self._pairs = [(f, (f,)) for f in self.focus]
            elif not mapping:
                self._pairs = []
            elif len(mapping) < len(self.focus):
                focus = self.focus_set()
                self._pairs = [(f, vs if type(vs) is list else (vs,))
                               for f, vs in mapping.items() if f in focus]
            else:
                get = mapping.get
                self._pairs = [(f, vs if type(vs) is list else (vs,))
                               for f in self.focus if (vs := get(f)) is not None]
        return self._pairs

    def all_values(self) -> list:
        if self.mapping is None:
            return self.focus
        return list(dict.fromkeys(v for _, vs in self.pairs() for v in vs))


class Constraint:
    """One constraint component of a shape. evaluate() reports (into OUT, unless None: then
    only conformance is wanted) and adds the focus nodes that do not conform to FAILED."""

    component: URIRef = URIRef("urn:notimplemented")

    def evaluate(self, ev: Evaluator, shape: CompiledShape, values: Values, failed: set,
                 out: list | None) -> None:
        raise NotImplementedError


class MinCount(Constraint):
    component = SH.MinCountConstraintComponent

    def __init__(self, count: int) -> None:
        self.count = count

    def evaluate(self, ev, shape, values, failed, out):
        count = self.count
        if count == 0:
            return
        mapping = values.mapping
        if count == 1:
            missing = [f for f in values.focus if f not in mapping]
        else:
            get = mapping.get
            missing = [f for f in values.focus if len(unique(listed(get(f)))) < count]
        failed.update(missing)
        if out is not None:
            out.extend((shape, self, f, None, None, None) for f in missing)


class MaxCount(Constraint):
    component = SH.MaxCountConstraintComponent

    def __init__(self, count: int) -> None:
        self.count = count

    def evaluate(self, ev, shape, values, failed, out):
        count = self.count
        for f, vs in values.pairs():
            if len(vs) > count and len(unique(vs)) > count:
                failed.add(f)
                if out is not None:
                    out.append((shape, self, f, None, None, None))


class ValueCheck(Constraint):
    """A constraint that checks each value node on its own: check(value) -> bool."""

    cache = False  # remember the verdict per value node (by identity: the index shares them)

    def check(self, v) -> bool:
        raise NotImplementedError

    def evaluate(self, ev, shape, values, failed, out):
        check = self.check
        if self.cache:
            verdicts: dict = {}
            get = verdicts.get
            for f, vs in values.pairs():
                for v in vs:
                    ok = get(id(v))
                    if ok is None:
                        ok = verdicts[id(v)] = check(v)
                    if not ok:
                        failed.add(f)
                        if out is not None:
                            out.append((shape, self, f, v, None, None))
        else:
            for f, vs in values.pairs():
                for v in vs:
                    if not check(v):
                        failed.add(f)
                        if out is not None:
                            out.append((shape, self, f, v, None, None))


class Datatype(ValueCheck):
    component = SH.DatatypeConstraintComponent

    def __init__(self, rule: Node) -> None:
        self.rule = rule
        # Strings are mostly distinct (no use remembering them); numbers and dates repeat.
        self.cache = rule not in (RDF_LANGSTRING, XSD_STRING_IRI)
        if rule == RDF_LANGSTRING:
            self.check = is_lang_string

    def check(self, v) -> bool:
        return datatype_matches(v, self.rule)


class NodeKind(ValueCheck):
    component = SH.NodeKindConstraintComponent

    def __init__(self, rule: Node) -> None:
        self.kinds = NODE_KINDS.get(rule, "")

    def evaluate(self, ev, shape, values, failed, out):
        kinds = self.kinds
        iri, blank, literal = "I" in kinds, "B" in kinds, "L" in kinds
        for f, vs in values.pairs():
            for v in vs:
                if type(v) is str:
                    if (blank if v.startswith("_:") else iri):
                        continue
                elif literal:
                    continue
                failed.add(f)
                if out is not None:
                    out.append((shape, self, f, v, None, None))


class Pattern(Constraint):
    component = SH.PatternConstraintComponent

    def __init__(self, patterns: list) -> None:
        self.patterns = patterns  # compiled regular expressions, one check each

    def evaluate(self, ev, shape, values, failed, out):
        for pattern in self.patterns:
            search = pattern.search
            for f, vs in values.pairs():
                for v in vs:
                    text = v if type(v) is str and not v.startswith("_:") else node_string(v)
                    if text is None or not search(text):
                        failed.add(f)
                        if out is not None:
                            out.append((shape, self, f, v, None, None))


class In(ValueCheck):
    component = SH.InConstraintComponent

    def __init__(self, members: list) -> None:
        self.members = frozenset(term_key(m) for m in members)

    def check(self, v) -> bool:
        return v in self.members


class HasValue(Constraint):
    component = SH.HasValueConstraintComponent

    def __init__(self, values: list) -> None:
        self.values = [term_key(v) for v in values]

    def evaluate(self, ev, shape, values, failed, out):
        for wanted in self.values:
            for f in values.focus:
                if wanted not in values.values_of(f):
                    failed.add(f)
                    if out is not None:
                        out.append((shape, self, f, None, None, None))


class Class(Constraint):
    component = SH.ClassConstraintComponent

    def __init__(self, classes: list) -> None:
        self.classes = [term_key(c) for c in classes]

    def evaluate(self, ev, shape, values, failed, out):
        types = ev.index.sp.get(RDF_TYPE, {})
        for cls in self.classes:
            accepted = ev.index.sub_classes(cls)
            verdicts: dict = {}
            for f, vs in values.pairs():
                for v in vs:
                    ok = verdicts.get(v) if type(v) is str else False
                    if ok is None:
                        ok = verdicts[v] = any(t in accepted for t in listed(types.get(v)))
                    if not ok:
                        failed.add(f)
                        if out is not None:
                            out.append((shape, self, f, v, None, None))


class Closed(Constraint):
    component = SH.ClosedConstraintComponent

    def __init__(self, closed: bool, allowed: set) -> None:
        self.closed = closed
        self.allowed = allowed  # ignored properties and the paths of the property shapes

    def evaluate(self, ev, shape, values, failed, out):
        if not self.closed:
            return
        if values.mapping is None:
            focus_of = None
            nodes = values.focus_set()
        else:
            focus_of = {}
            for f, vs in values.pairs():
                for v in vs:
                    focus_of.setdefault(v, []).append(f)
            nodes = focus_of.keys()
        for predicate, mapping in ev.index.sp.items():
            if predicate in self.allowed or not mapping:
                continue
            if len(nodes) <= len(mapping):
                hits = [v for v in nodes if v in mapping]
            elif focus_of is None:
                hits = nodes.intersection(mapping)
            else:
                hits = [v for v in mapping if v in focus_of]
            if not hits:
                continue
            path = URIRef(predicate)
            for v in hits:
                for o in unique(listed(mapping[v])):
                    if predicate == RDF_TYPE and o == RDFS_RESOURCE:
                        continue
                    for f in (v,) if focus_of is None else focus_of[v]:
                        failed.add(f)
                        if out is not None:
                            out.append((shape, self, f, o, path, None))


RANGE_PASSES = {
    "minExclusive": lambda c: c > 0, "minInclusive": lambda c: c >= 0,
    "maxExclusive": lambda c: c < 0, "maxInclusive": lambda c: c <= 0,
}


class Range(ValueCheck):
    """sh:minExclusive, sh:minInclusive, sh:maxExclusive, sh:maxInclusive with one bound."""

    cache = True

    def __init__(self, kind: str, bound: Literal) -> None:
        self.kind = kind
        self.component = SH[kind[0].upper() + kind[1:] + "ConstraintComponent"]
        self.bound = bound
        self.passes = RANGE_PASSES[kind]

    def check(self, v) -> bool:
        if not isinstance(v, Literal):
            return False
        bound_is_string = isinstance(self.bound.value, str)
        v_is_string = isinstance(v.value, str)
        if bound_is_string != v_is_string:
            return False
        try:
            return self.passes(compare_literal(v, self.bound))
        except (TypeError, NotImplementedError):
            return False


class Length(ValueCheck):
    """sh:minLength or sh:maxLength."""

    def __init__(self, kind: str, length: int) -> None:
        self.kind = kind
        self.length = length
        name = kind[0].upper() + kind[1:]
        self.component = SH[name + "ConstraintComponent"]

    def check(self, v) -> bool:
        if self.kind == "minLength" and self.length == 0:
            return True
        text = node_string(v)
        if text is None:
            return False
        return len(text) >= self.length if self.kind == "minLength" else len(text) <= self.length


class LanguageIn(ValueCheck):
    component = SH.LanguageInConstraintComponent

    def __init__(self, languages: set) -> None:
        self.languages = languages
        self.wildcard = "*" in languages

    def check(self, v) -> bool:
        if not isinstance(v, Literal) or not v.language:
            return False
        language = str(v.language)
        if self.wildcard or language.lower() in self.languages:
            return True
        return language.split("-")[0].lower() in self.languages


class UniqueLang(Constraint):
    component = SH.UniqueLangConstraintComponent

    def __init__(self, unique: bool) -> None:
        self.unique = unique

    def evaluate(self, ev, shape, values, failed, out):
        if not self.unique:
            return
        for f, vs in values.pairs():
            if len(vs) < 2:
                continue
            seen, duplicates = set(), set()
            for v in unique(vs):
                if isinstance(v, Literal) and v.language:
                    language = str(v.language).lower()
                    if language in seen:
                        duplicates.add(language)
                    seen.add(language)
            for _ in duplicates:
                failed.add(f)
                if out is not None:
                    out.append((shape, self, f, None, None, None))


class Property(Constraint):
    component = SH.PropertyConstraintComponent

    def __init__(self, shapes: list) -> None:
        self.shapes = shapes

    def evaluate(self, ev, shape, values, failed, out):
        nodes = values.all_values()
        if not nodes:
            return
        shared = self.shared(values) if out is not None else {}
        for child in self.shapes:
            if shared:
                # A value node of several focus nodes is validated once for each (SHACL reports
                # its results each time): once alone, its results repeated.
                child_failed = ev.evaluate(child, [v for v in nodes if v not in shared], out)
                for v, times in shared.items():
                    own: list = []
                    child_failed |= ev.evaluate(child, [v], own)
                    out.extend(own * times)
            else:
                child_failed = ev.evaluate(child, nodes, out)
            if not child_failed:
                continue
            if values.mapping is None:
                failed.update(child_failed)
            else:
                for f, vs in values.pairs():
                    if any(v in child_failed for v in vs):
                        failed.add(f)


    @staticmethod
    def shared(values: Values) -> dict:
        """{value node: number of focus nodes} for the values of more than one focus node."""
        if values.mapping is None:
            return {}
        seen: dict = {}
        for _, vs in values.pairs():
            for v in unique(vs):
                seen[v] = seen.get(v, 0) + 1
        return {v: n for v, n in seen.items() if n > 1}


class Qualified(Constraint):
    component = SH.QualifiedValueShapeConstraintComponent

    def __init__(self, value_shapes: list, minimum: int | None, maximum: int | None,
                 siblings: dict) -> None:
        self.value_shapes = value_shapes
        self.minimum = minimum
        self.maximum = maximum
        self.siblings = siblings  # value shape -> its sibling shapes (when disjoint)

    def evaluate(self, ev, shape, values, failed, out):
        nodes = values.all_values()
        for value_shape in self.value_shapes:
            not_conforming = ev.evaluate(value_shape, nodes, None) if nodes else set()
            siblings = [ev.evaluate(s, nodes, None) for s in self.siblings.get(value_shape, ())]
            for f in values.focus:
                count = 0
                for v in unique(values.values_of(f)):
                    if v in not_conforming:
                        continue
                    if any(v not in sibling_failed for sibling_failed in siblings):
                        continue  # conforms to a sibling shape too
                    count += 1
                for limit, too_many, component in (
                    (self.maximum, True, SH.QualifiedMaxCountConstraintComponent),
                    (self.minimum, False, SH.QualifiedMinCountConstraintComponent),
                ):
                    if limit is None or (count <= limit if too_many else count >= limit):
                        continue
                    failed.add(f)
                    if out is not None:
                        out.append((shape, self, f, None, None, component))


# ------------------------------------------------------------------------------------ shapes


@dataclass(eq=False)
class CompiledShape:
    node: Node
    is_property: bool
    path: Node | None  # the sh:path node (rdflib), for property shapes
    predicate: str | None  # the path's predicate IRI
    inverse: bool
    severity: str
    messages: tuple
    deactivated: bool
    constraints: list = field(default_factory=list)


@dataclass(eq=False)
class Root:
    """A shape with targets, evaluated by this engine."""

    shape: CompiledShape
    classes: list  # rdflib terms
    nodes: list
    subjects_of: list
    objects_of: list


@dataclass
class Plan:
    """Which shapes this engine evaluates and which go to pySHACL."""

    roots: list[Root]
    sparql: list[SparqlConstraint]
    fallback: rdflib.Graph | None  # the shapes graph for pySHACL, None if nothing goes there
    fallback_shapes: dict  # root shape -> why it goes to pySHACL


class Compiler:
    """Reads the shapes graph the way pySHACL does (ShapesGraph._build_node_shape_cache)."""

    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph
        self.compiled: dict = {}
        self.failed: dict = {}
        self.shapes: dict = {}  # shape node -> path node or None (node shape)
        self._classes: set | None = None

    def global_problem(self) -> str | None:
        """A reason to give every shape to pySHACL: shapes pySHACL refuses to load (it raises,
        and so must `ecgkg validate`), or custom constraint components."""
        g = self.graph
        if (None, SH.parameter, None) in g or (None, RDF.type, SH.ConstraintComponent) in g:
            return "custom constraint components"
        node_shapes = set(g.subjects(RDF.type, SH.NodeShape))
        property_shapes = set(g.subjects(RDF.type, SH.PropertyShape))
        for s in node_shapes:
            if (s, SH.path, None) in g:
                return "a node shape with sh:path"
            self.shapes[s] = None
        for s in property_shapes:
            paths = list(g.objects(s, SH.path))
            if s in node_shapes or len(paths) != 1:
                return "a property shape without exactly one sh:path"
            self.shapes[s] = paths[0]
        implied = set()
        for predicate in (*TARGET_PREDICATES, SH.property, SH.node):
            implied.update(g.subjects(predicate, None))
        for predicate in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
            implied.update(g.objects(None, predicate))
        for predicate in (SH["and"], SH["or"], SH.xone):
            for head in g.objects(None, predicate):
                try:
                    members = rdf_list(g, head)
                except Unsupported:
                    return "a malformed shape list"
                if not members:
                    return "an empty shape list"
                implied.update(members)
        for s in implied:
            if s in self.shapes:
                continue
            paths = list(g.objects(s, SH.path))
            if len(paths) > 1:
                return "a shape with more than one sh:path"
            self.shapes[s] = paths[0] if paths else None
        for s in self.shapes:
            deactivated = list(g.objects(s, SH.deactivated))
            if len(deactivated) > 1 or any(not isinstance(d, Literal) for d in deactivated):
                return "a malformed sh:deactivated"
        return None

    def implicit_class(self, node: Node) -> bool:
        """Whether NODE is a class, and so targets its own instances (pySHACL counts the
        direct subclasses of rdfs:Class, owl:Class among them)."""
        g = self.graph
        if self._classes is None:
            self._classes = set(g.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class, OWL.Class}
        return any(t in self._classes for t in g.objects(node, RDF.type))

    def roots(self) -> list[Node]:
        g = self.graph
        return sorted(
            (s for s in self.shapes
             if any((s, p, None) in g for p in TARGET_PREDICATES) or self.implicit_class(s)),
            key=lambda s: (isinstance(s, BNode), str(s)),
        )

    def shape(self, node: Node, stack: tuple = ()) -> CompiledShape:
        if stack and (node, SH.sparql, None) in self.graph:
            # pySHACL runs it for each value node of the shape using it: not a whole-graph query
            raise Unsupported("a SPARQL constraint on a shape used through another shape")
        if node in self.failed:
            raise Unsupported(self.failed[node])
        if node in stack:
            raise Unsupported("recursive shapes")
        found = self.compiled.get(node)
        if found is None:
            try:
                found = self._compile(node, stack + (node,))
            except Unsupported as error:
                self.failed[node] = str(error)
                raise
            self.compiled[node] = found
        return found

    def _compile(self, node: Node, stack: tuple) -> CompiledShape:
        g = self.graph
        if node not in self.shapes:
            raise Unsupported(f"{node} is not a shape")
        path = self.shapes[node]
        is_property = path is not None
        predicate, inverse = None, False
        if is_property:
            if isinstance(path, URIRef):
                predicate = str(path)
            elif isinstance(path, BNode):
                inverses = list(g.objects(path, SH.inversePath))
                if (len(inverses) != 1 or not isinstance(inverses[0], URIRef)
                        or (path, RDF.first, None) in g):
                    raise Unsupported("a path other than a predicate or its inverse")
                predicate, inverse = str(inverses[0]), True
            else:
                raise Unsupported("a literal path")
        severities = list(g.objects(node, SH.severity))
        if len(severities) > 1:
            raise Unsupported("several severities")
        messages = tuple(g.objects(node, SH.message))
        if any(not isinstance(m, Literal) for m in messages):
            raise Unsupported("a message that is not a literal")
        deactivated = list(g.objects(node, SH.deactivated))
        shape = CompiledShape(
            node=node, is_property=is_property, path=path, predicate=predicate, inverse=inverse,
            severity=severity_name(severities[0]) if severities else "Violation",
            messages=messages, deactivated=bool(deactivated and deactivated[0].value),
        )
        parameters = {p for p in g.predicates(node, None) if p in PYSHACL_PARAMETERS}
        unsupported = parameters & UNSUPPORTED_PARAMETERS
        if unsupported:
            raise Unsupported("uses " + ", ".join(sorted(f"sh:{local_name(p)}" for p in unsupported)))
        if SH.sparql in parameters and is_property:
            raise Unsupported("a SPARQL constraint on a property shape")
        shape.constraints = self._constraints(node, shape, parameters, stack)
        return shape

    def _constraints(self, node: Node, shape: CompiledShape, parameters: set, stack: tuple) -> list:
        g = self.graph
        constraints: list = []
        if SH.minCount in parameters:
            if not shape.is_property:
                raise Unsupported("sh:minCount on a node shape")
            constraints.append(MinCount(count_parameter(g, node, SH.minCount)))
        if SH.maxCount in parameters:
            if not shape.is_property:
                raise Unsupported("sh:maxCount on a node shape")
            constraints.append(MaxCount(count_parameter(g, node, SH.maxCount)))
        if SH.datatype in parameters:
            constraints.append(Datatype(single(g, node, SH.datatype)))
        if SH.nodeKind in parameters:
            constraints.append(NodeKind(single(g, node, SH.nodeKind)))
        if SH.pattern in parameters:
            constraints.append(Pattern(self._patterns(node)))
        if SH["in"] in parameters:
            constraints.append(In(rdf_list(g, single(g, node, SH["in"]))))
        if SH.hasValue in parameters:
            constraints.append(HasValue(list(g.objects(node, SH.hasValue))))
        if SH["class"] in parameters:
            constraints.append(Class(list(g.objects(node, SH["class"]))))
        if SH.closed in parameters or SH.ignoredProperties in parameters:
            constraints.append(self._closed(node))
        for kind in ("minExclusive", "minInclusive", "maxExclusive", "maxInclusive"):
            if SH[kind] in parameters:
                for bound in g.objects(node, SH[kind]):
                    if not isinstance(bound, Literal):
                        raise Unsupported(f"sh:{kind} is not a literal")
                    constraints.append(Range(kind, bound))
        for kind in ("minLength", "maxLength"):
            if SH[kind] in parameters:
                constraints.append(Length(kind, count_parameter(g, node, SH[kind])))
        if SH.languageIn in parameters:
            languages = set()
            for item in rdf_list(g, single(g, node, SH.languageIn)):
                if not isinstance(item, Literal) or not isinstance(item.value, str):
                    raise Unsupported("sh:languageIn with a member that is not a string")
                languages.add(str(item.value).lower())
            constraints.append(LanguageIn(languages))
        if SH.uniqueLang in parameters:
            if not shape.is_property:
                raise Unsupported("sh:uniqueLang on a node shape")
            unique = single(g, node, SH.uniqueLang)
            if not isinstance(unique, Literal) or not isinstance(unique.value, bool):
                raise Unsupported("sh:uniqueLang is not a boolean")
            # SHACL activates it with true only: "1"^^xsd:boolean is another literal
            constraints.append(UniqueLang(str(unique) == "true"))
        if SH.property in parameters:
            children = []
            for child in sorted(g.objects(node, SH.property), key=str):
                if self.shapes.get(child, None) is None:
                    raise Unsupported("sh:property names a shape without a path")
                children.append(self.shape(child, stack))
            constraints.append(Property(children))
        qualified = {SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
                     SH.qualifiedValueShapesDisjoint}
        if parameters & qualified:
            constraints.append(self._qualified(node, shape, stack))
        return constraints

    def _patterns(self, node: Node) -> list:
        g = self.graph
        flags = list(g.objects(node, SH.flags))
        if len(flags) > 1 or any(not isinstance(f, Literal) for f in flags):
            raise Unsupported("sh:flags")
        re_flags = 0
        if flags:
            text = str(flags[0].value).lower()
            if "i" in text:
                re_flags |= re.IGNORECASE
            if "m" in text:
                re_flags |= re.MULTILINE
        compiled = []
        for pattern in g.objects(node, SH.pattern):
            if not isinstance(pattern, Literal) or not isinstance(pattern.value, str):
                raise Unsupported("sh:pattern is not a string")
            source = str(pattern.value) if len(pattern.value) > 1 else str(pattern)
            try:
                compiled.append(re.compile(source, re_flags))
            except re.error as error:
                raise Unsupported(f"sh:pattern does not compile: {error}") from None
        return compiled

    def _closed(self, node: Node) -> Closed:
        g = self.graph
        closed = single(g, node, SH.closed)
        if not isinstance(closed, Literal):
            raise Unsupported("sh:closed is not a literal")
        allowed = set()
        for head in g.objects(node, SH.ignoredProperties):
            allowed.update(term_key(item) for item in rdf_list(g, head))
        for child in g.objects(node, SH.property):
            path = self.shapes.get(child)
            if path is None:
                raise Unsupported("sh:property names a shape without a path")
            if isinstance(path, URIRef):
                allowed.add(str(path))
        return Closed(bool(closed.value), allowed)

    def _qualified(self, node: Node, shape: CompiledShape, stack: tuple) -> Qualified:
        g = self.graph
        if not shape.is_property:
            raise Unsupported("sh:qualifiedValueShape on a node shape")
        value_nodes = list(g.objects(node, SH.qualifiedValueShape))
        if not value_nodes:
            raise Unsupported("sh:qualifiedMinCount without sh:qualifiedValueShape")
        limits = []
        for predicate in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
            values = list(g.objects(node, predicate))
            if len(values) > 1:
                raise Unsupported(f"several sh:{local_name(predicate)}")
            if values and not (isinstance(values[0], Literal) and isinstance(values[0].value, int)):
                raise Unsupported(f"sh:{local_name(predicate)} is not an integer")
            limits.append(values[0].value if values else None)
        if limits == [None, None]:
            raise Unsupported("sh:qualifiedValueShape without counts")
        disjoint = any(isinstance(d, Literal) and isinstance(d.value, bool) and d.value
                       for d in g.objects(node, SH.qualifiedValueShapesDisjoint))
        value_shapes, siblings = [], {}
        for value_node in sorted(value_nodes, key=str):
            if value_node not in self.shapes:
                raise Unsupported("sh:qualifiedValueShape names no shape")
            value_shape = self.shape(value_node, stack)
            value_shapes.append(value_shape)
            if disjoint:
                found = set()
                for parent in g.subjects(SH.property, node):
                    for sibling_holder in g.objects(parent, SH.property):
                        for sibling in g.objects(sibling_holder, SH.qualifiedValueShape):
                            if sibling != value_node and sibling in self.shapes:
                                found.add(sibling)
                siblings[value_shape] = [self.shape(s, stack) for s in sorted(found, key=str)]
        return Qualified(value_shapes, limits[0], limits[1], siblings)

    def root(self, node: Node) -> tuple[Root, list[SparqlConstraint]]:
        g = self.graph
        shape = self.shape(node)
        classes = list(g.objects(node, SH.targetClass))
        if self.implicit_class(node):
            classes.append(node)
        root = Root(shape, classes, list(g.objects(node, SH.targetNode)),
                    list(g.objects(node, SH.targetSubjectsOf)),
                    list(g.objects(node, SH.targetObjectsOf)))
        sparql: list = []
        if (node, SH.sparql, None) in g and not shape.deactivated:
            targets = target_pattern(root.classes, root.nodes, root.subjects_of, root.objects_of)
            compiled = compile_sparql(g, node, targets, shape.severity, shape.messages)
            if compiled is None:
                raise Unsupported("a SPARQL constraint that cannot run over the whole graph")
            sparql = compiled
        return root, sparql


def plan(graph: rdflib.Graph) -> Plan:
    """Split the shapes between this engine and pySHACL."""
    compiler = Compiler(graph)
    problem = compiler.global_problem()
    if problem is not None:
        return Plan([], [], graph, {None: problem})
    roots, sparql, fallback = [], [], {}
    for node in compiler.roots():
        try:
            root, constraints = compiler.root(node)
        except Unsupported as error:
            fallback[node] = str(error)
            continue
        roots.append(root)
        sparql.extend(constraints)
    if not fallback:
        return Plan(roots, sparql, None, {})
    # pySHACL evaluates the shapes with targets: take the targets off the shapes evaluated here
    # (a shape that is a class itself keeps its implicit target, so it goes to pySHACL too).
    kept = []
    for root in roots:
        if compiler.implicit_class(root.shape.node):
            fallback[root.shape.node] = "an implicit class target next to shapes for pySHACL"
        else:
            kept.append(root)
    fast_nodes = {root.shape.node for root in kept}
    reduced = rdflib.Graph(bind_namespaces="none")
    for triple in graph:
        if triple[0] in fast_nodes and triple[1] in TARGET_PREDICATES:
            continue
        reduced.add(triple)
    return Plan(kept, [c for c in sparql if c.shape in fast_nodes], reduced, fallback)


# ------------------------------------------------------------------------------------ evaluation


class Evaluator:
    """Evaluates compiled shapes over an Index."""

    def __init__(self, index: Index, shapes_graph: rdflib.Graph) -> None:
        self.index = index
        self.shapes_graph = shapes_graph

    def focus_nodes(self, root: Root) -> list:
        index = self.index
        found: dict = {}
        for node in root.nodes:
            found[term_key(node)] = None
        for cls in root.classes:
            found.update(dict.fromkeys(index.instances(term_key(cls))))
        for predicate in root.subjects_of:
            found.update(dict.fromkeys(index.sp.get(term_key(predicate), EMPTY)))
        for predicate in root.objects_of:
            found.update(dict.fromkeys(index.op(term_key(predicate))))
        return list(found)

    def evaluate(self, shape: CompiledShape, focus: list, out: list | None) -> set:
        """Evaluate SHAPE for the FOCUS keys: the focus nodes that do not conform; results go to
        OUT (None: conformance only)."""
        if shape.deactivated or not focus:
            return set()
        if shape.is_property:
            index = self.index
            mapping = index.op(shape.predicate) if shape.inverse else index.sp.get(shape.predicate, {})
        else:
            mapping = None
        values = Values(focus, mapping)
        failed: set = set()
        for constraint in shape.constraints:
            constraint.evaluate(self, shape, values, failed, out)
        return failed

    def run(self, roots: list[Root]) -> list:
        out: list = []
        for root in roots:
            if root.shape.deactivated or not root.shape.constraints:
                continue
            self.evaluate(root.shape, self.focus_nodes(root), out)
        return out

    # ---- results

    def results(self, raw: list) -> list[tuple]:
        """(severity, focus, path node, value, message, shape, component) per raw result."""
        iris = self.index.convert.iris
        found = []
        for shape, constraint, f, v, path, component in raw:
            focus = key_term(f, iris)
            value = key_term(v, iris) if v is not None else None
            if path is None and shape.is_property:
                path = shape.path
            if shape.messages:
                message = choose_message(shape.messages)
            else:
                message = result_message(
                    self.shapes_graph, shape.node, component or constraint.component, focus,
                    path_text(self.shapes_graph, path), value)
            found.append((shape.severity, focus, path, value, message, shape.node,
                          component or constraint.component))
        return found
