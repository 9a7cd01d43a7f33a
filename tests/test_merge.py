"""Every fact counted once: the default graph queries see is the RDF merge of the files, locally
and in a store after `ecgkg load`; `GRAPH ?g` still tells which file stated what."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from oxigraph_server import start_server

from ecgkg.build import build
from ecgkg.cli import main
from ecgkg.library import library
from ecgkg.query import run
from ecgkg.sources import data_dir, ontology_dir

MEETING = data_dir() / "meetings" / "ECG-2023-11-22.ttl"
PREF_LABELS = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
               "SELECT (COUNT(*) AS ?n) WHERE { ?c skos:prefLabel ?l }")


@pytest.fixture(scope="module")
def repeated(tmp_path_factory) -> Path:
    """A colleague's copy of a meeting and a file that restates labels data/ already has."""
    folder = tmp_path_factory.mktemp("repeats")
    shutil.copy(MEETING, folder / "colleague-copy.ttl")
    base = build()
    labels = run(PREF_LABELS.replace("SELECT (COUNT(*) AS ?n)", "SELECT ?c ?l"), built=base)
    lines = [f"{concept} <http://www.w3.org/2004/02/skos/core#prefLabel> {label} ."
             for concept, label in labels.rows]
    assert len(lines) > 100
    (folder / "authority-extract.nt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def alone_and_repeated(repeated):
    return build([ontology_dir(), data_dir()]), build([ontology_dir(), data_dir(), repeated])


def count(result) -> int:
    return int(result.rows[0][0].value)


def test_a_triple_stated_twice_counts_once(alone_and_repeated):
    alone, doubled = alone_and_repeated
    assert doubled.triple_count == alone.triple_count
    assert count(run(PREF_LABELS, built=doubled)) == count(run(PREF_LABELS, built=alone))
    # ... while each file's own graph keeps what it stated
    per_file = doubled.triples_per_file
    assert sum(per_file.values()) > doubled.triple_count
    sizes = {path.name: n for path, n in per_file.items()}
    assert sizes["colleague-copy.ttl"] == sizes[MEETING.name] > 0


def test_graph_tells_which_files_stated_a_fact(alone_and_repeated):
    _alone, doubled = alone_and_repeated
    sparql = ("PREFIX ecg: <https://w3id.org/ecgkg/ontology#> SELECT ?g WHERE { GRAPH ?g { "
              "<https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22> a ecg:Meeting } }")
    graphs = sorted(row[0].value for row in run(sparql, built=doubled).rows)
    assert len(graphs) == 2
    assert graphs[0].endswith("colleague-copy.ttl")
    assert graphs[1].endswith("data/meetings/ECG-2023-11-22.ttl")


QUERIES = library()


def test_every_bundled_query_is_checked():
    assert len(QUERIES) == len(list((ontology_dir().parent / "queries").glob("*.rq")))


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_query_gives_the_same_rows_with_repeated_facts(alone_and_repeated, query):
    alone, doubled = alone_and_repeated
    expected = run(query, built=alone).sorted_rows()
    assert expected, f"{query.name} finds nothing on data/: the comparison would be empty"
    assert run(query, built=doubled).sorted_rows() == expected


@pytest.fixture(scope="module")
def server_with_repeats(repeated, tmp_path_factory):
    """A fresh Oxigraph server (no union-default-graph flag) loaded by `ecgkg load` with data/
    and the repeating files."""
    server = start_server(tmp_path_factory.mktemp("merge-server") / "db")
    try:
        result = CliRunner().invoke(main, ["load", "--endpoint", server.query_url,
                                           str(ontology_dir()), str(data_dir()), str(repeated)],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        yield server
    finally:
        server.stop()


def test_every_query_gives_the_same_rows_in_a_store_after_load(alone_and_repeated,
                                                               server_with_repeats):
    alone, _doubled = alone_and_repeated
    for query in QUERIES:
        remote = run(query, endpoint=server_with_repeats.query_url).sorted_rows()
        assert remote == run(query, built=alone).sorted_rows(), query.name
    remote_count = run(PREF_LABELS, endpoint=server_with_repeats.query_url)
    assert count(remote_count) == count(run(PREF_LABELS, built=alone))
