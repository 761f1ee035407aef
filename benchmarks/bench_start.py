"""Start-up wall time of the dedup commands, and sentence splitting against text length.

``python benchmarks/bench_start.py`` prints, as medians of ``--runs`` runs:

- wall time of ``article-compare ingest ONE.txt`` (into a fresh SQLite index)
  and ``article-compare dedup A.txt B.txt``, the target being < 0.3 s;
- the same commands with the old start-up path forced back in (datasketch's
  ``MinHashLSH`` optimizer, which imports scipy), as the baseline of the
  same run, and ``python -c pass`` (what no command can beat);
- sentence splitting of a text with no paragraph breaks at 6,000 to 48,000
  words, against the same text split into paragraphs: the time per word
  should stay flat as the text grows (linear splitting).

hyperfine gives the same figures where it is installed
(``hyperfine 'article-compare dedup a.txt b.txt'``); this script needs
nothing but Python.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchutil import REPO, child_env, load, machine

SEEDS = sorted((REPO / "fixtures" / "seeds").glob("*.txt"))

# Forces the pre-0.3 s start-up path back in: datasketch's own optimizer (scipy) for the LSH bands.
_OLD_PATH = (
    "import runpy, sys, compare.dedup.lsh as bands\n"
    "from datasketch.lsh import _optimal_param\n"
    "bands.lsh_params = lambda t, n, w=0.5: _optimal_param(t, n, 1 - w, w)\n"
    "sys.argv = ['article-compare'] + sys.argv[1:]\n"
    "runpy.run_module('compare', run_name='__main__')\n"
)


def wall(command: list[str], runs: int, *, before: list[str] | None = None) -> tuple[float, float]:
    """Median wall seconds and CPU seconds of ``command`` (``before`` runs untimed before each run).

    CPU time (user + system of the child) hardly moves when other work shares
    the cores; wall time does.
    """
    times, cpus = [], []
    env = child_env()
    # Timed as a user runs it: with the package's bytecode caches, which pip install writes and a first
    # run of an editable checkout leaves (PYTHONDONTWRITEBYTECODE=1 in the caller's environment
    # would make every run compile the ~20 modules it imports again: ~60 ms more).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if before:
        subprocess.run(before, check=True)
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # writes the caches
    for _ in range(runs):
        if before:
            subprocess.run(before, check=True)
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
    return statistics.median(times), statistics.median(cpus)


def start_up(runs: int) -> None:
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index.sqlite"
        fresh = [python, "-c", f"import pathlib; pathlib.Path({str(index)!r}).unlink(missing_ok=True)"]
        ingest = ["ingest", "--index", str(index), str(SEEDS[0])]
        dedup = ["dedup", str(SEEDS[0]), str(SEEDS[1])]
        bare = wall([python, "-c", "pass"], runs)
        rows = [
            ("ingest ONE.txt", wall([python, "-m", "compare", *ingest], runs, before=fresh),
             wall([python, "-c", _OLD_PATH, *ingest], runs, before=fresh)),
            ("dedup A.txt B.txt", wall([python, "-m", "compare", *dedup], runs),
             wall([python, "-c", _OLD_PATH, *dedup], runs)),
        ]
    print(f"python -c pass (interpreter, the floor): {bare[0] * 1000:5.0f} ms wall, {bare[1] * 1000:4.0f} ms CPU (median of {runs})")
    print("each command ran once untimed first: its modules' bytecode caches exist, as after pip install")
    for name, (now, now_cpu), (old, old_cpu) in rows:
        verdict = "under" if now < 0.3 else "OVER"
        print(
            f"article-compare {name:<18} {now * 1000:5.0f} ms wall ({verdict} 0.3 s), {now_cpu * 1000:4.0f} ms CPU; "
            f"with datasketch's optimizer (baseline) {old * 1000:.0f} ms wall, {old_cpu * 1000:.0f} ms CPU -> {old / now:.1f}x"
        )


def _text(words: int, rng: random.Random) -> list[str]:
    vocabulary = ["the", "minister", "said", "on", "Monday", "that", "U.S.", "forces", "would", "leave", "Kyiv", "by", "Feb.", "24", "and", "Mr.", "Smith", "agreed"]
    sentences, current = [], []
    for i in range(words):
        current.append(rng.choice(vocabulary))
        if i % 17 == 16:
            sentences.append(" ".join(current) + ".")
            current = []
    return sentences


def splitting(repeats: int) -> None:
    from compare.text.sentences import split_sentences

    rng = random.Random(7)
    print(f"sentence splitting, one block vs paragraphs of 5 sentences (median of {repeats}):")
    for words in (6_000, 12_000, 24_000, 48_000):
        sentences = _text(words, rng)
        one_line = " ".join(sentences)
        paragraphs = "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))
        timings = []
        for text in (one_line, paragraphs):
            samples = []
            for _ in range(repeats):
                start = time.perf_counter()
                split_sentences(text)
                samples.append(time.perf_counter() - start)
            timings.append(statistics.median(samples))
        print(
            f"  {words:>6,} words: one block {timings[0] * 1000:7.1f} ms ({timings[0] / words * 1e6:5.2f} us/word), "
            f"paragraphs (baseline) {timings[1] * 1000:7.1f} ms -> ratio {timings[0] / timings[1]:.2f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (median)")
    args = parser.parse_args()
    print(f"machine: {machine()}; {load()} before")
    start_up(args.runs)
    splitting(5)
    print(f"{load()} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
