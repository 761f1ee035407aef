"""The type checker passes over compare/ (issue 7): mypy as configured in pyproject.toml.

`.ci/run` runs mypy too; this test makes every landing check it, as it checks the tests.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_type_error_in_the_package():
    # Not skipped without mypy: a venv missing it must learn so, or CI's mypy run fails later.
    assert importlib.util.find_spec("mypy") is not None, "mypy is missing: pip install -e '.[test]'"
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--hide-error-context"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
