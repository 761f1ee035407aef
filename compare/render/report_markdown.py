"""The overlap report as GitHub-flavoured Markdown: a pure function of the Report.

Layout: summary table, contents with heading links, a Mermaid graph of the
stories (GitHub draws it) and an optional heatmap image beside the report,
one section per story (articles, why grouped, agreements, divergences, quotes
by speaker), near-duplicate groups, the pairwise similarity view, and the
boilerplate appendix. Long parts fold into ``<details>``. Nothing in it depends
on the clock or on absolute paths, so golden files stay stable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote as url_quote

from compare.render.escape import (
    markdown_cell,
    markdown_code,
    markdown_html,
    markdown_text,
    mermaid_label,
)
from compare.render.report_common import carriers, related_stories, shorten, slug, story_title
from compare.report.model import Agreement, ArticleInfo, Report, Story

#: Above this many articles the Mermaid graph shows multi-article stories only.
MERMAID_MAX_NODES = 60
#: Up to this many articles the pairwise view is a full matrix; beyond, a ranked list.
MATRIX_MAX_ARTICLES = 12
#: Pairs listed in the ranked pairwise view.
TOP_PAIRS = 40
#: Rows shown before a table folds into <details>.
FOLD_ROWS = 8


def render_report_markdown(report: Report, *, heatmap: str | None = None, title: str = "Overlap report") -> str:
    """Render ``report`` as Markdown.

    Args:
        report: the report.
        heatmap: relative path of the heatmap SVG written beside the report,
            to link it; None leaves the image out.
        title: the top heading.
    """
    labels = {info.id: f"A{n}" for n, info in enumerate(report.articles, 1)}
    infos = {info.id: info for info in report.articles}
    out: list[str] = [f"# {title}", ""]
    out += _summary(report)
    multi = [s for s in report.stories if len(s.articles) > 1]
    singles = [s for s in report.stories if len(s.articles) == 1]
    headings = {s.number: f"Story {s.number}: {story_title(s, infos)}" for s in multi}

    out += ["## Contents", ""]
    for story in multi:
        out.append(f"- [{_inline(headings[story.number])}](#{slug(headings[story.number])}) ({len(story.articles)} articles)")
    if singles:
        out.append(f"- [Articles that overlap nothing else](#{slug('Articles that overlap nothing else')}) ({len(singles)})")
    if report.threads:
        out.append(f"- [Threads of related coverage](#{slug('Threads of related coverage')}) ({len(report.threads)})")
    for name in ("Near-duplicate groups", "Pairwise similarity", "Appendix: boilerplate removed"):
        out.append(f"- [{name}](#{slug(name)})")
    out.append("")

    out += _picture(report, labels, infos, heatmap)
    out += _threads(report, labels, headings)
    related = related_stories(report)
    for story in multi:
        out += _story(story, headings[story.number], labels, infos, related, headings, {s.number: s.articles[0] for s in singles})
    if singles:
        out += ["## Articles that overlap nothing else", ""]
        out += _article_table([s.articles[0] for s in singles], labels, infos)
        out.append("")
    out += _duplicates(report, labels, infos)
    out += _pairwise(report, labels)
    out += _appendix(report, labels)
    return "\n".join(out).rstrip("\n") + "\n"


# ---------------------------------------------------------------- pieces


def _summary(report: Report) -> list[str]:
    s = report.summary
    sources = ", ".join(s.sources) if s.sources else "none given"
    if s.unknown_source_articles:
        sources += f" ({s.unknown_source_articles} article{'s' if s.unknown_source_articles != 1 else ''} without a source)"
    dates = f"{s.first_date} to {s.last_date}" if s.first_date else "no dates given"
    return [
        "| | |",
        "|---|---|",
        f"| Articles | {s.articles} |",
        f"| Sources | {_cell(sources)} |",
        f"| Date range | {dates} |",
        f"| Near-duplicate groups | {s.duplicate_groups} |",
        f"| Story clusters | {s.stories} ({s.multi_article_stories} with two or more articles) |",
        f"| Boilerplate removed | {s.boilerplate_blocks} blocks from {s.boilerplate_articles} articles ([appendix](#{slug('Appendix: boilerplate removed')})) |",
        "",
    ]


def _picture(report: Report, labels: dict[str, str], infos: dict[str, ArticleInfo], heatmap: str | None) -> list[str]:
    out = ["## Picture", ""]
    if heatmap:
        # Percent-encoded: a space or parenthesis in the file name ends a Markdown link target.
        out += [f"![Pairwise similarity heatmap, articles ordered by story]({url_quote(heatmap)})", ""]
    multi = [s for s in report.stories if len(s.articles) > 1]
    shown = report.stories if len(report.articles) <= MERMAID_MAX_NODES else multi
    nodes = sum(len(s.articles) for s in shown)
    if nodes > MERMAID_MAX_NODES or (not multi and not report.pairs):
        if not heatmap:
            out += ["No graph: " + ("too many articles to draw." if nodes > MERMAID_MAX_NODES else "no two articles overlap."), ""]
        return out
    drawn = {a for s in shown for a in s.articles}
    out += ["Boxes are stories; thick lines are near-duplicates, thin lines the story links that were aligned as evidence (story score), dotted lines related stories.", "", "```mermaid", "graph LR"]
    for story in shown:
        if len(story.articles) > 1:
            out.append(f'  subgraph S{story.number}["Story {story.number}"]')
        for article_id in story.articles:
            info = infos[article_id]
            caption = mermaid_label(f"{labels[article_id]}: {shorten(info.title or article_id, 40)}" + (f" ({info.source})" if info.source else ""))
            out.append(f'    {labels[article_id]}["{caption}"]')
        if len(story.articles) > 1:
            out.append("  end")
    # Near-duplicate pairs, and the story pairs that were aligned as evidence
    # (a spanning tree plus close links): all same-story links would be a hairball.
    evidence = {(e.a, e.b) for s in shown for e in s.evidence}
    for pair in report.pairs:
        if pair.a not in drawn or pair.b not in drawn:
            continue
        if pair.relation in ("duplicate", "near-duplicate", "contained"):
            out.append(f'  {labels[pair.a]} ===|"{pair.relation} {pair.score:.2f}"| {labels[pair.b]}')
        elif pair.relation == "same story" and (pair.a, pair.b) in evidence:
            out.append(f'  {labels[pair.a]} ---|"{pair.score:.3f}"| {labels[pair.b]}')
    boxed = {s.number for s in shown if len(s.articles) > 1}
    for (first, second), (_count, best) in sorted(related_stories(report).items()):
        if first in boxed and second in boxed:
            out.append(f'  S{first} -.-|"related {best:.3f}"| S{second}')
    out += ["```", ""]
    return out


def _story(
    story: Story,
    heading: str,
    labels: dict[str, str],
    infos: dict[str, ArticleInfo],
    related: dict[tuple[int, int], tuple[int, float]],
    headings: dict[int, str],
    singles: dict[int, str],
) -> list[str]:
    out = [f"## {_inline(heading)}", ""]
    sources = ", ".join(story.sources) if story.sources else "no source given"
    dates = f"{story.first_date} to {story.last_date}" if story.first_date else "no dates given"
    out += [f"{len(story.articles)} articles; sources: {_inline(sources)}; dates: {dates}.", ""]
    out += _article_table(story.articles, labels, infos)
    out.append("")
    if related:
        links = []
        for (first, second), (count, best) in sorted(related.items()):
            if story.number in (first, second):
                other = second if first == story.number else first
                if other in headings:
                    name, anchor = f"Story {other}", slug(headings[other])
                else:  # a story of one is listed with the articles that overlap nothing else
                    name, anchor = labels[singles[other]], slug("Articles that overlap nothing else")
                links.append(f"[{name}](#{anchor}) ({count} article pair{'s' if count != 1 else ''}, best score {best:.3f})")
        if links:
            out += ["Related but below the story threshold: " + "; ".join(links) + ".", ""]

    out += ["### Why these articles are grouped", ""]
    if story.evidence:
        rows = [
            f"| {labels[e.a]} – {labels[e.b]} | {e.score:.3f} | {_cell(', '.join(e.shared_names) or '–')} | {e.shared_sentences} | {e.shared_quotes} | {e.verdict or 'not compared'} |"
            for e in story.evidence
        ]
        out += _folded(
            ["| Pair | Story score | Shared names and words | Shared sentences | Shared quotes | Pair verdict |", "|---|---:|---|---:|---:|---|"],
            rows,
            "more pairs",
        )
        examples = [(e, text) for e in story.evidence for text in e.examples[:1]]
        if examples:
            out += ["<details><summary>Shared sentences behind the scores</summary>", ""]
            out += [f"- {labels[e.a]} – {labels[e.b]}: {_inline(text)}" for e, text in examples]
            out += ["", "</details>", ""]
    else:
        out += ["Grouped as near-duplicates or on the story score only; no sentence alignment was possible.", ""]

    out += [f"### Agreements ({len(story.agreements)})", ""]
    if story.agreements:
        rows = [
            f"| {_agreement_cell(a, labels)} | {_carriers(a.articles, a.sources, labels)}{_republished(a, labels)} |"
            for a in story.agreements
        ]
        out += _folded(["| Claim (each differing wording) | Carried by |", "|---|---|"], rows, "more agreements")
    else:
        out += ["No claim is carried by two or more sources.", ""]

    out += [f"### Divergences ({len(story.divergences)})", ""]
    if story.divergences:
        rows = []
        for d in story.divergences:
            pair = labels[d.a] + (f" – {labels[d.b]}" if d.b else "")
            rows.append(
                f"| {d.kind} | {pair} | {_cell(shorten(d.a_text or '', 200))} | {_cell(shorten(d.b_text or '', 200))} | {_cell(shorten(d.detail, 300))} |"
            )
        out += _folded(["| Kind | Articles | First | Second | Detail |", "|---|---|---|---|---|"], rows, "more divergences")
    else:
        out += ["None found.", ""]

    out += ["### Quotes by speaker", ""]
    if story.quotes:
        rows = []
        for quote in story.quotes:
            for n, wording in enumerate(quote.wordings):
                speaker = _cell(quote.speaker) if n == 0 else "″"
                cues = _cell(", ".join(wording.cues) or "–")
                rows.append(f"| {speaker} | {_cell(shorten(wording.text, 300))} | {cues} | {_carriers(wording.articles, wording.sources, labels)} |")
        out += _folded(["| Speaker | Wording | Cue | Carried by |", "|---|---|---|---|"], rows, "more quotes")
    else:
        out += ["No quotes found.", ""]
    return out


def _threads(report: Report, labels: dict[str, str], headings: dict[int, str]) -> list[str]:
    """Related stories (one topic, other times) as threads, each a timeline of its events."""
    if not report.threads:
        return []
    out = [
        "## Threads of related coverage",
        "",
        "Stories of one topic at different times: each row is one event (a story), oldest first; "
        "dates marked * were read from the article text.",
        "",
    ]
    infos = {info.id: info for info in report.articles}
    for thread in report.threads:
        out += [f"### Thread {thread.number} ({len(thread.events)} events)", "", "| Date | Event | Articles | Sources |", "|---|---|---|---|"]
        for event in thread.events:
            inferred = any(infos[a].is_inferred("published") for a in event.articles if infos[a].published == event.date)
            when = (event.date or "date unknown") + (" *" if inferred and event.date else "")
            if event.last_date and event.last_date != event.date:
                when += f" to {event.last_date}"
            if event.story in headings:
                name = f"[Story {event.story}](#{slug(headings[event.story])})"
            else:
                name = _cell(shorten(event.title or event.articles[0], 80))
            members = ", ".join(labels[a] for a in event.articles)
            sources = ", ".join(event.sources) if event.sources else "–"
            out.append(f"| {_cell(when)} | {name} | {members} | {_cell(sources)} |")
        out.append("")
    return out


def _agreement_cell(agreement: Agreement, labels: dict[str, str]) -> str:
    """The first wording, then every other article's wording when it differs from it."""
    first_id, first_text = agreement.wordings[0]
    parts = [f"{labels[first_id]}: {_cell(shorten(first_text, 300))}"]
    seen = {_words_key(first_text)}
    for article_id, text in agreement.wordings[1:]:
        if _words_key(text) not in seen:
            seen.add(_words_key(text))
            parts.append(f"{labels[article_id]}: {_cell(shorten(text, 300))}")
    if len(parts) == 1:
        return _cell(shorten(first_text, 300))
    return "<br>".join(parts)


def _republished(agreement: Agreement, labels: dict[str, str]) -> str:
    """ "; also republished by A6, A7": copies of a carrying article, one voice with it."""
    if not agreement.republished:
        return ""
    return "; also republished by " + ", ".join(labels[i] for i in agreement.republished)


def _words_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _article_table(ids: Sequence[str], labels: dict[str, str], infos: dict[str, ArticleInfo]) -> list[str]:
    rows = ["| | Title | Source | Date | Words | Id |", "|---|---|---|---|---:|---|"]
    if any(infos[a].inferred for a in ids):
        rows = ["Values marked * were read from the article text (no metadata gave them).", "", *rows]
    for article_id in ids:
        info = infos[article_id]
        rows.append(
            f"| {labels[article_id]} | {_cell(info.title or '(no title)')} | {_cell((info.source or '–') + (' *' if info.is_inferred('source') else ''))} | {_cell((info.published or '–') + (' *' if info.is_inferred('published') else ''))} | {info.words} | {markdown_code(article_id, table=True)} |"
        )
    return rows


def _duplicates(report: Report, labels: dict[str, str], infos: dict[str, ArticleInfo]) -> list[str]:
    out = ["## Near-duplicate groups", ""]
    if not report.duplicate_groups:
        return [*out, "No near-duplicates: every article is its own version.", ""]
    for number, group in enumerate(report.duplicate_groups, 1):
        out += [f"### Group {number} ({len(group.articles)} articles)", ""]
        rows = ["| | Title | Source | Date | Words | Note |", "|---|---|---|---|---:|---|"]
        for article_id in group.articles:
            info = infos[article_id]
            notes = [word for word, flag in (("earliest", article_id == group.earliest), ("longest", article_id == group.longest)) if flag]
            rows.append(
                f"| {labels[article_id]} | {_cell(info.title or '(no title)')} | {_cell(info.source or '–')} | {_cell(info.published or '–')} | {info.words} | {', '.join(notes)} |"
            )
        out += rows
        if group.earliest is None:
            out += ["", "No member has a date, so none is marked earliest."]
        out += ["", "| Pair | Relation | Score |", "|---|---|---:|"]
        out += [f"| {labels[p.a]} – {labels[p.b]} | {p.relation} | {p.score:.3f} |" for p in group.pairs]
        out.append("")
    return out


def _pairwise(report: Report, labels: dict[str, str]) -> list[str]:
    out = ["## Pairwise similarity", ""]
    if not report.pairs:
        return [*out, "No two articles share distinctive phrasing.", ""]
    out += [
        "Scores: Jaccard of word shingles for duplicates (containment for \"contained\"); "
        "for stories, the story score: the probability that the two report the same story "
        "(shared content words, names, figures and how far apart their dates are; "
        "\"related\" pairs score high on the same topic but are far apart in time).",
        "",
    ]
    if len(report.articles) <= MATRIX_MAX_ARTICLES:
        score = {}
        for p in report.pairs:
            score[(p.a, p.b)] = score[(p.b, p.a)] = p.score
        ids = [info.id for info in report.articles]
        out.append("| | " + " | ".join(labels[i] for i in ids) + " |")
        out.append("|---|" + "---:|" * len(ids))
        for row in ids:
            cells = ["—" if row == col else (f"{score[(row, col)]:.2f}" if (row, col) in score else "") for col in ids]
            out.append(f"| {labels[row]} | " + " | ".join(cells) + " |")
        out.append("")
        return out
    ranked = sorted(report.pairs, key=lambda p: (-p.score, labels[p.a], labels[p.b]))
    rows = [f"| {labels[p.a]} | {labels[p.b]} | {p.relation} | {p.score:.3f} |" for p in ranked[:TOP_PAIRS]]
    out += [f"The {min(TOP_PAIRS, len(ranked))} highest of {len(ranked)} scored pairs (all are in the JSON):", ""]
    out += _folded(["| A | B | Relation | Score |", "|---|---|---|---:|"], rows, "more pairs")
    return out


def _appendix(report: Report, labels: dict[str, str]) -> list[str]:
    out = ["## Appendix: boilerplate removed", ""]
    if not report.boilerplate:
        return [*out, "Nothing was removed.", ""]
    out += ["Site chrome dropped before comparison, so that it never counts as shared content.", ""]
    by_article: dict[str, list[tuple[str, str]]] = {}
    for removed in report.boilerplate:
        by_article.setdefault(removed.article, []).append((removed.reason, removed.text))
    for article_id, rows in by_article.items():
        out += [f"<details><summary>{labels[article_id]} <code>{markdown_html(article_id)}</code>: {len(rows)} blocks</summary>", ""]
        out += ["| Reason | Text |", "|---|---|"]
        out += [f"| {_cell(reason)} | {_cell(shorten(text, 200))} |" for reason, text in rows]
        out += ["", "</details>", ""]
    return out


# ---------------------------------------------------------------- helpers


def _folded(header: list[str], rows: list[str], what: str) -> list[str]:
    """A table whose rows beyond FOLD_ROWS fold into <details>."""
    if len(rows) <= FOLD_ROWS:
        return [*header, *rows, ""]
    return [
        *header,
        *rows[:FOLD_ROWS],
        "",
        f"<details><summary>{len(rows) - FOLD_ROWS} {what}</summary>",
        "",
        *header,
        *rows[FOLD_ROWS:],
        "",
        "</details>",
        "",
    ]


def _carriers(ids: Sequence[str], sources: Sequence[str], labels: dict[str, str]) -> str:
    return carriers(ids, sources, labels, _cell)


def _cell(text: str) -> str:
    """Safe inside a table cell: one line, no pipes, no HTML, no links."""
    return markdown_cell(text)


def _inline(text: str) -> str:
    return markdown_text(text)


def render_index_matches(matches: dict[str, list[dict[str, object]]]) -> str:
    """The ``--index`` section: articles of the report already held by the index."""
    out = ["", "## Already in the index", ""]
    if not matches:
        return "\n".join([*out, "None of these articles is a near-duplicate of an indexed article.", ""])
    out += ["| Article | Indexed article | Title | Source | Date | Relation | Jaccard | Containment |", "|---|---|---|---|---|---|---:|---:|"]
    for article_id, rows in matches.items():
        for row in rows:
            out.append(
                f"| {markdown_code(article_id, table=True)} | {markdown_code(str(row['id']), table=True)} | {_cell(str(row['title'] or '(no title)'))} | "
                f"{_cell(str(row['source'] or '–'))} | {_cell(str(row['published'] or '–'))} | {row['relation']} | {row['jaccard']:.3f} | {row['containment']:.3f} |"
            )
    return "\n".join([*out, ""]) + "\n"
