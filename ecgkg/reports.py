"""The validation report formats, kept here for callers of ecgkg.reports: see ecgkg.shacl.reports."""

from ecgkg.shacl.reports import REPORT_FORMATS, render

__all__ = ["REPORT_FORMATS", "render"]
