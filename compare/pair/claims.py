"""The claim matcher: do two sentences make the same claim, with what probability, and why.

One matcher serves ``pair`` alignment and the report's agreements. It reads two
sentences' matching forms (``compare.pair.matching.match_form``: folded words,
figures made canonical, Kiev -> kyiv) and computes a handful of features that a
reader would check:

- **learned term weights** (TF-KLD, Ji & Eisenstein 2013): for each word, how
  much more often it appears on *both* sides of a paraphrase than on both sides
  of a non-paraphrase, as a Kullback-Leibler divergence fitted on development
  pairs (MSRP train, STS-B news train). Shared and unshared weighted mass say
  whether what the two sentences share is what matters. Words the training
  pairs never saw get a weight from their background English frequency
  (``wordfreq`` Zipf scale): a rare word weighs like the rare words that were
  seen;
- lexical overlap in both directions (n-gram precision, BLEU-like), word order;
- figures and dates that agree or conflict, named entities that agree or
  differ, negation on one side only, whether the subjects (first names or
  content words) agree;
- spelling and transliteration variants (Kiev/Kyiv from a list; otherwise two
  long unshared words that differ by a letter or two, "Zelenskiy"/"Zelenskyy")
  counted as equal;
- related words counted as shared (``load_related``): WordNet synonyms
  ("providing"/"supplying") and a country with its capital, demonym and other
  names ("London"/"Britain"/"British"/"UK", "Kyiv"/"Ukraine"), and their
  number as a feature;
- **word evidence**: for each stem and stem pair seen in the development pairs,
  the log-odds of "same claim" when both sentences have it and when only one
  has it (smoothed naive Bayes), summed over the pair.

A hidden layer of rectified units and a logistic output turn them into a
probability (features clipped to the range seen in fitting; fitted and
cross-validated on the development pairs, see ``evaluation.claims``: five
networks of 16 units from different random starts, averaged, which is one layer
of 80 units);
``explain`` lists each feature's contribution, exact because the log-odds is
linear in the features within the set of active units. Weights are data (``compare/pair/data/claim_model.npz``),
read with numpy: nothing is downloaded, no scikit-learn at run time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from compare.pair.matching import MatchForm, figure_keys
from compare.text.lexicon import REPORTING_VERBS, STOPWORDS

if TYPE_CHECKING:
    import numpy as np

MODEL_PATH = Path(__file__).parent / "data" / "claim_model.npz"
#: Zipf frequencies of the 60,000 most frequent English words (from wordfreq), by stem.
BACKGROUND_PATH = Path(__file__).parent / "data" / "english_zipf.npz"
#: Related words (WordNet synonyms; a country, its capital, demonym and other names), by stem:
#: built by ``python -m evaluation.related_words``.
RELATED_PATH = Path(__file__).parent / "data" / "related_words.npz"


def pack_words(words: Sequence[str]) -> np.ndarray:
    """Words as one newline-joined UTF-8 byte array, how the data files store them.

    A padded unicode array (``np.array(words)``) is 4 bytes a character at the
    longest word's length: the shipped tables held ~8 MB to decompress at every
    ``pair``, a tenth of that this way (``unpack_words`` reads both forms).
    """
    import numpy as np

    if any("\n" in word for word in words):
        raise ValueError("a word holds a newline: it cannot be stored newline-joined")
    return np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8) if words else np.zeros(0, dtype=np.uint8)


def unpack_words(array: np.ndarray) -> list[str]:
    """The words of a data file's array: ``pack_words``'s bytes, or an older file's unicode array."""
    import numpy as np

    if array.dtype == np.uint8:
        return array.tobytes().decode("utf-8").split("\n") if array.size else []
    return [str(word) for word in array.tolist()]

#: Words that turn a claim into its denial.
NEGATIONS = frozenset(
    str.split("""not no never none nobody nothing neither nor without cannot didn doesn isn wasn
    aren weren won hasn haven hadn couldn wouldn shouldn mustn nt deny denies denied denying
    refuse refused refuses reject rejected rejects fail failed fails""")
)

FEATURE_NAMES = (
    "kld_dice",
    "kld_cover_min",
    "kld_cover_max",
    "kld_unshared_min",
    "kld_unshared_max",
    "bg_dice",
    "bg_unshared_min",
    "bg_unshared_max",
    "p1_min",
    "p1_max",
    "p2_min",
    "p2_max",
    "p3_min",
    "p4_min",
    "order",
    "figures_shared",
    "figures_conflict",
    "figures_one_side",
    "names_shared",
    "names_unshared_min",
    "names_unshared_max",
    "negation_differs",
    "subject_agrees",
    "length_log",
    "length_ratio",
    "char_ratio",
    "char_partial",
    "unshared_count_min",
    "unshared_count_max",
    "kld_unshared_top_min",
    "kld_unshared_top_max",
    "word_evidence",
    "related_words",
)

#: Human-readable reasons for ``explain``.
FEATURE_TEXT = {
    "kld_dice": "weighted words in common",
    "kld_cover_min": "weighted share of the less covered sentence",
    "kld_cover_max": "weighted share of the better covered sentence",
    "kld_unshared_min": "weight of words only one side has (smaller side)",
    "kld_unshared_max": "weight of words only one side has (larger side)",
    "bg_dice": "rare words in common",
    "bg_unshared_min": "rare words only one side has (smaller side)",
    "bg_unshared_max": "rare words only one side has (larger side)",
    "p1_min": "word overlap (lower direction)",
    "p1_max": "word overlap (higher direction)",
    "p2_min": "two-word overlap (lower)",
    "p2_max": "two-word overlap (higher)",
    "p3_min": "three-word overlap",
    "p4_min": "four-word overlap",
    "order": "shared words in the same order",
    "figures_shared": "figures and dates that agree",
    "figures_conflict": "figures or dates that conflict",
    "figures_one_side": "figures on one side only",
    "names_shared": "names that agree",
    "names_unshared_min": "names one side lacks (smaller side)",
    "names_unshared_max": "names one side lacks (larger side)",
    "negation_differs": "negated on one side only",
    "subject_agrees": "same subject",
    "length_log": "sentence length",
    "length_ratio": "length ratio",
    "char_ratio": "characters in common",
    "char_partial": "the shorter sentence inside the longer",
    "unshared_count_min": "words only one side has (smaller side)",
    "unshared_count_max": "words only one side has (larger side)",
    "kld_unshared_top_min": "heaviest word only one side has (smaller side)",
    "kld_unshared_top_max": "heaviest word only one side has (larger side)",
    "word_evidence": "learned evidence of the words and word pairs shared and not shared",
    "related_words": "synonyms and place names matched (supply/provide, London/Britain)",
}


@dataclass(frozen=True, slots=True)
class ClaimModel:
    """Learned term weights and the logistic model over ``FEATURE_NAMES``.

    Attributes:
        term_weights: word (stem) -> TF-KLD weight, fitted on development pairs.
        background: word -> Zipf frequency (wordfreq's English table, top words).
        background_slope, background_intercept: weight of an unseen word as
            ``intercept + slope * zipf`` (a line fitted to the learned weights).
        default_zipf: Zipf frequency of a word missing from ``background``.
        coef, bias: output layer over the hidden units (over the standardised
            features themselves when there is no hidden layer: a logistic model).
        mean, scale: standardisation of the features.
        threshold: probability from which two sentences make the same claim.
        evidence: word or word pair (stems joined by a space) -> (log-odds when
            both sentences have it, log-odds when only one has it), fitted on
            development pairs (smoothed naive Bayes); summed as ``word_evidence``.
        hidden: hidden layer as (weights feature x unit, biases), or empty.
        low, high: range of each feature on the development pairs; values outside are
            clipped to it before the model sees them (a hidden layer must not
            extrapolate: a pair of 60-word sentences has more unshared words than any
            development pair).
        related: word (stem) -> concept ids (``load_related``); two unshared words whose
            concepts meet count as shared ("providing"/"supplying", "Kyiv"/"Ukraine").
    """

    term_weights: Mapping[str, float]
    background: Mapping[str, float]
    background_slope: float
    background_intercept: float
    default_zipf: float
    coef: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float = 0.5
    evidence: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    hidden: tuple = ()
    low: tuple[float, ...] = ()
    high: tuple[float, ...] = ()
    related: Mapping[str, frozenset[int]] = field(default_factory=dict)
    # Each word's ``weight`` and ``rarity`` once computed: ``_features`` asks for the same
    # words pair after pair (a copy made by ``dataclasses.replace`` starts empty).
    _weights: dict[str, float] = field(default_factory=dict, init=False, repr=False, compare=False)
    _rarities: dict[str, float] = field(default_factory=dict, init=False, repr=False, compare=False)

    def weight(self, word: str) -> float:
        """TF-KLD weight of a word; from its background frequency when never seen in training."""
        found = self.term_weights.get(word)
        if found is not None:
            return found
        zipf = self.background.get(word, self.default_zipf)
        return max(0.0, self.background_intercept + self.background_slope * zipf)

    def rarity(self, word: str) -> float:
        """Background rarity (0 for "the", about 6 for a word English text almost never has)."""
        return max(0.0, 7.5 - self.background.get(word, self.default_zipf))


def save_model(model: ClaimModel, path: Path = MODEL_PATH) -> None:
    """Write a model as a compressed numpy archive (the evaluation's ``--fit`` calls it)."""
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    words = sorted(model.term_weights)
    grams = sorted(model.evidence)
    hidden_weights, hidden_bias = model.hidden or (np.zeros((0, 0)), np.zeros(0))
    np.savez_compressed(
        path,
        feature_names=np.array(FEATURE_NAMES),
        words=pack_words(words),
        weights=np.array([model.term_weights[w] for w in words], dtype=np.float32),
        scalars=np.array(
            [model.background_slope, model.background_intercept, model.default_zipf, model.bias, model.threshold]
        ),
        coef=np.array(model.coef),
        mean=np.array(model.mean),
        scale=np.array(model.scale),
        grams=pack_words(grams),
        evidence=np.array([model.evidence[g] for g in grams], dtype=np.float32).reshape(-1, 2),
        hidden_weights=np.asarray(hidden_weights, dtype=np.float64),
        hidden_bias=np.asarray(hidden_bias, dtype=np.float64),
        low=np.array(model.low),
        high=np.array(model.high),
    )


@lru_cache(maxsize=2)
def load_related(path: Path = RELATED_PATH) -> Mapping[str, frozenset[int]]:
    """The related-words table (stem -> concept ids); empty when the file is absent."""
    import numpy as np

    if not path.exists():
        return {}
    with np.load(path) as data:
        words = unpack_words(data["words"])
        ends = np.cumsum(data["lengths"]).tolist()
        concepts = data["concepts"].tolist()
    if len(words) != len(ends):
        raise ValueError(f"{path} is damaged: {len(words)} words, {len(ends)} lengths")
    return _RelatedTable(words, ends, concepts)


_Value = TypeVar("_Value")


class _KeyedTable(Mapping[str, _Value]):
    """A read-only table whose keys are the positions of a word list: the values are made when asked for."""

    __slots__ = ("_positions",)

    def __init__(self, keys: list[str]) -> None:
        self._positions = {key: position for position, key in enumerate(keys)}

    def __contains__(self, key: object) -> bool:
        return key in self._positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


class _RelatedTable(_KeyedTable[frozenset[int]]):
    """stem -> concept ids, each word's set built when it is first asked for.

    A ``pair`` asks for a few dozen of the 18,081 words: building every frozenset up
    front cost ~30 ms of each command.
    """

    __slots__ = ("_concepts", "_ends", "_sets")

    def __init__(self, words: list[str], ends: list[int], concepts: list[int]) -> None:
        super().__init__(words)
        self._ends = ends
        self._concepts = concepts
        self._sets: dict[str, frozenset[int]] = {}

    def __getitem__(self, word: str) -> frozenset[int]:
        found = self._sets.get(word)
        if found is None:
            position = self._positions[word]
            start = self._ends[position - 1] if position else 0
            found = self._sets[word] = frozenset(self._concepts[start : self._ends[position]])
        return found


class _EvidenceTable(_KeyedTable[tuple[float, float]]):
    """gram -> (log-odds when both sentences have it, when only one has it), each pair made when asked for.

    The 24,999 tuples built up front cost ~15 ms of each ``pair``, which asks for a few hundred.
    """

    __slots__ = ("_values",)

    def __init__(self, grams: list[str], values: list[float]) -> None:
        if 2 * len(grams) != len(values):
            raise ValueError(f"{len(grams)} grams need {2 * len(grams)} evidence values, not {len(values)}")
        super().__init__(grams)
        self._values = values

    def get(self, gram: str, default: Any = None) -> Any:
        position = self._positions.get(gram)
        if position is None:
            return default
        return (self._values[2 * position], self._values[2 * position + 1])

    def __getitem__(self, gram: str) -> tuple[float, float]:
        position = self._positions[gram]
        return (self._values[2 * position], self._values[2 * position + 1])


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH, background_path: Path = BACKGROUND_PATH) -> ClaimModel:
    """The shipped model (read once)."""
    import numpy as np

    with np.load(background_path) as data:
        background = dict(zip(unpack_words(data["words"]), data["zipf"].astype(float).tolist(), strict=True))
    with np.load(path) as data:
        names = tuple(str(n) for n in data["feature_names"])
        if names != FEATURE_NAMES or "low" not in data:
            raise ValueError(
                f"{path} was fitted for other features; refit it with "
                "`python -m evaluation.claims --fit`"
            )
        slope, intercept, default_zipf, bias, threshold = (float(v) for v in data["scalars"])
        hidden_weights = data["hidden_weights"]
        return ClaimModel(
            term_weights=dict(zip(unpack_words(data["words"]), data["weights"].astype(float).tolist(), strict=True)),
            background=background,
            background_slope=slope,
            background_intercept=intercept,
            default_zipf=default_zipf,
            coef=tuple(float(v) for v in data["coef"]),
            bias=bias,
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            threshold=threshold,
            evidence=_EvidenceTable(unpack_words(data["grams"]), data["evidence"].astype(float).ravel().tolist()),
            hidden=(hidden_weights, data["hidden_bias"]) if hidden_weights.size else (),
            low=tuple(float(v) for v in data["low"]),
            high=tuple(float(v) for v in data["high"]),
            related=load_related(),
        )


def _variant(word: str, others: Sequence[str]) -> str | None:
    """A word of ``others`` that is a spelling variant of ``word`` (long, same first letter, 1-2 edits)."""
    if len(word) < 5 or word[0].isdigit():
        return None
    first, size = word[0], len(word)
    distance = None
    for other in others:
        if other[:1] != first or abs(len(other) - size) > 2 or len(other) < 5:
            continue
        if distance is None:
            from rapidfuzz.distance import Levenshtein

            distance = Levenshtein.distance
        limit = 1 if min(size, len(other)) < 7 else 2
        if distance(word, other, score_cutoff=limit) <= limit:
            return other
    return None


def content_sets(
    a: MatchForm, b: MatchForm, related: Mapping[str, frozenset[int]] | None = None
) -> tuple[set[str], set[str], set[str]]:
    """Content stems of A, of B, and those they share, spelling variants and related words
    (``ClaimModel.related``) counted as shared."""
    ca, cb, shared, _ = _content_sets(a, b, load_model().related if related is None else related)
    return ca, cb, shared


def _content_sets(
    a: MatchForm, b: MatchForm, related: Mapping[str, frozenset[int]]
) -> tuple[set[str], set[str], set[str], int]:
    """``content_sets`` and the number of related-word matches among the shared."""
    ca, cb = set(a.content), set(b.content)
    shared = ca & cb
    only_a, only_b = sorted(ca - shared), sorted(cb - shared)
    if only_a and only_b:
        # B's words by first letter (a variant shares it), each list in ``only_b``'s order
        by_first: dict[str, list[str]] = {}
        for word in only_b:
            by_first.setdefault(word[:1], []).append(word)
        for word in only_a:
            other = _variant(word, by_first.get(word[:1], ()))
            if other is not None:
                shared.add(word)
                ca.discard(word)
                cb.discard(other)
                only_b.remove(other)
                by_first[word[:1]].remove(other)
                ca.add(word)
                cb.add(word)
    matched = 0
    if related and only_a and only_b:
        left = [(w, related[w]) for w in only_a if w not in shared and w in related]
        right = [(w, related[w]) for w in only_b if w in related]
        if left and right:
            # Each word matches at most one on the other side; candidates taken in an order that
            # does not depend on which sentence is A, and the pair kept under one name (the
            # smaller), so that the features stay symmetric.
            # (a word meeting none of B's concepts at all is passed over without pairing it)
            reach = frozenset().union(*(theirs for _, theirs in right))
            candidates = sorted(
                (min(u, v), max(u, v), u, v)
                for u, mine in left
                if not mine.isdisjoint(reach)
                for v, theirs in right
                if not mine.isdisjoint(theirs)
            )
            taken_a: set[str] = set()
            taken_b: set[str] = set()
            for name, _, u, v in candidates:
                if u in taken_a or v in taken_b:
                    continue
                taken_a.add(u)
                taken_b.add(v)
                ca.discard(u)
                cb.discard(v)
                ca.add(name)
                cb.add(name)
                shared.add(name)
                matched += 1
    return ca, cb, shared, matched


def _precision(grams_a, grams_b) -> float:
    total = grams_a.total()
    if not total:
        return 0.0
    shared = sum(min(count, grams_b[g]) for g, count in grams_a.items() if g in grams_b)
    return shared / total


def _precisions(grams_a, grams_b) -> tuple[float, float]:
    """``_precision`` both ways: the shared count (the sum of the smaller count of each n-gram)
    is the same in both directions, so it is counted once. Integers throughout, so the
    quotients are those of ``_precision`` to the bit."""
    total_a, total_b = grams_a.total(), grams_b.total()
    if grams_a is grams_b:  # a sentence against itself (identical pairs): every gram is shared
        shared = total_a
    else:
        # the common grams found by a set operation in C, then their smaller counts summed
        shared = sum(min(grams_a[gram], grams_b[gram]) for gram in grams_a.keys() & grams_b.keys())
    return (shared / total_a if total_a else 0.0), (shared / total_b if total_b else 0.0)


def _subject(form: MatchForm) -> str | None:
    """The first name of the sentence, else its first content word: a stand-in for the subject."""
    for word, stemmed in zip(form.words, form.stems, strict=True):
        if word in form.names:
            return stemmed
    for stemmed in form.stems:
        if stemmed not in STOPWORDS:
            return stemmed
    return None


def features(a: MatchForm, b: MatchForm, model: ClaimModel | None = None) -> list[float]:
    """The features of a sentence pair, in the order of ``FEATURE_NAMES``."""
    return _features(a, b, model or load_model())[0]


def _features(
    a: MatchForm, b: MatchForm, model: ClaimModel
) -> tuple[list[float], tuple[set[str], set[str], set[str]]]:
    """``features`` and the content sets they were computed from (``explain`` shows them)."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Indel

    ca, cb, shared, related = _content_sets(a, b, model.related)
    # Each word's weight and rarity from the model's memo (the sums below visit the sets in the
    # same order as calling ``model.weight`` in each would, so the figures are the same to the bit).
    weights, rarities = model._weights, model._rarities
    for w in ca:
        if w not in weights:
            weights[w] = model.weight(w)
            rarities[w] = model.rarity(w)
    for w in cb:
        if w not in weights:
            weights[w] = model.weight(w)
            rarities[w] = model.rarity(w)
    # (``map`` feeds ``sum`` the same values in the same order as a generator, without its frames)
    weight_of, rarity_of = weights.__getitem__, rarities.__getitem__
    wa = sum(map(weight_of, ca))
    wb = sum(map(weight_of, cb))
    ws = sum(map(weight_of, shared))
    cover_a = ws / wa if wa else 0.0
    cover_b = ws / wb if wb else 0.0
    ua, ub = wa - ws, wb - ws
    ra = sum(map(rarity_of, ca))
    rb = sum(map(rarity_of, cb))
    rs = sum(map(rarity_of, shared))
    rua, rub = ra - rs, rb - rs
    precisions = []
    for n in range(4):
        forward, backward = _precisions(a.grams[n], b.grams[n])
        precisions.append((min(forward, backward), max(forward, backward)))
    seq_a = [w for w in a.stems if w in shared]
    seq_b = [w for w in b.stems if w in shared]
    order = Indel.normalized_similarity(seq_a, seq_b) if seq_a and seq_b else 0.0
    keys_a, keys_b = figure_keys(a), figure_keys(b)
    names_a, names_b = set(a.names), set(b.names)
    names_shared = names_a & names_b
    for name in sorted(names_a - names_shared):
        other = _variant(name, sorted(names_b - names_shared))
        if other is not None:
            names_shared.add(name)
            names_b.discard(other)
            names_b.add(name)
    na, nb = len(names_a - names_shared), len(names_b - names_shared)
    neg_a = not NEGATIONS.isdisjoint(a.words)
    neg_b = not NEGATIONS.isdisjoint(b.words)
    subject_a, subject_b = _subject(a), _subject(b)
    length_a, length_b = max(1, len(a.words)), max(1, len(b.words))
    evidence = model.evidence
    grams_a = gram_keys(a)
    grams_b = gram_keys(b)
    word_evidence = 0.0
    if evidence:
        get = evidence.get
        for key in grams_a & grams_b:
            found = get(key)
            if found is not None:
                word_evidence += found[0]
        for key in grams_a ^ grams_b:
            found = get(key)
            if found is not None:
                word_evidence += found[1]
    top_a = max(map(weight_of, ca - shared), default=0.0)
    top_b = max(map(weight_of, cb - shared), default=0.0)
    # ``partial_ratio`` is 100 when the shorter key is inside the longer (so on every identical
    # pair alignment explains); ``in`` answers that a hundred times faster than the scorer.
    shorter, longer = (a.key, b.key) if len(a.key) <= len(b.key) else (b.key, a.key)
    if len(shorter) < 8:
        partial = 0.0
    elif shorter in longer:
        partial = 1.0
    else:
        partial = fuzz.partial_ratio(a.key, b.key) / 100.0
    values = [
        2 * ws / (wa + wb) if wa + wb else 0.0,
        min(cover_a, cover_b),
        max(cover_a, cover_b),
        min(ua, ub),
        max(ua, ub),
        2 * rs / (ra + rb) if ra + rb else 0.0,
        min(rua, rub),
        max(rua, rub),
        precisions[0][0],
        precisions[0][1],
        precisions[1][0],
        precisions[1][1],
        precisions[2][0],
        precisions[3][0],
        order,
        float(len(keys_a & keys_b)),
        float(bool(keys_a and keys_b and not keys_a & keys_b)),
        float(bool(keys_a) != bool(keys_b)),
        float(len(names_shared)),
        float(min(na, nb)),
        float(max(na, nb)),
        float(neg_a != neg_b),
        float(subject_a is not None and subject_a == subject_b),
        math.log(length_a * length_b),
        min(length_a, length_b) / max(length_a, length_b),
        fuzz.ratio(a.key, b.key) / 100.0,
        partial,
        float(min(len(ca - shared), len(cb - shared))),
        float(max(len(ca - shared), len(cb - shared))),
        min(top_a, top_b),
        max(top_a, top_b),
        word_evidence,
        float(related),
    ]
    return values, (ca, cb, shared)


def gram_keys(form: MatchForm) -> frozenset[str]:
    """The stems and adjacent stem pairs of a sentence, as the keys of ``ClaimModel.evidence``."""
    return _gram_keys(form.stems)


@lru_cache(maxsize=16384)
def _gram_keys(stems: tuple[str, ...]) -> frozenset[str]:
    return frozenset(stems) | frozenset(f"{x} {y}" for x, y in pairwise(stems))


def _contributions(values: Sequence[float], model: ClaimModel) -> tuple[list[float], float]:
    """Each feature's part in the log-odds, and the rest (bias): exact for the logistic model
    and for the hidden layer of rectified units (the log-odds is linear in the features
    within the region of units that are active)."""
    if model.low:
        values = [min(max(v, lo), hi) for v, lo, hi in zip(values, model.low, model.high, strict=True)]
    standard = [(value - mean) / scale for value, mean, scale in zip(values, model.mean, model.scale, strict=True)]
    if not model.hidden:
        return [c * z for c, z in zip(model.coef, standard, strict=True)], model.bias
    import numpy as np

    weights, biases = model.hidden
    z = np.asarray(standard)
    active = (z @ weights + biases) > 0
    coef = _array(model.coef)[active]
    gradient = weights[:, active] @ coef
    rest = model.bias + float(biases[active] @ coef)
    return (gradient * z).tolist(), rest


@lru_cache(maxsize=8)
def _array(values: tuple[float, ...]):
    """A model's output weights as an array, converted once (not twice per sentence pair)."""
    import numpy as np

    return np.asarray(values)


def _logit(values: Sequence[float], model: ClaimModel) -> float:
    contributions, rest = _contributions(values, model)
    return rest + sum(contributions)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def claim_probability(a: MatchForm, b: MatchForm, *, model: ClaimModel | None = None) -> float:
    """Probability (0..1) that two sentences make the same claim.

    >>> from compare.pair.matching import match_form
    >>> p = claim_probability(match_form("Kiev said it shot down 12 drones."),
    ...                       match_form("Kyiv said it had shot down 12 drones."))
    >>> p > 0.5
    True
    """
    model = model or load_model()
    return _sigmoid(_logit(features(a, b, model), model))


@dataclass(frozen=True, slots=True)
class Reason:
    """One feature's part in a decision: its value and how much it moved the log-odds."""

    feature: str
    text: str
    value: float
    contribution: float


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why two sentences were (or were not) matched."""

    probability: float
    same_claim: bool
    reasons: tuple[Reason, ...]
    shared_words: tuple[str, ...]
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "probability": round(self.probability, 4),
            "same_claim": self.same_claim,
            "shared_words": list(self.shared_words),
            "only_a": list(self.only_a),
            "only_b": list(self.only_b),
            "reasons": [
                {"feature": r.feature, "text": r.text, "value": round(r.value, 4), "contribution": round(r.contribution, 3)}
                for r in self.reasons
            ],
        }


def explain(a: MatchForm, b: MatchForm, *, model: ClaimModel | None = None, top: int = 5) -> Explanation:
    """The probability with the features that moved it most (largest contributions first)."""
    model = model or load_model()
    values, (ca, cb, shared) = _features(a, b, model)
    contributions, rest = _contributions(values, model)
    probability = _sigmoid(rest + sum(contributions))
    order = sorted(range(len(values)), key=lambda k: -abs(contributions[k]))[:top]
    # Ties broken by the word: `shared` is a set, whose order changes with the string hash seed.
    by_weight = sorted(shared, key=lambda w: (-model.weight(w), w))
    return Explanation(
        probability=probability,
        same_claim=probability >= model.threshold,
        reasons=tuple(
            Reason(FEATURE_NAMES[k], FEATURE_TEXT[FEATURE_NAMES[k]], values[k], contributions[k]) for k in order
        ),
        shared_words=tuple(by_weight[:8]),
        only_a=tuple(sorted(ca - shared, key=lambda w: (-model.weight(w), w))[:5]),
        only_b=tuple(sorted(cb - shared, key=lambda w: (-model.weight(w), w))[:5]),
    )


@lru_cache(maxsize=8192)
def explain_texts(a_text: str, b_text: str) -> Explanation:
    """``explain`` for two texts with the shipped model, cached: alignment asks once to decide
    (``probability``) and once to say why, and the features are computed once."""
    return explain(_form(a_text), _form(b_text))


# ---------------------------------------------------------------- sentences that are not claims

_PHOTO_CREDIT_FORMS = (
    r"(?:[/|©]\s*(?:AFP|AP|Reuters|REUTERS|Getty(?: Images)?|EPA|TASS|Sputnik|RIA Novosti|Kremlin\.ru|"
    r"Shutterstock|Pixabay|Unsplash|Wikimedia(?: Commons)?|[A-Z][\w.-]+ ?(?:Photo|Images?|Press|Media|News))"
    r"\s*\)?\s*$)",
    r"\((?:AP|AFP|Reuters|Getty Images|EPA)?\s*(?:Photo|Image)s?\b[^)]*\)\s*$",
    r"^\s*(?:Photo|Image|Picture|Photograph|File photo|Credit|Courtesy)(?: by| credit)?\s*[:|-]",
    r"\b(?:Getty Images|AP Photo|Reuters Photo|Photo credit|File photo|Courtesy of)\b",
    r"[.!?]\s+(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|[a-z]{2})(?:\.[a-z]{2})?\s*$",
)
# Searched one form at a time (any match is a match): alone, each gets the engine's skip to
# its first character, which their alternation as a whole cannot (a third of the cost).
_PHOTO_CREDIT_EACH = tuple(re.compile(form) for form in _PHOTO_CREDIT_FORMS)


def _is_photo_credit(text: str) -> bool:
    """Whether any of ``_PHOTO_CREDIT_FORMS`` matches anywhere in ``text``."""
    return any(form.search(text) for form in _PHOTO_CREDIT_EACH)


_DATE_ONLY = re.compile(
    r"^\s*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s*)?(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
    r"[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s*(?:\d{4})?|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
    r"[a-z]*\.?,?\s*(?:\d{4})?|\d{4}-\d{2}-\d{2})(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?\s*$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^\s*(?:By|BY)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})*\s*$"
    r"|^\s*\(?(?:Reporting|Writing|Editing|Additional reporting|Compiled|Translated)(?: by)?\b.*\bby\b"
    r"|^\s*\(?(?:Reporting|Writing|Editing) by\b",
)
_REPORT_CREDIT = re.compile(
    r"\b(?:contributed|contributing) (?:to )?(?:this |the )?(?:report|reporting|story|article)\b"
    r"|\bcontributed reporting\b|\bcontributed to this\b",
    re.IGNORECASE,
)
_DATELINE_ONLY = re.compile(
    r"^\s*[A-Z][A-Z .,'-]{1,40}(?:,\s*\w+\.? \d{1,2})?\s*\((?:Reuters|AP|AFP|Bloomberg|Interfax|TASS|dpa|UPI|PA)\)\s*[-–—]*\s*$"
)
_TIP_LINE = re.compile(
    r"\b(?:crime ?stoppers|tip ?line|tips? hotline|anonymous(?:ly)? tips?|submit (?:a |an )?(?:anonymous )?tip"
    r"|(?:anyone|those|people) with (?:any )?information\b.{0,120}\b(?:call|contact|asked|urged|encouraged|should)"
    r"|(?:is|are) asked to (?:call|contact)|call (?:the )?(?:police|sheriff|detectives?|investigators?)\b.{0,40}\d"
    r"|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b|\b\d{3}-TIPS\b|text (?:a )?tips?)",
    re.IGNORECASE,
)
_PROMO = re.compile(
    r"^\s*(?:Read more|Related|Click here|Watch|Sign up|Subscribe|Follow (?:us|him|her)|Share this|"
    r"Copyright|©|All rights reserved)\b",
    re.IGNORECASE,
)
#: Lower-case words a caption naming a person may hold ("Kremlin spokesman Dmitry Peskov.").
_CAPTION_WORDS = frozenset(
    str.split("""spokesman spokeswoman spokesperson president prime minister foreign defense defence
    secretary minister chancellor leader chief head ambassador general commander deputy
    senator governor mayor official officials of the and in at on left right center centre
    file photo pictured""")
)


def non_claim_reason(text: str, *, block_text: str = "", headline: bool = False) -> str | None:
    """Why a sentence is not a claim of the story, or None for a claim.

    Recognised: ``headline`` (the caller knows: the title line), ``caption``
    (a block ending in a photo credit such as "Anatolii Stepanov / AFP", or a
    verbless line naming a person, "Kremlin spokesman Dmitry Peskov."),
    ``byline`` ("By Jane Doe", "Reporting by ..."), ``credit`` ("AFP
    contributed reporting", "... contributed to this report"), ``dateline``
    (a dateline alone), ``tip line`` ("Anyone with information is asked to
    call ...", Crime Stoppers, a phone number) and ``promotion`` ("Read more",
    "Sign up", copyright lines).

    >>> non_claim_reason("Kremlin spokesman Dmitry Peskov.")
    'caption'
    >>> non_claim_reason("Anyone with information is asked to call Crime Stoppers at 713-222-8477.")
    'tip line'
    >>> non_claim_reason("Peskov said weapons shipments endanger Europe.") is None
    True
    """
    clean = " ".join(text.split())
    if headline:
        return "headline"
    if not clean:
        return "empty"
    if _is_photo_credit(clean) or (block_text and _is_photo_credit(" ".join(block_text.split()))):
        return "caption"
    if _BYLINE.search(clean):
        return "byline"
    if _REPORT_CREDIT.search(clean):
        return "credit"
    if _DATELINE_ONLY.match(clean) or _DATE_ONLY.match(clean):
        return "dateline"
    if _TIP_LINE.search(clean):
        return "tip line"
    if _PROMO.match(clean):
        return "promotion"
    tokens = clean.rstrip(".").split()
    if 1 <= len(tokens) <= 8 and not any(c in clean for c in "\"“”«»") and all(
        t[:1].isupper() or t.strip(",'’").casefold() in _CAPTION_WORDS for t in tokens
    ):
        return "caption"
    return None


# ---------------------------------------------------------------- clauses

_QUOTED = re.compile(r"[\"“«]([^\"“”«»]{12,})[\"”»]")
_CLAUSE_BREAK = re.compile(
    r"\s*(?:;|\s[-–—]\s|—|,\s+(?:which|who|whom|while|whereas|including|as|amid|after|before|but|and)\s"
    r"|\s(?:amid|after|because|although|though|while|as)\s)\s*"
)
_REPORTED = re.compile(
    rf"^(?:.{{0,120}}?\b(?:{'|'.join(REPORTING_VERBS)})"
    r"(?:\s+(?:on\s+)?(?:\w+day|this week|last week|earlier|later|reporters|parliament|journalists|[A-Z]\w+)){0,3}"
    r"\s+(?:that\s+)?)(.{20,})$"
)


def clauses(text: str) -> tuple[str, ...]:
    """The sentence and the claims inside it: a quotation apart from its attribution, what
    was reported apart from "X said (that)", and clauses cut at semicolons, dashes and
    ", which / including / amid ..." (each at least four words).

    >>> clauses('"This all leads to further escalation," Kremlin spokesman Dmitry Peskov told reporters.')[1]
    'This all leads to further escalation,'
    """
    found: list[str] = [text]
    for match in _QUOTED.finditer(text):
        found.append(match.group(1))
    reported = _REPORTED.match(text)
    if reported:
        found.append(reported.group(1))
    for part in _CLAUSE_BREAK.split(text):
        if part and part != text:
            found.append(part)
            inner = _REPORTED.match(part)
            if inner:
                found.append(inner.group(1))
    seen: dict[str, None] = {}
    for part in found:
        part = part.strip()
        if len(part.split()) >= 4 and part not in seen:
            seen[part] = None
    return tuple(seen)


@lru_cache(maxsize=16384)
def _clause_forms(text: str) -> tuple[MatchForm, ...]:
    return tuple(_form(part) for part in clauses(text)[1:])


@lru_cache(maxsize=16384)
def _form(text: str) -> MatchForm:
    from compare.pair.matching import match_form

    return match_form(text)


def best_clause_match(
    a_text: str, b_text: str, *, model: ClaimModel | None = None
) -> tuple[float, MatchForm | None, MatchForm | None]:
    """The most probable same-claim pair among the clauses of two sentences (either side may be
    the whole sentence): (probability, clause of A, clause of B). Clause pairs that share fewer
    than three content words, or under half of the smaller clause's, are not scored.
    Results for the shipped model are cached (alignment asks once to decide, once to explain)."""
    if model is None:
        return _best_clause_match(a_text, b_text)
    return _search_clauses(a_text, b_text, model)


@lru_cache(maxsize=8192)
def _best_clause_match(a_text: str, b_text: str) -> tuple[float, MatchForm | None, MatchForm | None]:
    return _search_clauses(a_text, b_text, load_model())


def _search_clauses(
    a_text: str, b_text: str, model: ClaimModel
) -> tuple[float, MatchForm | None, MatchForm | None]:
    side_a = (_form(a_text), *_clause_forms(a_text))
    side_b = (_form(b_text), *_clause_forms(b_text))
    best: tuple[float, MatchForm | None, MatchForm | None] = (0.0, None, None)
    for i, fa in enumerate(side_a):
        for j, fb in enumerate(side_b):
            if i == 0 and j == 0:
                continue
            shared = len(fa.content & fb.content)
            if shared < 3 or shared * 2 < min(len(fa.content), len(fb.content)):
                continue  # under half of the smaller clause shared: never above the threshold
            p = claim_probability(fa, fb, model=model)
            if p > best[0]:
                best = (p, fa, fb)
    return best


def clear_caches() -> None:
    """Empty the per-text caches (benchmarks start each run cold)."""
    for cached in (_form, _clause_forms, _best_clause_match, _gram_keys, explain_texts):
        cached.cache_clear()
