"""Batch near-duplicate detection on Apache Spark (the ``spark`` extra).

    pip install 'article-compare[spark]'

``find_duplicates(df)`` takes a Spark DataFrame of articles (``id``, ``text``,
optional ``source``) and returns pairs and clusters as DataFrames: the same
pairs, scores and clusters as the local ``compare.dedup.batch.find_duplicates``,
computed by the same per-article code on the executors (see
``compare.spark.engine``). ``dedup_paths`` reads JSONL or Parquet files (local
paths or any URI Spark reads) and runs the same job; it is what
``article-compare dedup --engine spark`` calls.

Importing ``compare`` never imports this package; importing this package
needs pyspark and pyarrow.
"""

from __future__ import annotations

# First: raises one clear ImportError when the spark extra is not installed.
import compare.spark.extra  # noqa: F401
from compare.spark.engine import SparkDedupResult, find_duplicates
from compare.spark.inputs import (
    SparkStartError,
    active_session,
    input_format,
    read_jsonl,
    read_parquet,
    spark_error,
    spark_session,
)
from compare.spark.paths import dedup_paths

__all__ = [
    "SparkDedupResult",
    "SparkStartError",
    "active_session",
    "dedup_paths",
    "find_duplicates",
    "input_format",
    "read_jsonl",
    "read_parquet",
    "spark_error",
    "spark_session",
]
