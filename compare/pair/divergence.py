"""Where two aligned articles differ: figures, framing, one-sided claims, entities.

* **Conflicting figures.** Figures are parsed (``compare.text.figures``) and
  attached to the sentence they appear in. Figures of the same kind (money in
  one currency, percentages, counts of the same noun, dates) in two aligned
  sentences conflict when their values differ. Outside aligned sentences a
  figure is paired with the figure on the other side whose surrounding words
  match best (shared content words within eight words, nearer words weigh
  more: 1 / (1 + distance)); the pair is reported when the match reaches 0.5
  and the values differ. "$200 million" and "200 million dollars" are one
  figure; "$1 billion" and "200 million dollars" conflict.
* **Names differ.** Aligned claims naming different actors (lexical
  matching cannot tell "Germany said" from "Britain said").
* **Framing.** The same claim or quote introduced with different cue verbs
  ("said" on one side, "claimed" or "warned" on the other).
* **One-sided claims.** Sentences with no counterpart, ranked by substance:
  figures, quotes, attribution, names and length raise the rank; headlines,
  captions, datelines, credits and background wording ("previously", "since
  2014", "has long") lower it.
* **Entities only on one side.** A light capitalised-span extractor (no NLP
  model to download): runs of capitalised words, split at possessives, with
  titles and sentence-initial common words dropped. "Peskov" matches "Dmitry
  Peskov"; "Kiev" matches "Kyiv".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from compare.pair.matching import DATELINE, fold_phrases, mask_inline_tags, stem
from compare.pair.model import Alignment, Divergence
from compare.text.figures import Figure, find_figures
from compare.text.lexicon import (
    CALENDAR_WORDS,
    ENTITY_NAME_RUN,
    FRAMING_VERBS,
    MONTH_ABBREVIATIONS,
    STOPWORDS,
    TITLE_WORDS,
)
from compare.text.normalize import words

if TYPE_CHECKING:
    from compare.pair.prepare import Prepared

_BACKGROUND = re.compile(
    r"\b(?:previously|has long|have long|had long|since (?:19|20)\d\d|for years|time and again|"
    r"repeatedly|has been|have been|had been|last year|earlier this (?:year|month)|in (?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_CREDIT_FORMS = (
    r"contributed (?:to )?(?:this )?report",
    r"banned in russia",
    r"[/|]\s*(?:AFP|Reuters|AP|Getty|EPA)\b",
    r"^(?:photo|image|file photo)\b",
    r"\b(?:writing|reporting) by\b",
    r"\bediting by\b",
)
_CREDIT = re.compile("|".join(_CREDIT_FORMS), re.IGNORECASE)
# Searched one form at a time by ``_is_credit`` (any match is a match): alone, each scans faster.
_CREDIT_EACH = tuple(re.compile(form, re.IGNORECASE) for form in _CREDIT_FORMS)
_QUOTE_MARK = re.compile(r"[\"“”«»]")
_CAP_RUN = re.compile(ENTITY_NAME_RUN)
_NOT_ENTITY = STOPWORDS | TITLE_WORDS | CALENDAR_WORDS | MONTH_ABBREVIATIONS | frozenset(
    str.split(
        """however meanwhile some many most one two three earlier later last next following
        commenting neither fears world read more support late smarter dear"""
    )
)
# Adjectives of nationality: not an entity alone ("Russian troops"), part of one
# in "Russian Federation".
_NATIONALITIES = frozenset(
    str.split("ukrainian russian western british american european chinese soviet syrian german french israeli")
)


def find_divergences(
    a: Prepared,
    b: Prepared,
    alignments: Sequence[Alignment],
    *,
    mentions: tuple[Counter[str], Counter[str]] | None = None,
) -> list[Divergence]:
    """All divergences between two prepared articles, grouped by kind, best first within each.

    ``mentions`` is ``entity_mentions(a, b)`` when the caller has it already.
    """
    found: list[Divergence] = []
    found += conflicting_figures(a, b, alignments)
    found += names_differ(a, b, alignments)
    found += framing(a, b, alignments)
    found += one_sided(a, b, alignments)
    found += entities_only_on_one_side(a, b, mentions=mentions)
    return found


def _group_text(prepared: Prepared, indices: Sequence[int]) -> tuple[str, tuple[int, int]]:
    sentences = [prepared.sentences[k] for k in indices]
    return " ".join(s.text for s in sentences), (sentences[0].start, sentences[-1].end)


def _figure_group(figure: Figure) -> tuple[str, str] | None:
    if figure.kind == "money":
        return ("money", figure.unit)
    if figure.kind == "count":
        return ("count", stem(figure.unit)) if figure.unit else None
    if figure.kind in ("percent", "date"):
        return (figure.kind, "")
    return None


def _keys(figures: Sequence[Figure], other: Sequence[Figure]) -> set[tuple[str, float | str, str]]:
    """Figure keys to compare with ``other``'s; when either side writes a date
    without its year ("Feb. 24" / "February 24, 2022") dates compare by day only."""
    if not any(f.kind == "date" and len(str(f.value)) == 5 for f in (*figures, *other)):
        return {f.key for f in figures}
    return {(f.kind, str(f.value)[-5:], "") if f.kind == "date" else f.key for f in figures}


def _describe(figures: Sequence[Figure]) -> str:
    return ", ".join(dict.fromkeys(f.text for f in figures))


def conflicting_figures(a: Prepared, b: Prepared, alignments: Sequence[Alignment]) -> list[Divergence]:
    """Figures of the same kind that differ between aligned sentences or matching contexts."""
    found: list[Divergence] = []
    aligned_a: set[int] = set()
    aligned_b: set[int] = set()
    for alignment in alignments:
        a_text, a_span = _group_text(a, alignment.a_indices)
        b_text, b_span = _group_text(b, alignment.b_indices)
        fa, fb = find_figures(a_text), find_figures(b_text)
        for group in {g for g in map(_figure_group, fa) if g} & {g for g in map(_figure_group, fb) if g}:
            in_a = [f for f in fa if _figure_group(f) == group]
            in_b = [f for f in fb if _figure_group(f) == group]
            if _keys(in_a, in_b) != _keys(in_b, in_a):
                found.append(
                    Divergence("conflicting figures", a_text, b_text, f"{_describe(in_a)} vs {_describe(in_b)}", a_span, b_span, 1.0)
                )
        aligned_a.update(alignment.a_indices)
        aligned_b.update(alignment.b_indices)
    found += _context_conflicts(a, b, aligned_a, aligned_b)
    return found


def _figure_contexts(prepared: Prepared, skip: set[int]) -> list[tuple[Figure, dict[str, float], int]]:
    """Each money/percent/count figure of unaligned sentences with its weighted context words."""
    contexts = []
    for sentence in prepared.sentences:
        if sentence.index in skip or not prepared.is_claim(sentence.index):
            continue
        text = mask_inline_tags(sentence.text)
        tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text)]
        for figure in find_figures(text):
            if figure.kind not in ("money", "percent", "count"):
                continue
            first = next((k for k, t in enumerate(tokens) if t[1] > figure.start), 0)
            last = next((k for k, t in enumerate(tokens) if t[1] >= figure.end), first)
            weights: dict[str, float] = {}
            for k, (_, _, token) in enumerate(tokens):
                if first <= k <= last:
                    continue
                distance = first - k if k < first else k - last
                if distance > 8:
                    continue
                for word in words(token):
                    key = stem(word)
                    if key in STOPWORDS or word.isdigit():
                        continue
                    weights[key] = max(weights.get(key, 0.0), 1.0 / (1.0 + distance))
            contexts.append((figure, weights, sentence.index))
    return contexts


def _context_conflicts(a: Prepared, b: Prepared, skip_a: set[int], skip_b: set[int]) -> list[Divergence]:
    ctx_a, ctx_b = _figure_contexts(a, skip_a), _figure_contexts(b, skip_b)
    candidates = []
    for i, (fa, wa, _) in enumerate(ctx_a):
        for j, (fb, wb, _) in enumerate(ctx_b):
            group = _figure_group(fa)
            if group is None or group != _figure_group(fb):
                continue
            match = sum((wa[w] + wb[w]) / 2 for w in wa.keys() & wb.keys())
            if match >= 0.5:
                candidates.append((-match, i, j))
    found = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for negative, i, j in sorted(candidates):
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        (fa, _, sa), (fb, _, sb) = ctx_a[i], ctx_b[j]
        if fa.key == fb.key:
            continue
        a_sentence, b_sentence = a.sentences[sa], b.sentences[sb]
        found.append(
            Divergence(
                "conflicting figures",
                a_sentence.text,
                b_sentence.text,
                f"{fa.text} vs {fb.text} (in sentences about the same thing, not aligned)",
                (a_sentence.start, a_sentence.end),
                (b_sentence.start, b_sentence.end),
                round(-negative, 3),
            )
        )
    return found


def names_differ(a: Prepared, b: Prepared, alignments: Sequence[Alignment]) -> list[Divergence]:
    """Aligned claims that name different actors: "Germany said it will ship weapons"
    matched with "Britain said it had begun supplying weapons" (lexical alignment
    cannot tell them apart; this makes the difference visible)."""
    found = []
    for alignment in alignments:
        # A partial match holds more than the shared claim, so more names; and a
        # swap of actors is one or two names, not a different list.
        if alignment.kind not in ("near-identical", "paraphrase"):
            continue
        names_a = frozenset().union(*(a.forms[i].names for i in alignment.a_indices))
        names_b = frozenset().union(*(b.forms[j].names for j in alignment.b_indices))
        only_a, only_b = names_a - names_b, names_b - names_a
        if only_a and only_b and len(only_a) <= 2 and len(only_b) <= 2:
            a_text, a_span = _group_text(a, alignment.a_indices)
            b_text, b_span = _group_text(b, alignment.b_indices)
            detail = f"{_as_written(only_a, a_text)} vs {_as_written(only_b, b_text)}"
            found.append(Divergence("names differ", a_text, b_text, detail, a_span, b_span, 1.0))
    return found


def _as_written(folded: frozenset[str], text: str) -> str:
    """Folded names back in the spelling the sentence uses, in text order."""
    written = {}
    for token in re.findall(r"[\w'’-]+", text):
        for word in words(token):
            if word in folded and word not in written:
                written[word] = token.rstrip("'’s") if token.endswith(("'s", "’s")) else token
    return ", ".join(written.values())


def _cues(text: str) -> set[str]:
    return {FRAMING_VERBS[w] for w in words(mask_inline_tags(text)) if w in FRAMING_VERBS}


def framing(a: Prepared, b: Prepared, alignments: Sequence[Alignment]) -> list[Divergence]:
    """Aligned claims introduced with different cue verbs."""
    found = []
    for alignment in alignments:
        a_text, a_span = _group_text(a, alignment.a_indices)
        b_text, b_span = _group_text(b, alignment.b_indices)
        cues_a, cues_b = _cues(a_text), _cues(b_text)
        if cues_a and cues_b and cues_a != cues_b:
            detail = f"{'/'.join(sorted(cues_a))} vs {'/'.join(sorted(cues_b))}"
            found.append(Divergence("framing", a_text, b_text, detail, a_span, b_span, 1.0))
    return found


def substance(text: str, *, ends_sentence: bool = True, block: int = 1) -> float:
    """How much of a claim a sentence makes (higher: report it first)."""
    clean = mask_inline_tags(text)
    score = 0.0
    if any(f.kind != "year" for f in find_figures(clean)):
        score += 2.0
    if _QUOTE_MARK.search(clean):
        score += 1.5
    if _cues(clean):
        score += 1.0
    score += min(len(_entity_spans(clean)) * 0.3, 1.5)
    score += min(len(clean.split()) / 20.0, 1.0)
    if not ends_sentence or block == 0:
        score -= 2.0 if not ends_sentence else 1.0
    if _is_background_text(clean):
        score -= 1.5
    if _is_credit(clean):
        score -= 3.0
    return round(score, 3)


def is_background(text: str, ends_sentence: bool = True, block: int = 1) -> bool:
    """A headline, caption, credit or background sentence rather than a claim of the story."""
    clean = mask_inline_tags(text)
    return not ends_sentence or _is_background_text(clean) or _is_credit(clean)


# Entity mentions, ranking and background ask these of the same sentences; case-insensitive
# alternations are costly to scan, so each text is scanned once.
@lru_cache(maxsize=16384)
def _is_credit(text: str) -> bool:
    return any(form.search(text) for form in _CREDIT_EACH)


@lru_cache(maxsize=16384)
def _is_background_text(text: str) -> bool:
    return _BACKGROUND.search(text) is not None


def clear_caches() -> None:
    """Empty the per-sentence caches (benchmarks start each run cold)."""
    _is_credit.cache_clear()
    _is_background_text.cache_clear()


def one_sided(a: Prepared, b: Prepared, alignments: Sequence[Alignment]) -> list[Divergence]:
    """Sentences with no counterpart on the other side, substantive claims first."""
    aligned_a = {i for x in alignments for i in x.a_indices}
    aligned_b = {j for x in alignments for j in x.b_indices}
    found = []
    # A sentence both sides carry, or one a side repeats, is ranked once.
    ranked: dict[tuple[str, bool, int], tuple[float, bool]] = {}
    for side, prepared, aligned in (("a", a, aligned_a), ("b", b, aligned_b)):
        for sentence in prepared.sentences:
            if sentence.index in aligned or not prepared.is_claim(sentence.index):
                continue  # headlines, captions, credits, tip lines: not claims of the story
            key = (sentence.text, sentence.ends_sentence, sentence.block)
            if key not in ranked:
                ranked[key] = (
                    substance(sentence.text, ends_sentence=sentence.ends_sentence, block=sentence.block),
                    is_background(sentence.text, sentence.ends_sentence, sentence.block),
                )
            rank, background = ranked[key]
            label = "background" if background else "substantive claim"
            span = (sentence.start, sentence.end)
            found.append(
                Divergence(
                    "one-sided claim",
                    sentence.text if side == "a" else None,
                    sentence.text if side == "b" else None,
                    f"only in {side}: {label}",
                    span if side == "a" else None,
                    span if side == "b" else None,
                    rank,
                    background=background,
                )
            )
    found.sort(key=lambda d: (-d.rank, d.a_span is None, (d.a_span or d.b_span or (0, 0))[0]))
    return found


def _entity_spans(text: str, lowercase_words: frozenset[str] = frozenset()) -> list[str]:
    """Capitalised runs naming people, places or organisations (titles and starters dropped)."""
    found = []
    for match in _CAP_RUN.finditer(text):
        run = match.group()
        # Without an apostrophe neither expression can change the run: skip both calls.
        apostrophe = "'" in run or "’" in run
        parts = re.split(r"(?<=['’]s)\s+", run) if apostrophe else [run]
        for part in parts:
            tokens = (re.sub(r"['’]s?$", "", part) if apostrophe else part).split()
            titles = [k for k, t in enumerate(tokens) if t.lower() in TITLE_WORDS]
            if titles and titles[-1] < len(tokens) - 1:
                tokens = tokens[titles[-1] + 1 :]  # "US Secretary of State Antony Blinken" -> the person
            at_start = not text[: match.start()].strip(" \"'“‘«(")
            while tokens and (
                tokens[0].lower().strip(".") in _NOT_ENTITY
                or (at_start and tokens[0].lower() in lowercase_words)
                or (len(tokens) == 1 and tokens[0].lower() in _NATIONALITIES)
            ):
                tokens.pop(0)
                at_start = False
            while tokens and tokens[-1].lower() in ("of", "for", "and", "al", "de"):
                tokens.pop()
            if tokens and not all(t.isupper() and len(t) > 4 for t in tokens):
                found.append(" ".join(tokens))
    return found


_TITLE_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_LOWER_WORD = re.compile(r"\b[a-z][\w'-]*")


def _title_case(text: str) -> bool:
    """A headline in title case ("Kremlin Warns West Over Arms"): every word looks like a name."""
    tokens = [t for t in _TITLE_WORD.findall(text) if len(t) > 3]
    return len(tokens) >= 3 and sum(t[0].isupper() for t in tokens) >= 0.8 * len(tokens)


def _entities(
    prepared: Prepared, lowercase_words: frozenset[str], seen: dict[str, list[str]] | None = None
) -> Counter[str]:
    """Entity mentions of one article; a bare surname counts for the full name it shortens.

    ``seen`` holds the spans of sentence texts already read with the same ``lowercase_words``
    (a sentence both articles share, or one an article repeats, is read once).
    """
    if seen is None:
        seen = {}
    counts: Counter[str] = Counter()
    for sentence in prepared.sentences:
        spans = seen.get(sentence.text)
        if spans is None:
            spans = seen[sentence.text] = _sentence_entities(sentence.text, lowercase_words)
        counts.update(spans)
    full_by_last = {_entity_keys(n)[1]: n for n in counts if " " in n}
    merged: Counter[str] = Counter()
    for name, count in counts.items():
        last = _entity_keys(name)[1]
        merged[full_by_last.get(last, name) if " " not in name else name] += count
    return merged


def _sentence_entities(text: str, lowercase_words: frozenset[str]) -> list[str]:
    if _is_credit(text) or _title_case(text):
        return []
    text = fold_phrases(DATELINE.sub("", mask_inline_tags(text)))  # "MOSCOW (Reuters) -" is a credit
    return _entity_spans(text, lowercase_words)


def _entity_keys(name: str) -> tuple[str, str | None]:
    folded = words(name)
    full = " ".join(folded)
    return full, (folded[-1] if folded else None)


def _lowercase_words(a: Prepared, b: Prepared) -> frozenset[str]:
    # each distinct sentence read once: the two articles of a pair share sentences
    texts = dict.fromkeys(s.text for p in (a, b) for s in p.sentences)
    return frozenset(w for text in texts for w in _LOWER_WORD.findall(text))


def entity_mentions(a: Prepared, b: Prepared) -> tuple[Counter[str], Counter[str]]:
    """Named-entity mentions of each article (one extraction serves the verdict and the divergences)."""
    lowercase = _lowercase_words(a, b)
    seen: dict[str, list[str]] = {}
    return _entities(a, lowercase, seen), _entities(b, lowercase, seen)


def entities_only_on_one_side(
    a: Prepared, b: Prepared, *, mentions: tuple[Counter[str], Counter[str]] | None = None
) -> list[Divergence]:
    """Named entities mentioned on one side only, most mentioned first."""
    ents_a, ents_b = mentions or entity_mentions(a, b)
    found = []
    for side, mine, theirs in (("a", ents_a, ents_b), ("b", ents_b, ents_a)):
        their_full = {_entity_keys(n)[0] for n in theirs}
        their_last_single = {_entity_keys(n)[1] for n in theirs if " " not in n}
        their_last_multi = {_entity_keys(n)[1] for n in theirs if " " in n}
        merged: Counter[str] = Counter()
        display: dict[str, str] = {}
        for name, count in mine.items():
            full, last = _entity_keys(name)
            if not full:
                continue
            if full in their_full:
                continue
            if " " in name and last in their_last_single:
                continue
            if " " not in name and last in their_last_multi:
                continue
            merged[full] += count
            if len(name) > len(display.get(full, "")):
                display[full] = name
        for full, count in sorted(merged.items(), key=lambda kv: (-kv[1], kv[0])):
            name = display[full]
            detail = f"{name} ({count} mention{'s' if count > 1 else ''})"
            found.append(
                Divergence(
                    f"entity only in {side}",
                    name if side == "a" else None,
                    name if side == "b" else None,
                    detail,
                    rank=float(count),
                )
            )
    return found
