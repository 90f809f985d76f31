"""The one typed record model every reader produces and the mapping consumes.

Readers for API v2 JSON, legacy XML and trial page text all fill these classes,
so that one mapping turns any of them into the same triples. Coded values are
held as the registry's API v2 codes (``PHASE1``, ``NOT_YET_RECRUITING`` ...)
whatever the input spelled, which is what makes the graphs of the same trial
from different formats agree.

Every class is a frozen dataclass: records are values, never mutated after a
reader has built them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

__all__ = [
    "Age",
    "Arm",
    "Eligibility",
    "Intervention",
    "MeshTerm",
    "Organization",
    "Outcome",
    "OutcomeKind",
    "PartialDate",
    "PersonRole",
    "Provenance",
    "Reference",
    "ResponsibleParty",
    "SecondaryId",
    "Site",
    "SourceFormat",
    "Trial",
]


class SourceFormat(str, Enum):
    """The record formats the readers understand."""

    CTGOV_JSON = "ctgov-json"
    CTGOV_XML = "ctgov-xml"
    TRIAL_PAGE = "trial-page"


class OutcomeKind(str, Enum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A registry date at the precision the registry gave it.

    ``value`` is ISO 8601 ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: "2019-12"
    stays a year-month and never gains a made-up day. ``actual`` is True for an
    actual date, False for an anticipated/estimated one, None when not stated.
    """

    value: str
    actual: bool | None = None


@dataclass(frozen=True, slots=True)
class Age:
    """An eligibility age limit, e.g. 14 YEARS; unit is an API v2 style code."""

    value: Decimal
    unit: str


@dataclass(frozen=True, slots=True)
class MeshTerm:
    """A MeSH descriptor: its id (``D012345``) when known, and its term."""

    term: str
    mesh_id: str | None = None


@dataclass(frozen=True, slots=True)
class Organization:
    name: str
    org_class: str | None = None


@dataclass(frozen=True, slots=True)
class PersonRole:
    """A person acting in one trial: official, central contact or site contact.

    ``name`` is the person's name with degrees removed; ``degrees`` keeps
    what was removed ("MD", "PhD") so that nothing of the source is lost.
    """

    name: str
    role: str | None = None
    affiliation: str | None = None
    degrees: tuple[str, ...] = ()
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class ResponsibleParty:
    party_type: str | None = None
    investigator_name: str | None = None
    investigator_degrees: tuple[str, ...] = ()
    investigator_title: str | None = None
    investigator_affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class Site:
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    status: str | None = None
    contacts: tuple[PersonRole, ...] = ()


@dataclass(frozen=True, slots=True)
class Arm:
    label: str
    arm_type: str | None = None
    description: str | None = None
    intervention_names: tuple[str, ...] = ()
    """Names of the interventions this arm receives, without the "Drug: " type prefix."""


@dataclass(frozen=True, slots=True)
class Intervention:
    name: str
    intervention_type: str | None = None
    description: str | None = None
    other_names: tuple[str, ...] = ()
    arm_labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: OutcomeKind
    measure: str
    time_frame: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Eligibility:
    criteria: str | None = None
    inclusion: str | None = None
    exclusion: str | None = None
    minimum_age: Age | None = None
    maximum_age: Age | None = None
    sex: str | None = None
    healthy_volunteers: bool | None = None
    age_groups: tuple[str, ...] = ()
    study_population: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    citation: str | None = None
    pmid: str | None = None
    reference_type: str | None = None


@dataclass(frozen=True, slots=True)
class SecondaryId:
    identifier: str
    id_type: str | None = None
    domain: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record came from, without any wall-clock time.

    ``source_file`` is the file name (and archive member) as read, never an
    absolute path, so that the same input yields the same triples on any machine.
    ``version_date`` is the registry's own snapshot date of the record.
    """

    source_format: SourceFormat
    source_file: str
    version_date: str | None = None


@dataclass(frozen=True, slots=True)
class Trial:
    """One registered study, as every reader produces it."""

    nct_id: str
    provenance: Provenance
    org_study_id: str | None = None
    secondary_ids: tuple[SecondaryId, ...] = ()
    nct_aliases: tuple[str, ...] = ()
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    brief_summary: str | None = None
    detailed_description: str | None = None
    overall_status: str | None = None
    last_known_status: str | None = None
    why_stopped: str | None = None
    start_date: PartialDate | None = None
    primary_completion_date: PartialDate | None = None
    completion_date: PartialDate | None = None
    first_submitted: PartialDate | None = None
    first_posted: PartialDate | None = None
    last_update_posted: PartialDate | None = None
    status_verified: PartialDate | None = None
    phases: tuple[str, ...] = ()
    study_type: str | None = None
    allocation: str | None = None
    intervention_model: str | None = None
    observational_model: str | None = None
    time_perspective: str | None = None
    primary_purpose: str | None = None
    masking: str | None = None
    who_masked: tuple[str, ...] = ()
    enrollment: int | None = None
    enrollment_actual: bool | None = None
    keywords: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    condition_meshes: tuple[MeshTerm, ...] = ()
    condition_mesh_ancestors: tuple[MeshTerm, ...] = ()
    intervention_meshes: tuple[MeshTerm, ...] = ()
    intervention_mesh_ancestors: tuple[MeshTerm, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    arms: tuple[Arm, ...] = ()
    lead_sponsor: Organization | None = None
    collaborators: tuple[Organization, ...] = ()
    responsible_party: ResponsibleParty | None = None
    officials: tuple[PersonRole, ...] = ()
    central_contacts: tuple[PersonRole, ...] = ()
    sites: tuple[Site, ...] = ()
    eligibility: Eligibility | None = None
    outcomes: tuple[Outcome, ...] = field(default=())
    references: tuple[Reference, ...] = ()
    has_results: bool | None = None
