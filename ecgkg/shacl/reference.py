"""pySHACL, the reference engine: the only module that calls it.

It evaluates the shapes the fast engine leaves to it (see ecgkg.shacl.engine.plan), everything
with engine="pyshacl", and the SHACL-SHACL check of user shapes. The project's agreement tests
(tests/test_validate_engine.py) were run with PYSHACL_VERSION; pyproject.toml pins its minor
version. Results keep pySHACL's verdicts; their messages come from ecgkg.shacl.messages.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import rdflib
from rdflib.term import Node

from ecgkg.errors import EcgkgError
from ecgkg.shacl.model import SH, Result, compact, one_line, path_text, path_triples, severity_name

# The pySHACL release the agreement tests hold for (pyproject: pyshacl>=0.40,<0.41).
PYSHACL_VERSION = "0.40.1"


@contextmanager
def quiet_logs():
    """Silence what rdflib and pySHACL log during a run: an ill-typed literal such as
    "2023-11-31"^^xsd:date is a finding of sh:datatype, not a traceback on stderr."""
    loggers = [logging.getLogger(name) for name in ("rdflib.term", "pyshacl-validate", "pyshacl")]
    saved = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, disabled in zip(loggers, saved):
            logger.disabled = disabled


def check_shapes(graph: rdflib.Graph, shape_file) -> None:
    """Raise EcgkgError naming the first shapes that do not conform to SHACL-SHACL (SHAPE_FILE
    maps a shape to the file declaring it)."""
    from pyshacl.entrypoints import meta_validate

    conforms, report, _ = meta_validate(graph, inference="none")
    if conforms:
        return
    problems = []
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage)
        where = shape_file(focus)
        problems.append(f"{compact(focus)}{f' in {where}' if where else ''}: {message}")
    problems = sorted(problems)[:3]
    raise EcgkgError("shapes do not conform to SHACL-SHACL: " + "; ".join(sorted(problems)))


def run_pyshacl(data_graph: rdflib.Graph, shapes_graph: rdflib.Graph, message,
                where: str = "") -> list[Result]:
    """Stock pySHACL (no inference: the class hierarchy is in the data graph). MESSAGE(shape,
    component, focus, path text, value, constraint, pySHACL's messages) gives each result's
    message. WHERE names the shapes (a file or folder) in errors."""
    from pyshacl import validate as pyshacl_validate
    from pyshacl.errors import (
        ConstraintLoadError,
        ReportableRuntimeError,
        ShapeLoadError,
        ValidationFailure,
    )

    try:
        _, report, text = pyshacl_validate(
            data_graph, shacl_graph=shapes_graph, inference=None, inplace=True,
            advanced=False, allow_infos=False, allow_warnings=False,
        )
    except (ShapeLoadError, ConstraintLoadError, ReportableRuntimeError) as error:
        raise EcgkgError(f"{where}shapes cannot be used: {one_line(str(error))}") from None
    except NotImplementedError as error:
        raise EcgkgError(f"{where}shapes cannot be used: not supported: {one_line(str(error))}") from None
    except ValidationFailure as error:
        raise EcgkgError(f"{where}shapes cannot be used: {one_line(str(error))}") from None
    if isinstance(report, BaseException):
        raise EcgkgError(f"{where}shapes cannot be used: {one_line(str(report))}")
    if not isinstance(report, rdflib.Graph):
        raise EcgkgError(f"{where}shapes cannot be used: {one_line(str(text))}")
    results = []
    for node in report.objects(None, SH.result):
        path: Node | None = report.value(node, SH.resultPath)
        focus = report.value(node, SH.focusNode)
        value = report.value(node, SH.value)
        shape = report.value(node, SH.sourceShape)
        component = report.value(node, SH.sourceConstraintComponent)
        results.append(Result(
            severity=severity_name(report.value(node, SH.resultSeverity) or SH.Violation),
            focus_node=focus,
            path=path_text(report, path),
            value=value,
            message=message(shape, component, focus, path_text(report, path), value,
                            report.value(node, SH.sourceConstraint),
                            list(report.objects(node, SH.resultMessage))),
            shape=shape,
            component=component,
            path_node=path,
            path_triples=path_triples(report, path),
        ))
    return results
