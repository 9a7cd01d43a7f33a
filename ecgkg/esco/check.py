"""Check the ESCO links of data/ against a release: does each concept still exist there, and do
its English preferred label and status still read as the link recorded them?

Outcomes, one per link:

* ``ok``: the concept is in the release with the recorded label and status;
* ``changed``: it is there, but its label or status differs from what the link recorded;
* ``missing``: the release does not have it (the link is broken);
* ``not-checkable``: the release lacks the file that would describe it (v1.2.0-partial has no
  skills file), so nothing can be said either way. Such a link is not counted as broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ecgkg.esco.links import EscoLink, read_links
from ecgkg.esco.package import ESCO, check_release_dir, concept_kind_of_iri, release_version
from ecgkg.esco.release import (
    CONCEPT_SCHEMES,
    ISCO_GROUPS,
    OCCUPATIONS,
    SKILL_GROUPS,
    SKILLS,
    lookup,
)

OK, CHANGED, MISSING, NOT_CHECKABLE = "ok", "changed", "missing", "not-checkable"

# The files that can describe a concept, by the kind its IRI suggests.
_FILES_FOR_KIND = {
    "occupation": (OCCUPATIONS.name,),
    "skill": (SKILLS.name, SKILL_GROUPS.name),
    "skill-group": (SKILL_GROUPS.name,),
    "isco-group": (ISCO_GROUPS.name,),
    "concept-scheme": (CONCEPT_SCHEMES.name,),
}


@dataclass(frozen=True)
class LinkCheck:
    """The outcome of checking one link against one release."""

    link: str
    concept: str
    subjects: tuple[str, ...]
    release: str              # version checked against
    recorded_release: str | None
    outcome: str              # ok | changed | missing | not-checkable
    recorded_label: str | None
    current_label: str | None
    recorded_status: str | None
    current_status: str | None
    kind: str | None          # occupation, skill, skill-group, isco-group, concept-scheme
    reason: str = ""

    @property
    def broken(self) -> bool:
        return self.outcome == MISSING

    @property
    def label_changed(self) -> bool:
        return (self.outcome == CHANGED and self.recorded_label is not None
                and self.recorded_label != self.current_label)

    @property
    def status_changed(self) -> bool:
        return (self.outcome == CHANGED and self.recorded_status is not None
                and self.recorded_status != self.current_status)

    def line(self) -> str:
        """One line for a person: the outcome, the concept, and what changed or why."""
        what = self.concept
        if self.outcome == OK:
            return f"OK {what} '{self.current_label}'"
        if self.outcome == CHANGED:
            changes = []
            if self.label_changed:
                changes.append(f"label '{self.recorded_label}' -> '{self.current_label}'")
            if self.status_changed:
                changes.append(f"status '{self.recorded_status}' -> '{self.current_status}'")
            return f"CHANGED {what} " + "; ".join(changes)
        if self.outcome == MISSING:
            label = f" '{self.recorded_label}'" if self.recorded_label else ""
            return f"MISSING {what}{label}: {self.reason}"
        return f"NOT CHECKABLE {what}: {self.reason}"


def _same(recorded: str | None, current: str | None) -> bool:
    """Labels compare without surrounding white space (v1.1.1 has 'smart home installer ')."""
    if recorded is None:
        return True
    return (recorded or "").strip() == (current or "").strip()


def _check(link: EscoLink, version: str, found, absent: set[str]) -> LinkCheck:
    concept = found.get(link.concept)
    kind = concept.kind if concept else concept_kind_of_iri(link.concept)
    common = dict(link=link.link, concept=link.concept, subjects=link.subjects, release=version,
                  recorded_release=link.release.rsplit("/", 1)[-1] if link.release else None,
                  recorded_label=link.label, recorded_status=link.status, kind=kind)
    if concept is not None:
        label_same = _same(link.label, concept.pref_label)
        status_same = _same(link.status, concept.status)
        outcome = OK if label_same and status_same else CHANGED
        return LinkCheck(**common, outcome=outcome, current_label=concept.pref_label,
                         current_status=concept.status)
    files = _FILES_FOR_KIND.get(kind or "", ())
    lacking = [name for name in files if name in absent]
    if lacking and len(lacking) == len(files) or (kind == "skill" and SKILLS.name in absent):
        # A skill IRI not among the skill groups may still be a skill of a release whose
        # skills file is not here: that cannot be told.
        reason = (f"ESCO v{version} here has no {' or '.join(n + '_en' for n in lacking)} "
                  f"file, so this {kind or 'concept'} cannot be checked against it")
        return LinkCheck(**common, outcome=NOT_CHECKABLE, current_label=None,
                         current_status=None, reason=reason)
    if kind is None:
        reason = (f"not an ESCO concept IRI (expected one under {ESCO}occupation/, skill/, "
                  "isco/, isced-f/ or concept-scheme/)")
    else:
        reason = f"no {kind.replace('-', ' ')} with this IRI in ESCO v{version}"
    return LinkCheck(**common, outcome=MISSING, current_label=None, current_status=None,
                     reason=reason)


def check_links(release_dir: Path, data_dir: Path, version: str | None = None
                ) -> list[LinkCheck]:
    """Check every ESCO link of data_dir (data_dir/esco excluded) against one release."""
    release_dir = check_release_dir(Path(release_dir))
    version = release_version(release_dir, version)
    links = read_links(data_dir)
    result = lookup(release_dir, {link.concept for link in links})
    return [_check(link, version, result.concepts, result.absent) for link in links]
