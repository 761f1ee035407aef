"""The layout's rules, checked over the source with ``ast`` (issue 7).

- imports point down the pipeline: text -> article -> load -> dedup / pair ->
  report / spark -> render -> cli; stages of one level do not import each other;
- no import circle between modules, counting imports inside functions (they
  once hid the circle align -> quotes -> align);
- no module imports another module's ``_private`` name;
- each shared helper exists once;
- the library never imports click, renderers call no analysis, and the CLI has
  one error boundary.

Imports under ``if TYPE_CHECKING:`` are left out: they are annotations, not
dependencies.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "compare"

#: Level of each part of the package; a module may import its own part or a lower level.
LEVELS = {
    "compare.errors": 0,
    "compare.graph": 0,
    "compare.parallel": 0,
    "compare.text": 1,
    "compare.article": 2,
    "compare.load": 3,
    "compare.dedup": 4,
    "compare.pair": 4,
    "compare.report": 5,
    "compare.spark": 5,
    "compare.render": 6,
    "compare.cli": 7,
    "compare.__main__": 8,
    "compare.spark.submit": 8,  # spark-submit's entry point: runs the CLI
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


#: Every module of the package except ``compare`` itself, the lazy public facade above every layer.
MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py")) if path != PACKAGE / "__init__.py"}


def part_of(module: str) -> str:
    """The entry of LEVELS a module belongs to (its subpackage, or itself)."""
    for part in sorted(LEVELS, key=len, reverse=True):
        if module == part or module.startswith(part + "."):
            return part
    raise AssertionError(f"{module} is in no layer of LEVELS; add it to the layout")


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node outside ``if TYPE_CHECKING:`` blocks."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return out


def imports_of(module: str) -> list[tuple[str, str | None, int]]:
    """(imported module, imported name or None, line) for every runtime import of a compare module."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: list[tuple[str, str | None, int]] = []
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names if alias.name.startswith("compare")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("compare") and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in MODULES:  # ``from compare.pair import diff``: the module itself
                    found.append((submodule, None, node.lineno))
                else:
                    found.append((node.module, alias.name, node.lineno))
    return found


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for module in MODULES:
        edges[module] = {
            target for target, _, _ in imports_of(module) if target in MODULES and target != module
        }
    return edges


def test_every_module_belongs_to_a_layer():
    for module in MODULES:
        part_of(module)


def test_imports_point_down_the_pipeline():
    wrong = []
    for module, targets in graph().items():
        here = part_of(module)
        for target in targets:
            there = part_of(target)
            if there != here and LEVELS[there] >= LEVELS[here]:
                wrong.append(f"{module} imports {target} ({there} is not below {here})")
    assert not wrong, "\n".join(wrong)


def test_no_import_circle():
    edges = graph()
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges.get(module, ())):
            if state.get(target) == 1:
                circles.append([*path[path.index(target) :], target] if target in path else [module, target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not circles, "import circles: " + "; ".join(" -> ".join(c) for c in circles)


def test_no_private_name_imported_from_another_module():
    wrong = [
        f"{module}:{line} imports {name} from {target}"
        for module in MODULES
        for target, name, line in imports_of(module)
        if name is not None and name.startswith("_") and target != module
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("marker", "home"),
    [
        ("parent[parent[", "compare/graph.py"),  # union-find path halving
        ("blake2b(", "compare/text/chrome.py"),  # line-key hashing
        ("0x9E3779B97F4A7C15", "compare/dedup/fingerprint.py"),  # the 64-bit mixing constant
        ("def chunked(", "compare/parallel.py"),
        ("class BoilerplateLearner", "compare/text/chrome.py"),
        ("LEARN_MIN_ARTICLES = ", "compare/text/chrome.py"),
        ("LEARN_MAX_WORDS = ", "compare/text/chrome.py"),
        # compare/text/lexicon.py: one copy of each word list (issue 7)
        ("def speaker_key(", "compare/text/lexicon.py"),
        ('"wednesday"', "compare/text/lexicon.py"),  # day names
        ("wednesday thursday", None),
        ("Wednesday|Thursday", None),
        ('"sept"', "compare/text/lexicon.py"),  # month names and abbreviations
        ("september october", None),
        ('"jun": 6', None),
        ("reverend capt captain", "compare/text/lexicon.py"),  # titles
        ("Mr|Mrs|Ms|Dr", "compare/text/lexicon.py"),  # honorifics
        ('"quipped"', "compare/text/lexicon.py"),  # cue verbs
        ("quipped|shouted", None),
        ("said|says", None),  # the shorter cue-verb lists are lexicon tuples joined where used
        ('"warns": "warned"', "compare/text/lexicon.py"),  # FRAMING_VERBS
        ('"urged", "urging"', "compare/text/lexicon.py"),  # QUOTE_LEAD_VERBS, ADDRESS_VERBS
        ('"stated", "insisted", "claimed"', "compare/text/lexicon.py"),  # REPORTING_VERBS
        # capitalised-name patterns: each distinct one once, in the lexicon
        ("def capitalised_run(", "compare/text/lexicon.py"),
        (r"[A-Z][\w'’-]*", "compare/text/lexicon.py"),  # CAPITALISED_WORD
        (r"[A-Z][\w'’\-]*", None),
        (r"\b[A-Z][\w'-]*", "compare/text/lexicon.py"),  # MATCHER_CAPITALISED_WORD
        ("al|bin|de|van|von|der", "compare/text/lexicon.py"),  # SPEAKER_NAME_RUN
        ("of|for|al|de", "compare/text/lexicon.py"),  # ENTITY_NAME_RUN
        ("of|de|al|van|von|the", "compare/text/lexicon.py"),  # STORY_NAME_RUN
        ("whom what when", "compare/text/lexicon.py"),  # STOPWORDS
        ('"yesterday", "you"', "compare/text/lexicon.py"),  # SHINGLE_STOPWORDS
        ("def _slug(", None),
        ("def _chunks(", None),
        ("def _chunked(", None),
    ],
)
def test_shared_helper_is_written_once(marker, home):
    holders = sorted(
        str(path.relative_to(PACKAGE.parent)) for path in MODULES.values() if marker in path.read_text(encoding="utf-8")
    )
    assert holders == ([home] if home else []), f"{marker!r} in {holders}"


def _raised_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of every string literal inside a ``raise`` or an error-handler call."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) or (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("handle", "InputError")
        ):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                    found.append((inner.lineno, inner.value))
    return found


def test_library_error_messages_name_no_cli_option():
    """Library errors name the library's parameters (``max_article_bytes``); the CLI words
    their ``Hint`` with its own options (``--max-article-mb``) when it prints them."""
    import re

    option = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
    wrong = []
    for module, path in MODULES.items():
        if part_of(module) in ("compare.cli", "compare.__main__", "compare.spark.submit"):
            continue
        for line, text in _raised_strings(ast.parse(path.read_text(encoding="utf-8"))):
            if "python -m evaluation" in text:
                continue  # a repository tool's option (refitting a model), not the CLI's
            wrong += [f"{module}:{line}: {text!r}" for _ in option.finditer(text)]
    assert not wrong, "\n".join(wrong)


def test_library_never_imports_click():
    wrong = []
    for module, path in MODULES.items():
        if part_of(module) in ("compare.cli", "compare.__main__"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            wrong += [f"{module}:{node.lineno}" for name in names if name.split(".")[0] == "click"]
    assert not wrong, wrong


#: Modules renderers may import anything from: records, escaping and each other. From other
#: modules they may import record classes (CapWords names) only: no analysis function.
RENDER_MAY_IMPORT = ("compare.render", "compare.pair.model", "compare.report.model", "compare.dedup.batch", "compare.dedup.stream", "compare.dedup.index.base", "compare.text.chrome")


def test_renderers_import_records_only():
    wrong = []
    for module in MODULES:
        if part_of(module) != "compare.render":
            continue
        for target, name, line in imports_of(module):
            if not target.startswith(RENDER_MAY_IMPORT) and not (name and name[:1].isupper()):
                wrong.append(f"{module}:{line} imports {name or ''} from {target}")
    assert not wrong, "\n".join(wrong)


def test_renderers_read_labels_from_fields_not_from_text():
    """A renderer tests a record's field (``Divergence.background``), never a word inside its
    text (``"substantive" in d.detail``): labels are not encoded into strings and parsed back."""
    wrong = []
    for module, path in MODULES.items():
        if part_of(module) != "compare.render":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
                wrong += [
                    f"{module}:{node.lineno}"
                    for side in node.comparators
                    if isinstance(side, ast.Attribute) and side.attr in ("detail", "kind", "verdict", "relation")
                ]
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("endswith", "startswith")
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr in ("detail", "kind", "verdict", "relation")
            ):
                wrong.append(f"{module}:{node.lineno}")
    assert not wrong, "label parsed out of a string: " + ", ".join(wrong)


def test_cli_has_one_error_boundary():
    source = (PACKAGE / "cli.py").read_text(encoding="utf-8")
    assert source.count("except ArticleCompareError as error") == 1


#: The main entry points: each docstring carries a runnable example, and pytest runs the
#: examples of their modules (``--doctest-modules`` on the ``testpaths`` of pyproject.toml).
ENTRY_POINTS = {
    "compare_articles": "compare/pair/compare.py",
    "find_duplicates": "compare/dedup/batch.py",
    "ingest": "compare/dedup/stream.py",
    "open_index": "compare/dedup/index/__init__.py",
    "build_report": "compare/report/build.py",
    "load_article": "compare/load/articles.py",
}


def test_every_public_name_has_a_docstring_and_entry_points_have_examples(pytestconfig):
    import inspect

    import compare

    undocumented = []
    for name in compare.__all__:
        value = getattr(compare, name)
        own = vars(value).get("__doc__") if isinstance(value, type) else getattr(value, "__doc__", None)
        # A dataclass without a docstring gets its signature as one: "Summary(articles: int, ...)".
        if not own or not own.strip() or own.startswith(f"{value.__name__}("):
            undocumented.append(name)
    assert not undocumented, f"public names without a docstring: {undocumented}"
    testpaths = pytestconfig.getini("testpaths")
    for name, module in ENTRY_POINTS.items():
        assert ">>>" in (inspect.getdoc(getattr(compare, name)) or ""), f"{name} has no runnable example"
        assert module in testpaths, f"pytest does not run the examples of {module}"


def test_public_api_is_complete_and_lazy():
    import subprocess
    import sys

    code = (
        "import sys, compare\n"
        "assert 'compare.pair' not in sys.modules and 'datasketch' not in sys.modules, 'import compare is not lazy'\n"
        "assert sorted(compare.__all__) == sorted(compare._LAZY)\n"
        "missing = [n for n in compare.__all__ if getattr(compare, n, None) is None]\n"
        "assert not missing, missing\n"
        "print(compare.__version__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip()


def test_report_learns_chrome_once(monkeypatch):
    """``build_report`` learns the batch's chrome once and hands it to dedup, which then does not
    learn it again (it once learned it twice: for the stories and inside ``find_duplicates``)."""
    from compare.dedup import fingerprinter
    from compare.load.articles import iter_articles
    from compare.report.build import build_report
    from compare.text import chrome

    calls = {"report": 0, "dedup": 0}
    observe_all, learned = chrome.BoilerplateLearner.observe_all, fingerprinter.LineCounter.learned

    def counting_observe_all(self, articles):
        calls["report"] += 1
        return observe_all(self, articles)

    def counting_learned(self, *args, **kwargs):
        calls["dedup"] += 1
        return learned(self, *args, **kwargs)

    monkeypatch.setattr(chrome.BoilerplateLearner, "observe_all", counting_observe_all)
    monkeypatch.setattr(fingerprinter.LineCounter, "learned", counting_learned)
    build_report(list(iter_articles([PACKAGE.parent / "fixtures" / "seeds"])), workers=0)
    assert calls == {"report": 1, "dedup": 0}


def test_report_splits_each_article_once(monkeypatch):
    """The stories reuse the sentences each comparison split (``prepared_article``); an article is
    split a second time only when the report learned chrome in it, because then its cleaned text
    differs from the one ``compare_articles`` splits (known chrome only)."""
    from collections import Counter

    from compare.load.articles import iter_articles
    from compare.pair import prepare
    from compare.report.build import build_report
    from compare.text import sentences

    split = Counter()
    original = sentences.split_sentences

    def counting(article, **kwargs):
        split[article.id] += 1
        return original(article, **kwargs)

    from compare.pair.compare import clear_caches

    clear_caches()  # articles prepared by earlier tests would not be split at all
    monkeypatch.setattr(sentences, "split_sentences", counting)  # the stories' split
    monkeypatch.setattr(prepare, "split_sentences", counting)  # the comparisons' split
    fixtures = PACKAGE.parent / "fixtures"
    report = build_report(list(iter_articles([fixtures / "seeds", fixtures / "variants"])), workers=0)
    learned = {r.article for r in report.boilerplate if r.reason.startswith("learned")}
    assert len(split) >= 10
    assert {article for article, n in split.items() if n > 1} <= learned
