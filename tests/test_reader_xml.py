"""Legacy ClinicalTrials.gov XML reader: real records, the variants of the shared set, bad input."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import IO

import pytest
from conftest import DATA, read_one, shared_folder, split
from lxml import etree

from kg.errors import Rejection
from kg.mesh import lookup_mesh_id
from kg.model import Age, MeshTerm, Organization, OutcomeKind, PartialDate, SourceFormat, Trial
from kg.readers import ctgov_xml, read_records
from kg.readers.sources import Source, iter_sources

XML_DIR = DATA / "ctgov-xml"
LUPUS = XML_DIR / "NCT03219801.xml"
PALLAS = XML_DIR / "NCT02513394.xml"
DACLIZUMAB = XML_DIR / "NCT00001941.xml"  # NIH, 2000: results, Phase 1/Phase 2, alias, old responsible party
DERMATOLOGY = XML_DIR / "NCT00001506.xml"  # 1999 observational record with a backup contact
COCAINE = XML_DIR / "NCT00495183.xml"  # site contact, backup contact and sub-investigators; triple masking
FAMILIES = XML_DIR / "NCT00499317.xml"  # observational, family-based; a results reference
ABLATION = XML_DIR / "NCT00491010.xml"  # contacts with phone extensions
EXPANDED = XML_DIR / "NCT03245528.xml"  # <?xml?> declaration, firstreceived_date / lastchanged_date
TRAUMA = XML_DIR / "NCT00463138.xml"  # other pre-specified outcome, accepts healthy volunteers


def _read_bytes(data: bytes, name: str = "test.xml") -> list[Trial | Rejection]:
    return list(ctgov_xml.read(Source(name, lambda: io.BytesIO(data))))


def _read_file(path: Path) -> Trial:
    (result,) = list(ctgov_xml.read(Source(path.name, lambda: path.open("rb"))))
    assert isinstance(result, Trial), result
    return result


def _edited(path: Path, old: str, new: str) -> bytes:
    """A real record with one piece of text changed."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1).encode("utf-8")


def _only_rejection(results: list[Trial | Rejection]) -> Rejection:
    assert len(results) == 1, results
    assert isinstance(results[0], Rejection), results[0]
    return results[0]


# --- real records ------------------------------------------------------------------------------


def test_lupus_trial_facts() -> None:
    trial = read_one(LUPUS)
    assert trial.nct_id == "NCT03219801"
    assert trial.brief_title == (
        "Umbilical Cord Derived Mesenchymal Stem Cells Therapy in Systemic Lupus Erythematosus"
    )
    assert trial.official_title is not None and trial.official_title.startswith("Evaluation of Safety")
    assert trial.org_study_id == "17277787D-SLE"
    assert trial.overall_status == "NOT_YET_RECRUITING"
    assert trial.phases == ("EARLY_PHASE1",)
    assert trial.study_type == "INTERVENTIONAL"
    assert (trial.intervention_model, trial.primary_purpose) == ("SINGLE_GROUP", "TREATMENT")
    assert (trial.masking, trial.who_masked) == ("NONE", ())
    assert trial.enrollment == 10 and trial.enrollment_actual is False
    assert trial.start_date == PartialDate("2017-08-01", False)
    assert trial.primary_completion_date == PartialDate("2018-12-30", False)
    assert trial.completion_date == PartialDate("2019-12-30", False)
    assert trial.first_submitted == PartialDate("2017-07-10", None)
    assert trial.first_posted == PartialDate("2017-07-18", True)
    assert trial.last_update_posted == PartialDate("2017-07-18", True)
    assert trial.status_verified == PartialDate("2017-07", None)
    assert trial.conditions == ("Systemic Lupus Erythematosus",)
    assert [m.term for m in trial.condition_meshes] == ["Lupus Erythematosus, Systemic"]
    assert trial.condition_mesh_ancestors == () and trial.intervention_meshes == ()
    assert trial.lead_sponsor == Organization("Hebei Medical University", "OTHER")

    assert len(trial.officials) == 11
    chair = trial.officials[0]
    assert (chair.name, chair.degrees, chair.role) == ("Baoyong Yan", ("Doctor",), "STUDY_CHAIR")
    assert chair.affiliation == "The First Hospital of Hebei Medical University"
    assert all("," not in o.name and o.degrees for o in trial.officials)
    assert [o.role for o in trial.officials].count("PRINCIPAL_INVESTIGATOR") == 8

    (contact,) = trial.central_contacts
    assert (contact.name, contact.role, contact.phone) == ("Jun Zhang", "CONTACT", "86-311-85917384")
    (site,) = trial.sites
    assert (site.facility, site.city, site.state, site.postal_code, site.country) == (
        "the First Hospital of Hebei Medical University", "Shijiazhuang", "Hebei", "050031", "China"
    )
    assert (site.latitude, site.longitude, site.contacts) == (None, None, ())

    (intervention,) = trial.interventions
    assert (intervention.name, intervention.intervention_type) == ("mesenchymal stem cells", "BIOLOGICAL")
    (arm,) = trial.arms
    assert (arm.label, arm.arm_type, arm.intervention_names) == (
        "mesenchymal stem cells", "EXPERIMENTAL", ("mesenchymal stem cells",)
    )

    rp = trial.responsible_party
    assert rp is not None
    assert (rp.party_type, rp.investigator_name, rp.investigator_affiliation) == (
        "PRINCIPAL_INVESTIGATOR", "Quanhai Li", "Hebei Medical University"
    )

    eligibility = trial.eligibility
    assert eligibility is not None
    assert eligibility.minimum_age == Age(Decimal(14), "YEARS")
    assert eligibility.maximum_age == Age(Decimal(60), "YEARS")
    assert (eligibility.sex, eligibility.healthy_volunteers, eligibility.age_groups) == ("ALL", False, ())
    assert eligibility.criteria is not None and eligibility.criteria.startswith("Inclusion Criteria:\n")
    assert eligibility.inclusion is not None and eligibility.exclusion is not None
    assert eligibility.inclusion.startswith("1. Diagnosis of SLE")
    assert "Exclusion" not in eligibility.inclusion
    assert eligibility.exclusion.startswith("Patients with SLE have to be disqualified")

    assert [o.kind for o in trial.outcomes] == [OutcomeKind.PRIMARY] + [OutcomeKind.SECONDARY] * 3
    assert trial.outcomes[1].measure == "Erythrocyte sedimentation rate"
    assert trial.has_results is False
    assert trial.brief_summary == (
        "This study is to evaluate the safety and efficacy of human umbilical cord derived mesenchymal "
        "stem cells transplantation in systemic lupus erythematosus."
    )
    assert trial.provenance.source_format is SourceFormat.CTGOV_XML
    assert trial.provenance.source_file == "NCT03219801.xml"
    assert trial.provenance.version_date == "2018-05-29"


def test_mesh_ids_come_from_the_lexicon() -> None:
    term = "Lupus Erythematosus, Systemic"
    assert lookup_mesh_id(term) == "D008180"
    assert _read_file(LUPUS).condition_meshes == (MeshTerm(term, "D008180"),)


def test_pallas_with_declaration_and_rank() -> None:
    trial = _read_file(PALLAS)
    assert trial.nct_id == "NCT02513394"
    assert [s.identifier for s in trial.secondary_ids] == ["ABCSG 42", "BIG 14-03", "2014-005181-30"]
    assert len(trial.sites) == 233
    assert len(trial.collaborators) == 5 and all(c.org_class for c in trial.collaborators)
    assert len(trial.officials) == 4
    assert trial.provenance.version_date == "2020-08-18"
    assert trial.primary_completion_date == PartialDate("2020-09", False)


def test_old_nih_record_with_results() -> None:
    trial = _read_file(DACLIZUMAB)
    assert trial.phases == ("PHASE1", "PHASE2")
    assert trial.nct_aliases == ("NCT00020020",)
    assert trial.has_results is True
    assert len(trial.arms) == 5
    assert all(arm.intervention_names == ("daclizumab",) for arm in trial.arms)
    assert {r.reference_type for r in trial.references} == {"BACKGROUND"}
    # the old responsible party: a name-or-title and an organization, no type
    rp = trial.responsible_party
    assert rp is not None
    assert rp.party_type is None and rp.investigator_name is None
    assert rp.investigator_title == "Thomas A. Waldmann, M.D./National Cancer Institute"
    assert rp.investigator_affiliation == "National Institutes of Health"


def test_observational_record() -> None:
    trial = _read_file(DERMATOLOGY)
    assert (trial.study_type, trial.observational_model, trial.time_perspective) == (
        "OBSERVATIONAL", "COHORT", "PROSPECTIVE"
    )
    assert trial.phases == () and trial.masking is None
    assert trial.eligibility is not None and trial.eligibility.study_population is not None
    assert trial.eligibility.study_population.startswith("Patients with dermatologic diseases")
    assert [(c.name, c.role, c.degrees) for c in trial.central_contacts][1] == (
        "Edward W Cowen", "CONTACT", ("M.D.",)
    )

    families = _read_file(FAMILIES)
    assert families.observational_model == "FAMILY_BASED"
    assert [r.reference_type for r in families.references] == ["BACKGROUND", "BACKGROUND", "RESULT"]
    assert all(r.pmid is None or r.pmid.isdigit() for r in families.references)


def test_site_contacts_and_investigators_in_document_order() -> None:
    trial = _read_file(COCAINE)
    (site, *_) = trial.sites
    assert site.status == "RECRUITING"
    assert [(p.name, p.role) for p in site.contacts] == [
        ("Miquel Casas", "CONTACT"),
        ("Xavier Castells", "CONTACT"),
        ("Carlos Roncero", "SUB_INVESTIGATOR"),
        ("Castells Xavier", "SUB_INVESTIGATOR"),
        ("Gonzalvo Begoña", "SUB_INVESTIGATOR"),
    ]
    assert site.contacts[0].email == "mcasas@vhebron.net"
    assert trial.masking == "TRIPLE"
    assert trial.who_masked == ("PARTICIPANT", "INVESTIGATOR", "OUTCOMES_ASSESSOR")
    # XML links interventions to arms only; arms get the names back, in intervention order
    assert [(a.label, a.intervention_names) for a in trial.arms] == [
        ("1", ("caffeine",)),
        ("2", ("caffeine", "Biperiden")),
        ("3", ("Placebo",)),
    ]
    assert trial.interventions[0].other_names == ("Durvitan",)


def test_phone_extensions_are_appended() -> None:
    trial = _read_file(ABLATION)
    assert [(c.role, c.phone) for c in trial.central_contacts] == [
        ("CONTACT", "519-685-8500 ext. 32739"),
        ("CONTACT", "519 685-8500 ext. 32739"),
    ]
    assert trial.responsible_party is None


def test_old_date_names_and_expanded_access() -> None:
    trial = _read_file(EXPANDED)
    assert trial.study_type == "EXPANDED_ACCESS" and trial.phases == ("NA",)
    assert trial.first_submitted == PartialDate("2017-08-07", None)
    assert trial.first_posted == PartialDate("2017-08-10", True)
    # firstreceived_date is the old name of study_first_submitted, not a posting date
    only_old = _edited(EXPANDED, "<study_first_submitted>August 7, 2017</study_first_submitted>", "")
    (old,) = _read_bytes(only_old)
    assert isinstance(old, Trial) and old.first_submitted == PartialDate("2017-08-07", None)


def test_other_outcomes_and_healthy_volunteers() -> None:
    trial = _read_file(TRAUMA)
    other = [o for o in trial.outcomes if o.kind is OutcomeKind.OTHER]
    assert [o.measure for o in other] == ["Traumatic Events Screening Inventory (TESI)"]
    assert trial.eligibility is not None and trial.eligibility.healthy_volunteers is True


def test_the_test_folder_reads_through_the_package() -> None:
    trials, rejections = split(read_records([XML_DIR]))
    assert rejections == []
    assert len(trials) == len(list(XML_DIR.glob("*.xml")))
    names = {f"ctgov-xml/{p.name}" for p in XML_DIR.glob("*.xml")}
    assert {t.provenance.source_file for t in trials} == names
    (source,) = list(iter_sources([LUPUS]))
    assert isinstance(source, Source)
    assert list(ctgov_xml.read(source)) == [read_one(LUPUS)]


# --- legacy spellings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("masking", "level", "who"),
    [
        ("Double (Participant, Investigator)", "DOUBLE", ("PARTICIPANT", "INVESTIGATOR")),
        (
            "Quadruple (Participant, Care Provider, Investigator, Outcomes Assessor)",
            "QUADRUPLE",
            ("PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"),
        ),
        ("Double", "DOUBLE", ()),
        ("Double Blind (Subject, Investigator)", "DOUBLE", ("PARTICIPANT", "INVESTIGATOR")),
        ("Single Blind (Subject, Caregiver)", "SINGLE", ("PARTICIPANT", "CARE_PROVIDER")),
        ("Double-Blind", "DOUBLE", ()),
        ("Open Label", "NONE", ()),
        ("Something else (Auditor)", None, ()),
    ],
)
def test_masking_spellings(masking: str, level: str | None, who: tuple[str, ...]) -> None:
    data = _edited(LUPUS, "<masking>None (Open Label)</masking>", f"<masking>{masking}</masking>")
    (trial,) = _read_bytes(data)
    assert isinstance(trial, Trial)
    assert (trial.masking, trial.who_masked) == (level, who)


def test_single_string_study_design_of_the_oldest_records() -> None:
    design = (
        "<study_design>Treatment, Randomized, Double Blind (Subject, Caregiver, Investigator), "
        "Placebo Control, Parallel Assignment, Safety/Efficacy Study</study_design>"
    )
    data = re.sub(
        rb"<study_design_info>.*?</study_design_info>", design.encode(), LUPUS.read_bytes(), flags=re.DOTALL
    )
    (trial,) = _read_bytes(data)
    assert isinstance(trial, Trial)
    assert (trial.primary_purpose, trial.allocation, trial.intervention_model) == (
        "TREATMENT", "RANDOMIZED", "PARALLEL"
    )
    assert (trial.masking, trial.who_masked) == ("DOUBLE", ("PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR"))
    observational = re.sub(
        rb"<study_design_info>.*?</study_design_info>",
        b"<study_design>Observational Model: Cohort, Time Perspective: Other</study_design>",
        LUPUS.read_bytes(),
        flags=re.DOTALL,
    )
    (trial,) = _read_bytes(observational)
    assert isinstance(trial, Trial)
    assert (trial.observational_model, trial.time_perspective) == ("COHORT", "OTHER")
    assert trial.primary_purpose is None


def test_unknown_dates_and_empty_elements() -> None:
    data = _edited(LUPUS, '<start_date type="Anticipated">August 1, 2017', "<start_date>Unknown")
    data = data.replace(b"</brief_title>", b"</brief_title>\n  <acronym>  </acronym>", 1)
    (trial,) = _read_bytes(data)
    assert isinstance(trial, Trial)
    assert trial.start_date is None and trial.acronym is None


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: LUPUS.read_bytes()[:3000], "xml"),
        (lambda: b"", "xml"),
        (lambda: b"<clinical_study><id_info><nct_id>NCT03219801</nct_id></id_info>", "xml"),
        (lambda: LUPUS.read_bytes().replace(b"clinical_study>", b"study>"), "root"),
        (lambda: b"<html><body>Not found</body></html>", "root"),
        (lambda: _edited(LUPUS, "<nct_id>NCT03219801</nct_id>", ""), "nct_id"),
        (lambda: _edited(LUPUS, "<nct_id>NCT03219801</nct_id>", "<nct_id>NCT321</nct_id>"), "nct_id"),
    ],
)
def test_unreadable_documents_give_one_rejection(make: Callable[[], bytes], field: str) -> None:
    rejection = _only_rejection(_read_bytes(make(), "bad.xml"))
    assert (rejection.file, rejection.record, rejection.field) == ("bad.xml", "-", field)
    assert rejection.message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (">August 1, 2017<", ">Augst 1, 2017<", "start_date"),
        (">July 10, 2017<", ">July 32, 2017<", "study_first_submitted"),
        ('type="Anticipated">August', 'type="Someday">August', "start_date"),
        ("<phase>Early Phase 1</phase>", "<phase>Phase 5</phase>", "phase"),
        (">14 Years<", ">fourteen<", "eligibility/minimum_age"),
        (">60 Years<", ">60 Fortnights<", "eligibility/maximum_age"),
        (">Not yet recruiting<", ">Paused<", "overall_status"),
        (">10</enrollment>", ">ten</enrollment>", "enrollment"),
        ("<role>Study Chair</role>", "<role>Boss</role>", "overall_official/role"),
        ("<agency_class>Other<", "<agency_class>Club<", "sponsors/lead_sponsor/agency_class"),
        ("<healthy_volunteers>No<", "<healthy_volunteers>Maybe<", "eligibility/healthy_volunteers"),
    ],
)
def test_a_bad_field_gives_one_rejection_naming_it(old: str, new: str, field: str) -> None:
    rejection = _only_rejection(_read_bytes(_edited(LUPUS, old, new), "bad.xml"))
    assert (rejection.file, rejection.record, rejection.field) == ("bad.xml", "NCT03219801", field)
    assert rejection.message


def test_xml_errors_carry_the_line() -> None:
    data = LUPUS.read_bytes()
    rejection = _only_rejection(_read_bytes(data[: data.index(b"<phase>")]))
    assert rejection.field == "xml"
    assert re.search(r"line \d+", rejection.message), rejection.message


def test_a_broken_file_does_not_spoil_the_next_one() -> None:
    """The parser is made once per thread and reused: an error must stay with the file that caused it."""
    data = LUPUS.read_bytes()
    first = _only_rejection(_read_bytes(data[: data.index(b"<phase>")], "cut.xml"))
    (after,) = _read_bytes(data, "whole.xml")
    again = _only_rejection(_read_bytes(b"<clinical_study><id_info>", "cut-again.xml"))
    assert isinstance(after, Trial) and after.nct_id == "NCT03219801"
    assert (first.file, again.file) == ("cut.xml", "cut-again.xml")
    assert first.message != again.message and "line" in again.message


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    doctype = f'<?xml version="1.0"?>\n<!DOCTYPE clinical_study [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
    data = doctype.encode() + _edited(LUPUS, "<brief_title>Umbilical", "<brief_title>&xxe;Umbilical")
    results = _read_bytes(data)
    assert len(results) == 1
    assert "TOP SECRET" not in repr(results[0])


def test_unreadable_source_is_a_rejection() -> None:
    def broken() -> IO[bytes]:
        raise OSError("disk on fire")

    rejection = _only_rejection(list(ctgov_xml.read(Source("gone.xml", broken))))
    assert (rejection.file, rejection.record, rejection.field) == ("gone.xml", "-", "file")


# --- every shared record -------------------------------------------------------------------------

_COUNTED: dict[str, Callable[[Trial], int]] = {
    "condition": lambda t: len(t.conditions),
    "intervention": lambda t: len(t.interventions),
    "arm_group": lambda t: len(t.arms),
    "overall_official": lambda t: len(t.officials),
    "location": lambda t: len(t.sites),
    "primary_outcome|secondary_outcome|other_outcome": lambda t: len(t.outcomes),
    "keyword": lambda t: len(t.keywords),
    "reference|results_reference": lambda t: len(t.references),
}


@pytest.mark.slow
def test_every_shared_xml_record_reads_with_matching_counts() -> None:
    folder = shared_folder("ctgov-xml")
    files = sorted(folder.glob("*.xml"))
    assert files
    for path in files:
        (result,) = list(ctgov_xml.read(Source(path.name, lambda path=path: path.open("rb"))))
        assert isinstance(result, Trial), str(result)
        root = etree.parse(str(path)).getroot()
        assert result.nct_id == root.findtext("id_info/nct_id") == path.stem
        for tags, count in _COUNTED.items():
            expected = sum(len(root.findall(tag)) for tag in tags.split("|"))
            assert count(result) == expected, (path.name, tags)
        assert result.has_results is (root.find("clinical_results") is not None)
        assert len(result.condition_meshes) == len(root.findall("condition_browse/mesh_term"))
        assert result.provenance.version_date is not None
