"""The per-article work of the Spark engine, run on the executors inside ``mapInArrow``.

Every function here turns Arrow record batches into Arrow record batches by
calling the local engine's own per-article functions (``article_from_record``,
``compare.dedup.fingerprinter.learning_record``, ``compare.dedup.fingerprint.fingerprint``,
``compare.dedup.lsh.band_keys``, ``compare.dedup.batch.anchors_of``,
``compare.dedup.batch.verify_pair``): there is one code path for normalisation,
boilerplate, word and character shingles, signatures, band keys, anchors and
the verification rule, so the two engines cannot drift apart.

Unsigned values travel as signed Spark types of the same width (uint32
shingle hashes as ``int``, uint64 line keys as ``bigint``), reinterpreted
bit for bit and kept in the same order: only equality and set intersection
are ever asked of them.

This module imports pyarrow and numpy only; no pyspark (executors import it
by reference when they unpickle the functions).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from compare.errors import InputError

if TYPE_CHECKING:
    from compare.article import Article
    from compare.dedup.fingerprint import Fingerprint, FingerprintSettings

#: Columns of an input row that become the article (the JSON fields the local loader reads).
RECORD_FIELDS = ("id", "text", "html", "title", "source", "url", "published")

#: What the candidate and verification steps need of a fingerprint: word shingles and
#: their band keys, anchors (``anchors_of``), and the character signal (sampled
#: character shingles and their band keys; empty when the article has too few
#: samples for it or the signal is off), and the character signature, for the
#: agreement check of pairs only the character bands propose (``char_signatures_agree``),
#: and its low 4 bits per value (``char_nibbles``), which the character band buckets carry
#: for a first, looser agreement check (``char_pairs_in_buckets``), and a 64-bit hash of the
#: whole character signature (``char_whole``, null without the signal), by which a bucket's
#: different signatures are counted (``CHAR_BUCKET_MAX``).
SIGNALS = ("shingles", "bands", "anchors", "chars", "char_bands", "char_signature", "char_nibbles", "char_whole")
_SIGNALS_SCHEMA = (
    "shingles array<int>, bands array<bigint>, anchors array<int>, chars array<int>, char_bands array<bigint>, "
    "char_signature array<int>, char_nibbles binary, char_whole bigint"
)
FINGERPRINT_SCHEMA = (
    "ordinal bigint, id string, source string, error string, "
    f"{_SIGNALS_SCHEMA}, short array<bigint>, every array<bigint>"
)
REFINGERPRINT_SCHEMA = f"ordinal bigint, {_SIGNALS_SCHEMA}"
VERIFY_SCHEMA = "a bigint, b bigint, jaccard double, containment double, relation string, char_jaccard double"


def _list_array(arrays: list[np.ndarray], value_type: pa.DataType, dtype: Any) -> pa.Array:
    """One Arrow list per numpy array, values reinterpreted (not converted) as ``dtype``."""
    offsets = np.zeros(len(arrays) + 1, dtype=np.int32)
    if arrays:
        np.cumsum([a.size for a in arrays], out=offsets[1:])
        values = np.concatenate(arrays).view(dtype) if offsets[-1] else np.empty(0, dtype=dtype)
    else:
        values = np.empty(0, dtype=dtype)
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(values, value_type))


def _article_of(row: dict[str, Any]) -> Article:
    """The article of one input row, exactly as the local loader makes it (or InputError)."""
    from compare.load.articles import article_from_json_line, article_from_record

    where = row["where"]
    number = row["number"]
    if row.get("problem"):
        raise InputError(f"{where}:{number}", row["problem"])
    line = row.get("line")
    if line is not None:  # a JSONL line
        return article_from_json_line(line, where, number)
    record = {name: row[name] for name in RECORD_FIELDS if row.get(name) is not None}
    return article_from_record(record, default_id=f"{where}:{number}", where=f"{where}:{number}")


def fingerprint_batches(
    batches: Iterator[pa.RecordBatch],
    settings: FingerprintSettings,
    bands: int,
    rows: int,
    learn: bool,
    char_signal: bool,
) -> Iterator[pa.RecordBatch]:
    """Input rows -> fingerprint signals (``SIGNALS``) and (when ``learn``) line keys of each article.

    Rows that are not an article (malformed JSON, no text) come out with an
    ``error`` and no fingerprint, like the local loader's one-line errors.
    The articles of a batch are fingerprinted together (``learning_records``,
    ``fingerprint_many``), as the local engine's workers do with a chunk.
    """
    from compare.dedup.fingerprint import fingerprint_many
    from compare.dedup.fingerprinter import CHUNK_SIZE, learning_records

    empty64 = np.empty(0, dtype=np.uint64)
    for batch in batches:
        rows_in = batch.to_pylist()
        ordinals = [row["ordinal"] for row in rows_in]
        articles: list[Article | None] = []
        errors: list[str | None] = []
        for row in rows_in:
            try:
                articles.append(_article_of(row))
                errors.append(None)
            except InputError as error:
                articles.append(None)
                errors.append(str(error))
        good = [a for a in articles if a is not None]
        records: list[tuple[Fingerprint, str | None, np.ndarray, np.ndarray]] = []
        for start in range(0, len(good), CHUNK_SIZE):  # the workers' chunks: bounded numpy temporaries
            chunk = good[start : start + CHUNK_SIZE]
            if learn:
                records.extend(learning_records(chunk, settings))
            else:
                chunk_fps = fingerprint_many(chunk, settings=settings)
                records.extend((fp, a.source, empty64, empty64) for a, fp in zip(chunk, chunk_fps, strict=True))
        fps: list[Fingerprint | None] = []
        ids: list[str | None] = []
        sources: list[str | None] = []
        short: list[np.ndarray] = []
        every: list[np.ndarray] = []
        taken = iter(records)
        for article in articles:
            if article is None:
                fps.append(None)
                ids.append(None)
                sources.append(None)
                short.append(empty64)
                every.append(empty64)
                continue
            fp, source, short_keys, every_keys = next(taken)
            fps.append(fp)
            ids.append(article.id)
            sources.append(source)
            short.append(short_keys)
            every.append(every_keys)
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(ordinals, pa.int64()),
                pa.array(ids, pa.string()),
                pa.array(sources, pa.string()),
                pa.array(errors, pa.string()),
                *_signal_arrays(fps, bands, rows, char_signal),
                _list_array(short, pa.int64(), np.int64),
                _list_array(every, pa.int64(), np.int64),
            ],
            names=["ordinal", "id", "source", "error", *SIGNALS, "short", "every"],
        )


def _signal_arrays(fps: list[Fingerprint | None], bands: int, rows: int, char_signal: bool) -> list[pa.Array]:
    """The ``SIGNALS`` columns of some fingerprints (None: a row that is no article, all empty)."""
    from compare.dedup.batch import CHAR_BANDS, CHAR_ROWS, anchors_of

    empty32 = np.empty(0, dtype=np.uint32)
    with_chars = [fp if fp is not None and char_signal and fp.has_chars else None for fp in fps]
    return [
        _list_array([empty32 if fp is None else fp.shingles for fp in fps], pa.int32(), np.int32),
        _bands_array([None if fp is None else fp.signature for fp in fps], bands, rows),
        _list_array([empty32 if fp is None else anchors_of(fp.shingles) for fp in fps], pa.int32(), np.int32),
        _list_array([empty32 if fp is None else fp.chars for fp in with_chars], pa.int32(), np.int32),
        _bands_array([None if fp is None else fp.char_signature for fp in with_chars], CHAR_BANDS, CHAR_ROWS),
        _list_array([empty32 if fp is None else fp.char_signature for fp in with_chars], pa.int32(), np.int32),
        pa.array([b"" if fp is None else nibbles(fp.char_signature) for fp in with_chars], pa.binary()),
        _whole_array([None if fp is None else fp.char_signature for fp in with_chars]),
    ]


def _whole_array(signatures: list[np.ndarray | None]) -> pa.Array:
    """A 64-bit hash of each whole signature (null for None): the hash by which the local
    ``candidate_pairs`` counts a crowded bucket's different signatures (one band of all rows),
    so that both engines count equal signatures, and hash collisions, alike."""
    from compare.dedup.lsh import band_keys

    present = [s for s in signatures if s is not None]
    if not present:
        return pa.nulls(len(signatures), pa.int64())
    stacked = np.stack(present)
    keys = iter(band_keys(stacked, 1, stacked.shape[1])[:, 0].tolist())
    return pa.array([None if s is None else next(keys) for s in signatures], pa.int64())


def nibbles(signature: np.ndarray) -> bytes:
    """The low 4 bits of each value of a signature, two values to a byte (64 bytes for 128 values).

    Two signatures agree in at least as many nibbles as values, so a pair that
    agrees in too few nibbles cannot agree in enough values.
    """
    low = (signature & 0x0F).astype(np.uint8)
    return (low[0::2] | (low[1::2] << 4)).tobytes()


def char_pairs_in_buckets(batches: Iterator[pa.RecordBatch], needed: int) -> Iterator[pa.RecordBatch]:
    """Character band buckets (``m``: list of (ordinal, char_nibbles)) -> (a, b), a < b, of the pairs
    inside a bucket whose nibbles agree in ``needed`` places or more (may repeat across buckets).

    A superset of the pairs whose signatures agree in ``needed`` values (equal values have
    equal nibbles); chance agreement of the low 4 bits (1/16 per value) lets a few more
    through, which the exact check on the full signatures then drops. All pairs of a
    batch of buckets are formed at once (``np.repeat``, as ``candidate_pairs`` does) and
    compared in chunks.
    """
    chunk = 65536
    for batch in batches:
        column = batch.column("m")
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        offsets = column.offsets.to_numpy().astype(np.int64)
        offsets = offsets - offsets[0]
        ordinal_array, nibble_array = column.flatten().flatten()
        ordinals = ordinal_array.to_numpy()
        values = nibble_array.to_pylist()
        joined = b"".join(values)
        if values and len(joined) != len(values) * len(values[0]):
            raise ValueError("character nibbles of unequal length in one batch of buckets")
        rows = np.frombuffer(joined, dtype=np.uint8).reshape(len(values), -1)
        total = int(offsets[-1]) if offsets.size else 0
        sizes = np.diff(offsets)
        ends = np.repeat(offsets[1:], sizes)
        later = ends - np.arange(total) - 1
        first = np.repeat(np.arange(total), later)
        run_starts = np.cumsum(later) - later
        second = first + 1 + (np.arange(first.size) - np.repeat(run_starts, later))
        a_out, b_out = [], []
        for start in range(0, first.size, chunk):
            i, j = first[start : start + chunk], second[start : start + chunk]
            differ = rows[i] ^ rows[j]
            same = ((differ & 0x0F) == 0).sum(axis=1) + ((differ & 0xF0) == 0).sum(axis=1)
            keep = same >= needed
            oa, ob = ordinals[i[keep]], ordinals[j[keep]]
            a_out.append(np.minimum(oa, ob))
            b_out.append(np.maximum(oa, ob))
        a = np.concatenate(a_out) if a_out else np.empty(0, dtype=np.int64)
        b = np.concatenate(b_out) if b_out else np.empty(0, dtype=np.int64)
        yield pa.RecordBatch.from_arrays([pa.array(a, pa.int64()), pa.array(b, pa.int64())], names=["a", "b"])


def _bands_array(signatures: list[np.ndarray | None], bands: int, rows: int) -> pa.Array:
    """Band keys of each signature (``band_keys``, one call per batch); empty for a failed row."""
    from compare.dedup.lsh import band_keys

    present = [s for s in signatures if s is not None]
    keys = band_keys(np.stack(present), bands, rows) if present else np.empty((0, bands), dtype=np.int64)
    out: list[np.ndarray] = []
    taken = 0
    for signature in signatures:
        if signature is None:
            out.append(np.empty(0, dtype=np.int64))
        else:
            out.append(keys[taken])
            taken += 1
    return _list_array(out, pa.int64(), np.int64)


def refingerprint_batches(
    batches: Iterator[pa.RecordBatch],
    settings: FingerprintSettings,
    bands: int,
    rows: int,
    char_signal: bool,
) -> Iterator[pa.RecordBatch]:
    """Input rows with ``learned`` (the learned line keys found in them) -> new fingerprint signals.

    The local engine strips every line learned for the article's source; only
    those that occur in the article can match a block, so the keys found in it
    give the same fingerprint.
    """
    from compare.dedup.fingerprint import fingerprint_many
    from compare.dedup.fingerprinter import CHUNK_SIZE, LearnedLines

    for batch in batches:
        rows_in = batch.to_pylist()
        ordinals = [row["ordinal"] for row in rows_in]
        fps: list[Fingerprint | None] = []
        for start in range(0, len(rows_in), CHUNK_SIZE):
            chunk = rows_in[start : start + CHUNK_SIZE]
            articles = [_article_of(row) for row in chunk]  # they parsed in the first pass
            # The keys found in each article, pooled per source: a key learned for a
            # source and present in an article of it is among that article's own.
            keys: dict[str, set[int]] = {}
            for article, row in zip(articles, chunk, strict=True):
                if article.source:
                    keys.setdefault(article.source, set()).update(int(k) & 0xFFFFFFFFFFFFFFFF for k in row["learned"])
            learned = LearnedLines({source: frozenset(found) for source, found in keys.items()})
            fps.extend(fingerprint_many(articles, settings=settings, learned=learned))
        yield pa.RecordBatch.from_arrays(
            [pa.array(ordinals, pa.int64()), *_signal_arrays(fps, bands, rows, char_signal)],
            names=["ordinal", *SIGNALS],
        )


def verify_batches(
    batches: Iterator[pa.RecordBatch], threshold: float, containment_threshold: float
) -> Iterator[pa.RecordBatch]:
    """Candidate pairs with both sides' word (``sa``, ``sb``) and character (``ca``, ``cb``) samples
    -> exact scores and relation by the local rule (``verify_pair``), kept pairs only."""
    from compare.dedup.batch import verify_pair

    for batch in batches:
        a_out, b_out, jaccards, containments, relations, char_jaccards = [], [], [], [], [], []
        a_col = batch.column("a").to_numpy()
        b_col = batch.column("b").to_numpy()
        columns = [_offsets_and_values(batch.column(name)) for name in ("sa", "sb", "ca", "cb")]
        for k in range(batch.num_rows):
            sa, sb, ca, cb = (values[offsets[k] : offsets[k + 1]] for offsets, values in columns)
            relation, jac, contained, char_jac = verify_pair(
                sa, sb, ca, cb, threshold=threshold, containment_threshold=containment_threshold
            )
            if relation is not None:
                a_out.append(int(a_col[k]))
                b_out.append(int(b_col[k]))
                jaccards.append(jac)
                containments.append(contained)
                relations.append(relation)
                char_jaccards.append(char_jac)
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(a_out, pa.int64()),
                pa.array(b_out, pa.int64()),
                pa.array(jaccards, pa.float64()),
                pa.array(containments, pa.float64()),
                pa.array(relations, pa.string()),
                pa.array(char_jaccards, pa.float64()),
            ],
            names=["a", "b", "jaccard", "containment", "relation", "char_jaccard"],
        )


def _offsets_and_values(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A list<int> column's offsets and its values read back as the uint32 hashes they are."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return column.offsets.to_numpy(), column.values.to_numpy().view(np.uint32)


def jsonl_rows(
    lines: Iterator[tuple[bytes, int]], where: str, file_index: int, limit: int
) -> Iterator[tuple[int, str, int, str | None, str | None]]:
    """(raw line, index in file) -> (ordinal, where, number, line, problem), skipping blank lines.

    The ordinal orders lines by file, then by line: the local engine's input
    order. ``problem`` is what the local loader reports for a line it cannot
    decode or that is over the size limit.
    """
    for raw, index in lines:
        number = index + 1
        if len(raw) + 1 > limit:  # the local loader measures the line with its newline
            size = f"{(len(raw) + 1) / (1024 * 1024):.1f} MB"
            yield _ordinal(file_index, index), where, number, None, f"line of {size} is over the {limit / (1024 * 1024):.1f} MB limit for one article"
            continue
        if index == 0 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # the local loader decodes with utf-8-sig
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield _ordinal(file_index, index), where, number, None, "not valid UTF-8 (JSON lines must be UTF-8)"
            continue
        if line.strip():
            yield _ordinal(file_index, index), where, number, line, None


def _ordinal(file_index: int, index: int) -> int:
    return (file_index << 40) | index
