"""The Article record: one news article as loaded (``compare.load`` builds them)."""

from __future__ import annotations

from dataclasses import dataclass

from compare.text.plain import clean_plain_text, guess_title


@dataclass(frozen=True, slots=True)
class Article:
    """One news article.

    Attributes:
        id: stable identifier: the JSON ``id``, else the path as given
            (``path:LINE`` for a JSONL line without an id).
        text: main text as loaded; all spans point into it.
        title: headline, when known or guessed from the first content line.
        source: outlet name (JSON ``source``, or the HTML site name).
        url: canonical URL, when known.
        published: publication date as given (ISO 8601 preferred).
    """

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None

    @classmethod
    def from_text(cls, text: str, *, id: str = "text", **metadata: str | None) -> Article:
        """An article from a plain string; the title is guessed when not given."""
        cleaned = clean_plain_text(text)
        if metadata.get("title") is None:
            metadata["title"] = guess_title(cleaned)
        return cls(id=id, text=cleaned, **metadata)
