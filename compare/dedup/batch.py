"""Near-duplicate detection: batch ``find_duplicates`` and streaming ``ingest``.

Both follow the same three steps:

1. *Candidates* by LSH banding of MinHash signatures, tuned (by datasketch's
   optimizer) for a candidate threshold well below the near-duplicate one,
   so that containment pairs are found too (see ``CANDIDATE_THRESHOLD``).
2. *Verification*: exact Jaccard and containment on the stored shingle
   sets, so every reported score is a true score, not a MinHash estimate.
3. *Relation*: "duplicate" (Jaccard >= 0.9: the same text, perhaps with a
   new headline or chrome), "near-duplicate" (Jaccard >= threshold), or
   "contained" (the smaller article's shingles lie at least
   ``containment_threshold`` inside the larger one: a short wire story
   inside a longer article, a trimmed copy). Batch pairs are grouped into
   clusters (connected components).

Batch mode does the banding as one sort per band over all signatures
(``np.unique`` on the band keys) instead of ``MinHashLSH.insert``/``query``
per article: the same buckets as a ``MinHashLSH`` with the same ``b`` and
``r`` (tests/test_dedup.py checks it), at a fraction of the time and memory
(MinHashLSH keeps a Python set per bucket: ~1 kB per article and band).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from compare.dedup.fingerprint import (
    CHAR_MIN_SAMPLES,
    CHAR_NUM_PERM,
    DEFAULT_SETTINGS,
    Fingerprint,
    FingerprintSettings,
    jaccard,
    overlap,
)
from compare.dedup.lsh import (
    ANCHOR_MAX_ARTICLES,
    CHAR_BANDS,
    CHAR_BUCKET_MAX,
    CHAR_MAX_CANDIDATES,
    CHAR_ROWS,
    best_per_article,
    char_agreement,
    char_agreement_needed,
    is_anchor_of,
)
from compare.dedup.lsh import (
    anchors_of as anchors_of,  # re-exported: the Spark executor takes it from here
)
from compare.graph import connected_components
from compare.text.chrome import RemovedBlock

if TYPE_CHECKING:
    from compare.article import Article
    from compare.dedup.fingerprinter import LearnedLines

Relation = Literal["duplicate", "near-duplicate", "contained"]

#: Jaccard from which two articles are a near-duplicate (chosen on data: notes/README-dedup.md).
DEFAULT_THRESHOLD = 0.5
#: Share of the smaller article inside the larger from which it is "contained".
DEFAULT_CONTAINMENT = 0.8
#: Jaccard from which a pair is a plain "duplicate".
DUPLICATE_JACCARD = 0.9
#: Jaccard of the sampled character shingles from which a pair whose word
#: shingles miss it (typos, OCR noise) is a near-duplicate. Chosen on the
#: held-out set's dev half (evaluation/heldout_dedup.py): OCR'd copies with
#: 6 % of characters changed score >= 0.51, related stories <= 0.20.
CHAR_THRESHOLD = 0.4


_NO_SHINGLES = np.empty(0, dtype=np.uint32)
#: Articles whose shingles are concatenated at once to find their anchors.
_ANCHOR_BLOCK = 2048
_NO_CHAR_SIGNATURE = np.full(CHAR_NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)


def check_thresholds(threshold: float, containment_threshold: float) -> None:
    """Raise ValueError, saying what suits news, when a threshold is outside (0, 1]."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}; 0.5 finds rewrites, 0.9 only copies")
    if not 0.0 < containment_threshold <= 1.0:
        raise ValueError(f"containment threshold must be in (0, 1], got {containment_threshold}")


def relation_of(jaccard: float, containment: float, *, threshold: float, containment_threshold: float) -> Relation | None:
    """The relation two articles' exact scores put them in, or None."""
    if jaccard >= max(threshold, DUPLICATE_JACCARD):
        return "duplicate"
    if jaccard >= threshold:
        return "near-duplicate"
    if containment >= containment_threshold:
        return "contained"
    return None


def verify_pair(
    words_a: np.ndarray,
    words_b: np.ndarray,
    chars_a: np.ndarray | None,
    chars_b: np.ndarray | None,
    *,
    threshold: float,
    containment_threshold: float,
) -> tuple[Relation | None, float, float, float | None]:
    """The verification rule of every engine: (relation or None, Jaccard, containment, character Jaccard or None).

    Word shingles first (exact Jaccard and containment, ``relation_of``);
    a pair they do not relate is a near-duplicate when both sides have the
    character signal (``CHAR_MIN_SAMPLES`` sampled character shingles or more)
    and the Jaccard of those samples reaches ``CHAR_THRESHOLD``. ``chars_*``
    None (or too few) leaves the character signal out. Batch dedup compares
    32-bit hashes, an index the quantized values it stores (``codec``).
    """
    jac, contained = overlap(words_a, words_b)
    relation = relation_of(jac, contained, threshold=threshold, containment_threshold=containment_threshold)
    char_jac = None
    if (
        relation is None
        and chars_a is not None
        and chars_b is not None
        and chars_a.size >= CHAR_MIN_SAMPLES
        and chars_b.size >= CHAR_MIN_SAMPLES
    ):
        char_jac = jaccard(chars_a, chars_b)
        relation = "near-duplicate" if char_jac >= CHAR_THRESHOLD else None
    return relation, jac, contained, char_jac


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two articles that share most of their text.

    Attributes:
        a, b: article ids, ``a`` earlier in input order.
        jaccard: exact Jaccard similarity of their shingle sets.
        containment: exact share of the smaller set found in the larger.
        relation: "duplicate", "near-duplicate" or "contained".
        char_jaccard: set when the character signal found the pair (its word
            shingles did not: typos, OCR noise): the Jaccard of the sampled
            character shingles; None otherwise.
    """

    a: str
    b: str
    jaccard: float
    containment: float
    relation: Relation
    char_jaccard: float | None = None

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "a": self.a,
            "b": self.b,
            "jaccard": round(self.jaccard, 4),
            "containment": round(self.containment, 4),
            "relation": self.relation,
        }
        if self.char_jaccard is not None:
            record["char_jaccard"] = round(self.char_jaccard, 4)
        return record


@dataclass(frozen=True, slots=True)
class DedupResult:
    """Pairs and clusters found in a batch.

    Attributes:
        articles: number of articles read.
        pairs: verified pairs, in input order of (a, b).
        clusters: connected components of the pairs (>= 2 ids each, each in
            input order, clusters ordered by their first article).
        removed: boilerplate blocks stripped from each article, by id.
        learned: number of boilerplate lines learned per source.
    """

    articles: int
    pairs: tuple[DuplicatePair, ...]
    clusters: tuple[tuple[str, ...], ...]
    removed: dict[str, tuple[RemovedBlock, ...]]
    learned: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "pairs": [p.to_dict() for p in self.pairs],
            "clusters": [list(c) for c in self.clusters],
        }


# --- batch -------------------------------------------------------------------------


def candidate_pairs(
    signatures: np.ndarray, bands: int, rows: int, *, skip: np.ndarray | None = None, max_bucket: int | None = None
) -> np.ndarray:
    """Index pairs (i < j) sharing at least one LSH band, as an (n, 2) int64 array.

    One sort per band, and every pair inside every bucket generated at once
    with ``np.repeat`` (no Python loop over buckets): for the element at
    sorted position ``p`` of a bucket ending at ``e``, the pairs are ``p``
    with each of ``p + 1 .. e - 1``.

    Args:
        signatures: (n, num_perm) uint32.
        bands, rows: LSH parameters.
        skip: boolean mask of rows never to pair (empty articles).
        max_bucket: leave out buckets holding more than this many different
            signatures (equal rows count once); None = no bound.
    """
    from compare.dedup.lsh import band_keys

    n = signatures.shape[0]
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    rows_kept = np.arange(n) if skip is None else np.flatnonzero(~skip)
    if rows_kept.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    kept = signatures[rows_kept]
    keys = band_keys(kept, bands, rows)
    whole: np.ndarray | None = None  # a hash of each whole signature, when a bucket is over max_bucket
    found = []
    for band in range(bands):
        order = np.argsort(keys[:, band], kind="stable")
        sorted_keys = keys[order, band]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, sorted_keys.size])
        if not (sizes > 1).any():
            continue
        if max_bucket is not None and (sizes > max_bucket).any():
            if whole is None:
                whole = band_keys(kept, 1, kept.shape[1])[:, 0]
            sizes = sizes.copy()
            sizes[_crowded(starts, sizes, whole[order], max_bucket)] = 0  # no pairs from them
            if not (sizes > 1).any():
                continue
            starts, sizes = starts[sizes > 0], sizes[sizes > 0]
            positions = np.repeat(starts, sizes) + (np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes))
            order = order[positions]
            starts = np.cumsum(sizes) - sizes
        total = int(sizes.sum())
        ends = np.repeat(starts + sizes, sizes)  # per sorted position: the end of its bucket
        later = ends - np.arange(total) - 1  # how many follow it in its bucket
        first = np.repeat(np.arange(total), later)
        run_starts = np.cumsum(later) - later
        second = first + 1 + (np.arange(first.size) - np.repeat(run_starts, later))
        a, b = rows_kept[order[first]], rows_kept[order[second]]
        found.append(np.minimum(a, b) * n + np.maximum(a, b))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(found))
    return np.stack([codes // n, codes % n], axis=1).astype(np.int64)


def _crowded(starts: np.ndarray, sizes: np.ndarray, whole: np.ndarray, max_bucket: int) -> np.ndarray:
    """Which buckets (``starts``/``sizes`` over rows whose whole-signature hashes are ``whole``) hold more than ``max_bucket`` different ones."""
    big = np.flatnonzero(sizes > max_bucket)
    bucket = np.repeat(np.arange(big.size), sizes[big])
    positions = np.repeat(starts[big], sizes[big]) + (np.arange(bucket.size) - np.repeat(np.cumsum(sizes[big]) - sizes[big], sizes[big]))
    order = np.lexsort((whole[positions], bucket))
    hashes, buckets = whole[positions][order], bucket[order]
    new = np.r_[True, (hashes[1:] != hashes[:-1]) | (buckets[1:] != buckets[:-1])]
    different = np.bincount(buckets[new], minlength=big.size)
    return big[different > max_bucket]


def char_candidates(char_matrix: np.ndarray, others: np.ndarray, *, skip: np.ndarray | None = None) -> np.ndarray:
    """Pairs the character signal adds to ``others`` (word band and anchor candidates), as an (m, 2) int64 array.

    Pairs sharing a character band (``CHAR_BANDS`` x ``CHAR_ROWS``; buckets of
    more than ``CHAR_BUCKET_MAX`` different signatures left out) that are not
    in ``others`` are kept when their character signatures agree in
    ``CHAR_MIN_AGREEMENT`` of their values (a band match alone admits chance
    pairs at a rate that grows the candidates with the square of the batch),
    and then each article keeps its ``CHAR_MAX_CANDIDATES`` best of them by
    agreement (``best_per_article``): at most that many verifications per
    article, whatever the input.
    """
    return _agreeing_best(char_matrix, char_band_pairs(char_matrix, skip=skip), others)


def char_band_pairs(char_matrix: np.ndarray, *, skip: np.ndarray | None = None) -> np.ndarray:
    """Pairs sharing a character band, crowded buckets left out: the first step of ``char_candidates``."""
    return candidate_pairs(char_matrix, CHAR_BANDS, CHAR_ROWS, skip=skip, max_bucket=CHAR_BUCKET_MAX)


def _agreeing_best(char_matrix: np.ndarray, more: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Of the character band pairs ``more``, those ``char_candidates`` keeps."""
    n = char_matrix.shape[0]
    if not more.size:
        return more
    new = ~np.isin(more[:, 0] * n + more[:, 1], others[:, 0] * n + others[:, 1]) if others.size else np.ones(len(more), dtype=bool)
    more = more[new]
    agree = char_agreement(char_matrix, more)
    enough = agree >= char_agreement_needed(char_matrix.shape[1])
    more, agree = more[enough], agree[enough]
    return more[best_per_article(more, agree, CHAR_MAX_CANDIDATES)]


def containment_candidates(
    fingerprints: Sequence[Fingerprint], *, skip: np.ndarray | None = None, anchors: Sequence[np.ndarray] | None = None
) -> np.ndarray:
    """Index pairs (i < j) where most anchors of the smaller article are anchors of the other.

    MinHash LSH proposes pairs by Jaccard, which a short text inside a long
    one never reaches (four paragraphs of a 1,200-word story: Jaccard 0.07,
    containment 0.85). Sampling shingles by hash value keeps containment:
    every anchor of a contained text is an anchor of the text holding it. So
    anchors are grouped (one sort), pairs inside each group counted (no
    Python loop per group), and a pair is a candidate when it shares at least
    half the smaller article's anchors, and two (one when it has one).

    ``anchors``: each article's ``anchors_of(fp.shingles)`` when already
    known (the worker processes compute them beside the fingerprints).
    """
    n = len(fingerprints)
    empty = np.empty((0, 2), dtype=np.int64)
    if n < 2:
        return empty
    keys = []  # anchor << 32 | article: one sort orders them by anchor, then article
    if anchors is not None:
        sizes = np.fromiter(map(len, anchors), dtype=np.int64, count=n)
        if skip is not None:
            sizes[skip] = 0
        values = np.concatenate([a for a, size in zip(anchors, sizes.tolist(), strict=True) if size] or [_NO_SHINGLES])
        keys.append((values.astype(np.uint64) << np.uint64(32)) | np.repeat(np.arange(n, dtype=np.uint64), sizes))
    else:
        # Anchors of many articles at once (``anchors_of`` over their concatenated
        # shingles), a block of articles at a time: all shingles of 100,000 articles would take 250 MB.
        sizes = np.fromiter((fp.shingles.size for fp in fingerprints), dtype=np.int64, count=n)
        if skip is not None:
            sizes[skip] = 0
        for start in range(0, n, _ANCHOR_BLOCK):
            block = sizes[start : start + _ANCHOR_BLOCK]
            shingles = np.concatenate(
                [fp.shingles for fp, size in zip(fingerprints[start : start + _ANCHOR_BLOCK], block.tolist(), strict=True) if size]
                or [_NO_SHINGLES]
            )
            at = np.flatnonzero(is_anchor_of(shingles))
            docs = np.searchsorted(np.cumsum(block), at, side="right").astype(np.uint64) + np.uint64(start)
            keys.append((shingles[at].astype(np.uint64) << np.uint64(32)) | docs)
    ordered = np.sort(np.concatenate(keys))
    values, docs = ordered >> np.uint64(32), (ordered & np.uint64(0xFFFFFFFF)).astype(np.int64)
    counts = np.bincount(docs, minlength=n)
    if values.size < 2:
        return empty
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    sizes = np.diff(np.r_[starts, values.size])
    keep = np.repeat((sizes > 1) & (sizes <= ANCHOR_MAX_ARTICLES), sizes)
    values, docs = values[keep], docs[keep]
    if values.size < 2:
        return empty
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    sizes = np.diff(np.r_[starts, values.size])
    ends = np.repeat(starts + sizes, sizes)
    later = ends - np.arange(values.size) - 1
    first = np.repeat(np.arange(values.size), later)
    run_starts = np.cumsum(later) - later
    second = first + 1 + (np.arange(first.size) - np.repeat(run_starts, later))
    a, b = docs[first], docs[second]
    codes, shared = np.unique(np.minimum(a, b) * n + np.maximum(a, b), return_counts=True)
    i, j = codes // n, codes % n
    smaller = np.minimum(counts[i], counts[j])
    chosen = (shared >= np.minimum(smaller, 2)) & (shared * 2 >= smaller)
    return np.stack([i[chosen], j[chosen]], axis=1).astype(np.int64)


#: Articles from which ``_verify`` finds containment candidates in a second thread (below, the steps take tenths of a second).
_BESIDE_MIN_ARTICLES = 20_000


@contextmanager
def _beside(n: int) -> Iterator[Callable[..., Callable[[], np.ndarray]]]:
    """``side(f, *args, **kwargs)`` starts ``f`` in a second thread (in this one below ``_BESIDE_MIN_ARTICLES``
    articles or on one core) and returns what waits for its result."""
    if n < _BESIDE_MIN_ARTICLES or (os.cpu_count() or 1) < 2:

        def at_once(f: Callable[..., np.ndarray], *args: Any, **kwargs: Any) -> Callable[[], np.ndarray]:
            value = f(*args, **kwargs)
            return lambda: value

        yield at_once
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dedup-candidates") as pool:
        yield lambda f, *args, **kwargs: pool.submit(f, *args, **kwargs).result


def clusters_of(pairs: Iterable[tuple[int, int]], size: int) -> list[list[int]]:
    """Connected components (union-find) of index pairs; only those of >= 2, each sorted."""
    return connected_components(pairs, size)


def find_duplicates(
    articles: Iterable[Article],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    containment_threshold: float = DEFAULT_CONTAINMENT,
    settings: FingerprintSettings = DEFAULT_SETTINGS,
    progress: Callable[[int], None] | None = None,
    learn_boilerplate: bool = True,
    workers: int | None = None,
    char_signal: bool = True,
    learned: LearnedLines | None = None,
) -> DedupResult:
    r"""Duplicate pairs and clusters in a batch of articles.

    Boilerplate is learned in the same pass that fingerprints: each article
    is fingerprinted without learned chrome while its line keys are counted;
    then only the articles that hold a line learned for their source are
    fingerprinted again. The result is the same as learning first and
    fingerprinting second (tests/test_dedup.py checks it), at one
    tokenization per article instead of two.

    Memory: a re-iterable ``articles`` (a list, or
    ``compare.dedup.fingerprinter.ArticleFiles``, which re-reads the files) is iterated
    again for that second look and only fingerprints are kept: 100,000
    articles need ~300 MB of shingles, not another ~400 MB of text. A
    one-shot iterator is first turned into a list.

    Args:
        articles: the batch, in input order.
        threshold: Jaccard from which a pair is a near-duplicate.
        containment_threshold: share of the smaller article inside the larger
            from which a pair is "contained".
        settings: fingerprint settings.
        progress: called with the number of articles fingerprinted since the
            last call.
        learn_boilerplate: treat lines repeated in >= 3 articles of one
            source in this batch as chrome (BoilerplateLearner rules).
        workers: worker processes for fingerprinting (None = one per core).
        char_signal: also pair articles whose sampled character shingles
            reach ``CHAR_THRESHOLD`` (copies with typos or OCR noise, whose
            word shingles are broken); False = word shingles only.
        learned: boilerplate the caller already learned from this same batch
            (``LearnedLines.of(learner)``; ``build_report`` learns it once for the
            whole report): every article is fingerprinted with it in one pass, and
            nothing is learned again. ``learn_boilerplate`` is then not consulted.

    Example:
        >>> from compare import Article
        >>> a = Article(id="a", text="Kremlin says Western arms endanger Europe\n"
        ...     "Dmitry Peskov said on Tuesday that weapons shipments to Ukraine threaten "
        ...     "the security of the whole continent and provoke instability.\n"
        ...     "Germany said it would send heavy weapons.\n")
        >>> b = Article(id="b", text="Kremlin: Western arms endanger Europe\n"
        ...     "Dmitry Peskov said on Tuesday that weapons shipments to Ukraine threaten "
        ...     "the security of the whole continent and provoke instability.\n"
        ...     "Britain said it had sent anti-tank weapons.\n")
        >>> result = find_duplicates([a, b, Article(id="c", text=a.text)], workers=0)
        >>> [(pair.a, pair.b, pair.relation) for pair in result.pairs]
        [('a', 'b', 'near-duplicate'), ('a', 'c', 'duplicate'), ('b', 'c', 'near-duplicate')]
        >>> result.clusters
        (('a', 'b', 'c'),)
    """
    from compare.dedup.fingerprinter import ArticleFiles, Fingerprinter, LineCounter, RawLine

    check_thresholds(threshold, containment_threshold)
    if isinstance(articles, Iterator):
        articles = list(articles)
    count = len(articles) if isinstance(articles, Sequence) else None
    first_pass: Iterable[Article] = articles
    fingerprinter = Fingerprinter(settings, workers=workers)
    # JSON-lines files for worker processes are parsed there: the parent reads,
    # decodes and merges (parsing 100,000 lines took ~6 s of the parent's time).
    files: ArticleFiles | None = None
    raw_lines: Iterator[RawLine] | None = None
    if count is None:
        # Files read lazily: read ahead up to the parallel minimum, so that a
        # small batch (``dedup a.txt b.txt``) is done in this process and does
        # not pay the 0.3 s start of a worker pool.
        from compare.dedup.fingerprinter import PARALLEL_MIN_ARTICLES

        if isinstance(articles, ArticleFiles) and learned is None and learn_boilerplate and fingerprinter.workers > 1:
            raw = articles.jsonl_lines()
            if raw is not None:
                head_lines = list(islice(raw, PARALLEL_MIN_ARTICLES))
                if len(head_lines) == PARALLEL_MIN_ARTICLES:
                    files, raw_lines = articles, chain(head_lines, raw)
                else:
                    raw.close()  # few lines: read them as articles, here
        if raw_lines is None:
            reader = iter(articles)
            head = list(islice(reader, PARALLEL_MIN_ARTICLES))
            if len(head) < PARALLEL_MIN_ARTICLES:
                articles = first_pass = head
                count = len(head)
            else:
                first_pass = chain(head, reader)
    fingerprints: list[Fingerprint] = []
    anchors: list[np.ndarray] = []  # each article's anchors, when the workers computed them
    with fingerprinter:
        if learned is not None:
            fingerprints.extend(fingerprinter.fingerprints(first_pass, learned=learned, count=count, progress=progress))
        elif not learn_boilerplate:
            fingerprints.extend(fingerprinter.fingerprints(first_pass, count=count, progress=progress))
        else:
            counter = LineCounter()
            lines: list[tuple[str | None, np.ndarray]] = []
            found: list[tuple[int, int]] = []
            records = (
                fingerprinter.learning_pass(first_pass, count=count, progress=progress)
                if files is None or raw_lines is None
                else fingerprinter.learning_pass_lines(
                    raw_lines, on_error=files.on_error, found=found, anchors=anchors, progress=progress
                )
            )
            for fp, source, short, every in records:
                fingerprints.append(fp)
                counter.add(source, short)
                lines.append((source, every))
            if files is not None:
                files.first_pass_done(found)
            learned = counter.learned()
            learned_keys = {s: k for s, k in learned.keys.items() if k}
            again = {
                i for i, (source, every) in enumerate(lines)
                if source in learned_keys and not learned_keys[source].isdisjoint(every.tolist())
            }
            del lines
            if again:
                if isinstance(articles, ArticleFiles):
                    chosen = articles.select(again)  # only their own lines, when from JSON lines
                else:
                    chosen = (a for i, a in enumerate(articles) if i in again)
                redone = fingerprinter.fingerprints(chosen, learned=learned, count=len(again))
                for i, fp in zip(sorted(again), redone, strict=True):
                    fingerprints[i] = fp
                    if anchors:
                        anchors[i] = anchors_of(fp.shingles)
    return _verify(
        fingerprints, settings, threshold, containment_threshold, learned, char_signal=char_signal,
        anchors=anchors if len(anchors) == len(fingerprints) else None,
    )


def _verify(
    fingerprints: list[Fingerprint],
    settings: FingerprintSettings,
    threshold: float,
    containment_threshold: float,
    learned: Any,
    *,
    char_signal: bool = True,
    anchors: Sequence[np.ndarray] | None = None,
) -> DedupResult:
    """Candidates by banding, exact scores, relations and clusters (``anchors``: see ``containment_candidates``)."""
    from compare.dedup.index.base import IndexParameters

    n = len(fingerprints)
    ids = [fp.article_id for fp in fingerprints]
    parameters = IndexParameters.build(settings, threshold)
    if n:
        matrix = np.stack([fp.signature for fp in fingerprints])
    else:
        matrix = np.empty((0, settings.num_perm), dtype=np.uint32)
    empty = np.fromiter((fp.is_empty for fp in fingerprints), dtype=bool, count=n)
    with _beside(n) as side:
        # The containment candidates are found in a second thread while this one bands
        # the signatures: both are mostly numpy sorts, which release the GIL, and the
        # worker processes are done, so on 2 cores the two overlap (~1 s of 3.4 at 100,000).
        containing = side(containment_candidates, fingerprints, skip=empty, anchors=anchors)
        words = candidate_pairs(matrix, parameters.bands, parameters.rows, skip=empty)
        char_matrix = no_chars = char_pairs = None
        if char_signal and n:
            no_chars = np.fromiter((not fp.has_chars for fp in fingerprints), dtype=bool, count=n)
            if (~no_chars).sum() >= 2:
                char_matrix = np.stack([fp.char_signature if fp.has_chars else _NO_CHAR_SIGNATURE for fp in fingerprints])
                char_pairs = char_band_pairs(char_matrix, skip=no_chars)
        candidates = np.unique(np.concatenate([words, containing()]), axis=0)
    if char_matrix is not None and char_pairs is not None:
        more = _agreeing_best(char_matrix, char_pairs, candidates)
        candidates = np.unique(np.concatenate([candidates, more]), axis=0)
    pairs = []
    for i, j in candidates.tolist():
        a, b = fingerprints[i], fingerprints[j]
        relation, jac, contained, char_jac = verify_pair(
            a.shingles, b.shingles, a.chars if char_signal else None, b.chars if char_signal else None,
            threshold=threshold, containment_threshold=containment_threshold,
        )
        if relation is not None:
            pairs.append((i, j, DuplicatePair(ids[i], ids[j], jac, contained, relation, char_jac)))
    clusters = clusters_of(((i, j) for i, j, _ in pairs), n)
    return DedupResult(
        articles=n,
        pairs=tuple(p for _, _, p in pairs),
        clusters=tuple(tuple(ids[x] for x in c) for c in clusters),
        removed={fp.article_id: fp.removed for fp in fingerprints},
        learned=learned.counts() if learned else {},
    )
