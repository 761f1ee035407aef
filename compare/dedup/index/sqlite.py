"""SQLite index: one file, WAL journal, one transaction per batch.

Schema (``PRAGMA user_version`` = 4; 4: character samples without the
stop grams (``compare.dedup.fingerprint.char_stop_grams``), so the samples and
character bands of format 3 would not match new ones; an index of another version is refused
with "rebuild it", never read with the wrong layout):

- ``settings(name, value)``: fingerprint settings and LSH band parameters.
- ``articles(rowid, id UNIQUE, title, source, url, published, added,
  bands BLOB, shingles BLOB, chars BLOB)``: ``added`` in Unix seconds;
  ``bands`` the article's LSH bucket keys (int32 each: the word bands, then
  the character bands when it has the character signal; to find its band
  rows again when it is replaced or removed); ``shingles`` the compact
  shingle set (``codec.py``: 18-bit values, Rice-coded, ~1.3 bytes per
  shingle); ``chars`` the sampled character shingles (16-bit values,
  Rice-coded, ~1.1 bytes each; NULL without the character signal).
- ``bands(key, article)``: the LSH buckets, one row per band (word and
  character) of each article; ``key`` is a 32-bit hash of (band number, the
  band's values; character bands salted), so a row is ~10 bytes. A WITHOUT ROWID primary key makes a lookup one B-tree
  descent. A 32-bit collision (about 1 in 200 lookups at 1,000,000 articles)
  only adds a candidate that exact verification drops.

Per article that is about 0.8 KB for the shingles of a 600-word article,
~0.4 KB for its character sample, ``4 * (bands + CHAR_BANDS)`` bytes of band
keys, ``bands + CHAR_BANDS`` rows of ~12 bytes, the id twice
(row and UNIQUE index) and the metadata given.

Why SQLite: in the standard library, one file to copy, and transactions that
make a killed ingest harmless (WAL: a batch is either fully in the file or
not at all). Reads never block on a writer; a second writer waits
``lock_timeout`` seconds and then gets a clear error.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from compare.dedup.index.base import (
    INDEX_ANCHOR_MAX_ARTICLES,
    ArticleIndex,
    IndexParameters,
    IndexStats,
    LineCounts,
    StoredArticle,
    T,
    anchor_keys,
    index_anchors,
    is_containment_candidate,
    one_thread_at_a_time,
)
from compare.errors import Hint, IndexStoreError
from compare.parallel import chunked
from compare.text.chrome import LEARN_MIN_ARTICLES

if TYPE_CHECKING:
    from compare.article import Article
    from compare.dedup.fingerprint import Fingerprint

SCHEMA_VERSION = 4
#: Page cache (negative = KiB), an upper bound (pages are allocated as they are
#: read). The band table's keys are random, so inserts touch pages all over
#: its B-tree; SQLite's 2 MB default made ingest into a 100,000-article index
#: disk-bound. 512 MB holds the band table of ~1,000,000 articles.
CACHE_KIB = -524288
#: Memory-mapped reads of up to this many bytes (no copy into the page cache).
MMAP_BYTES = 2**31
_INT32 = np.dtype("<i4")
_NO_VALUES = np.empty(0, dtype=np.uint32)

_SCHEMA = """
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT, source TEXT, url TEXT, published TEXT,
    added INTEGER NOT NULL,
    bands BLOB,
    shingles BLOB NOT NULL,
    chars BLOB,
    anchors INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE bands (
    key INTEGER NOT NULL, article INTEGER NOT NULL,
    PRIMARY KEY (key, article)
) WITHOUT ROWID;
-- How many stored articles of a source carried each short line: chrome once >= 3.
CREATE TABLE boilerplate (
    source TEXT NOT NULL, key INTEGER NOT NULL, articles INTEGER NOT NULL,
    PRIMARY KEY (source, key)
) WITHOUT ROWID;
"""


#: Candidates of the probed band keys. CROSS JOIN fixes the join order (the
#: probe rows drive one primary-key search each): left to itself, SQLite's
#: planner, with no statistics on the temp table, scanned the whole band
#: table for every batch, so each lookup cost O(index size).
CANDIDATES_SQL = (
    "SELECT DISTINCT p.position, a.id FROM probe p"
    " CROSS JOIN bands b ON b.key = p.key"
    " CROSS JOIN articles a ON a.rowid = b.article"
)
#: Anchors shared with each stored article, and how many anchors it has (containment candidates).
ANCHORS_SQL = (
    "SELECT p.position, a.id, count(*), a.anchors FROM anchor_probe p"
    " CROSS JOIN bands b ON b.key = p.key"
    " CROSS JOIN articles a ON a.rowid = b.article"
    " GROUP BY p.position, b.article"
)


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
    def open(
        cls,
        path: Path,
        requested: IndexParameters,
        *,
        lock_timeout: float = 10.0,
        explicit: bool = True,
        read_only: bool = False,
    ) -> SQLiteIndex:
        where = str(path)
        if path.is_dir():
            raise IndexStoreError(f"{where}: is a directory; give a file path for the SQLite index")
        if not path.parent.exists():
            raise IndexStoreError(f"{where}: directory {path.parent} does not exist")
        if read_only and not path.is_file():
            raise IndexStoreError(f"{where}: no index there; ", Hint("build_index", where))
        if not read_only:
            _check_writable(path)
        try:
            if read_only:
                db = _connect_read_only(path, lock_timeout)
            else:
                db = sqlite3.connect(path, timeout=lock_timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise IndexStoreError(f"{where}: cannot open the SQLite index ({error})") from None
        try:
            parameters = cls._prepare(db, where, requested, explicit, read_only)
        except BaseException:
            db.close()
            raise
        return cls(path, db, parameters)

    @staticmethod
    def _prepare(db: sqlite3.Connection, where: str, requested: IndexParameters, explicit: bool, read_only: bool) -> IndexParameters:
        try:
            # Reading the schema is the first access: a file that is not a
            # database fails here, before anything could be written to it.
            tables = _tables(db)
        except sqlite3.DatabaseError as error:
            if read_only and isinstance(error, sqlite3.OperationalError) and "unable to open" in str(error):
                raise IndexStoreError(f"{where}: cannot read the SQLite index ({error})") from None
            raise IndexStoreError(
                f"{where}: not a readable SQLite index ({error}); the file was left untouched: "
                "move it away or ",
                Hint("other_index"),
            ) from None
        try:
            if not tables and not read_only:
                return SQLiteIndex._create(db, where, requested, explicit)
            return SQLiteIndex._check_existing(db, where, tables, requested, explicit, read_only)
        except sqlite3.OperationalError as error:
            if _is_lock_error(error):
                raise IndexStoreError(f"{where}: index is locked by another process (another ingest?); try again when it is done") from None
            raise IndexStoreError(f"{where}: cannot read the SQLite index ({error})") from None
        except (sqlite3.DatabaseError, KeyError, ValueError) as error:
            raise IndexStoreError(f"{where}: corrupt index ({error}); move it away or ", Hint("other_index")) from None

    @staticmethod
    def _check_existing(
        db: sqlite3.Connection, where: str, tables: set[str], requested: IndexParameters, explicit: bool, read_only: bool
    ) -> IndexParameters:
        if "settings" not in tables or "bands" not in tables:
            raise IndexStoreError(f"{where}: an SQLite database, but not an article-compare index; ", Hint("other_index"))
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if version != SCHEMA_VERSION:
            raise IndexStoreError(
                f"{where}: index format {version} is not supported (expected {SCHEMA_VERSION}; "
                f"{'written by an older article-compare' if version < SCHEMA_VERSION else 'written by a newer article-compare'}); "
                "rebuild it: ",
                Hint("new_index"),
            )
        stored = IndexParameters.from_dict(dict(db.execute("SELECT name, value FROM settings").fetchall()))
        parameters = requested.check_compatible(stored, where, explicit=explicit)
        if not read_only:
            # Before the first write: a damaged page (a disk error, a copy cut
            # short and patched, stray bytes) must not be written around.
            # quick_check reads every page once (O(file size), no index
            # cross-checks): ~0.25 CPU-s per 100 MB (1.05 s for a 210,000-article index).
            try:
                problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
            except sqlite3.DatabaseError as error:
                problems = [str(error)]
            if problems != ["ok"]:
                raise IndexStoreError(
                    f"{where}: the index fails SQLite's integrity check ({'; '.join(problems)[:200]}); "
                    "the file was left untouched: restore a backup or move it away and ingest again"
                )
            _tune(db)
        else:
            db.execute(f"PRAGMA cache_size = {CACHE_KIB}")
            db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        return parameters

    @staticmethod
    def _create(db: sqlite3.Connection, where: str, parameters: IndexParameters, explicit: bool) -> IndexParameters:
        """Create the tables under the write lock; another process may be creating them at the same time."""
        db.execute("BEGIN IMMEDIATE")
        try:
            tables = _tables(db)
            if tables:  # another process created the index while this one waited for the lock
                db.execute("COMMIT")
                return SQLiteIndex._check_existing(db, where, tables, parameters, explicit, read_only=False)
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
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        _tune(db)
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

    def _exclusive(self, step: Callable[[], T]) -> T:
        # BEGIN IMMEDIATE takes the write lock before the first read, so the
        # lookups and the insert of a batch are one transaction that no other
        # writer can enter: concurrent ingests are serializable.
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise self._error(error, "waiting for the write lock") from None
        try:
            result = step()
            db.execute("COMMIT")
        except BaseException as error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise self._error(error, "writing a batch") from None
            raise
        return result

    def add(self, items: Iterable[tuple[Fingerprint, Article]], *, lines: LineCounts | None = None) -> list[str]:
        batch = list(items)
        line_rows = _line_rows(lines)
        if not batch and not line_rows:
            return []
        return self.atomically(lambda: self._insert(batch, line_rows))

    def _insert(self, batch: list[tuple[Fingerprint, Article]], line_rows: list[tuple[str, int, int]]) -> list[str]:
        from compare.dedup.index.codec import encode

        fps = [fp for fp, _ in batch]
        keys = _fold(self.band_keys(fps))
        char_keys = _fold(self.char_band_keys(fps))
        anchors = [_fold(anchor_keys(index_anchors(fp.shingles))) for fp in fps]
        now = int(time.time())
        db = self._db
        try:
            ids = [a.id for _, a in batch]
            self._delete_ids(ids)
            # Stock phrases: an anchor already stored for INDEX_ANCHOR_MAX_ARTICLES articles is not stored again.
            stored = self._anchor_counts(np.unique(np.concatenate(anchors)) if anchors else np.empty(0, np.int32))
            rows: list[tuple[int, int]] = []
            for (fp, article), word_row, char_row, anchor_row in zip(batch, keys, char_keys, anchors, strict=True):
                empty = fp.is_empty
                kept = []
                for key in anchor_row.tolist():
                    if stored.get(key, 0) < INDEX_ANCHOR_MAX_ARTICLES:
                        kept.append(key)
                        stored[key] = stored.get(key, 0) + 1
                parts = [word_row, char_row] if fp.has_chars else [word_row]
                band_row = np.concatenate([*parts, np.array(kept, dtype=_INT32)])
                cursor = db.execute(
                    "INSERT INTO articles (id, title, source, url, published, added, bands, shingles, chars, anchors)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        article.id, article.title, article.source, article.url, article.published, now,
                        None if empty else band_row.tobytes(), encode(self.comparable(fp.shingles)),
                        encode(self.comparable_chars(fp.chars)) if fp.has_chars else None,
                        int(anchor_row.size),
                    ),
                )
                if empty:
                    continue  # nothing to match: kept for metadata, never a candidate
                rowid = cursor.lastrowid
                assert rowid is not None  # set by every successful INSERT
                rows.extend((key, rowid) for key in band_row.tolist())
            rows.sort()  # B-tree order: neighbouring keys share pages
            db.executemany("INSERT OR IGNORE INTO bands (key, article) VALUES (?, ?)", rows)
            db.executemany(
                "INSERT INTO boilerplate (source, key, articles) VALUES (?, ?, ?)"
                " ON CONFLICT (source, key) DO UPDATE SET articles = articles + excluded.articles",
                line_rows,
            )
        except sqlite3.Error as error:
            raise self._error(error, f"adding {len(batch)} articles") from None
        return ids

    def _anchor_counts(self, keys: np.ndarray) -> dict[int, int]:
        """How many stored articles each anchor key is stored for (at most INDEX_ANCHOR_MAX_ARTICLES)."""
        counts: dict[int, int] = {}
        for chunk in chunked(keys.tolist(), 500):
            marks = ",".join("?" * len(chunk))
            counts.update(self._db.execute(f"SELECT key, count(*) FROM bands WHERE key IN ({marks}) GROUP BY key", chunk))
        return counts

    def _delete_ids(self, ids: Sequence[str]) -> None:
        # An article's band rows are found from its stored band keys, so the
        # band table needs no second index by article: that index doubled the
        # cost of every insert.
        for chunk in chunked(ids, 500):
            marks = ",".join("?" * len(chunk))
            found = self._db.execute(f"SELECT rowid, bands FROM articles WHERE id IN ({marks})", chunk).fetchall()
            rows: list[tuple[int, int]] = []
            for rowid, bands in found:
                if bands:
                    rows.extend((key, rowid) for key in np.frombuffer(bands, dtype=_INT32).tolist())
            self._db.executemany("DELETE FROM bands WHERE key = ? AND article = ?", rows)
            self._db.executemany("DELETE FROM articles WHERE rowid = ?", [(r[0],) for r in found])

    def remove(self, article_id: str) -> None:
        def step() -> Any:
            found = self._db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
            self._delete_ids([article_id])
            return found

        try:
            found = self.atomically(step)
        except sqlite3.Error as error:
            raise self._error(error, f"removing {article_id!r}") from None
        if not found:
            raise IndexStoreError(f"{self.location}: no article with id {article_id!r} in the index")

    # --- reading ---------------------------------------------------------------

    @one_thread_at_a_time
    def learned_lines(self, wanted: LineCounts, min_articles: int = LEARN_MIN_ARTICLES) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        try:
            for source, keys in wanted.items():
                signed = np.unique(keys).astype(np.uint64).view(np.int64).tolist()
                for chunk in chunked(signed, 500):
                    marks = ",".join("?" * len(chunk))
                    for (key,) in self._db.execute(
                        f"SELECT key FROM boilerplate WHERE source = ? AND articles >= ? AND key IN ({marks})",
                        (source, min_articles, *chunk),
                    ):
                        found.setdefault(source, set()).add(key & 0xFFFFFFFFFFFFFFFF)
        except sqlite3.Error as error:
            raise self._error(error, "reading learned boilerplate") from None
        return found

    @one_thread_at_a_time
    def candidates_many(self, fingerprints: Sequence[Fingerprint]) -> list[list[str]]:
        if not fingerprints:
            return []
        keys = _fold(self.band_keys(fingerprints))
        char_keys = _fold(self.char_band_keys(fingerprints))
        probe = [
            (position, key)
            for position, (fp, row, char_row) in enumerate(zip(fingerprints, keys, char_keys, strict=True))
            if not fp.is_empty
            for key in (row.tolist() + char_row.tolist() if fp.has_chars else row.tolist())
        ]
        anchors = [index_anchors(fp.shingles) if not fp.is_empty else None for fp in fingerprints]
        anchor_probe = [
            (position, key)
            for position, found_anchors in enumerate(anchors)
            if found_anchors is not None
            for key in _fold(anchor_keys(found_anchors)).tolist()
        ]
        found: list[set[str]] = [set() for _ in fingerprints]
        try:
            db = self._db
            db.execute("CREATE TEMP TABLE IF NOT EXISTS probe (position INTEGER, key INTEGER)")
            db.execute("CREATE TEMP TABLE IF NOT EXISTS anchor_probe (position INTEGER, key INTEGER)")
            # One read transaction: a consistent snapshot, and the probe rows
            # (temp database, never locked by other writers) in one commit.
            # Inside ``atomically`` the write transaction is that snapshot.
            own = not db.in_transaction
            if own:
                db.execute("BEGIN")
            try:
                db.executemany("INSERT INTO probe VALUES (?, ?)", probe)
                for position, article_id in db.execute(CANDIDATES_SQL):
                    found[position].add(article_id)
                db.execute("DELETE FROM probe")
                db.executemany("INSERT INTO anchor_probe VALUES (?, ?)", anchor_probe)
                for position, article_id, shared, theirs in db.execute(ANCHORS_SQL):
                    if is_containment_candidate(shared, anchors[position].size, theirs):
                        found[position].add(article_id)
                db.execute("DELETE FROM anchor_probe")
            finally:
                if own:
                    db.execute("COMMIT")
        except sqlite3.Error as error:
            raise self._error(error, "looking up candidates") from None
        return [sorted(ids) for ids in found]

    @one_thread_at_a_time
    def get(self, ids: Iterable[str]) -> dict[str, StoredArticle]:
        from compare.dedup.index.codec import decode

        wanted = list(dict.fromkeys(ids))
        result: dict[str, StoredArticle] = {}
        try:
            for chunk in chunked(wanted, 500):
                marks = ",".join("?" * len(chunk))
                for row in self._db.execute(
                    f"SELECT id, title, source, url, published, shingles, chars FROM articles WHERE id IN ({marks})", chunk
                ):
                    chars = decode(row[6]) if row[6] is not None else _NO_VALUES
                    result[row[0]] = StoredArticle(row[0], row[1], row[2], row[3], row[4], decode(row[5]), chars)
        except sqlite3.Error as error:
            raise self._error(error, "reading articles") from None
        return result

    @one_thread_at_a_time
    def stats(self) -> IndexStats:
        p = self.parameters
        try:
            (articles,) = self._db.execute("SELECT count(*) FROM articles").fetchone()
            (entries,) = self._db.execute("SELECT count(*) FROM bands").fetchone()
            (learned,) = self._db.execute("SELECT count(*) FROM boilerplate WHERE articles >= ?", (LEARN_MIN_ARTICLES,)).fetchone()
            (with_chars,) = self._db.execute("SELECT count(chars) FROM articles").fetchone()
        except sqlite3.Error as error:
            raise self._error(error, "counting") from None
        return IndexStats(
            self.backend, self.location, articles, p.settings, p.candidate_threshold, p.bands, p.rows, entries, learned, with_chars
        )

    @one_thread_at_a_time
    def check(self) -> list[str]:
        """Consistency problems (empty when the index is sound): used after crashes and in tests.

        Every article with shingles has exactly one band entry per key in its
        row (word bands, the character bands when it has character shingles,
        its stored anchors), and every band entry belongs to an article. Reads
        the whole band table.
        """
        from compare.dedup.lsh import CHAR_BANDS

        p = self.parameters
        problems = []
        per_article = dict(self._db.execute("SELECT article, count(*) FROM bands GROUP BY article"))
        articles = self._db.execute("SELECT rowid, id, length(bands), chars IS NOT NULL FROM articles").fetchall()
        known = {rowid for rowid, _, _, _ in articles}
        orphans = sum(n for article, n in per_article.items() if article not in known)
        if orphans:
            problems.append(f"{orphans} band entries point at no article")
        for rowid, article_id, band_bytes, has_chars in articles:
            expected = band_bytes // 4 if band_bytes else 0
            if band_bytes and expected < p.bands + (CHAR_BANDS if has_chars else 0):
                problems.append(f"article {article_id!r} lacks band keys ({expected})")
            if per_article.get(rowid, 0) != expected:
                problems.append(f"article {article_id!r} has {per_article.get(rowid, 0)} of {expected} band entries")
        (integrity,) = self._db.execute("PRAGMA quick_check").fetchone()
        if integrity != "ok":
            problems.append(f"quick_check: {integrity}")
        return problems

    def export(self) -> Iterator[dict[str, Any]]:
        from compare.dedup.index.codec import count

        try:
            rows = self._db.execute("SELECT id, title, source, url, published, added, shingles FROM articles ORDER BY rowid")
            for row in rows:
                added = datetime.fromtimestamp(row[5], timezone.utc).isoformat(timespec="seconds")
                yield {
                    "id": row[0], "title": row[1], "source": row[2], "url": row[3],
                    "published": row[4], "added": added, "shingles": count(row[6]),
                }
        except sqlite3.Error as error:
            raise self._error(error, "exporting") from None

    def close(self) -> None:
        self._db.close()


def _fold(keys: np.ndarray) -> np.ndarray:
    """64-bit band keys (n, bands) -> int32 keys: a row of the band table takes ~10 bytes, not ~17."""
    unsigned = keys.view(np.uint64)
    return ((unsigned ^ (unsigned >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32).view(_INT32)


def _tables(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _tune(db: sqlite3.Connection) -> None:
    """WAL journal and a page cache sized for the index (a writer's settings)."""
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute(f"PRAGMA cache_size = {CACHE_KIB}")
    db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")


def _check_writable(path: Path) -> None:
    """A writer needs the file and its directory (SQLite creates the WAL and its shared memory beside it)."""
    import os

    if path.exists() and not os.access(path, os.W_OK):
        raise IndexStoreError(
            f"{path}: the index file is read-only, so nothing can be added to it; ",
            Hint("read_only_use", "it"),
        )
    if not os.access(path.parent, os.W_OK):
        raise IndexStoreError(
            f"{path}: directory {path.parent} is read-only; SQLite needs to create its journal files there to write. ",
            Hint("read_only_use", "an index there"),
        )


def _connect_read_only(path: Path, lock_timeout: float) -> sqlite3.Connection:
    """A connection that never writes: stats, export and ``report --index`` on an index they may not change.

    In a directory this process cannot write, SQLite cannot create the WAL's
    shared-memory file; the index is then opened ``immutable`` (no locking:
    nothing can be writing it from here either).
    """
    import os
    from urllib.parse import quote

    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    if not os.access(path.parent, os.W_OK) and not Path(f"{path}-shm").exists():
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, timeout=lock_timeout, isolation_level=None, check_same_thread=False)


def _line_rows(lines: LineCounts | None) -> list[tuple[str, int, int]]:
    """(source, signed key, count) rows for the boilerplate upsert."""
    rows: list[tuple[str, int, int]] = []
    for source, keys in (lines or {}).items():
        unique, counts = np.unique(np.asarray(keys, dtype=np.uint64), return_counts=True)
        rows.extend(zip([source] * len(unique), unique.view(np.int64).tolist(), counts.tolist(), strict=True))
    return rows
