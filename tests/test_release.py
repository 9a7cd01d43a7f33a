"""`ecgkg release`: the release folder, its description and checksums re-read, the refusals."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from conftest import PROJECT_ROOT

import ecgkg
from ecgkg.cli import main
from ecgkg.publish.diff import diff

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
OWL = rdflib.OWL
ONTOLOGY = rdflib.URIRef("https://w3id.org/ecgkg/ontology")
DATASET = rdflib.URIRef("https://w3id.org/ecgkg/id/dataset")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A copy of the project's content to release from (releasing edits the sources)."""
    root = tmp_path / "home"
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    # The copy's ontology says 0.1.0 and no release is recorded, whatever the checkout's say.
    ontology = root / "ontology" / "ecgkg.ttl"
    ontology.write_text(re.sub(r'(ontology/|owl:versionInfo ")\d+\.\d+\.\d+', r"\g<1>0.1.0",
                               ontology.read_text()))
    assert version_of(ontology, ONTOLOGY) == ("0.1.0", "https://w3id.org/ecgkg/ontology/0.1.0")
    monkeypatch.setenv("ECGKG_HOME", str(root))
    return root


def release(home: Path, *args: str):
    return CliRunner().invoke(main, ["release", *args, "--date", "2026-12-01"],
                              env={"ECGKG_HOME": str(home)})


def version_of(path: Path, subject: rdflib.URIRef) -> tuple[str, str]:
    graph = rdflib.Graph().parse(path, format="turtle")
    return str(graph.value(subject, OWL.versionInfo)), str(graph.value(subject, OWL.versionIRI))


def test_a_release_is_described_checksummed_and_reads_back(home, tmp_path):
    dist = tmp_path / "dist"
    result = release(home, "0.2.0", "-o", str(dist))
    assert result.exit_code == 0, result.output
    folder = dist / "ecgkg-0.2.0"
    assert sorted(p.name for p in folder.iterdir()) == [
        "ecgkg-0.2.0.jsonld", "ecgkg-0.2.0.nt", "ecgkg-0.2.0.ttl", "release.ttl"]
    assert not [p for p in dist.iterdir() if p.name.startswith(".")]  # no staging left behind

    description = rdflib.Graph().parse(folder / "release.ttl", format="turtle")
    release_iri = rdflib.URIRef("https://w3id.org/ecgkg/id/dataset/0.2.0")
    assert (release_iri, rdflib.RDF.type, DCAT.Dataset) in description
    assert str(description.value(release_iri, DCAT.version)) == "0.2.0"
    assert str(description.value(release_iri, rdflib.DCTERMS.issued)) == "2026-12-01"
    assert description.value(release_iri, rdflib.DCTERMS.license) == rdflib.URIRef(
        "https://creativecommons.org/licenses/by/4.0/")
    assert "This service uses the ESCO classification of the European Commission." in str(
        description.value(release_iri, rdflib.DCTERMS.rights))
    assert set(description.objects(release_iri, rdflib.URIRef(
        "https://w3id.org/ecgkg/ontology#escoRelease"))) == {
        rdflib.URIRef("https://w3id.org/ecgkg/id/esco-release/1.1.1")}
    triples = int(description.value(release_iri, VOID.triples))

    kg = ecgkg.open()  # the sources as bumped: the release is exactly them
    assert triples == len(kg)
    partitions = {(str(description.value(p, VOID["class"])), int(description.value(p, VOID.entities)))
                  for p in description.objects(release_iri, VOID.classPartition)}
    assert partitions == set(kg.class_counts())
    subsets = {int(description.value(s, VOID.triples))
               for s in description.objects(release_iri, VOID.subset)}
    assert sum(subsets) >= triples and len(list(description.objects(
        release_iri, VOID.subset))) == len(kg.files)

    distributions = list(description.objects(release_iri, DCAT.distribution))
    assert len(distributions) == 3
    for distribution in distributions:
        path = folder / str(distribution).rsplit("/", 1)[1]
        data = path.read_bytes()
        assert int(description.value(distribution, DCAT.byteSize)) == len(data)
        checksum = description.value(distribution, SPDX.checksum)
        assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(description.value(checksum, SPDX.checksumValue)) == hashlib.sha256(
            data).hexdigest()
        if path.suffix == ".jsonld":
            assert len(rdflib.Graph().parse(data=data, format="json-ld")) == triples
        else:
            fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
            assert len(list(ox.parse(data, format=fmt))) == triples

    # The sources now say 0.2.0, and the release is what they hold.
    assert version_of(home / "ontology" / "ecgkg.ttl", ONTOLOGY) == (
        "0.2.0", "https://w3id.org/ecgkg/ontology/0.2.0")
    assert version_of(home / "data" / "dataset.ttl", DATASET) == (
        "0.2.0", "https://w3id.org/ecgkg/id/dataset/0.2.0")
    assert diff(str(folder)).equal
    changelog = (home / "CHANGELOG.md").read_text()
    assert "## 0.2.0 (2026-12-01)" in changelog and "First release" in changelog


def test_the_next_release_records_what_changed_since_the_last(home, tmp_path):
    dist = tmp_path / "dist"
    assert release(home, "0.2.0", "-o", str(dist)).exit_code == 0
    dataset = home / "data" / "dataset.ttl"
    dataset.write_text(dataset.read_text().replace(
        '"ecgkg: knowledge graph of the EURES Coordination Group"@en',
        '"ecgkg: the knowledge graph of the EURES Coordination Group"@en'))
    result = release(home, "0.3.0", "-o", str(dist))
    assert result.exit_code == 0, result.output
    changelog = (home / "CHANGELOG.md").read_text()
    # newest first, with the diff against the previous release folder
    assert changelog.index("## 0.3.0 (2026-12-01)") < changelog.index("## 0.2.0 (2026-12-01)")
    entry = changelog.split("## 0.3.0", 1)[1].split("## 0.2.0", 1)[0]
    assert f"Since {dist / 'ecgkg-0.2.0'}: 0 added, 0 removed, 2 changed." in entry
    assert "#### Changed" in entry
    # the dataset's new title and the version numbers, nothing else
    assert "added `\"ecgkg: the knowledge graph of the EURES Coordination Group\"@en`" in entry
    assert "added `\"0.3.0\"`" in entry


@pytest.mark.parametrize(("version", "message"), [
    ("0.1.0", "0.1.0: lower than the ontology's version"),
    ("v1", "'v1': a release version is MAJOR.MINOR.PATCH"),
    ("1.02.0", "'1.02.0': a release version is MAJOR.MINOR.PATCH"),
])
def test_a_version_that_does_not_move_forward_is_refused(home, tmp_path, version, message):
    ontology = home / "ontology" / "ecgkg.ttl"
    ontology.write_text(ontology.read_text().replace('"0.1.0"', '"0.2.0"'))
    result = release(home, version, "-o", str(tmp_path / "dist"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"ecgkg: error: {message}")
    assert not (tmp_path / "dist").exists()


def test_the_same_version_twice_is_refused(home, tmp_path):
    assert release(home, "0.2.0", "-o", str(tmp_path / "a")).exit_code == 0
    again = release(home, "0.2.0", "-o", str(tmp_path / "b"))
    assert again.exit_code == 2
    assert again.stderr == ("ecgkg: error: 0.2.0: not greater than the last release, 0.2.0 "
                            "(CHANGELOG.md)\n")


def test_an_existing_folder_is_kept_unless_forced(home, tmp_path):
    dist = tmp_path / "dist"
    (dist / "ecgkg-0.2.0").mkdir(parents=True)
    (dist / "ecgkg-0.2.0" / "mine.txt").write_text("keep me")
    refused = release(home, "0.2.0", "-o", str(dist))
    assert refused.exit_code == 2 and "already exists (give --force" in refused.stderr
    assert (dist / "ecgkg-0.2.0" / "mine.txt").read_text() == "keep me"
    forced = release(home, "0.2.0", "-o", str(dist), "--force")
    assert forced.exit_code == 0, forced.output
    assert not (dist / "ecgkg-0.2.0" / "mine.txt").exists()
    assert (dist / "ecgkg-0.2.0" / "release.ttl").is_file()


@pytest.mark.parametrize("problem", ["violation", "unreviewed"])
def test_data_that_is_not_releasable_is_refused_and_nothing_changes(home, tmp_path, problem):
    dataset = home / "data" / "dataset.ttl"
    if problem == "violation":
        (home / "data" / "bad.ttl").write_text(
            "@prefix ecg: <https://w3id.org/ecgkg/ontology#> .\n"
            "<https://w3id.org/ecgkg/id/meeting/BAD> a ecg:Meeting .\n")
    else:
        dataset.write_text(dataset.read_text().replace(
            "ecgid:dataset a dcat:Dataset ;",
            'ecgid:dataset a dcat:Dataset ;\n    <https://w3id.org/ecgkg/ontology#reviewStatus> '
            '"unreviewed" ;'))
    before = dataset.read_text(), (home / "ontology" / "ecgkg.ttl").read_text()
    result = release(home, "0.2.0", "-o", str(tmp_path / "dist"))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("ecgkg: error: not releasable: ")
    assert not (tmp_path / "dist" / "ecgkg-0.2.0").exists()
    assert (dataset.read_text(), (home / "ontology" / "ecgkg.ttl").read_text()) == before
    assert not (home / "CHANGELOG.md").exists()


def test_a_failure_while_writing_leaves_nothing_half_written(home, tmp_path, monkeypatch):
    from ecgkg.api import KnowledgeGraph

    written = []
    real_export = KnowledgeGraph.export

    def failing_export(self, path, format=None):
        if written:
            raise OSError(28, "No space left on device")
        written.append(path)
        return real_export(self, path, format=format)

    monkeypatch.setattr(KnowledgeGraph, "export", failing_export)
    dist = tmp_path / "dist"
    result = release(home, "0.2.0", "-o", str(dist))
    assert result.exit_code != 0
    assert written and not written[0].exists()
    assert list(dist.iterdir()) == []
    assert version_of(home / "ontology" / "ecgkg.ttl", ONTOLOGY)[0] == "0.1.0"
    assert not (home / "CHANGELOG.md").exists()


def test_the_copy_installed_with_the_package_is_never_released(home, tmp_path, monkeypatch):
    # Releasing edits the sources; the installed copy is not the user's to edit.
    from ecgkg.publish import release as release_module

    monkeypatch.setattr(release_module, "installed_copy", lambda: home)
    result = release(home, "0.2.0", "-o", str(tmp_path / "dist"))
    assert result.exit_code == 2
    assert result.stderr.startswith("ecgkg: error: ecgkg release sets versions in the sources")
    assert not (tmp_path / "dist").exists()
