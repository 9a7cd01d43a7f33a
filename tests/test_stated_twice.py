"""Files that state the same facts: `ecgkg export` gives each fact once in triple formats and
keeps it in each file's graph in quad formats; `ecgkg build` counts a thing typed in two files
once. The bundled data never states a triple twice, so these tests build their own."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from ecgkg.cli import main
from ecgkg.export import EXPORT_FORMATS

SHARED = ('<https://example.org/a> <https://example.org/p> "shared"@en .\n'
          '<https://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
          '<https://example.org/Thing> .\n')
OWN = '<https://example.org/{name}> <https://example.org/p> <https://example.org/b> .\n'


@pytest.fixture
def two_files(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("one", "two"):
        (folder / f"{name}.nt").write_text(SHARED + OWN.format(name=name), encoding="utf-8")
    return folder


def export(folder: Path, fmt: str) -> list:
    result = CliRunner().invoke(main, ["export", "--format", fmt, str(folder)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return list(ox.parse(result.stdout_bytes, format=EXPORT_FORMATS[fmt]))


@pytest.mark.parametrize("fmt", [f for f, kind in EXPORT_FORMATS.items()
                                 if not kind.supports_datasets])
def test_triple_formats_give_a_fact_stated_twice_once(two_files: Path, fmt: str):
    triples = export(two_files, fmt)
    assert len(triples) == 4  # the shared triples once, and each file's own
    assert len({(t.subject, t.predicate, t.object) for t in triples}) == 4


@pytest.mark.parametrize("fmt", [f for f, kind in EXPORT_FORMATS.items() if kind.supports_datasets])
def test_quad_formats_keep_the_fact_in_each_files_graph(two_files: Path, fmt: str):
    quads = [q for q in export(two_files, fmt) if isinstance(q.graph_name, ox.NamedNode)]
    shared = [q for q in quads if q.object == ox.Literal("shared", language="en")]
    assert len({q.graph_name for q in shared}) == 2  # one named graph per file
    assert len({q.graph_name for q in quads}) == 2


def test_every_export_format_is_exercised():
    kinds = {kind.supports_datasets for kind in EXPORT_FORMATS.values()}
    assert kinds == {True, False} and len(EXPORT_FORMATS) == 6


def test_build_counts_a_thing_typed_in_two_files_once(two_files: Path):
    result = CliRunner().invoke(main, ["build", str(two_files)], catch_exceptions=False)
    assert result.exit_code == 0
    lines = [line.split() for line in result.output.splitlines()[2:]]
    assert lines == [["1", "<https://example.org/Thing>"]] or lines == [
        ["1", "https://example.org/Thing"]], result.output
