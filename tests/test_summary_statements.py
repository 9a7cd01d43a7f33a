"""One test per statement of the Malaga executive summary, asked of the built graph with SPARQL.

Each test quotes the sentence it checks; the sentence numbering is the one of
data/sources/ecg-2023-11-malaga-executive-summary.ttl (paragraph p, sentence s).
"""

from __future__ import annotations

import re

import pytest

from ecgkg.namespaces import sparql_prologue
from ecgkg.query import run_query

MEETING = "<https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22>"
DOC = "https://w3id.org/ecgkg/id/doc/ecg-2023-11-malaga-executive-summary"


def rows(built, sparql: str) -> list[tuple[str, ...]]:
    return run_query(built, sparql_prologue() + sparql).sorted_rows()


def ask(built, sparql: str) -> bool:
    return bool(run_query(built, sparql_prologue() + sparql).boolean)


def test_p1_s1_meeting_held_22_to_24_november_2023_in_malaga_spain(built):
    """'A EURES Coordination Group (ECG) meeting was held on 22-24 November 2023 in Malaga, Spain.'"""
    assert rows(built, f"""
        SELECT ?start ?end ?place ?country ?group WHERE {{
          {MEETING} a ecg:Meeting ; ecg:startDate ?start ; ecg:endDate ?end ;
              ecg:place/skos:prefLabel ?place ; ecg:hostCountry/skos:prefLabel ?country ;
              ecg:meetingOf/ecg:acronym ?group .
          FILTER(lang(?place) = "en" && lang(?country) = "en")
        }}""") == [("2023-11-22", "2023-11-24", "Malaga", "Spain", "ECG")]
    assert rows(built, f"""
        SELECT ?n ?date WHERE {{ {MEETING} ecg:hasDay ?d . ?d ecg:dayNumber ?n ; ecg:date ?date }}
        """) == [("1", "2023-11-22"), ("2", "2023-11-23"), ("3", "2023-11-24")]


def test_p1_s2_brought_together_ela_as_eco_the_commission_and_the_ncos(built):
    """'it brought together the European Labour Authority (ELA) as the European Coordination
    Office (ECO), the Commission (DG EMPL) and the EURES National Coordination Offices (NCOs).'"""
    participants = rows(built, f"""
        SELECT DISTINCT ?who WHERE {{
          {MEETING} cv:hasParticipation ?p . ?p cv:role <https://w3id.org/ecgkg/id/role/member> ;
              cv:hasParticipant ?body . ?body ecg:acronym|skos:prefLabel ?who .
        }}""")
    names = {r[0] for r in participants}
    assert {"ECO", "DG EMPL", "European Commission", "NCOs"} <= names
    assert ask(built, """ASK { <https://w3id.org/ecgkg/id/org/ECO> org:unitOf
                                   <https://w3id.org/ecgkg/id/org/ELA> }""")
    assert ask(built, """ASK { <https://w3id.org/ecgkg/id/org/DG-EMPL> org:unitOf
                                   <https://w3id.org/ecgkg/id/org/EC> }""")


def test_p1_s3_the_group_is_a_platform_per_recital_23(built):
    """'According to the EURES Regulation, this group acts as a 'platform for the exchange of
    information and for the sharing of best practices, ...' (footnote 1: Recital 23)."""
    found = rows(built, """
        SELECT ?celex ?number ?text WHERE {
          ?recital a ecg:Recital ; eli:number ?number ; ecg:quotedText ?text ;
              ecg:mandates <https://w3id.org/ecgkg/id/org/ECG> ;
              eli:is_part_of/eli:id_local ?celex .
          FILTER(STRSTARTS(?text, "platform for the exchange of information"))
        }""")
    assert len(found) == 1
    assert found[0][:2] == ("32016R0589", "23")
    assert found[0][2].endswith("across the EURES network")


def test_p1_s4_the_group_should_be_consulted_on_templates_and_standards(built):
    """'The ECG 'should also be consulted during the process of preparing templates, technical
    standards and formats ...''"""
    assert ask(built, """ASK {
        ?recital a ecg:Recital ; eli:number "23" ; ecg:quotedText ?text .
        FILTER(STRSTARTS(?text, "should also be consulted during the process of preparing templates")
               && STRENDS(?text, "uniform detailed specifications for data collection and analysis"))
    }""")


def test_p1_s5_meeting_purpose(built):
    """'This meeting was an opportunity for the ECG members to discuss the latest developments
    in EU labour mobility ...'"""
    (description,) = rows(built, f"SELECT ?d WHERE {{ {MEETING} dcterms:description ?d }}")[0]
    assert "latest developments in EU labour mobility" in description


def test_p1_s6_dedicated_block_joined_by_the_ioc_wg(built):
    """'... there was a dedicated block of the ECG meeting where Interoperability Contact Working
    Group (IOC WG) members were invited to join the ECG meeting.'"""
    assert rows(built, f"""
        SELECT ?group ?initiative WHERE {{
          {MEETING} ecg:hasBlock ?block . ?block ecg:invitedGroup/ecg:acronym ?group ;
              ecg:aboutInitiative/skos:prefLabel ?initiative .
        }}""") == [("IOC WG", "EURES portal Strategy 2023-2030")]
    assert ask(built, f"""ASK {{ {MEETING} cv:hasParticipation ?p .
        ?p cv:hasParticipant <https://w3id.org/ecgkg/id/org/IOC-WG> ;
           cv:role <https://w3id.org/ecgkg/id/role/invited> }}""")


def presentations_by(built, body: str) -> list[str]:
    return [r[0] for r in rows(built, f"""
        SELECT ?title WHERE {{ ?item a ecg:Presentation ; ecg:itemOf {MEETING} ;
            ecg:presentedBy <https://w3id.org/ecgkg/id/org/{body}> ; skos:prefLabel ?title }}""")]


def test_p2_eco_presented_eight_topics(built):
    """'ECO presented, inter alia, updates on the implementation of the EURES portal Strategy
    2023-2030, updates on ELA's activities, the EURES/Europass synergies project, updates on the
    Programming Cycle documentation, EURES training and Training Coordinators' Working Group,
    EURES 30th anniversary celebration plan, 2023 strategic foresight and EURES Strategy 2025-2030.'"""
    titles = presentations_by(built, "ECO")
    assert len(titles) == 8
    for topic in ("EURES portal Strategy 2023-2030", "ELA's activities",
                  "EURES/Europass synergies project", "Programming Cycle documentation",
                  "EURES training and Training Coordinators' Working Group",
                  "EURES 30th anniversary celebration plan", "2023 strategic foresight",
                  "EURES Strategy 2025-2030"):
        assert sum(topic in title for title in titles) == 1, topic
    assert ask(built, f"""ASK {{ ?item ecg:itemOf {MEETING} ;
        ecg:presentedBy <https://w3id.org/ecgkg/id/org/ECO> ;
        ecg:aboutGroup/skos:prefLabel "Training Coordinators' Working Group"@en }}""")


def test_p3_commission_presented_four_topics(built):
    """'The Commission presented EU-level developments and policies related to labour mobility as
    well as cross-border mobility projects and updates on compliance with ESCO ... and on
    admission system.'"""
    titles = presentations_by(built, "EC")
    assert len(titles) == 4
    for topic in ("EU-level developments and policies related to labour mobility",
                  "Cross-border mobility projects", "compliance with ESCO", "admission system"):
        assert sum(topic in title for title in titles) == 1, topic


def test_p4_nco_be_and_nco_nl_presented_national_initiatives(built):
    """'Finally, NCO BE and NCO NL presented two initiatives at national level to the participants
    of the ECG.'"""
    assert rows(built, f"""
        SELECT ?nco ?country WHERE {{
          ?item ecg:itemOf {MEETING} ; ecg:presentedBy ?body ; ecg:aboutInitiative ?initiative .
          ?body a ecg:NationalCoordinationOffice ; ecg:acronym ?nco .
          ?initiative ecg:country/skos:notation ?country .
        }}""") == [("NCO BE", "BEL"), ("NCO NL", "NLD")]


def test_p5_s1_es_nco_co_hosted_with_the_presidency_event_on_day_three(built):
    """'ES NCO co-hosted the meeting in Malaga as a combined event with the Spanish Presidency
    event held on the third day.'"""
    assert ask(built, f"""ASK {{ {MEETING} cv:hasParticipation ?p .
        ?p cv:hasParticipant ?nco ; cv:role <https://w3id.org/ecgkg/id/role/co-host> .
        ?nco a ecg:NationalCoordinationOffice ; ecg:country/skos:notation "ESP" }}""")
    assert rows(built, f"""
        SELECT ?day ?date ?organiser WHERE {{
          {MEETING} ecg:combinedWith ?event .
          ?event ecg:onDay/ecg:dayNumber ?day ; ecg:startDate ?date ;
              ecg:organisedBy ?presidency .
          ?presidency a ecg:CouncilPresidency ; ecg:country/skos:notation ?organiser .
        }}""") == [("3", "2023-11-24", "ESP")]


def test_p5_s2_presidency_event_showcased_the_technical_support_instrument(built):
    """'The Spanish Presidency event showcased various initiatives, including the European
    Commission's introduction of the Technical Support Instrument (TSI) to bolster employment
    and training programmes.'"""
    assert rows(built, f"""
        SELECT ?acronym ?runner ?presenter WHERE {{
          {MEETING} ecg:combinedWith ?event .
          ?tsi a ecg:Instrument ; ecg:acronym ?acronym ; ecg:runBy/skos:prefLabel ?runner .
          ?item ecg:itemOf ?event ; ecg:aboutInitiative ?tsi ; ecg:presentedBy/skos:prefLabel ?presenter .
        }}""") == [("TSI", "European Commission", "European Commission")]


def test_p5_s3_experiences_in_active_support_for_employment(built):
    """'Similar experiences in Active Support for Employment in the country were highlighted
    through presentations on inspiring practices for labour market recovery, transformation, and
    resilience.'"""
    parts = rows(built, """
        SELECT ?part WHERE { ?i ecg:partOfInitiative ?ase . ?i skos:prefLabel ?part .
          ?ase skos:prefLabel "Active Support for Employment"@en ; ecg:country/skos:notation "ESP" .
          FILTER(lang(?part) = "en") }""")
    assert len(parts) == 7


@pytest.mark.parametrize("label, initiative_class", [
    ("Utilisation of the ESCO classification to identify training needs", "Initiative"),
    ("Centre of Excellence (COE) Network of National Employment System Public Centres", "Network"),
    ("TándEM alternance training scheme", "TrainingScheme"),
    ("Initial Professional Experience programme", "Programme"),
    ("Investigo programme", "Programme"),
    ("Digital learning initiatives for women in rural communities (PFEA)", "Programme"),
    ("Efforts supporting digital transformation", "Initiative"),
])
def test_p5_s4_each_showcased_initiative(built, label, initiative_class):
    """'These included the utilisation of the ESCO classification to identify training needs, the
    establishment of the new Centre of Excellence (COE) Network ..., the TándEM alternance
    training scheme, the Initial Professional Experience and Investigo programmes, digital
    learning initiatives for women in rural communities (PFEA), and efforts supporting digital
    transformation.'"""
    assert ask(built, f"""ASK {{
        ?item ecg:itemOf/^ecg:combinedWith {MEETING} ; ecg:aboutInitiative ?initiative .
        ?initiative a ecg:{initiative_class} ; skos:prefLabel "{label}"@en ;
            prov:wasDerivedFrom <{DOC}/p5-s4> .
    }}""")


def test_source_language_labels_are_kept(built):
    assert rows(built, """SELECT ?label WHERE { ?i a/rdfs:subClassOf* ecg:Initiative ; skos:prefLabel ?label .
        FILTER(lang(?label) = "es") }""") == [("Investigo",), ("TándEM",)]


def test_footnote_1_recital_23_of_regulation_2016_589(built):
    """'Recital 23 of Regulation (EU) 2016/589.'"""
    assert rows(built, f"""
        SELECT ?act ?celex WHERE {{
          ?recital a ecg:Recital ; eli:number "23" ; prov:wasDerivedFrom <{DOC}/fn1> ;
              eli:is_part_of ?act . ?act eli:id_local ?celex }}""") == [
        ("http://data.europa.eu/eli/reg/2016/589/oj", "32016R0589")]


def test_legal_acts_match_the_verified_facts(built):
    assert rows(built, """
        SELECT ?act ?celex ?date WHERE { ?act a/rdfs:subClassOf* eli:LegalResource ;
            eli:id_local ?celex ; eli:date_document ?date .
            FILTER NOT EXISTS { ?act eli:is_part_of ?whole } }""") == [
        ("http://data.europa.eu/eli/dec_impl/2018/1021/oj", "32018D1021", "2018-07-18"),
        ("http://data.europa.eu/eli/reg/2016/589/oj", "32016R0589", "2016-04-13"),
        ("http://data.europa.eu/eli/reg/2019/1149/oj", "32019R1149", "2019-06-20"),
        ("https://w3id.org/ecgkg/id/act/32018D1020", "32018D1020", "2018-07-18"),
    ]
    assert ask(built, """ASK { <http://data.europa.eu/eli/reg/2016/589/oj>
        eli:date_entry_into_force "2016-05-12"^^xsd:date ;
        eli:amended_by <http://data.europa.eu/eli/reg/2019/1149/oj> }""")
    assert ask(built, """ASK { ?article a ecg:Article ; eli:number "14" ;
        eli:is_part_of <http://data.europa.eu/eli/reg/2016/589/oj> ;
        ecg:establishes <https://w3id.org/ecgkg/id/org/ECG> }""")
    assert ask(built, """ASK { <http://data.europa.eu/eli/reg/2019/1149/oj>
        ecg:establishes <https://w3id.org/ecgkg/id/org/ELA> }""")


def test_all_31_eures_countries_have_one_nco(built):
    counts = rows(built, """
        SELECT ?group (COUNT(DISTINCT ?nco) AS ?n) WHERE {
          ?nco a ecg:NationalCoordinationOffice ; ecg:country ?c .
          ?c ecg:euresCountryGroup/skos:notation ?group } GROUP BY ?group""")
    assert counts == [("EEA-EFTA", "3"), ("EFTA-EURES", "1"), ("EU", "27")]
    assert rows(built, """SELECT ?c WHERE { ?c ecg:euresCountryGroup ?g .
        FILTER NOT EXISTS { ?nco ecg:country ?c ; a ecg:NationalCoordinationOffice } }""") == []


def test_two_working_groups(built):
    assert rows(built, "SELECT ?label WHERE { ?g a ecg:WorkingGroup ; skos:prefLabel ?label }") == [
        ("Interoperability Contact Working Group",), ("Training Coordinators' Working Group",)]


# ---- provenance: every fact drawn from the summary points back to its sentence


def strip_markup(text: str) -> str:
    return re.sub(r"<sup>\d+</sup>", "", text)


def test_every_passage_quotes_the_source_exactly(built, summary_text):
    passages = rows(built, f"""SELECT ?p ?text WHERE {{ ?p a ecg:SourcePassage ;
        dcterms:isPartOf+ <{DOC}> ; oa:exact ?text }}""")
    assert len(passages) == 19  # 5 paragraphs, 13 sentences, 1 footnote
    source = strip_markup(summary_text)
    not_found = [p for p, text in passages if text not in source]
    assert not_found == []


def test_every_meeting_resource_points_to_a_sentence(built):
    missing = rows(built, """
        SELECT ?s WHERE {
          ?s a ?type . VALUES ?type { ecg:Meeting ecg:MeetingDay ecg:MeetingBlock ecg:CombinedEvent
              ecg:AgendaItem ecg:Presentation cv:Participation ecg:EscoLink ecg:Strategy
              ecg:Programme ecg:Project ecg:Instrument ecg:Network ecg:Plan ecg:TrainingScheme
              ecg:Initiative ecg:WorkingGroup ecg:CouncilPresidency }
          FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?source .
              ?source a ecg:SourcePassage ; oa:exact ?text }
        }""")
    assert missing == []


def test_every_organisation_points_to_its_source(built):
    """Bodies come from the summary's sentences or from the legal acts that set them up."""
    organisations = rows(built, """
        SELECT DISTINCT ?s WHERE {
          VALUES ?class { org:Organization cv:PublicOrganisation org:OrganizationalUnit
              org:OrganizationalCollaboration org:FormalOrganization }
          ?s a/rdfs:subClassOf* ?class }""")
    missing = rows(built, """
        SELECT DISTINCT ?s WHERE {
          VALUES ?class { org:Organization cv:PublicOrganisation org:OrganizationalUnit
              org:OrganizationalCollaboration org:FormalOrganization }
          ?s a/rdfs:subClassOf* ?class .
          FILTER NOT EXISTS {
            ?s prov:wasDerivedFrom ?source .
            { ?source a ecg:SourcePassage ; oa:exact ?text }
            UNION { ?source a/rdfs:subClassOf* eli:LegalResource }
            UNION { ?source a/rdfs:subClassOf* eli:LegalResourceSubdivision }
          }
        }""")
    assert len(organisations) > 31  # the NCOs and the other bodies
    assert missing == []
