"""Skeleton files for curators: a new meeting that validates, with comments saying what to fill in."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
from pathlib import Path

from ecgkg.errors import EcgkgError
from ecgkg.namespaces import ID, PREFIXES
from ecgkg.sources import data_dir as project_data_dir

MAX_DAYS = 14


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise EcgkgError(f"{option} {text!r}: not a date (expected YYYY-MM-DD)") from None


def find_place(place: str, nal_dir: Path) -> dict[str, str]:
    """The row of the EU place table for a code (BEL_GNE) or an English label (Ghent); an error
    naming the closest codes when there is none or the label is ambiguous."""
    with open(nal_dir / "place-all-en.csv", encoding="utf-8", newline="") as stream:
        rows = [r for r in csv.DictReader(stream) if r.get("deprecated") != "true"]
    by_code = {r["code"]: r for r in rows}
    wanted = place.strip()
    if wanted.upper() in by_code:
        return by_code[wanted.upper()]
    labelled = [r for r in rows if r["label_en"].casefold() == wanted.casefold()]
    if len(labelled) == 1:
        return labelled[0]
    if labelled:
        codes = ", ".join(f"{r['code']} ({r['label_en']})" for r in labelled[:8])
        raise EcgkgError(f"place {wanted!r} is several places of the authority table: {codes}; "
                         "give the code")
    names = {r["code"]: f"{r['code']} ({r['label_en']})" for r in rows}
    close = difflib.get_close_matches(wanted.upper(), list(by_code), n=3, cutoff=0.6)
    label_keys = {r["label_en"].casefold(): r["code"] for r in rows}
    close += [label_keys[k] for k in difflib.get_close_matches(wanted.casefold(), list(label_keys),
                                                               n=3, cutoff=0.7)]
    unique = list(dict.fromkeys(close))[:5]
    hint = ("; closest: " + ", ".join(names[c] for c in unique)) if unique else ""
    raise EcgkgError(f"place {wanted!r} is not in the authority table of places{hint}")


def new_meeting(start: str, end: str, place: str, nal_dir: Path | None = None,
                data: Path | None = None) -> tuple[str, str]:
    """(file name, Turtle text) of a skeleton meeting file; nothing is written."""
    from ecgkg.authority import default_nal_dir

    nal_dir = nal_dir if nal_dir is not None else default_nal_dir()
    data = data if data is not None else project_data_dir()
    first, last = _date(start, "--start"), _date(end, "--end")
    if last < first:
        raise EcgkgError(f"--end {end} is before --start {start}")
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise EcgkgError(f"{days} days from --start to --end: a meeting lasts at most {MAX_DAYS}")
    row = find_place(place, nal_dir)
    meeting = f"{ID}meeting/ECG-{first.isoformat()}"
    when = (f"{first.day}-{last.day} {last:%B %Y}" if (first.year, first.month) ==
            (last.year, last.month) and days > 1 else
            f"{first.day} {first:%B %Y}" if days == 1 else
            f"{first.day} {first:%B %Y} - {last.day} {last:%B %Y}")
    prefixes = "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in
                       ("country", "cv", "dcterms", "ecg", "place", "prov", "skos", "xsd"))
    lines = [
        f"# Meeting of the EURES Coordination Group, {when}, {row['label_en']}.",
        "# Written by `ecgkg new meeting`: fill in what the comments ask, then run",
        f"#   ecgkg validate --context data data/meetings/ECG-{first.isoformat()}.ttl",
        "# (`ecgkg format` keeps comments above a subject, but refuses the TODO lines inside a",
        "# statement: fill them in or delete them first.) Or draft the whole file from the",
        "# summary with `ecgkg draft`.",
        prefixes,
        f"<{meeting}> a ecg:Meeting ;",
        f'    skos:prefLabel "EURES Coordination Group meeting, {row["label_en"]}, {when}"@en ;',
        "    # TODO: one sentence of what the meeting was for, from the summary:",
        '    # dcterms:description "..."@en ;',
        "    # TODO: the passage(s) of the summary that give date and place, once the source",
        "    # document is in data/sources/:",
        "    # prov:wasDerivedFrom <https://w3id.org/ecgkg/id/doc/DOCUMENT/p1-s1> ;",
        f'    ecg:startDate "{first.isoformat()}"^^xsd:date ;',
        f'    ecg:endDate "{last.isoformat()}"^^xsd:date ;',
        f"    ecg:place place:{row['code']} ;",
        f"    ecg:hostCountry country:{row['country_code']} ;",
        f"    ecg:meetingOf <{ID}org/ECG> ;",
        "    ecg:hasDay " + ",\n        ".join(f"<{meeting}/day/{n}>" for n in range(1, days + 1))
        + " ;",
        "    # TODO: one participation per body the summary names (Commission, NCOs, working",
        "    # groups...), like the ECO's below.",
        f"    cv:hasParticipation <{meeting}/participation/ECO> .",
        "",
    ]
    for n in range(1, days + 1):
        day = first + dt.timedelta(days=n - 1)
        lines += [
            f"<{meeting}/day/{n}> a ecg:MeetingDay ;",
            f'    skos:prefLabel "Day {n} of the ECG meeting of {when}"@en ;',
            f'    ecg:date "{day.isoformat()}"^^xsd:date ;',
            f"    ecg:dayNumber {n} .",
            "",
        ]
    lines += [
        "# Article 14 of Regulation (EU) 2016/589: the ECO chairs the group and organises its work.",
        f"<{meeting}/participation/ECO> a cv:Participation ;",
        f"    cv:hasParticipant <{ID}org/ECO> ;",
        f"    cv:role <{ID}role/chair>, <{ID}role/member>, <{ID}role/organiser> ;",
        f"    prov:wasDerivedFrom <{ID}act/32016R0589/art-14> .",
        "",
        "# TODO: presentations, one per item the summary lists, numbered in its order:",
        f"# <{meeting}/item/1> a ecg:Presentation ;",
        '#     skos:prefLabel "..."@en ;',
        f"#     ecg:itemOf <{meeting}> ;",
        "#     ecg:listingOrder 1 ;",
        f"#     ecg:presentedBy <{ID}org/ECO> ;",
        "#     prov:wasDerivedFrom <https://w3id.org/ecgkg/id/doc/DOCUMENT/p2-s1> .",
        "",
    ]
    if not _place_known(data, row["uri"]):
        lines += [
            "# This place is not yet in data/authority/places.ttl: run `ecgkg authority` once this",
            "# file is in data/meetings/, and delete this description.",
            f"place:{row['code']} a skos:Concept ;",
            "    skos:inScheme <http://publications.europa.eu/resource/authority/place> ;",
            f'    skos:notation "{row["code"]}" ;',
            f'    skos:prefLabel "{row["label_en"]}"@en ;',
            "    prov:wasDerivedFrom <http://publications.europa.eu/resource/authority/place> ;",
            f"    ecg:country country:{row['country_code']} .",
            "",
        ]
    return f"ECG-{first.isoformat()}.ttl", "\n".join(lines)


def _place_known(data: Path, place_iri: str) -> bool:
    places = data / "authority" / "places.ttl"
    if not places.is_file():
        return False
    code = place_iri.rsplit("/", 1)[-1]
    text = places.read_text(encoding="utf-8")
    return f"place:{code} " in text or f"<{place_iri}>" in text
