"""Report formats written result by result: the same documents as built whole, never built whole."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.validation.render import to_json, to_turtle, write_json, write_turtle
from kg.validation.report import Severity, ValidationReport, ValidationResult

_TRIAL = "https://w3id.org/ctkg/id/trial/"
_SHAPES = "https://w3id.org/ctkg/shapes#"


def _results(count: int) -> list[ValidationResult]:
    """Results as the engines make them: trial nodes and shared nodes, with and without path and value."""
    made = []
    for index in range(count):
        nct = f"NCT{index:08d}"
        made.append(ValidationResult(
            focus_node=f"<{_TRIAL}{nct}>", shape=f"{_SHAPES}StatusUnknown", component=f"{SH}SPARQLConstraintComponent",
            path=None, value=f"<{_TRIAL}{nct}>", severity=Severity.WARNING,
            message="The status is UNKNOWN — «verified» over two years ago", trial=nct))
        made.append(ValidationResult(
            focus_node=f"<{_TRIAL}{nct}/arm/1>", shape=f"{_SHAPES}Arm-label",
            component=f"{SH}MinCountConstraintComponent",
            path="http://www.w3.org/2000/01/rdf-schema#label", value=None, severity=Severity.INFO,
            message="An arm has a label\nA second message line", trial=nct))
    made.append(ValidationResult(
        focus_node="<https://w3id.org/ctkg/id/org/x>", shape=f"{_SHAPES}Organization-name",
        component=f"{SH}DatatypeConstraintComponent", path="https://schema.org/name",
        value='"2019-13-45"^^<http://www.w3.org/2001/XMLSchema#date>', severity=Severity.VIOLATION,
        message="A name is a string", trial=None))
    return made


def _report(count: int) -> ValidationReport:
    return ValidationReport(results=_results(count), engine="sparql", triples=1234, trials=count,
                            today=date(2026, 12, 1), seconds=1.5, shapes=["shapes/ctkg.ttl"])


def _whole_json(report: ValidationReport) -> str:
    """The document as one ``json.dumps``, as it was built before it was streamed."""
    counts = report.counts()
    document = {
        "conforms": report.conforms, "engine": report.engine, "today": report.today.isoformat(),
        "triples": report.triples, "trials": report.trials, "rejected": report.rejected,
        "shapes_files": report.shapes, "counts": {s.value: counts.get(s, 0) for s in Severity},
        "by_shape": [{"shape": shape, "severity": severity.value, "count": len(results)}
                     for (shape, severity), results in report.by_shape().items()],
        "results": [{"focus_node": r.focus_node.strip("<>") if r.focus_node.startswith("<") else r.focus_node,
                     "trial": r.trial, "shape": r.shape, "path": r.path, "severity": r.severity.value,
                     "component": r.component, "message": r.message, "value": r.value} for r in report.results],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def test_json_is_the_whole_document_byte_for_byte() -> None:
    for count in (0, 1, 7):
        report = _report(count) if count else ValidationReport(results=[], engine="sparql", today=date(2026, 12, 1))
        assert to_json(report) == _whole_json(report)


def test_turtle_report_holds_every_result() -> None:
    report = _report(5)
    graph = Graph().parse(data=to_turtle(report), format="turtle")
    assert len(set(graph.subjects(SH.resultSeverity, SH.Warning))) == 5
    assert len(set(graph.subjects(SH.resultSeverity, SH.Info))) == 5
    violation = next(graph.subjects(SH.resultSeverity, SH.Violation))
    assert graph.value(violation, SH.resultPath) == URIRef("https://schema.org/name")
    assert graph.value(violation, SH.value).datatype == URIRef("http://www.w3.org/2001/XMLSchema#date")
    assert (None, SH.resultMessage, Literal("A second message line")) in graph
    assert (None, SH.conforms, Literal(False)) in graph
    assert to_turtle(report) == to_turtle(_report(5))


class _Watched(list[ValidationResult]):
    """Results that note how many bytes were already written when the last one is read."""

    def __init__(self, results: list[ValidationResult], stream: io.BytesIO) -> None:
        super().__init__(results)
        self.stream = stream
        self.written_before_last: int | None = None

    def __iter__(self) -> Iterator[ValidationResult]:
        for index, result in enumerate(super().__iter__()):
            if index == len(self) - 1:
                self.written_before_last = len(self.stream.getvalue())
            yield result


def test_reports_are_written_while_results_are_read() -> None:
    """Neither format builds its document (or the report's triples) whole before writing."""
    for write in (write_json, write_turtle):
        stream = io.BytesIO()
        report = _report(20_000)
        watched = _Watched(report.results, stream)
        report.results = watched
        write(report, stream)
        assert watched.written_before_last is not None
        assert watched.written_before_last > len(stream.getvalue()) // 2, write.__name__
