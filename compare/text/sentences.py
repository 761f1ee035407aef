"""Sentence splitting for news text, with character spans into ``Article.text``.

Why not pysbd: measured on the five seeds (``python -m evaluation.seeds
--splitters``), pysbd splits the attribution off ``"…Russia?" Peskov asked.``
and costs about 25 ms per 1,000 words, a quarter of the whole 100 ms budget
for comparing two long articles. The rules below handle what news copy needs
and run in about a millisecond per article:

* a boundary is ``.``, ``!``, ``?``, ``…`` or CJK ``。！？`` (plus closing
  quotes and brackets) followed by space (or nothing, after CJK marks);
* no split before a lower-case word (``from the U.S. but``, ``... they``), after
  a title or month abbreviation (``Mr.``, ``Gen.``, ``Feb. 24``), after an
  initial (``John F. Kennedy``), or between a quote that ends in ``?``/``!``
  and its attribution (``"…whom?" Peskov asked.``);
* after an initialism (``U.S.``, ``U.K.``) a split happens only when the next
  word usually starts sentences (``The``, ``He``, ``In``…);
* every content block (line) ends a sentence, so headlines and bylines without
  final punctuation stand alone, except that a block ending mid-sentence is
  joined with a next block that starts in lower case (a broken paragraph);
* blocks removed as boilerplate by ``compare.text.normalize.strip_boilerplate`` never
  become sentences.

Text in scripts without these marks (Thai, for instance) comes out one sentence
per block, which is still a usable unit for alignment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from compare.text.chrome import CleanText, strip_boilerplate
from compare.text.lexicon import SPLITTER_CUE_VERBS, WEEKDAYS_IN_ORDER

if TYPE_CHECKING:
    from compare.article import Article


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence with its span in the article text.

    Attributes:
        index: position among the article's sentences (0-based).
        start, end: character span into ``Article.text`` (or the string given).
        text: ``text[start:end]``.
        block: index of the content block (paragraph) the sentence starts in;
            block 0 is usually the headline.
        ends_sentence: False for a headline, byline or caption without final
            punctuation.
    """

    index: int
    start: int
    end: int
    text: str
    block: int = 0
    ends_sentence: bool = True


# Abbreviations after which a period does not end a sentence.
_NEVER_FINAL = frozenset(
    str.split("""mr mrs ms dr prof gen lt col maj capt sgt cpl adm cmdr gov sen rep pres rev hon
    st mt ft jan feb mar apr jun jul aug sep sept oct nov dec no nos vol pp fig approx
    vs e.g i.e cf est dept univ ave blvd""")
)
# Abbreviations that often end a sentence too: split only before a typical sentence start.
_SOMETIMES_FINAL = frozenset(("inc", "corp", "co", "ltd", "jr", "sr", "bros", "etc", "plc", "llc"))
# Words that begin sentences far more often than they follow "U.S." inside one.
_SENTENCE_STARTERS = frozenset(
    str.split("""the a an he she it they we i you his her its their our this that these those
    there here in on at as after before but and so yet if when while however meanwhile
    some many most one two three no not what who why how earlier later last next""")
)
_CUE_VERBS = "|".join(SPLITTER_CUE_VERBS)
_ATTRIBUTION_AFTER_QUOTE = re.compile(
    rf"(?:(?:[A-Z][\w'’.-]*|the|a|an|of)\s+){{0,5}}(?:{_CUE_VERBS})\b"
)
_BOUNDARY = re.compile(r"(?:[.!?…]+|\.\.\.)[\"'”’»)\]]*(?=\s)|[。！？]+[」』”’)]*")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.){2,}$")
_INITIAL = re.compile(r"[A-Z]\.$")
_TIME_QUALIFIER = re.compile(
    r"(?:GMT|BST|UTC|EST|EDT|CST|CDT|PST|PDT|ET|PT|CET|CEST|MSK|local|"
    + "|".join(day.capitalize() for day in WEEKDAYS_IN_ORDER)
    + r")\b"
)
_FINAL_PUNCTUATION = tuple(".!?…。！？\"'”’»)]:")


def split_sentences(article_or_text: Article | str, *, clean: CleanText | None = None) -> list[Sentence]:
    """Split an article's content blocks into sentences with spans.

    Args:
        article_or_text: an ``Article`` (spans point into ``article.text``) or
            a plain string (spans point into it).
        clean: the result of ``strip_boilerplate`` when the caller already has
            it (learned boilerplate, say); computed here otherwise.

    Returns:
        Sentences in text order; boilerplate blocks are never part of one.
    """
    if isinstance(article_or_text, str):
        text, source = article_or_text, None
    else:
        text, source = article_or_text.text, article_or_text.source
    if clean is None:
        clean = strip_boilerplate(text, source=source)
    pieces: list[tuple[int, int, int]] = []  # start, end, block
    pending: tuple[int, int, int] | None = None
    for block_index, block in enumerate(clean.blocks):
        spans = _split_block(block.text)
        for k, (s, e) in enumerate(spans):
            start, end = block.start + s, block.start + e
            if pending is not None:
                if k == 0 and block.text[:1].islower():
                    start = pending[0]
                    block_number = pending[2]
                    pending = None
                    pieces.append((start, end, block_number))
                    continue
                pieces.append(pending)
                pending = None
            pieces.append((start, end, block_index))
        if pieces and not block.text.endswith(_FINAL_PUNCTUATION) and pieces[-1][1] == block.end:
            pending = pieces.pop()
    if pending is not None:
        pieces.append(pending)
    return [
        Sentence(i, s, e, text[s:e], block, text[s:e].endswith(_FINAL_PUNCTUATION))
        for i, (s, e, block) in enumerate(pieces)
    ]


def _split_block(block: str) -> list[tuple[int, int]]:
    """Sentence spans inside one block (offsets into ``block``)."""
    spans = []
    start = 0
    for match in _BOUNDARY.finditer(block):
        end = match.end()
        if not _is_boundary(block, match.start(), end):
            continue
        if block[start:end].strip():
            spans.append(_trim(block, start, end))
        start = end
    if block[start:].strip():
        spans.append(_trim(block, start, len(block)))
    return spans


def _trim(block: str, start: int, end: int) -> tuple[int, int]:
    while start < end and block[start].isspace():
        start += 1
    while end > start and block[end - 1].isspace():
        end -= 1
    return start, end


#: Characters after a mark that the rules look at (a few words): reading a
#: bounded window keeps splitting linear in the block's length, where copying
#: the rest of the block at every mark made a long paragraph quadratic.
_LOOKAHEAD = 120
_NON_SPACE = re.compile(r"\S")
_WORD_BEFORE = re.compile(r"\S+$")


def _is_boundary(block: str, mark_start: int, mark_end: int) -> bool:
    first_visible = _NON_SPACE.search(block, mark_end)
    if first_visible is None:
        return True
    rest = block[first_visible.start() : first_visible.start() + _LOOKAHEAD]
    marks = block[mark_start:mark_end]
    if marks[0] in "。！？":
        return True
    first = rest[0]
    if first.islower() or first in ",;:-–—)":
        return False
    if marks.startswith(("?", "!")) and marks[-1] in "\"'”’»" and _ATTRIBUTION_AFTER_QUOTE.match(rest):
        return False
    if marks != "." and not marks.startswith("."):
        return True
    # The word the mark ends: searched in a bounded window before the mark
    # (``_LAST_WORD.search(block, 0, ...)`` scanned from the block's start).
    window_start = max(0, mark_start + 1 - _LOOKAHEAD)
    last = _WORD_BEFORE.search(block, window_start, mark_start + 1)
    word = last.group() if last else ""
    bare = word.lstrip("\"'“‘«([").rstrip(".").lower()
    if marks == "." and bare in _NEVER_FINAL:
        return False
    if marks == "." and _INITIAL.fullmatch(word.lstrip("\"'“‘«([")):
        return _starts_sentence(rest)
    if marks == "." and bare in ("a.m", "p.m"):
        # "at 9.30 a.m. Police said": a clock time usually ends the sentence,
        # unless a time zone or day follows ("10 a.m. GMT", "9 a.m. Monday").
        return not _TIME_QUALIFIER.match(rest)
    if marks == "." and (bare in _SOMETIMES_FINAL or _INITIALISM.search(word)):
        return _starts_sentence(rest)
    return True


def _starts_sentence(rest: str) -> bool:
    first_word = re.match(r"[\"'“‘«(]*([A-Za-z]+)", rest)
    return first_word is not None and first_word.group(1).lower() in _SENTENCE_STARTERS
