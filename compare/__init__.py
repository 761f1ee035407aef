"""article-compare: near-duplicate detection, pairwise comparison and overlap reports for news.

The public API is imported lazily so that ``import compare`` stays cheap:
datasketch alone takes half a second to import and ``pair`` never needs it.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "Article": "compare.article",
    "iter_articles": "compare.load.articles",
    "load_article": "compare.load.articles",
    "compare_articles": "compare.pair.compare",
    "find_duplicates": "compare.dedup.batch",
    "build_report": "compare.report.build",
    "extract_quotes": "compare.pair.quotes",
    "trace_quotes": "compare.report.trace",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'compare' has no attribute {name!r}")
    return getattr(import_module(module), name)
