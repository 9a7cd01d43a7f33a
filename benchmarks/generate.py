"""Generates a synthetic but realistic history of EURES Coordination Group meetings.

The output follows the bundled data's model (data/ is the model it imitates) and conforms to
shapes/ with the ontology: no violation, warning or info result (`ecgkg validate DIR ontology`).

* reference.nt: the bodies (ECG, ECO, ELA, the Commission and DG EMPL, the NCOs taken
  together, the 31 National Coordination Offices, two working groups), the 31 EURES countries
  and their country groups, and real places, from the Publications Office tables in
  ../shared/data/nal/; the legal acts and provisions; the ESCO release and the ESCO concepts the
  links point to, drawn from the real ESCO v1.1.1 package with their labels and broader chain
  (as data/esco/ holds them); the dataset's metadata.
* meetings.nt: 3-4 meetings a year from 1994 on (more a month past about 5M triples, see
  FIRST_YEAR), each with its days, participations (the ECO as
  organiser and chair, the Commission, the NCOs, the co-hosting NCO, the NCOs that presented,
  an invited working group), 10-20 agenda items (presentations by the ECO, the Commission and
  the NCOs, and a few items without a presenter), sometimes a block with a working group and a
  combined Council Presidency event, initiatives with their legal basis (strategies with their
  periods, national initiatives with their country, parts of wider initiatives), qualified
  ESCO links, and the meeting's executive summary: paragraphs and sentences, quoted exactly,
  that every fact points back to (prov:wasDerivedFrom).

The meeting of 22-24 November 2023 in Malaga is always generated (with a Spanish Presidency
event showcasing Investigo), so the bundled queries' default parameters find something at every
size. Past a few tens of thousands of triples the history runs past today's date: meetings are
dated in the future then, which changes nothing for the workloads.

The output is a function of the arguments alone: the same seed and size give the same bytes.

    python benchmarks/generate.py --triples 100000 --seed 1 -o benchmarks/work/100k
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import os
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ID = "https://w3id.org/ecgkg/id/"
ECG = "https://w3id.org/ecgkg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
CV = "http://data.europa.eu/m8g/"
ORG = "http://www.w3.org/ns/org#"
ELI = "http://data.europa.eu/eli/ontology#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
OA = "http://www.w3.org/ns/oa#"
ESCO_MODEL = "http://data.europa.eu/esco/model#"
ESCO_SCHEME = "http://data.europa.eu/esco/concept-scheme/"
XSD = "http://www.w3.org/2001/XMLSchema#"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
PLACE = "http://publications.europa.eu/resource/authority/place/"
COUNTRY_TABLE = COUNTRY[:-1]
PLACE_TABLE = PLACE[:-1]
CORPORATE_BODY = "http://publications.europa.eu/resource/authority/corporate-body/"

REG_2016_589 = "http://data.europa.eu/eli/reg/2016/589/oj"
REG_2019_1149 = "http://data.europa.eu/eli/reg/2019/1149/oj"
DEC_2018_1021 = "http://data.europa.eu/eli/dec_impl/2018/1021/oj"
ART_14 = ID + "act/32016R0589/art-14"
RCT_23 = ID + "act/32016R0589/rct-23"
RELEASE = ID + "esco-release/1.1.1"
ANCHOR = dt.date(2023, 11, 22)  # the bundled meeting, in Malaga: the queries' defaults
MANAGEMENT_SKILLS = "http://data.europa.eu/esco/skill/869fc2ce-478f-4420-8766-e1f02cec4fb2"
EURES_PORTAL = "https://eures.ec.europa.eu"

COUNTRY_GROUPS = {"EU": "EU", "EEA-EFTA": "EEA-EFTA", "EFTA (EURES participant)": "EFTA-EURES"}
WORKING_GROUPS = [
    ("IOC-WG", "Interoperability Contact Working Group", "IOC WG", "interoperability of national job and CV databases with the EURES portal"),
    ("TC-WG", "Training Coordinators' Working Group", "TC WG", "the EURES training programme"),
]
INITIATIVE_KINDS = {
    "Strategy": "strategy", "Programme": "programme", "Project": "project",
    "Instrument": "instrument", "Network": "network", "Plan": "plan",
    "TrainingScheme": "training scheme", "Initiative": "initiative",
}
THEMES = [
    "labour mobility", "seasonal work", "cross-border partnerships", "youth employment",
    "skills matching", "digital services", "green transition", "healthcare workers",
    "long-term unemployment", "fair mobility", "labour shortages", "job fairs",
    "employer services", "information and guidance", "third-country nationals", "frontier workers",
]
ECO_TOPICS = ["Updates on", "Progress report on", "Next steps for", "Evaluation of",
              "Presentation of", "Lessons learnt from"]
EC_TOPICS = ["EU-level developments on", "Policy update on", "Commission proposal on",
             "Implementation report on"]
NCO_TOPICS = ["National experience with", "Good practice in", "National approach to"]
OTHER_ITEMS = ["Adoption of the agenda", "Tour de table", "Any other business",
               "Conclusions and next meeting"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


# ---------------------------------------------------------------------------- terms


def iri(value: str) -> str:
    return f"<{value}>"


def literal(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\r", "\\r"))
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def en(value: str) -> str:
    return literal(value, "en")


def date(value: dt.date) -> str:
    return literal(value.isoformat(), datatype=XSD + "date")


# Counts and positions (day, listing order, paragraph and sentence numbers): the datatype the
# shapes ask for (sh:datatype xsd:integer with sh:minInclusive 1).
POSITION_DATATYPE = XSD + "integer"


def positive(value: int) -> str:
    return literal(str(value), datatype=POSITION_DATATYPE)


def year(value: int) -> str:
    return literal(str(value), datatype=XSD + "gYear")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def day_span(start: dt.date, end: dt.date) -> str:
    """'22-24 November 2023', '30 November - 1 December 2023' or '5 March 2024'."""
    if start == end:
        return f"{start.day} {MONTHS[start.month - 1]} {start.year}"
    if start.month == end.month:
        return f"{start.day}-{end.day} {MONTHS[start.month - 1]} {start.year}"
    return (f"{start.day} {MONTHS[start.month - 1]} - {end.day} {MONTHS[end.month - 1]} "
            f"{end.year}")


T = iri(RDF_TYPE)
PREF = iri(SKOS + "prefLabel")
ALT = iri(SKOS + "altLabel")
DERIVED = iri(PROV + "wasDerivedFrom")
PART_OF = iri(DCT + "isPartOf")


def ecg(name: str) -> str:
    return iri(ECG + name)


class Writer:
    def __init__(self, stream):
        self.stream = stream
        self.count = 0

    def triple(self, s: str, p: str, o: str) -> None:
        self.stream.write(f"{s} {p} {o} .\n")
        self.count += 1


# ---------------------------------------------------------------------------- reference data


@dataclass
class Country:
    code: str  # ISO 3166 alpha-3, as in the country table
    short: str  # the two-letter code the minutes use (NCO BE)
    name: str
    group: str
    labels: dict[str, str]
    places: list[tuple[str, str]] = field(default_factory=list)  # (code, English name)

    @property
    def iri(self) -> str:
        return COUNTRY + self.code

    @property
    def nco(self) -> str:
        return f"NCO-{self.code}"


def read_countries(nal_dir: Path, rng: random.Random) -> list[Country]:
    """The 31 EURES countries, each with up to three real places of the place table (Brussels
    and Malaga always among them)."""
    with open(nal_dir / "country-eu-eea-ch.csv", encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    places: dict[str, list[tuple[str, str]]] = {}
    with open(nal_dir / "place-all-en.csv", encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            if row["deprecated"] == "false" and re.fullmatch(r"[A-Z]{3}_[A-Z0-9]+", row["code"]):
                places.setdefault(row["country_code"], []).append((row["code"], row["label_en"]))
    countries = []
    for row in rows:
        labels = {"en": row["label_en"]}
        for language in ("de", "fr"):
            if row.get(f"label_{language}"):
                labels[language] = row[f"label_{language}"]
        country = Country(row["code"], row["ted_code"], row["label_en"],
                          COUNTRY_GROUPS[row["group"]], labels)
        candidates = sorted(places.get(row["code"], []))
        chosen = rng.sample(candidates, min(3, len(candidates)))
        for must in ("BEL_BRU", "ESP_AGP"):
            for candidate in candidates:
                if candidate[0] == must and candidate not in chosen:
                    chosen[0] = candidate
        country.places = sorted(chosen)
        countries.append(country)
    return countries


@dataclass
class EscoConcept:
    iri: str
    kind: str  # Occupation, Skill, SkillGroup, ISCOGroup
    label: str
    alt_labels: list[str]
    code: str
    broader: list[str]


ESCO_FILES = (("en/occupations_en.csv.gz", "Occupation"), ("en/skills_en.csv.gz", "Skill"),
              ("en/skillGroups_en.csv.gz", "SkillGroup"), ("en/ISCOGroups_en.csv.gz", "ISCOGroup"))


def read_esco(esco_dir: Path, limit: int, rng: random.Random
              ) -> tuple[list[EscoConcept], dict[str, EscoConcept]]:
    """A random sample of real occupations and skills (some of them under the skill group S4
    'management skills', the default of the esco-concept-links query), with every ancestor on
    their broader chain. Returns the sample and every concept to describe, in a stable order."""
    csv.field_size_limit(sys.maxsize)

    def rows(relative: str):
        with gzip.open(esco_dir / relative, "rt", encoding="utf-8", newline="") as stream:
            yield from csv.DictReader(stream)

    concepts: dict[str, EscoConcept] = {}
    for relative, kind in ESCO_FILES:
        for row in rows(relative):
            alt = [a.strip() for a in row.get("altLabels", "").splitlines() if a.strip()]
            concepts[row["conceptUri"]] = EscoConcept(
                row["conceptUri"], kind, row["preferredLabel"].strip(), alt[:3],
                row.get("code", "") or "", [])
    for relative in ("relations/broaderRelationsOccPillar.csv.gz",
                     "relations/broaderRelationsSkillPillar.csv.gz"):
        for row in rows(relative):
            if row["broaderUri"] in concepts and row["conceptUri"] in concepts:
                concepts[row["conceptUri"]].broader.append(row["broaderUri"])
    for concept in concepts.values():
        concept.broader = sorted(set(concept.broader))

    def ancestors(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for parent in concepts[todo.pop()].broader:
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    leaves = sorted(i for i, c in concepts.items() if c.kind in ("Occupation", "Skill"))
    managerial = [i for i in leaves if concepts[i].kind == "Skill" and MANAGEMENT_SKILLS in ancestors(i)]
    sample = rng.sample(managerial, min(max(2, limit // 50), len(managerial)))
    chosen = set(sample)
    sample += [i for i in rng.sample(leaves, min(limit, len(leaves))) if i not in chosen]
    described: dict[str, EscoConcept] = {}
    for concept in sample:
        for node in [concept, *sorted(ancestors(concept))]:
            described.setdefault(node, concepts[node])
    return [concepts[i] for i in sample], described


def write_reference(w: Writer, countries: list[Country], described: dict[str, EscoConcept]) -> None:
    t = w.triple
    scheme = iri(ID + "country-group")
    t(scheme, T, iri(SKOS + "ConceptScheme"))
    t(scheme, PREF, en("Groups of EURES countries by their relation to the EU"))
    for label, group_slug in COUNTRY_GROUPS.items():
        group = iri(f"{ID}country-group/{group_slug}")
        t(group, T, iri(SKOS + "Concept"))
        t(group, iri(SKOS + "inScheme"), scheme)
        t(group, PREF, en(label))
        t(group, iri(SKOS + "notation"), literal(group_slug))
    for country in countries:
        node = iri(country.iri)
        t(node, T, iri(SKOS + "Concept"))
        t(node, iri(SKOS + "inScheme"), iri(COUNTRY_TABLE))
        t(node, iri(SKOS + "notation"), literal(country.code))
        for language, label in country.labels.items():
            t(node, PREF, literal(label, language))
        t(node, DERIVED, iri(COUNTRY_TABLE))
        t(node, ecg("euresCountryGroup"), iri(f"{ID}country-group/{country.group}"))
        for code, name in country.places:
            place = iri(PLACE + code)
            t(place, T, iri(SKOS + "Concept"))
            t(place, iri(SKOS + "inScheme"), iri(PLACE_TABLE))
            t(place, iri(SKOS + "notation"), literal(code))
            t(place, PREF, en(name))
            t(place, DERIVED, iri(PLACE_TABLE))
            t(place, ecg("country"), node)

    org = lambda key: iri(ID + "org/" + key)

    def membership(group: str, member: str, roles: tuple[str, ...] = ("member",)) -> None:
        # Open-ended, as in data/: the sources give no dates.
        node = iri(f"{ID}membership/{group}/{member}")
        t(node, T, iri(ORG + "Membership"))
        t(node, iri(ORG + "member"), org(member))
        t(node, iri(ORG + "organization"), org(group))
        for role in roles:
            t(node, iri(ORG + "role"), iri(ID + "role/" + role))
        t(node, DERIVED, iri(ART_14))
        t(node, iri(SKOS + "editorialNote"), en("Open-ended: the sources give no dates."))

    t(org("ECG"), T, ecg("CoordinationGroup"))
    t(org("ECG"), T, iri(ORG + "Organization"))
    t(org("ECG"), PREF, en("EURES Coordination Group"))
    t(org("ECG"), ecg("acronym"), literal("ECG"))
    membership("ECG", "EC")
    membership("ECG", "ECO", ("member", "chair", "organiser"))
    membership("ECG", "NCOs")
    t(org("ECG"), DERIVED, iri(ART_14))
    t(org("ELA"), T, iri(CV + "PublicOrganisation"))
    t(org("ELA"), T, iri(ORG + "Organization"))
    t(org("ELA"), PREF, en("European Labour Authority"))
    t(org("ELA"), ecg("acronym"), literal("ELA"))
    t(org("ELA"), DERIVED, iri(REG_2019_1149))
    t(org("ECO"), T, ecg("CoordinationOffice"))
    t(org("ECO"), T, iri(ORG + "Organization"))
    t(org("ECO"), PREF, en("European Coordination Office"))
    t(org("ECO"), ecg("acronym"), literal("ECO"))
    t(org("ECO"), iri(ORG + "unitOf"), org("ELA"))
    t(org("ECO"), DERIVED, iri(REG_2019_1149))
    t(org("EC"), T, iri(CV + "PublicOrganisation"))
    t(org("EC"), T, iri(ORG + "Organization"))
    t(org("EC"), PREF, en("European Commission"))
    t(org("EC"), iri(SKOS + "exactMatch"), iri(CORPORATE_BODY + "COM"))
    t(org("EC"), DERIVED, iri(CORPORATE_BODY[:-1]))
    t(org("DG-EMPL"), T, iri(CV + "PublicOrganisation"))
    t(org("DG-EMPL"), T, iri(ORG + "OrganizationalUnit"))
    t(org("DG-EMPL"), T, iri(ORG + "Organization"))
    t(org("DG-EMPL"), PREF, en("DG EMPL"))
    t(org("DG-EMPL"), iri(SKOS + "definition"),
      en("The Commission's Directorate-General for Employment, Social Affairs and Inclusion."))
    t(org("DG-EMPL"), iri(ORG + "unitOf"), org("EC"))
    t(org("DG-EMPL"), DERIVED, iri(CORPORATE_BODY[:-1]))
    t(org("NCOs"), T, iri(ORG + "OrganizationalCollaboration"))
    t(org("NCOs"), T, iri(ORG + "Organization"))
    t(org("NCOs"), PREF, en("EURES National Coordination Offices"))
    t(org("NCOs"), ecg("acronym"), literal("NCOs"))
    t(org("NCOs"), ecg("legalBasis"), iri(REG_2016_589))
    t(org("NCOs"), DERIVED, iri(REG_2016_589))
    for key, label, acronym, _subject in WORKING_GROUPS:
        t(org(key), T, ecg("WorkingGroup"))
        t(org(key), T, iri(ORG + "Organization"))
        t(org(key), PREF, en(label))
        t(org(key), ecg("acronym"), literal(acronym))
        t(org(key), iri(ORG + "subOrganizationOf"), org("ECG"))
        t(org(key), DERIVED, iri(REG_2016_589))
    for country in countries:
        nco = org(country.nco)
        t(nco, T, ecg("NationalCoordinationOffice"))
        t(nco, T, iri(ORG + "Organization"))
        t(nco, PREF, en(f"EURES National Coordination Office ({country.name})"))
        t(nco, ecg("acronym"), literal(f"NCO {country.short}"))
        t(nco, ecg("country"), iri(country.iri))
        membership("NCOs", country.nco)
        t(nco, ecg("legalBasis"), iri(REG_2016_589))
        t(nco, DERIVED, iri(REG_2016_589))

    acts = (
        (REG_2016_589, "Regulation", "32016R0589", "2016-04-13", "Regulation (EU) 2016/589",
         ("Regulation (EU) 2016/589 of the European Parliament and of the Council of 13 April "
          "2016 on a European network of employment services (EURES), workers' access to "
          "mobility services and the further integration of labour markets, and amending "
          "Regulations (EU) No 492/2011 and (EU) No 1296/2013"), "OJ L 107, 22.4.2016, p. 1-28"),
        (REG_2019_1149, "Regulation", "32019R1149", "2019-06-20", "Regulation (EU) 2019/1149",
         ("Regulation (EU) 2019/1149 of the European Parliament and of the Council of 20 June "
          "2019 establishing a European Labour Authority, amending Regulations (EC) No 883/2004, "
          "(EU) No 492/2011, and (EU) 2016/589 and repealing Decision (EU) 2016/344"),
         "OJ L 186, 11.7.2019, p. 21"),
        (DEC_2018_1021, "ImplementingDecision", "32018D1021", "2018-07-18",
         "Commission Implementing Decision (EU) 2018/1021",
         ("Commission Implementing Decision (EU) 2018/1021 of 18 July 2018 on technical "
          "standards and formats for automated matching using the European classification and "
          "interoperability of national systems with it"), "OJ L 183, 19.7.2018, p. 20-22"),
    )
    for act, cls, celex, adopted, label, title, citation in acts:
        t(iri(act), T, ecg(cls))
        t(iri(act), iri(ELI + "id_local"), literal(celex))
        t(iri(act), iri(ELI + "date_document"), date(dt.date.fromisoformat(adopted)))
        t(iri(act), iri(ELI + "title"), en(title))
        t(iri(act), iri(DCT + "bibliographicCitation"), literal(citation))
        t(iri(act), PREF, en(label))
        t(iri(act), DERIVED, iri(act))
    t(iri(REG_2016_589), iri(ELI + "date_entry_into_force"), date(dt.date(2016, 5, 12)))
    t(iri(REG_2016_589), iri(ELI + "amended_by"), iri(REG_2019_1149))
    t(iri(REG_2019_1149), ecg("establishes"), org("ELA"))
    for provision, cls, number, label in (
            (ART_14, "Article", "14", "Article 14 of Regulation (EU) 2016/589"),
            (RCT_23, "Recital", "23", "Recital 23 of Regulation (EU) 2016/589")):
        t(iri(provision), T, ecg(cls))
        t(iri(provision), iri(ELI + "is_part_of"), iri(REG_2016_589))
        t(iri(provision), iri(ELI + "number"), literal(number))
        t(iri(provision), PREF, en(label))
        t(iri(provision), DERIVED, iri(REG_2016_589))
    t(iri(ART_14), ecg("establishes"), org("ECG"))
    t(iri(ART_14), ecg("mandates"), org("ECO"))
    t(iri(RCT_23), ecg("mandates"), org("ECG"))

    release = iri(RELEASE)
    t(release, T, ecg("EscoRelease"))
    t(release, ecg("escoVersion"), literal("1.1.1"))
    t(release, iri(DCT + "title"), en("ESCO v1.1.1"))
    t(release, iri(DCT + "rights"),
      en("This service uses the ESCO classification of the European Commission."))
    for scheme_name, label in (("occupations", "ESCO Occupations"), ("skills", "ESCO skills")):
        node = iri(ESCO_SCHEME + scheme_name)
        t(node, T, iri(SKOS + "ConceptScheme"))
        t(node, PREF, en(label))
        t(node, ecg("escoRelease"), release)
        t(node, ecg("escoStatus"), literal("released"))
    for concept in described.values():
        node = iri(concept.iri)
        t(node, T, iri(ESCO_MODEL + concept.kind))
        t(node, T, iri(SKOS + "Concept"))
        if concept.kind in ("Occupation", "ISCOGroup"):
            t(node, iri(SKOS + "inScheme"), iri(ESCO_SCHEME + "occupations"))
        else:
            t(node, iri(SKOS + "inScheme"), iri(ESCO_SCHEME + "skills"))
        if concept.code and concept.kind in ("SkillGroup", "ISCOGroup"):
            t(node, iri(SKOS + "notation"), literal(concept.code))
        t(node, PREF, en(concept.label))
        for alt in concept.alt_labels:
            t(node, ALT, en(alt))
        t(node, ecg("escoStatus"), literal("released"))
        t(node, ecg("escoRelease"), release)
        for parent in concept.broader:
            t(node, iri(SKOS + "broader"), iri(parent))

    dataset = iri(ID + "dataset")
    t(dataset, T, iri(DCAT + "Dataset"))
    t(dataset, iri(DCT + "title"), en("ecgkg: synthetic history of the EURES Coordination Group"))
    t(dataset, iri(DCT + "description"), en(
        "Synthetic meetings of the EURES Coordination Group, generated for benchmarks by "
        "benchmarks/generate.py; not a record of real events."))
    t(dataset, iri(DCT + "license"), iri("https://creativecommons.org/licenses/by/4.0/"))
    t(dataset, iri(DCT + "conformsTo"), iri("https://w3id.org/ecgkg/ontology"))


# ---------------------------------------------------------------------------- meetings


@dataclass
class Initiative:
    iri: str
    label: str
    kind: str
    runner: str  # key of the body under id/org/


class Summary:
    """The executive summary of one meeting: numbered paragraphs of sentences, quoted exactly."""

    def __init__(self, doc: str) -> None:
        self.doc = doc
        self.paragraphs: dict[int, list[str]] = {}

    def sentence(self, paragraph: int, text: str) -> str:
        """Add a sentence to the paragraph; its IRI, for prov:wasDerivedFrom."""
        sentences = self.paragraphs.setdefault(paragraph, [])
        sentences.append(text)
        return f"{self.doc}/p{paragraph}-s{len(sentences)}"

    def write(self, t, title: str, meeting: str, start: dt.date) -> None:
        doc = iri(self.doc)
        t(doc, T, ecg("SourceDocument"))
        t(doc, iri(DCT + "title"), en(title))
        t(doc, iri(DCT + "description"), en(
            f"The executive summary of the minutes of the EURES Coordination Group meeting of "
            f"{start.isoformat()}, as published by EURES (synthetic)."))
        t(doc, iri(DCT + "language"), literal("en"))
        t(doc, iri(DCT + "source"), iri(EURES_PORTAL))
        t(doc, ecg("reportsOn"), iri(meeting))
        for number in sorted(self.paragraphs):
            sentences = self.paragraphs[number]
            paragraph = iri(f"{self.doc}/p{number}")
            t(paragraph, T, ecg("SourcePassage"))
            t(paragraph, PART_OF, doc)
            t(paragraph, iri(OA + "exact"), en(" ".join(sentences)))
            t(paragraph, ecg("paragraphNumber"), positive(number))
            for index, text in enumerate(sentences, 1):
                sentence = iri(f"{self.doc}/p{number}-s{index}")
                t(sentence, T, ecg("SourcePassage"))
                t(sentence, PART_OF, paragraph)
                t(sentence, iri(OA + "exact"), en(text))
                t(sentence, ecg("paragraphNumber"), positive(number))
                t(sentence, ecg("sentenceNumber"), positive(index))


class History:
    """Writes meetings one after the other, remembering the initiatives presented so far."""

    def __init__(self, w: Writer, rng: random.Random, countries: list[Country],
                 concepts: list[EscoConcept]) -> None:
        self.w = w
        self.rng = rng
        self.countries = countries
        self.by_code = {c.code: c for c in countries}
        self.concepts = concepts
        self.initiatives: list[Initiative] = []
        self.presidencies: set[str] = set()
        self.meetings = 0

    # -- helpers

    def t(self, s: str, p: str, o: str) -> None:
        self.w.triple(s, p, o)

    def acronym(self, key: str) -> str:
        if key.startswith("NCO-"):
            return f"NCO {self.by_code[key[4:]].short}"
        return key

    def esco_link(self, owner: str, concept: EscoConcept, source: str) -> None:
        t = self.t
        link = f"{owner}/esco/{slug(concept.iri.rsplit('/', 1)[1])}"
        t(iri(owner), ecg("hasEscoLink"), iri(link))
        t(iri(link), T, ecg("EscoLink"))
        t(iri(link), ecg("escoConcept"), iri(concept.iri))
        t(iri(link), ecg("escoRelease"), iri(RELEASE))
        t(iri(link), ecg("escoLabelAtLink"), en(concept.label))
        t(iri(link), ecg("escoStatusAtLink"), literal("released"))
        t(iri(link), DERIVED, iri(source))

    def new_initiative(self, kind: str, label: str, runner: str, start_year: int,
                       source: str, country: Country | None = None,
                       part_of: Initiative | None = None, slug_text: str | None = None,
                       extra_labels: dict[str, str] | None = None) -> Initiative:
        t, rng = self.t, self.rng
        number = len(self.initiatives) + 1
        node = f"{ID}initiative/{slug_text or slug(label)}-{number}"
        initiative = Initiative(node, label, kind, runner)
        t(iri(node), T, ecg(kind))
        t(iri(node), PREF, en(label))
        for language, text in (extra_labels or {}).items():
            t(iri(node), PREF, literal(text, language))
        t(iri(node), ecg("runBy"), iri(ID + "org/" + runner))
        t(iri(node), ecg("legalBasis"), iri(REG_2016_589 if rng.random() < 0.7 else ART_14))
        if kind == "Strategy" or (kind in ("Programme", "Plan") and rng.random() < 0.5):
            t(iri(node), ecg("periodStart"), year(start_year))
            t(iri(node), ecg("periodEnd"), year(start_year + rng.randint(2, 7)))
        if country is not None:
            t(iri(node), ecg("country"), iri(country.iri))
        if part_of is not None:
            t(iri(node), ecg("partOfInitiative"), iri(part_of.iri))
        if rng.random() < 0.2:
            t(iri(node), ecg("acronym"),
              literal("".join(word[0] for word in label.split() if word[0].isalpha()).upper()))
        t(iri(node), DERIVED, iri(source))
        if self.concepts and rng.random() < 0.15:
            self.esco_link(node, rng.choice(self.concepts), source)
        self.initiatives.append(initiative)
        return initiative

    def presidency(self, country: Country, when: dt.date, source: str) -> str:
        key = f"council-presidency-{country.code}-{when.year}"
        node = iri(ID + "org/" + key)
        if key not in self.presidencies:
            self.presidencies.add(key)
            self.t(node, T, ecg("CouncilPresidency"))
            self.t(node, T, iri(ORG + "Organization"))
            self.t(node, PREF, en(f"{country.name} Presidency of the Council of the European "
                                  f"Union ({when.year})"))
            self.t(node, ALT, en(f"{country.name} Presidency"))
            self.t(node, ecg("country"), iri(country.iri))
            self.t(node, DERIVED, iri(source))
        return ID + "org/" + key

    # -- one meeting

    def meeting(self, start: dt.date, host: Country, place: tuple[str, str],
                days: int, anchor: bool = False) -> None:
        t, rng = self.t, self.rng
        end = start + dt.timedelta(days=days - 1)
        mid = f"{ID}meeting/ECG-{start.isoformat()}"
        meeting = iri(mid)
        summary = Summary(f"{ID}doc/ecg-{start.isoformat()}-executive-summary")
        span = day_span(start, end)
        city = place[1]
        in_brussels = place[0] == "BEL_BRU"

        held = summary.sentence(1, f"A EURES Coordination Group (ECG) meeting was held on {span} "
                                   f"in {city}, {host.name}.")
        met = summary.sentence(1, "It brought together the European Coordination Office (ECO), "
                                  "the Commission (DG EMPL) and the EURES National Coordination "
                                  "Offices (NCOs).")
        t(meeting, T, ecg("Meeting"))
        t(meeting, PREF, en(f"EURES Coordination Group meeting, {city}, {span}"))
        t(meeting, iri(DCT + "description"), en(
            "An opportunity for the ECG members to discuss the latest developments in EU labour "
            "mobility and to receive updates on the activities of the ECO and the Commission."))
        t(meeting, ecg("meetingOf"), iri(ID + "org/ECG"))
        t(meeting, ecg("startDate"), date(start))
        t(meeting, ecg("endDate"), date(end))
        t(meeting, ecg("hostCountry"), iri(host.iri))
        t(meeting, ecg("place"), iri(PLACE + place[0]))
        t(meeting, DERIVED, iri(held))

        day_iris = []
        for n in range(1, days + 1):
            day = f"{mid}/day/{n}"
            day_iris.append(day)
            t(meeting, ecg("hasDay"), iri(day))
            t(iri(day), T, ecg("MeetingDay"))
            # data/ states this once, by the meeting's ecg:hasDay; kept here (the shapes accept
            # it) because tests/test_validate_engine.py's error injection depends on these lines.
            t(iri(day), PART_OF, meeting)
            t(iri(day), PREF, en(f"Day {n} of the ECG meeting of {span}"))
            t(iri(day), ecg("date"), date(start + dt.timedelta(days=n - 1)))
            t(iri(day), ecg("dayNumber"), positive(n))
            t(iri(day), DERIVED, iri(held))

        participations: dict[str, tuple[list[str], list[str], list[str]]] = {
            "ECO": (["ECO"], ["chair", "member", "organiser"], [ART_14, met]),
            "EC": (["EC", "DG-EMPL"], ["member"], [met]),
            "NCOs": (["NCOs"], ["member"], [met]),
        }
        if not in_brussels:
            cohost = summary.sentence(1, f"{self.acronym(host.nco)} co-hosted the meeting in "
                                         f"{city}.")
            participations[host.nco] = ([host.nco], ["co-host", "member"], [cohost])

        # a dedicated block with a working group
        if anchor or rng.random() < 0.2:
            key, label, acronym, subject = WORKING_GROUPS[0 if anchor else rng.randrange(len(WORKING_GROUPS))]
            invited = summary.sentence(1, f"There was a dedicated block of the meeting on "
                                          f"{subject}, where {label} ({acronym}) members were "
                                          f"invited to join.")
            block = f"{mid}/block/{key.lower()}"
            t(meeting, ecg("hasBlock"), iri(block))
            t(iri(block), T, ecg("MeetingBlock"))
            t(iri(block), PART_OF, meeting)
            t(iri(block), PREF, en(f"Dedicated block with the {label} on {subject}"))
            t(iri(block), ecg("invitedGroup"), iri(ID + "org/" + key))
            t(iri(block), ecg("onDay"), iri(rng.choice(day_iris)))
            if self.initiatives and rng.random() < 0.5:
                t(iri(block), ecg("aboutInitiative"), iri(rng.choice(self.initiatives[-30:]).iri))
            t(iri(block), DERIVED, iri(invited))
            participations[key] = ([key], ["invited"], [invited])

        # agenda items
        presenters = ["ECO", "EC"] + [c.nco for c in self.countries]
        weights = [40, 25] + [35 / len(self.countries)] * len(self.countries)
        count = rng.randint(10, 20)
        for order in range(1, count + 1):
            item = f"{mid}/item/{order}"
            day = rng.randrange(days)
            theme = rng.choice(THEMES)
            if rng.random() < 0.1:
                label = rng.choice(OTHER_ITEMS)
                source = summary.sentence(1, f"The agenda included: {label.lower()}.")
                t(iri(item), T, ecg("AgendaItem"))
                presenter = None
            else:
                presenter = rng.choices(presenters, weights)[0]
                paragraph, topics = ((2, ECO_TOPICS) if presenter == "ECO" else
                                     (3, EC_TOPICS) if presenter == "EC" else (4, NCO_TOPICS))
                label = f"{rng.choice(topics)} {theme}"
                who = {"ECO": "ECO", "EC": "The Commission"}.get(presenter, self.acronym(presenter))
                source = summary.sentence(paragraph, f"{who} presented: {label.lower()}.")
                t(iri(item), T, ecg("Presentation"))
                t(iri(item), ecg("presentedBy"), iri(ID + "org/" + presenter))
                if presenter.startswith("NCO-") and presenter not in participations:
                    participations[presenter] = ([presenter], ["member"], [source])
            t(iri(item), PREF, en(label))
            t(iri(item), ecg("itemOf"), meeting)
            t(iri(item), ecg("listingOrder"), positive(order))
            t(iri(item), ecg("date"), date(start + dt.timedelta(days=day)))
            t(iri(item), ecg("onDay"), iri(day_iris[day]))
            t(iri(item), DERIVED, iri(source))
            if presenter is not None and rng.random() < 0.45:
                recent = self.initiatives[-40:]
                if not recent or rng.random() < 0.35:
                    kind = rng.choice(list(INITIATIVE_KINDS))
                    country = self.by_code[presenter[4:]] if presenter.startswith("NCO-") else None
                    name = f"{theme} {INITIATIVE_KINDS[kind]} {start.year}"
                    if country is not None:
                        name = f"{country.name} {name}"
                    else:
                        name = f"EURES {name}"
                    parent = None
                    if recent and rng.random() < 0.2:
                        parent = rng.choice(recent)
                    about = self.new_initiative(kind, name[0].upper() + name[1:], presenter,
                                                start.year, source, country, parent)
                else:
                    about = rng.choice(recent)
                t(iri(item), ecg("aboutInitiative"), iri(about.iri))
            elif presenter == "EC" and rng.random() < 0.15:
                t(iri(item), ecg("aboutLegalAct"),
                  iri(rng.choice((REG_2016_589, ART_14, DEC_2018_1021))))
            elif presenter == "ECO" and rng.random() < 0.1:
                t(iri(item), ecg("about"), iri(ID + "org/ELA"))
            if self.concepts and (rng.random() < 0.15 or (anchor and order == 1)):
                self.esco_link(item, rng.choice(self.concepts[:2] if anchor else self.concepts),
                               source)

        # a Council Presidency event combined with the meeting, on its last day
        if host.group == "EU" and not in_brussels and (anchor or rng.random() < 0.15):
            when = end
            event = f"{ID}event/{host.short}-presidency-{when.isoformat()}"
            opened = summary.sentence(5, f"{self.acronym(host.nco)} co-hosted the meeting as a "
                                         f"combined event with the {host.name} Presidency event "
                                         f"held on day {days}.")
            organiser = self.presidency(host, when, opened)
            t(meeting, ecg("combinedWith"), iri(event))
            t(iri(event), T, ecg("CombinedEvent"))
            t(iri(event), PREF, en(f"{host.name} Presidency event, {city}, {day_span(when, when)}"))
            t(iri(event), ecg("startDate"), date(when))
            t(iri(event), ecg("endDate"), date(when))
            t(iri(event), ecg("hostCountry"), iri(host.iri))
            t(iri(event), ecg("place"), iri(PLACE + place[0]))
            t(iri(event), ecg("onDay"), iri(day_iris[-1]))
            t(iri(event), ecg("organisedBy"), iri(organiser))
            t(iri(event), DERIVED, iri(opened))
            for order in range(1, (3 if anchor else rng.randint(1, 3)) + 1):
                theme = rng.choice(THEMES)
                if anchor and order == 1:
                    name, labels = "Investigo programme", {"es": "Investigo"}
                else:
                    name, labels = f"{host.name} {theme} programme {when.year}", {}
                source = summary.sentence(5, f"The Presidency event showcased {name}.")
                showcased = self.new_initiative("Programme", name, host.nco, when.year, source,
                                                host, None, extra_labels=labels)
                item = f"{event}/item/{order}"
                t(iri(item), T, ecg("Presentation"))
                t(iri(item), PREF, en(f"Presentation of the {name}"))
                t(iri(item), ecg("itemOf"), iri(event))
                t(iri(item), ecg("listingOrder"), positive(order))
                t(iri(item), ecg("date"), date(when))
                t(iri(item), ecg("presentedBy"), iri(ID + "org/" + host.nco))
                t(iri(item), ecg("aboutInitiative"), iri(showcased.iri))
                t(iri(item), DERIVED, iri(source))

        for key, (participants, roles, sources) in participations.items():
            participation = iri(f"{mid}/participation/{key}")
            t(meeting, iri(CV + "hasParticipation"), participation)
            t(participation, T, iri(CV + "Participation"))
            for participant in participants:
                t(participation, iri(CV + "hasParticipant"), iri(ID + "org/" + participant))
            for role in roles:
                t(participation, iri(CV + "role"), iri(ID + "role/" + role))
            for source in sources:
                t(participation, DERIVED, iri(source))

        summary.write(t, f"EURES Coordination Group meeting, {span}: Executive summary", mid,
                      start)
        self.meetings += 1

    def random_meeting(self, start: dt.date) -> None:
        rng = self.rng
        if rng.random() < 0.4:
            host = self.by_code["BEL"]
            place = next(p for p in host.places if p[0] == "BEL_BRU")
        else:
            host = rng.choice(self.countries)
            place = rng.choice(host.places)
        self.meeting(start, host, place, rng.choice((1, 2, 2, 3)))


# The history starts in FIRST_YEAR with 3-4 meeting months a year, one meeting in each; a size
# that would run it past HISTORY_YEARS years gets more meetings in each meeting month instead
# (on distinct days: a meeting's IRI is its date), so the dates stay within what Python's dates
# (and xsd:date's four-digit years) hold. Sizes up to about 5M keep one meeting a month, so
# their bytes are those of earlier versions of this generator.
FIRST_YEAR = 1994
HISTORY_YEARS = 5000
MEETING_DAYS = 26  # a meeting starts on day 1-26 of its month (it may last up to 3 days)
TRIPLES_PER_MEETING = 300  # a little under the measured mean (about 350), to err on the safe side
MEETINGS_A_YEAR = 3.5
MAX_TRIPLES = 100_000_000


class RangeError(ValueError):
    """The size asked for is past what the generator can date."""


def meetings_a_month(target: int, years: int = HISTORY_YEARS) -> int:
    """Meetings in each meeting month so that `target` triples fit in `years` of history."""
    per_month = max(1, -(-target // int(years * MEETINGS_A_YEAR * TRIPLES_PER_MEETING)))
    if target > MAX_TRIPLES or per_month > MEETING_DAYS:
        raise RangeError(f"{target:,} triples: past the generator's range (at most "
                         f"{MAX_TRIPLES:,}: meetings are dated from {FIRST_YEAR} to 9999)")
    return per_month


def write_meetings(w: Writer, target: int, rng: random.Random, countries: list[Country],
                   concepts: list[EscoConcept], years: int = HISTORY_YEARS) -> int:
    """Meetings until the writer has written `target` triples; the number of meetings."""
    per_month = meetings_a_month(target, years)
    history = History(w, rng, countries, concepts)
    spain = history.by_code["ESP"]
    history.meeting(ANCHOR, spain, next(p for p in spain.places if p[0] == "ESP_AGP"), 3,
                    anchor=True)
    when = FIRST_YEAR
    while w.count < target:
        if when > dt.MAXYEAR:  # the estimate above was off: say so rather than crash
            raise RangeError(f"{target:,} triples: the history ran past year {dt.MAXYEAR} "
                             f"after {w.count:,} triples; ask for fewer")
        months = sorted(rng.sample(range(1, 13), rng.choice((3, 4))))
        for month in months:
            if w.count >= target:
                break
            if when == ANCHOR.year and month == ANCHOR.month:
                continue  # that meeting is the anchor
            # One draw as before when one meeting a month is enough (the same bytes as before).
            days = ([rng.randint(1, MEETING_DAYS)] if per_month == 1 else
                    sorted(rng.sample(range(1, MEETING_DAYS + 1), per_month)))
            for day in days:
                if w.count >= target:
                    break
                history.random_meeting(dt.date(when, month, day))
        when += 1
    return history.meetings


def generate(target_triples: int, seed: int, esco_dir: Path, output: Path,
             nal_dir: Path | None = None, years: int = HISTORY_YEARS) -> dict[str, int]:
    """Write reference.nt and meetings.nt under `output`; deterministic for a given seed.
    `years` bounds the history's span (a test makes it short to exercise crowded years).
    RangeError, before anything is written, for a size past the generator's range."""
    meetings_a_month(target_triples, years)
    rng = random.Random(seed)
    output.mkdir(parents=True, exist_ok=True)
    countries = read_countries(nal_dir or default_nal_dir(), rng)
    concepts, described = read_esco(esco_dir, max(20, target_triples // 500), rng)
    with open(output / "reference.nt", "w", encoding="utf-8", newline="\n") as stream:
        reference = Writer(stream)
        write_reference(reference, countries, described)
    with open(output / "meetings.nt", "w", encoding="utf-8", newline="\n") as stream:
        meetings_writer = Writer(stream)
        meetings = write_meetings(meetings_writer, target_triples - reference.count, rng,
                                  countries, concepts, years)
    return {"triples": reference.count + meetings_writer.count, "meetings": meetings,
            "esco_concepts": len(described)}


def parse_size(text: str) -> int:
    """10000, 10k, 1m, 1M -> a number of triples."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number such as 10000, 10k or 1m")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    return int(float(match.group(1)) * factor)


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def default_esco_dir() -> Path:
    configured = os.environ.get("ECGKG_ESCO_DIR")
    return (Path(configured) if configured
            else project_root().parent / "shared" / "data" / "esco" / "v1.1.1")


def default_nal_dir() -> Path:
    configured = os.environ.get("ECGKG_NAL_DIR")
    return Path(configured) if configured else project_root().parent / "shared" / "data" / "nal"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=parse_size, default=10_000,
                        help="about how many triples to write (10000, 10k, 1m)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--esco", type=Path, default=None,
                        help="ESCO v1.1.1 CSV package folder (default: $ECGKG_ESCO_DIR, else "
                             "../shared/data/esco/v1.1.1)")
    parser.add_argument("--nal", type=Path, default=None,
                        help="Publications Office table extracts (default: $ECGKG_NAL_DIR, "
                             "else ../shared/data/nal)")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    try:
        print(generate(args.triples, args.seed, args.esco or default_esco_dir(), args.output,
                       args.nal))
    except RangeError as error:
        parser.exit(2, f"generate.py: error: {error}\n")


if __name__ == "__main__":
    main()
