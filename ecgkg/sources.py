"""Where the bundled files live, which files a run reads, and the named graph of each file."""

from __future__ import annotations

import os
from pathlib import Path

from ecgkg.errors import EcgkgError
from ecgkg.namespaces import GRAPH
from ecgkg.rdf.formats import RDF_SUFFIXES  # the one table of RDF syntaxes


def project_root() -> Path:
    """The checkout holding ontology/, data/, shapes/ and queries/ (ECGKG_HOME overrides it)."""
    configured = os.environ.get("ECGKG_HOME")
    return Path(configured).resolve() if configured else Path(__file__).resolve().parent.parent


def ontology_dir() -> Path:
    return project_root() / "ontology"


def data_dir() -> Path:
    return project_root() / "data"


def shapes_dir() -> Path:
    return project_root() / "shapes"


def queries_dir() -> Path:
    return project_root() / "queries"


def rdf_files(paths: list[Path]) -> list[Path]:
    """The RDF files named, or found under the folders named, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise EcgkgError(f"{path}: no such file or folder")
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in RDF_SUFFIXES)
            )
        elif path.suffix in RDF_SUFFIXES:
            found.append(path)
        else:
            raise EcgkgError(
                f"{path}: not an RDF file (expected one of {', '.join(sorted(RDF_SUFFIXES))})"
            )
    return found


def bundled_files() -> list[Path]:
    """The ontology and every data file: what `ecgkg build` loads by default."""
    return rdf_files([ontology_dir(), data_dir()])


def display_path(path: Path) -> str:
    """A path as a user should read it: relative to the project or to the working folder."""
    resolved = path.resolve()
    for base in (project_root(), Path.cwd()):
        try:
            return resolved.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)


def graph_iri(path: Path) -> str:
    """The named graph holding a file's triples: stable across machines for bundled files."""
    resolved = path.resolve()
    try:
        relative = resolved.relative_to(project_root()).as_posix()
    except ValueError:
        return resolved.as_uri()
    return GRAPH + relative
