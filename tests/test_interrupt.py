"""Ctrl-C during a batch: one short message, no worker tracebacks, no hang."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compare.dedup.fingerprinter import Fingerprinter

REPO = Path(__file__).resolve().parents[1]


def test_fingerprint_workers_leave_ctrl_c_to_the_parent():
    with Fingerprinter(workers=2) as fingerprinter:
        handler = fingerprinter._get_pool().apply(signal.getsignal, (signal.SIGINT,))
    assert handler == signal.SIG_IGN


def _wait_for_workers(pid: int, timeout: float = 30.0) -> None:
    """Until the pool's workers (grandchildren, via the forkserver) run, plus a second so
    that they are past their start-up; on a busy machine that takes longer than a fixed sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = _children(pid)
        if any(_children(child) for child in children):
            time.sleep(1.0)
            return
        time.sleep(0.1)
    pytest.fail("no worker processes started")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the workers through /proc (Linux)")
def test_ctrl_c_during_dedup_stops_it_without_tracebacks(tmp_path):
    """A terminal's Ctrl-C reaches the whole process group, workers included."""
    rng = random.Random(5)
    vocabulary = [f"word{i}" for i in range(5000)]
    feed = tmp_path / "feed.jsonl"
    with feed.open("w") as stream:
        for i in range(20_000):
            stream.write(json.dumps({"id": f"a{i}", "text": " ".join(rng.choices(vocabulary, k=300))}) + "\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "compare", "dedup", str(feed)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    _wait_for_workers(process.pid)
    assert process.poll() is None, "dedup finished before it could be interrupted"
    os.killpg(process.pid, signal.SIGINT)
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("dedup hung after Ctrl-C")
    assert process.returncode != 0
    assert "Traceback" not in err.decode(), err.decode()[-2000:]
