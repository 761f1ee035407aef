"""Report benchmark: ``python benchmarks/bench_report.py`` from the repository root.

Builds the overlap report (``compare.report.build.build_report``, everything the
``report`` command does except reading files and rendering) over 250, 500
and 1,000 generated story-structured articles (``story_corpus.py``), each size
in a fresh process so that its peak memory (max RSS) is its own. Prints the
times, the growth ratio per doubling, and the peak memory. Then the baseline
that story candidates avoid: aligning *all* pairs of the 250-article set with
``compare_articles``; it is timed on a fixed random sample of pairs and
scaled to all 31,125 pairs (the sample size is printed), with the ratio.

Options: ``--sizes 250,500,1000`` and ``--baseline-pairs 400``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from story_corpus import StoryCorpus  # noqa: E402


def run_one(size: int) -> dict[str, float]:
    from compare.render.report_markdown import render_report_markdown
    from compare.report.build import build_report

    articles = list(StoryCorpus().articles(size))
    started = time.perf_counter()
    report = build_report(articles)
    built = time.perf_counter() - started
    render_report_markdown(report)
    rendered = time.perf_counter() - started
    return {
        "size": size,
        "seconds": built,
        "with_markdown": rendered,
        "stories": len(report.stories),
        "multi": report.summary.multi_article_stories,
        "duplicate_groups": len(report.duplicate_groups),
        "aligned_pairs": sum(len(s.evidence) for s in report.stories),
        # The main process; alignment workers are forked from a forkserver, not
        # from us, so getrusage cannot see them (they hold only pairs in flight).
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def baseline(size: int, sample: int) -> dict[str, float]:
    from compare.pair.compare import compare_articles

    articles = list(StoryCorpus().articles(size))
    pairs = [(i, j) for i in range(size) for j in range(i + 1, size)]
    chosen = random.Random(1).sample(pairs, min(sample, len(pairs)))
    started = time.perf_counter()
    for i, j in chosen:
        compare_articles(articles[i], articles[j])
    seconds = time.perf_counter() - started
    return {"pairs": len(pairs), "sampled": len(chosen), "seconds": seconds, "all_pairs_seconds": seconds / len(chosen) * len(pairs)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,500,1000")
    parser.add_argument("--baseline-pairs", type=int, default=400)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return 0
    if args.baseline:
        print(json.dumps(baseline(args.baseline, args.baseline_pairs)))
        return 0

    def child(*flags: str) -> dict[str, float]:
        env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
        done = subprocess.run([sys.executable, __file__, *flags], capture_output=True, text=True, env=env, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"report benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average at start {load}")
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        result = child("--one", str(size))
        results.append(result)
        print(
            f"{size:>6} articles: {result['seconds']:6.1f} s build ({result['with_markdown']:.1f} s with Markdown), "
            f"{size / result['seconds']:5.0f} articles/s, {result['stories']} stories ({result['multi']} multi-article), "
            f"{result['duplicate_groups']} near-duplicate groups, {result['aligned_pairs']} pairs aligned, "
            f"peak {result['peak_mb']:.0f} MB (main process)"
        )
    for smaller, larger in itertools.pairwise(results):
        ratio = larger["seconds"] / smaller["seconds"]
        print(f"growth {smaller['size']} -> {larger['size']} articles (x{larger['size'] / smaller['size']:.0f}): time x{ratio:.2f}")
    first = results[0]
    base = child("--baseline", str(first["size"]), "--baseline-pairs", str(args.baseline_pairs))
    print(
        f"baseline, all pairs aligned with compare_articles on {first['size']} articles: {base['sampled']} of "
        f"{base['pairs']} pairs timed in {base['seconds']:.1f} s -> {base['all_pairs_seconds']:.0f} s for all pairs, "
        f"x{base['all_pairs_seconds'] / first['seconds']:.0f} the report's {first['seconds']:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
