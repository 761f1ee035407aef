"""Quality measurements: MSRP sentence matching and the hand-written seed gold.

Each module is runnable (``python -m compare.evaluation.msrp``) and exposes an
``evaluate`` function that the tests import to assert the quality floors.
"""

from __future__ import annotations

from pathlib import Path

#: ../shared beside the repository: development data that is never copied in.
SHARED_DIR = Path(__file__).resolve().parents[2].parent / "shared"
REPO_DIR = Path(__file__).resolve().parents[2]
