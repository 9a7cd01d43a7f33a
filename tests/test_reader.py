"""One reader for RDF files (ecgkg.rdf.reader): every verb gives the same one-line message for
the same broken file."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ecgkg.cli import main
from ecgkg.errors import EXIT_ERROR, EcgkgError
from ecgkg.rdf.formats import OX_FORMATS, RDF_SUFFIXES, SYNTAXES
from ecgkg.rdf.reader import line_chunks, read_quads
from ecgkg.sources import display_path

BROKEN = {
    "undeclared-prefix.ttl": (
        ('@prefix ecg: <https://w3id.org/ecgkg/ontology#> .\n'
         '<https://example.org/a> ecg:date "2024-01-01" .\n'
         '<https://example.org/b> skos:prefLabel "b"@en .\n'),
        ":3: undeclared prefix skos:"),
    "syntax.ttl": (
        ('@prefix ecg: <https://w3id.org/ecgkg/ontology#> .\n\n'
         '<https://example.org/a> ecg:date "2024-01-01 .\n'),
        ":3: syntax error: "),
    "syntax.nt": (
        ('<https://example.org/a> <https://example.org/p> "x" .\n'
         '<https://example.org/a> <https://example.org/p> .\n'),
        ":2: syntax error: "),
}

# Every verb that reads RDF files, as it is given one broken file (esco check: a data folder).
VERBS = {
    "build": lambda path: ["build", str(path)],
    "validate": lambda path: ["validate", str(path)],
    "export": lambda path: ["export", "--format", "nt", str(path)],
    "format": lambda path: ["format", "--check", str(path)],
    "load": lambda path: ["load", "--graph-store", "http://127.0.0.1:9/store", str(path)],
    "esco check": lambda path: ["esco", "check", "--data", str(path.parent)],
}


@pytest.fixture(params=sorted(BROKEN))
def broken(request, tmp_path: Path) -> tuple[Path, str]:
    name = request.param
    text, expected = BROKEN[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, f"{display_path(path)}{expected}"


def test_every_verb_gives_the_same_message(broken, esco_dir):
    path, expected = broken
    assert len(VERBS) == 6
    messages = {}
    for verb, args in VERBS.items():
        if verb == "format" and path.suffix != ".ttl":
            continue  # only Turtle has a canonical form
        result = CliRunner().invoke(main, args(path))
        assert result.exit_code == EXIT_ERROR, (verb, result.output)
        assert result.stderr.count("\n") == 1, (verb, result.stderr)
        messages[verb] = result.stderr
    assert len(set(messages.values())) == 1, messages
    line = next(iter(messages.values())).strip()
    assert line.startswith(f"ecgkg: error: {expected}"), line


def test_the_reader_raises_the_same_message(broken):
    path, expected = broken
    with pytest.raises(EcgkgError) as raised:
        read_quads(path)
    assert str(raised.value).startswith(expected)


def test_unsupported_suffix_and_unreadable_file(tmp_path: Path):
    odd = tmp_path / "data.txt"
    odd.write_text("x", encoding="utf-8")
    with pytest.raises(EcgkgError, match=r"data.txt: unsupported RDF file suffix '.txt'$"):
        read_quads(odd)
    with pytest.raises(EcgkgError, match=r"missing.ttl: cannot read: "):
        read_quads(tmp_path / "missing.ttl")


def test_one_suffix_table():
    assert set(OX_FORMATS) == set(RDF_SUFFIXES) == set(SYNTAXES)
    assert len(SYNTAXES) == 7
    assert OX_FORMATS[".ttl"] == ox.RdfFormat.TURTLE and RDF_SUFFIXES[".owl"] == "xml"


def test_blank_nodes_are_named_in_order(tmp_path: Path):
    path = tmp_path / "blank.ttl"
    path.write_text("[] <https://example.org/p> [ <https://example.org/q> 1 ] .\n",
                    encoding="utf-8")
    quads = read_quads(path, label="f0b")
    assert [str(q.subject) for q in quads] == ["_:f0b0", "_:f0b1"]


def test_a_graph_whose_iri_only_starts_like_the_files_is_not_its_own(tmp_path: Path):
    """Ownership is the file's graph and graphs below it (/ or #): <its graph>x may be the
    graph of another file (own.trig and own.trigx, say)."""
    from ecgkg.rdf.reader import owns
    from ecgkg.sources import graph_iri

    path = tmp_path / "own.trig"
    own = graph_iri(path)
    assert owns(path, own) and owns(path, own + "/part") and owns(path, own + "#x")
    assert not owns(path, own + "x") and not owns(path, own + ".bak")


def test_collections_count_as_blank_nodes():
    """A Turtle list is made of blank nodes: such a file is not loaded as if it had none."""
    from ecgkg.rdf.reader import without_blank_nodes

    assert without_blank_nodes(Path("a.ttl"), b"<a:s> <a:p> <a:o> .\n")
    assert not without_blank_nodes(Path("a.ttl"), b"<a:s> <a:p> (1 2) .\n")
    assert not without_blank_nodes(Path("a.ttl"), b"<a:s> <a:p> [ <a:q> 1 ] .\n")
    assert not without_blank_nodes(Path("a.nt"), b"_:b <a:p> <a:o> .\n")
    assert not without_blank_nodes(Path("a.jsonld"), b"{}")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300).map(lambda b: b.replace(b"\r", b"")), st.integers(1, 40))
def test_line_chunks_are_the_file_in_whole_lines(tmp_path_factory, data, size):
    """line_chunks (the validator's N-Triples text, a piece at a time): the pieces make the
    file, and each but the last ends with a line's end."""
    path = tmp_path_factory.mktemp("chunks") / "f.nt"
    path.write_bytes(data)
    chunks = list(line_chunks(path, size))
    assert b"".join(chunks) == data
    assert all(chunk.endswith(b"\n") for chunk in chunks[:-1])
    assert b"" not in chunks
