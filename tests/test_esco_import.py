"""ESCO import: exact counts on the real v1.1.1 package, reported problems, round trip, bad input.

The release folder is $ECGKG_ESCO_DIR, else ../shared/data/esco/v1.1.1 beside the project. The
full import runs once per module (a module-scoped fixture).
"""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from ecgkg.errors import EcgkgError
from ecgkg.esco import default_release_dir
from ecgkg.esco.cli import esco
from ecgkg.esco.importer import import_release

# Seconds per test (see the README: `pytest -m "not slow"` is the edit-test loop).
pytestmark = pytest.mark.slow

csv.field_size_limit(sys.maxsize)

ESCO = "http://data.europa.eu/esco/"
MODEL = ESCO + "model#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ECG = "https://w3id.org/ecgkg/ontology#"
EMPLOYMENT_AGENT = ESCO + "occupation/42a96d07-1e1d-49ae-9399-c1f4be27ddea"
GHOST_OCCUPATION = ESCO + "occupation/a9e54177-a185-404d-b6e6-15663d31137e"
IDENTIFY_TRAINING_NEEDS = ESCO + "skill/4dafe480-f2ae-46b5-bd5e-8d4e538f50c7"


def release_v111() -> Path:
    path = default_release_dir()
    if not (path / "en" / "occupations_en.csv.gz").is_file():
        pytest.fail(
            f"ESCO v1.1.1 package not found at {path}: set ECGKG_ESCO_DIR to the folder holding "
            "en/ and relations/ (default ../shared/data/esco/v1.1.1 beside the project)"
        )
    return path


def csv_rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def lines_of(value: str) -> list[str]:
    return [v.strip() for v in value.split("\n") if v.strip()]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """One full import of v1.1.1 (English concepts, Dutch occupation labels) per module."""
    out = tmp_path_factory.mktemp("esco-import") / "esco-v1.1.1.nt"
    report = import_release(release_v111(), ("en", "nl"), out, progress=False)
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.N_TRIPLES)
    return report, store, out


def objects(store: ox.Store, subject: str, predicate: str) -> set:
    return {q.object for q in store.quads_for_pattern(ox.NamedNode(subject),
                                                       ox.NamedNode(predicate), None)}


def iris(store: ox.Store, subject: str, predicate: str) -> set[str]:
    return {o.value for o in objects(store, subject, predicate)}


def labels(store: ox.Store, subject: str, predicate: str, language: str) -> set[str]:
    return {o.value for o in objects(store, subject, predicate) if o.language == language}


# ---------------------------------------------------------------- counts


def test_concept_counts_of_v111(imported):
    report, _, _ = imported
    assert report.version == "1.1.1"
    assert report.occupations == 3007
    assert report.skills == 13896
    assert report.skill_groups == 640
    assert report.isco_groups == 619
    assert report.concept_schemes == 19


def test_occupation_skill_relation_counts_are_rows_of_the_file(imported):
    report, _, _ = imported
    # 123,855 is the row count of occupationSkillRelations: it includes the 67 dangling rows.
    assert report.occupation_skill_rows == 123855
    assert report.occupation_skill_rows_by_type == {"essential": 64946, "optional": 58909}
    # Written: the rows less the 67 skipped (55 essential, 12 optional).
    assert report.occupation_skill_relations == 123855 - 67
    assert report.occupation_skill_relations_by_type == {"essential": 64891, "optional": 58897}
    assert report.essential_relations + report.optional_relations == 123788
    summary = "\n".join(report.summary())
    assert "occupation-skill relation rows read: 123,855 (64,946 essential, 58,909 optional)" \
        in summary
    assert "occupation-skill relations written: 123,788 (64,891 essential, 58,897 optional); " \
        "rows skipped: 67" in summary


def test_other_relation_counts(imported):
    report, store, _ = imported
    assert report.broader_rows == 3617 + 20656
    assert report.skill_skill_rows == 5899
    assert report.skill_skill_relations == 5899
    skipped = [p for p in report.problems if not p.kept and "broaderRelations" in p.file]
    assert report.broader_relations == report.broader_rows - len(skipped)
    broader = sum(1 for _ in store.quads_for_pattern(None, ox.NamedNode(SKOS + "broader"), None))
    assert broader == report.broader_relations


def test_triple_count_is_exact_and_distinct(imported):
    report, store, out = imported
    assert report.triples == len(store)
    with out.open(encoding="utf-8") as stream:
        assert sum(1 for _ in stream) == report.triples
    label_triples = sum(
        1 for p in ("prefLabel", "altLabel", "hiddenLabel")
        for _ in store.quads_for_pattern(None, ox.NamedNode(SKOS + p), None))
    assert report.labels == label_triples


# ---------------------------------------------------------------- problems


def test_the_67_dangling_relation_rows_are_reported_and_not_written(imported):
    report, store, _ = imported
    dangling = [p for p in report.problems
                if p.file.endswith("occupationSkillRelations.csv.gz") and not p.kept]
    assert len(dangling) == 67
    assert all(GHOST_OCCUPATION in p.reason for p in dangling)
    assert len({p.line for p in dangling}) == 67
    # The line numbers point at the rows: every reported line holds the absent occupation.
    path = release_v111() / "relations" / "occupationSkillRelations.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
        text = stream.read().split("\n")
    assert all(GHOST_OCCUPATION in text[p.line - 1] for p in dangling)
    assert not list(store.quads_for_pattern(ox.NamedNode(GHOST_OCCUPATION), None, None))


def test_dangling_broader_rows_are_reported(imported):
    report, _, _ = imported
    skill_pillar = [p for p in report.problems
                    if p.file.endswith("broaderRelationsSkillPillar.csv.gz") and not p.kept]
    # The 3 broaderUri values that resolve to no skill or skill group...
    assert len([p for p in skill_pillar if "broaderUri" in p.reason]) == 3
    # ...among every row of the file with an end that is not in the release.
    assert len(skill_pillar) == 7
    occupation_pillar = [p for p in report.problems
                         if p.file.endswith("broaderRelationsOccPillar.csv.gz") and not p.kept]
    assert [p.line for p in occupation_pillar] == [3205]
    assert GHOST_OCCUPATION in occupation_pillar[0].reason


def test_blank_skill_types_are_reported(imported):
    report, store, _ = imported
    blank_in_relations = [p for p in report.problems
                          if p.file.endswith("occupationSkillRelations.csv.gz")
                          and "blank skillType" in p.reason]
    assert len(blank_in_relations) == 5
    assert all(p.kept for p in blank_in_relations)  # the relations themselves are valid
    blank_in_skills = [p for p in report.problems
                       if p.file.endswith("skills_en.csv.gz") and "blank skillType" in p.reason]
    assert len(blank_in_skills) == 6
    for problem in blank_in_skills:
        assert problem.kept
        skill = problem.reason.split()[3].rstrip(":")
        # The skill is imported, without a skill type.
        assert MODEL + "Skill" in iris(store, skill,
                                       "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        assert iris(store, skill, MODEL + "skillType") == set()


# ---------------------------------------------------------------- round trip


def test_round_trip_of_employment_agent(imported):
    _, store, _ = imported
    release = release_v111()
    row = next(r for r in csv_rows(release / "en" / "occupations_en.csv.gz")
               if r["conceptUri"] == EMPLOYMENT_AGENT)
    dutch = next(r for r in csv_rows(release / "nl" / "occupations_nl.csv.gz")
                 if r["conceptUri"] == EMPLOYMENT_AGENT)
    assert labels(store, EMPLOYMENT_AGENT, SKOS + "prefLabel", "en") == {row["preferredLabel"]}
    assert labels(store, EMPLOYMENT_AGENT, SKOS + "prefLabel", "nl") == {dutch["preferredLabel"]}
    assert labels(store, EMPLOYMENT_AGENT, SKOS + "altLabel", "en") == \
        set(lines_of(row["altLabels"])) - {row["preferredLabel"]}
    assert {o.value for o in objects(store, EMPLOYMENT_AGENT, SKOS + "notation")} == {row["code"]}
    assert iris(store, EMPLOYMENT_AGENT, MODEL + "memberOfISCOGroup") == \
        {ESCO + "isco/C" + row["iscoGroup"]}
    assert {o.value for o in objects(store, EMPLOYMENT_AGENT, ECG + "escoStatus")} == {"released"}
    assert iris(store, EMPLOYMENT_AGENT, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == \
        {MODEL + "Occupation", SKOS + "Concept"}

    broader = {r["broaderUri"] for r in csv_rows(release / "relations" /
                                                 "broaderRelationsOccPillar.csv.gz")
               if r["conceptUri"] == EMPLOYMENT_AGENT}
    assert broader and iris(store, EMPLOYMENT_AGENT, SKOS + "broader") == broader

    relations = [r for r in csv_rows(release / "relations" / "occupationSkillRelations.csv.gz")
                 if r["occupationUri"] == EMPLOYMENT_AGENT]
    essential = {r["skillUri"] for r in relations if r["relationType"] == "essential"}
    optional = {r["skillUri"] for r in relations if r["relationType"] == "optional"}
    assert essential and optional
    assert iris(store, EMPLOYMENT_AGENT, MODEL + "relatedEssentialSkill") == essential
    assert iris(store, EMPLOYMENT_AGENT, MODEL + "relatedOptionalSkill") == optional


def test_round_trip_of_a_skill_and_an_isco_group(imported):
    _, store, _ = imported
    release = release_v111()
    skill = next(r for r in csv_rows(release / "en" / "skills_en.csv.gz")
                 if r["conceptUri"] == IDENTIFY_TRAINING_NEEDS)
    assert labels(store, IDENTIFY_TRAINING_NEEDS, SKOS + "prefLabel", "en") == \
        {skill["preferredLabel"]}
    assert iris(store, IDENTIFY_TRAINING_NEEDS, MODEL + "skillType") == \
        {ESCO + "skill-type/" + {"skill/competence": "skill",
                                 "knowledge": "knowledge"}[skill["skillType"]]}
    assert iris(store, IDENTIFY_TRAINING_NEEDS, MODEL + "skillReuseLevel") == \
        {ESCO + "skill-reuse-level/" + skill["reuseLevel"]}
    broader = {r["broaderUri"] for r in csv_rows(release / "relations" /
                                                 "broaderRelationsSkillPillar.csv.gz")
               if r["conceptUri"] == IDENTIFY_TRAINING_NEEDS}
    assert broader and iris(store, IDENTIFY_TRAINING_NEEDS, SKOS + "broader") == broader
    schemes = {s.strip() for s in skill["inScheme"].replace(",", "\n").split("\n") if s.strip()}
    assert iris(store, IDENTIFY_TRAINING_NEEDS, SKOS + "inScheme") == schemes

    group = ESCO + "isco/C3333"
    row = next(r for r in csv_rows(release / "en" / "ISCOGroups_en.csv.gz")
               if r["conceptUri"] == group)
    assert iris(store, group, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == \
        {MODEL + "ISCOGroup", SKOS + "Concept"}
    assert {o.value for o in objects(store, group, SKOS + "notation")} == {"3333"}
    assert labels(store, group, SKOS + "prefLabel", "en") == {row["preferredLabel"]}
    assert iris(store, group, SKOS + "broader") == {ESCO + "isco/C333"}


def test_skill_skill_relations_follow_the_model(imported):
    _, store, _ = imported
    rows = csv_rows(release_v111() / "relations" / "skillSkillRelations.csv.gz")
    row = next(r for r in rows if r["relationType"] == "essential")
    assert row["relatedSkillUri"] in iris(store, row["originalSkillUri"],
                                          MODEL + "relatedEssentialSkill")


def test_release_node_and_attribution(imported):
    _, store, _ = imported
    release = "https://w3id.org/ecgkg/id/esco-release/1.1.1"
    assert iris(store, release, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == \
        {ECG + "EscoRelease"}
    assert {o.value for o in objects(store, release, ECG + "escoVersion")} == {"1.1.1"}
    assert {(o.value, o.language) for o in objects(store, release,
                                                   "http://purl.org/dc/terms/title")} == \
        {("ESCO v1.1.1", "en")}
    assert {o.value for o in objects(store, release, "http://purl.org/dc/terms/rights")} == \
        {"This service uses the ESCO classification of the European Commission."}
    assert iris(store, EMPLOYMENT_AGENT, ECG + "escoRelease") == {release}


# ---------------------------------------------------------------- other layouts, CLI


def test_cli_imports_the_flat_layout_with_plain_csv_to_turtle(tmp_path):
    """v1.2.0 layout: relation files beside the others, with an _en suffix; plain .csv too."""
    source = release_v111()
    package = tmp_path / "v1.1.1"
    (package / "en").mkdir(parents=True)
    for path in (source / "en").iterdir():
        if path.name.startswith(("occupations", "skills_")):
            with gzip.open(path, "rb") as compressed:
                (package / "en" / path.name.removesuffix(".gz")).write_bytes(compressed.read())
        else:
            shutil.copy(path, package / "en" / path.name)
    for path in (source / "relations").iterdir():
        shutil.copy(path, package / "en" / path.name.replace(".csv.gz", "_en.csv.gz"))
    out = tmp_path / "esco.ttl"

    result = CliRunner().invoke(esco, ["import", str(package), "-o", str(out),
                                       "--problems", "3"])

    assert result.exit_code == 0, result.output
    assert "occupations: 3,007" in result.output
    assert "occupation-skill relation rows read: 123,855 (64,946 essential, 58,909 optional)" \
        in result.output
    assert "more problems (--problems 0 lists all)" in result.output
    triples = int(next(line for line in result.output.splitlines()
                       if line.startswith("triples: ")).split()[1].replace(",", ""))
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.TURTLE)
    assert len(store) == triples
    assert list(tmp_path.glob(".esco.ttl*")) == []


# ---------------------------------------------------------------- bad input


def copy_release(tmp_path: Path) -> Path:
    target = tmp_path / "v1.1.1"
    shutil.copytree(release_v111(), target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def test_missing_file_names_the_file_and_its_columns(tmp_path):
    package = copy_release(tmp_path)
    (package / "en" / "skills_en.csv.gz").unlink()
    with pytest.raises(EcgkgError) as error:
        import_release(package, ("en",), tmp_path / "out.nt")
    message = str(error.value)
    assert "skills_en.csv.gz" in message
    assert "conceptUri, skillType, reuseLevel, preferredLabel, altLabels" in message
    assert not (tmp_path / "out.nt").exists()


def test_a_newer_release_without_skills_is_not_importable(tmp_path):
    partial = release_v111().parent / "v1.2.0-partial"
    if not partial.is_dir():
        pytest.fail(f"{partial}: the v1.2.0-partial release is expected beside v1.1.1")
    with pytest.raises(EcgkgError, match="skills_en"):
        import_release(partial, ("en",), None)


def test_wrong_header_names_the_file_and_expected_columns(tmp_path):
    package = copy_release(tmp_path)
    with gzip.open(package / "en" / "occupations_en.csv.gz", "wt", encoding="utf-8") as stream:
        stream.write("uri,label,group\nhttp://example.org/x,x,1\n")
    with pytest.raises(EcgkgError) as error:
        import_release(package, ("en",), tmp_path / "out.nt")
    message = str(error.value)
    assert "occupations_en.csv.gz" in message
    assert "conceptUri" in message and "iscoGroup" in message and "expected columns" in message
    assert not (tmp_path / "out.nt").exists()


def test_truncated_gzip_fails_and_leaves_no_output(tmp_path):
    package = copy_release(tmp_path)
    skills = package / "en" / "skills_en.csv.gz"
    data = skills.read_bytes()
    skills.write_bytes(data[: len(data) * 2 // 3])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(EcgkgError) as error:
        import_release(package, ("en",), out_dir / "esco.nt")
    message = str(error.value)
    assert "skills_en.csv.gz" in message and "truncated" in message
    assert list(out_dir.iterdir()) == []


def test_truncated_plain_csv_fails_and_leaves_no_output(tmp_path):
    package = copy_release(tmp_path)
    skills = package / "en" / "skills_en.csv.gz"
    with gzip.open(skills, "rt", encoding="utf-8", newline="") as stream:
        text = stream.read()
    skills.unlink()
    cut = text.index(',"', len(text) // 2) + 2  # inside a quoted cell
    (package / "en" / "skills_en.csv").write_text(text[:cut], encoding="utf-8", newline="")
    out = tmp_path / "esco.nt"
    with pytest.raises(EcgkgError) as error:
        import_release(package, ("en",), out)
    assert "skills_en.csv" in str(error.value)
    assert not out.exists() and not list(tmp_path.glob(".esco.nt*"))


def test_not_a_folder_and_bad_output_suffix(tmp_path):
    with pytest.raises(EcgkgError, match="no such ESCO release folder"):
        import_release(tmp_path / "nowhere", ("en",), None)
    with pytest.raises(EcgkgError, match="not an ESCO CSV package"):
        import_release(tmp_path, ("en",), None)
    with pytest.raises(EcgkgError, match=r"\.nt"):
        import_release(release_v111(), ("en",), tmp_path / "esco.csv")
    with pytest.raises(EcgkgError, match="language"):
        import_release(release_v111(), ("english!",), None)


def test_cli_reports_errors_as_one_line_with_exit_code_2(tmp_path):
    result = CliRunner().invoke(esco, ["import", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith("ecgkg: error: ")
    assert "not an ESCO CSV package" in result.output
    assert len(result.output.strip().splitlines()) == 1


def mini_package(tmp_path: Path, rows: int = 40) -> Path:
    """A small package cut from the real one: each file's header and first rows. Most
    relation rows then point outside it, which the import reports and skips."""
    package = tmp_path / "v1.1.1"
    for path in release_v111().rglob("*.csv.gz"):
        target = package / path.relative_to(release_v111())
        target.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "rt", encoding="utf-8", newline="") as source, \
                gzip.open(target, "wt", encoding="utf-8", newline="") as sink:
            writer = csv.writer(sink)
            for index, row in enumerate(csv.reader(source)):
                if index > rows:
                    break
                writer.writerow(row)
    return package


def test_endpoint_failure_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(esco, ["import", str(mini_package(tmp_path)),
                                       "--endpoint", "http://127.0.0.1:9/query",
                                       "--timeout", "5"])
    assert result.exit_code == 2
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("ecgkg: error: ")
    # ecgkg.load.put_graph exists: the import runs, and the unreachable store is named
    assert "http://127.0.0.1:9/store" in last and "not yet supported" not in result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _sparql_count(endpoint: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    request = urllib.request.Request(
        endpoint + "?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.load(response)
    return int(answer["results"]["bindings"][0]["n"]["value"])


def test_import_into_a_local_oxigraph_server(tmp_path):
    from ecgkg import load

    assert hasattr(load, "put_graph"), "ecgkg.load.put_graph is expected by --endpoint"
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or \
        shutil.which("oxigraph")
    assert binary, "the oxigraph server (test dependency `oxigraph`) is not installed"
    port = _free_port()
    server = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path / "store"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(100):
            try:
                _sparql_count(endpoint, "urn:x-none")
                break
            except OSError:
                time.sleep(0.1)
        result = CliRunner().invoke(esco, ["import", str(mini_package(tmp_path)),
                                           "--endpoint", endpoint])
        assert result.exit_code == 0, result.output
        triples = int(next(line for line in result.output.splitlines()
                           if line.startswith("triples: ")).split()[1].replace(",", ""))
        graph = "https://w3id.org/ecgkg/graph/esco/v1.1.1"
        assert f"into <{graph}>" in result.output
        assert triples > 0 and _sparql_count(endpoint, graph) == triples
    finally:
        server.terminate()
        server.wait(timeout=10)
