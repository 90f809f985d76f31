"""Readers: turn input files of any supported format into ``Trial`` records.

``read_records(paths)`` is the one entry point: it walks files, directories,
``.zip`` and ``.gz``, detects each file's format from its content (not only its
name) and yields a ``Trial`` for every good record and a ``Rejection`` for
every bad one, so one bad record never loses the good ones.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from kg.errors import Rejection
from kg.model import SourceFormat, Trial
from kg.readers.sources import READ_ERRORS, Source, iter_sources, unreadable

__all__ = ["WHOLE_READ_BYTES", "detect_format", "read_records", "read_source"]

WHOLE_READ_BYTES = 16 * 1024 * 1024
"""Files up to this size are read whole, once; larger ones stream (big JSON pages)."""

_SNIFF_BYTES = 4096


def detect_format(head: bytes) -> SourceFormat | None:
    """The record format of a file from its first bytes, or None if none fits."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        return None
    if text.startswith((b"{", b"[")):
        return SourceFormat.CTGOV_JSON
    if text.startswith(b"<"):
        return SourceFormat.CTGOV_XML
    from kg.readers import trial_page

    if trial_page.looks_like_trial_page(head.decode("utf-8", "replace")):
        return SourceFormat.TRIAL_PAGE
    return None


def read_source(source: Source) -> Iterator[Trial | Rejection]:
    """Every record of one source file.

    A packed archive member up to ``WHOLE_READ_BYTES`` is inflated once, into memory, instead
    of once to sniff its format and again to read it; larger ones stream.
    """
    try:
        if source.packed is not None and source.size is not None and source.size <= WHOLE_READ_BYTES:
            source = Source.from_bytes(source.name, source.read())
        with source.open() as stream:
            head = stream.read(_SNIFF_BYTES)
    except READ_ERRORS as exc:
        yield unreadable(source.name, exc)
        return
    fmt = detect_format(head)
    if fmt is SourceFormat.CTGOV_JSON:
        from kg.readers import ctgov_json

        yield from ctgov_json.read(source)
    elif fmt is SourceFormat.CTGOV_XML:
        from kg.readers import ctgov_xml

        yield from ctgov_xml.read(source)
    elif fmt is SourceFormat.TRIAL_PAGE:
        from kg.readers import trial_page

        yield from trial_page.read(source)
    elif not head.strip():
        yield Rejection(source.name, "-", "file", "empty file")
    else:
        yield Rejection(
            source.name, "-", "format",
            "not a ClinicalTrials.gov JSON, XML or trial page record",
        )


def read_records(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[Trial | Rejection]:
    """Every record under ``inputs`` (files, directories, archives), in a stable order."""
    for source in iter_sources(inputs):
        if isinstance(source, Rejection):
            yield source
        else:
            yield from read_source(source)
