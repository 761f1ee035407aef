"""LSH banding shared by every backend: band parameters and band keys.

A signature of ``num_perm`` values is cut into ``b`` bands of ``r`` values,
exactly as ``datasketch.MinHashLSH`` does (``hashranges``); two articles are
candidates when any band is equal. ``b`` and ``r`` come from datasketch's own
optimizer for the candidate threshold, so the SQLite band table and the batch
join behave like a ``MinHashLSH`` built with the same threshold.

Where datasketch keys a bucket by the band's raw bytes, the SQLite index and
the batch join key it by a 64-bit hash of them: an integer column is smaller
and faster than a blob, and a hash collision (about 1 in 2^64 per pair of
bands) only adds a candidate that exact verification then rejects.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_MIX = np.uint64(0xD6E8FEB86659FD93)

#: LSH of the character signatures: 32 bands of 4 rows of CHAR_NUM_PERM = 128,
#: in batch dedup and in every index alike. A pair at character Jaccard 0.5
#: (the least OCR'd copy of the held-out set) is a candidate with probability
#: 0.87, at 0.6 (the median OCR'd copy) 0.987, and the word bands find most of
#: the rest; two unrelated local-news pages (gva-dev: median 0.035, p99 0.087)
#: with probability 0.00017 on average: ~170 chance candidates per lookup in a
#: 1,000,000-article index. 42 bands of 3 rows (the previous choice) found
#: 0.996 at 0.5 but 0.0037 of unrelated pairs: 3,700 per lookup at 1,000,000.
CHAR_BANDS, CHAR_ROWS = 32, 4

#: A pair that only the character bands propose is a candidate when its two
#: character signatures also agree in at least this share of their
#: CHAR_NUM_PERM values (a MinHash estimate of the sample Jaccard, which
#: verification decides at CHAR_THRESHOLD = 0.4). A band match alone is cheap
#: to get by chance, even without the stop grams: 32 bands x 4 rows admit
#: 1.6e-4 of all pairs of generated articles and 3e-5 of real pages, a count
#: that grows with N squared (benchmarks/bench_char_candidates.py); the
#: estimate drops those (a chance pair at Jaccard 0.1 agrees in 26 of 128
#: values with probability 3.6e-4, at 0.05 with 1e-9) and keeps a pair at 0.4
#: with probability 1 - 6e-7 (binomial tails of 128 values), so it moves no
#: verified pair in practice and only spares the exact verification of chance
#: pairs. Pairs proposed by word bands or anchors are not filtered.
CHAR_MIN_AGREEMENT = 0.2

#: Character band buckets shared by more than this many different character
#: signatures are left out of the character candidates (identical signatures,
#: such as exact copies of one text, count once). On news a character bucket
#: is small (in 100,000 generated articles the largest holds 426 articles and
#: 41 buckets of the 32 bands hold more than 64), but on text whose words share
#: their letters (machine tokens such as "word123") every article has the same
#: character grams: 20,000 such texts filled buckets of up to 1,797 articles,
#: 11 million band pairs whose verification took minutes, a count that grows
#: with N squared. Left out like anchors held by too many articles
#: (``ANCHOR_MAX_ARTICLES``): a bucket this crowded says little about any one
#: pair, and a pair of copies shares other bands or its word bands.
CHAR_BUCKET_MAX = 64

#: Each article keeps at most this many of the pairs only the character bands
#: propose (after the agreement rule), its best by signature agreement; a pair
#: stays when either article keeps it. Bounds the verification work to
#: CHAR_MAX_CANDIDATES per article on any input. A noisy copy keeps its pairs
#: with every copy that has fewer such partners, so only pairs inside a group
#: of more than CHAR_MAX_CANDIDATES + 1 copies that only the character signal
#: relates can go, and each copy still keeps its best pairs into the group.
CHAR_MAX_CANDIDATES = 16

#: Containment candidates: word shingles whose mixed hash is 0 mod this are
#: "anchors" (~1 in 8: 75 for 600 words, 4 for a 30-word paragraph).
ANCHOR_MODULUS = 8
#: Anchors found in more articles than this are ignored (stock phrases).
ANCHOR_MAX_ARTICLES = 64


def anchors_of(shingles: np.ndarray) -> np.ndarray:
    """The anchors among an article's word shingles (sorted, unique like them): see ``compare.dedup.batch.containment_candidates``."""
    return shingles[is_anchor_of(shingles)]


def is_anchor_of(shingles: np.ndarray) -> np.ndarray:
    """Which word shingle hashes are anchors (a bool mask; any number of articles' shingles at once)."""
    mixed = shingles * np.uint32(0x9E3779B1)
    return (mixed >> np.uint32(16)) % np.uint32(ANCHOR_MODULUS) == 0


@lru_cache(maxsize=32)
def lsh_params(threshold: float, num_perm: int, false_negative_weight: float = 0.5) -> tuple[int, int]:
    """(bands, rows per band) minimizing datasketch's weighted FP/FN error at ``threshold``.

    The same search as ``datasketch.lsh._optimal_param`` (every ``b`` and
    ``r`` with ``b * r <= num_perm``; the first minimum in that order wins),
    but its integrals are computed exactly by Gauss-Legendre quadrature in
    numpy: the integrands are polynomials of degree ``b * r <= num_perm``,
    which ``num_perm // 2 + 1`` nodes integrate exactly. datasketch calls
    scipy's ``quad`` once per pair, after importing scipy (0.5 s), and
    takes 0.2 s more for 64 permutations. tests/test_index.py holds the
    results equal to datasketch's over a grid of thresholds and sizes.
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"candidate threshold must be between 0 and 1 (exclusive), got {threshold}")
    if num_perm < 1:
        raise ValueError(f"num_perm must be positive, got {num_perm}")
    pairs = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    bands = np.array([b for b, _ in pairs], dtype=np.float64)[:, None]
    rows = np.array([r for _, r in pairs], dtype=np.float64)[:, None]
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)

    def integral(low: float, high: float, negative: bool) -> np.ndarray:
        s = (high - low) / 2 * nodes + (high + low) / 2  # nodes mapped onto [low, high]
        collision = 1.0 - (1.0 - s[None, :] ** rows) ** bands
        values = 1.0 - collision if negative else collision
        return (values * weights[None, :]).sum(axis=1) * (high - low) / 2

    false_positive = integral(0.0, threshold, negative=False)
    false_negative = integral(threshold, 1.0, negative=True)
    error = false_positive * (1.0 - false_negative_weight) + false_negative * false_negative_weight
    return pairs[int(np.argmin(error))]


def candidate_probability(jaccard: float, bands: int, rows: int) -> float:
    """Probability that two sets with this Jaccard share at least one band."""
    return 1.0 - (1.0 - jaccard**rows) ** bands


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """64-bit keys of each band of each signature.

    Args:
        signatures: uint32 array of shape (n, num_perm) (or one signature).
        bands, rows: the LSH parameters; ``bands * rows <= num_perm``.

    Returns:
        int64 array of shape (n, bands) (signed, to fit an SQLite INTEGER).
    """
    # Row by row over all bands at once (rows numpy steps, not bands x rows: a
    # lookup's 32 x 4 character bands took 0.65 ms of CPU band by band).
    sig = np.atleast_2d(signatures).astype(np.uint64)[:, : bands * rows].reshape(-1, bands, rows)
    with np.errstate(over="ignore"):
        keys = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64), sig.shape[:2]).copy()
        for row in range(rows):
            keys = (keys ^ sig[:, :, row]) * _MIX
            keys ^= keys >> np.uint64(31)
    return keys.view(np.int64)


#: Character band keys are salted with this, so that they never share a
#: bucket with word band keys in a table holding both (SQLite's ``bands``).
_CHAR_SALT = np.uint64(0x8F1BBCDC5A827999)


def char_band_keys(signatures: list[np.ndarray]) -> np.ndarray:
    """Keys of the character LSH bands (``CHAR_BANDS`` x ``CHAR_ROWS``), int64 (n, CHAR_BANDS).

    Band keys of the character signatures, salted: what batch dedup buckets
    by and what every index stores for an article with the character signal.
    """
    from compare.dedup.fingerprint import CHAR_NUM_PERM

    if not signatures:
        return np.empty((0, CHAR_BANDS), dtype=np.int64)
    keys = band_keys(np.stack(signatures).reshape(-1, CHAR_NUM_PERM), CHAR_BANDS, CHAR_ROWS).view(np.uint64)
    return (keys ^ _CHAR_SALT).view(np.int64)


def char_agreement(signatures: np.ndarray, pairs: np.ndarray, *, chunk: int = 65536) -> np.ndarray:
    """For each index pair (i, j), in how many positions ``signatures[i]`` and ``signatures[j]`` agree (int64).

    ``chunk`` pairs are compared at once (bounds the temporary arrays to ``chunk`` x num_perm bytes).
    """
    agree = np.empty(len(pairs), dtype=np.int64)
    for start in range(0, len(pairs), chunk):
        part = pairs[start : start + chunk]
        agree[start : start + chunk] = (signatures[part[:, 0]] == signatures[part[:, 1]]).sum(axis=1)
    return agree


def char_agreement_needed(num_perm: int) -> int:
    """Agreeing values a character-band-only pair needs: ``ceil(CHAR_MIN_AGREEMENT * num_perm)`` (26 of 128)."""
    return int(np.ceil(CHAR_MIN_AGREEMENT * num_perm))


def best_per_article(pairs: np.ndarray, scores: np.ndarray, keep: int) -> np.ndarray:
    """Which pairs are among the ``keep`` best-scored pairs of at least one of their two articles (a bool mask).

    An article's pairs are ranked by score, highest first, ties by the other
    article's index (lowest first), so the choice does not depend on the
    pairs' order.

    >>> best_per_article(np.array([[0, 1], [0, 2], [0, 3], [2, 3]]), np.array([30, 50, 40, 30]), 1).tolist()
    [True, True, True, False]
    """
    m = len(pairs)
    if not m or keep < 1:
        return np.zeros(m, dtype=bool)
    ends = np.concatenate([pairs[:, 0], pairs[:, 1]])
    if np.bincount(ends).max() <= keep:
        return np.ones(m, dtype=bool)
    others = np.concatenate([pairs[:, 1], pairs[:, 0]])
    ranked = np.concatenate([scores, scores])
    order = np.lexsort((others, -ranked, ends))
    ordered = ends[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    chosen = np.zeros(m, dtype=bool)
    chosen[order[rank < keep] % m] = True
    return chosen


def char_signatures_agree(signatures: np.ndarray, pairs: np.ndarray, *, chunk: int = 65536) -> np.ndarray:
    """For each index pair (i, j), whether ``signatures[i]`` and ``signatures[j]`` agree in at least ``CHAR_MIN_AGREEMENT`` of their values.

    Args:
        signatures: (n, CHAR_NUM_PERM) uint32 character signatures.
        pairs: (m, 2) int64 row indices.
        chunk: pairs compared at once (bounds the temporary arrays to ``chunk`` x CHAR_NUM_PERM bytes).

    Returns:
        bool array of length m.
    """
    return char_agreement(signatures, pairs, chunk=chunk) >= char_agreement_needed(signatures.shape[1])
