"""Registry-scale benchmark: every stage of the toolkit at 20,000 to 560,000 trials, with baselines.

The registry our users work with holds about 560,000 studies. This harness makes record sets of the
requested sizes from the real shared records (``synthetic.py``: rewritten NCT ids, sponsors, people
and site facilities partly renamed so that their overlap between trials resembles the registry's),
then measures, for each size:

* ``convert``: ``kg convert`` to N-Triples on 1 to N cores (records/s, triples/s, peak memory,
  output size, and the speed-up over one core);
* ``validate``: the compiled SHACL engine over the converted N-Triples;
* ``load``: ``kg load`` of the records into a fresh embedded store;
* ``queries``: every library query on that store;
* ``networks``: every network of ``kg analyze`` built from that store, with its metrics.

Each measurement runs in a child process of its own; its wall time and peak resident memory are its
own (``bench_measure.py``). Baselines run in the same invocation on the same records (the first N of
the set, which are the same records at every size) and are bounded in time and memory:

* one rdflib ``Graph`` per record, serialised to N-Triples, against ``kg convert`` on one core;
* whole-graph pySHACL against our validator, results compared;
* rdflib's SPARQL engine on the store's N-Quads export against the store, for every library query.

Results go to ``benchmarks/RESULTS.md`` (tables, machine, versions, and where we stand against the
targets) and ``benchmarks/results.json``. A number that was not measured is reported as not run,
with the reason.

Usage::

    python benchmarks/registry_bench.py                                  # 10,000 trials, about 10 min
    python benchmarks/registry_bench.py --scales 20000 100000 560000     # the full run
    python benchmarks/registry_bench.py --scales 100000 --stages load,queries

Needs ``../shared/data`` (or ``KG_SHARED_DATA``); without it the run is skipped with a message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_measure import Measured, python_argv, run_measured
from bench_report import render_markdown
from synthetic import SHARED
from validate_bench import TODAY

__all__ = ["STAGES", "main"]

HERE = Path(__file__).resolve().parent

STAGES = ("convert", "validate", "load", "queries", "networks")
"""In the order they run: validation reads the converted file, which is removed before the store is
built (at 560,000 trials the N-Triples file and the store do not need to fit on disk together)."""

CHILDREN = HERE / "bench_children.py"
FIRST_NCT = "NCT90000000"
"""The NCT id ``synthetic.scaled_records`` gives the first record of every set (a real record)."""
Json = dict[str, Any]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _not_run(reason: str) -> Json:
    return {"status": "not run", "reason": reason}


def _dir_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


@dataclass
class Options:
    """The command line, typed."""

    scales: list[int]
    stages: list[str]
    workdir: Path
    jobs: list[int]
    baselines: bool
    rdflib_records: int
    rdflib_convert_timeout: float
    profile_records: int
    pyshacl_records: list[int]
    pyshacl_timeout: float
    rdflib_query_records: list[int]
    store_alone_records: list[int]
    rdflib_query_timeout: float
    baseline_memory_mb: float
    stage_memory_mb: float
    query_repeats: int
    query_timeout: float
    network_timeout: float
    kg_max: int
    kg_where: list[str]
    kg_max_statements: int
    today: str
    keep_files: bool
    output_dir: Path
    merge: bool


class Bench:
    """One run of the harness: the record sets in the work directory and everything measured.

    The harness itself only starts children and reads what they print: a child's ``ru_maxrss``
    starts at the harness's own peak (the kernel carries it across ``exec``), so the harness never
    loads records, graphs or results itself.
    """

    def __init__(self, options: Options) -> None:
        self.options = options
        self.work = options.workdir
        self.logs = self.work / "logs"
        self.cores = _cores()
        self.originals = 0
        self._generator = hashlib.sha256((HERE / "synthetic.py").read_bytes()).hexdigest()[:16]

    # -- record sets -------------------------------------------------------------------------

    def archive(self, count: int) -> tuple[Path, Json]:
        """The bulk ``.zip`` of ``count`` scaled records, generated once and reused while the generator is unchanged."""
        archive, sidecar = self.work / f"records-{count}.zip", self.work / f"records-{count}.json"
        if archive.is_file() and sidecar.is_file():
            info = json.loads(sidecar.read_text())
            if info.get("generator") == self._generator:
                self.originals = info["originals"]
                return archive, {**info, "reused": True}
        partial = archive.with_suffix(".zip.part")
        measured = self.measure(f"{count}-generate", python_argv(CHILDREN, "generate", count, partial))
        if not measured.ok:
            raise SystemExit(f"could not generate {count:,} records: {measured.error}")
        partial.replace(archive)
        self.originals = measured.last["originals"]
        info = {"records": count, "originals": self.originals, "generator": self._generator,
                "archive_mb": round(archive.stat().st_size / 1e6, 1), "generated_seconds": round(measured.seconds, 1)}
        sidecar.write_text(json.dumps(info))
        return archive, {**info, "reused": False}

    # -- measured children -------------------------------------------------------------------

    def measure(self, name: str, argv: list[str], *, timeout: float | None = None,
                memory_cap_mb: float | None = None) -> Measured:
        """Run one child, bounded by ``--stage-memory-gb`` unless a tighter (baseline) cap is given."""
        _log(f"{name} ...")
        cap = min(memory_cap_mb or self.options.stage_memory_mb, self.options.stage_memory_mb)
        # what the previous stage wrote (34 GB of N-Triples at 560,000 trials) is still being written back
        # for seconds after it ends; flushed here, untimed, so that it does not slow the next measurement
        os.sync()
        measured = run_measured(argv, log_dir=self.logs, name=name, timeout=timeout, memory_cap_mb=cap)
        _log(f"{name}: {measured.status}, {measured.seconds:.1f} s, peak {measured.peak_tree_mb:,.0f} MB"
             + (f" ({measured.error})" if measured.error else ""))
        return measured

    def convert(self, archive: Path, output: Path, jobs: int, name: str) -> Json:
        """``kg convert`` to N-Triples in a child (``convert_bench``'s child command).

        Rates are over the child's wall time, interpreter start included, as a user of ``kg convert``
        would see them; ``convert_seconds`` is the time inside ``convert()``.
        """
        from convert_bench import convert_argv, parse_convert_output

        measured = self.measure(name, convert_argv(archive, output, jobs))
        entry: Json = {"jobs": jobs, **measured.as_dict()}
        if measured.ok:
            result = parse_convert_output((self.logs / f"{name}.out").read_text(), output)
            entry.update(converted=result["converted"], rejected=result["rejected"], triples=result["triples"],
                         convert_seconds=round(result["seconds"], 3), output_mb=round(result["output_mb"], 1),
                         records_per_s=round(result["converted"] / measured.seconds, 1),
                         triples_per_s=round(result["triples"] / measured.seconds, 1))
        return entry

    def validate(self, graph: Path, engine: str, name: str, *, keep_results: bool = False,
                 timeout: float | None = None, memory_cap_mb: float | None = None) -> tuple[Json, Path | None]:
        """One validation engine over ``graph`` in a child; the file of its results when asked for."""
        results = self.work / f"{name}.results.pickle"
        scratch = self.work / "validate-scratch"
        scratch.mkdir(exist_ok=True)
        measured = self.measure(name, python_argv(CHILDREN, "validate", graph, engine, self.options.today,
                                                  results if keep_results else "-", scratch, self.cores),
                                timeout=timeout, memory_cap_mb=memory_cap_mb)
        _remove(scratch)
        entry: Json = {"engine": engine, **measured.as_dict()}
        if measured.ok:
            result = measured.last
            entry.update(triples=result["triples"], validate_seconds=round(result["seconds"], 3),
                         violations=result["violations"], warnings=result["warnings"], infos=result["infos"],
                         **{k: round(result[k], 3) for k in ("reading_seconds", "checking_seconds") if k in result})
            return entry, results if keep_results else None
        _remove(results)
        return entry, None

    def load(self, archive: Path, store: Path, name: str) -> Json:
        _remove(store)
        _remove(store.with_suffix(".json"))
        measured = self.measure(name, python_argv(CHILDREN, "load", archive, store, self.cores))
        entry: Json = measured.as_dict()
        if measured.ok:
            result = measured.last
            entry.update(trials=result["trials"], quads=result["quads"], rejected=result["rejected"],
                         jobs=result["jobs"],
                         store_mb=round(_dir_mb(store), 1),
                         trials_per_s=round(result["trials"] / measured.seconds, 1),
                         quads_per_s=round(result["quads"] / measured.seconds, 1))
            store.with_suffix(".json").write_text(json.dumps({**entry, "measured_at": _now()}))
        return entry

    def query_set(self, store: Path, count: int) -> tuple[Path, Json]:
        """The library queries with parameters picked from this store (``bench_children.params``)."""
        spec = self.work / f"queries-{count}.json"
        measured = self.measure(f"{count}-params", python_argv(CHILDREN, "params", store, spec, FIRST_NCT,
                                                               self.options.today))
        if not measured.ok:
            raise SystemExit(f"could not pick query parameters from the store of {count:,}: {measured.error}")
        picked = json.loads(spec.read_text(encoding="utf-8"))
        return spec, {"params": picked["params"], "picked": picked["picked"],
                      "picked_seconds": round(measured.seconds, 1)}

    def run_queries(self, store: Path, count: int, label: str) -> Json:
        """Every library query in a fresh process of its own on the store."""
        spec, info = self.query_set(store, count)
        folder = self.work / "queries"
        folder.mkdir(exist_ok=True)
        runs = []
        for name, text in json.loads(spec.read_text(encoding="utf-8"))["queries"]:
            text_file = folder / f"{name}.rq"
            text_file.write_text(text, encoding="utf-8")
            measured = self.measure(f"{label}-query-{name}",
                                    python_argv(CHILDREN, "query", store, name, text_file, self.options.query_repeats),
                                    timeout=self.options.query_timeout)
            entry: Json = {"name": name, **measured.as_dict()}
            if measured.ok:
                result = measured.last
                entry.update(rows=result["rows"], first=round(result["first"], 4), best=round(result["best"], 4),
                             runs=result["runs"], open_seconds=round(result["open_seconds"], 3))
            runs.append(entry)
        return {"status": "ok" if all(r["status"] == "ok" for r in runs) else "failed", "runs": runs,
                "repeats": self.options.query_repeats, **info, "measured_at": _now()}

    def ensure_store(self, count: int, archive: Path, *, reload: bool) -> tuple[Path, Json]:
        """The store of ``count`` trials: loaded now (measured) or reused from an earlier complete load."""
        store = self.work / f"store-{count}"
        marker = store.with_suffix(".json")
        if not reload and marker.is_file() and store.is_dir():
            return store, {**json.loads(marker.read_text()), "reused": True}
        return store, self.load(archive, store, f"{count}-load")

    # -- stages of one scale -----------------------------------------------------------------

    def run_scale(self, count: int) -> Json:
        options = self.options
        archive, records = self.archive(count)
        out: Json = {"records": records}
        graph = self.work / f"graph-{count}.nt"
        selected = set(options.stages)

        if "convert" in selected:
            runs = [self.convert(archive, graph, jobs, f"{count}-convert-j{jobs}") for jobs in options.jobs]
            out["convert"] = {"status": "ok" if all(r["status"] == "ok" for r in runs) else "failed",
                              "runs": runs, "measured_at": _now()}
        if "validate" in selected:
            prepared: Json | None = None
            if not graph.is_file():
                prepared = self.convert(archive, graph, self.cores, f"{count}-convert-for-validate")
            if graph.is_file():
                entry, _ = self.validate(graph, "sparql", f"{count}-validate")
                out["validate"] = {**entry, "measured_at": _now(),
                                   **({"prepared_by": prepared} if prepared else {})}
            else:
                out["validate"] = _not_run("the records could not be converted (see convert)")
        if not options.keep_files:
            _remove(graph)

        store: Path | None = None
        if "load" in selected:
            store, entry = self.ensure_store(count, archive, reload=True)
            out["load"] = {**entry, "measured_at": _now()}
            if entry["status"] != "ok":
                store = None
        wants_store = [s for s in ("queries", "networks") if s in selected]
        if wants_store and store is None and "load" not in selected:
            store, entry = self.ensure_store(count, archive, reload=False)
            out["store"] = entry
            if entry["status"] != "ok":
                store = None
        for stage in wants_store:
            if store is None:
                out[stage] = _not_run("no store: the load failed")
            elif stage == "queries":
                out["queries"] = self.run_queries(store, count, str(count))
            else:
                runs = self.run_networks(store, count)
                out["networks"] = {"status": "failed" if any(r["status"] not in ("ok", "not run") for r in runs)
                                   else "ok", "runs": runs, "measured_at": _now()}
        if store is not None and "load" in out and count in options.store_alone_records:
            out["load"]["store_alone"] = self.store_alone(store, count)
        if store is not None and not self.wanted_by_baselines(count):
            self.drop_store(store)
        for stage in STAGES:
            out.setdefault(stage, _not_run("stage not selected (--stages)"))
        return out

    def wanted_by_baselines(self, count: int) -> bool:
        """Whether the rdflib query baseline will run on this scale's store (so it is kept until then)."""
        options = self.options
        return options.baselines and "queries" in options.stages and count in options.rdflib_query_records

    def store_alone(self, store: Path, count: int) -> Json:
        """The floor under ``kg load``: the loaded store's quads (each once, as ``kg export`` writes them)
        bulk-loaded from a file into a fresh store and compacted, with nothing of ours running."""
        nquads, fresh = self.work / f"store-alone-{count}.nq", self.work / f"store-alone-{count}"
        _remove(fresh)
        try:
            exported = self.measure(f"{count}-store-alone-export", python_argv(CHILDREN, "export", store, nquads))
            if not exported.ok:
                return _not_run(f"the store could not be exported: {exported.error}")
            measured = self.measure(f"{count}-store-alone", python_argv(CHILDREN, "bulk-load", nquads, fresh))
            entry: Json = {**measured.as_dict(), "export_seconds": round(exported.seconds, 1),
                           "nquads_mb": round(nquads.stat().st_size / 1e6, 1)}
            if measured.ok:
                result = measured.last
                entry.update(quads=result["quads"], bulk_load_seconds=round(result["bulk_load_seconds"], 3),
                             optimize_seconds=round(result["optimize_seconds"], 3),
                             store_seconds=round(result["seconds"], 3))
            return entry
        finally:
            _remove(nquads)
            _remove(fresh)

    def drop_store(self, store: Path) -> None:
        """Free the disk (about 80 KB a trial) unless ``--keep-files``; a later run then loads the store again."""
        if not self.options.keep_files:
            _remove(store)
            _remove(store.with_suffix(".json"))

    def run_networks(self, store: Path, count: int) -> list[Json]:
        from analysis_bench import NETWORKS, network_argv

        runs = []
        for network in NETWORKS:
            # the whole knowledge graph of a large registry does not fit networkx (kg analyze refuses it):
            # above --kg-max trials it is measured on the selection a user would take, --kg-where
            where = self.options.kg_where if network == "knowledge-graph" and count > self.options.kg_max else []
            argv = network_argv(store, network, where, self.options.kg_max_statements)
            measured = self.measure(f"{count}-network-{network}", argv, timeout=self.options.network_timeout)
            label = f"{network} (where {' '.join(where)})" if where else network
            entry: Json = {"network": label, **measured.as_dict()}
            if network == "knowledge-graph":
                entry["max_statements"] = self.options.kg_max_statements
            if measured.ok:
                result = measured.last
                entry.update(nodes=result["nodes"], edges=result["edges"], build=round(result["build"], 3),
                             metrics=round(result["metrics"], 3), betweenness=result["betweenness"],
                             communities=result["communities"])
            runs.append(entry)
        return runs

    # -- where the time goes ------------------------------------------------------------------

    def run_profile(self) -> Json:
        """Conversion's time per phase on one core, over the first ``--profile-records`` records.

        The conversion targets are missed or met by time per record; this says which layer spends
        it (unzip, syntax, record model, mapping, encoding, writing), measured as each phase alone.
        """
        count = self.options.profile_records
        if "convert" not in self.options.stages:
            return _not_run("convert stage not selected")
        if count == 0:
            return _not_run("turned off (--profile-records 0)")
        archive, _ = self.archive(count)
        output = self.work / f"profile-{count}.nt"
        measured = self.measure(f"profile-{count}", python_argv(CHILDREN, "profile", archive, output, count))
        _remove(output)
        if not measured.ok:
            return {"records": count, **measured.as_dict()}
        last = measured.last
        return {"records": last["records"], "triples": last["triples"],
                "seconds": {k: round(v, 4) for k, v in last["seconds"].items()}, "status": "ok",
                "peak_tree_mb": measured.peak_tree_mb, "measured_at": _now()}

    # -- baselines ---------------------------------------------------------------------------

    def baseline_convert(self) -> Json:
        """rdflib Graph per record on the first N records, against ``kg convert`` on one core, same records."""
        options = self.options
        count = options.rdflib_records
        archive, records = self.archive(count)
        output = self.work / f"baseline-{count}.nt"
        ours = self.convert(archive, output, 1, f"baseline-{count}-convert-j1")
        _remove(output)
        measured = self.measure(f"baseline-{count}-rdflib-per-record",
                                python_argv(CHILDREN, "rdflib-per-record", archive, output, count),
                                timeout=options.rdflib_convert_timeout, memory_cap_mb=options.baseline_memory_mb)
        _remove(output)
        theirs: Json = measured.as_dict()
        progress = measured.last
        if progress.get("records"):
            theirs.update(records=progress["records"], triples=progress["triples"],
                          rdflib_seconds=round(progress["seconds"], 3),
                          excluded_seconds=round(progress["excluded_seconds"], 3),
                          records_per_s=round(progress["records"] / progress["seconds"], 2),
                          complete=bool(progress.get("done")))
        out: Json = {"records": count, "archive": records, "ours": ours, "rdflib": theirs, "measured_at": _now()}
        if ours.get("convert_seconds") and theirs.get("records_per_s"):
            # Both rates in-process: the baseline's child does not count its interpreter start either.
            ours["records_per_s_in_process"] = round(ours["converted"] / ours["convert_seconds"], 2)
            out["speedup"] = round(ours["records_per_s_in_process"] / theirs["records_per_s"], 2)
        return out

    def baseline_pyshacl(self, count: int) -> Json:
        """Whole-graph pySHACL and our validator on the same N-Triples of the first ``count`` trials."""
        options = self.options
        archive, _ = self.archive(count)
        graph = self.work / f"baseline-{count}.nt"
        prepared = self.convert(archive, graph, self.cores, f"baseline-{count}-convert")
        if prepared["status"] != "ok":
            return {"records": count, **_not_run("the records could not be converted")}
        ours, our_results = self.validate(graph, "sparql", f"baseline-{count}-validate-sparql", keep_results=True)
        theirs, their_results = self.validate(graph, "pyshacl", f"baseline-{count}-validate-pyshacl",
                                              keep_results=True, timeout=options.pyshacl_timeout,
                                              memory_cap_mb=options.baseline_memory_mb)
        _remove(graph)
        out: Json = {"records": count, "triples_in_file": prepared.get("triples"), "ours": ours, "pyshacl": theirs,
                     "measured_at": _now()}
        if our_results is not None and their_results is not None:
            compared = self.measure(f"baseline-{count}-compare",
                                    python_argv(CHILDREN, "compare", our_results, their_results))
            if compared.ok:
                out["comparison"] = {k: v for k, v in compared.last.items() if k != "done"}
                out["same_results"] = compared.last["same"]
            out["speedup"] = round(theirs["seconds"] / ours["seconds"], 2)
        elif our_results is not None and theirs["status"] in ("timeout", "memory"):
            out["speedup_at_least"] = round(theirs["seconds"] / ours["seconds"], 2)
        for path in (our_results, their_results):
            if path is not None:
                _remove(path)
        return out

    def baseline_queries(self, count: int, scale_queries: Json | None) -> Json:
        """rdflib SPARQL over the N-Quads export of a store of ``count`` trials, against the store itself."""
        options = self.options
        archive, _ = self.archive(count)
        # A scale of this run has its store already; a sample store is loaded afresh, as the code may have changed.
        store, load = self.ensure_store(count, archive, reload=scale_queries is None)
        if load["status"] != "ok":
            self.drop_store(store)
            return {"records": count, **_not_run("the store could not be loaded")}
        ours = scale_queries if scale_queries is not None else self.run_queries(store, count, f"baseline-{count}")
        nquads = self.work / f"baseline-{count}.nq"
        exported = self.measure(f"baseline-{count}-export", python_argv(CHILDREN, "export", store, nquads))
        self.drop_store(store)
        if not exported.ok:
            return {"records": count, "ours": ours, **_not_run(f"the store could not be exported: {exported.error}")}
        spec = self.work / f"queries-{count}.json"
        measured = self.measure(f"baseline-{count}-rdflib-sparql",
                                python_argv(CHILDREN, "rdflib-queries", nquads, spec),
                                timeout=options.rdflib_query_timeout, memory_cap_mb=options.baseline_memory_mb)
        nquads_mb = round(nquads.stat().st_size / 1e6, 1)
        _remove(nquads)
        parse = next((line for line in measured.lines if line.get("name") == "parse"), None)
        answered = {line["name"]: line for line in measured.lines if line.get("name") not in (None, "parse")}
        return {"records": count, "nquads_mb": nquads_mb, "ours": ours["runs"], "params": ours.get("params"),
                "rdflib": measured.as_dict(),
                "parse": parse, "answers": answered, "measured_at": _now()}

    def run_baselines(self, scales: dict[str, Json]) -> Json:
        options = self.options
        selected = set(options.stages)
        out: Json = {}
        if not options.baselines:
            reason = "baselines turned off (--no-baselines)"
            return {"rdflib_per_record": _not_run(reason), "pyshacl": _not_run(reason),
                    "rdflib_sparql": _not_run(reason)}
        out["rdflib_per_record"] = self.baseline_convert() if "convert" in selected else _not_run(
            "convert stage not selected")
        out["pyshacl"] = [self.baseline_pyshacl(n) for n in options.pyshacl_records] if "validate" in selected \
            else _not_run("validate stage not selected")
        if "queries" in selected:
            runs = []
            for n in options.rdflib_query_records:
                at_scale = scales.get(str(n), {}).get("queries", {})
                runs.append(self.baseline_queries(n, at_scale if at_scale.get("runs") else None))
            out["rdflib_sparql"] = runs
        else:
            out["rdflib_sparql"] = _not_run("queries stage not selected")
        return out


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def machine() -> Json:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return {"cpu": cpu, "cores": _cores(), "cpu_count": os.cpu_count(), "ram_gb": round(ram_gb, 1),
            "os": platform.platform(), "python": platform.python_version()}


def versions() -> Json:
    found = {}
    for name in ("ctkg", "pyoxigraph", "rdflib", "pyshacl", "networkx"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def _parse_args(argv: list[str] | None) -> Options:
    cores = _cores()
    ram_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**2
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[10000],
                        help="record counts to measure at (default 10000, about 10 minutes on 2 cores; "
                             "the full run: 20000 100000 560000)")
    parser.add_argument("--stages", default=",".join(STAGES),
                        help=f"comma-separated stages to run (default all: {','.join(STAGES)})")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kg-registry-bench",
                        help="cache of record sets and stores, reused by later runs (default: %(default)s)")
    parser.add_argument("--jobs", type=int, nargs="+", default=list(range(1, cores + 1)),
                        help="worker counts for conversion (default: 1 to every core)")
    parser.add_argument("--no-baselines", dest="baselines", action="store_false", help="skip every baseline")
    parser.add_argument("--rdflib-records", type=int, default=1000,
                        help="records of the rdflib-Graph-per-record baseline (default 1000; its rate is "
                             "extrapolated to each scale)")
    parser.add_argument("--rdflib-convert-timeout", type=float, default=300.0,
                        help="seconds the rdflib-Graph-per-record baseline may run (default 300)")
    parser.add_argument("--profile-records", type=int, default=5000,
                        help="records on which conversion's time is split by phase, one core (default 5000; "
                             "0 skips it)")
    parser.add_argument("--pyshacl-records", type=int, nargs="+", default=[100],
                        help="trial counts at which whole-graph pySHACL is compared with our validator "
                             "(default 100; on 2 cores it needs about 2 minutes for 100, 5 for 200, 10 for 500)")
    parser.add_argument("--pyshacl-timeout", type=float, default=600.0,
                        help="seconds each pySHACL run may take (default 600)")
    parser.add_argument("--rdflib-query-records", type=int, nargs="+", default=[500],
                        help="trial counts at which rdflib's SPARQL runs the library queries (default 500)")
    parser.add_argument("--store-alone-records", type=int, nargs="*", default=[10000, 20000, 100000],
                        help="trial counts at which the store alone is measured after the load: its quads "
                             "exported and bulk-loaded from that file into a fresh store, the floor under "
                             "kg load (default 10000 20000 100000; needs the disk of a second store; "
                             "give no value to skip)")
    parser.add_argument("--rdflib-query-timeout", type=float, default=300.0,
                        help="seconds rdflib may take to parse and answer all queries (default 300)")
    parser.add_argument("--baseline-memory-gb", type=float, default=round(min(8.0, 0.4 * ram_mb / 1024), 1),
                        help="a baseline using more resident memory is stopped (default: 40%% of RAM, at most 8)")
    parser.add_argument("--stage-memory-gb", type=float, default=round(0.8 * ram_mb / 1024, 1),
                        help="any stage using more resident memory is stopped, so that a run at a scale the "
                             "machine cannot hold fails alone (default: 80%% of RAM)")
    parser.add_argument("--query-repeats", type=int, default=3,
                        help="runs of each query in its process: the first, and the best of all (default 3)")
    parser.add_argument("--query-timeout", type=float, default=600.0, help="seconds per query process (default 600)")
    parser.add_argument("--network-timeout", type=float, default=1800.0,
                        help="seconds per network build and its metrics (default 1800)")
    parser.add_argument("--kg-max", type=int, default=1000,
                        help="largest scale at which the knowledge-graph network is built of every trial "
                             "(default 1000); above it, of the trials --kg-where selects")
    parser.add_argument("--kg-where", nargs="+", default=["start>=2024"], metavar="FILTER",
                        help="the selection of the knowledge graph above --kg-max, as kg analyze --where "
                             "(default start>=2024: 3,916 of 100,000 trials)")
    parser.add_argument("--kg-max-statements", type=int, default=5_000_000,
                        help="the knowledge graph's size limit, as kg analyze --max-statements (default "
                             "5,000,000, about 6.5 GB in networkx): the --kg-where selection of the whole "
                             "registry has about 3.5 million statements, above kg analyze's default")
    parser.add_argument("--today", default=TODAY,
                        help=f"reference date of stale-record rules and queries (default {TODAY}, as validate_bench)")
    parser.add_argument("--keep-files", action="store_true",
                        help="keep the converted N-Triples (~60 KB a trial) and the stores (~80 KB a trial) in the "
                             "work directory, so that queries and networks can be rerun alone without a new load")
    parser.add_argument("--output-dir", type=Path, default=HERE, help="where RESULTS.md and results.json go")
    parser.add_argument("--merge", action="store_true",
                        help="keep the measurements of an earlier results.json for the scales and stages "
                             "not run now (same machine only)")
    args = parser.parse_args(argv)
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        parser.error(f"unknown stage(s) {', '.join(unknown)}; choose from {', '.join(STAGES)}")
    if any(n < 1 for n in [*args.scales, *args.jobs, *args.pyshacl_records, *args.rdflib_query_records,
                          *args.store_alone_records]):
        parser.error("scales, jobs and record counts must be positive")
    if args.profile_records < 0:
        parser.error("--profile-records must be 0 or more")
    return Options(scales=args.scales, stages=[s for s in STAGES if s in stages], workdir=args.workdir.resolve(),
                   jobs=args.jobs, baselines=args.baselines, rdflib_records=args.rdflib_records,
                   rdflib_convert_timeout=args.rdflib_convert_timeout, profile_records=args.profile_records,
                   pyshacl_records=args.pyshacl_records,
                   pyshacl_timeout=args.pyshacl_timeout, rdflib_query_records=args.rdflib_query_records,
                   store_alone_records=args.store_alone_records,
                   rdflib_query_timeout=args.rdflib_query_timeout,
                   baseline_memory_mb=args.baseline_memory_gb * 1024,
                   stage_memory_mb=args.stage_memory_gb * 1024, query_repeats=args.query_repeats,
                   query_timeout=args.query_timeout, network_timeout=args.network_timeout,
                   kg_max=args.kg_max, kg_where=args.kg_where, kg_max_statements=args.kg_max_statements,
                   today=args.today, keep_files=args.keep_files, output_dir=args.output_dir, merge=args.merge)


def _merge(previous: Json, current: Json) -> Json:
    """Current measurements over earlier ones: a stage not run now keeps its earlier result."""
    merged = {**current, "scales": dict(previous.get("scales", {}))}
    for scale, stages in current["scales"].items():
        kept = dict(merged["scales"].get(scale, {}))
        for stage, entry in stages.items():
            if entry.get("status") != "not run" or stage not in kept:
                kept[stage] = entry
        merged["scales"][scale] = kept
    baselines = dict(previous.get("baselines", {}))
    for name, entry in current.get("baselines", {}).items():
        if not (isinstance(entry, dict) and entry.get("status") == "not run" and name in baselines):
            baselines[name] = entry
    merged["baselines"] = baselines
    if current.get("profile", {}).get("status") == "not run" and "profile" in previous:
        merged["profile"] = previous["profile"]
    earlier = previous.get("merged_runs") or (
        [{"generated": previous["merged_from"]}] if previous.get("merged_from") else [])
    merged["merged_runs"] = [*earlier, {k: previous[k] for k in ("generated", "command", "elapsed_seconds", "code")
                                        if k in previous}]
    merged["merged_from"] = previous.get("generated")
    return merged


def code_version() -> str | None:
    """The commit of the checkout being measured ("-modified" when ``kg/`` differs from it); None outside git.

    Runs merged into one report may have measured different code: each keeps its own.
    """
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(HERE.parent), *args], capture_output=True, text=True,
                              check=True).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        modified = bool(git("status", "--porcelain", "--", "kg"))
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("-modified" if modified else "")


def main(argv: list[str] | None = None) -> int:
    options = _parse_args(argv)
    if not SHARED.is_dir():
        print(f"registry benchmark skipped: the shared records are not at {SHARED} "
              f"(set KG_SHARED_DATA to their folder)", file=sys.stderr)
        return 0
    options.workdir.mkdir(parents=True, exist_ok=True)
    bench = Bench(options)
    started = time.perf_counter()
    command = "python benchmarks/registry_bench.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    _log(f"work directory {options.workdir}; stages {','.join(options.stages)}; scales "
         f"{', '.join(f'{s:,}' for s in options.scales)}")
    results: Json = {
        "generated": _now(), "command": command.strip(), "complete": False, "elapsed_seconds": 0.0,
        "code": code_version(), "machine": machine(), "versions": versions(),
        "options": {**{k: v for k, v in vars(options).items() if k not in ("workdir", "output_dir")},
                    "baseline_memory_mb": round(options.baseline_memory_mb),
                    "stage_memory_mb": round(options.stage_memory_mb)},
        "originals": 0, "scales": {}, "profile": _not_run("not run yet"), "baselines": {},
    }
    options.output_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = options.output_dir / "results.json", options.output_dir / "RESULTS.md"
    previous: Json | None = None
    if options.merge and json_path.is_file():
        previous = json.loads(json_path.read_text(encoding="utf-8"))
        if (previous.get("machine", {}).get("cpu"), previous.get("machine", {}).get("cores")) != \
                (results["machine"]["cpu"], results["machine"]["cores"]):
            print("--merge: the earlier results were measured on another machine; not merged", file=sys.stderr)
            previous = None

    def save(complete: bool) -> None:
        """Written after every scale, so a long run that is stopped still leaves what it measured."""
        results["complete"] = complete
        results["originals"] = bench.originals
        results["harness_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        results["elapsed_seconds"] = round(time.perf_counter() - started, 1)
        report = _merge(previous, results) if previous else results
        _write(json_path, json.dumps(report, indent=1) + "\n")
        _write(md_path, render_markdown(report))

    for count in options.scales:
        results["scales"][str(count)] = bench.run_scale(count)
        save(complete=False)
    results["profile"] = bench.run_profile()
    results["baselines"] = bench.run_baselines(results["scales"])
    save(complete=True)
    _log(f"done in {time.perf_counter() - started:.0f} s: wrote {md_path} and {json_path}")
    return 0


def _write(path: Path, text: str) -> None:
    """Atomically: a report is either the old one or the new one, never half of each."""
    partial = path.with_name(path.name + ".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


if __name__ == "__main__":
    sys.exit(main())
