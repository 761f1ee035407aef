"""The reports in reports/ are exactly what the code produces from fixtures/.

Regenerate them on purpose with ``python -m evaluation.regenerate_reports``
and review the diff; this test fails on any difference.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from compare.cli import main
from evaluation.regenerate_reports import REPO, REPORTS, REPORTS_DIR, render_reports


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return render_reports()


def test_every_report_file_is_up_to_date(generated):
    assert set(generated) == {f"{name}.{ext}" for name in REPORTS for ext in ("md", "json", "svg")}
    stale = [name for name, content in generated.items() if not (REPORTS_DIR / name).is_file() or (REPORTS_DIR / name).read_text(encoding="utf-8") != content]
    assert not stale, f"reports differ from the code; run python -m evaluation.regenerate_reports and review: {stale}"


def test_reports_hold_no_absolute_paths_or_clock(generated):
    for name, content in generated.items():
        assert str(REPO) not in content, name
        assert "UTC" not in content and "generated at" not in content.lower(), name


def test_the_documented_cli_command_writes_the_same_report(generated, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    target = tmp_path / "seeds.md"
    result = CliRunner().invoke(main, ["report", "fixtures/seeds", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == generated["seeds.md"]
    assert (tmp_path / "seeds.svg").read_text(encoding="utf-8") == generated["seeds.svg"]
    as_json = CliRunner().invoke(main, ["report", "fixtures/seeds", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output) == json.loads(generated["seeds.json"])


def test_seed_report_shows_each_seed_once_and_the_kremlin_quotes(generated):
    data = json.loads(generated["seeds.json"])
    story_members = [a for story in data["stories"] for a in story["articles"]]
    assert sorted(story_members) == sorted(a["id"] for a in data["articles"])
    assert len(data["articles"]) == 5
    speakers = {q["speaker"] for story in data["stories"] for q in story["quotes"]}
    assert any("Peskov" in s for s in speakers), speakers


def test_variants_report_groups_every_variant_with_its_seed(generated):
    data = json.loads(generated["seeds-and-variants.json"])
    groups = [set(g) for g in data["duplicate_groups"]]
    for article in data["articles"]:
        if "/variants/" not in article["id"]:
            continue
        seed_number = article["id"].split("/")[-1][:3]
        assert any(article["id"] in g and any(f"/seeds/{seed_number}_" in x for x in g) for g in groups), article["id"]
    story_of = {a: n for n, s in enumerate(data["stories"]) for a in s["articles"]}
    for group in data["duplicate_groups"]:
        assert len({story_of[a] for a in group}) == 1, group
