"""One builder per network: SPARQL over the store for the facts, networkx for the graph.

Every builder asks the store for the trial–entity incidence of the selected
trials (``kg.analysis.filters.trial_selection``) plus the labels and codes of
the entities, and counts co-occurrences in Python (pairs within a trial grow
quadratically, which a SPARQL self-join would make the store materialise).

At registry scale the cost is the store decoding terms (an IRI or a long
literal is looked up to be turned into text), so the queries are written to
decode as little as possible: the incidence comes grouped by entity, each
entity once with the NCT ids of its trials concatenated (short literals,
held in the index itself, need no lookup); attributes are joined after the
grouping; and every triple pattern is a subquery of its own, which the store
joins by hash over whole predicates instead of seeking once per row.
Nodes are IRIs (strings); attributes are plain values, lists sorted, and
nodes and edges are added in sorted order, so the same store gives the same
graph every time.

Common node attributes: ``label`` (the name shown), ``type`` (``person``,
``organization``, ``site``, ``condition``, ``intervention``, ``trial``; a
class CURIE in the knowledge graph) and ``trials`` (selected trials the node
is in). Edge ``weight`` is what each builder documents.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import networkx as nx
from pyoxigraph import Literal, NamedNode, Store

from kg.analysis.filters import Filter, trial_selection
from kg.analysis.sources import Term, select
from kg.entities import is_entity
from kg.errors import UsageError
from kg.iris import ENTITIES_GRAPH_REF, code_ref
from kg.namespaces import CODE, PREFIXES, RDF, RDFS
from kg.vocab import SCHEMES

__all__ = [
    "KNOWLEDGE_GRAPH_MAX_STATEMENTS",
    "NETWORKS",
    "SIMILARITY_FEATURES",
    "NetworkSpec",
    "build_network",
    "condition_intervention_network",
    "investigator_network",
    "knowledge_graph",
    "knowledge_graph_size",
    "projection",
    "selected_trials",
    "sponsor_site_network",
    "trial_similarity_network",
]

VALUES_MAX_TRIALS = 50_000
"""The most filtered trials a network's queries name one by one (about 3 MB of query text)."""

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


_ATTRIBUTE = "OPTIONAL {{ SELECT ?{node} ?{name} WHERE {{ ?{node} {predicate} ?{name} }} }}"


def _own(pattern: str, *variables: str) -> str:
    """``pattern`` as a subquery of its own, projecting ``variables``.

    The store joins subqueries by hashing: each predicate is read once, in
    index order, without decoding a term, instead of one index seek per row of
    the pattern before it, which was 3-5x slower over the whole registry.
    """
    return f"{{ SELECT {' '.join('?' + v for v in variables)} WHERE {{ {pattern} }} }}"


def _trials(store: Store, filters: Sequence[Filter]) -> str:
    """The selected trials with their NCT ids (``?nct``), each part joined by hash.

    Rows carry the NCT id rather than the trial IRI: a short literal is held in
    the store's index itself, where an IRI has to be looked up to be decoded
    (tens of microseconds, the largest cost of a network at registry scale).
    Filtered trials are selected once and named in a ``VALUES`` block, as a
    network runs several queries and a filter (a country, a text) can cost
    more than the network itself; a selection of more than
    ``VALUES_MAX_TRIALS`` is filtered again in each query instead, as naming
    hundreds of thousands of trials makes a query text of tens of megabytes.
    """
    selection = _own(trial_selection(filters), "trial")
    if filters:
        trials = selected_trials(store, filters, limit=VALUES_MAX_TRIALS + 1)
        if len(trials) <= VALUES_MAX_TRIALS:
            named = " ".join(str(NamedNode(trial)) for trial in trials)
            selection = f"VALUES ?trial {{ {named} }}"
    return f"{selection}\n  {_own('?trial ctkg:nctId ?nct', 'trial', 'nct')}"


def _attribute(node: str, name: str, predicate: str) -> str:
    """An optional attribute of ``?node``, joined by hash after grouping (so decoded once per node)."""
    return _ATTRIBUTE.format(node=node, name=name, predicate=predicate)


def _split(term: Term | None) -> list[str]:
    """The NCT ids of a ``GROUP_CONCAT``, interned: the same id is one string in every set holding it."""
    return [] if term is None else [sys.intern(x) for x in term.value.split()]


def _add_weighted_edges(graph: nx.Graph, weights: Counter[tuple[str, str]]) -> None:
    graph.add_edges_from((a, b, {"weight": w}) for (a, b), w in sorted(weights.items()))


def _pair_counts(left: dict[str, set[str]], right: dict[str, set[str]]) -> Counter[tuple[str, str]]:
    """For each (left node, right node), the trials naming both; ``left``/``right`` map trials to nodes."""
    weights: Counter[tuple[str, str]] = Counter()
    for trial, lefts in left.items():
        rights = right.get(trial)
        if rights:
            weights.update((a, b) for a in lefts for b in rights)
    return weights


def _by_trial(trials_of: dict[str, set[str]]) -> dict[str, set[str]]:
    nodes_of: dict[str, set[str]] = defaultdict(set)
    for node, trials in trials_of.items():
        for trial in trials:
            nodes_of[trial].add(node)
    return nodes_of


def selected_trials(store: Store, filters: Sequence[Filter] = (), limit: int | None = None) -> list[str]:
    """IRIs of the trials passing ``filters``, sorted: what every network of them is built from.

    With ``limit``, at most that many (any of them): enough to tell whether a selection is small,
    without decoding every trial of a large one.
    """
    query = f"SELECT DISTINCT ?trial WHERE {{ {trial_selection(filters)} }}"
    if limit is not None:
        query += f" LIMIT {int(limit)}"
    return sorted(row[0].value for row in select(store, query) if row[0] is not None)


# --- investigators ---------------------------------------------------------------------------

_ROLE_CODES = tuple(sorted(SCHEMES["role"].codes))
_INVESTIGATORS = """
SELECT ?person ?trials ?roles ?label WHERE {{
  {{ SELECT ?person (GROUP_CONCAT(?nct) AS ?trials) (GROUP_CONCAT(DISTINCT COALESCE(?code, "")) AS ?roles) WHERE {{
    {trials}
    {{ SELECT ?trial ?r WHERE {{ ?trial ctkg:hasRole ?r }} }}
    {{ SELECT ?r ?person WHERE {{ ?r ctkg:agent ?person }} }}
    OPTIONAL {{ SELECT ?r ?code WHERE {{ ?r ctkg:roleType ?type VALUES (?type ?code) {{ {codes} }} }} }}
  }} GROUP BY ?person }}
  {label}
}}
"""
"""People grouped by node, so each person's IRI and label are decoded once; role types are matched
against the role code list as terms (``sameTerm``) and come back as their index in it. A role without
a type must not leave the concatenation unbound (an unbound value makes the whole aggregate fail)."""
_AFFILIATIONS = """
SELECT ?person ?org ?label WHERE {{
  {{ SELECT DISTINCT ?person ?org WHERE {{
    {trials}
    {{ SELECT ?trial ?r WHERE {{ ?trial ctkg:hasRole ?r }} }}
    {{ SELECT ?r ?person WHERE {{ ?r ctkg:agent ?person }} }}
    {{ SELECT ?r ?org WHERE {{ ?r ctkg:affiliation ?org }} }}
  }} }}
  {label}
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
    roles: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    codes = " ".join(f'({NamedNode(code_ref("role", code))} "{i}")' for i, code in enumerate(_ROLE_CODES))
    trials = _trials(store, filters)
    query = _INVESTIGATORS.format(trials=trials, codes=codes, label=_attribute("person", "label", "rdfs:label"))
    for person, found, role_indexes, label in _rows(store, query, on_rows):
        p = person.value  # type: ignore[union-attr]
        trials_of[p].update(_split(found))
        roles[p].update(_ROLE_CODES[int(i)] for i in _split(role_indexes))
        if label is not None:
            names[p].add(label.value)
    affiliated: dict[str, dict[str, set[str]]] = defaultdict(dict)
    query = _AFFILIATIONS.format(trials=trials, label=_attribute("org", "label", "rdfs:label"))
    for person, org, label in _rows(store, query, on_rows):
        labels = affiliated[person.value].setdefault(org.value, set())  # type: ignore[union-attr]
        if label is not None:
            labels.add(label.value)
    graph = _new_graph(nx.Graph(), "investigators", filters, "shared trials")
    for p in sorted(trials_of):
        affiliations = {_name(labels, o) for o, labels in affiliated.get(p, {}).items()}
        graph.add_node(p, label=_name(names[p], p), type="person", trials=len(trials_of[p]),
                       roles=sorted(roles[p]), affiliations=sorted(affiliations))
    weights: Counter[tuple[str, str]] = Counter()
    for people in _by_trial(trials_of).values():
        weights.update(combinations(sorted(people), 2))
    _add_weighted_edges(graph, weights)
    return graph


# --- bipartite networks ----------------------------------------------------------------------

_GROUPED = """
SELECT ?node ?trials {extra} WHERE {{
  {{ SELECT ?node (GROUP_CONCAT(?nct) AS ?trials) {aggregates} WHERE {{
    {trials}
    {pattern}
  }} GROUP BY ?node }}
  {attributes}
}}
"""
"""The selected trials of each node (NCT ids) and its attributes: one row per node and attribute value."""


def _grouped(store: Store, trials: str, pattern: str, attributes: dict[str, str],
             on_rows: Progress | None, aggregates: str = "", extra: Sequence[str] = ()
             ) -> tuple[dict[str, set[str]], dict[str, dict[str, set[str]]], list[tuple[Term | None, ...]]]:
    """Trials by node and ``attributes`` (name → predicate) by name and node, for ``?trial pattern ?node``.

    Also the extra aggregated columns (``extra``) of each row, after the node.
    """
    names = list(attributes)
    query = _GROUPED.format(
        extra=" ".join(f"?{x}" for x in (*extra, *names)), aggregates=aggregates, trials=trials,
        pattern=pattern, attributes="\n  ".join(_attribute("node", n, p) for n, p in attributes.items()))
    trials_of: dict[str, set[str]] = {}
    values: dict[str, dict[str, set[str]]] = {n: defaultdict(set) for n in names}
    extras: list[tuple[Term | None, ...]] = []
    for row in _rows(store, query, on_rows):
        node = row[0].value  # type: ignore[union-attr]
        if node not in trials_of:
            trials_of[node] = set(_split(row[1]))
            extras.append((row[0], *row[2:2 + len(extra)]))
        for name, value in zip(names, row[2 + len(extra):], strict=True):
            if value is not None:
                values[name][node].add(value.value)
    return trials_of, values, extras


def sponsor_site_network(
    store: Store, filters: Sequence[Filter] = (), *, on_rows: Progress | None = None
) -> nx.Graph:
    """Organisations (lead sponsors and collaborators) × sites; ``weight`` = trials they share.

    Bipartite (``bipartite`` = 0 for organisations, 1 for sites). Organisation
    attributes: ``label``, ``organization_class``, ``trials``, ``lead_trials``;
    site attributes: ``label``, ``country`` (ISO code), ``city``, ``trials``.
    Trials count where the organisation meets a site (trials without sites
    are not in this network).
    """
    selection = _trials(store, filters)
    sponsors = (f"{_own('?trial ctkg:leadSponsor ?node BIND(true AS ?lead)', 'trial', 'node', 'lead')} UNION "
                f"{_own('?trial ctkg:collaborator ?node', 'trial', 'node')}")
    org_trials, org_values, org_extra = _grouped(
        store, selection, sponsors,
        {"label": "rdfs:label", "organization_class": "ctkg:organizationClass"}, on_rows,
        aggregates="(GROUP_CONCAT(IF(BOUND(?lead), ?nct, \"\")) AS ?leads)", extra=("leads",))
    leads = {row[0].value: set(_split(row[1])) for row in org_extra}  # type: ignore[union-attr]
    site_trials, site_values, _ = _grouped(
        store, selection, _own("?trial ctkg:site ?node", "trial", "node"),
        {"label": "rdfs:label", "city": "schema:addressLocality", "country": "schema:addressCountry"}, on_rows)
    codes = _property(store, "skos:notation", {c for cs in site_values["country"].values() for c in cs})
    sites_of, orgs_of = _by_trial(site_trials), _by_trial(org_trials)
    graph = _new_graph(nx.Graph(), "sponsor-site", filters, "trials")
    for o in sorted(org_trials):
        trials = {t for t in org_trials[o] if t in sites_of}
        if trials:
            graph.add_node(o, label=_name(org_values["label"].get(o, ()), o), type="organization", bipartite=0,
                           organization_class=_name({_code_of(c) for c in org_values["organization_class"].get(o, ())},
                                                    ""),
                           trials=len(trials), lead_trials=len(trials & leads.get(o, set())))
    for s in sorted(site_trials):
        trials = {t for t in site_trials[s] if t in orgs_of}
        if trials:
            country = {code for c in site_values["country"].get(s, ()) for code in codes.get(c, ())}
            graph.add_node(s, label=_name(site_values["label"].get(s, ()), s), country=_name(country, ""),
                           city=_name(site_values["city"].get(s, ()), ""), type="site", bipartite=1,
                           trials=len(trials))
    _add_weighted_edges(graph, _pair_counts(orgs_of, sites_of))
    return graph


def condition_intervention_network(
    store: Store, filters: Sequence[Filter] = (), *, on_rows: Progress | None = None
) -> nx.Graph:
    """Conditions × interventions; ``weight`` = trials studying the intervention for the condition.

    Bipartite (``bipartite`` = 0 conditions, 1 interventions). Attributes:
    ``label``, ``trials`` (selected trials naming both a condition and an
    intervention), ``mesh`` (MeSH descriptor ids, ``mesh_iris`` their IRIs).
    """
    attributes = {"label": "rdfs:label", "mesh": "ctkg:meshDescriptor"}
    selection = _trials(store, filters)
    sides = [_grouped(store, selection, _own(f"?trial {predicate} ?node", "trial", "node"), attributes, on_rows)
             for predicate in ("ctkg:condition", "ctkg:studiesIntervention")]
    by_trial = [_by_trial(trials_of) for trials_of, _, _ in sides]
    mesh_ids = _property(store, "skos:notation", {m for _, values, _ in sides for ms in values["mesh"].values()
                                                  for m in ms})
    graph = _new_graph(nx.Graph(), "condition-intervention", filters, "trials")
    for kind, (trials_of, values, _) in enumerate(sides):
        other = by_trial[1 - kind]
        for node in sorted(trials_of):
            trials = {t for t in trials_of[node] if t in other}
            if not trials:
                continue
            mesh = values["mesh"].get(node, set())
            graph.add_node(node, label=_name(values["label"].get(node, ()), node),
                           type=("condition", "intervention")[kind], bipartite=kind, trials=len(trials),
                           mesh=sorted({i for m in mesh for i in mesh_ids.get(m, ())}), mesh_iris=sorted(mesh))
    _add_weighted_edges(graph, _pair_counts(by_trial[0], by_trial[1]))
    return graph


_PROPERTY = "SELECT ?node ?value WHERE {{ VALUES ?node {{ {nodes} }} ?node {predicate} ?value }}"
_NODE_BATCH = 1000
"""Nodes per ``VALUES`` block: each is looked up in the index; a block this size parses in milliseconds."""


def _property(store: Store, predicate: str, nodes: Iterable[str]) -> dict[str, set[str]]:
    """Values of ``predicate`` (a CURIE of ours) for a few ``nodes`` (IRIs), looked up in batches of the nodes.

    For small sets (countries, MeSH descriptors): a seek per node. Attributes of
    every node of a network are joined by hash in its own query instead.
    """
    ordered = sorted(set(nodes))
    found: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(ordered), _NODE_BATCH):
        batch = " ".join(str(NamedNode(node)) for node in ordered[start:start + _NODE_BATCH])
        for node, value in select(store, _PROPERTY.format(nodes=batch, predicate=predicate)):
            if node is not None and value is not None:
                found[node.value].add(value.value)
    return found


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
    "condition": "{ SELECT ?trial ?feature WHERE { ?trial ctkg:condition ?feature } }",
    "intervention": "{ SELECT ?trial ?feature WHERE { ?trial ctkg:studiesIntervention ?feature } }",
    "sponsor": "{ SELECT ?trial ?feature WHERE { ?trial ctkg:leadSponsor|ctkg:collaborator ?feature } }",
}
_TRIAL_FEATURES = """
SELECT (GROUP_CONCAT(DISTINCT ?nct) AS ?trials) WHERE {{
  {trials}
  {union}
}} GROUP BY ?feature
"""
"""The trials of each feature, grouped by feature: the feature itself is never decoded, only counted."""
_TRIALS = """
SELECT ?trial ?nct ?title ?status ?phase ?start WHERE {{
  {trials}
  {attributes}
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
    union = " UNION ".join(SIMILARITY_FEATURES[f] for f in sorted(set(features)))
    trials = _trials(store, filters)
    groups = [_split(row[0]) for row in _rows(store, _TRIAL_FEATURES.format(trials=trials, union=union), on_rows)]
    info, phases, iri_of = _trial_attributes(store, trials)
    index = {t: i for i, t in enumerate(sorted({iri_of[nct] for group in groups for nct in group}))}
    trial_ids = list(index)
    kept = [group for group in groups if max_feature_trials is None or len(group) <= max_feature_trials]
    rows_ = [index[iri_of[nct]] for group in kept for nct in group]
    cols_ = [j for j, group in enumerate(kept) for _ in group]
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
                       features_left_out=len(groups) - len(kept))
    for t in trial_ids:
        attrs = info.get(t, {"label": t, "title": "", "status": "", "start": ""})
        graph.add_node(t, **attrs, type="trial", phases=sorted(phases[t]))
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


def _trial_attributes(store: Store, trials: str
                      ) -> tuple[dict[str, dict[str, object]], dict[str, set[str]], dict[str, str]]:
    """Node attributes of the selected trials, their phases, and trial IRIs by NCT id."""
    attributes = "\n  ".join(_attribute("trial", name, predicate) for name, predicate in (
        ("title", "rdfs:label"), ("status", "ctkg:overallStatus"), ("phase", "ctkg:phase"),
        ("start", "ctkg:startDate")))
    info: dict[str, dict[str, object]] = {}
    phases: dict[str, set[str]] = defaultdict(set)
    iri_of: dict[str, str] = {}
    for trial, nct, title, status, phase, start in select(store, _TRIALS.format(trials=trials, attributes=attributes)):
        t = trial.value  # type: ignore[union-attr]
        iri_of[sys.intern(nct.value)] = t  # type: ignore[union-attr]
        current = info.setdefault(t, {"label": _value(nct) or t, "title": _value(title) or "",
                                      "status": _code(status) or "", "start": _value(start) or ""})
        if title is not None and title.value < str(current["title"] or "\uffff"):
            current["title"] = title.value
        if phase is not None:
            phases[t].add(_code(phase))  # type: ignore[arg-type]
    return info, phases, iri_of


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
KNOWLEDGE_GRAPH_MAX_STATEMENTS = 3_000_000
"""The knowledge graph is refused above this many statements of the selected trials (estimated first).

networkx holds every node and edge as Python dicts: 3,916 trials (633,000 statements, 338,544 edges)
took 0.8 GB and 112 CPU-s with the metrics; the 100,000 trials of the benchmark registry (16.8 M
statements) would need over 20 GB. ``--max-statements`` raises the limit for those with the memory."""
_SIZE_SAMPLE_GRAPHS = 200
_SELECTED_TRIALS = """SELECT (COUNT(*) AS ?trials) WHERE {{ {selection} }}"""
_SAMPLE_STATEMENTS = """
SELECT (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(*) AS ?statements) WHERE {{
  {{ SELECT ?g WHERE {{ {selection} GRAPH ?g {{ ?trial ctkg:nctId ?nct }} }} LIMIT {sample} }}
  GRAPH ?g {{ ?s ?p ?o }}
}}
"""
"""Statements of a few selected trials' graphs: with the number of trials, an estimate of the whole."""


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


def knowledge_graph_size(store: Store, filters: Sequence[Filter] = ()) -> tuple[int, int]:
    """The selected trials and an estimate of their graphs' statements, from a sample of them (a count of
    every statement would take as long as reading them)."""
    selection = trial_selection(filters)
    [(trials,)] = list(select(store, _SELECTED_TRIALS.format(selection=selection)))
    [(graphs, statements)] = list(select(store, _SAMPLE_STATEMENTS.format(selection=selection,
                                                                         sample=_SIZE_SAMPLE_GRAPHS)))
    selected, sampled = int(trials.value), int(graphs.value)  # type: ignore[union-attr]
    per_trial = int(statements.value) / sampled if sampled else 0  # type: ignore[union-attr]
    return selected, round(selected * per_trial)


def knowledge_graph(
    store: Store,
    filters: Sequence[Filter] = (),
    *,
    on_rows: Progress | None = None,
    max_statements: int = KNOWLEDGE_GRAPH_MAX_STATEMENTS,
) -> nx.MultiDiGraph:
    """The selected trials' graphs, with the shared nodes they link to, as a typed ``MultiDiGraph``.

    Nodes are IRIs (and blank nodes as ``_:id``) with ``type`` (the class
    CURIE: ``ctkg:`` classes first), ``types`` (all) and ``label``; edges go
    from subject to object, keyed and attributed by ``predicate`` (CURIE).
    ``rdf:type`` and ``rdfs:label`` become node attributes; other literal
    values (titles, dates, descriptions) stay in the store and are not nodes.
    A shared node described by many trials is one node.

    Raises ``UsageError`` before reading anything when the selected trials' graphs hold more than
    ``max_statements`` statements (estimated by ``knowledge_graph_size``).
    """
    trials, statements = knowledge_graph_size(store, filters)
    if statements > max_statements:
        raise UsageError(
            f"the knowledge graph of {trials:,} trials would hold about {statements:,} statements, more than "
            f"{max_statements:,} (networkx needs about 1.3 GB per million): select fewer "
            "trials with --where (e.g. --where start>=2024 or --where condition=...), or raise --max-statements"
        )
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
    """The node's IRI (``_:id`` for a blank node), interned: a node met in many statements is one string."""
    if isinstance(term, NamedNode):
        return sys.intern(term.value)
    return sys.intern(str(term))


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
    max_statements: int = KNOWLEDGE_GRAPH_MAX_STATEMENTS,
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
        return knowledge_graph(store, filters, on_rows=on_rows, max_statements=max_statements)
    raise UsageError(f"unknown network {name!r} (networks: {', '.join(NETWORKS)})")
