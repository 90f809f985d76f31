"""Validation throughput and memory at scale: our validator against whole-graph pySHACL, same run.

Builds registry-sized record sets from the real shared records (``benchmarks/synthetic.py``: new
NCT ids, partly renamed sponsors, people and sites), converts each to N-Triples once (not timed),
then validates the file in child processes:

* ``kg.validation.validate(..., engine="sparql")``: the compiled engine over an on-disk
  pyoxigraph store (what ``kg validate`` uses for large inputs);
* ``kg.validation.validate(..., engine="pyshacl")``: pySHACL over the whole graph in rdflib,
  bounded by ``--pyshacl-timeout`` (it grows much faster than linearly; at registry sizes it does
  not finish in any reasonable time, which the table then says).

Reported: records/s (validation including parsing the file), seconds, peak RSS of each child
(ru_maxrss), result counts, and whether both engines gave the same results when both finished.

Usage::

    python benchmarks/validate_bench.py                       # 500 and 20,000 trials
    python benchmarks/validate_bench.py --sizes 20000 100000 --pyshacl-timeout 600

Needs ``../shared/data`` (or ``KG_SHARED_DATA``); exits with a message if absent.
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import SHARED, build_archive, load_originals

TODAY = "2025-01-01"
_CHILD = """
import pickle, resource, sys, time
from datetime import date
from kg.validation import validate
started = time.perf_counter()
report = validate([sys.argv[1]], engine=sys.argv[2], today=date.fromisoformat(sys.argv[3]), store_dir=sys.argv[5])
seconds = time.perf_counter() - started
with open(sys.argv[4], "wb") as out:
    pickle.dump({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                 "triples": report.triples, "results": report.results}, out)
"""


def run_engine(graph: Path, engine: str, timeout: float, work: Path) -> dict | None:
    """Validate in a child process; None when it ran out of time."""
    out = work / f"{engine}.pickle"
    try:
        subprocess.run([sys.executable, "-c", _CHILD, str(graph), engine, TODAY, str(out), str(work)],
                       check=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    with open(out, "rb") as stream:
        return pickle.load(stream)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 20000])
    parser.add_argument("--pyshacl-timeout", type=float, default=1800.0,
                        help="seconds after which whole-graph pySHACL is stopped (default 1800)")
    parser.add_argument("--no-pyshacl", action="store_true", help="time only our validator")
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"shared records not found at {SHARED} (set KG_SHARED_DATA)")
    from kg.convert import convert

    originals = load_originals()
    print(f"# kg validate, N-Triples input, today {TODAY}; {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} cores; records scaled from {len(originals)} real records")
    print("| trials | triples | engine | seconds | records/s | peak RSS MB | violations | warnings | infos "
          "| same results |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in args.sizes:
            archive, graph = work / f"records-{size}.zip", work / f"graph-{size}.nt"
            started = time.perf_counter()
            build_archive(originals, size, archive)
            convert([str(archive)], str(graph), jobs=os.cpu_count() or 1)
            archive.unlink()
            built = time.perf_counter() - started
            print(f"<!-- {size} trials built and converted in {built:.0f} s -->", file=sys.stderr)
            ours = run_engine(graph, "sparql", float("inf"), work)
            reference = None if args.no_pyshacl else run_engine(graph, "pyshacl", args.pyshacl_timeout, work)
            for name, measured in (("sparql (ours)", ours), ("pyshacl whole graph", reference)):
                if measured is None:
                    if name.startswith("pyshacl") and not args.no_pyshacl:
                        print(f"| {size:,} | | {name} | > {args.pyshacl_timeout:.0f} (stopped) | "
                              f"< {size / args.pyshacl_timeout:.1f} | | | | | |", flush=True)
                    continue
                counts = {s: sum(1 for r in measured["results"] if r.severity.value == s)
                          for s in ("violation", "warning", "info")}
                same = "" if reference is None or ours is None else (
                    "yes" if reference["results"] == ours["results"] else "NO")
                print(f"| {size:,} | {measured['triples']:,} | {name} | {measured['seconds']:.1f} | "
                      f"{size / measured['seconds']:,.0f} | {measured['peak_mb']:.0f} | {counts['violation']} | "
                      f"{counts['warning']} | {counts['info']} | {same} |", flush=True)
            if ours and reference:
                print(f"<!-- {size}: ours is {reference['seconds'] / ours['seconds']:.1f}x faster -->", flush=True)
            graph.unlink()


if __name__ == "__main__":
    main()
