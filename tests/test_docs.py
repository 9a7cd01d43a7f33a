"""The documentation's examples run: docs/python-api.md is executed as doctests."""

from __future__ import annotations

import doctest
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_doc_with_examples_is_run():
    pages = sorted(DOCS.glob("*.md"))
    assert [p.name for p in pages] == ["python-api.md"]
    for page in pages:
        result = doctest.testfile(str(page), module_relative=False, verbose=False,
                                  optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                                  raise_on_error=False, report=True)
        assert result.attempted >= 20, f"{page.name}: only {result.attempted} examples found"
        assert result.failed == 0, f"{page.name}: {result.failed} examples failed (see above)"
