"""Benchmark of ``pair``: in-process comparison and CLI wall time, with a baseline.

Run from the repository root (one command)::

    PYTHONPATH=. python benchmarks/bench_pair.py [--repeats 30] [--cli-runs 7]

It builds two related articles of about 1,500 words each from the seed
articles (A: seeds 000-004 in order; B: seeds 004, 002, 000 and 001, twice,
with every third sentence dropped and "Kyiv" written "Kiev"), cut at 1,500
words, then prints

* the median time of ``compare_articles(a, b)`` in-process;
* the same with a baseline score matrix built by a plain Python loop of
  ``fuzz.token_sort_ratio`` calls instead of one ``process.cdist`` call, and
  the ratio (the matrix step alone is timed both ways too);
* the median wall time of ``python -m compare pair A B`` (interpreter start
  included) and of ``python -m compare --help``, next to ``python -c pass``,
  each with the child's CPU time (user + system; on a shared machine the
  steadier figure), and whether ``compare/`` has bytecode caches (without them,
  as under ``PYTHONDONTWRITEBYTECODE=1``, every start compiles every module).

Nothing is asserted: the figures go to the README.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "fixtures" / "seeds"
sys.path.insert(0, str(REPO))


def build_articles() -> tuple[str, str]:
    from compare.load.articles import load_article
    from compare.text.sentences import split_sentences

    seeds = sorted(SEEDS.glob("*.txt"))
    content = [[s.text for s in split_sentences(load_article(p))] for p in seeds]
    a_sentences = content[0] + content[1] + content[2] + content[3] + content[4]
    b_sentences = content[4] + content[2] + content[0] + content[1]
    b_sentences = [s.replace("Kyiv", "Kiev") for k, s in enumerate(b_sentences) if k % 3 != 2]

    def cut(sentences: list[str], words: int) -> str:
        out, count = [], 0
        for sentence in sentences:
            out.append(sentence)
            count += len(sentence.split())
            if count >= words:
                break
        return "\n\n".join(out) + "\n"

    return cut(a_sentences, 1500), cut(b_sentences * 2, 1500)


def loop_score_matrix(a, b):
    """Baseline: one rapidfuzz call per sentence pair from a Python loop."""
    import numpy as np
    from rapidfuzz import fuzz

    matrix = np.zeros((len(a), len(b)), dtype=np.float32)
    for i, fa in enumerate(a):
        for j, fb in enumerate(b):
            matrix[i, j] = fuzz.token_sort_ratio(fa.key, fb.key) / 100.0
    return matrix


def median_ms(*functions, repeats: int) -> list[tuple[float, float]]:
    """Median milliseconds (wall, CPU of this process) of each function; runs are interleaved
    so that a busy machine slows all of them alike and the ratios stay meaningful."""
    from compare.pair.compare import clear_caches

    times: list[list[float]] = [[] for _ in functions]
    cpu: list[list[float]] = [[] for _ in functions]
    for _ in range(repeats):
        for slot, cpu_slot, function in zip(times, cpu, functions, strict=True):
            clear_caches()  # each run starts cold, as one CLI call would
            started, started_cpu = time.perf_counter(), time.process_time()
            function()
            slot.append((time.perf_counter() - started) * 1000)
            cpu_slot.append((time.process_time() - started_cpu) * 1000)
    return [(statistics.median(t), statistics.median(c)) for t, c in zip(times, cpu, strict=True)]


def wall_ms(command: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median milliseconds of a command: wall time, and CPU time (user + system) of the child."""
    import resource

    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - started) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return statistics.median(times), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--cli-runs", type=int, default=7)
    args = parser.parse_args()

    import compare.pair.align as align_module
    from compare.pair.align import score_matrix
    from compare.pair.compare import compare_articles
    from compare.pair.prepare import prepare

    text_a, text_b = build_articles()
    pa, pb = prepare(text_a), prepare(text_b)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.2f} at start"
    )
    print(
        f"articles: A {len(text_a.split())} words / {len(pa.sentences)} sentences, "
        f"B {len(text_b.split())} words / {len(pb.sentences)} sentences"
    )
    compare_articles(text_a, text_b)  # warm up imports and regex caches

    (cdist_matrix, _), (loop_matrix, _) = median_ms(
        lambda: score_matrix(pa.forms, pb.forms), lambda: loop_score_matrix(pa.forms, pb.forms), repeats=args.repeats
    )
    print(f"score matrix, one process.cdist:       {cdist_matrix:8.2f} ms (median of {args.repeats})")
    print(f"score matrix, Python loop (baseline):  {loop_matrix:8.2f} ms  -> cdist is {loop_matrix / cdist_matrix:.1f}x faster")

    original = align_module.score_matrix

    def with_cdist() -> None:
        align_module.score_matrix = original
        compare_articles(text_a, text_b)

    def with_loop() -> None:
        align_module.score_matrix = loop_score_matrix
        try:
            compare_articles(text_a, text_b)
        finally:
            align_module.score_matrix = original

    (full, full_cpu), (full_loop, full_loop_cpu) = median_ms(with_cdist, with_loop, repeats=args.repeats)
    print(f"compare_articles in-process:           {full:8.2f} ms (median of {args.repeats}; CPU {full_cpu:.2f} ms)")
    print(
        f"  with the loop baseline matrix:       {full_loop:8.2f} ms  -> ratio {full_loop / full:.2f}"
        f" (CPU {full_loop_cpu:.2f} ms)"
    )

    env = dict(os.environ, PYTHONPATH=str(REPO))
    with tempfile.TemporaryDirectory() as tmp:
        a_path, b_path = Path(tmp, "a.txt"), Path(tmp, "b.txt")
        a_path.write_text(text_a, encoding="utf-8")
        b_path.write_text(text_b, encoding="utf-8")
        bare = wall_ms([sys.executable, "-c", "pass"], args.cli_runs, env)
        helped = wall_ms([sys.executable, "-m", "compare", "--help"], args.cli_runs, env)
        paired = wall_ms([sys.executable, "-m", "compare", "pair", str(a_path), str(b_path)], args.cli_runs, env)
        as_json = wall_ms(
            [sys.executable, "-m", "compare", "pair", str(a_path), str(b_path), "--format", "json"], args.cli_runs, env
        )
    cached = any((REPO / "compare" / "pair" / "__pycache__").glob("compare.*.pyc"))
    print(f"bytecode caches of compare/: {'present' if cached else 'absent (every module compiled at each start)'}")
    print(f"python -c pass (interpreter baseline): {bare[0]:8.1f} ms wall, {bare[1]:6.1f} ms CPU (median of {args.cli_runs})")
    print(f"article-compare --help:                {helped[0]:8.1f} ms wall, {helped[1]:6.1f} ms CPU")
    print(f"article-compare pair A B:              {paired[0]:8.1f} ms wall, {paired[1]:6.1f} ms CPU")
    print(f"article-compare pair A B --format json:{as_json[0]:8.1f} ms wall, {as_json[1]:6.1f} ms CPU")
    if hasattr(os, "getloadavg"):
        print(f"load average {os.getloadavg()[0]:.2f} at the end (other work on the machine slows every figure)")
    return 0


if __name__ == "__main__":
    re.purge()
    sys.exit(main())
