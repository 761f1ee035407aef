"""Batch near-duplicate detection as a Spark job: the local ``dedup`` at cluster scale.

The steps are the local engine's (``compare.dedup.batch.find_duplicates``), each
spread over the executors:

1. *Fingerprints and line keys*: ``mapInArrow`` runs the local per-article
   code (``compare.spark.executor``) on each partition.
2. *Learned boilerplate*: (source, line key) pairs are counted with a
   ``groupBy``; lines in >= 3 articles of a source are chrome. Articles that
   hold such a line are joined to the keys they hold and fingerprinted again.
3. *Candidates*, the local engine's three kinds: word-signature LSH bands,
   character-signature LSH bands (``CHAR_BANDS`` x ``CHAR_ROWS``), and
   containment anchors (``ANCHOR_MODULUS``, ``ANCHOR_MAX_ARTICLES``). One row per
   (band, band key, article) or (anchor, article); a ``groupBy`` on the key
   gives the buckets and every pair inside a bucket is a candidate (Spark SQL
   array functions, on the JVM); anchor pairs are counted and kept by the
   local rule; a pair only the character bands propose is kept when its two
   character signatures agree in ``CHAR_MIN_AGREEMENT`` of their values (the
   local ``char_signatures_agree``): inside each character bucket on 4 bits per
   value (``executor.char_pairs_in_buckets``, 64 bytes per article), then on the
   full signatures of the few pairs left (``zip_with`` on the JVM). As locally,
   character buckets of more than ``CHAR_BUCKET_MAX`` different signatures give
   no pairs, and each article keeps its ``CHAR_MAX_CANDIDATES`` best of those
   pairs by agreement (a window per article; a pair stays when either keeps
   it). Nothing goes to the driver.
4. *Verification*: candidates are joined to both articles' word and character
   samples and scored exactly on the executors by the local rule
   (``compare.dedup.batch.verify_pair``).
5. *Clusters*: connected components by label propagation joins
   (``compare.spark.components``), numbered in input order.

Input order, which decides which article of a pair is ``a`` and how clusters
are numbered, is an ``ordinal`` per row: file, then line for JSONL (as the
local engine reads them); the DataFrame's own row order otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from pyspark import StorageLevel
from pyspark.sql import Window
from pyspark.sql import functions as F

from compare.dedup.batch import (
    ANCHOR_MAX_ARTICLES,
    DEFAULT_CONTAINMENT,
    DEFAULT_THRESHOLD,
    check_thresholds,
)
from compare.dedup.fingerprint import CHAR_NUM_PERM, DEFAULT_SETTINGS, FingerprintSettings
from compare.dedup.lsh import CHAR_BUCKET_MAX, CHAR_MAX_CANDIDATES, CHAR_MIN_AGREEMENT
from compare.spark import executor
from compare.spark.components import connected_components

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from compare.dedup.batch import DedupResult

OutputFormat = Literal["parquet", "jsonl"]

_DISK = StorageLevel.MEMORY_AND_DISK

#: Articles to fingerprint again (they hold learned chrome) up to which their learned
#: keys are broadcast to the input, so the input's text is not shuffled for that join.
BROADCAST_REDONE_MAX = 500_000


@dataclass(frozen=True)
class SparkDedupResult:
    """Pairs and clusters found by the Spark engine, as DataFrames.

    The DataFrames are backed by persisted data: reading them again does not
    recompute the fingerprints. ``unpersist()`` releases that data.

    Attributes:
        articles: number of articles read (rows that were not one are in ``errors``).
        pairs: ``a``, ``b``, ``jaccard``, ``containment``, ``relation``,
            ``char_jaccard`` (null unless the character signal found the pair),
            sorted in input order of (a, b): the local engine's pairs.
        clusters: ``id``, ``cluster``: cluster numbers from 1 in order of each
            cluster's first article, members in input order.
        learned: ``source``, ``lines``: boilerplate lines learned per source.
        errors: ``error``: rows that are not an article (malformed JSON, no
            text), in input order, one message each as the local loader words it.
    """

    articles: int
    pairs: DataFrame
    clusters: DataFrame
    learned: DataFrame
    errors: DataFrame
    _held: tuple[DataFrame, ...] = ()

    def write(self, path: str, *, format: OutputFormat = "parquet", mode: str = "errorifexists") -> None:
        """Write ``path/pairs`` and ``path/clusters`` (directories of part files).

        Args:
            path: a directory: a local path or any URI Spark writes (s3a://, hdfs://, ...).
            format: "parquet" or "jsonl" (one JSON object per line).
            mode: Spark save mode: "errorifexists", "overwrite", ...
        """
        if format not in ("parquet", "jsonl"):
            raise ValueError(f"format must be 'parquet' or 'jsonl', got {format!r}")
        spark_format = "json" if format == "jsonl" else "parquet"
        base = path.rstrip("/")
        self.pairs.write.mode(mode).format(spark_format).save(f"{base}/pairs")
        self.clusters.write.mode(mode).format(spark_format).save(f"{base}/clusters")

    def to_result(self) -> DedupResult:
        """The local engine's ``DedupResult``, collected to the driver (for small outputs).

        ``removed`` is left empty: the removed blocks stay on the executors.
        """
        from compare.dedup.batch import DedupResult, DuplicatePair

        pairs = tuple(
            DuplicatePair(row.a, row.b, row.jaccard, row.containment, row.relation, row.char_jaccard)
            for row in self.pairs.collect()
        )
        clusters: dict[int, list[str]] = {}
        for row in self.clusters.collect():
            clusters.setdefault(row.cluster, []).append(row.id)
        return DedupResult(
            articles=self.articles,
            pairs=pairs,
            clusters=tuple(tuple(clusters[n]) for n in sorted(clusters)),
            removed={},
            learned={row.source: row.lines for row in self.learned.collect()},
        )

    def unpersist(self) -> None:
        """Release the persisted data behind the DataFrames."""
        for frame in self._held:
            frame.unpersist()


def find_duplicates(
    df: DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    containment_threshold: float = DEFAULT_CONTAINMENT,
    settings: FingerprintSettings = DEFAULT_SETTINGS,
    learn_boilerplate: bool = True,
    char_signal: bool = True,
) -> SparkDedupResult:
    """Duplicate pairs and clusters among the rows of a Spark DataFrame.

    The same pairs, scores and clusters as ``compare.dedup.batch.find_duplicates``
    on the same articles in the same order.

    Args:
        df: one article per row: ``id`` and ``text`` (or ``html``) columns,
            optionally ``source`` (needed to learn boilerplate), ``title``,
            ``url``, ``published``; other columns are ignored. Each row is
            read like a JSON line by the local loader. Row order is input
            order (``a`` is the earlier article of a pair): give a DataFrame
            whose order is stable, such as one read from files.
        threshold: Jaccard from which a pair is a near-duplicate.
        containment_threshold: share of the smaller article inside the larger
            from which a pair is "contained".
        settings: fingerprint settings (shingle size, permutations).
        learn_boilerplate: treat lines repeated in >= 3 articles of one source
            as chrome.
        char_signal: also pair articles whose sampled character shingles
            reach ``CHAR_THRESHOLD`` (copies with typos or OCR noise); False =
            word shingles only. As in the local engine.

    Returns:
        DataFrames of pairs and clusters (see ``SparkDedupResult``).
    """
    fields = [name for name in executor.RECORD_FIELDS if name in df.columns]
    if "text" not in fields and "html" not in fields:
        raise ValueError(
            f"the DataFrame needs a 'text' (or 'html') column and an 'id' column; it has {', '.join(df.columns) or 'none'}"
        )
    types = dict(df.dtypes)
    for name in fields:
        if types[name] != "string" and not (name == "id" and types[name] in ("int", "bigint")):
            raise ValueError(f"column '{name}' must be a string, not {types[name]}; cast it first")
    tagged = df.select(
        F.monotonically_increasing_id().alias("ordinal"),
        F.lit("row").alias("where"),
        F.monotonically_increasing_id().alias("number"),
        *fields,
    )
    return run(
        tagged,
        threshold=threshold,
        containment_threshold=containment_threshold,
        settings=settings,
        learn_boilerplate=learn_boilerplate,
        char_signal=char_signal,
        stable_input=False,
    )


def run(
    tagged: DataFrame,
    *,
    threshold: float,
    containment_threshold: float,
    settings: FingerprintSettings,
    learn_boilerplate: bool,
    stable_input: bool,
    char_signal: bool = True,
) -> SparkDedupResult:
    """The job over input rows tagged with ``ordinal``, ``where``, ``number``.

    Args:
        tagged: rows with either a ``line`` (JSONL) or record columns.
        stable_input: whether recomputing ``tagged`` gives the same ordinals
            (files read by ``read_jsonl``); if not, it is persisted while needed.
    """
    from compare.dedup.index.base import IndexParameters
    from compare.text.chrome import BoilerplateLearner

    check_thresholds(threshold, containment_threshold)
    parameters = IndexParameters.build(settings, threshold)
    bands, rows = parameters.bands, parameters.rows
    spark = tagged.sparkSession
    # What the job persists is held in as many partitions as the input (at least one per
    # core), not in spark.sql.shuffle.partitions (200) of the shuffle that produced it:
    # every later stage over 200 partitions of a small input ran 200 tasks (measured:
    # 10x the JVM's CPU time at 5,000 articles). It scales with the input as the input does.
    parts = max(spark.sparkContext.defaultParallelism, tagged.rdd.getNumPartitions())
    if not stable_input:
        tagged = tagged.persist(_DISK)

    first = tagged.mapInArrow(
        partial(
            executor.fingerprint_batches,
            settings=settings,
            bands=bands,
            rows=rows,
            learn=learn_boilerplate,
            char_signal=char_signal,
        ),
        executor.FINGERPRINT_SCHEMA,
    ).persist(_DISK)
    errors = first.where(F.col("error").isNotNull()).orderBy("ordinal").select("error").coalesce(parts).persist(_DISK)
    errors.count()
    good = first.where(F.col("error").isNull())

    if learn_boilerplate:
        min_articles = BoilerplateLearner().min_articles
        learned_keys = (
            good.where(F.col("source").isNotNull())
            .select("source", F.explode("short").alias("key"))
            .groupBy("source", "key")
            .count()
            .where(F.col("count") >= min_articles)
            .select("source", "key")
            .coalesce(parts)
            .persist(_DISK)
        )
        learned = learned_keys.groupBy("source").agg(F.count("*").alias("lines")).coalesce(parts).persist(_DISK)
        hits = (
            good.where(F.col("source").isNotNull())
            .select("ordinal", "source", F.explode("every").alias("key"))
            .join(learned_keys, ["source", "key"])
            .groupBy("ordinal")
            .agg(F.collect_list("key").alias("learned"))
            .coalesce(parts)
            .persist(_DISK)
        )
        # Few articles to redo (chrome on some copies): their keys go to the input by
        # broadcast; many (chrome on every article of a crawl): both sides are shuffled.
        few = hits.count() <= BROADCAST_REDONE_MAX
        redone = tagged.join(F.broadcast(hits) if few else hits, "ordinal").mapInArrow(
            partial(
                executor.refingerprint_batches,
                settings=settings,
                bands=bands,
                rows=rows,
                char_signal=char_signal,
            ),
            executor.REFINGERPRINT_SCHEMA,
        )
        # A redone article takes all its new signals, null ones too (``char_whole`` is null
        # when learned chrome leaves it too few characters for the signal): so not coalesce.
        fingerprints = good.join(
            redone.select("ordinal", F.lit(True).alias("redone"), *(F.col(name).alias(f"new_{name}") for name in executor.SIGNALS)),
            "ordinal",
            "left",
        ).select(
            "ordinal",
            "id",
            *(F.when(F.col("redone"), F.col(f"new_{name}")).otherwise(F.col(name)).alias(name) for name in executor.SIGNALS),
        )
        held_hits: DataFrame | None = hits
    else:
        learned = spark.createDataFrame([], "source string, lines bigint")
        learned_keys = None
        held_hits = None
        fingerprints = good.select("ordinal", "id", *executor.SIGNALS)
    fingerprints = fingerprints.coalesce(parts).persist(_DISK)
    articles = fingerprints.count()
    # Everything still read later is materialized before what it derives from is
    # released: persist() is lazy, and a released parent would mean fingerprinting again.
    ids = fingerprints.select("ordinal", "id").persist(_DISK)
    ids.count()
    learned.count()
    first.unpersist()
    if learned_keys is not None:
        learned_keys.unpersist()
    if held_hits is not None:
        held_hits.unpersist()
    if not stable_input:
        tagged.unpersist()

    candidates = _candidates(fingerprints)
    samples = fingerprints.select("ordinal", "shingles", "chars")
    scored = (
        candidates.join(
            samples.select(F.col("ordinal").alias("a"), F.col("shingles").alias("sa"), F.col("chars").alias("ca")), "a"
        )
        .join(samples.select(F.col("ordinal").alias("b"), F.col("shingles").alias("sb"), F.col("chars").alias("cb")), "b")
        .select("a", "b", "sa", "sb", "ca", "cb")
        .mapInArrow(
            partial(executor.verify_batches, threshold=threshold, containment_threshold=containment_threshold),
            executor.VERIFY_SCHEMA,
        )
        .coalesce(parts)
        .persist(_DISK)
    )
    scored.count()
    fingerprints.unpersist()

    labels = connected_components(scored.select("a", "b"), partitions=parts)
    numbers = _numbered(spark, labels)
    clusters = (
        labels.join(numbers, "label")
        .join(ids.withColumnRenamed("ordinal", "vertex"), "vertex")
        .orderBy("cluster", "vertex")
        .select("id", "cluster")
    )
    a_ids = ids.select(F.col("ordinal").alias("a"), F.col("id").alias("a_id"))
    b_ids = ids.select(F.col("ordinal").alias("b"), F.col("id").alias("b_id"))
    pairs = (
        scored.join(a_ids, "a")
        .join(b_ids, "b")
        .orderBy("a", "b")
        .select(F.col("a_id").alias("a"), F.col("b_id").alias("b"), "jaccard", "containment", "relation", "char_jaccard")
    )
    return SparkDedupResult(
        articles=articles,
        pairs=pairs,
        clusters=clusters,
        learned=learned.orderBy("source"),
        errors=errors,
        _held=(ids, scored, labels, errors, learned),
    )


_PAIRS_IN_BUCKET = (
    "flatten(transform(sequence(0, size(m) - 2), "
    "i -> transform(slice(m, i + 2, size(m) - i - 1), y -> named_struct('a', m[i], 'b', y))))"
)


def _candidates(fingerprints: DataFrame) -> DataFrame:
    """Distinct (a, b), a < b: the local engine's candidates (``compare.dedup.batch._verify``).

    Pairs of non-empty articles sharing a word band key in the same band,
    anchor pairs (``_anchor_pairs``), and the pairs of articles with the
    character signal (only those have ``char_bands``) sharing a character band
    key that are neither, when their bucket holds at most ``CHAR_BUCKET_MAX``
    different character signatures and their character signatures agree in
    ``CHAR_MIN_AGREEMENT`` of their values, each article keeping its
    ``CHAR_MAX_CANDIDATES`` best of those (``compare.dedup.batch.char_candidates``).
    """
    words = _banded(fingerprints.where(F.size("shingles") > 0), "bands")
    others = words.union(_anchor_pairs(fingerprints)).distinct()
    needed = math.ceil(CHAR_MIN_AGREEMENT * CHAR_NUM_PERM)
    # Chance pairs sharing a character band grow with the square of the input (~8e7 at
    # 1,000,000 generated articles); joining both 512-byte signatures to each would shuffle
    # ~80 GB. So the buckets carry 64 bytes of nibbles per article and keep only pairs
    # whose nibbles agree (a superset of those whose signatures do); the few left are
    # checked exactly on the full signatures.
    keyed = fingerprints.where(F.size("char_bands") > 0).select(
        F.struct("ordinal", "char_nibbles").alias("member"),
        "char_whole",
        F.posexplode("char_bands").alias("band", "key"),
    )
    # A bucket of more than CHAR_BUCKET_MAX different signatures (copies of one text count
    # once, by the local engine's whole-signature hash) gives no pairs, as in the local
    # ``candidate_pairs(max_bucket=)``: on text whose words share their letters such buckets
    # hold thousands of articles and their pairs grow with the square of the input.
    buckets = (
        keyed.groupBy("band", "key")
        .agg(F.collect_list("member").alias("m"), F.size(F.collect_set("char_whole")).alias("different"))
        .where((F.size("m") > 1) & (F.col("different") <= CHAR_BUCKET_MAX))
    )
    chars = (
        buckets.select("m")
        .mapInArrow(partial(executor.char_pairs_in_buckets, needed=needed), "a bigint, b bigint")
        .distinct()
        .join(others, ["a", "b"], "left_anti")
    )
    signatures = fingerprints.where(F.size("char_signature") > 0).select("ordinal", "char_signature")
    agreeing = (
        chars.join(signatures.select(F.col("ordinal").alias("a"), F.col("char_signature").alias("ga")), "a")
        .join(signatures.select(F.col("ordinal").alias("b"), F.col("char_signature").alias("gb")), "b")
        .select("a", "b", F.expr("size(filter(zip_with(ga, gb, (x, y) -> x = y), same -> same))").alias("agree"))
        .where(F.col("agree") >= needed)
    )
    return others.union(_best_per_article(agreeing, CHAR_MAX_CANDIDATES))


def _best_per_article(pairs: DataFrame, keep: int) -> DataFrame:
    """(a, b) of ``pairs`` (``a``, ``b``, ``agree``) among the ``keep`` best of either article:
    the local ``compare.dedup.lsh.best_per_article``.

    Each article ranks its pairs by agreement, highest first, ties by the other
    article's ordinal, lowest first. The local engine breaks ties by the other
    article's index in input order; ordinals grow with input order (file, then
    line; the DataFrame's row order), so both orders rank alike.
    """
    ends = pairs.select(F.col("a").alias("end"), F.col("b").alias("other"), "a", "b", "agree").union(
        pairs.select(F.col("b").alias("end"), F.col("a").alias("other"), "a", "b", "agree")
    )
    rank = F.row_number().over(Window.partitionBy("end").orderBy(F.col("agree").desc(), F.col("other").asc()))
    return ends.withColumn("rank", rank).where(F.col("rank") <= keep).select("a", "b").distinct()


def _banded(fingerprints: DataFrame, column: str) -> DataFrame:
    """(a, b), a < b, of articles sharing a key in the same band of ``column`` (may repeat)."""
    keyed = fingerprints.select("ordinal", F.posexplode(column).alias("band", "key"))
    buckets = (
        keyed.groupBy("band", "key")
        .agg(F.array_sort(F.collect_list("ordinal")).alias("m"))
        .where(F.size("m") > 1)
    )
    return buckets.select(F.explode(F.expr(_PAIRS_IN_BUCKET)).alias("p")).select("p.a", "p.b")


def _anchor_pairs(fingerprints: DataFrame) -> DataFrame:
    """Containment candidates as ``compare.dedup.batch.containment_candidates`` chooses them.

    Anchors held by 2 to ``ANCHOR_MAX_ARTICLES`` articles are grouped; each
    pair inside a group is counted once per anchor it shares, and kept when
    it shares at least half the anchors of the one with fewer, and two (one
    when it has one). Each article carries its anchor count into the groups,
    so no join is needed for it.
    """
    keyed = fingerprints.select(
        F.struct("ordinal", F.size("anchors").alias("n")).alias("member"), F.explode("anchors").alias("anchor")
    )
    groups = (
        keyed.groupBy("anchor")
        .agg(F.array_sort(F.collect_list("member")).alias("m"))
        .where((F.size("m") > 1) & (F.size("m") <= ANCHOR_MAX_ARTICLES))
    )
    shared = (
        groups.select(F.explode(F.expr(_PAIRS_IN_BUCKET)).alias("p"))
        .groupBy("p.a", "p.b")
        .agg(F.count("*").alias("shared"))
        .select(F.col("a.ordinal").alias("a"), F.col("b.ordinal").alias("b"), F.least("a.n", "b.n").alias("smaller"), "shared")
    )
    return shared.where(
        (F.col("shared") >= F.least(F.col("smaller"), F.lit(2))) & (F.col("shared") * 2 >= F.col("smaller"))
    ).select("a", "b")


def _numbered(spark: SparkSession, labels: DataFrame) -> DataFrame:
    """label -> cluster number from 1, in label (= first article) order; no driver collection."""
    ranked = labels.select("label").distinct().orderBy("label").rdd.map(_first).zipWithIndex().map(_plus_one)
    return spark.createDataFrame(ranked, "label bigint, cluster bigint", verifySchema=False)


def _first(row: Any) -> int:
    return row[0]


def _plus_one(item: tuple[int, int]) -> tuple[int, int]:
    return item[0], item[1] + 1
