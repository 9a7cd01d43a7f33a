"""What every `ecgkg` command group shares: errors become one line and an exit code; option types."""

from __future__ import annotations

import math

import click

from ecgkg.errors import EcgkgError, one_line


class ErrorReportingGroup(click.Group):
    """Turns an EcgkgError from any verb into `ecgkg: error: ...` on stderr and its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except EcgkgError as error:
            click.echo(f"ecgkg: error: {one_line(str(error))}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("ecgkg: error: interrupted (Ctrl-C)", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            ctx.exit(0)


class Seconds(click.ParamType):
    """A finite, positive number of seconds (no inf, nan or zero: a bound must bound)."""

    name = "seconds"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            number = value
        else:
            try:
                number = float(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(number) or number < 0.1:
            self.fail(f"{value!r}: give a finite number of seconds, at least 0.1", param, ctx)
        return number


SECONDS = Seconds()
