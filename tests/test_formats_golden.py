"""`ecgkg query --format table|md|csv|tsv|json` byte for byte against goldens, and the golden
query answers row by row in their ORDER BY order.

Layout bugs (a Markdown separator one cell short, a table column one character narrow, a lost
JSON datatype) keep the rows right and so pass a comparison of sorted rows; these goldens catch
them. `python tests/golden/regenerate.py formats` rewrites them (the table for COLUMNS=120).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib.plugins.sparql import prepareQuery

from ecgkg.cli import main
from ecgkg.library import parse_query
from ecgkg.sources import queries_dir

GOLDEN = Path(__file__).resolve().parent / "golden"
FORMAT_GOLDENS = sorted((GOLDEN / "formats").glob("*.*"))
FORMATS = ("table", "md", "csv", "tsv", "json")
QUERY_FILES = sorted(queries_dir().glob("*.rq"))
COLUMNS = "120"  # as in tests/golden/regenerate.py


def test_every_format_has_goldens():
    # three queries in each of the five formats: a lost file or format fails here
    assert len(FORMAT_GOLDENS) == 15
    assert {p.suffix[1:] for p in FORMAT_GOLDENS} == set(FORMATS)
    for query in {p.stem for p in FORMAT_GOLDENS}:
        assert (queries_dir() / f"{query}.rq").is_file(), query
        assert {p.suffix[1:] for p in FORMAT_GOLDENS if p.stem == query} == set(FORMATS)


@pytest.mark.parametrize("path", FORMAT_GOLDENS, ids=lambda p: p.name)
def test_query_output_is_the_golden_text(path: Path):
    result = CliRunner().invoke(main, ["query", path.stem, "--format", path.suffix[1:]],
                                env={"COLUMNS": COLUMNS}, catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == path.read_text(encoding="utf-8"), (
        f"`ecgkg query {path.stem} --format {path.suffix[1:]}` differs from tests/golden/formats/"
        f"{path.name}; if meant, run `python tests/golden/regenerate.py formats` and read the diff")


def golden_rows(name: str) -> list[list[str]]:
    with (GOLDEN / f"{name}.tsv").open(encoding="utf-8", newline="") as source:
        return list(csv.reader(source, delimiter="\t"))[1:]


@pytest.mark.parametrize("path", [p for p in FORMAT_GOLDENS if p.suffix in (".csv", ".tsv")],
                         ids=lambda p: p.name)
def test_delimited_output_has_one_cell_per_column_on_every_line(path: Path):
    delimiter = "," if path.suffix == ".csv" else "\t"
    with path.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source, delimiter=delimiter))
    assert rows[1:] == golden_rows(path.stem)
    assert {len(row) for row in rows} == {len(rows[0])}


@pytest.mark.parametrize("path", [p for p in FORMAT_GOLDENS if p.suffix == ".md"],
                         ids=lambda p: p.name)
def test_markdown_table_is_well_formed(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].strip("|").split(" | ")
    assert lines[1] == "|" + "---|" * len(header)
    for line in lines[2:]:
        assert line.startswith("| ") and line.endswith(" |")
        assert line.replace("\\|", "").count("|") == len(header) + 1


@pytest.mark.parametrize("path", [p for p in FORMAT_GOLDENS if p.suffix == ".table"],
                         ids=lambda p: p.name)
def test_table_columns_line_up(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    rule = lines[1]
    # each column starts where its rule of dashes starts, and every value fits its column
    starts = [i for i, c in enumerate(rule) if c == "-" and (i == 0 or rule[i - 1] == " ")]
    ends = [i for i, c in enumerate(rule) if c == "-" and (i + 1 == len(rule) or rule[i + 1] == " ")]
    assert len(starts) == len(lines[0].split())
    for line in [lines[0]] + lines[2:-1]:
        for start, end in zip(starts[1:], ends[:-1]):
            assert line[end + 1:start].strip() == "" or len(line) <= end + 1, (line, start)
    assert lines[-1].startswith("(") and lines[-1].endswith("rows)")


@pytest.mark.parametrize("path", [p for p in FORMAT_GOLDENS if p.suffix == ".json"],
                         ids=lambda p: p.name)
def test_json_output_is_sparql_results_json(path: Path):
    document = json.loads(path.read_text(encoding="utf-8"))
    variables = document["head"]["vars"]
    bindings = document["results"]["bindings"]
    assert len(bindings) == len(golden_rows(path.stem))
    for binding in bindings:
        assert set(binding) <= set(variables)
        for term in binding.values():
            assert term["type"] in ("uri", "literal", "bnode")


# ---- rows in order for queries with ORDER BY



def has_order_by(node) -> bool:
    if getattr(node, "name", None) == "OrderBy":
        return True
    return any(has_order_by(v) for k, v in getattr(node, "items", list)()
               if k in ("p", "p1", "p2"))


def test_every_bundled_query_sorts_its_rows():
    assert len(QUERY_FILES) >= 15
    unsorted = [p.stem for p in QUERY_FILES if not has_order_by(prepareQuery(
        parse_query(p.read_text(encoding="utf-8"), p.stem, p, strict=True).text).algebra)]
    assert not unsorted, f"queries without ORDER BY: {unsorted}"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_rows_come_in_the_golden_order(built, path: Path):
    from ecgkg.query import run
    from ecgkg.results import term_text

    query = parse_query(path.read_text(encoding="utf-8"), path.stem, path, strict=True)
    rows = [[term_text(t) for t in row] for row in run(query, built=built).rows]
    assert rows == golden_rows(path.stem), (
        f"{path.stem}: rows or their order differ from tests/golden/{path.stem}.tsv; if meant, "
        f"run `python tests/golden/regenerate.py queries {path.stem}` and read the diff")
