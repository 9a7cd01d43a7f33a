"""The error type every verb turns into a one-line message and an exit code."""

from __future__ import annotations

# Exit codes shared by all verbs: 0 success, 1 a negative finding (data does not conform, a
# link is broken), 2 the run itself failed (bad input, unreadable file, unreachable endpoint).
EXIT_FINDING = 1
EXIT_ERROR = 2


class EcgkgError(Exception):
    """A failure the user can act on; the message names the file, line or value at fault."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


_CONTROL = {i: f"\\x{i:02x}" for i in range(0x20)} | {0x7F: "\\x7f"}
_CONTROL.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})


def one_line(text: str) -> str:
    """The text with newlines and other control characters written as escapes (\\n, \\x1b), so
    that a message quoting a hostile value or a line of a file stays one line and cannot drive a
    terminal."""
    return text.translate(_CONTROL)
