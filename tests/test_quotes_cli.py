"""The ``quotes`` command and ``trace_quotes``: statements traced across articles, formats, bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.article import Article
from compare.cli import main
from compare.report.trace import trace_quotes

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "fixtures" / "seeds"
VARIANTS = REPO / "fixtures" / "variants"

WIRE = Article(
    "wire",
    "The Kremlin said on Tuesday that arms supplies would not ease tensions.\n\n"
    '"This all leads to further escalation, and we will respond," Kremlin spokesman Dmitry Peskov told reporters.\n\n'
    'The so-called "red lines" were not named.',
    source="Wire",
    published="2022-04-01",
)
PAPER = Article(
    "paper",
    'Moscow warned again.\n\n"This all leads to escalation," Peskov said.\n\n'
    'Sergei Lavrov said: "We have no plans to attack anyone."',
    source="Paper",
    published="2022-04-02",
)
BLOG = Article(
    "blog",
    'Mr. Peskov was blunt. He said: "This all leads to further escalation."',
    source="Blog",
    published="2022-04-03",
)


def test_one_statement_traced_through_three_outlets_in_date_order() -> None:
    trace = trace_quotes([BLOG, PAPER, WIRE])
    first = trace.statements[0]
    assert first.speaker == "Dmitry Peskov"
    assert first.articles == ("wire", "paper", "blog")
    assert first.sources == ("Wire", "Paper", "Blog")
    assert [a.relation for a in first.appearances] == ["first", "reworded", "reworded"]
    assert first.first.cue == "told" and first.first.kind == "full"
    diff = first.appearances[1].diff
    assert any(op.tag == "delete" and "further" in op.a_words for op in diff)
    assert [s.speaker for s in trace.statements[1:]] == [
        "Sergei Lavrov"
    ]  # the scare quote is left out


def test_truncated_and_exact() -> None:
    long = Article(
        "a",
        '"We will not allow anyone to threaten our security in any way," Peskov said.',
        published="1",
    )
    short = Article(
        "b",
        'Dmitry Peskov said: "We will not allow anyone to threaten our security."',
        published="2",
    )
    same = Article(
        "c", '"We will not allow anyone to threaten our security," Peskov added.', published="3"
    )
    (statement,) = trace_quotes([long, short, same]).statements
    assert [a.relation for a in statement.appearances] == ["first", "truncated", "exact"]
    assert statement.speaker == "Dmitry Peskov"


def test_speaker_filter_takes_any_form_of_the_name() -> None:
    for name in ("Peskov", "Dmitry Peskov", "Kremlin spokesman Dmitry Peskov"):
        trace = trace_quotes([WIRE, PAPER, BLOG], speaker=name)
        assert [s.speaker for s in trace.statements] == ["Dmitry Peskov"]
    assert trace_quotes([WIRE, PAPER], speaker="Lavrov").statements[0].speaker == "Sergei Lavrov"
    with pytest.raises(ValueError, match="name someone"):
        trace_quotes([WIRE], speaker="  ")
    with pytest.raises(ValueError, match=r"0\.6 is the default"):
        trace_quotes([WIRE], reworded_similarity=0)


def test_records_have_spans_into_each_article() -> None:
    for statement in trace_quotes([WIRE, PAPER, BLOG]).statements:
        for appearance in statement.appearances:
            quote = appearance.quote
            text = {"wire": WIRE, "paper": PAPER, "blog": BLOG}[quote.article].text
            assert text[quote.start : quote.end] == quote.text


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["quotes", *args], input=input)


def test_cli_seeds_and_variants_group_the_peskov_statements() -> None:
    result = run(str(SEEDS), str(VARIANTS), "--speaker", "Peskov")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("12 statements by Peskov in 11 articles; 12 carried")
    assert "1. Dmitry Peskov (3 articles)" in lines
    assert "     exact, full, told" in lines
    assert "A MORE DANGEROUS EUROPE" not in result.output  # a subheading, not a statement


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "csv"])
def test_cli_formats(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"quotes.{fmt}"
    result = run(str(SEEDS), "-f", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    content = out.read_text(encoding="utf-8")
    if fmt == "json":
        data = json.loads(content)
        assert data["articles"] == 5
        assert {a["kind"] for s in data["statements"] for a in s["appearances"]} <= {
            "full",
            "partial",
        }
        assert all(
            a["span"][0] < a["span"][1] for s in data["statements"] for a in s["appearances"]
        )
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(content)))
        assert rows and rows[0]["relation"] == "first"
        assert {r["speaker"] for r in rows} >= {"Dmitry Peskov", "Sergei Lavrov", "Maria Zakharova"}
    elif fmt == "markdown":
        assert content.startswith("# Statements\n")
        assert "| # | published | source | article | how | wording change |" in content
    else:
        assert content.startswith("29 statements in 5 articles; 0 carried")


def test_cli_stdin_json_lines() -> None:
    lines = "\n".join(
        json.dumps({"id": a.id, "text": a.text, "source": a.source, "published": a.published})
        for a in (PAPER, WIRE)
    )
    result = run("-", "--speaker", "Peskov", "-f", "json", input=lines + "\n")
    assert result.exit_code == 0, result.output
    (statement,) = json.loads(result.output)["statements"]
    assert statement["first"] == "wire" and statement["articles"] == ["wire", "paper"]


def test_cli_bad_input_is_one_line_and_exit_1_with_the_rest_processed(tmp_path: Path) -> None:
    result = run(str(tmp_path / "missing.txt"), str(SEEDS / "000_e6f0c9be4bb1d9ca.txt"))
    assert result.exit_code == 1
    assert "error: " in result.output and "missing.txt" in result.output
    assert "Traceback" not in result.output
    assert "statements in 1 article" in result.output


def test_cli_nothing_to_read(tmp_path: Path) -> None:
    result = run(str(tmp_path))
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and "Traceback" not in result.output


def test_cli_usage_errors_exit_2() -> None:
    assert run(str(SEEDS), "--speaker", " ").exit_code == 2
    assert run(str(SEEDS), "-f", "html").exit_code == 2
    assert run().exit_code == 2


def test_cli_an_article_past_the_work_limit_is_one_line_and_the_rest_is_traced(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_text("Title\n\n" + "".join(f'"Line {k}," he said.\n' for k in range(50)), encoding="utf-8")
    result = run(str(huge), str(SEEDS / "000_e6f0c9be4bb1d9ca.txt"), "--max-sentences", "20")
    assert result.exit_code == 1
    assert "huge.txt" in result.output and "Traceback" not in result.output
    assert "statements in 1 article" in result.output


def test_trace_raises_past_the_work_limit_without_on_error() -> None:
    from compare.errors import ArticleTooLongError

    long = Article("long", "Title\n\n" + '"Yes," he said.\n' * 50)
    with pytest.raises(ArticleTooLongError):
        trace_quotes([long], max_sentences=20)
    seen = []
    assert trace_quotes([long, PAPER], max_sentences=20, on_error=seen.append).articles == 1
    assert len(seen) == 1
