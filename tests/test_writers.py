"""Output files: written whole or not at all, and large ones past the page cache."""

from __future__ import annotations

import errno
import gzip
import mmap
import os
from pathlib import Path

import pytest

import kg.direct_file
from kg.direct_file import DirectFile
from kg.writers import atomic_output

BLOCK = 2 * mmap.PAGESIZE


def _direct_io_supported(directory: Path) -> bool:
    """Whether this platform and file system accept O_DIRECT (tmpfs and others may not)."""
    if not getattr(os, "O_DIRECT", 0):
        return False
    probe = directory / "probe"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_DIRECT)
    except OSError:
        return False
    os.close(fd)
    probe.unlink()
    return True


def _pieces() -> list[bytes]:
    """Writes of awkward sizes: smaller than a block, straddling blocks, exactly a block, empty."""
    sizes = [1, 100, BLOCK - 101, BLOCK, 0, 3 * BLOCK + 7, 5, BLOCK * 2]
    return [bytes((i * 7 + n) % 256 for n in range(size)) for i, size in enumerate(sizes)]


def _write(path: Path, pieces: list[bytes]) -> DirectFile:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    with DirectFile(fd, block_bytes=BLOCK) as stream:
        for piece in pieces:
            assert stream.write(piece) == len(piece)
    return stream


def test_direct_file_writes_exactly_the_bytes_given(tmp_path: Path) -> None:
    pieces = _pieces()
    stream = _write(tmp_path / "out.bin", pieces)
    assert (tmp_path / "out.bin").read_bytes() == b"".join(pieces)
    assert stream.closed


def test_direct_file_bypasses_the_cache_where_the_file_system_allows(tmp_path: Path) -> None:
    if not _direct_io_supported(tmp_path):
        pytest.skip("no O_DIRECT on this platform or file system")
    # every block went out aligned: a misaligned one would be refused and turn direct I/O off
    stream = _write(tmp_path / "out.bin", _pieces())
    assert stream.direct


def test_direct_file_falls_back_when_the_file_system_refuses_direct_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write

    def refusing_write(fd: int, data: bytes | memoryview) -> int:
        if os.O_DIRECT & kg.direct_file.fcntl.fcntl(fd, kg.direct_file.fcntl.F_GETFL):
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_write(fd, data)

    if not _direct_io_supported(tmp_path):
        pytest.skip("no O_DIRECT on this platform or file system")
    monkeypatch.setattr(kg.direct_file.os, "write", refusing_write)
    pieces = _pieces()
    stream = _write(tmp_path / "out.bin", pieces)
    assert not stream.direct
    assert (tmp_path / "out.bin").read_bytes() == b"".join(pieces)


def test_direct_file_writes_through_the_cache_without_direct_io(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kg.direct_file, "_O_DIRECT", 0)
    pieces = _pieces()
    stream = _write(tmp_path / "out.bin", pieces)
    assert not stream.direct
    assert (tmp_path / "out.bin").read_bytes() == b"".join(pieces)


def test_direct_file_refuses_writes_once_closed(tmp_path: Path) -> None:
    stream = _write(tmp_path / "out.bin", [b"abc"])
    with pytest.raises(ValueError):
        stream.write(b"more")


def test_direct_file_needs_whole_pages(tmp_path: Path) -> None:
    fd = os.open(tmp_path / "out.bin", os.O_WRONLY | os.O_CREAT)
    try:
        with pytest.raises(ValueError, match="multiple"):
            DirectFile(fd, block_bytes=mmap.PAGESIZE + 1)
    finally:
        os.close(fd)


@pytest.mark.parametrize("name", ["out.nt", "out.nt.gz"])
def test_bulk_output_appears_complete_and_leaves_no_temporary_file(tmp_path: Path, name: str) -> None:
    content = b"".join(_pieces()) * 3
    with atomic_output(str(tmp_path / name), bulk=True) as stream:
        stream.write(content)
    written = (tmp_path / name).read_bytes()
    assert (gzip.decompress(written) if name.endswith(".gz") else written) == content
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_bulk_output_interrupted_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.nt"
    target.write_bytes(b"the previous output\n")
    with pytest.raises(RuntimeError), atomic_output(str(target), bulk=True) as stream:
        stream.write(b"x" * (5 * 1024 * 1024))
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"the previous output\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.nt"]
