"""Benchmark of long inputs: a 1 MB article scraped onto one line through ``pair`` and ``report``.

Run from the repository root (one command)::

    python benchmarks/bench_long_text.py [--megabytes 1.0]

It writes generated news (``generate_articles.Generator``, about 270 articles
of 600 words) run together into one text of ``--megabytes`` MB, twice: on one
line with no breaks at all (text scraped without its paragraphs), and with its
paragraph breaks kept (the baseline: the same words, split where the
articles split them). Each goes through the command line as a child process:

* ``pair BIG PARTNER`` (PARTNER is one of the generated articles inside it),
* ``report BIG PARTNER fixtures/seeds`` (the big text, its partner and the five seed articles),

and, for the scaling, ``pair`` on the first quarter of the one-line text.
Prints wall time, CPU time and peak memory of each, and the ratio of the
one-line text to the baseline. Nothing is asserted: the figures go to the README.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from benchutil import REPO, load, machine, run_child

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_articles import Generator


def build(megabytes: float, directory: Path) -> tuple[Path, Path, Path, Path]:
    """The one-line text, the same with paragraph breaks, its first quarter on one line, and a partner."""
    generator = Generator(seed=3)
    target = int(megabytes * 1_000_000)
    texts: list[str] = []
    while sum(len(t) + 2 for t in texts) < target:
        texts.append(generator.article_text()[1])
    with_breaks = "\n\n".join(texts)[:target]
    one_line = " ".join(with_breaks.split())
    paths = (
        directory / "one-line.txt",
        directory / "with-breaks.txt",
        directory / "one-line-quarter.txt",
        directory / "partner.txt",
    )
    paths[0].write_text(one_line, encoding="utf-8")
    paths[1].write_text(with_breaks, encoding="utf-8")
    paths[2].write_text(one_line[: len(one_line) // 4], encoding="utf-8")
    paths[3].write_text(texts[len(texts) // 8], encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=1.0, help="size of the long text (default 1.0)")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}; {load()}")
    seeds = REPO / "fixtures" / "seeds"
    with tempfile.TemporaryDirectory() as tmp:
        one_line, with_breaks, quarter, partner = build(args.megabytes, Path(tmp))
        print(
            f"long text: {one_line.stat().st_size / 1e6:.2f} MB on one line "
            f"(baseline: the same with {with_breaks.read_text().count(chr(10) * 2):,} paragraph breaks)"
        )
        runs = {
            "pair one-line + partner": ["pair", str(one_line), str(partner), "--format", "json"],
            "pair with-breaks + partner (baseline)": ["pair", str(with_breaks), str(partner), "--format", "json"],
            "pair quarter one-line + partner": ["pair", str(quarter), str(partner), "--format", "json"],
            "report one-line + partner + 5 seeds": ["report", str(one_line), str(partner), str(seeds), "--format", "json"],
            "report with-breaks + partner + 5 seeds (baseline)": [
                "report", str(with_breaks), str(partner), str(seeds), "--format", "json"
            ],
        }
        results = {}
        for name, arguments in runs.items():
            run = run_child([sys.executable, "-m", "compare", *arguments], stdout_path=Path(tmp) / "out.json")
            results[name] = run
            status = "ok" if run.returncode == 0 else f"exit {run.returncode}: {run.stderr.strip()[:200]}"
            print(
                f"  {name:<50} {run.seconds:7.2f} s wall  {run.cpu_seconds:7.2f} s CPU  "
                f"peak {run.tree_peak_mb:6.0f} MB  {status}"
            )
    for command in ("pair", "report"):
        others = "partner" if command == "pair" else "partner + 5 seeds"
        one = results[f"{command} one-line + {others}"]
        base = results[f"{command} with-breaks + {others} (baseline)"]
        print(f"{command}: one-line / with breaks = {one.cpu_seconds / max(base.cpu_seconds, 1e-9):.2f}x CPU time")
    whole, part = results["pair one-line + partner"], results["pair quarter one-line + partner"]
    print(f"pair: whole / first quarter = {whole.cpu_seconds / max(part.cpu_seconds, 1e-9):.2f}x CPU time (linear: ~4x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
