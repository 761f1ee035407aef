"""Build the story score's background word-frequency table from wordfreq.

    python scripts/build_background_table.py

Writes ``compare/pair/data/english_frequency.bin``: wordfreq's English "best"
list (``wordfreq.get_frequency_list("en", wordlist="best")``: buckets of words,
the i-th bucket holding the words of -i centibels) as one zlib stream of

* a header: ``b"ACWF1\\n"``, the word count and the bucket count (two uint32, little-endian);
* each word's bucket (uint16, little-endian), in the order of the words;
* the words, UTF-8, sorted by their bytes, joined by newlines.

``compare.pair.story_score`` reads it with one decompression and looks words up
by bisection, instead of building a dict of 321,180 words at every ``pair``
(tests/test_story_grouping.py checks the table equals wordfreq's). Rerun after
upgrading wordfreq.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TABLE = REPO / "compare" / "pair" / "data" / "english_frequency.bin"
MAGIC = b"ACWF1\n"


def build() -> bytes:
    from wordfreq import get_frequency_list

    buckets = get_frequency_list("en", wordlist="best")
    entries = sorted((word.encode("utf-8"), index) for index, bucket in enumerate(buckets) for word in bucket)
    if any(b"\n" in word for word, _ in entries) or len({word for word, _ in entries}) != len(entries):
        raise ValueError("wordfreq's list holds a word with a newline or a word twice: the format cannot store it")
    indexes = array("H", [index for _, index in entries])
    if indexes.itemsize != 2 or len(buckets) > 65536:
        raise ValueError("bucket indexes do not fit uint16")
    if array("H", [1]).tobytes() != b"\x01\x00":
        indexes.byteswap()
    header = MAGIC + struct.pack("<II", len(entries), len(buckets))
    return zlib.compress(header + indexes.tobytes() + b"\n".join(word for word, _ in entries), 9)


def main() -> None:
    data = build()
    TABLE.write_bytes(data)
    print(f"wrote {TABLE.relative_to(REPO)} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
