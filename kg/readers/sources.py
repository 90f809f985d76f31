"""Turn the paths a user gives into a stream of byte sources, one per file.

Directories are walked recursively in sorted order, ``.zip`` archives are
opened member by member and ``.gz`` files are decompressed on the fly; nothing
is read into memory ahead of need, so a bulk archive of half a million studies
streams. Which record format a source holds is decided later, from its content.
"""

from __future__ import annotations

import gzip
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kg.errors import Rejection

__all__ = ["Source", "iter_sources"]

_SKIPPED_NAMES = {".DS_Store", "Thumbs.db"}
_SKIPPED_SUFFIXES = {".md", ".txt.sha256", ".csv", ".tsv", ".yaml", ".yml", ".xsd", ".py"}


@dataclass(frozen=True, slots=True)
class Source:
    """One file's bytes, not yet read: ``name`` is what messages and provenance show."""

    name: str
    opener: Callable[[], IO[bytes]]
    size: int | None = None
    """Size in bytes when known without reading (plain files, archive members)."""

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        stream = self.opener()
        try:
            yield stream
        finally:
            stream.close()

    def read(self) -> bytes:
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
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            member = info.filename
            if info.is_dir() or _skipped(member):
                continue

            def opener(member: str = member) -> IO[bytes]:
                stream: IO[bytes] = archive.open(member)
                if member.endswith(".gz"):
                    return gzip.GzipFile(fileobj=stream)  # type: ignore[return-value]
                return stream

            yield Source(f"{display}!{member}", opener, None if member.endswith(".gz") else info.file_size)


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
