"""Benchmark ``article-compare dedup`` end to end against a plain datasketch loop.

    python benchmarks/bench_dedup.py --count 100000

1. Generates (once, cached in ``bench-data/``) ``--count`` news-like articles
   of about 600 words in one JSONL file, ~5 % planted near-duplicates
   (``benchmarks/generate_articles.py``).
2. Runs ``python -m compare dedup FILE --format json`` as a child process with
   this checkout on ``PYTHONPATH`` and times it from start to exit: loading,
   boilerplate stripping, fingerprinting, LSH, verification, clustering and
   writing JSON, plus interpreter start-up and imports. Peak memory: the
   sampled sum over the child and its worker processes, and the main process
   alone (``getrusage(RUSAGE_CHILDREN).ru_maxrss``). CPU seconds of all of
   them, sampled from /proc, give a figure other load on the machine skews less.
3. In the same run, the baseline on the first ``--sample`` articles: JSON
   parsing, the same tokenization and shingles, then what a datasketch user
   writes first: ``MinHash()`` (defaults: 128 permutations), ``update()`` per
   shingle, ``MinHashLSH.query`` then ``insert`` per article. No exact
   verification or clustering, so the baseline does less work.

Prints articles/s for both, their ratio, the child's peak memory and how many
planted near-duplicates the run found. Speed is printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchutil import REPO, load, machine, run_child
from generate_articles import DEFAULT_SEED, cached_jsonl


def planted_found(data: Path, report: dict) -> tuple[int, int]:
    """How many planted (duplicate, original) pairs ended up in one reported cluster."""
    planted = []
    with data.open(encoding="utf-8") as lines:
        for line in lines:
            if '"duplicate_of"' in line:
                record = json.loads(line)
                planted.append((record["id"], record["duplicate_of"]))
    cluster_of = {member: n for n, cluster in enumerate(report["clusters"]) for member in cluster}
    found = sum(1 for dup, original in planted if dup in cluster_of and cluster_of.get(original) == cluster_of[dup])
    return found, len(planted)


def baseline(data: Path, sample: int, threshold: float) -> tuple[float, float, int]:
    """Wall and CPU seconds of the plain datasketch loop over the first ``sample`` articles, and how many."""
    from datasketch import MinHash, MinHashLSH

    from compare.dedup.fingerprint import DEFAULT_SETTINGS, content_tokens, shingles_of
    from compare.load.articles import article_from_record

    size = DEFAULT_SETTINGS.shingle_size
    start = time.perf_counter()
    cpu_start = time.process_time()
    lsh = MinHashLSH(threshold=threshold)  # default num_perm=128, like MinHash()
    count = 0
    with data.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if count == sample:
                break
            article = article_from_record(json.loads(line), default_id=f"{data}:{number}", where=str(number))
            tokens, _removed = content_tokens(article)
            minhash = MinHash()
            for shingle in shingles_of(tokens, size):
                minhash.update(" ".join(shingle).encode("utf-8"))
            lsh.query(minhash)
            lsh.insert(article.id, minhash)
            count += 1
    return time.perf_counter() - start, time.process_time() - cpu_start, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time article-compare dedup end to end and a plain datasketch loop.")
    parser.add_argument("--count", type=int, default=100_000, help="articles to deduplicate (default 100000)")
    parser.add_argument("--sample", type=int, default=1000, help="articles for the datasketch baseline (default 1000)")
    parser.add_argument("--data", type=Path, default=REPO / "bench-data", help="where generated files are cached")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    args = parser.parse_args(argv)

    print(f"machine: {machine()}; {load()} before")
    start = time.perf_counter()
    data = cached_jsonl(args.data, args.count, seed=args.seed)
    print(f"input: {data} ({data.stat().st_size / 2**20:.0f} MB, {args.count} articles; ready in {time.perf_counter() - start:.1f} s)")

    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "dedup.json"
        command = [sys.executable, "-m", "compare", "dedup", str(data), "--format", "json", "--output", str(output)]
        run = run_child(command)
        if run.returncode != 0:
            sys.stderr.write(run.stderr)
            print(f"dedup failed with exit code {run.returncode}", file=sys.stderr)
            return 1
        report = json.loads(output.read_text(encoding="utf-8"))

    from compare.dedup.batch import DEFAULT_THRESHOLD

    found, planted = planted_found(data, report)
    rate = report["articles"] / run.seconds
    print(f"dedup: {report['articles']} articles in {run.seconds:.1f} s = {rate:,.0f} articles/s end to end")
    print(f"dedup: CPU time {run.cpu_seconds:.1f} s over the process and its workers = {report['articles'] / run.cpu_seconds:,.0f} articles per CPU-second")
    print(f"dedup: peak memory {run.tree_peak_mb:,.0f} MB for the process and its workers together (sampled), "
          f"{run.max_rss_mb:,.0f} MB for the main process alone (ru_maxrss)")
    print(f"dedup: {len(report['pairs'])} pairs in {len(report['clusters'])} clusters; planted near-duplicates found {found}/{planted}")

    base_seconds, base_cpu, base_count = baseline(data, args.sample, DEFAULT_THRESHOLD)
    base_rate = base_count / base_seconds
    print(
        "baseline (datasketch MinHash() + update() per shingle + MinHashLSH query/insert, one process): "
        f"{base_count} articles in {base_seconds:.1f} s = {base_rate:,.0f} articles/s, "
        f"{base_count / base_cpu:,.0f} articles per CPU-second"
    )
    print(f"ratio: dedup end to end is {rate / base_rate:.1f}x the plain datasketch loop "
          f"({(report['articles'] / run.cpu_seconds) / (base_count / base_cpu):.1f}x per CPU-second)")
    print(f"{load()} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
