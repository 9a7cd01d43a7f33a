"""The embedded RDF engine: one pyoxigraph store holding the RDF merge of the source files as its
default graph, and a named graph per source file.

Queries run on the default graph, so a triple stated in two files counts once (SPARQL's union of
named graphs, `use_default_graph_as_union`, would count it once per file); `GRAPH ?g` still tells
which file stated what. The in-memory store built by `load_merge` holds the merge and, at first,
only the named graphs of files with blank nodes (and of quad files): a file without blank nodes
gets its named graph by a second parse when something first reads the named graphs
(`add_file_graphs`), since a second copy of every triple slows every query on the merge (the
engine's in-memory indexes hold all graphs together) and doubles the memory. The on-disk store
(`load_files` with a store given) holds both from the start. Kept behind this module so the
engine can change with the benchmark: pyoxigraph parses, queries and serialises about ten times
faster than rdflib's in-memory store.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from ecgkg.errors import EcgkgError
from ecgkg.rdf.formats import OX_FORMATS
from ecgkg.rdf.reader import (
    default_graph_into,
    load_into,
    owns,
    read_quads,
    surely_without_blank_nodes,
)
from ecgkg.sources import display_path, graph_iri


def load_file(store: ox.Store, path: Path, *, to_default: bool = False,
              bulk: bool = False) -> None:
    """Parse one file into its own named graph (or, `to_default`, the default graph), through
    ecgkg.rdf.reader (one error text for every verb).

    A plain load is a transaction: nothing is added on error. `bulk` uses the engine's bulk
    loader, much faster into an on-disk store but not transactional (the persisted store is
    built in a scratch folder, removed on error). A quad file's own named graphs are kept; its
    default graph becomes the file's graph.
    """
    load_into(store, path, to_default=to_default, bulk=bulk)


# Copies named graphs' triples into the default graph, in the engine (on-disk stores; in memory,
# copy_in_order, whose insertion order is stable). A second parse of a file would give its
# blank nodes new names, and the merge must hold the same nodes as the file's graph. In memory
# at 1M a second parse costs about what this copy does (1.06x wall, noisy machine) and peaks
# lower (636 against 850 MiB).
MERGE = "INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}"
BLANK_NODES = "ASK {{ GRAPH <{graph}> {{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }} }}"
# Files at least this big go through the bulk loader into an on-disk store: one transaction of
# millions of triples is slow there. Below it a transaction is as fast: the bulk loader's fixed
# cost is only some 15 ms (ecgkg.load measured it), but `build --store` of data/ plus the 1M
# history took 33.3 s with this bound and 34.7 s with load.py's 256 kB (one run each).
BULK_BYTES = 16 * 2**20


def merge_into_default_graph(store: ox.Store, skip: set[str] = frozenset()) -> None:
    """Copy every named graph but those in `skip` into the default graph (each triple once)."""
    graphs = [g for g in store.named_graphs() if g.value not in skip]
    if graphs:
        store.update(MERGE.format(graphs=" ".join(str(g) for g in graphs)))


def copy_in_order(store: ox.Store, paths: list[Path],
                  without_blank_nodes: frozenset[Path] = frozenset()) -> None:
    """Fill the default graph with the files' triples, file after file, each file's in its own
    order, then any other graph a quad file named, so that the default graph's order (what
    `Store.dump` and so `ecgkg export` write) is the same in every process: the in-memory store
    keeps insertion order, and MERGE's INSERT inserts in an order that changes from one process
    to the next. A triple file without blank nodes (those in `without_blank_nodes`, known to
    have none, or found to have none) is parsed again into the default graph (as fast as the
    copy at 1M and a quarter less memory); any other graph is copied term by term, as a second
    parse would rename its blank nodes."""
    parsed = set()
    for path in paths:
        graph = graph_iri(path)
        if path in without_blank_nodes or not has_blank_nodes(store, path):
            load_file(store, path, to_default=True)
        else:
            copy_graph(store, graph)
        parsed.add(graph)
    for graph in sorted(g.value for g in store.named_graphs()):
        if graph not in parsed:
            copy_graph(store, graph)


def copy_graph(store: ox.Store, graph: str) -> None:
    store.extend([ox.Quad(q.subject, q.predicate, q.object)
                  for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))])


def quad_file(path: Path) -> bool:
    return OX_FORMATS.get(path.suffix, ox.RdfFormat.N_QUADS).supports_datasets


def has_blank_nodes(store: ox.Store, path: Path) -> bool:
    """Whether a file's graph may hold blank nodes (always, for a quad file, whose graphs this
    does not look into). A search of the file's bytes answers most files at once; the store is
    asked (a scan of the graph, about a second at 1M) only when that search cannot tell."""
    if quad_file(path):
        return True
    return not surely_without_blank_nodes(path) and bool(
        store.query(BLANK_NODES.format(graph=graph_iri(path))))


def stable_blank_nodes(store: ox.Store, path: Path, label: str) -> bool:
    """Give the blank nodes of a triple file's graph the names LABEL0, LABEL1, ... in file order
    instead of the engine's random ones, so that what is written from the store (exports) is
    the same in every process; True if it did. A file without blank nodes (the usual case) is
    left as loaded."""
    if quad_file(path) or not has_blank_nodes(store, path):
        return False
    node = ox.NamedNode(graph_iri(path))
    quads = default_graph_into(read_quads(path, label), node)
    store.remove_graph(node)
    store.extend(quads)
    return True


def deferrable(path: Path) -> bool:
    """Whether a file's named graph can wait (load_merge): a triple file that surely has no
    blank nodes, so that a later parse gives exactly the triples the merge got."""
    return not quad_file(path) and surely_without_blank_nodes(path)


def file_stamp(path: Path) -> tuple[int, int]:
    """What tells a file changed since it was loaded: its size and modification time."""
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def load_merge(paths: list[Path]) -> tuple[ox.Store, dict[Path, tuple[int, int]], set[Path]]:
    """A fresh in-memory store with the files' merge in its default graph (each triple once),
    in the order load_files gives it, and the named graphs of the files that cannot wait
    (`deferrable`); returns the store, the files left without their named graph with their
    stamps (file_stamp, taken before loading, so that a change during the load shows), and
    the files whose blank nodes were renamed (stable_blank_nodes).

    The steps are load_files' for the files loaded in full, in the same order, so that their
    graphs, the merge and the names of their blank nodes are the same as there; the others go
    to the default graph only, where load_files puts them too, by a parse of their own."""
    deferred = {path: file_stamp(path) for path in paths if deferrable(path)}
    store = ox.Store()
    for path in paths:
        if path not in deferred:
            load_file(store, path)
    renamed = {path for index, path in enumerate(paths)
               if path not in deferred and stable_blank_nodes(store, path, f"f{index}b")}
    copy_in_order(store, paths, without_blank_nodes=frozenset(deferred))
    return store, deferred, renamed


def add_file_graphs(store: ox.Store, deferred: dict[Path, tuple[int, int]]) -> None:
    """Load the named graph of each file load_merge left without one, in load order, by a
    second parse; refused (EcgkgError, nothing loaded) if a file changed since: its graph
    would no longer hold what the merge got from it."""
    for path, stamp in deferred.items():
        try:
            changed = file_stamp(path) != stamp
        except OSError:
            changed = True
        if changed:
            raise EcgkgError(f"{display_path(path)}: changed since it was loaded; its named graph "
                             "(what GRAPH, FROM, quad exports and per-file counts read) would "
                             "not match the merge: load the files again")
    for path in deferred:
        load_file(store, path)


def named_quads_in_load_order(store: ox.Store, paths: list[Path], renamed: set[Path]):
    """Every quad of the files' named graphs (what `named_quads` gives), in the order the engine
    iterates a store load_files filled in memory: the renamed blank-node statements of files
    with blank nodes, last file first, then each file's other statements, last file first,
    each file's newest first. load_merge fills the named graphs in another order (some on
    demand); walking graph by graph in this order keeps quad exports the same bytes."""
    first = list(dict.fromkeys(paths))
    last = list(reversed(dict.fromkeys(reversed(paths))))
    # A quad file's statements, across its graphs, in the store's own order (one pass).
    quad_files = [path for path in first if quad_file(path)]
    by_file: dict[Path, list[ox.Quad]] = {path: [] for path in quad_files}
    if quad_files:
        owner = {}
        for graph in store.named_graphs():
            found = next((path for path in quad_files if owns(path, graph.value)), None)
            if found is not None:
                owner[graph] = by_file[found]
        for quad in store:
            bucket = owner.get(quad.graph_name)
            if bucket is not None:
                bucket.append(quad)
    for path in reversed(last):
        if path in renamed:
            yield from (q for q in graph_quads(store, path) if blank(q))
    for path in reversed(first):
        if path in by_file:
            yield from by_file[path]
        elif path in renamed:
            yield from (q for q in graph_quads(store, path) if not blank(q))
        else:
            yield from graph_quads(store, path)


def graph_quads(store: ox.Store, path: Path):
    return store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri(path)))


def blank(quad: ox.Quad) -> bool:
    return type(quad.subject) is ox.BlankNode or type(quad.object) is ox.BlankNode


def load_files(paths: list[Path], store: ox.Store | None = None,
               bulk: bool = False) -> ox.Store:
    """A store (fresh and in memory unless given) with every file in its own named graph and
    their merge in the default graph.

    `bulk` (for an on-disk store) bulk-loads each big triple file (BULK_BYTES) and, when it has
    no blank nodes (so that a second parse gives the same triples), bulk-loads it again into
    the default graph; every other graph is copied there by MERGE. In memory, the blank nodes
    get stable names and the graphs are copied in file order (copy_in_order), so that exports
    are the same bytes on every run.
    """
    in_memory = store is None
    store = ox.Store() if store is None else store
    big = [p for p in paths if bulk and not OX_FORMATS.get(p.suffix, ox.RdfFormat.N_QUADS)
           .supports_datasets and p.stat().st_size >= BULK_BYTES]
    for path in paths:
        load_file(store, path, bulk=path in big)
    if in_memory:
        for index, path in enumerate(paths):
            stable_blank_nodes(store, path, f"f{index}b")
        copy_in_order(store, paths)
        return store
    reparsed: set[str] = set()
    for path in big:
        graph = graph_iri(path)
        if not bool(store.query(BLANK_NODES.format(graph=graph))):
            load_file(store, path, to_default=True, bulk=True)
            reparsed.add(graph)
    merge_into_default_graph(store, skip=reparsed)
    return store


GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
DEFAULT_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Triples per named graph."""
    return {row["g"].value: int(row["n"].value) for row in store.query(GRAPH_SIZES)}


def triple_count(store: ox.Store) -> int:
    """Distinct triples of the merge (the default graph)."""
    return sum(int(row["n"].value) for row in store.query(DEFAULT_SIZE))


def named_quads(store: ox.Store):
    """Every quad of the named graphs (what the files stated), without the merge."""
    return (q for q in store if not isinstance(q.graph_name, ox.DefaultGraph))


def default_triples(store: ox.Store):
    """The merge: every distinct triple once."""
    return (ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


_ERROR_AT = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)


def sparql_error_message(label: str, error: SyntaxError) -> str:
    """'LABEL:LINE:COLUMN: SPARQL syntax error: reason' on one line, the reason shortened (the
    engine lists every token it expected, over several lines)."""
    text = error.msg if isinstance(error.msg, str) else str(error)
    match = _ERROR_AT.match(text)
    where, reason = (f"{label}:{match.group(1)}:{match.group(2)}", match.group(3)) if match \
        else (label, text)
    reason = " ".join(reason.split())
    if len(reason) > 160:
        reason = reason[:157] + "..."
    return f"{where}: SPARQL syntax error: {reason}"


def query(store: ox.Store, sparql: str, prefixes: dict[str, str] | None = None,
          label: str = "query"):
    """Run SPARQL on the default graph (the merge of the files); `GRAPH ?g` reaches each file's
    own graph. `prefixes` are declared for a query that does not declare them itself; `label`
    names the query in a syntax error."""
    try:
        return store.query(sparql, prefixes=prefixes)
    except SyntaxError as error:
        raise EcgkgError(sparql_error_message(label, error)) from None


def check_syntax(sparql: str, prefixes: dict[str, str] | None = None,
                 label: str = "query") -> None:
    """Raise EcgkgError if the text is not SPARQL (parsed and run on an empty store)."""
    query(ox.Store(), sparql, prefixes=prefixes, label=label)
