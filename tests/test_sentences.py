"""Sentence splitting: news abbreviations, quotes, headlines, boilerplate, other scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from compare.article import Article
from compare.load.articles import load_article
from compare.text.sentences import split_sentences

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Moscow launched its invasion on Feb. 24. Nothing changed.", ["Moscow launched its invasion on Feb. 24.", "Nothing changed."]),
        ("Troops arrived on Jan. 9, the broadcaster said.", ["Troops arrived on Jan. 9, the broadcaster said."]),
        ("Talks with the U.S. and NATO failed.", ["Talks with the U.S. and NATO failed."]),
        ("Talks between Russia and the U.S., NATO and the OSCE ended.", ["Talks between Russia and the U.S., NATO and the OSCE ended."]),
        ("He flew to the U.S. The talks began.", ["He flew to the U.S.", "The talks began."]),
        ("Russian-made Mi-17 helicopters were sent. It was quick.", ["Russian-made Mi-17 helicopters were sent.", "It was quick."]),
        ("President John F. Kennedy spoke. Then he left.", ["President John F. Kennedy spoke.", "Then he left."]),
        ("Gen. Mark Milley said so. Mr. Smith agreed.", ["Gen. Mark Milley said so.", "Mr. Smith agreed."]),
        ('"Who\'ll be attacking whom? Russia?" Peskov asked. "We assert it."', ['"Who\'ll be attacking whom?', 'Russia?" Peskov asked.', '"We assert it."']),
        ("AFP contributed reporting.", ["AFP contributed reporting."]),
        ("It began at 9.30 a.m. Police said nobody was hurt.", ["It began at 9.30 a.m.", "Police said nobody was hurt."]),
        ("Talks start at 10 a.m. GMT on Friday.", ["Talks start at 10 a.m. GMT on Friday."]),
        ("if anyone sets out ... they should know. Fine.", ["if anyone sets out ... they should know.", "Fine."]),
    ],
)
def test_news_boundaries(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_quote_over_two_sentences_keeps_attribution_with_its_quote() -> None:
    text = '"By providing guarantees, they ignore security. They impinge on Russia," he said.'
    assert texts(text) == ['"By providing guarantees, they ignore security.', 'They impinge on Russia," he said.']


def test_headline_and_byline_without_final_punctuation_stand_alone() -> None:
    text = "Kremlin Calls Aid a Mistake\nBy Jane Doe\nThe Kremlin said on Wednesday that aid was a mistake."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Kremlin Calls Aid a Mistake",
        "By Jane Doe",
        "The Kremlin said on Wednesday that aid was a mistake.",
    ]
    assert [s.ends_sentence for s in sentences] == [False, False, True]
    assert [s.block for s in sentences] == [0, 1, 2]


def test_paragraph_broken_mid_sentence_is_joined_with_span_over_both_lines() -> None:
    text = "Peskov said advisers and weapons\n\nsystems are arriving in Ukraine.\n"
    (sentence,) = split_sentences(text)
    assert sentence.text == "Peskov said advisers and weapons\n\nsystems are arriving in Ukraine."
    assert (sentence.start, sentence.end) == (0, len(text) - 1)


def test_spans_point_into_article_text_and_boilerplate_never_takes_part() -> None:
    article = load_article(SEEDS / "001_70d18d04582d512c.txt")
    sentences = split_sentences(article)
    assert all(article.text[s.start : s.end] == s.text for s in sentences)
    assert [s.index for s in sentences] == list(range(len(sentences)))
    joined = " ".join(s.text for s in sentences)
    assert "Support The Moscow Times" not in joined
    assert "Dear readers" not in joined
    assert "Read more" not in joined
    assert sentences[-1].text.startswith("U.K. Defense Secretary Wallace said Monday")


def test_article_and_plain_string_give_the_same_sentences() -> None:
    text = "One claim here. Another claim there.\n"
    assert texts(text) == [s.text for s in split_sentences(Article(id="x", text=text))]


def test_cjk_sentence_marks_split_without_spaces() -> None:
    assert texts("中方表示严重关切。双方应当对话！他说。") == ["中方表示严重关切。", "双方应当对话！", "他说。"]


def test_script_without_sentence_marks_gives_one_sentence_per_line() -> None:
    text = "กระทรวงการต่างประเทศรัสเซียกล่าว\nโฆษกเครมลินกล่าวกับผู้สื่อข่าว\n"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["กระทรวงการต่างประเทศรัสเซียกล่าว", "โฆษกเครมลินกล่าวกับผู้สื่อข่าว"]


def test_empty_and_boilerplate_only_text_give_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences("Support The Moscow Times!\n\nRead more\n") == []


def test_one_long_block_splits_as_the_same_text_with_paragraph_breaks():
    """Boundary rules look at a bounded window, so a paragraph-less text splits like a paragraphed one."""
    from compare.text.sentences import split_sentences

    sentences = [
        "Mr. Smith said on Feb. 24 that U.S. forces would stay.",
        "The minister, who arrived on Monday, disagreed.",
        '"Why now?" Peskov asked.',
        "He left at 9 a.m. Police said the road was closed.",
    ] * 200
    one_line = " ".join(sentences)
    paragraphs = "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))
    assert [s.text for s in split_sentences(one_line)] == [s.text for s in split_sentences(paragraphs)]
