"""Limits on hostile input, checked before an engine sees it: how deeply a SPARQL query nests
and how far the entities of an XML file expand. Each has a documented default and an
environment variable to change it.

Why: the engines fail badly past these points rather than with an error. Oxigraph's SPARQL parser
recurses, and a query nested a few thousand brackets deep crashes the process (segmentation
fault); an RDF/XML file that declares entities made of entities ("billion laughs") expands a
few hundred bytes into gigabytes of memory.
"""

from __future__ import annotations

import os
import re

from ecgkg.errors import EcgkgError

QUERY_DEPTH_VARIABLE = "ECGKG_MAX_QUERY_DEPTH"
XML_EXPANSION_VARIABLE = "ECGKG_MAX_XML_EXPANSION"
DEFAULT_QUERY_DEPTH = 256  # hand-written queries nest a few levels; Oxigraph crashes near 4,000
DEFAULT_XML_EXPANSION = 16 * 1024 * 1024  # bytes that all entity references may expand to
# pyoxigraph's parsers refuse one term (IRI, literal) larger than this, as a MemoryError.
ENGINE_TERM_LIMIT = 16 * 1024 * 1024


def _setting(variable: str, default: int) -> int:
    text = os.environ.get(variable)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise EcgkgError(f"{variable}={text!r}: give a positive whole number")
    return value


def max_query_depth() -> int:
    return _setting(QUERY_DEPTH_VARIABLE, DEFAULT_QUERY_DEPTH)


def max_xml_expansion() -> int:
    return _setting(XML_EXPANSION_VARIABLE, DEFAULT_XML_EXPANSION)


def check_query_depth(sparql: str, where: str) -> None:
    """EcgkgError if brackets ({, ( and [, outside strings, IRIs and comments) nest too deep."""
    from ecgkg.library import tokens

    limit = max_query_depth()
    depth = deepest = 0
    for token in tokens(sparql):
        if token.kind != "punct":
            continue
        if token.text in "{([":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    raise EcgkgError(f"{where}: the query nests brackets more than {limit} deep; "
                                     f"refused before parsing (set {QUERY_DEPTH_VARIABLE} to "
                                     "allow more)")
        elif token.text in "})]":
            depth = max(0, depth - 1)


_ENTITY = re.compile(rb"""<!ENTITY\s+(%\s+)?([^\s>]+)\s+("[^"]*"|'[^']*'|[^>]*)\s*>""")
_REFERENCE = re.compile(rb"&([A-Za-z_:][\w.:-]*);")


def check_xml_expansion(data: bytes, shown: str) -> None:
    """EcgkgError if the entities an XML document declares would expand past the limit.

    Each entity's expanded size is computed from its declaration (entities within entities
    multiply); the document's references then add up. External entities (SYSTEM, PUBLIC) are
    refused outright: reading them would fetch files or URLs the user did not name.
    """
    if b"<!ENTITY" not in data:
        return
    limit = max_xml_expansion()
    declared: dict[bytes, bytes] = {}
    for match in _ENTITY.finditer(data):
        value = match.group(3)
        if value[:1] not in (b'"', b"'"):
            raise EcgkgError(f"{shown}: declares an external XML entity "
                             f"({match.group(2).decode('utf-8', 'replace')}); not read")
        declared.setdefault(match.group(2), value[1:-1])
    sizes: dict[bytes, int] = {}

    def size(name: bytes, seen: tuple[bytes, ...]) -> int:
        if name in sizes:
            return sizes[name]
        if name in seen:
            raise EcgkgError(f"{shown}: XML entity {name.decode('utf-8', 'replace')} refers to "
                             "itself")
        text = declared.get(name)
        if text is None:
            return len(name) + 2  # a predefined or undeclared entity: the parser decides
        total = len(_REFERENCE.sub(b"", text))
        for reference in _REFERENCE.finditer(text):
            total += size(reference.group(1), (*seen, name))
            if total > limit:
                break
        sizes[name] = total
        return total

    end_of_doctype = data.find(b"]>")
    body = data[end_of_doctype + 2:] if end_of_doctype >= 0 else data
    expanded = 0
    for reference in _REFERENCE.finditer(body):
        expanded += size(reference.group(1), ())
        if expanded > limit:
            raise EcgkgError(f"{shown}: its XML entities expand to more than {limit:,} bytes; "
                             f"refused before parsing (set {XML_EXPANSION_VARIABLE} to allow "
                             "more)")


DEFAULT_QUERY_TIMEOUT = 300.0  # seconds a local query may run (`ecgkg query --timeout`)


def federated_services(sparql: str) -> list[str]:
    """The services a query calls with SERVICE (an IRI, or ?var for one chosen at run time)."""
    from ecgkg.library import tokens

    found = []
    toks = tokens(sparql)
    for i, token in enumerate(toks):
        if token.kind == "word" and token.text.upper() == "SERVICE":
            following = [t for t in toks[i + 1:i + 3] if t.text.upper() != "SILENT"]
            found.append(following[0].text if following else "?")
    return found


def check_no_service(sparql: str, where: str) -> None:
    """EcgkgError if a local query would call a remote SPARQL service."""
    services = federated_services(sparql)
    if services:
        raise EcgkgError(f"{where}: the query calls SERVICE {services[0]}: the embedded store "
                         "sends no request to another host unless --allow-service is given")


def within(seconds: float, work, what: str):
    """work() in a worker thread, bounded by `seconds` and by Ctrl-C.

    The engine releases Python's lock while it computes, so the waiting thread stays responsive:
    past the bound, or on Ctrl-C, the caller gets an EcgkgError at once (exit 2, or 130 for
    Ctrl-C) and the abandoned computation ends with the process.
    """
    import threading

    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed to the caller below
            # Without its traceback: the frames hold the engine's objects, which must be
            # dropped in the thread that made them.
            outcome["error"] = error.with_traceback(None)

    worker = threading.Thread(target=run, name="ecgkg-bounded", daemon=True)
    worker.start()
    try:
        worker.join(seconds)
    except KeyboardInterrupt:
        raise EcgkgError(f"{what}: interrupted (Ctrl-C)", exit_code=130) from None
    if worker.is_alive():
        raise EcgkgError(f"{what}: did not finish within {seconds:g} s (--timeout)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
