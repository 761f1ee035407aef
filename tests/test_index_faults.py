"""Index faults: each a one-line error, exit 1, no traceback, and nothing lost or half-written."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.dedup.index import open_index

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


# --- issue 8: index faults ------------------------------------------------------------


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of this test alone (it gets stopped with SIGSTOP)."""
    from conftest import started_redis

    with started_redis(tmp_path) as (process, port):
        yield process, f"redis://127.0.0.1:{port}/0"


@pytest.mark.redis
def test_a_frozen_redis_fails_within_the_socket_timeout(private_redis):
    """A SIGSTOPped server used to block an ingest for 91 s (30 s timeout, retried)."""
    process, url = private_redis
    assert run("ingest", SEED_0, "--index", url).exit_code == 0
    process.send_signal(signal.SIGSTOP)
    started = time.monotonic()
    result = run("ingest", "fixtures/seeds", "--index", f"{url}?socket_timeout=1")
    elapsed = time.monotonic() - started
    assert_one_line_error(result, "did not answer within 1 s", "?socket_timeout=SECONDS")
    assert elapsed < 8, elapsed
    started = time.monotonic()
    assert_one_line_error(run("index", "stats", "--index", url), "did not answer within 5 s")  # the default
    assert time.monotonic() - started < 12


def test_a_bad_socket_timeout_is_a_clear_error():
    assert_one_line_error(run("ingest", SEED_0, "--index", "redis://127.0.0.1:1/0?socket_timeout=soon"), "socket_timeout=soon must be a number of seconds")


def test_an_sqlite_index_with_garbage_in_the_middle_is_refused_and_left_untouched(tmp_path):
    data = tmp_path / "articles.jsonl"
    _generated_jsonl(data, 300)
    index = tmp_path / "i.sqlite"
    assert run("ingest", data, "--index", index, "--workers", "0").exit_code == 0
    # Compacted first: each batch's sweep empties pages of the table of unswept band rows,
    # and garbage in a page on the free list is read by nothing (quick_check rightly passes).
    db = sqlite3.connect(index)
    db.execute("VACUUM")
    db.close()
    content = bytearray(index.read_bytes())
    middle = len(content) // 2 // 4096 * 4096
    content[middle : middle + 4096] = random.Random(5).randbytes(4096)
    index.write_bytes(bytes(content))
    result = run("ingest", "fixtures/seeds", "--index", index)
    assert_one_line_error(result, "fails SQLite's integrity check", "left untouched", "restore a backup")
    assert index.read_bytes() == bytes(content)


def test_garbage_written_with_the_old_modification_time_is_still_refused(tmp_path):
    """A writer skips the whole-file check when the file is as the last writer left it
    (``compare.dedup.index.checked``): that must not be fooled by putting the times back."""
    data = tmp_path / "articles.jsonl"
    _generated_jsonl(data, 300)
    index = tmp_path / "i.sqlite"
    assert run("ingest", data, "--index", index, "--workers", "0").exit_code == 0
    db = sqlite3.connect(index)
    db.execute("VACUUM")  # see the test above: no garbage on the free list
    db.close()
    assert run("ingest", SEED_0, "--index", index).exit_code == 0  # a writer of this tool leaves its record
    assert Path(f"{index}-checked").is_file()
    before = index.stat()
    content = bytearray(index.read_bytes())
    middle = len(content) // 2 // 4096 * 4096
    content[middle : middle + 4096] = random.Random(6).randbytes(4096)
    with index.open("r+b") as file:  # same inode, same size
        file.write(bytes(content))
    os.utime(index, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (index.stat().st_size, index.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    result = run("ingest", "fixtures/seeds", "--index", index)
    assert_one_line_error(result, "fails SQLite's integrity check", "left untouched")
    assert index.read_bytes() == bytes(content)


def test_a_writer_checks_the_whole_file_unless_a_writer_of_this_tool_left_it_so(tmp_path, monkeypatch):
    from compare.dedup.index import sqlite as sqlite_index

    checks = []
    real_check = sqlite_index._integrity_problems
    monkeypatch.setattr(sqlite_index, "_integrity_problems", lambda db: checks.append(1) or real_check(db))
    index = tmp_path / "i.sqlite"

    def ingest_and_count(*paths: str) -> int:
        checks.clear()
        assert run("ingest", *paths, "--index", index, "--workers", "0").exit_code == 0
        return len(checks)

    assert ingest_and_count("fixtures/seeds") == 0  # created here: nothing to check
    assert ingest_and_count("fixtures/variants") == 0  # as the last writer left it
    assert ingest_and_count("fixtures/variants") == 0
    # Changed by something else: chmod changes only the change time.
    index.chmod(0o644)
    assert ingest_and_count(SEED_0) == 1
    assert ingest_and_count(SEED_0) == 0
    # A read-only open neither checks nor records.
    Path(f"{index}-checked").unlink()
    assert run("index", "stats", "--index", index).exit_code == 0
    assert not Path(f"{index}-checked").exists()
    assert ingest_and_count(SEED_0) == 1
    # A write-ahead log left behind (another writer still open, or a crash) holds pages the record never saw.
    other = sqlite3.connect(index, isolation_level=None)
    other.execute("PRAGMA wal_autocheckpoint = 0")
    other.execute("INSERT INTO stock (key) VALUES (12345)")  # a change SQLite cannot skip (an unchanged row writes nothing)
    try:
        assert Path(f"{index}-wal").stat().st_size > 0
        assert ingest_and_count(SEED_0) == 1
        assert not Path(f"{index}-checked").exists()  # closed with the log still there: no record
    finally:
        other.close()
    assert ingest_and_count(SEED_0) == 1
    # A copy moved over the index (same bytes, same times: another inode).
    copy = tmp_path / "copy.sqlite"
    shutil.copy2(index, copy)
    os.replace(copy, index)
    assert ingest_and_count(SEED_0) == 1
    # A writer of this tool killed before it closed the index.
    crashed = subprocess.run(
        [sys.executable, "-c",
         "import os, sys; from compare.article import Article; from compare.dedup.index import open_index;"
         " from compare.dedup.stream import ingest; index = open_index(sys.argv[1]);"
         " list(ingest([Article(id='crash', text=' '.join(['killed before it closed'] * 40))], index, workers=0)); os._exit(9)",
         str(index)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False,
    )
    assert crashed.returncode == 9
    assert ingest_and_count(SEED_0) == 1
    assert ingest_and_count(SEED_0) == 0


def _run_in_read_only_directory(directory: Path, *args: object) -> subprocess.CompletedProcess:
    """The CLI in a subprocess that cannot write ``directory`` (a read-only bind mount when run as root)."""
    command = [sys.executable, "-m", "compare", *map(str, args)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if os.geteuid() != 0:
        directory.chmod(0o555)
        try:
            return subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, check=False)
        finally:
            directory.chmod(0o755)
    import shlex

    mount = f"mount --bind -o ro {shlex.quote(str(directory))} {shlex.quote(str(directory))}"
    wrapped = ["unshare", "-m", "--propagation", "private", "sh", "-c", f"{mount} && exec {shlex.join(command)}"]
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", mount], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("running as root without the right to mount a read-only directory")
    return subprocess.run(wrapped, capture_output=True, text=True, env=env, cwd=REPO, check=False)


def test_an_index_in_a_read_only_directory_can_be_read_not_written(tmp_path):
    directory = tmp_path / "readonly"
    directory.mkdir()
    index = directory / "i.sqlite"
    assert run("ingest", "fixtures/seeds", "--index", index, "--workers", "0").exit_code == 0
    before = index.read_bytes()
    files = sorted(p.name for p in directory.iterdir())
    assert files == ["i.sqlite", "i.sqlite-checked"]  # the writer's record (compare.dedup.index.checked)
    stats = _run_in_read_only_directory(directory, "index", "stats", "--index", index, "--format", "json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["articles"] == 5
    export = _run_in_read_only_directory(directory, "index", "export", "--index", index)
    assert export.returncode == 0, export.stderr
    assert len(export.stdout.splitlines()) == 5
    report = _run_in_read_only_directory(
        directory, "report", SEED_0, "fixtures/variants/000_new_headline.txt", "--index", index, "--format", "json"
    )
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["index_matches"]["fixtures/variants/000_new_headline.txt"][0]["id"] == SEED_0
    ingest = _run_in_read_only_directory(directory, "ingest", "fixtures/unrelated", "--index", index)
    assert ingest.returncode == 1
    assert ingest.stderr.count("\n") == 1 and "Traceback" not in ingest.stderr
    assert "read-only" in ingest.stderr and "index stats" in ingest.stderr and "move it away" not in ingest.stderr
    assert index.read_bytes() == before
    assert sorted(p.name for p in directory.iterdir()) == files


@pytest.mark.redis
def test_report_on_a_mistyped_redis_prefix_creates_no_key(redis_url):
    import redis

    result = run("report", SEED_0, "fixtures/seeds/001_70d18d04582d512c.txt", "--index", f"{redis_url}?prefix=typo")
    assert_one_line_error(result, "no index there", "article-compare ingest")
    client = redis.Redis.from_url(redis_url)
    try:
        assert client.dbsize() == 0
    finally:
        client.close()


@pytest.mark.redis
def test_redis_prefixes_cannot_collide_with_each_other_s_keys(redis_url):
    """Id ':meta' under prefix 'news' was stored at the key of prefix 'news:lsh_keys''s metadata."""
    import redis

    from compare.article import Article
    from compare.dedup.stream import ingest

    story = load_seed_text()
    with open_index(f"{redis_url}?prefix=news") as news:
        list(ingest([Article(id=":meta", text=story)], news, workers=0))
    other = "\n\n".join(load_seed_text(i) for i in (1, 2))
    with open_index(f"{redis_url}?prefix=news:lsh_keys") as nested:
        list(ingest([Article(id="x", text=other)], nested, workers=0))
    for prefix, ids in (("news", [":meta"]), ("news:lsh_keys", ["x"])):
        with open_index(f"{redis_url}?prefix={prefix}") as opened:
            assert opened.check() == []
            assert [row["id"] for row in opened.export()] == ids
    client = redis.Redis.from_url(redis_url)
    try:
        keys = {k.decode("latin-1") for k in client.keys("*")}
    finally:
        client.close()
    assert {k for k in keys if k.startswith("news%3Alsh_keys:")} and all(
        k.startswith(("news:", "news%3Alsh_keys:")) for k in keys
    )


def load_seed_text(number: int = 0) -> str:
    return sorted((REPO / "fixtures" / "seeds").glob("*.txt"))[number].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "command",
    [["ingest", SEED_0], ["index", "stats"], ["index", "export"], ["index", "remove", "x"], ["report", SEED_0, SEED_0]],
)
def test_an_empty_index_location_is_an_error_not_the_default_file(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*command, "--index", ""])
    assert result.exit_code == 2, result.output
    assert "--index" in result.stderr and "is empty" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.redis
def test_a_redis_index_of_an_older_format_is_refused_not_misread(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.hset("article-compare:settings", "parameters", json.dumps({
            "shingle_size": 4, "num_perm": 64, "seed": 1, "scheme": "sha1", "candidate_threshold": 0.2, "bands": 32, "rows": 2,
        }))
    finally:
        client.close()
    for command in (["ingest", SEED_0], ["index", "stats"]):
        assert_one_line_error(run(*command, "--index", redis_url), "index format 1", "not supported", "rebuild it")


def test_an_sqlite_index_of_the_previous_format_is_refused_not_misread(tmp_path):
    # Format 7 kept every learned-chrome count in ``boilerplate`` keyed (source, key), with no
    # ``chrome_fresh`` to add up: format 8 would misread it. Another layout, refused, not read.
    index = tmp_path / "old.sqlite"
    assert run("ingest", SEED_0, "--index", index).exit_code == 0
    db = sqlite3.connect(index)
    db.execute("PRAGMA user_version = 7")
    db.close()
    before = index.read_bytes()
    for command in (["ingest", SEED_0], ["index", "stats"]):
        assert_one_line_error(run(*command, "--index", index), "index format 7 is not supported", "expected 8", "older", "rebuild it")
    assert index.read_bytes() == before


@pytest.mark.redis
def test_a_redis_index_of_the_previous_format_is_refused_not_misread(redis_url):
    import redis

    assert run("ingest", SEED_0, "--index", redis_url).exit_code == 0
    client = redis.Redis.from_url(redis_url)
    try:
        record = json.loads(client.hget("article-compare:settings", "parameters"))
        client.hset("article-compare:settings", "parameters", json.dumps({**record, "format": 4}))
    finally:
        client.close()
    for command in (["ingest", SEED_0], ["index", "stats"]):
        assert_one_line_error(run(*command, "--index", redis_url), "index format 4", "not supported", "expected 5", "rebuild it")
