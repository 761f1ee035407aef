"""Story clusters: which articles cover the same story, without comparing all N² pairs.

Three steps, each linear or near-linear in the number of articles:

1. **Candidates** (``compare.report.shingles``): an inverted index over word 3-grams
   of each article's content (boilerplate removed) proposes the pairs that
   share rare phrases, with an IDF-weighted containment score. Near-duplicate
   MinHash at the article level is the wrong tool here: a newspaper piece that
   reuses four wire sentences among its own has a low article Jaccard.
2. **Clusters**: average-linkage agglomeration over that sparse similarity
   graph (a missing pair counts as similarity 0), stopping below
   ``link_threshold``. Single linkage (connected components) chains through
   stock phrases: on METER, at the recall average linkage reaches, it put
   most articles into one cluster (pairwise precision 0.07). Average linkage asks
   that two groups be similar *on the whole*, so one stray shared phrase
   cannot merge two stories.
3. **Evidence** (``compare.report``): only pairs inside a cluster are aligned
   with ``compare_articles``: each article with its most similar fellow
   members, bounded by ``align_per_article``, so alignment work grows with N,
   not N².

Tuned on METER showbiz (289 articles, 62 date/story folders); see
``evaluation.meter_stories`` for the figures.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from compare.graph import UnionFind
from compare.report.shingles import article_shingles, candidate_pairs


@dataclass(frozen=True, slots=True)
class StorySettings:
    """Tuning knobs of story finding (defaults chosen on METER).

    Attributes:
        shingle_size: words per shingle. 3 finds paraphrased newspaper copy
            that keeps short runs of wire wording; 5 missed half of it.
        max_df: shingles carried by more articles than this are ignored
            (stock phrases); also bounds the candidate-generation cost.
        min_shared: fewest shared shingles for a pair to be a candidate.
        link_threshold: average-linkage stop: two groups merge while their
            mean pairwise score is at least this. Scores are IDF-weighted
            containments, so 0.008 means "0.8% of the smaller article's
            distinctive phrasing, on average over all cross pairs".
        related_threshold: candidate pairs below ``link_threshold`` but at or
            above this are reported as "related" when they end up in
            different stories.
        align_per_article: how many of its most similar fellow members each
            article is aligned with for the evidence (plus a spanning tree,
            so every story is explained end to end).
    """

    shingle_size: int = 3
    max_df: int = 20
    min_shared: int = 2
    link_threshold: float = 0.008
    related_threshold: float = 0.006
    align_per_article: int = 2

    def __post_init__(self) -> None:
        if self.shingle_size < 1:
            raise ValueError("shingle_size must be at least 1 word; 3 is the tuned default")
        if self.max_df < 2:
            raise ValueError("max_df must be at least 2: a phrase in one article links nothing")
        if self.min_shared < 1:
            raise ValueError("min_shared must be at least 1 shared shingle")
        if not 0.0 < self.link_threshold <= 1.0:
            raise ValueError("link_threshold must be in (0, 1]; 0.008 is the tuned default")
        if not 0.0 <= self.related_threshold <= 1.0:
            raise ValueError("related_threshold must be in [0, 1]")
        if self.align_per_article < 1:
            raise ValueError("align_per_article must be at least 1")


DEFAULT_STORY_SETTINGS = StorySettings()


@dataclass(frozen=True, slots=True)
class StoryLink:
    """A scored candidate pair (input positions, ``a < b``)."""

    a: int
    b: int
    score: float
    shared_shingles: int


@dataclass(frozen=True, slots=True)
class StoryClusters:
    """Clusters over input positions.

    Attributes:
        clusters: every article in exactly one cluster; each cluster sorted,
            clusters ordered by their first member.
        links: all candidate pairs with their scores, sorted by (a, b).
        align: pairs to align for the evidence, sorted by (a, b).
    """

    clusters: tuple[tuple[int, ...], ...]
    links: tuple[StoryLink, ...]
    align: tuple[tuple[int, int], ...]


def cluster_stories(contents: Sequence[str], *, settings: StorySettings = DEFAULT_STORY_SETTINGS) -> StoryClusters:
    """Group content texts (boilerplate already removed) into story clusters."""
    n = len(contents)
    shingles = article_shingles(contents, size=settings.shingle_size)
    pairs = candidate_pairs(shingles, max_df=settings.max_df, min_shared=settings.min_shared)
    links = tuple(
        StoryLink(int(a), int(b), float(s), int(k))
        for a, b, s, k in zip(pairs.a, pairs.b, pairs.score, pairs.shared, strict=True)
    )
    clusters = average_linkage(n, links, threshold=settings.link_threshold)
    align = pairs_to_align(clusters, links, per_article=settings.align_per_article)
    return StoryClusters(clusters, links, align)


def average_linkage(n: int, links: Sequence[StoryLink], *, threshold: float) -> tuple[tuple[int, ...], ...]:
    """Agglomerate while the best mean cross-pair similarity is >= ``threshold``.

    Sparse: only pairs in ``links`` have a similarity; all others are 0. Each
    merge sums the two rows of cross-cluster similarity, and a heap with lazy
    deletion finds the next best merge, so the cost is O(E log E) for E links
    (times the degree on merges), not O(N²). Ties go to the lower cluster ids,
    which makes the result independent of anything but input order.
    """
    size = dict.fromkeys(range(n), 1)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    cross: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for link in links:
        if link.score > 0:
            cross[link.a][link.b] = cross[link.a].get(link.b, 0.0) + link.score
            cross[link.b][link.a] = cross[link.b].get(link.a, 0.0) + link.score
    heap = [(-s / 1.0, a, b) for a in cross for b, s in cross[a].items() if a < b and s >= threshold]
    heapq.heapify(heap)
    next_id = n
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in size or b not in size:
            continue  # one side was merged already; stale entry
        mean = cross[a][b] / (size[a] * size[b])
        if abs(mean + negative) > 1e-12:
            continue  # stale score
        new = next_id
        next_id += 1
        size[new] = size.pop(a) + size.pop(b)
        members[new] = members.pop(a) + members.pop(b)
        row_a, row_b = cross.pop(a), cross.pop(b)
        row: dict[int, float] = {}
        for other, total in (*row_a.items(), *row_b.items()):
            if other in (a, b):
                continue
            row[other] = row.get(other, 0.0) + total
        cross[new] = row
        for other, total in row.items():
            peer = cross[other]
            peer.pop(a, None)
            peer.pop(b, None)
            peer[new] = total
            other_mean = total / (size[new] * size[other])
            if other_mean >= threshold:
                heapq.heappush(heap, (-other_mean, min(new, other), max(new, other)))
    clusters = sorted(tuple(sorted(m)) for m in members.values())
    return tuple(clusters)


def pairs_to_align(
    clusters: Sequence[Sequence[int]], links: Sequence[StoryLink], *, per_article: int
) -> tuple[tuple[int, int], ...]:
    """Inside each cluster: a maximum spanning tree plus each member's top links.

    The spanning tree explains why the whole cluster hangs together; the extra
    top links let agreements carried by three or more outlets show up without
    aligning every pair of a large story.
    """
    cluster_of = {}
    for number, cluster in enumerate(clusters):
        for position in cluster:
            cluster_of[position] = number
    inside = [link for link in links if cluster_of[link.a] == cluster_of[link.b]]
    inside.sort(key=lambda link: (-link.score, link.a, link.b))
    chosen: set[tuple[int, int]] = set()
    forest = UnionFind[int]()
    for link in inside:  # Kruskal, best links first
        if forest.union(link.a, link.b):
            chosen.add((link.a, link.b))
    taken: dict[int, int] = {}
    for link in inside:
        if taken.get(link.a, 0) < per_article or taken.get(link.b, 0) < per_article:
            chosen.add((link.a, link.b))
            taken[link.a] = taken.get(link.a, 0) + 1
            taken[link.b] = taken.get(link.b, 0) + 1
    return tuple(sorted(chosen))


def similarity_matrix(n: int, links: Sequence[StoryLink]) -> np.ndarray:
    """Dense symmetric score matrix (1 on the diagonal) for small views and tests."""
    matrix = np.eye(n)
    for link in links:
        matrix[link.a, link.b] = matrix[link.b, link.a] = link.score
    return matrix
