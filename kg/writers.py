"""Sinks that write RDF files: every standard format, atomically, streaming.

pyoxigraph's serialisers stream and are fast at registry scale (rdflib's Turtle
writer is not), so they write every format. Output goes to a temporary file
next to the target and is renamed over it only when complete: a failed or
interrupted run never leaves a half-written file behind.
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import IO

import pyoxigraph
from pyoxigraph import Quad, Triple

from kg.direct_file import DirectFile
from kg.errors import UsageError
from kg.namespaces import PREFIXES

__all__ = ["OutputFormat", "atomic_output", "format_for_path", "rdf_input_format", "write_line_documents", "write_rdf"]


class OutputFormat(str, Enum):
    """The RDF formats ``kg convert`` writes, by their usual file extension."""

    TTL = "ttl"
    NT = "nt"
    NQ = "nq"
    TRIG = "trig"
    JSONLD = "jsonld"

    @property
    def rdf_format(self) -> pyoxigraph.RdfFormat:
        return {
            OutputFormat.TTL: pyoxigraph.RdfFormat.TURTLE,
            OutputFormat.NT: pyoxigraph.RdfFormat.N_TRIPLES,
            OutputFormat.NQ: pyoxigraph.RdfFormat.N_QUADS,
            OutputFormat.TRIG: pyoxigraph.RdfFormat.TRIG,
            OutputFormat.JSONLD: pyoxigraph.RdfFormat.JSON_LD,
        }[self]

    @property
    def is_dataset(self) -> bool:
        """Dataset formats put each trial in its own named graph."""
        return self in (OutputFormat.NQ, OutputFormat.TRIG, OutputFormat.JSONLD)


_EXTENSIONS = {
    ".ttl": OutputFormat.TTL,
    ".turtle": OutputFormat.TTL,
    ".nt": OutputFormat.NT,
    ".ntriples": OutputFormat.NT,
    ".nq": OutputFormat.NQ,
    ".nquads": OutputFormat.NQ,
    ".trig": OutputFormat.TRIG,
    ".jsonld": OutputFormat.JSONLD,
    ".json": OutputFormat.JSONLD,
}


def rdf_input_format(path: str | os.PathLike[str]) -> pyoxigraph.RdfFormat | None:
    """The RDF format of an input file named by its extension (``.gz`` looked through), else None.

    Inputs are told apart from registry records by extension, so ``.json`` (always a record
    file on input) is not RDF here, although ``-o graph.json`` writes JSON-LD.
    """
    name = os.fspath(path)
    name = name[:-3] if name.endswith(".gz") else name
    suffix = Path(name).suffix.lower()
    return None if suffix == ".json" or suffix not in _EXTENSIONS else _EXTENSIONS[suffix].rdf_format


def format_for_path(path: str) -> OutputFormat:
    """The output format named by a file's extension (``.gz`` is looked through)."""
    name = path[:-3] if path.endswith(".gz") else path
    suffix = Path(name).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise UsageError(
            f"cannot tell the RDF format of {path!r} from its extension; use --format "
            f"({', '.join(f.value for f in OutputFormat)})"
        )
    return _EXTENSIONS[suffix]


@contextmanager
def atomic_output(path: str, *, bulk: bool = False) -> Iterator[IO[bytes]]:
    """A binary stream that becomes ``path`` only if the block completes.

    ``-`` is standard output (written directly). A ``.gz`` path is compressed
    with a fixed timestamp, so the same content gives the same bytes. ``bulk``
    is for outputs that may outgrow memory (a converted registry, a store
    dump): they bypass the page cache (``kg.direct_file``).
    """
    if path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=directory)
    try:
        with DirectFile(fd) if bulk else os.fdopen(fd, "wb") as raw:
            if path.endswith(".gz"):
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped:
                    yield zipped  # type: ignore[misc]
            else:
                yield raw
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def write_rdf(
    statements: Iterable[Triple] | Iterable[Quad],
    stream: IO[bytes],
    output_format: OutputFormat,
) -> None:
    """Serialise a stream of triples (or quads for dataset formats) to ``stream``."""
    prefixes = PREFIXES if output_format in (OutputFormat.TTL, OutputFormat.TRIG) else None
    pyoxigraph.serialize(statements, stream, output_format.rdf_format, prefixes=prefixes)


def write_line_documents(documents: Iterable[bytes], stream: IO[bytes], output_format: OutputFormat) -> None:
    """Write a stream of UTF-8 N-Triples (or, for dataset formats, N-Quads) documents in ``output_format``.

    N-Triples and N-Quads are copied as they are: the fast path. Every other
    format is produced by pyoxigraph's streaming serialiser from the parsed
    documents, one document at a time.
    """
    if output_format in (OutputFormat.NT, OutputFormat.NQ):
        for document in documents:
            stream.write(document)
        return
    if output_format.is_dataset:
        statements: Iterator[Triple] | Iterator[Quad] = (
            quad for document in documents for quad in pyoxigraph.parse(document, pyoxigraph.RdfFormat.N_QUADS)
        )
    else:
        statements = (
            quad.triple for document in documents for quad in pyoxigraph.parse(document, pyoxigraph.RdfFormat.N_TRIPLES)
        )
    write_rdf(statements, stream, output_format)
