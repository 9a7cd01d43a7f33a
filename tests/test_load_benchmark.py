"""benchmarks/run.py's load into Virtuoso at a tiny size: ecgkg load and Virtuoso's bulk loader
both run on a fresh server and leave the data's triples in the files' graphs (no timings)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def test_the_virtuoso_load_workload_runs_both_engines(tmp_path, esco_dir: Path):
    output = tmp_path / "results.md"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--repeat", "1",
         "--sizes", "2k", "--workloads", "virtuoso", "--work", str(tmp_path / "work"),
         "--output", str(output), "--esco", str(esco_dir)],
        capture_output=True, text=True, cwd=ROOT, timeout=600, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    text = output.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| load into Virtuoso |"))
    ecgkg, baseline, limit = [cell.strip() for cell in row.split("|")[3:6]]
    assert re.fullmatch(r"[\d.]+ s", ecgkg) and re.fullmatch(r"[\d.]+ s", limit), row
    assert baseline == "n/a"
    assert re.search(r"load into Virtuoso 2k: after each load the files' graphs held the "
                     r"[\d,]+ triples", text)
    assert "- error:" not in text
