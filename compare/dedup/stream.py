"""Streaming near-duplicate detection: ``ingest`` articles into a persistent index.

The same three steps as the batch ``find_duplicates`` (candidates by LSH,
exact verification, relation), one article at a time against the index.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from compare.dedup.fingerprint import Fingerprint

if TYPE_CHECKING:
    from compare.article import Article
    from compare.dedup.index.base import ArticleIndex

from compare.dedup.batch import (
    DEFAULT_CONTAINMENT,
    DEFAULT_THRESHOLD,
    check_thresholds,
    verify_pair,
)
from compare.dedup.index.base import index_anchors, is_containment_candidate
from compare.parallel import chunked

#: What ingest did with one article (``IngestResult.status``).
IngestStatus = Literal["new", "duplicate", "contained"]


@dataclass(frozen=True, slots=True)
class Match:
    """An indexed article an ingested one matches, with exact scores.

    ``char_jaccard`` is set when the character signal matched it (typos,
    OCR noise broke the word shingles), as in ``DuplicatePair``.
    """

    id: str
    jaccard: float
    containment: float
    char_jaccard: float | None = None

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {"id": self.id, "jaccard": round(self.jaccard, 4), "containment": round(self.containment, 4)}
        if self.char_jaccard is not None:
            record["char_jaccard"] = round(self.char_jaccard, 4)
        return record


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What became of one ingested article.

    Attributes:
        id: the article's id.
        status: "new" (added to the index), "duplicate" (Jaccard >= threshold
            with an indexed article; not added) or "contained" (containment
            >= the containment threshold; not added).
        matches: the matching indexed articles, best first.
    """

    id: str
    status: IngestStatus
    matches: tuple[Match, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "matches": [m.to_dict() for m in self.matches]}


def ingest(
    articles: Iterable[Article],
    index: ArticleIndex,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    containment_threshold: float = DEFAULT_CONTAINMENT,
    batch_size: int = 500,
    workers: int | None = None,
    max_wait: float | None = None,
) -> Iterator[IngestResult]:
    r"""Check each article against the index and add the new ones.

    Articles are processed in batches of ``batch_size``: fingerprinted,
    looked up (in the index and among the batch's earlier new articles),
    verified exactly, and the new ones added in one atomic index write.
    Results are yielded only after that write, so every "new" a caller sees
    is in the index, even if the process is killed right after.

    A duplicate or contained article is not added: the index keeps the first
    version it saw, and later copies point at it. An article whose id is
    already indexed is compared with the stored version like any other
    (re-ingesting a file reports it as a duplicate of itself).

    Chrome is learned over time: short lines of each article with a source
    (except plain copies) are counted per source in the index, with the
    batch; a line carried by ``LEARN_MIN_ARTICLES`` stored articles of the
    source is stripped from that source's later articles.

    Fingerprinting runs in worker processes (``workers``) ahead of the
    commits, at most two batches ahead.

    ``max_wait`` (seconds) makes a batch also end that long after its first
    article arrived, whichever comes first: a slow feed (``ingest -`` reading
    articles as they are published) gets each answer within about
    ``max_wait`` plus the time to process it, instead of when ``batch_size``
    articles have come. The articles are then read by a thread and each
    batch is fingerprinted once it is complete (no pipelining across
    batches); the commit-before-report guarantee is the same.

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
        >>> from compare import open_index
        >>> with open_index("memory") as index:
        ...     [(r.id, r.status) for r in ingest([a, Article(id="a2", text=a.text)], index, workers=0)]
        [('a', 'new'), ('a2', 'duplicate')]
    """
    from compare.dedup.fingerprinter import Fingerprinter

    check_thresholds(threshold, containment_threshold)
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    if max_wait is not None and not 0.0 <= max_wait < 86400.0:
        raise ValueError(f"max_wait must be a number of seconds >= 0, got {max_wait}")
    with Fingerprinter(index.settings, workers=workers) as fingerprinter:
        if max_wait is None:
            yield from _ingest_batches(articles, index, fingerprinter, threshold, containment_threshold, batch_size)
        else:
            for chunk in _batches_by_size_or_time(articles, batch_size, max_wait):
                analysed = list(fingerprinter.learning_pass(chunk, count=len(chunk)))
                yield from index.atomically(partial(_check_batch, chunk, analysed, index, threshold, containment_threshold))


class _ReadFailed:
    """An exception raised while reading the input, passed from the reader thread."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _batches_by_size_or_time(articles: Iterable[Article], batch_size: int, max_wait: float) -> Iterator[list[Article]]:
    """Batches of at most ``batch_size``, each closed at most ``max_wait`` s after its first article arrived.

    A thread reads the input (which may block for minutes on a quiet feed)
    into a bounded queue; this generator waits on the queue with a timeout.
    """
    import queue
    import time

    items: queue.Queue[Any] = queue.Queue(maxsize=2 * batch_size)
    end = object()
    stopping = threading.Event()

    def put(item: Any) -> bool:
        while not stopping.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for article in articles:
                if not put(article):
                    return
        except BaseException as error:  # handed to the consuming thread, re-raised there
            put(_ReadFailed(error))
            return
        put(end)

    reader = threading.Thread(target=read, name="ingest-reader", daemon=True)
    reader.start()
    try:
        finished = False
        while not finished:
            item = items.get()
            batch: list[Article] = []
            deadline = time.monotonic() + max_wait
            while True:
                if item is end:
                    finished = True
                    break
                if isinstance(item, _ReadFailed):
                    raise item.error
                batch.append(item)
                if len(batch) >= batch_size:
                    break
                try:
                    item = items.get(timeout=max(deadline - time.monotonic(), 0.0)) if max_wait > 0 else items.get_nowait()
                except queue.Empty:
                    break
            if batch:
                yield batch
    finally:
        stopping.set()


def _ingest_batches(
    articles: Iterable[Article],
    index: ArticleIndex,
    fingerprinter: Any,
    threshold: float,
    containment_threshold: float,
    batch_size: int,
) -> Iterator[IngestResult]:
    from compare.dedup.fingerprinter import CHUNK_SIZE, PARALLEL_MIN_ARTICLES

    # One continuous stream of fingerprints, so that the workers fingerprint
    # the next batch while this process looks up, verifies and commits the
    # current one. The articles wait in ``pending`` (filled by the pool's
    # feeder thread, in input order) until their fingerprints come back.
    # The semaphore keeps the feeder at most two batches ahead: without it the
    # workers would fingerprint the whole input while the commits lag behind,
    # holding every article and fingerprint in memory (620 MB for 100,000).
    source = iter(articles)
    head = list(islice(source, PARALLEL_MIN_ARTICLES))
    pending: deque[Article] = deque()
    ahead = threading.Semaphore(2 * batch_size + 2 * CHUNK_SIZE)

    stopping = threading.Event()

    def feed() -> Iterator[Article]:
        for article in chain(head, source):
            ahead.acquire()
            if stopping.is_set():
                return
            pending.append(article)
            yield article

    small = len(head) < PARALLEL_MIN_ARTICLES  # a few articles: no worker start-up
    stream = fingerprinter.learning_pass(feed(), count=len(head) if small else None)
    try:
        for analysed in chunked(stream, batch_size):
            chunk = [pending.popleft() for _ in analysed]
            ahead.release(len(analysed))
            # One atomic check-and-add per batch: no other writer can add an article
            # between its lookups and its add (see ArticleIndex.atomically).
            yield from index.atomically(partial(_check_batch, chunk, analysed, index, threshold, containment_threshold))
    finally:
        # Stopped early (Ctrl-C, kill, an error, a closed generator): the pool's
        # task thread may be waiting in feed() for room that never comes, and
        # Pool.terminate() joins that thread.
        stopping.set()
        ahead.release()


def _check_batch(
    chunk: list[Article], analysed: list[Any], index: ArticleIndex, threshold: float, containment_threshold: float
) -> list[IngestResult]:
    """Statuses of one batch, and the add of its new articles (run inside ``index.atomically``).

    Candidates share a word band or a character band with the article, or
    enough anchors (``is_containment_candidate``), in the index or earlier in
    the batch; each is verified by ``verify_pair``,
    the rule batch dedup applies.
    """
    fps = _strip_learned_lines(chunk, analysed, index)
    indexed = index.candidates_many(fps, threshold=threshold, containment_threshold=containment_threshold)
    stored = index.get({i for ids in indexed for i in ids})
    # Earlier new articles of this batch are candidates too: bucket them as we go
    # (word bands and character bands, as the index does).
    local_buckets: dict[tuple[int, int], list[int]] = {}
    # Compared as the index stores them (quantized: compare/dedup/index/codec.py), so a
    # score is the same whether the other article is stored or earlier in this batch.
    mine = [index.comparable(fp.shingles) for fp in fps]
    my_chars = [index.comparable_chars(fp.chars) if fp.has_chars else None for fp in fps]
    # A batch of one (``ingest -`` with slow input, one lookup) has no earlier article to bucket.
    bucket_keys: list[list[tuple[int, int]]] = [[] for _ in fps]
    anchors: list[list[int]] = [[] for _ in fps]
    if len(fps) > 1:
        keys = index.band_keys(fps)
        char_keys = index.char_band_keys(fps)
        bucket_keys = [
            [(band, key) for band, key in enumerate(keys[p].tolist())]
            + ([(-1 - band, key) for band, key in enumerate(char_keys[p].tolist())] if fp.has_chars else [])
            for p, fp in enumerate(fps)
        ]
        # ... and anchors (containment candidates: a story inside a heavy template).
        anchors = [index_anchors(fp.shingles).tolist() for fp in fps]
    local_anchors: dict[int, list[int]] = {}
    results: list[IngestResult] = []
    new: list[tuple[Fingerprint, Article]] = []
    copies: list[bool] = []
    for position, (fp, article) in enumerate(zip(fps, chunk, strict=True)):
        matches = []
        if not fp.is_empty:
            local = {p for bucket in bucket_keys[position] if bucket[0] >= 0 for p in local_buckets.get(bucket, ())}
            shared = Counter(p for anchor in anchors[position] for p in local_anchors.get(anchor, ()))
            local.update(
                p for p, n in shared.items() if is_containment_candidate(n, len(anchors[position]), len(anchors[p]))
            )
            by_chars = {p for bucket in bucket_keys[position] if bucket[0] < 0 for p in local_buckets.get(bucket, ())} - local
            if by_chars:
                local.update(_agreeing_locally(fps, position, sorted(by_chars)))
            others: list[tuple[str, np.ndarray, np.ndarray | None]] = [(i, stored[i].shingles, stored[i].chars) for i in indexed[position] if i in stored]
            others += [(chunk[p].id, mine[p], my_chars[p]) for p in sorted(local)]
            for other_id, other_shingles, other_chars in others:
                relation, jac, contained, char_jac = verify_pair(
                    mine[position], other_shingles, my_chars[position], other_chars,
                    threshold=threshold, containment_threshold=containment_threshold,
                )
                if relation is not None:
                    matches.append((relation, Match(other_id, jac, contained, char_jac)))
        status: IngestStatus
        if any(r != "contained" for r, _ in matches):
            status = "duplicate"
        elif matches:
            status = "contained"
        else:
            status = "new"
            new.append((fp, article))
            if not fp.is_empty:
                for bucket in bucket_keys[position]:
                    local_buckets.setdefault(bucket, []).append(position)
                for anchor in anchors[position]:
                    local_anchors.setdefault(anchor, []).append(position)
        ranked = sorted((m for _, m in matches), key=lambda m: (-m.jaccard, -m.containment, m.id))
        results.append(IngestResult(article.id, status, tuple(ranked)))
        copies.append(any(r == "duplicate" for r, _ in matches))
    # Chrome is learned from every article of a source except plain copies
    # (Jaccard >= 0.9): a story re-sent three times must not become chrome,
    # but short pieces that only look alike because of their chrome must
    # count, or the chrome would never be learned.
    by_source: dict[str, list[np.ndarray]] = {}
    for (_, source, short, _every), copy in zip(analysed, copies, strict=True):
        if source and not copy and short.size:
            by_source.setdefault(source, []).append(short)
    # An id sent twice in one batch: the later version replaces the earlier,
    # as it would from a later batch. Every backend keeps one entry per id
    # (SQLite refused the whole batch, Redis kept both versions' bands).
    new = list({article.id: (fp, article) for fp, article in new}.values())
    index.add(new, lines={s: np.concatenate(parts) for s, parts in by_source.items()})
    return results


def _agreeing_locally(fps: list[Fingerprint], position: int, others: list[int]) -> list[int]:
    """Of the earlier articles of the batch that only share a character band with ``fps[position]``, those batch dedup would verify.

    Their character signatures must agree in ``CHAR_MIN_AGREEMENT`` of their
    values, and at most ``CHAR_MAX_CANDIDATES`` of them are kept, the best by
    agreement (``compare.dedup.batch.char_candidates``): on text whose words
    share their letters every article of a batch shares character bands with
    every other.
    """
    from compare.dedup.lsh import CHAR_MAX_CANDIDATES, char_agreement, char_agreement_needed

    signatures = np.stack([fps[position].char_signature] + [fps[p].char_signature for p in others])
    pairs = np.stack([np.zeros(len(others), dtype=np.int64), np.arange(1, len(others) + 1)], axis=1)
    agree = char_agreement(signatures, pairs)
    ranked = sorted((-a, p) for a, p in zip(agree.tolist(), others, strict=True) if a >= char_agreement_needed(signatures.shape[1]))
    return [p for _, p in ranked[:CHAR_MAX_CANDIDATES]]


def _strip_learned_lines(chunk: list[Article], analysed: list[Any], index: ArticleIndex) -> list[Fingerprint]:
    """Fingerprints of the batch, redone for articles holding a line the index has learned as chrome.

    Lines count once the articles already stored carry them (3 of one
    source): the batch's own articles count from the next batch on.
    """
    from compare.dedup.fingerprint import fingerprint
    from compare.dedup.fingerprinter import LearnedLines

    fps = [item[0] for item in analysed]
    wanted: dict[str, list[np.ndarray]] = {}
    for _, source, _short, every in analysed:
        if source and every.size:
            wanted.setdefault(source, []).append(every)
    known = index.learned_lines({s: np.concatenate(parts) for s, parts in wanted.items()})
    if not known:
        return fps
    learned = LearnedLines({s: frozenset(k) for s, k in known.items()})
    arrays = {s: np.array(sorted(k), dtype=np.uint64) for s, k in known.items()}
    for i, (article, (_, source, _short, every)) in enumerate(zip(chunk, analysed, strict=True)):
        if source in arrays and np.isin(every, arrays[source], assume_unique=True).any():
            fps[i] = fingerprint(article, settings=index.settings, learned=learned.for_source(source))
    return fps
