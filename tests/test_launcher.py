"""The `ecgkg` entry point's fast door for `ecgkg query REF --store DIR --format F`: it must
answer exactly as the click command line does (same bytes, same errors, same exit codes), take
only the calls it can read without doubt, and not import click."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecgkg import launcher
from ecgkg.cli import main as command_line
from ecgkg.library import library
from ecgkg.persist import build_store
from ecgkg.sources import queries_dir

FORMATS = ("table", "csv", "tsv", "json", "md", "ttl")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("launcher") / "store"
    build_store(folder)
    return folder


def through_launcher(argv: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    assert launcher.research_loop_call(argv) is not None, "the fast door did not take the call"
    monkeypatch.setattr(sys, "argv", ["ecgkg", *argv])
    with pytest.raises(SystemExit) as ended:
        launcher.main()
    out, err = capsys.readouterr()
    return ended.value.code, out, err


def through_click(argv: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(command_line, argv, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("argv,expected", [
    (["query", "meetings-by-year", "--store", "S"],
     {"query_ref": "meetings-by-year", "fmt": "table", "store": Path("S")}),
    (["query", "--store", "S", "-f", "csv", "x.rq"],
     {"query_ref": "x.rq", "fmt": "csv", "store": Path("S")}),
    (["query", "q", "--store=S", "--format=json"],
     {"query_ref": "q", "fmt": "json", "store": Path("S")}),
    (["query", "q"], {"query_ref": "q", "fmt": "table", "store": None}),
])
def test_the_fast_door_reads_the_simple_calls(argv, expected):
    assert launcher.research_loop_call(argv) == expected


REFUSED = [
    [], ["build"], ["queries"], ["query"], ["query", "a", "b"], ["query", "-"],
    ["query", "q", "--help"], ["query", "q", "-h"], ["query", "q", "-p", "year=2023"],
    ["query", "q", "--param=year=2023"], ["query", "q", "--store"], ["query", "q", "--store", ""],
    ["query", "q", "--store", "-x"], ["query", "q", "--store", "A", "--store", "B"],
    ["query", "q", "-f", "xml2"], ["query", "q", "-fcsv"], ["query", "q", "--format", "CSV"],
    ["query", "q", "--data", "d"], ["query", "q", "--timeout", "3"], ["query", "--", "q"],
    ["query", "q", "--endpoint", "http://127.0.0.1:1/"], ["query", "q", "--allow-service"],
    ["--version"], ["--help"], ["query", "q", "--stor", "S"],
]


@pytest.mark.parametrize("argv", REFUSED)
def test_every_other_call_goes_to_the_command_line(argv):
    assert launcher.research_loop_call(argv) is None


def test_the_refused_calls_are_the_ones_listed():
    assert len(REFUSED) == 25


@pytest.mark.slow
def test_every_bundled_query_in_every_format_answers_as_the_command_line_does(
        store, monkeypatch, capsys):
    names = [query.name for query in library()]
    assert len(names) == len(list(queries_dir().glob("*.rq"))) > 0
    assert compare_doors(names, store, monkeypatch, capsys) == len(names) * len(FORMATS)


def test_a_few_queries_in_every_format_answer_as_the_command_line_does(
        store, monkeypatch, capsys):
    """The edit-test loop's share of the test above (which is marked slow)."""
    names = ["meetings-by-year", "meeting-agenda", "summary-counts"]
    assert compare_doors(names, store, monkeypatch, capsys) == len(names) * len(FORMATS)


def compare_doors(names: list[str], store: Path, monkeypatch, capsys) -> int:
    compared = 0
    for name in names:
        for fmt in FORMATS:
            argv = ["query", name, "--store", str(store), "--format", fmt]
            assert through_launcher(argv, monkeypatch, capsys) == through_click(argv), argv
            compared += 1
    return compared


@pytest.mark.parametrize("case", ["unknown query", "no store", "not a store", "bad query file",
                                  "syntax error"])
def test_errors_are_the_command_lines_errors(case, store, tmp_path, monkeypatch, capsys):
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT ?x WHERE { ?x a foo:Bar }\n", encoding="utf-8")
    wrong = tmp_path / "wrong.rq"
    wrong.write_text("SELECT ?x\nWHERE { ?x ?p }\n", encoding="utf-8")
    not_a_store = tmp_path / "plain"
    not_a_store.mkdir()
    (not_a_store / "file.txt").write_text("x", encoding="utf-8")
    argv = {
        "unknown query": ["query", "no-such-query", "--store", str(store)],
        "no store": ["query", "meetings-by-year", "--store", str(tmp_path / "none" / "s")],
        "not a store": ["query", "meetings-by-year", "--store", str(not_a_store)],
        "bad query file": ["query", str(broken), "--store", str(store), "-f", "csv"],
        "syntax error": ["query", str(wrong), "--store", str(store), "-f", "csv"],
    }[case]
    fast = through_launcher(argv, monkeypatch, capsys)
    assert fast == through_click(argv)
    code, out, err = fast
    assert code == 2 and out == "" and err.startswith("ecgkg: error: ") and err.count("\n") == 1


def test_a_stale_store_is_rebuilt_and_said_so_through_either_door(tmp_path, monkeypatch, capsys):
    from ecgkg.sources import data_dir, ontology_dir

    sources = tmp_path / "kg"
    (sources / "data").mkdir(parents=True)
    (sources / "ontology").symlink_to(ontology_dir(), target_is_directory=True)
    meeting = data_dir() / "meetings" / "ECG-2023-11-22.ttl"
    copy = sources / "data" / meeting.name
    copy.write_text(meeting.read_text(encoding="utf-8"), encoding="utf-8")
    folder = tmp_path / "store"
    build_store(folder, [sources])
    question = tmp_path / "label.rq"
    question.write_text("SELECT ?l WHERE { <https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22> "
                        "skos:prefLabel ?l }\n",
                        encoding="utf-8")
    argv = ["query", str(question), "--store", str(folder), "-f", "csv"]
    assert "Malaga" in through_launcher(argv, monkeypatch, capsys)[1]
    copy.write_text(copy.read_text(encoding="utf-8").replace("meeting, Malaga,", "meeting, Ghent,"),
                    encoding="utf-8")
    code, out, err = through_launcher(argv, monkeypatch, capsys)
    assert code == 0 and "Ghent" in out and "Malaga" not in out
    assert err.startswith(f"{folder}: rebuilt: ") and err.endswith(" changed\n")
    assert (code, out, err) != through_launcher(argv, monkeypatch, capsys)  # rebuilt once


def test_the_fast_door_does_not_import_click(store):
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: sys.stderr.write('click imported' if 'click' in "
             "sys.modules else 'click not imported'))\n"
             f"sys.argv = ['ecgkg', 'query', 'summary-counts', '--store', {str(store)!r}, "
             "'-f', 'csv']\n"
             "from ecgkg.launcher import main\n"
             "main()\n")
    fast = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=False)
    assert fast.returncode == 0, fast.stderr
    assert fast.stderr.endswith("click not imported") and fast.stdout.startswith("what,")
    slow = subprocess.run([sys.executable, "-c", probe.replace("'-f', 'csv'", "'-p', 'x=1'")],
                          capture_output=True, text=True, check=False)
    assert slow.stderr.endswith("click imported")


def test_the_installed_command_and_python_m_use_the_launcher():
    import tomllib

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["scripts"]["ecgkg"] == "ecgkg.launcher:main"
    main_module = Path(launcher.__file__).with_name("__main__.py").read_text(encoding="utf-8")
    assert "from ecgkg.launcher import main" in main_module


@pytest.mark.parametrize("door", ["fast", "click"])
def test_a_reader_that_stops_early_ends_the_command_quietly(door, tmp_path):
    data = tmp_path / "many.nt"
    data.write_text("".join(f"<https://example.org/s{i}> <https://example.org/p> "
                            f"\"{'x' * 40} {i}\" .\n" for i in range(5000)), encoding="utf-8")
    question = tmp_path / "all.rq"
    question.write_text("SELECT ?s ?p ?o WHERE { ?s ?p ?o }\n", encoding="utf-8")
    folder = tmp_path / "store"
    build_store(folder, [data])
    argv = [sys.executable, "-m", "ecgkg", "query", str(question), "--store", str(folder),
            "-f", "csv"] + (["--timeout", "60"] if door == "click" else [])
    assert (launcher.research_loop_call(argv[3:]) is not None) == (door == "fast")
    reader = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout.readline() == b"s,p,o\n"
    reader.stdout.close()  # the output (about 400 KB) is far more than a pipe holds
    assert reader.wait(timeout=60) == 0
    assert reader.stderr.read() == b""


def test_a_piped_table_keeps_its_full_width(store):
    """Only a terminal gets a table fitted to its width; a pipe or a file gets every character."""
    import os

    answer = subprocess.run([sys.executable, "-m", "ecgkg", "query", "meetings-by-year",
                             "--store", str(store)], capture_output=True, text=True, check=False,
                            env={**os.environ, "COLUMNS": "40"})
    assert answer.returncode == 0, answer.stderr
    assert max(map(len, answer.stdout.splitlines())) > 100 and "\u2026" not in answer.stdout
    assert "EURES Coordination Group meeting, Malaga, 22-24 November 2023" in answer.stdout
