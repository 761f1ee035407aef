"""Compact storage of what exact verification needs: an article's shingle set (and character sample).

An index keeps, per article, the set of its shingle hashes, so that a
candidate is verified with exact Jaccard and containment rather than a
MinHash estimate. Stored as 32-bit hashes that set takes 4 bytes per shingle
(2.4 KB for a 600-word article); here it takes about 1.3 bytes:

1. **Quantized** to the top ``SHINGLE_BITS`` (18) bits of each hash, on both
   sides of every comparison (``comparable``). Two different shingles then
   share a value with probability 2^-18 per pair: for two unrelated
   600-shingle articles about 1.4 spurious common values (Jaccard +0.001),
   for a 200-shingle wire story against a 3,000-shingle page about 2.3
   (containment +0.011). Relations are decided at 0.5 and 0.8, so this moves
   no realistic decision; the scores are exact on the quantized sets.
2. **Rice-coded** gaps of the sorted set (Golomb coding with a power-of-two
   parameter picked per article from its mean gap): close to the entropy of
   a random subset, about ``log2(2^18 / n) + 1.5`` bits per shingle. The
   remainders and the unary quotients are kept in two separate bit streams,
   so both encode and decode are a few numpy calls (no Python loop per value).

The sampled character shingles (the noise-robust second signal) are stored
the same way, quantized to ``CHAR_BITS`` bits.

Layout: ``<I`` count, ``<B`` Rice parameter k, ``ceil(count * k / 8)`` bytes
of remainders (k bits each, most significant first), then the unary
quotients (q one-bits and a zero per value).
"""

from __future__ import annotations

import struct

import numpy as np

SHINGLE_BITS = 18
#: Bits kept of each sampled character shingle (``Fingerprint.chars``, ~375
#: for a 600-word article): two unrelated articles share ~2.1 values by
#: chance (character Jaccard +0.003, decided at 0.4), and the set takes
#: ~1.1 bytes per value.
CHAR_BITS = 16
_HEADER = struct.Struct("<IB")


def comparable(shingles: np.ndarray, bits: int = SHINGLE_BITS) -> np.ndarray:
    """A hash set as stored and compared: sorted unique ``bits``-bit values (uint32)."""
    values = np.sort(np.asarray(shingles, dtype=np.uint32) >> np.uint32(32 - bits))
    # Drop repeats of the sorted values: np.unique's hash path costs 30 us for a few hundred values.
    return values[np.r_[True, values[1:] != values[:-1]]] if values.size > 1 else values


def encode(values: np.ndarray) -> bytes:
    """Bytes of a sorted unique uint32 array (as ``comparable`` returns)."""
    n = int(values.size)
    if n == 0:
        return _HEADER.pack(0, 0)
    sorted_values = np.asarray(values, dtype=np.int64)
    gaps = np.diff(sorted_values, prepend=0)
    mean = max(float(sorted_values[-1]) / n, 1.0)
    k = max(0, int(np.floor(np.log2(mean * 0.6931))))
    quotients = gaps >> k
    remainders = gaps & ((1 << k) - 1)
    if k:
        shifts = np.arange(k - 1, -1, -1, dtype=np.int64)
        remainder_bits = ((remainders[:, None] >> shifts) & 1).astype(np.uint8).ravel()
        remainder_bytes = np.packbits(remainder_bits).tobytes()
    else:
        remainder_bytes = b""
    unary = np.ones(int(quotients.sum()) + n, dtype=np.uint8)
    unary[np.cumsum(quotients + 1) - 1] = 0
    return _HEADER.pack(n, k) + remainder_bytes + np.packbits(unary).tobytes()


def count(blob: bytes) -> int:
    """How many values a blob holds, without decoding it."""
    return _HEADER.unpack_from(blob)[0]


def decode(blob: bytes) -> np.ndarray:
    """The sorted uint32 array ``encode`` was given."""
    n, k = _HEADER.unpack_from(blob)
    if n == 0:
        return np.empty(0, dtype=np.uint32)
    start = _HEADER.size
    remainder_length = (n * k + 7) // 8
    if k:
        bits = np.unpackbits(np.frombuffer(blob, dtype=np.uint8, count=remainder_length, offset=start))[: n * k]
        weights = (1 << np.arange(k - 1, -1, -1, dtype=np.int64))
        remainders = bits.reshape(n, k).astype(np.int64) @ weights
    else:
        remainders = np.zeros(n, dtype=np.int64)
    unary = np.unpackbits(np.frombuffer(blob, dtype=np.uint8, offset=start + remainder_length))
    ends = np.flatnonzero(unary == 0)[:n]
    if ends.size != n:
        raise ValueError("truncated shingle blob")
    quotients = np.diff(ends, prepend=-1) - 1
    return np.cumsum((quotients << k) | remainders).astype(np.uint32)
