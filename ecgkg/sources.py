"""Where the bundled files live, which files a run reads, and the named graph of each file."""

from __future__ import annotations

import os
from pathlib import Path

from ecgkg.errors import EcgkgError
from ecgkg.namespaces import GRAPH
from ecgkg.rdf.formats import RDF_SUFFIXES  # the one table of RDF syntaxes

CONTENT_FOLDERS = ("ontology", "data", "shapes", "queries")
HOME_VARIABLE = "ECGKG_HOME"
HOME_HINT = (f"set {HOME_VARIABLE} to a checkout of ecgkg or to a folder holding "
             f"{', '.join(f + '/' for f in CONTENT_FOLDERS)}")


def _checkout() -> Path | None:
    """The checkout this package runs from (an editable install), if it is one."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "ontology").is_dir():
        return root
    return None


def _bundled() -> Path:
    """The copy of ontology/, data/, shapes/ and queries/ shipped inside the wheel."""
    from importlib.resources import files

    return Path(str(files("ecgkg") / "bundled"))


def project_root() -> Path:
    """The folder holding ontology/, data/, shapes/ and queries/.

    ECGKG_HOME wins, then the checkout the package runs from, then the copy in the wheel.
    """
    configured = os.environ.get(HOME_VARIABLE)
    if configured:
        return Path(configured).expanduser().resolve()
    return _checkout() or _bundled()


def content_dir(name: str) -> Path:
    """One of the content folders; a clear error naming ECGKG_HOME when it is missing."""
    folder = project_root() / name
    if not folder.is_dir():
        where = f" ({HOME_VARIABLE}={os.environ[HOME_VARIABLE]})" if os.environ.get(
            HOME_VARIABLE) else ""
        raise EcgkgError(f"{folder}: no such folder{where}; {HOME_HINT}")
    return folder


def ontology_dir() -> Path:
    return content_dir("ontology")


def data_dir() -> Path:
    return content_dir("data")


def shapes_dir() -> Path:
    return content_dir("shapes")


def queries_dir() -> Path:
    return content_dir("queries")


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
