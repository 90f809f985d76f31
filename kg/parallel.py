"""Records to N-Triples/N-Quads documents, on one core or on all of them.

Reading and mapping are pure per source file, so they parallelise: worker
processes turn a file's bytes into finished documents (text), and the parent
only walks the inputs and writes. Results come back in input order, so the
output is the same bytes whatever the number of workers. At most a small
window of files is in flight, which keeps memory flat; files too large to
ship to a worker (big JSON pages, ``.gz`` of unknown size) are read in the
parent, streaming, after the work in flight is done. Worker processes start
only when the input is large enough to be worth them.

Archive members travel packed, as stored in the ``.zip``, and are inflated and
CRC-checked in the worker: the parent then copies about a fifth of the bytes and
inflates nothing, which leaves the cores to the workers.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from kg.errors import Rejection
from kg.mapping import MappingOptions, trial_nquads, trial_ntriples
from kg.model import Trial
from kg.readers import WHOLE_READ_BYTES, read_records, read_source
from kg.readers.sources import READ_ERRORS, PackedMember, Source, iter_sources, unreadable

__all__ = [
    "BATCH_BYTES",
    "BATCH_FILES",
    "MAX_SHIPPED_BYTES",
    "MappedRecord",
    "Version",
    "default_jobs",
    "map_inputs",
    "record_version",
]

MAX_SHIPPED_BYTES = WHOLE_READ_BYTES
"""Files up to this size are sent to worker processes; larger ones stream in the parent."""
BATCH_FILES, BATCH_BYTES = 64, 4 * 1024 * 1024
"""Files go to a worker in batches: one task per file would cost more in hand-over than in work."""


Version = tuple[str, str]
"""(lastUpdatePostedDate, versionDate) as ISO strings; compared as a tuple, later is newer."""


@dataclass(frozen=True, slots=True)
class MappedRecord:
    """One trial, mapped: its N-Triples (or N-Quads) document and where it came from.

    The document is UTF-8 bytes, encoded in the worker that mapped it: every consumer (a file,
    the store's bulk loader) wants bytes, and bytes cross from a worker process without being
    transcoded twice on the way. ``version`` travels with the document so that a loader can decide "newer
    wins" without parsing the text back into terms.
    """

    nct_id: str
    source_file: str
    document: bytes
    statements: int
    version: Version | None = None


def record_version(record: Trial) -> Version | None:
    """The version a trial's mapped statements carry; None without a last-update date.

    The same values the mapping writes as ``ctkg:lastUpdatePostedDate`` and the
    source record's ``ctkg:versionDate``, read from the record itself, so it
    agrees with ``kg.graph_units.version_of`` over the trial's quads.
    """
    if record.last_update_posted is None or not record.last_update_posted.value:
        return None
    return record.last_update_posted.value, record.provenance.version_date or ""


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _map_one(record: Trial | Rejection, quads: bool, options: MappingOptions) -> MappedRecord | Rejection:
    if isinstance(record, Rejection):
        return record
    try:
        text = trial_nquads(record, options) if quads else trial_ntriples(record, options)
    except ValueError as exc:  # a record the mapping refuses (malformed id, unknown code)
        return Rejection(record.provenance.source_file, record.nct_id, "mapping", str(exc))
    document = text.encode("utf-8")
    return MappedRecord(
        record.nct_id, record.provenance.source_file, document, document.count(b"\n"), record_version(record)
    )


Shipped = tuple[str, bytes | PackedMember]
"""A file as it travels to a worker: its name and its bytes, or its archive member still packed."""


def _map_batch(files: list[Shipped], quads: bool, options: MappingOptions) -> list[MappedRecord | Rejection]:
    """Worker entry point: every record of a batch of files."""
    results: list[MappedRecord | Rejection] = []
    for name, payload in files:
        if isinstance(payload, PackedMember):
            try:
                payload = payload.unpack()
            except zipfile.BadZipFile as exc:
                results.append(unreadable(name, exc))
                continue
        source = Source.from_bytes(name, payload)
        results.extend(_map_one(record, quads, options) for record in read_source(source))
    return results


def _shippable(source: Source) -> bool:
    """Small enough to read whole and hand to a worker."""
    return source.size is not None and source.size <= MAX_SHIPPED_BYTES


def _map_sequentially(
    inputs: Iterable[str | os.PathLike[str]], quads: bool, options: MappingOptions
) -> Iterator[MappedRecord | Rejection]:
    for record in read_records(inputs):
        yield _map_one(record, quads, options)


def map_inputs(
    inputs: Iterable[str | os.PathLike[str]],
    *,
    quads: bool,
    options: MappingOptions,
    jobs: int = 1,
) -> Iterator[MappedRecord | Rejection]:
    """Every record under ``inputs`` mapped to a document, in input order, on ``jobs`` processes."""
    if jobs <= 1:
        yield from _map_sequentially(inputs, quads, options)
        return
    window = 4 * jobs
    pending: deque[Future[list[MappedRecord | Rejection]]] = deque()
    batch: list[Shipped] = []
    batch_bytes = 0
    pool: ProcessPoolExecutor | None = None

    def submit() -> None:
        nonlocal batch, batch_bytes, pool
        if pool is None:
            pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context())
        pending.append(pool.submit(_map_batch, batch, quads, options))
        batch, batch_bytes = [], 0

    def drain() -> Iterator[MappedRecord | Rejection]:
        if batch and pool is None:  # a small input: not worth starting workers
            yield from _map_batch(batch, quads, options)
            batch.clear()
        elif batch:
            submit()
        while pending:
            yield from pending.popleft().result()

    try:
        for source in iter_sources(inputs):
            if isinstance(source, Rejection):
                yield from drain()
                yield source
                continue
            if not _shippable(source):
                yield from drain()
                for record in read_source(source):
                    yield _map_one(record, quads, options)
                continue
            try:
                payload: bytes | PackedMember = source.read() if source.packed is None else source.packed()
            except READ_ERRORS as exc:
                yield from drain()
                yield unreadable(source.name, exc)
                continue
            batch.append((source.name, payload))
            batch_bytes += len(payload) if isinstance(payload, bytes) else len(payload.data)
            if len(batch) >= BATCH_FILES or batch_bytes >= BATCH_BYTES:
                submit()
            while len(pending) >= window:
                yield from pending.popleft().result()
        yield from drain()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _context() -> multiprocessing.context.BaseContext:
    """Workers start from a fresh interpreter, never by forking this one.

    Forking a process that runs threads (a progress bar's monitor, an HTTP
    client, a test runner) can copy a lock held by another thread and hang
    the child; a fork server does not inherit them.
    """
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
