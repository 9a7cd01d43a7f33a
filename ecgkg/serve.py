"""`ecgkg serve`: a local, read-only SPARQL endpoint over the graph, for people without a store.

Runs the Oxigraph server (the `oxigraph` binary from the PyPI package of that name, found next to
the Python interpreter or on PATH): the graph is loaded into a database folder, each file in its
own named graph and their RDF merge in the default graph (as `ecgkg build` makes it), then served
read-only on 127.0.0.1, so the bundled queries run unchanged with `ecgkg query NAME --endpoint
URL` and count each fact once.

With --docs it also builds the documentation site (`ecgkg docs`) and serves it on a second
loopback port with Python's HTTP server; the site's query pages then link into this server's
query UI.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import math
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from ecgkg.errors import EcgkgError
from ecgkg.limits import DEFAULT_QUERY_TIMEOUT

HOST = "127.0.0.1"
DEFAULT_PORT = 7878
START_TIMEOUT = 30.0


def oxigraph_binary() -> str:
    """The `oxigraph` server executable: beside sys.executable (a virtualenv), else on PATH."""
    folder = Path(sys.executable).parent
    for name in ("oxigraph", "oxigraph.exe"):
        candidate = folder / name
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise EcgkgError("the Oxigraph server is not installed: `pip install oxigraph` "
                     "(the PyPI package of the server binary, not pyoxigraph)")


def _run(arguments: list[str], what: str) -> None:
    completed = subprocess.run(arguments, capture_output=True, text=True, timeout=600,
                               check=False)
    if completed.returncode != 0:
        message = " ".join((completed.stderr or completed.stdout).split())[:300]
        raise EcgkgError(f"{what} failed: {message}")


def fill_location(location: Path, paths: list[Path] | None = None) -> int:
    """Replace the database in `location` with the graph; returns the number of quads."""
    from ecgkg.build import build

    if location.exists() and any(location.iterdir()) and not (location / "CURRENT").exists():
        raise EcgkgError(f"--location {location}: not empty and not an Oxigraph database; "
                         "give an empty or new folder")
    built = build(paths)
    location.mkdir(parents=True, exist_ok=True)
    binary = oxigraph_binary()
    if (location / "CURRENT").exists():
        _run([binary, "update", "--location", str(location), "--update", "CLEAR ALL"],
             f"clearing {location}")
    buffer = io.BytesIO()
    built.store.dump(buffer, format=ox.RdfFormat.N_QUADS)
    with tempfile.TemporaryDirectory(prefix="ecgkg-serve-") as scratch:
        dump = Path(scratch) / "ecgkg.nq"
        dump.write_bytes(buffer.getvalue())
        _run([binary, "load", "--location", str(location), "--file", str(dump)],
             f"loading the graph into {location}")
    return built.triple_count


def server_output(process: subprocess.Popen) -> str:
    """What the server wrote to its log (stderr), on one line."""
    log = getattr(process, "ecgkg_log", None)
    if log is None:
        return ""
    log.seek(0)
    return " ".join(log.read().decode("utf-8", "replace").split())[-300:]


def check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise EcgkgError(f"--port {port}: cannot listen on {host}:{port} "
                             f"({error.strerror or error}); choose another port") from None


def wait_until_answering(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Poll the query endpoint until it answers, the server exits, or `timeout` passes."""
    probe = urllib.request.Request(url + "?query=ASK%7B%7D",
                                   headers={"Accept": "application/sparql-results+json"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EcgkgError(f"the Oxigraph server stopped at start: "
                             f"{server_output(process) or 'no message'}")
        try:
            with urllib.request.urlopen(probe, timeout=1) as response:
                response.read()
            time.sleep(0.2)  # the answer must come from our server, still running
            if process.poll() is None:
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise EcgkgError(f"the Oxigraph server did not answer at {url} within {timeout:g} s")


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate a server process, and kill it if it has not ended within `timeout` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_server(location: Path, port: int, read_only: bool = True,
                   host: str = HOST, query_timeout: float | None = None,
                   ) -> Iterator[tuple[str, subprocess.Popen]]:
    """An Oxigraph server on `location`: its query URL and process; `query_timeout` seconds
    bound each query it answers."""
    command = "serve-read-only" if read_only else "serve"
    extra = ["--timeout-s", str(max(1, math.ceil(query_timeout)))] if query_timeout else []
    check_port_free(host, port)
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finally; not a pipe, which a
    # server that logs much would fill and block on
    process = subprocess.Popen(
        [oxigraph_binary(), command, "--location", str(location), "--bind", f"{host}:{port}",
         *extra],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log,
    )
    process.ecgkg_log = log
    url = f"http://{host}:{port}/query"
    try:
        wait_until_answering(url, process, START_TIMEOUT)
        yield url, process
    finally:
        stop(process)
        log.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass  # one line per page fetched would bury the server's own messages


@contextmanager
def docs_server(site: Path, port: int, host: str = HOST) -> Iterator[str]:
    """The static site in `site` served on host:port from a thread; yields its URL."""
    check_port_free(host, port)
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(port: int = DEFAULT_PORT, location: Path | None = None,
          paths: list[Path] | None = None, announce=print,
          query_timeout: float = DEFAULT_QUERY_TIMEOUT, docs_port: int | None = None) -> None:
    """Load the graph and serve it read-only until interrupted (Ctrl-C, or SIGTERM); each query
    may run `query_timeout` seconds. With `docs_port`, the documentation site too, there."""
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _interrupt)  # stop the server too, not only us
    scratch = None
    if location is None:
        scratch = tempfile.TemporaryDirectory(prefix="ecgkg-store-")
        location = Path(scratch.name) / "db"
    site_scratch = None
    try:
        check_port_free(HOST, port)  # before the load, not after
        docs = contextlib.nullcontext(None)
        if docs_port is not None:
            if docs_port == port:
                raise EcgkgError(f"--docs-port {docs_port}: the SPARQL server's port; "
                                 "choose another")
            check_port_free(HOST, docs_port)
            from ecgkg.docs.site import build_site

            site_scratch = tempfile.TemporaryDirectory(prefix="ecgkg-site-")
            site = Path(site_scratch.name) / "site"
            build_site(site, paths, server=f"http://{HOST}:{port}/")
            docs = docs_server(site, docs_port)
        quads = fill_location(location, paths)
        with running_server(location, port, query_timeout=query_timeout) as (url, process), \
                docs as site_url:
            try:
                announce(f"serving {quads} triples read-only at {url} "
                         f"(database: {location}); Ctrl-C stops")
                announce(f"  ecgkg query meetings-by-year --endpoint {url}")
                if site_url:
                    announce(f"documentation at {site_url} (its query pages open their "
                             f"query in the UI at http://{HOST}:{port}/)")
                while process.poll() is None:
                    time.sleep(0.5)
            except KeyboardInterrupt:
                announce("stopped")
                return
            if process.returncode in (-signal.SIGINT, 128 + signal.SIGINT):
                announce("stopped")  # Ctrl-C reached the server before us
                return
            raise EcgkgError(f"the Oxigraph server stopped (exit {process.returncode}): "
                             f"{server_output(process) or 'no message'}")
    finally:
        if site_scratch is not None:
            site_scratch.cleanup()
        if scratch is not None:
            scratch.cleanup()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
