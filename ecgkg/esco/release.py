"""Look concepts up in a release's CSV files without importing it: one pass per file, keeping
only the rows asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ecgkg.errors import EcgkgError
from ecgkg.esco.package import (
    BROADER_OCCUPATION_PILLAR,
    BROADER_SKILL_PILLAR,
    CONCEPT_SCHEMES,
    ISCO_GROUPS,
    OCCUPATIONS,
    SKILL_GROUPS,
    SKILLS,
    CsvFile,
    FileSpec,
    check_release_dir,
    find_file,
    split_iris,
    split_lines,
)
from ecgkg.sources import display_path

# Kind of concept by the file that describes it.
KINDS: dict[str, str] = {
    OCCUPATIONS.name: "occupation",
    SKILLS.name: "skill",
    SKILL_GROUPS.name: "skill-group",
    ISCO_GROUPS.name: "isco-group",
    CONCEPT_SCHEMES.name: "concept-scheme",
}
CONCEPT_SPECS = (CONCEPT_SCHEMES, ISCO_GROUPS, OCCUPATIONS, SKILL_GROUPS, SKILLS)


@dataclass
class Concept:
    """A concept (or concept scheme) as one release's CSV row gives it."""

    iri: str
    kind: str
    pref_label: str
    alt_labels: list[str] = field(default_factory=list)
    hidden_labels: list[str] = field(default_factory=list)
    code: str | None = None
    status: str | None = None
    schemes: list[str] = field(default_factory=list)
    file: str = ""
    line: int = 0


@dataclass
class Lookup:
    """Concepts found, and the kinds of file the release does not have."""

    concepts: dict[str, Concept]
    absent: set[str]  # FileSpec names with no file in the release


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None else ""


def read_concept_file(path: Path, spec: FileSpec, wanted: set[str] | None,
                      found: dict[str, Concept]) -> None:
    """Add the rows of one classification file whose IRI is wanted (all rows for None)."""
    kind = KINDS[spec.name]
    with CsvFile(path, spec) as f:
        i_uri = f.column("conceptSchemeUri" if spec is CONCEPT_SCHEMES else "conceptUri")
        i_pref, i_alt, i_hidden = (f.column("preferredLabel"), f.column("altLabels"),
                                   f.column("hiddenLabels"))
        i_code, i_status, i_scheme = f.column("code"), f.column("status"), f.column("inScheme")
        for line, row in f.rows():
            iri = row[i_uri].strip()
            if not iri or (wanted is not None and iri not in wanted) or iri in found:
                continue
            pref = _cell(row, i_pref)
            # As in the import: the three SKOS label properties are kept disjoint.
            alt = [v for v in split_lines(row[i_alt]) if v != pref] if i_alt is not None else []
            hidden = ([v for v in split_lines(row[i_hidden]) if v != pref and v not in alt]
                      if i_hidden is not None else [])
            found[iri] = Concept(
                iri=iri,
                kind=kind,
                pref_label=pref,
                alt_labels=alt,
                hidden_labels=hidden,
                code=_cell(row, i_code) or None,
                status=_cell(row, i_status) or None,
                schemes=split_iris(row[i_scheme]) if i_scheme is not None else [],
                file=f.display,
                line=line,
            )


def lookup(release_dir: Path, wanted: set[str] | None, language: str = "en") -> Lookup:
    """The concepts of a release with the IRIs wanted, from its classification files.

    A release without some of the files (v1.2.0-partial has no skills file) is still read:
    the kinds it lacks are in ``absent``. A folder with none of them is not an ESCO release.
    """
    release_dir = check_release_dir(Path(release_dir))
    found: dict[str, Concept] = {}
    absent: set[str] = set()
    for spec in CONCEPT_SPECS:
        path = find_file(release_dir, spec, language)
        if path is None:
            absent.add(spec.name)
            continue
        if wanted is not None and len(found) == len(wanted):
            continue
        read_concept_file(path, spec, wanted, found)
    if len(absent) == len(CONCEPT_SPECS):
        raise EcgkgError(
            f"{display_path(release_dir)}: not an ESCO CSV package: none of "
            + ", ".join(f"{language}/{s.name}_{language}.csv.gz" for s in CONCEPT_SPECS)
            + f" (expected e.g. occupations_{language} with columns {OCCUPATIONS.describe()})"
        )
    return Lookup(found, absent)


def preferred_labels(release_dir: Path, spec: FileSpec, language: str,
                     wanted: set[str]) -> dict[str, str]:
    """Preferred labels in one language of the wanted concepts of one file ({} if no file)."""
    path = find_file(Path(release_dir), spec, language)
    if path is None or not wanted:
        return {}
    found: dict[str, Concept] = {}
    read_concept_file(path, spec, wanted, found)
    return {iri: c.pref_label for iri, c in found.items() if c.pref_label}


def broader_map(release_dir: Path, language: str = "en") -> dict[str, list[str]]:
    """narrower IRI -> its broader IRIs, from both pillars' broader relation files."""
    broader: dict[str, list[str]] = {}
    for spec in (BROADER_OCCUPATION_PILLAR, BROADER_SKILL_PILLAR):
        path = find_file(Path(release_dir), spec, language)
        if path is None:
            continue
        with CsvFile(path, spec) as f:
            i_uri, i_broader = f.column("conceptUri"), f.column("broaderUri")
            for _, row in f.rows():
                narrower, parent = row[i_uri].strip(), row[i_broader].strip()
                if narrower and parent:
                    parents = broader.setdefault(narrower, [])
                    if parent not in parents:
                        parents.append(parent)
    return broader
