"""Word lists of English news the stages share: one copy of each.

Stop words, calendar words, titles and honorifics, the patterns of capitalised
names, verbs that attribute a quote, and the speaker key. Where two stages use two different lists on
purpose, both are here, each named for its use and documented with the reason
(a rule or a fitted model depends on the list it was written or fitted with).

>>> "monday" in WEEKDAYS and "may" in MONTHS and MONTH_NUMBERS["sept"] == 9
True
>>> speaker_key("Dmitry Peskov")
'peskov'
"""

from __future__ import annotations

from functools import lru_cache

from compare.text.normalize import words

# ---------------------------------------------------------------- stop words

#: Function words ignored when sentences are compared by content: alignment, the
#: claim matcher (its term weights in ``compare/pair/data`` were fitted with this
#: list), divergences, the story score (its model was fitted with it) and the
#: words that never start a name. Folded, as ``normalize.words`` gives them.
STOPWORDS = frozenset(
    str.split("""a an the of to in on at for and or but is are was were be been being has have had
    it its this that these those with by from as he she they we i you his her their our
    said says say will would could should not no than then there which who whom what when
    where while also about into over after before up out more most so if do does did can
    may might must s t""")
)

#: Words that make a report shingle weigh little or nothing: a longer function-word
#: list (NLTK's English list, cut down) plus the news verbs of attribution and
#: "mr"/"yesterday". A shingle made of them ("said it had", "the company said") is how
#: every article talks, not what it is about; in a small batch IDF cannot tell,
#: because every phrase is rare. Kept apart from ``STOPWORDS``: the report's phrase
#: weights were tuned with this list and the claim matcher was fitted with that one,
#: so merging the two would change both.
SHINGLE_STOPWORDS = frozenset(
    ["a", "about", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "last", "me", "more", "most", "mr", "mrs", "ms", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "out", "over", "own", "s", "said", "same", "say", "says", "she", "should", "so", "some", "such", "t", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "told", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "yesterday", "you", "your"]
)

# ---------------------------------------------------------------- calendar

#: Day names, folded, Monday first. They say when, not what.
WEEKDAYS_IN_ORDER = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS = frozenset(WEEKDAYS_IN_ORDER)
#: Month names, folded, January first.
MONTHS_IN_ORDER = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
MONTHS = frozenset(MONTHS_IN_ORDER)
#: Abbreviations of month names, folded, without the dot ("may" and "june" have none
#: but "jun"; September has two).
MONTH_ABBREVIATIONS = frozenset(str.split("jan feb mar apr jun jul aug sep sept oct nov dec"))
#: Month number of every folded month name and abbreviation ("sept" -> 9); the
#: three-letter prefix of any month name is a key.
MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
#: Day and month names: capitalised words that are not names.
CALENDAR_WORDS = WEEKDAYS | MONTHS

# ---------------------------------------------------------------- titles

#: Title and descriptive words dropped from a name run to leave the person
#: ("Russia's Foreign Minister Sergei Lavrov" -> "Sergei Lavrov"); never an entity alone.
TITLE_WORDS = frozenset(
    str.split(
        """president prime minister deputy foreign defense defence secretary spokesman
        spokeswoman spokesperson press chief general gen senator sen representative rep
        governor gov mayor ambassador chancellor king queen prince pope premier chairman
        director head leader official commander colonel col lieutenant lt sergeant sgt
        mr mrs ms dr prof professor minister's interior rev reverend capt captain adm admiral maj major hon amb
        atty supt det insp sgt father rabbi imam bishop cardinal sheriff attorney nominee candidate state senior ministry kremlin
        presenter promoter actor actress singer star producer manager boss editor writer
        comedian model musician guitarist drummer player coach captain officer inspector
        detective lawyer solicitor judge mp councillor doctor analyst aide adviser advisor
        envoy diplomat lawmaker correspondent reporter host agent publicist"""
    )
)
#: An abbreviated title with its dot, before a capitalised name ("Sen. Warren",
#: "Dr. Fauci"): a regular expression, not a word list, because the dot is part of it.
HONORIFIC_PATTERN = (
    r"(?:Mr|Mrs|Ms|Dr|Rev|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Maj|Prof|Hon|Amb|Atty|Supt|Det|Insp)\.(?=[ \t]+[A-Z])"
)

# ---------------------------------------------------------------- capitalised names

#: One capitalised word, as a regular expression: a capital, then word characters,
#: straight or curly apostrophes and hyphens ("Peskov", "O’Brien", "al-Assad's").
CAPITALISED_WORD = r"[A-Z][\w'’-]*"
#: The sentence matcher's capitalised word (``pair.matching``): from a word boundary,
#: and a curly apostrophe ends it ("Trump’s" gives "Trump", not "Trump" and "s").
#: Kept apart from ``CAPITALISED_WORD``: the matcher's names feed the claim matcher,
#: whose weights were fitted with this form.
MATCHER_CAPITALISED_WORD = r"\b[A-Z][\w'-]*"


def capitalised_run(token: str, joiners: str) -> str:
    """A regular expression for a run of ``token`` separated by spaces or tabs, where one
    lowercase joiner of ``joiners`` ("of|de") may stand between two tokens.

    >>> import re
    >>> re.match(capitalised_run(CAPITALISED_WORD, "of"), "Bank of England said").group()
    'Bank of England'
    """
    return rf"{token}(?:[ \t]+(?:(?:{joiners})[ \t]+)?{token})*"


#: A speaker's name as the quote extractor reads it: capitalised words, abbreviated
#: titles with their dot ("Sen. Warren") and initials of one to three letters ("F.", "J.R.R."),
#: joined by name particles ("Abu Bakr al Baghdadi", "Ursula von der Leyen").
SPEAKER_NAME_RUN = capitalised_run(
    rf"(?:{HONORIFIC_PATTERN}|(?:[A-Z]\.){{1,3}}(?![\w])|{CAPITALISED_WORD})", "al|bin|de|van|von|der"
)
#: An entity named in a sentence as the divergence finder reads it: capitalised words and
#: initialisms of two or three letters ("U.S."), joined by the words that join the parts
#: of an organisation's or an office's name ("Ministry of Defence", "Secretary for Health").
ENTITY_NAME_RUN = capitalised_run(rf"(?:(?:[A-Z]\.){{2,3}}|{CAPITALISED_WORD})", "of|for|al|de")
#: A name the story score counts (``pair.story_score``): capitalised words not glued to a
#: word before them, joined by particles and "of"/"the" ("Prince of Wales"). Kept apart
#: from ``ENTITY_NAME_RUN``: the story score's model was fitted with these runs.
STORY_NAME_RUN = r"(?<![\w'’])" + capitalised_run(CAPITALISED_WORD, "of|de|al|van|von|the")

# ---------------------------------------------------------------- attribution

#: Verbs (and their -ing forms) that attribute a quote to its speaker: the quote
#: extractor's list, as written in news copy ("said", "told", "tweeted", "fumed").
CUE_VERBS = (
    "said", "says", "say", "told", "tells", "added", "adds", "wrote", "writes", "asked", "asks",
    "warned", "warns", "claimed", "claims", "stressed", "noted", "insisted", "declared", "replied",
    "continued", "explained", "argued", "alleged", "admitted", "denied", "threatened", "echoed",
    "complained", "acknowledged", "announced", "conceded", "urged", "accused", "dismissed",
    "blamed", "called", "calls", "described", "describes", "defined", "reported", "confirmed",
    "tweeted", "posted", "insists", "warning", "saying", "adding", "alleging", "calling",
    "describing", "arguing", "insisting", "stressing", "noting", "telling", "writing",
    "admits", "explains", "reveals", "revealed", "responded", "responds", "recalled", "recalls",
    "joked", "jokes", "laughed", "confessed", "confesses", "stated", "states", "commented",
    "remarked", "answered", "retorted", "snapped", "beamed", "gushed", "fumed", "raged",
    "blasted", "boasted", "sighed", "vowed", "pledged", "promised", "predicted", "agreed",
    "disclosed", "quipped", "shouted", "screamed", "whispered", "pleaded", "demanded",
    "emphasized", "emphasised", "concluded", "exclaimed", "observed", "suggested", "countered",
    "cautioned", "contended", "maintained", "asserted", "mused", "lamented", "bragged", "wondered",
    "recounted", "mocked", "testified", "objected", "interjected", "tells", "emailed", "texted",
    "explaining", "emphasizing", "concluding", "recalling", "suggesting", "asking", "declaring",
    "pointing", "joking", "quipping", "vowing", "promising", "predicting", "answering", "replying",
    "chanting", "chanted", "chant", "chants", "yelled", "yelling", "shouting", "screaming", "cried",
    "reads", "reading", "remembered", "conceding", "acknowledging", "admitting",
)
#: The sentence splitter's shorter list: after a closing quote mark, "?" or "!"
#: ends the sentence unless one of these follows ('"Why?" he asked.'). Kept short
#: on purpose: a verb that also starts sentences ("Called ...", "Reading ...")
#: would glue two sentences together, and the splitter's figures were measured with it.
SPLITTER_CUE_VERBS = (
    "said", "says", "asked", "asks", "told", "tells", "added", "adds", "wrote", "writes", "warned", "warns",
    "insisted", "claimed", "claims", "stressed", "noted", "explained", "replied", "continued", "declared",
    "quipped", "shouted",
)


#: Verbs that stand before the speaker right after a quote ('," said Kremlin spokesman
#: Dmitry Peskov'): the quote extractor reads the subject that follows them up to the
#: next punctuation, so only verbs that take the inverted order in news copy are here.
INVERTED_CUE_VERBS = ("said", "says", "added", "wrote", "asked", "told")
#: Verbs that open a quotation at the end of the words before it ('He added, "..."',
#: '..., saying: "..."'): verbs that introduce what was said, not verbs that name
#: something ('a play called "..."'), so "called" and "described" are not here.
QUOTE_LEAD_VERBS = (
    "said", "says", "saying", "say", "told", "tells", "telling", "added", "adds", "adding",
    "wrote", "writes", "writing", "asked", "asks", "asking", "replied", "replies", "replying",
    "declared", "declares", "declaring", "tweeted", "tweets", "tweeting", "posted", "stated", "states",
    "exclaimed", "shouted", "announced", "insisted", "insists", "insisting", "warned", "warns", "warning",
    "explained", "explaining", "concluded", "continued", "responded", "noted", "noting", "argued", "arguing",
    "admitted", "recalled", "recalling", "urged", "urging",
)
#: Verbs of saying whose object is the person addressed ("told his supporters,"), not
#: what was said: after them, a comma does not open the quotation's content.
ADDRESS_VERBS = frozenset(("told", "tells", "telling", "asked", "asks", "asking", "warned", "warns", "warning", "urged", "urging"))
#: Verbs that report a claim ("officials said (that) ..."): the claim matcher compares
#: what follows them apart from the attribution.
REPORTING_VERBS = (
    "said", "says", "told", "announced", "confirmed", "reported", "added", "warned", "stated", "insisted", "claimed",
)
#: The framing a cue verb gives a claim, for each form of the verb ("warns" -> "warned"):
#: two outlets framing one claim with different verbs ("said" / "claimed") is a divergence.
#: Neutral and loaded verbs both, but only those whose choice says something.
FRAMING_VERBS = {
    "said": "said", "says": "said", "say": "said", "told": "told", "tells": "told",
    "claimed": "claimed", "claims": "claimed", "claim": "claimed", "warned": "warned",
    "warns": "warned", "insisted": "insisted", "insists": "insisted", "alleged": "alleged",
    "alleging": "alleged", "admitted": "admitted", "denied": "denied", "stressed": "stressed",
    "noted": "noted", "added": "added", "argued": "argued", "complained": "complained",
    "accused": "accused", "dismissed": "dismissed", "declared": "declared", "asserted": "asserted",
    "assert": "asserted", "acknowledged": "acknowledged", "conceded": "conceded", "boasted": "boasted",
    "threatened": "threatened", "reported": "reported", "confirmed": "confirmed", "announced": "announced",
}

@lru_cache(maxsize=16384)
def speaker_key(speaker: str | None) -> str | None:
    """What makes two speakers one: the folded last word ("Dmitry Peskov" -> "peskov").

    >>> speaker_key("Peskov") == speaker_key("Dmitry Peskov")
    True
    >>> speaker_key(None) is None
    True
    """
    if not speaker:
        return None
    folded = words(speaker)
    return folded[-1] if folded else None
