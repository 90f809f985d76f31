"""Loading graph units into the embedded store: replace per trial, newer wins, in bulk.

Each trial graph replaces the stored graph of the same name, so loading a
trial again never leaves duplicate or stale triples. The record version
(last update posted, registry snapshot date) decides: a unit older than the
stored graph is skipped and reported, unless ``force``. An equal version
replaces (re-loading is idempotent).

Units are handled in batches: the stored versions are read, the graphs to be
replaced are removed, then the whole batch is written with one
``Store.bulk_extend`` (large batches) or ``Store.extend`` (small ones, which is
transactional and faster below a few ten thousand quads). Memory holds one
batch at most.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, Store

from kg.graph_units import GraphUnit, Version, version_of
from kg.namespaces import CTKG

__all__ = ["BATCH_TRIALS", "LoadSummary", "SkippedOlder", "load_units", "newer_or_same"]

BATCH_TRIALS = 2000
"""Trials per write: measured fastest between 500 and 5,000 (see README, "Speed")."""
_BULK_QUADS = 50_000
"""Below this many quads in a batch a transactional ``extend`` beats ``bulk_extend``."""


@dataclass(frozen=True, slots=True)
class SkippedOlder:
    """A unit not loaded because the store holds a newer version of its trial."""

    nct_id: str
    source: str
    version: Version
    stored: Version

    def __str__(self) -> str:
        return (
            f"skipped {self.nct_id} from {self.source}: its version (last update {self.version[0]}, "
            f"snapshot {self.version[1] or '-'}) is older than the stored one (last update "
            f"{self.stored[0]}, snapshot {self.stored[1] or '-'}); use --force to replace it"
        )


@dataclass(slots=True)
class LoadSummary:
    """Counts of one load; ``rejected`` counts records that could not be read or mapped."""

    loaded: int = 0
    new: int = 0
    replaced: int = 0
    skipped_older: int = 0
    rejected: int = 0
    failed: int = 0
    quads: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        parts = [f"{self.loaded} trials loaded ({self.new} new, {self.replaced} replaced)"]
        if self.skipped_older:
            parts.append(f"{self.skipped_older} older versions skipped")
        if self.rejected:
            parts.append(f"{self.rejected} records rejected")
        if self.failed:
            parts.append(f"{self.failed} trials failed")
        parts.append(f"{self.quads} quads, {self.seconds:.1f} s")
        return ", ".join(parts)


def newer_or_same(incoming: Version | None, stored: Version | None) -> bool:
    """True unless both versions are known and ``incoming`` is strictly older.

    ISO dates of any precision compare as strings ("2019-12" < "2019-12-05").
    """
    return incoming is None or stored is None or incoming >= stored


def stored_version(store: Store, graph: NamedNode) -> Version | None:
    """The version of the trial stored in ``graph`` (None when absent or unversioned)."""
    quads = list(store.quads_for_pattern(None, CTKG.lastUpdatePostedDate, None, graph))
    quads += store.quads_for_pattern(None, CTKG.versionDate, None, graph)
    return version_of(quads) or None


def load_units(
    store: Store,
    units: Iterable[GraphUnit],
    *,
    force: bool = False,
    batch_trials: int = BATCH_TRIALS,
    summary: LoadSummary | None = None,
    on_skip: Callable[[SkippedOlder], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> LoadSummary:
    """Load ``units`` into ``store`` with replace / newer-wins semantics.

    ``on_batch`` receives the number of trials written by each batch (for a
    progress bar); ``on_skip`` each older unit skipped.
    """
    summary = summary or LoadSummary()
    started = time.perf_counter()
    batch = _Batch(store, force, summary, on_skip)
    for unit in units:
        batch.add(unit)
        if batch.trials >= batch_trials:
            written = batch.flush()
            if on_batch:
                on_batch(written)
    written = batch.flush()
    if on_batch and written:
        on_batch(written)
    summary.seconds += time.perf_counter() - started
    return summary


class _Batch:
    """Units waiting to be written; decides replace / skip against the store and the batch itself."""

    def __init__(
        self, store: Store, force: bool, summary: LoadSummary, on_skip: Callable[[SkippedOlder], None] | None
    ) -> None:
        self.store = store
        self.force = force
        self.summary = summary
        self.on_skip = on_skip
        self.replacing: dict[NamedNode, GraphUnit] = {}
        self.adding: list[GraphUnit] = []
        self.trials = 0

    def add(self, unit: GraphUnit) -> None:
        if not unit.replaces:
            target = self.replacing.get(unit.graph) if isinstance(unit.graph, NamedNode) else None
            if target is not None:
                target.quads.extend(unit.quads)
            else:
                self.adding.append(unit)
            return
        graph = unit.graph
        assert isinstance(graph, NamedNode)
        pending = self.replacing.get(graph)
        current = pending.version if pending is not None else stored_version(self.store, graph)
        if unit.nct_id and not self.force and not newer_or_same(unit.version, current):
            assert unit.version is not None and current is not None
            self.summary.skipped_older += 1
            if self.on_skip:
                self.on_skip(SkippedOlder(unit.nct_id, unit.source, unit.version, current))
            return
        if pending is None:
            self.trials += 1
        self.replacing[graph] = unit

    def flush(self) -> int:
        """Write the batch; the number of trial graphs written."""
        if not self.replacing and not self.adding:
            return 0
        quads = []
        for graph, unit in self.replacing.items():
            if self.store.contains_named_graph(graph):
                self.store.remove_graph(graph)
                self.summary.replaced += 1 if unit.nct_id else 0
            else:
                self.summary.new += 1 if unit.nct_id else 0
            self.summary.loaded += 1 if unit.nct_id else 0
            quads.extend(unit.quads)
        for unit in self.adding:
            quads.extend(unit.quads)
        if len(quads) >= _BULK_QUADS:
            self.store.bulk_extend(quads)
        else:
            self.store.extend(quads)
        self.summary.quads += len(quads)
        written = sum(1 for unit in self.replacing.values() if unit.nct_id)
        self.replacing.clear()
        self.adding.clear()
        self.trials = 0
        return written
