"""The embedded, persistent graph store: opening it, the ontology graph, counts, export.

pyoxigraph's on-disk store (RocksDB) holds the registry graph in a few
hundred MB and answers SPARQL in milliseconds, where rdflib's in-memory graph
needs gigabytes and tens of seconds just to parse it. What each trial owns lives
in its own named graph (``kg.iris.trial_graph_iri``), the shared nodes it names
in ``kg.iris.ENTITIES_GRAPH`` (see ``kg.entities``); the ontology and its code lists
live in ``ONTOLOGY_GRAPH`` so labels of coded values are queryable. Queries run
over the union of all graphs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from pyoxigraph import Quad, RdfFormat, Store, Triple

from kg.errors import KgError
from kg.namespaces import GRAPH
from kg.resources import data_dir
from kg.writers import OutputFormat, atomic_output

__all__ = [
    "DEFAULT_STORE",
    "ONTOLOGY_GRAPH",
    "StoreError",
    "StoreStats",
    "export_store",
    "load_ontology",
    "open_read_only",
    "open_store",
    "store_stats",
]

DEFAULT_STORE = "kg-store"
"""The store directory used when none is given: ``./kg-store``."""

ONTOLOGY_GRAPH = GRAPH.term("ontology")
_ONTOLOGY_FILES = ("ctkg.ttl", "codes.ttl")


class StoreError(KgError):
    """The store cannot be opened (missing, locked by another process, not a store)."""


def open_store(path: str | os.PathLike[str]) -> Store:
    """Open (creating if needed) a writable store at ``path``."""
    try:
        return Store(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store {os.fspath(path)!r} for writing: {_first_line(exc)}") from exc


def open_read_only(path: str | os.PathLike[str]) -> Store:
    """Open an existing store for reading only; several readers may share it."""
    if not (Path(path) / "CURRENT").is_file():
        raise StoreError(f"no store at {os.fspath(path)!r} (create one with `kg load` or `kg build`)")
    try:
        return Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store {os.fspath(path)!r}: {_first_line(exc)}") from exc


def ontology_quads() -> list[Quad]:
    """The ontology and code lists as quads of ``ONTOLOGY_GRAPH``."""
    folder = data_dir("ontology")
    quads: list[Quad] = []
    for name in _ONTOLOGY_FILES:
        for quad in pyoxigraph.parse(path=str(folder / name), format=RdfFormat.TURTLE):
            quads.append(Quad(quad.subject, quad.predicate, quad.object, ONTOLOGY_GRAPH))
    return quads


def load_ontology(store: Store) -> int:
    """Replace the ontology graph with the shipped ontology; the number of triples."""
    quads = ontology_quads()
    store.remove_graph(ONTOLOGY_GRAPH)
    store.extend(quads)
    return len(quads)


@dataclass(frozen=True, slots=True)
class StoreStats:
    """What a store holds, counted by type over the union of its graphs."""

    trials: int
    conditions: int
    interventions: int
    organizations: int
    people: int
    sites: int
    quads: int
    """Statements over all graphs (trial graphs, the entities graph, the ontology graph)."""

    def lines(self) -> list[str]:
        return [
            f"trials         {self.trials:>10,}",
            f"conditions     {self.conditions:>10,}",
            f"interventions  {self.interventions:>10,}",
            f"organisations  {self.organizations:>10,}",
            f"people         {self.people:>10,}",
            f"sites          {self.sites:>10,}",
            f"triples        {self.quads:>10,}  (over all named graphs)",
        ]


_STATS_QUERY = """
PREFIX ctkg: <https://w3id.org/ctkg/ontology#>
SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?type { ctkg:ClinicalTrial ctkg:Condition ctkg:Intervention ctkg:Organization ctkg:Person ctkg:Site }
  ?s a ?type
} GROUP BY ?type
"""


def store_stats(store: Store) -> StoreStats:
    """Entity and triple counts of ``store``."""
    counts = {
        solution["type"].value.rsplit("#", 1)[1]: int(solution["n"].value)
        for solution in store.query(_STATS_QUERY, use_default_graph_as_union=True)
    }
    quads = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return StoreStats(
        trials=counts.get("ClinicalTrial", 0),
        conditions=counts.get("Condition", 0),
        interventions=counts.get("Intervention", 0),
        organizations=counts.get("Organization", 0),
        people=counts.get("Person", 0),
        sites=counts.get("Site", 0),
        quads=int(next(iter(quads))["n"].value),
    )


def export_store(store: Store, output: str, output_format: OutputFormat) -> None:
    """Dump ``store`` to ``output`` atomically.

    Dataset formats keep every named graph; triple formats (Turtle, N-Triples)
    write the union of all graphs, each distinct triple once, so a Turtle
    export is the same graph ``kg convert`` would write, without repeats.
    """
    with atomic_output(output, bulk=True) as stream:
        if output_format.is_dataset:
            store.dump(stream, output_format.rdf_format, prefixes=_prefixes(output_format))
        else:
            # DISTINCT over the store's sorted indexes: deterministic for the same content
            solutions = store.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            pyoxigraph.serialize(
                (Triple(s["s"], s["p"], s["o"]) for s in solutions),  # type: ignore[arg-type,index]
                stream,
                output_format.rdf_format,
                prefixes=_prefixes(output_format),
            )


def _prefixes(output_format: OutputFormat) -> dict[str, str] | None:
    from kg.namespaces import PREFIXES

    return PREFIXES if output_format in (OutputFormat.TTL, OutputFormat.TRIG) else None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
