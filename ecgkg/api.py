"""The Python API for notebooks and scripts: `ecgkg.open()` and what a KnowledgeGraph does.

The `ecgkg` verbs are thin wrappers over these calls; errors are `ecgkg.EcgkgError` with the
one-line message the command prints.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path

from ecgkg.build import Built
from ecgkg.errors import EcgkgError
from ecgkg.results import Result

TYPE_CHECKING = False  # typing's own flag, without importing typing on every query's path
if TYPE_CHECKING:
    from ecgkg.library import NamedQuery

# File suffix -> export format, for kg.export(path) without format=.
SUFFIX_FORMATS = {".ttl": "ttl", ".nt": "nt", ".nq": "nq", ".trig": "trig", ".jsonld": "jsonld",
                  ".json": "jsonld", ".rdf": "xml", ".xml": "xml", ".owl": "xml"}


class KnowledgeGraph:
    """The ontology and data, loaded: a named graph per file and their merge as the default
    graph that queries see (each fact once). In memory the files' graphs are loaded when first
    needed (ecgkg.build.Built.with_file_graphs)."""

    def __init__(self, built: Built, paths: list[Path] | None = None,
                 store: Path | None = None, rebuilt: str | None = None) -> None:
        self._built = built
        self._paths = paths
        self._triples: int | None = None
        #: The persisted store folder, when opened from one.
        self.store = store
        #: Why the persisted store was rebuilt on opening (a source file changed), or None.
        self.rebuilt = rebuilt

    @property
    def files(self) -> list[Path]:
        """The source files, in load order."""
        return list(self._built.files)

    def graphs(self) -> dict[str, int]:
        """Triples per named graph: what each file stated (loads the files' graphs if not yet)."""
        from ecgkg import store

        return store.graph_sizes(self._built.store)

    def class_counts(self) -> list[tuple[str, int]]:
        """(class IRI, instances), most frequent first."""
        return self._built.class_counts()

    def __len__(self) -> int:
        """Distinct triples: a triple stated in two files counts once."""
        if self._triples is None:
            self._triples = self._built.triple_count
        return self._triples

    def __repr__(self) -> str:
        where = f", store={str(self.store)!r}" if self.store else ""
        return f"<KnowledgeGraph {len(self.files)} files, {len(self)} triples{where}>"

    def query(self, query: str | NamedQuery, /, params: Mapping[str, object] | None = None,
              *, timeout: float | None = None, allow_service: bool = False,
              **values: object) -> Result:
        """Run a bundled query by name, a .rq file, or SPARQL text, with parameters as keywords
        (or `params={...}` for names that are Python keywords, such as `from`).

        Values may be strings as typed on the command line (`ecgid:org/ECO`, `2023-11-22`) or
        Python values (int, datetime.date). The project's prefixes need no PREFIX lines.
        `timeout` bounds the query (seconds; default ecgkg.limits.DEFAULT_QUERY_TIMEOUT) and
        SERVICE calls to other hosts are refused unless `allow_service`.
        """
        from ecgkg.library import NamedQuery, parse_query, resolve
        from ecgkg.query import run

        bound = {**(params or {}), **values}
        if isinstance(query, NamedQuery):
            named = query
        elif "{" in query or "\n" in query or (any(c.isspace() for c in query.strip())
                                                and not Path(query).is_file()):
            named = parse_query(query, "<query>")
        else:
            named = resolve(query)  # a bundled query's name or a file
        return Result(run(named, {k: _text(v) for k, v in bound.items()}, built=self._built,
                          timeout=timeout, allow_service=allow_service))

    def validate(self, **options: object):
        """Validate the data against the SHACL shapes: the report `ecgkg validate` prints
        (`.conforms`, `.results`, `.failed("warning")`); options as ecgkg.validate.validate."""
        return run_validation(self._paths, **options)

    def export(self, path: str | Path, format: str | None = None) -> Path:
        """Write the graph to a file (format from its suffix unless given: ttl, nt, nq, trig,
        jsonld, xml); N-Quads and TriG keep a graph per file, the others write the merge."""
        from ecgkg.export import export

        target = Path(path)
        fmt = format or SUFFIX_FORMATS.get(target.suffix.lower())
        if fmt is None:
            raise EcgkgError(f"{target}: cannot tell the format from the suffix; give format= "
                             f"(one of {', '.join(dict.fromkeys(SUFFIX_FORMATS.values()))})")
        export(self._built, fmt, target)
        return target

    def to_rdflib(self, graphs: bool = False):
        """The merge as an rdflib Graph, or with `graphs=True` an rdflib Dataset holding a named
        graph per file (and the merge as its default graph)."""
        import rdflib

        from ecgkg.export import export_bytes

        if graphs:
            dataset = rdflib.Dataset()
            dataset.parse(data=export_bytes(self._built, "nq"), format="nquads")
            default = (dataset.default_graph if hasattr(type(dataset), "default_graph")
                       else dataset.default_context)
            default.parse(data=export_bytes(self._built, "nt"), format="nt")
            return dataset
        graph = rdflib.Graph()
        graph.parse(data=export_bytes(self._built, "nt"), format="nt")
        return graph


def _text(value: object) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        raise EcgkgError(f"{value!r}: no query parameter takes a boolean")
    return str(value)


def run_validation(paths: list[Path] | None, **options: object):
    """The one place that calls the validator."""
    from ecgkg.validate import validate

    return validate(paths, **options)


def open(paths: str | Path | list[str | Path] | None = None, *,
         store: str | Path | None = None, rebuild: bool = True) -> KnowledgeGraph:
    """Load the bundled ontology and data, or the given files and folders.

    With `store=DIR`, use the persisted store there (made by `ecgkg build --store DIR`, or
    built now from `paths` when DIR is new or empty). A store whose source files changed is
    rebuilt before it answers (`kg.rebuilt` says why); with `rebuild=False` that is an error
    instead. Bad input (a missing path, a syntax error, a folder that is not a store, a store
    of another ecgkg version) raises EcgkgError with the message the command prints.
    """
    from ecgkg.build import build

    if isinstance(paths, (str, Path)):
        paths = [paths]
    path_list = [Path(p) for p in paths] if paths else None
    if store is None:
        return KnowledgeGraph(build(path_list), path_list)
    from ecgkg import persist

    folder = Path(store).expanduser()
    opened = persist.open_store(folder, rebuild=rebuild, paths=path_list)
    if path_list is not None:
        wanted = sorted(str(p.resolve()) for p in path_list)
        if sorted(opened.manifest.sources or []) != wanted:
            raise EcgkgError(f"{folder}: a store of other files "
                             f"({', '.join(opened.manifest.sources or ['the bundled data'])}); "
                             f"give no paths to use it, or another folder")
    sources = [Path(s) for s in opened.manifest.sources] if opened.manifest.sources else None
    return KnowledgeGraph(Built(opened.store, opened.files), sources, folder, opened.rebuilt)
