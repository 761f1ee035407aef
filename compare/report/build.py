"""Overlap reports across many articles: ``build_report``.

The report joins three levels of overlap:

- near-duplicate groups, from ``compare.dedup.batch.find_duplicates`` (MinHash LSH
  plus exact verification);
- story clusters, from ``compare.report.stories`` (the story score of
  ``compare.pair.story_score``, average linkage); a near-duplicate group always
  lands in one story; stories of one topic at different times ("related"
  pairs) form threads with a timeline;
- sources and dates missing from the metadata are read from the text
  (``compare.text.inferred``: datelines, site appeals, date lines) and marked as inferred;
- inside each story, the evidence: only the pairs ``compare.report.stories`` picks
  (a spanning tree plus each article's closest fellows) are aligned with
  ``compare.pair.compare.compare_articles``, whose aligned sentences become the
  agreements and whose divergences are collected per story; quotes are
  extracted per article (``compare.pair.quotes``) and grouped by speaker and
  wording across the whole story.

Every step is linear or near-linear in the number of articles; the number of
alignments is bounded by ``(align_per_article + 1) * N``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from compare.article import Article
from compare.errors import ArticleCompareError, ArticleTooLongError
from compare.graph import UnionFind
from compare.pair.prepare import (
    DEFAULT_MAX_SENTENCE_PAIRS,
    DEFAULT_MAX_SENTENCES,
    within_work_limit,
)
from compare.pair.story_score import PairScore, day_of
from compare.parallel import main_script_hidden, worker_context
from compare.report.model import (
    ArticleInfo,
    DuplicateGroup,
    PairRelation,
    RemovedText,
    Report,
    Story,
    Summary,
    Thread,
    ThreadEvent,
)
from compare.report.stories import (
    DEFAULT_STORY_SETTINGS,
    StoryClusters,
    StorySettings,
    cluster_stories,
)
from compare.report.story import PairFindings, build_story, iso_date, sentence_key
from compare.text.chrome import BoilerplateLearner, CleanText, strip_boilerplate
from compare.text.normalize import words

Progress = Callable[[int, int], None]

#: Fewer pairs than this are aligned in this process: starting workers costs about a second.
PARALLEL_MIN_PAIRS = 150


def build_report(
    articles: Iterable[Article],
    *,
    story_settings: StorySettings = DEFAULT_STORY_SETTINGS,
    duplicate_threshold: float | None = None,
    one_source_claims_per_article: int = 3,
    workers: int | None = None,
    progress: Progress | None = None,
    max_sentences: int = DEFAULT_MAX_SENTENCES,
    max_sentence_pairs: int = DEFAULT_MAX_SENTENCE_PAIRS,
    on_error: Callable[[ArticleTooLongError], None] | None = None,
) -> Report:
    r"""Build the overlap report over ``articles`` (kept in input order).

    Args:
        articles: the articles; ids should be unique (repeats get a " (2)" suffix).
        story_settings: tuning of story finding (see ``StorySettings``).
        duplicate_threshold: Jaccard threshold of the near-duplicate detector;
            None uses its default.
        one_source_claims_per_article: how many sentences that no other
            article of the story carries are listed per article (ranked by
            ``compare_articles``); the rest would drown the report.
        workers: processes that align pairs; None = one per core, 0 or 1 =
            this process only. Workers are used only from PARALLEL_MIN_PAIRS
            pairs; they never re-run the calling script.
        progress: called as ``progress(done, total)`` while articles are
            prepared and pairs aligned; ``total`` grows once the stories are known.
        max_sentences: the per-article work limit (``check_work_limit``): an
            article with more sentences or quotation marks is left out.
        max_sentence_pairs: the per-pair work limit (``compare_articles``): a
            pair of one story whose sentences (or quotes) make more pairs is not
            aligned; it stays in its story, shown as "not compared".
        on_error: called with the ``ArticleTooLongError`` of each article
            left out and of each pair not aligned; without it the first one is
            raised.

    Returns:
        A frozen ``Report``; ``Report.to_dict()`` is the issue-4 JSON.

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
        >>> report = build_report([a, b], workers=0)
        >>> [story.articles for story in report.stories], len(report.articles)
        ([('a', 'b')], 2)
    """
    if one_source_claims_per_article < 0:
        raise ValueError("one_source_claims_per_article must be 0 or more")
    if workers is not None and workers < 0:
        raise ValueError("workers must be >= 0 (0 or 1 = no worker processes)")
    if max_sentences < 1 or max_sentence_pairs < 1:
        raise ValueError("max_sentences and max_sentence_pairs must be positive")
    batch = _unique_ids(within_work_limit(articles, max_sentences=max_sentences, on_error=on_error))
    batch, inferred = _infer_metadata(batch)
    n = len(batch)
    tick = _Ticker(progress, total=2 * n)

    # Chrome is learned once per report: the same lines are stripped for the stories and for dedup.
    learner = _learn(batch)
    cleaned = _clean(batch, learner)
    tick(n)

    duplicates = _find_duplicates(batch, duplicate_threshold, learner)
    batch = _dates_from_copies(batch, duplicates.clusters, inferred)
    tick(n)
    position = {a.id: i for i, a in enumerate(batch)}
    found = _cluster(batch, cleaned, story_settings)
    clusters = _merge_duplicate_groups(
        found.clusters, [[position[i] for i in g] for g in duplicates.clusters]
    )
    align = _pairs_to_align(found, clusters, story_settings)
    # Story by story, so that a worker meets each article's pairs together (it keeps recent articles prepared).
    story_of = {p: number for number, members in enumerate(clusters) for p in members}
    align = tuple(sorted(align, key=lambda pair: (story_of[pair[0]], pair)))

    tick.total += len(align)
    scores = {(link.a, link.b): PairScore(link.score, link.timeless, link.shared, link.features) for link in found.links}
    compared = _compare_pairs(
        batch,
        align,
        limits=_WorkLimits(max_sentences, max_sentence_pairs),
        workers=workers,
        tick=tick,
        scores=scores,
    )
    # A pair over the work limit is reported, never dropped in silence: the reader
    # must know its agreements and divergences are missing from the story.
    for message in compared.over_limit:
        if on_error is None:
            raise ArticleTooLongError(message)
        on_error(ArticleTooLongError(message))
    # The comparisons split each article with known chrome only; where the report learned no chrome in
    # an article, its cleaned text is the same and so are its sentences: the stories reuse them.
    reused = {p: keys for p, keys in compared.sentences_of.items() if not _has_learned_chrome(cleaned[p])}

    quotes = _story_quotes_extractor({batch[p].id: found for p, found in compared.quotes_of.items()})
    # Each story gets only its own links and comparisons (filtering the whole set per story was N²).
    links_of: dict[int, list[Any]] = {}
    for link in found.links:
        if story_of[link.a] == story_of[link.b]:
            links_of.setdefault(story_of[link.a], []).append(link)
    compared_of: dict[int, dict[tuple[int, int], Any]] = {}
    for pair, result in compared.results.items():
        compared_of.setdefault(story_of[pair[0]], {})[pair] = result
    stories = tuple(
        build_story(
            number,
            members,
            batch,
            cleaned,
            replace(found, links=tuple(links_of.get(number - 1, ()))),
            compared_of.get(number - 1, {}),
            quotes,
            one_source_claims_per_article,
            reused,
        )
        for number, members in enumerate(clusters, 1)
    )
    group_of = {member: number for number, group in enumerate(duplicates.clusters) for member in group}
    pairs_of_group: dict[int, list[Any]] = {}
    for pair in duplicates.pairs:
        pairs_of_group.setdefault(group_of[pair.a], []).append(pair)
    duplicate_groups = tuple(
        _duplicate_group(g, pairs_of_group.get(number, []), batch, cleaned, position)
        for number, g in enumerate(duplicates.clusters)
    )
    pairs = _pair_relations(batch, duplicates.pairs, found, clusters, story_settings)
    infos = tuple(
        ArticleInfo(a.id, a.title, a.source, a.published, len(words(c.content)), inferred.get(a.id, ()))
        for a, c in zip(batch, cleaned, strict=True)
    )
    threads = _threads(stories, pairs, batch)
    boilerplate = tuple(
        RemovedText(a.id, removed.text, removed.reason)
        for a, c in zip(batch, cleaned, strict=True)
        for removed in c.removed
    )
    dates = sorted(d for d in (iso_date(a.published) for a in batch) if d)
    summary = Summary(
        articles=n,
        sources=tuple(sorted({a.source for a in batch if a.source})),
        unknown_source_articles=sum(1 for a in batch if not a.source),
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        duplicate_groups=len(duplicate_groups),
        stories=len(stories),
        multi_article_stories=sum(1 for s in stories if len(s.articles) > 1),
        boilerplate_blocks=len(boilerplate),
        boilerplate_articles=len({r.article for r in boilerplate}),
    )
    return Report(infos, summary, duplicate_groups, stories, pairs, boilerplate, threads)


def story_clusters(articles: Iterable[Article], *, settings: StorySettings = DEFAULT_STORY_SETTINGS) -> StoryClusters:
    """The story clusters ``build_report`` finds (before near-duplicate groups are joined), without the evidence.

    Missing sources and dates are inferred from the text and chrome is
    stripped exactly as ``build_report`` does; the evaluation scores this.
    """
    batch, inferred = _infer_metadata(_unique_ids(list(articles)))
    learner = _learn(batch)
    batch = _dates_from_copies(batch, _find_duplicates(batch, None, learner).clusters, inferred)
    return _cluster(batch, _clean(batch, learner), settings)


def _learn(batch: Sequence[Article]) -> BoilerplateLearner:
    """The batch's chrome, learned once: lines repeated across articles of one source."""
    learner = BoilerplateLearner()
    learner.observe_all(batch)
    return learner


def _clean(batch: Sequence[Article], learner: BoilerplateLearner) -> list[CleanText]:
    return [strip_boilerplate(a.text, source=a.source, learned=learner) for a in batch]


def _cluster(batch: Sequence[Article], cleaned: Sequence[CleanText], settings: StorySettings) -> StoryClusters:
    return cluster_stories(
        [c.content for c in cleaned],
        titles=[a.title for a in batch],
        days=[day_of(a.published) for a in batch],
        settings=settings,
    )


class _Ticker:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0

    def __call__(self, step: int) -> None:
        self.done += step
        if self.progress is not None:
            self.progress(self.done, self.total)


def _unique_ids(batch: list[Article]) -> list[Article]:
    """Repeated ids (two JSON records with one id) would merge rows; suffix the repeats."""
    seen: dict[str, int] = {}
    unique = []
    for article in batch:
        count = seen.get(article.id, 0) + 1
        seen[article.id] = count
        unique.append(article if count == 1 else replace(article, id=f"{article.id} ({count})"))
    return unique


def _infer_metadata(batch: list[Article]) -> tuple[list[Article], dict[str, tuple[tuple[str, str], ...]]]:
    """Fill a missing source or date from the text; say which were inferred, and from what."""
    from compare.text.inferred import infer, unify_sources

    found: dict[str, tuple[tuple[str, str], ...]] = {}
    filled = []
    for article in batch:
        if article.source and article.published:
            filled.append(article)
            continue
        guess = infer(article.text)
        marks = []
        source, published = article.source, article.published
        if not source and guess.source and guess.source_evidence:
            source = guess.source
            marks.append(("source", guess.source_evidence))
        if not published and guess.published and guess.date_evidence:
            published = guess.published
            marks.append(("published", guess.date_evidence))
        if marks:
            found[article.id] = tuple(marks)
            article = replace(article, source=source, published=published)
        filled.append(article)
    names = unify_sources([a.source if a.id in found else None for a in filled])
    filled = [replace(a, source=name) if name and name != a.source else a for a, name in zip(filled, names, strict=True)]
    return filled, found


def _dates_from_copies(
    batch: list[Article], groups: Sequence[Sequence[str]], inferred: dict[str, tuple[tuple[str, str], ...]]
) -> list[Article]:
    """An undated article takes the earliest date of its near-duplicate copies (marked inferred).

    Copies of one text are one publication event: a syndicated page's
    ``article:published_time`` or a wire slug's date dates the bare copy too.
    ``inferred`` is updated in place with the copy the date came from.
    """
    index = {a.id: i for i, a in enumerate(batch)}
    out = list(batch)
    for group in groups:
        dated = sorted((iso, member) for member in group if (iso := iso_date(batch[index[member]].published)))
        if not dated:
            continue
        first, source = dated[0]
        for member in group:
            article = out[index[member]]
            if iso_date(article.published) is None:
                out[index[member]] = replace(article, published=first)
                inferred[member] = (*inferred.get(member, ()), ("published", f"the date of its copy {source}"))
    return out


def _threads(stories: Sequence[Story], pairs: Sequence[PairRelation], batch: Sequence[Article]) -> tuple[Thread, ...]:
    """Stories joined by "related" pairs (same topic, another time) as threads, oldest event first."""
    story_of = {article_id: story.number for story in stories for article_id in story.articles}
    linked: dict[int, set[int]] = {story.number: set() for story in stories}
    for pair in pairs:
        if pair.relation == "related":
            first, second = story_of[pair.a], story_of[pair.b]
            linked[first].add(second)
            linked[second].add(first)
    by_number = {story.number: story for story in stories}
    groups: list[list[Story]] = []
    seen: set[int] = set()
    for story in stories:  # connected stories, walked from each unseen one
        if story.number in seen:
            continue
        seen.add(story.number)
        component, todo = [], [story.number]
        while todo:
            number = todo.pop()
            component.append(by_number[number])
            for other in linked[number] - seen:
                seen.add(other)
                todo.append(other)
        groups.append(component)
    title = {a.id: a.title for a in batch}
    threads = []
    for members in groups:
        if len(members) < 2:
            continue
        events = sorted(
            (
                ThreadEvent(s.number, s.first_date, s.last_date, title.get(s.articles[0]), s.articles, s.sources)
                for s in members
            ),
            key=lambda e: (e.date is None, e.date or "", e.story),
        )
        threads.append(tuple(events))
    threads.sort(key=lambda events: min(e.story for e in events))
    return tuple(Thread(number, events) for number, events in enumerate(threads, 1))


def _find_duplicates(batch: Sequence[Article], threshold: float | None, learner: BoilerplateLearner) -> Any:
    """Near-duplicates of the batch, fingerprinted with the chrome the report learned (not learned again)."""
    from compare.dedup.batch import find_duplicates
    from compare.dedup.fingerprinter import LearnedLines

    learned = LearnedLines.of(learner)
    if threshold is None:
        return find_duplicates(batch, learned=learned)
    return find_duplicates(batch, threshold=threshold, learned=learned)


def _merge_duplicate_groups(
    clusters: Sequence[Sequence[int]], groups: Sequence[Sequence[int]]
) -> tuple[tuple[int, ...], ...]:
    """Story clusters joined wherever one near-duplicate group spans two of them."""
    story_of = {p: number for number, cluster in enumerate(clusters) for p in cluster}
    stories = UnionFind(range(len(clusters)))
    for group in groups:
        first, *rest = (story_of[p] for p in group)
        for other in rest:
            stories.union(first, other)
    merged: dict[int, list[int]] = {}
    for number, cluster in enumerate(clusters):
        merged.setdefault(stories.find(number), []).extend(cluster)
    return tuple(sorted(tuple(sorted(m)) for m in merged.values()))


def _pairs_to_align(
    found: StoryClusters, clusters: Sequence[Sequence[int]], settings: StorySettings
) -> tuple[tuple[int, int], ...]:
    if clusters == found.clusters:
        return found.align
    from compare.report.stories import pairs_to_align

    return pairs_to_align(clusters, found.links, per_article=settings.align_per_article)


@dataclass(frozen=True)
class _WorkLimits:
    """The per-article and per-pair work limits a comparison runs under."""

    max_sentences: int = DEFAULT_MAX_SENTENCES
    max_sentence_pairs: int = DEFAULT_MAX_SENTENCE_PAIRS


@dataclass(frozen=True)
class _Comparisons:
    """What ``_compare_pairs`` learned, pair by pair and article by article.

    ``results``: each aligned pair's findings (None: not compared).
    ``quotes_of``: input position -> the article's statement quotes; the workers
    have each article prepared already, so the story quotes are not extracted a
    second time in this process. ``sentences_of``: input position -> the
    ``sentence_key`` of each sentence the comparison split. ``over_limit``: the
    message of each pair over the pair work limit, in ``align`` order.
    """

    results: dict[tuple[int, int], PairFindings | None] = field(default_factory=dict)
    quotes_of: dict[int, list[Any]] = field(default_factory=dict)
    sentences_of: dict[int, list[str]] = field(default_factory=dict)
    over_limit: tuple[str, ...] = ()


def _compare_pairs(
    batch: Sequence[Article],
    align: Sequence[tuple[int, int]],
    *,
    limits: _WorkLimits = _WorkLimits(),
    workers: int | None = None,
    tick: _Ticker | None = None,
    scores: dict[tuple[int, int], PairScore] | None = None,
) -> _Comparisons:
    """``_compare`` over the chosen pairs, in worker processes when there are enough of them.

    Alignment is nearly all of a large report's time and each pair is
    independent, so two cores roughly halve it. Below PARALLEL_MIN_PAIRS the
    workers' start-up (importing the library) costs more than it saves.
    ``scores`` are the story scores the clustering gave the pairs: each
    comparison's verdict uses them instead of scoring the pair again.
    """
    from compare.dedup.fingerprinter import default_workers

    scores = scores or {}
    tick = tick or _Ticker(None, total=len(align))
    results: dict[tuple[int, int], PairFindings | None] = {}
    quotes_of: dict[int, list[Any]] = {}
    sentences_of: dict[int, list[str]] = {}
    over: dict[tuple[int, int], str] = {}

    def keep(pair: tuple[int, int], outcome: tuple[Compared, ArticleFindings, ArticleFindings]) -> None:
        (result, message), (quotes_a, keys_a), (quotes_b, keys_b) = outcome
        results[pair] = result
        if message is not None:
            over[pair] = message
        quotes_of[pair[0]], quotes_of[pair[1]] = quotes_a, quotes_b
        _keep_keys(sentences_of, pair[0], keys_a)
        _keep_keys(sentences_of, pair[1], keys_b)
        tick(1)

    count = default_workers() if workers is None else workers
    if count > 1 and len(align) >= PARALLEL_MIN_PAIRS:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        tasks = [(batch[a], batch[b], limits, scores.get((a, b))) for a, b in align]
        try:
            # ProcessPoolExecutor, not multiprocessing.Pool: a worker that dies
            # breaks the pool with an error here instead of hanging forever.
            with ProcessPoolExecutor(
                max_workers=count,
                mp_context=worker_context(
                    ["compare.pair.compare", "compare.pair.quotes", "compare.pair.divergence"]
                ),
            ) as pool:
                with main_script_hidden():  # map() submits every task, so all workers start in here
                    chunk = max(4, min(32, len(tasks) // (8 * count)))
                    outcomes = pool.map(_compare_task, tasks, chunksize=chunk)
                for pair, outcome in zip(align, outcomes, strict=False):
                    keep(pair, outcome)
        except BrokenProcessPool:
            pass  # finish below in this process
    for a, b in align:
        if (a, b) not in results:
            keep((a, b), _compare_task((batch[a], batch[b], limits, scores.get((a, b)))))
    return _Comparisons(results, quotes_of, sentences_of, tuple(over[pair] for pair in align if pair in over))


def _keep_keys(sentences_of: dict[int, list[str]], position: int, keys: list[str] | None) -> None:
    if keys is not None:
        sentences_of[position] = keys


ArticleFindings = tuple[list[Any], "list[str] | None"]


def _compare_task(
    task: tuple[Article, Article, _WorkLimits, PairScore | None],
) -> tuple[Compared, ArticleFindings, ArticleFindings]:
    """The pair's comparison and, for each article, its statement quotes (for the story's quote
    table) and its sentence keys as the comparison split them (None if it could not prepare it)."""
    a, b, limits, story = task
    compared = _compare(a, b, limits.max_sentences, story, max_sentence_pairs=limits.max_sentence_pairs)
    return compared, _article_findings(a, limits.max_sentences), _article_findings(b, limits.max_sentences)


def _article_findings(article: Article, max_sentences: int) -> ArticleFindings:
    from compare.pair.compare import prepared_article

    try:
        sentences = prepared_article(article, max_sentences=max_sentences).sentences
    except (ArticleCompareError, ValueError):
        return _statement_quotes(article, max_sentences), None
    return _statement_quotes(article, max_sentences), [sentence_key(s.text) for s in sentences]


def _has_learned_chrome(clean: CleanText) -> bool:
    """Whether learned chrome was removed: only then does the report's cleaning differ from ``prepare``'s."""
    return any(removed.reason.startswith("learned") for removed in clean.removed)


def _statement_quotes(article: Article, max_sentences: int = DEFAULT_MAX_SENTENCES) -> list[Any]:
    from compare.pair.compare import article_quotes

    try:
        return [quote for quote in article_quotes(article, max_sentences=max_sentences) if quote.is_statement]
    except (ArticleCompareError, ValueError):
        return []


# What the story reads of a comparison (None: not compared), and the work-limit message when that is why.
Compared = tuple["PairFindings | None", "str | None"]


def _compare(
    a: Article,
    b: Article,
    max_sentences: int = DEFAULT_MAX_SENTENCES,
    story: PairScore | None = None,
    *,
    max_sentence_pairs: int = DEFAULT_MAX_SENTENCE_PAIRS,
) -> Compared:
    """What the story reads of ``compare_articles(a, b)`` (None when the pair cannot be compared),
    and the message of the work limit that stopped it, if one did."""
    from compare.pair.compare import compare_articles

    try:
        result = compare_articles(
            a, b, max_sentences=max_sentences, max_sentence_pairs=max_sentence_pairs, story=story, explain=False
        )
    except ArticleTooLongError as error:
        return None, f"{error}; the report shows the pair as not compared"
    except (ArticleCompareError, ValueError):
        # An article with no sentences left after boilerplate removal, say:
        # the story grouping still stands on its shared phrases.
        return None, None
    return PairFindings.of(result), None


def _story_quotes_extractor(known: dict[str, list[Any]]) -> Callable[[Article], list[Any]]:
    """Each article's statement quotes (scare quotes say nothing): those the alignment gave, else extracted."""

    def extract(article: Article) -> list[Any]:
        found = known.get(article.id)
        return found if found is not None else _statement_quotes(article)

    return extract


# ---------------------------------------------------------------- groups and pairs


def _duplicate_group(
    group: Sequence[str],
    all_pairs: Sequence[Any],
    batch: Sequence[Article],
    cleaned: Sequence[CleanText],
    position: dict[str, int],
) -> DuplicateGroup:
    members = set(group)
    pairs = tuple(
        PairRelation(
            p.a, p.b, p.relation, p.containment if p.relation == "contained" else p.jaccard
        )
        for p in all_pairs
        if p.a in members and p.b in members
    )
    dated = [(d, position[i]) for i in group if (d := iso_date(batch[position[i]].published))]
    earliest = batch[min(dated)[1]].id if dated else None
    longest = max(group, key=lambda i: (len(cleaned[position[i]].content), -position[i]))
    return DuplicateGroup(tuple(group), pairs, earliest, longest)


def _pair_relations(
    batch: Sequence[Article],
    duplicate_pairs: Sequence[Any],
    found: StoryClusters,
    clusters: Sequence[Sequence[int]],
    settings: StorySettings,
) -> tuple[PairRelation, ...]:
    position = {a.id: i for i, a in enumerate(batch)}
    story_of = {p: number for number, cluster in enumerate(clusters) for p in cluster}
    relations: dict[tuple[int, int], PairRelation] = {}
    for pair in duplicate_pairs:
        a, b = sorted((position[pair.a], position[pair.b]))
        score = pair.containment if pair.relation == "contained" else pair.jaccard
        relations[(a, b)] = PairRelation(batch[a].id, batch[b].id, pair.relation, float(score))
    for link in found.links:
        if (link.a, link.b) in relations:
            continue
        if story_of[link.a] == story_of[link.b]:
            relations[(link.a, link.b)] = PairRelation(
                batch[link.a].id, batch[link.b].id, "same story", link.score
            )
        elif link.timeless >= settings.related_threshold:
            relations[(link.a, link.b)] = PairRelation(
                batch[link.a].id, batch[link.b].id, "related", link.score
            )
    return tuple(relations[key] for key in sorted(relations))
