"""SQLite index: one file, WAL journal, one transaction per batch.

Schema (``PRAGMA user_version`` = 1):

- ``settings(name, value)``: fingerprint settings and LSH band parameters.
- ``articles(rowid, id UNIQUE, title, source, url, published, added,
  signature BLOB, shingles BLOB)``: little-endian uint32 arrays.
- ``bands(band, key, article)``: the LSH buckets, one row per band of each
  article, keyed like ``MinHashLSH`` hash tables (band number, 64-bit hash
  of the band's values); a WITHOUT ROWID primary key makes a lookup one
  B-tree descent.

Why SQLite: in the standard library, one file to copy, and transactions that
make a killed ingest harmless (WAL: a batch is either fully in the file or
not at all). Reads never block on a writer; a second writer waits
``lock_timeout`` seconds and then gets a clear error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from compare.errors import IndexStoreError
from compare.index import ArticleIndex, IndexParameters, IndexStats, StoredArticle

if TYPE_CHECKING:
    from compare.articles import Article
    from compare.fingerprint import Fingerprint

SCHEMA_VERSION = 1
_UINT32 = np.dtype("<u4")

_SCHEMA = """
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT, source TEXT, url TEXT, published TEXT,
    added TEXT NOT NULL,
    signature BLOB NOT NULL,
    shingles BLOB NOT NULL
);
CREATE TABLE bands (
    band INTEGER NOT NULL, key INTEGER NOT NULL, article INTEGER NOT NULL,
    PRIMARY KEY (band, key, article)
) WITHOUT ROWID;
CREATE INDEX bands_by_article ON bands (article);
CREATE TABLE boilerplate (
    source TEXT NOT NULL, key TEXT NOT NULL, articles INTEGER NOT NULL,
    PRIMARY KEY (source, key)
) WITHOUT ROWID;
"""


def _is_lock_error(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class SQLiteIndex(ArticleIndex):
    """The embedded, persistent default index."""

    backend = "sqlite"

    def __init__(self, path: Path, connection: sqlite3.Connection, parameters: IndexParameters) -> None:
        super().__init__(str(path), parameters)
        self.path = path
        self._db = connection

    # --- opening -----------------------------------------------------------

    @classmethod
    def open(cls, path: Path, requested: IndexParameters, *, lock_timeout: float = 10.0, explicit: bool = True) -> SQLiteIndex:
        where = str(path)
        if path.is_dir():
            raise IndexStoreError(f"{where}: is a directory; give a file path for the SQLite index")
        if not path.parent.exists():
            raise IndexStoreError(f"{where}: directory {path.parent} does not exist")
        existed = path.exists() and path.stat().st_size > 0
        try:
            db = sqlite3.connect(path, timeout=lock_timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise IndexStoreError(f"{where}: cannot open the SQLite index ({error})") from None
        try:
            parameters = cls._prepare(db, where, requested, existed, explicit)
        except BaseException:
            db.close()
            raise
        return cls(path, db, parameters)

    @staticmethod
    def _prepare(db: sqlite3.Connection, where: str, requested: IndexParameters, existed: bool, explicit: bool) -> IndexParameters:
        try:
            # Reading the schema is the first access: a file that is not a
            # database fails here, before anything could be written to it.
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as error:
            raise IndexStoreError(
                f"{where}: not a readable SQLite index ({error}); the file was left untouched: "
                "move it away or give another --index path"
            ) from None
        try:
            if not tables:
                if existed:
                    raise IndexStoreError(f"{where}: empty SQLite database with no index tables; remove it or give another --index path")
                return SQLiteIndex._create(db, where, requested)
            if "settings" not in tables or "bands" not in tables:
                raise IndexStoreError(f"{where}: an SQLite database, but not an article-compare index; give another --index path")
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version != SCHEMA_VERSION:
                raise IndexStoreError(f"{where}: index format {version} is not supported (expected {SCHEMA_VERSION}); rebuild it")
            stored = IndexParameters.from_dict(dict(db.execute("SELECT name, value FROM settings").fetchall()))
            parameters = requested.check_compatible(stored, where, explicit=explicit)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            return parameters
        except sqlite3.OperationalError as error:
            if _is_lock_error(error):
                raise IndexStoreError(f"{where}: index is locked by another process (another ingest?); try again when it is done") from None
            raise IndexStoreError(f"{where}: cannot read the SQLite index ({error})") from None
        except (sqlite3.DatabaseError, KeyError, ValueError) as error:
            raise IndexStoreError(f"{where}: corrupt index ({error}); move it away or give another --index path") from None

    @staticmethod
    def _create(db: sqlite3.Connection, where: str, parameters: IndexParameters) -> IndexParameters:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.executemany(
                "INSERT INTO settings (name, value) VALUES (?, ?)",
                [(k, str(v)) for k, v in parameters.as_dict().items()],
            )
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return parameters

    # --- helpers -------------------------------------------------------------

    def _error(self, error: sqlite3.Error, doing: str) -> IndexStoreError:
        if isinstance(error, sqlite3.OperationalError) and _is_lock_error(error):
            return IndexStoreError(
                f"{self.location}: index is locked by another process (another ingest?) while {doing}; "
                "nothing of this batch was written, run the command again when the other one is done"
            )
        return IndexStoreError(f"{self.location}: SQLite error while {doing}: {error}")

    # --- writing -------------------------------------------------------------

    def add(self, items: Iterable[tuple[Fingerprint, Article]]) -> list[str]:
        batch = list(items)
        if not batch:
            return []
        keys = self.band_keys([fp for fp, _ in batch])
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                ids = [a.id for _, a in batch]
                self._delete_ids(ids)
                rows = []
                for (fp, article), band_row in zip(batch, keys, strict=True):
                    cursor = db.execute(
                        "INSERT INTO articles (id, title, source, url, published, added, signature, shingles)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            article.id, article.title, article.source, article.url, article.published, now,
                            fp.signature.astype(_UINT32).tobytes(), fp.shingles.astype(_UINT32).tobytes(),
                        ),
                    )
                    if fp.is_empty:
                        continue  # nothing to match: kept for metadata, never a candidate
                    rowid = cursor.lastrowid
                    rows.extend((band, int(key), rowid) for band, key in enumerate(band_row.tolist()))
                db.executemany("INSERT OR IGNORE INTO bands (band, key, article) VALUES (?, ?, ?)", rows)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise self._error(error, f"adding {len(batch)} articles") from None
        return ids

    def _delete_ids(self, ids: Sequence[str]) -> None:
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            rowids = [r[0] for r in self._db.execute(f"SELECT rowid FROM articles WHERE id IN ({marks})", chunk)]
            if rowids:
                rmarks = ",".join("?" * len(rowids))
                self._db.execute(f"DELETE FROM bands WHERE article IN ({rmarks})", rowids)
                self._db.execute(f"DELETE FROM articles WHERE rowid IN ({rmarks})", rowids)

    def remove(self, article_id: str) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                found = self._db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
                self._delete_ids([article_id])
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise self._error(error, f"removing {article_id!r}") from None
        if not found:
            raise IndexStoreError(f"{self.location}: no article with id {article_id!r} in the index")

    # --- reading ---------------------------------------------------------------

    def candidates_many(self, fingerprints: Sequence[Fingerprint]) -> list[list[str]]:
        if not fingerprints:
            return []
        keys = self.band_keys(fingerprints)
        probe = [
            (position, band, int(key))
            for position, (fp, row) in enumerate(zip(fingerprints, keys, strict=True))
            if not fp.is_empty
            for band, key in enumerate(row.tolist())
        ]
        found: list[set[str]] = [set() for _ in fingerprints]
        try:
            db = self._db
            db.execute("CREATE TEMP TABLE IF NOT EXISTS probe (position INTEGER, band INTEGER, key INTEGER)")
            # One read transaction: a consistent snapshot, and the probe rows
            # (temp database, never locked by other writers) in one commit.
            db.execute("BEGIN")
            try:
                db.executemany("INSERT INTO probe VALUES (?, ?, ?)", probe)
                for position, article_id in db.execute(
                    "SELECT DISTINCT p.position, a.id FROM probe p"
                    " JOIN bands b ON b.band = p.band AND b.key = p.key"
                    " JOIN articles a ON a.rowid = b.article"
                ):
                    found[position].add(article_id)
                db.execute("DELETE FROM probe")
            finally:
                db.execute("COMMIT")
        except sqlite3.Error as error:
            raise self._error(error, "looking up candidates") from None
        return [sorted(ids) for ids in found]

    def get(self, ids: Iterable[str]) -> dict[str, StoredArticle]:
        wanted = list(dict.fromkeys(ids))
        result: dict[str, StoredArticle] = {}
        try:
            for chunk in _chunks(wanted, 500):
                marks = ",".join("?" * len(chunk))
                for row in self._db.execute(
                    "SELECT id, title, source, url, published, shingles, signature"
                    f" FROM articles WHERE id IN ({marks})",
                    chunk,
                ):
                    result[row[0]] = StoredArticle(
                        row[0], row[1], row[2], row[3], row[4],
                        np.frombuffer(row[5], dtype=_UINT32).astype(np.uint32),
                        np.frombuffer(row[6], dtype=_UINT32).astype(np.uint32),
                    )
        except sqlite3.Error as error:
            raise self._error(error, "reading articles") from None
        return result

    def stats(self) -> IndexStats:
        p = self.parameters
        try:
            (articles,) = self._db.execute("SELECT count(*) FROM articles").fetchone()
            (entries,) = self._db.execute("SELECT count(*) FROM bands").fetchone()
            (learned,) = self._db.execute("SELECT count(*) FROM boilerplate").fetchone()
        except sqlite3.Error as error:
            raise self._error(error, "counting") from None
        return IndexStats(self.backend, self.location, articles, p.settings, p.candidate_threshold, p.bands, p.rows, entries, learned)

    def check(self) -> list[str]:
        """Consistency problems (empty when the index is sound): used after crashes and in tests."""
        p = self.parameters
        problems = []
        (orphans,) = self._db.execute(
            "SELECT count(*) FROM bands WHERE article NOT IN (SELECT rowid FROM articles)"
        ).fetchone()
        if orphans:
            problems.append(f"{orphans} band entries point at no article")
        partial = self._db.execute(
            "SELECT a.id, count(b.band) AS n FROM articles a LEFT JOIN bands b ON b.article = a.rowid"
            " WHERE length(a.shingles) > 0 GROUP BY a.rowid HAVING n != ?",
            (p.bands,),
        ).fetchall()
        problems.extend(f"article {i!r} has {n} of {p.bands} band entries" for i, n in partial)
        (integrity,) = self._db.execute("PRAGMA quick_check").fetchone()
        if integrity != "ok":
            problems.append(f"quick_check: {integrity}")
        return problems

    def export(self) -> Iterator[dict[str, Any]]:
        try:
            rows = self._db.execute(
                "SELECT id, title, source, url, published, added, length(shingles) / 4 FROM articles ORDER BY rowid"
            )
            for row in rows:
                yield {
                    "id": row[0], "title": row[1], "source": row[2], "url": row[3],
                    "published": row[4], "added": row[5], "shingles": row[6],
                }
        except sqlite3.Error as error:
            raise self._error(error, "exporting") from None

    # --- learned boilerplate ---------------------------------------------------

    def learned_counts(self) -> dict[str, dict[str, int]]:
        """Boilerplate line counts per source saved by earlier ingests."""
        counts: dict[str, dict[str, int]] = {}
        for source, key, n in self._db.execute("SELECT source, key, articles FROM boilerplate"):
            counts.setdefault(source, {})[key] = n
        return counts

    def save_learned_counts(self, increments: dict[str, dict[str, int]]) -> None:
        rows = [(s, k, n) for s, keys in increments.items() for k, n in keys.items()]
        if not rows:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT INTO boilerplate (source, key, articles) VALUES (?, ?, ?)"
                    " ON CONFLICT (source, key) DO UPDATE SET articles = articles + excluded.articles",
                    rows,
                )
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise self._error(error, "saving learned boilerplate") from None

    def close(self) -> None:
        self._db.close()


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
