"""Shared helpers of the benchmarks: machine line, child process runs with time and memory."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# This checkout's package, not an installed copy, for the parts measured in-process too.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def machine() -> str:
    """Cores, CPU model, Python and OS, for the line every benchmark prints first."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def load() -> str:
    """Load averages: on a shared 2-core machine, other work skews every figure; print it."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def child_env() -> dict[str, str]:
    """This checkout first on PYTHONPATH, so the child runs this code, not an installed copy."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass(frozen=True)
class ChildRun:
    """One timed child process.

    Attributes:
        seconds: wall time from start to exit.
        max_rss_mb: ``getrusage(RUSAGE_CHILDREN).ru_maxrss``: the largest
            resident set among the processes this one waited for, i.e. the
            main process (workers started by a forkserver are not among them).
        tree_peak_mb: largest *sum* of resident sets of the child and its
            workers, sampled every 50 ms from /proc (0 where /proc is absent).
        cpu_seconds: user + system CPU time of the child and all its worker
            processes, sampled from /proc with the memory (the last 50 ms of
            each process may be missed); less sensitive than wall time to
            other work on the machine.
        returncode, stderr: what the child said.
    """

    seconds: float
    cpu_seconds: float
    max_rss_mb: float
    tree_peak_mb: float
    returncode: int
    stderr: str


def run_child(command: list[str], *, stdout_path: Path | None = None) -> ChildRun:
    """Run ``command`` with this checkout on PYTHONPATH; time it and watch its memory."""
    peak = 0
    stop = threading.Event()
    cpu: dict[int, float] = {}
    out = stdout_path.open("wb") if stdout_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=child_env(), stdout=out, stderr=subprocess.PIPE)

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                pids = _descendants(process.pid)
                peak = max(peak, sum(_rss_kb(p) for p in pids))
                for p in pids:
                    cpu[p] = max(cpu.get(p, 0.0), _cpu_seconds(p))
                stop.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, err = process.communicate()
        seconds = time.perf_counter() - start
        stop.set()
        sampler.join()
    finally:
        if stdout_path:
            out.close()  # type: ignore[union-attr]
    max_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return ChildRun(seconds, sum(cpu.values()), max_rss / 1024, peak / 1024, process.returncode, err.decode(errors="replace"))
