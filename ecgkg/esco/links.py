"""The ESCO links recorded in the project's data files (ecg:EscoLink nodes)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ecgkg.errors import EcgkgError
from ecgkg.namespaces import ECG
from ecgkg.sources import display_path, rdf_files
from ecgkg.store import load_files, query

# The folder of data/ that holds the generated ESCO subset: never a source of links.
SUBSET_FOLDER = "esco"

_LINKS = f"""
PREFIX ecg: <{ECG}>
SELECT ?link ?concept ?subject ?release ?label ?status WHERE {{
  ?link ecg:escoConcept ?concept .
  OPTIONAL {{ ?subject ecg:hasEscoLink ?link }}
  OPTIONAL {{ ?link ecg:escoRelease ?release }}
  OPTIONAL {{ ?link ecg:escoLabelAtLink ?label }}
  OPTIONAL {{ ?link ecg:escoStatusAtLink ?status }}
}}
"""


@dataclass(frozen=True)
class EscoLink:
    """One ecg:EscoLink: what links (subjects), to which concept, as recorded at link time."""

    link: str
    concept: str
    subjects: tuple[str, ...]
    release: str | None
    label: str | None
    status: str | None


def link_files(data_dir: Path) -> list[Path]:
    """The RDF files of data/ that can hold links: all but the generated ESCO subset."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise EcgkgError(f"{display_path(data_dir)}: no such data folder")
    excluded = (data_dir / SUBSET_FOLDER).resolve()
    return [p for p in rdf_files([data_dir])
            if excluded not in p.resolve().parents]


def _value(term) -> str | None:
    if term is None:
        return None
    return term.value


def read_links(data_dir: Path) -> list[EscoLink]:
    """Every ESCO link in the data files, sorted by link IRI."""
    files = link_files(data_dir)
    store = load_files(files)
    found: dict[str, dict] = {}
    for solution in query(store, _LINKS):
        link = solution["link"]
        concept = solution["concept"]
        if not isinstance(concept, ox.NamedNode):
            raise EcgkgError(f"ESCO link {link}: ecg:escoConcept must be an IRI, not {concept}")
        key = link.value if isinstance(link, ox.NamedNode) else str(link)
        entry = found.setdefault(key, {"concepts": set(), "subjects": set(), "releases": set(),
                                       "labels": set(), "statuses": set()})
        entry["concepts"].add(concept.value)
        for name, bucket in (("subject", "subjects"), ("release", "releases"),
                             ("label", "labels"), ("status", "statuses")):
            value = _value(solution[name])
            if value is not None:
                entry[bucket].add(value)
    links = []
    for key in sorted(found):
        entry = found[key]
        for concept in sorted(entry["concepts"]):
            links.append(EscoLink(
                link=key,
                concept=concept,
                subjects=tuple(sorted(entry["subjects"])),
                release=min(entry["releases"]) if entry["releases"] else None,
                label=min(entry["labels"]) if entry["labels"] else None,
                status=min(entry["statuses"]) if entry["statuses"] else None,
            ))
    return links
