"""``kg build``: records to a queryable store in one go, with a short report.

read → convert → validate → load: records are read and mapped as a stream (on
``jobs`` worker processes) and loaded with the store's replace / newer-wins
rules; the shipped ontology goes into its own graph; the result is counted and
one library query answered.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pyoxigraph import Store

from kg.errors import Rejection
from kg.graph_units import units_from_inputs
from kg.loading import LoadSummary, SkippedOlder, load_units
from kg.mapping import MappingOptions
from kg.queries import load_query, run_on_store
from kg.store import StoreStats, load_ontology, store_stats

__all__ = ["REPORT_QUERY", "BuildReport", "build", "validate_store"]

REPORT_QUERY = "phase-status-counts"


@dataclass(slots=True)
class BuildReport:
    load: LoadSummary
    stats: StoreStats
    validation: str
    query_title: str
    query_columns: list[str]
    query_rows: list[list[str]]


def validate_store(store: Store) -> str:
    """A one-line SHACL summary of the store after loading: results counted by severity.

    Runs the compiled SHACL engine over the store in place (nothing is copied);
    ``kg validate`` gives the details.
    """
    from kg.validation import Severity
    from kg.validation import validate_store as run_validation

    report = run_validation(store)
    counts = report.counts()
    verdict = "conforms (no violations)" if not counts.get(Severity.VIOLATION) else "does not conform"
    tally = ", ".join(f"{counts.get(level, 0)} {level.value}s" for level in Severity)
    return f"{verdict}: {tally}"


def build(
    store: Store,
    inputs: Iterable[str | os.PathLike[str]],
    *,
    options: MappingOptions | None = None,
    force: bool = False,
    jobs: int = 1,
    on_rejection: Callable[[Rejection], None] | None = None,
    on_skip: Callable[[SkippedOlder], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> BuildReport:
    """Load ``inputs`` into ``store`` (ontology included), validate it and answer the report query.

    ``jobs`` worker processes map the records; the store is the same for any number.
    """
    summary = LoadSummary()

    def rejected(rejection: Rejection) -> None:
        summary.rejected += 1
        if on_rejection:
            on_rejection(rejection)

    load_ontology(store)
    units = units_from_inputs(inputs, options or MappingOptions(), rejected, jobs=jobs)
    load_units(store, units, force=force, summary=summary, on_skip=on_skip, on_batch=on_batch,
               on_rejection=on_rejection)
    validation = validate_store(store)
    spec = load_query(REPORT_QUERY)
    rows = [[s[c].value if s[c] is not None else "" for c in spec.columns]  # type: ignore[index]
            for s in run_on_store(store, spec.text)]  # type: ignore[union-attr]
    return BuildReport(summary, store_stats(store), validation, spec.title, list(spec.columns), rows)
