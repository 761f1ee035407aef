"""Figures in news text: money, percentages, counts and dates, normalized.

A figure is parsed into a canonical value so that "$200 million" and "200
million dollars" compare equal while "$1 billion" does not. Plain regular
expressions are enough for the forms wire copy uses; a full number parser
(spelled-out numbers, ranges) would add much code for little gain, because
outlets write figures that matter in digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from compare.text.lexicon import MONTH_NUMBERS

_MAGNITUDES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_CURRENCY_SYMBOLS = {"us$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB"}
_CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "ruble": "RUB",
    "rubles": "RUB",
    "rouble": "RUB",
    "roubles": "RUB",
    "yuan": "CNY",
    "yen": "JPY",
}
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MAGNITUDE = r"thousand|million|billion|trillion|mln|bn|tn|[mbk](?![\w-])"
_MONEY_PREFIX = re.compile(
    rf"(?P<cur>US\$|\$|€|£|¥|₽)\s?(?P<num>{_NUMBER})(?:\s?(?P<mag>{_MAGNITUDE}))?(?:\s(?:dollars|euros|pounds))?",
    re.IGNORECASE,
)
_MONEY_SUFFIX = re.compile(
    rf"(?<![\w.])(?P<num>{_NUMBER})(?:\s(?P<mag>{_MAGNITUDE}))?\s(?:US\s)?(?P<cur>{'|'.join(_CURRENCY_WORDS)})\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"(?<![\w.])(?P<num>{_NUMBER})\s?(?:%|percent\b|per cent\b|pct\b)", re.IGNORECASE)
_DATE = re.compile(
    r"\b(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s(?P<year>(?:19|20)\d{2})\b)?",
)
# British and European style, "24 February 2022", "9th of June": the METER papers write dates so.
_DATE_DAY_FIRST = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s(?:of\s)?(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|"
    r"June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?![a-z])\.?"
    r"(?:,?\s(?P<year>(?:19|20)\d{2})\b)?",
)
_COUNT = re.compile(
    rf"(?<![\w.$€£¥₽-])(?P<num>{_NUMBER})(?:\s(?P<mag>thousand|million|billion|trillion))?(?:[\s-](?P<unit>[a-z]+))?"
)


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure with its span in the text it was found in.

    Attributes:
        kind: "money", "percent", "date", "year" or "count".
        value: canonical value: a number for money, percent and count;
            "MM-DD" or "YYYY-MM-DD" for dates; the year for years.
        unit: currency code for money, the counted noun for counts, else "".
        start, end: span in the text given to ``find_figures``.
        text: the figure as written.
    """

    kind: str
    value: float | str
    unit: str
    start: int
    end: int
    text: str

    @property
    def key(self) -> tuple[str, float | str, str]:
        """What two figures must share to be the same figure."""
        return (self.kind, self.value, self.unit if self.kind == "money" else "")

    def canonical(self) -> str:
        """One word standing for the figure in matching text (``usd200000000``)."""
        if self.kind == "money":
            return f"{self.unit.lower()}{_number_word(float(self.value))}"
        if self.kind == "percent":
            return f"pct{_number_word(float(self.value))}"
        if self.kind == "date":
            return "date" + str(self.value).replace("-", "_")
        if self.kind == "count":
            return f"n{_number_word(float(self.value))}"
        return str(self.value)


def _number_word(value: float) -> str:
    return (f"{value:.0f}" if value == int(value) else f"{value:g}").replace(".", "_")


def _number(text: str, magnitude: str | None) -> float:
    value = float(text.replace(",", ""))
    if magnitude:
        value *= _MAGNITUDES[magnitude.lower()]
    return value


def find_figures(text: str) -> list[Figure]:
    """All figures in ``text``, left to right, without overlaps.

    Money and percentages are matched before plain counts so that the digits of
    "$200 million" are not also read as a count of millions. Results are cached
    per text: alignment, divergences and ranking all ask about the same sentences.
    """
    return list(_find_figures(text))


_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=8192)
def _find_figures(text: str) -> tuple[Figure, ...]:
    if not _DIGIT.search(text):
        return ()  # every figure expression needs a digit: most sentences skip six scans
    found: list[Figure] = []
    taken = bytearray(len(text))

    def claim(match: re.Match[str], figure: Figure) -> None:
        if any(taken[match.start() : match.end()]):
            return
        taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
        found.append(figure)

    for match in _MONEY_PREFIX.finditer(text):
        currency = _CURRENCY_SYMBOLS[match["cur"].lower()]
        claim(match, Figure("money", _number(match["num"], match["mag"]), currency, match.start(), match.end(), match.group()))
    for match in _MONEY_SUFFIX.finditer(text):
        currency = _CURRENCY_WORDS[match["cur"].lower()]
        claim(match, Figure("money", _number(match["num"], match["mag"]), currency, match.start(), match.end(), match.group()))
    for match in _PERCENT.finditer(text):
        claim(match, Figure("percent", _number(match["num"], None), "", match.start(), match.end(), match.group()))
    for match in (*_DATE_DAY_FIRST.finditer(text), *_DATE.finditer(text)):
        month = MONTH_NUMBERS[match["month"].lower()[:3]]
        day = int(match["day"])
        if not 1 <= day <= 31:
            continue
        value = f"{month:02d}-{day:02d}"
        if match["year"]:
            value = f"{match['year']}-{value}"
        claim(match, Figure("date", value, "", match.start(), match.end(), match.group()))
    for match in _COUNT.finditer(text):
        raw = match["num"]
        if match["mag"] is None and re.fullmatch(r"(?:19|20)\d{2}", raw):
            span = (match.start(), match.start() + len(raw))
            if not any(taken[span[0] : span[1]]):
                taken[span[0] : span[1]] = b"\x01" * len(raw)
                found.append(Figure("year", raw, "", span[0], span[1], raw))
            continue
        unit = (match["unit"] or "").lower()
        claim(match, Figure("count", _number(raw, match["mag"]), unit, match.start(), match.end(), match.group()))
    found.sort(key=lambda f: f.start)
    return tuple(found)


def canonicalize_figures(text: str) -> str:
    """``text`` with every money, percent, date and count figure replaced by its canonical word."""
    figures = [f for f in find_figures(text) if f.kind != "year"]
    if not figures:
        return text
    parts = []
    last = 0
    for figure in figures:
        parts.append(text[last : figure.start])
        parts.append(f" {figure.canonical()} ")
        if figure.kind == "count" and figure.unit:
            parts.append(figure.unit + " ")
        last = figure.end
    parts.append(text[last:])
    return "".join(parts)


def clear_caches() -> None:
    """Empty the per-text figure cache (benchmarks start each run cold)."""
    _find_figures.cache_clear()
