"""ecgkg: the knowledge graph of the EURES Coordination Group.

`kg = ecgkg.open()` loads the bundled ontology and data; see docs/python-api.md. Heavy modules
are imported on first use, so `import ecgkg` (and the `ecgkg` command) start fast.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["EcgkgError", "KnowledgeGraph", "Result", "__version__", "open"]

from ecgkg.errors import EcgkgError


def __getattr__(name: str):
    if name in ("open", "KnowledgeGraph"):
        from ecgkg import api

        return getattr(api, name)
    if name == "Result":
        from ecgkg.results import Result

        return Result
    raise AttributeError(f"module 'ecgkg' has no attribute {name!r}")
