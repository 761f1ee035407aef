"""The overlap report as one self-contained HTML page: a pure function of the Report.

Same sections as the Markdown (``report_markdown``), with the heatmap SVG
inlined instead of a Mermaid graph (which needs JavaScript), so the page can
be mailed or archived as a single file. No scripts, no external resources.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from compare.render.report_common import carriers, related_stories, slug, story_title
from compare.render.report_svg import render_report_svg
from compare.report.model import ArticleInfo, Report, Story

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; vertical-align: top; text-align: left; }
th { background: #f3f4f6; }
td.num { text-align: right; }
code { font-size: 0.9em; }
summary { cursor: pointer; margin: 0.5rem 0; }
"""


def render_report_html(
    report: Report, *, title: str = "Overlap report", index_matches: dict[str, list[dict[str, object]]] | None = None
) -> str:
    """Render ``report`` as a standalone HTML page (``index_matches``: the ``--index`` lookup)."""
    labels = {info.id: f"A{n}" for n, info in enumerate(report.articles, 1)}
    infos = {info.id: info for info in report.articles}
    multi = [s for s in report.stories if len(s.articles) > 1]
    singles = [s for s in report.stories if len(s.articles) == 1]
    headings = {s.number: f"Story {s.number}: {story_title(s, infos)}" for s in multi}
    related = related_stories(report)
    s = report.summary
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        _table(
            ["", ""],
            [
                ["Articles", str(s.articles)],
                ["Sources", escape(", ".join(s.sources) or "none given") + (f" ({s.unknown_source_articles} without a source)" if s.unknown_source_articles else "")],
                ["Date range", f"{s.first_date} to {s.last_date}" if s.first_date else "no dates given"],
                ["Near-duplicate groups", str(s.duplicate_groups)],
                ["Story clusters", f"{s.stories} ({s.multi_article_stories} with two or more articles)"],
                ["Boilerplate removed", f'{s.boilerplate_blocks} blocks from {s.boilerplate_articles} articles (<a href="#appendix">appendix</a>)'],
            ],
        ),
        "<h2>Contents</h2><ul>",
        *[f'<li><a href="#{slug(headings[st.number])}">{escape(headings[st.number])}</a> ({len(st.articles)} articles)</li>' for st in multi],
        '<li><a href="#singles">Articles that overlap nothing else</a></li>' if singles else "",
        '<li><a href="#threads">Threads of related coverage</a></li>' if report.threads else "",
        '<li><a href="#duplicates">Near-duplicate groups</a></li><li><a href="#pairs">Pairwise similarity</a></li><li><a href="#appendix">Appendix: boilerplate removed</a></li></ul>',
    ]
    if len(report.articles) > 1:
        out += ["<h2>Picture</h2>", render_report_svg(report)]
    out += _threads(report, labels, headings)
    for story in multi:
        out += _story(story, headings, labels, infos, related, {st.number: st.articles[0] for st in singles})
    if singles:
        out += ['<h2 id="singles">Articles that overlap nothing else</h2>', _articles([st.articles[0] for st in singles], labels, infos)]
    out += _duplicates(report, labels, infos)
    out += _pairs(report, labels)
    out += _appendix(report, labels)
    if index_matches is not None:
        out.append("<h2>Already in the index</h2>")
        rows = [
            [f"<code>{escape(a)}</code>", f"<code>{escape(str(m['id']))}</code>", escape(str(m["title"] or "(no title)")), escape(str(m["relation"])), f"{m['jaccard']:.3f}", f"{m['containment']:.3f}"]
            for a, matches in index_matches.items()
            for m in matches
        ]
        out.append(_table(["Article", "Indexed article", "Title", "Relation", "Jaccard", "Containment"], rows) if rows else "<p>None of these articles is a near-duplicate of an indexed article.</p>")
    out.append("</body></html>")
    return "\n".join(line for line in out if line) + "\n"


def _story(
    story: Story,
    headings: dict[int, str],
    labels: dict[str, str],
    infos: dict[str, ArticleInfo],
    related: dict[tuple[int, int], tuple[int, float]],
    singles: dict[int, str],
) -> list[str]:
    heading = headings[story.number]
    dates = f"{story.first_date} to {story.last_date}" if story.first_date else "no dates given"
    out = [
        f'<h2 id="{slug(heading)}">{escape(heading)}</h2>',
        f"<p>{len(story.articles)} articles; sources: {escape(', '.join(story.sources) or 'no source given')}; dates: {dates}.</p>",
        _articles(story.articles, labels, infos),
    ]
    links = []
    for (first, second), (count, best) in sorted(related.items()):
        if story.number in (first, second):
            other = second if first == story.number else first
            target = (f"Story {other}", slug(headings[other])) if other in headings else (labels[singles[other]], "singles")
            links.append(f'<a href="#{target[1]}">{escape(target[0])}</a> ({count} article pairs, best score {best:.3f})')
    if links:
        out.append("<p>Related but below the story threshold: " + "; ".join(links) + ".</p>")
    out.append("<h3>Why these articles are grouped</h3>")
    out.append(
        _table(
            ["Pair", "Story score", "Shared names and words", "Shared sentences", "Shared quotes", "Pair verdict", "Example"],
            [
                [f"{labels[e.a]} – {labels[e.b]}", f"{e.score:.3f}", escape(", ".join(e.shared_names) or "–"), str(e.shared_sentences), str(e.shared_quotes), escape(e.verdict or "not compared"), escape(e.examples[0]) if e.examples else ""]
                for e in story.evidence
            ],
        )
        if story.evidence
        else "<p>Grouped as near-duplicates or on the story score only.</p>"
    )
    out.append(f"<h3>Agreements ({len(story.agreements)})</h3>")
    out.append(
        _folded(
            ["Claim, as each article words it", "Carried by"],
            [["<br>".join(f"{labels[a]}: {escape(t)}" for a, t in ag.wordings), _carriers(ag.articles, ag.sources, labels) + ("; also republished by " + ", ".join(labels[i] for i in ag.republished) if ag.republished else "")] for ag in story.agreements],
            "agreements",
        )
        if story.agreements
        else "<p>No claim is carried by two or more sources.</p>"
    )
    out.append(f"<h3>Divergences ({len(story.divergences)})</h3>")
    out.append(
        _folded(
            ["Kind", "Articles", "First", "Second", "Detail"],
            [
                [escape(d.kind), labels[d.a] + (f" – {labels[d.b]}" if d.b else ""), escape(d.a_text or ""), escape(d.b_text or ""), escape(d.detail)]
                for d in story.divergences
            ],
            "divergences",
        )
        if story.divergences
        else "<p>None found.</p>"
    )
    out.append("<h3>Quotes by speaker</h3>")
    rows = [
        [escape(q.speaker) if n == 0 else "″", escape(w.text), escape(", ".join(w.cues) or "–"), _carriers(w.articles, w.sources, labels)]
        for q in story.quotes
        for n, w in enumerate(q.wordings)
    ]
    out.append(_folded(["Speaker", "Wording", "Cue", "Carried by"], rows, "quotes") if rows else "<p>No quotes found.</p>")
    return out


def _threads(report: Report, labels: dict[str, str], headings: dict[int, str]) -> list[str]:
    """Related stories (one topic, other times) as threads, each a timeline of its events."""
    if not report.threads:
        return []
    out = [
        '<h2 id="threads">Threads of related coverage</h2>',
        "<p>Stories of one topic at different times: each row is one event (a story), oldest first; values marked * were read from the article text.</p>",
    ]
    for thread in report.threads:
        rows = []
        for event in thread.events:
            when = (event.date or "date unknown") + (f" to {event.last_date}" if event.last_date and event.last_date != event.date else "")
            if event.story in headings:
                name = f'<a href="#{slug(headings[event.story])}">Story {event.story}</a>'
            else:
                name = escape(event.title or event.articles[0])
            rows.append([escape(when), name, escape(", ".join(labels[a] for a in event.articles)), escape(", ".join(event.sources) or "–")])
        out += [f"<h3>Thread {thread.number} ({len(thread.events)} events)</h3>", _table(["Date", "Event", "Articles", "Sources"], rows)]
    return out


def _articles(ids: Sequence[str], labels: dict[str, str], infos: dict[str, ArticleInfo]) -> str:
    return _table(
        ["", "Title", "Source", "Date", "Words", "Id"],
        [
            [
                labels[i],
                escape(infos[i].title or "(no title)"),
                escape((infos[i].source or "–") + (" *" if infos[i].is_inferred("source") else "")),
                escape((infos[i].published or "–") + (" *" if infos[i].is_inferred("published") else "")),
                str(infos[i].words),
                f"<code>{escape(i)}</code>",
            ]
            for i in ids
        ],
    )


def _duplicates(report: Report, labels: dict[str, str], infos: dict[str, ArticleInfo]) -> list[str]:
    out = ['<h2 id="duplicates">Near-duplicate groups</h2>']
    if not report.duplicate_groups:
        return [*out, "<p>No near-duplicates: every article is its own version.</p>"]
    for number, group in enumerate(report.duplicate_groups, 1):
        out.append(f"<h3>Group {number} ({len(group.articles)} articles)</h3>")
        notes = {a: ", ".join(w for w, f in (("earliest", a == group.earliest), ("longest", a == group.longest)) if f) for a in group.articles}
        out.append(_table(["", "Title", "Source", "Date", "Words", "Note"], [[labels[a], escape(infos[a].title or "(no title)"), escape(infos[a].source or "–"), escape(infos[a].published or "–"), str(infos[a].words), notes[a]] for a in group.articles]))
        out.append(_table(["Pair", "Relation", "Score"], [[f"{labels[p.a]} – {labels[p.b]}", p.relation, f"{p.score:.3f}"] for p in group.pairs]))
    return out


def _pairs(report: Report, labels: dict[str, str]) -> list[str]:
    out = ['<h2 id="pairs">Pairwise similarity</h2>']
    if not report.pairs:
        return [*out, "<p>No two articles share distinctive phrasing.</p>"]
    ranked = sorted(report.pairs, key=lambda p: (-p.score, labels[p.a], labels[p.b]))
    rows = [[labels[p.a], labels[p.b], p.relation, f"{p.score:.3f}"] for p in ranked]
    return [*out, _folded(["A", "B", "Relation", "Score"], rows, "pairs")]


def _appendix(report: Report, labels: dict[str, str]) -> list[str]:
    out = ['<h2 id="appendix">Appendix: boilerplate removed</h2>']
    if not report.boilerplate:
        return [*out, "<p>Nothing was removed.</p>"]
    by_article: dict[str, list[list[str]]] = {}
    for removed in report.boilerplate:
        by_article.setdefault(removed.article, []).append([escape(removed.reason), escape(removed.text)])
    for article_id, rows in by_article.items():
        out.append(f"<details><summary>{labels[article_id]} <code>{escape(article_id)}</code>: {len(rows)} blocks</summary>{_table(['Reason', 'Text'], rows)}</details>")
    return out


def _carriers(ids: Sequence[str], sources: Sequence[str], labels: dict[str, str]) -> str:
    return carriers(ids, sources, labels, escape)


def _folded(header: list[str], rows: list[list[str]], what: str, keep: int = 8) -> str:
    if len(rows) <= keep:
        return _table(header, rows)
    return _table(header, rows[:keep]) + f"<details><summary>{len(rows) - keep} more {what}</summary>{_table(header, rows[keep:])}</details>"


def _table(header: list[str], rows: list[list[str]]) -> str:
    """Cells are HTML already (escaped by the caller); numbers are right-aligned."""
    head = "".join(f"<th>{h}</th>" for h in header) if any(header) else ""
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' if _is_number(c) else f"<td>{c}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table>{f'<tr>{head}</tr>' if head else ''}{body}</table>"


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
