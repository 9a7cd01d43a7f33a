"""A real OpenLink Virtuoso server for the tests: 127.0.0.1, free ports, a throw-away database.

Virtuoso is the store of the EU's own linked-data services. It comes from Debian
(`apt-get install virtuoso-opensource`; `.ci/run` installs it when missing), so a missing binary
fails the tests rather than skipping them. The server is configured from scratch in a temporary
folder (no system database, no port but loopback), and the `dba` account is given the
SPARQL_UPDATE role that Virtuoso's authenticated Graph Store endpoint asks for.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from oxigraph_server import HOST, free_port

USER = "dba"
PASSWORD = "dba"  # the throw-away database's own default; nothing else has it
START_TIMEOUT = 60.0

CONFIGURATION = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = {host}:{sql_port}
DisableUnixSocket = 1
{parameters}[HTTPServer]
ServerPort = {host}:{http_port}
ServerRoot = {folder}
ServerThreads = 4
MaxClientConnections = 4
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""
# [Parameters] of a test server: small buffers (80 MB), no checkpoints; what start_virtuoso's
# PARAMETERS give replaces these.
PARAMETERS = {"DirsAllowed": ".", "NumberOfBuffers": 10000, "MaxDirtyBuffers": 6000,
              "CheckpointInterval": 0}


def binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: apt-get install virtuoso-opensource "
                    "(.ci/run does it)")
    return found


@dataclass
class VirtuosoServer:
    sparql_url: str
    graph_store_url: str  # the authenticated Graph Store Protocol endpoint (Digest)
    sql_port: int
    process: subprocess.Popen
    folder: Path

    def isql(self, statement: str) -> str:
        result = subprocess.run(
            [binary("isql-vt"), f"{HOST}:{self.sql_port}", USER, PASSWORD, f"exec={statement}"],
            capture_output=True, text=True, timeout=60)
        if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
            raise AssertionError(f"isql {statement!r}: {result.stdout} {result.stderr}")
        return result.stdout

    def select(self, sparql: str) -> list[dict]:
        data = urllib.parse.urlencode({"query": sparql}).encode("ascii")
        request = urllib.request.Request(self.sparql_url, data=data, headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())["results"]["bindings"]

    def counts_per_graph(self, prefix: str = "https://w3id.org/ecgkg/") -> dict[str, int]:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                           f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }} GROUP BY ?g')
        return {b["g"]["value"]: int(b["n"]["value"]) for b in rows}

    def stop(self) -> None:
        from ecgkg.serve import stop

        stop(self.process, timeout=30)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def ini_parameters(folder: Path, parameters: dict[str, object] | None) -> str:
    chosen = {**PARAMETERS, **(parameters or {})}
    chosen["DirsAllowed"] = f"{chosen['DirsAllowed']}, {folder}"
    return "".join(f"{key} = {value}\n" for key, value in chosen.items())


def start_virtuoso(folder: Path, parameters: dict[str, object] | None = None) -> VirtuosoServer:
    """A server on a database in FOLDER; PARAMETERS go to the ini's [Parameters] section (e.g.
    a small TransactionAfterImageLimit, the size limit of one Graph Store request; DirsAllowed,
    folders the bulk loader may read, always has FOLDER)."""
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    config = folder / "virtuoso.ini"
    config.write_text(CONFIGURATION.format(folder=folder, host=HOST, sql_port=sql_port,
                                           http_port=http_port,
                                           parameters=ini_parameters(folder, parameters)),
                      encoding="utf-8")
    log = folder / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([binary("virtuoso-t"), "+configfile", str(config),
                                    "+foreground"], cwd=folder, stdin=subprocess.DEVNULL,
                                   stdout=sink, stderr=sink)
    base = f"http://{HOST}:{http_port}"
    server = VirtuosoServer(f"{base}/sparql", f"{base}/sparql-graph-crud-auth", sql_port,
                            process, folder)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        if _answers(server.sparql_url):
            try:
                server.isql(f'GRANT SPARQL_UPDATE TO "{USER}";')
            except AssertionError as error:  # a database started before has it already
                if "already" not in str(error):
                    raise
            return server
        time.sleep(0.25)
    server.stop()
    pytest.fail("Virtuoso did not start: "
                + log.read_text(encoding="utf-8", errors="replace")[-2000:])


@pytest.fixture(scope="session")
def virtuoso_server():
    folder = Path(tempfile.mkdtemp(prefix="ecgkg-virtuoso-"))
    server = start_virtuoso(folder / "db")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
