"""Sentence matching forms and the paraphrase decision, shared by alignment and evaluation.

Each sentence is turned into a *matching form*: inline HTML tags and wire
datelines removed, figures replaced by canonical words ("$200 million" and
"200 million dollars" both become ``usd200000000``), then ``compare.text.normalize.words``
(case folding, Kiev -> kyiv). Alignment scores those forms; the paraphrase
decision for a candidate pair uses a few more lexical features.

Why a small logistic model: on the MSRP train split the best single rapidfuzz
scorer (``token_sort_ratio``) reaches 0.722 accuracy at its best threshold,
under the 0.75 floor. Adding n-gram overlap in both directions (BLEU-like),
figure mismatches, capitalised-name mismatches and the length difference, and
weighting them with a logistic model fitted on MSRP
(``python -m evaluation.msrp --fit`` prints the weights below), lifts
it above the floor. It stays purely lexical: no model download, microseconds
per pair.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from compare.text.figures import Figure, canonicalize_figures, find_figures
from compare.text.normalize import words

_INLINE_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]{0,200})?/?>")
DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{1,40}\((?:Reuters|AP|AFP|Bloomberg|Interfax|TASS|dpa|UPI|PA)\)\s*[-–—]+\s*")
_CAPITALISED = re.compile(r"\b[A-Z][\w'-]*")
# Phrases outlets write several ways; folded before matching.
PHRASE_VARIANTS = (
    (re.compile(r"\bU\.S\.(?:A\.)?|\bUnited States(?: of America)?\b|\bUSA\b"), "US"),
    (re.compile(r"\bU\.K\.|\bUnited Kingdom\b"), "UK"),
    (re.compile(r"\bU\.N\.|\bUnited Nations\b"), "UN"),
)

#: Function words ignored when sentences are compared by content.
STOPWORDS = frozenset(
    str.split("""a an the of to in on at for and or but is are was were be been being has have had
    it its this that these those with by from as he she they we i you his her their our
    said says say will would could should not no than then there which who whom what when
    where while also about into over after before up out more most so if do does did can
    may might must s t""")
)


# Capitalised words that are not names: sentence starters, days, months.
_NOT_NAMES = STOPWORDS | frozenset(
    str.split("""however meanwhile some many most one two three earlier later last next mr mrs ms
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december president minister""")
)


def mask_inline_tags(text: str) -> str:
    """Replace inline HTML tags (``<u>said</u>``) by spaces, keeping offsets."""
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


def match_form(text: str) -> MatchForm:
    """The matching form of one sentence (or any short text)."""
    clean = DATELINE.sub("", mask_inline_tags(text).strip())
    for pattern, replacement in PHRASE_VARIANTS:
        clean = pattern.sub(replacement, clean)
    figures = tuple(f for f in find_figures(clean) if f.kind != "year")
    word_list = tuple(words(canonicalize_figures(clean)))
    stems = tuple(stem(w) for w in word_list)
    names = frozenset(w for w in words(" ".join(_CAPITALISED.findall(clean))) if w not in _NOT_NAMES)
    return MatchForm(
        words=word_list,
        key=" ".join(word_list),
        stems=stems,
        content=frozenset(s for s in stems if s not in STOPWORDS),
        names=names,
        figures=figures,
        grams=tuple(Counter(zip(*(stems[i:] for i in range(n)), strict=False)) for n in (1, 2, 3, 4)),
    )


def _ngram_precision(grams_a: Counter, grams_b: Counter) -> float:
    total = grams_a.total()
    if not total:
        return 0.0
    if len(grams_b) < len(grams_a):
        shared = sum(min(count, grams_a[g]) for g, count in grams_b.items() if g in grams_a)
    else:
        shared = sum(min(count, grams_b[g]) for g, count in grams_a.items() if g in grams_b)
    return shared / total


def figure_keys(form: MatchForm) -> set[tuple[str, float | str, str]]:
    return {f.key for f in form.figures}


FEATURE_NAMES = (
    "p1_min", "p1_max", "p2_min", "p2_max", "p3_min", "p3_max", "p4_min", "p4_max",
    "figures_conflict", "figures_one_side", "name_mismatch", "length_difference", "token_sort",
)


def pair_features(a: MatchForm, b: MatchForm) -> list[float]:
    """Lexical features of a sentence pair, in the order of ``FEATURE_NAMES``."""
    features = []
    for n in range(4):
        forward = _ngram_precision(a.grams[n], b.grams[n])
        backward = _ngram_precision(b.grams[n], a.grams[n])
        features += [min(forward, backward), max(forward, backward)]
    keys_a, keys_b = figure_keys(a), figure_keys(b)
    features.append(float(bool(keys_a and keys_b and keys_a != keys_b)))
    features.append(float(bool(keys_a) != bool(keys_b)))
    features.append(float(len(a.names ^ b.names)))
    features.append(float(abs(len(a.words) - len(b.words))))
    features.append(fuzz.token_sort_ratio(a.key, b.key) / 100.0)
    return features


# Fitted on ../shared/data/msrp/msr_paraphrase_train.txt by
# `python -m evaluation.msrp --fit` (logistic regression on the features above).
# 5-fold cross-validated accuracy of the fit: 0.7544.
PARAPHRASE_WEIGHTS = (
    2.1459,  # p1_min
    5.4695,  # p1_max
    2.4689,  # p2_min
    -1.3953,  # p2_max
    0.8837,  # p3_min
    -3.4836,  # p3_max
    1.3267,  # p4_min
    -1.5341,  # p4_max
    -0.5288,  # figures_conflict
    -0.2286,  # figures_one_side
    0.0181,  # name_mismatch
    -0.1146,  # length_difference
    5.3454,  # token_sort
)
PARAPHRASE_BIAS = -6.8773


def paraphrase_probability(a: MatchForm, b: MatchForm) -> float:
    """Probability (0..1) that two sentences make the same claim in other words."""
    z = PARAPHRASE_BIAS + sum(w * x for w, x in zip(PARAPHRASE_WEIGHTS, pair_features(a, b), strict=True))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def clear_caches() -> None:
    """Empty the stem cache (benchmarks start each run cold)."""
    stem.cache_clear()
