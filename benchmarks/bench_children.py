"""The work of each benchmark stage, run as a child process of ``registry_bench.py``.

``python benchmarks/bench_children.py STAGE ARGS...`` does one stage and prints JSON lines on
standard output: progress lines while it runs (so a stage stopped at its time or memory bound still
tells how far it got) and a final line with the result. It runs alone in its process so that the
harness can attribute wall time and peak memory to this stage only (see ``bench_measure.py``).

Stages: ``generate`` (a scaled record set), ``rdflib-per-record`` (the conversion baseline),
``load``, ``bulk-load`` (the store alone, from an N-Quads file), ``validate``, ``compare`` (two
engines' results), ``params`` (query parameters taken from the data), ``query``, ``rdflib-queries``
(the query baseline), ``export``, ``profile`` (conversion's time by phase). The harness itself stays
small: a child's ``ru_maxrss`` starts at its parent's peak (the kernel carries it across ``exec``),
so everything that needs memory runs here. Conversion itself and the networks are run by
``convert_bench.py`` and ``analysis_bench.py``'s child commands, so every benchmark times the same
code.
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

__all__ = ["STAGES", "main"]

_PROGRESS_SECONDS = 2.0


def _emit(**values: Any) -> None:
    print(json.dumps(values), flush=True)


def rdflib_per_record(archive: str, output: str, limit: str) -> None:
    """The conversion baseline: one rdflib ``Graph`` per record, serialised to N-Triples.

    Each of the first ``limit`` records is read and mapped by our own reader and mapping (exactly
    the work ``kg convert`` does), its triples are built as rdflib terms in a fresh ``Graph``, and
    the graph is serialised to N-Triples and appended to ``output``. The mapping yields N-Triples
    lines; turning those into term objects (a pyoxigraph parse) is the one step an rdflib-based
    mapping would not need, so its time is measured and left out of the baseline's time.
    """
    import pyoxigraph
    import rdflib

    from kg.errors import Rejection
    from kg.mapping import trial_ntriples
    from kg.readers import read_records

    xsd_string = "http://www.w3.org/2001/XMLSchema#string"
    iris: dict[str, rdflib.URIRef] = {}

    def term(value: Any) -> rdflib.term.Identifier:
        if isinstance(value, pyoxigraph.NamedNode):
            return iris.get(value.value) or iris.setdefault(value.value, rdflib.URIRef(value.value))
        if isinstance(value, pyoxigraph.BlankNode):
            return rdflib.BNode(value.value)
        if value.language:
            return rdflib.Literal(value.value, lang=value.language)
        datatype = value.datatype.value
        return rdflib.Literal(value.value, datatype=None if datatype == xsd_string else rdflib.URIRef(datatype))

    started = time.perf_counter()
    excluded = 0.0
    records = triples = 0
    last = started
    with open(output, "w", encoding="utf-8") as out:
        for record in read_records([archive]):
            if records >= int(limit):
                break
            if isinstance(record, Rejection):
                continue
            document = trial_ntriples(record)
            parsing = time.perf_counter()
            parsed = [quad.triple for quad in pyoxigraph.parse(document, pyoxigraph.RdfFormat.N_TRIPLES)]
            excluded += time.perf_counter() - parsing
            graph = rdflib.Graph()
            for triple in parsed:
                graph.add((term(triple.subject), term(triple.predicate), term(triple.object)))
            text = graph.serialize(format="nt")
            out.write(text)
            records += 1
            triples += len(graph)
            now = time.perf_counter()
            if now - last >= _PROGRESS_SECONDS:
                last = now
                _emit(records=records, triples=triples, seconds=now - started - excluded, excluded_seconds=excluded)
    now = time.perf_counter()
    _emit(records=records, triples=triples, seconds=now - started - excluded, excluded_seconds=excluded, done=True)


def load(archive: str, store_dir: str, jobs: str) -> None:
    """``kg load ARCHIVE --store DIR`` into a fresh store: ontology, then every record, replace / newer wins.

    Records are mapped on ``jobs`` processes, as ``kg load`` does on every core (where this version of
    ``units_from_inputs`` can; the final line says how many were used).
    """
    import inspect

    from kg.graph_units import units_from_inputs
    from kg.loading import load_units
    from kg.mapping import MappingOptions
    from kg.store import load_ontology, open_store

    rejected = [0]

    def on_rejection(_: object) -> None:
        rejected[0] += 1

    started = time.perf_counter()
    store = open_store(store_dir)
    load_ontology(store)
    loaded = [0]

    def on_batch(count: int) -> None:
        loaded[0] += count
        _emit(trials=loaded[0], seconds=time.perf_counter() - started)

    parallel = "jobs" in inspect.signature(units_from_inputs).parameters
    options = {"jobs": int(jobs)} if parallel else {}
    units = units_from_inputs([archive], MappingOptions(), on_rejection, **options)
    summary = load_units(store, units, on_batch=on_batch)
    store.flush()
    _emit(trials=summary.loaded, quads=summary.quads, rejected=rejected[0], seconds=time.perf_counter() - started,
          jobs=int(jobs) if parallel else 1, done=True)


def validate(graph: str, engine: str, today: str, results: str, work: str, jobs: str) -> None:
    """``kg validate`` with one engine; the results are pickled to ``results`` (unless "-") for comparison."""
    from kg.validation import validate as run

    checking: list[float] = []

    def on_progress(stage: str, _done: int, _total: int | None) -> None:
        if stage == "checking" and not checking:
            checking.append(time.perf_counter())

    started = time.perf_counter()
    report = run([graph], engine=engine, today=date.fromisoformat(today), store_dir=work, jobs=int(jobs),
                 on_progress=on_progress)
    ended = time.perf_counter()
    if results != "-":
        with open(results, "wb") as stream:
            pickle.dump(sorted(report.results), stream)
    counts = {severity.value: count for severity, count in report.counts().items()}
    split = {"reading_seconds": checking[0] - started, "checking_seconds": ended - checking[0]} if checking else {}
    _emit(triples=report.triples, seconds=ended - started, violations=counts.get("violation", 0),
          warnings=counts.get("warning", 0), infos=counts.get("info", 0), **split, done=True)


def query(store_dir: str, name: str, text_file: str, repeats: str) -> None:
    """One library query on the store: the first run in this process, then the best of the repeats."""
    from kg.queries import run_on_store
    from kg.store import open_read_only

    text = Path(text_file).read_text(encoding="utf-8")
    started = time.perf_counter()
    store = open_read_only(store_dir)
    opened = time.perf_counter() - started
    times, rows = [], 0
    for _ in range(max(1, int(repeats))):
        started = time.perf_counter()
        rows = sum(1 for _ in run_on_store(store, text))
        times.append(time.perf_counter() - started)
    _emit(name=name, rows=rows, first=times[0], best=min(times), runs=len(times), open_seconds=opened, done=True)


def rdflib_queries(nquads: str, queries_file: str) -> None:
    """The query baseline: rdflib parses the store's N-Quads export into a union dataset, then runs each query."""
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    started = time.perf_counter()
    dataset.parse(nquads, format="nquads")
    _emit(name="parse", seconds=time.perf_counter() - started, triples=len(dataset))
    for name, text in json.loads(Path(queries_file).read_text(encoding="utf-8"))["queries"]:
        started = time.perf_counter()
        rows = sum(1 for _ in dataset.query(text))
        _emit(name=name, seconds=time.perf_counter() - started, rows=rows)
    _emit(done=True)


def export(store_dir: str, output: str) -> None:
    """The store as N-Quads (what rdflib is given, so both engines answer over the same graphs)."""
    from kg.store import export_store, open_read_only
    from kg.writers import OutputFormat

    started = time.perf_counter()
    export_store(open_read_only(store_dir), output, OutputFormat.NQ)
    _emit(seconds=time.perf_counter() - started, done=True)


def bulk_load(nquads: str, store_dir: str) -> None:
    """The store alone: ``nquads`` bulk-loaded from its file into a fresh store, then compacted.

    Nothing of ours runs meanwhile (no reading, mapping, version checks or deduplication), so this
    is as fast as the embedded store takes these quads on this machine: the floor under ``kg load``.
    """
    from pyoxigraph import RdfFormat, Store

    started = time.perf_counter()
    store = Store(store_dir)
    store.bulk_load(path=nquads, format=RdfFormat.N_QUADS)
    loaded = time.perf_counter()
    store.optimize()
    done = time.perf_counter()
    _emit(quads=len(store), bulk_load_seconds=loaded - started, optimize_seconds=done - loaded,
          seconds=done - started, done=True)


def generate(count: str, output: str) -> None:
    """The scaled record set (``synthetic.build_archive``), written to ``output``."""
    from synthetic import build_archive, load_originals

    started = time.perf_counter()
    originals = load_originals()
    build_archive(originals, int(count), Path(output))
    _emit(records=int(count), originals=len(originals), seconds=time.perf_counter() - started, done=True)


def profile(archive: str, output: str, limit: str) -> None:
    """Where one core's conversion time goes: each phase of ``kg convert`` timed alone, in order.

    The first ``limit`` files of ``archive`` go through the same steps as a conversion worker, one
    phase over all of them before the next, so each phase's time is its own: unzipping, parsing the
    JSON or XML syntax, building the record model from it (the reader's time less the syntax), the
    mapping to N-Triples text, encoding it, and writing it to ``output``. The targets that are missed
    are missed by time per record, and this says which layer that time is spent in.
    """
    from itertools import islice

    from lxml import etree

    from kg.mapping import MappingOptions, trial_ntriples
    from kg.model import Trial
    from kg.readers import read_source
    from kg.readers.ctgov_json import _loads as json_loads  # the reader's own JSON parsing (orjson first)
    from kg.readers.ctgov_xml import _parser as xml_parser  # the reader's own parser, settings and all
    from kg.readers.sources import Source, iter_sources
    from kg.writers import atomic_output

    clock = time.perf_counter
    seconds: dict[str, float] = {}
    started = clock()
    files = [(s.name, s.read()) for s in islice(iter_sources([archive]), int(limit)) if isinstance(s, Source)]
    seconds["unzip"] = clock() - started

    parser = xml_parser()
    started = clock()
    for _, data in files:
        if data.lstrip()[:1] == b"<":
            etree.fromstring(data, parser)
        else:
            json_loads(data)
    syntax = clock() - started

    started = clock()
    records = [record for name, data in files for record in read_source(Source.from_bytes(name, data))]
    seconds["syntax"], seconds["model"] = syntax, clock() - started - syntax

    options = MappingOptions()
    trials = [r for r in records if isinstance(r, Trial)]
    started = clock()
    texts = [trial_ntriples(trial, options) for trial in trials]
    seconds["mapping"] = clock() - started

    started = clock()
    documents = [text.encode("utf-8") for text in texts]
    seconds["encoding"] = clock() - started

    started = clock()
    with atomic_output(output, bulk=True) as stream:  # as kg convert writes: past the page cache where it can
        for document in documents:
            stream.write(document)
    seconds["writing"] = clock() - started
    triples = sum(document.count(b"\n") for document in documents)
    _emit(files=len(files), records=len(trials), triples=triples, seconds=seconds, done=True)


_PICKS = {
    "name": """SELECT ?value ?n WHERE {
        { SELECT ?person (COUNT(DISTINCT ?trial) AS ?n) WHERE {
            { SELECT ?trial ?role WHERE { ?trial ctkg:hasRole ?role } }
            { SELECT ?role ?person WHERE { ?role ctkg:agent ?person } }
          } GROUP BY ?person ORDER BY DESC(?n) LIMIT 1 }
        ?person rdfs:label ?value
    } ORDER BY ?value LIMIT 1""",
    "co_name": """SELECT ?value ?n WHERE {
        { SELECT ?person (COUNT(DISTINCT ?trial) AS ?n) WHERE {
            { SELECT DISTINCT ?trial ?person WHERE { ?trial ctkg:hasRole ?role . ?role ctkg:agent ?person } }
            { SELECT DISTINCT ?trial ?other WHERE { ?trial ctkg:hasRole ?role2 . ?role2 ctkg:agent ?other } }
            FILTER(?other != ?person)
          } GROUP BY ?person ORDER BY DESC(?n) LIMIT 1 }
        ?person rdfs:label ?value
    } ORDER BY ?value LIMIT 1""",
    "condition": """SELECT ?value ?n WHERE {
        { SELECT ?condition (COUNT(DISTINCT ?trial) AS ?n) WHERE { ?trial ctkg:condition ?condition }
          GROUP BY ?condition ORDER BY DESC(?n) LIMIT 1 }
        ?condition rdfs:label ?value
    } ORDER BY ?value LIMIT 1""",
    "sponsor": """SELECT ?value ?n WHERE {
        { SELECT ?org (COUNT(DISTINCT ?trial) AS ?n) WHERE {
            { ?trial ctkg:leadSponsor ?org } UNION { ?trial ctkg:collaborator ?org } }
          GROUP BY ?org ORDER BY DESC(?n) LIMIT 1 }
        ?org rdfs:label ?value
    } ORDER BY ?value LIMIT 1""",
}
"""Parameters that name something in the data: the person, condition and sponsor with the most trials,
and the person with the most trials shared with someone else (``co_name``: the person with the most
trials may hold them alone, which would time an empty co-investigators answer). Counted by node, each
pattern in a subquery so the store joins by hash: counting by label with a per-row EXISTS took over
ten minutes at 100,000 trials."""

_QUERY_PICKS = {"co-investigators": {"name": "co_name"}}
"""Queries whose parameter takes another pick than the one of its own name."""

_PREFIXES = """PREFIX ctkg: <https://w3id.org/ctkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def params(store_dir: str, output: str, first_nct: str, today: str) -> None:
    """Every library query with parameters that exist in this store, written to ``output`` as JSON.

    The queries' example values name real trials and people that the scaled records renamed (NCT ids
    are rewritten), so they would time an empty lookup. Instead: the first trial of the set, the
    person, condition and sponsor with the most trials (the heaviest answers), ``today`` for the
    reference date, and the examples for the rest (a point and radius, which fit any data). The
    co-investigators query takes the person with the most shared trials instead (``_QUERY_PICKS``).
    """
    from kg.queries import bind_params, library, with_bindings
    from kg.store import open_read_only

    started = time.perf_counter()
    store = open_read_only(store_dir)
    picked: dict[str, str] = {"nct": first_nct, "today": today}
    for name, text in _PICKS.items():
        rows = list(store.query(_PREFIXES + text, use_default_graph_as_union=True))
        if rows:
            picked[name] = rows[0]["value"].value
            picked[f"{name}_trials"] = rows[0]["n"].value
    queries, bound = [], {}
    for spec in library():
        picks = {p.name: _QUERY_PICKS.get(spec.name, {}).get(p.name, p.name) for p in spec.params}
        values = {p.name: picked.get(picks[p.name], p.example) for p in spec.params if picks[p.name] in picked or
                  (p.example and not p.optional)}
        values = {k: v for k, v in values.items() if v}
        bound[spec.name] = values
        queries.append((spec.name, with_bindings(spec.text, bind_params(spec, values))))
    Path(output).write_text(json.dumps({"queries": queries, "params": bound, "picked": picked}), encoding="utf-8")
    _emit(seconds=time.perf_counter() - started, params=bound, done=True)


def compare(ours: str, theirs: str) -> None:
    """Whether two engines' pickled results are the same, and how many of each are the other's missing."""
    with open(ours, "rb") as stream:
        mine = pickle.load(stream)
    with open(theirs, "rb") as stream:
        other = pickle.load(stream)
    only_ours = len(set(mine) - set(other))
    only_theirs = len(set(other) - set(mine))
    _emit(same=mine == other, ours=len(mine), theirs=len(other), only_ours=only_ours, only_theirs=only_theirs,
          done=True)


STAGES: dict[str, Callable[..., None]] = {
    "generate": generate,
    "params": params,
    "compare": compare,
    "rdflib-per-record": rdflib_per_record,
    "load": load,
    "validate": validate,
    "query": query,
    "rdflib-queries": rdflib_queries,
    "export": export,
    "bulk-load": bulk_load,
    "profile": profile,
}


def main() -> None:
    stage, *args = sys.argv[1:]
    STAGES[stage](*args)


if __name__ == "__main__":
    main()
