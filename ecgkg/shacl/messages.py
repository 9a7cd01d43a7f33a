"""The message of each result: the shape's own sh:message, else the project's template for its
constraint component (the same text whichever engine found the result)."""

from __future__ import annotations

import re

import rdflib
from rdflib import RDF, XSD, Literal
from rdflib.term import Node

from ecgkg.shacl.model import SH, compact, compact_path

# {name} is a parameter of the shape (sh:name), {focus}, {path} and {value} the result's own.
TEMPLATES = {
    "MinCount": "Less than {minCount} values on {focus}->{path}",
    "MaxCount": "More than {maxCount} values on {focus}->{path}",
    "Datatype": "Value {value} is not a literal of datatype {datatype}",
    "NodeKind": "Value {value} is not of node kind {nodeKind}",
    "Class": "Value {value} is not an instance of {class}",
    "Pattern": "Value {value} does not match pattern {pattern}",
    "MinLength": "Value {value} is shorter than {minLength} characters",
    "MaxLength": "Value {value} is longer than {maxLength} characters",
    "MinInclusive": "Value {value} is not >= {minInclusive}",
    "MinExclusive": "Value {value} is not > {minExclusive}",
    "MaxInclusive": "Value {value} is not <= {maxInclusive}",
    "MaxExclusive": "Value {value} is not < {maxExclusive}",
    "LanguageIn": "Value {value} is not in one of the languages {languageIn}",
    "UniqueLang": "More than one value in the same language on {focus}->{path}",
    "In": "Value {value} is not one of {in}",
    "HasValue": "Node {focus}->{path} does not have the value {hasValue}",
    "Closed": "Node {focus} has the property {path}, which the closed shape does not allow",
    "Equals": "Value {value} of {focus}->{path} is not also a value of {equals}, or back",
    "Disjoint": "Value {value} of {focus}->{path} is also a value of {disjoint}",
    "LessThan": "Value {value} of {focus}->{path} is not less than a value of {lessThan}",
    "LessThanOrEquals": "Value {value} of {focus}->{path} is not less than or equal to a value "
                        "of {lessThanOrEquals}",
    "Node": "Value {value} does not conform to the shape {node}",
    "Property": "Value {value} does not conform to a property shape",
    "Not": "Value {value} conforms to the shape {not}, which it must not",
    "And": "Value {value} does not conform to all the shapes {and}",
    "Or": "Value {value} does not conform to any of the shapes {or}",
    "Xone": "Value {value} does not conform to exactly one of the shapes {xone}",
    "QualifiedMinCount": "Less than {qualifiedMinCount} values of {focus}->{path} conform to "
                         "{qualifiedValueShape}",
    "QualifiedMaxCount": "More than {qualifiedMaxCount} values of {focus}->{path} conform to "
                         "{qualifiedValueShape}",
    "SPARQL": "The SPARQL constraint of {shape} reports {focus}",
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def choose_message(messages) -> str:
    """One message of several (languages): English, else untagged, else the first."""
    messages = sorted(messages, key=lambda m: (getattr(m, "language", None) or "", str(m)))
    for wanted in ("en", None):
        for message in messages:
            language = getattr(message, "language", None)
            if (language or None) == wanted or (wanted == "en" and (language or "").startswith("en")):
                return str(message)
    return str(messages[0]) if messages else ""


PLAIN_DATATYPES = {str(XSD.integer), str(XSD.decimal), str(XSD.double), str(XSD.boolean)}


def term_text(term: Node) -> str:
    """compact(), with numbers and booleans written as Turtle writes them: 2, not "2"^^xsd:integer."""
    if isinstance(term, Literal) and str(term.datatype) in PLAIN_DATATYPES:
        return str(term)
    return compact(term)


def parameter_text(graph: rdflib.Graph, shape: Node, name: str) -> str:
    values = sorted(graph.objects(shape, SH[name]), key=str)
    texts = []
    for value in values:
        if (value, RDF.first, None) in graph or value == RDF.nil:
            items = rdflib.collection.Collection(graph, value)
            texts.append("(" + " ".join(term_text(item) for item in items) + ")")
        else:
            texts.append(term_text(value))
    return ", ".join(texts) or "?"


def generic(graph: rdflib.Graph, shape: Node, component: Node, focus: Node,
            path: str | None, value: Node | None) -> str:
    """The template of COMPONENT filled in from the shape's parameters and the result."""
    name = str(component).removeprefix(str(SH)).removesuffix("ConstraintComponent")
    template = TEMPLATES.get(name)
    if template is None:
        return f"{compact(focus)} does not conform to {compact(shape)} ({compact(component)})"
    shown_path = compact_path(path) if path else None

    def fill(match: re.Match) -> str:
        key = match.group(1)
        if key == "focus":
            return compact(focus)
        if key == "path":
            return shown_path or "(no path)"
        if key == "value":
            return compact(value) if value is not None else compact(focus)
        if key == "shape":
            return compact(shape)
        return parameter_text(graph, shape, key)

    return PLACEHOLDER.sub(fill, template)


def result_message(graph: rdflib.Graph, shape: Node, component: Node, focus: Node,
                   path: str | None, value: Node | None, found: list | tuple = ()) -> str:
    """The message of one result: for a SPARQL constraint the messages it gave (FOUND: its
    sh:message and the shape's, filled in); else the shape's sh:message; else the template."""
    if found and str(component) == str(SH.SPARQLConstraintComponent):
        return choose_message(found)
    own = [m for m in graph.objects(shape, SH.message) if isinstance(m, Literal)]
    if own:
        return choose_message(own)
    return generic(graph, shape, component, focus, path, value)
