"""Floors of the held-out near-duplicate evaluation (evaluation/heldout_dedup.py) on PolNeAR stories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evaluation.heldout_dedup import FORMS, POLNEAR, evaluate_tool

SHARED = Path(os.environ.get("ARTICLE_COMPARE_SHARED", Path(__file__).resolve().parents[2] / "shared"))

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.slow,
    pytest.mark.skipif(not (SHARED / POLNEAR).is_dir(), reason="../shared/data/polnear-train is absent"),
]


DETECTORS = ["article-compare", "article-compare ingest"]  # batch dedup, and ingest into an SQLite index


@pytest.fixture(scope="module")
def scores():
    return {(s.detector, s.half): s for s in evaluate_tool(SHARED)}


@pytest.mark.parametrize("detector", DETECTORS)
@pytest.mark.parametrize("half", ["dev", "test"])
def test_precision_and_recall_floors(scores, detector, half):
    s = scores[detector, half]
    assert s.precision >= 0.995, s.wrong[:5]
    assert s.recall >= 0.98


@pytest.mark.parametrize("detector", DETECTORS)
@pytest.mark.parametrize("half", ["dev", "test"])
@pytest.mark.parametrize("form", FORMS)
def test_every_form_is_found(scores, detector, half, form):
    assert scores[detector, half].form_recall(form) >= 0.95, scores[detector, half].found[form]
