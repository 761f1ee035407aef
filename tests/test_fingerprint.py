"""Fingerprints: datasketch-identical signatures, stable hashes, exact set measures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.article import Article
from compare.dedup.fingerprint import (
    DEFAULT_SETTINGS,
    FingerprintSettings,
    containment,
    content_tokens,
    fingerprint,
    jaccard,
    overlap,
    shingle_hash,
    shingle_hashes,
    shingles_of,
    word_hashes,
)
from compare.load.articles import iter_articles, load_article
from compare.text.chrome import BoilerplateLearner, strip_boilerplate
from compare.text.normalize import words
from evaluation import SHARED_DIR

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
SHARED = SHARED_DIR

SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def datasketch_signature(tokens: list[str], settings: FingerprintSettings) -> np.ndarray:
    from datasketch import MinHash

    minhash = MinHash(num_perm=settings.num_perm, seed=settings.seed, scheme="affine32", hashfunc=shingle_hash)
    minhash.update_batch(shingles_of(tokens, settings.shingle_size))
    return minhash.hashvalues


@pytest.mark.parametrize(
    "settings",
    [DEFAULT_SETTINGS, FingerprintSettings(shingle_size=5, num_perm=128, seed=7), FingerprintSettings(shingle_size=1, num_perm=16, seed=3)],
    ids=["defaults", "5-words-128-perm-seed-7", "unigrams-16-perm"],
)
@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_signature_is_bit_identical_to_datasketch_update_batch(path, settings):
    article = load_article(path)
    tokens, _removed = content_tokens(article, prose=True)
    fp = fingerprint(article, settings=settings)
    expected = datasketch_signature(tokens, settings)
    assert fp.signature.dtype == np.uint32
    assert np.array_equal(fp.signature, expected)


def test_text_shorter_than_a_shingle_is_one_shingle_and_still_matches_datasketch():
    article = Article.from_text("Peskov denied it.", id="short")
    fp = fingerprint(article)
    assert fp.shingles.size == 1
    assert np.array_equal(fp.signature, datasketch_signature(["peskov", "denied", "it"], DEFAULT_SETTINGS))


def test_empty_content_has_no_shingles_and_the_empty_signature():
    article = Article(id="chrome-only", text="Support The Moscow Times!\nRead more")
    fp = fingerprint(article)
    assert fp.is_empty
    assert (fp.signature == np.uint32(0xFFFFFFFF)).all()
    assert jaccard(fp.shingles, fp.shingles) == 0.0


def test_vectorized_shingle_hashes_equal_the_scalar_hash_of_each_shingle():
    tokens = words(load_article(SEEDS[0]).text)
    vectorized = shingle_hashes(word_hashes(tokens), 4)
    scalar = [shingle_hash(s) for s in shingles_of(tokens, 4)]
    assert vectorized.tolist() == scalar


def test_shingles_are_sorted_unique_uint32():
    fp = fingerprint(load_article(SEEDS[1]))
    assert fp.shingles.dtype == np.uint32
    assert np.array_equal(fp.shingles, np.unique(fp.shingles))


def test_hashes_are_stable_across_processes_with_different_hash_seeds():
    """CRC-32, not hash(): another interpreter (other PYTHONHASHSEED) gets the same bytes."""
    here = fingerprint(load_article(SEEDS[2])).signature.tobytes().hex()
    code = (
        "from compare.load.articles import load_article; from compare.dedup.fingerprint import fingerprint;"
        f"print(fingerprint(load_article({str(SEEDS[2])!r})).signature.tobytes().hex())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO)}
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout.strip()
    assert there == here


def _corpus() -> list[Article]:
    articles = list(iter_articles([FIXTURES], on_error=lambda e: None))
    meter = SHARED / "data" / "meter-showbiz" / "PA"
    if meter.is_dir():
        articles += list(iter_articles([meter], on_error=lambda e: None))[:300]
    return articles


def test_one_pass_tokens_equal_strip_boilerplate_then_words_with_and_without_learned_chrome():
    articles = _corpus()
    learner = BoilerplateLearner()
    learner.observe_all(articles)
    for article in articles:
        for learned in (None, learner):
            clean = strip_boilerplate(article.text, source=article.source, learned=learned)
            tokens, removed = content_tokens(article, learned=learned)
            assert tokens == words(clean.content), article.id
            assert removed == clean.removed, article.id


_PLAIN_PIECES = [
    "the", "Kiev", "said", "U.S.", "don't", "e-mail", "x9", " ", "  ", "\t", "\n", "\n\n", "\r", ".", ",", ":", '"', "''",
    "Read more", "ENDS", "Advertisement", "Related: a story", "-----", "Copyright 2016 AP. All rights reserved.",
    "This material may not be published, broadcast, rewritten or redistributed.", "rights", "consent",
    "A message from The Moscow Times:", "Sign up for our free weekly newsletter.",
    *("\n" + " ".join(["w"] * n) for n in (39, 40, 41)),  # the learnable line's word limit
    "Odessa", "kharkov.", "a" * 33, "b" * 32 + "_9",  # spelling variants; tokens past the vectorized CRC's length
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PLAIN_PIECES), max_size=80),
    st.lists(st.integers(min_value=0, max_value=3), min_size=80, max_size=80),
)
def test_whole_text_tokens_equal_the_line_by_line_path(pieces, words_after):
    # content_tokens takes plain ASCII texts whole (compare.dedup.fingerprint._plain_lines);
    # the result, line keys and removed spans must be the general path's.
    import compare.dedup.fingerprint as module

    text = "".join(p + " ".join(["word"] * n) for p, n in zip(pieces, words_after, strict=False))
    article = Article(id="a", text=text, source="Wire")
    learned = BoilerplateLearner()
    learned.observe_all([Article(id=str(n), text=text, source="Wire") for n in range(3)])
    results = []
    for plain in (module._plain_lines, lambda text: None):
        original, module._plain_lines = module._plain_lines, plain
        try:
            keys: list[tuple[int, bool]] = []
            texts: list[str] = []
            results.append(
                (
                    content_tokens(article, prose=True, line_keys=keys, texts=texts),
                    keys,
                    texts,
                    content_tokens(article, learned=learned),
                )
            )
        finally:
            module._plain_lines = original
    assert results[0] == results[1]


def test_crc32_of_tokens_at_once_is_zlibs():
    import zlib

    from compare.dedup.fingerprint import crc32_tokens

    rng = np.random.default_rng(5)
    data = rng.integers(0, 256, 5000, dtype=np.uint8)
    starts = rng.integers(0, 4900, 400)
    lengths = np.concatenate([rng.integers(0, 40, 380), rng.integers(40, 100, 20)])
    got = crc32_tokens(data, starts, lengths)
    raw = data.tobytes()
    assert got.tolist() == [zlib.crc32(raw[a : a + n]) for a, n in zip(starts.tolist(), lengths.tolist(), strict=True)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PLAIN_PIECES), max_size=60), min_size=1, max_size=6))
def test_batch_bytes_path_fingerprints_equal_the_token_path(texts):
    # fingerprint_many tokenizes a batch's plain ASCII articles as bytes (_plain_batch); the
    # fingerprints, removed blocks and line keys must be the per-article token path's.
    import compare.dedup.fingerprint as module

    articles = [Article(id=str(n), text=" ".join(pieces), source="Wire") for n, pieces in enumerate(texts)]
    learned = BoilerplateLearner()
    learned.observe_all(articles * 3)
    results = []
    for batch in (module._plain_batch, lambda texts: module._PlainBatch([None] * len(texts), module._NO_HASHES, np.empty(0, np.int64), 0)):
        original, module._plain_batch = module._plain_batch, batch
        try:
            keys: list[list[tuple[int, bool]]] = [[] for _ in articles]
            found = module.fingerprint_many(articles, line_keys=keys) + module.fingerprint_many(articles, learned=learned)
            results.append(
                (
                    [(fp.shingles.tolist(), fp.signature.tolist(), fp.chars.tolist(), fp.char_signature.tolist(), fp.removed) for fp in found],
                    keys,
                )
            )
        finally:
            module._plain_batch = original
    assert results[0] == results[1]


def test_site_chrome_does_not_change_the_fingerprint():
    body = load_article(SEEDS[0]).text
    plain = fingerprint(Article(id="a", text=body))
    wrapped = fingerprint(Article(id="b", text="Support The Moscow Times!\n" + body + "\nRead more\nSign up for our free weekly newsletter.\nSubscribers agree to the Privacy Policy"))
    assert np.array_equal(plain.shingles, wrapped.shingles)
    assert {r.reason for r in wrapped.removed} >= {"known chrome: donation banner", "known chrome: site footer"}


def test_two_moscow_times_seeds_with_shared_chrome_are_far_apart():
    a, b = (fingerprint(load_article(p)) for p in SEEDS[:2])
    assert jaccard(a.shingles, b.shingles) < 0.05


def test_exact_set_measures_on_known_sets():
    a = np.array([1, 2, 3, 4], dtype=np.uint32)
    b = np.array([3, 4, 5, 6, 7, 8], dtype=np.uint32)
    assert jaccard(a, b) == pytest.approx(2 / 8)
    assert containment(a, b) == pytest.approx(2 / 4)
    assert containment(b, a) == pytest.approx(2 / 6)
    assert overlap(a, b) == pytest.approx((2 / 8, 2 / 4))
    assert jaccard(a, np.empty(0, np.uint32)) == 0.0


shingle_sets = st.lists(st.integers(0, 60), max_size=40).map(lambda xs: np.unique(np.array(xs, dtype=np.uint32)))


@settings(max_examples=200, deadline=None)
@given(shingle_sets, shingle_sets)
def test_similarity_is_symmetric_bounded_and_one_on_itself(a, b):
    assert jaccard(a, b) == jaccard(b, a)
    assert 0.0 <= jaccard(a, b) <= 1.0
    assert 0.0 <= containment(a, b) <= 1.0
    if a.size:
        assert jaccard(a, a) == 1.0
        assert containment(a, a) == 1.0
    assert jaccard(a, b) <= min(containment(a, b), containment(b, a)) + 1e-12


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shingle_size": 0}, "shingle_size must be between 1 and 16"),
        ({"num_perm": 8}, "num_perm must be between 16 and 1024"),
        ({"scheme": "legacy"}, "scheme must be 'affine32'"),
        ({"seed": -1}, "seed must be in"),
    ],
)
def test_settings_are_validated_with_a_message_that_says_what_is_allowed(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FingerprintSettings(**kwargs)


def test_the_shipped_character_stop_list_is_small_sorted_unique_uint32():
    from compare.dedup.fingerprint import CHAR_SAMPLE, _fmix32, char_stop_grams

    stop = char_stop_grams()
    assert stop.dtype == np.uint32 and stop.ndim == 1
    assert 50 <= stop.size <= 5000 and stop.nbytes <= 20_000  # fitted by scripts/fit_char_stop.py
    assert np.all(stop[1:] > stop[:-1])
    assert np.all(stop % np.uint32(CHAR_SAMPLE) == 0)  # only sampled grams can be stop grams
    # Only one 5-gram in CHAR_SAMPLE is sampled: "would" is, and is common in any news text.
    (would,) = _fmix32(shingle_hashes(np.frombuffer(b"would".decode().encode("utf-32-le"), dtype=np.uint32) * np.uint32(0x9E3779B1), 5))
    assert would % CHAR_SAMPLE == 0 and would in stop


def test_character_samples_leave_out_the_stop_grams_and_nothing_else():
    from compare.dedup.fingerprint import (
        char_sample,
        char_samples,
        char_stop_grams,
        fingerprint_many,
    )

    stop = char_stop_grams()
    articles = list(iter_articles(SEEDS))
    fps = fingerprint_many(articles)
    letters = ["".join(content_tokens(a, prose=True)[0]) for a in articles]
    everything = char_samples(letters, stop=np.empty(0, dtype=np.uint32))
    for fp, full, text in zip(fps, everything, letters, strict=True):
        assert fp.chars.size and not np.isin(fp.chars, stop).any()
        assert np.array_equal(fp.chars, full[~np.isin(full, stop)])
        assert np.array_equal(char_sample(text), fp.chars)
        assert fp.has_chars


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab '`\n\t\x01\x7f\u00e9.", max_size=12), max_size=8))
def test_plain_ascii_of_a_batch_at_once_equals_plain_ascii_of_each_text(texts):
    # _plain_batch tests a batch's texts in one numpy pass; a text refused or kept must be
    # refused or kept as plain_ascii decides it alone, whatever its neighbours end or start with.
    from compare.dedup.fingerprint import _plain_ascii_many
    from compare.text.normalize import plain_ascii

    assert _plain_ascii_many(texts) == [plain_ascii(text) for text in texts]


def test_plain_ascii_of_a_batch_refuses_each_thing_plain_ascii_refuses():
    from compare.dedup.fingerprint import _plain_ascii_many

    texts = ["ok text.\n", "two  spaces", "wire ``quote", "wire ''quote", "tab\there", "bell\x07", "del\x7f", "caf\u00e9", "", "it's 'fine'\n"]
    assert [raw is not None for raw in _plain_ascii_many(texts)] == [True, False, False, False, False, False, False, False, True, True]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="abcdefgh1 ", max_size=40), st.text(alphabet="abc\u00e9\u00df ", max_size=40).map(lambda t: t.replace(" ", ""))), max_size=6), st.booleans())
def test_character_samples_of_spaced_strings_drop_the_spaces(texts, as_bytes):
    # fingerprint_many hands char_samples its kept lines with the spaces between words
    # (spaced=True); the samples must be those of the same letters without the spaces.
    from compare.dedup.fingerprint import char_samples

    given_texts = [t.encode("ascii") if as_bytes and t.isascii() else t for t in texts]
    spaced = char_samples(given_texts, spaced=True)
    joined = char_samples([t.replace(" ", "") for t in texts])
    assert [s.tolist() for s in spaced] == [s.tolist() for s in joined]
