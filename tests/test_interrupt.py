"""Ctrl-C during a batch: one short message, no worker tracebacks, no hang."""

from __future__ import annotations

import json
import os
import random
import signal
import string
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


@pytest.fixture(scope="module")
def busy_feed(tmp_path_factory) -> Path:
    """30,000 short articles: dedup and ingest fingerprint them for several seconds with their workers.

    Words of random letters, as in real text: "word123" tokens give every article the same
    character grams, and dedup then takes minutes over chance character candidates, a known
    weakness of its own (README, Limits), not what this tests."""
    rng = random.Random(5)
    vocabulary = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(5000)]
    path = tmp_path_factory.mktemp("busy") / "feed.jsonl"
    with path.open("w") as stream:
        for i in range(30_000):
            stream.write(json.dumps({"id": f"a{i}", "text": " ".join(rng.choices(vocabulary, k=300))}) + "\n")
    return path


def _interrupts_as_in_a_terminal() -> None:
    # A test run started in the background of a non-interactive shell (nohup ... &) inherits
    # SIGINT ignored, and so would the command: Ctrl-C could not reach it and the test would
    # measure the shell, not the command (it did: exit 0 after the whole run, or a 60 s timeout).
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _signal_while_busy(args: list[str], sig: int, *, whole_group: bool) -> tuple[int, str, int]:
    """Start the command in its own session, signal it once its workers run, wait 60 s at most.

    Returns the exit status, standard error and the session id (the command's pid)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "compare", *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_interrupts_as_in_a_terminal,
    )
    _wait_for_workers(process.pid)
    assert process.poll() is None, f"{args[0]} finished before it could be signalled"
    if whole_group:
        os.killpg(process.pid, sig)
    else:
        process.send_signal(sig)
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{args[0]} hung after signal {sig}")
    return process.returncode, err.decode(), process.pid


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the workers through /proc (Linux)")
def test_ctrl_c_during_dedup_stops_it_without_tracebacks(busy_feed):
    """A terminal's Ctrl-C reaches the whole process group, workers included."""
    code, stderr, _ = _signal_while_busy(["dedup", str(busy_feed)], signal.SIGINT, whole_group=True)
    assert code != 0
    assert "Traceback" not in stderr, stderr[-2000:]


def _session_processes(sid: int) -> list[int]:
    """Processes still alive in the session the command started (its workers, its forkserver)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                alive.append(int(entry.name))
    return alive


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the workers through /proc (Linux)")
@pytest.mark.parametrize("whole_group", [False, True], ids=["parent-only", "whole-group"])
@pytest.mark.parametrize("command", ["dedup", "ingest"])
def test_sigterm_unwinds_like_ctrl_c_without_hanging_or_tracebacks(busy_feed, tmp_path, command, whole_group):
    """``kill PID`` (the parent alone) and a service manager's stop (the whole process group):
    exit 143, no traceback, no leaked semaphore, no process left behind, nothing half-written."""
    index = tmp_path / "i.sqlite"
    args = [command, str(busy_feed)] + (["--index", str(index), "--batch-size", "200"] if command == "ingest" else [])
    code, stderr, session = _signal_while_busy(args, signal.SIGTERM, whole_group=whole_group)
    assert code == 143, stderr[-2000:]
    assert "Traceback" not in stderr, stderr[-2000:]
    assert "leaked" not in stderr, stderr[-2000:]
    deadline = time.monotonic() + 10
    while _session_processes(session) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session_processes(session) == [], "workers outlived the command"
    if command == "ingest":
        from compare.dedup.index import open_index

        with open_index(index) as opened:
            assert opened.check() == []


def test_abandoning_the_pool_with_tasks_in_flight_kills_its_workers_at_once():
    """Ctrl-C with tasks in flight: Pool.terminate() could wait on its task thread for good
    (CPython's _help_stuff_finish race; dedup took 10 s to stop, once over 60 s in CI)."""
    from compare import Article

    articles = [
        Article(id=f"a{i}", text=" ".join(f"word{(i * 7 + j * 13) % 997}" for j in range(300))) for i in range(4000)
    ]
    fingerprinter = Fingerprinter(workers=2)
    results = fingerprinter.fingerprints(iter(articles), count=len(articles))
    next(results)
    pool = fingerprinter._pool
    assert pool is not None
    workers = list(pool._pool)
    fingerprinter.close(abandon=True)
    assert fingerprinter._pool is None
    assert workers and all(worker.exitcode is not None for worker in workers)
    assert not pool._terminate.still_active()  # nothing left for the interpreter's exit to wait on
    assert not pool._worker_handler.is_alive()  # and no worker started behind our back


_HANGING_STOP = """
import multiprocessing, sys, time
import compare.cli as cli
cli._STOP_GRACE_SECONDS = 1.0
cli._unwind_on_sigterm()
child = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(120,), daemon=True)
child.start()
try:
    print(child.pid, flush=True)  # inside: the signal may come at once
    time.sleep(120)
finally:
    time.sleep(120)  # unwinding that never ends
"""


def test_a_stop_that_hangs_ends_after_the_grace_period_with_its_workers():
    process = subprocess.Popen(
        [sys.executable, "-c", _HANGING_STOP], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        child = int(process.stdout.readline())
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)  # the parent alone
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 143
    assert time.monotonic() - started < 25
    assert err.decode().splitlines() == ["article-compare: still stopping after 1 s; ended at once (the batch in progress was not stored)"]
    deadline = time.monotonic() + 5
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the workers through /proc (Linux)")
@pytest.mark.parametrize("command", ["dedup", "ingest"])
def test_a_killed_worker_is_one_line_and_exit_1_not_a_hang(busy_feed, tmp_path, command):
    """The out-of-memory killer's SIGKILL to one worker: CPython's pool lost its task and the
    command waited for it for good. Batches an ingest committed before stay, whole."""
    index = tmp_path / "i.sqlite"
    args = [command, str(busy_feed)] + (["--index", str(index), "--batch-size", "200"] if command == "ingest" else [])
    process = subprocess.Popen(
        [sys.executable, "-m", "compare", *args], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        _wait_for_workers(process.pid)
        workers = [worker for child in _children(process.pid) for worker in _children(child)]
        os.kill(workers[0], signal.SIGKILL)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    stderr = err.decode()
    assert process.returncode == 1, stderr[-2000:]
    assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr[-2000:]
    assert "worker process died (killed by SIGKILL" in stderr and "--workers" in stderr
    if command == "ingest":
        from compare.dedup.index import open_index

        with open_index(index) as opened:
            assert opened.check() == []
            assert opened.stats().articles % 200 == 0
