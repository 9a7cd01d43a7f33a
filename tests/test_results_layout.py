"""The table format's layout when it must fit a width: every column as wide as the room allows,
a clipped cell exactly as wide as its column (its last character the ellipsis), so the columns
line up. tests/test_api.py checks only that no line is longer than the width, which a table
narrower than the room, or a clipped cell a character too wide, still passes (both were
mutation-check survivors, tools/mutate.py)."""

from __future__ import annotations

import pyoxigraph as ox

from ecgkg.results import clip, fit_widths, format_rows

ITEM = "https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22/item/1"


def test_a_clipped_table_uses_the_room_and_its_columns_line_up():
    rows = [[ox.NamedNode(ITEM), ox.Literal("a long title " * 10), ox.Literal("ECO")]]
    header, rule, row, count = format_rows(["item", "title", "presenter"], rows, "table",
                                           width=60).splitlines()
    # 60 characters less two gaps of 2 leave 56: two columns of 23 and "presenter" (9); a
    # 24th character in each would need 58
    assert rule == "-" * 23 + "  " + "-" * 23 + "  " + "-" * 9
    assert header.index("title") == row.index("a long") == 25
    assert header.index("presenter") == row.index("ECO") == 50
    assert row[:25] == "ecgid:meeting/ECG-2023\u2026  "
    assert count == "(1 row)"


def test_fit_widths_gives_the_largest_widths_that_fit():
    assert fit_widths([35, 130, 9], [4, 5, 9], 60) == [23, 23, 9]
    assert fit_widths([10, 10], [4, 4], 22) == [10, 10]  # 10 + 2 + 10: fits as it is
    assert fit_widths([10, 11], [4, 4], 22) == [10, 10]


def test_clip_keeps_a_cell_within_its_width():
    assert clip("abcdef", 6) == "abcdef"
    assert clip("abcdefg", 6) == "abcde\u2026"
    assert len(clip("x" * 100, 8)) == 8
