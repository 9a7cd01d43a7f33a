"""benchmarks/run.py's report keeps earlier rows on request (--keep-earlier), dated."""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import run  # noqa: E402 - found through the path set just above


def earlier_results(folder: Path) -> Path:
    output = folder / "results.md"
    output.with_suffix(".json").write_text(json.dumps({
        "date": "2026-12-01 10:00 UTC", "sizes": ["1m"], "datasets": {"1m": {"triples": 7}},
        "checks": ["build at 1m: fine", "store at 1m: same rows"],
        "rows": [
            {"workload": "build", "name": "build", "size": "1m", "date": "2026-11-30 09:00 UTC",
             "runs": {"ecgkg": [{"status": "ok", "seconds": 2.0, "peak_mib": 300}]}},
            {"workload": "store", "name": "query --store: x", "size": "1m",
             "runs": {"ecgkg": [{"status": "ok", "seconds": 9.0, "peak_mib": 30}]}},
        ]}))
    return output


def test_rows_of_workloads_not_run_are_kept_with_their_date(tmp_path):
    args = run.parse_args(["--sizes", "100k", "--workloads", "store", "--keep-earlier",
                           "--output", str(earlier_results(tmp_path))])
    results = run.Results(args.repeat)
    results.checks.append("store at 1m: same rows")
    run.keep_earlier_rows(args, results)
    # build is kept, dated by its own run; the store row too, as no store row was measured now
    assert list(results.rows) == [("build", "1m"), ("query --store: x", "1m")]
    assert results.rows[("build", "1m")].measured == "2026-11-30 09:00 UTC"
    assert [label for label, _ in args.sizes] == ["100k", "1m"]  # ordered by size
    assert results.datasets == {"1m": {"triples": 7}}
    assert results.checks == ["store at 1m: same rows",
                              "(from 2026-12-01 10:00 UTC) build at 1m: fine"]
    assert args.earlier == [("build", "2026-11-30 09:00 UTC"), ("store", "2026-12-01 10:00 UTC")]
    assert "build from 2026-11-30 09:00 UTC" in "\n".join(run.machine_lines(args))


def test_without_the_flag_nothing_earlier_is_read(tmp_path):
    args = run.parse_args(["--sizes", "100k", "--workloads", "store",
                           "--output", str(earlier_results(tmp_path))])
    assert args.keep_earlier is False


def test_a_row_measured_now_replaces_the_earlier_one(tmp_path):
    args = run.parse_args(["--sizes", "1m", "--workloads", "store", "--keep-earlier",
                           "--output", str(earlier_results(tmp_path))])
    results = run.Results(args.repeat)
    results.add("store", "query --store: x", "1m", "ecgkg",
                {"status": "ok", "seconds": 1.0, "peak_mib": 30})
    run.keep_earlier_rows(args, results)
    assert results.rows[("query --store: x", "1m")].seconds("ecgkg") == 1.0
    assert results.rows[("query --store: x", "1m")].measured is None  # this run's
    assert ("build", "1m") in results.rows


def timed_row(workload: str, name: str, size: str, ecgkg: float, limit: float | None = None,
              peak: float = 100) -> run.Row:
    runs = {"ecgkg": [{"status": "ok", "seconds": ecgkg, "rss_kb": peak * 1024}]}
    if limit is not None:
        runs["limit"] = [{"status": "ok", "seconds": limit, "rss_kb": peak * 1024}]
    return run.Row(workload, name, size, runs)


def verdict(ok, text, why=None):
    return ("met" if ok else "not measured" if ok is None else "missed") + ": " + text


def test_validation_memory_is_judged_against_the_build_at_the_same_size():
    rows = [timed_row("build", "build", "1m", 5.0, peak=400),
            timed_row("validate", "validate", "1m", 8.0, peak=520)]
    (line,) = run.validate_memory_targets(rows, "1m", "", verdict)
    assert line.startswith("met: ") and "1.30x the build's 400" in line
    rows[1] = timed_row("validate", "validate", "1m", 8.0, peak=521)
    assert run.validate_memory_targets(rows, "1m", "", verdict)[0].startswith("missed: ")
    rows[1] = timed_row("validate", "validate", "1m", 8.8, peak=400)
    assert run.validate_memory_targets(rows, "1m", "", verdict)[0].startswith("missed: ")
    assert run.validate_memory_targets(rows[:1], "1m", "", verdict)[0].startswith("not measured")


def test_large_results_at_10m_are_judged_query_by_query():
    rows = [timed_row("query", "query: a", "10m", 1.29, 1.0),
            timed_row("query", "query: b", "10m", 0.009, 0.001),  # start-up, not rows: ignored
            timed_row("query", "query: total (2 queries)", "10m", 9.0, 1.0)]
    (line,) = run.large_result_targets(rows, ["1m", "10m"], verdict)
    assert line.startswith("met: ") and "worst a 1.29x" in line
    rows[0] = timed_row("query", "query: a", "10m", 1.31, 1.0)
    (line,) = run.large_result_targets(rows, ["1m", "10m"], verdict)
    assert line.startswith("missed: ") and "over: a 1.31x" in line
    assert run.large_result_targets(rows, ["1m"], verdict)[0].startswith("not measured")
