"""The official ESCO CSV package on disk: which files it has, their columns, and reading them.

Layouts accepted (all read the same way):

* ``<release>/<lang>/<name>_<lang>.csv[.gz]`` for the classification files of each language, and
  ``<release>/relations/<name>.csv[.gz]`` for the language-independent relation files
  (the layout of ``shared/data/esco/v1.1.1``);
* relation files beside the classification files with a language suffix,
  ``<release>/<lang>/<name>_<lang>.csv[.gz]`` (the layout of ``v1.2.0-partial`` and of the
  official download, which puts everything in one folder);
* any of the above directly in ``<release>/`` instead of a sub-folder.

CSV conventions of the package: UTF-8, a header row, quoted cells that may hold several values
one a line (``altLabels``, ``hiddenLabels``) or comma+newline separated (``inScheme``,
``hasTopConcept``), and cells larger than the csv module's default field limit.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ecgkg.errors import EcgkgError
from ecgkg.namespaces import ID
from ecgkg.sources import display_path

csv.field_size_limit(sys.maxsize)

ESCO = "http://data.europa.eu/esco/"
MODEL = ESCO + "model#"
RELEASE_BASE = ID + "esco-release/"
ATTRIBUTION = "This service uses the ESCO classification of the European Commission."

# The two pillar concept schemes of ESCO (qualifications are not part of the CSV package).
PILLAR_SCHEMES = (ESCO + "concept-scheme/occupations", ESCO + "concept-scheme/skills")


@dataclass(frozen=True)
class FileSpec:
    """One kind of file of the package: its base name and the columns ecgkg reads from it."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    relation: bool = False  # language-independent relation file (relations/ or _<lang> suffix)

    def describe(self) -> str:
        columns = ", ".join(self.required)
        if self.optional:
            columns += " (and optionally " + ", ".join(self.optional) + ")"
        return columns


CONCEPT_SCHEMES = FileSpec(
    "conceptSchemes",
    ("conceptSchemeUri", "preferredLabel", "hasTopConcept"),
    ("title", "status", "description"),
)
ISCO_GROUPS = FileSpec(
    "ISCOGroups",
    ("conceptUri", "code", "preferredLabel"),
    ("status", "altLabels", "inScheme", "description"),
)
OCCUPATIONS = FileSpec(
    "occupations",
    ("conceptUri", "iscoGroup", "preferredLabel", "altLabels"),
    ("hiddenLabels", "status", "modifiedDate", "regulatedProfessionNote", "scopeNote",
     "definition", "inScheme", "description", "code"),
)
SKILL_GROUPS = FileSpec(
    "skillGroups",
    ("conceptUri", "preferredLabel"),
    ("altLabels", "hiddenLabels", "status", "modifiedDate", "scopeNote", "inScheme",
     "description", "code"),
)
SKILLS = FileSpec(
    "skills",
    ("conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels"),
    ("hiddenLabels", "status", "modifiedDate", "scopeNote", "definition", "inScheme",
     "description"),
)
OCCUPATION_SKILL_RELATIONS = FileSpec(
    "occupationSkillRelations",
    ("occupationUri", "relationType", "skillUri"),
    ("skillType",),
    relation=True,
)
BROADER_OCCUPATION_PILLAR = FileSpec(
    "broaderRelationsOccPillar",
    ("conceptUri", "broaderUri"),
    ("conceptType", "broaderType"),
    relation=True,
)
BROADER_SKILL_PILLAR = FileSpec(
    "broaderRelationsSkillPillar",
    ("conceptUri", "broaderUri"),
    ("conceptType", "broaderType"),
    relation=True,
)
SKILL_SKILL_RELATIONS = FileSpec(
    "skillSkillRelations",
    ("originalSkillUri", "relationType", "relatedSkillUri"),
    ("originalSkillType", "relatedSkillType"),
    relation=True,
)

# The thematic collections of the package, each a concept scheme of its own. The scheme IRI is
# the one of ESCO v1.1.1 and v1.2.0 (unchanged between them); the label is how the scheme is
# found again in conceptSchemes_<lang> should a later release renumber it.
COLLECTIONS: dict[str, tuple[str, str]] = {
    "digCompSkillsCollection": (ESCO + "concept-scheme/digcomp", "DigComp"),
    "digitalSkillsCollection": (
        ESCO + "concept-scheme/6c930acd-c104-4ece-acf7-f44fd7333036", "Digital"),
    "greenSkillsCollection": (ESCO + "concept-scheme/green", "Green"),
    "languageSkillsCollection": (ESCO + "concept-scheme/skill-language-groups", "Language"),
    "researchOccupationsCollection": (
        ESCO + "concept-scheme/8ae4b9f3-507e-4057-a145-2f96f0132613", "Research occupations"),
    "researchSkillsCollection": (ESCO + "concept-scheme/research", "Research"),
    "transversalSkillsCollection": (
        ESCO + "concept-scheme/skill-transversal-groups", "ESCO transversal skill groups"),
}
COLLECTION_SPECS = {name: FileSpec(name, ("conceptUri",)) for name in COLLECTIONS}

_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")
_VERSION = re.compile(r"\d+(?:\.\d+)+")


def check_language(language: str) -> str:
    language = language.strip()
    if not _LANGUAGE.match(language):
        raise EcgkgError(f"{language!r} is not a language code (expected e.g. en, nl)")
    return language


def release_version(release_dir: Path, version: str | None = None) -> str:
    """The ESCO version of a release folder: given, or read from its name (v1.1.1 -> 1.1.1)."""
    if version:
        return version.strip().removeprefix("v")
    found = _VERSION.search(Path(release_dir).resolve().name)
    if not found:
        raise EcgkgError(
            f"{display_path(Path(release_dir))}: cannot tell the ESCO version from the folder "
            "name (expected a name like v1.1.1); give the version explicitly"
        )
    return found.group(0)


def release_iri(version: str) -> str:
    return RELEASE_BASE + version


def _candidates(release_dir: Path, spec: FileSpec, language: str) -> list[Path]:
    names = []
    if spec.relation:
        names += [f"relations/{spec.name}", spec.name]
    names += [f"{language}/{spec.name}_{language}", f"{spec.name}_{language}"]
    return [release_dir / (n + suffix) for n in names for suffix in (".csv.gz", ".csv")]


def find_file(release_dir: Path, spec: FileSpec, language: str = "en") -> Path | None:
    """The file of a kind in a release, or None when the release does not have it."""
    for candidate in _candidates(release_dir, spec, language):
        if candidate.is_file():
            return candidate
    return None


def require_file(release_dir: Path, spec: FileSpec, language: str = "en") -> Path:
    found = find_file(release_dir, spec, language)
    if found is None:
        expected = (f"relations/{spec.name}.csv.gz" if spec.relation
                    else f"{language}/{spec.name}_{language}.csv.gz")
        raise EcgkgError(
            f"{display_path(release_dir)}: not an ESCO CSV package: no file {expected} "
            f"(or {spec.name}_{language}.csv, plain or gzipped); expected the ESCO "
            f"{spec.name} file with columns {spec.describe()}"
        )
    return found


def check_release_dir(release_dir: Path) -> Path:
    release_dir = Path(release_dir)
    if not release_dir.is_dir():
        raise EcgkgError(f"{display_path(release_dir)}: no such ESCO release folder")
    return release_dir


def split_lines(cell: str) -> list[str]:
    """The values of a multi-valued cell (one a line), stripped, without blanks or repeats."""
    if not cell:
        return []
    return list(dict.fromkeys(v for v in (part.strip() for part in cell.split("\n")) if v))


_LIST_SEPARATOR = re.compile(r"[,\n|]")


def split_iris(cell: str) -> list[str]:
    """The IRIs of an IRI-list cell (comma, newline or ' | ' separated)."""
    if not cell:
        return []
    return list(dict.fromkeys(v for v in (p.strip() for p in _LIST_SEPARATOR.split(cell)) if v))


_READ_ERRORS = (EOFError, OSError, zlib.error, UnicodeDecodeError, csv.Error)


class CsvFile:
    """One CSV file of the package, opened for a single streaming pass.

    ``rows()`` yields ``(line, cells)`` where ``line`` is the physical line the record starts
    on (the header is line 1; quoted cells may span lines) and ``cells`` is padded to the
    header's length. ``column(name)`` gives a column's index, or None for an absent optional
    column. Every read failure (truncated gzip, bad encoding) becomes an EcgkgError naming the
    file and line.
    """

    def __init__(self, path: Path, spec: FileSpec,
                 on_progress: Callable[[int], None] | None = None) -> None:
        self.path = Path(path)
        self.spec = spec
        self.display = display_path(self.path)
        self._on_progress = on_progress
        self._reported = 0
        try:
            self._raw = open(self.path, "rb")  # noqa: SIM115 - closed in close()
        except OSError as error:
            raise EcgkgError(f"{self.display}: cannot read: {error.strerror}") from None
        try:
            binary = (gzip.GzipFile(fileobj=self._raw, mode="rb")
                      if self.path.name.endswith(".gz") else self._raw)
            self._text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            # strict: a quoted cell left open at the end of the file (a truncated plain CSV)
            # is an error, not a short last row. Every file of v1.1.1 and v1.2.0 passes.
            self._reader = csv.reader(self._text, strict=True)
            try:
                header = next(self._reader)
            except StopIteration:
                header = []
        except _READ_ERRORS as error:
            self.close()
            raise EcgkgError(f"{self.display}: line 1: cannot read: {_reason(error)}") from None
        self.header = [h.strip() for h in header]
        missing = [c for c in spec.required if c not in self.header]
        if missing:
            self.close()
            raise EcgkgError(
                f"{self.display}: not an ESCO {spec.name} file: the header lacks "
                f"{', '.join(missing)}; expected columns {spec.describe()}"
            )
        self._index = {name: i for i, name in enumerate(self.header)}

    def column(self, name: str) -> int | None:
        return self._index.get(name)

    def position(self) -> int:
        """Bytes of the file (compressed, for .gz) consumed so far."""
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return self._reported

    def _tick(self) -> None:
        if self._on_progress is not None:
            now = self.position()
            if now > self._reported:
                self._on_progress(now - self._reported)
                self._reported = now

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        width = len(self.header)
        previous = reader.line_num
        count = 0
        tick = self._on_progress is not None
        try:
            for row in reader:
                line = previous + 1
                previous = reader.line_num
                if len(row) < width:
                    if not any(cell.strip() for cell in row):
                        continue
                    row.extend([""] * (width - len(row)))
                yield line, row
                count += 1
                if tick and not count & 1023:
                    self._tick()
        except _READ_ERRORS as error:
            raise EcgkgError(
                f"{self.display}: line {previous + 1}: cannot read: {_reason(error)}"
            ) from None
        if tick:
            self._tick()

    def close(self) -> None:
        for closer in (getattr(self, "_text", None), getattr(self, "_raw", None)):
            if closer is not None:
                try:
                    closer.close()
                except _READ_ERRORS:
                    pass

    def __enter__(self) -> CsvFile:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _reason(error: BaseException) -> str:
    if isinstance(error, EOFError):
        return f"the compressed file is truncated ({error})"
    if isinstance(error, (gzip.BadGzipFile, zlib.error)):
        return f"the compressed file is corrupt ({error})"
    if isinstance(error, UnicodeDecodeError):
        return f"not UTF-8 text ({error})"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def concept_kind_of_iri(iri: str) -> str | None:
    """The kind of ESCO concept an IRI can denote, from its path, before any file is read."""
    if iri.startswith(ESCO + "occupation/"):
        return "occupation"
    if iri.startswith(ESCO + "skill/"):
        return "skill"  # or a skill group: only the files tell
    if iri.startswith(ESCO + "isco/"):
        return "isco-group"
    if iri.startswith(ESCO + "isced-f/"):
        return "skill-group"
    if iri.startswith(ESCO + "concept-scheme/"):
        return "concept-scheme"
    return None
