"""Generate ``shapes/coded-values.ttl``: ``sh:in`` lists of the ontology's concept schemes.

Why generated: ``sh:in`` needs the concepts spelled out, and the ontology already says which
scheme each coded property takes its values from (``ctkg:codeScheme`` in ``ontology/ctkg.ttl``)
and which concepts each scheme holds (``ontology/codes.ttl``). Writing the lists by hand would
let them drift from the schemes; ``tests/test_validation_shapes.py`` checks the committed file
is exactly what this module generates from the ontology today.

Each coded property becomes a property shape of the node shape of its domain class (defined in
``core.ttl``) with the scheme's concepts as ``sh:in``, at most one value unless the property is
multi-valued in the record model, and at least one for the few values every record carries.

Run ``python -m kg.validation.coded_shapes shapes/coded-values.ttl`` after changing the
ontology or ``kg/vocab.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from kg.generated import write_generated
from kg.resources import data_dir

__all__ = ["MULTI_VALUED", "REQUIRED", "coded_shapes_turtle", "main"]

CTKG = "https://w3id.org/ctkg/ontology#"
CODE_SCHEME = URIRef(f"{CTKG}codeScheme")

MULTI_VALUED = frozenset({"phase", "maskedParty", "ageGroup", "organizationClass"})
"""Coded properties with several values: phases, masked parties, age groups, and the class of a
shared organisation, which different records may give differently."""

REQUIRED = frozenset({"overallStatus", "studyType", "outcomeType", "sourceFormat"})
"""Coded values every record has (the registry requires them, the mapping always emits them)."""

HEADER = """\
# Coded values of the ctkg graph: every coded property takes its values from one SKOS concept scheme.
# Generated from ontology/ctkg.ttl (ctkg:codeScheme) and ontology/codes.ttl by
# `python -m kg.validation.coded_shapes shapes/coded-values.ttl`: do not edit by hand.
# The property shapes are attached to the node shapes of core.ttl; all are sh:Violation.

@prefix ctsh: <https://w3id.org/ctkg/shapes#> .
@prefix ctkg: <https://w3id.org/ctkg/ontology#> .
@prefix sh:   <http://www.w3.org/ns/shacl#> .
"""


def _ontology() -> Graph:
    folder = data_dir("ontology")
    graph = Graph()
    graph.parse(folder / "ctkg.ttl", format="turtle")
    graph.parse(folder / "codes.ttl", format="turtle")
    return graph


def _local(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def coded_shapes_turtle() -> str:
    """The Turtle of ``shapes/coded-values.ttl``, sorted, so the same ontology gives the same bytes."""
    graph = _ontology()
    blocks: list[str] = []
    attach: dict[str, list[str]] = {}
    for prop in sorted(graph.subjects(CODE_SCHEME, None), key=str):
        scheme = graph.value(prop, CODE_SCHEME)
        domain = graph.value(prop, RDFS.domain)
        if not isinstance(domain, URIRef) or not str(domain).startswith(CTKG):
            raise ValueError(f"{prop}: a coded property needs one ctkg: class as domain")
        concepts = sorted(str(c) for c in graph.subjects(SKOS.inScheme, scheme)
                          if (c, RDF.type, SKOS.Concept) in graph)
        if not concepts:
            raise ValueError(f"{prop}: scheme {scheme} has no concepts in codes.ttl")
        name = _local(prop)
        cls = _local(domain)
        shape = f"ctsh:{cls}-{name}"
        attach.setdefault(cls, []).append(shape)
        label = str(graph.value(prop, RDFS.label) or name)
        scheme_label = str(graph.value(scheme, SKOS.prefLabel) or scheme)
        many = name in MULTI_VALUED
        message = (f"The {label} must be one of the codes of the {scheme_label.lower()} scheme ({scheme}/...)"
                   + ("" if many else ", given at most once") + ("; it is required" if name in REQUIRED else "") + ".")
        lines = [
            f"{shape}",
            "    a sh:PropertyShape ;",
            f"    sh:path ctkg:{name} ;",
            f"    sh:name {_quote(label)} ;",
            f"    sh:description {_quote(f'Values of ctkg:{name} are concepts of the scheme {scheme}.')} ;",
            f"    sh:message {_quote(message)} ;",
        ]
        if name in REQUIRED:
            lines.append("    sh:minCount 1 ;")
        if not many:
            lines.append("    sh:maxCount 1 ;")
        members = "\n".join(f"        <{c}>" for c in concepts)
        lines.append(f"    sh:in (\n{members}\n    ) .")
        blocks.append("\n".join(lines))
    for cls in sorted(attach):
        blocks.append(f"ctsh:{cls}Shape sh:property {', '.join(sorted(attach[cls]))} .")
    return HEADER + "\n" + "\n\n".join(blocks) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the shapes to the path given, or to stdout without one."""
    return write_generated(coded_shapes_turtle, "kg.validation.coded_shapes", argv)


if __name__ == "__main__":
    raise SystemExit(main())
