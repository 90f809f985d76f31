"""Inputs to load, as one unit per trial graph: from records or from RDF files.

Loading replaces a trial's named graph as a whole, so everything to load is
first cut into ``GraphUnit``s: the statements of one graph plus the record
version that decides whether it may replace what is stored ("newer wins").

* Records are read and mapped by ``kg.parallel.map_inputs`` (on ``jobs``
  worker processes) into N-Quads text: a record unit carries that text and the
  version computed from the record, never term objects: parsing the text back
  into Python objects, only for the store to take them apart again, cost about
  as much as mapping the record. The store parses the text itself, in bulk.
* N-Quads / TriG / JSON-LD files carry their graphs: a run of consecutive
  quads of one graph is one unit. A graph met again later in the same file is
  a continuation (added to, not replaced).
* Turtle / N-Triples files carry no graphs: a triple whose subject is a trial
  (``…/id/trial/NCT…``) or one of its parts starts or continues that trial's
  graph; a triple about a shared node (a sponsor, site, condition or MeSH term
  the trial names) goes to the entities graph, as ``kg convert`` puts it in
  N-Quads, so a converted file loads into exactly the graphs the records would
  give. Any other triple goes to the default graph.
* The entities graph (``kg.iris.ENTITIES_GRAPH``) is never replaced, only added
  to: every trial adds the descriptions of the shared nodes it names. Its
  statements travel with the unit of the trial they came with.

Everything streams: only one unit is held at a time (plus the small window of
records the worker processes map ahead).
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat

from kg.entities import is_entity
from kg.errors import NoInputError, Rejection
from kg.iris import ENTITIES_GRAPH, trial_graph_iri
from kg.mapping import MappingOptions
from kg.namespaces import CTKG, GRAPH, ID
from kg.parallel import MappedRecord, Version, map_inputs
from kg.writers import rdf_input_format

__all__ = ["GraphUnit", "Version", "is_rdf_file", "rdf_units", "record_units", "units_from_inputs", "version_of"]

_TRIAL_SUBJECT = re.compile(re.escape(f"{ID}trial/") + r"(NCT\d{8})(?:/|$)")
_TRIAL_GRAPH = re.compile(re.escape(str(GRAPH)) + r"(NCT\d{8})$")
_LAST_UPDATE = CTKG.lastUpdatePostedDate
_VERSION_DATE = CTKG.versionDate


class GraphUnit:
    """The statements of one graph to load, and what decides whether they replace it.

    The statements are either term objects (``quads``, from RDF files) or, for
    mapped records, an N-Quads ``document`` that goes to the store as text;
    ``quads`` of such a unit are parsed from the text only when asked for (a
    consumer that needs terms, such as the SPARQL endpoint loader).
    """

    __slots__ = ("_quads", "_statements", "_version", "continuation", "document", "graph", "nct_id", "source")

    def __init__(
        self,
        graph: NamedNode | DefaultGraph,
        quads: list[Quad] | None = None,
        source: str = "",
        nct_id: str | None = None,
        continuation: bool = False,
        *,
        document: bytes | None = None,
        statements: int = 0,
        version: Version | None = None,
    ) -> None:
        self.graph = graph
        self.source = source
        """The file (and record) the unit comes from, for messages."""
        self.nct_id = nct_id
        """Set for trial graphs: only they are versioned."""
        self.continuation = continuation
        """More quads of a graph this file already gave: add, never replace."""
        self.document = document
        """The unit as UTF-8 N-Quads (mapped records), or None when it holds ``quads``."""
        self._quads = quads if quads is not None or document is not None else []
        self._statements = statements
        self._version: Version | tuple[()] | None = (version or ()) if document is not None else None

    @classmethod
    def of_record(cls, mapped: MappedRecord) -> GraphUnit:
        """A mapped record's unit: its N-Quads text, replacing the trial's graph."""
        return cls(trial_graph_iri(mapped.nct_id), None, mapped.source_file, mapped.nct_id,
                   document=mapped.document, statements=mapped.statements, version=mapped.version)

    @property
    def quads(self) -> list[Quad]:
        """The unit's statements as quads (parsed once from ``document`` for record units)."""
        if self._quads is None:
            assert self.document is not None
            self._quads = list(pyoxigraph.parse(self.document, RdfFormat.N_QUADS))
        return self._quads

    def nquads(self) -> bytes:
        """The unit's statements as N-Quads text, as the store's bulk loader reads them.

        Record units hand over the text they were mapped to; units of quads (RDF
        files) are serialised once, so every unit travels to the store the same way.
        """
        if self.document is not None:
            return self.document
        return pyoxigraph.serialize(self.quads, format=RdfFormat.N_QUADS) or b""

    @property
    def statements(self) -> int:
        """How many statements the unit writes, without parsing a document to count them."""
        return self._statements if self.document is not None else len(self.quads)

    @property
    def version(self) -> Version | None:
        """The record version (None without a last-update date): given by the record, or found in the quads."""
        if self._version is None:
            self._version = version_of(self.quads)
        return self._version or None

    @property
    def replaces(self) -> bool:
        """Named graphs are replaced as a whole; default-graph and entities-graph statements are added."""
        return isinstance(self.graph, NamedNode) and self.graph != ENTITIES_GRAPH and not self.continuation

    def __repr__(self) -> str:
        return f"GraphUnit({self.graph}, {self.statements} statements, source={self.source!r})"


def version_of(quads: Iterable[Quad]) -> Version | tuple[()]:
    """The record version stated in a graph's quads; () when they hold no last-update date.

    Used for units read from RDF files and for what the store holds; mapped
    records bring theirs along (``kg.parallel.record_version``), which gives the same.
    """
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
    *,
    jobs: int = 1,
) -> Iterator[GraphUnit]:
    """One unit per good record under ``inputs``, in input order, mapped on ``jobs`` processes.

    Rejections (unreadable records, records the mapping refuses) go to the callback.
    """
    for mapped in map_inputs(inputs, quads=True, options=options, jobs=jobs):
        if isinstance(mapped, Rejection):
            on_rejection(mapped)
        else:
            yield GraphUnit.of_record(mapped)


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
        if current is not None and quad.graph_name == ENTITIES_GRAPH:
            current.quads.append(quad)  # shared-node statements travel with their trial's unit
            continue
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
        if match:
            graph: NamedNode | DefaultGraph = current.graph
        elif isinstance(subject, NamedNode) and is_entity(subject):
            graph = ENTITIES_GRAPH
        else:
            graph = DefaultGraph()
        current.quads.append(Quad(subject, triple.predicate, triple.object, graph))
    if current.quads:
        yield current


def units_from_inputs(
    inputs: Iterable[str | os.PathLike[str]],
    options: MappingOptions,
    on_rejection: Callable[[Rejection], None],
    *,
    jobs: int = 1,
) -> Iterator[GraphUnit]:
    """Units of every input in order: RDF files by extension, everything else as records.

    ``jobs`` worker processes map the records; the units come in the same order
    for any number, so a load gives the same store.
    """
    pending_records: list[str | os.PathLike[str]] = []
    for item in inputs:
        if is_rdf_file(item):
            if pending_records:
                yield from record_units(pending_records, options, on_rejection, jobs=jobs)
                pending_records = []
            yield from rdf_units(item)
        else:
            pending_records.append(item)
    if pending_records:
        yield from record_units(pending_records, options, on_rejection, jobs=jobs)
