"""`ecgkg release VERSION`: a versioned, described, checksummed copy of the dataset.

A release is a folder `ecgkg-VERSION/` holding the ontology and data merged (each triple once) in
Turtle, N-Triples and JSON-LD, and `release.ttl`, their DCAT/VoID description: version, date,
licence and ESCO attribution, triples per source graph, classes and their counts, the ESCO
releases the links were made against, and each file's size and SHA-256 checksum (SPDX).

It is refused for data with violations or unreviewed resources, and for a version that is not
greater than the last release (CHANGELOG.md) nor at least the ontology's current version. The
folder is written under a temporary name and renamed into place, so it is whole or absent. Then
owl:versionIRI and owl:versionInfo of the ontology and the dataset are set to VERSION in the
source files and CHANGELOG.md gains an entry with what changed since the previous release.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import RDF, XSD, Literal, URIRef

from ecgkg.errors import EXIT_FINDING, EcgkgError
from ecgkg.namespaces import ECG, ID, PREFIXES
from ecgkg.publish import RELEASE_DESCRIPTION
from ecgkg.results import compact_iri
from ecgkg.sources import data_dir, display_path, ontology_dir, project_root

ONTOLOGY = URIRef(ECG.rstrip("#"))
DATASET = URIRef(ID + "dataset")
ESCO_RELEASE = URIRef(ECG + "escoRelease")
DCAT = rdflib.Namespace(PREFIXES["dcat"])
DCTERMS = rdflib.DCTERMS
OWL = rdflib.OWL
# Two vocabularies only the release description uses, so not in the project's prefix table.
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
# What a release holds: export format, file suffix, IANA media type.
DISTRIBUTIONS = (("ttl", ".ttl", "text/turtle"),
                 ("nt", ".nt", "application/n-triples"),
                 ("jsonld", ".jsonld", "application/ld+json"))
CHANGELOG = "CHANGELOG.md"
VERSION_PATTERN = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
CHANGELOG_HEADING = re.compile(r"^## (\S+) \(", re.MULTILINE)


def installed_copy() -> Path:
    """The content shipped inside the wheel (see ecgkg.sources)."""
    from ecgkg.sources import _bundled

    return _bundled()


def parse_version(text: str) -> tuple[int, int, int]:
    match = VERSION_PATTERN.fullmatch(text)
    if match is None:
        raise EcgkgError(f"{text!r}: a release version is MAJOR.MINOR.PATCH, such as 0.2.0")
    return tuple(int(part) for part in match.groups())


def released_versions(root: Path) -> list[str]:
    """The versions CHANGELOG.md records, newest first as written."""
    changelog = root / CHANGELOG
    if not changelog.is_file():
        return []
    return [v for v in CHANGELOG_HEADING.findall(changelog.read_text(encoding="utf-8"))
            if VERSION_PATTERN.fullmatch(v)]


def ontology_file() -> Path:
    """The ontology file that declares <https://w3id.org/ecgkg/ontology>."""
    for path in sorted(ontology_dir().glob("*.ttl")):
        if f"<{ONTOLOGY}> a owl:Ontology" in path.read_text(encoding="utf-8"):
            return path
    raise EcgkgError(f"{display_path(ontology_dir())}: no file declares <{ONTOLOGY}>")


def current_version(path: Path) -> str | None:
    graph = rdflib.Graph().parse(path, format="turtle")
    value = graph.value(ONTOLOGY, OWL.versionInfo)
    return str(value) if value is not None else None


def check_version(version: str, root: Path) -> None:
    """Refuse a version that does not move forward."""
    wanted = parse_version(version)
    released = released_versions(root)
    if released and wanted <= max(parse_version(v) for v in released):
        last = max(released, key=parse_version)
        raise EcgkgError(f"{version}: not greater than the last release, {last} ({CHANGELOG})")
    ontology = current_version(ontology_file())
    if ontology and VERSION_PATTERN.fullmatch(ontology) and wanted < parse_version(ontology):
        raise EcgkgError(f"{version}: lower than the ontology's version, {ontology}")


def check_releasable(validate_options: dict | None = None) -> None:
    """Refuse data with violations or unreviewed resources (exit 1, as `validate --release`)."""
    from ecgkg.curate.review import release_failures
    from ecgkg.shacl import validate

    failures = release_failures(validate(**(validate_options or {})))
    if failures:
        first = failures[0]
        raise EcgkgError(
            f"not releasable: {len(failures)} violations or unreviewed resources (first: "
            f"{first.focus_node} in {first.file or 'the data'}: {first.message}); run "
            f"`ecgkg validate --release`", EXIT_FINDING)


# ---------------------------------------------------------------------------- versions in RDF


def versioned(iri: URIRef, version: str) -> URIRef:
    return URIRef(f"{iri}/{version}")


def set_version(graph: rdflib.Graph, subject: URIRef, version: str) -> None:
    graph.set((subject, OWL.versionIRI, versioned(subject, version)))
    graph.set((subject, OWL.versionInfo, Literal(version)))


def bump_sources(version: str) -> list[Path]:
    """Set owl:versionIRI and owl:versionInfo of the ontology and the dataset in their files
    (canonical Turtle, each written whole); the files changed."""
    from ecgkg.canonical import canonical_turtle, parse_turtle, write_atomically

    changed = []
    for path, subject in ((ontology_file(), ONTOLOGY), (data_dir() / "dataset.ttl", DATASET)):
        graph = parse_turtle(path)
        set_version(graph, subject, version)
        text = canonical_turtle(graph)
        if text != path.read_text(encoding="utf-8"):
            write_atomically(path, text)
            changed.append(path)
    return changed


# ---------------------------------------------------------------------------- the release


@dataclass
class Release:
    version: str
    folder: Path
    files: list[Path]
    triples: int
    bumped: list[Path]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_versioned(version: str):
    """The bundled ontology and data, loaded, with VERSION as the ontology's and dataset's
    version (what the source files will say once bumped)."""
    import pyoxigraph as ox

    import ecgkg

    kg = ecgkg.open()
    store = kg._built.store
    for subject in (ONTOLOGY, DATASET):
        for graph in [ox.DefaultGraph(), *store.named_graphs()]:
            node = ox.NamedNode(str(subject))
            for predicate, value in ((OWL.versionIRI, ox.NamedNode(f"{subject}/{version}")),
                                     (OWL.versionInfo, ox.Literal(version))):
                old = list(store.quads_for_pattern(node, ox.NamedNode(str(predicate)), None, graph))
                if not old and not (isinstance(graph, ox.DefaultGraph) or list(
                        store.quads_for_pattern(node, None, None, graph))):
                    continue  # the subject is not described in this file's graph
                for quad in old:
                    store.remove(quad)
                store.add(ox.Quad(node, ox.NamedNode(str(predicate)), value, graph))
    kg._triples = None
    return kg


def describe(kg, version: str, today: datetime.date, folder: Path) -> rdflib.Graph:
    """The DCAT/VoID description of the release files in FOLDER."""
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, namespace in {**PREFIXES, "void": str(VOID), "spdx": str(SPDX),
                              "dcat": str(DCAT)}.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    release = versioned(DATASET, version)
    add = graph.add
    add((release, RDF.type, DCAT.Dataset))
    add((release, RDF.type, VOID.Dataset))
    add((release, DCTERMS.isVersionOf, DATASET))
    add((release, DCAT.version, Literal(version)))
    add((release, OWL.versionInfo, Literal(version)))
    add((release, DCTERMS.issued, Literal(today.isoformat(), datatype=XSD.date)))
    add((release, DCTERMS.conformsTo, versioned(ONTOLOGY, version)))
    for variable, predicate in (("title", DCTERMS.title), ("description", DCTERMS.description),
                                ("license", DCTERMS.license), ("rights", DCTERMS.rights)):
        for row in kg.query(f"SELECT ?v WHERE {{ <{DATASET}> <{predicate}> ?v }}").rows:
            value = row[0]
            add((release, predicate, URIRef(value) if variable == "license" else
                 Literal(value, lang="en")))
    add((release, VOID.triples, Literal(len(kg), datatype=XSD.integer)))
    for row in kg.query(f"SELECT DISTINCT ?r WHERE {{ ?x <{ESCO_RELEASE}> ?r }} ORDER BY ?r").rows:
        add((release, ESCO_RELEASE, URIRef(row[0])))
    # Named nodes under the release's IRI rather than blank nodes: the same release is the same
    # bytes (rdflib orders blank nodes by their random labels).
    for number, (iri, count) in enumerate(sorted(kg.graphs().items()), start=1):
        subset = URIRef(f"{release}#graph-{number}")
        add((release, VOID.subset, subset))
        add((subset, RDF.type, VOID.Dataset))
        add((subset, DCTERMS.source, URIRef(iri)))
        add((subset, VOID.triples, Literal(count, datatype=XSD.integer)))
    for number, (cls, count) in enumerate(sorted(kg.class_counts()), start=1):
        partition = URIRef(f"{release}#class-{number}")
        add((release, VOID.classPartition, partition))
        add((partition, VOID["class"], URIRef(cls)))
        add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
    for _, suffix, media_type in DISTRIBUTIONS:
        path = folder / f"ecgkg-{version}{suffix}"
        distribution = URIRef(f"{release}/{path.name}")
        add((release, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCAT.downloadURL, distribution))
        add((distribution, DCTERMS.title, Literal(path.name)))
        add((distribution, DCAT.mediaType,
             URIRef(f"https://www.iana.org/assignments/media-types/{media_type}")))
        add((distribution, DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.integer)))
        checksum = URIRef(f"{distribution}#sha256")
        add((distribution, SPDX.checksum, checksum))
        add((checksum, RDF.type, SPDX.Checksum))
        add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        add((checksum, SPDX.checksumValue, Literal(sha256(path), datatype=XSD.hexBinary)))
    return graph


def changelog_entry(version: str, today: datetime.date, kg, since: str | None,
                    folder: Path) -> str:
    """The CHANGELOG.md entry of the release in FOLDER, with what changed since SINCE."""
    from ecgkg.publish.diff import diff, render_markdown

    lines = [f"## {version} ({today.isoformat()})", "",
             f"{len(kg):,} triples in {len(kg.files)} files; "
             + ", ".join(f"{count} {compact_iri(cls)}" for cls, count in kg.class_counts()[:6])
             + "."]
    if since is None:
        lines += ["", "First release made with `ecgkg release`."]
    else:
        changes = render_markdown(diff(since, str(folder)))
        body = changes.split("\n", 1)[1].replace("### ", "#### ", -1) if "\n" in changes else ""
        lines += ["", f"Since {since}: " + changes.split("\n", 1)[0].removeprefix("## ")
                  .split(": ", 1)[-1] + ".", body.rstrip()]
    return "\n".join(lines).rstrip() + "\n"


def write_changelog(root: Path, entry: str) -> Path:
    from ecgkg.canonical import write_atomically

    path = root / CHANGELOG
    header = "# Changelog\n\nReleases of the ecgkg dataset and ontology, newest first (written by `ecgkg release`).\n"
    text = path.read_text(encoding="utf-8") if path.is_file() else header
    head, _, rest = text.partition("\n## ")
    rest = ("## " + rest) if rest else ""
    write_atomically(path, head.rstrip("\n") + "\n\n" + entry + ("\n" + rest if rest else ""))
    return path


def release(version: str, output: Path = Path("dist"), *, force: bool = False,
            today: datetime.date | None = None, since: str | None = None,
            validate_options: dict | None = None) -> Release:
    """Write the release of VERSION under OUTPUT (see the module's docstring). SINCE names the
    previous version for the changelog (a release folder, folder or git revision); by default
    the previous release folder under OUTPUT, if there is one."""
    root = project_root()
    if root == installed_copy():
        raise EcgkgError("ecgkg release sets versions in the sources and writes CHANGELOG.md: "
                         "run it in a checkout, or set ECGKG_HOME to one, not on the copy "
                         "installed with the package")
    check_version(version, root)
    today = today or datetime.datetime.now(datetime.UTC).date()
    target = output / f"ecgkg-{version}"
    if target.exists() and not force:
        raise EcgkgError(f"{display_path(target)}: already exists (give --force to replace it)")
    check_releasable(validate_options)
    if since is None:
        previous = sorted((p for p in output.glob("ecgkg-*") if p.is_dir() and VERSION_PATTERN
                           .fullmatch(p.name.removeprefix("ecgkg-")) and p != target),
                          key=lambda p: parse_version(p.name.removeprefix("ecgkg-")))
        since = str(previous[-1]) if previous else None
    kg = build_versioned(version)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise EcgkgError(f"{display_path(output)}: cannot create: {error.strerror}") from None
    staging = Path(tempfile.mkdtemp(prefix=f".ecgkg-{version}-", dir=output))
    try:
        staging.chmod(0o755)  # mkdtemp's 0700 would hide the release from other readers
        files = []
        for fmt, suffix, _ in DISTRIBUTIONS:
            path = staging / f"ecgkg-{version}{suffix}"
            kg.export(path, format=fmt)
            files.append(path)
        description = describe(kg, version, today, staging)
        (staging / RELEASE_DESCRIPTION).write_text(description.serialize(format="turtle"),
                                           encoding="utf-8")
        entry = changelog_entry(version, today, kg, since, staging)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    bumped = bump_sources(version)
    write_changelog(root, entry)
    written = [target / f.name for f in files] + [target / RELEASE_DESCRIPTION]
    return Release(version, target, written,
                   len(kg), bumped)
