"""JSON for ``pair``: exactly ``Comparison.to_dict()``."""

from __future__ import annotations

import json

from compare.pair.model import Comparison


def render_pair_json(comparison: Comparison) -> str:
    return json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False) + "\n"
