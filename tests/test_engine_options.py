"""The Spark engine stays optional: no pyspark import in the core, clear errors without the extra."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from compare.cli import main


def test_importing_compare_and_its_cli_does_not_import_pyspark():
    code = (
        "import sys, compare, compare.cli, compare.dedup.batch, compare.dedup.fingerprinter; "
        "from compare.cli import main; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyspark', 'py4j', 'pyarrow', 'compare.spark')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_spark_engine_without_the_extra_is_a_one_line_error(tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text('{"id": "a", "text": "hello there"}\n', encoding="utf-8")
    # pyspark made unimportable, as on an install without the spark extra.
    code = (
        "import sys; sys.modules['pyspark'] = None; "
        "from compare.cli import main; "
        f"main(['dedup', '--engine', 'spark', {str(data)!r}])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stderr.strip() == (
        "Error: the spark engine needs the spark extra (pyspark is missing): pip install 'article-compare[spark]'"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-f", "parquet"], "Error: --format parquet is written by --engine spark; the local engine writes text, json or csv"),
        (["--spark-master", "local[2]"], "Error: --spark-master is an option of --engine spark"),
        (["--partitions", "4"], "Error: --partitions is an option of --engine spark"),
    ],
)
def test_spark_options_on_the_local_engine_are_usage_errors(tmp_path, arguments, message):
    data = tmp_path / "in.jsonl"
    data.write_text('{"id": "a", "text": "hello there"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["dedup", str(data), *arguments])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == message


@pytest.mark.parametrize("engine", ["local", "spark"])
def test_a_uri_output_for_a_file_format_is_a_usage_error_before_any_work(tmp_path, engine):
    # A URI is where Spark writes its jsonl/parquet directories; a text, json or csv
    # report goes to a file (this once ended in a traceback from Path.write_text on a str).
    data = tmp_path / "in.jsonl"
    data.write_text('{"id": "a", "text": "hello there"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["dedup", "--engine", engine, "-f", "json", "-o", "s3://bucket/out", str(data)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: --output s3://bucket/out: a URI is written by --engine spark with --format jsonl or parquet;"
        " --format json is written to a file path"
    )
