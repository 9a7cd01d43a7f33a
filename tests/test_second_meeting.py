"""A second, later meeting beside data/: every bundled query takes it in where it should, and
meeting-scoped queries default to the latest meeting in the graph, not to a named one.

The meeting is a made-up test fixture (tests/fixtures/second-meeting/, never data/): Ghent,
19-20 March 2025, with its own made-up summary, two presentations (ECO, about the EURES
Strategy 2025-2030 with an ESCO link; NCO BE), and five participations.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from virtuoso_server import virtuoso_server  # noqa: F401

from ecgkg.build import build
from ecgkg.cli import main
from ecgkg.library import library
from ecgkg.query import run
from ecgkg.sources import data_dir, ontology_dir
from ecgkg.validate import validate

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "second-meeting"
FIXTURE_FILE = FIXTURE_DIR / "ECG-2025-03-19.ttl"
SECOND = "https://w3id.org/ecgkg/id/meeting/ECG-2025-03-19"
MALAGA = "https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22"
QUERIES = {q.name: q for q in library()}

# What each bundled query does when the fixture is loaded beside data/, with its defaults:
#   adds     - every row of data/ alone, plus rows that name something of the fixture
#   changes  - the rows that differ all name something of the fixture (a group that had no
#              meeting now has one: its row without a meeting gives way to one with it)
#   same     - the query's defaults do not reach the fixture (another case below does)
#   own      - asserted by a test of its own below
DEFAULTS = {
    "combined-events": "same",  # the fixture has no combined event
    "esco-concept-links": "adds",  # its ESCO link is narrower than the default skill group
    "esco-concepts-by-period": "same",  # the default period is 2023
    "find-by-label": "adds",  # "strategy" is in the ECO item's label
    "initiative-parts": "same",
    "initiatives-active-in-year": "same",  # no new initiative
    "initiatives-by-type": "adds",  # the strategy presented again, in Ghent
    "legal-acts": "same",
    "legal-basis": "same",
    "meeting-agenda": "own",
    "meetings-by-year": "adds",
    "members-on-date": "same",  # standing memberships, not meetings
    "nco-changes": "same",
    "ncos-by-country": "same",
    "participation-roles": "adds",
    "passages-of-paragraph": "same",  # the default paragraph 4: the fixture's summary has two
    "presentations-by-body": "adds",  # ECO, the default body, presented in Ghent
    "source-of-fact": "same",  # the default subject is a participation at Malaga
    "strategies": "same",
    "summary-counts": "own",
    "things-with-label": "same",
    "working-groups-meetings": "changes",  # TC-WG, invited to Ghent, had no meeting before
}
# Queries whose defaults do not reach the fixture, with values that do: each must add rows
# that name the fixture.
REACHING = [
    ("esco-concepts-by-period", {"from": "2025-01-01", "to": "2025-12-31"}),
    ("passages-of-paragraph", {"paragraph": "1"}),
    ("source-of-fact", {"subject": SECOND}),
    ("presentations-by-body", {"body": "ecgid:org/NCO-BEL"}),
    ("things-with-label", {"label": "Updates on the EURES Strategy 2025-2030 (test fixture)@en"}),
]


@pytest.fixture(scope="module")
def alone():
    return build([ontology_dir(), data_dir()])


@pytest.fixture(scope="module")
def both():
    return build([ontology_dir(), data_dir(), FIXTURE_DIR])


@pytest.fixture(scope="module")
def fixture_terms() -> set[str]:
    """The IRIs and literals the fixture writes and data/ does not, as rows show them."""

    def terms(graph: rdflib.Graph) -> set[str]:
        return {str(t) for s, _, o in graph for t in (s, o)
                if not isinstance(t, rdflib.BNode)}

    data = rdflib.Graph()
    for path in sorted(data_dir().rglob("*.ttl")):
        data.parse(path, format="turtle")
    return terms(rdflib.Graph().parse(FIXTURE_FILE, format="turtle")) - terms(data)


def rows(built, name: str, values: dict | None = None) -> list[tuple[str, ...]]:
    return run(QUERIES[name], values, built=built).sorted_rows()


def names_fixture(row: tuple[str, ...], terms: set[str]) -> bool:
    return any(cell in terms for cell in row)


def test_the_fixture_is_a_valid_meeting_later_than_every_meeting_of_data():
    report = validate([FIXTURE_FILE], context=[data_dir()])
    assert not report.failed("violation"), [r.message for r in report.results][:3]
    assert not FIXTURE_FILE.is_relative_to(data_dir())
    starts = [row[3] for row in rows(build(), "meetings-by-year")]
    assert starts and all(start < "2025-03-19" for start in starts)


def test_every_bundled_query_is_expected_one_way_or_another():
    # A new query must be placed in DEFAULTS: what it should do with a second meeting.
    assert set(DEFAULTS) == set(QUERIES)
    assert len(QUERIES) >= 15


@pytest.mark.parametrize("name", sorted(n for n, e in DEFAULTS.items() if e != "own"), ids=str)
def test_query_with_its_defaults_takes_in_the_second_meeting(alone, both, fixture_terms, name):
    expected = DEFAULTS[name]
    before, after = rows(alone, name), rows(both, name)
    if expected == "same":
        assert after == before
        return
    new = [row for row in after if row not in before]
    assert new, f"{name}: the second meeting adds no row"
    assert all(names_fixture(row, fixture_terms) for row in new), new
    if expected == "adds":
        assert set(before) <= set(after)
    else:
        gone = [row for row in before if row not in after]
        assert len(gone) <= len(new)


@pytest.mark.parametrize(("name", "values"), REACHING, ids=[n for n, _ in REACHING])
def test_query_reaches_the_second_meeting_with_other_values(alone, both, fixture_terms, name,
                                                           values):
    before, after = rows(alone, name, values), rows(both, name, values)
    new = [row for row in after if row not in before]
    assert new and set(before) <= set(after)
    assert all(names_fixture(row, fixture_terms) for row in new), new


def test_meetings_by_year_has_one_more_row(alone, both):
    before, after = rows(alone, "meetings-by-year"), rows(both, "meetings-by-year")
    assert len(after) == len(before) + 1
    assert [row[1] for row in after if row not in before] == [SECOND]


def test_summary_counts_count_the_second_meeting(alone, both):
    before, after = dict(rows(alone, "summary-counts")), dict(rows(both, "summary-counts"))
    graph = rdflib.Graph().parse(FIXTURE_FILE, format="turtle")
    ecg = rdflib.Namespace("https://w3id.org/ecgkg/ontology#")
    added = {"meetings": ecg.Meeting, "meeting days": ecg.MeetingDay,
             "presentations": ecg.Presentation, "source documents": ecg.SourceDocument}
    for label, cls in added.items():
        assert int(after[label]) - int(before[label]) == len(set(graph.subjects(rdflib.RDF.type, cls)))
    assert int(after["meetings"]) == int(before["meetings"]) + 1


# ---- meeting-scoped queries default to the latest meeting


def meeting_scoped() -> list[str]:
    return sorted(q.name for q in QUERIES.values() if any(p.name == "meeting" for p in q.params))


def test_meeting_scoped_queries_have_no_hard_coded_default():
    assert meeting_scoped(), "no query has a meeting parameter"
    for name in meeting_scoped():
        (param,) = [p for p in QUERIES[name].params if p.name == "meeting"]
        assert param.default is None, f"{name}: default meeting {param.default}"


@pytest.mark.parametrize("name", meeting_scoped(), ids=str)
def test_meeting_scoped_query_defaults_to_the_latest_meeting(alone, both, name):
    assert rows(alone, name) == rows(alone, name, {"meeting": MALAGA})  # one meeting: Malaga
    latest = rows(both, name)
    assert latest and latest == rows(both, name, {"meeting": SECOND})
    assert latest != rows(both, name, {"meeting": MALAGA})
    # a given meeting still wins over the default
    assert rows(both, name, {"meeting": MALAGA}) == rows(alone, name, {"meeting": MALAGA})


def test_latest_means_the_latest_start_date_not_the_greatest_iri(tmp_path):
    earlier = tmp_path / "earlier.ttl"
    earlier.write_text(
        "@prefix ecg: <https://w3id.org/ecgkg/ontology#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<https://w3id.org/ecgkg/id/meeting/zz-test-earlier> a ecg:Meeting ;\n"
        '    ecg:startDate "2020-01-01"^^xsd:date .\n'
        "<https://w3id.org/ecgkg/id/meeting/zz-test-earlier/item/1> "
        "ecg:itemOf <https://w3id.org/ecgkg/id/meeting/zz-test-earlier> ; ecg:listingOrder 1 .\n",
        encoding="utf-8")
    built = build([ontology_dir(), data_dir(), FIXTURE_DIR, earlier])
    events = {row[0] for row in rows(built, "meeting-agenda")}
    assert events == {SECOND}


def test_cli_agenda_defaults_to_the_latest_meeting():
    args = ["query", "meeting-agenda", "--format", "csv", "--data", str(ontology_dir()),
            "--data", str(data_dir()), "--data", str(FIXTURE_DIR)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    body = result.output.splitlines()[1:]
    assert body and all(line.startswith(SECOND + ",") for line in body)
    verbose = CliRunner().invoke(main, ["queries", "--verbose"]).output
    assert "--param meeting=<iri>" in verbose and "(default: chosen by the query, see its description)" in verbose


# ---- the same on Virtuoso, whose SPARQL differs most from the embedded store's


# Queries left out of the comparison below, each with its reason: none today. (Virtuoso 7.2
# once answered esco-concepts-by-period with no rows here; the query casts its date since.)
VIRTUOSO_GAPS: set[str] = set()


@pytest.mark.slow
def test_virtuoso_gives_the_embedded_rows_with_a_second_meeting(virtuoso_server, both,  # noqa: F811
                                                                 monkeypatch):
    """Every bundled query, with its defaults, and meeting-agenda with a meeting given (bound by
    VALUES before the OPTIONAL that picks the latest), on data/ and the fixture loaded into a
    real Virtuoso."""
    from virtuoso_server import PASSWORD, USER

    monkeypatch.setenv("ECGKG_ENDPOINT_USER", USER)
    monkeypatch.setenv("ECGKG_ENDPOINT_PASSWORD", PASSWORD)
    merge = "https://w3id.org/ecgkg/graph/merge-with-second-meeting"
    result = CliRunner().invoke(main, [
        "load", "--graph-store", virtuoso_server.graph_store_url, "--merge-graph", merge,
        str(ontology_dir()), str(data_dir()), str(FIXTURE_DIR)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    cases = [(name, None) for name in sorted(QUERIES) if name not in VIRTUOSO_GAPS]
    cases += [(name, values) for name, values in REACHING if name not in VIRTUOSO_GAPS]
    cases += [("meeting-agenda", {"meeting": MALAGA}), ("meeting-agenda", {"meeting": SECOND}),
              ("meeting-agenda", {"meeting": "ecgid:meeting/none"})]
    differ = []
    for name, values in cases:
        local = run(QUERIES[name], values, built=both)
        remote = run(QUERIES[name], values, endpoint=virtuoso_server.sparql_url, timeout=60,
                     default_graph=merge)
        if remote.sorted_rows() != local.sorted_rows():
            differ.append((name, values, len(local.rows), len(remote.rows)))
    assert differ == [], differ
    assert {row[0] for row in rows(both, "meeting-agenda")} == {SECOND}
