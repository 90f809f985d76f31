"""API v2 JSON reader: every shape the registry serves, real records, bad input."""

from __future__ import annotations

import gzip
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import DATA, read_one, shared_folder, split

from kg.model import Age, MeshTerm, Organization, PartialDate
from kg.readers import ctgov_json, read_records
from kg.readers.sources import iter_sources

JSON_DIR = DATA / "ctgov-json"
SPORT = JSON_DIR / "NCT00000410.json"


def _study(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_single_study_facts() -> None:
    trial = read_one(SPORT)
    assert trial.nct_id == "NCT00000410"
    assert trial.acronym == "SPORT"
    assert trial.org_study_id == "U01 AR45444 NIAMS-004C"
    assert [s.identifier for s in trial.secondary_ids] == ["U01AR045444"]
    assert trial.secondary_ids[0].id_type == "NIH"
    assert trial.overall_status == "COMPLETED"
    assert trial.start_date == PartialDate("2000-03", None)
    assert trial.primary_completion_date == PartialDate("2015-04", True)
    assert trial.first_posted == PartialDate("1999-11-04", False)
    assert trial.status_verified == PartialDate("2015-08", None)
    assert trial.phases == ("PHASE4",)
    design = (trial.study_type, trial.allocation, trial.intervention_model)
    assert design == ("INTERVENTIONAL", "RANDOMIZED", "PARALLEL")
    assert trial.enrollment == 501 and trial.enrollment_actual is True
    assert trial.conditions == ("Herniated Disc", "Low Back Pain")
    assert MeshTerm("Intervertebral Disc Displacement", "D007405") in trial.condition_meshes
    assert trial.lead_sponsor == Organization("Dartmouth-Hitchcock Medical Center", "OTHER")
    assert [c.org_class for c in trial.collaborators] == ["NIH", "FED", "NIH"]
    official = trial.officials[0]
    assert (official.name, official.degrees) == ("James N. Weinstein", ("DO", "MS"))
    assert official.role == "PRINCIPAL_INVESTIGATOR"
    assert official.affiliation == "Dartmouth-Hitchcock Medical Center"
    assert len(trial.sites) == 13
    assert trial.eligibility is not None
    assert trial.eligibility.minimum_age == Age(Decimal(18), "YEARS")
    assert trial.eligibility.maximum_age is None
    assert trial.eligibility.age_groups == ("ADULT", "OLDER_ADULT")
    assert trial.eligibility.inclusion.startswith("* Duration of symptoms")
    assert trial.eligibility.exclusion.startswith("* Previous lumbar spine surgery.")
    assert "Exclusion" not in trial.eligibility.inclusion
    assert trial.provenance.source_file == "NCT00000410.json"
    assert trial.provenance.version_date == _study(SPORT)["derivedSection"]["miscInfoModule"]["versionHolder"]


def test_mesh_ids_padded_by_the_api_are_canonical() -> None:
    trial = read_one(JSON_DIR / "NCT02513394.json")
    assert MeshTerm("Breast Neoplasms", "D001943") in trial.condition_meshes


def test_markdown_escapes_are_undone() -> None:
    raw = SPORT.read_text(encoding="utf-8")
    study = json.loads(raw)
    study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = (
        "Inclusion Criteria:\n\n* age \\>= 18\n* HbA1c \\<= 7\\.5 \\*\n\nExclusion Criteria:\n\n* none"
    )
    trial = ctgov_json.parse_study(study, "x.json")
    assert trial.eligibility is not None
    assert trial.eligibility.inclusion == "* age >= 18\n* HbA1c <= 7.5 *"


def test_unknown_keys_are_tolerated() -> None:
    path = JSON_DIR / "NCT05905653.json"
    assert "locations_nested" in path.read_text(encoding="utf-8")
    trial = read_one(path)
    assert len(trial.sites) == len(_study(path)["protocolSection"]["contactsLocationsModule"]["locations"])


def test_page_lines_zip_gz_and_directory_give_the_same_trials(tmp_path: Path) -> None:
    files = sorted(JSON_DIR.glob("*.json"))
    studies = [_study(f) for f in files]
    expected = [s["protocolSection"]["identificationModule"]["nctId"] for s in studies]

    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": studies, "nextPageToken": "abc"}), encoding="utf-8")
    lines = tmp_path / "studies.jsonl"
    lines.write_text("\n".join(json.dumps(s) for s in studies) + "\n", encoding="utf-8")
    bulk = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(bulk, "w") as archive:
        for f in files:
            archive.write(f, f.name)
    zipped_page = tmp_path / "page.json.gz"
    zipped_page.write_bytes(gzip.compress(page.read_bytes()))
    nested = tmp_path / "tree" / "a" / "b"
    nested.mkdir(parents=True)
    for f in files:
        (nested / f.name).write_bytes(f.read_bytes())

    for given in (page, lines, bulk, zipped_page, tmp_path / "tree"):
        trials, rejections = split(read_records([given]))
        assert not rejections, (given, rejections)
        assert [t.nct_id for t in trials] == expected, given


def test_large_pages_are_streamed(tmp_path: Path) -> None:
    studies = [_study(f) for f in sorted(JSON_DIR.glob("*.json"))]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": studies}), encoding="utf-8")
    (source,) = list(iter_sources([page]))
    streamed = list(ctgov_json.read(source, stream_threshold=1000))
    whole = list(ctgov_json.read(source))
    assert [t.nct_id for t in streamed] == [t.nct_id for t in whole]
    assert streamed == whole


def test_content_not_name_decides_the_format(tmp_path: Path) -> None:
    disguised = tmp_path / "record.dat"
    disguised.write_bytes(SPORT.read_bytes())
    assert read_one(disguised).nct_id == "NCT00000410"


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b'{"protocolSection": {"identificationModule": {"nctId": "NCT0000', "json"),
        (b"{not json at all", "json"),
        (b'{"protocolSection": {"identificationModule": {"briefTitle": "x"}}}', "nct_id"),
        (b'{"protocolSection": {"identificationModule": {"nctId": "NCT12"}}}', "nct_id"),
        (b'{"hello": "world"}', "protocolSection"),
        (b"", "file"),
    ],
)
def test_bad_records_are_rejected_with_the_field(tmp_path: Path, content: bytes, field: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    trials, rejections = split(read_records([bad]))
    assert trials == []
    assert len(rejections) == 1
    assert rejections[0].file == "bad.json"
    assert rejections[0].field == field


def test_a_bad_field_names_record_and_field(tmp_path: Path) -> None:
    study = _study(SPORT)
    study["protocolSection"]["statusModule"]["startDateStruct"]["date"] = "March 2000ish"
    study["protocolSection"]["designModule"]["phases"] = ["PHASE9"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(study), encoding="utf-8")
    _, (rejection,) = split(read_records([bad]))
    assert rejection.record == "NCT00000410"
    assert "startDateStruct" in rejection.field or "phases" in rejection.field


def test_one_bad_line_keeps_the_good_ones(tmp_path: Path) -> None:
    good = [_study(f) for f in sorted(JSON_DIR.glob("*.json"))[:3]]
    lines = [json.dumps(good[0]), '{"protocolSection": {"identif', json.dumps(good[1]), json.dumps(good[2])]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    trials, rejections = split(read_records([path]))
    assert len(trials) == 3
    assert [(r.record, r.field) for r in rejections] == [("line 2", "json")]


def test_missing_path_is_a_rejection(tmp_path: Path) -> None:
    _, (rejection,) = split(read_records([tmp_path / "nope.json"]))
    assert rejection.field == "path"


@pytest.mark.slow
def test_every_shared_json_record_reads_with_matching_counts() -> None:
    folder = shared_folder("ctgov-v2")
    trials, rejections = split(read_records([folder]))
    assert rejections == []
    assert len(trials) == len(list(folder.glob("*.json")))
    for trial in trials:
        study = _study(folder / f"{trial.nct_id}.json")["protocolSection"]
        arms = study.get("armsInterventionsModule", {})
        contacts = study.get("contactsLocationsModule", {})
        outcomes = study.get("outcomesModule", {})
        assert len(trial.conditions) == len(study.get("conditionsModule", {}).get("conditions", []))
        assert len(trial.interventions) == len(arms.get("interventions", []))
        assert len(trial.arms) == len(arms.get("armGroups", []))
        assert len(trial.officials) == len(contacts.get("overallOfficials", []))
        assert len(trial.sites) == len(contacts.get("locations", []))
        assert len(trial.outcomes) == sum(
            len(outcomes.get(k, [])) for k in ("primaryOutcomes", "secondaryOutcomes", "otherOutcomes")
        )
        assert len(trial.collaborators) == len(study["sponsorCollaboratorsModule"].get("collaborators", []))


def test_what_the_fast_parser_refuses_reads_as_the_standard_parser_reads_it(tmp_path: Path) -> None:
    """A byte-order mark, NaN and a lone surrogate are valid to the standard parser: such records still read."""
    study = _study(SPORT)
    study["protocolSection"]["contactsLocationsModule"]["locations"][0]["geoPoint"] = {"lat": float("nan"), "lon": 1.0}
    study["protocolSection"]["identificationModule"]["briefTitle"] = "lone \ud800 surrogate"
    odd = tmp_path / "odd.json"
    odd.write_bytes(b"\xef\xbb\xbf" + json.dumps(study).encode("utf-8"))
    trial = read_one(odd)
    assert trial.brief_title == "lone \ud800 surrogate"
    plain = tmp_path / "without-bom" / "odd.json"
    plain.parent.mkdir()
    plain.write_text(json.dumps(study), encoding="utf-8")
    assert trial == read_one(plain)


def test_broken_json_is_reported_in_the_standard_parser_words(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"protocolSection": [1, 2,]}')
    _, (rejection,) = split(read_records([bad]))
    assert rejection.message == "invalid JSON: Expecting value: line 1 column 27 (char 26)"
