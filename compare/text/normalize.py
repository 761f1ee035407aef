"""Text normalization: character folding, spelling variants, word tokens.

Site chrome (boilerplate) removal is in ``compare.text.chrome``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

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


def plain_ascii(text: str) -> bytes | None:
    """The text's ASCII bytes when ``fold`` is ``lower`` on it and on every piece of it (each line, stripped or not), else None.

    True of ASCII text without wire quotes, tabs, control characters or runs
    of spaces (most scraped and generated news): ``normalize`` changes
    nothing there and case folding of ASCII is ``lower``. Lets a caller fold
    and tokenize a whole article in a few bytes operations instead of line
    by line. The same test as ``normalize`` makes, on bytes.
    """
    if not text.isascii():
        return None
    raw = text.encode("ascii")
    if b"  " in raw or b"``" in raw or b"''" in raw or raw.translate(None, _PRINTABLE_OR_NEWLINE):
        return None
    return raw


#: ASCII bytes ``_needs_space_folding`` lets through: printable ones and the line break.
_PRINTABLE_OR_NEWLINE = bytes(c for c in range(128) if chr(c).isprintable() or c == 10)


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
