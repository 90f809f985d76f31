"""The pure mapping: one ``Trial`` record in, its RDF triples out.

No I/O and no state between records: the same record always gives the same
triples in the same order, which is what makes output byte-identical across
runs. Shared entities (organisations, people, sites, places, conditions,
interventions, MeSH descriptors) are emitted with the IRIs of ``kg.iris``, so
the triples of many trials join into one graph without any lookup.

The terms used are declared in ``ontology/ctkg.ttl``; the model behind them:

* a trial (``ctkg:ClinicalTrial``, a ``schema:MedicalTrial``) links its
  conditions, its registered interventions (``ctkg:TrialIntervention``, one per
  trial, pointing at the shared ``ctkg:Intervention``), arms, sponsors,
  role nodes (``ctkg:TrialRole``: who did what in this trial, with the
  affiliation given there), site participations (``ctkg:TrialSite``: the shared
  ``ctkg:Site`` with this trial's recruitment status and contacts), eligibility,
  outcomes, references and its source record;
* coded values are SKOS concepts under ``https://w3id.org/ctkg/code/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph
from pyoxigraph import Quad, Triple

from kg import iris
from kg import namespaces as ns
from kg.contact_names import person_name
from kg.keys import organization_key, slug
from kg.model import Age, MeshTerm, Organization, PartialDate, PersonRole, Site, Trial
from kg.places import resolve_country
from kg.vocab import SCHEMES

__all__ = ["MappingOptions", "trial_lines", "trial_nquads", "trial_ntriples", "trial_quads", "trial_triples"]


@dataclass(frozen=True, slots=True)
class MappingOptions:
    """Choices that change what the mapping emits.

    Contact phone numbers and e-mail addresses are personal data: they are
    left out unless asked for.
    """

    include_contact_details: bool = False


class _Terms:
    """The IRIs of a namespace as N-Triples terms ("<...>"), built once per name."""

    def __init__(self, namespace: str) -> None:
        self._namespace = namespace

    def __getattr__(self, local: str) -> str:
        if local.startswith("__"):
            raise AttributeError(local)
        term = f"<{self._namespace}{local}>"
        setattr(self, local, term)
        return term


CTKG, DCTERMS, GEO, PROV, RDF, RDFS, SCHEMA, SKOS, WGS84, XSD = (
    _Terms(n) for n in (ns.CTKG, ns.DCTERMS, ns.GEO, ns.PROV, ns.RDF, ns.RDFS, ns.SCHEMA, ns.SKOS, ns.WGS84, ns.XSD)
)

# N-Triples string escapes: quote, backslash and line breaks by plain replacement (fast);
# the rare other control character as \uXXXX, and a lone surrogate (which JSON can carry
# but UTF-8 cannot) as U+FFFD instead of failing the write.
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f\ud800-\udfff]')
_RARE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _rare_escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return "\ufffd" if "\ud800" <= char <= "\udfff" else f"\\u{ord(char):04X}"


_NCT_ID = re.compile(r"^NCT\d{8}$")
_DIGITS = re.compile(r"^[0-9]+$")


def _lit(text: str) -> str:
    """A plain string literal in N-Triples syntax.

    Most text needs no escape; a printable string without quote or backslash is proved
    so by three scans in C, about twice as fast as the regular expression that decides the rest.
    """
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    if _NEEDS_ESCAPE.search(text):
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        text = _RARE.sub(_rare_escape, text.replace("\t", "\\t"))
    return f'"{text}"'


def _typed(text: str, datatype: str) -> str:
    return f'"{text}"^^{datatype}'


def _iri(ref: str) -> str:
    return f"<{ref}>"


_TRUE, _FALSE = _typed("true", XSD.boolean), _typed("false", XSD.boolean)
_DATE_TYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}
_YEARS_PER_UNIT = {
    "YEARS": Decimal(1),
    "MONTHS": Decimal(1) / Decimal(12),
    "WEEKS": Decimal(7) / Decimal("365.25"),
    "DAYS": Decimal(1) / Decimal("365.25"),
    "HOURS": Decimal(1) / Decimal(365.25 * 24),
    "MINUTES": Decimal(1) / Decimal(365.25 * 24 * 60),
}
_TYPE = RDF.type
# schema.org calls only interventional studies trials.
_SCHEMA_STUDY_TYPES = {"INTERVENTIONAL": SCHEMA.MedicalTrial, "OBSERVATIONAL": SCHEMA.MedicalObservationalStudy}
_LABEL = RDFS.label


class _Emitter:
    """Collects the N-Triples lines of one trial; one instance per record, never shared.

    Terms are N-Triples strings ("<iri>", '"text"', '"2019-12"^^<...gYearMonth>'):
    building text is several times cheaper than building term objects, and N-Triples
    is what the fast sinks (files, the store's bulk loader) consume anyway.
    """

    __slots__ = ("described", "lines", "nct_id", "options")

    def __init__(self, nct_id: str, options: MappingOptions) -> None:
        self.nct_id = nct_id
        self.options = options
        self.lines: list[str] = []
        self.described: set[tuple[str, str]] = set()

    def first_time(self, node: str, label: str) -> bool:
        """True the first time a shared node is described with ``label`` in this trial."""
        key = (node, label)
        if key in self.described:
            return False
        self.described.add(key)
        return True

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o}")

    def text(self, s: str, p: str, value: str | None) -> None:
        if value:
            self.lines.append(f"{s} {p} {_lit(value)}")

    def code(self, s: str, p: str, scheme: str, value: str | None) -> None:
        if value:
            if value not in SCHEMES[scheme].codes:
                raise ValueError(f"{value!r} is not a code of the {scheme} scheme")
            self.lines.append(f"{s} {p} <{iris.code_ref(scheme, value)}>")

    def date(self, s: str, p: str, p_type: str, value: PartialDate | None) -> None:
        if value is None:
            return
        self.lines.append(f"{s} {p} {_typed(value.value, _DATE_TYPES[len(value.value)])}")
        if value.actual is not None:
            self.code(s, p_type, "date-type", "ACTUAL" if value.actual else "ESTIMATED")

    def part(self, *parts: str) -> str:
        return _iri(iris.trial_part_ref(self.nct_id, *parts))


def trial_lines(trial: Trial, options: MappingOptions | None = None) -> list[str]:
    """The statements of one trial as N-Triples lines without the final " .", in a fixed order.

    This is the mapping itself; every other form (objects, N-Triples, N-Quads) derives from it.
    Raises ``ValueError`` for a record that cannot be mapped (a malformed NCT id, an unknown code).
    """
    if not _NCT_ID.match(trial.nct_id):
        raise ValueError(f"malformed NCT id {trial.nct_id!r}")
    out = _Emitter(trial.nct_id, options or MappingOptions())
    trial_node = _iri(iris.trial_ref(trial.nct_id))
    _identity(out, trial_node, trial)
    _status_and_dates(out, trial_node, trial)
    _design(out, trial_node, trial)
    _conditions(out, trial_node, trial)
    _interventions_and_arms(out, trial_node, trial)
    _sponsors(out, trial_node, trial)
    _people(out, trial_node, trial)
    _sites(out, trial_node, trial)
    _eligibility(out, trial_node, trial)
    _outcomes(out, trial_node, trial)
    _references(out, trial_node, trial)
    _provenance(out, trial_node, trial)
    return list(dict.fromkeys(out.lines))


def trial_ntriples(trial: Trial, options: MappingOptions | None = None) -> str:
    """One trial as an N-Triples document."""
    lines = trial_lines(trial, options)
    if not lines:
        return ""
    lines.append("")  # the last statement's " .\n" too, without copying the whole document again
    return " .\n".join(lines)


def trial_nquads(trial: Trial, options: MappingOptions | None = None) -> str:
    """One trial as an N-Quads document: what the trial owns in its own graph, the rest in the entities graph.

    A statement belongs to the trial's graph when its subject is the trial or one of its parts
    (``…/id/trial/NCT…/…``); descriptions of shared nodes (organisations, people, sites, places,
    conditions, interventions, MeSH terms, articles) go to ``ENTITIES_GRAPH``, where every trial
    that names them adds the same statements once. So each fact is stored once, a query over the
    union of all graphs meets it once, and replacing a trial's graph never removes what other
    trials say about a shared node.
    """
    lines = trial_lines(trial, options)
    own_end = f" <{iris.trial_graph_ref(trial.nct_id)}> .\n"
    shared_end = f" <{iris.ENTITIES_GRAPH_REF}> .\n"
    own = f"<{iris.trial_ref(trial.nct_id)}"
    return "".join(
        line + (own_end if line.startswith(own) and line[len(own)] in ">/" else shared_end) for line in lines
    )


def trial_triples(trial: Trial, options: MappingOptions | None = None) -> list[Triple]:
    """All triples of one trial as pyoxigraph terms, in the order of ``trial_lines``."""
    document = trial_ntriples(trial, options)
    return [q.triple for q in pyoxigraph.parse(document, pyoxigraph.RdfFormat.N_TRIPLES)]


def trial_quads(trial: Trial, options: MappingOptions | None = None) -> list[Quad]:
    """The triples of ``trial_triples`` in the trial's own named graph."""
    return list(pyoxigraph.parse(trial_nquads(trial, options), pyoxigraph.RdfFormat.N_QUADS))


def _identity(out: _Emitter, node: str, trial: Trial) -> None:
    out.add(node, _TYPE, CTKG.ClinicalTrial)
    out.add(node, _TYPE, _SCHEMA_STUDY_TYPES.get(trial.study_type or "", SCHEMA.MedicalStudy))
    out.text(node, CTKG.nctId, trial.nct_id)
    out.add(node, SCHEMA.url, f"<https://clinicaltrials.gov/study/{trial.nct_id}>")
    out.text(node, _LABEL, trial.brief_title or trial.official_title or trial.nct_id)
    out.text(node, CTKG.briefTitle, trial.brief_title)
    out.text(node, CTKG.officialTitle, trial.official_title)
    out.text(node, CTKG.acronym, trial.acronym)
    out.text(node, CTKG.briefSummary, trial.brief_summary)
    out.text(node, CTKG.detailedDescription, trial.detailed_description)
    out.text(node, CTKG.orgStudyId, trial.org_study_id)
    for alias in trial.nct_aliases:
        out.text(node, CTKG.nctIdAlias, alias)
    for index, secondary in enumerate(trial.secondary_ids, start=1):
        sid = out.part("secondary-id", f"{index}-{slug(secondary.identifier)}")
        out.add(node, CTKG.secondaryId, sid)
        out.add(sid, _TYPE, CTKG.SecondaryIdentifier)
        out.text(sid, SKOS.notation, secondary.identifier)
        out.code(sid, CTKG.identifierType, "secondary-id-type", secondary.id_type)
        out.text(sid, CTKG.identifierDomain, secondary.domain)
    for keyword in trial.keywords:
        out.text(node, CTKG.keyword, keyword)
    if trial.has_results is not None:
        out.add(node, CTKG.hasResults, _TRUE if trial.has_results else _FALSE)


def _status_and_dates(out: _Emitter, node: str, trial: Trial) -> None:
    out.code(node, CTKG.overallStatus, "status", trial.overall_status)
    out.code(node, CTKG.lastKnownStatus, "status", trial.last_known_status)
    out.text(node, CTKG.whyStopped, trial.why_stopped)
    out.date(node, CTKG.startDate, CTKG.startDateType, trial.start_date)
    out.date(node, CTKG.primaryCompletionDate, CTKG.primaryCompletionDateType, trial.primary_completion_date)
    out.date(node, CTKG.completionDate, CTKG.completionDateType, trial.completion_date)
    out.date(node, CTKG.firstSubmittedDate, CTKG.firstSubmittedDateType, trial.first_submitted)
    out.date(node, CTKG.firstPostedDate, CTKG.firstPostedDateType, trial.first_posted)
    out.date(node, CTKG.lastUpdatePostedDate, CTKG.lastUpdatePostedDateType, trial.last_update_posted)
    out.date(node, CTKG.statusVerifiedDate, CTKG.statusVerifiedDateType, trial.status_verified)


def _design(out: _Emitter, node: str, trial: Trial) -> None:
    for phase in trial.phases:
        out.code(node, CTKG.phase, "phase", phase)
    out.code(node, CTKG.studyType, "study-type", trial.study_type)
    out.code(node, CTKG.allocation, "allocation", trial.allocation)
    out.code(node, CTKG.interventionModel, "intervention-model", trial.intervention_model)
    out.code(node, CTKG.observationalModel, "observational-model", trial.observational_model)
    out.code(node, CTKG.timePerspective, "time-perspective", trial.time_perspective)
    out.code(node, CTKG.primaryPurpose, "primary-purpose", trial.primary_purpose)
    out.code(node, CTKG.masking, "masking", trial.masking)
    for party in trial.who_masked:
        out.code(node, CTKG.maskedParty, "who-masked", party)
    if trial.enrollment is not None:
        out.add(node, CTKG.enrollment, _typed(str(trial.enrollment), XSD.integer))
        if trial.enrollment_actual is not None:
            out.code(node, CTKG.enrollmentType, "date-type", "ACTUAL" if trial.enrollment_actual else "ESTIMATED")


def _mesh(out: _Emitter, term: MeshTerm) -> str:
    mesh = _iri(iris.mesh_ref(term.mesh_id, term.term))
    if not out.first_time(mesh, term.term):
        return mesh
    out.add(mesh, _TYPE, CTKG.MeshDescriptor if term.mesh_id else CTKG.MeshHeading)
    out.text(mesh, _LABEL, term.term)
    if term.mesh_id:
        out.text(mesh, SKOS.notation, term.mesh_id)
    return mesh


def _mesh_links(out: _Emitter, node: str, terms: tuple[MeshTerm, ...], predicate: str) -> dict[str, str]:
    """Link the trial to MeSH terms; return them by lower-cased term for matching names."""
    by_term: dict[str, str] = {}
    for term in terms:
        mesh = _mesh(out, term)
        out.add(node, predicate, mesh)
        by_term[term.term.casefold()] = mesh
    return by_term


def _conditions(out: _Emitter, node: str, trial: Trial) -> None:
    meshes = _mesh_links(out, node, trial.condition_meshes, CTKG.conditionMesh)
    _mesh_links(out, node, trial.condition_mesh_ancestors, CTKG.conditionMeshAncestor)
    for text in trial.conditions:
        condition = _iri(iris.condition_ref(text))
        out.add(node, CTKG.condition, condition)
        out.add(condition, _TYPE, CTKG.Condition)
        out.text(condition, _LABEL, text)
        mesh = meshes.get(text.casefold())
        if mesh is not None:
            out.add(condition, CTKG.meshDescriptor, mesh)


def _interventions_and_arms(out: _Emitter, node: str, trial: Trial) -> None:
    meshes = _mesh_links(out, node, trial.intervention_meshes, CTKG.interventionMesh)
    _mesh_links(out, node, trial.intervention_mesh_ancestors, CTKG.interventionMeshAncestor)
    by_name: dict[str, str] = {}
    used: set[str] = set()
    for intervention in trial.interventions:
        key = _unique(slug(intervention.name), used)
        usage = out.part("intervention", key)
        by_name.setdefault(intervention.name.casefold(), usage)
        shared = _iri(iris.intervention_ref(intervention.name))
        out.add(node, CTKG.hasIntervention, usage)
        out.add(node, CTKG.studiesIntervention, shared)
        out.add(usage, _TYPE, CTKG.TrialIntervention)
        out.text(usage, _LABEL, intervention.name)
        out.add(usage, CTKG.intervention, shared)
        out.code(usage, CTKG.interventionType, "intervention-type", intervention.intervention_type)
        out.text(usage, DCTERMS.description, intervention.description)
        for other in intervention.other_names:
            out.text(usage, CTKG.otherName, other)
        out.add(shared, _TYPE, CTKG.Intervention)
        out.text(shared, _LABEL, intervention.name)
        for name in (intervention.name, *intervention.other_names):
            mesh = meshes.get(name.casefold())
            if mesh is not None:
                out.add(shared, CTKG.meshDescriptor, mesh)
    used_arms: set[str] = set()
    for arm in trial.arms:
        arm_node = out.part("arm", _unique(slug(arm.label), used_arms))
        out.add(node, CTKG.arm, arm_node)
        out.add(arm_node, _TYPE, CTKG.Arm)
        out.text(arm_node, _LABEL, arm.label)
        out.code(arm_node, CTKG.armType, "arm-type", arm.arm_type)
        out.text(arm_node, DCTERMS.description, arm.description)
        for name in arm.intervention_names:
            usage = by_name.get(name.casefold())
            if usage is not None:
                out.add(arm_node, CTKG.receives, usage)
    for intervention in trial.interventions:
        # arms named only from the intervention side (legacy XML, trial pages)
        usage = by_name[intervention.name.casefold()]
        for label in intervention.arm_labels:
            arm = next((a for a in trial.arms if a.label.casefold() == label.casefold()), None)
            if arm is not None and intervention.name.casefold() not in {n.casefold() for n in arm.intervention_names}:
                out.add(out.part("arm", _arm_key(trial, arm.label)), CTKG.receives, usage)


def _arm_key(trial: Trial, label: str) -> str:
    used: set[str] = set()
    for arm in trial.arms:
        key = _unique(slug(arm.label), used)
        if arm.label == label:
            return key
    raise KeyError(label)


def _unique(key: str, used: set[str]) -> str:
    """``key``, or ``key-2``, ``key-3`` ... when the trial already used it."""
    candidate, n = key, 1
    while candidate in used:
        n += 1
        candidate = f"{key}-{n}"
    used.add(candidate)
    return candidate


def _organization(out: _Emitter, org: Organization | str) -> str:
    name = org if isinstance(org, str) else org.name
    node = _iri(iris.organization_ref(name))
    if not out.first_time(node, name):
        return node
    out.add(node, _TYPE, CTKG.Organization)
    out.text(node, _LABEL, name)
    if isinstance(org, Organization):
        out.code(node, CTKG.organizationClass, "agency-class", org.org_class)
    return node


def _sponsors(out: _Emitter, node: str, trial: Trial) -> None:
    lead_key = None
    if trial.lead_sponsor is not None:
        out.add(node, CTKG.leadSponsor, _organization(out, trial.lead_sponsor))
        lead_key = organization_key(trial.lead_sponsor.name)
    for collaborator in trial.collaborators:
        out.add(node, CTKG.collaborator, _organization(out, collaborator))
    party = trial.responsible_party
    if party is None:
        return
    out.code(node, CTKG.responsiblePartyType, "responsible-party-type", party.party_type)
    if party.investigator_name:
        person, name = _played_by(out, party.investigator_name, _organizations(trial))
        if person:
            out.add(node, CTKG.responsibleParty, person)
        role = _role(out, node, person, name, "RESPONSIBLE_PARTY", party.investigator_affiliation)
        out.text(role, CTKG.jobTitle, party.investigator_title)
    elif party.party_type == "SPONSOR" and lead_key is not None and trial.lead_sponsor is not None:
        out.add(node, CTKG.responsibleParty, _iri(iris.organization_ref(trial.lead_sponsor.name)))


def _person(out: _Emitter, name: str) -> str:
    node = _iri(iris.person_ref(name))
    if out.first_time(node, name):
        out.add(node, _TYPE, CTKG.Person)
        out.text(node, _LABEL, name)
    return node


def _organizations(trial: Trial) -> tuple[Organization, ...]:
    """The trial's sponsor and collaborators: a contact named after one of them is not a person."""
    lead = (trial.lead_sponsor,) if trial.lead_sponsor is not None else ()
    return lead + trial.collaborators


def _played_by(out: _Emitter, name: str, organizations: tuple[Organization, ...]) -> tuple[str | None, str]:
    """(person node or None for a desk or placeholder, the name that keys the role) of a person field."""
    plain = person_name(name, organizations)
    return (_person(out, plain), plain) if plain else (None, name)


def _role(
    out: _Emitter,
    trial_node: str,
    person: str | None,
    name: str,
    role_code: str | None,
    affiliation: str | None,
    *parts: str,
) -> str:
    """The trial's role node: played by ``person``, or, when the name names no person, by a contact name."""
    role = out.part(*parts, "role", slug(name), (role_code or "unspecified").lower().replace("_", "-"))
    out.add(trial_node, CTKG.hasRole, role)
    out.add(role, _TYPE, CTKG.TrialRole)
    if person is None:
        if out.first_time(role, "contact name"):  # "Clinical Trials" and "CLINICAL TRIALS" are one role
            out.text(role, CTKG.contactName, name)
    else:
        out.add(role, CTKG.agent, person)
    out.code(role, CTKG.roleType, "role", role_code)
    if affiliation:
        out.add(role, CTKG.affiliation, _organization(out, affiliation))
    return role


def _person_role(
    out: _Emitter, trial_node: str, organizations: tuple[Organization, ...], person_role: PersonRole, *parts: str
) -> str:
    person, name = _played_by(out, person_role.name, organizations)
    if person:
        for degree in person_role.degrees:
            out.text(person, CTKG.degree, degree)
    role = _role(out, trial_node, person, name, person_role.role, person_role.affiliation, *parts)
    if out.options.include_contact_details:
        out.text(role, SCHEMA.telephone, person_role.phone)
        out.text(role, SCHEMA.email, person_role.email)
    return role


def _people(out: _Emitter, node: str, trial: Trial) -> None:
    organizations = _organizations(trial)
    for official in trial.officials:
        _person_role(out, node, organizations, official)
    for contact in trial.central_contacts:
        _person_role(out, node, organizations, contact)


def _country_key(out: _Emitter, name: str | None) -> tuple[str, str | None]:
    if not name:
        return "-", None
    country = resolve_country(name)
    key = country.alpha2 if country else slug(name)
    node = _iri(iris.country_ref(key))
    if not out.first_time(node, name):
        return key, node
    out.add(node, _TYPE, SCHEMA.Country)
    out.text(node, _LABEL, name)
    if country:
        out.text(node, SKOS.notation, country.alpha2)
        out.text(node, CTKG.iso3166Alpha3, country.alpha3)
    return key, node


def _sites(out: _Emitter, node: str, trial: Trial) -> None:
    """The trial's site participations, its ``ctkg:site`` links and ``ctkg:siteCountry`` shortcuts.

    ``ctkg:siteCountry`` (trial → country of one of its sites, once per country) repeats what
    ``ctkg:site/schema:addressCountry`` says, so that per-country questions read one predicate
    of the trial's own graph instead of joining every site link of the registry.
    """
    used: set[str] = set()
    countries: set[str] = set()
    organizations = _organizations(trial)
    for site in trial.sites:
        site_node, country = _site(out, site)
        if country is not None and country not in countries:
            countries.add(country)
            out.add(node, CTKG.siteCountry, country)
        key = _unique(site_node[1:-1].rsplit("/site/", 1)[1].replace("/", "--"), used)
        participation = out.part("site", key)
        out.add(node, CTKG.site, site_node)
        out.add(node, CTKG.hasTrialSite, participation)
        out.add(participation, _TYPE, CTKG.TrialSite)
        out.add(participation, CTKG.atSite, site_node)
        out.code(participation, CTKG.recruitmentStatus, "recruitment-status", site.status)
        for contact in site.contacts:
            role = _person_role(out, node, organizations, contact, "site", key)
            out.add(role, CTKG.atTrialSite, participation)


def _site(out: _Emitter, site: Site) -> tuple[str, str | None]:
    """The shared site node (described once per trial) and its country node, if it has one."""
    country_key, country = _country_key(out, site.country)
    node = _iri(iris.site_ref(country_key, site.city, site.facility))
    out.add(node, _TYPE, CTKG.Site)
    out.text(node, _LABEL, ", ".join(p for p in (site.facility, site.city, site.country) if p))
    if site.facility:
        out.add(node, CTKG.facility, _organization(out, site.facility))
    out.text(node, SCHEMA.addressLocality, site.city)
    out.text(node, SCHEMA.addressRegion, site.state)
    out.text(node, SCHEMA.postalCode, site.postal_code)
    if country is not None:
        out.add(node, SCHEMA.addressCountry, country)
    if site.city:
        city = _iri(iris.city_ref(country_key, site.state, site.city))
        out.add(node, SCHEMA.containedInPlace, city)
        if out.first_time(city, site.city):
            out.add(city, _TYPE, SCHEMA.City)
            out.text(city, _LABEL, site.city)
            out.text(city, SCHEMA.addressRegion, site.state)
            if country is not None:
                out.add(city, SCHEMA.containedInPlace, country)
    if site.latitude is not None and site.longitude is not None:
        lat, lon = _decimal(site.latitude), _decimal(site.longitude)
        out.add(node, WGS84.lat, _typed(lat, XSD.decimal))
        out.add(node, WGS84.long, _typed(lon, XSD.decimal))
        # keyed by its coordinates: records may place one site at different points
        geometry = f"{node[:-1]}/geometry/{lat},{lon}>"
        out.add(node, GEO.hasGeometry, geometry)
        out.add(geometry, _TYPE, GEO.Geometry)
        out.add(geometry, GEO.asWKT, _typed(f"POINT({lon} {lat})", GEO.wktLiteral))
    return node, country


def _decimal(value: float) -> str:
    text = repr(float(value))
    return text if "e" not in text else f"{value:.8f}"


def _age(out: _Emitter, node: str, age: Age | None, value_p: str, unit_p: str, years_p: str) -> None:
    if age is None:
        return
    out.add(node, value_p, _typed(str(age.value), XSD.decimal))
    out.code(node, unit_p, "age-unit", age.unit)
    years = (age.value * _YEARS_PER_UNIT[age.unit]).quantize(Decimal("0.0001")).normalize()
    out.add(node, years_p, _typed(format(years, "f"), XSD.decimal))


def _eligibility(out: _Emitter, node: str, trial: Trial) -> None:
    criteria = trial.eligibility
    if criteria is None:
        return
    elig = out.part("eligibility")
    out.add(node, CTKG.eligibility, elig)
    out.add(elig, _TYPE, CTKG.Eligibility)
    out.text(elig, CTKG.criteriaText, criteria.criteria)
    out.text(elig, CTKG.inclusionCriteria, criteria.inclusion)
    out.text(elig, CTKG.exclusionCriteria, criteria.exclusion)
    _age(out, elig, criteria.minimum_age, CTKG.minimumAge, CTKG.minimumAgeUnit, CTKG.minimumAgeYears)
    _age(out, elig, criteria.maximum_age, CTKG.maximumAge, CTKG.maximumAgeUnit, CTKG.maximumAgeYears)
    out.code(elig, CTKG.sex, "sex", criteria.sex)
    if criteria.healthy_volunteers is not None:
        out.add(elig, CTKG.healthyVolunteers, _TRUE if criteria.healthy_volunteers else _FALSE)
    for group in criteria.age_groups:
        out.code(elig, CTKG.ageGroup, "age-group", group)
    out.text(elig, CTKG.studyPopulation, criteria.study_population)


_OUTCOME_CODES = {"primary": "PRIMARY", "secondary": "SECONDARY", "other": "OTHER"}


def _outcomes(out: _Emitter, node: str, trial: Trial) -> None:
    counters = {"primary": 0, "secondary": 0, "other": 0}
    for outcome in trial.outcomes:
        kind = outcome.kind.value
        counters[kind] += 1
        outcome_node = out.part("outcome", f"{kind}-{counters[kind]}")
        out.add(node, CTKG.outcome, outcome_node)
        out.add(outcome_node, _TYPE, CTKG.Outcome)
        out.code(outcome_node, CTKG.outcomeType, "outcome-type", _OUTCOME_CODES[kind])
        out.text(outcome_node, CTKG.measure, outcome.measure)
        out.text(outcome_node, CTKG.timeFrame, outcome.time_frame)
        out.text(outcome_node, DCTERMS.description, outcome.description)


def _references(out: _Emitter, node: str, trial: Trial) -> None:
    for index, reference in enumerate(trial.references, start=1):
        ref = out.part("reference", str(index))
        out.add(node, CTKG.reference, ref)
        out.add(ref, _TYPE, CTKG.Reference)
        out.text(ref, DCTERMS.bibliographicCitation, reference.citation)
        out.code(ref, CTKG.referenceType, "reference-type", reference.reference_type)
        if reference.pmid and _DIGITS.match(reference.pmid):
            article = _iri(iris.pubmed_ref(reference.pmid))
            out.add(ref, CTKG.pubmedArticle, article)
            out.add(article, _TYPE, SCHEMA.ScholarlyArticle)
            out.text(article, CTKG.pmid, reference.pmid)


def _provenance(out: _Emitter, node: str, trial: Trial) -> None:
    source = trial.provenance
    record = out.part("record", source.source_format.value)
    out.add(node, PROV.wasDerivedFrom, record)
    out.add(record, _TYPE, CTKG.SourceRecord)
    out.code(record, CTKG.sourceFormat, "source-format", source.source_format.value)
    out.text(record, CTKG.sourceFile, source.source_file)
    if source.version_date:
        out.add(record, CTKG.versionDate, _typed(source.version_date, _DATE_TYPES[len(source.version_date)]))
