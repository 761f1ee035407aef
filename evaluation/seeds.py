"""``pair`` measured against the hand-written gold for the five seed articles.

The gold (``tests/gold/seeds.json``) was written by reading the seeds: the
direct quotes of each article and who said them, the claims each pair of
articles shares (and the merely related ones an aligner may fairly match), the
quotes both sides carry, the figures that conflict, and sentence boundaries
that news text makes hard. Prints precision and recall for each, plus the
splitter comparison with pysbd::

    python -m evaluation.seeds [--splitters] [--misses]

``--misses`` says, for every gold shared claim the tool does not align, where
each of its sentence pairs stops on the way through ``pair``: not a claim
sentence, never a candidate (token-sort and containment below the gates), or
a candidate that the claim matcher (whole sentences and best clauses) and the
"partial" rules turn down, with the figures that decided.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from evaluation import REPO_DIR

GOLD_PATH = REPO_DIR / "tests" / "gold" / "seeds.json"
SEEDS_DIR = REPO_DIR / "fixtures" / "seeds"
#: Speakers whose quotes must all be found and attributed (issue 3).
REQUIRED_SPEAKERS = ("peskov", "zakharova", "ryabkov", "lavrov")


@dataclass(frozen=True, slots=True)
class PR:
    """Precision and recall with the counts behind them."""

    hits_predicted: int
    predicted: int
    hits_gold: int
    gold: int

    @property
    def precision(self) -> float:
        return self.hits_predicted / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.hits_gold / self.gold if self.gold else 1.0

    def line(self, name: str) -> str:
        return (
            f"{name:<22} precision {self.precision:.3f} ({self.hits_predicted}/{self.predicted})"
            f"  recall {self.recall:.3f} ({self.hits_gold}/{self.gold})"
        )


@dataclass(frozen=True, slots=True)
class SeedScores:
    quotes: PR
    attribution: float
    attribution_counts: tuple[int, int]
    claims: PR
    shared_quotes: PR
    conflicts: PR
    required_failures: tuple[str, ...] = field(default=())


def _speaker_key(name: str | None) -> str | None:
    from compare.text.lexicon import speaker_key

    return speaker_key(name)


def load_gold(path: Path = GOLD_PATH) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def evaluate(gold_path: Path = GOLD_PATH, seeds_dir: Path = SEEDS_DIR) -> SeedScores:
    """Score quotes, attribution, shared claims, shared quotes and figure conflicts."""
    from compare.load.articles import load_article
    from compare.pair.compare import compare_articles
    from compare.pair.quotes import extract_quotes

    gold = load_gold(gold_path)
    articles = {key: load_article(seeds_dir / entry["file"]) for key, entry in gold["articles"].items()}

    q_pred = q_pred_hit = q_gold = q_gold_hit = 0
    attributed = attributed_ok = 0
    failures: list[str] = []
    for key, entry in gold["articles"].items():
        article = articles[key]
        predicted = extract_quotes(article)
        used: set[int] = set()
        for item in entry["quotes"]:
            q_gold += 1
            start = article.text.index(item["text"])
            end = start + len(item["text"])
            hit = next((k for k, q in enumerate(predicted) if k not in used and q.start < end and start < q.end), None)
            speaker = item["speaker"]
            must = _speaker_key(speaker) in REQUIRED_SPEAKERS
            if hit is None:
                if must:
                    failures.append(f"{key}: not found: {item['text']!r} ({speaker})")
                continue
            used.add(hit)
            q_gold_hit += 1
            if speaker is not None:
                attributed += 1
                ok = _speaker_key(predicted[hit].speaker) == _speaker_key(speaker)
                attributed_ok += ok
                if must and not ok:
                    failures.append(f"{key}: {item['text']!r} attributed to {predicted[hit].speaker}, not {speaker}")
        q_pred += len(predicted)
        q_pred_hit += sum(
            1
            for q in predicted
            if any(_overlaps(article.text, item["text"], q.start, q.end) for item in entry["quotes"])
        )

    c_pred = c_pred_hit = c_gold = c_gold_hit = 0
    s_pred = s_pred_hit = s_gold = s_gold_hit = 0
    f_pred = f_pred_hit = f_gold = f_gold_hit = 0
    for first, second in combinations(sorted(articles), 2):
        entry = gold["pairs"][f"{first}-{second}"]
        comparison = compare_articles(articles[first], articles[second])
        texts = [
            (
                " ".join(comparison.a_sentences[i].text for i in x.a_indices),
                " ".join(comparison.b_sentences[j].text for j in x.b_indices),
            )
            for x in comparison.alignments
        ]

        def hits(claim: dict, a_text: str, b_text: str) -> bool:
            return any(s in a_text for s in claim["a"]) and any(s in b_text for s in claim["b"])

        claims = entry["shared_claims"] + entry["related_claims"]
        c_pred += len(texts)
        c_pred_hit += sum(1 for a_text, b_text in texts if any(hits(c, a_text, b_text) for c in claims))
        c_gold += len(entry["shared_claims"])
        c_gold_hit += sum(1 for c in entry["shared_claims"] if any(hits(c, a, b) for a, b in texts))

        shared = [m for m in comparison.quotes if m.a and m.b]
        s_pred += len(shared)
        s_gold += len(entry["shared_quotes"])

        def quote_hits(g: dict, m) -> bool:
            return (g["a"] in m.a.text or m.a.text in g["a"]) and (g["b"] in m.b.text or m.b.text in g["b"])

        s_pred_hit += sum(1 for m in shared if any(quote_hits(g, m) for g in entry["shared_quotes"]))
        s_gold_hit += sum(1 for g in entry["shared_quotes"] if any(quote_hits(g, m) for m in shared))

        conflicts = [d for d in comparison.divergences if d.kind == "conflicting figures"]
        acceptable = entry.get("acceptable_conflicts", [])

        def figure_hits(g: dict, detail: str) -> bool:
            return g["a"] in detail and g["b"] in detail

        counted = [d for d in conflicts if not any(figure_hits(g, d.detail) for g in acceptable)]
        f_pred += len(counted)
        f_pred_hit += sum(1 for d in counted if any(figure_hits(g, d.detail) for g in entry["conflicting_figures"]))
        f_gold += len(entry["conflicting_figures"])
        f_gold_hit += sum(1 for g in entry["conflicting_figures"] if any(figure_hits(g, d.detail) for d in conflicts))

    return SeedScores(
        quotes=PR(q_pred_hit, q_pred, q_gold_hit, q_gold),
        attribution=attributed_ok / attributed if attributed else 1.0,
        attribution_counts=(attributed_ok, attributed),
        claims=PR(c_pred_hit, c_pred, c_gold_hit, c_gold),
        shared_quotes=PR(s_pred_hit, s_pred, s_gold_hit, s_gold),
        conflicts=PR(f_pred_hit, f_pred, f_gold_hit, f_gold),
        required_failures=tuple(failures),
    )


def _overlaps(text: str, gold_text: str, start: int, end: int) -> bool:
    at = text.find(gold_text)
    return at >= 0 and start < at + len(gold_text) and at < end


@dataclass(frozen=True, slots=True)
class SentencePairTrace:
    """One sentence pair of a missed gold claim, as ``pair`` saw it."""

    pair: str
    about: str
    a_text: str
    b_text: str
    claims: tuple[bool, bool]
    token_sort: float
    containment: float
    candidate: bool
    probability: float
    clause_probability: float
    threshold: float
    kind: str | None
    aligned_elsewhere: tuple[bool, bool]
    gates: tuple[float, float]  # the candidate gates: token-sort, weighted containment
    best_clauses: tuple[str, str] | None = None  # matching keys of the best clause pair

    def lines(self) -> list[str]:
        if not all(self.claims):
            stop = "a sentence is not a claim (headline, caption, credit ...)"
        elif not self.candidate:
            stop = "never a candidate: token-sort and containment below the gates"
        elif self.kind is None:
            stop = "a candidate, turned down by the matcher and the partial rules"
        else:
            stop = f"classified {self.kind}, but a sentence was aligned to another first"
        used = [side for side, taken in zip("AB", self.aligned_elsewhere, strict=True) if taken]
        return [
            f"{self.pair}: {self.about}",
            f"  A: {self.a_text}",
            f"  B: {self.b_text}",
            f"  token-sort {self.token_sort:.3f} (gate {self.gates[0]}), weighted containment {self.containment:.3f}"
            f" (gate {self.gates[1]}); matcher {self.probability:.3f}, best clauses {self.clause_probability:.3f}"
            f" (threshold {self.threshold:.3f}); aligned elsewhere: {', '.join(used) or 'neither'}",
            *([f"  best clauses: {self.best_clauses[0]!r} / {self.best_clauses[1]!r}"] if self.best_clauses else []),
            f"  -> {stop}",
        ]


def trace_misses(gold_path: Path = GOLD_PATH, seeds_dir: Path = SEEDS_DIR) -> list[SentencePairTrace]:
    """Every sentence pair of every gold shared claim that no alignment hits, traced (``--misses``)."""
    from compare.load.articles import load_article
    from compare.pair import align as align_module
    from compare.pair.claims import best_clause_match, explain_texts, load_model
    from compare.pair.compare import compare_articles
    from compare.pair.prepare import prepare

    gold = load_gold(gold_path)
    articles = {key: load_article(seeds_dir / entry["file"]) for key, entry in gold["articles"].items()}
    threshold = load_model().threshold
    gates = (align_module.MIN_CANDIDATE_SCORE, align_module.MIN_CANDIDATE_CONTAINMENT)
    traces = []
    for first, second in combinations(sorted(articles), 2):
        entry = gold["pairs"][f"{first}-{second}"]
        comparison = compare_articles(articles[first], articles[second])
        aligned = [(set(x.a_indices), set(x.b_indices)) for x in comparison.alignments]
        pa, pb = prepare(articles[first]), prepare(articles[second])
        rows = align_module._Containment(pa.forms, pb.forms)
        for claim in entry["shared_claims"]:
            sentences_a = [i for i, x in enumerate(pa.sentences) if any(t in x.text for t in claim["a"])]
            sentences_b = [j for j, x in enumerate(pb.sentences) if any(t in x.text for t in claim["b"])]
            if any(i in ia and j in jb for ia, jb in aligned for i in sentences_a for j in sentences_b):
                continue
            for i in sentences_a:
                contained_row = rows.rows(i, i + 1)[0]
                for j in sentences_b:
                    a_text, b_text = pa.sentences[i].text, pb.sentences[j].text
                    clause_p, clause_a, clause_b = best_clause_match(a_text, b_text)
                    score = float(align_module.score_matrix([pa.forms[i]], [pb.forms[j]])[0, 0])
                    contained = float(contained_row[j])
                    kind = align_module.classify(
                        pa.forms[i], pb.forms[j], contained=contained, a_text=a_text, b_text=b_text, weights=rows.weight
                    )
                    traces.append(
                        SentencePairTrace(
                            pair=f"{first}-{second}",
                            about=claim.get("about", ""),
                            a_text=a_text,
                            b_text=b_text,
                            claims=(pa.is_claim(i), pb.is_claim(j)),
                            token_sort=score,
                            containment=contained,
                            candidate=score >= gates[0] or contained >= gates[1],
                            probability=explain_texts(a_text, b_text).probability,
                            clause_probability=clause_p,
                            threshold=threshold,
                            kind=kind,
                            aligned_elsewhere=(any(i in ia for ia, _ in aligned), any(j in jb for _, jb in aligned)),
                            gates=gates,
                            best_clauses=(clause_a.key, clause_b.key) if clause_a and clause_b else None,
                        )
                    )
    return traces


@dataclass(frozen=True, slots=True)
class SplitterScore:
    name: str
    correct: int
    checks: int
    sentences: int
    milliseconds: float
    errors: tuple[str, ...]


def _boundary_correct(text: str, starts: set[int], check: dict) -> bool:
    at = text.index(check["context"]) + check["context"].index(check["after"]) + len(check["after"])
    while at < len(text) and text[at].isspace():
        at += 1
    return (at in starts) == check["boundary"]


def evaluate_splitters(gold_path: Path = GOLD_PATH, seeds_dir: Path = SEEDS_DIR, *, repeats: int = 5) -> list[SplitterScore]:
    """Boundary checks of the gold for our splitter and (when installed) pysbd, with timing."""
    from compare.load.articles import load_article
    from compare.text.chrome import strip_boilerplate
    from compare.text.sentences import split_sentences

    gold = load_gold(gold_path)
    files = sorted({c["file"] for c in gold["sentence_boundaries"]} | {e["file"] for e in gold["articles"].values()})
    articles = {name: load_article(seeds_dir / name) for name in files}

    def ours(article) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in split_sentences(article)]

    splitters = [("compare.text.sentences", ours)]
    try:
        import pysbd
    except ImportError:  # pragma: no cover - pysbd is optional, only for this comparison
        pysbd = None
    if pysbd is not None:
        segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)

        def with_pysbd(article) -> list[tuple[int, int]]:
            spans = []
            for block in strip_boilerplate(article.text, source=article.source).blocks:
                for span in segmenter.segment(block.text):
                    start = block.start + span.start
                    end = block.start + span.end
                    while start < end and article.text[start].isspace():
                        start += 1
                    spans.append((start, end))
            return spans

        splitters.append(("pysbd 0.3 (per block)", with_pysbd))
    scores = []
    for name, split in splitters:
        started = time.perf_counter()
        for _ in range(repeats):
            spans = {f: split(a) for f, a in articles.items()}
        elapsed = (time.perf_counter() - started) / repeats * 1000
        errors = []
        correct = 0
        for check in gold["sentence_boundaries"]:
            text = articles[check["file"]].text
            if _boundary_correct(text, {s for s, _ in spans[check["file"]]}, check):
                correct += 1
            else:
                errors.append(f"{check['file'][:3]}: {'missed' if check['boundary'] else 'wrong'} boundary after {check['after']!r}")
        total = sum(len(v) for v in spans.values())
        scores.append(SplitterScore(name, correct, len(gold["sentence_boundaries"]), total, elapsed, tuple(errors)))
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--splitters", action="store_true", help="also compare sentence splitters")
    parser.add_argument("--misses", action="store_true", help="trace the gold shared claims that are not aligned")
    args = parser.parse_args(argv)
    scores = evaluate()
    print(scores.quotes.line("quotes found"))
    ok, total = scores.attribution_counts
    print(f"{'speaker attribution':<22} accuracy  {scores.attribution:.3f} ({ok}/{total} found quotes with a known speaker)")
    print(scores.claims.line("shared claims"))
    print(scores.shared_quotes.line("shared quotes"))
    print(scores.conflicts.line("conflicting figures"))
    if scores.required_failures:
        print("required speakers (Peskov, Zakharova, Ryabkov, Lavrov): FAILED")
        for failure in scores.required_failures:
            print("  " + failure)
    else:
        print("required speakers (Peskov, Zakharova, Ryabkov, Lavrov): all quotes found and attributed")
    if args.misses:
        print()
        for trace in trace_misses():
            print("\n".join(trace.lines()))
    if args.splitters:
        print()
        for s in evaluate_splitters():
            print(f"{s.name:<24} boundaries {s.correct}/{s.checks}  sentences {s.sentences}  {s.milliseconds:.1f} ms for the 5 seeds")
            for error in s.errors:
                print("    " + error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
