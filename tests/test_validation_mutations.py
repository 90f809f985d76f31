"""Every constraint of the shipped shapes fails on a real record mutated to break it, and only then.

For each core constraint (property shape x component) a real record is mutated to break exactly
that rule: a required value removed, a second value added, a value of the wrong datatype, kind,
class, pattern, code or range put in its place. For each SPARQL rule a hand-written mutation does
the same. The unmutated record must not show the result, the mutated one must show it and no
other new (shape, component), and both engines must report the same results on both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache

import pyoxigraph as ox
import pytest
from validation_helpers import TODAY, base_triples, full, keys, run, shapes_for

from kg.validation.shapes import Component, PropertyShape, parse_shapes
from kg.validation.terms import rdflib_to_ox

SH = "http://www.w3.org/ns/shacl#"
CTSH = "https://w3id.org/ctkg/shapes#"
CTKG = "https://w3id.org/ctkg/ontology#"
CODE = "https://w3id.org/ctkg/code/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
Triples = list[ox.Triple]
Mutation = Callable[[Triples], Triples]


@dataclass(frozen=True)
class Case:
    name: str
    base: str
    mutate: Mutation
    expected: tuple[str, str]
    """(shape, component) the mutation must add."""
    prepare: Mutation | None = None
    today: date = TODAY
    collateral: bool = False
    """Core mutations may also trip SPARQL rules that read the same property (a second allocation,
    an earlier second completion date ...); no other core constraint may fail."""


def _n(local: str, ns: str = CTKG) -> ox.NamedNode:
    return ox.NamedNode(ns + local)


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


# ------------------------------------------------------------------ core constraints, generated


def _instances(triples: Triples, cls: ox.NamedNode) -> list[ox.NamedNode]:
    return sorted({t.subject for t in triples if t.predicate == RDF_TYPE and t.object == cls}, key=str)


def _values(triples: Triples, focus: ox.NamedNode, path: ox.NamedNode) -> list:
    return [t.object for t in triples if t.subject == focus and t.predicate == path]


def _replace(triples: Triples, focus, path, new) -> Triples:
    """The focus node's values of ``path`` replaced by ``new`` (or ``new`` added if it had none)."""
    kept = [t for t in triples if not (t.subject == focus and t.predicate == path)]
    return [*kept, ox.Triple(focus, path, new)]


def _component(prop: PropertyShape, kind: str) -> Component | None:
    return next((c for c in prop.components if c.kind == kind), None)


def _valid_other(triples: Triples, prop: PropertyShape, existing) -> tuple[object, list[ox.Triple]]:
    """A value different from ``existing`` that passes every value constraint of the shape."""
    members = _component(prop, "in")
    if members is not None:
        for member in members.value:  # type: ignore[attr-defined]
            term = rdflib_to_ox(member)
            if term != existing:
                return term, []
    cls = _component(prop, "class") or _component(prop, "or")
    pattern = _component(prop, "pattern")
    if pattern is not None:
        regex = re.compile(pattern.value[0])  # type: ignore[index]
        text = next(c for c in _PATTERNED if regex.search(c))
        if isinstance(existing, ox.NamedNode):
            return ox.NamedNode(text), []
        if isinstance(existing, ox.Literal):
            return ox.Literal(text, datatype=existing.datatype), []
        return ox.Literal(text), []
    if isinstance(existing, ox.NamedNode) or (existing is None and cls is not None):
        if cls is not None and cls.kind == "or":
            cls = cls.value[0][0]  # type: ignore[index]
        if cls is not None:
            others = [i for i in _instances(triples, rdflib_to_ox(cls.value)) if i != existing]  # type: ignore[arg-type]
            if others:
                return others[0], []
        if isinstance(existing, ox.NamedNode):  # a copy of the node with everything it says
            node = ox.NamedNode(existing.value + "-other")
            return node, [ox.Triple(node, t.predicate, t.object) for t in triples if t.subject == existing]
        node = ox.NamedNode(f"https://w3id.org/ctkg/id/test/{prop.path.split('#')[-1].split('/')[-1]}-other")
        extra = [ox.Triple(node, RDF_TYPE, rdflib_to_ox(cls.value))] if cls is not None else []  # type: ignore[arg-type]
        return node, extra
    if isinstance(existing, ox.Literal) and existing.datatype.value != XSD + "string":
        alternatives = {"date": "2018-06-15", "gYearMonth": "2018-06", "gYear": "2018", "integer": "3",
                        "decimal": "1.5", "boolean": "true" if existing.value == "false" else "false"}
        if existing.datatype.value.endswith("#wktLiteral"):
            return ox.Literal("POINT(1.5 2.5)", datatype=existing.datatype), []
        datatype = existing.datatype.value.removeprefix(XSD)
        if datatype == "decimal" and existing.value == "1.5":
            return _typed("2.5", "decimal"), []
        if datatype in alternatives:
            return _typed(alternatives[datatype], datatype), []
        return ox.Literal(existing.value + " 0", datatype=existing.datatype), []
    datatype = _component(prop, "datatype")
    if datatype is not None and str(datatype.value) != XSD + "string":
        return ox.Literal("POINT(1.5 2.5)", datatype=rdflib_to_ox(datatype.value)), []  # type: ignore[arg-type]
    text = existing.value if isinstance(existing, ox.Literal) else "text"
    return ox.Literal(text + " (other)"), []


_PATTERNED = ("NCT07654321", "https://clinicaltrials.gov/study/NCT07654321", "ZZ", "ZZZ", "D000001", "123456",
              "POINT(1.5 2.5)")
"""Values that match the patterns of the shipped shapes, for second values that break nothing else."""
_NUMERIC = {XSD + "integer", XSD + "decimal"}


def _bad_value(prop: PropertyShape, component: Component, existing) -> object:
    """A value that breaks ``component`` and, where possible, only it."""
    kind, value = component.kind, component.value
    if kind == "datatype":
        lexical = existing.value if isinstance(existing, ox.Literal) else "x"
        if str(value) == XSD + "string":
            return ox.Literal(lexical, language="en")
        if str(value) in _NUMERIC:  # still a number, so ranges compare as before
            return ox.Literal(lexical if lexical != "x" else "1", datatype=ox.NamedNode(XSD + "double"))
        return ox.Literal(lexical)
    if kind == "or":
        members = value  # type: ignore[assignment]
        if members[0][0].kind == "datatype":  # type: ignore[index]
            return ox.Literal(existing.value if isinstance(existing, ox.Literal) else "2019-12-30")
        return ox.NamedNode("https://w3id.org/ctkg/id/test/dangling")
    if kind == "class":
        return ox.NamedNode("https://w3id.org/ctkg/id/test/dangling")
    if kind == "in":
        first = str(next(iter(value)))  # type: ignore[call-overload]
        return ox.NamedNode(first.rsplit("/", 1)[0] + "/NOT_A_CODE")
    if kind == "pattern":
        if isinstance(existing, ox.NamedNode):
            return ox.NamedNode("https://example.org/not-the-pattern")
        datatype = existing.datatype if isinstance(existing, ox.Literal) else None
        if datatype is not None and datatype.value != XSD + "string":
            return ox.Literal("POINT(east north)", datatype=datatype)
        return ox.Literal("not the pattern")
    if kind in ("minInclusive", "maxInclusive"):
        bound = float(str(value))
        number = bound - 1 if kind == "minInclusive" else bound + 1
        datatype = existing.datatype if isinstance(existing, ox.Literal) else ox.NamedNode(XSD + "decimal")
        text = str(int(number)) if number == int(number) else f"{number:.1f}"  # canonical, as a store keeps it
        return ox.Literal(text, datatype=datatype)
    if kind == "nodeKind":
        return ox.Literal(existing.value if existing is not None else "not an IRI")
    raise AssertionError(f"no mutation for sh:{kind}")


def _pick(prop_owner_classes, prop: PropertyShape) -> tuple[str, ox.NamedNode, object] | None:
    """(base, focus, existing value) of the first base record with a focus node for the shape."""
    path = rdflib_to_ox(prop.path)
    fallback = None
    for base in ("seed-xml", "json-references", "json-site-contacts", "json-alias", "seed-page"):
        triples = list(base_triples(base))
        for cls in prop_owner_classes:
            for focus in _instances(triples, rdflib_to_ox(cls)):
                values = _values(triples, focus, path)
                if values:
                    return base, focus, values[0]
                if fallback is None:
                    fallback = (base, focus, None)
    return fallback


def _core_cases() -> Iterator[Case]:
    for shape in parse_shapes(shapes_for()):
        if not shape.target_classes:
            continue
        for prop in shape.properties:
            picked = _pick(shape.target_classes, prop)
            if picked is None:
                continue
            base, focus, existing = picked
            path = rdflib_to_ox(prop.path)
            for component in prop.components:
                name = f"{str(prop.node).removeprefix(CTSH)}-{component.kind}"
                expected = (str(prop.node), component.iri)
                if component.kind == "minCount":
                    if existing is None:
                        continue
                    def remove(t: Triples, f=focus, p=path) -> Triples:
                        return [x for x in t if not (x.subject == f and x.predicate == p)]
                    yield Case(name, base, remove, expected)
                elif component.kind == "maxCount":
                    def add_second(t: Triples, f=focus, p=path, e=existing, pr=prop) -> Triples:
                        first, extra1 = (e, []) if e is not None else _valid_other(t, pr, None)
                        second, extra2 = _valid_other(t, pr, first)
                        kept = [x for x in t if not (x.subject == f and x.predicate == p)]
                        return [*kept, ox.Triple(f, p, first), ox.Triple(f, p, second), *extra1, *extra2]
                    yield Case(name, base, add_second, expected, collateral=True)
                else:
                    bad = _bad_value(prop, component, existing)
                    yield Case(name, base, lambda t, f=focus, p=path, b=bad: _replace(t, f, p, b), expected,
                               collateral=True)
    # a malformed date of the right datatype
    yield Case("malformed-date", "seed-xml",
               lambda t: _replace(t, _n("NCT03219801", "https://w3id.org/ctkg/id/trial/"), _n("startDate"),
                                  _typed("2017-13-45", "date")),
               (CTSH + "ClinicalTrial-startDate", SH + "OrConstraintComponent"))
    yield Case("malformed-month", "seed-xml",
               lambda t: _replace(t, _n("NCT03219801", "https://w3id.org/ctkg/id/trial/"), _n("completionDate"),
                                  _typed("2019-13", "gYearMonth")),
               (CTSH + "ClinicalTrial-completionDate", SH + "OrConstraintComponent"))
    # no base record has a MeSH heading (a legacy XML term the lexicon does not know): add one
    heading = ox.NamedNode("https://w3id.org/ctkg/id/mesh-term/lupus-nephritis")
    label = _n("label", "http://www.w3.org/2000/01/rdf-schema#")

    def with_heading(t: Triples) -> Triples:
        return [*t, ox.Triple(_n("NCT03219801", "https://w3id.org/ctkg/id/trial/"), _n("conditionMesh"), heading),
                ox.Triple(heading, RDF_TYPE, _n("MeshHeading")),
                ox.Triple(heading, label, ox.Literal("Lupus Nephritis"))]
    yield Case("MeshHeading-label-minCount", "seed-xml",
               lambda t: [x for x in t if x.subject != heading or x.predicate != label],
               (CTSH + "MeshHeading-label", SH + "MinCountConstraintComponent"), prepare=with_heading)
    yield Case("MeshHeading-label-datatype", "seed-xml",
               lambda t: _replace(t, heading, label, ox.Literal("Lupus", language="en")),
               (CTSH + "MeshHeading-label", SH + "DatatypeConstraintComponent"), prepare=with_heading)
    # a node shape's own constraints: a MeSH descriptor whose IRI is not NLM's
    def odd_descriptor(t: Triples) -> Triples:
        node = ox.NamedNode("https://w3id.org/ctkg/id/test/D001943")
        return [*t, ox.Triple(node, RDF_TYPE, _n("MeshDescriptor")), ox.Triple(node, label, ox.Literal("x")),
                ox.Triple(node, _n("notation", "http://www.w3.org/2004/02/skos/core#"), ox.Literal("D001943"))]
    yield Case("mesh-descriptor-iri", "json-alias", odd_descriptor,
               (CTSH + "MeshDescriptorShape", SH + "PatternConstraintComponent"))

    def blank_descriptor(t: Triples) -> Triples:
        node = ox.BlankNode("descriptor")
        return [*t, ox.Triple(node, RDF_TYPE, _n("MeshDescriptor")), ox.Triple(node, label, ox.Literal("x")),
                ox.Triple(node, _n("notation", "http://www.w3.org/2004/02/skos/core#"), ox.Literal("D001943"))]
    yield Case("mesh-descriptor-blank", "json-alias", blank_descriptor,
               (CTSH + "MeshDescriptorShape", SH + "NodeKindConstraintComponent"), collateral=True)


# ------------------------------------------------------------------ SPARQL rules, by hand

TRIAL = ox.NamedNode("https://w3id.org/ctkg/id/trial/NCT03219801")


def _set(predicate: str, value) -> Mutation:
    return lambda t: _replace(t, TRIAL, _n(predicate), value)


def _code(scheme: str, code: str) -> ox.NamedNode:
    return ox.NamedNode(f"{CODE}{scheme}/{code}")


def _drop(predicate: str, subject=None) -> Mutation:
    return lambda t: [x for x in t if not (x.predicate == _n(predicate) and (subject is None or x.subject == subject))]


def _drop_iri(iri: str) -> Mutation:
    return lambda t: [x for x in t if x.predicate.value != iri]


def _first(t: Triples, predicate: str, subject=TRIAL):
    return sorted((x.object for x in t if x.subject == subject and x.predicate == _n(predicate)), key=str)[0]


def _second_arm(t: Triples) -> Triples:
    arm = ox.NamedNode(str(TRIAL.value) + "/arm/control")
    return [*t, ox.Triple(TRIAL, _n("arm"), arm), ox.Triple(arm, RDF_TYPE, _n("Arm")),
            ox.Triple(arm, _n("label", "http://www.w3.org/2000/01/rdf-schema#"), ox.Literal("control"))]


def _foreign_intervention(t: Triples) -> Triples:
    usage = ox.NamedNode("https://w3id.org/ctkg/id/trial/NCT00000001/intervention/placebo")
    arm = _first(t, "arm")
    shared = ox.NamedNode("https://w3id.org/ctkg/id/intervention/placebo")
    return [*t, ox.Triple(arm, _n("receives"), usage), ox.Triple(usage, RDF_TYPE, _n("TrialIntervention")),
            ox.Triple(usage, _n("label", "http://www.w3.org/2000/01/rdf-schema#"), ox.Literal("placebo")),
            ox.Triple(usage, _n("intervention"), shared), ox.Triple(shared, RDF_TYPE, _n("Intervention")),
            ox.Triple(shared, _n("label", "http://www.w3.org/2000/01/rdf-schema#"), ox.Literal("placebo"))]


def _same_outcome(t: Triples) -> Triples:
    first, second = (ox.NamedNode(f"{TRIAL.value}/outcome/secondary-{i}") for i in (1, 2))
    measure, frame = _first(t, "measure", first), _first(t, "timeFrame", first)
    return _replace(_replace(t, second, _n("measure"), measure), second, _n("timeFrame"), frame)


def _exclusion_as_inclusion(t: Triples) -> Triples:
    elig = ox.NamedNode(f"{TRIAL.value}/eligibility")
    return _replace(t, elig, _n("exclusionCriteria"), _first(t, "inclusionCriteria", elig))


def _site_status(t: Triples) -> Triples:
    sites = [x.object for x in t if x.predicate == _n("hasTrialSite")]
    return [*t, *(ox.Triple(s, _n("recruitmentStatus"), _code("recruitment-status", "RECRUITING")) for s in sites)]


def _neutral_text(t: Triples) -> Triples:
    texts = {_n("briefSummary"), _n("detailedDescription"), ox.NamedNode("http://purl.org/dc/terms/description")}
    return [x if x.predicate not in texts else ox.Triple(x.subject, x.predicate, ox.Literal("Cells are infused."))
            for x in t]


def _first_role(t: Triples) -> ox.NamedNode:
    return _first(t, "hasRole")


def _role_without_person(t: Triples) -> Triples:
    role = _first_role(t)
    return [x for x in t if not (x.subject == role and x.predicate == _n("agent"))]


def _role_with_contact_name(t: Triples) -> Triples:
    return [*t, ox.Triple(_first_role(t), _n("contactName"), ox.Literal("Clinical Trials Call Center"))]


def _say(text: str) -> Mutation:
    return lambda t: _replace(t, TRIAL, _n("detailedDescription"), ox.Literal(text))


def _rule_cases() -> Iterator[Case]:
    early = date(2017, 1, 1)
    yield Case("start-after-primary", "seed-xml", _set("startDate", _typed("2019-01", "gYearMonth")),
               (CTSH + "StartNotAfterPrimaryCompletion", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("primary-after-completion", "seed-xml", _set("primaryCompletionDate", _typed("2020-01", "gYearMonth")),
               (CTSH + "PrimaryCompletionNotAfterCompletion", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("start-after-completion", "seed-page", _set("startDate", _typed("2020", "gYear")),
               (CTSH + "StartNotAfterCompletion", SH + "SPARQLConstraintComponent"))
    yield Case("minimum-age-above-maximum", "seed-xml",
               lambda t: _replace(t, ox.NamedNode(f"{TRIAL.value}/eligibility"), _n("minimumAgeYears"),
                                  _typed("70", "decimal")),
               (CTSH + "MinimumAgeNotAboveMaximumAge", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("arm-intervention-of-other-trial", "seed-xml", _foreign_intervention,
               (CTSH + "ArmInterventionOfSameTrial", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("lead-sponsor-collaborates", "seed-xml",
               lambda t: [*t, ox.Triple(TRIAL, _n("collaborator"), _first(t, "leadSponsor"))],
               (CTSH + "LeadSponsorNotCollaborator", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("inclusion-equals-exclusion", "seed-xml", _exclusion_as_inclusion,
               (CTSH + "InclusionDiffersFromExclusion", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("repeated-outcome", "seed-xml", _same_outcome,
               (CTSH + "OutcomeHasOwnMeasure", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("allocation-na-two-arms", "seed-page", _second_arm,
               (CTSH + "AllocationNotApplicableWithSeveralArms", SH + "SPARQLConstraintComponent"))
    yield Case("randomized-one-arm", "seed-page", _set("allocation", _code("allocation", "RANDOMIZED")),
               (CTSH + "RandomizedWithOneArm", SH + "SPARQLConstraintComponent"))
    yield Case("interventional-without-intervention", "seed-xml",
               lambda t: _drop("receives")(_drop("hasIntervention")(t)),
               (CTSH + "InterventionalWithoutIntervention", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("stale-completion", "seed-xml", _set("completionDate", _typed("2018-01", "gYearMonth")),
               (CTSH + "StaleCompletionDate", SH + "SPARQLConstraintComponent"), today=date(2018, 6, 1),
               prepare=_drop("primaryCompletionDate"))
    yield Case("stale-start", "seed-xml", _set("startDate", _typed("2016-12-31", "date")),
               (CTSH + "StaleStartDate", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("actual-enrollment-before-start", "seed-xml", _set("enrollmentType", _code("date-type", "ACTUAL")),
               (CTSH + "ActualEnrollmentBeforeStart", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("status-unknown", "seed-xml", _set("overallStatus", _code("status", "UNKNOWN")),
               (CTSH + "StatusUnknown", SH + "SPARQLConstraintComponent"), today=early,
               prepare=_site_status)
    yield Case("site-without-country", "seed-xml", _drop_iri("https://schema.org/addressCountry"),
               (CTSH + "TrialSiteWithoutCountry", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("site-without-status", "seed-xml", _drop("recruitmentStatus"),
               (CTSH + "TrialSiteWithoutStatus", SH + "SPARQLConstraintComponent"), today=early, prepare=_site_status)
    yield Case("no-primary-completion", "seed-xml", _drop("primaryCompletionDate"),
               (CTSH + "NoPrimaryCompletionDate", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("randomisation-in-text", "seed-xml", _say("Patients were randomly assigned to two groups."),
               (CTSH + "RandomisationOnlyInText", SH + "SPARQLConstraintComponent"), today=early, prepare=_neutral_text)
    yield Case("role-without-person", "seed-xml", _role_without_person,
               (CTSH + "RoleNamesSomeone", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("role-with-person-and-contact", "seed-xml", _role_with_contact_name,
               (CTSH + "RoleNotBothPersonAndContact", SH + "SPARQLConstraintComponent"), today=early)
    yield Case("control-group-one-arm", "seed-page", _say("Results are compared with a control group."),
               (CTSH + "ControlGroupWithOneArm", SH + "SPARQLConstraintComponent"), prepare=_neutral_text)


CASES = [*_core_cases(), *_rule_cases()]


def _unchanged(triples: Triples) -> Triples:
    return triples


def test_every_constraint_has_a_case() -> None:
    """Every (shape, component) of the shipped shapes is broken by at least one case."""
    wanted = set()
    for shape in parse_shapes(shapes_for()):
        for prop in shape.properties:
            wanted |= {(str(prop.node), c.iri) for c in prop.components}
        wanted |= {(str(shape.node), SH + "SPARQLConstraintComponent") for _ in shape.sparql}
        wanted |= {(str(shape.node), c.iri) for c in shape.components}
    covered = {case.expected for case in CASES}
    assert sorted(wanted - covered) == []


@cache
def _base_keys(case: Case) -> set[tuple[str, str]]:
    base, _ = _both(case)
    return keys(run(base, "sparql", case.today))


def _both(case: Case) -> tuple[Triples, Triples]:
    base = list(base_triples(case.base))
    if case.prepare:
        base = case.prepare(base)
    return base, case.mutate(list(base))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_mutation_breaks_exactly_its_rule(case: Case) -> None:
    _, mutated = _both(case)
    before = _base_keys(Case(case.base, case.base, _unchanged, ("", ""), case.prepare, case.today))
    after = keys(run(mutated, "sparql", case.today))
    assert case.expected not in before
    assert case.expected in after
    extra = after - before - {case.expected}
    if case.collateral:
        extra = {(shape, component) for shape, component in extra
                 if component != SH + "SPARQLConstraintComponent" and shape != case.expected[0]}
    assert extra == set()


_ID = "https://w3id.org/ctkg/id/"


def _rename(triples: Triples, tag: str) -> Triples:
    """The triples with every node of ours moved under ``id/<tag>/``, so cases cannot meet."""
    def term(node):
        if isinstance(node, ox.NamedNode) and node.value.startswith(_ID):
            return ox.NamedNode(f"{_ID}{tag}/{node.value[len(_ID):]}")
        if isinstance(node, ox.BlankNode):
            return ox.BlankNode(f"{tag}{node.value}")
        return node
    return [ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in triples]


def _touches_shared_iris(triples: Triples) -> bool:
    return any(isinstance(t.subject, ox.NamedNode) and not t.subject.value.startswith(_ID) for t in triples)


_BASES_SEEN: set[tuple] = set()
_CHUNK = 12
"""Cases validated together in one pySHACL run: its SPARQL rules grow worse than linearly with the
graph, so a dozen small records at a time is fastest."""


def _chunks() -> list[list[int]]:
    by_day: dict[date, list[int]] = {}
    for index, case in enumerate(CASES):
        by_day.setdefault(case.today, []).append(index)
    return [ids[i:i + _CHUNK] for ids in by_day.values() for i in range(0, len(ids), _CHUNK)]


@pytest.mark.slow
@pytest.mark.parametrize("chunk", _chunks(), ids=lambda ids: f"{CASES[ids[0]].name}..{CASES[ids[-1]].name}")
def test_engines_agree_on_every_mutation(chunk: list[int]) -> None:
    """pySHACL and the compiled engine give the same results on every base and mutated record.

    Cases are validated a dozen at a time: each case's nodes are renamed into their own namespace,
    so the results of the union are the union of the results of each case, and equal unions mean
    equal results case by case. Cases that touch nodes outside our namespace (MeSH descriptors)
    run alone.
    """
    today = CASES[chunk[0]].today
    together: Triples = []
    alone: list[Triples] = []
    for index in chunk:
        case = CASES[index]
        base, mutated = _both(case)
        changed = list(set(base) ^ set(mutated))
        base_key = (case.base, case.prepare, case.today)
        graphs = [("m", mutated)]
        if base_key not in _BASES_SEEN:  # many cases share their base record: check each base once
            _BASES_SEEN.add(base_key)
            graphs.append(("b", base))
        for label, triples in graphs:
            renamed = _rename(triples, f"c{index}{label}")
            if _touches_shared_iris(changed):
                alone.append(renamed)
            else:
                together.extend(renamed)
    for triples in (together, *alone):
        if triples:
            assert full(run(triples, "sparql", today)) == full(run(triples, "pyshacl", today))
