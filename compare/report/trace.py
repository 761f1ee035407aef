"""Trace statements across a set of articles: who said it, where it first appeared, who carried it.

Every full or partial quote of every article (scare quotes are nobody's statement) gets
one canonical speaker for the whole set ("Peskov", "Dmitry Peskov" and "Kremlin spokesman
Dmitry Peskov" are one person: the fullest form of the name wins). Quotes of one speaker
(or of an unknown speaker) are then grouped into statements when their words say the same
thing:

* ``exact``: the same words (case and punctuation aside);
* ``truncated``: one outlet quotes only a part (four words or more) of the other's quote;
* ``extended``: the other way round, a longer quote that holds the earlier one;
* ``reworded``: the word sequences are at least 60 % alike (rapidfuzz Indel).

Appearances are in publication order (articles without a date keep their input order,
after the dated ones), and each one after the first says how its wording differs from the
one before it (a word diff), so a researcher sees how a statement travelled.

>>> from compare.article import Article
>>> a = Article("a", '"We will respond firmly," Kremlin spokesman Dmitry Peskov said.', source="A", published="2022-04-01")
>>> b = Article("b", 'Peskov said: "We will respond firmly and quickly."', source="B", published="2022-04-02")
>>> trace = trace_quotes([a, b])
>>> [(s.speaker, [x.relation for x in s.appearances]) for s in trace.statements]
[('Dmitry Peskov', ['first', 'extended'])]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from compare.article import Article
from compare.errors import ArticleTooLongError
from compare.pair.model import DiffOp, Quote, render_diff
from compare.pair.prepare import DEFAULT_MAX_SENTENCES, within_work_limit
from compare.pair.quotes import contains_words
from compare.text.normalize import words

#: Share of words two quotes must have in common (Indel similarity) to be one statement reworded.
REWORDED_SIMILARITY = 0.6
#: A quote this many words long or more, found word for word inside another, is that one truncated.
MIN_TRUNCATED_WORDS = 4


@dataclass(frozen=True, slots=True)
class QuoteRecord:
    """One quote in one article, with where it came from.

    Attributes:
        article, source, published, title: the article's id and metadata (None when unknown).
        speaker: the canonical speaker across the whole set (None when unattributed).
        cue, kind, text, start, end: as in ``Quote`` (spans into that article's text).
    """

    article: str
    source: str | None
    published: str | None
    title: str | None
    speaker: str | None
    cue: str | None
    kind: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "source": self.source,
            "published": self.published,
            "title": self.title,
            "speaker": self.speaker,
            "cue": self.cue,
            "kind": self.kind,
            "text": self.text,
            "span": [self.start, self.end],
        }


@dataclass(frozen=True, slots=True)
class Appearance:
    """A statement as carried by one article: ``relation`` and ``diff`` against the appearance before."""

    quote: QuoteRecord
    relation: str  # first | exact | truncated | extended | reworded
    similarity: float
    diff: tuple[DiffOp, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.quote.to_dict(),
            "relation": self.relation,
            "similarity": round(self.similarity, 4),
            "diff": render_diff(self.diff) if self.diff else None,
        }


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement and every article that carried it, first appearance first."""

    speaker: str | None
    appearances: tuple[Appearance, ...]

    @property
    def first(self) -> QuoteRecord:
        return self.appearances[0].quote

    @property
    def text(self) -> str:
        return self.first.text

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.quote.article for a in self.appearances))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.quote.source for a in self.appearances if a.quote.source))

    def to_dict(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "text": self.text,
            "first": self.first.article,
            "articles": list(self.articles),
            "sources": list(self.sources),
            "appearances": [a.to_dict() for a in self.appearances],
        }


@dataclass(frozen=True, slots=True)
class QuoteTrace:
    """Every statement of a set of articles; those carried by most articles first."""

    articles: int
    statements: tuple[Statement, ...]
    speaker_filter: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "speaker_filter": self.speaker_filter,
            "statements": [s.to_dict() for s in self.statements],
        }


def trace_quotes(
    articles: Iterable[Article],
    *,
    speaker: str | None = None,
    reworded_similarity: float = REWORDED_SIMILARITY,
    max_sentences: int = DEFAULT_MAX_SENTENCES,
    on_error: Callable[[ArticleTooLongError], None] | None = None,
) -> QuoteTrace:
    """Group the statements of ``articles`` across articles and trace each one.

    Args:
        articles: the set (any iterable of ``Article``).
        speaker: keep only the statements of this person, named in any form
            ("Peskov", "Dmitry Peskov", "Kremlin spokesman Dmitry Peskov").
        reworded_similarity: word-sequence similarity (0..1) from which two
            quotes of one speaker are the same statement reworded.
        max_sentences: the per-article work limit of ``pair`` and ``report``
            (``compare.pair.prepare.check_work_limit``): past it an article is
            left out.
        on_error: called with the ``ArticleTooLongError`` of each article left
            out; without it the first one is raised.

    Raises:
        ValueError: ``reworded_similarity`` outside (0, 1], or an empty ``speaker``.
        ArticleTooLongError: an article past the work limit and no ``on_error``.
    """
    from compare.pair.quotes import extract_quotes, person_name, same_speaker

    if not 0.0 < reworded_similarity <= 1.0:
        raise ValueError(
            f"reworded_similarity must be in (0, 1], got {reworded_similarity}; 0.6 is the default"
        )
    if speaker is not None and not words(speaker):
        raise ValueError("speaker must name someone, e.g. 'Peskov'")
    batch = within_work_limit(articles, max_sentences=max_sentences, on_error=on_error)
    order = sorted(
        range(len(batch)), key=lambda k: (batch[k].published is None, batch[k].published or "", k)
    )
    found: list[tuple[Article, Quote]] = []
    for k in order:
        article = batch[k]
        found.extend((article, quote) for quote in extract_quotes(article) if quote.is_statement)
    canonical = _canonical_speakers(quote.speaker for _, quote in found)
    records = [
        QuoteRecord(
            article.id,
            article.source,
            article.published,
            article.title,
            canonical.get(quote.speaker) if quote.speaker else None,
            quote.cue,
            quote.kind,
            quote.text,
            quote.start,
            quote.end,
        )
        for article, quote in found
    ]
    if speaker is not None:
        wanted = person_name(speaker)
        records = [r for r in records if r.speaker and same_speaker(wanted, r.speaker)]
    groups = _group(records, reworded_similarity)
    statements = [Statement(group[0].quote.speaker, tuple(group)) for group in groups]
    first_index = {id(s): k for k, s in enumerate(statements)}
    statements.sort(key=lambda s: (-len(s.articles), first_index[id(s)]))
    return QuoteTrace(len(batch), tuple(statements), speaker)


def _canonical_speakers(names: Iterable[str | None]) -> dict[str, str]:
    """Each speaker name to the fullest form of that person in the set (same surname, a person's name)."""
    from compare.text.lexicon import speaker_key

    fullest: dict[str, str] = {}
    seen: list[str] = []
    for name in names:
        if not name or name in seen:
            continue
        seen.append(name)
        if name[0].islower():  # "the Kremlin", "a spokesman": kept as written
            continue
        key = speaker_key(name)
        if key and len(name.split()) > len(fullest.get(key, "").split()):
            fullest[key] = name
    out = {}
    for name in seen:
        key = speaker_key(name)
        out[name] = fullest.get(key, name) if key and not name[0].islower() else name
    return out


def _group(records: Sequence[QuoteRecord], reworded_similarity: float) -> list[list[Appearance]]:
    from rapidfuzz.distance import Indel

    from compare.pair.diff import word_diff

    groups: list[list[Appearance]] = []
    members: list[list[list[str]]] = []  # the word lists of each group's appearances
    for record in records:
        tokens = words(record.text)
        if not tokens:
            continue
        best: tuple[float, int, str] | None = None
        for g, group in enumerate(groups):
            group_speaker = group[0].quote.speaker
            if record.speaker and group_speaker and record.speaker != group_speaker:
                continue
            for other in members[g]:
                relation, similarity = _relation(other, tokens, reworded_similarity, Indel)
                if relation and (best is None or similarity > best[0]):
                    best = (similarity, g, relation)
        if best is None:
            groups.append([Appearance(record, "first", 1.0)])
            members.append([tokens])
            continue
        similarity, g, _ = best
        previous = groups[g][-1]
        relation, similarity = _relation(
            words(previous.quote.text), tokens, reworded_similarity, Indel
        )
        relation = relation or "reworded"
        diff = word_diff(previous.quote.text, record.text) if relation != "exact" else ()
        groups[g].append(Appearance(record, relation, similarity, diff))
        members[g].append(tokens)
    return groups


def _relation(
    earlier: list[str], later: list[str], threshold: float, indel: Any
) -> tuple[str | None, float]:
    if earlier == later:
        return "exact", 1.0
    similarity = indel.normalized_similarity(earlier, later)
    if (
        len(later) >= MIN_TRUNCATED_WORDS
        and len(later) < len(earlier)
        and contains_words(earlier, later)
    ):
        return "truncated", similarity
    if (
        len(earlier) >= MIN_TRUNCATED_WORDS
        and len(earlier) < len(later)
        and contains_words(later, earlier)
    ):
        return "extended", similarity
    if min(len(earlier), len(later)) >= 3 and similarity >= threshold:
        return "reworded", similarity
    return None, similarity
