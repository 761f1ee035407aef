"""Bytes to text: the encodings article files come in.

UTF-8 with or without a byte-order mark, UTF-16 with one, UTF-8 with a few
stray Windows-1252 bytes, and legacy 8-bit files (Windows-1252 first, else
charset-normalizer's guess); binary files are refused with an ``InputError``.
Wire conventions and title guessing of plain text are ``compare.text.plain``
(``Article.from_text`` needs them below this layer).

>>> decode_bytes("Kyiv – Kiev".encode("utf-8"), "a.txt")
'Kyiv – Kiev'
>>> decode_bytes("£5 rise".encode("cp1252"), "meter.txt")
'£5 rise'
"""

from __future__ import annotations

import codecs
import re

from compare.errors import InputError


def decode_bytes(data: bytes, where: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or a legacy 8-bit encoding."""
    if not data.strip():
        raise InputError(where, "empty file")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8):], "utf-8", where)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", where)
    if b"\x00" in data:  # anywhere: a NUL past the first 64 KB was once dropped silently
        raise InputError(where, "binary file (NUL bytes); expected text, HTML or JSON")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _utf8_with_stray_bytes(data) or _decode_legacy(data, where)


_MAX_STRAY_BYTES = 8


def _utf8_with_stray_bytes(data: bytes) -> str | None:
    """UTF-8 text with a few stray Windows-1252 bytes (an en dash pasted from
    a Word document): those bytes as Windows-1252, the rest as UTF-8.

    Decoding the whole file as a legacy encoding instead turned every
    apostrophe of an otherwise clean UTF-8 file into mojibake ("‚Äô"), and
    an exact copy of a story scored Jaccard 0.77. Only when the UTF-8
    multibyte characters outnumber the stray bytes; a Latin-1 file has none.
    """
    parts: list[str] = []
    position = stray = 0
    while True:
        try:
            parts.append(data[position:].decode("utf-8"))
            break
        except UnicodeDecodeError as error:
            start, end = position + error.start, position + error.end
            parts.append(data[position:start].decode("utf-8"))
            parts.append("".join(_cp1252_char(b) for b in data[start:end]))
            stray += end - start
            position = end
            if stray > _MAX_STRAY_BYTES:
                return None
    text = "".join(parts)
    multibyte = sum(1 for c in text if ord(c) > 127) - stray
    return text if multibyte > stray else None


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return chr(byte)


def _strict(data: bytes, encoding: str, where: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(where, f"not valid {encoding.upper()} at byte {error.start}") from None


# Control characters that never occur in text; a file full of them is binary.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x18\x1a-\x1f\x7f]")


def _decode_legacy(data: bytes, where: str) -> str:
    """Windows-1252 when it reads as Western text, else charset-normalizer's best guess.

    charset-normalizer alone misreads short English files with one pound sign
    (seen on METER: cp932, cp1250, mac_latin2), so the common case is tried
    first; a run of accented letters is what cp1252 makes of Cyrillic or
    Greek bytes, and sends the file to the detector instead.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is None or _MOJIBAKE_RUN.search(text):
        from charset_normalizer import from_bytes  # lazy: only for non-UTF-8 files

        best = from_bytes(data, cp_exclusion=["utf_8"]).best()
        if best is None or best.encoding.startswith(("utf_16", "utf_32")):
            raise InputError(where, "cannot decode: not UTF-8 and no legacy text encoding fits (binary file?)")
        text = str(best)
    if len(_BINARY_CONTROLS.findall(text)) > max(8, len(text) // 100):
        raise InputError(where, "binary file (control bytes); expected text, HTML or JSON")
    return text


_MOJIBAKE_RUN = re.compile(r"[\u00c0-\u00ff]{3,}")
