r"""One escaping function per output format, for every value that comes from input.

Ids, titles, sources, dates, sentences and quotes are written by whoever made
the input files: a file name or a JSON field can hold a newline, a terminal
escape sequence, Markdown link syntax, HTML or a spreadsheet formula. The
renderers pass each such value through the function for their format, and
only through it, so that a value can never leave its place in the output
(a table cell, a code span, one line of text, a Mermaid label, a CSV cell):

* ``markdown_text`` / ``markdown_cell``: Markdown prose and GFM table cells;
* ``markdown_code``: an id in a code span (inside a table when ``table=True``);
* ``markdown_html``: text inside the report's own HTML tags (``<summary>``);
* ``terminal_text``: plain text for a terminal (``pair``, ``dedup``, ``ingest``,
  messages on standard error);
* ``csv_cell``: a CSV field a spreadsheet might open;
* ``mermaid_label``: a quoted Mermaid node label inside a Markdown code fence.

The HTML report and the SVG heatmap use ``html.escape`` (``quote=True``),
which is complete for those formats.

>>> markdown_cell("[x](javascript:alert(1)) | <img src=x onerror=alert(1)>")
'\\[x\\](javascript:alert(1)) \\| &lt;img src=x onerror=alert(1)&gt;'
>>> terminal_text("a\x1b]8;;http://x\x07link\nduplicate  forged")
'a\\x1b]8;;http://x\\x07link\\nduplicate  forged'
>>> csv_cell("=cmd|' /C calc'!A0")
"'=cmd|' /C calc'!A0"
"""

from __future__ import annotations

import re

# Control characters (C0, DEL, C1) and the invisible characters that reorder
# or hide text on a terminal (bidirectional overrides and isolates, the
# line and paragraph separators): each is shown as a visible escape instead.
_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(value: str) -> str:
    """Safe on a terminal: no control character, escape sequence, or line break survives.

    Each control character becomes a visible escape (``\\n``, ``\\x1b``,
    ``\\u202e``), so an id with a newline stays on its line and can still be
    recognised, and ESC never reaches the terminal (no clear-screen, OSC 8
    hyperlink or window-title sequence can start). Callers that want prose
    flattened to one line join its words first.
    """
    return _TERMINAL_UNSAFE.sub(_visible, value)


def one_line(value: str) -> str:
    """Runs of whitespace, line breaks included, as one space."""
    return " ".join(value.split())


# Markdown punctuation that can open a link, image, code span or HTML: escaped
# with a backslash (HTML characters as entities), so the value reads the same
# rendered and can never become markup. Emphasis characters are left alone:
# they change how a word looks, never where the text goes.
_MARKDOWN_SPECIAL = re.compile(r"[\\\[\]]")


def markdown_text(value: str) -> str:
    """Inline Markdown prose: one line, no HTML, no link, image or code span.

    ``&``, ``<`` and ``>`` become entities, so neither raw HTML nor an
    autolink can start; backslashes and brackets are backslash-escaped, so
    ``[x](javascript:...)`` and ``![x](...)`` stay text. A backtick becomes
    an apostrophe: wire copy opens quotes with one (```I'M QUITTING'``), and
    unbalanced it would start a code span. Control characters are shown as
    escapes, as on a terminal.
    """
    flat = terminal_text(one_line(value)).replace("`", "'")
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(), flat)


def markdown_cell(value: str) -> str:
    """``markdown_text`` that also stays inside its GFM table cell (``|`` escaped)."""
    return markdown_text(value).replace("|", "\\|")


def markdown_code(value: str, *, table: bool = False) -> str:
    """A code span holding ``value`` verbatim, fenced past any backticks in it.

    Line breaks and other control characters are shown as escapes
    (``terminal_text``), so the span is one line and an id stays recognisable.

    CommonMark code spans take no backslash escapes, so a value with
    backticks gets a longer fence instead; spaces pad a value that starts or
    ends with one. In a table (``table=True``) ``|`` is escaped, which GFM
    resolves before the code span.
    """
    flat = terminal_text(value)
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat else ""
    span = f"{fence}{pad}{flat}{pad}{fence}"
    return span.replace("|", "\\|") if table else span


def markdown_html(value: str) -> str:
    """An id inside HTML the report writes itself (``<summary>``, ``<code>``): entities, one line."""
    flat = terminal_text(value)
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# A spreadsheet takes a cell starting with one of these as a formula (OWASP's
# CSV injection list): "=cmd|' /C calc'!A0", "@SUM(...)", "+1+cmd|..."
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: str) -> str:
    """A CSV field no spreadsheet runs as a formula: a leading ``'`` when it starts like one."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def mermaid_label(value: str) -> str:
    """Text for a double-quoted Mermaid label: one line, quotes and markup as Mermaid entity codes.

    On one line the value cannot end the Markdown code fence around the
    graph; ``#`` is encoded first so that the codes written here are the
    only ones in the label.
    """
    flat = terminal_text(one_line(value))
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;"), ("&", "#amp;")):
        flat = flat.replace(char, code)
    return flat
