"""The `ecgkg` command: thin click verbs over the library functions of the same names.

Heavy libraries (rdflib, pyshacl, pyoxigraph) are imported inside the verbs that need them, so
`ecgkg --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ecgkg import __version__
from ecgkg.errors import EcgkgError

QUERY_FORMATS = ("table", "csv", "tsv", "json", "md", "ttl", "nt", "jsonld", "xml")
EXPORT_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "xml")


class EcgkgGroup(click.Group):
    """Turns an EcgkgError from any verb into one line on stderr and its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except EcgkgError as error:
            click.echo(f"ecgkg: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except BrokenPipeError:
            ctx.exit(0)


@click.group(cls=EcgkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


def built_from(paths: tuple[Path, ...]):
    from ecgkg.build import build

    return build(list(paths) or None)


@main.command("build")
@paths_argument
def build_command(paths: tuple[Path, ...]) -> None:
    """Load the ontology and data into one dataset and print counts per class.

    Every file becomes its own named graph (its IRI names the file), so each triple knows
    where it came from. With PATHS, loads those files or folders instead of the bundled ones.

    \b
    Example:
      ecgkg build
      ecgkg build ontology data/meetings
    """
    from ecgkg.namespaces import PREFIXES

    built = built_from(paths)

    def short(iri: str) -> str:
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace) and "/" not in iri[len(namespace):]:
                return f"{prefix}:{iri[len(namespace):]}"
        return f"<{iri}>"

    click.echo(f"{len(built.triples_per_file)} files, {built.triple_count} triples")
    click.echo("instances per class:")
    for iri, count in built.class_counts():
        click.echo(f"  {count:6d}  {short(iri)}")


@main.command("query")
@click.argument("query_file", metavar="QUERY")
@click.option("--format", "-f", "fmt", type=click.Choice(QUERY_FORMATS), default="table",
              show_default=True, help="Output: a table for people, CSV/TSV/JSON/Markdown for "
              "tools; CONSTRUCT and DESCRIBE results take an RDF format.")
@click.option("--data", "data_paths", multiple=True, type=click.Path(path_type=Path),
              help="Query these files or folders instead of the bundled data (repeatable).")
def query_command(query_file: str, fmt: str, data_paths: tuple[Path, ...]) -> None:
    """Run a SPARQL query (a .rq file, or - for standard input) on the embedded store.

    The query sees the union of all graphs, so it needs no GRAPH clause.

    \b
    Example:
      ecgkg query queries/meetings-by-year.rq
      echo 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' | ecgkg query - --format csv
    """
    from ecgkg.query import run_query

    sparql = read_query_text(query_file)
    result = run_query(built_from(data_paths), sparql)
    click.echo(result.render(fmt), nl=False)


def read_query_text(query_file: str) -> str:
    if query_file == "-":
        return sys.stdin.read()
    path = Path(query_file)
    if not path.is_file():
        raise EcgkgError(f"{query_file}: no such query file")
    return path.read_text(encoding="utf-8")


@main.command("export")
@click.option("--format", "-f", "fmt", type=click.Choice(EXPORT_FORMATS), default="ttl",
              show_default=True, help="nq and trig keep one named graph per source file; the "
              "others merge all graphs.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="File to write (written to a temporary file, then renamed). Default: stdout.")
@paths_argument
def export_command(fmt: str, output: Path | None, paths: tuple[Path, ...]) -> None:
    """Write the whole graph (ontology and data) in one RDF format.

    \b
    Example:
      ecgkg export --format nq -o ecgkg.nq
      ecgkg export --format jsonld > ecgkg.jsonld
    """
    from ecgkg.export import export

    export(built_from(paths), fmt, output)
    if output is not None:
        click.echo(f"wrote {output}", err=True)


@main.command("format")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file is not canonical.")
@paths_argument
def format_command(check: bool, paths: tuple[Path, ...]) -> None:
    """Rewrite Turtle files in canonical form (default: ontology/, data/ and shapes/).

    Canonical form is what the tests demand: sorted, stable Turtle with the project's prefixes.

    \b
    Example:
      ecgkg format
      ecgkg format --check data/meetings/ECG-2023-11-22.ttl
    """
    from ecgkg.canonical import format_files
    from ecgkg.sources import data_dir, display_path, ontology_dir, rdf_files, shapes_dir

    targets = list(paths) or [p for p in (ontology_dir(), data_dir(), shapes_dir()) if p.exists()]
    files = [p for p in rdf_files(targets) if p.suffix == ".ttl"]
    results = format_files(files, check=check)
    changed = [r for r in results if r.changed]
    for result in changed:
        verb = "not canonical" if check else "reformatted"
        click.echo(f"{display_path(result.path)}: {verb}", err=True)
    click.echo(f"{len(files)} files, {len(changed)} {'not canonical' if check else 'rewritten'}",
               err=True)
    if check and changed:
        sys.exit(1)


def register_optional_commands() -> None:
    """Verbs from subsystems that live in their own modules."""
    try:
        from ecgkg.esco.cli import esco
    except ImportError:
        return
    main.add_command(esco)


register_optional_commands()
