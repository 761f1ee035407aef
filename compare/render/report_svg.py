"""A pairwise similarity heatmap as a standalone SVG: pure Python, no plotting library.

Articles are ordered by story, so each story is a dark block on the diagonal
and a pair of stories that share content shows as an off-diagonal patch. A
thin outline marks each story. Written beside the Markdown report and linked
from it (GitHub shows SVG images inline).
"""

from __future__ import annotations

from compare.report.model import Report

#: Larger sets draw only their first articles in story order: a 1,000-row
#: SVG is a million rectangles no browser wants.
MAX_ARTICLES = 120
#: Story score drawn darkest (near-duplicates are always darkest).
STORY_SCALE = 0.2
_CELL = 12
_MARGIN = 46


def render_report_svg(report: Report) -> str:
    """The heatmap of ``report.pairs`` (darker = more similar; near-duplicates darkest)."""
    order = [article_id for story in report.stories for article_id in story.articles][:MAX_ARTICLES]
    labels = {info.id: f"A{n}" for n, info in enumerate(report.articles, 1)}
    index = {article_id: i for i, article_id in enumerate(order)}
    n = len(order)
    size = _MARGIN + n * _CELL + 10
    width = max(size, 380)
    height = size + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="8">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="4" y="12" font-size="10">Pairwise similarity, {n} articles ordered by story</text>',
    ]
    for article_id, i in index.items():
        y = _MARGIN + i * _CELL + _CELL - 3
        x = _MARGIN + i * _CELL + _CELL - 3
        out.append(f'<text x="{_MARGIN - 3}" y="{y}" text-anchor="end">{labels[article_id]}</text>')
        out.append(f'<text x="{x}" y="{_MARGIN - 3}" transform="rotate(-90 {x} {_MARGIN - 3})">{labels[article_id]}</text>')
        out.append(_cell(i, i, "#08306b", f"{labels[article_id]}"))
    for pair in report.pairs:
        if pair.a not in index or pair.b not in index:
            continue
        shade = _shade(pair.score, pair.relation)
        title = f"{labels[pair.a]} – {labels[pair.b]}: {pair.relation} {pair.score:.3f}"
        out.append(_cell(index[pair.a], index[pair.b], shade, title))
        out.append(_cell(index[pair.b], index[pair.a], shade, title))
    start = 0
    for story in report.stories:
        count = sum(1 for a in story.articles if a in index)
        if count > 1:
            xy = _MARGIN + start * _CELL
            out.append(f'<rect x="{xy}" y="{xy}" width="{count * _CELL}" height="{count * _CELL}" fill="none" stroke="#d94801" stroke-width="1.5"/>')
        start += count
    legend_y = size + 8
    out.append(f'<text x="4" y="{legend_y + 8}">score</text>')
    for step in range(6):
        value = STORY_SCALE * step / 5
        label = f"{value:.2f}" + ("+" if step == 5 else "")
        out.append(f'<rect x="{40 + step * 26}" y="{legend_y}" width="24" height="10" fill="{_shade(value, "same story")}" stroke="#ccc" stroke-width="0.5"/>')
        out.append(f'<text x="{40 + step * 26}" y="{legend_y + 20}">{label}</text>')
    out.append(f'<text x="{206}" y="{legend_y + 8}">near-duplicates darkest;</text>')
    out.append(f'<text x="{206}" y="{legend_y + 18}">orange outline = story cluster</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _cell(row: int, col: int, fill: str, title: str) -> str:
    x, y = _MARGIN + col * _CELL, _MARGIN + row * _CELL
    return f'<rect x="{x}" y="{y}" width="{_CELL - 1}" height="{_CELL - 1}" fill="{fill}"><title>{title}</title></rect>'


def _shade(score: float, relation: str) -> str:
    """White to dark blue. Story scores are small (a story link starts near 0.01),
    so the scale saturates at STORY_SCALE and is stretched by a square root."""
    if relation in ("duplicate", "near-duplicate", "contained"):
        return "#08306b"
    level = min(1.0, max(0.0, score) / STORY_SCALE) ** 0.5
    low, high = (247, 251, 255), (8, 48, 107)
    rgb = tuple(round(lo + (hi - lo) * level) for lo, hi in zip(low, high, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb)
