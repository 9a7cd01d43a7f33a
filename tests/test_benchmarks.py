"""The benchmarks: the generator's data conforms to the shapes and is deterministic, and
benchmarks/run.py runs every workload end to end at a tiny size (correctness only, no timings)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ecgkg.library import library
from ecgkg.sources import ontology_dir
from ecgkg.validate import validate

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import generate  # noqa: E402 - found through the path set just above

# Seconds per test (see the README: `pytest -m "not slow"` is the edit-test loop).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def generated_10k(tmp_path_factory, esco_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("bench") / "10k"
    generate.generate(10_000, 1, esco_dir, folder)
    return folder


def test_generator_writes_about_the_size_asked(generated_10k: Path):
    lines = sum(len(p.read_bytes().splitlines()) for p in generated_10k.glob("*.nt"))
    assert sorted(p.name for p in generated_10k.iterdir()) == ["meetings.nt", "reference.nt"]
    assert 10_000 <= lines < 11_000


def test_generated_10k_conforms_to_the_shapes(generated_10k: Path):
    report = validate([generated_10k, ontology_dir()])
    violations = [r for r in report.results if r.severity == "Violation"]
    assert not violations, "\n".join(
        f"{r.file}:{r.line}: {r.shape} on {r.focus_node}: {r.message}" for r in violations[:10])


def test_generator_is_deterministic_for_a_seed(generated_10k: Path, tmp_path: Path,
                                               esco_dir: Path):
    # Another process, with another hash seed: the bytes depend on the arguments alone.
    command = [sys.executable, str(BENCHMARKS / "generate.py"), "--triples", "10k", "--seed",
               "1", "--esco", str(esco_dir), "-o", str(tmp_path / "again")]
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "12345"})
    for name in ("reference.nt", "meetings.nt"):
        assert (tmp_path / "again" / name).read_bytes() == (generated_10k / name).read_bytes()
    generate.generate(10_000, 2, esco_dir, tmp_path / "other")
    assert (tmp_path / "other" / "meetings.nt").read_bytes() != \
        (generated_10k / "meetings.nt").read_bytes()


def test_crowded_years_give_distinct_meetings_that_conform(tmp_path: Path, esco_dir: Path):
    """Past its plain range (3-4 meetings a year) the generator puts several meetings in a
    month; a history squeezed into 3 years exercises that at a tiny size."""
    assert generate.meetings_a_month(10_000, years=3) > 1
    counts = generate.generate(10_000, 1, esco_dir, tmp_path, years=3)
    text = (tmp_path / "meetings.nt").read_text(encoding="utf-8")
    starts = re.findall(r"^<https://w3id.org/ecgkg/id/meeting/ECG-(\d{4})-\d\d-\d\d> "
                        r"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", text, re.M)
    assert len(starts) == counts["meetings"]  # one IRI per meeting: no two share a date
    assert max(int(y) for y in starts if y != "2023") <= generate.FIRST_YEAR + 3
    report = validate([tmp_path, ontology_dir()])
    assert not [r for r in report.results if r.severity == "Violation"]


def test_a_size_past_the_range_is_one_clear_line(tmp_path: Path, esco_dir: Path):
    size = generate.MAX_TRIPLES + 1
    with pytest.raises(generate.RangeError, match="past the generator's range"):
        generate.generate(size, 1, esco_dir, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # refused before writing anything
    done = subprocess.run([sys.executable, str(BENCHMARKS / "generate.py"), "--triples",
                           str(size), "--esco", str(esco_dir), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"generate.py: error: {size:,} triples: past the generator's range (at most "
        f"{generate.MAX_TRIPLES:,}: meetings are dated from 1994 to 9999)"]


def test_every_bundled_query_finds_something_in_the_generated_data(generated_10k: Path):
    """The defaults of the bundled queries hit the generated data, so each query does work."""
    from ecgkg.build import build
    from ecgkg.query import run

    built = build([generated_10k, ontology_dir()])
    empty = [q.name for q in library() if not run(q, built=built).rows]
    assert not empty


# ---------------------------------------------------------------- run.py end to end

TABLE_ROW = re.compile(r"^\| (?P<workload>[^|]+?) \| (?P<size>[^|]+?) \| (?P<cells>.*)\|$")


def checkout_env() -> dict[str, str]:
    """The environment for benchmark processes: `ecgkg` (the library and the command beside the
    interpreter) is imported from this checkout, whatever else is installed."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(ROOT) + (os.pathsep + path if path else "")}


def test_benchmark_processes_run_the_checkout_under_test(tmp_path: Path):
    # from another folder, as run.py's children and the `ecgkg` command beside the interpreter
    # import it: the package must be this checkout's, not another installed copy
    done = subprocess.run([sys.executable, "-c", "import ecgkg; print(ecgkg.__file__)"],
                          capture_output=True, text=True, cwd=tmp_path, env=checkout_env(),
                          timeout=60, check=True)
    assert Path(done.stdout.strip()).resolve().is_relative_to(ROOT / "ecgkg"), done.stdout


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, esco_dir: Path):
    """`run.py --quick --repeat 1 --query-runs 2` on the smallest size, with every workload."""
    folder = tmp_path_factory.mktemp("run")
    output = folder / "results.md"
    command = [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--repeat", "1",
               "--query-runs", "2",
               "--sizes", "2k", "--work", str(folder / "work"), "--output", str(output),
               "--esco", str(esco_dir)]
    done = subprocess.run(command, check=False, capture_output=True, text=True, cwd=ROOT,
                          timeout=600, env=checkout_env())
    assert done.returncode == 0, done.stderr[-3000:]
    return done, output


def table(text: str) -> dict[tuple[str, str], list[str]]:
    rows = {}
    for line in text.splitlines():
        match = TABLE_ROW.match(line)
        if match and not line.startswith("| workload") and not line.startswith("|---"):
            rows[(match["workload"], match["size"])] = [
                c.strip() for c in match["cells"].split("|")]
    return rows


def test_run_writes_a_row_for_every_workload(quick_run):
    done, output = quick_run
    text = output.read_text(encoding="utf-8")
    rows = table(text)
    expected = {("CLI start-up", "-"), ("build", "2k"), ("validate", "2k"),
                ("validate --low-memory", "2k"),
                ("export N-Triples", "2k"), ("export Turtle", "2k"),
                ("ESCO import v1.1.1", "-"), ("load into Oxigraph", "2k")}
    expected |= {(f"query: {q.name}", "2k") for q in library()}
    expected.add((f"query: total ({len(library())} queries)", "2k"))
    assert expected <= set(rows), sorted(expected - set(rows))
    assert table(done.stdout) == rows, "the table printed is the table written"
    for (workload, _size), cells in rows.items():
        ecgkg, baseline, limit = cells[:3]
        assert re.fullmatch(r"[\d.]+ s\*?", ecgkg), (workload, ecgkg)
        for engine, value in (("baseline", baseline), ("limit", limit)):
            assert value == "n/a" or re.match(r"[\d.]+ s|timeout|>", value), \
                (workload, engine, value)
    # every engine runs where it applies: the baselines and limits of the table's workloads
    assert rows[("validate", "2k")][1] != "n/a" and rows[("validate", "2k")][2] == "n/a"
    assert rows[("ESCO import v1.1.1", "-")][1] == "n/a"
    assert rows[("ESCO import v1.1.1", "-")][2] != "n/a"
    for key in (("build", "2k"), ("load into Oxigraph", "2k"), ("export Turtle", "2k"),
                ("CLI start-up", "-")):
        assert "n/a" not in rows[key][:3], key


def test_run_reports_machine_targets_and_checks(quick_run):
    _, output = quick_run
    text = output.read_text(encoding="utf-8")
    assert re.search(r"- machine: \d+ CPUs \(nproc\)", text)
    assert "pySHACL 0." in text and "pyoxigraph 0." in text
    assert "## Targets" in text and "## Notes" in text
    assert "- error:" not in text
    # the validation results agree with plain pySHACL on every shape fixture
    fixtures = sorted(ROOT.glob("tests/shape_fixtures/*/*.ttl"))
    assert f"{len(fixtures)}/{len(fixtures)} fixtures agree" in text
    # the load left the server with the data's triples
    assert re.search(r"load 2k: after each load the server held the [\d,]+ triples", text)
    raw = json.loads(output.with_suffix(".json").read_text(encoding="utf-8"))
    assert raw["sizes"] == ["2k"] and len(raw["fixtures"]) == len(fixtures)
    # each query ran twice in each process (--query-runs 2), and its figure is their median
    assert "--query-runs 2," in text
    query_runs = [run for row in raw["rows"] if row["workload"] == "query"
                  for runs in row["runs"].values() for run in runs if run["status"] == "ok"]
    assert len(query_runs) >= len(library()) and all(run["runs"] == 2 for run in query_runs)


def test_run_refuses_a_size_that_does_not_fit_in_memory():
    import run

    problem = run.size_problem("2m", 2_000_000, ["build", "export"], available=1024)
    assert problem is not None and problem.startswith("--sizes 2m: ")
    assert "2,000,000 triples" in problem and "GiB" in problem and "1.0 GiB available" in problem
    assert run.size_problem("2m", 2_000_000, ["startup"], available=1024) is None
    done = subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), "--sizes", "99m",
                           "--workloads", "build"], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].startswith("run.py: error: --sizes 99m: ")
    assert "(estimate)" in done.stderr


# The formulations these queries had before they were rewritten for speed (issue 15.4): the
# rewrites must give the same rows, on generated data and over a period that covers it all.
EARLIER_ESCO_BY_PERIOD = """
PREFIX ecg: <https://w3id.org/ecgkg/ontology#>
PREFIX esco: <http://data.europa.eu/esco/model#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?meeting ?concept ?conceptLabel ?conceptType ?via
WHERE {
  ?meeting a ecg:Meeting ; ecg:startDate ?start .
  OPTIONAL { ?meeting ecg:endDate ?end }
  FILTER (?start <= ?to && COALESCE(?end, ?start) >= ?from)
  { ?carrier ecg:itemOf/(^ecg:combinedWith)? ?meeting . }
  UNION
  { ?part ecg:itemOf/(^ecg:combinedWith)? ?meeting . ?part ecg:aboutInitiative ?carrier . }
  UNION
  { ?meeting ecg:hasBlock ?part . ?part ecg:aboutInitiative ?carrier . }
  ?carrier ecg:hasEscoLink ?link .
  ?link ecg:escoConcept ?concept .
  OPTIONAL { ?carrier skos:prefLabel ?via FILTER (langMatches(lang(?via), "en")) }
  OPTIONAL { ?concept skos:prefLabel ?escoLabel FILTER (langMatches(lang(?escoLabel), "en")) }
  OPTIONAL { ?link ecg:escoLabelAtLink ?labelAtLink }
  BIND (COALESCE(?escoLabel, ?labelAtLink) AS ?conceptLabel)
  BIND (IF(EXISTS { ?concept a esco:Occupation }, "occupation",
        IF(EXISTS { ?concept a esco:Skill }, "skill",
        IF(EXISTS { ?concept a esco:ISCOGroup }, "occupation group",
        IF(EXISTS { ?concept a esco:SkillGroup }, "skill group",
        IF(EXISTS { ?concept a skos:ConceptScheme }, "concept scheme", ""))))) AS ?conceptType)
}
"""


def test_rewritten_queries_give_the_rows_of_their_earlier_form(generated_10k: Path):
    from ecgkg.build import build
    from ecgkg.library import NamedQuery, resolve
    from ecgkg.query import run

    built = build([generated_10k, ontology_dir()])
    query = resolve("esco-concepts-by-period")
    earlier = NamedQuery(query.name, EARLIER_ESCO_BY_PERIOD, params=query.params,
                         columns=query.columns)
    found = []
    for period in ({}, {"from": "1990-01-01", "to": "2099-12-31"}):
        now = run(query, period, built=built).sorted_rows()
        assert now == run(earlier, period, built=built).sorted_rows()
        found.append(len(now))
    assert 0 < found[0] < found[1]  # the default period and the whole history
