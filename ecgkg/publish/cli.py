"""The publishing verbs: `ecgkg diff` (and `ecgkg release`), thin over ecgkg.publish."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ecgkg.publish import DIFF_FORMATS


@click.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="[NEW]", required=False)
@click.option("--format", "-f", "fmt", type=click.Choice(DIFF_FORMATS), default="text",
              show_default=True, help="text to read, md for a changelog, json for programs.")
def diff_command(old: str, new: str | None, fmt: str) -> None:
    """What changed from OLD to NEW: resources added, removed and changed, by class.

    OLD and NEW are each a release folder (`ecgkg release`), a folder or RDF file, or a git
    revision of this checkout (its ontology/ and data/ at that commit). Without NEW, OLD is
    compared with the ontology and data as they are now. Blank nodes are compared by structure and statements as sets, so
    re-serialising a file changes nothing. Exit 0 when equal, 1 when different (like diff),
    2 when a version cannot be read.

    \b
    Example:
      ecgkg diff HEAD~3                       # the checkout against three commits ago
      ecgkg diff dist/ecgkg-0.1.0 dist/ecgkg-0.2.0 -f md >> CHANGELOG.md
      ecgkg diff old/data data --format json
    """
    from ecgkg.publish.diff import diff, render

    result = diff(old, new)
    click.echo(render(result, fmt), nl=False)
    sys.exit(0 if result.equal else 1)


@click.command("release")
@click.argument("version", metavar="VERSION")
@click.option("--output", "-o", type=click.Path(path_type=Path, file_okay=False),
              default=Path("dist"), show_default=True,
              help="Folder to write ecgkg-VERSION/ into.")
@click.option("--since", metavar="OLD", default=None,
              help="The previous version for the changelog entry (a release folder, folder or "
                   "git revision); default: the newest earlier release under --output.")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Release date (YYYY-MM-DD); default: today (UTC).")
@click.option("--force", is_flag=True, help="Replace an existing ecgkg-VERSION/ folder.")
def release_command(version: str, output: Path, since: str | None, day, force: bool) -> None:
    """Write a release of the dataset: ecgkg-VERSION/ with Turtle, N-Triples and JSON-LD and
    release.ttl, their DCAT/VoID description (version, date, licence, ESCO attribution, triples
    per graph, classes, checksums).

    Refused (exit 1) when the data has violations or unreviewed resources; refused (exit 2)
    when VERSION is not MAJOR.MINOR.PATCH, not greater than the last release in CHANGELOG.md,
    or lower than the ontology's version, and when the folder exists (unless --force). The
    folder is whole or absent. Then the ontology's and dataset's owl:versionIRI and
    owl:versionInfo become VERSION in their files and CHANGELOG.md gains an entry.

    \b
    Example:
      ecgkg release 0.2.0
      ecgkg release 0.3.0 --since dist/ecgkg-0.2.0 -o dist
    """
    from ecgkg.publish.release import release

    made = release(version, output, force=force, since=since,
                   today=day.date() if day else None)
    for path in made.files:
        click.echo(f"wrote {path}")
    for path in made.bumped:
        click.echo(f"version {version} in {path}")
    click.echo(f"{made.triples:,} triples released as {version}")


@click.group("plot")
def plot_group() -> None:
    """Pictures of the graph, as SVG or PNG (needs the `plot` extra: matplotlib, networkx).

    \b
    Example:
      ecgkg plot timeline -o timeline.svg
      ecgkg plot network -o network.png
    """


def plot_verb(name: str, draw_name: str, summary: str):
    @plot_group.command(name, help=summary)
    @click.option("--output", "-o", type=click.Path(path_type=Path), required=True,
                  help="The picture to write; .svg or .png says its format.")
    @click.option("--store", type=click.Path(path_type=Path), metavar="DIR",
                  help="Read a persisted store (ecgkg build --store DIR).")
    @click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
    def verb(output: Path, store: Path | None, paths: tuple[Path, ...]) -> None:
        import ecgkg
        from ecgkg.docs import plots

        kg = ecgkg.open(list(paths) or None, store=store)
        click.echo(f"wrote {getattr(plots, draw_name)(kg, output)}")

    return verb


plot_verb("timeline", "timeline",
          "Meetings over time: a bar per meeting stacked by presenting body, the host country "
          "above it, a star for each combined event. PATHS: files or folders to draw instead "
          "of the bundled ontology and data.\n\n\b\nExample:\n  ecgkg plot timeline -o "
          "timeline.svg\n  ecgkg plot timeline -o history.png benchmarks/work/100k ontology")
plot_verb("network", "network",
          "Bodies, initiatives, legal acts and ESCO concepts linked as the graph links them, "
          "coloured by kind; the most linked are named. PATHS as for timeline.\n\n\b\nExample:"
          "\n  ecgkg plot network -o network.svg")


@click.command("docs")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("site"),
              show_default=True, help="Folder to write the site into (replaced whole).")
@click.option("--server", default="http://127.0.0.1:7878/", show_default=True, metavar="URL",
              help="The `ecgkg serve` whose query UI the query pages link to.")
@click.option("--force", is_flag=True,
              help="Replace --output even when it holds something other than a site.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def docs_command(output: Path, server: str, force: bool, paths: tuple[Path, ...]) -> None:
    """Write the documentation site: static HTML generated from the ontology, shapes, queries
    and data (PATHS: files or folders to document instead of the bundled ontology and data).

    Pages for every class and property (with the shapes constraining it), what the shapes
    require, each query with its answer and a link into the query UI of `ecgkg serve`, each
    meeting, body and initiative with the source passages of its facts, and the two pictures
    of `ecgkg plot`. Links are relative: open index.html from disk or serve the folder.

    \b
    Example:
      ecgkg docs -o site && xdg-open site/index.html
      ecgkg docs -o site ontology data more-meetings/
    """
    from ecgkg.docs.site import build_site

    pages = build_site(output, list(paths) or None, force=force, server=server)
    click.echo(f"wrote {pages} pages to {output}/index.html")
