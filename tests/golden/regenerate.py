"""Rewrite the golden files of tests/golden/ from the product as it is now.

Run it after a deliberate change, then READ the diff (`git diff tests/golden`): every changed line
must be what the data, shapes, queries or formats are meant to give now.

    python tests/golden/regenerate.py                 # everything below
    python tests/golden/regenerate.py queries [NAME]  # <name>.tsv: each query's rows, in its order
    python tests/golden/regenerate.py report          # bundled-report.tsv: `ecgkg validate` on data/
    python tests/golden/regenerate.py formats         # formats/<query>.<format>: `ecgkg query` output
    python tests/golden/regenerate.py superclasses    # ontology/superclasses.tsv: each class's direct parents
    python tests/golden/regenerate.py expect FILE...  # print `# expect:` lines for a shape fixture

`expect` only prints: a fixture's expectations are the curator's statement of what must fail,
so check each line against the fixture before pasting it into the file's header.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent
sys.path.insert(0, str(GOLDEN.parent))  # tests/pinning.py

# Queries whose output is pinned byte for byte in every tabular format, and the terminal width
# the table format is rendered for (tests/test_formats_golden.py sets the same).
FORMAT_QUERIES = ("meeting-agenda", "summary-counts", "ncos-by-country")
FORMATS = ("table", "md", "csv", "tsv", "json")
COLUMNS = "120"


def write_tsv(path: Path, header: list[str], rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as sink:
        writer = csv.writer(sink, delimiter="\t", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def queries(names: list[str]) -> None:
    from ecgkg.build import build
    from ecgkg.library import library
    from ecgkg.query import run
    from ecgkg.results import term_text

    built = build()
    for query in library():
        if names and query.name not in names:
            continue
        result = run(query, built=built)
        rows = [tuple(term_text(t) for t in row) for row in result.rows]
        path = write_tsv(GOLDEN / f"{query.name}.tsv", result.variables, rows)
        print(f"{path.name}: {len(rows)} rows")


def report() -> None:
    from pinning import report_row

    from ecgkg.validate import validate

    rows = sorted(report_row(r) for r in validate().results)
    header = ["focus", "path", "value", "component", "shape", "severity", "message"]
    path = write_tsv(GOLDEN / "validate" / "bundled-report.tsv", header, rows)
    print(f"{path.name}: {len(rows)} results")


def formats() -> None:
    from click.testing import CliRunner

    from ecgkg.cli import main

    folder = GOLDEN / "formats"
    folder.mkdir(exist_ok=True)
    runner = CliRunner()
    for name in FORMAT_QUERIES:
        for fmt in FORMATS:
            result = runner.invoke(main, ["query", name, "--format", fmt],
                                   env={"COLUMNS": COLUMNS}, catch_exceptions=False)
            if result.exit_code != 0:
                raise SystemExit(f"ecgkg query {name} --format {fmt}: exit {result.exit_code}")
            path = folder / f"{name}.{fmt}"
            path.write_text(result.output, encoding="utf-8")
            print(f"formats/{path.name}: {len(result.output.splitlines())} lines")


def superclasses() -> None:
    from ontology_graph import direct_superclasses
    from pinning import compact

    rows = [(compact(cls), " ".join(sorted(compact(p) for p in parents)))
            for cls, parents in sorted(direct_superclasses().items())]
    path = write_tsv(GOLDEN / "ontology" / "superclasses.tsv", ["class", "direct superclasses"], rows)
    print(f"{path.name}: {len(rows)} classes")


def expect(files: list[str]) -> None:
    from pinning import expectation_line

    from ecgkg.validate import validate

    for name in files:
        print(f"# {name}")
        for line in sorted({expectation_line(r) for r in validate([Path(name)]).results}):
            print(line)


def main(argv: list[str]) -> None:
    os.environ.setdefault("COLUMNS", COLUMNS)
    command, args = (argv[0], argv[1:]) if argv else ("all", [])
    if command in ("-h", "--help", "help"):
        print(__doc__)
        return
    if command == "all":
        queries([])
        report()
        formats()
        superclasses()
    elif command == "queries":
        queries(args)
    elif command == "report":
        report()
    elif command == "formats":
        formats()
    elif command == "superclasses":
        superclasses()
    elif command == "expect":
        expect(args)
    else:  # the form before sub-commands: query names
        queries(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
