"""Story candidates (shingle inverted index), average-linkage clusters, evaluation metrics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from compare.load.articles import iter_articles
from compare.report.shingles import article_shingles, candidate_pairs
from compare.report.stories import (
    DEFAULT_STORY_SETTINGS,
    StoryLink,
    StorySettings,
    average_linkage,
    cluster_stories,
    pairs_to_align,
)
from compare.text.chrome import BoilerplateLearner, strip_boilerplate
from compare.text.lexicon import SHINGLE_STOPWORDS
from evaluation.meter_stories import adjusted_rand_index, pair_scores

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"


def _contents(paths: list[Path]) -> tuple[list[str], list[str]]:
    articles = list(iter_articles(paths))
    learner = BoilerplateLearner()
    learner.observe_all(articles)
    return [a.id for a in articles], [strip_boilerplate(a.text, source=a.source, learned=learner).content for a in articles]


# --- shingles and candidates --------------------------------------------------------------------


def test_shingle_hashes_are_deterministic_sorted_and_unique():
    texts = ["Peskov said the arms shipments endanger Europe. Peskov said the arms shipments endanger Europe."]
    first = article_shingles(texts, size=3)[0]
    again = article_shingles(texts, size=3)[0]
    assert np.array_equal(first.hashes, again.hashes)
    assert np.all(np.diff(first.hashes.astype(np.float64)) > 0)
    # 7 distinct 3-grams in the repeated sentence ("endanger europe peskov" bridges the two copies).
    assert len(first) == 7


def test_short_text_still_has_one_shingle_and_empty_text_none():
    short, empty = article_shingles(["Kremlin warns", ""], size=3)
    assert len(short) == 1
    assert len(empty) == 0


def test_function_word_shingles_weigh_nothing_and_content_shingles_fully():
    (shingles,) = article_shingles(["it was the Kremlin spokesman"], size=3)
    assert sorted(shingles.factors.tolist()) == [0.0, 0.25, 1.0]  # "it was the", "was the kremlin", "the kremlin spokesman"
    assert "said" in SHINGLE_STOPWORDS


def test_candidate_pairs_find_shared_phrases_and_skip_unrelated():
    texts = [
        "Kremlin spokesman Dmitry Peskov told reporters that Western weapons endanger Europe.",
        "Western weapons endanger Europe, Kremlin spokesman Dmitry Peskov told reporters on Thursday.",
        "The city council voted for new cycle lanes on the high street after a long debate.",
    ]
    pairs = candidate_pairs(article_shingles(texts, size=3), max_df=20, min_shared=2)
    assert list(zip(pairs.a.tolist(), pairs.b.tolist(), strict=True)) == [(0, 1)]
    assert 0.3 < pairs.score[0] <= 1.0  # most of the first sentence is in the second


def test_phrases_in_more_than_max_df_articles_are_ignored():
    common = "prime minister boris johnson visited the factory"
    texts = [f"{common} number {i} zebra{i} walrus{i}" for i in range(5)]
    assert len(candidate_pairs(article_shingles(texts, size=3), max_df=4, min_shared=1)) == 0
    assert len(candidate_pairs(article_shingles(texts, size=3), max_df=5, min_shared=1)) == 10


@pytest.mark.parametrize(
    ("knobs", "message"),
    [
        ({"related_threshold": 2.0}, "related_threshold"),
        ({"related_threshold": 0.0}, "related_threshold"),
        ({"align_per_article": 0}, "align_per_article"),
    ],
)
def test_story_settings_are_validated_early(knobs, message):
    with pytest.raises(ValueError, match=message):
        StorySettings(**knobs)


# --- clustering ---------------------------------------------------------------------------------


def test_average_linkage_does_not_chain_through_one_weak_link():
    # Two tight triangles joined by one weak pair: single linkage would merge them.
    links = [StoryLink(a, b, 0.5, 10) for a, b in ((0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5))]
    links.append(StoryLink(2, 3, 0.02, 2))
    assert average_linkage(6, links, threshold=0.01) == ((0, 1, 2), (3, 4, 5))
    # A strong enough bridge does merge them: mean over the 9 cross pairs is 0.9 / 9 = 0.1.
    links[-1] = StoryLink(2, 3, 0.9, 20)
    assert average_linkage(6, links, threshold=0.05) == ((0, 1, 2, 3, 4, 5),)


def test_every_article_is_in_exactly_one_cluster():
    links = [StoryLink(0, 3, 0.3, 5)]
    clusters = average_linkage(5, links, threshold=0.01)
    assert clusters == ((0, 3), (1,), (2,), (4,))
    assert sorted(p for c in clusters for p in c) == list(range(5))


def test_pairs_to_align_span_each_cluster_and_stay_linear():
    links = [StoryLink(a, b, 1.0 / (1 + a + b), 5) for a in range(10) for b in range(a + 1, 10)]
    pairs = pairs_to_align([tuple(range(10))], links, per_article=1)
    assert len(pairs) < 2 * 10  # not the 45 pairs of the cluster
    parent = list(range(10))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    assert len({find(x) for x in range(10)}) == 1


def test_seed_stories_group_related_seeds_and_leave_unrelated_alone():
    ids, contents = _contents([FIXTURES / "seeds", FIXTURES / "unrelated"])
    result = cluster_stories(contents)
    named = [tuple(Path(ids[p]).name for p in c) for c in result.clusters]
    unrelated = {Path(i).name for i in ids if "/unrelated/" in i}
    for cluster in named:
        if len(cluster) > 1:
            assert not unrelated & set(cluster), cluster
    # Without dates nothing tells the five Kremlin pieces apart in time: one story.
    assert tuple(sorted(Path(i).name for i in ids if "/seeds/" in i)) in named


#: The seeds' publication dates (from the outlets' pages).
SEED_DATES = {"000": "2022-04-21", "001": "2022-01-17", "002": "2021-11-23", "003": "2022-01-19", "004": "2023-07-12"}


def test_dated_seeds_are_separate_events_of_one_topic():
    from compare.pair.story_score import day_of

    ids, contents = _contents([FIXTURES / "seeds"])
    days = [day_of(SEED_DATES[Path(i).name[:3]]) for i in ids]
    result = cluster_stories(contents, days=days)
    named = sorted(tuple(Path(ids[p]).name[:3] for p in c) for c in result.clusters)
    # Two pieces two days apart on Western arms for Kyiv are one development; the rest are months apart.
    assert named == [("000",), ("001", "003"), ("002",), ("004",)]
    for link in result.links:
        assert link.timeless >= DEFAULT_STORY_SETTINGS.related_threshold, link  # every pair: the same topic


def test_moscow_times_chrome_never_links_articles():
    chrome = "Support The Moscow Times!\n\nRead more\n\nA message from The Moscow Times:\n\nDear readers, donate today.\n"
    texts = [
        "Kremlin says sanctions will fail\n\nThe Kremlin said sanctions against Moscow will fail.\n" + chrome,
        "Heatwave closes schools in Seville\n\nSchools in Seville closed as temperatures hit 44C.\n" + chrome,
    ]
    contents = [strip_boilerplate(t).content for t in texts]
    assert cluster_stories(contents).clusters == ((0,), (1,))


# --- metrics ------------------------------------------------------------------------------------


def test_adjusted_rand_index_known_values():
    assert adjusted_rand_index([1, 1, 2, 2], ["a", "a", "b", "b"]) == pytest.approx(1.0)
    assert adjusted_rand_index([1, 1, 2, 2], ["a", "b", "a", "b"]) == pytest.approx(-0.5)
    # By hand: index 2, expected 3 * 4 / 15 = 0.8, maximum 3.5 -> 1.2 / 2.7.
    assert adjusted_rand_index([0, 0, 1, 1, 2, 2], [0, 0, 1, 2, 2, 2]) == pytest.approx(0.4444444, abs=1e-6)


def test_pair_scores_count_pairs():
    scores = pair_scores([0, 0, 0, 1], ["x", "x", "y", "y"])
    assert (scores.true_positives, scores.predicted, scores.gold) == (1, 3, 2)
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.recall == pytest.approx(0.5)


def test_candidates_grow_linearly_and_keep_each_articles_best():
    """A word shared by a tenth of the set once paired a hundredth of all pairs (N²); each article
    now keeps its closest candidates only."""
    import random

    from compare.pair.story_score import ProfileSet, profile, term_candidates

    rng = random.Random(3)
    vocabulary = [f"word{k}" for k in range(60)]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(40)) for _ in range(240)]
    profiles = ProfileSet([profile(t) for t in texts], common_df=100)
    everything = term_candidates(profiles, per_article=10_000)
    capped = term_candidates(profiles, per_article=5)
    assert len(everything[0]) > 20 * len(capped[0]) > 0
    assert len(capped[0]) <= 5 * 240
    kept = set(zip(capped[0].tolist(), capped[1].tolist(), strict=True))
    best = profiles.content_cosine(*everything)
    for article in (0, 17, 239):
        mine = [(score, pair) for score, pair in zip(best, zip(*everything, strict=True), strict=True) if article in pair]
        assert tuple(int(x) for x in max(mine)[1]) in kept  # the closest by the top-term dot is the closest here too
