"""Inputs to load, as one unit per trial graph: from records or from RDF files.

Loading replaces a trial's named graph as a whole, so everything to load is
first cut into ``GraphUnit``s: the quads of one graph plus the record version
that decides whether it may replace what is stored ("newer wins").

* Records are read and mapped one trial at a time (``kg.mapping.trial_quads``).
* N-Quads / TriG / JSON-LD files carry their graphs: a run of consecutive
  quads of one graph is one unit. A graph met again later in the same file is
  a continuation (added to, not replaced).
* Turtle / N-Triples files carry no graphs: a triple whose subject is a trial
  (``…/id/trial/NCT…``) or one of its parts starts or continues that trial's
  graph; any other triple (a shared sponsor, condition or MeSH term described
  by the trial) belongs to the trial met last, which is how ``kg convert``
  writes them, so a converted file loads into exactly the graphs the records
  would give. Triples before any trial go to the default graph.

Everything streams: only one unit is held at a time.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from pyoxigraph import DefaultGraph, NamedNode, Quad

from kg.errors import NoInputError, Rejection
from kg.iris import trial_graph_iri
from kg.mapping import MappingOptions, trial_quads
from kg.model import Trial
from kg.namespaces import CTKG, GRAPH, ID
from kg.readers import read_records
from kg.writers import rdf_input_format

__all__ = ["GraphUnit", "Version", "is_rdf_file", "rdf_units", "record_units", "units_from_inputs"]

Version = tuple[str, str]
"""(lastUpdatePostedDate, versionDate) as ISO strings; compared as a tuple, later is newer."""

_TRIAL_SUBJECT = re.compile(re.escape(f"{ID}trial/") + r"(NCT\d{8})(?:/|$)")
_TRIAL_GRAPH = re.compile(re.escape(str(GRAPH)) + r"(NCT\d{8})$")
_LAST_UPDATE = CTKG.lastUpdatePostedDate
_VERSION_DATE = CTKG.versionDate


@dataclass(slots=True)
class GraphUnit:
    """The quads of one graph to load, and what decides whether they replace it."""

    graph: NamedNode | DefaultGraph
    quads: list[Quad]
    source: str
    """The file (and record) the unit comes from, for messages."""
    nct_id: str | None = None
    """Set for trial graphs: only they are versioned."""
    continuation: bool = False
    """More quads of a graph this file already gave: add, never replace."""
    _version: Version | None = field(default=None, repr=False)

    @property
    def version(self) -> Version | None:
        """The record version found in the unit's own quads (None without a last-update date)."""
        if self._version is None:
            self._version = version_of(self.quads)
        return self._version or None

    @property
    def replaces(self) -> bool:
        """Named graphs are replaced as a whole; default-graph statements are added."""
        return isinstance(self.graph, NamedNode) and not self.continuation


def version_of(quads: Iterable[Quad]) -> Version | tuple[()]:
    last_update = version_date = ""
    for quad in quads:
        if quad.predicate == _LAST_UPDATE:
            last_update = quad.object.value
        elif quad.predicate == _VERSION_DATE:
            version_date = max(version_date, quad.object.value)
    return (last_update, version_date) if last_update else ()


def is_rdf_file(path: str | os.PathLike[str]) -> bool:
    """An RDF file (by extension, see ``kg.writers.rdf_input_format``), not a record file."""
    return rdf_input_format(path) is not None and Path(path).is_file()


def record_units(
    inputs: Iterable[str | os.PathLike[str]],
    options: MappingOptions,
    on_rejection: Callable[[Rejection], None],
    on_record: Callable[[Trial], None] | None = None,
) -> Iterator[GraphUnit]:
    """One unit per good record under ``inputs``; rejections go to the callback."""
    for record in read_records(inputs):
        if isinstance(record, Rejection):
            on_rejection(record)
            continue
        try:
            quads = trial_quads(record, options)
        except ValueError as exc:  # an IRI or literal pyoxigraph refuses
            on_rejection(Rejection(record.provenance.source_file, record.nct_id, "mapping", str(exc)))
            continue
        if on_record:
            on_record(record)
        yield GraphUnit(trial_graph_iri(record.nct_id), quads, f"{record.provenance.source_file}", record.nct_id)


def rdf_units(path: str | os.PathLike[str]) -> Iterator[GraphUnit]:
    """The graph units of one RDF file, in file order."""
    name = os.fspath(path)
    fmt = rdf_input_format(name)
    assert fmt is not None, name
    label = Path(name).name
    opener = gzip.open if name.endswith(".gz") else open
    try:
        with opener(name, "rb") as stream:  # type: ignore[operator]
            parsed = pyoxigraph.parse(stream, format=fmt)
            if fmt.supports_datasets:
                yield from _dataset_units(parsed, label)
            else:
                yield from _triple_units(parsed, label)
    except SyntaxError as exc:
        raise NoInputError(f"{label}: not valid {fmt.name}: {str(exc).splitlines()[0]}") from exc
    except OSError as exc:
        raise NoInputError(f"{label}: cannot read ({exc})") from exc


def _dataset_units(quads: Iterable[Quad], label: str) -> Iterator[GraphUnit]:
    seen: set[str] = set()
    current: GraphUnit | None = None
    for quad in quads:
        if current is None or quad.graph_name != current.graph:
            if current is not None:
                yield current
            graph = quad.graph_name
            key = str(graph)
            match = _TRIAL_GRAPH.match(graph.value) if isinstance(graph, NamedNode) else None
            current = GraphUnit(graph, [], label, match.group(1) if match else None, continuation=key in seen)
            seen.add(key)
        current.quads.append(quad)
    if current is not None:
        yield current


def _triple_units(triples: Iterable[Quad], label: str) -> Iterator[GraphUnit]:
    seen: set[str] = set()
    current = GraphUnit(DefaultGraph(), [], label)
    for triple in triples:
        subject = triple.subject
        match = _TRIAL_SUBJECT.match(subject.value) if isinstance(subject, NamedNode) else None
        if match and match.group(1) != current.nct_id:
            if current.quads:
                yield current
            nct = match.group(1)
            current = GraphUnit(trial_graph_iri(nct), [], label, nct, continuation=nct in seen)
            seen.add(nct)
        current.quads.append(Quad(subject, triple.predicate, triple.object, current.graph))
    if current.quads:
        yield current


def units_from_inputs(
    inputs: Iterable[str | os.PathLike[str]],
    options: MappingOptions,
    on_rejection: Callable[[Rejection], None],
    on_record: Callable[[Trial], None] | None = None,
) -> Iterator[GraphUnit]:
    """Units of every input in order: RDF files by extension, everything else as records."""
    pending_records: list[str | os.PathLike[str]] = []
    for item in inputs:
        if is_rdf_file(item):
            if pending_records:
                yield from record_units(pending_records, options, on_rejection, on_record)
                pending_records = []
            yield from rdf_units(item)
        else:
            pending_records.append(item)
    if pending_records:
        yield from record_units(pending_records, options, on_rejection, on_record)
