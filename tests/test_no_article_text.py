"""Pages without article text are one line of bad input and are never paired.

``tests/no_article_text/`` holds pages as scraped news sites serve them: a sign-in widget (the
Janrain ``{* loginWidget *}`` markup seen on TV-station sites), a video playlist, a paywall, a
cookie notice, a page of section links (which trafilatura extracts nothing from) and the same
menu saved as text. They live beside the tests, not in ``fixtures/``, whose every file is an
article.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.cli import main
from compare.text.page import missing_article_text

REPO = Path(__file__).resolve().parents[1]
SEED_0 = "fixtures/seeds/000_e6f0c9be4bb1d9ca.txt"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    monkeypatch.chdir(REPO)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("sign_in_widget.html", "a sign-in or account widget"),
        ("video_playlist.html", "a video player or playlist"),
        ("paywall.html", "a paywall"),
        ("cookie_notice.html", "a cookie notice"),
        ("menu_as_text.txt", "a menu or a list of links"),
    ],
)
def test_each_page_is_one_line_of_bad_input_through_the_real_extractor(name, what):
    path = f"tests/no_article_text/{name}"
    result = run("dedup", path, SEED_0)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {path}: no article text: the page holds only {what} (")
    assert "Traceback" not in result.output
    assert result.stdout.startswith("1 article: 0 duplicate pairs")


def test_a_menu_page_the_extractor_finds_nothing_in_is_bad_input_too():
    result = run("dedup", "tests/no_article_text/menu_only.html", SEED_0)
    assert result.exit_code == 1
    assert result.stderr == "error: tests/no_article_text/menu_only.html: no article text found in the HTML page\n"


def test_widget_pages_of_different_stories_are_never_paired():
    """Two sign-in widgets and two playlists: identical chrome, different stories, no pair."""
    result = run("dedup", "tests/no_article_text", "tests/no_article_text/sign_in_widget.html", "-f", "json")
    assert result.exit_code == 1
    assert '"pairs": []' in result.stdout
    assert len(result.stderr.splitlines()) == 7  # five pages + the menu page + the widget given twice


def test_ingest_refuses_them_and_stores_nothing(tmp_path):
    index = str(tmp_path / "i.sqlite")
    result = run("ingest", "--index", index, "tests/no_article_text/sign_in_widget.html", SEED_0)
    assert result.exit_code == 1
    assert result.stdout == f"new        {SEED_0}\n"
    assert "no article text" in result.stderr


def test_a_short_brief_is_an_article_however_short():
    assert missing_article_text("Police are investigating a shooting on Elm Street. No one was hurt.") is None


def test_an_article_with_a_video_line_and_a_sign_in_prompt_is_an_article():
    text = (
        "Please enable JavaScript to watch this video\n\n"
        "Police are hoping new surveillance video will help find the person responsible for killing a teenager "
        "earlier this week on College Avenue.\n\n"
        "Police say they need the public's help in identifying the car.\n\n"
        "Sign in to comment"
    )
    assert missing_article_text(text) is None


def test_a_hard_wrapped_article_is_prose():
    text = (
        "Police investigating shooting death\n\n"
        "Police are investigating a shooting death in the neighborhood near the 200\n\n"
        "block of Arnold Street Thursday. As of Friday morning, police were handling the investigation as\n\n"
        "an accidental discharge of a handgun.\n\n"
        "Log in to see more"
    )
    assert missing_article_text(text) is None


_CUE_PIECES = [
    "sign in", "signed out", "log in", "login", "logged out", "your account", "an account", "password", "your profile",
    "thank you for registering", "verification email", "email notifications", "notification has been", "your inbox",
    "spam or junk", "{*", "*}", "subscribers", "subscription", "paywall", "free articles", "unlimited digital access",
    "continue reading", "we use cookies", "cookie settings", "gdpr", "1:19", "12:30 p.m.", "3:24", "javascript",
    "playlist", "autoplay", "transcript", "now playing", "up next", "watch the video", "video player", "loading video",
    "the", "said", "account", "sign", "log", "video", " ", ".", ":", "7", "²",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=12))
def test_cue_prefilter_never_changes_the_cues(pieces):
    # compare.text.page._cues skips the cue regex on lines without any of its literal hints.
    from compare.text.page import _CUE, _cues

    line = " ".join(pieces)
    assert _cues(line) == [m.lastgroup for m in _CUE.finditer(line)]
