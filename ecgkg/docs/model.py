"""The ontology and shapes pages of the site: every class and property, and what shapes require.

Own pages rather than pyLODE's: pyLODE documents an ontology alone and cannot say which SHACL
shapes constrain a term; here each term links to its shapes and each shape back to its terms.
Read with rdflib, which walks RDF lists and SHACL paths directly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from ecgkg.docs.html import Anchors, iri_link, table, term_html, text
from ecgkg.errors import EcgkgError
from ecgkg.namespaces import ECG
from ecgkg.results import compact_iri
from ecgkg.sources import display_path, rdf_files

ONTOLOGY_PAGE = "ontology.html"
SHAPES_PAGE = "shapes.html"
USAGE_NOTE = rdflib.URIRef(ECG + "usageNote")
KINDS = ((OWL.Class, "class"), (RDFS.Class, "class"), (OWL.ObjectProperty, "object property"),
         (OWL.DatatypeProperty, "datatype property"),
         (OWL.AnnotationProperty, "annotation property"), (RDF.Property, "property"))
ALIGNMENT = ((RDFS.subClassOf, "subclass of"), (RDFS.subPropertyOf, "subproperty of"),
             (OWL.equivalentClass, "equivalent class"),
             (OWL.equivalentProperty, "equivalent property"), (OWL.inverseOf, "inverse of"),
             (SKOS.exactMatch, "exact match"), (SKOS.closeMatch, "close match"),
             (RDFS.isDefinedBy, "defined by"))
# Constraints with a column of their own in the shapes tables; the rest go to "other".
COLUMNS = (SH.path, SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.pattern,
           SH.severity, SH.message)
NOT_CONSTRAINTS = {RDF.type, RDFS.label, SH.description, SH.name, SH.property, SH.targetClass,
                   SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.order, SH.group}


def read_graph(folder: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in rdf_files([folder]):
        try:
            graph.parse(path)
        except Exception as error:  # rdflib raises many kinds; the file is what matters
            raise EcgkgError(f"{display_path(path)}: cannot read: "
                             f"{' '.join(str(error).split())[:200]}") from None
    return graph


def ox_term(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the pyoxigraph term the markup helpers show."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or
                                                           "http://www.w3.org/2001/XMLSchema#string")))


def english(graph: rdflib.Graph, subject, predicate) -> list[str]:
    """The values of a text property, English (or untagged) first."""
    values = list(graph.objects(subject, predicate))
    values.sort(key=lambda v: (getattr(v, "language", None) not in (None, "en"), str(v)))
    return [str(v) for v in values]


def path_text(graph: rdflib.Graph, path) -> tuple[str, list[str]]:
    """A SHACL path as text (p, ^p, p/q, p|q, p*) and the property IRIs it mentions."""
    if isinstance(path, rdflib.URIRef):
        return compact_iri(str(path)), [str(path)]
    if (path, RDF.first, None) in graph:
        parts = [path_text(graph, p) for p in Collection(graph, path)]
        return "/".join(p for p, _ in parts), [i for _, iris in parts for i in iris]
    for predicate, form in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"),
                            (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            shown, iris = path_text(graph, inner)
            return form.format(shown), iris
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        parts = [path_text(graph, p) for p in Collection(graph, alternatives)]
        return "(" + "|".join(p for p, _ in parts) + ")", [i for _, iris in parts for i in iris]
    return "_:" + str(path), []


def value_html(graph: rdflib.Graph, value, anchors: Anchors, depth: int = 0) -> str:
    """A value of the ontology or shapes: RDF lists and owl:unionOf as their members, other
    blank nodes as their statements in brackets."""
    if isinstance(value, rdflib.BNode):
        if (value, RDF.first, None) in graph:
            return ", ".join(value_html(graph, v, anchors, depth + 1)
                             for v in Collection(graph, value))
        union = graph.value(value, OWL.unionOf)
        if union is not None:
            return " or ".join(value_html(graph, v, anchors)
                               for v in Collection(graph, union))
        described = sorted(graph.predicate_objects(value), key=str)
        if described and depth < 4:  # a nested shape or restriction: its statements, inline
            inner = "; ".join(f"{text(compact_iri(str(p)))} {value_html(graph, v, anchors, depth + 1)}"
                              for p, v in described)
            return f"[ {inner} ]"
    return term_html(ox_term(value), anchors)


# ---------------------------------------------------------------------------- shapes


@dataclass
class PropertyShape:
    node: object
    anchor: str
    path: str
    mentions: list[str]


@dataclass
class NodeShape:
    node: object
    anchor: str
    label: str
    targets: list[str]
    properties: list[PropertyShape] = field(default_factory=list)


class Model:
    """The ontology's terms and the shapes, with the anchors they are documented at."""

    def __init__(self, ontology: rdflib.Graph, shapes: rdflib.Graph) -> None:
        self.ontology = ontology
        self.shapes = shapes
        self.terms: dict[str, str] = {}  # IRI -> kind, declared terms
        for rdf_type, kind in KINDS:
            for subject in ontology.subjects(RDF.type, rdf_type):
                if isinstance(subject, rdflib.URIRef):
                    self.terms.setdefault(str(subject), kind)
        # Terms of other vocabularies the ontology says how to use, without declaring them.
        self.reused = sorted({str(s) for p in (USAGE_NOTE, RDFS.isDefinedBy)
                              for s in ontology.subjects(p, None)
                              if isinstance(s, rdflib.URIRef) and str(s) not in self.terms
                              and (s, RDF.type, OWL.Ontology) not in ontology})
        self.node_shapes: list[NodeShape] = []
        self.constrained_by: dict[str, list[str]] = defaultdict(list)  # term -> shape keys

    def allocate(self, anchors: Anchors) -> None:
        for iri in sorted(self.terms, key=compact_iri) + self.reused:
            anchors.anchor(iri, ONTOLOGY_PAGE, compact_iri(iri).replace(":", "-"))
        shapes = sorted({s for s in self.shapes.subjects(RDF.type, SH.NodeShape)} |
                        {s for s in self.shapes.subjects(SH.targetClass, None)},
                        key=lambda s: str(s))
        for shape in shapes:
            key = f"shape:{shape}"
            label = (english(self.shapes, shape, RDFS.label) or [compact_iri(str(shape))])[0]
            anchor = anchors.anchor(key, SHAPES_PAGE, compact_iri(str(shape)).replace(":", "-"))
            targets = sorted(str(t) for t in self.shapes.objects(shape, SH.targetClass))
            node = NodeShape(shape, anchor, label, targets)
            for target in targets:
                self.constrained_by[target].append(key)
            for predicate in (SH.targetSubjectsOf, SH.targetObjectsOf):
                for target in self.shapes.objects(shape, predicate):
                    self.constrained_by[str(target)].append(key)
            members = sorted(self.shapes.objects(shape, SH.property),
                             key=lambda p: (str(self.shapes.value(p, SH.path)), str(p)))
            for member in members:
                shown, mentions = path_text(self.shapes, self.shapes.value(member, SH.path))
                member_key = f"shape:{shape}:{member}"
                member_anchor = anchors.anchor(member_key, SHAPES_PAGE,
                                               f"{anchor}-{shown.replace(':', '-')}")
                node.properties.append(PropertyShape(member, member_anchor, shown, mentions))
                for iri in mentions:
                    if member_key not in self.constrained_by[iri]:
                        self.constrained_by[iri].append(member_key)
            self.node_shapes.append(node)

    # ---- ontology page

    def ontology_page(self, anchors: Anchors) -> str:
        graph = self.ontology
        title = next((english(graph, s, RDFS.label) or english(graph, s, SKOS.prefLabel)
                      for s in graph.subjects(RDF.type, OWL.Ontology)), None)
        described = [d for s in graph.subjects(RDF.type, OWL.Ontology)
                     for d in english(graph, s, rdflib.URIRef("http://purl.org/dc/terms/description"))]
        classes = sorted((i for i, k in self.terms.items() if k == "class"), key=compact_iri)
        properties = sorted((i for i, k in self.terms.items() if k != "class"), key=compact_iri)
        parts = [f"<p>{text(d)}</p>" for d in described[:1]]
        if title:
            parts.insert(0, f"<p><strong>{text(title[0])}</strong></p>")
        parts.append(f"<p>{len(classes)} classes, {len(properties)} properties, and "
                     f"{len(self.reused)} terms reused from other vocabularies with a note on "
                     f"their use here. Each lists the shapes that constrain it.</p>")
        for heading, iris in (("Classes", classes), ("Properties", properties),
                              ("Reused terms", self.reused)):
            index = ", ".join(iri_link(i, anchors) for i in iris)
            parts.append(f"<h2>{heading}</h2><p>{index}</p>")
            parts.extend(self._term(iri, anchors) for iri in iris)
        return "\n".join(parts)

    def _term(self, iri: str, anchors: Anchors) -> str:
        graph, subject = self.ontology, rdflib.URIRef(iri)
        anchor = anchors.href(iri).split("#", 1)[1]
        label = (english(graph, subject, RDFS.label) or english(graph, subject, SKOS.prefLabel)
                 or [compact_iri(iri)])[0]
        kind = self.terms.get(iri, "reused term")
        rows = [["IRI", f"<code>{text(iri)}</code>"], ["kind", text(kind)]]
        for predicate, name in ((SKOS.definition, "definition"), (RDFS.comment, "comment"),
                                (USAGE_NOTE, "usage note"), (SKOS.scopeNote, "scope note")):
            for value in english(graph, subject, predicate):
                rows.append([name, text(value)])
        for predicate, name in ALIGNMENT + ((RDFS.domain, "domain"), (RDFS.range, "range")):
            values = sorted(graph.objects(subject, predicate), key=str)
            if values:
                rows.append([name, ", ".join(value_html(graph, v, anchors) for v in values)])
        narrower = sorted((str(s) for s in graph.subjects(RDFS.subClassOf, subject)
                           if isinstance(s, rdflib.URIRef)), key=compact_iri)
        if narrower:
            rows.append(["subclasses", ", ".join(iri_link(s, anchors) for s in narrower)])
        shapes = self.constrained_by.get(iri, [])
        rows.append(["constrained by", ", ".join(
            f'<a href="{anchors.href(key)}">{text(self._shape_name(key))}</a>'
            for key in shapes) or '<span class="note">no shape</span>'])
        cells = "".join(f"<tr><th>{text(k)}</th><td>{v}</td></tr>" for k, v in rows)
        return (f'<section id="{anchor}"><h3>{text(label)} <code>{text(compact_iri(iri))}'
                f"</code></h3><table>{cells}</table></section>")

    def _shape_name(self, key: str) -> str:
        for node in self.node_shapes:
            if key == f"shape:{node.node}":
                return compact_iri(str(node.node))
            for member in node.properties:
                if key == f"shape:{node.node}:{member.node}":
                    return f"{compact_iri(str(node.node))} {member.path}"
        return key

    # ---- shapes page

    def shapes_page(self, anchors: Anchors) -> str:
        by_target: dict[str, list[NodeShape]] = defaultdict(list)
        for node in self.node_shapes:
            for target in node.targets or [""]:
                by_target[target].append(node)
        order = sorted((t for t in by_target if t), key=compact_iri) + \
            ([""] if "" in by_target else [])
        parts = [f"<p>What the SHACL shapes of shapes/ require, by the class they target: "
                 f"{len(self.node_shapes)} node shapes. A violation makes "
                 f"<code>ecgkg validate</code> fail; warnings and infos are reported.</p>",
                 "<p>" + ", ".join(iri_link(t, anchors) if t else "shapes without a target "
                                   "class" for t in order) + "</p>"]
        shown: set[object] = set()
        for target in order:
            heading = (f"Class {iri_link(target, anchors)}" if target
                       else "Shapes without a target class")
            parts.append(f"<h2>{heading}</h2>")
            for node in by_target[target]:
                if node.node in shown:  # a shape targeting two classes: once, linked later
                    parts.append(f'<p>Also: <a href="#{node.anchor}">'
                                 f"{text(node.label)}</a></p>")
                    continue
                shown.add(node.node)
                parts.append(self._node(node, anchors))
        return "\n".join(parts)

    def _node(self, node: NodeShape, anchors: Anchors) -> str:
        graph = self.shapes
        rows = [["shape", f"<code>{text(compact_iri(str(node.node)))}</code>"]]
        if node.targets:
            rows.append(["targets", ", ".join(iri_link(t, anchors) for t in node.targets)])
        for value in english(graph, node.node, SH.description):
            rows.append(["description", text(value)])
        rows.append(["severity", text(self._severity(node.node))])
        for value in english(graph, node.node, SH.message):
            rows.append(["message", text(value)])
        for predicate, value in sorted(graph.predicate_objects(node.node), key=str):
            if predicate in NOT_CONSTRAINTS or predicate in (SH.severity, SH.message):
                continue
            if predicate == SH.sparql:
                messages = english(graph, value, SH.message)
                rows.append(["SPARQL constraint", text(messages[0] if messages else "")
                             + f"<pre><code>{text(graph.value(value, SH.select) or '')}</code></pre>"])
                continue
            rows.append([compact_iri(str(predicate)), value_html(graph, value, anchors)])
        cells = "".join(f"<tr><th>{text(k)}</th><td>{v}</td></tr>" for k, v in rows)
        body = [f'<section id="{node.anchor}"><h3>{text(node.label)}</h3><table>{cells}</table>']
        if node.properties:
            body.append(table(["path", "min", "max", "datatype / class", "pattern", "severity",
                               "message", "other"],
                              [self._property(node, p, anchors) for p in node.properties]))
        body.append("</section>")
        return "".join(body)

    def _property(self, node: NodeShape, member: PropertyShape, anchors: Anchors) -> list[str]:
        graph, shape = self.shapes, member.node

        def one(predicate) -> str:
            return ", ".join(value_html(graph, v, anchors)
                             for v in sorted(graph.objects(shape, predicate), key=str))

        path = ", ".join(iri_link(i, anchors) for i in member.mentions) or text(member.path)
        if len(member.mentions) != 1 or member.path != compact_iri(member.mentions[0]):
            path = f"<code>{text(member.path)}</code><br>{path}"
        other = "<br>".join(f"{text(compact_iri(str(p)))}: {value_html(graph, v, anchors)}"
                            for p, v in sorted(graph.predicate_objects(shape), key=str)
                            if p not in COLUMNS and p not in NOT_CONSTRAINTS)
        kinds = " ".join(x for x in (one(SH.datatype), one(SH["class"])) if x)
        return [f'<span id="{member.anchor}"></span>{path}', one(SH.minCount),
                one(SH.maxCount), kinds, one(SH.pattern) and f"<code>{one(SH.pattern)}</code>",
                text(self._severity(shape)),  # SHACL: a shape's own, never its node's
                "<br>".join(text(m) for m in english(graph, shape, SH.message)), other]

    def _severity(self, shape) -> str:
        value = self.shapes.value(shape, SH.severity)
        return str(value).rsplit("#", 1)[-1] if value is not None else "Violation"
