"""Generate N news-like articles (about 600 words each) into one JSONL file, deterministically.

    python benchmarks/generate_articles.py --count 100000 --output bench-data/articles-100000.jsonl

Self-contained: the vocabulary is the words of the fixtures (``fixtures/``)
plus made-up names built from their syllables, sampled with Zipf-like
frequencies (rank ** -1.05, as word frequencies in news are), so common
words repeat across articles the way "the", "said" and "minister" do and
random shingle collisions are realistic rather than absent. Each article has
its own handful of names and topic words that recur in it, sentences of 8-40
words with capitalisation, commas and quotes, paragraphs of one to three
sentences, a headline, an outlet and a date.

About ``dup_rate`` of the articles are planted near-duplicates of an earlier
one (new headline, a sentence dropped, a few words changed, sometimes the
last paragraph cut or outlet chrome added); they carry ``"duplicate_of"``
so a benchmark can check that the run found them. The loader ignores that
field. Uses numpy only; no network, no data files beyond the fixtures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
DEFAULT_SEED = 7
OUTLETS = tuple(
    f"{place} {kind}"
    for place in ("Northfield", "Harbour", "Valley", "Capital", "Eastern", "Lakeside", "Metro", "Coastal")
    for kind in ("Herald", "Courier", "Gazette")
)
CHROME = (
    ("Advertisement", "Share on Facebook", "Sign up for our newsletter"),
    ("Most read", "Follow us on Twitter"),
    ("Read more",),
)
_WORD = re.compile(r"[A-Za-z][a-z]+(?:'[a-z]+)?")


def fixture_vocabulary() -> tuple[list[str], np.ndarray]:
    """Words of the fixture texts ordered by frequency, and their counts."""
    counts: Counter[str] = Counter()
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix not in {".txt", ".json", ".jsonl", ".html"}:
            continue
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        counts.update(w.lower() for w in _WORD.findall(text))
    if len(counts) < 500:
        raise SystemExit(f"too few words in {FIXTURES} ({len(counts)}); are the fixtures there?")
    ranked = counts.most_common()
    return [w for w, _ in ranked], np.array([n for _, n in ranked], dtype=np.float64)


class Generator:
    """Deterministic article generator (one numpy Generator, one seed)."""

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self.rng = np.random.default_rng(seed)
        words, _counts = fixture_vocabulary()
        syllables = np.array(sorted({w[i : i + 3] for w in words if len(w) >= 6 and w.isalpha() for i in (0, 3)}), dtype=object)
        endings = np.array(["", "ov", "son", "er", "a", "ski"], dtype=object)
        pick = self.rng.integers(0, len(syllables), size=(30000, 2))
        made = syllables[pick[:, 0]] + syllables[pick[:, 1]] + endings[self.rng.integers(0, len(endings), 30000)]
        self.names = np.array(sorted({str(name).capitalize() for name in made}), dtype=object)
        # Common words keep their fixture rank; names share the long tail (rank-interleaved).
        tail = self.names[self.rng.permutation(len(self.names))[:20000]]
        self.vocab = np.array(words + list(tail), dtype=object)
        ranks = np.arange(1, len(self.vocab) + 1, dtype=np.float64)
        weights = ranks**-1.05
        self.cdf = np.cumsum(weights / weights.sum())
        self.verbs = np.array(["said", "told reporters", "added", "warned", "wrote", "announced", "confirmed", "insisted"], dtype=object)

    def _words(self, n: int) -> np.ndarray:
        return self.vocab[np.searchsorted(self.cdf, self.rng.random(n), side="right").clip(0, len(self.vocab) - 1)]

    def article_text(self, words: int = 600) -> tuple[str, str]:
        """(headline, body) of one article of about ``words`` words."""
        rng = self.rng
        cast = self.names[rng.integers(0, len(self.names), 6)]
        topic = self._words(12)
        lengths = np.clip(rng.normal(21, 7, size=words // 8).round().astype(int), 8, 40)
        lengths = lengths[: int(np.searchsorted(np.cumsum(lengths), words)) + 1]
        pool = self._words(int(lengths.sum()))
        # Names and topic words recur inside an article, as they do in news.
        special = rng.random(pool.size)
        pool = np.where(special < 0.05, cast[rng.integers(0, cast.size, pool.size)], pool)
        pool = np.where((special >= 0.05) & (special < 0.12), topic[rng.integers(0, topic.size, pool.size)], pool)
        sentences = []
        start = 0
        for length in lengths:
            tokens = list(pool[start : start + length])
            start += length
            if length > 12 and rng.random() < 0.4:
                tokens[length // 2] += ","
            sentence = " ".join(tokens)
            sentence = sentence[0].upper() + sentence[1:]
            if rng.random() < 0.15:
                sentence = f'"{sentence}," {cast[rng.integers(0, cast.size)]} {rng.choice(self.verbs)}.'
            else:
                sentence += "."
            sentences.append(sentence)
        paragraphs = []
        i = 0
        while i < len(sentences):
            take = int(rng.integers(1, 4))
            paragraphs.append(" ".join(sentences[i : i + take]))
            i += take
        headline = " ".join(w.capitalize() for w in [cast[0], *self._words(int(rng.integers(5, 10)))])
        return headline, "\n\n".join(paragraphs)

    def near_duplicate(self, original: dict) -> dict:
        """An edited copy: new headline, one sentence dropped, ~2 % words changed, maybe trimmed or wrapped."""
        rng = self.rng
        paragraphs = original["text"].split("\n\n")[1:]  # drop the headline line
        if len(paragraphs) > 3:
            drop = int(rng.integers(1, len(paragraphs)))
            sentences = paragraphs[drop].split(". ")
            if len(sentences) > 1:
                sentences.pop(int(rng.integers(0, len(sentences))))
                paragraphs[drop] = ". ".join(sentences)
        if rng.random() < 0.3 and len(paragraphs) > 6:
            paragraphs = paragraphs[: -int(rng.integers(1, 3))]
        body = "\n\n".join(paragraphs).split(" ")
        for position in rng.choice(len(body), size=max(1, len(body) // 50), replace=False):
            body[position] = str(self._words(1)[0])
        headline = " ".join(w.capitalize() for w in self._words(int(rng.integers(5, 10))))
        text = headline + "\n\n" + " ".join(body)
        if rng.random() < 0.3:
            text = text + "\n\n" + "\n".join(CHROME[int(rng.integers(0, len(CHROME)))])
        return {"title": headline, "text": text}

    def records(self, count: int, *, dup_rate: float = 0.05) -> Iterator[dict]:
        """``count`` article records; about ``dup_rate`` of them near-duplicates of earlier ones."""
        kept: list[dict] = []  # a reservoir of earlier originals to copy from
        for n in range(1, count + 1):
            record: dict = {
                "id": f"gen-{n:06d}",
                "source": OUTLETS[int(self.rng.integers(0, len(OUTLETS)))],
                "published": f"2024-{int(self.rng.integers(1, 13)):02d}-{int(self.rng.integers(1, 29)):02d}",
            }
            if kept and self.rng.random() < dup_rate:
                original = kept[int(self.rng.integers(0, len(kept)))]
                record.update(self.near_duplicate(original))
                record["duplicate_of"] = original["id"]
            else:
                headline, body = self.article_text(int(self.rng.integers(450, 750)))
                record.update(title=headline, text=f"{headline}\n\n{body}")
                if len(kept) < 2000:
                    kept.append(record)
                elif self.rng.random() < 0.05:
                    kept[int(self.rng.integers(0, len(kept)))] = record
            yield record


def write_jsonl(path: Path, count: int, *, seed: int = DEFAULT_SEED, dup_rate: float = 0.05) -> Path:
    """Write the articles to ``path`` (via a temporary file, so a killed run leaves no half file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        for record in Generator(seed).records(count, dup_rate=dup_rate):
            out.write(json.dumps(record, ensure_ascii=False))
            out.write("\n")
    partial.replace(path)
    return path


def cached_jsonl(directory: Path, count: int, *, seed: int = DEFAULT_SEED) -> Path:
    """The generated file for (count, seed), made once and reused."""
    path = directory / f"articles-{count}-seed{seed}.jsonl"
    if not path.exists():
        write_jsonl(path, count, seed=seed)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="number of articles (default 100000)")
    parser.add_argument("--output", type=Path, required=True, help="JSONL file to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (same seed, same file)")
    parser.add_argument("--dup-rate", type=float, default=0.05, help="share of planted near-duplicates (default 0.05)")
    args = parser.parse_args(argv)
    if args.count < 1 or not 0 <= args.dup_rate < 1:
        parser.error("--count must be positive and --dup-rate in [0, 1)")
    write_jsonl(args.output, args.count, seed=args.seed, dup_rate=args.dup_rate)
    print(f"wrote {args.count} articles to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
