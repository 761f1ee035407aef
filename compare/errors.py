"""Library exceptions. Only the CLI turns them into exit codes and one-line messages."""

from __future__ import annotations


class ArticleCompareError(Exception):
    """Base class: every error the library raises on purpose."""


class InputError(ArticleCompareError):
    """An input file, line or value cannot be read as an article."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")


class IndexStoreError(ArticleCompareError):
    """The persistent index cannot be opened, read or written."""


class SettingsMismatchError(IndexStoreError):
    """The index was built with other fingerprint settings than the ones asked for."""


class ArticleTooLongError(ArticleCompareError):
    """An input is far longer than an article; comparing it sentence by sentence would not finish."""


class EmptyArticleError(ArticleCompareError):
    """An input has no content left to compare once site chrome is removed."""
