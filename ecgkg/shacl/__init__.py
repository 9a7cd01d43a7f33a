"""The validator: `validate()` is its one door (the CLI's validate and load verbs and the API).

Inside: engine (the index, the compiled core constraints), sparql (SPARQL-based constraints in
pyoxigraph), reference (pySHACL, the only module that calls it), messages (the result texts),
lines (file and line of each focus node), reports (text, json, turtle, junit, sarif, github),
validator (the run itself), model (Result and Report).
"""

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
from ecgkg.shacl.validator import ENGINES, validate

__all__ = [
    "ENGINES",
    "FAIL_ON_CHOICES",
    "SEVERITIES",
    "SH",
    "Report",
    "Result",
    "ShapeInfo",
    "compact",
    "compact_path",
    "path_text",
    "validate",
]
