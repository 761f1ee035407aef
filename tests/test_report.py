"""build_report and the report command on real fixtures and on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.article import Article
from compare.cli import main
from compare.load.articles import iter_articles, load_article
from compare.render.report_markdown import render_report_markdown
from compare.render.report_svg import render_report_svg
from compare.report.build import build_report
from compare.report.story import word_diff

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
UNRELATED = sorted((FIXTURES / "unrelated").glob("*.txt"))


def _check_consistent(report) -> None:
    """Invariants every report holds: each article in exactly one story, ids known."""
    data = report.to_dict()
    ids = [a["id"] for a in data["articles"]]
    members = [a for story in data["stories"] for a in story["articles"]]
    assert sorted(members) == sorted(ids)
    for pair in data["pairs"]:
        assert pair["a"] in ids and pair["b"] in ids and pair["a"] != pair["b"]
        assert 0.0 <= pair["score"] <= 1.0
    json.dumps(data)
    render_report_markdown(report)
    render_report_svg(report)


@pytest.fixture(scope="module")
def seeds_report():
    return build_report(iter_articles([FIXTURES / "seeds"]))


def test_seed_story_has_agreements_quotes_and_evidence(seeds_report):
    _check_consistent(seeds_report)
    multi = [s for s in seeds_report.stories if len(s.articles) > 1]
    assert multi
    biggest = max(multi, key=lambda s: len(s.articles))
    assert biggest.evidence and all(e.score > 0 for e in biggest.evidence)
    # The seeds are related coverage, not copies: the evidence is shared names and
    # quotes; the sentence "agreements" counted here before were a caption, a headline
    # and Germany's shipments taken for Britain's.
    assert any(e.shared_names or e.shared_quotes > 0 for e in biggest.evidence)
    assert biggest.quotes
    assert seeds_report.summary.boilerplate_blocks > 0  # Moscow Times chrome, listed in the appendix
    assert any("Moscow Times" in r.text for r in seeds_report.boilerplate)


def test_moscow_times_chrome_is_never_an_agreement(seeds_report):
    for story in seeds_report.stories:
        for agreement in story.agreements:
            assert "support the moscow times" not in agreement.text.casefold()


#: Paragraphs only one outlet carries: two articles sharing a few claims but written apart.
_OWN_REPORTING = (
    "Residents of Kharkiv spent another night in metro stations as shelling continued across the north.\n"
    "Local officials said water and power had been restored to most districts by the afternoon.\n"
    "A volunteer group distributed bread and medicine to elderly people who could not leave their flats.\n"
    "Schools in the city have taught classes online since the first week of the war.\n"
    "The regional governor urged people who had fled not to return until the attacks stopped.\n",
    "Grain exports through the Black Sea ports have fallen sharply, traders in Geneva said.\n"
    "Insurers raised premiums for ships calling at Odesa for the third time this month.\n"
    "Wheat futures in Chicago climbed to their highest level since 2008 before easing at the close.\n"
    "Egypt and Lebanon, large buyers of Ukrainian wheat, are looking for other suppliers.\n"
    "The World Food Programme warned that bread prices could rise across North Africa.\n",
)


def test_an_aligned_pair_naming_other_actors_is_not_an_agreement():
    shared = (
        "The Kremlin said on Thursday that Western arms deliveries to Kyiv threaten the security of the continent.\n"
        "Moscow has repeatedly complained about the deliveries since the start of its military operation in February.\n"
        "Officials in Brussels said the next package would include air defence systems and artillery shells.\n"
    )
    # Each outlet adds its own reporting, so the two are independent voices, not one copy.
    a = Article.from_text(
        shared + "Germany said this week it will start shipping heavy weapons to Ukraine.\n" + _OWN_REPORTING[0], id="a", source="Outlet A"
    )
    b = Article.from_text(
        shared + "Britain said this week it will start shipping heavy weapons to Ukraine.\n" + _OWN_REPORTING[1], id="b", source="Outlet B"
    )
    report = build_report([a, b])
    (story,) = report.stories
    texts = [agreement.text for agreement in story.agreements]
    assert any("Kremlin said on Thursday" in text for text in texts)  # the shared claims are agreements
    assert not any("heavy weapons" in text for text in texts)  # Germany vs Britain is not
    assert any(d.kind == "names differ" for d in story.divergences)


def test_progress_reports_increasing_work():
    calls = []
    build_report(iter_articles(SEEDS[:3]), progress=lambda done, total: calls.append((done, total)))
    assert calls
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-1][0] == calls[-1][1]


def test_word_diff_marks_changed_words():
    assert word_diff("weapons threaten Europe", "weapons endanger all of Europe") == "weapons [-threaten-] {+endanger all of+} Europe"


# --- bad input ----------------------------------------------------------------------------------


def test_one_article_gives_one_story_and_no_pairs():
    report = build_report([load_article(SEEDS[0])])
    _check_consistent(report)
    assert [s.articles for s in report.stories] == [(str(SEEDS[0]),)]
    assert report.pairs == () and report.duplicate_groups == ()
    assert "no two articles overlap" in render_report_markdown(report)


def test_no_overlaps_gives_singletons():
    report = build_report(iter_articles(UNRELATED))
    _check_consistent(report)
    assert all(len(s.articles) == 1 for s in report.stories)
    assert report.summary.multi_article_stories == 0


def test_only_duplicates_gives_one_group_and_one_story():
    text = SEEDS[2].read_text(encoding="utf-8")
    report = build_report([Article.from_text(text, id=f"copy-{n}") for n in range(3)])
    _check_consistent(report)
    assert [g.articles for g in report.duplicate_groups] == [("copy-0", "copy-1", "copy-2")]
    assert [s.articles for s in report.stories] == [("copy-0", "copy-1", "copy-2")]
    assert {p.relation for p in report.pairs} == {"duplicate"}


def test_two_articles_of_one_story_are_grouped_without_other_articles_around():
    # Seeds 001 and 002 form a story in the five-seed report. Alone, every shared
    # phrase is in both articles (df == N), which plain log(N / df) weighed 0.
    report = build_report([load_article(SEEDS[1]), load_article(SEEDS[2])])
    _check_consistent(report)
    assert [s.articles for s in report.stories] == [(str(SEEDS[1]), str(SEEDS[2]))]
    assert [p.relation for p in report.pairs] == ["same story"]


def test_identical_copies_show_a_full_story_score_as_evidence():
    text = SEEDS[2].read_text(encoding="utf-8")
    report = build_report([Article.from_text(text, id=f"copy-{n}") for n in range(3)])
    assert [round(e.score, 6) for e in report.stories[0].evidence] == [1.0, 1.0, 1.0]


def test_every_conflicting_figure_of_one_sentence_pair_is_reported():
    base = (
        "Kremlin rejects aid plan\n\nMoscow rejected the Western aid plan for Kyiv on Monday, officials said.\n\n"
        '"There will be no deal on weapons," the Kremlin said in a statement on Monday.\n\n'
        "Washington approved {money} in aid, up {pct} from last year, the Pentagon said.\n"
    )
    a = Article.from_text(base.format(money="$200 million", pct="5%"), id="a")
    b = Article.from_text(base.format(money="$1 billion", pct="7%"), id="b")
    (story,) = build_report([a, b]).stories
    details = sorted(d.detail for d in story.divergences if d.kind == "conflicting figures")
    # Only the first conflict of the sentence pair used to survive.
    assert details == ["$200 million vs $1 billion", "5% vs 7%"]


def test_articles_without_titles_sources_or_dates_render():
    # Seeds 001 and 003 carry no source mark and no date in their text; 000 names its site.
    articles = [Article(id=f"bare-{n}", text=SEEDS[n].read_text(encoding="utf-8")) for n in (1, 3)]
    report = build_report(articles)
    _check_consistent(report)
    text = render_report_markdown(report)
    assert "(no title)" in text
    assert "no dates given" in text
    assert report.summary.first_date is None
    assert report.summary.unknown_source_articles == 1  # 001 says "Support The Moscow Times!"
    assert report.article("bare-1").inferred == (("source", "Support The Moscow Times"),)


def test_boilerplate_only_and_empty_articles_do_not_break_the_report():
    chrome = "Support The Moscow Times!\n\nRead more\n"
    articles = [Article(id="chrome", text=chrome), Article(id="empty", text=""), load_article(SEEDS[0])]
    report = build_report(articles)
    _check_consistent(report)
    assert len(report.stories) == 3


def test_repeated_ids_are_kept_apart():
    text = SEEDS[1].read_text(encoding="utf-8")
    report = build_report([Article.from_text(text, id="same"), Article.from_text(UNRELATED[0].read_text(encoding="utf-8"), id="same")])
    _check_consistent(report)
    assert [a.id for a in report.articles] == ["same", "same (2)"]


def test_empty_input_gives_an_empty_report():
    report = build_report([])
    assert report.to_dict() == {"articles": [], "duplicate_groups": [], "stories": [], "pairs": []}
    assert "| Articles | 0 |" in render_report_markdown(report)


def test_bad_knob_is_a_clear_value_error():
    with pytest.raises(ValueError, match="one_source_claims_per_article"):
        build_report([], one_source_claims_per_article=-1)


# --- command line -------------------------------------------------------------------------------


def test_cli_markdown_to_stdout_without_progress_when_piped():
    result = CliRunner().invoke(main, ["report", *map(str, SEEDS[:3])])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Overlap report\n")
    assert "report [" not in result.output  # no progress bar text


def test_cli_json_has_the_issue_shape():
    result = CliRunner().invoke(main, ["report", "--format", "json", *map(str, SEEDS[:2])])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"articles", "duplicate_groups", "stories", "pairs"}


def test_cli_output_file_writes_the_heatmap_beside_it(tmp_path):
    target = tmp_path / "out.md"
    result = CliRunner().invoke(main, ["report", str(FIXTURES / "seeds"), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "(out.svg)" in target.read_text(encoding="utf-8")
    assert (tmp_path / "out.svg").read_text(encoding="utf-8").startswith("<svg")


def test_heatmap_link_survives_spaces_and_parentheses_in_the_file_name(tmp_path):
    # "](my report (1).svg)" is no Markdown link: the image never showed.
    target = tmp_path / "my report (1).md"
    result = CliRunner().invoke(main, ["report", str(FIXTURES / "seeds"), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "(my%20report%20%281%29.svg)" in target.read_text(encoding="utf-8")
    assert (tmp_path / "my report (1).svg").exists()


def test_cli_missing_path_is_one_line_and_exit_1(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert "no such file or directory" in result.output
    assert "Traceback" not in result.output


def test_cli_bad_file_among_good_ones_still_reports_and_exits_1(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(SEEDS[0]), str(empty)])
    assert result.exit_code == 1
    assert "empty file" in result.output
    assert "# Overlap report" in result.output


def test_cli_unwritable_output_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(main, ["report", str(SEEDS[0]), "-o", str(tmp_path / "missing-dir" / "r.md")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


# --- --index ------------------------------------------------------------------------------------


def test_cli_index_lists_articles_already_ingested_and_leaves_the_index_alone(tmp_path):
    from compare.dedup.index import open_index
    from compare.dedup.stream import ingest

    index_path = tmp_path / "index.sqlite"
    with open_index(str(index_path)) as index:
        list(ingest(iter_articles([FIXTURES / "seeds"]), index))
        before = index.stats().to_dict()
    variant = FIXTURES / "variants" / "000_new_headline.txt"
    result = CliRunner().invoke(main, ["report", str(variant), str(UNRELATED[0]), "--index", str(index_path)])
    assert result.exit_code == 0, result.output
    section = result.output.split("## Already in the index", 1)[1]
    assert "000_e6f0c9be4bb1d9ca.txt" in section and "duplicate" in section
    assert UNRELATED[0].name not in section
    as_json = CliRunner().invoke(main, ["report", str(variant), "--index", str(index_path), "--format", "json"])
    matches = json.loads(as_json.output)["index_matches"]
    assert list(matches) == [str(variant)]
    with open_index(str(index_path)) as index:
        assert index.stats().to_dict() == before


def test_cli_index_that_does_not_exist_is_a_clean_error(tmp_path):
    missing = tmp_path / "none.sqlite"
    result = CliRunner().invoke(main, ["report", str(SEEDS[0]), "--index", str(missing)])
    assert result.exit_code == 1
    assert "no index there" in result.output and "Traceback" not in result.output
    assert not missing.exists()


# --- divergences across a story -----------------------------------------------------------------

_SHARED_BODY = (
    "Kremlin spokesman Dmitry Peskov said Western arms deliveries to Ukraine would prolong the conflict in the east.\n\n"
    "The comments came as Britain's foreign secretary urged allies to send heavy weapons to Kyiv.\n\n"
    "Foreign Ministry spokeswoman Maria Zakharova accused the West of fuelling the fighting in the Donbas region.\n\n"
)


def _two_outlets() -> list[Article]:
    return [
        Article(
            id="mt",
            source="The Moscow Times",
            published="2022-04-21",
            title="Kremlin warns West over arms",
            text="Kremlin warns West over arms\n\n" + _SHARED_BODY + _OWN_REPORTING[0].replace("\n", "\n\n")
            + '"The tendency to pump weapons into Ukraine threatens the security of the whole continent," Peskov told reporters.\n\n'
            "The United States has earmarked over $1 billion in security assistance to Kyiv since the start of the invasion.\n",
        ),
        Article(
            id="reuters",
            source="Reuters",
            published="2022-04-22",
            title="Kremlin says arms for Ukraine threaten Europe",
            text="Kremlin says arms for Ukraine threaten Europe\n\n" + _SHARED_BODY + _OWN_REPORTING[1].replace("\n", "\n\n")
            + '"The tendency to pump weapons into Ukraine endangers the security of the entire continent," Peskov warned.\n\n'
            "The United States has earmarked over 200 million dollars in security assistance to Kyiv since the start of the invasion.\n",
        ),
    ]


def test_story_lists_agreements_conflicting_figures_reworded_quotes_and_cue_verbs():
    report = build_report(_two_outlets())
    _check_consistent(report)
    (story,) = report.stories
    assert story.articles == ("mt", "reuters")
    assert (story.first_date, story.last_date) == ("2022-04-21", "2022-04-22")
    assert story.sources == ("Reuters", "The Moscow Times")
    claims = [a.text for a in story.agreements]
    assert any("Maria Zakharova accused the West" in c for c in claims)
    assert all(set(a.sources) == {"Reuters", "The Moscow Times"} for a in story.agreements)
    kinds = {d.kind: d for d in story.divergences}
    assert "$1 billion vs 200 million dollars" in kinds["conflicting figures"].detail
    assert kinds["reworded quote"].detail == (
        "The tendency to pump weapons into Ukraine [-threatens-] {+endangers+} the security of the [-whole-] {+entire+} continent"
    )
    assert kinds["different cue verbs"].detail == "Dmitry Peskov: told / warned"
    (quote,) = [q for q in story.quotes if q.speaker == "Dmitry Peskov"]
    assert [(w.articles, w.cues) for w in quote.wordings] == [(("mt",), ("told",)), (("reuters",), ("warned",))]


def test_copies_of_one_article_are_one_voice_also_republished_by():
    # Outlet C republishes A word for word (a wire story): A and C are one voice. The claim
    # A and B share is an agreement of two sources, C listed as "also republished by";
    # what A and C alone share is no agreement at all.
    a, b = _two_outlets()
    copy = Article(id="copy", source="Syndicator", published="2022-04-23", title=a.title, text=a.text)
    report = build_report([a, b, copy])
    (story,) = report.stories
    assert story.agreements
    for agreement in story.agreements:
        assert set(agreement.articles) == {"mt", "reuters"}
        assert agreement.republished == ("copy",)
    markdown = render_report_markdown(report)
    assert "also republished by" in markdown


def test_worker_processes_give_the_same_report(monkeypatch):
    import compare.report.build

    articles = list(iter_articles([FIXTURES / "seeds", FIXTURES / "variants"]))
    sequential = build_report(articles, workers=0)
    monkeypatch.setattr(compare.report.build, "PARALLEL_MIN_PAIRS", 1)
    parallel = build_report(articles, workers=2)
    assert parallel == sequential


@pytest.mark.parametrize("as_file", [False, True], ids=["stdin-script", "unguarded-script-file"])
def test_report_scripts_use_workers_without_rerunning_the_script(as_file, tmp_path):
    import os
    import subprocess
    import sys

    script = (
        "import compare.report.build as r\n"
        "from compare.load.articles import iter_articles\n"
        "r.PARALLEL_MIN_PAIRS = 1\n"
        f"report = r.build_report(iter_articles([{str(FIXTURES / 'seeds')!r}, {str(FIXTURES / 'variants')!r}]), workers=2)\n"
        "print(len(report.articles))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if as_file:  # no `if __name__ == "__main__":` guard: workers must not run it again
        path = tmp_path / "unguarded.py"
        path.write_text(script, encoding="utf-8")
        command, given = [sys.executable, str(path)], None
    else:
        command, given = [sys.executable, "-"], script
    done = subprocess.run(command, input=given, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "11"), done.stderr[-2000:]
    assert "Traceback" not in done.stderr


def test_cli_html_is_one_page_without_side_files(tmp_path):
    target = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", str(FIXTURES / "seeds"), "-f", "html", "-o", str(target)])
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert list(tmp_path.iterdir()) == [target]


def test_worker_processes_give_the_same_report_as_one_process(monkeypatch):
    """The alignment workers (pairs handed out story by story, quotes sent back with each pair)
    change nothing in the report."""
    import compare.report.build as build

    articles = list(iter_articles([FIXTURES / "seeds", FIXTURES / "variants", FIXTURES / "unrelated"]))
    alone = build_report(articles, workers=0)
    monkeypatch.setattr(build, "PARALLEL_MIN_PAIRS", 1)
    parallel = build_report(articles, workers=2)
    assert sum(len(s.evidence) for s in parallel.stories) >= 4
    assert parallel.to_dict(extended=True) == alone.to_dict(extended=True)
    assert render_report_markdown(parallel) == render_report_markdown(alone)


def test_a_pair_inside_a_story_is_never_called_anything_but_that_story(monkeypatch):
    """Average linkage joins groups on their mean score, so one aligned pair of a story can score
    below the threshold on its own; its verdict in the report is still the report's relation."""
    import compare.report.build as build
    from compare.report.stories import StoryLink

    articles = list(iter_articles([FIXTURES / "seeds"]))
    real = build.cluster_stories

    def weak_links(*args, **kwargs):
        found = real(*args, **kwargs)
        weak = tuple(StoryLink(x.a, x.b, 0.3, x.timeless, x.shared, x.features) if x.a == 1 else x for x in found.links)
        return type(found)(found.clusters, weak, found.align)

    monkeypatch.setattr(build, "cluster_stories", weak_links)
    report = build_report(articles, workers=0)
    relation = {(p.a, p.b): p.relation for p in report.pairs}
    evidence = [e for s in report.stories for e in s.evidence]
    assert any(e.score == 0.3 for e in evidence)
    for e in evidence:
        assert e.verdict == relation[(e.a, e.b)] == "same story", e
