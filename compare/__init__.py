"""article-compare: near-duplicate detection, pairwise comparison and overlap reports for news.

Three pipelines, one subpackage per stage (``text`` -> ``load`` -> ``dedup`` /
``pair`` -> ``report`` -> ``render``). The public API below is imported lazily,
so that ``import compare`` stays cheap: datasketch alone takes half a second to
import and ``pair`` never needs it.

>>> import compare
>>> comparison = compare.compare_articles("The minister said the plant will open in May.",
...                                       "The plant will open in May, the minister said.")
>>> comparison.verdict, len(comparison.alignments)
('near-duplicate', 1)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compare.article import Article
    from compare.dedup.batch import DedupResult, DuplicatePair, find_duplicates
    from compare.dedup.fingerprint import Fingerprint, FingerprintSettings, fingerprint
    from compare.dedup.index import open_index
    from compare.dedup.index.base import ArticleIndex, IndexStats, default_index_spec
    from compare.dedup.stream import IngestResult, Match, ingest
    from compare.errors import (
        ArticleCompareError,
        ArticleTooLongError,
        EmptyArticleError,
        IndexStoreError,
        InputError,
        SettingsMismatchError,
    )
    from compare.load.articles import iter_articles, load_article
    from compare.pair.compare import compare_articles
    from compare.pair.model import (
        Alignment,
        Comparison,
        DiffOp,
        Divergence,
        Quote,
        QuoteMatch,
        Similarity,
    )
    from compare.pair.quotes import extract_quotes
    from compare.report.build import build_report
    from compare.report.model import (
        Agreement,
        ArticleInfo,
        DuplicateGroup,
        PairRelation,
        RemovedText,
        Report,
        Story,
        StoryEvidence,
        StoryQuote,
        Summary,
    )
    from compare.report.model import Divergence as StoryDivergence
    from compare.report.trace import trace_quotes
    from compare.text.chrome import BoilerplateLearner, CleanText, RemovedBlock, strip_boilerplate
    from compare.text.sentences import Sentence, split_sentences


def _version() -> str:
    # importlib.metadata (and the email package it loads) costs ~30-80 ms: read only when asked for.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("article-compare")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


#: Public name -> (module, attribute there).
_LAZY: dict[str, tuple[str, str]] = {
    name: (module, attribute)
    for module, names in {
        "compare.article": ["Article"],
        "compare.load.articles": ["iter_articles", "load_article"],
        "compare.errors": [
            "ArticleCompareError", "ArticleTooLongError", "EmptyArticleError",
            "IndexStoreError", "InputError", "SettingsMismatchError",
        ],
        "compare.text.chrome": ["BoilerplateLearner", "CleanText", "RemovedBlock", "strip_boilerplate"],
        "compare.text.sentences": ["Sentence", "split_sentences"],
        "compare.dedup.batch": ["DedupResult", "DuplicatePair", "find_duplicates"],
        "compare.dedup.fingerprint": ["Fingerprint", "FingerprintSettings", "fingerprint"],
        "compare.dedup.index": ["open_index"],
        "compare.dedup.index.base": ["ArticleIndex", "IndexStats", "default_index_spec"],
        "compare.dedup.stream": ["IngestResult", "Match", "ingest"],
        "compare.pair.compare": ["compare_articles"],
        "compare.pair.quotes": ["extract_quotes"],
        "compare.report.trace": ["trace_quotes"],
        "compare.pair.model": ["Alignment", "Comparison", "DiffOp", "Divergence", "Quote", "QuoteMatch", "Similarity"],
        "compare.report.build": ["build_report"],
        "compare.report.model": [
            "Agreement", "ArticleInfo", "DuplicateGroup", "PairRelation", "RemovedText",
            "Report", "Story", "StoryEvidence", "StoryQuote", "Summary",
        ],
    }.items()
    for name in names
    for attribute in (name,)
}
_LAZY["StoryDivergence"] = ("compare.report.model", "Divergence")

__all__ = [
    "Agreement",
    "Alignment",
    "Article",
    "ArticleCompareError",
    "ArticleIndex",
    "ArticleInfo",
    "ArticleTooLongError",
    "BoilerplateLearner",
    "CleanText",
    "Comparison",
    "DedupResult",
    "DiffOp",
    "Divergence",
    "DuplicateGroup",
    "DuplicatePair",
    "EmptyArticleError",
    "Fingerprint",
    "FingerprintSettings",
    "IndexStats",
    "IndexStoreError",
    "IngestResult",
    "InputError",
    "Match",
    "PairRelation",
    "Quote",
    "QuoteMatch",
    "RemovedBlock",
    "RemovedText",
    "Report",
    "Sentence",
    "SettingsMismatchError",
    "Similarity",
    "Story",
    "StoryDivergence",
    "StoryEvidence",
    "StoryQuote",
    "Summary",
    "build_report",
    "compare_articles",
    "default_index_spec",
    "extract_quotes",
    "find_duplicates",
    "fingerprint",
    "ingest",
    "iter_articles",
    "load_article",
    "open_index",
    "split_sentences",
    "strip_boilerplate",
    "trace_quotes",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    found = _LAZY.get(name)
    if found is None:
        raise AttributeError(f"module 'compare' has no attribute {name!r}")
    module, attribute = found
    value = getattr(import_module(module), attribute)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
