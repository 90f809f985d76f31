"""The seed trial NCT03219801: every fact of its page is in the graph, and its formats agree."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph
import pytest
from conftest import DATA, read_one

from kg.mapping import trial_triples

PAGE = DATA / "seed" / "NCT03219801.txt"
XML = DATA / "ctgov-xml" / "NCT03219801.xml"

PREFIXES = """
PREFIX ctkg: <https://w3id.org/ctkg/ontology#>
PREFIX code: <https://w3id.org/ctkg/code/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX trial: <https://w3id.org/ctkg/id/trial/>
"""


@pytest.fixture(scope="module")
def page_graph() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in trial_triples(read_one(PAGE)))
    return store


def _ask(store: pyoxigraph.Store, pattern: str) -> bool:
    return bool(store.query(PREFIXES + f"ASK {{ {pattern} }}"))


def _select(store: pyoxigraph.Store, query: str) -> list[tuple[str, ...]]:
    return sorted(tuple(str(v.value) for v in row) for row in store.query(PREFIXES + query))


def test_basic_information(page_graph: pyoxigraph.Store) -> None:
    assert _ask(page_graph, """
        trial:NCT03219801 a ctkg:ClinicalTrial ;
            ctkg:briefTitle "Umbilical Cord Derived Mesenchymal Stem Cells Therapy in Systemic Lupus Erythematosus" ;
            ctkg:overallStatus code:status\\/UNKNOWN ;
            ctkg:phase code:phase\\/EARLY_PHASE1 ;
            ctkg:enrollment 10 ;
            ctkg:studyType code:study-type\\/INTERVENTIONAL ;
            ctkg:startDate "2017-08-01"^^xsd:date ;
            ctkg:completionDate "2019-12-30"^^xsd:date ;
            ctkg:lastUpdatePostedDate "2017-07-18"^^xsd:date ;
            ctkg:orgStudyId "17277787D-SLE" ;
            ctkg:allocation code:allocation\\/NA ;
            ctkg:interventionModel code:intervention-model\\/SINGLE_GROUP ;
            ctkg:primaryPurpose code:primary-purpose\\/TREATMENT ;
            ctkg:masking code:masking\\/NONE .
    """)
    assert _ask(page_graph, """trial:NCT03219801 ctkg:briefSummary ?s .
        FILTER(STRSTARTS(?s, "This study is to evaluate the safety and efficacy"))""")


def test_condition_intervention_and_arm(page_graph: pyoxigraph.Store) -> None:
    assert _select(page_graph, "SELECT ?l { trial:NCT03219801 ctkg:condition/rdfs:label ?l }") == [
        ("Systemic Lupus Erythematosus",)
    ]
    assert _ask(page_graph, """
        trial:NCT03219801 ctkg:arm ?arm ; ctkg:hasIntervention ?use .
        ?arm rdfs:label "mesenchymal stem cells" ; ctkg:armType code:arm-type\\/EXPERIMENTAL ; ctkg:receives ?use .
        ?use ctkg:interventionType code:intervention-type\\/BIOLOGICAL ;
             ctkg:intervention/rdfs:label "mesenchymal stem cells" .
    """)


def test_sponsor_and_its_class(page_graph: pyoxigraph.Store) -> None:
    assert _ask(page_graph, """
        trial:NCT03219801 ctkg:leadSponsor ?org .
        ?org rdfs:label "Hebei Medical University" ; ctkg:organizationClass code:agency-class\\/OTHER .
    """)


def test_eleven_officials_with_roles_and_the_responsible_party(page_graph: pyoxigraph.Store) -> None:
    officials = _select(page_graph, """
        SELECT ?name ?role {
            trial:NCT03219801 ctkg:hasRole ?r . ?r ctkg:agent/rdfs:label ?name ; ctkg:roleType ?code .
            BIND(STRAFTER(STR(?code), "code/role/") AS ?role)
            FILTER(?role IN ("STUDY_CHAIR", "STUDY_DIRECTOR", "PRINCIPAL_INVESTIGATOR"))
        }""")
    assert len(officials) == 11
    assert len({name for name, _ in officials}) == 11
    assert ("Baoyong Yan", "STUDY_CHAIR") in officials
    assert ("Quanhai Li", "STUDY_DIRECTOR") in officials
    assert ("Qingchi Liu Liu", "STUDY_DIRECTOR") in officials
    assert sorted(role for _, role in officials).count("PRINCIPAL_INVESTIGATOR") == 8
    # degrees ("Doctor", "Master") are not part of a name
    assert not _ask(page_graph, "?p a ctkg:Person ; rdfs:label ?l . FILTER(CONTAINS(?l, ','))")
    # the responsible party and the study director are one person
    assert _ask(page_graph, """
        trial:NCT03219801 ctkg:responsibleParty ?p ;
            ctkg:responsiblePartyType code:responsible-party-type\\/PRINCIPAL_INVESTIGATOR ;
            ctkg:hasRole ?r . ?r ctkg:agent ?p ; ctkg:roleType code:role\\/STUDY_DIRECTOR .
        ?p rdfs:label "Quanhai Li" .
    """)
    assert _ask(page_graph, """trial:NCT03219801 ctkg:hasRole ?r . ?r ctkg:roleType code:role\\/CONTACT ;
        ctkg:agent/rdfs:label "Jun Zhang" .""")


def test_the_one_site(page_graph: pyoxigraph.Store) -> None:
    assert _select(page_graph, """
        SELECT ?site ?city ?state ?iso {
            trial:NCT03219801 ctkg:site ?site .
            ?site ctkg:facility/rdfs:label "the First Hospital of Hebei Medical University" ;
                  schema:addressLocality ?city ; schema:addressRegion ?state ;
                  schema:addressCountry/skos:notation ?iso .
        }""") == [(
        "https://w3id.org/ctkg/id/site/CN/shijiazhuang/first-hospital-of-hebei-medical-university",
        "Shijiazhuang", "Hebei", "CN",
    )]


def test_eligibility(page_graph: pyoxigraph.Store) -> None:
    ((inclusion, exclusion, low, high),) = _select(page_graph, """
        SELECT ?inc ?exc ?min ?max { trial:NCT03219801 ctkg:eligibility ?e .
            ?e ctkg:inclusionCriteria ?inc ; ctkg:exclusionCriteria ?exc ; ctkg:minimumAge ?min ; ctkg:maximumAge ?max ;
               ctkg:minimumAgeUnit code:age-unit\\/YEARS ; ctkg:sex code:sex\\/ALL ;
               ctkg:healthyVolunteers false . }""")
    assert (low, high) == ("14", "60")
    assert inclusion.startswith("1. Diagnosis of SLE") and inclusion.count("\n") == 6
    assert exclusion.startswith("Patients with SLE have to be disqualified")
    assert "7. Patients with active tuberculosis" in exclusion


def test_affiliation_and_site_facility_are_one_organisation() -> None:
    triples = trial_triples(read_one(XML))
    labels = defaultdict(set)
    for t in triples:
        if t.predicate.value.endswith("#label"):
            labels[t.subject.value].add(t.object.value)
    org = "https://w3id.org/ctkg/id/organization/first-hospital-of-hebei-medical-university"
    assert labels[org] == {
        "The First Hospital of Hebei Medical University",
        "the First Hospital of Hebei Medical University",
    }


# Facts that legitimately differ between the two: the page is a later snapshot of the
# registry (the trial's status has since become UNKNOWN), and each names its own source record.
SNAPSHOT_DEPENDENT = {
    "https://w3id.org/ctkg/ontology#overallStatus",
    "http://www.w3.org/ns/prov#wasDerivedFrom",
}


def test_page_and_xml_agree_on_every_fact_both_contain() -> None:
    def index(path) -> dict[tuple[str, str], set[str]]:
        facts: dict[tuple[str, str], set[str]] = defaultdict(set)
        for t in trial_triples(read_one(path)):
            facts[(t.subject.value, t.predicate.value)].add(str(t.object))
        return facts

    page, xml = index(PAGE), index(XML)
    shared = [key for key in page.keys() & xml.keys() if key[1] not in SNAPSHOT_DEPENDENT]
    assert len(shared) > 150
    assert {key: page[key] for key in shared} == {key: xml[key] for key in shared}
    assert page[("https://w3id.org/ctkg/id/trial/NCT03219801", "https://w3id.org/ctkg/ontology#overallStatus")] == {
        "<https://w3id.org/ctkg/code/status/UNKNOWN>"
    }


def test_json_and_xml_of_one_trial_agree_on_their_texts() -> None:
    from_json = read_one(DATA / "ctgov-json" / "NCT02513394.json")
    from_xml = read_one(DATA / "ctgov-xml" / "NCT02513394.xml")
    assert from_json.brief_summary == from_xml.brief_summary
    assert from_json.detailed_description == from_xml.detailed_description
    assert from_json.eligibility.inclusion == from_xml.eligibility.inclusion
    assert from_json.conditions == from_xml.conditions
    assert from_json.lead_sponsor == from_xml.lead_sponsor
