"""MinHash fingerprints of articles: word shingles of the content blocks, hashed with numpy.

An article's fingerprint is the set of hashes of its ``shingle_size``-word
shingles, taken over the content blocks only (known and learned site chrome is
stripped first, see ``compare.text.normalize.strip_boilerplate``), plus the MinHash
signature of that set.

Why not ``datasketch.MinHash.update`` per shingle: that is a Python call, a
SHA-1 and a numpy round trip per shingle (about 6 ms for a 600-word article).
Here every step after tokenization is one numpy expression over the whole
article, and the result is *bit-identical* to

    MinHash(num_perm, seed=seed, scheme="affine32", hashfunc=shingle_hash)
    .update_batch(shingles)

because it applies datasketch's own permutations (``MinHash.permutations``)
and its MurmurHash3 pre-mix (``_fmix``) to the same 32-bit shingle hashes
(tests/test_fingerprint.py proves it against datasketch). Signatures can
therefore go into any ``MinHashLSH``, and a datasketch upgrade that changed
the scheme would fail that test instead of silently changing every index.

Word hashes are CRC-32 of the UTF-8 word (stable across processes and
machines, unlike ``hash()``), cached per word. Shingle hashes combine the
word hashes of a window with a 64-bit multiply-xor mix, folded to 32 bits.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from compare.text.chrome import (
    FOOTER_HINTS,
    LEARN_MAX_WORDS,
    LEGAL_HINTS,
    LearnedBoilerplate,
    RemovedBlock,
    chrome_reason_of_folded,
    is_learnable,
    line_digest,
    line_key_of_tokens,
    line_number_of_tokens,
    line_tokens,
    may_hold_legal_notice,
    opens_footer,
    split_blocks,
)
from compare.text.normalize import SPELLING_VARIANTS, fold, plain_ascii

if TYPE_CHECKING:
    from compare.article import Article

_SCHEMES = ("affine32",)


@dataclass(frozen=True, slots=True)
class FingerprintSettings:
    """What a fingerprint depends on; an index records these and refuses others.

    Attributes:
        shingle_size: words per shingle. Smaller finds looser copies but makes
            unrelated articles on one topic share more shingles.
        num_perm: MinHash permutations (signature length). More gives LSH a
            sharper threshold and costs proportionally more hashing.
        seed: seed of datasketch's permutation generator.
        scheme: datasketch permutation scheme; only "affine32" is supported
            (datasketch 2.x; 1.x "legacy" values are not compatible).
    """

    shingle_size: int = 4
    num_perm: int = 64
    seed: int = 1
    scheme: str = "affine32"

    def __post_init__(self) -> None:
        if not 1 <= self.shingle_size <= 16:
            raise ValueError(f"shingle_size must be between 1 and 16 words, got {self.shingle_size}")
        if not 16 <= self.num_perm <= 1024:
            raise ValueError(f"num_perm must be between 16 and 1024, got {self.num_perm}")
        if not 0 <= self.seed < 2**32:
            raise ValueError(f"seed must be in [0, 2**32), got {self.seed}")
        if self.scheme not in _SCHEMES:
            raise ValueError(f"scheme must be 'affine32' (datasketch 2.x), got {self.scheme!r}")

    def as_dict(self) -> dict[str, int | str]:
        return {
            "shingle_size": self.shingle_size,
            "num_perm": self.num_perm,
            "seed": self.seed,
            "scheme": self.scheme,
        }


#: Chosen on data: see notes/README-dedup.md ("Defaults and why").
DEFAULT_SETTINGS = FingerprintSettings()


_NO_HASHES = np.empty(0, dtype=np.uint32)
_NO_HASHES.flags.writeable = False

#: Characters per character shingle. On the held-out dev half, 5 keeps OCR'd
#: copies (6 % of characters changed) at Jaccard >= 0.51 while related stories
#: stay <= 0.20 (4: 0.59 / 0.26; 6: 0.45 / 0.17).
CHAR_SHINGLE = 5
#: One character shingle in CHAR_SAMPLE is kept (by hash value): ~375 for 600 words.
CHAR_SAMPLE = 8
#: MinHash length of the character sample; its LSH is CHAR_BANDS x CHAR_ROWS.
CHAR_NUM_PERM = 128
#: Sampled character shingles common in news (in more than CHAR_STOP_SHARE of
#: development articles: "saidt", "ofthe", "ation") are left out of the sample:
#: they made two unrelated articles share 4-5 % of their samples, so chance
#: character candidates grew with the square of the batch. Fitted once by
#: scripts/fit_char_stop.py; shipped as sorted uint32 hashes (see ``char_stop_grams``).
CHAR_STOP_FILE = Path(__file__).with_name("data") / "char_stop.npy"
#: Fewer sampled character shingles than this (about 300 letters) and the
#: character signal is not used: a Jaccard of a handful of samples says little.
#: 40 before the stop grams, which take 11-20 % of a sample (a 450-letter page
#: kept 36 and lost the signal).
CHAR_MIN_SAMPLES = 32
#: Lines of at most this many words without sentence-final punctuation are
#: list items (menus, headline lists, bylines) unless the next line continues them.
LIST_LINE_MAX_WORDS = 15
#: ... and are left out of the shingles when the prose left holds this many words.
PROSE_MIN_WORDS = 15


@dataclass(frozen=True, slots=True, eq=False)
class Fingerprint:
    """The shingle set and MinHash signature of one article.

    Attributes:
        article_id: the article's id.
        shingles: sorted, unique uint32 hashes of the content's word shingles.
        signature: uint32 MinHash values, ``num_perm`` long (all 0xFFFFFFFF
            when the article has no content words).
        removed: boilerplate blocks that were left out.
        chars: sorted, unique uint32 hashes of the content's character
            ``CHAR_SHINGLE``-grams (letters and digits only, spaces and
            punctuation dropped), the eighth of them whose mixed hash is
            0 mod ``CHAR_SAMPLE``: the noise-robust second signal. Sampling by
            hash value keeps the Jaccard of two samples an estimate of the
            Jaccard of the full sets.
        char_signature: uint32 MinHash of ``chars``, ``CHAR_NUM_PERM`` long
            (seeded like ``signature``), for the character LSH bands.
    """

    article_id: str
    shingles: np.ndarray
    signature: np.ndarray
    removed: tuple[RemovedBlock, ...] = ()
    chars: np.ndarray = field(default_factory=lambda: _NO_HASHES)
    char_signature: np.ndarray = field(default_factory=lambda: _NO_HASHES)

    @property
    def is_empty(self) -> bool:
        return self.shingles.size == 0

    @property
    def has_chars(self) -> bool:
        """Whether the character signal is usable: enough sampled character shingles."""
        return self.chars.size >= CHAR_MIN_SAMPLES


# --- hashing -----------------------------------------------------------------

#: Odd 64-bit multiplier (golden ratio, as in splitmix64): mixes word hashes and word ids over all bits.
MIX = 0x9E3779B97F4A7C15
_MIX = np.uint64(MIX)
_MASK32 = 0xFFFFFFFF


class _WordHashes(dict):
    """word -> CRC-32 of its UTF-8 bytes, filled on first sight."""

    def __missing__(self, word: str) -> int:
        value = zlib.crc32(word.encode("utf-8"))
        if len(self) < 2_000_000:  # a bound on memory for endless streams
            self[word] = value
        return value


_WORD_HASHES = _WordHashes()


def word_hashes(tokens: Sequence[str]) -> np.ndarray:
    """CRC-32 of each token, as uint32."""
    return np.fromiter(map(_WORD_HASHES.__getitem__, tokens), dtype=np.uint32, count=len(tokens))


#: Windows hashed at once by ``shingle_hashes`` (128 kB of 8-byte temporaries).
_HASH_BLOCK = 16384


def shingle_hashes(token_hashes: np.ndarray, shingle_size: int) -> np.ndarray:
    """Hashes of every window of ``shingle_size`` word hashes (not deduplicated).

    A text shorter than one shingle is one shingle of all its words, so that
    a two-word item still has a fingerprint; an empty text has none.
    """
    n = token_hashes.size
    if n == 0:
        return np.empty(0, dtype=np.uint32)
    k = min(shingle_size, n)
    windows = n - k + 1
    if windows > _HASH_BLOCK:
        # A batch's letters in blocks that stay in the CPU cache: the same
        # hashes at twice the speed of passes over one 8-byte-per-letter array.
        out = np.empty(windows, dtype=np.uint32)
        for start in range(0, windows, _HASH_BLOCK):
            end = min(start + _HASH_BLOCK, windows)
            out[start:end] = shingle_hashes(token_hashes[start : end + k - 1], k)
        return out
    wide = token_hashes.astype(np.uint64)  # widened once, not once per window offset
    h = wide[:windows] * _MIX  # (0 ^ x) * MIX
    with np.errstate(over="ignore"):
        for j in range(1, k):
            h ^= wide[j : j + windows]
            h *= _MIX
        h ^= h >> np.uint64(32)
    return h.astype(np.uint32)  # the low 32 bits


def shingle_hash(shingle: Sequence[str]) -> int:
    """The hash of one shingle (a sequence of words), in plain Python.

    The scalar twin of ``shingle_hashes``: the ``hashfunc`` to give a
    datasketch ``MinHash`` so that it produces the same signatures.
    """
    h = 0
    for word in shingle:
        h = ((h ^ zlib.crc32(word.encode("utf-8"))) * MIX) & 0xFFFFFFFFFFFFFFFF
    h ^= h >> 32
    return h & _MASK32


def shingles_of(tokens: Sequence[str], shingle_size: int) -> list[tuple[str, ...]]:
    """The word shingles themselves (for tests, explanations and datasketch)."""
    if not tokens:
        return []
    k = min(shingle_size, len(tokens))
    return [tuple(tokens[i : i + k]) for i in range(len(tokens) - k + 1)]


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int, scheme: str) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's own "affine32" permutation parameters, generated the way ``MinHash`` does.

    ``MinHash._init_permutations`` draws ``a`` (odd) and ``b`` from
    ``np.random.RandomState(seed)``; doing the same two draws here spares
    every command the 0.4 s import of datasketch (whose package pulls in
    scipy). tests/test_fingerprint.py holds the values equal to datasketch's.
    """
    if scheme != "affine32":
        raise ValueError(f"scheme must be 'affine32', got {scheme!r}")
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a.reshape(1, -1), b.reshape(1, -1)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch's ``_fmix(hv, 32)``."""
    hv = hv ^ (hv >> np.uint32(16))  # a new array: the caller's is left as it was
    with np.errstate(over="ignore"):
        hv *= np.uint32(0x85EBCA6B)
        hv ^= hv >> np.uint32(13)
        hv *= np.uint32(0xC2B2AE35)
    hv ^= hv >> np.uint32(16)
    return hv


_EMPTY = np.uint32(_MASK32)


def minhash_signature(shingles: np.ndarray, settings: FingerprintSettings) -> np.ndarray:
    """MinHash of a set of uint32 shingle hashes, as datasketch "affine32" computes it."""
    if shingles.size == 0:
        return np.full(settings.num_perm, _EMPTY, dtype=np.uint32)
    a, b = _permutations(settings.num_perm, settings.seed, settings.scheme)
    mixed = _fmix32(shingles.astype(np.uint32, copy=False)).reshape(-1, 1)
    with np.errstate(over="ignore"):
        permuted = mixed * a
        permuted += b
    return permuted.min(axis=0)


# --- articles ------------------------------------------------------------------


def fingerprint_tokens(
    article_id: str,
    tokens: Sequence[str],
    *,
    settings: FingerprintSettings = DEFAULT_SETTINGS,
    removed: tuple[RemovedBlock, ...] = (),
    text: str | None = None,
) -> Fingerprint:
    """Fingerprint of already tokenized content (see ``compare.text.normalize.words``).

    ``text``: the folded content the tokens come from, for the character
    signal (left out when None).
    """
    shingles = _sorted_unique(shingle_hashes(word_hashes(tokens), settings.shingle_size))
    if text is None:
        return Fingerprint(article_id, shingles, minhash_signature(shingles, settings), removed)
    chars = char_sample(text)
    return Fingerprint(
        article_id,
        shingles,
        minhash_signature(shingles, settings),
        removed,
        chars,
        minhash_signature(chars, _char_settings(settings.seed)),
    )


@lru_cache(maxsize=4)
def _char_settings(seed: int) -> FingerprintSettings:
    return FingerprintSettings(shingle_size=CHAR_SHINGLE, num_perm=CHAR_NUM_PERM, seed=seed)


_NOT_LETTERS = re.compile(r"[\W_]+")


def char_sample(folded: str) -> np.ndarray:
    """The sampled character shingles of a folded text (see ``Fingerprint.chars``)."""
    return char_samples([_NOT_LETTERS.sub("", folded)])[0]


@lru_cache(maxsize=1)
def char_stop_grams() -> np.ndarray:
    """The shipped stop list of common character shingles: sorted unique uint32 (read once, well under 1 ms).

    Read through ``importlib.resources``, so it is found wherever the package
    is (a wheel, an editable checkout, a zip shipped to Spark executors).
    """
    import io
    from importlib.resources import files

    data = files("compare.dedup").joinpath("data").joinpath(CHAR_STOP_FILE.name).read_bytes()
    stop = np.load(io.BytesIO(data), allow_pickle=False)
    if stop.dtype != np.uint32 or stop.ndim != 1:
        raise ValueError(f"{CHAR_STOP_FILE}: expected a 1-d uint32 array, got {stop.dtype} {stop.shape}")
    stop.flags.writeable = False
    return stop


def char_samples(
    letters: Sequence[str | bytes], *, stop: np.ndarray | None = None, spaced: bool = False
) -> list[np.ndarray]:
    """The sampled character shingles of each letters-only string (see ``Fingerprint.chars``).

    Args:
        letters: per article, its letters and digits (no spaces, no
            punctuation); ASCII ones may come as bytes.
        stop: sorted uint32 hashes to leave out; None = the shipped stop list
            (``char_stop_grams``); an empty array keeps every sampled shingle.
        spaced: the strings may also hold spaces, which are dropped (the
            batch path's kept lines, words joined by spaces: numpy drops
            them from all at once, where ``bytes.replace`` took ~9 us per article).
    """
    plain = all(isinstance(t, bytes) or t.isascii() for t in letters)
    if spaced and not plain:
        letters = [t.replace(b" ", b"") if isinstance(t, bytes) else t.replace(" ", "") for t in letters]
    counts = np.fromiter(map(len, letters), dtype=np.int64, count=len(letters))
    if plain:
        # One byte per letter: a copy, where UTF-32 encodes letter by letter.
        joined = b"".join(t if isinstance(t, bytes) else t.encode("ascii") for t in letters)
        data = np.frombuffer(joined, dtype=np.uint8)
        if spaced:
            letter = data != 32
            before = np.concatenate([[0], np.cumsum(letter)])  # letters before each byte
            counts = np.diff(before[np.concatenate([[0], np.cumsum(counts)])])
            data = data[letter]
        codes = data.astype(np.uint32)
    else:
        text = "".join(t.decode("ascii") if isinstance(t, bytes) else t for t in letters)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return _grouped_shingles(
        codes * np.uint32(0x9E3779B1), counts, CHAR_SHINGLE, sample=CHAR_SAMPLE, short=False,
        stop=char_stop_grams() if stop is None else stop,
    )


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` by sorting: 5x faster than its hash path for a few hundred values."""
    values = np.sort(values)
    if values.size < 2:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def content_tokens(
    article: Article,
    *,
    learned: LearnedBoilerplate | None = None,
    line_keys: list[tuple[int, bool]] | None = None,
    prose: bool = False,
    texts: list[str] | None = None,
) -> tuple[list[str], tuple[RemovedBlock, ...]]:
    """Word tokens of the article's content blocks, and the blocks stripped as chrome.

    The same as ``words(strip_boilerplate(...).content)`` and its ``removed``
    (tests/test_fingerprint.py holds them equal), in one pass: each block is
    folded and tokenized once, and its tokens serve the learned-boilerplate
    key, where the two-step version folds and tokenizes every block three
    times. Tokenization is most of a fingerprint's cost.

    Args:
        article: the article.
        learned: boilerplate learned for its source.
        line_keys: when a list is given, ``(int(line_key(line), 16), short)``
            is appended for every block, ``short`` when ``BoilerplateLearner``
            would count it (``is_learnable``): batch dedup learns chrome from
            the same pass that fingerprints.
        prose: leave out list lines (see ``is_list_line``) when the prose
            left holds at least ``PROSE_MIN_WORDS`` words: a site template's
            menu and headline sidebar would otherwise outweigh a short story
            (and make two stories in one template look alike). The article's
            own headline goes too, which no copy needs.
        texts: when a list is given, the folded text of every block whose
            tokens are returned is appended (for the character signal).
    """
    lines = _plain_lines(article.text)
    if lines is not None:
        return _content_tokens_plain(article, *lines, learned=learned, line_keys=line_keys, prose=prose, texts=texts)
    source = article.source
    kept: list[tuple[list[str], str]] = []  # tokens, folded text
    continued: list[bool] = []  # the next kept line starts in lower case
    removed: list[RemovedBlock] = []
    blocks = split_blocks(article.text)
    for i, block in enumerate(blocks):
        folded = fold(block.text)
        stripped = folded.strip()
        if opens_footer(stripped):
            removed.extend(RemovedBlock(b.start, b.end, b.text, "known chrome: site footer") for b in blocks[i:])
            if line_keys is not None:
                line_keys.extend(
                    (line_number_of_tokens(line_tokens(fold(b.text))), is_learnable(b.text)) for b in blocks[i:]
                )
            break
        reason = chrome_reason_of_folded(stripped)
        block_tokens = line_tokens(folded)
        if line_keys is not None:
            line_keys.append((line_number_of_tokens(block_tokens), is_learnable(block.text)))
        if reason is None and learned is not None and learned.is_boilerplate(source, line_key_of_tokens(block_tokens)):
            reason = f"learned: repeated across articles of {source}"
        if reason is None:
            if kept and block.text[:1].islower():
                continued[-1] = True  # the previous line is a broken sentence, not a list item
            kept.append((block_tokens, stripped))
            continued.append(False)
        else:
            removed.append(RemovedBlock(block.start, block.end, block.text, reason))
    return _kept_tokens(kept, continued, removed, prose=prose, texts=texts)


def _kept_tokens(
    kept: list[tuple[list[str], str]],
    continued: list[bool],
    removed: list[RemovedBlock],
    *,
    prose: bool,
    texts: list[str] | None,
) -> tuple[list[str], tuple[RemovedBlock, ...]]:
    """The end of ``content_tokens``: list lines left out (``prose``), the kept lines' tokens joined."""
    if prose:
        listed = _list_lines([len(t) for t, _ in kept], [f for _, f in kept], continued)
        if sum(len(t) for (t, _), is_listed in zip(kept, listed, strict=True) if not is_listed) >= PROSE_MIN_WORDS:
            kept = [k for k, is_listed in zip(kept, listed, strict=True) if not is_listed]
    tokens: list[str] = []
    for block_tokens, stripped in kept:
        tokens.extend(block_tokens)
        if texts is not None:
            texts.append(stripped)
    return tokens, tuple(removed)


#: ASCII bytes that are not ``\w`` (all but letters, digits and "_") to a space, line breaks kept.
_NON_WORD_BYTES = bytes.maketrans(
    bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) in "_\n")),
    b" " * sum(1 for c in range(128) if not (chr(c).isalnum() or chr(c) in "_\n")),
)


def _plain_lines(text: str) -> tuple[list[str], list[str], bool] | None:
    """(raw lines, word lines, legal) of a text ``content_tokens`` may take whole, else None.

    Whole means: ``fold`` is ``str.lower`` on it (``plain_ascii``) and it has
    no known footer. Word lines are the folded lines with every non-word
    character a space, from one ``bytes.translate`` of the whole text:
    splitting one gives the line's ``word_tokens``. ``legal``: whether a line
    may be a legal notice (``may_hold_legal_notice`` of the whole text).
    """
    raw = plain_ascii(text)
    if raw is None:
        return None
    folded = raw.lower().decode("ascii")
    if any(hint in folded for hint in FOOTER_HINTS):
        return None
    words = raw.lower().translate(_NON_WORD_BYTES).decode("ascii").split("\n")
    return text.split("\n"), words, may_hold_legal_notice(folded)


def _content_tokens_plain(
    article: Article,
    raw_lines: list[str],
    word_lines: list[str],
    legal: bool,
    *,
    learned: LearnedBoilerplate | None,
    line_keys: list[tuple[int, bool]] | None,
    prose: bool,
    texts: list[str] | None,
) -> tuple[list[str], tuple[RemovedBlock, ...]]:
    """``content_tokens`` of a text ``_plain_lines`` took: the same result, a third of the work.

    Every step is the general path's, minus what the text was cleared of as
    a whole: folding is ``lower`` per line, tokens come from the translated
    line, the legal-notice test runs only when its cues occur in the text,
    a block's word count (``is_learnable``) is its spaces plus one (no runs
    of spaces, no tabs), and spans are counted only for removed blocks.
    """
    source = article.source
    # Hashes every token once, as line_tokens does (the hash is cached for word_hashes).
    variants = SPELLING_VARIANTS.keys()
    kept: list[tuple[list[str], str]] = []
    continued: list[bool] = []
    removed: list[RemovedBlock] = []
    starts: list[int] | None = None
    for number, raw in enumerate(raw_lines):
        text = raw.strip()
        if not text:
            continue
        folded = text.lower()
        reason = chrome_reason_of_folded(folded, legal=legal)
        tokens = word_lines[number].split()
        if not variants.isdisjoint(tokens):
            tokens = line_tokens(folded)
        if line_keys is not None:  # line_number_of_tokens, inlined (a third of this loop's calls)
            key = int.from_bytes(line_digest(" ".join(tokens).encode()), "big")
            line_keys.append((key, text.count(" ") < LEARN_MAX_WORDS))
        if reason is None and learned is not None and learned.is_boilerplate(source, line_key_of_tokens(tokens)):
            reason = f"learned: repeated across articles of {source}"
        if reason is None:
            if kept and text[:1].islower():
                continued[-1] = True
            kept.append((tokens, folded))
            continued.append(False)
        else:
            if starts is None:  # spans only when a block is removed (rare)
                starts = list(accumulate((len(line) + 1 for line in raw_lines), initial=0))
            start = starts[number] + len(raw) - len(raw.lstrip())
            removed.append(RemovedBlock(start, start + len(text), text, reason))
    return _kept_tokens(kept, continued, removed, prose=prose, texts=texts)


_SENTENCE_FINAL = tuple(".!?…\"')]:;")
#: This many lines in a row of at most LIST_RUN_MAX_WORDS words are a list (a
#: headline sidebar, a menu) even when they are punctuated.
LIST_RUN = 4
LIST_RUN_MAX_WORDS = 20


def _list_lines(sizes: Sequence[int], folded: Sequence[str], continued: Sequence[bool]) -> list[bool]:
    """Which lines are list items: menus, headline sidebars, bylines, link rows.

    A line that the next line does not continue (a next line starting in
    lower case means a hard-wrapped paragraph) is a list item when it has at
    most ``LIST_LINE_MAX_WORDS`` words and no sentence-final punctuation, or
    when it stands in a run of ``LIST_RUN`` or more lines of at most
    ``LIST_RUN_MAX_WORDS`` words.
    """
    if sum(continued) < max(3, len(continued) // 5):
        # Not a hard-wrapped text (where a fifth of the lines go on in lower
        # case): a lower-case line is a lower-case headline, not a continuation.
        continued = [False] * len(continued)
    listed = [
        size <= LIST_LINE_MAX_WORDS and not more and not line.endswith(_SENTENCE_FINAL)
        for size, line, more in zip(sizes, folded, continued, strict=True)
    ]
    short = [size <= LIST_RUN_MAX_WORDS and not more for size, more in zip(sizes, continued, strict=True)]
    start = 0
    for i in range(len(short) + 1):
        if i == len(short) or not short[i]:
            if i - start >= LIST_RUN:
                listed[start:i] = [True] * (i - start)
            start = i + 1
    return listed


# --- plain ASCII articles of a batch, as bytes ----------------------------------


def _crc_table() -> np.ndarray:
    """zlib's CRC-32 byte table (reflected polynomial 0xEDB88320)."""
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & np.uint32(1), (table >> np.uint32(1)) ^ np.uint32(0xEDB88320), table >> np.uint32(1))
    return table.astype(np.uint32)


_CRC_TABLE = _crc_table()
#: Tokens longer than this are hashed by zlib one by one (the vectorized loop runs once per byte position).
_CRC_MAX_VECTOR = 32


def crc32_tokens(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``zlib.crc32`` of every token ``data[start:start + length]`` (uint8 data), computed for all at once.

    The tokens are ordered by length, so that at byte position ``j`` the
    ones still running are a prefix: one table lookup per position over
    that prefix, where ``word_hashes`` looks up each token in a dict (a
    cache miss per token once the vocabulary is large).
    """
    crc = np.full(starts.size, 0xFFFFFFFF, dtype=np.uint32)
    if not starts.size:
        return crc
    capped = np.minimum(lengths, _CRC_MAX_VECTOR + 1)
    order = np.argsort((_CRC_MAX_VECTOR + 1 - capped).astype(np.uint8), kind="stable")  # longest first (a radix sort)
    by_length = capped[order]
    vector = by_length <= _CRC_MAX_VECTOR
    first = int(np.argmax(vector)) if vector.any() else order.size  # the long ones come first
    order, by_length = order[first:], by_length[first:]
    running = np.searchsorted(-by_length, -np.arange(int(by_length[0]) if by_length.size else 0), side="left")
    at = starts[order]
    values = crc[: order.size]
    for j, count in enumerate(running.tolist()):
        part = values[:count]
        values[:count] = _CRC_TABLE[(part ^ data[at[:count] + j]) & np.uint32(0xFF)] ^ (part >> np.uint32(8))
    result = np.empty_like(crc)
    result[order] = values ^ np.uint32(0xFFFFFFFF)
    raw = data.tobytes() if first else b""
    for token in np.flatnonzero(lengths > _CRC_MAX_VECTOR).tolist():
        result[token] = zlib.crc32(raw[int(starts[token]) : int(starts[token] + lengths[token])])
    return result


#: Spelling variants as bytes, mapped in plain articles' bytes; an article holding a variant
#: whose form is not ASCII goes the general way (none does in SPELLING_VARIANTS).
_VARIANTS_ASCII = {k.encode(): v.encode() for k, v in SPELLING_VARIANTS.items() if k.isascii() and v.isascii()}
_VARIANT_CRCS = np.array(sorted({zlib.crc32(k.encode()) for k in SPELLING_VARIANTS if k.isascii()}), dtype=np.uint32)
_FOOTER_HINTS_ASCII = tuple(hint.encode("ascii") for hint in FOOTER_HINTS)
_LEGAL_HINTS_ASCII = tuple(hint.encode("ascii") for hint in LEGAL_HINTS if hint.isascii())


def _plain_ascii_many(texts: Sequence[str]) -> list[bytes | None]:
    """``[plain_ascii(text) for text in texts]``, its byte tests made once over the joined texts in numpy.

    ``plain_ascii``'s substring tests ("  ", two backquotes, two quotes) cost
    ~14 us per 4 kB article: CPython searches a two-byte needle byte by
    byte. Here every adjacent pair of bytes of the batch is compared at
    once; a text is plain unless a pair or a byte inside it is refused. The
    texts are joined by line breaks, which form no refused pair and are
    allowed, so no pair crosses from one text into the next.
    tests/test_fingerprint.py holds the result equal to ``plain_ascii``.
    """
    raws = [text.encode("ascii") if text.isascii() else None for text in texts]
    kept = [raw for raw in raws if raw is not None]
    if not kept:
        return raws
    data = np.frombuffer(b"\n".join(kept), dtype=np.uint8)
    # Refused bytes: controls but the line break (printable ASCII is 32-126), and DEL.
    refused = ((data < 32) & (data != 10)) | (data == 127)
    before = data[:-1]
    refused[:-1] |= (before == data[1:]) & ((before == 32) | (before == 96) | (before == 39))  # "  ", "``", "''"
    bad = np.flatnonzero(refused)
    if not bad.size:
        return raws
    sizes = np.fromiter(map(len, kept), dtype=np.int64, count=len(kept))
    starts = np.cumsum(sizes + 1) - (sizes + 1)  # each text's first byte in the joined bytes
    refused_texts = set(np.searchsorted(starts, bad, side="right").tolist())
    k = 0
    for i, raw in enumerate(raws):
        if raw is not None:
            k += 1
            if k in refused_texts:
                raws[i] = None
    return raws


@dataclass(frozen=True, slots=True)
class _PlainText:
    """One plain article of a batch (see ``_plain_batch``): its lines as ``" ".join(line_tokens)`` bytes and its token range."""

    lines: list[bytes]
    legal: bool
    first_line: int
    first_token: int
    last_token: int


@dataclass(frozen=True, slots=True)
class _PlainBatch:
    """Tokens of a batch's plain articles: CRC-32 word hashes and the global line of each."""

    texts: list[_PlainText | None]
    hashes: np.ndarray
    lines: np.ndarray
    line_count: int


def _plain_batch(texts: Sequence[str]) -> _PlainBatch:
    """The plain ASCII articles of a batch (``plain_ascii``, no known footer), tokenized as bytes at once.

    One ``translate`` of the batch's lower-cased bytes turns every non-word
    byte into a space; numpy finds the tokens, hashes them (``crc32_tokens``,
    the CRC-32 that ``word_hashes`` computes) and rebuilds each line as its
    tokens joined by single spaces (what a line key hashes). The rest of
    the batch goes the general way (``content_tokens``).
    """
    lowered: list[bytes] = []
    chosen: list[int] = []
    legal: list[bool] = []
    for i, raw in enumerate(_plain_ascii_many(texts)):
        if raw is None:
            continue
        low = raw.lower()
        if any(hint in low for hint in _FOOTER_HINTS_ASCII):
            continue
        lowered.append(low)
        chosen.append(i)
        legal.append(any(hint in low for hint in _LEGAL_HINTS_ASCII))
    result: list[_PlainText | None] = [None] * len(texts)
    if not chosen:
        return _PlainBatch(result, _NO_HASHES, np.empty(0, dtype=np.int64), 0)
    data = np.frombuffer(b"\n".join(lowered).translate(_NON_WORD_BYTES), dtype=np.uint8)
    word = (data != 32) & (data != 10)
    edges = np.diff(word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    newlines = np.flatnonzero(data == 10)
    line_of = np.searchsorted(newlines, starts)  # the global line of each token
    # Each line as " ".join(tokens): word bytes, line breaks, and the one space after a token the line goes on from.
    keep = word.copy()
    keep[newlines] = True
    keep[ends[:-1][line_of[1:] == line_of[:-1]]] = True
    lines = data[keep].tobytes().split(b"\n")
    hashes = crc32_tokens(data, starts, ends - starts)
    line_counts = np.fromiter((low.count(b"\n") + 1 for low in lowered), dtype=np.int64, count=len(lowered))
    first_lines = np.cumsum(line_counts) - line_counts
    line_starts: np.ndarray = np.append(first_lines, int(line_counts.sum()))
    token_bounds: list[int] = np.searchsorted(line_of, line_starts).tolist()
    variant = np.zeros(len(lowered), dtype=bool)
    hit = np.flatnonzero(np.isin(hashes, _VARIANT_CRCS)) if _VARIANT_CRCS.size else _NO_HASHES
    if hit.size:  # spelling variants ("kiev"): each token, its line's bytes and its hash mapped as line_tokens does
        raw = data.tobytes()
        mapped_lines = set()
        for token in hit.tolist():
            word = raw[int(starts[token]) : int(ends[token])]
            mapped = _VARIANTS_ASCII.get(word)
            if mapped is not None:
                hashes[token] = zlib.crc32(mapped)
                mapped_lines.add(int(line_of[token]))
            elif word.decode("ascii") in SPELLING_VARIANTS:  # mapped to a form that is not ASCII
                variant[np.searchsorted(token_bounds, token, side="right") - 1] = True
        for line in mapped_lines:
            lines[line] = b" ".join(_VARIANTS_ASCII.get(word, word) for word in lines[line].split(b" "))
    for k, i in enumerate(chosen):
        if not variant[k]:
            first = int(first_lines[k])
            result[i] = _PlainText(lines[first : first + int(line_counts[k])], legal[k], first, token_bounds[k], token_bounds[k + 1])
    return _PlainBatch(result, hashes, line_of, len(lines))


def _plain_content(
    article: Article,
    plain: _PlainText,
    *,
    learned: LearnedBoilerplate | None,
    line_keys: list[tuple[int, bool]] | None,
) -> tuple[list[int], list[bytes], tuple[RemovedBlock, ...]]:
    """``content_tokens(prose=True)`` of a plain article from its batch's bytes: (kept global lines, their bytes, removed blocks).

    The same decisions as ``_content_tokens_plain``, line by line; tokens
    are counted (spaces plus one), not split out, and the line key hashes
    the line's bytes, which are its tokens joined by spaces.
    """
    source = article.source
    raw_lines = article.text.split("\n")
    kept: list[int] = []
    sizes: list[int] = []
    folded_kept: list[str] = []
    continued: list[bool] = []
    removed: list[RemovedBlock] = []
    starts: list[int] | None = None
    for number, (raw, joined) in enumerate(zip(raw_lines, plain.lines, strict=True)):
        text = raw.strip()
        if not text:
            continue
        folded = text.lower()
        reason = chrome_reason_of_folded(folded, legal=plain.legal)
        if line_keys is not None or learned is not None:
            digest = line_digest(joined)  # line_key_of_tokens: the line's bytes are its tokens joined
            if line_keys is not None:
                line_keys.append((int.from_bytes(digest, "big"), text.count(" ") < LEARN_MAX_WORDS))
            if reason is None and learned is not None and learned.is_boilerplate(source, digest.hex()):
                reason = f"learned: repeated across articles of {source}"
        if reason is None:
            if kept and text[:1].islower():
                continued[-1] = True
            kept.append(number)
            sizes.append(joined.count(b" ") + 1 if joined else 0)
            folded_kept.append(folded)
            continued.append(False)
        else:
            if starts is None:
                starts = list(accumulate((len(line) + 1 for line in raw_lines), initial=0))
            start = starts[number] + len(raw) - len(raw.lstrip())
            removed.append(RemovedBlock(start, start + len(text), text, reason))
    listed = _list_lines(sizes, folded_kept, continued)
    if sum(size for size, is_listed in zip(sizes, listed, strict=True) if not is_listed) >= PROSE_MIN_WORDS:
        kept = [number for number, is_listed in zip(kept, listed, strict=True) if not is_listed]
    return [plain.first_line + number for number in kept], [plain.lines[number] for number in kept], tuple(removed)


def fingerprint(
    article: Article,
    *,
    settings: FingerprintSettings = DEFAULT_SETTINGS,
    learned: LearnedBoilerplate | None = None,
) -> Fingerprint:
    """The fingerprint of one article's content (boilerplate excluded).

    Args:
        article: the article.
        settings: shingle size and MinHash parameters.
        learned: boilerplate learned for the article's source (optional).
    """
    return fingerprint_many([article], settings=settings, learned=learned)[0]


def fingerprint_many(
    articles: Sequence[Article],
    *,
    settings: FingerprintSettings = DEFAULT_SETTINGS,
    learned: LearnedBoilerplate | None = None,
    line_keys: list[list[tuple[int, bool]]] | None = None,
) -> list[Fingerprint]:
    """Fingerprints of many articles, hashed together: one numpy pass per step for all of them.

    Tokenization is per article (Python); everything after it runs on the
    concatenated tokens and characters of the whole batch: word hashes, shingle
    windows (windows that would cross from one article into the next are
    dropped), per-article unique sets (one sort of ``article << 32 | hash``),
    and both MinHash signatures (``np.minimum.reduceat`` over the articles'
    runs). The result is identical to fingerprinting each article alone.

    Args:
        articles: the articles.
        settings: shingle size and MinHash parameters.
        learned: learned boilerplate (``LearnedBoilerplate``) for every article's source.
        line_keys: when given, one list per article receives its line keys
            (see ``content_tokens``).
    """
    batch = _plain_batch([article.text for article in articles])
    token_lists: list[list[str] | None] = []  # None: a plain article, whose hashes are in the batch
    letters: list[str | bytes] = []
    removed_blocks: list[tuple[RemovedBlock, ...]] = []
    kept_lines: list[int] = []
    for i, article in enumerate(articles):
        keys = line_keys[i] if line_keys is not None else None
        plain = batch.texts[i]
        if plain is None:
            tokens, removed = content_tokens(article, learned=learned, prose=True, line_keys=keys)
            token_lists.append(tokens)
            # Characters: letters and digits of the same tokens, no spaces (split and joined words match).
            letters.append("".join(tokens))
        else:
            lines, kept, removed = _plain_content(article, plain, learned=learned, line_keys=keys)
            kept_lines.extend(lines)
            token_lists.append(None)
            letters.append(b"".join(kept))  # with the spaces between words: char_samples drops them
        removed_blocks.append(removed)
    line_kept = np.zeros(batch.line_count, dtype=bool)
    line_kept[kept_lines] = True
    token_kept = line_kept[batch.lines]
    kept_hashes = batch.hashes[token_kept]
    kept_before = np.concatenate([[0], np.cumsum(token_kept)])
    bounds = iter(kept_before[[t for plain in batch.texts if plain is not None for t in (plain.first_token, plain.last_token)]].tolist())
    word_parts = []
    for listed_tokens, plain in zip(token_lists, batch.texts, strict=True):
        if plain is None:
            word_parts.append(word_hashes(listed_tokens or []))
        else:  # the plain articles' kept tokens, in order
            start, end = next(bounds), next(bounds)
            word_parts.append(kept_hashes[start:end])
    counts = np.fromiter(map(len, word_parts), dtype=np.int64, count=len(word_parts))
    values = np.concatenate(word_parts) if word_parts else _NO_HASHES
    shingles = _grouped_shingles(values, counts, settings.shingle_size)
    chars = char_samples(letters, spaced=True)
    signatures = _grouped_minhash(shingles, settings)
    char_signatures = char_minhashes(chars, seed=settings.seed)
    return [
        Fingerprint(article.id, shingles[i], signatures[i], removed_blocks[i], chars[i], char_signatures[i])
        for i, article in enumerate(articles)
    ]


def char_minhashes(samples: Sequence[np.ndarray], *, seed: int = DEFAULT_SETTINGS.seed) -> np.ndarray:
    """MinHash signatures of character samples at once, as ``Fingerprint.char_signature``: (n, CHAR_NUM_PERM) uint32."""
    return _grouped_minhash(list(samples), _char_settings(seed))


def _grouped_shingles(
    values: np.ndarray, counts: np.ndarray, size: int, *, sample: int = 0, short: bool = True,
    stop: np.ndarray | None = None,
) -> list[np.ndarray]:
    """Sorted unique window hashes of each group of ``values`` (groups of ``counts``), computed at once.

    ``short``: a group shorter than a window is one shingle of all of it (words);
    else it has none (characters). ``sample``: keep the mixed hashes that are 0
    mod ``sample`` (0 = keep all, unmixed). ``stop``: sorted mixed hashes to
    leave out (with ``sample``).
    """
    groups = counts.size
    ends = np.cumsum(counts)
    starts = ends - counts
    hashes = shingle_hashes(values, size) if values.size >= size else np.empty(0, dtype=np.uint32)
    if sample and not short:
        return _grouped_sample(hashes, starts, ends, size, sample, stop)
    owner = np.repeat(np.arange(groups, dtype=np.int64), counts)[: hashes.size]
    positions = np.arange(hashes.size)
    valid = positions + size <= ends[owner] if hashes.size else np.empty(0, dtype=bool)
    hashes, owner = hashes[valid], owner[valid]
    few = np.flatnonzero((counts > 0) & (counts < size)) if short else np.empty(0, dtype=np.int64)
    if few.size:  # texts shorter than a shingle: one shingle of all their words
        extra = [shingle_hashes(values[starts[g] : ends[g]], size) for g in few.tolist()]
        hashes = np.concatenate([hashes, *extra])
        owner = np.concatenate([owner, few])
    if sample:
        hashes = _fmix32(hashes)
        keep = hashes % np.uint32(sample) == 0
        hashes, owner = hashes[keep], owner[keep]
        if stop is not None and stop.size and hashes.size:
            keep = ~_in_sorted(hashes, stop)
            hashes, owner = hashes[keep], owner[keep]
    if few.size:  # the extra shingles came last: put every group's values together again
        order = np.argsort(owner, kind="stable")
        hashes, owner = hashes[order], owner[order]
    return _split_sorted_unique(hashes, np.searchsorted(owner, np.arange(groups + 1)))


def _split_sorted_unique(values: np.ndarray, bounds: np.ndarray) -> list[np.ndarray]:
    """Each run ``values[bounds[g]:bounds[g + 1]]`` sorted and deduplicated (a list of uint32 arrays).

    The runs are sorted in place one by one: 64 sorts of 600 uint32 take a
    seventh of the time of one sort of ``group << 32 | value`` keys.
    """
    values = np.array(values, dtype=np.uint32)  # a copy: sorted in place
    edges = bounds.tolist()
    for start, end in pairwise(edges):
        if end - start > 1:
            values[start:end].sort()
    keep = np.ones(values.size, dtype=bool)
    if values.size > 1:
        keep[1:] = values[1:] != values[:-1]
        keep[bounds[1:-1][bounds[1:-1] < values.size]] = True  # a run's first value, whatever the run before ends with
    kept = np.concatenate([[0], np.cumsum(keep)])[bounds]
    unique = values[keep]
    new = kept.tolist()
    return [unique[start:end] for start, end in pairwise(new)]


def _in_sorted(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Whether each uint32 value is in the sorted uint32 ``table``.

    A 65,536-bit filter on the top 16 bits first; only the few values it
    passes are looked up by bisection (25x faster than bisecting them all).
    """
    maybe = np.zeros(1 << 16, dtype=bool)
    maybe[table >> np.uint32(16)] = True
    found = maybe[values >> np.uint32(16)]
    candidates = np.flatnonzero(found)
    if candidates.size:
        picked = values[candidates]
        at = np.minimum(np.searchsorted(table, picked), table.size - 1)
        found[candidates] = table[at] == picked
    return found


def _grouped_sample(
    hashes: np.ndarray, starts: np.ndarray, ends: np.ndarray, size: int, sample: int, stop: np.ndarray | None
) -> list[np.ndarray]:
    """``_grouped_shingles`` for sampled character shingles (the same result, a third of the work).

    Windows are sampled first and only the kept eighth is given its group (a
    binary search in the group ends): the group of every window, an int64 per
    letter, was most of the cost. A window is dropped when it runs past its
    group's end: the last ``size - 1`` positions of every group.
    """
    valid = np.ones(hashes.size, dtype=bool)
    tail_starts = np.maximum(ends - (size - 1), starts)
    tails = ends - tail_starts
    if tails.sum():
        offsets = np.arange(int(tails.sum())) - np.repeat(np.cumsum(tails) - tails, tails)
        tail = np.repeat(tail_starts, tails) + offsets
        valid[tail[tail < hashes.size]] = False
    mixed = _fmix32(hashes)
    # 0 mod sample; a mask of the low bits when sample is a power of two (CHAR_SAMPLE = 8).
    low = mixed & np.uint32(sample - 1) if sample & (sample - 1) == 0 else mixed % np.uint32(sample)
    kept = np.flatnonzero(valid & (low == 0))
    mixed = mixed[kept]
    if stop is not None and stop.size and mixed.size:
        keep = ~_in_sorted(mixed, stop)
        mixed, kept = mixed[keep], kept[keep]
    # Kept windows are in position order, so each group's are one run.
    return _split_sorted_unique(mixed, np.searchsorted(kept, np.r_[starts, ends[-1:]] if ends.size else np.zeros(1, np.int64)))


def _grouped_minhash(sets: list[np.ndarray], settings: FingerprintSettings) -> np.ndarray:
    """MinHash signatures of many shingle sets at once: (len(sets), num_perm) uint32."""
    result = np.full((len(sets), settings.num_perm), _EMPTY, dtype=np.uint32)
    filled = [i for i, s in enumerate(sets) if s.size]
    if not filled:
        return result
    a, b = _permutations(settings.num_perm, settings.seed, settings.scheme)
    values = np.concatenate([sets[i] for i in filled])
    sizes = np.fromiter((sets[i].size for i in filled), dtype=np.int64, count=len(filled))
    mixed = _fmix32(values).reshape(1, -1)
    with np.errstate(over="ignore"):
        permuted = a.reshape(-1, 1) * mixed  # (num_perm, shingles): each row one permutation
        permuted += b.reshape(-1, 1)
    # Reduce along contiguous rows (8x faster than down the columns of the transpose).
    result[filled] = np.minimum.reduceat(permuted, np.cumsum(sizes) - sizes, axis=1).T
    return result


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted, unique shingle arrays (0.0 when both are empty)."""
    if a.size == 0 or b.size == 0:
        return 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Exact share of ``a``'s shingles found in ``b``: |A ∩ B| / |A| (0.0 for an empty ``a``)."""
    if a.size == 0:
        return 0.0
    return np.intersect1d(a, b, assume_unique=True).size / a.size


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Exact (Jaccard, containment of the smaller set in the larger) in one intersection."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common), common / min(a.size, b.size)


def fingerprint_all(
    articles: Iterable[Article],
    *,
    settings: FingerprintSettings = DEFAULT_SETTINGS,
    learned: LearnedBoilerplate | None = None,
) -> list[Fingerprint]:
    """Fingerprints of many articles, in order (one process)."""
    return [fingerprint(a, settings=settings, learned=learned) for a in articles]
