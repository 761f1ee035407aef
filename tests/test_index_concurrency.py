"""Concurrent ingests into one index behave like the same ingests run one after another.

N ``article-compare ingest`` processes share one index (SQLite file or a real
Redis). Every process gets its own stories plus near-duplicate copies of
stories in the other processes' inputs, at the same positions (so that the
copies are looked up while the originals are being added), and one story that
every process is sent unchanged under the same id. In any serial order
exactly one article of each planted group is ``new`` and the others match it;
the test asserts that, for every group: 0 missed (two ``new`` of one story)
and 0 lost (no ``new`` at all). Each round draws other batch sizes (one batch
for the whole input: the widest race window; or a few articles per commit:
many interleavings), so one run tries several schedules.

Before the check-and-add was made atomic, these rounds failed in every run:
SQLite 40/81 groups new twice in the one-batch round and ``table settings
already exists`` in the other; Redis 81/81 and 15/81.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from compare.dedup.index import open_index

REPO = Path(__file__).resolve().parents[1]
PROCESSES = 4
STORIES_PER_PROCESS = 60
COPIES_PER_PROCESS = 20


def _vocabulary(rng: random.Random) -> list[str]:
    consonants, vowels = "bcdfgklmnprstvz", "aeiou"
    return [
        "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))
        for _ in range(20000)
    ]


def _story(rng: random.Random, words: list[str]) -> str:
    return "\n\n".join(" ".join(rng.choices(words, k=45)) for _ in range(4))


def _near_copy(rng: random.Random, text: str, words: list[str]) -> str:
    """The story with three words replaced and a new first line: Jaccard about 0.8."""
    tokens = text.split(" ")
    for position in rng.sample(range(len(tokens)), 3):
        tokens[position] = rng.choice(words)
    return "Updated " + " ".join(tokens)


def planted_inputs(seed: int) -> tuple[list[list[dict[str, str]]], list[set[str]]]:
    """Per-process article lists and the groups of ids of which exactly one must be new."""
    rng = random.Random(seed)
    words = _vocabulary(rng)
    inputs: list[list[dict[str, str]]] = [[] for _ in range(PROCESSES)]
    groups: list[set[str]] = []
    stories = [[_story(rng, words) for _ in range(STORIES_PER_PROCESS)] for _ in range(PROCESSES)]
    for position in range(STORIES_PER_PROCESS):
        for p in range(PROCESSES):
            inputs[p].append({"id": f"p{p}-s{position}", "text": stories[p][position]})
    # Copies of process p's story at the same position of process (p + 1) % N: looked up while the original is added.
    for p in range(PROCESSES):
        q = (p + 1) % PROCESSES
        for position in rng.sample(range(STORIES_PER_PROCESS), COPIES_PER_PROCESS):
            copy_id = f"p{q}-copy-of-p{p}-s{position}"
            inputs[q].insert(position, {"id": copy_id, "text": _near_copy(rng, stories[p][position], words)})
            groups.append({f"p{p}-s{position}", copy_id})
    # One story sent unchanged, same id, to every process at once.
    same = {"id": "sent-to-all", "text": _story(rng, words)}
    for p in range(PROCESSES):
        inputs[p].insert(len(inputs[p]) // 2, same)
    groups.append({"sent-to-all"})
    return inputs, groups


def run_concurrently(index: str, inputs: list[list[dict[str, str]]], batch_sizes: list[int]) -> tuple[list[list[dict]], list[str]]:
    """Start every ingest, then feed all of them at once through their stdin."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "ARTICLE_COMPARE_NO_PROGRESS": "1"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "compare", "ingest", "-", "--index", index, "--format", "json",
             "--workers", "0", "--batch-size", str(size), "--lock-timeout", "60"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO, text=True,
        )
        for size in batch_sizes
    ]
    outputs: list[tuple[str, str]] = [("", "")] * len(processes)

    def talk(i: int) -> None:
        payload = "".join(json.dumps(article) + "\n" for article in inputs[i])
        outputs[i] = processes[i].communicate(payload, timeout=120)

    threads = [threading.Thread(target=talk, args=(i,)) for i in range(len(processes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results, errors = [], []
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        if process.returncode != 0:
            errors.append(f"exit {process.returncode}: {stderr.strip()}")
        results.append([json.loads(line) for line in stdout.splitlines()])
    return results, errors


def check_serializable(results: list[list[dict]], inputs: list[list[dict[str, str]]], groups: list[set[str]]) -> tuple[int, int]:
    """(missed, lost): groups with more than one ``new``, groups with none."""
    new_count: dict[str, int] = {}
    for per_process, sent in zip(results, inputs, strict=True):
        assert [r["id"] for r in per_process] == [a["id"] for a in sent]
        for r in per_process:
            if r["status"] == "new":
                new_count[r["id"]] = new_count.get(r["id"], 0) + 1
    missed = sum(1 for g in groups if sum(new_count.get(i, 0) for i in g) > 1)
    lost = sum(1 for g in groups if sum(new_count.get(i, 0) for i in g) == 0)
    planted = set().union(*groups)
    others = {a["id"] for sent in inputs for a in sent} - planted
    assert all(new_count.get(i) == 1 for i in others), "an unrelated story was not new exactly once"
    return missed, lost


# One batch per process (the widest window), then a few articles per commit (many interleavings).
ROUNDS = [[500] * PROCESSES, [1, 3, 7, 11]]


def _assert_rounds(make_index) -> None:
    failures = []
    for round_number, batch_sizes in enumerate(ROUNDS):
        inputs, groups = planted_inputs(seed=100 + round_number)
        index = make_index(round_number)
        results, errors = run_concurrently(index, inputs, batch_sizes)
        if errors:
            failures.append(f"round {round_number} (batch sizes {batch_sizes}): " + "; ".join(errors))
            continue
        missed, lost = check_serializable(results, inputs, groups)
        with open_index(index) as opened:
            stored = opened.stats().articles
            problems = opened.check()
        expected = sum(1 for per in results for r in per if r["status"] == "new")
        if missed or lost or problems or stored != expected:
            failures.append(
                f"round {round_number} (batch sizes {batch_sizes}): {missed}/{len(groups)} groups new more than once, "
                f"{lost} never new, {stored} stored for {expected} reported new, problems: {problems[:3]}"
            )
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_concurrent_sqlite_ingests_are_serializable(tmp_path):
    _assert_rounds(lambda n: str(tmp_path / f"round{n}.sqlite"))


@pytest.mark.slow
@pytest.mark.redis
def test_concurrent_redis_ingests_are_serializable(redis_url):
    _assert_rounds(lambda n: f"{redis_url}?prefix=round{n}")


def _threads_round(open_shared, seed: int, batch_sizes: list[int]) -> tuple[int, int, int]:
    """4 threads ingesting the planted inputs into one shared index object: (missed, lost, stored - new)."""
    from compare.article import Article
    from compare.dedup.stream import ingest

    inputs, groups = planted_inputs(seed)
    results: list[list[dict]] = [[] for _ in inputs]
    errors: list[BaseException] = []
    with open_shared() as index:
        barrier = threading.Barrier(len(inputs))

        def work(i: int) -> None:
            try:
                barrier.wait()
                articles = [Article(id=a["id"], text=a["text"]) for a in inputs[i]]
                results[i] = [r.to_dict() for r in ingest(articles, index, batch_size=batch_sizes[i], workers=0)]
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(inputs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        missed, lost = check_serializable(results, inputs, groups)
        new = sum(1 for per in results for r in per if r["status"] == "new")
        return missed, lost, index.stats().articles - new


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_threads_sharing_one_index_object_are_serializable(tmp_path, backend):
    for round_number, batch_sizes in enumerate(ROUNDS):
        spec = None if backend == "memory" else tmp_path / f"threads{round_number}.sqlite"
        missed, lost, extra = _threads_round(lambda spec=spec: open_index(spec), 200 + round_number, batch_sizes)
        assert (missed, lost, extra) == (0, 0, 0), f"round {round_number}: {missed} missed, {lost} lost, {extra} stored but not reported new"
