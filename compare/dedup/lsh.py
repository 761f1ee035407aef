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


@lru_cache(maxsize=32)
def lsh_params(threshold: float, num_perm: int, false_negative_weight: float = 0.5) -> tuple[int, int]:
    """(bands, rows per band) minimizing datasketch's weighted FP/FN error at ``threshold``."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"candidate threshold must be between 0 and 1 (exclusive), got {threshold}")
    from datasketch.lsh import _optimal_param  # scipy import: only paid when an index is built

    weights = (1.0 - false_negative_weight, false_negative_weight)
    return _optimal_param(threshold, num_perm, *weights)


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
    sig = np.atleast_2d(signatures).astype(np.uint64)
    keys = np.empty((sig.shape[0], bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            h = np.full(sig.shape[0], band + 1, dtype=np.uint64)
            for column in range(band * rows, (band + 1) * rows):
                h = (h ^ sig[:, column]) * _MIX
                h ^= h >> np.uint64(31)
            keys[:, band] = h
    return keys.view(np.int64)
