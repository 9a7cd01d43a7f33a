"""`ecgkg new meeting` writes a skeleton that validates; `ecgkg authority` is a proper verb."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import PROJECT_ROOT
from rdflib import Graph, URIRef

from ecgkg.authority import PLACES_FILE, default_nal_dir, places_referenced
from ecgkg.cli import main
from ecgkg.validate import validate

DATA = PROJECT_ROOT / "data"
GHENT = URIRef("http://publications.europa.eu/resource/authority/place/BEL_GNE")


def _new(tmp_path: Path, *args: str):
    out = tmp_path / "meeting.ttl"
    result = CliRunner().invoke(main, ["new", "meeting", *args, "-o", str(out)])
    return result, out


def test_new_meeting_validates(tmp_path):
    result, out = _new(tmp_path, "--start", "2024-06-12", "--end", "2024-06-13", "--place",
                       "BEL_GNE")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "# TODO" in text
    graph = Graph().parse(out, format="turtle")
    meeting = URIRef("https://w3id.org/ecgkg/id/meeting/ECG-2024-06-12")
    assert (meeting, URIRef("https://w3id.org/ecgkg/ontology#place"), GHENT) in graph
    assert len(list(graph.objects(meeting, URIRef("https://w3id.org/ecgkg/ontology#hasDay")))) == 2
    report = validate([out], context=[DATA])
    assert not report.failed("violation"), [r.message for r in report.results][:3]


def test_new_meeting_by_place_name_is_the_same(tmp_path):
    by_code = _new(tmp_path, "--start", "2024-06-12", "--place", "BEL_GNE")[1].read_text()
    by_name = _new(tmp_path, "--start", "2024-06-12", "--place", "Ghent")[1].read_text()
    assert by_code == by_name


def test_unknown_place_names_the_code_and_closest(tmp_path):
    result, out = _new(tmp_path, "--start", "2024-06-12", "--place", "BEL_GNX")
    assert result.exit_code == 2
    assert "'BEL_GNX'" in result.stderr and "BEL_GNE (Ghent)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_end_before_start_is_refused(tmp_path):
    result, out = _new(tmp_path, "--start", "2024-06-13", "--end", "2024-06-12", "--place",
                       "Ghent")
    assert result.exit_code == 2 and "before" in result.stderr and not out.exists()


def test_authority_help_never_writes():
    before = {p: p.read_bytes() for p in (DATA / "authority").glob("*.ttl")}
    before[DATA / "bodies" / "national-coordination-offices.ttl"] = (
        DATA / "bodies" / "national-coordination-offices.ttl").read_bytes()
    result = subprocess.run([sys.executable, "-m", "ecgkg.authority", "--help"],
                            capture_output=True, text=True, cwd=PROJECT_ROOT, check=False)
    assert result.returncode == 0 and "Example:" in result.stdout
    assert {p: p.read_bytes() for p in before} == before


def test_bundled_authority_files_are_up_to_date():
    result = CliRunner().invoke(main, ["authority", "--check"])
    assert result.exit_code == 0, result.stderr


def test_a_meeting_elsewhere_adds_its_place_without_code(tmp_path):
    # a place of the EU table that data/ does not use yet (however many meetings it holds)
    code = next(c for c in ("BEL_GNE", "EST_TLL", "CZE_PRG", "BEL_BRU")
                if c not in places_referenced(DATA))
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    result = CliRunner().invoke(main, ["new", "meeting", "--start", "2024-06-12", "--place",
                                       code, "-o", str(data / "meetings" / "elsewhere.ttl")])
    assert result.exit_code == 0, result.output
    assert code in places_referenced(data)
    check = CliRunner().invoke(main, ["authority", "--check", "--data", str(data)])
    assert check.exit_code == 1 and "places.ttl" in check.stderr
    run = CliRunner().invoke(main, ["authority", "--data", str(data),
                                    "--nal", str(default_nal_dir())])
    assert run.exit_code == 0, run.output
    places = Graph().parse(data / PLACES_FILE, format="turtle")
    assert (URIRef(str(GHENT).replace("BEL_GNE", code)), None, None) in places
    assert (URIRef("http://publications.europa.eu/resource/authority/place/ESP_AGP"), None,
            None) in places
