"""The data pages of the site: a page per meeting, body and initiative, and the source texts.

Each page lists what the graph states about its resource and what points to it, every value
linked to its own page where it has one; a meeting page shows its agenda in order. Facts name
the passages they were drawn from (prov:wasDerivedFrom, dcterms:source), and those link to the
sources page, which shows every passage's text under an anchor of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ecgkg.docs.html import Anchors, iri_link, table, term_html, text
from ecgkg.namespaces import ECG, ID, PREFIXES
from ecgkg.results import compact_iri

SOURCES_PAGE = "sources.html"
PROV_SOURCES = (PREFIXES["prov"] + "wasDerivedFrom", PREFIXES["dcterms"] + "source")
# Label properties, the preferred first.
LABEL_ORDER = (PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label",
               PREFIXES["dcterms"] + "title", ECG + "acronym")

PREFIX_LINES = "".join(f"PREFIX {p}: <{n}>\n" for p, n in PREFIXES.items())

KINDS = {
    # kind -> (page prefix, list page, heading, the query of its resources)
    "meeting": ("meeting", "meetings.html", "Meetings",
                "SELECT DISTINCT ?r WHERE { ?r a ecg:Meeting OPTIONAL { ?r ecg:startDate ?d } }"
                " ORDER BY ?d ?r"),
    "body": ("body", "bodies.html", "Bodies",
             "SELECT DISTINCT ?r WHERE { ?r a ?c . ?c rdfs:subClassOf* org:Organization "
             "FILTER isIRI(?r) } ORDER BY ?r"),
    "initiative": ("initiative", "initiatives.html", "Initiatives",
                   "SELECT DISTINCT ?r WHERE { ?r a ?c . ?c rdfs:subClassOf* ecg:Initiative "
                   "FILTER isIRI(?r) } ORDER BY ?r"),
}

AGENDA = PREFIX_LINES + """
SELECT ?meeting ?event ?item ?order WHERE {
  ?meeting a ecg:Meeting .
  { ?item ecg:itemOf ?meeting BIND (?meeting AS ?event) }
  UNION { ?meeting ecg:combinedWith ?event . ?item ecg:itemOf ?event }
  OPTIONAL { ?item ecg:listingOrder ?order }
}
"""

PASSAGES = PREFIX_LINES + """
SELECT ?passage ?document ?text ?paragraph ?sentence ?footnote WHERE {
  ?passage a ecg:SourcePassage .
  OPTIONAL { ?passage dcterms:isPartOf+ ?document . ?document a ecg:SourceDocument }
  OPTIONAL { ?passage oa:exact ?text }
  OPTIONAL { ?passage ecg:paragraphNumber ?paragraph }
  OPTIONAL { ?passage ecg:sentenceNumber ?sentence }
  OPTIONAL { ?passage ecg:footnoteNumber ?footnote }
}
"""


def select(kg, sparql: str) -> list[list]:
    """Rows of pyoxigraph terms (IRIs stay IRIs, literals keep their types)."""
    return kg.query(sparql)._answer.rows


def _number(term) -> int:
    try:
        return int(term.value)
    except (AttributeError, ValueError):
        return 0


@dataclass
class Passage:
    iri: str
    document: str
    text: str
    paragraph: int
    sentence: int
    footnote: int

    @property
    def label(self) -> str:
        if self.footnote:
            return f"footnote {self.footnote}"
        if self.sentence:
            return f"paragraph {self.paragraph}, sentence {self.sentence}"
        return f"paragraph {self.paragraph}" if self.paragraph else compact_iri(self.iri)


@dataclass
class Data:
    """What the data pages show, read from the graph once."""

    resources: dict[str, list[str]] = field(default_factory=dict)  # kind -> IRIs
    labels: dict[str, str] = field(default_factory=dict)
    outgoing: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    incoming: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    agendas: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    passages: dict[str, Passage] = field(default_factory=dict)
    item_meetings: dict[str, str] = field(default_factory=dict)  # agenda item -> meeting

    @classmethod
    def read(cls, kg) -> Data:
        data = cls()
        for kind, (_, _, _, sparql) in KINDS.items():
            data.resources[kind] = list(dict.fromkeys(
                row[0].value for row in select(kg, PREFIX_LINES + sparql)))
        for meeting, event, item, order in select(kg, AGENDA):
            data.agendas[meeting.value].append((event.value != meeting.value, event.value,
                                                _number(order), item.value))
        for meeting, agenda in data.agendas.items():
            agenda.sort()
            data.item_meetings.update((row[3], meeting) for row in agenda)
        shown = {iri for iris in data.resources.values() for iri in iris}
        items = {row[3] for agenda in data.agendas.values() for row in agenda}
        ranked: dict[str, tuple[int, str]] = {}
        for subject, predicate, obj in select(kg, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"):
            if isinstance(subject, ox.NamedNode):
                if subject.value in shown or subject.value in items:
                    data.outgoing[subject.value].append((predicate, obj))
                if predicate.value in LABEL_ORDER and isinstance(obj, ox.Literal):
                    rank = (LABEL_ORDER.index(predicate.value) * 2
                            + (obj.language not in (None, "en")))
                    if subject.value not in ranked or (rank, obj.value) < ranked[subject.value]:
                        ranked[subject.value] = (rank, obj.value)
            if isinstance(obj, ox.NamedNode) and obj.value in shown:
                data.incoming[obj.value].append((subject, predicate))
        data.labels = {iri: label for iri, (_, label) in ranked.items()}
        for row in select(kg, PASSAGES):
            iri = row[0].value
            if iri not in data.passages:
                data.passages[iri] = Passage(iri, row[1].value if row[1] else "",
                                             row[2].value if row[2] else "", _number(row[3]),
                                             _number(row[4]), _number(row[5]))
        for passage in data.passages.values():
            data.labels[passage.iri] = passage.label
        return data

    def allocate(self, anchors: Anchors) -> None:
        for kind, iris in self.resources.items():
            prefix = KINDS[kind][0]
            for iri in iris:
                if anchors.href(iri) is None:  # a body that is also an initiative: one page
                    name = iri[len(ID):] if iri.startswith(ID) else compact_iri(iri)
                    anchors.page(iri, prefix, name.rsplit("/", 1)[-1])
        for passage in self.ordered_passages():
            name = passage.iri[len(ID):] if passage.iri.startswith(ID) else passage.iri
            anchors.anchor(passage.iri, SOURCES_PAGE, name)

    def ordered_passages(self) -> list[Passage]:
        return sorted(self.passages.values(),
                      key=lambda p: (p.document, p.footnote > 0, p.paragraph, p.sentence,
                                     p.footnote, p.iri))

    # ---- pages

    def label(self, iri: str) -> str:
        return self.labels.get(iri, compact_iri(iri))

    def list_page(self, kind: str, anchors: Anchors) -> str:
        iris = self.resources[kind]
        rows = [[iri_link(iri, anchors, self.label(iri)), f"<code>{text(compact_iri(iri))}</code>"]
                for iri in iris]
        return f"<p>{len(iris)} in the graph.</p>" + table(["name", "IRI"], rows)

    def resource_page(self, iri: str, anchors: Anchors) -> str:
        parts = [f"<p><code>{text(iri)}</code></p>"]
        if iri in self.agendas:
            parts.append("<h2>Agenda</h2>" + self._agenda(iri, anchors))
        by_predicate: dict[str, list] = defaultdict(list)
        for predicate, obj in self.outgoing.get(iri, []):
            by_predicate[predicate.value].append(obj)
        rows = []
        for predicate in sorted(by_predicate, key=compact_iri):
            values = sorted(by_predicate[predicate], key=str)
            rows.append([iri_link(predicate, anchors),
                         "<br>".join(self._value(v, anchors) for v in values)])
        parts.append("<h2>Statements</h2>" + table(["property", "value"], rows))
        pointing = sorted(self.incoming.get(iri, []), key=lambda sp: (str(sp[1]), str(sp[0])))
        if pointing:
            parts.append("<h2>Referred to by</h2>" + table(
                ["subject", "property", "at meeting"],
                [[term_html(s, anchors, self.labels), iri_link(p.value, anchors),
                  self._meeting_of(s, anchors)] for s, p in pointing]))
        return "\n".join(parts)

    def _meeting_of(self, term, anchors: Anchors) -> str:
        """For an agenda item, the meeting whose agenda holds it (it has no page itself)."""
        meeting = self.item_meetings.get(getattr(term, "value", None))
        return iri_link(meeting, anchors, self.label(meeting)) if meeting else ""

    def _value(self, term, anchors: Anchors) -> str:
        shown = term_html(term, anchors, self.labels)
        if isinstance(term, ox.NamedNode) and term.value in self.passages:
            return f"{shown}<blockquote>{text(self.passages[term.value].text)}</blockquote>"
        return shown

    def _agenda(self, meeting: str, anchors: Anchors) -> str:
        rows = []
        for _, event, order, item in self.agendas[meeting]:
            facts: dict[str, list] = defaultdict(list)
            for predicate, obj in self.outgoing.get(item, []):
                facts[predicate.value].append(obj)
            sources = [o for p in PROV_SOURCES for o in facts.get(p, [])]
            rows.append([
                text(order or ""), text(self.label(item)),
                iri_link(event, anchors, self.label(event)),
                ", ".join(term_html(o, anchors, self.labels)
                          for o in sorted(facts.get(ECG + "presentedBy", []), key=str)),
                ", ".join(term_html(o, anchors, self.labels)
                          for o in sorted(facts.get(ECG + "aboutInitiative", []), key=str)),
                "".join(self._value(o, anchors) for o in sorted(sources, key=str)),
            ])
        return table(["#", "item", "at", "presented by", "initiatives", "source"], rows)

    def sources_page(self, anchors: Anchors) -> str:
        parts = [f"<p>The {len(self.passages)} passages of the source documents that facts "
                 f"were drawn from; each fact's page links here.</p>"]
        current = None
        for passage in self.ordered_passages():
            if passage.document != current:
                current = passage.document
                parts.append(f"<h2>{text(self.label(current) if current else 'Other passages')}"
                             f"</h2><p><code>{text(current)}</code></p>")
            anchor = anchors.href(passage.iri).split("#", 1)[1]
            parts.append(f'<section id="{anchor}"><h3>{text(passage.label)}</h3>'
                         f"<blockquote>{text(passage.text)}</blockquote>"
                         f"<p class=\"note\"><code>{text(passage.iri)}</code></p></section>")
        return "\n".join(parts)
