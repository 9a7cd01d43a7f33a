"""The SHACL shapes: well-formed (SHACL-SHACL), documented, and checked against fixtures whose
expected results are listed in their headers."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import rdflib
from pinning import NO_PATH, expand, fixture_key, path_token, report_row
from rdflib import RDF, RDFS, URIRef

from ecgkg.namespaces import PREFIXES, SHAPES
from ecgkg.sources import data_dir, ontology_dir, rdf_files, shapes_dir
from ecgkg.validate import (
    CONSTRAINT_PARAMETERS,
    SH,
    Shapes,
    check_shapes,
    load_shapes,
    plan,
    validate,
)

FIXTURES = Path(__file__).parent / "shape_fixtures"
GOLDEN = Path(__file__).parent / "golden"
# <file>/blank-nodes/ holds fixtures whose focus nodes are blank nodes: apart, because tests that
# compare with plain pySHACL match results by node labels, which differ between two parses.
FIXTURE_FILES = sorted([*FIXTURES.glob("*/*.ttl"), *FIXTURES.glob("*/blank-nodes/*.ttl")])
EXPECT = re.compile(r"^#\s*expect:\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$")
ROLES = URIRef(PREFIXES["ecgid"] + "role")
SEVERITY_IRIS = {SH.Violation, SH.Warning, SH.Info}


@pytest.fixture(scope="module")
def shapes() -> Shapes:
    return load_shapes(shapes_dir())


def expected_path(token: str) -> str:
    if token == NO_PATH:
        return NO_PATH
    inverse = token.startswith("^")
    return path_token(("^" if inverse else "") + f"<{expand(token.lstrip('^'))}>")


def expected_results(path: Path) -> set[tuple[str, str, str, str, str]]:
    """(focus, shape, component, severity, path) from the `# expect:` lines of a fixture."""
    expected = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            focus, shape, component, severity, result_path = match.groups()
            try:
                expected.add((expand(focus), expand(shape), expand(component), expand(severity),
                              expected_path(result_path)))
            except ValueError as error:
                pytest.fail(f"{path.name}: {error}: {line!r}")
        elif re.match(r"^#\s*expect", line):
            pytest.fail(f"{path.name}: malformed expectation line (focus shape component "
                        f"severity path): {line!r}")
    return expected


def found_results(path: Path, engine: str = "fast") -> set[tuple[str, str, str, str, str]]:
    report = validate([path], engine=engine)
    return {fixture_key(r) for r in report.results}


def folder(path: Path) -> str:
    """The shapes file a fixture belongs to: its first folder under shape_fixtures/."""
    return path.relative_to(FIXTURES).parts[0]


def shape_file_stems() -> list[str]:
    return sorted(p.stem for p in rdf_files([shapes_dir()]))


# ------------------------------------------------------------------------------ the fixtures


def test_fixture_count():
    # 13 shape files with valid and invalid fixtures each: a filter or a renamed
    # folder that silently drops fixtures fails here.
    assert len(FIXTURE_FILES) == 59


def test_every_shape_file_has_valid_and_invalid_fixtures():
    folders = {folder(p) for p in FIXTURE_FILES}
    assert folders == set(shape_file_stems()), "one fixture folder per file of shapes/"
    for stem in shape_file_stems():
        names = [p.name for p in FIXTURE_FILES if folder(p) == stem]
        assert any(n.startswith("valid-") for n in names), f"{stem}: no valid-*.ttl fixture"
        assert any(n.startswith("invalid-") for n in names), f"{stem}: no invalid-*.ttl fixture"
    assert all(p.name.startswith(("valid-", "invalid-")) for p in FIXTURE_FILES)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
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


def component_names(graph: rdflib.Graph, shape, parameter) -> list[str]:
    """The constraint components a parameter of a shape reports under (SHACL 4 and 5)."""
    name = str(parameter).rsplit("#", 1)[-1]
    if name == "qualifiedValueShape":
        return [f"Qualified{bound}CountConstraintComponent" for bound in ("Min", "Max")
                if (shape, SH[f"qualified{bound}Count"], None) in graph]
    if name == "sparql":
        return ["SPARQLConstraintComponent"]
    return [name[0].upper() + name[1:] + "ConstraintComponent"]


def declared_constraints(graph: rdflib.Graph) -> dict[tuple[str, str], str]:
    """Every constraint of the shapes that can report a result: (shape, component) -> its
    severity IRI (sh:Violation when the shape names none, as SHACL says)."""
    constraints = {}
    for shape in constraining_shapes(graph):
        severity = graph.value(shape, SH.severity) or SH.Violation
        for parameter in CONSTRAINT_PARAMETERS:
            if (shape, parameter, None) not in graph:
                continue
            if parameter == SH.closed and not graph.value(shape, SH.closed).toPython():
                continue
            for component in component_names(graph, shape, parameter):
                constraints[(str(shape), str(SH[component]))] = str(severity)
    return constraints


def test_every_constraint_is_pinned_by_an_invalid_fixture(shapes: Shapes):
    """Each constraint of shapes/ (a parameter of a property shape, a sh:sparql, a node shape's
    sh:pattern or sh:closed, ...) is expected, with its severity, by some invalid fixture; the
    test above checks that the fixture gives exactly its expectations. Deleting, loosening or
    downgrading any constraint therefore fails a fixture."""
    declared = declared_constraints(shapes.graph)
    assert len(declared) > 250, "the enumeration of constraints found too few"
    pinned: dict[tuple[str, str], set[str]] = {}
    for path in FIXTURE_FILES:
        if path.name.startswith("invalid-"):
            for _, shape, component, severity, _ in expected_results(path):
                pinned.setdefault((shape, component), set()).add(severity)
    unpinned = sorted(f"{shape.rsplit('#', 1)[-1]} {component.rsplit('#', 1)[-1]}"
                      for shape, component in declared.keys() - pinned.keys())
    assert not unpinned, f"{len(unpinned)} constraints no invalid fixture expects:\n" + "\n".join(
        unpinned)
    for key, severity in declared.items():
        assert pinned[key] == {severity}, f"{key}: expected with {pinned[key]}, declared {severity}"
    assert pinned.keys() <= declared.keys(), sorted(pinned.keys() - declared.keys())


def test_one_sparql_constraint_per_shape(shapes: Shapes):
    """A result names its shape and sh:SPARQLConstraintComponent, not which sh:sparql gave it:
    with one per shape, a fixture expecting the pair pins the query."""
    graph = shapes.graph
    for shape in set(graph.subjects(SH.sparql, None)):
        assert len(list(graph.objects(shape, SH.sparql))) == 1, shape


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in FIXTURE_FILES if p.name.startswith("invalid-")],
                         ids=lambda p: str(p.relative_to(FIXTURES)))
def test_whole_graph_sparql_agrees_with_pyshacl(path: Path):
    """The whole-graph SPARQL evaluation gives what pySHACL gives, one focus node at a time."""
    fast = validate([path])
    reference = validate([path], engine="pyshacl")
    assert fast.results == reference.results


@pytest.mark.slow
def test_bundled_data_same_results_with_pyshacl():
    assert validate().results == validate(engine="pyshacl").results


# ------------------------------------------------------------------------------ the shapes


@pytest.mark.slow
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


def read_report_golden() -> list[tuple[str, ...]]:
    with (GOLDEN / "validate" / "bundled-report.tsv").open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source, delimiter="\t"))
    assert rows[0] == ["focus", "path", "value", "component", "shape", "severity", "message"]
    return [tuple(row) for row in rows[1:]]


def test_bundled_report_is_the_golden_one():
    """The whole report on data/, warnings and infos included: a dropped prov:wasDerivedFrom, a
    constraint loosened or tightened, a severity changed all show here. Compared as (focus, path,
    value, component, shape, severity) first, then with the messages, which the validator's
    templates may reword: `python tests/golden/regenerate.py report` rewrites it."""
    golden = read_report_golden()
    found = sorted(report_row(r) for r in validate().results)
    hint = ("the report on data/ differs from tests/golden/validate/bundled-report.tsv; if the change is "
            "meant, run `python tests/golden/regenerate.py report` and read the diff")
    assert [row[:6] for row in found] == [row[:6] for row in golden], hint
    assert found == golden, "messages changed: " + hint
    assert {row[5] for row in golden} >= {"sh:Warning", "sh:Info"}, "the golden pins no warning"
