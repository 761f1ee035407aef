"""Benchmark the index alone as it fills up to 1,000,000 articles: check-and-add per batch, lookups.

    nice python benchmarks/bench_index.py --count 1000000 --step 100000

``bench_ingest.py`` times the whole command, where fingerprinting the text
(constant per article) dominates; on a shared 2-core machine it cannot reach
1,000,000 articles in an hour. This one isolates what can grow with the index:
the same atomic check-and-add ``ingest`` does per batch (LSH candidates,
their stored shingle sets, exact verification, the add of the new articles,
one SQLite write transaction), on synthetic fingerprints: each article 627
random shingle hashes (the mean of the generated 600-word articles) and its
real MinHash signature, 375 sampled character shingles (half from a shared
Zipf pool, so unrelated articles overlap as unrelated news does) and their
character MinHash; 5 % are near-copies of an earlier article (5 % of the
shingles and characters replaced), which must come out as duplicates.

Prints, per ``--step`` articles: the rate (articles/s of check-and-add, and
per CPU-second of this process, which a busy machine disturbs less), the
ratios to the first step's rates (flat cost per article: near 1), bytes per
stored article (after a checkpoint, untimed), and the load average; then single-article lookup latency
(``candidates`` + ``get`` + verification, no write), wall and CPU,
p50/p95/p99 after the first step and after the last. Speed is printed, never
asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchutil import load, machine

SHINGLES = 627
COPY_RATE = 0.05
#: Sampled character 5-grams of a ~600-word article, half of them drawn from a
#: Zipf-weighted pool shared by all articles: unrelated articles then have a
#: character Jaccard of ~0.037 (median; p99 ~0.05), as unrelated local-news
#: pages do (gva-dev: median 0.035, p99 0.087), so the character bands give
#: chance candidates as real news does (somewhat fewer: the real tail is heavier).
CHARS = 375
CHAR_POOL = 30_000
CHAR_SHARED = 0.5


class Synthetic:
    """Deterministic synthetic fingerprints: fresh articles and near-copies of earlier ones."""

    def __init__(self, seed: int) -> None:
        from compare.dedup.fingerprint import DEFAULT_SETTINGS

        self.settings = DEFAULT_SETTINGS
        self.rng = np.random.default_rng(seed)
        self.recent: list[tuple[np.ndarray, np.ndarray]] = []  # copies are made of articles of earlier batches (already indexed)
        self.pending: list[tuple[np.ndarray, np.ndarray]] = []
        weights = 1.0 / np.arange(1, CHAR_POOL + 1)
        self.char_cdf = np.cumsum(weights / weights.sum())
        self.char_pool = self.rng.integers(0, 2**32, size=CHAR_POOL, dtype=np.uint64).astype(np.uint32)

    def _noisy(self, values: np.ndarray) -> np.ndarray:
        values = values.copy()
        replace = self.rng.choice(values.size, size=values.size // 20, replace=False)
        values[replace] = self.rng.integers(0, 2**32, size=replace.size, dtype=np.uint64).astype(np.uint32)
        return np.unique(values)

    def shingles(self) -> tuple[np.ndarray, np.ndarray, bool]:
        """Word shingles, sampled character shingles, and whether it is a copy (5 % of each replaced)."""
        if self.recent and self.rng.random() < COPY_RATE:
            words, chars = self.recent[int(self.rng.integers(len(self.recent)))]
            return self._noisy(words), self._noisy(chars), True
        values = np.unique(self.rng.integers(0, 2**32, size=SHINGLES, dtype=np.uint64).astype(np.uint32))
        shared = int(CHARS * CHAR_SHARED)
        drawn = self.char_pool[np.searchsorted(self.char_cdf, self.rng.random(shared))]
        own = self.rng.integers(0, 2**32, size=CHARS - shared, dtype=np.uint64).astype(np.uint32)
        chars = np.unique(np.concatenate([drawn, own]))
        self.pending.append((values, chars))
        return values, chars, False

    def batch(self, start: int, size: int) -> tuple[list, list, int]:
        from compare.article import Article
        from compare.dedup.fingerprint import (
            CHAR_NUM_PERM,
            CHAR_SHINGLE,
            Fingerprint,
            FingerprintSettings,
            minhash_signature,
        )

        char_settings = FingerprintSettings(shingle_size=CHAR_SHINGLE, num_perm=CHAR_NUM_PERM, seed=self.settings.seed)
        items, copies = [], 0
        for number in range(start, start + size):
            shingles, chars, copy = self.shingles()
            copies += copy
            fp = Fingerprint(
                f"a{number}", shingles, minhash_signature(shingles, self.settings), (),
                chars, minhash_signature(chars, char_settings),
            )
            items.append((fp, Article(id=f"a{number}", text="x", title=f"Synthetic article {number}", source="Synthetic Herald")))
        self.recent = (self.recent + self.pending)[-20000:]
        self.pending = []
        return items, [], copies


def file_size(path: Path) -> int:
    """Bytes of the index file after a checkpoint (the WAL is a cache of recent pages, not the index's size)."""
    import sqlite3

    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def check_and_add(index, items: list, threshold: float, containment: float) -> int:
    """ingest's per-batch step without the text: returns how many matched an indexed article."""
    from compare.dedup.batch import verify_pair

    def step() -> int:
        fps = [fp for fp, _ in items]
        candidates = index.candidates_many(fps)
        stored = index.get({i for ids in candidates for i in ids})
        new, matched = [], 0
        for (fp, article), ids in zip(items, candidates, strict=True):
            mine, my_chars = index.comparable(fp.shingles), index.comparable_chars(fp.chars)
            hit = False
            for other in ids:
                if other in stored:
                    s = stored[other]
                    relation = verify_pair(mine, s.shingles, my_chars, s.chars, threshold=threshold, containment_threshold=containment)[0]
                    hit = hit or relation is not None
            matched += hit
            if not hit:
                new.append((fp, article))
        index.add(new)
        return matched

    return index.atomically(step)


def lookup_latencies(index, synthetic: Synthetic, count: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per lookup (CPU time does not count waiting for a core on a busy machine)."""
    from compare.dedup.batch import DEFAULT_CONTAINMENT, DEFAULT_THRESHOLD, verify_pair

    latencies, cpu = [], []
    for n in range(count):
        items, _, _ = synthetic.batch(10**9 + n, 1)
        fp = items[0][0]
        start, start_cpu = time.perf_counter(), time.process_time()
        ids = index.candidates(fp)
        stored = index.get(ids)
        mine, my_chars = index.comparable(fp.shingles), index.comparable_chars(fp.chars)
        for other in stored.values():
            verify_pair(mine, other.shingles, my_chars, other.chars, threshold=DEFAULT_THRESHOLD, containment_threshold=DEFAULT_CONTAINMENT)
        latencies.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return latencies, cpu


def report_latencies(label: str, measured: tuple[list[float], list[float]]) -> None:
    for kind, values in zip(("wall", "CPU"), measured, strict=True):
        p50, p95, p99 = np.percentile(values, [50, 95, 99])
        print(f"lookup ({label}), {kind} time: p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms over {len(values)} lookups; {load()}", flush=True)


def main(argv: list[str] | None = None) -> int:
    from compare.dedup.batch import DEFAULT_CONTAINMENT, DEFAULT_THRESHOLD
    from compare.dedup.index import open_index

    parser = argparse.ArgumentParser(description="Time the SQLite index's check-and-add as it fills, and lookups.")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--step", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--dir", type=Path, default=None, help="where the index is built (default: a temp dir)")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)

    print(f"machine: {machine()}; {load()} before", flush=True)
    synthetic = Synthetic(args.seed)
    probe = Synthetic(args.seed + 1)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "index.sqlite"
        rates: list[float] = []
        cpu_rates: list[float] = []
        with open_index(str(path), threshold=DEFAULT_THRESHOLD) as index:
            done = planted = matched = 0
            for step_start in range(0, args.count, args.step):
                elapsed = cpu = 0.0
                for start in range(step_start, min(step_start + args.step, args.count), args.batch_size):
                    items, _, copies = synthetic.batch(start, min(args.batch_size, args.count - start))
                    planted += copies
                    began, began_cpu = time.perf_counter(), time.process_time()
                    matched += check_and_add(index, items, DEFAULT_THRESHOLD, DEFAULT_CONTAINMENT)
                    elapsed += time.perf_counter() - began
                    cpu += time.process_time() - began_cpu
                    done += len(items)
                rate = (done - step_start) / elapsed
                rates.append(rate)
                cpu_rates.append((done - step_start) / cpu)
                stored = index.stats().articles
                size = file_size(path)
                print(
                    f"check-and-add {step_start + 1:,}-{done:,}: {rate:,.0f} articles/s, "
                    f"{rate / rates[0]:.2f}x the first step; {cpu_rates[-1]:,.0f} per CPU-second, "
                    f"{cpu_rates[-1] / cpu_rates[0]:.2f}x the first step; {stored:,} stored, "
                    f"{size / stored:,.0f} bytes per stored article; "
                    f"{matched:,} of {planted:,} planted copies matched so far; {load()}",
                    flush=True,
                )
                if len(rates) == 1:
                    report_latencies(f"{stored:,} indexed", lookup_latencies(index, probe, args.lookups))
            report_latencies(f"{index.stats().articles:,} indexed", lookup_latencies(index, probe, args.lookups))
        print(f"first step {rates[0]:,.0f}/s, last step {rates[-1]:,.0f}/s: the first is {rates[0] / rates[-1]:.2f}x the last; "
              f"per CPU-second {cpu_rates[0]:,.0f} and {cpu_rates[-1]:,.0f}: {cpu_rates[0] / cpu_rates[-1]:.2f}x", flush=True)
    print(f"{load()} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
