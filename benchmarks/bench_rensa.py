"""In-process ``find_duplicates`` against a plain rensa pipeline, per CPU-second, in one run.

    python benchmarks/bench_rensa.py --count 3000 [--rensa-python PYTHON]

Both sides read the same generated articles (``bench-data/``, as bench_dedup.py)
and do the same job in one process: word 4-shingles of the normalized text,
MinHash with 64 permutations, LSH candidates, exact verification of every
candidate (Jaccard >= 0.5 or containment >= 0.8). The rensa side is what a
rensa user writes: ``RMinHash(64, seed).update(shingles)`` per article,
``RMinHashLSH`` insert and query, Python sets for the exact scores. Ours is
``find_duplicates(articles, workers=0)``, which also strips chrome, learns
chrome per source, and computes the character signal and the containment
anchors: more work per article, not less.

rensa is not a dependency of article-compare: it is installed only in the
benchmark's environment. ``--rensa-python`` names an interpreter where
``import rensa`` works (default: this one); the rensa side runs there in a
child process, timed by its own CPU clock (``time.process_time``), loading
the texts not counted on either side.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from benchutil import REPO, child_env, load, machine
from generate_articles import cached_jsonl

# The rensa side, run as a child with the JSONL path as its argument. Tokenization is
# article-compare's own ``words`` (normalize, case-fold, \w+), so both sides shingle the
# same tokens; the verification thresholds are article-compare's defaults.
RENSA_SIDE = r"""
import json, sys, time
from rensa import RMinHash, RMinHashLSH
from compare.text.normalize import words

texts = [(r["id"], r["text"]) for r in map(json.loads, open(sys.argv[1], encoding="utf-8"))]
start = time.process_time()
lsh = RMinHashLSH(threshold=0.5, num_perm=64, num_bands=16)
sets, pairs = [], 0
for key, (article_id, text) in enumerate(texts):
    tokens = words(text)
    shingles = {" ".join(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3))}
    minhash = RMinHash(num_perm=64, seed=1)
    minhash.update(list(shingles))
    for other in lsh.query(minhash):
        common = len(shingles & sets[other])
        smaller = min(len(shingles), len(sets[other])) or 1
        if common / (len(shingles) + len(sets[other]) - common) >= 0.5 or common / smaller >= 0.8:
            pairs += 1
    lsh.insert(key, minhash)
    sets.append(shingles)
print(json.dumps({"seconds": time.process_time() - start, "articles": len(texts), "pairs": pairs}))
"""


def ours(path: Path) -> tuple[float, int, int]:
    """CPU seconds, articles and pairs of in-process find_duplicates (texts parsed before the clock)."""
    from compare.article import Article
    from compare.dedup.batch import find_duplicates

    articles = [
        Article(id=r["id"], text=r["text"], source=r.get("source"), title=r.get("title"))
        for r in map(json.loads, path.open(encoding="utf-8"))
    ]
    find_duplicates(articles[:50], workers=0)  # warm caches and imports
    start = time.process_time()
    result = find_duplicates(articles, workers=0)
    return time.process_time() - start, len(articles), len(result.pairs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="generated articles (default 3000)")
    parser.add_argument("--rensa-python", default=sys.executable, help="an interpreter that can import rensa")
    args = parser.parse_args()
    print(f"machine: {machine()}; {load()} before")
    path = cached_jsonl(REPO / "bench-data", args.count)
    seconds, count, pairs = ours(path)
    print(f"article-compare find_duplicates, in-process: {count} articles in {seconds:.2f} CPU s = {count / seconds:,.0f} articles per CPU-second ({pairs} pairs)")
    env = child_env()
    child = subprocess.run([args.rensa_python, "-c", RENSA_SIDE, str(path)], env=env, capture_output=True, text=True)
    if child.returncode != 0:
        print(f"rensa side failed (is rensa installed for {args.rensa_python}?):\n{child.stderr.strip()}")
        return 1
    rensa = json.loads(child.stdout)
    rate = rensa["articles"] / rensa["seconds"]
    print(f"baseline, rensa RMinHash + RMinHashLSH + exact sets: {rensa['articles']} articles in {rensa['seconds']:.2f} CPU s = {rate:,.0f} articles per CPU-second ({rensa['pairs']} pairs)")
    print(f"ratio: article-compare is {count / seconds / rate:.2f}x the rensa pipeline per CPU-second")
    print(f"{load()} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
