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

from compare.batch import Fingerprinter

REPO = Path(__file__).resolve().parents[1]


def test_fingerprint_workers_leave_ctrl_c_to_the_parent():
    with Fingerprinter(workers=2) as fingerprinter:
        handler = fingerprinter._get_pool().apply(signal.getsignal, (signal.SIGINT,))
    assert handler == signal.SIG_IGN


@pytest.fixture(scope="module")
def feed(tmp_path_factory) -> Path:
    """20,000 short articles: dedup runs for several seconds on two cores."""
    rng = random.Random(5)
    vocabulary = [f"word{i}" for i in range(5000)]
    path = tmp_path_factory.mktemp("interrupt") / "feed.jsonl"
    with path.open("w") as stream:
        for i in range(20_000):
            stream.write(json.dumps({"id": f"a{i}", "text": " ".join(rng.choices(vocabulary, k=300))}) + "\n")
    return path


def _interrupt(args: list[str], *, whole_group: bool, sig: int) -> tuple[int, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "compare", *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(3)  # workers started and busy
    assert process.poll() is None, "the command finished before it could be interrupted"
    if whole_group:
        os.killpg(process.pid, sig)
    else:
        process.send_signal(sig)
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{args[0]} hung after the signal")
    return process.returncode, err.decode()


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_ctrl_c_during_dedup_stops_it_without_tracebacks(feed):
    """A terminal's Ctrl-C reaches the whole process group, workers included."""
    code, err = _interrupt(["dedup", str(feed)], whole_group=True, sig=signal.SIGINT)
    assert code != 0
    assert "Traceback" not in err, err[-2000:]


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("command", ["dedup", "ingest"])
def test_kill_stops_dedup_and_ingest_with_their_workers_and_status_143(feed, tmp_path, command):
    """``kill PID`` reaches the parent only: it must stop its workers (they printed BrokenPipe
    tracebacks once orphaned) and an ingest must not hang waiting for its feeder thread."""
    args = [command, str(feed)] + (["--index", str(tmp_path / "i.sqlite")] if command == "ingest" else [])
    code, err = _interrupt(args, whole_group=False, sig=signal.SIGTERM)
    assert code == 143
    assert "Traceback" not in err, err[-2000:]
    if command == "ingest":
        from compare.index import open_index

        with open_index(tmp_path / "i.sqlite") as index:
            assert index.check() == []
