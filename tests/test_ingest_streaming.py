"""``ingest -`` on a slow feed: each article is answered soon after it arrives, and stays committed."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compare.article import Article
from compare.dedup.index import open_index
from compare.dedup.stream import ingest

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "fixtures" / "seeds").glob("*.txt"))


def _read_line(stream, timeout: float) -> str | None:
    ready, _, _ = select.select([stream], [], [], timeout)
    return stream.readline() if ready else None


def test_a_slow_feed_is_answered_article_by_article_and_survives_sigkill(tmp_path):
    index = tmp_path / "i.sqlite"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "compare", "ingest", "-", "--index", str(index), "--format", "json", "--workers", "0"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=REPO, text=True, bufsize=1,
    )
    assert process.stdin is not None and process.stdout is not None
    feed = [{"id": f"seed{i}", "text": path.read_text(encoding="utf-8")} for i, path in enumerate(SEEDS)]
    feed.append({"id": "seed0-again", "text": feed[0]["text"]})
    answers, waits = [], []
    try:
        for number, article in enumerate(feed):
            process.stdin.write(json.dumps(article) + "\n")
            process.stdin.flush()
            started = time.monotonic()
            # The first answer also waits for the interpreter to start; after that, 1 s is generous.
            line = _read_line(process.stdout, 60 if number == 0 else 1.0)
            assert line, f"no answer to article {number} within {'60' if number == 0 else '1'} s while the input stayed open"
            waits.append(time.monotonic() - started)
            answers.append(json.loads(line))
        assert [a["status"] for a in answers] == ["new"] * len(SEEDS) + ["duplicate"]
        assert answers[-1]["matches"][0]["id"] == "seed0"
    finally:
        process.send_signal(signal.SIGKILL)  # stdin still open: nothing was flushed by an orderly exit
        process.wait()
        process.stdin.close()
        process.stdout.close()
    with open_index(index) as reopened:
        assert reopened.check() == []
        assert sorted(reopened.get([a["id"] for a in answers if a["status"] == "new"])) == [f"seed{i}" for i in range(len(SEEDS))]


def test_max_wait_ends_a_batch_by_time_and_batch_size_still_by_size(tmp_path):
    texts = [path.read_text(encoding="utf-8") for path in SEEDS]

    def slow_feed():
        for i, text in enumerate(texts):
            if i == 2:
                time.sleep(2.0)  # a pause far longer than max_wait: the first two are answered before it ends
            yield Article(id=f"a{i}", text=text)

    with open_index(tmp_path / "i.sqlite") as index:
        stream = ingest(slow_feed(), index, workers=0, batch_size=100, max_wait=0.1)
        started = time.monotonic()
        first_two = [next(stream), next(stream)]
        assert time.monotonic() - started < 1.5  # not held back by the paused third article
        rest = list(stream)
    assert [r.id for r in first_two + rest] == [f"a{i}" for i in range(len(texts))]
    assert all(r.status == "new" for r in first_two + rest)
    with open_index(tmp_path / "j.sqlite") as index:  # max_wait=0: every batch is what had arrived
        assert [r.status for r in ingest((Article(id=f"b{i}", text=t) for i, t in enumerate(texts * 2)), index, workers=0, max_wait=0)] == ["new"] * 5 + ["duplicate"] * 5


def test_max_wait_must_be_a_number_of_seconds(tmp_path):
    with open_index(tmp_path / "i.sqlite") as index, pytest.raises(ValueError, match="max_wait"):
        list(ingest([], index, max_wait=-1))
