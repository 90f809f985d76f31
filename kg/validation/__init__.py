"""Validation of ctkg graphs against the project's SHACL shapes.

``validate(inputs)`` reads RDF files or registry records, checks them against the shapes in
``shapes/`` (or others) and returns a typed ``ValidationReport``; it never prints or exits.
Two engines give the same results:

* ``pyshacl``: the reference, pySHACL over an in-memory rdflib graph; exact and slow;
* ``sparql``: each constraint compiled into one set-wise SPARQL query over a pyoxigraph store,
  which may live on disk (``store_dir``) so the graph itself is never held in memory; the
  store's hash joins still hold whole predicates (6.9 GB at peak for the registry's 560,000
  trials, 1.8 GB for 100,000), so memory still grows with the input.

``auto`` (the default) sends small inputs to the reference engine and everything else to the
compiled one (or to pySHACL whatever the size when the shapes use a feature the compiled
engine does not implement).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date
from enum import Enum
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, URIRef

from kg.errors import Rejection
from kg.namespaces import CTKG
from kg.validation import engine_pyshacl, engine_sparql
from kg.validation.inputs import (
    InputSummary,
    is_rdf_path,
    load_graph,
    load_store,
    ntriples_chunks,
    read_documents,
    read_triples,
    syntax_error,
)
from kg.validation.report import Severity, ValidationReport, ValidationResult
from kg.validation.shapes import Shapes, UnsupportedShapeError, load_shapes, parse_shapes
from kg.writers import rdf_input_format

__all__ = [
    "AUTO_PYSHACL_MAX_TRIPLES",
    "Engine",
    "Severity",
    "Shapes",
    "ValidationReport",
    "ValidationResult",
    "load_shapes",
    "validate",
    "validate_store",
    "validate_triples",
]

_QUAD_BATCH = 500_000
"""Triples of an RDF file handed to the store's bulk loader at a time (about 0.5 GB of memory)."""
_BLANK = b"_:"
_DOCUMENT_BATCH = 64 * 1024 * 1024
"""Bytes of mapped N-Triples documents handed to the store's bulk loader at a time: they are
held twice over (documents, joined) besides the loader's own copy."""

AUTO_PYSHACL_MAX_TRIPLES = 20_000
"""``auto`` uses pySHACL up to this many triples (a few dozen trials, about a second)."""

Progress = Callable[[str, int, int | None], None]
"""``on_progress(stage, done, total)``: stage is ``reading`` (triples) or ``checking`` (queries)."""


class Engine(str, Enum):
    AUTO = "auto"
    PYSHACL = "pyshacl"
    SPARQL = "sparql"


def _shapes(shapes: Shapes | str | os.PathLike[str] | None, today: date | None) -> Shapes:
    if isinstance(shapes, Shapes):
        return shapes
    return load_shapes(shapes, today=today)


def _compiled(shapes: Shapes, engine: Engine) -> bool:
    """Whether the compiled engine can run these shapes (raises for an explicit ``sparql``)."""
    if shapes.node_shapes:
        return True
    try:
        parse_shapes(shapes)
    except UnsupportedShapeError:
        if engine is Engine.SPARQL:
            raise
        return False
    return True


def validate_triples(
    triples: Iterable[ox.Triple],
    *,
    shapes: Shapes | str | os.PathLike[str] | None = None,
    engine: Engine | str = Engine.AUTO,
    today: date | None = None,
    on_progress: Progress | None = None,
) -> ValidationReport:
    """Validate triples already in memory (pyoxigraph terms)."""
    started = time.perf_counter()
    loaded = _shapes(shapes, today)
    chosen = Engine(engine)
    data = list(triples)
    if chosen is Engine.AUTO:
        chosen = Engine.PYSHACL if len(data) <= AUTO_PYSHACL_MAX_TRIPLES or not _compiled(loaded, chosen) \
            else Engine.SPARQL
    if chosen is Engine.PYSHACL:
        graph = load_graph(data)
        results = engine_pyshacl.run(graph, loaded)
        count = len(graph)
    else:
        _compiled(loaded, chosen)
        store = ox.Store()
        load_store(data, store)
        results = engine_sparql.run(store, loaded.node_shapes, on_check=_checking(on_progress))
        count = len(store)
    return _report(results, chosen, loaded, count, InputSummary(), started)


def validate_store(
    store: ox.Store,
    *,
    shapes: Shapes | str | os.PathLike[str] | None = None,
    today: date | None = None,
    on_progress: Progress | None = None,
) -> ValidationReport:
    """Validate the union of the graphs of an existing store (``kg load``, ``kg build``) in place.

    Always the compiled engine: the store is the data, and nothing is copied.
    """
    started = time.perf_counter()
    loaded = _shapes(shapes, today)
    _compiled(loaded, Engine.SPARQL)
    results = engine_sparql.run(store, loaded.node_shapes, union=True, on_check=_checking(on_progress))
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
                       use_default_graph_as_union=True)
    triples = int(next(iter(rows))["n"].value)  # type: ignore[index, union-attr, arg-type]
    return _report(results, Engine.SPARQL, loaded, triples, InputSummary(), started)


def validate(
    inputs: Iterable[str | os.PathLike[str]],
    *,
    shapes: Shapes | str | os.PathLike[str] | None = None,
    engine: Engine | str = Engine.AUTO,
    today: date | None = None,
    store_dir: str | os.PathLike[str] | None = None,
    on_progress: Progress | None = None,
    on_rejection: Callable[[Rejection], None] | None = None,
    jobs: int = 1,
) -> ValidationReport:
    """Validate RDF files and/or registry records against the shapes.

    ``store_dir``: where the compiled engine keeps its temporary on-disk store (a fresh
    temporary folder by default; removed afterwards). ``today`` is the date stale-record
    rules compare with (the current date by default). ``jobs`` processes read and map records.
    Raises ``UsageError`` / ``NoInputError`` for unreadable input or shapes.
    """
    started = time.perf_counter()
    paths = [str(p) for p in inputs]
    loaded = _shapes(shapes, today)
    chosen = Engine(engine)
    if chosen is Engine.AUTO:
        small = _input_bytes(paths) <= AUTO_PYSHACL_MAX_TRIPLES * 120  # ~120 bytes a triple in N-Triples
        chosen = Engine.PYSHACL if small or not _compiled(loaded, chosen) else Engine.SPARQL
    summary = InputSummary()
    reading = _reading(on_progress, summary)
    if chosen is Engine.PYSHACL:
        graph = load_graph(_counted(read_triples(paths, summary, on_rejection=on_rejection), reading))
        results = engine_pyshacl.run(graph, loaded)
        summary.trials = summary.trials or len(set(graph.subjects(RDF.type, URIRef(f"{CTKG}ClinicalTrial"))))
        return _report(results, chosen, loaded, len(graph), summary, started)
    _compiled(loaded, chosen)
    with tempfile.TemporaryDirectory(prefix="kg-validate-", dir=store_dir) as folder:
        store = ox.Store(folder)
        try:
            _fill_store(store, paths, summary, on_rejection, reading, jobs)
            store.optimize()
            results = engine_sparql.run(store, loaded.node_shapes, on_check=_checking(on_progress))
            count = len(store)
            summary.trials = summary.trials or len(list(store.quads_for_pattern(
                None, ox.NamedNode(str(RDF.type)), ox.NamedNode(f"{CTKG}ClinicalTrial"), ox.DefaultGraph())))
        finally:
            del store
    return _report(results, chosen, loaded, count, summary, started)


def _fill_store(store: ox.Store, paths: list[str], summary: InputSummary,
                on_rejection: Callable[[Rejection], None] | None, reading: Callable[[int], None], jobs: int) -> None:
    """RDF files and mapped records into the store's default graph, in bounded batches.

    Each batch is one bulk load: the store's bulk loader holds a whole load in memory while it
    sorts it, so one load of a large file would need memory in proportion to the file.
    N-Triples go to the loader as text, in chunks of lines (no Python object per term); a chunk
    that may hold a blank node is parsed here instead, because the loader gives blank nodes new
    labels in every load, and one node met in two chunks would become two. Other formats are
    parsed here, and datasets' graphs merged into the default graph.
    """
    for path in (p for p in paths if is_rdf_path(p)):
        if rdf_input_format(path) == ox.RdfFormat.N_TRIPLES:
            for chunk in ntriples_chunks(path, summary):
                try:
                    if _BLANK in chunk:
                        store.bulk_extend([ox.Quad(q.subject, q.predicate, q.object)
                                           for q in ox.parse(chunk, ox.RdfFormat.N_TRIPLES)])
                    else:
                        store.bulk_load(chunk, ox.RdfFormat.N_TRIPLES)
                except SyntaxError as exc:
                    raise syntax_error(path, ox.RdfFormat.N_TRIPLES, exc) from exc
                reading(summary.triples)
            continue
        quads = (ox.Quad(t.subject, t.predicate, t.object) for t in read_triples([path], summary))
        while batch := list(islice(quads, _QUAD_BATCH)):
            store.bulk_extend(batch)
            reading(summary.triples)
    records = [p for p in paths if not is_rdf_path(p)]
    if records:
        documents: list[bytes] = []
        size = 0
        for document in read_documents(records, summary, on_rejection=on_rejection, jobs=jobs):
            documents.append(document)
            size += len(document)
            if size >= _DOCUMENT_BATCH:
                store.bulk_load(b"".join(documents), ox.RdfFormat.N_TRIPLES)
                documents, size = [], 0
                reading(summary.trials)
        if documents:
            store.bulk_load(b"".join(documents), ox.RdfFormat.N_TRIPLES)


def _input_bytes(paths: list[str]) -> int:
    """A cheap size estimate: file sizes, ten times for compressed and record files."""
    total = 0
    for path in paths:
        p = Path(path)
        files = [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else []
        for f in files:
            size = f.stat().st_size
            total += size * 10 if f.suffix in (".gz", ".zip") else size
    return total


def _counted(triples: Iterable[ox.Triple], reading: Callable[[int], None]) -> Iterable[ox.Triple]:
    for count, triple in enumerate(triples, start=1):
        if count % 10_000 == 0:
            reading(count)
        yield triple


def _reading(on_progress: Progress | None, summary: InputSummary) -> Callable[[int], None]:
    def report(count: int) -> None:
        if on_progress:
            on_progress("reading", count, None)

    return report


def _checking(on_progress: Progress | None) -> Callable[[int, int], None] | None:
    if on_progress is None:
        return None
    return lambda done, total: on_progress("checking", done, total)


def _report(results: list[ValidationResult], engine: Engine, shapes: Shapes, triples: int, summary: InputSummary,
            started: float) -> ValidationReport:
    return ValidationReport(
        results=results,
        engine=engine.value,
        triples=triples,
        trials=summary.trials,
        rejected=summary.rejected,
        today=shapes.today,
        seconds=time.perf_counter() - started,
        shapes=[str(f) for f in shapes.files],
    )
