"""Word-level diff of two sentences, aligned on their matching forms."""

from __future__ import annotations

from functools import lru_cache

from compare.pair.model import DiffOp
from compare.text.normalize import SPELLING_VARIANTS, words


@lru_cache(maxsize=65536)
def _token_key(token: str) -> str:
    if token.isascii() and token.isalnum():
        # a plain ASCII word: ``words`` would give its case fold, spelling variant mapped
        folded = token.casefold()
        return SPELLING_VARIANTS.get(folded, folded)
    return " ".join(words(token)) or token


_EDGE_PUNCTUATION = ".,;:!?\"'()[]“”‘’«»"


def _surface(token: str) -> str:
    """A token as written, up to case and the punctuation around it ("said." = "Said,")."""
    return token.strip(_EDGE_PUNCTUATION).casefold()


def word_diff(a_text: str, b_text: str) -> tuple[DiffOp, ...]:
    """Word-level edit script from A to B (rapidfuzz Indel opcodes over word lists).

    Words are aligned on their matching form (case, punctuation and spelling
    variants folded), so "Kiev" and "Kyiv" line up; where the matched words are
    written differently the step is a ``variant`` ("Kiev" -> "Kyiv", "$200" ->
    "200"), shown like a replacement but not counted as a change of claim.
    """
    from rapidfuzz.distance import Indel

    a_tokens, b_tokens = a_text.split(), b_text.split()
    a_keys = [_token_key(t) for t in a_tokens]
    b_keys = [_token_key(t) for t in b_tokens]
    ops: list[DiffOp] = []

    def push(tag: str, a_part: str, b_part: str) -> None:
        if ops and ops[-1].tag == tag:
            last = ops.pop()
            a_part = " ".join(p for p in (last.a_words, a_part) if p)
            b_part = " ".join(p for p in (last.b_words, b_part) if p)
        elif ops and tag in ("delete", "insert", "replace") and ops[-1].tag in ("delete", "insert", "replace"):
            # Indel has no "replace": a delete next to an insert is one replacement.
            last = ops.pop()
            a_part = " ".join(p for p in (last.a_words, a_part) if p)
            b_part = " ".join(p for p in (last.b_words, b_part) if p)
            tag = "replace" if a_part and b_part else tag
        ops.append(DiffOp(tag, a_part, b_part))

    for opcode in Indel.opcodes(a_keys, b_keys):
        tag, i1, i2, j1, j2 = opcode.tag, opcode.src_start, opcode.src_end, opcode.dest_start, opcode.dest_end
        if tag != "equal":
            push(tag, " ".join(a_tokens[i1:i2]), " ".join(b_tokens[j1:j2]))
            continue
        # Runs of equal and of variant words are pushed whole: pushing word by word merged them
        # into the same steps, joining the step's words again for every word.
        run_tag = ""
        run_a: list[str] = []
        run_b: list[str] = []
        for a_token, b_token in zip(a_tokens[i1:i2], b_tokens[j1:j2], strict=True):
            step = "equal" if _surface(a_token) == _surface(b_token) else "variant"
            if step != run_tag and run_a:
                push(run_tag, " ".join(run_a), " ".join(run_b))
                run_a, run_b = [], []
            run_tag = step
            run_a.append(a_token)
            if step == "variant":
                run_b.append(b_token)
        if run_a:
            push(run_tag, " ".join(run_a), " ".join(run_b))
    return tuple(ops)


def clear_caches() -> None:
    """Empty the token-key cache (benchmarks start each run cold)."""
    _token_key.cache_clear()
