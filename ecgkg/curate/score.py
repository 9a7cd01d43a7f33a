"""Score a draft against hand-curated data: precision and recall per kind of fact.

Kinds: meeting facts (dates, days, place, host country, group, combined event), participations
(participant, role), presentations with their presenter (matched by presenter and label words),
initiatives (by label words), legal references (by IRI) and ESCO links (by concept). The expected
side is read from a graph holding the curated meeting and what its source document's passages
derive, so the same function scores the Malaga summary against data/ and the test fixtures
against their expected Turtle.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import RDF, Graph, URIRef

from ecgkg.curate.draft import CV, ELI, PROV, SKOS, E

KINDS = ("meeting facts", "participations", "presentations", "initiatives", "legal references",
         "ESCO links")
LEGAL_CLASSES = {E.Regulation, E.Article, E.Recital, E.ImplementingDecision, E.Decision,
                 E.Directive}
STOP = {"the", "a", "an", "of", "on", "and", "to", "in", "for", "at", "by", "with", "updates",
        "update", "presented"}


@dataclass(frozen=True)
class Score:
    kind: str
    expected: int
    drafted: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.drafted if self.drafted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0


def _words(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    words = set()
    for w in re.split(r"[^a-z0-9]+", folded):
        if w and w not in STOP:
            words.add(w[:-1] if len(w) > 3 and w.endswith("s") else w)
    return words


def similarity(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb)) * (len(wa & wb) / max(len(wa), len(wb))) ** 0.5


def _match(expected: list, drafted: list, same) -> int:
    """How many pairs a greedy one-to-one matching finds (best similarity first)."""
    pairs = sorted(((same(e, d), i, j) for i, e in enumerate(expected)
                    for j, d in enumerate(drafted)), reverse=True)
    used_e, used_d, matched = set(), set(), 0
    for value, i, j in pairs:
        if value <= 0 or i in used_e or j in used_d:
            continue
        used_e.add(i)
        used_d.add(j)
        matched += 1
    return matched


def _set_score(kind: str, expected: set, drafted: set) -> Score:
    return Score(kind, len(expected), len(drafted), len(expected & drafted))


def meeting_facts(graph: Graph, meeting: URIRef) -> set:
    facts = set()
    for name in ("startDate", "endDate", "place", "hostCountry", "meetingOf"):
        facts |= {(name, str(v)) for v in graph.objects(meeting, E[name])}
    for day in graph.objects(meeting, E.hasDay):
        facts |= {("day", str(v)) for v in graph.objects(day, E.date)}
    for event in graph.objects(meeting, E.combinedWith):
        for name in ("startDate", "organisedBy"):
            facts |= {(f"combined event {name}", str(v)) for v in graph.objects(event, E[name])}
    return facts


def participations(graph: Graph, meeting: URIRef) -> set:
    return {(str(body), str(role))
            for p in graph.objects(meeting, CV.hasParticipation)
            for body in graph.objects(p, CV.hasParticipant)
            for role in graph.objects(p, CV.role)}


def presentations(graph: Graph, meeting: URIRef) -> list[tuple[str, str]]:
    parents = {meeting} | set(graph.objects(meeting, E.combinedWith))
    found = []
    for item in graph.subjects(RDF.type, E.Presentation):
        if not set(graph.objects(item, E.itemOf)) & parents:
            continue
        label = str(graph.value(item, SKOS.prefLabel) or "")
        for presenter in graph.objects(item, E.presentedBy):
            found.append((str(presenter), label))
    return found


def _derived_from_doc(graph: Graph, subject, doc: str) -> bool:
    return any(str(o) == doc or str(o).startswith(doc + "/")
               for o in graph.objects(subject, PROV.wasDerivedFrom))


def initiatives(graph: Graph, doc: str, labels: Graph) -> list[tuple[str, str]]:
    found = []
    for s in set(graph.subjects(PROV.wasDerivedFrom, None)):
        if str(s).startswith("https://w3id.org/ecgkg/id/initiative/") and "/esco/" not in str(s) \
                and _derived_from_doc(graph, s, doc):
            label = labels.value(s, SKOS.prefLabel) or graph.value(s, SKOS.prefLabel) or ""
            found.append((str(s), str(label)))
    return found


def legal_references(graph: Graph, doc: str, text: str | None = None) -> set:
    found = set()
    for s in set(graph.subjects()):
        types = set(graph.objects(s, RDF.type))
        is_legal = bool(types & LEGAL_CLASSES) or (s, ELI.is_part_of, None) in graph or \
            str(s).startswith(("http://data.europa.eu/eli/", "https://w3id.org/ecgkg/id/act/"))
        if not is_legal:
            continue
        label = str(graph.value(s, SKOS.prefLabel) or "")
        if _derived_from_doc(graph, s, doc) or (text is not None and label and label in text):
            found.add(str(s))
    return found


def esco_links(graph: Graph, doc: str) -> set:
    found = set()
    for subject, link in graph.subject_objects(E.hasEscoLink):
        if _derived_from_doc(graph, link, doc) or _derived_from_doc(graph, subject, doc):
            found |= {str(c) for c in graph.objects(link, E.escoConcept)}
    return found


def score(drafted: Graph, drafted_meeting: URIRef, expected: Graph, expected_meeting: URIRef,
          doc: str, text: str | None = None) -> dict[str, Score]:
    """Precision and recall of a draft per kind, against the expected (curated) graph."""
    scores = {
        "meeting facts": _set_score("meeting facts", meeting_facts(expected, expected_meeting),
                                    meeting_facts(drafted, drafted_meeting)),
        "participations": _set_score("participations",
                                     participations(expected, expected_meeting),
                                     participations(drafted, drafted_meeting)),
        "legal references": _set_score("legal references",
                                       legal_references(expected, doc, text),
                                       legal_references(drafted, doc)),
        "ESCO links": _set_score("ESCO links", esco_links(expected, doc),
                                 esco_links(drafted, doc)),
    }
    exp_p = presentations(expected, expected_meeting)
    dra_p = presentations(drafted, drafted_meeting)
    scores["presentations"] = Score("presentations", len(exp_p), len(dra_p), _match(
        exp_p, dra_p, lambda e, d: similarity(e[1], d[1]) if e[0] == d[0] and
        similarity(e[1], d[1]) >= 0.3 else 0.0))
    exp_i = initiatives(expected, doc, expected)
    dra_i = initiatives(drafted, doc, expected)
    scores["initiatives"] = Score("initiatives", len(exp_i), len(dra_i), _match(
        exp_i, dra_i, lambda e, d: 2.0 if e[0] == d[0] else (
            similarity(e[1], d[1]) if similarity(e[1], d[1]) >= 0.5 else 0.0)))
    return {kind: scores[kind] for kind in KINDS}


def table(scores: dict[str, Score]) -> str:
    """A Markdown table of the scores, as the README shows them."""
    lines = ["| kind | expected | drafted | matched | precision | recall |",
             "|---|---:|---:|---:|---:|---:|"]
    for s in scores.values():
        lines.append(f"| {s.kind} | {s.expected} | {s.drafted} | {s.matched} | "
                     f"{s.precision:.2f} | {s.recall:.2f} |")
    return "\n".join(lines)
