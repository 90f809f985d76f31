"""Generate ``ontology/codes.ttl``, the SKOS concept schemes of coded values, from ``kg.vocab``.

Why generated: ``kg.vocab.SCHEMES`` is what the readers map registry spellings to and what the
mapping turns into concept IRIs (``https://w3id.org/ctkg/code/<scheme>/<CODE>``), so it is the one
source of truth. Writing the schemes by hand would let the published file and the emitted IRIs
drift apart; ``tests/test_ontology.py`` checks that the committed file is isomorphic to what
``codes_graph()`` builds now.

Each scheme becomes a ``skos:ConceptScheme`` with its label; each code a ``skos:Concept`` that is a
top concept of its scheme, with the registry's label as ``skos:prefLabel`` and the code itself as
``skos:notation``. Mappings to other vocabularies are added only where the meaning is certain
(``skos:exactMatch``) or plainly close (``skos:closeMatch``).

Run ``python -m kg.ontology_codes ontology/codes.ttl`` after changing ``kg/vocab.py``; the output
is sorted, so the same vocabulary always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from kg.generated import write_generated
from kg.namespaces import CODE
from kg.vocab import SCHEMES

__all__ = ["CLOSE_MATCHES", "EXACT_MATCHES", "HEADER", "codes_graph", "codes_turtle", "main"]

_SCHEMA = Namespace("https://schema.org/")

# schema.org's MedicalStudyStatus members say the same as the registry's statuses.
_STUDY_STATUS = {
    "ACTIVE_NOT_RECRUITING": _SCHEMA.ActiveNotRecruiting,
    "COMPLETED": _SCHEMA.Completed,
    "ENROLLING_BY_INVITATION": _SCHEMA.EnrollingByInvitation,
    "NOT_YET_RECRUITING": _SCHEMA.NotYetRecruiting,
    "RECRUITING": _SCHEMA.Recruiting,
    "SUSPENDED": _SCHEMA.Suspended,
    "TERMINATED": _SCHEMA.Terminated,
    "WITHDRAWN": _SCHEMA.Withdrawn,
}

EXACT_MATCHES: dict[tuple[str, str], tuple[URIRef, ...]] = {
    **{("status", code): (iri,) for code, iri in _STUDY_STATUS.items()},
    **{("recruitment-status", code): (iri,) for code, iri in _STUDY_STATUS.items()},
}
"""(scheme, code) -> IRIs of other vocabularies with the same meaning."""

CLOSE_MATCHES: dict[tuple[str, str], tuple[URIRef, ...]] = {
    # schema.org's MedicalTrialDesign names designs, the registry names the design's parts.
    ("allocation", "RANDOMIZED"): (_SCHEMA.RandomizedTrial,),
    ("masking", "NONE"): (_SCHEMA.OpenTrial,),
    ("masking", "SINGLE"): (_SCHEMA.SingleBlindedTrial,),
    ("masking", "DOUBLE"): (_SCHEMA.DoubleBlindedTrial,),
    ("masking", "TRIPLE"): (_SCHEMA.TripleBlindedTrial,),
    # eligible sex against schema.org's GenderType
    ("sex", "FEMALE"): (_SCHEMA.Female,),
    ("sex", "MALE"): (_SCHEMA.Male,),
}
"""(scheme, code) -> IRIs of other vocabularies with nearly the same meaning."""

HEADER = (
    "# SKOS concept schemes of the coded values of the ctkg graph.\n"
    "# Generated from kg/vocab.py by `python -m kg.ontology_codes ontology/codes.ttl`: do not edit by hand.\n"
)


def scheme_iri(scheme: str) -> URIRef:
    return URIRef(f"{CODE}{scheme}")


def concept_iri(scheme: str, code: str) -> URIRef:
    """The same IRI as ``kg.iris.code_iri``, as an rdflib term."""
    return URIRef(f"{CODE}{scheme}/{code}")


def codes_graph() -> Graph:
    """Every scheme of ``kg.vocab.SCHEMES`` and its concepts, with the mappings above."""
    graph = Graph()
    graph.bind("skos", SKOS)
    graph.bind("schema", _SCHEMA)
    graph.bind("code", Namespace(str(CODE)))
    for name, scheme in SCHEMES.items():
        scheme_node = scheme_iri(name)
        graph.add((scheme_node, RDF.type, SKOS.ConceptScheme))
        graph.add((scheme_node, SKOS.prefLabel, Literal(scheme.label, lang="en")))
        for code, label in scheme.codes.items():
            concept = concept_iri(name, code)
            graph.add((concept, RDF.type, SKOS.Concept))
            graph.add((concept, SKOS.inScheme, scheme_node))
            graph.add((concept, SKOS.topConceptOf, scheme_node))
            graph.add((scheme_node, SKOS.hasTopConcept, concept))
            graph.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
            graph.add((concept, SKOS.notation, Literal(code)))
            for match in EXACT_MATCHES.get((name, code), ()):
                graph.add((concept, SKOS.exactMatch, match))
            for match in CLOSE_MATCHES.get((name, code), ()):
                graph.add((concept, SKOS.closeMatch, match))
            if name == "recruitment-status":
                # a site's status and a trial's status are the same registry values
                graph.add((concept, SKOS.exactMatch, concept_iri("status", code)))
    return graph


def codes_turtle() -> str:
    """``codes_graph()`` as sorted Turtle with the generated-file header."""
    return HEADER + "\n" + codes_graph().serialize(format="turtle")


def main(argv: Sequence[str] | None = None) -> int:
    """Write the schemes to the path given (``ontology/codes.ttl``), or to stdout without one."""
    return write_generated(codes_turtle, "kg.ontology_codes", argv)


if __name__ == "__main__":
    raise SystemExit(main())
