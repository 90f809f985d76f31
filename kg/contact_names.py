"""Which contact names name a person, and which name a desk, a department or a placeholder.

The registry's person fields (overall officials, central and site contacts, the responsible-party
investigator) often hold something else: "Bayer Study Director", "GSK Clinical Trials", "Pfizer
CT.gov Call Center", "For more information at the NIH Clinical Center contact Office of Patient
Recruitment (OPR)", "Call 1-877-CTLILLY ...", "Site 0259". Made into ``ctkg:Person`` nodes, each
becomes one "person" in thousands of trials: the biggest hub of every investigator network, and a
false link between unrelated trials. The mapping keeps such a name on the trial's role node as
``ctkg:contactName`` instead, with no person.

The test favours keeping people: a name counts as not a person only when

* it holds a digit, an e-mail address or a web address (a phone number, "Site 0259", "dept. 2834");
  a trailing site number on a real name ("Robert Rifkin, Site 0202") is dropped, not the person;
* its first part (before any comma, so that "Jane Doe, Medical Director" stays a person) holds a
  word that organisations and desks use and names of people do not ("Clinical Trials", "Call
  Center", "Study Director", "Office", "Pharmaceuticals", "University" ...);
* or it is, or begins with, the name of one of the trial's organisational sponsors or
  collaborators ("Novartis Pharmaceuticals", "Bayer Study Director" in a Bayer trial). Individual
  sponsors and those of unknown or "other" class are left out: a sponsor-investigator's own name
  is a person's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from kg.keys import organization_key
from kg.model import Organization

__all__ = ["ORGANISATION_CLASSES", "person_name"]

_SITE_NUMBER = re.compile(r",\s*site\s+#?\d+\s*$", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"\d|@|www\.|https?:", re.IGNORECASE)
_DESK_WORDS = re.compile(
    r"\b(?:"
    r"clinical\s+(?:trials?|study|studies|sciences|operations|transparency|development)"
    r"|study\s+(?:director|coordinator|contact|team|physician|manager)"
    r"|medical\s+(?:monitor|director|expert|information|affairs)"
    r"|contact|contacts|office|department|dept|desk|hotline|helpline|center|centre|unit|team"
    r"|director|coordinator|navigator|recruitment|enquiries|inquiries|information|registry|transparency"
    r"|operations|management|trials|pharmaceuticals?|pharma|inc|ltd|llc|gmbh|corporation|company"
    r"|university|hospital|institute|foundation|r\s*&\s*d"
    r")\b",
    re.IGNORECASE,
)
ORGANISATION_CLASSES = frozenset({"INDUSTRY", "NIH", "FED", "NETWORK"})
"""Sponsor classes that are organisations for sure: a contact named after one is not a person."""


def person_name(name: str, organizations: Iterable[Organization] = ()) -> str | None:
    """The person ``name`` names (a trailing site number dropped), or None when it names no person.

    ``organizations`` are the trial's sponsor and collaborators: a contact named after one of
    them (of a class in ``ORGANISATION_CLASSES``) is that organisation's desk, not a person.
    """
    plain = _SITE_NUMBER.sub("", name).strip() or name
    if not _names_someone(plain):
        return None
    key = organization_key(plain)
    for organization in organizations:
        if organization.org_class in ORGANISATION_CLASSES:
            sponsor = organization_key(organization.name)
            if key == sponsor or key.startswith(f"{sponsor}-"):
                return None
    return plain


@lru_cache(maxsize=1 << 14)
def _names_someone(name: str) -> bool:
    """The tests that need no sponsor: no digits or addresses, no desk words before the first comma."""
    if _NOT_A_NAME.search(name):
        return False
    return _DESK_WORDS.search(name.split(",", 1)[0]) is None
