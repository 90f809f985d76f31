"""Entity resolution keys: when are two strings the same sponsor, person, site?

The same organisation, person, site, condition or intervention seen in many
trials must become one node, so every such entity gets a key computed from its
normalised name, and the key becomes the readable tail of its IRI. The rules:

* Unicode is NFKD-normalised and accents are dropped ("Zürich" = "Zurich");
  case is folded; "&" reads "and"; apostrophes vanish; every other run of
  punctuation or space becomes one hyphen.
* Organisations: a leading "The" is dropped, so "The First Hospital of Hebei
  Medical University" = "the First Hospital of Hebei Medical University".
* People: degrees and titles are removed by the readers before keying
  ("Quanhai Li, Doctor" = "Quanhai Li"); initials lose their dots.
  Two different people with the same name become one node: names are all the
  registry offers. An affiliation is kept per trial, on the role node.
* Sites: facility + city + country (ISO code); a site without a facility name
  is keyed by its place alone.
* Conditions and interventions: the normalised string; their MeSH descriptors
  (ids first) are linked from the trial and, when the strings match, from them.

Characters outside ASCII that are letters or digits (e.g. Chinese names) are
kept as they are: IRIs allow them, and dropping them would merge strangers.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["condition_key", "intervention_key", "organization_key", "person_key", "slug"]

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


@lru_cache(maxsize=1 << 14)
def slug(text: str) -> str:
    """The normalised, hyphenated form of ``text`` used in IRIs; never empty for real text."""
    if text.isascii():
        folded = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    folded = folded.replace("&", " and ").replace("'", "").replace("\u2019", "")
    key = _NON_WORD.sub("-", folded).strip("-")
    return key or "unnamed"


def organization_key(name: str) -> str:
    key = slug(name)
    return key[4:] if key.startswith("the-") and len(key) > 4 else key


def person_key(name: str) -> str:
    return slug(name)


def condition_key(text: str) -> str:
    return slug(text)


def intervention_key(name: str) -> str:
    return slug(name)
