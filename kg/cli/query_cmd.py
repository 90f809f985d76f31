"""``kg query``: a library query, a .rq file or SPARQL text against a store, an endpoint or RDF files."""

from __future__ import annotations

import sys

import click

from kg.cli._common import error
from kg.errors import KgError, UsageError

__all__ = ["query"]


@click.command()
@click.argument("name", required=False)
@click.option("--sparql", help="SPARQL query text instead of NAME.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@click.option("--store", "store_dir", help="Store directory [default: kg-store].")
@click.option("--endpoint", help="Query this SPARQL 1.1 service (base URL; queries go to URL/query).")
@click.option("--data", "data_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Query these RDF files, loaded into memory (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "sparql-json", "xml"]),
              default="table", show_default=True)
@click.option("--list", "list_queries", is_flag=True, help="List the query library.")
def query(name: str | None, sparql: str | None, params: tuple[str, ...], store_dir: str | None,
          endpoint: str | None, data_files: tuple[str, ...], fmt: str, list_queries: bool) -> None:
    """Run a query of the library (NAME), a .rq file, or --sparql TEXT.

    Parameters are converted to RDF terms by their declared type and bound,
    never pasted into the query. Exit status: 0 answered, 2 usage error.
    """
    from kg.queries import bind_params, library, load_query, parse_spec

    try:
        if list_queries:
            for spec in library():
                click.echo(f"{spec.name:<30} {spec.title}")
                for p in spec.params:
                    optional = ", optional" if p.optional else ""
                    example = f" e.g. {p.example}" if p.example else ""
                    click.echo(f"{'':<32}--param {p.name}=<{p.type.value}{optional}>{example}")
            return
        if (name is None) == (sparql is None):
            raise UsageError("give a query NAME (or FILE.rq) or --sparql TEXT (kg query --list shows the library)")
        if sum(map(bool, (store_dir, endpoint, data_files))) > 1:
            raise UsageError("give at most one of --store, --endpoint, --data")
        spec = load_query(name) if name else parse_spec(sparql or "", "--sparql")
        values = {}
        for item in params:
            key, sep, value = item.partition("=")
            if not sep:
                raise UsageError(f"--param {item!r}: expected NAME=VALUE")
            values[key.strip()] = value
        bindings = bind_params(spec, values)
        results = _run(spec.text, bindings, store_dir, endpoint, data_files)
        from kg.cli._results import write_results

        write_results(results, fmt, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except KgError as exc:
        error(str(exc))
        sys.exit(exc.exit_status)


def _run(text, bindings, store_dir, endpoint, data_files):  # type: ignore[no-untyped-def]
    from kg.queries import QueryError, run_on_store

    if endpoint:
        from kg.endpoint import Endpoint, query_endpoint

        return query_endpoint(Endpoint(endpoint), text, bindings)
    if data_files:
        from pyoxigraph import Store

        from kg.graph_units import rdf_units
        from kg.loading import load_units

        store = Store()
        for path in data_files:
            load_units(store, rdf_units(path))
        results = run_on_store(store, text, bindings)
    else:
        from kg.store import open_read_only

        results = run_on_store(open_read_only(store_dir or "kg-store"), text, bindings)
    from pyoxigraph import QueryTriples

    if isinstance(results, QueryTriples):
        raise QueryError("CONSTRUCT and DESCRIBE queries are not supported here; use SELECT or ASK")
    return results
