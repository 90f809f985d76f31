"""Loading graph units into the embedded store: replace per trial, newer wins, in bulk.

Each trial graph replaces the stored graph of the same name, so loading a
trial again never leaves duplicate or stale triples. The record version
(last update posted, registry snapshot date) decides: a unit older than the
stored graph is skipped and reported, unless ``force``. An equal version
replaces (re-loading is idempotent).

Units are handled in batches: the stored versions are read, the graphs to be
replaced are removed, then the whole batch is written at once. Mapped records
come as N-Quads text and go to the store's own parser in one call
(``Store.bulk_load``; a transactional ``Store.load`` for small batches);
quads read from RDF files go through ``Store.bulk_extend`` / ``extend``.

Writing a batch is the slowest step and the store does it without holding the
interpreter lock, so it runs on a background thread while the next batch is
read and mapped; at most one write is in flight, and a batch's graphs are
removed only after the previous write has landed, so batches apply in order.
Memory holds the batch being written and the one being gathered.

Mapped text is valid by construction (``kg.iris`` mints only valid IRIs). Should
the store still refuse a batch, each of its trials is written again on its own,
transactionally: a trial the store refuses is rejected and left out whole (its
stored graph was already removed with the batch's), never half-written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, RdfFormat, Store

from kg.entities import linked_entities, prune_unlinked
from kg.errors import Rejection
from kg.graph_units import GraphUnit, Version, version_of
from kg.namespaces import CTKG

__all__ = ["BATCH_TRIALS", "LoadSummary", "SkippedOlder", "load_units", "newer_or_same"]

BATCH_TRIALS = 2000
"""Trials per write. The store's cost per trial falls with the batch up to about 2,000 real records
(CPU measured against 2,000: 500 → 1.4×, 1,000 → 1.1×, 5,000 → no better). Memory grows with it: a
2,000-trial batch is ~150 MB of text and the bulk loader needs several times that, so ``--batch 1000``
about halves peak memory for ~10 % more time."""
_BULK_STATEMENTS = 50_000
"""Below this many statements a batch is written transactionally (all or nothing); above it the
bulk loader is several times faster."""


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
    pruned: int = 0
    """Shared nodes removed because no trial links to them any more (``kg.entities``)."""
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
        if self.pruned:
            parts.append(f"{self.pruned} shared nodes no longer linked removed")
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
    on_rejection: Callable[[Rejection], None] | None = None,
) -> LoadSummary:
    """Load ``units`` into ``store`` with replace / newer-wins semantics.

    ``on_batch`` receives the number of trials written by each batch (for a
    progress bar); ``on_skip`` each older unit skipped; ``on_rejection`` each
    trial the store refused (counted in ``summary.rejected``). Every callback
    runs on the calling thread.
    """
    summary = summary or LoadSummary()
    started = time.perf_counter()
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-store-writer")
    batch = _Batch(store, writer, force, summary, _Callbacks(on_skip, on_batch, on_rejection))
    try:
        for unit in units:
            batch.add(unit)
            if batch.trials >= batch_trials:
                batch.flush()
        batch.flush()
        batch.land()
    finally:
        writer.shutdown(wait=True)  # on an error, the write in flight still completes before the store is let go
    summary.seconds += time.perf_counter() - started
    return summary


@dataclass(frozen=True, slots=True)
class _Callbacks:
    on_skip: Callable[[SkippedOlder], None] | None
    on_batch: Callable[[int], None] | None
    on_rejection: Callable[[Rejection], None] | None


@dataclass(frozen=True, slots=True)
class _Written:
    """What counting a unit needs once its statements are handed to the writer (the text itself is not kept)."""

    nct_id: str | None
    source: str
    statements: int
    trial: bool
    """A trial graph replaced as a whole: counted as loaded, new or replaced."""
    replaced: bool
    """Its graph was in the store before this batch."""
    span: tuple[int, int] | None
    """Where its N-Quads are in the batch's text (None for a unit of quads)."""


class _Write:
    """One batch for the writer thread: quads of RDF files, the joined text of mapped records, and per unit
    what ``_Written`` says. Joining lets the store parse the whole batch in one call; the units (and their
    documents) can then be freed, so memory holds the batch's text once."""

    def __init__(self, units: list[GraphUnit], stored_before: set[NamedNode]) -> None:
        self.quads = [quad for unit in units if unit.document is None for quad in unit.quads]
        documents: list[str] = []
        self.written: list[_Written] = []
        offset = 0
        for unit in units:
            span = None
            if unit.document is not None:
                documents.append(unit.document)
                span = (offset, offset + len(unit.document))
                offset = span[1]
            trial = bool(unit.nct_id) and unit.replaces
            self.written.append(_Written(unit.nct_id, unit.source, unit.statements, trial,
                                         unit.graph in stored_before, span))
        self.text = "".join(documents)
        self.text_statements = sum(w.statements for w in self.written if w.span is not None)
        self.graphs = [unit.graph for unit in units]

    def run(self, store: Store) -> dict[int, str]:
        """Write the batch (its replaced graphs already removed); the units the store refused, by index, with why.

        Runs on the writer thread.
        """
        if self.quads:
            (store.bulk_extend if len(self.quads) >= _BULK_STATEMENTS else store.extend)(self.quads)
        if not self.text:
            return {}
        try:
            if self.text_statements >= _BULK_STATEMENTS:
                store.bulk_load(input=self.text, format=RdfFormat.N_QUADS)
            else:
                store.load(input=self.text, format=RdfFormat.N_QUADS)
        except SyntaxError:
            return self._one_by_one(store)
        return {}

    def _one_by_one(self, store: Store) -> dict[int, str]:
        """After the store refused the batch's text: each trial again on its own, transactionally.

        A refused bulk write may have written part of the batch, so each graph is
        cleared first; a trial refused again is left out whole. The batch's quads
        are written again, as clearing may have removed some of them.
        """
        refused = {}
        for index, (written, graph) in enumerate(zip(self.written, self.graphs, strict=True)):
            if written.span is None:
                continue
            if written.trial:
                store.remove_graph(graph)
            try:
                store.load(input=self.text[slice(*written.span)], format=RdfFormat.N_QUADS)
            except SyntaxError as exc:
                lines = str(exc).strip().splitlines()
                refused[index] = f"the store refused its statements: {lines[0] if lines else 'invalid N-Quads'}"
        if self.quads:
            store.extend(self.quads)
        return refused


class _Batch:
    """Units waiting to be written; decides replace / skip against the store and the batch itself."""

    def __init__(
        self, store: Store, writer: ThreadPoolExecutor, force: bool, summary: LoadSummary, callbacks: _Callbacks
    ) -> None:
        self.store = store
        self.writer = writer
        self.force = force
        self.summary = summary
        self.callbacks = callbacks
        self.replacing: dict[NamedNode, GraphUnit] = {}
        self.adding: list[GraphUnit] = []
        self.trials = 0
        self.in_flight: tuple[_Write, Future[dict[int, str]]] | None = None
        self.in_flight_versions: dict[NamedNode, Version | None] = {}
        """The versions of the batch being written: they are not in the store yet."""
        self.unlinked_candidates: set[NamedNode] = set()
        """Shared nodes the removed graphs linked to: pruned once the batch replacing them has landed."""

    def add(self, unit: GraphUnit) -> None:
        if not unit.replaces:
            self._add_statements(unit)
            return
        graph = unit.graph
        assert isinstance(graph, NamedNode)
        current = self._current_version(graph)
        if unit.nct_id and not self.force and not newer_or_same(unit.version, current):
            assert unit.version is not None and current is not None
            self.summary.skipped_older += 1
            if self.callbacks.on_skip:
                self.callbacks.on_skip(SkippedOlder(unit.nct_id, unit.source, unit.version, current))
            return
        if graph not in self.replacing:
            self.trials += 1
        self.replacing[graph] = unit

    def _current_version(self, graph: NamedNode) -> Version | None:
        """What a unit of ``graph`` must not be older than: this batch's, the batch in flight's, or the store's."""
        if graph in self.replacing:
            return self.replacing[graph].version
        if graph in self.in_flight_versions:
            return self.in_flight_versions[graph]
        return stored_version(self.store, graph)

    def _add_statements(self, unit: GraphUnit) -> None:
        """Statements added to a graph, not replacing it: merged into the batch's unit of that graph if it
        holds quads, else written after the batch's removals like any other addition."""
        target = self.replacing.get(unit.graph) if isinstance(unit.graph, NamedNode) else None
        if target is not None and target.document is None:
            target.quads.extend(unit.quads)
        else:
            self.adding.append(unit)

    def flush(self) -> None:
        """Hand the batch to the writer thread, once the previous write has landed."""
        if not self.replacing and not self.adding:
            return
        self.land()
        stored_before = set()
        for graph in self.replacing:
            if self.store.contains_named_graph(graph):
                self.unlinked_candidates |= linked_entities(self.store, graph)
                self.store.remove_graph(graph)
                stored_before.add(graph)
        job = _Write([*self.replacing.values(), *self.adding], stored_before)
        self.in_flight = job, self.writer.submit(job.run, self.store)
        self.in_flight_versions = {graph: unit.version for graph, unit in self.replacing.items()}
        self.replacing, self.adding, self.trials = {}, [], 0

    def land(self) -> None:
        """Wait for the write in flight and count it (re-raising what failed it)."""
        if self.in_flight is None:
            return
        (job, future), self.in_flight = self.in_flight, None
        self.in_flight_versions = {}
        refused = future.result()
        trials = 0
        for index, written in enumerate(job.written):
            if index in refused:
                self.summary.rejected += 1
                if self.callbacks.on_rejection:
                    self.callbacks.on_rejection(
                        Rejection(written.source, written.nct_id or "-", "mapping", refused[index]))
                continue
            self.summary.quads += written.statements
            if written.trial:
                trials += 1
                self.summary.replaced += written.replaced
                self.summary.new += not written.replaced
        self.summary.loaded += trials
        if self.unlinked_candidates:
            self.summary.pruned += prune_unlinked(self.store, self.unlinked_candidates)
            self.unlinked_candidates = set()
        if self.callbacks.on_batch and trials:
            self.callbacks.on_batch(trials)
