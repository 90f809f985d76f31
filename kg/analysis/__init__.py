"""Network analysis of the trial graph: networks built by SPARQL, metrics, exports and pictures.

::

    from kg.analysis import build_network, compute_metrics, from_store, parse_filters, write_all

    store = from_store("kg-store")
    graph = build_network(store, "investigators", parse_filters(["phase=PHASE2", "start>=2015"]))
    metrics = compute_metrics(graph)
    write_all(graph, metrics, "kg-analysis/investigators")

Modules: ``sources`` (store or files), ``filters`` (``--where`` bound as RDF
terms), ``networks`` (one builder per network), ``metrics``, ``export``
(CSV/JSON, GraphML, GEXF), ``plot`` (PNG).
"""

from __future__ import annotations

from kg.analysis.export import write_all, write_gexf, write_graphml
from kg.analysis.filters import Filter, parse_filter, parse_filters, trial_selection
from kg.analysis.metrics import NetworkMetrics, compute_metrics
from kg.analysis.networks import (
    KNOWLEDGE_GRAPH_MAX_STATEMENTS,
    NETWORKS,
    build_network,
    condition_intervention_network,
    investigator_network,
    knowledge_graph,
    knowledge_graph_size,
    projection,
    sponsor_site_network,
    trial_similarity_network,
)
from kg.analysis.sources import from_files, from_store

__all__ = [
    "KNOWLEDGE_GRAPH_MAX_STATEMENTS",
    "NETWORKS",
    "Filter",
    "NetworkMetrics",
    "build_network",
    "compute_metrics",
    "condition_intervention_network",
    "from_files",
    "from_store",
    "investigator_network",
    "knowledge_graph",
    "knowledge_graph_size",
    "parse_filter",
    "parse_filters",
    "projection",
    "sponsor_site_network",
    "trial_selection",
    "trial_similarity_network",
    "write_all",
    "write_gexf",
    "write_graphml",
]
