"""``compare_articles``: the conductor of the pair pipeline, and the verdict.

Steps: ``prepare`` both articles, ``align`` their sentences, score their word
shingles and their story score, then (unless ``analyse=False``) match quotes
and find divergences, and give a verdict.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from compare.article import Article
from compare.errors import ArticleCompareError, ArticleTooLongError
from compare.pair import claims, diff, matching, quotes
from compare.pair.align import align
from compare.pair.align import clear_caches as clear_align_caches
from compare.pair.divergence import clear_caches as clear_divergence_caches
from compare.pair.divergence import entity_mentions, find_divergences
from compare.pair.matching import MatchForm
from compare.pair.model import Comparison, Similarity
from compare.pair.prepare import (
    DEFAULT_MAX_CHARS,
    DEFAULT_MAX_SENTENCE_PAIRS,
    DEFAULT_MAX_SENTENCES,
    Prepared,
    check_pair_work_limit,
    prepare,
)
from compare.pair.prepare import clear_caches as clear_prepare_caches
from compare.pair.quotes import extract_quotes, match_quotes
from compare.pair.story_score import (
    RELATED_THRESHOLD,
    PairScore,
    article_day,
    default_model,
    score_pair,
)
from compare.text import figures


def shingles(forms: Sequence[MatchForm], size: int) -> set[tuple[str, ...]]:
    """Word shingles of an article's content sentences (exact, no MinHash)."""
    tokens = [w for form in forms for w in form.words]
    if len(tokens) < size:
        return {tuple(tokens)} if tokens else set()
    # zip of shifted lists ends with the shortest: twice as fast as slicing each shingle
    return set(zip(*(tokens[k:] for k in range(size)), strict=False))


def similarity(a: Prepared, b: Prepared, *, shingle_size: int = 3) -> Similarity:
    """Exact Jaccard and containments of word shingles; no datasketch (pair must start fast)."""
    sa, sb = shingles(a.forms, shingle_size), shingles(b.forms, shingle_size)
    if not sa and not sb:
        return Similarity(1.0, 1.0, 1.0)
    shared = len(sa & sb)
    union = len(sa | sb)
    return Similarity(
        shared / union if union else 0.0,
        shared / len(sa) if sa else 0.0,
        shared / len(sb) if sb else 0.0,
    )


def verdict_for(sim: Similarity, story: PairScore) -> str:
    """duplicate, near-duplicate, same story, related or unrelated.

    duplicate: Jaccard >= 0.9; near-duplicate: Jaccard >= 0.5 or one article
    80 % contained in the other. Otherwise the story score decides, exactly as
    ``report`` decides for the pair (``compare.pair.story_score.score_pair``):
    same story when P(same story) reaches the model's threshold, related when
    P with the time evidence taken out reaches ``RELATED_THRESHOLD`` (the same
    topic at another time), else unrelated.
    """
    if sim.jaccard >= 0.9:
        return "duplicate"
    if sim.jaccard >= 0.5 or max(sim.containment_a_in_b, sim.containment_b_in_a) >= 0.8:
        return "near-duplicate"
    if story.probability >= default_model().threshold:
        return "same story"
    if story.timeless >= RELATED_THRESHOLD:
        return "related"
    return "unrelated"


#: Articles whose preparation and quotes are kept: ``report`` aligns each article with two or
#: three fellow members of its story, and its pairs are handed out story by story.
RECENT_ARTICLES = 64


class _Recent:
    """The last RECENT_ARTICLES articles' ``Prepared`` and quotes (values are never mutated)."""

    def __init__(self) -> None:
        self.items: OrderedDict[tuple[Article, int, int], tuple[Prepared, tuple | None]] = OrderedDict()

    def prepared(self, article: Article | str, default_id: str, max_chars: int, max_sentences: int) -> Prepared:
        if not isinstance(article, Article):
            return prepare(article, default_id=default_id, max_chars=max_chars, max_sentences=max_sentences)
        key = (article, max_chars, max_sentences)
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
            return found[0]
        prepared = prepare(article, default_id=default_id, max_chars=max_chars, max_sentences=max_sentences)
        self._put(key, (prepared, None))
        return prepared

    def quotes(self, prepared: Prepared, max_chars: int, max_sentences: int) -> list:
        key = (prepared.article, max_chars, max_sentences)
        found = self.items.get(key)
        if found is not None and found[0] is prepared and found[1] is not None:
            return list(found[1])
        extracted = extract_quotes(prepared.article, clean=prepared.clean, sentences=prepared.sentences)
        if found is not None and found[0] is prepared:
            self.items[key] = (prepared, tuple(extracted))
        return extracted

    def _put(self, key: tuple[Article, int, int], value: tuple[Prepared, tuple | None]) -> None:
        self.items[key] = value
        while len(self.items) > RECENT_ARTICLES:
            self.items.popitem(last=False)

    def clear(self) -> None:
        self.items.clear()


_RECENT = _Recent()


def article_quotes(
    article: Article, *, max_chars: int = DEFAULT_MAX_CHARS, max_sentences: int = DEFAULT_MAX_SENTENCES
) -> list:
    """``extract_quotes(article)``, served from the recent articles ``compare_articles`` prepared."""
    try:
        prepared = _RECENT.prepared(article, "text", max_chars, max_sentences)
    except (ArticleCompareError, ValueError):
        return extract_quotes(article)
    return _RECENT.quotes(prepared, max_chars, max_sentences)


def prepared_article(
    article: Article, *, max_chars: int = DEFAULT_MAX_CHARS, max_sentences: int = DEFAULT_MAX_SENTENCES
) -> Prepared:
    """``prepare(article)``, served from the recent articles ``compare_articles`` prepared
    (``report`` reads each compared article's sentences from it instead of splitting them again).

    Raises what ``prepare`` raises.
    """
    return _RECENT.prepared(article, "text", max_chars, max_sentences)


def clear_caches() -> None:
    """Empty the per-text caches (figures, token keys, speakers, recent articles); benchmarks
    call it so that repeated runs on the same texts are not flattered by warm caches."""
    for clear in (
        figures.clear_caches,
        diff.clear_caches,
        quotes.clear_caches,
        matching.clear_caches,
        claims.clear_caches,
        clear_align_caches,
        clear_prepare_caches,
        clear_divergence_caches,
        _RECENT.clear,
    ):
        clear()


def compare_articles(
    a: Article | str,
    b: Article | str,
    *,
    shingle_size: int = 3,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_sentences: int = DEFAULT_MAX_SENTENCES,
    max_sentence_pairs: int = DEFAULT_MAX_SENTENCE_PAIRS,
    analyse: bool = True,
    story: PairScore | None = None,
    explain: bool = True,
) -> Comparison:
    r"""Compare two articles: verdict, aligned sentences, quotes and divergences.

    Args:
        a, b: ``Article`` objects, or plain strings (ids "a" and "b").
        shingle_size: words per shingle for the Jaccard and containment scores.
        max_chars: longer inputs raise ``ArticleTooLongError``.
        max_sentences: the work limit: an input with more sentences, or
            more quotation marks, raises ``ArticleTooLongError``.
        max_sentence_pairs: the pair's work limit: more sentences of A times
            sentences of B (or quotes times quotes) raises ``ArticleTooLongError``.
        analyse: False skips quotes and divergences (alignment only), which
            the MSRP evaluation uses.
        story: the pair's story score when the caller has it already
            (``report`` scored the pair within its set); None scores the two.
        explain: False leaves out each alignment's claim probability and
            reasons (``report`` shows neither).

    Raises:
        ArticleTooLongError: an input is over ``max_chars`` or ``max_sentences``.
        EmptyArticleError: an input is empty or boilerplate only.
        ValueError: a knob is out of range.

    Example:
        >>> from compare import Article
        >>> a = Article(id="a", text="Kremlin says Western arms endanger Europe\n"
        ...     "Dmitry Peskov said on Tuesday that weapons shipments to Ukraine threaten "
        ...     "the security of the whole continent and provoke instability.\n"
        ...     "Germany said it would send heavy weapons.\n")
        >>> b = Article(id="b", text="Kremlin: Western arms endanger Europe\n"
        ...     "Dmitry Peskov said on Tuesday that weapons shipments to Ukraine threaten "
        ...     "the security of the whole continent and provoke instability.\n"
        ...     "Britain said it had sent anti-tank weapons.\n")
        >>> comparison = compare_articles(a, b)
        >>> comparison.verdict, [(x.a_indices, x.b_indices, x.kind) for x in comparison.alignments]
        ('near-duplicate', [((1,), (1,), 'identical')])

        The headlines (sentence 0) are not claims and are never aligned; Germany's
        and Britain's shipments are different claims.
    """
    if shingle_size < 1:
        raise ValueError("shingle_size must be at least 1 (3 suits news sentences)")
    if max_chars < 1 or max_sentences < 1 or max_sentence_pairs < 1:
        raise ValueError("max_chars, max_sentences and max_sentence_pairs must be positive")
    pa = _RECENT.prepared(a, "a", max_chars, max_sentences)
    pb = _RECENT.prepared(b, "b", max_chars, max_sentences)
    check_pair_work_limit(pa, pb, max_pairs=max_sentence_pairs)
    alignments = align(pa, pb, explain=explain)
    sim = similarity(pa, pb, shingle_size=shingle_size)
    if story is None:
        story = score_pair(
            (pa.clean.content, pb.clean.content),
            titles=(pa.article.title, pb.article.title),
            days=(article_day(pa.article), article_day(pb.article)),
        )
    quotes: tuple = ()
    divergences: tuple = ()
    if analyse:
        quotes_a, quotes_b = _RECENT.quotes(pa, max_chars, max_sentences), _RECENT.quotes(pb, max_chars, max_sentences)
        if len(quotes_a) * len(quotes_b) > max_sentence_pairs:
            raise ArticleTooLongError(
                f"{pa.article.id} and {pb.article.id}: {len(quotes_a):,} x {len(quotes_b):,} quotes is over the work "
                f"limit for comparing quote by quote ({max_sentence_pairs:,} pairs); compare shorter parts of them"
            )
        quotes = tuple(match_quotes(quotes_a, quotes_b))
        mentions = entity_mentions(pa, pb)
        divergences = tuple(find_divergences(pa, pb, alignments, mentions=mentions))
    return Comparison(
        a=pa.article,
        b=pb.article,
        verdict=verdict_for(sim, story),
        similarity=sim,
        a_sentences=pa.sentences,
        b_sentences=pb.sentences,
        alignments=alignments,
        quotes=quotes,
        divergences=divergences,
        a_removed=pa.clean.removed,
        b_removed=pb.clean.removed,
        story=story,
    )
