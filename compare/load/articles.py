"""Loaders of ``Article`` records: .txt, .html/.htm, .json, .jsonl, directories, stdin.

Every loader yields ``Article`` objects whose ``text`` is the article text as
loaded; every character span elsewhere in the library points into it.
Problems are raised as ``InputError`` naming the file (and line) and the
problem; ``iter_articles`` can hand them to a callback instead, so that one bad
file or line does not stop a batch.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

from compare.article import Article
from compare.errors import Hint, InputError
from compare.load.decode import decode_bytes
from compare.text.plain import clean_plain_text, guess_title

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES

#: Default cap on one article (one file, or one JSON line). Real articles are
#: well under 1 MB; anything near this is a dump or a wrong file, and holding
#: it in memory for alignment would hurt every other article in the batch.
DEFAULT_MAX_ARTICLE_BYTES = 10 * 1024 * 1024

_JSON_FIELDS = ("id", "text", "html", "title", "source", "url", "published")

#: JSON nested deeper than this is refused before parsing. An article record
#: is two levels deep (a list of objects); Python's parser recurses per level
#: and a value 100,000 levels deep raised RecursionError through the batch.
MAX_JSON_DEPTH = 100


ErrorHandler = Callable[[InputError], None]


def _raise(error: InputError) -> None:
    raise error


def iter_articles(
    paths: Iterable[str | os.PathLike[str]],
    *,
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
    on_error: ErrorHandler | None = None,
    stdin: BinaryIO | None = None,
    lines: list[tuple[int, int]] | None = None,
) -> Iterator[Article]:
    """Yield the articles behind each path: a file, a directory (recursive) or ``-``.

    Args:
        paths: files, directories, or ``-`` for standard input.
        max_article_bytes: larger files (or JSONL lines) are refused with an
            ``InputError`` instead of being held in memory.
        on_error: called with each ``InputError``; loading then goes on with
            the next file or line. Without it the first error is raised.
        stdin: stream read for ``-`` (defaults to ``sys.stdin.buffer``).
        lines: when a list is given, ``(path number, line number)`` of every
            article yielded is appended: where ``jsonl_articles_at`` finds it
            again. The line number is 0 for an article not from a JSON-lines file.
    """
    if max_article_bytes < 1:
        raise ValueError("max_article_bytes must be positive")
    handle = on_error or _raise
    for index, raw in enumerate(paths):
        if lines is not None:
            for number, article in _numbered(raw, max_article_bytes, handle, stdin):
                lines.append((index, number))
                yield article
            continue
        given = printable_path(str(raw))
        if given == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _guarded(_load_stream(stream, max_article_bytes, handle), "-", handle)
            continue
        path = Path(str(raw))
        if path.is_dir():
            files = article_files(path)
            if not files:
                handle(InputError(given, "directory holds no .txt, .html, .json or .jsonl files"))
            for file in files:
                name = printable_path(file.as_posix())
                yield from _guarded(_load_file(file, name, max_article_bytes, handle), name, handle)
        elif path.exists():
            yield from _guarded(_load_file(path, given, max_article_bytes, handle), given, handle)
        else:
            handle(InputError(given, "no such file or directory"))


def _numbered(
    raw: str | os.PathLike[str], limit: int, handle: ErrorHandler, stdin: BinaryIO | None
) -> Iterator[tuple[int, Article]]:
    """``iter_articles`` of one path, each article with its JSON line number (0 when not from a JSON-lines file)."""
    path = Path(str(raw))
    if printable_path(str(raw)) == "-" or path.suffix.lower() not in JSONL_SUFFIXES or not path.is_file():
        for article in iter_articles([raw], max_article_bytes=limit, on_error=handle, stdin=stdin):
            yield 0, article
        return
    given = printable_path(str(raw))
    current = 0

    def articles() -> Iterator[Article]:
        nonlocal current
        with path.open("rb") as stream:
            for number, article in _numbered_jsonl(stream, given, limit, handle):
                current = number
                yield article

    # _guarded pulls one article, then yields or refuses it: ``current`` is its line.
    for article in _guarded(articles(), given, handle):
        yield current, article


def jsonl_articles_at(
    path: str | os.PathLike[str], numbers: Iterable[int], *, max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES
) -> Iterator[Article]:
    """The articles of these lines of a JSON-lines file, as ``iter_articles`` loaded them (``lines=``), in file order.

    Only the given lines are parsed; the others are only decoded (the
    decoder's state, a byte-order mark, follows the whole file). The lines
    must be ones ``iter_articles`` yielded an article for: errors and pages
    without article text are not checked again.
    """
    wanted = frozenset(numbers)
    given = printable_path(str(path))
    with Path(str(path)).open("rb") as stream:
        for _, article in _numbered_jsonl(stream, given, max_article_bytes, _raise, only=wanted):
            yield article


def printable_path(name: str) -> str:
    """A path as an id: bytes that are not UTF-8 (held as surrogates by Python) as ``\\xNN``.

    Linux file names are bytes; one that is not UTF-8 would otherwise make an
    id that cannot be printed, stored in the index or written as JSON.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return name


def article_files(directory: Path, suffixes: frozenset[str] = ARTICLE_SUFFIXES) -> list[Path]:
    """The files under a directory that are read as articles: recursive, sorted, no hidden ones."""
    return sorted(
        p
        for p in directory.rglob("*")
        if p.is_file()
        and p.suffix.lower() in suffixes
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )


def load_article(path: str | Path, **options: Any) -> Article:
    r"""Load exactly one article from a file (or the first one of a JSONL file).

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp(), "story.txt")
        >>> _ = path.write_text("Plant opens\nThe chip plant opened on Monday.\n", encoding="utf-8")
        >>> article = load_article(path)
        >>> article.title, article.text, article.id == str(path)
        ('Plant opens', 'Plant opens\nThe chip plant opened on Monday.\n', True)
    """
    for article in iter_articles([path], **options):
        return article
    raise InputError(str(path), "holds no article")


def _guarded(articles: Iterator[Article], where: str, handle: ErrorHandler) -> Iterator[Article]:
    """Turn OS errors met while reading into InputErrors for ``where``; refuse pages without article text.

    A page whose text is only a sign-in widget, a paywall, a cookie notice, a
    video playlist or a menu (``compare.text.page``) is reported as bad input
    and never reaches dedup, pair or report: its text is the same on every
    page of a site and would pair unrelated stories.
    """
    from compare.text.page import missing_article_text

    try:
        for article in articles:
            problem = missing_article_text(article.text)
            if problem is None:
                yield article
            else:
                handle(InputError(article.id, problem))
    except OSError as error:
        handle(InputError(where, f"cannot read: {error.strerror or error}"))


def _load_file(path: Path, where: str, limit: int, handle: ErrorHandler) -> Iterator[Article]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        with path.open("rb") as stream:
            yield from _load_jsonl(stream, where, limit, handle)
        return
    size = path.stat().st_size
    if size > limit:
        handle(InputError(where, f"{_mb(size)} is over the {_mb(limit)} limit for one article (", Hint("max_article_bytes"), ")"))
        return
    data = path.read_bytes()
    try:
        if suffix in JSON_SUFFIXES:
            yield from _articles_from_json_document(data, where, limit, handle)
        elif suffix in HTML_SUFFIXES:
            yield article_from_html(decode_bytes(data, where), id=where, where=where)
        else:
            yield Article.from_text(decode_bytes(data, where), id=where)
    except InputError as error:
        handle(error)


def _load_stream(stream: BinaryIO, limit: int, handle: ErrorHandler) -> Iterator[Article]:
    first = stream.readline(limit + 1)
    if _is_json_object_line(first):
        if _has_id(first):
            # With an id the article is the same whether this turns out to be JSON
            # lines or a one-object document: yield it now, not when a second line
            # arrives (``ingest -`` answers a slow feed article by article).
            yield from _load_jsonl(chain([first], stream), "-", limit, handle)
            return
        second = stream.readline(limit + 1)
        if second.strip():
            # JSON lines: streamed like a .jsonl file, so a feed piped in has no
            # total size limit (the limit is per line, i.e. per article).
            yield from _load_jsonl(chain([first, second], stream), "-", limit, handle)
            return
        first += second
    data = first + stream.read(limit + 1 - len(first))
    if len(data) > limit:
        handle(InputError("-", f"standard input is over the {_mb(limit)} limit for one article; pipe JSON lines for many articles"))
        return
    try:
        text = decode_bytes(data, "-")
        head = text.lstrip()[:1000].lower()
        if head.startswith(("{", "[")):
            yield from _articles_from_json_document(data, "-", limit, handle)
        elif head.startswith("<") and ("<html" in head or "<body" in head or "<!doctype" in head):
            yield article_from_html(text, id="-", where="-")
        else:
            yield Article.from_text(text, id="-")
    except InputError as error:
        handle(error)


def _is_json_object_line(line: bytes) -> bool:
    """One whole JSON object on the line: the start of JSON lines (or a one-line document)."""
    stripped = line.removeprefix(codecs.BOM_UTF8).strip()
    if not (stripped.startswith(b"{") and stripped.endswith(b"}")):
        return False
    try:
        return isinstance(parse_json(stripped.decode("utf-8", "replace"), "-"), dict)
    except InputError:
        return False


def _has_id(line: bytes) -> bool:
    record = json.loads(line.removeprefix(codecs.BOM_UTF8))
    return isinstance(record.get("id"), str) and bool(record["id"].strip())


def _articles_from_json_document(data: bytes, where: str, limit: int, handle: ErrorHandler) -> Iterator[Article]:
    """A .json file: one object, a list of objects, or (leniently) JSON lines."""
    text = decode_bytes(data, where)
    try:
        document = parse_json(text, where)
    except _MalformedJSON as error:
        if text.lstrip().startswith("{") and "\n" in text.strip():
            # Split on "\n" only: splitlines() also splits on U+2028, U+0085 and other
            # separators that JSON allows raw inside strings (pasted web text has them).
            yield from _load_jsonl_lines(text.split("\n"), where, limit, handle)
            return
        raise InputError(where, f"malformed JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    if isinstance(document, dict):
        yield article_from_record(document, default_id=where, where=where)
    elif isinstance(document, list):
        if not document:
            raise InputError(where, "JSON list holds no articles")
        for number, record in enumerate(document, 1):
            try:
                yield article_from_record(record, default_id=f"{where}:{number}", where=f"{where}: item {number}")
            except InputError as error:
                handle(error)
    else:
        raise InputError(where, "JSON must be an article object or a list of them")


def _load_jsonl(lines: Iterable[bytes], where: str, limit: int, handle: ErrorHandler) -> Iterator[Article]:
    """Articles of JSON lines (a binary file or its lines), each line at most ``limit`` bytes."""
    for _, article in _numbered_jsonl(lines, where, limit, handle):
        yield article


def _numbered_jsonl(
    lines: Iterable[bytes], where: str, limit: int, handle: ErrorHandler, *, only: frozenset[int] | None = None
) -> Iterator[tuple[int, Article]]:
    """``_load_jsonl`` with each article's line number; ``only``: parse just these lines (no errors reported)."""
    for number, line in jsonl_lines(lines, where, limit, only=only):
        if isinstance(line, InputError):
            handle(line)
            continue
        try:
            yield number, article_from_json_line(line, where, number)
        except InputError as error:
            handle(error)


def jsonl_lines(
    lines: Iterable[bytes], where: str, limit: int, *, only: frozenset[int] | None = None
) -> Iterator[tuple[int, str | InputError]]:
    """The decoded lines of JSON lines to parse, each with its number, and in their place the errors met.

    What ``iter_articles`` does to a JSON-lines file before parsing a line
    (``article_from_json_line``): lines over ``limit`` bytes and lines that
    are not UTF-8 are errors, blank lines are skipped, a file without any
    line is an "empty file" error (number 0, last). Batch dedup parses the
    lines in its worker processes (``compare.dedup.fingerprinter``).
    ``only``: just these lines, no errors.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    seen_any = False
    for number, raw in enumerate(lines, 1):
        if len(raw) > limit:
            if only is None:
                yield number, InputError(f"{where}:{number}", f"line of {_mb(len(raw))} is over the {_mb(limit)} limit for one article")
            continue
        try:
            line = decoder.decode(raw)
        except UnicodeDecodeError:
            decoder.reset()
            if only is None:
                yield number, InputError(f"{where}:{number}", "not valid UTF-8 (JSON lines must be UTF-8)")
            continue
        if only is not None:
            if number in only:
                yield number, line
            continue
        if not line.strip():
            continue
        seen_any = True
        yield number, line
    if not seen_any and only is None:
        yield 0, InputError(where, "empty file")


def _load_jsonl_lines(lines: list[str], where: str, limit: int, handle: ErrorHandler) -> Iterator[Article]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if len(line) > limit:
            handle(InputError(f"{where}:{number}", f"line is over the {_mb(limit)} limit for one article"))
            continue
        try:
            yield article_from_json_line(line, where, number)
        except InputError as error:
            handle(error)


class _MalformedJSON(InputError):
    """JSON that does not parse; ``msg``, ``lineno`` and ``colno`` say where."""

    def __init__(self, where: str, error: json.JSONDecodeError) -> None:
        # Some of the parser's messages end in " at" ("Invalid control character at").
        self.msg = error.msg.removesuffix(" at")
        self.lineno, self.colno = error.lineno, error.colno
        super().__init__(where, f"malformed JSON ({self.msg} at line {self.lineno} column {self.colno})")


_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def parse_json(text: str, where: str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` with a nesting limit: deeper input is an ``InputError``, never a RecursionError.

    Raises:
        InputError: nested deeper than ``max_depth``, or malformed (then a
            ``_MalformedJSON`` with the parser's position).
    """
    if text.count("[") + text.count("{") > max_depth:  # cheap: only then count the depth
        depth = deepest = 0
        for match in _BRACKETS.finditer(text):
            token = match.group()
            if token in "[{":
                depth += 1
                if depth > deepest:
                    deepest = depth
                    if deepest > max_depth:
                        raise InputError(where, f"JSON nested deeper than {max_depth} levels; an article is an object or a list of objects")
            elif token in "]}":
                depth -= 1
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _MalformedJSON(where, error) from None
    except RecursionError:  # a deep stack already: the limit above was not reached
        raise InputError(where, "JSON nested too deeply to parse") from None


def article_from_json_line(line: str, where: str, number: int) -> Article:
    """The article of one JSON line (``number`` counts from 1); InputError when it is not one."""
    try:
        record = parse_json(line, f"{where}:{number}")
    except _MalformedJSON as error:
        raise InputError(f"{where}:{number}", f"malformed JSON line ({error.msg} at column {error.colno})") from None
    return article_from_record(record, default_id=f"{where}:{number}", where=f"{where}:{number}")


def article_from_record(record: Any, *, default_id: str, where: str) -> Article:
    """An article from a JSON object with ``text`` or ``html`` and optional metadata."""
    if not isinstance(record, dict):
        raise InputError(where, "expected a JSON object with a 'text' or 'html' field")
    for name in _JSON_FIELDS:
        value = record.get(name)
        if value is None:
            continue
        if name == "id" and isinstance(value, int) and not isinstance(value, bool):
            continue  # numeric ids are common in feeds; "id": true is not an id
        if not isinstance(value, str):
            if name == "id":
                shown = json.dumps(value)
                shown = shown if len(shown) <= 40 else shown[:39] + "…"
                raise InputError(where, f"field 'id' must be a string or an integer, not {type(value).__name__} ({shown})")
            raise InputError(where, f"field '{name}' must be a string, not {type(value).__name__}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise InputError(
                where,
                f"field '{name}' holds a lone surrogate escape (\\u{ord(value[error.start]):04x} at character "
                f"{error.start + 1}), which is not text; fix the producer's JSON escaping",
            ) from None
    metadata = {name: record.get(name) or None for name in ("title", "source", "url", "published")}
    article_id = str(record["id"]) if record.get("id") not in (None, "") else default_id
    if isinstance(record.get("text"), str) and record["text"].strip():
        if metadata["title"] is None:
            metadata["title"] = guess_title(clean_plain_text(record["text"]))
        return Article(id=article_id, text=clean_plain_text(record["text"]), **metadata)
    if isinstance(record.get("html"), str) and record["html"].strip():
        from_html = article_from_html(record["html"], id=article_id, where=where)
        merged = {name: metadata[name] or getattr(from_html, name) for name in metadata}
        return Article(id=article_id, text=from_html.text, **merged)
    raise InputError(where, "no article text: give a non-empty 'text' or 'html' field")


def article_from_html(html: str, *, id: str, where: str) -> Article:
    """Main text and metadata from an HTML page, extracted by trafilatura."""
    import trafilatura  # lazy: 0.2 s import, only paid when HTML is given
    from trafilatura.settings import Document

    # as_dict=False: a Document record (trafilatura 1.x returned a dict by default).
    document = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True, as_dict=False
    )
    if not isinstance(document, Document) or not document.text or not document.text.strip():
        raise InputError(where, "no article text found in the HTML page")
    text = clean_plain_text(document.text)
    return Article(
        id=id,
        text=text,
        title=document.title or guess_title(text),
        source=document.sitename or None,
        url=document.url or None,
        published=document.date or None,
    )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
