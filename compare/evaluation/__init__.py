"""Evaluation scripts: measured quality on labelled data, importable so tests can assert floors.

Run one with ``python -m compare.evaluation.<name>``; each exposes an
``evaluate(...)`` function returning a frozen result and a ``main()`` that
prints it. They read ``../shared`` beside the repository and skip what is
absent.
"""

from __future__ import annotations

from pathlib import Path

#: ../shared beside the repository: development data that is never copied in.
SHARED_DIR = Path(__file__).resolve().parents[2].parent / "shared"
REPO_DIR = Path(__file__).resolve().parents[2]
