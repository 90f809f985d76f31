"""Reader of the legacy ClinicalTrials.gov public XML (root ``<clinical_study>``), one study per file.

Why a reader of its own: the legacy XML (the AllPublicXML bulk download, retired in 2024) holds
the same facts as API v2 JSON but spells them for display. Coded values read "Phase 1/Phase 2",
"None (Open Label)" or "Double (Participant, Investigator)"; dates are text ("July 2017");
names carry degrees inside ``last_name`` ("Baoyong Yan, Doctor"); interventions name their arms but
arms do not name their interventions; MeSH terms come without ids. This module undoes all of that
so a study read from XML yields the same ``Trial`` values as the same study read from JSON, which
is what lets the graphs of either format agree.

Parsing is safe (no entity expansion, no network) and each file yields exactly one ``Trial`` or
one ``Rejection``: nothing a file contains makes an exception escape. Elements are gathered in
one pass over each parent's children instead of a query per field, which keeps a typical record
well under a millisecond.

Legacy spellings handled beyond the 2019 schema: ``firstreceived_date`` (the old name of
``study_first_submitted``, as the files' own comments and values show), free-text masking such
as "Double Blind (Subject, Investigator)", the single-string ``<study_design>`` of the oldest
records, and the old responsible-party ``name_title``/``organization`` pair.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from lxml import etree

from kg.errors import Rejection
from kg.mesh import lookup_mesh_id
from kg.model import (
    Age,
    Arm,
    Eligibility,
    Intervention,
    MeshTerm,
    Organization,
    Outcome,
    OutcomeKind,
    PartialDate,
    PersonRole,
    Provenance,
    Reference,
    ResponsibleParty,
    SecondaryId,
    Site,
    SourceFormat,
    Trial,
)
from kg.readers.base import FieldError, check_nct_id
from kg.readers.sources import READ_ERRORS, Source, unreadable
from kg.text import clean, parse_age, parse_date, reflow, split_criteria, split_degrees
from kg.vocab import SCHEMES, to_code

__all__ = ["ROOT_TAG", "parse_xml", "read"]

ROOT_TAG = "clinical_study"

Element = etree._Element
Kids = dict[str, list[Element]]
"""An element's child elements by tag, in document order (comments left out)."""

_NO_KIDS: Kids = {}


def read(source: Source) -> Iterator[Trial | Rejection]:
    """The one study of an XML source file, or the ``Rejection`` that says why it cannot be read."""
    try:
        data = source.read()
    except READ_ERRORS as exc:
        yield unreadable(source.name, exc)
        return
    yield parse_xml(data, source.name)


_PARSERS = threading.local()


def _parser() -> etree.XMLParser:
    """This thread's XML parser, made once: a new parser per file costs a third of parsing a record.

    A parser must not be used by two threads at once, hence one per thread. External entities
    and network access stay off: a record is data, never a reason to fetch anything.
    """
    parser: etree.XMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return parser


def parse_xml(data: bytes, source_name: str) -> Trial | Rejection:
    """Build the ``Trial`` of one ``<clinical_study>`` document; every failure becomes a ``Rejection``."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or exc)
        if "line" not in message and exc.lineno:
            message = f"{message} (line {exc.lineno})"
        return Rejection(source_name, "-", "xml", f"invalid XML: {message}")
    if root.tag != ROOT_TAG:
        return Rejection(source_name, "-", "root", f"root element is <{root.tag}>, not <{ROOT_TAG}>")
    nct_id: str | None = None
    try:
        kids = _kids(root)
        nct_id = check_nct_id(_text(_kids(_first(kids, "id_info")), "nct_id"))
        return _trial(kids, nct_id, source_name)
    except FieldError as exc:
        return Rejection(source_name, nct_id or "-", exc.field, exc.message)
    except Exception as exc:  # a reader bug must cost one record, never the run
        return Rejection(
            source_name, nct_id or "-", "record", f"unreadable record ({type(exc).__name__}: {exc})"
        )


# --- element access ----------------------------------------------------------------------------


def _kids(element: Element | None) -> Kids:
    """Child elements of ``element`` grouped by tag, in one pass."""
    if element is None:
        return _NO_KIDS
    kids: Kids = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str):  # comments and processing instructions have no string tag
            group = kids.get(tag)
            if group is None:
                kids[tag] = [child]
            else:
                group.append(child)
    return kids


def _first(kids: Kids, tag: str) -> Element | None:
    group = kids.get(tag)
    return group[0] if group else None


def _text(kids: Kids, tag: str) -> str | None:
    """The cleaned text of the first ``tag`` child; None when absent or empty."""
    group = kids.get(tag)
    return clean(group[0].text) if group else None


def _leaves(element: Element) -> dict[object, str | None]:
    """Raw text of each child by tag, first occurrence winning: the cheap path for flat structs."""
    return {child.tag: child.text for child in element.iterchildren(reversed=True)}


def _texts(kids: Kids, tag: str) -> tuple[str, ...]:
    """The cleaned, non-empty texts of every ``tag`` child."""
    return tuple(t for el in kids.get(tag, ()) if (t := clean(el.text)))


def _textblock(kids: Kids, tag: str) -> str | None:
    """The dedented ``<tag><textblock>`` text."""
    block = _first(_kids(_first(kids, tag)), "textblock")
    return None if block is None else reflow(block.text)


@lru_cache(maxsize=4096)
def _cached_code(scheme: str, text: str) -> str | None:
    """``to_code`` remembered: a registry uses a few dozen spellings millions of times."""
    return to_code(scheme, text)


def _code(scheme: str, text: str | None, field: str) -> str | None:
    if text is None:
        return None
    try:
        return _cached_code(scheme, text)
    except ValueError as exc:
        raise FieldError(field, str(exc)) from None


def _codes(scheme: str, texts: Sequence[str], field: str) -> tuple[str, ...]:
    codes: list[str] = []
    for text in texts:
        code = _code(scheme, text, field)
        if code is not None and code not in codes:
            codes.append(code)
    return tuple(codes)


# --- dates ---------------------------------------------------------------------------------------


def _actual(element: Element, field: str) -> bool | None:
    """The ``type`` attribute: Actual -> True, Anticipated/Estimate -> False, absent -> None."""
    kind = element.get("type")
    if kind is None or not kind.strip():
        return None
    return _code("date-type", kind, field) == "ACTUAL"


_MONTH_NAMES = ("january", "february", "march", "april", "may", "june")
_MONTH_NAMES += ("july", "august", "september", "october", "november", "december")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_TEXT_DATE = re.compile(r"([A-Za-z]+) (?:(\d{1,2}), )?(\d{4})")


def _iso_date(text: str) -> str:
    """ISO date of a registry date: "July 10, 2017" -> "2017-07-10", "July 2017" -> "2017-07".

    The two spellings every XML file uses are read without ``strptime`` (about ten times faster);
    anything else goes to ``parse_date``, which gives the same answer or the error.
    """
    match = _TEXT_DATE.fullmatch(text)
    month = _MONTHS.get(match.group(1).lower()) if match else None
    if match is None or month is None:
        return parse_date(text) or text
    year, day = int(match.group(3)), match.group(2)
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, int(day)).isoformat()
    except ValueError:
        return parse_date(text) or text


def _date(kids: Kids, tag: str) -> PartialDate | None:
    element = _first(kids, tag)
    if element is None:
        return None
    text = clean(element.text)
    if text is None or text.lower() == "unknown":  # the schema allows "Unknown" for a date
        return None
    try:
        value = _iso_date(text)
    except ValueError as exc:
        raise FieldError(tag, str(exc)) from None
    return PartialDate(value, _actual(element, tag))


_DOWNLOAD_DATE = re.compile(r"processed this data on\s+(.+?)\s*\.?\s*$", re.IGNORECASE)


def _version_date(kids: Kids) -> str | None:
    """The snapshot date of ``required_header/download_date``; None when absent or unreadable."""
    text = _text(_kids(_first(kids, "required_header")), "download_date")
    match = _DOWNLOAD_DATE.search(text) if text else None
    if not match:
        return None
    try:
        return _iso_date(match.group(1))
    except ValueError:
        return None


# --- design --------------------------------------------------------------------------------------

_PHASE_SPLIT = re.compile(r"\s*/\s*(?=phase)", re.IGNORECASE)
_MASKING = re.compile(r"^(?P<level>[^(]*?)\s*(?:\((?P<who>[^)]*)\)?)?\s*$")
_BLIND = re.compile(r"[\s-]*(?:blind(?:ed)?|mask(?:ed|ing)?)\s*$", re.IGNORECASE)


def _phases(text: str | None) -> tuple[str, ...]:
    """ "Phase 1/Phase 2" -> ("PHASE1", "PHASE2"); "N/A" -> ("NA",)."""
    if not text:
        return ()
    return _codes("phase", _PHASE_SPLIT.split(text), "phase")


def _masking(text: str | None) -> tuple[str | None, tuple[str, ...]]:
    """Masking level and masked parties from any spelling the XML used.

    "Double (Participant, Investigator)" (2017 on), "Double Blind (Subject, Investigator)" and
    "Open Label" (older) all map; a part that maps to nothing is left out rather than guessed.
    """
    if not text:
        return None, ()
    scheme = SCHEMES["masking"]
    whole = scheme.code_for(text)
    if whole is not None:  # "None (Open Label)", "Open Label", "Double"
        return whole, ()
    match = _MASKING.match(text)
    if match is None:
        return None, ()
    level = _BLIND.sub("", match.group("level")).strip()
    code = scheme.code_for(level) if level else None
    who: list[str] = []
    for part in (match.group("who") or "").split(","):
        party = SCHEMES["who-masked"].code_for(part) if part.strip() else None
        if party is not None and party not in who:
            who.append(party)
    return code, tuple(who)


@dataclass(slots=True)
class _Design:
    """The study design fields, however the file spelled them."""

    allocation: str | None = None
    intervention_model: str | None = None
    observational_model: str | None = None
    time_perspective: str | None = None
    primary_purpose: str | None = None
    masking: str | None = None
    who_masked: tuple[str, ...] = ()


# code scheme -> _Design attribute, for the single-string legacy <study_design>
_DESIGN_SCHEMES = {
    "allocation": "allocation",
    "intervention-model": "intervention_model",
    "primary-purpose": "primary_purpose",
    "observational-model": "observational_model",
    "time-perspective": "time_perspective",
}
_DESIGN_LABELS = {
    "ALLOCATION": "allocation",
    "INTERVENTIONMODEL": "intervention-model",
    "PRIMARYPURPOSE": "primary-purpose",
    "OBSERVATIONALMODEL": "observational-model",
    "TIMEPERSPECTIVE": "time-perspective",
    "MASKING": "masking",
}


def _top_level_parts(text: str) -> list[str]:
    """Split at commas outside parentheses: "A, Double Blind (B, C), D" -> [A, Double Blind (B, C), D]."""
    parts: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _legacy_design(text: str) -> _Design:
    """The parts of an old single-string ``<study_design>`` that map to exactly one design field.

    "Treatment, Randomized, Double Blind (Subject, Investigator), Placebo Control, Parallel
    Assignment" gives primary purpose, allocation, masking and intervention model; parts such as
    "Placebo Control" or an unlabelled "Other" (purpose? model? perspective?) are left out.
    """
    design = _Design()
    for part in _top_level_parts(text):
        label, sep, value = part.partition(":")
        labelled = _DESIGN_LABELS.get(re.sub(r"[^A-Z]", "", label.upper())) if sep else None
        if labelled:
            candidates: Sequence[str] = (labelled,)
            part = value.strip()
        else:
            candidates = (*_DESIGN_SCHEMES, "masking")
        hits: dict[str, str] = {}
        for scheme in candidates:
            code = _masking(part)[0] if scheme == "masking" else SCHEMES[scheme].code_for(part)
            if code is not None:
                hits[scheme] = code
        if len(hits) != 1:
            continue
        scheme, code = next(iter(hits.items()))
        if scheme == "masking":
            if design.masking is None:
                design.masking, design.who_masked = code, _masking(part)[1]
        elif getattr(design, _DESIGN_SCHEMES[scheme]) is None:
            setattr(design, _DESIGN_SCHEMES[scheme], code)
    return design


def _design(kids: Kids) -> _Design:
    info = _first(kids, "study_design_info")
    if info is None:
        legacy = _text(kids, "study_design")
        return _legacy_design(legacy) if legacy else _Design()
    d = _kids(info)
    masking, who = _masking(_text(d, "masking"))
    return _Design(
        allocation=_code("allocation", _text(d, "allocation"), "study_design_info/allocation"),
        intervention_model=_code(
            "intervention-model", _text(d, "intervention_model"), "study_design_info/intervention_model"
        ),
        observational_model=_code(
            "observational-model", _text(d, "observational_model"), "study_design_info/observational_model"
        ),
        time_perspective=_code(
            "time-perspective", _text(d, "time_perspective"), "study_design_info/time_perspective"
        ),
        primary_purpose=_code(
            "primary-purpose", _text(d, "primary_purpose"), "study_design_info/primary_purpose"
        ),
        masking=masking,
        who_masked=who,
    )


def _enrollment(kids: Kids) -> tuple[int | None, bool | None]:
    element = _first(kids, "enrollment")
    text = None if element is None else clean(element.text)
    if element is None or text is None:
        return None, None
    try:
        count = int(text)
    except ValueError:
        raise FieldError("enrollment", f"not a whole number: {text!r}") from None
    if count < 0:
        raise FieldError("enrollment", f"negative enrollment: {text!r}")
    return count, _actual(element, "enrollment")


# --- people and places ---------------------------------------------------------------------------


def _person(element: Element, field: str, role: str | None = None) -> PersonRole | None:
    """A person from an ``investigator_struct`` or ``contact_struct`` element; None without a name.

    The registry put the whole name, degrees and all, into ``last_name``; ``first_name``,
    ``middle_name`` and ``degrees`` are read too when a file has them.
    """
    k = _kids(element)
    raw = " ".join(t for tag in ("first_name", "middle_name", "last_name") if (t := _text(k, tag)))
    if not raw:
        return None
    name, degrees = split_degrees(raw)
    extra = _text(k, "degrees")
    if extra:
        degrees = (*degrees, *(d.strip() for d in extra.split(",") if d.strip()))
    if role is None:
        role = _code("role", _text(k, "role"), f"{field}/role")
    phone, ext = _text(k, "phone"), _text(k, "phone_ext")
    if phone and ext:
        phone = f"{phone} ext. {ext}"
    return PersonRole(name or raw, role, _text(k, "affiliation"), degrees, phone, _text(k, "email"))


_SITE_PEOPLE = {"contact": "CONTACT", "contact_backup": "CONTACT", "investigator": None}


def _site(element: Element) -> Site:
    """One ``location``; walked by hand, since registry-scale files hold millions of them."""
    facility: dict[object, str | None] = {}
    address: dict[object, str | None] = {}
    status: str | None = None
    contacts: list[PersonRole] = []
    for child in element:  # document order: facility, status, contact, contact_backup, investigators
        tag = child.tag
        if tag == "facility":
            facility = _leaves(child)
            for part in child:
                if part.tag == "address":
                    address = _leaves(part)
                    break
        elif tag == "status":
            status = clean(child.text)
        elif isinstance(tag, str) and tag in _SITE_PEOPLE:
            person = _person(child, f"location/{tag}", _SITE_PEOPLE[tag])
            if person is not None:
                contacts.append(person)
    return Site(
        facility=clean(facility.get("name")),
        city=clean(address.get("city")),
        state=clean(address.get("state")),
        postal_code=clean(address.get("zip")),
        country=clean(address.get("country")),
        status=_code("recruitment-status", status, "location/status"),
        contacts=tuple(contacts),
    )


def _organization(element: Element | None, field: str) -> Organization | None:
    k = _kids(element)
    name = _text(k, "agency")
    if not name:
        return None
    return Organization(name, _code("agency-class", _text(k, "agency_class"), f"{field}/agency_class"))


def _responsible_party(element: Element | None) -> ResponsibleParty | None:
    """New style (type, investigator_*) or old style (``name_title``, ``organization``).

    The old ``name_title`` holds a name or a title ("Group Chair") with nothing to tell which,
    so it is kept as the title; ``organization`` is the affiliation.
    """
    if element is None:
        return None
    k = _kids(element)
    full_name = _text(k, "investigator_full_name")
    name, degrees = split_degrees(full_name) if full_name else (None, ())
    party = ResponsibleParty(
        party_type=_code(
            "responsible-party-type",
            _text(k, "responsible_party_type"),
            "responsible_party/responsible_party_type",
        ),
        investigator_name=name or full_name,
        investigator_degrees=degrees,
        investigator_title=_text(k, "investigator_title") or _text(k, "name_title"),
        investigator_affiliation=_text(k, "investigator_affiliation") or _text(k, "organization"),
    )
    return None if party == ResponsibleParty() else party


# --- eligibility, outcomes, references -----------------------------------------------------------

_HEALTHY = {
    "YES": True,
    "ACCEPTSHEALTHYVOLUNTEERS": True,
    "NO": False,
    "DOESNOTACCEPTHEALTHYVOLUNTEERS": False,
}


def _age(kids: Kids, tag: str) -> Age | None:
    try:
        return parse_age(_text(kids, tag))
    except ValueError as exc:
        raise FieldError(f"eligibility/{tag}", str(exc)) from None


def _eligibility(element: Element | None) -> Eligibility | None:
    if element is None:
        return None
    k = _kids(element)
    criteria = _textblock(k, "criteria")
    inclusion, exclusion = split_criteria(criteria)
    healthy_text = _text(k, "healthy_volunteers")
    healthy: bool | None = None
    if healthy_text:
        key = re.sub(r"[^A-Z]", "", healthy_text.upper())
        if key not in _HEALTHY:
            raise FieldError(
                "eligibility/healthy_volunteers", f"unknown healthy volunteers value {healthy_text!r}"
            )
        healthy = _HEALTHY[key]
    return Eligibility(
        criteria=criteria,
        inclusion=inclusion,
        exclusion=exclusion,
        minimum_age=_age(k, "minimum_age"),
        maximum_age=_age(k, "maximum_age"),
        sex=_code("sex", _text(k, "gender"), "eligibility/gender"),
        healthy_volunteers=healthy,
        study_population=_textblock(k, "study_pop"),
    )


_OUTCOME_TAGS = (
    ("primary_outcome", OutcomeKind.PRIMARY),
    ("secondary_outcome", OutcomeKind.SECONDARY),
    ("other_outcome", OutcomeKind.OTHER),
)


def _outcomes(kids: Kids) -> tuple[Outcome, ...]:
    outcomes: list[Outcome] = []
    for tag, kind in _OUTCOME_TAGS:
        for element in kids.get(tag, ()):
            k = _kids(element)
            measure = _text(k, "measure")
            if measure:
                outcomes.append(Outcome(kind, measure, _text(k, "time_frame"), _text(k, "description")))
    return tuple(outcomes)


def _references(kids: Kids) -> tuple[Reference, ...]:
    references: list[Reference] = []
    for tag, kind in (("reference", "BACKGROUND"), ("results_reference", "RESULT")):
        for element in kids.get(tag, ()):
            k = _kids(element)
            citation, pmid = _text(k, "citation"), _text(k, "PMID")
            if pmid is not None and not pmid.isdigit():
                raise FieldError(f"{tag}/PMID", f"not a PubMed id: {pmid!r}")
            if citation or pmid:
                references.append(Reference(citation, pmid, kind))
    return tuple(references)


def _meshes(kids: Kids, tag: str) -> tuple[MeshTerm, ...]:
    """MeSH terms of a browse element; the XML names terms only, so ids come from the lexicon."""
    return tuple(
        MeshTerm(term, lookup_mesh_id(term)) for term in _texts(_kids(_first(kids, tag)), "mesh_term")
    )


# --- the study -----------------------------------------------------------------------------------


def _interventions(kids: Kids) -> tuple[Intervention, ...]:
    interventions: list[Intervention] = []
    for element in kids.get("intervention", ()):
        k = _kids(element)
        name = _text(k, "intervention_name")
        if not name:
            continue
        interventions.append(
            Intervention(
                name=name,
                intervention_type=_code(
                    "intervention-type", _text(k, "intervention_type"), "intervention/intervention_type"
                ),
                description=_text(k, "description"),
                other_names=_texts(k, "other_name"),
                arm_labels=_texts(k, "arm_group_label"),
            )
        )
    return tuple(interventions)


def _arms(kids: Kids, interventions: tuple[Intervention, ...]) -> tuple[Arm, ...]:
    """Arms, each with the interventions that name it (the XML links only intervention -> arm)."""
    names_by_label: dict[str, list[str]] = {}
    for intervention in interventions:
        for label in dict.fromkeys(intervention.arm_labels):
            names_by_label.setdefault(label, []).append(intervention.name)
    arms: list[Arm] = []
    for element in kids.get("arm_group", ()):
        k = _kids(element)
        label = _text(k, "arm_group_label")
        if not label:
            continue
        arms.append(
            Arm(
                label=label,
                arm_type=_code("arm-type", _text(k, "arm_group_type"), "arm_group/arm_group_type"),
                description=_text(k, "description"),
                intervention_names=tuple(names_by_label.get(label, ())),
            )
        )
    return tuple(arms)


def _central_contacts(kids: Kids) -> tuple[PersonRole, ...]:
    contacts: list[PersonRole] = []
    for tag, role in (("overall_contact", "CONTACT"), ("overall_contact_backup", "CONTACT")):
        for element in kids.get(tag, ()):
            person = _person(element, tag, role)
            if person is not None:
                contacts.append(person)
    return tuple(contacts)


def _trial(kids: Kids, nct_id: str, source_name: str) -> Trial:
    ids = _kids(_first(kids, "id_info"))
    sponsors = _kids(_first(kids, "sponsors"))
    design = _design(kids)
    enrollment, enrollment_actual = _enrollment(kids)
    interventions = _interventions(kids)
    return Trial(
        nct_id=nct_id,
        provenance=Provenance(SourceFormat.CTGOV_XML, source_name, _version_date(kids)),
        org_study_id=_text(ids, "org_study_id"),
        secondary_ids=tuple(SecondaryId(i) for i in _texts(ids, "secondary_id")),
        nct_aliases=_texts(ids, "nct_alias"),
        brief_title=_text(kids, "brief_title"),
        official_title=_text(kids, "official_title"),
        acronym=_text(kids, "acronym"),
        brief_summary=_textblock(kids, "brief_summary"),
        detailed_description=_textblock(kids, "detailed_description"),
        overall_status=_code("status", _text(kids, "overall_status"), "overall_status"),
        last_known_status=_code("status", _text(kids, "last_known_status"), "last_known_status"),
        why_stopped=_text(kids, "why_stopped"),
        start_date=_date(kids, "start_date"),
        primary_completion_date=_date(kids, "primary_completion_date"),
        completion_date=_date(kids, "completion_date"),
        first_submitted=_date(kids, "study_first_submitted") or _date(kids, "firstreceived_date"),
        first_posted=_date(kids, "study_first_posted"),
        last_update_posted=_date(kids, "last_update_posted"),
        status_verified=_date(kids, "verification_date"),
        phases=_phases(_text(kids, "phase")),
        study_type=_code("study-type", _text(kids, "study_type"), "study_type"),
        allocation=design.allocation,
        intervention_model=design.intervention_model,
        observational_model=design.observational_model,
        time_perspective=design.time_perspective,
        primary_purpose=design.primary_purpose,
        masking=design.masking,
        who_masked=design.who_masked,
        enrollment=enrollment,
        enrollment_actual=enrollment_actual,
        keywords=_texts(kids, "keyword"),
        conditions=_texts(kids, "condition"),
        condition_meshes=_meshes(kids, "condition_browse"),
        intervention_meshes=_meshes(kids, "intervention_browse"),
        interventions=interventions,
        arms=_arms(kids, interventions),
        lead_sponsor=_organization(_first(sponsors, "lead_sponsor"), "sponsors/lead_sponsor"),
        collaborators=tuple(
            o for el in sponsors.get("collaborator", ()) if (o := _organization(el, "sponsors/collaborator"))
        ),
        responsible_party=_responsible_party(_first(kids, "responsible_party")),
        officials=tuple(
            p for el in kids.get("overall_official", ()) if (p := _person(el, "overall_official")) is not None
        ),
        central_contacts=_central_contacts(kids),
        sites=tuple(_site(el) for el in kids.get("location", ())),
        eligibility=_eligibility(_first(kids, "eligibility")),
        outcomes=_outcomes(kids),
        references=_references(kids),
        has_results="clinical_results" in kids,
    )
