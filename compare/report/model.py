"""The overlap report as frozen records, and its JSON form.

``Report.to_dict()`` is the JSON other tools rely on (issue 4), exactly:
``{"articles": [{"id", "title", "source", "published"}], "duplicate_groups":
[[ID, ...]], "stories": [{"articles", "agreements", "divergences", "quotes"}],
"pairs": [{"a", "b", "relation", "score"}]}``. ``to_dict(extended=True)``
adds what the Markdown shows beyond that shape (summary, per-story sources,
dates and evidence, near-duplicate scores, boilerplate) under extra keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What the report shows of one article."""

    id: str
    title: str | None
    source: str | None
    published: str | None
    words: int
    #: (field, evidence) for each of ``source``/``published`` read from the text, not given.
    inferred: tuple[tuple[str, str], ...] = ()

    def to_dict(self, *, extended: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "title": self.title, "source": self.source, "published": self.published}
        if extended and self.inferred:
            data["inferred"] = {field: evidence for field, evidence in self.inferred}
        return data

    def is_inferred(self, field: str) -> bool:
        """Whether ``field`` ("source" or "published") was read from the text."""
        return any(name == field for name, _ in self.inferred)


@dataclass(frozen=True, slots=True)
class PairRelation:
    """Two articles and how they relate; ``a`` comes first in input order.

    ``relation`` is "duplicate", "near-duplicate" or "contained" (from the
    near-duplicate detector; ``score`` is the Jaccard, or the containment for
    "contained"), else "same story" or "related" (``score`` is the story
    similarity: IDF-weighted containment of shared word 3-grams).
    """

    a: str
    b: str
    relation: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "relation": self.relation, "score": round(self.score, 4)}


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Near-duplicate articles; ``earliest`` is None when no member has a date."""

    articles: tuple[str, ...]
    pairs: tuple[PairRelation, ...]
    earliest: str | None
    longest: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": list(self.articles),
            "earliest": self.earliest,
            "longest": self.longest,
            "pairs": [p.to_dict() for p in self.pairs],
        }


@dataclass(frozen=True, slots=True)
class Agreement:
    """A claim carried by two or more sources: its wording in each article."""

    text: str
    articles: tuple[str, ...]
    sources: tuple[str, ...]
    wordings: tuple[tuple[str, str], ...]  # (article id, sentence as that article words it)
    #: Near-duplicates of the carrying articles (the same story republished): one voice
    #: with the article they copy, listed as "also republished by", never counted as agreeing.
    republished: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "articles": list(self.articles),
            "sources": list(self.sources),
            "wordings": [{"article": a, "text": t} for a, t in self.wordings],
            "republished": list(self.republished),
        }


@dataclass(frozen=True, slots=True)
class Divergence:
    """Where two articles of a story differ.

    ``kind``: "conflicting figures", "reworded quote", "different speaker",
    "different cue verbs", "one-source quote", "one-source claim", and the
    other kinds ``compare_articles`` reports ("framing", "entity only in a", ...).
    ``b``/``b_text`` are None for one-source content.
    """

    kind: str
    a: str
    b: str | None
    a_text: str | None
    b_text: str | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "articles": [x for x in (self.a, self.b) if x is not None],
            "a_text": self.a_text,
            "b_text": self.b_text,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class QuoteWording:
    """One wording of a quote and the articles that carry it in those words."""

    text: str
    cues: tuple[str, ...]
    articles: tuple[str, ...]
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "cues": list(self.cues), "articles": list(self.articles), "sources": list(self.sources)}


@dataclass(frozen=True, slots=True)
class StoryQuote:
    """One quote of one speaker across the story's articles, in every wording found."""

    speaker: str
    wordings: tuple[QuoteWording, ...]

    @property
    def articles(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for wording in self.wordings:
            seen.update(dict.fromkeys(wording.articles))
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "wordings": [w.to_dict() for w in self.wordings]}


@dataclass(frozen=True, slots=True)
class StoryEvidence:
    """Why two articles of a story are grouped: scores, shared sentences and quotes."""

    a: str
    b: str
    score: float
    shared_names: tuple[str, ...]
    verdict: str | None
    shared_sentences: int
    shared_quotes: int
    examples: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "score": round(self.score, 4),
            "shared_names": list(self.shared_names),
            "verdict": self.verdict,
            "shared_sentences": self.shared_sentences,
            "shared_quotes": self.shared_quotes,
            "examples": list(self.examples),
        }


@dataclass(frozen=True, slots=True)
class Story:
    """A story cluster: articles (input order), sources, date range and what they say."""

    number: int
    articles: tuple[str, ...]
    sources: tuple[str, ...]
    first_date: str | None
    last_date: str | None
    agreements: tuple[Agreement, ...]
    divergences: tuple[Divergence, ...]
    quotes: tuple[StoryQuote, ...]
    evidence: tuple[StoryEvidence, ...]

    def to_dict(self, *, extended: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "articles": list(self.articles),
            "agreements": [a.to_dict() for a in self.agreements],
            "divergences": [d.to_dict() for d in self.divergences],
            "quotes": [q.to_dict() for q in self.quotes],
        }
        if extended:
            data["sources"] = list(self.sources)
            data["date_range"] = [self.first_date, self.last_date]
            data["evidence"] = [e.to_dict() for e in self.evidence]
        return data


@dataclass(frozen=True, slots=True)
class ThreadEvent:
    """One story of a thread, placed in time.

    ``date`` is the story's first date (given or inferred), None when no
    member has one; ``title`` is its first member's title.
    """

    story: int
    date: str | None
    last_date: str | None
    title: str | None
    articles: tuple[str, ...]
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "story": self.story,
            "date_range": [self.date, self.last_date],
            "title": self.title,
            "articles": list(self.articles),
            "sources": list(self.sources),
        }


@dataclass(frozen=True, slots=True)
class Thread:
    """Stories of one topic at different times (linked by "related" pairs), oldest first.

    Events without a date come last, in story order.
    """

    number: int
    events: tuple[ThreadEvent, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "events": [e.to_dict() for e in self.events]}


@dataclass(frozen=True, slots=True)
class RemovedText:
    """A block dropped as boilerplate, for the appendix."""

    article: str
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts over the whole report: articles, sources, dates, duplicate groups, stories, chrome."""

    articles: int
    sources: tuple[str, ...]
    unknown_source_articles: int
    first_date: str | None
    last_date: str | None
    duplicate_groups: int
    stories: int
    multi_article_stories: int
    boilerplate_blocks: int
    boilerplate_articles: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "sources": list(self.sources),
            "unknown_source_articles": self.unknown_source_articles,
            "date_range": [self.first_date, self.last_date],
            "duplicate_groups": self.duplicate_groups,
            "stories": self.stories,
            "multi_article_stories": self.multi_article_stories,
            "boilerplate_blocks": self.boilerplate_blocks,
            "boilerplate_articles": self.boilerplate_articles,
        }


@dataclass(frozen=True, slots=True)
class Report:
    """An overlap report over a set of articles (see ``compare.report.build.build_report``)."""

    articles: tuple[ArticleInfo, ...]
    summary: Summary
    duplicate_groups: tuple[DuplicateGroup, ...]
    stories: tuple[Story, ...]
    pairs: tuple[PairRelation, ...]
    boilerplate: tuple[RemovedText, ...]
    threads: tuple[Thread, ...] = ()

    def to_dict(self, *, extended: bool = False) -> dict[str, Any]:
        """The issue-4 JSON; ``extended`` adds summary, evidence and boilerplate keys."""
        data: dict[str, Any] = {
            "articles": [a.to_dict(extended=extended) for a in self.articles],
            "duplicate_groups": [list(g.articles) for g in self.duplicate_groups],
            "stories": [s.to_dict(extended=extended) for s in self.stories],
            "pairs": [p.to_dict() for p in self.pairs],
        }
        if extended:
            data["summary"] = self.summary.to_dict()
            data["threads"] = [t.to_dict() for t in self.threads]
            data["duplicate_group_details"] = [g.to_dict() for g in self.duplicate_groups]
            data["boilerplate"] = [{"article": r.article, "text": r.text, "reason": r.reason} for r in self.boilerplate]
        return data

    def article(self, article_id: str) -> ArticleInfo:
        for info in self.articles:
            if info.id == article_id:
                return info
        raise KeyError(article_id)
