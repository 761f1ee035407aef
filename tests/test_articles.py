"""Loaders: every input format, every id rule, every bad input.

Policy under test (documented in the README): a bad file or JSON line is
reported as one line naming it and the problem, the rest of the batch is still
loaded, and the command exits non-zero at the end. The CLI half runs
``article-compare dedup`` through click's CliRunner.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from compare.article import Article
from compare.errors import InputError
from compare.load.articles import DEFAULT_MAX_ARTICLE_BYTES, iter_articles, load_article
from compare.text.plain import clean_plain_text
from evaluation import SHARED_DIR

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
METER = SHARED_DIR / "data" / "meter-showbiz"


def load_all(paths, **options):
    """Articles and the InputErrors met while loading ``paths`` (never raises)."""
    errors: list[InputError] = []
    articles = list(iter_articles([str(p) for p in paths], on_error=errors.append, **options))
    return articles, errors


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


STORY = "Council Approves Cycle Lanes\n\nCouncillors voted on Tuesday to build protected cycle lanes on three roads.\n"


# --- plain text -----------------------------------------------------------------------------


def test_utf8_text_keeps_the_path_as_given_as_id_and_guesses_the_title(monkeypatch):
    monkeypatch.chdir(REPO)
    article = load_article("fixtures/unrelated/chip_plant_opening.txt")
    assert article.id == "fixtures/unrelated/chip_plant_opening.txt"
    assert article.title == "Chipmaker Opens $2 Billion Plant, Promising 1,400 Jobs"
    assert article.text.startswith("Chipmaker Opens")
    assert "1,400 staff" in article.text


def test_utf8_bom_is_dropped_and_the_text_decoded():
    raw = (FIXTURES / "variants/002_utf8_bom_kyiv_spelling.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    article = load_article(FIXTURES / "variants/002_utf8_bom_kyiv_spelling.txt")
    assert not article.text.startswith("\ufeff")
    assert "\ufeff" not in article.text
    assert article.title == "U.S. 'Escalating' Russia-Ukraine Tensions by Arming Kyiv – Kremlin"


def test_utf16_with_bom_is_decoded(tmp_path):
    path = write(tmp_path / "utf16.txt", STORY.encode("utf-16"))
    assert load_article(path).text == STORY


def test_latin1_wire_copy_fixture_is_decoded_and_its_line_ends_undone():
    article = load_article(FIXTURES / "variants/003_wire_copy_latin1.txt")
    assert "\ufffd" not in article.text
    assert "200 million dollars (£147 million)" in article.text
    assert article.title == "RUSSIA TO WEST: STOP SUPPLYING WEAPONS TO UKRAINE"
    # Wrapped wire lines are joined into one line per paragraph, the `<` markers dropped.
    assert not any(line.rstrip().endswith("<") for line in article.text.splitlines())
    assert (
        "Britain said this week it had begun supplying Ukraine with anti-tank weapons." in article.text.splitlines()
    )
    assert "``critical.''" in article.text  # wire quotes are kept as loaded; normalize() folds them


def test_cp1252_smart_quotes_are_decoded_not_replaced(tmp_path):
    path = write(tmp_path / "legacy.txt", "She said \x93I have fallen in love\x94 \x96 and the fee was \xa35 million.\n".encode("latin-1"))
    assert load_article(path).text == "She said “I have fallen in love” – and the fee was £5 million.\n"


@pytest.mark.shared_data
def test_every_meter_file_decodes_without_replacement_characters():
    if not METER.is_dir():
        pytest.skip("../shared/data/meter-showbiz is absent")
    articles, errors = load_all([METER])
    assert errors == []
    assert len(articles) == len(list(METER.rglob("*.txt")))
    assert [a.id for a in articles if "\ufffd" in a.text] == []
    by_name = {Path(a.id).name: a for a in articles}
    # Known Latin-1 / cp1252 bytes in METER: 0xA3 (pound), 0xE9 (é), 0x93/0x94 (curly quotes), 0x97 (em dash).
    assert "£3 million" in by_name["zeta152_times.txt"].text
    assert "“I've fallen In love" in by_name["shaw10_mail.txt"].text
    assert "—" in by_name["shaw1_sun.txt"].text


@pytest.mark.shared_data
def test_meter_wire_copy_paragraphs_are_rejoined():
    wire = METER / "PA/10.08.99/oasis/oasis1.txt"
    if not wire.is_file():
        pytest.skip("../shared/data/meter-showbiz is absent")
    article = load_article(wire)
    assert article.title == "OASIS STAR BONEHEAD QUITS"
    assert (
        "Oasis guitarist Paul ``Bonehead'' Arthurs has quit the hugely successful rock band after eight years."
        in article.text.splitlines()
    )
    assert "\x19" not in article.text  # the ^Y control byte before every wire paragraph


# --- HTML -------------------------------------------------------------------------------------


def test_html_page_gives_main_text_and_metadata_via_trafilatura():
    article = load_article(FIXTURES / "variants/004_syndicated_page.html")
    assert article.id.endswith("variants/004_syndicated_page.html")
    assert article.title == "Kremlin calls Western security assurances for Ukraine a dangerous mistake"
    assert article.source == "The Baltic Ledger"
    assert article.url == "https://www.balticledger.example/world/2023/07/12/kremlin-calls-western-security-assurances-dangerous-mistake"
    assert article.published == "2023-07-12"
    assert article.text.startswith("MOSCOW (Reuters) - The Kremlin said on Wednesday")
    assert "Kosachyov wrote on Telegram." in article.text
    # Page chrome stays out of the article text.
    for chrome in ("Cookie settings", "Advertisement", "Newsletters", "All rights reserved", "Grain deal talks"):
        assert chrome not in article.text


def test_html_without_article_text_is_an_input_error(tmp_path):
    path = write(tmp_path / "empty_page.html", "<html><head><title>x</title><script>var a = 1;</script></head><body><img src='a.png'></body></html>")
    articles, errors = load_all([path])
    assert articles == []
    assert [str(e) for e in errors] == [f"{path}: no article text found in the HTML page"]


# --- JSON and JSON lines ----------------------------------------------------------------------


def test_json_object_maps_every_field():
    article = load_article(FIXTURES / "formats/001_json_record.json")
    assert article == Article(
        id="mt-2022-01-18-uk-defensive-aid",
        text=article.text,
        title="Ukraine Receives Defensive Military Aid from U.K.",
        source="The Moscow Times",
        url="https://www.themoscowtimes.com/2022/01/18/ukraine-receives-defensive-military-aid-from-uk-a76069",
        published="2022-01-18",
    )
    assert article.text == (FIXTURES / "seeds/001_70d18d04582d512c.txt").read_text(encoding="utf-8").strip("\n") + "\n"


def test_json_list_items_without_id_get_path_and_item_number(tmp_path):
    path = write(tmp_path / "list.json", json.dumps([{"text": STORY}, {"id": 7, "text": "Second story text."}]))
    articles, errors = load_all([path])
    assert errors == []
    assert [a.id for a in articles] == [f"{path}:1", "7"]


def test_jsonl_ids_are_the_id_field_else_path_and_line(monkeypatch):
    monkeypatch.chdir(REPO)
    path = "fixtures/formats/three_articles.jsonl"
    articles, errors = load_all([path])
    assert errors == []
    assert [a.id for a in articles] == [
        "reuters-2023-07-12-kremlin-assurances",
        "ledger-2024-03-05-cycle-lanes",
        f"{path}:3",
    ]
    reuters, ledger, reservoir = articles
    assert (reuters.source, reuters.published) == ("Reuters", "2023-07-12")
    # The html record goes through trafilatura: title from the page, nav and footer dropped.
    assert ledger.title == "Council Approves Protected Cycle Lanes on Three Main Roads"
    assert ledger.source == "The Local Ledger"
    assert "Home" not in ledger.text.split()
    assert "© 2024" not in ledger.text
    assert reservoir.title == "Water Company Announces Hosepipe Ban as Reservoirs Fall to 38%"


def test_malformed_json_line_is_reported_with_its_line_number_and_other_lines_still_load(tmp_path):
    path = write(
        tmp_path / "batch.jsonl",
        '{"id": "a", "text": "First story."}\n{"id": "b", "text": "unterminated\n\n{"id": "c", "text": "Third story."}\n',
    )
    articles, errors = load_all([path])
    assert [a.id for a in articles] == ["a", "c"]
    assert len(errors) == 1
    assert str(errors[0]).startswith(f"{path}:2: malformed JSON line (")
    assert "\n" not in str(errors[0])


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"id": "x", "title": "no text"}', "no article text: give a non-empty 'text' or 'html' field"),
        ('{"id": "x", "text": ["a", "list"]}', "field 'text' must be a string, not list"),
        ('["not", "an", "object"]', "expected a JSON object with a 'text' or 'html' field"),
        ('{"id": "x", "text": "   "}', "no article text: give a non-empty 'text' or 'html' field"),
    ],
)
def test_json_line_with_wrong_fields_names_the_problem(tmp_path, line, problem):
    path = write(tmp_path / "fields.jsonl", '{"id": "ok", "text": "Fine story."}\n' + line + "\n")
    articles, errors = load_all([path])
    assert [a.id for a in articles] == ["ok"]
    assert [str(e) for e in errors] == [f"{path}:2: {problem}"]


def test_invalid_utf8_in_a_json_line_is_reported_and_the_next_line_loads(tmp_path):
    path = write(tmp_path / "bytes.jsonl", b'{"id": "a", "text": "caf\xe9"}\n{"id": "b", "text": "Fine."}\n')
    articles, errors = load_all([path])
    assert [a.id for a in articles] == ["b"]
    assert [str(e) for e in errors] == [f"{path}:1: not valid UTF-8 (JSON lines must be UTF-8)"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"id": "x", "text": ', "malformed JSON (Expecting value at line 1 column 21)"),
        ("42", "JSON must be an article object or a list of them"),
    ],
)
def test_malformed_json_document_is_one_error(tmp_path, content, problem):
    path = write(tmp_path / "doc.json", content)
    articles, errors = load_all([path])
    assert articles == []
    assert [str(e) for e in errors] == [f"{path}: {problem}"]


def test_jsonl_with_bom_and_crlf_line_ends(tmp_path):
    path = write(tmp_path / "export.jsonl", b'\xef\xbb\xbf{"id": "a", "text": "One."}\r\n{"id": "b", "text": "Two."}\r\n')
    articles, errors = load_all([path])
    assert (errors, [a.id for a in articles]) == ([], ["a", "b"])


def test_json_file_holding_json_lines_is_read_leniently(tmp_path):
    path = write(tmp_path / "lines.json", '{"id": "a", "text": "One."}\n{"id": "b", "text": "Two."}\n')
    articles, errors = load_all([path])
    assert (errors, [a.id for a in articles]) == ([], ["a", "b"])


def test_empty_json_list_is_an_input_error_not_silence(tmp_path):
    path = write(tmp_path / "export.json", "[]")
    articles, errors = load_all([path])
    assert articles == []
    assert [str(e) for e in errors] == [f"{path}: JSON list holds no articles"]


# --- directories and stdin --------------------------------------------------------------------


def test_directory_is_searched_recursively_by_extension_with_ids_relative_to_the_argument(tmp_path, monkeypatch):
    root = tmp_path / "inbox"
    write(root / "a.txt", STORY)
    write(root / "wire/2024/b.TXT", "Second story about the harbour.\n")
    write(root / "wire/c.jsonl", '{"text": "Third story."}\n')
    write(root / "notes.md", "not an article")
    write(root / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(root / ".cache/d.txt", "hidden directories are skipped")
    monkeypatch.chdir(tmp_path)
    articles, errors = load_all(["inbox"])
    assert errors == []
    assert [a.id for a in articles] == ["inbox/a.txt", "inbox/wire/2024/b.TXT", "inbox/wire/c.jsonl:1"]


def test_fixture_directory_loads_every_fixture():
    articles, errors = load_all([FIXTURES])
    assert errors == []
    files = [p for p in FIXTURES.rglob("*") if p.suffix in {".txt", ".html", ".json"}]
    jsonl_lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in FIXTURES.rglob("*.jsonl"))
    assert len(articles) == len(files) + jsonl_lines
    assert len({a.id for a in articles}) == len(articles)


def test_empty_directory_is_an_input_error(tmp_path):
    (tmp_path / "nothing").mkdir()
    articles, errors = load_all([tmp_path / "nothing"])
    assert articles == []
    assert [e.problem for e in errors] == ["directory holds no .txt, .html, .json or .jsonl files"]


def test_stdin_plain_text():
    (article,) = iter_articles(["-"], stdin=io.BytesIO(STORY.encode()))
    assert article.id == "-"
    assert article.title == "Council Approves Cycle Lanes"


def test_stdin_json_lines_get_ids_and_a_bad_line_is_reported():
    data = b'{"id": "a", "text": "First."}\n{broken\n{"text": "Third."}\n'
    errors: list[InputError] = []
    articles = list(iter_articles(["-"], stdin=io.BytesIO(data), on_error=errors.append))
    assert [a.id for a in articles] == ["a", "-:3"]
    assert [e.where for e in errors] == ["-:2"]


def test_stdin_html():
    html = (FIXTURES / "variants/004_syndicated_page.html").read_bytes()
    (article,) = iter_articles(["-"], stdin=io.BytesIO(html))
    assert article.source == "The Baltic Ledger"
    assert article.published == "2023-07-12"


def test_empty_stdin_is_an_input_error():
    errors: list[InputError] = []
    assert list(iter_articles(["-"], stdin=io.BytesIO(b""), on_error=errors.append)) == []
    assert [str(e) for e in errors] == ["-: empty file"]


def test_stdin_over_the_limit_is_refused():
    errors: list[InputError] = []
    articles = list(iter_articles(["-"], stdin=io.BytesIO(b"x" * 2048), max_article_bytes=1024, on_error=errors.append))
    assert articles == []
    assert errors[0].where == "-"
    assert "over the 0.0 MB limit" in errors[0].problem


# --- bad files --------------------------------------------------------------------------------

RANDOM_HIGH_BYTES = bytes(range(128, 256)) * 20  # no NULs, not UTF-8, no 8-bit text encoding fits


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b" \n\n\t\n", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary file (NUL bytes); expected text, HTML or JSON"),
        ("noise.txt", RANDOM_HIGH_BYTES, "cannot decode: not UTF-8 and no legacy text encoding fits (binary file?)"),
        ("bad_bom.txt", b"\xef\xbb\xbfStory text \xff\xfe more", "not valid UTF-8 at byte 11"),
        ("empty.jsonl", b"\n\n", "empty file"),
        ("empty.json", b"", "empty file"),
        ("empty.html", b"", "empty file"),
    ],
)
def test_bad_file_gives_one_line_error_naming_file_and_problem(tmp_path, name, data, problem):
    bad = write(tmp_path / name, data)
    good = write(tmp_path / "good.txt", STORY)
    articles, errors = load_all([bad, good])
    assert [a.id for a in articles] == [str(good)]
    assert [str(e) for e in errors] == [f"{bad}: {problem}"]


def test_missing_path_is_reported_and_loading_goes_on(tmp_path):
    good = write(tmp_path / "good.txt", STORY)
    articles, errors = load_all([tmp_path / "missing.txt", good])
    assert [a.id for a in articles] == [str(good)]
    assert [str(e) for e in errors] == [f"{tmp_path / 'missing.txt'}: no such file or directory"]


def test_without_on_error_the_first_problem_is_raised(tmp_path):
    with pytest.raises(InputError, match=r"missing\.txt: no such file or directory"):
        list(iter_articles([tmp_path / "missing.txt"]))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_reported(tmp_path):
    locked = write(tmp_path / "locked.txt", STORY)
    locked.chmod(0)
    articles, errors = load_all([locked])
    assert articles == []
    assert str(errors[0]).startswith(f"{locked}: cannot read: ")


def make_50mb_file(path: Path) -> Path:
    line = b"The harbour authority said the new quay would open next spring. " * 16 + b"\n"
    with path.open("wb") as out:
        for _ in range((50 * 1024 * 1024) // len(line) + 1):
            out.write(line)
    return path


def test_50mb_file_is_refused_with_the_size_limit_and_others_still_load(tmp_path):
    huge = make_50mb_file(tmp_path / "dump.txt")
    good = write(tmp_path / "good.txt", STORY)
    articles, errors = load_all([huge, good])
    assert [a.id for a in articles] == [str(good)]
    # The library names its own parameter; the CLI words the hint with its option (test below).
    assert [str(e) for e in errors] == [
        f"{huge}: 50.0 MB is over the 10.0 MB limit for one article (raise max_article_bytes)"
    ]
    assert huge.stat().st_size > DEFAULT_MAX_ARTICLE_BYTES


def test_oversized_json_line_is_refused_and_the_next_line_loads(tmp_path):
    path = write(tmp_path / "big.jsonl", json.dumps({"id": "big", "text": "word " * 400}) + "\n" + '{"id": "small", "text": "Fine."}\n')
    articles, errors = load_all([path], max_article_bytes=1000)
    assert [a.id for a in articles] == ["small"]
    assert [e.where for e in errors] == [f"{path}:1"]
    assert "over the 0.0 MB limit for one article" in errors[0].problem


def test_max_article_bytes_must_be_positive():
    with pytest.raises(ValueError, match="max_article_bytes must be positive"):
        list(iter_articles(["-"], max_article_bytes=0))


# --- the same through the command line --------------------------------------------------------


@pytest.fixture
def dedup_cli():
    """Run ``article-compare dedup ARGS --format json``; returns (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    from compare.cli import main

    def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, ["dedup", *args, "--format", "json"], input=stdin)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result.exit_code, result.stdout, result.stderr

    return run


def copy_fixture(name: str, into: Path) -> Path:
    return Path(shutil.copy(FIXTURES / name, into / Path(name).name))


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary file (NUL bytes); expected text, HTML or JSON"),
        ("noise.txt", RANDOM_HIGH_BYTES, "cannot decode: not UTF-8 and no legacy text encoding fits (binary file?)"),
        ("bad.json", b'{"id": 1, "text": ', "malformed JSON (Expecting value at line 1 column 19)"),
    ],
)
def test_cli_reports_a_bad_file_in_one_line_exits_1_and_still_deduplicates_the_rest(dedup_cli, tmp_path, name, data, problem):
    bad = write(tmp_path / name, data)
    seed = copy_fixture("seeds/000_e6f0c9be4bb1d9ca.txt", tmp_path)
    variant = copy_fixture("variants/000_new_headline.txt", tmp_path)
    code, out, err = dedup_cli(str(bad), str(seed), str(variant))
    assert code == 1
    assert err.splitlines() == [f"error: {bad}: {problem}"]
    assert "Traceback" not in out + err
    report = json.loads(out)
    assert report["articles"] == 2
    assert report["clusters"] == [[str(seed), str(variant)]]


def test_cli_missing_path(dedup_cli, tmp_path):
    seed = copy_fixture("seeds/003_625db1e6dcb7c4b7.txt", tmp_path)
    code, out, err = dedup_cli(str(tmp_path / "nope.txt"), str(seed))
    assert code == 1
    assert err.splitlines() == [f"error: {tmp_path / 'nope.txt'}: no such file or directory"]
    assert json.loads(out)["articles"] == 1


def test_cli_malformed_json_line_names_the_line_and_keeps_the_other_lines(dedup_cli, tmp_path):
    seed = (FIXTURES / "seeds/003_625db1e6dcb7c4b7.txt").read_text(encoding="utf-8")
    trimmed = (FIXTURES / "variants/003_trimmed_ending.txt").read_text(encoding="utf-8")
    path = write(
        tmp_path / "feed.jsonl",
        json.dumps({"id": "seed", "text": seed}) + "\n{not json}\n" + json.dumps({"id": "trimmed", "text": trimmed}) + "\n",
    )
    code, out, err = dedup_cli(str(path))
    assert code == 1
    (line,) = err.splitlines()
    assert line.startswith(f"error: {path}:2: malformed JSON line (")
    report = json.loads(out)
    assert report["articles"] == 2
    assert report["clusters"] == [["seed", "trimmed"]]


def test_cli_refuses_a_50mb_file_and_names_the_limit(dedup_cli, tmp_path):
    huge = make_50mb_file(tmp_path / "dump.txt")
    seed = copy_fixture("seeds/004_df846c121b610a3c.txt", tmp_path)
    code, out, err = dedup_cli(str(huge), str(seed))
    assert code == 1
    assert err.splitlines() == [f"error: {huge}: 50.0 MB is over the 10.0 MB limit for one article (raise it with --max-article-mb)"]
    assert json.loads(out)["articles"] == 1


def test_cli_reads_standard_input(dedup_cli):
    seed = (FIXTURES / "seeds/002_368f83f70b87536e.txt").read_text(encoding="utf-8")
    bom = (FIXTURES / "variants/002_utf8_bom_kyiv_spelling.txt").read_bytes().decode("utf-8-sig")
    feed = (json.dumps({"id": "kiev", "text": seed}) + "\n" + json.dumps({"id": "kyiv", "text": bom}) + "\n").encode()
    code, out, err = dedup_cli("-", stdin=feed)
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["articles"] == 2
    assert report["clusters"] == [["kiev", "kyiv"]]


def test_cli_on_the_fixture_directory_groups_each_variant_with_its_seed(dedup_cli, monkeypatch):
    monkeypatch.chdir(REPO)
    code, out, err = dedup_cli("fixtures")
    assert (code, err) == (0, "")
    clusters = {frozenset(c) for c in json.loads(out)["clusters"]}
    expected = {
        frozenset({"fixtures/seeds/000_e6f0c9be4bb1d9ca.txt", "fixtures/variants/000_new_headline.txt", "fixtures/variants/000_other_site_chrome.txt"}),
        frozenset({"fixtures/seeds/001_70d18d04582d512c.txt", "mt-2022-01-18-uk-defensive-aid"}),
        frozenset({"fixtures/seeds/002_368f83f70b87536e.txt", "fixtures/variants/002_utf8_bom_kyiv_spelling.txt"}),
        frozenset({"fixtures/seeds/003_625db1e6dcb7c4b7.txt", "fixtures/variants/003_trimmed_ending.txt", "fixtures/variants/003_wire_copy_latin1.txt"}),
        frozenset({"fixtures/seeds/004_df846c121b610a3c.txt", "fixtures/variants/004_syndicated_page.html", "reuters-2023-07-12-kremlin-assurances"}),
        frozenset({"fixtures/unrelated/city_council_cycle_lanes.txt", "ledger-2024-03-05-cycle-lanes"}),
        frozenset({"fixtures/unrelated/reservoir_drought_hosepipe_ban.txt", "fixtures/formats/three_articles.jsonl:3"}),
    }
    assert clusters == expected


def test_inline_formatting_tags_in_plain_text_are_dropped_but_other_angle_brackets_kept():
    article = Article.from_text("Kremlin: arms\nThe Kremlin <u>said</u> Tuesday, <a href='x'>citing</a> sources.<br>Prices rose 3 < 4 times.\n")
    assert article.text == "Kremlin: arms\nThe Kremlin said Tuesday, citing sources.\nPrices rose 3 < 4 times.\n"


def test_seed_with_underline_tags_loads_without_markup():
    article = load_article(FIXTURES / "seeds" / "002_368f83f70b87536e.txt")
    assert "<u>" not in article.text and "</u>" not in article.text
    assert "the Kremlin said Tuesday" in article.text


def test_json_lines_on_stdin_are_streamed_without_a_total_limit():
    """The limit is per article: a feed piped into ingest or dedup must not be refused as a whole
    ("standard input is over the 10.0 MB limit ... pipe JSON lines" while piping JSON lines)."""
    line = json.dumps({"text": "A short story of a few words. " * 10}) + "\n"
    data = line.encode() * 100  # 32 kB in all, 321 bytes a line
    errors: list[InputError] = []
    articles = list(iter_articles(["-"], stdin=io.BytesIO(data), max_article_bytes=1024, on_error=errors.append))
    assert errors == []
    assert [a.id for a in articles] == [f"-:{n}" for n in range(1, 101)]


def test_one_json_object_on_stdin_keeps_the_id_dash():
    (article,) = iter_articles(["-"], stdin=io.BytesIO(b'{"text": "Only one."}\n'))
    assert article.id == "-"


def test_json_lines_in_a_json_file_may_hold_a_raw_line_separator(tmp_path):
    """U+2028 and U+0085 are legal unescaped inside JSON strings (json.dumps(ensure_ascii=False)
    writes them raw); they used to split the line and lose the article as 'malformed'."""
    records = [{"id": "p", "text": "First part.\u2028Second part\u0085after it."}, {"id": "q", "text": "Another story."}]
    path = tmp_path / "feed.json"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    errors: list[InputError] = []
    articles = list(iter_articles([path], on_error=errors.append))
    assert errors == []
    assert [a.id for a in articles] == ["p", "q"]


def test_utf8_with_one_stray_windows_1252_byte_keeps_its_utf8(tmp_path):
    """One cp1252 en dash in a UTF-8 file made the whole file decode as a legacy encoding:
    every curly apostrophe became mojibake and an exact copy was only a near-duplicate."""
    original = (FIXTURES / "seeds/000_e6f0c9be4bb1d9ca.txt").read_bytes()
    cut = original.index(b".")
    path = tmp_path / "pasted.txt"
    path.write_bytes(original[:cut] + b" \x96" + original[cut:])
    article = load_article(path)
    head, tail = original[:cut].decode("utf-8"), original[cut:].decode("utf-8")
    assert article.text == clean_plain_text(head + " \u2013" + tail)
    assert "\ufffd" not in article.text
