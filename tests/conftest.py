"""Shared test settings: where the project and the official ESCO release are."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
SUMMARY = SHARED / "sources" / "ecg-2023-11-malaga-executive-summary.md"


def esco_release_dir() -> Path:
    """The full official ESCO v1.1.1 package: ECGKG_ESCO_DIR, default ../shared/data/esco/v1.1.1."""
    configured = os.environ.get("ECGKG_ESCO_DIR")
    return Path(configured) if configured else SHARED / "data" / "esco" / "v1.1.1"


@pytest.fixture(scope="session", autouse=True)
def private_cache_dir(tmp_path_factory):
    """ECGKG_CACHE_DIR in a temporary folder for the whole session (and the processes tests
    start, which inherit the environment): no test writes to the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("ecgkg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ECGKG_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def esco_dir() -> Path:
    path = esco_release_dir()
    # Never skipped: CI sets ECGKG_ESCO_DIR, and a missing package is a broken set-up.
    assert (path / "en" / "occupations_en.csv.gz").is_file(), (
        f"the ESCO v1.1.1 package is not at {path}: set ECGKG_ESCO_DIR to its folder"
    )
    return path


@pytest.fixture(scope="session")
def summary_text() -> str:
    assert SUMMARY.is_file(), f"the primary source is missing: {SUMMARY}"
    return SUMMARY.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built():
    from ecgkg.build import build

    return build()


def popen_as_from_a_terminal(args: list[str], **options) -> subprocess.Popen:
    """Start a command that a test will interrupt with SIGINT, as Ctrl-C in a terminal would.

    A background job of a non-interactive shell starts with SIGINT ignored, and children inherit
    that: Python then never raises KeyboardInterrupt and the test would wait in vain. Ctrl-C
    from a terminal reaches a process with the default disposition, so the child gets that back
    (whatever runs pytest), and a session of its own so a signal meant for it reaches only it."""
    return subprocess.Popen(args, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
                            start_new_session=True, **options)
