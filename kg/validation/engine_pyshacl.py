"""The reference engine: pySHACL over a plain rdflib graph.

pySHACL is the SHACL implementation the project trusts for meaning; the compiled engine is
checked against it. It is given an in-memory rdflib ``Graph`` built from the data, never an
rdflib view of a pyoxigraph store: through such a store plain literals come back typed
``xsd:string`` and pySHACL then reports false violations. No inference is run: the graph is
validated as it is, like the compiled engine does.
"""

from __future__ import annotations

import logging

import pyshacl
from rdflib import RDF, Graph
from rdflib.namespace import SH
from rdflib.term import Node, URIRef

from kg.validation.report import Severity, ValidationResult, trial_of
from kg.validation.shapes import Shapes
from kg.validation.terms import canonical_text, text_of

__all__ = ["run"]


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    return str(node) if isinstance(node, URIRef) else text_of(node)


def run(data: Graph, shapes: Shapes) -> list[ValidationResult]:
    """Validate ``data`` with pySHACL; its results as typed objects (unsorted)."""
    logging.getLogger("pyshacl").setLevel(logging.ERROR)
    _conforms, report, _text_report = pyshacl.validate(
        data,
        shacl_graph=shapes.graph,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        debug=False,
    )
    assert isinstance(report, Graph)
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = text_of(report.value(node, SH.focusNode))
        value = report.value(node, SH.value)
        results.append(ValidationResult(
            focus_node=focus,
            shape=_text(report.value(node, SH.sourceShape)) or "",
            component=str(report.value(node, SH.sourceConstraintComponent)),
            path=_text(report.value(node, SH.resultPath)),
            value=canonical_text(value) if value is not None else None,
            severity=Severity.from_iri(str(report.value(node, SH.resultSeverity))),
            message="\n".join(sorted({str(m) for m in report.objects(node, SH.resultMessage)})),
            trial=trial_of(focus),
        ))
    return results
