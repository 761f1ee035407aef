"""Near-duplicate detection measured on labelled variants of real articles.

``python -m evaluation.dedup`` builds near-duplicate *variants* of real
articles, puts them in one batch with the originals, runs
``compare.dedup.batch.find_duplicates`` at its defaults and prints precision, recall
and recall per kind of variant. It then reports how the METER wire versions
``<story>N.txt`` / ``<story>Nsub.txt`` (a story and its later substitute) score.

Base articles: the five seeds and the four unrelated fixtures (always), and,
when ``../shared/data/meter-showbiz`` is present, its Press Association wire
copy and the newspaper articles written from it, each with at least
``MIN_WORDS`` content words (below that a MinHash of a handful of shingles
says little, and nobody deduplicates news flashes of two sentences). Files
whose content is identical to an earlier one are dropped: METER files some
PA stories under two folders, and keeping both would count a real copy as a
false positive.

Variant kinds (each made from every base article, deterministic for a seed):

- ``boilerplate wrapper``: another outlet's header, navigation, ads, share bar
  and footer around the text; the outlet is the article's ``source``, so
  chrome that is not on the known list has to be *learned* from the batch.
- ``new headline``: the headline replaced (or one added when there was none).
- ``trimmed ending``: the last 20 to 35 % of the words cut at a sentence end.
- ``reordered paragraphs``: body paragraphs shuffled, headline kept first.
- ``typo noise``: 2 % of the longer words get one typo (swap, drop, double).
- ``html page``: the text inside a full HTML page with nav, ads and footer,
  loaded back through ``compare.load.articles.article_from_html`` (trafilatura).

Labels. A flagged pair is *correct* when both articles derive from the same
base article, *wrong* when they come from different stories, and *unlabelled*
(left out of precision) when they are different base articles of one METER
story: those folders hold genuine rewrites and copies of each other, which the
tool is right to flag. Stories are METER folder names; a folder name spread
over several days (``oasis``) counts as one story, because PA's follow-ups
quote the earlier copy. Seeds and unrelated fixtures are one story each, so
the five seeds are mutual hard negatives, as are different METER stories of
the same day and outlet. Recall is over (base, variant) pairs.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

from compare.article import Article
from compare.load.articles import article_from_html, iter_articles
from compare.text.chrome import Block, strip_boilerplate
from compare.text.normalize import words
from evaluation import REPO_DIR, SHARED_DIR

REPO = REPO_DIR
DEFAULT_SHARED = SHARED_DIR
FIXTURES = REPO / "fixtures"
METER_PART = Path("data") / "meter-showbiz"

#: Fewer content words than this and an article is not used as a base.
MIN_WORDS = 50
#: Fixed seed: the same variants on every run and machine.
DEFAULT_SEED = 20240
#: Share of words (of four letters or more) that get one typo.
TYPO_RATE = 0.02

KINDS = (
    "boilerplate wrapper",
    "new headline",
    "trimmed ending",
    "reordered paragraphs",
    "typo noise",
    "html page",
)


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KindRecall:
    """How many variants of one kind (or corpus) were found paired with their base."""

    kind: str
    variants: int
    found: int

    @property
    def recall(self) -> float:
        return self.found / self.variants if self.variants else 1.0


@dataclass(frozen=True, slots=True)
class PairScore:
    """One article pair with its exact scores and what the detector said about it."""

    a: str
    b: str
    jaccard: float
    containment: float
    relation: str | None  # None: not flagged


@dataclass(frozen=True, slots=True)
class DedupEvaluation:
    """Everything one evaluation run measured.

    Attributes:
        corpora: base articles per corpus ("fixtures", "METER PA", "METER newspapers").
        articles: articles in the batch (bases plus variants).
        variants: (base, variant) pairs that should be flagged.
        found: how many of them were flagged.
        labelled_negatives: cross-story article pairs in the batch (should not be flagged).
        hard_negatives: base pairs of different stories from the same outlet
            and day, or the same topic (the seeds); all are among the negatives.
        flagged: pairs the detector reported.
        correct: flagged pairs within one base article's family.
        unlabelled: flagged pairs of different base articles of one METER story
            (real rewrites and copies; shown, not scored).
        false_positives: flagged pairs of different stories.
        missed: (base, variant, kind) not flagged.
        per_kind: recall per variant kind.
        per_corpus: recall per corpus.
        wire_versions: METER ``<story>N.txt`` vs ``<story>Nsub.txt`` pairs.
        threshold: the threshold find_duplicates ran with (its default).
        seed: random seed of the variants.
    """

    corpora: tuple[tuple[str, int], ...]
    articles: int
    variants: int
    found: int
    labelled_negatives: int
    hard_negatives: int
    flagged: int
    correct: int
    unlabelled: tuple[PairScore, ...]
    false_positives: tuple[PairScore, ...]
    missed: tuple[tuple[str, str, str], ...]
    per_kind: tuple[KindRecall, ...]
    per_corpus: tuple[KindRecall, ...]
    wire_versions: tuple[PairScore, ...]
    threshold: float
    seed: int

    @property
    def precision(self) -> float:
        judged = self.correct + len(self.false_positives)
        return self.correct / judged if judged else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.variants if self.variants else 1.0

    @property
    def wire_versions_flagged(self) -> int:
        return sum(1 for pair in self.wire_versions if pair.relation is not None)


# --- base articles ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Base:
    article: Article
    corpus: str
    story: str  # articles of one story may legitimately overlap
    outlet: str
    day: str


def content_blocks(article: Article) -> list[Block]:
    return list(strip_boilerplate(article.text).blocks)


def content_words(article: Article) -> int:
    return len(words("\n".join(b.text for b in content_blocks(article))))


def fixture_bases() -> list[Base]:
    """The seeds (one story each: related coverage, not copies) and the unrelated fixtures."""
    bases = []
    for folder in ("seeds", "unrelated"):
        for article in iter_articles([FIXTURES / folder]):
            name = Path(article.id).name
            # The seeds are one outlet-and-topic group (hard negatives); the unrelated stories are not.
            day = "-" if folder == "seeds" else name
            bases.append(Base(replace(article, id=f"{folder}/{name}"), "fixtures", f"{folder}/{name}", folder, day))
    return bases


def meter_bases(meter: Path) -> list[Base]:
    """PA wire copy and newspaper articles; exact duplicate files dropped."""
    bases = []
    for article in iter_articles([meter]):
        relative = Path(article.id).relative_to(meter)
        if len(relative.parts) != 4:  # the corpus's readme.txt notes, not articles
            continue
        kind, day, story = relative.parts[0], relative.parts[1], relative.parts[2]
        outlet = "PA" if kind == "PA" else relative.stem.rsplit("_", 1)[-1]
        corpus = "METER PA" if kind == "PA" else "METER newspapers"
        article = replace(article, id=relative.as_posix(), source=outlet)
        bases.append(Base(article, corpus, f"meter/{story}", outlet, day))
    return bases


def usable(bases: Iterable[Base]) -> list[Base]:
    """Bases with enough words, first of each identical content kept."""
    seen: set[str] = set()
    kept = []
    for base in bases:
        content = " ".join(words("\n".join(b.text for b in content_blocks(base.article))))
        if len(content.split()) < MIN_WORDS or content in seen:
            continue
        seen.add(content)
        kept.append(base)
    return kept


# --- variants ----------------------------------------------------------------------------------

OUTLETS = (
    (
        "The Daily Courier",
        ["The Daily Courier", "Home | News | Showbiz | Sport | Money | Travel", "Advertisement", "Last updated: {time}"],
        ["Share this article", "Share on Facebook", "Most read", "{related}", "Comments are closed on this article", "© 2000 The Daily Courier"],
    ),
    (
        "Northern Echo Online",
        ["NORTHERN ECHO ONLINE", "Skip to main content", "Menu · Search · Sign in", "By Echo reporters"],
        ["Related: {related}", "Follow us on Twitter", "Cookie settings | Privacy | Terms and conditions", "Copyright Northern Echo Online Ltd 2000"],
    ),
    (
        "Metro Wire",
        ["metrowire.example", "Breaking | Latest | Entertainment | Video", "Sponsored content"],
        ["Read more", "Sign up for our daily newsletter and never miss a story", "Do you have a story for us? Email tips@metrowire.example", "(c) Metro Wire"],
    ),
)

HEADLINES = (
    "{name} at centre of new storm",
    "Exclusive: the truth about {name}",
    "Everything you need to know about {name} today",
    "Fans react as {name} makes headlines again",
    "{name}: the full story",
    "Why {name} is the talk of the town",
)
_NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")
_NOT_NAMES = frozenset(
    ["The", "This", "That", "These", "Those", "There", "Then", "Than", "They", "Their", "She", "Her", "His", "Him", "Its", "And", "But", "For", "With", "From", "When", "What", "Where", "Which", "Who", "Why", "How", "After", "Before", "Yesterday", "Today", "Last", "Last", "Next", "Mrs", "Mr", "Miss", "Ms", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", "Page", "News", "Press", "Association", "By", "In", "On", "At", "It", "He", "We"]
)


def _name_of(article: Article) -> str:
    names = Counter(n for n in _NAME.findall(article.text) if n not in _NOT_NAMES)
    return names.most_common(1)[0][0] if names else "The Story"


def _join(blocks: Sequence[str]) -> str:
    return "\n\n".join(blocks) + "\n"


def boilerplate_wrapper(base: Base, rng: random.Random, related_title: str) -> Article:
    outlet, header, footer = OUTLETS[rng.randrange(len(OUTLETS))]
    fill = {"time": f"{rng.randrange(24):02d}:{rng.randrange(60):02d}", "related": related_title}
    lines = [line.format(**fill) for line in header] + [base.article.text.strip("\n")] + [line.format(**fill) for line in footer]
    return Article.from_text("\n".join(lines), id=f"{base.article.id}#wrapper", source=outlet)


def new_headline(base: Base, rng: random.Random) -> Article:
    text = base.article.text
    headline = rng.choice(HEADLINES).format(name=_name_of(base.article))
    blocks = content_blocks(base.article)
    first = blocks[0]
    if base.article.title == first.text:
        text = text[: first.start] + headline + text[first.end :]
    else:
        text = text[: first.start] + headline + "\n\n" + text[first.start :]
    return Article.from_text(text, id=f"{base.article.id}#headline")


_SENTENCE_END = re.compile(r"""[.!?]['"”’)]*(?=\s|$)""")


def trimmed_ending(base: Base, rng: random.Random) -> Article | None:
    """The text cut at the sentence end nearest below 65-80 % of its words (None if too short)."""
    text = _join([b.text for b in content_blocks(base.article)])
    total = len(text.split())
    target = rng.uniform(0.65, 0.80) * total
    cut = None
    for match in _SENTENCE_END.finditer(text):
        if len(text[: match.end()].split()) > target:
            break
        cut = match.end()
    if cut is None or len(text[:cut].split()) < 0.5 * total:
        return None
    return Article.from_text(text[:cut] + "\n", id=f"{base.article.id}#trimmed")


def reordered_paragraphs(base: Base, rng: random.Random) -> Article | None:
    blocks = [b.text for b in content_blocks(base.article)]
    head, body = blocks[:1], blocks[1:]
    if len(body) < 3:
        return None
    shuffled = body[:]
    while shuffled == body:
        rng.shuffle(shuffled)
    return Article.from_text(_join(head + shuffled), id=f"{base.article.id}#reordered")


_LONG_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # swap two neighbouring letters
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if kind == 1:  # drop a letter
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]  # double a letter


def typo_noise(base: Base, rng: random.Random) -> Article:
    text = base.article.text
    spans = [m.span() for m in _LONG_WORD.finditer(text)]
    chosen = [span for span in spans if rng.random() < TYPO_RATE] or [spans[rng.randrange(len(spans))]]
    for start, end in reversed(chosen):  # at least one typo, however short the article
        text = text[:start] + _typo(text[start:end], rng) + text[end:]
    return Article.from_text(text, id=f"{base.article.id}#typos")


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Showbiz Today</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="Showbiz Today Online">
<meta property="og:url" content="https://showbiztoday.example/news/{slug}">
<meta property="article:published_time" content="2000-01-{day:02d}T09:30:00+00:00">
<script src="https://ads.example/loader.js"></script></head>
<body><div class="cookies">We use cookies. <a href="/privacy">Cookie settings</a></div>
<header><a href="/">Showbiz Today</a><nav><ul><li><a href="/">Home</a></li><li><a href="/tv">TV</a></li>
<li><a href="/music">Music</a></li><li><a href="/film">Film</a></li><li><a href="/royals">Royals</a></li></ul></nav></header>
<main><article><h1>{title}</h1><p class="byline">By our showbiz desk</p>
{paragraphs}
</article><aside><h3>Most popular</h3><ul><li><a href="/news/1">Soap star quits after ten years</a></li>
<li><a href="/news/2">Chart battle heats up for Christmas number one</a></li></ul></aside></main>
<footer><p><a href="/about">About</a> · <a href="/contact">Contact</a> · <a href="/terms">Terms</a></p>
<p>© 2000 Showbiz Today Online. All rights reserved.</p></footer></body></html>
"""


def html_page(base: Base, rng: random.Random) -> Article:
    blocks = [b.text for b in content_blocks(base.article)]
    title = base.article.title if base.article.title == blocks[0] else None
    body = blocks[1:] if title else blocks
    paragraphs = [f"<p>{html.escape(p, quote=False)}</p>" for p in body]
    if len(paragraphs) > 3:
        paragraphs.insert(2, '<div class="ad"><span>Advertisement</span></div>')
    page = PAGE.format(
        title=html.escape(title or f"Story {rng.randrange(10**6)}"),
        slug=re.sub(r"\W+", "-", (title or "story").lower()).strip("-"),
        day=rng.randrange(1, 29),
        paragraphs="\n".join(paragraphs),
    )
    article = article_from_html(page, id=f"{base.article.id}#html", where=f"{base.article.id}#html")
    if title and not article.text.startswith(title):
        # The headline lives in <h1>/og:title, outside the extracted body; put it back in the text
        # as every other variant has it.
        article = replace(article, text=f"{title}\n{article.text}")
    return article


def make_variants(bases: Sequence[Base], seed: int) -> list[tuple[Base, str, Article]]:
    """Every variant kind of every base, in a fixed order from one seeded generator."""
    rng = random.Random(seed)
    titles = [b.article.title or _name_of(b.article) for b in bases]
    made = []
    for i, base in enumerate(bases):
        related = titles[(i + 1 + rng.randrange(len(bases) - 1)) % len(bases)] if len(bases) > 1 else "More news"
        candidates: list[tuple[str, Article | None]] = [
            ("boilerplate wrapper", boilerplate_wrapper(base, rng, related)),
            ("new headline", new_headline(base, rng)),
            ("trimmed ending", trimmed_ending(base, rng)),
            ("reordered paragraphs", reordered_paragraphs(base, rng)),
            ("typo noise", typo_noise(base, rng)),
            ("html page", html_page(base, rng)),
        ]
        made.extend((base, kind, variant) for kind, variant in candidates if variant is not None)
    return made


# --- METER wire versions -------------------------------------------------------------------------

_SUB = re.compile(r"^(?P<stem>.+?\d+)sub\.txt$")


def wire_version_pairs(meter: Path) -> list[tuple[Path, Path]]:
    """(``<story>N.txt``, ``<story>Nsub.txt``) pairs; a substitute without its original is skipped."""
    pairs = []
    for sub in sorted((meter / "PA").rglob("*sub.txt")):
        match = _SUB.match(sub.name)
        original = sub.with_name(f"{match['stem']}.txt") if match else None
        if original is not None and original.is_file():
            pairs.append((original, sub))
    return pairs


def score_wire_versions(meter: Path, *, find_duplicates: Callable[..., object]) -> list[PairScore]:
    from compare.dedup.fingerprint import fingerprint, overlap

    scores = []
    for original, sub in wire_version_pairs(meter):
        a, b = (
            replace(next(iter_articles([path])), id=path.relative_to(meter).as_posix())
            for path in (original, sub)
        )
        result = find_duplicates([a, b])
        flagged = {(p.a, p.b): p.relation for p in result.pairs}  # type: ignore[attr-defined]
        jac, cont = overlap(fingerprint(a).shingles, fingerprint(b).shingles)
        scores.append(PairScore(a.id, b.id, jac, cont, flagged.get((a.id, b.id))))
    return scores


# --- the evaluation -----------------------------------------------------------------------------


def evaluate(
    *,
    shared: Path | None = DEFAULT_SHARED,
    seed: int = DEFAULT_SEED,
    progress: Callable[[str], None] | None = None,
) -> DedupEvaluation:
    """Build the labelled batch, run ``find_duplicates`` at defaults, score it.

    Args:
        shared: the ``shared`` folder holding ``data/meter-showbiz``; ``None``
            (or a folder without METER) evaluates on the fixtures alone.
        seed: seed of the variant generator.
        progress: called with a short note before each slow step.
    """
    from compare.dedup.batch import DEFAULT_THRESHOLD, find_duplicates

    say = progress or (lambda _note: None)
    say("loading base articles")
    bases = fixture_bases()
    meter = shared / METER_PART if shared is not None else None
    if meter is not None and meter.is_dir():
        bases += meter_bases(meter)
    bases = usable(bases)
    say(f"making variants of {len(bases)} articles")
    variants = make_variants(bases, seed)

    family = {b.article.id: b.article.id for b in bases}
    family.update({v.id: base.article.id for base, _kind, v in variants})
    story_of_base = {b.article.id: b.story for b in bases}
    batch = [b.article for b in bases] + [v for _base, _kind, v in variants]

    say(f"find_duplicates over {len(batch)} articles")
    result = find_duplicates(batch)
    flagged = {frozenset((p.a, p.b)): p for p in result.pairs}

    correct = 0
    unlabelled = []
    false_positives = []
    for key, pair in flagged.items():
        fam_a, fam_b = (family[i] for i in (pair.a, pair.b))
        if fam_a == fam_b:
            correct += 1
        elif story_of_base[fam_a] == story_of_base[fam_b]:
            if pair.a == fam_a and pair.b == fam_b:  # the originals themselves, not their variants
                unlabelled.append(PairScore(pair.a, pair.b, pair.jaccard, pair.containment, pair.relation))
        else:
            false_positives.append(PairScore(pair.a, pair.b, pair.jaccard, pair.containment, pair.relation))
        del key

    corpus_of = {b.article.id: b.corpus for b in bases}
    kind_counts: Counter[str] = Counter()
    kind_found: Counter[str] = Counter()
    corpus_counts: Counter[str] = Counter()
    corpus_found: Counter[str] = Counter()
    missed = []
    for base, kind, variant in variants:
        hit = frozenset((base.article.id, variant.id)) in flagged
        kind_counts[kind] += 1
        corpus_counts[base.corpus] += 1
        kind_found[kind] += hit
        corpus_found[base.corpus] += hit
        if not hit:
            missed.append((base.article.id, variant.id, kind))

    story_sizes = Counter(story_of_base[family[a.id]] for a in batch)
    all_pairs = len(batch) * (len(batch) - 1) // 2
    same_story_pairs = sum(n * (n - 1) // 2 for n in story_sizes.values())
    hard = sum(
        1
        for x, y in combinations(bases, 2)
        if x.story != y.story and ((x.outlet == y.outlet and x.day == y.day) or x.outlet == y.outlet == "seeds")
    )
    corpora = Counter(corpus_of.values())

    wire: list[PairScore] = []
    if meter is not None and meter.is_dir():
        say("scoring METER wire versions")
        wire = score_wire_versions(meter, find_duplicates=find_duplicates)

    return DedupEvaluation(
        corpora=tuple(sorted(corpora.items())),
        articles=len(batch),
        variants=len(variants),
        found=len(variants) - len(missed),
        labelled_negatives=all_pairs - same_story_pairs,
        hard_negatives=hard,
        flagged=len(flagged),
        correct=correct,
        unlabelled=tuple(sorted(unlabelled, key=lambda p: -p.jaccard)),
        false_positives=tuple(sorted(false_positives, key=lambda p: -p.jaccard)),
        missed=tuple(missed),
        per_kind=tuple(KindRecall(k, kind_counts[k], kind_found[k]) for k in KINDS),
        per_corpus=tuple(KindRecall(c, corpus_counts[c], corpus_found[c]) for c in sorted(corpus_counts)),
        wire_versions=tuple(wire),
        threshold=DEFAULT_THRESHOLD,
        seed=seed,
    )


# --- printing -------------------------------------------------------------------------------------


def render(evaluation: DedupEvaluation, *, show: int = 10) -> str:
    """The evaluation as the plain-text report the script prints."""
    from compare.dedup.fingerprint import DEFAULT_SETTINGS

    e = evaluation
    s = DEFAULT_SETTINGS
    lines = [
        f"Near-duplicate evaluation at defaults: threshold {e.threshold}, shingle_size {s.shingle_size}, "
        f"num_perm {s.num_perm}; variants from random seed {e.seed}",
        "Base articles: " + ", ".join(f"{name} {n}" for name, n in e.corpora),
        f"Batch: {e.articles} articles ({e.variants} variants); {e.labelled_negatives:,} cross-story pairs "
        f"as negatives, {e.hard_negatives:,} of them hard (same outlet and day, or two seeds)",
        f"Flagged pairs: {e.flagged}: {e.correct} correct, {len(e.false_positives)} wrong, the rest between "
        f"different articles of one METER story (unlabelled; {len(e.unlabelled)} of them between originals)",
        "",
        f"Precision: {e.precision:.4f}",
        f"Recall:    {e.recall:.4f}  ({e.found}/{e.variants} variants flagged with their original)",
        "",
        "Recall per variant kind:",
    ]
    width = max(len(k.kind) for k in (*e.per_kind, *e.per_corpus))
    lines += [f"  {k.kind:<{width}}  {k.found:>4}/{k.variants:<4}  {k.recall:.3f}" for k in e.per_kind]
    lines.append("Recall per corpus:")
    lines += [f"  {k.kind:<{width}}  {k.found:>4}/{k.variants:<4}  {k.recall:.3f}" for k in e.per_corpus]
    if e.missed:
        lines.append(f"Missed (first {min(show, len(e.missed))} of {len(e.missed)}):")
        lines += [f"  {variant}  ({kind})" for _base, variant, kind in e.missed[:show]]
    if e.false_positives:
        lines.append(f"Wrongly flagged (first {min(show, len(e.false_positives))} of {len(e.false_positives)}):")
        lines += [
            f"  {p.a} ~ {p.b}  jaccard {p.jaccard:.3f} containment {p.containment:.3f} ({p.relation})"
            for p in e.false_positives[:show]
        ]
    if e.unlabelled:
        lines.append(f"Unlabelled, same METER story (first {min(show, len(e.unlabelled))} of {len(e.unlabelled)} between originals):")
        lines += [
            f"  {p.a} ~ {p.b}  jaccard {p.jaccard:.3f} containment {p.containment:.3f} ({p.relation})"
            for p in e.unlabelled[:show]
        ]
    if e.wire_versions:
        n, hit = len(e.wire_versions), e.wire_versions_flagged
        lines += ["", f"METER wire versions <story>N.txt vs <story>Nsub.txt: {hit}/{n} flagged ({hit / n:.0%})"]
        for p in e.wire_versions:
            verdict = p.relation or "not flagged"
            lines.append(f"  {p.a:<36} ~ {Path(p.b).name:<18} jaccard {p.jaccard:.3f}  containment {p.containment:.3f}  {verdict}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evaluation.dedup",
        description="Precision and recall of near-duplicate detection on labelled variants of real articles.",
    )
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder holding data/meter-showbiz (default: ../shared beside the repo)")
    parser.add_argument("--fixtures-only", action="store_true", help="leave METER out even when it is present")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed of the variants")
    parser.add_argument("--show", type=int, default=10, help="how many misses and false positives to list")
    args = parser.parse_args(argv)
    shared = None if args.fixtures_only else args.shared
    if shared is not None and not (shared / METER_PART).is_dir():
        print(f"note: {shared / METER_PART} is absent; evaluating on the fixtures alone", file=sys.stderr)
    evaluation = evaluate(shared=shared, seed=args.seed, progress=lambda note: print(f"... {note}", file=sys.stderr))
    sys.stdout.write(render(evaluation, show=args.show))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
