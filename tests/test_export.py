"""`ecgkg export` (issue 15.2): the engine writes the merge, each triple once, in an order that
is the same in every process, streamed to the file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from ecgkg.build import build
from ecgkg.export import EXPORT_FORMATS, GRAPH_KEEPING, export
from ecgkg.sources import data_dir, ontology_dir

# A file that repeats a statement of data/ (the merge keeps it once) and has blank nodes (their
# names must not depend on the process).
MEETING = "<https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22>"
EXTRA = f"""{MEETING} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/ecgkg/ontology#Meeting> .
_:note <http://www.w3.org/2004/02/skos/core#note> "a note"@en .
{MEETING} <http://www.w3.org/2004/02/skos/core#note> _:note .
_:note <http://www.w3.org/2004/02/skos/core#related> _:other .
"""


@pytest.fixture(scope="module")
def extra(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("extra") / "extra.nt"
    path.write_text(EXTRA, encoding="utf-8")
    return path


def export_in_a_process(paths: list[Path], fmt: str, output: Path, hash_seed: str) -> bytes:
    command = [sys.executable, "-m", "ecgkg", "export", "--format", fmt, "-o", str(output),
               *map(str, paths)]
    subprocess.run(command, check=True, capture_output=True,
                   env={**os.environ, "PYTHONHASHSEED": hash_seed})
    return output.read_bytes()


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_export_is_the_same_bytes_in_two_processes(tmp_path: Path, extra: Path, fmt: str):
    paths = [ontology_dir(), data_dir(), extra]
    first = export_in_a_process(paths, fmt, tmp_path / f"one.{fmt}", "1")
    second = export_in_a_process(paths, fmt, tmp_path / f"two.{fmt}", "2")
    assert first == second
    assert len(first) > 100_000


def test_the_merge_has_each_triple_once(tmp_path: Path, extra: Path):
    built = build([ontology_dir(), data_dir(), extra])
    output = tmp_path / "merge.nt"
    export(built, "nt", output)
    lines = output.read_bytes().splitlines()
    assert len(lines) == len(set(lines)) == built.triple_count
    # the repeated statement once, the blank nodes with the names the build gave them
    repeated = EXTRA.splitlines()[0].encode()
    assert lines.count(repeated) == 1
    index = built.files.index(extra)
    assert sum(1 for line in lines if line.startswith(f"_:f{index}b".encode())) == 2


def test_quad_formats_keep_each_files_statements(tmp_path: Path, extra: Path):
    built = build([ontology_dir(), data_dir(), extra])
    assert "nq" in GRAPH_KEEPING
    output = tmp_path / "graphs.nq"
    export(built, "nq", output)
    quads = list(ox.parse(path=str(output), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == sum(built.triples_per_file.values())
    assert not any(isinstance(q.graph_name, ox.DefaultGraph) for q in quads)
