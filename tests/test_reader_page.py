"""Trial page reader: the real seed page, a richer synthetic page, layout variations, bad input."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest
from conftest import DATA, read_one

from kg.errors import Rejection
from kg.model import (
    Age,
    Arm,
    Intervention,
    Organization,
    PartialDate,
    PersonRole,
    Provenance,
    SecondaryId,
    Site,
    SourceFormat,
    Trial,
)
from kg.readers import detect_format, trial_page
from kg.readers.sources import Source
from kg.text import split_criteria

SEED = DATA / "seed" / "NCT03219801.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")

INCLUSION = """\
1. Diagnosis of SLE(Systemic lupus erythematosus) from American College of Rheumatology(ACR) according to \
established criteria in 1997
2. Age from 14 to 60 years
3. No serious infection or acute hemorrhage
4. Left ventricular ejection fraction (LVEF)≥ 50%
5. Both transaminase and serum creatinine level are more than twice times the upper limit of normal
6. No acute infectious diseases.
7. Understanding and willingness to sign a written informed consent document."""

EXCLUSION = """\
Patients with SLE have to be disqualified from this study if any of the following is applicable:

1. SLE(Systemic lupus erythematosus) with severe infection.
2. Severe heart attack, liver and kidney disease following serious complications
3. Patients with allergic constitution.
4. Pregnancy and breastfeeding women.
5. Accompanied by malignant tumors or other malignant disease
6. Patients as participant in the other clinical text
7. Patients with active tuberculosis, acute sever hepatitis or infectious period of diseases."""

OFFICIALS = [
    ("Baoyong Yan", "STUDY_CHAIR", ("Doctor",)),
    ("Qingchi Liu Liu", "STUDY_DIRECTOR", ("Doctor",)),
    ("Quanhai Li", "STUDY_DIRECTOR", ("Doctor",)),
    ("Xiaohui Jia", "PRINCIPAL_INVESTIGATOR", ("Doctor",)),
    ("Xianyun Wang", "PRINCIPAL_INVESTIGATOR", ("Doctor",)),
    ("Fan Zhang", "PRINCIPAL_INVESTIGATOR", ("Bachelor",)),
    ("Yang Shen", "PRINCIPAL_INVESTIGATOR", ("Master",)),
    ("Bing Ma", "PRINCIPAL_INVESTIGATOR", ("Master",)),
    ("Wanyi Yin", "PRINCIPAL_INVESTIGATOR", ("Master",)),
    ("Dan Zhao", "PRINCIPAL_INVESTIGATOR", ("Master",)),
    ("Bojian Sun", "PRINCIPAL_INVESTIGATOR", ("Master",)),
]


def _source(data: bytes | str, name: str = "page.txt") -> Source:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return Source(name, lambda: io.BytesIO(raw))


def _read(data: bytes | str, name: str = "page.txt") -> list[Trial | Rejection]:
    return list(trial_page.read(_source(data, name)))


def _trial(text: str) -> Trial:
    results = _read(text)
    assert len(results) == 1 and isinstance(results[0], Trial), results
    return results[0]


def _rejection(data: bytes | str) -> Rejection:
    results = _read(data)
    assert len(results) == 1 and isinstance(results[0], Rejection), results
    return results[0]


def _between(text: str, after: str, before: str, content: str) -> str:
    """``text`` with what lies between the ``after`` and ``before`` markers replaced by ``content``."""
    start = text.index(after) + len(after)
    end = text.index(before, start)
    return text[:start] + content + text[end:]


def _explanation(heading: str) -> str:
    """The heading line and its explanatory sentence as the seed has them."""
    start = SEED_TEXT.index(f"\n{heading}\n") + 1
    lines = SEED_TEXT[start:].split("\n")
    return "\n".join(lines[:3]) + "\n\n"


# --------------------------------------------------------------------------- the real seed page


def test_seed_page_every_fact() -> None:
    trial = _trial(SEED_TEXT)
    assert trial.nct_id == "NCT03219801"
    assert trial.brief_title == (
        "Umbilical Cord Derived Mesenchymal Stem Cells Therapy in Systemic Lupus Erythematosus"
    )
    assert trial.provenance == Provenance(SourceFormat.TRIAL_PAGE, "page.txt", version_date="2017-07-18")
    assert trial.last_update_posted == PartialDate("2017-07-18", None)
    assert trial.has_results is False
    assert trial.overall_status == "UNKNOWN"
    assert trial.phases == ("EARLY_PHASE1",)
    assert (trial.enrollment, trial.enrollment_actual) == (10, None)
    assert trial.study_type == "INTERVENTIONAL"
    assert trial.start_date == PartialDate("2017-08-01", None)
    assert trial.completion_date == PartialDate("2019-12-30", None)
    assert trial.primary_completion_date is None
    assert trial.brief_summary == (
        "This study is to evaluate the safety and efficacy of human umbilical cord derived mesenchymal stem "
        "cells transplantation in systemic lupus erythematosus."
    )
    assert trial.detailed_description is not None
    assert trial.detailed_description.startswith("To ensure that all patients of systemic lupus")
    assert trial.detailed_description.endswith("allogeneic hUC-MSCs in patients with SLE.")
    assert trial.conditions == ("Systemic Lupus Erythematosus",)
    assert trial.keywords == ()
    assert (trial.allocation, trial.intervention_model, trial.primary_purpose, trial.masking) == (
        "NA", "SINGLE_GROUP", "TREATMENT", "NONE",
    )

    (arm,) = trial.arms
    assert (arm.label, arm.arm_type, arm.intervention_names) == (
        "mesenchymal stem cells", "EXPERIMENTAL", ("mesenchymal stem cells",),
    )
    assert arm.description is not None and arm.description.startswith("Selected SLE patients were randomly")
    (intervention,) = trial.interventions
    assert (intervention.name, intervention.intervention_type, intervention.arm_labels) == (
        "mesenchymal stem cells", "BIOLOGICAL", ("mesenchymal stem cells",),
    )
    assert intervention.description is not None
    assert intervention.description.startswith("SLE patients in the treated group were given")
    assert intervention.description.endswith("evaluated respectively the curative effect.")

    eligibility = trial.eligibility
    assert eligibility is not None
    assert eligibility.inclusion == INCLUSION
    assert eligibility.exclusion == EXCLUSION
    assert len([ln for ln in INCLUSION.splitlines() if ln[:2] in {f"{i}." for i in range(1, 10)}]) == 7
    assert len([ln for ln in EXCLUSION.splitlines() if ln[:2] in {f"{i}." for i in range(1, 10)}]) == 7
    assert eligibility.criteria == f"Inclusion Criteria:\n\n{INCLUSION}\n\nExclusion Criteria:\n\n{EXCLUSION}"
    assert split_criteria(eligibility.criteria) == (INCLUSION, EXCLUSION)
    assert eligibility.minimum_age == Age(Decimal(14), "YEARS")
    assert eligibility.maximum_age == Age(Decimal(60), "YEARS")
    assert eligibility.sex == "ALL"
    assert eligibility.healthy_volunteers is False

    assert trial.lead_sponsor == Organization("Hebei Medical University", "OTHER")
    assert trial.collaborators == ()
    party = trial.responsible_party
    assert party is not None
    assert (party.party_type, party.investigator_name, party.investigator_title) == (
        "PRINCIPAL_INVESTIGATOR",
        "Quanhai Li",
        "Director of Cell Thearpy Center, the First Hospital of HeibeiMU",
    )

    assert [(p.name, p.role, p.degrees) for p in trial.officials] == OFFICIALS
    assert {p.affiliation for p in trial.officials} == {"The First Hospital of Hebei Medical University"}
    assert [p.role for p in trial.officials].count("PRINCIPAL_INVESTIGATOR") == 8

    assert trial.sites == (
        Site(facility="the First Hospital of Hebei Medical University", city="Shijiazhuang", state="Hebei",
             country="China"),
    )
    assert trial.central_contacts == (
        PersonRole(name="Jun Zhang", role="CONTACT", degrees=("Master",), phone="86-311-85917384"),
    )
    assert trial.org_study_id == "17277787D-SLE"
    assert trial.secondary_ids == ()
    assert trial.outcomes == () and trial.references == ()


def test_seed_page_through_format_detection() -> None:
    assert detect_format(SEED.read_bytes()[:4096]) is SourceFormat.TRIAL_PAGE
    trial = read_one(SEED)
    assert trial.provenance.source_file == "NCT03219801.txt"
    assert trial == replace(_trial(SEED_TEXT), provenance=trial.provenance)


# --------------------------------------------------------------------------- a structurally richer page

GROUPS = """\
hUC-MSC plus conventional therapy

Patients receive stem cells on top of their usual treatment.

Group Type EXPERIMENTAL

mesenchymal stem cells

Intervention Type BIOLOGICAL

Intravenous infusion of 100-300 million allogeneic cells.

Repeated after 3 months.

Drug: conventional therapy

Intervention Type DRUG

Glucocorticoids and immunosuppressants as usual

Conventional therapy only

Group Type ACTIVE_COMPARATOR

conventional therapy

Intervention Type DRUG

Glucocorticoids and immunosuppressants as usual

"""

INTERVENTIONS = """\
mesenchymal stem cells

Intravenous infusion of 100-300 million allogeneic cells.

Repeated after 3 months.

Intervention Type BIOLOGICAL

conventional therapy

Glucocorticoids and immunosuppressants as usual

Intervention Type DRUG

"""

SPONSORS = """\
Hebei Medical University

OTHER

Sponsor Role lead

Hebei Provincial Department of Science and Technology

OTHER_GOV

Sponsor Role collaborator

"""

LOCATIONS = """\
the First Hospital of Hebei Medical University

Shijiazhuang, Hebei, China

Site Status

Peking Union Medical College Hospital

Beijing, China

Site Status

RECRUITING

Seoul National University Hospital

Seoul, Korea, Republic of

Site Status NOT_YET_RECRUITING

"""

CONTACTS = """\
Jun Zhang, Master

Role: CONTACT

86-311-85917384

Li Wang, MD

Role: CONTACT

+86 (311) 8591-7000

li.wang@example.org

"""

IDENTIFIERS = """\
17277787D-SLE

Identifier Type: -

Identifier Source: org_study_id

HB-2017-SLE-02

Identifier Type: OTHER

Identifier Source: secondary_id

"""


def _rich_page() -> str:
    text = SEED_TEXT.replace("Clinical Phase\n\nEARLY_PHASE1", "Clinical Phase\n\nPHASE1, PHASE2")
    text = text.replace("10 participants", "24 participants (ACTUAL)")
    text = text.replace(
        "Study Completion Date\n", "Primary Completion Date\n\n2019-12\n\nStudy Completion Date\n"
    )
    text = text.replace(
        "Systemic Lupus Erythematosus\n\nStudy Design",
        "Systemic Lupus Erythematosus\n\nLupus Nephritis\n\nStudy Design",
    )
    text = _between(text, _explanation("Study Groups"), "Interventions\n", GROUPS)
    text = _between(text, _explanation("Interventions"), "Eligibility Criteria\n", INTERVENTIONS)
    text = _between(text, _explanation("Sponsors"), "Responsible Party\n", SPONSORS)
    text = _between(text, _explanation("Locations"), "Countries\n", LOCATIONS)
    text = _between(text, _explanation("Central Contacts"), "Other Identifiers\n", CONTACTS)
    return _between(text, _explanation("Other Identifiers"), "More Related Trials\n", IDENTIFIERS)


def test_rich_page_structure() -> None:
    trial = _trial(_rich_page())
    assert trial.phases == ("PHASE1", "PHASE2")
    assert (trial.enrollment, trial.enrollment_actual) == (24, True)
    assert trial.primary_completion_date == PartialDate("2019-12", None)
    assert trial.completion_date == PartialDate("2019-12-30", None)
    assert trial.conditions == ("Systemic Lupus Erythematosus", "Lupus Nephritis")

    msc, usual = "mesenchymal stem cells", "conventional therapy"
    assert trial.arms == (
        Arm("hUC-MSC plus conventional therapy", "EXPERIMENTAL",
            "Patients receive stem cells on top of their usual treatment.", (msc, usual)),
        Arm("Conventional therapy only", "ACTIVE_COMPARATOR", None, (usual,)),
    )
    assert trial.interventions == (
        Intervention(msc, "BIOLOGICAL", "Intravenous infusion of 100-300 million allogeneic cells.\n\n"
                     "Repeated after 3 months.", arm_labels=("hUC-MSC plus conventional therapy",)),
        Intervention(usual, "DRUG", "Glucocorticoids and immunosuppressants as usual",
                     arm_labels=("hUC-MSC plus conventional therapy", "Conventional therapy only")),
    )

    assert trial.lead_sponsor == Organization("Hebei Medical University", "OTHER")
    assert trial.collaborators == (
        Organization("Hebei Provincial Department of Science and Technology", "OTHER_GOV"),
    )

    assert trial.sites == (
        Site(facility="the First Hospital of Hebei Medical University", city="Shijiazhuang", state="Hebei",
             country="China"),
        Site(facility="Peking Union Medical College Hospital", city="Beijing", country="China",
             status="RECRUITING"),
        Site(facility="Seoul National University Hospital", city="Seoul", country="Korea, Republic of",
             status="NOT_YET_RECRUITING"),
    )
    assert trial.central_contacts == (
        PersonRole(name="Jun Zhang", role="CONTACT", degrees=("Master",), phone="86-311-85917384"),
        PersonRole(name="Li Wang", role="CONTACT", degrees=("MD",), phone="+86 (311) 8591-7000",
                   email="li.wang@example.org"),
    )
    assert trial.org_study_id == "17277787D-SLE"
    assert trial.secondary_ids == (SecondaryId("HB-2017-SLE-02", "OTHER"),)
    # what the edits did not touch is read as on the seed page
    seed = _trial(SEED_TEXT)
    assert (trial.eligibility, trial.officials, trial.responsible_party) == (
        seed.eligibility, seed.officials, seed.responsible_party,
    )


def test_group_description_falls_back_without_interventions_section() -> None:
    """Without the Interventions section, the end of a group's last description is told by its prose."""
    groups = GROUPS.replace("as usual\n", "as usual.\n")
    text = _between(_rich_page(), _explanation("Study Groups"), "Interventions\n", groups)
    start = text.index(_explanation("Interventions"))
    text = text[:start] + text[text.index("Eligibility Criteria\n"):]
    assert "\nInterventions\n" not in text
    trial = _trial(text)
    assert [a.label for a in trial.arms] == ["hUC-MSC plus conventional therapy", "Conventional therapy only"]
    assert [(i.name, i.intervention_type, i.arm_labels) for i in trial.interventions] == [
        ("mesenchymal stem cells", "BIOLOGICAL", ("hUC-MSC plus conventional therapy",)),
        ("conventional therapy", "DRUG", ("hUC-MSC plus conventional therapy", "Conventional therapy only")),
    ]
    assert trial.interventions[1].description == "Glucocorticoids and immunosuppressants as usual."


# --------------------------------------------------------------------------- layout variations


def _without_blank_lines(text: str) -> str:
    return "\n".join(ln for ln in text.split("\n") if ln.strip())


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(_without_blank_lines, id="no-blank-lines"),
        pytest.param(lambda t: t.replace("\n\n", "\n\n\n  \n"), id="extra-blank-lines"),
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: "\ufeff" + t + "\n\n", id="bom-and-trailing-lines"),
    ],
)
@pytest.mark.parametrize("page", [SEED_TEXT, _rich_page()], ids=["seed", "rich"])
def test_blank_line_variations_read_the_same(page: str, variant: Callable[[str], str]) -> None:
    expected, got = _trial(page), _trial(variant(page))

    def squash(text: str | None) -> str:
        return " ".join((text or "").split())

    for trial in (expected, got):
        assert trial.eligibility is not None
    assert replace(got, eligibility=None, interventions=(), arms=()) == replace(
        expected, eligibility=None, interventions=(), arms=()
    )
    def interventions(trial: Trial) -> list[Intervention]:
        return [replace(i, description=squash(i.description)) for i in trial.interventions]

    assert interventions(got) == interventions(expected)
    assert [replace(a, description=squash(a.description)) for a in got.arms] == [
        replace(a, description=squash(a.description)) for a in expected.arms
    ]
    assert got.eligibility is not None and expected.eligibility is not None
    assert squash(got.eligibility.exclusion) == squash(expected.eligibility.exclusion)
    assert squash(got.eligibility.inclusion) == squash(expected.eligibility.inclusion)
    assert replace(got.eligibility, criteria=None, inclusion=None, exclusion=None) == replace(
        expected.eligibility, criteria=None, inclusion=None, exclusion=None
    )


def test_heading_words_inside_criteria_stay_criteria() -> None:
    fake = (
        "Sponsors\n\nPatients whose treatment is paid by an industry sponsor are not eligible.\n\n"
        "Conditions\n\nSee the medical conditions and disease areas that this research is targeting or "
        "investigating.\n\nLocations\n\nPatients must live near one of the study hospitals in Hebei."
    )
    text = SEED_TEXT.replace("7. Understanding and willingness", f"{fake}\n7. Understanding and willingness")
    trial, seed = _trial(text), _trial(SEED_TEXT)
    assert trial.eligibility is not None and trial.eligibility.inclusion is not None
    assert fake in trial.eligibility.inclusion
    assert trial.eligibility.exclusion == EXCLUSION
    assert replace(trial, eligibility=None) == replace(seed, eligibility=None)


def test_heading_word_as_last_criteria_line_with_known_section_following() -> None:
    text = SEED_TEXT.replace(
        "infectious period of diseases.\n",
        "infectious period of diseases.\nResponsible Party\nPatients who cannot name a responsible party "
        "for their care.\n",
    )
    trial = _trial(text)
    assert trial.eligibility is not None and trial.eligibility.exclusion is not None
    assert trial.eligibility.exclusion.endswith("responsible party for their care.")
    assert trial.responsible_party == _trial(SEED_TEXT).responsible_party


def test_unknown_sections_are_ignored() -> None:
    unknown = (
        "Study Documents\n\n"
        "Download the protocol and the consent forms the sponsor has shared for this study.\n\n"
        "Protocol, version 2\n\nInformed consent form\n\n"
    )
    text = SEED_TEXT.replace("Study Design\n", unknown + "Study Design\n")
    text = text.replace("Other Identifiers\n", unknown.replace("Study Documents", "Plain Language Summary") +
                        "Other Identifiers\n")
    trial = _trial(text)
    assert trial == _trial(SEED_TEXT)


def test_unknown_section_on_a_page_without_blank_lines() -> None:
    unknown = "Study Documents\nDownload the protocol and the consent forms the sponsor has shared.\nProtocol v2\n"
    text = _without_blank_lines(SEED_TEXT).replace("Other Identifiers\n", unknown + "Other Identifiers\n")
    assert _trial(text).central_contacts == _trial(SEED_TEXT).central_contacts


def test_groups_without_type_and_interventions_of_the_same_name() -> None:
    """Cohorts without a type ("Group Type" left empty); two interventions share a name."""
    groups = """Low dose

Group Type

tadalafil

Intervention Type DRUG

2.5 mg tadalafil tablet once a day

High dose

Patients who tolerated the low dose.

Group Type

tadalafil

Intervention Type DRUG

5 mg tadalafil tablet once a day

"""
    interventions = """tadalafil

2.5 mg tadalafil tablet once a day

Intervention Type DRUG

tadalafil

5 mg tadalafil tablet once a day

Intervention Type DRUG

"""
    text = _between(SEED_TEXT, _explanation("Study Groups"), "Interventions\n", groups)
    text = _between(text, _explanation("Interventions"), "Eligibility Criteria\n", interventions)
    trial = _trial(text)
    assert trial.arms == (
        Arm("Low dose", None, None, ("tadalafil",)),
        Arm("High dose", None, "Patients who tolerated the low dose.", ("tadalafil",)),
    )
    assert [(i.name, i.description, i.arm_labels) for i in trial.interventions] == [
        ("tadalafil", "2.5 mg tadalafil tablet once a day", ("Low dose",)),
        ("tadalafil", "5 mg tadalafil tablet once a day", ("High dose",)),
    ]


def test_groups_without_group_type_lines() -> None:
    """Cohorts of an observational page may have no "Group Type" line at all: label, then prose."""
    groups = (
        "SLE patients\n\nAdults with active systemic lupus erythematosus.\n\n"
        "Healthy controls\n\nAge-matched adults without autoimmune disease.\n\n"
    )
    text = _between(SEED_TEXT, _explanation("Study Groups"), "Interventions\n", groups)
    text = text.replace(_explanation("Interventions"), "").replace(
        "SLE patients in the treated group were given human umbilical cord derived mesenchymal stem cells by "
        "intravenous infusion and conventional therapy. There was only conventional treatment in the control "
        "group. All patients after treatment for 1, 3 and 6months were evaluated respectively the curative "
        "effect.\n\nIntervention Type BIOLOGICAL\n\n", "",
    ).replace("mesenchymal stem cells\n\nEligibility Criteria", "Eligibility Criteria")
    trial = _trial(text)
    assert trial.arms == (
        Arm("SLE patients", None, "Adults with active systemic lupus erythematosus."),
        Arm("Healthy controls", None, "Age-matched adults without autoimmune disease."),
    )
    assert trial.interventions == ()


def test_missing_sections_and_unknown_template_sentences() -> None:
    text = _between(SEED_TEXT, "\nDetailed Description\n", "Conditions\n", "\n")
    text = text.replace("\nDetailed Description\n", "\n")
    text = _between(text, "\nResponsible Party\n", "Principal Investigators\n", "\n").replace(
        "\nResponsible Party\n", "\n"
    )
    text = text.replace(
        "Meet the organizations funding or collaborating on the study and learn about their roles.",
        "These are the organisations that pay for the study or help to run it.",
    )
    text = text.replace(
        "See the medical conditions and disease areas that this research is targeting or investigating.",
        "The diseases this trial studies are listed below.",
    )
    trial = _trial(text)
    seed = _trial(SEED_TEXT)
    assert trial.detailed_description is None and trial.responsible_party is None
    assert replace(trial, detailed_description=seed.detailed_description,
                   responsible_party=seed.responsible_party) == seed


def test_keywords_collaborators_outcomes_and_references_sections() -> None:
    extra = (
        "Keywords\n\nFind the terms the sponsor used to describe this study.\n\nSLE\n\nstem cells\n\n"
        "Primary Outcomes\n\nSee the main measurements used to judge whether the treatment works.\n\n"
        "Complement levels (C3 and C4)\n\nTime Frame: 1, 3, 6 months\n\n"
        "Secondary Outcomes\n\nSee the other measurements the study team plans to collect.\n\n"
        "Erythrocyte sedimentation rate\n\nTime Frame: 1, 3, 6 months\n\nC-reactive protein\n\n"
    )
    text = SEED_TEXT.replace("Study Design\n", extra + "Study Design\n")
    text = text.replace(
        "Responsible Party\n",
        "Collaborators\n\nSee the organizations that help the lead sponsor to run the study.\n\n"
        "Hebei Provincial Department of Science and Technology\n\nOTHER_GOV\n\nResponsible Party\n",
    )
    text = text.replace(
        "More Related Trials\n",
        "References\n\nRead the publications the study team has listed for this trial.\n\n"
        "Li Q et al. Stem cells in lupus. Lupus. 2018.\n\nPMID: 12345678\n\nReference Type BACKGROUND\n\n"
        "More Related Trials\n",
    )
    trial = _trial(text)
    assert trial.keywords == ("SLE", "stem cells")
    assert trial.conditions == ("Systemic Lupus Erythematosus",)
    assert [(o.kind.value, o.measure, o.time_frame) for o in trial.outcomes] == [
        ("primary", "Complement levels (C3 and C4)", "1, 3, 6 months"),
        ("secondary", "Erythrocyte sedimentation rate", "1, 3, 6 months"),
        ("secondary", "C-reactive protein", None),
    ]
    assert trial.collaborators == (
        Organization("Hebei Provincial Department of Science and Technology", "OTHER_GOV"),
    )
    assert [(r.citation, r.pmid, r.reference_type) for r in trial.references] == [
        ("Li Q et al. Stem cells in lupus. Lupus. 2018.", "12345678", "BACKGROUND"),
    ]
    assert trial.allocation == "NA"  # the section after the inserted ones is intact


# --------------------------------------------------------------------------- bad input


def test_page_without_nct_id_is_rejected() -> None:
    rejection = _rejection(SEED_TEXT.replace("NCT ID: NCT03219801\n", ""))
    assert (rejection.file, rejection.record, rejection.field) == ("page.txt", "-", "nct_id")


def test_malformed_nct_id_is_rejected() -> None:
    rejection = _rejection(SEED_TEXT.replace("NCT ID: NCT03219801", "NCT ID: NCT0321"))
    assert (rejection.record, rejection.field) == ("-", "nct_id")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("Clinical Phase\n\nEARLY_PHASE1", "Clinical Phase\n\nPHASE9", "Clinical Phase"),
        ("Recruitment Status\n\nUNKNOWN", "Recruitment Status\n\nSOMETIMES", "Recruitment Status"),
        ("Total Enrollment\n\n10 participants", "Total Enrollment\n\nten or so", "Total Enrollment"),
        ("Study Start Date\n\n2017-08-01", "Study Start Date\n\nnext spring", "Study Start Date"),
        ("Last Updated: 2017-07-18", "Last Updated: yesterday", "Last Updated"),
        ("Group Type EXPERIMENTAL", "Group Type HOPEFUL", "Group Type"),
        ("Type BIOLOGICAL\n\nEligibility", "Type MAGIC\n\nEligibility", "Intervention Type"),
        ("Role: STUDY_CHAIR", "Role: BOSS", "Role"),
        ("Sponsor Role lead", "Sponsor Role patron", "Sponsor Role"),
        ("Volunteers\n\nNo", "Volunteers\n\nMaybe", "Accepts Healthy Volunteers"),
        ("Minimum Eligible Age\n\n14 Years", "Minimum Eligible Age\n\nfourteen", "Minimum Eligible Age"),
        ("Identifier Source: org_study_id", "Identifier Source: rumour", "Identifier Source"),
    ],
)
def test_bad_value_is_rejected_naming_the_label(old: str, new: str, field: str) -> None:
    assert old in SEED_TEXT
    rejection = _rejection(SEED_TEXT.replace(old, new))
    assert (rejection.file, rejection.record, rejection.field) == ("page.txt", "NCT03219801", field)
    assert rejection.message


def test_non_utf8_page_is_rejected() -> None:
    rejection = _rejection(SEED_TEXT.encode("utf-8").replace("≥".encode(), b"\xff\xfe"))
    assert (rejection.record, rejection.field) == ("-", "encoding")


@pytest.mark.parametrize("data", [b"", b"\n\n", b"NCT ID:\n", b"just some text\n"])
def test_empty_or_junk_pages_are_rejected_not_raised(data: bytes) -> None:
    assert _rejection(data).field == "nct_id"


def test_unreadable_source_is_rejected() -> None:
    def broken() -> io.BytesIO:
        raise OSError("disk on fire")

    (rejection,) = list(trial_page.read(Source("gone.txt", broken)))
    assert isinstance(rejection, Rejection) and rejection.field == "file"


# --------------------------------------------------------------------------- sniffing


def test_looks_like_trial_page() -> None:
    assert trial_page.looks_like_trial_page(SEED_TEXT[:4096])
    assert trial_page.looks_like_trial_page("\n\nSome Title\n\nNCT ID: NCT12345678\n")
    assert not trial_page.looks_like_trial_page(
        '{"protocolSection": {"identificationModule": {"nctId": "NCT03219801"}}}'
    )
    assert not trial_page.looks_like_trial_page(
        "<clinical_study>\n  <id_info>\n    <nct_id>NCT03219801</nct_id>\n  </id_info>\n</clinical_study>\n"
    )
    assert not trial_page.looks_like_trial_page("\n".join(["line"] * 12 + ["NCT ID: NCT03219801"]))
    assert not trial_page.looks_like_trial_page("NCT ID: NCT0321980")
