"""Records to an RDF file: the pipeline behind ``kg convert``.

Wires the readers, the pure mapping and a file sink together as one stream:
records are read, mapped (on all cores with ``jobs``) and written one at a
time, so memory stays flat however many records there are. Bad records are handed to a callback and
skipped (or stop the run with ``strict``); progress is reported through a
callback the CLI renders as a bar.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from kg.errors import NoInputError, RecordError, Rejection
from kg.mapping import MappingOptions
from kg.parallel import MappedRecord, map_inputs
from kg.writers import OutputFormat, atomic_output, format_for_path, write_line_documents

__all__ = ["MAX_KEPT_REJECTIONS", "ConversionSummary", "collect", "convert"]

MAX_KEPT_REJECTIONS = 1000


@dataclass(slots=True)
class ConversionSummary:
    """Counts of one run; ``read`` = converted + rejected."""

    read: int = 0
    converted: int = 0
    rejected: int = 0
    duplicates: int = 0
    triples: int = 0
    seconds: float = 0.0
    rejections: list[Rejection] = field(default_factory=list)
    """The first ``MAX_KEPT_REJECTIONS`` rejections (all are passed to the callback)."""

    def line(self) -> str:
        return (
            f"{self.read} records read, {self.converted} converted, {self.rejected} rejected, "
            + (f"{self.duplicates} duplicates skipped, " if self.duplicates else "")
            + f"{self.triples} triples, {self.seconds:.1f} s"
        )


def collect(
    mapped: Iterable[MappedRecord | Rejection],
    summary: ConversionSummary,
    *,
    strict: bool = False,
    on_rejection: Callable[[Rejection], None] | None = None,
    on_record: Callable[[str], None] | None = None,
    on_duplicate: Callable[[MappedRecord, str], None] | None = None,
) -> Iterator[bytes]:
    """The documents (UTF-8 N-Triples or N-Quads) of a mapped record stream, counting into ``summary``.

    A ``Rejection`` is counted and passed to ``on_rejection``; with ``strict``
    it raises ``RecordError`` instead, which aborts the write. A trial seen
    again (the same NCT id from another file or format) is skipped and passed
    to ``on_duplicate`` with the file it was first converted from: the first
    record wins, as a stream cannot take back what it has written (``kg load``
    instead keeps the newest version of a trial). ``on_record`` gets the NCT id
    of every trial written.
    """
    first_seen: dict[str, str] = {}
    for item in mapped:
        if isinstance(item, Rejection):
            if item.record != "-" or item.field not in ("path", "file"):
                summary.read += 1
            summary.rejected += 1
            if len(summary.rejections) < MAX_KEPT_REJECTIONS:
                summary.rejections.append(item)
            if on_rejection:
                on_rejection(item)
            if strict:
                raise RecordError(item)
            continue
        summary.read += 1
        if item.nct_id in first_seen:
            summary.duplicates += 1
            if on_duplicate:
                on_duplicate(item, first_seen[item.nct_id])
            continue
        first_seen[item.nct_id] = item.source_file
        summary.converted += 1
        summary.triples += item.statements
        if on_record:
            on_record(item.nct_id)
        yield item.document


def convert(
    inputs: Iterable[str | os.PathLike[str]],
    output: str,
    *,
    output_format: OutputFormat | None = None,
    options: MappingOptions | None = None,
    strict: bool = False,
    jobs: int = 1,
    on_rejection: Callable[[Rejection], None] | None = None,
    on_record: Callable[[str], None] | None = None,
    on_duplicate: Callable[[MappedRecord, str], None] | None = None,
) -> ConversionSummary:
    """Convert every record under ``inputs`` to one RDF file (``-`` for stdout).

    ``jobs`` worker processes read and map in parallel; the output is the same
    bytes for any number of jobs. Raises ``NoInputError`` when nothing could be
    read at all (the output is then not written), ``RecordError`` on the first
    bad record with ``strict``.
    """
    fmt = output_format or format_for_path(output)
    summary = ConversionSummary()
    started = time.perf_counter()
    mapped = map_inputs(inputs, quads=fmt.is_dataset, options=options or MappingOptions(), jobs=jobs)
    documents = collect(
        mapped, summary, strict=strict, on_rejection=on_rejection, on_record=on_record, on_duplicate=on_duplicate
    )
    with atomic_output(output, bulk=True) as stream:
        write_line_documents(documents, stream, fmt)
        if summary.converted == 0 and output != "-":
            raise NoInputError(_nothing_read(summary))
    summary.seconds = time.perf_counter() - started
    return summary


def _nothing_read(summary: ConversionSummary) -> str:
    if summary.rejections:
        return f"no record could be converted ({summary.rejected} rejected; first: {summary.rejections[0]})"
    return "no records found in the input"
