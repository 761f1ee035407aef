"""The article index: fingerprints, shingle sets and metadata of everything ingested.

One interface, three backends, chosen by ``open_index(spec)``:

- ``None`` or ``"memory"``: datasketch ``MinHashLSH`` in this process.
- a filesystem path: an SQLite file (the default; persistent, WAL, one
  transaction per batch, LSH band table).
- ``"redis://host:port/db"``: datasketch ``MinHashLSH`` on its Redis storage,
  plus signatures, shingles and metadata in Redis hashes; each batch is one
  MULTI/EXEC transaction, so many workers on many machines share one index.

Every backend stores the fingerprint settings and LSH band parameters it was
built with and refuses to be opened with others (``SettingsMismatchError``):
signatures made with another shingle size or seed would silently never match.
"""

from __future__ import annotations

import functools
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np

from compare.dedup.fingerprint import Fingerprint, FingerprintSettings
from compare.dedup.lsh import ANCHOR_MAX_ARTICLES, anchors_of
from compare.errors import Hint, SettingsMismatchError
from compare.text.chrome import LEARN_MIN_ARTICLES

if TYPE_CHECKING:
    from compare.article import Article

#: Where the CLI keeps its index when neither --index nor the variable is given.
DEFAULT_INDEX_PATH = "article-compare-index.sqlite"
INDEX_ENV = "ARTICLE_COMPARE_INDEX"

#: LSH candidates are generated down to this Jaccard similarity, well below
#: the near-duplicate threshold, so that a short wire story wholly contained
#: in a longer article (Jaccard = short/long length ratio) is still a
#: candidate: with 64 permutations datasketch's optimizer picks 32 bands of 2
#: rows, which finds such a pair with probability 0.98 at a length ratio of
#: 1/3, 0.87 at 1/4, 0.73 at 1/5. On 20,000 generated articles it produced
#: 1,310 candidate pairs against 1,283 at 0.3 (unrelated news does not
#: collide), so the lower threshold costs only band rows (notes/README-dedup.md).
CANDIDATE_THRESHOLD = 0.2
#: Weight of false negatives in datasketch's band optimizer (0.5 = neutral):
#: a missed copy costs more than one extra exact verification.
FALSE_NEGATIVE_WEIGHT = 0.7


_NO_VALUES = np.empty(0, dtype=np.uint32)
_NO_VALUES.flags.writeable = False

#: Containment candidates in an index are batch dedup's anchors (``anchors_of``:
#: the word shingles whose mixed hash is 0 mod ``ANCHOR_MODULUS`` 8, ~77 of a
#: 600-word article, ~19 of a 150-word story). A story inside a heavy template
#: has a Jaccard of ~0.1 with its original, which LSH bands rarely propose;
#: every anchor of a contained text is an anchor of the text holding it. An
#: anchor is stored for at most ``ANCHOR_MAX_ARTICLES`` (64) articles (a stock
#: phrase): later articles are not stored under it, and once it is stored for
#: that many it makes no candidates (batch dedup ignores an anchor carried by
#: more than ``ANCHOR_MAX_ARTICLES`` articles, and the probing article is one
#: more), so its chance hits, which a growing index has more of, are not read.
INDEX_ANCHOR_MAX_ARTICLES = ANCHOR_MAX_ARTICLES
_ANCHOR_SALT = np.uint64(0xCA62C1D6ED9EBA14)
_ANCHOR_MIX = np.uint64(0xBF58476D1CE4E5B9)


def index_anchors(shingles: np.ndarray) -> np.ndarray:
    """The anchors of a sorted shingle set, as batch dedup takes them (``compare.dedup.batch.anchors_of``)."""
    return anchors_of(shingles)


def anchor_keys(anchors: np.ndarray) -> np.ndarray:
    """int64 keys of anchors, salted so that they never share a bucket with band keys."""
    with np.errstate(over="ignore"):
        h = (anchors.astype(np.uint64) ^ _ANCHOR_SALT) * _ANCHOR_MIX
        h ^= h >> np.uint64(31)
    return h.view(np.int64)


def is_containment_candidate(shared: int, mine: int, theirs: int) -> bool:
    """Whether sharing ``shared`` anchors makes a candidate: half the smaller article's, and two (one when it has one)."""
    smaller = min(mine, theirs)
    return smaller > 0 and shared >= min(smaller, 2) and 2 * shared >= smaller


#: source -> uint64 line keys (``int(compare.text.chrome.line_key(line), 16)``).
LineCounts = Mapping[str, np.ndarray]


T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def one_thread_at_a_time(method: F) -> F:
    """Decorator for a backend method: threads sharing one index object take turns (``ArticleIndex._turn``)."""

    @functools.wraps(method)
    def wrapper(self: ArticleIndex, *args: Any, **kwargs: Any) -> Any:
        with self._turn:
            return method(self, *args, **kwargs)

    return cast(F, wrapper)  # functools.wraps keeps the signature F describes


def default_index_spec() -> str:
    """``$ARTICLE_COMPARE_INDEX`` or ./article-compare-index.sqlite."""
    return os.environ.get(INDEX_ENV) or DEFAULT_INDEX_PATH


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """What the index keeps of an article."""

    id: str
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    #: The shingle set as ``codec.comparable`` gives it (what verification compares).
    shingles: np.ndarray
    #: The sampled character shingles as ``ArticleIndex.comparable_chars`` gives them (empty: none stored).
    chars: np.ndarray = field(default_factory=lambda: _NO_VALUES)

    def metadata(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published,
            "shingles": int(self.shingles.size),
        }


@dataclass(frozen=True, slots=True)
class IndexStats:
    """Size and settings of an index."""

    backend: str
    location: str
    articles: int
    settings: FingerprintSettings
    candidate_threshold: float
    bands: int
    rows: int
    #: LSH entries: word bands, character bands and containment anchors.
    band_entries: int
    learned_boilerplate: int = 0
    #: Articles stored with the character signal (each has CHAR_BANDS more band entries).
    char_articles: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "location": self.location,
            "articles": self.articles,
            "settings": self.settings.as_dict(),
            "candidate_threshold": self.candidate_threshold,
            "bands": self.bands,
            "rows": self.rows,
            "band_entries": self.band_entries,
            "learned_boilerplate": self.learned_boilerplate,
            "char_articles": self.char_articles,
        }


@dataclass(frozen=True, slots=True)
class IndexParameters:
    """Everything that must match between an index and the process using it."""

    settings: FingerprintSettings
    candidate_threshold: float
    bands: int
    rows: int

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.settings.as_dict(),
            "candidate_threshold": self.candidate_threshold,
            "bands": self.bands,
            "rows": self.rows,
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> IndexParameters:
        settings = FingerprintSettings(
            shingle_size=int(values["shingle_size"]),
            num_perm=int(values["num_perm"]),
            seed=int(values["seed"]),
            scheme=str(values["scheme"]),
        )
        return cls(settings, float(values["candidate_threshold"]), int(values["bands"]), int(values["rows"]))

    @classmethod
    def build(cls, settings: FingerprintSettings, threshold: float) -> IndexParameters:
        from compare.dedup.lsh import lsh_params

        candidate = round(min(threshold, CANDIDATE_THRESHOLD), 4)
        bands, rows = lsh_params(candidate, settings.num_perm, FALSE_NEGATIVE_WEIGHT)
        return cls(settings, candidate, bands, rows)

    def check_compatible(self, stored: IndexParameters, location: str, *, explicit: bool = True) -> IndexParameters:
        """The stored parameters when they serve this request, else SettingsMismatchError.

        With ``explicit=False`` (the caller asked for no particular settings)
        the index's own fingerprint settings are adopted.
        """
        if explicit and stored.settings != self.settings:
            have = _describe(stored.settings)
            want = _describe(self.settings)
            raise SettingsMismatchError(
                f"{location}: index was built with {have}, not {want}; ",
                Hint("same_settings", stored.settings),
            )
        if stored.candidate_threshold > self.candidate_threshold + 1e-9:
            raise SettingsMismatchError(
                f"{location}: index finds candidates down to Jaccard {stored.candidate_threshold}, "
                f"threshold {self.candidate_threshold} needs lower; ",
                Hint("threshold", stored.candidate_threshold),
            )
        return stored


def _describe(settings: FingerprintSettings) -> str:
    return ", ".join(f"{k}={v}" for k, v in settings.as_dict().items())


class ArticleIndex(ABC):
    """Fingerprints of ingested articles, queried by LSH band.

    Use as a context manager. ``add`` is atomic per call: either every
    article of the call is stored (signature, shingles, metadata, bands) or,
    when it raises, none is.

    Check-and-add is atomic through ``atomically(step)``: the lookups and the
    ``add`` that ``step`` makes form one unit that no other writer (process,
    machine or thread) can interleave with, so concurrent ingests give the
    statuses of some serial order.
    """

    backend: str = ""

    def __init__(self, location: str, parameters: IndexParameters) -> None:
        self.location = location
        self.parameters = parameters
        # Threads sharing this object take turns; other processes are kept
        # out by the backend (SQLite write lock, Redis lock key).
        self._turn = threading.RLock()
        self._depth = 0

    def atomically(self, step: Callable[[], T]) -> T:
        """Run ``step`` (lookups, then ``add``) as one atomic check-and-add; returns its result.

        Every read ``step`` makes sees the index as no other writer can change
        it until ``step``'s writes are committed together at its end. On a
        backend where exclusivity can be lost (a Redis lock whose lease ran
        out), the commit is refused and ``step`` runs again from the start, so
        it must not have side effects other than index calls. Nested calls
        join the outer one.
        """
        with self._turn:
            if self._depth:
                return step()
            self._depth += 1
            try:
                return self._exclusive(step)
            finally:
                self._depth -= 1

    def _exclusive(self, step: Callable[[], T]) -> T:
        """Backend hook: run ``step`` with writers of other processes kept out."""
        return step()

    @property
    def _in_step(self) -> bool:
        return self._depth > 0

    @property
    def settings(self) -> FingerprintSettings:
        return self.parameters.settings

    def __enter__(self) -> ArticleIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def comparable(shingles: np.ndarray) -> np.ndarray:
        """An article's shingles as stored: compare these with ``StoredArticle.shingles``."""
        from compare.dedup.index.codec import comparable

        return comparable(shingles)

    @staticmethod
    def comparable_chars(chars: np.ndarray) -> np.ndarray:
        """An article's sampled character shingles as stored: compare these with ``StoredArticle.chars``."""
        from compare.dedup.index.codec import CHAR_BITS, comparable

        return comparable(chars, CHAR_BITS)

    def band_keys(self, fingerprints: Sequence[Fingerprint]) -> np.ndarray:
        from compare.dedup.lsh import band_keys

        if not fingerprints:
            return np.empty((0, self.parameters.bands), dtype=np.int64)
        return band_keys(np.stack([fp.signature for fp in fingerprints]), self.parameters.bands, self.parameters.rows)

    @staticmethod
    def char_band_keys(fingerprints: Sequence[Fingerprint]) -> np.ndarray:
        """(n, CHAR_BANDS) int64 keys of the character bands (``char_band_keys`` in ``compare.dedup.lsh``)."""
        from compare.dedup.lsh import char_band_keys

        return char_band_keys([fp.char_signature for fp in fingerprints])

    @abstractmethod
    def add(self, items: Iterable[tuple[Fingerprint, Article]], *, lines: LineCounts | None = None) -> list[str]:
        """Store articles with their fingerprints in one atomic step; returns their ids.

        An id already in the index is replaced. ``lines`` (source -> line
        keys, one entry per article carrying the line) are added to the
        per-source line counts in the same step.
        """

    @abstractmethod
    def learned_lines(self, wanted: LineCounts, min_articles: int = LEARN_MIN_ARTICLES) -> dict[str, set[int]]:
        """Of the wanted line keys per source, those stored articles of that source carried at least ``min_articles`` times."""

    def candidates(self, fp: Fingerprint) -> list[str]:
        """Ids of stored articles sharing at least one LSH band with ``fp``."""
        return self.candidates_many([fp])[0]

    @abstractmethod
    def candidates_many(
        self, fingerprints: Sequence[Fingerprint], *, threshold: float | None = None, containment_threshold: float | None = None
    ) -> list[list[str]]:
        """``candidates`` for many fingerprints in one round trip.

        Given both thresholds the caller's verification applies, a backend
        may leave out band hits that verification could not relate at them
        (SQLite: ``sqlite._plausible``), never one it could.
        """

    @abstractmethod
    def get(self, ids: Iterable[str]) -> dict[str, StoredArticle]:
        """Stored articles by id (missing ids are left out)."""

    @abstractmethod
    def remove(self, article_id: str) -> None:
        """Delete one article; IndexStoreError when it is not there."""

    @abstractmethod
    def stats(self) -> IndexStats:
        """Counts and settings."""

    @abstractmethod
    def export(self) -> Iterator[dict[str, Any]]:
        """Metadata of every stored article, in insertion order where the backend keeps it."""

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and bool(self.get([article_id]))

    def close(self) -> None:  # noqa: B027 - backends without resources need nothing
        """Release connections; the index stays usable by other processes."""
