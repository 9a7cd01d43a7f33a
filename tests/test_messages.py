"""The message of a validation result (ecgkg.shacl.messages): which of several sh:message
values is shown, and the templates' parameters. Mutation-check survivors (tools/mutate.py): the
bundled shapes give one English message each, so no other test chose between messages."""

from __future__ import annotations

import rdflib
from rdflib import Literal, URIRef

from ecgkg.shacl.messages import choose_message, generic, term_text
from ecgkg.shacl.model import SH


def test_english_is_preferred_then_untagged_then_the_first():
    untagged, english, french = Literal("plain"), Literal("English", lang="en"), Literal(
        "Français", lang="fr")
    assert choose_message([untagged, french, english]) == "English"
    assert choose_message([french, Literal("British", lang="en-GB"), untagged]) == "British"
    assert choose_message([french, untagged]) == "plain"
    assert choose_message([Literal("Deutsch", lang="de"), french]) == "Deutsch"
    assert choose_message([]) == ""


def test_count_templates_name_their_own_parameter():
    graph = rdflib.Graph()
    shape, focus = URIRef("https://example.org/shape"), URIRef("https://example.org/focus")
    graph.add((shape, SH.minCount, Literal(1)))
    graph.add((shape, SH.maxCount, Literal(2)))
    path = "https://example.org/p"
    assert generic(graph, shape, SH.MaxCountConstraintComponent, focus, path, None) == (
        "More than 2 values on <https://example.org/focus>->https://example.org/p")
    assert generic(graph, shape, SH.MinCountConstraintComponent, focus, path, None) == (
        "Less than 1 values on <https://example.org/focus>->https://example.org/p")


def test_numbers_and_booleans_are_written_as_turtle_writes_them():
    xsd = rdflib.XSD
    assert term_text(Literal("2", datatype=xsd.integer)) == "2"
    assert term_text(Literal("2.5", datatype=xsd.decimal)) == "2.5"
    assert term_text(Literal("true", datatype=xsd.boolean)) == "true"
    assert term_text(Literal("2024", datatype=xsd.gYear)).startswith('"2024"^^')
