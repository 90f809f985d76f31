"""The command-line entry shared by the modules that generate checked-in files.

``ontology/codes.ttl`` and ``shapes/coded-values.ttl`` are generated from
``kg/vocab.py`` and committed; tests compare them with a fresh generation.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["write_generated"]


def write_generated(produce: Callable[[], str], module: str, argv: Sequence[str] | None = None) -> int:
    """Write ``produce()`` to the one path given on the command line, or to stdout without one."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1:
        print(f"usage: python -m {module} [OUTPUT.ttl]", file=sys.stderr)
        return 2
    text = produce()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
