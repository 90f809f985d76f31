"""``benchmarks/RESULTS.md`` from the measurements of ``registry_bench.py`` (its ``results.json``).

The Markdown is made from the JSON alone, so a merged or hand-inspected ``results.json`` renders
the same way. Every cell is a measured number or says why there is none: a target whose scale or
stage was not run is "not run" with the reason, never estimated. The one extrapolation, the
rdflib-Graph-per-record baseline's time at a full scale, is labelled as such.
"""

from __future__ import annotations

from typing import Any

__all__ = ["render_markdown", "targets"]

Json = dict[str, Any]

REGISTRY, QUERY_SCALE = 560_000, 100_000
CONVERT_MAX_S, CONVERT_MAX_MB, LOAD_MAX_S, QUERY_MAX_S = 300.0, 1024.0, 600.0, 1.0
CONVERT_SPEEDUP, VALIDATE_SPEEDUP = 10.0, 20.0


def _secs(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 120:
        minutes, seconds = divmod(round(value), 60)
        return f"{minutes} min {seconds:02d} s"
    return f"{value:.1f} s" if value >= 10 else f"{value:.2f} s" if value >= 0.1 else f"{value:.3f} s"


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _why(entry: Json) -> str:
    """The reason a measurement is missing or incomplete, for a table cell."""
    status = entry.get("status", "not run")
    if status == "not run":
        return f"not run: {entry.get('reason', '')}"
    if status == "timeout":
        return f"stopped: time limit ({entry.get('error', '')})"
    if status == "memory":
        return f"stopped: memory limit ({entry.get('error', '')})"
    if status == "failed":
        return f"failed: {entry.get('error', '')}"
    return status


def _table(header: list[str], rows: list[list[str]], align: str | None = None) -> list[str]:
    align = align or "|".join("---:" if i else "---" for i in range(len(header)))
    lines = ["| " + " | ".join(header) + " |", "|" + align + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _scale(results: Json, count: int) -> Json | None:
    return results.get("scales", {}).get(str(count))


def _target(target: str, status: str, measured: str) -> Json:
    return {"target": target, "status": status, "measured": measured}


def _largest_other(results: Json, stage: str, describe: Any) -> str:
    """Context for a target not run at its scale: the largest scale where the stage was measured."""
    for key in sorted(results.get("scales", {}), key=int, reverse=True):
        entry = results["scales"][key].get(stage, {})
        text = describe(int(key), entry)
        if text:
            return f"; for comparison, measured at {int(key):,}: {text}"
    return ""


def _convert_run(entry: Json, jobs: int) -> Json | None:
    return next((r for r in entry.get("runs", []) if r.get("jobs") == jobs), None)


def _convert_targets(results: Json) -> list[Json]:
    speed = f"convert {REGISTRY:,} records to N-Triples in ≤ 5 min on 2 cores"
    memory = "peak memory of that conversion ≤ 1 GB (all processes)"

    def describe(count: int, entry: Json) -> str:
        run = _convert_run(entry, 2)
        if not run or run.get("status") != "ok":
            return ""
        return (f"{_secs(run['seconds'])} on 2 jobs ({_num(run.get('records_per_s'))} records/s), "
                f"peak {_mb(run['peak_tree_mb'])} MB")

    scale = _scale(results, REGISTRY)
    if scale is None:
        reason = f"not run: {REGISTRY:,} not among the measured scales (--scales)" + \
            _largest_other(results, "convert", describe)
        return [_target(speed, "not run", reason), _target(memory, "not run", reason)]
    entry = scale.get("convert", {})
    if entry.get("status") == "not run":
        return [_target(speed, "not run", _why(entry)), _target(memory, "not run", _why(entry))]
    run = _convert_run(entry, 2)
    if run is None:
        reason = "not run: no conversion with 2 jobs (--jobs, or the machine has fewer than 2 cores)"
        return [_target(speed, "not run", reason), _target(memory, "not run", reason)]
    if run["status"] != "ok":
        return [_target(speed, "not met", _why(run)), _target(memory, "not met", _why(run))]
    return [
        _target(speed, "met" if run["seconds"] <= CONVERT_MAX_S else "not met",
                f"{_secs(run['seconds'])} ({_num(run.get('records_per_s'))} records/s, "
                f"{_num(run.get('triples_per_s'))} triples/s)"),
        _target(memory, "met" if run["peak_tree_mb"] <= CONVERT_MAX_MB else "not met",
                f"{_mb(run['peak_tree_mb'])} MB all processes (largest process {_mb(run['peak_rss_mb'])} MB)"),
    ]


def _load_target(results: Json) -> Json:
    target = f"load {REGISTRY:,} records into the embedded store in ≤ 10 min"

    def describe(count: int, entry: Json) -> str:
        if entry.get("status") != "ok":
            return ""
        return f"{_secs(entry['seconds'])} ({_num(entry.get('trials_per_s'))} trials/s)"

    scale = _scale(results, REGISTRY)
    if scale is None:
        return _target(target, "not run", f"not run: {REGISTRY:,} not among the measured scales (--scales)"
                       + _largest_other(results, "load", describe))
    entry = scale.get("load", {})
    if entry.get("status") != "ok":
        return _target(target, "not run" if entry.get("status") == "not run" else "not met", _why(entry))
    return _target(target, "met" if entry["seconds"] <= LOAD_MAX_S else "not met",
                   f"{_secs(entry['seconds'])} ({_num(entry.get('trials_per_s'))} trials/s, "
                   f"{_num(entry.get('quads'))} quads)")


def _query_target(results: Json) -> Json:
    target = f"every library query ≤ 1 s at {QUERY_SCALE:,} trials"

    def describe(count: int, entry: Json) -> str:
        runs = [r for r in entry.get("runs", []) if r.get("status") == "ok"]
        if not runs:
            return ""
        slowest = max(runs, key=lambda r: r["first"])
        return f"slowest {slowest['name']} {_secs(slowest['first'])}"

    scale = _scale(results, QUERY_SCALE)
    if scale is None:
        return _target(target, "not run", f"not run: {QUERY_SCALE:,} not among the measured scales (--scales)"
                       + _largest_other(results, "queries", describe))
    entry = scale.get("queries", {})
    if entry.get("status") == "not run":
        return _target(target, "not run", _why(entry))
    runs = entry.get("runs", [])
    broken = [r for r in runs if r.get("status") != "ok"]
    slow = [r for r in runs if r.get("status") == "ok" and r["first"] > QUERY_MAX_S]
    done = [r for r in runs if r.get("status") == "ok"]
    parts = []
    if done:
        slowest = max(done, key=lambda r: r["first"])
        parts.append(f"slowest {slowest['name']} {_secs(slowest['first'])} (first run)")
    if slow:
        parts.append("over 1 s: " + ", ".join(f"{r['name']} {_secs(r['first'])}" for r in slow))
    if broken:
        parts.append("no answer: " + ", ".join(f"{r['name']} ({_why(r)})" for r in broken))
    return _target(target, "met" if not slow and not broken and done else "not met", "; ".join(parts))


def _all_cores_ratio(results: Json, rate: float) -> str:
    """kg convert on its most jobs at the largest scale against the baseline's one-core rate there."""
    for key in sorted(results.get("scales", {}), key=int, reverse=True):
        runs = [r for r in results["scales"][key].get("convert", {}).get("runs", []) if r["status"] == "ok"]
        if runs:
            most = max(runs, key=lambda r: r["jobs"])
            if most["jobs"] > 1:
                return (f"; with {most['jobs']} jobs at {int(key):,} records, "
                        f"{int(key) / rate / most['convert_seconds']:.1f}× the baseline's (extrapolated) time")
            return ""
    return ""


def _baseline_targets(results: Json) -> list[Json]:
    baselines = results.get("baselines", {})
    convert_target = f"conversion ≥ {CONVERT_SPEEDUP:.0f}× faster than the rdflib-Graph-per-record baseline"
    entry = baselines.get("rdflib_per_record", {"status": "not run", "reason": "baselines not run yet"})
    if entry.get("status") == "not run":
        out = [_target(convert_target, "not run", _why(entry))]
    elif "speedup" in entry:
        ours, theirs = entry["ours"], entry["rdflib"]
        note = "" if theirs.get("complete") else \
            f"; rdflib's rate from the {theirs['records']:,} records it did before being stopped ({_why(theirs)})"
        out = [_target(convert_target, "met" if entry["speedup"] >= CONVERT_SPEEDUP else "not met",
                       f"{entry['speedup']:.1f}× on the first {entry['records']:,} records, one core each "
                       f"({_num(ours['records_per_s_in_process'])} vs {_num(theirs['records_per_s'], 1)} "
                       f"records/s, in-process){note}{_all_cores_ratio(results, theirs['records_per_s'])}")]
    else:
        failed = entry.get("rdflib", {}) if not entry.get("rdflib", {}).get("records") else entry.get("ours", {})
        out = [_target(convert_target, "not run", _why(failed))]

    validate_target = f"validation ≥ {VALIDATE_SPEEDUP:.0f}× faster than whole-graph pySHACL, same results"
    runs = baselines.get("pyshacl", {"status": "not run", "reason": "baselines not run yet"})
    if isinstance(runs, dict):
        out.append(_target(validate_target, "not run", _why(runs)))
        return out
    compared = [r for r in runs if "speedup" in r]
    bounded = [r for r in runs if "speedup_at_least" in r]
    if compared:
        best = max(compared, key=lambda r: r["records"])
        same = best["same_results"]
        status = "met" if best["speedup"] >= VALIDATE_SPEEDUP and same else "not met"
        out.append(_target(validate_target, status,
                           f"{best['speedup']:.1f}× at {best['records']:,} trials "
                           f"({_secs(best['ours']['seconds'])} vs {_secs(best['pyshacl']['seconds'])}); "
                           f"same results: {'yes' if same else 'NO'}"))
    elif bounded:
        best = max(bounded, key=lambda r: r["records"])
        out.append(_target(validate_target, "unverified",
                           f"at least {best['speedup_at_least']:.1f}× at {best['records']:,} trials (pySHACL "
                           f"{_why(best['pyshacl'])}); results not compared"))
    else:
        reasons = "; ".join(f"{r['records']:,}: {_why(r.get('pyshacl', r))}" for r in runs) or "no sizes given"
        out.append(_target(validate_target, "not run", reasons))
    return out


def targets(results: Json) -> list[Json]:
    """Where the measurements stand against each target of the registry-scale issue."""
    return [*_convert_targets(results), _load_target(results), _query_target(results),
            *_baseline_targets(results)]


# -- sections ----------------------------------------------------------------------------------


def _code(run: Json) -> str:
    """", code abc1234" for a run that recorded the commit it measured; nothing for older results."""
    return f", code {run['code']}" if run.get("code") else ""


def _header(results: Json) -> list[str]:
    m, v = results["machine"], results["versions"]
    state = "" if results.get("complete") else \
        "\n**Incomplete run**: the harness was still running or was stopped; missing numbers say so.\n"
    merged = ""
    if results.get("merged_runs"):
        runs = [run["generated"] + (f" ({_secs(run['elapsed_seconds'])}{_code(run)}: `{run['command']}`)"
                                    if run.get("command") else "") for run in results["merged_runs"]]
        merged = (" Merged with earlier runs on this machine, whose numbers are kept for the scales and stages "
                  "not run again: " + "; ".join(runs) + ".")
    elif results.get("merged_from"):
        merged = f" Merged with the results of {results['merged_from']}."
    return [
        "# Registry-scale benchmark results",
        "",
        "Generated by `benchmarks/registry_bench.py` — do not edit; rerun it to regenerate. "
        "See the README's \"Benchmarks\" section for what is measured and how.",
        "",
        f"* Run: {results['generated']}, {_secs(results['elapsed_seconds'])} in all{_code(results)}: "
        f"`{results['command']}`.{merged}",
        f"* Machine: {m['cpu']}, {m['cores']} cores usable ({m['cpu_count']} online), {m['ram_gb']} GB RAM, "
        f"{m['os']}.",
        f"* Versions: Python {m['python']}, ctkg {v['ctkg']}, pyoxigraph {v['pyoxigraph']}, rdflib {v['rdflib']}, "
        f"pySHACL {v['pyshacl']}, networkx {v['networkx']}.",
        f"* Records: scaled from the {results['originals']:,} real shared records (`benchmarks/synthetic.py`); "
        "the first N records are the same at every scale, so baselines on them run on the same data.",
        "* Peak memory: *largest process* is the stage's `ru_maxrss` (its child process, or the largest of the "
        "workers it waited for); *all processes* is the largest sum of the resident memory of its whole process "
        "tree, sampled every 0.1 s. A child's `ru_maxrss` starts at the peak of the process that started it "
        f"(the kernel keeps it across `exec`): the harness stayed at {_mb(results.get('harness_peak_mb'))} MB, the "
        "floor of every *largest process* figure.",
        "* Times are wall-clock times of each child process, interpreter start included, unless said otherwise.",
        state,
    ]


def _targets_section(results: Json) -> list[str]:
    rows = [[t["target"], f"**{t['status']}**", t["measured"]] for t in targets(results)]
    return ["## Targets", "", *_table(["target", "status", "measured"], rows, "---|---|---"), ""]


_PHASES = {
    "unzip": "unzipping the archive's files",
    "syntax": "parsing the JSON or XML syntax",
    "model": "building the record model from it (readers)",
    "mapping": "mapping records to N-Triples text",
    "encoding": "encoding the text to UTF-8",
    "writing": "writing the file",
}


def _conversion_time(results: Json) -> list[str]:
    profile = results.get("profile", {"status": "not run", "reason": "not run yet"})
    out = ["### Conversion, phase by phase", ""]
    if profile.get("status") != "ok":
        return [*out, _why(profile), ""]
    seconds, records = profile["seconds"], profile["records"]
    total = sum(seconds.values())
    rows = [[_PHASES.get(phase, phase), _secs(spent), f"{spent / total:.0%}", _num(1e6 * spent / records)]
            for phase, spent in seconds.items()]
    rows.append(["**all**", _secs(total), "100%", _num(1e6 * total / records)])
    out += [f"Each phase of a conversion worker timed alone, one after the other, over the first {records:,} "
            "records on one core (`bench_children.py profile`; the records held in memory between phases).", "",
            *_table(["phase", "time", "share", "µs per record"], rows, "---|---:|---:|---:"), ""]
    per_record = []
    for key, scale in sorted(results.get("scales", {}).items(), key=lambda kv: int(kv[0])):
        run = _convert_run(scale.get("convert", {}), 1)
        if run and run["status"] == "ok" and run.get("convert_seconds"):
            per_record.append(f"{int(key):,}: {_num(1e6 * run['convert_seconds'] / run['converted'])} µs")
    if per_record:
        out += ["One core's time per record in the measured 1-job conversions (inside `convert()`, every phase "
                "and the process's own bookkeeping): " + "; ".join(per_record) + ".", ""]
    cpu_rows = []
    for key, scale in sorted(results.get("scales", {}).items(), key=lambda kv: int(kv[0])):
        for run in scale.get("convert", {}).get("runs", []):
            if run["status"] != "ok" or run.get("cpu_main_seconds") is None:
                continue
            main, workers = run["cpu_main_seconds"], run["cpu_others_seconds"]
            converted = run["converted"]
            cpu_rows.append([f"{int(key):,}", str(run["jobs"]), _secs(run["seconds"]), _secs(main), _secs(workers),
                             _num(1e6 * main / converted), _num(1e6 * workers / converted),
                             _num(1e6 * (main + workers) / converted), f"{(main + workers) / run['seconds']:.2f}"])
    if cpu_rows:
        out += ["CPU time of each conversion, sampled from `/proc` while it ran: the main process (walking the "
                "archive, unzipping, handing records to the workers and writing their documents) and its worker "
                "processes (parsing and mapping); cores busy = all CPU time / wall time.", "",
                *_table(["records", "jobs", "wall", "CPU, main", "CPU, workers", "µs per record, main",
                         "µs per record, workers", "µs per record, all", "cores busy"], cpu_rows), ""]
    budget = 1e6 * CONVERT_MAX_S * 2 / REGISTRY
    two_jobs = [row for row in cpu_rows if row[1] == "2"]
    spent = f"; the largest 2-job conversion above used {two_jobs[-1][7]} µs ({two_jobs[-1][0]} records)" \
        if two_jobs else ""
    out += [f"The {CONVERT_MAX_S / 60:.0f}-minute target for {REGISTRY:,} records on 2 cores allows "
            f"{_num(budget)} µs of CPU per record with both cores busy all the time; the phases above take "
            f"{_num(1e6 * total / records)} µs on their own{spent}.", ""]
    return out


def _load_time(results: Json) -> list[str]:
    rows = []
    for key, scale in sorted(results.get("scales", {}).items(), key=lambda kv: int(kv[0])):
        load = scale.get("load", {})
        if load.get("status") != "ok":
            continue
        run = _convert_run(scale.get("convert", {}), load.get("jobs", 1))
        if not run or run["status"] != "ok":
            continue
        rest = load["seconds"] - run["seconds"]
        rows.append([f"{int(key):,}", str(load.get("jobs", 1)), _secs(load["seconds"]), _secs(run["seconds"]),
                     _secs(rest), f"{rest / load['seconds']:.0%}"])
    if not rows:
        return []
    return ["### Loading: the store's share", "",
            "`kg load` reads and maps the records exactly as `kg convert` does, on the same worker processes. "
            "What a load takes beyond the conversion of the same records on as many jobs is the store's: "
            "writing each trial's graph, the replace and newer-wins checks, and the indexes (a lower bound, since "
            "the conversion also writes its file).", "",
            *_table(["records", "jobs", "load", "convert", "load − convert", "share of the load"], rows), ""]


def _store_alone(results: Json) -> list[str]:
    rows, rates = [], []
    for key, scale in sorted(results.get("scales", {}).items(), key=lambda kv: int(kv[0])):
        load = scale.get("load", {})
        alone = load.get("store_alone")
        if load.get("status") != "ok" or not alone:
            continue
        if alone.get("status") != "ok":
            rows.append([f"{int(key):,}", _why(alone), "", "", "", _secs(load["seconds"]), "", ""])
            continue
        rates.append((int(key), alone["store_seconds"] / (int(key) / 1000)))
        rows.append([f"{int(key):,}", _num(alone["quads"]), _secs(alone["bulk_load_seconds"]),
                     _secs(alone["optimize_seconds"]), _secs(alone["store_seconds"]), _secs(load["seconds"]),
                     f"{load['seconds'] / alone['store_seconds']:.2f}×", _mb(alone["peak_tree_mb"])])
    if not rows:
        return []
    out = ["### Loading: the store alone", "",
           "The floor under `kg load`: the loaded store's quads, each once (as `kg export` writes them), "
           "bulk-loaded from one N-Quads file into a fresh store and compacted, with nothing of ours running "
           "(`bench_children.py bulk-load`; `--store-alone-records`). No loader on this store can be faster on "
           "this machine.", "",
           *_table(["trials", "quads", "bulk load", "compaction", "store alone", "kg load", "kg load / store alone",
                    "peak MB"], rows), ""]
    if rates:
        largest, per_thousand = rates[-1]
        trend = "; ".join(f"{count:,} trials: {rate:.2f} s" for count, rate in rates)
        out += [f"The store alone per 1,000 trials — {trend}. At the {largest:,}-trial rate, {REGISTRY:,} trials "
                f"would take the store alone about {_secs(per_thousand * REGISTRY / 1000)}, if its time grew no "
                "faster than the trials (it grows faster where the rate above rises with the scale).", ""]
    return out


def _time_section(results: Json) -> list[str]:
    return ["## Where the time goes", "", *_conversion_time(results), *_load_time(results), *_store_alone(results)]


def _records_section(results: Json) -> list[str]:
    rows = []
    for key, scale in sorted(results.get("scales", {}).items(), key=lambda kv: int(kv[0])):
        info = scale.get("records", {})
        made = "reused from the work directory" if info.get("reused") else \
            f"generated in {_secs(info.get('generated_seconds'))}"
        rows.append([f"{int(key):,}", _mb(info.get("archive_mb")), made])
    if not rows:
        return []
    return ["## Record sets", "", *_table(["records", "archive MB (.zip)", "made"], rows, "---:|---:|---"), ""]


def _convert_section(results: Json) -> list[str]:
    rows, speedups = [], []
    for key, scale in sorted(results.get("scales", {}).items(), key=lambda kv: int(kv[0])):
        entry = scale.get("convert", {})
        if entry.get("status") == "not run":
            rows.append([f"{int(key):,}", "", _why(entry), *[""] * 7])
            continue
        base = _convert_run(entry, 1)
        for run in entry.get("runs", []):
            if run["status"] != "ok":
                rows.append([f"{int(key):,}", str(run["jobs"]), _why(run), *[""] * 7])
                continue
            rows.append([f"{int(key):,}", str(run["jobs"]), _secs(run["seconds"]), _num(run["records_per_s"]),
                         _num(run["triples_per_s"]), _num(run["triples"]), _num(run["rejected"]),
                         _mb(run["peak_rss_mb"]), _mb(run["peak_tree_mb"]), _mb(run["output_mb"])])
            if base and base["status"] == "ok":
                speedup = base["seconds"] / run["seconds"]
                speedups.append([f"{int(key):,}", str(run["jobs"]), _secs(run["seconds"]), f"{speedup:.2f}×",
                                 f"{speedup / run['jobs']:.0%}"])
    out = ["## Conversion: `kg convert` to N-Triples", "",
           "Wall time of the whole child process, interpreter start included.", "",
           *_table(["records", "jobs", "time", "records/s", "triples/s", "triples", "rejected",
                    "peak MB, largest process", "peak MB, all processes", "output MB"], rows), ""]
    if speedups:
        out += ["### Parallel speed-up", "",
                "The same conversion on 1 to N worker processes (`kg convert -j`); efficiency = speed-up / jobs.", "",
                *_table(["records", "jobs", "time", "speed-up over 1 job", "efficiency"], speedups), ""]
    return out


def _simple_section(results: Json, stage: str, title: str, note: str, header: list[str], cells: Any) -> list[str]:
    rows = []
    for key, scale in sorted(results.get("scales", {}).items(), key=lambda kv: int(kv[0])):
        entry = scale.get(stage, {})
        if entry.get("status") != "ok":
            rows.append([f"{int(key):,}", _why(entry), *[""] * (len(header) - 2)])
        else:
            rows.append([f"{int(key):,}", *cells(int(key), entry)])
    return [f"## {title}", "", note, "", *_table(header, rows), ""] if rows else []


def _load_section(results: Json) -> list[str]:
    return _simple_section(
        results, "load", "Load: `kg load` of the records into a fresh embedded store",
        "Records read, mapped (on every core, as `kg load` does) and written in batches with replace / newer-wins "
        "checks; the ontology graph included.",
        ["trials", "jobs", "time", "trials/s", "quads", "quads/s", "peak MB", "store MB"],
        lambda _, e: [str(e.get("jobs", 1)), _secs(e["seconds"]), _num(e["trials_per_s"]), _num(e["quads"]),
                      _num(e["quads_per_s"]), _mb(e["peak_tree_mb"]), _mb(e["store_mb"])])


def _validate_section(results: Json) -> list[str]:
    note = "`kg validate graph.nt --engine sparql` over the converted N-Triples (reading the file included)."
    split = any("reading_seconds" in scale.get("validate", {}) for scale in results.get("scales", {}).values())
    if split:  # measured by harnesses since the split was added; "—" for earlier runs
        note += " *Reading* is the file into the on-disk store (and compacting it), *checks* the compiled queries."
    return _simple_section(
        results, "validate", "Validation: the compiled SHACL engine", note,
        ["trials", "time", *(["reading", "checks"] if split else []), "trials/s", "triples", "peak MB", "violations",
         "warnings", "infos"],
        lambda n, e: [_secs(e["seconds"]),
                      *([_secs(e.get("reading_seconds")), _secs(e.get("checking_seconds"))] if split else []),
                      _num(n / e["seconds"]), _num(e.get("triples")), _mb(e["peak_tree_mb"]),
                      _num(e.get("violations")), _num(e.get("warnings")), _num(e.get("infos"))])


def _queries_section(results: Json) -> list[str]:
    out: list[str] = []
    for key, scale in sorted(results.get("scales", {}).items(), key=lambda kv: int(kv[0])):
        entry = scale.get("queries", {})
        if not out:
            out = ["## Library queries on the store", "",
                   "Each query in a fresh process on the store (opened read-only): the first run, and the best "
                   "of all runs in that process. Parameters come from the data "
                   "(the scaled records renamed the examples' trial and people): the first trial, and the person, "
                   "condition and sponsor with the most trials — the largest answers; for co-investigators, "
                   "the person with the most trials shared with someone else (since this harness version; "
                   "a table whose co-investigators row names the same person as investigator-trials predates "
                   "it).", ""]
        if entry.get("status") == "not run":
            out += [f"**{int(key):,} trials**: {_why(entry)}", ""]
            continue
        rows = []
        for run in entry.get("runs", []):
            if run["status"] != "ok":
                rows.append([run["name"], _why(run), "", "", ""])
            else:
                rows.append([run["name"], _num(run["rows"]), _secs(run["first"]), _secs(run["best"]),
                             _mb(run["peak_tree_mb"])])
        params = entry.get("params", {})
        rows = [[*row, ", ".join(f"{k}={v}" for k, v in params.get(row[0], {}).items())] for row in rows]
        out += [f"### {int(key):,} trials", "",
                *_table(["query", "rows", "first run", f"best of {entry.get('repeats', 1)}", "peak MB", "parameters"],
                        rows, "---|---:|---:|---:|---:|---"), ""]
    return out


def _networks_section(results: Json) -> list[str]:
    rows = []
    for key, scale in sorted(results.get("scales", {}).items(), key=lambda kv: int(kv[0])):
        entry = scale.get("networks", {})
        if entry.get("status") == "not run":
            rows.append([f"{int(key):,}", "", _why(entry), *[""] * 6])
            continue
        for run in entry.get("runs", []):
            if "max_statements" in run:
                run = {**run, "network": f"{run['network']}, limit {run['max_statements']:,} statements"}
            if run.get("status") != "ok":
                rows.append([f"{int(key):,}", run["network"], _why(run), *[""] * 6])
                continue
            rows.append([f"{int(key):,}", run["network"], _num(run["nodes"]), _num(run["edges"]),
                         _secs(run["build"]), _secs(run["metrics"]), str(run["betweenness"]),
                         _num(run["communities"]), _mb(run["peak_tree_mb"])])
    if not rows:
        return []
    return ["## Networks: `kg analyze`", "",
            "Each network built by SPARQL from the store, then its metrics (degree, PageRank, betweenness, "
            "Louvain communities), in a fresh process. The knowledge graph (a node per resource, an edge per "
            "statement) is built of every trial up to `--kg-max` trials, above that of the `--kg-where` "
            "selection, with the statement limit given where it was raised (`--kg-max-statements`).", "",
            *_table(["trials", "network", "nodes", "edges", "build", "metrics", "betweenness", "communities",
                     "peak MB"], rows, "---:|---|---:|---:|---:|---:|---|---:|---:"), ""]


def _baselines_section(results: Json) -> list[str]:
    baselines = results.get("baselines", {})
    out = ["## Baselines", "",
           "Run in the same invocation on the first N records of the same scaled set, each bounded in time and "
           f"in memory (a baseline over {results['options'].get('baseline_memory_mb', 0):,} MB resident is "
           "stopped).", ""]
    entry = baselines.get("rdflib_per_record", {"status": "not run", "reason": "baselines not run yet"})
    out += ["### Conversion: an rdflib `Graph` per record, serialised to N-Triples", "",
            "Each record is read and mapped by our reader and mapping, its triples are added as rdflib terms to a "
            "fresh `Graph`, which is serialised to N-Triples and written out. Turning the mapping's lines into term "
            "objects (a step an rdflib-based mapping would not have) is timed and left out. Both sides run on "
            "one core over the same records.", ""]
    if entry.get("status") == "not run":
        out += [_why(entry), ""]
    else:
        ours, theirs = entry["ours"], entry["rdflib"]
        rows = [["kg convert, 1 job", _num(ours.get("converted")),
                 _secs(ours.get("convert_seconds")) if ours["status"] == "ok" else _why(ours),
                 _num(ours.get("records_per_s_in_process")), _mb(ours["peak_tree_mb"])],
                ["rdflib Graph per record", _num(theirs.get("records")),
                 _secs(theirs.get("rdflib_seconds")) + ("" if theirs.get("complete") else f" ({_why(theirs)})"),
                 _num(theirs.get("records_per_s"), 1), _mb(theirs["peak_tree_mb"])]]
        out += _table(["", "records", "time (in the process)", "records/s", "peak MB"], rows)
        if ours.get("triples") and theirs.get("triples"):
            same = "yes" if ours["triples"] == theirs["triples"] and theirs.get("complete") else "no"
            out += ["", f"Same number of triples written: {same} ({_num(ours['triples'])} / "
                        f"{_num(theirs['triples'])})."]
        if "speedup" in entry:
            out += ["", f"kg convert is **{entry['speedup']:.1f}×** faster on the same records."]
            extrapolated = []
            rate = theirs["records_per_s"]
            for key, scale in sorted(results.get("scales", {}).items(), key=lambda kv: int(kv[0])):
                runs = [r for r in scale.get("convert", {}).get("runs", []) if r["status"] == "ok"]
                if runs:
                    one, most = min(runs, key=lambda r: r["jobs"]), max(runs, key=lambda r: r["jobs"])
                    estimate = int(key) / rate
                    extrapolated.append([f"{int(key):,}", _secs(estimate), f"{one['jobs']}: "
                                         f"{_secs(one['convert_seconds'])} ({estimate / one['convert_seconds']:.1f}×)",
                                         f"{most['jobs']}: {_secs(most['convert_seconds'])} "
                                         f"({estimate / most['convert_seconds']:.1f}×)"])
            if extrapolated:
                out += ["", "At each scale, the baseline's time *extrapolated* from its rate above (one core, not "
                        "measured at that scale) against kg convert measured there (in the process), on its fewest "
                        "and most jobs:", "",
                        *_table(["records", "rdflib per record (extrapolated)", "kg convert, fewest jobs: time "
                                 "(ratio)", "kg convert, most jobs: time (ratio)"], extrapolated)]
        out.append("")

    runs = baselines.get("pyshacl", {"status": "not run", "reason": "baselines not run yet"})
    out += ["### Validation: whole-graph pySHACL", "",
            "`kg validate --engine pyshacl` (pySHACL over the whole graph in rdflib) and our compiled engine on the "
            "same N-Triples of the first N trials; results compared one by one.", ""]
    if isinstance(runs, dict):
        out += [_why(runs), ""]
    else:
        rows = []
        for run in runs:
            if run.get("status") == "not run":
                rows.append([f"{run['records']:,}", _why(run), "", "", "", "", ""])
                continue
            ours, theirs = run["ours"], run["pyshacl"]
            speedup = f"{run['speedup']:.1f}×" if "speedup" in run else \
                f"≥ {run['speedup_at_least']:.1f}×" if "speedup_at_least" in run else "—"
            same = {True: "yes", False: "**NO**"}.get(run.get("same_results"), "not compared")
            if run.get("same_results") is False:
                diff = run["comparison"]
                same += f" ({diff['only_ours']} only ours, {diff['only_theirs']} only pySHACL)"
            rows.append([f"{run['records']:,}", _num(ours.get("triples")),
                         _secs(ours["seconds"]) if ours["status"] == "ok" else _why(ours),
                         _secs(theirs["seconds"]) if theirs["status"] == "ok" else _why(theirs),
                         f"{_mb(ours['peak_tree_mb'])} / {_mb(theirs['peak_tree_mb'])}", speedup, same])
        out += [*_table(["trials", "triples", "ours", "pySHACL", "peak MB ours / pySHACL", "speed-up",
                         "same results"], rows, "---:|---:|---:|---:|---:|---:|---"), ""]
        for key in sorted(results.get("scales", {}), key=int):
            if int(key) not in {r["records"] for r in runs}:
                out.append(f"* pySHACL at {int(key):,} trials: not run (not among --pyshacl-records; "
                           "its time grows much faster than the graph)")
        out.append("")

    runs = baselines.get("rdflib_sparql", {"status": "not run", "reason": "baselines not run yet"})
    out += ["### Library queries: rdflib's SPARQL engine", "",
            "rdflib parses the store's N-Quads export into a union `Dataset`, then runs every library query in one "
            "process, in order, until its time limit; the store answers the same query text.", ""]
    if isinstance(runs, dict):
        out += [_why(runs), ""]
        return out
    for run in runs:
        out += [f"**{run['records']:,} trials**"
                + (f" (N-Quads export {_mb(run.get('nquads_mb'))} MB)" if run.get("nquads_mb") else ""), ""]
        if run.get("status") == "not run":
            out += [_why(run), ""]
            continue
        theirs = run["rdflib"]
        parse = run.get("parse")
        ended = _why(theirs) if theirs["status"] != "ok" else "finished"
        out.append(f"rdflib parse: {_secs(parse['seconds']) if parse else _why(theirs)}; rdflib process "
                   f"{ended}, peak {_mb(theirs['peak_tree_mb'])} MB.")
        rows = []
        for ours in run.get("ours", []):
            answer = run.get("answers", {}).get(ours["name"])
            mine = _secs(ours["first"]) if ours["status"] == "ok" else _why(ours)
            if answer is None:
                rows.append([ours["name"], mine, "not run: rdflib stopped before it", "—", "—"])
                continue
            ratio = f"{answer['seconds'] / ours['first']:.0f}×" if ours["status"] == "ok" and ours["first"] else "—"
            agree = "yes" if ours.get("rows") == answer["rows"] else f"**NO** ({ours.get('rows')} / {answer['rows']})"
            rows.append([ours["name"], mine, _secs(answer["seconds"]), ratio, agree])
        out += ["", *_table(["query", "store (first run)", "rdflib", "rdflib / store", "same row count"], rows,
                            "---|---:|---:|---:|---"), ""]
    return out


def render_markdown(results: Json) -> str:
    """The whole RESULTS.md."""
    lines = [*_header(results), *_targets_section(results), *_time_section(results), *_records_section(results),
             *_convert_section(results), *_validate_section(results), *_load_section(results),
             *_queries_section(results), *_networks_section(results), *_baselines_section(results)]
    return "\n".join(lines).rstrip() + "\n"
