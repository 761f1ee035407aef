"""``dedup_paths``: the Spark engine over files, as ``article-compare dedup --engine spark`` runs it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from compare.dedup.batch import DEFAULT_CONTAINMENT, DEFAULT_THRESHOLD
from compare.dedup.fingerprint import DEFAULT_SETTINGS, FingerprintSettings
from compare.load.articles import DEFAULT_MAX_ARTICLE_BYTES
from compare.spark.engine import SparkDedupResult, find_duplicates, run
from compare.spark.inputs import InputFormat, input_format, read_jsonl, read_parquet

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def dedup_paths(
    spark: SparkSession,
    paths: Sequence[str],
    *,
    fmt: InputFormat = "auto",
    threshold: float = DEFAULT_THRESHOLD,
    containment_threshold: float = DEFAULT_CONTAINMENT,
    settings: FingerprintSettings = DEFAULT_SETTINGS,
    learn_boilerplate: bool = True,
    partitions: int | None = None,
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
    char_signal: bool = True,
) -> SparkDedupResult:
    """Pairs and clusters among the articles of JSONL or Parquet inputs.

    JSONL files are read in the local engine's order (files as given,
    directories sorted and recursive, then line by line), so the result is
    the local engine's. Parquet rows are read in Spark's scan order.

    Args:
        spark: the session (``compare.spark.spark_session``).
        paths: files, directories or URIs of one format.
        fmt: "jsonl", "parquet" or "auto" (from the names).
        partitions: minimum input partitions per JSONL file (Parquet: Spark's
            ``spark.sql.files.maxPartitionBytes`` decides).
        max_article_bytes: longer JSON lines are reported as errors and skipped.
        char_signal: the character signal (OCR'd and mistyped copies); False = word shingles only.
    """
    kind = input_format(paths, fmt)
    if kind == "parquet":
        return find_duplicates(
            read_parquet(spark, paths),
            threshold=threshold,
            containment_threshold=containment_threshold,
            settings=settings,
            learn_boilerplate=learn_boilerplate,
            char_signal=char_signal,
        )
    tagged = read_jsonl(spark, paths, partitions=partitions, max_article_bytes=max_article_bytes)
    return run(
        tagged,
        threshold=threshold,
        containment_threshold=containment_threshold,
        settings=settings,
        learn_boilerplate=learn_boilerplate,
        stable_input=True,
        char_signal=char_signal,
    )
