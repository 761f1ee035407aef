"""Divergences: figures attached to claims, framing, one-sided claims, entities."""

from __future__ import annotations

from pathlib import Path

from compare.load.articles import load_article
from compare.pair.compare import compare_articles
from compare.pair.divergence import substance
from compare.text.figures import canonicalize_figures, find_figures

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def kinds(comparison, kind: str):
    return [d for d in comparison.divergences if d.kind == kind]


def test_figures_are_normalized() -> None:
    (a,) = find_figures("an extra $200 million in aid")
    (b,) = find_figures("an extra 200 million dollars in aid")
    (c,) = find_figures("over $1 billion in aid")
    assert a.key == b.key == ("money", 200e6, "USD")
    assert c.key != a.key
    assert [f.kind for f in find_figures("up 2.5 percent on Feb. 24 with 100,000 troops in 2014")] == [
        "percent", "date", "count", "year",
    ]
    assert find_figures("Russian-made Mi-17 helicopters") == []
    assert canonicalize_figures("$200 million") == canonicalize_figures("200 million dollars")


def test_day_first_dates_are_dates() -> None:
    (a,) = find_figures("held on 24 February 2022 in Minsk")
    (b,) = find_figures("held on Feb. 24, 2022 in Minsk")
    assert a.key == b.key == ("date", "2022-02-24", "")
    assert [(f.kind, f.value) for f in find_figures("on the 9th of June, 12 marchers")] == [
        ("date", "06-09"), ("count", 12.0),
    ]
    comparison = compare_articles(
        "The talks were held on 24 February 2022 in Minsk.\n", "The talks were held on Feb. 25, 2022 in Minsk.\n"
    )
    (conflict,) = kinds(comparison, "conflicting figures")
    assert conflict.detail == "24 February 2022 vs Feb. 25, 2022"


def test_a_date_written_without_its_year_is_the_same_date() -> None:
    a = "Russia invaded Ukraine on Feb. 24 after months of buildup.\n"
    b = "Russia invaded Ukraine on February 24, 2022 after months of buildup.\n"
    assert kinds(compare_articles(a, b), "conflicting figures") == []
    (conflict,) = kinds(compare_articles(a.replace("24", "25"), b), "conflicting figures")
    assert conflict.detail == "Feb. 25 vs February 24, 2022"


def test_aligned_claims_with_different_figures_conflict() -> None:
    a = "Washington has authorized an additional $1 billion in security aid to Ukraine, a senior US official said.\n"
    b = "Washington has authorized an additional 200 million dollars in security aid to Ukraine, a senior US official said.\n"
    comparison = compare_articles(a, b)
    assert comparison.alignments
    (conflict,) = kinds(comparison, "conflicting figures")
    assert conflict.detail == "$1 billion vs 200 million dollars"


def test_same_figure_written_two_ways_is_no_conflict() -> None:
    a = "Washington has authorized an additional $200 million in security aid to Ukraine.\n"
    b = "Washington has authorized an additional 200 million dollars in security aid to Ukraine.\n"
    comparison = compare_articles(a, b)
    assert comparison.alignments[0].kind == "near-identical"
    assert kinds(comparison, "conflicting figures") == []


def test_figure_conflict_found_between_sentences_that_are_not_aligned() -> None:
    a = load_article(SEEDS / "000_e6f0c9be4bb1d9ca.txt")
    b = load_article(SEEDS / "003_625db1e6dcb7c4b7.txt")
    details = [d.detail for d in kinds(compare_articles(a, b), "conflicting figures")]
    assert len(details) == 1
    assert details[0].startswith("$1 billion vs 200 million dollars")


def test_framing_by_cue_verbs() -> None:
    a = "Foreign Ministry spokeswoman Maria Zakharova claimed the arms shipments could end up in the hands of terrorists.\n"
    b = "Foreign Ministry spokeswoman Maria Zakharova said the arms shipments could end up in the hands of terrorists.\n"
    comparison = compare_articles(a, b)
    (framing,) = kinds(comparison, "framing")
    assert framing.detail == "claimed vs said"


def test_one_sided_claims_rank_substantive_before_background() -> None:
    shared = "The Kremlin said Western arms deliveries to Ukraine threaten the security of Europe."
    a = (
        "Kremlin Warns the West\n"
        f"{shared}\n"
        "Russia has repeatedly complained about Western military support since 2014.\n"
        'Washington has earmarked over $1 billion for Kyiv, a senior official said, calling it "vital."\n'
        "AFP contributed reporting.\n"
    )
    comparison = compare_articles(a, shared + "\n")
    ranked = [d.a_text for d in kinds(comparison, "one-sided claim")]
    assert ranked[0].startswith("Washington has earmarked")
    assert ranked[-1].startswith("Russia has repeatedly")
    assert "AFP contributed reporting." not in ranked  # a credit, not a claim
    labels = {d.a_text: d.detail for d in kinds(comparison, "one-sided claim")}
    assert labels[ranked[0]] == "only in a: substantive claim"
    assert "Kremlin Warns the West" not in labels  # the headline is not a claim
    assert labels[ranked[-1]] == "only in a: background"
    assert substance("AFP contributed reporting.") < substance(ranked[0])


def test_entities_only_on_one_side() -> None:
    a = "Kremlin spokesman Dmitry Peskov spoke in Kiev as British Foreign Secretary Liz Truss called for more weapons.\n"
    b = "Peskov spoke in Kyiv on Tuesday about weapons for Ukraine.\n"
    comparison = compare_articles(a, b)
    only_a = [d.a_text for d in kinds(comparison, "entity only in a")]
    only_b = [d.b_text for d in kinds(comparison, "entity only in b")]
    assert only_a == ["Liz Truss"]
    assert only_b == ["Ukraine"]


def test_claims_of_different_actors_are_not_aligned() -> None:
    # The lexical matcher used to take these for a paraphrase and the "names differ"
    # divergence had to flag them; the claim matcher weighs the differing names.
    a = load_article(SEEDS / "000_e6f0c9be4bb1d9ca.txt")
    b = load_article(SEEDS / "003_625db1e6dcb7c4b7.txt")
    comparison = compare_articles(a, b)
    germany = next(s.index for s in comparison.a_sentences if s.text.startswith("Germany also said"))
    assert not [x for x in comparison.alignments if germany in x.a_indices]
    assert not kinds(comparison, "names differ")
