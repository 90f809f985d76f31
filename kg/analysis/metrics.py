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
    "COMMUNITY_MAX_EDGES",
    "DEFAULT_SEED",
    "MIN_PIVOTS",
    "Betweenness",
    "Community",
    "NetworkMetrics",
    "NodeMetrics",
    "betweenness_plan",
    "compute_metrics",
    "sampled_betweenness",
    "simple_view",
]

DEFAULT_SEED = 42
BETWEENNESS_BUDGET = 2_000_000
"""Exact betweenness costs about nodes × edges steps (Brandes); above this it is sampled."""
MIN_PIVOTS = 64
"""Sampled betweenness never uses fewer source nodes than this (or all, if fewer)."""
COMMUNITY_MAX_EDGES = 10_000_000
"""Louvain (pure Python) takes about a minute of CPU per two million edges, the largest share of the
metrics; above this many edges communities are not computed, and the summary says so."""

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
    notes: list[str] = field(default_factory=list)
    """What was left out or estimated because of the network's size, in words for the reader."""

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
            "notes": list(self.notes),
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


def sampled_betweenness(graph: nx.Graph, pivots: int, *, seed: int = DEFAULT_SEED) -> dict[str, float]:
    """Normalised betweenness estimated from ``pivots`` source nodes: networkx's estimate, vectorised.

    The same sources (``random.Random(seed).sample`` of the nodes in graph
    order) and the same scaling as ``nx.betweenness_centrality(graph, k=pivots,
    seed=seed)``, so the values agree with it to the last bits of summation
    order; but each breadth-first search runs a level at a time over a sparse
    adjacency matrix instead of a node at a time in Python (64 sources on the
    sponsor–site network of 20,000 trials: 5 s of CPU instead of 57 s).
    Unweighted, like the exact computation (shortest paths count hops).
    """
    import random

    import numpy as np

    nodes = list(graph)
    n = len(nodes)
    sources = random.Random(seed).sample(nodes, pivots)
    index = {node: i for i, node in enumerate(nodes)}
    adjacency = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=None, format="csr")
    indptr, indices = adjacency.indptr.astype(np.int64), adjacency.indices.astype(np.int64)
    total = np.zeros(n)
    for source in sources:
        total += _dependencies(indptr, indices, index[source])
    # endpoints excluded, as networkx: a source cannot lie between itself and a target
    pairs = n - 2
    if pairs < 1:
        return dict.fromkeys(nodes, 0.0)
    scale_source = 1 / ((pivots - 1) * pairs) if pivots > 1 else float("nan")
    scale_other = 1 / (pivots * pairs)
    scale = np.full(n, scale_other)
    scale[[index[s] for s in sources]] = scale_source
    return dict(zip(nodes, (total * scale).tolist(), strict=True))


def _dependencies(indptr, indices, source: int):  # type: ignore[no-untyped-def]
    """Brandes' dependencies of every node on ``source`` (one BFS forward, one sweep back), by level."""
    import numpy as np

    n = len(indptr) - 1
    distance = np.full(n, -1, dtype=np.int64)
    sigma = np.zeros(n)
    distance[source], sigma[source] = 0, 1.0
    frontier = np.array([source], dtype=np.int64)
    levels = []
    depth = 0
    while len(frontier):
        starts = indptr[frontier]
        counts = indptr[frontier + 1] - starts
        size = int(counts.sum())
        if size == 0:
            break
        tails = np.repeat(frontier, counts)
        heads = indices[np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(size)]
        frontier = np.unique(heads[distance[heads] < 0])
        distance[frontier] = depth + 1
        on_path = distance[heads] == depth + 1
        tails, heads = tails[on_path], heads[on_path]
        sigma += np.bincount(heads, weights=sigma[tails], minlength=n)
        levels.append((tails, heads))
        depth += 1
    delta = np.zeros(n)
    for tails, heads in reversed(levels):
        delta += np.bincount(tails, weights=sigma[tails] / sigma[heads] * (1 + delta[heads]), minlength=n)
    delta[source] = 0.0
    return delta


def compute_metrics(
    graph: nx.Graph,
    *,
    seed: int = DEFAULT_SEED,
    betweenness_budget: int = BETWEENNESS_BUDGET,
    community_max_edges: int = COMMUNITY_MAX_EDGES,
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
        between = sampled_betweenness(simple, plan.pivots, seed=seed)
    step("communities")
    notes = [] if plan.exact else [f"betweenness {plan}"]
    if simple.number_of_edges() > community_max_edges:
        notes.append(f"communities not computed: {simple.number_of_edges():,} edges > {community_max_edges:,} "
                     f"(each node is its own community)")
        found, modularity = [{node} for node in simple], 0.0
    elif simple.number_of_edges():
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
        modularity=float(modularity), seed=seed, table=table, notes=notes,
    )
