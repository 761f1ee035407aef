"""Redis index: datasketch ``MinHashLSH`` on its Redis storage, shared by many workers.

Keys under the prefix ``P`` (``?prefix=`` in the URL, default "article-compare"):

- ``P:settings``: hash of fingerprint settings and band parameters.
- ``P:lsh_bucket_*`` / ``P:lsh_keys``: datasketch's own Redis layout for
  ``MinHashLSH(storage_config={"type": "redis", "basename": b"P:lsh"})``, so
  ``MinHashLSH.query`` on this prefix answers from what ingest wrote.
- ``P:meta``, ``P:shingles``, ``P:signatures``: hashes id -> JSON metadata,
  uint32 shingle bytes, uint32 signature bytes.

Atomicity: datasketch's insertion session flushes one pipeline per hash
table, so a crash between flushes would leave an article in some bands and
not others. Instead each batch goes through *one* MULTI/EXEC pipeline, into
which datasketch's storage objects write their commands (their ``_insert``
takes the client to write to): a batch is fully visible or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import numpy as np

from compare.errors import IndexStoreError
from compare.index import (
    LEARN_MIN_ARTICLES,
    ArticleIndex,
    IndexParameters,
    IndexStats,
    LineCounts,
    StoredArticle,
)

if TYPE_CHECKING:
    from compare.articles import Article
    from compare.fingerprint import Fingerprint

_UINT32 = np.dtype("<u4")
DEFAULT_PREFIX = "article-compare"


def _connection_params(spec: str) -> tuple[dict[str, Any], str]:
    parts = urlsplit(spec)
    query = parse_qs(parts.query)
    prefix = query.get("prefix", [DEFAULT_PREFIX])[0]
    params: dict[str, Any] = {"socket_connect_timeout": 3.0, "socket_timeout": 30.0}
    if parts.scheme == "unix":
        params["unix_socket_path"] = parts.path
        params["db"] = int(query.get("db", ["0"])[0])
    else:
        params["host"] = parts.hostname or "localhost"
        params["port"] = parts.port or 6379
        path = parts.path.strip("/")
        params["db"] = int(path) if path else 0
        if parts.scheme == "rediss":
            params["ssl"] = True
    if parts.username:
        params["username"] = parts.username
    if parts.password:
        params["password"] = parts.password
    return params, prefix


def _redact(spec: str) -> str:
    parts = urlsplit(spec)
    if parts.password:
        return spec.replace(f":{parts.password}@", ":***@")
    return spec


class RedisIndex(ArticleIndex):
    """The shared index for ingest workers on many machines."""

    backend = "redis"

    def __init__(self, location: str, parameters: IndexParameters, client: Any, params: dict[str, Any], prefix: str) -> None:
        from datasketch import MinHashLSH

        super().__init__(location, parameters)
        self._redis = client
        self._prefix = prefix
        self._meta = f"{prefix}:meta"
        self._shingles = f"{prefix}:shingles"
        self._signatures = f"{prefix}:signatures"
        self._lsh = MinHashLSH(
            num_perm=parameters.settings.num_perm,
            params=(parameters.bands, parameters.rows),
            storage_config={"type": "redis", "basename": f"{prefix}:lsh".encode(), "redis": dict(params)},
            prepickle=False,
        )

    @classmethod
    def open(cls, spec: str, requested: IndexParameters, *, explicit: bool = True, create: bool = True) -> RedisIndex:
        import redis

        where = _redact(spec)
        try:
            params, prefix = _connection_params(spec)
        except ValueError as error:
            raise IndexStoreError(f"{where}: not a Redis URL ({error}); expected redis://host:port/db") from None
        from redis.backoff import ExponentialBackoff
        from redis.retry import Retry

        # redis-py's default retries with up to 10 s backoff: a worker pointed
        # at a dead server should say so within a second, not after eight.
        params["retry"] = Retry(ExponentialBackoff(cap=0.5, base=0.05), 2)
        client = redis.Redis(**params)
        try:
            client.ping()
            if not create and not client.exists(f"{prefix}:settings"):
                raise IndexStoreError(
                    f"{where}: no index there (no key {prefix}:settings); "
                    f"build one with: article-compare ingest PATH... --index {where}"
                )
            parameters = cls._settings(client, f"{prefix}:settings", requested, where, explicit)
        except redis.RedisError as error:
            client.close()
            raise IndexStoreError(f"{where}: cannot reach Redis ({error})") from None
        except BaseException:
            client.close()
            raise
        return cls(where, parameters, client, params, prefix)

    @staticmethod
    def _settings(client: Any, key: str, requested: IndexParameters, where: str, explicit: bool) -> IndexParameters:
        # HSETNX of one field makes creation atomic when two workers start at once.
        client.hsetnx(key, "parameters", json.dumps(requested.as_dict(), sort_keys=True))
        stored = client.hget(key, "parameters")
        try:
            parameters = IndexParameters.from_dict(json.loads(stored))
        except (TypeError, ValueError, KeyError) as error:
            raise IndexStoreError(f"{where}: corrupt settings under {key} ({error})") from None
        return requested.check_compatible(parameters, where, explicit=explicit)

    def _wrap(self, error: Exception, doing: str) -> IndexStoreError:
        return IndexStoreError(f"{self.location}: Redis error while {doing}: {error}")

    def _bands(self, fp: Fingerprint) -> list[bytes]:
        return [self._lsh._H(fp.signature[start:end]) for start, end in self._lsh.hashranges]

    # --- writing ---------------------------------------------------------------

    def _lines_key(self, source: str) -> str:
        return f"{self._prefix}:lines:{source}"

    def add(self, items: Iterable[tuple[Fingerprint, Article]], *, lines: LineCounts | None = None) -> list[str]:
        import redis

        batch = list(items)
        if not batch and not lines:
            return []
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        try:
            keys = [a.id.encode() for _, a in batch]
            old = self._old_bands(keys)
            pipe = self._redis.pipeline(transaction=True)
            for key in keys:
                self._unlink(pipe, key, old.get(key))
            for (fp, article), key in zip(batch, keys, strict=True):
                if not fp.is_empty:
                    bands = self._bands(fp)
                    self._lsh.keys._insert(pipe, key, *bands)
                    for band, table in zip(bands, self._lsh.hashtables, strict=True):
                        table._insert(pipe, band, key)
                metadata = {n: getattr(article, n) for n in ("title", "source", "url", "published")}
                pipe.hset(self._meta, key, json.dumps({**metadata, "added": now}))
                pipe.hset(self._shingles, key, fp.shingles.astype(_UINT32).tobytes())
                pipe.hset(self._signatures, key, fp.signature.astype(_UINT32).tobytes())
            for source, line_keys in (lines or {}).items():
                unique, counts = np.unique(np.asarray(line_keys, dtype=np.uint64), return_counts=True)
                for line, n in zip(unique.tolist(), counts.tolist(), strict=True):
                    pipe.hincrby(self._lines_key(source), str(line), n)
            pipe.execute()
        except redis.RedisError as error:
            raise self._wrap(error, f"adding {len(batch)} articles (none of them was written)") from None
        return [a.id for _, a in batch]

    def _old_bands(self, keys: Sequence[bytes]) -> dict[bytes, list[bytes]]:
        storage = self._lsh.keys
        pipe = self._redis.pipeline(transaction=False)
        for key in keys:
            pipe.lrange(storage.redis_key(key), 0, -1)
        return {key: bands for key, bands in zip(keys, pipe.execute(), strict=True) if bands}

    def _unlink(self, pipe: Any, key: bytes, bands: list[bytes] | None) -> None:
        if bands:
            for band, table in zip(bands, self._lsh.hashtables, strict=True):
                pipe.srem(table.redis_key(band), key)
        pipe.delete(self._lsh.keys.redis_key(key))
        pipe.hdel(self._lsh.keys._name, key)
        pipe.hdel(self._meta, key)
        pipe.hdel(self._shingles, key)
        pipe.hdel(self._signatures, key)

    def remove(self, article_id: str) -> None:
        import redis

        key = article_id.encode()
        try:
            if not self._redis.hexists(self._meta, key):
                raise IndexStoreError(f"{self.location}: no article with id {article_id!r} in the index")
            old = self._old_bands([key])
            pipe = self._redis.pipeline(transaction=True)
            self._unlink(pipe, key, old.get(key))
            pipe.execute()
        except redis.RedisError as error:
            raise self._wrap(error, f"removing {article_id!r}") from None

    # --- reading -------------------------------------------------------------

    def learned_lines(self, wanted: LineCounts, min_articles: int = LEARN_MIN_ARTICLES) -> dict[str, set[int]]:
        import redis

        sources = [(source, np.unique(keys).tolist()) for source, keys in wanted.items() if len(keys)]
        try:
            pipe = self._redis.pipeline(transaction=False)
            for source, keys in sources:
                pipe.hmget(self._lines_key(source), [str(k) for k in keys])
            replies = pipe.execute() if sources else []
        except redis.RedisError as error:
            raise self._wrap(error, "reading learned boilerplate") from None
        found: dict[str, set[int]] = {}
        for (source, keys), counts in zip(sources, replies, strict=True):
            learned = {k for k, n in zip(keys, counts, strict=True) if n is not None and int(n) >= min_articles}
            if learned:
                found[source] = learned
        return found

    def candidates(self, fp: Fingerprint) -> list[str]:
        """One lookup through datasketch's own ``MinHashLSH.query``."""
        import redis
        from datasketch import LeanMinHash

        if fp.is_empty:
            return []
        sketch = LeanMinHash(seed=self.settings.seed, hashvalues=fp.signature, scheme=self.settings.scheme)
        try:
            return sorted(k.decode() for k in self._lsh.query(sketch))
        except redis.RedisError as error:
            raise self._wrap(error, "looking up candidates") from None

    def candidates_many(self, fingerprints: Sequence[Fingerprint]) -> list[list[str]]:
        import redis

        pipe = self._redis.pipeline(transaction=False)
        spans = []
        for fp in fingerprints:
            start = len(pipe.command_stack)
            if not fp.is_empty:
                for band, table in zip(self._bands(fp), self._lsh.hashtables, strict=True):
                    pipe.smembers(table.redis_key(band))
            spans.append((start, len(pipe.command_stack)))
        try:
            replies = pipe.execute() if pipe.command_stack else []
        except redis.RedisError as error:
            raise self._wrap(error, "looking up candidates") from None
        return [sorted({k.decode() for members in replies[s:e] for k in members}) for s, e in spans]

    def get(self, ids: Iterable[str]) -> dict[str, StoredArticle]:
        import redis

        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        keys = [i.encode() for i in wanted]
        try:
            pipe = self._redis.pipeline(transaction=True)
            pipe.hmget(self._meta, keys)
            pipe.hmget(self._shingles, keys)
            pipe.hmget(self._signatures, keys)
            metas, shingles, signatures = pipe.execute()
        except redis.RedisError as error:
            raise self._wrap(error, "reading articles") from None
        result = {}
        for article_id, meta, shingle_bytes, signature in zip(wanted, metas, shingles, signatures, strict=True):
            if meta is None or shingle_bytes is None or signature is None:
                continue
            m = json.loads(meta)
            result[article_id] = StoredArticle(
                article_id, m.get("title"), m.get("source"), m.get("url"), m.get("published"),
                np.frombuffer(shingle_bytes, dtype=_UINT32).astype(np.uint32),
                np.frombuffer(signature, dtype=_UINT32).astype(np.uint32),
            )
        return result

    def stats(self) -> IndexStats:
        import redis

        p = self.parameters
        try:
            articles = self._redis.hlen(self._meta)
            indexed = self._redis.hlen(self._lsh.keys._name)
            learned = sum(
                sum(1 for count in self._redis.hvals(key) if int(count) >= LEARN_MIN_ARTICLES)
                for key in self._redis.scan_iter(match=_glob_escape(self._prefix) + ":lines:*", count=1000)
            )
        except redis.RedisError as error:
            raise self._wrap(error, "counting") from None
        return IndexStats(
            self.backend, self.location, articles, p.settings, p.candidate_threshold, p.bands, p.rows,
            indexed * p.bands, learned,
        )

    def export(self) -> Iterator[dict[str, Any]]:
        import redis

        try:
            for key, meta in self._redis.hscan_iter(self._meta):
                m = json.loads(meta)
                shingles = self._redis.hstrlen(self._shingles, key) // 4
                yield {"id": key.decode(), **{n: m.get(n) for n in ("title", "source", "url", "published", "added")}, "shingles": shingles}
        except redis.RedisError as error:
            raise self._wrap(error, "exporting") from None

    def check(self) -> list[str]:
        """Consistency problems (empty when sound)."""
        problems = []
        meta_ids = set(self._redis.hkeys(self._meta))
        for name in (self._shingles, self._signatures):
            if set(self._redis.hkeys(name)) != meta_ids:
                problems.append(f"{name} does not hold the same ids as {self._meta}")
        indexed = set(self._lsh.keys.keys())
        if not indexed <= meta_ids:
            problems.append(f"{len(indexed - meta_ids)} LSH keys have no metadata")
        for key in indexed:
            bands = self._lsh.keys.get(key)
            if len(bands) != self.parameters.bands:
                problems.append(f"article {key.decode()!r} has {len(bands)} of {self.parameters.bands} bands")
        return problems

    def close(self) -> None:
        storages = [self._lsh.keys, *self._lsh.hashtables]
        for storage in storages:
            storage._redis.close()
            storage._buffer.reset()
        self._redis.close()


def _glob_escape(text: str) -> str:
    """``text`` as a literal in a Redis SCAN MATCH pattern (a prefix may hold ``*`` or ``[``)."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)
