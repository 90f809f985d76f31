"""The ontology (``ontology/ctkg.ttl``), the code schemes (``ontology/codes.ttl``) and the mapping agree.

Why: the mapping, the ontology and the concept schemes are edited separately, and nothing at run
time ties them together. These tests do: every ``ctkg:`` term the mapping uses is declared and
documented, nothing is declared that the mapping does not emit, ``codes.ttl`` is exactly what
``kg.ontology_codes`` generates from ``kg.vocab`` today, and the triples the mapping really
emits (for the bundled samples and for a synthetic trial that fills every field) respect the
declared domains, ranges, code schemes, disjointness, functional properties and property chains.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS
from rdflib.namespace import XSD as _XSD_TERMS
from rdflib.term import Node

import kg
import kg.mapping
from kg.errors import Rejection
from kg.mapping import MappingOptions, trial_triples
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
from kg.namespaces import CODE, CTKG
from kg.ontology_codes import CLOSE_MATCHES, EXACT_MATCHES, codes_graph
from kg.readers.sources import iter_sources
from kg.resources import data_dir, sample_records_dir
from kg.vocab import SCHEMES

ONTOLOGY_DIR = data_dir("ontology")
CTKG_TTL = ONTOLOGY_DIR / "ctkg.ttl"
CODES_TTL = ONTOLOGY_DIR / "codes.ttl"
MAPPING_SOURCE = Path(kg.mapping.__file__).read_text(encoding="utf-8")

NS = Namespace(str(CTKG))
ONTOLOGY_IRI = URIRef("https://w3id.org/ctkg/ontology")
VS_TERM_STATUS = URIRef("http://www.w3.org/2003/06/sw-vocab-status/ns#term_status")
RESERVED_STATUS = "unstable"
"""``vs:term_status`` of a term declared for later use, which the mapping need not emit yet."""

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# a string, not the namespace object: pytest probes module globals, and rdflib's closed XSD namespace
# warns on every name it does not define
XSD = str(_XSD_TERMS)
PARTIAL_DATE_TYPES = {f"{XSD}date", f"{XSD}gYearMonth", f"{XSD}gYear"}
del _XSD_TERMS
"""Datatypes of ``rdfs:Literal``-ranged properties: the ontology uses that range for partial dates only."""

EXTERNAL_NAMESPACES = (
    "http://www.w3.org/2001/XMLSchema#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2004/02/skos/core#",
    "https://schema.org/",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/prov#",
    "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/ns/adms#",
    "http://www.opengis.net/ont/geosparql#",
    "http://www.w3.org/2003/01/geo/wgs84_pos#",
)
"""Vocabularies the ontology may refer to as domains, ranges and super-terms."""

UNIVERSAL_PREDICATES = {str(RDF.type), str(RDFS.label)}
"""Predicates the mapping uses on every kind of node; not listed per class."""

PROPER_WORDS = {"MeSH", "NCT", "ISO", "PubMed"}
"""Words that keep their capitals in otherwise lower-case labels."""

READERS = {
    "ctgov-json": "kg.readers.ctgov_json",
    "ctgov-xml": "kg.readers.ctgov_xml",
    "trial-page": "kg.readers.trial_page",
}
"""Sample folder -> the reader module it needs (some readers are still being written)."""


# --- the ontology as plain sets and maps ----------------------------------------------------------


@dataclass(frozen=True)
class Ontology:
    graph: Graph
    classes: frozenset[str]
    object_properties: frozenset[str]
    datatype_properties: frozenset[str]
    annotation_properties: frozenset[str]
    domains: dict[str, frozenset[str]]
    ranges: dict[str, frozenset[str]]
    code_schemes: dict[str, str]

    @property
    def properties(self) -> frozenset[str]:
        return self.object_properties | self.datatype_properties

    @property
    def terms(self) -> frozenset[str]:
        return self.classes | self.properties | self.annotation_properties


def _members(graph: Graph, node: Node) -> frozenset[str]:
    """A named class, or the members of an ``owl:unionOf`` class expression."""
    if isinstance(node, URIRef):
        return frozenset({str(node)})
    union = graph.value(node, OWL.unionOf)
    assert isinstance(node, BNode) and union is not None, f"unsupported class expression {node!r}"
    return frozenset(str(member) for member in Collection(graph, union))


def _ours(graph: Graph, kind: URIRef) -> frozenset[str]:
    return frozenset(str(s) for s in graph.subjects(RDF.type, kind) if str(s).startswith(str(NS)))


@cache
def ontology() -> Ontology:
    graph = Graph().parse(CTKG_TTL, format="turtle")
    domains: dict[str, frozenset[str]] = {}
    ranges: dict[str, frozenset[str]] = {}
    for prop, target in graph.subject_objects(RDFS.domain):
        assert str(prop) not in domains, f"{prop} has more than one rdfs:domain"
        domains[str(prop)] = _members(graph, target)
    for prop, target in graph.subject_objects(RDFS.range):
        assert str(prop) not in ranges, f"{prop} has more than one rdfs:range"
        ranges[str(prop)] = _members(graph, target)
    return Ontology(
        graph=graph,
        classes=_ours(graph, OWL.Class),
        object_properties=_ours(graph, OWL.ObjectProperty),
        datatype_properties=_ours(graph, OWL.DatatypeProperty),
        annotation_properties=_ours(graph, OWL.AnnotationProperty),
        domains=domains,
        ranges=ranges,
        code_schemes={str(p): str(s) for p, s in graph.subject_objects(NS.codeScheme)},
    )


@cache
def codes() -> Graph:
    return Graph().parse(CODES_TTL, format="turtle")


@cache
def concept_schemes() -> dict[str, frozenset[str]]:
    """Concept IRI -> the schemes it is in, from ``codes.ttl``."""
    graph = codes()
    return {
        str(c): frozenset(str(s) for s in graph.objects(c, SKOS.inScheme))
        for c in graph.subjects(RDF.type, SKOS.Concept)
    }


def mapping_terms() -> set[str]:
    """Every ``ctkg:`` term named in ``kg/mapping.py``, as a full IRI."""
    return {f"{CTKG}{name}" for name in re.findall(r"CTKG\.([A-Za-z0-9_]+)", MAPPING_SOURCE)}


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# --- what the mapping emits ------------------------------------------------------------------------


@dataclass
class Emitted:
    """Triples of many trials as strings, with every node's asserted types."""

    triples: set[tuple[str, str, pyoxigraph.NamedNode | pyoxigraph.Literal]] = field(default_factory=set)
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    values: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))

    def add_trials(self, trials: Iterable[Trial], options: MappingOptions | None = None) -> Emitted:
        for trial in trials:
            for t in trial_triples(trial, options):
                s, p, o = t.subject.value, t.predicate.value, t.object
                self.triples.add((s, p, o))  # type: ignore[arg-type]
                self.values[(s, p)].add(_term_key(o))
                if p == str(RDF.type):
                    self.types[s].add(o.value)
        return self

    def objects(self, subject: str, predicate: str) -> set[str]:
        return {v[1:] for v in self.values.get((subject, predicate), set()) if v.startswith("<")}


def _term_key(term: object) -> str:
    if isinstance(term, pyoxigraph.NamedNode):
        return "<" + term.value
    assert isinstance(term, pyoxigraph.Literal), term
    return f'"{term.value}"^^{term.datatype.value}@{term.language or ""}'


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@cache
def sample_trials(folder: str) -> tuple[Trial, ...]:
    """The good records of one bundled sample folder; skips when its reader is not there yet."""
    if not _module_exists(READERS[folder]):
        pytest.skip(f"{READERS[folder]} does not exist yet")
    path = sample_records_dir() / folder
    records: list[Trial | Rejection]
    if all(_module_exists(module) for module in READERS.values()):
        from kg.readers import read_records

        records = list(read_records([path]))
    else:  # read_records needs every reader; read this folder with its own
        reader = importlib.import_module(READERS[folder])
        records = []
        for source in iter_sources([path]):
            if not isinstance(source, Rejection):
                records.extend(reader.read(source))
    trials = tuple(r for r in records if isinstance(r, Trial))
    assert trials, f"no sample record of {folder} could be read"
    return trials


def _full_trials() -> tuple[Trial, ...]:
    """Synthetic trials that fill every field the mapping reads, so every term is emitted."""
    contact = PersonRole("Ada Site", "CONTACT", None, ("RN",), "+1 555 0100", "ada@example.org")
    first = Trial(
        nct_id="NCT99999901",
        provenance=Provenance(SourceFormat.CTGOV_JSON, "NCT99999901.json", "2024-05-01"),
        org_study_id="ORG-1",
        secondary_ids=(SecondaryId("R01 CA000001", "NIH", "National Cancer Institute"),),
        nct_aliases=("NCT99999900",),
        brief_title="A brief title",
        official_title="An official title",
        acronym="ABT",
        brief_summary="Summary.",
        detailed_description="Description.",
        overall_status="UNKNOWN",
        last_known_status="RECRUITING",
        why_stopped="Funding ended.",
        start_date=PartialDate("2019-12", True),
        primary_completion_date=PartialDate("2021-06-30", False),
        completion_date=PartialDate("2022", False),
        first_submitted=PartialDate("2019-11-02", True),
        first_posted=PartialDate("2019-11-05", True),
        last_update_posted=PartialDate("2023-01-10", True),
        status_verified=PartialDate("2023-01", True),
        phases=("PHASE1", "PHASE2"),
        study_type="INTERVENTIONAL",
        allocation="RANDOMIZED",
        intervention_model="PARALLEL",
        observational_model="COHORT",
        time_perspective="PROSPECTIVE",
        primary_purpose="TREATMENT",
        masking="DOUBLE",
        who_masked=("PARTICIPANT", "INVESTIGATOR"),
        enrollment=120,
        enrollment_actual=False,
        keywords=("lupus",),
        conditions=("Systemic Lupus Erythematosus",),
        condition_meshes=(MeshTerm("Systemic Lupus Erythematosus", "D008180"),),
        condition_mesh_ancestors=(
            MeshTerm("Autoimmune Diseases", "D001327"),
            MeshTerm("Connective Tissue Diseases"),
        ),
        intervention_meshes=(MeshTerm("Aspirin", "D001241"),),
        intervention_mesh_ancestors=(MeshTerm("Anti-Inflammatory Agents", "D000893"),),
        interventions=(
            Intervention("Aspirin", "DRUG", "100 mg daily", ("ASA",), ("Treatment",)),
            Intervention("Placebo", "DRUG", None, (), ("Control",)),
        ),
        arms=(
            Arm("Treatment", "EXPERIMENTAL", "Gets aspirin.", ("Aspirin",)),
            Arm("Control", "PLACEBO_COMPARATOR", "Gets placebo."),
        ),
        lead_sponsor=Organization("The Example University", "OTHER"),
        collaborators=(Organization("National Cancer Institute (NCI)", "NIH"),),
        responsible_party=ResponsibleParty(
            "PRINCIPAL_INVESTIGATOR", "Bea Lead", ("MD",), "Professor of Medicine", "Example University"
        ),
        officials=(PersonRole("Bea Lead", "PRINCIPAL_INVESTIGATOR", "Example University", ("MD", "PhD")),),
        central_contacts=(PersonRole("Cy Central", "CONTACT", None, (), "+1 555 0101", "cy@example.org"),
                          PersonRole("Example Clinical Trials Call Center", "CONTACT")),
        sites=(
            Site(
                facility="Example Hospital",
                city="Boston",
                state="Massachusetts",
                postal_code="02115",
                country="United States",
                latitude=42.33,
                longitude=-71.1,
                status="RECRUITING",
                contacts=(contact,),
            ),
            Site(city="Lyon", country="France"),
        ),
        eligibility=Eligibility(
            criteria="Inclusion Criteria:\n\n* adult\n\nExclusion Criteria:\n\n* pregnant",
            inclusion="* adult",
            exclusion="* pregnant",
            minimum_age=Age(Decimal(18), "YEARS"),
            maximum_age=Age(Decimal(6), "MONTHS"),
            sex="ALL",
            healthy_volunteers=False,
            age_groups=("ADULT", "OLDER_ADULT"),
            study_population="Patients of the clinic.",
        ),
        outcomes=(
            Outcome(OutcomeKind.PRIMARY, "SLEDAI score", "6 months", "Disease activity."),
            Outcome(OutcomeKind.SECONDARY, "Adverse events", "12 months"),
            Outcome(OutcomeKind.OTHER, "Quality of life"),
        ),
        references=(
            Reference("Doe J. A paper. 2020.", "12345678", "RESULT"),
            Reference("Roe R. Background. 2010.", None, "BACKGROUND"),
        ),
        has_results=True,
    )
    second = Trial(
        nct_id="NCT99999902",
        provenance=Provenance(SourceFormat.CTGOV_XML, "NCT99999902.xml", "2017-07-18"),
        brief_title="Sponsor-responsible study",
        lead_sponsor=Organization("Example Pharma", "INDUSTRY"),
        responsible_party=ResponsibleParty("SPONSOR"),
        study_type="OBSERVATIONAL",
    )
    return first, second


@cache
def full_emitted() -> Emitted:
    return Emitted().add_trials(_full_trials(), MappingOptions(include_contact_details=True))


@cache
def sample_emitted(folder: str) -> Emitted:
    return Emitted().add_trials(sample_trials(folder))


@cache
def all_emitted() -> Emitted:
    """Synthetic trials plus every sample folder whose reader exists, in one graph."""
    emitted = Emitted().add_trials(_full_trials(), MappingOptions(include_contact_details=True))
    for folder, module in READERS.items():
        if _module_exists(module):
            emitted.add_trials(sample_trials(folder))
    return emitted


@pytest.fixture(params=["synthetic", *READERS], ids=lambda p: str(p))
def emitted(request: pytest.FixtureRequest) -> Emitted:
    return full_emitted() if request.param == "synthetic" else sample_emitted(request.param)


# --- (a) both files parse with both parsers --------------------------------------------------------


@pytest.mark.parametrize("path", [CTKG_TTL, CODES_TTL], ids=lambda p: p.name)
def test_parses_with_rdflib(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 100


@pytest.mark.parametrize("path", [CTKG_TTL, CODES_TTL], ids=lambda p: p.name)
def test_parses_with_pyoxigraph(path: Path) -> None:
    triples = list(pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) == len(Graph().parse(path, format="turtle"))


def test_ontology_header() -> None:
    graph = ontology().graph
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    assert graph.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal(kg.__version__)
    for predicate in (
        URIRef("http://purl.org/dc/terms/title"),
        URIRef("http://purl.org/dc/terms/description"),
        URIRef("http://purl.org/dc/terms/license"),
        RDFS.comment,
    ):
        assert graph.value(ONTOLOGY_IRI, predicate) is not None, predicate


# --- (b) every term of the mapping is declared and documented --------------------------------------


def _english(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return [
        str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal) and o.language == "en"
    ]


def test_mapping_uses_terms() -> None:
    assert len(mapping_terms()) > 100  # the regex still finds the mapping's terms


@pytest.mark.parametrize("iri", sorted(mapping_terms()), ids=_local)
def test_mapping_term_is_declared(iri: str) -> None:
    graph = ontology().graph
    term = URIRef(iri)
    kinds = set(graph.objects(term, RDF.type)) & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    assert len(kinds) == 1, f"{_local(iri)} must be declared as exactly one of class/object/datatype property"
    assert _english(graph, term, RDFS.label), f"{_local(iri)} has no English rdfs:label"
    assert _english(graph, term, SKOS.definition), f"{_local(iri)} has no English skos:definition"


# --- (c) every declared term is documented and used ------------------------------------------------


def test_declared_terms_are_documented() -> None:
    onto = ontology()
    for iri in sorted(onto.terms):
        term = URIRef(iri)
        labels = _english(onto.graph, term, RDFS.label)
        definitions = _english(onto.graph, term, SKOS.definition)
        assert len(labels) == 1, f"{_local(iri)}: one English label expected, got {labels}"
        assert len(definitions) == 1, f"{_local(iri)}: one English definition expected, got {definitions}"
        assert all(w.islower() or not w.isalpha() or w in PROPER_WORDS for w in labels[0].split()), (
            f"{_local(iri)}: label {labels[0]!r} should be lower-case words"
        )
        assert definitions[0].endswith("."), f"{_local(iri)}: definition should be a sentence"


def test_definitions_name_registry_fields() -> None:
    onto = ontology()
    sourced = onto.classes | onto.properties
    exempt = {f"{CTKG}sourceFormat", f"{CTKG}sourceFile"}  # facts of the input file, not registry fields
    for iri in sorted(sourced - exempt):
        definition = _english(onto.graph, URIRef(iri), SKOS.definition)[0]
        assert re.search(r"protocolSection|derivedSection|<[A-Za-z_]+[ >]|hasResults", definition), (
            f"{_local(iri)}: the definition should name the ClinicalTrials.gov field"
        )


def test_every_ctkg_term_referenced_is_declared() -> None:
    onto = ontology()
    referenced = {
        str(node)
        for triple in onto.graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(NS))
    }
    assert referenced - onto.terms == set(), "undeclared (misspelt?) ctkg terms in ctkg.ttl"


def test_no_dead_terms() -> None:
    onto = ontology()
    reserved = {str(s) for s, o in onto.graph.subject_objects(VS_TERM_STATUS) if str(o) == RESERVED_STATUS}
    dead = (onto.classes | onto.properties) - mapping_terms() - reserved
    assert dead == set(), f"declared but never emitted by kg/mapping.py: {sorted(map(_local, dead))}"


def test_annotation_properties_are_used_in_the_ontology() -> None:
    onto = ontology()
    for iri in onto.annotation_properties:
        assert any(True for _ in onto.graph.subject_objects(URIRef(iri))), f"{_local(iri)} is never used"


def test_synthetic_trials_emit_every_term() -> None:
    """Keeps the conformance tests below complete: a term added to the mapping needs data here."""
    emitted = full_emitted()
    used = {p for _, p, _ in emitted.triples} | {t for types in emitted.types.values() for t in types}
    missing = mapping_terms() - used
    assert missing == set(), f"fill the fields for {sorted(map(_local, missing))} in _full_trials()"


# --- (d) codes.ttl is what kg/vocab.py generates now -----------------------------------------------


def test_codes_file_is_current() -> None:
    assert isomorphic(codes(), codes_graph()), (
        "ontology/codes.ttl is stale: run `python -m kg.ontology_codes ontology/codes.ttl`"
    )


def test_codes_cover_every_scheme_and_code() -> None:
    schemes = concept_schemes()
    for name, scheme in SCHEMES.items():
        for code in scheme.codes:
            assert schemes.get(f"{CODE}{name}/{code}") == {f"{CODE}{name}"}, (name, code)
    assert len(schemes) == sum(len(s.codes) for s in SCHEMES.values())


def test_code_mappings_name_existing_codes() -> None:
    for name, code in (*EXACT_MATCHES, *CLOSE_MATCHES):
        assert code in SCHEMES[name].codes, f"mapping of unknown code {name}/{code}"


def test_concepts_have_labels_and_notations() -> None:
    graph = codes()
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        assert _english(graph, concept, SKOS.prefLabel), concept  # type: ignore[arg-type]
        notation = graph.value(concept, SKOS.notation)
        assert notation is not None and str(concept).endswith("/" + str(notation)), concept
        assert graph.value(concept, SKOS.topConceptOf) == graph.value(concept, SKOS.inScheme), concept


# --- (e) every concept the mapping emits is declared ------------------------------------------------


def test_emitted_concepts_are_declared(emitted: Emitted) -> None:
    known = concept_schemes()
    emitted_codes = {o.value for _, _, o in emitted.triples if o.value.startswith(str(CODE))}
    assert emitted_codes, "no coded value emitted"
    assert emitted_codes - known.keys() == set(), "concepts missing from codes.ttl"


# --- (f) consistency ---------------------------------------------------------------------------------


def _is_external(iri: str) -> bool:
    return iri.startswith(EXTERNAL_NAMESPACES)


def test_domains_and_ranges_are_known_terms() -> None:
    onto = ontology()
    for prop in sorted(onto.properties):
        assert prop in onto.domains, f"{_local(prop)} has no rdfs:domain"
        assert prop in onto.ranges, f"{_local(prop)} has no rdfs:range"
    for prop, targets in (*onto.domains.items(), *onto.ranges.items()):
        for target in targets:
            assert target in onto.classes or _is_external(target), f"{_local(prop)}: unknown class {target}"


def test_property_kinds_match_ranges() -> None:
    onto = ontology()
    for prop in onto.object_properties:
        for target in onto.ranges[prop]:
            assert not target.startswith(XSD) and target != str(RDFS.Literal), _local(prop)
    for prop in onto.datatype_properties:
        assert onto.ranges[prop] <= {str(RDFS.Literal)} | {
            t for t in onto.ranges[prop] if t.startswith(XSD)
        }
    assert not onto.object_properties & onto.datatype_properties


def test_coded_properties_name_their_scheme() -> None:
    onto = ontology()
    coded = {p for p, r in onto.ranges.items() if r == {str(SKOS.Concept)}}
    assert coded == set(onto.code_schemes), "range skos:Concept and ctkg:codeScheme must go together"
    schemes = {str(s) for s in codes().subjects(RDF.type, SKOS.ConceptScheme)}
    for prop, scheme in onto.code_schemes.items():
        assert scheme in schemes, f"{_local(prop)}: {scheme} is not a concept scheme of codes.ttl"


def test_mapping_code_calls_use_the_declared_scheme() -> None:
    calls = re.findall(r"out\.code\(\s*\w+,\s*CTKG\.(\w+),\s*\"([\w-]+)\"", MAPPING_SOURCE)
    assert len(calls) > 20
    schemes = ontology().code_schemes
    for local, scheme in calls:
        assert schemes.get(f"{CTKG}{local}") == f"{CODE}{scheme}", f"ctkg:{local} is coded with {scheme!r}"


def test_emitted_triples_respect_domains_and_ranges(emitted: Emitted) -> None:
    onto = ontology()
    known = concept_schemes()
    problems: set[str] = set()
    for s, p, o in emitted.triples:
        if not p.startswith(str(NS)):
            continue
        name = _local(p)
        if p not in onto.properties:
            problems.add(f"{name}: not declared")
            continue
        if not emitted.types.get(s, set()) & onto.domains[p]:
            problems.add(
                f"{name}: subject typed {sorted(emitted.types[s])}, domain {sorted(onto.domains[p])}"
            )
        if p in onto.datatype_properties:
            if not isinstance(o, pyoxigraph.Literal):
                problems.add(f"{name}: object {o} is not a literal")
                continue
            allowed = PARTIAL_DATE_TYPES if onto.ranges[p] == {str(RDFS.Literal)} else onto.ranges[p]
            if o.datatype.value not in allowed:
                problems.add(f"{name}: literal of {o.datatype.value}, range {sorted(allowed)}")
        elif not isinstance(o, pyoxigraph.NamedNode):
            problems.add(f"{name}: object {o} is not an IRI")
        elif p in onto.code_schemes:
            if known.get(o.value) != {onto.code_schemes[p]}:
                problems.add(f"{name}: {o.value} is not in {onto.code_schemes[p]}")
        elif not emitted.types.get(o.value, set()) & onto.ranges[p]:
            problems.add(
                f"{name}: object typed {sorted(emitted.types[o.value])}, range {sorted(onto.ranges[p])}"
            )
    assert not problems, "\n".join(sorted(problems))


def _disjoint_groups(graph: Graph) -> Iterator[frozenset[str]]:
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        yield frozenset(str(c) for c in Collection(graph, graph.value(group, OWL.members)))
    for a, b in graph.subject_objects(OWL.disjointWith):
        yield frozenset({str(a), str(b)})


def test_no_node_has_two_disjoint_classes() -> None:
    groups = list(_disjoint_groups(ontology().graph))
    assert groups
    for node, types in all_emitted().types.items():
        for group in groups:
            assert len(types & group) <= 1, f"{node} is typed {sorted(types & group)}, declared disjoint"


def test_functional_properties_have_one_value() -> None:
    onto = ontology()
    functional = {str(p) for p in onto.graph.subjects(RDF.type, OWL.FunctionalProperty)}
    assert functional <= onto.properties
    for (subject, predicate), values in all_emitted().values.items():
        if predicate in functional:
            assert len(values) == 1, f"{subject} has {len(values)} values of functional {_local(predicate)}"


def test_property_chains_hold_in_the_data() -> None:
    graph = ontology().graph
    chains = [
        (str(p), [str(x) for x in Collection(graph, c)])
        for p, c in graph.subject_objects(OWL.propertyChainAxiom)
    ]
    assert chains
    emitted = all_emitted()
    by_predicate: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s, p, o in emitted.triples:
        if isinstance(o, pyoxigraph.NamedNode):
            by_predicate[p].append((s, o.value))
    for prop, (first, second) in chains:
        composed = {(x, z) for x, y in by_predicate[first] for z in emitted.objects(y, second)}
        assert composed, f"the chain of {_local(prop)} never occurs in the data"
        for x, z in sorted(composed):
            assert z in emitted.objects(x, prop), (
                f"{x} {_local(first)}/{_local(second)} {z} but not {_local(prop)}"
            )


def test_external_terms_are_listed() -> None:
    """The ontology names every term of other vocabularies the mapping emits, and no other."""
    listed = {str(o) for o in ontology().graph.objects(None, NS.usesExternalTerm)}
    emitted = all_emitted()
    used = {p for _, p, _ in emitted.triples if not p.startswith(str(NS))} - UNIVERSAL_PREDICATES
    used |= {t for types in emitted.types.values() for t in types if not t.startswith(str(NS))}
    assert used - listed == set(), "external terms the mapping uses but ctkg.ttl does not list"
    assert listed - used == set(), "external terms ctkg.ttl lists but the mapping does not use"
