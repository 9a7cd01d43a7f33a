"""The fast engine (ecgkg.shacl.engine) gives exactly pySHACL's results: on every shape fixture,
on the bundled data, on generated data with errors put in, and on shapes that use every feature
the engine supports (and some it leaves to pySHACL).

These agreement tests hold for pySHACL AGREED_PYSHACL (the minor version pyproject.toml pins):
test_agreement_holds_for_the_pinned_pyshacl fails on another one, to be run again and re-pinned.
Agreement alone cannot notice a change of shapes/ (both engines read the same shapes), so the
fixture tests also check the results both agree on against each fixture's `# expect:` header."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib import RDFS, Literal, URIRef

from ecgkg.sources import data_dir, ontology_dir, project_root, rdf_files, shapes_dir
from ecgkg.validate import SH, load_shapes, path_text, plan, validate

# Seconds per test (see the README: `pytest -m "not slow"` is the edit-test loop).
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "shape_fixtures"
FIXTURE_FILES = sorted(FIXTURES.glob("*/*.ttl"))
AGREED_PYSHACL = "0.40"  # the pySHACL minor version these tests were run with
EXPECT = re.compile(r"^#\s*expect:\s*(\S+)\s+(\S+)\s+(\S+)")
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


def result_set(results) -> set:
    """What a validation result says: focus, path, value, component, shape, severity."""
    return {(r.focus_node, r.path, r.value, r.component, r.shape, r.severity) for r in results}


def same_results(paths: list[Path], shapes: Path | None = None) -> list:
    """Validate PATHS with both engines; the fast engine's results, after checking that they
    are pySHACL's, message, file and line included."""
    fast = validate(paths, shapes=shapes, meta_validate=False)
    reference = validate(paths, shapes=shapes, engine="pyshacl", meta_validate=False)
    missing = set(reference.results) - set(fast.results)
    extra = set(fast.results) - set(reference.results)
    assert not missing and not extra, f"missing: {sorted(map(str, missing))}\nextra: {sorted(map(str, extra))}"
    assert fast.results == reference.results
    assert fast.triple_count == reference.triple_count
    assert fast.data_files == reference.data_files
    return fast.results


# ------------------------------------------------------------------------------ the fixtures


def test_agreement_holds_for_the_pinned_pyshacl():
    import pyshacl

    from ecgkg.shacl.reference import PYSHACL_VERSION

    assert pyshacl.__version__.startswith(AGREED_PYSHACL + "."), (
        f"these agreement tests hold for pySHACL {AGREED_PYSHACL}, not {pyshacl.__version__}: "
        "run them with the new version, then move the pin in pyproject.toml and AGREED_PYSHACL")
    assert PYSHACL_VERSION.startswith(AGREED_PYSHACL + ".")
    assert len(FIXTURE_FILES) >= 23  # a filter that silently drops fixtures fails here


def expected_in_header(path: Path) -> set[tuple[str, str, str]]:
    """(focus, shape, component) of each `# expect:` line, in tests/pinning.py's terms (full
    IRIs, literal focus nodes as written)."""
    from pinning import expand

    return {tuple(expand(t) for t in m.groups())
            for m in map(EXPECT.match, path.read_text(encoding="utf-8").splitlines()) if m}


def agreed_as_expected(path: Path, results) -> None:
    from pinning import fixture_key

    found = {fixture_key(r)[:3] for r in results}
    assert found == expected_in_header(path), "the results both engines agree on are not the " \
        "fixture's `# expect:` lines (a change of shapes/ or of the fixture)"
    if path.name.startswith("invalid-"):
        assert found, "an invalid fixture gives results"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_same_results_as_pyshacl(path: Path):
    agreed_as_expected(path, same_results([path]))


def plain_pyshacl(files: list[Path]) -> set:
    """pyshacl.validate as anyone would call it: rdflib's own parser, the shapes merged, the
    ontology's class hierarchy with the data (what `ecgkg validate` adds), no ecgkg code."""
    from pyshacl import validate as pyshacl_validate

    data = rdflib.Graph()
    for path in files:
        data.parse(path, format="turtle")
    ontology = rdflib.Graph()
    for path in rdf_files([ontology_dir()]):
        ontology.parse(path, format="turtle")
    for s, o in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            data.add((s, RDFS.subClassOf, o))
    shapes = rdflib.Graph()
    for path in rdf_files([shapes_dir()]):
        shapes.parse(path, format="turtle")
    _, report, _ = pyshacl_validate(data, shacl_graph=shapes, inference="none", advanced=True)
    found = set()
    for result in report.objects(None, SH.result):
        value = report.value(result, SH.value)
        if isinstance(value, Literal) and value.datatype == XSD_STRING:
            value = Literal(str(value))  # RDF 1.1: "x"^^xsd:string is "x"
        found.add((
            report.value(result, SH.focusNode), path_text(report, report.value(result, SH.resultPath)),
            value, report.value(result, SH.sourceConstraintComponent),
            report.value(result, SH.sourceShape),
            str(report.value(result, SH.resultSeverity)).split("#")[-1],
        ))
    return found


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_same_results_as_plain_pyshacl(path: Path):
    results = validate([path]).results
    assert result_set(results) == plain_pyshacl([path])
    agreed_as_expected(path, results)


def test_bundled_data_same_results_as_pyshacl():
    same_results([data_dir()])


# ------------------------------------------------------------------------------ generated data


def break_lines(lines: list[str], seed: int, rate: float = 0.03) -> list[str]:
    """Put errors into N-Triples lines: drop a statement, misspell a property, change a
    literal's type or value, replace an IRI by a text or a blank node, add a second label in a
    language, mistype a date, repeat a statement, give a statement to a blank node."""
    rng = random.Random(seed)
    term = re.compile(r'^(\S+) (<[^>]+>) (.+) \.$')
    out = []
    for number, line in enumerate(lines):
        match = term.match(line)
        if not match or rng.random() > rate:
            out.append(line)
            continue
        s, p, o = match.groups()
        kind = rng.randrange(11)
        if kind == 0:
            continue  # dropped
        if kind == 1:
            p = p[:-1] + "Typo>"
        elif kind == 2 and "^^" in o:
            o = o.split("^^")[0] + "^^<http://www.w3.org/2001/XMLSchema#string>"
        elif kind == 3 and o.endswith("#date>"):
            o = '"2023-02-30"^^<http://www.w3.org/2001/XMLSchema#date>'
        elif kind == 4 and o.endswith("#integer>"):
            o = '"0"^^<http://www.w3.org/2001/XMLSchema#integer>'
        elif kind == 5 and o.startswith("<"):
            o = '"' + o[1:-1] + '"'
        elif kind == 6 and o.startswith("<"):
            o = f"_:broken{number}"
        elif kind == 7 and o.endswith("@en"):
            out.append(f'{s} {p} "another label"@en .')
        elif kind == 8:
            out.append(line)  # the same statement twice
        elif kind == 9:
            s = f"_:node{number}"  # a blank node, typed or described by this statement only
        elif kind == 10 and o.endswith("#integer>"):
            o = o.replace("#integer>", "#positiveInteger>")
        out.append(f"{s} {p} {o} .")
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """10k triples from benchmarks/generate.py, with errors put in (3% of the statements)."""
    folder = tmp_path_factory.mktemp("gen-10k")
    subprocess.run(
        [sys.executable, str(project_root() / "benchmarks" / "generate.py"), "--triples", "10000",
         "--seed", "1", "-o", str(folder)],
        check=True, capture_output=True,
    )
    for seed, name in enumerate(("meetings.nt", "reference.nt"), start=7):
        path = folder / name
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join(break_lines(lines, seed)) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def sparql_parsed_once(monkeypatch):
    """pySHACL parses a SPARQL constraint's text again for every focus node (15 ms each, most of
    its time on this data): parse each text once. The same parsed query is evaluated with the
    same bindings, so results are unchanged; the fixture tests run without it."""
    from rdflib.plugins.sparql import processor
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    stock = processor.SPARQLProcessor.query
    parsed: dict = {}

    def query(self, query, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(query, str):
            key = (query, base, tuple(sorted((initNs or {}).items())))
            if key not in parsed:
                parsed[key] = translateQuery(parseQuery(query), base, initNs)
            query = parsed[key]
        return stock(self, query, initBindings or {}, initNs, base, DEBUG)

    monkeypatch.setattr(processor.SPARQLProcessor, "query", query)


def test_generated_data_same_results_as_pyshacl(generated: Path, sparql_parsed_once):
    results = same_results([generated, ontology_dir()])
    # The errors put in show up in every kind of constraint.
    components = {str(r.component).split("#")[1] for r in results}
    assert {"ClosedConstraintComponent", "DatatypeConstraintComponent",
            "MinCountConstraintComponent", "NodeKindConstraintComponent",
            "ClassConstraintComponent", "InConstraintComponent",
            "MinInclusiveConstraintComponent", "UniqueLangConstraintComponent",
            "PatternConstraintComponent", "SPARQLConstraintComponent"} <= components, components
    assert len(results) > 100


@pytest.fixture(scope="module")
def generated_plain(generated: Path, tmp_path_factory) -> Path:
    """The generated data with errors, its blank nodes written as IRIs, so that the SPARQL
    store takes its files as text (TextFeed); one line in ten written with a tab or two spaces,
    which the picking keeps whatever its predicate."""
    from ecgkg.rdf.reader import surely_without_blank_nodes

    folder = tmp_path_factory.mktemp("gen-10k-plain")
    rng = random.Random(3)
    for name in ("meetings.nt", "reference.nt"):
        text = re.sub(r"_:(\w+)", r"<https://example.org/blank/\1>",
                      (generated / name).read_text(encoding="utf-8"))
        lines = [line.replace(" ", rng.choice(["\t", "  "]), 1) if rng.random() < 0.1 else line
                 for line in text.splitlines()]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert surely_without_blank_nodes(folder / name)
    return folder


@pytest.fixture(scope="module")
def generated_turtle(generated_plain: Path, tmp_path_factory) -> Path:
    """generated_plain in Turtle, without brackets (which could open a blank node): a format
    the store loads whole from disk by default."""
    import pyoxigraph as ox

    from ecgkg.rdf.reader import surely_without_blank_nodes

    folder = tmp_path_factory.mktemp("gen-10k-ttl")
    for name in ("meetings", "reference"):
        text = (generated_plain / f"{name}.nt").read_bytes()
        for bracket in (b"(", b")", b"[", b"]"):
            text = text.replace(bracket, b"")
        quads = ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
        ox.serialize((q.triple for q in quads), str(folder / f"{name}.ttl"), ox.RdfFormat.TURTLE,
                     prefixes={"ecgkg": "https://w3id.org/ecgkg/ontology#"})
        assert surely_without_blank_nodes(folder / f"{name}.ttl")
    return folder


def text_handed(monkeypatch, first: bytes | None = None) -> list[int]:
    """The sizes of the texts handed to the SPARQL worker in each validation that follows, in
    chunks of 4 kB at most 8 kB ahead of it (many hand-overs at this size); FIRST, if given,
    replaces the first text."""
    from ecgkg.shacl import sparql, validator

    handed: list[int] = []
    stock_add_text = sparql.SparqlRunner.add_text

    def add_text(self, text, *rest):
        handed.append(len(text))
        stock_add_text(self, first if first is not None and len(handed) == 1 else text, *rest)

    monkeypatch.setattr(sparql.SparqlRunner, "add_text", add_text)
    monkeypatch.setattr(validator.TextFeed, "CHUNK", 4096)
    monkeypatch.setattr(validator.TextFeed, "AHEAD", 8192)
    return handed


def store_sizes(monkeypatch) -> list[int]:
    """The number of statements in the SPARQL store of each validation that follows."""
    from ecgkg.shacl import sparql

    sizes: list[int] = []
    stock_finish = sparql.SparqlRunner.finish

    def finish(self):
        found = stock_finish(self)
        sizes.append(len(self.store))
        return found

    monkeypatch.setattr(sparql.SparqlRunner, "finish", finish)
    return sizes


@pytest.mark.parametrize("fixture, picked_by_default, ontology", [
    ("generated", True, True), ("generated_plain", True, True), ("generated_plain", True, False),
    ("generated_turtle", False, True)])
def test_the_store_holds_what_the_queries_read_with_the_same_results(
        fixture, picked_by_default, ontology, request, monkeypatch):
    """The SPARQL store holds the statements its queries can read (sparql_reads): by default
    those of N-Triples files (picked from the text, here in many small hand-overs) and of files
    with blank nodes; with low_memory those of every file. The results are those of a store
    that holds everything, which the tests compare with pySHACL. Without the ontology among
    the files, the class hierarchy reaches the store only from the validator (a Presentation
    is an AgendaItem)."""
    from ecgkg.shacl import sparql

    folder = request.getfixturevalue(fixture)
    paths = [folder, ontology_dir()] if ontology else [folder]
    sizes = store_sizes(monkeypatch)
    handed = text_handed(monkeypatch)
    picked = validate(paths)
    low = validate(paths, low_memory=True)
    with monkeypatch.context() as whole_store:
        whole_store.setattr(sparql, "predicates_read_by_all", lambda texts: None)
        whole = validate(paths)
    assert picked.results == whole.results == low.results
    assert len(whole.results) > 100
    assert any(r.component == SH.SPARQLConstraintComponent for r in whole.results)
    assert len(sizes) == 3, sizes
    assert sizes[1] < sizes[2] * 0.9, sizes
    assert sizes[1] <= sizes[0]
    if picked_by_default:
        assert sizes[0] < sizes[2] * 0.9, sizes
    else:  # the data files loaded whole from disk (the ontology's blank-node files picked)
        assert sizes[0] > sizes[2] * 0.9 and sizes[0] > sizes[1], sizes
    if fixture == "generated_plain":
        assert len(handed) > 20, handed  # text in chunks, picked, in both modes
    else:
        assert handed == []


def test_a_store_that_fails_to_load_text_stops_the_run(generated_plain: Path, monkeypatch):
    """The worker fails on the text it is handed: the run stops with one line (exit 2), and the
    rest of the text is not handed to a worker that is gone."""
    from ecgkg.errors import EcgkgError

    handed = text_handed(monkeypatch, first=b"not N-Triples\n")
    with pytest.raises(EcgkgError, match="loading the SPARQL store failed"):
        validate([generated_plain, ontology_dir()])
    whole = sum(path.stat().st_size for path in generated_plain.glob("*.nt"))
    assert 1 <= len(handed) and sum(handed) < whole / 4, (len(handed), sum(handed), whole)


# ------------------------------------------------------------------------------ every feature

EDGE_SHAPES = """\
@prefix ex: <https://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:Thing a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:closed true ;
    sh:ignoredProperties ( rdf:type ) ;
    sh:property ex:Thing-min, ex:Thing-max, ex:Thing-int, ex:Thing-date, ex:Thing-string,
        ex:Thing-lang, ex:Thing-kind, ex:Thing-pattern, ex:Thing-in, ex:Thing-hasValue,
        ex:Thing-class, ex:Thing-range, ex:Thing-length, ex:Thing-langIn, ex:Thing-unique,
        ex:Thing-inverse, ex:Thing-qualified, ex:Thing-qualified2, ex:Thing-deactivated,
        ex:Thing-gyear, ex:Thing-maxEx .

ex:Thing-min sh:path ex:name ; sh:minCount 2 .
ex:Thing-max sh:path ex:name ; sh:maxCount 1 .
ex:Thing-int sh:path ex:count ; sh:datatype xsd:integer ; sh:minInclusive 1 .
ex:Thing-date sh:path ex:date ; sh:datatype xsd:date .
ex:Thing-gyear sh:path ex:year ; sh:datatype xsd:gYear .
ex:Thing-string sh:path ex:code ; sh:datatype xsd:string ; sh:pattern "^[A-Z]+$" ;
    sh:pattern "^A" ; sh:flags "i" .
ex:Thing-lang sh:path ex:name ; sh:datatype rdf:langString .
ex:Thing-kind sh:path ex:link ; sh:nodeKind sh:IRI .
ex:Thing-pattern sh:path ex:link ; sh:pattern "^https://example[.]org/" .
ex:Thing-in sh:path ex:status ; sh:in ( "ok" ex:Ok 1 "x"@en ) .
ex:Thing-hasValue sh:path ex:scheme ; sh:hasValue ex:Scheme ; sh:hasValue "s" .
ex:Thing-class sh:path ex:link ; sh:class ex:Target, ex:Other .
ex:Thing-range sh:path ex:date ; sh:minExclusive "2020-01-01"^^xsd:date ;
    sh:maxInclusive "2030-12-31"^^xsd:date .
ex:Thing-maxEx sh:path ex:code ; sh:maxExclusive "M" .
ex:Thing-length sh:path ex:code ; sh:minLength 2 ; sh:maxLength 4 .
ex:Thing-langIn sh:path ex:name ; sh:languageIn ( "en" "fr" ) .
ex:Thing-unique sh:path ex:name ; sh:uniqueLang true .
ex:Thing-inverse sh:path [ sh:inversePath ex:owns ] ; sh:minCount 1 ; sh:maxCount 1 ;
    sh:nodeKind sh:BlankNodeOrIRI .
ex:Thing-qualified sh:path ex:part ; sh:qualifiedValueShape ex:BigPart ;
    sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 2 ; sh:qualifiedValueShapesDisjoint true .
ex:Thing-qualified2 sh:path ex:part ; sh:qualifiedValueShape ex:SmallPart ;
    sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true .
ex:BigPart sh:property [ sh:path ex:size ; sh:minInclusive 10 ] .
ex:SmallPart sh:property [ sh:path ex:size ; sh:maxInclusive 20 ] .
ex:Thing-deactivated sh:path ex:name ; sh:minCount 5 ; sh:deactivated true .

ex:Implicit a rdfs:Class, sh:NodeShape ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ;
        sh:message "needs a name"@en, "il faut un nom"@fr ; sh:severity sh:Warning ] .

ex:Nodes a sh:NodeShape ;
    sh:targetNode ex:absent, ex:a1, "lit" ;
    sh:nodeKind sh:IRI ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ] .

ex:Objects a sh:NodeShape ;
    sh:targetObjectsOf ex:link ;
    sh:nodeKind sh:BlankNodeOrIRI ;
    sh:pattern "Target" ;
    sh:closed true ;
    sh:severity sh:Warning .

ex:Subjects a sh:PropertyShape ;
    sh:targetSubjectsOf ex:owns ;
    sh:path ex:owns ;
    sh:maxCount 1 ;
    sh:class ex:Thing ;
    sh:message "owns one thing" ;
    sh:severity sh:Info .

ex:Off a sh:NodeShape ; sh:targetClass ex:Thing ; sh:deactivated true ; sh:nodeKind sh:Literal .

ex:UniqueFalse a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:uniqueLang false ; sh:minLength 0 ] .

ex:Sparql a sh:NodeShape ;
    sh:targetObjectsOf ex:link ;
    sh:sparql [ sh:select \"\"\"SELECT $this ?value WHERE {
        ?s <https://example.org/link> $this .
        OPTIONAL { $this <https://example.org/size> ?value }
        FILTER (!BOUND(?value) || ?value > 3) }\"\"\" ;
       sh:message "{$this} has size {?value}" ] .
"""

EDGE_DATA = """\
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:SubThing rdfs:subClassOf ex:Thing .
ex:SubTarget rdfs:subClassOf ex:Target .

ex:a1 a ex:Thing ;
    ex:name "A"@en, "A bis"@en, "Un"@fr-BE, "plain" ;
    ex:count "0"^^xsd:integer, "01"^^xsd:integer, "1"^^xsd:integer, "3"^^xsd:positiveInteger,
        "x"^^xsd:integer ;
    ex:date "2023-11-31"^^xsd:date, "2019-05-01"^^xsd:date, "2024-02-29"^^xsd:date, "2024-02-29" ;
    ex:year "2023"^^xsd:gYear, "20x3"^^xsd:gYear ;
    ex:code "abc", "ABCDEF", "Z"^^xsd:string, "Q"@en, 12 ;
    ex:link ex:t1, "https://example.org/t1", [ a ex:Target ], <http://other.org/t2> ;
    ex:status "ok", ex:Ok, ex:Bad, "1"^^xsd:integer, "01"^^xsd:integer, "x"@EN, "x"@de ;
    ex:scheme ex:Scheme ;
    ex:part [ ex:size 15 ], [ ex:size 30 ], [ ex:size 5 ], [ ex:size 40 ], [ ex:size 50 ] ;
    ex:extra "not allowed" .

ex:a2 a ex:SubThing ;
    ex:name "Two"@en ;
    ex:scheme "s" ;
    ex:link ex:t1 .

ex:t1 a ex:SubTarget, ex:Other ; ex:size 3 .
ex:owner ex:owns ex:a1, ex:a1b .
ex:owner2 ex:owns ex:a1 .
ex:a1b a ex:Thing, ex:Implicit .
_:anon a ex:Thing ; ex:name "anon"@en .
_:anon2 ex:owns _:anon .
"""

EDGE_BLANK_NT = """\
<https://example.org/a3> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://example.org/Thing> .
<https://example.org/a3> <https://example.org/link> _:b1 .
_:b1 <https://example.org/size> "4"^^<http://www.w3.org/2001/XMLSchema#integer> .
<https://example.org/a3> <https://example.org/name> "Three"@en .
<https://example.org/a3> <https://example.org/name> "Three"@en .
"""

EDGE_PLAIN_NT = """\
<https://example.org/a4> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://example.org/Thing> .
<https://example.org/a4> <https://example.org/link> <https://example.org/t4> .
<https://example.org/a4> <https://example.org/count> "5"^^<http://www.w3.org/2001/XMLSchema#positiveInteger> .
<https://example.org/t4> <https://example.org/size> "05"^^<http://www.w3.org/2001/XMLSchema#integer> .
<https://example.org/a4> <https://example.org/name> "Four"@en .
"""

FALLBACK_SHAPES = """\
@prefix ex: <https://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:Or a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:or ( [ sh:path ex:scheme ; sh:minCount 1 ] [ sh:path ex:owner ; sh:minCount 1 ] ) .
ex:Node a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:link ; sh:node ex:Linked ] .
ex:Linked a sh:NodeShape ;
    sh:property [ sh:path ex:size ; sh:minCount 1 ; sh:datatype xsd:integer ] .
ex:Seq a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ( ex:link ex:size ) ; sh:maxCount 1 ] .
ex:Eq a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:name ; sh:equals ex:label .
ex:PropSparql a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:code ;
    sh:sparql [ sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER (STRLEN(STR(?value)) > 3) }" ] .
ex:Fine a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:datatype rdf:langString ] .
ex:Shared a sh:NodeShape ; sh:targetClass ex:Target ; sh:property ex:Shared-size .
ex:Shared-size sh:path ex:size ; sh:maxInclusive 3 .
ex:UsesShared a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:link ; sh:node ex:SharedNode ] .
ex:SharedNode a sh:NodeShape ; sh:property ex:Shared-size .
"""


@pytest.fixture
def edge(tmp_path: Path) -> Path:
    (tmp_path / "shapes").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "shapes" / "edge.ttl").write_text(EDGE_SHAPES, encoding="utf-8")
    (tmp_path / "data" / "things.ttl").write_text(EDGE_DATA, encoding="utf-8")
    (tmp_path / "data" / "blank.nt").write_text(EDGE_BLANK_NT, encoding="utf-8")
    (tmp_path / "data" / "plain.nt").write_text(EDGE_PLAIN_NT, encoding="utf-8")
    return tmp_path


def test_every_supported_feature_gives_pyshacl_results(edge: Path):
    shape_plan = plan(load_shapes(edge / "shapes").graph)
    assert shape_plan.fallback is None, shape_plan.fallback_shapes
    results = same_results([edge / "data"], shapes=edge / "shapes")
    components = {str(r.component).split("#")[1][:-len("ConstraintComponent")] for r in results}
    assert components == {
        "Class", "Closed", "Datatype", "HasValue", "In", "LanguageIn", "MaxCount", "MaxExclusive",
        "MaxInclusive", "MaxLength", "MinCount", "MinExclusive", "MinInclusive", "MinLength",
        "NodeKind", "Pattern", "QualifiedMaxCount", "QualifiedMinCount", "SPARQL", "UniqueLang"}
    # Shapes without sh:message get pySHACL's own messages; blank nodes keep stable names.
    assert any(r.message.startswith("Less than 2 values on ") for r in results)
    assert {r.message for r in results if str(r.shape) == "https://example.org/Sparql"} >= {
        "https://example.org/t4 has size 5"}  # "05"^^xsd:integer, as rdflib writes it


def test_without_sparql_constraints_no_store_is_needed(edge: Path):
    shapes = edge / "shapes" / "edge.ttl"
    shapes.write_text(EDGE_SHAPES[:EDGE_SHAPES.index("ex:Sparql a sh:NodeShape")], encoding="utf-8")
    assert not plan(load_shapes(edge / "shapes").graph).sparql
    assert same_results([edge / "data"], shapes=edge / "shapes")


def test_shapes_the_engine_does_not_support_go_to_pyshacl(edge: Path):
    (edge / "shapes" / "fallback.ttl").write_text(FALLBACK_SHAPES, encoding="utf-8")
    shape_plan = plan(load_shapes(edge / "shapes").graph)
    ex = "https://example.org/"
    # ex:Implicit is a class: its implicit target cannot be taken off for pySHACL, so it goes too.
    assert set(shape_plan.fallback_shapes) == {
        URIRef(ex + name)
        for name in ("Or", "Node", "Seq", "Eq", "PropSparql", "UsesShared", "Implicit")}
    fast = {str(root.shape.node) for root in shape_plan.roots}
    assert {ex + "Fine", ex + "Shared", ex + "Thing"} <= fast
    results = same_results([edge / "data"], shapes=edge / "shapes")
    assert {str(r.shape) for r in results} >= {ex + "Or", ex + "Eq"}


def test_context_and_blank_nodes_agree(edge: Path, tmp_path: Path):
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "things.ttl").write_text(EDGE_DATA.replace('"Two"@en', '"Two"@en, "Deux"@fr'),
                                       encoding="utf-8")
    same_results([drafts], shapes=edge / "shapes")
    fast = validate([drafts], shapes=edge / "shapes", context=[edge / "data"], meta_validate=False)
    reference = validate([drafts], shapes=edge / "shapes", context=[edge / "data"],
                         engine="pyshacl", meta_validate=False)
    assert fast.results == reference.results
    assert fast.data_files == reference.data_files == [str(drafts / "things.ttl")]


def test_picked_stores_with_context_and_blank_nodes_agree(edge: Path, tmp_path: Path,
                                                          monkeypatch):
    """The store picked by default and with low_memory, from files with and without blank
    nodes and from context files, gives the results of a store holding everything."""
    from ecgkg.shacl import sparql

    shape_plan = plan(load_shapes(edge / "shapes").graph)
    assert sparql.SparqlRunner(shape_plan.sparql).reads is not None
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "things.ttl").write_text(EDGE_DATA.replace('"Two"@en', '"Two"@en, "Deux"@fr'),
                                       encoding="utf-8")
    for paths, context in (([edge / "data"], None), ([drafts], [edge / "data"])):
        runs = [validate(paths, shapes=edge / "shapes", context=context, low_memory=low,
                         meta_validate=False) for low in (True, False)]
        with monkeypatch.context() as whole_store:
            whole_store.setattr(sparql, "predicates_read_by_all", lambda texts: None)
            whole = validate(paths, shapes=edge / "shapes", context=context, meta_validate=False)
        assert runs[0].results == runs[1].results == whole.results
        assert any(r.component == SH.SPARQLConstraintComponent for r in whole.results)


def test_shapes_pyshacl_cannot_load_fail_the_same_way(tmp_path: Path):
    from ecgkg.errors import EcgkgError

    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "bad.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:minCount 1 .\n", encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text("<https://example.org/x> a <https://example.org/Thing> .\n", encoding="utf-8")
    for engine in ("fast", "pyshacl"):
        with pytest.raises(EcgkgError, match="shapes cannot be used"):
            validate([data], shapes=shapes, engine=engine, meta_validate=False)


# ------------------------------------------------------------------------------ around the engine


def test_reports_with_blank_nodes_are_the_same_on_every_run(tmp_path: Path):
    """Blank nodes are named by their file and order of appearance, not at random."""
    path = tmp_path / "blank.ttl"
    path.write_text("@prefix ecg: <https://w3id.org/ecgkg/ontology#> .\n"
                    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                    '[] a ecg:Meeting ; skos:prefLabel "A meeting"@en ; ecg:hasDay [ a ecg:MeetingDay ] .\n',
                    encoding="utf-8")
    outputs = [
        subprocess.run(
            [sys.executable, "-m", "ecgkg", "validate", "--format", "json", str(path)],
            capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=project_root(), check=False,
        )
        for seed in ("1", "2")
    ]
    assert outputs[0].returncode == outputs[1].returncode == 1, outputs[0].stderr
    assert outputs[0].stdout == outputs[1].stdout
    assert b'"_:f0b0"' in outputs[0].stdout


def test_the_bundled_shapes_do_not_need_pyshacl():
    """The fast engine never imports pySHACL for the bundled shapes (that alone takes most of a
    second) and builds no rdflib graph of the data."""
    code = ("import sys; from ecgkg.validate import validate; validate(); "
            "print('pyshacl' in sys.modules)")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=project_root(), check=True)
    assert found.stdout.strip() == "False"


def test_locator_searches_as_its_index_finds():
    """A few lookups search a file's text; many index every line: both give the same line."""
    from ecgkg.validate import Locator, parse_file

    for path in rdf_files([data_dir(), FIXTURES]):
        quads = parse_file(path)
        iris = {t.value for q in quads for t in (q.subject, q.object) if isinstance(t, ox_named())}
        searching, indexing = Locator([path]), Locator([path])
        searching.LOOKUPS, indexing.LOOKUPS = len(iris) + 1, 0
        for iri in sorted(iris):
            assert searching.subject_line(path, URIRef(iri)) == indexing.subject_line(path, URIRef(iri)), (path, iri)


def ox_named():
    import pyoxigraph

    return pyoxigraph.NamedNode
