"""Connected components of a pair graph, in Spark joins (nothing collected to the driver).

Min-label propagation with pointer jumping: every vertex starts with the
smallest of itself and its neighbours; each round (1) takes the smallest
label among its neighbours and (2) jumps to its label's own label. Labels
only fall and are always members of the component, and a round that
changes nothing ends it, when every vertex holds the smallest vertex of its
component: the same clusters as the local engine's union-find
(``compare.dedup.batch.clusters_of``). Step 2 halves the distance a label still
has to travel, so a chain of n near-duplicates takes O(log n) rounds, not n.

Each round is a few shuffles of (vertex, label) longs; the per-round result
is persisted and the previous one released, so lineage stays short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyspark import StorageLevel
from pyspark.sql import functions as F

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

#: Rounds after which propagation stops with an error (2**64 vertices need fewer).
MAX_ROUNDS = 64


def connected_components(edges: DataFrame, *, max_rounds: int = MAX_ROUNDS, partitions: int | None = None) -> DataFrame:
    """(vertex, label) for every vertex of ``edges`` (columns ``a``, ``b``: bigint).

    ``label`` is the smallest vertex of the vertex's component.

    Args:
        partitions: partitions of each round's checkpointed labels (default:
            those of the shuffle, ``spark.sql.shuffle.partitions``); each
            round's stages run one task per partition.
    """
    both = edges.select(F.col("a").alias("src"), F.col("b").alias("dst")).union(
        edges.select(F.col("b").alias("src"), F.col("a").alias("dst"))
    )
    if partitions:
        both = both.coalesce(partitions)
    both = both.persist(StorageLevel.MEMORY_AND_DISK)
    # Each round's labels are checkpointed: a round's plan refers to the labels
    # twice, so without the cut the plan would double in size every round.
    labels = (
        both.groupBy(F.col("src").alias("vertex"))
        .agg(F.least(F.min("dst"), F.first("src")).alias("label"))
    )
    if partitions:
        labels = labels.coalesce(partitions)
    labels = labels.localCheckpoint()
    try:
        for _ in range(max_rounds):
            # (1) the smallest label among the neighbours
            offered = (
                both.join(labels.withColumnRenamed("vertex", "src"), "src")
                .groupBy(F.col("dst").alias("vertex"))
                .agg(F.min("label").alias("offered"))
            )
            step = labels.join(offered, "vertex").select(
                "vertex",
                F.least("label", "offered").alias("label"),
                (F.col("offered") < F.col("label")).alias("fell"),
            )
            # (2) pointer jumping: a label's own label is in the same component and no larger
            parents = labels.select(F.col("vertex").alias("parent"), F.col("label").alias("grand"))
            jumped = step.join(parents, F.col("label") == F.col("parent")).select(
                "vertex",
                F.least("label", "grand").alias("label"),
                (F.col("fell") | (F.col("grand") < F.col("label"))).alias("fell"),
            )
            if partitions:
                jumped = jumped.coalesce(partitions)
            jumped = jumped.localCheckpoint()
            labels = jumped.select("vertex", "label")
            if jumped.where("fell").isEmpty():
                return labels
    finally:
        both.unpersist()
    raise RuntimeError(f"connected components did not settle in {max_rounds} rounds")
