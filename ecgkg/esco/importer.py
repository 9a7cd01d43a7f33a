"""Import the official ESCO CSV package as RDF (ESCO model + SKOS), in one streaming pass.

Each CSV file is read once, row by row, and its triples are written as the row is read. The
only state kept across files is what is needed to refuse dangling references: the set of
concept IRIs seen so far (about 18,000 in v1.1.1), the relation pairs already written (to keep
every triple distinct, so the counts are exact), and the hasTopConcept pairs of the concept
schemes (checked once the concepts are known).

Mapping (ESCO model namespace ``esco:`` = http://data.europa.eu/esco/model#):

* occupations: ``esco:Occupation``, ``skos:Concept``; ``esco:memberOfISCOGroup`` the ISCO
  group ``.../isco/C{iscoGroup}``; ``skos:notation`` the ESCO code;
  ``esco:regulatedProfessionNote``.
* skills: ``esco:Skill``, ``skos:Concept``; ``esco:skillType`` ``.../skill-type/skill`` (for
  "skill/competence") or ``.../skill-type/knowledge``; ``esco:skillReuseLevel``
  ``.../skill-reuse-level/{cross-sector,sector-specific,occupation-specific,transversal}``.
* skill groups: ``esco:SkillGroup``, ``skos:Concept``; ISCO groups: ``esco:ISCOGroup``,
  ``skos:Concept``, ``skos:notation`` the ISCO code. (The class names are the package's
  ``conceptType`` values.)
* concept schemes: ``skos:ConceptScheme``, ``skos:hasTopConcept``; every concept's
  ``skos:inScheme``, including the membership of the thematic collections
  (``*Collection_<lang>`` files), which are concept schemes of their own.
* ``skos:broader`` for both pillars; ``esco:relatedEssentialSkill`` / ``esco:relatedOptionalSkill``
  from occupations to skills and, as the ESCO model defines them for "the subject occupation
  or skill", from skills to skills (``skillSkillRelations``). The inverse properties
  (``esco:isEssentialSkillFor``...) are not written: a query engine can follow either way.
* ``skos:prefLabel`` / ``skos:altLabel`` / ``skos:hiddenLabel``, ``dcterms:description``,
  ``skos:definition`` and ``skos:scopeNote`` per imported language; literals are stripped of
  surrounding white space.
* ``ecg:escoStatus`` the status string, ``dcterms:modified`` an ``xsd:dateTime``,
  ``ecg:escoRelease`` the release node, which carries ``ecg:escoVersion``, a title and the
  attribution the ESCO licence asks for.

Dangling rows (a relation whose either end is not a concept of the release, an ``inScheme``
or ``hasTopConcept`` naming nothing, a second definition of the same concept) are *not*
written: each is reported as a Problem with its file and line. Blank or unknown values of a
placed row (a skill without ``skillType``) are reported too, and the row is written without
that value (``Problem.kept`` is True).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click
import pyoxigraph as ox

from ecgkg.errors import EcgkgError
from ecgkg.esco.package import (
    ATTRIBUTION,
    BROADER_OCCUPATION_PILLAR,
    BROADER_SKILL_PILLAR,
    COLLECTION_SPECS,
    COLLECTIONS,
    CONCEPT_SCHEMES,
    ESCO,
    ISCO_GROUPS,
    MODEL,
    OCCUPATION_SKILL_RELATIONS,
    OCCUPATIONS,
    SKILL_GROUPS,
    SKILL_SKILL_RELATIONS,
    SKILLS,
    CsvFile,
    FileSpec,
    check_language,
    check_release_dir,
    find_file,
    release_iri,
    release_version,
    require_file,
    split_iris,
    split_lines,
)
from ecgkg.namespaces import ECG, PREFIXES
from ecgkg.sources import display_path

OUTPUT_FORMATS = {".nt": "N-Triples", ".nq": "N-Quads", ".ttl": "Turtle"}

# Predicates and classes, pre-formatted as N-Triples terms.
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"
_XSD_DATETIME = "<http://www.w3.org/2001/XMLSchema#dateTime>"
P_TYPE = _RDF_TYPE
P_PREF = f"<{_SKOS}prefLabel>"
P_ALT = f"<{_SKOS}altLabel>"
P_HIDDEN = f"<{_SKOS}hiddenLabel>"
P_NOTATION = f"<{_SKOS}notation>"
P_BROADER = f"<{_SKOS}broader>"
P_IN_SCHEME = f"<{_SKOS}inScheme>"
P_TOP = f"<{_SKOS}hasTopConcept>"
P_DEFINITION = f"<{_SKOS}definition>"
P_SCOPE = f"<{_SKOS}scopeNote>"
P_DESCRIPTION = f"<{_DCT}description>"
P_MODIFIED = f"<{_DCT}modified>"
P_TITLE = f"<{_DCT}title>"
P_RIGHTS = f"<{_DCT}rights>"
P_STATUS = f"<{ECG}escoStatus>"
P_RELEASE = f"<{ECG}escoRelease>"
P_VERSION = f"<{ECG}escoVersion>"
P_ISCO = f"<{MODEL}memberOfISCOGroup>"
P_SKILL_TYPE = f"<{MODEL}skillType>"
P_REUSE = f"<{MODEL}skillReuseLevel>"
P_REGULATED = f"<{MODEL}regulatedProfessionNote>"
P_ESSENTIAL = f"<{MODEL}relatedEssentialSkill>"
P_OPTIONAL = f"<{MODEL}relatedOptionalSkill>"
C_CONCEPT = f"<{_SKOS}Concept>"
C_SCHEME = f"<{_SKOS}ConceptScheme>"
C_OCCUPATION = f"<{MODEL}Occupation>"
C_SKILL = f"<{MODEL}Skill>"
C_SKILL_GROUP = f"<{MODEL}SkillGroup>"
C_ISCO_GROUP = f"<{MODEL}ISCOGroup>"
C_RELEASE = f"<{ECG}EscoRelease>"

SKILL_TYPES = {
    "skill/competence": f"<{ESCO}skill-type/skill>",
    "skill": f"<{ESCO}skill-type/skill>",
    "knowledge": f"<{ESCO}skill-type/knowledge>",
}
REUSE_LEVELS = {
    level: f"<{ESCO}skill-reuse-level/{level}>"
    for level in ("cross-sector", "sector-specific", "occupation-specific", "transversal")
}
RELATION_TYPES = {"essential": P_ESSENTIAL, "optional": P_OPTIONAL}

# Kinds of concept, as one-letter codes in the table of known IRIs, and their names.
OCCUPATION, ISCO_GROUP, SKILL, SKILL_GROUP = "O", "I", "S", "G"
KIND_NAMES = {OCCUPATION: "occupation", ISCO_GROUP: "ISCO group", SKILL: "skill",
              SKILL_GROUP: "skill group"}
CONCEPT_TYPES = {OCCUPATION: "Occupation", ISCO_GROUP: "ISCOGroup",
                 SKILL: "KnowledgeSkillCompetence", SKILL_GROUP: "SkillGroup"}
# IRIs under these paths denote concepts the package describes: a reference to one the release
# does not have is dangling. Other ESCO IRIs (skill-type/, label-role/...) are vocabulary terms
# the CSV package names without describing, and are written as given.
PILLAR_PATHS = tuple(ESCO + p for p in ("occupation/", "skill/", "isco/", "isced-f/"))

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*\Z").match
_DATETIME = re.compile(
    r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?\Z"
).match


def _literal(text: str) -> str:
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        text = (text.replace("\\", "\\\\").replace('"', '\\"')
                .replace("\n", "\\n").replace("\r", "\\r"))
    return '"' + text + '"'


@dataclass(frozen=True)
class Problem:
    """A row, or a value of a row, that could not be placed in the graph."""

    file: str
    line: int | None
    reason: str
    kept: bool = False  # the row was written without the faulty value; False: row skipped

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    """Exact counts of one import. ``*_rows`` count data rows of the relation files as read;
    the matching relation counts are the triples written; the difference is the rows reported
    as problems and skipped."""

    release: Path
    version: str
    languages: tuple[str, ...]
    output: Path | None
    occupations: int = 0
    skills: int = 0
    skill_groups: int = 0
    isco_groups: int = 0
    concept_schemes: int = 0
    occupation_skill_rows: int = 0
    occupation_skill_rows_by_type: dict[str, int] = field(default_factory=dict)
    occupation_skill_relations: int = 0
    occupation_skill_relations_by_type: dict[str, int] = field(default_factory=dict)
    broader_rows: int = 0
    broader_relations: int = 0
    skill_skill_rows: int = 0
    skill_skill_relations: int = 0
    collection_memberships: int = 0
    labels: int = 0
    triples: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def essential_relations(self) -> int:
        return self.occupation_skill_relations_by_type.get("essential", 0)

    @property
    def optional_relations(self) -> int:
        return self.occupation_skill_relations_by_type.get("optional", 0)

    @property
    def skipped_rows(self) -> int:
        return sum(1 for p in self.problems if not p.kept)

    def summary(self) -> list[str]:
        """The counts as lines a person can read, every number exact."""
        def by_type(counts: dict[str, int]) -> str:
            return ", ".join(f"{counts.get(t, 0):,} {t}" for t in ("essential", "optional"))

        osr_skipped = self.occupation_skill_rows - self.occupation_skill_relations
        lines = [
            f"ESCO v{self.version} ({', '.join(self.languages)}) from {display_path(self.release)}",
            f"occupations: {self.occupations:,}",
            f"skills: {self.skills:,}",
            f"skill groups: {self.skill_groups:,}",
            f"ISCO groups: {self.isco_groups:,}",
            f"concept schemes: {self.concept_schemes:,}",
            f"occupation-skill relation rows read: {self.occupation_skill_rows:,} "
            f"({by_type(self.occupation_skill_rows_by_type)})",
            f"occupation-skill relations written: {self.occupation_skill_relations:,} "
            f"({by_type(self.occupation_skill_relations_by_type)}); "
            f"rows skipped: {osr_skipped:,}",
            f"broader relations written: {self.broader_relations:,} "
            f"of {self.broader_rows:,} rows",
            f"skill-skill relations written: {self.skill_skill_relations:,} "
            f"of {self.skill_skill_rows:,} rows",
            f"collection memberships: {self.collection_memberships:,}",
            f"labels: {self.labels:,}",
            f"triples: {self.triples:,}",
            f"problems: {len(self.problems):,} ({self.skipped_rows:,} rows skipped; "
            f"{len(self.problems) - self.skipped_rows:,} faulty values left out of rows "
            "that were written)",
        ]
        return lines


class _Progress:
    """A progress bar over the bytes of the input files, shown only on a terminal."""

    def __init__(self, enabled: bool, total: int, label: str) -> None:
        self._bar = None
        if enabled and sys.stderr.isatty():
            self._bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
            self._bar.__enter__()

    def advance(self, amount: int) -> None:
        if self._bar is not None:
            self._bar.update(amount)

    @property
    def callback(self) -> Callable[[int], None] | None:
        return self.advance if self._bar is not None else None

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


class _Writer:
    """Buffers N-Triples lines and counts them; writes to a text stream or nowhere."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.buffer: list[str] = []
        self.triples = 0

    def flush(self) -> None:
        if self.buffer:
            self.triples += len(self.buffer)
            if self._stream is not None:
                self._stream.write("".join(self.buffer))
            self.buffer.clear()


class _Importer:
    def __init__(self, release_dir: Path, version: str, languages: tuple[str, ...],
                 writer: _Writer, report: ImportReport, progress: _Progress,
                 files: dict[tuple[str, str], Path]) -> None:
        self.release_dir = release_dir
        self.version = version
        self.languages = languages
        self.primary = languages[0]
        self.w = writer
        self.report = report
        self.progress = progress
        self.files = files
        self.release = f"<{release_iri(version)}>"
        # IRI -> kind code. Values of a dict keyed by IRI; its keys double as interned strings.
        self.known: dict[str, str] = {}
        self.schemes: set[str] = set()
        self.scheme_labels: dict[str, str] = {}
        self.deferred_top: list[tuple[str, str, str, int]] = []
        self.collection_pairs: set[tuple[str, str]] = set()
        self.collection_schemes = {iri for iri, _ in COLLECTIONS.values()}

    # ------------------------------------------------------------------ helpers

    def problem(self, file: CsvFile, line: int | None, reason: str, kept: bool = False) -> None:
        self.report.problems.append(Problem(file.display, line, reason, kept))

    def open(self, spec: FileSpec, language: str) -> CsvFile:
        return CsvFile(self.files[(spec.name, language)], spec, self.progress.callback)

    def flush(self) -> None:
        if len(self.w.buffer) > 20000:
            self.w.flush()

    def _labels(self, add, s: str, lang: str, pref: str, alt: str, hidden: str) -> int:
        """Write the labels of one concept in one language; returns how many.

        SKOS makes prefLabel, altLabel and hiddenLabel pairwise disjoint (integrity condition
        S13), and the package often repeats the preferred label among the alternative ones:
        an alternative label equal to the preferred one, or a hidden label equal to either, is
        not written again."""
        n = 0
        if pref:
            add(f"{s} {P_PREF} {_literal(pref)}@{lang} .\n")
            n += 1
        alternatives = [v for v in split_lines(alt) if v != pref] if alt else []
        for value in alternatives:
            add(f"{s} {P_ALT} {_literal(value)}@{lang} .\n")
            n += 1
        if hidden:
            for value in split_lines(hidden):
                if value != pref and value not in alternatives:
                    add(f"{s} {P_HIDDEN} {_literal(value)}@{lang} .\n")
                    n += 1
        return n

    def _text(self, add, s: str, predicate: str, value: str, lang: str) -> None:
        value = value.strip()
        if value:
            add(f"{s} {predicate} {_literal(value)}@{lang} .\n")

    def _concept_iri(self, f: CsvFile, line: int, iri: str) -> str | None:
        """The IRI of a concept row, or None (reported) when blank, invalid or repeated."""
        iri = iri.strip()
        if not iri:
            self.problem(f, line, "blank conceptUri: row skipped")
            return None
        if not _IRI(iri):
            self.problem(f, line, f"conceptUri {iri!r} is not an IRI: row skipped")
            return None
        if iri in self.known:
            self.problem(f, line, f"{iri} is already defined as a "
                         f"{KIND_NAMES[self.known[iri]]}: row skipped")
            return None
        return iri

    def _in_scheme(self, add, f: CsvFile, line: int, s: str, iri: str, cell: str) -> None:
        for scheme in split_iris(cell):
            if scheme not in self.schemes:
                self.problem(f, line, f"inScheme {scheme} is not a concept scheme of this "
                             "release: that membership is not written", kept=True)
                continue
            add(f"{s} {P_IN_SCHEME} <{scheme}> .\n")
            if scheme in self.collection_schemes:
                self.collection_pairs.add((iri, scheme))

    def _common(self, add, f: CsvFile, line: int, s: str, row: list[str], cols: dict,
                status_required: bool = True) -> None:
        """status, modified date, notes, description, release: the columns concepts share."""
        i = cols.get("status")
        if i is not None:
            status = row[i].strip()
            if status:
                add(f"{s} {P_STATUS} {_literal(status)} .\n")
            elif status_required:
                self.problem(f, line, "blank status: no ecg:escoStatus written", kept=True)
        i = cols.get("modifiedDate")
        if i is not None:
            modified = row[i].strip()
            if modified:
                if _DATETIME(modified):
                    add(f'{s} {P_MODIFIED} "{modified}"^^{_XSD_DATETIME} .\n')
                else:
                    self.problem(f, line, f"modifiedDate {modified!r} is not an xsd:dateTime: "
                                 "not written", kept=True)
        lang = self.primary
        for column, predicate in (("description", P_DESCRIPTION), ("definition", P_DEFINITION),
                                  ("scopeNote", P_SCOPE)):
            i = cols.get(column)
            if i is not None and row[i]:
                self._text(add, s, predicate, row[i], lang)
        add(f"{s} {P_RELEASE} {self.release} .\n")

    @staticmethod
    def _columns(f: CsvFile) -> dict[str, int]:
        names = f.spec.required + f.spec.optional
        return {n: f.column(n) for n in names if f.column(n) is not None}

    # ------------------------------------------------------------------ files

    def release_node(self) -> None:
        add = self.w.buffer.append
        r = self.release
        add(f"{r} {P_TYPE} {C_RELEASE} .\n")
        add(f"{r} {P_VERSION} {_literal(self.version)} .\n")
        add(f"{r} {P_TITLE} {_literal('ESCO v' + self.version)}@en .\n")
        add(f"{r} {P_RIGHTS} {_literal(ATTRIBUTION)}@en .\n")

    def concept_schemes(self) -> None:
        lang = self.primary
        add = self.w.buffer.append
        with self.open(CONCEPT_SCHEMES, lang) as f:
            cols = self._columns(f)
            i_uri, i_pref, i_top = cols["conceptSchemeUri"], cols["preferredLabel"], \
                cols["hasTopConcept"]
            for line, row in f.rows():
                iri = row[i_uri].strip()
                if not iri or not _IRI(iri):
                    self.problem(f, line, f"conceptSchemeUri {iri!r} is not an IRI: row skipped")
                    continue
                if iri in self.schemes:
                    self.problem(f, line, f"{iri} is already defined: row skipped")
                    continue
                self.schemes.add(iri)
                self.report.concept_schemes += 1
                s = f"<{iri}>"
                add(f"{s} {P_TYPE} {C_SCHEME} .\n")
                pref = row[i_pref].strip()
                self.scheme_labels[pref] = iri
                if pref:
                    add(f"{s} {P_PREF} {_literal(pref)}@{lang} .\n")
                    self.report.labels += 1
                else:
                    self.problem(f, line, "blank preferredLabel", kept=True)
                self._text(add, s, P_TITLE, row[cols["title"]] if "title" in cols else "", lang)
                # Several schemes (label roles, skill types...) have no status: not a fault.
                self._common(add, f, line, s, row, {k: v for k, v in cols.items()
                                                    if k in ("status", "description")},
                             status_required=False)
                for top in split_iris(row[i_top]):
                    self.deferred_top.append((iri, top, f.display, line))
                self.flush()

    def isco_groups(self) -> None:
        lang = self.primary
        add = self.w.buffer.append
        with self.open(ISCO_GROUPS, lang) as f:
            cols = self._columns(f)
            i_uri, i_code, i_pref = cols["conceptUri"], cols["code"], cols["preferredLabel"]
            i_alt, i_scheme = cols.get("altLabels"), cols.get("inScheme")
            for line, row in f.rows():
                iri = self._concept_iri(f, line, row[i_uri])
                if iri is None:
                    continue
                self.known[iri] = ISCO_GROUP
                self.report.isco_groups += 1
                s = f"<{iri}>"
                add(f"{s} {P_TYPE} {C_ISCO_GROUP} .\n")
                add(f"{s} {P_TYPE} {C_CONCEPT} .\n")
                code = row[i_code].strip()
                if code:
                    add(f"{s} {P_NOTATION} {_literal(code)} .\n")
                else:
                    self.problem(f, line, "blank code: no skos:notation written", kept=True)
                pref = row[i_pref].strip()
                if not pref:
                    self.problem(f, line, "blank preferredLabel", kept=True)
                self.report.labels += self._labels(
                    add, s, lang, pref, row[i_alt] if i_alt is not None else "", "")
                if i_scheme is not None:
                    self._in_scheme(add, f, line, s, iri, row[i_scheme])
                self._common(add, f, line, s, row, cols)
                self.flush()

    def skill_groups(self) -> None:
        lang = self.primary
        add = self.w.buffer.append
        with self.open(SKILL_GROUPS, lang) as f:
            cols = self._columns(f)
            i_uri, i_pref = cols["conceptUri"], cols["preferredLabel"]
            i_alt, i_hidden = cols.get("altLabels"), cols.get("hiddenLabels")
            i_scheme, i_code = cols.get("inScheme"), cols.get("code")
            for line, row in f.rows():
                iri = self._concept_iri(f, line, row[i_uri])
                if iri is None:
                    continue
                self.known[iri] = SKILL_GROUP
                self.report.skill_groups += 1
                s = f"<{iri}>"
                add(f"{s} {P_TYPE} {C_SKILL_GROUP} .\n")
                add(f"{s} {P_TYPE} {C_CONCEPT} .\n")
                if i_code is not None and row[i_code].strip():
                    add(f"{s} {P_NOTATION} {_literal(row[i_code].strip())} .\n")
                pref = row[i_pref].strip()
                if not pref:
                    self.problem(f, line, "blank preferredLabel", kept=True)
                self.report.labels += self._labels(
                    add, s, lang, pref,
                    row[i_alt] if i_alt is not None else "",
                    row[i_hidden] if i_hidden is not None else "")
                if i_scheme is not None:
                    self._in_scheme(add, f, line, s, iri, row[i_scheme])
                self._common(add, f, line, s, row, cols)
                self.flush()

    def occupations(self) -> None:
        lang = self.primary
        add = self.w.buffer.append
        known = self.known
        isco_base = ESCO + "isco/C"
        with self.open(OCCUPATIONS, lang) as f:
            cols = self._columns(f)
            i_uri, i_isco, i_pref, i_alt = (cols["conceptUri"], cols["iscoGroup"],
                                            cols["preferredLabel"], cols["altLabels"])
            i_hidden, i_scheme = cols.get("hiddenLabels"), cols.get("inScheme")
            i_code, i_reg = cols.get("code"), cols.get("regulatedProfessionNote")
            for line, row in f.rows():
                iri = self._concept_iri(f, line, row[i_uri])
                if iri is None:
                    continue
                known[iri] = OCCUPATION
                self.report.occupations += 1
                s = f"<{iri}>"
                add(f"{s} {P_TYPE} {C_OCCUPATION} .\n")
                add(f"{s} {P_TYPE} {C_CONCEPT} .\n")
                isco = row[i_isco].strip()
                if not isco:
                    self.problem(f, line, "blank iscoGroup: no esco:memberOfISCOGroup written",
                                 kept=True)
                elif known.get(isco_base + isco) == ISCO_GROUP:
                    add(f"{s} {P_ISCO} <{isco_base}{isco}> .\n")
                else:
                    self.problem(f, line, f"iscoGroup {isco} is not an ISCO group of this "
                                 "release: no esco:memberOfISCOGroup written", kept=True)
                if i_code is not None and row[i_code].strip():
                    add(f"{s} {P_NOTATION} {_literal(row[i_code].strip())} .\n")
                pref = row[i_pref].strip()
                if not pref:
                    self.problem(f, line, "blank preferredLabel", kept=True)
                self.report.labels += self._labels(
                    add, s, lang, pref, row[i_alt],
                    row[i_hidden] if i_hidden is not None else "")
                if i_reg is not None:
                    note = row[i_reg].strip()
                    if note and _IRI(note):
                        add(f"{s} {P_REGULATED} <{note}> .\n")
                    elif note:
                        self._text(add, s, P_REGULATED, note, lang)
                if i_scheme is not None:
                    self._in_scheme(add, f, line, s, iri, row[i_scheme])
                self._common(add, f, line, s, row, cols)
                self.flush()

    def skills(self) -> None:
        lang = self.primary
        add = self.w.buffer.append
        with self.open(SKILLS, lang) as f:
            cols = self._columns(f)
            i_uri, i_type, i_reuse, i_pref, i_alt = (
                cols["conceptUri"], cols["skillType"], cols["reuseLevel"],
                cols["preferredLabel"], cols["altLabels"])
            i_hidden, i_scheme = cols.get("hiddenLabels"), cols.get("inScheme")
            for line, row in f.rows():
                iri = self._concept_iri(f, line, row[i_uri])
                if iri is None:
                    continue
                self.known[iri] = SKILL
                self.report.skills += 1
                s = f"<{iri}>"
                add(f"{s} {P_TYPE} {C_SKILL} .\n")
                add(f"{s} {P_TYPE} {C_CONCEPT} .\n")
                skill_type = row[i_type].strip()
                if skill_type in SKILL_TYPES:
                    add(f"{s} {P_SKILL_TYPE} {SKILL_TYPES[skill_type]} .\n")
                elif not skill_type:
                    self.problem(f, line, f"blank skillType of {iri}: no esco:skillType "
                                 "written", kept=True)
                else:
                    self.problem(f, line, f"unknown skillType {skill_type!r}: no "
                                 "esco:skillType written", kept=True)
                reuse = row[i_reuse].strip()
                if reuse in REUSE_LEVELS:
                    add(f"{s} {P_REUSE} {REUSE_LEVELS[reuse]} .\n")
                elif not reuse:
                    self.problem(f, line, f"blank reuseLevel of {iri}: no esco:skillReuseLevel "
                                 "written", kept=True)
                else:
                    self.problem(f, line, f"unknown reuseLevel {reuse!r}: no "
                                 "esco:skillReuseLevel written", kept=True)
                pref = row[i_pref].strip()
                if not pref:
                    self.problem(f, line, "blank preferredLabel", kept=True)
                self.report.labels += self._labels(
                    add, s, lang, pref, row[i_alt],
                    row[i_hidden] if i_hidden is not None else "")
                if i_scheme is not None:
                    self._in_scheme(add, f, line, s, iri, row[i_scheme])
                self._common(add, f, line, s, row, cols)
                self.flush()

    def top_concepts(self) -> None:
        add = self.w.buffer.append
        known = self.known
        for scheme, top, display, line in self.deferred_top:
            if top.startswith(PILLAR_PATHS) and top not in known:
                self.report.problems.append(Problem(
                    display, line, f"hasTopConcept {top} of {scheme} is not a concept of this "
                    "release: not written"))
                continue
            if not _IRI(top):
                self.report.problems.append(Problem(
                    display, line, f"hasTopConcept {top!r} is not an IRI: not written"))
                continue
            add(f"<{scheme}> {P_TOP} <{top}> .\n")
        self.deferred_top.clear()
        self.w.flush()

    def collections(self) -> None:
        add = self.w.buffer.append
        lang = self.primary
        for name, (scheme, label) in COLLECTIONS.items():
            if (name, lang) not in self.files:
                continue
            scheme = self.scheme_labels.get(label, scheme) if scheme not in self.schemes \
                else scheme
            with self.open(COLLECTION_SPECS[name], lang) as f:
                if scheme not in self.schemes:
                    self.problem(f, None, f"no concept scheme {scheme} ({label}) in "
                                 f"{CONCEPT_SCHEMES.name}: collection not written")
                    for _ in f.rows():
                        pass
                    continue
                i_uri = f.column("conceptUri")
                for line, row in f.rows():
                    iri = row[i_uri].strip()
                    if iri not in self.known:
                        self.problem(f, line, f"{iri or 'blank conceptUri'} is not a concept "
                                     f"of this release: not written in {label}")
                        continue
                    if (iri, scheme) in self.collection_pairs:
                        continue  # already written from the concept's own inScheme
                    self.collection_pairs.add((iri, scheme))
                    add(f"<{iri}> {P_IN_SCHEME} <{scheme}> .\n")
                    self.flush()
        # Memberships of the collection schemes, from inScheme cells and collection files alike.
        self.report.collection_memberships = len(self.collection_pairs)
        self.collection_pairs.clear()

    def _ends(self, f: CsvFile, line: int, ends) -> None:
        """Report a relation row whose ends are not all concepts of the expected kinds.

        ``ends``: (column, IRI, kind found, kinds allowed) for each end of the relation."""
        faults = []
        for column, iri, kind, allowed in ends:
            if kind in allowed:
                continue
            wanted = " or ".join(KIND_NAMES[k] for k in allowed)
            if not iri:
                faults.append(f"{column} is blank")
            elif kind is None:
                faults.append(f"{column} {iri} is not a concept of ESCO v{self.version} "
                              f"(no {wanted} with that IRI)")
            else:
                faults.append(f"{column} {iri} is a {KIND_NAMES[kind]}, not a {wanted}")
        self.problem(f, line, "; ".join(faults) + ": row skipped")

    def occupation_skill_relations(self) -> None:
        add = self.w.buffer.append
        report = self.report
        rows_by_type = report.occupation_skill_rows_by_type
        written_by_type = report.occupation_skill_relations_by_type
        seen: set[tuple[str, str]] = set()
        known = self.known
        with self.open(OCCUPATION_SKILL_RELATIONS, self.primary) as f:
            i_occ, i_rel, i_skill = (f.column("occupationUri"), f.column("relationType"),
                                     f.column("skillUri"))
            i_type = f.column("skillType")
            for line, row in f.rows():
                report.occupation_skill_rows += 1
                relation = row[i_rel].strip()
                rows_by_type[relation] = rows_by_type.get(relation, 0) + 1
                occupation, skill = row[i_occ].strip(), row[i_skill].strip()
                o_kind, s_kind = known.get(occupation), known.get(skill)
                if o_kind != OCCUPATION or s_kind != SKILL:
                    self._ends(f, line, (("occupationUri", occupation, o_kind, (OCCUPATION,)),
                                         ("skillUri", skill, s_kind, (SKILL,))))
                    continue
                predicate = RELATION_TYPES.get(relation)
                if predicate is None:
                    self.problem(f, line, f"relationType {relation!r} is neither essential nor "
                                 "optional: row skipped")
                    continue
                key = (occupation, skill)
                if key in seen:
                    self.problem(f, line, f"{occupation} and {skill} are related by an earlier "
                                 "row already: row skipped")
                    continue
                seen.add(key)
                if i_type is not None and not row[i_type].strip():
                    self.problem(f, line, f"blank skillType (skill {skill}): relation written "
                                 "all the same, the skill type is the skill's own", kept=True)
                add(f"<{occupation}> {predicate} <{skill}> .\n")
                report.occupation_skill_relations += 1
                written_by_type[relation] = written_by_type.get(relation, 0) + 1
                if len(self.w.buffer) > 20000:
                    self.w.flush()
        self.w.flush()

    def broader(self, spec: FileSpec, allowed: tuple[str, ...]) -> None:
        add = self.w.buffer.append
        report = self.report
        known = self.known
        seen: set[tuple[str, str]] = set()
        with self.open(spec, self.primary) as f:
            i_uri, i_broader = f.column("conceptUri"), f.column("broaderUri")
            i_type, i_btype = f.column("conceptType"), f.column("broaderType")
            for line, row in f.rows():
                report.broader_rows += 1
                narrower, broader = row[i_uri].strip(), row[i_broader].strip()
                n_kind, b_kind = known.get(narrower), known.get(broader)
                if n_kind not in allowed or b_kind not in allowed:
                    self._ends(f, line, (("conceptUri", narrower, n_kind, allowed),
                                         ("broaderUri", broader, b_kind, allowed)))
                    continue
                if narrower == broader:
                    self.problem(f, line, f"{narrower} is its own broader concept: row skipped")
                    continue
                key = (narrower, broader)
                if key in seen:
                    self.problem(f, line, "repeats an earlier row: row skipped")
                    continue
                seen.add(key)
                for index, kind, what in ((i_type, n_kind, "conceptType"),
                                          (i_btype, b_kind, "broaderType")):
                    if index is not None and row[index].strip() != CONCEPT_TYPES[kind]:
                        self.problem(f, line, f"{what} {row[index].strip()!r} but the concept "
                                     f"is a {KIND_NAMES[kind]}: relation written", kept=True)
                add(f"<{narrower}> {P_BROADER} <{broader}> .\n")
                report.broader_relations += 1
                if len(self.w.buffer) > 20000:
                    self.w.flush()
        self.w.flush()

    def skill_skill_relations(self) -> None:
        add = self.w.buffer.append
        report = self.report
        known = self.known
        seen: set[tuple[str, str]] = set()
        with self.open(SKILL_SKILL_RELATIONS, self.primary) as f:
            i_from, i_rel, i_to = (f.column("originalSkillUri"), f.column("relationType"),
                                   f.column("relatedSkillUri"))
            for line, row in f.rows():
                report.skill_skill_rows += 1
                original, related = row[i_from].strip(), row[i_to].strip()
                a_kind, b_kind = known.get(original), known.get(related)
                if a_kind != SKILL or b_kind != SKILL:
                    self._ends(f, line, (("originalSkillUri", original, a_kind, (SKILL,)),
                                         ("relatedSkillUri", related, b_kind, (SKILL,))))
                    continue
                relation = row[i_rel].strip()
                predicate = RELATION_TYPES.get(relation)
                if predicate is None:
                    self.problem(f, line, f"relationType {relation!r} is neither essential nor "
                                 "optional: row skipped")
                    continue
                key = (original, related)
                if key in seen:
                    self.problem(f, line, "relates the same skills as an earlier row: "
                                 "row skipped")
                    continue
                seen.add(key)
                add(f"<{original}> {predicate} <{related}> .\n")
                report.skill_skill_relations += 1
        self.w.flush()

    def labels_only(self, language: str) -> None:
        """Labels and descriptions of a further language for concepts already imported."""
        add = self.w.buffer.append
        for spec in (CONCEPT_SCHEMES, ISCO_GROUPS, OCCUPATIONS, SKILL_GROUPS, SKILLS):
            if (spec.name, language) not in self.files:
                continue
            with self.open(spec, language) as f:
                cols = self._columns(f)
                is_scheme = spec is CONCEPT_SCHEMES
                i_uri = cols["conceptSchemeUri" if is_scheme else "conceptUri"]
                i_pref, i_alt, i_hidden = (cols.get("preferredLabel"), cols.get("altLabels"),
                                           cols.get("hiddenLabels"))
                i_desc = cols.get("description")
                for line, row in f.rows():
                    iri = row[i_uri].strip()
                    if not (iri in self.schemes if is_scheme else iri in self.known):
                        self.problem(f, line, f"{iri or 'blank IRI'} is not a concept of the "
                                     f"{self.primary} files: {language} labels not written")
                        continue
                    s = f"<{iri}>"
                    self.report.labels += self._labels(
                        add, s, language, row[i_pref].strip() if i_pref is not None else "",
                        row[i_alt] if i_alt is not None else "",
                        row[i_hidden] if i_hidden is not None else "")
                    if i_desc is not None and row[i_desc]:
                        self._text(add, s, P_DESCRIPTION, row[i_desc], language)
                    self.flush()
        self.w.flush()

    def run(self) -> None:
        self.release_node()
        self.concept_schemes()
        self.isco_groups()
        self.skill_groups()
        self.occupations()
        self.skills()
        self.w.flush()
        self.top_concepts()
        self.collections()
        self.w.flush()
        self.occupation_skill_relations()
        self.broader(BROADER_OCCUPATION_PILLAR, (OCCUPATION, ISCO_GROUP))
        self.broader(BROADER_SKILL_PILLAR, (SKILL, SKILL_GROUP))
        self.skill_skill_relations()
        for language in self.languages[1:]:
            self.labels_only(language)
        self.w.flush()


PRIMARY_SPECS = (CONCEPT_SCHEMES, ISCO_GROUPS, SKILL_GROUPS, OCCUPATIONS, SKILLS)
RELATION_SPECS = (OCCUPATION_SKILL_RELATIONS, BROADER_OCCUPATION_PILLAR, BROADER_SKILL_PILLAR,
                  SKILL_SKILL_RELATIONS)


def package_files(release_dir: Path, languages: tuple[str, ...]) -> dict[tuple[str, str], Path]:
    """Every file an import of these languages reads; an EcgkgError names a missing one."""
    primary = languages[0]
    files: dict[tuple[str, str], Path] = {}
    for spec in PRIMARY_SPECS + RELATION_SPECS:
        files[(spec.name, primary)] = require_file(release_dir, spec, primary)
    for name, spec in COLLECTION_SPECS.items():
        found = find_file(release_dir, spec, primary)
        if found is not None:
            files[(name, primary)] = found
    for language in languages[1:]:
        found_any = False
        for spec in PRIMARY_SPECS:
            found = find_file(release_dir, spec, language)
            if found is not None:
                files[(spec.name, language)] = found
                found_any = True
        if not found_any:
            raise EcgkgError(
                f"{display_path(release_dir)}: no ESCO classification file in language "
                f"{language!r} (expected e.g. {language}/occupations_{language}.csv.gz with "
                f"columns {OCCUPATIONS.describe()})"
            )
    return files


def _output_kind(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise EcgkgError(
            f"{out}: cannot tell the RDF syntax from the suffix {suffix or '(none)'}; use one of "
            + ", ".join(f"{s} ({n})" for s, n in OUTPUT_FORMATS.items())
        )
    return suffix


def import_release(release_dir: Path, languages=("en",), out: Path | None = None,
                   progress: bool = False, version: str | None = None) -> ImportReport:
    """Convert an ESCO CSV package into RDF, streaming; return exact counts and problems.

    ``languages``: the first language's files give the concepts, relations and their labels;
    each further language adds its labels and descriptions (only the files that language has
    in the package are read; the others are reported as problems). ``out``: an ``.nt``,
    ``.nq`` or ``.ttl`` file, written through a temporary file and renamed at the end so a
    failed import leaves nothing behind; None writes nothing (a check of the package).
    ``progress``: show a progress bar when stderr is a terminal.
    """
    started = time.perf_counter()
    release_dir = check_release_dir(Path(release_dir))
    if isinstance(languages, str):
        languages = tuple(x for x in languages.split(",") if x.strip())
    languages = tuple(dict.fromkeys(check_language(x) for x in languages))
    if not languages:
        raise EcgkgError("give at least one language")
    files = package_files(release_dir, languages)
    version = release_version(release_dir, version)
    specs = {spec.name: spec for spec in PRIMARY_SPECS + RELATION_SPECS}
    specs.update(COLLECTION_SPECS)
    for (name, _), path in files.items():
        CsvFile(path, specs[name]).close()  # every header checked before anything is written
    out = Path(out) if out is not None else None
    suffix = _output_kind(out) if out is not None else None
    if out is not None and not out.parent.is_dir():
        raise EcgkgError(f"{out.parent}: no such folder for the output file")

    report = ImportReport(release=release_dir, version=version, languages=languages, output=out)
    for language in languages[1:]:
        for spec in PRIMARY_SPECS:
            if (spec.name, language) not in files:
                report.problems.append(Problem(
                    display_path(release_dir), None,
                    f"no {spec.name}_{language} file: no {language} labels for its concepts",
                    kept=True))

    bar = _Progress(progress, sum(p.stat().st_size for p in files.values()),
                    f"ESCO v{version}")
    temporary: Path | None = None
    converted: Path | None = None
    try:
        if out is None:
            writer = _Writer(None)
            _Importer(release_dir, version, languages, writer, report, bar, files).run()
        else:
            handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".nt", dir=out.parent)
            temporary = Path(name)
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n",
                           buffering=1 << 20) as stream:
                writer = _Writer(stream)
                _Importer(release_dir, version, languages, writer, report, bar, files).run()
            if suffix == ".ttl":
                handle, name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
                os.close(handle)
                converted = Path(name)
                prefixes = {p: PREFIXES[p] for p in ("esco", "skos", "dcterms", "ecg", "xsd",
                                                     "escooccupation", "escoskill", "escoisco",
                                                     "escoscheme")}
                ox.serialize(ox.parse(path=temporary, format=ox.RdfFormat.N_TRIPLES),
                             str(converted), ox.RdfFormat.TURTLE, prefixes=prefixes)
                temporary.unlink()
                temporary = converted
                converted = None
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # mkstemp creates 0600 files
            os.replace(temporary, out)
            temporary = None
        report.triples = writer.triples
    finally:
        bar.close()
        for leftover in (temporary, converted):
            if leftover is not None:
                leftover.unlink(missing_ok=True)
    report.seconds = time.perf_counter() - started
    return report
