"""One builder per network: SPARQL over the store for the facts, networkx for the graph.

Every builder asks the store for the trial–entity incidence of the selected
trials (``kg.analysis.filters.trial_selection``) plus the labels and codes of
the entities, and counts co-occurrences in Python (pairs within a trial grow
quadratically, which a SPARQL self-join would make the store materialise).
Nodes are IRIs (strings); attributes are plain values, lists sorted, and
nodes and edges are added in sorted order, so the same store gives the same
graph every time.

Common node attributes: ``label`` (the name shown), ``type`` (``person``,
``organization``, ``site``, ``condition``, ``intervention``, ``trial``; a
class CURIE in the knowledge graph) and ``trials`` (selected trials the node
is in). Edge ``weight`` is what each builder documents.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import networkx as nx
from pyoxigraph import Literal, NamedNode, Store

from kg.analysis.filters import Filter, trial_selection
from kg.analysis.sources import Term, select
from kg.entities import is_entity
from kg.errors import UsageError
from kg.iris import ENTITIES_GRAPH_REF
from kg.namespaces import CODE, ID, MESH, PREFIXES, RDF, RDFS

__all__ = [
    "NETWORKS",
    "SIMILARITY_FEATURES",
    "NetworkSpec",
    "build_network",
    "condition_intervention_network",
    "investigator_network",
    "knowledge_graph",
    "projection",
    "selected_trials",
    "sponsor_site_network",
    "trial_similarity_network",
]

Progress = Callable[[int], None]
"""Receives the number of result rows read since its last call."""
_REPORT_EVERY = 20_000


def _rows(store: Store, query: str, on_rows: Progress | None) -> Iterator[tuple[Term | None, ...]]:
    count = 0
    for row in select(store, query):
        yield row
        count += 1
        if on_rows and count == _REPORT_EVERY:
            on_rows(count)
            count = 0
    if on_rows and count:
        on_rows(count)


def _value(term: Term | None) -> str | None:
    return None if term is None else term.value


def _code(term: Term | None) -> str | None:
    """The code of a coded value IRI (``…/code/phase/PHASE2`` → ``PHASE2``)."""
    return None if term is None else term.value.rsplit("/", 1)[-1]


def _code_of(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _name(labels: Iterable[str], fallback: str) -> str:
    """One label to show for a node with several spellings: the first in sorted order (stable)."""
    return min(labels, default=fallback)


def _new_graph(graph: nx.Graph, name: str, filters: Sequence[Filter], weight: str) -> nx.Graph:
    graph.graph.update(name=name, filters="; ".join(map(str, filters)), weight=weight)
    return graph


_PROPERTY = """
SELECT DISTINCT ?node ?value WHERE {{ ?node {predicate} ?value FILTER(STRSTARTS(STR(?node), "{prefix}")) }}
"""


def _property(store: Store, predicate: str, prefix: str, keep: Container[str]) -> dict[str, set[str]]:
    """Values of ``predicate`` (a CURIE of ours) for the nodes under IRI ``prefix`` that are in ``keep``.

    One predicate per query is one index scan; DISTINCT also covers RDF files
    loaded as they are, where a shared node may be described in several graphs.
    """
    found: dict[str, set[str]] = defaultdict(set)
    for node, value in select(store, _PROPERTY.format(predicate=predicate, prefix=prefix)):
        if node is not None and value is not None and node.value in keep:
            found[node.value].add(value.value)
    return found


def _add_weighted_edges(graph: nx.Graph, weights: Counter[tuple[str, str]]) -> None:
    graph.add_edges_from((a, b, {"weight": w}) for (a, b), w in sorted(weights.items()))


def selected_trials(store: Store, filters: Sequence[Filter] = ()) -> list[str]:
    """IRIs of the trials passing ``filters``, sorted: what every network of them is built from."""
    query = f"SELECT DISTINCT ?trial WHERE {{ {trial_selection(filters)} }}"
    return sorted(row[0].value for row in select(store, query) if row[0] is not None)


# --- investigators ---------------------------------------------------------------------------

_INVESTIGATORS = """
SELECT ?trial ?person ?role ?org WHERE {{
  {selection}
  ?trial ctkg:hasRole ?r . ?r ctkg:agent ?person .
  OPTIONAL {{ ?r ctkg:roleType ?role }}
  OPTIONAL {{ ?r ctkg:affiliation ?org }}
}}
"""


def investigator_network(
    store: Store, filters: Sequence[Filter] = (), *, on_rows: Progress | None = None
) -> nx.Graph:
    """People linked when they share a trial; ``weight`` = number of shared trials.

    Everyone with a role in a trial counts (officials, responsible party,
    central and site contacts), as people are one node whatever their role.
    Node attributes: ``label`` (name), ``trials``, ``roles`` (role codes),
    ``affiliations`` (organisation names given in those trials).
    """
    trials_of: dict[str, set[str]] = defaultdict(set)
    people_of: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, set[str]] = defaultdict(set)
    affiliated: dict[str, set[str]] = defaultdict(set)
    query = _INVESTIGATORS.format(selection=trial_selection(filters))
    for trial, person, role, org in _rows(store, query, on_rows):
        p, t = person.value, trial.value  # type: ignore[union-attr]
        trials_of[p].add(t)
        people_of[t].add(p)
        if role is not None:
            roles[p].add(_code(role))  # type: ignore[arg-type]
        if org is not None:
            affiliated[p].add(org.value)
    names = _property(store, "rdfs:label", f"{ID}person/", trials_of)
    org_names = _property(store, "rdfs:label", f"{ID}organization/", {o for os in affiliated.values() for o in os})
    affiliations = {p: {_name(org_names.get(o, ()), o) for o in orgs} for p, orgs in affiliated.items()}
    graph = _new_graph(nx.Graph(), "investigators", filters, "shared trials")
    for p in sorted(trials_of):
        graph.add_node(p, label=_name(names[p], p), type="person", trials=len(trials_of[p]),
                       roles=sorted(roles[p]), affiliations=sorted(affiliations.get(p, ())))
    weights: Counter[tuple[str, str]] = Counter()
    for people in people_of.values():
        weights.update(combinations(sorted(people), 2))
    _add_weighted_edges(graph, weights)
    return graph


# --- bipartite networks ----------------------------------------------------------------------

_SPONSOR_SITE = """
SELECT ?trial ?org ?lead ?site WHERE {{
  {selection}
  {{ ?trial ctkg:leadSponsor ?org BIND(true AS ?lead) }} UNION {{ ?trial ctkg:collaborator ?org BIND(false AS ?lead) }}
  ?trial ctkg:site ?site .
}}
"""


def sponsor_site_network(
    store: Store, filters: Sequence[Filter] = (), *, on_rows: Progress | None = None
) -> nx.Graph:
    """Organisations (lead sponsors and collaborators) × sites; ``weight`` = trials they share.

    Bipartite (``bipartite`` = 0 for organisations, 1 for sites). Organisation
    attributes: ``label``, ``organization_class``, ``trials``, ``lead_trials``;
    site attributes: ``label``, ``country`` (ISO code), ``city``, ``trials``.
    """
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    org_trials: dict[str, set[str]] = defaultdict(set)
    lead_trials: dict[str, set[str]] = defaultdict(set)
    site_trials: dict[str, set[str]] = defaultdict(set)
    query = _SPONSOR_SITE.format(selection=trial_selection(filters))
    for trial, org, lead, site in _rows(store, query, on_rows):
        t, o, s = trial.value, org.value, site.value  # type: ignore[union-attr]
        pairs[(o, s)].add(t)
        org_trials[o].add(t)
        site_trials[s].add(t)
        if lead is not None and lead.value == "true":
            lead_trials[o].add(t)
    org_names = _property(store, "rdfs:label", f"{ID}organization/", org_trials)
    org_class = _property(store, "ctkg:organizationClass", f"{ID}organization/", org_trials)
    site_names = _property(store, "rdfs:label", f"{ID}site/", site_trials)
    cities = _property(store, "schema:addressLocality", f"{ID}site/", site_trials)
    countries = _property(store, "schema:addressCountry", f"{ID}site/", site_trials)
    codes = _property(store, "skos:notation", f"{ID}country/", {c for cs in countries.values() for c in cs})
    graph = _new_graph(nx.Graph(), "sponsor-site", filters, "trials")
    for o in sorted(org_trials):
        graph.add_node(o, label=_name(org_names[o], o), type="organization", bipartite=0,
                       organization_class=_name({_code_of(c) for c in org_class.get(o, ())}, ""),
                       trials=len(org_trials[o]),
                       lead_trials=len(lead_trials[o]))
    for s in sorted(site_trials):
        country = {code for c in countries.get(s, ()) for code in codes.get(c, ())}
        graph.add_node(s, label=_name(site_names.get(s, ()), s), country=_name(country, ""),
                       city=_name(cities.get(s, ()), ""), type="site", bipartite=1, trials=len(site_trials[s]))
    _add_weighted_edges(graph, Counter({pair: len(trials) for pair, trials in pairs.items()}))
    return graph


_CONDITION_INTERVENTION = """
SELECT ?trial ?condition ?intervention WHERE {{
  {selection}
  ?trial ctkg:condition ?condition ; ctkg:studiesIntervention ?intervention .
}}
"""


def condition_intervention_network(
    store: Store, filters: Sequence[Filter] = (), *, on_rows: Progress | None = None
) -> nx.Graph:
    """Conditions × interventions; ``weight`` = trials studying the intervention for the condition.

    Bipartite (``bipartite`` = 0 conditions, 1 interventions). Attributes:
    ``label``, ``trials`` (selected trials naming both a condition and an
    intervention), ``mesh`` (MeSH descriptor ids, ``mesh_iris`` their IRIs).
    """
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    trials: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, int] = {}
    query = _CONDITION_INTERVENTION.format(selection=trial_selection(filters))
    for trial, condition, intervention in _rows(store, query, on_rows):
        t, c, i = trial.value, condition.value, intervention.value  # type: ignore[union-attr]
        pairs[(c, i)].add(t)
        trials[c].add(t)
        trials[i].add(t)
        kinds[c], kinds[i] = 0, 1
    labels: dict[str, set[str]] = {}
    meshes: dict[str, set[str]] = {}
    for kind in ("condition", "intervention"):
        labels |= _property(store, "rdfs:label", f"{ID}{kind}/", trials)
        meshes |= _property(store, "ctkg:meshDescriptor", f"{ID}{kind}/", trials)
    mesh_ids = _property(store, "skos:notation", str(MESH), {m for ms in meshes.values() for m in ms})
    graph = _new_graph(nx.Graph(), "condition-intervention", filters, "trials")
    for node in sorted(trials, key=lambda n: (kinds[n], n)):
        mesh = meshes.get(node, set())
        graph.add_node(node, label=_name(labels.get(node, ()), node), type=("condition", "intervention")[kinds[node]],
                       bipartite=kinds[node], trials=len(trials[node]),
                       mesh=sorted({i for m in mesh for i in mesh_ids.get(m, ())}), mesh_iris=sorted(mesh))
    _add_weighted_edges(graph, Counter({pair: len(ts) for pair, ts in pairs.items()}))
    return graph


def projection(bipartite_graph: nx.Graph, side: int, name: str) -> nx.Graph:
    """The one-mode projection onto one side; ``weight`` = neighbours shared on the other side.

    For the condition–intervention network: conditions linked by the number of
    interventions tried for both (``side`` 0), or interventions by the number of
    conditions they were tried for (``side`` 1). Node attributes are kept.
    """
    nodes = sorted(n for n, d in bipartite_graph.nodes(data=True) if d.get("bipartite") == side)
    projected = nx.bipartite.weighted_projected_graph(bipartite_graph, nodes)
    graph = nx.Graph()
    graph.graph.update(bipartite_graph.graph, name=name, weight=f"shared neighbours in {bipartite_graph.graph['name']}")
    graph.add_nodes_from((n, bipartite_graph.nodes[n]) for n in nodes)
    graph.add_edges_from(sorted((*sorted((a, b)), {"weight": d["weight"]}) for a, b, d in projected.edges(data=True)))
    return graph


# --- trial similarity ------------------------------------------------------------------------

SIMILARITY_FEATURES = {
    "condition": "{ ?trial ctkg:condition ?feature }",
    "intervention": "{ ?trial ctkg:studiesIntervention ?feature }",
    "sponsor": "{ ?trial ctkg:leadSponsor|ctkg:collaborator ?feature }",
}
_TRIAL_FEATURES = """
SELECT ?trial ?feature WHERE {{
  {selection}
  {union}
}}
"""
_TRIALS = """
SELECT ?trial ?nct ?title ?status ?phase ?start WHERE {{
  {selection}
  OPTIONAL {{ ?trial ctkg:nctId ?nct }} OPTIONAL {{ ?trial rdfs:label ?title }}
  OPTIONAL {{ ?trial ctkg:overallStatus ?status }} OPTIONAL {{ ?trial ctkg:phase ?phase }}
  OPTIONAL {{ ?trial ctkg:startDate ?start }}
}}
"""
_BLOCK_ROWS = 2048
"""Trials per block of the sparse similarity product: bounds memory whatever the trial count."""


def trial_similarity_network(
    store: Store,
    filters: Sequence[Filter] = (),
    *,
    features: Sequence[str] = ("condition", "intervention", "sponsor"),
    threshold: float = 0.3,
    max_feature_trials: int | None = 1000,
    max_neighbours: int | None = None,
    on_rows: Progress | None = None,
) -> nx.Graph:
    """Trials linked by the Jaccard similarity of their conditions, interventions and sponsors.

    ``weight`` = |A ∩ B| / |A ∪ B| over the trials' feature sets (``shared`` =
    |A ∩ B|); pairs below ``threshold`` are not linked. A feature found in more
    than ``max_feature_trials`` selected trials (a big sponsor, "Healthy") says
    little about two trials and would link most of them: it is left out of
    every set, like a stop word (``None`` keeps everything). With
    ``max_neighbours`` a trial keeps only its k most similar links (ties by
    NCT id; a link stays if either end keeps it). Every selected trial with a
    feature is a node (``label`` NCT id, ``title``, ``status``, ``phases``,
    ``start``). The product runs on sparse matrices in blocks (scipy).
    """
    import numpy as np
    from scipy import sparse

    unknown = sorted(set(features) - set(SIMILARITY_FEATURES))
    if unknown or not features:
        raise UsageError(f"unknown similarity feature {unknown[0] if unknown else '(none)'!r} "
                         f"(features: {', '.join(SIMILARITY_FEATURES)})")
    if not 0 < threshold <= 1:
        raise UsageError(f"the similarity threshold must be in (0, 1], not {threshold}")
    selection = trial_selection(filters)
    union = " UNION ".join(SIMILARITY_FEATURES[f] for f in sorted(set(features)))
    incidence: set[tuple[str, str]] = set()
    for trial, feature in _rows(store, _TRIAL_FEATURES.format(selection=selection, union=union), on_rows):
        incidence.add((trial.value, feature.value))  # type: ignore[union-attr]
    trial_ids = sorted({t for t, _ in incidence})
    index = {t: i for i, t in enumerate(trial_ids)}
    frequency = Counter(f for _, f in incidence)
    kept = sorted(f for f, n in frequency.items() if max_feature_trials is None or n <= max_feature_trials)
    feature_index = {f: j for j, f in enumerate(kept)}
    rows_, cols_ = [], []
    for t, f in incidence:
        j = feature_index.get(f)
        if j is not None:
            rows_.append(index[t])
            cols_.append(j)
    n = len(trial_ids)
    matrix = sparse.csr_matrix((np.ones(len(rows_), dtype=np.int32), (rows_, cols_)), shape=(n, len(kept)))
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    transposed = matrix.T.tocsc()
    sources, targets, shared_counts, scores = [], [], [], []
    for start in range(0, n, _BLOCK_ROWS):
        block = (matrix[start:start + _BLOCK_ROWS] @ transposed).tocoo()
        a, b, shared = block.row + start, block.col, block.data
        upper = b > a
        a, b, shared = a[upper], b[upper], shared[upper]
        jaccard = shared / (sizes[a] + sizes[b] - shared)
        keep = jaccard >= threshold
        sources.append(a[keep])
        targets.append(b[keep])
        shared_counts.append(shared[keep])
        scores.append(jaccard[keep])
    src = np.concatenate(sources) if sources else np.zeros(0, dtype=np.int64)
    dst = np.concatenate(targets) if targets else np.zeros(0, dtype=np.int64)
    shared_all = np.concatenate(shared_counts) if shared_counts else np.zeros(0, dtype=np.int64)
    jac = np.concatenate(scores) if scores else np.zeros(0)
    if max_neighbours is not None and len(src):
        keep = _top_neighbours(src, dst, jac, max_neighbours)
        src, dst, shared_all, jac = src[keep], dst[keep], shared_all[keep], jac[keep]
    graph = _new_graph(nx.Graph(), "trial-similarity", filters, "Jaccard similarity")
    graph.graph.update(features=",".join(sorted(set(features))), threshold=threshold,
                       max_feature_trials=max_feature_trials if max_feature_trials is not None else -1,
                       features_left_out=len(frequency) - len(kept))
    _add_trial_nodes(graph, store, selection, index)
    order = np.lexsort((dst, src))
    graph.add_edges_from(
        (trial_ids[int(src[k])], trial_ids[int(dst[k])],
         {"weight": round(float(jac[k]), 6), "shared": int(shared_all[k])})
        for k in order
    )
    return graph


def _top_neighbours(src, dst, jac, k: int):  # type: ignore[no-untyped-def]
    """Mask of links that are among the ``k`` best of either end (ties: lower trial index first)."""
    import numpy as np

    edge = np.concatenate([np.arange(len(src)), np.arange(len(src))])
    end = np.concatenate([src, dst])
    other = np.concatenate([dst, src])
    order = np.lexsort((other, -np.concatenate([jac, jac]), end))
    end_sorted = end[order]
    starts = np.r_[0, np.flatnonzero(np.diff(end_sorted)) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    keep = np.zeros(len(src), dtype=bool)
    keep[edge[order[rank < k]]] = True
    return keep


def _add_trial_nodes(graph: nx.Graph, store: Store, selection: str, index: dict[str, int]) -> None:
    info: dict[str, dict[str, object]] = {}
    phases: dict[str, set[str]] = defaultdict(set)
    for trial, nct, title, status, phase, start in select(store, _TRIALS.format(selection=selection)):
        t = trial.value  # type: ignore[union-attr]
        if t not in index:
            continue
        current = info.setdefault(t, {"label": _value(nct) or t, "title": _value(title) or "",
                                      "status": _code(status) or "", "start": _value(start) or ""})
        if title is not None and title.value < str(current["title"] or "\uffff"):
            current["title"] = title.value
        if phase is not None:
            phases[t].add(_code(phase))  # type: ignore[arg-type]
    for t in sorted(index):
        attrs = info.get(t, {"label": t, "title": "", "status": "", "start": ""})
        graph.add_node(t, **attrs, type="trial", phases=sorted(phases[t]))


# --- the knowledge graph ---------------------------------------------------------------------

_TRIAL_STATEMENTS = """
SELECT ?s ?p ?o WHERE {{ {selection} GRAPH ?g {{ ?trial ctkg:nctId ?nct }} GRAPH ?g {{ ?s ?p ?o }} }}
"""
"""What the selected trials own: each trial's graph is found through the graph its ``ctkg:nctId``
is stated in (a graph IRI built from text would have to be compared with every stored one)."""
_DESCRIPTIONS = """
SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {nodes} }} GRAPH <{entities}> {{ ?s ?p ?o }} }}
"""
"""The descriptions of a batch of shared nodes, which live once in the entities graph."""
_DESCRIPTION_BATCH = 2000


def _knowledge_rows(
    store: Store, filters: Sequence[Filter], on_rows: Progress | None
) -> Iterator[tuple[Term | None, ...]]:
    """The selected trials' statements, then those of the shared nodes they reach (sites' places, ...)."""
    frontier: set[NamedNode] = set()
    for row in _rows(store, _TRIAL_STATEMENTS.format(selection=trial_selection(filters)), on_rows):
        if isinstance(row[2], NamedNode) and is_entity(row[2]):
            frontier.add(row[2])
        yield row
    described: set[NamedNode] = set()
    while frontier:
        described |= frontier
        batch = sorted(frontier, key=str)
        frontier = set()
        for start in range(0, len(batch), _DESCRIPTION_BATCH):
            nodes = " ".join(str(node) for node in batch[start:start + _DESCRIPTION_BATCH])
            for row in _rows(store, _DESCRIPTIONS.format(nodes=nodes, entities=ENTITIES_GRAPH_REF), on_rows):
                if isinstance(row[2], NamedNode) and is_entity(row[2]) and row[2] not in described:
                    frontier.add(row[2])
                yield row


_CURIES = sorted(((ns, prefix) for prefix, ns in PREFIXES.items()), key=lambda item: -len(item[0]))
_PREFERRED_TYPE_PREFIXES = ("ctkg:", "schema:", "skos:", "geo:")


@lru_cache(maxsize=1 << 14)
def curie(iri: str) -> str:
    """``iri`` shortened with the project's prefixes where one applies."""
    for namespace, prefix in _CURIES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _node_type(types: set[str], node: str) -> str:
    for prefix in _PREFERRED_TYPE_PREFIXES:
        found = sorted(t for t in types if t.startswith(prefix))
        if found:
            return found[0]
    if types:
        return min(types)
    return "skos:Concept" if node.startswith(str(CODE)) else ""


def knowledge_graph(
    store: Store, filters: Sequence[Filter] = (), *, on_rows: Progress | None = None
) -> nx.MultiDiGraph:
    """The selected trials' graphs, with the shared nodes they link to, as a typed ``MultiDiGraph``.

    Nodes are IRIs (and blank nodes as ``_:id``) with ``type`` (the class
    CURIE: ``ctkg:`` classes first), ``types`` (all) and ``label``; edges go
    from subject to object, keyed and attributed by ``predicate`` (CURIE).
    ``rdf:type`` and ``rdfs:label`` become node attributes; other literal
    values (titles, dates, descriptions) stay in the store and are not nodes.
    A shared node described by many trials is one node.
    """
    types: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, set[str]] = defaultdict(set)
    edges: list[tuple[str, str, str]] = []
    rdf_type, label = RDF.type, RDFS.label
    for s, p, o in _knowledge_rows(store, filters, on_rows):
        subject = _node_id(s)
        if p == rdf_type:
            types[subject].add(curie(o.value))  # type: ignore[union-attr]
        elif isinstance(o, Literal):
            if p == label:
                labels[subject].add(o.value)
            else:
                types.setdefault(subject, set())
        else:
            edges.append((subject, _node_id(o), curie(p.value)))  # type: ignore[union-attr]
    nodes = set(types) | set(labels) | {e[0] for e in edges} | {e[1] for e in edges}
    graph = nx.MultiDiGraph()
    graph.graph.update(name="knowledge-graph", filters="; ".join(map(str, filters)), weight="statements")
    for node in sorted(nodes):
        found = types.get(node, set())
        graph.add_node(node, label=_name(labels.get(node, ()), curie(node)), type=_node_type(found, node),
                       types=sorted(found))
    graph.add_edges_from((s, o, p, {"predicate": p}) for s, o, p in sorted(edges))
    return graph


def _node_id(term: Term | None) -> str:
    if isinstance(term, NamedNode):
        return term.value
    return str(term)


# --- registry --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NetworkSpec:
    """A network ``kg analyze`` can build: its name, what it shows, and whether it is bipartite."""

    name: str
    description: str
    bipartite: bool = False


NETWORKS: dict[str, NetworkSpec] = {
    spec.name: spec
    for spec in (
        NetworkSpec("investigators", "people linked by shared trials (weight: shared trials)"),
        NetworkSpec("sponsor-site", "sponsors and collaborators × sites (weight: trials)", bipartite=True),
        NetworkSpec("condition-intervention", "conditions × interventions (weight: trials)", bipartite=True),
        NetworkSpec("conditions", "conditions linked by interventions tried for both (weight: shared interventions)"),
        NetworkSpec("interventions", "interventions linked by conditions they were tried for (weight: shared "
                                     "conditions)"),
        NetworkSpec("trial-similarity", "trials linked by shared conditions, interventions and sponsors "
                                        "(weight: Jaccard)"),
        NetworkSpec("knowledge-graph", "the whole graph of the selected trials, typed (MultiDiGraph)"),
    )
}


def build_network(
    store: Store,
    name: str,
    filters: Sequence[Filter] = (),
    *,
    threshold: float = 0.3,
    max_neighbours: int | None = None,
    on_rows: Progress | None = None,
) -> nx.Graph:
    """The network called ``name`` (a key of ``NETWORKS``) of the trials passing ``filters``."""
    if name == "investigators":
        return investigator_network(store, filters, on_rows=on_rows)
    if name == "sponsor-site":
        return sponsor_site_network(store, filters, on_rows=on_rows)
    if name in ("condition-intervention", "conditions", "interventions"):
        bipartite = condition_intervention_network(store, filters, on_rows=on_rows)
        if name == "condition-intervention":
            return bipartite
        return projection(bipartite, 0 if name == "conditions" else 1, name)
    if name == "trial-similarity":
        return trial_similarity_network(store, filters, threshold=threshold, max_neighbours=max_neighbours,
                                        on_rows=on_rows)
    if name == "knowledge-graph":
        return knowledge_graph(store, filters, on_rows=on_rows)
    raise UsageError(f"unknown network {name!r} (networks: {', '.join(NETWORKS)})")
