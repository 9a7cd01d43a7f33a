"""Generates the EURES countries and their National Coordination Offices from the EU authority tables.

`data/authority/eures-countries.ttl`, `data/authority/places.ttl` and
`data/bodies/national-coordination-offices.ttl` are generated, never edited by hand: run
`ecgkg authority` (or `python -m ecgkg.authority`) to rewrite them from the Publications Office
tables in ../shared/data/nal/ (or the folder ECGKG_NAL_DIR names). The places are those data/
refers to (like `ecgkg esco subset`), so a meeting anywhere needs no code edit.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

from rdflib import RDF, Graph, Literal, Namespace, URIRef

from ecgkg.canonical import canonical_turtle, write_atomically
from ecgkg.errors import EcgkgError
from ecgkg.namespaces import ECG, ID, PREFIXES
from ecgkg.sources import data_dir, project_root

ECGNS = Namespace(ECG)
SKOS = Namespace(PREFIXES["skos"])
PROV = Namespace(PREFIXES["prov"])
ORG = Namespace(PREFIXES["org"])
CV = Namespace(PREFIXES["cv"])
COUNTRY_SCHEME = URIRef("http://publications.europa.eu/resource/authority/country")
EURES_REGULATION = URIRef("http://data.europa.eu/eli/reg/2016/589/oj")
COUNTRY_GROUP_SCHEME = URIRef(ID + "country-group")
NCO_COLLECTIVE = URIRef(ID + "org/NCOs")
ARTICLE_14 = URIRef(ID + "act/32016R0589/art-14")
ROLE_MEMBER = URIRef(ID + "role/member")
NCO_NOTE = (
    "Generated from the Publications Office country table, one NCO per EURES country. That NCOs"
    " sit in the Coordination Group comes from Article 14 of Regulation (EU) 2016/589; the"
    " Regulation's article on National Coordination Offices could not be verified offline and is"
    " not cited."
)
MEMBERSHIP_NOTE = (
    "Open-ended: the sources give no date on which this NCO was designated, so the membership has"
    " no org:memberDuring. Add one, with its source, when a designation or replacement is known."
)

# The `group` column of country-eu-eea-ch.csv, and the IRI each value gets.
COUNTRY_GROUPS = {
    "EU": "EU",
    "EEA-EFTA": "EEA-EFTA",
    "EFTA (EURES participant)": "EFTA-EURES",
}

PLACE_SCHEME = URIRef("http://publications.europa.eu/resource/authority/place")

COUNTRIES_FILE = Path("authority/eures-countries.ttl")
PLACES_FILE = Path("authority/places.ttl")
NCOS_FILE = Path("bodies/national-coordination-offices.ttl")


def default_nal_dir() -> Path:
    configured = os.environ.get("ECGKG_NAL_DIR")
    if configured:
        return Path(configured)
    return project_root().parent / "shared" / "data" / "nal"


def eures_countries(nal_dir: Path) -> list[dict[str, str]]:
    """The 31 EURES countries as rows of the authority table extract, in file order."""
    with open(nal_dir / "country-eu-eea-ch.csv", encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def country_graph(rows: list[dict[str, str]]) -> Graph:
    graph = Graph()
    graph.add((COUNTRY_GROUP_SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((COUNTRY_GROUP_SCHEME, SKOS.prefLabel,
               Literal("Groups of EURES countries by their relation to the EU", lang="en")))
    for label, slug in COUNTRY_GROUPS.items():
        group = URIRef(f"{ID}country-group/{slug}")
        graph.add((group, RDF.type, SKOS.Concept))
        graph.add((group, SKOS.inScheme, COUNTRY_GROUP_SCHEME))
        graph.add((group, SKOS.prefLabel, Literal(label, lang="en")))
        graph.add((group, SKOS.notation, Literal(slug)))
    for row in rows:
        country = URIRef(row["uri"])
        graph.add((country, RDF.type, SKOS.Concept))
        graph.add((country, SKOS.inScheme, COUNTRY_SCHEME))
        graph.add((country, SKOS.notation, Literal(row["code"])))
        graph.add((country, SKOS.prefLabel, Literal(row["label_en"], lang="en")))
        for language in ("de", "fr"):
            if row.get(f"label_{language}"):
                graph.add((country, SKOS.prefLabel, Literal(row[f"label_{language}"], lang=language)))
        graph.add((country, ECGNS.euresCountryGroup,
                   URIRef(f"{ID}country-group/{COUNTRY_GROUPS[row['group']]}")))
        graph.add((country, PROV.wasDerivedFrom, COUNTRY_SCHEME))
    return graph


def places_referenced(data: Path) -> tuple[str, ...]:
    """Codes of the authority places that data/ refers to (the generated places file aside)."""
    from ecgkg.canonical import parse_turtle

    prefix = str(PLACE_SCHEME) + "/"
    codes: set[str] = set()
    for path in sorted(Path(data).rglob("*.ttl")):
        if path.resolve() == (Path(data) / PLACES_FILE).resolve():
            continue
        graph = parse_turtle(path)
        codes |= {str(o)[len(prefix):] for o in graph.objects()
                  if isinstance(o, URIRef) and str(o).startswith(prefix)}
    return tuple(sorted(codes))


def place_graph(nal_dir: Path, codes: tuple[str, ...]) -> Graph:
    graph = Graph()
    with open(nal_dir / "place-all-en.csv", encoding="utf-8", newline="") as stream:
        rows = {row["code"]: row for row in csv.DictReader(stream)}
    for code in codes:
        row = rows.get(code)
        if row is None:
            raise EcgkgError(f"place {code!r} is referenced in data/ but is not in the authority "
                             f"table {nal_dir / 'place-all-en.csv'}")
        place = URIRef(row["uri"])
        graph.add((place, RDF.type, SKOS.Concept))
        graph.add((place, SKOS.inScheme, PLACE_SCHEME))
        graph.add((place, SKOS.notation, Literal(code)))
        graph.add((place, SKOS.prefLabel, Literal(row["label_en"], lang="en")))
        graph.add((place, ECGNS.country, URIRef(PREFIXES["country"] + row["country_code"])))
        graph.add((place, PROV.wasDerivedFrom, PLACE_SCHEME))
    return graph


def nco_graph(rows: list[dict[str, str]]) -> Graph:
    """One NCO per EURES country, each an open-ended org:Membership of the NCOs taken together.

    The sources give no designation dates, so memberships carry no org:memberDuring; their
    editorial note says so. Provenance names what supports each NCO: the country table (which
    country) and Article 14 of Regulation (EU) 2016/589 (NCOs sit in the Coordination Group),
    not the Regulation as a whole, which names no country.
    """
    graph = Graph()
    for row in rows:
        nco = URIRef(f"{ID}org/NCO-{row['code']}")
        graph.add((nco, RDF.type, ECGNS.NationalCoordinationOffice))
        graph.add((nco, RDF.type, ORG.Organization))
        graph.add((nco, SKOS.prefLabel,
                   Literal(f"EURES National Coordination Office ({row['label_en']})", lang="en")))
        graph.add((nco, ECGNS.acronym, Literal(f"NCO {row['ted_code']}")))
        # The minutes write both "NCO BE" and "ES NCO".
        graph.add((nco, SKOS.altLabel, Literal(f"{row['ted_code']} NCO", lang="en")))
        graph.add((nco, ECGNS.country, URIRef(row["uri"])))
        graph.add((nco, ECGNS.legalBasis, EURES_REGULATION))
        graph.add((nco, PROV.wasDerivedFrom, COUNTRY_SCHEME))
        graph.add((nco, PROV.wasDerivedFrom, ARTICLE_14))
        graph.add((nco, SKOS.editorialNote, Literal(NCO_NOTE, lang="en")))
        membership = URIRef(f"{ID}membership/NCOs/NCO-{row['code']}")
        graph.add((membership, RDF.type, ORG.Membership))
        graph.add((membership, ORG.member, nco))
        graph.add((membership, ORG.organization, NCO_COLLECTIVE))
        graph.add((membership, ORG.role, ROLE_MEMBER))
        graph.add((membership, PROV.wasDerivedFrom, ARTICLE_14))
        graph.add((membership, SKOS.editorialNote, Literal(MEMBERSHIP_NOTE, lang="en")))
    return graph


def generated_files(nal_dir: Path, data: Path | None = None) -> dict[Path, str]:
    """Relative path under data/ -> canonical Turtle text."""
    for name in ("country-eu-eea-ch.csv", "place-all-en.csv"):
        if not (Path(nal_dir) / name).is_file():
            raise EcgkgError(f"{nal_dir}: no authority table {name} (set ECGKG_NAL_DIR or --nal)")
    rows = eures_countries(nal_dir)
    codes = places_referenced(data if data is not None else data_dir())
    return {
        COUNTRIES_FILE: canonical_turtle(country_graph(rows)),
        PLACES_FILE: canonical_turtle(place_graph(nal_dir, codes)),
        NCOS_FILE: canonical_turtle(nco_graph(rows)),
    }


def write_authority_files(nal_dir: Path, target: Path, check: bool = False) -> list[Path]:
    """Rewrite the generated files under TARGET (a data folder) from the tables; with
    check=True write nothing. Returns the files that changed (or would)."""
    changed = []
    for relative, text in generated_files(nal_dir, target).items():
        path = target / relative
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        changed.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, text)
    return changed


if __name__ == "__main__":
    # The `ecgkg authority` verb, so that --help is help and never a rewrite.
    from ecgkg.cli import main

    main(["authority", *sys.argv[1:]], prog_name="python -m ecgkg.authority")
