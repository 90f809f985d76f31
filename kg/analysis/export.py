"""Writing a network and its metrics: CSV and JSON tables, GraphML and GEXF.

GraphML and GEXF hold only scalar attributes, so list attributes (a person's
roles and affiliations, a condition's MeSH ids) are written joined with
``LIST_SEPARATOR`` ("; ") — the form Gephi and Cytoscape show and filter on —
in the graph files and the CSV tables alike; the JSON node table keeps them
as lists. The metrics of each node (degree, weighted degree, PageRank,
betweenness, community, component) are added as node attributes to the graph
files, so Gephi can size and colour by them at once. Every file is written
atomically (``kg.writers.atomic_output``): a failed run leaves no half file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO

import networkx as nx

from kg.analysis.metrics import NetworkMetrics
from kg.writers import atomic_output

__all__ = ["LIST_SEPARATOR", "METRIC_COLUMNS", "exportable", "node_rows", "write_all", "write_gexf", "write_graphml"]

LIST_SEPARATOR = "; "
METRIC_COLUMNS = ("degree", "weighted_degree", "pagerank", "betweenness", "community", "component")
_DIGITS = 10
"""Floats are rounded so that tables do not show the last bits of summation order."""


def _scalar(value: object) -> str | int | float | bool:
    if isinstance(value, list | tuple | set | frozenset):
        return LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return round(value, _DIGITS)
    return "" if value is None else str(value)


def exportable(graph: nx.Graph, metrics: NetworkMetrics | None = None) -> nx.Graph:
    """A copy of ``graph`` with scalar attributes only, and the node metrics as attributes."""
    copy = graph.__class__()
    copy.graph.update({k: _scalar(v) for k, v in graph.graph.items()})
    by_node = {row.node: row for row in metrics.table} if metrics else {}
    for node, data in graph.nodes(data=True):
        attrs = {k: _scalar(v) for k, v in data.items()}
        row = by_node.get(node)
        if row is not None:
            attrs.update({c: _scalar(getattr(row, c)) for c in METRIC_COLUMNS})
        copy.add_node(node, **attrs)
    if graph.is_multigraph():
        copy.add_edges_from((a, b, k, {x: _scalar(v) for x, v in d.items()})
                            for a, b, k, d in graph.edges(keys=True, data=True))
    else:
        copy.add_edges_from((a, b, {x: _scalar(v) for x, v in d.items()}) for a, b, d in graph.edges(data=True))
    return copy


def write_graphml(graph: nx.Graph, path: str | Path, metrics: NetworkMetrics | None = None) -> None:
    with atomic_output(str(path)) as stream:
        nx.write_graphml(exportable(graph, metrics), stream, encoding="utf-8", prettyprint=True)


def write_gexf(graph: nx.Graph, path: str | Path, metrics: NetworkMetrics | None = None) -> None:
    with atomic_output(str(path)) as stream:
        nx.write_gexf(exportable(graph, metrics), stream, encoding="utf-8", prettyprint=True)


def node_rows(graph: nx.Graph, metrics: NetworkMetrics) -> tuple[list[str], list[dict[str, object]]]:
    """Columns and rows of the node table, in the metrics' order (best PageRank first)."""
    attributes = sorted({k for _, data in graph.nodes(data=True) for k in data} - {"label", "type"})
    columns = ["node", "label", "type", *METRIC_COLUMNS, *(a for a in attributes if a not in METRIC_COLUMNS)]
    rows = []
    for row in metrics.table:
        data = graph.nodes[row.node]
        values: dict[str, object] = {k: v for k, v in asdict(row).items() if k in columns}
        values.update({a: data[a] for a in attributes if a in data and a not in values})
        rows.append(values)
    return columns, rows


@contextmanager
def _text(path: Path) -> Iterator[IO[str]]:
    with atomic_output(str(path)) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        try:
            yield text
        finally:
            text.flush()
            text.detach()


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, object]]) -> None:
    with _text(path) as out:
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _scalar(v) for k, v in row.items()} for row in rows)


def _write_json(path: Path, value: object) -> None:
    with _text(path) as out:
        json.dump(value, out, ensure_ascii=False, indent=1, sort_keys=False)
        out.write("\n")


def _json_value(value: object) -> object:
    if isinstance(value, float):
        return round(value, _DIGITS)
    if isinstance(value, tuple | set | frozenset):
        return sorted(value)
    return value


def write_all(graph: nx.Graph, metrics: NetworkMetrics, folder: str | Path, prefix: str | None = None,
              *, formats: tuple[str, ...] = ("graphml", "gexf")) -> list[Path]:
    """Every table and graph file of one analysis into ``folder``; the paths written.

    ``PREFIX-summary.json`` (graph-level metrics, components, communities),
    ``PREFIX-nodes.csv`` / ``.json`` (every node metric and attribute),
    ``PREFIX-edges.csv``, ``PREFIX-communities.csv``, ``PREFIX.graphml`` and
    ``PREFIX.gexf``. ``prefix`` defaults to the network name.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    prefix = prefix or metrics.name or "network"
    written: list[Path] = []

    def target(name: str) -> Path:
        path = out / f"{prefix}{name}"
        written.append(path)
        return path

    summary = metrics.summary()
    summary.update(filters=graph.graph.get("filters", ""), weight=graph.graph.get("weight", ""),
                   **{k: v for k, v in graph.graph.items() if k not in ("name", "filters", "weight")})
    _write_json(target("-summary.json"), summary)
    columns, rows = node_rows(graph, metrics)
    _write_csv(target("-nodes.csv"), columns, rows)
    _write_json(target("-nodes.json"), [{k: _json_value(v) for k, v in row.items()} for row in rows])
    edge_attributes = sorted({k for *_, d in graph.edges(data=True) for k in d})
    edge_columns = ["source", "target", "source_label", "target_label", *edge_attributes]
    label = {node: data.get("label", node) for node, data in graph.nodes(data=True)}
    _write_csv(target("-edges.csv"), edge_columns, [
        {"source": a, "target": b, "source_label": label[a], "target_label": label[b], **d}
        for a, b, d in graph.edges(data=True)
    ])
    _write_csv(target("-communities.csv"), ["community", "size", "top_members"], [
        {"community": c.id, "size": c.size, "top_members": list(c.top_members)} for c in metrics.communities
    ])
    if "graphml" in formats:
        write_graphml(graph, target(".graphml"), metrics)
    if "gexf" in formats:
        write_gexf(graph, target(".gexf"), metrics)
    return written
