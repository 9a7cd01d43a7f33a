"""`ecgkg diff`: resources added, removed and changed between two versions, by class."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import PROJECT_ROOT

from ecgkg.cli import main
from ecgkg.errors import EcgkgError
from ecgkg.publish.diff import diff

FIXTURES = Path(__file__).parent / "diff_fixtures"
OLD, NEW = FIXTURES / "old", FIXTURES / "new"
EX = "http://example.org/diff#"


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["diff", *args], env=env)


def test_additions_removals_and_changes_are_found_by_class():
    result = diff(str(OLD), str(NEW))
    assert [(r.resource, r.classes) for r in result.added] == [(EX + "fresh", [EX + "Meeting"])]
    assert [(r.resource, r.classes) for r in result.removed] == [(EX + "gone", [EX + "Meeting"])]
    changed = {r.resource: {c.property: (c.removed, c.added) for c in r.changes}
               for r in result.changed}
    # ex:kept differs only in the order of its blank node's statements: no change.
    assert sorted(changed) == [EX + "ordered", EX + "renamed", EX + "retyped"]
    assert changed[EX + "renamed"] == {
        "http://www.w3.org/2004/02/skos/core#prefLabel": (['"Old name"@en'], ['"New name"@en'])}
    assert changed[EX + "retyped"] == {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": ([f"<{EX}Thing>"], [f"<{EX}Meeting>"])}
    # A list is ordered: (one two) -> (two one) is a change of the one property holding it.
    assert list(changed[EX + "ordered"]) == [EX + "steps"]
    [label] = [r.label for r in result.added]
    assert label == '"Added meeting"@en'


def test_the_same_graph_written_otherwise_is_no_change(tmp_path):
    # N-Triples instead of Turtle, statements reversed, blank nodes renamed: still equal.
    quads = list(ox.parse(path=str(OLD / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    renamed = {}

    def fresh(term):
        if isinstance(term, ox.BlankNode):
            return renamed.setdefault(term, ox.BlankNode(f"other{len(renamed)}"))
        return term

    triples = [ox.Triple(fresh(q.subject), q.predicate, fresh(q.object)) for q in reversed(quads)]
    copy = tmp_path / "copy.nt"
    copy.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    result = run(str(OLD), str(copy))
    assert result.exit_code == 0, result.output
    assert result.output == f"{OLD} and {copy}: no change\n"


def test_exit_1_and_every_format(tmp_path):
    text = run(str(OLD), str(NEW))
    assert text.exit_code == 1
    assert text.output.splitlines()[0] == f"{OLD} -> {NEW}: 1 added, 1 removed, 3 changed"
    assert f"+ <{EX}fresh> \"Added meeting\"@en" in text.output
    assert f"- <{EX}gone> \"Removed meeting\"@en" in text.output
    markdown = run(str(OLD), str(NEW), "--format", "md")
    assert markdown.exit_code == 1
    assert markdown.output.startswith(f"## {OLD} -> {NEW}: 1 added, 1 removed, 3 changed\n")
    assert "### Added" in markdown.output and "### Removed" in markdown.output
    assert "    - removed `\"Old name\"@en`" in markdown.output
    document = json.loads(run(str(OLD), str(NEW), "-f", "json").output)
    assert document["equal"] is False
    assert [r["resource"] for r in document["changed"]] == [
        EX + "ordered", EX + "renamed", EX + "retyped"]
    assert json.loads(run(str(OLD), str(OLD), "-f", "json").output)["equal"] is True


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def history(tmp_path):
    """A git checkout whose data/ goes from the old fixture to the new one in two commits."""
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    (repo / "ontology").mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "test@example.org")
    git(repo, "config", "user.name", "test")
    (repo / "ontology" / "o.ttl").write_text("<http://example.org/o> a "
                                             "<http://www.w3.org/2002/07/owl#Ontology> .\n")
    for version in (OLD, NEW):
        (repo / "data" / "graph.ttl").write_text((version / "graph.ttl").read_text())
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", version.name)
    return repo


def test_two_git_revisions_of_the_data(history):
    result = diff("HEAD~1", "HEAD", root=history)
    assert (len(result.added), len(result.removed), len(result.changed)) == (1, 1, 3)
    assert diff("HEAD", "HEAD", root=history).equal


def test_a_revision_against_the_data_as_it_is(history):
    # Without NEW, the ontology and data of ECGKG_HOME as they are now.
    (history / "data" / "graph.ttl").write_text((OLD / "graph.ttl").read_text())
    env = {"ECGKG_HOME": str(history)}
    assert run("HEAD~1", env=env).exit_code == 0
    changed = run("HEAD", env=env)
    assert changed.exit_code == 1
    assert changed.output.startswith("HEAD -> current: 1 added, 1 removed, 3 changed")


@pytest.mark.parametrize("spec", ["no-such-thing", "--all", "HEAD~100000"])
def test_what_is_neither_a_path_nor_a_revision_is_exit_2_naming_it(spec, history):
    with pytest.raises(EcgkgError, match="not a release, folder, RDF file or git revision"):
        diff(spec, str(NEW), root=history)
    result = run("--", spec, str(NEW), env={"ECGKG_HOME": str(history)})
    assert result.exit_code == 2
    assert result.stderr == (f"ecgkg: error: {spec}: not a release, folder, RDF file or git "
                             f"revision\n")


def test_a_broken_file_is_the_reader_s_one_line(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://example.org/a> <http://example.org/b> .\n")
    result = run(str(OLD), str(broken))
    assert result.exit_code == 2
    assert result.stderr.startswith("ecgkg: error: ") and "broken.ttl:1" in result.stderr


def test_the_checkout_against_its_own_head_reads_the_bundled_data():
    # Reading a revision of this very checkout goes through git archive; the result has the
    # bundled meetings in it (a diff against an empty folder lists them as added).
    empty_graph = PROJECT_ROOT / "tests" / "diff_fixtures" / "old"
    result = diff(str(empty_graph), "HEAD", root=PROJECT_ROOT)
    added_classes = {c for r in result.added for c in r.classes}
    assert "https://w3id.org/ecgkg/ontology#Meeting" in added_classes
