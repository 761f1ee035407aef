"""Spark session and inputs of the Spark engine: JSONL and Parquet, local paths or URIs."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from compare.errors import ArticleCompareError, Hint, InputError
from compare.load.articles import DEFAULT_MAX_ARTICLE_BYTES, JSONL_SUFFIXES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

InputFormat = Literal["auto", "jsonl", "parquet"]


class SparkStartError(ArticleCompareError):
    """Spark could not start (no Java, a wrong master URL, ...)."""


def spark_session(master: str | None = None, config: Mapping[str, str] | None = None) -> SparkSession:
    """The active Spark session, or a new one.

    Under ``spark-submit`` the session (master, resources) comes from the
    submit command. Run as a plain program, it is ``master`` (default
    ``local[*]``); for a local master the Python workers run this
    interpreter, so they import the same ``compare`` package.

    Args:
        master: Spark master URL ("local[2]", "spark://host:7077", "yarn", ...).
        config: Spark settings ("spark.sql.shuffle.partitions": "400", ...).
    """
    from pyspark.sql import SparkSession

    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # started by spark-submit
    builder = SparkSession.builder.appName("article-compare dedup")
    if master:
        builder = builder.master(master)
    elif not submitted:
        builder = builder.master("local[*]")
    settings = dict(config or {})
    local = (master or ("" if submitted else "local")).startswith("local")
    if local and "PYSPARK_PYTHON" not in os.environ:
        # PySpark starts its Python workers with $PYSPARK_PYTHON, else "python3" from PATH,
        # which need not have this package (or pyarrow) installed.
        os.environ["PYSPARK_PYTHON"] = sys.executable
    settings.setdefault("spark.ui.showConsoleProgress", "false")
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:
        reason = spark_error(error) or f"{type(error).__name__}: {error}".splitlines()[0]
        raise SparkStartError(
            f"Spark could not start ({reason}); it needs Java 17 or later (java -version) and a reachable master"
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def active_session() -> SparkSession | None:
    """The session this process already runs, if any (a caller's; not to be stopped)."""
    from pyspark.sql import SparkSession

    return SparkSession.getActiveSession()


def input_format(paths: Sequence[str], given: InputFormat = "auto") -> Literal["jsonl", "parquet"]:
    """The format of the inputs: ``given``, else from the names (.jsonl/.ndjson, .parquet)."""
    if given != "auto":
        return given
    kinds: set[Literal["jsonl", "parquet"]] = set()
    for path in paths:
        local = Path(path)
        suffix = local.suffix.lower()
        if suffix in JSONL_SUFFIXES:
            kinds.add("jsonl")
        elif suffix == ".parquet":
            kinds.add("parquet")
        elif "://" not in path and local.is_dir():
            kinds.update(_kinds_in(local))
        else:
            raise InputError(path, "the spark engine reads JSONL (.jsonl, .ndjson) and Parquet (.parquet); ",
                             Hint("input_format"))
    if len(kinds) != 1:
        raise InputError(", ".join(paths), "mixes JSONL and Parquet or holds neither; give one kind per run")
    return kinds.pop()


def _kinds_in(directory: Path) -> set[Literal["jsonl", "parquet"]]:
    kinds: set[Literal["jsonl", "parquet"]] = set()
    for file in directory.rglob("*"):
        if file.suffix.lower() in JSONL_SUFFIXES:
            kinds.add("jsonl")
        elif file.suffix.lower() == ".parquet":
            kinds.add("parquet")
    return kinds


def _jsonl_files(paths: Sequence[str]) -> list[tuple[str, str]]:
    """(name, file) of each JSONL input in the local loader's order, named as it names them.

    Directories: sorted, recursive, no hidden files. URIs are read as given.
    """
    from compare.load.articles import article_files, printable_path

    files: list[tuple[str, str]] = []
    for given in paths:
        if "://" in given:
            files.append((given, given))
            continue
        path = Path(given)
        if path.is_dir():
            found = article_files(path, JSONL_SUFFIXES)
            if not found:
                raise InputError(printable_path(given), "directory holds no .jsonl files")
            files.extend((printable_path(p.as_posix()), str(p)) for p in found)
        elif path.is_file():
            files.append((printable_path(given), given))
        else:
            raise InputError(printable_path(given), "no such file or directory")
    return files


def read_jsonl(
    spark: SparkSession,
    paths: Sequence[str],
    *,
    partitions: int | None = None,
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
) -> DataFrame:
    """JSON lines as rows ``ordinal``, ``where``, ``number``, ``line`` (``problem`` for bad bytes).

    Lines are numbered per file (a line without an ``id`` gets ``PATH:LINE``,
    as the local loader names it) and ordered by file, then line. A URI
    (``s3a://bucket/dir``) is read as one input; its lines are numbered
    across its files.

    Args:
        partitions: minimum partitions per file (default: Spark's split size).
    """
    from compare.spark.executor import jsonl_rows

    sc = spark.sparkContext
    parts = []
    for index, (where, file) in enumerate(_jsonl_files(paths)):
        uri = file if "://" in file else Path(file).resolve().as_uri()
        lines = sc.textFile(uri, minPartitions=partitions, use_unicode=False).zipWithIndex()
        parts.append(lines.mapPartitions(partial(jsonl_rows, where=where, file_index=index, limit=max_article_bytes)))
    rdd = sc.union(parts) if len(parts) > 1 else parts[0]
    return spark.createDataFrame(
        rdd, "ordinal bigint, where string, number bigint, line string, problem string", verifySchema=False
    )


def read_parquet(spark: SparkSession, paths: Sequence[str]) -> DataFrame:
    """Parquet rows as the engine's input: row order as Spark reads them."""
    for given in paths:
        if "://" not in given and not Path(given).exists():
            raise InputError(given, "no such file or directory")
    return spark.read.parquet(*[p if "://" in p else Path(p).resolve().as_uri() for p in paths])


def spark_error(error: BaseException) -> str | None:
    """A one-line message for an error Spark raised (a path that exists, no such file, ...), else None."""
    try:
        from py4j.protocol import Py4JError, Py4JJavaError
        from pyspark.errors import PySparkException
    except ImportError:  # pragma: no cover
        return None
    if isinstance(error, PySparkException):
        text = str(error).strip()
    elif isinstance(error, Py4JJavaError):
        text = str(error.java_exception.toString())
    elif isinstance(error, Py4JError):
        text = str(error)
    else:
        return None
    first = next((line.strip() for line in text.splitlines() if line.strip()), type(error).__name__)
    if any(marker in text for marker in _OUT_OF_MEMORY):
        # The JVM's own line names a heap, rarely the setting that sizes it: under a local
        # master every executor runs inside the driver's heap (1 GB unless set).
        return (
            f"Spark ran out of memory ({first[:150]}); raise spark.driver.memory "
            "(a local master runs every executor inside the driver) or spark.executor.memory on a cluster"
        )
    return first if len(first) <= 300 else first[:297] + "..."


#: Texts of the JVM's and Spark's out-of-memory failures (a task's heap, a broadcast's build).
_OUT_OF_MEMORY = ("java.lang.OutOfMemoryError", "Not enough memory to build and broadcast")
