"""Regenerate the golden outputs of ``pair`` on seed pairs (on purpose, after a reviewed change).

    PYTHONPATH=. python scripts/regen_pair_golden.py

Writes ``tests/golden/pair_<A>_<B>.{txt,md,json}``; ``tests/test_pair_golden.py``
compares fresh output with them exactly. Review ``git diff tests/golden``
before committing: every changed line is a behaviour change.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "fixtures" / "seeds"
GOLDEN = REPO / "tests" / "golden"
#: Seed pairs with golden outputs: shared claims (001/003), a shared quote (000/004),
#: a figure conflict and a names difference (000/003).
PAIRS = (("001", "003"), ("000", "004"), ("000", "003"))


def seed(prefix: str):
    from compare.load.articles import load_article

    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return dataclasses.replace(load_article(path), id=path.name)


def render_all(first: str, second: str) -> dict[str, str]:
    """The three renderings of one seed pair, by file suffix."""
    from compare.pair.compare import compare_articles
    from compare.render.pair_json import render_pair_json
    from compare.render.pair_markdown import render_pair_markdown
    from compare.render.pair_text import render_pair_text

    comparison = compare_articles(seed(first), seed(second))
    return {
        "txt": render_pair_text(comparison, color=False),
        "md": render_pair_markdown(comparison),
        "json": render_pair_json(comparison),
    }


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for first, second in PAIRS:
        for suffix, text in render_all(first, second).items():
            path = GOLDEN / f"pair_{first}_{second}.{suffix}"
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
