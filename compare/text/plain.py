"""Plain-text conventions: wire-copy markup undone, a headline guessed from the first lines.

Used by the loaders and by ``Article.from_text``, so it sits below both.
"""

from __future__ import annotations

import re
from itertools import islice

from compare.text.chrome import iter_blocks, known_chrome_reason

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WIRE_LINE_END = re.compile(r"<[ \t]*$", re.MULTILINE)
# Inline formatting tags left in copy-pasted text (seed 002 has "the Kremlin
# <u>said</u> Tuesday"): markup, not words, so they would otherwise show up in
# quotes, diffs and reports. Only these inline tags: block structure and
# anything else that merely starts with "<" are left alone.
_INLINE_TAG = re.compile(r"</?(?:a|b|i|u|em|strong|span|sup|sub|font|mark|small)(?:\s[^<>]*)?>", re.IGNORECASE)
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)


def clean_plain_text(text: str) -> str:
    """Newlines unified, control bytes dropped, wire-copy line conventions undone.

    Inline formatting tags (``<u>``, ``<b>``, ``<a href=…>``) are dropped and
    ``<br>`` becomes a line break. Press Association copy (METER) ends each
    paragraph with ``<`` and wraps
    lines inside a paragraph; when most lines follow that convention, the
    wrapped lines are joined so that a paragraph is one line again.
    """
    if "\r" in text:  # a one-byte search; the two-character "\r\n" search costs ~4 us per 4 kB text
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _may_hold_controls(text):
        text = _CONTROLS.sub("", text)
    if "<" not in text:  # no tag, no wire-copy line end: done
        return text.strip("\n") + "\n" if text.strip() else text
    text = _INLINE_TAG.sub("", _LINE_BREAK_TAG.sub("\n", text))
    lines = [line for line in text.split("\n") if line.strip()]
    marked = sum(1 for line in lines if line.rstrip().endswith("<"))
    if lines and marked >= 0.3 * len(lines):
        paragraphs = []
        current: list[str] = []
        for line in text.split("\n"):
            if known_chrome_reason(line) and not _WIRE_LINE_END.search(line):
                # Slugs and rule lines stand alone; joining them would glue chrome to the headline.
                if current:
                    paragraphs.append(" ".join(current))
                    current = []
                paragraphs.append(line.strip())
            elif _WIRE_LINE_END.search(line):
                current.append(_WIRE_LINE_END.sub("", line).strip())
                paragraphs.append(" ".join(part for part in current if part))
                current = []
            elif not line.strip():
                if current:
                    paragraphs.append(" ".join(current))
                    current = []
                paragraphs.append("")
            else:
                current.append(line.strip())
        if current:
            paragraphs.append(" ".join(current))
        text = "\n".join(paragraphs)
    return text.strip("\n") + "\n" if text.strip() else text


#: ASCII control characters that ``_CONTROLS`` drops to 0, every other byte to 1.
_CONTROL_MARKS = bytes(0 if _CONTROLS.fullmatch(chr(c)) else 1 for c in range(256))


def _may_hold_controls(text: str) -> bool:
    """False when ``_CONTROLS`` has nothing to drop; one bytes ``translate`` for ASCII text, a fifth of a regex scan."""
    if not text.isascii():
        return True
    return 0 in text.encode("ascii").translate(_CONTROL_MARKS)


_ABBREVIATION_END = re.compile(r"\b(?:[A-Z]\.){2,}$")


def guess_title(text: str) -> str | None:
    """The first content line when it reads like a headline (short, no final period)."""
    for block in islice(iter_blocks(text), 6):  # not split_blocks: 45 us per long article
        if known_chrome_reason(block.text):
            continue
        line = block.text
        ends_sentence = line.endswith((".", "?", '"', "'", ":")) and not _ABBREVIATION_END.search(line)
        if len(line.split()) <= 25 and not ends_sentence:
            return line
        return None
    return None
