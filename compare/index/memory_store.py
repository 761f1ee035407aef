"""In-process index: datasketch ``MinHashLSH`` plus a dict of stored articles."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from compare.errors import IndexStoreError
from compare.index import ArticleIndex, IndexParameters, IndexStats, StoredArticle

if TYPE_CHECKING:
    from compare.articles import Article
    from compare.fingerprint import Fingerprint


class MemoryIndex(ArticleIndex):
    """Lives as long as the process; for tests, notebooks and one-off batches."""

    backend = "memory"

    def __init__(self, parameters: IndexParameters) -> None:
        from datasketch import MinHashLSH

        super().__init__("memory", parameters)
        self._lsh = MinHashLSH(num_perm=self.settings.num_perm, params=(parameters.bands, parameters.rows))
        self._articles: dict[str, StoredArticle] = {}

    def _minhash(self, fp: Fingerprint) -> Any:
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.settings.seed, hashvalues=fp.signature, scheme=self.settings.scheme)

    def add(self, items: Iterable[tuple[Fingerprint, Article]]) -> list[str]:
        batch = list(items)
        added = []
        for fp, article in batch:
            if article.id in self._articles:
                self._lsh.remove(article.id)
            self._lsh.insert(article.id, self._minhash(fp), check_duplication=False)
            self._articles[article.id] = StoredArticle(
                article.id, article.title, article.source, article.url, article.published, fp.shingles, fp.signature
            )
            added.append(article.id)
        return added

    def candidates_many(self, fingerprints: Sequence[Fingerprint]) -> list[list[str]]:
        return [sorted(self._lsh.query(self._minhash(fp))) for fp in fingerprints]

    def get(self, ids: Iterable[str]) -> dict[str, StoredArticle]:
        return {i: self._articles[i] for i in ids if i in self._articles}

    def remove(self, article_id: str) -> None:
        if article_id not in self._articles:
            raise IndexStoreError(f"memory: no article with id {article_id!r} in the index")
        self._lsh.remove(article_id)
        del self._articles[article_id]

    def stats(self) -> IndexStats:
        p = self.parameters
        return IndexStats(
            self.backend, self.location, len(self._articles), p.settings, p.candidate_threshold,
            p.bands, p.rows, len(self._articles) * p.bands,
        )

    def export(self) -> Iterator[dict[str, Any]]:
        for stored in self._articles.values():
            yield stored.metadata()
