"""`ecgkg esco`: thin verbs over ecgkg.esco's import, subset, check and suggest functions.

The library modules are imported inside the verbs, so `ecgkg --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from ecgkg.command import ErrorReportingGroup
from ecgkg.errors import EXIT_FINDING, EcgkgError


def _release_option(function):
    return click.option(
        "--release", "release_dir", type=click.Path(path_type=Path), default=None,
        help="ESCO release folder (default: $ECGKG_ESCO_DIR, else ../shared/data/esco/v1.1.1 "
             "beside the project).",
    )(function)


def _data_option(function):
    return click.option(
        "--data", "data_dir", type=click.Path(path_type=Path), default=None,
        help="Folder of data files holding the ESCO links (default: the project's data/).",
    )(function)


def _release(release_dir: Path | None) -> Path:
    from ecgkg.esco import default_release_dir

    return release_dir if release_dir is not None else default_release_dir()


def _data(data_dir: Path | None) -> Path:
    from ecgkg.sources import data_dir as project_data_dir

    return data_dir if data_dir is not None else project_data_dir()


@click.group("esco", cls=ErrorReportingGroup, context_settings={"help_option_names": ["-h", "--help"]})
def esco() -> None:
    """ESCO: import a release, keep the linked subset, check links, suggest concepts.

    Reads the official ESCO CSV package from a local folder, never the network. Verbs other
    than import take the release folder from --release, else $ECGKG_ESCO_DIR, else
    ../shared/data/esco/v1.1.1 beside the project.

    \b
    Example:
      ecgkg esco import ../shared/data/esco/v1.1.1 -o esco-v1.1.1.nt
      ecgkg esco check --release ../shared/data/esco/v1.2.0-partial
    """


@esco.command("import")
@click.argument("release_dir", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--language", "languages", default="en", show_default=True,
              help="Languages to import, comma separated; the first gives the concepts and "
                   "relations, the others add their labels.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="RDF file to write: .nt (N-Triples), .nq (N-Quads) or .ttl (Turtle).")
@click.option("--endpoint", default=None, metavar="URL",
              help="Store to put the imported graph into: a SPARQL query endpoint ending in "
                   "/query (Oxigraph; its Graph Store is .../store) or a Graph Store Protocol "
                   "URL.")
@click.option("--graph", "graph_iri", default=None, metavar="IRI",
              help="Named graph for --endpoint (default: https://w3id.org/ecgkg/graph/esco/"
                   "v{version}); replaced whole.")
@click.option("--timeout", default=600.0, show_default=True, type=float,
              help="Seconds to wait for the store to take the graph (--endpoint).")
@click.option("--version", "version", default=None,
              help="ESCO version, when the folder name (v1.1.1) does not give it.")
@click.option("--problems", "max_problems", default=20, show_default=True, type=int,
              help="How many problems to list (0: all).")
def import_command(release_dir: Path, languages: str, output: Path | None, endpoint: str | None,
                   graph_iri: str | None, timeout: float, version: str | None,
                   max_problems: int) -> None:
    """Convert an ESCO CSV package (DIR) into RDF and print exact counts and problems.

    Streams every CSV once. Rows that cannot be placed (a relation to a concept the release
    does not have, a blank required cell) are not written; each is listed with file and line.
    Without -o or --endpoint nothing is written: the package is only checked and counted.

    \b
    Example:
      ecgkg esco import ../shared/data/esco/v1.1.1 -o esco-v1.1.1.nt
      ecgkg esco import ../shared/data/esco/v1.1.1 --language en,nl -o esco.ttl
      ecgkg esco import ../shared/data/esco/v1.1.1 --endpoint http://localhost:7878/query
    """
    from ecgkg.esco.importer import import_release
    from ecgkg.esco.package import release_version

    put_graph = None
    if endpoint is not None:
        put_graph = _put_graph_function()
        if output is not None and output.suffix.lower() == ".ttl":
            raise EcgkgError("--endpoint sends N-Triples: give -o FILE.nt, or no -o")
    language_list = tuple(x.strip() for x in languages.split(",") if x.strip())

    if endpoint is not None and output is None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="ecgkg-esco-") as folder:
            target = Path(folder) / f"esco-v{release_version(release_dir, version)}.nt"
            report = import_release(release_dir, language_list, target, progress=True,
                                    version=version)
            _print_report(report, max_problems)
            _put(put_graph, endpoint, graph_iri, report.version, target, timeout)
        return
    report = import_release(release_dir, language_list, output, progress=True, version=version)
    _print_report(report, max_problems)
    if output is None:
        click.echo("nothing written (give -o FILE or --endpoint URL to write the graph)")
    else:
        from ecgkg.sources import display_path

        click.echo(f"wrote {display_path(output)}")
    if put_graph is not None and output is not None:
        _put(put_graph, endpoint, graph_iri, report.version, output, timeout)


def _put_graph_function():
    """ecgkg.load.put_graph, looked up when --endpoint is used (the loader is optional)."""
    try:
        from ecgkg import load
    except ImportError:
        load = None
    put_graph = getattr(load, "put_graph", None)
    if put_graph is None:
        raise EcgkgError(
            "--endpoint is not yet supported (ecgkg.load.put_graph is not available): write a "
            "file with -o FILE and load it into the store instead"
        )
    return put_graph


def _put(put_graph, endpoint: str, graph_iri: str | None, version: str, path: Path,
         timeout: float) -> None:
    """Replace the named graph in the store with the imported file (one HTTP PUT)."""
    import inspect
    import urllib.error
    from urllib.parse import urlsplit

    from ecgkg import load
    from ecgkg.namespaces import GRAPH

    graph = graph_iri or f"{GRAPH}esco/v{version}"
    parameters = list(inspect.signature(put_graph).parameters)
    if len(parameters) == 3:  # put_graph(endpoint, graph IRI, path)
        put_graph(endpoint, graph, path)
    else:  # put_graph(graph store URL, graph IRI, N-Triples bytes, timeout)
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise EcgkgError(f"--endpoint {endpoint}: not an http(s) URL")
        store = endpoint
        if parts.path.rstrip("/").endswith("/query") and hasattr(load, "default_graph_store"):
            store = load.default_graph_store(endpoint)
        try:
            put_graph(store, graph, path.read_bytes(), timeout)
        except (OSError, urllib.error.URLError) as error:
            describe = getattr(load, "_failure", None)
            reason = describe(store, error, timeout) if describe else str(error)
            raise EcgkgError(f"--endpoint {endpoint}: could not put <{graph}> into {store}: "
                             f"{reason}") from None
    click.echo(f"put {path.name} into <{graph}> at {endpoint}")


def _print_report(report, max_problems: int) -> None:
    for line in report.summary():
        click.echo(line)
    problems = report.problems
    by_file: dict[str, list[int]] = {}
    for problem in problems:
        counts = by_file.setdefault(problem.file, [0, 0])
        counts[0 if not problem.kept else 1] += 1
    for name, (skipped, kept) in by_file.items():
        click.echo(f"  {name}: {skipped:,} rows skipped, {kept:,} values left out")
    shown = problems if max_problems <= 0 else problems[:max_problems]
    for problem in shown:
        marker = "kept" if problem.kept else "skipped"
        click.echo(f"  [{marker}] {problem}")
    if len(shown) < len(problems):
        click.echo(f"  ... and {len(problems) - len(shown):,} more problems "
                   "(--problems 0 lists all)")


@esco.command("subset")
@_release_option
@_data_option
def subset_command(release_dir: Path | None, data_dir: Path | None) -> None:
    """Write data/esco/esco-v{version}-subset.ttl: the linked concepts and their broader chains.

    Reads the ESCO links of the data files (data/esco/ excluded) and describes, from the
    release, each linked concept and every concept above it (labels, code, status, scheme),
    in canonical Turtle. Running it again with the same links gives the same bytes.

    \b
    Example:
      ecgkg esco subset
      ecgkg esco subset --release ../shared/data/esco/v1.1.1
    """
    from ecgkg.esco.subset import write_subset
    from ecgkg.sources import display_path

    result = write_subset(_release(release_dir), _data(data_dir))
    state = "wrote" if result.changed else "unchanged"
    click.echo(f"{state} {display_path(result.path)}: {len(result.linked)} linked concepts, "
               f"{len(result.described)} described, {len(result.graph)} triples")
    for iri in result.missing:
        click.echo(f"warning: {iri} is linked but not in this release: not described "
                   "(see ecgkg esco check)", err=True)


@esco.command("check")
@_release_option
@_data_option
def check_command(release_dir: Path | None, data_dir: Path | None) -> None:
    """Check every ESCO link of the data against a release; exit 1 if a link is broken.

    One line per link: OK, CHANGED (label or status differs from the one the link
    recorded), MISSING (the release has no such concept: broken) or NOT CHECKABLE (the
    release lacks the file that would describe it; not counted as broken).

    \b
    Example:
      ecgkg esco check --release ../shared/data/esco/v1.2.0-partial
    """
    from ecgkg.esco.check import CHANGED, MISSING, NOT_CHECKABLE, OK, check_links

    checks = check_links(_release(release_dir), _data(data_dir))
    for check in checks:
        click.echo(f"{check.line()}  ({check.link})")
    counts = {o: sum(1 for c in checks if c.outcome == o)
              for o in (OK, CHANGED, MISSING, NOT_CHECKABLE)}
    version = checks[0].release if checks else "?"
    click.echo(f"{len(checks)} links against ESCO v{version}: {counts[OK]} OK, "
               f"{counts[CHANGED]} changed, {counts[MISSING]} missing, "
               f"{counts[NOT_CHECKABLE]} not checkable")
    if counts[NOT_CHECKABLE]:
        click.echo(f"note: {counts[NOT_CHECKABLE]} links could not be checked because this "
                   "release lacks the file describing them; they are not counted as broken")
    if counts[MISSING]:
        click.get_current_context().exit(EXIT_FINDING)


@esco.command("suggest")
@click.argument("text")
@click.option("--type", "kind", type=click.Choice(["occupation", "skill"]), default=None,
              help="Only occupations or only skills.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1),
              help="How many suggestions.")
@click.option("--format", "fmt", type=click.Choice(["text", "ttl"]), default="text",
              show_default=True, help="text: one line per concept; ttl: ecg:EscoLink Turtle "
                                      "ready to paste.")
@click.option("--for", "subject", default=None, metavar="IRI",
              help="With --format ttl: the agenda item or initiative the links belong to.")
@click.option("--source", default=None, metavar="IRI",
              help="With --format ttl: the source passage the links are derived from.")
@_release_option
def suggest_command(text: str, kind: str | None, top: int, fmt: str, subject: str | None,
                    source: str | None, release_dir: Path | None) -> None:
    """Propose ESCO occupations and skills for TEXT, best first, from the local release.

    Matches preferred, alternative and hidden labels: an exact preferred label scores 1.00,
    an alternative 0.95, a hidden 0.90, partial matches less.

    \b
    Example:
      ecgkg esco suggest "employment agent"
      ecgkg esco suggest "python" --type skill --top 5
      ecgkg esco suggest "identify training needs" --top 1 --format ttl \\
        --for https://w3id.org/ecgkg/id/initiative/esco-to-identify-training-needs

    The index of a release is built once (a few seconds) and kept in $ECGKG_CACHE_DIR (default
    $XDG_CACHE_HOME/ecgkg, else ~/.cache/ecgkg), so later calls answer in well under a second.
    """
    from ecgkg.esco.package import release_version
    from ecgkg.esco.suggest import suggest, suggestions_turtle

    suggestions = suggest(text, _release(release_dir), kind, top)
    if fmt == "ttl":
        version = release_version(_release(release_dir))
        click.echo(suggestions_turtle(text, suggestions, version, subject, source), nl=False)
        return
    if not suggestions:
        click.echo(f"no ESCO concept matches {text!r}")
        return
    for s in suggestions:
        matched = "" if s.label_type == "preferred" else \
            f"  (matched {s.label_type} label '{s.matched_label}')"
        click.echo(f"{s.score:.2f}  {s.kind:<10}  {s.preferred_label}  <{s.iri}>{matched}")
