"""Where networks come from: the persistent store, or RDF / record files loaded into memory.

Networks are built by SPARQL over the union of a store's graphs, so both
sources end up as a pyoxigraph ``Store``: a store directory is opened read-only
(several analyses may share it while nothing writes), files are loaded with
the same per-trial graph rules as ``kg load``, so a network built from files
equals the one built after loading them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Store

from kg.errors import NoInputError, Rejection
from kg.graph_units import units_from_inputs
from kg.loading import load_units
from kg.mapping import MappingOptions

__all__ = ["PREFIXES", "from_files", "from_store", "select"]

PREFIXES = """PREFIX ctkg: <https://w3id.org/ctkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

Term = NamedNode | BlankNode | Literal


def from_store(path: str | os.PathLike[str]) -> Store:
    """The store at ``path``, read-only; ``kg.store.StoreError`` when there is none."""
    from kg.store import open_read_only

    return open_read_only(path)


def from_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    on_trials: Callable[[int], None] | None = None,
    on_rejection: Callable[[Rejection], None] | None = None,
) -> Store:
    """An in-memory store of RDF files (``.nq .trig .ttl .nt .jsonld``) or record files.

    ``on_trials`` gets the number of trials of each batch loaded (progress).
    Raises ``NoInputError`` when nothing was loaded.
    """
    store = Store()
    units = units_from_inputs(list(paths), MappingOptions(), on_rejection or (lambda _rejection: None))
    summary = load_units(store, units, on_batch=on_trials)
    if summary.quads == 0:
        raise NoInputError("no trials found in the given files")
    return store


def select(store: Store, query: str) -> Iterator[tuple[Term | None, ...]]:
    """Rows of a SELECT over the union of all graphs, as tuples in projection order.

    ``query`` must be text of this package (filters reach it only as
    serialised terms, see ``kg.analysis.filters``); ``PREFIXES`` is prepended.
    """
    solutions = store.query(PREFIXES + query, use_default_graph_as_union=True)
    assert isinstance(solutions, QuerySolutions)
    width = len(solutions.variables)
    for solution in solutions:
        yield tuple(solution[i] for i in range(width))
