"""Network analysis at scale: time and peak memory to build each network and compute its metrics.

Builds a bulk ``.zip`` of N records from the real shared records repeated with
rewritten NCT ids (``synthetic.build_archive``, shared with the other
benchmarks), converts it to N-Quads,
bulk-loads it into an on-disk store, then builds each network and computes
every metric in a child process of its own, reporting wall times and the
child's peak RSS.

Copies keep part of their names (``synthetic.py``: sponsors 60 %, people
15 %, site facilities 50 %) and all of their conditions and interventions, so
people and sites grow with N while conditions and interventions stay those of
the ~2,300 originals, with heavier weights; trial similarity links the copies
of a trial closely (same conditions and interventions), so it runs with
``max_neighbours=10``. The knowledge graph (a node per resource, an edge per
statement) is only built up to ``--kg-max`` trials.

Usage::

    python benchmarks/analysis_bench.py                  # 20,000 trials
    python benchmarks/analysis_bench.py --sizes 100000
    python benchmarks/analysis_bench.py --store STORE --timeout 1200 --memory-mb 12000   # an existing store

Needs ``../shared/data`` (or ``KG_SHARED_DATA``); exits with a message if absent.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import SHARED, build_archive, load_originals

from kg.analysis.networks import KNOWLEDGE_GRAPH_MAX_STATEMENTS

NETWORKS = ("investigators", "sponsor-site", "condition-intervention", "conditions", "interventions",
            "trial-similarity", "knowledge-graph")

_CHILD = """
import json, resource, sys, time
from kg.analysis import build_network, compute_metrics, from_store, parse_filters
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
store = from_store(sys.argv[1])
t, c = time.perf_counter(), cpu()
graph = build_network(store, sys.argv[2], parse_filters(sys.argv[4:]), max_neighbours=10,
                      max_statements=int(sys.argv[3]))
built, built_cpu = time.perf_counter() - t, cpu() - c
metrics = compute_metrics(graph)
print(json.dumps({"nodes": metrics.nodes, "edges": metrics.edges, "build": built,
                  "metrics": time.perf_counter() - t - built, "build_cpu": built_cpu,
                  "metrics_cpu": cpu() - c - built_cpu, "betweenness": str(metrics.betweenness),
                  "communities": len(metrics.communities), "notes": metrics.notes,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
"""One network in a process of its own (the store opened read-only, so other readers may share it):
wall and CPU seconds (all threads) to build it and to compute its metrics, and the peak RSS."""


def prepare_store(size: int, folder: Path) -> tuple[Path, float, float]:
    """A store of ``size`` trials; seconds to convert and to load."""
    from pyoxigraph import RdfFormat, Store

    from kg.convert import convert

    archive, nquads, store_dir = folder / f"records-{size}.zip", folder / f"graph-{size}.nq", folder / f"store-{size}"
    build_archive(load_originals(), size, archive)
    started = time.perf_counter()
    convert([str(archive)], str(nquads), jobs=os.cpu_count() or 1)
    converted = time.perf_counter() - started
    started = time.perf_counter()
    store = Store(str(store_dir))
    store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
    store.flush()
    del store
    loaded = time.perf_counter() - started
    archive.unlink()
    nquads.unlink()
    return store_dir, converted, loaded


def network_argv(store_dir: Path, network: str, where: Sequence[str] = (),
                 max_statements: int = KNOWLEDGE_GRAPH_MAX_STATEMENTS) -> list[str]:
    """The child command building one network and its metrics (also run by ``registry_bench.py``).

    ``max_statements`` is ``kg analyze --max-statements``: the knowledge graph's size limit.
    """
    return [sys.executable, "-c", _CHILD, str(store_dir), network, str(max_statements), *where]


def run_network(store_dir: Path, network: str, *, where: Sequence[str] = (), timeout: float | None = None,
                memory_mb: int | None = None) -> dict[str, object]:
    """The child's measurements; ``{"error": ...}`` when it timed out or failed (out of memory under ``memory_mb``).

    ``memory_mb`` caps the child's address space, so that a network too big
    for the machine fails alone instead of pushing other processes into swap.
    """
    def limit() -> None:
        if memory_mb:
            resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    started = time.perf_counter()
    try:
        completed = subprocess.run(network_argv(store_dir, network, where), capture_output=True, text=True,
                                   timeout=timeout, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {time.perf_counter() - started:.0f} s (--timeout)"}
    if completed.returncode:
        last = (completed.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"failed after {time.perf_counter() - started:.0f} s: {last[:120]}"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _row(trials: str, network: str, m: dict[str, object]) -> str:
    if "error" in m:
        return f"| {trials} | {network} | {m['error']} | | | | | | | | |"
    return (f"| {trials} | {network} | {m['nodes']:,} | {m['edges']:,} | {m['build']:.1f} | {m['metrics']:.1f} | "
            f"{m['build_cpu']:.1f} + {m['metrics_cpu']:.1f} | {m['betweenness']} | {m['communities']:,} | "
            f"{m['peak_rss_mb']:.0f} | {'; '.join(m['notes'])} |")  # type: ignore[arg-type,operator]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20000])
    parser.add_argument("--store", type=Path, help="measure this existing store (opened read-only) instead")
    parser.add_argument("--networks", nargs="+", default=list(NETWORKS), choices=NETWORKS)
    parser.add_argument("--where", nargs="*", default=[], help="filters, as kg analyze --where")
    parser.add_argument("--kg-max", type=int, default=5000, help="largest size the knowledge graph is built at")
    parser.add_argument("--timeout", type=float, help="seconds each network may take")
    parser.add_argument("--memory-mb", type=int, help="address space each network may use")
    args = parser.parse_args()
    if args.store is None and not SHARED.is_dir():
        sys.exit(f"shared records not found at {SHARED} (set KG_SHARED_DATA)")
    print(f"# kg analyze networks; {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores"
          + (f"; where {' '.join(args.where)}" if args.where else ""))
    print("| trials | network | nodes | edges | build s | metrics s | CPU s (build + metrics) | betweenness | "
          "communities | peak RSS MB | notes |")
    print("|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in [0] if args.store else args.sizes:
            if args.store:
                store_dir = args.store
            else:
                store_dir, converted, loaded = prepare_store(size, Path(tmp))
                print(f"<!-- {size:,} trials: converted in {converted:.0f} s, bulk-loaded in {loaded:.0f} s -->",
                      flush=True)
            for network in args.networks:
                if network == "knowledge-graph" and size > args.kg_max and not args.store:
                    print(f"| {size:,} | {network} | (skipped above --kg-max {args.kg_max:,}) | | | | | | | | |",
                          flush=True)
                    continue
                m = run_network(store_dir, network, where=args.where, timeout=args.timeout,
                                memory_mb=args.memory_mb)
                print(_row(args.store.name if args.store else f"{size:,}", network, m), flush=True)


if __name__ == "__main__":
    main()
