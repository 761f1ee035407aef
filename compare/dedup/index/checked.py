"""When an SQLite index needs SQLite's whole-file integrity check before a write.

A writer checks the file before its first write (``PRAGMA quick_check``: a
damaged page must not be written around), and that check reads every page:
4.5 CPU-seconds for a 1.1 GB index of 300,000 articles, so one-article
ingests into a large index took seconds each and a step of the ingest
benchmark paid it again at every start. The check only finds something when
the file was changed by something else than this tool: a disk error, a copy
cut short, stray bytes. So a writer that closes the index leaves a record of
the file as it left it (size, inode, change time, in ``<index>-checked``),
and the next writer skips the check only when the file is still exactly
that. The change time (ctime) is set by the kernel on every write and cannot
be set back by a user, unlike the modification time; a file copied or moved
over the index has another inode or change time. A crash leaves no new
record, and its last writes changed the file, so the next writer checks.
Without a record, with a write-ahead log left behind (another process still
writing, or a crash), or when anything differs, the check runs as before.
Deleting the record is always safe: it costs one check.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

#: The record lives beside the index, as SQLite's own ``-wal`` and ``-shm`` files do.
RECORD_SUFFIX = "-checked"
#: How long ``record_as_left`` waits for the clock to pass the file's change time (see there).
_SETTLE_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class FileState:
    """What a change to the file changes."""

    size: int
    inode: int
    device: int
    changed_ns: int


def _state(path: Path) -> FileState:
    stat = path.stat()
    return FileState(stat.st_size, stat.st_ino, stat.st_dev, stat.st_ctime_ns)


def record_path(path: Path) -> Path:
    return path.with_name(path.name + RECORD_SUFFIX)


def _has_log(path: Path) -> bool:
    """A write-ahead log with frames in it: pages that are not in the main file yet."""
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 0
    except FileNotFoundError:
        return False


def unchanged_since_left(path: Path) -> bool:
    """True when the index file is exactly as a writer of this tool left it (its check can be skipped)."""
    try:
        recorded = FileState(**json.loads(record_path(path).read_text(encoding="utf-8")))
        return not _has_log(path) and _state(path) == recorded
    except (OSError, ValueError, TypeError):
        return False


def _clock_ns() -> int:
    # The kernel stamps a change with its coarse clock (one tick, 1-10 ms, behind the
    # precise one): comparing against that clock waits at most a tick.
    coarse = getattr(time, "CLOCK_REALTIME_COARSE", None)
    if coarse is not None:
        return time.clock_gettime_ns(coarse)
    return time.time_ns() - 50_000_000  # elsewhere: assume ticks of up to 50 ms


def record_as_left(path: Path) -> None:
    """After the last connection of a writer closed: record the file's state, if no log is left.

    The record is written only once the clock has passed the file's change
    time: a write later in the same clock tick would otherwise keep the
    change time the record holds. Best effort: without a record the next
    writer checks the file.
    """
    record = record_path(path)
    try:
        if _has_log(path):
            record.unlink(missing_ok=True)
            return
        state = _state(path)
        deadline = time.monotonic() + _SETTLE_SECONDS
        while _clock_ns() <= state.changed_ns:
            if time.monotonic() > deadline:
                record.unlink(missing_ok=True)
                return
            time.sleep(0.001)
        if _state(path) != state or _has_log(path):
            record.unlink(missing_ok=True)
            return
        partial = record.with_name(f"{record.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(asdict(state)), encoding="utf-8")
        os.replace(partial, record)  # whole or absent, whichever writer closes last
    except OSError:
        pass
