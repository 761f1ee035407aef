"""Build the matcher's table of related words: WordNet synonyms and place names.

Two words that a reader takes for the same thing in a news sentence, though
they share no letters:

- **synonyms**: words that share one of their most frequent WordNet senses
  ("provide" / "supply", "aid" / "assistance"), with their inflections
  ("providing", "supplied", irregular "sent" -> "send" from WordNet's
  exception lists);
- **places**: a country, its capital, its demonym and its other names
  ("London" / "Britain" / "British" / "UK", "Kyiv" / "Ukraine" / "Ukrainian"):
  capital-for-country metonymy is how news is written. From ``countryinfo``
  (capital, demonym, single-word names) joined to WordNet's synset of the
  country ("Britain", "UK" and "United Kingdom" are one synset).

Each word (as the matcher keys it: folded, ``stem``) gets a set of concept
ids; two words are related when their sets meet. The table is written to
``compare/pair/data/related_words.npz`` and read with numpy at run time. Build
it (needs WordNet 3.0 as Debian's ``wordnet-base`` lays it out, and the
``evaluation`` extra's ``countryinfo``)::

    python -m evaluation.related_words [--wordnet /usr/share/wordnet]

Only words of the background frequency table (the 60,000 most frequent
English words) are kept.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

WORDNET_DIR = Path("/usr/share/wordnet")
#: A word's senses taken, most frequent first (WordNet orders them by tagged frequency).
SENSES = 2
POS = ("noun", "verb", "adj")


def _read_index(path: Path) -> dict[str, list[int]]:
    """lemma -> synset offsets, most frequent sense first."""
    table = {}
    with path.open(encoding="utf-8", errors="replace") as stream:
        for line in stream:
            if line.startswith(" "):
                continue
            parts = line.split()
            lemma, _pos, synsets, pointers = parts[0], parts[1], int(parts[2]), int(parts[3])
            offsets = parts[4 + pointers + 2 :]
            table[lemma] = [int(o) for o in offsets[:synsets]]
    return table


def _read_data(path: Path) -> dict[int, list[str]]:
    """synset offset -> its lemmas."""
    table = {}
    with path.open(encoding="utf-8", errors="replace") as stream:
        for line in stream:
            if line.startswith(" "):
                continue
            parts = line.split(" ")
            offset, count = int(parts[0]), int(parts[3], 16)
            table[offset] = [parts[4 + 2 * k].lower() for k in range(count)]
    return table


def _read_exceptions(path: Path) -> dict[str, list[str]]:
    """base lemma -> irregular inflected forms ("send" -> ["sent"])."""
    table: dict[str, list[str]] = defaultdict(list)
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split()
            for base in parts[1:]:
                table[base].append(parts[0])
    return table


def _inflections(lemma: str, pos: str, irregular: dict[str, list[str]]) -> set[str]:
    forms = {lemma, *irregular.get(lemma, ())}
    if pos in ("noun", "verb"):
        forms |= {lemma + "s", lemma + "es"}
        if lemma.endswith("y"):
            forms.add(lemma[:-1] + "ies")
    if pos == "verb":
        stem_e = lemma[:-1] if lemma.endswith("e") else lemma
        forms |= {stem_e + "ed", stem_e + "ing", lemma + "d"}
        if lemma.endswith("y"):
            forms.add(lemma[:-1] + "ied")
    return forms


def build(wordnet: Path = WORDNET_DIR, *, vocabulary: set[str] | None = None) -> dict[str, set[int]]:
    """stem -> concept ids (WordNet synsets of its first ``SENSES`` senses; countries)."""
    from compare.pair.matching import stem
    from compare.text.lexicon import STOPWORDS
    from compare.text.normalize import words

    def keys(form: str) -> list[str]:
        tokens = words(form.replace("_", " "))
        return [stem(tokens[0])] if len(tokens) == 1 else []

    concepts: dict[str, set[int]] = defaultdict(set)
    synset_lemmas: dict[int, list[str]] = {}
    for k, pos in enumerate(POS):
        index = _read_index(wordnet / f"index.{pos}")
        data = _read_data(wordnet / f"data.{pos}")
        irregular = _read_exceptions(wordnet / f"{pos}.exc")
        for lemma, offsets in index.items():
            if "_" in lemma:
                continue
            for offset in offsets[:SENSES]:
                concept = offset * 4 + k
                synset_lemmas[concept] = data.get(offset, [])
                for form in _inflections(lemma, pos, irregular):
                    for key in keys(form):
                        concepts[key].add(concept)
    # Countries: name, capital, demonym and single-word other names share one concept, and so do
    # the lemmas of the country's WordNet synset ("Britain", "UK").
    from countryinfo import all_countries

    noun_index = _read_index(wordnet / "index.noun")
    noun_data = _read_data(wordnet / "data.noun")
    countries = sorted((c.info() for c in all_countries()), key=lambda info: str(info.get("name")))
    for n, info in enumerate(countries):
        concept = -(n + 1)
        name = str(info.get("name") or "")
        names = [name, str(info.get("capital") or ""), str(info.get("demonym") or "")]
        names += [alt for alt in info.get("altSpellings") or [] if not (alt.isupper() and len(alt) <= 3)]
        lemma = name.replace(" ", "_").lower()
        for offset in noun_index.get(lemma, [])[:1]:
            names += noun_data.get(offset, [])
        for text in names:
            for key in keys(text.split(",")[0].replace(" D.C.", "")):
                concepts[key].add(concept)
    table = {}
    for key, found in concepts.items():
        if key in STOPWORDS or len(key) < 2 or (vocabulary is not None and key not in vocabulary):
            continue
        table[key] = found
    # Keep only concepts that relate two different keys: a concept of one word adds nothing.
    holders: dict[int, int] = defaultdict(int)
    for found in table.values():
        for c in found:
            holders[c] += 1
    return {k: {c for c in v if holders[c] > 1} for k, v in table.items() if any(holders[c] > 1 for c in v)}


def save(table: dict[str, set[int]], path: Path) -> None:
    import numpy as np

    keys = sorted(table)
    ids = sorted({c for v in table.values() for c in v})
    renumber = {c: k for k, c in enumerate(ids)}
    lengths = np.array([len(table[k]) for k in keys], dtype=np.int32)
    flat = np.array([renumber[c] for k in keys for c in sorted(table[k])], dtype=np.int32)
    from compare.pair.claims import pack_words

    np.savez_compressed(path, words=pack_words(keys), lengths=lengths, concepts=flat)


def main(argv: list[str] | None = None) -> int:
    from compare.pair.claims import RELATED_PATH
    from evaluation.claims import load_background

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wordnet", type=Path, default=WORDNET_DIR)
    args = parser.parse_args(argv)
    background, _ = load_background()
    table = build(args.wordnet, vocabulary=set(background))
    save(table, RELATED_PATH)
    print(f"wrote {RELATED_PATH} ({len(table)} words)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
