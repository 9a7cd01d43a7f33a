"""Review status: which resources a tool proposed and no curator has checked yet.

A resource with `ecg:reviewStatus "unreviewed"` was drafted by a tool (ecgkg draft); a curator
changes that one line to "reviewed" once it is checked (optionally adding ecg:reviewedBy and
ecg:reviewedOn). A resource without a review status was curated by hand and counts as reviewed,
so data written before review status existed stays valid. `ecgkg validate` reports unreviewed
resources as info (shape ecgsh:Reviewed-unreviewed); a release must have none.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef

from ecgkg.canonical import parse_turtle
from ecgkg.errors import EXIT_FINDING, EcgkgError
from ecgkg.namespaces import ECG, SHAPES
from ecgkg.sources import data_dir, display_path, rdf_files
from ecgkg.validate import FAIL_ON_CHOICES, Report, Result

REVIEW_STATUS = URIRef(ECG + "reviewStatus")
UNREVIEWED = Literal("unreviewed")
UNREVIEWED_SHAPE = URIRef(SHAPES + "Reviewed-unreviewed")


def unreviewed_results(report: Report) -> list[Result]:
    """The results of a validation report that are unreviewed resources."""
    return [r for r in report.results if r.shape == UNREVIEWED_SHAPE]


def release_failures(report: Report, fail_on: str = "violation") -> list[Result]:
    """What stops a release: the results at or above FAIL_ON, and every unreviewed resource
    (whatever FAIL_ON says). Empty when the data may be published."""
    threshold = FAIL_ON_CHOICES.index(fail_on.lower())
    failing = [r for r in report.results if r.severity_rank <= threshold]
    return failing + [r for r in unreviewed_results(report) if r not in failing]


def unreviewed(paths: list[Path] | None = None) -> list[tuple[str, str]]:
    """(file, resource IRI) of every unreviewed resource in Turtle files or folders (default:
    data/), sorted."""
    found = []
    for path in rdf_files(list(paths) if paths else [data_dir()]):
        if path.suffix != ".ttl":
            continue
        graph = parse_turtle(path)
        found += [(display_path(path), str(s)) for s in graph.subjects(REVIEW_STATUS, UNREVIEWED)]
    return sorted(found)


def check_release(paths: list[Path] | None = None) -> None:
    """Raise (exit 1) when any resource is unreviewed: for the CI of a published release."""
    found = unreviewed(paths)
    if found:
        first_file, first = found[0]
        raise EcgkgError(f"{len(found)} unreviewed resources (first: {first} in {first_file}): "
                         "review them and set ecg:reviewStatus \"reviewed\"",
                         exit_code=EXIT_FINDING)
