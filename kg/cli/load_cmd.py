"""``kg load``: records or RDF files into the embedded store or a SPARQL endpoint."""

from __future__ import annotations

import sys

import click

from kg.cli._common import RejectionLog, error, progress
from kg.errors import KgError

__all__ = ["load"]


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--store", "store_dir", default="kg-store", show_default=True, help="Store directory.")
@click.option("--endpoint", help="Load into this SPARQL 1.1 service instead (base URL; credentials from "
                                 "KG_ENDPOINT_USER/KG_ENDPOINT_PASSWORD or ~/.netrc).")
@click.option("--protocol", type=click.Choice(["nquads", "gsp"]), default="nquads", show_default=True,
              help="With --endpoint: batched N-Quads POSTs (Oxigraph, Fuseki) or one Graph Store PUT per trial.")
@click.option("--store-path", default="store", show_default=True,
              help="With --endpoint: path of the graph store / dataset endpoint under the base URL.")
@click.option("--batch", type=click.IntRange(min=1), help="Trials per batch.")
@click.option("--parallel", type=click.IntRange(min=1, max=16), default=2, show_default=True,
              help="With --endpoint: requests in flight at once.")
@click.option("--force", is_flag=True, help="Replace stored trials even with an older version of the record.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes reading and mapping records in parallel; 0 uses every core. "
                   "The store is the same for any number.")
@click.option("-q", "--quiet", is_flag=True, help="Do not list rejected records and skipped versions.")
def load(inputs: tuple[str, ...], store_dir: str, endpoint: str | None, protocol: str, store_path: str,
         batch: int | None, parallel: int, force: bool, jobs: int, quiet: bool) -> None:
    """Load records or RDF files, each trial into its own named graph.

    INPUTS are record files, directories or archives (as for kg convert) or RDF
    files (.nq .trig .jsonld .ttl .nt, optionally .gz). A trial loaded again
    replaces its graph; a version older than the stored one is skipped and
    reported unless --force. Exit status: 0 all loaded, 1 some records rejected
    or batches failed, 2 usage error or no readable input.
    """
    from kg.graph_units import units_from_inputs
    from kg.loading import BATCH_TRIALS, LoadSummary, load_units
    from kg.mapping import MappingOptions
    from kg.parallel import default_jobs

    with progress("loading", unit=" trials") as bar:
        log = RejectionLog(bar, quiet=quiet)
        rejected = [0]

        def on_rejection(rejection):  # type: ignore[no-untyped-def]
            rejected[0] += 1
            log(rejection)

        def note(message: object) -> None:
            if not quiet:
                bar.write(f"kg: {message}", file=sys.stderr)

        units = units_from_inputs(inputs, MappingOptions(), on_rejection, jobs=jobs or default_jobs())
        try:
            if endpoint:
                from kg.endpoint import BATCH_TRIALS as REMOTE_BATCH
                from kg.endpoint import Endpoint, load_to_endpoint

                summary = load_to_endpoint(
                    Endpoint(endpoint, store_path), units, protocol=protocol, force=force,
                    batch_trials=batch or REMOTE_BATCH, parallel=parallel, on_skip=note, on_batch=bar.update,
                    on_failure=lambda message: bar.write(f"kg: error: {message}", file=sys.stderr),
                )
            else:
                from kg.store import load_ontology, open_store

                store = open_store(store_dir)
                load_ontology(store)
                summary = load_units(store, units, force=force, batch_trials=batch or BATCH_TRIALS,
                                     summary=LoadSummary(), on_skip=note, on_batch=bar.update, on_rejection=log,
                                     on_compact=lambda: note("compacting the store (2 min per 100,000 trials)"))
                store.flush()
        except KgError as exc:
            error(str(exc))
            sys.exit(exc.exit_status)
    summary.rejected += rejected[0]
    click.echo(summary.line() + f" -> {endpoint or store_dir}", err=True)
    if summary.loaded == 0 and summary.skipped_older == 0 and not summary.failed:
        error("nothing loaded: no readable records or graphs in the input")
        sys.exit(2)
    sys.exit(1 if summary.rejected or summary.failed else 0)
