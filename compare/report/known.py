"""Report option ``--index``: which articles of the report are already in a persistent index.

The report itself is about the articles given; a desk that ingests
everything also wants to know, per article, "have we had this before?". This
looks each article up in the index (LSH candidates, then exact Jaccard and
containment on the stored shingles, as ``ingest`` does) without adding
anything: a report never changes the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from compare.article import Article
from compare.errors import Hint, IndexStoreError


def index_matches(spec: str, articles: Sequence[Article]) -> dict[str, list[dict[str, Any]]]:
    """Article id -> near-duplicates of it stored in the index at ``spec`` (only ids with matches).

    Raises:
        IndexStoreError: no index at ``spec`` (a path that does not exist is
            not created), or the backend cannot be read.
    """
    from compare.dedup.batch import DEFAULT_CONTAINMENT, DEFAULT_THRESHOLD, relation_of
    from compare.dedup.fingerprint import fingerprint, overlap
    from compare.dedup.index import open_index

    if "://" not in spec and spec != "memory" and not Path(spec).is_file():
        raise IndexStoreError(f"{spec}: no index there; ", Hint("build_index", spec))
    found: dict[str, list[dict[str, Any]]] = {}
    with open_index(spec, threshold=DEFAULT_THRESHOLD, create=False, read_only=True) as index:
        fingerprints = [fingerprint(a, settings=index.settings) for a in articles]
        candidates = index.candidates_many(fingerprints, threshold=DEFAULT_THRESHOLD, containment_threshold=DEFAULT_CONTAINMENT)
        stored = index.get({i for ids in candidates for i in ids})
        for article, fp, ids in zip(articles, fingerprints, candidates, strict=True):
            matches = []
            for other in ids:
                if other not in stored:
                    continue
                jaccard, contained = overlap(index.comparable(fp.shingles), stored[other].shingles)
                relation = relation_of(jaccard, contained, threshold=DEFAULT_THRESHOLD, containment_threshold=DEFAULT_CONTAINMENT)
                if relation is None:
                    continue
                record = stored[other]
                matches.append(
                    {
                        "id": other,
                        "title": record.title,
                        "source": record.source,
                        "published": record.published,
                        "relation": relation,
                        "jaccard": round(float(jaccard), 4),
                        "containment": round(float(contained), 4),
                    }
                )
            if matches:
                found[article.id] = sorted(matches, key=lambda m: (-m["jaccard"], -m["containment"], m["id"]))
    return found
