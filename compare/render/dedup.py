"""Renderers for ``dedup``, ``ingest`` and ``index``: pure functions from results to text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from compare.render.escape import csv_cell, terminal_text

if TYPE_CHECKING:
    from compare.dedup.batch import DedupResult
    from compare.dedup.index.base import IndexStats
    from compare.dedup.stream import IngestResult


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def render_dedup_text(result: DedupResult) -> str:
    """Clusters first (what a desk acts on), then every verified pair with its scores."""
    lines = [
        f"{_plural(result.articles, 'article')}: {_plural(len(result.pairs), 'duplicate pair')} "
        f"in {_plural(len(result.clusters), 'cluster')}"
    ]
    for number, cluster in enumerate(result.clusters, 1):
        lines.append("")
        lines.append(f"cluster {number} ({_plural(len(cluster), 'article')}):")
        lines.extend(f"  {terminal_text(member)}" for member in cluster)
    if result.pairs:
        lines.append("")
        lines.append("pairs:")
        width = max(len(p.relation) for p in result.pairs)
        for pair in result.pairs:
            chars = "" if pair.char_jaccard is None else f"  characters {pair.char_jaccard:.3f}"
            lines.append(
                f"  {pair.relation:<{width}}  jaccard {pair.jaccard:.3f}  containment {pair.containment:.3f}{chars}  "
                f"{terminal_text(pair.a)}  <->  {terminal_text(pair.b)}"
            )
    return "\n".join(lines) + "\n"


def render_dedup_json(result: DedupResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_dedup_csv(result: DedupResult) -> str:
    """One row per pair, with the number of the cluster it belongs to."""
    cluster_of = {member: n for n, cluster in enumerate(result.clusters, 1) for member in cluster}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["a", "b", "jaccard", "containment", "relation", "cluster"])
    for pair in result.pairs:
        row = pair.to_dict()
        writer.writerow([csv_cell(row["a"]), csv_cell(row["b"]), row["jaccard"], row["containment"], row["relation"], cluster_of.get(pair.a, "")])
    return buffer.getvalue()


def render_dedup(result: DedupResult, fmt: str) -> str:
    renderers = {"text": render_dedup_text, "json": render_dedup_json, "csv": render_dedup_csv}
    return renderers[fmt](result)


def render_ingest_line(result: IngestResult, fmt: str) -> str:
    """One line per ingested article (no trailing newline)."""
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False)
    if not result.matches:
        return f"{result.status:<9}  {terminal_text(result.id)}"
    matches = ", ".join(
        f"{terminal_text(m.id)} (jaccard {m.jaccard:.3f}, containment {m.containment:.3f}"
        + ("" if m.char_jaccard is None else f", characters {m.char_jaccard:.3f}")
        + ")"
        for m in result.matches
    )
    return f"{result.status:<9}  {terminal_text(result.id)}  matches {matches}"


def render_ingest_summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts.get(status, 0)} {status}" for status in ("new", "duplicate", "contained"))


def render_index_stats(stats: IndexStats, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(stats.to_dict(), indent=2) + "\n"
    from compare.dedup.lsh import CHAR_BANDS, CHAR_ROWS

    s = stats.settings
    rows = [
        ("index", f"{terminal_text(str(stats.location))} ({stats.backend})"),
        ("articles", str(stats.articles)),
        ("shingles", f"{s.shingle_size} words"),
        ("minhash", f"{s.num_perm} permutations, seed {s.seed}, scheme {s.scheme}"),
        ("lsh", f"{stats.bands} bands x {stats.rows} rows, candidates from jaccard {stats.candidate_threshold}"),
        ("characters", f"{stats.char_articles} articles with a character sample, {CHAR_BANDS} bands x {CHAR_ROWS} rows"),
        ("band entries", f"{stats.band_entries} (word and character bands, anchors)"),
    ]
    if stats.learned_boilerplate:
        rows.append(("learned lines", str(stats.learned_boilerplate)))
    width = max(len(k) for k, _ in rows)
    return "".join(f"{k + ':':<{width + 1}} {v}\n" for k, v in rows)


def render_export(records: Iterable[dict[str, Any]]) -> Iterable[str]:
    """JSON lines, one per stored article."""
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"
