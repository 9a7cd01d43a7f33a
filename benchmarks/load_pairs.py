"""Interleaved timings of loads into a fresh Oxigraph server each (for results-load.md).

    python benchmarks/load_pairs.py --runs 3 \\
        "ecgkg load --graph-store {store} --bulk DIR" \\
        "python benchmarks/baseline_load.py {store} DIR/meetings.nt DIR/reference.nt"

Each run starts `oxigraph serve` on a new database folder on 127.0.0.1 (not timed), runs one
command ({store} and {query} replaced by the server's URLs), reads what the server holds (not
timed) and stops the server. The commands take turns (A B A B ...), so a ratio taken pair by
pair stays meaningful on a shared machine whose speed drifts. Per command: wall seconds (the
command's start to its exit, the server's work included, since the command waits for it),
the command's CPU and peak memory (its process), and the server's CPU during the command.
Ratios: each command's wall over the last command's, pair by pair.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from oxigraph_server import start_server  # noqa: E402

DEFAULT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NAMED = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def server_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(command: str, folder: Path) -> dict:
    server = start_server(folder / "db")
    try:
        args = shlex.split(command.format(store=server.store_url, query=server.query_url))
        before = server_cpu(server.process.pid)
        start = time.monotonic()
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
        error = process.stderr.read().decode(errors="replace")
        process.stderr.close()
        if status != 0:
            raise SystemExit(f"{command}: exit {status >> 8}: {error[-2000:]}")
        held = tuple(int(server.select(query)[0]["n"]["value"]) for query in (DEFAULT, NAMED))
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                "peak": usage.ru_maxrss / 1024,
                "server_cpu": server_cpu(server.process.pid) - before,
                "held": held}
    finally:
        server.stop()
        shutil.rmtree(folder / "db", ignore_errors=True)


def spread(values: list[float], unit: str = "") -> str:
    return " / ".join(f"{v:.2f}{unit}" for v in (min(values), statistics.median(values),
                                                   max(values)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("commands", nargs="+")
    options = parser.parse_args()
    results: list[list[dict]] = [[] for _ in options.commands]
    print(f"load average before: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="ecgkg-load-pairs-") as folder:
        for run in range(options.runs):
            for index, command in enumerate(options.commands):
                result = run_once(command, Path(folder))
                results[index].append(result)
                print(f"run {run + 1} command {index + 1}: {result['wall']:.2f} s wall, "
                      f"{result['cpu']:.2f} s CPU, {result['peak']:.0f} MiB, server CPU "
                      f"{result['server_cpu']:.2f} s, held {result['held']}, load "
                      f"{os.getloadavg()[0]:.2f}", flush=True)
    print(f"load average after: {os.getloadavg()}")
    last = results[-1]
    for index, command in enumerate(options.commands):
        rows = results[index]
        print(f"\n[{index + 1}] {command}")
        print(f"  wall min/median/max: {spread([r['wall'] for r in rows], ' s')}")
        print(f"  CPU median {statistics.median(r['cpu'] for r in rows):.2f} s, peak median "
              f"{statistics.median(r['peak'] for r in rows):.0f} MiB, server CPU median "
              f"{statistics.median(r['server_cpu'] for r in rows):.2f} s; held "
              f"(default, named) {sorted({r['held'] for r in rows})}")
        if index < len(options.commands) - 1:
            ratios = [r["wall"] / b["wall"] for r, b in zip(rows, last)]
            print(f"  ratio to [{len(options.commands)}] pair by pair min/median/max: "
                  f"{spread(ratios)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
