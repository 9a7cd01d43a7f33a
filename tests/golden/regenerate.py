"""Rewrite tests/golden/<name>.tsv from the bundled queries on the bundled data.

Run it after changing a query or the data, then READ the diff (`git diff tests/golden`): every
changed row must be what the data says. The tests compare the rows sorted, so the order here
is the query's own, for reading.

    .venv/bin/python tests/golden/regenerate.py [NAME ...]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from ecgkg.build import build
from ecgkg.library import library
from ecgkg.query import run
from ecgkg.results import term_text

GOLDEN = Path(__file__).resolve().parent


def write(name: str, variables: list[str], rows: list[tuple[str, ...]]) -> Path:
    path = GOLDEN / f"{name}.tsv"
    with path.open("w", encoding="utf-8", newline="") as sink:
        writer = csv.writer(sink, delimiter="\t", lineterminator="\n")
        writer.writerow(variables)
        writer.writerows(rows)
    return path


def main(names: list[str]) -> None:
    built = build()
    for query in library():
        if names and query.name not in names:
            continue
        result = run(query, built=built)
        rows = [tuple(term_text(t) for t in row) for row in result.rows]
        print(f"{write(query.name, result.variables, rows).name}: {len(rows)} rows")


if __name__ == "__main__":
    main(sys.argv[1:])
