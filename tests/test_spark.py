"""The Spark engine (``compare.spark``, ``dedup --engine spark``) gives the local engine's results.

Runs Spark in local[2]; skipped without pyspark (the spark extra) or Java.
One Spark session serves the module: starting one takes seconds.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")
if shutil.which("java") is None:
    pytest.skip("the spark tests need Java (apt-get install openjdk-17-jre-headless)", allow_module_level=True)

from compare.article import Article
from compare.cli import main
from compare.dedup.batch import clusters_of, find_duplicates
from compare.dedup.fingerprint import FingerprintSettings
from compare.load.articles import article_from_record, iter_articles

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from generate_articles import write_jsonl  # noqa: E402

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    from compare.spark import spark_session

    session = spark_session(
        "local[2]",
        {
            "spark.sql.shuffle.partitions": "2",
            "spark.default.parallelism": "2",
            "spark.ui.enabled": "false",
        },
    )
    yield session
    session.stop()


def _local(path: Path, **options):
    return find_duplicates(list(iter_articles([path])), workers=0, **options)


def _same(spark_result, local_result) -> None:
    """Same pairs (ids, exact scores, relation, order), clusters and learned chrome."""
    got = spark_result.to_result()
    assert got.articles == local_result.articles
    assert got.pairs == local_result.pairs
    assert got.clusters == local_result.clusters
    assert got.learned == {source: n for source, n in local_result.learned.items() if n}


@pytest.fixture(scope="module")
def fixtures_jsonl(tmp_path_factory) -> Path:
    """Every fixture article as one JSON line, plus a blank line and a line without an id."""
    path = tmp_path_factory.mktemp("fixtures") / "fixtures.jsonl"
    articles = list(iter_articles([REPO / "fixtures"], on_error=lambda error: None))
    assert len(articles) > 10
    with path.open("w", encoding="utf-8") as out:
        for number, article in enumerate(articles):
            record = {"id": article.id, "text": article.text, "source": article.source, "title": article.title}
            if number == 3:
                out.write("\n")  # a blank line still counts for the line numbers of later ids
                del record["id"]  # named PATH:LINE by both engines
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def test_fixtures_give_the_local_engines_pairs_scores_and_clusters(spark, fixtures_jsonl):
    from compare.spark import dedup_paths

    local = _local(fixtures_jsonl)
    assert local.pairs and local.clusters  # the fixtures hold variants of the seeds
    assert any(":" in p.a or ":" in p.b for p in local.pairs) or any(
        ":" in member for cluster in local.clusters for member in cluster
    )
    _same(dedup_paths(spark, [str(fixtures_jsonl)]), local)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """3,000 generated articles in two files (planted copies, outlets with chrome to learn), and a
    third of noisy and partial copies of some of them: OCR'd (6 % of characters), mistyped (2 %),
    and excerpts of a few paragraphs (contained, with a low Jaccard)."""
    import random

    from evaluation.heldout_dedup import ocr_noise

    directory = tmp_path_factory.mktemp("generated")
    write_jsonl(directory / "a.jsonl", 1500, seed=11, dup_rate=0.1)
    write_jsonl(directory / "b.jsonl", 1500, seed=12, dup_rate=0.1)
    rng = random.Random(5)
    originals = [json.loads(line) for line in (directory / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    originals = [r for r in originals if "duplicate_of" not in r][:240]
    with (directory / "c.jsonl").open("w", encoding="utf-8") as out:
        for n, record in enumerate(originals):
            kind = n % 3
            if kind == 0:
                text, _ = ocr_noise(record["text"], rng)
            elif kind == 1:
                text, _ = ocr_noise(record["text"], rng, rate=0.02)
            else:
                paragraphs = record["text"].split("\n\n")[1:]
                start = rng.randrange(max(1, len(paragraphs) - 3))
                text = "\n\n".join(paragraphs[start : start + 3])
            copy = {"id": f"noisy-{n}", "source": record["source"] if n % 2 else "scans", "text": text}
            out.write(json.dumps(copy, ensure_ascii=False) + "\n")
    return directory


def test_generated_articles_give_the_local_engines_results(spark, generated):
    """With the defaults: word bands, character bands and verification, containment anchors, learned chrome."""
    from compare.spark import dedup_paths

    local = find_duplicates(iter_articles([generated]), workers=0)
    assert local.articles == 3240
    assert len(local.pairs) > 100 and any(local.learned.values())
    by_chars = [p for p in local.pairs if p.char_jaccard is not None]
    assert len(by_chars) >= 30  # OCR'd copies: the character signal found them
    assert sum(p.relation == "contained" and p.jaccard < 0.3 for p in local.pairs) >= 30  # excerpts
    words_only = find_duplicates(iter_articles([generated]), workers=0, char_signal=False)
    assert set(words_only.pairs) < set(local.pairs)
    _same(dedup_paths(spark, [str(generated)]), local)


def test_no_learning_and_other_settings_match_too(spark, fixtures_jsonl):
    from compare.spark import dedup_paths

    options = {
        "threshold": 0.3,
        "containment_threshold": 0.6,
        "settings": FingerprintSettings(shingle_size=3, num_perm=32),
        "learn_boilerplate": False,
        "char_signal": False,
    }
    local = _local(fixtures_jsonl, **options)
    _same(dedup_paths(spark, [str(fixtures_jsonl)], **options), local)


def _chain_text(step: int) -> str:
    """Texts where each shares most words with the next: a chain of near-duplicates."""
    words = [f"word{i}" for i in range(step * 8, step * 8 + 120)]
    return " ".join(words) + ".\n"


def test_dataframe_api_chains_and_duplicate_ids(spark):
    """A chain of near-duplicates is one cluster (several propagation rounds); equal ids stay apart."""
    from compare.spark import find_duplicates as spark_find

    records = [{"id": f"c{i}", "text": _chain_text(i), "source": None} for i in range(12)]
    records.insert(5, {"id": "x", "text": "An unrelated piece about weather in the hills.\n", "source": None})
    records.append({"id": "c0", "text": _chain_text(0), "source": None})  # the same id twice
    df = spark.createDataFrame(records, "id string, text string, source string").coalesce(1)
    local = find_duplicates([article_from_record(r, default_id="-", where="-") for r in records], workers=0)
    assert len(local.clusters) == 1 and len(local.clusters[0]) == 13
    _same(spark_find(df), local)


def _letters_alike_records(count: int, *, seed: int = 5) -> list[dict[str, str]]:
    """Texts of 300 tokens from 100 "word<N>" tokens: each holds nearly the same character grams, so
    the character signal pairs them all (sample Jaccard >= 0.4) while their word shingles differ: buckets of more than
    CHAR_BUCKET_MAX different character signatures, and ties of agreement at many articles' cutoffs."""
    import random

    rng = random.Random(seed)
    vocabulary = [f"word{i}" for i in range(100)]
    return [{"id": f"t{n}", "text": " ".join(rng.choices(vocabulary, k=300))} for n in range(count)]


def _ties_at_the_cutoff(articles) -> int:
    """Articles whose CHAR_MAX_CANDIDATES-th and next character-only candidate agree equally (the tie rule decides)."""
    import numpy as np

    from compare.dedup.batch import candidate_pairs
    from compare.dedup.fingerprint import fingerprint_many
    from compare.dedup.lsh import (
        CHAR_BANDS,
        CHAR_BUCKET_MAX,
        CHAR_MAX_CANDIDATES,
        CHAR_ROWS,
        char_agreement,
    )
    from compare.dedup.lsh import char_agreement_needed as needed

    matrix = np.stack([fp.char_signature for fp in fingerprint_many(articles)])
    pairs = candidate_pairs(matrix, CHAR_BANDS, CHAR_ROWS, max_bucket=CHAR_BUCKET_MAX)
    agree = char_agreement(matrix, pairs)
    enough = agree >= needed(matrix.shape[1])
    pairs, agree = pairs[enough], agree[enough]
    ties = 0
    for article in range(len(matrix)):
        scores = np.sort(agree[(pairs[:, 0] == article) | (pairs[:, 1] == article)])[::-1]
        ties += int(scores.size > CHAR_MAX_CANDIDATES and scores[CHAR_MAX_CANDIDATES - 1] == scores[CHAR_MAX_CANDIDATES])
    return ties


def test_character_candidates_are_bounded_as_in_the_local_engine(spark, tmp_path, monkeypatch):
    """Crowded character buckets give no pairs and each article keeps its 16 best character-only
    candidates, ties broken by input order: the Spark pairs and clusters are the local ones, and
    both rules change them here. Two files with a blank line, so that ordinals are not indices."""
    import compare.dedup.batch as batch
    from compare.spark import dedup_paths

    records = _letters_alike_records(300)
    (tmp_path / "in").mkdir()
    with (tmp_path / "in" / "a.jsonl").open("w", encoding="utf-8") as out:
        for number, record in enumerate(records[:140]):
            out.write(("\n" if number == 70 else "") + json.dumps(record) + "\n")
    with (tmp_path / "in" / "b.jsonl").open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(record) + "\n" for record in records[140:])
    articles = list(iter_articles([tmp_path / "in"]))
    assert [a.id for a in articles] == [r["id"] for r in records]
    local = find_duplicates(articles, workers=0)
    assert local.pairs and all(p.char_jaccard is not None for p in local.pairs)
    assert _ties_at_the_cutoff(articles) > 10
    # Each rule changes the local result on this input: the test can tell a Spark engine without either.
    monkeypatch.setattr(batch, "CHAR_MAX_CANDIDATES", 10**9)
    no_cap = find_duplicates(articles, workers=0)
    monkeypatch.setattr(batch, "CHAR_BUCKET_MAX", 10**9)
    unbounded = find_duplicates(articles, workers=0)
    monkeypatch.undo()
    assert len(local.pairs) < len(no_cap.pairs) < len(unbounded.pairs)
    _same(dedup_paths(spark, [str(tmp_path / "in")]), local)


def test_connected_components_match_union_find(spark):
    from compare.spark.components import connected_components

    edges = [(9, 8), (8, 7), (7, 6), (6, 5), (5, 4), (4, 3), (3, 2), (2, 1), (1, 0), (20, 21), (30, 40), (41, 40)]
    edges = [(min(a, b), max(a, b)) for a, b in edges]
    labels = connected_components(spark.createDataFrame(edges, "a bigint, b bigint"))
    got: dict[int, list[int]] = {}
    for row in labels.collect():
        got.setdefault(row.label, []).append(row.vertex)
    expected = [g for g in clusters_of(edges, 42)]
    assert sorted(sorted(g) for g in got.values()) == expected
    assert all(label == min(members) for label, members in got.items())


def test_api_refuses_a_dataframe_without_text(spark):
    from compare.spark import find_duplicates as spark_find

    with pytest.raises(ValueError, match="needs a 'text'"):
        spark_find(spark.createDataFrame([("a", "b")], "id string, body string"))
    with pytest.raises(ValueError, match="must be a string"):
        spark_find(spark.createDataFrame([("a", 1)], "id string, text int"))


def test_write_parquet_and_jsonl_hold_the_local_records(spark, fixtures_jsonl, tmp_path):
    from compare.spark import dedup_paths

    local = _local(fixtures_jsonl)
    result = dedup_paths(spark, [str(fixtures_jsonl)])
    result.write(str(tmp_path / "pq"), format="parquet")
    result.write(str(tmp_path / "js"), format="jsonl")
    pairs = [r.asDict() for r in spark.read.parquet(str(tmp_path / "pq" / "pairs")).collect()]
    expected = [
        {"a": p.a, "b": p.b, "jaccard": p.jaccard, "containment": p.containment, "relation": p.relation, "char_jaccard": p.char_jaccard}
        for p in local.pairs
    ]
    assert pairs == expected
    lines = [json.loads(line) for f in sorted((tmp_path / "js" / "pairs").glob("part-*.json")) for line in f.read_text().splitlines()]
    # JSON lines leave out a null char_jaccard, as the local engine's records do.
    assert lines == [{k: v for k, v in e.items() if v is not None} for e in expected]
    clusters = [(r.id, r.cluster) for r in spark.read.parquet(str(tmp_path / "pq" / "clusters")).collect()]
    assert clusters == [(member, n) for n, cluster in enumerate(local.clusters, 1) for member in cluster]


def test_cli_spark_engine_prints_what_the_local_engine_prints(spark, fixtures_jsonl):
    runner = CliRunner()
    local = runner.invoke(main, ["dedup", str(fixtures_jsonl), "--format", "json", "--workers", "0"])
    remote = runner.invoke(main, ["dedup", str(fixtures_jsonl), "--format", "json", "--engine", "spark"])
    assert local.exit_code == 0, local.output
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout


def test_cli_bad_lines_are_one_line_errors_and_the_rest_is_written(spark, tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text(
        json.dumps({"id": "a", "text": "One two three four five six seven eight.\n"}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "b"}) + "\n"
        + json.dumps({"id": "c", "text": "One two three four five six seven eight.\n"}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["dedup", str(data), "--engine", "spark", "-f", "jsonl", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {data}:2: malformed JSON line (Expecting property name enclosed in double quotes at column 2)",
        f"error: {data}:3: no article text: give a non-empty 'text' or 'html' field",
    ]
    written = [json.loads(line) for f in (out / "pairs").glob("part-*.json") for line in f.read_text().splitlines()]
    assert [(p["a"], p["b"], p["relation"]) for p in written] == [("a", "c", "duplicate")]
    again = CliRunner().invoke(main, ["dedup", str(data), "--engine", "spark", "-f", "jsonl", "-o", str(out)])
    assert again.exit_code == 2  # refused before any work: nothing written is lost
    assert again.stderr.splitlines()[-1] == f"Error: Invalid value for '--output' / '-o': File {str(out)!r} is a directory."


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["missing.jsonl"], "Error: missing.jsonl: no such file or directory"),
        (["README.md"], "Error: README.md: the spark engine reads JSONL (.jsonl, .ndjson) and Parquet (.parquet); for other names give --input-format jsonl or parquet"),
        (["-"], "Error: the spark engine reads files or URIs, not standard input (-)"),
        (["x.jsonl", "-f", "parquet"], "Error: --format parquet writes a directory: give --output DIR (a path or URI)"),
        (["x.jsonl", "--spark-conf", "novalue"], "Error: Invalid value for --spark-conf: 'novalue' is not KEY=VALUE"),
    ],
)
def test_cli_spark_usage_errors_are_one_line(spark, arguments, message):
    result = CliRunner().invoke(main, ["dedup", "--engine", "spark", *arguments])
    assert result.exit_code in (1, 2)
    assert result.stderr.strip().splitlines()[-1] == message
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "jvm_text",
    [
        "An error occurred while calling o812.collectToPython.\n: org.apache.spark.SparkException: Job aborted due to"
        " stage failure: Task 3 in stage 41.0 failed 1 times, most recent failure: Lost task 3.0: java.lang.OutOfMemoryError: Java heap space",
        "org.apache.spark.SparkException: Not enough memory to build and broadcast the table to all worker nodes."
        " As a workaround, you can either disable broadcast by setting spark.sql.autoBroadcastJoinThreshold to -1",
    ],
)
def test_spark_out_of_memory_is_one_line_naming_the_memory_settings(jvm_text):
    """A local run on crowded input (20,000 texts whose words share their letters) ran out of its 1 GB driver heap."""
    from pyspark.errors import PySparkException

    from compare.spark import spark_error

    message = spark_error(PySparkException(message=jvm_text))
    assert message is not None and "\n" not in message
    assert message.startswith("Spark ran out of memory (")
    assert "spark.driver.memory" in message and "spark.executor.memory" in message
    assert spark_error(PySparkException(message="Path does not exist: file:/x.jsonl\nmore")) == "Path does not exist: file:/x.jsonl"


def test_article_ids_from_ints_and_defaults_match(spark, tmp_path):
    from compare.spark import find_duplicates as spark_find

    text = "The minister said on Tuesday that the bridge would reopen next week after repairs.\n"
    df = spark.createDataFrame([(1, text), (2, text)], "id bigint, text string")
    got = spark_find(df).to_result()
    assert [(p.a, p.b) for p in got.pairs] == [("1", "2")]
    assert got.clusters == (("1", "2"),)
    local = find_duplicates([Article("1", text), Article("2", text)], workers=0)
    assert got.pairs == local.pairs


def test_parquet_input_gives_the_local_engines_results(spark, fixtures_jsonl, tmp_path):
    """The same articles as one Parquet file (columns id, text, source, title) through the command's reader."""
    from compare.spark import dedup_paths

    local = _local(fixtures_jsonl)
    records = [json.loads(line) for line in fixtures_jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
    for number, record in enumerate(records):
        if "id" not in record:  # the line without an id: give it the id the local loader gave it
            record["id"] = f"{fixtures_jsonl}:{number + 2}"
    frame = spark.createDataFrame(
        [(r["id"], r["text"], r.get("source"), r.get("title")) for r in records],
        "id string, text string, source string, title string",
    )
    frame.coalesce(1).write.parquet(str(tmp_path / "articles.parquet"))
    _same(dedup_paths(spark, [str(tmp_path / "articles.parquet")]), local)
