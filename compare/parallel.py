"""Worker-process plumbing shared by batch fingerprinting and report alignment."""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TypeVar

T = TypeVar("T")


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last one shorter), read lazily.

    >>> list(chunked(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def main_script_hidden() -> Iterator[None]:
    """Start workers without re-running the caller's script in them.

    forkserver and spawn workers import the parent's ``__main__`` file; a
    script without an ``if __name__ == "__main__":`` guard would then run
    again in every worker (and start workers of its own, forever), and
    ``python -`` has no file to import at all. The tasks only need the
    library, so the script's path is hidden while the workers start; pools
    must therefore never restart workers (no ``maxtasksperchild``).
    """
    main = sys.modules.get("__main__")
    if (
        main is None
        or getattr(getattr(main, "__spec__", None), "name", None) is not None
        or not hasattr(main, "__file__")
    ):
        yield
        return
    saved = main.__dict__.pop("__file__")
    try:
        yield
    finally:
        main.__file__ = saved


def worker_context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    """forkserver where available (spawn elsewhere), preloading ``preload``.

    Workers fork from a small server process, not from this one, which may
    hold 100,000 articles by then: with "fork" every worker's RSS would count
    the parent's heap again. One forkserver serves the whole process, so its
    preload list is whichever caller asked first; workers import what else
    they need on their first task.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
        return context
    return multiprocessing.get_context("spawn")


def ignore_interrupts() -> None:
    """Pool initializer: Ctrl-C is the parent's to handle, not each worker's.

    A terminal sends SIGINT to the whole process group. Workers that take it
    print one KeyboardInterrupt traceback each, and one interrupted while
    writing a result leaves half a message in the result pipe, on which the
    parent's ``Pool.terminate()`` then waits forever. The parent stops the
    workers itself when it unwinds.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def kill_child_processes() -> None:
    """SIGKILL this process's ``multiprocessing`` children and its forkserver: for a stop that ran out of time.

    Pool workers started through the forkserver are its children, not this
    process's, and would outlive it (each holds both ends of its task pipe,
    so it never sees the end of its input). Private attributes, read defensively.
    """
    import os
    from multiprocessing import forkserver, process

    pids = [getattr(child, "pid", None) for child in list(getattr(process, "_children", ()))]
    pids.append(getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None))
    for pid in pids:
        if isinstance(pid, int) and pid > 0:
            with suppress(OSError):
                os.kill(pid, signal.SIGKILL)
