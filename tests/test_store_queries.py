"""The store and the query library on the bundled samples; expected answers computed from the records in Python."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph
import pytest

from kg.errors import UsageError
from kg.graph_units import units_from_inputs
from kg.iris import ENTITIES_GRAPH, code_iri, condition_iri, intervention_iri, organization_iri, person_iri
from kg.loading import load_units
from kg.mapping import MappingOptions
from kg.model import Trial
from kg.queries import QueryError, bind_params, library, load_query, run_on_store
from kg.readers import read_records
from kg.resources import sample_records_dir
from kg.store import export_store, load_ontology
from kg.writers import OutputFormat


def _version(trial: Trial) -> tuple[str, str]:
    return (trial.last_update_posted.value if trial.last_update_posted else "", trial.provenance.version_date or "")


@pytest.fixture(scope="module")
def trials() -> dict[str, Trial]:
    """The records a load keeps: per NCT id the newest version, the later read on a tie."""
    kept: dict[str, Trial] = {}
    for record in read_records([sample_records_dir()]):
        assert isinstance(record, Trial)
        if record.nct_id not in kept or _version(record) >= _version(kept[record.nct_id]):
            kept[record.nct_id] = record
    return kept


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    load_ontology(store)
    load_units(store, units_from_inputs([sample_records_dir()], MappingOptions(), lambda r: pytest.fail(str(r))))
    return store


def run(store: pyoxigraph.Store, name: str, /, **params: str) -> list[dict[str, str]]:
    spec = load_query(name)
    return [{c: (s[c].value if s[c] is not None else None) for c in spec.columns}
            for s in run_on_store(store, spec.text, bind_params(spec, params))]


def test_library_headers_are_complete() -> None:
    specs = library()
    assert len(specs) >= 12
    for spec in specs:
        assert spec.title and spec.description and spec.columns, spec.name
        solutions = pyoxigraph.Store().query(spec.text)
        assert [v.value for v in solutions.variables] == list(spec.columns), spec.name


def test_loading_again_replaces_and_older_versions_are_skipped(store: pyoxigraph.Store, trials) -> None:
    before = len(store)
    snapshot = set(store)
    skipped = []
    summary = load_units(store, units_from_inputs([sample_records_dir()], MappingOptions(), print),
                         on_skip=skipped.append)
    assert len(store) == before
    assert summary.replaced == len(trials) and summary.new == 0
    assert sorted(s.nct_id for s in skipped) == ["NCT02513394", "NCT03219801"]
    xml = sample_records_dir() / "ctgov-xml" / "NCT02513394.xml"
    forced = load_units(store, units_from_inputs([xml], MappingOptions(), print), force=True)
    assert forced.replaced == 1
    fmt = list(store.quads_for_pattern(None, None, code_iri("source-format", "ctgov-xml"), pyoxigraph.NamedNode(
        "https://w3id.org/ctkg/graph/NCT02513394")))
    assert len(fmt) == 1
    load_units(store, units_from_inputs([sample_records_dir() / "ctgov-json" / "NCT02513394.json"],
                                        MappingOptions(), print))
    # the trial's graph is the JSON version's again (loaded from another path); what the XML version
    # said about shared nodes that are still linked stays (descriptions accumulate), nothing else
    after = set(store)
    changed = {q for q in after ^ snapshot if q.graph_name != ENTITIES_GRAPH}
    assert {q.predicate.value for q in changed} == {"https://w3id.org/ctkg/ontology#sourceFile"}
    added = {q for q in after - snapshot if q.graph_name == ENTITIES_GRAPH}
    assert not snapshot - after - changed
    assert added and all(any(store.quads_for_pattern(None, None, q.subject, None)) for q in added)
    assert len(added) < 50


@pytest.mark.parametrize("fmt", ["nq", "trig", "ttl", "nt"])
def test_rdf_files_load_into_the_same_graphs(store: pyoxigraph.Store, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    if OutputFormat(fmt).is_dataset:
        export_store(store, str(out), OutputFormat(fmt))
    else:
        from kg.convert import convert

        convert([sample_records_dir()], str(out))
    again = pyoxigraph.Store()
    load_ontology(again)
    load_units(again, units_from_inputs([out], MappingOptions(), print))
    if fmt in ("nq", "trig"):
        assert set(again) == set(store)
    trial_graphs = {g for g in again.named_graphs() if "/graph/NCT" in g.value}
    assert len(trial_graphs) == 51


def test_trial_overview(store, trials) -> None:
    trial = trials["NCT02513394"]
    [row] = run(store, "trial-overview", nct="NCT02513394")
    assert row["title"] == trial.brief_title and row["status"] == trial.overall_status
    assert set(row["phases"].split(", ")) == set(trial.phases)
    assert set(row["conditions"].split("; ")) == set(trial.conditions)
    assert set(row["interventions"].split("; ")) == {i.name for i in trial.interventions}
    assert int(row["sites"]) == len({(s.facility, s.city, s.country) for s in trial.sites})
    assert row["leadSponsor"] == trial.lead_sponsor.name


@pytest.mark.parametrize("condition", ["Breast Neoplasms", "D001943", "Neoplasms", "Lupus Erythematosus, Systemic"])
def test_trials_by_condition_with_mesh_descendants(store, trials, condition: str) -> None:
    expected = sorted(
        t.nct_id for t in trials.values()
        if condition in t.conditions
        or any(condition in (m.term, m.mesh_id) for m in (*t.condition_meshes, *t.condition_mesh_ancestors))
    )
    assert expected
    assert [r["nctId"] for r in run(store, "trials-by-condition", condition=condition)] == expected


def test_interventions_for_condition(store, trials) -> None:
    counts: Counter[str] = Counter()
    for t in trials.values():
        if any("Neoplasms" in (m.term, m.mesh_id) for m in (*t.condition_meshes, *t.condition_mesh_ancestors)):
            counts.update({intervention_iri(i.name).value for i in t.interventions})
    rows = run(store, "interventions-for-condition", condition="Neoplasms")
    assert {r["intervention"]: int(r["trials"]) for r in rows} == dict(counts)


def test_sponsor_trials(store, trials) -> None:
    name = "National Cancer Institute (NCI)"
    key = organization_iri(name)
    expected = sorted(
        [(t.nct_id, "lead") for t in trials.values() if t.lead_sponsor and organization_iri(t.lead_sponsor.name) == key]
        + [(t.nct_id, "collaborator") for t in trials.values()
           if any(organization_iri(c.name) == key for c in t.collaborators)]
    )
    assert expected
    assert [(r["nctId"], r["role"]) for r in run(store, "sponsor-trials", sponsor=name)] == expected


def _people(trial: Trial) -> set[str]:
    names = [p.name for p in (*trial.officials, *trial.central_contacts)]
    names += [c.name for s in trial.sites for c in s.contacts]
    if trial.responsible_party and trial.responsible_party.investigator_name:
        names.append(trial.responsible_party.investigator_name)
    return {person_iri(n).value for n in names}


def test_investigator_and_co_investigators(store, trials) -> None:
    me = person_iri("Quanhai Li").value
    mine = [t for t in trials.values() if me in _people(t)]
    rows = run(store, "investigator-trials", name="Quanhai Li")
    assert {r["nctId"] for r in rows} == {t.nct_id for t in mine}
    assert {"RESPONSIBLE_PARTY", "STUDY_DIRECTOR"} <= {r["role"] for r in rows}
    shared = Counter(p for t in mine for p in _people(t) - {me})
    rows = run(store, "co-investigators", name="Quanhai Li")
    assert {r["coInvestigator"]: int(r["sharedTrials"]) for r in rows} == dict(shared)


def test_sites_per_country(store, trials) -> None:
    from kg.places import resolve_country

    sites, per_trial = defaultdict(set), defaultdict(set)
    for t in trials.values():
        for s in t.sites:
            if s.country:
                country = resolve_country(s.country)
                code = country.alpha2 if country else s.country
                sites[code].add((s.facility, s.city))
                per_trial[code].add(t.nct_id)
    rows = run(store, "sites-per-country")
    assert {r["code"]: (int(r["sites"]), int(r["trials"])) for r in rows if r["code"]} == {
        c: (len(sites[c]), len(per_trial[c])) for c in sites if resolve_country(c)}


def test_trials_near_a_point(store, trials) -> None:
    located = [(t.nct_id, s) for t in trials.values() for s in t.sites if s.latitude is not None]
    assert located
    lat, lon, radius = located[0][1].latitude, located[0][1].longitude, 300.0

    def km(a: float, b: float) -> float:  # haversine
        p1, p2, dl = math.radians(lat), math.radians(a), math.radians(b - lon)
        h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * 6371.0088 * math.asin(math.sqrt(h))

    distances = {(n, s.latitude, s.longitude): km(s.latitude, s.longitude) for n, s in located}
    assert not [d for d in distances.values() if abs(d - radius) < radius * 0.01], "pick a radius off the sites"
    expected = {n for (n, _, _), d in distances.items() if d <= radius}
    rows = run(store, "trials-near", lat=str(lat), lon=str(lon), radius_km=str(radius))
    assert {r["nctId"] for r in rows} == expected
    for r in rows:
        true = min(d for (n, _, _), d in distances.items() if n == r["nctId"])
        assert float(r["distanceKm"]) == pytest.approx(true, rel=0.01, abs=0.05) or float(r["distanceKm"]) >= true


def test_phase_status_counts(store, trials) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    for t in trials.values():
        for phase in t.phases or ("-",):
            counts[(phase, t.overall_status or "-")] += 1
    assert {(r["phase"], r["status"]): int(r["trials"]) for r in run(store, "phase-status-counts")} == dict(counts)


def test_stale_trials(store, trials) -> None:
    today = "2021-06-15"
    live = {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"}
    expected = set()
    for t in trials.values():
        end = t.completion_date or t.primary_completion_date
        if t.overall_status in live and end and today[: len(end.value)] > end.value:
            expected.add(t.nct_id)
    assert expected
    assert {r["nctId"] for r in run(store, "stale-trials", today=today)} == expected


def test_most_connected_sponsors(store, trials) -> None:
    trial_count, partners = Counter(), defaultdict(set)
    for t in trials.values():
        sponsors = ([t.lead_sponsor] if t.lead_sponsor else []) + list(t.collaborators)
        orgs = {organization_iri(o.name).value for o in sponsors}
        for org in orgs:
            trial_count[org] += 1
            partners[org] |= orgs - {org}
    rows = run(store, "most-connected-sponsors")
    assert len(rows) == 20
    for r in rows:
        assert (int(r["trials"]), int(r["partners"])) == (trial_count[r["sponsor"]], len(partners[r["sponsor"]]))
    ranked = sorted((-trial_count[o], -len(partners[o])) for o in trial_count)
    assert [(-int(r["trials"]), -int(r["partners"])) for r in rows] == ranked[:20]


def test_conditions_together(store, trials) -> None:
    pairs: Counter[tuple[str, str]] = Counter()
    for t in trials.values():
        nodes = sorted({condition_iri(c).value for c in t.conditions})
        pairs.update(itertools.combinations(nodes, 2))
    rows = run(store, "conditions-together")
    assert len(rows) == min(50, len(pairs))
    for r in rows:
        assert int(r["trials"]) == pairs[(r["condition1"], r["condition2"])]
    assert int(rows[0]["trials"]) == max(pairs.values())


@pytest.mark.parametrize("trial_count", [3, 400])
def test_conditions_together_ranks_exactly_with_few_or_many_pairs(trial_count: int) -> None:
    """Same answer as counting every pair: with fewer pairs than the query's floor needs, and with enough
    pairs that the floor is above 1 and ties at the 50th place."""
    ctkg = "https://w3id.org/ctkg/ontology#"
    rdfs_label = pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    random_conditions = random.Random(7)
    names = [f"Condition {n:02d}" for n in range(40)]
    weights = [1 / (n + 1) for n in range(40)]
    store = pyoxigraph.Store()
    pairs: Counter[tuple[str, str]] = Counter()
    for name in names:
        store.add(pyoxigraph.Quad(condition_iri(name), rdfs_label, pyoxigraph.Literal(name), ENTITIES_GRAPH))
    for number in range(trial_count):
        trial = pyoxigraph.NamedNode(f"https://w3id.org/ctkg/id/trial/NCT{number:08d}")
        chosen = set(random_conditions.choices(names, weights, k=random_conditions.randint(1, 6)))
        for name in chosen:
            store.add(pyoxigraph.Quad(trial, pyoxigraph.NamedNode(ctkg + "condition"), condition_iri(name),
                                      pyoxigraph.NamedNode(f"https://w3id.org/ctkg/graph/NCT{number:08d}")))
        pairs.update(itertools.combinations(sorted(condition_iri(n).value for n in chosen), 2))
    label = {condition_iri(n).value: n for n in names}
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], label[item[0][0]], label[item[0][1]]))[:50]
    if trial_count > 100:
        assert ranked[-1][1] > 1
        assert sum(1 for count in pairs.values() if count == ranked[-1][1]) > 1, "no tie at the cut"
    else:
        assert 0 < len(pairs) < 50
    rows = run(store, "conditions-together")
    assert [(r["condition1"], r["condition2"], int(r["trials"])) for r in rows] == [
        (first, second, count) for (first, second), count in ranked]


def test_parameters_are_typed_and_checked() -> None:
    near = load_query("trials-near")
    with pytest.raises(QueryError, match="parameter 'lat'"):
        bind_params(near, {"lat": "north", "lon": "1", "radius_km": "5"})
    with pytest.raises(UsageError, match="needs the parameter 'radius_km'"):
        bind_params(near, {"lat": "1", "lon": "1"})
    with pytest.raises(QueryError, match="parameter 'today'"):
        bind_params(load_query("stale-trials"), {"today": "2021-13-01"})
    hostile = '" } } DROP ALL ; SELECT * WHERE { "'
    assert run(pyoxigraph.Store(), "trials-by-condition", condition=hostile) == []
