"""Coded values of the registry: their canonical codes, labels and spellings.

The registry's API v2 codes (``EARLY_PHASE1``, ``NOT_YET_RECRUITING`` ...) are
the canonical form. The legacy XML and the trial page spell the same values for
display ("Early Phase 1", "None (Open Label)", "Unknown status"); ``to_code``
turns any such spelling back into the code, so every reader yields the same
values. Each scheme becomes a SKOS concept scheme in the ontology.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["SCHEMES", "CodeScheme", "to_code"]


@dataclass(frozen=True, slots=True)
class CodeScheme:
    """A SKOS concept scheme: ``name`` is its IRI segment, ``codes`` maps code to label."""

    name: str
    label: str
    codes: dict[str, str]
    synonyms: dict[str, str]

    def code_for(self, text: str) -> str | None:
        """The code for a code or display spelling, or None when unknown."""
        key = _squash(text)
        if key in self._by_key:
            return self._by_key[key]
        return self.synonyms.get(key)

    @property
    def _by_key(self) -> dict[str, str]:
        return _KEYS[self.name]


def _squash(text: str) -> str:
    """Upper-case letters and digits only: "Non-Randomized" -> "NONRANDOMIZED"."""
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _scheme(name: str, label: str, codes: dict[str, str], synonyms: dict[str, str] | None = None) -> CodeScheme:
    return CodeScheme(name, label, codes, {_squash(k): v for k, v in (synonyms or {}).items()})


_STATUS = {
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "COMPLETED": "Completed",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "NOT_YET_RECRUITING": "Not yet recruiting",
    "RECRUITING": "Recruiting",
    "SUSPENDED": "Suspended",
    "TERMINATED": "Terminated",
    "WITHDRAWN": "Withdrawn",
    "AVAILABLE": "Available",
    "NO_LONGER_AVAILABLE": "No longer available",
    "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available",
    "APPROVED_FOR_MARKETING": "Approved for marketing",
    "WITHHELD": "Withheld",
    "UNKNOWN": "Unknown status",
}

SCHEMES: dict[str, CodeScheme] = {
    s.name: s
    for s in (
        _scheme("status", "Overall recruitment status", _STATUS, {"Unknown status": "UNKNOWN"}),
        _scheme("study-type", "Study type", {
            "INTERVENTIONAL": "Interventional",
            "OBSERVATIONAL": "Observational",
            "EXPANDED_ACCESS": "Expanded access",
            "NA": "Not applicable",
        }, {"N/A": "NA", "Observational [Patient Registry]": "OBSERVATIONAL", "Expanded Access": "EXPANDED_ACCESS"}),
        _scheme("phase", "Trial phase", {
            "NA": "Not applicable",
            "EARLY_PHASE1": "Early phase 1",
            "PHASE1": "Phase 1",
            "PHASE2": "Phase 2",
            "PHASE3": "Phase 3",
            "PHASE4": "Phase 4",
        }, {"N/A": "NA", "Phase 0": "EARLY_PHASE1"}),
        _scheme("allocation", "Allocation", {
            "RANDOMIZED": "Randomized",
            "NON_RANDOMIZED": "Non-randomized",
            "NA": "Not applicable",
        }, {"N/A": "NA", "Non-Randomized": "NON_RANDOMIZED"}),
        _scheme("intervention-model", "Intervention model", {
            "SINGLE_GROUP": "Single group assignment",
            "PARALLEL": "Parallel assignment",
            "CROSSOVER": "Crossover assignment",
            "FACTORIAL": "Factorial assignment",
            "SEQUENTIAL": "Sequential assignment",
        }, {
            "Single Group Assignment": "SINGLE_GROUP",
            "Parallel Assignment": "PARALLEL",
            "Crossover Assignment": "CROSSOVER",
            "Factorial Assignment": "FACTORIAL",
            "Sequential Assignment": "SEQUENTIAL",
        }),
        _scheme("observational-model", "Observational model", {
            "COHORT": "Cohort",
            "CASE_CONTROL": "Case-control",
            "CASE_ONLY": "Case-only",
            "CASE_CROSSOVER": "Case-crossover",
            "ECOLOGIC_OR_COMMUNITY": "Ecologic or community",
            "FAMILY_BASED": "Family-based",
            "DEFINED_POPULATION": "Defined population",
            "NATURAL_HISTORY": "Natural history",
            "OTHER": "Other",
        }, {"Ecologic or Community Study": "ECOLOGIC_OR_COMMUNITY", "Case Crossover": "CASE_CROSSOVER"}),
        _scheme("time-perspective", "Time perspective", {
            "RETROSPECTIVE": "Retrospective",
            "PROSPECTIVE": "Prospective",
            "CROSS_SECTIONAL": "Cross-sectional",
            "OTHER": "Other",
        }),
        _scheme("primary-purpose", "Primary purpose", {
            "TREATMENT": "Treatment",
            "PREVENTION": "Prevention",
            "DIAGNOSTIC": "Diagnostic",
            "ECT": "Educational/counseling/training",
            "SUPPORTIVE_CARE": "Supportive care",
            "SCREENING": "Screening",
            "HEALTH_SERVICES_RESEARCH": "Health services research",
            "BASIC_SCIENCE": "Basic science",
            "DEVICE_FEASIBILITY": "Device feasibility",
            "OTHER": "Other",
        }, {"Educational/Counseling/Training": "ECT"}),
        _scheme("masking", "Masking", {
            "NONE": "None (open label)",
            "SINGLE": "Single",
            "DOUBLE": "Double",
            "TRIPLE": "Triple",
            "QUADRUPLE": "Quadruple",
        }, {"None (Open Label)": "NONE", "Open Label": "NONE"}),
        _scheme("who-masked", "Masked party", {
            "PARTICIPANT": "Participant",
            "CARE_PROVIDER": "Care provider",
            "INVESTIGATOR": "Investigator",
            "OUTCOMES_ASSESSOR": "Outcomes assessor",
        }, {"Subject": "PARTICIPANT", "Caregiver": "CARE_PROVIDER"}),
        _scheme("arm-type", "Arm type", {
            "EXPERIMENTAL": "Experimental",
            "ACTIVE_COMPARATOR": "Active comparator",
            "PLACEBO_COMPARATOR": "Placebo comparator",
            "SHAM_COMPARATOR": "Sham comparator",
            "NO_INTERVENTION": "No intervention",
            "OTHER": "Other",
        }),
        _scheme("intervention-type", "Intervention type", {
            "BEHAVIORAL": "Behavioral",
            "BIOLOGICAL": "Biological",
            "COMBINATION_PRODUCT": "Combination product",
            "DEVICE": "Device",
            "DIAGNOSTIC_TEST": "Diagnostic test",
            "DIETARY_SUPPLEMENT": "Dietary supplement",
            "DRUG": "Drug",
            "GENETIC": "Genetic",
            "PROCEDURE": "Procedure",
            "RADIATION": "Radiation",
            "OTHER": "Other",
        }, {"Procedure/Surgery": "PROCEDURE", "Behavioural": "BEHAVIORAL"}),
        _scheme("role", "Role in a trial", {
            "STUDY_CHAIR": "Study chair",
            "STUDY_DIRECTOR": "Study director",
            "PRINCIPAL_INVESTIGATOR": "Principal investigator",
            "SUB_INVESTIGATOR": "Sub-investigator",
            "CONTACT": "Contact",
            "RESPONSIBLE_PARTY": "Responsible party investigator",
        }, {"Sub-Investigator": "SUB_INVESTIGATOR", "Subinvestigator": "SUB_INVESTIGATOR"}),
        _scheme("responsible-party-type", "Responsible party type", {
            "SPONSOR": "Sponsor",
            "PRINCIPAL_INVESTIGATOR": "Principal investigator",
            "SPONSOR_INVESTIGATOR": "Sponsor-investigator",
        }),
        _scheme("agency-class", "Sponsor class", {
            "NIH": "NIH",
            "FED": "U.S. federal agency",
            "OTHER_GOV": "Other government",
            "INDIV": "Individual",
            "INDUSTRY": "Industry",
            "NETWORK": "Network",
            "AMBIG": "Ambiguous",
            "OTHER": "Other",
            "UNKNOWN": "Unknown",
        }, {"U.S. Fed": "FED", "Other U.S. Federal agency": "FED"}),
        _scheme("sex", "Eligible sex", {"ALL": "All", "FEMALE": "Female", "MALE": "Male"}, {"Both": "ALL"}),
        _scheme("age-group", "Standard age group", {
            "CHILD": "Child", "ADULT": "Adult", "OLDER_ADULT": "Older adult",
        }),
        _scheme("recruitment-status", "Site recruitment status", {
            k: v for k, v in _STATUS.items()
            if k not in {"NO_LONGER_AVAILABLE", "TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING", "WITHHELD"}
        }),
        _scheme("reference-type", "Reference type", {
            "BACKGROUND": "Background", "RESULT": "Result", "DERIVED": "Derived",
        }, {"Results reference": "RESULT"}),
        _scheme("date-type", "Actual or estimated", {"ACTUAL": "Actual", "ESTIMATED": "Estimated"},
                {"Anticipated": "ESTIMATED", "Expected": "ESTIMATED", "Estimate": "ESTIMATED"}),
        _scheme("outcome-type", "Outcome type", {
            "PRIMARY": "Primary outcome", "SECONDARY": "Secondary outcome", "OTHER": "Other pre-specified outcome",
        }),
        _scheme("age-unit", "Age unit", {
            "YEARS": "Years", "MONTHS": "Months", "WEEKS": "Weeks", "DAYS": "Days",
            "HOURS": "Hours", "MINUTES": "Minutes",
        }, {"Year": "YEARS", "Month": "MONTHS", "Week": "WEEKS", "Day": "DAYS", "Hour": "HOURS",
            "Minute": "MINUTES"}),
        _scheme("source-format", "Record source format", {
            "ctgov-json": "ClinicalTrials.gov API v2 JSON",
            "ctgov-xml": "ClinicalTrials.gov legacy public XML",
            "trial-page": "Trial page text",
        }),
        _scheme("secondary-id-type", "Secondary identifier type", {
            "NIH": "NIH grant", "FDA": "FDA", "VA": "VA", "CDC": "CDC", "AHRQ": "AHRQ", "SAMHSA": "SAMHSA",
            "OTHER_GRANT": "Other grant/funding number", "EUDRACT_NUMBER": "EudraCT number",
            "CTIS": "EU CT number (CTIS)", "REGISTRY": "Registry identifier", "OTHER": "Other identifier",
        }),
    )
}

_KEYS: dict[str, dict[str, str]] = {
    name: {**{_squash(code): code for code in s.codes}, **{_squash(lbl): code for code, lbl in s.codes.items()}}
    for name, s in SCHEMES.items()
}


def to_code(scheme: str, text: str | None) -> str | None:
    """The canonical code of ``text`` in ``scheme``; None for empty text.

    Unknown spellings raise ``ValueError`` naming the scheme, so a reader can
    report the field instead of emitting a made-up concept.
    """
    if text is None:
        return None
    code = _cached_code(scheme, text)
    if code is None and text.strip():
        raise ValueError(f"unknown {SCHEMES[scheme].label.lower()} value {text.strip()!r}")
    return code


@lru_cache(maxsize=8192)
def _cached_code(scheme: str, text: str) -> str | None:
    """Registry values repeat endlessly: each spelling is looked up once."""
    stripped = text.strip()
    return SCHEMES[scheme].code_for(stripped) if stripped else None
