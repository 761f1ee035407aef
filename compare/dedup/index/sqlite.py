"""SQLite index: one file, WAL journal, one transaction per batch.

Schema (``PRAGMA user_version`` = 8; 8: learned-chrome counts keyed by line
first, new counts waiting in ``chrome_fresh``; 7: the ``stock`` table of anchors
stored for INDEX_ANCHOR_MAX_ARTICLES articles, which lookups skip; 6: the
shingle sets moved out of the article row into ``sets``; 5: the article row no longer holds a copy of its
band keys, and new band rows wait in ``fresh``; 4: character samples without
the stop grams. An index of another version is refused with "rebuild it",
never read with the wrong layout):

- ``settings(name, value)``: fingerprint settings and LSH band parameters.
- ``articles(rowid AUTOINCREMENT, id UNIQUE, title, source, url, published,
  added, anchors, entries, char_digest BLOB)``: ``added`` in Unix seconds;
  ``anchors`` how many anchors the article has (the containment rule needs
  it); ``entries`` how many band rows it has; ``char_digest`` 64 bytes of the
  character MinHash (``char_digest``: the agreement check of character-band
  hits). Every band hit of a lookup reads its article's row, so this table
  holds only what a hit needs (~150-300 bytes a row): at 1,000,000 articles
  it stays a few hundred MB of hot pages instead of ~2 GB of rows read at
  random (format 5 kept the shingle sets here).
- ``sets(article INTEGER PRIMARY KEY, shingles BLOB, chars BLOB)``: what exact
  verification reads, only for the few candidates: ``shingles`` the compact
  shingle set (``codec.py``: 18-bit values, Rice-coded, ~1.3 bytes per
  shingle); ``chars`` the sampled character shingles (16-bit values,
  Rice-coded, ~1.1 bytes each; NULL without the character signal).
- ``bands(key, article)``: the LSH buckets, one row per word band, character
  band and stored anchor of each article; ``key`` is a 32-bit hash of (band
  number, the band's values; character bands and anchors salted), so a row
  is ~13 bytes in its B-tree. A WITHOUT ROWID primary key makes a lookup one
  B-tree descent. A 32-bit collision only adds a candidate that exact
  verification drops. Rows of removed or replaced articles stay behind
  (``_delete_ids``) and match nothing.
- ``fresh(key, article)``: band rows not yet swept into ``bands``, and
  ``sweep(position, rows)``: where the next sweep starts, how many band rows
  were ever added (``SQLiteIndex._sweep``: why two tables).
- ``stock(key)``: the anchor keys stored for INDEX_ANCHOR_MAX_ARTICLES
  articles (stock phrases). A lookup does not read their rows: batch dedup
  ignores an anchor carried by more than that many articles, and such a key
  and the article probing it are more. Without this, chance hits of stock
  phrases were most anchor rows a lookup read (60 % at 300,000 articles)
  and grew with the index.
- ``boilerplate(key, source, articles)``: how many stored articles of a
  source carried each short line (``key``: the line's 64-bit key, signed),
  learned chrome once LEARN_MIN_ARTICLES; ``chrome_fresh`` (the same
  columns): counts not yet swept into it, and ``chrome_sweep(position,
  rows)`` (``SQLiteIndex._sweep_lines``). A line's count is the sum of its
  rows in the two tables.

Per 600-word article that is about 0.8 KB of shingles, ~0.45 KB of character
sample, ~1.8 KB of band rows (~141: 32 + 32 + ~77 anchors), the id twice
(row and UNIQUE index) and the metadata given.

Why SQLite: in the standard library, one file to copy, and transactions that
make a killed ingest harmless (WAL: a batch is either fully in the file or
not at all). Reads never block on a writer; a second writer waits
``lock_timeout`` seconds and then gets a clear error.
"""

from __future__ import annotations

import functools
import json
import math
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timezone
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

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
from compare.dedup.index.checked import record_as_left, unchanged_since_left
from compare.dedup.lsh import CHAR_BUCKET_MAX
from compare.errors import Hint, IndexStoreError
from compare.parallel import chunked
from compare.text.chrome import LEARN_MIN_ARTICLES

if TYPE_CHECKING:
    from compare.article import Article
    from compare.dedup.fingerprint import Fingerprint

SCHEMA_VERSION = 8
#: Page cache (negative = KiB), an upper bound (pages are allocated as they are
#: read). The band table's keys are random, so inserts touch pages all over
#: its B-tree; SQLite's 2 MB default made ingest into a 100,000-article index
#: disk-bound. More than 512 MB gains nothing measurable: 3 GB at 300,000
#: articles and 4 GB at 1,000,000 (a 3.7 GB file, band table ~1.8 GB) gave
#: the same ingest CPU per article, alternated (1 December 2026): the pages
#: come from the OS's file cache either way, and most pages a batch reads were
#: read by no earlier batch of the process.
CACHE_KIB = -524288
#: Memory-mapped reads of up to this many bytes (no copy into the page cache).
MMAP_BYTES = 2**31
_INT32 = np.dtype("<i4")
_NO_VALUES = np.empty(0, dtype=np.uint32)
_NO_KEYS = np.empty(0, dtype=_INT32)

_SCHEMA = """
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    title TEXT, source TEXT, url TEXT, published TEXT,
    added INTEGER NOT NULL,
    anchors INTEGER NOT NULL DEFAULT 0,
    entries INTEGER NOT NULL DEFAULT 0,
    char_digest BLOB
);
-- Articles with one anchor: one shared anchor makes them containment candidates (SINGLE_ANCHOR_SQL).
CREATE INDEX single_anchor ON articles (anchors) WHERE anchors = 1;
-- The shingle sets exact verification reads (apart: every band hit reads its article row).
CREATE TABLE sets (article INTEGER PRIMARY KEY, shingles BLOB NOT NULL, chars BLOB);
CREATE TABLE bands (
    key INTEGER NOT NULL, article INTEGER NOT NULL,
    PRIMARY KEY (key, article)
) WITHOUT ROWID;
-- Band rows not yet swept into ``bands`` (see SQLiteIndex._sweep).
CREATE TABLE fresh (
    key INTEGER NOT NULL, article INTEGER NOT NULL,
    PRIMARY KEY (key, article)
) WITHOUT ROWID;
-- Where the next sweep starts (a signed 32-bit key) and how many band rows were ever added.
CREATE TABLE sweep (position INTEGER NOT NULL, rows INTEGER NOT NULL);
INSERT INTO sweep VALUES (-2147483648, 0);
-- Anchor keys stored for INDEX_ANCHOR_MAX_ARTICLES articles: lookups skip them (ANCHOR_HITS_SQL).
CREATE TABLE stock (key INTEGER PRIMARY KEY);
-- How many stored articles of a source carried each short line: chrome once >= 3 (with ``chrome_fresh``).
CREATE TABLE boilerplate (
    key INTEGER NOT NULL, source TEXT NOT NULL, articles INTEGER NOT NULL,
    PRIMARY KEY (key, source)
) WITHOUT ROWID;
-- Line counts not yet swept into ``boilerplate`` (see SQLiteIndex._sweep_lines): a line has the sum of both counts.
CREATE TABLE chrome_fresh (
    key INTEGER NOT NULL, source TEXT NOT NULL, articles INTEGER NOT NULL,
    PRIMARY KEY (key, source)
) WITHOUT ROWID;
-- Where the next line sweep starts (a signed 64-bit key) and how many line counts were ever added.
CREATE TABLE chrome_sweep (position INTEGER NOT NULL, rows INTEGER NOT NULL);
INSERT INTO chrome_sweep VALUES (-9223372036854775808, 0);
"""


#: The probed keys come as one JSON array (parameter 1: ``_probes``), each
#: value (position << 32) + (key + 2**31), in key order; ``json_each`` reads
#: it in C (a temp table filled by executemany cost as much as the searches).
_POSITION = "(p.value >> 32)"
_KEY = "((p.value & 4294967295) - 2147483648)"
#: Candidates of the probed band keys, with each stored article's character digest,
#: anchor count and ordinal (``_plausible``: chance hits are dropped before their sets are read). CROSS JOIN fixes the join order (the
#: probe rows drive one primary-key search each): left to itself, SQLite's
#: planner, with no statistics on the probes, scanned the whole band
#: table for every batch, so each lookup cost O(index size).
CANDIDATES_SQL = (
    f"SELECT {_POSITION}, a.id, a.char_digest, a.anchors, a.rowid FROM json_each(?1) p"
    f" CROSS JOIN bands b ON b.key = {_KEY}"
    " CROSS JOIN articles a ON a.rowid = b.article"
    f" UNION SELECT {_POSITION}, a.id, a.char_digest, a.anchors, a.rowid FROM json_each(?1) p"
    f" CROSS JOIN fresh b ON b.key = {_KEY}"
    " CROSS JOIN articles a ON a.rowid = b.article"
)
#: The same for the character bands, with each stored article's character digest.
#: Character probe keys whose bucket holds more than ``CHAR_BUCKET_MAX`` stored articles
#: (parameter 3; parameter 2 is one more) are left out, as batch dedup leaves out crowded
#: character buckets (``compare.dedup.lsh.CHAR_BUCKET_MAX``): on text whose words share their
#: letters every lookup read a share of the whole index. Each bucket is counted up to the bound only.
CHAR_CANDIDATES_SQL = (
    "WITH p AS (SELECT value FROM json_each(?1) p"
    f" WHERE (SELECT count(*) FROM (SELECT 1 FROM bands c WHERE c.key = {_KEY} LIMIT ?2))"
    f" + (SELECT count(*) FROM (SELECT 1 FROM fresh c WHERE c.key = {_KEY} LIMIT ?2)) <= ?3)"
    f" SELECT {_POSITION}, a.id, a.char_digest FROM p"
    f" CROSS JOIN bands b ON b.key = {_KEY}"
    " CROSS JOIN articles a ON a.rowid = b.article"
    f" UNION SELECT {_POSITION}, a.id, a.char_digest FROM p"
    f" CROSS JOIN fresh b ON b.key = {_KEY}"
    " CROSS JOIN articles a ON a.rowid = b.article"
)
#: The band rows of the probed anchors, swept or not, as two JSON arrays (the
#: probe value, the article), counted in numpy (``_anchor_candidates``) rather
#: than row by row; a probed key in ``stock`` gives one row with article -1
#: instead of its INDEX_ANCHOR_MAX_ARTICLES rows. Its rows are not read: each
#: stock phrase of an article cost that many chance hits, and an index holds
#: more of them as it grows. MATERIALIZED: ``stock`` is searched once per
#: probe, not once per branch.
ANCHOR_HITS_SQL = (
    f"WITH p AS MATERIALIZED (SELECT value, {_KEY} AS key, EXISTS (SELECT 1 FROM stock s WHERE s.key = {_KEY}) AS stock"
    " FROM json_each(?1) p)"
    " SELECT json_group_array(h.probe), json_group_array(h.article) FROM ("
    "SELECT p.value AS probe, b.article FROM p CROSS JOIN bands b ON b.key = p.key WHERE NOT p.stock"
    " UNION ALL SELECT p.value, b.article FROM p CROSS JOIN fresh b ON b.key = p.key WHERE NOT p.stock"
    " UNION ALL SELECT p.value, -1 FROM p WHERE p.stock) h"
)
#: Of the given ordinals (a JSON array), those of articles with a single anchor (``single_anchor``, a partial index).
SINGLE_ANCHOR_SQL = (
    "SELECT a.rowid FROM json_each(?1) j CROSS JOIN articles a INDEXED BY single_anchor ON a.anchors = 1 AND a.rowid = j.value"
)
#: Id and anchor count of the given ordinals (a JSON array) that are stored articles.
ANCHOR_OWNERS_SQL = "SELECT a.rowid, a.id, a.anchors FROM json_each(?1) j CROSS JOIN articles a ON a.rowid = j.value"
#: New band rows as one JSON array, each (key + 2**31) * _ORDINAL_LIMIT + article.
FRESH_ROWS_SQL = (
    "INSERT OR IGNORE INTO fresh (key, article)"
    " SELECT value / 2147483648 - 2147483648, value % 2147483648 FROM json_each(?1)"
)
_ORDINAL_LIMIT = 2**31
#: Every band row, swept or not.
ALL_BANDS = "(SELECT key, article FROM bands UNION ALL SELECT key, article FROM fresh)"
_KEY_SPACE = 2**32
#: Band rows between two sweeps of ``fresh`` (``SQLiteIndex._sweep``): ~140 articles' worth.
SWEEP_EVERY_ROWS = 20_000
_LINE_KEY_SPACE = 2**64
#: Line counts between two sweeps of ``chrome_fresh`` (``SQLiteIndex._sweep_lines``): ~240 articles' worth.
SWEEP_EVERY_LINES = 2_000
#: Of the line keys given (a JSON array of signed keys), those of source ?2 counted for ?3 or more
#: articles, ``boilerplate`` and ``chrome_fresh`` added up: two primary-key searches per key.
LEARNED_SQL = (
    "SELECT j.value FROM json_each(?1) j"
    " WHERE coalesce((SELECT b.articles FROM boilerplate b WHERE b.key = j.value AND b.source = ?2), 0)"
    " + coalesce((SELECT f.articles FROM chrome_fresh f WHERE f.key = j.value AND f.source = ?2), 0) >= ?3"
)
#: How many lines are learned chrome (a count of ?1 or more, ``boilerplate`` and ``chrome_fresh`` added up):
#: the swept lines that already had it, and the unswept counts that bring a line to it. Counts are
#: positive, so no line is counted twice, and only the small ``chrome_fresh`` is searched row by row.
LEARNED_COUNT_SQL = (
    "SELECT (SELECT count(*) FROM boilerplate WHERE articles >= ?1)"
    " + (SELECT count(*) FROM chrome_fresh f LEFT JOIN boilerplate b ON b.key = f.key AND b.source = f.source"
    " WHERE coalesce(b.articles, 0) < ?1 AND f.articles + coalesce(b.articles, 0) >= ?1)"
)


def _due_slices(db: sqlite3.Connection, state: str, added: int, every: int, space: int) -> list[tuple[str, tuple[int, ...]]]:
    """The key ranges a sweep moves now (a WHERE condition and its parameters each), after ``added`` new rows.

    ``state`` is the sweep's one-row table (position, rows) over signed keys
    of ``space`` values. A sweep is due when the rows ever added pass a
    multiple of ``every``; it then takes ``sqrt(pending / rows)`` of the key
    space from ``position`` on (``SQLiteIndex._sweep``: why), wrapping
    around at the top. Updates ``state``; returns [] when no sweep is due.
    """
    position, rows = db.execute(f"SELECT position, rows FROM {state}").fetchone()
    before, rows = rows, rows + added
    if rows // every == before // every:
        db.execute(f"UPDATE {state} SET rows = ?", (rows,))
        return []
    pending = rows - before // every * every
    width = min(space, int(np.ceil(space * np.sqrt(pending / max(rows, 1)))))
    top, end = space // 2, position + width
    ranges: list[tuple[str, tuple[int, ...]]]
    if end < top:
        ranges = [("key >= ?1 AND key < ?2", (position, end))]
    else:  # to the top (a bound of ``top`` would not fit a 64-bit key), then on from the bottom
        end -= space
        ranges = [("key >= ?1", (position,)), ("key >= ?1 AND key < ?2", (-top, end))]
    db.execute(f"UPDATE {state} SET position = ?, rows = ?", (end, rows))
    return ranges


def _is_lock_error(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class SQLiteIndex(ArticleIndex):
    """The embedded, persistent default index."""

    backend = "sqlite"

    def __init__(self, path: Path, connection: sqlite3.Connection, parameters: IndexParameters, *, read_only: bool = False) -> None:
        super().__init__(str(path), parameters)
        self.path = path
        self._db = connection
        self._read_only = read_only
        # Anchor key -> band rows, counted by the lookups of the current write
        # transaction (``candidates_many``), for ``_kept_anchors`` of its add.
        self._anchor_counts_seen: dict[int, int] | None = None

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
        return cls(path, db, parameters, read_only=read_only)

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
            # cross-checks): 4.5 CPU-s for a 1.1 GB index of 300,000 articles. It is
            # skipped when the file is exactly as a writer of this tool left it (``checked``).
            problems = ["ok"] if unchanged_since_left(Path(where)) else _integrity_problems(db)
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
        finally:
            self._anchor_counts_seen = None  # counted under this write lock only
        return result

    def add(self, items: Iterable[tuple[Fingerprint, Article]], *, lines: LineCounts | None = None) -> list[str]:
        batch = list(items)
        line_rows = _line_rows(lines)
        if not batch and not line_rows:
            return []
        return self.atomically(lambda: self._insert(batch, line_rows))

    def _insert(self, batch: list[tuple[Fingerprint, Article]], line_rows: list[tuple[int, str, int]]) -> list[str]:
        from compare.dedup.index.codec import encode

        # One entry per id, the later version winning (as from a later batch).
        batch = list({article.id: (fp, article) for fp, article in batch}.values())
        fps = [fp for fp, _ in batch]
        keys = _fold(self.band_keys(fps))
        char_keys = _fold(self.char_band_keys(fps))
        anchors = [_fold(anchor_keys(index_anchors(fp.shingles))) for fp in fps]
        now = int(time.time())
        db = self._db
        try:
            ids = [a.id for _, a in batch]
            self._delete_ids(ids)
            kept = self._kept_anchors(anchors)
            # Ordinals are given here, not by SQLite one INSERT at a time, so the
            # batch's rows go in with two executemany calls. AUTOINCREMENT: an
            # ordinal is never given again, so the band rows a removed article
            # leaves behind never point at a later one.
            row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'articles'").fetchone()
            first = (row[0] if row else 0) + 1
            article_rows = []
            set_rows = []
            parts: list[np.ndarray] = []
            owners: list[np.ndarray] = []
            for offset, ((fp, article), word_row, char_row, anchor_row) in enumerate(zip(batch, keys, char_keys, kept, strict=True)):
                ordinal = first + offset
                entries = 0
                if not fp.is_empty:  # nothing to match: kept for metadata, never a candidate
                    # Unique: two of its keys can be equal (32 bits), and the table holds a (key, article) pair once.
                    band_row = np.unique(np.concatenate([word_row, char_row, anchor_row] if fp.has_chars else [word_row, anchor_row]))
                    entries = int(band_row.size)
                    parts.append(band_row)
                    owners.append(np.full(entries, ordinal, dtype=np.int64))
                article_rows.append((
                    ordinal, article.id, article.title, article.source, article.url, article.published, now,
                    int(anchors[offset].size), entries,
                    char_digest(fp.char_signature).tobytes() if fp.has_chars else None,
                ))
                set_rows.append((
                    ordinal,
                    encode(self.comparable(fp.shingles)),
                    encode(self.comparable_chars(fp.chars)) if fp.has_chars else None,
                ))
            db.executemany(
                "INSERT INTO articles (rowid, id, title, source, url, published, added, anchors, entries, char_digest)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                article_rows,
            )
            db.executemany("INSERT INTO sets (article, shingles, chars) VALUES (?, ?, ?)", set_rows)
            if parts:
                band_keys = np.concatenate(parts).astype(np.int64)
                articles = np.concatenate(owners)
                order = np.lexsort((articles, band_keys))  # B-tree order: neighbouring keys share pages
                if articles[-1] < _ORDINAL_LIMIT:  # one JSON array read in C, not ~70,000 rows bound one by one
                    packed = (band_keys[order] + 2**31) * _ORDINAL_LIMIT + articles[order]
                    db.execute(FRESH_ROWS_SQL, (json.dumps(packed.tolist()),))
                else:
                    db.executemany(
                        "INSERT OR IGNORE INTO fresh (key, article) VALUES (?, ?)",
                        zip(band_keys[order].tolist(), articles[order].tolist(), strict=True),
                    )
                self._sweep(int(band_keys.size))
            if line_rows:
                db.executemany(
                    "INSERT INTO chrome_fresh (key, source, articles) VALUES (?, ?, ?)"
                    " ON CONFLICT (key, source) DO UPDATE SET articles = articles + excluded.articles",
                    line_rows,
                )
                self._sweep_lines(len(line_rows))
        except sqlite3.Error as error:
            raise self._error(error, f"adding {len(batch)} articles") from None
        return ids

    def _sweep(self, added: int) -> None:
        """Move the next slice of the key space from ``fresh`` into ``bands``; ``added`` rows just went into ``fresh``.

        Why two tables: band keys are random, so once the band table is much
        larger than a batch, each of a batch's ~70,000 rows (500 articles)
        lands on a page of its own, and each page a batch changes is written
        twice (WAL, then checkpoint): ~141 page writes per article at
        1,000,000 articles, the cost that grew with the index. New rows go
        into ``fresh`` instead, which stays small, and each batch sweeps the
        rows of one contiguous slice of the key space into ``bands``: a run of
        neighbouring pages, written together. A slice of ``f`` of the key
        space touches ``f`` of the band table's pages, and ``fresh`` then holds
        about ``added / f`` rows, every page of which a batch may touch; the
        sum is smallest at ``f = sqrt(added / rows)``: ~2 * sqrt(70,000 rows x
        the table's pages / rows per page) pages per batch, ~40 pages per
        article at 1,000,000 articles instead of ~130. Lookups read both
        tables (``fresh`` is small and in the cache).

        A sweep runs only when the rows ever added pass a multiple of
        ``SWEEP_EVERY_ROWS``, for the rows added since the last one: a slice
        touches at least a page per ~``1 / f`` rows whatever it carries, so
        sweeping after each small commit (``ingest -`` with slow input, one
        process per article) cost 274 band-table page writes per article at
        300,000 articles (measured: WAL frames of one-article commits; now
        21). Any width is correct (lookups read both tables); this only
        chooses when the work is done.
        """
        db = self._db
        for within, bounds in _due_slices(db, "sweep", added, SWEEP_EVERY_ROWS, _KEY_SPACE):
            db.execute(f"INSERT OR IGNORE INTO bands (key, article) SELECT key, article FROM fresh WHERE {within}", bounds)
            db.execute(f"DELETE FROM fresh WHERE {within}", bounds)

    def _sweep_lines(self, added: int) -> None:
        """Move the next slice of the line-key space from ``chrome_fresh`` into ``boilerplate``, adding up counts.

        The band rows' scheme (``_sweep``) for the learned-chrome counts:
        each article counts ~8-20 short lines of its source, nearly all of
        them never seen again (a count of 1 forever), at random keys. Upserted
        straight into ``boilerplate``, a batch's ~4,000 counts dirtied ~4,000
        of its pages once it held a few million rows (9.4 page writes per
        article at 300,000 articles, each written twice: WAL and checkpoint).
        New counts go into the small ``chrome_fresh`` instead, and each batch
        sweeps one slice of the key space (``sqrt(added / rows)`` of it) into
        ``boilerplate``, whose primary key starts with the line key so the
        slice is one run of neighbouring pages. A line's count is the sum of
        its rows in both tables (``learned_lines``, ``stats``). As for band
        rows, a sweep runs only when the counts ever added pass a multiple of
        ``SWEEP_EVERY_LINES``, for the counts added since the last one: a
        one-article commit would otherwise rewrite a slice of the table.
        """
        db = self._db
        for within, bounds in _due_slices(db, "chrome_sweep", added, SWEEP_EVERY_LINES, _LINE_KEY_SPACE):
            db.execute(
                f"INSERT INTO boilerplate (key, source, articles) SELECT key, source, articles FROM chrome_fresh WHERE {within}"
                " ON CONFLICT (key, source) DO UPDATE SET articles = articles + excluded.articles",
                bounds,
            )
            db.execute(f"DELETE FROM chrome_fresh WHERE {within}", bounds)

    def _kept_anchors(self, anchors: list[np.ndarray]) -> list[np.ndarray]:
        """Each article's anchors less those already stored for INDEX_ANCHOR_MAX_ARTICLES articles (stock phrases).

        Most anchors are stored for no or few articles: only keys whose stored
        count plus this batch's could pass the limit are walked one by one.
        Keys that reach the limit with this batch go into ``stock``.
        """
        if not anchors:
            return []
        every = np.concatenate(anchors)
        unique, in_batch = np.unique(every, return_counts=True)
        seen, self._anchor_counts_seen = self._anchor_counts_seen, None  # this add changes them
        if seen is None:
            stored = self._anchor_counts(unique)
        else:
            # The batch's lookups counted these keys under the same write lock
            # (ingest looks up every article it adds): probing the band tables
            # again for each anchor of each new article would double the reads.
            keys = unique.tolist()
            missing = [key for key in keys if key not in seen]
            stored = {key: seen[key] for key in keys if key in seen}
            if missing:
                stored.update(self._anchor_counts(np.asarray(missing, dtype=unique.dtype)))
        counts = np.fromiter((stored.get(k, 0) for k in unique.tolist()), dtype=np.int64, count=unique.size)
        total = counts + in_batch
        filling = unique[(counts < INDEX_ANCHOR_MAX_ARTICLES) & (total >= INDEX_ANCHOR_MAX_ARTICLES)]
        if filling.size:
            self._db.executemany("INSERT OR IGNORE INTO stock (key) VALUES (?)", ((k,) for k in filling.tolist()))
        over = total > INDEX_ANCHOR_MAX_ARTICLES
        crowded = dict(zip(unique[over].tolist(), counts[over].tolist(), strict=True))
        if not crowded:
            return anchors
        kept = []
        for row in anchors:
            keep = np.ones(row.size, dtype=bool)
            for i, key in enumerate(row.tolist()):
                if key in crowded:
                    keep[i] = crowded[key] < INDEX_ANCHOR_MAX_ARTICLES
                    crowded[key] += int(keep[i])
            kept.append(row[keep])
        return kept

    def _anchor_counts(self, keys: np.ndarray) -> dict[int, int]:
        """How many stored articles each anchor key is stored for (at most INDEX_ANCHOR_MAX_ARTICLES)."""
        counts: dict[int, int] = {}
        for chunk in chunked(keys.tolist(), 500):
            marks = ",".join("?" * len(chunk))
            counts.update(
                self._db.execute(
                    f"SELECT key, count(*) FROM (SELECT key FROM bands WHERE key IN ({marks})"
                    f" UNION ALL SELECT key FROM fresh WHERE key IN ({marks})) GROUP BY key",
                    chunk + chunk,
                )
            )
        return counts

    def _delete_ids(self, ids: Sequence[str]) -> None:
        # Only the article rows go: the band rows of a removed or replaced
        # article stay behind, pointing at an ordinal no article will have
        # again (AUTOINCREMENT), and every lookup joins them with the
        # articles, so they match nothing. Finding them would need either the
        # article's band keys stored a second time in its row (~0.6 KB per
        # article, for a removal that ingest seldom makes) or a second index
        # of the band table by article (it doubled the cost of every insert).
        for chunk in chunked(ids, 500):
            marks = ",".join("?" * len(chunk))
            self._db.execute(f"DELETE FROM sets WHERE article IN (SELECT rowid FROM articles WHERE id IN ({marks}))", chunk)
            self._db.execute(f"DELETE FROM articles WHERE id IN ({marks})", chunk)

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
                for (key,) in self._db.execute(LEARNED_SQL, (json.dumps(signed), source, min_articles)):
                    found.setdefault(source, set()).add(key & 0xFFFFFFFFFFFFFFFF)
        except sqlite3.Error as error:
            raise self._error(error, "reading learned boilerplate") from None
        return found

    @one_thread_at_a_time
    def candidates_many(
        self, fingerprints: Sequence[Fingerprint], *, threshold: float | None = None, containment_threshold: float | None = None
    ) -> list[list[str]]:
        if not fingerprints:
            return []
        keys = _fold(self.band_keys(fingerprints))
        char_keys = _fold(self.char_band_keys(fingerprints))
        probe, _ = _probes(list(keys), fingerprints)
        char_probe, _ = _probes([row if fp.has_chars else _NO_KEYS for fp, row in zip(fingerprints, char_keys, strict=True)], fingerprints)
        anchors = [index_anchors(fp.shingles) if not fp.is_empty else None for fp in fingerprints]
        anchor_probe, anchor_probed = _probes([_fold(anchor_keys(a)) if a is not None else _NO_KEYS for a in anchors], fingerprints)
        found: list[set[str]] = [set() for _ in fingerprints]
        char_only: list[tuple[int, str, bytes]] = []
        try:
            db = self._db
            # One read transaction: a consistent snapshot, and the probe rows
            # (temp database, never locked by other writers) in one commit.
            # Inside ``atomically`` the write transaction is that snapshot.
            own = not db.in_transaction
            if own:
                db.execute("BEGIN")
            try:
                word_hits = db.execute(CANDIDATES_SQL, (probe,)).fetchall()
                mine = np.array([a.size if a is not None else 0 for a in anchors], dtype=np.int64)
                by_anchors, sharing = self._anchor_candidates(anchor_probe, anchor_probed, mine)
                for position, article_id in by_anchors:
                    found[position].add(article_id)
                char_hits = db.execute(CHAR_CANDIDATES_SQL, (char_probe, CHAR_BUCKET_MAX + 1, CHAR_BUCKET_MAX)).fetchall()
            finally:
                if own:
                    db.execute("COMMIT")
        except sqlite3.Error as error:
            raise self._error(error, "looking up candidates") from None
        word_only = [hit for hit in word_hits if hit[1] not in found[hit[0]]]
        for position, article_id in _plausible(word_only, fingerprints, mine, sharing, threshold, containment_threshold):
            found[position].add(article_id)
        char_only = [hit for hit in char_hits if hit[1] not in found[hit[0]]]
        for position, article_id in _agreeing(char_only, fingerprints):
            found[position].add(article_id)
        return [sorted(ids) for ids in found]

    def _anchor_candidates(self, probe: str, probed: list[int], mine: np.ndarray) -> tuple[list[tuple[int, str]], AnchorsShared]:
        """(position, id) of the stored articles sharing enough anchors with the probing ones (containment candidates),
        and how many anchors each pair shares (``AnchorsShared``).

        ``probe`` is the anchors' ``_probes`` array, ``probed`` its distinct
        keys, ``mine`` how many anchors each probing article has. Inside a
        write step, the band rows counted per key are kept for the add that
        follows (``_kept_anchors``). Only pairs that can pass
        ``is_containment_candidate`` are looked up: sharing one anchor is
        enough only when one of the two has a single anchor. A stock key
        (``stock``) makes no candidate and counts as stored for
        INDEX_ANCHOR_MAX_ARTICLES articles.
        """
        db = self._db
        probes_json, articles_json = db.execute(ANCHOR_HITS_SQL, (probe,)).fetchone()
        hit = np.array(json.loads(probes_json), dtype=np.int64)
        article = np.array(json.loads(articles_json), dtype=np.int64)
        stock = article < 0
        stock_keys = np.unique((hit[stock] & 0xFFFFFFFF) - 2**31).tolist()
        stock_probes = np.bincount(hit[stock] >> 32, minlength=mine.size)
        if stock_keys:
            hit, article = hit[~stock], article[~stock]
        if self._in_step:  # under the write lock: the add of this step can reuse the counts
            # Distinct (key + 2**31, article) pairs: a key probed by two articles counts its rows once.
            rows = np.unique(((hit & 0xFFFFFFFF).astype(np.uint64) << np.uint64(32)) | article.astype(np.uint64))
            keys, counts = np.unique((rows >> np.uint64(32)).astype(np.int64) - 2**31, return_counts=True)
            seen = dict.fromkeys(probed, 0)
            seen.update(zip(keys.tolist(), counts.tolist(), strict=True))
            seen.update(dict.fromkeys(stock_keys, INDEX_ANCHOR_MAX_ARTICLES))
            self._anchor_counts_seen = seen
        if not hit.size:
            return [], AnchorsShared(hit, hit, stock_probes)
        pairs, shared = np.unique(((hit >> 32) << 32) | article, return_counts=True)
        sharing = AnchorsShared(pairs, shared, stock_probes)
        positions, owners = pairs >> 32, pairs & 0xFFFFFFFF
        possible = (shared >= 2) | (mine[positions] == 1)
        lone = np.unique(owners[~possible])
        if lone.size:
            singles = np.array([row[0] for row in db.execute(SINGLE_ANCHOR_SQL, (json.dumps(lone.tolist()),))], dtype=np.int64)
            possible |= np.isin(owners, singles)
        if not possible.any():
            return [], sharing
        owner = {rowid: (article_id, theirs) for rowid, article_id, theirs in db.execute(
            ANCHOR_OWNERS_SQL, (json.dumps(np.unique(owners[possible]).tolist()),)
        )}
        found = []
        for position, rowid, count in zip(positions[possible].tolist(), owners[possible].tolist(), shared[possible].tolist(), strict=True):
            if rowid in owner and is_containment_candidate(count, int(mine[position]), owner[rowid][1]):
                found.append((position, owner[rowid][0]))
        return found, sharing

    @one_thread_at_a_time
    def get(self, ids: Iterable[str]) -> dict[str, StoredArticle]:
        from compare.dedup.index.codec import decode

        wanted = list(dict.fromkeys(ids))
        result: dict[str, StoredArticle] = {}
        try:
            for chunk in chunked(wanted, 500):
                marks = ",".join("?" * len(chunk))
                for row in self._db.execute(
                    "SELECT a.id, a.title, a.source, a.url, a.published, s.shingles, s.chars"
                    f" FROM articles a CROSS JOIN sets s ON s.article = a.rowid WHERE a.id IN ({marks})",
                    chunk,
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
            (entries,) = self._db.execute(f"SELECT count(*) FROM {ALL_BANDS}").fetchone()
            (learned,) = self._db.execute(LEARNED_COUNT_SQL, (LEARN_MIN_ARTICLES,)).fetchone()
            (with_chars,) = self._db.execute("SELECT count(chars) FROM sets").fetchone()
        except sqlite3.Error as error:
            raise self._error(error, "counting") from None
        return IndexStats(
            self.backend, self.location, articles, p.settings, p.candidate_threshold, p.bands, p.rows, entries, learned, with_chars
        )

    @one_thread_at_a_time
    def check(self) -> list[str]:
        """Consistency problems (empty when the index is sound): used after crashes and in tests.

        Every article with shingles has as many band entries as its row says
        (its word bands, the character bands when it has character shingles,
        its stored anchors), and no band entry points at an ordinal never
        given (entries of removed articles are left behind, see
        ``_delete_ids``). Reads the whole band table.
        """
        from compare.dedup.lsh import CHAR_BANDS

        p = self.parameters
        problems = []
        per_article = dict(self._db.execute(f"SELECT article, count(*) FROM {ALL_BANDS} GROUP BY article"))
        row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'articles'").fetchone()
        given = row[0] if row else 0
        strays = sum(n for article, n in per_article.items() if article > given or article < 1)
        if strays:
            problems.append(f"{strays} band entries point at no article ever stored")
        (orphans,) = self._db.execute("SELECT count(*) FROM sets WHERE article NOT IN (SELECT rowid FROM articles)").fetchone()
        if orphans:
            problems.append(f"{orphans} shingle sets belong to no article")
        for rowid, article_id, entries, has_chars, has_set in self._db.execute(
            "SELECT a.rowid, a.id, a.entries, s.chars IS NOT NULL, s.article IS NOT NULL FROM articles a LEFT JOIN sets s ON s.article = a.rowid"
        ):
            if not has_set:
                problems.append(f"article {article_id!r} has no shingle set")
            if entries and entries < p.bands + (CHAR_BANDS if has_chars else 0):
                problems.append(f"article {article_id!r} lacks band keys ({entries})")
            if per_article.get(rowid, 0) != entries:
                problems.append(f"article {article_id!r} has {per_article.get(rowid, 0)} of {entries} band entries")
        (integrity,) = self._db.execute("PRAGMA quick_check").fetchone()
        if integrity != "ok":
            problems.append(f"quick_check: {integrity}")
        return problems

    def export(self) -> Iterator[dict[str, Any]]:
        from compare.dedup.index.codec import count

        try:
            rows = self._db.execute(
                "SELECT a.id, a.title, a.source, a.url, a.published, a.added, s.shingles"
                " FROM articles a CROSS JOIN sets s ON s.article = a.rowid ORDER BY a.rowid"
            )
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
        if not self._read_only:
            record_as_left(self.path)


def _fold(keys: np.ndarray) -> np.ndarray:
    """64-bit band keys (n, bands) -> int32 keys: a row of the band table takes ~10 bytes, not ~17."""
    unsigned = keys.view(np.uint64)
    return ((unsigned ^ (unsigned >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32).view(_INT32)


def char_digest(signature: np.ndarray) -> np.ndarray:
    """The low 4 bits of each value of a character signature, two to a byte (64 bytes for 128 values).

    Two signatures agreeing in a value agree in its low 4 bits, so a pair
    whose digests agree in fewer than ``CHAR_MIN_AGREEMENT`` of the values
    cannot pass the agreement rule on the full signatures; unrelated
    signatures agree in a digest value with probability 1/16.
    """
    nibbles = (np.asarray(signature, dtype=np.uint32) & np.uint32(0xF)).astype(np.uint8)
    return (nibbles[0::2] << np.uint8(4)) | nibbles[1::2]


def _agreeing(hits: list[tuple[int, str, bytes]], fingerprints: Sequence[Fingerprint]) -> list[tuple[int, str]]:
    """The (position, id) of character-band-only hits whose digests agree enough (batch dedup's agreement rule).

    batch dedup keeps a pair that only the character bands propose when its
    two character signatures agree in at least ``CHAR_MIN_AGREEMENT`` of
    their values (``compare.dedup.lsh.char_signatures_agree``). A band
    match alone is cheap to get by chance: ~0.0002 of unrelated news pages,
    so ~170 chance hits per lookup in a 1,000,000-article index, each a
    stored shingle set to read and verify; the lookup cost would grow with
    the index. Checked here on the 64-byte digests (``char_digest``): every
    pair the full rule keeps is kept, and a chance pair (character Jaccard
    ~0.04: ~13 of 128 digest values agree) passes with probability ~1e-4.
    """
    from compare.dedup.fingerprint import CHAR_NUM_PERM
    from compare.dedup.lsh import CHAR_MAX_CANDIDATES, char_agreement_needed

    if not hits:
        return []
    needed = char_agreement_needed(CHAR_NUM_PERM)
    same = _digest_agreement(hits, fingerprints)
    chosen = [(position, article_id, agree) for (position, article_id, _), agree in zip(hits, same.tolist(), strict=True) if agree >= needed]
    # At most CHAR_MAX_CANDIDATES per looked-up article, its best by digest agreement (batch
    # dedup's bound: on text whose words share their letters every stored article agrees enough).
    per_position = Counter(position for position, _, _ in chosen)
    if per_position and max(per_position.values()) > CHAR_MAX_CANDIDATES:
        chosen.sort(key=lambda hit: (hit[0], -hit[2], hit[1]))
        chosen = [hit for _, group in groupby(chosen, key=itemgetter(0)) for hit in islice(group, CHAR_MAX_CANDIDATES)]
    return [(position, article_id) for position, article_id, _ in chosen]


class AnchorsShared(NamedTuple):
    """How many anchors looked-up articles share with stored ones: ``pairs`` (sorted, position << 32 | ordinal)
    and ``counts``, for pairs sharing any; ``stock`` counts each position's probed keys in ``stock`` (not read)."""

    pairs: np.ndarray
    counts: np.ndarray
    stock: np.ndarray

    def of(self, positions: np.ndarray, ordinals: np.ndarray) -> np.ndarray:
        """Anchors each (position, ordinal) pair shares, every stock key its position probed counted as shared."""
        stock = self.stock[positions]
        if not self.pairs.size:
            return stock
        keys = (positions << 32) | ordinals
        at = np.minimum(np.searchsorted(self.pairs, keys), self.pairs.size - 1)
        return np.where(self.pairs[at] == keys, self.counts[at], 0) + stock


def _plausible(
    hits: list[tuple[int, str, bytes | None, int, int]],
    fingerprints: Sequence[Fingerprint],
    anchors: np.ndarray,
    shared: AnchorsShared,
    threshold: float | None,
    containment_threshold: float | None,
) -> list[tuple[int, str]]:
    """The (position, id) of word-band hits that verification at the given thresholds could relate; chance hits are dropped unread.

    ``hits`` are (position, id, stored character digest, stored anchor
    count, ordinal); ``anchors`` how many anchors each looked-up article
    has. Without both thresholds every hit is kept. A word band is two
    signature values (``CANDIDATE_THRESHOLD`` 0.2), so two unrelated
    articles share one with probability ~32 J^2, and the hits of a lookup
    grow with the index: 37 for one generated article at 949,808 indexed,
    each a stored set to read and verify (the lookup p99). ``verify_pair``
    relates a pair in three ways:

    - word Jaccard >= ``threshold``, or character Jaccard >=
      ``CHAR_THRESHOLD``. Character samples are finer than word shingles
      (an edit changes fewer of them), so a pair's character Jaccard is at
      least about its word Jaccard, and its digests (``char_digest``) agree
      in a value with probability J + (1 - J) / 16. A hit is dropped only
      when its agreement is more than four standard deviations below what
      the lower of the two Jaccards gives (``plausible_agreement``: 33 of
      128 at the defaults; an unrelated pair agrees in ~13);
    - the smaller article contained in the other at >= ``containment_threshold``.
      Its anchors are a hash sample of its shingles, so about that share of
      them would be shared: a hit is judged only when the anchors it shares
      (counting every stock anchor the looked-up article probed as shared)
      would be a one-in-a-million shortfall for a contained pair
      (``_containment_ruled_out``).

    A hit is kept unchecked when either side has no character digest (short texts).
    """
    if not hits or threshold is None or containment_threshold is None:
        return [(hit[0], hit[1]) for hit in hits]
    positions = np.array([hit[0] for hit in hits], dtype=np.int64)
    in_common = shared.of(positions, np.array([hit[4] for hit in hits], dtype=np.int64)).tolist()
    smaller = np.minimum(anchors[positions], np.array([hit[3] for hit in hits], dtype=np.int64)).tolist()
    judged = [
        i for i, (position, _, digest, _, _) in enumerate(hits)
        if digest is not None
        and fingerprints[position].has_chars
        and _containment_ruled_out(in_common[i], smaller[i], containment_threshold)
    ]
    keep = np.ones(len(hits), dtype=bool)
    if judged:
        keep[judged] = _digest_agreement([hits[i] for i in judged], fingerprints) >= plausible_agreement(threshold)
    return [(hit[0], hit[1]) for hit, kept in zip(hits, keep.tolist(), strict=True) if kept]


@functools.lru_cache(maxsize=4096)
def _containment_ruled_out(shared: int, anchors: int, containment_threshold: float) -> bool:
    """Whether sharing at most ``shared`` of the smaller article's ``anchors`` anchors has probability < 1e-6
    for an article contained at ``containment_threshold`` (shared anchors ~ Binomial(anchors, threshold))."""
    if anchors == 0 or shared >= anchors:
        return False
    if containment_threshold >= 1.0:
        return True
    c = containment_threshold
    log_terms = [
        math.lgamma(anchors + 1) - math.lgamma(i + 1) - math.lgamma(anchors - i + 1) + i * math.log(c) + (anchors - i) * math.log1p(-c)
        for i in range(shared + 1)
    ]
    top = max(log_terms)
    return top + math.log(sum(math.exp(t - top) for t in log_terms)) < math.log(1e-6)


def plausible_agreement(threshold: float) -> int:
    """The fewest agreeing digest values (of 128) a pair related at ``threshold`` or by the character rule shows, less 4 sd."""
    from compare.dedup.batch import CHAR_THRESHOLD
    from compare.dedup.fingerprint import CHAR_NUM_PERM

    def floor_at(jaccard: float) -> int:
        agree = jaccard + (1 - jaccard) / 16
        return int(np.floor(CHAR_NUM_PERM * agree - 4 * np.sqrt(CHAR_NUM_PERM * agree * (1 - agree))))

    return max(0, min(floor_at(threshold), floor_at(CHAR_THRESHOLD)))


def _digest_agreement(hits: Sequence[tuple[Any, ...]], fingerprints: Sequence[Fingerprint]) -> np.ndarray:
    """In how many of the 128 character-digest values each hit (position, id, stored digest, ...) agrees with its looked-up article."""
    from compare.dedup.fingerprint import CHAR_NUM_PERM

    stored = np.frombuffer(b"".join(hit[2] or bytes(CHAR_NUM_PERM // 2) for hit in hits), dtype=np.uint8).reshape(len(hits), -1)
    digests = {position: char_digest(fingerprints[position].char_signature) for position in {hit[0] for hit in hits}}
    mine = np.stack([digests[hit[0]] for hit in hits])
    return (stored >> 4 == mine >> 4).sum(axis=1) + ((stored & 0xF) == (mine & 0xF)).sum(axis=1)


def _probes(keys: list[np.ndarray], fingerprints: Sequence[Fingerprint]) -> tuple[str, list[int]]:
    """The probes of a lookup as the JSON array ``json_each`` reads, sorted by key, and the distinct keys.

    Each value is (position << 32) + (key + 2**31): ``_POSITION`` and ``_KEY``
    take it apart in SQL. In key order the primary-key searches of the band
    table walk its B-tree from left to right, so a page read for one key is
    still in the cache for its neighbours (in an index larger than the
    cache, random order reads a page per key).
    """
    rows = [row if not fp.is_empty else _NO_KEYS for row, fp in zip(keys, fingerprints, strict=True)]
    if not rows:
        return "[]", []
    flat = np.concatenate(rows).astype(np.int64)
    positions = np.repeat(np.arange(len(rows), dtype=np.int64), [row.size for row in rows])
    order = np.argsort(flat, kind="stable")
    values = (positions[order] << 32) + (flat[order] + 2**31)
    return json.dumps(values.tolist()), np.unique(flat).tolist()


def _tables(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _integrity_problems(db: sqlite3.Connection) -> list[str]:
    """SQLite's whole-file check (``PRAGMA quick_check``): ``["ok"]`` or up to three problems."""
    try:
        return [row[0] for row in db.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as error:
        return [str(error)]


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


def _line_rows(lines: LineCounts | None) -> list[tuple[int, str, int]]:
    """(signed key, source, count) rows for the ``chrome_fresh`` upsert, in key order (neighbouring keys share pages)."""
    rows: list[tuple[int, str, int]] = []
    for source, keys in (lines or {}).items():
        unique, counts = np.unique(np.asarray(keys, dtype=np.uint64), return_counts=True)
        rows.extend(zip(unique.view(np.int64).tolist(), [source] * len(unique), counts.tolist(), strict=True))
    rows.sort()
    return rows
