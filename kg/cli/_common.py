"""Pieces every subcommand shares: one-line errors, progress bars, rejection logs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from tqdm import tqdm

from kg.errors import Rejection
from kg.writers import atomic_output

__all__ = ["RejectionLog", "error", "progress", "write_rejects"]


def error(message: str) -> None:
    """One line on stderr: never a traceback for users."""
    click.echo(f"kg: error: {message}", err=True)


@contextmanager
def progress(description: str, unit: str = " records", total: int | None = None) -> Iterator[tqdm]:
    """A bar on a terminal, nothing when output is redirected (tqdm decides)."""
    bar = tqdm(desc=description, unit=unit, total=total, disable=None, file=sys.stderr, dynamic_ncols=True,
               leave=False)
    try:
        yield bar
    finally:
        bar.close()


class RejectionLog:
    """Prints each rejection in one line and collects them for ``--rejects``."""

    def __init__(self, bar: tqdm, *, quiet: bool) -> None:
        self.bar = bar
        self.quiet = quiet
        self.rejections: list[str] = []

    def __call__(self, rejection: Rejection) -> None:
        self.rejections.append(json.dumps(rejection.as_dict(), ensure_ascii=False))
        if not self.quiet:
            self.bar.write(f"kg: rejected: {rejection}", file=sys.stderr)


def write_rejects(path: str | None, lines: list[str]) -> None:
    """Write collected rejections as JSON Lines, atomically; nothing without a path."""
    if not path:
        return
    with atomic_output(path) as stream:
        stream.write("".join(f"{line}\n" for line in lines).encode("utf-8"))
