"""Small data sets on which a query's DISTINCT and the first key of its ORDER BY matter.

The bundled data needs neither (no part with two parents, no subject linked twice to one
concept, one meeting with ESCO links...), so the mutation check (tools/mutate.py) found that
dropping them changed no answer. Each case here builds the ontology plus a few triples in which
the dropped DISTINCT gives a row twice, or the dropped first key puts the rows in another
order, and pins the rows in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecgkg.build import build
from ecgkg.library import resolve
from ecgkg.query import run
from ecgkg.results import term_text
from ecgkg.sources import ontology_dir

PREFIXES = """\
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ecg: <https://w3id.org/ecgkg/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix ex: <https://example.org/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
EX = "https://example.org/"

# (query, parameters, Turtle, the rows it must give in order: the columns named in `columns`)
CASES = {
    "initiative-parts": (
        {}, """
        # a part with two parents (DISTINCT folds its rows), wholes whose labels sort the
        # other way round from their IRIs (the first key, ?wholeLabel)
        ex:whole a ecg:Initiative ; skos:prefLabel "Alpha whole"@en .
        ex:a-parent a ecg:Initiative ; skos:prefLabel "Zeta parent"@en ;
            ecg:partOfInitiative ex:whole .
        ex:b-parent a ecg:Initiative ; skos:prefLabel "Mid parent"@en ;
            ecg:partOfInitiative ex:whole .
        ex:part a ecg:Initiative ; skos:prefLabel "The part"@en ;
            ecg:partOfInitiative ex:a-parent, ex:b-parent .
        """,
        ("wholeLabel", "partLabel"),
        [("Alpha whole", "Mid parent"), ("Alpha whole", "The part"),
         ("Alpha whole", "Zeta parent"), ("Mid parent", "The part"),
         ("Zeta parent", "The part")],
    ),
    "esco-concept-links": (
        {"concept": EX + "concept"}, """
        # one subject linked twice to the same concept (DISTINCT), and kinds that sort the
        # other way round from the labels (the first key, ?kind)
        ex:item a ecg:AgendaItem ; skos:prefLabel "Zeta item"@en ;
            ecg:hasEscoLink ex:link1, ex:link2 .
        ex:link1 ecg:escoConcept ex:concept ; ecg:escoLabelAtLink "a concept"@en .
        ex:link2 ecg:escoConcept ex:concept ; ecg:escoLabelAtLink "a concept"@en .
        ex:initiative a ecg:Initiative ; skos:prefLabel "Alpha initiative"@en ;
            ecg:hasEscoLink ex:link3 .
        ex:link3 ecg:escoConcept ex:concept ; ecg:escoLabelAtLink "a concept"@en .
        """,
        ("kind", "label"),
        [("agenda item", "Zeta item"), ("initiative", "Alpha initiative")],
    ),
    "esco-concepts-by-period": (
        {"from": "2023-01-01", "to": "2023-12-31"}, """
        # an item linked twice to one concept (DISTINCT), and two meetings whose concepts sort
        # the other way round from the meetings (the first key, ?meeting)
        ex:meeting-a a ecg:Meeting ; ecg:startDate "2023-03-01"^^xsd:date .
        ex:meeting-b a ecg:Meeting ; ecg:startDate "2023-06-01"^^xsd:date .
        ex:item-a ecg:itemOf ex:meeting-a ; skos:prefLabel "Item A"@en ;
            ecg:hasEscoLink ex:link1, ex:link2 .
        ex:link1 ecg:escoConcept ex:zed ; ecg:escoLabelAtLink "Zed"@en .
        ex:link2 ecg:escoConcept ex:zed ; ecg:escoLabelAtLink "Zed"@en .
        ex:item-b ecg:itemOf ex:meeting-b ; skos:prefLabel "Item B"@en ;
            ecg:hasEscoLink ex:link3 .
        ex:link3 ecg:escoConcept ex:able ; ecg:escoLabelAtLink "Able"@en .
        """,
        ("meeting", "conceptLabel"),
        [(EX + "meeting-a", "Zed"), (EX + "meeting-b", "Able")],
    ),
    "find-by-label": (
        {"text": "quokka"}, """
        # the same label as preferred and alternative label (the SPARQL algebra makes the
        # path p|q a union, two rows; Oxigraph gives one), and two classes labelled alike, the
        # ontology's and one a local extension files under it (DISTINCT)
        ex:Initiative rdfs:isDefinedBy <https://w3id.org/ecgkg/ontology> ;
            rdfs:label "initiative"@en .
        ex:thing a ecg:Initiative, ex:Initiative ; skos:prefLabel "Quokka plan"@en ;
            skos:altLabel "Quokka plan"@en .
        """,
        ("thing", "label"),
        [(EX + "thing", "Quokka plan")],
    ),
    "initiatives-active-in-year": (
        {"year": "2024"}, """
        # an initiative of two classes with the same English label, the project's and a local
        # subclass of it (DISTINCT); starts that sort the other way round from the labels
        # (the first key, ?periodStart)
        ex:Programme rdfs:subClassOf ecg:Programme ; rdfs:label "programme"@en .
        ex:initiative a ecg:Programme, ex:Programme ; skos:prefLabel "Plan"@en ;
            ecg:periodStart "2021"^^xsd:gYear ; ecg:periodEnd "2027"^^xsd:gYear .
        ex:earlier a ecg:Programme ; skos:prefLabel "Zeta plan"@en ;
            ecg:periodStart "2020"^^xsd:gYear ; ecg:periodEnd "2025"^^xsd:gYear .
        """,
        ("initiative", "type"),
        [(EX + "earlier", "programme"), (EX + "initiative", "programme")],
    ),
    "initiatives-by-type": (
        {}, """
        # two agenda items of one meeting presenting the same initiative (DISTINCT)
        ex:initiative a ecg:Programme ; skos:prefLabel "Plan"@en .
        ex:meeting ecg:startDate "2024-05-01"^^xsd:date .
        ex:item1 ecg:aboutInitiative ex:initiative ; ecg:itemOf ex:meeting .
        ex:item2 ecg:aboutInitiative ex:initiative ; ecg:itemOf ex:meeting .
        """,
        ("initiative", "date"),
        [(EX + "initiative", "2024-05-01")],
    ),
    "legal-acts": (
        {}, """
        # an act typed both as a regulation and as a legal resource, as a file that adds the
        # superclass would (DISTINCT); an article typed a legal resource too, as the ELI
        # ontology makes every subdivision (FILTER NOT EXISTS { ?act eli:is_part_of ?whole })
        ex:act a ecg:Regulation, eli:LegalResource ; skos:prefLabel "An act"@en .
        ex:article a ecg:Article, eli:LegalResource ; skos:prefLabel "Article 1"@en ;
            eli:is_part_of ex:act .
        ex:body skos:prefLabel "A body"@en .
        ex:act ecg:establishes ex:body .
        """,
        ("act", "effect", "body"),
        [(EX + "act", "establishes", "A body")],
    ),
    "legal-basis": (
        {"subject": EX + "group"}, """
        # relations that sort the other way round from the acts (the first key, ?relation)
        ex:z-act ecg:establishes ex:group .
        ex:group ecg:legalBasis ex:a-act .
        """,
        ("relation", "act"),
        [("established by", EX + "z-act"), ("rests on", EX + "a-act")],
    ),
    "meetings-by-year": (
        {}, """
        # meetings whose dates sort the other way round from their IRIs (the first key)
        ex:meeting-a a ecg:Meeting ; ecg:startDate "2024-05-01"^^xsd:date .
        ex:meeting-b a ecg:Meeting ; ecg:startDate "2023-05-01"^^xsd:date .
        """,
        ("meeting", "startDate"),
        [(EX + "meeting-b", "2023-05-01"), (EX + "meeting-a", "2024-05-01")],
    ),
    "members-on-date": (
        {"organisation": EX + "group", "date": "2023-11-22"}, """
        # memberships that begin, and that end, on the day asked about: members that day
        ex:m1 org:organization ex:group ; org:member ex:starts ;
            org:memberDuring [ time:hasBeginning [ time:inXSDDate "2023-11-22"^^xsd:date ] ] .
        ex:m2 org:organization ex:group ; org:member ex:ends ;
            org:memberDuring [ time:hasEnd [ time:inXSDDate "2023-11-22"^^xsd:date ] ] .
        ex:m3 org:organization ex:group ; org:member ex:later ;
            org:memberDuring [ time:hasBeginning [ time:inXSDDate "2023-11-23"^^xsd:date ] ] .
        ex:ends skos:prefLabel "Ends"@en .
        ex:starts skos:prefLabel "Starts"@en .
        ex:later skos:prefLabel "Later"@en .
        """,
        ("memberLabel", "from", "to"),
        [("Ends", "", "2023-11-22"), ("Starts", "2023-11-22", "")],
    ),
    "nco-changes": (
        {}, """
        # offices whose country codes sort the other way round from their IRIs (the first key)
        ex:m1 org:organization <https://w3id.org/ecgkg/id/org/NCOs> ; org:member ex:a-nco .
        ex:m2 org:organization <https://w3id.org/ecgkg/id/org/NCOs> ; org:member ex:b-nco .
        ex:a-nco a ecg:NationalCoordinationOffice ; ecg:country ex:sweden .
        ex:b-nco a ecg:NationalCoordinationOffice ; ecg:country ex:austria .
        ex:sweden skos:notation "SE" .
        ex:austria skos:notation "AT" .
        """,
        ("countryCode", "nco"),
        [("AT", EX + "b-nco"), ("SE", EX + "a-nco")],
    ),
    "presentations-by-body": (
        {"body": EX + "body"}, """
        # two days of one meeting whose items' dates sort the other way round from their
        # positions (the first key, ?date)
        ex:meeting a ecg:Meeting ; ecg:startDate "2024-05-01"^^xsd:date .
        ex:item1 a ecg:Presentation ; ecg:presentedBy ex:body ; ecg:itemOf ex:meeting ;
            ecg:date "2024-05-02"^^xsd:date ; ecg:listingOrder 1 .
        ex:item2 a ecg:Presentation ; ecg:presentedBy ex:body ; ecg:itemOf ex:meeting ;
            ecg:date "2024-05-01"^^xsd:date ; ecg:listingOrder 2 .
        """,
        ("item", "date"),
        [(EX + "item2", "2024-05-01"), (EX + "item1", "2024-05-02")],
    ),
    "source-of-fact": (
        {"subject": EX + "fact"}, """
        # passages of two documents whose paragraph numbers sort the other way round from the
        # documents (the first key, ?document)
        ex:fact prov:wasDerivedFrom ex:passage1, ex:passage2 .
        ex:doc-a a ecg:SourceDocument .
        ex:doc-b a ecg:SourceDocument .
        ex:passage1 dcterms:isPartOf ex:doc-a ; ecg:paragraphNumber 2 .
        ex:passage2 dcterms:isPartOf ex:doc-b ; ecg:paragraphNumber 1 .
        """,
        ("document", "paragraph"),
        [(EX + "doc-a", "2"), (EX + "doc-b", "1")],
    ),
    "strategies": (
        {}, """
        # periods whose ends sort the other way round from their starts (the first key)
        ex:a-strategy a ecg:Strategy ; ecg:periodStart "2020"^^xsd:gYear ;
            ecg:periodEnd "2030"^^xsd:gYear .
        ex:b-strategy a ecg:Strategy ; ecg:periodStart "2021"^^xsd:gYear ;
            ecg:periodEnd "2025"^^xsd:gYear .
        """,
        ("strategy", "years"),
        [(EX + "a-strategy", "11"), (EX + "b-strategy", "5")],
    ),
    "things-with-label": (
        {"label": "Investigo@es"}, """
        # things whose preferred labels sort the other way round from their IRIs (the first
        # key, ?thing)
        ex:thing-a skos:prefLabel "Zeta"@es ; skos:altLabel "Investigo"@es .
        ex:thing-b skos:prefLabel "Alpha"@es ; skos:altLabel "Investigo"@es .
        """,
        ("thing", "prefLabel"),
        [(EX + "thing-a", "Zeta"), (EX + "thing-b", "Alpha")],
    ),
    "working-groups-meetings": (
        {}, """
        # a group that takes part in a meeting twice in the same role (DISTINCT) and is invited
        # to one of its blocks (one row, not a second one without a role); groups whose labels
        # sort the other way round from their IRIs (the first key, ?label)
        ex:meeting a ecg:Meeting ; cv:hasParticipation ex:p1, ex:p2, ex:p3 ;
            ecg:hasBlock ex:block .
        ex:block ecg:invitedGroup ex:a-group ; skos:prefLabel "Block"@en .
        # a group only invited, to a block labelled in two languages (its English label only)
        ex:meeting ecg:hasBlock ex:block2 .
        ex:block2 ecg:invitedGroup ex:c-group ;
            skos:prefLabel "Second block"@en, "Deuxième bloc"@fr .
        ex:c-group a ecg:WorkingGroup ; skos:prefLabel "Middle group"@en .
        ex:p1 cv:hasParticipant ex:a-group ; cv:role ex:observer .
        ex:p2 cv:hasParticipant ex:a-group ; cv:role ex:observer .
        ex:p3 cv:hasParticipant ex:b-group ; cv:role ex:observer .
        ex:observer skos:prefLabel "observer"@en .
        ex:a-group a ecg:WorkingGroup ; skos:prefLabel "Zeta group"@en .
        ex:b-group a ecg:WorkingGroup ; skos:prefLabel "Alpha group"@en .
        """,
        ("label", "role", "block"),
        [("Alpha group", "observer", ""), ("Middle group", "", "Second block"),
         ("Zeta group", "observer", "Block")],
    ),
    "participation-roles": (
        {}, """
        # a body that takes part twice in one role (DISTINCT); meetings whose dates sort the
        # other way round from their IRIs (the first key, ?startDate)
        ex:meeting-a a ecg:Meeting ; ecg:startDate "2024-05-01"^^xsd:date ;
            cv:hasParticipation ex:p1, ex:p2 .
        ex:meeting-b a ecg:Meeting ; ecg:startDate "2023-05-01"^^xsd:date ;
            cv:hasParticipation ex:p3 .
        ex:p1 cv:hasParticipant ex:body ; cv:role ex:observer .
        ex:p2 cv:hasParticipant ex:body ; cv:role ex:observer .
        ex:p3 cv:hasParticipant ex:body ; cv:role ex:observer .
        ex:observer skos:prefLabel "observer"@en .
        """,
        ("meeting", "role"),
        [(EX + "meeting-b", "observer"), (EX + "meeting-a", "observer")],
    ),
    "passages-of-paragraph": (
        {"paragraph": "4"}, """
        # one sentence recorded as two passages (DISTINCT); documents whose sentence numbers
        # sort the other way round (the first key, ?document)
        ex:doc-a a ecg:SourceDocument .
        ex:doc-b a ecg:SourceDocument .
        ex:s1 dcterms:isPartOf ex:doc-a ; ecg:paragraphNumber 4 ; ecg:sentenceNumber 2 ;
            oa:exact "Second." .
        ex:s2 dcterms:isPartOf ex:doc-a ; ecg:paragraphNumber 4 ; ecg:sentenceNumber 2 ;
            oa:exact "Second." .
        ex:s3 dcterms:isPartOf ex:doc-b ; ecg:paragraphNumber 4 ; ecg:sentenceNumber 1 ;
            oa:exact "First." .
        """,
        ("document", "sentence", "text"),
        [(EX + "doc-a", "2", "Second."), (EX + "doc-b", "1", "First.")],
    ),
    "combined-events": (
        {}, """
        # meetings whose combined events' dates sort the other way round from the meetings
        # (the first key, ?date)
        ex:meeting-a ecg:combinedWith ex:event-a .
        ex:event-a ecg:startDate "2024-05-01"^^xsd:date .
        ex:meeting-b ecg:combinedWith ex:event-b .
        ex:event-b ecg:startDate "2023-05-01"^^xsd:date .
        """,
        ("meeting", "date"),
        [(EX + "meeting-b", "2023-05-01"), (EX + "meeting-a", "2024-05-01")],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rows_in_order_and_each_once(tmp_path: Path, name: str):
    values, turtle, columns, expected = CASES[name]
    data = tmp_path / "edge.ttl"
    data.write_text(PREFIXES + "\n".join(line.strip() for line in turtle.splitlines()),
                    encoding="utf-8")
    answer = run(resolve(name), values, built=build([ontology_dir(), data]))
    rows = [tuple(term_text(t) for t in row) for row in answer.rows]
    assert len(rows) == len(set(rows)), f"{name}: a row given twice: {rows}"
    picked = [tuple(row[answer.variables.index(c)] for c in columns) for row in rows]
    assert picked == expected


def test_every_case_is_a_bundled_query():
    from ecgkg.library import library

    names = {q.name for q in library()}
    assert len(CASES) == 19 and set(CASES) <= names
