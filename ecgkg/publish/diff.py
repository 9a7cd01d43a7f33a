"""What changed between two versions of the graph: resources added, removed and changed.

A version is a release folder written by `ecgkg release`, any folder or RDF file, or a git
revision of the checkout (its ontology/ and data/). Each version is read as one RDF merge, then
compared resource by resource (every IRI that is the subject of a statement):

- a resource's description is its set of (property, value) pairs, so the order of statements,
  prefixes and serialisation never make a change;
- a blank-node value is compared by its structure (its own statements, recursively), not by its
  label, so re-serialising or renumbering blank nodes makes no change; an RDF list keeps its
  order, since reordering a list is a change;
- blank nodes that hang from no IRI are compared whole, as "anonymous" resources.

Resources are grouped by class (their rdf:type values) and each changed property lists the
values it lost and gained.
"""

from __future__ import annotations

import json
import re
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ecgkg.errors import EcgkgError
from ecgkg.publish import RELEASE_DESCRIPTION
from ecgkg.rdf.reader import read_quads
from ecgkg.results import compact_iri
from ecgkg.sources import data_dir, display_path, ontology_dir, project_root, rdf_files

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://www.w3.org/2000/01/rdf-schema#label",
          "http://purl.org/dc/terms/title")
NO_CLASS = "(no class)"
ANONYMOUS = "(anonymous)"

Key = str  # a term as N-Triples text; a blank node as its structure in brackets


@dataclass
class Version:
    """One side of a diff: what the user named and the merged statements read from it."""

    name: str
    triples: set[tuple[object, object, object]]


@dataclass
class Change:
    """One property of a changed resource: the values it lost and the values it gained."""

    property: str
    removed: list[Key]
    added: list[Key]


@dataclass
class ResourceDiff:
    resource: str  # an IRI, or the structure of an anonymous blank node
    classes: list[str]
    label: str | None = None
    changes: list[Change] = field(default_factory=list)


@dataclass
class Diff:
    old: str
    new: str
    added: list[ResourceDiff]
    removed: list[ResourceDiff]
    changed: list[ResourceDiff]

    @property
    def equal(self) -> bool:
        return not (self.added or self.removed or self.changed)


# ---------------------------------------------------------------------------- reading


def read_version(spec: str, root: Path | None = None) -> Version:
    """The statements of SPEC: a release folder, a folder or file of RDF, or a git revision of
    the checkout at ROOT (default: the project's). Raises EcgkgError naming SPEC otherwise."""
    path = Path(spec)
    if path.exists():
        return Version(spec, read_paths(release_files(path) or [path]))
    root = root or project_root()
    commit = git_commit(spec, root)
    if commit is None:
        raise EcgkgError(f"{spec}: not a release, folder, RDF file or git revision")
    with tempfile.TemporaryDirectory(prefix="ecgkg-diff-") as folder:
        extracted = extract_revision(commit, root, Path(folder))
        return Version(spec, read_paths(extracted))


def release_files(folder: Path) -> list[Path]:
    """The N-Triples file of a release folder (the whole dataset once), or [] if FOLDER is not
    a release."""
    if not (folder.is_dir() and (folder / RELEASE_DESCRIPTION).is_file()):
        return []
    found = sorted(folder.glob("*.nt"))
    if len(found) != 1:
        raise EcgkgError(f"{display_path(folder)}: a release folder holds one .nt file, "
                         f"found {len(found)}")
    return found


def read_paths(paths: Iterable[Path]) -> set[tuple[object, object, object]]:
    """The RDF merge of every file under PATHS: each file's blank nodes kept apart."""
    files = rdf_files(list(paths))
    if not files:
        raise EcgkgError(f"{', '.join(display_path(p) for p in paths)}: no RDF files found")
    triples = set()
    for number, path in enumerate(files):
        for quad in read_quads(path, label=f"d{number}b"):
            triples.add((quad.subject, quad.predicate, quad.object))
    return triples


def git_commit(spec: str, root: Path) -> str | None:
    """The commit SPEC names in the git checkout at ROOT, or None (no git, no checkout, no such
    revision)."""
    if spec.startswith("-"):
        return None  # never let a revision be read as an option of git
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"],
            capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def extract_revision(commit: str, root: Path, folder: Path) -> list[Path]:
    """ontology/ and data/ of COMMIT, written under FOLDER; the folders that exist there."""
    wanted = [name for name in ("ontology", "data") if subprocess.run(
        ["git", "-C", str(root), "cat-file", "-e", f"{commit}:{name}"],
        capture_output=True, timeout=30).returncode == 0]
    if not wanted:
        raise EcgkgError(f"{commit[:12]}: the revision has neither ontology/ nor data/")
    archive = folder / "revision.tar"
    with archive.open("wb") as out:
        done = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", commit, *wanted],
                              stdout=out, stderr=subprocess.PIPE, timeout=120)
    if done.returncode != 0:
        raise EcgkgError(f"{commit[:12]}: git archive failed: "
                         f"{done.stderr.decode(errors='replace').strip()}")
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "tree", filter="data")
    return [folder / "tree" / name for name in wanted]


# ---------------------------------------------------------------------------- comparing


class Describer:
    """Resource descriptions of one version, with blank nodes replaced by their structure."""

    def __init__(self, triples: set[tuple[object, object, object]]):
        self.outgoing: dict[object, list[tuple[object, object]]] = defaultdict(list)
        objects = set()
        for s, p, o in triples:
            self.outgoing[s].append((p, o))
            objects.add(o)
        self.anonymous = [s for s in self.outgoing
                          if isinstance(s, ox.BlankNode) and s not in objects]
        self._keys: dict[object, Key] = {}

    def key(self, term, seen: frozenset = frozenset()) -> Key:
        if not isinstance(term, ox.BlankNode):
            return str(term)
        if term in self._keys:
            return self._keys[term]
        if term in seen:
            return "[cycle]"
        inner = sorted(f"{p} {self.key(o, seen | {term})}" for p, o in self.outgoing.get(term, ()))
        key = "[" + " ; ".join(inner) + "]"
        if not seen:
            self._keys[term] = key
        return key

    def resources(self) -> dict[str, dict[str, set[Key]]]:
        """IRI (or anonymous structure) -> property -> value keys."""
        described: dict[str, dict[str, set[Key]]] = {}
        for subject, pairs in self.outgoing.items():
            if isinstance(subject, ox.NamedNode):
                properties: dict[str, set[Key]] = defaultdict(set)
                for p, o in pairs:
                    properties[p.value].add(self.key(o))
                described[subject.value] = properties
        for subject in self.anonymous:
            described[self.key(subject)] = {"": {self.key(subject)}}
        return described


def classes_of(properties: dict[str, set[Key]] | None) -> list[str]:
    if not properties or "" in properties:
        return [ANONYMOUS] if properties else [NO_CLASS]
    types = sorted(value.strip("<>") for value in properties.get(RDF_TYPE, ()))
    return types or [NO_CLASS]


def label_of(properties: dict[str, set[Key]] | None) -> str | None:
    """An English (or else any) label of a resource, as its literal text."""
    for predicate in LABELS:
        values = sorted((properties or {}).get(predicate, ()))
        english = [v for v in values if v.endswith("@en")]
        for value in english or values:
            if value.startswith('"'):
                return value
    return None


def diff_versions(old: Version, new: Version) -> Diff:
    before = Describer(old.triples).resources()
    after = Describer(new.triples).resources()
    added = [ResourceDiff(r, classes_of(after[r]), label_of(after[r]))
             for r in sorted(after.keys() - before.keys())]
    removed = [ResourceDiff(r, classes_of(before[r]), label_of(before[r]))
               for r in sorted(before.keys() - after.keys())]
    changed = []
    for resource in sorted(before.keys() & after.keys()):
        was, now = before[resource], after[resource]
        changes = [Change(p, sorted(was.get(p, set()) - now.get(p, set())),
                          sorted(now.get(p, set()) - was.get(p, set())))
                   for p in sorted(was.keys() | now.keys())
                   if was.get(p, set()) != now.get(p, set())]
        if changes:
            changed.append(ResourceDiff(resource, classes_of(now), label_of(now), changes))
    return Diff(old.name, new.name, added, removed, changed)


def current_version() -> Version:
    """The ontology and data as they are now (ECGKG_HOME, the checkout or the installed copy)."""
    return Version("current", read_paths([ontology_dir(), data_dir()]))


def diff(old: str, new: str | None = None, root: Path | None = None) -> Diff:
    """Compare two versions (see read_version for what each may be); NEW None is the ontology
    and data as they are now."""
    after = read_version(new, root) if new is not None else current_version()
    return diff_versions(read_version(old, root), after)


# ---------------------------------------------------------------------------- output

_IRI = re.compile(r"<([^<>\s]*)>")


def shown(key: Key) -> str:
    """A term key for people: IRIs compacted with the project's prefixes."""
    return _IRI.sub(lambda m: compact_iri(m.group(1)) if compact_iri(m.group(1)) != m.group(1)
                    else m.group(0), key)


def shown_class(iri: str) -> str:
    return iri if iri in (NO_CLASS, ANONYMOUS) else compact_iri(iri)


def grouped(resources: list[ResourceDiff]) -> dict[str, list[ResourceDiff]]:
    """Resources by the class they are listed under (their first class, compacted)."""
    groups: dict[str, list[ResourceDiff]] = defaultdict(list)
    for resource in resources:
        groups[", ".join(shown_class(c) for c in resource.classes)].append(resource)
    return dict(sorted(groups.items()))


def summary_line(result: Diff) -> str:
    if result.equal:
        return f"{result.old} and {result.new}: no change"
    return (f"{result.old} -> {result.new}: {len(result.added)} added, "
            f"{len(result.removed)} removed, {len(result.changed)} changed")


def resource_name(resource: ResourceDiff) -> str:
    name = shown(f"<{resource.resource}>") if not resource.resource.startswith("[") \
        else shown(resource.resource)
    return f"{name} {shown(resource.label)}" if resource.label else name


def render_text(result: Diff) -> str:
    lines = [summary_line(result)]
    for title, sign, resources in (("added", "+", result.added), ("removed", "-", result.removed),
                                   ("changed", "~", result.changed)):
        if not resources:
            continue
        lines.append("")
        lines.append(f"{title}:")
        for group, members in grouped(resources).items():
            lines.append(f"  {group}")
            for resource in members:
                lines.append(f"    {sign} {resource_name(resource)}")
                for change in resource.changes:
                    lines.append(f"        {shown_class(change.property)}")
                    lines.extend(f"          - {shown(v)}" for v in change.removed)
                    lines.extend(f"          + {shown(v)}" for v in change.added)
    return "\n".join(lines) + "\n"


def render_markdown(result: Diff) -> str:
    lines = [f"## {summary_line(result)}"]
    for title, resources in (("Added", result.added), ("Removed", result.removed),
                             ("Changed", result.changed)):
        if not resources:
            continue
        lines += ["", f"### {title}"]
        for group, members in grouped(resources).items():
            lines += ["", f"#### {group}", ""]
            for resource in members:
                lines.append(f"- `{resource_name(resource)}`")
                for change in resource.changes:
                    lines.append(f"  - `{shown_class(change.property)}`")
                    lines.extend(f"    - removed `{shown(v)}`" for v in change.removed)
                    lines.extend(f"    - added `{shown(v)}`" for v in change.added)
    return "\n".join(lines) + "\n"


def as_json(result: Diff) -> dict:
    def resource(r: ResourceDiff) -> dict:
        item = {"resource": r.resource, "classes": r.classes, "label": r.label}
        if r.changes:
            item["changes"] = [{"property": c.property, "removed": c.removed, "added": c.added}
                               for c in r.changes]
        return item

    return {"old": result.old, "new": result.new, "equal": result.equal,
            "added": [resource(r) for r in result.added],
            "removed": [resource(r) for r in result.removed],
            "changed": [resource(r) for r in result.changed]}


def render(result: Diff, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(as_json(result), indent=1, ensure_ascii=False) + "\n"
    if fmt == "md":
        return render_markdown(result)
    if fmt == "text":
        return render_text(result)
    raise ValueError(f"unknown diff format {fmt!r}")
