"""Review status: unreviewed resources are info in validate, and stop a release."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PROJECT_ROOT

from ecgkg.curate.review import check_release, release_failures, unreviewed, unreviewed_results
from ecgkg.errors import EXIT_FINDING, EcgkgError
from ecgkg.validate import validate

DATA = PROJECT_ROOT / "data"

DRAFTED = """\
@prefix ecg: <https://w3id.org/ecgkg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

<https://w3id.org/ecgkg/id/initiative/job-fair-network> a ecg:Network ;
    skos:prefLabel "National job fair network"@en ;
    prov:wasDerivedFrom <https://w3id.org/ecgkg/id/doc/ecg-2023-11-malaga-executive-summary/p2-s1> ;
    ecg:runBy <https://w3id.org/ecgkg/id/org/NCO-CZE> ;
    ecg:reviewStatus "{status}" .
"""


def _file(tmp_path: Path, status: str) -> Path:
    path = tmp_path / "initiative.ttl"
    path.write_text(DRAFTED.replace("{status}", status), encoding="utf-8")
    return path


def test_unreviewed_is_info_and_stops_a_release(tmp_path):
    path = _file(tmp_path, "unreviewed")
    report = validate([path], context=[DATA])
    infos = unreviewed_results(report)
    assert [str(r.focus_node) for r in infos] == [
        "https://w3id.org/ecgkg/id/initiative/job-fair-network"]
    assert infos[0].severity == "Info"
    assert not report.failed("violation")          # plain validate passes
    assert len(release_failures(report)) == 1      # a release does not
    with pytest.raises(EcgkgError) as caught:
        check_release([path])
    assert caught.value.exit_code == EXIT_FINDING
    assert "1 unreviewed" in str(caught.value) and "job-fair-network" in str(caught.value)


def test_one_line_edit_marks_it_reviewed(tmp_path):
    path = _file(tmp_path, "reviewed")
    report = validate([path], context=[DATA])
    assert unreviewed_results(report) == []
    assert release_failures(report) == []
    check_release([path])
    assert unreviewed([path]) == []


def test_a_misspelt_status_is_a_violation(tmp_path):
    report = validate([_file(tmp_path, "reviewd")], context=[DATA])
    assert report.failed("violation")
    assert any(str(r.shape).endswith("Reviewed-reviewStatus") for r in release_failures(report))


def test_bundled_data_is_releasable():
    """No status means hand-curated: the bundled data has no unreviewed resource."""
    assert unreviewed() == []
    check_release()


@pytest.mark.parametrize("status, plain, release", [("unreviewed", 0, 1), ("reviewed", 0, 0)])
def test_validate_release_fails_on_unreviewed_resources(tmp_path, status, plain, release):
    from click.testing import CliRunner

    from ecgkg.cli import main

    path = _file(tmp_path, status)
    args = ["validate", "--context", str(DATA), str(path)]
    assert CliRunner().invoke(main, args).exit_code == plain
    result = CliRunner().invoke(main, [*args, "--release"])
    assert result.exit_code == release, result.output
    assert ("not releasable: 1 unreviewed resources" in result.output) == bool(release)
