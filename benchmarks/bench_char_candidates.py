"""Chance candidates of the character signal as the batch grows: without and with the stop list, in one run.

    python benchmarks/bench_char_candidates.py --counts 5000,10000,20000,50000

For the first N generated articles (``benchmarks/generate_articles.py``, the
file ``bench_dedup.py`` uses) and for real pages the stop list was not fitted
on (gva-dev odd incidents and PolNeAR test publishers, when ``../shared`` is
there), it counts the pairs the character LSH bands propose:

- ``no stop list``: every sampled character 5-gram (how the signal worked
  before the stop list: the baseline);
- ``stop list``: the shipped stop grams left out (what the tool does now).

how many of them also agree in ``CHAR_MIN_AGREEMENT`` of their character
signatures (what batch dedup verifies: ``compare.dedup.batch.char_candidates``),
and how many reach ``CHAR_THRESHOLD`` on their samples (pairs that truly
share text; the rest are chance). Chance candidates that grow with N²
are what made the 100,000-article dedup slow and a 1,000,000-article Spark
run run out of memory; pairs that truly share text grow with N.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import islice
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchutil import REPO, load, machine
from generate_articles import DEFAULT_SEED, cached_jsonl

from compare.dedup.batch import CHAR_THRESHOLD, candidate_pairs
from compare.dedup.fingerprint import (
    CHAR_MIN_SAMPLES,
    CHAR_NUM_PERM,
    char_minhashes,
    char_samples,
    content_tokens,
    jaccard,
)
from compare.dedup.lsh import CHAR_BANDS, CHAR_ROWS, char_signatures_agree

NO_STOP = np.empty(0, dtype=np.uint32)


def letters_of_records(path: Path, count: int) -> list[str]:
    from compare.load.articles import article_from_record

    with path.open(encoding="utf-8") as lines:
        return [
            "".join(content_tokens(article_from_record(json.loads(line), default_id=str(n), where=f"{path}:{n}"), prose=True)[0])
            for n, line in enumerate(islice(lines, count), 1)
        ]


def real_letters(shared: Path) -> list[str]:
    sys.path.insert(0, str(REPO / "scripts"))
    from fit_char_stop import gva, polnear

    from evaluation.heldout_dedup import TEST_PUBLISHERS

    return [t for _, t in gva(shared, 1)] + [t for _, t in polnear(shared, TEST_PUBLISHERS)]


def count(letters: list[str], stop: np.ndarray | None, bands: int, rows: int) -> tuple[int, int, int, float]:
    """(band pairs, of them agreeing in CHAR_MIN_AGREEMENT of the signature, of them reaching CHAR_THRESHOLD, seconds)."""
    samples = char_samples(letters, stop=stop)
    usable = np.array([s.size >= CHAR_MIN_SAMPLES for s in samples])
    matrix = char_minhashes(samples)
    matrix[~usable] = np.uint32(0xFFFFFFFF)
    start = time.perf_counter()
    pairs = candidate_pairs(matrix.reshape(-1, CHAR_NUM_PERM), bands, rows, skip=~usable)
    agreeing = pairs[char_signatures_agree(matrix, pairs)]
    seconds = time.perf_counter() - start
    real = sum(1 for i, j in pairs.tolist() if jaccard(samples[i], samples[j]) >= CHAR_THRESHOLD)
    return len(pairs), len(agreeing), real, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="5000,10000,20000,50000", help="batch sizes (first N generated articles)")
    parser.add_argument("--data", type=Path, default=REPO / "bench-data", help="where generated files are cached")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--file-count", type=int, default=50_000, help="the generated file to read the first N of")
    parser.add_argument("--shared", type=Path, default=None, help="the shared folder (default: as the evaluations)")
    parser.add_argument("--bands", default=f"{CHAR_BANDS}x{CHAR_ROWS}", help="LSH shapes to compare, e.g. 32x4,25x5")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.counts.split(",")]
    shapes = [tuple(int(v) for v in s.split("x")) for s in args.bands.split(",")]
    print(f"machine: {machine()}; {load()}")
    configs = [("no stop list", NO_STOP, b, r) for b, r in shapes[:1]] + [("stop list", None, b, r) for b, r in shapes]

    def report(name: str, letters: list[str]) -> None:
        for label, stop, b, r in configs:
            found, agreeing, real, seconds = count(letters, stop, b, r)
            n = len(letters)
            print(f"  {name:>22} {n:>7,}  {label:13} {b}x{r}: {found:>9,} share a band ({found / n:6.2f} per article, "
                  f"{found / (n * (n - 1) / 2):.2e} of pairs), {agreeing:>7,} also agree ({agreeing / n:5.3f} per article), "
                  f"{real:>6,} reach {CHAR_THRESHOLD}  [{seconds:.1f} s]", flush=True)

    path = cached_jsonl(args.data, max(*counts, args.file_count), seed=args.seed)
    letters = letters_of_records(path, max(counts))
    for n in counts:
        report("generated", letters[:n])
    from evaluation import SHARED_DIR

    shared = args.shared or SHARED_DIR
    if (shared / "data" / "gva-dev").is_dir():
        report("real pages, not fitted", real_letters(shared))
    print(f"after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
