"""Values from input never leave their place in the output (issue 8, item 5).

Each test reproduces one injection found by hand: HTML and links through the
Markdown report (rendered here as a Markdown viewer that allows HTML would),
a code fence out of the Mermaid block, terminal escape sequences and a
forged output line through the text formats, a formula through CSV.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.render.escape import (
    csv_cell,
    markdown_cell,
    markdown_code,
    markdown_text,
    mermaid_label,
    terminal_text,
)

REPO = Path(__file__).resolve().parents[1]
SEED = (REPO / "fixtures/seeds/000_e6f0c9be4bb1d9ca.txt").read_text(encoding="utf-8")
OTHER = (REPO / "fixtures/seeds/003_625db1e6dcb7c4b7.txt").read_text(encoding="utf-8")

EVIL_ID = "evil\n<img src=x onerror=alert(1)>`|\n| forged | row |"
EVIL_TITLE = "[click me](https://evil.example/) <script>alert(2)</script> ![i](https://evil.example/i.png)"
EVIL_SOURCE = 'Evil"]\n```\ngraph TD\n  X-->Y\n```\n<img src=x onerror=alert(3)>'
EVIL_DATE = "<img src=x onerror=alert(4)>"
TERMINAL_TITLE = "Clean title\x1b[2J\x1b]0;pwned\x07\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\\x9b31m"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def hostile_feed(tmp_path: Path) -> Path:
    """A clean seed and a hostile copy of it (so that it lands in every table), plus one more seed."""
    records = [
        {"id": "clean", "text": SEED, "source": "Moscow Times", "published": "2022-04-20"},
        {"id": EVIL_ID, "text": SEED, "title": EVIL_TITLE, "source": EVIL_SOURCE, "published": EVIL_DATE},
        {"id": "other", "text": OTHER, "source": "Other", "published": "2022-01-20"},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _render_markdown(text: str) -> str:
    from markdown_it import MarkdownIt

    # A viewer that passes raw HTML through: the case where an injected tag would run.
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def _assert_inert(html: str) -> None:
    images = re.findall(r"<img[^>]*>", html)
    assert all(re.fullmatch(r'<img src="report\.svg" alt="[^"]*" />', image) for image in images), images
    assert "<script" not in html
    # The only links are the report's own: heading anchors and the heatmap image.
    links = re.findall(r'<a href="([^"]*)"', html)
    assert all(link.startswith("#") for link in links), links
    assert "evil.example" not in "".join(re.findall(r'(?:href|src)="([^"]*)"', html))


def test_markdown_report_keeps_html_links_and_ids_inert(hostile_feed, tmp_path):
    out = tmp_path / "report.md"
    result = run("report", hostile_feed, "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    html = _render_markdown(text)
    _assert_inert(html)
    # The hostile id stays in its cell: no forged row, its newline shown as "\n".
    assert "<td>forged</td>" not in html and "<td>row</td>" not in html
    assert "evil\\n" in text


def test_markdown_report_mermaid_block_survives_a_source_with_a_code_fence(hostile_feed, tmp_path):
    out = tmp_path / "report.md"
    assert run("report", hostile_feed, "-o", out).exit_code == 0
    lines = out.read_text(encoding="utf-8").split("\n")
    start = lines.index("```mermaid")
    end = lines.index("```", start + 1)
    block = lines[start + 1 : end]
    assert block[0] == "graph LR"
    # Every line of the graph is one of the renderer's own statements.
    statement = re.compile(r'^\s*(subgraph S\d+\["Story \d+"\]|end|A\d+\["[^"\n]*"\]|A\d+ [=.-]+\|"[^"]*"\| A\d+|S\d+ -\.-\|"[^"]*"\| S\d+)$')
    assert [line for line in block[1:] if not statement.match(line)] == []
    assert any("Evil#quot;] ```" in line or "Evil#quot;]" in line for line in block)
    # Rendered, the report holds exactly one code block: the graph.
    assert _render_markdown("\n".join(lines)).count("<pre>") == 1


def test_pair_markdown_escapes_every_field(hostile_feed, tmp_path):
    a = tmp_path / "a.json"
    a.write_text(json.dumps({"id": EVIL_ID, "text": SEED, "title": EVIL_TITLE, "source": EVIL_SOURCE}), encoding="utf-8")
    result = run("pair", a, REPO / "fixtures/seeds/000_e6f0c9be4bb1d9ca.txt", "-f", "markdown")
    assert result.exit_code == 0, result.output
    _assert_inert(_render_markdown(result.stdout))


def test_pair_text_sends_no_escape_sequence_to_the_terminal(tmp_path):
    a = tmp_path / "a.json"
    a.write_text(
        json.dumps({"id": "id\x1b[2J", "text": SEED, "title": TERMINAL_TITLE, "source": "src\x1b]0;x\x07"}),
        encoding="utf-8",
    )
    result = run("pair", a, REPO / "fixtures/seeds/003_625db1e6dcb7c4b7.txt")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\x9b" not in result.stdout
    assert "Clean title\\x1b[2J" in result.stdout


def test_pair_text_with_colour_emits_only_its_own_colour_codes(tmp_path):
    from compare.article import Article
    from compare.pair.compare import compare_articles
    from compare.render.pair_text import render_pair_text

    a = Article(id="a\x1b]8;;x\x1b\\", text=SEED, title=TERMINAL_TITLE)
    text = render_pair_text(compare_articles(a, Article(id="b", text=OTHER)), color=True)
    assert set(re.findall(r"\x1b[^m]*m", text)) <= {"\x1b[1m", "\x1b[0m", "\x1b[1;36m", "\x1b[31m", "\x1b[32m", "\x1b[33m"}
    assert "\x1b]" not in text and "\x07" not in text


@pytest.mark.parametrize("command", ["dedup", "ingest"])
def test_an_id_with_a_newline_cannot_forge_an_output_line(tmp_path, command):
    forged = "x\nduplicate  victim  matches attacker (jaccard 1.000, containment 1.000)"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"id": "victim", "text": SEED}) + "\n" + json.dumps({"id": forged, "text": OTHER}) + "\n",
        encoding="utf-8",
    )
    extra = ["--index", tmp_path / "i.sqlite"] if command == "ingest" else []
    result = run(command, feed, "--workers", "0", *extra)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert not any(line.startswith("duplicate  victim") for line in lines)
    assert any("x\\nduplicate  victim" in line for line in lines) or command == "dedup"
    if command == "ingest":
        assert len(lines) == 2


def test_dedup_csv_cells_never_start_a_formula(tmp_path):
    feed = tmp_path / "feed.jsonl"
    rows = [("=cmd|' /C calc'!A0", SEED), ("+SUM(1)", SEED), ("@x", SEED), ("-2+3", SEED)]
    feed.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows), encoding="utf-8")
    result = run("dedup", feed, "-f", "csv", "--workers", "0")
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    cells = [cell for row in table[1:] for cell in row[:2]]
    assert cells and all(cell.startswith("'") for cell in cells), cells


def test_input_error_messages_show_control_characters(tmp_path):
    bad = tmp_path / "bad\x1b]0;pwned\x07.json"
    bad.write_text("{", encoding="utf-8")
    result = run("dedup", bad, "--workers", "0")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\\x1b]0;pwned\\x07" in result.stderr


# ---------------------------------------------------------------- the functions themselves


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("a\nb", "a\\nb"),
        ("\x1b[2J", "\\x1b[2J"),
        ("\x9b31m", "\\x9b31m"),
        ("right\u202eleft", "right\\u202eleft"),
        ("Zakharova’s “words” — ok", "Zakharova’s “words” — ok"),
    ],
)
def test_terminal_text(value, expected):
    assert terminal_text(value) == expected


def test_markdown_functions_keep_text_readable():
    assert markdown_text("Peskov [the weapons] `x` a<b & c") == "Peskov \\[the weapons\\] 'x' a&lt;b &amp; c"
    assert markdown_cell("a | b") == "a \\| b"
    assert markdown_code("id`with``ticks|", table=True) == "```id`with``ticks\\|```"
    assert markdown_code("`edge") == "`` `edge ``"
    assert markdown_code("fixtures/seeds/000.txt") == "`fixtures/seeds/000.txt`"


def test_mermaid_label_and_csv_cell():
    assert mermaid_label('a "b" <c> #d\n```') == "a #quot;b#quot; #lt;c#gt; #35;d #96;#96;#96;"
    assert csv_cell("-3") == "'-3" and csv_cell("ok") == "ok" and csv_cell("") == ""


def test_command_errors_show_control_characters(tmp_path):
    empty = tmp_path / "e.json"
    empty.write_text(json.dumps({"id": "x\x1b]0;pwned\x07", "text": "Read more"}), encoding="utf-8")
    result = run("pair", empty, REPO / "fixtures/seeds/000_e6f0c9be4bb1d9ca.txt")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "x\\x1b]0;pwned\\x07" in result.stderr
    result = run("dedup", REPO / "fixtures/seeds", "-o", tmp_path / "no\x1b[2J" / "out.txt")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "no\\x1b[2J" in result.stderr
