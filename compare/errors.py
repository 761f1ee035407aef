"""Library exceptions. Only the CLI turns them into exit codes and one-line messages.

A message says what is wrong and, where a setting fixes it, how, in the library's
own terms: its parameter names, never a command-line option. The advice is a
``Hint`` inside the message, so that the CLI can name its own option instead:

>>> error = InputError("big.txt", "50.0 MB is over the 10.0 MB limit for one article (", Hint("max_article_bytes"), ")")
>>> str(error)
'big.txt: 50.0 MB is over the 10.0 MB limit for one article (raise max_article_bytes)'
>>> error.describe(lambda hint: "raise it with --max-article-mb")
'big.txt: 50.0 MB is over the 10.0 MB limit for one article (raise it with --max-article-mb)'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Hint:
    """How to fix an error with a setting of the caller's: a part of an error message.

    Attributes:
        knob: what to change, a key of ``HINTS`` ("max_article_bytes", "index", ...).
        value: what the advice needs to say it (an index location, the index's settings).
    """

    knob: str
    value: Any = None

    def __str__(self) -> str:
        return HINTS[self.knob](self.value)


def _settings_arguments(settings: Any) -> str:
    return ", ".join(f"{name}={value}" for name, value in settings.as_dict().items())


#: The library's wording of each hint: parameter names of its functions.
HINTS: dict[str, Callable[[Any], str]] = {
    "max_article_bytes": lambda _: "raise max_article_bytes",
    "build_index": lambda where: f"build one first: ingest articles into open_index({where!r})",
    "other_index": lambda _: "give another index location",
    "new_index": lambda _: "ingest the articles again into a new index",
    "same_settings": lambda settings: (
        f"open it with the same settings ({_settings_arguments(settings)}) "
        "or give another index location to build a new one"
    ),
    "threshold": lambda lowest: (
        f"use threshold >= {lowest} or give another index location to build a new one"
    ),
    "lock_timeout": lambda _: "a longer lock_timeout waits longer",
    "read_only_use": lambda what: f"reading {what} with open_index(..., read_only=True) still works",
    "input_format": lambda _: "for other names give fmt='jsonl' or 'parquet'",
    "fewer_workers": lambda _: "run again with fewer workers (workers=1: none) or more memory",
}


class ArticleCompareError(Exception):
    """Base class: every error the library raises on purpose.

    The message is given in parts: text, and ``Hint`` objects where a setting fixes it.
    """

    def __init__(self, *parts: str | Hint) -> None:
        self.parts = parts
        super().__init__(*parts)

    def __str__(self) -> str:
        return "".join(str(part) for part in self.parts)

    def describe(self, hint: Callable[[Hint], str]) -> str:
        """The message with each hint worded by ``hint`` (the CLI names its options)."""
        return "".join(part if isinstance(part, str) else hint(part) for part in self.parts)


class InputError(ArticleCompareError):
    """An input file, line or value cannot be read as an article."""

    def __init__(self, where: str, *problem: str | Hint) -> None:
        self.where = where
        #: What is wrong with it, in the library's words.
        self.problem = "".join(str(part) for part in problem)
        self._problem = problem
        super().__init__(f"{where}: ", *problem)

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its own arguments when a worker process sends it back.
        # A subclass with arguments of its own comes back as a plain InputError.
        cls = type(self) if type(self).__init__ is InputError.__init__ else InputError
        return (cls, (self.where, *self._problem))


class IndexStoreError(ArticleCompareError):
    """The persistent index cannot be opened, read or written."""


class SettingsMismatchError(IndexStoreError):
    """The index was built with other fingerprint settings than the ones asked for."""


class ArticleTooLongError(ArticleCompareError):
    """An input is far longer than an article; comparing it sentence by sentence would not finish."""


class EmptyArticleError(ArticleCompareError):
    """An input has no content left to compare once site chrome is removed."""


class WorkerDiedError(ArticleCompareError):
    """A worker process died while it worked (killed: by the out-of-memory killer, or by hand)."""
