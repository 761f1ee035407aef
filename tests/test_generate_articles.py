"""The benchmark's article generator: deterministic, news-sized, loadable, with planted copies."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate_articles import Generator, write_jsonl

from compare.load.articles import iter_articles


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("gen") / "articles.jsonl", 400, seed=11)


def test_same_seed_same_file_other_seed_other_file(generated, tmp_path):
    again = write_jsonl(tmp_path / "again.jsonl", 400, seed=11)
    other = write_jsonl(tmp_path / "other.jsonl", 400, seed=12)
    assert again.read_bytes() == generated.read_bytes()
    assert other.read_bytes() != generated.read_bytes()


def test_articles_are_news_sized_and_load_through_the_loader(generated):
    errors = []
    articles = list(iter_articles([generated], on_error=errors.append))
    assert errors == []
    assert [a.id for a in articles] == [f"gen-{n:06d}" for n in range(1, 401)]
    lengths = sorted(len(a.text.split()) for a in articles)
    assert 500 <= lengths[len(lengths) // 2] <= 700
    assert all(a.title and a.source and a.published for a in articles)


def test_about_five_percent_are_planted_copies_of_earlier_articles(generated):
    records = [json.loads(line) for line in generated.read_text(encoding="utf-8").splitlines()]
    position = {r["id"]: n for n, r in enumerate(records)}
    planted = [r for r in records if "duplicate_of" in r]
    assert 8 <= len(planted) <= 40
    assert all(position[r["duplicate_of"]] < position[r["id"]] for r in planted)


def test_planted_copies_are_near_duplicates_and_others_are_not(generated):
    from compare.dedup.batch import find_duplicates

    records = [json.loads(line) for line in generated.read_text(encoding="utf-8").splitlines()]
    planted = {frozenset((r["id"], r["duplicate_of"])) for r in records if "duplicate_of" in r}
    result = find_duplicates(iter_articles([generated]))
    flagged = {frozenset((p.a, p.b)) for p in result.pairs}
    assert planted <= flagged
    # Copies of one original are copies of each other too; nothing else may pair up.
    family = {r["id"]: r.get("duplicate_of", r["id"]) for r in records}
    assert all(len({family[i] for i in pair}) == 1 for pair in flagged)


def test_vocabulary_comes_from_the_fixtures():
    generator = Generator(1)
    assert {"kremlin", "peskov", "reservoir", "council"} <= set(generator.vocab.tolist())
