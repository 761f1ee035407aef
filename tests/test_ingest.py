"""Streaming ingest: statuses, matches, commit-before-report, shared Redis index."""

from __future__ import annotations

import pytest

from compare.articles import Article, iter_articles, load_article
from compare.dedup import IngestResult, Match, ingest
from compare.index import open_index
from tests.conftest import REPO


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    monkeypatch.chdir(REPO)


SEED_0 = "fixtures/seeds/000_e6f0c9be4bb1d9ca.txt"
SEED_3 = "fixtures/seeds/003_625db1e6dcb7c4b7.txt"


def articles(*paths: str) -> list[Article]:
    return list(iter_articles(paths))


def test_new_articles_are_added_and_copies_point_at_them(tmp_path):
    with open_index(tmp_path / "i.sqlite") as index:
        first = list(ingest(articles("fixtures/seeds"), index, workers=0))
        assert [r.status for r in first] == ["new"] * 5
        second = list(ingest(articles("fixtures/variants"), index, workers=0))
        by_id = {r.id: r for r in second}
        headline = by_id["fixtures/variants/000_new_headline.txt"]
        assert headline.status == "duplicate"
        assert [m.id for m in headline.matches] == [SEED_0]
        assert headline.matches[0].jaccard == pytest.approx(0.9462, abs=1e-4)
        trimmed = by_id["fixtures/variants/003_trimmed_ending.txt"]
        assert trimmed.status == "duplicate" and trimmed.matches[0].id == SEED_3
        assert index.stats().articles == 5  # copies are not added


def test_reingesting_the_same_file_reports_it_as_a_duplicate_of_itself(tmp_path):
    with open_index(tmp_path / "i.sqlite") as index:
        list(ingest(articles(SEED_0), index, workers=0))
        (again,) = ingest(articles(SEED_0), index, workers=0)
    assert again.status == "duplicate"
    assert again.matches == (Match(SEED_0, 1.0, 1.0),)


def test_copies_within_one_batch_match_the_earlier_new_article(tmp_path):
    batch = articles(SEED_0, "fixtures/variants/000_new_headline.txt", "fixtures/variants/000_other_site_chrome.txt")
    with open_index(tmp_path / "i.sqlite") as index:
        results = list(ingest(batch, index, workers=0))
    assert [r.status for r in results] == ["new", "duplicate", "duplicate"]
    assert [m.id for m in results[2].matches] == [SEED_0]  # the other copy was not added, so not matched


def test_a_wire_story_inside_a_longer_indexed_article_is_contained(tmp_path):
    seed = load_article("fixtures/seeds/004_df846c121b610a3c.txt")
    wire_paragraphs = [line for line in seed.text.splitlines() if len(line.split()) > 12][:5]
    padding = load_article("fixtures/unrelated/chip_plant_opening.txt").text.splitlines()
    longer = Article(id="feature", text="\n".join(padding + wire_paragraphs))
    wire = Article(id="wire", text="\n".join(wire_paragraphs))
    with open_index(tmp_path / "i.sqlite") as index:
        list(ingest([longer], index, workers=0))
        (result,) = ingest([wire], index, workers=0)
    assert result.status == "contained"
    assert result.matches[0].id == "feature" and result.matches[0].containment >= 0.95


def test_results_are_yielded_only_after_their_batch_is_committed(tmp_path):
    path = tmp_path / "i.sqlite"
    with open_index(path) as index:
        stream = ingest(articles("fixtures/seeds"), index, batch_size=2, workers=0)
        first = next(stream)
        # A second connection (another process) already sees the reported article.
        with open_index(path) as other:
            assert first.id in other
            assert other.stats().articles == 2  # the whole first batch, not more
        rest = list(stream)
    assert len(rest) == 4


def test_ingest_result_json_shape():
    result = IngestResult("x", "duplicate", (Match("y", 0.912345, 1.0),))
    assert result.to_dict() == {"id": "x", "status": "duplicate", "matches": [{"id": "y", "jaccard": 0.9123, "containment": 1.0}]}


@pytest.mark.redis
def test_two_workers_share_one_redis_index(redis_url):
    worker_a = open_index(redis_url)
    worker_b = open_index(redis_url)
    try:
        list(ingest(articles("fixtures/seeds"), worker_a, workers=0))
        results = {r.id: r for r in ingest(articles("fixtures/variants"), worker_b, workers=0)}
        assert results["fixtures/variants/000_other_site_chrome.txt"].matches[0].id == SEED_0
        assert worker_a.stats().articles == worker_b.stats().articles == 5
        assert worker_b.check() == []
    finally:
        worker_a.close()
        worker_b.close()
