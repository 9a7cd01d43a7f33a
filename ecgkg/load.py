"""`ecgkg load`: put the graph into a triple store through the SPARQL 1.1 Graph Store Protocol.

The data is validated first and nothing is sent if it has a SHACL violation (what makes `ecgkg
validate` exit 1; warnings and info results are reported, not fatal). Each source file's named
graph (its IRI from `ecgkg.sources.graph_iri`) is then replaced whole by one HTTP PUT of its
triples as N-Triples to `{graph_store}?graph={graph IRI}`, so loading twice gives the same store
and a graph is never half old, half new (a store applies each PUT whole; Oxigraph does). Last,
the default graph is replaced by the RDF merge of the files (`{graph_store}?default`), each
triple once: queries see what they see locally, with no union-default-graph setting on the
server, and `GRAPH ?g` still tells which file stated what. When a PUT fails, the graphs before
it are new, the rest old, and the report names both.

Oxigraph serves the protocol at /store next to /query; Fuseki at /DATASET/data next to
/DATASET/query (or /sparql); GraphDB at /repositories/REPO/rdf-graphs/service; Virtuoso at
/sparql-graph-crud-auth. Only for an endpoint ending in /query is the graph store URL guessed.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from ecgkg import http
from ecgkg.errors import EXIT_FINDING, EcgkgError
from ecgkg.rdf.reader import file_graph_quads
from ecgkg.remote import body_excerpt, check_endpoint_url
from ecgkg.sources import bundled_files, display_path, graph_iri, rdf_files

DEFAULT_GRAPH = "the default graph"  # how a report names it; the PUT goes to ?default


@dataclass
class GraphLoad:
    graph: str
    source: str
    triples: int


@dataclass
class LoadReport:
    """What a load did: graphs replaced (new), and, after a failure, the graphs left old."""

    graph_store: str
    validation: str = ""
    loaded: list[GraphLoad] = field(default_factory=list)
    not_loaded: list[GraphLoad] = field(default_factory=list)
    failure: str | None = None
    failure_uncertain: bool = False  # the failed PUT timed out: the store may yet apply it
    interrupted: bool = False  # stopped by Ctrl-C

    @property
    def triple_count(self) -> int:
        """Triples of the named graphs loaded (each file's own statements)."""
        return sum(g.triples for g in self.loaded if g.graph != DEFAULT_GRAPH)

    @property
    def named_graphs(self) -> int:
        return sum(1 for g in self.loaded if g.graph != DEFAULT_GRAPH)

    @property
    def merged_count(self) -> int | None:
        """Distinct triples of the default graph, once it is loaded."""
        return next((g.triples for g in self.loaded if g.graph == DEFAULT_GRAPH), None)


def default_graph_store(endpoint: str) -> str:
    """Oxigraph's graph store next to its query endpoint: .../query -> .../store."""
    check_endpoint_url(endpoint)
    base = endpoint.split("?", 1)[0].rstrip("/")
    if not base.endswith("/query"):
        raise EcgkgError(f"--endpoint {http.masked(endpoint)}: cannot guess the Graph Store Protocol URL "
                         "(only for Oxigraph's .../query); give it with --graph-store")
    return base[: -len("/query")] + "/store"


def validate_before_load(paths: list[Path] | None) -> str:
    """Refuse data with SHACL violations (exit 1), as `ecgkg validate` would fail it; a
    one-line note of what was checked. Warnings and info results do not stop a load."""
    from ecgkg.api import run_validation

    try:
        report = run_validation(paths)
    except ImportError:
        return "not validated: ecgkg.validate is not available; every file parsed"
    failed = report.failed("violation") if hasattr(report, "failed") else not report.conforms
    if failed:
        raise EcgkgError("the data does not conform: nothing loaded "
                         "(`ecgkg validate` shows why)", exit_code=EXIT_FINDING)
    counts = report.counts() if hasattr(report, "counts") else {}
    minor = ", ".join(f"{n} {kind.lower()}" for kind, n in counts.items() if n)
    return "validated: no violations" + (f" ({minor}: `ecgkg validate` lists them)"
                                         if minor else "")


def file_quads(path: Path) -> list[ox.Quad]:
    """A file's statements exactly as written, in its own named graph (ecgkg.rdf.reader)."""
    return file_graph_quads(path)


def graphs_to_load(paths: list[Path] | None) -> list[tuple[str, str, bytes, int]]:
    """(graph IRI, source file, N-Triples, triple count) per named graph, in file order, then
    (DEFAULT_GRAPH, "all files", the merge, its count) for the default graph."""
    files = rdf_files(paths) if paths else bundled_files()
    triples: dict[str, set[ox.Triple]] = {}
    sources: dict[str, str] = {}
    for path in files:
        shown = display_path(path)
        sources.setdefault(graph_iri(path), shown)
        triples.setdefault(graph_iri(path), set())
        for quad in file_quads(path):
            if quad.graph_name.value not in sources:
                sources[quad.graph_name.value] = shown
            triples.setdefault(quad.graph_name.value, set()).add(
                ox.Triple(quad.subject, quad.predicate, quad.object))
    out = []
    for iri, graph_triples in triples.items():
        ordered = sorted(graph_triples, key=str)
        body = ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES) if ordered else b""
        out.append((iri, sources[iri], body, len(ordered)))
    merged = sorted(set().union(*triples.values()), key=str)
    body = ox.serialize(merged, format=ox.RdfFormat.N_TRIPLES) if merged else b""
    out.append((DEFAULT_GRAPH, "all files", body, len(merged)))
    return out


def put_graph(graph_store: str, graph: str, body: bytes, timeout: float) -> None:
    """Replace one named graph (or DEFAULT_GRAPH) with an HTTP PUT; raises OSError/HTTPError on
    failure."""
    base = http.without_userinfo(graph_store)
    separator = "&" if "?" in base else "?"
    target = "default" if graph == DEFAULT_GRAPH else f"graph={quote(graph, safe='')}"
    url = f"{base}{separator}{target}"
    request = urllib.request.Request(url, data=body, method="PUT", headers={
        "Content-Type": "application/n-triples; charset=utf-8",
    })
    # Credentials bound to the graph store's origin (Basic, or Digest when asked).
    with http.opener(graph_store).open(request, timeout=timeout) as response:
        response.read()


def _timed_out(error: BaseException) -> bool:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    return isinstance(reason, (socket.timeout, TimeoutError))


def _failure(graph_store: str, error: BaseException, timeout: float) -> str:
    if isinstance(error, urllib.error.HTTPError):
        try:
            detail = body_excerpt(error.read())
        except Exception:  # noqa: BLE001
            detail = ""
        return f"HTTP {error.code} {error.reason}" + (f": {detail}" if detail else "")
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, http.RedirectRefused):
        return str(reason)
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    return str(reason)


def load(endpoint: str | None, graph_store: str | None = None, paths: list[Path] | None = None,
         timeout: float = 30.0, progress=None, merge_graph: str | None = None) -> LoadReport:
    """Validate, then replace each named graph in the store; `progress(line)` tells how it goes.

    The merge of the files goes to the store's default graph, or to the named graph
    `merge_graph` for a store whose default graph is not a graph of its own (Virtuoso's is the
    union of all graphs, and its Graph Store endpoint refuses ?default): queries then name it as
    their default graph (`ecgkg query --default-graph`, the protocol's default-graph-uri).

    Raises EcgkgError (exit 1) when validation finds a violation, before anything is sent. On a
    failure part-way, the returned report has `failure` set and lists the graphs loaded (new)
    and not loaded (old; the first of them uncertain if its PUT timed out); the caller decides
    how to exit.
    """
    if graph_store is None:
        if endpoint is None:
            raise EcgkgError("give --endpoint or --graph-store")
        graph_store = default_graph_store(endpoint)
    http.check_url(graph_store, "--graph-store")
    validation = validate_before_load(paths)
    if progress:
        progress(validation)
    graphs = graphs_to_load(paths)  # parse everything before sending anything
    if merge_graph is not None:
        try:
            ox.NamedNode(merge_graph)
        except ValueError:
            raise EcgkgError(f"--merge-graph {merge_graph}: not an absolute IRI") from None
        taken = {graph for graph, *_ in graphs}
        if merge_graph in taken:
            raise EcgkgError(f"--merge-graph {merge_graph}: a file's own graph; choose another")
    report = LoadReport(http.masked(graph_store), validation)
    for index, (graph, source, body, count) in enumerate(graphs):
        item = GraphLoad(graph, source, count)
        target = merge_graph if graph == DEFAULT_GRAPH and merge_graph else graph
        try:
            put_graph(graph_store, target, body, timeout)
        except (OSError, urllib.error.HTTPError) as error:
            report.failure = f"{graph} ({source}): {_failure(graph_store, error, timeout)}"
            report.not_loaded = [GraphLoad(g, s, n) for g, s, _, n in graphs[index:]]
            report.failure_uncertain = _timed_out(error)
            return report
        except KeyboardInterrupt:
            report.failure = f"{graph} ({source}): interrupted (Ctrl-C)"
            report.not_loaded = [GraphLoad(g, s, n) for g, s, _, n in graphs[index:]]
            report.failure_uncertain = report.interrupted = True  # the PUT was under way
            return report
        report.loaded.append(item)
        if progress:
            progress(f"loaded {item.graph}  ({item.triples} triples)")
    return report
