"""Validation inputs: RDF files and registry records, read into a store or an rdflib graph.

An input is RDF when its name says so (``.ttl .nt .nq .trig .jsonld``, optionally ``.gz``:
what ``kg convert`` writes) and is parsed with pyoxigraph; anything else (record files,
folders, archives) is read with ``kg.readers`` and mapped with ``kg.mapping`` on the fly,
never serialised and parsed again. The same trial met twice is taken once, as ``kg convert``
does.

Datasets (N-Quads, TriG, JSON-LD with named graphs) are validated as the union of their
graphs: a trial's named graph holds the shared nodes it mentions, and only the union shows
each shared node whole.
"""

from __future__ import annotations

import gzip
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Graph

from kg.convert import ConversionSummary, collect
from kg.errors import NoInputError, Rejection, UsageError
from kg.mapping import MappingOptions
from kg.parallel import map_inputs
from kg.validation.terms import ox_to_rdflib
from kg.writers import rdf_input_format

__all__ = [
    "InputSummary",
    "is_rdf_path",
    "load_graph",
    "load_store",
    "ntriples_chunks",
    "read_documents",
    "read_triples",
    "syntax_error",
]

_BATCH = 50_000
"""Triples handed to the store at a time: large enough to amortise calls, small enough to stay flat."""
CHUNK_BYTES = 128 * 1024 * 1024
"""Bytes of N-Triples handed to the store's bulk loader at a time.

The loader holds a load in memory while it sorts it (about six times its size: some 800 MB
here), so chunks bound memory whatever the input size. Each load is then merged into the
store's files, and that merge grows with the store: measured on 20,000 trials (4.4 million
triples), loading took 61 s of CPU in 32 MB chunks, 57 s in 64 MB chunks, 48 s in 128 MB chunks."""


@dataclass(slots=True)
class InputSummary:
    """What was read: triples (with duplicates across trials), trials, rejected records."""

    triples: int = 0
    trials: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)


def is_rdf_path(path: str | os.PathLike[str]) -> bool:
    return rdf_input_format(path) is not None


def _open(path: str) -> IO[bytes]:
    return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")


def _rdf_triples(path: str, summary: InputSummary) -> Iterator[ox.Triple]:
    fmt = rdf_input_format(path)
    assert fmt is not None
    if not Path(path).is_file():
        raise NoInputError(f"{path}: no such file")
    try:
        with _open(path) as stream:
            for quad in ox.parse(stream, fmt):
                summary.triples += 1
                yield quad.triple
    except SyntaxError as exc:
        raise syntax_error(path, fmt, exc) from exc
    except (OSError, EOFError) as exc:
        raise UsageError(f"{path}: cannot read ({exc})") from exc


def ntriples_chunks(path: str, summary: InputSummary) -> Iterator[bytes]:
    """An N-Triples file (optionally gzipped) as chunks of whole lines, never parsed in Python.

    Handing raw text to the store's bulk loader skips making a Python object of every term,
    which costs more than the loading itself. ``summary.triples`` counts lines (one triple a
    line, as ``kg convert`` writes it); it only drives progress reports.
    """
    if not Path(path).is_file():
        raise NoInputError(f"{path}: no such file")
    try:
        with _open(path) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                chunk += stream.readline()
                summary.triples += chunk.count(b"\n")
                yield chunk
    except (OSError, EOFError) as exc:
        raise UsageError(f"{path}: cannot read ({exc})") from exc


def syntax_error(path: str, fmt: ox.RdfFormat, exc: SyntaxError) -> UsageError:
    """The one-line error for a file that is not valid RDF of its format."""
    return UsageError(f"{path}: not valid {fmt.name} ({' '.join(str(exc).split())[:200]})")


def read_documents(
    records: list[str],
    summary: InputSummary,
    *,
    on_rejection: Callable[[Rejection], None] | None = None,
    options: MappingOptions | None = None,
    jobs: int = 1,
) -> Iterator[bytes]:
    """The UTF-8 N-Triples document of every trial read from record inputs (first record of a trial wins)."""
    for path in records:
        if not Path(path).exists():
            raise NoInputError(f"{path}: no such file or folder")
    conversion = ConversionSummary()

    def rejected(rejection: Rejection) -> None:
        summary.rejected += 1
        if len(summary.rejections) < 1000:
            summary.rejections.append(rejection)
        if on_rejection:
            on_rejection(rejection)

    def trial(_nct_id: str) -> None:
        summary.trials += 1

    mapped = map_inputs(records, quads=False, options=options or MappingOptions(), jobs=jobs)
    yield from collect(mapped, conversion, on_rejection=rejected, on_record=trial)
    if conversion.converted == 0:
        raise NoInputError(
            f"no record could be read from {', '.join(records)}"
            + (f" (first problem: {summary.rejections[0]})" if summary.rejections else "")
        )


def read_triples(
    inputs: Iterable[str | os.PathLike[str]],
    summary: InputSummary,
    *,
    on_rejection: Callable[[Rejection], None] | None = None,
    options: MappingOptions | None = None,
) -> Iterator[ox.Triple]:
    """Every triple of every input: RDF files parsed, records mapped (RDF files first)."""
    paths = [str(p) for p in inputs]
    if not paths:
        raise UsageError("no input given")
    for path in paths:
        if is_rdf_path(path):
            yield from _rdf_triples(path, summary)
    records = [p for p in paths if not is_rdf_path(p)]
    if records:
        for document in read_documents(records, summary, on_rejection=on_rejection, options=options):
            for quad in ox.parse(document, ox.RdfFormat.N_TRIPLES):
                summary.triples += 1
                yield quad.triple


def load_store(triples: Iterable[ox.Triple], store: ox.Store) -> None:
    """Add triples to the store's default graph in batches (duplicates merge)."""
    batch: list[ox.Quad] = []
    for triple in triples:
        batch.append(ox.Quad(triple.subject, triple.predicate, triple.object))
        if len(batch) >= _BATCH:
            store.bulk_extend(batch)
            batch = []
    if batch:
        store.bulk_extend(batch)


def load_graph(triples: Iterable[ox.Triple]) -> Graph:
    """A plain in-memory rdflib graph of the triples (for pySHACL).

    rdflib logs a traceback for every ill-typed literal it meets; validation reports those
    itself, so the log is quietened.
    """
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    graph = Graph()
    for triple in triples:
        graph.add((ox_to_rdflib(triple.subject), ox_to_rdflib(triple.predicate), ox_to_rdflib(triple.object)))
    return graph
