"""Sentence matching measured on the Microsoft Research Paraphrase Corpus (train split).

Each sentence pair becomes two one-sentence articles compared with
``compare_articles``; the pair counts as "same claim" when they are aligned as
identical, near-identical or paraphrase. Prints accuracy, precision, recall
and F1 against the corpus labels::

    python -m evaluation.msrp [PATH]

The claim matcher was fitted on these pairs (with STS-B news), so this figure
is in-sample: it checks that ``pair`` decides as the matcher does. The quality
figures are the cross-validated ones of ``python -m evaluation.claims``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from evaluation import SHARED_DIR

DEFAULT_PATH = SHARED_DIR / "data" / "msrp" / "msr_paraphrase_train.txt"
SAME_CLAIM_KINDS = frozenset({"identical", "near-identical", "paraphrase"})


@dataclass(frozen=True, slots=True)
class Scores:
    pairs: int
    accuracy: float
    precision: float
    recall: float
    f1: float
    majority: float


def read_pairs(path: Path = DEFAULT_PATH) -> list[tuple[int, str, str]]:
    """(label, sentence 1, sentence 2) rows of an MSRP file."""
    rows = []
    with path.open(encoding="utf-8-sig") as stream:
        next(stream)  # header
        for line in stream:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5:
                rows.append((int(parts[0]), parts[3], parts[4]))
    return rows


def score(labels: list[int], predicted: list[bool]) -> Scores:
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if y and not p)
    correct = sum(1 for y, p in zip(labels, predicted, strict=True) if bool(y) == p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    positives = sum(labels) / len(labels)
    return Scores(len(labels), correct / len(labels), precision, recall, f1, max(positives, 1 - positives))


def same_claim(first: str, second: str) -> bool:
    """What ``pair`` says about two one-sentence articles."""
    from compare.pair.compare import compare_articles

    comparison = compare_articles(first, second, analyse=False)
    return any(a.kind in SAME_CLAIM_KINDS for a in comparison.alignments)


def evaluate(path: Path = DEFAULT_PATH) -> Scores:
    """Accuracy, precision, recall and F1 of ``pair`` on an MSRP file."""
    rows = read_pairs(path)
    return score([label for label, _, _ in rows], [same_claim(s1, s2) for _, s1, s2 in rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"MSRP data not found at {args.path}; nothing to evaluate.")
        return 0
    scores = evaluate(args.path)
    print(f"MSRP pairs: {scores.pairs} ({args.path.name}); in-sample, see evaluation.claims for held-out figures")
    print(f"majority class: {scores.majority:.4f}")
    print(f"accuracy:  {scores.accuracy:.4f}")
    print(f"precision: {scores.precision:.4f}")
    print(f"recall:    {scores.recall:.4f}")
    print(f"F1:        {scores.f1:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
