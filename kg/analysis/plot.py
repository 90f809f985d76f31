"""A picture of a network's core: the top-N nodes by PageRank, sized by degree, coloured by group.

Drawn with matplotlib's Agg renderer on a ``Figure`` of its own (no pyplot
state, no screen needed). The PNG is exactly ``width`` × ``height`` pixels:
the figure is sized in inches at a fixed dpi and saved without trimming.
Colours follow the node type where a network mixes types (bipartite networks,
the knowledge graph) and the Louvain community otherwise. The layout is a
seeded spring layout, so the same network gives the same picture.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx

from kg.analysis.metrics import DEFAULT_SEED, NetworkMetrics, simple_view
from kg.writers import atomic_output

__all__ = ["DEFAULT_SIZE", "plot_network", "top_subgraph"]

DEFAULT_SIZE = (1600, 1200)
_DPI = 100
_LABEL_CHARS = 32
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
            "#bcbd22", "#17becf")


def top_subgraph(graph: nx.Graph, metrics: NetworkMetrics, top: int) -> nx.Graph:
    """The undirected simple subgraph of the ``top`` nodes with the highest PageRank."""
    keep = [row.node for row in metrics.table[:top]]
    return simple_view(graph).subgraph(keep).copy()


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


def plot_network(
    graph: nx.Graph,
    metrics: NetworkMetrics,
    path: str | Path,
    *,
    top: int = 30,
    size: tuple[int, int] = DEFAULT_SIZE,
    color_by: str = "auto",
    seed: int = DEFAULT_SEED,
) -> Path:
    """Draw the top-``top`` subgraph to a PNG of ``size`` pixels; ``color_by`` is auto, type or community."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    sub = top_subgraph(graph, metrics, top)
    rows = {row.node: row for row in metrics.table}
    types = sorted({str(graph.nodes[n].get("type", "")) for n in sub})
    if color_by == "auto":
        color_by = "type" if len(types) > 1 else "community"
    if color_by == "type":
        groups = {n: types.index(str(graph.nodes[n].get("type", ""))) for n in sub}
        names = {i: t or "(untyped)" for i, t in enumerate(types)}
    else:
        groups = {n: rows[n].community for n in sub}
        names = {c: f"community {c}" for c in sorted(set(groups.values()))}
    width, height = size
    figure = Figure(figsize=(width / _DPI, height / _DPI), dpi=_DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.01, 0.01, 0.98, 0.92))
    axes.set_axis_off()
    shown = sub.number_of_nodes()
    title = f"{metrics.name}: top {shown} of {metrics.nodes:,} nodes by PageRank"
    filters = graph.graph.get("filters")
    figure.suptitle(title + (f"  [{filters}]" if filters else ""), fontsize=14)
    if shown:
        nodes = sorted(sub)
        layout = nx.spring_layout(sub, seed=seed, weight="weight", k=2.5 / math.sqrt(shown), iterations=100)
        degrees = [rows[n].degree for n in nodes]
        most = max(max(degrees), 1)
        sizes = [150 + 1850 * math.sqrt(d / most) for d in degrees]
        colors = [_PALETTE[groups[n] % len(_PALETTE)] for n in nodes]
        weights = [d.get("weight", 1) for *_, d in sub.edges(data=True)]
        heaviest = max(weights, default=1) or 1
        nx.draw_networkx_edges(sub, layout, ax=axes, alpha=0.35, edge_color="#555555",
                               width=[0.5 + 3.5 * w / heaviest for w in weights])
        nx.draw_networkx_nodes(sub, layout, nodelist=nodes, ax=axes, node_size=sizes, node_color=colors,
                               alpha=0.85, linewidths=0.5, edgecolors="white")
        for node in nodes:
            x, y = layout[node]
            axes.text(x, y, _short(rows[node].label), fontsize=8, ha="center", va="center", zorder=5,
                      bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.7, "linewidth": 0})
        used = sorted(set(groups.values()))[: len(_PALETTE)]
        handles = [Line2D([], [], marker="o", linestyle="", color=_PALETTE[g % len(_PALETTE)], label=names[g])
                   for g in used]
        axes.legend(handles=handles, loc="lower left", fontsize=9, frameon=False,
                    title=f"colour: {color_by}; size: degree", title_fontsize=9)
    else:
        axes.text(0.5, 0.5, "empty network", ha="center", va="center", fontsize=16)
    target = Path(path)
    with atomic_output(str(target)) as stream:
        figure.savefig(stream, format="png", dpi=_DPI)
    return target
