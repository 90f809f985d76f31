"""MeSH descriptor identifiers: one canonical spelling, and a term lexicon.

API v2 JSON pads descriptor ids to nine digits ("D000001943") while MeSH itself
(and older API records) write "D001943"; both must become the one IRI
``http://id.nlm.nih.gov/mesh/D001943``. Descriptors created since MeSH 2017 do
have nine digits ("D000066888") and keep them.

The legacy XML names MeSH terms without ids. ``MeshLexicon`` resolves a term to
its descriptor id from a bundled table of the terms that real API v2 records
pair with ids (``lexicon/mesh_terms.tsv``); a term it does not know keeps only
its label (see the resolution rules in the README).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

__all__ = ["MESH_BASE", "canonical_mesh_id", "lookup_mesh_id"]

MESH_BASE = "http://id.nlm.nih.gov/mesh/"

_MESH_ID = re.compile(r"^([DC])(\d{6}|\d{9})$")
# The first number used for a nine-digit descriptor (D) or supplementary concept (C) id.
_NINE_DIGIT_START = {"D": 66_500, "C": 588_000}


def canonical_mesh_id(raw: str) -> str:
    """ "D000001943" -> "D001943"; "D000066888" stays; malformed ids raise ValueError."""
    match = _MESH_ID.match(raw.strip())
    if not match:
        raise ValueError(f"malformed MeSH id {raw!r}")
    letter, digits = match.groups()
    number = int(digits)
    if number < _NINE_DIGIT_START[letter]:
        return f"{letter}{number:06d}"
    return f"{letter}{number:09d}"


def _term_key(term: str) -> str:
    return re.sub(r"\s+", " ", term.strip().lower())


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, str]:
    table = resources.files("kg.lexicon").joinpath("mesh_terms.tsv").read_text(encoding="utf-8")
    entries: dict[str, str] = {}
    for line in table.splitlines():
        if not line or line.startswith("#"):
            continue
        mesh_id, term = line.split("\t", 1)
        entries[_term_key(term)] = mesh_id
    return entries


def lookup_mesh_id(term: str) -> str | None:
    """The canonical descriptor id of a MeSH term, or None when the lexicon lacks it."""
    return _lexicon().get(_term_key(term))
