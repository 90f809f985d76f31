"""Network metrics: size, density, components, degree, PageRank, betweenness, Louvain communities.

Everything is deterministic for a given graph: Louvain and sampled
betweenness use a fixed seed, communities are numbered by size (then by their
first member), and every table is sorted. Components, betweenness and
communities are computed on the undirected simple view of the graph (a
multigraph's parallel edges become one edge whose weight counts them);
degree and PageRank use the graph as it is (directed for the knowledge graph).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx

__all__ = [
    "BETWEENNESS_BUDGET",
    "DEFAULT_SEED",
    "MIN_PIVOTS",
    "Betweenness",
    "Community",
    "NetworkMetrics",
    "NodeMetrics",
    "betweenness_plan",
    "compute_metrics",
    "simple_view",
]

DEFAULT_SEED = 42
BETWEENNESS_BUDGET = 2_000_000
"""Exact betweenness costs about nodes × edges steps (Brandes); above this it is sampled."""
MIN_PIVOTS = 64
"""Sampled betweenness never uses fewer source nodes than this (or all, if fewer)."""

Step = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Betweenness:
    """How betweenness was computed: from every node, or from ``pivots`` sampled source nodes."""

    exact: bool
    pivots: int
    nodes: int
    seed: int

    def __str__(self) -> str:
        if self.exact:
            return "exact"
        return f"sampled from {self.pivots:,} of {self.nodes:,} nodes (seed {self.seed})"


@dataclass(frozen=True, slots=True)
class NodeMetrics:
    node: str
    label: str
    type: str
    degree: int
    weighted_degree: float
    pagerank: float
    betweenness: float
    community: int
    component: int


@dataclass(frozen=True, slots=True)
class Community:
    """A Louvain community: its number (0 = largest), size and strongest members."""

    id: int
    size: int
    top_members: tuple[str, ...]
    """Labels of the members with the highest weighted degree, best first."""


@dataclass(slots=True)
class NetworkMetrics:
    name: str
    nodes: int
    edges: int
    density: float
    directed: bool
    components: list[int]
    """Sizes of the connected components (weakly, for directed graphs), largest first."""
    betweenness: Betweenness
    communities: list[Community]
    modularity: float
    seed: int
    table: list[NodeMetrics] = field(default_factory=list)
    """One row per node, best PageRank first (ties by node id)."""

    def summary(self) -> dict[str, object]:
        """Graph-level metrics as plain JSON values."""
        return {
            "network": self.name,
            "nodes": self.nodes,
            "edges": self.edges,
            "density": round(self.density, 10),
            "directed": self.directed,
            "components": len(self.components),
            "component_sizes": self.components,
            "betweenness": str(self.betweenness),
            "betweenness_pivots": self.betweenness.pivots,
            "communities": len(self.communities),
            "modularity": round(self.modularity, 10),
            "seed": self.seed,
            "top_communities": [
                {"community": c.id, "size": c.size, "top_members": list(c.top_members)} for c in self.communities[:20]
            ],
        }


def simple_view(graph: nx.Graph) -> nx.Graph:
    """An undirected simple graph; parallel or opposite edges merge, their weights (1 if absent) add up."""
    if not graph.is_directed() and not graph.is_multigraph():
        return graph
    view = nx.Graph()
    view.add_nodes_from(graph.nodes)
    for a, b, data in graph.edges(data=True):
        if a == b:
            continue
        weight = data.get("weight", 1)
        if view.has_edge(a, b):
            view[a][b]["weight"] += weight
        else:
            view.add_edge(a, b, weight=weight)
    return view


def betweenness_plan(nodes: int, edges: int, *, budget: int = BETWEENNESS_BUDGET, seed: int = DEFAULT_SEED
                     ) -> Betweenness:
    """Exact when nodes × edges fits ``budget``, else as many sampled sources as fit (at least ``MIN_PIVOTS``).

    Brandes' algorithm walks every edge once per source node, so the number of
    sources decides the time; sampling k sources estimates every node's
    betweenness (scaled by nodes / k) at k / nodes of the cost.
    """
    if nodes * max(edges, 1) <= budget:
        return Betweenness(True, nodes, nodes, seed)
    pivots = max(MIN_PIVOTS, budget // max(edges, 1))
    if pivots >= nodes:
        return Betweenness(True, nodes, nodes, seed)
    return Betweenness(False, pivots, nodes, seed)


def compute_metrics(
    graph: nx.Graph,
    *,
    seed: int = DEFAULT_SEED,
    betweenness_budget: int = BETWEENNESS_BUDGET,
    top_members: int = 5,
    on_step: Step | None = None,
) -> NetworkMetrics:
    """Every metric of ``graph``; ``on_step`` is told the name of each step as it starts."""

    def step(name: str) -> None:
        if on_step:
            on_step(name)

    step("components")
    simple = simple_view(graph)
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    components = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    component_of = {node: i for i, members in enumerate(components) for node in members}
    step("degree")
    degree = dict(graph.degree())
    weighted = dict(graph.degree(weight="weight"))
    step("pagerank")
    pagerank = nx.pagerank(graph, weight="weight") if m else {node: 1 / n for node in graph} if n else {}
    step("betweenness")
    plan = betweenness_plan(n, simple.number_of_edges(), budget=betweenness_budget, seed=seed)
    if n == 0:
        between: dict[str, float] = {}
    elif plan.exact:
        between = nx.betweenness_centrality(simple, normalized=True)
    else:
        between = nx.betweenness_centrality(simple, k=plan.pivots, normalized=True, seed=seed)
    step("communities")
    if simple.number_of_edges():
        found = nx.community.louvain_communities(simple, weight="weight", seed=seed)
        modularity = nx.community.modularity(simple, found, weight="weight")
    else:
        found, modularity = [{node} for node in simple], 0.0
    groups = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    community_of = {node: i for i, members in enumerate(groups) for node in members}
    label = {node: str(data.get("label", node)) for node, data in graph.nodes(data=True)}
    communities = [
        Community(i, len(members),
                  tuple(label[x] for x in sorted(members, key=lambda x: (-weighted[x], x))[:top_members]))
        for i, members in enumerate(groups)
    ]
    table = [
        NodeMetrics(
            node=node, label=label[node], type=str(graph.nodes[node].get("type", "")), degree=int(degree[node]),
            weighted_degree=float(weighted[node]), pagerank=float(pagerank.get(node, 0.0)),
            betweenness=float(between.get(node, 0.0)), community=community_of.get(node, -1),
            component=component_of.get(node, -1),
        )
        for node in graph
    ]
    table.sort(key=lambda row: (-round(row.pagerank, 12), row.node))
    density = nx.density(graph) if n > 1 else 0.0
    return NetworkMetrics(
        name=str(graph.graph.get("name", "")), nodes=n, edges=m, density=density, directed=graph.is_directed(),
        components=[len(c) for c in components], betweenness=plan, communities=communities,
        modularity=float(modularity), seed=seed, table=table,
    )
