"""The persistent index of fingerprints: ``open_index``, the interface (``base``) and its stores.

``memory`` (datasketch ``MinHashLSH`` in process), ``sqlite`` (a file, the
default) and ``redis`` (many workers on many machines) implement
``base.ArticleIndex``; ``open_index`` picks one from a location string.
"""

from __future__ import annotations

import os
from pathlib import Path

from compare.dedup.fingerprint import DEFAULT_SETTINGS, FingerprintSettings
from compare.dedup.index.base import ArticleIndex, IndexParameters
from compare.errors import IndexStoreError


def open_index(
    spec: str | os.PathLike[str] | None,
    *,
    settings: FingerprintSettings | None = None,
    threshold: float = 0.5,
    lock_timeout: float = 10.0,
    create: bool = True,
    read_only: bool = False,
) -> ArticleIndex:
    r"""Open (or create) an index.

    Args:
        spec: None or "memory" for an in-process index, "redis://host:port/db"
            for Redis (``?prefix=NAME`` picks the key prefix, default
            "article-compare"), anything else is an SQLite file path.
        settings: fingerprint settings; an existing index must have been
            built with the same ones. None: the existing index's own, or
            ``DEFAULT_SETTINGS`` for a new one.
        threshold: the lowest Jaccard the caller will report. LSH candidates
            are generated down to ``min(threshold, CANDIDATE_THRESHOLD)``.
        lock_timeout: seconds a write waits for another writer (the SQLite
            write lock, the Redis index lock).
        create: False to refuse a Redis URL (prefix) that holds no index
            instead of creating one: a reader (stats, export) must not pin
            default settings under a mistyped prefix. (SQLite callers can
            check that the file exists.)
        read_only: open for reading only (stats, export, ``report
            --index``): nothing is created or written, not even an SQLite
            journal, so an index in a read-only directory can be read.

    Raises:
        SettingsMismatchError: the index was built with other settings.
        IndexStoreError: the index cannot be opened (unreachable Redis,
            corrupt or foreign SQLite file, missing directory).

    Example:
        >>> from compare import Article, ingest
        >>> with open_index("memory") as index:
        ...     results = list(ingest([Article(id="a", text="The chip plant opened on Monday.")], index, workers=0))
        ...     index.stats().articles
        1
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if spec is not None and not os.fspath(spec):
        raise IndexStoreError("the index location is empty; give a file path, 'memory' or redis://host:port/db")
    parameters = IndexParameters.build(settings or DEFAULT_SETTINGS, threshold)
    explicit = settings is not None
    text = "memory" if spec is None else os.fspath(spec)
    if text == "memory":
        from compare.dedup.index.memory import MemoryIndex

        return MemoryIndex(parameters)
    if text.startswith(("redis://", "rediss://", "unix://")):
        from compare.dedup.index.redis import RedisIndex

        return RedisIndex.open(text, parameters, explicit=explicit, create=create and not read_only, lock_timeout=lock_timeout)
    if "://" in text:
        raise IndexStoreError(f"{text}: unknown index scheme; use a file path, 'memory' or redis://host:port/db")
    from compare.dedup.index.sqlite import SQLiteIndex

    return SQLiteIndex.open(Path(text), parameters, lock_timeout=lock_timeout, explicit=explicit, read_only=read_only)
