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

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from compare.pair.claims import (
    best_clause_match,
    claim_probability,
    content_sets,
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
#: A sentence is given up after this many of its candidates were classified
#: as no match: ``classify`` is the costly step, and two long articles made of
#: similar sentences would otherwise classify every pair (minutes for a pair of
#: 60 KB texts). On real pairs a match comes within its sentence's first few
#: rejections (``evaluation/alignment_budget.py``).
MAX_REJECTIONS = 12
#: Candidates kept per A sentence, best first: bounds memory on long articles.
MAX_CANDIDATES_PER_SENTENCE = 64
#: A's sentences scored against all of B at once (memory: ROW_BLOCK x len(B) floats).
ROW_BLOCK = 512


def score_matrix(a: Sequence[MatchForm], b: Sequence[MatchForm]) -> np.ndarray:
    """Token-sort similarity (0..1) of every A sentence against every B sentence: one cdist call.

    ``fuzz.token_sort_ratio`` is ``fuzz.ratio`` of the two texts with their words sorted;
    inside ``cdist`` it sorts the words of B's sentence again for every pair (three quarters
    of the call on two 1,500-word articles). Each key is sorted once here instead, and
    ``cdist`` runs ``ratio``: the same scores to the last bit (keys are single-spaced words).
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    matrix = process.cdist(
        [token_sorted(f.key) for f in a], [token_sorted(f.key) for f in b], scorer=fuzz.ratio, dtype=np.float32, workers=1
    )
    return matrix / 100.0


@lru_cache(maxsize=16384)
def token_sorted(key: str) -> str:
    """The words of a matching key in sorted order, as ``fuzz.token_sort_ratio`` compares them."""
    return " ".join(sorted(key.split()))


def containment_matrix(a: Sequence[MatchForm], b: Sequence[MatchForm]) -> np.ndarray:
    """Weighted share of the shorter sentence's content words found in the other, for every pair.

    Words are weighted by their inverse document frequency over the sentences of
    the two articles, so that "Russia" or "Ukraine", present in half the
    sentences of a story about them, count for little and a rarer shared word
    ("breakthrough", "OSCE") for much. Sentences with fewer than four content
    words ("Read more", a one-word caption) get no containment credit: they are
    contained in everything. ``_Containment`` computes it a block of rows at a time.
    """
    return _Containment(a, b).rows(0, len(a))


class _Containment:
    """``containment_matrix`` by blocks of A's rows, so that two long articles never hold
    more than a block of the matrix at once.

    Built from postings (for each word on both sides, the sentences holding it)
    rather than a matrix product: the matrices of two articles are small, and a
    BLAS call on a busy two-core machine spent 30 ms spinning up threads for a
    1 ms job.
    """

    def __init__(self, a: Sequence[MatchForm], b: Sequence[MatchForm]) -> None:
        import math

        import numpy as np

        self.a, self.b = a, b
        postings_a: dict[str, list[int]] = {}
        self.postings_b: dict[str, np.ndarray] = {}
        for row, form in enumerate(a):
            for word in form.content:
                postings_a.setdefault(word, []).append(row)
        lists_b: dict[str, list[int]] = {}
        for row, form in enumerate(b):
            for word in form.content:
                lists_b.setdefault(word, []).append(row)
        total = len(a) + len(b) + 1
        self.weight = {
            w: math.log(total / (len(postings_a.get(w, ())) + len(lists_b.get(w, ()))))
            for w in postings_a.keys() | lists_b.keys()
        }
        self.postings_b = {w: np.asarray(rows) for w, rows in lists_b.items()}
        self.mass_a = np.array([sum(self.weight[w] for w in f.content) for f in a])
        self.mass_b = np.array([sum(self.weight[w] for w in f.content) for f in b])
        self.counts_a = np.array([len(f.content) for f in a])
        self.counts_b = np.array([len(f.content) for f in b])

    def rows(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start:stop`` of the matrix (float32)."""
        import numpy as np

        shared = np.zeros((stop - start, len(self.b)), dtype=np.float64)
        postings: dict[str, list[int]] = {}
        for row in range(start, stop):
            for word in self.a[row].content:
                if word in self.postings_b:
                    postings.setdefault(word, []).append(row - start)
        for word, rows_a in postings.items():
            # one sentence holds a word once, so no (row, column) repeats within a word; the
            # rows as a column broadcast against the columns, as ``np.ix_`` would at more cost
            shared[np.asarray(rows_a)[:, None], self.postings_b[word]] += self.weight[word]
        smaller = np.minimum(self.mass_a[start:stop, None], self.mass_b[None, :])
        enough = np.minimum(self.counts_a[start:stop, None], self.counts_b[None, :]) >= 4
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
    a: MatchForm,
    b: MatchForm,
    *,
    contained: float | None = None,
    a_text: str = "",
    b_text: str = "",
    weights: Mapping[str, float] | None = None,
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
      "citing unnamed sources") never count as shared content. The first rule
      is tried again with related words as shared (``related_containment``:
      synonyms, a capital for its country), given the word ``weights`` of
      ``containment_matrix``: "Britain said it had begun supplying Ukraine with
      anti-tank weapons" is half contained in "London is providing Kyiv with
      ... anti-tank weapons" only so.
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
    if weights is not None and contained >= MIN_CANDIDATE_CONTAINMENT and related_containment(a, b, weights) >= 0.5:
        return "partial"
    return None


def related_containment(a: MatchForm, b: MatchForm, weights: Mapping[str, float]) -> float:
    """The first "partial" rule of ``classify`` with related words counted as shared: the
    weighted share of the smaller sentence's content found in the other, when its unweighted
    share is also at least half, four words are shared, two of them not names, and every
    name of the smaller sentence is found in the other ("Germany ... will start shipping
    weapons" holds no part of "Britain ... had begun supplying weapons"); 0 else."""
    ca, cb, shared = content_sets(a, b)
    shared -= _ATTRIBUTION_WORDS
    small = min(len(ca), len(cb))
    if small < 4 or len(shared) < 4 or len(shared) * 2 < small or len(shared - a.names - b.names) < 2:
        return 0.0
    smaller, content = (a, ca) if len(ca) <= len(cb) else (b, cb)
    if any(stem(name) in content - shared for name in smaller.names):
        return 0.0
    top = max(weights.values(), default=1.0)
    mass_a = sum(weights.get(w, top) for w in ca)
    mass_b = sum(weights.get(w, top) for w in cb)
    return sum(weights.get(w, top) for w in shared) / max(min(mass_a, mass_b), 1e-9)


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
    if not a.forms or not b.forms:
        return ()
    used_a: dict[int, int] = {}
    used_b: dict[int, int] = {}
    rejected_a: dict[int, int] = {}
    rejected_b: dict[int, int] = {}
    pairs: list[tuple[int, int, str]] = []
    containment_rows = _Containment(a.forms, b.forms)
    for i, j, contained in _ranked_candidates(a, b, containment_rows):
        if i in used_a or j in used_b:
            continue
        if rejected_a.get(i, 0) >= MAX_REJECTIONS or rejected_b.get(j, 0) >= MAX_REJECTIONS:
            continue
        kind = classify(
            a.forms[i],
            b.forms[j],
            contained=contained,
            a_text=a.sentences[i].text,
            b_text=b.sentences[j].text,
            weights=containment_rows.weight,
        )
        if kind is None:
            rejected_a[i] = rejected_a.get(i, 0) + 1
            rejected_b[j] = rejected_b.get(j, 0) + 1
            continue
        used_a[i] = j
        used_b[j] = i
        pairs.append((i, j, kind))
    groups = [_extend(a, b, i, j, kind, used_a, used_b, explain) for i, j, kind in sorted(pairs)]
    return tuple(groups)


def _ranked_candidates(
    a: Prepared, b: Prepared, containment_rows: _Containment | None = None
) -> list[tuple[int, int, float]]:
    """Candidate pairs (i, j, weighted containment), best first (step 3 of the module docstring).

    A's rows are scored ``ROW_BLOCK`` at a time and each keeps its
    ``MAX_CANDIDATES_PER_SENTENCE`` best, so memory stays bounded by the block
    and the candidates however long the two articles are.
    """
    import numpy as np

    n, m = len(a.forms), len(b.forms)
    claims_a = np.array([a.is_claim(k) for k in range(n)])  # headlines, captions,
    claims_b = np.array([b.is_claim(k) for k in range(m)])  # credits: never aligned
    if containment_rows is None:
        containment_rows = _Containment(a.forms, b.forms)
    found: list[tuple[np.ndarray, ...]] = []
    for start in range(0, n, ROW_BLOCK):
        stop = min(n, start + ROW_BLOCK)
        scores = score_matrix(a.forms[start:stop], b.forms)
        contained = containment_rows.rows(start, stop)
        rank = scores + contained / 2
        candidate = (scores >= MIN_CANDIDATE_SCORE) | (contained >= MIN_CANDIDATE_CONTAINMENT)
        candidate &= claims_a[start:stop, None] & claims_b[None, :]
        rows, cols = np.nonzero(candidate)
        rows_i = rows + start
        offsets = np.abs(rows_i / max(n, 1) - cols / max(m, 1))
        block = (rows_i, cols, rank[rows, cols].astype(np.float64), offsets, contained[rows, cols])
        found.append(_best_per_row(*block))
    i, j, _, _, contained = _in_order(*(np.concatenate(parts) for parts in zip(*found, strict=True)))
    return list(zip(i.tolist(), j.tolist(), contained.tolist(), strict=True))


def _in_order(
    i: np.ndarray, j: np.ndarray, rank: np.ndarray, offsets: np.ndarray, contained: np.ndarray
) -> tuple[np.ndarray, ...]:
    """The candidates sorted best first: best rank, then closest relative positions, then lower indices."""
    import numpy as np

    order = np.lexsort((j, i, offsets, -rank))
    return i[order], j[order], rank[order], offsets[order], contained[order]


def _best_per_row(*candidates: np.ndarray) -> tuple[np.ndarray, ...]:
    """The first ``MAX_CANDIDATES_PER_SENTENCE`` candidates of each A sentence, in ``_in_order``'s order."""
    import numpy as np

    i, j, rank, offsets, contained = _in_order(*candidates)
    grouped = np.argsort(i, kind="stable")  # by row, best first within a row
    rows = i[grouped]
    within = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
    keep = np.sort(grouped[within < MAX_CANDIDATES_PER_SENTENCE])
    return i[keep], j[keep], rank[keep], offsets[keep], contained[keep]


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




def clear_caches() -> None:
    """Empty the sorted-key cache (benchmarks start each run cold)."""
    token_sorted.cache_clear()
