"""The result of comparing two articles: frozen records and their JSON form.

``Comparison.to_dict()`` is the JSON contract other tools rely on (issue 3):
``{"a", "b", "verdict", "similarity", "alignments", "quotes", "divergences"}``.
Spans are character offsets into each article's text as loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from compare.article import Article
from compare.text.chrome import RemovedBlock
from compare.text.sentences import Sentence

VERDICTS = ("duplicate", "near-duplicate", "same story", "related", "unrelated")
ALIGNMENT_KINDS = ("identical", "near-identical", "paraphrase", "partial")
QUOTE_KINDS = ("same", "reworded", "different speaker", "only in a", "only in b")
DIVERGENCE_KINDS = (
    "conflicting figures",
    "names differ",
    "framing",
    "one-sided claim",
    "entity only in a",
    "entity only in b",
)


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One step of a word-level diff.

    ``tag`` is equal, replace, delete, insert, or variant: the same word for
    matching written another way ("Kiev"/"Kyiv", "$200"/"200"). ``b_words`` is
    empty for equal steps (the words are ``a_words``).
    """

    tag: str
    a_words: str
    b_words: str


def render_diff(
    ops: tuple[DiffOp, ...],
    *,
    equal: Callable[[str], str] = str,
    removed: Callable[[str], str] = lambda words: f"[-{words}-]",
    added: Callable[[str], str] = lambda words: f"{{+{words}+}}",
) -> str:
    """A diff as one line; wdiff notation (``[-removed-]{+added+}``) unless told otherwise.

    The renderers pass their own markup (colour, Markdown) for each kind of step.
    """
    parts = []
    for op in ops:
        if op.tag == "equal":
            parts.append(equal(op.a_words))
            continue
        if op.a_words:
            parts.append(removed(op.a_words))
        if op.b_words:
            parts.append(added(op.b_words))
    return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Similarity:
    """Exact word-shingle overlap of the two articles' content (boilerplate excluded)."""

    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float

    def to_dict(self) -> dict[str, float]:
        return {
            "jaccard": round(self.jaccard, 4),
            "containment_a_in_b": round(self.containment_a_in_b, 4),
            "containment_b_in_a": round(self.containment_b_in_a, 4),
        }


@dataclass(frozen=True, slots=True)
class Alignment:
    """Sentences of A matched to sentences of B.

    One-to-one alignments have one index on each side; when an outlet split or
    merged a sentence, one side holds two consecutive indices (many-to-one).

    Attributes:
        a_indices, b_indices: sentence indices (consecutive, ascending).
        score: token-sort similarity of the matched texts in [0, 1].
        kind: identical, near-identical, paraphrase or partial.
        diff: word-level edit script from A's words to B's words.
        probability: the claim matcher's probability that the two make the same
            claim (the better of the sentences and their clauses).
        why: the matcher's reasons, strongest first ("weighted words in common
            0.83 (+1.9)", "shared: ukraine, weapon"); ``pair --explain`` prints them.
    """

    a_indices: tuple[int, ...]
    b_indices: tuple[int, ...]
    score: float
    kind: str
    diff: tuple[DiffOp, ...] = ()
    probability: float | None = None
    why: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote and who said it.

    Attributes:
        text: the quoted words, without the quote marks.
        speaker: the speaker's fullest name in the article ("Dmitry Peskov"
            for a later "Peskov"), an institution as named ("the Kremlin"),
            or None when no attribution was found.
        cue: the attribution verb as written ("said", "told", "wrote"), or None.
        start, end: span of the quoted words in ``Article.text``.
        fragment: True when the quote is not a full quotation (``kind`` is
            "partial" or "scare").
        kind: "full" (a quotation that stands as what the speaker said:
            it opens its sentence, or follows a colon or "he said,"),
            "partial" (words quoted inside the reporter's own sentence that
            has an attribution: 'dismissed the claim as "total disinformation"'),
            or "scare" (quoted words with no one saying them in the sentence:
            a title, a nickname, a term held at a distance). Scare quotes are
            never treated as statements.
    """

    text: str
    speaker: str | None
    cue: str | None
    start: int
    end: int
    fragment: bool = False
    kind: str = "full"

    @property
    def is_statement(self) -> bool:
        """True for full and partial quotes: words someone is reported to have said."""
        return self.kind != "scare"

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "speaker": self.speaker,
            "cue": self.cue,
            "span": [self.start, self.end],
            "fragment": self.fragment,
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """A quote compared across the two articles (or carried by one side only)."""

    kind: str
    a: Quote | None
    b: Quote | None
    score: float
    diff: tuple[DiffOp, ...] = ()
    #: Both sides quoted and B names a speaker that A does not (A's may be unknown):
    #: renderers show both names.
    speakers_differ: bool = False

    @property
    def speaker(self) -> str | None:
        for quote in (self.a, self.b):
            if quote is not None and quote.speaker:
                return quote.speaker
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "a_speaker": self.a.speaker if self.a else None,
            "b_speaker": self.b.speaker if self.b else None,
            "a_text": self.a.text if self.a else None,
            "b_text": self.b.text if self.b else None,
            "a_span": [self.a.start, self.a.end] if self.a else None,
            "b_span": [self.b.start, self.b.end] if self.b else None,
            "kind": self.kind,
            "score": round(self.score, 4),
            "diff": render_diff(self.diff) if self.diff else None,
        }


@dataclass(frozen=True, slots=True)
class Divergence:
    """Something the two articles do not share or do not agree on.

    Attributes:
        kind: conflicting figures, names differ, framing, one-sided claim,
            entity only in a/b.
        a_text, b_text: the sentence (or entity) on each side; None when absent.
        detail: one line saying what differs ("$1 billion vs 200 million dollars").
        a_span, b_span: spans into each article's text, when there is one.
        rank: higher first within one kind (substance of a one-sided claim,
            mentions of an entity).
        background: a one-sided claim that is background (a headline, a caption,
            context such as "previously" or "since 2014") rather than a substantive
            claim of the story; ``detail`` says the same in words for the JSON.
    """

    kind: str
    a_text: str | None
    b_text: str | None
    detail: str
    a_span: tuple[int, int] | None = None
    b_span: tuple[int, int] | None = None
    rank: float = 0.0
    background: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a_text": self.a_text,
            "b_text": self.b_text,
            "detail": self.detail,
            "a_span": list(self.a_span) if self.a_span else None,
            "b_span": list(self.b_span) if self.b_span else None,
            "rank": round(self.rank, 3),
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything ``compare_articles`` found; ``to_dict()`` is the JSON contract."""

    a: Article
    b: Article
    verdict: str
    similarity: Similarity
    a_sentences: tuple[Sentence, ...]
    b_sentences: tuple[Sentence, ...]
    alignments: tuple[Alignment, ...]
    quotes: tuple[QuoteMatch, ...]
    divergences: tuple[Divergence, ...]
    a_removed: tuple[RemovedBlock, ...] = field(default=())
    b_removed: tuple[RemovedBlock, ...] = field(default=())
    #: The story score (``compare.pair.story_score.score_pair``) behind "same story"/"related"/"unrelated".
    story: Any = None

    def alignment_dicts(self) -> list[dict[str, Any]]:
        """One entry per aligned sentence link; a many-to-one alignment gives two entries."""
        entries = []
        for alignment in self.alignments:
            for i in alignment.a_indices:
                for j in alignment.b_indices:
                    sa, sb = self.a_sentences[i], self.b_sentences[j]
                    entries.append(
                        {
                            "a_index": i,
                            "b_index": j,
                            "a_span": [sa.start, sa.end],
                            "b_span": [sb.start, sb.end],
                            "score": round(alignment.score, 4),
                            "kind": alignment.kind,
                            "probability": None if alignment.probability is None else round(alignment.probability, 4),
                            "why": list(alignment.why),
                        }
                    )
        return entries

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": _article_dict(self.a),
            "b": _article_dict(self.b),
            "verdict": self.verdict,
            "similarity": self.similarity.to_dict(),
            "story": _story_dict(self.story),
            "alignments": self.alignment_dicts(),
            "quotes": [q.to_dict() for q in self.quotes],
            "divergences": [d.to_dict() for d in self.divergences],
        }


def _story_dict(story: Any) -> dict[str, Any] | None:
    if story is None:
        return None
    return {
        "probability": round(story.probability, 4),
        "without_time": round(story.timeless, 4),
        "shared": list(story.shared),
    }


def _article_dict(article: Article) -> dict[str, str | None]:
    return {"id": article.id, "title": article.title, "source": article.source}
