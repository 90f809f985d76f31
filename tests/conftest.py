"""Shared fixtures: where the test records live, and helpers to read and map them."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest

from kg.errors import Rejection
from kg.model import Trial
from kg.readers import read_records

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
REPO = TESTS.parent
SHARED_DATA = Path(os.environ.get("KG_SHARED_DATA", REPO.parent / "shared" / "data"))


def split(results: Iterable[Trial | Rejection]) -> tuple[list[Trial], list[Rejection]]:
    """Good records and rejections of a read, in order."""
    trials: list[Trial] = []
    rejections: list[Rejection] = []
    for result in results:
        (rejections if isinstance(result, Rejection) else trials).append(result)  # type: ignore[arg-type]
    return trials, rejections


def read_one(path: Path | str) -> Trial:
    """The single trial of a file, failing the test on any rejection."""
    trials, rejections = split(read_records([path]))
    assert not rejections, rejections
    assert len(trials) == 1
    return trials[0]


def shared_folder(name: str) -> Path:
    """A folder of the shared real records; skips the test when it is absent."""
    folder = SHARED_DATA / name
    if not folder.is_dir():
        pytest.skip(f"shared records not available at {folder}")
    return folder
