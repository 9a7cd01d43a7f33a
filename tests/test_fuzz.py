"""Property-based tests (hypothesis) at the input boundaries: mutated Turtle files, hostile
query parameter values and malformed ESCO CSV rows end in a result or one line of error with
exit code 2, never a traceback. Bounded for the default run; ECGKG_FUZZ_EXAMPLES raises the
bound for a longer run (benchmarks/fuzz.sh)."""

from __future__ import annotations

import csv
import gzip
import io
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecgkg.cli import main
from ecgkg.errors import EcgkgError
from ecgkg.esco.importer import import_release
from ecgkg.library import library
from ecgkg.query import run
from ecgkg.sources import data_dir

SCALE = int(os.environ.get("ECGKG_FUZZ_EXAMPLES", "1"))


def examples(n: int):
    return settings(max_examples=n * SCALE, deadline=None, derandomize=SCALE == 1,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


# The Malaga meeting's file, named by its IRI's last segment: the first file a folder listing
# gives would change with the meetings data/ holds, and the examples with it.
MEETING = (data_dir() / "meetings" / "ECG-2023-11-22.ttl").read_text(encoding="utf-8")
TURTLE_PIECES = ["<", ">", '"', "'''", '"""', "@prefix", "PREFIX", ":", ";", ",", ".", "[", "]",
                 "(", ")", "^^", "@en", "_:b", "\\u00", "\\", "\n", " ", "#", "a", "ecg:",
                 "\x00", "\ufffd", "é", "1e9999", "true"]


@st.composite
def mutated_turtle(draw) -> bytes:
    text = MEETING
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = min(len(text), start + draw(st.integers(0, 40)))
        piece = draw(st.one_of(st.sampled_from(TURTLE_PIECES), st.text(max_size=8)))
        text = text[:start] + piece + text[end:]
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=8)) + data[cut:]
    return data


def assert_clean_outcome(result) -> None:
    """Exit 0, 1 or 2; a failure is one line 'ecgkg: error: ...' (or a click usage error)."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback: {result.exception!r}") from result.exception
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 2:
        errors = [line for line in result.output.splitlines() if line.startswith("ecgkg: error:")]
        assert len(errors) == 1, result.output


@pytest.mark.slow
@examples(40)
@given(data=mutated_turtle())
def test_a_mutated_turtle_file_builds_or_fails_in_one_line(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "meeting.ttl"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["build", str(path)])
    assert_clean_outcome(result)


@pytest.mark.slow
@examples(8)
@given(data=mutated_turtle())
def test_a_mutated_turtle_file_validates_or_fails_in_one_line(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "meeting.ttl"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["validate", "--context", str(data_dir()), str(path)])
    assert_clean_outcome(result)


PARAMETERISED = [(q, p) for q in library() for p in q.params]
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(['" } ; DROP ALL ; #', "> } DELETE WHERE { ?s ?p ?o } #", "\\u0022",
                     "ecgid:org/ECO> . ?x ?y ?z . <x", "2023-02-30", "99999999999999999999",
                     "Investigo@es\n@en", "\x00", "@", "-0000", "<http://a b>"]),
)


def test_the_parameterised_queries_are_found():
    assert len(PARAMETERISED) >= 5


@examples(60)
@given(choice=st.integers(0, 10_000), value=HOSTILE)
def test_a_hostile_parameter_value_is_a_typed_term_or_one_line(built, choice, value):
    query, param = PARAMETERISED[choice % len(PARAMETERISED)]
    triples = len(built.store)
    try:
        result = run(query, {param.name: value}, built=built)
    except EcgkgError as error:
        assert "\n" not in str(error).replace(value, "") or "\n" in value
        return
    finally:
        assert len(built.store) == triples  # nothing was written, whatever the value
    assert result.kind in ("select", "ask", "graph")


# ---- ESCO CSV rows: a tiny package made from the head of each file of the real release


def tiny_package(esco_dir: Path, target: Path, rows: int = 4) -> Path:
    for source in esco_dir.rglob("*.csv.gz"):
        out = target / source.relative_to(esco_dir)
        out.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(source, "rt", encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream)
            kept = [row for _, row in zip(range(rows + 1), reader)]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(kept)
        with gzip.open(out, "wt", encoding="utf-8", newline="") as stream:
            stream.write(buffer.getvalue())
    return target


CELLS = st.one_of(st.text(max_size=30), st.sampled_from(
    ["", "http://data.europa.eu/esco/occupation/", "not an iri", "\n", '"', "a\nb\nc",
     "http://data.europa.eu/esco/skill/ x", "released", "skill/competence", "\x00"]))


@examples(25)
@given(column=st.integers(0, 30), line=st.integers(1, 4), cell=CELLS,
       target=st.sampled_from(["en/occupations_en.csv.gz", "en/skills_en.csv.gz",
                               "relations/occupationSkillRelations.csv.gz",
                               "relations/broaderRelationsOccPillar.csv.gz"]))
@pytest.mark.slow
def test_a_malformed_esco_row_is_reported_or_refused_never_a_traceback(
        tmp_path_factory, esco_dir, column, line, cell, target):
    package = tiny_package(esco_dir, tmp_path_factory.mktemp("esco") / "v1.1.1")
    path = package / target
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
        table = list(csv.reader(stream))
    row = table[min(line, len(table) - 1)]
    row[column % len(row)] = cell
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table)
    with gzip.open(path, "wt", encoding="utf-8", newline="") as stream:
        stream.write(buffer.getvalue())
    out = package.parent / "esco.nt"
    try:
        report = import_release(package, out=out)
    except EcgkgError as error:
        assert "\n" not in str(error).replace(cell, "") or "\n" in cell
        assert not out.exists()
        return
    # What was written is valid N-Triples with exactly the triples the report counts.
    assert len(list(ox.parse(path=out, format=ox.RdfFormat.N_TRIPLES))) == report.triples
