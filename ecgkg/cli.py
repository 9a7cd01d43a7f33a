"""The `ecgkg` command: thin click verbs over the library functions of the same names.

Heavy libraries (rdflib, pyshacl, pyoxigraph) are imported inside the verbs that need them, so
`ecgkg --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ecgkg import __version__
from ecgkg.command import SECONDS, ErrorReportingGroup
from ecgkg.errors import EcgkgError
from ecgkg.launcher import QUERY_FORMATS, announce_rebuild, run_local_query, write_answer

EXPORT_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "xml")


@click.group(cls=ErrorReportingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ecgkg")
def main() -> None:
    """Knowledge graph of the EURES Coordination Group (ECG).

    Builds the bundled ontology and data into one RDF dataset, then queries, validates or
    exports it. Run `ecgkg VERB --help` for each verb's options and an example.

    \b
    Example:
      ecgkg build
      ecgkg query queries/meetings-by-year.rq --format csv
    """


def paths_argument(function):
    return click.argument(
        "paths", nargs=-1, type=click.Path(path_type=Path)
    )(function)


def store_option(help_text: str):
    return click.option("--store", "store", type=click.Path(path_type=Path), metavar="DIR",
                        help=help_text)


def open_graph(paths: tuple[Path, ...] | list[Path], store: Path | None = None):
    """The knowledge graph the verbs work on, through the Python API; a rebuilt store says so."""
    import ecgkg

    kg = ecgkg.open(list(paths) or None, store=store)
    announce_rebuild(kg, store)
    return kg


def built_from(paths: tuple[Path, ...]):
    from ecgkg.build import build

    return build(list(paths) or None)


@main.command("build")
@store_option("Also keep the built dataset in this folder (an Oxigraph database and a manifest "
              "of the source files), for `ecgkg query --store DIR` and `ecgkg.open(store=DIR)`; "
              "a store already there is replaced once the new one is complete.")
@paths_argument
def build_command(store: Path | None, paths: tuple[Path, ...]) -> None:
    """Load the ontology and data into one dataset and print counts per class.

    Every file becomes its own named graph (its IRI names the file), so each triple knows
    where it came from; the default graph, which queries see, is their merge, so a triple
    stated in two files counts once. With PATHS, loads those files or folders instead of the
    bundled ones.

    \b
    Example:
      ecgkg build
      ecgkg build ontology data/meetings
      ecgkg build --store ~/ecgkg-store ontology data big-history.nt
    """
    from ecgkg.namespaces import PREFIXES

    if store is not None:
        from ecgkg.persist import build_store

        build_store(store, list(paths) or None)
        kg = open_graph((), store)
    else:
        kg = open_graph(paths)

    def short(iri: str) -> str:
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace) and "/" not in iri[len(namespace):]:
                return f"{prefix}:{iri[len(namespace):]}"
        return f"<{iri}>"

    click.echo(f"{len(kg.files)} files, {len(kg)} triples")
    click.echo("instances per class:")
    for iri, count in kg.class_counts():
        click.echo(f"  {count:6d}  {short(iri)}")
    if store is not None:
        click.echo(f"stored in {store}", err=True)


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """--param name=value pairs (repeatable) as a dict; the value may hold '=' and spaces."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise EcgkgError(f"--param {pair}: expected NAME=VALUE")
        if name.strip() in values:
            raise EcgkgError(f"--param {name.strip()}: given twice")
        values[name.strip()] = value
    return values


def read_stdin_text() -> str:
    """Standard input as UTF-8 text, or one line saying where it is not."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise EcgkgError(f"<stdin>: not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
                         f"{error.start})") from None


def endpoint_options(function):
    function = click.option(
        "--default-graph", metavar="IRI",
        help="With --endpoint: the graph to query as the default graph (the protocol's "
        "default-graph-uri), e.g. the --merge-graph of `ecgkg load` on Virtuoso.")(function)
    function = click.option(
        "--timeout", type=SECONDS, default=None,
        help="Seconds to wait for the endpoint (default 30) or for a local query (default 300); "
        "Ctrl-C also stops a local query.")(function)
    return click.option(
        "--endpoint", metavar="URL",
        help="A SPARQL 1.1 query endpoint to use instead of the embedded store; its default "
        "graph should hold the merged data, as `ecgkg load` leaves it. Credentials: "
        "ECGKG_ENDPOINT_USER and ECGKG_ENDPOINT_PASSWORD.")(function)


@main.command("query")
@click.argument("query_ref", metavar="NAME|FILE|-")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter (repeatable); `ecgkg queries` lists each query's "
              "parameters and types.")
@click.option("--format", "-f", "fmt", type=click.Choice(QUERY_FORMATS), default="table",
              show_default=True, help="Output: a table for people, CSV/TSV/JSON/Markdown for "
              "tools; CONSTRUCT and DESCRIBE results take an RDF format (ttl by default).")
@click.option("--data", "data_paths", multiple=True, type=click.Path(path_type=Path),
              help="Query these files or folders instead of the bundled data (repeatable).")
@store_option("Query the store `ecgkg build --store DIR` made instead of parsing the files; a "
              "store whose source files changed is rebuilt first.")
@click.option("--allow-service", is_flag=True,
              help="Let a local query call other SPARQL endpoints with SERVICE (refused by "
              "default: the embedded store sends no request the user did not ask for).")
@endpoint_options
def query_command(query_ref: str, params: tuple[str, ...], fmt: str,
                  data_paths: tuple[Path, ...], store: Path | None, allow_service: bool,
                  endpoint: str | None, timeout: float | None,
                  default_graph: str | None) -> None:
    """Run a bundled query by NAME, a SPARQL FILE, or - (standard input).

    Runs on the embedded store, whose default graph is the merge of the files (a triple stated
    in two files counts once; GRAPH ?g reaches each file's own graph), or
    with --endpoint on any SPARQL 1.1 endpoint, with the same output. Parameters are bound as
    typed RDF terms, never pasted into the query text. The project's prefixes (ecg:, ecgid:,
    skos:, ...) need no PREFIX lines. The table shows compact names and fits the terminal;
    csv, tsv and json keep full IRIs.

    \b
    Example:
      ecgkg query meetings-by-year
      ecgkg query meeting-agenda --param meeting=https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22
      ecgkg query esco-concepts-by-period -p from=2023-01-01 -p to=2023-12-31 --format csv
      ecgkg query queries/strategies.rq --endpoint http://127.0.0.1:7878/query
      ecgkg query meetings-by-year --store ~/ecgkg-store
      echo 'SELECT (COUNT(*) AS ?n) WHERE { ?m a ecg:Meeting }' | ecgkg query - --format csv
    """
    if endpoint and (data_paths or store):
        raise EcgkgError("--data/--store and --endpoint exclude each other: the endpoint has "
                         "its own data")
    if data_paths and store:
        raise EcgkgError("--data and --store exclude each other: a store knows its files "
                         "(`ecgkg build --store DIR PATHS` makes one of other files)")
    from ecgkg.library import resolve

    query = resolve(query_ref, read_stdin_text() if query_ref == "-" else None)
    values = parse_params(params)
    if not endpoint:
        run_local_query(query, fmt, store=store, data_paths=data_paths, values=values,
                        timeout=timeout, allow_service=allow_service)
        return
    from ecgkg.query import run

    write_answer(run(query, values, endpoint=endpoint, timeout=timeout,
                     default_graph=default_graph), fmt)


@main.command("export")
@click.option("--format", "-f", "fmt", type=click.Choice(EXPORT_FORMATS), default="ttl",
              show_default=True, help="nq and trig keep one named graph per source file; the "
              "others (jsonld included) write the merge, each triple once.")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="File to write (written to a temporary file, then renamed). Default: stdout.")
@paths_argument
def export_command(fmt: str, output: Path | None, paths: tuple[Path, ...]) -> None:
    """Write the whole graph (ontology and data) in one RDF format.

    \b
    Example:
      ecgkg export --format nq -o ecgkg.nq
      ecgkg export --format jsonld > ecgkg.jsonld
    """
    if output is None:
        from ecgkg.export import export

        export(built_from(paths), fmt, None)
        return
    open_graph(paths).export(output, format=fmt)
    click.echo(f"wrote {output}", err=True)


@main.command("format")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file is not canonical.")
@click.option("--drop-comments", is_flag=True,
              help="Drop the comments canonical Turtle has no place for (inside a statement) "
              "instead of refusing the file.")
@paths_argument
def format_command(check: bool, drop_comments: bool, paths: tuple[Path, ...]) -> None:
    """Rewrite Turtle files in canonical form (default: ontology/, data/ and shapes/).

    Canonical form is what the tests demand: sorted, stable Turtle with the project's prefixes.
    Comments are kept at the top of a file, before a subject's block (moving with it) and at
    the end. A comment inside a statement has no place in canonical form: the file is refused
    (exit 2, naming its lines, nothing written) unless --drop-comments.

    \b
    Example:
      ecgkg format
      ecgkg format --check data/meetings/ECG-2023-11-22.ttl
      ecgkg format --drop-comments data/meetings/ECG-2024-06-12.ttl
    """
    from ecgkg.canonical import format_files, lost_comments_reason
    from ecgkg.sources import data_dir, display_path, ontology_dir, rdf_files, shapes_dir

    targets = list(paths) or [p for p in (ontology_dir(), data_dir(), shapes_dir()) if p.exists()]
    files = [p for p in rdf_files(targets) if p.suffix == ".ttl"]
    results = format_files(files, check=check, drop_comments=drop_comments)
    changed = [r for r in results if r.changed]
    for result in changed:
        if check and result.lost:
            click.echo(f"{display_path(result.path)}: not canonical; "
                       f"{lost_comments_reason(result)}", err=True)
            continue
        verb = "not canonical" if check else "reformatted"
        click.echo(f"{display_path(result.path)}: {verb}", err=True)
    click.echo(f"{len(files)} files, {len(changed)} {'not canonical' if check else 'rewritten'}",
               err=True)
    if check and changed:
        sys.exit(1)


@main.command("queries")
@click.option("--verbose", "-v", is_flag=True, help="Also show descriptions and defaults.")
def queries_command(verbose: bool) -> None:
    """List the bundled queries (queries/*.rq) with their titles and parameters.

    Run one with `ecgkg query NAME`, binding parameters with --param NAME=VALUE.

    \b
    Example:
      ecgkg queries
      ecgkg queries --verbose
    """
    import textwrap

    from ecgkg.library import library

    queries = library()
    width = max((len(q.name) for q in queries), default=0)
    for query in queries:
        click.echo(f"{query.name.ljust(width)}  {query.title}")
        indent = " " * (width + 2)
        if verbose and query.description:
            for line in textwrap.wrap(query.description, 96 - len(indent)):
                click.echo(indent + line)
        for param in query.params:
            line = f"{indent}--param {param.name}=<{param.type}>"
            if verbose:
                line += f"  {param.description} (default: {param.shown_default})"
            click.echo(line)


@main.command("load")
@click.option("--endpoint", metavar="URL",
              help="The store's SPARQL query endpoint; for Oxigraph (.../query) the Graph Store "
              "Protocol URL is guessed from it (.../store).")
@click.option("--graph-store", metavar="URL",
              help="The store's SPARQL 1.1 Graph Store Protocol URL (Oxigraph: .../store; "
              "Fuseki: .../DATASET/data).")
@click.option("--timeout", type=SECONDS, default=30.0, show_default=True,
              help="Seconds to wait for each upload request (a PUT of a million triples into "
              "Oxigraph can take minutes).")
@click.option("--merge-graph", metavar="IRI",
              help="Put the merge into this named graph instead of the default graph, for a "
              "store without a default graph of its own (Virtuoso); query it with "
              "`ecgkg query --endpoint URL --default-graph IRI`.")
@click.option("--location", type=click.Path(path_type=Path), metavar="DIR",
              help="Instead of a server, an Oxigraph database folder on this machine (new, "
              "empty, or one `oxigraph serve --location DIR` uses, not while it runs), loaded "
              "with the engine's bulk loader.")
@click.option("--max-request", type=click.FloatRange(min=0.001), metavar="MB",
              help="Send a graph larger than this (MB of N-Triples) in several requests of "
              "about this size, a PUT then POSTs, for a store that refuses one that large "
              "(Virtuoso: TransactionAfterImageLimit); such a graph is not replaced atomically.")
@click.option("--bulk", is_flag=True,
              help="Oxigraph server only (checked first): load each graph with the server's bulk "
              "loader (?no_transaction), several times faster for large graphs. Not atomic: the "
              "server empties each graph, then fills it without a transaction, so queries meanwhile "
              "see it partly loaded and a load that stops leaves it incomplete (load again).")
@paths_argument
def load_command(endpoint: str | None, graph_store: str | None, timeout: float,
                 merge_graph: str | None, location: Path | None, max_request: float | None,
                 bulk: bool, paths: tuple[Path, ...]) -> None:
    """Validate the graph, then load it into a triple store, one named graph per file.

    Nothing is sent if `ecgkg validate` finds a violation (exit 1). Each file's named graph is
    replaced whole by an HTTP PUT (SPARQL 1.1 Graph Store Protocol), then the store's default
    graph by the merge of the files (each triple once), which is what queries see: the store
    needs no union-default-graph setting. Loading again gives the same store; if a PUT fails,
    the graphs before it are new and the others old, and the message names both. Each file is
    parsed once: what is validated is what is sent. Credentials: ECGKG_ENDPOINT_USER and
    ECGKG_ENDPOINT_PASSWORD.

    With --location DIR the same graphs go into an Oxigraph database folder through the
    engine's bulk loader (not transactional: a stopped load leaves the graph it was writing
    incomplete, and the message names it; load again).

    \b
    Example:
      ecgkg load --endpoint http://127.0.0.1:7878/query
      ecgkg load --graph-store http://localhost:3030/ecgkg/data
      ecgkg load --graph-store http://127.0.0.1:8890/sparql-graph-crud-auth \\
        --merge-graph https://w3id.org/ecgkg/graph/merge
      ecgkg load --location ./oxigraph-db && oxigraph serve --location ./oxigraph-db
    """
    from ecgkg.load import load, load_location

    progress = lambda line: click.echo(line, err=True)  # noqa: E731
    if location is not None:
        if endpoint or graph_store or merge_graph or max_request or bulk:
            raise EcgkgError("--location loads a folder on this machine: give it without "
                             "--endpoint, --graph-store, --merge-graph, --max-request and "
                             "--bulk (it uses the bulk loader already)")
        report = load_location(location, list(paths) or None, progress=progress)
    elif not endpoint and not graph_store:
        raise EcgkgError("give --endpoint URL (Oxigraph), --graph-store URL or --location DIR")
    else:
        report = load(endpoint, graph_store, list(paths) or None, timeout=timeout,
                      merge_graph=merge_graph, progress=progress, bulk=bulk,
                      max_request=None if max_request is None else int(max_request * 1e6))
    if report.failure:
        new = " ".join(g.graph for g in report.loaded) or "none"
        old = " ".join(g.graph for g in report.not_loaded)
        why = "it was being sent" if report.interrupted else "its upload timed out"
        uncertain = f" (the first may yet become new: {why})" if report.failure_uncertain else ""
        if report.failure_note:
            uncertain = f" ({report.failure_note})"
        raise EcgkgError(f"load stopped at {report.failure}; new (loaded): {new}; "
                         f"old (not loaded){uncertain}: {old}",
                         exit_code=130 if report.interrupted else 2)
    click.echo(f"{report.named_graphs} graphs, {report.triple_count} triples loaded into "
               f"{report.graph_store}; its default graph is their merge "
               f"({report.merged_count} triples sent, each kept once)", err=True)


@main.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True,
              help="Port on 127.0.0.1.")
@click.option("--location", type=click.Path(path_type=Path, file_okay=False),
              help="Database folder to (re)load and keep (default: a temporary folder, removed "
              "on exit).")
@click.option("--timeout", type=SECONDS, default=300.0, show_default=True,
              help="Seconds the server gives each query before it answers with an error.")
@click.option("--docs", is_flag=True,
              help="Also serve the documentation site (ecgkg docs), on --docs-port.")
@click.option("--docs-port", type=click.IntRange(1, 65535), default=None,
              help="Port of the site on 127.0.0.1 (default: --port plus one).")
@paths_argument
def serve_command(port: int, location: Path | None, timeout: float, docs: bool,
                  docs_port: int | None, paths: tuple[Path, ...]) -> None:
    """Serve the graph read-only as a SPARQL endpoint on 127.0.0.1, until Ctrl-C.

    Starts the Oxigraph server (`pip install oxigraph`) on a database loaded with the graph,
    each file in its own named graph and their merge as the default graph, and prints its URL
    for `ecgkg query --endpoint` or any SPARQL client.

    \b
    Example:
      ecgkg serve --port 7878
      ecgkg query meetings-by-year --endpoint http://127.0.0.1:7878/query
      ecgkg serve --docs     # and the documentation site on http://127.0.0.1:7879/
    """
    from ecgkg.serve import serve

    if docs and docs_port is None:
        docs_port = port + 1 if port < 65535 else port - 1
    serve(port, location, list(paths) or None, announce=lambda text: click.echo(text, err=True),
          query_timeout=timeout, docs_port=docs_port if docs else None)


@main.command("validate")
@click.option("--format", "-f", "fmt", default="text", show_default=True,
              type=click.Choice(("text", "json", "turtle", "junit", "sarif", "github")),
              help="text for people (grouped by file); json, turtle (the SHACL report graph), "
              "junit, sarif (2.1.0) or github (workflow annotations) for tools.")
@click.option("--fail-on", default="violation", show_default=True,
              type=click.Choice(("violation", "warning", "info")),
              help="Exit 1 when a result is at least this severe.")
@click.option("--shapes", "shapes_path", type=click.Path(path_type=Path),
              help="Validate against the shapes in this file or folder instead of shapes/ "
              "(they are first checked against SHACL-SHACL).")
@click.option("--context", "context", multiple=True, type=click.Path(path_type=Path),
              help="Also load these files or folders (such as data) so references resolve; only "
              "results on nodes of PATHS are reported, and a context file describing the same "
              "things as one of PATHS is left out (repeatable).")
@click.option("--release", is_flag=True,
              help="For the CI of a published release: also exit 1 on any unreviewed resource "
              "(ecg:reviewStatus \"unreviewed\", reported as info), whatever --fail-on says.")
@click.option("--low-memory", is_flag=True,
              help="Hold less for data in Turtle and other formats: the store of the "
              "SPARQL-based constraints keeps only the statements their queries can read from "
              "every file, as it already does from N-Triples files and files with blank nodes "
              "(more time; the same results).")
@paths_argument
def validate_command(fmt: str, fail_on: str, shapes_path: Path | None,
                     context: tuple[Path, ...], release: bool, low_memory: bool,
                     paths: tuple[Path, ...]) -> None:
    """Check data files or folders (default: data/) against the SHACL shapes in shapes/.

    Every result names its severity, focus node, path, value, message, shape and constraint,
    and the file and line where the focus node is defined. The ontology's class hierarchy is
    always available. Exit status: 0 conforms, 1 a result at or above --fail-on, 2 the run
    failed (unreadable file, syntax error, undeclared prefix, bad shapes).

    \b
    Example:
      ecgkg validate
      ecgkg validate --context data ~/drafts/ECG-2024-03-20.ttl
      ecgkg validate --format sarif > ecgkg.sarif
      ecgkg validate --format github --fail-on warning
      ecgkg validate --release
    """
    from ecgkg.shacl import validate
    from ecgkg.shacl.reports import render

    report = validate(list(paths) or None, shapes=shapes_path, context=list(context),
                      low_memory=low_memory)
    for notice in report.notices:
        click.echo(f"ecgkg: warning: {notice}", err=True)
    color = fmt == "text" and sys.stdout.isatty()
    click.echo(render(report, fmt, fail_on=fail_on, color=color), nl=False, color=color)
    if release:
        from ecgkg.curate.review import release_failures, unreviewed_results

        waiting = unreviewed_results(report)
        if waiting:
            click.echo(f"ecgkg: not releasable: {len(waiting)} unreviewed resources "
                       f"(first: {waiting[0].focus_node})", err=True)
        if release_failures(report, fail_on):
            sys.exit(1)
    if report.failed(fail_on):
        sys.exit(1)


def register_optional_commands() -> None:
    """Verbs from subsystems that live in their own modules."""
    from ecgkg.publish.cli import diff_command, docs_command, plot_group, release_command

    main.add_command(diff_command)
    main.add_command(release_command)
    main.add_command(plot_group)
    main.add_command(docs_command)
    try:
        from ecgkg.esco.cli import esco
    except ImportError:
        return
    main.add_command(esco)


register_optional_commands()


# ---- curation verbs (issue 14); the library is ecgkg.curate.

@main.command("draft")
@click.argument("summary", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Turtle file to write (default: standard output).")
@click.option("--esco-release", type=click.Path(path_type=Path), default=None,
              help="ESCO release folder for proposed links (default: $ECGKG_ESCO_DIR, else "
                   "../shared/data/esco/v1.1.1).")
def draft_command(summary: Path, output: Path | None, esco_release: Path | None) -> None:
    """Draft Turtle for a meeting from its summary (Markdown or plain text).

    Every resource is marked ecg:reviewStatus "unreviewed" and derived from the sentence it
    came from; what the drafter could not settle carries a skos:editorialNote. The notes are
    also listed on standard error. Review, then validate with --context data.

    \b
    Example:
      ecgkg draft ../shared/sources/ecg-2023-11-malaga-executive-summary.md -o draft.ttl
      ecgkg validate --context data draft.ttl
    """
    import datetime

    from ecgkg.curate.draft import draft, draft_text, write_draft

    result = draft(summary, esco_release=esco_release,
                   when=datetime.datetime.now(datetime.UTC))
    if output is None:
        click.echo(draft_text(result), nl=False)
    else:
        write_draft(result, output)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"{len(result.notes)} notes to check", err=True)


@main.group("new", cls=ErrorReportingGroup)
def new_group() -> None:
    """Write skeleton files for curators, that validate and say in comments what to fill in.

    \b
    Example:
      ecgkg new meeting --start 2024-06-12 --end 2024-06-13 --place BEL_GNE
    """


@new_group.command("meeting")
@click.option("--start", required=True, metavar="YYYY-MM-DD", help="First day of the meeting.")
@click.option("--end", default=None, metavar="YYYY-MM-DD",
              help="Last day of the meeting (default: the first).")
@click.option("--place", required=True,
              help="Place code of the EU authority table (BEL_GNE) or its English name (Ghent).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write (default: data/meetings/ECG-START.ttl; - for standard output).")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
def new_meeting_command(start: str, end: str | None, place: str, output: Path | None,
                        force: bool) -> None:
    """Write a skeleton meeting file: dates, days, place, host country and the ECO's chair.

    Any place of the EU authority table can be used; run `ecgkg authority` afterwards to add it
    to data/authority/places.ttl. A place not in the table fails (exit 2) naming the closest.

    \b
    Example:
      ecgkg new meeting --start 2024-06-12 --end 2024-06-13 --place Ghent
      ecgkg validate --context data data/meetings/ECG-2024-06-12.ttl
    """
    from ecgkg.canonical import write_atomically
    from ecgkg.curate.new import new_meeting
    from ecgkg.errors import EcgkgError
    from ecgkg.sources import data_dir, display_path

    name, text = new_meeting(start, end or start, place)
    if output is not None and str(output) == "-":
        click.echo(text, nl=False)
        return
    target = output if output is not None else data_dir() / "meetings" / name
    if target.exists() and not force:
        raise EcgkgError(f"{display_path(target)} exists: give another -o, or --force")
    write_atomically(target, text)
    click.echo(f"wrote {display_path(target)}", err=True)


@main.command("authority")
@click.option("--check", is_flag=True,
              help="Change nothing; exit 1 if a generated file is not what the tables give.")
@click.option("--nal", "nal_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of the authority tables (default: $ECGKG_NAL_DIR, else "
                   "../shared/data/nal).")
@click.option("--data", "data_folder", type=click.Path(path_type=Path), default=None,
              help="Data folder to regenerate (default: the project's data/).")
def authority_command(check: bool, nal_dir: Path | None, data_folder: Path | None) -> None:
    """Regenerate the EURES countries, their NCOs and the places data/ refers to.

    Writes data/authority/eures-countries.ttl, data/authority/places.ttl (only the places
    data/ refers to) and data/bodies/national-coordination-offices.ttl from the Publications
    Office tables.

    \b
    Example:
      ecgkg authority
      ecgkg authority --check
    """
    from ecgkg.authority import default_nal_dir, write_authority_files
    from ecgkg.sources import data_dir, display_path

    changed = write_authority_files(nal_dir or default_nal_dir(), data_folder or data_dir(),
                                    check=check)
    for path in changed:
        click.echo(f"{display_path(path)}: {'out of date' if check else 'rewritten'}", err=True)
    click.echo(f"{len(changed)} files {'out of date' if check else 'rewritten'}", err=True)
    if check and changed:
        sys.exit(1)
