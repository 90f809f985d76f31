"""Turn the paths a user gives into a stream of byte sources, one per file.

Directories are walked recursively in sorted order, ``.zip`` archives are
opened member by member and ``.gz`` files are decompressed on the fly; nothing
is read into memory ahead of need, so a bulk archive of half a million studies
streams. Which record format a source holds is decided later, from its content.

A plain (stored or deflated) archive member can also be handed over *packed*:
its bytes as stored in the archive, inflated and checked by whoever reads the
record. That is how ``kg.parallel`` ships members to worker processes: the
parent copies about a fifth of the bytes and does none of the inflating.
"""

from __future__ import annotations

import gzip
import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, BinaryIO

from kg.errors import Rejection

__all__ = ["READ_ERRORS", "PackedMember", "Source", "iter_sources", "unreadable"]

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
"""A zip local file header (APPNOTE 4.3.7): signature ... file name length, extra field length."""
_LOCAL_SIGNATURE = b"PK\x03\x04"
_PACKED_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_PREAD = getattr(os, "pread", None)
"""One system call to read at an offset; Windows has none."""

READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error)
"""What reading a source's bytes may raise: the file's fault, never the record's."""


def unreadable(name: str, exc: BaseException) -> Rejection:
    """The rejection of a file whose bytes cannot be read."""
    return Rejection(name, "-", "file", f"cannot read ({exc})")


@dataclass(frozen=True, slots=True)
class PackedMember:
    """One archive member's bytes as stored, with what it takes to unpack and check them.

    Cheap to pickle (a deflated record is about a fifth of its size), so a parent
    process can read members and leave the inflating to its workers.
    """

    name: str
    data: bytes
    method: int
    crc: int
    size: int

    def unpack(self) -> bytes:
        """The member's content; ``zipfile.BadZipFile`` if it does not inflate or fails its CRC."""
        try:
            data = zlib.decompress(self.data, -15, self.size) if self.method == zipfile.ZIP_DEFLATED else self.data
        except zlib.error as exc:
            raise zipfile.BadZipFile(f"{exc} in file {self.name!r}") from None
        if len(data) != self.size or zlib.crc32(data) != self.crc:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {self.name!r}")
        return data

_SKIPPED_NAMES = {".DS_Store", "Thumbs.db"}
_SKIPPED_SUFFIXES = {".md", ".txt.sha256", ".csv", ".tsv", ".yaml", ".yml", ".xsd", ".py"}


@dataclass(frozen=True, slots=True)
class Source:
    """One file's bytes, not yet read: ``name`` is what messages and provenance show."""

    name: str
    opener: Callable[[], IO[bytes]]
    size: int | None = None
    """Size in bytes when known without reading (plain files, archive members)."""
    packed: Callable[[], PackedMember] | None = None
    """For a plain archive member: its stored bytes, read without inflating them."""

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> Source:
        """A source over bytes already in memory."""
        return cls(name, partial(io.BytesIO, data), len(data))

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        stream = self.opener()
        try:
            yield stream
        finally:
            stream.close()

    def read(self) -> bytes:
        if self.packed is not None:
            return self.packed().unpack()
        with self.open() as stream:
            return stream.read()


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(2) == b"\x1f\x8b"


def _is_zip(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(4) == b"PK\x03\x04"


def _file_sources(path: Path, display: str) -> Iterator[Source | Rejection]:
    if _is_zip(path):
        yield from _zip_sources(path, display)
    elif _is_gzip(path):
        inner = display[:-3] if display.endswith(".gz") else display
        yield Source(inner, lambda: gzip.open(path, "rb"))  # noqa: SIM115 - Source.open closes it
    else:
        yield Source(display, lambda: path.open("rb"), path.stat().st_size)


def _zip_sources(path: Path, display: str) -> Iterator[Source | Rejection]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        yield Rejection(display, "-", "zip", f"not a readable zip archive ({exc})")
        return
    with archive, path.open("rb") as stored:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            member = info.filename
            if info.is_dir() or _skipped(member):
                continue

            def opener(member: str = member) -> IO[bytes]:
                stream: IO[bytes] = archive.open(member)
                if member.endswith(".gz"):
                    return gzip.GzipFile(fileobj=stream)  # type: ignore[return-value]
                return stream

            name = f"{display}!{member}"
            if member.endswith(".gz"):
                yield Source(name, opener)
            elif info.compress_type in _PACKED_METHODS and not info.flag_bits & 0x1:  # not encrypted
                yield Source(name, opener, info.file_size, partial(_read_packed, stored, info))
            else:
                yield Source(name, opener, info.file_size)


def _read_packed(stored: BinaryIO, info: zipfile.ZipInfo) -> PackedMember:
    """A member's stored bytes: past its local header, ``compress_size`` bytes as they are on disk.

    One read for header and data together: the local header's name and extra field are about as
    long as the central directory's, so a little slack covers them, and a second read the rare rest.
    """
    name_and_extra = len(info.filename.encode()) + len(info.extra) + 64
    head = _read_at(stored, _LOCAL_HEADER.size + name_and_extra + info.compress_size, info.header_offset)
    if len(head) < _LOCAL_HEADER.size or head[:4] != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile(f"bad local file header for {info.filename!r}")
    fields = _LOCAL_HEADER.unpack_from(head)
    start = _LOCAL_HEADER.size + fields[10] + fields[11]  # past the file name and the extra field
    data = head[start:start + info.compress_size]
    if len(data) < info.compress_size:  # a local extra field longer than the slack, or a truncated archive
        data = _read_at(stored, info.compress_size, info.header_offset + start)
    if len(data) != info.compress_size:
        raise zipfile.BadZipFile(f"truncated file {info.filename!r}")
    return PackedMember(info.filename, data, info.compress_type, info.CRC, info.file_size)


def _read_at(stored: BinaryIO, size: int, offset: int) -> bytes:
    """Up to ``size`` bytes at ``offset``: one system call where there is ``pread`` (not on Windows)."""
    if _PREAD is not None:
        return _PREAD(stored.fileno(), size, offset)
    stored.seek(offset)
    return stored.read(size)


def _skipped(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return (
        base in _SKIPPED_NAMES
        or base.startswith(".")
        or base.startswith("__MACOSX")
        or "/__MACOSX/" in f"/{name}"
        or any(base.endswith(s) for s in _SKIPPED_SUFFIXES)
    )


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            if not _skipped(filename):
                yield Path(dirpath) / filename


def iter_sources(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[Source | Rejection]:
    """Every readable file under ``inputs``, in a deterministic order.

    A path that does not exist or cannot be opened yields a ``Rejection``;
    the caller decides whether that stops the run.
    """
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            for file in _walk(path):
                yield from _safe_file_sources(file, _display_name(file, path))
        elif path.exists():
            yield from _safe_file_sources(path, path.name)
        else:
            yield Rejection(str(given), "-", "path", "no such file or directory")


def _display_name(file: Path, root: Path) -> str:
    """The file's path relative to the directory given, prefixed by that directory's name."""
    return f"{root.resolve().name}/{file.relative_to(root).as_posix()}"


def _safe_file_sources(path: Path, display: str) -> Iterator[Source | Rejection]:
    try:
        yield from _file_sources(path, display)
    except OSError as exc:
        yield Rejection(display, "-", "file", f"cannot read ({exc.strerror or exc})")
