"""Helpers of the validation tests: base records as triples, and run both engines on them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache

import pyoxigraph as ox
from conftest import DATA, read_one

from kg.mapping import trial_triples
from kg.resources import sample_records_dir
from kg.validation import validate_triples
from kg.validation.report import ValidationReport
from kg.validation.shapes import Shapes, load_shapes

TODAY = date(2025, 1, 1)
SEED_XML = DATA / "ctgov-xml" / "NCT03219801.xml"
SEED_PAGE = sample_records_dir() / "trial-page" / "NCT03219801.txt"
BASES = {
    "seed-xml": SEED_XML,
    "seed-page": SEED_PAGE,
    "json-references": DATA / "ctgov-json" / "NCT05303051.json",
    "json-site-contacts": DATA / "ctgov-json" / "NCT03281889.json",
    "json-alias": DATA / "ctgov-json" / "NCT00470873.json",
}


@cache
def base_triples(name: str) -> tuple[ox.Triple, ...]:
    return tuple(trial_triples(read_one(BASES[name])))


@cache
def shapes_for(today: date = TODAY) -> Shapes:
    return load_shapes(today=today)


def run(triples: Iterable[ox.Triple], engine: str, today: date = TODAY) -> ValidationReport:
    return validate_triples(list(triples), shapes=shapes_for(today), engine=engine)


def keys(report: ValidationReport) -> set[tuple[str, str]]:
    """(shape, component) of every result."""
    return {(r.shape, r.component) for r in report.results}


def full(report: ValidationReport) -> set[tuple]:
    """Everything the engines must agree on, messages and values included."""
    return {(*r.key(), r.value, r.message) for r in report.results}
