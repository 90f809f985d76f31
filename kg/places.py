"""Country names of the registry resolved to ISO 3166 codes.

The registry writes country names ("Korea, Republic of", "Turkey (Türkiye)");
the graph identifies countries by their ISO 3166-1 alpha-2 code, looked up in
pycountry (the maintained ISO tables), with a few registry spellings it does
not know and historical countries from ISO 3166-3.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pycountry

__all__ = ["Country", "resolve_country"]

# Registry spellings pycountry's lookup does not resolve.
_ALIASES = {
    "turkey": "TR",
    "turkey (türkiye)": "TR",
    "russia": "RU",
    "palestinian territories, occupied": "PS",
    "palestinian territory, occupied": "PS",
    "korea, south": "KR",
    "south korea": "KR",
    "north korea": "KP",
    "macedonia, the former yugoslav republic of": "MK",
    "the democratic republic of the congo": "CD",
    "czech republic": "CZ",
    "swaziland": "SZ",
    "cape verde": "CV",
    "kosovo": "XK",
}
# Countries that no longer exist: ISO 3166-3 codes, kept apart from current ones.
_HISTORICAL = {"former serbia and montenegro": ("CS", "SCG", "Serbia and Montenegro")}


@dataclass(frozen=True, slots=True)
class Country:
    alpha2: str
    alpha3: str | None
    name: str


@lru_cache(maxsize=1024)
def resolve_country(name: str) -> Country | None:
    """The ISO country for a registry country name, or None when it cannot be resolved."""
    key = name.strip().casefold()
    if not key:
        return None
    if key in _HISTORICAL:
        alpha2, alpha3, label = _HISTORICAL[key]
        return Country(alpha2, alpha3, label)
    code = _ALIASES.get(key)
    try:
        record = pycountry.countries.get(alpha_2=code) if code else pycountry.countries.lookup(name.strip())
    except LookupError:
        record = None
    if record is None:
        if code == "XK":
            return Country("XK", "XKX", "Kosovo")
        return None
    return Country(record.alpha_2, record.alpha_3, record.name)
