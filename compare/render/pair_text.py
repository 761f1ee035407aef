"""Plain-text report of a comparison for an 80-column terminal.

Colour (ANSI) only when the caller says the output is a terminal: the CLI
passes ``color=sys.stdout.isatty()``; files and pipes get plain text.
"""

from __future__ import annotations

import textwrap

from compare.pair.model import Comparison, DiffOp, render_diff
from compare.render.escape import terminal_text

WIDTH = 80
_STYLES = {"bold": "1", "red": "31", "green": "32", "yellow": "33", "cyan": "36", "dim": "2"}


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(_STYLES[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    # Every value from input passes here: control characters (escape sequences) shown, not sent.
    flat = terminal_text(" ".join(text.split()))
    return textwrap.wrap(
        flat, width=WIDTH, initial_indent=first if first is not None else indent, subsequent_indent=indent
    ) or [first or indent]


def _diff_text(ops: tuple[DiffOp, ...], paint: _Painter) -> str:
    return render_diff(
        ops,
        removed=lambda words: paint(f"[-{words}-]", "red"),
        added=lambda words: paint(f"{{+{words}+}}", "green"),
    )


def _wrap_diff(ops: tuple[DiffOp, ...], paint: _Painter, indent: str) -> list[str]:
    # Wrap the plain diff, then colour each line: escape codes would upset textwrap's widths.
    plain = _diff_text(ops, _Painter(False))
    lines = _wrap(plain, indent, indent + "diff: ")
    if not paint.color:
        return lines
    coloured = []
    for line in lines:
        line = line.replace("[-", "\x1b[31m[-").replace("-]", "-]\x1b[0m")
        line = line.replace("{+", "\x1b[32m{+").replace("+}", "+}\x1b[0m")
        coloured.append(line)
    return coloured


def _title(article) -> str:
    parts = [article.title or "(no title)"]
    extra = ", ".join(x for x in (article.id, article.source) if x)
    return f"{parts[0]} [{extra}]"


def render_pair_text(comparison: Comparison, *, color: bool = False, limit: int = 10, explain: bool = False) -> str:
    """The comparison as text: verdict, agreements, quotes, divergences, one-sided content.

    Args:
        comparison: the result of ``compare_articles``.
        color: use ANSI colours (only for a terminal).
        limit: at most this many one-sided sentences and entities per side.
    """
    paint = _Painter(color)
    c = comparison
    out: list[str] = []
    out += _wrap(_title(c.a), "   ", "A: ")
    out += _wrap(_title(c.b), "   ", "B: ")
    sim = c.similarity
    out.append("")
    out.append(paint(f"Verdict: {c.verdict}", "bold"))
    out += _wrap(
        f"Jaccard {sim.jaccard:.3f}, A in B {sim.containment_a_in_b:.3f}, B in A {sim.containment_b_in_a:.3f}; "
        f"{len(c.alignments)} aligned of {len(c.a_sentences)} / {len(c.b_sentences)} sentences",
        "  ",
    )

    out += ["", paint(f"Agreements ({len(c.alignments)})", "bold", "cyan")]
    if not c.alignments:
        out.append("  (no sentence of A matches one of B)")
    for alignment in c.alignments:
        a_ids = "+".join(f"A{i}" for i in alignment.a_indices)
        b_ids = "+".join(f"B{j}" for j in alignment.b_indices)
        out.append(f"  {a_ids} ~ {b_ids}  {alignment.kind} ({alignment.score:.2f})")
        a_text = " ".join(c.a_sentences[i].text for i in alignment.a_indices)
        b_text = " ".join(c.b_sentences[j].text for j in alignment.b_indices)
        out += _wrap(a_text, "       ", "    A: ")
        if alignment.kind != "identical":
            out += _wrap(b_text, "       ", "    B: ")
            if alignment.diff and any(op.tag != "equal" for op in alignment.diff):
                out += _wrap_diff(alignment.diff, paint, "    ")
        if explain and alignment.probability is not None:
            out += _wrap("; ".join(alignment.why), "         ", f"    why: p={alignment.probability:.2f}; ")

    shared = [(q, q.a, q.b) for q in c.quotes if q.a and q.b]
    out += ["", paint(f"Shared quotes ({len(shared)})", "bold", "cyan")]
    if not shared:
        out.append("  (none)")
    for q, qa, qb in shared:
        speakers = qa.speaker or "?"
        if q.speakers_differ:
            speakers += f" / {qb.speaker}"
        out.append(f"  {terminal_text(speakers)}: {paint(q.kind, 'yellow' if q.kind != 'same' else 'green')}")
        out += _wrap(f'"{qa.text}"', "       ", "    A: ")
        out += _wrap(f'"{qb.text}"', "       ", "    B: ")
        if q.diff and any(op.tag != "equal" for op in q.diff):
            out += _wrap_diff(q.diff, paint, "    ")
    for side in ("a", "b"):
        only = [q for q in c.quotes if q.kind == f"only in {side}"]
        if not only:
            continue
        out += ["", paint(f"Quotes only in {side.upper()} ({len(only)})", "bold", "cyan")]
        for q in only:
            quote = q.a if side == "a" else q.b
            if quote is None:  # "only in a" always carries A's quote; never taken
                continue
            out += _wrap(f'"{quote.text}"', "      ", f"  {terminal_text(quote.speaker or '(unattributed)')}: ")

    out += ["", paint("Divergences", "bold", "cyan")]
    conflicts = [d for d in c.divergences if d.kind == "conflicting figures"]
    framing = [d for d in c.divergences if d.kind in ("names differ", "framing")]
    if not conflicts and not framing:
        out.append("  (no conflicting figures, names or framing)")
    for d in conflicts:
        out += _wrap(d.detail, "    ", "  " + paint("figures: ", "red"))
        out += _wrap(d.a_text or "", "       ", "    A: ")
        out += _wrap(d.b_text or "", "       ", "    B: ")
    for d in framing:
        out += _wrap(d.detail, "    ", "  " + paint(f"{'names' if d.kind == 'names differ' else 'framing'}: ", "yellow"))
        out += _wrap(d.a_text or "", "       ", "    A: ")
        out += _wrap(d.b_text or "", "       ", "    B: ")
    for side in ("a", "b"):
        entities = [d for d in c.divergences if d.kind == f"entity only in {side}"]
        if entities:
            names = ", ".join(d.detail for d in entities[:limit])
            more = f" and {len(entities) - limit} more" if len(entities) > limit else ""
            out += _wrap(names + more, "    ", f"  only in {side.upper()}: ")

    out += ["", paint("One-sided content (substantive first)", "bold", "cyan")]
    for side in ("a", "b"):
        claims = [d for d in c.divergences if d.kind == "one-sided claim" and (d.a_text if side == "a" else d.b_text)]
        out.append(f"  Only in {side.upper()} ({len(claims)}):")
        for number, d in enumerate(claims[:limit], 1):
            text = d.a_text if side == "a" else d.b_text
            marker = " (background)" if d.background else ""
            out += _wrap(f"{text}{marker}", "       ", f"  {number:>2}. ")
        if len(claims) > limit:
            out.append(f"      ... {len(claims) - limit} more (use --format json for all)")
    return "\n".join(out) + "\n"
