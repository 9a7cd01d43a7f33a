"""What every `ecgkg` command group shares: errors become one line and an exit code."""

from __future__ import annotations

import click

from ecgkg.errors import EcgkgError


class ErrorReportingGroup(click.Group):
    """Turns an EcgkgError from any verb into `ecgkg: error: ...` on stderr and its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except EcgkgError as error:
            click.echo(f"ecgkg: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except BrokenPipeError:
            ctx.exit(0)
