"""Batch dedup: candidates like MinHashLSH, exact scores, relations, clusters, learned chrome."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from compare.article import Article
from compare.dedup.batch import (
    DEFAULT_CONTAINMENT,
    DEFAULT_THRESHOLD,
    DedupResult,
    DuplicatePair,
    candidate_pairs,
    clusters_of,
    find_duplicates,
    relation_of,
)
from compare.dedup.fingerprint import DEFAULT_SETTINGS, fingerprint, overlap
from compare.dedup.index.base import IndexParameters
from compare.load.articles import iter_articles, load_article

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    monkeypatch.chdir(REPO)  # ids are paths as given: keep them short and stable


def fixture_articles() -> list[Article]:
    return list(iter_articles(["fixtures/seeds", "fixtures/variants", "fixtures/unrelated"]))


def test_fixture_variants_cluster_with_their_seed_and_nothing_else():
    result = find_duplicates(fixture_articles(), workers=0)
    assert result.articles == 15
    assert result.clusters == (
        ("fixtures/seeds/000_e6f0c9be4bb1d9ca.txt", "fixtures/variants/000_new_headline.txt", "fixtures/variants/000_other_site_chrome.txt"),
        ("fixtures/seeds/002_368f83f70b87536e.txt", "fixtures/variants/002_utf8_bom_kyiv_spelling.txt"),
        ("fixtures/seeds/003_625db1e6dcb7c4b7.txt", "fixtures/variants/003_trimmed_ending.txt", "fixtures/variants/003_wire_copy_latin1.txt"),
        ("fixtures/seeds/004_df846c121b610a3c.txt", "fixtures/variants/004_syndicated_page.html"),
    )
    relations = {(p.a.split("/")[-1], p.b.split("/")[-1]): p.relation for p in result.pairs}
    assert relations[("003_625db1e6dcb7c4b7.txt", "003_trimmed_ending.txt")] == "near-duplicate"
    assert relations[("002_368f83f70b87536e.txt", "002_utf8_bom_kyiv_spelling.txt")] == "duplicate"


def test_reported_scores_are_exact_not_minhash_estimates():
    articles = fixture_articles()
    by_id = {a.id: fingerprint(a) for a in articles}
    result = find_duplicates(articles, workers=0)
    for pair in result.pairs:
        assert (pair.jaccard, pair.containment) == overlap(by_id[pair.a].shingles, by_id[pair.b].shingles)


def test_to_dict_is_exactly_the_documented_shape():
    seed, variant = "fixtures/seeds/000_e6f0c9be4bb1d9ca.txt", "fixtures/variants/000_new_headline.txt"
    result = find_duplicates([load_article(seed), load_article(variant)], workers=0)
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == {"articles", "pairs", "clusters"}
    assert data["articles"] == 2
    assert data["pairs"] == [
        {"a": seed, "b": variant, "jaccard": 1.0, "containment": 1.0, "relation": "duplicate"}
    ]
    assert data["clusters"] == [[seed, variant]]


def test_the_seeds_are_mutual_negatives():
    result = find_duplicates([load_article(p) for p in SEEDS], workers=0)
    assert result.pairs == () and result.clusters == ()


def paragraphs(path) -> list[str]:
    return [line for line in load_article(path).text.splitlines() if len(line.split()) > 12]


def test_a_short_wire_story_inside_a_longer_article_is_contained_even_with_low_jaccard():
    wire_paragraphs = paragraphs(SEEDS[4])[:5]
    wire = Article(id="wire", text="\n".join(wire_paragraphs))
    padding = paragraphs(FIXTURES / "unrelated" / "chip_plant_opening.txt") + paragraphs(FIXTURES / "unrelated" / "football_manager_sacked.txt")
    longer = Article(id="feature", text="\n".join(padding[:3] + wire_paragraphs + padding[3:]))
    result = find_duplicates([wire, longer], workers=0)
    (pair,) = result.pairs
    assert pair.relation == "contained"
    assert pair.containment >= 0.95
    assert pair.jaccard < DEFAULT_THRESHOLD


def test_relation_rules():
    rule = {"threshold": 0.5, "containment_threshold": 0.8}
    assert relation_of(0.95, 1.0, **rule) == "duplicate"
    assert relation_of(0.6, 0.7, **rule) == "near-duplicate"
    assert relation_of(0.3, 0.85, **rule) == "contained"
    assert relation_of(0.3, 0.5, **rule) is None
    assert relation_of(0.95, 1.0, threshold=0.97, containment_threshold=0.8) == "contained"


def test_clusters_are_connected_components_in_input_order():
    assert clusters_of([(3, 4), (0, 2), (2, 4), (5, 6)], 8) == [[0, 2, 3, 4], [5, 6]]
    assert clusters_of([], 3) == []


def _random_variants(n_bases: int, seed: int) -> list[Article]:
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(3000)]
    articles = []
    for b in range(n_bases):
        body = [rng.choice(vocabulary) for _ in range(200)]
        articles.append(Article(id=f"base{b}", text=" ".join(body)))
        for v in range(2):
            copy = [w if rng.random() > 0.03 else rng.choice(vocabulary) for w in body]
            articles.append(Article(id=f"base{b}-v{v}", text=" ".join(copy[: rng.randint(120, 200)])))
    return articles


def test_batch_candidates_are_exactly_those_of_a_datasketch_minhashlsh_with_the_same_bands():
    from datasketch import LeanMinHash, MinHashLSH

    articles = _random_variants(60, seed=5)
    signatures = np.stack([fingerprint(a).signature for a in articles])
    p = IndexParameters.build(DEFAULT_SETTINGS, DEFAULT_THRESHOLD)
    ours = {tuple(pair) for pair in candidate_pairs(signatures, p.bands, p.rows).tolist()}
    lsh = MinHashLSH(num_perm=DEFAULT_SETTINGS.num_perm, params=(p.bands, p.rows))
    theirs = set()
    for i, signature in enumerate(signatures):
        sketch = LeanMinHash(seed=DEFAULT_SETTINGS.seed, hashvalues=signature, scheme="affine32")
        theirs |= {(j, i) for j in lsh.query(sketch)}
        lsh.insert(i, sketch)
    assert len(ours) > 60
    assert ours == theirs


def test_parallel_workers_give_the_same_result_as_one_process():
    articles = _random_variants(150, seed=9)  # 450 articles: above the parallel minimum
    one = find_duplicates(articles, workers=0)
    two = find_duplicates(articles, workers=2)
    assert one.pairs == two.pairs and one.clusters == two.clusters
    assert len(one.clusters) >= 140


def _outlet_batch(chrome: list[str]) -> list[Article]:
    bodies = [paragraphs(p)[:1] for p in SEEDS[:4]]
    return [Article(id=f"planet-{i}", source="Daily Planet", text="\n".join(body + chrome)) for i, body in enumerate(bodies)]


def test_chrome_learned_from_the_batch_does_not_make_articles_of_one_outlet_duplicates(outlet_chrome):
    batch = _outlet_batch(outlet_chrome)
    unlearned = find_duplicates(batch, workers=0, learn_boilerplate=False)
    learned = find_duplicates(batch, workers=0)
    assert unlearned.pairs, "the fixture must be one where chrome alone would make duplicates"
    assert learned.pairs == ()
    assert learned.learned == {"Daily Planet": 8}
    reasons = {r.reason for r in learned.removed["planet-0"]}
    assert reasons == {"learned: repeated across articles of Daily Planet"}


def test_empty_articles_are_never_paired():
    empty = [Article(id=f"e{i}", text="Read more") for i in range(3)]
    result = find_duplicates(empty, workers=0)
    assert result.pairs == () and result.articles == 3


@pytest.mark.parametrize(("kwargs", "message"), [({"threshold": 0}, "threshold must be in"), ({"containment_threshold": 1.5}, "containment threshold")])
def test_bad_thresholds_are_refused_early(kwargs, message):
    with pytest.raises(ValueError, match=message):
        find_duplicates([], **kwargs)


def test_result_records_are_frozen():
    result = find_duplicates([], workers=0)
    assert isinstance(result, DedupResult) and result.articles == 0
    pair = DuplicatePair("a", "b", 0.9, 1.0, "duplicate")
    with pytest.raises(AttributeError):
        pair.a = "c"  # type: ignore[misc]
    assert DEFAULT_CONTAINMENT == 0.8


@pytest.mark.parametrize("workers", [0, 2])
def test_learning_while_fingerprinting_equals_learning_first(workers, outlet_chrome):
    """One tokenization per article gives what BoilerplateLearner + fingerprint would."""
    from compare.text.chrome import BoilerplateLearner

    batch = _outlet_batch(outlet_chrome) * 2 + [Article(id=f"x{i}", source="Wire", text=a.text + "\nWire Service 2024") for i, a in enumerate(_random_variants(140, seed=3))]
    batch = [Article(id=f"{a.id}#{n}", text=a.text, source=a.source) for n, a in enumerate(batch)]
    learner = BoilerplateLearner()
    learner.observe_all(batch)
    expected = {a.id: fingerprint(a, learned=learner) for a in batch}
    result = find_duplicates(batch, workers=workers)
    assert result.removed == {i: fp.removed for i, fp in expected.items()}
    assert any(r.reason.startswith("learned") for r in result.removed["x0#8"])
    for pair in result.pairs:
        assert (pair.jaccard, pair.containment) == overlap(expected[pair.a].shingles, expected[pair.b].shingles)
    assert len(result.pairs) > 100


def test_article_files_are_read_again_and_report_each_input_error_once(tmp_path):
    from compare.dedup.fingerprinter import ArticleFiles

    errors = []
    source = ArticleFiles(["fixtures/seeds", "missing.txt"], max_article_bytes=10**6, on_error=errors.append)
    assert [a.id for a in source] == [a.id for a in source]  # a second pass gives the same articles
    assert [str(e) for e in errors] == ["missing.txt: no such file or directory"]
    with pytest.raises(ValueError, match="standard input cannot be read twice"):
        ArticleFiles(["-"], max_article_bytes=10**6)


def test_json_lines_parsed_in_the_workers_give_the_same_result_and_errors_as_in_this_process(tmp_path):
    # With worker processes, batch dedup sends JSON lines to the workers to parse
    # (Fingerprinter.learning_pass_lines): the same pairs, clusters, chrome and errors, in order.
    from compare.dedup.fingerprinter import PARALLEL_MIN_ARTICLES, ArticleFiles

    rng = random.Random(4)
    seeds = [load_article(p).text for p in SEEDS]
    lines = []
    for n in range(PARALLEL_MIN_ARTICLES + 120):
        kind = n % 23
        if kind == 3:
            lines.append(b"{not json")
        elif kind == 5:
            lines.append(b"\xff\xfe not UTF-8")
        elif kind == 7:
            lines.append(b"   ")
        elif kind == 11:
            lines.append(json.dumps({"id": f"w{n}", "text": "Sign in using your account with:\nLogin\nThank you for registering!"}).encode())
        elif kind == 13:
            lines.append(json.dumps({"id": True, "text": "x"}).encode())
        else:
            words = rng.choice(seeds).split()
            start = rng.randrange(max(1, len(words) - 200))
            text = " ".join(words[start : start + 200]) + f"\nRead more at Site {n % 3}"
            record = {"text": text, "source": f"Site {n % 3}"} if kind == 17 else {"id": f"a{n}", "text": text, "source": f"Site {n % 3}"}
            lines.append(json.dumps(record).encode())
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"\n\n")
    results, reported = [], []
    for workers in (0, 2):
        errors: list[object] = []
        files = ArticleFiles([feed, empty], max_article_bytes=4000, on_error=errors.append)
        results.append(find_duplicates(files, workers=workers))
        reported.append([str(e) for e in errors])
        assert files.select({0, 5}) is not None and len(list(files.select({0, 5}))) == 2
    assert results[0] == results[1] and results[0].pairs and results[0].learned
    assert reported[0] == reported[1] and len(reported[0]) > 40


def test_find_duplicates_on_re_readable_files_equals_on_a_list():
    from compare.dedup.fingerprinter import ArticleFiles

    files = ArticleFiles(["fixtures/seeds", "fixtures/variants"], max_article_bytes=10**7)
    assert find_duplicates(files, workers=0) == find_duplicates(list(files), workers=0)


def test_a_second_look_reads_only_the_chosen_json_lines_and_gets_the_same_articles(tmp_path):
    # ArticleFiles.select re-reads chosen articles from their own JSON lines (jsonl_articles_at),
    # skipping bad lines, blank lines, a refused page and a byte-order mark as the first pass did.
    from compare.dedup.fingerprinter import ArticleFiles

    story = "Officials said on Tuesday that the new bridge would open in the spring after years of delay."
    records = [
        json.dumps({"id": "a", "text": story}),
        "",
        "{not json",
        json.dumps({"text": story + " Second."}),  # no id: its id is file:line
        json.dumps({"id": "widget", "text": "Sign in using your account with:\nLogin\nThank you for registering!"}),
        json.dumps({"id": "long", "text": story * 40}),
        json.dumps({"id": "é", "text": story + " Third."}),
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"\xef\xbb\xbf" + "\n".join(records).encode() + b"\n")
    other = tmp_path / "one.txt"
    other.write_text(story + "\n")
    for paths in ([feed], [feed, feed], [feed, other]):
        errors: list[object] = []
        files = ArticleFiles(paths, max_article_bytes=2000, on_error=errors.append)
        first = list(files)
        assert errors  # the bad JSON, the refused widget page, the long line
        for chosen in ({0}, {1, 2}, set(range(len(first))), {len(first) - 1}):
            assert list(files.select(chosen)) == [a for i, a in enumerate(first) if i in chosen]


def test_an_ocr_noisy_copy_is_found_by_the_character_signal_and_says_so():
    from evaluation.heldout_dedup import ocr_noise

    original = load_article("fixtures/seeds/000_e6f0c9be4bb1d9ca.txt")
    noisy_text, rate = ocr_noise(original.text, random.Random(3))
    assert rate >= 0.05
    noisy = Article.from_text(noisy_text, id="noisy")
    found = find_duplicates([original, noisy], workers=0)
    (pair,) = found.pairs
    assert pair.relation == "near-duplicate" and pair.jaccard < 0.5 and pair.char_jaccard >= 0.4
    assert pair.to_dict()["char_jaccard"] == round(pair.char_jaccard, 4)
    words_only = find_duplicates([original, noisy], workers=0, char_signal=False)
    assert words_only.pairs == ()


def test_a_short_story_in_a_heavy_template_is_contained_and_two_stories_in_it_are_not_joined():
    from evaluation.heldout_dedup import SECTIONS, Template, templated_text

    seeds = [load_article(p) for p in sorted(Path("fixtures/seeds").glob("*.txt"))]
    sidebar = tuple(f"Headline number {i} about the council budget and a late vote" for i in range(20))
    footer = (
        "Copyright 2022 Example Media. All rights reserved.",
        "This material may not be published, broadcast, rewritten or redistributed without written permission. Terms of use.",
    )
    template = Template("Example News", SECTIONS[:30], sidebar, footer)
    paragraphs = [b for b in seeds[0].text.split("\n") if len(b.split()) > 15]
    other = [b for b in seeds[1].text.split("\n") if len(b.split()) > 15]
    page = replace(templated_text(template, "A headline", paragraphs[:4]), id="page")
    other_page = replace(templated_text(template, "Another headline", other[:3]), id="other page")
    found = find_duplicates([seeds[0], page, other_page], workers=0)
    assert [(p.a, p.b, p.relation) for p in found.pairs] == [(seeds[0].id, "page", "contained")]


def test_a_pair_only_the_character_bands_propose_needs_agreeing_signatures():
    from compare.dedup.batch import char_candidates
    from compare.dedup.lsh import CHAR_MIN_AGREEMENT, char_signatures_agree

    rng = np.random.default_rng(3)
    signatures = rng.integers(0, 2**32, size=(4, 128), dtype=np.uint32)
    needed = int(np.ceil(CHAR_MIN_AGREEMENT * 128))  # 26 of 128
    signatures[1, :needed] = signatures[0, :needed]  # agrees in exactly 26 values (shares the first bands)
    signatures[2, : needed - 1] = signatures[0, : needed - 1]  # 25: shares bands, does not agree enough
    pairs = np.array([[0, 1], [0, 2], [0, 3]])
    assert char_signatures_agree(signatures, pairs).tolist() == [True, False, False]
    assert char_candidates(signatures, np.empty((0, 2), dtype=np.int64)).tolist() == [[0, 1]]
    # A pair the word bands or anchors already propose is not the character signal's to filter.
    assert char_candidates(signatures, np.array([[0, 2]])).tolist() == [[0, 1]]


def _machine_token_texts(count: int, seed: int = 5) -> list[Article]:
    """Texts of "word123" tokens: every text holds the same few character grams (the README's known weakness)."""
    rng = random.Random(seed)
    vocabulary = [f"word{i}" for i in range(5000)]
    return [Article(id=f"a{i}", text=" ".join(rng.choices(vocabulary, k=300))) for i in range(count)]


def test_character_candidates_are_bounded_per_article_on_text_whose_words_share_their_letters():
    from compare.dedup.batch import char_candidates
    from compare.dedup.fingerprint import fingerprint_many
    from compare.dedup.lsh import CHAR_MAX_CANDIDATES, char_agreement, char_agreement_needed

    articles = _machine_token_texts(2000)
    fps = fingerprint_many(articles, settings=DEFAULT_SETTINGS)
    assert all(fp.has_chars for fp in fps)
    matrix = np.stack([fp.char_signature for fp in fps])
    # Unbounded, these texts' chance pairs that share a character band and agree in 26 of
    # 128 values number ~40 per article at 2,000 and grow with the batch (~100 at 5,000).
    unbounded = candidate_pairs(matrix, 32, 4)
    agreeing = int((char_agreement(matrix, unbounded) >= char_agreement_needed(128)).sum())
    assert agreeing > 20 * len(fps)
    bounded = char_candidates(matrix, np.empty((0, 2), dtype=np.int64))
    assert 0 < len(bounded) <= CHAR_MAX_CANDIDATES * len(fps)
    assert len(bounded) < len(unbounded) / 4
    # and no pair is found among them (they are chance pairs)
    assert find_duplicates(articles[:600], workers=0).pairs == ()


def test_a_crowded_character_bucket_is_left_out_but_copies_count_once():
    rng = np.random.default_rng(7)
    signatures = rng.integers(0, 2**32, size=(80, 8), dtype=np.uint32)
    signatures[:70, :2] = 1  # 70 different signatures share band 0
    assert len(candidate_pairs(signatures, 4, 2)) == 70 * 69 // 2
    assert len(candidate_pairs(signatures, 4, 2, max_bucket=69)) == 0
    assert len(candidate_pairs(signatures, 4, 2, max_bucket=70)) == 70 * 69 // 2
    signatures[10:70] = signatures[9]  # now 10 different ones, 61 of them equal
    assert len(candidate_pairs(signatures, 4, 2, max_bucket=10)) == 70 * 69 // 2


def test_a_noisy_copy_of_a_story_with_many_copies_keeps_its_pair_with_each():
    from compare.dedup.lsh import CHAR_BUCKET_MAX, CHAR_MAX_CANDIDATES
    from evaluation.heldout_dedup import ocr_noise

    original = load_article("fixtures/seeds/000_e6f0c9be4bb1d9ca.txt")
    copies = [replace(original, id=f"copy {i}") for i in range(max(CHAR_BUCKET_MAX, CHAR_MAX_CANDIDATES) + 6)]
    noisy_text, _ = ocr_noise(original.text, random.Random(3))
    found = find_duplicates([*copies, Article.from_text(noisy_text, id="noisy")], workers=0)
    noisy_pairs = [p for p in found.pairs if "noisy" in (p.a, p.b)]
    assert len(noisy_pairs) == len(copies) and all(p.char_jaccard is not None for p in noisy_pairs)
    assert len(found.clusters) == 1


def test_worker_results_cross_the_pipe_packed_and_come_back_equal():
    import pickle

    from compare.dedup.fingerprint import fingerprint_many
    from compare.dedup.fingerprinter import (
        _fingerprint_job,
        _learning_pass_job,
        _learning_records_of,
        _unpack,
        learning_records,
    )

    articles = list(iter_articles(["fixtures/seeds", "fixtures/variants"]))
    articles.append(Article(id="empty", text="Read more", source="Wire"))
    expected = learning_records(articles, DEFAULT_SETTINGS)
    got = _learning_records_of(pickle.loads(pickle.dumps(_learning_pass_job((DEFAULT_SETTINGS, articles)))))
    for (fp, source, short, every), (fp2, source2, short2, every2) in zip(expected, got, strict=True):
        assert (fp.article_id, fp.removed, source, short.tolist(), every.tolist()) == (fp2.article_id, fp2.removed, source2, short2.tolist(), every2.tolist())
        for name in ("shingles", "signature", "chars", "char_signature"):
            assert np.array_equal(getattr(fp, name), getattr(fp2, name)) and getattr(fp2, name).dtype == np.uint32, name
    plain = fingerprint_many(articles)
    packed = _unpack(pickle.loads(pickle.dumps(_fingerprint_job((DEFAULT_SETTINGS, None, articles)))))
    assert [fp.shingles.tolist() for fp in plain] == [fp.shingles.tolist() for fp in packed]
    assert [fp.char_signature.tolist() for fp in plain] == [fp.char_signature.tolist() for fp in packed]


def test_the_worker_pool_does_not_wake_its_handler_for_every_result(monkeypatch):
    # CPython's Pool wakes its worker-handler thread whenever the result pipe
    # is readable, and spins while a result crosses it: a quarter of dedup's
    # parent CPU. The Fingerprinter's pool wakes it only when a worker exits
    # or the pool changes (start, close).
    import multiprocessing.pool

    from compare.dedup.fingerprinter import Fingerprinter

    wakeups = []
    original = multiprocessing.pool.Pool._wait_for_updates

    def counted(sentinels, change_notifier, timeout=None):
        wakeups.append(len(sentinels))
        return original(sentinels, change_notifier, timeout)

    monkeypatch.setattr(multiprocessing.pool.Pool, "_wait_for_updates", staticmethod(counted))
    articles = _random_variants(300, seed=4)  # 900 articles, 15 chunks of results
    with Fingerprinter(workers=2) as fingerprinter:
        got = list(fingerprinter.fingerprints(articles, count=len(articles)))
    assert [fp.article_id for fp in got] == [a.id for a in articles]
    assert len(wakeups) <= 4, len(wakeups)


def test_candidates_found_in_a_second_thread_are_the_same_as_in_one(tmp_path, monkeypatch):
    """Large batches find containment candidates in a second thread beside the banding (issue 12: wall time)."""
    import sys
    import threading

    import compare.dedup.batch as batch

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from generate_articles import write_jsonl

    data = write_jsonl(tmp_path / "a.jsonl", 400, seed=11)
    articles = list(iter_articles([data]))
    rng = random.Random(3)
    # Eight articles in one page: each is contained, but at Jaccard ~0.12 neither the word nor the character bands pair them.
    articles.append(Article("contained", "\n\n".join(a.text for a in articles[3:11])))
    letters = [c if not c.isalpha() or rng.random() > 0.05 else rng.choice("abcdefghijklmnopqrstuvwxyz") for c in articles[2].text]
    articles.append(Article("typos", "".join(letters)))
    threads: list[str] = []
    real = batch.containment_candidates

    def recorded(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "containment_candidates", recorded)
    monkeypatch.setattr(batch, "_BESIDE_MIN_ARTICLES", 10**9)
    alone = find_duplicates(articles, workers=0)
    monkeypatch.setattr(batch, "_BESIDE_MIN_ARTICLES", 2)
    beside = find_duplicates(articles, workers=0)
    assert beside == alone
    relations = {(p.a, p.b): p.relation for p in alone.pairs}
    assert len(relations) > 10
    assert {a for (a, b), r in relations.items() if b == "contained" and r == "contained"} >= {a.id for a in articles[3:11]}
    assert any("typos" in pair for pair in relations)
    assert threads[0] == "MainThread" and threads[1].startswith("dedup-candidates"), threads
