"""The claim matcher, the non-claim filter and the issue's agreement failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from compare.article import Article
from compare.load.articles import load_article
from compare.pair.claims import (
    best_clause_match,
    claim_probability,
    clauses,
    content_sets,
    explain,
    load_model,
    non_claim_reason,
)
from compare.pair.compare import compare_articles
from compare.pair.matching import match_form
from compare.pair.prepare import prepare

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = FIXTURES / "seeds"


def p(a: str, b: str) -> float:
    return claim_probability(match_form(a), match_form(b))


def test_probability_is_symmetric_and_bounded() -> None:
    a = "The central bank raised interest rates by half a point on Wednesday."
    b = "On Wednesday the central bank lifted rates by 0.5 percentage points."
    assert 0.0 <= p(a, b) <= 1.0
    assert p(a, b) == pytest.approx(p(b, a), abs=1e-9)
    assert p(a, a) > 0.9


def test_spelling_variants_are_the_same_word() -> None:
    # Kiev/Kyiv from the variant list; Zelenskiy/Zelenskyy as a one-letter variant.
    assert p("Zelenskiy met officials in Kiev on Monday.", "Zelenskyy met officials in Kyiv on Monday.") > 0.9


def test_synonyms_and_places_are_shared_words() -> None:
    # WordNet synonyms with their inflections; a capital, its country, demonym and other names.
    a = match_form("London is providing Kyiv with anti-tank weapons.")
    b = match_form("Britain began supplying Ukraine with anti-tank weapons.")
    _, _, shared = content_sets(a, b)
    assert {"britain", "kyiv", "provid"} <= shared
    assert "british" in content_sets(match_form("British troops left."), match_form("UK troops left."))[2]
    # Unrelated words stay apart, and a word does not match two on the other side.
    assert content_sets(match_form("Paris sent aid."), match_form("Britain sent aid."))[2] == {"sent", "aid"}
    assert p(
        "London is providing Kyiv with anti-tank weapons.", "Britain began supplying Ukraine with anti-tank weapons."
    ) > p("London is providing Kyiv with anti-tank weapons.", "Moscow began supplying Syria with anti-tank weapons.")


def test_conflicting_figures_negation_and_other_actors_lower_the_probability() -> None:
    base = "The company said it would cut 1,200 jobs in Germany next year."
    same = "The company said it will cut 1,200 jobs in Germany next year."
    assert p(base, same) > load_model().threshold
    assert p(base, "The company said it would cut 4,500 jobs in Germany next year.") < p(base, same)
    assert p(base, "The company said it would not cut jobs in Germany next year.") < p(base, same)
    assert p(base, "The company said it would cut 1,200 jobs in France next year.") < p(base, same)


def test_unrelated_headlines_that_share_a_name_are_not_the_same_claim() -> None:
    # From the issue: aligned as "paraphrase" by the lexical matcher.
    assert p("I'll Have Another retired to stud", "I'll Have Another wins Preakness") < load_model().threshold


def test_explain_says_why() -> None:
    why = explain(match_form("Russia said it shot down 12 drones over Belgorod."), match_form("Russia says it downed 12 drones over Belgorod."))
    assert why.same_claim
    assert why.reasons and all(r.text for r in why.reasons)
    assert "belgorod" in why.shared_words
    data = why.to_dict()
    assert set(data) == {"probability", "same_claim", "shared_words", "only_a", "only_b", "reasons"}


def test_clause_level_match_finds_a_quote_without_its_attribution() -> None:
    a = '"This all leads to further escalation," Kremlin spokesman Dmitry Peskov told reporters.'
    b = '"This all leads to escalation," Peskov said.'
    assert "This all leads to further escalation," in clauses(a)
    probability, clause_a, clause_b = best_clause_match(a, b)
    assert probability >= load_model().threshold
    assert clause_a is not None and clause_b is not None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Kremlin spokesman Dmitry Peskov.", "caption"),
        ("A Ukrainian military serviceman walks along the front line. Anatolii Stepanov / AFP", "caption"),
        ("Firefighters at the scene on Main Street. (AP Photo/John Smith)", "caption"),
        ("Photo: Police tape at the scene", "caption"),
        ("By Jane Doe and John Smith", "byline"),
        ("Reporting by Dmitry Antonov; Editing by Peter Graff", "byline"),
        ("AFP contributed reporting.", "credit"),
        ("The Associated Press contributed to this report.", "credit"),
        ("MOSCOW (Reuters) -", "dateline"),
        ("November 23, 2021", "dateline"),
        ("Anyone with information is asked to call Crime Stoppers at 713-222-8477.", "tip line"),
        ("Police ask anyone with information about the shooting to call detectives at (555) 123-4567.", "tip line"),
        ("Tips can be submitted anonymously through the department's tip line.", "tip line"),
        ("Read more: Kremlin warns West", "promotion"),
    ],
)
def test_non_claims_are_recognised(text: str, reason: str) -> None:
    assert non_claim_reason(text) == reason


@pytest.mark.parametrize(
    "text",
    [
        "Peskov said weapons shipments endanger Europe.",
        "The man was pronounced dead at the scene, police said.",
        "Britain has sent defensive weapons to Ukraine.",
        "Police said the suspect, 24, was arrested on Tuesday and charged with murder.",
        "Kremlin spokesman Dmitry Peskov told reporters the talks had failed.",
        "Ukraine asked for more weapons.",
    ],
)
def test_claims_are_not_filtered(text: str) -> None:
    assert non_claim_reason(text) is None


def test_caption_and_headline_of_seeds_001_002_are_no_agreement() -> None:
    # The issue: `pair` on seeds 001 and 002 listed a photo caption against a Peskov quote,
    # and a sentence against the other article's headline.
    a = load_article(SEEDS / "001_70d18d04582d512c.txt")
    b = load_article(SEEDS / "002_368f83f70b87536e.txt")
    comparison = compare_articles(a, b)
    pa, pb = prepare(a), prepare(b)
    caption = next(s.index for s in pa.sentences if s.text.startswith("A Ukrainian military serviceman"))
    assert pa.non_claims[caption] == "caption"
    assert pb.non_claims[0] == "headline"
    for x in comparison.alignments:
        assert caption not in x.a_indices
        assert 0 not in x.b_indices
    one_sided = {d.a_text or d.b_text for d in comparison.divergences if d.kind == "one-sided claim"}
    assert not one_sided & {pa.sentences[caption].text, pb.sentences[0].text}


def test_a_shared_police_tip_line_is_no_agreement() -> None:
    tip = "Anyone with information is asked to call Crime Stoppers at 713-222-8477."
    a = Article.from_text(
        "Man shot on Elm Street\n\nA 32-year-old man was shot on Elm Street late Saturday, police said.\n\n"
        "He was taken to Memorial Hospital in stable condition.\n\n" + tip + "\n",
        id="a",
    )
    b = Article.from_text(
        "Woman hurt in Oak Avenue crash\n\nA woman was injured when two cars collided on Oak Avenue on Sunday morning.\n\n"
        "The other driver was not hurt, officers said.\n\n" + tip + "\n",
        id="b",
    )
    comparison = compare_articles(a, b)
    assert not comparison.alignments  # the shared tip line is no agreement


def test_seeds_and_variants_report_has_no_agreement_between_copies() -> None:
    # The issue: this report listed 50 "agreements", most of them a sentence of a seed
    # and the same sentence in its own republished variants.
    from compare.load.articles import iter_articles
    from compare.report.build import build_report

    report = build_report(iter_articles([FIXTURES / "seeds", FIXTURES / "variants"]))
    groups = [set(g.articles) for g in report.duplicate_groups]
    assert groups  # the variants are found as copies of their seeds
    for story in report.stories:
        for agreement in story.agreements:
            for group in groups:
                assert len(group & set(agreement.articles)) <= 1, agreement
            assert not set(agreement.articles) & set(agreement.republished)


# ---------------------------------------------------------------- figures on the development sets

@pytest.mark.shared_data
def test_cross_validated_figures_beat_the_baselines_and_hold_their_floors() -> None:
    from evaluation import claims

    if not claims.MSRP_PATH.exists() or not claims.STSB_PATH.exists():
        pytest.skip(f"development data not found ({claims.MSRP_PATH}, {claims.STSB_PATH})")
    report = claims.evaluate(folds=5, cross=False)
    matcher = report.method("claim matcher")
    # Floors a little under the measured figures (README, Quality: 0.7838, 0.8445, 0.7928,
    # 0.8812); the MSRP targets (accuracy 0.79, F1 0.85) are not reached yet.
    assert matcher.msrp.accuracy >= 0.78
    assert matcher.msrp.f1 >= 0.84
    assert matcher.stsb_spearman >= 0.79
    assert matcher.stsb_aligned.f1 >= 0.875
    for baseline in ("majority class", "rapidfuzz token_sort_ratio", "TF-IDF cosine"):
        other = report.method(baseline)
        assert matcher.msrp.accuracy > other.msrp.accuracy
        assert matcher.stsb_aligned.f1 > other.stsb_aligned.f1


def test_explanation_word_order_does_not_depend_on_the_string_hash_seed() -> None:
    # Words of equal weight came out in set order, which changes with PYTHONHASHSEED: the same
    # pair --explain/JSON differed between runs ("volodymyr, zelensky" vs "zelensky, volodymyr").
    import os
    import subprocess
    import sys

    code = (
        "from compare.pair.claims import explain_texts; print(explain_texts("
        "\"Volodymyr Zelensky met Olaf Scholz in Kyiv on Monday.\", "
        "\"Olaf Scholz and Volodymyr Zelensky met on Monday.\").shared_words)"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in (1, 2, 3, 4)
    }
    assert outputs == {"(\x27scholz\x27, \x27volodymyr\x27, \x27zelensky\x27, \x27olaf\x27, \x27met\x27, \x27monday\x27)\n"}


def test_data_files_store_words_as_packed_bytes_and_older_unicode_arrays_still_read():
    import numpy as np

    from compare.pair.claims import (
        BACKGROUND_PATH,
        MODEL_PATH,
        RELATED_PATH,
        pack_words,
        unpack_words,
    )

    words = ["kyiv", "naïve", "Zürich", "a b", "日本"]
    assert unpack_words(pack_words(words)) == words
    assert unpack_words(np.array(words)) == words
    assert unpack_words(pack_words([])) == []
    with pytest.raises(ValueError, match="newline"):
        pack_words(["two\nlines"])
    for path, names in ((MODEL_PATH, ("words", "grams")), (BACKGROUND_PATH, ("words",)), (RELATED_PATH, ("words",))):
        with np.load(path) as data:
            for name in names:
                assert data[name].dtype == np.uint8, (path.name, name)
                listed = unpack_words(data[name])
                assert listed == sorted(listed) and len(set(listed)) == len(listed)
