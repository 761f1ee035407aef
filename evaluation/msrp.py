"""Sentence matching measured on the Microsoft Research Paraphrase Corpus (train split).

Each sentence pair becomes two one-sentence articles compared with
``compare_articles``; the pair counts as "same claim" when they are aligned as
identical, near-identical or paraphrase. Prints accuracy, precision, recall
and F1 against the corpus labels::

    python -m evaluation.msrp [PATH] [--fit]

``--fit`` refits the paraphrase weights of ``compare.pair.matching`` (logistic
regression with numpy, features standardised, weights unstandardised for
printing) and prints them, with 5-fold cross-validated accuracy so that the
in-sample figure is not mistaken for a held-out one.
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


def fit(path: Path = DEFAULT_PATH, *, iterations: int = 4000, folds: int = 5) -> tuple[list[float], float, float]:
    """Logistic-regression weights for ``compare.pair.matching.pair_features``.

    Returns (weights, bias, cross-validated accuracy).
    """
    import numpy as np

    from compare.pair.matching import match_form, pair_features

    rows = read_pairs(path)
    x = np.array([pair_features(match_form(s1), match_form(s2)) for _, s1, s2 in rows])
    y = np.array([label for label, _, _ in rows], dtype=float)

    def train(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, float]:
        mean, std = xs.mean(0), xs.std(0) + 1e-9
        z = (xs - mean) / std
        w, b = np.zeros(xs.shape[1]), 0.0
        for _ in range(iterations):
            p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
            w -= 0.5 * z.T @ (p - ys) / len(ys)
            b -= 0.5 * float((p - ys).mean())
        return w / std, b - float((w * mean / std).sum())

    order = np.random.default_rng(0).permutation(len(y))
    correct = 0
    for k in range(folds):
        held = order[k::folds]
        kept = np.setdiff1d(order, held)
        w, b = train(x[kept], y[kept])
        correct += int((((x[held] @ w + b) > 0) == (y[held] > 0)).sum())
    w, b = train(x, y)
    return [float(v) for v in w], b, correct / len(y)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--fit", action="store_true", help="refit and print the paraphrase weights")
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"MSRP data not found at {args.path}; nothing to evaluate.")
        return 0
    if args.fit:
        from compare.pair.matching import FEATURE_NAMES

        weights, bias, cv = fit(args.path)
        print(f"5-fold cross-validated accuracy: {cv:.4f}")
        print("PARAPHRASE_WEIGHTS = (")
        for name, weight in zip(FEATURE_NAMES, weights, strict=True):
            print(f"    {weight:.4f},  # {name}")
        print(")")
        print(f"PARAPHRASE_BIAS = {bias:.4f}")
        return 0
    scores = evaluate(args.path)
    print(f"MSRP pairs: {scores.pairs} ({args.path.name})")
    print(f"majority class: {scores.majority:.4f}")
    print(f"accuracy:  {scores.accuracy:.4f}")
    print(f"precision: {scores.precision:.4f}")
    print(f"recall:    {scores.recall:.4f}")
    print(f"F1:        {scores.f1:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
