"""`ecgkg docs`: the site builds, every internal link and picture resolves, every class,
property, query and meeting has its page or anchor (counted from the product), data is escaped,
and the folder is whole or absent."""

from __future__ import annotations

import html.parser
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import OWL, RDF

import ecgkg
from ecgkg.cli import main
from ecgkg.docs.catalogue import ui_link, ui_query
from ecgkg.docs.site import MARKER, build_site
from ecgkg.errors import EcgkgError
from ecgkg.library import library
from ecgkg.results import compact_iri
from ecgkg.sources import data_dir, ontology_dir, rdf_files

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "second-meeting"
MEETINGS = "SELECT DISTINCT ?m WHERE { ?m a ecg:Meeting }"


class Links(html.parser.HTMLParser):
    """The href and src values and the ids of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts = 0

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.links.append(values[name])
        if values.get("id"):
            self.ids.add(values["id"])


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("docs") / "site"
    build_site(folder)
    return folder


def meeting_iris(paths=None) -> list[str]:
    return [row[0] for row in ecgkg.open(paths).query(MEETINGS).rows]


def linked_pages(site: Path, listing: str) -> dict[str, str]:
    """title attribute (the IRI) -> href, of the links of a list page."""
    class Titles(html.parser.HTMLParser):
        found: dict[str, str] = {}

        def handle_starttag(self, tag, attrs) -> None:
            values = dict(attrs)
            if tag == "a" and values.get("title"):
                self.found[values["title"]] = values["href"]

    parser = Titles()
    parser.found = {}
    parser.feed((site / listing).read_text(encoding="utf-8"))
    return parser.found


def test_every_internal_link_and_picture_resolves(site):
    pages = sorted(site.glob("*.html"))
    parsed = {p.name: parse(p) for p in pages}
    checked = 0
    for name, page in parsed.items():
        assert page.scripts == 0, name  # readable without JavaScript, and none injected
        for link in page.links:
            target = urllib.parse.urlsplit(link)
            if target.scheme or target.netloc:
                continue  # the web: not the site's to check
            file = urllib.parse.unquote(target.path) or name
            assert (site / file).is_file(), f"{name}: {link}"
            if target.fragment:
                assert file in parsed, f"{name}: {link}"
                assert urllib.parse.unquote(target.fragment) in parsed[file].ids, \
                    f"{name}: {link}"
            checked += 1
    assert checked > len(pages)  # every page links at least its navigation
    images = [link for page in parsed.values() for link in page.links if link.endswith(".svg")]
    assert sorted(set(images)) == ["network.svg", "timeline.svg"]
    for image in images:
        assert (site / image).stat().st_size > 0


def test_every_class_and_property_has_its_anchor(site):
    graph = rdflib.Graph()
    for path in rdf_files([ontology_dir()]):
        graph.parse(path)
    terms = {str(s) for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                                 OWL.AnnotationProperty)
             for s in graph.subjects(RDF.type, kind) if isinstance(s, rdflib.URIRef)}
    assert terms
    page = (site / "ontology.html").read_text(encoding="utf-8")
    ids = parse(site / "ontology.html").ids
    for iri in terms:
        anchor = compact_iri(iri).replace(":", "-")
        assert anchor in ids, iri
        assert f'<section id="{anchor}"><h3>' in page
        assert f"<code>{compact_iri(iri)}</code></h3>" in page, iri
    # which shapes constrain it: the meeting class names the shape targeting it
    meeting = page[page.index('<section id="ecg-Meeting">'):]
    assert 'href="shapes.html#ecgsh-Meeting"' in meeting[:meeting.index("</section>")]


def test_the_shapes_page_shows_what_each_property_shape_requires(site):
    page = (site / "shapes.html").read_text(encoding="utf-8")
    assert '<section id="ecgsh-Meeting">' in page
    assert "<th>min</th><th>max</th>" in page
    assert "Violation" in page and "Warning" in page
    assert "_:" not in page  # nested shapes (sh:qualifiedValueShape [...]) shown by content


def test_every_query_has_its_page_with_its_answer(site):
    queries = library()
    assert queries
    links = parse(site / "queries.html").links
    for query in queries:
        target = f"query-{query.name}.html"
        assert target in links, query.name
        page = (site / target).read_text(encoding="utf-8")
        assert f"<h1>{query.title}</h1>".replace("'", "&#x27;") in page, query.name
        assert "<h2>Answer</h2>" in page and "<h2>SPARQL</h2>" in page
        for param in query.params:
            assert f"<code>{param.name}</code>" in page, (query.name, param.name)


def test_the_query_ui_link_runs_the_query_with_its_defaults(tmp_path):
    """The link's text, run by a plain Oxigraph store that knows no prefixes, answers what
    `kg.query(name)` answers (the server's own check is in test_serve.py)."""
    kg = ecgkg.open()
    store = ox.Store()
    store.load(path=str(kg.export(tmp_path / "graph.nt")), format=ox.RdfFormat.N_TRIPLES)
    queries = library()
    checked = 0
    for query in queries:
        link = ui_link(query, "http://127.0.0.1:7878/")
        assert link.startswith("http://127.0.0.1:7878/?query=")
        text = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["query"][0]
        assert text == ui_query(query) and text.startswith("PREFIX ")
        for param in query.params:
            if param.default is not None:
                assert f"VALUES ?{param.name} " in text, (query.name, param.name)
        answer = store.query(text)
        expected = kg.query(query)
        if expected.kind == "select":
            got = sorted(tuple(str(row[v]) for v in expected.variables) for row in answer)
            want = sorted(tuple(str(t) for t in row) for row in expected._answer.rows)
            assert got == want, query.name
            checked += 1
    assert checked == sum(q.form == "SELECT" for q in queries) > 0


def test_every_meeting_body_and_initiative_has_its_page(site):
    meetings = meeting_iris()
    assert meetings
    pages = linked_pages(site, "meetings.html")
    for iri in meetings:
        assert iri in pages, iri
        assert iri in (site / pages[iri]).read_text(encoding="utf-8")
    assert len([f for f in pages.values() if f.startswith("meeting-")]) == len(meetings)
    for listing in ("bodies.html", "initiatives.html"):
        assert linked_pages(site, listing), listing


def test_a_meeting_page_shows_its_agenda_in_order_with_its_sources(site):
    kg = ecgkg.open()
    meeting = meeting_iris()[0]
    agenda = kg.query("meeting-agenda", meeting=meeting).rows
    assert agenda
    page = (site / linked_pages(site, "meetings.html")[meeting]).read_text(encoding="utf-8")
    positions = [page.index(f"<td>{html_text(title)}</td>") for _, _, _, title, *_ in agenda]
    assert positions == sorted(positions)
    assert 'href="sources.html#' in page
    assert "<blockquote>" in page  # the passage's text is shown beside the fact


def html_text(value: str) -> str:
    import html

    return html.escape(value, quote=True)


def test_labels_from_data_are_escaped(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix ecg: <https://w3id.org/ecgkg/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/ecgkg/id/initiative/test-escaping> a ecg:Initiative ;\n"
        '    ecg:reviewStatus "unreviewed" ;\n'
        '    skos:prefLabel "<script>alert(1)</script> & co"@en .\n', encoding="utf-8")
    folder = tmp_path / "site"
    build_site(folder, [ontology_dir(), data_dir(), extra])
    listing = (folder / "initiatives.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in listing
    assert "<li>review status: unreviewed: 1</li>" in (folder / "index.html").read_text(
        encoding="utf-8")  # the index counts what is left to review
    pages = list(folder.glob("*.html"))
    assert pages
    for page in pages:
        assert "<script" not in page.read_text(encoding="utf-8").lower(), page.name


def test_the_site_takes_in_a_second_meeting(tmp_path):
    alone = meeting_iris([ontology_dir(), data_dir()])
    paths = [ontology_dir(), data_dir(), FIXTURE_DIR]
    both = meeting_iris(paths)
    assert len(both) == len(alone) + 1  # the fixture holds one meeting
    folder = tmp_path / "site"
    build_site(folder, paths)
    pages = linked_pages(folder, "meetings.html")
    assert sorted(i for i in pages if i in both) == sorted(both)
    assert len(list(folder.glob("meeting-*.html"))) == len(both)


def test_a_folder_that_is_not_a_site_is_refused_unless_forced(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["docs", "-o", str(folder)])
    assert result.exit_code == 2
    assert "not empty and not a site made by ecgkg docs" in result.output
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    forced = CliRunner().invoke(main, ["docs", "-o", str(folder), "--force"])
    assert forced.exit_code == 0, forced.output
    assert (folder / MARKER).is_file() and not (folder / "notes.txt").exists()


def test_a_previous_site_is_replaced_whole_and_a_failed_build_leaves_nothing(tmp_path):
    folder = tmp_path / "site"
    assert CliRunner().invoke(main, ["docs", "-o", str(folder)]).exit_code == 0
    (folder / "stale.html").write_text("old\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["docs", "-o", str(folder)]).exit_code == 0
    assert not (folder / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary folder left
    fresh = tmp_path / "fresh"
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["docs", "-o", str(fresh), str(bad)])
    assert result.exit_code == 2
    assert result.output.startswith("ecgkg: error: ")
    assert not fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl", "site"]


def test_a_file_as_output_is_refused(tmp_path):
    target = tmp_path / "site"
    target.write_text("a file\n", encoding="utf-8")
    with pytest.raises(EcgkgError, match="not a folder"):
        build_site(target)
    assert target.read_text(encoding="utf-8") == "a file\n"


@pytest.mark.parametrize("args, message", [
    (["-o", "."], "holds the working folder"),
    (["-o", "site", "--server", "ftp://example"], "not an http:// or https:// URL"),
])
def test_bad_targets_are_one_line_errors(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["docs", *args])
    assert result.exit_code == 2
    assert message in result.output and len(result.output.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_an_initiative_page_links_the_meetings_that_presented_it(site):
    rows = ecgkg.open().query("SELECT DISTINCT ?i ?m WHERE { ?item ecg:aboutInitiative ?i ; "
                              "ecg:itemOf ?m . ?m a ecg:Meeting }").rows
    assert rows
    initiatives = linked_pages(site, "initiatives.html")
    meetings = linked_pages(site, "meetings.html")
    for initiative, meeting in rows:
        page = (site / initiatives[initiative]).read_text(encoding="utf-8")
        assert f'href="{meetings[meeting]}"' in page, initiative
