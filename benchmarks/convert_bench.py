"""Conversion throughput and memory at scale: records/s, triples/s, peak RSS.

Builds a bulk-download style ``.zip`` from the real shared records (API v2 JSON
and legacy XML), scaled up to the requested size by ``synthetic.py``, then
runs ``kg convert`` to N-Triples in a child process per size and reports what
it measured. Memory is the child's peak resident set size, so several sizes
side by side show whether memory stays flat as the record count grows.

Usage::

    python benchmarks/convert_bench.py               # 5,000 and 20,000 records
    python benchmarks/convert_bench.py --sizes 2000 20000 100000

Needs ``../shared/data`` (or ``KG_SHARED_DATA``); exits with a message if absent.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import SHARED, build_archive, load_originals

__all__ = ["build_archive", "convert_argv", "load_originals", "parse_convert_output", "run_convert"]


_CHILD = (
    "import resource, sys, time; from kg.convert import convert; t = time.perf_counter(); "
    "s = convert([sys.argv[1]], sys.argv[2], jobs=int(sys.argv[3])); "
    "print(s.converted, s.rejected, s.triples, time.perf_counter() - t, "
    "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)


def convert_argv(archive: Path, output: Path, jobs: int) -> list[str]:
    """The child command converting ``archive`` on ``jobs`` processes (also run by ``registry_bench.py``)."""
    return [sys.executable, "-c", _CHILD, str(archive), str(output), str(jobs)]


def parse_convert_output(stdout: str, output: Path) -> dict[str, float]:
    """The measurements printed by the ``convert_argv`` child, and the output file's size."""
    converted, rejected, triples, seconds, peak_kb = stdout.split()
    return {
        "converted": int(converted),
        "rejected": int(rejected),
        "triples": int(triples),
        "seconds": float(seconds),
        "peak_rss_mb": int(peak_kb) / 1024,
        "output_mb": output.stat().st_size / 1e6,
    }


def run_convert(archive: Path, output: Path, jobs: int) -> dict[str, float]:
    """Convert in a child process; its wall time, summary line and peak RSS (of the parent process)."""
    completed = subprocess.run(convert_argv(archive, output, jobs), capture_output=True, text=True, check=True)
    return parse_convert_output(completed.stdout, output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000])
    parser.add_argument("--jobs", type=int, nargs="+", default=sorted({1, os.cpu_count() or 1}),
                        help="worker process counts to compare (default: 1 and every core)")
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"shared records not found at {SHARED} (set KG_SHARED_DATA)")
    originals = load_originals()
    print(f"# kg convert -> N-Triples; {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} cores; {len(originals)} real records repeated with new NCT ids")
    print("| records | jobs | rejected | triples | seconds | records/s | triples/s | peak RSS MB | output MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            archive, output = Path(tmp) / f"records-{size}.zip", Path(tmp) / f"graph-{size}.nt"
            started = time.perf_counter()
            build_archive(originals, size, archive)
            build_seconds = time.perf_counter() - started
            for jobs in args.jobs:
                m = run_convert(archive, output, jobs)
                print(
                    f"| {m['converted']:,} | {jobs} | {m['rejected']} | {m['triples']:,} | {m['seconds']:.1f} | "
                    f"{m['converted'] / m['seconds']:,.0f} | {m['triples'] / m['seconds']:,.0f} | "
                    f"{m['peak_rss_mb']:.0f} | {m['output_mb']:.0f} |",
                    flush=True,
                )
                output.unlink()
            print(f"<!-- input archive built in {build_seconds:.1f} s -->", file=sys.stderr)


if __name__ == "__main__":
    main()
