"""Word-shingle sets and an inverted index that proposes overlapping article pairs.

Story finding must not compare all N² pairs, and near-duplicate MinHash at the
article level misses what matters here: a newspaper piece that reuses four
sentences of a 30-sentence wire story has a low article Jaccard. So candidates
come from *shared word k-grams* (k = 5 by default, about a clause): an inverted
index maps each shingle to the articles that carry it, and every pair of
articles under one shingle gets a vote. Shingles carried by very many articles
("said in a statement on") are dropped before voting: they say nothing about
the story and would make the vote quadratic. The cost is the sum over kept
shingles of df², bounded by ``max_df²`` per shingle, and in practice linear in
the number of articles.

Each shingle's weight is its IDF times a content factor (stock phrases made
of function words and "said" count for little or nothing; see ``compare.text.lexicon.SHINGLE_STOPWORDS``).
Hashing uses a vocabulary built in input order and a polynomial over word ids
in numpy, so shingle values are deterministic across processes (Python's own
``hash`` of a string is salted per process).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from compare.dedup.fingerprint import MIX
from compare.text.lexicon import SHINGLE_STOPWORDS
from compare.text.normalize import words

# Consecutive word ids spread over all bits by the fingerprints' multiplier.
_MIX = np.uint64(MIX)


#: Weight factor of a shingle by its number of content (non-stop) words:
#: none -> ignored, one -> a quarter, two or more -> full.
_CONTENT_FACTOR = np.array([0.0, 0.25, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])


class Vocabulary:
    """Word -> small integer id, assigned in order of first appearance."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._content: list[bool] = [False]

    def encode(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Word ids and, per word, whether it is a content word."""
        ids = self._ids
        content = self._content
        out = np.empty(len(tokens), dtype=np.uint64)
        for i, token in enumerate(tokens):
            word_id = ids.get(token)
            if word_id is None:
                word_id = ids[token] = len(content)
                content.append(token not in SHINGLE_STOPWORDS)
            out[i] = word_id
        flags = np.asarray(content, dtype=np.int64)[out.astype(np.int64)] if len(out) else np.empty(0, dtype=np.int64)
        return out, flags


@dataclass(frozen=True, slots=True)
class Shingles:
    """One article's shingles: sorted unique hashes and each one's weight factor."""

    hashes: np.ndarray
    factors: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)


def shingle_hashes(word_ids: np.ndarray, size: int, content: np.ndarray | None = None) -> Shingles:
    """Sorted unique uint64 hashes of the word ``size``-grams of one article.

    A text shorter than ``size`` words yields one shingle of all its words, so
    that a one-line article can still match its copy.
    """
    n = len(word_ids)
    if n == 0:
        return Shingles(np.empty(0, dtype=np.uint64), np.empty(0))
    width = min(size, n)
    count = n - width + 1
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(width):
        # uint64 arithmetic wraps modulo 2**64 on arrays, which is the hash we want.
        hashes = hashes * _MIX + word_ids[offset : count + offset]
    if content is None:
        factors = np.ones(count)
    else:
        running = np.concatenate(([0], np.cumsum(content)))
        content_words = running[width:] - running[:count]
        factors = _CONTENT_FACTOR[np.minimum(content_words, len(_CONTENT_FACTOR) - 1)]
    unique, first = np.unique(hashes, return_index=True)
    return Shingles(unique, factors[first])


def article_shingles(texts: Sequence[str], *, size: int) -> list[Shingles]:
    """Shingle sets of many content texts, with one shared vocabulary."""
    if size < 1:
        raise ValueError("shingle size must be at least 1 word")
    vocabulary = Vocabulary()
    shingles = []
    for text in texts:
        ids, content = vocabulary.encode(words(text))
        shingles.append(shingle_hashes(ids, size, content))
    return shingles


@dataclass(frozen=True, slots=True)
class CandidatePairs:
    """Article pairs that share shingles: parallel arrays, ``a < b`` (input positions).

    Attributes:
        a, b: article positions.
        shared: number of shingles both carry (after dropping frequent ones).
        score: weighted containment: the IDF mass (``log((N + 1) / df)`` per
            shingle) of the shared shingles over the IDF mass of the smaller
            article. Rare shared phrases count for more than common ones, and
            a short newspaper piece built from a long wire story scores high.
    """

    a: np.ndarray
    b: np.ndarray
    shared: np.ndarray
    score: np.ndarray

    def __len__(self) -> int:
        return len(self.a)


def candidate_pairs(
    shingle_sets: Sequence[Shingles],
    *,
    max_df: int,
    min_shared: int,
) -> CandidatePairs:
    """Pairs of articles sharing at least ``min_shared`` shingles of document frequency <= ``max_df``.

    Args:
        shingle_sets: per article, its shingles (``article_shingles``).
        max_df: shingles found in more articles than this are ignored.
        min_shared: the fewest shared shingles for a pair to be proposed.
    """
    if max_df < 2:
        raise ValueError("max_df must be at least 2: a shingle in one article pairs nothing")
    if min_shared < 1:
        raise ValueError("min_shared must be at least 1")
    empty = np.empty(0, dtype=np.int64)
    n = len(shingle_sets)
    sizes = np.array([len(s) for s in shingle_sets], dtype=np.int64)
    if n < 2 or sizes.sum() == 0:
        return CandidatePairs(empty, empty, empty, np.empty(0))
    hashes = np.concatenate([s.hashes for s in shingle_sets])
    factors = np.concatenate([s.factors for s in shingle_sets])
    docs = np.repeat(np.arange(n, dtype=np.int64), sizes)
    order = np.argsort(hashes, kind="stable")
    hashes, docs, factors = hashes[order], docs[order], factors[order]
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    counts = np.diff(np.r_[starts, len(hashes)])
    # IDF weight per shingle, times its content factor; shingles over max_df weigh nothing.
    # Smoothed (N + 1): with log(N / df) a phrase every article carries weighs
    # nothing, so two articles (or N copies) of one story scored 0 and never grouped.
    weights = np.where(counts <= max_df, np.log((n + 1) / counts), 0.0) * factors[starts]
    mass = np.bincount(docs, weights=np.repeat(weights, counts), minlength=n)
    keys, key_weights = [], []
    for df in range(2, max_df + 1):
        selected = counts == df
        group_starts = starts[selected]
        if not len(group_starts):
            continue
        members = docs[group_starts[:, None] + np.arange(df)]  # (groups, df); ascending within a group
        weight = weights[selected]
        for i in range(df - 1):
            for j in range(i + 1, df):
                keys.append(members[:, i] * n + members[:, j])
                key_weights.append(weight)
    if not keys:
        return CandidatePairs(empty, empty, empty, np.empty(0))
    pair_keys, inverse, shared = np.unique(np.concatenate(keys), return_inverse=True, return_counts=True)
    shared_mass = np.bincount(inverse, weights=np.concatenate(key_weights))
    keep = shared >= min_shared
    pair_keys, shared, shared_mass = pair_keys[keep], shared[keep], shared_mass[keep]
    a, b = pair_keys // n, pair_keys % n
    smaller = np.maximum(np.minimum(mass[a], mass[b]), 1e-9)
    return CandidatePairs(a, b, shared, np.minimum(shared_mass / smaller, 1.0))
