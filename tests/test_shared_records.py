"""Every real record in ../shared/data converts, and the graph counts what the source holds.

Counts are taken from the raw files with the standard library (json, ElementTree),
independently of the readers, and compared with the triples of each trial.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from conftest import shared_folder, split

from kg.iris import trial_iri
from kg.mapping import trial_triples
from kg.namespaces import CTKG
from kg.readers import read_records

pytestmark = pytest.mark.slow

_COUNTED = {
    "conditions": CTKG.condition,
    "interventions": CTKG.hasIntervention,
    "arms": CTKG.arm,
    "sponsors": None,
    "sites": CTKG.hasTrialSite,
    "outcomes": CTKG.outcome,
}


def _json_counts(path: Path) -> dict[str, int]:
    study = json.loads(path.read_text(encoding="utf-8"))["protocolSection"]
    arms = study.get("armsInterventionsModule", {})
    outcomes = study.get("outcomesModule", {})
    sponsors = study["sponsorCollaboratorsModule"]
    return {
        "conditions": len({c.strip().casefold() for c in study.get("conditionsModule", {}).get("conditions", [])}),
        "interventions": len(arms.get("interventions", [])),
        "arms": len(arms.get("armGroups", [])),
        "sponsors": 1 + len(sponsors.get("collaborators", [])),
        "sites": len(study.get("contactsLocationsModule", {}).get("locations", [])),
        "outcomes": sum(len(outcomes.get(k, [])) for k in ("primaryOutcomes", "secondaryOutcomes", "otherOutcomes")),
    }


def _xml_counts(path: Path) -> dict[str, int]:
    root = ET.parse(path).getroot()
    return {
        "conditions": len({(c.text or "").strip().casefold() for c in root.findall("condition") if c.text}),
        "interventions": len(root.findall("intervention")),
        "arms": len(root.findall("arm_group")),
        "sponsors": len(root.findall("sponsors/lead_sponsor")) + len(root.findall("sponsors/collaborator")),
        "sites": len(root.findall("location")),
        "outcomes": sum(len(root.findall(k)) for k in ("primary_outcome", "secondary_outcome", "other_outcome")),
    }


def _graph_counts(nct_id: str, triples: list) -> dict[str, int]:
    trial = trial_iri(nct_id)
    per_predicate = Counter(t.predicate for t in triples if t.subject == trial)
    counts = {name: per_predicate[p] for name, p in _COUNTED.items() if p is not None}
    sponsor_links = (CTKG.leadSponsor, CTKG.collaborator)
    sponsors = [t.object for t in triples if t.subject == trial and t.predicate in sponsor_links]
    counts["sponsors"] = len(sponsors)
    return counts


@pytest.mark.parametrize(("folder", "counter"), [("ctgov-v2", _json_counts), ("ctgov-xml", _xml_counts)])
def test_every_shared_record_converts_with_the_source_counts(folder: str, counter) -> None:
    root = shared_folder(folder)
    trials, rejections = split(read_records([root]))
    assert rejections == []
    assert len(trials) == len(list(root.iterdir()))
    mismatches = []
    for trial in trials:
        expected = counter(root / trial.provenance.source_file.split("/", 1)[1])
        found = _graph_counts(trial.nct_id, trial_triples(trial))
        if found != expected:
            mismatches.append((trial.nct_id, expected, found))
    assert mismatches == []
