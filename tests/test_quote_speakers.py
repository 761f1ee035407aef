"""Speakers that hold on house styles the rules were not written on (issue: who said it).

Each case listed in the issue is a test here, written as a short article of its own (not
the sentence of the corpus it was seen in), plus the quote kinds (full, partial, scare).
"""

from __future__ import annotations

import pytest

from compare.pair.quotes import extract_quotes, match_quotes


def speakers(text: str) -> list[str | None]:
    return [q.speaker for q in extract_quotes(text)]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            'The crowd cheered. "We will not be silent," said the Rev. Al Sharpton, who led the march.',
            "Al Sharpton",
        ),
        ('"It is the wrong road," said the Rev. Jesse Jackson.', "Jesse Jackson"),
        (
            '"This is a fight for the party," said Rep. Michele Bachmann (R-Minn.) on Tuesday.',
            "Michele Bachmann",
        ),
        ('"We will not back down," said Sen. Chuck Schumer (D-N.Y.).', "Chuck Schumer"),
        ('"The bill is dead," Sen. Mike Lee, R-Utah, said on Monday.', "Mike Lee"),
        ('"We are ready," Dr. Jane Smith said.', "Jane Smith"),
    ],
)
def test_titles_honorifics_and_party_state_tags_are_not_the_speaker(
    text: str, speaker: str
) -> None:
    assert speakers(text) == [speaker]


def test_mr_and_a_surname_after_an_aside_is_the_person_named_in_full_earlier() -> None:
    text = (
        "Rep. G.K. Butterfield of North Carolina chairs the caucus.\n\n"
        'Mr. Butterfield, noting the turnout in the primaries, added: "Our voters are energized."'
    )
    assert speakers(text) == ["G.K. Butterfield"]


def test_he_said_goes_to_the_person_of_the_last_sentence_not_the_last_who_spoke() -> None:
    text = (
        "Former Mexican President Vicente Fox said the wall would never be paid for. "
        '"I am not going to pay for that wall," Fox said.\n\n'
        "Felipe Calderon, who led Mexico from 2006 to 2012, has also dismissed Trump's idea as useless.\n\n"
        '"It is a waste of money," he said.'
    )
    assert speakers(text) == ["Vicente Fox", "Felipe Calderon"]


def test_she_said_skips_a_man_named_last() -> None:
    text = (
        "Nicole Hargrove, a worker at the plant, said she was uncomfortable with Mr. Trump's attacks.\n\n"
        '"But I would like to turn him loose on the banks," she said.'
    )
    assert speakers(text) == ["Nicole Hargrove"]


def test_a_sentence_opening_with_he_refers_further_back() -> None:
    text = (
        "Senator Bernie Sanders spoke in Iowa.\n\n"
        "He says he respects Hillary Clinton and Donald Trump's voters. "
        'He adds, "In a campaign things get heated up."'
    )
    assert speakers(text) == ["Bernie Sanders"]


def test_apposition_role_and_surname_are_one_speaker() -> None:
    text = (
        'Dmitry Peskov, the Kremlin spokesman, said: "This is a dangerous path."\n\n'
        'Later the Kremlin spokesman said: "We will respond."\n\n'
        '"Nobody wants that," Peskov told reporters.'
    )
    assert speakers(text) == ["Dmitry Peskov", "Dmitry Peskov", "Dmitry Peskov"]


def test_an_organisation_speaks_when_the_text_says_so() -> None:
    text = 'The ministry said the talks would continue. "We remain open to dialogue," the ministry said.'
    assert speakers(text) == ["the ministry"]


def test_a_white_house_official_is_not_a_person_named_white_house() -> None:
    text = (
        "Speaking to reporters, White House press secretary Josh Earnest argued the debate was healthy.\n\n"
        '"That debate is good for our democracy," he said.'
    )
    assert speakers(text) == ["Josh Earnest"]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ('Peskov said: "This is a dangerous path."', ["full"]),
        ('"This is a dangerous path," Peskov said.', ["full"]),
        ('Issa continued, "Yes. For more than 15 years I have watched."', ["full"]),
        ('Sen. Ted Cruz called the plan a "disaster" in a speech.', ["partial"]),
        ('Ryan said Obama\'s words "amount to a form of intimidation."', ["partial"]),
        ('The so-called "Gang of Eight" bill failed in the House.', ["scare"]),
        ('Her blockbuster film, "Trainwreck," opened in July.', ["scare"]),
        ("'Thin-skinned' Trump quells critics with threats.", ["scare"]),
        # the rest of the sentence after the speaker's verb is quoted: full, even in lower case
        ('She added, "frankly, nobody in this town saw it coming."', ["full"]),
        ('But, the mayor said, "the budget is balanced for the first time."', ["full"]),
        ('Walsh said "there is no one who has done more for this county."', ["full"]),
        ('He thanked the crowd, saying "we built this campaign together."', ["full"]),
        ('Ms. Lee told the delegates who gathered in Denver, "our work is not done."', ["full"]),
        # ... but not after indirect speech, nor after "called"
        ('Ryan said that if the fund runs dry, "our schools will close."', ["partial"]),
        ('She said the plan was not the fault of the unions, "not by a long shot."', ["partial"]),
        ('A country that the senator, Tom Reed, called "our chief rival abroad."', ["partial"]),
        # a clause quoted, then attributed: full after nothing, a conjunction or a dash ...
        ('Yet, "it is hard to draw a causal line," added Ortiz.', ["full"]),
        ('Nobody was impressed - "born with a silver spoon," Mr. Hale said - but ...', ["full"]),
        # ... not after an adverbial, nor when the reporter's words go on after the attribution
        ('Maria Reyes met donors. Sooner or later, "we will need a new tax," he said.', ["partial"]),
        ('Maria Reyes met donors. But "it is a better use of capital," he added, to pursue a hybrid plan.', ["partial"]),
        # the verb first: "Said Name, apposition,"; a verb of the manner of saying and a comma
        ('Said Ann Ruiz, who grew up on the block, "We were all so proud of him."', ["full"]),
        ('Mrs. Kemp thanked the crowd and then boomed, "Tonight, you proved it again."', ["full"]),
        ('The spot, titled, "A Very Merry Audit," ran twice.', ["scare"]),
        # a paragraph that is only a few words in single quotes is a subheading, not a quotation
        ('"It was a fair deal," he said.\n\n\'A really tough decision.\'\n\nThe plant closed.', ["full", "scare"]),
    ],
)
def test_quote_kinds(text: str, kinds: list[str]) -> None:
    assert [q.kind for q in extract_quotes(text)] == kinds


def test_scare_quotes_are_never_statements_in_pair_matching() -> None:
    a = extract_quotes(
        'The so-called "Gang of Eight" bill failed. "We will try again," Schumer said.'
    )
    b = extract_quotes('The "Gang of Eight" plan is dead. "We will try again," Schumer said.')
    assert all(q.is_statement for m in match_quotes(a, b) for q in (m.a, m.b) if q is not None)
    assert [m.kind for m in match_quotes(a, b)] == ["same"]


def test_quote_records_have_spans_into_the_text() -> None:
    text = 'Intro line.\n\n"We remain open," the ministry said.'
    (quote,) = extract_quotes(text)
    assert text[quote.start : quote.end] == quote.text == "We remain open"
    assert quote.to_dict()["kind"] == "full"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # a middle initial does not end the name; "King" after a first name is a surname, not a title
        ("''It is not easy,'' said Representative Peter T. King of New York, who backs him.", "Peter T. King"),
        ('"We need it," said Ross Eisenbrey of the Economic Policy Institute.', "Ross Eisenbrey"),
        ('"It works," said Edwin M. Truman, a fellow at the institute.', "Edwin M. Truman"),
        # no cue verb: the subject of the clause that the colon closes
        ('Or, as Tom Ridge, a former secretary of homeland security, put it: "They are inside."', "Tom Ridge"),
        # a cue after "to": the subject of the clause
        ('Donald Trump spoke late. Mr. Trump was prompted to say, "I cannot believe how civil it is."', "Donald Trump"),
    ],
)
def test_names_with_initials_places_and_clause_subjects(text: str, speaker: str) -> None:
    assert speakers(text) == [speaker]


def test_a_continuation_after_he_said_keeps_the_speaker_named_with_mr() -> None:
    text = (
        "Joseph R. Biden Jr. spoke in Scranton.\n\n"
        "Often, Mr. Biden interrupted himself, as if bantering with Mrs. Clinton. "
        "''I really mean this,'' he said. ''This is not a joke.''"
    )
    assert speakers(text) == ["Joseph R. Biden", "Joseph R. Biden"]


def test_a_role_is_the_person_named_for_it_not_whoever_spoke_last() -> None:
    text = (
        "Dmitry Peskov, the Kremlin spokesman, spoke first.\n\n"
        'Sergei Lavrov said: "The talks have failed."\n\n'
        '"We will respond," the Kremlin spokesman said.\n\n'
        "White House spokesman Josh Earnest took questions, and Senator Marco Rubio spoke after him.\n\n"
        '"We are watching closely," the spokesman said.'
    )
    assert speakers(text) == ["Sergei Lavrov", "Dmitry Peskov", "Josh Earnest"]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('Trump called LeVell onto the stage. "Trump is not a racist, guys," LeVell assured the crowd.', "LeVell"),
        ('"He deserved it," the assailant, John McGraw, said later.', "John McGraw"),
        ('"France will always be France," an angry Hollande replied.', "Hollande"),
    ],
)
def test_a_name_and_a_verb_right_after_a_quote_are_its_speaker(text: str, speaker: str) -> None:
    assert speakers(text) == [speaker]


def test_a_quote_broken_over_a_line_keeps_its_kind_in_both_pieces() -> None:
    text = (
        '"Supporters of the others," Ms. Ortiz added, "have spent on television what they did\n'
        'not spend on volunteers."'
    )
    assert [q.kind for q in extract_quotes(text)] == ["full", "full", "full"]


def test_an_opening_mark_typed_after_a_question_mark_closes_the_quote() -> None:
    text = "Chuck Todd was shocked. \u201cDo you want to be linked with that?\u201c he asked. Trump smiled."
    (quote,) = extract_quotes(text)
    assert quote.text == "Do you want to be linked with that?"
    assert quote.kind == "full"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            '"Wages may finally be rising," the economist Jane Ortega, a former adviser to the '
            "mayor and the author of two books on labor markets, wrote on her blog.",
            "Jane Ortega",
        ),
        ('"We stand with the victims," Ms. Keller\'s spokesman, Paul Brandt, wrote.', "Paul Brandt"),
        ('"We are anxious," said another Twitter user, Lena Voss.', "Lena Voss"),
    ],
)
def test_role_and_apposition_around_the_name_after_the_quote(text: str, speaker: str) -> None:
    assert speakers(text) == [speaker]
