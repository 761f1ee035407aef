"""Alignment: one cdist per pair, kinds, variants, many-to-one, tie-breaking, invariants."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare import compare_articles as lazy_compare_articles
from compare.article import Article
from compare.errors import ArticleTooLongError, EmptyArticleError
from compare.load.articles import load_article
from compare.pair.align import _Containment, align, classify, related_containment
from compare.pair.compare import compare_articles
from compare.pair.diff import word_diff
from compare.pair.matching import match_form
from compare.pair.model import DiffOp
from compare.pair.prepare import prepare

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def kind_of(a: str, b: str) -> str | None:
    return classify(match_form(a), match_form(b), a_text=a, b_text=b)


def test_public_api_is_lazy_and_points_to_align() -> None:
    assert lazy_compare_articles is compare_articles


def test_kinds() -> None:
    base = "The Kremlin said on Tuesday that Western arms supplies to Ukraine would not ease tensions in the region."
    assert kind_of(base, base) == "identical"
    assert kind_of(base, base.replace("on Tuesday", "on Wednesday")) == "near-identical"
    assert kind_of(
        "Russia held three rounds of talks last week with the United States and NATO, but the talks produced no breakthrough.",
        "Last week's three rounds of talks between Russia, the United States and NATO ended without any breakthrough.",
    ) == "paraphrase"
    assert kind_of(
        "Russia demanded guarantees from NATO not to expand eastward.",
        "Following the talks, Russia demanded that NATO provide a written answer on guarantees not to expand eastward and to pull back troops from eastern Europe.",
    ) == "partial"
    assert kind_of(base, "Canada sent a small contingent of special forces to Kyiv on Jan. 9.") is None


def test_partial_with_synonyms_and_a_capital_for_its_country() -> None:
    # The seeds' shared claim (000 ~ 003) worded with London/Britain, Kyiv/Ukraine, providing/supplying.
    long = (
        "British Prime Minister Boris Johnson's office said last week that London is providing Kyiv with more "
        "defensive military aid, including protected mobility vehicles, drones and anti-tank weapons."
    )
    short = "Britain said this week it had begun supplying Ukraine with anti-tank weapons."
    forms = [match_form(t) for t in (long, short, "Germany also said this week it will start shipping heavy weapons to Ukraine.")]
    weights = _Containment(forms[:1], forms[1:]).weight
    assert related_containment(forms[0], forms[1], weights) >= 0.5
    assert classify(forms[0], forms[1], contained=0.38, a_text=long, b_text=short, weights=weights) == "partial"
    assert classify(forms[0], forms[1], contained=0.38, a_text=long, b_text=short) is None  # exact words only
    # Another actor doing a similar thing is no part of the claim: every name of the smaller side must be found.
    assert related_containment(forms[2], forms[1], weights) == 0.0


def test_name_and_figure_variants_do_not_break_a_match() -> None:
    kiev = "The United States is escalating the tense situation between Kiev and Moscow by sending $200 million in weapons."
    kyiv = "The United States is escalating the tense situation between Kyiv and Moscow by sending 200 million dollars in weapons."
    assert match_form(kiev).words == match_form(kyiv).words
    assert kind_of(kiev, kyiv) == "near-identical"


def test_different_figures_are_no_near_identical_match() -> None:
    a = "Washington has authorized an additional $1 billion in security aid to Ukraine."
    b = "Washington has authorized an additional 200 million dollars in security aid to Ukraine."
    assert kind_of(a, b) != "near-identical"


def test_one_cdist_call_per_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    from rapidfuzz import process

    calls = []
    real = process.cdist

    def counting(*args, **kwargs):
        calls.append(kwargs.get("scorer"))
        return real(*args, **kwargs)

    monkeypatch.setattr(process, "cdist", counting)
    a = load_article(SEEDS / "001_70d18d04582d512c.txt")
    b = load_article(SEEDS / "003_625db1e6dcb7c4b7.txt")
    compare_articles(a, b, analyse=False)
    assert len(calls) == 1


def test_many_to_one_when_an_outlet_split_a_sentence() -> None:
    a = (
        "Peskov said the supplies of weapons to Ukraine would lead to further escalation of the conflict "
        "and that Moscow would respond to any threat from NATO countries.\n"
    )
    b = (
        "Peskov said the supplies of weapons to Ukraine would lead to further escalation of the conflict. "
        "Moscow would respond to any threat from NATO countries, he added.\n"
    )
    comparison = compare_articles(a, b)
    assert [(x.a_indices, x.b_indices) for x in comparison.alignments] == [((0,), (0, 1))]
    links = comparison.to_dict()["alignments"]
    assert [(e["a_index"], e["b_index"]) for e in links] == [(0, 0), (0, 1)]


def test_tie_break_prefers_the_same_relative_position() -> None:
    sentence = "The Kremlin said Western weapons deliveries to Ukraine threaten the security of Europe."
    filler_a = "Germany will ship tanks next month according to its defence ministry."
    filler_b = "Farmers in France protested against cheap grain imports on Monday."
    a = Article(id="a", text=f"{sentence}\n{filler_a}\n{sentence}\n")
    b = Article(id="b", text=f"{filler_b}\n{sentence}\n")
    alignments = align(prepare(a), prepare(b))
    # Both copies in A score the same against B's only copy; relative positions
    # are A0 = 0/3, A2 = 2/3 and B1 = 1/2, so A2 (0.17 away) wins over A0 (0.5 away).
    assert [(x.a_indices, x.b_indices) for x in alignments] == [((2,), (1,))]


def test_word_diff_shows_exactly_the_changed_words() -> None:
    ops = word_diff("Peskov told reporters on Tuesday in Kiev.", "Peskov told journalists on Tuesday in Kyiv.")
    assert [op for op in ops if op.tag != "equal"] == [
        DiffOp("replace", "reporters", "journalists"),
        DiffOp("variant", "Kiev.", "Kyiv."),  # the same word for matching, written otherwise
    ]


def test_self_comparison_of_a_seed() -> None:
    article = load_article(SEEDS / "000_e6f0c9be4bb1d9ca.txt")
    comparison = compare_articles(article, article)
    assert comparison.verdict == "duplicate"
    assert comparison.similarity.jaccard == 1.0
    assert all(x.kind == "identical" and x.score == 1.0 for x in comparison.alignments)
    # Every claim is aligned with itself; the headline, the photo caption and the
    # "AFP contributed reporting." credit are not claims and are never aligned.
    claims = [k for k, reason in enumerate(prepare(article).non_claims) if reason is None]
    assert [x.a_indices[0] for x in comparison.alignments] == claims
    assert len(claims) == len(comparison.a_sentences) - 3
    assert {q.kind for q in comparison.quotes} == {"same"}
    assert not [d for d in comparison.divergences if d.kind != "one-sided claim"]
    assert not [d for d in comparison.divergences if d.kind == "one-sided claim"]


def test_to_dict_has_exactly_the_contract_keys_and_spans_into_text() -> None:
    a = load_article(SEEDS / "001_70d18d04582d512c.txt")
    b = load_article(SEEDS / "003_625db1e6dcb7c4b7.txt")
    data = compare_articles(a, b).to_dict()
    assert list(data) == ["a", "b", "verdict", "similarity", "story", "alignments", "quotes", "divergences"]
    assert data["a"] == {"id": a.id, "title": a.title, "source": a.source}
    assert set(data["similarity"]) == {"jaccard", "containment_a_in_b", "containment_b_in_a"}
    assert data["alignments"]
    for entry in data["alignments"]:
        assert list(entry) == ["a_index", "b_index", "a_span", "b_span", "score", "kind", "probability", "why"]
        assert a.text[entry["a_span"][0] : entry["a_span"][1]].strip()
    for quote in data["quotes"]:
        assert {"speaker", "a_text", "b_text", "kind", "diff"} <= set(quote)
    for divergence in data["divergences"]:
        assert {"kind", "a_text", "b_text", "detail"} <= set(divergence)


def test_bad_inputs_raise_library_errors() -> None:
    with pytest.raises(EmptyArticleError, match="only site chrome"):
        compare_articles("Support The Moscow Times!\n\nRead more\n", "A real sentence about Kyiv.")
    with pytest.raises(ArticleTooLongError, match="too long to compare"):
        compare_articles("word " * 100, "Another text.", max_chars=50)
    with pytest.raises(TypeError, match="load_article"):
        compare_articles(SEEDS / "000_e6f0c9be4bb1d9ca.txt", "text")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="shingle_size"):
        compare_articles("a b c.", "a b c.", shingle_size=0)


sentences = st.lists(
    st.sampled_from(
        [
            "The Kremlin said on Tuesday that arms supplies would not ease tensions.",
            "Peskov told reporters that weapons threaten Europe.",
            "Britain said it had begun supplying Ukraine with anti-tank weapons.",
            "Washington authorized an additional $200 million in security aid to Kyiv.",
            "Russia held three rounds of talks last week with NATO.",
            "Zakharova said the weapons could end up in the hands of terrorists.",
            "Farmers in France protested against cheap grain imports on Monday.",
        ]
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=40, deadline=None)
@given(sentences, sentences)
def test_similarity_is_symmetric_and_bounded(first: list[str], second: list[str]) -> None:
    a, b = " ".join(first), " ".join(second)
    ab, ba = compare_articles(a, b, analyse=False), compare_articles(b, a, analyse=False)
    assert ab.similarity.jaccard == pytest.approx(ba.similarity.jaccard)
    assert ab.similarity.containment_a_in_b == pytest.approx(ba.similarity.containment_b_in_a)
    for value in (ab.similarity.jaccard, ab.similarity.containment_a_in_b, ab.similarity.containment_b_in_a):
        assert 0.0 <= value <= 1.0
    assert all(0.0 <= x.score <= 1.0 for x in ab.alignments)
    assert ab.verdict == ba.verdict
    assert len(ab.alignments) == len(ba.alignments)


@settings(max_examples=40, deadline=None)
@given(sentences)
def test_self_comparison_scores_one(first: list[str]) -> None:
    text = " ".join(first)
    comparison = compare_articles(text, text, analyse=False)
    assert comparison.similarity.jaccard == 1.0
    assert comparison.verdict == "duplicate"
    assert all(x.score == 1.0 and x.kind == "identical" for x in comparison.alignments)


messy = st.lists(
    st.sampled_from(
        [
            *"abcXYZ .,!?;:'\"“”‘’«»`-—\n$%0123456789中。",
            *("U.S.", " said ", " Peskov ", "Feb. ", " million ", " dollars", "<u>", "</u>", "``", "''", " he "),
        ]
    ),
    max_size=80,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(messy, messy)
def test_messy_text_never_crashes_and_spans_hold(first: str, second: str) -> None:
    from compare.errors import ArticleCompareError
    from compare.render.pair_markdown import render_pair_markdown
    from compare.render.pair_text import render_pair_text

    try:
        comparison = compare_articles(first, second)
    except ArticleCompareError:
        return
    render_pair_text(comparison, color=True)
    render_pair_markdown(comparison)
    for match in comparison.quotes:
        for quote, article in ((match.a, comparison.a), (match.b, comparison.b)):
            if quote is not None:
                assert article.text[quote.start : quote.end] == quote.text
    for sentence in comparison.a_sentences:
        assert comparison.a.text[sentence.start : sentence.end] == sentence.text


def test_seeds_months_apart_are_related_coverage() -> None:
    from dataclasses import replace
    from itertools import combinations

    dates = {"000": "2022-04-21", "001": "2022-01-17", "002": "2021-11-23", "003": "2022-01-19", "004": "2023-07-12"}
    seeds = [load_article(p) for p in sorted(SEEDS.glob("*.txt"))]
    seeds = [replace(s, published=dates[Path(s.id).name[:3]]) for s in seeds]
    for a, b in combinations(seeds, 2):
        verdict = compare_articles(a, b).verdict
        apart = abs(int(a.published[:4]) * 12 + int(a.published[5:7]) - int(b.published[:4]) * 12 - int(b.published[5:7]))
        assert verdict == ("same story" if apart == 0 else "related"), (a.id, b.id, verdict)


def test_pair_verdict_is_the_reports_relation_for_every_pair_of_seeds() -> None:
    from itertools import combinations

    from compare.report.build import build_report

    seeds = [load_article(p) for p in sorted(SEEDS.glob("*.txt"))]
    for a, b in combinations(seeds, 2):
        (relation,) = [p.relation for p in build_report([a, b], workers=0).pairs] or ["unrelated"]
        assert compare_articles(a, b).verdict == relation, (a.id, b.id)


def test_shared_names_and_place_make_articles_related_and_none_unrelated() -> None:
    a = "Johnny Depp arrived at Simpsons in London for the Sleepy Hollow dinner with Tim Burton.\n"
    b = "At the Sleepy Hollow premiere Depp wore a woolly hat; Burton smiled for the cameras.\n"
    c = "Farmers in Normandy protested against cheap grain imports on Monday.\n"
    assert compare_articles(a, b).verdict in {"related", "same story"}
    assert compare_articles(a, c).verdict == "unrelated"


def test_alignment_without_explanations_is_the_same_alignment() -> None:
    from dataclasses import replace

    a, b = (load_article(p) for p in sorted(SEEDS.glob("*.txt"))[1:4:2])
    full = compare_articles(a, b)
    bare = compare_articles(a, b, explain=False)
    assert full.alignments and all(x.probability is None and x.why == () for x in bare.alignments)
    assert [replace(x, probability=None, why=()) for x in full.alignments] == list(bare.alignments)
    assert (bare.verdict, bare.quotes, bare.divergences) == (full.verdict, full.quotes, full.divergences)
