"""The cue table: the verbs and phrases that introduce speech, and the speech act each one proposes.

One table for two ideas that must not drift apart: which words attribute a quote or make a paraphrase (the
extractor's CUE_WORDS and SPEECH_CUE in attribution.py are built from it), and what those words say the speech does
(the article assistant proposes a speech act from them, docs/codebook.md#proposals-from-the-article-assistant).

Each row is a speech act (a value of statements.positions.codebook.SpeechAct, or "" for words that say nothing of
the act: a question, a vow) with its words in three uses:

- `reports`: verbs that introduce reported speech strongly enough to make a paraphrase ("Peskov warned that …"),
  and attribute quotes too;
- `attributes`: words that attribute a quote ("…," Peskov quipped) but make no paraphrase;
- `objects`: verbs whose object is the quote itself, which attribute only a quote that follows them at once
  (Peskov thanked "the rescuers for their work", offered "condolences to the families"): the quote is direct, and
  "thanked him for "…"" or "offered to help" attributes nothing;
- `marks`: words that only say what the speech does, never attribute it ("Peskov denied the claims, saying …").
  Adding one changes no extraction.

Rows are in order of precedence, most specific first: the act proposed is the first row with a word in the
writer's words of the attribution (`act_of`), so "Peskov declined to comment, saying …" is declining, not comment.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    act: str
    reports: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()
    marks: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        return self.reports + self.attributes + self.objects + self.marks


# fmt: off
CUES = [
    Cue(
        "decline",
        marks=("declined to comment", "refused to comment", "declined to say", "would not comment", "no comment"),
    ),
    Cue("threaten", marks=("threatened", "threatens", "threatening")),
    Cue("warn", reports=("warned", "predicted"), attributes=("warns", "warning", "cautioned")),
    Cue("deny", marks=("denied", "denies", "denying")),
    Cue("reject", attributes=("dismissed", "dismissing"), marks=("rejected", "rejecting")),
    Cue("demand", marks=("demanded", "demanding")),
    Cue(
        "criticise",
        attributes=(
            "accused", "accusing", "accuses", "charged", "alleged", "denounced", "complained", "complains",
            "branded", "labeled", "labelled", "mocked", "mocks", "scoffed",
        ),
        marks=("criticised", "criticized", "criticising", "criticizing", "condemned", "condemning"),
    ),
    Cue(
        "concern",
        attributes=("lamented", "laments"),
        marks=("expressed concern", "voiced concern", "expressed regret"),
    ),
    Cue("appeal", attributes=("urged",), marks=("called on", "calling on", "appealed", "urging")),
    Cue("offer", attributes=("pledged", "promised"), objects=("offered",), marks=("proposed", "proposing", "offering")),
    Cue("agree", attributes=("agreed", "agrees")),
    Cue("praise", objects=("thanked",), marks=("praised", "praising", "hailed", "commended", "welcomed")),
    Cue(
        "comment",
        reports=(
            "said", "says", "told", "added", "stressed", "noted", "insisted", "announced", "explained", "argued",
            "claimed", "went on", "emphasised", "emphasized", "reiterated", "declared", "acknowledged", "admitted",
            "stated", "assured", "recalled", "underlined", "underscored",
        ),
        attributes=(
            "say", "tells", "adds", "continued", "continues", "stresses", "notes", "explains", "wrote", "writes",
            "insists", "argues", "remarked", "replied", "responded", "answered", "observed", "suggested", "claims",
            "commented", "joked", "conceded", "countered", "emphasizes", "pointed out", "tweeted",
            "posted", "maintained", "contended", "concluded", "quipped", "mused", "boasted", "testified",
            "told reporters", "according to", "was quoted as saying", "quoted", "saying", "adding", "noting",
            "declaring", "explaining", "calling", "called", "described", "wrote on", "said in", "recalls",
            "acknowledges", "arguing", "insisting", "claiming", "suggesting", "stressing", "asserting", "asserted",
            "telling", "boasts", "boasting", "promotes", "promoted", "trumpets", "trumpeted", "exclaimed",
            "exclaims", "puts it", "put it", "retorted", "shot back", "fired back", "interjected", "elaborated",
            "surmised", "riffed", "confessed", "echoed", "cracked", "remembered", "concludes",
            "declares", "states", "jokes", "shouted", "yelled", "barked", "boomed", "fumed",
            # the present tense of verbs above, as features and columns write them ("…," agrees Ana Pardo)
            "admits", "replies", "responds", "concedes", "counters", "quips", "observes", "remarks", "asserts",
            "maintains", "contends", "muses", "recounts",
            # both spellings, as British and American wire copy write them
            "characterised", "characterized", "emphasises", "stating", "talked of", "spoke of",
        ),
        # only a quote written right after them: 'shared the post, writing "…"', not 'writing in the Post'
        objects=("writing", "tweeting"),
    ),
    Cue(
        "",
        attributes=("asked", "asks", "vowed", "wondered", "pressed", "reported", "reports", "attributed to"),
    ),
]
# fmt: on

# The words that attribute a quote, those of them that attribute only a quote right after them, and the verbs that
# make reported speech a paraphrase (attribution.py).
CUE_WORDS = [word for cue in CUES for word in cue.reports + cue.attributes + cue.objects]
OBJECT_WORDS = {word for cue in CUES for word in cue.objects}
SPEECH_WORDS = [word for cue in CUES for word in cue.reports]


def alternatives(words) -> str:
    """A regular expression's alternation of the words, longest first (so "told reporters" wins over "told")."""
    return "|".join(sorted({re.escape(word) for word in words}, key=lambda w: (-len(w), w)))


_ACT_OF_WORD = {word: cue.act for cue in reversed(CUES) for word in cue.words}
_RANK = {cue.act: rank for rank, cue in enumerate(CUES)}
_ANY_CUE = re.compile(r"(?<![\w-])(" + alternatives(_ACT_OF_WORD) + r")\b", re.IGNORECASE)


def act_of(text: str, start: int = 0, end: int | None = None) -> str:
    """The speech act that the writer's words text[start:end] propose ("Peskov denied the claims, saying"): the first
    row of CUES with a word starting there (a phrase may run on past `end`: "Lavrov called | on Washington to …"),
    or "" when none has one."""
    end = len(text) if end is None else end
    acts = set()
    for match in _ANY_CUE.finditer(text, start):
        if match.start() >= end:
            break
        acts.add(_ACT_OF_WORD[match.group(1).lower()])
    return min(acts, key=_RANK.__getitem__) if acts else ""
