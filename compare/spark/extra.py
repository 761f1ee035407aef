"""Fail early, with the install command, when the spark extra is missing."""

from __future__ import annotations

import importlib

# pyspark first: without the extra, it is the package the user must hear about;
# pyarrow is the executors' batch format.
for needed in ("pyspark", "pyarrow"):
    try:
        importlib.import_module(needed)
    except ImportError as error:  # pragma: no cover - depends on the install
        raise ImportError(
            f"the spark engine needs the spark extra ({error.name} is missing): pip install 'article-compare[spark]'"
        ) from None
