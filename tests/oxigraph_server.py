"""A real Oxigraph server for the tests: 127.0.0.1, a free port, a temporary folder, stopped after.

Import the fixtures into a test module (`from oxigraph_server import oxigraph_server`). The
server runs a plain `oxigraph serve` (`ecgkg load` puts the merge in its default graph), and is
talked to here with the standard library only, so the tests check ecgkg's client code against
something it did not write.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

HOST = "127.0.0.1"
START_TIMEOUT = 30.0

COUNTS_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def oxigraph_binary() -> str:
    """The `oxigraph` executable of the PyPI package: beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        pytest.fail("the Oxigraph server is not installed: pip install -e '.[test]' (oxigraph)")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class OxigraphServer:
    """A running server: its query endpoint, graph store, process and database folder."""

    query_url: str
    store_url: str
    process: subprocess.Popen
    location: Path
    log: Path

    def select(self, sparql: str) -> list[dict]:
        """Bindings of a SELECT query, as SPARQL JSON."""
        data = urllib.parse.urlencode({"query": sparql}).encode("ascii")
        request = urllib.request.Request(self.query_url, data=data, headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        })
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())["results"]["bindings"]

    def counts_per_graph(self) -> dict[str, int]:
        return {b["g"]["value"]: int(b["n"]["value"]) for b in self.select(COUNTS_PER_GRAPH)}

    def quads(self) -> set[tuple[str, str, str, str]]:
        """Every quad, as the JSON of its four terms: to compare whole stores."""
        rows = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return {tuple(json.dumps(b[k], sort_keys=True) for k in "spog") for b in rows}

    def default_triples(self) -> set[tuple[str, str, str]]:
        """The triples of the default graph alone (the server has no union default graph)."""
        rows = self.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
        return {tuple(json.dumps(b[k], sort_keys=True) for k in "spo") for b in rows}

    def stop(self) -> None:
        from ecgkg.serve import stop

        stop(self.process, timeout=10)


def _answers(url: str) -> bool:
    probe = urllib.request.Request(url + "?query=ASK%7B%7D",
                                   headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(probe, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_server(location: Path, command: str = "serve") -> OxigraphServer:
    """Start `oxigraph COMMAND` on `location`; retried on another port if the port was taken."""
    location.mkdir(parents=True, exist_ok=True)
    failures = []
    for _attempt in range(3):
        port = free_port()
        log = location.parent / f"oxigraph-{port}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [oxigraph_binary(), command, "--location", str(location),
                 "--bind", f"{HOST}:{port}"],
                stdin=subprocess.DEVNULL, stdout=sink, stderr=sink,
            )
        base = f"http://{HOST}:{port}"
        server = OxigraphServer(f"{base}/query", f"{base}/store", process, location, log)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(server.query_url):
                return server
            time.sleep(0.1)
        server.stop()
        failures.append(log.read_text(encoding="utf-8", errors="replace").strip())
    pytest.fail(f"the Oxigraph server did not start: {failures}")


@pytest.fixture(scope="session")
def oxigraph_server():
    """An empty read-write Oxigraph server for the whole session."""
    folder = Path(tempfile.mkdtemp(prefix="ecgkg-oxigraph-"))
    server = start_server(folder / "db")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def loaded_server(oxigraph_server):
    """The session server with the bundled graph loaded by `ecgkg load`, as a user would."""
    from click.testing import CliRunner

    from ecgkg.cli import main

    result = CliRunner().invoke(main, ["load", "--endpoint", oxigraph_server.query_url],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return oxigraph_server


# ---- endpoints that misbehave: a tiny HTTP server on 127.0.0.1 in a thread


class Misbehaving(BaseHTTPRequestHandler):
    """Answers by the server's `mode` (500, hang, not-json, "redirect CODE URL", ok: JSON results
    or an empty 200);
    records every request; `fail_put = N` makes the Nth PUT answer 500; `server_header`
    replaces the Server header (HEAD is not answered: 501, with that header)."""

    def log_message(self, *args) -> None:  # quiet
        pass

    def version_string(self) -> str:  # the Server header: `server_header` to pose as another
        return self.server.server_header or super().version_string()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.requests.append((self.command, self.path, dict(self.headers),
                                     self.rfile.read(length)))
        mode = self.server.mode
        if self.command == "PUT":
            self.server.puts += 1
            if self.server.puts == self.server.fail_put:
                mode = "500"
        if mode == "hang":
            self.server.release.wait(60)
            return
        target = urllib.parse.urlsplit(mode.rsplit(" ", 1)[1]) if mode.startswith("redirect ") else None
        if target and (target.port, target.path) != (self.server.server_address[1], self.path):
            _, code, location = mode.split(" ", 2)  # "redirect CODE URL": to URL unless there
            self.send_response(int(code))
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "500":
            body = b"internal trouble: the store is on fire"
            self.send_response(500)
        elif mode == "not-json":
            body = b"<html>a login page</html>"
            self.send_response(200)
        else:
            body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
                {"x": {"type": "literal", "value": "ok"}}]}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer


@contextmanager
def misbehaving_endpoint(mode: str):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    server.daemon_threads = True
    server.mode = mode
    server.requests = []
    server.puts = 0
    server.fail_put = 0
    server.server_header = None
    server.release = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}/query"
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
