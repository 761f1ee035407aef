"""Pages without article text: a sign-in widget, a video playlist, a menu, a paywall, a cookie notice.

A scraped page whose extracted text is only the site's interface carries no
story, yet its text is the same on every page of the site: two such pages
look like perfect duplicates and would join unrelated stories (measured on
gva-dev: 826 of 900 pairs ``dedup`` flagged across different incidents came
from such pages; 158 pages are refused). ``missing_article_text`` tells them apart, so that loaders
report them as bad input (one line) and nothing ever pairs them.

Known chrome ("Read more", "Advertisement") is skipped. A block (line) is
*interface text* when it is at most ``INTERFACE_MAX_WORDS`` words long and
holds a phrase of a site's interface
("sign in", "your account", "email notifications", "subscribers",
"we use cookies", "enable JavaScript", "playlist", "transcript"...), or at most three words long (buttons and menu
items: "Close", "3:24", "Sports"). Lines that end as sentences do are
*prose*; other lines (headlines of a playlist or a list of links) count as
neither. A page has no
article text when it holds an interface phrase, or ``MIN_MENU_ITEMS`` such
short lines, and less than ``MIN_ARTICLE_WORDS`` words of prose; a short
brief without them is left alone (it is an article, however short).
"""

from __future__ import annotations

import re

from compare.text.chrome import chrome_reason_of_folded, iter_blocks
from compare.text.normalize import fold, word_tokens

#: Fewer words of prose than this next to interface text, and a page has no article text.
MIN_ARTICLE_WORDS = 25
#: Without an interface phrase, this many lines of one to three words make a menu.
MIN_MENU_ITEMS = 5
#: Longer blocks are prose even when they mention an interface word.
INTERFACE_MAX_WORDS = 40

# Phrases of a site's interface, not words a news sentence uses: "surveillance
# video", "a registered voter" or "his account of the night" are prose.
_CUES: tuple[tuple[str, str], ...] = (
    ("a sign-in or account widget", r"sign(?:ed)? (?:in|up|out)\b|\blog ?in\b|\blog out\b|logged (?:in|out)|your account|"
     r"an account|password|username|your profile|registration information|thank you for registering|"
     r"verification (?:email|message)|confirmation email|welcome back|email notifications?|"
     r"notifications? (?:has|have) been|your inbox|spam (?:or|and) junk|loginwidget|\{\*|\*\}|"
     r"owner of this article"),
    ("a paywall", r"subscri(?:be|ber|bers|ption|ptions)\b|paywall|free articles?|premium content|"
     r"unlimited (?:digital )?access|continue reading"),
    ("a cookie notice", r"(?:use|uses|accept|allow) cookies|cookie (?:policy|settings|notice|preferences)|gdpr"),
    # A playlist entry starts with the clip's length ("1:19 Sheriff gives update"); a clock time has a.m./p.m.
    ("a video player or playlist", r"^\d{1,2}:\d{2}\b(?!\s*[ap]\.?m\b)|javascript|playlist|autoplay|transcript|"
     r"now playing|up next|"
     r"watch (?:the |this )?video|video (?:player|is loading|unavailable)|loading (?:the )?video"),
)
#: Prose ends its lines as sentences do; a line that does not (a headline in a
#: playlist or a list of links) is neither prose nor interface.
_SENTENCE_END = tuple(".!?\"')…")
_CUE = re.compile("|".join(f"(?P<c{i}>{pattern})" for i, (_, pattern) in enumerate(_CUES)))
#: Every match of ``_CUE`` holds one of these, or starts the line with a digit (a
#: clip's length). A line without them has no cue: ``_CUE.finditer`` tries each
#: alternative at every position (about 100 us for a 40-word line); these
#: substring tests take a few.
_CUE_HINTS = (
    "sign", "log", "account", "password", "username", "profile", "registration", "registering", "verification",
    "confirmation email", "welcome back", "notification", "inbox", "spam", "{*", "*}", "owner of this article",
    "subscri", "paywall", "free article", "premium content", "unlimited", "continue reading",
    "cookie", "gdpr", "javascript", "playlist", "autoplay", "transcript", "now playing", "up next", "video",
)


def _cues(folded: str) -> list[str | None]:
    """The ``_CUE`` group of every cue in a folded line, in order."""
    if not folded[:1].isdigit() and not any(hint in folded for hint in _CUE_HINTS):
        return []
    return [m.lastgroup for m in _CUE.finditer(folded)]


def missing_article_text(text: str) -> str | None:
    """Why the text is not an article (``"no article text: only ..."``), or None when it is one."""
    prose_words = 0
    kinds: dict[str, int] = {}
    menu_items = 0
    # Lazily, with one block of lookahead: most pages reach MIN_ARTICLE_WORDS of
    # prose in their first lines, and splitting a whole page first was most of the cost.
    blocks = iter_blocks(text)
    following = next(blocks, None)
    while following is not None:
        block, following = following, next(blocks, None)
        folded = fold(block.text).strip()
        tokens = word_tokens(folded)
        if not tokens:
            continue
        if chrome_reason_of_folded(folded) is not None:
            continue  # "Read more", "Advertisement": neither interface nor prose
        cues = _cues(folded) if len(tokens) <= INTERFACE_MAX_WORDS else []
        if cues:
            for cue in cues:
                label = _CUES[int((cue or "c0")[1:])][0]
                kinds[label] = kinds.get(label, 0) + 1
        elif len(tokens) <= 3:
            menu_items += 1
        elif folded.endswith(_SENTENCE_END) or (following is not None and following.text[:1].islower()):
            prose_words += len(tokens)  # a sentence, or a hard-wrapped line of one
        if prose_words >= MIN_ARTICLE_WORDS:
            return None
    if not kinds and menu_items < MIN_MENU_ITEMS:
        return None
    if kinds:
        what = max(kinds, key=lambda k: (kinds[k], k))
    elif menu_items:
        what = "a menu or a list of links"
    else:
        what = "site chrome"
    return f"no article text: the page holds only {what} ({prose_words} words of prose)"
