"""Sweep shingle size, num_perm and threshold on the dedup evaluation; print one row per setting.

    PYTHONPATH=. python scripts/sweep_dedup_defaults.py

The evidence behind the defaults in compare/dedup/fingerprint.py and compare/dedup/batch.py
(see notes/README-dedup.md). Uses the labelled variants of
``evaluation.dedup`` (METER from ../shared when present, else the
fixtures alone) and times fingerprinting of the same batch in one process.
"""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    import compare.dedup.batch as dedup
    from compare.dedup.fingerprint import FingerprintSettings
    from evaluation import dedup as evaluation

    original = dedup.find_duplicates
    shared = evaluation.DEFAULT_SHARED
    print(f"{'shingle':>7} {'perm':>5} {'thresh':>6} {'precision':>9} {'recall':>7} {'wrong':>5} {'missed':>6} {'wire flagged':>12} {'seconds':>7}")
    for shingle_size in (3, 4, 5, 6):
        for num_perm in (64, 128):
            for threshold in (0.4, 0.5, 0.6):
                settings = FingerprintSettings(shingle_size=shingle_size, num_perm=num_perm)
                dedup.find_duplicates = functools.partial(original, settings=settings, threshold=threshold, workers=0)
                start = time.perf_counter()
                try:
                    result = evaluation.evaluate(shared=shared)
                finally:
                    dedup.find_duplicates = original
                seconds = time.perf_counter() - start
                wire = sum(1 for w in result.wire_versions if w.relation)
                print(
                    f"{shingle_size:>7} {num_perm:>5} {threshold:>6} {result.precision:>9.4f} {result.recall:>7.4f} "
                    f"{len(result.false_positives):>5} {len(result.missed):>6} {wire:>7}/{len(result.wire_versions):<4} {seconds:>7.1f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
