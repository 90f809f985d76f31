"""``kg analyze``: build a network from the store or RDF files, compute metrics, write tables and graphs."""

from __future__ import annotations

import re
import sys

import click

from kg.cli._common import error, progress
from kg.errors import KgError, UsageError

__all__ = ["analyze"]

_NETWORK_NAMES = ("investigators", "sponsor-site", "condition-intervention", "conditions", "interventions",
                  "trial-similarity", "knowledge-graph")


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{2,5})\s*[xX×]\s*(\d{2,5})\s*", text)
    if not match:
        raise UsageError(f"--plot-size {text!r}: expected WIDTHxHEIGHT in pixels, e.g. 1600x1200")
    return int(match.group(1)), int(match.group(2))


@click.command()
@click.argument("network", type=click.Choice(_NETWORK_NAMES))
@click.option("--store", "store_dir", help="Store directory [default: kg-store].")
@click.option("--data", "data_files", multiple=True, type=click.Path(exists=True),
              help="Analyse these RDF files (.nq .trig .ttl .nt .jsonld) or record files instead (repeatable).")
@click.option("-w", "--where", "where", multiple=True, metavar="FILTER",
              help="Keep trials matching FILTER (repeatable, all must hold): condition=TEXT|MeSH id, sponsor=TEXT, "
                   "country=US, phase=PHASE2[,PHASE3], status=RECRUITING, start>=2015, completion<2020-06.")
@click.option("-o", "--out", "out_dir", help="Output folder [default: kg-analysis/NETWORK].")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True,
              help="Nodes in the terminal table and in the picture.")
@click.option("--plot", is_flag=True, help="Also draw the top-N subgraph as NETWORK.png.")
@click.option("--plot-size", default="1600x1200", show_default=True, help="Picture size in pixels.")
@click.option("--threshold", type=click.FloatRange(min=0, max=1, min_open=True), default=0.3, show_default=True,
              help="trial-similarity: least Jaccard similarity for a link.")
@click.option("--max-neighbours", type=click.IntRange(min=1),
              help="trial-similarity: keep only each trial's k most similar links.")
@click.option("--max-statements", type=click.IntRange(min=1),
              help="knowledge-graph: refuse selections whose trial graphs hold more statements [default: 3,000,000; "
                   "networkx needs about 1.3 GB per million].")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of Louvain and sampled betweenness.")
def analyze(network: str, store_dir: str | None, data_files: tuple[str, ...], where: tuple[str, ...],
            out_dir: str | None, top: int, plot: bool, plot_size: str, threshold: float,
            max_neighbours: int | None, max_statements: int | None, seed: int) -> None:
    """Analyse NETWORK of the trial graph and write its metrics, GraphML and GEXF.

    \b
    investigators           people linked by shared trials
    sponsor-site            sponsors and collaborators x sites (bipartite)
    condition-intervention  conditions x interventions (bipartite)
    conditions              its projection: conditions sharing interventions
    interventions           its projection: interventions sharing conditions
    trial-similarity        trials linked by Jaccard similarity of conditions, interventions, sponsors
    knowledge-graph         the whole typed graph of the selected trials

    Exit status: 0 done, 2 usage error or no store.
    """
    from kg.analysis import build_network, compute_metrics, from_files, from_store, parse_filters, write_all

    try:
        if store_dir and data_files:
            raise UsageError("give --store or --data, not both")
        size = _size(plot_size)
        filters = parse_filters(where)
        if data_files:
            with progress("loading files", unit=" trials") as bar:
                store = from_files(data_files, on_trials=bar.update)
        else:
            store = from_store(store_dir or "kg-store")
        with progress(f"querying {network}", unit=" rows") as bar:
            graph = build_network(store, network, filters, threshold=threshold, max_neighbours=max_neighbours,
                                  on_rows=bar.update, **({"max_statements": max_statements} if max_statements else {}))
        steps = ("components", "degree", "pagerank", "betweenness", "communities")
        with progress("metrics", unit=" steps", total=len(steps)) as bar:
            def on_step(name: str) -> None:
                if bar.n or name != steps[0]:
                    bar.update()
                bar.set_postfix_str(name)

            metrics = compute_metrics(graph, seed=seed, on_step=on_step)
            bar.update()
        folder = out_dir or f"kg-analysis/{network}"
        with progress("writing", unit=" files"):
            written = write_all(graph, metrics, folder, network)
            if plot:
                from kg.analysis.plot import plot_network

                written.append(plot_network(graph, metrics, f"{folder}/{network}.png", top=top, size=size, seed=seed))
    except KgError as exc:
        error(str(exc))
        sys.exit(exc.exit_status)
    _report(graph, metrics, top)
    click.echo(f"wrote {len(written)} files to {folder}/", err=True)


def _report(graph, metrics, top: int) -> None:  # type: ignore[no-untyped-def]
    """The summary lines and the top-N table on standard output."""
    filters = graph.graph.get("filters")
    click.echo(f"{metrics.name}: {metrics.nodes:,} nodes, {metrics.edges:,} edges, density {metrics.density:.4g}"
               + (f"  [where {filters}]" if filters else ""))
    sizes = ", ".join(f"{s:,}" for s in metrics.components[:5]) + (", ..." if len(metrics.components) > 5 else "")
    click.echo(f"components: {len(metrics.components):,} (largest: {sizes or '-'})")
    click.echo(f"betweenness: {metrics.betweenness}")
    for note in metrics.notes:
        if not note.startswith("betweenness"):
            click.echo(f"note: {note}")
    click.echo(f"communities (Louvain, seed {metrics.seed}): {len(metrics.communities):,}, "
               f"modularity {metrics.modularity:.3f}")
    for community in metrics.communities[:5]:
        click.echo(f"  #{community.id} ({community.size:,}): {'; '.join(community.top_members)}")
    if not metrics.table:
        return
    click.echo("")
    width = min(48, max(len(row.label) for row in metrics.table[:top]))
    header = (f"{'#':>3}  {'label':<{width}}  {'type':<14} {'degree':>7} {'w.degree':>9} {'pagerank':>9} "
              f"{'betweenness':>11} {'comm':>5}")
    click.echo(header)
    click.echo("-" * len(header))
    for rank, row in enumerate(metrics.table[:top], start=1):
        label = row.label if len(row.label) <= width else row.label[: width - 1] + "…"
        click.echo(f"{rank:>3}  {label:<{width}}  {row.type[:14]:<14} {row.degree:>7,} {row.weighted_degree:>9,.4g} "
                   f"{row.pagerank:>9.5f} {row.betweenness:>11.5f} {row.community:>5}")
