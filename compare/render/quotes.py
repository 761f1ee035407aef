"""Render a ``QuoteTrace`` (the ``quotes`` command) as text, Markdown, JSON or CSV: pure functions.

Every value that comes from input (ids, sources, dates, speakers, quoted words, diffs) goes
through the escaping function of its format (``compare.render.escape``).
"""

from __future__ import annotations

import csv
import io
import json
import textwrap

from compare.pair.model import render_diff
from compare.render.escape import (
    csv_cell,
    markdown_cell,
    markdown_code,
    markdown_text,
    one_line,
    terminal_text,
)
from compare.report.trace import Appearance, QuoteTrace, Statement


def render_quotes(trace: QuoteTrace, fmt: str) -> str:
    """The one dispatch point of the ``quotes`` command: ``fmt`` is text, markdown, json or csv."""
    if fmt == "json":
        return json.dumps(trace.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render_quotes_csv(trace)
    if fmt == "markdown":
        return render_quotes_markdown(trace)
    if fmt == "text":
        return render_quotes_text(trace)
    raise ValueError(f"unknown format {fmt!r}: use text, markdown, json or csv")


def _summary(trace: QuoteTrace, escape) -> str:
    carried = sum(1 for s in trace.statements if len(s.articles) > 1)
    articles = f"{trace.articles} article" + ("s" if trace.articles != 1 else "")
    statements = f"{len(trace.statements)} statement" + ("s" if len(trace.statements) != 1 else "")
    who = f" by {escape(trace.speaker_filter)}" if trace.speaker_filter else ""
    return f"{statements}{who} in {articles}; {carried} carried by two or more articles"


def _speaker(statement: Statement) -> str:
    return statement.speaker or "(unattributed)"


def _carried(statement: Statement) -> str:
    count = len(statement.articles)
    text = f"{count} article" + ("s" if count != 1 else "")
    if statement.sources:
        text += ": " + ", ".join(statement.sources)
    return text


def _how(appearance: Appearance) -> str:
    quote = appearance.quote
    return f"{appearance.relation}, {quote.kind}, {quote.cue or 'no cue'}"


def render_quotes_text(trace: QuoteTrace, *, width: int = 80) -> str:
    """Plain text for a terminal, 80 columns: one numbered block per statement."""

    def safe(value: str) -> str:
        return terminal_text(one_line(value))

    lines = [_summary(trace, safe)]
    for number, statement in enumerate(trace.statements, 1):
        lines.append("")
        lines.append(f"{number}. {safe(_speaker(statement))} ({safe(_carried(statement))})")
        lines += textwrap.wrap(f'"{safe(statement.text)}"', width, initial_indent="   ", subsequent_indent="    ")
        for appearance in statement.appearances:
            quote = appearance.quote
            where = [quote.published or "undated", quote.source or "no source", quote.article]
            lines.append("   - " + "  ".join(safe(part) for part in where))
            lines.append(f"     {safe(_how(appearance))}")
            if appearance.diff:
                lines += textwrap.wrap(
                    safe(render_diff(appearance.diff)), width, initial_indent="     diff: ", subsequent_indent="           "
                )
    return "\n".join(lines) + "\n"


def render_quotes_markdown(trace: QuoteTrace) -> str:
    """A section per statement: the words as a quote block and a table of its appearances."""
    lines = ["# Statements", "", _summary(trace, markdown_text) + "."]
    for number, statement in enumerate(trace.statements, 1):
        title = f"{markdown_text(_speaker(statement))} ({markdown_text(_carried(statement))})"
        lines += ["", f"## {number}. {title}", "", f"> {markdown_text(statement.text)}", ""]
        lines += ["| # | published | source | article | how | wording change |", "|---|---|---|---|---|---|"]
        for k, appearance in enumerate(statement.appearances, 1):
            quote = appearance.quote
            change = (
                render_diff(
                    appearance.diff,
                    equal=markdown_cell,
                    removed=lambda w: f"~~{markdown_cell(w)}~~",
                    added=lambda w: f"**{markdown_cell(w)}**",
                )
                if appearance.diff
                else ""
            )
            lines.append(
                f"| {k} | {markdown_cell(quote.published or 'undated')} | {markdown_cell(quote.source or '')} "
                f"| {markdown_code(quote.article, table=True)} | {markdown_cell(_how(appearance))} | {change} |"
            )
    return "\n".join(lines) + "\n"


CSV_COLUMNS = (
    "statement", "speaker", "relation", "similarity", "article", "source", "published", "cue", "kind",
    "text", "start", "end", "diff",
)  # fmt: skip


def render_quotes_csv(trace: QuoteTrace) -> str:
    """One row per appearance; ``statement`` numbers the statement as in the text output."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for number, statement in enumerate(trace.statements, 1):
        for appearance in statement.appearances:
            quote = appearance.quote
            writer.writerow(
                (
                    number,
                    csv_cell(statement.speaker or ""),
                    appearance.relation,
                    f"{appearance.similarity:.4f}",
                    csv_cell(quote.article),
                    csv_cell(quote.source or ""),
                    csv_cell(quote.published or ""),
                    csv_cell(quote.cue or ""),
                    quote.kind,
                    csv_cell(quote.text),
                    quote.start,
                    quote.end,
                    csv_cell(render_diff(appearance.diff)) if appearance.diff else "",
                )
            )
    return buffer.getvalue()
