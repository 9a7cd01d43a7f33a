"""`ecgkg serve`: a read-only Oxigraph endpoint over the graph, in the foreground until Ctrl-C."""

from __future__ import annotations

import csv
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import popen_as_from_a_terminal
from oxigraph_server import free_port

from ecgkg.build import build
from ecgkg.cli import main
from ecgkg.library import library
from ecgkg.query import run
from ecgkg.results import term_text

# Seconds per test (see the README: `pytest -m "not slow"` is the edit-test loop).
pytestmark = pytest.mark.slow

STARTUP = 60.0


class Served:
    """`python -m ecgkg serve ...` as a user runs it, its stderr read line by line."""

    def __init__(self, *args: str) -> None:
        self.process = popen_as_from_a_terminal(
            [sys.executable, "-m", "ecgkg", "serve", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, cwd=Path(__file__).resolve().parent.parent,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float = STARTUP) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        pytest.fail(f"`ecgkg serve` never printed {pattern!r}; it printed {self.seen!r}")

    def interrupt(self) -> int:
        """Ctrl-C: SIGINT, as a terminal sends it; returns the exit code."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=20)

    def stop(self) -> None:
        """SIGTERM, which `ecgkg serve` passes on to its Oxigraph server; SIGKILL if ignored."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def served(tmp_path):
    location = tmp_path / "db"
    server = Served("--port", str(free_port()), "--location", str(location))
    try:
        match = server.wait_for(r"read-only at (http://127\.0\.0\.1:\d+/query)")
        yield server, match.group(1), location
    finally:
        server.stop()


def test_serve_answers_every_query_like_the_embedded_store(served):
    _server, url, _location = served
    built = build()
    golden = Path(__file__).resolve().parent / "golden"
    for query in library():
        served_rows = run(query, endpoint=url).term_rows()
        assert served_rows == run(query, built=built).term_rows(), query.name
        with (golden / f"{query.name}.tsv").open(encoding="utf-8", newline="") as source:
            expected = list(csv.reader(source, delimiter="\t"))[1:]
        assert [[term_text(t) for t in row] for row in served_rows] == expected, query.name


def test_served_store_is_read_only(served):
    _server, url, _location = served
    request = urllib.request.Request(url.replace("/query", "/store") + "?default",
                                     data=b"<urn:a> <urn:b> <urn:c> .", method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code >= 400
    update = urllib.request.Request(url.replace("/query", "/update"),
                                    data=b"update=DROP%20ALL", method="POST",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(update, timeout=10)


def test_ctrl_c_stops_the_server_and_a_restart_reloads_the_location(served):
    server, url, location = served
    assert server.interrupt() == 0
    server.wait_for("stopped", timeout=5)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2)
    assert (location / "CURRENT").exists()  # the database stays where it was asked to be
    again = Served("--port", str(free_port()), "--location", str(location))
    try:
        match = again.wait_for(r"serving (\d+) triples read-only at (\S+)")
        assert int(match.group(1)) == build().triple_count  # reloaded, not doubled
    finally:
        assert again.interrupt() == 0


def test_sigterm_stops_the_oxigraph_server_too(served):
    server, url, _location = served
    server.stop()
    assert server.process.returncode == 0
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2)


def test_serve_refuses_a_folder_that_is_not_a_database(tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", "--port", str(free_port()),
                                       "--location", str(tmp_path)])
    assert result.exit_code == 2
    assert "not empty and not an Oxigraph database" in result.output
    assert os.listdir(tmp_path) == ["notes.txt"]


def test_serve_reports_a_port_in_use(tmp_path):
    server = Served("--port", str(free_port()))
    try:
        url = server.wait_for(r"read-only at (http://127\.0\.0\.1:(\d+)/query)")
        port = url.group(2)
        clash = subprocess.run([sys.executable, "-m", "ecgkg", "serve", "--port", port],
                               capture_output=True, text=True, timeout=120, check=False)
        assert clash.returncode == 2
        assert clash.stderr == (f"ecgkg: error: --port {port}: cannot listen on "
                                f"127.0.0.1:{port} (Address already in use); choose another port\n")
    finally:
        server.interrupt()


def test_the_served_endpoint_bounds_each_query(tmp_path):
    """`ecgkg serve --timeout` reaches the Oxigraph server: a runaway query gets an error
    answer instead of holding the server."""
    from urllib.parse import urlencode

    import ecgkg.serve as serve_module

    location = tmp_path / "db"
    serve_module.fill_location(location, None)
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with serve_module.running_server(location, free_port(), query_timeout=1) as (url, _):
        request = urllib.request.Request(url, data=urlencode({"query": heavy}).encode(),
                                         headers={"Accept": "application/sparql-results+json"})
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=120) as answer:
            body = answer.read()
    # Oxigraph streams the answer, so the bound cuts it: the text says so and is not JSON.
    assert b"cancelled" in body
    assert time.monotonic() - started < 100  # answered by the bound, not by our client's


def test_serve_docs_links_each_query_into_the_server():
    """`serve --docs`: the site is served beside the endpoint, and each query page's link into
    the server's UI carries a query that the server's /query endpoint answers as ecgkg does."""
    import html
    import json
    from urllib.parse import parse_qs, urlencode, urlsplit

    from ecgkg.results import rows_from_json

    port, docs_port = free_port(), free_port()
    server = Served("--port", str(port), "--docs", "--docs-port", str(docs_port))
    try:
        url = server.wait_for(r"read-only at (http://127\.0\.0\.1:\d+/query)").group(1)
        site = server.wait_for(r"documentation at (http://127\.0\.0\.1:\d+/)").group(1)
        assert site == f"http://127.0.0.1:{docs_port}/"
        with urllib.request.urlopen(site, timeout=10) as index:
            assert b"timeline.svg" in index.read()
        built = build()
        queries = library()
        checked = 0
        for query in queries:
            with urllib.request.urlopen(f"{site}query-{query.name}.html", timeout=10) as page:
                text = page.read().decode("utf-8")
            (link,) = re.findall(rf'href="(http://127\.0\.0\.1:{port}/\?query=[^"]+)"', text)
            sparql = parse_qs(urlsplit(html.unescape(link)).query)["query"][0]
            if query.form != "SELECT":
                continue
            request = urllib.request.Request(
                url, data=urlencode({"query": sparql}).encode(),
                headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request, timeout=60) as answer:
                _, rows = rows_from_json(json.load(answer))
            served_rows = sorted([term_text(t) for t in row] for row in rows)
            expected = sorted([term_text(t) for t in row] for row in run(query, built=built).rows)
            assert served_rows == expected, query.name
            checked += 1
        assert checked == sum(q.form == "SELECT" for q in queries) > 0
    finally:
        server.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(site, timeout=2)  # the site stops with the server


def test_serve_docs_refuses_the_endpoint_port_for_the_site():
    port = str(free_port())
    result = CliRunner().invoke(main, ["serve", "--port", port, "--docs", "--docs-port", port])
    assert result.exit_code == 2
    assert f"--docs-port {port}: the SPARQL server's port" in result.output
