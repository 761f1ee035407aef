"""Story grouping on the development sets, against a TF-IDF baseline measured in the same run.

Run (from the repository root; data from $ARTICLE_COMPARE_SHARED, else ``../shared`` beside the repository; needs the ``evaluation`` extra)::

    python -m evaluation.story_grouping            # both sets
    python -m evaluation.story_grouping gva-dev    # one set
    python -m evaluation.story_grouping --fit      # refit compare/story_model.json (pooled)

For each set it prints pairwise precision, recall and F1 of "same story" and
the adjusted Rand index of

- **the tool**: ``compare.report.build.story_clusters`` with the shipped defaults
  (the story clusters ``report`` shows);
- **the tool, leave-one-corpus-out**: the same, with the logistic story model
  fitted on the *other* set only (what the tool would do on news it was never
  fitted on);
- **the baseline** of issue 9: scikit-learn ``TfidfVectorizer(sublinear_tf=True)``
  over the raw text, cosine, average linkage, its threshold the one that gives
  the best F1 on the other set.

Sets: ``meter-showbiz`` (287 texts, gold stories = folders, folders that share
wire copy merged as ``evaluation.meter_stories`` explains) and
``gva-dev`` (the ``usable`` pages; gold = incident).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from compare.article import Article
from evaluation import SHARED_DIR

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = SHARED_DIR / "data"
SETS = ("meter-showbiz", "gva-dev")
#: Training pairs of one gold story further apart than this are not "same story" (see training_pairs).
SAME_STORY_DAYS = 14


@dataclass(frozen=True, slots=True)
class LabelledSet:
    name: str
    articles: tuple[Article, ...]
    gold: tuple[str, ...]


def _site(url: str) -> str | None:
    """The outlet's host of a page URL (a web.archive.org capture names the original)."""
    if not url:
        return None
    parts = urlsplit(url)
    host, path = parts.netloc, parts.path
    if host.endswith("archive.org") and "/http" in path:
        inner = path[path.index("/http") + 1 :]
        host = urlsplit(inner).netloc
    host = host.split(":")[0].lower()
    return host[4:] if host.startswith("www.") else host or None


def load_set(name: str, data: Path = DEFAULT_DATA) -> LabelledSet:
    """One development set as articles (with source and date) and gold story labels."""
    if name == "meter-showbiz":
        from evaluation.meter_stories import gold_labels, load_meter

        texts = load_meter(data / "meter-showbiz")
        gold, _ = gold_labels(texts)
        return LabelledSet(name, tuple(t.article for t in texts), tuple(gold))
    if name == "gva-dev":
        articles, gold = [], []
        with (data / "gva-dev" / "pages.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                if not row.get("usable"):
                    continue
                articles.append(
                    Article(
                        id=row["doc_id"],
                        text=row["text"],
                        title=row.get("title") or None,
                        source=_site(row.get("url") or ""),
                        published=row.get("date") or None,
                    )
                )
                gold.append(str(row["incident"]))
        return LabelledSet(name, tuple(articles), tuple(gold))
    raise ValueError(f"unknown set {name!r}; choose from {', '.join(SETS)}")


# ---------------------------------------------------------------- scores


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    ari: float

    def line(self) -> str:
        return f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  ARI {self.ari:.3f}"


def score(predicted: Sequence[object], gold: Sequence[object]) -> Scores:
    """Pairwise P/R/F1 of "same story" and the adjusted Rand index."""
    from evaluation.meter_stories import adjusted_rand_index, pair_scores

    _, labels = np.unique(np.asarray([str(x) for x in predicted]), return_inverse=True)
    pairs = pair_scores(labels.tolist(), [str(x) for x in gold])
    p, r = pairs.precision, pairs.recall
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Scores(p, r, f1, adjusted_rand_index(predicted, gold))


# ---------------------------------------------------------------- baseline


def baseline_similarity(articles: Sequence[Article]) -> np.ndarray:
    """Cosine of ``TfidfVectorizer(sublinear_tf=True)`` vectors of the raw texts."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(sublinear_tf=True).fit_transform([a.text for a in articles])
    return (vectors @ vectors.T).toarray()


def baseline_clusters(similarity: np.ndarray, threshold: float) -> np.ndarray:
    """Average linkage over cosine distance, cut at ``1 - threshold``."""
    from sklearn.cluster import AgglomerativeClustering

    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - threshold
    )
    return model.fit_predict(distance)


BASELINE_THRESHOLDS = tuple(round(x, 3) for x in np.arange(0.05, 0.951, 0.025))


def best_baseline_threshold(similarity: np.ndarray, gold: Sequence[str]) -> tuple[float, float]:
    """The threshold with the best pairwise F1 on this set, and that F1."""
    best = (0.0, -1.0)
    for threshold in BASELINE_THRESHOLDS:
        f1 = score(baseline_clusters(similarity, threshold), gold).f1
        if f1 > best[1]:
            best = (threshold, f1)
    return best


# ---------------------------------------------------------------- the tool


def tool_clusters(articles: Sequence[Article], model: object | None = None) -> list[int]:
    """Story number of each article as ``report`` groups them."""
    from compare.report.build import story_clusters
    from compare.report.stories import StorySettings

    grouped = story_clusters(articles, settings=StorySettings(model=model))  # type: ignore[arg-type]
    label = {}
    for number, cluster in enumerate(grouped.clusters):
        for position in cluster:
            label[position] = number
    return [label[i] for i in range(len(articles))]


def training_pairs(labelled: LabelledSet) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows of the candidate pairs ``report`` scores, and their gold labels.

    Each pair appears twice: as it is, and with its dates withheld (``days_apart``
    0, ``no_dates`` 1), so that the model also knows what a pair without dates is
    worth (both development sets carry dates; much news in the wild does not).
    """
    from compare.pair.story_score import FEATURES
    from compare.report.build import story_clusters

    links = story_clusters(labelled.articles).links
    a = np.array([link.a for link in links], dtype=np.int64)
    b = np.array([link.b for link in links], dtype=np.int64)
    features = np.array([link.features for link in links], dtype=float).reshape(len(links), len(FEATURES))
    gold = np.asarray(labelled.gold)
    # "Same story" is one event or development within days (issue 9): an incident's
    # follow-up months later (the trial, the sentence) is related coverage, not the same story.
    gap = np.expm1(features[:, FEATURES.index("days_apart")])
    labels = ((gold[a] == gold[b]) & (gap <= SAME_STORY_DAYS)).astype(int)
    undated = features.copy()
    undated[:, FEATURES.index("days_apart")] = 0.0
    undated[:, FEATURES.index("no_dates")] = 1.0
    return np.vstack([features, undated]), np.concatenate([labels, labels])


def fit_model(sets: Sequence[LabelledSet], name: str) -> object:
    """Logistic regression over the candidate pairs of ``sets``.

    Weights: each set counts the same, and inside a set the same-story and the
    other pairs count the same (a balanced prior), so the probability does not
    carry one corpus's share of same-story candidates to another.
    """
    from sklearn.linear_model import LogisticRegression

    from compare.pair.story_score import StoryModel

    rows, labels, weights = [], [], []
    for labelled in sets:
        x, y = training_pairs(labelled)
        positives = max(1, int(y.sum()))
        negatives = max(1, len(y) - positives)
        rows.append(x)
        labels.append(y)
        weights.append(np.where(y == 1, 0.5 / positives, 0.5 / negatives))
    x, y, w = np.vstack(rows), np.concatenate(labels), np.concatenate(weights)
    fitted = LogisticRegression(C=1.0, max_iter=5000).fit(x, y, sample_weight=w * len(y) / len(sets))
    return StoryModel(float(fitted.intercept_[0]), tuple(float(c) for c in fitted.coef_[0]), fitted_on=name)


@dataclass(frozen=True, slots=True)
class SetResult:
    """One set's figures: the tool with the defaults, fitted on the other set only, and the baseline."""

    name: str
    articles: int
    gold_stories: int
    defaults: Scores
    held_out: Scores
    baseline: Scores
    baseline_threshold: float
    seconds: float


def evaluate_all(data: Path = DEFAULT_DATA, names: Sequence[str] = SETS) -> dict[str, SetResult]:
    """Score every set in ``names`` (the baseline and the held-out fit use the other set)."""
    loaded = {name: load_set(name, data) for name in SETS}
    similarities = {name: baseline_similarity(s.articles) for name, s in loaded.items()}
    results = {}
    for name in names:
        labelled = loaded[name]
        others = [s for other, s in loaded.items() if other != name]
        started = time.perf_counter()
        defaults = score(tool_clusters(labelled.articles), labelled.gold)
        seconds = time.perf_counter() - started
        held_out = score(tool_clusters(labelled.articles, fit_model(others, "leave-one-corpus-out")), labelled.gold)
        threshold, _ = best_baseline_threshold(similarities[others[0].name], others[0].gold)
        baseline = score(baseline_clusters(similarities[name], threshold), labelled.gold)
        results[name] = SetResult(name, len(labelled.articles), len(set(labelled.gold)), defaults, held_out, baseline, threshold, seconds)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.story_grouping", description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="*", default=list(SETS), help=f"sets to score ({', '.join(SETS)})")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--fit", action="store_true", help="refit the shipped story model on all sets first")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"development data not found at {args.data}; nothing to evaluate.")
        return 0
    import os

    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.fit:
        from compare.pair.story_score import MODEL_PATH

        model = fit_model([load_set(name, args.data) for name in SETS], "pooled: " + " + ".join(SETS))
        MODEL_PATH.write_text(json.dumps(model.to_dict(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH.relative_to(REPO)}: {json.dumps(model.to_dict()['coefficients'])}")
        from compare.pair.story_score import default_model

        default_model.cache_clear()
    for name, result in evaluate_all(args.data, args.sets).items():
        print(f"\n{name}: {result.articles} articles, {result.gold_stories} gold stories")
        print(f"  tool (defaults):             {result.defaults.line()}   ({result.seconds:.1f} s)")
        print(f"  tool (fitted on other set):  {result.held_out.line()}")
        print(f"  TF-IDF baseline (t={result.baseline_threshold:.3f}): {result.baseline.line()}")
        print(
            f"  F1 margin over the baseline: defaults {result.defaults.f1 - result.baseline.f1:+.3f}, "
            f"leave-one-corpus-out {result.held_out.f1 - result.baseline.f1:+.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
