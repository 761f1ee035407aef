"""Regenerate the reports in ``reports/`` from ``fixtures/``: ``python -m evaluation.regenerate_reports``.

Each report is exactly what ``article-compare report PATHS --output reports/NAME.md``
(and ``--format json``) writes when run from the repository root; article ids
are the paths as given, relative to the root, so nothing depends on where the
clone lives. ``tests/test_reports_golden.py`` regenerates them in memory and
fails on any difference: a behaviour change shows up as a diff in review.
Pass ``--check`` to compare without writing (exit 1 on a difference).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from evaluation import REPO_DIR

REPO = REPO_DIR
REPORTS_DIR = REPO / "reports"

#: Report name -> input paths relative to the repository root.
REPORTS: dict[str, tuple[str, ...]] = {
    "seeds": ("fixtures/seeds",),
    "seeds-and-variants": ("fixtures/seeds", "fixtures/variants"),
    # Named folders, not "fixtures": fixtures/gold holds answer keys, not articles.
    "all-fixtures": ("fixtures/seeds", "fixtures/variants", "fixtures/formats", "fixtures/unrelated"),
}


def render_reports(repo: Path = REPO) -> dict[str, str]:
    """File name (under reports/) -> content, for every report in REPORTS."""
    from compare.load.articles import iter_articles
    from compare.render.report_markdown import render_report_markdown
    from compare.render.report_svg import render_report_svg
    from compare.report.build import build_report

    files = {}
    for name, paths in REPORTS.items():
        articles = [
            replace(a, id=Path(a.id).relative_to(repo).as_posix()) if Path(a.id).is_absolute() else a
            for a in iter_articles([repo / p for p in paths])
        ]
        report = build_report(articles)
        files[f"{name}.md"] = render_report_markdown(report, heatmap=f"{name}.svg")
        files[f"{name}.svg"] = render_report_svg(report)
        files[f"{name}.json"] = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    return files


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    files = render_reports()
    differing = []
    for name, content in files.items():
        path = REPORTS_DIR / name
        if path.exists() and path.read_text(encoding="utf-8") == content:
            continue
        differing.append(name)
        if not check:
            REPORTS_DIR.mkdir(exist_ok=True)
            path.write_text(content, encoding="utf-8")
    verb = "differ" if check else "written"
    print(f"{len(differing)} of {len(files)} report files {verb}: {', '.join(differing) or 'none'}")
    return 1 if check and differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
