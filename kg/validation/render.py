"""Output formats of a validation report: text for people, JSON for programs, the SHACL report graph.

``write_json`` and ``write_turtle`` write to a binary stream result by result, because a report on
the whole registry holds over a million results: built whole, the JSON document (and its encoded
copy) or the Turtle report's triples would cost gigabytes on top of the results themselves. The
text report lists a few nodes per shape, so it is built as a string. ``to_json`` and ``to_turtle``
return the same bytes for small reports. Every format is deterministic: results are sorted, and the
Turtle report names its result nodes after their position in that order instead of random
blank-node labels.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import BinaryIO

import pyoxigraph as ox

from kg.validation.report import SH, Severity, ValidationReport, ValidationResult

__all__ = ["to_json", "to_text", "to_turtle", "write_json", "write_turtle"]

_SHORT = {
    "https://w3id.org/ctkg/shapes#": "ctsh:",
    "https://w3id.org/ctkg/ontology#": "ctkg:",
    SH: "sh:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "https://schema.org/": "schema:",
}


def _short(iri: str | None) -> str:
    if iri is None:
        return "-"
    for namespace, prefix in _SHORT.items():
        if iri.startswith(namespace):
            return prefix + iri[len(namespace):]
    return iri


def _node(term: str) -> str:
    return term[1:-1] if term.startswith("<") and term.endswith(">") else term


def _summary_line(report: ValidationReport) -> str:
    counts = report.counts()
    parts = [f"{counts.get(s, 0)} {s.value}{'s' if counts.get(s, 0) != 1 else ''}" for s in Severity]
    trials = f", {report.trials} trial{'s' if report.trials != 1 else ''}" if report.trials else ""
    return (f"{report.triples} triples" + trials
            + (f", {report.rejected} records rejected" if report.rejected else "")
            + f": {', '.join(parts)} ({report.engine} engine, today {report.today}, {report.seconds:.1f} s)")


def to_text(report: ValidationReport, *, limit: int = 5) -> str:
    """Results grouped by shape and severity with counts, then the first ``limit`` focus nodes of each."""
    lines = [("Conforms" if report.conforms else "Does not conform") + ": " + _summary_line(report)]
    groups = report.by_shape()
    if groups:
        lines.append("")
        lines.append(f"{'severity':<10} {'count':>7}  shape")
        for (shape, severity), results in groups.items():
            lines.append(f"{severity.value:<10} {len(results):>7}  {_short(shape)}")
    for (shape, severity), results in groups.items():
        lines.append("")
        lines.append(f"{severity.value.upper()} {_short(shape)} ({len(results)})")
        for result in results[:limit]:
            where = result.trial or "shared node"
            lines.append(f"  {where}: {_node(result.focus_node)}")
            detail = f"    {result.message}"
            if result.path:
                detail += f" [path {_short(result.path)}]"
            if result.value is not None and result.value != result.focus_node:
                detail += f" [value {result.value[:120]}]"
            lines.append(detail)
        if len(results) > limit:
            lines.append(f"  ... and {len(results) - limit} more")
    return "\n".join(lines) + "\n"


def _result_dict(result: ValidationResult) -> dict[str, object]:
    return {
        "focus_node": _node(result.focus_node),
        "trial": result.trial,
        "shape": result.shape,
        "path": result.path,
        "severity": result.severity.value,
        "component": result.component,
        "message": result.message,
        "value": result.value,
    }


def write_json(report: ValidationReport, stream: BinaryIO) -> None:
    """A machine-readable summary: counts by severity and shape, then every result, written as it goes.

    The bytes are those of ``json.dumps`` of the whole document with an indent of two.
    """
    counts = report.counts()
    head = {
        "conforms": report.conforms,
        "engine": report.engine,
        "today": report.today.isoformat() if report.today else None,
        "triples": report.triples,
        "trials": report.trials,
        "rejected": report.rejected,
        "shapes_files": report.shapes,
        "counts": {s.value: counts.get(s, 0) for s in Severity},
        "by_shape": [
            {"shape": shape, "severity": severity.value, "count": len(results)}
            for (shape, severity), results in report.by_shape().items()
        ],
        "results": [],
    }
    text = json.dumps(head, ensure_ascii=False, indent=2)
    if not report.results:
        stream.write((text + "\n").encode("utf-8"))
        return
    stream.write(text[:-len("[]\n}")].encode("utf-8") + b"[\n")
    for index, result in enumerate(report.results):
        entry = json.dumps(_result_dict(result), ensure_ascii=False, indent=2).replace("\n", "\n    ")
        stream.write(((",\n" if index else "") + "    " + entry).encode("utf-8"))
    stream.write(b"\n  ]\n}\n")


def to_json(report: ValidationReport) -> str:
    """``write_json``'s document as a string."""
    buffer = io.BytesIO()
    write_json(report, buffer)
    return buffer.getvalue().decode("utf-8")


def _term(text: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An N-Triples term (or a bare IRI / blank node label) back as a pyoxigraph term."""
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    if not text.startswith(("<", '"')):
        return ox.NamedNode(text)
    quad = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .", ox.RdfFormat.N_TRIPLES)))
    return quad.object


_PREFIXES = {"sh": SH, "ctsh": "https://w3id.org/ctkg/shapes#", "ctkg": "https://w3id.org/ctkg/ontology#",
             "xsd": "http://www.w3.org/2001/XMLSchema#"}


def _report_triples(report: ValidationReport) -> Iterator[ox.Triple]:
    """The report graph's triples, result by result, in the order they are written."""
    sh = ox.NamedNode
    rdf_type = sh("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    root = ox.BlankNode("report")
    yield ox.Triple(root, rdf_type, sh(f"{SH}ValidationReport"))
    yield ox.Triple(root, sh(f"{SH}conforms"), ox.Literal("true" if report.conforms else "false",
                                                          datatype=sh("http://www.w3.org/2001/XMLSchema#boolean")))
    for index, result in enumerate(report.results, start=1):
        node = ox.BlankNode(f"r{index}")
        yield ox.Triple(root, sh(f"{SH}result"), node)
        yield ox.Triple(node, rdf_type, sh(f"{SH}ValidationResult"))
        yield ox.Triple(node, sh(f"{SH}focusNode"), _term(result.focus_node))
        yield ox.Triple(node, sh(f"{SH}sourceShape"), _term(result.shape))
        yield ox.Triple(node, sh(f"{SH}sourceConstraintComponent"), sh(result.component))
        yield ox.Triple(node, sh(f"{SH}resultSeverity"), sh(result.severity.iri))
        if result.path:
            yield ox.Triple(node, sh(f"{SH}resultPath"), _term(result.path))
        if result.value is not None:
            yield ox.Triple(node, sh(f"{SH}value"), _term(result.value))
        for message in result.message.split("\n") if result.message else ():
            yield ox.Triple(node, sh(f"{SH}resultMessage"), ox.Literal(message))


def write_turtle(report: ValidationReport, stream: BinaryIO) -> None:
    """The standard SHACL validation report (sh:ValidationReport with sh:result nodes), in Turtle.

    The triples are made one result at a time while the store's serializer writes them.
    """
    ox.serialize(_report_triples(report), stream, ox.RdfFormat.TURTLE, prefixes=_PREFIXES)


def to_turtle(report: ValidationReport) -> bytes:
    """``write_turtle``'s document as bytes."""
    buffer = io.BytesIO()
    write_turtle(report, buffer)
    return buffer.getvalue()
