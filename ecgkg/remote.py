"""Queries on a remote SPARQL 1.1 endpoint through SPARQLWrapper, answered like local ones.

The query is sent by POST (URL-encoded form, the W3C protocol's most widely supported way),
with content negotiation only: SELECT and ASK ask for SPARQL JSON results, which become the same
rows of pyoxigraph terms a local query gives, so they render identically; CONSTRUCT and DESCRIBE
ask for Turtle or N-Triples. Credentials come from ECGKG_ENDPOINT_USER and
ECGKG_ENDPOINT_PASSWORD (or the URL's userinfo) and stay with the endpoint's origin (see
ecgkg.http: Basic, or Digest when asked; no redirect to another origin). Only queries are sent,
always as `query=`: an update is refused before anything is sent. The whole exchange is bounded by the timeout: an endpoint
that refuses, fails or never answers gives one line of error, not a hang.

The bundled queries have no GRAPH clause: they expect the default graph to hold the merged data,
as `ecgkg load` leaves it (each file in its named graph and their merge in the default graph).
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request

import pyoxigraph as ox

from ecgkg import http
from ecgkg.errors import EcgkgError
from ecgkg.library import sparql_operation
from ecgkg.query import QueryResult
from ecgkg.results import rows_from_json

USER_VARIABLE = http.USER_VARIABLE
PASSWORD_VARIABLE = http.PASSWORD_VARIABLE
DEFAULT_TIMEOUT = 30.0

# What a failed exchange looks like to SPARQLWrapper, by exception class name.
_HTTP_CODES = {
    "QueryBadFormed": 400,
    "Unauthorized": 401,
    "EndPointNotFound": 404,
    "URITooLong": 414,
    "EndPointInternalError": 500,
}


def check_endpoint_url(url: str) -> None:
    http.check_url(url, "--endpoint")


# SPARQLWrapper opens its requests with urllib's installed opener; ours is installed only for
# the length of one exchange, one exchange at a time.
_OPENER_LOCK = threading.Lock()


def body_excerpt(body: object) -> str:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    text = " ".join(str(body or "").split())
    return text[:200] + ("..." if len(text) > 200 else "")


def describe_failure(endpoint: str, error: BaseException, timeout: float) -> str:
    """One line saying what went wrong with an exchange, for people (no password shown)."""
    endpoint = http.masked(endpoint)
    name = type(error).__name__
    if isinstance(error, http.RedirectRefused):
        return f"{endpoint} {error}"
    if name in _HTTP_CODES:
        # SPARQLWrapper's message: "Name: explanation. \n\nResponse:\nb'...'"
        text = str(error)
        body = text.split("Response:", 1)[1] if "Response:" in text else ""
        body = body.strip()
        if body.startswith(("b'", 'b"')):
            body = body[2:-1]
        detail = body_excerpt(body)
        return f"{endpoint} answered HTTP {_HTTP_CODES[name]}" + (f": {detail}" if detail else "")
    if isinstance(error, urllib.error.HTTPError):
        try:
            detail = body_excerpt(error.read())
        except Exception:  # noqa: BLE001 - the body is a courtesy
            detail = ""
        return f"{endpoint} answered HTTP {error.code} {error.reason}" + (
            f": {detail}" if detail else "")
    if isinstance(error, urllib.error.URLError):
        reason = error.reason
        if isinstance(reason, http.RedirectRefused):
            return f"{endpoint} {reason}"
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return f"{endpoint} did not answer within {timeout:g} s"
        if isinstance(reason, ConnectionRefusedError):
            return f"cannot reach {endpoint}: connection refused"
        if isinstance(reason, socket.gaierror):
            return f"cannot reach {endpoint}: unknown host"
        return f"cannot reach {endpoint}: {reason}"
    if isinstance(error, (socket.timeout, TimeoutError)):
        return f"{endpoint} did not answer within {timeout:g} s"
    if isinstance(error, ConnectionError):
        return f"lost the connection to {endpoint}: {error}"
    return f"query on {endpoint} failed: {name}: {error}"


def _exchange(endpoint: str, sparql: str, form: str, timeout: float,
              default_graph: str | None = None) -> tuple[bytes, str]:
    """POST the query; the raw answer and its media type."""
    from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper

    client = SPARQLWrapper(http.without_userinfo(endpoint))
    client.setMethod(POST)
    client.setRequestMethod(URLENCODED)
    client.setOnlyConneg(True)  # the W3C protocol only: no format=/output= extras
    client.setReturnFormat(JSON if form in ("SELECT", "ASK") else TURTLE)
    client.setTimeout(max(1, int(timeout + 0.999)))
    client.setQuery(sparql)
    if default_graph:
        client.addDefaultGraph(default_graph)
    # The form was decided by parsing (sparql_operation), not by SPARQLWrapper's keyword search,
    # which takes an update for a query (or the reverse) when the text holds both keywords.
    client.queryType = form
    if client.isSparqlUpdateRequest():
        raise EcgkgError(f"not sent: {form} is not a query form")
    if form in ("CONSTRUCT", "DESCRIBE"):
        client.addCustomHttpHeader(
            "Accept", "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5")
    with _OPENER_LOCK:
        # Credentials go through the opener, bound to the endpoint's origin; never as a header
        # SPARQLWrapper would add to every request, redirected ones included.
        urllib.request.install_opener(http.opener(endpoint))
        try:
            answer = client.query()
            media_type = answer.response.headers.get("Content-Type", "")
            return answer.response.read(), media_type
        finally:
            urllib.request.install_opener(None)


def endpoint_query(endpoint: str, sparql: str, timeout: float = DEFAULT_TIMEOUT,
                   default_graph: str | None = None) -> QueryResult:
    """Run a query (parameters already bound) on a SPARQL 1.1 endpoint, within `timeout` seconds."""
    check_endpoint_url(endpoint)
    kind, form = sparql_operation(sparql)
    if kind == "update":
        raise EcgkgError(f"ecgkg query runs queries only: this is a SPARQL update ({form}); "
                         "nothing was sent")
    form = form or "SELECT"
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["answer"] = _exchange(endpoint, sparql, form, timeout, default_graph)
        except BaseException as error:  # noqa: BLE001 - reported to the caller below
            outcome["error"] = error

    # A daemon thread bounds the whole exchange: socket timeouts bound each read, but not an
    # endpoint that trickles bytes forever.
    worker = threading.Thread(target=work, name="ecgkg-endpoint-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise EcgkgError(f"{http.masked(endpoint)} did not answer within {timeout:g} s")
    if isinstance(outcome.get("error"), EcgkgError):
        raise outcome["error"]
    if "error" in outcome:
        raise EcgkgError(describe_failure(endpoint, outcome["error"], timeout)) from None
    body, media_type = outcome["answer"]
    return parse_answer(http.masked(endpoint), form, body, media_type)


def parse_answer(endpoint: str, form: str, body: bytes, media_type: str) -> QueryResult:
    """A QueryResult from an endpoint's answer, as the local engine would give it."""
    if form in ("SELECT", "ASK"):
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise EcgkgError(f"{endpoint} did not answer with SPARQL JSON results "
                             f"(got {media_type or 'no media type'}: "
                             f"{body_excerpt(body[:400])})") from None
        if form == "ASK" or (isinstance(document, dict) and "boolean" in document):
            if not isinstance(document, dict) or not isinstance(document.get("boolean"), bool):
                raise EcgkgError(f"{endpoint} did not answer an ASK query with a boolean")
            return QueryResult("ask", boolean=document["boolean"])
        try:
            variables, rows = rows_from_json(document)
        except ValueError as error:
            raise EcgkgError(f"{endpoint}: {error}") from None
        return QueryResult("select", variables=variables, rows=rows)
    rdf_format = None
    if media_type:
        rdf_format = ox.RdfFormat.from_media_type(media_type.split(";")[0].strip())
    if rdf_format is None:
        rdf_format = ox.RdfFormat.TURTLE
    try:
        triples = [ox.Triple(t.subject, t.predicate, t.object)
                   for t in ox.parse(body, format=rdf_format)]
    except SyntaxError as error:
        raise EcgkgError(f"{endpoint} answered with unreadable {rdf_format.name}: {error}") from None
    return QueryResult("graph", triples=triples)
