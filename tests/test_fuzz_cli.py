"""Fuzzing every command through CliRunner: random bytes, random JSON and random option values.

Whatever the input, a command exits 0, 1 or 2, never prints a traceback,
and the good records beside a bad one are still processed (issue 8). The
examples are derandomized so that the suite is stable; run more with
``FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz_cli.py`` (a new seed
each run with ``FUZZ_RANDOM=1``).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from compare.cli import main

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "fixtures/seeds/000_e6f0c9be4bb1d9ca.txt"
GOOD = [
    {"id": "good-1", "text": "Ministers met on Tuesday to discuss the budget. They agreed on nothing at all.", "source": "Herald"},
    {"id": "good-2", "text": "The river flooded three villages overnight. Rescue teams reached them at dawn.", "source": "Courier"},
]

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------- strategies

SURROGATES = st.sampled_from(["\ud800", "\udfff", "a\udc80b", "\ud83d"])
NASTY_TEXT = st.one_of(
    SURROGATES,
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "\x1b[2J", "=cmd|' /C calc'!A0", "a\nb", "[x](javascript:alert(1))", "<img src=x onerror=alert(1)>", "```", "\u202e"]),
)
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), NASTY_TEXT)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=6), st.dictionaries(NASTY_TEXT, children, max_size=6)),
    max_leaves=30,
)
FIELDS = ("id", "text", "html", "title", "source", "url", "published")


@st.composite
def records(draw) -> str:
    """One JSON line: an article-shaped object with fields of any type, or any JSON at all, or depth."""
    kind = draw(st.sampled_from(["article", "article", "fields", "value", "deep", "wide", "raw"]))
    if kind == "article":  # a readable article with one to three hostile fields
        record: dict = {"id": "hostile", "text": "Officials said the plan would cost more. Critics disagreed."}
        for name in draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True)):
            record[name] = draw(st.one_of(NASTY_TEXT, JSON_VALUES))
        return json.dumps(record, ensure_ascii=True, allow_nan=True)
    if kind == "fields":
        record = {name: draw(st.one_of(JSON_VALUES, NASTY_TEXT)) for name in draw(st.lists(st.sampled_from(FIELDS), max_size=7, unique=True))}
        return json.dumps(record, ensure_ascii=True, allow_nan=True)
    if kind == "value":
        return json.dumps(draw(JSON_VALUES), ensure_ascii=True)
    if kind == "deep":
        depth = draw(st.sampled_from([100, 101, 5_000, 100_000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return '{"id": "deep", "text": "x", "extra": ' + opener * depth + "1" + closer * depth + "}"
    if kind == "wide":
        width = draw(st.sampled_from([1_000, 20_000]))
        return json.dumps({"id": "wide", "text": "words " * 3, "extra": [[]] * width})
    return draw(st.binary(max_size=60)).decode("utf-8", "replace").replace("\n", " ")


def _write_inputs(folder: Path, line: str, blob: bytes) -> dict[str, Path]:
    """A JSONL file with the bad line between two good ones, and the same bytes as .txt, .html, .json."""
    feed = folder / "feed.jsonl"
    feed.write_text(json.dumps(GOOD[0]) + "\n" + line + "\n" + json.dumps(GOOD[1]) + "\n", encoding="utf-8", errors="surrogatepass")
    paths = {"feed": feed}
    for suffix in ("txt", "html", "json"):
        path = folder / f"blob.{suffix}"
        path.write_bytes(blob)
        paths[suffix] = path
    return paths


def invoke(*args: object, input: bytes | None = None):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=True)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output[-1500:], repr(result.exception))
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert "Traceback" not in result.output, (args, result.output[-1500:])
    return result


# ---------------------------------------------------------------- bad records

# The bad records of the issue, always among the examples.
ISSUE_RECORDS = [
    '{"id": "deep", "text": "x", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}",
    '{"id": "a\\ud800", "text": "Officials said the plan would cost more."}',
    '{"id": "t", "title": "\\udfff", "text": "Officials said the plan would cost more."}',
    '{"id": true, "text": "Officials said the plan would cost more."}',
]


def issue_examples(test):
    for line in ISSUE_RECORDS:
        test = example(line=line, blob=b"\x00" * 10 + b"text")(test)
    return test



@FUZZ
@given(line=records(), blob=st.binary(max_size=300))
@issue_examples
def test_bad_records_never_stop_dedup_or_ingest(line, blob):
    with tempfile.TemporaryDirectory() as tmp:
        paths = _write_inputs(Path(tmp), line, blob)
        inputs = [paths["feed"], paths["txt"], paths["html"], paths["json"], SEED]
        result = invoke("dedup", *inputs, "--workers", "0", "-f", "json")
        assert json.loads(result.stdout)["articles"] >= 3  # the two good lines and the seed
        result = invoke("ingest", *inputs, "--index", Path(tmp) / "i.sqlite", "-f", "json")
        stored = {json.loads(out)["id"] for out in result.stdout.splitlines()}
        assert {"good-1", "good-2", str(SEED)} <= stored
        invoke("index", "export", "--index", Path(tmp) / "i.sqlite")
        invoke("index", "stats", "--index", Path(tmp) / "i.sqlite")
        invoke("ingest", "-", "--index", Path(tmp) / "i.sqlite", input=paths["feed"].read_bytes())


@FUZZ
@given(line=records(), blob=st.binary(max_size=300))
@issue_examples
def test_bad_records_never_stop_report_or_pair(line, blob):
    with tempfile.TemporaryDirectory() as tmp:
        paths = _write_inputs(Path(tmp), line, blob)
        result = invoke("report", paths["feed"], paths["txt"], paths["json"], SEED, "-f", "json")
        if result.exit_code != 2:
            ids = {a["id"] for a in json.loads(result.stdout)["articles"]}
            assert {"good-1", "good-2", str(SEED)} <= ids
        invoke("report", paths["feed"], paths["html"], SEED, "-o", Path(tmp) / "r.md")
        for path in (paths["txt"], paths["json"], paths["feed"]):
            for fmt in ("text", "markdown", "json"):
                invoke("pair", path, SEED, "-f", fmt)
        invoke("dedup", "-", "--workers", "0", input=blob)
        invoke("pair", "-", SEED, input=(line + "\n").encode("utf-8", "surrogatepass"))


# ---------------------------------------------------------------- random option values

NUMBERS = st.one_of(
    st.sampled_from(["nan", "-nan", "inf", "-inf", "1e309", "-0", "0", "1", "0.5", "1e-320", "", " ", "abc", "0x10", "1_000", "9" * 40]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@st.composite
def option_values(draw, folder: str) -> list[str]:
    """A few options of any command with values of any kind, some of them valid."""
    outputs = ["", " ", folder, f"{folder}/out.txt", f"{folder}/missing/out.txt", "/proc/version", "/dev/null", "/dev/full"]
    indexes = [f"{folder}/i.sqlite", folder, "", "/proc/version", f"{folder}/garbage.sqlite", "memory"]
    choices = {
        "--threshold": NUMBERS,
        "--containment": NUMBERS,
        "--max-article-mb": NUMBERS,
        "--workers": NUMBERS,
        "--batch-size": NUMBERS,
        "--lock-timeout": NUMBERS,
        "--max-wait": NUMBERS,
        "--shingle-size": NUMBERS,
        "--num-perm": NUMBERS,
        "--max-sentences": NUMBERS,
        "-o": st.sampled_from(outputs),
        "-f": st.sampled_from(["text", "json", "csv", "markdown", "html", "", "xml"]),
        "--index": st.sampled_from(indexes),
    }
    args: list[str] = []
    for name in draw(st.lists(st.sampled_from(sorted(choices)), max_size=4, unique=True)):
        args += [name, draw(choices[name])]
    return args


@FUZZ
@given(data=st.data(), command=st.sampled_from(["dedup", "ingest", "report", "pair", "index stats", "index export", "index remove"]))
def test_random_option_values_are_exit_0_1_or_2_without_traceback(data, command):
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "garbage.sqlite").write_bytes(b"not a database" * 100)
        feed = Path(tmp) / "feed.jsonl"
        feed.write_text("".join(json.dumps(r) + "\n" for r in GOOD), encoding="utf-8")
        options = data.draw(option_values(tmp))
        if command == "dedup":
            options = ["--workers", "0", *options]  # a later --workers wins; no pool start per example
        words = command.split()
        positional = {"pair": [feed, SEED], "index stats": [], "index export": [], "index remove": ["good-1"]}.get(command, [feed, SEED])
        cwd = os.getcwd()
        os.chdir(tmp)  # the default index file lands in the temporary folder
        try:
            invoke(*words, *positional, *options)
        finally:
            os.chdir(cwd)


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


NUMBER_OPTIONS = [
    (words, param.opts[0])
    for words, command in _commands(main)
    for param in command.params
    if isinstance(param, click.Option) and isinstance(param.type, (click.types.FloatParamType, click.types.IntParamType))
]


@pytest.mark.parametrize(("words", "option"), NUMBER_OPTIONS, ids=[f"{' '.join(w)} {o}" for w, o in NUMBER_OPTIONS])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e309", "-1", "x"])
def test_every_number_option_of_every_command_refuses_junk_before_any_work(tmp_path, monkeypatch, words, option, value):
    """Every option that takes a number, also ones added later: nan passes click's range checks."""
    monkeypatch.chdir(tmp_path)
    positional = {"pair": [SEED, SEED], "remove": ["x"], "stats": [], "export": []}.get(words[-1], [SEED])
    result = invoke(*words, *positional, f"{option}={value}" if option.startswith("--") else option, *([] if option.startswith("--") else [value]))
    if value in ("nan", "inf", "-inf", "1e309", "x"):
        assert result.exit_code == 2, (words, option, value, result.output[-500:])
        assert list(tmp_path.iterdir()) == [], "work was done before the options were checked"
