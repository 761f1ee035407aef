"""Direct quotes, their speakers and cue verbs, and matching quotes across two articles.

Quote forms found: straight and curly double quotes, wire ````…''``, «…»,
single quotes (told apart from apostrophes by what surrounds them), a quote
broken by its attribution (``"This all leads", he said, "to escalation"``), a
quote that runs over sentences or paragraphs, and a quote whose opening mark
the outlet dropped (a closing ``”`` with no opener quotes from the start of
the paragraph). Quotes nested in a quote belong to the outer one.

Attribution, tried in this order for each quote:

1. right after the quote: ``," Peskov told reporters``, ``," he added``,
   ``," said Kremlin spokesman Dmitry Peskov``, ``," TASS quoted Peskov as saying``;
2. before it in the same sentence: ``Peskov said: "…"``, ``Lavrov warned
   Friday that … "another red line"``, ``…, saying: "…"`` (the subject of the
   sentence), ``… and warned that … "…"`` (the subject of the first verb);
3. later in the same sentence: ``The United States is "escalating" …, the
   Kremlin said Tuesday.``; a headline ending ``– Kremlin``;
4. a quote standing alone in its sentence continues the last speaker.

``he``/``she`` and definite role phrases ("the senior Russian diplomat")
resolve to the last person who spoke or was quoted; ``it``/``they`` to the
subject of the sentence. Indefinite roles introduce a speaker of their own
and are kept as written ("a source", "his spokesman", "one insider"), as is
an institution named alone ("the Kremlin said"). Appositives are skipped
("Jane Root, BBC2 controller, said"). Every surname (or a first name only one
person has) is replaced by the fullest form of the name in the article, so
"Peskov" and "Dmitry Peskov" are one speaker; across articles
``same_speaker`` also matches "Leslie" with "Leslie Grantham".

Measured on the seed gold: 31/31 quotes, 28/28 speakers (rules written on
those articles); on 30 quotes sampled from METER newspaper copy not used for
development: 20/30 speakers right.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from compare.article import Article
from compare.pair.matching import mask_inline_tags
from compare.pair.model import Quote, QuoteMatch
from compare.text.chrome import CleanText, strip_boilerplate
from compare.text.lexicon import (
    ADDRESS_VERBS,
    CALENDAR_WORDS,
    CAPITALISED_WORD,
    CUE_VERBS,
    HONORIFIC_PATTERN,
    INVERTED_CUE_VERBS,
    QUOTE_LEAD_VERBS,
    SPEAKER_NAME_RUN,
    STOPWORDS,
    TITLE_WORDS,
    WEEKDAYS,
    speaker_key,
)
from compare.text.normalize import words
from compare.text.sentences import Sentence, split_sentences

# Same-length folding: offsets into the folded text are offsets into Article.text.
_QUOTE_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"})
_OPENING = frozenset("“„‟«")
_CLOSING = frozenset("”»")

_PARTICIPLES = frozenset(c for c in CUE_VERBS if c.endswith("ing"))
CUE_PATTERN = r"\b(?:" + "|".join(CUE_VERBS) + r")\b"
_CUE = re.compile(CUE_PATTERN)
# A plain word never takes a trailing period, so a name run stops at the end of a sentence.
# The expressions that scan whole articles for runs use a form that matches the same text
# faster: every run starts with a capital, so a lookahead turns the other positions away at
# once (the engine otherwise tries the run's two dozen alternatives at every character), and
# each capitalised word is taken whole (``*+``). The latter only where what follows the run
# is a space, a comma, a cue or nothing, never more of a word ("Putin's" is read back to
# "Putin" by the "{run}'s" patterns, which keep the plain form).
_FAST_NAME_RUN = "(?=[A-Z])" + SPEAKER_NAME_RUN.replace(CAPITALISED_WORD, CAPITALISED_WORD + "+")
_NAME_RUN = re.compile(_FAST_NAME_RUN)
# Words allowed between a subject and its cue verb: "Peskov also told",
# "Ryabkov in remarks on Wednesday described", "NATO a day earlier had told".
_ADVERBIAL = (
    r"(?:\s+(?:also|previously|earlier|later|again|repeatedly|has|had|have|would|will|then|"
    r"in\s+remarks|on\s+\w+|last\s+\w+|this\s+\w+|a\s+day\s+earlier|\w+ly))*"
)
_NAME_BEFORE_CUE = re.compile(rf"(?P<who>(?:the\s+|The\s+)?{SPEAKER_NAME_RUN}){_ADVERBIAL}\s+$")
_PRONOUN_BEFORE_CUE = re.compile(rf"\b(?P<pronoun>[Hh]e|[Ss]he|[Ii]t|[Tt]hey|[Ww]e){_ADVERBIAL}\s+$")
_AND_BEFORE_CUE = re.compile(rf"\b(?:and|but){_ADVERBIAL}\s+$")
# One word of a role phrase ("senior Russian diplomat"): not a pronoun or a
# function word, so "a move he said" and "a blow and said" are no roles.
_ROLE_WORD = r"(?!(?:he|she|it|they|we|i|you|and|or|but|that|which|who|is|was|are|were|has|had|have|would|will)\b)"
# "the senior Russian diplomat said" refers back to someone named before;
# "a source said", "his spokesman said", "one insider said" introduce someone new.
_ROLE_BEFORE_CUE = re.compile(
    rf"\b(?P<det>[Tt]he|[Aa]n?|[Oo]ne|[Hh]is|[Hh]er|[Tt]heir|[Aa]nother)\s+"
    rf"(?P<role>(?:{_ROLE_WORD}[\w-]+\s+){{0,3}}{_ROLE_WORD}[a-z][\w-]*){_ADVERBIAL}\s+$"
)
_NEW_ROLE = frozenset(("a", "an", "one", "his", "her", "their", "another"))
_ROLE_EVENT = re.compile(
    rf"\b(?P<det>[Aa]n?|[Oo]ne|[Hh]is|[Hh]er|[Aa]nother)\s+(?P<role>(?:{_ROLE_WORD}[\w-]+\s+){{0,3}}?{_ROLE_WORD}[a-z][\w-]*"
    rf"(?:\s+(?:for|of|at)\s+(?:the\s+)?[A-Z][\w-]*)?)\s+(?P<cue>{CUE_PATTERN})"
)
_HONORIFIC = re.compile(HONORIFIC_PATTERN)
# "Peskov said" (not "Carrier's calls": a possessive is no subject)
_CUE_SUBJECT = re.compile(rf"(?P<who>{_FAST_NAME_RUN})(?<!['’]s){_ADVERBIAL}\s+(?P<cue>{CUE_PATTERN})")
#: The last word of a role phrase that names a person ("a spokesman", "one insider", "his aide").
_PERSON_HEAD = re.compile(
    r"(?:spokesman|spokeswoman|spokesperson|source|insider|friend|neighbou?r|resident|voter|supporter|"
    r"critic|member|worker|employee|staffer|expert|observer|witness|woman|man|person|owner|colleague|"
    r"relative|son|daughter|wife|husband|mother|father|brother|sister|student|teacher|officer|agent|"
    r"reporter|correspondent|organi[sz]er|protester|delegate|donor|official|aide|adviser|advisor|"
    r"strategist|analyst|lawyer|attorney|diplomat|lawmaker|senator|executive|manager|director|leader|"
    r"chairman|chairwoman|president|minister|secretary|candidate|activist|veteran|operative|insider|"
    r"consultant|economist|professor|researcher|scientist|doctor|nurse|officer|soldier|fan|user|"
    r"caller|customer|parent|participant|attendee|guest|host|anchor|moderator|judge|prosecutor)s?$"
)
# "Jane Root, BBC2 controller, said", "Julie, 57, said", "Arthur Baker, who says".
_APPOSITIVE_BEFORE_CUE = re.compile(
    rf"(?P<who>{SPEAKER_NAME_RUN}),\s+(?:[^,\"]{{1,80}},\s+)?(?:who\s+)?{_ADVERBIAL}\s*$"
)
# '," the economist Jared Bernstein, a former adviser in the White House, wrote': a role word may
# come before the name, and the apposition may be long
_AFTER_APPOSITIVE_CUE = re.compile(
    rf"^[\s,.?!']*(?:(?:the|a|an)\s+(?:[a-z][\w-]*\s+){{1,3}})?(?P<who>{SPEAKER_NAME_RUN}),"
    rf"\s+[^\"]{{1,160}}?,\s+(?P<cue>{CUE_PATTERN})"
)
# '," the assailant, John McGraw, said': a role, then the name in apposition
# ('," Ms. Merkel's spokesman, Steffen Seibert, wrote': the role may be a possessive's)
_AFTER_ROLE_NAME_CUE = re.compile(
    rf"^[\s,.?!']*(?:the|a|an|his|her|another|{SPEAKER_NAME_RUN}['’]s)\s+[\w' -]{{1,40}}?,\s+"
    rf"(?P<who>{SPEAKER_NAME_RUN}),\s+(?P<cue>{CUE_PATTERN})"
)
_NAME_AFTER_ROLE = re.compile(rf",[ \t]+(?P<who>{SPEAKER_NAME_RUN})[ \t]*(?:[,.;:]|$)")
# '," Trump shot back', '," LeVell assured the crowd', '," an angry Hollande replied': right after a
# quote that ends its clause, a name and a verb are the speaker and how they said it
_AFTER_NAME_VERB = re.compile(
    rf"^[\s,?!]*(?:(?:an?|the)\s+[a-z]+\s+)?(?P<who>{SPEAKER_NAME_RUN})\s+(?:[a-z]+ly\s+)?(?P<cue>[a-z]{{3,}}(?:ed|s))\b"
)
_AFTER_QUOTED_AS = re.compile(rf"^[\s,.?!]*(?:[\w'.-]+\s+){{0,6}}?quoted\s+(?P<who>{SPEAKER_NAME_RUN})\s+as\s+saying")
_AFTER_SUBJECT_CUE = re.compile(
    rf"^[\s,.?!]*(?P<who>(?:[\w'.-]+\s+){{0,7}}?){_ADVERBIAL.replace('*', '*?')}(?P<cue>{CUE_PATTERN})"
)
# The subject runs to the next punctuation, but the dots of "U.S." or "Dr." do not end it.
_AFTER_CUE_SUBJECT = re.compile(
    rf"^[\s,.?!]*(?P<cue>{'|'.join(INVERTED_CUE_VERBS)})\s+"
    rf"(?P<who>(?:(?<![\w.])(?:[A-Z]\.){{2,}}|\b[A-Z]\.(?=\s[A-Z])|\b{HONORIFIC_PATTERN}|\bSt\.(?=\s[A-Z])|[^,.;:\"])+)"
)
_LATER_ATTRIBUTION = re.compile(
    rf",\s+(?P<who>(?:the\s+)?{SPEAKER_NAME_RUN}){_ADVERBIAL}\s+(?P<cue>{CUE_PATTERN})[^\"]*$"
)
_HEADLINE_SOURCE = re.compile(rf"[-–—:]\s*(?P<who>{SPEAKER_NAME_RUN})\s*$")
# Apostrophes inside words ("it's", "wasn't") do not end a single-quoted quote.
_SINGLE = re.compile(r"(?<![\w'])'(?=[A-Za-z])(?P<body>(?:[^'\n]|(?<=\w)'(?=\w))*?[^\s'])'(?![\w'])")

_LEADING_NOT_NAME = STOPWORDS | CALENDAR_WORDS | frozenset(
    str.split(
        """following earlier later meanwhile however now yesterday today tonight despite like
        unlike although though since because stunning former veteran neither either both asked
        still even only also"""
    )
)
_PARTICLES = frozenset(("al", "bin", "de", "van", "von", "der", "la", "le", "da", "del"))
_PARTY_TAG = re.compile(r"\((?:[RDI]|GOP|Dem|Rep)-[A-Z][\w. ]{1,16}\)|,[ \t]+[RDI]-[A-Z][A-Za-z.]{1,10}\.?,(?=[ \t])")
_INSTITUTIONS_NEED_THE = frozenset(("kremlin", "white house", "pentagon", "state department", "foreign ministry"))
_PRONOUNS = frozenset(("he", "she", "it", "they", "we"))
_PLACE_PREFIXES = frozenset(
    str.split("New North South East West Upper Lower Central Outside Inside United Saint San Santa Los Las Fort Port Mount Lake")
)
#: Words of an indefinite phrase that names a thing, not a person ("a statement saying ...").
_NOT_PERSON_NOUNS = frozenset(
    str.split(
        """statement investigation report point letter email e-mail tweet post ad advertisement video memo
        document release study poll survey article story book interview speech message note editorial
        column transcript photo picture headline bill law plan proposal decision ruling move idea way"""
    )
)
#: Last words of a capitalised run that names a group or a place, not a person ("Iowa Democrats").
_GROUP_NOUNS = frozenset(
    str.split(
        """democrats republicans conservatives liberals americans house senate congress committee party
        department ministry office council court university college school news times post journal
        network foundation institute association union campaign group county city state states america
        country company inc corp co agency administration commission board bureau center centre church
        club fund team tower airport hotel street avenue road station american americans islander
        islanders hispanic hispanics latino latinos latina mexican mexicans democrat republican muslim
        muslims christians jews catholics evangelicals voters generals"""
    )
)
_NATIONALITY = re.compile(r"[A-Z][a-z]+(?:ian|ean|can|ese|ish|i)|Western|Soviet|German|French|Greek|Dutch|Swiss|Thai")
#: Head nouns of a definite phrase naming a body, not a person ("the ministry said").
_INSTITUTION_NOUNS = frozenset(
    str.split(
        """ministry department office government embassy agency committee commission council
        company firm club police army military court parliament cabinet administration"""
    )
)


@dataclass(frozen=True, slots=True)
class _Mark:
    position: int
    char: str


@lru_cache(maxsize=16384)
def _person_or_body(run: str) -> str:
    """The speaker named by a capitalised run: titles and possessives dropped."""
    tokens = run.split()
    while len(tokens) > 1 and tokens[0].lower() in _LEADING_NOT_NAME:
        tokens.pop(0)  # "On Wednesday", "But Peskov": sentence words, not part of a name
    while len(tokens) > 1 and tokens[-1].rstrip(".,") in ("Jr", "Sr", "II", "III", "IV"):
        tokens.pop()  # "Joseph R. Biden Jr.": the surname is Biden
    if tokens[-1].lower() in CALENDAR_WORDS:
        return run
    for size in (2, 1):  # "Foreign Ministry", "White House": both words are the body, not a title
        tail = " ".join(tokens[-size:])
        if len(tokens) >= size and tail.lower() in _INSTITUTIONS_NEED_THE:
            return "the " + tail
    tokens[-1] = re.sub(r"['’]s$", "", tokens[-1])  # "Vladimir Putin's spokesman": Putin is named
    kept: list[str] = []
    for k, token in enumerate(reversed(tokens)):
        bare = token.rstrip(".,").lower()
        # "Peter T. King": a title word last, after a name that is no title, is a surname
        surname = (
            k == 0
            and len(tokens) >= 2
            and tokens[-2].rstrip(".,").lower() not in TITLE_WORDS
            and re.fullmatch(r"[A-Z][a-z]+|[A-Z]\.", tokens[-2]) is not None
        )
        if bare.endswith(("'s", "’s")) or (bare in TITLE_WORDS and not surname):
            break
        kept.append(token.rstrip(",") if re.fullmatch(r"(?:[A-Z]\.)+,?", token) else token.rstrip(",."))
    if len(kept) > 3 and kept[0].lower() not in _PARTICLES:
        # "House Intelligence Republican Mike Pompeo": descriptors glued before the name
        kept = kept[:3] if re.fullmatch(r"[A-Z]\.", kept[1]) else kept[:2]
    name = " ".join(reversed(kept)) or tokens[-1].rstrip(",.")
    if name.lower() in _INSTITUTIONS_NEED_THE or (not kept and tokens[-1].lower() in TITLE_WORDS):
        return "the " + name
    return name


def person_name(text: str) -> str:
    """A name as a speaker: titles, honorifics and party-state tags dropped.

    >>> person_name("Kremlin spokesman Dmitry Peskov")
    'Dmitry Peskov'
    >>> person_name("Rep. Michele Bachmann (R-Minn.)")
    'Michele Bachmann'
    """
    cleaned = " ".join(_PARTY_TAG.sub(" ", text).split())
    runs = _NAME_RUN.findall(cleaned)
    return _person_or_body(runs[-1]) if runs else cleaned


def same_speaker(first: str | None, second: str | None) -> bool:
    """One person under two forms: same surname, or one name inside the other
    ("Leslie" and "Leslie Grantham"). Unknown speakers match nobody."""
    if not first or not second:
        return False
    a, b = words(first), words(second)
    if not a or not b:
        return False
    return a[-1] == b[-1] or set(a) <= set(b) or set(b) <= set(a)


class _Speakers:
    """Full names seen in one article, and who spoke last."""

    def __init__(
        self, text: str, sentences: Sequence[Sentence] = (), quote_spans: Sequence[tuple[int, int]] = ()
    ) -> None:
        self.text = text
        self.sentence_starts = [s.start for s in sentences]
        self.sentence_ends = [s.end for s in sentences]
        self.quote_spans = sorted(quote_spans)
        self.quote_starts = [s for s, _ in self.quote_spans]
        # Who spoke at which position; sorted by position, as the quotes are read in text order.
        self.attributed: list[tuple[int, str]] = []
        self.attributed_at: list[int] = []
        self._genders: dict[str, str] | None = None
        self._roles: dict[str, list[tuple[int, str]]] | None = None
        # Words the article also writes in lower case ("now", "despite", "stunning")
        # are not the first word of a name when they open a sentence.
        self.lowercase = frozenset(re.findall(r"\b[a-z][a-z'-]+\b", text))
        self._first_names: dict[str, set[str]] | None = None
        self.full: dict[str, str] = {}
        headline = _title_case_lines(text)
        # The name runs are read three times below: found once, each run's name made once.
        runs = [(match.start(), match.group()) for match in _NAME_RUN.finditer(text)]
        trimmed = {run: self.trim(_person_or_body(run)) for run in {run for _, run in runs}}
        for at, run in runs:
            if headline and any(start <= at < end for start, end in headline):
                continue  # "Clinton Wades In, Urges Britain To Stay": Title Case, not names
            name = trimmed[run]
            parts = name.split()
            if (
                2 <= len(parts) <= 4
                and not name.startswith("the ")
                and not _person_or_body(run).startswith("the ")
                and parts[-1].lower() not in CALENDAR_WORDS
                and parts[-1].lower() not in _GROUP_NOUNS
                and not any(p.lower() in STOPWORDS for p in parts)
                and parts[0] not in _PLACE_PREFIXES  # "West Hollywood", "New Jersey Generals"
            ):
                key = speaker_key(name)
                if key and len(name) > len(self.full.get(key, "")):
                    self.full[key] = name
        # "Mr. Biden", "Sen. Sanders": an honorific makes a single name a person's
        for _, run in runs:
            if "." in run[:5] and _HONORIFIC.match(run):  # "Mr.", "Prof.": a full stop by the fifth character
                name = _person_or_body(run)
                key = speaker_key(name)
                if key and " " not in name and key not in self.full and name.lower() not in _GROUP_NOUNS:
                    self.full[key] = name
        # "Feinstein said": a single name that says something is a person's (not "Leslie said"
        # when the article names Leslie Grantham: that is his first name)
        first_words = {words(full)[0] for full in self.full.values() if words(full)}
        # ``extract_quotes`` reads the same cues again once the names are known.
        self.cue_subjects = [(match.start("cue"), match["who"]) for match in _CUE_SUBJECT.finditer(text)]
        for _, who in self.cue_subjects:
            name = self.trim(_person_or_body(who))
            key = speaker_key(name)
            if (
                key
                and " " not in name
                and key not in self.full
                and key not in first_words
                and name[:1].isupper()
                and key not in _GROUP_NOUNS
                and key not in _LEADING_NOT_NAME
                and key not in _INSTITUTIONS_NEED_THE
                and not _NATIONALITY.fullmatch(name)
            ):
                self.full[key] = name
        # Cues ("X said"), kept sorted by (position, order added): the readers below
        # look up a range by bisection, so a long article costs n log n, not quotes x cues.
        self.events: list[tuple[int, int, str]] = []
        # Every mention of a person, as a fallback for "he said" before anyone spoke.
        self.mentions: list[tuple[int, str]] = []
        for at, run in runs:
            name = trimmed[run]
            key = speaker_key(name)
            if key is not None and key in self.full and not name.startswith("the "):
                self.mentions.append((at, self.full[key]))
        self.mention_at = [at for at, _ in self.mentions]

    def trim(self, name: str) -> str:
        """Drop sentence words glued to the front of a name: "Yesterday Leslie" -> "Leslie"."""
        tokens = name.split()
        while len(tokens) >= 2 and (
            tokens[0].lower() in self.lowercase
            or tokens[0].lower() in _LEADING_NOT_NAME
            or (tokens[0].isupper() and tokens[0].isalpha() and len(tokens[0]) > 2 and not tokens[1].isupper())  # "SHOWBIZ Elton"
        ):
            tokens.pop(0)
        return " ".join(tokens)

    def canonical(self, name: str) -> str:
        """The fullest form of a name: by surname, or by a first name only one full name has."""
        name = self.trim(name)
        key = speaker_key(name)
        if not key:
            return name
        if key in self.full:
            return self.full[key]
        if " " not in name:
            owners = self.first_names().get(key, ())
            if len(owners) == 1:
                return next(iter(owners))
        return name

    def first_names(self) -> dict[str, set[str]]:
        """Full names by their folded first word, built once the names are known."""
        if self._first_names is None:
            self._first_names = {}
            for full in self.full.values():
                self._first_names.setdefault(words(full)[0], set()).add(full)
        return self._first_names

    def is_person(self, name: str) -> bool:
        """A named person, or a person named by a role ("a spokesman for the BBC")."""
        if name.split()[0] in _NEW_ROLE:
            # "a spokesman for the BBC" is someone; "a statement", "an FBI investigation" are not
            return not any(word in _NOT_PERSON_NOUNS for word in name.lower().split()[1:4])
        return speaker_key(name) in self.full and not name.startswith("the ")

    def spoke(self, position: int, name: str) -> None:
        bisect.insort(self.events, (position, len(self.events), name))

    def attribute(self, position: int, name: str) -> None:
        """Record that the quote at ``position`` (the latest so far) was attributed to ``name``."""
        self.spoke(position, name)
        self.attributed.append((position, name))
        self.attributed_at.append(position)

    def _events_between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        low = bisect.bisect_left(self.events, (start,))
        high = bisect.bisect_left(self.events, (end,), lo=low)
        return self.events[low:high]

    def _mentions_between(self, start: int, end: int) -> list[tuple[int, str]]:
        low = bisect.bisect_left(self.mention_at, start)
        return self.mentions[low : bisect.bisect_left(self.mention_at, end, lo=low)]

    def last_person(self, position: int) -> str | None:
        """The latest cue before ``position`` that names a person (the later added on a tie),
        else the person mentioned last before it."""
        for k in range(bisect.bisect_left(self.events, (position,)) - 1, -1, -1):
            if self.is_person(self.events[k][2]):
                return self.events[k][2]
        earlier = bisect.bisect_left(self.mention_at, position)
        return self.mentions[earlier - 1][1] if earlier else None

    def gender(self, name: str) -> str | None:
        """ "m", "f" or None: from "Mr."/"Ms." before the name and the pronouns that follow its mentions."""
        if self._genders is None:
            self._genders = _genders(self.text, self.mentions)
        if name.split()[0] in _NEW_ROLE:  # "a spokeswoman for the BBC"
            return "f" if _FEMALE_WORDS.search(name) else "m" if _MALE_WORDS.search(name) else None
        return self._genders.get(name)

    def resolve_pronoun(self, pronoun: str, position: int) -> str | None:
        """The person "he"/"she" at ``position`` refers to: the subject of the nearest
        sentence before it that names a person of a compatible gender.

        Sentences are read backwards from the one holding ``position``; a sentence
        whose quote was attributed gives that quote's speaker; a sentence that opens
        with a compatible pronoun refers further back and is skipped; otherwise the
        first compatible person named in it (outside quotation marks) is the subject.
        """
        wanted = "f" if pronoun in ("she", "her") else "m"
        k = bisect.bisect_right(self.sentence_starts, position) - 1
        for _ in range(12):
            if k < 0:
                break
            start = self.sentence_starts[k]
            end = min(position, self.sentence_ends[k])
            k -= 1
            if position - start > 3000:
                break

            def compatible(name: str) -> bool:
                return self.is_person(name) and self.gender(name) in (None, wanted)

            low = bisect.bisect_left(self.attributed_at, start)
            high = bisect.bisect_left(self.attributed_at, end, lo=low)
            spoken = [name for _at, name in self.attributed[low:high] if compatible(name)]
            if spoken:
                return spoken[-1]
            opening = _OPENING_PRONOUN.match(self.text, start, end)
            if opening and opening["p"].lower() in ({"she"} if wanted == "f" else {"he"}):
                continue
            # "Kunin said in an interview ...": whoever the sentence says spoke comes first
            # the cue added last wins, as the quotes' own cues are added after the text's
            cued = [(order, name) for _at, order, name in self._events_between(start, end) if compatible(name)]
            if cued:
                return max(cued)[1]
            named = [
                (at, name)
                for at, name in self._mentions_between(start, end)
                if not self.quoted(at) and not self.object_or_modifier(at)
            ]
            for _at, name in sorted(named):
                if compatible(name):
                    return name
        return self.last_person(position)

    def person_for_role(self, phrase: str, position: int) -> str | None:
        """The person the article named for a role ("the Kremlin spokesman" -> Dmitry Peskov,
        after "Kremlin spokesman Dmitry Peskov" or "Dmitry Peskov, the Kremlin spokesman"):
        the nearest earlier binding of the role's head noun."""
        if self._roles is None:
            self._roles = _role_bindings(self.text, self)
        bindings = self._roles.get(phrase.split()[-1].lower(), [])
        before = bisect.bisect_left(bindings, (position,))
        return bindings[before - 1][1] if before else None

    def subject_between(self, start: int, end: int) -> str | None:
        """The first person named as a possible subject, outside quotation marks, in the last
        sentence between ``start`` and ``end`` that names one; None when none does."""
        named = [
            (at, name)
            for at, name in self._mentions_between(start, end)
            if not self.quoted(at) and not self.object_or_modifier(at)
        ]
        if not named:
            return None
        k = bisect.bisect_right(self.sentence_starts, named[-1][0]) - 1
        sentence_start = self.sentence_starts[k] if k >= 0 else start
        return next(name for at, name in named if at >= sentence_start)

    def object_or_modifier(self, position: int) -> bool:
        """A mention that cannot be the subject: after a preposition ("the murder of Father
        Jacques Hamel", "than Clinton") or before the title of another ("Trump campaign
        chairman Paul Manafort", "McConnell spokesman Don Stewart")."""
        if _PREPOSITION_BEFORE.search(self.text, max(0, position - 12), position):
            return True
        run = _NAME_RUN.match(self.text, position)
        after = self.text[run.end() : run.end() + 40] if run else ""
        return bool(_MODIFIER_AFTER.match(after))

    def quoted(self, position: int) -> bool:
        k = bisect.bisect_right(self.quote_starts, position) - 1
        return k >= 0 and position < self.quote_spans[k][1]


_PREPOSITION_BEFORE = re.compile(r"\b(?:of|to|with|at|by|for|from|about|against|than|on|into|over|like|between)\s+$", re.I)
_MODIFIER_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:campaign\s+|deputy\s+|press\s+|senior\s+|chief\s+)?(?:spokesman|spokeswoman|spokesperson|"
    r"chairman|chairwoman|manager|aide|adviser|advisor|strategist|director|secretary|surrogate|pollster|staffer)\b"
)
_OPENING_PRONOUN = re.compile(r"[\s\"'(]*(?:(?:But|And|Then|Later|Now|So|Still|Yet)\s+)?(?P<p>[Hh]e|[Ss]he)\b")
_HIS = re.compile(r"\b(?:(?P<m>he|his|him|himself)|(?P<f>she|her|hers|herself))\b", re.I)
_FEMALE_WORDS = re.compile(r"\b(?:Mrs|Ms|Miss)\.?\s*$|\b(?:spokeswoman|congresswoman|chairwoman|businesswoman|actress|queen|wife|mother|daughter|sister)\b", re.I)
_MALE_WORDS = re.compile(r"\bMr\.?\s*$|\b(?:spokesman|congressman|businessman|actor|king|husband|father|son|brother)\b", re.I)


#: Head nouns of a role that names one person ("the spokesman", "the Florida senator").
_ROLE_NOUNS = (
    "spokesman|spokeswoman|spokesperson|senator|governor|president|minister|secretary|candidate|nominee|"
    "businessman|businesswoman|moderator|judge|congressman|congresswoman|mayor|chairman|chairwoman|director|"
    "diplomat|lawmaker|adviser|advisor|aide|lawyer|attorney|ambassador|leader|chief|strategist|pollster|"
    "manager|founder|author|economist|analyst|professor|commissioner|speaker|representative|billionaire|"
    "mogul|frontrunner|front-runner|veteran|activist|official"
)
_ROLE_THEN_NAME = re.compile(rf"\b(?P<role>{_ROLE_NOUNS})[ \t]+(?P<name>{_FAST_NAME_RUN})")
_NAME_THEN_ROLE = re.compile(
    rf"(?P<name>{_FAST_NAME_RUN}),[ \t]+(?:the|a|an|his|her)?[ \t]*(?:[\w'’.-]+[ \t]+){{0,5}}?(?P<role>{_ROLE_NOUNS})\b"
)


def _title_case_lines(text: str) -> list[tuple[int, int]]:
    """Spans of lines written in Title Case (headlines, section titles): most words of four
    letters or more capitalised, three of them at least, and no full stop at the end."""
    spans = []
    for line in _LINE.finditer(text):
        long = [w for w in _LINE_WORD.findall(line.group()) if len(w) >= 4]
        if (
            len(long) >= 3
            and sum(w[0].isupper() for w in long) >= 0.8 * len(long)
            and not line.group().rstrip().endswith(".")  # a headline has no full stop
        ):
            spans.append((line.start(), line.end()))
    return spans


def _role_bindings(text: str, speakers: _Speakers) -> dict[str, list[tuple[int, str]]]:
    """Role head noun -> (position, person) for every "ROLE Name" and "Name, the ... ROLE" in the text."""
    roles: dict[str, list[tuple[int, str]]] = {}
    for pattern in (_ROLE_THEN_NAME, _NAME_THEN_ROLE):
        for match in pattern.finditer(text):
            name = speakers.canonical(_person_or_body(match["name"]))
            if speakers.is_person(name):
                roles.setdefault(match["role"].lower(), []).append((match.start(), name))
    for bindings in roles.values():
        bindings.sort()
    return roles


_GENDER_HONORIFIC = re.compile(r"(Mrs|Ms|Miss|Mr)\.?\s")
_SENTENCE_END = re.compile(r"[.!?][\"'”’]?\s")
_LINE = re.compile(r"[^\n]+")
_LINE_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def _genders(text: str, mentions: Sequence[tuple[int, str]]) -> dict[str, str]:
    """Each person's gender from the words right before and the pronouns right after
    their mentions (up to the next person named, 150 characters at most)."""
    votes: dict[str, list[int]] = {}
    for k, (at, name) in enumerate(mentions):
        vote = votes.setdefault(name, [0, 0])
        before = text[max(0, at - 30) : at]
        # "Mr. Biden" is one name run (every honorific here starts with "M")
        honorific = _GENDER_HONORIFIC.match(text[at : at + 6]) if text.startswith("M", at) else None
        if honorific:
            vote[0 if honorific[1] == "Mr" else 1] += 3
        elif _FEMALE_WORDS.search(before):
            vote[1] += 3
        elif _MALE_WORDS.search(before):
            vote[0] += 3
        stop = mentions[k + 1][0] if k + 1 < len(mentions) else len(text)
        window = text[at : min(stop, at + 150)]
        window = _SENTENCE_END.split(window, maxsplit=1)[0]  # this sentence only
        for match in _HIS.finditer(window):
            # a subject pronoun ("Clinton said she") says more than a possessive ("to Clinton and his aides")
            weight = 2 if match.group().lower() in ("he", "she") else 1
            vote[0 if match["m"] else 1] += weight
    return {name: ("m" if m > f else "f") for name, (m, f) in votes.items() if m != f}


def extract_quotes(
    article: Article | str, *, clean: CleanText | None = None, sentences: Sequence[Sentence] | None = None
) -> list[Quote]:
    """Direct quotes of an article's content blocks, attributed where the text allows.

    Args:
        article: an ``Article`` or a plain string (spans point into it).
        clean, sentences: ``strip_boilerplate`` and ``split_sentences`` results
            when the caller has them already (``compare_articles`` does).

    Returns:
        Quotes in text order; a quote broken by its attribution gives two quotes
        with the same speaker.
    """
    text = article if isinstance(article, str) else article.text
    source = None if isinstance(article, str) else article.source
    if clean is None:
        clean = strip_boilerplate(text, source=source)
    if sentences is None:
        sentences = split_sentences(text if isinstance(article, str) else article, clean=clean)
    masked = mask_inline_tags(text).translate(_QUOTE_FOLD).replace("``", '" ').replace("''", ' "')
    # "Rep. Michele Bachmann (R-Minn.)", "Sen. X, D-N.Y., said": the party-state tag is not a name.
    masked = _PARTY_TAG.sub(lambda m: " " * len(m.group()), masked)
    spans: list[tuple[int, int]] = []
    for block in clean.blocks:
        spans.extend(_quote_spans(text, masked, block.start, block.end))
    speakers = _Speakers(masked, sentences, spans)
    for at, who in speakers.cue_subjects:
        speakers.spoke(at, speakers.canonical(_person_or_body(who)))
    for match in _ROLE_EVENT.finditer(masked):  # "A spokesman for the BBC denied ..."
        if _PERSON_HEAD.search(match["role"].split(" for ")[0].split(" of ")[0].split(" at ")[0]):
            speakers.spoke(match.start("cue"), f"{match['det'].lower()} {match['role']}")
    starts = [s.start for s in sentences]
    quotes: list[Quote] = []
    runs_on: list[bool] = []
    unattributed: list[bool] = []
    for start, end in sorted(spans):
        body_start, body_end = _trim_quote(masked, start, end)
        if body_end <= body_start:
            continue
        sentence = _sentence_at(sentences, starts, start)
        end_sentence = _sentence_at(sentences, starts, max(start, end - 1))
        before = masked[sentence.start if sentence else 0 : start - 1 if start > 0 else 0]
        after_end = end_sentence.end if end_sentence else len(masked)
        after = masked[end + 1 : after_end] if end < after_end else ""
        ends_clause = masked[start:end].rstrip().rstrip("'\"").rstrip().endswith((",", "?", "!")) or after.lstrip(
            " \t"
        ).startswith(",")
        speaker, cue = _attribute(masked, before, after, start, sentence, speakers, quotes, ends_clause=ends_clause)
        if speaker and speaker.lower() in _PRONOUNS:  # "He said: ..." caught as a capitalised name
            speaker = speakers.resolve_pronoun(speaker.lower(), start) if speaker.lower() in ("he", "she") else None
        elif speaker and speaker.lower() in _LEADING_NOT_NAME:  # "In" is nobody
            speaker = None
        if speaker:
            if speaker[0].isupper():  # roles ("a source") and "the Kremlin" stay as written
                speaker = speakers.canonical(speaker)
            speakers.attribute(start, speaker)
        same_sentence = bool(quotes) and sentence is not None and quotes[-1].start >= sentence.start
        # A quote that runs on into the next paragraph is followed by more of itself, not by the reporter.
        runs_on_now = end >= len(masked) or masked[end] not in "\"'"
        kind = _kind(
            before, "" if runs_on_now else after, masked[start:end], cue,
            previous=quotes[-1].kind if same_sentence else None,
        )
        if kind == "full" and _single_quoted_heading(masked, start, end):
            kind = "scare"
        if quotes and runs_on[-1] and not masked[quotes[-1].end : start].strip(" \t\r\n\"'"):
            kind = quotes[-1].kind  # the rest of a quote that ran on over a line break
        quotes.append(Quote(text[body_start:body_end], speaker, cue, body_start, body_end, kind != "full", kind))
        # No closing mark: the quote runs on into the next paragraph. Without an
        # attribution of its own it belongs to whoever the continuation names.
        runs_on.append(end >= len(masked) or masked[end] not in "\"'")
        unattributed.append(cue is None and (not before.strip() or before.strip().endswith((".", "?", "!"))))
    for k in range(len(quotes) - 2, -1, -1):
        following = quotes[k + 1]
        if (
            runs_on[k]
            and unattributed[k]
            and not unattributed[k + 1]
            and following.speaker
            and not masked[quotes[k].end : following.start].strip(" \t\r\n\"'")
        ):
            quotes[k] = replace(quotes[k], speaker=following.speaker)
            unattributed[k] = False
    return _signed_quotes(quotes, runs_on, masked, speakers)


def _single_quoted_heading(masked: str, start: int, end: int) -> bool:
    """A line that is nothing but a few words in single quotes: a subheading ("'A really tough
    decision.'"), the house style of headings, not a quotation of the body text."""
    if start < 1 or end >= len(masked) or masked[start - 1] != "'" or masked[end] != "'":
        return False
    line_start = masked.rfind("\n", 0, start) + 1
    line_end = masked.find("\n", end)
    line = masked[line_start : line_end if line_end >= 0 else len(masked)].strip()
    return line == masked[start - 1 : end + 1] and len(masked[start:end].split()) <= 8


# The line that signs a quotation set off as a block: "Dean Baker, Center for Economic and Policy
# Research." / "- Jane Root, BBC Two". A name, then at most a capitalised affiliation.
_AFFILIATION_WORD = r"(?:[A-Z][\w'’.&-]*|of|for|and|the|at|on|in|on)"
_SIGNATURE = re.compile(
    rf"[-—–]?\s*(?P<name>[A-Z][\w'’.-]+(?:[ \t]+[A-Z][\w'’.-]+){{1,3}})"
    rf"(?:,[ \t]+{_AFFILIATION_WORD}(?:[ \t]+{_AFFILIATION_WORD}){{0,8}})?\.?"
)


def _signed_quotes(quotes: list[Quote], runs_on: list[bool], masked: str, speakers: _Speakers) -> list[Quote]:
    """A quotation that runs on into a paragraph holding only its signature line: the line is the
    speaker, not a quote of its own."""
    out: list[Quote] = []
    for k, quote in enumerate(quotes):
        if (
            k > 0
            and runs_on[k - 1]
            and out
            and out[-1].end == quotes[k - 1].end
            and not masked[quotes[k - 1].end : quote.start].strip(" \t\r\n\"'")
        ):
            signature = _SIGNATURE.fullmatch(quote.text.strip())
            if signature:
                name = speakers.canonical(_person_or_body(signature["name"]))
                out[-1] = replace(out[-1], speaker=name, cue=out[-1].cue)
                continue
        out.append(quote)
    return out


# A lead that introduces a quotation: '... he said,' / 'Issa continued,' / 'According to X,'.
_INTRODUCING_COMMA = re.compile(
    rf"(?:{CUE_PATTERN}|\b[Aa]ccording\s+to\b|\bput\s+it|\bin\s+[\w'’.]+(?:\s+[\w'’.]+)?\s+words|\band\s+I\s+quote)[^,;\"]{{0,60}},$"
)


def _kind(before: str, after: str, body: str, cue: str | None, *, previous: str | None = None) -> str:
    """ "full", "partial" or "scare" (see ``Quote.kind``) from where the quote stands in its sentence.

    ``previous`` is the kind of the quote before this one in the same sentence, if any.
    """
    lead = before.rstrip()
    ending = body.rstrip().rstrip("'\"").rstrip()  # '..., he said, 'In some ways ...,'' ends with a comma
    words_in = body.split()
    lowercase = body.lstrip("'\" ")[:1].islower()
    if previous in ("partial", "scare") and lead.endswith(('"', "'")) and len(words_in) <= 6:
        return previous  # 'roles in "Big," "Apollo 13," and "Cast Away"': one item of a quoted list
    tail = after.lstrip(" \t")
    closes_sentence = (ending.endswith((".", "?", "!", "…")) and not tail.strip(" \t\n\"')]")) or (
        tail.startswith((".", "?", "!")) and not tail[1:].strip(" \t\n\"')]")
    )
    if closes_sentence and len(words_in) >= 3 and (
        lead.endswith(":") or _introduces(lead)
    ):
        # The whole rest of the sentence after "He added," / "Elliott said" / "..., saying" is quoted:
        # the speaker's words as said, even when they open in lower case ("He added, 'actually, ...'").
        return "full"
    if (
        len(words_in) >= 3
        and ending.endswith((",", "?", "!"))
        and _BARE_LEAD.fullmatch(lead)
        and (attribution := _TAIL_ATTRIBUTION.match(tail.lstrip(", \t")))
        and not _REPORTER_GOES_ON.match(tail.lstrip(", \t")[attribution.end() :])
    ):
        # 'Yet, "it is hard to make a causal link," added Zarate' / '- "Born with a silver spoon," Mr. Elkins
        # said -': a clause quoted and then attributed is the speaker's words. Not after an adverbial
        # ('Sooner or later, "I think ...," he said'): the statement is then partly the reporter's words.
        return "full"
    kind = _opening_kind(lead, tail, body, ending, cue)
    if kind == "full" and lowercase and lead:
        # '"...," he added, "is whether ..."': the second half of a broken quote is what the first half
        # was; a lowercase quote after "he said," with no first half continues the reporter's sentence
        return previous if previous is not None else ("partial" if cue else "scare")
    return kind


def _opening_kind(lead: str, tail: str, body: str, ending: str, cue: str | None) -> str:
    opens = (
        not lead
        or lead.endswith((":", ".", "?", "!", '"', "'"))
        or bool(_INTRODUCING_COMMA.search(lead))
        # 'Feinstein said "I don't know ...", 'by saying "Too many."': a cue, then a capitalised quotation
        or (bool(_CUE_AT_END.search(lead)) and body.lstrip("'\" ")[:1].isupper())
    )
    if opens:
        if not lead and not tail.strip() and cue is None and not ending.endswith((".", "?", "!", "…", ",")):
            return "scare"  # a quoted line standing alone without a full stop: a subheading or a title
        # "'Thin-skinned' Trump quells critics": the quoted words are part of the sentence.
        if not (tail[:1].isalpha() and not ending.endswith((".", "?", "!", ",", "-", "—"))):
            return "full"
        if _TAIL_ATTRIBUTION.match(tail):  # '"... is absurd" Clinton tweeted', '" said Nick Merrill': a comma dropped
            return "full"
    return "partial" if cue else "scare"


# Verbs that introduce what was said, not verbs that name something ('a play called "...").
_INTRO_VERBS = "|".join(QUOTE_LEAD_VERBS)
_CUE_AT_END = re.compile(rf"\b(?:{_INTRO_VERBS})$")
# After a verb of saying, only where and when may come before the quote ("said in a statement,").
_CIRCUMSTANCE = frozenset(
    ["in", "on", "at", "during", "after", "before", "from", "with", "via", "to", "later", "earlier", "again", "also", "then", "last", "this", "yesterday", "today", "tonight"]
) | WEEKDAYS
_NO_CONTENT = frozenset(["that", "if", "whether", "when", "because", "while", "as", "how", "what", "why", "who", "which"])
# A sentence that opens with its speaker and cue: "He added,", "But, Mr. Ryan said,", "Elliott said",
# "She told the mayors who gathered in Indianapolis,"; not "Ryan said that if the U.S. pulls back,".
_SUBJECT_CUE_LEAD = re.compile(
    rf"^(?:(?:But|And|Yet|So|Still|Then|Now|Later)\b,?\s+)?(?:[\w'’.-]+\s+){{1,6}}?(?P<cue>{_INTRO_VERBS})"
    rf"(?P<rest>(?:\s+[\w'’.-]+){{0,10}}[,:])?$"
)
# "..., saying", "..., but told his supporters,", "Adding,": a participle or a second verb of the speaker.
_PARTICIPLE_LEAD = re.compile(
    rf"(?:(?:^|,)\s*(?P<cue>(?:{_INTRO_VERBS})(?<=ing))|\b(?:but|and)\s+(?P<cue2>{_INTRO_VERBS}))"
    rf"(?P<rest>(?:\s+[\w'’.-]+){{0,6}}[,:])?$",
    re.I,
)
# "Hillary Clinton cracked,", "his friends jeered,", "then boomed,": the speaker, a verb of the manner of
# saying and a comma; the quotation that follows is what was said.
_MANNER_LEAD = re.compile(r"(?:^|\b(?:[A-Z][\w'’.-]*|he|she|they|we|I|then|and))\s+[a-z]{3,}ed,$")
_NOT_SAYING = re.compile(r"\b(?:titled|entitled|called|named|dubbed|labeled|labelled|nicknamed|headlined)[,:]?$")
# "Said Dorothy Poynter, who grew up with him,": the verb first, then the speaker and an apposition.
_INVERTED_LEAD = re.compile(
    r"^(?:Said|Says|Added|Adds|Asked|Wrote|Writes|Explained|Recalled)\s+[^,;:\"]{2,60}(?:,[^;:\"]{0,100})?,$"
)
# What may stand before a quote attributed after it: nothing, a conjunction, a dash or a parenthesis.
_BARE_LEAD = re.compile(r"(?:(?:[Bb]ut|[Aa]nd|[Yy]et|[Ss]o|[Ss]till)\b,?|.*[-—–(;])?")
# After '"...," he added': the reporter's words go on ("..., to pursue a hybrid system").
_REPORTER_GOES_ON = re.compile(r"^[^,.;]*,\s+(?:to|that|because|if|since|so|but)\b")


def _introduces(lead: str) -> bool:
    """The lead ends with the speaker's verb of saying and nothing of what was said (see above)."""
    if _INVERTED_LEAD.search(lead):
        return True
    manner = _MANNER_LEAD.search(lead)
    if manner and not _NOT_SAYING.search(lead) and not _CUE_AT_END.search(lead[: manner.end() - 1]):
        return True  # (a verb of saying itself is read by the rules below)
    match = _SUBJECT_CUE_LEAD.search(lead) or _PARTICIPLE_LEAD.search(lead)
    if not match:
        return False
    rest = (match["rest"] or "").rstrip(",:").split()
    cue = (match.groupdict().get("cue") or match.groupdict().get("cue2") or "").lower()
    if cue in ADDRESS_VERBS:  # "told the mayors who gathered in Indianapolis," (not "told them that")
        return not any(word.lower() in _NO_CONTENT - {"who", "when", "as"} for word in rest)
    return not rest or (rest[0].lower() in _CIRCUMSTANCE and not any(w.lower() in _NO_CONTENT for w in rest))


_TAIL_ATTRIBUTION = re.compile(
    rf"(?:{CUE_PATTERN}|(?:{SPEAKER_NAME_RUN}|[Hh]e|[Ss]he|[Tt]hey)\s+(?:[a-z]+ly\s+)?{CUE_PATTERN})"
)


def _sentence_at(sentences: Sequence, starts: list[int], position: int):
    import bisect

    k = bisect.bisect_right(starts, position) - 1
    if k < 0:
        return None
    return sentences[k]


def _trim_quote(masked: str, start: int, end: int) -> tuple[int, int]:
    """The quoted words between the marks: spaces and a trailing comma dropped."""
    while start < end and (masked[start].isspace() or masked[start] in "\"'"):
        start += 1
    while end > start and (masked[end - 1].isspace() or masked[end - 1] in ",\"'"):
        end -= 1
    return start, end


def _quote_spans(text: str, masked: str, block_start: int, block_end: int) -> list[tuple[int, int]]:
    """(start, end) of the text between quote marks in one block; start is after the
    opening mark (or the block start when the outlet dropped it), end is the closing mark."""
    # A doubled mark ('""throwing in the towel"', a typo seen in METER copy) counts once.
    marks = []
    k = masked.find('"', block_start, block_end)
    while k != -1:  # str.find, not a Python loop over every character of the block
        if not (k > block_start and masked[k - 1] == '"'):
            marks.append(_Mark(k, text[k]))
        k = masked.find('"', k + 1, block_end)
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for mark in marks:
        k = mark.position
        before = masked[k - 1] if k > block_start else " "
        after = masked[k + 1] if k + 1 < block_end else " "
        # A straight mark right after sentence punctuation and before a space
        # closes a quote whose opening mark the outlet dropped.
        closes = mark.char in _CLOSING or (
            mark.char not in _OPENING and open_at is None and before in ".,!?" and after in " ,.;:"
        )
        if open_at is None:
            if closes:
                spans.append((block_start, k))  # opening mark missing: quote from the paragraph start
            else:
                open_at = k + 1
        elif mark.char in _OPENING and not (before in ".,!?" and after in " ,.;:\n"):
            spans.append((open_at, k))
            open_at = k + 1
        else:  # a closing mark, or an opening one typed after "?" to close ('a fascist?“ he asked')
            spans.append((open_at, k))
            open_at = None
    if open_at is not None and open_at < block_end:
        spans.append((open_at, block_end))  # runs on into the next paragraph
    covered = bytearray(block_end - block_start)
    for s, e in spans:
        covered[s - block_start : e - block_start] = b"\x01" * (e - s)
    for match in _SINGLE.finditer(masked, block_start, block_end):
        if not covered[match.start() - block_start]:
            spans.append((match.start("body"), match.end("body")))
    return spans


def _attribute(
    masked: str,
    before: str,
    after: str,
    position: int,
    sentence,
    speakers: _Speakers,
    earlier: list[Quote],
    *,
    ends_clause: bool = True,
) -> tuple[str | None, str | None]:
    match = _AFTER_QUOTED_AS.match(after)
    if match:
        return _person_or_body(match["who"]), "quoted as saying"
    match = _AFTER_CUE_SUBJECT.match(after)  # '," said Kremlin spokesman Dmitry Peskov'
    if match:
        who = match["who"]
        # '," said another Twitter user, Johanna Bayer.': a role, then the name in apposition
        named_after = _NAME_AFTER_ROLE.match(after, match.end())
        if named_after and who.split()[-1][:1].islower():
            return _person_or_body(named_after["who"]), match["cue"]
        # "said Representative Peter T. King of New York": the person, not the place or the employer
        head = re.split(r"\s+(?:of|from|at)\s+", who, maxsplit=1)[0]
        if head != who and any(
            len([t for t in r.split() if t.rstrip(".,").lower() not in TITLE_WORDS]) >= 2 for r in _NAME_RUN.findall(head)
        ):
            who = head
        # "said Rep. Michele Bachmann on Tuesday": a day or a sentence word is no speaker
        runs = [r for r in _NAME_RUN.findall(who) if r.split()[-1].lower() not in _LEADING_NOT_NAME]
        if runs:
            return _person_or_body(runs[-1]), match["cue"]
        role = match["who"].strip().split()
        if role and role[0].lower() in _NEW_ROLE and len(role) <= 4:  # '," said one insider'
            phrase = " ".join(role)
            return phrase[0].lower() + phrase[1:], match["cue"]
    match = _AFTER_SUBJECT_CUE.match(after)
    if match:
        who = _resolve(match["who"], position, sentence, masked, speakers)
        if who:
            return who, match["cue"]
    match = _AFTER_APPOSITIVE_CUE.match(after)  # '," Blinken, who arrived on Monday, told reporters'
    if match:
        return _person_or_body(match["who"]), match["cue"]
    match = _AFTER_ROLE_NAME_CUE.match(after)
    if match:
        return _person_or_body(match["who"]), match["cue"]
    match = _AFTER_NAME_VERB.match(after) if ends_clause else None
    if match:
        name = speakers.trim(_person_or_body(match["who"]))
        last = name.split()[-1].lower()
        if last not in _LEADING_NOT_NAME and last not in speakers.lowercase and not name.startswith("the "):
            return name, match["cue"]
    cues = list(_CUE.finditer(before))
    for cue in reversed(cues):
        who = _subject_of(before[: cue.start()], cue.group(), position, sentence, masked, speakers, before)
        if who:
            return who, cue.group()
    match = _LATER_ATTRIBUTION.search(after)
    if match:
        return _person_or_body(match["who"]), match["cue"]
    if sentence is not None and sentence.block == 0:
        match = _HEADLINE_SOURCE.search(after) or _HEADLINE_SOURCE.search(masked[sentence.start : sentence.end])
        if match:
            return _person_or_body(match["who"]), None
    if before.rstrip().endswith(":"):
        # "Tom Ridge, a former secretary, put it: '...'", "The foundation describes itself this way: '...'":
        # no cue verb, but the subject of the clause that introduces the quote is its speaker.
        for run in _NAME_RUN.findall(before):
            name = _person_or_body(run)
            if name.split()[-1].lower() not in _LEADING_NOT_NAME and (speakers.is_person(name) or name.startswith("the ")):
                return name, None
    if not before.strip() or before.strip().endswith((".", "?", "!")):
        # A quote standing alone continues the quote before it, unless a sentence between them
        # names someone else ("Mrs. Clinton did not hesitate. '...'"); else the last person named.
        if earlier and earlier[-1].speaker and position - earlier[-1].end < 400:
            between = speakers.subject_between(earlier[-1].end, position)
            return between or earlier[-1].speaker, None
        return speakers.last_person(position), None
    return None, None


def _resolve(phrase: str, position: int, sentence, masked: str, speakers: _Speakers) -> str | None:
    """The speaker named by the words right before a cue verb after a quote."""
    phrase = phrase.strip()
    if not phrase:
        return None
    first = phrase.split()[0].lower()
    if first in _PRONOUNS:
        return _pronoun(first, position, sentence, masked, speakers)
    runs = _NAME_RUN.findall(phrase)
    if runs and first == "the" and not phrase.endswith(runs[-1]):
        # "the Kremlin spokesman", "the Florida senator": the person the article named for that role
        person = speakers.person_for_role(phrase, position)
        if person:
            return person
    if runs:
        name = _person_or_body(runs[-1])
        if phrase.lower().startswith("the ") and not name.startswith("the ") and len(runs) == 1 and " " not in name:
            if not phrase.endswith(runs[-1]) and _NATIONALITY.fullmatch(runs[-1]):
                # "the senior Russian diplomat": a role, not "the Russian" ("the BBC spokeswoman" stays "the BBC")
                return _definite_role(phrase, position, speakers)
            return "the " + name
        return name
    if first in _NEW_ROLE:
        return phrase[0].lower() + phrase[1:]  # "a Sky spokeswoman", kept as a role
    if first == "the":
        return _definite_role(phrase, position, speakers)
    return None


def _definite_role(phrase: str, position: int, speakers: _Speakers) -> str | None:
    """ "the ministry" is a body and stays as written; "the diplomat" is the last person who spoke."""
    if phrase.split()[-1].lower() in _INSTITUTION_NOUNS:
        return phrase[0].lower() + phrase[1:]
    return speakers.person_for_role(phrase, position) or speakers.last_person(position)


def _pronoun(pronoun: str, position: int, sentence, masked: str, speakers: _Speakers) -> str | None:
    if pronoun in ("he", "she"):
        return speakers.resolve_pronoun(pronoun, position)
    if sentence is not None:
        runs = _NAME_RUN.findall(masked[sentence.start : position])
        if runs:
            return _person_or_body(runs[0])
    return None


def _subject_of(
    head: str, cue: str, position: int, sentence, masked: str, speakers: _Speakers, before: str
) -> str | None:
    """Who does the cue verb ending ``head``: a name, a pronoun, a role, or the sentence subject."""
    if cue in _PARTICIPLES or _AND_BEFORE_CUE.search(head):
        # "..., the Kremlin said, calling them ..." / "Putin issued a warning, saying: ...":
        # the subject of an earlier cue in the sentence, else its first person or institution.
        for earlier in reversed(list(_CUE.finditer(head))):
            named = _NAME_BEFORE_CUE.search(head[: earlier.start()])
            if named:
                return _named(named["who"])
        runs = [_person_or_body(run) for run in _NAME_RUN.findall(before)]
        for name in runs:
            if speakers.is_person(name) or name.startswith("the "):
                return name
        return speakers.last_person(position)
    match = _NAME_BEFORE_CUE.search(head) or _APPOSITIVE_BEFORE_CUE.search(head)
    if match:
        return _named(match["who"])
    match = _PRONOUN_BEFORE_CUE.search(head)
    if match:
        return _pronoun(match["pronoun"].lower(), position, sentence, masked, speakers)
    match = _ROLE_BEFORE_CUE.search(head)
    if match:
        if match["det"].lower() in _NEW_ROLE:
            return f"{match['det'].lower()} {match['role']}"
        return _definite_role(f"the {match['role']}", position, speakers)
    # "Mr. Trump was prompted to say", "Warren went on to tell": the subject of the clause
    clause = re.split(r"[.;:!?]\s", head)[-1] if re.search(r"\bto\s+$", head) else ""
    for run in _NAME_RUN.findall(clause):
        name = _person_or_body(run)
        if name.split()[-1].lower() in _LEADING_NOT_NAME:
            continue
        if speakers.is_person(speakers.trim(name)) or name.startswith("the "):
            return name
        break
    return None


def _named(who: str) -> str:
    """A subject run as a speaker; "the Kremlin" keeps its article."""
    name = _person_or_body(re.sub(r"^(?:the|The)\s+", "", who))
    if who.lower().startswith("the ") and not name.startswith("the ") and " " not in name:
        return "the " + name
    return name


def match_quotes(a: Sequence[Quote], b: Sequence[Quote]) -> list[QuoteMatch]:
    """Pair the quotes of two articles and say how each pair differs.

    All quotes of A are scored against all quotes of B in one
    ``rapidfuzz.process.cdist`` call (``token_set_ratio``, which gives 100 when
    one quote's words are a subset of the other's). Pairs are taken greedily,
    best first (ties: lower A index, then lower B index), when the shorter
    quote (two words or more) appears word for word in the longer one
    ("same"), or the word sequences are 60 % alike ("reworded", with the diff).
    "different speaker" overrides both when the two speakers are known and differ.
    Scare quotes (``Quote.kind == "scare"``) are left out: they are nobody's statement.
    """
    from rapidfuzz.distance import Indel

    from compare.pair.diff import word_diff

    a = [q for q in a if q.is_statement]  # scare quotes are nobody's statement
    b = [q for q in b if q.is_statement]
    a_words = [words(q.text) for q in a]
    b_words = [words(q.text) for q in b]
    matches: list[QuoteMatch] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    if a and b:
        candidates, whole = _quote_candidates(a_words, b_words)
        for score, i, j in candidates:
            if i in used_a or j in used_b:
                continue
            wa, wb = a_words[i], b_words[j]
            if not wa or not wb:
                continue
            shorter, longer = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
            if wa == wb or (len(shorter) >= 2 and contains_words(longer, shorter)):
                kind = "same"
            elif min(len(wa), len(wb)) >= 3 and Indel.normalized_similarity(wa, wb) >= 0.6:
                kind = "reworded"
            else:
                continue
            if a[i].speaker and b[j].speaker and not same_speaker(a[i].speaker, b[j].speaker):
                kind = "different speaker"
            used_a.add(i)
            used_b.add(j)
            diff = word_diff(a[i].text, b[j].text) if wa != wb else ()
            matches.append(QuoteMatch(kind, a[i], b[j], score / 100.0, diff))
        # The other half of a quote broken by its attribution ('"This all leads," he
        # said, "to escalation."') is in the other side's whole quote, already taken
        # by its first half: it is carried there too, not one-sided. Words held in
        # order are a subset, so only pairs that token-set scored 100 can qualify.
        for i in sorted(set(range(len(a))) - used_a):
            for j in sorted(whole.get(("a", i), ())):
                if j in used_b and len(a_words[i]) >= 2 and contains_words(b_words[j], a_words[i]):
                    matches.append(_fragment_match(a[i], b[j]))
                    used_a.add(i)
                    break
        for j in sorted(set(range(len(b))) - used_b):
            for i in sorted(whole.get(("b", j), ())):
                if i in used_a and len(b_words[j]) >= 2 and contains_words(a_words[i], b_words[j]):
                    matches.append(_fragment_match(a[i], b[j]))
                    used_b.add(j)
                    break
    matches.sort(key=lambda m: (m.a.start if m.a else 0))
    matches += [QuoteMatch("only in a", q, None, 0.0) for i, q in enumerate(a) if i not in used_a]
    matches += [QuoteMatch("only in b", None, q, 0.0) for j, q in enumerate(b) if j not in used_b]
    return [
        replace(m, speakers_differ=True)
        if m.a is not None and m.b is not None and m.b.speaker and not same_speaker(m.a.speaker, m.b.speaker)
        else m
        for m in matches
    ]


#: Quotes of A scored against all of B at once (memory: this many rows of B's length).
_QUOTE_BLOCK = 512
#: Candidates kept per quote of A, best first: an article of thousands of short
#: repeated quotes stays bounded.
_QUOTE_CANDIDATES = 64


def _quote_candidates(
    a_words: Sequence[Sequence[str]], b_words: Sequence[Sequence[str]]
) -> tuple[list[tuple[float, int, int]], dict[tuple[str, int], list[int]]]:
    """Pairs scoring 60 or more (token set ratio), best first (ties: lower A, then lower B index),
    each A quote's best ``_QUOTE_CANDIDATES``; and among those the partners of each quote that
    scored 100 (the fragment step's only possible partners).

    Scored ``_QUOTE_BLOCK`` rows at a time, so two long articles never hold the whole matrix.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    keys_a = [" ".join(w) for w in a_words]
    keys_b = [" ".join(w) for w in b_words]
    found: list[tuple[float, int, int]] = []
    for start in range(0, len(keys_a), _QUOTE_BLOCK):
        scores = process.cdist(keys_a[start : start + _QUOTE_BLOCK], keys_b, scorer=fuzz.token_set_ratio, workers=1)
        rows, cols = np.nonzero(scores >= 60)
        values = scores[rows, cols]
        # by row, best first within it; on a tie the quote at the closest relative position,
        # so that a run of identical quotes keeps each quote's own counterpart
        offsets = np.abs((rows + start) / len(keys_a) - cols / len(keys_b))
        order = np.lexsort((cols, offsets, -values, rows))
        within = np.arange(len(order)) - np.searchsorted(rows[order], rows[order], side="left")
        kept = order[within < _QUOTE_CANDIDATES]
        negatives = (-values[kept].astype(np.float64)).tolist()
        found.extend(zip(negatives, (rows[kept] + start).tolist(), cols[kept].tolist(), strict=True))
    found.sort()
    whole: dict[tuple[str, int], list[int]] = {}
    for negative, i, j in found:
        if negative <= -100.0:
            whole.setdefault(("a", i), []).append(j)
            whole.setdefault(("b", j), []).append(i)
    return [(-negative, i, j) for negative, i, j in found], whole


def _fragment_match(a: Quote, b: Quote) -> QuoteMatch:
    known = a.speaker and b.speaker and not same_speaker(a.speaker, b.speaker)
    return QuoteMatch("different speaker" if known else "same", a, b, 1.0, ())


def contains_words(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    """True when ``shorter`` appears word for word, in order and contiguous, inside ``longer``."""
    n = len(shorter)
    return any(longer[k : k + n] == shorter for k in range(len(longer) - n + 1))


def clear_caches() -> None:
    """Empty the speaker caches (benchmarks start each run cold)."""
    _person_or_body.cache_clear()
    speaker_key.cache_clear()
