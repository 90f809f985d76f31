"""Any SPARQL 1.1 store over HTTP: loading with replace semantics, and queries.

Two ways to load, both replacing each trial's named graph:

* ``nquads`` (default; Oxigraph, Fuseki): per batch of trials, the stored
  versions are read with one query, the graphs to replace are dropped with one
  SPARQL UPDATE (``DROP SILENT GRAPH`` of IRIs we minted), and the batch is
  POSTed as N-Quads to the dataset endpoint. Drop and post are retried
  together, so a retry never duplicates.
* ``gsp``: one Graph Store HTTP Protocol PUT per trial graph (GraphDB,
  Virtuoso, any store without an N-Quads dataset endpoint): slower, but each
  replacement is atomic.

Credentials come from ``KG_ENDPOINT_USER`` / ``KG_ENDPOINT_PASSWORD`` or
``~/.netrc``, never from the command line. Requests have timeouts, and are
retried with exponential backoff on connection errors and 5xx answers; a 4xx
answer is a clear error at once. A batch that still fails is reported with its
trial ids and the load goes on: earlier batches stay as they were.
"""

from __future__ import annotations

import io
import netrc
import os
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pyoxigraph
import urllib3
from pyoxigraph import Literal, NamedNode, QueryResultsFormat, RdfFormat

from kg.errors import KgError
from kg.graph_units import GraphUnit, Version
from kg.loading import LoadSummary, SkippedOlder, newer_or_same
from kg.queries import with_bindings

__all__ = ["BATCH_TRIALS", "PARALLEL", "Endpoint", "EndpointError", "load_to_endpoint", "query_endpoint"]

BATCH_TRIALS = 500
"""Trials per N-Quads request: large enough that per-request overhead is small, small enough to retry cheaply."""
PARALLEL = 2
"""Requests in flight at once."""
_RETRIES = 4
_TIMEOUT = urllib3.Timeout(connect=10, read=300)


class EndpointError(KgError):
    """The server refused a request (4xx) or stayed unreachable after retries."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a SPARQL 1.1 service takes queries, updates and graph-store requests.

    Built from a base URL the way Oxigraph and Fuseki lay them out:
    ``BASE/query``, ``BASE/update``, ``BASE/store`` (``store_path`` changes the last,
    e.g. ``data`` for Fuseki).
    """

    base: str
    store_path: str = "store"

    @property
    def query_url(self) -> str:
        return f"{self.base.rstrip('/')}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base.rstrip('/')}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base.rstrip('/')}/{self.store_path}"


class _Client:
    """One connection pool with credentials, timeouts and retries."""

    def __init__(self, endpoint: Endpoint, maxsize: int = PARALLEL) -> None:
        parts = urlsplit(endpoint.base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointError(f"not an http(s) endpoint URL: {endpoint.base!r}")
        self.headers: dict[str, str] = {}
        user, password = _credentials(parts.hostname)
        if user is not None:
            self.headers.update(urllib3.make_headers(basic_auth=f"{user}:{password or ''}"))
        retries = urllib3.Retry(
            total=_RETRIES, backoff_factor=0.5, status_forcelist=(500, 502, 503, 504),
            allowed_methods=None, raise_on_status=False,
        )
        self.pool = urllib3.PoolManager(maxsize=maxsize + 1, retries=retries, timeout=_TIMEOUT)

    def request(self, method: str, url: str, body: bytes | str | None = None,
                headers: Mapping[str, str] | None = None, fields: Mapping[str, str] | None = None) -> bytes:
        try:
            response = self.pool.request(method, url, body=body, fields=fields,
                                         headers={**self.headers, **(headers or {})})
        except urllib3.exceptions.HTTPError as exc:
            raise EndpointError(f"{method} {url}: {exc}") from exc
        if response.status >= 400:
            text = response.data.decode("utf-8", "replace").strip().splitlines()
            raise EndpointError(f"{method} {url}: HTTP {response.status}: {text[0][:200] if text else ''}")
        return response.data


def _credentials(host: str) -> tuple[str | None, str | None]:
    user = os.environ.get("KG_ENDPOINT_USER")
    if user:
        return user, os.environ.get("KG_ENDPOINT_PASSWORD", "")
    try:
        found = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        return None, None
    return (found[0], found[2]) if found else (None, None)


def query_endpoint(
    endpoint: Endpoint, text: str, bindings: Mapping[str, NamedNode | Literal] | None = None
) -> pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean:
    """Run a SELECT or ASK query remotely; the answer parsed into pyoxigraph results."""
    client = _Client(endpoint)
    data = client.request(
        "POST", endpoint.query_url, body=with_bindings(text, bindings or {}).encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    return pyoxigraph.parse_query_results(data, QueryResultsFormat.JSON)


_VERSIONS = """
PREFIX ctkg: <https://w3id.org/ctkg/ontology#>
SELECT ?g ?lastUpdate ?versionDate WHERE {
  GRAPH ?g { ?trial ctkg:lastUpdatePostedDate ?lastUpdate OPTIONAL { ?record ctkg:versionDate ?versionDate } }
}"""


def _stored_versions(client: _Client, endpoint: Endpoint, graphs: list[NamedNode]) -> dict[str, Version]:
    values = " ".join(str(g) for g in graphs)  # IRIs we minted, serialised as terms
    text = _VERSIONS.replace("WHERE {", f"WHERE {{ VALUES ?g {{ {values} }}", 1)
    data = client.request("POST", endpoint.query_url, body=text.encode("utf-8"), headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    found: dict[str, Version] = {}
    for row in pyoxigraph.parse_query_results(data, QueryResultsFormat.JSON):  # type: ignore[union-attr]
        version = (row["lastUpdate"].value, row["versionDate"].value if row["versionDate"] else "")
        found[row["g"].value] = max(found.get(row["g"].value, version), version)
    return found


def load_to_endpoint(
    endpoint: Endpoint,
    units: Iterable[GraphUnit],
    *,
    protocol: str = "nquads",
    force: bool = False,
    batch_trials: int = BATCH_TRIALS,
    parallel: int = PARALLEL,
    on_skip: Callable[[SkippedOlder], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
    on_failure: Callable[[str], None] | None = None,
) -> LoadSummary:
    """Load ``units`` into a remote store, replacing trial graphs, newer versions winning."""
    client = _Client(endpoint, maxsize=parallel)
    summary = LoadSummary()
    started = time.perf_counter()
    send = _send_nquads if protocol == "nquads" else _send_gsp

    def write(batch: list[GraphUnit]) -> tuple[list[GraphUnit], str | None]:
        try:
            send(client, endpoint, batch)
        except EndpointError as exc:
            return batch, str(exc)
        return batch, None

    decided: dict[str, Version | None] = {}
    """Versions written in this run, by graph: later batches check them before the server's."""

    def batches() -> Iterable[list[GraphUnit]]:
        batch: dict[str, GraphUnit] = {}
        for unit in units:
            key = str(unit.graph)
            if key in batch and not unit.replaces:
                batch[key].quads.extend(unit.quads)
                continue
            if unit.replaces and (key in batch or key in decided):
                previous = batch[key].version if key in batch else decided[key]
                if not force and not newer_or_same(unit.version, previous):
                    _skip(summary, on_skip, unit, previous)
                    continue
            batch[key] = unit
            if len(batch) >= batch_trials:
                yield _decide(client, endpoint, list(batch.values()), force, summary, on_skip, decided)
                batch = {}
        if batch:
            yield _decide(client, endpoint, list(batch.values()), force, summary, on_skip, decided)

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        pending: list[tuple[set[str], Future]] = []
        for batch in batches():
            graphs = {str(u.graph) for u in batch}
            if any(graphs & inflight for inflight, _ in pending):
                # the same graph again: its earlier write must land first
                while pending:
                    _collect(pending.pop(0)[1].result(), summary, on_batch, on_failure)
            pending.append((graphs, pool.submit(write, batch)))
            while len(pending) > parallel * 2 or (pending and pending[0][1].done()):
                _collect(pending.pop(0)[1].result(), summary, on_batch, on_failure)
        for _, future in pending:
            _collect(future.result(), summary, on_batch, on_failure)
    summary.seconds = time.perf_counter() - started
    return summary


def _skip(summary: LoadSummary, on_skip: Callable[[SkippedOlder], None] | None, unit: GraphUnit,
          stored: Version | None) -> None:
    summary.skipped_older += 1
    if on_skip and unit.nct_id and unit.version and stored:
        on_skip(SkippedOlder(unit.nct_id, unit.source, unit.version, stored))


def _decide(client: _Client, endpoint: Endpoint, batch: list[GraphUnit], force: bool, summary: LoadSummary,
            on_skip: Callable[[SkippedOlder], None] | None, decided: dict[str, Version | None]) -> list[GraphUnit]:
    """The units of a batch that may replace what the server holds (stored versions read in one query)."""
    trial_graphs = [u.graph for u in batch if u.nct_id and isinstance(u.graph, NamedNode)]
    stored = _stored_versions(client, endpoint, trial_graphs) if trial_graphs else {}  # type: ignore[arg-type]
    kept = []
    for unit in batch:
        key = str(unit.graph)
        known = key in decided
        current = decided[key] if known else stored.get(key.strip("<>"))
        if unit.nct_id and not force and not newer_or_same(unit.version, current):
            _skip(summary, on_skip, unit, current)
            continue
        kept.append(unit)
        if unit.nct_id:
            decided[key] = unit.version
            if current is None and not known:
                summary.new += 1
            else:
                summary.replaced += 1
    return kept


def _collect(result: tuple[list[GraphUnit], str | None], summary: LoadSummary,
             on_batch: Callable[[int], None] | None, on_failure: Callable[[str], None] | None) -> None:
    batch, failure = result
    trials = [u.nct_id for u in batch if u.nct_id]
    if failure is None:
        summary.loaded += len(trials)
        summary.quads += sum(len(u.quads) for u in batch)
        if on_batch:
            on_batch(len(trials))
        return
    summary.failed += len(trials)
    message = f"batch of {len(trials)} trials ({', '.join(trials[:3])}{' ...' if len(trials) > 3 else ''}) " \
              f"not loaded: {failure}"
    summary.failures.append(message)
    if on_failure:
        on_failure(message)


def _nquads(units: Iterable[GraphUnit]) -> bytes:
    buffer = io.BytesIO()
    pyoxigraph.serialize((q for u in units for q in u.quads), buffer, RdfFormat.N_QUADS)
    return buffer.getvalue()


def _send_nquads(client: _Client, endpoint: Endpoint, batch: list[GraphUnit]) -> None:
    if not batch:
        return
    drops = [f"DROP SILENT GRAPH {u.graph}" for u in batch if u.replaces and isinstance(u.graph, NamedNode)]
    body = _nquads(batch)
    for attempt in range(_RETRIES):
        try:
            if drops:
                client.request("POST", endpoint.update_url, body=" ;\n".join(drops).encode("utf-8"),
                               headers={"Content-Type": "application/sparql-update"})
            client.request("POST", endpoint.store_url, body=body, headers={"Content-Type": "application/n-quads"})
            return
        except EndpointError as exc:
            if "HTTP 4" in str(exc) or attempt == _RETRIES - 1:
                raise
            time.sleep(0.5 * 2**attempt)


def _send_gsp(client: _Client, endpoint: Endpoint, batch: list[GraphUnit]) -> None:
    """One request per graph a unit writes to: a PUT replaces the trial's graph, a POST adds the
    statements about shared nodes to the entities graph (and anything else to its graph)."""
    for unit in batch:
        by_graph: dict[str, list[pyoxigraph.Triple]] = {}
        for quad in unit.quads:
            by_graph.setdefault(str(quad.graph_name), []).append(
                pyoxigraph.Triple(quad.subject, quad.predicate, quad.object))
        if unit.replaces:
            by_graph.setdefault(str(unit.graph), [])  # an empty trial graph still replaces the stored one
        for key in sorted(by_graph, key=lambda k: k != str(unit.graph)):
            buffer = io.BytesIO()
            pyoxigraph.serialize(by_graph[key], buffer, RdfFormat.N_TRIPLES)
            if key.startswith("<"):
                url = f"{endpoint.store_url}?graph={quote(key[1:-1], safe='')}"
                method = "PUT" if unit.replaces and key == str(unit.graph) else "POST"
            else:
                url, method = f"{endpoint.store_url}?default", "POST"
            client.request(method, url, body=buffer.getvalue(), headers={"Content-Type": "application/n-triples"})
