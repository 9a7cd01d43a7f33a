"""The files' named graphs of an in-memory build, loaded when first needed (issue 15.4): a build
holds the merge, and a file without blank nodes gets its own graph when a query names graphs
(GRAPH, FROM, FROM NAMED), a quad export or per-file counts ask; everything then answers as a
store that held every graph from the start (ecgkg.store.load_files) answered."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from ecgkg import store as engine
from ecgkg.build import Built, build
from ecgkg.errors import EcgkgError
from ecgkg.export import EXPORT_FORMATS, export_bytes
from ecgkg.library import uses_named_graphs
from ecgkg.query import run
from ecgkg.sources import data_dir, graph_iri, ontology_dir, rdf_files

MEETING = data_dir() / "meetings" / "ECG-2023-11-22.ttl"
PROVENANCE = ("PREFIX ecg: <https://w3id.org/ecgkg/ontology#> SELECT ?g WHERE { GRAPH ?g { "
              "<https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22> a ecg:Meeting } }")
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
# A file with blank nodes (kept with its graph from the start) and a triple data/ states too.
BLANK = """<https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22> <http://www.w3.org/2004/02/skos/core#note> _:n .
_:n <http://www.w3.org/2004/02/skos/core#note> "a note"@en .
<https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/ecgkg/ontology#Meeting> .
"""


@pytest.fixture
def copies(tmp_path: Path) -> Path:
    """A colleague's copy of a meeting in N-Triples (surely without blank nodes: its graph waits)
    and a file with blank nodes."""
    folder = tmp_path / "copies"
    folder.mkdir()
    (folder / "colleague-copy.nt").write_bytes(ox.serialize(
        ox.parse(path=str(MEETING), format=ox.RdfFormat.TURTLE, base_iri=graph_iri(MEETING)),
        format=ox.RdfFormat.N_TRIPLES))
    (folder / "blank.nt").write_text(BLANK, encoding="utf-8")
    return folder


def full(paths: list[Path]) -> Built:
    """What a build was before: every file's graph and the merge loaded at once."""
    files = rdf_files(paths)
    return Built(engine.load_files(files), files)


def rows(result) -> list[tuple[str, ...]]:
    return result.sorted_rows()


def test_a_build_holds_the_merge_and_only_the_graphs_that_cannot_wait(copies: Path):
    built = build([ontology_dir(), data_dir(), copies])
    before = full([ontology_dir(), data_dir(), copies])
    assert not built.file_graphs_loaded
    graphs = {g.value for g in built.merge_store.named_graphs()}
    assert graph_iri(copies / "blank.nt") in graphs
    assert graph_iri(copies / "colleague-copy.nt") not in graphs
    # the merge is complete, and what reads only the merge loads nothing
    assert built.triple_count == before.triple_count
    assert built.class_counts() == before.class_counts()
    assert rows(run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", built=built)) == rows(
        run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", built=before))
    assert not built.file_graphs_loaded


def test_a_graph_query_after_a_build_answers_as_before(copies: Path):
    built = build([ontology_dir(), data_dir(), copies])
    before = full([ontology_dir(), data_dir(), copies])
    answer = run(PROVENANCE, built=built)
    assert built.file_graphs_loaded
    assert rows(answer) == rows(run(PROVENANCE, built=before))
    names = sorted(row[0].value.rsplit("/", 1)[1] for row in answer.rows)
    assert names == ["ECG-2023-11-22.ttl", "blank.nt", "colleague-copy.nt"]
    assert rows(run(GRAPH_SIZES, built=built)) == rows(run(GRAPH_SIZES, built=before))
    # each graph holds what its file stated, the shared triples in each
    assert built.triples_per_file == before.triples_per_file
    assert engine.graph_sizes(built.store) == engine.graph_sizes(before.store)
    assert set(built.store) == set(before.store)


@pytest.mark.parametrize("clause", ["FROM <{g}>", "FROM NAMED <{g}>", "from named <{g}>"])
def test_from_clauses_load_the_file_graphs(copies: Path, clause: str):
    built = build([ontology_dir(), data_dir(), copies])
    graph = graph_iri(copies / "colleague-copy.nt")
    inner = "GRAPH ?g { ?s ?p ?o }" if "NAMED" in clause.upper() else "?s ?p ?o"
    sparql = f"SELECT (COUNT(*) AS ?n) {clause.format(g=graph)} WHERE {{ {inner} }}"
    answer = run(sparql, built=built)
    assert built.file_graphs_loaded
    stated = len(set(ox.parse(path=str(copies / "colleague-copy.nt"),
                              format=ox.RdfFormat.N_TRIPLES)))
    assert int(answer.rows[0][0].value) == stated > 100


def test_graph_or_from_in_a_string_a_comment_or_a_name_loads_nothing(copies: Path):
    built = build([ontology_dir(), data_dir(), copies])
    quads = len(built.merge_store)
    sparql = ("# GRAPH ?g { ?s ?p ?o } FROM <urn:x>\n"
              "PREFIX ex: <https://example.org/GRAPH/>\n"
              "SELECT ?graph ?from WHERE { BIND(\"GRAPH ?g FROM NAMED\" AS ?graph) "
              "BIND(ex:from AS ?from) FILTER(?graph != '''graph''') }")
    assert rows(run(sparql, built=built))
    assert not built.file_graphs_loaded
    assert len(built.merge_store) == quads
    run("select * WHERE { graph ?g { ?s ?p ?o } } LIMIT 1", built=built)
    assert built.file_graphs_loaded
    assert len(built.merge_store) > quads


@pytest.mark.parametrize(("sparql", "named"), [
    ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", True),
    ("SELECT * WHERE{graph<urn:g>{?s ?p ?o}}", True),
    ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", True),
    ("SELECT * FROM NAMED <urn:g> WHERE { ?s ?p ?o }", True),
    ("SELECT * WHERE { ?s ?p ?o } # GRAPH ?g", False),
    ("SELECT * WHERE { ?s ?p \"FROM GRAPH\" }", False),
    ("SELECT * WHERE { ?s ?p <urn:graph:FROM> }", False),
    ("SELECT ?graph WHERE { ?graph ex:from ?o . ?o ex:GRAPH _:graph }", False),
    # a backslash makes the lexer unsure: an escape in a prefixed name, or a \u escape
    ("SELECT * WHERE { ?s ex:a\\#b ?o . GRAPH ?g { ?s ?p ?o } }", True),
    ("SELECT * WHERE { ?s ?p ?o . \\u0047RAPH ?g { ?s ?p ?o } }", True),
    ("SELECT * WHERE { ?s ?p \"a\\\"b\" }", False),
])
def test_which_queries_name_graphs(sparql: str, named: bool):
    assert uses_named_graphs(sparql) is named


def test_a_file_changed_before_its_graph_is_needed_is_an_error(copies: Path):
    built = build([ontology_dir(), data_dir(), copies])
    copy = copies / "colleague-copy.nt"
    stamp = copy.stat()
    os.utime(copy, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10**9))
    with pytest.raises(EcgkgError, match=r"colleague-copy\.nt: changed since it was loaded"):
        run(PROVENANCE, built=built)
    assert not built.file_graphs_loaded
    # the merge still answers, and the error stays until the files are built again
    assert run("ASK { ?s ?p ?o }", built=built).boolean is True
    with pytest.raises(EcgkgError, match="changed since it was loaded"):
        dict(built.triples_per_file)
    copy.unlink()
    with pytest.raises(EcgkgError, match="changed since it was loaded"):
        export_bytes(built, "nq")


def same_exports(paths: list[Path]) -> None:
    """Every export format gives the bytes a build that loaded every graph at once gave, the
    merge formats without loading the files' graphs."""
    built = build(paths)
    before = full(paths)
    for fmt in sorted(EXPORT_FORMATS, key=lambda f: f in ("nq", "trig")):
        assert export_bytes(built, fmt) == export_bytes(before, fmt), fmt
        assert built.file_graphs_loaded is (fmt in ("nq", "trig")), fmt


def test_exports_are_the_bytes_of_before_on_the_bundled_data():
    same_exports([ontology_dir(), data_dir()])


def test_exports_are_the_bytes_of_before_with_blank_nodes_quads_and_repeats(
        copies: Path, tmp_path: Path):
    (tmp_path / "list.ttl").write_text(
        "@prefix ex: <https://example.org/> .\n"
        "ex:a ex:p [ ex:q \"one\" ; ex:r ex:b ] ; ex:list ( ex:x ex:y ) .\n"
        "ex:b ex:label \"not [a] (blank)\" .\n", encoding="utf-8")
    graph = graph_iri(tmp_path / "quads.nq")
    (tmp_path / "quads.nq").write_text(
        "<https://example.org/q1> <https://example.org/p> <https://example.org/o> .\n"
        f"<https://example.org/q2> <https://example.org/p> <https://example.org/o> <{graph}#a> .\n"
        "<https://example.org/b> <https://example.org/label> \"not [a] (blank)\" "
        f"<{graph}/b> .\n"
        "<https://example.org/q3> <https://example.org/p> <https://example.org/o> .\n",
        encoding="utf-8")
    files = [ontology_dir(), copies, tmp_path / "list.ttl", data_dir(), tmp_path / "quads.nq",
             copies / "blank.nt", MEETING]
    same_exports(files)


@pytest.mark.slow
def test_exports_are_the_bytes_of_before_on_a_generated_history(tmp_path: Path, esco_dir: Path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate

    generate.generate(10_000, 1, esco_dir, tmp_path / "10k")
    same_exports([tmp_path / "10k", ontology_dir()])
