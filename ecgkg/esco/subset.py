"""The ESCO subset kept in data/esco/: the concepts the data links to and their broader chains.

The subset describes, for one release, each concept an ecg:EscoLink of data/ points to (data/esco/
itself excluded), and every concept on its skos:broader chains up to the top of its pillar (ISCO
groups for occupations, skill groups for skills), each with its types, English preferred and
alternative labels (and the Dutch preferred label of occupations, when the release has
occupations_nl), code as skos:notation, ecg:escoStatus, its pillar skos:inScheme and
ecg:escoRelease. Linked concept schemes, and the pillar schemes concepts are in, get their types
and preferred label. The release node carries its version, title and the ESCO attribution.

Nothing is imported: the release's CSV files are scanned for the IRIs needed, the broader
relation files once to walk the chains.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import RDF, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS

from ecgkg.canonical import canonical_turtle, write_atomically
from ecgkg.esco.links import SUBSET_FOLDER, read_links
from ecgkg.esco.package import (
    ATTRIBUTION,
    MODEL,
    OCCUPATIONS,
    PILLAR_SCHEMES,
    check_release_dir,
    release_iri,
    release_version,
)
from ecgkg.esco.release import Concept, broader_map, lookup, preferred_labels
from ecgkg.namespaces import ECG

ESCO_MODEL = rdflib.Namespace(MODEL)
ECG_NS = rdflib.Namespace(ECG)

CLASSES = {
    "occupation": (ESCO_MODEL.Occupation, SKOS.Concept),
    "skill": (ESCO_MODEL.Skill, SKOS.Concept),
    "skill-group": (ESCO_MODEL.SkillGroup, SKOS.Concept),
    "isco-group": (ESCO_MODEL.ISCOGroup, SKOS.Concept),
    "concept-scheme": (SKOS.ConceptScheme,),
}


@dataclass
class SubsetResult:
    """What write_subset did: the file, whether its bytes changed, and what it holds."""

    path: Path
    changed: bool
    graph: rdflib.Graph
    linked: list[str] = field(default_factory=list)       # concepts the data links to
    described: list[str] = field(default_factory=list)    # linked + ancestors + pillar schemes
    missing: list[str] = field(default_factory=list)      # linked, but not in this release


def subset_path(data_dir: Path, version: str) -> Path:
    return Path(data_dir) / SUBSET_FOLDER / f"esco-v{version}-subset.ttl"


def _ancestors(start: set[str], broader: dict[str, list[str]]) -> set[str]:
    seen = set(start)
    pending = list(start)
    while pending:
        for parent in broader.get(pending.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                pending.append(parent)
    return seen


def _subset(release_dir: Path, data_dir: Path, version: str | None
            ) -> tuple[rdflib.Graph, list[str], list[str], list[str]]:
    release_dir = check_release_dir(Path(release_dir))
    version = release_version(release_dir, version)
    release = URIRef(release_iri(version))
    linked = sorted({link.concept for link in read_links(data_dir)})

    broader = broader_map(release_dir)
    needed = _ancestors(set(linked), broader) | set(PILLAR_SCHEMES)
    concepts = lookup(release_dir, needed).concepts
    described = {iri for iri in _ancestors({i for i in linked if i in concepts}, broader)
                 if iri in concepts}
    # The pillar schemes the described concepts are in get described too.
    schemes = {s for iri in described for s in concepts[iri].schemes
               if s in PILLAR_SCHEMES and s in concepts}
    described |= schemes
    occupations = {iri for iri in described if concepts[iri].kind == "occupation"}
    dutch = preferred_labels(release_dir, OCCUPATIONS, "nl", occupations)

    graph = rdflib.Graph(bind_namespaces="none")
    graph.add((release, RDF.type, ECG_NS.EscoRelease))
    graph.add((release, ECG_NS.escoVersion, Literal(version)))
    graph.add((release, DCTERMS.title, Literal(f"ESCO v{version}", lang="en")))
    graph.add((release, DCTERMS.rights, Literal(ATTRIBUTION, lang="en")))
    for iri in sorted(described):
        _describe(graph, concepts[iri], release, described, broader, dutch.get(iri))
    missing = [iri for iri in linked if iri not in concepts]
    return graph, linked, sorted(described), missing


def _describe(graph: rdflib.Graph, concept: Concept, release: URIRef, described: set[str],
              broader: dict[str, list[str]], dutch: str | None) -> None:
    node = URIRef(concept.iri)
    for cls in CLASSES[concept.kind]:
        graph.add((node, RDF.type, cls))
    if concept.pref_label:
        graph.add((node, SKOS.prefLabel, Literal(concept.pref_label, lang="en")))
    if dutch:
        graph.add((node, SKOS.prefLabel, Literal(dutch, lang="nl")))
    if concept.status:
        graph.add((node, ECG_NS.escoStatus, Literal(concept.status)))
    graph.add((node, ECG_NS.escoRelease, release))
    if concept.kind == "concept-scheme":
        return
    for label in concept.alt_labels:
        graph.add((node, SKOS.altLabel, Literal(label, lang="en")))
    if concept.code:
        graph.add((node, SKOS.notation, Literal(concept.code)))
    for scheme in concept.schemes:
        if scheme in PILLAR_SCHEMES:
            graph.add((node, SKOS.inScheme, URIRef(scheme)))
    for parent in broader.get(concept.iri, ()):
        if parent in described:
            graph.add((node, SKOS.broader, URIRef(parent)))


def esco_subset(release_dir: Path, data_dir: Path, version: str | None = None) -> rdflib.Graph:
    """The subset graph of one release for the links in data_dir (data_dir/esco excluded)."""
    return _subset(release_dir, data_dir, version)[0]


def write_subset(release_dir: Path, data_dir: Path, version: str | None = None) -> SubsetResult:
    """Write the subset as canonical Turtle to data_dir/esco/esco-v{version}-subset.ttl.

    Deterministic: the same release and links give the same bytes, and an unchanged file is
    not rewritten."""
    graph, linked, described, missing = _subset(release_dir, data_dir, version)
    path = subset_path(data_dir, release_version(Path(release_dir), version))
    text = canonical_turtle(graph)
    changed = not path.is_file() or path.read_text(encoding="utf-8") != text
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(path, 0o666 & ~umask)  # write_atomically's temporary file is created 0600
    return SubsetResult(path, changed, graph, linked, described, missing)
