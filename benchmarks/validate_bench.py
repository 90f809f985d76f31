"""Validation throughput and memory at scale: our validator against whole-graph pySHACL, same run.

Builds registry-sized record sets from the real shared records (``benchmarks/synthetic.py``: new
NCT ids, partly renamed sponsors, people and sites), converts each to N-Triples once (not timed),
then validates the file in child processes:

* ``kg.validation.validate(..., engine="sparql")``: the compiled engine over an on-disk
  pyoxigraph store (what ``kg validate`` uses for large inputs);
* ``kg.validation.validate(..., engine="pyshacl")``: pySHACL over the whole graph in rdflib,
  bounded by ``--pyshacl-timeout`` (it grows much faster than linearly; at registry sizes it does
  not finish in any reasonable time, which the table then says).

Reported: records/s (validation including parsing the file), seconds, for the compiled engine the
part of them spent loading the store (parsing, indexing) and running the checks, peak RSS of each
child (ru_maxrss), result counts, and whether both engines gave the same results when both finished.

Usage::

    python benchmarks/validate_bench.py                       # 500 and 20,000 trials
    python benchmarks/validate_bench.py --sizes 20000 100000 --pyshacl-timeout 600

From another script (``measure`` returns the numbers of one size as a plain dict)::

    from validate_bench import measure
    row = measure(5000, pyshacl_timeout=0)   # 0: the compiled engine only

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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import SHARED, build_archive, load_originals

__all__ = ["TODAY", "build_graph", "measure", "run_engine"]

TODAY = "2025-01-01"
_CHILD = """
import pickle, resource, sys, time
from datetime import date
from kg.validation import validate
stages = {}
started = time.perf_counter()
def on_progress(stage, done, total):
    stages.setdefault(stage, time.perf_counter() - started)
report = validate([sys.argv[1]], engine=sys.argv[2], today=date.fromisoformat(sys.argv[3]), store_dir=sys.argv[5],
                  on_progress=on_progress)
seconds = time.perf_counter() - started
with open(sys.argv[4], "wb") as out:
    pickle.dump({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                 "triples": report.triples, "results": report.results,
                 "load_seconds": stages.get("checking")}, out)
"""


def run_engine(graph: Path, engine: str, timeout: float, work: Path) -> dict | None:
    """Validate in a child process; None when it ran out of time.

    The dict holds ``seconds``, ``peak_mb``, ``triples``, ``results`` (the typed results) and
    ``load_seconds`` (compiled engine: seconds until the first check started, else None).
    """
    out = work / f"{engine}.pickle"
    try:
        subprocess.run([sys.executable, "-c", _CHILD, str(graph), engine, TODAY, str(out), str(work)],
                       check=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    with open(out, "rb") as stream:
        return pickle.load(stream)


def build_graph(originals: list[tuple[str, bytes]], size: int, work: Path) -> tuple[Path, float]:
    """``size`` scaled records converted to one N-Triples file; the file and the seconds it took."""
    from kg.convert import convert

    archive, graph = work / f"records-{size}.zip", work / f"graph-{size}.nt"
    started = time.perf_counter()
    build_archive(originals, size, archive)
    convert([str(archive)], str(graph), jobs=os.cpu_count() or 1)
    archive.unlink()
    return graph, time.perf_counter() - started


def _summary(measured: dict | None, size: int) -> dict[str, Any] | None:
    if measured is None:
        return None
    counts = {s: sum(1 for r in measured["results"] if r.severity.value == s) for s in ("violation", "warning", "info")}
    load = measured.get("load_seconds")
    return {
        "seconds": measured["seconds"],
        "records_per_s": size / measured["seconds"],
        "peak_rss_mb": measured["peak_mb"],
        "triples": measured["triples"],
        "load_seconds": load,
        "check_seconds": measured["seconds"] - load if load is not None else None,
        "results": len(measured["results"]),
        **{f"{s}s": n for s, n in counts.items()},
    }


def measure(size: int, *, pyshacl_timeout: float = 1800.0, originals: list[tuple[str, bytes]] | None = None,
            work: Path | None = None) -> dict[str, Any]:
    """Build, convert and validate ``size`` scaled trials; every number of the table row as a dict.

    ``pyshacl_timeout``: seconds after which whole-graph pySHACL is stopped (0: not run at all).
    Returns ``trials``, ``build_seconds``, ``sparql`` and ``pyshacl`` (each None, or a dict of
    ``seconds``, ``records_per_s``, ``peak_rss_mb``, ``triples``, ``load_seconds``,
    ``check_seconds``, ``results``, ``violations``, ``warnings``, ``infos``), ``pyshacl_stopped``
    (it ran out of time), ``same_results`` (None unless both finished) and ``speedup``
    (pySHACL seconds over ours, None unless both finished).
    """
    if not SHARED.is_dir():
        raise FileNotFoundError(f"shared records not found at {SHARED} (set KG_SHARED_DATA)")
    records = originals if originals is not None else load_originals()
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        folder = Path(tmp)
        graph, built = build_graph(records, size, folder)
        ours = run_engine(graph, "sparql", float("inf"), folder)
        reference = run_engine(graph, "pyshacl", pyshacl_timeout, folder) if pyshacl_timeout > 0 else None
    same = None if ours is None or reference is None else ours["results"] == reference["results"]
    return {
        "trials": size,
        "build_seconds": built,
        "sparql": _summary(ours, size),
        "pyshacl": _summary(reference, size),
        "pyshacl_stopped": pyshacl_timeout > 0 and reference is None,
        "pyshacl_timeout": pyshacl_timeout,
        "same_results": same,
        "speedup": reference["seconds"] / ours["seconds"] if ours and reference else None,
    }


def _row(size: int, name: str, engine: dict[str, Any], same: str) -> str:
    load = f"{engine['load_seconds']:.1f} + {engine['check_seconds']:.1f}" if engine["load_seconds"] is not None else ""
    return (f"| {size:,} | {engine['triples']:,} | {name} | {engine['seconds']:.1f} | {load} | "
            f"{engine['records_per_s']:,.0f} | {engine['peak_rss_mb']:.0f} | {engine['violations']} | "
            f"{engine['warnings']} | {engine['infos']} | {same} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 20000])
    parser.add_argument("--pyshacl-timeout", type=float, default=1800.0,
                        help="seconds after which whole-graph pySHACL is stopped (default 1800; 0: not run)")
    parser.add_argument("--no-pyshacl", action="store_true", help="time only our validator")
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"shared records not found at {SHARED} (set KG_SHARED_DATA)")
    originals = load_originals()
    timeout = 0.0 if args.no_pyshacl else args.pyshacl_timeout
    print(f"# kg validate, N-Triples input, today {TODAY}; {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} cores; records scaled from {len(originals)} real records")
    print("| trials | triples | engine | seconds | load + checks s | records/s | peak RSS MB | violations | warnings "
          "| infos | same results |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for size in args.sizes:
        row = measure(size, pyshacl_timeout=timeout, originals=originals)
        print(f"<!-- {size} trials built and converted in {row['build_seconds']:.0f} s -->", file=sys.stderr)
        same = "" if row["same_results"] is None else ("yes" if row["same_results"] else "NO")
        for name, key in (("sparql (ours)", "sparql"), ("pyshacl whole graph", "pyshacl")):
            if row[key] is not None:
                print(_row(size, name, row[key], same), flush=True)
        if row["pyshacl_stopped"]:
            print(f"| {size:,} | | pyshacl whole graph | > {timeout:.0f} (stopped) | | < {size / timeout:.1f} "
                  "| | | | | |", flush=True)
        if row["speedup"] is not None:
            print(f"<!-- {size}: ours is {row['speedup']:.1f}x faster -->", flush=True)


if __name__ == "__main__":
    main()
