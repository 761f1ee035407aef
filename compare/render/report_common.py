"""What the Markdown and HTML report renderers share: titles, anchors, related stories, carriers.

Format-independent helpers over report records; each renderer escapes for its own format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from compare.report.model import ArticleInfo, Report, Story


def story_title(story: Story, infos: dict[str, ArticleInfo]) -> str:
    """The first member title that reads like a headline, else any title, else the first id.

    Wire copy often opens with an editor's note ("(supersedes item in PEOPLE
    Pars)", "Embargoed to 1000 Tuesday") that the title guess takes for a headline.
    """
    titles = [title for a in story.articles if (title := infos[a].title)]
    for title in titles:
        if not EDITORS_NOTE.match(title):
            return shorten(title, 80)
    return shorten(titles[0], 80) if titles else story.articles[0]


EDITORS_NOTE = re.compile(r"^\s*(\(|embargoed\b)", re.IGNORECASE)


def related_stories(report: Report) -> dict[tuple[int, int], tuple[int, float]]:
    """(story, story) -> (number of "related" article pairs between them, best score)."""
    story_of = {a: s.number for s in report.stories for a in s.articles}
    related: dict[tuple[int, int], tuple[int, float]] = {}
    for pair in report.pairs:
        if pair.relation != "related":
            continue
        first, second = sorted((story_of[pair.a], story_of[pair.b]))
        count, best = related.get((first, second), (0, 0.0))
        related[first, second] = (count + 1, max(best, pair.score))
    return related


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


SLUG_DROP = re.compile(r"[^\w\- ]")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return SLUG_DROP.sub("", " ".join(heading.split()).lower()).replace(" ", "-")


def carriers(ids: Sequence[str], sources: Sequence[str], labels: dict[str, str], escape: Callable[[str], str]) -> str:
    """The labels of the articles carrying something, with their sources escaped for the format."""
    carried = ", ".join(labels[i] for i in ids)
    return f"{carried} ({escape(', '.join(sources))})" if sources else carried
