"""`ecgkg load`: put the graph into a triple store through the SPARQL 1.1 Graph Store Protocol.

Each source file is parsed once, and the engine (pyoxigraph) writes each graph to an N-Triples
file in a temporary folder: that snapshot is what is validated and what is sent, so a file edited
during the load changes neither, and no graph is ever one body in memory. Nothing is sent if the
data has a SHACL violation (what makes `ecgkg validate` exit 1; warnings and info results are
reported, not fatal). Each source file's named graph (its IRI from `ecgkg.sources.graph_iri`) is
then replaced whole by one HTTP PUT of its N-Triples, streamed from the snapshot, to
`{graph_store}?graph={graph IRI}`, so loading twice gives the same store and a graph is never
half old, half new (a store applies each PUT whole; Oxigraph and Virtuoso do). Last, the default
graph is replaced by the RDF merge of the files (`{graph_store}?default`): the files' bodies one
after the other, which the store keeps as a set, each triple once. Queries see what they see
locally, with no union-default-graph setting on the server, and `GRAPH ?g` still tells which
file stated what. When a PUT fails, the graphs before it are new, the rest old, and the report
names both.

With `bulk` (`ecgkg load --bulk`, Oxigraph servers only) each PUT carries Oxigraph's
`no_transaction` parameter: the server empties the graph, then fills it with its bulk loader
instead of one transaction (at 1M triples several times faster: the transactional PUT grows
faster than the graph). Not atomic: while a graph loads, queries see it partly filled, and a
load that stops leaves the graph it was writing empty or incomplete (load again). Before
anything is sent, the server must say it is Oxigraph (its Server header), as no other store
is known to take the parameter; another answers with one line, exit 2.

Oxigraph serves the protocol at /store next to /query; Fuseki at /DATASET/data next to
/DATASET/query (or /sparql); GraphDB at /repositories/REPO/rdf-graphs/service; Virtuoso at
/sparql-graph-crud-auth. Only for an endpoint ending in /query is the graph store URL guessed.
"""

from __future__ import annotations

import socket
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from ecgkg import http
from ecgkg.errors import EXIT_FINDING, EcgkgError
from ecgkg.rdf.reader import parse_quads, rdf_format
from ecgkg.remote import body_excerpt, check_endpoint_url
from ecgkg.sources import bundled_files, data_dir, display_path, graph_iri, rdf_files

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
    failure_note: str | None = None  # what state the first graph not loaded may be in

    @property
    def triple_count(self) -> int:
        """Triples of the named graphs loaded (each file's own statements)."""
        return sum(g.triples for g in self.loaded if g.graph != DEFAULT_GRAPH)

    @property
    def named_graphs(self) -> int:
        return sum(1 for g in self.loaded if g.graph != DEFAULT_GRAPH)

    @property
    def merged_count(self) -> int | None:
        """Triples sent to the default graph (each file's, one after the other; the store keeps
        a triple stated in two files once), once it is loaded."""
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
    one-line note of what was checked. Warnings and info results do not stop a load.
    PATHS are the snapshot files (see Snapshot) of the files validated."""
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


@dataclass
class GraphBody:
    """One graph to send: its IRI (or DEFAULT_GRAPH), the file it comes from, its N-Triples
    body as the engine wrote it (one or more files, sent one after the other), its triples."""

    graph: str
    source: str
    parts: list[Path]
    triples: int

    @property
    def size(self) -> int:
        return sum(part.stat().st_size for part in self.parts)


class Body:
    """A request body read from files as it is sent, never held whole in memory: whole files,
    or (path, start, end) byte ranges of them. Iterable more than once (each pass reopens the
    files), so a request retried for authentication (Digest answers the first try with 401)
    sends the body again."""

    CHUNK = 1 << 20

    def __init__(self, parts: list[Path] | list[tuple[Path, int, int]]) -> None:
        self.ranges = [part if isinstance(part, tuple) else (part, 0, part.stat().st_size)
                       for part in parts]
        self.length = sum(end - start for _, start, end in self.ranges)

    def __iter__(self):
        for path, start, end in self.ranges:
            with path.open("rb") as file:
                file.seek(start)
                left = end - start
                while left > 0 and (chunk := file.read(min(self.CHUNK, left))):
                    left -= len(chunk)
                    yield chunk


def split_body(parts: list[Path], limit: int) -> list[Body]:
    """The N-Triples of PARTS as bodies of about LIMIT bytes each, cut at line ends (a body
    holds at least one line, so one longer than LIMIT is sent alone)."""
    bodies: list[Body] = []
    current: list[tuple[Path, int, int]] = []
    size = 0
    for path in parts:
        length = path.stat().st_size
        start = 0
        with path.open("rb") as file:
            while start < length:
                end = min(length, start + max(limit - size, 1))
                if end < length:
                    file.seek(end - 1)
                    file.readline()  # on to the end of the line (end - 1 may be its newline)
                    end = file.tell()
                current.append((path, start, end))
                size += end - start
                start = end
                if size >= limit:
                    bodies.append(Body(current))
                    current, size = [], 0
    if current or not bodies:
        bodies.append(Body(current))
    return bodies


def has_blank_nodes(parts: list[Path]) -> bool:
    """Whether the engine's N-Triples hold a blank node (a term starting a line or after a
    space with _:; a literal holding " _:" counts too, which errs on the safe side)."""
    for path in parts:
        with path.open("rb") as file:
            if file.read(2) == b"_:":
                return True
            file.seek(0)
            while chunk := file.read(1 << 24):
                if b" _:" in chunk or b"\n_:" in chunk:
                    return True
                if len(chunk) < (1 << 24):
                    break
                file.seek(file.tell() - 2)  # a match across two chunks
    return False


@dataclass
class Snapshot:
    """Every source file parsed once, each graph written by the engine to an N-Triples file in
    FOLDER: what is validated is what is sent, byte for byte (a file edited during the load
    changes neither). `graphs` are the named graphs in file order, then DEFAULT_GRAPH (the
    merge: the named graphs' bodies one after the other; the store keeps each triple once, as
    a graph is a set, and each file's blank nodes are labelled apart from every other file's).
    `validate` is, per file to validate, the snapshot of all its statements."""

    folder: Path
    graphs: list[GraphBody]
    validate: list[Path]


def _triples(quads, counter: list[int]):
    for quad in quads:
        counter[0] += 1
        yield quad.triple


def take_snapshot(files: list[Path], folder: Path, validated: set[Path]) -> Snapshot:
    """Parse each file once (ecgkg.rdf.reader: its errors are the reader's FILE:LINE lines) and
    have the engine serialise it into FOLDER; no set or sort of the triples in Python."""
    graphs: dict[str, GraphBody] = {}
    to_validate: list[Path] = []
    for number, path in enumerate(files):
        shown, own = display_path(path), graph_iri(path)
        label = f"f{number}b"  # blank node labels unique to the file, so the merge keeps them apart
        target = folder / f"{number}.nt"
        if not rdf_format(path).supports_datasets:
            counter = [0]
            ox.serialize(_triples(parse_quads(path, None, label), counter), target,
                         ox.RdfFormat.N_TRIPLES)
            graphs.setdefault(own, GraphBody(own, shown, [], 0))
            graphs[own].parts.append(target)
            graphs[own].triples += counter[0]
        else:
            # A dataset file (TriG, N-Quads) may name graphs of its own below its graph IRI: its
            # statements are grouped per graph here (such files are small; the data is Turtle).
            by_graph: dict[str, list] = {own: []}
            for quad in parse_quads(path, None, label):
                name = own if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
                by_graph.setdefault(name, []).append(quad.triple)
            for index, (name, triples) in enumerate(by_graph.items()):
                part = folder / f"{number}-{index}.nt"
                ox.serialize(triples, part, ox.RdfFormat.N_TRIPLES)
                graphs.setdefault(name, GraphBody(name, shown, [], 0))
                graphs[name].parts.append(part)
                graphs[name].triples += len(triples)
            with target.open("wb") as whole:
                for index in range(len(by_graph)):
                    whole.write((folder / f"{number}-{index}.nt").read_bytes())
        if path in validated:
            to_validate.append(target)
    named = list(graphs.values())
    merge = GraphBody(DEFAULT_GRAPH, "all files", [p for g in named for p in g.parts],
                      sum(g.triples for g in named))
    return Snapshot(folder, [*named, merge], to_validate)


def write_snapshot(files: list[Path], folder: Path, validated: set[Path]) -> Snapshot:
    """take_snapshot, with a failure to write the temporary folder (a full disk) as one line."""
    try:
        return take_snapshot(files, folder, validated)
    except OSError as error:  # the reader turns a source file's own read errors into its lines
        reason = error.strerror or " ".join(str(error).split())[:200]
        raise EcgkgError(f"cannot write the load's snapshot in {folder.parent} (TMPDIR): "
                         f"{reason}") from None


def files_to_load(paths: list[Path] | None) -> tuple[list[Path], set[Path]]:
    """The files a load sends, and those of them it validates: with no PATHS, the bundled
    ontology and data, of which the data is validated (as `ecgkg validate` does); else every
    file of PATHS, all validated."""
    if not paths:
        return bundled_files(), set(rdf_files([data_dir()]))
    files = rdf_files(paths)
    if not files:
        raise EcgkgError(f"no data files found in {', '.join(display_path(p) for p in paths)}")
    return files, set(files)


def put_graph(graph_store: str, graph: str, body: bytes | Body, timeout: float,
              opener: urllib.request.OpenerDirector | None = None, method: str = "PUT",
              bulk: bool = False) -> None:
    """Replace one named graph (or DEFAULT_GRAPH) with an HTTP PUT of N-Triples (bytes, or a
    Body streamed from files), or add to it with METHOD POST, through OPENER (one per load: it
    keeps the Digest challenge); BULK: through Oxigraph's bulk loader (see the module's text).
    Raises OSError/HTTPError on failure."""
    base = http.without_userinfo(graph_store)
    separator = "&" if "?" in base else "?"
    target = "default" if graph == DEFAULT_GRAPH else f"graph={quote(graph, safe='')}"
    url = f"{base}{separator}{target}" + ("&no_transaction" if bulk else "")
    headers = {"Content-Type": "application/n-triples; charset=utf-8"}
    if isinstance(body, Body):
        # The length up front: urllib would otherwise send chunks, which not every store takes.
        headers["Content-Length"] = str(body.length)
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    # Credentials bound to the graph store's origin (Basic, or Digest when asked).
    opener = opener or http.opener(graph_store)
    if http.credentials(graph_store):
        http.authenticate(opener, url, timeout)  # the challenge first, then the body
    with opener.open(request, timeout=timeout) as response:
        response.read()


def check_oxigraph(graph_store: str, timeout: float,
                   opener: urllib.request.OpenerDirector) -> None:
    """Refuse --bulk (EcgkgError, exit 2) unless GRAPH_STORE answers as an Oxigraph server
    (its Server header, "Oxigraph/VERSION"): another store could take the no_transaction
    parameter for nothing, or for something else. One HEAD request, no body."""
    shown = http.masked(graph_store)
    request = urllib.request.Request(http.without_userinfo(graph_store), method="HEAD")
    try:
        with opener.open(request, timeout=timeout) as answer:
            server = answer.headers.get("Server", "")
    except urllib.error.HTTPError as error:  # an error page still says which server it is
        server = error.headers.get("Server", "") if error.headers else ""
        error.close()
    except OSError as error:
        raise EcgkgError(f"--bulk: cannot reach {shown}: "
                         f"{_failure(graph_store, error, timeout)}") from None
    if not server.lower().startswith("oxigraph/"):
        said = (f"as {' '.join(server.split())[:80]!r}" if server.strip()
                else "without a Server header")
        raise EcgkgError(f"--bulk is for an Oxigraph server (its bulk loader): {shown} answers "
                         f"{said}; load without --bulk")


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
         timeout: float = 30.0, progress=None, merge_graph: str | None = None,
         max_request: int | None = None, bulk: bool = False) -> LoadReport:
    """Validate, then replace each named graph in the store; `progress(line)` tells how it goes.

    A graph whose N-Triples are over MAX_REQUEST bytes goes in requests of about that size, cut
    at line ends: a PUT of the first, a POST (add) of each other. For a store that refuses
    one transaction that large (Virtuoso's TransactionAfterImageLimit): no protocol request
    replaces a graph in several transactions, so such a graph is not replaced atomically; if
    a request fails it is named incomplete. A graph with blank nodes is not split (a store
    makes them anew in each request), and a graph under the limit is one PUT as always.

    The merge of the files goes to the store's default graph, or to the named graph
    `merge_graph` for a store whose default graph is not a graph of its own (Virtuoso's is the
    union of all graphs, and its Graph Store endpoint refuses ?default): queries then name it as
    their default graph (`ecgkg query --default-graph`, the protocol's default-graph-uri).

    BULK (an Oxigraph server only, checked first): each PUT goes through the server's bulk
    loader, not atomic (see the module's text); not with MAX_REQUEST.

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
    if merge_graph is not None:
        try:
            ox.NamedNode(merge_graph)
        except ValueError:
            raise EcgkgError(f"--merge-graph {merge_graph}: not an absolute IRI") from None
    if bulk and max_request is not None:
        raise EcgkgError("--bulk has no request size limit: give it without --max-request")
    if bulk:  # before the work of parsing and validating, and before anything is sent
        check_oxigraph(graph_store, timeout, http.opener(graph_store))
    files, validated = files_to_load(paths)
    with tempfile.TemporaryDirectory(prefix="ecgkg-load-") as folder:
        snapshot = write_snapshot(files, Path(folder), validated)  # every file parsed, once
        validation = validate_before_load(snapshot.validate)
        if progress:
            progress(validation)
        return send(snapshot, graph_store, timeout, progress, merge_graph, validation,
                    max_request, bulk)


# Virtuoso's answer to a request whose transaction log would pass TransactionAfterImageLimit
# (virtuoso.ini [Parameters], default 50,000,000 bytes; a PUT's log is about 3-4 times its
# N-Triples): HTTP 500 with "SR325: Transaction aborted because it's log after image size went
# above the limit". The transaction is rolled back: the graph is still old.
OVER_LIMIT = "SR325"


# What a failed bulk PUT may leave: Oxigraph empties the graph, then fills it without a
# transaction (a refusal before that, such as a read-only server's, leaves it old).
BULK_STOPPED = "the first may be empty or incomplete (--bulk: no transaction); load again"


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def send(snapshot: Snapshot, graph_store: str, timeout: float, progress,
         merge_graph: str | None, validation: str, max_request: int | None = None,
         bulk: bool = False) -> LoadReport:
    """PUT each graph of the snapshot in turn; stop at the first failure (see load). A graph
    over MAX_REQUEST bytes goes in several requests; with BULK through Oxigraph's bulk loader
    (see load)."""
    graphs = snapshot.graphs
    if merge_graph is not None and merge_graph in {g.graph for g in graphs}:
        raise EcgkgError(f"--merge-graph {merge_graph}: a file's own graph; choose another")
    report = LoadReport(http.masked(graph_store), validation)
    opener = http.opener(graph_store)
    for index, body in enumerate(graphs):
        item = GraphLoad(body.graph, body.source, body.triples)
        target = merge_graph if body.graph == DEFAULT_GRAPH and merge_graph else body.graph
        size = body.size
        pieces = [Body(body.parts)]
        if max_request is not None and size > max_request:
            if has_blank_nodes(body.parts):
                report.failure = (f"{body.graph} ({body.source}): {megabytes(size)} is over "
                                  f"--max-request {megabytes(max_request)} and has blank nodes, "
                                  "which a store makes anew in each request: cannot be split")
                report.not_loaded = [GraphLoad(g.graph, g.source, g.triples)
                                     for g in graphs[index:]]
                return report
            pieces = split_body(body.parts, max_request)
        sent = 0
        try:
            for piece in pieces:
                # The first request replaces the graph, the next ones add to it.
                put_graph(graph_store, target, piece, timeout, opener,
                          method="PUT" if sent == 0 else "POST", bulk=bulk)
                sent += 1
        except (OSError, urllib.error.HTTPError) as error:
            reason = _failure(graph_store, error, timeout)
            if OVER_LIMIT in reason:
                what = (f"{megabytes(size)} of N-Triples ({body.triples} triples)" if len(pieces) == 1
                        else f"request {sent + 1} of {len(pieces)} ({megabytes(pieces[sent].length)}"
                        f" of the graph's {megabytes(size)})")
                reason = (f"{what} is over the store's limit for one request (Virtuoso "
                          f"{OVER_LIMIT}: TransactionAfterImageLimit in virtuoso.ini); raise it, "
                          "or send smaller requests with --max-request MB")
            report.failure = f"{body.graph} ({body.source}): {reason}"
            report.not_loaded = [GraphLoad(g.graph, g.source, g.triples) for g in graphs[index:]]
            report.failure_uncertain = _timed_out(error)
            if bulk:
                report.failure_note = BULK_STOPPED
            elif sent:
                report.failure_note = (f"the first is incomplete: {sent} of {len(pieces)} "
                                       "requests were applied; load again to replace it whole")
            return report
        except KeyboardInterrupt:
            report.failure = f"{body.graph} ({body.source}): interrupted (Ctrl-C)"
            report.not_loaded = [GraphLoad(g.graph, g.source, g.triples) for g in graphs[index:]]
            report.failure_uncertain = report.interrupted = True  # the PUT was under way
            if bulk:
                report.failure_note = BULK_STOPPED
            elif sent:
                report.failure_note = (f"the first may be incomplete: {sent} of {len(pieces)} "
                                       "requests were applied; load again to replace it whole")
            return report
        report.loaded.append(item)
        if progress:
            parts = f", in {len(pieces)} requests" if len(pieces) > 1 else ""
            progress(f"loaded {item.graph}  ({item.triples} triples{parts})")
    return report


# Files every Oxigraph (RocksDB) database folder holds.
STORE_MARKERS = ("CURRENT", "IDENTITY")


def open_location(location: Path) -> ox.Store:
    """The Oxigraph database at LOCATION (made there if the folder is new or empty), or an
    EcgkgError (exit 2): a file, a folder of something else, a database another process has
    open (a running `oxigraph serve`), one that cannot be written."""
    shown = display_path(location)
    if location.exists() and not location.is_dir():
        raise EcgkgError(f"--location {shown}: a file, not an Oxigraph store folder")
    if location.is_dir() and any(location.iterdir()) \
            and not all((location / name).is_file() for name in STORE_MARKERS):
        hint = (" (an `ecgkg build --store` folder keeps its database in oxigraph/ and is "
                "rebuilt by `ecgkg build --store`)" if (location / "ecgkg-store.json").exists()
                else "")
        raise EcgkgError(f"--location {shown}: not an Oxigraph store{hint}; give an Oxigraph "
                         "database folder, or a new or empty one")
    try:
        return ox.Store(str(location))
    except OSError as error:
        text = " ".join(str(error).split())
        if "lock" in text.lower():
            raise EcgkgError(f"--location {shown}: in use by another process (a running "
                             "`oxigraph serve`?); stop it first") from None
        raise EcgkgError(f"--location {shown}: cannot open: {text[:200]}") from None


# Bodies at least this big go through the bulk loader, smaller ones in one transaction. The
# bulk loader's fixed cost (it writes table files) measured about 15 ms a call here (pyoxigraph
# 0.5, on disk), and it is faster from about 2,000 triples (some 300 kB of N-Triples): 0.04
# against 0.05 s at 2,000, 0.2 against 0.5 s at 20,000, 0.95 against 2.05 s at 92,000.
LOCATION_BULK_BYTES = 256 * 1024


def _write_graph(store: ox.Store, body: GraphBody) -> None:
    """Replace one graph of STORE with the snapshot's BODY, through the bulk loader."""
    target = ox.DefaultGraph() if body.graph == DEFAULT_GRAPH else ox.NamedNode(body.graph)
    store.clear_graph(target)
    for part in body.parts:
        write = store.bulk_load if part.stat().st_size >= LOCATION_BULK_BYTES else store.load
        write(path=str(part), format=ox.RdfFormat.N_TRIPLES, to_graph=target)


def _stopped(error: BaseException) -> str:
    return ("interrupted (Ctrl-C)" if isinstance(error, KeyboardInterrupt)
            else " ".join(str(error).split())[:200])


def _fill(holder: list, graphs: list[GraphBody], outcome: list) -> None:
    """Write every graph into the store HOLDER[0] (a thread: the bulk loader releases the GIL,
    so validation runs meanwhile); OUTCOME gets (index of the graph, error) if one fails."""
    done = 0
    try:
        for body in graphs:
            _write_graph(holder[0], body)
            done += 1
        holder[0].flush()
    except BaseException as error:  # noqa: BLE001 - handed to the main thread, which reports it
        outcome.append((min(done, len(graphs) - 1), error))


def _aside_folder(location: Path) -> Path | None:
    """A new folder beside LOCATION (same file system, so a rename moves it into place), or
    None when one cannot be made there (a read-only parent) or LOCATION is a symbolic link."""
    if location.is_symlink():
        return None
    try:
        return Path(tempfile.mkdtemp(prefix=f".{location.name}.ecgkg-load-",
                                     dir=location.resolve().parent))
    except OSError:
        return None


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def load_location(location: Path, paths: list[Path] | None = None,
                  progress=None) -> LoadReport:
    """Validate, then load into the Oxigraph database folder LOCATION with the engine's bulk
    loader: each file's named graph replaced, and the default graph replaced by their merge,
    the layout a server load leaves (no HTTP, no transaction: several times faster).

    When LOCATION holds no graph but those this load replaces (new, empty, or loaded before
    from the same files), the new database is built aside, in a folder next to it, while the
    snapshot is validated (the bulk loader runs in a thread: it releases the GIL), and then
    renamed into place: nothing is half-written (a violation, a failure or Ctrl-C leaves
    LOCATION as it was), and validation costs no extra time when a core is free. This takes
    the data's room on disk twice for a moment. Else (other graphs to keep, or no room for a
    folder beside it) the graphs are replaced in place, after validation; the bulk loader is
    not transactional: if the run stops while a graph is being written, that graph is
    incomplete (the report names it, as for a server); loading again replaces it whole.
    Raises EcgkgError (exit 2) for a folder that is not an Oxigraph store or is in use,
    before anything is parsed.
    """
    holder = [open_location(location)]  # a list, so that the database can be closed here
    try:
        files, validated = files_to_load(paths)
        with tempfile.TemporaryDirectory(prefix="ecgkg-load-") as folder:
            snapshot = write_snapshot(files, Path(folder), validated)
            ours = {body.graph for body in snapshot.graphs}
            others = [g for g in holder[0].named_graphs() if g.value not in ours]
            aside = None if others else _aside_folder(location)
            if aside is not None:
                report = _load_aside(holder, location, aside, snapshot, progress)
                if report.loaded or report.failure:
                    return report
                validation = report.validation  # LOCATION could not be moved: in place
                holder.append(open_location(location))
            else:
                validation = validate_before_load(snapshot.validate)
                if progress:
                    progress(validation)
            return _load_in_place(holder[0], location, snapshot, progress, validation)
    finally:
        holder.clear()  # closes the database (releases its lock) before the caller goes on


def _load_aside(holder: list, location: Path, aside: Path, snapshot: Snapshot,
                progress) -> LoadReport:
    """Build the database in ASIDE while validating, then swap it with LOCATION (whose
    database, HOLDER[0], is closed for the swap). If LOCATION cannot be moved, nothing has
    changed and the report has neither graphs loaded nor a failure: the caller loads in place."""
    import threading

    scratch = [ox.Store(str(aside))]
    outcome: list = []
    writer = threading.Thread(target=_fill, args=(scratch, snapshot.graphs, outcome),
                              name="ecgkg-bulk-load", daemon=True)
    writer.start()
    try:
        validation = validate_before_load(snapshot.validate)
        if progress:
            progress(validation)
        writer.join()
    except BaseException as error:
        # A violation or Ctrl-C: the half-built database goes (removing its files also makes
        # the bulk loader stop soon with an error), LOCATION is untouched.
        _remove(aside)
        writer.join()
        scratch.clear()
        _remove(aside)
        if isinstance(error, KeyboardInterrupt):
            raise EcgkgError(f"--location {display_path(location)}: interrupted (Ctrl-C); it is "
                             "unchanged", exit_code=130) from None
        raise
    scratch.clear()  # closed: complete on disk
    report = LoadReport(display_path(location), validation)
    if outcome:
        index, error = outcome[0]
        body = snapshot.graphs[index]
        _remove(aside)
        report.failure = f"{body.graph} ({body.source}): {_stopped(error)}"
        report.not_loaded = [GraphLoad(g.graph, g.source, g.triples) for g in snapshot.graphs]
        report.failure_note = f"{display_path(location)} is unchanged: load again"
        report.interrupted = isinstance(error, KeyboardInterrupt)
        return report
    holder.clear()  # LOCATION's database closed, so that it can be moved
    old = aside.with_name(aside.name.replace(".ecgkg-load-", ".ecgkg-old-"))
    try:
        location.rename(old)
    except OSError:
        _remove(aside)
        return report
    try:
        aside.rename(location)
    except OSError as error:
        old.rename(location)
        _remove(aside)
        raise EcgkgError(f"--location {display_path(location)}: cannot move the new database "
                         f"into place: {_stopped(error)}; it is unchanged") from None
    _remove(old)
    for body in snapshot.graphs:
        report.loaded.append(GraphLoad(body.graph, body.source, body.triples))
        if progress:
            progress(f"loaded {body.graph}  ({body.triples} triples)")
    return report


def _load_in_place(store: ox.Store, location: Path, snapshot: Snapshot, progress,
                   validation: str) -> LoadReport:
    """Replace each graph of the snapshot in STORE, one after the other (not atomic)."""
    report = LoadReport(display_path(location), validation)
    for index, body in enumerate(snapshot.graphs):
        try:
            _write_graph(store, body)
        except (OSError, KeyboardInterrupt) as error:
            report.failure = f"{body.graph} ({body.source}): {_stopped(error)}"
            report.not_loaded = [GraphLoad(g.graph, g.source, g.triples)
                                 for g in snapshot.graphs[index:]]
            report.failure_uncertain = True
            report.failure_note = "the first may be incomplete: load again to replace it whole"
            report.interrupted = isinstance(error, KeyboardInterrupt)
            return report
        report.loaded.append(GraphLoad(body.graph, body.source, body.triples))
        if progress:
            progress(f"loaded {body.graph}  ({body.triples} triples)")
    store.flush()
    return report
