"""Output files are written whole or not at all, and never onto what the user did not mean:
symbolic links, folders, devices and FIFOs are refused; a killed write leaves nothing behind."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecgkg.cli import main
from ecgkg.errors import EcgkgError
from ecgkg.files import write_file

runner = CliRunner()


def test_a_new_file_gets_the_usual_permissions_and_nothing_else_is_left(tmp_path):
    write_file(tmp_path / "out.ttl", "hello")
    assert (tmp_path / "out.ttl").read_text() == "hello"
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "out.ttl").stat().st_mode & 0o777 == 0o666 & ~umask
    assert os.listdir(tmp_path) == ["out.ttl"]


def test_a_writer_that_fails_leaves_the_old_file_whole(tmp_path):
    target = tmp_path / "out.ttl"
    target.write_text("old")

    def half(stream):
        stream.write(b"new but")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_file(target, half)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.ttl"]


def test_a_symbolic_link_is_refused_and_left_alone(tmp_path):
    real = tmp_path / "real.ttl"
    real.write_text("kept")
    (tmp_path / "link.ttl").symlink_to(real)
    with pytest.raises(EcgkgError, match="is a symbolic link"):
        write_file(tmp_path / "link.ttl", "x")
    assert (tmp_path / "link.ttl").is_symlink() and real.read_text() == "kept"
    write_file(tmp_path / "link.ttl", "through", follow_symlinks=True)
    assert (tmp_path / "link.ttl").is_symlink() and real.read_text() == "through"


def character_device(tmp_path: Path) -> Path:
    """A character device to write to. As root, a null device made in TMP_PATH: a broken
    write_file (say, a mutant of it) that renames over its target then replaces that node, not
    the machine's /dev/null (which it did once). Others cannot make one, nor replace /dev/null."""
    if os.geteuid() == 0:
        node = tmp_path / "null-device"
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        return node
    return Path("/dev/null")


def test_folders_devices_and_fifos_are_refused(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    device = character_device(tmp_path)
    for target, reason in [(tmp_path, "is a folder"), (device, "not a regular file"),
                           (tmp_path / "fifo", "not a regular file"),
                           (tmp_path / "missing" / "x.ttl", "no such folder")]:
        with pytest.raises(EcgkgError, match=reason):
            write_file(target, "x")
    assert device.is_char_device()


def read_only_folder(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    return Path("/sys")  # root writes anywhere but into sysfs


def test_a_read_only_folder_is_one_line_exit_2(tmp_path):
    target = read_only_folder(tmp_path) / "ecgkg-export.nt"
    result = runner.invoke(main, ["export", "-f", "nt", "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert "cannot write" in result.output and len(result.output.strip().splitlines()) == 1
    assert not target.exists()


@pytest.mark.parametrize("kind", ["symlink", "device", "folder"])
def test_export_refuses_a_target_that_is_not_a_file(tmp_path, kind):
    if kind == "symlink":
        (tmp_path / "real.nt").write_text("kept")
        target = tmp_path / "link.nt"
        target.symlink_to(tmp_path / "real.nt")
    else:
        target = character_device(tmp_path) if kind == "device" else tmp_path
    result = runner.invoke(main, ["export", "-f", "nt", "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert kind != "device" or target.is_char_device()
    assert result.output.startswith("ecgkg: error: ")
    assert len(result.output.strip().splitlines()) == 1
    if kind == "symlink":
        assert target.is_symlink() and (tmp_path / "real.nt").read_text() == "kept"


SLOW_WRITER = """
import sys, time
from pathlib import Path
from ecgkg.files import write_file

def slowly(stream):
    stream.write(b"x" * 65536)
    stream.flush()
    print("writing", flush=True)
    time.sleep(60)

write_file(Path(sys.argv[1]), slowly)
"""


def test_a_killed_write_leaves_nothing_visible(tmp_path):
    target = tmp_path / "export.nt"
    process = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "writing"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        process.kill()
    assert os.listdir(tmp_path) == []


def test_a_hidden_leftover_of_a_dead_writer_is_removed_by_the_next_write(tmp_path):
    # The fallback for file systems without anonymous files names its file after the process.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    time.sleep(0.05)
    leftover = tmp_path / f".out.ttl.ecgkg-{dead.pid}.tmp"
    leftover.write_text("half")
    write_file(tmp_path / "out.ttl", "whole")
    assert sorted(os.listdir(tmp_path)) == ["out.ttl"]
