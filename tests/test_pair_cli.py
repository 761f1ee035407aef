"""The ``pair`` command through CliRunner: exact text output, formats, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.cli import main

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "fixtures" / "seeds"

A_TEXT = """Kremlin Warns West Over Arms

The Kremlin said on Tuesday that Western arms supplies to Kiev would not ease tensions.

"This all leads to further escalation," Kremlin spokesman Dmitry Peskov told reporters.

Washington has authorized an additional $200 million in security aid to Ukraine.

AFP contributed reporting.
"""
B_TEXT = """Russia Says Weapons Deliveries Escalate Tensions

The Kremlin said on Tuesday that Western arms supplies to Kyiv would not ease tensions.

"This all leads to escalation," Peskov said.

Washington has authorized an additional 200 million dollars in security aid to Ukraine.
"""

EXPECTED_TEXT = """\
A: Kremlin Warns West Over Arms [a.txt]
B: Russia Says Weapons Deliveries Escalate Tensions [b.txt]

Verdict: same story
  Jaccard 0.473, A in B 0.591, B in A 0.703; 3 aligned of 5 / 4 sentences

Agreements (3)
  A1 ~ B1  near-identical (1.00)
    A: The Kremlin said on Tuesday that Western arms supplies to Kiev would not
       ease tensions.
    B: The Kremlin said on Tuesday that Western arms supplies to Kyiv would not
       ease tensions.
    diff: The Kremlin said on Tuesday that Western arms supplies to [-Kiev-]
    {+Kyiv+} would not ease tensions.
  A2 ~ B2  paraphrase (0.62)
    A: "This all leads to further escalation," Kremlin spokesman Dmitry Peskov
       told reporters.
    B: "This all leads to escalation," Peskov said.
    diff: "This all leads to [-further-] escalation," [-Kremlin spokesman
    Dmitry-] Peskov [-told reporters.-] {+said.+}
  A3 ~ B3  near-identical (1.00)
    A: Washington has authorized an additional $200 million in security aid to
       Ukraine.
    B: Washington has authorized an additional 200 million dollars in security
       aid to Ukraine.
    diff: Washington has authorized an additional [-$200-] {+200+} million
    {+dollars+} in security aid to Ukraine.

Shared quotes (1)
  Dmitry Peskov: reworded
    A: "This all leads to further escalation"
    B: "This all leads to escalation"
    diff: This all leads to [-further-] escalation

Divergences
  framing: told vs said
    A: "This all leads to further escalation," Kremlin spokesman Dmitry Peskov
       told reporters.
    B: "This all leads to escalation," Peskov said.

One-sided content (substantive first)
  Only in A (0):
  Only in B (0):
"""


@pytest.fixture
def runner_in_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(A_TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(B_TEXT, encoding="utf-8")
    return CliRunner()


def test_text_output_exact(runner_in_dir: CliRunner) -> None:
    result = runner_in_dir.invoke(main, ["pair", "a.txt", "b.txt"])
    assert result.exit_code == 0, result.output
    assert result.output == EXPECTED_TEXT
    assert "\x1b[" not in result.output  # no colour when not a terminal


def test_text_lines_fit_80_columns_on_seeds() -> None:
    result = CliRunner().invoke(main, ["pair", str(SEEDS / "000_e6f0c9be4bb1d9ca.txt"), str(SEEDS / "004_df846c121b610a3c.txt")])
    assert result.exit_code == 0, result.output
    too_long = [line for line in result.output.splitlines() if len(line) > 80 and " " in line.strip()]
    assert too_long == []


def test_colour_only_when_asked_by_the_renderer() -> None:
    from compare.pair.compare import compare_articles
    from compare.render.pair_text import render_pair_text

    comparison = compare_articles(A_TEXT, B_TEXT)
    coloured = render_pair_text(comparison, color=True)
    assert "\x1b[1mVerdict: same story\x1b[0m" in coloured
    assert "\x1b[31m[-further-]\x1b[0m" in coloured
    assert "\x1b[" not in render_pair_text(comparison, color=False)


def test_json_output_is_the_contract(runner_in_dir: CliRunner) -> None:
    result = runner_in_dir.invoke(main, ["pair", "a.txt", "b.txt", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["a"] == {"id": "a.txt", "title": "Kremlin Warns West Over Arms", "source": None}
    assert data["verdict"] == "same story"
    assert [(x["a_index"], x["b_index"], x["kind"]) for x in data["alignments"]] == [
        (1, 1, "near-identical"),
        (2, 2, "paraphrase"),
        (3, 3, "near-identical"),
    ]
    span = data["alignments"][2]["a_span"]
    assert A_TEXT[span[0] : span[1]] == "Washington has authorized an additional $200 million in security aid to Ukraine."
    (shared,) = [q for q in data["quotes"] if q["a_text"] and q["b_text"]]
    assert shared["speaker"] == "Dmitry Peskov"
    assert shared["kind"] == "reworded"
    assert shared["diff"] == "This all leads to [-further-] escalation"
    # The headlines and "AFP contributed reporting." are not claims: never one-sided content.
    assert {d["kind"] for d in data["divergences"]} == {"framing"}


def test_markdown_output_has_tables_and_details(runner_in_dir: CliRunner) -> None:
    result = runner_in_dir.invoke(main, ["pair", "a.txt", "b.txt", "-f", "markdown"])
    assert result.exit_code == 0, result.output
    md = result.output
    assert md.startswith("# Kremlin Warns West Over Arms ↔ Russia Says Weapons Deliveries Escalate Tensions\n")
    assert "**Verdict: same story**" in md
    assert "| Speaker | A's words | B's words | Difference |" in md
    assert "| Dmitry Peskov | This all leads to further escalation | This all leads to escalation | reworded: This all leads to ~~further~~ escalation |" in md
    assert "<details><summary>Only in A (0, substantive first)</summary>" in md
    assert md.count("<details>") == md.count("</details>")


def test_output_file(runner_in_dir: CliRunner, tmp_path: Path) -> None:
    result = runner_in_dir.invoke(main, ["pair", "a.txt", "b.txt", "--format", "json", "--output", "out.json"])
    assert result.exit_code == 0
    assert result.output == ""
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["verdict"] == "same story"


def test_identical_inputs(runner_in_dir: CliRunner) -> None:
    result = runner_in_dir.invoke(main, ["pair", "a.txt", "a.txt", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["verdict"] == "duplicate"
    assert data["similarity"] == {"jaccard": 1.0, "containment_a_in_b": 1.0, "containment_b_in_a": 1.0}
    assert {x["kind"] for x in data["alignments"]} == {"identical"}


def test_empty_article_is_a_clear_error(runner_in_dir: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner_in_dir.invoke(main, ["pair", "empty.txt", "b.txt"])
    assert result.exit_code == 1
    assert result.output == "error: empty.txt: empty file\n"


def test_boilerplate_only_article_is_a_clear_error(runner_in_dir: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "chrome.txt").write_text("Support The Moscow Times!\n\nRead more\n", encoding="utf-8")
    result = runner_in_dir.invoke(main, ["pair", "chrome.txt", "b.txt"])
    assert result.exit_code == 1
    assert result.output == "Error: chrome.txt: nothing to compare: only site chrome (2 boilerplate lines)\n"


def test_unknown_script_gives_a_sensible_result(runner_in_dir: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "zh.txt").write_text("中方表示严重关切。双方应当通过对话解决分歧！\n", encoding="utf-8")
    (tmp_path / "th.txt").write_text("กระทรวงการต่างประเทศรัสเซียกล่าวว่าการส่งอาวุธเป็นอันตราย\n", encoding="utf-8")
    same = runner_in_dir.invoke(main, ["pair", "zh.txt", "zh.txt", "-f", "json"])
    assert same.exit_code == 0
    assert json.loads(same.output)["verdict"] == "duplicate"
    assert len(json.loads(same.output)["alignments"]) == 2
    other = runner_in_dir.invoke(main, ["pair", "zh.txt", "th.txt", "-f", "json"])
    assert other.exit_code == 0
    data = json.loads(other.output)
    assert data["verdict"] == "unrelated"
    assert data["alignments"] == []


def test_fifty_megabyte_file(runner_in_dir: CliRunner, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    line = ("The Kremlin said the weapons would escalate the conflict. " * 16 + "\n").encode()
    with big.open("wb") as stream:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            stream.write(line)
    result = runner_in_dir.invoke(main, ["pair", "big.txt", "b.txt"])
    assert result.exit_code == 1
    assert result.output == "error: big.txt: 50.0 MB is over the 10.0 MB limit for one article (raise it with --max-article-mb)\n"
    raised = runner_in_dir.invoke(main, ["pair", "big.txt", "b.txt", "--max-article-mb", "60"])
    assert raised.exit_code == 1
    assert raised.output.startswith("Error: big.txt: 52,")
    assert "too long to compare sentence by sentence (limit 2,000,000); is this one article?" in raised.output
    assert "Traceback" not in raised.output


def test_missing_file(runner_in_dir: CliRunner) -> None:
    result = runner_in_dir.invoke(main, ["pair", "nope.txt", "b.txt"])
    assert result.exit_code == 1
    assert result.output == "error: nope.txt: no such file or directory\n"


def test_pair_does_not_import_datasketch_or_trafilatura() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from compare.cli import main\n"
        f"r = CliRunner().invoke(main, ['pair', {str(SEEDS / '000_e6f0c9be4bb1d9ca.txt')!r}, {str(SEEDS / '004_df846c121b610a3c.txt')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('datasketch', 'trafilatura', 'pysbd') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_directory_is_refused(runner_in_dir: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    result = runner_in_dir.invoke(main, ["pair", "folder", "b.txt"])
    assert result.exit_code == 2
    assert "Invalid value for A: folder is a directory; pair compares two articles" in result.output


def test_html_input_goes_through_trafilatura(runner_in_dir: CliRunner, tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in B_TEXT.splitlines()[1:] if line.strip())
    html = (
        "<html><head><title>Russia Says Weapons Deliveries Escalate Tensions</title></head>"
        f"<body><nav>Home | World</nav><article><h1>Russia Says Weapons Deliveries Escalate Tensions</h1>{paragraphs}"
        "</article><footer>Support The Moscow Times!</footer></body></html>"
    )
    (tmp_path / "b.html").write_text(html, encoding="utf-8")
    result = runner_in_dir.invoke(main, ["pair", "a.txt", "b.html", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [x["kind"] for x in data["alignments"]] == ["near-identical", "paraphrase", "near-identical"]


def test_jsonl_input_uses_its_first_article_and_metadata(runner_in_dir: CliRunner, tmp_path: Path) -> None:
    records = [
        {"id": "reuters-1", "title": "Kremlin warns", "source": "Reuters", "text": A_TEXT},
        {"id": "reuters-2", "text": "Something else entirely about farming in France."},
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = runner_in_dir.invoke(main, ["pair", "feed.jsonl", "b.txt", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["a"] == {"id": "reuters-1", "title": "Kremlin warns", "source": "Reuters"}
    assert data["verdict"] == "same story"
