"""Normalization, spelling variants, content blocks and boilerplate (known and learned)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.load.articles import load_article
from compare.text.chrome import (
    BoilerplateLearner,
    known_chrome_reason,
    line_key,
    split_blocks,
    strip_boilerplate,
)
from compare.text.normalize import SPELLING_VARIANTS, fold, normalize, words
from evaluation import SHARED_DIR

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "fixtures" / "seeds").glob("*.txt"))
METER = SHARED_DIR / "data" / "meter-showbiz"

# Text with the characters normalization is about: curly quotes, dashes, odd spaces, ligatures.
news_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from("‘’“”«»–—−\u00a0\u2009\u00ad\u200b\ufeffﬁＡ½``''\n\t "),
    ),
    max_size=200,
)


# --- normalize / fold -------------------------------------------------------------------------


@given(news_text)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@given(news_text)
def test_fold_is_idempotent_and_agrees_with_normalize(text):
    once = fold(text)
    assert fold(once) == once
    assert fold(normalize(text)) == once


@given(news_text)
def test_normalize_keeps_line_structure(text):
    # NFKC can create line breaks only from characters that already were breaks; count ours.
    assert normalize(text).count("\n") >= text.count("\n")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("“Quoted” and ‘single’ and «guillemets»", "\"Quoted\" and 'single' and \"guillemets\""),
        ("Wire ``quotes'' folded", 'Wire "quotes" folded'),
        ("en – em — minus − dashes", "en - em - minus - dashes"),
        ("non\u00a0breaking\u2009thin   spaces\tand tabs", "non breaking thin spaces and tabs"),
        ("soft\u00adhyphen zero\u200bwidth", "softhyphen zerowidth"),
        ("ﬁnal Ｆullwidth ½", "final Fullwidth 1⁄2"),
        ("Case Is Kept\nand lines too", "Case Is Kept\nand lines too"),
    ],
)
def test_normalize_folds_typography(raw, expected):
    assert normalize(raw) == expected


def test_fold_case_folds():
    assert fold("KREMLIN Straße") == "kremlin strasse"


# --- words and spelling variants --------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ("Kiev", "Kyiv", "KYYIV"),
        ("Zelensky", "Zelenskiy", "Zelenskyy", "Zelenskyi"),
        ("Kharkov", "Kharkiv"),
        ("Donbass", "Donbas"),
        ("Shoygu", "Shoigu"),
    ],
)
def test_spelling_variants_fold_to_one_word(spellings):
    assert len({tuple(words(f"President {s} said")) for s in spellings}) == 1


def test_words_tokenizes_folded_text():
    assert words("Peskov’s “special military operation” — 100,000 troops") == [
        "peskov", "s", "special", "military", "operation", "100", "000", "troops",
    ]


def test_variants_table_is_extensible_per_call():
    variants = {**SPELLING_VARIANTS, "tchaikovsky": "chaikovsky"}
    assert words("Tchaikovsky in Kiev", variants=variants) == ["chaikovsky", "in", "kyiv"]
    assert words("Tchaikovsky") == ["tchaikovsky"]


def test_variant_table_is_folded_and_maps_to_fixed_points():
    for variant, canonical in SPELLING_VARIANTS.items():
        assert variant == fold(variant) and canonical == fold(canonical)
        assert SPELLING_VARIANTS.get(canonical, canonical) == canonical, f"{canonical} maps on again"


def test_kiev_and_kyiv_versions_of_a_seed_have_the_same_words():
    seed = load_article(REPO / "fixtures/seeds/002_368f83f70b87536e.txt")
    respelled = load_article(REPO / "fixtures/variants/002_utf8_bom_kyiv_spelling.txt")
    assert seed.text != respelled.text
    assert words(seed.text) == words(respelled.text)


def test_wire_quotes_do_not_change_the_words():
    seed = load_article(REPO / "fixtures/seeds/003_625db1e6dcb7c4b7.txt")
    wire = load_article(REPO / "fixtures/variants/003_wire_copy_latin1.txt")
    seed_content = words(strip_boilerplate(seed.text).content)
    wire_content = words(strip_boilerplate(wire.text).content)
    # The wire version adds a byline and a sterling figure; the rest is word for word.
    headline = len(words("Russia to West: Stop supplying weapons to Ukraine"))
    expected = " ".join(seed_content[:headline] + words("By Foreign Staff, PA News") + seed_content[headline:])
    expected = expected.replace("200 million dollars in", "200 million dollars 147 million in")
    assert " ".join(wire_content) == expected


# --- blocks -----------------------------------------------------------------------------------


@given(st.text(alphabet=st.sampled_from("ab \n\t"), max_size=80))
def test_blocks_are_the_stripped_non_blank_lines_with_spans_into_the_text(text):
    blocks = split_blocks(text)
    assert [b.text for b in blocks] == [line.strip() for line in text.split("\n") if line.strip()]
    for block in blocks:
        assert text[block.start : block.end] == block.text


@given(st.lists(st.sampled_from(["Read more", "Advertisement", "Peskov said the talks failed.", "Share on Facebook", "", "SS", "Kyiv says it needs help."]), max_size=12))
def test_strip_boilerplate_partitions_the_blocks(lines):
    text = "\n".join(lines)
    clean = strip_boilerplate(text)
    spans = sorted([(b.start, b.end) for b in clean.blocks] + [(r.start, r.end) for r in clean.removed])
    assert spans == [(b.start, b.end) for b in split_blocks(text)]
    for removed in clean.removed:
        assert text[removed.start : removed.end] == removed.text
        assert removed.reason.startswith("known chrome: ")


# --- known chrome on the seeds ----------------------------------------------------------------

MT_DONATION_FOOTER_START = "Sign up for our free weekly newsletter"


def removed_texts(path: Path) -> list[str]:
    return [r.text for r in strip_boilerplate(load_article(path).text).removed]


def test_seed_000_loses_only_the_donation_banner_and_read_more():
    clean = strip_boilerplate(load_article(SEEDS[0]).text)
    assert [(r.text, r.reason) for r in clean.removed] == [
        ("Support The Moscow Times!", "known chrome: donation banner"),
        ("Read more", "known chrome: read-more link"),
    ]
    assert clean.blocks[0].text == "Western Arms Shipments to Ukraine Endanger Europe, Kremlin Says"
    assert clean.blocks[-1].text == "AFP contributed reporting."


def test_seed_001_loses_banner_newsletter_box_and_donation_appeal_but_keeps_the_story():
    text = load_article(SEEDS[1]).text
    clean = strip_boilerplate(text)
    removed = [r.text for r in clean.removed]
    assert removed[0] == "Support The Moscow Times!"
    assert removed[1] == MT_DONATION_FOOTER_START
    assert "A Message from The Moscow Times:" in removed
    assert "Subscribers agree to the Privacy Policy" in removed
    assert removed[-1] == "Read more"
    assert all(r.reason.startswith("known chrome: ") for r in clean.removed)
    # Everything before the newsletter box is the story, and all of it is kept.
    story_end = text.index(MT_DONATION_FOOTER_START)
    story_blocks = [b.text for b in split_blocks(text[:story_end])][1:]
    assert [b.text for b in clean.blocks] == story_blocks
    assert clean.blocks[-1].text.startswith("U.K. Defense Secretary Wallace said Monday")


def test_seed_002_loses_related_link_and_original_url_only():
    assert removed_texts(SEEDS[2]) == [
        "Related article: U.S. Intel Believes Russian Invasion of Ukraine 'Imminent' - Bloomberg",
        "Original url:",
        "https://www.themoscowtimes.com/2021/11/23/us-escalating-russia-ukraine-tensions-by-arming-kiev-kremlin-a75643",
    ]


def test_seed_003_loses_the_operator_sign_off_only():
    assert removed_texts(SEEDS[3]) == ["SS"]


def test_seed_004_keeps_everything_including_the_crosshead():
    clean = strip_boilerplate(load_article(SEEDS[4]).text)
    assert clean.removed == ()
    assert "'A MORE DANGEROUS EUROPE'" in [b.text for b in clean.blocks]


def test_moscow_times_chrome_is_not_shared_content_between_the_two_mt_seeds():
    contents = [strip_boilerplate(load_article(path).text).content for path in SEEDS[:2]]
    lines = [{line_key(line) for line in content.split("\n")} for content in contents]
    assert lines[0] & lines[1] == set()
    # Without stripping, the two share the banner and "Read more".
    raw = [{line_key(b.text) for b in split_blocks(load_article(path).text)} for path in SEEDS[:2]]
    assert len(raw[0] & raw[1]) == 2


@pytest.mark.parametrize(
    "sentence",
    [
        "Read more about the sanctions in our explainer.",
        "Advertisement revenue fell by a third, the company said.",
        "Readers can subscribe to our newsletter, the editor said, but most do not.",
        "Support for the Moscow Times editor came from colleagues abroad.",
    ],
)
def test_a_sentence_that_merely_mentions_chrome_words_is_content(sentence):
    assert known_chrome_reason(sentence) is None


def test_other_site_chrome_fixture_keeps_every_line_of_the_seed_body():
    seed = strip_boilerplate(load_article(SEEDS[0]).text)
    wrapped = strip_boilerplate(load_article(REPO / "fixtures/variants/000_other_site_chrome.txt").text)
    wrapped_lines = {b.text for b in wrapped.blocks}
    assert {b.text for b in seed.blocks} <= wrapped_lines
    assert {r.reason for r in wrapped.removed} >= {
        "known chrome: advertisement",
        "known chrome: share buttons",
        "known chrome: related-article link",
        "known chrome: newsletter box",
        "known chrome: copyright line",
    }


@pytest.mark.shared_data
def test_meter_wire_rule_lines_slug_and_end_are_chrome_and_the_story_is_kept():
    wire = METER / "PA/10.08.99/oasis/oasis1sub.txt"
    if not wire.is_file():
        pytest.skip("../shared/data/meter-showbiz is absent")
    clean = strip_boilerplate(load_article(wire).text)
    assert {r.reason for r in clean.removed} == {"known chrome: rule line", "known chrome: wire slug", "known chrome: operator sign-off"}
    assert clean.blocks[0].text == "OASIS LEADER PLAYS DOWN GUITARIST'S DEPARTURE"
    assert clean.blocks[-1].text.startswith("He did return to the UK before the rest of the band")


# --- learned boilerplate ----------------------------------------------------------------------

CHROME = "Get the Valley Gazette app for breaking news alerts"


def gazette(story: str) -> str:
    return f"{story}\n{CHROME}\nFollow the Gazette on Mastodon\n"


def test_lines_in_three_articles_of_one_source_are_learned_and_stripped_with_a_reason():
    learner = BoilerplateLearner()
    for n in range(3):
        learner.observe("Valley Gazette", gazette(f"Story number {n} about the reservoir."))
    clean = strip_boilerplate(gazette("A fourth story about the dam."), source="Valley Gazette", learned=learner)
    assert [b.text for b in clean.blocks] == ["A fourth story about the dam."]
    assert [(r.text, r.reason) for r in clean.removed] == [
        (CHROME, "learned: repeated across articles of Valley Gazette"),
        ("Follow the Gazette on Mastodon", "learned: repeated across articles of Valley Gazette"),
    ]
    assert learner.learned() == {"Valley Gazette": 2}


def test_two_articles_are_not_enough_and_a_line_counts_once_per_article():
    learner = BoilerplateLearner()
    learner.observe("Valley Gazette", gazette("One.") + CHROME + "\n" + CHROME + "\n")
    learner.observe("Valley Gazette", gazette("Two."))
    assert not learner.is_boilerplate("Valley Gazette", line_key(CHROME))
    assert strip_boilerplate(gazette("Three."), source="Valley Gazette", learned=learner).removed == ()


def test_learning_is_per_source_and_needs_a_source():
    learner = BoilerplateLearner()
    for source in ("Valley Gazette", "Harbour Times", None, None, None):
        learner.observe(source, gazette("Story."))
    assert not learner.is_boilerplate("Valley Gazette", line_key(CHROME))
    assert not learner.is_boilerplate(None, line_key(CHROME))
    clean = strip_boilerplate(gazette("Story."), source=None, learned=learner)
    assert clean.removed == ()


def test_long_repeated_paragraphs_are_never_learned():
    paragraph = " ".join(["The wire paragraph every outlet republished word for word"] * 5)
    learner = BoilerplateLearner(max_words=40)
    for n in range(4):
        learner.observe("Valley Gazette", f"Story {n}.\n{paragraph}\n")
    assert not learner.is_boilerplate("Valley Gazette", line_key(paragraph))
    assert learner.is_boilerplate("Valley Gazette", line_key("Story 1.")) is False


def test_learner_matches_lines_after_folding():
    learner = BoilerplateLearner()
    for variant in ("Get the Valley Gazette app", "GET THE VALLEY GAZETTE APP", "Get  the Valley Gazette app!"):
        learner.observe("Valley Gazette", variant)
    assert learner.is_boilerplate("Valley Gazette", line_key("get the valley gazette app"))


def test_observe_all_reads_source_and_text_of_articles():
    from compare.article import Article

    learner = BoilerplateLearner(min_articles=2)
    learner.observe_all(Article(id=str(n), text=gazette(f"Story {n}."), source="Valley Gazette") for n in range(2))
    assert learner.learned() == {"Valley Gazette": 2}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"min_articles": 1}, "min_articles must be at least 2"),
        ({"max_words": 0}, "max_words must be positive"),
    ],
)
def test_learner_validates_its_settings(options, message):
    with pytest.raises(ValueError, match=message):
        BoilerplateLearner(**options)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "\t", "\x00", "\x07", "\x0b", "\x1f", "\x7f", "\x85", "<", "é"]), max_size=40))
def test_the_control_character_prefilter_never_misses_one(text):
    from compare.text.plain import _CONTROLS, _may_hold_controls

    assert _may_hold_controls(text) or _CONTROLS.search(text) is None
