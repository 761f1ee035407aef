"""Text normalization, content blocks and boilerplate (site chrome) removal.

Everything downstream (fingerprints, sentence alignment, reports) works on the
*content blocks* of an article: its non-blank lines, each with a character span
into ``Article.text``, minus the blocks recognised as site chrome. What was
removed is kept, with the reason, so a report can show that nothing real was
thrown away.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

# Typographic variants folded to one form. NFKC does not touch these: they are
# distinct characters, but outlets use them interchangeably.
_CHAR_FOLDS = str.maketrans(
    {
        "\u2018": "'",  # left single quote
        "\u2019": "'",  # right single quote / apostrophe
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u2039": '"',  # single guillemets are used as quote marks
        "\u203a": '"',
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",
        "\u2212": "-",  # minus sign
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
    }
)
_WIRE_QUOTES = re.compile(r"``|''")
_SPACES = re.compile(r"[^\S\n]+")
_WORD = re.compile(r"\w+")

#: Spelling variants of one name, folded to one key so that a transliteration
#: choice does not hide a copy. Keys and values are case-folded single words.
#: Extend it per call with ``variants=`` or by building a new mapping from it.
SPELLING_VARIANTS: Mapping[str, str] = {
    "kiev": "kyiv",
    "kyyiv": "kyiv",
    "zelenskiy": "zelensky",
    "zelenskyy": "zelensky",
    "zelenskyi": "zelensky",
    "zelenski": "zelensky",
    "kharkov": "kharkiv",
    "odessa": "odesa",
    "lvov": "lviv",
    "lugansk": "luhansk",
    "donbass": "donbas",
    "nikolaev": "mykolaiv",
    "mykolayiv": "mykolaiv",
    "zaporozhye": "zaporizhzhia",
    "zaporizhia": "zaporizhzhia",
    "chernigov": "chernihiv",
    "artemovsk": "bakhmut",
    "kosachev": "kosachyov",
    "shoygu": "shoigu",
    "navalniy": "navalny",
    "gaddafi": "gaddafi",
    "qaddafi": "gaddafi",
    "kadhafi": "gaddafi",
}


# The same folds as a regex, so that only the characters present cost time:
# ``str.translate`` with a dict looks up every character (130 us for 2.5 kB).
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in _CHAR_FOLDS) + "]")
_FOLD_MAP = {chr(c): (to or "") for c, to in _CHAR_FOLDS.items()}


def _needs_space_folding(text: str) -> bool:
    """Whether ``_SPACES`` could change the text: a double space, or any
    whitespace but a space or newline. Every such character is non-printable
    to Python, and ``isprintable`` is one fast C loop (a regex scan costs 40 us
    per 2.5 kB); other non-printables only cost a no-op substitution."""
    if "  " in text:
        return True
    return not (text.replace("\n", " ") if "\n" in text else text).isprintable()


def normalize(text: str) -> str:
    """Unicode NFKC plus quote, dash and whitespace folding; case is kept.

    Idempotent: ``normalize(normalize(t)) == normalize(t)``. Line breaks are
    kept so that block structure survives.
    """
    # ASCII is NFKC-stable and holds no foldable character: skip both passes.
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        if _FOLDABLE.search(text):
            text = _FOLDABLE.sub(lambda m: _FOLD_MAP[m.group()], text)
    if "``" in text or "''" in text:
        text = _WIRE_QUOTES.sub('"', text)
    if _needs_space_folding(text):
        text = _SPACES.sub(" ", text)
    return text


def fold(text: str) -> str:
    """``normalize`` plus case folding: the form fingerprints and matching use."""
    return normalize(text).casefold()


def words(text: str, *, variants: Mapping[str, str] = SPELLING_VARIANTS) -> list[str]:
    """Case-folded word tokens with spelling variants mapped to one form."""
    tokens = word_tokens(fold(text))
    if variants.keys().isdisjoint(tokens):  # the common case: nothing to map
        return tokens
    get = variants.get
    return [get(w, w) for w in tokens]


# For ASCII text, ``\w`` is exactly [A-Za-z0-9_]: mapping every other character
# to a space and splitting gives the same tokens as ``_WORD.findall`` three
# times faster (tokenization is most of the cost of a fingerprint).
_ASCII_NON_WORD = str.maketrans(
    {c: " " for c in range(128) if not (chr(c).isascii() and (chr(c).isalnum() or chr(c) == "_"))}
)


def word_tokens(folded: str) -> list[str]:
    r"""``\w+`` runs of an already folded text (no spelling variants applied)."""
    if folded.isascii():
        return folded.translate(_ASCII_NON_WORD).split()
    return _WORD.findall(folded)


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
    return _chrome_reason_of_folded(fold(line).strip())


def _chrome_reason_of_folded(folded: str) -> str | None:
    match = _KNOWN_CHROME.fullmatch(folded)
    if match is None:
        return None
    return "known chrome: " + _CHROME_REASONS[match.lastgroup or ""]


def line_key(line: str) -> str:
    """Stable key of a line for boilerplate counting (folded, digits kept)."""
    return _key_of_folded(fold(line))


def _key_of_folded(folded: str) -> str:
    tokens = word_tokens(folded)
    if not SPELLING_VARIANTS.keys().isdisjoint(tokens):
        get = SPELLING_VARIANTS.get
        tokens = [get(w, w) for w in tokens]
    joined = " ".join(tokens)
    return hashlib.blake2b(joined.encode(), digest_size=8).hexdigest()


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

    min_articles: int = 3
    max_words: int = 40
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

    def observe_all(self, articles: Iterable[object]) -> None:
        for article in articles:
            self.observe(getattr(article, "source", None), article.text)  # type: ignore[attr-defined]

    def is_boilerplate(self, source: str | None, key: str) -> bool:
        return bool(source) and self.counts.get(source, Counter())[key] >= self.min_articles

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
        if _KNOWN_FOOTER.fullmatch(folded):
            removed.extend(
                RemovedBlock(b.start, b.end, b.text, "known chrome: site footer") for b in blocks[i:]
            )
            break
        reason = _chrome_reason_of_folded(folded)
        if reason is None and learned is not None and learned.is_boilerplate(source, _key_of_folded(folded)):
            reason = f"learned: repeated across articles of {source}"
        if reason is None:
            kept.append(block)
        else:
            removed.append(RemovedBlock(block.start, block.end, block.text, reason))
    return CleanText(tuple(kept), tuple(removed))
