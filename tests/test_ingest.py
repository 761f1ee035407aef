"""Streaming ingest: statuses, matches, commit-before-report, shared Redis index."""

from __future__ import annotations

from pathlib import Path

import pytest

from compare.article import Article
from compare.dedup.index import open_index
from compare.dedup.stream import IngestResult, Match, ingest
from compare.load.articles import iter_articles, load_article

REPO = Path(__file__).resolve().parents[1]


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
        assert headline.matches[0].jaccard == pytest.approx(1.0, abs=1e-4)  # headlines are list lines, not shingled
        trimmed = by_id["fixtures/variants/003_trimmed_ending.txt"]
        assert trimmed.status == "duplicate" and trimmed.matches[0].id == SEED_3
        assert index.stats().articles == 5  # copies are not added


def test_reingesting_the_same_file_reports_it_as_a_duplicate_of_itself(tmp_path):
    with open_index(tmp_path / "i.sqlite") as index:
        list(ingest(articles(SEED_0), index, workers=0))
        (again,) = ingest(articles(SEED_0), index, workers=0)
    assert again.status == "duplicate"
    assert again.matches == (Match(SEED_0, 1.0, 1.0),)


def test_ingest_asks_the_index_for_candidates_at_the_thresholds_it_verifies_at(tmp_path, monkeypatch):
    """SQLite drops chance word-band hits unread only when it knows both thresholds (``sqlite._plausible``)."""
    from compare.dedup.index.sqlite import SQLiteIndex

    asked = []
    lookup = SQLiteIndex.candidates_many

    def spying(self, fingerprints, **thresholds):
        asked.append(thresholds)
        return lookup(self, fingerprints, **thresholds)

    monkeypatch.setattr(SQLiteIndex, "candidates_many", spying)
    with open_index(tmp_path / "i.sqlite") as index:
        list(ingest(articles(SEED_0), index, workers=0, threshold=0.6, containment_threshold=0.7))
    assert asked == [{"threshold": 0.6, "containment_threshold": 0.7}]


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


def test_worker_processes_give_the_same_results_as_one_process(tmp_path):
    """Above the parallel minimum the workers fingerprint ahead of the commits; results must not change."""
    import random

    rng = random.Random(2)
    vocabulary = [f"w{i}" for i in range(2000)]
    batch = []
    for i in range(450):
        if i and rng.random() < 0.2:
            batch.append(Article(id=f"copy{i}", text=rng.choice(batch).text))
        else:
            batch.append(Article(id=f"a{i}", text=" ".join(rng.choices(vocabulary, k=120))))
    with open_index(tmp_path / "one.sqlite") as one, open_index(tmp_path / "two.sqlite") as two:
        serial = list(ingest(batch, one, batch_size=100, workers=0))
        parallel = list(ingest(iter(batch), two, batch_size=100, workers=2))
        assert serial == parallel
        assert [r.id for r in parallel] == [a.id for a in batch]
        assert 50 < sum(r.status == "duplicate" for r in parallel) < 150
        assert two.check() == []


@pytest.mark.parametrize("backend", ["memory", "sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def test_the_index_learns_an_outlets_chrome_over_time(backend, tmp_path, request, outlet_chrome):
    """Short pieces that share only their outlet's chrome stop matching once the chrome is learned."""
    spec = {"memory": "memory", "sqlite": str(tmp_path / "i.sqlite")}.get(backend) or request.getfixturevalue("redis_url")
    chrome = outlet_chrome[:6]
    bodies = []
    for path in sorted((REPO / "fixtures" / "seeds").glob("*.txt")) + sorted((REPO / "fixtures" / "unrelated").glob("*.txt")):
        paragraphs = [line for line in load_article(path).text.splitlines() if len(line.split()) > 12]
        bodies.append(paragraphs[0])
    pieces = [Article(id=f"planet-{i}", source="Daily Planet", text="\n".join([body, *chrome])) for i, body in enumerate(bodies)]
    index = open_index(spec)
    try:
        results = [next(iter(ingest([piece], index, workers=0))) for piece in pieces]
        assert results[1].status == "duplicate"  # chrome not learned yet: it alone makes them alike
        assert [r.status for r in results[5:]] == ["new"] * (len(pieces) - 5)
        assert index.stats().learned_boilerplate == 6
    finally:
        index.close()


@pytest.mark.parametrize("backend", ["memory", "sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def test_an_id_given_twice_in_one_batch_keeps_the_later_version(backend, tmp_path, request):
    """A feed that re-sends an id with new text must not lose the whole batch (SQLite: UNIQUE
    constraint) nor leave the earlier version's band entries behind (Redis): the later version
    replaces the earlier one, as it does when the id comes back in a later batch."""
    spec = {"memory": "memory", "sqlite": str(tmp_path / "i.sqlite")}.get(backend) or request.getfixturevalue("redis_url")
    first, second, other = (load_article(p) for p in (SEED_0, SEED_3, "fixtures/seeds/001_70d18d04582d512c.txt"))
    batch = [Article(id="A", text=first.text), Article(id="B", text=other.text), Article(id="A", text=second.text)]
    index = open_index(spec)
    try:
        results = list(ingest(batch, index, workers=0))
        assert [(r.id, r.status) for r in results] == [("A", "new"), ("B", "new"), ("A", "new")]
        assert index.stats().articles == 2
        (again,) = ingest([Article(id="again", text=second.text)], index, workers=0)
        assert [m.id for m in again.matches] == ["A"] and again.matches[0].jaccard == 1.0
        (old,) = ingest([Article(id="old", text=first.text)], index, workers=0)
        assert old.status == "new"  # the earlier version of A is gone from the LSH too
        if backend != "memory":
            assert index.check() == []
        index.remove("B")  # its word and character bands and its anchors go with it
        (b_again,) = ingest([Article(id="b-again", text=other.text)], index, workers=0)
        assert b_again.status == "new"
        if backend != "memory":
            assert index.check() == []
    finally:
        index.close()


@pytest.mark.timeout(60)
def test_stopping_an_ingest_early_stops_its_worker_pool(tmp_path):
    """Ctrl-C, ``kill`` or a reader that stops (``| head``) close the ingest generator while the
    pool's feeder thread waits for room two batches ahead; closing must not wait for it forever
    (``Pool.terminate()`` joins that thread)."""
    import random

    rng = random.Random(3)
    vocabulary = [f"w{i}" for i in range(2000)]
    batch = [Article(id=f"a{i}", text=" ".join(rng.choices(vocabulary, k=120))) for i in range(3000)]
    with open_index(tmp_path / "i.sqlite") as index:
        results = ingest(iter(batch), index, batch_size=50, workers=2)
        assert next(results).status == "new"
        results.close()  # hung here, in Fingerprinter.close()
        assert index.check() == []


@pytest.mark.parametrize("backend", ["memory", "sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def test_an_ocr_noisy_copy_is_found_by_ingest_in_the_index_and_in_its_batch(backend, tmp_path, request):
    """The character signal in stream verification: OCR noise breaks the word shingles, not the match."""
    import random

    from evaluation.heldout_dedup import ocr_noise

    spec = {"memory": "memory", "sqlite": str(tmp_path / "i.sqlite")}.get(backend) or request.getfixturevalue("redis_url")
    original = load_article(SEED_0)
    noisy = [Article.from_text(ocr_noise(original.text, random.Random(seed))[0], id=f"noisy-{seed}") for seed in (3, 4)]
    others = articles("fixtures/seeds")[1:]  # related coverage, with the character signal too: never matched
    with open_index(spec) as index:
        first = list(ingest([original, *others], index, workers=0))
        assert [r.status for r in first] == ["new"] * 5
        # noisy-3 against the stored original; noisy-4 in the same batch as a fresh article that it must not match
        later = list(ingest([noisy[0], noisy[1]], index, workers=0))
        for result in later:
            assert result.status == "duplicate", result
            best = result.matches[0]
            assert best.id == original.id and best.jaccard < 0.5 and best.char_jaccard >= 0.4
            assert best.to_dict()["char_jaccard"] == round(best.char_jaccard, 4)
        assert {m.id for r in later for m in r.matches} == {original.id}
        assert index.stats().char_articles == 5
    if backend == "redis":
        return
    # Within one batch: the copy finds the original through the batch's own buckets.
    fresh = {"memory": "memory", "sqlite": str(tmp_path / "fresh.sqlite")}[backend]
    with open_index(fresh) as index:
        in_batch = list(ingest([original, *others, noisy[0]], index, workers=0))
        assert [r.status for r in in_batch] == ["new"] * 5 + ["duplicate"]
        assert [m.id for m in in_batch[-1].matches] == [original.id]


@pytest.mark.parametrize("backend", ["memory", "sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def test_a_short_story_in_a_heavy_template_is_contained_in_its_indexed_original(backend, tmp_path, request):
    """Containment anchors: two paragraphs in a 30-link menu and a 20-headline sidebar (Jaccard ~0.1) are found."""
    from dataclasses import replace

    from compare.dedup.fingerprint import fingerprint, overlap
    from evaluation.heldout_dedup import SECTIONS, Template, templated_text

    spec = {"memory": "memory", "sqlite": str(tmp_path / "i.sqlite")}.get(backend) or request.getfixturevalue("redis_url")
    seeds = articles("fixtures/seeds")
    sidebar = tuple(f"Headline number {i} about the council budget and a late vote" for i in range(20))
    footer = ("Copyright 2022 Example Media. All rights reserved.", "Terms of use. Privacy policy. Contact us.")
    template = Template("Example News", SECTIONS[:30], sidebar, footer)
    paragraphs = [b for b in seeds[0].text.split("\n") if len(b.split()) > 15]
    other = [b for b in seeds[1].text.split("\n") if len(b.split()) > 15]
    page = replace(templated_text(template, "A headline", paragraphs[:2]), id="page")
    other_page = replace(templated_text(template, "Another headline", other[:3]), id="other page")
    jaccard, _ = overlap(fingerprint(seeds[0]).shingles, fingerprint(page).shingles)
    assert jaccard < 0.15  # the word bands alone propose this pair with probability < 0.5
    with open_index(spec) as index:
        list(ingest(seeds, index, workers=0))
        results = list(ingest([page, other_page], index, workers=0))
    # each page is contained in its own story, never matched to the other page of the same template
    assert [(r.status, [m.id for m in r.matches]) for r in results] == [("contained", [seeds[0].id]), ("contained", [seeds[1].id])]
