"""Run one benchmark stage in a child process and measure it: wall time, CPU time, peak memory.

Every stage runs in a process of its own so that its numbers are its own: the
peak resident set size comes from the kernel's resource usage of that child
(``os.wait4``, the per-child form of ``getrusage(RUSAGE_CHILDREN)``: the
child's ``ru_maxrss`` or that of the largest descendant it waited for), never
from the harness or from an earlier stage. Worker processes of a parallel stage
are not always waited for by the stage itself (a fork server's are not), so the
resident memory of the whole process tree is also sampled from ``/proc`` while
the stage runs: its sum is what the machine had to provide.

Baselines can take hours or exhaust the machine's memory at registry sizes, so
a stage can be bounded in time and in memory; it is then stopped (its whole
process group, which it was started in) and reported as such, with whatever
progress it printed before.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Measured", "python_argv", "run_measured"]

_POLL_SECONDS = 0.1
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Measured:
    """What one child process did and cost.

    ``status`` is ``ok``, ``failed`` (non-zero exit), ``timeout`` or ``memory`` (stopped at the
    memory cap). ``lines`` holds every JSON line the child printed on standard output, so a stage
    stopped early still reports the progress it made.
    """

    status: str
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    """Largest single process: ru_maxrss of the child (and of the descendants it waited for)."""
    peak_tree_mb: float
    """Largest sampled sum of the resident memory of the child and all its descendants."""
    returncode: int | None
    lines: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    cpu_main_seconds: float | None = None
    """CPU time of the child process itself, as last sampled from ``/proc`` (None where there is none)."""
    cpu_others_seconds: float | None = None
    """CPU time of all its descendants (worker processes, a fork server), as last sampled."""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def last(self) -> dict[str, Any]:
        """The last JSON line printed (the stage's final result when it finished)."""
        return self.lines[-1] if self.lines else {}

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "seconds": round(self.seconds, 3), "cpu_seconds": round(self.cpu_seconds, 3),
                "peak_rss_mb": round(self.peak_rss_mb, 1), "peak_tree_mb": round(self.peak_tree_mb, 1),
                **({"cpu_main_seconds": round(self.cpu_main_seconds, 2),
                    "cpu_others_seconds": round(self.cpu_others_seconds or 0.0, 2)}
                   if self.cpu_main_seconds is not None else {}),
                **({"error": self.error} if self.error else {})}


def _descendants(pid: int) -> list[int]:
    """The pid and every live descendant of it (from the kernel's per-thread child lists)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
            except OSError:
                continue
            todo.extend(int(child) for child in children)
    return found


def _sample_tree(pid: int, cpu: dict[int, float]) -> float:
    """The resident memory of the process tree in MB; each member's CPU seconds so far go into ``cpu``.

    A process's CPU time only grows, so the last sample of one that has since exited is kept: the
    split between the stage's own process and its workers is then exact to within one poll.
    """
    total_kb = 0
    for member in _descendants(pid):
        try:
            fields = Path(f"/proc/{member}/statm").read_text().split()
            stat = Path(f"/proc/{member}/stat").read_text()
        except OSError:
            continue
        total_kb += int(fields[1]) * _PAGE_KB
        after_name = stat.rsplit(")", 1)[1].split()  # the name may hold spaces; utime, stime are fields 14, 15
        cpu[member] = max(cpu.get(member, 0.0), (int(after_name[11]) + int(after_name[12])) / _TICKS)
    return total_kb / 1024


def run_measured(
    argv: list[str],
    *,
    log_dir: Path,
    name: str,
    timeout: float | None = None,
    memory_cap_mb: float | None = None,
    env: dict[str, str] | None = None,
) -> Measured:
    """Run ``argv`` to completion (or to its time / memory bound) and measure it.

    Standard output and error go to files in ``log_dir`` (never pipes: a stopped child's output
    stays readable, and a chatty child cannot block on a full pipe).
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / f"{name}.out", log_dir / f"{name}.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err, start_new_session=True,
                                 env={**os.environ, **(env or {})})
        status, peak_tree = "ok", 0.0
        cpu: dict[int, float] = {}
        wait_status, usage = 0, None
        try:
            while True:
                pid, wait_status, usage = os.wait4(child.pid, os.WNOHANG)
                if pid == child.pid:
                    break
                peak_tree = max(peak_tree, _sample_tree(child.pid, cpu))
                elapsed = time.perf_counter() - started
                if timeout is not None and elapsed > timeout:
                    status = "timeout"
                elif memory_cap_mb is not None and peak_tree > memory_cap_mb:
                    status = "memory"
                if status != "ok":
                    _stop(child.pid)
                    _, wait_status, usage = os.wait4(child.pid, 0)
                    break
                time.sleep(_POLL_SECONDS)
        except BaseException:
            _stop(child.pid)
            os.wait4(child.pid, 0)
            raise
        finally:
            child.returncode = 0  # reaped here with wait4; keep Popen from waiting again
        _stop(child.pid)  # anything the stage left behind in its own process group
        seconds = time.perf_counter() - started
    returncode = os.waitstatus_to_exitcode(wait_status)
    if status == "ok" and returncode != 0:
        status = "failed"
    assert usage is not None
    lines = _json_lines(out_path)
    error = ""
    if status == "failed":
        tail = err_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        error = tail[-1] if tail else f"exit status {returncode}"
    elif status == "timeout":
        error = f"stopped after {timeout:.0f} s"
    elif status == "memory":
        error = f"stopped at {memory_cap_mb:,.0f} MB resident memory"
    own = cpu.get(child.pid)  # as last sampled: its rusage would also count the descendants it waited for
    others = sum(v for k, v in cpu.items() if k != child.pid) if cpu else None
    return Measured(status, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                    max(peak_tree, usage.ru_maxrss / 1024), returncode, lines, error,
                    cpu_main_seconds=own, cpu_others_seconds=others)


def _stop(pid: int) -> None:
    """Kill the process group the child was started in (it and its workers, nothing else)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _json_lines(path: Path) -> list[dict[str, Any]]:
    lines = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return lines


def python_argv(script: Path, *args: object) -> list[str]:
    """The command line running a benchmark helper script with this interpreter."""
    return [sys.executable, str(script), *(str(a) for a in args)]
