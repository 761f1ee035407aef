"""Fast start: no datasketch or scipy on the command path, the same parameters as datasketch's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from compare.article import Article
from compare.dedup.batch import find_duplicates
from compare.dedup.fingerprint import _permutations
from compare.dedup.fingerprinter import PARALLEL_MIN_ARTICLES, Fingerprinter
from compare.dedup.lsh import lsh_params


@pytest.mark.parametrize(("num_perm", "seed"), [(16, 0), (64, 1), (128, 7), (1024, 2**32 - 1)])
def test_permutations_are_datasketchs_own(num_perm, seed):
    from datasketch import MinHash

    a, b = _permutations(num_perm, seed, "affine32")
    expected_a, expected_b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    assert np.array_equal(a.ravel(), expected_a) and np.array_equal(b.ravel(), expected_b)


@pytest.mark.parametrize("num_perm", [16, 32, 64, 100, 128, 256])
def test_lsh_params_equal_datasketchs_optimizer(num_perm):
    from datasketch.lsh import _optimal_param

    for threshold in (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        for fn_weight in (0.3, 0.5, 0.7):
            expected = _optimal_param(threshold, num_perm, 1 - fn_weight, fn_weight)
            assert lsh_params(threshold, num_perm, fn_weight) == expected, (threshold, fn_weight)


def test_lsh_params_refuse_a_threshold_outside_0_1():
    with pytest.raises(ValueError, match="between 0 and 1"):
        lsh_params(1.0, 64)


def test_dedup_and_ingest_modules_import_neither_datasketch_nor_scipy():
    code = (
        "import sys, compare.cli, compare.dedup.batch, compare.dedup.stream, compare.dedup.fingerprint, "
        "compare.dedup.fingerprinter, compare.dedup.index, compare.dedup.lsh, compare.dedup.index.sqlite, "
        "compare.render.dedup\n"
        "from compare.dedup.lsh import lsh_params; lsh_params(0.2, 64)\n"
        "from compare.dedup.fingerprint import fingerprint_tokens; fingerprint_tokens('x', ['a', 'b'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('datasketch', 'scipy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("command", ["dedup", "ingest", "pair"])
@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("2", "2")])
def test_commands_without_matrix_products_start_one_blas_thread(tmp_path, command, given, expected):
    """numpy's import starts one OpenBLAS thread per core: ~110 ms of a one-article ingest's CPU."""

    seeds = sorted(str(p) for p in (Path(__file__).resolve().parents[1] / "fixtures" / "seeds").glob("*.txt"))[:2]
    arguments = {"dedup": ["dedup", *seeds], "ingest": ["ingest", seeds[0], "--index", str(tmp_path / "i.sqlite")], "pair": ["pair", *seeds]}
    code = (
        "import os, sys\n"
        "from compare.cli import main\n"
        f"try:\n    main({arguments[command]!r}, standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "print(os.environ.get('OPENBLAS_NUM_THREADS'), file=sys.stderr)"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stderr.strip().splitlines()[-1] == expected


class _Files:
    """A re-iterable batch without a length, like ``compare.batch.ArticleFiles``."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.passes = 0

    def __iter__(self):
        self.passes += 1
        return (Article.from_text(f"story number {i} about things and more things", id=str(i)) for i in range(self.count))


def test_a_small_batch_of_unknown_length_starts_no_worker_pool(monkeypatch):
    started = []
    monkeypatch.setattr(Fingerprinter, "_get_pool", lambda self: started.append(1) or pytest.fail("pool started"))
    result = find_duplicates(_Files(5), workers=2)
    assert result.articles == 5 and not started


def test_a_large_batch_of_unknown_length_keeps_every_article_in_order():
    files = _Files(PARALLEL_MIN_ARTICLES + 3)
    result = find_duplicates(files, workers=1)
    assert result.articles == PARALLEL_MIN_ARTICLES + 3
    assert sorted(result.removed, key=int) == [str(i) for i in range(PARALLEL_MIN_ARTICLES + 3)]
