"""Quotes: every mark form, attribution and coreference, matching across articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from compare.load.articles import load_article
from compare.pair.quotes import extract_quotes, match_quotes
from compare.text.lexicon import speaker_key

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def found(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(q.text, q.speaker, q.cue) for q in extract_quotes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"This all leads to escalation," Peskov told reporters.\n', [("This all leads to escalation", "Peskov", "told")]),
        ("“This all leads to escalation,” Peskov said.\n", [("This all leads to escalation", "Peskov", "said")]),
        ("``This all leads to escalation,'' Peskov said.\n", [("This all leads to escalation", "Peskov", "said")]),
        ("«This all leads to escalation», Peskov said.\n", [("This all leads to escalation", "Peskov", "said")]),
        ("'This all leads to escalation,' Peskov said.\n", [("This all leads to escalation", "Peskov", "said")]),
        ('Peskov said: "This all leads to escalation."\n', [("This all leads to escalation.", "Peskov", "said")]),
        (
            '"This all leads to escalation," said Kremlin spokesman Dmitry Peskov.\n',
            [("This all leads to escalation", "Dmitry Peskov", "said")],
        ),
        (
            '"This all leads," the state-run TASS news agency quoted Peskov as saying.\n',
            [("This all leads", "Peskov", "quoted as saying")],
        ),
        (
            "Arms supplies to Ukraine are a threat, the Kremlin said, calling them “provocations.”\n",
            [("provocations.", "the Kremlin", "calling")],
        ),
    ],
)
def test_quote_forms_and_cues(text: str, expected: list) -> None:
    assert found(text) == expected


def test_quote_broken_by_its_attribution_gives_two_parts_of_one_speaker() -> None:
    text = '"This all leads", he said, "to further escalation."\n'
    text = "Kremlin spokesman Dmitry Peskov spoke on Tuesday.\n" + text
    assert found(text) == [
        ("This all leads", "Dmitry Peskov", "said"),
        ("to further escalation.", "Dmitry Peskov", "said"),
    ]


def test_he_said_resolves_to_the_last_named_speaker_and_surname_to_full_name() -> None:
    text = (
        "Kremlin spokesman Dmitry Peskov spoke to reporters on Tuesday.\n"
        '"We consider this badly mistaken," Peskov said.\n'
        '"They would be ignoring the indivisibility of security," he said.\n'
        "Foreign Ministry spokeswoman Maria Zakharova said it was a lesson.\n"
        '"Smarter people do not take part in it," she said.\n'
    )
    assert [(q.speaker, q.cue) for q in extract_quotes(text)] == [
        ("Dmitry Peskov", "said"),
        ("Dmitry Peskov", "said"),
        ("Maria Zakharova", "said"),
    ]


def test_quote_over_several_sentences_and_paragraphs() -> None:
    text = (
        'Peskov told reporters: "Because by providing guarantees they ignore security. By providing them\n'
        '"they would impinge on the security of Russia," he said.\n'
    )
    quotes = extract_quotes(text)
    assert quotes[0].text == "Because by providing guarantees they ignore security. By providing them"
    assert quotes[0].speaker == "Peskov"


def test_dropped_opening_mark_quotes_from_the_paragraph_start() -> None:
    text = "This support is clearly defensive and poses no threat to Russia,” Wallace said.\n"
    assert found(text) == [("This support is clearly defensive and poses no threat to Russia", "Wallace", "said")]


def test_institution_named_alone_is_kept_as_such_and_fragments_are_marked() -> None:
    text = "The Kremlin said Tuesday that Ukraine is being “exploited.”\nLavrov dismissed the claim as “total disinformation.”\n"
    quotes = extract_quotes(text)
    assert [(q.speaker, q.fragment) for q in quotes] == [("the Kremlin", True), ("Lavrov", True)]


def test_apostrophes_are_not_single_quotes() -> None:
    text = "Russia's envoy said the Times' report was wrong and Who'll decide is unclear.\n"
    assert extract_quotes(text) == []


def test_seed_speakers_peskov_zakharova_ryabkov_lavrov() -> None:
    by_file = {
        "000_e6f0c9be4bb1d9ca.txt": {"Dmitry Peskov", "Maria Zakharova", "Vladimir Putin"},
        "001_70d18d04582d512c.txt": {"Ben Wallace", "the Kremlin", "Sergei Lavrov"},
        "003_625db1e6dcb7c4b7.txt": {"Sergei Ryabkov"},
    }
    for name, speakers in by_file.items():
        article = load_article(SEEDS / name)
        quotes = extract_quotes(article)
        assert speakers <= {q.speaker for q in quotes}, name
        assert all(article.text[q.start : q.end] == q.text for q in quotes)


def test_boilerplate_quotes_are_ignored() -> None:
    article = load_article(SEEDS / "001_70d18d04582d512c.txt")
    texts = [q.text for q in extract_quotes(article)]
    assert not any("undesirable" in t or "foreign agent" in t for t in texts)


def test_speaker_key_folds_surname_and_variants() -> None:
    assert speaker_key("Dmitry Peskov") == speaker_key("Peskov") == "peskov"
    assert speaker_key("Volodymyr Zelenskiy") == speaker_key("Zelensky")
    assert speaker_key(None) is None


def test_match_quotes_kinds() -> None:
    a = extract_quotes(
        'Kremlin spokesman Dmitry Peskov spoke.\n"This all leads to further escalation of the conflict," Peskov said.\n'
        '"We are deeply concerned about the provocative actions of the Ukrainian armed forces," Peskov added.\n'
        '"We will respond," Lavrov said.\n'
        '"Only here," Zakharova said.\n'
    )
    b = extract_quotes(
        '"further escalation," Peskov said.\n'
        '"We are very concerned about provocative actions by the Ukrainian armed forces," Peskov added.\n'
        '"We will respond," Ryabkov said.\n'
    )
    result = {(m.kind, m.a.text if m.a else None, m.b.text if m.b else None) for m in match_quotes(a, b)}
    assert ("same", "This all leads to further escalation of the conflict", "further escalation") in result
    assert (
        "reworded",
        "We are deeply concerned about the provocative actions of the Ukrainian armed forces",
        "We are very concerned about provocative actions by the Ukrainian armed forces",
    ) in result
    assert ("different speaker", "We will respond", "We will respond") in result
    assert ("only in a", "Only here", None) in result
    reworded = next(m for m in match_quotes(a, b) if m.kind == "reworded")
    assert reworded.to_dict()["diff"] == (
        "We are [-deeply-] {+very+} concerned about [-the-] provocative actions [-of-] {+by+} the Ukrainian armed forces"
    )


def test_capitalised_pronoun_and_sentence_words_are_not_speakers() -> None:
    text = (
        "Actor Leslie Grantham left the show in March.\n"
        'He said: "Various companies have been trying to get us together."\n'
        'Yesterday Leslie said: "It was time to go."\n'
    )
    assert [q.speaker for q in extract_quotes(text)] == ["Leslie Grantham", "Leslie Grantham"]


def test_same_speaker_across_articles() -> None:
    from compare.pair.quotes import same_speaker

    assert same_speaker("Leslie", "Leslie Grantham")
    assert same_speaker("Peskov", "Dmitry Peskov")
    assert same_speaker("the Kremlin", "Kremlin")
    assert not same_speaker("the BBC", "Paul Pascoe")
    assert not same_speaker(None, "Peskov")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('A source said: "They are now considering other churches."\n', "a source"),
        ('"He has been a spent force for years," said one insider.\n', "one insider"),
        ('His spokesman said: "He is only 50."\n', "his spokesman"),
        ('Jane Root, BBC2 controller, said: "This is my first Christmas with the channel."\n', "Jane Root"),
        ('Producer Arthur Baker, who says: "It was not the dog\'s fault."\n', "Arthur Baker"),
        ('Lucas revealed: "We are already working on the next film."\n', "Lucas"),
    ],
)
def test_roles_appositives_and_more_cue_verbs(text: str, speaker: str) -> None:
    (quote,) = extract_quotes(text)
    assert quote.speaker == speaker


def test_a_role_that_spoke_is_who_she_said_refers_to() -> None:
    text = (
        "Comedian Harry Enfield signed with Sky.\n"
        "A spokeswoman for the BBC denied that the deal was a blow.\n"
        '"He has loads of ideas," she said.\n'
    )
    assert [q.speaker for q in extract_quotes(text)] == ["a spokeswoman for the BBC"]


def test_doubled_quote_mark_counts_once() -> None:
    text = 'Edmonds was sad to be ""throwing in the towel" after 30 years. Paul Pascoe said: "He is only 50."\n'
    assert found(text) == [("throwing in the towel", None, None), ("He is only 50.", "Paul Pascoe", "said")]


def test_quote_over_paragraphs_takes_the_speaker_named_in_its_last_paragraph():
    # Wire style: the first paragraph has no closing mark, the attribution comes
    # at the end of the next one. Zakharova is only mentioned, never quoted.
    text = (
        "Talks stall\n\nMaria Zakharova spoke on Monday.\n\n"
        '"We have been clear. The West has ignored it.\n\n'
        '"Now it must listen," said Foreign Minister Sergei Lavrov.\n'
    )
    assert [(q.text, q.speaker) for q in extract_quotes(text)] == [
        ("We have been clear. The West has ignored it.", "Sergei Lavrov"),
        ("Now it must listen", "Sergei Lavrov"),
    ]


def test_abbreviations_do_not_cut_the_speaker_named_after_the_cue():
    # "U.S." used to end the subject at its first dot: the speaker came out as "U".
    assert found('"We will not back down," said U.S. Secretary of State Antony Blinken.\n') == [
        ("We will not back down", "Antony Blinken", "said")
    ]


def test_an_institution_named_alone_keeps_its_whole_name():
    # "Foreign" is a title word ("Foreign Minister Lavrov"), which cut the body to "the Ministry".
    assert found('"We will respond," the Foreign Ministry said in a statement.\n') == [
        ("We will respond", "the Foreign Ministry", "said")
    ]


def test_single_quotes_holding_apostrophes_are_found():
    # British copy quotes with single marks; "don't" used to end the quote, so none was found.
    assert found("Talks\n\nVictoria Beckham said: 'I was worried. It wasn't easy.'\n") == [
        ("I was worried. It wasn't easy.", "Victoria Beckham", "said")
    ]
    assert found("Talks\n\nElton John arrived. 'I don't know what they're doing,' he said.\n") == [
        ("I don't know what they're doing", "Elton John", "said")
    ]


def test_both_halves_of_a_broken_quote_match_the_whole_quote():
    a = extract_quotes('Talks\n\nDmitry Peskov spoke.\n\n"This all leads," he said, "to further escalation."\n')
    b = extract_quotes('Talks\n\n"This all leads to further escalation," Dmitry Peskov said.\n')
    # The second half used to be reported as a quote only A carries.
    assert [(m.kind, m.a.text) for m in match_quotes(a, b)] == [
        ("same", "This all leads"),
        ("same", "to further escalation."),
    ]


def test_definite_phrases_after_the_quote_a_role_or_a_body():
    # "the senior Russian diplomat" used to become "the Russian"; "the ministry" the last person named.
    text = '"We will respond," Sergei Ryabkov said.\n\n"It is critical," the senior Russian diplomat said.\n'
    assert [q.speaker for q in extract_quotes(text)] == ["Sergei Ryabkov", "Sergei Ryabkov"]
    text = 'Sergei Lavrov met Antony Blinken on Monday.\n\n"It is unacceptable," the ministry said.\n'
    assert found(text) == [("It is unacceptable", "the ministry", "said")]


def test_an_appositive_between_the_quote_and_its_cue_keeps_the_speaker():
    # The relative clause hid the cue: the quote had no speaker at all.
    assert found('"We must act," Blinken, who arrived on Monday, told reporters.\n') == [("We must act", "Blinken", "told")]
