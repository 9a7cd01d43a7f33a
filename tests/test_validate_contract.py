"""`ecgkg validate`'s contract beyond the report formats: shapes that cannot be used are refused
with exit 2 and one line naming the file and the shape, custom severities, SHACL's pre-binding
in SPARQL constraints, and the verdict the API and the CLI share."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecgkg.cli import main
from ecgkg.errors import EXIT_ERROR, EcgkgError
from ecgkg.shacl import validate
from ecgkg.shacl.reports import REPORT_FORMATS, render
from ecgkg.shacl.sparql_query import analyse
from ecgkg.sources import display_path

PREFIXES = """\
@prefix ex: <https://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
SHAPE = "<https://example.org/S>"
DATA = PREFIXES + """
ex:a a ex:Thing ; ex:name "A" .
ex:b a ex:Thing .
"""


def run(*args: str):
    return CliRunner().invoke(main, ["validate", *args])


def files(tmp_path: Path, shapes: str, data: str = DATA) -> tuple[Path, Path]:
    (tmp_path / "shapes.ttl").write_text(PREFIXES + shapes, encoding="utf-8")
    (tmp_path / "data.ttl").write_text(data, encoding="utf-8")
    return tmp_path / "shapes.ttl", tmp_path / "data.ttl"


def refused(shapes: Path, data: Path) -> str:
    """The one line of a run that must fail (exit 2), from the CLI; the API raises the same."""
    result = run("--shapes", str(shapes), str(data))
    assert result.exit_code == EXIT_ERROR, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("ecgkg: error: ")
    with pytest.raises(EcgkgError) as raised:
        validate([data], shapes=shapes)
    assert raised.value.exit_code == EXIT_ERROR
    assert result.stderr.strip() == f"ecgkg: error: {raised.value}"
    return str(raised.value)


# ------------------------------------------------------------------------------ no shapes


@pytest.mark.parametrize("text", ["", "ex:a ex:name \"not a shape\" .\n"], ids=["empty", "data"])
def test_shapes_file_without_shapes_is_an_error(tmp_path: Path, text: str):
    shapes, data = files(tmp_path, text)
    message = refused(shapes, data)
    assert message == f"{display_path(shapes)}: no node or property shapes found"


def test_shapes_folder_without_shapes_is_an_error(tmp_path: Path):
    shapes, data = files(tmp_path, "")
    folder = tmp_path / "shapes"
    folder.mkdir()
    shapes.rename(folder / "none.ttl")
    assert refused(folder, data) == f"{display_path(folder)}: no node or property shapes found"


# ------------------------------------------------------------------------------ bad shapes


def test_owl_imports_of_a_missing_file(tmp_path: Path):
    shapes, data = files(tmp_path, "<> owl:imports <missing.ttl> .\n"
                                   "ex:S a sh:NodeShape ; sh:targetClass ex:Thing .\n")
    message = refused(shapes, data)
    assert message.startswith(f"{display_path(shapes)}: owl:imports <")
    assert message.endswith("missing.ttl>: no such file")


def test_owl_imports_of_a_local_file_is_read(tmp_path: Path):
    (tmp_path / "more.ttl").write_text(
        PREFIXES + "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;\n"
        "    sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n", encoding="utf-8")
    shapes, data = files(tmp_path, "<> owl:imports <more.ttl> .\n")
    report = validate([data], shapes=shapes)
    assert [(str(r.focus_node), r.component.split("#")[1]) for r in report.results] == [
        ("https://example.org/b", "MinCountConstraintComponent")]
    assert report.shapes_files == [display_path(shapes), display_path(tmp_path / "more.ttl")]


def test_sparql_syntax_error_names_file_and_shape(tmp_path: Path):
    shapes, data = files(tmp_path, 'ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;\n'
                                   '    sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p }" ] .\n')
    message = refused(shapes, data)
    assert message.startswith(f"shape {SHAPE} in {display_path(shapes)}: SPARQL syntax error in sh:select")


def test_shacl_shacl_violation_names_file_and_shape(tmp_path: Path):
    shapes, data = files(tmp_path, 'ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:maxCount "one" .\n')
    message = refused(shapes, data)
    assert "SHACL-SHACL" in message and f"<https://example.org/S> in {display_path(shapes)}" in message


@pytest.mark.parametrize(("select", "reason"), [
    ('SELECT $this WHERE { $this ?p ?o . MINUS { $this ex:name "A" } }', "uses MINUS"),
    ("SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }", "uses VALUES"),
    ("SELECT $this WHERE { BIND (ex:a AS $this) }", "assigns the pre-bound $this with AS"),
    ("SELECT $this WHERE { $this ?p ?o { SELECT ?s WHERE { ?s ?p ?o } } }",
     "a sub-select does not return the pre-bound $this"),
])
def test_queries_shacl_forbids_with_pre_binding_are_refused(tmp_path: Path, select, reason):
    shapes, data = files(tmp_path, f'ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;\n'
                                   f'    sh:sparql [ sh:select """{select}""" ] .\n')
    assert refused(shapes, data) == (f"shape {SHAPE} in {display_path(shapes)}: sh:select not "
                                     f"allowed with pre-bound variables: {reason}")


def test_shapes_graph_is_refused_as_not_supported(tmp_path: Path):
    shapes, data = files(tmp_path, 'ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;\n'
                                   '    sh:sparql [ sh:select "SELECT $this WHERE { GRAPH $shapesGraph { $this ?p ?o } }" ] .\n')
    assert refused(shapes, data).endswith("$shapesGraph in sh:select is not supported")


def test_sparql_targets_are_refused_not_ignored(tmp_path: Path):
    shapes, data = files(tmp_path, 'ex:S a sh:NodeShape ;\n'
                                   '    sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this a ex:Thing }" ] ;\n'
                                   '    sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n')
    assert refused(shapes, data) == (f"shape {SHAPE} in {display_path(shapes)}: sh:target (SHACL-AF "
                                     "SPARQL-based and custom targets) is not supported")


# ------------------------------------------------------------------------------ pre-binding


@pytest.mark.parametrize(("where", "unsafe"), [
    ("{ $this ex:name ?v }", False),
    ("{ $this ex:name ?v FILTER (STRLEN(?v) > 0 && isIRI($this)) BIND (STR($this) AS ?s) }", False),
    ("{ { $this ex:name ?v FILTER (isIRI($this)) } UNION { $this ex:label ?v } }", False),
    ("{ FILTER NOT EXISTS { $this ex:name ?v } }", False),
    ("{ OPTIONAL { ?x ex:name ?v FILTER (?x = $this) } }", False),
    ("{ { FILTER (false) } UNION { FILTER ($this = ex:a) } }", True),
    ("{ { { FILTER ($this = ex:a) } FILTER bound($this) } }", True),
    ("{ OPTIONAL { BIND (STR($this) AS ?s) } }", True),
    ("{ { BIND (STR($this) AS ?s) $this ex:name ?v } }", True),
    ("{ { SELECT $this WHERE { $this ex:name ?v } } }", True),
    ('{ $this ex:name "{ FILTER ($this) }" } # { UNION { FILTER ($this) } }', False),
])
def test_pre_binding_analysis_reads_the_query(where: str, unsafe: bool):
    analysis = analyse(f"PREFIX ex: <https://example.org/>\nSELECT $this WHERE {where}")
    assert bool(analysis.unsafe) is unsafe, analysis.unsafe
    assert not analysis.failures


def test_this_in_a_union_branch_is_pre_bound(tmp_path: Path):
    """pre-binding-002 of the W3C suite, on data of our own: $this only in a FILTER of a UNION
    branch is the focus node there too, so ex:a is reported, and only it."""
    shapes, data = files(tmp_path, 'ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;\n'
                                   '    sh:sparql [ sh:select """SELECT $this WHERE {\n'
                                   '        { FILTER (false) } UNION { FILTER ($this = <https://example.org/a>) } }""" ] .\n')
    report = validate([data], shapes=shapes)
    assert [str(r.focus_node) for r in report.results] == ["https://example.org/a"]
    assert run("--shapes", str(shapes), str(data)).exit_code == 1


# ------------------------------------------------------------------------------ severities

CUSTOM = "https://example.org/Blocker"


@pytest.fixture
def custom_severity(tmp_path: Path) -> tuple[Path, Path]:
    return files(tmp_path, f'ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;\n'
                           f'    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:severity <{CUSTOM}> ;\n'
                           f'        sh:message "needs a name" ] .\n')


def test_custom_severity_keeps_its_iri_and_ranks_as_a_violation(custom_severity):
    shapes, data = custom_severity
    report = validate([data], shapes=shapes)
    assert [(r.severity, str(r.severity_iri), r.severity_rank) for r in report.results] == [
        (CUSTOM, CUSTOM, 0)]
    assert report.counts() == {"Violation": 0, "Warning": 0, "Info": 0, CUSTOM: 1}
    assert report.failed("violation") and not report.conforms and not report.shacl_conforms
    for fail_on in ("violation", "warning", "info"):
        assert run("--fail-on", fail_on, "--shapes", str(shapes), str(data)).exit_code == 1


@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_custom_severity_in_every_format(custom_severity, fmt: str):
    shapes, data = custom_severity
    result = run("--format", fmt, "--shapes", str(shapes), str(data))
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert out == render(validate([data], shapes=shapes), fmt)
    if fmt == "json":
        document = json.loads(out)
        assert [r["severity"] for r in document["results"]] == [CUSTOM]
        assert document["summary"]["custom_severities"] == {CUSTOM: 1}
        assert document["failed"] is True
    elif fmt == "turtle":
        import rdflib

        graph = rdflib.Graph().parse(data=out, format="turtle")
        sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        assert set(graph.objects(None, sh.resultSeverity)) == {rdflib.URIRef(CUSTOM)}
    elif fmt == "sarif":
        result_record = json.loads(out)["runs"][0]["results"][0]
        assert result_record["level"] == "error"
        assert result_record["properties"]["severity"] == f"<{CUSTOM}>"
    elif fmt == "junit":
        assert f'type="&lt;{CUSTOM}&gt;"' in out and 'failures="1"' in out
    elif fmt == "github":
        assert out.startswith("::error ") and f"1 <{CUSTOM}>" in out
    else:
        assert f": <{CUSTOM}>: needs a name" in out and f"1 <{CUSTOM}>: does not conform" in out


# ------------------------------------------------------------------------------ the verdict


def test_report_conforms_is_the_cli_verdict():
    report = validate()
    result = run("--format", "json")
    document = json.loads(result.stdout)
    assert result.exit_code == 0
    assert report.conforms is document["conforms"] is True
    # the bundled data has a warning and an info: SHACL's own sh:conforms is false
    assert report.shacl_conforms is document["shacl_conforms"] is False


def test_only_the_reference_module_imports_pyshacl():
    import ast

    import ecgkg

    package = Path(ecgkg.__file__).parent
    importers = set()
    modules = sorted(package.rglob("*.py"))
    assert len(modules) > 20
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name.split(".")[0] == "pyshacl" for name in names):
                importers.add(path.relative_to(package).as_posix())
    assert importers == {"shacl/reference.py"}


def test_unsafe_pre_binding_left_to_pyshacl_is_refused(tmp_path: Path):
    """pySHACL gets $this in a UNION branch wrong once a shape has several focus nodes: a
    SPARQL constraint it would run (here on a property shape) is refused, never answered
    wrongly."""
    shapes, data = files(tmp_path, 'ex:S a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:name ;\n'
                                   '    sh:sparql [ sh:select """SELECT $this WHERE {\n'
                                   '        { FILTER (false) } UNION { FILTER ($this = <https://example.org/a>) } }""" ] .\n')
    message = refused(shapes, data)
    assert message.startswith(f"shape {SHAPE} in {display_path(shapes)}: sh:select is not supported")
