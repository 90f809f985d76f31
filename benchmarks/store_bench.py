"""Store load time and library query times at scale, with rdflib's SPARQL on the same data.

Builds a bulk ``.zip`` of records from the real shared ones with rewritten NCT
ids (``convert_bench``'s generator), loads it into a fresh embedded store with
``kg load``'s code path (records mapped on ``--jobs`` worker processes, 0 = every
core, as ``kg load``), and times every library query (with its example
parameters) on it. rdflib then parses the store's N-Quads export into a union
``Dataset`` and runs the same queries in a child process; queries it cannot
finish within ``--rdflib-timeout`` seconds in total are reported as skipped.
``--load-only`` stops after the load (trials/s, CPU seconds, peak memory); ``--optimize``
compacts the store after the load, timed on its own, so query times with and without compaction compare.

Usage::

    python benchmarks/store_bench.py                     # 20,000 trials
    python benchmarks/store_bench.py --sizes 5000 --jobs 1 --load-only
    python benchmarks/store_bench.py --sizes 20000 100000 --rdflib-timeout 300
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from convert_bench import SHARED, build_archive, load_originals

from kg.graph_units import units_from_inputs
from kg.loading import load_units
from kg.mapping import MappingOptions
from kg.parallel import default_jobs
from kg.queries import bind_params, library, run_on_store, with_bindings
from kg.store import export_store, load_ontology, open_store
from kg.writers import OutputFormat

_PARAMS = {"trials-near": {"lat": "40.7128", "lon": "-74.0060", "radius_km": "50"},
           "stale-trials": {"today": "2024-06-30"}}


def queries() -> list[tuple[str, str]]:
    """(name, query text with the example parameters bound) of every library query."""
    out = []
    for spec in library():
        values = {p.name: p.example for p in spec.params if p.example and not p.optional}
        values.update(_PARAMS.get(spec.name, {}))
        out.append((spec.name, with_bindings(spec.text, bind_params(spec, values))))
    return out


_RDFLIB = """
import json, sys, time, rdflib
ds = rdflib.Dataset(default_union=True)
t = time.perf_counter()
ds.parse(sys.argv[1], format="nquads")
print(json.dumps(["parse", time.perf_counter() - t]), flush=True)
for name, text in json.loads(open(sys.argv[2]).read()):
    t = time.perf_counter()
    n = len(list(ds.query(text)))
    print(json.dumps([name, time.perf_counter() - t, n]), flush=True)
"""


def rdflib_times(nquads: Path, texts: list[tuple[str, str]], timeout: float, tmp: Path) -> dict[str, float]:
    spec = tmp / "queries.json"
    spec.write_text(json.dumps(texts), encoding="utf-8")
    times: dict[str, float] = {}
    with subprocess.Popen([sys.executable, "-c", _RDFLIB, str(nquads), str(spec)], stdout=subprocess.PIPE,
                          text=True) as child:
        started = time.perf_counter()
        try:
            assert child.stdout is not None
            os.set_blocking(child.stdout.fileno(), True)
            for line in child.stdout:
                name, seconds, *_ = json.loads(line)
                times[name] = seconds
                if time.perf_counter() - started > timeout:
                    break
        finally:
            child.kill()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20000])
    parser.add_argument("--rdflib-timeout", type=float, default=240.0)
    parser.add_argument("--jobs", type=int, default=0, help="worker processes mapping records (0: every core)")
    parser.add_argument("--load-only", action="store_true", help="time the load only, no queries")
    parser.add_argument("--optimize", action="store_true",
                        help="compact the store after the load (timed apart), to compare query times with and without")
    args = parser.parse_args()
    jobs = args.jobs or default_jobs()
    if not SHARED.is_dir():
        sys.exit(f"shared records not found at {SHARED} (set KG_SHARED_DATA)")
    originals = load_originals()
    texts = queries()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for size in args.sizes:
            archive = tmp / f"records-{size}.zip"
            build_archive(originals, size, archive)
            store = open_store(tmp / f"store-{size}")
            load_ontology(store)
            started, cpu = time.perf_counter(), time.process_time()
            summary = load_units(store, units_from_inputs([archive], MappingOptions(), lambda r: None, jobs=jobs))
            store.flush()
            load_seconds = time.perf_counter() - started
            print(f"\n## {size:,} trials: loaded {summary.loaded:,} trials, {summary.quads:,} quads in "
                  f"{load_seconds:.1f} s ({summary.loaded / load_seconds:,.0f} trials/s) with {jobs} jobs; "
                  f"this process {time.process_time() - cpu:.1f} CPU s, peak RSS so far "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB", flush=True)
            if args.optimize:
                started, cpu = time.perf_counter(), time.process_time()
                store.optimize()
                print(f"optimize: {time.perf_counter() - started:.1f} s, {time.process_time() - cpu:.1f} CPU s",
                      flush=True)
            if args.load_only:
                del store
                continue
            ours = {}
            for name, text in texts:
                started = time.perf_counter()
                rows = len(list(run_on_store(store, text)))
                ours[name] = (time.perf_counter() - started, rows)
            nquads = tmp / f"graph-{size}.nq"
            export_store(store, str(nquads), OutputFormat.NQ)
            theirs = rdflib_times(nquads, texts, args.rdflib_timeout, tmp)
            print(f"rdflib parse of the N-Quads export: "
                  f"{theirs['parse']:.1f} s" if "parse" in theirs else "rdflib: parse did not finish in time")
            print("| query | rows | pyoxigraph s | rdflib s |\n|---|---:|---:|---:|")
            for name, (seconds, rows) in ours.items():
                other = f"{theirs[name]:.2f}" if name in theirs else "skipped (time budget)"
                print(f"| {name} | {rows} | {seconds:.3f} | {other} |", flush=True)
            nquads.unlink()


if __name__ == "__main__":
    main()
