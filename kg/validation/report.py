"""Typed validation results: what both engines return and every output format is made from.

A result is plain data (strings and an enum), never an rdflib or pyoxigraph term, so results of the
reference engine and of the compiled engine compare with ``==`` and sort the same way. Terms are
written in N-Triples syntax (``<iri>``, ``"2019-13-45"^^<...#date>``, ``_:b0``), which keeps a
literal's datatype and a blank node apart from an IRI without a term library.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

__all__ = ["SH", "Severity", "ValidationReport", "ValidationResult", "trial_of"]

SH = "http://www.w3.org/ns/shacl#"
_TRIAL = re.compile(r"^<https://w3id\.org/ctkg/id/trial/(NCT\d{8})(?:/[^>]*)?>$")


class Severity(str, Enum):
    """SHACL severities, ordered from the most to the least serious."""

    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    @property
    def iri(self) -> str:
        return f"{SH}{self.value.capitalize()}"

    @property
    def rank(self) -> int:
        """0 for violations, 1 for warnings, 2 for infos: lower is worse."""
        return ("violation", "warning", "info").index(self.value)

    @classmethod
    def from_iri(cls, iri: str) -> Severity:
        for severity in cls:
            if severity.iri == iri:
                return severity
        raise ValueError(f"unsupported severity {iri} (use sh:Violation, sh:Warning or sh:Info)")


def trial_of(node: str) -> str | None:
    """The NCT id of the trial a node belongs to, from its IRI; None for shared nodes."""
    match = _TRIAL.match(node)
    return match.group(1) if match else None


@dataclass(frozen=True, order=True, slots=True)
class ValidationResult:
    """One SHACL validation result.

    ``focus_node`` and ``value`` are N-Triples terms; ``shape``, ``path`` and ``component`` are
    the IRIs (or N-Triples blank nodes) of the source shape, the result path and the source
    constraint component; ``trial`` is the NCT id of the focus node's trial (None for shared
    nodes such as organisations and sites).
    """

    focus_node: str
    shape: str
    component: str
    path: str | None
    value: str | None
    severity: Severity
    message: str
    trial: str | None = field(default=None, compare=False)

    def key(self) -> tuple[str, str, str | None, str, str]:
        """(focus node, shape, path, severity, component): what two engines must agree on."""
        return (self.focus_node, self.shape, self.path, self.severity.value, self.component)


@dataclass(slots=True)
class ValidationReport:
    """The outcome of one validation run.

    ``conforms`` has the SHACL meaning: no result of any severity. ``conforms_at`` answers the
    question the CLI's ``--fail-on`` asks: are there results at least as serious as a level?
    """

    results: list[ValidationResult]
    engine: str
    triples: int = 0
    trials: int = 0
    rejected: int = 0
    today: date | None = None
    seconds: float = 0.0
    shapes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.results = sorted(set(self.results))

    @property
    def conforms(self) -> bool:
        return not self.results

    def conforms_at(self, level: Severity) -> bool:
        """True when no result is as serious as ``level`` or more (and no record was rejected)."""
        return self.rejected == 0 and all(r.severity.rank > level.rank for r in self.results)

    def counts(self) -> Counter[Severity]:
        return Counter(r.severity for r in self.results)

    def by_shape(self) -> dict[tuple[str, Severity], list[ValidationResult]]:
        """Results grouped by (shape, severity), the worst and most frequent groups first."""
        groups: dict[tuple[str, Severity], list[ValidationResult]] = {}
        for result in self.results:
            groups.setdefault((result.shape, result.severity), []).append(result)
        return dict(sorted(groups.items(), key=lambda kv: (kv[0][1].rank, -len(kv[1]), kv[0][0])))
