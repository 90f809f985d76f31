"""Reader of ClinicalTrials.gov API v2 JSON, in every shape the registry serves it.

A file may hold one study object, a ``{"studies": [...]}`` page, or JSON Lines
(one study per line). Small files are parsed whole with the standard library
(fastest); page files larger than ``STREAM_THRESHOLD`` are streamed study by
study with ijson so memory does not grow with the file. Unknown keys (such as
``locations_nested`` in mid-2023 downloads) are ignored, and Markdown
backslash escapes in text are undone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from kg.errors import Rejection
from kg.mesh import canonical_mesh_id
from kg.model import (
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
from kg.readers.sources import Source
from kg.text import clean, parse_age, parse_date, split_criteria, split_degrees
from kg.vocab import to_code

__all__ = ["STREAM_THRESHOLD", "parse_study", "read"]

STREAM_THRESHOLD = 64 * 1024 * 1024
"""Files above this size are streamed with ijson instead of parsed whole."""

Json = Mapping[str, Any]


def read(source: Source, *, stream_threshold: int = STREAM_THRESHOLD) -> Iterator[Trial | Rejection]:
    """Every study in one JSON source: single object, page, or JSON Lines."""
    with source.open() as stream:
        head = stream.read(stream_threshold + 1)
        if len(head) > stream_threshold:
            yield from _read_streamed(source)
            return
    yield from _read_whole(source, head)


def _loads(data: bytes) -> Any:
    """The parsed JSON of ``data``: orjson where it accepts the text, the standard parser otherwise.

    orjson parses a record in about half the time. It refuses a byte-order mark, NaN,
    infinities and lone surrogates, which the standard parser accepts, and gives other
    messages for broken JSON; every text it refuses goes to the standard parser, so what
    is accepted, and every error message, stays the standard parser's. One difference
    remains: orjson reads an integer beyond 64 bits as a float (no registry number is).
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def _read_whole(source: Source, data: bytes) -> Iterator[Trial | Rejection]:
    try:
        document = _loads(data)
    except json.JSONDecodeError as whole_error:
        if _looks_like_json_lines(data):
            yield from _read_lines(source, data)
        else:
            yield Rejection(source.name, "-", "json", f"invalid JSON: {whole_error}")
        return
    except UnicodeDecodeError as exc:
        yield Rejection(source.name, "-", "encoding", f"not UTF-8 text ({exc.reason})")
        return
    yield from _studies_of(source, document)


def _looks_like_json_lines(data: bytes) -> bool:
    lines = [ln for ln in data.splitlines()[:2] if ln.strip()]
    if not lines:
        return False
    try:
        return isinstance(json.loads(lines[0]), dict) and len(data.splitlines()) > 1
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False


def _read_lines(source: Source, data: bytes) -> Iterator[Trial | Rejection]:
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = _loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield Rejection(source.name, f"line {number}", "json", f"invalid JSON: {exc}")
            continue
        yield from _studies_of(source, document, position=f"line {number}")


def _read_streamed(source: Source) -> Iterator[Trial | Rejection]:
    import ijson  # only large pages need the streaming parser

    index = 0
    with source.open() as stream:
        try:
            for index, study in enumerate(ijson.items(stream, "studies.item", use_float=True), start=1):
                yield _convert(source, study, f"#{index}")
        except ijson.JSONError as exc:
            yield Rejection(source.name, f"after #{index}", "json", f"invalid JSON: {exc}")


def _studies_of(source: Source, document: Any, position: str | None = None) -> Iterator[Trial | Rejection]:
    if isinstance(document, dict) and isinstance(document.get("studies"), list):
        for index, study in enumerate(document["studies"], start=1):
            where = f"{position} #{index}" if position else f"#{index}"
            yield _convert(source, study, where)
    elif isinstance(document, list):
        for index, study in enumerate(document, start=1):
            yield _convert(source, study, f"#{index}")
    else:
        yield _convert(source, document, position or "#1")


def _convert(source: Source, study: Any, position: str) -> Trial | Rejection:
    nct_id: str | None = None
    try:
        if not isinstance(study, dict) or "protocolSection" not in study:
            raise FieldError("protocolSection", "not an API v2 study object (no protocolSection)")
        nct_id = check_nct_id(_get(study, "protocolSection", "identificationModule", "nctId"))
        return parse_study(study, source.name, nct_id=nct_id)
    except FieldError as exc:
        return Rejection(source.name, nct_id or position, exc.field, exc.message)


def _get(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _list(node: Any, *path: str) -> list[Any]:
    value = _get(node, *path)
    return value if isinstance(value, list) else []


def _text(node: Any, *path: str) -> str | None:
    value = _get(node, *path)
    return clean(value, markdown=True) if isinstance(value, str) else None


def _code(scheme: str, node: Any, *path: str) -> str | None:
    try:
        return to_code(scheme, _get(node, *path))
    except ValueError as exc:
        raise FieldError(".".join(path), str(exc)) from None


def _date(node: Any, field: str) -> PartialDate | None:
    struct = node.get(field) if isinstance(node, dict) else None
    if isinstance(struct, str):
        struct = {"date": struct}
    if not isinstance(struct, dict) or not struct.get("date"):
        return None
    try:
        value = parse_date(struct["date"])
    except ValueError as exc:
        raise FieldError(f"statusModule.{field}", str(exc)) from None
    assert value is not None
    kind = struct.get("type")
    return PartialDate(value, None if kind is None else kind == "ACTUAL")


def _mesh_terms(items: list[Any], field: str) -> tuple[MeshTerm, ...]:
    terms = []
    for item in items:
        try:
            terms.append(MeshTerm(item["term"], canonical_mesh_id(item["id"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise FieldError(field, f"bad MeSH entry {item!r} ({exc})") from None
    return tuple(terms)


def _person(raw: Any, role: str | None, field: str, *, affiliation: str | None = None) -> PersonRole | None:
    name = _text(raw, "name")
    if not name:
        return None
    plain, degrees = split_degrees(name)
    phone = _text(raw, "phone")
    if phone and _text(raw, "phoneExt"):
        phone = f"{phone} ext. {_text(raw, 'phoneExt')}"
    try:
        role_code = to_code("role", role)
    except ValueError as exc:
        raise FieldError(field, str(exc)) from None
    return PersonRole(plain or name, role_code, affiliation, degrees, phone, _text(raw, "email"))


def _organization(raw: Any, field: str) -> Organization | None:
    name = _text(raw, "name")
    if not name:
        return None
    try:
        return Organization(name, to_code("agency-class", _get(raw, "class")))
    except ValueError as exc:
        raise FieldError(field, str(exc)) from None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _site(raw: Any, index: int) -> Site:
    field = f"contactsLocationsModule.locations[{index}]"
    contacts = tuple(
        p for c in _list(raw, "contacts") if (p := _person(c, _get(c, "role"), f"{field}.contacts")) is not None
    )
    try:
        status = to_code("recruitment-status", _get(raw, "status"))
    except ValueError as exc:
        raise FieldError(f"{field}.status", str(exc)) from None
    return Site(
        facility=_text(raw, "facility"),
        city=_text(raw, "city"),
        state=_text(raw, "state"),
        postal_code=_text(raw, "zip"),
        country=_text(raw, "country"),
        latitude=_float(_get(raw, "geoPoint", "lat")),
        longitude=_float(_get(raw, "geoPoint", "lon")),
        status=status,
        contacts=contacts,
    )


def _strip_type_prefix(name: str) -> str:
    """Arm groups list interventions as "Drug: Aspirin"; the intervention itself is "Aspirin"."""
    head, sep, rest = name.partition(": ")
    if sep and to_code_or_none("intervention-type", head):
        return rest.strip()
    return name.strip()


def to_code_or_none(scheme: str, text: str) -> str | None:
    try:
        return to_code(scheme, text)
    except ValueError:
        return None


def _outcomes(module: Any) -> tuple[Outcome, ...]:
    outcomes = []
    for key, kind in (
        ("primaryOutcomes", OutcomeKind.PRIMARY),
        ("secondaryOutcomes", OutcomeKind.SECONDARY),
        ("otherOutcomes", OutcomeKind.OTHER),
    ):
        for raw in _list(module, key):
            measure = _text(raw, "measure")
            if measure:
                outcomes.append(Outcome(kind, measure, _text(raw, "timeFrame"), _text(raw, "description")))
    return tuple(outcomes)


def _eligibility(module: Any) -> Eligibility | None:
    if not isinstance(module, dict):
        return None
    criteria = _text(module, "eligibilityCriteria")
    inclusion, exclusion = split_criteria(criteria)
    try:
        minimum, maximum = parse_age(_get(module, "minimumAge")), parse_age(_get(module, "maximumAge"))
    except ValueError as exc:
        raise FieldError("eligibilityModule.minimumAge/maximumAge", str(exc)) from None
    healthy = _get(module, "healthyVolunteers")
    return Eligibility(
        criteria=criteria,
        inclusion=inclusion,
        exclusion=exclusion,
        minimum_age=minimum,
        maximum_age=maximum,
        sex=_code("sex", module, "sex"),
        healthy_volunteers=healthy if isinstance(healthy, bool) else None,
        age_groups=tuple(c for a in _list(module, "stdAges") if (c := _code_value("age-group", a, "stdAges"))),
        study_population=_text(module, "studyPopulation"),
    )


def _code_value(scheme: str, value: Any, field: str) -> str | None:
    try:
        return to_code(scheme, value)
    except ValueError as exc:
        raise FieldError(field, str(exc)) from None


def _responsible_party(raw: Any) -> ResponsibleParty | None:
    if not isinstance(raw, dict):
        return None
    name = _text(raw, "investigatorFullName")
    plain, degrees = split_degrees(name) if name else (None, ())
    return ResponsibleParty(
        party_type=_code("responsible-party-type", raw, "type"),
        investigator_name=plain or name,
        investigator_degrees=degrees,
        investigator_title=_text(raw, "investigatorTitle"),
        investigator_affiliation=_text(raw, "investigatorAffiliation"),
    )


def parse_study(study: Json, source_name: str, *, nct_id: str | None = None) -> Trial:
    """Build a ``Trial`` from one API v2 study object; raises ``FieldError`` on a bad field."""
    protocol = study.get("protocolSection") or {}
    derived = study.get("derivedSection") or {}
    ident = protocol.get("identificationModule") or {}
    status = protocol.get("statusModule") or {}
    sponsors = protocol.get("sponsorCollaboratorsModule") or {}
    design = protocol.get("designModule") or {}
    design_info = design.get("designInfo") or {}
    arms_module = protocol.get("armsInterventionsModule") or {}
    contacts = protocol.get("contactsLocationsModule") or {}
    nct_id = nct_id or check_nct_id(ident.get("nctId"))

    interventions = tuple(
        Intervention(
            name=name,
            intervention_type=_code("intervention-type", raw, "type"),
            description=_text(raw, "description"),
            other_names=tuple(n for x in _list(raw, "otherNames") if (n := clean(x, markdown=True))),
            arm_labels=tuple(n for x in _list(raw, "armGroupLabels") if (n := clean(x, markdown=True))),
        )
        for raw in _list(arms_module, "interventions")
        if (name := _text(raw, "name"))
    )
    arms = tuple(
        Arm(
            label=label,
            arm_type=_code("arm-type", raw, "type"),
            description=_text(raw, "description"),
            intervention_names=tuple(
                _strip_type_prefix(n) for x in _list(raw, "interventionNames") if (n := clean(x, markdown=True))
            ),
        )
        for raw in _list(arms_module, "armGroups")
        if (label := _text(raw, "label"))
    )
    masking = design_info.get("maskingInfo") or {}
    enrollment = design.get("enrollmentInfo") or {}
    count = enrollment.get("count")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
        raise FieldError("designModule.enrollmentInfo.count", f"not a whole number: {count!r}")
    version = _get(derived, "miscInfoModule", "versionHolder")
    try:
        version_date = parse_date(version) if isinstance(version, str) else None
    except ValueError as exc:
        raise FieldError("derivedSection.miscInfoModule.versionHolder", str(exc)) from None

    return Trial(
        nct_id=nct_id,
        provenance=Provenance(SourceFormat.CTGOV_JSON, source_name, version_date),
        org_study_id=_text(ident, "orgStudyIdInfo", "id"),
        secondary_ids=tuple(
            SecondaryId(i, _code("secondary-id-type", raw, "type"), _text(raw, "domain"))
            for raw in _list(ident, "secondaryIdInfos")
            if (i := _text(raw, "id"))
        ),
        nct_aliases=tuple(a.strip() for a in _list(ident, "nctIdAliases") if isinstance(a, str)),
        brief_title=_text(ident, "briefTitle"),
        official_title=_text(ident, "officialTitle"),
        acronym=_text(ident, "acronym"),
        brief_summary=_text(protocol, "descriptionModule", "briefSummary"),
        detailed_description=_text(protocol, "descriptionModule", "detailedDescription"),
        overall_status=_code("status", status, "overallStatus"),
        last_known_status=_code("status", status, "lastKnownStatus"),
        why_stopped=_text(status, "whyStopped"),
        start_date=_date(status, "startDateStruct"),
        primary_completion_date=_date(status, "primaryCompletionDateStruct"),
        completion_date=_date(status, "completionDateStruct"),
        first_submitted=_date(status, "studyFirstSubmitDate"),
        first_posted=_date(status, "studyFirstPostDateStruct"),
        last_update_posted=_date(status, "lastUpdatePostDateStruct"),
        status_verified=_date(status, "statusVerifiedDate"),
        phases=tuple(c for p in _list(design, "phases") if (c := _code_value("phase", p, "designModule.phases"))),
        study_type=_code("study-type", design, "studyType"),
        allocation=_code("allocation", design_info, "allocation"),
        intervention_model=_code("intervention-model", design_info, "interventionModel"),
        observational_model=_code("observational-model", design_info, "observationalModel"),
        time_perspective=_code("time-perspective", design_info, "timePerspective"),
        primary_purpose=_code("primary-purpose", design_info, "primaryPurpose"),
        masking=_code("masking", masking, "masking"),
        who_masked=tuple(
            c for w in _list(masking, "whoMasked") if (c := _code_value("who-masked", w, "maskingInfo.whoMasked"))
        ),
        enrollment=count,
        enrollment_actual=None if enrollment.get("type") is None else enrollment.get("type") == "ACTUAL",
        keywords=tuple(k for x in _list(protocol, "conditionsModule", "keywords") if (k := clean(x, markdown=True))),
        conditions=tuple(
            c for x in _list(protocol, "conditionsModule", "conditions") if (c := clean(x, markdown=True))
        ),
        condition_meshes=_mesh_terms(_list(derived, "conditionBrowseModule", "meshes"), "conditionBrowseModule"),
        condition_mesh_ancestors=_mesh_terms(
            _list(derived, "conditionBrowseModule", "ancestors"), "conditionBrowseModule"
        ),
        intervention_meshes=_mesh_terms(
            _list(derived, "interventionBrowseModule", "meshes"), "interventionBrowseModule"
        ),
        intervention_mesh_ancestors=_mesh_terms(
            _list(derived, "interventionBrowseModule", "ancestors"), "interventionBrowseModule"
        ),
        interventions=interventions,
        arms=arms,
        lead_sponsor=_organization(sponsors.get("leadSponsor"), "sponsorCollaboratorsModule.leadSponsor"),
        collaborators=tuple(
            o
            for raw in _list(sponsors, "collaborators")
            if (o := _organization(raw, "sponsorCollaboratorsModule.collaborators")) is not None
        ),
        responsible_party=_responsible_party(sponsors.get("responsibleParty")),
        officials=tuple(
            p
            for raw in _list(contacts, "overallOfficials")
            if (p := _person(raw, _get(raw, "role"), "overallOfficials", affiliation=_text(raw, "affiliation")))
        ),
        central_contacts=tuple(
            p
            for raw in _list(contacts, "centralContacts")
            if (p := _person(raw, _get(raw, "role") or "CONTACT", "centralContacts"))
        ),
        sites=tuple(_site(raw, i) for i, raw in enumerate(_list(contacts, "locations"))),
        eligibility=_eligibility(protocol.get("eligibilityModule")),
        outcomes=_outcomes(protocol.get("outcomesModule")),
        references=tuple(
            Reference(_text(raw, "citation"), _text(raw, "pmid"), _code("reference-type", raw, "type"))
            for raw in _list(protocol, "referencesModule", "references")
        ),
        has_results=study.get("hasResults") if isinstance(study.get("hasResults"), bool) else None,
    )
