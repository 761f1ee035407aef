"""Benchmark ``article-compare ingest`` into a fresh SQLite index as it fills up, then lookups.

    python benchmarks/bench_ingest.py --count 100000
    nice python benchmarks/bench_ingest.py --count 1000000 --step 100000

1. Generates (once, cached in ``bench-data/``) ``--count`` news-like
   articles in one JSONL file (``benchmarks/generate_articles.py``).
2. Ingests them ``--step`` articles at a time (default: all at once), each
   step one ``python -m compare ingest STEP.jsonl --index SAME.sqlite`` child
   process timed end to end: the rate per step as the index fills up, with
   the first step's rate as the baseline and the ratio first/last printed
   (the cost per article is flat when the ratio stays near 1), and the index
   size in bytes per stored article after each step.
3. Opens the index in this process and times ``ingest([article], index)``
   one article at a time (no worker processes): fingerprint, chrome the index
   has learned for the source, LSH candidates, their shingle sets, exact
   verification. For ``--queries / 2`` near-duplicates of indexed articles this
   is a pure lookup (copies are not added); for as many unseen articles it is
   a lookup plus one committed SQLite write. Done after the first step (the
   baseline) and after the last.

Prints p50/p95/p99 latencies; speed is printed, never asserted. Run it niced
on a shared machine; the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchutil import REPO, load, machine, run_child
from generate_articles import DEFAULT_SEED, Generator, cached_jsonl


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def query_articles(data: Path, count: int, queries: int, seed: int) -> tuple[list, list]:
    """(near-duplicates of indexed articles, unseen articles), ``queries // 2`` each."""
    from compare.load.articles import article_from_record

    generator = Generator(seed + 1)  # another seed: unseen articles
    wanted = set(range(1, count + 1, max(1, count // (queries // 2))))
    originals = []
    with data.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if number in wanted:
                originals.append(json.loads(line))
    near = []
    for record in originals[: queries // 2]:
        copy = generator.near_duplicate(record)
        near.append(article_from_record({**copy, "id": f"query-copy-of-{record['id']}"}, default_id="q", where="q"))
    unseen = [
        article_from_record({**record, "id": f"query-new-{n}"}, default_id="q", where="q")
        for n, record in enumerate(generator.records(queries // 2, dup_rate=0.0))
    ]
    return near, unseen


def timed_ingest(index, articles, threshold: float) -> tuple[list[float], Counter]:
    """Milliseconds of one ``ingest`` call per article (in-process, no workers), and the statuses."""
    from compare.dedup.stream import ingest

    latencies, statuses = [], Counter()
    for article in articles:
        start = time.perf_counter()
        (result,) = ingest([article], index, threshold=threshold, workers=0)
        latencies.append((time.perf_counter() - start) * 1000)
        statuses[result.status] += 1
    return latencies, statuses


def index_size(index_path: Path) -> tuple[int, int]:
    """(bytes of the index file after a checkpoint, stored articles)."""
    import sqlite3

    db = sqlite3.connect(index_path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (articles,) = db.execute("SELECT count(*) FROM articles").fetchone()
    finally:
        db.close()
    return sum(p.stat().st_size for p in index_path.parent.glob(index_path.name + "*")), articles


def lookups(index_path: Path, data: Path, indexed: int, queries: int, seed: int) -> dict:
    from compare.dedup.batch import DEFAULT_THRESHOLD
    from compare.dedup.index import open_index

    near, unseen = query_articles(data, indexed, queries, seed)
    with open_index(str(index_path), threshold=DEFAULT_THRESHOLD) as index:
        stored = index.stats().to_dict()
        timed_ingest(index, unseen[:5], DEFAULT_THRESHOLD)  # warm imports and caches
        for label, articles in (("near-duplicate: lookup only, not added", near), ("unseen article: lookup + committed write", unseen[5:])):
            latencies, statuses = timed_ingest(index, articles, DEFAULT_THRESHOLD)
            print(
                f"single-article ingest, {label}, against {stored['articles']:,} indexed: "
                f"p50 {statistics.median(latencies):.2f} ms, p95 {percentile(latencies, 0.95):.2f} ms, "
                f"p99 {percentile(latencies, 0.99):.2f} ms "
                f"({len(articles)} articles: " + ", ".join(f"{n} {s}" for s, n in statuses.most_common()) + f"); {load()}",
                flush=True,
            )
    return stored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time article-compare ingest into SQLite as the index fills, and single-article lookups.")
    parser.add_argument("--count", type=int, default=100_000, help="articles to ingest (default 100000)")
    parser.add_argument("--step", type=int, default=None, help="articles per timed ingest run (default: --count)")
    parser.add_argument("--queries", type=int, default=400, help="lookups to time (default 400)")
    parser.add_argument("--data", type=Path, default=REPO / "bench-data", help="where generated files are cached")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument("--workers", type=int, default=None, help="ingest --workers (default: one per core)")
    args = parser.parse_args(argv)
    step = args.step or args.count

    print(f"machine: {machine()}; {load()} before", flush=True)
    data = cached_jsonl(args.data, args.count, seed=args.seed)
    print(f"input: {data} ({data.stat().st_size / 2**20:.0f} MB, {args.count} articles)", flush=True)

    with tempfile.TemporaryDirectory(dir=args.data) as tmp:
        index_path = Path(tmp) / "index.sqlite"
        rates: list[float] = []
        cpu_rates: list[float] = []
        total_seconds = total_cpu = 0.0
        statuses: Counter = Counter()
        planted = found = 0
        with data.open(encoding="utf-8") as lines:
            for start in range(0, args.count, step):
                part = Path(tmp) / "step.jsonl"
                chunk = list(islice(lines, step))
                with part.open("w", encoding="utf-8") as out:
                    out.writelines(chunk)
                # Planted near-duplicates (of an earlier article): ingest must not add them as new.
                copies = {json.loads(line)["id"] for line in chunk if '"duplicate_of"' in line}
                del chunk
                results = Path(tmp) / "ingest.jsonl"
                command = [sys.executable, "-m", "compare", "ingest", str(part), "--index", str(index_path), "--format", "json"]
                if args.workers is not None:
                    command += ["--workers", str(args.workers)]
                run = run_child(command, stdout_path=results)
                if run.returncode != 0:
                    sys.stderr.write(run.stderr)
                    print(f"ingest failed with exit code {run.returncode}", file=sys.stderr)
                    return 1
                answers = [json.loads(line) for line in results.open(encoding="utf-8")]
                counted = Counter(answer["status"] for answer in answers)
                planted += len(copies)
                found += sum(1 for answer in answers if answer["id"] in copies and answer["status"] != "new")
                del answers
                statuses += counted
                done = sum(counted.values())
                size, stored = index_size(index_path)
                rate = done / run.seconds
                rates.append(rate)
                cpu_rates.append(done / run.cpu_seconds)
                total_seconds += run.seconds
                total_cpu += run.cpu_seconds
                print(
                    f"ingest {start + 1:,}-{start + done:,}: {rate:,.0f} articles/s end to end "
                    f"({rate / rates[0]:.2f}x the first step), {cpu_rates[-1]:,.0f} per CPU-second "
                    f"({cpu_rates[-1] / cpu_rates[0]:.2f}x the first step); "
                    f"index {size / 2**20:,.0f} MB = {size / max(stored, 1):,.0f} bytes per stored article ({stored:,}); "
                    f"peak memory {run.tree_peak_mb:,.0f} MB; planted copies found so far {found:,}/{planted:,}; {load()}",
                    flush=True,
                )
                if start == 0 and step < args.count:
                    lookups(index_path, data, done, args.queries, args.seed)
        ingested = sum(statuses.values())
        print(f"ingest: {ingested} articles in {total_seconds:.1f} s = {ingested / total_seconds:,.0f} articles/s end to end, "
              f"{ingested / total_cpu:,.0f} per CPU-second", flush=True)
        print("ingest: " + ", ".join(f"{n} {status}" for status, n in statuses.most_common())
              + f"; planted near-duplicates found (not added) {found:,}/{planted:,}", flush=True)
        if len(rates) > 1:
            print(f"ingest: first step {rates[0]:,.0f}/s, last step {rates[-1]:,.0f}/s: "
                  f"the first is {rates[0] / rates[-1]:.2f}x the last (flat cost per article: near 1); "
                  f"per CPU-second {cpu_rates[0]:,.0f} and {cpu_rates[-1]:,.0f}: {cpu_rates[0] / cpu_rates[-1]:.2f}x", flush=True)
        stored = lookups(index_path, data, args.count, args.queries, args.seed)
        print(f"index: {json.dumps(stored)}")
    print(f"{load()} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
