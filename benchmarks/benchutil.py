"""Shared helpers of the benchmarks: machine line, child process runs with time and memory."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


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
        max_rss_mb: largest resident set of one process of the run
            (``getrusage(RUSAGE_CHILDREN).ru_maxrss``; covers its worker
            processes too, as the largest of them, not their sum).
        tree_peak_mb: largest *sum* of resident sets of the child and its
            workers, sampled every 50 ms from /proc (0 where /proc is absent).
        returncode, stderr: what the child said.
    """

    seconds: float
    max_rss_mb: float
    tree_peak_mb: float
    returncode: int
    stderr: str


def run_child(command: list[str], *, stdout_path: Path | None = None) -> ChildRun:
    """Run ``command`` with this checkout on PYTHONPATH; time it and watch its memory."""
    peak = 0
    stop = threading.Event()
    out = stdout_path.open("wb") if stdout_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=child_env(), stdout=out, stderr=subprocess.PIPE)

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, sum(_rss_kb(p) for p in _descendants(process.pid)))
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
    return ChildRun(seconds, max_rss / 1024, peak / 1024, process.returncode, err.decode(errors="replace"))
