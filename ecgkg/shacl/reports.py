"""Validation report formats: text for people; JSON, Turtle, JUnit XML, SARIF and GitHub
annotations for machines. Every format is stable: the same report gives the same bytes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import PurePosixPath

import click
import rdflib
from rdflib import RDF, BNode, Literal, URIRef

from ecgkg import __version__
from ecgkg.errors import one_line
from ecgkg.namespaces import PREFIXES
from ecgkg.shacl.engine import local_name
from ecgkg.shacl.model import (
    SEVERITIES,
    SH,
    Report,
    Result,
    compact,
    compact_path,
    severity_rank,
)

REPORT_FORMATS = ("text", "json", "turtle", "junit", "sarif", "github")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"Violation": "error", "Warning": "warning", "Info": "note"}
GITHUB_COMMANDS = {"Violation": "error", "Warning": "warning", "Info": "notice"}
TEXT_COLOURS = {"Violation": "red", "Warning": "yellow", "Info": "cyan"}
TOOL_URI = "https://w3id.org/ecgkg/"


def render(report: Report, fmt: str, fail_on: str = "violation", color: bool = False) -> str:
    """The report in one of REPORT_FORMATS."""
    renderers = {
        "text": lambda: text_report(report, fail_on, color),
        "json": lambda: json_report(report, fail_on),
        "turtle": lambda: turtle_report(report),
        "junit": lambda: junit_report(report, fail_on),
        "sarif": lambda: sarif_report(report),
        "github": lambda: github_report(report, fail_on),
    }
    if fmt not in renderers:
        raise ValueError(f"unknown report format {fmt!r}")
    return renderers[fmt]()


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report, fail_on: str) -> str:
    counts = report.counts()
    verdict = "does not conform" if report.failed(fail_on) else "conforms"
    custom = "".join(f", {plural(n, severity_label(s))}" for s, n in counts.items()
                     if s not in SEVERITIES)
    return (
        f"{plural(len(report.data_files), 'file')}, {report.triple_count} triples: "
        f"{plural(counts['Violation'], 'violation')}, {plural(counts['Warning'], 'warning')}, "
        f"{plural(counts['Info'], 'info')}{custom}: {verdict} (--fail-on {fail_on})"
    )


def severity_label(severity: str) -> str:
    """violation, warning, info; a custom severity by its IRI (compacted), ranked a violation."""
    return severity.lower() if severity in SEVERITIES else compact(URIRef(severity))


def ordered(severities) -> list[str]:
    return sorted(severities, key=lambda s: (severity_rank(s), s not in SEVERITIES, s))


def location(result: Result) -> str:
    if result.file is None:
        return "(no file)"
    return f"{result.file}:{result.line}" if result.line else result.file


def value_text(result: Result) -> str:
    return compact(result.value) if result.value is not None else ""


# ------------------------------------------------------------------------------------ text


def text_report(report: Report, fail_on: str = "violation", color: bool = False) -> str:
    """For people: results grouped by file, each with its line, severity and message."""

    def style(text: str, **kwargs) -> str:
        return click.style(text, **kwargs) if color else text

    by_file: dict[str | None, list[Result]] = defaultdict(list)
    for result in report.results:
        by_file[result.file].append(result)
    out: list[str] = []
    for file in sorted(by_file, key=lambda f: (f is None, f or "")):
        results = by_file[file]
        counts = Counter(r.severity for r in results)
        detail = ", ".join(plural(counts[s], severity_label(s)) for s in ordered(counts) if counts[s])
        out.append(style(file or "(not defined in any file)", bold=True) + f"  ({detail})")
        for result in results:
            severity = style(severity_label(result.severity),
                             fg=TEXT_COLOURS.get(result.severity, "red"), bold=True)
            out.append(f"  {location(result)}: {severity}: {one_line(result.message)}")
            facts = [f"focus <{result.focus_node}>" if isinstance(result.focus_node, URIRef)
                     else f"focus {compact(result.focus_node)}"]
            if result.path:
                facts.append(f"path {compact_path(result.path)}")
            if result.value is not None and result.value != result.focus_node:
                facts.append(f"value {value_text(result)}")
            out.append(style("      " + one_line(", ".join(facts)), dim=True))
            out.append(style(f"      shape {compact(result.shape)} ({compact(result.component)})",
                             dim=True))
        out.append("")
    verdict = summary_line(report, fail_on)
    failed = report.failed(fail_on)
    out.append(style(verdict, fg="red" if failed else "green", bold=True))
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------ JSON


def result_record(result: Result) -> dict:
    return {
        "severity": result.severity,
        "focus_node": term_json(result.focus_node),
        "path": result.path,
        "value": result.value.n3() if result.value is not None else None,
        "message": result.message,
        "shape": term_json(result.shape),
        "constraint_component": str(result.component),
        "file": result.file,
        "line": result.line,
    }


def term_json(term) -> str:
    return str(term) if isinstance(term, URIRef) else term.n3()


def json_report(report: Report, fail_on: str = "violation") -> str:
    """For tools: one object, keys sorted, results in a fixed order (same input, same bytes)."""
    counts = report.counts()
    document = {
        "conforms": report.conforms,
        "shacl_conforms": report.shacl_conforms,
        "failed": report.failed(fail_on),
        "fail_on": fail_on,
        "summary": {
            "violations": counts["Violation"], "warnings": counts["Warning"],
            "infos": counts["Info"], "files": len(report.data_files),
            "custom_severities": {s: n for s, n in counts.items() if s not in SEVERITIES},
            "triples": report.triple_count,
        },
        "data_files": report.data_files,
        "shapes_files": report.shapes_files,
        "results": [result_record(r) for r in report.results],
    }
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------------------------ Turtle


def report_graph(report: Report) -> rdflib.Graph:
    """The SHACL validation report graph (sh:ValidationReport with one sh:result each)."""
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    root = BNode("report")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.shacl_conforms)))
    for number, result in enumerate(report.results):
        node = BNode(f"r{number}")
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, result.focus_node))
        graph.add((node, SH.resultSeverity, result.severity_iri))
        graph.add((node, SH.sourceShape, result.shape))
        graph.add((node, SH.sourceConstraintComponent, result.component))
        graph.add((node, SH.resultMessage, Literal(result.message)))
        if result.value is not None:
            graph.add((node, SH.value, result.value))
        if result.path_node is not None:
            graph.add((node, SH.resultPath, result.path_node))
            for triple in result.path_triples:
                graph.add(triple)
    return graph


def turtle_report(report: Report) -> str:
    return report_graph(report).serialize(format="turtle")


# ------------------------------------------------------------------------------------ JUnit


def result_lines(results: list[Result]) -> str:
    lines = []
    for result in results:
        lines.append(f"{location(result)}: {severity_label(result.severity)}: {result.message}")
        lines.append(f"    focus {term_json(result.focus_node)}"
                     + (f", path {compact_path(result.path)}" if result.path else "")
                     + (f", value {value_text(result)}" if result.value is not None else "")
                     + f", component {compact(result.component)}")
    return "\n".join(lines) + "\n"


def junit_report(report: Report, fail_on: str = "violation") -> str:
    """JUnit XML: a test suite per shapes file, a test case per shape; a shape's results at or
    above --fail-on are its failure, the others go to its system-out."""
    threshold = ("violation", "warning", "info").index(fail_on)
    by_shape: dict[str, list[Result]] = defaultdict(list)
    for result in report.results:
        by_shape[term_json(result.shape)].append(result)
    shapes = [(term_json(info.iri), info.file or "(other shapes)") for info in report.shapes]
    known = {iri for iri, _ in shapes}
    shapes += [(iri, "(other shapes)") for iri in sorted(by_shape) if iri not in known]
    suites: dict[str, list[str]] = defaultdict(list)
    for iri, file in shapes:
        suites[file].append(iri)

    root = ET.Element("testsuites", name="ecgkg validate")
    total_tests = total_failures = 0
    for file in sorted(suites):
        suite = ET.SubElement(root, "testsuite", name=file)
        failures = 0
        for iri in suites[file]:
            case = ET.SubElement(suite, "testcase", name=compact(URIRef(iri)) if not iri.startswith("_:") else iri,
                                 classname=PurePosixPath(file).stem if file.endswith(".ttl") else "shapes")
            results = by_shape.get(iri, [])
            failing = [r for r in results if r.severity_rank <= threshold]
            passing = [r for r in results if r.severity_rank > threshold]
            if failing:
                failures += 1
                worst = min(r.severity_rank for r in failing)
                worst_result = next(r for r in failing if r.severity_rank == worst)
                failure = ET.SubElement(case, "failure", type=compact(worst_result.severity_iri),
                                        message=f"{plural(len(failing), 'result')}: {failing[0].message}")
                failure.text = result_lines(failing)
            if passing:
                ET.SubElement(case, "system-out").text = result_lines(passing)
        suite.set("tests", str(len(suites[file])))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_tests += len(suites[file])
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    xml = ET.tostring(root, encoding="unicode")
    # ElementTree writes control characters from the data as they are, which XML 1.0 forbids.
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml.translate(XML_FORBIDDEN) + "\n"


XML_FORBIDDEN = {i: f"\\x{i:02x}" for i in range(0x20) if chr(i) not in "\t\n\r"} | {
    0xFFFE: "\\ufffe", 0xFFFF: "\\uffff"}


# ------------------------------------------------------------------------------------ SARIF


def artifact_uri(file: str) -> str:
    path = PurePosixPath(file)
    return path.as_uri() if path.is_absolute() else path.as_posix()


def sarif_report(report: Report) -> str:
    """SARIF 2.1.0: a rule per shape, a result per validation result, located by file and line."""
    rules: list[dict] = []
    index: dict[str, int] = {}

    def add_rule(iri: str, label: str, description: str, severity: str, file: str | None) -> None:
        index[iri] = len(rules)
        rule = {
            "id": rule_id(iri),
            "name": label,
            "shortDescription": {"text": label},
            "fullDescription": {"text": description or label},
            "defaultConfiguration": {"level": SARIF_LEVELS.get(severity, "error")},
            "properties": {"shape": iri},
        }
        if not iri.startswith("_:"):
            rule["helpUri"] = iri
        if file:
            rule["properties"]["shapesFile"] = file
        rules.append(rule)

    for info in report.shapes:
        add_rule(term_json(info.iri), info.label, info.description, info.severity, info.file)
    results = []
    for result in report.results:
        shape = term_json(result.shape)
        if shape not in index:
            add_rule(shape, rule_id(shape), "", result.severity, None)
        record: dict = {
            "ruleId": rule_id(shape),
            "ruleIndex": index[shape],
            "level": SARIF_LEVELS.get(result.severity, "error"),
            "message": {"text": sarif_message(result)},
            "properties": {
                "severity": compact(result.severity_iri),
                "focusNode": term_json(result.focus_node),
                "resultPath": result.path,
                "value": result.value.n3() if result.value is not None else None,
                "sourceShape": shape,
                "sourceConstraintComponent": str(result.component),
            },
        }
        if result.file:
            physical: dict = {"artifactLocation": {"uri": artifact_uri(result.file)}}
            if result.line:
                physical["region"] = {"startLine": result.line}
            record["locations"] = [{
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": term_json(result.focus_node),
                                      "kind": "resource"}],
            }]
        results.append(record)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ecgkg",
                "version": __version__,
                "informationUri": TOOL_URI,
                "rules": rules,
            }},
            "results": results,
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def rule_id(iri: str) -> str:
    return compact(URIRef(iri)) if not iri.startswith("_:") else iri


def sarif_message(result: Result) -> str:
    focus = term_json(result.focus_node)
    return result.message if focus in result.message else f"{result.message} (focus node {focus})"


# ------------------------------------------------------------------------------------ GitHub


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_report(report: Report, fail_on: str = "violation") -> str:
    """GitHub Actions workflow commands: one annotation per result, on its file and line."""
    lines = []
    for result in report.results:
        properties = []
        if result.file:
            properties.append(f"file={escape_property(result.file)}")
            if result.line:
                properties.append(f"line={result.line}")
        title = f"{compact(result.shape)} ({local_name(result.component)})"
        properties.append(f"title={escape_property(title)}")
        lines.append(f"::{GITHUB_COMMANDS.get(result.severity, 'error')} {','.join(properties)}::"
                     f"{escape_data(sarif_message(result))}")
    lines.append(summary_line(report, fail_on))
    return "\n".join(lines) + "\n"
