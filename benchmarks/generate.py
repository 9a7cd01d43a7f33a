"""Generates a synthetic but realistic history of EURES Coordination Group meetings.

The output follows the bundled data's model (and must conform to shapes/): 3-4 meetings a year
from 1994 on, each with its days, participations, 10-20 presentations by the ECO, the Commission
and the 31 National Coordination Offices, initiatives with legal bases, ESCO links to concepts
drawn from the real ESCO release (described with their labels and broader chain, as in
data/esco/), a source document per meeting with its sentences, and provenance. Sizes past a few
hundred thousand triples run past today's date: meetings are dated in the future then, which
changes nothing for the workloads.

    python benchmarks/generate.py --triples 100000 --seed 1 -o benchmarks/work/100k

writes `reference.nt` (bodies, countries, legal acts, ESCO concepts) and `meetings.nt`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import random
import sys
from dataclasses import dataclass
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
OA = "http://www.w3.org/ns/oa#"
ESCO = "http://data.europa.eu/esco/model#"
XSD = "http://www.w3.org/2001/XMLSchema#"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
PLACE = "http://publications.europa.eu/resource/authority/place/"
REG_2016_589 = "http://data.europa.eu/eli/reg/2016/589/oj"
ART_14 = ID + "act/32016R0589/art-14"
RELEASE = ID + "esco-release/1.1.1"

EURES_COUNTRIES = [
    ("AUT", "AT", "Austria", "EU"), ("BEL", "BE", "Belgium", "EU"), ("BGR", "BG", "Bulgaria", "EU"),
    ("HRV", "HR", "Croatia", "EU"), ("CYP", "CY", "Cyprus", "EU"), ("CZE", "CZ", "Czechia", "EU"),
    ("DNK", "DK", "Denmark", "EU"), ("EST", "EE", "Estonia", "EU"), ("FIN", "FI", "Finland", "EU"),
    ("FRA", "FR", "France", "EU"), ("DEU", "DE", "Germany", "EU"), ("GRC", "GR", "Greece", "EU"),
    ("HUN", "HU", "Hungary", "EU"), ("IRL", "IE", "Ireland", "EU"), ("ITA", "IT", "Italy", "EU"),
    ("LVA", "LV", "Latvia", "EU"), ("LTU", "LT", "Lithuania", "EU"),
    ("LUX", "LU", "Luxembourg", "EU"), ("MLT", "MT", "Malta", "EU"),
    ("NLD", "NL", "Netherlands", "EU"), ("POL", "PL", "Poland", "EU"),
    ("PRT", "PT", "Portugal", "EU"), ("ROU", "RO", "Romania", "EU"),
    ("SVK", "SK", "Slovakia", "EU"), ("SVN", "SI", "Slovenia", "EU"), ("ESP", "ES", "Spain", "EU"),
    ("SWE", "SE", "Sweden", "EU"), ("ISL", "IS", "Iceland", "EEA-EFTA"),
    ("LIE", "LI", "Liechtenstein", "EEA-EFTA"), ("NOR", "NO", "Norway", "EEA-EFTA"),
    ("CHE", "CH", "Switzerland", "EFTA-EURES"),
]
# Real Publications Office place codes, one capital per country where the table has it.
PLACES = {"BEL": "BEL_BRU", "SVK": "SVK_BTS", "ESP": "ESP_AGP"}
INITIATIVE_TYPES = ["Strategy", "Programme", "Project", "Instrument", "Network", "Plan",
                    "TrainingScheme"]
TOPICS = ["Updates on the implementation of", "Progress report on", "Evaluation of",
          "Next steps for", "Lessons learnt from", "Presentation of"]


def iri(value: str) -> str:
    return f"<{value}>"


def literal(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


@dataclass
class EscoConcept:
    iri: str
    kind: str
    label: str
    broader: list[str]


def read_esco(esco_dir: Path, limit: int, rng: random.Random) -> tuple[list[EscoConcept], dict]:
    """A random sample of real occupations and skills, with every ancestor on their broader chain."""
    csv.field_size_limit(sys.maxsize)

    def rows(relative: str):
        with gzip.open(esco_dir / relative, "rt", encoding="utf-8", newline="") as stream:
            yield from csv.DictReader(stream)

    labels: dict[str, tuple[str, str]] = {}
    for relative, kind in (("en/occupations_en.csv.gz", "Occupation"),
                           ("en/skills_en.csv.gz", "Skill"),
                           ("en/skillGroups_en.csv.gz", "SkillGroup"),
                           ("en/ISCOGroups_en.csv.gz", "ISCOGroup")):
        for row in rows(relative):
            labels[row["conceptUri"]] = (kind, row["preferredLabel"])
    broader: dict[str, list[str]] = {}
    for relative in ("relations/broaderRelationsOccPillar.csv.gz",
                     "relations/broaderRelationsSkillPillar.csv.gz"):
        for row in rows(relative):
            if row["broaderUri"] in labels:
                broader.setdefault(row["conceptUri"], []).append(row["broaderUri"])
    leaves = sorted(i for i, (kind, _) in labels.items() if kind in ("Occupation", "Skill"))
    sample = rng.sample(leaves, min(limit, len(leaves)))
    described: dict[str, EscoConcept] = {}
    pending = list(sample)
    while pending:
        concept = pending.pop()
        if concept in described:
            continue
        kind, label = labels[concept]
        parents = sorted(broader.get(concept, []))
        described[concept] = EscoConcept(concept, kind, label, parents)
        pending.extend(parents)
    return [described[i] for i in sample], described


class Writer:
    def __init__(self, stream):
        self.stream = stream
        self.count = 0

    def triple(self, s: str, p: str, o: str) -> None:
        self.stream.write(f"{s} {p} {o} .\n")
        self.count += 1


def write_reference(w: Writer, described: dict[str, EscoConcept]) -> None:
    t = w.triple
    ecg = lambda name: iri(ECG + name)  # noqa: E731
    group = iri(ID + "org/ECG")
    t(group, iri(RDF_TYPE), ecg("CoordinationGroup"))
    t(group, iri(SKOS + "prefLabel"), literal("EURES Coordination Group", "en"))
    t(group, ecg("establishedBy"), iri(ART_14))
    t(group, iri(PROV + "wasDerivedFrom"), iri(ART_14))
    for org_id, cls, label in (("ECO", "CoordinationOffice", "European Coordination Office"),
                               ("EC", None, "European Commission"),
                               ("ELA", None, "European Labour Authority")):
        node = iri(ID + "org/" + org_id)
        t(node, iri(RDF_TYPE), ecg(cls) if cls else iri(CV + "PublicOrganisation"))
        t(node, iri(SKOS + "prefLabel"), literal(label, "en"))
        t(node, ecg("acronym"), literal(org_id))
        t(node, iri(PROV + "wasDerivedFrom"), iri(REG_2016_589))
    t(iri(ID + "org/ECO"), iri(ORG + "unitOf"), iri(ID + "org/ELA"))
    t(iri(REG_2016_589), iri(RDF_TYPE), ecg("Regulation"))
    t(iri(REG_2016_589), iri(ELI + "id_local"), literal("32016R0589"))
    t(iri(REG_2016_589), iri(SKOS + "prefLabel"), literal("Regulation (EU) 2016/589", "en"))
    t(iri(REG_2016_589), iri(ELI + "date_document"), literal("2016-04-13", datatype=XSD + "date"))
    t(iri(REG_2016_589), iri(PROV + "wasDerivedFrom"), iri(REG_2016_589))
    t(iri(ART_14), iri(RDF_TYPE), ecg("Article"))
    t(iri(ART_14), iri(ELI + "is_part_of"), iri(REG_2016_589))
    t(iri(ART_14), iri(ELI + "number"), literal("14"))
    t(iri(ART_14), iri(SKOS + "prefLabel"), literal("Article 14 of Regulation (EU) 2016/589", "en"))
    t(iri(ART_14), ecg("establishes"), group)
    t(iri(ART_14), iri(PROV + "wasDerivedFrom"), iri(REG_2016_589))
    for code, short, name, country_group in EURES_COUNTRIES:
        country = iri(COUNTRY + code)
        t(country, iri(RDF_TYPE), iri(SKOS + "Concept"))
        t(country, iri(SKOS + "inScheme"), iri(COUNTRY[:-1]))
        t(country, iri(SKOS + "notation"), literal(code))
        t(country, iri(SKOS + "prefLabel"), literal(name, "en"))
        t(country, ecg("euresCountryGroup"), iri(ID + "country-group/" + country_group))
        nco = iri(ID + "org/NCO-" + code)
        t(nco, iri(RDF_TYPE), ecg("NationalCoordinationOffice"))
        t(nco, iri(SKOS + "prefLabel"), literal(f"EURES National Coordination Office ({name})", "en"))
        t(nco, ecg("acronym"), literal(f"NCO {short}"))
        t(nco, ecg("country"), country)
        t(nco, ecg("legalBasis"), iri(REG_2016_589))
        t(nco, iri(PROV + "wasDerivedFrom"), iri(REG_2016_589))
    for country_code, place_code in PLACES.items():
        place = iri(PLACE + place_code)
        t(place, iri(RDF_TYPE), iri(SKOS + "Concept"))
        t(place, iri(SKOS + "inScheme"), iri(PLACE[:-1]))
        t(place, iri(SKOS + "notation"), literal(place_code))
        t(place, iri(SKOS + "prefLabel"), literal(place_code, "en"))
        t(place, ecg("country"), iri(COUNTRY + country_code))
    release = iri(RELEASE)
    t(release, iri(RDF_TYPE), ecg("EscoRelease"))
    t(release, ecg("escoVersion"), literal("1.1.1"))
    t(release, iri(DCT + "title"), literal("ESCO v1.1.1", "en"))
    for concept in described.values():
        node = iri(concept.iri)
        esco_class = {"Occupation": ESCO + "Occupation", "Skill": ESCO + "Skill",
                      "SkillGroup": SKOS + "Concept", "ISCOGroup": ESCO + "ISCOGroup"}[concept.kind]
        t(node, iri(RDF_TYPE), iri(esco_class))
        t(node, iri(RDF_TYPE), iri(SKOS + "Concept"))
        t(node, iri(SKOS + "prefLabel"), literal(concept.label, "en"))
        t(node, ecg("escoStatus"), literal("released"))
        t(node, ecg("escoRelease"), release)
        for parent in concept.broader:
            t(node, iri(SKOS + "broader"), iri(parent))


def write_meetings(w: Writer, target: int, rng: random.Random, concepts: list[EscoConcept]) -> int:
    t = w.triple
    ecg = lambda name: iri(ECG + name)  # noqa: E731
    derived = iri(PROV + "wasDerivedFrom")
    label = iri(SKOS + "prefLabel")
    date_type = XSD + "date"
    initiatives: list[str] = []
    bodies = ["ECO", "EC"] + [f"NCO-{c[0]}" for c in EURES_COUNTRIES]
    year, meetings = 1994, 0
    while w.count < target:
        months = sorted(rng.sample(range(1, 13), rng.choice((3, 4))))
        for month in months:
            if w.count >= target:
                break
            start = dt.date(year, month, rng.randint(1, 25))
            end = start + dt.timedelta(days=rng.choice((0, 1, 2)))
            host = rng.choice(EURES_COUNTRIES)
            mid = f"meeting/ECG-{start.isoformat()}"
            meeting = iri(ID + mid)
            doc = ID + f"doc/ecg-{start.isoformat()}-summary"
            sentences = [f"{doc}/p1-s{n}" for n in range(1, 9)]
            t(iri(doc), iri(RDF_TYPE), ecg("SourceDocument"))
            t(iri(doc), iri(DCT + "title"), literal(f"Executive summary of the ECG meeting of {start}", "en"))
            t(iri(doc), ecg("reportsOn"), meeting)
            for n, sentence in enumerate(sentences, 1):
                t(iri(sentence), iri(RDF_TYPE), ecg("SourcePassage"))
                t(iri(sentence), iri(DCT + "isPartOf"), iri(doc))
                t(iri(sentence), ecg("paragraphNumber"), literal("1", datatype=XSD + "positiveInteger"))
                t(iri(sentence), ecg("sentenceNumber"), literal(str(n), datatype=XSD + "positiveInteger"))
                t(iri(sentence), iri(OA + "exact"), literal(f"Synthetic sentence {n} of the summary of {start}.", "en"))
            t(meeting, iri(RDF_TYPE), ecg("Meeting"))
            t(meeting, label, literal(f"EURES Coordination Group meeting, {start}", "en"))
            t(meeting, ecg("meetingOf"), iri(ID + "org/ECG"))
            t(meeting, ecg("startDate"), literal(start.isoformat(), datatype=date_type))
            t(meeting, ecg("endDate"), literal(end.isoformat(), datatype=date_type))
            t(meeting, ecg("hostCountry"), iri(COUNTRY + host[0]))
            if host[0] in PLACES:
                t(meeting, ecg("place"), iri(PLACE + PLACES[host[0]]))
            t(meeting, derived, iri(sentences[0]))
            for n in range((end - start).days + 1):
                day = iri(f"{ID}{mid}/day/{n + 1}")
                t(meeting, ecg("hasDay"), day)
                t(day, iri(RDF_TYPE), ecg("MeetingDay"))
                t(day, ecg("dayNumber"), literal(str(n + 1), datatype=XSD + "positiveInteger"))
                t(day, ecg("date"), literal((start + dt.timedelta(days=n)).isoformat(), datatype=date_type))
                t(day, iri(DCT + "isPartOf"), meeting)
                t(day, derived, iri(sentences[0]))
            roles = {"ECO": ["organiser", "chair", "member"], "EC": ["member"],
                     f"NCO-{host[0]}": ["co-host", "member"]}
            for body, body_roles in roles.items():
                participation = iri(f"{ID}{mid}/participation/{body}")
                t(meeting, iri(CV + "hasParticipation"), participation)
                t(participation, iri(RDF_TYPE), iri(CV + "Participation"))
                t(participation, iri(CV + "hasParticipant"), iri(ID + "org/" + body))
                for role in body_roles:
                    t(participation, iri(CV + "role"), iri(ID + "role/" + role))
                t(participation, derived, iri(sentences[1]))
            for order in range(1, rng.randint(10, 20) + 1):
                item = iri(f"{ID}{mid}/item/{order}")
                presenter = rng.choice(bodies)
                t(item, iri(RDF_TYPE), ecg("Presentation"))
                t(item, ecg("itemOf"), meeting)
                t(item, ecg("listingOrder"), literal(str(order), datatype=XSD + "positiveInteger"))
                t(item, ecg("presentedBy"), iri(ID + "org/" + presenter))
                t(item, ecg("date"), literal(start.isoformat(), datatype=date_type))
                t(item, derived, iri(rng.choice(sentences[2:])))
                if rng.random() < 0.4:
                    if not initiatives or rng.random() < 0.3:
                        kind = rng.choice(INITIATIVE_TYPES)
                        slug = f"initiative/{kind.lower()}-{len(initiatives) + 1}"
                        initiative = iri(ID + slug)
                        t(initiative, iri(RDF_TYPE), ecg(kind))
                        t(initiative, label, literal(f"{kind} {len(initiatives) + 1}", "en"))
                        t(initiative, ecg("runBy"), iri(ID + "org/" + presenter))
                        t(initiative, ecg("legalBasis"), iri(REG_2016_589))
                        if kind == "Strategy":
                            t(initiative, ecg("periodStart"), literal(str(year), datatype=XSD + "gYear"))
                            t(initiative, ecg("periodEnd"), literal(str(year + 7), datatype=XSD + "gYear"))
                        t(initiative, derived, iri(sentences[2]))
                        initiatives.append(ID + slug)
                    about = rng.choice(initiatives)
                    t(item, ecg("aboutInitiative"), iri(about))
                    t(item, label, literal(f"{rng.choice(TOPICS)} {about.rsplit('/', 1)[1]}", "en"))
                else:
                    t(item, label, literal(f"{rng.choice(TOPICS)} topic {order}", "en"))
                if concepts and rng.random() < 0.25:
                    concept = rng.choice(concepts)
                    link = iri(f"{ID}{mid}/item/{order}/esco/{concept.iri.rsplit('/', 1)[1]}")
                    t(item, ecg("hasEscoLink"), link)
                    t(link, iri(RDF_TYPE), ecg("EscoLink"))
                    t(link, ecg("escoConcept"), iri(concept.iri))
                    t(link, ecg("escoRelease"), iri(RELEASE))
                    t(link, ecg("escoLabelAtLink"), literal(concept.label, "en"))
                    t(link, ecg("escoStatusAtLink"), literal("released"))
                    t(link, derived, iri(sentences[3]))
            meetings += 1
        year += 1
    return meetings


def generate(target_triples: int, seed: int, esco_dir: Path, output: Path) -> dict[str, int]:
    """Write reference.nt and meetings.nt under `output`; deterministic for a given seed."""
    rng = random.Random(seed)
    output.mkdir(parents=True, exist_ok=True)
    sample_size = max(20, target_triples // 500)
    concepts, described = read_esco(esco_dir, sample_size, rng)
    with open(output / "reference.nt", "w", encoding="utf-8") as stream:
        reference = Writer(stream)
        write_reference(reference, described)
    with open(output / "meetings.nt", "w", encoding="utf-8") as stream:
        meetings_writer = Writer(stream)
        meetings = write_meetings(meetings_writer, target_triples - reference.count, rng, concepts)
    return {"triples": reference.count + meetings_writer.count, "meetings": meetings,
            "esco_concepts": len(described)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--esco", type=Path, default=None, help="ESCO v1.1.1 CSV package folder")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    esco_dir = args.esco or default_esco_dir()
    print(generate(args.triples, args.seed, esco_dir, args.output))


def default_esco_dir() -> Path:
    import os

    configured = os.environ.get("ECGKG_ESCO_DIR")
    root = Path(__file__).resolve().parent.parent
    return Path(configured) if configured else root.parent / "shared" / "data" / "esco" / "v1.1.1"


if __name__ == "__main__":
    main()
