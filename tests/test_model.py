"""The model as researchers meet it: one direction per relation, one class for all bodies,
memberships over time, legal acts that something rests on, documented external terms."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, Literal, URIRef

from ecgkg.build import build
from ecgkg.canonical import parse_turtle
from ecgkg.library import library
from ecgkg.namespaces import ECG, ID, PREFIXES
from ecgkg.query import run
from ecgkg.sources import data_dir, ontology_dir, project_root, rdf_files
from ecgkg.vocabulary import (
    COMMAND,
    VOCABULARY_FILE,
    ontology_graph,
    terms_used,
    undocumented,
    vocabulary_markdown,
)

ORG = rdflib.Namespace(PREFIXES["org"])
ELI = rdflib.Namespace(PREFIXES["eli"])
PROV = rdflib.Namespace(PREFIXES["prov"])
ECGNS = rdflib.Namespace(ECG)
FIXTURES = Path(__file__).parent / "model_fixtures"
CHANGES = FIXTURES / "nco-memberships-with-changes.ttl"
NCOS = ID + "org/NCOs"


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    graph = rdflib.Graph()
    files = rdf_files([data_dir()])
    assert files, "no data files found"
    for path in files:
        graph += parse_turtle(path)
    return graph


@pytest.fixture(scope="module")
def queries():
    return {q.name: q for q in library()}


# ---------------------------------------------------------------- one direction per relation


def inverse_pairs(ontology: rdflib.Graph) -> set[tuple[URIRef, URIRef]]:
    """(p, q) for every owl:inverseOf pair, both ways, each side widened to its sub-properties."""
    pairs = set()
    for p, q in ontology.subject_objects(OWL.inverseOf):
        for a, b in ((p, q), (q, p)):
            for sub_a in ontology.transitive_subjects(RDFS.subPropertyOf, a):
                for sub_b in ontology.transitive_subjects(RDFS.subPropertyOf, b):
                    pairs.add((sub_a, sub_b))
    return pairs


def double_statements(graph: rdflib.Graph, pairs: set[tuple[URIRef, URIRef]]) -> list[str]:
    return sorted(
        f"{s} {p} {o} and {o} {q} {s}"
        for p, q in pairs for s, o in graph.subject_objects(p) if (o, q, s) in graph
    )


def test_the_inverse_pairs_are_declared(ontology):
    pairs = inverse_pairs(ontology)
    for p, q in ((ECGNS.establishes, ECGNS.establishedBy), (ELI.amends, ELI.amended_by),
                 (ORG.memberOf, ORG.hasMember), (ORG.unitOf, ORG.hasUnit),
                 (ECGNS.hasDay, URIRef(PREFIXES["dcterms"] + "isPartOf"))):
        assert (p, q) in pairs and (q, p) in pairs


def test_no_relation_is_stated_in_both_directions(data, ontology):
    assert double_statements(data, inverse_pairs(ontology)) == []


def test_a_double_statement_is_caught(ontology):
    graph = rdflib.Graph()
    act, body = URIRef("https://example.org/act"), URIRef("https://example.org/body")
    graph.add((act, ECGNS.establishes, body))
    assert double_statements(graph, inverse_pairs(ontology)) == []
    graph.add((body, ECGNS.establishedBy, act))
    assert len(double_statements(graph, inverse_pairs(ontology))) == 2


def test_deprecated_terms_are_not_used(data, ontology):
    deprecated = set(ontology.subjects(OWL.deprecated, Literal(True)))
    assert ECGNS.showcased in deprecated
    used = {p for p in data.predicates()} | set(data.objects(None, RDF.type))
    assert used & deprecated == set()


def test_what_an_event_was_about_is_read_from_its_items(built):
    """The Presidency event's initiatives come from its agenda items, the one documented path."""
    result = run("""#+ title: t
#+ description: d
#+ columns: initiative
PREFIX ecg: <https://w3id.org/ecgkg/ontology#>
SELECT DISTINCT ?initiative WHERE {
  ?item ecg:itemOf <https://w3id.org/ecgkg/id/event/ES-presidency-2023-11-24> ;
        ecg:aboutInitiative ?initiative }""", built=built)
    found = {row[0].rsplit("/", 1)[-1] for row in result.sorted_rows()}
    assert {"technical-support-instrument", "tandem", "investigo",
            "active-support-for-employment"} <= found


# ---------------------------------------------------------------- one body hierarchy


def superclasses(ontology: rdflib.Graph, cls: URIRef) -> set:
    return set(ontology.transitive_objects(cls, RDFS.subClassOf))


def test_every_body_is_found_by_one_triple_pattern(data, ontology):
    """Bodies by the class hierarchy (inference) are exactly the things asserted org:Organization."""
    by_inference = {
        s for s, cls in data.subject_objects(RDF.type)
        if isinstance(cls, URIRef) and ORG.Organization in superclasses(ontology, cls)
    }
    asserted = set(data.subjects(RDF.type, ORG.Organization))
    assert by_inference - asserted == set(), "bodies not asserted org:Organization"
    assert URIRef(ID + "org/NCO-ESP") in asserted and URIRef(ID + "org/ECG") in asserted
    for cls in (ECGNS.NationalCoordinationOffice, ECGNS.WorkingGroup, ECGNS.CoordinationOffice,
                ECGNS.CouncilPresidency, ECGNS.CoordinationGroup):
        assert ORG.Organization in superclasses(ontology, cls), cls


def test_everything_named_as_a_body_is_one(data):
    asserted = set(data.subjects(RDF.type, ORG.Organization))
    roles = (ORG.member, ORG.organization, ORG.unitOf, ORG.resultingOrganization,
             URIRef(PREFIXES["cv"] + "hasParticipant"), ECGNS.presentedBy, ECGNS.organisedBy,
             ECGNS.runBy, ECGNS.meetingOf, ECGNS.invitedGroup)
    named = {o for p in roles for o in data.objects(None, p)}
    assert named and named - asserted == set()


# ---------------------------------------------------------------- memberships over time


def test_memberships_are_stated_as_org_membership(data):
    assert list(data.subject_objects(ORG.memberOf)) == []
    assert list(data.subject_objects(ORG.hasMember)) == []
    ncos = set(data.subjects(RDF.type, ECGNS.NationalCoordinationOffice))
    assert ncos
    for nco in ncos:
        memberships = [m for m in data.subjects(ORG.member, nco)
                       if (m, ORG.organization, URIRef(NCOS)) in data]
        assert len(memberships) == 1, nco


def test_open_ended_memberships_say_so(data):
    for membership in data.subjects(RDF.type, ORG.Membership):
        if data.value(membership, ORG.memberDuring) is None:
            notes = [str(n) for n in data.objects(membership, URIRef(PREFIXES["skos"] + "editorialNote"))]
            assert any("Open-ended" in n for n in notes), membership


def test_the_governance_change_of_may_2021_has_its_source(data):
    change = URIRef(ID + "change/ecg-governance-eco-in-ela-2021-05")
    assert (change, RDF.type, ORG.ChangeEvent) in data
    assert str(data.value(change, URIRef(PREFIXES["dcterms"] + "date"))) == "2021-05"
    source = data.value(change, PROV.wasDerivedFrom)
    quote = str(data.value(source, URIRef(PREFIXES["oa"] + "exact")))
    assert "since May 2021" in quote


@pytest.fixture(scope="module")
def changes():
    return build([ontology_dir(), CHANGES])


@pytest.mark.parametrize("date, members", [
    ("2015-01-01", {"NCO-NOR"}),
    ("2016-05-12", {"NCO-DNK", "NCO-NOR", "NCO-SWE"}),
    ("2020-12-31", {"NCO-DNK", "NCO-NOR", "NCO-SWE"}),
    ("2021-01-01", {"NCO-NOR", "NCO-SWE"}),
    ("2021-03-01", {"NCO-ISL", "NCO-NOR", "NCO-SWE"}),
])
def test_members_on_a_date_follow_the_changes(changes, queries, date, members):
    result = run(queries["members-on-date"], {"organisation": NCOS, "date": date}, built=changes)
    rows = result.sorted_rows()
    assert {row[0].rsplit("/", 1)[-1] for row in rows} == members
    periods = {row[0].rsplit("/", 1)[-1]: row[5] for row in rows}
    assert periods["NCO-NOR"] == "open-ended"


def test_members_on_a_date_of_the_group(changes, queries):
    result = run(queries["members-on-date"], {"date": "2030-01-01"}, built=changes)
    assert [(r[0], r[2]) for r in result.sorted_rows()] == [(NCOS, "member")]


def test_which_ncos_changed(changes, queries):
    rows = run(queries["nco-changes"], built=changes).sorted_rows()
    assert [(r[0], r[3], r[4], r[5]) for r in rows] == [
        ("DNK", "2016-05-12", "2020-12-31", "designated and ended"),
        ("ISL", "2021-03-01", "", "designated"),
        ("NOR", "", "", "none recorded"),
        ("SWE", "2016-05-12", "", "designated"),
    ]


# ---------------------------------------------------------------- legal acts and bases


LINKS_FROM_AN_ACT = (ECGNS.establishes, ECGNS.mandates)


def orphan_acts(graph: rdflib.Graph, ontology: rdflib.Graph) -> list[str]:
    """Legal acts nothing outside the legal acts points to, and that establish or task nothing."""
    legal = {
        s for s, cls in graph.subject_objects(RDF.type) if isinstance(cls, URIRef)
        and ({ELI.LegalResource, ELI.LegalResourceSubdivision} & superclasses(ontology, cls))
    }
    acts = {a for a in legal if graph.value(a, ELI.is_part_of) is None}
    orphans = []
    for act in acts:
        parts = {act} | set(graph.subjects(ELI.is_part_of, act))
        pointed_at = any(s not in legal for part in parts for s in graph.subjects(None, part))
        acts_on = any(graph.value(part, p) is not None for part in parts for p in LINKS_FROM_AN_ACT)
        if not (pointed_at or acts_on):
            orphans.append(str(act))
    return sorted(orphans)


def test_no_orphan_legal_act(data, ontology):
    assert orphan_acts(data, ontology) == []


def test_an_orphan_legal_act_is_caught(ontology):
    graph = rdflib.Graph()
    act = URIRef("https://w3id.org/ecgkg/id/act/32099R0001")
    graph.add((act, RDF.type, ECGNS.Regulation))
    graph.add((act, PROV.wasDerivedFrom, act))
    assert orphan_acts(graph, ontology) == [str(act)]
    graph.add((URIRef(ID + "initiative/x"), ECGNS.legalBasis, act))
    assert orphan_acts(graph, ontology) == []


def test_the_esco_compliance_item_is_about_the_implementing_decisions(data):
    item = URIRef(ID + "meeting/ECG-2023-11-22/item/11")
    assert set(data.objects(item, ECGNS.aboutLegalAct)) == {
        URIRef(ID + "act/32018D1020"), URIRef("http://data.europa.eu/eli/dec_impl/2018/1021/oj")}
    assert data.value(item, URIRef(PREFIXES["skos"] + "editorialNote")) is not None


def test_inferred_legal_bases_carry_an_editorial_note(data):
    with_basis = set(data.subjects(ECGNS.legalBasis, None))
    initiatives = {s for s in with_basis if str(s).startswith(ID + "initiative/")}
    assert initiatives
    for subject in initiatives:
        assert data.value(subject, URIRef(PREFIXES["skos"] + "editorialNote")) is not None, subject


def test_ncos_are_derived_from_what_supports_them(data):
    regulation = URIRef("http://data.europa.eu/eli/reg/2016/589/oj")
    country_table = URIRef("http://publications.europa.eu/resource/authority/country")
    ncos = set(data.subjects(RDF.type, ECGNS.NationalCoordinationOffice))
    assert ncos
    for nco in ncos:
        sources = set(data.objects(nco, PROV.wasDerivedFrom))
        assert regulation not in sources and country_table in sources, nco


def test_the_legal_basis_query_answers(built, queries):
    rows = run(queries["legal-basis"], {"subject": ID + "initiative/eures-portal-strategy-2023-2030"},
               built=built).sorted_rows()
    assert [(r[0], r[3]) for r in rows] == [("rests on", "32016R0589")]


# ---------------------------------------------------------------- labels the source uses


@pytest.mark.parametrize("wording", ["ES NCO", "NCO ES", "Spanish NCO"])
def test_the_sources_wordings_are_found_by_label(built, queries, wording):
    rows = run(queries["find-by-label"], {"text": wording}, built=built).sorted_rows()
    assert ID + "org/NCO-ESP" in {r[0] for r in rows}


# ---------------------------------------------------------------- every external term documented


def test_every_term_the_data_uses_is_documented(ontology):
    uses = terms_used()
    assert len({u.term for u in uses}) > 40
    assert undocumented(uses, ontology) == []


def test_an_undocumented_term_is_caught(tmp_path, ontology):
    path = tmp_path / "x.ttl"
    path.write_text("<https://example.org/a> <http://www.w3.org/ns/org#hasSite> "
                    "<https://example.org/b> .\n", encoding="utf-8")
    assert undocumented(terms_used([path]), ontology) == ["org:hasSite"]


def test_the_vocabulary_table_is_up_to_date():
    path = project_root() / VOCABULARY_FILE
    assert path.is_file(), f"{VOCABULARY_FILE} is missing: run `{COMMAND}`"
    assert path.read_text(encoding="utf-8") == vocabulary_markdown(), (
        f"{VOCABULARY_FILE} is stale: run `{COMMAND}`")
