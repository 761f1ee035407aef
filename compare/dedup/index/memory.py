"""In-process index: datasketch ``MinHashLSH`` plus a dict of stored articles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from compare.dedup.index.base import (
    INDEX_ANCHOR_MAX_ARTICLES,
    ArticleIndex,
    IndexParameters,
    IndexStats,
    LineCounts,
    StoredArticle,
    index_anchors,
    is_containment_candidate,
    one_thread_at_a_time,
)
from compare.errors import IndexStoreError
from compare.text.chrome import LEARN_MIN_ARTICLES

if TYPE_CHECKING:
    from compare.article import Article
    from compare.dedup.fingerprint import Fingerprint


class MemoryIndex(ArticleIndex):
    """Lives as long as the process; for tests, notebooks and one-off batches."""

    backend = "memory"

    def __init__(self, parameters: IndexParameters) -> None:
        from datasketch import MinHashLSH

        from compare.dedup.fingerprint import CHAR_NUM_PERM
        from compare.dedup.lsh import CHAR_BANDS, CHAR_ROWS

        super().__init__("memory", parameters)
        self._lsh = MinHashLSH(num_perm=self.settings.num_perm, params=(parameters.bands, parameters.rows))
        # The character bands: articles with the character signal only.
        self._char_lsh = MinHashLSH(num_perm=CHAR_NUM_PERM, params=(CHAR_BANDS, CHAR_ROWS))
        self._articles: dict[str, StoredArticle] = {}
        # Containment anchors: anchor hash -> ids (at most INDEX_ANCHOR_MAX_ARTICLES), id -> (stored anchors, count).
        self._anchor_ids: dict[int, list[str]] = {}
        self._anchors: dict[str, tuple[list[int], int]] = {}
        self._lines: dict[tuple[str, int], int] = {}

    def _minhash(self, fp: Fingerprint) -> Any:
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.settings.seed, hashvalues=fp.signature, scheme=self.settings.scheme)

    def _char_minhash(self, fp: Fingerprint) -> Any:
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.settings.seed, hashvalues=fp.char_signature, scheme=self.settings.scheme)

    def add(self, items: Iterable[tuple[Fingerprint, Article]], *, lines: LineCounts | None = None) -> list[str]:
        batch = list(items)
        return self.atomically(lambda: self._add(batch, lines))

    def _add(self, batch: list[tuple[Fingerprint, Article]], lines: LineCounts | None) -> list[str]:
        for source, keys in (lines or {}).items():
            for key in keys.tolist():
                self._lines[source, key] = self._lines.get((source, key), 0) + 1
        added = []
        for fp, article in batch:
            if article.id in self._articles:
                self._unlink(article.id)
            self._lsh.insert(article.id, self._minhash(fp), check_duplication=False)
            chars = self.comparable_chars(fp.chars) if fp.has_chars else None
            if chars is not None:
                self._char_lsh.insert(article.id, self._char_minhash(fp), check_duplication=False)
            stored = StoredArticle(
                article.id, article.title, article.source, article.url, article.published, self.comparable(fp.shingles)
            )
            self._articles[article.id] = stored if chars is None else replace(stored, chars=chars)
            anchors = index_anchors(fp.shingles).tolist()
            kept = [a for a in anchors if len(self._anchor_ids.get(a, ())) < INDEX_ANCHOR_MAX_ARTICLES]
            for anchor in kept:
                self._anchor_ids.setdefault(anchor, []).append(article.id)
            self._anchors[article.id] = (kept, len(anchors))
            added.append(article.id)
        return added

    @one_thread_at_a_time
    def learned_lines(self, wanted: LineCounts, min_articles: int = LEARN_MIN_ARTICLES) -> dict[str, set[int]]:
        found = {s: {k for k in keys.tolist() if self._lines.get((s, k), 0) >= min_articles} for s, keys in wanted.items()}
        return {s: k for s, k in found.items() if k}

    def candidates_many(
        self, fingerprints: Sequence[Fingerprint], *, threshold: float | None = None, containment_threshold: float | None = None
    ) -> list[list[str]]:
        with self._turn:
            return [self._candidates(fp) for fp in fingerprints]

    def _candidates(self, fp: Fingerprint) -> list[str]:
        if fp.is_empty:
            return []
        found = set(self._lsh.query(self._minhash(fp)))
        if fp.has_chars:
            found.update(self._char_lsh.query(self._char_minhash(fp)))
        anchors = index_anchors(fp.shingles).tolist()
        # An anchor stored for INDEX_ANCHOR_MAX_ARTICLES articles is a stock phrase: no one's candidate (as in SQLite and batch dedup).
        shared = Counter(
            i for anchor in anchors for i in self._anchor_ids.get(anchor, ()) if len(self._anchor_ids[anchor]) < INDEX_ANCHOR_MAX_ARTICLES
        )
        found.update(i for i, n in shared.items() if is_containment_candidate(n, len(anchors), self._anchors[i][1]))
        return sorted(found)

    @one_thread_at_a_time
    def get(self, ids: Iterable[str]) -> dict[str, StoredArticle]:
        return {i: self._articles[i] for i in ids if i in self._articles}

    def remove(self, article_id: str) -> None:
        if article_id not in self._articles:
            raise IndexStoreError(f"memory: no article with id {article_id!r} in the index")
        with self._turn:
            self._unlink(article_id)
            del self._articles[article_id]

    def _unlink(self, article_id: str) -> None:
        self._lsh.remove(article_id)
        if article_id in self._char_lsh:
            self._char_lsh.remove(article_id)
        for anchor in self._anchors.pop(article_id, ([], 0))[0]:
            self._anchor_ids[anchor].remove(article_id)

    @one_thread_at_a_time
    def stats(self) -> IndexStats:
        p = self.parameters
        from compare.dedup.lsh import CHAR_BANDS

        with_chars = sum(1 for stored in self._articles.values() if stored.chars.size)
        return IndexStats(
            self.backend, self.location, len(self._articles), p.settings, p.candidate_threshold,
            p.bands, p.rows,
            len(self._articles) * p.bands + with_chars * CHAR_BANDS + sum(len(kept) for kept, _ in self._anchors.values()),
            sum(1 for n in self._lines.values() if n >= LEARN_MIN_ARTICLES), with_chars,
        )

    def export(self) -> Iterator[dict[str, Any]]:
        for stored in self._articles.values():
            yield stored.metadata()
