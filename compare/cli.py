"""Command line: parse options, call one library function, render, print.

Library modules are imported inside the commands so that ``--help`` and the
commands that do not need datasketch (0.5 s to import) start fast.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

if TYPE_CHECKING:
    from compare.article import Article
    from compare.errors import ArticleCompareError, Hint

F = TypeVar("F", bound=Callable[..., Any])


def _settings_options(settings: Any) -> str:
    from compare.dedup.fingerprint import DEFAULT_SETTINGS

    return f"--shingle-size {settings.shingle_size} --num-perm {settings.num_perm}" + (
        f" --seed {settings.seed}" if settings.seed != DEFAULT_SETTINGS.seed else ""
    )


#: The advice of a library error (``compare.errors.Hint``) in terms of this command line's options.
_CLI_HINTS: dict[str, Callable[[Any], str]] = {
    "max_article_bytes": lambda _: "raise it with --max-article-mb",
    "build_index": lambda where: f"build one with: article-compare ingest PATH... --index {where}",
    "other_index": lambda _: "give another --index path",
    "new_index": lambda _: "ingest the articles again into a new --index",
    "same_settings": lambda settings: (
        f"open it with the same settings ({_settings_options(settings)}) or give another --index to build a new one"
    ),
    "threshold": lambda lowest: f"use --threshold >= {lowest} or give another --index to build a new one",
    "lock_timeout": lambda _: "--lock-timeout waits longer",
    "read_only_use": lambda what: f"'index stats', 'index export' and 'report --index' can still read {what}",
    "input_format": lambda _: "for other names give --input-format jsonl or parquet",
    "fewer_workers": lambda _: "run again with fewer --workers (--workers 1: none) or more memory",
}


def _cli_hint(hint: Hint) -> str:
    wording = _CLI_HINTS.get(hint.knob)
    return wording(hint.value) if wording else str(hint)


def error_message(error: ArticleCompareError) -> str:
    """A library error as the CLI prints it: its hints name this command's options."""
    return error.describe(_cli_hint)


class FiniteFloat(click.FloatRange):
    """A float range that also refuses nan and inf (nan passes every range comparison)."""

    name = "finite float"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number; give a number such as {self._example()}", param, ctx)
        return number

    def _example(self) -> str:
        if self.max is not None and self.max <= 1:
            return "0.5"
        return "10"


class OutputPath(click.Path):
    """``--output``: a writable file path, checked before any work is done (exit 2 when unusable)."""

    def __init__(self, *, uri: bool = False) -> None:
        super().__init__(dir_okay=False, writable=True, path_type=Path)
        self.uri = uri

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("an empty file name; give a file path, or leave -o out to write to standard output", param, ctx)
        if self.uri and isinstance(value, str) and "://" in value:
            return value  # where Spark writes; Spark checks it
        path = super().convert(value, param, ctx)
        assert isinstance(path, Path)  # path_type=Path
        try:
            mode = Path(path).stat().st_mode
        except OSError:
            mode = None  # a new file
        if mode is not None and not mode & 0o222:
            # click's check is os.access, which lets root "write" to /proc/version
            self.fail(f"{str(path)!r} is read-only (mode {mode & 0o777:o}); choose another file", param, ctx)
        parent = Path(path).parent
        if not parent.is_dir():
            self.fail(f"{str(parent)!r} is not a directory; create it first or write elsewhere", param, ctx)
        return path


class InputProblems:
    """Collects per-file and per-line input errors: each is printed as one line
    on standard error as it happens, loading goes on, and the command exits 1
    at the end when there were any."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, error: ArticleCompareError) -> None:
        from compare.render.escape import terminal_text

        self.count += 1
        click.echo(f"error: {terminal_text(error_message(error))}", err=True)

    def exit_if_any(self) -> None:
        if self.count:
            raise click.exceptions.Exit(1)


def output_option(formats: tuple[str, ...], default: str, *, uri: bool = False) -> Callable[[F], F]:
    """``--format`` and ``--output``, the same on every command.

    With ``uri`` the output may also be a URI (s3a://..., hdfs://...), for
    the formats Spark writes (jsonl, parquet).
    """

    def decorate(function: F) -> F:
        function = click.option(
            "--output",
            "-o",
            type=OutputPath(uri=uri),
            help="Write to this file instead of standard output"
            + ("; jsonl and parquet: a new directory or URI (pairs/ and clusters/ in it)." if uri else "."),
        )(function)
        return click.option(
            "--format",
            "-f",
            "fmt",
            type=click.Choice(formats),
            default=default,
            show_default=True,
            help="Output format.",
        )(function)

    return decorate


def _max_sentences_option(function: F) -> F:
    """The per-article work limit of the commands that compare sentence by sentence."""
    return click.option(
        "--max-sentences",
        type=click.IntRange(1, 1_000_000),
        default=20_000,
        show_default=True,
        help="Work limit: an article with more sentences (or quotation marks) is reported and left out.",
    )(function)


input_options = click.option(
    "--max-article-mb",
    type=FiniteFloat(min=0.001, max=1_000_000),
    default=10.0,
    show_default=True,
    help="Refuse files (and JSON lines) larger than this; they are reported and skipped.",
)


def emit(text: str, output: Path | None) -> None:
    """Write rendered output to a file or standard output."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None


def load_articles(
    paths: tuple[str, ...], max_article_mb: float, problems: InputProblems
) -> Iterator[Article]:
    from compare.load.articles import iter_articles

    return iter_articles(
        paths,
        max_article_bytes=int(max_article_mb * 1024 * 1024),
        on_error=problems,
    )


def progress_enabled() -> bool:
    """A progress bar only when a person is watching standard error."""
    return sys.stderr.isatty()


# Set by the SIGTERM handler: the error boundary then turns any unwinding error into exit 143.
_SIGTERM_RECEIVED = threading.Event()


class _Commands(click.Group):
    """The one error boundary: a library error (``ArticleCompareError``) raised by any
    command becomes one line on standard error and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from compare.errors import ArticleCompareError
        from compare.render.escape import terminal_text

        try:
            return super().invoke(ctx)
        except ArticleCompareError as error:
            # Messages name ids and paths from input: control characters shown, not sent.
            raise click.ClickException(terminal_text(error_message(error))) from None
        except click.ClickException as error:
            # Escaped in place so the exception keeps its class, exit code and usage
            # line. Some click releases declare ``message`` Final (they never change it) and
            # some do not, so setattr keeps one spelling that type-checks against both.
            setattr(error, "message", terminal_text(error.message))  # noqa: B010
            raise
        except Exception:
            # The SIGTERM handler raises SystemExit wherever the main thread is; inside a
            # lock's __enter__/__exit__ that surfaces as another error (RuntimeError:
            # release unlocked lock). Once a stop was asked for, whatever unwinds is the stop.
            if _SIGTERM_RECEIVED.is_set():
                raise SystemExit(128 + signal.SIGTERM) from None
            raise


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="article-compare")
def main() -> None:
    """Flag near-duplicate news ingests, compare two articles, report overlap.

    Inputs: .txt (any common encoding), .html/.htm, .json, .jsonl files,
    directories (searched recursively) and - for standard input.
    """
    restore = _unwind_on_sigterm()
    if restore is not None:
        click.get_current_context().call_on_close(restore)


def _unwind_on_sigterm() -> Callable[[], None] | None:
    """``kill PID`` (SIGTERM) unwinds like Ctrl-C; exit status 143, as the shell reports.

    Without it the parent died at once and its orphaned workers printed
    BrokenPipe tracebacks and leaked semaphores. Unwinding runs the same path
    as Ctrl-C: the index transaction of the current batch rolls back and the
    worker pool is stopped with a bounded wait (``Fingerprinter.close``), so
    it cannot hang even when the whole process group got the signal and the
    workers and the forkserver are already gone. The pool's own threads may
    then fail to replace the dead workers: their errors are noise once the
    process is stopping, and are not printed. A second SIGTERM ends the
    process at once. Returns the function that puts the old handler back.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    # A SIGTERM to the whole group can kill a worker and the forkserver before
    # this process runs its handler; the pool's worker-handler thread then
    # fails to start a replacement (the forkserver is gone) and would print a
    # traceback first. That failure only happens while the group is stopping.
    print_thread_error = threading.excepthook

    def quiet_pool_refill(args: threading.ExceptHookArgs) -> None:
        thread_name = args.thread.name if args.thread is not None else ""
        if "_handle_workers" in thread_name and isinstance(args.exc_value, OSError):
            return
        print_thread_error(args)

    threading.excepthook = quiet_pool_refill

    def stop(signum: int, frame: object) -> None:
        _SIGTERM_RECEIVED.set()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        threading.excepthook = lambda args: None
        _end_unless_stopped_within(_STOP_GRACE_SECONDS, 128 + signum)
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)
        threading.excepthook = print_thread_error

    return restore


#: How long unwinding after SIGTERM may take before the process ends at once.
_STOP_GRACE_SECONDS = 30.0


def _end_unless_stopped_within(seconds: float, status: int) -> None:
    """A daemon timer that ends the process (and its workers) if the unwinding has not ended it in ``seconds``.

    Unwinding normally takes well under a second (the batch in progress rolls
    back, the workers are killed). A service manager waits for the exit and
    then kills without a word; this ends a stop that hangs anyway (it once
    took over 60 s in CI, cause not found) with one line and the same status.
    Nothing stored is lost: an uncommitted batch is not in the index, as after SIGKILL.
    """
    import os
    import threading

    from compare.parallel import kill_child_processes

    def give_up() -> None:
        os.write(2, f"article-compare: still stopping after {seconds:g} s; ended at once (the batch in progress was not stored)\n".encode())
        kill_child_processes()
        os._exit(status)

    timer = threading.Timer(seconds, give_up)
    timer.daemon = True
    timer.start()


# --- dedup, ingest, index (issue 2) -------------------------------------------------


def _fingerprint_options(function: F) -> F:
    """--shingle-size / --num-perm: None means the defaults, or an index's own settings."""
    function = click.option(
        "--num-perm",
        type=click.IntRange(16, 1024),
        default=None,
        help="MinHash permutations (default 64). ingest: omit it to use an existing index's own.",
    )(function)
    return click.option(
        "--shingle-size",
        type=click.IntRange(1, 16),
        default=None,
        help="Words per shingle (default 4). ingest: omit it to use an existing index's own.",
    )(function)


def _threshold_options(function: F) -> F:
    function = click.option(
        "--containment",
        "containment",
        type=FiniteFloat(0.0, 1.0, min_open=True),
        default=0.8,
        show_default=True,
        help="Share of the shorter article inside the longer from which it is reported as 'contained'.",
    )(function)
    return click.option(
        "--threshold",
        type=FiniteFloat(0.0, 1.0, min_open=True),
        default=0.5,
        show_default=True,
        help="Exact Jaccard similarity from which two articles are near-duplicates (>= 0.9: duplicate).",
    )(function)


def _workers_option(function: F) -> F:
    return click.option(
        "--workers",
        type=click.IntRange(0, 64),
        default=None,
        help="Fingerprinting processes (default: one per core; 0 = none).",
    )(function)


#: --max-wait when ingest reads standard input: a feed's articles are answered within ~0.2 s.
STDIN_MAX_WAIT = 0.2


def _index_spec(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("is empty; give an SQLite file path or redis://host:port/db, or leave the option out for the default")
    return value


def _index_option(function: F) -> F:
    return click.option(
        "--index",
        "index_spec",
        metavar="SPEC",
        default=None,
        callback=_index_spec,
        help="SQLite file path or redis://host:port/db "
        "(default: $ARTICLE_COMPARE_INDEX, else ./article-compare-index.sqlite).",
    )(function)


def _settings(shingle_size: int | None, num_perm: int | None) -> Any:
    from compare.dedup.fingerprint import DEFAULT_SETTINGS, FingerprintSettings

    if shingle_size is None and num_perm is None:
        return None
    return FingerprintSettings(
        shingle_size=shingle_size or DEFAULT_SETTINGS.shingle_size,
        num_perm=num_perm or DEFAULT_SETTINGS.num_perm,
    )


class _ProgressBar:
    """A click progress bar on standard error; with no known total it counts articles."""

    def __init__(self, label: str, total: int | None) -> None:
        if total is None:
            # An iterable without a length makes click draw an open-ended bar.
            no_length = (n for n in range(0))
            self._bar = click.progressbar(iterable=no_length, label=label, file=sys.stderr, show_pos=True)
        else:
            self._bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
        self._bar.__enter__()

    def update(self, done: int) -> None:
        self._bar.update(done)

    def close(self) -> None:
        self._bar.__exit__(None, None, None)


def _one_blas_thread() -> None:
    """One OpenBLAS thread for a command that has no matrix product large enough to share.

    Importing numpy starts OpenBLAS's thread pool, one thread per core: ~30 ms
    of CPU for `pair`, ~110 ms for a one-article `ingest`, taken from the
    command's own start on a busy machine. `pair`'s matrices are far below
    OpenBLAS's threading sizes, and `dedup` and `ingest` use no BLAS product
    at all (hashes, sorts, integer sums). Same results (compared); the user's
    own setting wins, and it must be set before numpy is first imported.
    """
    if "numpy" not in sys.modules:
        import os

        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@_threshold_options
@output_option(("text", "json", "csv", "jsonl", "parquet"), "text", uri=True)
@click.option(
    "--fail-on-duplicates",
    is_flag=True,
    help="Exit with status 1 when any duplicate pair is found.",
)
@click.option(
    "--no-learn",
    is_flag=True,
    help="Do not learn boilerplate lines from the batch (known chrome is still removed).",
)
@_fingerprint_options
@_workers_option
@input_options
@click.option(
    "--engine",
    type=click.Choice(("local", "spark")),
    default="local",
    show_default=True,
    help="local: worker processes on this machine; spark: an Apache Spark job "
    "(pip install 'article-compare[spark]'; reads JSONL and Parquet).",
)
@click.option(
    "--input-format",
    type=click.Choice(("auto", "jsonl", "parquet")),
    default="auto",
    show_default=True,
    help="spark engine: input format (auto: from the names).",
)
@click.option(
    "--spark-master",
    metavar="URL",
    default=None,
    help="spark engine: master URL (default local[*], or the one spark-submit gives).",
)
@click.option(
    "--spark-conf",
    metavar="KEY=VALUE",
    multiple=True,
    help="spark engine: a Spark setting, e.g. spark.sql.shuffle.partitions=400 (repeatable).",
)
@click.option(
    "--partitions",
    type=click.IntRange(1, 1_000_000),
    default=None,
    help="spark engine: minimum input partitions per JSONL file.",
)
def dedup(
    paths: tuple[str, ...],
    threshold: float,
    containment: float,
    fmt: Literal["text", "json", "csv", "jsonl", "parquet"],
    output: Path | str | None,
    fail_on_duplicates: bool,
    no_learn: bool,
    shingle_size: int | None,
    num_perm: int | None,
    workers: int | None,
    max_article_mb: float,
    engine: str,
    input_format: Literal["auto", "jsonl", "parquet"],
    spark_master: str | None,
    spark_conf: tuple[str, ...],
    partitions: int | None,
) -> None:
    """Find duplicate pairs and clusters in a batch of articles.

    Pairs are verified with exact Jaccard and containment on word shingles;
    relations: duplicate (Jaccard >= 0.9), near-duplicate (>= --threshold),
    contained (the shorter article lies >= --containment inside the longer).
    Both engines give the same pairs, scores and clusters.
    """
    _one_blas_thread()
    from compare.dedup.fingerprint import DEFAULT_SETTINGS
    from compare.render.dedup import render_dedup

    settings = _settings(shingle_size, num_perm) or DEFAULT_SETTINGS
    if engine == "spark":
        _dedup_spark(
            paths,
            fmt=fmt,
            output=output,
            threshold=threshold,
            containment=containment,
            settings=settings,
            learn=not no_learn,
            max_article_mb=max_article_mb,
            input_format=input_format,
            master=spark_master,
            conf=spark_conf,
            partitions=partitions,
            fail_on_duplicates=fail_on_duplicates,
        )
        return
    if fmt in ("jsonl", "parquet"):
        raise click.UsageError(f"--format {fmt} is written by --engine spark; the local engine writes text, json or csv")
    for name, value in (("--input-format", input_format != "auto"), ("--spark-master", spark_master),
                        ("--spark-conf", spark_conf), ("--partitions", partitions)):
        if value:
            raise click.UsageError(f"{name} is an option of --engine spark")
    output = _file_output(output, fmt)
    from compare.dedup.batch import find_duplicates

    problems = InputProblems()
    articles: Any
    if "-" in paths:
        articles = list(load_articles(paths, max_article_mb, problems))  # stdin is read once
    else:
        from compare.dedup.fingerprinter import ArticleFiles

        articles = ArticleFiles(
            paths, max_article_bytes=int(max_article_mb * 1024 * 1024), on_error=problems
        )
    bar = (
        _ProgressBar("fingerprinting", len(articles) if isinstance(articles, list) else None)
        if progress_enabled()
        else None
    )
    try:
        result = find_duplicates(
            articles,
            threshold=threshold,
            containment_threshold=containment,
            settings=settings,
            learn_boilerplate=not no_learn,
            workers=workers,
            progress=bar.update if bar else None,
        )
    finally:
        if bar:
            bar.close()
    emit(render_dedup(result, fmt), output)
    problems.exit_if_any()
    if fail_on_duplicates and result.pairs:
        raise click.exceptions.Exit(1)


def _file_output(output: Path | str | None, fmt: str) -> Path | None:
    """The ``--output`` file of a text, json or csv report; a URI is only for Spark's directories."""
    if isinstance(output, str):
        raise click.UsageError(
            f"--output {output}: a URI is written by --engine spark with --format jsonl or parquet;"
            f" --format {fmt} is written to a file path"
        )
    return output


#: Input errors the spark engine prints; the rest are counted.
_SPARK_ERRORS_SHOWN = 100


def _dedup_spark(
    paths: tuple[str, ...],
    *,
    fmt: Literal["text", "json", "csv", "jsonl", "parquet"],
    output: Path | str | None,
    threshold: float,
    containment: float,
    settings: Any,
    learn: bool,
    max_article_mb: float,
    input_format: Literal["auto", "jsonl", "parquet"],
    master: str | None,
    conf: tuple[str, ...],
    partitions: int | None,
    fail_on_duplicates: bool,
) -> None:
    """``dedup --engine spark``: one Spark job, its input errors on standard error like the local engine's."""
    from compare.errors import ArticleCompareError
    from compare.render.dedup import render_dedup
    from compare.render.escape import terminal_text

    if "-" in paths:
        raise click.UsageError("the spark engine reads files or URIs, not standard input (-)")
    if fmt in ("jsonl", "parquet") and not output:
        raise click.UsageError(f"--format {fmt} writes a directory: give --output DIR (a path or URI)")
    report_file = None if fmt in ("jsonl", "parquet") else _file_output(output, fmt)
    settings_given = {}
    for item in conf:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--spark-conf")
        settings_given[key.strip()] = value.strip()
    try:
        from compare.spark import active_session, dedup_paths, spark_session
    except ImportError as error:
        raise click.ClickException(str(error)) from None
    ours = active_session() is None  # a session the caller runs is not ours to stop
    spark = spark_session(master, settings_given)
    try:
        try:
            result = dedup_paths(
                spark,
                paths,
                fmt=input_format,
                threshold=threshold,
                containment_threshold=containment,
                settings=settings,
                learn_boilerplate=learn,
                partitions=partitions,
                max_article_bytes=int(max_article_mb * 1024 * 1024),
            )
            errors = result.errors.count()
            for row in result.errors.take(_SPARK_ERRORS_SHOWN):
                click.echo(f"error: {terminal_text(row.error)}", err=True)
            if errors > _SPARK_ERRORS_SHOWN:
                click.echo(f"error: ... and {errors - _SPARK_ERRORS_SHOWN} more input errors", err=True)
            if fmt == "jsonl" or fmt == "parquet":
                result.write(str(output), format=fmt)
                found = result.pairs.count()
            else:
                local = result.to_result()
                emit(render_dedup(local, fmt), report_file)
                found = len(local.pairs)
        except ArticleCompareError:
            raise  # ours, not Spark's: the error boundary reports it
        except Exception as error:
            from compare.spark import spark_error

            message = spark_error(error)
            if message is None:
                raise
            raise click.ClickException(message) from None
    finally:
        if ours:
            spark.stop()
    if errors:
        raise click.exceptions.Exit(1)
    if fail_on_duplicates and found:
        raise click.exceptions.Exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@_index_option
@_threshold_options
@output_option(("text", "json"), "text")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 100_000),
    default=500,
    show_default=True,
    help="Articles per index transaction; results are printed after each commit.",
)
@click.option(
    "--lock-timeout",
    type=FiniteFloat(0.0, 86_400.0),
    default=10.0,
    show_default=True,
    help="Seconds a batch waits for its turn to write (another ingest holds the index).",
)
@click.option(
    "--max-wait",
    type=FiniteFloat(0.0, 3600.0),
    default=None,
    help="End a batch this many seconds after its first article arrived, even if it is not full, so a "
    "slow feed is answered article by article [default: 0.2 when reading standard input, off for files].",
)
@_fingerprint_options
@_workers_option
@input_options
def ingest(
    paths: tuple[str, ...],
    index_spec: str | None,
    threshold: float,
    containment: float,
    fmt: str,
    output: Path | None,
    batch_size: int,
    lock_timeout: float,
    max_wait: float | None,
    shingle_size: int | None,
    num_perm: int | None,
    workers: int | None,
    max_article_mb: float,
) -> None:
    """Check articles against the index, one line each, and add the new ones.

    Status: new (added), duplicate or contained (with the matching indexed
    ids and exact scores; not added). Lines appear once their batch is
    committed, so every 'new' printed is in the index.
    """
    _one_blas_thread()
    from compare.dedup.index import open_index
    from compare.dedup.index.base import default_index_spec
    from compare.dedup.stream import ingest as run_ingest
    from compare.render.dedup import render_ingest_line, render_ingest_summary

    problems = InputProblems()
    spec = index_spec if index_spec is not None else default_index_spec()
    counts: dict[str, int] = {}
    try:
        stream = output.open("w", encoding="utf-8") if output else None
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None
    show_progress = progress_enabled() and (stream is not None or not sys.stdout.isatty())
    try:
        with open_index(
            spec,
            settings=_settings(shingle_size, num_perm),
            threshold=threshold,
            lock_timeout=lock_timeout,
        ) as index:
            articles = load_articles(paths, max_article_mb, problems)
            for result in run_ingest(
                articles,
                index,
                threshold=threshold,
                containment_threshold=containment,
                batch_size=batch_size,
                workers=workers,
                max_wait=max_wait if max_wait is not None else (STDIN_MAX_WAIT if "-" in paths else None),
            ):
                counts[result.status] = counts.get(result.status, 0) + 1
                click.echo(render_ingest_line(result, fmt), file=stream)
                if show_progress and sum(counts.values()) % batch_size == 0:
                    click.echo(f"\r{render_ingest_summary(counts)}", nl=False, err=True)
    except BrokenPipeError:
        _stdout_closed()
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None
    finally:
        if stream is not None:
            try:
                stream.close()
            except OSError as error:  # the last lines are flushed here (/proc/version: EIO)
                raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None
    if show_progress:
        click.echo("\r" + render_ingest_summary(counts), err=True)
    problems.exit_if_any()


@main.group("index")
def index_group() -> None:
    """Inspect and edit the persistent index (stats, remove ID, export)."""


def _open_existing(index_spec: str | None, *, read_only: bool = True) -> Any:
    from compare.dedup.index import open_index

    spec = index_spec if index_spec is not None else _default_spec()
    if spec and "://" not in spec and spec != "memory" and not Path(spec).is_file():
        raise click.ClickException(
            f"{spec}: no index there; build one with: article-compare ingest PATH... --index {spec}"
        )
    return open_index(spec, create=False, read_only=read_only)


def _default_spec() -> str:
    from compare.dedup.index.base import default_index_spec

    return default_index_spec()


@index_group.command("stats")
@_index_option
@output_option(("text", "json"), "text")
def index_stats(index_spec: str | None, fmt: str, output: Path | None) -> None:
    """Number of articles, fingerprint settings and LSH parameters."""
    from compare.render.dedup import render_index_stats

    with _open_existing(index_spec) as index:
        stats = index.stats()
    emit(render_index_stats(stats, fmt), output)


@index_group.command("remove")
@click.argument("article_id", metavar="ID")
@_index_option
def index_remove(article_id: str, index_spec: str | None) -> None:
    """Delete one article (its signature, shingles, metadata and LSH entries)."""
    from compare.render.escape import terminal_text

    with _open_existing(index_spec, read_only=False) as index:
        index.remove(article_id)
    click.echo(f"removed {terminal_text(article_id)}")


@index_group.command("export")
@_index_option
@click.option(
    "--output",
    "-o",
    type=OutputPath(),
    help="Write to this file instead of standard output.",
)
def index_export(index_spec: str | None, output: Path | None) -> None:
    """Metadata of every indexed article as JSON lines."""
    from compare.render.dedup import render_export

    try:
        with _open_existing(index_spec) as index:
            if output is None:
                for line in render_export(index.export()):
                    click.echo(line, nl=False)
            else:
                with output.open("w", encoding="utf-8") as stream:
                    stream.writelines(render_export(index.export()))
    except BrokenPipeError:
        _stdout_closed()
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None


def _stdout_closed() -> None:
    """The reader of standard output went away (``| head``): stop quietly, as cat does."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so that the exit-time flush does not fail again
    raise click.exceptions.Exit(141)


@main.command()
@click.argument("article_a", metavar="A")
@click.argument("article_b", metavar="B")
@output_option(("text", "markdown", "json"), "text")
@click.option(
    "--explain", is_flag=True, help="say why each pair of sentences was matched (text; JSON always has it)"
)
@input_options
@_max_sentences_option
def pair(
    article_a: str,
    article_b: str,
    fmt: str,
    output: Path | None,
    max_article_mb: float,
    max_sentences: int,
    explain: bool,
) -> None:
    """Compare two articles: verdict, shared claims and quotes, divergences.

    A and B are files (.txt, .html, .json, .jsonl: the first article) or - for
    standard input. Colour is used only when writing to a terminal.
    """
    _one_blas_thread()
    from compare.pair.compare import compare_articles

    for name, path in (("A", article_a), ("B", article_b)):
        if path != "-" and Path(path).is_dir():
            raise click.BadParameter(
                f"{path} is a directory; pair compares two articles", param_hint=name
            )
    problems = InputProblems()
    loaded = []
    for path in (article_a, article_b):
        article = next(iter(load_articles((path,), max_article_mb, problems)), None)
        if article is not None:
            loaded.append(article)
    problems.exit_if_any()
    if len(loaded) != 2:
        raise click.ClickException("need two articles to compare")
    comparison = compare_articles(loaded[0], loaded[1], max_sentences=max_sentences)
    if fmt == "json":
        from compare.render.pair_json import render_pair_json

        text = render_pair_json(comparison)
    elif fmt == "markdown":
        from compare.render.pair_markdown import render_pair_markdown

        text = render_pair_markdown(comparison)
    else:
        from compare.render.pair_text import render_pair_text

        text = render_pair_text(comparison, color=output is None and sys.stdout.isatty(), explain=explain)
    emit(text, output)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--index",
    "index_spec",
    metavar="SPEC",
    callback=_index_spec,
    help="Also list, per article, near-duplicates already in this index (SQLite path or redis://host:port/db). "
    "The index is only read.",
)
@output_option(("markdown", "json", "html"), "markdown")
@input_options
@_max_sentences_option
def report(
    paths: tuple[str, ...],
    index_spec: str | None,
    fmt: str,
    output: Path | None,
    max_article_mb: float,
    max_sentences: int,
) -> None:
    """Overlap report over many articles: stories, agreements, divergences, quotes.

    With --output FILE.md, a similarity heatmap FILE.svg is written beside the
    report and linked from it; --format html is one self-contained page.
    """
    from compare.report.build import build_report

    problems = InputProblems()
    articles = list(load_articles(paths, max_article_mb, problems))
    if not articles:
        problems.exit_if_any()
        raise click.ClickException("no articles to report on")
    if progress_enabled():
        with click.progressbar(length=len(articles), label="report", file=sys.stderr) as bar:

            def advance(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            result = build_report(articles, progress=advance, max_sentences=max_sentences, on_error=problems)
    else:
        result = build_report(articles, max_sentences=max_sentences, on_error=problems)
    known = _index_matches(index_spec, articles) if index_spec else None
    if not result.articles:  # every article was over the work limit
        raise click.ClickException("no articles to report on")
    emit(_render_report(result, fmt, output, known), output)
    problems.exit_if_any()


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--speaker",
    metavar="NAME",
    default=None,
    help="Only this person's statements, named in any form (Peskov, Dmitry Peskov, Kremlin spokesman Dmitry Peskov).",
)
@output_option(("text", "markdown", "json", "csv"), "text")
@_max_sentences_option
@input_options
def quotes(
    paths: tuple[str, ...],
    speaker: str | None,
    fmt: str,
    output: Path | None,
    max_sentences: int,
    max_article_mb: float,
) -> None:
    """Trace statements across articles: speaker, cue, first appearance, who carried it.

    The same statement in several articles is grouped (exact, truncated,
    extended or reworded, with a word diff from one appearance to the next), in
    publication order; scare quotes are left out.
    """
    from compare.render.quotes import render_quotes
    from compare.report.trace import trace_quotes

    if speaker is not None and not speaker.strip():
        raise click.BadParameter("give a name, e.g. --speaker Peskov", param_hint="--speaker")
    problems = InputProblems()
    articles = list(load_articles(paths, max_article_mb, problems))
    if not articles:
        problems.exit_if_any()
        raise click.ClickException("no articles to read quotes from")
    try:
        trace = trace_quotes(articles, speaker=speaker, max_sentences=max_sentences, on_error=problems)
    except ValueError as error:  # library errors go on to the one error boundary
        raise click.ClickException(str(error)) from None
    emit(render_quotes(trace, fmt), output)
    problems.exit_if_any()


def _render_report(result: Any, fmt: str, output: Path | None, known: dict[str, Any] | None) -> str:
    import json

    if fmt == "json":
        data = result.to_dict()
        if known is not None:
            data["index_matches"] = known
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        from compare.render.report_html import render_report_html

        return render_report_html(result, index_matches=known)
    from compare.render.report_markdown import render_index_matches, render_report_markdown

    heatmap = None
    # Beside a report file only: -o /dev/null or /dev/stdout must not create /dev/null.svg.
    if output is not None and len(result.articles) > 1 and (output.is_file() or not output.exists()):
        from compare.render.report_svg import render_report_svg

        svg_path = output.with_suffix(".svg")
        try:
            svg_path.write_text(render_report_svg(result), encoding="utf-8")
        except OSError as error:
            raise click.ClickException(
                f"cannot write {svg_path}: {error.strerror or error}"
            ) from None
        heatmap = svg_path.name
    text = render_report_markdown(result, heatmap=heatmap)
    if known is not None:
        text += render_index_matches(known)
    return text


def _index_matches(spec: str, articles: list[Any]) -> dict[str, Any]:
    from compare.report.known import index_matches

    return index_matches(spec, articles)
