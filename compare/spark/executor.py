"""The per-article work of the Spark engine, run on the executors inside ``mapInArrow``.

Every function here turns Arrow record batches into Arrow record batches by
calling the local engine's own per-article functions (``article_from_record``,
``compare.dedup.fingerprinter.learning_record``, ``compare.dedup.fingerprint.fingerprint``,
``compare.dedup.lsh.band_keys``, ``compare.dedup.fingerprint.overlap``,
``compare.dedup.batch.relation_of``): there is one code path for normalisation,
boilerplate, shingles, signatures, band keys and exact scores, so the two
engines cannot drift apart.

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
    from compare.dedup.fingerprint import FingerprintSettings

#: Columns of an input row that become the article (the JSON fields the local loader reads).
RECORD_FIELDS = ("id", "text", "html", "title", "source", "url", "published")

FINGERPRINT_SCHEMA = (
    "ordinal bigint, id string, source string, error string, "
    "shingles array<int>, bands array<bigint>, short array<bigint>, every array<bigint>"
)
REFINGERPRINT_SCHEMA = "ordinal bigint, shingles array<int>, bands array<bigint>"
VERIFY_SCHEMA = "a bigint, b bigint, jaccard double, containment double, relation string"


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
) -> Iterator[pa.RecordBatch]:
    """Input rows -> fingerprint, band keys and (when ``learn``) line keys of each article.

    Rows that are not an article (malformed JSON, no text) come out with an
    ``error`` and no fingerprint, like the local loader's one-line errors.
    """
    from compare.dedup.fingerprint import fingerprint
    from compare.dedup.fingerprinter import learning_record

    empty64 = np.empty(0, dtype=np.uint64)
    empty32 = np.empty(0, dtype=np.uint32)
    for batch in batches:
        ordinals, ids, sources, errors = [], [], [], []
        shingles: list[np.ndarray] = []
        signatures: list[np.ndarray] = []
        short: list[np.ndarray] = []
        every: list[np.ndarray] = []
        for row in batch.to_pylist():
            ordinals.append(row["ordinal"])
            try:
                article = _article_of(row)
            except InputError as error:
                ids.append(None)
                sources.append(None)
                errors.append(str(error))
                shingles.append(empty32)
                signatures.append(None)
                short.append(empty64)
                every.append(empty64)
                continue
            if learn:
                fp, source, short_keys, every_keys = learning_record(article, settings)
            else:
                fp, source = fingerprint(article, settings=settings), article.source
                short_keys = every_keys = empty64
            ids.append(article.id)
            sources.append(source)
            errors.append(None)
            shingles.append(fp.shingles)
            signatures.append(fp.signature)
            short.append(short_keys)
            every.append(every_keys)
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(ordinals, pa.int64()),
                pa.array(ids, pa.string()),
                pa.array(sources, pa.string()),
                pa.array(errors, pa.string()),
                _list_array(shingles, pa.int32(), np.int32),
                _bands_array(signatures, bands, rows),
                _list_array(short, pa.int64(), np.int64),
                _list_array(every, pa.int64(), np.int64),
            ],
            names=["ordinal", "id", "source", "error", "shingles", "bands", "short", "every"],
        )


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
) -> Iterator[pa.RecordBatch]:
    """Input rows with ``learned`` (the learned line keys found in them) -> new fingerprints.

    The local engine strips every line learned for the article's source; only
    those that occur in the article can match a block, so the keys found in it
    give the same fingerprint.
    """
    from compare.dedup.fingerprint import fingerprint
    from compare.dedup.fingerprinter import LearnedLines

    for batch in batches:
        ordinals: list[int] = []
        shingles: list[np.ndarray] = []
        signatures: list[np.ndarray | None] = []
        for row in batch.to_pylist():
            article = _article_of(row)  # it parsed in the first pass
            keys = frozenset(int(k) & 0xFFFFFFFFFFFFFFFF for k in row["learned"])
            learned = LearnedLines({article.source: keys}) if article.source else None
            fp = fingerprint(article, settings=settings, learned=learned)
            ordinals.append(row["ordinal"])
            shingles.append(fp.shingles)
            signatures.append(fp.signature)
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(ordinals, pa.int64()),
                _list_array(shingles, pa.int32(), np.int32),
                _bands_array(signatures, bands, rows),
            ],
            names=["ordinal", "shingles", "bands"],
        )


def verify_batches(
    batches: Iterator[pa.RecordBatch], threshold: float, containment_threshold: float
) -> Iterator[pa.RecordBatch]:
    """Candidate pairs with both shingle sets -> exact scores and relation (kept pairs only)."""
    from compare.dedup.batch import relation_of
    from compare.dedup.fingerprint import overlap

    for batch in batches:
        a_out, b_out, jaccards, containments, relations = [], [], [], [], []
        a_col = batch.column("a").to_numpy()
        b_col = batch.column("b").to_numpy()
        sa = batch.column("sa")
        sb = batch.column("sb")
        sa_offsets, sa_values = sa.offsets.to_numpy(), sa.values.to_numpy().view(np.uint32)
        sb_offsets, sb_values = sb.offsets.to_numpy(), sb.values.to_numpy().view(np.uint32)
        for k in range(batch.num_rows):
            left = sa_values[sa_offsets[k] : sa_offsets[k + 1]]
            right = sb_values[sb_offsets[k] : sb_offsets[k + 1]]
            jac, contained = overlap(left, right)
            relation = relation_of(jac, contained, threshold=threshold, containment_threshold=containment_threshold)
            if relation is not None:
                a_out.append(int(a_col[k]))
                b_out.append(int(b_col[k]))
                jaccards.append(jac)
                containments.append(contained)
                relations.append(relation)
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(a_out, pa.int64()),
                pa.array(b_out, pa.int64()),
                pa.array(jaccards, pa.float64()),
                pa.array(containments, pa.float64()),
                pa.array(relations, pa.string()),
            ],
            names=["a", "b", "jaccard", "containment", "relation"],
        )


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
