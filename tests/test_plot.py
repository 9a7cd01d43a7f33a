"""`ecgkg plot timeline|network`: real pictures, SVG and PNG, with the labels people read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PROJECT_ROOT

from ecgkg.cli import main

SECOND_MEETING = PROJECT_ROOT / "tests" / "fixtures" / "second-meeting"
BUNDLED = [str(PROJECT_ROOT / "ontology"), str(PROJECT_ROOT / "data")]


def plot(kind: str, output: Path, *paths: str):
    return CliRunner().invoke(main, ["plot", kind, "-o", str(output), *paths])


def svg_texts(path: Path) -> list[str]:
    """The text elements of an SVG (matplotlib writes text as text, not outlines, here)."""
    return [" ".join(t.split()) for t in re.findall(r"<text[^>]*>([^<]*)</text>",
                                                     path.read_text(encoding="utf-8"))]


def test_timeline_of_the_bundled_meeting(tmp_path):
    svg, png = tmp_path / "timeline.svg", tmp_path / "timeline.png"
    for output in (svg, png):
        result = plot("timeline", output)
        assert result.exit_code == 0, result.output
        assert result.output == f"wrote {output}\n"
    texts = svg_texts(svg)
    assert "EURES Coordination Group: 1 meeting, 2023" in texts
    assert "Spain" in texts  # the host country above the bar
    # the presenting bodies of Malaga in the legend, busiest first; a combined event
    legend = texts[texts.index("presented by") + 1:]
    assert legend[:2] == ["ECO", "European Commission"]
    assert "combined event" in legend
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_timeline_with_a_second_meeting(tmp_path):
    svg = tmp_path / "two.svg"
    result = plot("timeline", svg, *BUNDLED, str(SECOND_MEETING))
    assert result.exit_code == 0, result.output
    texts = svg_texts(svg)
    assert "EURES Coordination Group: 2 meetings, 2023-2025" in texts
    assert {"Spain", "Belgium"} <= set(texts)


def test_network_names_bodies_initiatives_acts_and_concepts(tmp_path):
    svg, png = tmp_path / "network.svg", tmp_path / "network.png"
    for output in (svg, png):
        result = plot("network", output)
        assert result.exit_code == 0, result.output
    texts = svg_texts(svg)
    legend = [t for t in texts if re.fullmatch(r"[a-zA-Z ]+ \(\d+\)", t)]
    assert [t.rsplit(" (", 1)[0] for t in legend] == [
        "body", "initiative", "agenda item", "legal act", "ESCO concept"]
    assert {"ELA", "32019R1149", "32016R0589"} <= set(texts)  # a body and the two acts by CELEX
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_graph_without_meetings_is_exit_2_and_no_picture(tmp_path):
    output = tmp_path / "timeline.svg"
    result = plot("timeline", output, str(PROJECT_ROOT / "ontology"))
    assert result.exit_code == 2
    assert result.stderr == "ecgkg: error: no meetings in the graph: nothing to plot\n"
    assert not output.exists()
    network = plot("network", tmp_path / "network.svg", str(PROJECT_ROOT / "ontology"))
    assert network.exit_code == 2 and "nothing to plot" in network.stderr
    assert not (tmp_path / "network.svg").exists()


@pytest.mark.parametrize("kind", ["timeline", "network"])
def test_an_unknown_picture_format_is_exit_2_naming_the_file(tmp_path, kind):
    output = tmp_path / "picture.jpg"
    result = plot(kind, output)
    assert result.exit_code == 2
    assert result.stderr == (f"ecgkg: error: {output}: give a file ending in .svg or .png "
                             f"(the picture's format is taken from it)\n")
    assert not output.exists()
