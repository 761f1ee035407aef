"""Sentence alignment of two prepared articles (``compare.pair.compare`` conducts the whole comparison).

The steps of ``compare_articles(a, b)``:

1. Split both articles into sentences (boilerplate blocks never take part) and
   build each sentence's matching form (``compare.pair.matching``).
2. Score every sentence of A against every sentence of B in **one**
   ``rapidfuzz.process.cdist`` call with ``fuzz.token_sort_ratio``: on MSRP it
   is the best single rapidfuzz scorer (0.722 accuracy at its best threshold,
   against 0.709 for ``ratio``, 0.718 for ``token_set_ratio``, 0.717 for
   ``WRatio``). An IDF-weighted containment matrix adds how much of the
   shorter sentence's content the longer one holds, which token-sort misses
   when one outlet quotes a fragment of a longer sentence.
3. Choose a one-to-one alignment greedily: candidates in descending order of
   ``token_sort + containment / 2``; ties go to the pair whose relative
   positions in the two articles are closest, then to the lower A index, then
   the lower B index. A candidate is taken only when both sentences are still
   free and ``classify`` gives it a kind. Greedy matching is within a factor
   two of the optimal assignment and, unlike the Hungarian method, never pairs
   two weak candidates just to raise a total.
4. Many-to-one: a free sentence next to an aligned one joins that alignment
   when the two together match the partner better than the aligned one alone
   (an outlet split or merged a sentence).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from compare.pair.claims import (
    best_clause_match,
    claim_probability,
    explain,
    explain_texts,
    load_model,
)
from compare.pair.diff import word_diff
from compare.pair.matching import (
    MatchForm,
    figure_keys,
    match_form,
    stem,
)
from compare.pair.model import Alignment
from compare.pair.prepare import Prepared
from compare.text.lexicon import STOPWORDS
from compare.text.normalize import words

if TYPE_CHECKING:
    import numpy as np

#: Candidates below both of these are never considered (keeps ``classify`` calls few).
#: On MSRP no pair the paraphrase model accepts has a token-sort score under
#: 0.55, and between two 1,500-word articles 0.5 leaves ~350 of 4,000 pairs
#: to classify instead of ~2,300 at 0.4.
MIN_CANDIDATE_SCORE = 0.5
MIN_CANDIDATE_CONTAINMENT = 0.3


def score_matrix(a: Sequence[MatchForm], b: Sequence[MatchForm]) -> np.ndarray:
    """Token-sort similarity (0..1) of every A sentence against every B sentence: one cdist call."""
    import numpy as np
    from rapidfuzz import fuzz, process

    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    matrix = process.cdist(
        [f.key for f in a], [f.key for f in b], scorer=fuzz.token_sort_ratio, dtype=np.float32, workers=1
    )
    return matrix / 100.0


def containment_matrix(a: Sequence[MatchForm], b: Sequence[MatchForm]) -> np.ndarray:
    """Weighted share of the shorter sentence's content words found in the other, for every pair.

    Words are weighted by their inverse document frequency over the sentences of
    the two articles, so that "Russia" or "Ukraine", present in half the
    sentences of a story about them, count for little and a rarer shared word
    ("breakthrough", "OSCE") for much. Sentences with fewer than four content
    words ("Read more", a one-word caption) get no containment credit: they are
    contained in everything.

    Built from postings (for each word on both sides, the sentences holding it)
    rather than a matrix product: the matrices are tiny, and a BLAS call on a
    busy two-core machine spent 30 ms spinning up threads for a 1 ms job.
    """
    import math

    import numpy as np

    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    postings_a: dict[str, list[int]] = {}
    postings_b: dict[str, list[int]] = {}
    for row, form in enumerate(a):
        for word in form.content:
            postings_a.setdefault(word, []).append(row)
    for row, form in enumerate(b):
        for word in form.content:
            postings_b.setdefault(word, []).append(row)
    total = len(a) + len(b) + 1
    weight = {
        w: math.log(total / (len(postings_a.get(w, ())) + len(postings_b.get(w, ()))))
        for w in postings_a.keys() | postings_b.keys()
    }
    shared = np.zeros((len(a), len(b)), dtype=np.float64)
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for word in postings_a.keys() & postings_b.keys():
        rows_a, rows_b, w = postings_a[word], postings_b[word], weight[word]
        for row in rows_a:
            rows.extend([row] * len(rows_b))
            cols.extend(rows_b)
        values.extend([w] * (len(rows_a) * len(rows_b)))
    if rows:
        np.add.at(shared, (np.asarray(rows), np.asarray(cols)), np.asarray(values))
    mass_a = np.array([sum(weight[w] for w in f.content) for f in a])
    mass_b = np.array([sum(weight[w] for w in f.content) for f in b])
    counts_a = np.array([len(f.content) for f in a])
    counts_b = np.array([len(f.content) for f in b])
    smaller = np.minimum(mass_a[:, None], mass_b[None, :])
    enough = np.minimum(counts_a[:, None], counts_b[None, :]) >= 4
    return np.where(enough, shared / np.maximum(smaller, 1e-9), 0.0).astype(np.float32)


def containment(a: MatchForm, b: MatchForm) -> float:
    """Unweighted share of the shorter sentence's content words found in the other (0 below four words)."""
    small = min(len(a.content), len(b.content))
    return len(a.content & b.content) / small if small >= 4 else 0.0


# Words of attribution boilerplate ("reported, citing unnamed sources"): shared
# by many unrelated sentences, so they do not make a shared phrase.
_ATTRIBUTION_WORDS = frozenset(
    stem(w)
    for w in (
        "reported", "citing", "unnamed", "sources", "familiar", "according", "told", "added",
        "spokesman", "spokeswoman", "official", "officials", "statement", "news", "agency",
    )
)


def classify(
    a: MatchForm, b: MatchForm, *, contained: float | None = None, a_text: str = "", b_text: str = ""
) -> str | None:
    """The kind of a candidate pair, or None when the two do not make the same claim.

    * identical: the same text after normalization (spelling variants count as
      edits here, so "Kiev"/"Kyiv" is near-identical);
    * near-identical: word-level Levenshtein similarity >= 0.8 over matching
      forms and the same figures;
    * paraphrase: the claim matcher (``compare.pair.claims``: learned term
      weights, figures, names, negation, subject; fitted and cross-validated on
      MSRP and STS-B news) gives a probability at or above its threshold, for
      the two sentences or for a clause of each (``best_clause_match``: a
      quotation apart from its attribution, what was reported apart from "X
      said that", clauses cut at semicolons, dashes, ", which ...");
    * partial: half of the shorter sentence's content is in the longer one,
      both weighted (``contained``, from ``containment_matrix``) and
      unweighted, with four shared content words of which two are not names
      (a caption naming "Kremlin spokesman Dmitry Peskov" is no fragment of
      every Peskov sentence); or a long shared clause: eight shared content
      words and a weighted containment of 0.3; or a shared phrase of four
      content words (``_shares_phrase``). Attribution words ("reported",
      "citing unnamed sources") never count as shared content.
    """
    from rapidfuzz.distance import Levenshtein

    if a.words == b.words and a_text and b_text and _folded(a_text) == _folded(b_text):
        return "identical"
    keys_a, keys_b = figure_keys(a), figure_keys(b)
    if Levenshtein.normalized_similarity(a.words, b.words) >= 0.8 and keys_a == keys_b:
        return "near-identical"
    threshold = load_model().threshold
    # From the texts when given: cached, and ``_why`` asks again for the aligned pairs.
    probability = explain_texts(a_text, b_text).probability if a_text and b_text else claim_probability(a, b)
    if probability >= threshold:
        return "paraphrase"
    if a_text and b_text and best_clause_match(a_text, b_text)[0] >= threshold:
        return "paraphrase"  # one clause of each says the same: a quote without its attribution
    if contained is None:
        contained = containment(a, b)
    shared = a.content & b.content - _ATTRIBUTION_WORDS
    if contained >= 0.5 and containment(a, b) >= 0.5 and len(shared) >= 4 and len(shared - a.names - b.names) >= 2:
        return "partial"
    if contained >= 0.3 and len(shared) >= 8:
        return "partial"
    if _shares_phrase(a, b):
        return "partial"
    return None


def _shares_phrase(a: MatchForm, b: MatchForm, n: int = 4) -> bool:
    """Both sentences hold the same ``n`` content words in a row (function words
    skipped), two of them neither names nor attribution words: "banning Ukraine
    from ever joining NATO" and "opposed to Ukraine ever joining NATO" share
    "ukraine ever join nato"; "Kremlin spokesman Dmitry Peskov" is not enough."""
    seq_a = [w for w in a.stems if w not in STOPWORDS]
    seq_b = [w for w in b.stems if w not in STOPWORDS]
    grams_b = {tuple(seq_b[k : k + n]) for k in range(len(seq_b) - n + 1)}
    ignored = a.names | b.names | _ATTRIBUTION_WORDS
    for k in range(len(seq_a) - n + 1):
        gram = tuple(seq_a[k : k + n])
        if gram in grams_b and sum(1 for w in gram if w not in ignored) >= 2:
            return True
    return False


def _folded(text: str) -> str:
    return " ".join(words(text, variants={}))


def align(a: Prepared, b: Prepared, *, explain: bool = True) -> tuple[Alignment, ...]:
    """One-to-one plus many-to-one alignment of two prepared articles (see module docstring).

    ``explain=False`` leaves out each alignment's claim probability and reasons
    (``probability`` None, ``why`` empty): ``report`` shows neither, and they
    were a fifth of its alignment time.
    """
    import numpy as np

    n, m = len(a.forms), len(b.forms)
    if not n or not m:
        return ()
    scores = score_matrix(a.forms, b.forms)
    contained = containment_matrix(a.forms, b.forms)
    rank = scores + contained / 2
    candidate = (scores >= MIN_CANDIDATE_SCORE) | (contained >= MIN_CANDIDATE_CONTAINMENT)
    candidate &= np.array([a.is_claim(k) for k in range(n)])[:, None]  # headlines, captions,
    candidate &= np.array([b.is_claim(k) for k in range(m)])[None, :]  # credits: never aligned
    eligible = np.argwhere(candidate)
    offsets = np.abs(np.arange(n)[:, None] / max(n, 1) - np.arange(m)[None, :] / max(m, 1))
    order = sorted(
        ((float(-rank[i, j]), float(offsets[i, j]), int(i), int(j)) for i, j in eligible),
    )
    used_a: dict[int, int] = {}
    used_b: dict[int, int] = {}
    pairs: list[tuple[int, int, str]] = []
    for _, _, i, j in order:
        if i in used_a or j in used_b:
            continue
        kind = classify(
            a.forms[i],
            b.forms[j],
            contained=float(contained[i, j]),
            a_text=a.sentences[i].text,
            b_text=b.sentences[j].text,
        )
        if kind is None:
            continue
        used_a[i] = j
        used_b[j] = i
        pairs.append((i, j, kind))
    groups = [_extend(a, b, i, j, kind, used_a, used_b, explain) for i, j, kind in sorted(pairs)]
    return tuple(groups)


def _extend(
    a: Prepared, b: Prepared, i: int, j: int, kind: str, used_a: dict, used_b: dict, explain: bool = True
) -> Alignment:
    """Grow a one-to-one pair into many-to-one when a free neighbour completes it."""
    from rapidfuzz import fuzz

    base = fuzz.token_sort_ratio(a.forms[i].key, b.forms[j].key) / 100.0
    a_idx: tuple[int, ...] = (i,)
    b_idx: tuple[int, ...] = (j,)
    grown = _grow(a, i, b.forms[j], base, used_a)
    if grown is not None:
        a_idx, base = grown
    else:
        grown = _grow(b, j, a.forms[i], base, used_b)
        if grown is not None:
            b_idx, base = grown
    a_text = " ".join(a.sentences[k].text for k in a_idx)
    b_text = " ".join(b.sentences[k].text for k in b_idx)
    if len(a_idx) > 1 or len(b_idx) > 1:
        kind = classify(match_form(a_text), match_form(b_text), a_text=a_text, b_text=b_text) or kind
    if not explain:
        return Alignment(a_idx, b_idx, round(base, 4), kind, word_diff(a_text, b_text))
    probability, why = _why(a_text, b_text)
    return Alignment(a_idx, b_idx, round(base, 4), kind, word_diff(a_text, b_text), round(probability, 4), why)


def _why(a_text: str, b_text: str) -> tuple[float, tuple[str, ...]]:
    """The claim matcher's probability for two aligned texts (sentences or their best clauses)
    and its reasons, strongest first."""
    whole = explain_texts(a_text, b_text)
    chosen = whole
    prefix: tuple[str, ...] = ()
    clause_p, clause_a, clause_b = (0.0, None, None) if whole.same_claim else best_clause_match(a_text, b_text)
    if clause_a is not None and clause_b is not None and clause_p > whole.probability:
        chosen = explain(clause_a, clause_b)
        prefix = ("matched on a clause of each sentence",)
    reasons = tuple(f"{r.text} {r.value:.2f} ({r.contribution:+.1f})" for r in chosen.reasons[:3])
    shared = (f"shared: {', '.join(chosen.shared_words)}",) if chosen.shared_words else ()
    return chosen.probability, prefix + reasons + shared


def _grow(
    prepared: Prepared, own: int, partner: MatchForm, base: float, used: dict
) -> tuple[tuple[int, ...], float] | None:
    """A free neighbour of sentence ``own`` (same paragraph) that, joined to it,
    matches ``partner`` clearly better (+0.1) and is itself half contained in it."""
    from rapidfuzz import fuzz

    for neighbour in (own - 1, own + 1):
        if not 0 <= neighbour < len(prepared.forms) or neighbour in used or not prepared.is_claim(neighbour):
            continue
        if prepared.sentences[neighbour].block != prepared.sentences[own].block:
            continue
        together = tuple(sorted((own, neighbour)))
        key = " ".join(prepared.forms[k].key for k in together)
        joined = fuzz.token_sort_ratio(key, partner.key) / 100.0
        if joined >= base + 0.1 and containment(prepared.forms[neighbour], partner) >= 0.5:
            used[neighbour] = -1
            return together, joined
    return None


