"""The one reader of RDF files for every verb: one suffix table, one error text per problem.

Every verb (build, validate, load, export, format, esco) reads files here, so the same broken
file gives the same one-line message whichever verb meets it:

    FILE:LINE: syntax error: REASON
    FILE:LINE: undeclared prefix foo:
    FILE: cannot read: REASON
    FILE: unsupported RDF file suffix '.x'
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from ecgkg.errors import EcgkgError
from ecgkg.limits import ENGINE_TERM_LIMIT, check_xml_expansion
from ecgkg.rdf.formats import SYNTAXES
from ecgkg.sources import display_path, graph_iri

UNDECLARED_PREFIX = re.compile(r"The prefix (\S*?):? has not been declared")
# Syntaxes whose blank nodes are written as such (JSON-LD and RDF/XML make them implicitly).
BULK_FORMATS = (".nt", ".nq", ".ttl", ".trig")


def rdf_format(path: Path) -> ox.RdfFormat:
    """The pyoxigraph format of PATH by its suffix."""
    syntax = SYNTAXES.get(path.suffix)
    if syntax is None:
        raise EcgkgError(f"{display_path(path)}: unsupported RDF file suffix {path.suffix!r}")
    return syntax.ox_format


def cannot_read(path: Path, error: OSError) -> EcgkgError:
    return EcgkgError(f"{display_path(path)}: cannot read: {error.strerror or error}")


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise cannot_read(path, error) from None


def term_too_large(path: Path) -> EcgkgError:
    """pyoxigraph's parsers stop at one term over their buffer with a MemoryError."""
    return EcgkgError(f"{display_path(path)}: a term (IRI or literal) is larger than the "
                      f"parser's limit of {ENGINE_TERM_LIMIT // (1024 * 1024)} MiB")


def guard(path: Path, syntax: ox.RdfFormat, data: bytes | None = None) -> None:
    """Checks before the parser sees the file: XML entity expansion (ecgkg.limits)."""
    if syntax == ox.RdfFormat.RDF_XML:
        check_xml_expansion(read_bytes(path) if data is None else bytes(data), display_path(path))


def syntax_error(path: Path, error: SyntaxError) -> EcgkgError:
    """The one message for a file that does not parse: FILE:LINE: ..."""
    reason = error.msg if isinstance(error.msg, str) else str(error)
    line = f":{error.lineno}" if error.lineno else ""
    undeclared = UNDECLARED_PREFIX.search(reason)
    if undeclared:
        return EcgkgError(f"{display_path(path)}{line}: undeclared prefix {undeclared.group(1)}:")
    return EcgkgError(f"{display_path(path)}{line}: syntax error: {' '.join(reason.split())}")


def owns(path: Path, graph: str) -> bool:
    """The graph-ownership rule: a file writes its own graph (graph_iri), into which its default
    graph goes, and named graphs whose IRI is its own followed by / or #; no other."""
    own = graph_iri(path)
    return graph == own or graph.startswith((own + "/", own + "#"))


def foreign_graph(path: Path, graph: str) -> EcgkgError:
    from ecgkg.namespaces import GRAPH

    owner = (f"which belongs to {graph[len(GRAPH):]}" if graph.startswith(GRAPH)
             else "which is not its own")
    return EcgkgError(f"{display_path(path)}: writes the named graph <{graph}>, {owner}; a file "
                      f"writes only its own graph <{graph_iri(path)}> and graphs below it (/ or #)")


def owned(path: Path, quads: Iterator[ox.Quad]) -> Iterator[ox.Quad]:
    """The quads of a dataset file, refusing any in a graph the file does not own."""
    checked: set = set()
    for quad in quads:
        graph = quad.graph_name
        if type(graph) is not ox.DefaultGraph and graph not in checked:
            if not isinstance(graph, ox.NamedNode) or not owns(path, graph.value):
                raise foreign_graph(path, str(graph) if not isinstance(graph, ox.NamedNode)
                                    else graph.value)
            checked.add(graph)
        yield quad


@contextmanager
def engine_errors(path: Path) -> Iterator[None]:
    """The engine's parse and read failures as the reader's one-line errors."""
    try:
        yield
    except SyntaxError as error:
        raise syntax_error(path, error) from None
    except MemoryError:
        raise term_too_large(path) from None
    except OSError as error:
        raise cannot_read(path, error) from None


def parse_quads(path: Path, data: bytes | None = None, label: str = "b",
                blank_nodes: bool = True) -> Iterator[ox.Quad]:
    """The statements of one RDF file (DATA, or read from disk as it is parsed if None) as
    pyoxigraph quads, as they are parsed; errors name the file and line.

    Blank nodes are named LABEL0, LABEL1, ... in the order they appear: unique to the file when
    LABEL is, and the same on every run (stable reports; engines that parse the file separately
    agree on them). BLANK_NODES False says the file has none (no renaming needed)."""
    base = graph_iri(path)
    guard(path, rdf_format(path), data)
    with engine_errors(path):
        if data is None:
            parsed = ox.parse(path=str(path), format=rdf_format(path), base_iri=base,
                              rename_blank_nodes=True)
        else:
            parsed = ox.parse(data, format=rdf_format(path), base_iri=base,
                              rename_blank_nodes=True)
            blank_nodes = blank_nodes and not without_blank_nodes(path, data)
        if rdf_format(path).supports_datasets:
            parsed = owned(path, parsed)
        if blank_nodes:
            yield from relabel(parsed, label)
        else:
            yield from parsed


def line_chunks(path: Path, size: int = 1 << 22) -> Iterator[bytes]:
    """The bytes of PATH in pieces of about SIZE that end at a line's end (the last may not)."""
    try:
        with path.open("rb") as file:
            rest = b""
            while piece := file.read(size):
                piece = rest + piece
                end = piece.rfind(b"\n") + 1
                if end == 0:
                    rest = piece
                    continue
                rest = piece[end:]
                yield piece[:end]
            if rest:
                yield rest
    except OSError as error:
        raise cannot_read(path, error) from None


def read_quads(path: Path, label: str = "b") -> list[ox.Quad]:
    """Every statement of one RDF file (see parse_quads); the file is read whole first."""
    rdf_format(path)
    return list(parse_quads(path, read_bytes(path), label))


def check_syntax(path: Path) -> None:
    """Raise the reader's error if PATH does not parse (for verbs that then use another parser,
    such as `ecgkg format` with rdflib's Turtle writer)."""
    for _ in parse_quads(path, read_bytes(path), blank_nodes=False):
        pass


def default_graph_into(quads, graph) -> list[ox.Quad]:
    """The quads with those of the default graph moved into GRAPH (a file's own graph)."""
    return [ox.Quad(q.subject, q.predicate, q.object,
                    graph if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name)
            for q in quads]


def file_graph_quads(path: Path) -> list[ox.Quad]:
    """A file's statements exactly as written, its default graph named after the file (graph_iri)
    and the graphs it names kept. Parsed with pyoxigraph's parser, not through a Store: the store
    canonicalises literals (xsd:positiveInteger "1" becomes xsd:integer)."""
    return default_graph_into(read_quads(path), ox.NamedNode(graph_iri(path)))


def load_into(store: ox.Store, path: Path, *, to_default: bool = False,
              bulk: bool = False) -> None:
    """Load one file into STORE, in its own named graph (graph_iri; the default graph with
    TO_DEFAULT) and the graphs it names. A plain load is a transaction: nothing is added on
    error; BULK uses the engine's bulk loader (faster on disk, not transactional)."""
    syntax = rdf_format(path)
    graph = ox.NamedNode(graph_iri(path))
    target = ox.DefaultGraph() if to_default else graph
    guard(path, syntax)
    with engine_errors(path):
        if syntax.supports_datasets:
            scratch = ox.Store()
            scratch.load(path=str(path), format=syntax, base_iri=graph.value)
            # Every quad checked (owned) before any is added.
            store.extend(default_graph_into(owned(path, iter(scratch)), target))
        else:
            loader = store.bulk_load if bulk else store.load
            loader(path=str(path), format=syntax, base_iri=graph.value, to_graph=target)


def relabel(quads, label: str):
    names: dict = {}
    blank = ox.BlankNode

    def name(node):
        found = names.get(node)
        if found is None:
            found = names[node] = blank(f"{label}{len(names)}")
        return found

    for quad in quads:
        s, p, o, g = quad
        if type(s) is blank or type(o) is blank or type(g) is blank:
            yield ox.Quad(name(s) if type(s) is blank else s, p, name(o) if type(o) is blank else o,
                          name(g) if type(g) is blank else g)
        else:
            yield quad


def without_blank_nodes(path: Path, data) -> bool:
    """Whether the file surely has no blank node, so that a store can load it from disk with the
    same terms the parser gives here (blank nodes get fresh ids on each parse)."""
    if path.suffix not in BULK_FORMATS:
        return False
    if data.find(b"_:") >= 0:
        return False
    return path.suffix in (".nt", ".nq") or (data.find(b"[") < 0 and data.find(b"(") < 0)


def surely_without_blank_nodes(path: Path) -> bool:
    """without_blank_nodes for a file on disk; a large one is searched in place (mapped, not
    read into memory)."""
    if path.suffix not in BULK_FORMATS:
        return False
    try:
        if path.stat().st_size < 1 << 24:
            return without_blank_nodes(path, read_bytes(path))
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return without_blank_nodes(path, data)
    except OSError as error:
        raise cannot_read(path, error) from None
