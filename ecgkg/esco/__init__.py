"""ESCO: import the official CSV release, keep the linked subset, check and suggest links."""

from __future__ import annotations

import os
from pathlib import Path

from ecgkg.sources import project_root

ESCO_DIR_VARIABLE = "ECGKG_ESCO_DIR"
DEFAULT_RELEASE = Path("..") / "shared" / "data" / "esco" / "v1.1.1"


def default_release_dir() -> Path:
    """The ESCO release folder verbs use by default: $ECGKG_ESCO_DIR (relative to the working
    folder), else ../shared/data/esco/v1.1.1 relative to the project root."""
    configured = os.environ.get(ESCO_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser().resolve()
    return (project_root() / DEFAULT_RELEASE).resolve()
