"""`ecgkg validate`: exit codes, the report formats, and what a curator sees for a typo."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from ecgkg.cli import main
from ecgkg.query import run_query
from ecgkg.reports import render
from ecgkg.sources import data_dir, display_path, shapes_dir
from ecgkg.validate import SH, load_shapes, validate

FIXTURES = Path(__file__).parent / "shape_fixtures"
MEETING_FILE = data_dir() / "meetings" / "ECG-2023-11-22.ttl"
MEETING = "https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22"
INVALID = FIXTURES / "meeting" / "invalid-structure.ttl"  # violations and a warning


def run(*args: str):
    return CliRunner().invoke(main, ["validate", *args])


def named_shapes() -> list[str]:
    graph = load_shapes(shapes_dir()).graph
    return sorted({
        str(s) for kind in (SH.NodeShape, SH.PropertyShape)
        for s in graph.subjects(rdflib.RDF.type, kind) if isinstance(s, rdflib.URIRef)
    })


@pytest.fixture(scope="module")
def invalid_report():
    return validate([INVALID])


# ------------------------------------------------------------------------------ exit codes


def test_bundled_data_exits_0():
    result = run()
    assert result.exit_code == 0, result.output
    assert "0 violations" in result.stdout and "conforms" in result.stdout


def test_fail_on_warning_fails_on_the_bundled_warning():
    counts = validate().counts()
    # as many of each severity as the golden report holds (tests/golden/validate/)
    golden = (Path(__file__).parent / "golden" / "validate" / "bundled-report.tsv").read_text(
        encoding="utf-8").splitlines()[1:]
    expected = {name: sum(f"\tsh:{name}\t" in row for row in golden)
                for name in ("Violation", "Warning", "Info")}
    assert counts == expected and expected["Violation"] == 0 and expected["Warning"] >= 1
    assert run("--fail-on", "warning").exit_code == 1
    assert run("--fail-on", "violation").exit_code == 0


def test_fail_on_info(tmp_path: Path):
    # Only an info: an act identified by its CELEX number instead of an ELI.
    source = (FIXTURES / "legal" / "valid-legal.ttl").read_text(encoding="utf-8")
    hint = source + """
<https://w3id.org/ecgkg/id/act/32018D1020> a ecg:ImplementingDecision ;
    eli:date_document "2018-07-18"^^xsd:date ;
    eli:id_local "32018D1020" ;
    eli:title "Commission Implementing Decision (EU) 2018/1020"@en ;
    dcterms:bibliographicCitation "OJ L 183, 19.7.2018, p. 17" ;
    skos:prefLabel "Commission Implementing Decision (EU) 2018/1020"@en ;
    prov:wasDerivedFrom <https://example.org/oj> .
"""
    path = tmp_path / "hint.ttl"
    path.write_text(hint, encoding="utf-8")
    assert validate([path]).counts() == {"Violation": 0, "Warning": 0, "Info": 1}
    assert run(str(path)).exit_code == 0
    assert run("--fail-on", "warning", str(path)).exit_code == 0
    assert run("--fail-on", "info", str(path)).exit_code == 1


def test_invalid_fixture_exits_1():
    assert run(str(INVALID)).exit_code == 1


# ------------------------------------------------------------------------------ the curator's typo


@pytest.fixture
def typo_file(tmp_path: Path) -> Path:
    """The Malaga meeting file with the meeting's end date set before its start date."""
    text = MEETING_FILE.read_text(encoding="utf-8")
    start = text.index(f"<{MEETING}> a ecg:Meeting")
    end_date = 'ecg:endDate "2023-11-24"^^xsd:date'
    where = text.index(end_date, start)
    path = tmp_path / "ECG-2023-11-22.ttl"
    path.write_text(text[:where] + 'ecg:endDate "2023-11-21"^^xsd:date'
                    + text[where + len(end_date):], encoding="utf-8")
    return path


def meeting_line(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(f"<{MEETING}> a"))


@pytest.mark.parametrize("with_context", [False, True])
def test_end_before_start_names_meeting_dates_file_and_line(typo_file: Path, with_context: bool):
    args = ["--context", str(data_dir())] if with_context else []
    result = run(*args, str(typo_file))
    assert result.exit_code == 1, result.output
    where = f"{display_path(typo_file)}:{meeting_line(typo_file)}"
    lines = [line for line in result.stdout.splitlines() if where in line and MEETING in line]
    assert lines, result.stdout
    assert any("2023-11-21" in line and "2023-11-22" in line for line in lines), lines
    if with_context:
        # With the rest of the data loaded, the typo and its consequences are all there is:
        # the meeting's dates, and its three days that now fall outside them.
        report = validate([typo_file], context=[data_dir()])
        assert {(r.shape.split("#")[1], str(r.focus_node)) for r in report.results} == {
            ("Event-endOnOrAfterStart", MEETING),
            *{("MeetingDay-withinMeeting", f"{MEETING}/day/{n}") for n in (1, 2, 3)},
        }


def test_typo_in_json_and_sarif(typo_file: Path):
    line = meeting_line(typo_file)
    document = json.loads(run("--format", "json", str(typo_file)).stdout)
    [result] = [r for r in document["results"]
                if r["focus_node"] == MEETING and r["shape"].endswith("#Event-endOnOrAfterStart")]
    assert result["line"] == line and result["file"] == display_path(typo_file)
    assert result["severity"] == "Violation"
    assert result["path"] == "<https://w3id.org/ecgkg/ontology#endDate>"
    assert result["value"] == '"2023-11-21"^^<http://www.w3.org/2001/XMLSchema#date>'
    assert "2023-11-22" in result["message"] and MEETING in result["message"]
    sarif = json.loads(run("--format", "sarif", str(typo_file)).stdout)
    [hit] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "ecgsh:Event-endOnOrAfterStart"]
    location = hit["locations"][0]["physicalLocation"]
    assert location["region"]["startLine"] == line
    assert hit["level"] == "error"


# ------------------------------------------------------------------------------ the run fails: exit 2


def error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ecgkg: error: ")
    return lines[0]


def test_syntax_error_names_file_and_line(tmp_path: Path):
    path = tmp_path / "broken.ttl"
    path.write_text('@prefix ecg: <https://w3id.org/ecgkg/ontology#> .\n\n'
                    '<https://example.org/a> ecg:date "2024-01-01 .\n', encoding="utf-8")
    message = error_line(run(str(path)))
    assert f"{display_path(path)}:3" in message and "syntax error" in message


def test_undeclared_prefix_names_file_line_and_prefix(tmp_path: Path):
    path = tmp_path / "prefix.ttl"
    path.write_text('@prefix ecg: <https://w3id.org/ecgkg/ontology#> .\n'
                    '<https://example.org/a> ecg:date "2024-01-01" .\n'
                    '<https://example.org/b> skos:prefLabel "b"@en .\n', encoding="utf-8")
    message = error_line(run(str(path)))
    assert f"{display_path(path)}:3" in message
    assert message.endswith(f"{display_path(path)}:3: undeclared prefix skos:")


def test_empty_folder(tmp_path: Path):
    message = error_line(run(str(tmp_path)))
    assert "no data files found" in message


def test_missing_file(tmp_path: Path):
    message = error_line(run(str(tmp_path / "nothing.ttl")))
    assert "no such file" in message


def test_unreadable_file(tmp_path: Path, monkeypatch):
    path = tmp_path / "secret.ttl"
    path.write_text("", encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    message = error_line(run(str(path)))
    assert display_path(path) in message and "cannot read" in message


def test_shapes_with_a_syntax_error(tmp_path: Path):
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "bad.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                                    "<https://example.org/S> a sh:NodeShape\n", encoding="utf-8")
    message = error_line(run("--shapes", str(shapes), str(INVALID)))
    assert "bad.ttl:" in message


def test_shapes_that_break_shacl_shacl(tmp_path: Path):
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "bad.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<https://example.org/S> a sh:NodeShape ;\n"
        "    sh:targetClass <https://example.org/C> ;\n"
        "    sh:maxCount \"one\" .\n", encoding="utf-8")
    message = error_line(run("--shapes", str(shapes), str(INVALID)))
    assert "SHACL-SHACL" in message and "https://example.org/S" in message


def test_other_shapes_are_used(tmp_path: Path, built):
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "one.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ecg: <https://w3id.org/ecgkg/ontology#> .\n"
        "<https://example.org/NoMeetings> a sh:PropertyShape ;\n"
        "    sh:targetClass ecg:Meeting ;\n"
        "    sh:maxCount 0 ; sh:path ecg:startDate ;\n"
        "    sh:message \"no start dates\" .\n", encoding="utf-8")
    result = run("--shapes", str(shapes), "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert {r["shape"] for r in document["results"]} == {"https://example.org/NoMeetings"}
    # one result per meeting in data/, however many it holds
    meetings = run_query(built, "SELECT ?m WHERE { ?m a ecg:Meeting }").rows
    assert sorted(r["focus_node"] for r in document["results"]) == sorted(m[0].value for m in meetings)
    assert MEETING in [r["focus_node"] for r in document["results"]]


# ------------------------------------------------------------------------------ formats


def test_every_result_is_complete(invalid_report):
    assert invalid_report.results
    for result in invalid_report.results:
        assert result.severity in ("Violation", "Warning", "Info")
        assert result.focus_node is not None and result.message
        assert result.shape is not None and result.component is not None
        assert result.file == display_path(INVALID) and result.line
        if isinstance(result.focus_node, rdflib.URIRef):
            text = INVALID.read_text(encoding="utf-8").splitlines()[result.line - 1]
            assert str(result.focus_node) in text, (result, text)


def run_process(*args: str, seed: str) -> subprocess.CompletedProcess:
    """`python -m ecgkg validate ...` in a fresh interpreter with its own hash seed."""
    return subprocess.run(
        [sys.executable, "-m", "ecgkg", "validate", *args], capture_output=True,
        env={**os.environ, "PYTHONHASHSEED": seed}, cwd=Path(__file__).parent.parent,
    )


def test_json_is_stable():
    first = run_process("--format", "json", str(INVALID), seed="1")
    second = run_process("--format", "json", str(INVALID), seed="2")
    assert first.returncode == second.returncode == 1, first.stderr
    assert first.stdout == second.stdout
    text = first.stdout.decode("utf-8")
    document = json.loads(text)
    assert json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n" == text
    keys = [(r["file"], r["line"]) for r in document["results"]]
    assert keys == sorted(keys)
    assert document["summary"]["violations"] == sum(
        r["severity"] == "Violation" for r in document["results"])
    turtle = [run_process("--format", "turtle", str(INVALID), seed=seed).stdout for seed in "34"]
    assert turtle[0] == turtle[1]
    assert set(document["results"][0]) == {
        "severity", "focus_node", "path", "value", "message", "shape", "constraint_component",
        "file", "line"}


def check_sarif(document: dict) -> None:
    """The required parts of SARIF 2.1.0 that code-scanning tools read."""
    assert document["version"] == "2.1.0"
    assert document["$schema"].startswith("https://") and "sarif" in document["$schema"]
    assert isinstance(document["runs"], list) and len(document["runs"]) == 1
    run_ = document["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "ecgkg" and isinstance(driver["rules"], list)
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        assert isinstance(rule["id"], str) and rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    for result in run_["results"]:
        assert result["ruleId"] == rule_ids[result["ruleIndex"]]
        assert result["level"] in ("error", "warning", "note")
        assert isinstance(result["message"]["text"], str) and result["message"]["text"]
        for location in result["locations"]:
            physical = location["physicalLocation"]
            assert isinstance(physical["artifactLocation"]["uri"], str)
            assert isinstance(physical["region"]["startLine"], int)
            assert physical["region"]["startLine"] >= 1


def test_sarif_structure(invalid_report):
    result = run("--format", "sarif", str(INVALID))
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    check_sarif(document)
    results = document["runs"][0]["results"]
    assert len(results) == len(invalid_report.results)
    assert {r["level"] for r in results} == {"error", "warning"}
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
               == display_path(INVALID) for r in results)
    assert len(document["runs"][0]["tool"]["driver"]["rules"]) == len(named_shapes())


def test_sarif_of_conforming_data():
    result = run("--format", "sarif")
    assert result.exit_code == 0  # the bundled data has a warning and an info, no violation
    document = json.loads(result.stdout)
    check_sarif(document)
    report = validate()
    levels = {"Violation": "error", "Warning": "warning", "Info": "note"}
    found = sorted((r["ruleId"], r["level"],
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                    r["locations"][0]["physicalLocation"]["region"]["startLine"])
                   for r in document["runs"][0]["results"])
    expected = sorted((f"ecgsh:{r.shape.split('#')[1]}", levels[r.severity], r.file, r.line)
                      for r in report.results)
    assert found == expected and {level for _, level, _, _ in found} >= {"warning", "note"}


def test_junit_has_one_testcase_per_shape(invalid_report):
    result = run("--format", "junit", str(INVALID))
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    names = [case.get("name") for case in cases]
    assert len(names) == len(set(names)) == len(named_shapes())
    failed = {case.get("name") for case in cases if case.find("failure") is not None}
    violating = {f"ecgsh:{r.shape.split('#')[1]}" for r in invalid_report.results
                 if r.severity == "Violation"}
    assert failed == violating
    assert int(root.get("failures")) == len(violating)
    warned = [case for case in cases if case.find("system-out") is not None]
    assert warned and all(case.find("failure") is None for case in warned)


def test_junit_of_conforming_data_has_no_failure():
    root = ET.fromstring(run("--format", "junit").stdout)
    assert root.findall(".//testcase") and not root.findall(".//failure")


def test_turtle_is_the_shacl_report_graph(invalid_report):
    result = run("--format", "turtle", str(INVALID))
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    [report] = graph.subjects(rdflib.RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == rdflib.Literal(False)
    results = list(graph.objects(report, SH.result))
    assert len(results) == len(invalid_report.results)
    assert {(str(graph.value(r, SH.focusNode)), str(graph.value(r, SH.sourceShape)))
            for r in results} == {(str(r.focus_node), str(r.shape)) for r in invalid_report.results}
    inverse = [graph.value(r, SH.resultPath) for r in results
               if isinstance(graph.value(r, SH.resultPath), rdflib.BNode)]
    assert inverse and all(graph.value(p, SH.inversePath) for p in inverse)


def test_github_annotations(invalid_report):
    result = run("--format", "github", str(INVALID))
    lines = result.stdout.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == len(invalid_report.results)
    pattern = re.compile(r"^::(error|warning|notice) file=([^,]+),line=(\d+),title=([^:]+)::(.+)$")
    for line, expected in zip(annotations, invalid_report.results):
        match = pattern.match(line)
        assert match, line
        assert match.group(2) == display_path(INVALID) and int(match.group(3)) == expected.line
        assert match.group(1) == {"Violation": "error", "Warning": "warning"}[expected.severity]
        assert "%0A" not in match.group(4) and "," not in match.group(4)


def test_text_groups_by_file_and_colours_only_on_request(invalid_report):
    plain = render(invalid_report, "text")
    assert "\x1b[" not in plain
    assert plain.splitlines()[0].startswith(display_path(INVALID))
    assert f"{display_path(INVALID)}:{invalid_report.results[0].line}: violation:" in plain
    assert "\x1b[" in render(invalid_report, "text", color=True)
    assert "\x1b[" not in run(str(INVALID)).stdout  # CliRunner's stdout is not a terminal



def test_low_memory_reports_the_same():
    """--low-memory changes what the SPARQL store holds, not the report (a fixture with
    violations and a warning, and the bundled data)."""
    codes = []
    for args in ([str(INVALID), "--context", str(data_dir())], [str(data_dir())]):
        default, low = run(*args, "--format", "json"), run(*args, "--format", "json",
                                                             "--low-memory")
        assert low.stdout == default.stdout
        assert low.exit_code == default.exit_code
        codes.append(default.exit_code)
    assert codes == [1, 0]
    assert "--low-memory" in run("--help").stdout
