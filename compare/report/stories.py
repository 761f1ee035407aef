"""Story clusters: which articles cover the same story, without comparing all N² pairs.

Three steps, each linear or near-linear in the number of articles:

1. **Scores** (``compare.pair.story_score``): candidate pairs come from a sparse
   product over each article's heaviest content words; each candidate gets
   P(same story) from a small logistic model over content-word and entity
   cosines, shared figures and the gap between the two dates. The same score
   gives ``pair`` its verdict.
2. **Clusters**: average-linkage agglomeration over that sparse graph (a pair
   that is not a candidate counts as probability 0), stopping when no two
   groups are, on average over all their cross pairs, at least the model's
   threshold likely to be one story. A cluster's members must each be close
   to the cluster as a whole, not only to one neighbour, so look-alike events
   (two shootings on one street, a boxer's fights four years apart) do not
   chain into one story.
3. **Evidence** (``compare.report``): only pairs inside a cluster are aligned
   with ``compare_articles``: each article with its most similar fellow
   members, bounded by ``align_per_article``, so alignment work grows with N,
   not N².

Pairs in different clusters whose score *without the time evidence* reaches
``related_threshold`` are "related": the same topic, another event or
development (the report draws them as one thread with a timeline).
Figures per development set: ``python -m evaluation.story_grouping``.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from compare.graph import UnionFind
from compare.pair.story_score import (
    RELATED_THRESHOLD,
    StoryModel,
    default_model,
    score_articles,
    timeless,
)


@dataclass(frozen=True, slots=True)
class StorySettings:
    """Knobs of story finding.

    Attributes:
        model: the story model (coefficients and threshold); None = the shipped
            one, fitted leave-one-corpus-out on the development sets.
        related_threshold: a pair in two different stories is "related" when
            its story probability with the time evidence taken out is at least
            this: the same topic, at another time.
        align_per_article: how many of its most similar fellow members each
            article is aligned with for the evidence (plus a spanning tree,
            so every story is explained end to end).
    """

    model: StoryModel | None = None
    related_threshold: float = RELATED_THRESHOLD
    align_per_article: int = 2

    def __post_init__(self) -> None:
        if not 0.0 < self.related_threshold < 1.0:
            raise ValueError("related_threshold must be a probability in (0, 1); 0.5 is the default")
        if self.align_per_article < 1:
            raise ValueError("align_per_article must be at least 1")

    @property
    def story_model(self) -> StoryModel:
        return self.model if self.model is not None else default_model()


DEFAULT_STORY_SETTINGS = StorySettings()


@dataclass(frozen=True, slots=True)
class StoryLink:
    """A scored candidate pair (input positions, ``a < b``).

    Attributes:
        score: P(same story).
        timeless: P(same story) with the time evidence taken out; "related"
            is decided on it.
        shared: what weighs most in the overlap (shared names, then words).
    """

    a: int
    b: int
    score: float
    timeless: float = 0.0
    shared: tuple[str, ...] = ()
    features: tuple[float, ...] = ()


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


def cluster_stories(
    contents: Sequence[str],
    *,
    titles: Sequence[str | None] | None = None,
    days: Sequence[int | None] | None = None,
    settings: StorySettings = DEFAULT_STORY_SETTINGS,
) -> StoryClusters:
    """Group content texts (boilerplate already removed) into story clusters.

    Args:
        contents: the articles' content.
        titles: their titles, None where unknown.
        days: their dates as ``date.toordinal()``, None where unknown
            (``compare.pair.story_score.day_of`` reads an ISO date).
        settings: see ``StorySettings``.
    """
    model = settings.story_model
    scored, profiles = score_articles(contents, titles=titles, days=days, model=model)
    without_time = model.probability(timeless(scored.features)) if len(scored) else np.zeros(0)
    links = [
        StoryLink(int(a), int(b), float(p), float(t), (), tuple(float(x) for x in row))
        for a, b, p, t, row in zip(scored.a, scored.b, scored.probability, without_time, scored.features, strict=True)
    ]
    clusters = average_linkage(len(contents), links, threshold=model.threshold)
    align = pairs_to_align(clusters, links, per_article=settings.align_per_article)
    # What the two share, for the pairs the report shows: the evidence and the related pairs.
    shown = set(align)
    cluster_of = {p: number for number, cluster in enumerate(clusters) for p in cluster}
    shown_links = tuple(
        replace(link, shared=profiles.shared_names(link.a, link.b))
        if (link.a, link.b) in shown
        or (link.timeless >= settings.related_threshold and cluster_of[link.a] != cluster_of[link.b])
        else link
        for link in links
    )
    return StoryClusters(clusters, shown_links, align)


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
