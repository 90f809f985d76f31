"""Network analysis: networks equal ones computed from the raw records, filters, metrics, exports, CLI.

Expected networks are computed here in plain Python straight from the API v2
JSON of the bundled sample records (36 real trials) with the documented name normalisation
(``kg.keys`` / ``kg.iris``, degrees split off people's names), never with the
SPARQL under test.
"""

from __future__ import annotations

import json
import struct
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from pyoxigraph import Store

from kg import iris
from kg.analysis import (
    build_network,
    compute_metrics,
    from_files,
    networks,
    parse_filter,
    parse_filters,
    write_all,
)
from kg.analysis.metrics import betweenness_plan, sampled_betweenness
from kg.analysis.networks import (
    KNOWLEDGE_GRAPH_MAX_STATEMENTS,
    knowledge_graph,
    knowledge_graph_size,
    selected_trials,
    trial_similarity_network,
)
from kg.analysis.plot import plot_network
from kg.cli import main
from kg.contact_names import person_name
from kg.convert import convert
from kg.errors import UsageError
from kg.mapping import trial_triples
from kg.model import Organization, Trial
from kg.namespaces import CTKG
from kg.places import resolve_country
from kg.readers import read_records
from kg.resources import sample_records_dir
from kg.text import split_degrees

JSON_DIR = sample_records_dir() / "ctgov-json"


@pytest.fixture(scope="module")
def nquads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("analysis") / "graph.nq"
    convert([str(JSON_DIR)], str(target))
    return target


@pytest.fixture(scope="module")
def store(nquads: Path) -> Store:
    return from_files([nquads])


@pytest.fixture(scope="module")
def studies() -> dict[str, dict]:
    """Raw API v2 studies by trial IRI."""
    found = {}
    for path in sorted(JSON_DIR.glob("*.json")):
        study = json.loads(path.read_text(encoding="utf-8"))
        nct = study["protocolSection"]["identificationModule"]["nctId"]
        found[iris.trial_ref(nct)] = study
    return found


def _m(study: dict, *path: str) -> object:
    node: object = study["protocolSection"]
    for key in path:
        node = node.get(key, {}) if isinstance(node, dict) else {}
    return node


def _person(name: str, organizations: list[Organization]) -> str | None:
    """The person node of a raw name; None for a desk or placeholder (a contact name, no person)."""
    plain, _ = split_degrees(name.strip())
    person = person_name(plain or name, organizations)
    return iris.person_ref(person) if person else None


def _organizations(study: dict) -> list[Organization]:
    module = _m(study, "sponsorCollaboratorsModule")
    orgs = [module.get("leadSponsor", {}), *module.get("collaborators", [])]  # type: ignore[union-attr]
    return [Organization(o["name"], o.get("class")) for o in orgs if o.get("name")]


def _people(study: dict) -> set[str]:
    contacts = _m(study, "contactsLocationsModule")
    names = [o["name"] for o in contacts.get("overallOfficials", []) if o.get("name")]  # type: ignore[union-attr]
    names += [c["name"] for c in contacts.get("centralContacts", []) if c.get("name")]  # type: ignore[union-attr]
    for site in contacts.get("locations", []):  # type: ignore[union-attr]
        names += [c["name"] for c in site.get("contacts", []) if c.get("name")]
    party = _m(study, "sponsorCollaboratorsModule", "responsibleParty")
    if isinstance(party, dict) and party.get("investigatorFullName"):
        names.append(party["investigatorFullName"])
    organizations = _organizations(study)
    return {p for n in names if (p := _person(n, organizations))}


def _sponsors(study: dict) -> set[str]:
    module = _m(study, "sponsorCollaboratorsModule")
    orgs = [module.get("leadSponsor", {}), *module.get("collaborators", [])]  # type: ignore[union-attr]
    return {iris.organization_ref(o["name"]) for o in orgs if o.get("name")}


def _sites(study: dict) -> set[str]:
    sites = set()
    for site in _m(study, "contactsLocationsModule").get("locations", []):  # type: ignore[union-attr]
        country = site.get("country")
        resolved = resolve_country(country) if country else None
        key = resolved.alpha2 if resolved else (iris.slug(country) if country else "-")
        sites.add(iris.site_ref(key, site.get("city"), site.get("facility")))
    return sites


def _conditions(study: dict) -> set[str]:
    return {iris.condition_ref(c) for c in _m(study, "conditionsModule").get("conditions", [])}  # type: ignore[union-attr]


def _interventions(study: dict) -> set[str]:
    return {iris.intervention_ref(i["name"])
            for i in _m(study, "armsInterventionsModule").get("interventions", [])}  # type: ignore[union-attr]


def _co_occurrence(sets: dict[str, set[str]]) -> tuple[set[str], dict[tuple[str, str], int]]:
    weights: Counter[tuple[str, str]] = Counter()
    for members in sets.values():
        weights.update(combinations(sorted(members), 2))
    return set().union(*sets.values()), dict(weights)


def _bipartite(left: dict[str, set[str]], right: dict[str, set[str]]) -> tuple[set[str], dict[tuple[str, str], int]]:
    weights: Counter[tuple[str, str]] = Counter()
    nodes: set[str] = set()
    for trial in left:
        pairs = {(a, b) for a in left[trial] for b in right[trial]}
        weights.update(pairs)
        nodes |= {a for a, _ in pairs} | {b for _, b in pairs}
    return nodes, dict(weights)


def _edges(graph: nx.Graph) -> dict[tuple[str, str], float]:
    return {tuple(sorted((a, b))): d["weight"] for a, b, d in graph.edges(data=True)}  # type: ignore[misc]


def _in(studies: dict[str, dict], keep: set[str] | None = None) -> dict[str, dict]:
    return {t: s for t, s in studies.items() if keep is None or t in keep}


# --- networks equal the ones computed from the raw records ---------------------------------


def test_investigators_equal_raw_records(store: Store, studies: dict[str, dict]) -> None:
    graph = build_network(store, "investigators")
    people = {t: _people(s) for t, s in studies.items()}
    nodes, weights = _co_occurrence(people)
    assert set(graph.nodes) == nodes
    assert _edges(graph) == {tuple(sorted(k)): w for k, w in weights.items()}
    trials_of = Counter(p for members in people.values() for p in members)
    assert max(trials_of.values()) > 1, "the sample should have people in several trials"
    assert {n: d["trials"] for n, d in graph.nodes(data=True)} == dict(trials_of)
    for _, data in graph.nodes(data=True):
        assert data["type"] == "person" and data["label"]
        assert data["roles"] == sorted(data["roles"])


def test_investigator_attributes_from_records(store: Store) -> None:
    graph = build_network(store, "investigators")
    roles: dict[str, set[str]] = defaultdict(set)
    affiliations: dict[str, set[str]] = defaultdict(set)
    for trial in read_records([JSON_DIR]):
        assert isinstance(trial, Trial)
        organizations = [o for o in (trial.lead_sponsor, *trial.collaborators) if o is not None]
        for person in trial.officials:
            name = person_name(person.name, organizations)
            if name is None:  # a desk: no person node
                continue
            roles[iris.person_ref(name)].add(person.role or "")
            if person.affiliation:
                affiliations[iris.person_ref(name)].add(person.affiliation)
    assert roles, "the sample should name officials"
    for person, expected in roles.items():
        assert expected - {""} <= set(graph.nodes[person]["roles"])
        # one name per organisation: compare organisations, not their spellings
        shown = {iris.organization_ref(a) for a in graph.nodes[person]["affiliations"]}
        assert {iris.organization_ref(a) for a in affiliations[person]} <= shown


def test_sponsor_site_equals_raw_records(store: Store, studies: dict[str, dict]) -> None:
    graph = build_network(store, "sponsor-site")
    sponsors = {t: _sponsors(s) for t, s in studies.items()}
    nodes, weights = _bipartite(sponsors, {t: _sites(s) for t, s in studies.items()})
    assert set(graph.nodes) == nodes
    assert _edges(graph) == {tuple(sorted(k)): w for k, w in weights.items()}
    for _, data in graph.nodes(data=True):
        assert data["bipartite"] == (0 if data["type"] == "organization" else 1)
        if data["type"] == "site":
            assert len(data["country"]) in (0, 2)


def test_condition_intervention_and_projections_equal_raw_records(store: Store, studies: dict[str, dict]) -> None:
    conditions = {t: _conditions(s) for t, s in studies.items()}
    interventions = {t: _interventions(s) for t, s in studies.items()}
    nodes, weights = _bipartite(conditions, interventions)
    graph = build_network(store, "condition-intervention")
    assert set(graph.nodes) == nodes
    assert _edges(graph) == {tuple(sorted(k)): w for k, w in weights.items()}
    assert any(d["mesh"] for _, d in graph.nodes(data=True)), "MeSH ids are attributes"
    assert all(m.startswith(("D", "C")) for _, d in graph.nodes(data=True) for m in d["mesh"])
    # projections: weight = neighbours shared on the other side
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b in weights:
        neighbours[a].add(b)
        neighbours[b].add(a)
    for name, side in (("conditions", {c for cs in conditions.values() for c in cs}),
                       ("interventions", {i for xs in interventions.values() for i in xs})):
        projected = build_network(store, name)
        members = sorted(n for n in nodes if n in side)
        expected = {(a, b): len(neighbours[a] & neighbours[b]) for a, b in combinations(members, 2)
                    if neighbours[a] & neighbours[b]}
        assert set(projected.nodes) == set(members)
        assert _edges(projected) == expected


def test_trial_similarity_is_jaccard_of_raw_features(store: Store, studies: dict[str, dict]) -> None:
    features = {t: _conditions(s) | _interventions(s) | _sponsors(s) for t, s in studies.items()}
    graph = trial_similarity_network(store, threshold=0.05)
    expected = {}
    for a, b in combinations(sorted(features), 2):
        jaccard = len(features[a] & features[b]) / len(features[a] | features[b])
        if jaccard >= 0.05:
            expected[(a, b)] = round(jaccard, 6)
    assert set(graph.nodes) == {t for t, f in features.items() if f}
    assert _edges(graph) == expected
    assert expected, "the sample should have similar trials"
    strict = trial_similarity_network(store, threshold=0.5)
    assert _edges(strict) == {k: w for k, w in expected.items() if w >= 0.5}
    one = trial_similarity_network(store, threshold=0.05, max_neighbours=1)
    for node in one:
        best = max((w for (a, b), w in expected.items() if node in (a, b)), default=None)
        if best is not None:
            assert any(d["weight"] == best for *_, d in one.edges(node, data=True))


def test_knowledge_graph_holds_the_mapped_statements(store: Store) -> None:
    graph = knowledge_graph(store)
    trial = next(t for t in read_records([JSON_DIR / "NCT00470873.json"]))
    node = iris.trial_ref(trial.nct_id)  # type: ignore[union-attr]
    expected = {(t.predicate.value, t.object.value) for t in trial_triples(trial)  # type: ignore[arg-type]
                if t.subject.value == node and t.object.__class__.__name__ == "NamedNode"
                and not t.predicate.value.endswith("#type")}
    got = {(iris_of(d["predicate"]), b) for _, b, d in graph.out_edges(node, data=True)}
    assert got == expected
    assert graph.nodes[node]["type"] == "ctkg:ClinicalTrial"
    assert isinstance(graph, nx.MultiDiGraph)


def test_knowledge_graph_size_is_counted_and_large_selections_are_refused(store: Store) -> None:
    """With fewer selected trials than the sample, the estimate is the count of their graphs' statements."""
    graphs = {q.graph_name for q in store.quads_for_pattern(None, CTKG.nctId, None, None)}
    statements = sum(1 for q in store if q.graph_name in graphs)
    assert knowledge_graph_size(store) == (len(graphs), statements)
    phase2 = parse_filters(["phase=PHASE2"])
    trials, estimate = knowledge_graph_size(store, phase2)
    assert trials == len(selected_trials(store, phase2)) and 0 < estimate < statements
    with pytest.raises(UsageError, match=f"about {statements:,} statements, more than 1,000.*--where"):
        knowledge_graph(store, max_statements=1000)
    assert knowledge_graph(store, phase2, max_statements=estimate).number_of_edges() > 0


def iris_of(curie: str) -> str:
    from kg.namespaces import PREFIXES

    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


# --- filters ---------------------------------------------------------------------------------


def _start(study: dict) -> str:
    return str(_m(study, "statusModule", "startDateStruct").get("date", ""))  # type: ignore[union-attr]


def _alpha2(country: str) -> str | None:
    resolved = resolve_country(country) if country else None
    return resolved.alpha2 if resolved else None


def _earliest(date: str) -> str:
    return (date + "-01-01")[:10]


@pytest.mark.parametrize(
    ("where", "keep"),
    [
        (["phase=PHASE2"], lambda s: "PHASE2" in _m(s, "designModule").get("phases", [])),  # type: ignore[union-attr]
        (["phase=phase1,PHASE2"], lambda s: bool({"PHASE1", "PHASE2"} & set(_m(s, "designModule").get("phases", [])))),  # type: ignore[union-attr]
        (["status=COMPLETED"], lambda s: _m(s, "statusModule").get("overallStatus") == "COMPLETED"),  # type: ignore[union-attr]
        (["start>=2015"], lambda s: _start(s) != "" and _earliest(_start(s)) >= "2015"),
        (["start<2015"], lambda s: _start(s) != "" and _earliest(_start(s))[:4] < "2015"),
        (["start=2007"], lambda s: _start(s).startswith("2007")),
        (["start>2007-06"], lambda s: _start(s) != "" and _earliest(_start(s))[:7] > "2007-06"),
        (["country=US"], lambda s: any(_alpha2(x.get("country", "")) == "US"
                                       for x in _m(s, "contactsLocationsModule").get("locations", []))),  # type: ignore[union-attr]
        (["country=United States"], lambda s: any(x.get("country") == "United States"
                                                  for x in _m(s, "contactsLocationsModule").get("locations", []))),  # type: ignore[union-attr]
    ],
)
def test_filters_select_as_stated(store: Store, studies: dict[str, dict], where: list[str], keep) -> None:  # type: ignore[no-untyped-def]
    expected = sorted(t for t, s in studies.items() if keep(s))
    assert 0 < len(expected) < len(studies), "the filter should split the sample"
    assert selected_trials(store, parse_filters(where)) == expected


def test_text_and_mesh_filters(store: Store, studies: dict[str, dict]) -> None:
    def mesh_terms(study: dict) -> list[dict]:
        module = study.get("derivedSection", {}).get("conditionBrowseModule", {})
        return module.get("meshes", []) + module.get("ancestors", [])

    target = next(m for s in studies.values() for m in mesh_terms(s))
    mesh_id, term = target["id"], target["term"]
    by_id = sorted(t for t, s in studies.items() if any(m["id"] == mesh_id for m in mesh_terms(s)))
    assert selected_trials(store, [parse_filter(f"condition={mesh_id}")]) == by_id
    by_text = sorted(t for t, s in studies.items()
                     if any(term.lower() in m["term"].lower() for m in mesh_terms(s))
                     or any(term.lower() in c.lower() for c in _m(s, "conditionsModule").get("conditions", [])))  # type: ignore[union-attr]
    assert selected_trials(store, [parse_filter(f"condition={term.upper()}")]) == by_text
    lead = _m(next(iter(studies.values())), "sponsorCollaboratorsModule", "leadSponsor")["name"]  # type: ignore[index]
    word = lead.split()[-1]
    by_sponsor = sorted(t for t, s in studies.items()
                        if any(word.lower() in o["name"].lower() for o in
                               [_m(s, "sponsorCollaboratorsModule").get("leadSponsor", {}),  # type: ignore[union-attr]
                                *_m(s, "sponsorCollaboratorsModule").get("collaborators", [])]))  # type: ignore[union-attr]
    assert selected_trials(store, [parse_filter(f"sponsor={word}")]) == by_sponsor
    assert selected_trials(store, [parse_filter(f"sponsor={iris.organization_ref(lead)}")]) == sorted(
        t for t, s in studies.items() if iris.organization_ref(lead) in _sponsors(s))


@pytest.mark.parametrize("values_max", [networks.VALUES_MAX_TRIALS, 1], ids=["trials-named", "filter-repeated"])
def test_filters_and_together_and_change_the_network(store: Store, studies: dict[str, dict], values_max: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The same network whether the selected trials are named in the queries or the filter runs in each."""
    monkeypatch.setattr(networks, "VALUES_MAX_TRIALS", values_max)
    both = parse_filters(["country=US", "start>=2008"])
    us = set(selected_trials(store, both[:1]))
    late = set(selected_trials(store, both[1:]))
    kept = set(selected_trials(store, both))
    assert kept == us & late and kept and kept != us
    graph = build_network(store, "investigators", both)
    nodes, weights = _co_occurrence({t: _people(s) for t, s in _in(studies, kept).items()})
    assert set(graph.nodes) == nodes
    assert _edges(graph) == {tuple(sorted(k)): w for k, w in weights.items()}
    assert graph.graph["filters"] == "country=US; start>=2008"


def test_user_text_never_becomes_query_text(store: Store) -> None:
    hostile = 'x") } } SELECT * WHERE { ?s ?p ?o } #'
    assert selected_trials(store, [parse_filter(f"condition={hostile}")]) == []
    assert selected_trials(store, [parse_filter(f"sponsor={hostile}")]) == []
    assert selected_trials(store, [parse_filter("country=Nowhere\\\" ) }")]) == []


@pytest.mark.parametrize("bad", ["phase=PHASE9", "colour=red", "start>=20x5", "start>=2015-13", "status<RECRUITING",
                                 "condition=", "nonsense"])
def test_bad_filters_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_filter(bad)


# --- metrics, exports, picture ---------------------------------------------------------------


def test_metrics_are_complete_and_deterministic(store: Store) -> None:
    graph = build_network(store, "investigators")
    first, second = compute_metrics(graph), compute_metrics(graph)
    assert first.summary() == second.summary() and first.table == second.table
    assert first.nodes == graph.number_of_nodes() and first.edges == graph.number_of_edges()
    assert sum(first.components) == first.nodes
    assert sum(c.size for c in first.communities) == first.nodes
    assert abs(sum(r.pagerank for r in first.table) - 1) < 1e-6
    assert first.betweenness.exact
    row = first.table[0]
    assert row.degree == graph.degree(row.node)
    assert row.weighted_degree == graph.degree(row.node, weight="weight")


def test_betweenness_is_sampled_for_large_graphs(store: Store) -> None:
    assert betweenness_plan(100, 200).exact
    plan = betweenness_plan(100_000, 1_000_000, budget=10_000_000)
    assert not plan.exact and plan.pivots == 64 and "sampled" in str(plan)
    graph = build_network(store, "sponsor-site")
    sampled = compute_metrics(graph, betweenness_budget=1000)
    assert not sampled.betweenness.exact
    assert sampled.summary()["betweenness"].startswith("sampled from 64 of")
    assert compute_metrics(graph, betweenness_budget=1000).table == sampled.table


def test_sampled_betweenness_is_networkx_estimate(store: Store) -> None:
    graph = build_network(store, "sponsor-site")
    for pivots in (64, 2):
        expected = nx.betweenness_centrality(graph, k=pivots, normalized=True, seed=7)
        got = sampled_betweenness(graph, pivots, seed=7)
        assert got.keys() == expected.keys()
        assert all(abs(got[n] - expected[n]) < 1e-12 for n in graph)
    assert max(got.values()) > 0


def test_communities_are_skipped_above_the_cap_and_the_summary_says_so(store: Store) -> None:
    graph = build_network(store, "investigators")
    capped = compute_metrics(graph, community_max_edges=10)
    assert len(capped.communities) == graph.number_of_nodes() and capped.modularity == 0
    assert any("communities not computed" in note for note in capped.summary()["notes"])  # type: ignore[union-attr]
    assert compute_metrics(graph).notes == []


def test_graphml_and_gexf_load_back_with_attributes(store: Store, tmp_path: Path) -> None:
    graph = build_network(store, "investigators")
    metrics = compute_metrics(graph)
    written = write_all(graph, metrics, tmp_path)
    assert {p.name for p in written} >= {"investigators.graphml", "investigators.gexf", "investigators-nodes.csv",
                                         "investigators-nodes.json", "investigators-edges.csv",
                                         "investigators-summary.json", "investigators-communities.csv"}
    person = max(graph.nodes, key=lambda n: len(graph.nodes[n]["roles"]))
    for loaded in (nx.read_graphml(tmp_path / "investigators.graphml"), nx.read_gexf(tmp_path / "investigators.gexf")):
        assert set(loaded.nodes) == set(graph.nodes)
        assert {tuple(sorted(e)) for e in loaded.edges} == {tuple(sorted(e)) for e in graph.edges}
        data = loaded.nodes[person]
        assert data["label"] == graph.nodes[person]["label"]
        assert data["roles"] == "; ".join(graph.nodes[person]["roles"])
        assert int(data["trials"]) == graph.nodes[person]["trials"]
        assert float(data["pagerank"]) > 0 and "community" in data
        a, b, d = next(iter(graph.edges(data=True)))
        assert float(loaded.edges[a, b]["weight"]) == d["weight"]
    summary = json.loads((tmp_path / "investigators-summary.json").read_text())
    assert summary["nodes"] == graph.number_of_nodes() and summary["betweenness"] == "exact"
    rows = json.loads((tmp_path / "investigators-nodes.json").read_text())
    assert len(rows) == graph.number_of_nodes() and isinstance(rows[0]["roles"], list)
    before = (tmp_path / "investigators.graphml").read_bytes()
    write_all(graph, compute_metrics(graph), tmp_path)
    assert (tmp_path / "investigators.graphml").read_bytes() == before


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_plot_is_a_png_of_the_stated_size(store: Store, tmp_path: Path) -> None:
    graph = build_network(store, "condition-intervention")
    metrics = compute_metrics(graph)
    path = plot_network(graph, metrics, tmp_path / "ci.png", top=15, size=(640, 480))
    assert _png_size(path) == (640, 480)
    assert path.stat().st_size > 10_000


@pytest.mark.slow
def test_knowledge_graph_metrics_and_exports(store: Store, tmp_path: Path) -> None:
    graph = knowledge_graph(store, parse_filters(["phase=PHASE2,PHASE3"]))
    metrics = compute_metrics(graph)
    assert metrics.directed and metrics.nodes == graph.number_of_nodes()
    write_all(graph, metrics, tmp_path)
    loaded = nx.read_graphml(tmp_path / "knowledge-graph.graphml")
    assert loaded.is_multigraph() and loaded.number_of_edges() == graph.number_of_edges()
    assert {d["predicate"] for *_, d in loaded.edges(data=True)} >= {"ctkg:leadSponsor", "ctkg:condition"}


# --- command line ----------------------------------------------------------------------------


def test_cli_writes_tables_graphs_and_picture(nquads: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyze", "investigators", "--data", str(nquads), "--out", str(out),
                                       "--top", "5", "--plot", "--plot-size", "800x600", "-w", "start>=2000"])
    assert result.exit_code == 0, result.output
    assert "investigators:" in result.stdout and "betweenness: exact" in result.stdout
    assert "pagerank" in result.stdout
    assert _png_size(out / "investigators.png") == (800, 600)
    assert (out / "investigators.gexf").is_file()


def test_cli_errors_are_one_line(nquads: Path, tmp_path: Path) -> None:
    for args in (["-w", "phase=PHASE9"], ["--store", str(tmp_path / "none")], ["--plot-size", "huge"],
                 ["--max-statements", "100"]):
        data = [] if "--store" in args else ["--data", str(nquads)]
        network = "knowledge-graph" if "--max-statements" in args else "investigators"
        result = CliRunner().invoke(main, ["analyze", network, *data, *args, "--out", str(tmp_path)])
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("kg: error:")


def test_cli_help_states_the_knowledge_graph_limit() -> None:
    assert f"{KNOWLEDGE_GRAPH_MAX_STATEMENTS:,}" in CliRunner().invoke(main, ["analyze", "--help"]).output
