"""The story score: the probability that two articles report the same story.

One score serves ``pair``'s verdict and ``report``'s story clusters, so the
two never disagree on a pair. It measures what two articles share *about the
world*, not how many phrases they share:

- **content terms**: cosine of TF-IDF vectors over content words. A word's
  IDF comes from a background English frequency table (``wordfreq``), so two
  to five articles are weighted as sensibly as ten thousand; in a larger set a
  word that many articles carry (a city, "shooting") is damped further by its
  document frequency in the set;
- **named entities** (runs of capitalised words: people, places, bodies),
  weighted the same way;
- **figures**: numbers of two or more digits both articles carry (ages,
  amounts, counts, street numbers), years excluded;
- **time**: the gap between the two articles' dates (published, else found in
  the text), with "no date" as its own value.

A word that recurs across many articles of a set (the words of a police tip
line, a station's disclaimer, "accused of murdering") weighs less the more
articles carry it, and site chrome is removed before anything is scored, so
shared boilerplate is evidence of (almost) nothing. Shared word 3-grams, the
old score, were measured as a feature too and added nothing out of corpus.

The features are combined by a logistic model whose coefficients are data
(``story_model.json`` beside this module), fitted leave-one-corpus-out on the
development sets by ``evaluation/story_grouping.py``; nothing is fitted at run
time.
"""

from __future__ import annotations

import json
import math
import re
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import Any

import numpy as np

from compare.text.lexicon import STOPWORDS, STORY_NAME_RUN, WEEKDAYS
from compare.text.normalize import fold, words

MODEL_PATH = Path(__file__).with_name("story_model.json")
#: A pair that is not the same story is "related" when its probability with the time
#: evidence taken out (``timeless``) reaches this: the same topic at another time.
RELATED_THRESHOLD = 0.5

#: Feature names, in the order of the model's coefficients.
FEATURES = (
    "content_cosine",
    "entity_cosine",
    "shared_figures",
    "days_apart",
    "no_dates",
    "no_shared_names",
)

#: IDF of a word the background table does not know (a rare name, a typo): as
#: rare as the rarest words it lists.
_UNKNOWN_ZIPF = 1.0
#: Zipf frequency at and above which a word carries no weight ("the" is 7.7).
_CEILING_ZIPF = 7.0
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# Weekday names (lexicon.WEEKDAYS) say when, not what: two stories "on Wednesday" share nothing.
_ENTITY_RUN = re.compile(STORY_NAME_RUN)
_PHONE = re.compile(r"(?:\+?1[-. ])?(?:\(\d{3}\)\s?|\b\d{3}[-. ])\d{3}[-. ]\d{4}\b|\b1-8\d\d-[A-Z0-9-]{7,9}\b")
#: What every ``_PHONE`` match holds ("555-1234"; the toll-free form holds "1-8"), found by a
#: scan that skips to digits: a quarter of ``_PHONE``'s cost, which tries its optional prefix at every character.
_PHONE_CORE = re.compile(r"\d{3}[-. ]\d{4}")
#: Sets of at most this many articles (``pair``; ``report`` of two files) hold their weighted rows
#: as dense numpy arrays, not scipy CSR matrices: importing scipy.sparse was ~0.15 s of every
#: ``pair`` command. Every sum is reduced in scipy's order with scipy's numpy call, so both
#: paths give the same scores bit for bit (tests/test_story_grouping.py compares them).
DENSE_MAX_ARTICLES = 2
_NAME_TOKEN = re.compile(r"[^\W_]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”]\s+|\n\s*)$")


#: wordfreq's English "best" table, built by scripts/build_background_table.py (format there).
BACKGROUND_PATH = Path(__file__).parent / "data" / "english_frequency.bin"


class _FrequencyTable(Mapping[str, float]):
    """word -> frequency over a sorted word list and each word's centibel bucket, looked up by bisection.

    A ``pair`` looks up a few thousand words: bisecting a list costs a split of
    the table's text (~20 ms), where building a dict of its 321,180 words cost
    ~0.1 s of every command.
    """

    __slots__ = ("_buckets", "_words")

    def __init__(self, words: list[str], buckets: array) -> None:
        self._words = words
        self._buckets = buckets

    def get(self, word: str, default: Any = None) -> Any:
        words = self._words
        position = bisect_left(words, word)
        if position < len(words) and words[position] == word:
            # The i-th bucket holds the words of -i centibels: 10 ** (-i / 100), as wordfreq's cB_to_freq.
            return 10 ** (-self._buckets[position] / 100)
        return default

    def __getitem__(self, word: str) -> float:
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return float(found)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


@lru_cache(maxsize=1)
def _background() -> Mapping[str, float]:
    """wordfreq's English table ("best": the large list), word -> frequency.

    Read from ``english_frequency.bin``, built from wordfreq by
    scripts/build_background_table.py and equal to
    ``wordfreq.get_frequency_dict("en", wordlist="best")``
    (tests/test_story_grouping.py): importing wordfreq pulls in langcodes, ftfy
    and regex (~0.25 s), and its table as a dict took ~0.15 s more of every
    ``pair`` command's start. Without the file, wordfreq's own reader is used.
    """
    import struct
    import zlib

    if not BACKGROUND_PATH.is_file():
        from wordfreq import get_frequency_dict

        return get_frequency_dict("en", wordlist="best")
    data = zlib.decompress(BACKGROUND_PATH.read_bytes())
    if not data.startswith(b"ACWF1\n"):
        raise ValueError(f"{BACKGROUND_PATH} is not a background table; rebuild it (scripts/build_background_table.py)")
    count, _ = struct.unpack_from("<II", data, 6)
    start = 6 + 8
    buckets = array("H")
    buckets.frombytes(data[start : start + 2 * count])
    if sys.byteorder == "big":
        buckets.byteswap()
    words = data[start + 2 * count :].decode("utf-8").split("\n")
    if len(words) != count:
        raise ValueError(f"{BACKGROUND_PATH} is damaged; rebuild it (scripts/build_background_table.py)")
    return _FrequencyTable(words, buckets)


@lru_cache(maxsize=200_000)
def background_idf(word: str) -> float:
    """How unusual ``word`` is in English at large: ``7 - zipf``, clipped to [0, 6].

    >>> background_idf("the") < 0.5 < background_idf("homicide") < background_idf("buttigieg")
    True
    """
    if word.isdigit():
        return 0.0 if len(word) < 2 or _YEAR.match(word) else 4.0
    frequency = _background().get(word)
    zipf = math.log10(frequency * 1e9) if frequency else _UNKNOWN_ZIPF
    return float(min(6.0, max(0.0, _CEILING_ZIPF - zipf)))


@dataclass(frozen=True, slots=True)
class StoryModel:
    """Logistic coefficients over ``FEATURES`` and the default decision threshold."""

    intercept: float
    coefficients: tuple[float, ...]
    threshold: float = 0.5
    min_content_cosine: float = 0.06
    fitted_on: str = ""

    def __post_init__(self) -> None:
        if len(self.coefficients) != len(FEATURES):
            raise ValueError(f"a story model needs {len(FEATURES)} coefficients ({', '.join(FEATURES)})")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError("threshold must be a probability in (0, 1); 0.5 is the default")
        if not 0.0 <= self.min_content_cosine < 1.0:
            raise ValueError("min_content_cosine must be in [0, 1); 0.06 is the default")

    def probability(self, features: np.ndarray) -> np.ndarray:
        """P(same story) for each row of a (pairs, features) matrix."""
        z = self.intercept + np.asarray(features, dtype=float) @ np.asarray(self.coefficients)
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "intercept": self.intercept,
            "coefficients": dict(zip(FEATURES, self.coefficients, strict=True)),
            "threshold": self.threshold,
            "min_content_cosine": self.min_content_cosine,
            "fitted_on": self.fitted_on,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoryModel:
        coefficients = data["coefficients"]
        if not isinstance(coefficients, dict) or set(coefficients) != set(FEATURES):
            raise ValueError(f"story model coefficients must name exactly: {', '.join(FEATURES)}")
        return cls(
            float(data["intercept"]),
            tuple(float(coefficients[name]) for name in FEATURES),
            float(data.get("threshold", 0.5)),
            float(data.get("min_content_cosine", 0.06)),
            str(data.get("fitted_on", "")),
        )


@lru_cache(maxsize=1)
def default_model() -> StoryModel:
    """The shipped model (``story_model.json``)."""
    return StoryModel.from_dict(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


@dataclass(frozen=True, slots=True)
class Profile:
    """What the story score needs of one article.

    Attributes:
        terms: content word -> term frequency.
        entities: folded entity name -> count.
        figures: numbers of two or more digits (years excluded).
        day: date ordinal (``date.toordinal``) or None.
        length: content words.
    """

    terms: dict[str, int]
    entities: dict[str, int]
    figures: frozenset[str]
    day: int | None
    length: int
    #: folded entity name -> its first written form ("peskov" -> "Peskov").
    spelled: dict[str, str] = field(default_factory=dict)


def _entities(text: str, spelled: dict[str, str] | None = None) -> dict[str, int]:
    found: dict[str, int] = {}
    for match in _ENTITY_RUN.finditer(text):
        tokens = _NAME_TOKEN.findall(match.group().lower())
        if not tokens:
            continue
        if _SENTENCE_START.search(text[max(0, match.start() - 3) : match.start()]) or match.start() == 0:
            # "The", "Police" at a sentence start: keep a one-word run only when it is unusual.
            if len(tokens) == 1 and background_idf(tokens[0]) < 2.5:
                continue
            if len(tokens) > 1 and background_idf(tokens[0]) < 1.5:
                tokens = tokens[1:]
        if all(t in STOPWORDS or t in WEEKDAYS for t in tokens):
            continue
        key = " ".join(tokens)
        found[key] = found.get(key, 0) + 1
        if spelled is not None and key not in spelled:
            written = match.group().split()
            spelled[key] = " ".join(written[len(written) - len(tokens) :]) if len(written) >= len(tokens) else key
    return found


def profile(content: str, *, title: str | None = None, day: int | None = None) -> Profile:
    """The profile of one article's content (boilerplate already removed)."""
    text = f"{title}\n{content}" if title else content
    if "1-8" in text or _PHONE_CORE.search(text):  # else no number to remove: skip the costly scan
        text = _PHONE.sub(" ", text)  # a tip line's number is the police's, not the story's
    tokens = words(text)
    terms: dict[str, int] = {}
    figures = set()
    for token in tokens:
        if token in STOPWORDS or token in WEEKDAYS or (len(token) < 2 and not token.isdigit()):
            continue
        if token.isdigit():
            if len(token) >= 2 and not _YEAR.match(token):
                figures.add(token)
            continue
        terms[token] = terms.get(token, 0) + 1
    spelled: dict[str, str] = {}
    entities = _entities(text, spelled)
    return Profile(terms, entities, frozenset(figures), day, len(tokens), spelled)


def day_of(value: str | None) -> int | None:
    """Date ordinal of an ISO date (``2021-11-23``, time part ignored), else None."""
    if not value:
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).toordinal()
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class WeightedBags:
    """Bags of words of a set of articles as rows of L2-normalised weights.

    Attributes:
        vectors: (articles, vocabulary) scipy CSR matrix of ``(1 + log tf) * idf``, rows normalised
            (a dense numpy array in a set of at most ``DENSE_MAX_ARTICLES``).
        idf: the damped IDF of each term of the vocabulary.
        df: document frequency in the set of each vocabulary column.
    """

    vectors: Any
    idf: dict[str, float]
    df: np.ndarray


class ProfileSet:
    """Profiles of one set of articles as sparse weighted vectors.

    Term and entity weights are ``(1 + log tf) * idf``, idf the background
    IDF damped by the document frequency in the set: a word that more than
    ``common_df`` articles carry is divided by ``df / common_df``.
    """

    def __init__(self, profiles: Sequence[Profile], *, common_df: int | None = None, dense: bool | None = None) -> None:
        self.profiles = list(profiles)
        n = len(self.profiles)
        if dense and n > DENSE_MAX_ARTICLES:
            raise ValueError(f"dense rows serve at most {DENSE_MAX_ARTICLES} articles; leave dense=None")
        #: Rows as dense numpy arrays (a pair) instead of scipy CSR matrices; same scores, bit for bit.
        self.dense = n <= DENSE_MAX_ARTICLES if dense is None else dense
        sparse: Any = None
        if not self.dense:
            sparse = import_module("scipy.sparse")
        self.n = n
        self.common_df = common_df if common_df is not None else max(8, int(0.02 * n))
        self.terms = self._matrix([p.terms for p in self.profiles], sparse)
        self.entities = self._matrix([p.entities for p in self.profiles], sparse)
        self.days = np.array([p.day if p.day is not None else -1 for p in self.profiles], dtype=np.int64)
        self.named = np.array([bool(p.entities) for p in self.profiles], dtype=bool)
        self.lengths = np.array([p.length for p in self.profiles], dtype=float)

    def _matrix(self, bags: Sequence[dict[str, int]], sparse: Any) -> WeightedBags:
        vocabulary: dict[str, int] = {}
        rows, cols, tfs = [], [], []
        for row, bag in enumerate(bags):
            for term, count in bag.items():
                col = vocabulary.setdefault(term, len(vocabulary))
                rows.append(row)
                cols.append(col)
                tfs.append(count)
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocabulary)).astype(float)
        idf = np.zeros(len(vocabulary))
        for term, col in vocabulary.items():
            idf[col] = max(background_idf(t) for t in term.split())
        idf /= np.maximum(1.0, df / self.common_df)
        values = (1.0 + np.log(np.asarray(tfs, dtype=float))) * idf[np.asarray(cols, dtype=np.int64)]
        if sparse is None:
            dense = np.zeros((len(bags), len(vocabulary)))
            dense[np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)] = values
            # As below: each row's non-zero squares summed in column order, one reduceat over all rows.
            norms = np.sqrt(_nonzero_row_sums(dense * dense))
            vectors = (1.0 / np.maximum(norms, 1e-12))[:, None] * dense
            return WeightedBags(vectors, dict(zip(vocabulary, idf.tolist(), strict=True)), df)
        matrix = sparse.csr_matrix(
            (values, (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
            shape=(len(bags), len(vocabulary)),
        )
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        scale = sparse.diags(1.0 / np.maximum(norms, 1e-12))
        return WeightedBags((scale @ matrix).tocsr(), dict(zip(vocabulary, idf.tolist(), strict=True)), df)

    def shared_names(self, x: int, y: int, *, limit: int = 4) -> tuple[str, ...]:
        """What weighs most in the overlap of two articles: shared names first, then words."""
        found: list[str] = []
        for matrix, bag_name in ((self.entities, "entities"), (self.terms, "terms")):
            bag_x, bag_y = getattr(self.profiles[x], bag_name), getattr(self.profiles[y], bag_name)
            if len(bag_x) > len(bag_y):
                bag_x, bag_y = bag_y, bag_x
            weight = matrix.idf
            ranked = sorted(
                (name for name in bag_x if name in bag_y),
                key=lambda name: (-weight[name] ** 2 * (1 + math.log(bag_x[name])) * (1 + math.log(bag_y[name])), name),
            )
            for name in ranked:
                if weight[name] <= 0:
                    break
                if not any(name in other.casefold() or other.casefold() in name for other in found):
                    found.append(self.profiles[x].spelled.get(name) or self.profiles[y].spelled.get(name) or name)
                if len(found) >= limit:
                    return tuple(found)
        return tuple(found)

    def content_cosine(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Cosine of the weighted content-term vectors of pairs ``a[i], b[i]``."""
        return _rowwise_dot(self.terms.vectors, a, b)

    def features(self, a: np.ndarray, b: np.ndarray, content: np.ndarray | None = None) -> np.ndarray:
        """The (pairs, FEATURES) matrix of pairs ``a[i], b[i]``."""
        if content is None:
            content = self.content_cosine(a, b)
        entity = _rowwise_dot(self.entities.vectors, a, b)
        figures = np.array(
            [len(self.profiles[x].figures & self.profiles[y].figures) for x, y in zip(a, b, strict=True)],
            dtype=float,
        )
        da, db = self.days[a], self.days[b]
        known = (da >= 0) & (db >= 0)
        gap = np.where(known, np.log1p(np.abs(da - db)), 0.0)
        named = self.named[a] & self.named[b]
        no_shared = (named & (entity <= 0.0)).astype(float)
        return np.column_stack([content, entity, np.log1p(figures), gap, (~known).astype(float), no_shared])


def _nonzero_row_sums(rows: np.ndarray) -> np.ndarray:
    """Sum of each row's non-zero entries, exactly as scipy sums a CSR matrix's rows.

    scipy keeps the non-zero results of an element-wise product in column order
    and sums each row's run with one ``np.add.reduceat`` over all rows (pairwise
    summation inside a run); the same reduction over the same values in the same
    order gives the same bits.
    """
    kept = rows != 0
    counts = kept.sum(axis=1)
    out = np.zeros(len(rows))
    filled = np.flatnonzero(counts)
    if len(filled):
        starts = (np.cumsum(counts) - counts)[filled]
        out[filled] = np.add.reduceat(rows[kept], starts)
    return out


def _rowwise_dot(matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if len(a) == 0:
        return np.zeros(0)
    if isinstance(matrix, np.ndarray):
        return _nonzero_row_sums(matrix[a] * matrix[b])
    out = np.empty(len(a))
    step = 20_000
    for start in range(0, len(a), step):
        left = matrix[a[start : start + step]]
        right = matrix[b[start : start + step]]
        out[start : start + step] = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    return out


def fold_name(text: str) -> str:
    """Folded key of an entity name (as ``Profile.entities`` stores it)."""
    return " ".join(words(fold(text)))


#: Each article keeps its this many closest candidates (by the dot over top terms); a pair is
#: scored when either side keeps it. Without the cap the candidates grew as N² (a word in 10 %
#: of the set pairs 1 % of all pairs): 0.84 M candidates for 4,000 generated articles.
CANDIDATES_PER_ARTICLE = 50


def term_candidates(
    profiles: ProfileSet, *, top_terms: int = 40, min_dot: float = 0.02, per_article: int = CANDIDATES_PER_ARTICLE
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sharing heavily weighted terms: sparse product over each article's top terms.

    Only each article's ``top_terms`` heaviest terms of set document
    frequency at most ``5 * common_df`` take part, so the product stays sparse;
    each article keeps its ``per_article`` best candidates (a pair stays when
    either side keeps it), so the pairs scored grow linearly with the number
    of articles.
    """
    matrix = profiles.terms.vectors
    if profiles.n < 2 or (np.count_nonzero(matrix) if profiles.dense else matrix.nnz) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    if profiles.dense:
        first, second = _dense_pair_candidate(profiles, top_terms=top_terms, min_dot=min_dot)
        return first, second
    from scipy import sparse

    keep_col = profiles.terms.df <= 5 * profiles.common_df
    coo = matrix.tocoo()
    mask = keep_col[coo.col]
    rows, cols, vals = coo.row[mask], coo.col[mask], coo.data[mask]
    order = np.lexsort((-vals, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    starts = np.searchsorted(rows, rows, side="left")
    rank = np.arange(len(rows)) - starts
    top = rank < top_terms
    reduced = sparse.csr_matrix((vals[top], (rows[top], cols[top])), shape=matrix.shape)
    product = sparse.triu(reduced @ reduced.T, k=1).tocoo()
    chosen = product.data >= min_dot
    first, second, dots = product.row[chosen].astype(np.int64), product.col[chosen].astype(np.int64), product.data[chosen]
    if len(first) > per_article * profiles.n // 2:
        # Both directions, best first per article, the first per_article of each kept.
        owner = np.concatenate([first, second])
        both = np.concatenate([dots, dots])
        order = np.lexsort((np.concatenate([second, first]), -both, owner))
        rank = np.arange(len(order)) - np.searchsorted(owner[order], owner[order], side="left")
        kept = np.zeros(len(first), dtype=bool)
        kept[order[rank < per_article] % len(first)] = True
        first, second = first[kept], second[kept]
    return first, second


def _dense_pair_candidate(profiles: ProfileSet, *, top_terms: int, min_dot: float) -> tuple[np.ndarray, np.ndarray]:
    """``term_candidates`` of a set of two articles held as dense rows, with scipy's arithmetic.

    scipy stores each weighted row in descending column order (so among equal
    weights the later column ranks first in the stable sort below) and its
    product of the reduced matrix with its transpose adds the shared terms'
    products one by one in ascending column order: both are done the same way
    here, so the dot and its comparison with ``min_dot`` are those of the sparse path.
    """
    matrix = profiles.terms.vectors
    keep_col = profiles.terms.df <= 5 * profiles.common_df
    top = []
    for row in matrix:
        cols = np.flatnonzero(row)[::-1]
        cols = cols[keep_col[cols]]
        order = np.argsort(-row[cols], kind="stable")
        top.append(set(cols[order[:top_terms]].tolist()))
    dot = 0.0
    for col in sorted(top[0] & top[1]):
        dot += float(matrix[0, col]) * float(matrix[1, col])
    if dot != 0.0 and dot >= min_dot:
        return np.array([0], dtype=np.int64), np.array([1], dtype=np.int64)
    empty = np.empty(0, dtype=np.int64)
    return empty, empty


@dataclass(frozen=True, slots=True)
class StoryLinks:
    """Scored candidate pairs of a set: parallel arrays over input positions, ``a < b``.

    Attributes:
        a, b: article positions.
        features: (pairs, ``FEATURES``) matrix.
        probability: P(same story) from the story model.
    """

    a: np.ndarray
    b: np.ndarray
    features: np.ndarray
    probability: np.ndarray

    def __len__(self) -> int:
        return len(self.a)


def score_articles(
    contents: Sequence[str],
    *,
    titles: Sequence[str | None] | None = None,
    days: Sequence[int | None] | None = None,
    model: StoryModel | None = None,
) -> tuple[StoryLinks, ProfileSet]:
    """Candidate pairs of a set of articles and their story scores, without an N² step.

    Args:
        contents: the articles' texts with boilerplate removed.
        titles: their titles (None = no titles).
        days: date ordinals (``day_of``), None where unknown.
        model: a ``StoryModel``; None = the shipped one.

    Pairs whose content cosine is below the model's ``min_content_cosine`` are
    not scored (their probability is 0).

    >>> links, _ = score_articles([
    ...     "Pete Buttigieg raised $24.7 million in the final quarter of 2019, his campaign said.",
    ...     "Buttigieg finishes year with $24.7 million haul, the campaign announced on Wednesday.",
    ... ])
    >>> float(links.probability[0]) > 0.5
    True
    """
    n = len(contents)
    titles = list(titles) if titles is not None else [None] * n
    days = list(days) if days is not None else [None] * n
    if len(titles) != n or len(days) != n:
        raise ValueError("titles and days must have one entry per content text")
    scorer = model if model is not None else default_model()
    profiles = ProfileSet([profile(c, title=t, day=d) for c, t, d in zip(contents, titles, days, strict=True)])
    common = common_lines(contents, profiles)
    if common:
        # Only the articles that carry a formula line are profiled again.
        stripped = [_without(c, common) for c in contents]
        profiles = ProfileSet(
            [
                profile(k, title=t, day=d) if k is not None else old
                for k, t, d, old in zip(stripped, titles, days, profiles.profiles, strict=True)
            ]
        )
    floor = scorer.min_content_cosine
    a, b = term_candidates(profiles, min_dot=0.01)
    content = profiles.content_cosine(a, b)
    kept = content >= floor
    a, b, content = a[kept], b[kept], content[kept]
    features = profiles.features(a, b, content)
    probability = scorer.probability(features) if len(a) else np.zeros(0)
    return StoryLinks(a, b, features, probability), profiles


_LINE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
#: A line this many articles carry word for word is checked for being formula, not news.
COMMON_LINE_ARTICLES = 3
#: Two carriers of a line are "about the same thing" from this entity cosine; a line
#: whose carriers fall into COMMON_LINE_ARTICLES or more such groups is formula.
COMMON_LINE_NAMES = 0.2


def _line_key(line: str) -> str | None:
    tokens = words(line)
    return " ".join(tokens) if len(tokens) >= 6 else None


def common_lines(contents: Sequence[str], profiles: ProfileSet) -> frozenset[str]:
    """Lines carried word for word by several articles that otherwise name different things.

    A police tip line ("Anyone with information ... is asked to call homicide
    detectives at 410-396-2100"), a station's sign-off or an agency's standard
    paragraph recurs in articles about different events: the articles carrying
    it fall into several groups that share no names with each other. A wire
    sentence that several outlets of one story reprint comes with that
    story's names (one group), so it stays. Returns the lines' word keys.
    """
    if len(contents) < COMMON_LINE_ARTICLES:
        return frozenset()  # no line can have enough carriers (a pair): skip reading the lines
    carriers: dict[str, list[int]] = {}
    for position, content in enumerate(contents):
        seen = set()
        for line in _LINE_SPLIT.split(content):
            key = _line_key(line)
            if key and key not in seen:
                seen.add(key)
                carriers.setdefault(key, []).append(position)
    common = set()
    for key, positions in carriers.items():
        if len(positions) < COMMON_LINE_ARTICLES:
            continue
        sample = np.asarray(positions[:60])
        vectors = profiles.entities.vectors[sample]
        close = (vectors @ vectors.T).toarray() >= COMMON_LINE_NAMES
        group = list(range(len(sample)))
        for i, j in zip(*np.nonzero(np.triu(close, k=1)), strict=True):
            root_i, root_j = int(i), int(j)
            while group[root_i] != root_i:
                root_i = group[root_i]
            while group[root_j] != root_j:
                root_j = group[root_j]
            group[max(root_i, root_j)] = min(root_i, root_j)
        roots = {x for x in range(len(sample)) if group[x] == x}
        if len(roots) >= COMMON_LINE_ARTICLES:
            common.add(key)
    return frozenset(common)


def _without(content: str, common: frozenset[str]) -> str | None:
    """``content`` without its formula lines, or None when it carries none."""
    lines = _LINE_SPLIT.split(content)
    kept = [line for line in lines if _line_key(line) not in common]
    return "\n".join(kept) if len(kept) < len(lines) else None


def timeless(features: np.ndarray) -> np.ndarray:
    """The same feature rows with the time evidence taken out (as if both had the same date).

    Two articles on one topic months apart (a trial and its appeal) score low
    as the same story, but high here: that is what makes them *related*.
    """
    out = np.array(features, dtype=float, copy=True)
    if out.size:
        out[:, FEATURES.index("days_apart")] = 0.0
        out[:, FEATURES.index("no_dates")] = 0.0
    return out


def article_day(article: object) -> int | None:
    """An article's date ordinal: ``published``, else a date read from its text (``compare.text.inferred``)."""
    day = day_of(getattr(article, "published", None))
    if day is not None:
        return day
    from compare.text.inferred import infer_date

    found = infer_date(getattr(article, "text", ""))
    return day_of(found[0]) if found else None


@dataclass(frozen=True, slots=True)
class PairScore:
    """The story score of one pair: P(same story), the same without time, and what they share."""

    probability: float
    timeless: float
    shared: tuple[str, ...]
    features: tuple[float, ...]


def score_pair(
    contents: tuple[str, str],
    *,
    titles: tuple[str | None, str | None] = (None, None),
    days: tuple[int | None, int | None] = (None, None),
    model: StoryModel | None = None,
) -> PairScore:
    """The story score of two articles, exactly as ``report`` scores them in a set of two.

    >>> score_pair(("A quake of magnitude 6.1 hit Tokyo.", "Council votes on cycle lanes.")).probability
    0.0
    """
    scorer = model if model is not None else default_model()
    links, profiles = score_articles(list(contents), titles=list(titles), days=list(days), model=scorer)
    if not len(links):
        return PairScore(0.0, 0.0, (), ())
    row = links.features[:1]
    return PairScore(
        float(links.probability[0]),
        float(scorer.probability(timeless(row))[0]),
        profiles.shared_names(0, 1),
        tuple(float(x) for x in row[0]),
    )
