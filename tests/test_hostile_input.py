"""One bad record never stops a batch; bad option values never print a traceback (issue 8).

Each bad input of the issue gets one ``error: WHERE: PROBLEM`` line, the
good records around it are still processed, and the exit status is 1 (bad
input) or 2 (a bad option value), never a traceback.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare.cli import main
from compare.errors import InputError
from compare.load.articles import MAX_JSON_DEPTH, iter_articles, parse_json

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "fixtures/seeds/000_e6f0c9be4bb1d9ca.txt"
GOOD = {"id": "good", "text": "Ministers met on Tuesday to discuss the budget. They agreed on nothing."}


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARTICLE_COMPARE_INDEX", raising=False)


def run(*args: object, input: str | bytes | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def _no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def _jsonl(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


DEEP = "[" * 100_000 + "]" * 100_000

BAD_RECORDS = {
    "deep": ('{"id": "deep", "text": "words here", "extra": ' + DEEP + "}", "nested deeper than 100 levels"),
    "surrogate id": ('{"id": "a\\ud800", "text": "words here"}', "field 'id' holds a lone surrogate escape (\\ud800 at character 2)"),
    "surrogate title": ('{"id": "t", "title": "x\\udfff", "text": "words here"}', "field 'title' holds a lone surrogate escape"),
    "id true": ('{"id": true, "text": "words here"}', "field 'id' must be a string or an integer, not bool (true)"),
    "id float": ('{"id": 1.5, "text": "words here"}', "field 'id' must be a string or an integer, not float (1.5)"),
    "id list": ('{"id": ["a"], "text": "words here"}', "field 'id' must be a string or an integer, not list ([\"a\"])"),
    "control char": ('{"id": "c", "text": "a\x01b"}', "malformed JSON line (Invalid control character at column"),
}


@pytest.mark.parametrize("name", list(BAD_RECORDS))
@pytest.mark.parametrize("command", ["dedup", "ingest", "report"])
def test_one_bad_json_line_is_one_error_line_and_the_rest_is_processed(tmp_path, name, command):
    line, message = BAD_RECORDS[name]
    feed = _jsonl(tmp_path / "feed.jsonl", line, json.dumps(GOOD))
    extra = {"dedup": ["--workers", "0", "-f", "json"], "ingest": ["--index", tmp_path / "i.sqlite", "-f", "json"], "report": ["-f", "json"]}[command]
    result = run(command, feed, *extra)
    _no_traceback(result)
    assert result.exit_code == 1, result.output
    errors = result.stderr.splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"error: {feed}:1: ") and message in errors[0], errors
    assert "at at" not in errors[0]
    if command == "dedup":
        assert json.loads(result.stdout)["articles"] == 1
    elif command == "ingest":
        assert json.loads(result.stdout) == {"id": "good", "status": "new", "matches": []}
    else:
        assert [a["id"] for a in json.loads(result.stdout)["articles"]] == ["good"]


def test_deep_json_document_and_list_items(tmp_path):
    deep_file = tmp_path / "deep.json"
    deep_file.write_text(DEEP, encoding="utf-8")
    items = tmp_path / "items.json"
    items.write_text("[" + json.dumps(GOOD) + ', {"id": "x", "text": "t", "n": ' + DEEP + "}]", encoding="utf-8")
    result = run("dedup", deep_file, SEED, "--workers", "0", "-f", "json")
    _no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == f"error: {deep_file}: JSON nested deeper than 100 levels; an article is an object or a list of objects\n"
    assert json.loads(result.stdout)["articles"] == 1
    # A deep value inside one item of a list refuses the file (it cannot be parsed item by item).
    result = run("dedup", items, SEED, "--workers", "0", "-f", "json")
    assert result.exit_code == 1 and "nested deeper than 100 levels" in result.stderr
    assert json.loads(result.stdout)["articles"] == 1


def test_deep_json_on_standard_input():
    result = run("dedup", "-", "--workers", "0", input=DEEP)
    _no_traceback(result)
    assert result.exit_code == 1
    assert "error: -: JSON nested deeper than 100 levels" in result.stderr
    lines = json.dumps(GOOD) + "\n" + '{"id": "d", "text": "x", "e": ' + DEEP + "}\n"
    result = run("dedup", "-", "--workers", "0", "-f", "json", input=lines)
    _no_traceback(result)
    assert result.exit_code == 1 and json.loads(result.stdout)["articles"] == 1


def test_parse_json_depth_limit_is_exact():
    parse_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH, "x")
    with pytest.raises(InputError, match="nested deeper than 100"):
        parse_json("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "x")
    # Brackets inside strings do not count.
    assert parse_json(json.dumps({"text": "[" * 500}), "x") == {"text": "[" * 500}
    # Wide is fine: many lists side by side.
    assert len(parse_json("[" + ",".join(["[]"] * 10_000) + "]", "x")) == 10_000


def test_integer_ids_still_work(tmp_path):
    feed = _jsonl(tmp_path / "f.jsonl", json.dumps({"id": 12345, "text": "words"}))
    assert [a.id for a in iter_articles([feed])] == ["12345"]


def test_nul_bytes_after_64_kb_are_refused_not_dropped(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    bad = tmp_path / "late_nul.txt"
    bad.write_bytes((text * 30).encode()[:70_000] + b"\x00more text\n")
    result = run("dedup", bad, SEED, "--workers", "0", "-f", "json")
    _no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == f"error: {bad}: binary file (NUL bytes); expected text, HTML or JSON\n"
    assert json.loads(result.stdout)["articles"] == 1


@pytest.mark.skipif(os.name != "posix", reason="file names are bytes on POSIX")
def test_a_file_name_that_is_not_utf8_becomes_a_printable_id(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsencode(folder) + b"/caf\xe9.txt"
    with open(name, "wb") as stream:
        stream.write(SEED.read_bytes())
    result = run("ingest", folder, "--index", tmp_path / "i.sqlite")
    _no_traceback(result)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"new        {folder}/caf\\xe9.txt\n"
    result = run("report", folder, "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["articles"][0]["id"] == f"{folder}/caf\\xe9.txt"


# ---------------------------------------------------------------- option values (item 7)

BAD_OPTIONS = [
    (["dedup", SEED, "--threshold", "nan"], "'--threshold': 'nan' is not a finite number; give a number such as 0.5"),
    (["dedup", SEED, "--containment", "nan"], "'--containment': 'nan' is not a finite number"),
    (["dedup", SEED, "--threshold", "inf"], "'--threshold': inf is not in the range 0.0<x<=1.0"),
    (["dedup", SEED, "--max-article-mb", "inf"], "'--max-article-mb': inf is not in the range"),
    (["pair", SEED, SEED, "--max-article-mb", "nan"], "'--max-article-mb': 'nan' is not a finite number; give a number such as 10"),
    (["ingest", SEED, "--lock-timeout", "inf"], "'--lock-timeout': inf is not in the range"),
    (["ingest", SEED, "--lock-timeout", "1e300"], "'--lock-timeout': 1e+300 is not in the range"),
    (["report", SEED, "-o", ""], "'--output' / '-o': an empty file name; give a file path, or leave -o out"),
    (["pair", SEED, SEED, "-o", ""], "an empty file name"),
    (["dedup", SEED, "-o", "no/such/dir/out.txt"], "'no/such/dir' is not a directory; create it first"),
    (["ingest", SEED, "-o", "/proc/version"], "'/proc/version' is read-only (mode 444); choose another file"),
    (["index", "export", "-o", ""], "an empty file name"),
]


@pytest.mark.parametrize(("args", "message"), BAD_OPTIONS, ids=[" ".join(map(str, a[:1] + a[-2:])) for a, _ in BAD_OPTIONS])
def test_bad_option_values_are_usage_errors_with_a_fix(args, message):
    if "/proc/version" in args and not Path("/proc/version").is_file():
        pytest.skip("no /proc")
    result = run(*args)
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    assert not Path("article-compare-index.sqlite").exists(), "the index was touched before the options were checked"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["dedup", "ingest", "pair"])
def test_a_failing_output_file_is_one_line_and_exit_1(tmp_path, command):
    args = {"dedup": ["dedup", SEED], "ingest": ["ingest", SEED, "--index", tmp_path / "i.sqlite"], "pair": ["pair", SEED, SEED]}[command]
    result = run(*args, "-o", "/dev/full")
    _no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == "Error: cannot write /dev/full: No space left on device\n"


# ---------------------------------------------------------------- per-article work limit (item 4)


def _many_sentences(count: int) -> str:
    return "A long log\n" + "".join(f"Entry {i} was recorded on the day number {i * 7}.\n" for i in range(count))


def test_the_work_limit_refuses_too_many_sentences_or_quotation_marks():
    from compare import Article, compare_articles
    from compare.errors import ArticleTooLongError
    from compare.pair.prepare import DEFAULT_MAX_SENTENCES, check_work_limit

    assert DEFAULT_MAX_SENTENCES == 20_000
    long = Article(id="log", text=_many_sentences(20_000))  # 20,001 sentences with the headline
    with pytest.raises(ArticleTooLongError, match=r"^log: 20,001 sentences is over the work limit for comparing sentence by sentence \(20,000\)"):
        check_work_limit(long)
    with pytest.raises(ArticleTooLongError, match="20,001 sentences"):
        compare_articles(long, SEED.read_text(encoding="utf-8"))
    check_work_limit(long, max_sentences=20_001)
    quoted = Article(id="q", text='Headline\n' + '"Yes," he said. ' * 10_001)
    with pytest.raises(ArticleTooLongError, match=r"^q: 20,002 quotation marks is over the work limit"):
        check_work_limit(quoted)
    check_work_limit(Article(id="ok", text=_many_sentences(19_000)))
    run_on = Article(id="r", text="Headline\n" + "“word word word " * 700)  # 700 quotes, one 11,200-character sentence
    with pytest.raises(ArticleTooLongError, match=r"^r: a sentence of 11,199 characters is over the work limit .* \(10,000\); is this prose\?"):
        check_work_limit(run_on)
    with pytest.raises(ArticleTooLongError, match="a sentence of 11,199 characters"):
        compare_articles(run_on, SEED.read_text(encoding="utf-8"))


def test_two_long_articles_over_the_pair_work_limit_are_refused_before_alignment():
    from compare import Article, compare_articles
    from compare.errors import ArticleTooLongError
    from compare.pair.prepare import DEFAULT_MAX_SENTENCE_PAIRS

    assert DEFAULT_MAX_SENTENCE_PAIRS == 2_000_000
    a = Article(id="a", text=_many_sentences(300))
    b = Article(id="b", text=_many_sentences(400))
    with pytest.raises(ArticleTooLongError, match=r"^a and b: 301 x 401 sentences is over the work limit .* \(100,000 pairs\)"):
        compare_articles(a, b, max_sentence_pairs=100_000)
    assert compare_articles(a, b, max_sentence_pairs=301 * 401).alignments
    # two quotes a sentence: more quote pairs than sentence pairs
    quoted_a = Article(id="qa", text="Headline\n" + "".join(f'"Line {k}," he said, "is here."\n' for k in range(40)))
    quoted_b = Article(id="qb", text="Headline\n" + "".join(f'"Line {k}," she said, "is there."\n' for k in range(40)))
    with pytest.raises(ArticleTooLongError, match=r"^qa and qb: 80 x 80 quotes is over the work limit"):
        compare_articles(quoted_a, quoted_b, max_sentence_pairs=41 * 41)
    assert compare_articles(quoted_a, quoted_b, max_sentence_pairs=80 * 80).quotes


def test_pair_over_the_work_limit_is_one_line_and_exit_1(tmp_path):
    long = tmp_path / "log.txt"
    long.write_text(_many_sentences(500), encoding="utf-8")
    result = run("pair", long, SEED, "--max-sentences", "500")
    _no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {long}: 501 sentences is over the work limit for comparing sentence by sentence (500); is this one article?\n"
    )
    assert run("pair", long, SEED).exit_code == 0


def test_report_leaves_an_article_over_the_work_limit_out_with_one_line(tmp_path):
    long = tmp_path / "log.txt"
    long.write_text(_many_sentences(500), encoding="utf-8")
    seeds = REPO / "fixtures/seeds"
    result = run("report", long, seeds, "-f", "json", "--max-sentences", "500")
    _no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {long}: 501 sentences is over the work limit for comparing sentence by sentence (500); is this one article?\n"
    )
    ids = [a["id"] for a in json.loads(result.stdout)["articles"]]
    assert len(ids) == 5 and str(long) not in ids
    raised = run("report", long, seeds, "-f", "json")
    assert raised.exit_code == 0, raised.output
    assert str(long) in [a["id"] for a in json.loads(raised.stdout)["articles"]]


def test_build_report_raises_without_an_error_handler():
    from compare import Article, build_report
    from compare.errors import ArticleTooLongError

    with pytest.raises(ArticleTooLongError):
        build_report([Article(id="log", text=_many_sentences(500))], max_sentences=500)


def test_report_names_a_pair_over_the_pair_work_limit_and_keeps_it_in_its_story():
    from compare import Article, build_report
    from compare.errors import ArticleTooLongError

    a = Article(id="a", text=_many_sentences(300))
    b = Article(id="b", text=_many_sentences(400).replace("A long log", "Another long log", 1))
    errors: list[ArticleTooLongError] = []
    report = build_report([a, b], workers=0, max_sentence_pairs=100_000, on_error=errors.append)
    assert [str(e) for e in errors] == [
        "a and b: 301 x 401 sentences is over the work limit for comparing sentence by sentence (100,000 pairs); "
        "compare shorter parts of them; the report shows the pair as not compared"
    ]
    [story] = report.stories
    assert story.articles == ("a", "b") and story.agreements == ()
    assert [(e.a, e.b, e.verdict) for e in story.evidence] == [("a", "b", None)]
    with pytest.raises(ArticleTooLongError, match=r"^a and b: 301 x 401 sentences"):
        build_report([a, b], workers=0, max_sentence_pairs=100_000)
    with pytest.raises(ValueError, match="max_sentences and max_sentence_pairs must be positive"):
        build_report([a, b], workers=0, max_sentence_pairs=0)
    compared = build_report([a, b], workers=0, max_sentence_pairs=301 * 401, on_error=errors.append)
    assert len(errors) == 1
    [evidence] = compared.stories[0].evidence
    assert evidence.verdict == "near-duplicate" and evidence.shared_sentences == 300  # headlines differ


def test_report_cli_prints_one_line_for_a_pair_over_the_pair_work_limit(tmp_path):
    # 1,501 x 1,501 sentences: each article is within the per-article limit, the pair is over 2,000,000.
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(_many_sentences(1500), encoding="utf-8")
    b.write_text(_many_sentences(1500).replace("A long log", "Another long log", 1), encoding="utf-8")
    result = run("report", a, b, "-f", "json")
    _no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {a} and {b}: 1,501 x 1,501 sentences is over the work limit for comparing sentence by sentence "
        "(2,000,000 pairs); compare shorter parts of them; the report shows the pair as not compared\n"
    )
    [story] = json.loads(result.stdout)["stories"]
    assert story["articles"] == [str(a), str(b)]


def test_report_to_a_device_writes_no_heatmap_beside_it(tmp_path):
    result = run("report", REPO / "fixtures/seeds", "-o", "/dev/null")
    assert result.exit_code == 0, result.output
    assert not Path("/dev/null.svg").exists()
