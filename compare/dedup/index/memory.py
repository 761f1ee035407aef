"""In-process index: datasketch ``MinHashLSH`` plus a dict of stored articles."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from compare.dedup.index.base import (
    ArticleIndex,
    IndexParameters,
    IndexStats,
    LineCounts,
    StoredArticle,
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

        super().__init__("memory", parameters)
        self._lsh = MinHashLSH(num_perm=self.settings.num_perm, params=(parameters.bands, parameters.rows))
        self._articles: dict[str, StoredArticle] = {}
        self._lines: dict[tuple[str, int], int] = {}

    def _minhash(self, fp: Fingerprint) -> Any:
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.settings.seed, hashvalues=fp.signature, scheme=self.settings.scheme)

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
                self._lsh.remove(article.id)
            self._lsh.insert(article.id, self._minhash(fp), check_duplication=False)
            self._articles[article.id] = StoredArticle(
                article.id, article.title, article.source, article.url, article.published, self.comparable(fp.shingles)
            )
            added.append(article.id)
        return added

    @one_thread_at_a_time
    def learned_lines(self, wanted: LineCounts, min_articles: int = LEARN_MIN_ARTICLES) -> dict[str, set[int]]:
        found = {s: {k for k in keys.tolist() if self._lines.get((s, k), 0) >= min_articles} for s, keys in wanted.items()}
        return {s: k for s, k in found.items() if k}

    def candidates_many(self, fingerprints: Sequence[Fingerprint]) -> list[list[str]]:
        with self._turn:
            return [sorted(self._lsh.query(self._minhash(fp))) for fp in fingerprints]

    @one_thread_at_a_time
    def get(self, ids: Iterable[str]) -> dict[str, StoredArticle]:
        return {i: self._articles[i] for i in ids if i in self._articles}

    def remove(self, article_id: str) -> None:
        if article_id not in self._articles:
            raise IndexStoreError(f"memory: no article with id {article_id!r} in the index")
        with self._turn:
            self._lsh.remove(article_id)
            del self._articles[article_id]

    @one_thread_at_a_time
    def stats(self) -> IndexStats:
        p = self.parameters
        return IndexStats(
            self.backend, self.location, len(self._articles), p.settings, p.candidate_threshold,
            p.bands, p.rows, len(self._articles) * p.bands,
            sum(1 for n in self._lines.values() if n >= LEARN_MIN_ARTICLES),
        )

    def export(self) -> Iterator[dict[str, Any]]:
        for stored in self._articles.values():
            yield stored.metadata()
