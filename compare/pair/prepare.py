"""Prepare an article for comparison: boilerplate stripped, sentences split, matching forms built."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from compare.article import Article
from compare.errors import ArticleTooLongError, EmptyArticleError
from compare.pair.claims import non_claim_reason
from compare.pair.matching import MatchForm, match_form
from compare.text.chrome import CleanText, strip_boilerplate
from compare.text.normalize import words
from compare.text.sentences import Sentence, split_sentences

#: Above this many characters an input is not an article; refusing it early
#: keeps the all-pairs matrix (sentences x sentences) from eating the machine.
DEFAULT_MAX_CHARS = 2_000_000
#: The per-article work limit of sentence-by-sentence comparison: at most this
#: many sentences, and this many quotation marks. 20,000 sentences is about
#: 2 MB of prose: a 1 MB text scraped onto one line (8,469 sentences, 4,589
#: quotation marks in one of PolNeAR's articles run together) is compared.
#: Before alignment was blocked and budgeted the limit was 1,000: text made of
#: many near-identical short sentences or quotes made ``report`` run for minutes
#: on one 60 KB article.
DEFAULT_MAX_SENTENCES = 20_000
#: The pair's part of the work limit: alignment and quote matching score every
#: sentence (and quote) of one article against every one of the other, so two
#: articles may make at most this many sentence pairs (and quote pairs):
#: 1,000 x 2,000 sentences, or a 1 MB text against a 230-sentence article. Two
#: 250 KB texts (2,100 sentences each) took 37 CPU-seconds.
DEFAULT_MAX_SENTENCE_PAIRS = 2_000_000
#: Part of the same work limit: no sentence longer than this many characters.
#: Quote attribution reads a sentence once per quote in it, so one 40 KB
#: "sentence" of quotes took a minute; the longest sentence in the
#: development corpora is 1,094 characters.
MAX_SENTENCE_CHARS = 10_000

_QUOTE_MARKS = '"“”„«»'
# Where a sentence can end: a cheap upper bound on the sentence count (with the line count).
_SENTENCE_END = re.compile(r"[.!?…。！？]+")

@dataclass(frozen=True, slots=True)
class Prepared:
    """An article split into sentences with their matching forms."""

    article: Article
    sentences: tuple[Sentence, ...]
    forms: tuple[MatchForm, ...]
    clean: CleanText
    #: Per sentence, why it is not a claim (headline, caption, byline, credit,
    #: dateline, tip line, promotion), or None: only claims are aligned.
    non_claims: tuple[str | None, ...] = ()

    def is_claim(self, index: int) -> bool:
        """True unless sentence ``index`` is a headline, caption, credit or other non-claim."""
        return not self.non_claims or self.non_claims[index] is None


def check_work_limit(
    article: Article, *, max_chars: int = DEFAULT_MAX_CHARS, max_sentences: int = DEFAULT_MAX_SENTENCES
) -> None:
    """Raise ``ArticleTooLongError`` when comparing ``article`` sentence by sentence would run away.

    The same limits ``prepare`` applies, checked up front (``build_report``
    reports such an article and leaves it out instead of failing the report).
    Most articles are settled by counting characters: the sentences are split
    only when there could be more than ``max_sentences`` of them.
    """
    _check_text(article, max_chars, max_sentences)
    text = article.text
    maybe_too_many = text.count("\n") + len(_SENTENCE_END.findall(text)) + 1 > max_sentences
    maybe_too_long = any(len(line) > MAX_SENTENCE_CHARS for line in text.split("\n"))
    if maybe_too_many or maybe_too_long:
        clean = strip_boilerplate(text, source=article.source)
        _check_sentences(article, split_sentences(article, clean=clean), max_sentences)


def within_work_limit(
    articles: Iterable[Article],
    *,
    max_sentences: int = DEFAULT_MAX_SENTENCES,
    on_error: Callable[[ArticleTooLongError], None] | None = None,
) -> list[Article]:
    """The articles within ``check_work_limit``, in order; the others go to ``on_error``.

    Without ``on_error`` the first article over the limit raises its
    ``ArticleTooLongError``. ``build_report`` and ``trace_quotes`` use this to
    leave such an article out with one line instead of failing the batch.
    """
    kept = []
    for article in articles:
        try:
            check_work_limit(article, max_sentences=max_sentences)
        except ArticleTooLongError as error:
            if on_error is None:
                raise
            on_error(error)
        else:
            kept.append(article)
    return kept


def _check_text(article: Article, max_chars: int, max_sentences: int) -> None:
    if len(article.text) > max_chars:
        raise ArticleTooLongError(
            f"{article.id}: {len(article.text):,} characters is too long to compare sentence by "
            f"sentence (limit {max_chars:,}); is this one article?"
        )
    marks = sum(article.text.count(mark) for mark in _QUOTE_MARKS)
    if marks > max_sentences:
        raise ArticleTooLongError(
            f"{article.id}: {marks:,} quotation marks is over the work limit for comparing sentence by "
            f"sentence ({max_sentences:,}); is this one article?"
        )


def _check_sentences(article: Article, sentences: Sequence[Sentence], max_sentences: int) -> None:
    if len(sentences) > max_sentences:
        raise ArticleTooLongError(
            f"{article.id}: {len(sentences):,} sentences is over the work limit for comparing sentence by "
            f"sentence ({max_sentences:,}); is this one article?"
        )
    longest = max((len(sentence.text) for sentence in sentences), default=0)
    if longest > MAX_SENTENCE_CHARS:
        raise ArticleTooLongError(
            f"{article.id}: a sentence of {longest:,} characters is over the work limit for comparing "
            f"sentence by sentence ({MAX_SENTENCE_CHARS:,}); is this prose?"
        )


def check_pair_work_limit(a: Prepared, b: Prepared, *, max_pairs: int = DEFAULT_MAX_SENTENCE_PAIRS) -> None:
    """Raise ``ArticleTooLongError`` when ``a`` and ``b`` make more than ``max_pairs`` sentence pairs."""
    pairs = len(a.sentences) * len(b.sentences)
    if pairs > max_pairs:
        raise ArticleTooLongError(
            f"{a.article.id} and {b.article.id}: {len(a.sentences):,} x {len(b.sentences):,} sentences is over "
            f"the work limit for comparing sentence by sentence ({max_pairs:,} pairs); compare shorter parts of them"
        )


def prepare(
    article: Article | str,
    *,
    default_id: str = "text",
    max_chars: int = DEFAULT_MAX_CHARS,
    max_sentences: int = DEFAULT_MAX_SENTENCES,
) -> Prepared:
    """Sentences and matching forms of one article (a string becomes an Article).

    Raises:
        ArticleTooLongError: over ``max_chars`` characters, or over
            ``max_sentences`` sentences or quotation marks (``check_work_limit``).
        EmptyArticleError: nothing left to compare once chrome is removed.
    """
    if isinstance(article, str):
        article = Article.from_text(article, id=default_id)
    elif not isinstance(article, Article):
        raise TypeError(
            f"compare_articles takes Article objects or strings, not {type(article).__name__}; "
            "load files with compare.load_article(path)"
        )
    _check_text(article, max_chars, max_sentences)
    clean = strip_boilerplate(article.text, source=article.source)
    sentences = tuple(split_sentences(article, clean=clean))
    _check_sentences(article, sentences, max_sentences)
    if not sentences:
        what = f"only site chrome ({len(clean.removed)} boilerplate lines)" if clean.removed else "no text"
        raise EmptyArticleError(f"{article.id}: nothing to compare: {what}")
    forms = tuple(match_form(s.text) for s in sentences)
    return Prepared(article, sentences, forms, clean, non_claims(article, sentences))


def non_claims(article: Article, sentences: Sequence[Sentence]) -> tuple[str | None, ...]:
    """Per sentence, ``compare.pair.claims.non_claim_reason`` (None for a claim). The headline is
    the first content block when it does not end like a sentence, or a sentence equal to the title."""
    blocks: dict[int, list[str]] = {}
    for s in sentences:
        blocks.setdefault(s.block, []).append(s.text)
    first_block = sentences[0].block if sentences else 0
    title = " ".join(words(article.title)) if article.title else None
    single = len(sentences) == 1
    reasons = []
    for s in sentences:
        headline = not single and (
            (s.block == first_block and not s.ends_sentence and len(blocks[s.block]) == 1)
            or (title is not None and _joined_words(s.text) == title)
        )
        block_text = " ".join(blocks[s.block]) if len(blocks[s.block]) <= 3 else ""
        reasons.append(_non_claim_reason(s.text, block_text, headline))
    return tuple(reasons)


# Per sentence text, cached: the two articles of a pair often share sentences (a syndicated
# copy, a quote both carry), and the reason is a handful of regular-expression scans.
@lru_cache(maxsize=16384)
def _non_claim_reason(text: str, block_text: str, headline: bool) -> str | None:
    return non_claim_reason(text, block_text=block_text, headline=headline)


@lru_cache(maxsize=16384)
def _joined_words(text: str) -> str:
    return " ".join(words(text))


def clear_caches() -> None:
    """Empty the per-sentence caches (benchmarks start each run cold)."""
    _non_claim_reason.cache_clear()
    _joined_words.cache_clear()
