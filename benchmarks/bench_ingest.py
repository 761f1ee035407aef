"""Benchmark ``article-compare ingest`` into a fresh SQLite index, then single-article lookups.

    python benchmarks/bench_ingest.py --count 100000

1. Generates (once, cached in ``bench-data/``) ``--count`` news-like
   articles in one JSONL file (``benchmarks/generate_articles.py``).
2. Runs ``python -m compare ingest FILE --index NEW.sqlite --format json`` as a
   child process and times it end to end: articles/s, peak memory, and the
   count of new / duplicate / contained results.
3. Opens that index in this process and times ``ingest([article], index)``
   one article at a time (no worker processes): fingerprint, chrome the index
   has learned for the source, LSH candidates, their shingle sets, exact
   verification. For ``--queries / 2`` near-duplicates of indexed articles this
   is a pure lookup (copies are not added); for as many unseen articles it is
   a lookup plus one committed SQLite write.

Prints median and 95th percentile latencies; speed is printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time article-compare ingest into SQLite and single-article lookups.")
    parser.add_argument("--count", type=int, default=100_000, help="articles to ingest (default 100000)")
    parser.add_argument("--queries", type=int, default=400, help="lookups to time (default 400)")
    parser.add_argument("--data", type=Path, default=REPO / "bench-data", help="where generated files are cached")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    args = parser.parse_args(argv)

    print(f"machine: {machine()}; {load()} before")
    data = cached_jsonl(args.data, args.count, seed=args.seed)
    print(f"input: {data} ({data.stat().st_size / 2**20:.0f} MB, {args.count} articles)")

    with tempfile.TemporaryDirectory() as tmp:
        index_path = Path(tmp) / "index.sqlite"
        results = Path(tmp) / "ingest.jsonl"
        command = [sys.executable, "-m", "compare", "ingest", str(data), "--index", str(index_path), "--format", "json"]
        run = run_child(command, stdout_path=results)
        if run.returncode != 0:
            sys.stderr.write(run.stderr)
            print(f"ingest failed with exit code {run.returncode}", file=sys.stderr)
            return 1
        statuses = Counter(json.loads(line)["status"] for line in results.open(encoding="utf-8"))
        ingested = sum(statuses.values())
        size_mb = sum(p.stat().st_size for p in index_path.parent.glob("index.sqlite*")) / 2**20
        print(f"ingest: {ingested} articles in {run.seconds:.1f} s = {ingested / run.seconds:,.0f} articles/s end to end")
        print(f"ingest: CPU time {run.cpu_seconds:.1f} s over the process and its workers = {ingested / run.cpu_seconds:,.0f} articles per CPU-second")
        print("ingest: " + ", ".join(f"{n} {status}" for status, n in statuses.most_common()) + f"; index file {size_mb:,.0f} MB")
        print(f"ingest: peak memory {run.tree_peak_mb:,.0f} MB for the process and its workers together (sampled), "
              f"{run.max_rss_mb:,.0f} MB for the main process alone (ru_maxrss)")

        from compare.dedup.batch import DEFAULT_THRESHOLD
        from compare.dedup.index.base import open_index

        near, unseen = query_articles(data, args.count, args.queries, args.seed)
        with open_index(str(index_path), threshold=DEFAULT_THRESHOLD) as index:
            stored = index.stats().to_dict()
            print(f"index: {json.dumps(stored)}")
            timed_ingest(index, unseen[:5], DEFAULT_THRESHOLD)  # warm imports and caches
            for label, articles in (("near-duplicate: lookup only, not added", near), ("unseen article: lookup + committed write", unseen[5:])):
                latencies, statuses = timed_ingest(index, articles, DEFAULT_THRESHOLD)
                print(
                    f"single-article ingest, {label}, against {stored['articles']:,} indexed: "
                    f"median {statistics.median(latencies):.2f} ms, p95 {percentile(latencies, 0.95):.2f} ms "
                    f"({len(articles)} articles: " + ", ".join(f"{n} {s}" for s, n in statuses.most_common()) + ")"
                )
    print(f"{load()} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
