"""Evaluation scripts: measured quality on labelled data, importable so tests can assert floors.

These are tools of the repository, not of the installed library. Run one from
the repository root with ``python -m evaluation.<name>``; each exposes an
``evaluate(...)`` function returning a frozen result and a ``main()`` that
prints it. The development data is read from ``SHARED_DIR``: the
``ARTICLE_COMPARE_SHARED`` environment variable, else ``../shared`` beside
this repository. What is absent is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root (this folder's parent): fixtures/, tests/gold/, reports/.
REPO_DIR = Path(__file__).resolve().parents[1]
#: Development data that is never copied in: $ARTICLE_COMPARE_SHARED, else ../shared beside the repository.
SHARED_DIR = Path(os.environ.get("ARTICLE_COMPARE_SHARED") or REPO_DIR.parent / "shared")
