"""The `ecgkg` command's entry point: the research loop's call without the command-line framework.

`ecgkg query NAME --store DIR --format csv`, repeated over a persisted store, is dominated by
start-up: click's import alone costs about as long as Oxigraph takes to answer a query on the
bundled data. So the entry point reads that one simple shape of call itself (a query name or
file, `--store`, `--format`/`-f`, nothing else) and runs it through `run_local_query`, the same
function the click verb calls; every other call, any other option, `--help`, anything unusual,
goes to the click command line (ecgkg.cli) untouched. tests/test_launcher.py checks that both
doors give the same bytes, errors and exit codes.

Nothing here may import click or the verbs' heavy modules at module level.
"""

from __future__ import annotations

import sys
from pathlib import Path

QUERY_FORMATS = ("table", "csv", "tsv", "json", "md", "ttl", "nt", "jsonld", "xml")

# The options the fast door reads, by what they set.
_FAST_OPTIONS = {"--store": "store", "--format": "fmt", "-f": "fmt"}


def research_loop_call(argv: list[str]) -> dict | None:
    """The arguments of `ecgkg query REF [--store DIR] [--format F]` as a dict, or None for any
    other call (which the click command line then reads, with its own errors)."""
    if not argv or argv[0] != "query":
        return None
    found: dict[str, str] = {}
    positional: list[str] = []
    index = 1
    while index < len(argv):
        token = argv[index]
        if token.startswith("--") and "=" in token:
            name, _, value = token.partition("=")
        elif token in _FAST_OPTIONS:
            if index + 1 == len(argv):
                return None
            name, value = token, argv[index + 1]
            index += 1
        elif token.startswith("-"):
            return None  # another option, `-` (standard input) or `--`: the full command line
        else:
            positional.append(token)
            index += 1
            continue
        key = _FAST_OPTIONS.get(name)
        if key is None or key in found or not value or value.startswith("-"):
            return None
        found[key] = value
        index += 1
    fmt = found.get("fmt", "table")
    if len(positional) != 1 or fmt not in QUERY_FORMATS:
        return None
    store = found.get("store")
    return {"query_ref": positional[0], "fmt": fmt,
            "store": Path(store) if store is not None else None}


def run_local_query(query, fmt: str, *, store: Path | None = None,
                    data_paths: tuple[Path, ...] | list[Path] = (),
                    values: dict[str, str] | None = None, timeout: float | None = None,
                    allow_service: bool = False) -> None:
    """What `ecgkg query` does on the embedded or a persisted store: check the query's
    parameters and prefixes before any data is loaded, run it, write the answer (a table fitted
    to the terminal when standard output is one). `query`: a bundled query's name, a .rq file's
    path, or an ecgkg.library.NamedQuery."""
    import ecgkg
    from ecgkg.library import check_prefixes, resolve

    if isinstance(query, str):
        query = resolve(query)
    values = values or {}
    query.bindings(values)  # bad parameters and prefixes fail before the data is loaded
    check_prefixes(query)
    kg = ecgkg.open(list(data_paths) or None, store=store)
    announce_rebuild(kg, store)
    result = kg.query(query, params=values, timeout=timeout, allow_service=allow_service)
    write_answer(result, fmt)


def announce_rebuild(kg, store: Path | None) -> None:
    """Say on standard error that a persisted store was (re)built before it answered."""
    if kg.rebuilt:
        sys.stderr.write(f"{store}: {kg.rebuilt}\n")
        sys.stderr.flush()


def write_answer(result, fmt: str) -> None:
    """Write a query's answer to standard output as it is rendered: no byte changed (csv of a
    literal holding control characters keeps them)."""
    width = None
    if sys.stdout.isatty():
        import shutil  # here: a pipe or a file (the research loop's case) needs no width

        width = shutil.get_terminal_size().columns
    sys.stdout.write(result.render(fmt, width=width))
    sys.stdout.flush()


def _fast_query(call: dict) -> int:
    """Run the research loop's call with the click verb's error handling: one line on standard
    error and the error's exit code, 130 for Ctrl-C, 0 when the reader closed the pipe."""
    from ecgkg.errors import EcgkgError, one_line

    try:
        run_local_query(call["query_ref"], call["fmt"], store=call["store"])
    except EcgkgError as error:
        sys.stderr.write(f"ecgkg: error: {one_line(str(error))}\n")
        return error.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("ecgkg: error: interrupted (Ctrl-C)\n")
        return 130
    except BrokenPipeError:  # the reader (`| head`) is gone: nothing more to say
        return 0
    return 0


def main() -> None:
    call = research_loop_call(sys.argv[1:])
    if call is not None:
        sys.exit(_fast_query(call))
    from ecgkg.cli import main as command_line

    command_line()
