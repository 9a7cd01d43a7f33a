"""One measurement, in a fresh Python process: `python benchmarks/child.py SPEC-JSON`.

benchmarks/run.py starts one of these per measurement and reads the one line of JSON it prints:

    {"parts": {"build": {"seconds": 1.2, "rss_kb": 123456, ...}, "query:NAME": {...}}}

`seconds` is the wall time of the timed part only (libraries are imported and inputs prepared
before the clock starts); `rss_kb` is the process's peak resident set size so far
(getrusage(RUSAGE_SELF).ru_maxrss), or, for a command run as a subprocess, the child's
(RUSAGE_CHILDREN). A part that does not finish within its time limit has "status": "timeout".

Engines: "ecgkg" is the library or command; "baseline" is what a user would otherwise write with
rdflib and pySHACL; "limit" is pyoxigraph (or the oxigraph binary) used directly.
"""

from __future__ import annotations

import json
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path


def peak_kb(who: int = resource.RUSAGE_SELF) -> int:
    return resource.getrusage(who).ru_maxrss


def timed_part(seconds: float, **extra) -> dict:
    return {"status": "ok", "seconds": seconds, "rss_kb": peak_kb(), **extra}


class PartTimeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise PartTimeout()


def with_timeout(seconds: float | None, function):
    """Run FUNCTION with an alarm after SECONDS: pure-Python work (rdflib) is interrupted;
    native work is interrupted when it returns to Python (the parent's timeout is the backstop)."""
    if not seconds:
        return function()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def rdflib_format(path: Path) -> str:
    return {".nt": "nt", ".ttl": "turtle", ".nq": "nquads", ".trig": "trig"}[path.suffix]


# --------------------------------------------------------------------------- subprocesses


def run_commands(spec: dict) -> dict:
    """Run the commands one after the other; time them together. Peak memory: the largest of
    the commands' peaks (RUSAGE_CHILDREN of this otherwise idle process)."""
    outputs = []
    started = time.perf_counter()
    for command in spec["commands"]:
        done = subprocess.run(command, check=False, capture_output=True, text=True,
                              cwd=spec.get("cwd"))
        outputs.append(done)
        if done.returncode not in spec.get("expect_exit", [0]):
            raise RuntimeError(
                f"{' '.join(map(str, command))} exited with {done.returncode}: "
                f"{(done.stderr or done.stdout).strip()[-800:]}")
    seconds = time.perf_counter() - started
    last = outputs[-1]
    tail = (last.stdout.strip().splitlines() or [""])[-1]
    return {"main": {"status": "ok", "seconds": seconds, "rss_kb": peak_kb(resource.RUSAGE_CHILDREN),
                     "output": tail[:300]}}


# --------------------------------------------------------------------------- build and queries


def build_and_query(spec: dict) -> dict:
    """Load the files (the build, timed), then run each bundled query with its default
    parameters (each timed; `query_timeout` seconds at most, then "timeout")."""
    from ecgkg.library import bind_values, library

    files = [Path(f) for f in spec["files"]]
    engine = spec["engine"]
    wanted = spec.get("queries", [])
    skipped = set(spec.get("skip_queries", []))
    queries = [q for q in library() if q.name in wanted]
    parts: dict[str, dict] = {}

    if engine == "ecgkg":
        from ecgkg.build import build
        from ecgkg.query import run

        started = time.perf_counter()
        built = build(files)
        parts["build"] = timed_part(time.perf_counter() - started, triples=built.triple_count)

        def answer(query):
            return len(run(query, built=built).rows)
    elif engine == "baseline":
        import rdflib

        started = time.perf_counter()
        dataset = rdflib.Dataset(default_union=True)
        for path in files:
            dataset.graph(rdflib.URIRef(path.resolve().as_uri())).parse(
                str(path), format=rdflib_format(path))
        parts["build"] = timed_part(time.perf_counter() - started, triples=len(dataset))

        def answer(query):
            return len(list(dataset.query(bind_values(query.text, query.bindings()))))
    elif engine == "limit":
        import pyoxigraph as ox

        formats = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}
        started = time.perf_counter()
        store = ox.Store()
        for path in files:  # all into the default graph: the RDF merge, each triple once
            store.load(path=str(path), format=formats[path.suffix])
        parts["build"] = timed_part(time.perf_counter() - started, triples=len(store))

        def answer(query):
            text = bind_values(query.text, query.bindings())
            return len(list(store.query(text)))
    else:
        raise ValueError(f"unknown engine {engine!r}")

    for query in queries:
        key = f"query:{query.name}"
        if query.name in skipped:
            parts[key] = {"status": "skipped"}
            continue
        times = []
        try:
            for _ in range(spec.get("query_runs", 1)):
                started = time.perf_counter()
                rows = with_timeout(spec.get("query_timeout"), lambda q=query: answer(q))
                times.append(time.perf_counter() - started)
        except PartTimeout:
            parts[key] = {"status": "timeout", "seconds": time.perf_counter() - started,
                          "rss_kb": peak_kb()}
            continue
        # Several runs in the process (query_runs): their median, so that one slow run of a
        # query of a tenth of a second does not make the figure.
        parts[key] = timed_part(statistics.median(times), rows=rows, runs=len(times))
    return parts


# --------------------------------------------------------------------------- export


def export(spec: dict) -> dict:
    """Load the files (not timed), then write the whole graph as N-Triples, Turtle and RDF/XML
    (each timed). A later part's peak memory includes the earlier parts'."""
    files = [Path(f) for f in spec["files"]]
    outputs = {fmt: Path(path) for fmt, path in spec["outputs"].items()}
    engine = spec["engine"]
    if engine == "ecgkg":
        from ecgkg.build import build
        from ecgkg.export import export as ecgkg_export

        built = build(files)

        def write(fmt: str, out: Path) -> None:
            ecgkg_export(built, fmt, out)
    elif engine == "baseline":
        import rdflib

        graph = rdflib.Graph()
        for path in files:
            graph.parse(str(path), format=rdflib_format(path))

        def write(fmt: str, out: Path) -> None:
            graph.serialize(destination=str(out),
                            format={"nt": "nt", "ttl": "turtle", "xml": "xml"}[fmt],
                            encoding="utf-8")
    elif engine == "limit":
        import pyoxigraph as ox

        from ecgkg.export import EXPORT_FORMATS
        from ecgkg.namespaces import PREFIXES

        # The engine's own dump of a store holding the merge in its default graph: each file
        # loaded there (each triple once), what ecgkg's export is measured against (issue 15.2).
        formats = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}
        store = ox.Store()
        for path in files:
            store.load(path=str(path), format=formats[path.suffix])

        def write(fmt: str, out: Path) -> None:
            store.dump(str(out), EXPORT_FORMATS[fmt], from_graph=ox.DefaultGraph(),
                       prefixes=PREFIXES if fmt == "ttl" else None)
    else:
        raise ValueError(f"unknown engine {engine!r}")
    parts = {}
    for fmt in ("nt", "ttl", "xml"):
        if fmt in outputs:
            started = time.perf_counter()
            write(fmt, outputs[fmt])
            seconds = time.perf_counter() - started
            parts[f"export:{fmt}"] = timed_part(seconds, bytes=outputs[fmt].stat().st_size)
    return parts


# --------------------------------------------------------------------------- ESCO import


def esco_import(spec: dict) -> dict:
    """ecgkg: import the release to N-Triples; limit: pyoxigraph parses that N-Triples file."""
    out = Path(spec["output"])
    if spec["engine"] == "ecgkg":
        from ecgkg.esco.importer import import_release

        started = time.perf_counter()
        report = import_release(Path(spec["release"]), ("en",), out, progress=False)
        return {"main": timed_part(time.perf_counter() - started, triples=report.triples)}
    if spec["engine"] == "limit":
        import pyoxigraph as ox

        started = time.perf_counter()
        count = 0
        for _ in ox.parse(path=str(out), format=ox.RdfFormat.N_TRIPLES):
            count += 1
        return {"main": timed_part(time.perf_counter() - started, triples=count)}
    raise ValueError(f"unknown engine {spec['engine']!r}")


# --------------------------------------------------------------------------- shape fixtures


def compare_fixtures(spec: dict) -> dict:
    """ecgkg's (focus node, constraint component, severity) results against plain pySHACL's
    (shapes/*.ttl merged, the ontology as ont_graph, no inference) on every shape fixture."""
    import logging

    import pyshacl
    import rdflib

    from ecgkg.validate import validate

    logging.disable(logging.ERROR)  # ill-typed literals in the fixtures are findings, not logs
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    shapes = rdflib.Graph()
    for path in sorted(Path(spec["shapes"]).glob("*.ttl")):
        shapes.parse(str(path), format="turtle")
    ontology = rdflib.Graph()
    for path in sorted(Path(spec["ontology"]).glob("*.ttl")):
        ontology.parse(str(path), format="turtle")
    fixtures = []
    for path in sorted(Path(spec["fixtures"]).glob("*/*.ttl")):
        ours = {(str(r.focus_node), str(r.component), r.severity)
                for r in validate([path]).results}
        data = rdflib.Graph()
        data.parse(str(path), format="turtle")
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology,
                                        inference="none")
        theirs = {(str(report.value(n, sh.focusNode)),
                   str(report.value(n, sh.sourceConstraintComponent)),
                   str(report.value(n, sh.resultSeverity)).rsplit("#", 1)[-1])
                  for n in report.objects(None, sh.result)}
        fixtures.append({
            "fixture": f"{path.parent.name}/{path.name}", "results": len(ours),
            "agree": ours == theirs,
            "only_ecgkg": sorted(map(list, ours - theirs))[:5],
            "only_pyshacl": sorted(map(list, theirs - ours))[:5],
        })
    return {"main": {"status": "ok", "fixtures": fixtures}}


KINDS = {
    "commands": run_commands,
    "build_query": build_and_query,
    "export": export,
    "esco_import": esco_import,
    "fixtures": compare_fixtures,
}


def main() -> None:
    spec = json.loads(sys.argv[1])
    parts = KINDS[spec["kind"]](spec)
    print(json.dumps({"parts": parts}))


if __name__ == "__main__":
    main()
