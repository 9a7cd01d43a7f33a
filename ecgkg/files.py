"""Writing output files: whole or not at all, and never onto something the user did not mean.

Every file ecgkg writes (exports, canonical Turtle, subsets, releases) goes through
`write_file`. The target must be a regular file or not exist yet: a folder, a device, a FIFO or a
socket is refused, and so is a symbolic link unless the caller allows following it (the link
then stays and its target is replaced). The content goes to an anonymous file in the target's
folder (Linux O_TMPFILE), which the kernel removes if the process is killed, and is linked into
place only when complete; where the file system has no anonymous files, a hidden
`.NAME.ecgkg-PID.tmp` is used instead and removed by the next write to the same target. Any
OSError becomes one line, exit 2.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ecgkg.errors import EcgkgError

Content = bytes | str | Callable[[BinaryIO], None]


def _shown(path: Path) -> str:
    from ecgkg.sources import display_path

    return display_path(path)


def check_target(path: Path, follow_symlinks: bool = False) -> Path:
    """The path to replace, or EcgkgError saying why this target is not written."""
    shown = _shown(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise EcgkgError(f"{shown}: cannot write: {error.strerror or error}") from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        if not follow_symlinks:
            raise EcgkgError(f"{shown}: is a symbolic link; not replaced (write to the file it "
                             f"points to, {os.path.realpath(path)}, instead)")
        path = Path(os.path.realpath(path))
        try:
            info = os.stat(path)
        except FileNotFoundError:
            info = None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise EcgkgError(f"{shown}: is a folder; give a file name")
        if not stat.S_ISREG(info.st_mode):
            raise EcgkgError(f"{shown}: is not a regular file (a device, FIFO or socket); "
                             "not written")
    if not path.parent.is_dir():
        raise EcgkgError(f"{_shown(path.parent)}: no such folder")
    return path


def _stale_name(path: Path, pid: int) -> Path:
    return path.parent / f".{path.name}.ecgkg-{pid}.tmp"


def _remove_stale(path: Path) -> None:
    """Hidden files left beside this target by a killed earlier write (fallback path only)."""
    for leftover in path.parent.glob(f".{path.name}.ecgkg-*.tmp"):
        pid = leftover.name.rsplit(".ecgkg-", 1)[1][: -len(".tmp")]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except OSError:
            pass


def _link_anonymous(descriptor: int, name: Path) -> None:
    """Give an O_TMPFILE file a name (linkat through /proc with AT_SYMLINK_FOLLOW)."""
    proc = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.link(str(descriptor), name, src_dir_fd=proc, follow_symlinks=True)
    finally:
        os.close(proc)


def _write(stream: BinaryIO, content: Content) -> None:
    if callable(content):
        content(stream)
    else:
        stream.write(content.encode("utf-8") if isinstance(content, str) else content)


def write_file(path: Path, content: Content, follow_symlinks: bool = False) -> None:
    """Replace `path` with `content` (bytes, text, or a function writing to a binary stream)."""
    path = check_target(Path(path), follow_symlinks)
    shown = _shown(path)
    _remove_stale(path)
    try:
        try:
            descriptor = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, 0o666)
        except (AttributeError, OSError) as error:
            if isinstance(error, OSError) and error.errno not in (
                    errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):  # no anonymous files here
                raise
            descriptor = None
        if descriptor is not None:
            with os.fdopen(descriptor, "wb") as stream:
                _write(stream, content)
                stream.flush()
                # Give the finished file a name, then move it over the target in one step.
                named = _stale_name(path, os.getpid())
                named.unlink(missing_ok=True)
                _link_anonymous(stream.fileno(), named)
            os.replace(named, path)
            return
        named = _stale_name(path, os.getpid())
        try:
            with open(os.open(named, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666), "wb") as stream:
                _write(stream, content)
            os.replace(named, path)
        except BaseException:
            named.unlink(missing_ok=True)
            raise
    except EcgkgError:
        raise
    except OSError as error:
        raise EcgkgError(f"{shown}: cannot write: {error.strerror or error}") from None
