"""Mapping: the triples of real records, linking across trials, determinism."""

from __future__ import annotations

from dataclasses import replace

from conftest import DATA, read_one
from pyoxigraph import Literal, NamedNode, Triple

from kg.iris import organization_iri, person_iri, site_iri, trial_iri
from kg.mapping import MappingOptions, trial_quads, trial_triples
from kg.namespaces import CODE, CTKG, GEO, MESH, RDF, RDFS, WGS84, XSD

JSON_DIR = DATA / "ctgov-json"


def _objects(triples: list[Triple], subject: NamedNode, predicate: NamedNode) -> list:
    return [t.object for t in triples if t.subject == subject and t.predicate == predicate]


def test_trial_core_facts() -> None:
    triples = trial_triples(read_one(JSON_DIR / "NCT00000410.json"))
    trial = trial_iri("NCT00000410")
    assert NamedNode("https://w3id.org/ctkg/id/trial/NCT00000410") == trial
    assert CTKG.ClinicalTrial in _objects(triples, trial, RDF.type)
    assert _objects(triples, trial, CTKG.overallStatus) == [CODE.term("status/COMPLETED")]
    assert _objects(triples, trial, CTKG.phase) == [CODE.term("phase/PHASE4")]
    # "2000-03" is a year-month, not a made-up day
    assert _objects(triples, trial, CTKG.startDate) == [Literal("2000-03", datatype=XSD.gYearMonth)]
    assert _objects(triples, trial, CTKG.primaryCompletionDateType) == [CODE.term("date-type/ACTUAL")]
    assert _objects(triples, trial, CTKG.enrollment) == [Literal("501", datatype=XSD.integer)]
    assert MESH.D007405 in _objects(triples, trial, CTKG.conditionMesh)
    lead = organization_iri("Dartmouth-Hitchcock Medical Center")
    assert _objects(triples, trial, CTKG.leadSponsor) == [lead]
    assert _objects(triples, lead, CTKG.organizationClass) == [CODE.term("agency-class/OTHER")]
    assert len(_objects(triples, trial, CTKG.collaborator)) == 3


def test_roles_are_nodes_linking_person_trial_and_affiliation() -> None:
    triples = trial_triples(read_one(JSON_DIR / "NCT00000410.json"))
    trial = trial_iri("NCT00000410")
    person = person_iri("James N. Weinstein")
    roles = [r for r in _objects(triples, trial, CTKG.hasRole) if person in _objects(triples, r, CTKG.agent)]
    assert len(roles) == 1
    assert _objects(triples, roles[0], CTKG.roleType) == [CODE.term("role/PRINCIPAL_INVESTIGATOR")]
    assert _objects(triples, roles[0], CTKG.affiliation) == [organization_iri("Dartmouth-Hitchcock Medical Center")]
    assert set(_objects(triples, person, CTKG.degree)) == {Literal("DO"), Literal("MS")}
    assert _objects(triples, person, RDFS.label) == [Literal("James N. Weinstein")]


def test_sites_have_places_countries_and_coordinates() -> None:
    record = read_one(JSON_DIR / "NCT02513394.json")
    triples = trial_triples(record)
    first = record.sites[0]
    assert first.latitude is not None
    site = site_iri("US", first.city, first.facility)
    assert site in _objects(triples, trial_iri(record.nct_id), CTKG.site)
    assert _objects(triples, site, WGS84.lat) == [Literal(repr(first.latitude), datatype=XSD.decimal)]
    (geometry,) = _objects(triples, site, GEO.hasGeometry)
    (wkt,) = _objects(triples, geometry, GEO.asWKT)
    assert wkt.value == f"POINT({first.longitude!r} {first.latitude!r})"
    assert wkt.datatype == GEO.wktLiteral
    assert _objects(triples, site, RDFS.label)
    participations = _objects(triples, trial_iri(record.nct_id), CTKG.hasTrialSite)
    assert len(participations) == len(record.sites)


def test_shared_sponsor_is_one_node_across_trials() -> None:
    first = trial_triples(read_one(JSON_DIR / "NCT00377793.json"))
    second = trial_triples(read_one(JSON_DIR / "NCT00470873.json"))
    (lead_a,) = _objects(first, trial_iri("NCT00377793"), CTKG.leadSponsor)
    (lead_b,) = _objects(second, trial_iri("NCT00470873"), CTKG.leadSponsor)
    assert lead_a == lead_b == organization_iri("Bayer")


def test_shared_site_is_one_node_across_trials() -> None:
    first = trial_triples(read_one(JSON_DIR / "NCT00137072.json"))
    second = trial_triples(read_one(JSON_DIR / "NCT00343200.json"))
    sites_a = set(_objects(first, trial_iri("NCT00137072"), CTKG.site))
    sites_b = set(_objects(second, trial_iri("NCT00343200"), CTKG.site))
    huntsville = site_iri("US", "Huntsville", "Pfizer Investigational Site")
    assert huntsville in sites_a & sites_b
    assert len(sites_a & sites_b) > 5


def test_arms_receive_the_interventions_of_their_own_trial() -> None:
    record = read_one(JSON_DIR / "NCT00000410.json")
    triples = trial_triples(record)
    trial = trial_iri(record.nct_id)
    registered = set(_objects(triples, trial, CTKG.hasIntervention))
    arms = _objects(triples, trial, CTKG.arm)
    assert len(arms) == len(record.arms)
    received = {o for arm in arms for o in _objects(triples, arm, CTKG.receives)}
    assert received and received <= registered


def test_contact_details_only_on_request() -> None:
    record = read_one(JSON_DIR / "NCT05905653.json")
    assert any(c.phone or c.email for s in record.sites for c in s.contacts) or any(
        c.phone or c.email for c in record.central_contacts
    )
    without = trial_triples(record)
    with_details = trial_triples(record, MappingOptions(include_contact_details=True))
    contact_predicates = {"https://schema.org/telephone", "https://schema.org/email"}
    assert not [t for t in without if t.predicate.value in contact_predicates]
    assert [t for t in with_details if t.predicate.value in contact_predicates]


def test_mapping_is_deterministic_and_duplicate_free() -> None:
    record = read_one(JSON_DIR / "NCT02513394.json")
    once, again = trial_triples(record), trial_triples(read_one(JSON_DIR / "NCT02513394.json"))
    assert once == again
    assert len(set(once)) == len(once)


def test_quads_put_what_a_trial_owns_in_its_graph_and_shared_nodes_in_the_entities_graph() -> None:
    record = read_one(JSON_DIR / "NCT00000410.json")
    quads = trial_quads(record)
    trial = "https://w3id.org/ctkg/id/trial/NCT00000410"
    by_graph: dict[str, set[str]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name.value, set()).add(quad.subject.value)
    assert set(by_graph) == {"https://w3id.org/ctkg/graph/NCT00000410", "https://w3id.org/ctkg/graph/entities"}
    assert all(s == trial or s.startswith(trial + "/") for s in by_graph["https://w3id.org/ctkg/graph/NCT00000410"])
    assert not [s for s in by_graph["https://w3id.org/ctkg/graph/entities"] if s.startswith(trial)]
    shared = by_graph["https://w3id.org/ctkg/graph/entities"]
    assert organization_iri("Dartmouth-Hitchcock Medical Center").value in shared  # the lead sponsor
    assert any(s.startswith(str(MESH)) for s in shared)
    # the same statements as the triples, each once
    assert sorted(str(q.triple) for q in quads) == sorted(str(t) for t in trial_triples(record))


def _role_names(triples: list[Triple], trial: NamedNode) -> tuple[set[str], set[str]]:
    """(labels of the people, contact names) of the trial's roles."""
    people, contacts = set(), set()
    for role in _objects(triples, trial, CTKG.hasRole):
        for person in _objects(triples, role, CTKG.agent):
            people.update(label.value for label in _objects(triples, person, RDFS.label))
        contacts.update(name.value for name in _objects(triples, role, CTKG.contactName))
    return people, contacts


def test_desks_and_placeholders_in_person_fields_are_contact_names_not_people() -> None:
    """A call centre or "Bayer Study Director" is no person: it would join thousands of unrelated trials."""
    cases = {
        "ctgov-xml/NCT00001506.xml": "For more information at the NIH Clinical Center contact Office of Patient "
                                     "Recruitment (OPR)",
        "ctgov-json/NCT00377793.json": "Bayer Study Director",
        "ctgov-json/NCT00137072.json": "Pfizer CT.gov Call Center",
    }
    for path, desk in cases.items():
        triples = trial_triples(read_one(DATA / path))
        trial = next(t.subject for t in triples if t.predicate == RDF.type and t.object == CTKG.ClinicalTrial)
        people, contacts = _role_names(triples, trial)
        assert desk in contacts and desk not in people, path
        assert not [t for t in triples if t.subject == person_iri(desk)], path
    # the people of the NIH record stay people
    triples = trial_triples(read_one(DATA / "ctgov-xml" / "NCT00001506.xml"))
    people, _ = _role_names(triples, trial_iri("NCT00001506"))
    assert people and all("Clinical Center" not in p for p in people)


def test_a_role_keeps_one_contact_name_when_spellings_differ() -> None:
    """Two spellings of one desk key one role node; it keeps the first, so the role has one name."""
    record = read_one(JSON_DIR / "NCT00377793.json")
    officials = (*record.officials, replace(record.officials[0], name="BAYER STUDY DIRECTOR"))
    triples = trial_triples(replace(record, officials=officials))
    [role] = [r for r in _objects(triples, trial_iri("NCT00377793"), CTKG.hasRole)]
    assert _objects(triples, role, CTKG.contactName) == [Literal("Bayer Study Director")]
