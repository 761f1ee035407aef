"""Held-out near-duplicate evaluation: real stories republished in eleven forms, with hard negatives.

``python evaluation/heldout_dedup.py`` (or ``python -m evaluation.heldout_dedup``)
builds a labelled batch from PolNeAR (``../shared/data/polnear-train``: 840 US
political news articles of 7 publishers, never used to tune near-duplicate
detection), runs ``compare.dedup.find_duplicates`` at its defaults and, in the
same run, two baselines on the same batch:

- ``datasketch``: what a datasketch user writes first: ``MinHash`` of the word
  4-shingles of the whole text, ``MinHashLSH(threshold=0.5)``, a pair flagged
  when the LSH returns it and the MinHash estimate is >= 0.5;
- ``word shingles only``: this tool with its character signal switched off
  (how it matched before it had one).

Beside the batch tool it scores ``article-compare ingest``: the same batch fed
in order to ``ingest`` over a fresh SQLite index, each article checked against
what was kept before it (stored, compacted sets; word and character bands).

It prints precision, recall and recall per form, on the *dev* half (publishers
breitbart, huff-post and nyt: what the character signal was tuned on) and on
the *test* half (politico, usa-today, wash-post and west-journal: scored,
never tuned on), then checks real data for false joins: METER wire
``<story>N.txt`` vs ``<story>Nsub.txt`` and gva-dev pages of different
incidents.

Forms (each made from every base story, deterministic for a seed):

==========================  ==============================================================
``site chrome``             another outlet's header, menu line, share bar, related links, footer
``new headline, dateline``  headline replaced, ``CITY (Agency) -`` put before the first paragraph
``trimmed 30%``             cut at the sentence end nearest 70 % of the words
``swapped paragraphs``      neighbouring body paragraphs swapped pairwise
``curly quotes, reflow``    typographic quotes and dashes, lines hard-wrapped at 60-72 columns
``editor's note``           an editor's note before the story and a correction after it
``html page``               a whole HTML page (nav, ads, aside, footer) through the real extractor
``typos 2%``                2 % of the words of 4+ letters get one typo
``ocr noise 6%``            6 % of the characters changed as OCR does (rn/m, l/1, e/c, dropped
                            and merged letters, split and joined words)
``heavy template``          the first four paragraphs inside a heavy site template: 30-link menu,
                            20-headline sidebar, legal footer, as plain text
``heavy template html``     the same page as HTML, through the real extractor
==========================  ==============================================================

Hard negatives, each a different story, all in the same batch:

- ``related story``: for every base, the non-base PolNeAR article closest to it
  (most shared rare words): same campaign, same names, different article;
- ``related story, ocr noise``: that article with 6 % OCR noise (the
  character signal must not join noisy related stories);
- ``other story in template`` (text and HTML): the first two to four
  paragraphs of another article inside the *same* heavy template as the
  base's templated forms: pages that share 300+ words of template.

Labels: a flagged pair is correct when both articles come from one PolNeAR
article, wrong otherwise. PolNeAR articles that are near-copies of each other
(an AP story carried by two publishers) are dropped before sampling, so the
labels hold. Recall is over (base, variant) pairs.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO))

from compare.article import Article  # noqa: E402
from compare.load.articles import article_from_html  # noqa: E402
from compare.text.normalize import words  # noqa: E402
from evaluation import SHARED_DIR  # noqa: E402

#: $ARTICLE_COMPARE_SHARED, else ../shared beside the repository (as every evaluation reads it).
DEFAULT_SHARED = SHARED_DIR
POLNEAR = Path("data") / "polnear-train"
METER = Path("data") / "meter-showbiz"
GVA = Path("data") / "gva-dev" / "pages.jsonl"

DEV_PUBLISHERS = ("breitbart", "huff-post", "nyt")
TEST_PUBLISHERS = ("politico", "usa-today", "wash-post", "west-journal")
DEFAULT_SEED = 4242
#: Base stories per half (the issue's own held-out set had 80).
DEFAULT_STORIES = 80
MIN_WORDS, MAX_WORDS = 150, 1500
TYPO_RATE = 0.02
OCR_RATE = 0.06
MIN_OCR_RATE = 0.05

FORMS = (
    "site chrome",
    "new headline, dateline",
    "trimmed 30%",
    "swapped paragraphs",
    "curly quotes, reflow",
    "editor's note",
    "html page",
    "typos 2%",
    "ocr noise 6%",
    "heavy template",
    "heavy template html",
)
NEGATIVE_FORMS = ("related story", "related story, ocr noise", "other story in template", "other story in template html")


# --- stories ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Story:
    id: str  # PolNeAR file name
    publisher: str
    title: str
    paragraphs: tuple[str, ...]  # first is the headline

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs) + "\n"


def load_stories(polnear: Path) -> list[Story]:
    """PolNeAR articles of MIN_WORDS..MAX_WORDS words with a headline and >= 5 body paragraphs."""
    meta = {}
    for line in (polnear / "metadata.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split("\t")
        meta[fields[1]] = (fields[4], fields[7])
    stories = []
    for path in sorted((polnear / "text").glob("*.txt")):
        publisher, title = meta.get(path.stem, ("?", ""))
        paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if p.strip())
        count = sum(len(p.split()) for p in paragraphs)
        if MIN_WORDS <= count <= MAX_WORDS and len(paragraphs) >= 6:
            stories.append(Story(path.stem, publisher, title or paragraphs[0], paragraphs))
    return stories


def _shingles(text: str, k: int = 4) -> set[int]:
    tokens = words(text)
    return {hash(tuple(tokens[i : i + k])) for i in range(max(0, len(tokens) - k + 1))}


def drop_copies(stories: Sequence[Story]) -> list[Story]:
    """Stories that are not near-copies of an earlier one (containment of word 4-shingles < 0.3)."""
    kept: list[tuple[Story, set[int]]] = []
    postings: dict[int, list[int]] = {}
    for story in stories:
        sh = _shingles(story.text)
        shared = Counter(i for s in sh for i in postings.get(s, ()))
        if any(n / max(1, min(len(sh), len(kept[i][1]))) >= 0.3 for i, n in shared.items()):
            continue
        for s in sh:
            postings.setdefault(s, []).append(len(kept))
        kept.append((story, sh))
    return [s for s, _ in kept]


_RARE = re.compile(r"\b[A-Z][a-z]{3,}\b")


def closest(story: Story, pool: Sequence[Story], df: Counter[str]) -> Story:
    """The pool story sharing the most rare capitalised words (names, places) with ``story``."""
    mine = set(_RARE.findall(story.text))

    def score(other: Story) -> float:
        return sum(1.0 / df[w] for w in mine & set(_RARE.findall(other.text)))

    return max(pool, key=lambda other: (score(other), other.id))


# --- forms ------------------------------------------------------------------------------------

OUTLETS = (
    ("Capitol Ledger", ["CAPITOL LEDGER", "Politics | Congress | White House | Courts | Opinion | Video", "Subscribe now", "Posted {time} ET"],
     ["Share this story: Facebook · Twitter · Email", "More from Capitol Ledger: {related}", "Comments (12)", "Capitol Ledger · About us · Contact · Careers"]),
    ("Plains Daily Star", ["Plains Daily Star", "Skip to content", "Home › News › Nation", "By Staff and wire reports"],
     ["Recommended for you", "{related}", "Get the morning briefing in your inbox", "Terms of use | Privacy policy | Ad choices"]),
    ("Harbor Gazette", ["harborgazette.example", "Local | Nation | World | Business | Sports | Obituaries", "Updated {time}"],
     ["Related coverage: {related}", "Print this article", "Report an error", "Harbor Gazette Media Company"]),
)
HEADLINES = ("What we know about {name} today", "{name}: the latest", "Analysis: where {name} goes from here", "Five takeaways on {name}", "{name} in the spotlight again")
DATELINES = ("WASHINGTON (AP) — ", "NEW YORK (Reuters) - ", "DES MOINES, Iowa (AP) — ", "CHICAGO — ", "MANCHESTER, N.H. (UPI) -- ")
_NAME = re.compile(r"\b[A-Z][a-z]{3,}\b")
_NOT_NAME = frozenset(["This", "That", "These", "Those", "There", "Then", "They", "Their", "When", "What", "Where", "Which", "While", "After", "Before", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "June", "July", "August", "September", "October", "November", "December"])


def _name(story: Story) -> str:
    names = Counter(n for n in _NAME.findall(story.text) if n not in _NOT_NAME)
    return names.most_common(1)[0][0] if names else "The race"


def site_chrome(story: Story, rng: random.Random, related: str) -> Article:
    outlet, header, footer = OUTLETS[rng.randrange(len(OUTLETS))]
    fill = {"time": f"{rng.randrange(1, 13)}:{rng.randrange(60):02d} p.m.", "related": related}
    lines = [h.format(**fill) for h in header] + list(story.paragraphs) + [f.format(**fill) for f in footer]
    return Article.from_text("\n\n".join(lines), id="", source=outlet)


def new_headline(story: Story, rng: random.Random) -> Article:
    body = list(story.paragraphs[1:])
    body[0] = rng.choice(DATELINES) + body[0]
    return Article.from_text("\n\n".join([rng.choice(HEADLINES).format(name=_name(story)), *body]), id="")


_SENTENCE_END = re.compile(r"""[.!?]['"”’)]*(?=\s|$)""")


def trimmed(story: Story, rng: random.Random) -> Article:
    text = story.text
    total = len(text.split())
    cut = None
    for match in _SENTENCE_END.finditer(text):
        if len(text[: match.end()].split()) > 0.7 * total:
            break
        cut = match.end()
    return Article.from_text(text[: cut or len(text)], id="")


def swapped(story: Story, rng: random.Random) -> Article:
    body = list(story.paragraphs[1:])
    for i in range(0, len(body) - 1, 2):
        body[i], body[i + 1] = body[i + 1], body[i]
    return Article.from_text("\n\n".join([story.paragraphs[0], *body]), id="")


def _curly(text: str) -> str:
    text = re.sub(r'"(?=\w)', "“", text)
    text = text.replace('"', "”")
    text = re.sub(r"(?<=\w)'(?=\w)", "’", text)
    text = re.sub(r"'(?=\w)", "‘", text).replace("'", "’")
    return text.replace(" -- ", " — ").replace("--", "—")


def _wrap(paragraph: str, width: int) -> str:
    lines, line = [], ""
    for word in paragraph.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def curly_reflow(story: Story, rng: random.Random) -> Article:
    width = rng.randrange(60, 73)
    return Article.from_text("\n\n".join(_wrap(_curly(p), width) for p in story.paragraphs), id="")


NOTES = (
    "Editor's note: This story has been updated to include comments from the campaign and additional details about the schedule.",
    "EDITOR'S NOTE — This article is part of a series on the race for the White House. Read the earlier installments on our politics page.",
    "Editor’s Note: An earlier version of this report misstated the date of the event. It has been corrected below.",
)
CORRECTIONS = (
    "Correction: An earlier version of this article gave an incorrect figure for the number of delegates at stake.",
    "This story was first published at 6 a.m. and has been updated throughout.",
    "Clarification: A quote in the fifth paragraph was attributed to the wrong aide in an earlier version.",
)


def editors_note(story: Story, rng: random.Random) -> Article:
    parts = [story.paragraphs[0], rng.choice(NOTES), *story.paragraphs[1:], rng.choice(CORRECTIONS)]
    return Article.from_text("\n\n".join(parts), id="")


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="2016-0{month}-{day:02d}T09:30:00-05:00">
<script>window.ads = [];</script></head>
<body><div class="cookie-banner">This site uses cookies. <a href="/privacy">Learn more</a></div>
<header><a class="logo" href="/">{site}</a><nav><ul>{menu}</ul></nav></header>
<main><article><h1>{title}</h1><p class="byline">By {byline}</p>
{paragraphs}
</article><aside><h3>{aside}</h3><ul>{sidebar}</ul></aside></main>
<footer>{footer}</footer></body></html>
"""


def _page(title: str, site: str, paragraphs: Sequence[str], menu: Sequence[str], sidebar: Sequence[str], footer: Sequence[str], rng: random.Random, aside: str = "Most read") -> str:
    body = [f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs]
    if len(body) > 3:
        body.insert(2, '<div class="ad"><span>Advertisement</span></div>')
    return PAGE.format(
        title=html.escape(title),
        site=html.escape(site),
        month=rng.randrange(1, 10),
        day=rng.randrange(1, 29),
        menu="".join(f'<li><a href="/{i}">{html.escape(m)}</a></li>' for i, m in enumerate(menu)),
        byline=rng.choice(["Staff writer", "Associated Press", "Our political desk"]),
        paragraphs="\n".join(body),
        aside=aside,
        sidebar="".join(f'<li><a href="/s/{i}">{html.escape(h)}</a></li>' for i, h in enumerate(sidebar)),
        footer="".join(f"<p>{html.escape(f)}</p>" for f in footer),
    )


def _from_html(page: str, title: str) -> Article:
    article = article_from_html(page, id="", where="generated page")
    if not article.text.startswith(title):  # the headline lives in <h1>, outside the body
        article = replace(article, text=f"{title}\n{article.text}")
    return article


def html_page(story: Story, rng: random.Random) -> Article:
    menu = ["Home", "Politics", "World", "Business", "Opinion", "Video"]
    sidebar = ["Senate passes budget bill after late-night vote", "Governor signs new voting law"]
    footer = ["About · Contact · Terms", "© 2016 Riverside Post. All rights reserved."]
    return _from_html(_page(story.paragraphs[0], "Riverside Post", story.paragraphs[1:], menu, sidebar, footer, rng), story.paragraphs[0])


_LONG_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiourstnl") + word[i + 1 :]


def typos(story: Story, rng: random.Random) -> Article:
    text = story.text
    spans = [m.span() for m in _LONG_WORD.finditer(text)]
    chosen = [s for s in spans if rng.random() < TYPO_RATE]
    for start, end in reversed(chosen):
        text = text[:start] + _typo(text[start:end], rng) + text[end:]
    return Article.from_text(text, id="")


# What OCR engines confuse (both directions), besides dropping and doubling letters.
_OCR_SWAPS = {
    "m": "rn", "rn": "m", "l": "1", "1": "l", "I": "l", "i": "l", "e": "c", "c": "e", "o": "0", "O": "0",
    "0": "O", "h": "b", "b": "h", "a": "o", "s": "5", "S": "5", "t": "f", "f": "t", "n": "ri", "u": "v",
    "v": "u", "g": "q", "d": "cl", "cl": "d", "w": "vv", "y": "v", "B": "8", "E": "F", ",": ".", ".": ",",
}


def ocr_noise(text: str, rng: random.Random, rate: float = OCR_RATE) -> tuple[str, float]:
    """Text with about ``rate`` of its characters changed as OCR does; returns the achieved rate."""
    out: list[str] = []
    changed = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\n" or rng.random() >= rate:
            out.append(ch)
            i += 1
            continue
        changed += 1
        pair = text[i : i + 2]
        if pair in _OCR_SWAPS and rng.random() < 0.5:
            out.append(_OCR_SWAPS[pair])
            i += 2
            continue
        if ch == " ":
            out.append("" if rng.random() < 0.7 else "  ")  # joined words, or a wide gap
        elif ch in _OCR_SWAPS and rng.random() < 0.8:
            out.append(_OCR_SWAPS[ch])
        elif rng.random() < 0.5:
            pass  # dropped
        elif ch.isalpha() and rng.random() < 0.5:
            out.append(ch + " ")  # a word split in two
        else:
            out.append(ch + ch)
        i += 1
    return "".join(out), changed / max(1, sum(1 for c in text if c != "\n"))


def ocr(story: Story, rng: random.Random) -> Article:
    text, _ = ocr_noise(story.text, rng)
    return Article.from_text(text, id="")


SECTIONS = (
    "Home", "News", "Local", "Nation", "World", "Politics", "Elections", "Congress", "White House", "Courts",
    "Business", "Markets", "Tech", "Science", "Health", "Education", "Opinion", "Editorials", "Letters",
    "Sports", "Entertainment", "Movies", "Music", "Books", "Travel", "Food", "Real Estate", "Obituaries",
    "Weather", "Traffic", "Video", "Photos", "Podcasts", "Newsletters", "Subscribe", "Log in", "Contact us",
)
LEGAL = (
    ("This website and its contents are protected by copyright. No part of it may be copied, republished, "
     "broadcast or redistributed without the prior written permission of the publisher. Use of this site "
     "constitutes acceptance of our User Agreement and Privacy Policy and Cookie Statement, and your "
     "California Privacy Rights."),
    ("The material on this site may not be reproduced, distributed, transmitted, cached or otherwise used, "
     "except with the prior written permission of the company. By using this site you agree to the terms "
     "of service. Ad choices. Do not sell my personal information."),
    ("All content on this website is the property of the publisher and is provided for personal, "
     "non-commercial use only. Any other use, including republication or redistribution in any form, "
     "is prohibited without written consent. Reader comments are the views of their authors."),
    ("Use of this website is subject to our terms of use and privacy notice. Stories, photos and video on "
     "this site may not be copied or reproduced without the express permission of the newsroom. Questions "
     "about licensing? Contact our syndication team."),
)


@dataclass(frozen=True, slots=True)
class Template:
    site: str
    menu: tuple[str, ...]
    sidebar: tuple[str, ...]
    footer: tuple[str, ...]


def make_templates(titles: Sequence[str], rng: random.Random, count: int = 4) -> list[Template]:
    """Heavy site templates: 30 menu links, 20 sidebar headlines (real headlines), a legal footer.

    The legal notices are written for this generator; the last two (the test
    half's) were written after the dev half had been used for tuning.
    """
    sites = ("Metro Herald Online", "Valley News Network", "The Evening Bulletin", "Coastal Press Daily")
    templates = []
    for i in range(count):
        menu = tuple(rng.sample(SECTIONS, 30))
        sidebar = tuple(rng.sample(list(titles), 20))
        year = 2015 + i % 3
        footer = (f"Copyright {year} {sites[i]}. All rights reserved.", LEGAL[i], "About us | Careers | Advertise | Help")
        templates.append(Template(sites[i], menu, sidebar, footer))
    return templates


def templated_text(template: Template, title: str, paragraphs: Sequence[str]) -> Article:
    """A page as a plain scraper would save it: menu, headline, the paragraphs, sidebar, footer."""
    lines = [template.site, *template.menu, title, *paragraphs, "Most read", *template.sidebar, *template.footer]
    return Article.from_text("\n".join(lines), id="")


def templated_html(template: Template, title: str, paragraphs: Sequence[str], rng: random.Random) -> Article:
    page = _page(title, template.site, paragraphs, template.menu, template.sidebar, template.footer, rng, aside="Most read")
    return _from_html(page, title)


# --- the batch -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    article: Article
    family: str  # the PolNeAR article it comes from
    form: str  # "original", a FORM or a NEGATIVE_FORM
    half: str  # "dev" or "test"


def build_batch(shared: Path, *, stories_per_half: int = DEFAULT_STORIES, seed: int = DEFAULT_SEED) -> tuple[list[Item], dict[str, float]]:
    """Bases, their variants and the hard negatives, in one shuffled-free fixed order."""
    rng = random.Random(seed)
    stories = drop_copies(load_stories(shared / POLNEAR))
    df: Counter[str] = Counter(w for s in stories for w in set(_RARE.findall(s.text)))
    titles = [s.title for s in stories]
    templates = make_templates(titles, rng)
    items: list[Item] = []
    noise_rates: list[float] = []
    for half, publishers in (("dev", DEV_PUBLISHERS), ("test", TEST_PUBLISHERS)):
        candidates = [s for s in stories if s.publisher in publishers]
        rng.shuffle(candidates)
        bases = candidates[:stories_per_half]
        pool = candidates[stories_per_half:]  # negatives come from stories that are not bases
        for base in bases:
            # Templates 0-1 for the dev half, 2-3 for the test half: the test half's
            # menus, sidebars and legal notices were never seen while tuning.
            template = templates[rng.randrange(2) + (0 if half == "dev" else 2)]
            related_title = rng.choice(titles)
            made: list[tuple[str, Article]] = [
                ("site chrome", site_chrome(base, rng, related_title)),
                ("new headline, dateline", new_headline(base, rng)),
                ("trimmed 30%", trimmed(base, rng)),
                ("swapped paragraphs", swapped(base, rng)),
                ("curly quotes, reflow", curly_reflow(base, rng)),
                ("editor's note", editors_note(base, rng)),
                ("html page", html_page(base, rng)),
                ("typos 2%", typos(base, rng)),
            ]
            noisy, achieved = ocr_noise(base.text, rng)
            while achieved < MIN_OCR_RATE:  # every OCR'd copy has at least 5 % of its characters changed
                noisy, achieved = ocr_noise(base.text, rng)
            noise_rates.append(achieved)
            made.append(("ocr noise 6%", Article.from_text(noisy, id="")))
            first_four = base.paragraphs[1:5]
            made.append(("heavy template", templated_text(template, base.paragraphs[0], first_four)))
            made.append(("heavy template html", templated_html(template, base.paragraphs[0], first_four, rng)))
            items.append(Item(Article.from_text(base.text, id=f"{base.id}"), base.id, "original", half))
            items.extend(Item(replace(a, id=f"{base.id}#{form}"), base.id, form, half) for form, a in made)
            # Hard negatives: a related story (clean and noisy), another story in the same template.
            related = closest(base, pool, df)
            noisy_related, _ = ocr_noise(related.text, rng)
            other = pool[rng.randrange(len(pool))]
            other_paragraphs = other.paragraphs[1 : 1 + rng.randrange(2, 5)]
            negatives = [
                ("related story", Article.from_text(related.text, id="")),
                ("related story, ocr noise", Article.from_text(noisy_related, id="")),
                ("other story in template", templated_text(template, other.paragraphs[0], other_paragraphs)),
                ("other story in template html", templated_html(template, other.paragraphs[0], other_paragraphs, rng)),
            ]
            items.extend(
                Item(replace(a, id=f"{base.id}~{form}~{idx}"), f"{idx}", form, half)
                for form, a, idx in ((f, a, o.id) for (f, a), o in zip(negatives, (related, related, other, other), strict=True))
            )
    stats = {"ocr_rate_min": min(noise_rates), "ocr_rate_mean": sum(noise_rates) / len(noise_rates)}
    return items, stats


# --- scoring ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Score:
    """Precision and recall of one detector on one half of the batch."""

    detector: str
    half: str
    flagged: int
    correct: int
    wrong: tuple[tuple[str, str, str], ...]  # (a, b, relation)
    found: dict[str, tuple[int, int]]  # form -> (found, total)

    @property
    def precision(self) -> float:
        return self.correct / (self.correct + len(self.wrong)) if self.correct + len(self.wrong) else 1.0

    @property
    def recall(self) -> float:
        hit = sum(f for f, _ in self.found.values())
        total = sum(t for _, t in self.found.values())
        return hit / total if total else 1.0

    def form_recall(self, form: str) -> float:
        hit, total = self.found.get(form, (0, 0))
        return hit / total if total else 1.0


def score(detector: str, items: Sequence[Item], pairs: Sequence[tuple[str, str, str]], half: str) -> Score:
    by_id = {item.article.id: item for item in items}
    flagged = {}
    for a, b, relation in pairs:
        if by_id[a].half == half and by_id[b].half == half:
            flagged[frozenset((a, b))] = (a, b, relation)
    correct = 0
    wrong = []
    for a, b, relation in flagged.values():
        if by_id[a].family == by_id[b].family:
            correct += 1
        else:
            wrong.append((a, b, relation))
    found: dict[str, tuple[int, int]] = {}
    for item in items:
        if item.half != half or item.form not in FORMS:
            continue
        hit, total = found.get(item.form, (0, 0))
        found[item.form] = (hit + (frozenset((item.family, item.article.id)) in flagged), total + 1)
    return Score(detector, half, len(flagged), correct, tuple(wrong), {f: found.get(f, (0, 0)) for f in FORMS})


def run_tool(articles: Sequence[Article], **knobs: object) -> list[tuple[str, str, str]]:
    from compare.dedup.batch import find_duplicates

    result = find_duplicates(list(articles), workers=0, **knobs)  # type: ignore[arg-type]
    return [(p.a, p.b, p.relation) for p in result.pairs]


def run_ingest(articles: Sequence[Article]) -> list[tuple[str, str, str]]:
    """``ingest`` of the batch, in order, into a fresh SQLite index: (indexed id, ingested id, status) per match.

    What a newsroom feed meets: each article checked against everything kept
    before it (the stored, compacted sets: ``compare/dedup/index/codec.py``).
    """
    import tempfile

    from compare.dedup.index import open_index
    from compare.dedup.stream import ingest

    pairs = []
    with tempfile.TemporaryDirectory() as directory, open_index(str(Path(directory) / "heldout.sqlite")) as index:
        for result in ingest(list(articles), index, workers=0):
            pairs.extend((match.id, result.id, result.status) for match in result.matches)
    return pairs


def _has_char_signal() -> bool:
    import inspect

    from compare.dedup.batch import find_duplicates

    return "char_signal" in inspect.signature(find_duplicates).parameters


def run_datasketch(articles: Sequence[Article], threshold: float = 0.5) -> list[tuple[str, str, str]]:
    """The baseline: datasketch MinHash of word 4-shingles of the whole text, MinHashLSH at 0.5."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=64)
    hashes: dict[str, MinHash] = {}
    pairs = []
    for article in articles:
        tokens = words(article.text)
        m = MinHash(num_perm=64)
        m.update_batch([" ".join(tokens[i : i + 4]).encode() for i in range(max(1, len(tokens) - 3))])
        for other_id in lsh.query(m):
            if m.jaccard(hashes[other_id]) >= threshold:
                pairs.append((other_id, article.id, "near-duplicate"))
        lsh.insert(article.id, m)
        hashes[article.id] = m
    return pairs


def evaluate_tool(shared: Path, *, stories_per_half: int = DEFAULT_STORIES, seed: int = DEFAULT_SEED) -> list[Score]:
    """``find_duplicates`` and ``ingest`` at their defaults on the held-out batch: a Score per detector and half (for the tests' floors)."""
    items, _ = build_batch(shared, stories_per_half=stories_per_half, seed=seed)
    articles = [item.article for item in items]
    detectors = {"article-compare": run_tool(articles), "article-compare ingest": run_ingest(articles)}
    return [score(name, items, pairs, half) for name, pairs in detectors.items() for half in ("dev", "test")]


# --- real data: false joins ----------------------------------------------------------------------


def meter_wire_versions(shared: Path) -> list[tuple[str, str, float, float, str | None]]:
    """METER ``N.txt`` vs ``Nsub.txt``: (a, b, word jaccard, containment, relation or None)."""
    from compare.dedup.batch import find_duplicates
    from compare.load.articles import iter_articles

    meter = shared / METER
    rows = []
    for sub in sorted((meter / "PA").rglob("*sub.txt")):
        original = sub.with_name(sub.name.replace("sub.txt", ".txt"))
        if not original.is_file():
            continue
        a, b = (replace(next(iter(iter_articles([p]))), id=p.relative_to(meter).as_posix()) for p in (original, sub))
        result = find_duplicates([a, b], workers=0)
        pair = result.pairs[0] if result.pairs else None
        rows.append((a.id, b.id, pair.jaccard if pair else 0.0, pair.containment if pair else 0.0, pair.relation if pair else None))
    return rows


def gva_false_joins(shared: Path) -> tuple[int, int, list[tuple[str, str, str, float, float]], list[str]]:
    """dedup over every gva-dev page: (pages, pairs, pairs across different incidents, pages refused)."""
    import json

    from compare.dedup.batch import find_duplicates
    from compare.text.page import missing_article_text

    pages = [json.loads(line) for line in (shared / GVA).read_text(encoding="utf-8").splitlines()]
    articles = [Article.from_text(p["text"], id=p["doc_id"]) for p in pages]
    refused = [a.id for a in articles if missing_article_text(a.text)]  # what the loaders refuse
    kept = [a for a in articles if a.id not in set(refused)]
    incident = {p["doc_id"]: p["incident"] for p in pages}
    result = find_duplicates(kept, workers=0)
    wrong = [(p.a, p.b, p.relation, p.jaccard, p.containment) for p in result.pairs if incident[p.a] != incident[p.b]]
    return len(articles), len(result.pairs), wrong, refused


# --- main ------------------------------------------------------------------------------------------


def render_scores(scores: Sequence[Score]) -> list[str]:
    lines = []
    for half in ("dev", "test"):
        row = [s for s in scores if s.half == half]
        lines.append(f"{half} half ({'tuned on' if half == 'dev' else 'held out, never tuned on'}):")
        width = max(len(f) for f in FORMS)
        lines.append(f"  {'':<{width}}  " + "  ".join(f"{s.detector:>22}" for s in row))
        lines.append(f"  {'precision':<{width}}  " + "  ".join(f"{s.precision:>20.4f}" for s in row))
        lines.append(f"  {'recall':<{width}}  " + "  ".join(f"{s.recall:>20.4f}" for s in row))
        lines.append(f"  {'flagged pairs (wrong)':<{width}}  " + "  ".join(f"{f'{s.flagged} ({len(s.wrong)})':>22}" for s in row))
        for form in FORMS:
            lines.append(
                f"  {form:<{width}}  "
                + "  ".join(f"{f'{s.found[form][0]}/{s.found[form][1]} {s.form_recall(form):.3f}':>22}" for s in row)
            )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--stories", type=int, default=DEFAULT_STORIES, help="base stories per half")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--no-real", action="store_true", help="skip the METER and gva-dev false-join checks")
    parser.add_argument("--show", type=int, default=8, help="misses and false joins to list")
    args = parser.parse_args(argv)
    if not (args.shared / POLNEAR).is_dir():
        print(f"error: {args.shared / POLNEAR} is absent; this evaluation needs PolNeAR", file=sys.stderr)
        return 1
    started = time.perf_counter()
    items, stats = build_batch(args.shared, stories_per_half=args.stories, seed=args.seed)
    articles = [item.article for item in items]
    print(
        f"Held-out near-duplicates: {len(articles)} articles from PolNeAR, seed {args.seed}: "
        f"{args.stories} base stories per half x {len(FORMS)} forms, {len(NEGATIVE_FORMS)} hard negatives per base; "
        f"OCR noise {stats['ocr_rate_mean']:.1%} of characters on average (min {stats['ocr_rate_min']:.1%})"
    )
    detectors = {
        "article-compare": run_tool(articles),
        "article-compare ingest": run_ingest(articles),
        **({"word shingles only": run_tool(articles, char_signal=False)} if _has_char_signal() else {}),
        "datasketch baseline": run_datasketch(articles),
    }
    scores = [score(name, items, pairs, half) for name, pairs in detectors.items() for half in ("dev", "test")]
    print("\n".join(render_scores(scores)))
    by_id = {item.article.id: item for item in items}
    tool = [s for s in scores if s.detector in ("article-compare", "article-compare ingest")]
    for s in tool:
        flagged = {frozenset((a, b)) for a, b, _ in detectors[s.detector]}
        missed = [i.article.id for i in items if i.half == s.half and i.form in FORMS and frozenset((i.family, i.article.id)) not in flagged]
        if missed:
            print(f"{s.detector} missed ({s.half}, first {min(args.show, len(missed))} of {len(missed)}): " + ", ".join(missed[: args.show]))
        for a, b, relation in s.wrong[: args.show]:
            print(f"{s.detector} wrongly joined ({s.half}): {a} ({by_id[a].form}) ~ {b} ({by_id[b].form}): {relation}")
    if not args.no_real:
        if (args.shared / METER).is_dir():
            rows = meter_wire_versions(args.shared)
            flagged_rows = [r for r in rows if r[4]]
            print(f"\nMETER wire N.txt vs Nsub.txt: {len(flagged_rows)} of {len(rows)} flagged")
            for a, b, jac, cont, relation in rows:
                print(f"  {a:<36} ~ {Path(b).name:<18} {relation or 'not flagged'}" + (f" (jaccard {jac:.3f}, containment {cont:.3f})" if relation else ""))
        if (args.shared / GVA).is_file():
            pages, pairs, wrong, refused = gva_false_joins(args.shared)
            print(
                f"\ngva-dev: {pages} pages, {len(refused)} refused as pages without article text; "
                f"{pairs} pairs flagged among the rest, {len(wrong)} between different incidents"
            )
            for a, b, relation, jac, cont in wrong[: args.show]:
                print(f"  {a} ~ {b}  {relation}  jaccard {jac:.3f} containment {cont:.3f}")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
