"""Markdown and SVG rendering of a hand-built report: tables, links, folding, escaping."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from compare.render.report_common import slug as _slug
from compare.render.report_markdown import FOLD_ROWS, render_report_markdown
from compare.render.report_svg import render_report_svg
from compare.report.model import (
    Agreement,
    ArticleInfo,
    Divergence,
    DuplicateGroup,
    PairRelation,
    QuoteWording,
    RemovedText,
    Report,
    Story,
    StoryEvidence,
    StoryQuote,
    Summary,
)


def _report(agreements: int = 2) -> Report:
    articles = (
        ArticleInfo("mt.txt", "Kremlin | warns <West>", "The Moscow Times", "2022-04-21", 300),
        ArticleInfo("reuters.txt", "Kremlin warns West", "Reuters", "2022-04-22", 280),
        ArticleInfo("copy.txt", None, None, None, 280),
        ArticleInfo("lonely.txt", "Cycle lanes", None, None, 120),
    )
    story = Story(
        number=1,
        articles=("mt.txt", "reuters.txt", "copy.txt"),
        sources=("Reuters", "The Moscow Times"),
        first_date="2022-04-21",
        last_date="2022-04-22",
        agreements=tuple(
            Agreement(f"Claim {n} about arms.", ("mt.txt", "reuters.txt"), ("Reuters", "The Moscow Times"), (("mt.txt", f"Claim {n} about arms."), ("reuters.txt", f"Claim {n} on arms."))) for n in range(agreements)
        ),
        divergences=(
            Divergence("conflicting figures", "mt.txt", "reuters.txt", "$1 billion in aid", "200 million dollars in aid", "$1 billion vs 200 million dollars"),
            Divergence("one-source claim", "mt.txt", None, "Only here.", None, "substantive"),
        ),
        quotes=(
            StoryQuote(
                "Dmitry Peskov",
                (
                    QuoteWording("Weapons threaten Europe", ("said",), ("mt.txt",), ("The Moscow Times",)),
                    QuoteWording("Weapons endanger Europe", ("told reporters",), ("reuters.txt", "copy.txt"), ("Reuters",)),
                ),
            ),
        ),
        evidence=(StoryEvidence("mt.txt", "reuters.txt", 0.94, ("kremlin", "peskov"), "same story", 3, 1, ("Claim 0 about arms.",)),),
    )
    lonely = Story(2, ("lonely.txt",), (), None, None, (), (), (), ())
    pairs = (
        PairRelation("mt.txt", "reuters.txt", "same story", 0.04),
        PairRelation("mt.txt", "lonely.txt", "related", 0.007),
        PairRelation("reuters.txt", "copy.txt", "near-duplicate", 0.93),
    )
    group = DuplicateGroup(("reuters.txt", "copy.txt"), (pairs[2],), "reuters.txt", "reuters.txt")
    summary = Summary(4, ("Reuters", "The Moscow Times"), 2, "2022-04-21", "2022-04-22", 1, 2, 1, 1, 1)
    return Report(articles, summary, (group,), (story, lonely), pairs, (RemovedText("mt.txt", "Support The Moscow Times!", "known chrome: donation banner"),))


def test_json_has_exactly_the_issue_shape():
    data = _report().to_dict()
    assert set(data) == {"articles", "duplicate_groups", "stories", "pairs"}
    assert data["articles"][0] == {"id": "mt.txt", "title": "Kremlin | warns <West>", "source": "The Moscow Times", "published": "2022-04-21"}
    assert data["duplicate_groups"] == [["reuters.txt", "copy.txt"]]
    assert [set(s) for s in data["stories"]] == [{"articles", "agreements", "divergences", "quotes"}] * 2
    assert data["pairs"][2] == {"a": "reuters.txt", "b": "copy.txt", "relation": "near-duplicate", "score": 0.93}
    extended = _report().to_dict(extended=True)
    assert {"summary", "boilerplate", "duplicate_group_details"} <= set(extended)
    assert extended["stories"][0]["date_range"] == ["2022-04-21", "2022-04-22"]


def test_markdown_has_summary_story_tables_and_working_heading_links():
    text = render_report_markdown(_report())
    assert "| Articles | 4 |" in text
    assert "| Near-duplicate groups | 1 |" in text
    headings = {_slug(html.unescape(line.lstrip("#").strip())) for line in text.splitlines() if line.startswith("#")}
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert links and all(link in headings for link in links), set(links) - headings
    assert "## Story 1: Kremlin | warns &lt;West&gt;" in text  # headings are escaped
    assert "Kremlin \\| warns &lt;West&gt;" in text  # table cells escape pipes and tags
    assert "| conflicting figures | A1 – A2 |" in text
    assert "| Dmitry Peskov | Weapons threaten Europe | said | A1 (The Moscow Times) |" in text
    assert "| ″ | Weapons endanger Europe | told reporters | A2, A3 (Reuters) |" in text
    assert "earliest, longest" in text
    assert "## Articles that overlap nothing else" in text
    assert "Related but below the story threshold: [A4](#articles-that-overlap-nothing-else) (1 article pair, best score 0.007)." in text
    assert "known chrome: donation banner" in text


def test_long_tables_fold_into_details():
    text = render_report_markdown(_report(agreements=FOLD_ROWS + 3))
    assert "<details><summary>3 more agreements</summary>" in text
    short = render_report_markdown(_report(agreements=2))
    assert "more agreements" not in short


def test_markdown_links_the_heatmap_and_draws_a_mermaid_graph():
    text = render_report_markdown(_report(), heatmap="seeds.svg")
    assert "![Pairwise similarity heatmap, articles ordered by story](seeds.svg)" in text
    assert "```mermaid" in text
    assert 'A2 ===|"near-duplicate 0.93"| A3' in text
    assert 'A1 ---|"0.040"| A2' in text


def test_svg_is_well_formed_and_marks_every_pair():
    svg = render_report_svg(_report())
    root = ET.fromstring(svg)
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert titles.count("A2 – A3: near-duplicate 0.930") == 2  # both triangles of the matrix
    assert any(t == "A1 – A2: same story 0.040" for t in titles)


def test_renderers_are_deterministic():
    assert render_report_markdown(_report()) == render_report_markdown(_report())
    assert render_report_svg(_report()) == render_report_svg(_report())


def test_story_heading_skips_wire_editor_notes():
    report = _report()
    articles = (ArticleInfo("mt.txt", "(supersedes item in PEOPLE Pars)", "PA", None, 10), *report.articles[1:])
    text = render_report_markdown(Report(articles, report.summary, report.duplicate_groups, report.stories, report.pairs, report.boilerplate))
    assert "## Story 1: Kremlin warns West" in text


def test_wire_backticks_never_open_a_code_span():
    report = _report()
    articles = (ArticleInfo("mt.txt", "`I'M QUITTING', SAYS EDMONDS", "PA", None, 10), *report.articles[1:])
    text = render_report_markdown(Report(articles, report.summary, report.duplicate_groups, report.stories, report.pairs, report.boilerplate))
    assert "## Story 1: 'I'M QUITTING', SAYS EDMONDS" in text
    assert "[Story 1: 'I'M QUITTING', SAYS EDMONDS](#story-1-im-quitting-says-edmonds)" in text


def test_html_is_balanced_and_carries_every_section():
    from html.parser import HTMLParser

    from compare.render.report_html import render_report_html

    class Balance(HTMLParser):
        void = frozenset({"br", "meta", "rect", "text", "title"})

        def __init__(self):
            super().__init__()
            self.stack, self.errors = [], 0

        def handle_starttag(self, tag, attrs):
            if tag not in self.void:
                self.stack.append(tag)

        def handle_endtag(self, tag):
            if tag in self.void:
                return
            if self.stack and self.stack[-1] == tag:
                self.stack.pop()
            else:
                self.errors += 1

    page = render_report_html(_report(agreements=FOLD_ROWS + 2), index_matches={})
    checker = Balance()
    checker.feed(page)
    assert (checker.errors, checker.stack) == (0, [])
    for needle in ("Kremlin | warns &lt;West&gt;", "conflicting figures", "Dmitry Peskov", "<svg", "2 more agreements", "Already in the index", 'id="appendix"'):
        assert needle in page, needle
    assert "<script" not in page
