"""Pictures of the graph: a timeline of the meetings and a network of who presented what.

Drawn with matplotlib (network layout by networkx), the optional `plot` extra. Each picture is
written as SVG or PNG by its file suffix; SVG keeps its text as text (searchable, testable).
Both stay readable from one meeting to a few hundred: labels are shortened, only the busiest
nodes are named when there are many, and the legend lists the commonest bodies.
"""

from __future__ import annotations

import datetime
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ecgkg.errors import EcgkgError
from ecgkg.files import write_file

PLOT_SUFFIXES = (".svg", ".png")
LEGEND_BODIES = 10  # bodies with their own colour; the rest are "other bodies"
LABEL_LIMIT = 40  # above this many meetings (or nodes), only some are labelled
NETWORK_LABELS = 30
# Above this many nodes only the most linked are drawn: a hairball says nothing, and networkx's
# layout of 500 nodes and more needs scipy.
NETWORK_NODES = 400

# The queries below use the project's prefixes, which kg.query declares for them.

MEETINGS = """
SELECT ?meeting ?start ?country (COUNT(DISTINCT ?event) AS ?combined)
WHERE {
  ?meeting a ecg:Meeting ; ecg:startDate ?start .
  OPTIONAL { ?meeting ecg:hostCountry/skos:prefLabel ?country
             FILTER (langMatches(lang(?country), "en")) }
  OPTIONAL { ?meeting ecg:combinedWith ?event }
}
GROUP BY ?meeting ?start ?country
ORDER BY ?start ?meeting
"""

ITEMS_PER_BODY = """
SELECT ?meeting ?body (COUNT(DISTINCT ?item) AS ?items)
WHERE {
  ?meeting a ecg:Meeting .
  { ?item ecg:itemOf ?meeting } UNION { ?meeting ecg:combinedWith ?event . ?item ecg:itemOf ?event }
  ?item ecg:presentedBy ?presenter .
  OPTIONAL { ?presenter ecg:acronym ?acronym }
  OPTIONAL { ?presenter skos:prefLabel ?label FILTER (langMatches(lang(?label), "en")) }
  BIND (COALESCE(?acronym, ?label, STR(?presenter)) AS ?body)
}
GROUP BY ?meeting ?body
"""

# Edges of the network: (from, to) with each end's kind.
EDGES = """
SELECT DISTINCT ?a ?aKind ?b ?bKind
WHERE {
  {
    ?item ecg:presentedBy ?a ; ecg:aboutInitiative ?b .
    BIND ("body" AS ?aKind) BIND ("initiative" AS ?bKind)
  } UNION {
    ?b ecg:runBy ?a .
    BIND ("body" AS ?aKind) BIND ("initiative" AS ?bKind)
  } UNION {
    { ?a ecg:legalBasis ?basis } UNION { ?basis ecg:establishes ?a } UNION { ?basis ecg:mandates ?a }
    OPTIONAL { ?basis eli:is_part_of ?whole }
    BIND (COALESCE(?whole, ?basis) AS ?b)
    OPTIONAL { ?a a ?initiativeClass . ?initiativeClass rdfs:subClassOf* ecg:Initiative }
    OPTIONAL { ?a a ?bodyClass . ?bodyClass rdfs:subClassOf* org:Organization }
    BIND (IF(BOUND(?initiativeClass), "initiative",
             IF(BOUND(?bodyClass), "body", "agenda item")) AS ?aKind)
    BIND ("legal act" AS ?bKind)
  } UNION {
    ?a ecg:hasEscoLink/ecg:escoConcept ?b .
    OPTIONAL { ?a a ?initiativeClass . ?initiativeClass rdfs:subClassOf* ecg:Initiative }
    OPTIONAL { ?a a ?bodyClass . ?bodyClass rdfs:subClassOf* org:Organization }
    BIND (IF(BOUND(?initiativeClass), "initiative",
             IF(BOUND(?bodyClass), "body", "agenda item")) AS ?aKind)
    BIND ("ESCO concept" AS ?bKind)
  }
}
"""

LABELS = """
SELECT ?node (SAMPLE(?name) AS ?label)
WHERE {
  ?node skos:prefLabel|ecg:acronym|eli:id_local ?any .
  OPTIONAL { ?node ecg:acronym ?acronym }
  OPTIONAL { ?node skos:prefLabel ?en FILTER (langMatches(lang(?en), "en")) }
  OPTIONAL { ?node eli:id_local ?celex }
  BIND (COALESCE(?acronym, ?celex, ?en) AS ?name)
}
GROUP BY ?node
"""

KIND_COLOURS = {"body": "#1f77b4", "initiative": "#ff7f0e", "agenda item": "#8c564b",
                "legal act": "#2ca02c", "ESCO concept": "#9467bd"}


@dataclass
class MeetingBar:
    meeting: str
    start: datetime.date
    country: str | None
    combined: int
    items: Counter = field(default_factory=Counter)


def pyplot():
    """matplotlib's pyplot on the file-only backend, or a clear error naming the extra."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise EcgkgError("plots need matplotlib: pip install 'ecgkg[plot]'") from None
    return plt


def output_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        raise EcgkgError(f"{path}: give a file ending in {' or '.join(PLOT_SUFFIXES)} "
                         f"(the picture's format is taken from it)")
    return suffix[1:]


def save(figure, path: Path) -> Path:
    """Write FIGURE to PATH (format from its suffix), whole or not at all."""
    plt = pyplot()
    buffer = io.BytesIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "ecgkg"}):
        figure.savefig(buffer, format=output_suffix(path), bbox_inches="tight",
                       metadata={"Date": None} if path.suffix.lower() == ".svg" else None)
    plt.close(figure)
    write_file(path, buffer.getvalue())
    return path


def shorten(text: str, width: int = 32) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


# ---------------------------------------------------------------------------- timeline


def meeting_bars(kg) -> list[MeetingBar]:
    bars = {}
    for meeting, start, country, combined in kg.query(MEETINGS).rows:
        if meeting in bars:
            continue
        day = start if isinstance(start, datetime.date) else datetime.date.fromisoformat(
            str(start)[:10])
        bars[meeting] = MeetingBar(meeting, day, country, int(combined or 0))
    for meeting, body, items in kg.query(ITEMS_PER_BODY).rows:
        if meeting in bars:
            bars[meeting].items[body] += int(items)
    return sorted(bars.values(), key=lambda b: (b.start, b.meeting))


def timeline(kg, output: Path) -> Path:
    """Meetings over time: a bar per meeting stacked by presenting body, the host country above
    it and a star for each event combined with it."""
    output_suffix(output)
    bars = meeting_bars(kg)
    if not bars:
        raise EcgkgError("no meetings in the graph: nothing to plot")
    plt = pyplot()
    totals = Counter()
    for bar in bars:
        totals.update(bar.items)
    named = [body for body, _ in totals.most_common(LEGEND_BODIES)]
    others = len(totals) > len(named)
    colours = plt.get_cmap("tab10")
    span = max((bars[-1].start - bars[0].start).days, 1)
    width = max(span / max(len(bars), 1) * 0.6, 2) if len(bars) > 1 else 20
    figure, axes = plt.subplots(figsize=(min(6 + len(bars) * 0.08, 18), 5))
    for bar in bars:
        bottom = 0
        segments = [(body, bar.items[body]) for body in named if bar.items[body]]
        rest = sum(n for body, n in bar.items.items() if body not in named)
        if rest:
            segments.append(("other bodies", rest))
        for body, count in segments:
            colour = colours(named.index(body) % 10) if body in named else "#bbbbbb"
            axes.bar(bar.start, count, width=width, bottom=bottom, color=colour,
                     edgecolor="white", linewidth=0.3)
            bottom += count
        if bar.combined:
            axes.plot([bar.start], [bottom + 0.6], marker="*", color="black", markersize=8)
        if len(bars) <= LABEL_LIMIT and bar.country:
            axes.annotate(shorten(bar.country, 18), (bar.start, bottom + (1.4 if bar.combined
                          else 0.3)), ha="center", va="bottom", fontsize=8, rotation=90)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours(i % 10)) for i in range(len(named))]
    labels = [shorten(body, 28) for body in named]
    if others:
        handles.append(plt.Rectangle((0, 0), 1, 1, color="#bbbbbb"))
        labels.append("other bodies")
    if any(bar.combined for bar in bars):
        handles.append(plt.Line2D([], [], marker="*", color="black", linestyle=""))
        labels.append("combined event")
    axes.legend(handles, labels, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1),
                title="presented by", title_fontsize=8, frameon=False)
    axes.set_ylabel("agenda items presented")
    note = "" if len(bars) <= LABEL_LIMIT else " (host countries shown up to 40 meetings)"
    years = sorted({bars[0].start.year, bars[-1].start.year})
    axes.set_title(f"EURES Coordination Group: {len(bars)} meeting{'s' * (len(bars) != 1)}, "
                   f"{'-'.join(map(str, years))}{note}", fontsize=10)
    top = max(sum(bar.items.values()) for bar in bars)
    axes.set_ylim(0, top * 1.35 + 2)
    if len(bars) == 1:
        axes.set_xlim(bars[0].start - datetime.timedelta(days=60),
                      bars[0].start + datetime.timedelta(days=60))
    figure.autofmt_xdate()
    return save(figure, output)


# ---------------------------------------------------------------------------- network


def network_edges(kg) -> tuple[list[tuple[str, str]], dict[str, str], dict[str, str]]:
    """(edges, kind of each node, label of each node)."""
    edges, kinds = [], {}
    for a, a_kind, b, b_kind in kg.query(EDGES).rows:
        edges.append((a, b))
        kinds.setdefault(a, a_kind)
        kinds.setdefault(b, b_kind)
    labels = {node: label for node, label in kg.query(LABELS).rows if node in kinds and label}
    return sorted(set(edges)), kinds, labels


def network(kg, output: Path) -> Path:
    """Bodies, initiatives, legal acts and ESCO concepts as one graph, coloured by kind; the
    busiest nodes are named."""
    output_suffix(output)
    edges, kinds, labels = network_edges(kg)
    if not edges:
        raise EcgkgError("no bodies, initiatives, legal acts or ESCO links in the graph: "
                         "nothing to plot")
    try:
        import networkx as nx
    except ImportError:
        raise EcgkgError("plots need networkx: pip install 'ecgkg[plot]'") from None
    plt = pyplot()
    graph = nx.Graph()
    graph.add_nodes_from(sorted(kinds))
    graph.add_edges_from(edges)
    total = len(graph)
    if total > NETWORK_NODES:
        kept = sorted(graph, key=lambda n: (-graph.degree(n), n))[:NETWORK_NODES]
        graph = graph.subgraph(kept).copy()
        graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    positions = nx.spring_layout(graph, seed=1, k=3 / max(len(graph) ** 0.5, 1))
    size = min(7 + len(graph) * 0.03, 20)
    figure, axes = plt.subplots(figsize=(size, size * 0.75))
    nx.draw_networkx_edges(graph, positions, ax=axes, alpha=0.3, width=0.6)
    by_kind = defaultdict(list)
    for node in graph:
        by_kind[kinds[node]].append(node)
    node_size = 220 if len(graph) <= LABEL_LIMIT * 2 else max(20, 9000 // len(graph))
    for kind, colour in KIND_COLOURS.items():
        if by_kind[kind]:
            nx.draw_networkx_nodes(graph, positions, nodelist=by_kind[kind], node_color=colour,
                                   node_size=node_size, ax=axes,
                                   label=f"{kind} ({len(by_kind[kind])})")
    busiest = sorted(graph, key=lambda n: (-graph.degree(n), n))[:NETWORK_LABELS]
    nx.draw_networkx_labels(graph, positions, ax=axes, font_size=7,
                            labels={n: shorten(labels.get(n, n.rsplit("/", 1)[-1]), 28)
                                    for n in busiest})
    named = "" if len(graph) <= NETWORK_LABELS else f"; the {NETWORK_LABELS} most linked named"
    drawn = f"{len(graph)} nodes" if total == len(graph) else \
        f"the {len(graph)} most linked of {total} nodes"
    axes.set_title(f"Who presented what, on which legal basis, touching which ESCO concepts:\n"
                   f"{drawn}, {graph.number_of_edges()} links{named}", fontsize=10)
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False,
                markerscale=0.8)
    axes.set_axis_off()
    return save(figure, output)
