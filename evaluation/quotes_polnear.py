"""Direct quotes and their speakers, scored on PolNeAR (US political news, 7 publishers).

Run from the repository root (``../shared`` beside it, or ``--data DIR``)::

    python -m evaluation.quotes_polnear            # tuning and held-out parts, tool and baseline
    python -m evaluation.quotes_polnear --part tuning --errors 40   # show tuning errors only
    python -m evaluation.quotes_polnear --part held-out --by-publisher   # one house style at a time

What is scored (``../shared/data/polnear-train``, 840 articles, every attribution
annotated with its source, cue and content spans):

* **Gold quotations**: the content spans of the attributions marked ``direct``
  (a quotation in quote marks); pieces of one content that touch are one
  quotation, pieces separated by the attribution ('"...," he said, "..."') are two.
  The corpus flags as ``direct`` only contents in double quotes; a content
  that opens and closes with the wire/NYT marks ''...'' is a quotation too (the
  flag misses 876 of those). In the 16 documents annotated by several people
  a quotation marked by any of them is gold (the first annotator in
  ``metadata.tsv`` gives the speaker where several marked it).
* **Direct-quote precision**: the share of the tool's ``full`` quotes that overlap
  a gold quotation by at least half of the shorter of the two spans; **recall**:
  the share of gold quotations overlapped so by a ``full`` quote. The issue says
  "overlaps a gold quotation by half or more" without saying half of which span;
  the shorter is the loosest reading, so the same figures with half of the *longer*
  span (both readings at once) are printed too ("strict overlap"). Partial quotes
  (a few words inside indirect speech) and scare quotes are not direct quotes
  in PolNeAR either, so they are left out of both.
* **Speaker accuracy**, over the gold quotations found: the gold source is a
  *pronoun* (he, she, they, ...), *named* (it contains a proper name: the name is
  the last capitalised word of the first comma-separated part that ends in
  one, after titles, possessives and parentheses are dropped: "Trump campaign
  spokeswoman Hope Hicks" -> Hicks, "Sen. Ted Cruz (R-Texas)" -> Cruz), or
  *nominal* ("the campaign", "a spokesman"). A named source is right when the
  tool's speaker ends in that name; a pronoun (and a definite nominal) is
  right when the tool's speaker ends in the name of its antecedent: the
  nearest earlier named source of the same document whose gender is
  compatible (a gender is known from "Mr."/"Mrs."/"Ms." before the name in the
  document, from gendered words in the source mention, or from the annotations:
  the he/she source of the attribution that follows a named one); a nominal is
  also right when it shares a content word with the tool's speaker ("the
  campaign" / "the Clinton campaign"). Named and nominal together make the
  *named* figure of the acceptance criteria; nominal is also printed alone.
  A pronoun with no named source before it in the annotations has no known
  antecedent and is not scored (20 in the tuning part, about 1 %).
* **Split by document**: a document is *held out* when the first byte of the
  SHA-1 of its name is below 86 (about a third); rules are written while
  reading tuning errors only (``--errors`` refuses to show held-out errors).
* **Baseline**: text between double quote marks; the speaker is the name (or
  pronoun) right after the quote before "said"/"says"/"told"/"added", or after
  such a verb right after the quote, or the name right before "said:" ahead of
  the quote. Every quoted span counts as a direct quote.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PATH = (
    Path(os.environ.get("ARTICLE_COMPARE_SHARED", REPO.parent / "shared"))
    / "data"
    / "polnear-train"
)
HELD_OUT_BELOW = 86  # first SHA-1 byte of the document name: 86/256 = 34 % held out

PRONOUNS = frozenset(
    [
        "he",
        "she",
        "they",
        "it",
        "we",
        "i",
        "you",
        "him",
        "her",
        "them",
        "us",
        "who",
        "which",
        "that",
    ]
)
_NAME_FOLLOWERS = frozenset(["who", "whose", "told"])
_MALE = frozenset(
    [
        "he",
        "him",
        "mr.",
        "mr",
        "man",
        "father",
        "brother",
        "son",
        "husband",
        "chairman",
        "spokesman",
        "congressman",
    ]
)
_FEMALE = frozenset(
    [
        "she",
        "her",
        "mrs.",
        "mrs",
        "ms.",
        "ms",
        "miss",
        "woman",
        "mother",
        "sister",
        "daughter",
        "wife",
        "chairwoman",
        "spokeswoman",
        "congresswoman",
    ]
)
_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sen",
        "rep",
        "gov",
        "president",
        "prime",
        "minister",
        "secretary",
        "senator",
        "representative",
        "governor",
        "mayor",
        "former",
        "the",
        "a",
        "an",
        "gen",
        "rev",
        "judge",
        "justice",
        "attorney",
        "general",
        "vice",
        "speaker",
        "chairman",
        "chairwoman",
        "chief",
    ]
)
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "for",
        "at",
        "in",
        "on",
        "to",
        "and",
        "or",
        "his",
        "her",
        "its",
        "their",
        "our",
        "this",
        "that",
        "who",
        "which",
        "with",
        "from",
        "by",
        "as",
        "said",
        "says",
        "campaign's",
    ]
)
_CAP = re.compile(r"[A-Z][\w'’.-]*")
_WORD = re.compile(r"[a-z0-9]+")


# The corpus's ``direct`` flag misses quotations in the wire/NYT marks ''...'' (876 of them).
# A content that ends one character short of its closing mark ("... Nothing less.'": 20 in the corpus)
# is a quotation all the same.
WIRE_QUOTED = re.compile(r"^\s*''.*''?[.,]?\s*$", re.S)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class GoldQuote:
    doc: str
    start: int
    end: int
    source: str | None  # the source mention as written
    source_start: int | None
    kind: str  # named | nominal | pronoun | none
    key: str | None  # name for named sources, else the antecedent's name (pronoun/definite nominal)
    words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ToolQuote:
    start: int
    end: int
    speaker: str | None
    kind: str = "full"


@dataclass
class Tally:
    tool_quotes: int = 0
    tool_hits: int = 0
    gold_quotes: int = 0
    gold_found: int = 0
    gold_found_as_statement: int = 0  # overlapped by a full or a partial quote
    # the same with the overlap at least half of the longer span (both readings of "by half")
    tool_hits_strict: int = 0
    gold_found_strict: int = 0
    speaker: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    @property
    def precision(self) -> float:
        return self.tool_hits / self.tool_quotes if self.tool_quotes else 0.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold_quotes if self.gold_quotes else 0.0

    @property
    def strict_precision(self) -> float:
        return self.tool_hits_strict / self.tool_quotes if self.tool_quotes else 0.0

    @property
    def strict_recall(self) -> float:
        return self.gold_found_strict / self.gold_quotes if self.gold_quotes else 0.0

    @property
    def statement_recall(self) -> float:
        return self.gold_found_as_statement / self.gold_quotes if self.gold_quotes else 0.0

    def accuracy(self, *kinds: str) -> float:
        right = sum(self.speaker[k][0] for k in kinds)
        total = sum(self.speaker[k][1] for k in kinds)
        return right / total if total else 0.0

    def counts(self, *kinds: str) -> tuple[int, int]:
        return sum(self.speaker[k][0] for k in kinds), sum(self.speaker[k][1] for k in kinds)


def is_held_out(doc: str) -> bool:
    return hashlib.sha1(doc.encode()).digest()[0] < HELD_OUT_BELOW


def name_key(source: str) -> str | None:
    """The proper name a source mention names (see the module docstring), folded."""
    source = re.sub(r"\([^)]*\)", " ", source)
    for part in source.split(","):
        tokens = part.split()
        k = 0
        while k < len(tokens):
            if not _CAP.fullmatch(tokens[k]):
                k += 1
                continue
            run_end = k
            while run_end + 1 < len(tokens) and _CAP.fullmatch(tokens[run_end + 1]):
                run_end += 1
            following = tokens[run_end + 1].lower() if run_end + 1 < len(tokens) else None
            if run_end > k and tokens[run_end].rstrip(".,") in ("Jr", "Sr", "II", "III", "IV"):
                run_end -= 1  # "James B. Comey Jr."
            last = tokens[run_end].rstrip(".")
            k = run_end + 1
            if last.endswith(("'s", "’s")) or last.lower() in _TITLES:
                continue
            of_place = following == "of" and _is_full_name(
                tokens, run_end
            )  # "John McCain of Arizona"
            if following is not None and following not in _NAME_FOLLOWERS and not of_place:
                continue  # "the Florida senator": an adjective, not the speaker's name
            folded = words(last)
            if folded:
                return folded[-1]
    return None


def _is_full_name(tokens: Sequence[str], run_end: int) -> bool:
    """ "Senator John McCain of Arizona": two capitalised words or more before "of", not a title."""
    start = run_end
    while start > 0 and _CAP.fullmatch(tokens[start - 1]):
        start -= 1
    names = [t for t in tokens[start : run_end + 1] if t.lower().rstrip(".") not in _TITLES]
    return len(names) >= 2


def _gender_of_mention(source: str) -> str | None:
    lowered = set(source.lower().split())
    if lowered & _MALE:
        return "m"
    if lowered & _FEMALE:
        return "f"
    return None


def _doc_genders(text: str) -> dict[str, str]:
    genders: dict[str, str] = {}
    for match in re.finditer(r"\b(Mr|Mrs|Ms|Miss)\.?\s+(?:[A-Z][\w'’-]+\s+)?([A-Z][\w'’-]+)", text):
        key = words(match[2])
        if key:
            genders.setdefault(key[-1], "m" if match[1] == "Mr" else "f")
    return genders


def load_gold(data: Path) -> tuple[dict[str, str], dict[str, list[GoldQuote]], dict[str, str]]:
    """Texts, gold direct quotations by document, and the publisher of each document."""
    first_annotator: dict[str, str] = {}
    publisher: dict[str, str] = {}
    with (data / "metadata.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            first_annotator[row["filename"]] = row["annotators"].split(",")[0].strip()
            publisher[row["filename"]] = row["publisher"]
    texts = {
        doc: (data / "text" / f"{doc}.txt").read_text(encoding="utf-8", errors="replace")
        for doc in first_annotator
        if (data / "text" / f"{doc}.txt").exists()
    }
    rows_by_doc: dict[str, list[dict]] = defaultdict(list)
    with (data / "attributions.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["doc"] in texts:
                rows_by_doc[row["doc"]].append(row)
    gold: dict[str, list[GoldQuote]] = {}
    for doc, text in texts.items():
        by_annotator: dict[str, list[dict]] = defaultdict(list)
        for row in rows_by_doc.get(doc, []):
            by_annotator[row["annotator"]].append(row)
        first = first_annotator[doc]
        quotes: list[GoldQuote] = []
        for annotator in sorted(by_annotator, key=lambda a: (a != first, a)):
            for quote in _annotator_quotes(text, doc, by_annotator[annotator]):
                # the first annotator's quotations, then the others' that it did not mark
                if not any(overlaps((quote.start, quote.end), (q.start, q.end)) for q in quotes):
                    quotes.append(quote)
        gold[doc] = quotes
    return texts, gold, publisher


def _annotator_quotes(text: str, doc: str, rows: Sequence[dict]) -> list[GoldQuote]:
    """The direct quotations of one annotator of one document, each with its speaker's gold."""
    genders = {**_annotated_genders(rows), **_doc_genders(text)}
    named_sources: list[tuple[int, str, str | None]] = []  # (offset, key, gender)
    for row in rows:
        source = row.get("source")
        if not source:
            continue
        key = name_key(source["text"])
        if key and source["text"].strip().lower() not in PRONOUNS:
            gender = _gender_of_mention(source["text"]) or genders.get(key)
            named_sources.append((source["offsets"][0][0], key, gender))
    named_sources.sort()
    quotes: list[GoldQuote] = []
    for row in rows:
        if not row.get("content") or not (
            row.get("direct") or WIRE_QUOTED.match(row["content"]["text"])
        ):
            continue
        source = row.get("source")
        text_of_source = source["text"].strip() if source else None
        source_start = source["offsets"][0][0] if source else None
        if text_of_source is None or text_of_source.lower() in (
            "said",
            "says",
        ):  # annotation slips
            kind, key = "none", None
        elif text_of_source.lower() in PRONOUNS:
            key = _antecedent(named_sources, source_start, text_of_source.lower())
            # no named source before it in the annotations: nobody knows whom it means
            kind = "pronoun" if key else "none"
        else:
            key = name_key(text_of_source)
            kind = "named" if key else "nominal"
            if not key and text_of_source.lower().startswith("the "):
                key = _antecedent(named_sources, source_start, None)
        content_words = frozenset(w for w in words(text_of_source or "") if w not in _STOP)
        for start, end in _pieces(text, row["content"]["offsets"]):
            quotes.append(
                GoldQuote(doc, start, end, text_of_source, source_start, kind, key, content_words)
            )
    return quotes


def _annotated_genders(rows: Sequence[dict]) -> dict[str, str]:
    """A named source's gender from the annotations: the he/she source of the next attribution,
    when it follows within 400 characters with no other source between (majority over the text)."""
    sources = sorted(
        (row["source"]["offsets"][0][0], row["source"]["text"].strip())
        for row in rows
        if row.get("source") and row["source"].get("offsets")
    )
    votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (at, mention), (next_at, following) in pairwise(sources):
        key = name_key(mention) if mention.lower() not in PRONOUNS else None
        pronoun = following.lower()
        if key and pronoun in ("he", "she") and next_at - at < 400:
            votes[key][pronoun == "she"] += 1
    return {key: ("m" if m > f else "f") for key, (m, f) in votes.items() if m != f}


def _antecedent(
    named: Sequence[tuple[int, str, str | None]], position: int | None, pronoun: str | None
) -> str | None:
    if position is None:
        return None
    wanted = {"he": "m", "him": "m", "she": "f", "her": "f"}.get(pronoun or "")
    for offset, key, gender in reversed(named):
        if offset >= position:
            continue
        if wanted and gender and gender != wanted:
            continue
        return key
    return None


def _pieces(text: str, offsets: Iterable[Sequence[int]]) -> list[tuple[int, int]]:
    """Content pieces merged where only spaces and marks separate them, quote marks trimmed."""
    merged: list[list[int]] = []
    for start, end in sorted(tuple(o) for o in offsets):
        if merged and not text[merged[-1][1] : start].strip(" \t\n\"'“”‘’"):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out = []
    for start, end in merged:
        while start < end and text[start] in " \t\n\"'“”‘’":
            start += 1
        while end > start and text[end - 1] in " \t\n\"'“”‘’,":
            end -= 1
        if end > start:
            out.append((start, end))
    return out


def overlaps(a: tuple[int, int], b: tuple[int, int], *, strict: bool = False) -> bool:
    """Overlap of half the shorter span or more (``strict``: half the longer span or more)."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    measure = max if strict else min
    return shared > 0 and shared * 2 >= measure(a[1] - a[0], b[1] - b[0])


def speaker_right(gold: GoldQuote, speaker: str | None) -> bool:
    if not speaker:
        return False
    said = words(speaker)
    if not said:
        return False
    if gold.kind in ("named", "pronoun"):
        return gold.key is not None and said[-1] == gold.key
    if gold.kind == "nominal":
        return bool(gold.words & set(said)) or (gold.key is not None and said[-1] == gold.key)
    return False


# ---- the tool and the baseline ------------------------------------------------------------------


def tool_quotes(text: str, doc: str, publisher: str) -> list[ToolQuote]:
    from compare.article import Article
    from compare.pair.quotes import extract_quotes

    article = Article(id=doc, text=text, source=publisher)
    return [
        ToolQuote(
            q.start, q.end, q.speaker, getattr(q, "kind", "partial" if q.fragment else "full")
        )
        for q in extract_quotes(article)
    ]


_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"'})
_B_NAME = r"(?:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*|he|she|they|it|we|He|She|They|It|We)"
_B_AFTER_SUBJECT = re.compile(rf"^[,.?!]?\s*(?P<who>{_B_NAME})\s+(?:said|says|told|added)\b")
_B_AFTER_VERB = re.compile(rf"^[,.?!]?\s*(?:said|says|added)\s+(?P<who>{_B_NAME})")
_B_BEFORE = re.compile(rf"(?P<who>{_B_NAME})\s+(?:said|says|told\s+\w+|added)[:,]?\s*$")


def baseline_quotes(text: str, doc: str, publisher: str) -> list[ToolQuote]:
    folded = text.translate(_FOLD).replace("''", '"')
    out: list[ToolQuote] = []
    last: str | None = None
    for match in re.finditer(r'"([^"\n]+)"', folded):
        after = folded[match.end() : match.end() + 80]
        before = folded[max(0, match.start() - 80) : match.start()]
        found = (
            _B_AFTER_SUBJECT.match(after) or _B_AFTER_VERB.match(after) or _B_BEFORE.search(before)
        )
        speaker = found["who"] if found else None
        if speaker and speaker.lower() in PRONOUNS:
            speaker = last
        if speaker:
            last = speaker
        out.append(ToolQuote(match.start(1), match.end(1), speaker))
    return out


# ---- scoring --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Error:
    doc: str
    what: str
    detail: str


def score(
    extractor: Callable[[str, str, str], list[ToolQuote]],
    texts: dict[str, str],
    gold: dict[str, list[GoldQuote]],
    publisher: dict[str, str],
    docs: Sequence[str],
    errors: list[Error] | None = None,
) -> Tally:
    tally = Tally()
    for doc in docs:
        text = texts[doc]
        extracted = extractor(text, doc, publisher[doc])
        found = [q for q in extracted if q.kind == "full"]
        statements = [q for q in extracted if q.kind != "scare"]
        golds = gold[doc]
        tally.tool_quotes += len(found)
        for quote in found:
            if any(overlaps((quote.start, quote.end), (g.start, g.end), strict=True) for g in golds):
                tally.tool_hits_strict += 1
            if any(overlaps((quote.start, quote.end), (g.start, g.end)) for g in golds):
                tally.tool_hits += 1
            elif errors is not None:
                errors.append(
                    Error(doc, "not a gold quote", _context(text, quote.start, quote.end))
                )
        for g in golds:
            tally.gold_quotes += 1
            if any(overlaps((q.start, q.end), (g.start, g.end), strict=True) for q in found):
                tally.gold_found_strict += 1
            if any(overlaps((q.start, q.end), (g.start, g.end)) for q in statements):
                tally.gold_found_as_statement += 1
            best = max(
                (q for q in found if overlaps((q.start, q.end), (g.start, g.end))),
                key=lambda q: min(q.end, g.end) - max(q.start, g.start),
                default=None,
            )
            if best is None:
                if errors is not None:
                    errors.append(Error(doc, "missed", _context(text, g.start, g.end)))
                continue
            tally.gold_found += 1
            if g.kind == "none":
                continue
            right = speaker_right(g, best.speaker)
            cell = tally.speaker[g.kind]
            cell[0] += right
            cell[1] += 1
            if not right and errors is not None:
                errors.append(
                    Error(
                        doc,
                        f"speaker {g.kind}",
                        f"tool={best.speaker!r} gold={g.source!r} key={g.key!r}\n    "
                        + _context(text, g.start, g.end, width=200),
                    )
                )
    return tally


def _context(text: str, start: int, end: int, width: int = 100) -> str:
    left = text[max(0, start - width) : start].replace("\n", " / ")
    right = text[end : end + width].replace("\n", " / ")
    middle = text[start:end].replace("\n", " / ")
    if len(middle) > 160:
        middle = middle[:80] + " ... " + middle[-60:]
    return f"{left}[[{middle}]]{right}"


@dataclass(frozen=True)
class PartScores:
    part: str
    documents: int
    tool: Tally
    baseline: Tally


def evaluate(
    data: Path = DEFAULT_PATH, *, parts: Sequence[str] = ("tuning", "held-out")
) -> list[PartScores]:
    texts, gold, publisher = load_gold(data)
    out = []
    for part in parts:
        docs = sorted(d for d in texts if is_held_out(d) == (part == "held-out"))
        out.append(
            PartScores(
                part,
                len(docs),
                score(tool_quotes, texts, gold, publisher, docs),
                score(baseline_quotes, texts, gold, publisher, docs),
            )
        )
    return out


def evaluate_by_publisher(data: Path = DEFAULT_PATH, *, part: str = "held-out") -> list[PartScores]:
    """One part's figures publisher by publisher (7 house styles), tool and baseline."""
    texts, gold, publisher = load_gold(data)
    docs = [d for d in texts if is_held_out(d) == (part == "held-out")]
    out = []
    for name in sorted({publisher[d] for d in docs}):
        mine = sorted(d for d in docs if publisher[d] == name)
        out.append(
            PartScores(
                f"{part}, {name}",
                len(mine),
                score(tool_quotes, texts, gold, publisher, mine),
                score(baseline_quotes, texts, gold, publisher, mine),
            )
        )
    return out


def format_scores(results: Sequence[PartScores]) -> str:
    lines = []
    for result in results:
        lines.append(
            f"{result.part}: {result.documents} documents, {result.tool.gold_quotes} gold direct quotations"
        )
        for name, tally in (("tool", result.tool), ("baseline", result.baseline)):
            right, total = tally.counts("named", "nominal", "pronoun")
            n_right, n_total = tally.counts("named", "nominal")
            p_right, p_total = tally.counts("pronoun")
            o_right, o_total = tally.counts("nominal")
            lines.append(
                f"  {name:9s} precision {tally.precision:.3f} ({tally.tool_hits}/{tally.tool_quotes})"
                f"  recall {tally.recall:.3f} ({tally.gold_found}/{tally.gold_quotes})"
                f" [as a statement {tally.statement_recall:.3f}]"
                f"  speaker {right / total if total else 0:.3f} ({right}/{total})"
                f"  named {n_right / n_total if n_total else 0:.3f} ({n_right}/{n_total})"
                f"  pronoun {p_right / p_total if p_total else 0:.3f} ({p_right}/{p_total})"
                f"  [nominal alone {o_right}/{o_total}]"
                f"  strict overlap: precision {tally.strict_precision:.3f} recall {tally.strict_recall:.3f}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_PATH, help="the polnear-train folder")
    parser.add_argument("--part", choices=("tuning", "held-out", "both"), default="both")
    parser.add_argument(
        "--errors", type=int, default=0, help="print N tool errors (tuning part only)"
    )
    parser.add_argument(
        "--only", default=None, help="with --errors: only errors whose kind starts with this"
    )
    parser.add_argument(
        "--by-publisher", action="store_true", help="the part's figures publisher by publisher"
    )
    args = parser.parse_args(argv)
    if not (args.data / "attributions.jsonl").exists():
        print(f"error: no PolNeAR data at {args.data} (give --data DIR)", file=sys.stderr)
        return 1
    if args.errors and args.part != "tuning":
        print("error: --errors shows the tuning part only (use --part tuning)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    parts = ("tuning", "held-out") if args.part == "both" else (args.part,)
    if args.errors:
        texts, gold, publisher = load_gold(args.data)
        docs = sorted(d for d in texts if not is_held_out(d))
        errors: list[Error] = []
        score(tool_quotes, texts, gold, publisher, docs, errors)
        shown = [e for e in errors if not args.only or e.what.startswith(args.only)]
        for error in shown[: args.errors]:
            print(f"- {error.what} [{error.doc}]\n    {error.detail}")
        print(f"{len(shown)} errors of that kind")
        return 0
    if args.by_publisher:
        results = [r for part in parts for r in evaluate_by_publisher(args.data, part=part)]
    else:
        results = evaluate(args.data, parts=parts)
    print(format_scores(results))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"({time.perf_counter() - started:.1f} s, load average {load:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
