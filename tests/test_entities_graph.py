"""Shared nodes live once in the entities graph: no duplicate facts, and nothing left behind by a replacement."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest

from kg.graph_units import units_from_inputs
from kg.iris import ENTITIES_GRAPH, organization_iri, trial_graph_iri
from kg.loading import load_units
from kg.mapping import MappingOptions
from kg.resources import sample_records_dir
from kg.store import load_ontology
from tests.conftest import DATA

RECORD = DATA / "ctgov-json" / "NCT00000410.json"
"""A real record with a lead sponsor, three collaborators and 13 sites."""


def _load(store: pyoxigraph.Store, *paths: Path, force: bool = False) -> None:
    load_units(store, units_from_inputs(list(paths), MappingOptions(), lambda r: pytest.fail(str(r))), force=force)


def _count(store: pyoxigraph.Store, query: str) -> int:
    return int(next(iter(store.query(query, use_default_graph_as_union=True)))["n"].value)  # type: ignore[index]


def _described(store: pyoxigraph.Store, node: pyoxigraph.NamedNode) -> bool:
    return any(True for _ in store.quads_for_pattern(node, None, None, ENTITIES_GRAPH))


def _write(path: Path, record: dict[str, Any]) -> Path:
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_every_fact_is_stored_once_so_queries_over_the_union_meet_it_once() -> None:
    store = pyoxigraph.Store()
    load_ontology(store)
    _load(store, sample_records_dir())
    statements = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    distinct = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert statements == distinct
    # sponsors named by several sample trials: one label statement per spelling, not one per trial
    shared = [row["o"] for row in store.query(  # type: ignore[union-attr]
        "PREFIX ctkg: <https://w3id.org/ctkg/ontology#> SELECT ?o WHERE { ?t ctkg:leadSponsor|ctkg:collaborator ?o }"
        " GROUP BY ?o HAVING (COUNT(DISTINCT ?t) > 1)", use_default_graph_as_union=True)]
    assert shared
    label = pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for org in shared:
        labels = [q.object for q in store.quads_for_pattern(org, label, None, None)]
        assert len(labels) == len(set(labels)) >= 1

def test_replacing_a_trial_prunes_the_shared_nodes_nothing_links_to_any_more(tmp_path: Path) -> None:
    original = json.loads(RECORD.read_text(encoding="utf-8"))
    protocol = original["protocolSection"]
    old_sponsor = organization_iri(protocol["sponsorCollaboratorsModule"]["leadSponsor"]["name"])
    old_collaborator = organization_iri(protocol["sponsorCollaboratorsModule"]["collaborators"][0]["name"])
    locations = protocol["contactsLocationsModule"]["locations"]

    newer = copy.deepcopy(original)
    newer_protocol = newer["protocolSection"]
    newer_protocol["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2024-01-01"
    newer_protocol["sponsorCollaboratorsModule"]["leadSponsor"]["name"] = "Dartmouth Health"
    newer_protocol["contactsLocationsModule"]["overallOfficials"][0]["affiliation"] = "Dartmouth Health"
    newer_protocol["contactsLocationsModule"]["locations"] = locations[:1]

    # another trial shares the first collaborator, so that one must stay
    other = copy.deepcopy(original)
    other["protocolSection"]["identificationModule"]["nctId"] = "NCT99999991"
    other["protocolSection"]["sponsorCollaboratorsModule"]["leadSponsor"]["name"] = "Someone Else"
    other["protocolSection"]["contactsLocationsModule"] = {}

    store = pyoxigraph.Store()
    _load(store, _write(tmp_path / "original.json", original), _write(tmp_path / "other.json", other))
    sites_before = {q.object for q in store.quads_for_pattern(
        None, pyoxigraph.NamedNode("https://w3id.org/ctkg/ontology#site"), None, trial_graph_iri("NCT00000410"))}
    assert len(sites_before) > 1 and _described(store, old_sponsor)

    _load(store, _write(tmp_path / "newer.json", newer))

    assert not _described(store, old_sponsor), "the renamed sponsor's old node is gone"
    assert not list(store.quads_for_pattern(None, None, old_sponsor, None)), "and nothing links to it"
    assert _described(store, organization_iri("Dartmouth Health"))
    assert _described(store, old_collaborator), "still a collaborator of this and the other trial"
    sites_after = {q.object for q in store.quads_for_pattern(
        None, pyoxigraph.NamedNode("https://w3id.org/ctkg/ontology#site"), None, trial_graph_iri("NCT00000410"))}
    assert len(sites_after) == 1
    for site in sites_before - sites_after:
        assert isinstance(site, pyoxigraph.NamedNode)
        assert not _described(store, site)
        assert not [q for q in store.quads_for_pattern(None, None, None, ENTITIES_GRAPH)
                    if q.subject.value.startswith(site.value + "/")], "its geometry went with it"
    assert all(_described(store, site) for site in sites_after)  # type: ignore[arg-type]

    # the store now holds exactly what loading the two current records into an empty store gives
    fresh = pyoxigraph.Store()
    _load(fresh, tmp_path / "newer.json", tmp_path / "other.json")
    assert set(store) == set(fresh)
