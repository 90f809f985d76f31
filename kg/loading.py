"""Loading graph units into the embedded store: replace per trial, newer wins, in few large bulk writes.

Each trial graph replaces the stored graph of the same name, so loading a
trial again never leaves duplicate or stale triples. The record version
(last update posted, registry snapshot date) decides: a unit older than the
stored graph is skipped and reported, unless ``force``. An equal version
replaces (re-loading is idempotent).

The store's bulk loader turns its input into sorted files and hands them to the
database at the end of the call; every call adds files the database must merge
with what it holds, and that merging grows with the store. So the units go to
the store in *segments* of up to ``BATCH_TRIALS`` trials, each one bulk write:
as units arrive, their N-Quads text is streamed through a pipe into a bulk load
running on a background thread (the store parses it without holding the
interpreter lock, while the worker processes map the next records). A fresh
load of the whole registry is a handful of bulk writes instead of hundreds.

* A unit whose graph is stored is checked against the stored version when it
  arrives, and the stored graph removed then; shared nodes that graph linked to
  are pruned once the segment has landed (``kg.entities``), when every
  statement written with it can be seen.
* A second unit of a graph already in the open segment (the same trial twice
  in the input) cannot be taken back out of the stream: it is set aside and
  applied after the segment has landed, through the same checks, so the newer
  version still wins and an older one is skipped and reported. Set-aside units
  are few; should they grow large, the segment is closed early.
* The text of a segment is also spooled to a temporary file. Mapped text is
  valid by construction (``kg.iris`` mints only valid IRIs), but should the store
  still refuse it, nothing of the segment has been written (the bulk loader
  commits only at its end): the spooled text is then written again in chunks,
  and a chunk refused again trial by trial, transactionally, so a trial the
  store refuses is rejected and left out whole, never half-written.
* Small segments (below ``_BULK_STATEMENTS``) are written transactionally from
  the spool instead, as the bulk loader costs more than it saves on them.
* Every trial carries the descriptions of the shared nodes it names, so most
  lines of the entities graph repeat across a load; the pipe gets each once
  (``kg.sent_statements``: at 20,000 trials 2.7 M of 7.1 M statements, and about
  a fifth of the load's time). The spool keeps every line, so text written again
  after a refusal is complete.
* Quads read from RDF files go as N-Quads text too, except those with blank
  nodes (the store's parser would rename them): those are held and written as
  terms when the segment lands.

Memory holds the metadata of one segment's units (a few hundred bytes each),
the units set aside and what the bulk loader itself needs; the text is on disk.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import BinaryIO

from pyoxigraph import BlankNode, NamedNode, Quad, RdfFormat, Store

from kg.entities import linked_entities, prune_unlinked
from kg.errors import Rejection
from kg.graph_units import GraphUnit, Version, version_of
from kg.namespaces import CTKG
from kg.sent_statements import SentStatements

__all__ = ["BATCH_TRIALS", "LoadSummary", "SkippedOlder", "load_units", "newer_or_same"]

COMPACT_AFTER_QUADS = 1_000_000
"""Statements written after which a load compacts the store before returning.

A few large bulk loads leave the store's files unmerged, and every look-up then searches more of
them: at 100,000 trials, library queries were 2-7x slower than on a store loaded in small
batches. Compacting took 134 s there (a third of the load) and made every query faster than either
(``trials-by-condition`` 7.1 s -> 1.4 s, ``sponsor-trials`` 3.5 s -> 0.5 s)."""
COMPACT_SHARE = 4
"""A large load compacts the store only when it wrote at least 1/COMPACT_SHARE of the store's graphs."""
BATCH_TRIALS = 50_000
"""Trials per bulk write (a segment). The store merges the files of each bulk write with those it holds while
the next is written; measured on 20,000 real trials (7.1 M statements): one bulk write 97 CPU-s, two 118,
ten 125 (some of that merging is left for later, not saved). Memory does not grow with it: the text is spooled
to a temporary file (about 75 kB per trial), so a segment takes up to ``_SEGMENT_BYTES`` of temporary disk."""
_BULK_STATEMENTS = 50_000
"""Below this many statements a segment is written transactionally (all or nothing); above it the
bulk loader is several times faster."""
_SEGMENT_BYTES = 4 * 1024**3
"""A segment also ends when its spooled text reaches this size, bounding the temporary disk it takes."""
_RETRY_TRIALS = 2000
"""Trials per write when a refused segment is written again from its spool (the text is read into memory)."""
_SET_ASIDE_BYTES = 64 * 1024**2
"""Text of units set aside for the next segment (quads counted at ~150 bytes each); past this the open segment
is closed early."""
_HELD_QUADS = 1_000_000
"""Quads with blank nodes a segment holds in memory (they are written as terms, see ``_Segment.add``); past this
the segment is closed early."""
_PROGRESS_TRIALS = 500
"""Progress is reported every this many trials handed to the store."""
_PIPE_BYTES = 1024 * 1024
"""Pipe buffer asked for, so the bulk loader reads in large pieces (the system may give less)."""
_STREAMS = os.path.isdir("/dev/fd")
"""The bulk loader can read a pipe by its path; elsewhere a segment is written from its spool when it closes."""


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
    on_compact: Callable[[], None] | None = None,
) -> LoadSummary:
    """Load ``units`` into ``store`` with replace / newer-wins semantics.

    A load of ``COMPACT_AFTER_QUADS`` statements or more that wrote a large share of the store
    (``COMPACT_SHARE``) ends by compacting it (``on_compact`` is called first, to say so).

    ``batch_trials`` bounds the trials of one bulk write. ``on_batch`` receives
    numbers of trials handed to the store (for a progress bar); ``on_skip`` each
    older unit skipped; ``on_rejection`` each trial the store refused (counted in
    ``summary.rejected``). Every callback runs on the calling thread.
    """
    summary = summary or LoadSummary()
    started = time.perf_counter()
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-store-writer")
    loader = _Loader(store, writer, force, batch_trials, summary, _Callbacks(on_skip, on_batch, on_rejection))
    try:
        for unit in units:
            loader.add(unit)
        loader.finish()
    finally:
        loader.abandon()  # on an error, what was streamed so far still lands before the store is let go
        writer.shutdown(wait=True)
    if _worth_compacting(store, summary):
        if on_compact:
            on_compact()
        store.optimize()
    summary.seconds += time.perf_counter() - started
    return summary


def _worth_compacting(store: Store, summary: LoadSummary) -> bool:
    """Whether this load wrote enough, and enough of the store, to pay for compacting all of it.

    Compacting costs time in proportion to the whole store (about 2 minutes per 100,000 trials), so
    an update of a few thousand trials into a registry-sized store does not compact it: its few new
    files slow queries little. Graphs are counted only once the load is known to be large.
    """
    if summary.quads < COMPACT_AFTER_QUADS:
        return False
    stored_graphs = sum(1 for _ in store.named_graphs())
    return summary.loaded * COMPACT_SHARE >= stored_graphs


@dataclass(frozen=True, slots=True)
class _Callbacks:
    on_skip: Callable[[SkippedOlder], None] | None
    on_batch: Callable[[int], None] | None
    on_rejection: Callable[[Rejection], None] | None


@dataclass(frozen=True, slots=True)
class _Entry:
    """What a segment keeps of a unit once its text is spooled: enough to count it, report it, write it again."""

    graph: NamedNode | None
    """Its graph when the unit replaces it (a trial graph), else None."""
    nct_id: str | None
    source: str
    statements: int
    replaced: bool
    """Its graph was in the store before this load replaced it."""
    offset: int
    length: int
    """Where its N-Quads are in the segment's spool."""


class _Segment:
    """Units written by one bulk write: their text spooled to a temporary file and, once the segment is large
    enough for the bulk loader, streamed to it through a pipe as they arrive."""

    def __init__(self, store: Store, writer: ThreadPoolExecutor, sent: SentStatements) -> None:
        self.store = store
        self.writer = writer
        self.sent = sent
        """Entities-graph lines this load has streamed already: the pipe gets each once, the spool all of them."""
        self.spool: BinaryIO = tempfile.TemporaryFile(prefix="kg-load-")  # noqa: SIM115 - closed by close()
        self.entries: list[_Entry] = []
        self.graphs: set[NamedNode] = set()
        """Graphs written by this segment: a second unit of one must wait for the segment to land."""
        self.trials = 0
        self.statements = 0
        self.size = 0
        self.pipe: BinaryIO | None = None
        self.loading: Future[None] | None = None
        self.held: list[Quad] = []
        """Quads of RDF files with blank nodes: text would give their blank nodes new names, so they are written
        as terms once the bulk load has landed."""

    def add(self, unit: GraphUnit, replaced: bool) -> None:
        holds = unit.document is None and _has_blank_nodes(unit.quads)
        text = b"" if holds else unit.nquads()
        if holds:
            self.held += unit.quads
        graph = unit.graph if unit.replaces and isinstance(unit.graph, NamedNode) else None
        spooled = self.size
        self.entries.append(_Entry(graph, unit.nct_id, unit.source, unit.statements, replaced, spooled, len(text)))
        self.spool.write(text)
        self.size += len(text)
        self.statements += unit.statements
        if graph is not None:
            self.graphs.add(graph)
            self.trials += bool(unit.nct_id)
        if self.pipe is None and _STREAMS and self.statements >= _BULK_STATEMENTS:
            self._start_stream(spooled)
        if self.pipe is not None:
            self._stream(self.sent.unsent(text))

    def _start_stream(self, backlog: int) -> None:
        """Start the bulk load reading a pipe, and send it the first ``backlog`` bytes spooled (as they are)."""
        read_end, write_end = os.pipe()
        _widen_pipe(write_end)
        self.pipe = open(write_end, "wb", buffering=_PIPE_BYTES)  # noqa: SIM115 - closed by close()
        self.loading = self.writer.submit(_bulk_load_pipe, self.store, read_end)
        self.spool.seek(0)
        while self.pipe is not None and backlog > 0 and (block := self.spool.read(min(_PIPE_BYTES, backlog))):
            backlog -= len(block)
            self._stream(block)
        self.spool.seek(0, os.SEEK_END)

    def _stream(self, text: bytes) -> None:
        assert self.pipe is not None
        try:
            self.pipe.write(text)
        except BrokenPipeError:  # the bulk load stopped (refused the text): what follows is only spooled
            self._close_pipe()

    def _close_pipe(self) -> None:
        if self.pipe is not None:
            pipe, self.pipe = self.pipe, None
            with contextlib.suppress(BrokenPipeError):
                pipe.close()

    def close(self) -> dict[int, str]:
        """Write the segment (or wait for its bulk load to land); the entries the store refused, by index, with why."""
        try:
            refused = self._land_text()
            if self.held:
                (self.store.bulk_extend if len(self.held) >= _BULK_STATEMENTS else self.store.extend)(self.held)
            return refused
        finally:
            self.spool.close()

    def _land_text(self) -> dict[int, str]:
        self._close_pipe()
        if self.loading is not None:
            try:
                self.loading.result()
                return {}
            except SyntaxError:
                pass  # nothing of the segment was written: the bulk loader commits only at its end
            self.sent.forget()  # lines streamed with the refused text never landed
        return self._write_from_spool()

    def _write_from_spool(self) -> dict[int, str]:
        """Write the spooled text in chunks; a chunk the store refuses again trial by trial, transactionally."""
        refused: dict[int, str] = {}
        for first in range(0, len(self.entries), _RETRY_TRIALS):
            chunk = self.entries[first:first + _RETRY_TRIALS]
            text = self._read(chunk[0].offset, chunk[-1].offset + chunk[-1].length)
            try:
                if sum(entry.statements for entry in chunk) >= _BULK_STATEMENTS:
                    self.store.bulk_load(input=text, format=RdfFormat.N_QUADS)
                else:
                    self.store.load(input=text, format=RdfFormat.N_QUADS)
            except SyntaxError:
                refused.update(self._write_one_by_one(first, chunk, text))
        return refused

    def _write_one_by_one(self, first: int, chunk: list[_Entry], text: bytes) -> Iterator[tuple[int, str]]:
        """Each unit of a refused chunk on its own; a refused write may have written part of the chunk, so each
        trial graph is cleared first."""
        base = chunk[0].offset
        for index, entry in enumerate(chunk, start=first):
            if entry.graph is not None:
                self.store.remove_graph(entry.graph)
            try:
                self.store.load(input=text[entry.offset - base:entry.offset - base + entry.length],
                                format=RdfFormat.N_QUADS)
            except SyntaxError as exc:
                lines = str(exc).strip().splitlines()
                yield index, f"the store refused its statements: {lines[0] if lines else 'invalid N-Quads'}"

    def _read(self, start: int, end: int) -> bytes:
        self.spool.flush()
        self.spool.seek(start)
        return self.spool.read(end - start)


def _has_blank_nodes(quads: list[Quad]) -> bool:
    return any(isinstance(term, BlankNode) for quad in quads for term in (quad.subject, quad.object, quad.graph_name))


def _widen_pipe(write_end: int) -> None:
    """Ask for a larger pipe buffer where the system has the setting; a smaller pipe only means smaller reads."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def _removes_while_loading(store: Store) -> bool:
    """Whether a graph can be removed while a bulk load runs: yes on disk; an in-memory store locks itself for
    the whole bulk load, so a removal would wait for a load that waits for the text behind it.

    The store says what it is only by how it refuses a backup: an in-memory one refuses any, an on-disk one
    refuses a target directory that exists (and writes nothing). Unsure means no: removals then wait.
    """
    with tempfile.TemporaryDirectory(prefix="kg-probe-") as existing:
        try:
            store.backup(existing)
        except (RuntimeError, OSError) as exc:
            return "exists" in str(exc).lower()
    return True  # it backed up into the directory (removed again): only an on-disk store can


def _bulk_load_pipe(store: Store, read_end: int) -> None:
    """Runs on the writer thread: the bulk load of everything written to the pipe until it is closed."""
    try:
        store.bulk_load(path=f"/dev/fd/{read_end}", format=RdfFormat.N_QUADS)
    finally:
        os.close(read_end)  # a writer still writing then sees the pipe broken instead of waiting


class _Loader:
    """Decides replace / skip / set aside for each unit, against the store and the open segment."""

    def __init__(self, store: Store, writer: ThreadPoolExecutor, force: bool, batch_trials: int,
                 summary: LoadSummary, callbacks: _Callbacks) -> None:
        self.store = store
        self.writer = writer
        self.force = force
        self.batch_trials = batch_trials
        self.summary = summary
        self.callbacks = callbacks
        self.segment: _Segment | None = None
        self.set_aside: list[GraphUnit] = []
        self.set_aside_graphs: set[NamedNode] = set()
        self.set_aside_bytes = 0
        self.queue: deque[GraphUnit] = deque()
        """Units set aside, due once the segment they waited for has landed."""
        self.unlinked_candidates: set[NamedNode] = set()
        """Shared nodes the removed graphs linked to: pruned once the segment replacing them has landed."""
        self.unreported = 0
        self.removes_while_loading = _removes_while_loading(store)
        self.sent = SentStatements()

    def add(self, unit: GraphUnit) -> None:
        self.queue.append(unit)
        while self.queue:
            self._route(self.queue.popleft())

    def finish(self) -> None:
        """Write what is open and everything set aside, until nothing waits."""
        while self.segment is not None or self.set_aside:
            self._close_segment()
            while self.queue:
                self._route(self.queue.popleft())

    def abandon(self) -> None:
        """After an error: let the bulk load in flight land (its units are whole), count nothing more."""
        if self.segment is not None:
            segment, self.segment = self.segment, None
            with contextlib.suppress(Exception):
                segment.close()

    def _route(self, unit: GraphUnit) -> None:
        if self._must_wait(unit):
            self._set_aside(unit)
            return
        replaced = False
        if unit.replaces:
            graph = unit.graph
            assert isinstance(graph, NamedNode)
            replaced = self.store.contains_named_graph(graph)
            if replaced and not self._may_replace(unit, graph):
                return
            if replaced:
                self.unlinked_candidates |= linked_entities(self.store, graph)
                self.store.remove_graph(graph)
        segment = self.segment or self._open_segment()
        segment.add(unit, replaced)
        if unit.replaces and unit.nct_id:
            self._report_progress(1)
        if segment.trials >= self.batch_trials or segment.size >= _SEGMENT_BYTES or len(segment.held) >= _HELD_QUADS:
            self._close_segment()

    def _must_wait(self, unit: GraphUnit) -> bool:
        """A unit of a graph the open segment already writes (its text cannot be taken back), added to a graph
        whose replacing unit is set aside (it must follow that unit), or replacing a stored graph that cannot be
        removed while the segment's bulk load runs."""
        graph = unit.graph
        if not isinstance(graph, NamedNode):
            return False
        if graph in self.set_aside_graphs:
            return True
        if not unit.replaces or self.segment is None:
            return False
        if graph in self.segment.graphs:
            return True
        return (self.segment.pipe is not None and not self.removes_while_loading
                and self.store.contains_named_graph(graph))

    def _may_replace(self, unit: GraphUnit, graph: NamedNode) -> bool:
        """Newer wins: False (and the skip reported) when the stored version is newer than the unit's."""
        if not unit.nct_id or self.force:
            return True
        current = stored_version(self.store, graph)
        if newer_or_same(unit.version, current):
            return True
        assert unit.version is not None and current is not None
        self.summary.skipped_older += 1
        if self.callbacks.on_skip:
            self.callbacks.on_skip(SkippedOlder(unit.nct_id, unit.source, unit.version, current))
        return False

    def _set_aside(self, unit: GraphUnit) -> None:
        self.set_aside.append(unit)
        if isinstance(unit.graph, NamedNode):
            self.set_aside_graphs.add(unit.graph)
        self.set_aside_bytes += len(unit.document) if unit.document is not None else 150 * unit.statements
        if self.set_aside_bytes >= _SET_ASIDE_BYTES:
            self._close_segment()

    def _open_segment(self) -> _Segment:
        self.segment = _Segment(self.store, self.writer, self.sent)
        return self.segment

    def _close_segment(self) -> None:
        """Land the open segment, count it, prune what its replaced graphs left unlinked, release the set-aside."""
        if self.segment is not None:
            segment, self.segment = self.segment, None
            self._count(segment, segment.close())
        if self.unlinked_candidates:
            pruned = prune_unlinked(self.store, self.unlinked_candidates)
            if pruned:
                self.sent.forget()  # descriptions of pruned nodes are gone from the store
            self.summary.pruned += pruned
            self.unlinked_candidates = set()
        self._report_progress(0, final=True)
        self.queue.extendleft(reversed(self.set_aside))
        self.set_aside, self.set_aside_graphs, self.set_aside_bytes = [], set(), 0

    def _count(self, segment: _Segment, refused: dict[int, str]) -> None:
        for index, entry in enumerate(segment.entries):
            if index in refused:
                self.summary.rejected += 1
                if self.callbacks.on_rejection:
                    self.callbacks.on_rejection(Rejection(entry.source, entry.nct_id or "-", "mapping", refused[index]))
                continue
            self.summary.quads += entry.statements
            if entry.graph is not None and entry.nct_id:
                self.summary.loaded += 1
                self.summary.replaced += entry.replaced
                self.summary.new += not entry.replaced

    def _report_progress(self, trials: int, *, final: bool = False) -> None:
        self.unreported += trials
        if self.callbacks.on_batch and self.unreported and (final or self.unreported >= _PROGRESS_TRIALS):
            self.callbacks.on_batch(self.unreported)
            self.unreported = 0
