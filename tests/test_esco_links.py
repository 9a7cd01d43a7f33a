"""ESCO links: the subset of data/esco, the link check across releases, suggestions, the CLI.

Fixture links (tests/esco_fixtures/data/esco-links.ttl) were made against v1.1.1; v1.2.0-partial
is a real newer release (35 occupations added, 3 removed, no skills file).
"""

from __future__ import annotations

import csv
import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import RDF, SKOS, Literal, URIRef

from ecgkg.canonical import canonical_turtle, parse_turtle
from ecgkg.errors import EcgkgError
from ecgkg.esco import default_release_dir
from ecgkg.esco.check import CHANGED, MISSING, NOT_CHECKABLE, OK, check_links
from ecgkg.esco.cli import esco
from ecgkg.esco.links import read_links
from ecgkg.esco.subset import esco_subset, write_subset
from ecgkg.esco.suggest import suggest
from ecgkg.sources import data_dir as project_data_dir
from ecgkg.sources import project_root

csv.field_size_limit(sys.maxsize)

FIXTURES = Path(__file__).parent / "esco_fixtures" / "data"
ESCO = "http://data.europa.eu/esco/"
MODEL = rdflib.Namespace(ESCO + "model#")
ECG = rdflib.Namespace("https://w3id.org/ecgkg/ontology#")
EMPLOYMENT_AGENT = ESCO + "occupation/42a96d07-1e1d-49ae-9399-c1f4be27ddea"
CONTACT_TRACING_AGENT = ESCO + "occupation/46d0568d-7415-4643-94aa-89d2470fbe3c"
ICT_SECURITY_ENGINEER = ESCO + "occupation/0ce5a9f4-e00a-4bbe-b255-3c63407167a4"
IDENTIFY_TRAINING_NEEDS = ESCO + "skill/4dafe480-f2ae-46b5-bd5e-8d4e538f50c7"
WORKING_WITH_COMPUTERS = ESCO + "skill/243eb885-07c7-4b77-ab9c-827551d83dc4"
RELEASE_111 = URIRef("https://w3id.org/ecgkg/id/esco-release/1.1.1")


def release_v111() -> Path:
    path = default_release_dir()
    if not (path / "en" / "occupations_en.csv.gz").is_file():
        pytest.fail(
            f"ESCO v1.1.1 package not found at {path}: set ECGKG_ESCO_DIR to the folder holding "
            "en/ and relations/ (default ../shared/data/esco/v1.1.1 beside the project)"
        )
    return path


def release_v120() -> Path:
    path = release_v111().parent / "v1.2.0-partial"
    if not (path / "en" / "occupations_en.csv.gz").is_file():
        pytest.fail(f"ESCO v1.2.0-partial not found at {path} (expected beside v1.1.1)")
    return path


def occupation_iris(release: Path) -> set[str]:
    with gzip.open(release / "en" / "occupations_en.csv.gz", "rt", encoding="utf-8",
                   newline="") as stream:
        return {row["conceptUri"] for row in csv.DictReader(stream)}


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURES, target)
    return target


# ---------------------------------------------------------------- default release folder


def test_default_release_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("ECGKG_ESCO_DIR", raising=False)
    assert default_release_dir() == (project_root() / ".." / "shared" / "data" / "esco" /
                                     "v1.1.1").resolve()
    monkeypatch.setenv("ECGKG_ESCO_DIR", str(tmp_path))
    assert default_release_dir() == tmp_path.resolve()


# ---------------------------------------------------------------- links


def test_read_links_of_the_fixture():
    links = read_links(FIXTURES)
    assert len(links) == 7
    by_concept = {link.concept: link for link in links}
    link = by_concept[EMPLOYMENT_AGENT]
    assert link.label == "employment agent"
    assert link.status == "released"
    assert link.release == str(RELEASE_111)
    assert link.subjects == ("https://w3id.org/ecgkg/id/test/item",)


# ---------------------------------------------------------------- check


def test_v120_removed_three_occupations_and_the_fixture_links_one():
    removed = occupation_iris(release_v111()) - occupation_iris(release_v120())
    assert len(removed) == 3
    assert CONTACT_TRACING_AGENT in removed


def test_check_against_v120_flags_the_removed_occupation():
    checks = {c.concept: c for c in check_links(release_v120(), FIXTURES)}
    assert len(checks) == 7

    missing = checks[CONTACT_TRACING_AGENT]
    assert missing.outcome == MISSING and missing.broken
    assert missing.release == "1.2.0" and missing.recorded_release == "1.1.1"
    assert [c.concept for c in checks.values() if c.broken] == [CONTACT_TRACING_AGENT]

    changed = checks[ICT_SECURITY_ENGINEER]
    assert changed.outcome == CHANGED and not changed.broken
    assert changed.label_changed and not changed.status_changed
    assert (changed.recorded_label, changed.current_label) == \
        ("ICT security engineer", "cyber incident responder")
    assert changed.line().startswith(
        "CHANGED " + ICT_SECURITY_ENGINEER + " label 'ICT security engineer' -> "
        "'cyber incident responder'")

    skill = checks[IDENTIFY_TRAINING_NEEDS]
    assert skill.outcome == NOT_CHECKABLE and not skill.broken
    assert "skills_en" in skill.reason

    for concept in (EMPLOYMENT_AGENT, WORKING_WITH_COMPUTERS, ESCO + "isco/C3333",
                    ESCO + "concept-scheme/occupations"):
        assert checks[concept].outcome == OK, checks[concept]


def test_check_against_v111_passes_the_fixture_links():
    checks = check_links(release_v111(), FIXTURES)
    assert len(checks) == 7
    assert all(c.outcome == OK for c in checks), [c.line() for c in checks if c.outcome != OK]


def test_check_the_real_data_links_against_v111():
    """The project's own data/ (data/esco/ excluded): every link resolves, unchanged."""
    checks = check_links(release_v111(), project_data_dir())
    assert checks, "data/ holds no ESCO links (ecg:escoConcept)"
    problems = [c.line() for c in checks if c.outcome != OK]
    assert problems == []


def test_cli_check_exit_codes_and_lines(data_copy):
    runner = CliRunner()
    result = runner.invoke(esco, ["check", "--release", str(release_v120()),
                                  "--data", str(data_copy)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("MISSING " + CONTACT_TRACING_AGENT) for line in lines)
    assert any(line.startswith("NOT CHECKABLE " + IDENTIFY_TRAINING_NEEDS) for line in lines)
    assert any(line.startswith("CHANGED " + ICT_SECURITY_ENGINEER +
                               " label 'ICT security engineer' -> 'cyber incident responder'")
               for line in lines)
    assert "7 links against ESCO v1.2.0: 4 OK, 1 changed, 1 missing, 1 not checkable" \
        in result.output
    assert "not counted as broken" in result.output

    result = runner.invoke(esco, ["check", "--release", str(release_v111()),
                                  "--data", str(data_copy)])
    assert result.exit_code == 0, result.output
    assert sum(1 for line in result.output.splitlines() if line.startswith("OK ")) == 7


def test_check_refuses_a_folder_that_is_no_release(tmp_path, data_copy):
    empty = tmp_path / "v9.9"
    empty.mkdir()
    with pytest.raises(EcgkgError, match="not an ESCO CSV package"):
        check_links(empty, data_copy)
    result = CliRunner().invoke(esco, ["check", "--release", str(empty), "--data",
                                       str(data_copy)])
    assert result.exit_code == 2
    assert result.output.startswith("ecgkg: error: ")


# ---------------------------------------------------------------- subset


@pytest.mark.slow
def test_subset_is_idempotent_and_deterministic(data_copy):
    first = write_subset(release_v111(), data_copy)
    assert first.path == data_copy / "esco" / "esco-v1.1.1-subset.ttl"
    assert first.changed
    written = first.path.read_bytes()

    second = write_subset(release_v111(), data_copy)
    assert not second.changed
    assert first.path.read_bytes() == written

    # A fresh process with another hash seed gives the same bytes.
    first.path.unlink()
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from ecgkg.esco.subset import write_subset; "
         "write_subset(Path(sys.argv[1]), Path(sys.argv[2]))",
         str(release_v111()), str(data_copy)],
        check=True, env=env)
    assert first.path.read_bytes() == written
    # The file is in the project's canonical Turtle form.
    assert canonical_turtle(parse_turtle(first.path)) == written.decode("utf-8")


def test_subset_contents(data_copy):
    result = write_subset(release_v111(), data_copy)
    assert result.missing == []
    graph = parse_turtle(result.path)
    agent = URIRef(EMPLOYMENT_AGENT)

    assert set(graph.objects(agent, RDF.type)) == {MODEL.Occupation, SKOS.Concept}
    assert set(graph.objects(agent, SKOS.prefLabel)) == {
        Literal("employment agent", lang="en"), Literal("arbeidsbemiddelaar", lang="nl")}
    assert set(graph.objects(agent, SKOS.altLabel)) == {
        Literal("job placement officer", lang="en")}
    assert set(graph.objects(agent, SKOS.notation)) == {Literal("3333.1")}
    assert set(graph.objects(agent, ECG.escoStatus)) == {Literal("released")}
    assert set(graph.objects(agent, ECG.escoRelease)) == {RELEASE_111}
    # Only the pillar schemes, not member-occupations.
    assert set(graph.objects(agent, SKOS.inScheme)) == {URIRef(ESCO + "concept-scheme/occupations")}

    # The broader chain up to the top ISCO group, each ancestor described.
    chain, node = [], agent
    while True:
        parents = list(graph.objects(node, SKOS.broader))
        if not parents:
            break
        assert len(parents) == 1
        node = parents[0]
        chain.append(str(node))
        assert (node, RDF.type, MODEL.ISCOGroup) in graph
        assert graph.value(node, SKOS.prefLabel) is not None
        assert graph.value(node, SKOS.notation) is not None
        assert (node, ECG.escoRelease, RELEASE_111) in graph
    assert chain == [ESCO + "isco/C3333", ESCO + "isco/C333", ESCO + "isco/C33",
                     ESCO + "isco/C3"]

    # A skill's chain ends at a top skill group.
    skill = URIRef(IDENTIFY_TRAINING_NEEDS)
    ancestors = set(graph.transitive_objects(skill, SKOS.broader)) - {skill}
    assert ancestors
    tops = [a for a in ancestors if graph.value(a, SKOS.broader) is None]
    assert tops and all((t, RDF.type, MODEL.SkillGroup) in graph for t in tops)

    scheme = URIRef(ESCO + "concept-scheme/occupations")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    assert graph.value(scheme, SKOS.prefLabel) == Literal("ESCO Occupations", lang="en")

    assert graph.value(RELEASE_111, ECG.escoVersion) == Literal("1.1.1")
    assert (RELEASE_111, RDF.type, ECG.EscoRelease) in graph
    assert graph.value(RELEASE_111, URIRef("http://purl.org/dc/terms/rights")) == Literal(
        "This service uses the ESCO classification of the European Commission.", lang="en")


def test_subset_ignores_links_inside_data_esco(data_copy):
    (data_copy / "esco").mkdir()
    (data_copy / "esco" / "stray.ttl").write_text(
        "<https://w3id.org/ecgkg/id/test/stray> "
        "<https://w3id.org/ecgkg/ontology#escoConcept> "
        f"<{ESCO}occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34> .\n", encoding="utf-8")
    graph = esco_subset(release_v111(), data_copy)
    assert (URIRef(ESCO + "occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34"), None, None) \
        not in graph
    assert (URIRef(EMPLOYMENT_AGENT), None, None) in graph


def test_subset_of_a_newer_release_reports_what_it_cannot_describe(data_copy):
    result = write_subset(release_v120(), data_copy)
    assert result.path.name == "esco-v1.2.0-subset.ttl"
    assert set(result.missing) == {CONTACT_TRACING_AGENT, IDENTIFY_TRAINING_NEEDS}
    assert (URIRef(ICT_SECURITY_ENGINEER), SKOS.prefLabel,
            Literal("cyber incident responder", lang="en")) in result.graph


def test_cli_subset(data_copy):
    runner = CliRunner()
    result = runner.invoke(esco, ["subset", "--release", str(release_v111()),
                                  "--data", str(data_copy)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "7 linked concepts" in result.output
    result = runner.invoke(esco, ["subset", "--release", str(release_v111()),
                                  "--data", str(data_copy)])
    assert result.exit_code == 0
    assert result.output.startswith("unchanged")


# ---------------------------------------------------------------- suggest


def test_suggest_ranks_employment_agent_first():
    suggestions = suggest("employment agent", release_v111())
    first = suggestions[0]
    assert first.iri == EMPLOYMENT_AGENT
    assert first.kind == "occupation"
    assert first.label_type == "preferred" and first.score == 1.0
    assert all(s.score < 1.0 for s in suggestions[1:])
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


def test_suggest_matches_alternative_labels_typos_and_filters_kinds():
    by_alt = suggest("Job Placement Officer", release_v111(), "occupation", 5)
    agent = next(s for s in by_alt if s.iri == EMPLOYMENT_AGENT)
    assert agent.label_type == "alternative" and agent.score == 0.95

    typo = suggest("employmnt agent", release_v111(), None, 3)
    assert EMPLOYMENT_AGENT in [s.iri for s in typo]

    skills = suggest("identify training needs", release_v111(), "skill", 5)
    assert skills[0].iri == IDENTIFY_TRAINING_NEEDS
    assert {s.kind for s in skills} == {"skill"}


def test_suggest_rejects_bad_requests():
    with pytest.raises(EcgkgError, match="nothing to match"):
        suggest("  --  ", release_v111())
    with pytest.raises(EcgkgError, match="unknown kind"):
        suggest("agent", release_v111(), "qualification")


def test_cli_suggest_and_help():
    runner = CliRunner()
    result = runner.invoke(esco, ["suggest", "employment agent", "--top", "3",
                                  "--release", str(release_v111())])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("1.00  occupation  employment agent  <" + EMPLOYMENT_AGENT + ">")
    for verb in ("import", "subset", "check", "suggest"):
        help_text = runner.invoke(esco, [verb, "--help"]).output
        assert "Example:" in help_text and f"ecgkg esco {verb}" in help_text
