"""What the shapes say about the seed, NCT03219801, in both formats: what a careful reader notices.

The trial page (status UNKNOWN, last updated 2017) and the legacy XML (still "Not yet recruiting"
with a start in 2017 and a completion at the end of 2019) describe the same trial. Neither is
broken (no violation); both are suspicious. Not checkable structurally, and so not asserted: the
duplicated surname "Qingchi Liu Liu" (names like "Li Li" are real), and whether "randomly
divided into treated group and control group" contradicts the single arm (flagged as a note only).
"""

from __future__ import annotations

from datetime import date

import pytest
from validation_helpers import base_triples, run

CTSH = "https://w3id.org/ctkg/shapes#"
TODAY = date(2025, 1, 1)


def _findings(base: str, engine: str) -> dict[str, str]:
    return {r.shape.removeprefix(CTSH): r.severity.value for r in run(base_triples(base), engine, TODAY).results}


@pytest.mark.parametrize("engine", ["pyshacl", "sparql"])
def test_seed_trial_page(engine: str) -> None:
    assert _findings("seed-page", engine) == {
        "StatusUnknown": "warning",
        "NoPrimaryCompletionDate": "info",  # the page gives none
        "TrialSiteWithoutStatus": "info",  # "Site Status" is empty on the page
        "RandomisationOnlyInText": "info",  # "randomly divided" / allocation NA
        "ControlGroupWithOneArm": "info",  # "control group" / one arm
    }


@pytest.mark.parametrize("engine", ["pyshacl", "sparql"])
def test_seed_legacy_xml(engine: str) -> None:
    assert _findings("seed-xml", engine) == {
        "StaleCompletionDate": "warning",  # completion 2019-12-30 passed, still not yet recruiting
        "StaleStartDate": "warning",  # start 2017-08-01 passed, still not yet recruiting
        "TrialSiteWithoutStatus": "info",
        "RandomisationOnlyInText": "info",  # the XML gives no allocation at all
        "ControlGroupWithOneArm": "info",
    }


def test_staleness_depends_on_today() -> None:
    """Before the start date the XML record was not stale yet."""
    findings = {r.shape.removeprefix(CTSH) for r in run(base_triples("seed-xml"), "sparql", date(2017, 7, 20)).results}
    assert "StaleStartDate" not in findings
    assert "StaleCompletionDate" not in findings


def test_stale_message_names_the_date_and_status() -> None:
    report = run(base_triples("seed-xml"), "sparql", TODAY)
    results = [r for r in report.results if r.shape.endswith("StaleCompletionDate")]
    assert [r.message for r in results] == [
        "Stale record: the completion date 2019-12-30 is in the past but the status is still NOT_YET_RECRUITING."]
    assert results[0].trial == "NCT03219801"


def test_a_store_with_a_graph_per_trial_validates_like_its_triples() -> None:
    """``validate_store`` (for ``kg build``) reads the union of the trial graphs of a store."""
    import pyoxigraph as ox
    from conftest import read_one
    from validation_helpers import SEED_XML, shapes_for

    from kg.mapping import trial_quads
    from kg.validation import validate_store

    store = ox.Store()
    store.extend(trial_quads(read_one(SEED_XML)))
    in_store = validate_store(store, shapes=shapes_for(TODAY))
    assert in_store.results == run(base_triples("seed-xml"), "sparql", TODAY).results
    assert in_store.triples == len(base_triples("seed-xml"))
