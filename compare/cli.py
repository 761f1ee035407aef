"""Command line: parse options, call one library function, render, print.

Library modules are imported inside the commands so that ``--help`` and the
commands that do not need datasketch (0.5 s to import) start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from compare.articles import Article
    from compare.errors import InputError

F = TypeVar("F", bound=Callable[..., Any])


class InputProblems:
    """Collects per-file and per-line input errors: each is printed as one line
    on standard error as it happens, loading goes on, and the command exits 1
    at the end when there were any."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, error: InputError) -> None:
        self.count += 1
        click.echo(f"error: {error}", err=True)

    def exit_if_any(self) -> None:
        if self.count:
            raise click.exceptions.Exit(1)


def output_option(formats: tuple[str, ...], default: str) -> Callable[[F], F]:
    """``--format`` and ``--output``, the same on every command."""

    def decorate(function: F) -> F:
        function = click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False, writable=True, path_type=Path),
            help="Write to this file instead of standard output.",
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


input_options = click.option(
    "--max-article-mb",
    type=click.FloatRange(min=0.001),
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


def load_articles(paths: tuple[str, ...], max_article_mb: float, problems: InputProblems) -> Iterator[Article]:
    from compare.articles import iter_articles

    return iter_articles(
        paths,
        max_article_bytes=int(max_article_mb * 1024 * 1024),
        on_error=problems,
    )


def progress_enabled() -> bool:
    """A progress bar only when a person is watching standard error."""
    return sys.stderr.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="article-compare")
def main() -> None:
    """Flag near-duplicate news ingests, compare two articles, report overlap.

    Inputs: .txt (any common encoding), .html/.htm, .json, .jsonl files,
    directories (searched recursively) and - for standard input.
    """


@main.command()
@click.argument("article_a", metavar="A")
@click.argument("article_b", metavar="B")
@output_option(("text", "markdown", "json"), "text")
@input_options
def pair(article_a: str, article_b: str, fmt: str, output: Path | None, max_article_mb: float) -> None:
    """Compare two articles: verdict, shared claims and quotes, divergences.

    A and B are files (.txt, .html, .json, .jsonl: the first article) or - for
    standard input. Colour is used only when writing to a terminal.
    """
    from compare.align import compare_articles
    from compare.errors import ArticleCompareError

    problems = InputProblems()
    loaded = []
    for path in (article_a, article_b):
        article = next(iter(load_articles((path,), max_article_mb, problems)), None)
        if article is not None:
            loaded.append(article)
    problems.exit_if_any()
    if len(loaded) != 2:
        raise click.ClickException("need two articles to compare")
    try:
        comparison = compare_articles(loaded[0], loaded[1])
    except ArticleCompareError as error:
        raise click.ClickException(str(error)) from None
    if fmt == "json":
        from compare.render.pair_json import render_pair_json

        text = render_pair_json(comparison)
    elif fmt == "markdown":
        from compare.render.pair_markdown import render_pair_markdown

        text = render_pair_markdown(comparison)
    else:
        from compare.render.pair_text import render_pair_text

        text = render_pair_text(comparison, color=output is None and sys.stdout.isatty())
    emit(text, output)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--index",
    "index_spec",
    metavar="SPEC",
    help="Also list, per article, near-duplicates already in this index (SQLite path or redis://host:port/db). "
    "The index is only read.",
)
@output_option(("markdown", "json"), "markdown")
@input_options
def report(paths: tuple[str, ...], index_spec: str | None, fmt: str, output: Path | None, max_article_mb: float) -> None:
    """Overlap report over many articles: stories, agreements, divergences, quotes.

    With --output FILE.md, a similarity heatmap FILE.svg is written beside the
    report and linked from it.
    """
    from compare.errors import ArticleCompareError
    from compare.report import build_report

    problems = InputProblems()
    articles = list(load_articles(paths, max_article_mb, problems))
    if not articles:
        problems.exit_if_any()
        raise click.ClickException("no articles to report on")
    try:
        if progress_enabled():
            with click.progressbar(length=len(articles), label="report", file=sys.stderr) as bar:

                def advance(done: int, total: int) -> None:
                    bar.length = total
                    bar.update(done - bar.pos)

                result = build_report(articles, progress=advance)
        else:
            result = build_report(articles)
        known = _index_matches(index_spec, articles) if index_spec else None
    except ArticleCompareError as error:
        raise click.ClickException(str(error)) from None
    emit(_render_report(result, fmt, output, known), output)
    problems.exit_if_any()


def _render_report(result: Any, fmt: str, output: Path | None, known: dict[str, Any] | None) -> str:
    import json

    if fmt == "json":
        data = result.to_dict()
        if known is not None:
            data["index_matches"] = known
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    from compare.render.report_markdown import render_index_matches, render_report_markdown

    heatmap = None
    if output is not None and len(result.articles) > 1:
        from compare.render.report_svg import render_report_svg

        svg_path = output.with_suffix(".svg")
        try:
            svg_path.write_text(render_report_svg(result), encoding="utf-8")
        except OSError as error:
            raise click.ClickException(f"cannot write {svg_path}: {error.strerror or error}") from None
        heatmap = svg_path.name
    text = render_report_markdown(result, heatmap=heatmap)
    if known is not None:
        text += render_index_matches(known)
    return text


def _index_matches(spec: str, articles: list[Any]) -> dict[str, Any]:
    from compare.report_index import index_matches

    return index_matches(spec, articles)
