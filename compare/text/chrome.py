"""Site chrome (boilerplate): content blocks, known chrome, chrome learned per source.

Everything downstream (fingerprints, sentence alignment, reports) works on the
*content blocks* of an article: its non-blank lines, each with a character span
into ``Article.text``, minus the blocks recognised as site chrome. What was
removed is kept, with the reason, so a report can show that nothing real was
thrown away.

Chrome is *known* (lines every user meets: donation banners, read-more links,
footers) or *learned*: a line of at most ``LEARN_MAX_WORDS`` words carried by
``LEARN_MIN_ARTICLES`` articles of one source. The rule is defined here once;
batch dedup, the index and the report all count lines by ``line_key``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from compare.text.normalize import SPELLING_VARIANTS, fold, word_tokens

if TYPE_CHECKING:
    from compare.article import Article  # a layer up: for the annotation only

#: A line becomes learned chrome once this many articles of one source carry it ...
LEARN_MIN_ARTICLES = 3
#: ... and it is at most this many words long (a republished wire paragraph is not chrome).
LEARN_MAX_WORDS = 40


@dataclass(frozen=True, slots=True)
class Block:
    """One non-blank line of an article, with its span in ``Article.text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class RemovedBlock:
    """A block dropped as site chrome, with the rule that dropped it."""

    start: int
    end: int
    text: str
    reason: str


_LINE = re.compile(r"[^\n]+")


def split_blocks(text: str) -> list[Block]:
    """Non-blank lines with spans; surrounding spaces are trimmed from each span."""
    return list(iter_blocks(text))


def iter_blocks(text: str) -> Iterator[Block]:
    """``split_blocks`` lazily, for callers that only look at the first few lines."""
    for match in _LINE.finditer(text):
        raw = match.group()
        stripped = raw.strip()
        if not stripped:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        yield Block(start, start + len(stripped), stripped)


# Site chrome every user of this tool meets. Matched against the *folded*
# line as a whole, so a sentence that merely mentions "read more" is kept.
_KNOWN_CHROME_LINES: tuple[tuple[str, str], ...] = (
    ("donation banner", r"support the moscow times!?"),
    ("read-more link", r"read more\.?|continue reading\.?|read the full (story|article)\.?"),
    ("related-article link", r"(related|read also|see also|more on this)( article| story)?: .*"),
    ("source link", r"original url:?|source: https?://\S+|https?://\S+"),
    ("newsletter box", r"(sign up|subscribe) (for|to) (our|the) .*newsletter.*"),
    ("privacy notice", r"subscribers agree to the privacy policy\.?"),
    ("advertisement", r"advertisement|sponsored( content)?|\[?ad\]?"),
    ("share buttons", r"(share|share this|share on|follow us on)( (facebook|twitter|x|telegram|whatsapp|email|linkedin)[ ,]*)*"),
    ("rule line", r"[-=_*~#. ]{5,}"),
    ("wire slug", r"\d{1,2}:\d{2} \d{2}/\d{2}/\d{2}: page \d+ .*"),
    ("operator sign-off", r"[a-z]{1,3}|ends|end|more"),
    ("photo credit", r"(photo|image|picture)( credit)?: .*"),
    ("copyright line", r"(©|\(c\)|copyright) .{0,80}"),
    ("copyright line", r"(©|\(c\)|copyright) .{0,80}all rights reserved\..{0,200}"),
    ("redistribution notice", r"this material may not be published, broadcast, rewritten,? or redistributed\.?"),
    ("media player notice", r"your browser does not support the (audio|video) (element|tag)\.?"),
)
_KNOWN_CHROME = re.compile(
    "|".join(f"(?P<r{i}>{pattern})" for i, (_, pattern) in enumerate(_KNOWN_CHROME_LINES))
)
_CHROME_REASONS = {f"r{i}": reason for i, (reason, _) in enumerate(_KNOWN_CHROME_LINES)}

# Lines that open a footer: they and everything after them are chrome.
_KNOWN_FOOTERS: tuple[tuple[str, str], ...] = (
    ("donation appeal", r"a message from the moscow times:?"),
    ("newsletter box", r"sign up for our free weekly newsletter\.?"),
)
_KNOWN_FOOTER = re.compile("|".join(f"(?:{pattern})" for _, pattern in _KNOWN_FOOTERS))


def known_chrome_reason(line: str) -> str | None:
    """Why a line is known site chrome, or ``None`` when it is content."""
    return chrome_reason_of_folded(fold(line).strip())


def opens_footer(folded: str) -> bool:
    """Whether a folded, stripped line opens a known footer (it and all after it are chrome)."""
    return _KNOWN_FOOTER.fullmatch(folded) is not None


# A site's legal notice ("Copyright 2016 The Associated Press. All rights reserved.
# This material may not be published, broadcast, rewritten or redistributed."):
# any length and wording, told by its vocabulary. A block is one when it holds
# at least three distinct cues, one of them about rights, in at most 120 words;
# a news sentence about a copyright dispute rarely carries three.
_LEGAL_RIGHTS = re.compile(
    r"copyright|©|all rights reserved|written (?:permission|consent)|without (?:the )?(?:express )?permission|"
    r"may not be (?:re)?(?:published|produced|copied|distributed|broadcast|transmitted)"
)
_LEGAL_OTHER = re.compile(
    r"terms of (?:service|use)|privacy (?:policy|notice|statement)|user agreement|cookie (?:policy|statement|settings)|"
    r"ad choices|do not sell my|redistribut\w*|republi(?:sh|cation)\w*|reproduc\w*|rewritten|broadcast\w*"
)
_LEGAL_MAX_WORDS = 120
# One fast scan first: a substring test per cue is 20x faster than one regex
# alternation of them, which CPython tries at every position.
LEGAL_HINTS = ("copyright", "©", "rights", "permission", "consent", "may not be")


def may_hold_legal_notice(folded_text: str) -> bool:
    """False when no line of this folded text can be a legal notice (none of the cues ``_is_legal_notice`` needs)."""
    return any(hint in folded_text for hint in LEGAL_HINTS)


#: Every line that ``opens_footer`` accepts holds one of these: a text without them has no known footer.
FOOTER_HINTS = ("a message from the moscow times", "sign up for our free weekly newsletter")


def _is_legal_notice(folded: str) -> bool:
    if len(folded) < 40 or folded.count(" ") >= _LEGAL_MAX_WORDS or not may_hold_legal_notice(folded):
        return False
    rights = {m.group() for m in _LEGAL_RIGHTS.finditer(folded)}
    if not rights:
        return False
    return len(rights) + len({m.group() for m in _LEGAL_OTHER.finditer(folded)}) >= 3


def chrome_reason_of_folded(folded: str, *, legal: bool = True) -> str | None:
    """``known_chrome_reason`` of a line already folded and stripped.

    ``legal=False`` skips the legal-notice test: for the lines of a text that
    ``may_hold_legal_notice`` cleared as a whole (one scan, not one per line).
    """
    match = _KNOWN_CHROME.fullmatch(folded)
    if match is None:
        return "known chrome: legal notice" if legal and _is_legal_notice(folded) else None
    return "known chrome: " + _CHROME_REASONS[match.lastgroup or ""]


def line_key(line: str) -> str:
    """Stable key of a line for boilerplate counting (folded, digits kept)."""
    return line_key_of_tokens(line_tokens(fold(line)))


def line_tokens(folded: str) -> list[str]:
    """Word tokens of a folded line with spelling variants mapped: what its key is made of."""
    tokens = word_tokens(folded)
    if not SPELLING_VARIANTS.keys().isdisjoint(tokens):  # rare: map only lines that need it
        get = SPELLING_VARIANTS.get
        tokens = [get(w, w) for w in tokens]
    return tokens


def _line_digest(tokens: list[str]) -> bytes:
    return line_digest(" ".join(tokens).encode())


def line_digest(joined: bytes) -> bytes:
    """The 8 bytes behind ``line_key``, of a line's ``line_tokens`` already joined by single spaces (UTF-8)."""
    return hashlib.blake2b(joined, digest_size=8).digest()


def line_key_of_tokens(tokens: list[str]) -> str:
    """``line_key`` of a line from its ``line_tokens`` (16 hex digits)."""
    return _line_digest(tokens).hex()


def line_number_of_tokens(tokens: list[str]) -> int:
    """``int(line_key(line), 16)`` from the line's ``line_tokens``: the key as the index stores it."""
    return int.from_bytes(_line_digest(tokens), "big")


def is_learnable(line: str) -> bool:
    """Whether a line is short enough to be learned as chrome (at most ``LEARN_MAX_WORDS`` words)."""
    return len(line.split()) <= LEARN_MAX_WORDS


class LearnedBoilerplate(Protocol):
    """Anything that can say how often a line was seen in one source's articles."""

    def is_boilerplate(self, source: str | None, key: str) -> bool: ...


@dataclass
class BoilerplateLearner:
    """Learns chrome as lines that recur across many articles of one source.

    A line counts once per article. It becomes boilerplate once seen in
    ``min_articles`` different articles of the same source and it is at most
    ``max_words`` long; the length cap keeps a wire paragraph that one outlet
    republished several times from being mistaken for chrome. Articles without
    a source teach nothing: lines shared across *different* outlets are exactly
    the shared content this tool looks for.

    Args:
        min_articles: how many articles of one source must carry a line.
        max_words: longer lines are never learned as boilerplate.
    """

    min_articles: int = LEARN_MIN_ARTICLES
    max_words: int = LEARN_MAX_WORDS
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def __post_init__(self) -> None:
        if self.min_articles < 2:
            raise ValueError("min_articles must be at least 2: one article cannot show a repeat")
        if self.max_words < 1:
            raise ValueError("max_words must be positive")

    def observe(self, source: str | None, text: str) -> None:
        if not source:
            return
        keys = {line_key(b.text) for b in split_blocks(text) if len(b.text.split()) <= self.max_words}
        self.counts[source].update(keys)

    def observe_all(self, articles: Iterable[Article]) -> None:
        for article in articles:
            self.observe(article.source, article.text)

    def is_boilerplate(self, source: str | None, key: str) -> bool:
        if not source:
            return False
        return self.counts.get(source, Counter())[key] >= self.min_articles

    def learned(self) -> dict[str, int]:
        """Number of learned boilerplate lines per source."""
        return {
            source: sum(1 for n in counter.values() if n >= self.min_articles)
            for source, counter in self.counts.items()
        }


@dataclass(frozen=True, slots=True)
class CleanText:
    """An article's content blocks and the chrome removed from it."""

    blocks: tuple[Block, ...]
    removed: tuple[RemovedBlock, ...]

    @property
    def content(self) -> str:
        return "\n".join(b.text for b in self.blocks)


def strip_boilerplate(
    text: str,
    *,
    source: str | None = None,
    learned: LearnedBoilerplate | None = None,
) -> CleanText:
    """Split ``text`` into blocks and drop known and learned site chrome.

    Args:
        text: the article text as loaded (spans refer to it).
        source: the article's outlet, for learned boilerplate.
        learned: lines learned as chrome for that source (see BoilerplateLearner).
    """
    kept: list[Block] = []
    removed: list[RemovedBlock] = []
    blocks = split_blocks(text)
    for i, block in enumerate(blocks):
        folded = fold(block.text).strip()  # once per block: the footer, chrome and key checks share it
        if opens_footer(folded):
            removed.extend(
                RemovedBlock(b.start, b.end, b.text, "known chrome: site footer") for b in blocks[i:]
            )
            break
        reason = chrome_reason_of_folded(folded)
        if reason is None and learned is not None and learned.is_boilerplate(source, line_key_of_tokens(line_tokens(folded))):
            reason = f"learned: repeated across articles of {source}"
        if reason is None:
            kept.append(block)
        else:
            removed.append(RemovedBlock(block.start, block.end, block.text, reason))
    return CleanText(tuple(kept), tuple(removed))
