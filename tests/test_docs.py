"""The documentation's examples run: every page of docs/ with examples (`>>>`) is executed as
doctests, docs/python-api.md among them."""

from __future__ import annotations

import doctest
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_doc_with_examples_is_run():
    pages = [p for p in sorted(DOCS.glob("*.md")) if ">>> " in p.read_text(encoding="utf-8")]
    assert "python-api.md" in [p.name for p in pages]
    for page in pages:
        result = doctest.testfile(str(page), module_relative=False, verbose=False,
                                  optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                                  raise_on_error=False, report=True)
        least = 20 if page.name == "python-api.md" else 1
        assert result.attempted >= least, f"{page.name}: only {result.attempted} examples found"
        assert result.failed == 0, f"{page.name}: {result.failed} examples failed (see above)"
