"""Markdown report of a comparison that renders well on GitHub: tables and <details>."""

from __future__ import annotations

from compare.pair.model import Comparison, DiffOp, render_diff
from compare.render.escape import markdown_cell


def _cell(text: str | None) -> str:
    return markdown_cell(text) if text else ""


def _diff_md(ops: tuple[DiffOp, ...]) -> str:
    return render_diff(
        ops, equal=_cell, removed=lambda words: f"~~{_cell(words)}~~", added=lambda words: f"**{_cell(words)}**"
    )


def render_pair_markdown(comparison: Comparison) -> str:
    """The comparison as GitHub-flavoured markdown."""
    c = comparison
    sim = c.similarity
    out = [
        f"# {_cell(c.a.title or c.a.id)} ↔ {_cell(c.b.title or c.b.id)}",
        "",
        "| | A | B |",
        "|---|---|---|",
        f"| id | {_cell(c.a.id)} | {_cell(c.b.id)} |",
        f"| title | {_cell(c.a.title)} | {_cell(c.b.title)} |",
        f"| source | {_cell(c.a.source)} | {_cell(c.b.source)} |",
        f"| sentences | {len(c.a_sentences)} | {len(c.b_sentences)} |",
        "",
        f"**Verdict: {c.verdict}** (Jaccard {sim.jaccard:.3f}, A in B {sim.containment_a_in_b:.3f}, "
        f"B in A {sim.containment_b_in_a:.3f}; {len(c.alignments)} "
        f"alignment{'' if len(c.alignments) == 1 else 's'})",
        "",
        f"## Agreements ({len(c.alignments)})",
        "",
    ]
    if c.alignments:
        out += ["| A | B | kind | score | A says | B says |", "|---|---|---|---|---|---|"]
        for x in c.alignments:
            a_text = " ".join(c.a_sentences[i].text for i in x.a_indices)
            b_text = " ".join(c.b_sentences[j].text for j in x.b_indices)
            a_ids = "+".join(map(str, x.a_indices))
            b_ids = "+".join(map(str, x.b_indices))
            out.append(f"| {a_ids} | {b_ids} | {x.kind} | {x.score:.2f} | {_cell(a_text)} | {_cell(b_text)} |")
        changed = [x for x in c.alignments if any(op.tag != "equal" for op in x.diff)]
        if changed:
            out += ["", "<details><summary>Word-level differences (~~A only~~ **B only**)</summary>", ""]
            for x in changed:
                out.append(f"- A{'+'.join(map(str, x.a_indices))} ↔ B{'+'.join(map(str, x.b_indices))}: {_diff_md(x.diff)}")
            out += ["", "</details>"]
    else:
        out.append("No sentence of A matches one of B.")

    shared = [(q, q.a, q.b) for q in c.quotes if q.a and q.b]
    out += ["", f"## Shared quotes ({len(shared)})", ""]
    if shared:
        out += ["| Speaker | A's words | B's words | Difference |", "|---|---|---|---|"]
        for q, qa, qb in shared:
            speaker = qa.speaker or "?"
            if q.speakers_differ:
                speaker += f" / {qb.speaker}"
            difference = q.kind if not q.diff else f"{q.kind}: {_diff_md(q.diff)}"
            out.append(f"| {_cell(speaker)} | {_cell(qa.text)} | {_cell(qb.text)} | {difference} |")
    else:
        out.append("No quote appears on both sides.")
    for side in ("a", "b"):
        only = [q.a if side == "a" else q.b for q in c.quotes if q.kind == f"only in {side}"]
        if only:
            out += ["", f"<details><summary>Quotes only in {side.upper()} ({len(only)})</summary>", ""]
            out += ["| Speaker | Cue | Words |", "|---|---|---|"]
            out += [f"| {_cell(q.speaker) or '?'} | {_cell(q.cue)} | {_cell(q.text)} |" for q in only if q]
            out += ["", "</details>"]

    out += ["", "## Divergences", ""]
    conflicts = [d for d in c.divergences if d.kind in ("conflicting figures", "names differ", "framing")]
    if conflicts:
        out += ["| Kind | Detail | A | B |", "|---|---|---|---|"]
        out += [f"| {d.kind} | {_cell(d.detail)} | {_cell(d.a_text)} | {_cell(d.b_text)} |" for d in conflicts]
    else:
        out.append("No conflicting figures, names or framing.")
    ents_a = [d.detail for d in c.divergences if d.kind == "entity only in a"]
    ents_b = [d.detail for d in c.divergences if d.kind == "entity only in b"]
    if ents_a or ents_b:
        out += ["", "| Entities only in A | Entities only in B |", "|---|---|"]
        for k in range(max(len(ents_a), len(ents_b))):
            left = ents_a[k] if k < len(ents_a) else ""
            right = ents_b[k] if k < len(ents_b) else ""
            out.append(f"| {_cell(left)} | {_cell(right)} |")

    out += ["", "## One-sided content", ""]
    for side in ("a", "b"):
        claims = [d for d in c.divergences if d.kind == "one-sided claim" and (d.a_text if side == "a" else d.b_text)]
        out += [f"<details><summary>Only in {side.upper()} ({len(claims)}, substantive first)</summary>", ""]
        for number, d in enumerate(claims, 1):
            text = d.a_text if side == "a" else d.b_text
            tag = " *(background)*" if d.background else ""
            out.append(f"{number}. {_cell(text)}{tag}")
        out += ["", "</details>", ""]
    return "\n".join(out).rstrip("\n") + "\n"
