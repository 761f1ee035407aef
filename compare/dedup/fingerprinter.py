"""Fingerprinting many articles in worker processes, learning boilerplate on the way.

Batch dedup needs chrome learned from the whole batch (lines seen in >= 3
articles of one source) before it can fingerprint any article exactly. Doing
that in two full passes tokenizes every article twice. Instead:

1. *Learning pass*: every article is fingerprinted with known chrome removed,
   and from the same tokens the keys of its lines are collected. Keys travel
   back as 64-bit integers in numpy arrays and are counted with ``np.unique``
   (``LineCounter``): a Counter of 100,000 articles x 20 lines of hex
   strings would take 200 MB.
2. *Second look*: only the articles holding a line now learned for their
   source are fingerprinted again, with that line stripped.

Tokenization dominates, so on two cores two workers roughly halve the wall
time while the parent reads and parses the input. Workers come from a
forkserver, so they do not inherit a parent that holds a large batch.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import signal
import threading
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from compare.dedup.fingerprint import (
    DEFAULT_SETTINGS,
    Fingerprint,
    FingerprintSettings,
    fingerprint_many,
)
from compare.dedup.lsh import anchors_of
from compare.errors import Hint, InputError, WorkerDiedError
from compare.parallel import chunked, ignore_interrupts, main_script_hidden, worker_context
from compare.text.chrome import LEARN_MIN_ARTICLES, BoilerplateLearner, RemovedBlock

if TYPE_CHECKING:
    from compare.article import Article

#: Below this many articles one process is faster than starting workers.
PARALLEL_MIN_ARTICLES = 400
CHUNK_SIZE = 64  # articles per task sent to a worker
_CHUNK = CHUNK_SIZE
T = TypeVar("T")
_POOL_STOP_SECONDS = 10.0
#: How often a wait for a worker's result looks whether a worker died.
_WORKER_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class LearnedLines:
    """Lines learned as boilerplate, per source (implements ``LearnedBoilerplate``).

    Attributes:
        keys: source -> integer line keys (``int(line_key(line), 16)``).
        texts: not kept; reports show the removed block's own text.
    """

    keys: Mapping[str, frozenset[int]] = field(default_factory=dict)

    def is_boilerplate(self, source: str | None, key: str) -> bool:
        if not source:
            return False
        learned = self.keys.get(source)
        return learned is not None and int(key, 16) in learned

    def for_source(self, source: str | None) -> LearnedLines | None:
        """Itself when the source has learned lines, else None (saves hashing every line)."""
        return self if source and self.keys.get(source) else None

    def counts(self) -> dict[str, int]:
        return {source: len(keys) for source, keys in self.keys.items()}

    @classmethod
    def of(cls, learner: BoilerplateLearner) -> LearnedLines:
        r"""The lines a ``BoilerplateLearner`` has learned, as integer keys (what workers are sent).

        >>> from compare import Article
        >>> learner = BoilerplateLearner()
        >>> learner.observe_all([Article(id=str(n), text=f"Story {n}.\nRead more at Wire", source="Wire") for n in range(3)])
        >>> LearnedLines.of(learner).counts()
        {'Wire': 1}
        """
        return cls(
            {
                source: frozenset(int(key, 16) for key, seen in counter.items() if seen >= learner.min_articles)
                for source, counter in learner.counts.items()
            }
        )


class LineCounter:
    """Counts line keys per source, once per article, in numpy arrays."""

    def __init__(self) -> None:
        self._parts: dict[str, list[np.ndarray]] = defaultdict(list)

    def add(self, source: str | None, keys: np.ndarray) -> None:
        if source and keys.size:
            self._parts[source].append(keys)

    def add_counts(self, source: str, keys: Iterable[int], counts: Iterable[int]) -> None:
        """Counts carried over from elsewhere (an index), as repeated keys."""
        repeated = np.repeat(
            np.fromiter(keys, dtype=np.uint64), np.fromiter(counts, dtype=np.int64)
        )
        if repeated.size:
            self._parts[source].append(repeated)

    def totals(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """source -> (unique keys, article counts)."""
        result = {}
        for source, parts in self._parts.items():
            keys, counts = np.unique(np.concatenate(parts), return_counts=True)
            self._parts[source] = [np.repeat(keys, counts)] if len(parts) > 1 else parts
            result[source] = (keys, counts)
        return result

    def learned(self, min_articles: int = LEARN_MIN_ARTICLES) -> LearnedLines:
        return LearnedLines(
            {
                source: frozenset(keys[counts >= min_articles].tolist())
                for source, (keys, counts) in self.totals().items()
            }
        )


# --- worker processes ------------------------------------------------------------


def _fingerprint_job(
    task: tuple[FingerprintSettings, LearnedLines | None, Sequence[Article]],
) -> PackedFingerprints:
    # The learned lines travel with each chunk (a few kB): one pool serves
    # the whole run without restarting.
    settings, learned, articles = task
    return _pack(fingerprint_many(articles, settings=settings, learned=learned))


#: A chunk's fingerprints as a few arrays (``_pack``): ids, removed blocks, then
#: (sizes, values) of shingles, signatures, character samples and character signatures.
PackedFingerprints = tuple[list[str], list[tuple[RemovedBlock, ...]], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _joined(arrays: Sequence[np.ndarray], dtype: type[np.generic]) -> tuple[np.ndarray, np.ndarray]:
    sizes = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
    return sizes, np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.empty(0, dtype=dtype)


def _split(sizes: np.ndarray, values: np.ndarray) -> list[np.ndarray]:
    # Slices (views, as np.split gives), without np.split's per-piece swapaxes calls:
    # 4 of a chunk's 7 fields for every article crossed the parent's busiest loop.
    ends = np.cumsum(sizes).tolist()
    return [values[start:end] for start, end in zip([0, *ends], ends)]  # noqa: B905 (one start more than ends)


def _pack(fingerprints: Sequence[Fingerprint]) -> PackedFingerprints:
    """Fingerprints as one array per field: a worker's results cross the pipe in a
    few buffers, not seven pickled arrays per article (which cost 37 us of CPU per
    article to pickle and unpickle)."""
    shingle_sizes, shingles = _joined([fp.shingles for fp in fingerprints], np.uint32)
    signature_sizes, signatures = _joined([fp.signature for fp in fingerprints], np.uint32)
    char_sizes, chars = _joined([fp.chars for fp in fingerprints], np.uint32)
    char_signature_sizes, char_signatures = _joined([fp.char_signature for fp in fingerprints], np.uint32)
    return (
        [fp.article_id for fp in fingerprints],
        [fp.removed for fp in fingerprints],
        shingle_sizes, shingles, signature_sizes, signatures, char_sizes, chars, char_signature_sizes, char_signatures,
    )


def _unpack(packed: PackedFingerprints) -> list[Fingerprint]:
    """The fingerprints of ``_pack``; their arrays are views of the chunk's arrays."""
    ids, removed, *fields = packed
    shingles, signatures, chars, char_signatures = (_split(fields[k], fields[k + 1]) for k in range(0, 8, 2))
    return [
        Fingerprint(i, s, g, r, c, cg)
        for i, r, s, g, c, cg in zip(ids, removed, shingles, signatures, chars, char_signatures, strict=True)
    ]


LearningPass = tuple[Fingerprint, "str | None", np.ndarray, np.ndarray]


def learning_record(article: Article, settings: FingerprintSettings) -> LearningPass:
    """Fingerprint (known chrome only) plus the line keys to learn chrome from, in one tokenization.

    Returns the fingerprint, the article's source, the unique keys of its
    short lines (what ``BoilerplateLearner`` counts) and of all its lines
    (to tell whether a learned line occurs in it at all). The per-article
    step of the learning pass, shared by the worker processes here and the
    Spark engine's executors (``compare.spark``), so both engines learn alike.
    """
    return learning_records([article], settings)[0]


def learning_records(articles: Sequence[Article], settings: FingerprintSettings) -> list[LearningPass]:
    """``learning_record`` of many articles, fingerprinted together (``fingerprint_many``)."""
    keys: list[list[tuple[int, bool]]] = [[] for _ in articles]
    fps = fingerprint_many(articles, settings=settings, line_keys=keys)
    records: list[LearningPass] = []
    for article, fp, article_keys in zip(articles, fps, keys, strict=True):
        if not article.source:
            records.append((fp, article.source, _NO_KEYS, _NO_KEYS))
            continue
        every_set = {k for k, _ in article_keys}
        short_keys = every_set if all(s for _, s in article_keys) else {k for k, s in article_keys if s}
        # numpy arrays, not sets: 100,000 sets of a dozen ints take 120 MB.
        short = np.array(sorted(short_keys), dtype=np.uint64)
        every = np.array(sorted(every_set), dtype=np.uint64)
        records.append((fp, article.source, short, every))
    return records


_NO_KEYS = np.empty(0, dtype=np.uint64)


def _learning_pass_job(
    task: tuple[FingerprintSettings, Sequence[Article]],
) -> tuple[PackedFingerprints, list[str | None], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``learning_record`` of each article of a chunk, hashed together, packed (see ``_pack``)."""
    settings, articles = task
    return _packed_records(learning_records(articles, settings))


def _packed_records(
    records: list[LearningPass],
) -> tuple[PackedFingerprints, list[str | None], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return (
        _pack([fp for fp, _, _, _ in records]),
        [source for _, source, _, _ in records],
        *_joined([short for _, _, short, _ in records], np.uint64),
        *_joined([every for _, _, _, every in records], np.uint64),
    )


def _learning_records_of(
    packed: tuple[PackedFingerprints, list[str | None], np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> list[LearningPass]:
    fingerprints, sources, short_sizes, short, every_sizes, every = packed
    return list(zip(_unpack(fingerprints), sources, _split(short_sizes, short), _split(every_sizes, every), strict=True))


#: A JSON line for a worker: (path number, where, line number, the line or the error met reading it).
RawLine = tuple[int, str, int, "str | InputError"]


def _learning_lines_job(
    task: tuple[FingerprintSettings, list[RawLine]],
) -> tuple[
    tuple[PackedFingerprints, list[str | None], np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    list[tuple[int, int]],
    list[tuple[int, InputError]],
    np.ndarray,
    np.ndarray,
]:
    """``_learning_pass_job`` of JSON lines parsed here, in the worker: the parent only reads and decodes them.

    Each line becomes its article as ``iter_articles`` makes it
    (``article_from_json_line``; a page without article text is refused as
    ``_guarded`` refuses it). Returns the packed learning records, the (path
    number, line number) of each article, the errors by their place in the
    chunk, for the parent to report in input order, and (sizes, values) of
    the articles' containment anchors (``anchors_of``), which the parent
    would otherwise compute alone.
    """
    from compare.load.articles import article_from_json_line
    from compare.text.page import missing_article_text

    settings, lines = task
    articles: list[Article] = []
    found: list[tuple[int, int]] = []
    errors: list[tuple[int, InputError]] = []
    for place, (path, where, number, line) in enumerate(lines):
        if isinstance(line, InputError):
            errors.append((place, line))
            continue
        try:
            article = article_from_json_line(line, where, number)
        except InputError as error:
            errors.append((place, error))
            continue
        problem = missing_article_text(article.text)
        if problem is not None:
            errors.append((place, InputError(article.id, problem)))
            continue
        articles.append(article)
        found.append((path, number))
    records = learning_records(articles, settings)
    anchor_sizes, anchor_values = _joined([anchors_of(fp.shingles) for fp, _, _, _ in records], np.uint32)
    return _packed_records(records), found, errors, anchor_sizes, anchor_values


def default_workers() -> int:
    """One worker per available core (at most 8)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _abandon(pool: multiprocessing.pool.Pool) -> None:
    """Kill a pool's workers without ``Pool.terminate()``.

    With tasks in flight, terminate() joins the pool's task thread, which can be
    blocked for good sending a task no worker will read (CPython's
    _help_stuff_finish race): after Ctrl-C, dedup then took 10 s to stop (the
    bounded wait in ``close``), and the pool's own exit-time terminate could block
    the interpreter's exit. Here the worker handler is told to stop first (or it
    would start new workers), the workers are killed and reaped, and the pool's
    exit-time finalizer is cancelled; its threads are daemons and end with the process.
    """
    from multiprocessing.pool import TERMINATE

    # Private attributes of multiprocessing.pool.Pool (CPython 3.11-3.13), read defensively.
    handler = getattr(pool, "_worker_handler", None)
    if handler is not None:
        handler._state = TERMINATE
    vars(pool)["_state"] = TERMINATE  # no "unclosed running pool" warning when it is collected
    _kill_workers(pool)
    if handler is not None:
        # It may have been starting a worker when told to stop: wait for it, then kill that one too.
        handler.join(timeout=_POOL_STOP_SECONDS)
        _kill_workers(pool)
    finalizer = getattr(pool, "_terminate", None)
    if finalizer is not None and hasattr(finalizer, "cancel"):
        finalizer.cancel()


def _kill_workers(pool: multiprocessing.pool.Pool) -> None:
    workers = list(getattr(pool, "_pool", ()))
    for worker in workers:
        if worker.exitcode is None:
            worker.kill()
    for worker in workers:
        worker.join(timeout=_POOL_STOP_SECONDS)


class _WorkerPool(multiprocessing.pool.Pool):
    """``multiprocessing.Pool`` whose worker-handler thread sleeps until a worker exits or the pool changes.

    CPython's handler (3.8 and later) also wakes whenever the result pipe is
    readable, and it stays readable until the result thread has read the
    whole result: while a chunk's results cross the pipe the handler spins,
    ~30,000 wake-ups for 20,000 articles of dedup, a quarter of the parent
    process's CPU, taken from the parent's own work (each wake-up holds the
    GIL). The handler needs none of them: it restarts exited workers (their
    sentinels wake it) and stops when the pool closes or its tasks are done
    (the change notifier wakes it). Tasks, results and their order are untouched.
    """

    def _get_sentinels(self) -> list[Any]:
        return [self._change_notifier._reader]  # type: ignore[attr-defined]


def _died(exitcode: int) -> str:
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


def _watched(workers: list[Any], results: Any) -> Iterator[Any]:
    """An ``imap``'s results, or ``WorkerDiedError`` once one of the workers died.

    A worker of this pool ends only when it is killed (no ``maxtasksperchild``).
    The task it held is then lost: CPython's pool neither sends it again nor
    fails, and the wait for its result never ended (the out-of-memory killer's
    SIGKILL made ``dedup`` hang for good). Whether it held one cannot be known
    (workers take tasks from a shared queue), so any death is an error, looked
    for at each result and each second of waiting. ``workers`` are the pool's
    first workers: a replacement exists only once one of them died.
    """
    while True:
        try:
            result = results.next(timeout=_WORKER_CHECK_SECONDS)
        except StopIteration:
            return
        except multiprocessing.TimeoutError:
            result = _NOTHING_YET
        for worker in workers:
            if worker.exitcode is not None:
                raise WorkerDiedError(
                    f"a fingerprinting worker process died ({_died(worker.exitcode)}; the out-of-memory killer sends SIGKILL);"
                    " the articles it held were not done: ", Hint("fewer_workers"),
                )
        if result is not _NOTHING_YET:
            yield result


_NOTHING_YET = object()


class Fingerprinter:
    """Fingerprints batches of articles, in worker processes when it pays.

    The worker pool is started on first need and kept until ``close()`` (or
    the end of a ``with`` block), so a stream of batches pays start-up once.

    Args:
        settings: fingerprint settings.
        workers: worker processes; None = one per core, 0 or 1 = in this process.
    """

    def __init__(
        self, settings: FingerprintSettings = DEFAULT_SETTINGS, *, workers: int | None = None
    ) -> None:
        if workers is not None and workers < 0:
            raise ValueError("workers must be >= 0 (0 or 1 = no worker processes)")
        self.settings = settings
        self.workers = default_workers() if workers is None else workers
        self._pool: multiprocessing.pool.Pool | None = None
        self._first_workers: list[Any] = []

    def __enter__(self) -> Fingerprinter:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(abandon=exc_type is not None)

    def close(self, *, abandon: bool = False) -> None:
        """Stop the workers. ``abandon`` (an error or Ctrl-C with tasks in flight): kill them
        and leave the pool's threads, never waiting on them."""
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        if abandon:
            _abandon(pool)
            return
        # Pool.terminate() kills the workers, then joins its task thread, which
        # can be stuck for good halfway through sending a task no worker will
        # read (it drains the task pipe only while it has data: CPython's
        # _help_stuff_finish race, met on Ctrl-C during dedup). Give it bounded
        # time in a daemon thread: the workers are gone either way.
        stopper = threading.Thread(target=pool.terminate, name="stop fingerprint pool", daemon=True)
        stopper.start()
        stopper.join(timeout=_POOL_STOP_SECONDS)
        if not stopper.is_alive():
            pool.join()

    def _get_pool(self) -> multiprocessing.pool.Pool:
        if self._pool is None:
            with main_script_hidden():
                context = worker_context(["compare.dedup.fingerprinter"])
                self._pool = _WorkerPool(self.workers, initializer=ignore_interrupts, context=context)
                self._first_workers = list(getattr(self._pool, "_pool", ()))
        return self._pool

    def _imap(self, job: Callable[[Any], T], tasks: Iterable[Any]) -> Iterator[T]:
        """``Pool.imap`` in order, failing with ``WorkerDiedError`` instead of waiting for good on a killed worker."""
        pool = self._get_pool()
        return _watched(self._first_workers, pool.imap(job, tasks))

    def _parallel(self, count: int | None) -> bool:
        return self.workers > 1 and (count is None or count >= PARALLEL_MIN_ARTICLES)

    def learning_pass(
        self,
        articles: Iterable[Article],
        *,
        count: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[LearningPass]:
        """``_learning_pass_job`` over the articles, in order."""
        if not self._parallel(count):
            for chunk in chunked(articles, _CHUNK):
                yield from learning_records(chunk, self.settings)
                if progress:
                    progress(len(chunk))
            return
        tasks = ((self.settings, chunk) for chunk in chunked(articles, _CHUNK))
        for packed in self._imap(_learning_pass_job, tasks):
            results = _learning_records_of(packed)
            yield from results
            if progress:
                progress(len(results))

    def learning_pass_lines(
        self,
        lines: Iterable[RawLine],
        *,
        on_error: Callable[[InputError], None] | None,
        found: list[tuple[int, int]],
        anchors: list[np.ndarray],
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[LearningPass]:
        """``learning_pass`` of the articles of JSON lines (``ArticleFiles.jsonl_lines``), parsed in the workers.

        Errors go to ``on_error`` (raised without it) in input order; the
        (path number, line number) of every article is appended to ``found``,
        its anchors (``anchors_of``) to ``anchors``.
        """
        tasks = ((self.settings, chunk) for chunk in chunked(lines, _CHUNK))
        for packed, where, errors, anchor_sizes, anchor_values in self._imap(_learning_lines_job, tasks):
            for _, error in errors:
                if on_error is None:
                    raise error
                on_error(error)
            results = _learning_records_of(packed)
            found.extend(where)
            anchors.extend(_split(anchor_sizes, anchor_values))
            yield from results
            if progress and results:
                progress(len(results))

    def fingerprints(
        self,
        articles: Iterable[Article],
        *,
        learned: LearnedLines | None = None,
        count: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[Fingerprint]:
        """Fingerprints in input order; ``progress(n)`` after each chunk of n.

        ``count`` (when known) lets a small batch skip the worker processes.
        """
        if not self._parallel(count):
            for chunk in chunked(articles, _CHUNK):
                yield from fingerprint_many(chunk, settings=self.settings, learned=learned)
                if progress:
                    progress(len(chunk))
            return
        tasks = ((self.settings, learned, chunk) for chunk in chunked(articles, _CHUNK))
        for packed in self._imap(_fingerprint_job, tasks):
            fingerprints = _unpack(packed)
            yield from fingerprints
            if progress:
                progress(len(fingerprints))


class ArticleFiles:
    """The articles behind paths, read again on every iteration.

    Lets batch dedup make two passes (learn chrome, then fingerprint) without
    holding every text in memory. Input errors go to ``on_error`` during the
    first pass only, so each is reported once. Standard input ("-") cannot
    be read twice: give a list of articles instead.
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        max_article_bytes: int,
        on_error: Callable[[Any], None] | None = None,
    ) -> None:
        if any(str(p) == "-" for p in paths):
            raise ValueError("standard input cannot be read twice; load it into a list instead")
        self.paths = list(paths)
        self.max_article_bytes = max_article_bytes
        self.on_error = on_error
        self._passes = 0
        self._lines: list[tuple[int, int]] | None = None  # where each article of a whole first pass was

    def __iter__(self) -> Iterator[Article]:
        from compare.load.articles import iter_articles

        if self._passes == 0:
            self._passes = 1
            return self._first_pass()
        self._passes += 1
        return iter_articles(self.paths, max_article_bytes=self.max_article_bytes, on_error=_ignore_error)

    def _first_pass(self) -> Iterator[Article]:
        from compare.load.articles import iter_articles

        lines: list[tuple[int, int]] = []
        yield from iter_articles(self.paths, max_article_bytes=self.max_article_bytes, on_error=self.on_error, lines=lines)
        self._lines = lines

    def jsonl_lines(self) -> Generator[RawLine, None, None] | None:
        """The first pass as JSON lines to parse elsewhere (``learning_pass_lines``), or None unless every path is a JSON-lines file.

        The caller reports the errors, keeps where each article was
        (``found``) and hands that over with ``first_pass_done``.
        """
        from compare.load.articles import JSONL_SUFFIXES, printable_path

        if self._passes or not self.paths:
            return None
        for raw in self.paths:
            path = Path(str(raw))
            if printable_path(str(raw)) == "-" or path.suffix.lower() not in JSONL_SUFFIXES or not path.is_file():
                return None
        return self._jsonl_lines()

    def _jsonl_lines(self) -> Generator[RawLine, None, None]:
        from compare.load.articles import jsonl_lines, printable_path

        for number, raw in enumerate(self.paths):
            given = printable_path(str(raw))
            try:
                with Path(str(raw)).open("rb") as stream:
                    for line_number, line in jsonl_lines(stream, given, self.max_article_bytes):
                        yield number, given, line_number, line
            except OSError as error:
                yield number, given, 0, InputError(given, f"cannot read: {error.strerror or error}")

    def first_pass_done(self, found: list[tuple[int, int]]) -> None:
        """A first pass made of ``jsonl_lines``: later iterations are second passes, ``select`` finds ``found``."""
        self._passes = max(self._passes, 1)
        self._lines = found

    def select(self, ordinals: Iterable[int]) -> Iterator[Article]:
        """The articles at these positions of the first pass, in order, read again.

        Articles that came from JSON-lines files are read from their own lines
        (``jsonl_articles_at``: a second look at 1 % of 100,000 articles
        parsed all of them again, serially in the parent); otherwise, or
        before a whole first pass, everything is read again.
        """
        from compare.load.articles import jsonl_articles_at

        wanted = sorted(set(ordinals))
        lines = self._lines
        if lines is None or any(lines[i][1] == 0 for i in wanted):
            chosen = set(wanted)
            return (article for i, article in enumerate(self) if i in chosen)
        by_path: dict[int, list[int]] = defaultdict(list)
        for i in wanted:
            by_path[lines[i][0]].append(lines[i][1])
        return chain.from_iterable(
            jsonl_articles_at(self.paths[path], numbers, max_article_bytes=self.max_article_bytes)
            for path, numbers in sorted(by_path.items())
        )


def _ignore_error(error: object) -> None:
    """Errors of a second pass were reported in the first."""
