"""Registry-sized record sets made from the real shared records.

Copies of the 2,261 real records (API v2 JSON and legacy XML) get new NCT ids
and, from the second copy on, partly new names, so that the entity overlap
between trials resembles the registry's rather than multiplying every person
by the number of copies:

* lead sponsors and collaborators keep their real name with probability 0.6
  (big sponsors accumulate many trials), otherwise they become a new
  organisation ("<name> Qh"), and so on for the others;
* investigators and contacts keep their name with probability 0.15: a long
  tail of people seen in one trial, and a core seen in many;
* site facilities keep their name with probability 0.5 (large hospitals host
  many trials, small sites few).

Draws come from a generator seeded by the record's position, so a size always
yields the same records. The first copy is the real data, unchanged but for the
NCT id. Records stay in their own format and are written as a bulk-download
style ``.zip`` (``NCT*.json`` / ``NCT*.xml``), the way users feed the registry.
"""

from __future__ import annotations

import json
import os
import random
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

__all__ = ["SHARED", "build_archive", "load_originals", "scaled_records"]

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED_DATA", REPO.parent / "shared" / "data"))

KEEP_SPONSOR, KEEP_PERSON, KEEP_SITE = 0.6, 0.15, 0.5
_NCT = re.compile(rb"NCT\d{8}")


def load_originals() -> list[tuple[str, bytes]]:
    """(extension, bytes) of every shared JSON and XML record, in a fixed order."""
    records = []
    for folder, ext in (("ctgov-v2", "json"), ("ctgov-xml", "xml")):
        for path in sorted((SHARED / folder).glob(f"*.{ext}")):
            records.append((ext, path.read_bytes()))
    return records


def _tag(copy: int) -> str:
    """A short marker for one copy, in letters only: 1 -> "Qb", 27 -> "Qbb", 2261 -> "Qdiz".

    No digits: a name with a digit in it reads as a phone number or a placeholder ("Site 0259"),
    which the mapping keeps as a contact name instead of a person, so "Jane Doe 7H" would take
    every renamed investigator out of the people the benchmark measures.
    """
    letters = ""
    while True:
        copy, digit = divmod(copy, 26)
        letters = chr(ord("a") + digit) + letters
        if copy == 0:
            return f"Q{letters}"


class _Renamer:
    def __init__(self, seed: int, copy: int) -> None:
        self.random = random.Random(seed)
        self.tag = _tag(copy)

    def __call__(self, name: str | None, keep: float) -> str | None:
        if not name or self.random.random() < keep:
            return name
        return f"{name} {self.tag}"


def _rewrite_json(data: bytes, nct: str, rename: _Renamer) -> bytes:
    study = json.loads(data)
    protocol = study["protocolSection"]
    protocol["identificationModule"]["nctId"] = nct
    sponsors = protocol.get("sponsorCollaboratorsModule", {})
    for org in [sponsors.get("leadSponsor", {}), *sponsors.get("collaborators", [])]:
        org["name"] = rename(org.get("name"), KEEP_SPONSOR)
    party = sponsors.get("responsibleParty", {})
    if party.get("investigatorFullName"):
        party["investigatorFullName"] = rename(party["investigatorFullName"], KEEP_PERSON)
    contacts = protocol.get("contactsLocationsModule", {})
    for person in [*contacts.get("overallOfficials", []), *contacts.get("centralContacts", [])]:
        person["name"] = rename(person.get("name"), KEEP_PERSON)
    for location in contacts.get("locations", []):
        location["facility"] = rename(location.get("facility"), KEEP_SITE)
        for person in location.get("contacts", []):
            person["name"] = rename(person.get("name"), KEEP_PERSON)
    contacts.pop("locations_nested", None)
    return json.dumps(study, ensure_ascii=False).encode("utf-8")


_XML_NAMES = (
    ("sponsors/lead_sponsor/agency", KEEP_SPONSOR),
    ("sponsors/collaborator/agency", KEEP_SPONSOR),
    ("overall_official/last_name", KEEP_PERSON),
    ("overall_contact/last_name", KEEP_PERSON),
    ("overall_contact_backup/last_name", KEEP_PERSON),
    ("responsible_party/investigator_full_name", KEEP_PERSON),
    ("location/facility/name", KEEP_SITE),
    ("location/investigator/last_name", KEEP_PERSON),
    ("location/contact/last_name", KEEP_PERSON),
)


def _rewrite_xml(data: bytes, nct: str, rename: _Renamer) -> bytes:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    for element in root.iterfind("id_info/nct_id"):
        element.text = nct
    for path, keep in _XML_NAMES:
        for element in root.iterfind(path):
            element.text = rename(element.text, keep)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def scaled_records(
    originals: list[tuple[str, bytes]], size: int, *, seed: int = 20261126
) -> Iterator[tuple[str, bytes]]:
    """``size`` records as (file name, bytes): the originals again and again, renamed as described above."""
    for index in range(size):
        ext, data = originals[index % len(originals)]
        copy = index // len(originals)
        nct = f"NCT9{index:07d}"
        if copy == 0:
            own = _NCT.search(data)
            assert own is not None
            yield f"{nct}.{ext}", data.replace(own.group(0), nct.encode())
            continue
        rename = _Renamer(seed * 1_000_003 + index, copy)
        rewrite = _rewrite_json if ext == "json" else _rewrite_xml
        yield f"{nct}.{ext}", rewrite(data, nct, rename)


def build_archive(originals: list[tuple[str, bytes]], size: int, target: Path) -> None:
    """A bulk-download style zip of ``size`` scaled records."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in scaled_records(originals, size):
            archive.writestr(name, data)
