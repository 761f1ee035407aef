"""Where ``ingest``'s time goes in a large SQLite index, by phase, and what the batch size changes.

    python benchmarks/bench_ingest_phases.py --count 20000
    python benchmarks/bench_ingest_phases.py --index BIG.sqlite --articles 20000 --batch-sizes 500,2000,5000 --repeat 2

1. Takes ``--index`` (an index built earlier, for example by
   ``python -m compare ingest bench-data/articles-1000000-seed7.jsonl --index BIG.sqlite``,
   ~45 minutes for 1,000,000 on 2 cores), or builds one of ``--count``
   generated articles (cached in ``bench-data/``).
2. For each batch size, ``--repeat`` times, alternated: copies the index (every
   run starts from the same file), opens the copy, then ingests ``--articles``
   generated articles it has never seen (another seed, ids of their own; ~5 %
   planted copies among them) with ``ingest(..., batch_size=B)`` in this
   process, its workers fingerprinting in parallel.
3. Prints the ingesting thread's CPU per article (the serial part: the
   workers keep up) split by phase: the learned-chrome lookup, the candidate
   lookups (word and character bands, anchors), reading the candidates' sets,
   verification and the rest of the batch check, the writes (article rows,
   sets, new band rows), the sweeps of new rows into the main tables, and the
   commit (its WAL writes and checkpoints). The first batch size is the
   baseline: the others are printed as a ratio of its CPU per article.

Speed is printed, never asserted; run it on a quiet machine (the load average
is printed before and after).
"""

from __future__ import annotations

import argparse
import functools
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchutil import REPO, load, machine
from generate_articles import DEFAULT_SEED, Generator, cached_jsonl

#: (label, module, owner or None, function) timed on the ingesting thread; nested ones are subtracted from their callers.
_TIMED = (
    ("transaction", "compare.dedup.index.sqlite", "SQLiteIndex", "_exclusive"),
    ("batch check", "compare.dedup.stream", None, "_check_batch"),
    ("learned chrome", "compare.dedup.index.sqlite", "SQLiteIndex", "learned_lines"),
    ("lookups", "compare.dedup.index.sqlite", "SQLiteIndex", "candidates_many"),
    ("anchors", "compare.dedup.index.sqlite", "SQLiteIndex", "_anchor_candidates"),
    ("reading sets", "compare.dedup.index.sqlite", "SQLiteIndex", "get"),
    ("writes", "compare.dedup.index.sqlite", "SQLiteIndex", "_insert"),
    ("band sweeps", "compare.dedup.index.sqlite", "SQLiteIndex", "_sweep"),
    ("chrome sweeps", "compare.dedup.index.sqlite", "SQLiteIndex", "_sweep_lines"),
)
#: Each phase's own time is its callers' less these callees'.
_CALLEES = {
    "transaction": ("batch check",),
    "batch check": ("learned chrome", "lookups", "reading sets", "writes"),
    "lookups": ("anchors",),
    "writes": ("band sweeps", "chrome sweeps"),
}
_NAMES = {
    "transaction": "begin and commit",
    "batch check": "verification and the rest of the check",
}


def _owner(module: str, owner: str | None):
    import importlib

    found = importlib.import_module(module)
    return getattr(found, owner) if owner else found


def instrument(spent: Counter) -> None:
    """Add each timed function's thread CPU seconds to ``spent`` under its label."""
    for label, module, owner, name in _TIMED:
        holder = _owner(module, owner)
        original = getattr(holder, name)

        @functools.wraps(original)
        def timed(*args, _original=original, _label=label, **kwargs):
            start = time.thread_time()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] += time.thread_time() - start

        setattr(holder, name, timed)


def uninstrument() -> None:
    for _, module, owner, name in _TIMED:
        holder = _owner(module, owner)
        function = getattr(holder, name)
        setattr(holder, name, getattr(function, "__wrapped__", function))


def phases(spent: Counter, total: float) -> dict[str, float]:
    """Each phase's own CPU seconds (its callees' taken out), and the time outside the write transactions."""
    own = {
        _NAMES.get(label, label): spent.get(label, 0.0) - sum(spent.get(callee, 0.0) for callee in _CALLEES.get(label, ()))
        for label, *_ in _TIMED
    }
    own["outside the transactions"] = total - spent.get("transaction", 0.0)
    return own


def unseen_articles(count: int, seed: int) -> list:
    from compare.load.articles import article_from_record

    return [
        article_from_record({**record, "id": f"unseen-{seed}-{n}"}, default_id="u", where="u")
        for n, record in enumerate(Generator(seed).records(count))
    ]


def built_index(data_dir: Path, count: int, seed: int) -> Path:
    path = data_dir / f"ingest-phases-{count}-seed{seed}.sqlite"
    if not path.exists():
        data = cached_jsonl(data_dir, count, seed=seed)
        print(f"building {path} from {data} ...", flush=True)
        partial = path.with_suffix(".building")
        subprocess.run([sys.executable, "-m", "compare", "ingest", str(data), "--index", str(partial)], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
        partial.rename(path)
        Path(f"{partial}-checked").unlink(missing_ok=True)
    return path


def one_run(index_path: Path, articles: list, batch_size: int, work: Path) -> tuple[dict[str, float], float, float, Counter]:
    """(CPU seconds by phase, ingesting thread CPU, wall, statuses) of one ingest into a copy."""
    from compare.dedup.index import open_index
    from compare.dedup.stream import ingest

    copy = work / "index.sqlite"
    for suffix in ("", "-wal", "-shm", "-checked"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(index_path, copy)
    spent: Counter = Counter()
    with open_index(str(copy)) as index:  # its integrity check (a copy is a new file) runs here, untimed
        instrument(spent)
        try:
            start_wall, start_cpu = time.perf_counter(), time.thread_time()
            statuses = Counter(result.status for result in ingest(articles, index, batch_size=batch_size))
            cpu, wall = time.thread_time() - start_cpu, time.perf_counter() - start_wall
        finally:
            uninstrument()
    return phases(spent, cpu), cpu, wall, statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time ingest into a copy of a large SQLite index by phase, for several batch sizes.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--index", type=Path, help="an existing SQLite index (copied for every run, never changed)")
    where.add_argument("--count", type=int, help="build (once, cached in --data) an index of this many generated articles")
    parser.add_argument("--articles", type=int, default=20_000, help="unseen articles ingested per run (default 20000)")
    parser.add_argument("--batch-sizes", default="500,5000", help="comma-separated; the first is the baseline (default 500,5000)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per batch size, alternated (default 2)")
    parser.add_argument("--data", type=Path, default=REPO / "bench-data", help="where generated files are cached")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed of the built index")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.batch_sizes.split(",") if s.strip()]
    if not sizes or min(sizes) < 1 or args.articles < 1 or args.repeat < 1:
        parser.error("--batch-sizes, --articles and --repeat must be positive")

    print(f"machine: {machine()}; {load()} before", flush=True)
    args.data.mkdir(parents=True, exist_ok=True)
    index_path = args.index if args.index else built_index(args.data, args.count, args.seed)
    wal = Path(f"{index_path}-wal")
    if not index_path.is_file() or (wal.exists() and wal.stat().st_size > 0):
        parser.error(f"{index_path}: no index there, or a writer still has it open (a copy would miss its write-ahead log)")
    from compare.dedup.index import open_index

    with open_index(str(index_path), read_only=True) as index:
        indexed = index.stats().articles  # counts every band row: once, not per run
    articles = unseen_articles(args.articles, args.seed + 1000)
    per_article: dict[int, list[float]] = {size: [] for size in sizes}
    with tempfile.TemporaryDirectory(dir=args.data) as tmp:
        for run in range(args.repeat):
            for size in sizes:
                own, cpu, wall, statuses = one_run(index_path, articles, size, Path(tmp))
                per_article[size].append(cpu / len(articles))
                split = ", ".join(f"{label} {1000 * seconds / len(articles):.3f}" for label, seconds in sorted(own.items(), key=lambda kv: -kv[1]))
                print(
                    f"batch {size:,} (run {run + 1}): {len(articles):,} unseen articles against {indexed:,} indexed "
                    f"({', '.join(f'{n} {s}' for s, n in statuses.most_common())}): wall {wall:.1f} s ({len(articles) / wall:.0f} articles/s); "
                    f"ingesting thread {1000 * cpu / len(articles):.3f} ms CPU per article: {split}; {load()}",
                    flush=True,
                )
    base = statistics.median(per_article[sizes[0]])
    for size in sizes:
        value = statistics.median(per_article[size])
        print(f"batch {size:,}: median {1000 * value:.3f} ms CPU per article on the ingesting thread, {value / base:.2f}x batch {sizes[0]:,}")
    print(f"{load()} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
