"""Over real HTTP: ``kg serve`` in-process, and ``kg load --endpoint`` / ``kg query --endpoint`` against a
real ``oxigraph serve`` process."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.graph_units import units_from_inputs
from kg.loading import load_units
from kg.mapping import MappingOptions
from kg.resources import sample_records_dir
from kg.store import ONTOLOGY_GRAPH

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, accept: str = "application/sparql-results+json") -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def _count(base: str) -> int:
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(json.loads(_get(f"{base}/query?query={query}"))["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server on 127.0.0.1 and a free port, stopped afterwards."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the oxigraph server is not installed (pip install '.[test]')")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                _count(base)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            pytest.fail("oxigraph serve did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("protocol", ["nquads", "gsp"])
def test_load_into_a_real_server_replaces_and_queries(oxigraph_server: str, protocol: str) -> None:
    runner = CliRunner()
    samples = str(sample_records_dir())
    first = runner.invoke(main, ["load", samples, "--endpoint", oxigraph_server, "--protocol", protocol,
                                 "--batch", "7"])
    assert first.exit_code == 0, first.output
    assert "51 trials loaded" in first.output and "older versions skipped" in first.output
    quads = _count(oxigraph_server)
    again = runner.invoke(main, ["load", samples, "--endpoint", oxigraph_server, "--protocol", protocol])
    assert again.exit_code == 0, again.output
    assert "0 new, 51 replaced" in again.output and "2 older versions skipped" in again.output
    assert _count(oxigraph_server) == quads  # replaced, nothing duplicated or stale
    # the same graphs as the embedded store: trial graphs, and shared nodes once in the entities graph
    served = {q for q in pyoxigraph.parse(_get(f"{oxigraph_server}/store", "application/n-quads"),
                                          pyoxigraph.RdfFormat.N_QUADS) if q.graph_name != ONTOLOGY_GRAPH}
    embedded = pyoxigraph.Store()
    load_units(embedded, units_from_inputs([samples], MappingOptions(), print))
    assert served == {q for q in embedded if q.graph_name != ONTOLOGY_GRAPH}
    result = runner.invoke(main, ["query", "trials-by-condition", "-p", "condition=D001943",
                                  "--endpoint", oxigraph_server, "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "trial,nctId,title,status"
    assert [line.split(",")[1] for line in lines[1:]] == ["NCT02513394", "NCT02663973"]


def test_unreachable_endpoint_is_one_line_error() -> None:
    port = _free_port()
    result = CliRunner().invoke(main, ["query", "phase-status-counts", "--endpoint", f"http://127.0.0.1:{port}"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "127.0.0.1" in result.output


def test_client_error_is_reported(oxigraph_server: str) -> None:
    result = CliRunner().invoke(main, ["query", "--sparql", "SELECT WHERE {", "--endpoint", oxigraph_server])
    assert result.exit_code == 2
    assert "HTTP 400" in result.output


def test_kg_serve_answers_sparql_read_only(tmp_path: Path) -> None:
    from kg.server import make_server
    from kg.store import open_read_only

    store_dir = tmp_path / "store"
    built = CliRunner().invoke(main, ["build", "--store", str(store_dir), "-q"])
    assert built.exit_code == 0, built.output
    server = make_server(open_read_only(store_dir), 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        query = urllib.parse.quote(
            "SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/ctkg/ontology#ClinicalTrial> }")
        data = json.loads(_get(f"{base}/query?query={query}"))
        assert data["results"]["bindings"][0]["n"]["value"] == "51"
        assert _get(f"{base}/query?query={query}", "text/csv").decode().splitlines() == ["n", "51"]
        post = urllib.request.Request(f"{base}/query", data=b"ASK { ?s ?p ?o }",
                                      headers={"Content-Type": "application/sparql-query"})
        with urllib.request.urlopen(post, timeout=30) as response:
            assert json.loads(response.read())["boolean"] is True
        update = urllib.request.Request(f"{base}/update", data=b"update=CLEAR%20ALL",
                                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(update, timeout=30)
        assert refused.value.code == 403
    finally:
        server.shutdown()
        server.server_close()
