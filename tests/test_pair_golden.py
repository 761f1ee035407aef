"""Rendered ``pair`` output on seed pairs equals the reviewed golden files.

Regenerate on purpose with ``PYTHONPATH=. python scripts/regen_pair_golden.py``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("regen_pair_golden", REPO / "scripts" / "regen_pair_golden.py")
assert _spec is not None and _spec.loader is not None
regen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regen)


@pytest.mark.parametrize(("first", "second"), regen.PAIRS)
def test_rendered_output_matches_golden(first: str, second: str) -> None:
    for suffix, text in regen.render_all(first, second).items():
        golden = regen.GOLDEN / f"pair_{first}_{second}.{suffix}"
        assert text == golden.read_text(encoding="utf-8"), f"{golden.name} differs; see scripts/regen_pair_golden.py"
