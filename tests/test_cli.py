"""The `ecgkg` command as a user runs it: help, build, query, export, format, bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from ecgkg.cli import main
from ecgkg.export import EXPORT_FORMATS, GRAPH_KEEPING
from ecgkg.namespaces import PREFIXES
from ecgkg.sources import data_dir

runner = CliRunner()


def run(*args: str, input: str | None = None):
    return runner.invoke(main, list(args), input=input, catch_exceptions=False)


def test_help_lists_every_verb_and_each_verb_has_help_with_an_example():
    result = run("--help")
    assert result.exit_code == 0
    verbs = sorted(main.commands)
    assert {"build", "query", "export", "format"} <= set(verbs)
    for verb in verbs:
        assert verb in result.output
        verb_help = run(verb, "--help")
        assert verb_help.exit_code == 0, verb
        assert "Example:" in verb_help.output, f"`ecgkg {verb} --help` has no example"


def test_every_verb_has_a_section_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert len(main.commands) == 16
    missing = [verb for verb in main.commands if f"`ecgkg {verb}`" not in readme]
    assert missing == [], "verbs the README does not document"


def test_version_and_python_dash_m():
    assert run("--version").output.startswith("ecgkg, version ")
    completed = subprocess.run([sys.executable, "-m", "ecgkg", "--help"], capture_output=True,
                               text=True, timeout=60)
    assert completed.returncode == 0 and "build" in completed.stdout


def test_build_prints_counts_per_class(built):
    result = run("build")
    assert result.exit_code == 0
    # one whole line per class, read as a table (a substring test would find "1  ecg:Meeting"
    # inside "1  ecg:MeetingBlock"), compared with the instances the store holds
    printed = {}
    for line in result.output.splitlines()[2:]:
        count, name = line.split()
        prefix, _, local = name.partition(":")
        printed[PREFIXES[prefix] + local] = int(count)
    # most frequent first, ties by class IRI: the same order on every run
    assert list(printed.items()) == sorted(printed.items(), key=lambda item: (-item[1], item[0]))
    typed = {(quad.subject, quad.object.value) for quad in built.store.quads_for_pattern(
        None, ox.NamedNode(PREFIXES["rdf"] + "type"), None)}
    expected = Counter(cls for _, cls in typed)
    assert printed == expected
    assert printed[PREFIXES["ecg"] + "Meeting"] >= 1
    assert printed[PREFIXES["ecg"] + "NationalCoordinationOffice"] == 31  # one per EURES country


def test_query_from_stdin_in_every_tabular_format():
    sparql = ("PREFIX ecg: <https://w3id.org/ecgkg/ontology#> SELECT ?start WHERE { "
              "<https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22> ecg:startDate ?start }")
    assert run("query", "-", "--format", "csv", input=sparql).output == "start\n2023-11-22\n"
    assert run("query", "-", "--format", "tsv", input=sparql).output == "start\n2023-11-22\n"
    assert '"value": "2023-11-22"' in run("query", "-", "--format", "json", input=sparql).output
    table = run("query", "-", input=sparql).output
    assert "2023-11-22" in table and "(1 row)" in table


@pytest.fixture(scope="module")
def union_triples():
    from ecgkg.build import build

    built = build()
    named = {q for q in built.store if not isinstance(q.graph_name, ox.DefaultGraph)}
    return {ox.Triple(q.subject, q.predicate, q.object) for q in built.store}, named


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_export_round_trips_to_an_isomorphic_graph(tmp_path, union_triples, fmt):
    triples, quads = union_triples
    output = tmp_path / f"ecgkg.{fmt}"
    result = run("export", "--format", fmt, "-o", str(output))
    assert result.exit_code == 0
    parsed = list(ox.parse(path=str(output), format=EXPORT_FORMATS[fmt]))
    if fmt in GRAPH_KEEPING:
        # The data has no blank nodes, so isomorphism is set equality, graphs included.
        assert set(parsed) == quads
    else:
        assert {ox.Triple(q.subject, q.predicate, q.object) for q in parsed} == triples
    assert len(triples) > 1000


def test_export_to_stdout():
    result = run("export", "--format", "nt")
    assert result.exit_code == 0
    assert "<https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22>" in result.output


# ---- bad input: one line, exit 2, nothing half-written


def copy_of_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


def test_syntax_error_names_file_and_line_without_traceback(tmp_path):
    data = copy_of_data(tmp_path)
    broken = data / "meetings" / "ECG-2023-11-22.ttl"
    lines = broken.read_text(encoding="utf-8").splitlines()
    lines[11] = lines[11].rstrip(" ;.") + ' "unterminated ;'
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    completed = subprocess.run([sys.executable, "-m", "ecgkg", "build", str(data)],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "ECG-2023-11-22.ttl:12" in completed.stderr
    assert completed.stderr.count("\n") == 1


def test_unknown_format_and_missing_files_exit_2(tmp_path):
    assert run("export", "--format", "yaml").exit_code == 2
    missing = run("build", str(tmp_path / "nope.ttl"))
    assert missing.exit_code == 2 and "no such file" in missing.output
    assert run("query", str(tmp_path / "nope.rq")).exit_code == 2


def test_failed_export_leaves_no_file(tmp_path):
    data = copy_of_data(tmp_path)
    (data / "bad.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    output = tmp_path / "out.ttl"
    output.write_text("previous export\n", encoding="utf-8")
    result = run("export", "-o", str(output), str(data))
    assert result.exit_code == 2
    assert output.read_text(encoding="utf-8") == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_format_check_reports_a_non_canonical_file(tmp_path):
    path = tmp_path / "x.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:b ex:p ex:c . ex:a ex:p ex:c .\n")
    assert run("format", "--check", str(path)).exit_code == 1
    assert run("format", str(path)).exit_code == 0
    assert run("format", "--check", str(path)).exit_code == 0


def test_export_keeps_every_statement_exactly_as_the_files_write_it(tmp_path):
    """An engine may normalise literals (pyoxigraph turns derived integer types into
    xsd:integer); the data is written so that an export gives back the files' own terms."""
    from ecgkg.sources import bundled_files, data_dir, graph_iri, ontology_dir
    from ecgkg.store import OX_FORMATS

    files = bundled_files()
    # every Turtle file of ontology/ and data/, however many data/ holds
    assert set(files) == {p for d in (ontology_dir(), data_dir()) for p in d.rglob("*.ttl")}
    written = set()
    for path in files:
        graph = ox.NamedNode(graph_iri(path))
        written |= {ox.Quad(t.subject, t.predicate, t.object, graph)
                    for t in ox.parse(path=str(path), format=OX_FORMATS[path.suffix])}
    output = tmp_path / "all.nq"
    assert run("export", "--format", "nq", "-o", str(output)).exit_code == 0
    assert set(ox.parse(path=str(output), format=ox.RdfFormat.N_QUADS)) == written
