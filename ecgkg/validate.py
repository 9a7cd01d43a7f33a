"""`ecgkg validate`'s entry point, kept here for callers of ecgkg.validate: see ecgkg.shacl."""

from ecgkg.rdf.reader import read_quads as parse_file
from ecgkg.shacl.engine import Converter, Plan, local_name, plan
from ecgkg.shacl.lines import Locator
from ecgkg.shacl.messages import choose_message
from ecgkg.shacl.model import (
    FAIL_ON_CHOICES,
    SEVERITIES,
    SH,
    Report,
    Result,
    ShapeInfo,
    compact,
    compact_path,
    path_text,
)
from ecgkg.shacl.reference import check_shapes as _check_shapes
from ecgkg.shacl.validator import (
    CONSTRAINT_PARAMETERS,
    Data,
    Shapes,
    load_data,
    load_shapes,
    validate,
)


def check_shapes(shapes: Shapes) -> None:
    """Raise EcgkgError naming the first shapes that do not conform to SHACL-SHACL."""
    _check_shapes(shapes.graph, shapes.file_of)


__all__ = [
    "CONSTRAINT_PARAMETERS", "FAIL_ON_CHOICES", "SEVERITIES", "SH", "Converter", "Data",
    "Locator", "Plan", "Report", "Result", "ShapeInfo", "Shapes", "check_shapes",
    "choose_message", "compact", "compact_path", "load_data", "load_shapes", "local_name",
    "parse_file", "path_text", "plan", "validate",
]
