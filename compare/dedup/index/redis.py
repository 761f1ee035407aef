"""Redis index: datasketch ``MinHashLSH`` on its Redis storage, shared by many workers.

Keys under the prefix ``P`` (``?prefix=`` in the URL, default
"article-compare"; ``%`` and ``:`` in it are written ``%25`` and ``%3A``, so
that no key of one prefix can be a key of another: every key is ``P:`` and a
rest, and ``P`` holds no colon):

- ``P:settings``: hash of fingerprint settings, band parameters and format.
- ``P:lsh_bucket_*`` / ``P:lsh_keys*``: datasketch's own Redis layout for
  ``MinHashLSH(storage_config={"type": "redis", "basename": b"P:lsh"})``, so
  ``MinHashLSH.query`` on this prefix answers from what ingest wrote.
- ``P:charlsh_bucket_*`` / ``P:charlsh_keys*``: the same layout for the
  character bands (``CHAR_BANDS`` x ``CHAR_ROWS`` of the 128-value character
  signature), articles with the character signal only.
- ``P:anchor:HEX``: set of the ids stored under one containment anchor (at
  most ``INDEX_ANCHOR_MAX_ARTICLES``); ``P:anchors``: hash id -> its anchor
  count and the anchors it is stored under (uint32 each).
- ``P:meta``, ``P:shingles``, ``P:chars``: hashes id -> JSON metadata, the
  compact shingle set (``codec.py``, ~1.3 bytes per shingle), the compact
  sampled character shingles (absent without the character signal).
- ``P:lines``: hash "16 hex digits of a line key:source" -> how many stored
  articles of that source carried the line (learned chrome).
- ``P:lock``: the writers' lock (below); absent when nobody writes.

Atomicity: each batch's writes go through *one* MULTI/EXEC pipeline, into
which datasketch's storage objects write their commands (their ``_insert``
takes the client to write to): a batch is fully visible or not at all.

Check-and-add (``atomically``): a writer takes ``P:lock`` (SET NX with a
random token and a lease of a few seconds, renewed by a heartbeat thread
while it works), does its lookups, and commits with WATCH on the lock: the
EXEC runs only if the lock still holds its own token, and releases the lock
in the same transaction. A writer that was paused past its lease (SIGSTOP, a
long GC) finds the lock gone or taken, its EXEC is refused and it does its
lookups again; a killed writer's lock expires with its lease.
"""

from __future__ import annotations

import json
import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import numpy as np

from compare.dedup.index.base import (
    INDEX_ANCHOR_MAX_ARTICLES,
    ArticleIndex,
    IndexParameters,
    IndexStats,
    LineCounts,
    StoredArticle,
    T,
    index_anchors,
    is_containment_candidate,
)
from compare.dedup.index.codec import count, decode, encode
from compare.errors import Hint, IndexStoreError
from compare.text.chrome import LEARN_MIN_ARTICLES

if TYPE_CHECKING:
    from compare.article import Article
    from compare.dedup.fingerprint import Fingerprint

DEFAULT_PREFIX = "article-compare"
#: Layout of the keys (2: escaped prefix, one ``P:lines`` hash, ``P:lock``;
#: 3: compact shingle sets, no stored signatures; 4: character bands and samples,
#: containment anchors; 5: character samples without the stop grams, so format 4's
#: samples and character bands would not match new ones).
FORMAT = 5
#: Seconds a command may take before the worker gives up (``?socket_timeout=`` in the URL).
SOCKET_TIMEOUT = 5.0
CONNECT_TIMEOUT = 3.0
#: Lease of the writers' lock; the holder renews it every third of it while it works.
LOCK_LEASE = 6.0
#: Attempts of one check-and-add whose lock was lost before its commit.
COMMIT_ATTEMPTS = 5


def escape_prefix(prefix: str) -> str:
    """The prefix as written in key names: no colon, so prefixes cannot overlap."""
    return prefix.replace("%", "%25").replace(":", "%3A")


def _positive_seconds(query: dict[str, list[str]], name: str, default: float) -> float:
    if name not in query:
        return default
    text = query[name][0]
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 < value < 86400.0:
        raise ValueError(f"{name}={text} must be a number of seconds, for example {name}=5")
    return value


def _connection_params(spec: str) -> tuple[dict[str, Any], str]:
    parts = urlsplit(spec)
    query = parse_qs(parts.query)
    prefix = query.get("prefix", [DEFAULT_PREFIX])[0]
    params: dict[str, Any] = {
        "socket_connect_timeout": _positive_seconds(query, "socket_connect_timeout", CONNECT_TIMEOUT),
        "socket_timeout": _positive_seconds(query, "socket_timeout", SOCKET_TIMEOUT),
    }
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

        from compare.dedup.fingerprint import CHAR_NUM_PERM
        from compare.dedup.lsh import CHAR_BANDS, CHAR_ROWS

        super().__init__(location, parameters)
        self._redis = client
        self._prefix = prefix = escape_prefix(prefix)
        self._meta = f"{prefix}:meta"
        self._shingles = f"{prefix}:shingles"
        self._chars = f"{prefix}:chars"
        self._anchors = f"{prefix}:anchors"
        self._lines = f"{prefix}:lines"
        self._lock = f"{prefix}:lock"
        self._writes: list[Callable[[Any], None]] | None = None
        self._lsh = MinHashLSH(
            num_perm=parameters.settings.num_perm,
            params=(parameters.bands, parameters.rows),
            storage_config={"type": "redis", "basename": f"{prefix}:lsh".encode(), "redis": dict(params)},
            prepickle=False,
        )
        self._char_lsh = MinHashLSH(
            num_perm=CHAR_NUM_PERM,
            params=(CHAR_BANDS, CHAR_ROWS),
            storage_config={"type": "redis", "basename": f"{prefix}:charlsh".encode(), "redis": dict(params)},
            prepickle=False,
        )

    @classmethod
    def open(
        cls, spec: str, requested: IndexParameters, *, explicit: bool = True, create: bool = True, lock_timeout: float = 10.0
    ) -> RedisIndex:
        import redis

        where = _redact(spec)
        try:
            params, prefix = _connection_params(spec)
        except ValueError as error:
            raise IndexStoreError(f"{where}: not a Redis URL ({error}); expected redis://host:port/db") from None
        from redis.backoff import ExponentialBackoff
        from redis.retry import Retry

        # redis-py's default retries with up to 10 s backoff: a worker pointed
        # at a dead server should say so within a second, not after eight. A
        # timeout is not retried: a frozen server fails within socket_timeout.
        params["retry"] = Retry(ExponentialBackoff(cap=0.5, base=0.05), 2, supported_errors=(redis.ConnectionError,))
        client = redis.Redis(**params)
        settings_key = f"{escape_prefix(prefix)}:settings"
        try:
            client.ping()
            if not create and not client.exists(settings_key):
                raise IndexStoreError(f"{where}: no index there (no key {settings_key}); ", Hint("build_index", where))
            parameters = cls._settings(client, settings_key, requested, where, explicit)
        except redis.TimeoutError as error:
            client.close()
            raise IndexStoreError(f"{where}: Redis did not answer within {params['socket_timeout']:g} s ({error}); "
                                  "is the server overloaded or stopped? (?socket_timeout=SECONDS sets the limit)") from None
        except redis.RedisError as error:
            client.close()
            raise IndexStoreError(f"{where}: cannot reach Redis ({error})") from None
        except BaseException:
            client.close()
            raise
        index = cls(where, parameters, client, params, prefix)
        index._lock_timeout = lock_timeout
        return index

    @staticmethod
    def _settings(client: Any, key: str, requested: IndexParameters, where: str, explicit: bool) -> IndexParameters:
        # One HSETNX of the whole record makes creation atomic when two workers start at once.
        record = json.dumps({**requested.as_dict(), "format": FORMAT}, sort_keys=True)
        client.hsetnx(key, "parameters", record)
        stored = client.hget(key, "parameters")
        try:
            values = json.loads(stored)
            built = values.get("format", 1)
            if built != FORMAT:
                raise IndexStoreError(
                    f"{where}: index format {built} (written by an older article-compare) is not supported "
                    f"(expected {FORMAT}); rebuild it under another ?prefix= or delete the keys under {key.rsplit(':', 1)[0]}:"
                )
            parameters = IndexParameters.from_dict(values)
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise IndexStoreError(f"{where}: corrupt settings under {key} ({error})") from None
        return requested.check_compatible(parameters, where, explicit=explicit)

    _lock_timeout: float = 10.0

    def _wrap(self, error: Exception, doing: str) -> IndexStoreError:
        import redis

        if isinstance(error, redis.TimeoutError):
            return IndexStoreError(
                f"{self.location}: Redis did not answer while {doing} ({error}); "
                "is the server overloaded or stopped? (?socket_timeout=SECONDS sets the limit)"
            )
        return IndexStoreError(f"{self.location}: Redis error while {doing}: {error}")

    # --- the writers' lock ---------------------------------------------------------

    _RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
    _RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"

    def _acquire(self) -> bytes:
        token = secrets.token_hex(16).encode()
        deadline = time.monotonic() + self._lock_timeout
        pause = 0.002
        while not self._redis.set(self._lock, token, nx=True, px=int(LOCK_LEASE * 1000)):
            if time.monotonic() > deadline:
                raise IndexStoreError(
                    f"{self.location}: index is locked by another writer for more than {self._lock_timeout:g} s; "
                    "nothing of this batch was written, run the command again (",
                    Hint("lock_timeout"),
                    ")",
                )
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 1.5, 0.05)
        return token

    def _exclusive(self, step: Callable[[], T]) -> T:
        import redis

        try:
            for _ in range(COMMIT_ATTEMPTS):
                token = self._acquire()
                done = threading.Event()
                heartbeat = threading.Thread(target=self._renew, args=(token, done), daemon=True)
                heartbeat.start()
                self._writes = []
                try:
                    try:
                        result = step()
                    finally:
                        done.set()
                        heartbeat.join()
                    if self._commit(token, self._writes):
                        return result
                finally:
                    self._writes = None
                    self._redis.eval(self._RELEASE, 1, self._lock, token)
        except redis.RedisError as error:
            raise self._wrap(error, "writing a batch (none of them was written)") from None
        raise IndexStoreError(
            f"{self.location}: lost the index lock {COMMIT_ATTEMPTS} times before committing (a batch slower "
            f"than the {LOCK_LEASE:g} s lease, or a paused process); nothing of this batch was written"
        )

    def _renew(self, token: bytes, done: threading.Event) -> None:
        while not done.wait(LOCK_LEASE / 3):
            try:
                if not self._redis.eval(self._RENEW, 1, self._lock, token, int(LOCK_LEASE * 1000)):
                    return  # lost: the commit will see it
            except Exception:  # the commit reports Redis errors; a heartbeat only stops
                return

    def _commit(self, token: bytes, writes: list[Callable[[Any], None]]) -> bool:
        """Write the queued commands if the lock is still this writer's; False if it was lost."""
        import redis

        with self._redis.pipeline(transaction=True) as pipe:
            pipe.watch(self._lock)
            if pipe.get(self._lock) != token:
                return False
            pipe.multi()
            for write in writes:
                write(pipe)
            pipe.delete(self._lock)
            try:
                pipe.execute()
            except redis.WatchError:
                return False
        return True

    def _bands(self, fp: Fingerprint) -> list[bytes]:
        return [self._lsh._H(fp.signature[start:end]) for start, end in self._lsh.hashranges]

    def _char_bands(self, fp: Fingerprint) -> list[bytes]:
        return [self._char_lsh._H(fp.char_signature[start:end]) for start, end in self._char_lsh.hashranges]

    # --- writing ---------------------------------------------------------------

    def add(self, items: Iterable[tuple[Fingerprint, Article]], *, lines: LineCounts | None = None) -> list[str]:
        import redis

        batch = list(items)
        if not batch and not lines:
            return []
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")

        def step() -> list[str]:
            keys = [a.id.encode() for _, a in batch]
            anchors = [index_anchors(fp.shingles) for fp, _ in batch]
            try:
                old = self._old_bands(keys)  # under the lock: no other writer changes them
                old_chars = self._old_bands(keys, self._char_lsh)
                old_anchors = self._old_anchors(keys)
                wanted = sorted({a for row in anchors for a in row.tolist()})
                pipe = self._redis.pipeline(transaction=False)
                for anchor in wanted:
                    pipe.scard(self._anchor_key(anchor))
                stored = dict(zip(wanted, pipe.execute() if wanted else [], strict=True))
            except redis.RedisError as error:
                raise self._wrap(error, f"adding {len(batch)} articles (none of them was written)") from None

            def write(pipe: Any) -> None:
                for key in keys:
                    self._unlink(pipe, key, old.get(key), old_chars.get(key), old_anchors.get(key))
                    for anchor in old_anchors.get(key, ()):  # their sets lose this id first
                        stored[anchor] = stored.get(anchor, 0) - 1
                for (fp, article), key, row in zip(batch, keys, anchors, strict=True):
                    if not fp.is_empty:
                        bands = self._bands(fp)
                        self._lsh.keys._insert(pipe, key, *bands)
                        for band, table in zip(bands, self._lsh.hashtables, strict=True):
                            table._insert(pipe, band, key)
                        if fp.has_chars:
                            char_bands = self._char_bands(fp)
                            self._char_lsh.keys._insert(pipe, key, *char_bands)
                            for band, table in zip(char_bands, self._char_lsh.hashtables, strict=True):
                                table._insert(pipe, band, key)
                            pipe.hset(self._chars, key, encode(self.comparable_chars(fp.chars)))
                        kept = [a for a in row.tolist() if stored.get(a, 0) < INDEX_ANCHOR_MAX_ARTICLES]
                        for anchor in kept:
                            stored[anchor] = stored.get(anchor, 0) + 1
                            pipe.sadd(self._anchor_key(anchor), key)
                        pipe.hset(self._anchors, key, np.array([row.size, *kept], dtype="<u4").tobytes())
                    metadata = {n: getattr(article, n) for n in ("title", "source", "url", "published")}
                    pipe.hset(self._meta, key, json.dumps({**metadata, "added": now}))
                    pipe.hset(self._shingles, key, encode(self.comparable(fp.shingles)))
                for source, line_keys in (lines or {}).items():
                    unique, counts = np.unique(np.asarray(line_keys, dtype=np.uint64), return_counts=True)
                    for line, n in zip(unique.tolist(), counts.tolist(), strict=True):
                        pipe.hincrby(self._lines, _line_field(line, source), n)

            assert self._writes is not None
            self._writes.append(write)
            return [a.id for _, a in batch]

        return self.atomically(step)

    def _anchor_key(self, anchor: int) -> str:
        return f"{self._prefix}:anchor:{anchor:08x}"

    def _old_anchors(self, keys: Sequence[bytes]) -> dict[bytes, list[int]]:
        """The anchors each stored id is in the sets of."""
        found = self._redis.hmget(self._anchors, list(keys)) if keys else []
        return {key: np.frombuffer(blob, dtype="<u4")[1:].tolist() for key, blob in zip(keys, found, strict=True) if blob}

    def _old_bands(self, keys: Sequence[bytes], lsh: Any = None) -> dict[bytes, list[bytes]]:
        storage = (lsh or self._lsh).keys
        pipe = self._redis.pipeline(transaction=False)
        for key in keys:
            pipe.lrange(storage.redis_key(key), 0, -1)
        return {key: bands for key, bands in zip(keys, pipe.execute(), strict=True) if bands}

    def _unlink(
        self, pipe: Any, key: bytes, bands: list[bytes] | None, char_bands: list[bytes] | None, anchors: list[int] | None
    ) -> None:
        for anchor in anchors or ():
            pipe.srem(self._anchor_key(anchor), key)
        pipe.hdel(self._anchors, key)
        for lsh, old in ((self._lsh, bands), (self._char_lsh, char_bands)):
            if old:
                for band, table in zip(old, lsh.hashtables, strict=True):
                    pipe.srem(table.redis_key(band), key)
            pipe.delete(lsh.keys.redis_key(key))
            pipe.hdel(lsh.keys._name, key)
        pipe.hdel(self._meta, key)
        pipe.hdel(self._shingles, key)
        pipe.hdel(self._chars, key)

    def remove(self, article_id: str) -> None:
        import redis

        key = article_id.encode()

        def step() -> None:
            try:
                if not self._redis.hexists(self._meta, key):
                    raise IndexStoreError(f"{self.location}: no article with id {article_id!r} in the index")
                old = self._old_bands([key])
                old_chars = self._old_bands([key], self._char_lsh)
                old_anchors = self._old_anchors([key])
            except redis.RedisError as error:
                raise self._wrap(error, f"removing {article_id!r}") from None
            assert self._writes is not None
            self._writes.append(lambda pipe: self._unlink(pipe, key, old.get(key), old_chars.get(key), old_anchors.get(key)))

        self.atomically(step)

    # --- reading -------------------------------------------------------------

    def learned_lines(self, wanted: LineCounts, min_articles: int = LEARN_MIN_ARTICLES) -> dict[str, set[int]]:
        import redis

        sources = [(source, np.unique(keys).tolist()) for source, keys in wanted.items() if len(keys)]
        try:
            pipe = self._redis.pipeline(transaction=False)
            for source, keys in sources:
                pipe.hmget(self._lines, [_line_field(k, source) for k in keys])
            replies = pipe.execute() if sources else []
        except redis.RedisError as error:
            raise self._wrap(error, "reading learned boilerplate") from None
        found: dict[str, set[int]] = {}
        for (source, keys), counts in zip(sources, replies, strict=True):
            learned = {k for k, n in zip(keys, counts, strict=True) if n is not None and int(n) >= min_articles}
            if learned:
                found[source] = learned
        return found

    def candidates_many(
        self, fingerprints: Sequence[Fingerprint], *, threshold: float | None = None, containment_threshold: float | None = None
    ) -> list[list[str]]:
        import redis

        pipe = self._redis.pipeline(transaction=False)
        spans = []
        anchors = [index_anchors(fp.shingles).tolist() if not fp.is_empty else [] for fp in fingerprints]
        for fp, row in zip(fingerprints, anchors, strict=True):
            for anchor in row:
                pipe.smembers(self._anchor_key(anchor))
            start = len(pipe.command_stack)
            if not fp.is_empty:
                for band, table in zip(self._bands(fp), self._lsh.hashtables, strict=True):
                    pipe.smembers(table.redis_key(band))
                if fp.has_chars:
                    for band, table in zip(self._char_bands(fp), self._char_lsh.hashtables, strict=True):
                        pipe.smembers(table.redis_key(band))
            spans.append((start, len(pipe.command_stack)))
        try:
            replies = pipe.execute() if pipe.command_stack else []
            # Containment candidates: ids sharing enough anchors, given how many anchors they have.
            shared = []
            for row, (start, _) in zip(anchors, spans, strict=True):
                # An anchor stored for INDEX_ANCHOR_MAX_ARTICLES articles is a stock phrase: no one's candidate (as in SQLite and batch dedup).
                shared.append(Counter(
                    k for members in replies[start - len(row) : start] if len(members) < INDEX_ANCHOR_MAX_ARTICLES for k in members
                ))
            ids = sorted({k for counter in shared for k in counter})
            theirs = dict(zip(ids, self._redis.hmget(self._anchors, ids), strict=True)) if ids else {}
        except redis.RedisError as error:
            raise self._wrap(error, "looking up candidates") from None
        result = []
        for row, counter, (start, end) in zip(anchors, shared, spans, strict=True):
            found = {k for members in replies[start:end] for k in members}
            found.update(
                k for k, n in counter.items()
                if theirs.get(k) and is_containment_candidate(n, len(row), int(np.frombuffer(theirs[k], dtype="<u4")[0]))
            )
            result.append(sorted(k.decode() for k in found))
        return result

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
            pipe.hmget(self._chars, keys)
            metas, shingles, chars = pipe.execute()
        except redis.RedisError as error:
            raise self._wrap(error, "reading articles") from None
        result = {}
        for article_id, meta, shingle_bytes, char_bytes in zip(wanted, metas, shingles, chars, strict=True):
            if meta is None or shingle_bytes is None:
                continue
            m = json.loads(meta)
            stored = StoredArticle(
                article_id, m.get("title"), m.get("source"), m.get("url"), m.get("published"), decode(shingle_bytes)
            )
            result[article_id] = stored if char_bytes is None else replace(stored, chars=decode(char_bytes))
        return result

    def stats(self) -> IndexStats:
        import redis

        p = self.parameters
        try:
            articles = self._redis.hlen(self._meta)
            indexed = self._redis.hlen(self._lsh.keys._name)
            with_chars = self._redis.hlen(self._chars)
            anchored = sum(len(blob) // 4 - 1 for _, blob in self._redis.hscan_iter(self._anchors, count=1000))
            learned = sum(1 for _, count in self._redis.hscan_iter(self._lines, count=1000) if int(count) >= LEARN_MIN_ARTICLES)
        except redis.RedisError as error:
            raise self._wrap(error, "counting") from None
        return IndexStats(
            self.backend, self.location, articles, p.settings, p.candidate_threshold, p.bands, p.rows,
            indexed * p.bands + with_chars * len(self._char_lsh.hashtables) + anchored, learned, with_chars,
        )

    def export(self) -> Iterator[dict[str, Any]]:
        import redis

        try:
            for key, meta in self._redis.hscan_iter(self._meta):
                m = json.loads(meta)
                shingles = count(self._redis.hget(self._shingles, key) or encode(np.empty(0, dtype=np.uint32)))
                yield {"id": key.decode(), **{n: m.get(n) for n in ("title", "source", "url", "published", "added")}, "shingles": shingles}
        except redis.RedisError as error:
            raise self._wrap(error, "exporting") from None

    def check(self) -> list[str]:
        """Consistency problems (empty when sound)."""
        problems = []
        meta_ids = set(self._redis.hkeys(self._meta))
        for name in (self._shingles,):
            if set(self._redis.hkeys(name)) != meta_ids:
                problems.append(f"{name} does not hold the same ids as {self._meta}")
        indexed = set(self._lsh.keys.keys())
        if not indexed <= meta_ids:
            problems.append(f"{len(indexed - meta_ids)} LSH keys have no metadata")
        for key in indexed:
            bands = self._lsh.keys.get(key)
            if len(bands) != self.parameters.bands:
                problems.append(f"article {key.decode()!r} has {len(bands)} of {self.parameters.bands} bands")
        anchored = dict(self._redis.hscan_iter(self._anchors, count=1000))
        if not set(anchored) <= meta_ids:
            problems.append(f"{self._anchors} holds ids without metadata")
        for key, blob in anchored.items():
            for anchor in np.frombuffer(blob, dtype="<u4")[1:].tolist():
                if not self._redis.sismember(self._anchor_key(anchor), key):
                    problems.append(f"article {key.decode()!r} is not in its anchor set {anchor:08x}")
        char_indexed = set(self._char_lsh.keys.keys())
        if char_indexed != set(self._redis.hkeys(self._chars)):
            problems.append(f"{self._chars} does not hold the ids that have character bands")
        for key in char_indexed:
            bands = self._char_lsh.keys.get(key)
            if len(bands) != len(self._char_lsh.hashtables):
                problems.append(f"article {key.decode()!r} has {len(bands)} of {len(self._char_lsh.hashtables)} character bands")
        return problems

    def close(self) -> None:
        storages = [self._lsh.keys, *self._lsh.hashtables, self._char_lsh.keys, *self._char_lsh.hashtables]
        for storage in storages:
            storage._redis.close()
            storage._buffer.reset()
        self._redis.close()


def _line_field(key: int, source: str) -> str:
    """Field of ``P:lines``: the line key in 16 hex digits (fixed width, so any source text follows unambiguously)."""
    return f"{key:016x}:{source}"
