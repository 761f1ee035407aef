"""Fit the stop list of common character shingles (compare/dedup/data/char_stop.npy) on development news.

    python scripts/fit_char_stop.py                 # fit, measure, write the file
    python scripts/fit_char_stop.py --dry-run       # fit and measure only

Why: sampled character 5-grams of letters ("saidt", "ofthe", "ation",
"presi") are shared by any two English news articles: unrelated articles
shared 4-5 % of their samples (real pages: mean Jaccard 0.037, p99 0.084),
so at 32 bands x 4 rows every pair had a 2.6e-4 chance to become a
candidate, and chance candidates grew with the square of the batch. A gram
in more than ``--max-share`` of the development articles says nothing about
which story an article is; leaving it out of the sample before MinHash
takes the shared floor away while a copy (even an OCR'd one) keeps its rare
grams.

Fitted on development text only, never on the held-out evaluation's test half
(evaluation/heldout_dedup.py, PolNeAR publishers politico, usa-today,
wash-post, west-journal):

- PolNeAR articles of the dev publishers (breitbart, huff-post, nyt);
- METER showbiz (PA wire copy and UK newspapers);
- gva-dev pages of the even half of incidents (by CRC-32 of the incident id).

The odd half of gva-dev incidents and the PolNeAR test publishers are only
measured: random pairs of different stories, their sample Jaccard before and
after, and the chance candidate rate at ``CHAR_BANDS`` x ``CHAR_ROWS``.

A gram is a stop gram when its document share is above ``--max-share`` in
at least two of the three corpora (the median share): common in news of any
kind, not in one beat ("rycli" of Hillary Clinton is common in 2016 politics
only), and 1,500 gun-violence pages do not decide alone. The result is
deterministic.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from compare.article import Article  # noqa: E402
from compare.dedup.fingerprint import (  # noqa: E402
    CHAR_MIN_SAMPLES,
    CHAR_STOP_FILE,
    char_samples,
    content_tokens,
    jaccard,
)
from compare.dedup.lsh import CHAR_BANDS, CHAR_ROWS, candidate_probability  # noqa: E402
from evaluation import SHARED_DIR  # noqa: E402
from evaluation.heldout_dedup import DEV_PUBLISHERS, TEST_PUBLISHERS  # noqa: E402

#: A sampled gram in more than this share of development articles is a stop gram.
DEFAULT_MAX_SHARE = 0.10
NO_STOP = np.empty(0, dtype=np.uint32)


def _letters(article: Article) -> str:
    tokens, _ = content_tokens(article, prose=True)
    return "".join(tokens)


def polnear(shared: Path, publishers: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(story id, letters) of the PolNeAR articles of these publishers."""
    root = shared / "data" / "polnear-train"
    for line in (root / "metadata.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split("\t")
        if fields[4] in publishers:
            text = (root / "text" / f"{fields[1]}.txt").read_text(encoding="utf-8")
            yield fields[1], _letters(Article(id=fields[1], text=text))


def meter(shared: Path) -> Iterator[tuple[str, str]]:
    """(story folder, letters) of every METER text."""
    from compare.load.articles import iter_articles

    for path in sorted((shared / "data" / "meter-showbiz").rglob("*.txt")):
        for article in iter_articles([path]):  # the tool's own loader: Latin-1, "<" line ends
            yield str(path.parent.relative_to(shared / "data")), _letters(article)


def gva(shared: Path, half: int) -> Iterator[tuple[str, str]]:
    """(incident, letters) of the usable gva-dev pages whose incident falls in ``half`` (0 or 1)."""
    with (shared / "data" / "gva-dev" / "pages.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            page = json.loads(line)
            if page.get("usable") and zlib.crc32(page["incident"].encode()) % 2 == half:
                yield page["incident"], _letters(Article(id=page["doc_id"], text=page["text"]))


def shares(samples: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(distinct grams, share of the articles holding each)."""
    values, counts = np.unique(np.concatenate(samples), return_counts=True)
    return values, counts / len(samples)


def fit(corpora: dict[str, list[np.ndarray]], max_share: float) -> np.ndarray:
    """Grams whose median share over the corpora exceeds ``max_share``: sorted uint32.

    The median (with three corpora: the second highest share) keeps out what is
    common in one kind of news only: "rycli" (Hillary Clinton) in 2016 politics,
    "shoot" in gun-violence reports.
    """
    grams = np.unique(np.concatenate([np.concatenate(s) for s in corpora.values()]))
    table = np.zeros((len(corpora), grams.size))
    for row, samples in enumerate(corpora.values()):
        values, share = shares(samples)
        table[row, np.searchsorted(grams, values)] = share
    return grams[np.median(table, axis=0) > max_share].astype(np.uint32)


def chance(stories: Sequence[str], letters: Sequence[str], stop: np.ndarray, pairs: int = 20_000, seed: int = 1) -> dict[str, float]:
    """Random pairs of different stories: sample Jaccard (mean, p99), chance candidate rate, samples per article."""
    samples = char_samples(letters, stop=stop)
    usable = [i for i, s in enumerate(samples) if s.size >= CHAR_MIN_SAMPLES]
    rng = random.Random(seed)
    values = []
    while len(values) < pairs:
        i, j = rng.sample(usable, 2)
        if stories[i] != stories[j]:
            values.append(jaccard(samples[i], samples[j]))
    jac = np.array(values)
    rate = float(np.mean([candidate_probability(float(v), CHAR_BANDS, CHAR_ROWS) for v in jac]))
    return {
        "mean": float(jac.mean()),
        "p99": float(np.quantile(jac, 0.99)),
        "rate": rate,
        "samples": float(np.median([samples[i].size for i in usable])),
        "usable": len(usable) / len(samples),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED_DIR, help="the shared folder (holds data/)")
    parser.add_argument("--max-share", type=float, default=DEFAULT_MAX_SHARE, help="stop grams: in more than this share of articles")
    parser.add_argument("--output", type=Path, default=CHAR_STOP_FILE, help="where to write the sorted uint32 hashes")
    parser.add_argument("--dry-run", action="store_true", help="fit and measure, write nothing")
    args = parser.parse_args(argv)
    if not (args.shared / "data").is_dir():
        parser.error(f"{args.shared / 'data'} is absent")

    fitting = {
        "polnear dev publishers": list(polnear(args.shared, DEV_PUBLISHERS)),
        "meter-showbiz": list(meter(args.shared)),
        "gva-dev even incidents": list(gva(args.shared, 0)),
    }
    samples = {name: char_samples([t for _, t in docs], stop=NO_STOP) for name, docs in fitting.items()}
    stop = fit(samples, args.max_share)
    print(f"fitted on {', '.join(f'{name} ({len(d)})' for name, d in fitting.items())}: "
          f"{stop.size} stop grams (median share over the corpora > {args.max_share}), {stop.nbytes} bytes")
    for name, docs in samples.items():
        dropped = np.mean([np.isin(s, stop).mean() if s.size else 0.0 for s in docs])
        print(f"  {name}: {dropped:.1%} of an article's sampled grams are stop grams")

    measured = {
        "gva-dev odd incidents (not fitted)": list(gva(args.shared, 1)),
        "polnear test publishers (not fitted)": list(polnear(args.shared, TEST_PUBLISHERS)),
    }
    print(f"\nrandom pairs of different stories, {CHAR_BANDS} bands x {CHAR_ROWS} rows:")
    for name, docs in measured.items():
        stories, letters = [s for s, _ in docs], [t for _, t in docs]
        for label, used in (("no stop list", NO_STOP), ("stop list", stop)):
            m = chance(stories, letters, used)
            print(f"  {name:40} {label:13} Jaccard mean {m['mean']:.4f} p99 {m['p99']:.4f}  "
                  f"candidate rate {m['rate']:.2e}  median samples {m['samples']:.0f}  with signal {m['usable']:.1%}")
    if not args.dry_run:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        np.save(args.output, stop)
        print(f"\nwrote {args.output} ({args.output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
