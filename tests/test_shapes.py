"""The SHACL shapes: well-formed (SHACL-SHACL), documented, and checked against fixtures whose
expected results are listed in their headers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, URIRef

from ecgkg.namespaces import PREFIXES, SHAPES
from ecgkg.validate import (
    CONSTRAINT_PARAMETERS, SH, Shapes, check_shapes, load_shapes, plan, validate,
)
from ecgkg.sources import data_dir, ontology_dir, rdf_files, shapes_dir

FIXTURES = Path(__file__).parent / "shape_fixtures"
FIXTURE_FILES = sorted(FIXTURES.glob("*/*.ttl"))
EXPECT = re.compile(r"^#\s*expect:\s*(\S+)\s+(\S+)\s+(\S+)\s*$")
ROLES = URIRef(PREFIXES["ecgid"] + "role")


@pytest.fixture(scope="module")
def shapes() -> Shapes:
    return load_shapes(shapes_dir())


def expand(token: str) -> str:
    if token.startswith("<") and token.endswith(">"):
        return token[1:-1]
    prefix, colon, local = token.partition(":")
    assert colon and prefix in PREFIXES, f"unknown prefix in {token!r}"
    return PREFIXES[prefix] + local


def expected_results(path: Path) -> set[tuple[str, str, str]]:
    expected = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            expected.add(tuple(expand(token) for token in match.groups()))
        elif re.match(r"^#\s*expect", line):
            pytest.fail(f"{path.name}: malformed expectation line: {line!r}")
    return expected


def found_results(path: Path, engine: str = "fast") -> set[tuple[str, str, str]]:
    report = validate([path], engine=engine)
    return {(str(r.focus_node), str(r.shape), str(r.component)) for r in report.results}


def shape_file_stems() -> list[str]:
    return sorted(p.stem for p in rdf_files([shapes_dir()]))


# ------------------------------------------------------------------------------ the fixtures


def test_fixture_count():
    # 13 shape files, at least one valid and one invalid fixture each: a filter or a renamed
    # folder that silently drops fixtures fails here.
    assert len(FIXTURE_FILES) == 28


def test_every_shape_file_has_valid_and_invalid_fixtures():
    folders = {p.parent.name for p in FIXTURE_FILES}
    assert folders == set(shape_file_stems()), "one fixture folder per file of shapes/"
    for stem in shape_file_stems():
        names = [p.name for p in FIXTURE_FILES if p.parent.name == stem]
        assert any(n.startswith("valid-") for n in names), f"{stem}: no valid-*.ttl fixture"
        assert any(n.startswith("invalid-") for n in names), f"{stem}: no invalid-*.ttl fixture"
    assert all(p.name.startswith(("valid-", "invalid-")) for p in FIXTURE_FILES)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_gives_exactly_its_expected_results(path: Path):
    expected = expected_results(path)
    if path.name.startswith("valid-"):
        assert not expected, "a valid fixture lists no expected results"
    else:
        assert expected, "an invalid fixture lists the results it must produce"
    found = found_results(path)
    missing, unexpected = expected - found, found - expected
    assert not missing and not unexpected, (
        f"missing: {sorted(missing)}\nunexpected: {sorted(unexpected)}"
    )


@pytest.mark.parametrize("path", [p for p in FIXTURE_FILES if p.name.startswith("invalid-")],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_whole_graph_sparql_agrees_with_pyshacl(path: Path):
    """The whole-graph SPARQL evaluation gives what pySHACL gives, one focus node at a time."""
    fast = validate([path])
    reference = validate([path], engine="pyshacl")
    assert fast.results == reference.results


def test_bundled_data_same_results_with_pyshacl():
    assert validate().results == validate(engine="pyshacl").results


# ------------------------------------------------------------------------------ the shapes


def test_shapes_conform_to_shacl_shacl(shapes: Shapes):
    check_shapes(shapes)  # raises EcgkgError with the first problems


def test_shacl_shacl_check_catches_a_bad_shape(tmp_path: Path):
    (tmp_path / "bad.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<https://example.org/S> a sh:NodeShape ; sh:minCount \"one\" .\n", encoding="utf-8")
    from ecgkg.errors import EcgkgError

    with pytest.raises(EcgkgError, match="SHACL-SHACL"):
        load_shapes(tmp_path, meta_validate=True)


def constraining_shapes(graph: rdflib.Graph) -> set:
    """Shapes that report results: targeted shapes and the property shapes they hold (the
    operands of sh:or, sh:xone, sh:not and sh:qualifiedValueShape report through them)."""
    targeted = {
        s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
        for s in graph.subjects(p, None)
    }
    return targeted | {o for s in targeted for o in graph.objects(s, SH.property)}


def test_every_constraint_has_a_message_and_a_severity(shapes: Shapes):
    graph = shapes.graph
    for shape in constraining_shapes(graph):
        if not any((shape, p, None) in graph for p in CONSTRAINT_PARAMETERS):
            continue
        name = str(shape)
        assert graph.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), name
        for sparql in graph.objects(shape, SH.sparql):
            assert graph.value(sparql, SH.message) is not None, f"{name}: SPARQL without message"
        if (shape, SH.sparql, None) not in graph or any(
            (shape, p, None) in graph for p in CONSTRAINT_PARAMETERS if p != SH.sparql
        ):
            assert graph.value(shape, SH.message) is not None, f"{name}: no sh:message"


def test_every_shape_is_named_in_the_shapes_namespace(shapes: Shapes):
    graph = shapes.graph
    for shape in constraining_shapes(graph):
        assert isinstance(shape, URIRef) and str(shape).startswith(SHAPES), shape
        assert (shape, RDF.type, SH.NodeShape) in graph or (shape, RDF.type, SH.PropertyShape) in graph


def test_every_severity_is_used(shapes: Shapes):
    used = set(shapes.graph.objects(None, SH.severity))
    assert {SH.Violation, SH.Warning, SH.Info} <= used


def test_the_sparql_rules_run_as_whole_graph_queries(shapes: Shapes):
    shape_plan = plan(shapes.graph)
    assert len(shape_plan.sparql) == len(list(shapes.graph.subject_objects(SH.sparql)))


def test_every_bundled_shape_runs_in_the_fast_engine(shapes: Shapes):
    """No bundled shape falls back to pySHACL (which would need the rdflib graph, and be slow)."""
    shape_plan = plan(shapes.graph)
    assert shape_plan.fallback is None, shape_plan.fallback_shapes
    targeted = {s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                for s in shapes.graph.subjects(p, None)}
    assert {root.shape.node for root in shape_plan.roots} == targeted


def ontology_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in rdf_files([ontology_dir()]):
        graph.parse(path, format="turtle")
    return graph


def test_roles_allowed_are_the_roles_of_the_ontology(shapes: Shapes):
    graph = shapes.graph
    allowed = set(rdflib.collection.Collection(
        graph, graph.value(URIRef(SHAPES + "Participation-role"), SH["in"])))
    roles = set(ontology_graph().subjects(URIRef(PREFIXES["skos"] + "inScheme"), ROLES))
    assert allowed == roles and roles


def superclasses(ontology: rdflib.Graph, cls: URIRef) -> set:
    return set(ontology.transitive_objects(cls, RDFS.subClassOf))


def test_every_minted_class_has_an_iri_pattern(shapes: Shapes):
    """Every class whose instances get project IRIs (https://w3id.org/ecgkg/id/...) is the
    target, directly or through a superclass, of a shape with sh:pattern."""
    from ecgkg.validate import load_data

    data = load_data([data_dir()])
    graph, ontology = shapes.graph, ontology_graph()
    patterned = {
        cls for shape in graph.subjects(SH.pattern, None)
        for cls in graph.objects(shape, SH.targetClass)
    }
    minted = {
        cls for s, cls in data.graph.subject_objects(RDF.type)
        if str(s).startswith(PREFIXES["ecgid"]) and isinstance(cls, URIRef)
        and str(cls) not in (PREFIXES["skos"] + "Concept", PREFIXES["skos"] + "ConceptScheme",
                             PREFIXES["dcat"] + "Dataset")
    }
    assert minted, "no minted classes found"
    for cls in minted:
        assert superclasses(ontology, cls) & patterned, f"no sh:pattern shape for {cls}"


def test_shape_files_are_canonical():
    from ecgkg.canonical import format_files

    changed = [r.path.name for r in format_files(rdf_files([shapes_dir()]), check=True) if r.changed]
    assert not changed, f"not canonical (run `ecgkg format shapes`): {changed}"


# ------------------------------------------------------------------------------ bundled data


def test_bundled_data_has_no_violation():
    """Needs data/esco/ (the ESCO subset) for the ESCO-link rule."""
    report = validate()
    violations = [r for r in report.results if r.severity == "Violation"]
    assert not violations, "\n".join(f"{r.file}:{r.line}: {r.message}" for r in violations)
    assert not report.failed("violation")
