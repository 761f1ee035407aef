"""What one story cluster says: agreements, divergences, quotes by speaker, evidence.

``build_story`` turns the comparisons ``compare_articles`` made inside a story
(as ``PairFindings`` records) and each member's quotes into the records of
``compare.report.model``:

- agreements: aligned sentences (identical, near-identical, paraphrase)
  joined across pairs into claims; a claim carried by two or more
  sources is an agreement (an article without a source counts as its own);
- quotes: every quote of every member, grouped by speaker (surname) and by
  quote (rapidfuzz ratio >= 80, or one holding the other), then by wording;
- divergences: conflicting figures and framing from the pairs, reworded
  quotes (with a word diff) and different cue verbs from the quote groups,
  and what one article alone carries (quotes, claims, named entities),
  checked against every member, not only the aligned ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from compare.article import Article
from compare.graph import UnionFind
from compare.pair.model import Comparison, QuoteMatch
from compare.pair.model import Divergence as PairDivergence
from compare.report.model import (
    Agreement,
    Divergence,
    QuoteWording,
    Story,
    StoryEvidence,
    StoryQuote,
)
from compare.report.stories import StoryClusters
from compare.text.chrome import CleanText
from compare.text.lexicon import speaker_key
from compare.text.normalize import fold, words

#: Alignment kinds (from ``compare_articles``) that mean "the same claim". Not
#: "partial": a shared fragment ("the separatist-held Donetsk region") is not a claim.
AGREEING_KINDS = frozenset({"identical", "near-identical", "paraphrase"})
#: Divergence kinds that make an aligned pair two different claims, not one: the
#: lexical matcher can align "Germany said it will ship weapons" with "Britain
#: said it had begun supplying weapons"; ``pair`` flags the names, and the report
#: must not list the pair as something the sources agree on.
DISPUTING_KINDS = frozenset({"names differ", "conflicting figures"})
#: Quote match kinds (from ``compare_articles``) that mean "both carry this quote".
SHARED_QUOTE_KINDS = frozenset({"same", "reworded"})

# Order in which divergences are listed: conflicts before one-sided content.
_DIVERGENCE_ORDER = {
    "conflicting figures": 0,
    "different speaker": 1,
    "reworded quote": 2,
    "different cue verbs": 3,
    "framing": 4,
    "one-source quote": 5,
    "one-source claim": 6,
    "one-source entity": 7,
}
#: token_sort_ratio from which another member's sentence says the same claim.
SAME_CLAIM_RATIO = 80
#: Quotes shorter than this (scare quotes, "dead-end") are listed but never flagged as divergences.
MIN_QUOTE_WORDS = 4
#: Named entities listed per article as carried by that article alone.
ENTITIES_PER_ARTICLE = 3


@dataclass(frozen=True, slots=True)
class SentenceLink:
    """One aligned sentence pair of a comparison (a many-to-one alignment gives several)."""

    a_index: int
    b_index: int
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    score: float
    kind: str


@dataclass(frozen=True, slots=True)
class PairFindings:
    """What a story reads of one comparison: its verdict, sentence links, quote matches and
    divergences. Small enough to send back from a worker (no article text, no sentence list)."""

    verdict: str
    links: tuple[SentenceLink, ...]
    quotes: tuple[QuoteMatch, ...]
    divergences: tuple[PairDivergence, ...]

    @classmethod
    def of(cls, comparison: Comparison) -> PairFindings:
        """The findings of a comparison; scores rounded as its JSON rounds them."""
        links = tuple(
            SentenceLink(i, j, (sa.start, sa.end), (sb.start, sb.end), round(alignment.score, 4), alignment.kind)
            for alignment in comparison.alignments
            for i in alignment.a_indices
            for j in alignment.b_indices
            for sa, sb in ((comparison.a_sentences[i], comparison.b_sentences[j]),)
        )
        return cls(comparison.verdict, links, comparison.quotes, comparison.divergences)


@dataclass(frozen=True, slots=True)
class StoryContext:
    """The batch as one story sees it: articles, cleaned texts, positions, sentence cache
    (``sentences`` may start with the keys the comparisons already split)."""

    batch: Sequence[Article]
    cleaned: Sequence[CleanText]
    position: dict[str, int]
    sentences: dict[int, list[str]] = field(default_factory=dict)

    def sentence_keys(self, position: int) -> list[str]:
        """Folded word keys of an article's content sentences (computed once)."""
        if position not in self.sentences:
            from compare.text.sentences import split_sentences

            found = split_sentences(self.batch[position], clean=self.cleaned[position])
            self.sentences[position] = [_key(s.text) for s in found]
        return self.sentences[position]

    def source_key(self, position: int) -> str:
        """Unknown sources count as distinct: each such article speaks for itself."""
        article = self.batch[position]
        return article.source or f"article {article.id}"

    def in_boilerplate(self, position: int, span: Sequence[int]) -> bool:
        start, end = span
        return any(r.start < end and start < r.end for r in self.cleaned[position].removed)


def build_story(
    number: int,
    members: Sequence[int],
    batch: Sequence[Article],
    cleaned: Sequence[CleanText],
    found: StoryClusters,
    comparisons: dict[tuple[int, int], PairFindings | None],
    extract_quotes: Callable[[Article], list[Any]],
    one_source_claims: int,
    sentence_keys: Mapping[int, list[str]] | None = None,
) -> Story:
    """One story's agreements, divergences, quotes and evidence. ``sentence_keys`` (input
    position -> ``sentence_key`` of each content sentence) are used instead of splitting an
    article again; give them only where they split the same cleaned text as ``cleaned``."""
    known = sentence_keys or {}
    context = StoryContext(
        batch, cleaned, {batch[p].id: p for p in members}, {p: known[p] for p in members if p in known}
    )
    member_set = set(members)
    ids = tuple(batch[p].id for p in members)
    dates = sorted(d for d in (iso_date(batch[p].published) for p in members) if d)
    sources = tuple(sorted({source for p in members if (source := batch[p].source)}))
    compared = {pair: result for pair, result in comparisons.items() if pair[0] in member_set}
    if len(members) == 1:
        return Story(number, ids, sources, dates[0] if dates else None, dates[-1] if dates else None, (), (), (), ())
    agreements, aligned_texts = _agreements(members, compared, context)
    quotes = _quotes(members, context, extract_quotes)
    divergences = _divergences(members, compared, quotes, aligned_texts, context, one_source_claims)
    scores = {(link.a, link.b): link for link in found.links}
    evidence = tuple(_evidence(pair, result, scores.get(pair), context) for pair, result in sorted(compared.items()))
    return Story(
        number,
        ids,
        sources,
        dates[0] if dates else None,
        dates[-1] if dates else None,
        agreements,
        divergences,
        quotes,
        evidence,
    )


def _span_text(article: Article, span: Sequence[int]) -> str:
    return " ".join(article.text[span[0] : span[1]].split())


def _agreements(
    members: Sequence[int], compared: dict[tuple[int, int], PairFindings | None], context: StoryContext
) -> tuple[tuple[Agreement, ...], set[str]]:
    """Claims as connected groups of aligned sentences; kept when >= 2 sources carry them."""
    claims = UnionFind[tuple[int, int]]()
    spans: dict[tuple[int, int], Sequence[int]] = {}

    aligned_texts: set[str] = set()
    for (a, b), result in sorted(compared.items()):
        if result is None:
            continue
        disputed = {
            (d.a_span, d.b_span) for d in result.divergences if d.kind in DISPUTING_KINDS and d.a_span and d.b_span
        }
        for link in result.links:
            if link.kind not in AGREEING_KINDS:
                continue
            if (link.a_span, link.b_span) in disputed:
                continue
            left, right = (a, link.a_index), (b, link.b_index)
            if context.in_boilerplate(a, link.a_span) or context.in_boilerplate(b, link.b_span):
                continue
            spans[left], spans[right] = link.a_span, link.b_span
            aligned_texts.add(_key(_span_text(context.batch[a], link.a_span)))
            aligned_texts.add(_key(_span_text(context.batch[b], link.b_span)))
            claims.union(left, right)
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for node in spans:
        groups.setdefault(claims.find(node), []).append(node)
    order = {p: i for i, p in enumerate(members)}
    voice = _voices(members, compared)
    agreements = []
    for nodes in groups.values():
        nodes.sort(key=lambda node: (order[node[0]], node[1]))
        by_article: dict[int, tuple[int, int]] = {}
        copies: list[int] = []
        voices: dict[int, int] = {}
        for node in nodes:
            if node[0] in by_article or node[0] in copies:
                continue
            first = voices.setdefault(voice[node[0]], node[0])
            if first == node[0]:
                by_article[node[0]] = node  # an article's first sentence of the claim
            else:
                copies.append(node[0])  # a copy of an article already carrying it: one voice
        keys = {context.source_key(p) for p in by_article}
        if len(keys) < 2:
            continue
        wordings = tuple((context.batch[p].id, _span_text(context.batch[p], spans[node])) for p, node in by_article.items())
        known = tuple(sorted({source for p in by_article if (source := context.batch[p].source)}))
        agreements.append(
            (
                -len(keys),
                order[nodes[0][0]],
                nodes[0][1],
                Agreement(
                    wordings[0][1],
                    tuple(w[0] for w in wordings),
                    known,
                    wordings,
                    tuple(context.batch[p].id for p in copies),
                ),
            )
        )
    agreements.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in agreements), aligned_texts


#: Verdicts of ``compare_articles`` that make two articles one voice (copies of one story).
COPY_VERDICTS = frozenset({"duplicate", "near-duplicate"})


def _voices(members: Sequence[int], compared: dict[tuple[int, int], PairFindings | None]) -> dict[int, int]:
    """Each member's voice: its group of near-duplicates (the same story republished), named by
    the group's first article; a member without copies is its own voice."""
    copies = UnionFind[int](members)
    for (a, b), result in compared.items():
        if result is not None and result.verdict in COPY_VERDICTS:
            copies.union(a, b)
    return {p: copies.find(p) for p in members}


def sentence_key(text: str) -> str:
    """The folded words of a sentence, one space apart: what stories compare sentences by."""
    return " ".join(words(text))


_key = sentence_key


# ---------------------------------------------------------------- quotes

_PERSON = re.compile(r"^[A-Z][\w'.-]*(?: [A-Z][\w'.-]*)*$")


def _speaker_group(speaker: str | None) -> str:
    """One group per person across outlets: the speaker key (surname) of a capitalised name;
    a role or institution ("a Pentagon spokesman") stays whole, so two spokesmen stay two."""
    if not speaker:
        return "(unattributed)"
    cleaned = " ".join(speaker.split())
    if _PERSON.match(cleaned):
        return speaker_key(cleaned) or fold(cleaned)
    return fold(cleaned)


def _same_quote(a: str, b: str) -> bool:
    """The same quote, reworded or cut: high similarity, or one holds the other (>= 4 words)."""
    from rapidfuzz import fuzz

    ka, kb = _key(a), _key(b)
    if not ka or not kb:
        return False
    if fuzz.ratio(ka, kb) >= 80:
        return True
    shorter = min(ka, kb, key=len)
    return len(shorter.split()) >= 4 and fuzz.partial_ratio(ka, kb) >= 90


def _quotes(members: Sequence[int], context: StoryContext, extract: Callable[[Article], list[Any]]) -> tuple[StoryQuote, ...]:
    """Every quote of the story grouped by speaker, then by quote, then by exact wording."""
    names: dict[str, str] = {}
    groups: dict[str, list[list[tuple[int, Any]]]] = {}
    for position in members:
        for quote in extract(context.batch[position]):
            if context.in_boilerplate(position, (quote.start, quote.end)):
                continue
            speaker = _speaker_group(quote.speaker)
            display = " ".join((quote.speaker or "(unattributed)").split())
            if len(display) > len(names.get(speaker, "")):
                names[speaker] = display
            for group in groups.setdefault(speaker, []):
                if any(_same_quote(quote.text, other.text) for _, other in group):
                    group.append((position, quote))
                    break
            else:
                groups[speaker].append([(position, quote)])
    result = []
    order = {p: i for i, p in enumerate(members)}
    for speaker, quote_groups in groups.items():
        for group in quote_groups:
            wordings: dict[str, list[tuple[int, Any]]] = {}
            for position, quote in group:
                wordings.setdefault(_key(quote.text), []).append((position, quote))
            rows = []
            for carried in wordings.values():
                positions = list(dict.fromkeys(p for p, _ in carried))
                rows.append(
                    QuoteWording(
                        text=" ".join(carried[0][1].text.split()),
                        cues=tuple(sorted({q.cue for _, q in carried if q.cue})),
                        articles=tuple(context.batch[p].id for p in positions),
                        sources=tuple(sorted({source for p in positions if (source := context.batch[p].source)})),
                    )
                )
            first = min(order[p] for p, _ in group)
            result.append((first, names[speaker], StoryQuote(names[speaker], tuple(rows))))
    result.sort(key=lambda item: (item[1].casefold(), item[0]))
    return tuple(item[2] for item in result)


def word_diff(a: str, b: str) -> str:
    """Word-level diff of two wordings: ``[-removed-]`` and ``{+added+}`` (rapidfuzz opcodes).

    Consecutive edits are merged into one removed/added block, which reads
    better than rapidfuzz's interleaved inserts and deletes.
    """
    from rapidfuzz.distance import Levenshtein

    left, right = a.split(), b.split()
    folded_left, folded_right = [fold(w) for w in left], [fold(w) for w in right]
    parts: list[str] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        if removed:
            parts.append("[-" + " ".join(removed) + "-]")
        if added:
            parts.append("{+" + " ".join(added) + "+}")
        removed.clear()
        added.clear()

    for op in Levenshtein.opcodes(folded_left, folded_right):
        if op.tag == "equal":
            flush()
            parts.append(" ".join(left[op.src_start : op.src_end]))
        else:
            removed.extend(left[op.src_start : op.src_end])
            added.extend(right[op.dest_start : op.dest_end])
    flush()
    return " ".join(parts)


# ---------------------------------------------------------------- divergences


def _divergences(
    members: Sequence[int],
    compared: dict[tuple[int, int], PairFindings | None],
    quotes: Sequence[StoryQuote],
    aligned_texts: set[str],
    context: StoryContext,
    one_source_claims: int,
) -> tuple[Divergence, ...]:
    found: dict[tuple[str, str | None, str | None, str], Divergence] = {}

    def add(divergence: Divergence) -> None:
        # One sentence pair can conflict on several figures ("$200 million vs $1 billion",
        # "5% vs 7%"): each is its own divergence, not only the first.
        detail = divergence.detail if divergence.kind == "conflicting figures" else ""
        found.setdefault((divergence.kind, _key(divergence.a_text or ""), _key(divergence.b_text or ""), detail), divergence)

    story_sources = {context.source_key(p) for p in members}
    for quote in quotes:
        first = quote.wordings[0]
        for other in quote.wordings[1:]:
            add(Divergence("reworded quote", first.articles[0], other.articles[0], first.text, other.text, word_diff(first.text, other.text)))
        cues = {cue for w in quote.wordings for cue in w.cues}
        if len(cues) > 1:
            by_cue = [w for w in quote.wordings if w.cues]
            differing = next((w for w in by_cue if set(w.cues) != set(by_cue[0].cues)), None)
            add(
                Divergence(
                    "different cue verbs",
                    by_cue[0].articles[0],
                    differing.articles[0] if differing else None,
                    by_cue[0].text,
                    differing.text if differing else None,
                    f"{quote.speaker}: " + " / ".join(sorted(cues)),
                )
            )
        carried_by = {context.source_key(p) for p in _positions(quote.articles, context)}
        # A few scare-quoted words ("dead-end") are a choice of words, not a quote one outlet alone reports.
        substantial = len(first.text.split()) >= MIN_QUOTE_WORDS
        if len(carried_by) == 1 and len(story_sources) > 1 and substantial:
            add(Divergence("one-source quote", first.articles[0], None, first.text, None, f"{quote.speaker}; no other article of the story carries it"))

    one_sided: dict[str, int] = {}
    entities: dict[str, int] = {}
    for (a, b), result in sorted(compared.items()):
        if result is None:
            continue
        for match in result.quotes:
            quote_a = match.a.text if match.a else None
            quote_b = match.b.text if match.b else None
            short = min(len((quote_a or "").split()), len((quote_b or "").split())) < MIN_QUOTE_WORDS
            if match.kind == "different speaker" and not short:
                add(Divergence("different speaker", context.batch[a].id, context.batch[b].id, quote_a, quote_b, match.speaker or ""))
        for entry in result.divergences:
            kind = entry.kind
            a_text, b_text = entry.a_text, entry.b_text
            if kind == "one-sided claim":
                side, text = (a, a_text) if a_text else (b, b_text)
                if not text or _key(text) in aligned_texts:
                    continue  # another article of the story carries it
                if entry.background:
                    continue  # headlines and context lines: not what a reader checks sources for
                article_id = context.batch[side].id
                if one_sided.get(article_id, 0) >= one_source_claims:
                    continue
                if _said_elsewhere(text, side, members, context):
                    continue  # a member this article was not aligned with carries it
                one_sided[article_id] = one_sided.get(article_id, 0) + 1
                add(Divergence("one-source claim", article_id, None, text, None, "substantive claim"))
            elif kind.startswith("entity only in"):
                # Pairwise "only in a" is often carried by a third article; keep what one article alone names.
                side, name = (a, a_text) if a_text else (b, b_text)
                if not name or entities.get(context.batch[side].id, 0) >= ENTITIES_PER_ARTICLE or _named_elsewhere(name, side, members, context):
                    continue
                entities[context.batch[side].id] = entities.get(context.batch[side].id, 0) + 1
                add(Divergence("one-source entity", context.batch[side].id, None, name, None, entry.detail))
            else:
                add(Divergence(kind, context.batch[a].id, context.batch[b].id, a_text, b_text, entry.detail))
    return tuple(sorted(found.values(), key=lambda d: _DIVERGENCE_ORDER.get(d.kind, 10)))




def _said_elsewhere(text: str, position: int, members: Sequence[int], context: StoryContext) -> bool:
    """Whether another member has a sentence close to ``text`` (one cdist call).

    Articles are aligned with a few close fellows only, so "not aligned" is
    not yet "only this article says it"; this checks every other member.
    """
    from rapidfuzz import fuzz, process

    others = [s for p in members if p != position for s in context.sentence_keys(p)]
    if not others:
        return False
    scores = process.cdist([_key(text)], others, scorer=fuzz.token_sort_ratio)
    return bool(scores.max() >= SAME_CLAIM_RATIO)


def _named_elsewhere(name: str, position: int, members: Sequence[int], context: StoryContext) -> bool:
    needle = fold(name)
    return any(fold(context.batch[p].text).find(needle) >= 0 for p in members if p != position)


def _positions(ids: Sequence[str], context: StoryContext) -> list[int]:
    return [context.position[i] for i in ids]


def _evidence(pair: tuple[int, int], result: PairFindings | None, link: Any, context: StoryContext) -> StoryEvidence:
    a, b = pair
    alignments = [] if result is None else [x for x in result.links if x.kind in AGREEING_KINDS]
    alignments = [x for x in alignments if not context.in_boilerplate(a, x.a_span)]
    best = sorted(alignments, key=lambda x: (-x.score, x.a_index))[:2]
    shared_quotes = 0 if result is None else sum(1 for q in result.quotes if q.kind in SHARED_QUOTE_KINDS)
    verdict = None if result is None else result.verdict
    if verdict is not None and verdict not in COPY_VERDICTS:
        # The report's relation for the pair: both are in this story (average linkage decides for the
        # group, so one pair's own score may sit below the threshold); "related" here would contradict it.
        verdict = "same story"
    return StoryEvidence(
        a=context.batch[a].id,
        b=context.batch[b].id,
        score=link.score if link is not None else 0.0,
        shared_names=link.shared if link is not None else (),
        verdict=verdict,
        shared_sentences=len(alignments),
        shared_quotes=shared_quotes,
        examples=tuple(_span_text(context.batch[a], x.a_span) for x in best),
    )


_ISO_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")


def iso_date(published: str | None) -> str | None:
    """The ISO date of a ``published`` value, or None when it is missing or not ISO."""
    if not published:
        return None
    match = _ISO_DATE.match(published)
    return match.group(1) if match else None
