"""``--where`` filters: user text parsed into RDF terms and bound into fixed SPARQL patterns.

A filter restricts the trials a network is built from. Each kind of filter
has one SPARQL pattern written here; what the user typed only ever reaches
the query as RDF terms serialised by pyoxigraph (N-Triples syntax, escaped)
in a ``VALUES`` block, so no input can change the shape of a query.

Syntax: ``FIELD OP VALUE`` with

=============  ====  ==========================================================
field          op    value
=============  ====  ==========================================================
condition      =     text (case-insensitive substring of a condition's name or
                     of a MeSH term of the trial, ancestors included), a MeSH id
                     (``D001943``) or a MeSH / condition IRI
sponsor        =     text (case-insensitive substring of a lead sponsor's or
                     collaborator's name) or an organisation IRI
country        =     ISO 3166 alpha-2 code (``US``) or a country name
phase          =     phase codes, comma-separated for any of them (``PHASE2,PHASE3``)
status         =     overall status codes, comma-separated (``RECRUITING``)
start, completion  = < <= > >=  ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``
=============  ====  ==========================================================

Repeated filters must all hold (AND). Registry dates are partial (a year, a
month or a day); a date is compared as the period it names: ``start>=2015``
keeps trials starting in 2015 or later, ``start<2015-06`` those starting
before June 2015, ``start=2019`` those starting in 2019. A trial dated only
"2015" starts on 2015-01-01 for this purpose, so ``>=`` and ``<`` (and ``>``
and ``<=``) always split the trials in two.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from kg import iris
from kg.errors import UsageError
from kg.namespaces import CODE, MESH
from kg.places import resolve_country
from kg.vocab import SCHEMES

__all__ = ["FIELDS", "Filter", "parse_filter", "parse_filters", "trial_selection"]

Term = NamedNode | Literal

FIELDS = ("condition", "sponsor", "country", "phase", "status", "start", "completion")
_DATE_FIELDS = {"start": "startDate", "completion": "completionDate"}
_SYNTAX = re.compile(r"^\s*([A-Za-z]+)\s*(<=|>=|<|>|=)\s*(.*?)\s*$", re.DOTALL)
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_MESH_ID = re.compile(r"^[DC]\d{6,9}$", re.IGNORECASE)
_ISO2 = re.compile(r"^[A-Za-z]{2}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+$")


@dataclass(frozen=True, slots=True)
class Filter:
    """One parsed filter: the field, the comparison and the terms its pattern binds."""

    field: str
    op: str
    text: str
    values: tuple[Term, ...]
    mode: str = ""
    """How ``values`` are matched where a field allows several ways: ``text``, ``iri``, ``mesh``."""

    def __str__(self) -> str:
        return f"{self.field}{self.op}{self.text}"

    def pattern(self, index: int) -> str:
        """The SPARQL group restricting ``?trial``; variables are suffixed with ``index``."""
        v = f"?f{index}"
        values = f"VALUES {v} {{ {' '.join(str(term) for term in self.values)} }}"
        if self.field == "condition":
            if self.mode == "text":
                return (f"{values} FILTER EXISTS {{ ?trial ctkg:condition|ctkg:conditionMesh|ctkg:conditionMeshAncestor"
                        f" ?c{index} . ?c{index} rdfs:label ?l{index} . "
                        f"FILTER(CONTAINS(LCASE(STR(?l{index})), LCASE({v}))) }}")
            return (f"{values} ?trial ctkg:condition|ctkg:conditionMesh|ctkg:conditionMeshAncestor {v} .")
        if self.field == "sponsor":
            if self.mode == "text":
                return (f"{values} FILTER EXISTS {{ ?trial ctkg:leadSponsor|ctkg:collaborator ?o{index} . "
                        f"?o{index} rdfs:label ?l{index} . FILTER(CONTAINS(LCASE(STR(?l{index})), LCASE({v}))) }}")
            return f"{values} ?trial ctkg:leadSponsor|ctkg:collaborator {v} ."
        if self.field == "country":
            if self.mode == "text":
                return (f"{values} FILTER EXISTS {{ ?trial ctkg:siteCountry/rdfs:label ?l{index} . "
                        f"FILTER(LCASE(STR(?l{index})) = LCASE({v})) }}")
            return f"{values} FILTER EXISTS {{ ?trial ctkg:siteCountry {v} }}"
        if self.field == "phase":
            return f"{values} ?trial ctkg:phase {v} ."
        if self.field == "status":
            return f"{values} ?trial ctkg:overallStatus {v} ."
        # dates: the earliest day of the trial's (partial) date, cut to the precision of the value
        predicate = f"ctkg:{_DATE_FIELDS[self.field]}"
        return (f"{values} ?trial {predicate} ?d{index} . "
                f"FILTER(SUBSTR(SUBSTR(CONCAT(STR(?d{index}), \"-01-01\"), 1, 10), 1, STRLEN({v})) {self.op} {v})")


def parse_filter(text: str) -> Filter:
    """One ``FIELD OP VALUE`` expression as a ``Filter``; a ``UsageError`` saying what is wrong."""
    match = _SYNTAX.match(text)
    if not match:
        raise UsageError(f"--where {text!r}: expected FIELD=VALUE or FIELD>=DATE (fields: {', '.join(FIELDS)})")
    field, op, value = match.group(1).lower(), match.group(2), match.group(3).strip().strip("\"'").strip()
    if field not in FIELDS:
        raise UsageError(f"--where {text!r}: unknown field {field!r} (fields: {', '.join(FIELDS)})")
    if not value:
        raise UsageError(f"--where {text!r}: no value")
    if field in _DATE_FIELDS:
        return Filter(field, op, value, (_date_literal(text, value),))
    if op != "=":
        raise UsageError(f"--where {text!r}: {field} takes '=' only ('<', '>' and the like are for dates)")
    if field == "condition":
        return _condition(value)
    if field == "sponsor":
        if _IRI.match(value):
            return Filter(field, op, value, (_iri(text, value),), "iri")
        return Filter(field, op, value, (Literal(value),), "text")
    if field == "country":
        return _country(value)
    return Filter(field, op, value, tuple(_codes(text, field, value)))


def parse_filters(texts: Iterable[str]) -> tuple[Filter, ...]:
    return tuple(parse_filter(text) for text in texts)


def trial_selection(filters: Sequence[Filter]) -> str:
    """The group pattern binding ``?trial`` to every trial that passes all ``filters``.

    Networks embed it in their queries (prefixes ``ctkg``, ``rdfs`` and
    ``schema`` must be declared), so the store's optimiser sees one query.
    """
    if not filters:
        return "?trial a ctkg:ClinicalTrial ."
    # A sub-select: one row per trial, however many filter values a trial matches. The
    # patterns share its top-level group, so their FILTER EXISTS see ?trial bound.
    body = "\n    ".join(["?trial a ctkg:ClinicalTrial .", *(f.pattern(i) for i, f in enumerate(filters))])
    return f"{{ SELECT DISTINCT ?trial WHERE {{\n    {body}\n  }} }}"


def _condition(value: str) -> Filter:
    if _MESH_ID.match(value):
        return Filter("condition", "=", value, (NamedNode(f"{MESH}{_mesh_id(value)}"),), "mesh")
    if _IRI.match(value):
        return Filter("condition", "=", value, (_iri(f"condition={value}", value),), "iri")
    return Filter("condition", "=", value, (Literal(value),), "text")


def _mesh_id(value: str) -> str:
    """API v2 pads MeSH ids to nine digits; the graph writes them as MeSH does (``D001943``)."""
    prefix, digits = value[0].upper(), value[1:]
    return f"{prefix}{int(digits):06d}" if len(digits) > 6 else f"{prefix}{digits}"


def _country(value: str) -> Filter:
    if _ISO2.match(value):
        return Filter("country", "=", value, (iris.country_iri(value.upper()),), "iri")
    if _IRI.match(value):
        return Filter("country", "=", value, (_iri(f"country={value}", value),), "iri")
    country = resolve_country(value)
    if country is not None:
        return Filter("country", "=", value, (iris.country_iri(country.alpha2),), "iri")
    return Filter("country", "=", value, (Literal(value),), "text")


def _codes(text: str, field: str, value: str) -> list[NamedNode]:
    scheme = "phase" if field == "phase" else "status"
    known = SCHEMES[scheme].codes
    terms = []
    for item in (part.strip().upper().replace(" ", "_").replace("-", "_") for part in value.split(",")):
        if item not in known:
            raise UsageError(f"--where {text!r}: unknown {field} {item!r} (one of: {', '.join(sorted(known))})")
        terms.append(NamedNode(f"{CODE}{scheme}/{item}"))
    return terms


def _date_literal(text: str, value: str) -> Literal:
    if not _DATE.match(value):
        raise UsageError(f"--where {text!r}: a date is YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        dt.date.fromisoformat((value + "-01-01")[:10])
    except ValueError:
        raise UsageError(f"--where {text!r}: {value!r} is not a real date") from None
    return Literal(value)


def _iri(text: str, value: str) -> NamedNode:
    try:
        return NamedNode(value)
    except ValueError:
        raise UsageError(f"--where {text!r}: {value!r} is not a valid IRI") from None


