"""How many rejected candidates a sentence meets before its match: the data behind ``MAX_REJECTIONS``.

Run: ``python -m evaluation.alignment_budget [--limit N]``.

``compare.pair.align.align`` gives a sentence up after ``MAX_REJECTIONS``
candidates that ``classify`` turned down, so that two long articles of similar
sentences cannot make it classify every pair. This script aligns pairs of
articles about one story with no such budget and records, for every alignment
made, how many rejections its two sentences had met before it (the larger of
the two), then aligns them again with the budget and counts the alignments
that changed. Pairs: the bundled fixtures (seeds, variants, stories) and, when
``../shared`` is present, METER showbiz (each newspaper article against the
wire copy in its folder) and GVA local-news pages of one incident.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

import numpy as np

import compare.pair.align as align_module
from compare.article import Article
from compare.errors import ArticleTooLongError, EmptyArticleError
from compare.load.articles import iter_articles
from compare.pair.prepare import Prepared, prepare
from evaluation import REPO_DIR, SHARED_DIR


@dataclass(frozen=True)
class BudgetResult:
    pairs: int
    alignments: int
    #: per alignment made without a budget: rejections met by its sentences before it
    rejections_before_match: tuple[int, ...]
    classify_calls_unbounded: int
    classify_calls_budget: int
    changed_alignments: int
    budget: int

    def share_needing_more_than(self, k: int) -> float:
        counts = np.asarray(self.rejections_before_match)
        return float((counts > k).mean()) if counts.size else 0.0


def _fixture_pairs() -> Iterator[tuple[Article, Article]]:
    articles = list(iter_articles([REPO_DIR / "fixtures" / name for name in ("seeds", "variants", "stories")]))
    yield from combinations(articles, 2)


def _meter_pairs(limit: int) -> Iterator[tuple[Article, Article]]:
    root = SHARED_DIR / "data" / "meter-showbiz"
    if not root.is_dir():
        return
    count = 0
    for story in sorted((root / "newspapers").glob("*/*")):
        wire_dir = root / "PA" / story.parent.name / story.name
        if not wire_dir.is_dir():
            continue
        wires = [p for p in sorted(wire_dir.glob("*.txt")) if p.name != "readme.txt"]
        papers = [p for p in sorted(story.glob("*.txt")) if p.name != "readme.txt"]
        if not wires:
            continue
        wire = next(iter(iter_articles([wires[0]])))
        for paper in papers:
            if count >= limit:
                return
            yield next(iter(iter_articles([paper]))), wire
            count += 1


def _gva_pairs(limit: int) -> Iterator[tuple[Article, Article]]:
    path = SHARED_DIR / "data" / "gva-dev" / "pages.jsonl"
    if not path.is_file():
        return
    by_incident: dict[str, list[Article]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            page = json.loads(line)
            if page.get("usable"):
                by_incident.setdefault(str(page["incident"]), []).append(Article(id=str(page["doc_id"]), text=page["text"]))
    count = 0
    for pages in by_incident.values():
        for a, b in combinations(pages[:4], 2):
            if count >= limit:
                return
            yield a, b
            count += 1


def _prepared(article: Article) -> Prepared | None:
    try:
        return prepare(article)
    except (ArticleTooLongError, EmptyArticleError):
        return None


def _align_counting(a: Prepared, b: Prepared, budget: int) -> tuple[set, list[int], int]:
    """Alignments (i, j, kind), per alignment the rejections met before it, and classify calls."""
    index_a = {id(form): k for k, form in enumerate(a.forms)}
    index_b = {id(form): k for k, form in enumerate(b.forms)}
    rejected_a: dict[int, int] = {}
    rejected_b: dict[int, int] = {}
    before: list[int] = []
    calls = 0
    original_classify, original_budget = align_module.classify, align_module.MAX_REJECTIONS

    def counting(form_a, form_b, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        kind = original_classify(form_a, form_b, **kwargs)
        i, j = index_a.get(id(form_a)), index_b.get(id(form_b))
        if i is None or j is None:  # many-to-one growth classifies joined texts
            return kind
        if kind is None:
            rejected_a[i] = rejected_a.get(i, 0) + 1
            rejected_b[j] = rejected_b.get(j, 0) + 1
        else:
            before.append(max(rejected_a.get(i, 0), rejected_b.get(j, 0)))
        return kind

    align_module.classify = counting
    align_module.MAX_REJECTIONS = budget
    try:
        alignments = align_module.align(a, b, explain=False)
    finally:
        align_module.classify, align_module.MAX_REJECTIONS = original_classify, original_budget
    return {(g.a_indices, g.b_indices, g.kind) for g in alignments}, before, calls


def evaluate(*, limit: int = 400, budget: int | None = None) -> BudgetResult:
    budget = align_module.MAX_REJECTIONS if budget is None else budget
    pairs = alignments = calls_unbounded = calls_budget = changed = 0
    rejections: list[int] = []
    sources = (_fixture_pairs(), _meter_pairs(limit), _gva_pairs(limit))
    for a_article, b_article in (pair for source in sources for pair in source):
        a, b = _prepared(a_article), _prepared(b_article)
        if a is None or b is None:
            continue
        free, before, calls = _align_counting(a, b, budget=10**9)
        bounded, _, bounded_calls = _align_counting(a, b, budget=budget)
        pairs += 1
        alignments += len(free)
        rejections.extend(before)
        calls_unbounded += calls
        calls_budget += bounded_calls
        changed += len(free ^ bounded)
    return BudgetResult(pairs, alignments, tuple(rejections), calls_unbounded, calls_budget, changed, budget)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=400, help="pairs taken from each of METER and GVA")
    parser.add_argument("--budget", type=int, default=None, help="rejections allowed (default MAX_REJECTIONS)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = evaluate(limit=args.limit, budget=args.budget)
    print(f"{result.pairs} article pairs, {result.alignments} alignments without a budget")
    for k in (0, 1, 2, 4, 8, 12, 16):
        print(f"  matched after more than {k:>2} rejections: {result.share_needing_more_than(k):.4f}")
    print(f"  most rejections before a match: {max(result.rejections_before_match, default=0)}")
    print(
        f"budget {result.budget}: {result.changed_alignments} alignments changed "
        f"(symmetric difference); classify calls {result.classify_calls_budget:,} "
        f"against {result.classify_calls_unbounded:,} without a budget"
    )
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
