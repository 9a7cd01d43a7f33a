"""Coverage by construction: enumerate what the product declares and fail when a part of it has
no test exercising it.

* every parameter of every bundled query is run with a value other than its default, and the
  range parameters (dates, years, numbers) at and just past the edge of what the data holds;
* every verb of the CLI is run by some test module, and every choice of every `--format`,
  `--fail-on` and `--type` option is run here or by a test parametrised over the same table;
* the constraints of shapes/ (tests/test_shapes.py) and the classes of the ontology
  (tests/test_ontology.py) are enumerated where they are tested.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from ecgkg.cli import main
from ecgkg.export import EXPORT_FORMATS
from ecgkg.library import library, parse_value
from ecgkg.query import run
from ecgkg.results import TABULAR_FORMATS

TESTS = Path(__file__).resolve().parent
INVALID = TESTS / "shape_fixtures" / "meeting" / "invalid-structure.ttl"
QUERIES = {q.name: q for q in library()}

# (query, parameter values, rows expected on the bundled data). The Malaga meeting ran from 22
# to 24 November 2023; the strategies run 2023-2030 and 2025-2030; paragraph 5 of the summary
# has 4 sentences. Queries in PER_MEETING count only the rows that name the Malaga meeting or
# its summary (by IRI), so that adding a meeting to data/ changes none of these numbers.
PARAM_CASES = [
    ("esco-concept-links", {"concept": "http://data.europa.eu/esco/concept-scheme/skills"}, 2),
    ("esco-concepts-by-period", {"from": "2023-11-24", "to": "2023-12-31"}, 6),  # last day in
    ("esco-concepts-by-period", {"from": "2023-11-25", "to": "2023-12-31"}, 0),  # after it
    ("esco-concepts-by-period", {"from": "2023-01-01", "to": "2023-11-22"}, 6),  # first day in
    ("esco-concepts-by-period", {"from": "2023-01-01", "to": "2023-11-21"}, 0),  # before it
    ("find-by-label", {"text": "Investigo"}, 2),
    ("initiatives-active-in-year", {"year": "2023"}, 1),
    ("initiatives-active-in-year", {"year": "2030"}, 2),
    ("initiatives-active-in-year", {"year": "2031"}, 0),
    ("legal-basis", {"subject": "ecgid:org/ELA"}, 1),
    ("meeting-agenda", {"meeting": "ecgid:meeting/none"}, 0),
    ("members-on-date", {"organisation": "ecgid:org/NCOs"}, 31),
    ("members-on-date", {"organisation": "ecgid:org/ELA"}, 0),
    ("members-on-date", {"date": "1990-01-01"}, 5),  # open-ended: members on any day
    ("passages-of-paragraph", {"paragraph": "5"}, 22),
    ("passages-of-paragraph", {"paragraph": "99"}, 0),
    ("presentations-by-body", {"body": "ecgid:org/EC"}, 5),
    ("source-of-fact", {"subject": "ecgid:org/ELA"}, 2),
    ("things-with-label", {"label": "European Labour Authority@en"}, 1),
    ("things-with-label", {"label": "Investigo@en"}, 0),  # the label is Spanish
]
MALAGA = ("https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22",
          "https://w3id.org/ecgkg/id/doc/ecg-2023-11-malaga-executive-summary")
PER_MEETING = {"esco-concepts-by-period", "meeting-agenda", "passages-of-paragraph",
               "presentations-by-body"}
RANGE_TYPES = ("date", "gYear", "integer")
# Range parameters whose two sides the bundled data cannot show, and the test that shows them:
# every membership in data/ is open-ended, so members-on-date's date bounds are run on fixtures
# with dated memberships.
RANGES_TESTED_ELSEWHERE = {"members-on-date": "tests/test_model.py"}


def test_every_query_parameter_is_run_with_another_value():
    declared = {(q.name, p.name) for q in QUERIES.values() for p in q.params}
    assert declared, "no query declares a parameter"
    covered = set()
    for name, values, _ in PARAM_CASES:
        defaults = {p.name: p for p in QUERIES[name].params}
        assert set(values) <= set(defaults), (name, values)
        for param, value in values.items():
            kind = defaults[param].type
            default = defaults[param].default  # None: unbound, so any value is another
            if default is None or parse_value(kind, value) != parse_value(kind, default):
                covered.add((name, param))
    assert not declared - covered, f"parameters never run with another value: {declared - covered}"


def test_range_parameters_are_run_on_both_sides_of_the_data():
    for query in QUERIES.values():
        if query.name in RANGES_TESTED_ELSEWHERE:
            where = TESTS.parent / RANGES_TESTED_ELSEWHERE[query.name]
            assert query.name in where.read_text(encoding="utf-8"), query.name
            continue
        if any(p.type in RANGE_TYPES for p in query.params):
            counts = {rows for name, _, rows in PARAM_CASES if name == query.name}
            assert 0 in counts and any(counts), f"{query.name}: no case inside and outside"


@pytest.mark.parametrize(("name", "values", "rows"), PARAM_CASES,
                         ids=[f"{n}-{'-'.join(v.values())}" for n, v, _ in PARAM_CASES])
def test_parameter_case(built, name, values, rows):
    found = run(QUERIES[name], values, built=built).sorted_rows()
    if name in PER_MEETING:
        found = [row for row in found if any(cell.startswith(MALAGA) for cell in row)]
    assert len(found) == rows


def test_each_parameterised_query_answers_otherwise_for_some_case(built):
    """The values reach the query: for each query, some case is not the default's answer."""
    for query in QUERIES.values():
        if query.params:
            default = run(query, built=built).sorted_rows()
            answers = [run(query, values, built=built).sorted_rows()
                       for name, values, _ in PARAM_CASES if name == query.name]
            assert any(answer != default for answer in answers), query.name


# ---- the CLI


def commands(group: click.Group = main, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, prefix + (name,))
        else:
            yield prefix + (name,), command


def choices(command: click.Command) -> dict[str, list[str]]:
    return {param.name: list(param.type.choices) for param in command.params
            if isinstance(param.type, click.Choice)}


CLI = dict(commands())


def test_every_verb_is_run_by_a_test_module():
    sources = {p.name: p.read_text(encoding="utf-8") for p in TESTS.glob("test_*.py")
               if p.name != Path(__file__).name}
    assert len(CLI) >= 12
    for path in CLI:
        verb = path[-1]
        users = [name for name, text in sources.items()
                 if f'"{verb}"' in text and all(f'"{part}"' in text or f"import {part}" in text
                                                for part in path[:-1])]
        assert users, f"no test module runs `ecgkg {' '.join(path)}`"


def test_every_choice_of_every_option_is_tested():
    """Each choice is covered by a checker below or by a test parametrised over the product's own
    table of formats: a new choice fails here until a test runs it."""
    covered = {
        ("query", "fmt"): set(TABULAR_FORMATS) | set(GRAPH_FORMATS),
        ("export", "fmt"): set(EXPORT_FORMATS),  # tests/test_cli.py, test_stated_twice.py
        ("validate", "fmt"): set(VALIDATE_CHECKS),
        ("validate", "fail_on"): {"violation", "warning", "info"},
        ("esco suggest", "kind"): {"occupation", "skill"},  # tests/test_esco_links.py
        ("esco suggest", "fmt"): {"text", "ttl"},  # test_esco_links.py, test_suggest_kept.py
        ("diff", "fmt"): {"text", "md", "json"},  # tests/test_diff.py
    }
    declared = {(" ".join(path), option): set(values)
                for path, command in CLI.items() for option, values in choices(command).items()}
    assert declared.keys() == covered.keys()
    for key, values in declared.items():
        assert values == covered[key], f"{key}: untested {values - covered[key]}"
    golden_formats = {p.suffix[1:] for p in (TESTS / "golden" / "formats").iterdir()}
    assert golden_formats == set(TABULAR_FORMATS)  # tests/test_formats_golden.py
    links = (TESTS / "test_esco_links.py").read_text(encoding="utf-8")
    assert all(f'"{kind}"' in links for kind in covered[("esco suggest", "kind")])
    kept = (TESTS / "test_suggest_kept.py").read_text(encoding="utf-8")
    assert '"--format", "ttl"' in kept


GRAPH_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                 "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}
CONSTRUCT = ("PREFIX ecg: <https://w3id.org/ecgkg/ontology#>\n"
             "CONSTRUCT { ?item ecg:presentedBy ?body } WHERE { ?item ecg:presentedBy ?body }")


@pytest.mark.parametrize("fmt", sorted(GRAPH_FORMATS))
def test_query_graph_formats(built, fmt):
    result = CliRunner().invoke(main, ["query", "-", "--format", fmt], input=CONSTRUCT,
                                catch_exceptions=False)
    assert result.exit_code == 0
    triples = {ox.Triple(t.subject, t.predicate, t.object)
               for t in ox.parse(result.stdout_bytes, format=GRAPH_FORMATS[fmt])}
    expected = {ox.Triple(q.subject, q.predicate, q.object) for q in built.store.quads_for_pattern(
        None, ox.NamedNode("https://w3id.org/ecgkg/ontology#presentedBy"), None)}
    assert triples == expected and expected


def check_text(out: str) -> None:
    assert out.splitlines()[0].startswith("tests/shape_fixtures/") and "violation" in out


def check_json(out: str) -> None:
    assert json.loads(out)["results"]


def check_turtle(out: str) -> None:
    graph = rdflib.Graph().parse(data=out, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, sh.conforms, rdflib.Literal(False)) in graph


def check_junit(out: str) -> None:
    assert ET.fromstring(out).findall(".//failure")


def check_sarif(out: str) -> None:
    assert json.loads(out)["runs"][0]["results"]


def check_github(out: str) -> None:
    assert any(line.startswith("::error file=") for line in out.splitlines())


VALIDATE_CHECKS = {"text": check_text, "json": check_json, "turtle": check_turtle,
                   "junit": check_junit, "sarif": check_sarif, "github": check_github}


@pytest.mark.parametrize("fmt", sorted(VALIDATE_CHECKS))
def test_validate_formats_report_the_violations(fmt):
    result = CliRunner().invoke(main, ["validate", "--format", fmt, str(INVALID)])
    assert result.exit_code == 1
    VALIDATE_CHECKS[fmt](result.stdout)


def test_fail_on_choices_follow_the_bundled_report():
    with (TESTS / "golden" / "validate" / "bundled-report.tsv").open(encoding="utf-8") as source:
        severities = {row["severity"] for row in csv.DictReader(source, delimiter="\t")}
    reached = {"violation": {"sh:Violation"}, "warning": {"sh:Violation", "sh:Warning"},
               "info": {"sh:Violation", "sh:Warning", "sh:Info"}}
    for level, counted in reached.items():
        result = CliRunner().invoke(main, ["validate", "--fail-on", level])
        assert result.exit_code == (1 if severities & counted else 0), level
