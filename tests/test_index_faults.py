"""Index faults: each a one-line error, exit 1, no traceback, and nothing lost or half-written."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.index import open_index

REPO = Path(__file__).resolve().parents[1]

SEED_0 = "fixtures/seeds/000_e6f0c9be4bb1d9ca.txt"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("ARTICLE_COMPARE_INDEX", raising=False)


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_unreachable_redis_is_one_line_and_exit_1():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("ingest", SEED_0, "--index", f"redis://127.0.0.1:{port}/0")
    assert_one_line_error(result, f"redis://127.0.0.1:{port}/0: cannot reach Redis", "refused")
    assert_one_line_error(run("index", "stats", "--index", f"redis://127.0.0.1:{port}/0"), "cannot reach Redis")


def test_locked_sqlite_index_is_a_clear_error_and_loses_nothing(tmp_path):
    index = tmp_path / "i.sqlite"
    assert run("ingest", "fixtures/seeds", "--index", index).exit_code == 0
    holder = sqlite3.connect(index, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer holds the write lock
    try:
        blocked = run("ingest", "fixtures/unrelated", "--index", index, "--lock-timeout", "0.2")
        assert_one_line_error(blocked, "index is locked by another process", "nothing of this batch was written")
        assert blocked.stdout == ""  # no article was reported as added
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with open_index(index) as opened:
        assert opened.stats().articles == 5 and opened.check() == []
    again = run("ingest", "fixtures/unrelated", "--index", index)
    assert again.exit_code == 0
    assert [line.split()[0] for line in again.stdout.splitlines()] == ["new"] * 4
    with open_index(index) as opened:
        assert opened.stats().articles == 9 and opened.check() == []


@pytest.mark.parametrize("command", [["ingest", SEED_0], ["index", "stats"], ["index", "export"]])
def test_corrupt_sqlite_file_is_a_clear_error_and_left_untouched(tmp_path, command):
    index = tmp_path / "i.sqlite"
    garbage = random.Random(4).randbytes(16384)
    index.write_bytes(garbage)
    result = run(*command, "--index", index)
    assert_one_line_error(result, str(index), "not a readable SQLite index", "file is not a database", "left untouched")
    assert index.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.sqlite"]


def test_a_foreign_sqlite_database_is_not_taken_over(tmp_path):
    index = tmp_path / "other.sqlite"
    db = sqlite3.connect(index)
    db.execute("CREATE TABLE customers (name TEXT)")
    db.commit()
    db.close()
    before = index.read_bytes()
    assert_one_line_error(run("ingest", SEED_0, "--index", index), "not an article-compare index")
    assert index.read_bytes() == before


def test_an_index_built_with_other_settings_says_how_to_open_it(tmp_path):
    index = tmp_path / "i.sqlite"
    assert run("ingest", SEED_0, "--index", index).exit_code == 0
    result = run("ingest", SEED_0, "--index", index, "--shingle-size", "5")
    assert_one_line_error(result, "index was built with shingle_size=4", "--shingle-size 4 --num-perm 64", "another --index")


@pytest.mark.redis
def test_a_redis_index_built_with_other_settings_is_refused_too(redis_url):
    assert run("ingest", SEED_0, "--index", redis_url).exit_code == 0
    assert_one_line_error(run("ingest", SEED_0, "--index", redis_url, "--num-perm", "128"), "num_perm=64", "--num-perm 64")


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [("ftp://host/x", "unknown index scheme"), ("no-such-dir/i.sqlite", "directory no-such-dir does not exist")],
)
def test_bad_index_locations(spec, fragment):
    assert_one_line_error(run("ingest", SEED_0, "--index", spec), fragment)


def _generated_jsonl(path, count: int) -> None:
    rng = random.Random(11)
    vocabulary = [f"{rng.choice('bcdfgklmnprst')}{rng.choice('aeiou')}{rng.choice('bcdfgklmnprst')}{i}" for i in range(5000)]
    bodies = []
    with path.open("w") as out:
        for i in range(count):
            if bodies and rng.random() < 0.1:
                text = rng.choice(bodies)  # a copy: reported as duplicate, not added
            else:
                text = "\n".join(" ".join(rng.choices(vocabulary, k=40)) for _ in range(4))
                bodies.append(text)
            out.write(json.dumps({"id": f"n{i}", "text": text}) + "\n")


def test_an_ingest_killed_midway_leaves_every_reported_article_and_a_consistent_index(tmp_path):
    data = tmp_path / "articles.jsonl"
    _generated_jsonl(data, 4000)
    index = tmp_path / "i.sqlite"
    command = [sys.executable, "-m", "compare", "ingest", str(data), "--index", str(index), "--format", "json", "--batch-size", "50", "--workers", "0"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=REPO, text=True)
    reported = []
    assert process.stdout is not None
    for line in process.stdout:
        reported.append(json.loads(line))
        if len(reported) >= 600:
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    new = [r["id"] for r in reported if r["status"] == "new"]
    assert len(new) > 400
    with open_index(index) as reopened:
        assert reopened.check() == []
        stored = reopened.get(new)
        assert set(stored) == set(new)
        assert len(stored) <= reopened.stats().articles < 4000
    # The index goes on where it stopped: a rerun finishes and stays consistent.
    rerun = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    assert rerun.returncode == 0, rerun.stderr
    results = [json.loads(line) for line in rerun.stdout.splitlines()]
    assert len(results) == 4000
    by_id = {r["id"]: r for r in results}
    for article_id in new:  # what the killed run reported is found again, as a copy of itself
        assert by_id[article_id]["status"] == "duplicate"
        assert by_id[article_id]["matches"][0] == {"id": article_id, "jaccard": 1.0, "containment": 1.0}
    with open_index(index) as reopened:
        assert reopened.check() == []
        added = [r["id"] for r in results if r["status"] == "new"]
        assert set(reopened.get(added)) == set(added)
        matched = {m["id"] for r in results for m in r["matches"]}
        assert set(reopened.get(matched)) == matched


@pytest.mark.redis
@pytest.mark.parametrize("command", [["stats"], ["export"], ["remove", "x"]])
def test_index_commands_on_an_empty_redis_prefix_do_not_create_an_index(redis_url, command):
    """Reading a mistyped prefix used to write default settings there, so a later
    'ingest --shingle-size 5' into it was refused as 'built with shingle_size=4'."""
    spec = f"{redis_url}?prefix=typo"
    assert_one_line_error(run("index", *command, "--index", spec), "no index there", "article-compare ingest")
    assert run("ingest", SEED_0, "--index", spec, "--shingle-size", "5").exit_code == 0
