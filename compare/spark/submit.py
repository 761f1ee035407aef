"""The program to give ``spark-submit``: ``dedup --engine spark`` with the submit command's session.

    spark-submit --master yarn ... "$(python -c 'import compare.spark.submit as m; print(m.__file__)')" \
        s3a://bucket/articles/ --format parquet --output s3a://bucket/dedup/

The arguments are those of ``article-compare dedup`` (without ``--engine``);
master, executors and memory come from ``spark-submit``.
"""

from __future__ import annotations

import sys


def run(argv: list[str] | None = None) -> None:
    from compare.cli import main

    main(["dedup", "--engine", "spark", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    run()
