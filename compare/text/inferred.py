"""Source and date of an article read from its text, when the metadata has none.

Cross-source comparison needs to know who published what and when, and many
inputs (plain text files, scraped pages) carry neither. Only explicit marks
are read, never guessed from style:

- **source**: an agency dateline (``MOSCOW (Reuters) -``, ``WASHINGTON (AP) —``),
  an agency byline near the top (``By Foreign Staff, PA News``), a site's own
  appeal (``Support The Moscow Times!``, ``By supporting The Moscow Times``),
  an ``Original url:``/``Source:`` line with a URL (its host names the site),
  else a copyright line (``© 2022 Eastern Europe Monitor``);
- **date**: a date with its year on a line of its own or in a dateline near
  the top (``November 23, 2021``, ``23 November 2021``, ``2021-11-23``,
  ``(Feb. 4, 2014)``), a numeric date near the top that can be read only one
  way (a wire slug's ``11:42 19/01/22``: 19 cannot be a month), else a
  ``/2021/11/23/`` date in a URL line.

Callers say in their output that a value was inferred (``report`` marks it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from compare.text.lexicon import MONTH_NUMBERS

_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATES = (
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_YEAR}\b"),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b"),
)
#: A numeric date (``19/01/22``, ``19.01.2022``); used only when day and month cannot be swapped.
_NUMERIC_DATE = re.compile(r"(?<![\d/.])(?P<first>\d{1,2})[/.](?P<second>\d{1,2})[/.](?P<year>(?:19|20)?\d\d)(?![\d/.])")
_URL_DATE = re.compile(r"/(?P<year>(?:19|20)\d\d)/(?P<month>\d\d)/(?P<day>\d\d)/")
_URL = re.compile(r"https?://[^\s<>\"']+")
#: How far into the text a date line or dateline is looked for (the top of the article).
HEAD_CHARS = 600

#: Wire agencies as they appear in a dateline's parentheses.
_AGENCIES = {
    "reuters": "Reuters",
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "afp": "AFP",
    "upi": "UPI",
    "pa": "PA",
    "bloomberg": "Bloomberg",
    "interfax": "Interfax",
    "tass": "TASS",
    "xinhua": "Xinhua",
    "cnn": "CNN",
    "dpa": "dpa",
    "pa news": "PA",
    "press association": "PA",
    "ap news": "Associated Press",
    "reuters staff": "Reuters",
}
_DATELINE = re.compile(
    r"^[A-Z][A-Z .,'’-]{1,40}\((?P<agency>Reuters|AP|Associated Press|AFP|UPI|PA|Bloomberg|Interfax|TASS|Xinhua|CNN|dpa)\)\s*[-–—]",
    re.MULTILINE,
)
_BYLINE = re.compile(
    r"^\s*By\s+[^\n,|]{1,60}[,|]\s*(?P<agency>PA News|PA|Press Association|Reuters|Associated Press|AP|AFP|UPI|Bloomberg|dpa)\s*<?\s*$",
    re.MULTILINE,
)
_APPEAL = re.compile(r"\b(?:Support|By supporting|Subscribe to|Donate to)\s+(?P<name>The\s+[A-Z][\w]*(?:\s+[A-Z][\w]*){0,3})")
_COPYRIGHT = re.compile(
    r"(?:Copyright\s*)?(?:©|\(c\)|Copyright(?=\s+(?:19|20)\d\d))\s*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?,?\s+)?"
    r"(?P<name>(?:The\s+)?[A-Z][\w&'’-]*(?:[ \t]+[A-Z][\w&'’-]*){0,4})"
)
_URL_LINE = re.compile(r"^\s*(?:Original url|Original URL|Source|Originally published at)\s*:?\s*(?P<url>https?://\S+)", re.MULTILINE)


#: A copyright line's last capitalised word that is not an owner's name ("© 2022 All rights reserved").
_NOT_A_NAME = frozenset(["All", "Rights", "Reserved", "The", "By"])


@dataclass(frozen=True, slots=True)
class Inferred:
    """What was read from the text; None where nothing explicit was found.

    Attributes:
        source: the outlet or agency.
        source_evidence: the text it was read from.
        published: ISO date.
        date_evidence: the text it was read from.
    """

    source: str | None
    source_evidence: str | None
    published: str | None
    date_evidence: str | None


def _iso(year: str, month: str, day: str) -> str | None:
    number = int(month) if month.isdigit() else MONTH_NUMBERS.get(month.lower().rstrip("."))
    if number is None:
        return None
    try:
        return date(int(year), number, int(day)).isoformat()
    except ValueError:
        return None


def _unambiguous(first: str, second: str, year: str) -> str | None:
    """A numeric date that reads the same day-first and month-first (or only one way), else None."""
    full = year if len(year) == 4 else str(2000 + int(year) if int(year) < 50 else 1900 + int(year))
    readings = {found for found in (_iso(full, second, first), _iso(full, first, second)) if found}
    return readings.pop() if len(readings) == 1 else None


def _site_name(url: str) -> str | None:
    host = urlsplit(url).netloc.split(":")[0].lower()
    if host.startswith("www."):
        host = host[4:]
    return host or None


def infer_source(text: str) -> tuple[str, str] | None:
    """(source, evidence) from an explicit mark in the text, else None.

    >>> infer_source("MOSCOW (Reuters) - The Kremlin said on Wednesday ...")
    ('Reuters', 'MOSCOW (Reuters) -')
    >>> infer_source("Support The Moscow Times!\\n\\nWestern Arms Shipments ...")
    ('The Moscow Times', 'Support The Moscow Times')
    """
    match = _DATELINE.search(text[:HEAD_CHARS])
    if match:
        return _AGENCIES[match["agency"].lower()], " ".join(match.group().split())
    match = _BYLINE.search(text[:HEAD_CHARS])
    if match:
        return _AGENCIES[match["agency"].lower()], " ".join(match.group().rstrip("<").split())
    match = _APPEAL.search(text)
    if match:
        return match["name"], " ".join(match.group().split())
    match = _URL_LINE.search(text)
    if match:
        name = _site_name(match["url"])
        if name:
            return name, " ".join(match.group().split())
    match = _COPYRIGHT.search(text)
    if match and match["name"].split()[-1] not in _NOT_A_NAME:
        return match["name"], " ".join(match.group().split())
    return None


def infer_date(text: str) -> tuple[str, str] | None:
    """(ISO date, evidence) from a full date near the top of the text, else from a URL line.

    >>> infer_date("U.S. 'Escalating' Tensions\\n\\nNovember 23, 2021\\n\\nThe United States ...")
    ('2021-11-23', 'November 23, 2021')
    """
    head = text[:HEAD_CHARS]
    for pattern in _DATES:
        match = pattern.search(head)
        if match:
            found = _iso(match["year"], match["month"], match["day"])
            if found:
                return found, match.group()
    for match in _NUMERIC_DATE.finditer(head):
        found = _unambiguous(match["first"], match["second"], match["year"])
        if found:
            return found, match.group()
    for url in _URL.findall(text):
        match = _URL_DATE.search(url)
        if match:
            found = _iso(match["year"], match["month"], match["day"])
            if found:
                return found, url
    return None


def infer(text: str) -> Inferred:
    """Source and date read from ``text`` (see the module docstring)."""
    source = infer_source(text)
    published = infer_date(text)
    return Inferred(
        source[0] if source else None,
        source[1] if source else None,
        published[0] if published else None,
        published[1] if published else None,
    )


def _outlet_key(name: str) -> str:
    """``The Moscow Times`` and ``themoscowtimes.com`` share the key ``themoscowtimes``."""
    lowered = name.lower()
    if "." in lowered and " " not in lowered:
        lowered = lowered.rsplit(".", 1)[0]
    return re.sub(r"[^a-z0-9]", "", lowered)


def unify_sources(names: list[str | None]) -> list[str | None]:
    """One spelling per outlet: a host (``themoscowtimes.com``) becomes the outlet's name
    (``The Moscow Times``) when another article of the batch names it so.

    >>> unify_sources(["themoscowtimes.com", "The Moscow Times", None, "Reuters"])
    ['The Moscow Times', 'The Moscow Times', None, 'Reuters']
    """
    named = {_outlet_key(n): n for n in names if n and " " in n}
    return [named.get(_outlet_key(n), n) if n else n for n in names]
