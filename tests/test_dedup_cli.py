"""The dedup, ingest and index commands through click's CliRunner: exact output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.cli import main

REPO = Path(__file__).resolve().parents[1]

SEED_0 = "fixtures/seeds/000_e6f0c9be4bb1d9ca.txt"
SEED_3 = "fixtures/seeds/003_625db1e6dcb7c4b7.txt"
HEADLINE = "fixtures/variants/000_new_headline.txt"
CHROME = "fixtures/variants/000_other_site_chrome.txt"
CHIP = "fixtures/unrelated/chip_plant_opening.txt"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("ARTICLE_COMPARE_INDEX", raising=False)


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_dedup_text_lists_clusters_then_pairs():
    result = run("dedup", SEED_0, HEADLINE, CHROME, CHIP, "--workers", "0")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "4 articles: 3 duplicate pairs in 1 cluster\n"
        "\n"
        "cluster 1 (3 articles):\n"
        f"  {SEED_0}\n"
        f"  {HEADLINE}\n"
        f"  {CHROME}\n"
        "\n"
        "pairs:\n"
        f"  duplicate  jaccard 1.000  containment 1.000  {SEED_0}  <->  {HEADLINE}\n"
        f"  duplicate  jaccard 0.901  containment 1.000  {SEED_0}  <->  {CHROME}\n"
        f"  duplicate  jaccard 0.901  containment 1.000  {HEADLINE}  <->  {CHROME}\n"
    )


def test_dedup_json_has_the_documented_shape():
    result = run("dedup", SEED_0, HEADLINE, CHIP, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "articles": 3,
        "pairs": [{"a": SEED_0, "b": HEADLINE, "jaccard": 1.0, "containment": 1.0, "relation": "duplicate"}],
        "clusters": [[SEED_0, HEADLINE]],
    }


def test_dedup_csv_to_an_output_file(tmp_path):
    out = tmp_path / "pairs.csv"
    result = run("dedup", SEED_0, HEADLINE, CHROME, "-f", "csv", "--output", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text().splitlines() == [
        "a,b,jaccard,containment,relation,cluster",
        f"{SEED_0},{HEADLINE},1.0,1.0,duplicate,1",
        f"{SEED_0},{CHROME},0.9006,1.0,duplicate,1",
        f"{HEADLINE},{CHROME},0.9006,1.0,duplicate,1",
    ]


def test_fail_on_duplicates_exits_1_only_when_there_are_duplicates():
    assert run("dedup", SEED_0, HEADLINE, "--fail-on-duplicates").exit_code == 1
    assert run("dedup", "fixtures/seeds", "--fail-on-duplicates").exit_code == 0


def test_a_higher_threshold_turns_the_near_duplicate_into_contained():
    trimmed = "fixtures/variants/003_trimmed_ending.txt"
    default = run("dedup", SEED_3, trimmed, "-f", "json")
    assert [p["relation"] for p in json.loads(default.stdout)["pairs"]] == ["near-duplicate"]
    higher = run("dedup", SEED_3, trimmed, "--threshold", "0.9", "-f", "json")
    assert [p["relation"] for p in json.loads(higher.stdout)["pairs"]] == ["contained"]
    strict = run("dedup", SEED_3, trimmed, "--threshold", "0.9", "--containment", "1.0", "-f", "json")
    assert [p["relation"] for p in json.loads(strict.stdout)["pairs"]] == ["contained"]  # 1.000 of it is inside


def test_missing_path_is_one_line_on_stderr_and_exit_1_and_the_rest_is_still_processed():
    result = run("dedup", "no-such-file.txt", SEED_0, HEADLINE)
    assert result.exit_code == 1
    assert result.stderr == "error: no-such-file.txt: no such file or directory\n"
    assert "1 duplicate pair" in result.stdout
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [["--threshold", "1.5"], ["--format", "xml"], ["--containment", "0"], []])
def test_usage_errors_exit_2(args):
    result = run("dedup", *args) if args else run("dedup")
    assert result.exit_code == 2


def test_ingest_text_then_json_lines(tmp_path):
    index = tmp_path / "i.sqlite"
    first = run("ingest", "fixtures/seeds", "--index", index)
    assert first.exit_code == 0
    assert first.stdout.splitlines()[0] == f"new        {SEED_0}"
    second = run("ingest", HEADLINE, CHIP, "--index", index, "--format", "json")
    lines = [json.loads(line) for line in second.stdout.splitlines()]
    assert lines == [
        {"id": HEADLINE, "status": "duplicate", "matches": [{"id": SEED_0, "jaccard": 1.0, "containment": 1.0}]},
        {"id": CHIP, "status": "new", "matches": []},
    ]
    text = run("ingest", CHROME, "--index", index)
    assert text.stdout == f"duplicate  {CHROME}  matches {SEED_0} (jaccard 0.901, containment 1.000)\n"


def test_ingest_uses_the_environment_variable_for_the_default_index(tmp_path, monkeypatch):
    monkeypatch.setenv("ARTICLE_COMPARE_INDEX", str(tmp_path / "env.sqlite"))
    assert run("ingest", SEED_0).exit_code == 0
    assert (tmp_path / "env.sqlite").is_file()


def test_index_stats_remove_export(tmp_path):
    index = tmp_path / "i.sqlite"
    run("ingest", "fixtures/seeds", "--index", index)
    stats = run("index", "stats", "--index", index)
    assert stats.exit_code == 0
    assert "articles:     5\n" in stats.stdout
    assert "minhash:      64 permutations, seed 1, scheme affine32\n" in stats.stdout
    data = json.loads(run("index", "stats", "--index", index, "-f", "json").stdout)
    assert data["articles"] == 5 and data["settings"]["shingle_size"] == 4
    assert run("index", "remove", SEED_0, "--index", index).stdout == f"removed {SEED_0}\n"
    exported = [json.loads(line) for line in run("index", "export", "--index", index).stdout.splitlines()]
    assert [r["id"] for r in exported] == sorted(str(p.relative_to(REPO)) for p in (REPO / "fixtures" / "seeds").glob("*.txt"))[1:]
    assert set(exported[0]) == {"id", "title", "source", "url", "published", "added", "shingles"}


def test_index_remove_of_an_unknown_id_is_exit_1(tmp_path):
    index = tmp_path / "i.sqlite"
    run("ingest", SEED_0, "--index", index)
    result = run("index", "remove", "nope", "--index", index)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {index}: no article with id 'nope' in the index\n"


def test_index_commands_on_a_missing_index_say_how_to_build_one(tmp_path):
    result = run("index", "stats", "--index", tmp_path / "none.sqlite")
    assert result.exit_code == 1
    assert "no index there; build one with: article-compare ingest PATH..." in result.stderr
    assert not (tmp_path / "none.sqlite").exists()


def test_help_does_not_import_datasketch():
    import subprocess
    import sys

    code = "import sys; from compare.cli import main\ntry: main(['dedup', '--help'])\nexcept SystemExit: pass\nprint('datasketch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env={"PYTHONPATH": str(REPO)}, check=True)
    assert out.stdout.strip().endswith("False")


def test_progress_bar_on_stderr_only_when_it_is_a_terminal(monkeypatch):
    quiet = run("dedup", "fixtures/seeds", "--workers", "0")
    assert quiet.stderr == ""
    monkeypatch.setattr("compare.cli.progress_enabled", lambda: True)
    shown = run("dedup", "fixtures/seeds", "--workers", "0")
    assert "fingerprinting" in shown.stderr
    assert shown.stdout == quiet.stdout


@pytest.mark.parametrize("command", ["dedup", "ingest"])
def test_output_into_a_missing_directory_is_a_usage_error_before_any_work(tmp_path, command):
    target = tmp_path / "no-such-dir" / "out.txt"
    args = [command, SEED_0, "-o", target] + (["--index", tmp_path / "i.sqlite"] if command == "ingest" else [])
    result = run(*args)
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"'{target.parent}' is not a directory; create it first or write elsewhere" in result.output
    assert not (tmp_path / "i.sqlite").exists()
