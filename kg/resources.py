"""Where the files that ship with the package live: ontology, shapes, queries, samples.

In an installed wheel the repository's ``ontology/``, ``shapes/`` and
``queries/`` folders are packaged as ``kg/_data/...``; in a source checkout
(editable install, tests) they are found at the repository root.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_dir", "ontology_path", "sample_records_dir"]

_PACKAGE = Path(str(resources.files("kg")))


def data_dir(name: str) -> Path:
    """The folder of shipped files called ``name`` (``ontology``, ``shapes``, ``queries``)."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the package data folder {name!r} is missing from this installation")


def ontology_path() -> Path:
    return data_dir("ontology") / "ctkg.ttl"


def sample_records_dir() -> Path:
    """The bundled sample records: a few dozen real registry records in all three formats."""
    return _PACKAGE / "samples"
