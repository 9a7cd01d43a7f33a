"""A persisted store: the built dataset on disk, with a manifest that tells when it is stale.

`ecgkg build --store DIR` writes an Oxigraph database (each file's named graph and their merge
in the default graph, as `ecgkg build` makes in memory) and `ecgkg-store.json`, which records
the ecgkg version and store format and each source file's path, size and modification time.
Opening the store re-lists the sources and compares: a file changed, added or removed makes the
store stale, and it is rebuilt before anything is answered (never used silently). A store made
by another ecgkg version or store format is refused with a one-line error. A build goes to a
temporary folder beside DIR that is renamed into place at the end, so an interrupted build
leaves the old store (or nothing), never half a store.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox

from ecgkg import __version__, store
from ecgkg.errors import EcgkgError
from ecgkg.record import Record
from ecgkg.sources import bundled_files, display_path, rdf_files

MANIFEST = "ecgkg-store.json"
DATABASE = "oxigraph"
# Bump when the layout of a store changes (the database's graphs, the manifest's fields).
STORE_FORMAT = 1


def _rebuild_hint(directory: Path) -> str:
    return f"rebuild it with `ecgkg build --store {directory}`"


class Manifest(Record):
    """What a store was built from, and by which ecgkg: `sources`, the files and folders given
    to build (None: the bundled ones); `files`, {"path", "size", "mtime_ns"} per file, in load
    order. (A Record, not a dataclass: see ecgkg.record.)"""

    FIELDS = ("ecgkg", "store_format", "engine", "sources", "files", "triples")

    def __init__(self, ecgkg: str, store_format: int, engine: str, sources: list[str] | None,
                 files: list[dict], triples: int) -> None:
        self.ecgkg = ecgkg
        self.store_format = store_format
        self.engine = engine
        self.sources = sources
        self.files = files
        self.triples = triples


    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if directory.exists() and not directory.is_dir():
            raise EcgkgError(f"{directory}: a file, not a store folder")
        if not directory.is_dir():
            raise EcgkgError(f"{directory}: no such store folder; build one with "
                             f"`ecgkg build --store {directory}`")
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise EcgkgError(f"{directory}: not an ecgkg store (no {MANIFEST}); build one "
                             f"with `ecgkg build --store {directory}`") from None
        except OSError as error:
            raise EcgkgError(f"{directory}: cannot read the store: "
                             f"{error.strerror or error}") from None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise EcgkgError(f"{path}: unreadable manifest; {_rebuild_hint(directory)}") from None
        try:
            manifest = cls(**{k: document[k] for k in cls.FIELDS})
        except (KeyError, TypeError):
            raise EcgkgError(f"{path}: not a manifest this ecgkg knows; "
                             f"{_rebuild_hint(directory)}") from None
        if manifest.ecgkg != __version__ or manifest.store_format != STORE_FORMAT:
            raise EcgkgError(f"{directory}: built by ecgkg {manifest.ecgkg} (store format "
                             f"{manifest.store_format}), this is ecgkg {__version__} (store "
                             f"format {STORE_FORMAT}); {_rebuild_hint(directory)}")
        return manifest

    def write(self, directory: Path) -> None:
        text = json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"
        (directory / MANIFEST).write_text(text, encoding="utf-8")


def file_stamp(path: Path) -> dict:
    """What tells a changed file: size and modification time in nanoseconds."""
    status = path.stat()
    return {"path": str(path.resolve()), "size": status.st_size, "mtime_ns": status.st_mtime_ns}


def source_files(sources: list[str] | None) -> list[Path]:
    return rdf_files([Path(s) for s in sources]) if sources else bundled_files()


def staleness(manifest: Manifest) -> str | None:
    """Why the store no longer matches its sources (the first difference), or None."""
    current = {str(p.resolve()): p for p in source_files(manifest.sources)}
    recorded = {entry["path"]: entry for entry in manifest.files}
    for path, entry in recorded.items():
        if path not in current:
            return f"{display_path(Path(path))} was removed"
        if file_stamp(current[path]) != entry:
            return f"{display_path(Path(path))} changed"
    for path in current:
        if path not in recorded:
            return f"{display_path(Path(path))} is new"
    return None


def build_store(directory: Path, paths: list[Path] | None = None) -> Manifest:
    """Build the store for `paths` (default: the bundled ontology and data) into `directory`,
    replacing a store already there, atomically."""
    import shutil  # here: only a build needs it, not every query

    directory = directory.expanduser()
    if directory.exists() and not directory.is_dir():
        raise EcgkgError(f"{directory}: a file, not a store folder")
    if directory.is_dir() and any(directory.iterdir()) and not (directory / MANIFEST).exists():
        raise EcgkgError(f"--store {directory}: not empty and not an ecgkg store; give an empty "
                         "or new folder")
    if not directory.parent.is_dir():
        raise EcgkgError(f"--store {directory}: {directory.parent} is not a folder")
    sources = [str(Path(p).resolve()) for p in paths] if paths else None
    files = source_files(sources)
    stamps = [file_stamp(p) for p in files]  # before loading: a change during the load shows
    scratch = directory.parent / f".{directory.name}.building-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        scratch.mkdir()
        database = ox.Store(str(scratch / DATABASE))
        store.load_files(files, database, bulk=True)
        manifest = Manifest(ecgkg=__version__, store_format=STORE_FORMAT,
                            engine=f"pyoxigraph {ox.__version__}", sources=sources,
                            files=stamps, triples=store.triple_count(database))
        database.flush()
        del database  # closes the database before it moves
        # Reopened once for writing, RocksDB drops its write-ahead log (as large as the data
        # loaded), which read-only opening would leave on disk for good.
        del_after_open = ox.Store(str(scratch / DATABASE))
        del del_after_open
        manifest.write(scratch)
        _replace(scratch, directory)
    except OSError as error:
        reason = error.strerror or " ".join(str(error).split())[:200]
        raise EcgkgError(f"--store {directory}: cannot write: {reason}") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return manifest


def _replace(new: Path, directory: Path) -> None:
    """Put the folder `new` at `directory`; an old store there goes only once the new one is in."""
    import shutil

    if not directory.exists():
        new.rename(directory)
        return
    old = directory.parent / f".{directory.name}.old-{os.getpid()}"
    directory.rename(old)
    try:
        new.rename(directory)
    except OSError:
        old.rename(directory)
        raise
    shutil.rmtree(old, ignore_errors=True)


class Opened:
    """A persisted store opened for queries; `rebuilt` says why it was rebuilt first, if it was."""

    def __init__(self, store: ox.Store, manifest: Manifest, rebuilt: str | None = None) -> None:
        self.store = store
        self.manifest = manifest
        self.rebuilt = rebuilt

    @property
    def files(self) -> list[Path]:
        return [Path(entry["path"]) for entry in self.manifest.files]


def open_store(directory: Path, rebuild: bool = True,
               paths: list[Path] | None = None) -> Opened:
    """Open a store for reading: built first from `paths` (default: the bundled ontology and
    data) where there is none yet (a new or empty folder), rebuilt first if a source changed
    (or, when `rebuild` is False, refused)."""
    directory = directory.expanduser()
    if not directory.exists() or (directory.is_dir() and not any(directory.iterdir())):
        manifest = build_store(directory, paths)
        return Opened(ox.Store.read_only(str(directory / DATABASE)), manifest,
                      "built: there was no store yet")
    manifest = Manifest.read(directory)
    reason = staleness(manifest)
    if reason is not None:
        if not rebuild:
            raise EcgkgError(f"{directory}: stale store ({reason}); {_rebuild_hint(directory)}")
        manifest = build_store(directory, [Path(s) for s in manifest.sources]
                               if manifest.sources else None)
    try:
        database = ox.Store.read_only(str(directory / DATABASE))
    except OSError as error:
        raise EcgkgError(f"{directory}: cannot open the store's database: "
                         f"{' '.join(str(error).split())[:200]}") from None
    return Opened(database, manifest, None if reason is None else f"rebuilt: {reason}")
