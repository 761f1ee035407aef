"""Sentence matching forms, shared by alignment, the claim matcher and evaluation.

Each sentence is turned into a *matching form*: inline HTML tags and wire
datelines removed, figures replaced by canonical words ("$200 million" and
"200 million dollars" both become ``usd200000000``), then ``compare.text.normalize.words``
(case folding, Kiev -> kyiv). Alignment scores those forms; whether a candidate
pair makes the same claim is ``compare.pair.claims`` (learned term weights and a
logistic model, cross-validated on MSRP and STS-B news).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from compare.text.figures import Figure, canonicalize_figures, find_figures
from compare.text.lexicon import CALENDAR_WORDS, MATCHER_CAPITALISED_WORD, STOPWORDS
from compare.text.normalize import words

_INLINE_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]{0,200})?/?>")
DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{1,40}\((?:Reuters|AP|AFP|Bloomberg|Interfax|TASS|dpa|UPI|PA)\)\s*[-–—]+\s*")
_CAPITALISED = re.compile(MATCHER_CAPITALISED_WORD)
# Phrases outlets write several ways; folded before matching.
PHRASE_VARIANTS = (
    (re.compile(r"\bU\.S\.(?:A\.)?|\bUnited States(?: of America)?\b|\bUSA\b"), "US"),
    (re.compile(r"\bU\.K\.|\bUnited Kingdom\b"), "UK"),
    (re.compile(r"\bU\.N\.|\bUnited Nations\b"), "UN"),
)

# Capitalised words that are not names: sentence starters, days, months.
_NOT_NAMES = STOPWORDS | CALENDAR_WORDS | frozenset(
    str.split("""however meanwhile some many most one two three earlier later last next mr mrs ms
    president minister""")
)


def fold_phrases(text: str) -> str:
    """``PHRASE_VARIANTS`` applied in order ("U.S." -> "US")."""
    # Every variant holds "U.", "United" or "USA": three substring tests spare most
    # sentences three regular-expression scans.
    if "U." in text or "United" in text or "USA" in text:
        for pattern, replacement in PHRASE_VARIANTS:
            text = pattern.sub(replacement, text)
    return text


def mask_inline_tags(text: str) -> str:
    """Replace inline HTML tags (``<u>said</u>``) by spaces, keeping offsets."""
    if "<" not in text:  # no tag can start: most sentences, at the cost of one scan in C
        return text
    return _INLINE_TAG.sub(lambda m: " " * len(m.group()), text)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude suffix stripper: enough to match said/says, weapon/weapons."""
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True, slots=True)
class MatchForm:
    """A sentence prepared for matching.

    Attributes:
        words: folded words with figures canonicalised and variants mapped.
        key: ``" ".join(words)``, the string the alignment scorer sees.
        stems: ``stem`` of each word.
        content: stems that are not stopwords, as a frozenset.
        names: capitalised words not at the start of the sentence, folded.
        figures: figures found in the sentence text.
    """

    words: tuple[str, ...]
    key: str
    stems: tuple[str, ...]
    content: frozenset[str]
    names: frozenset[str]
    figures: tuple[Figure, ...]
    grams: tuple[Counter, ...] = ()


@lru_cache(maxsize=16384)
def match_form(text: str) -> MatchForm:
    """The matching form of one sentence (or any short text).

    Cached: ``prepare`` builds the form of every sentence, and the claim matcher
    asks again for the sentences alignment classifies. Forms are never changed
    once built.
    """
    clean = fold_phrases(DATELINE.sub("", mask_inline_tags(text).strip()))
    figures = tuple(f for f in find_figures(clean) if f.kind != "year")
    word_list = tuple(words(canonicalize_figures(clean)))
    stems = tuple(map(stem, word_list))
    names = frozenset(w for w in words(" ".join(_CAPITALISED.findall(clean))) if w not in _NOT_NAMES)
    return MatchForm(
        words=word_list,
        key=" ".join(word_list),
        stems=stems,
        content=frozenset(s for s in stems if s not in STOPWORDS),
        names=names,
        figures=figures,
        grams=_grams(stems),
    )


def _grams(stems: tuple[str, ...]) -> tuple[Counter, ...]:
    """Counts of the 1- to 4-grams of stems (zips written out: a third cheaper than building
    the slices in a generator, and the same counts in the same order)."""
    s1, s2, s3 = stems[1:], stems[2:], stems[3:]
    return (
        Counter(zip(stems, strict=True)),
        Counter(zip(stems, s1, strict=False)),
        Counter(zip(stems, s1, s2, strict=False)),
        Counter(zip(stems, s1, s2, s3, strict=False)),
    )


def figure_keys(form: MatchForm) -> set[tuple[str, float | str, str]]:
    return {f.key for f in form.figures}


def clear_caches() -> None:
    """Empty the stem and form caches (benchmarks start each run cold)."""
    stem.cache_clear()
    match_form.cache_clear()
