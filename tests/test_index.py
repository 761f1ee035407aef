"""The index: one interface over memory, SQLite and a real Redis server."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from compare.article import Article
from compare.dedup.fingerprint import FingerprintSettings, fingerprint
from compare.dedup.index import open_index
from compare.dedup.index.base import IndexParameters, index_anchors
from compare.dedup.lsh import CHAR_BANDS, band_keys, candidate_probability, lsh_params
from compare.errors import IndexStoreError, SettingsMismatchError
from compare.load.articles import load_article

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


@pytest.fixture(params=["memory", "sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def spec(request, tmp_path):
    if request.param == "memory":
        return "memory"
    if request.param == "sqlite":
        return str(tmp_path / "index.sqlite")
    return request.getfixturevalue("redis_url")


def seeds() -> list[Article]:
    return [load_article(p) for p in SEEDS]


def items(articles, settings=None):
    return [(fingerprint(a, **({"settings": settings} if settings else {})), a) for a in articles]


def test_added_articles_are_their_own_candidates_and_come_back_whole(spec):
    articles = seeds()
    with open_index(spec) as index:
        assert index.add(items(articles)) == [a.id for a in articles]
        fp = fingerprint(articles[2])
        assert articles[2].id in index.candidates(fp)
        assert index.candidates_many([fp])[0] == index.candidates(fp)
        stored = index.get([articles[2].id, "no-such-id"])
        assert list(stored) == [articles[2].id]
        record = stored[articles[2].id]
        assert np.array_equal(record.shingles, index.comparable(fp.shingles))
        assert (record.title, record.source) == (articles[2].title, articles[2].source)
        stats = index.stats()
        assert stats.articles == 5
        assert stats.char_articles == 5  # every seed is long enough for the character signal
        anchors = sum(index_anchors(fingerprint(a).shingles).size for a in articles)  # distinct stories: no anchor capped
        assert stats.band_entries == 5 * (stats.bands + CHAR_BANDS) + anchors
        assert [r["id"] for r in index.export()] == [a.id for a in articles] or spec.startswith("redis")
        assert {r["id"] for r in index.export()} == {a.id for a in articles}


def test_unrelated_seeds_are_not_candidates_of_each_other(spec):
    articles = seeds()
    with open_index(spec) as index:
        index.add(items(articles[:1]))
        assert index.candidates(fingerprint(articles[3])) == []


def test_remove_deletes_signature_shingles_metadata_and_bands(spec):
    articles = seeds()
    with open_index(spec) as index:
        index.add(items(articles))
        index.remove(articles[0].id)
        assert articles[0].id not in index
        assert index.candidates(fingerprint(articles[0])) == []
        assert index.stats().articles == 4
        with pytest.raises(IndexStoreError, match="no article with id 'nope'"):
            index.remove("nope")


def test_adding_an_id_again_replaces_the_stored_version(spec):
    first = Article(id="story", text=load_article(SEEDS[0]).text)
    second = Article(id="story", text=load_article(SEEDS[3]).text)
    with open_index(spec) as index:
        index.add(items([first]))
        index.add(items([second]))
        assert index.stats().articles == 1
        assert index.candidates(fingerprint(first)) == []
        assert index.candidates(fingerprint(second)) == ["story"]
        if hasattr(index, "check"):
            assert index.check() == []


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def test_a_new_process_sees_everything_already_ingested(backend, tmp_path, request):
    spec = str(tmp_path / "i.sqlite") if backend == "sqlite" else request.getfixturevalue("redis_url")
    articles = seeds()
    with open_index(spec) as index:
        index.add(items(articles))
    with open_index(spec) as reopened:
        assert reopened.stats().articles == 5
        assert articles[4].id in reopened.candidates(fingerprint(articles[4]))


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def test_opening_with_other_settings_says_which_settings_to_use(backend, tmp_path, request):
    spec = str(tmp_path / "i.sqlite") if backend == "sqlite" else request.getfixturevalue("redis_url")
    with open_index(spec, settings=FingerprintSettings(shingle_size=4, num_perm=64)):
        pass
    with pytest.raises(SettingsMismatchError, match=r"built with shingle_size=4, num_perm=64.*same settings \(shingle_size=4, num_perm=64") as raised:
        open_index(spec, settings=FingerprintSettings(shingle_size=5, num_perm=64))
    assert "--" not in str(raised.value)  # the library names its parameters; the CLI its options
    # Asking for no particular settings adopts the index's own.
    with open_index(spec) as index:
        assert index.settings == FingerprintSettings(shingle_size=4, num_perm=64)


def test_a_threshold_below_the_index_candidate_threshold_is_refused(tmp_path):
    spec = tmp_path / "i.sqlite"
    open_index(spec, threshold=0.5).close()
    with pytest.raises(SettingsMismatchError, match=r"finds candidates down to Jaccard 0\.2"):
        open_index(spec, threshold=0.1)


@pytest.mark.redis
def test_redis_layout_is_datasketch_minhashlsh_storage(redis_url):
    """A plain MinHashLSH on the same basename answers from what the index wrote."""
    from datasketch import LeanMinHash, MinHashLSH

    articles = seeds()
    with open_index(redis_url) as index:
        index.add(items(articles))
        p = index.parameters
    host_port, db = redis_url.removeprefix("redis://").rsplit("/", 1)
    host, port = host_port.split(":")
    lsh = MinHashLSH(
        num_perm=p.settings.num_perm,
        params=(p.bands, p.rows),
        storage_config={"type": "redis", "basename": b"article-compare:lsh", "redis": {"host": host, "port": int(port), "db": int(db)}},
        prepickle=False,
    )
    fp = fingerprint(articles[1])
    found = lsh.query(LeanMinHash(seed=p.settings.seed, hashvalues=fp.signature, scheme="affine32"))
    assert [k.decode() for k in found] == [articles[1].id]
    for storage in [lsh.keys, *lsh.hashtables]:
        storage._redis.close()


@pytest.mark.redis
def test_redis_batches_are_one_transaction(redis_url):
    """A batch whose MULTI/EXEC fails leaves nothing behind (no article in some bands only)."""
    import redis

    articles = seeds()
    with open_index(redis_url) as index:
        original = index._redis.pipeline

        def failing_pipeline(transaction=True):
            pipe = original(transaction=transaction)
            if transaction:
                real_execute = pipe.execute

                def execute(raise_on_error=True):
                    pipe.execute_command("NO-SUCH-COMMAND")  # EXEC aborts: nothing applied
                    return real_execute(raise_on_error)

                pipe.execute = execute
            return pipe

        index._redis.pipeline = failing_pipeline
        with pytest.raises(IndexStoreError, match="none of them was written"):
            index.add(items(articles))
        index._redis.pipeline = original
        assert index.stats().articles == 0
        assert index.check() == []
        keys = redis.Redis.from_url(redis_url)
        assert keys.dbsize() == 1  # only the settings hash
        keys.close()


def test_sqlite_file_has_wal_band_table_and_settings(tmp_path):
    path = tmp_path / "i.sqlite"
    with open_index(path) as index:
        index.add(items(seeds()))
        p = index.parameters
        assert index.check() == []
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    settings = dict(db.execute("SELECT name, value FROM settings"))
    assert settings["shingle_size"] == str(p.settings.shingle_size)
    assert settings["scheme"] == "affine32"
    assert (int(settings["bands"]), int(settings["rows"])) == (p.bands, p.rows)
    anchors = sum(index_anchors(fingerprint(a).shingles).size for a in seeds())
    stored = sum(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("bands", "fresh"))  # swept or not yet
    assert stored == 5 * (p.bands + CHAR_BANDS) + anchors  # word and character bands, anchors
    db.close()


def test_band_parameters_come_from_datasketch_and_find_jaccard_half_pairs():
    from datasketch import MinHashLSH

    p = IndexParameters.build(FingerprintSettings(), 0.5)
    lsh = MinHashLSH(threshold=p.candidate_threshold, num_perm=p.settings.num_perm, weights=(0.3, 0.7))
    assert (p.bands, p.rows) == (lsh.b, lsh.r) == lsh_params(p.candidate_threshold, p.settings.num_perm, 0.7)
    assert candidate_probability(0.5, p.bands, p.rows) > 0.99


def test_band_keys_depend_on_each_band_value_only():
    rng = np.random.default_rng(1)
    sig = rng.integers(0, 2**32, size=(2, 64), dtype=np.uint64).astype(np.uint32)
    sig[1, :2] = sig[0, :2]  # same first band (rows=2), the rest differs
    keys = band_keys(sig, 19, 2)
    assert keys.shape == (2, 19) and keys.dtype == np.int64
    assert keys[0, 0] == keys[1, 0]
    assert (keys[0, 1:] != keys[1, 1:]).all()


def test_sqlite_add_after_a_lookup_reuses_its_anchor_counts_and_they_equal_a_fresh_count(tmp_path):
    """Ingest's add reuses the anchor counts its lookup made under the same write lock (no second probe of every anchor)."""
    from compare.dedup.index.base import anchor_keys, index_anchors
    from compare.dedup.index.sqlite import _fold

    articles = seeds()
    with open_index(tmp_path / "i.sqlite") as index:
        index.add(items(articles[:3]))
        fps = [fingerprint(a) for a in articles] * 2  # stored and unseen articles, each key probed twice

        def step():
            index.candidates_many(fps)
            seen = dict(index._anchor_counts_seen)
            keys = np.unique(np.concatenate([_fold(anchor_keys(index_anchors(fp.shingles))) for fp in fps]))
            assert set(seen) == set(keys.tolist())
            assert seen == {key: index._anchor_counts(keys).get(key, 0) for key in keys.tolist()}
            assert any(key < 0 for key, n in seen.items() if n) and any(key > 0 for key, n in seen.items() if n)
            assert 0 in seen.values()
            index.add(items(articles[3:]))
            assert index._anchor_counts_seen is None  # the add changed them

        index.atomically(step)
        assert index._anchor_counts_seen is None
        assert index.check() == []


def test_sqlite_candidate_lookup_searches_the_band_table_never_scans_it(tmp_path):
    """The lookup used to scan every band row per batch (the planner's choice): O(index size) per article."""
    from compare.dedup.index.sqlite import CANDIDATES_SQL

    with open_index(tmp_path / "i.sqlite") as index:
        index.add(items(seeds()))
        index.candidates_many([fingerprint(seeds()[0])])
        plan = [row[3] for row in index._db.execute("EXPLAIN QUERY PLAN " + CANDIDATES_SQL, ("[]",))]
    assert sum(step.startswith("SEARCH b USING PRIMARY KEY") for step in plan) == 2, plan  # bands and fresh
    assert not any(step.startswith("SCAN b") for step in plan), plan


def test_sqlite_keeps_a_character_band_hit_only_when_the_signatures_agree_as_batch_dedup_asks():
    """A pair only the character bands propose is kept when its digests agree in >= 26 of 128 values
    (every pair the full-signature rule keeps), and a chance hit is dropped before any stored set is read."""
    from compare.dedup.index.sqlite import _agreeing, char_digest
    from compare.dedup.lsh import char_signatures_agree

    rng = np.random.default_rng(5)
    mine = rng.integers(0, 2**32, size=128, dtype=np.uint64).astype(np.uint32)
    probe = fingerprint(Article(id="p", text=load_article(SEEDS[0]).text))
    probe = dataclasses.replace(probe, char_signature=mine)
    hits, expected = [], []
    for agreeing in range(0, 129, 4):
        other = rng.integers(0, 2**32, size=128, dtype=np.uint64).astype(np.uint32)
        same = rng.choice(128, size=agreeing, replace=False)
        other[same] = mine[same]
        hits.append((len(hits), f"a{agreeing}", char_digest(other).tobytes()))  # one hit per looked-up article
        if char_signatures_agree(np.stack([mine, other]), np.array([[0, 1]]))[0]:
            expected.append(f"a{agreeing}")
    kept = [article_id for _, article_id in _agreeing(hits, [probe] * len(hits))]
    assert set(expected) <= set(kept)  # never drops a pair the full rule keeps
    assert not {f"a{n}" for n in range(0, 13, 4)} & set(kept)  # chance-level agreement (Jaccard < 0.1) is dropped
    assert len(char_digest(mine)) == 64
    # One looked-up article keeps at most CHAR_MAX_CANDIDATES hits, its best by digest agreement.
    from compare.dedup.lsh import CHAR_MAX_CANDIDATES

    crowd = [(0, f"b{n:03d}", hit[2]) for n, hit in enumerate(hits)]
    best = [article_id for _, article_id in _agreeing(crowd, [probe])]
    assert len(best) == CHAR_MAX_CANDIDATES and set(best) == {f"b{n:03d}" for n in range(len(hits) - CHAR_MAX_CANDIDATES, len(hits))}


def test_sqlite_leaves_out_a_crowded_character_bucket_as_batch_dedup_does(tmp_path):
    """A character band key stored for more than CHAR_BUCKET_MAX articles is no candidate source: on text
    whose words share their letters every lookup read a share of the whole index."""
    from compare.dedup.lsh import CHAR_BUCKET_MAX

    rng = np.random.default_rng(9)
    vocabulary = [f"word{i}" for i in range(5000)]
    texts = [" ".join(rng.choice(vocabulary, size=300)) for _ in range(CHAR_BUCKET_MAX + 2)]
    fps = [fingerprint(Article(id=f"t{i}", text=text)) for i, text in enumerate(texts)]
    shared = fps[0].char_signature[:40]  # ten character bands (4 rows each) in common, the others at random

    def crafted(fp, n):
        signature = rng.integers(0, 2**32, size=128, dtype=np.uint64).astype(np.uint32)
        signature[:40] = shared
        return dataclasses.replace(fp, article_id=f"t{n}", char_signature=signature)

    probe = crafted(fps[-1], "probe")
    with open_index(str(tmp_path / "few.sqlite")) as index:
        index.add([(crafted(fp, n), Article(id=f"t{n}", text=texts[n])) for n, fp in enumerate(fps[:3])])
        few = index.candidates_many([probe])[0]
    with open_index(str(tmp_path / "crowded.sqlite")) as index:
        index.add([(crafted(fp, n), Article(id=f"t{n}", text=texts[n])) for n, fp in enumerate(fps[: CHAR_BUCKET_MAX + 1])])
        crowded = index.candidates_many([probe])[0]
    assert few == ["t0", "t1", "t2"]  # they agree in 40 of 128 values: candidates
    assert crowded == []  # the same, but each shared bucket holds CHAR_BUCKET_MAX + 1 articles


def test_sqlite_drops_a_chance_word_band_hit_unread_and_keeps_one_verification_could_relate(tmp_path):
    """Word bands are two values (candidate threshold 0.2): unrelated articles share one by chance, more of them
    as the index grows, each a stored set to read. Given the verification thresholds, a hit whose character
    digest agrees no more than chance, and whose shared anchors rule out containment, is left out; one whose
    digest agrees as a related pair's does, one whose shared anchors leave containment possible and one with
    too few anchors to tell are kept."""
    from compare.dedup.index.base import is_containment_candidate
    from compare.dedup.index.sqlite import _containment_ruled_out, plausible_agreement

    rng = np.random.default_rng(11)
    vocabulary = [f"word{i}" for i in range(5000)]
    words = [list(rng.choice(vocabulary, size=300)) for _ in range(5)]
    probe_words = words[4]
    texts = [
        " ".join(words[0]),  # unrelated
        " ".join(words[1]),  # unrelated words, but character samples alike (crafted below)
        " ".join(words[2] + probe_words[:80]),  # 80 of the probe's words: some anchors in common
        " ".join(words[3][:40]),  # 40 words: too few anchors to tell (character samples given below)
    ]
    fps = [fingerprint(Article(id=f"t{i}", text=text)) for i, text in enumerate(texts)]
    fps[3] = dataclasses.replace(fps[3], chars=np.unique(rng.integers(0, 2**32, size=64, dtype=np.uint64)).astype(np.uint32))
    probe = fingerprint(Article(id="probe", text=" ".join(probe_words)))
    mine = index_anchors(probe.shingles).size
    common = np.intersect1d(index_anchors(fps[2].shingles), index_anchors(probe.shingles)).size
    assert common >= 2 and not is_containment_candidate(common, mine, index_anchors(fps[2].shingles).size)
    assert all(fp.has_chars for fp in fps)

    def sharing_a_word_band(fp, char_values_shared):
        signature = fp.signature.copy()
        signature[:2] = probe.signature[:2]  # word band 0 in common
        chars = rng.integers(0, 2**32, size=fp.char_signature.size, dtype=np.uint64).astype(np.uint32)  # chance agreement only
        chars[:char_values_shared] = probe.char_signature[:char_values_shared]
        return dataclasses.replace(fp, signature=signature, char_signature=chars)

    stored = [sharing_a_word_band(fps[0], 0), sharing_a_word_band(fps[1], 60), sharing_a_word_band(fps[2], 0), sharing_a_word_band(fps[3], 0)]
    with open_index(str(tmp_path / "i.sqlite")) as index:
        index.add([(fp, Article(id=f"t{i}", text=texts[i])) for i, fp in enumerate(stored)])
        every = ["t0", "t1", "t2", "t3"]
        assert index.candidates_many([probe])[0] == every  # no thresholds: every band hit
        assert index.candidates_many([probe], threshold=0.5)[0] == every  # no containment threshold: no judgement
        # Contained at 0.8, t2 would share ~80 % of the smaller one's anchors, not the few it does.
        assert index.candidates_many([probe], threshold=0.5, containment_threshold=0.8)[0] == ["t1", "t3"]
        assert index.candidates_many([probe], threshold=0.5, containment_threshold=0.5)[0] == ["t1", "t2", "t3"]
        assert index.candidates_many([probe], threshold=0.05, containment_threshold=0.8)[0] == every  # nothing is implausible that low
    assert plausible_agreement(0.5) == plausible_agreement(0.4) == 33  # the character rule's floor: 128 * 0.4375 - 4 sd
    assert plausible_agreement(0.2) == 12 and plausible_agreement(0.05) == 0
    # Sharing none of 9 anchors: 0.2 ** 9 = 5e-7 for a pair contained at 0.8; of 8: 2.6e-6.
    assert _containment_ruled_out(0, 9, 0.8) and not _containment_ruled_out(0, 8, 0.8)
    assert not _containment_ruled_out(3, 3, 0.9) and _containment_ruled_out(0, 1, 1.0)


def test_sqlite_band_rows_of_ordinals_past_2_to_the_31_are_stored_and_found(tmp_path):
    """New band rows go in as one packed JSON array while ordinals fit in 31 bits, row by row after that."""
    articles = seeds()
    with open_index(tmp_path / "i.sqlite") as index:
        index.add(items(articles[:1]))
        index._db.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'articles'", (2**31 - 3,))
        index.add(items(articles[1:]))
        assert index._db.execute("SELECT max(article) FROM fresh").fetchone()[0] > 2**31
        for article in articles:
            assert article.id in index.candidates(fingerprint(article))
        assert index.check() == []


def test_an_anchor_stored_for_the_maximum_number_of_articles_makes_no_candidates(spec):
    """A stock phrase: batch dedup ignores an anchor carried by more than ANCHOR_MAX_ARTICLES articles, and so does every index.

    A short story inside 63 long pages is a containment candidate of each (it
    shares all its anchors with them). Once a 64th page carries it, its
    anchors are stored for the maximum, and a lookup stops reading them: what
    is left are the pages sharing an LSH band with it by chance.
    """
    from compare.dedup.index.base import INDEX_ANCHOR_MAX_ARTICLES, is_containment_candidate

    story = " ".join(seeds()[0].text.split()[:60])
    pages = [
        Article(id=f"page-{i}", text=story + "\n\n" + " ".join(f"w{i}x{j}" for j in range(1500)))
        for i in range(INDEX_ANCHOR_MAX_ARTICLES)
    ]
    probe = fingerprint(Article(id="story", text=story))
    mine = index_anchors(probe.shingles).size
    assert mine >= 2 and is_containment_candidate(mine, mine, index_anchors(fingerprint(pages[0]).shingles).size)
    with open_index(spec) as index:
        index.add(items(pages[:-1]))
        assert set(index.candidates(probe)) == {p.id for p in pages[:-1]}
        index.add(items(pages[-1:]))
        found = set(index.candidates(probe))
        keys = index.band_keys([probe, *(fingerprint(p) for p in pages)])
        char_keys = index.char_band_keys([probe, *(fingerprint(p) for p in pages)])
        banded = {p.id for n, p in enumerate(pages, 1) if (keys[n] == keys[0]).any() or (char_keys[n] == char_keys[0]).any()}
        assert found <= banded
        assert len(banded) < len(pages) // 2  # the anchors, not the bands, made the candidates before


def test_sqlite_small_commits_leave_band_rows_in_fresh_until_a_sweep_is_due(tmp_path, monkeypatch):
    """One article per commit swept a slice of the band table each time (~250 page writes per
    article at 300,000 articles); the sweep now waits for SWEEP_EVERY_ROWS rows, and lookups
    find the rows in either table."""
    from compare.dedup.index import sqlite as sqlite_index

    monkeypatch.setattr(sqlite_index, "SWEEP_EVERY_ROWS", 400)
    path = tmp_path / "index.sqlite"
    articles = seeds()

    def tables() -> tuple[int, int, int]:
        db = sqlite3.connect(path)
        try:
            return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("fresh", "bands", "sweep"))  # type: ignore[return-value]
        finally:
            db.close()

    with open_index(str(path)) as index:
        index.add(items(articles[:1]))
        rows = index.stats().band_entries
        assert rows < 400
        assert tables() == (rows, 0, 1)  # not swept: below the sweep size
        added = 1
        while index.stats().band_entries < 400:
            index.add(items(articles[added : added + 1]))
            added += 1
        fresh, swept, _ = tables()
        assert swept > 0 and fresh + swept == index.stats().band_entries  # the sweep came once the rows passed 400
        for article in articles[:added]:
            assert article.id in index.candidates(fingerprint(article))


def test_sqlite_line_counts_add_up_across_chrome_fresh_and_boilerplate(tmp_path, monkeypatch):
    """Format 8: new learned-chrome counts wait in ``chrome_fresh`` until SWEEP_EVERY_LINES have come,
    then a key slice is swept into ``boilerplate``; a line is learned once its two rows add up to 3."""
    from compare.dedup.index import sqlite as sqlite_index

    monkeypatch.setattr(sqlite_index, "SWEEP_EVERY_LINES", 5)
    path = tmp_path / "index.sqlite"
    chrome, other = np.uint64(2**63 + 12345), np.uint64(777)
    with open_index(str(path)) as index:
        index.add([], lines={"Valley Gazette": np.array([chrome, other], dtype=np.uint64)})
        db = index._db
        assert db.execute("SELECT count(*) FROM boilerplate").fetchone()[0] == 0  # 2 counts: no sweep yet
        assert index.learned_lines({"Valley Gazette": np.array([chrome], dtype=np.uint64)}) == {}
        for _ in range(4):  # a full sweep of the key space at the first one (rows are few)
            index.add([], lines={"Valley Gazette": np.array([chrome], dtype=np.uint64)})
        swept = db.execute("SELECT count(*) FROM boilerplate").fetchone()[0]
        assert swept > 0
        index.add([], lines={"Valley Gazette": np.array([chrome], dtype=np.uint64), "Other": np.array([chrome], dtype=np.uint64)})
        both = db.execute(
            "SELECT (SELECT articles FROM boilerplate WHERE key = ?1 AND source = 'Valley Gazette'),"
            " (SELECT articles FROM chrome_fresh WHERE key = ?1 AND source = 'Valley Gazette')",
            (int(chrome.view(np.int64)),),
        ).fetchone()
        assert sum(n or 0 for n in both) == 6
        wanted = {"Valley Gazette": np.array([chrome, other], dtype=np.uint64), "Other": np.array([chrome], dtype=np.uint64)}
        assert index.learned_lines(wanted) == {"Valley Gazette": {int(chrome)}}
        assert index.learned_lines(wanted, min_articles=1) == {"Valley Gazette": {int(chrome), int(other)}, "Other": {int(chrome)}}
        assert index.stats().learned_boilerplate == 1


@pytest.mark.parametrize("space", [2**32, 2**64])
def test_sweep_slices_tile_the_key_space_and_wrap_at_the_top(space):
    """Band rows (32-bit keys) and learned-chrome counts (64-bit) are swept by the same slicing."""
    from compare.dedup.index.sqlite import _due_slices

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE state (position INTEGER NOT NULL, rows INTEGER NOT NULL)")
    db.execute("INSERT INTO state VALUES (?, 0)", (-(space // 2),))
    assert _due_slices(db, "state", 50, 100, space) == []  # not due: below the first multiple
    covered, expected_low = 0, -(space // 2)
    while covered < 3 * space:
        ranges = _due_slices(db, "state", 100, 100, space)
        assert ranges
        for condition, bounds in ranges:
            low = bounds[0]
            high = bounds[1] if len(bounds) > 1 else space // 2
            assert condition == ("key >= ?1 AND key < ?2" if len(bounds) > 1 else "key >= ?1")
            assert low == expected_low and -(space // 2) <= low <= high <= space // 2
            covered += high - low
            expected_low = high if high < space // 2 else -(space // 2)
        (position,) = db.execute("SELECT position FROM state").fetchone()
        assert position == expected_low
