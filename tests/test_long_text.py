"""Long inputs: text scraped onto one line, and articles made of thousands of similar sentences or quotes.

Alignment and quote matching score every pair, but keep a bounded number of
candidates per sentence and give a sentence up after ``MAX_REJECTIONS``
rejected candidates, so their cost is bounded by the inputs' size; these tests
count the work instead of timing it (``benchmarks/bench_long_text.py`` times it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import compare.pair.align as align_module
from compare import Article, compare_articles
from compare.pair.prepare import prepare
from compare.pair.quotes import extract_quotes, match_quotes

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "fixtures/seeds/001_70d18d04582d512c.txt"
sys.path.insert(0, str(REPO / "benchmarks"))
from generate_articles import Generator  # noqa: E402


def _one_line(texts: list[str]) -> str:
    return " ".join(" ".join(text.split()) for text in texts)


@pytest.fixture(scope="module")
def generated_texts() -> list[str]:
    generator = Generator(seed=5)
    return [generator.article_text()[1] for _ in range(60)]


def test_an_article_inside_a_long_one_line_text_is_still_found(generated_texts):
    seed = SEED.read_text(encoding="utf-8")
    alone = compare_articles(seed, seed)
    # ~220 KB of other news on one line, the seed's text somewhere in the middle
    long = _one_line([*generated_texts[:30], seed, *generated_texts[30:]])
    assert "\n" not in long and len(long) > 200_000
    comparison = compare_articles(long, seed)
    found = {alignment.b_indices for alignment in comparison.alignments}
    claims = {alignment.b_indices for alignment in alone.alignments}
    # the seed's own sentences are found in the long text; only the headline,
    # which the one-line text runs into the sentence before it, may be lost
    assert len(found & claims) >= len(claims) - 1
    assert len(prepare(Article(id="long", text=long)).sentences) > 1_000  # over the old work limit


def test_a_sentence_is_given_up_after_its_budget_of_rejections(monkeypatch):
    # 400 sentences on each side, alike in wording, different in what they say:
    # every pair is a candidate and nearly every classification a rejection
    a = Article(id="a", text="".join(f"Officials in district {k} said the vote on the budget was delayed.\n" for k in range(400)))
    b = Article(id="b", text="".join(f"Officers in county {k} reported that the count of the ballots was halted.\n" for k in range(400)))
    pa, pb = prepare(a), prepare(b)
    calls = []
    original = align_module.classify

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(align_module, "classify", counting)
    align_module.align(pa, pb, explain=False)
    # each rejection uses up one of a B sentence's MAX_REJECTIONS; matches end a sentence's turn
    assert len(calls) <= align_module.MAX_REJECTIONS * len(pb.forms) + len(pb.forms)
    monkeypatch.setattr(align_module, "MAX_REJECTIONS", 2)
    calls.clear()
    align_module.align(pa, pb, explain=False)
    assert len(calls) <= 3 * len(pb.forms)


def test_candidates_per_sentence_are_bounded_and_best_first(monkeypatch):
    a = Article(id="a", text="".join(f"The council met on day {k} to discuss the new bridge.\n" for k in range(100)))
    pa = prepare(a)
    monkeypatch.setattr(align_module, "MAX_CANDIDATES_PER_SENTENCE", 5)
    candidates = align_module._ranked_candidates(pa, pa)
    per_row: dict[int, int] = {}
    for i, _j, _contained in candidates:
        per_row[i] = per_row.get(i, 0) + 1
    assert max(per_row.values()) == 5
    # a sentence's own copy is its best candidate, and it comes first
    first_of_row = {}
    for i, j, _contained in candidates:
        first_of_row.setdefault(i, j)
    assert all(first_of_row[i] == i for i in first_of_row)


def test_thousands_of_identical_short_quotes_match_one_to_one():
    text = "Headline\n\n" + "".join(f'"We will win," the coach said on day {k}.\n' for k in range(1_500))
    quotes = extract_quotes(text)
    assert len(quotes) == 1_500
    matches = match_quotes(quotes, quotes)
    same = [m for m in matches if m.kind == "same"]
    assert len(same) == 1_500
    assert len({m.a.start for m in same}) == len({m.b.start for m in same}) == 1_500


def test_alignment_blocks_give_the_same_alignment_as_one_block(monkeypatch):
    seed = SEED.read_text(encoding="utf-8")
    other = (REPO / "fixtures/seeds/002_368f83f70b87536e.txt").read_text(encoding="utf-8")
    pa, pb = prepare(seed), prepare(other)
    whole = align_module.align(pa, pb)
    monkeypatch.setattr(align_module, "ROW_BLOCK", 3)
    assert align_module.align(pa, pb) == whole


def test_the_rejection_budget_changes_no_alignment_of_the_fixture_pairs():
    from evaluation.alignment_budget import evaluate

    result = evaluate(limit=0)  # the bundled fixtures only
    assert result.pairs == 496 and result.alignments > 50
    assert result.changed_alignments == 0
    assert max(result.rejections_before_match) < align_module.MAX_REJECTIONS
    assert result.classify_calls_budget <= result.classify_calls_unbounded
