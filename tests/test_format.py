"""`ecgkg format` keeps a curator's comments where canonical Turtle has a place for them (top of
the file, before a subject's block, end of the file) and refuses, naming the lines, a file
whose comments it would lose, unless --drop-comments."""

from __future__ import annotations

import shutil
from pathlib import Path

import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from ecgkg.cli import main
from ecgkg.turtle_comments import scan

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "second-meeting" / "ECG-2025-03-19.ttl"

KEPT = '''\
# Header: what this file holds.
# Second header line.
@prefix ex: <http://example.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

# About b, written first; the canonical order puts a first.
ex:b skos:prefLabel "b # not a comment" ;
    ex:link <http://example.org/x#frag> .

# ---- a section heading, then a blank line

# About a.
ex:a skos:prefLabel """a long
# string line, not a comment""" .

# Trailing: the end of the file.
'''

INSIDE = '''\
# Header, kept.
@prefix ex: <http://example.org/> .

# Before b, kept.
ex:b ex:p ex:c ;
    # inside the statement: line 6
    ex:q ex:d .
ex:a ex:p ex:c . # after a statement on its line: line 8
'''


def run(*args: str):
    return CliRunner().invoke(main, ["format", *args])


def comments(text: str) -> list[str]:
    found = scan(text)
    return [c.text for s in found.statements for c in s.before] + [c.text for c in found.after]


def same_triples(a: str, b: str) -> bool:
    return isomorphic(rdflib.Graph().parse(data=a, format="turtle"),
                      rdflib.Graph().parse(data=b, format="turtle"))


def test_comments_at_the_top_before_subjects_and_at_the_end_are_kept(tmp_path):
    path = tmp_path / "kept.ttl"
    path.write_text(KEPT, encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 0, result.output
    out = path.read_text(encoding="utf-8")
    assert same_triples(out, KEPT)
    assert sorted(comments(out)) == sorted(comments(KEPT)) and len(comments(KEPT)) == 6
    lines = out.splitlines()
    assert lines[:3] == ["# Header: what this file holds.", "# Second header line.",
                         "@prefix ns1: <http://example.org/> ."]
    # canonical order puts a first; each comment still stands right before its subject, and
    # the blank line inside the run before a is kept
    a = next(i for i, line in enumerate(lines) if line.startswith("ns1:a "))
    b = next(i for i, line in enumerate(lines) if line.startswith("ns1:b "))
    assert a < b
    assert lines[a - 3:a] == ["# ---- a section heading, then a blank line", "", "# About a."]
    assert lines[b - 1] == "# About b, written first; the canonical order puts a first."
    assert lines[-1] == "# Trailing: the end of the file."
    assert "# string line, not a comment" in out and '"b # not a comment"' in out
    # formatting again changes nothing, and --check agrees
    assert run(str(path)).exit_code == 0 and path.read_text(encoding="utf-8") == out
    assert run("--check", str(path)).exit_code == 0


def test_a_comment_inside_a_statement_is_refused_naming_its_lines(tmp_path):
    path = tmp_path / "inside.ttl"
    path.write_text(INSIDE, encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("ecgkg: error: ")
    assert "comments on lines 6, 8 would be lost" in result.output
    assert "--drop-comments" in result.output
    assert path.read_text(encoding="utf-8") == INSIDE  # nothing written
    check = run("--check", str(path))
    assert check.exit_code == 1
    assert "inside.ttl: not canonical; comments on lines 6, 8 would be lost" in check.output


def test_drop_comments_drops_only_what_has_no_place(tmp_path):
    path = tmp_path / "inside.ttl"
    path.write_text(INSIDE, encoding="utf-8")
    result = run("--drop-comments", str(path))
    assert result.exit_code == 0, result.output
    out = path.read_text(encoding="utf-8")
    assert same_triples(out, INSIDE)
    assert comments(out) == ["# Header, kept.", "# Before b, kept."]
    assert "line 6" not in out and "line 8" not in out
    assert run("--check", str(path)).exit_code == 0


def test_a_comment_before_a_blank_node_subject_has_no_place(tmp_path):
    path = tmp_path / "blank.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\n\n# about a blank node\n"
                    "[] ex:p ex:c .\n", encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 2 and "comments on lines 3 would be lost" in result.output


def test_one_refused_file_means_no_file_is_written(tmp_path):
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text("@prefix ex: <http://example.org/> .\nex:b ex:p ex:c . ex:a ex:p ex:c .\n",
                    encoding="utf-8")
    bad.write_text(INSIDE, encoding="utf-8")
    before = good.read_text(encoding="utf-8")
    assert run(str(good), str(bad)).exit_code == 2
    assert good.read_text(encoding="utf-8") == before


def test_a_curators_meeting_file_keeps_every_comment(tmp_path):
    """The second-meeting fixture, written as a curator writes: header, section and subject
    comments, prefixed names with escapes. Formatted, it keeps each one and its triples."""
    path = tmp_path / FIXTURE.name
    shutil.copy(FIXTURE, path)
    original = path.read_text(encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 0, result.output
    out = path.read_text(encoding="utf-8")
    assert out != original and same_triples(out, original)
    assert sorted(comments(out)) == sorted(comments(original))
    assert len(comments(original)) == len([line for line in original.splitlines()
                                           if line.startswith("#")])
    assert out.startswith("# TEST FIXTURE, NOT DATA")


def test_a_new_meeting_skeleton_is_refused_until_its_todos_are_filled_in(tmp_path):
    path = tmp_path / "ECG-2025-03-19.ttl"
    made = CliRunner().invoke(main, ["new", "meeting", "--start", "2025-03-19", "--place",
                                     "Ghent", "-o", str(path)])
    assert made.exit_code == 0, made.output
    refused = run(str(path))
    assert refused.exit_code == 2 and "would be lost" in refused.output
    assert run("--drop-comments", str(path)).exit_code == 0
    out = path.read_text(encoding="utf-8")
    assert out.startswith("# Meeting of the EURES Coordination Group, 19 March 2025, Ghent.")
    assert "TODO: one sentence" not in out  # it stood inside the meeting's statement


# Every hand-written Turtle fixture carries comments (the shape fixtures' `# expect:` header):
# formatted, each keeps all of them, and formatting again changes nothing.
COMMENTED = sorted(p for folder in ("shape_fixtures", "fixtures")
                   for p in (Path(__file__).resolve().parent / folder).rglob("*.ttl"))


def test_the_commented_fixtures_are_found():
    assert len(COMMENTED) >= 59  # 58 shape fixtures (tests/test_shapes.py) and the second meeting
    assert all("#" in p.read_text(encoding="utf-8") for p in COMMENTED)


def test_every_commented_fixture_formats_with_all_its_comments_idempotently(tmp_path):
    from ecgkg.canonical import canonical_turtle, parse_turtle
    from ecgkg.turtle_comments import keep_comments

    for path in COMMENTED:
        text = path.read_text(encoding="utf-8")
        canonical = canonical_turtle(parse_turtle(path))
        once = keep_comments(text, canonical)
        assert once.lost == [], (path.name, once.lost)
        assert sorted(comments(once.text)) == sorted(comments(text)), path.name
        assert keep_comments(once.text, canonical).text == once.text, path.name
