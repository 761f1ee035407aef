"""Generated story-structured news articles for the report benchmark.

Real news in bulk cannot ship with the repository, so the benchmark makes its
own: ``stories`` each have a wire text (sentences over a Zipf-distributed
pseudo-word vocabulary mixed with English function words, named speakers and
figures); every article of a story is a newspaper rewrite that keeps some wire
sentences verbatim, paraphrases others (words dropped, swapped, inserted),
quotes a speaker with a cue verb, changes a figure now and then, and adds
sentences of its own. Some stories get a near-verbatim syndicated copy. Story
sizes follow a long tail (many singletons and pairs, a few big stories), as
in a day's intake. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import accumulate

from compare.article import Article

_FUNCTION = ["the", "of", "and", "to", "a", "in", "that", "is", "was", "he", "for", "it", "with", "as", "his", "on", "be", "at", "by", "had", "not", "are", "but", "from", "or", "have", "an", "they", "which", "one", "you", "were", "her", "all", "she", "there", "would", "their", "we", "him", "been", "has", "when", "who", "will", "more", "no", "if", "out", "so", "said", "what", "up", "its", "about", "into", "than", "them", "can", "only", "other", "new", "some", "could", "time", "these", "two", "may", "then", "do", "first", "any", "my", "now", "such", "like", "our"]
_CUES = ("said", "told reporters", "warned", "claimed", "added", "insisted", "stressed")
_SOURCES = ("Daily Ledger", "Morning Post", "Evening Courier", "Wire Service", "City Herald", "Northern Echo", "Globe", "Tribune")
_SYLLABLES = ("ka", "lo", "mi", "ren", "ta", "vos", "el", "dun", "pri", "sa", "gor", "ne", "ul", "bra", "tes", "mo", "qui", "fa", "zo", "hil")


class StoryCorpus:
    """Articles of ``stories`` stories; ``articles(n)`` yields the first n of a fixed sequence."""

    def __init__(self, *, seed: int = 7, vocabulary: int = 20_000) -> None:
        self.random = random.Random(seed)
        rng = self.random
        words: set[str] = set()
        while len(words) < vocabulary:
            words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.words = sorted(words)
        rng.shuffle(self.words)
        self.cumulative = list(accumulate(1.0 / (rank + 10) for rank in range(len(self.words))))

    def _word(self) -> str:
        if self.random.random() < 0.45:
            return self.random.choice(_FUNCTION)
        return self.random.choices(self.words, cum_weights=self.cumulative)[0]

    def _sentence(self, length: int | None = None) -> list[str]:
        return [self._word() for _ in range(length or self.random.randint(14, 28))]

    def _name(self) -> str:
        rng = self.random
        return " ".join("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(2))

    def _paraphrase(self, sentence: list[str]) -> list[str]:
        rng = self.random
        out = []
        for word in sentence:
            roll = rng.random()
            if roll < 0.12:
                continue  # dropped
            if roll < 0.24:
                out.append(self._word())  # swapped
            else:
                out.append(word)
            if rng.random() < 0.06:
                out.append(self._word())  # inserted
        return out

    def articles(self, count: int) -> Iterator[Article]:
        """Yield ``count`` articles, story after story, members of a story in random order."""
        rng = self.random
        made = 0
        story = 0
        pending: list[Article] = []
        while made < count:
            if not pending:
                story += 1
                pending = self._story(story)
                rng.shuffle(pending)
            yield pending.pop()
            made += 1

    def _story(self, number: int) -> list[Article]:
        rng = self.random
        size = min(12, max(1, int(rng.paretovariate(1.2))))
        wire = [self._sentence() for _ in range(rng.randint(10, 22))]
        speaker = self._name()
        quote = self._sentence(rng.randint(10, 18))
        figure = rng.randint(2, 900)
        headline = " ".join(self._sentence(rng.randint(6, 10))).capitalize()
        year_day = rng.randint(1, 300)
        articles = []
        for member in range(size):
            source = rng.choice(_SOURCES)
            lines = [headline if member == 0 else " ".join(self._paraphrase(headline.split())).capitalize()]
            body = []
            for sentence in wire:
                roll = rng.random()
                if roll < 0.35:
                    body.append(sentence)
                elif roll < 0.6:
                    body.append(self._paraphrase(sentence))
            for _ in range(rng.randint(2, 10)):
                body.insert(rng.randint(0, len(body)), self._sentence())
            shown = figure if rng.random() < 0.8 else figure * 2
            body.insert(min(2, len(body)), [*self._sentence(8), "of", f"{shown}", "million", "dollars"])
            lines += [" ".join(s).capitalize() + "." for s in body]
            words_of_quote = quote if rng.random() < 0.6 else self._paraphrase(quote)
            quote_line = f'"{" ".join(words_of_quote).capitalize()}," {speaker} {rng.choice(_CUES)}.'
            lines.insert(min(4, len(lines)), quote_line)
            articles.append(
                Article(
                    id=f"story{number:05d}-{member:02d}",
                    text="\n\n".join(lines) + "\n",
                    title=lines[0],
                    source=source,
                    published=f"2024-{1 + (year_day + member) // 28 % 12:02d}-{1 + (year_day + member) % 28:02d}",
                )
            )
        if size >= 2 and rng.random() < 0.3:
            original = articles[0]
            articles.append(
                Article(
                    id=f"story{number:05d}-copy",
                    text="Syndicated from " + (original.source or "") + "\n\n" + original.text,
                    title=original.title,
                    source=rng.choice(_SOURCES),
                    published=original.published,
                )
            )
        return articles
