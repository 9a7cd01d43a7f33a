"""The publishing verbs: `ecgkg diff` (and `ecgkg release`), thin over ecgkg.publish."""

from __future__ import annotations

import sys

import click

from ecgkg.publish.diff import DIFF_FORMATS


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
