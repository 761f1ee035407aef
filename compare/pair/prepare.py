"""Prepare an article for comparison: boilerplate stripped, sentences split, matching forms built."""

from __future__ import annotations

from dataclasses import dataclass

from compare.article import Article
from compare.errors import ArticleTooLongError, EmptyArticleError
from compare.pair.matching import MatchForm, match_form
from compare.text.normalize import CleanText, strip_boilerplate
from compare.text.sentences import Sentence, split_sentences

#: Above this many characters an input is not an article; refusing it early
#: keeps the all-pairs matrix (sentences x sentences) from eating the machine.
DEFAULT_MAX_CHARS = 2_000_000

@dataclass(frozen=True, slots=True)
class Prepared:
    """An article split into sentences with their matching forms."""

    article: Article
    sentences: tuple[Sentence, ...]
    forms: tuple[MatchForm, ...]
    clean: CleanText


def prepare(article: Article | str, *, default_id: str = "text", max_chars: int = DEFAULT_MAX_CHARS) -> Prepared:
    """Sentences and matching forms of one article (a string becomes an Article)."""
    if isinstance(article, str):
        article = Article.from_text(article, id=default_id)
    elif not isinstance(article, Article):
        raise TypeError(
            f"compare_articles takes Article objects or strings, not {type(article).__name__}; "
            "load files with compare.load_article(path)"
        )
    if len(article.text) > max_chars:
        raise ArticleTooLongError(
            f"{article.id}: {len(article.text):,} characters is too long to compare sentence by "
            f"sentence (limit {max_chars:,}); is this one article?"
        )
    clean = strip_boilerplate(article.text, source=article.source)
    sentences = tuple(split_sentences(article, clean=clean))
    if not sentences:
        what = f"only site chrome ({len(clean.removed)} boilerplate lines)" if clean.removed else "no text"
        raise EmptyArticleError(f"{article.id}: nothing to compare: {what}")
    forms = tuple(match_form(s.text) for s in sentences)
    return Prepared(article, sentences, forms, clean)
