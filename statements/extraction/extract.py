"""The pipeline: find quotations and reported speech, attach speakers, date, countries and topics."""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .attribution import (
    CUE,
    MIN_QUOTE_WORDS,
    SPEAKER_AFTER,
    SPEECH_CUE,
    Attribution,
    _attribution,
    _first_np,
    _last_np,
    _np_after,
    _Unit,
    post_attribution,
    pre_attribution,
    remarks_after,
    word_count,
)
from .cues import OBJECT_WORDS, act_of
from .dates import DATELINE_LEAD, article_date, skip_dateline
from .institutions import DOCUMENT_WORDS
from .names import CAPITALISED_BODY_WORD, bare, looks_like_person
from .signed import heading, signature
from .speakers import MAX_CANDIDATES, SpeakerResolver
from .suggestions import country_matcher, find_duplicates, named_targets, suggest, term_matcher
from .text import SOURCE_NOTE, QuoteSpan, find_quotes, paragraphs, sentence_end, sentence_start
from .transcript import turns
from .types import Extraction, Fragment, KnownCountry, KnownOfficial, KnownTopic, Proposal, Speaker

# Below this confidence the proposal says "speaker unknown" and lists candidates (tuned on PolNeAR train).
ABSTAIN_BELOW = 0.5
# A list of quote paragraphs goes on only from a follow-on quote whose speaker is this sure: a doubtful one would pass
# its doubt down the list (names given from 0.75 to 0.9 are right 0.86 of the time on train, above 0.9 0.98)
LIST_HEAD_CONFIDENCE = 0.8
# What may follow a final "…, Brandt said": an addressee and an adverbial, not more reported content.
TRAIL = (
    r"((?:\s+(?:reporters|journalists|me|us)\b)?(?:\s+the)?(?:\s+[A-Z][\w.&'’-]*)*"
    r"(?:\s+(?:to|in|on|at|during|after|before|from|with|by|late|earlier|later|last|this|yesterday|today|"
    r"[A-Z][a-z]+day)\b[^,]{0,40})?)"
)
LEAD_GOES_ON = r"(?:,\s+(?:adding|saying|noting|stressing|explaining|warning|as|while|but|and)\b.*)?"
# "Brandt went on to say …", "Brandt went on to add that …": the verb after "to" is part of the cue
TO_SAY = re.compile(r"\s+to\s+(?:say|add|note|explain|argue|stress|warn)\b")
# Spaces other than the plain one ("said.\u00a0“…" in web copy) read as one: each is one character, so offsets stay.
WIDE_SPACES = str.maketrans(
    dict.fromkeys("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " ")
)
ADDRESSEE = re.compile(r"\s*(?:the\s+)?(?:[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)*|reporters|journalists|me|us|him|her|them)")


@dataclass
class _Item:
    """A proposal under construction, kept in article order so pronouns can find the last speaker."""

    start: int
    kind: str
    fragments: list[tuple[int, int]]
    attribution: Attribution | None
    has_quote: bool
    units: list[_Unit] = field(default_factory=list)
    follow_on: bool = False
    signed: bool = False  # the attribution is a credit line under the quote ("— Ana Pardo, 34, Strelsau")


def extract(
    text: str,
    *,
    published: datetime.date,
    officials: Sequence[KnownOfficial] = (),
    topics: Sequence[KnownTopic] = (),
    countries: Sequence[KnownCountry] = (),
    existing: Sequence[tuple[str, str]] = (),
    paraphrases: bool = True,
    abstain_below: float = ABSTAIN_BELOW,
) -> Extraction:
    """Propose the statements in an article (see docs/extraction.md for what each field means). A speaker less sure
    than `abstain_below` is left unknown (0 keeps every speaker, to measure how each kind of speaker fares)."""
    original, text = text, text.translate(WIDE_SPACES)  # fragments keep the article's own characters
    date, dateline = article_date(text, published)
    items = _quote_items(text)
    # a transcript: each official's turn is one statement, and what is quoted or reported inside it is part of it
    spoken = [_Item(t.fragments[0][0], "direct", t.fragments, t.attribution, has_quote=True) for t in turns(text)]
    items = [item for item in items if not any(_overlaps(item, turn) for turn in spoken)] + spoken
    if paraphrases:
        items += _paraphrase_items(text, items)
    items.sort(key=lambda item: item.start)

    resolver = SpeakerResolver(text, date, officials)
    country_terms = country_matcher(countries)
    topic_terms = term_matcher(topics, lambda t: (t.name, *t.keywords))
    official_terms = term_matcher(officials, lambda o: (o.name, *o.aliases))
    proposals = []
    paras = paragraphs(text)
    listed: tuple[_Item, Speaker] | None = None  # the last quote that a list of quote paragraphs may go on from
    for item in items:
        resolver.choice = None
        speaker = resolver.resolve(item.attribution) if item.attribution else None
        if item.signed:
            # a credit line that names no person ("- Reuters."): the quote is read as if unsigned
            speaker = replace(speaker, method="signed") if speaker and speaker.is_person else None
        if speaker is None and (item.follow_on or item.signed):
            last = resolver.follow_on(item.start)
            if last is not None:
                speaker = Speaker(last.name, "", "follow-on", last.official_id, last.is_new_official)
        candidates: list[str] = []
        if listed is not None and item.follow_on and speaker is not None and _next_in_list(text, paras, *listed, item):
            speaker = replace(listed[1])  # the list goes on: the speaker of the quote paragraph before, as sure
        elif speaker is not None:
            speaker.confidence = resolver.confidence(speaker)
            if speaker.confidence < abstain_below:
                # "speaker unknown": a wrong name is worse than a blank; offer who it might be instead
                if resolver.issuers:
                    candidates = resolver.issuers  # "NATO and Russia issued a joint statement": either may be meant
                else:
                    candidates = [speaker.name] if speaker.is_person else []
                    candidates += [n for n in resolver.candidates(item.start) if n not in candidates]
                    candidates = resolver.gender_first(candidates)
                candidates = candidates[:MAX_CANDIDATES]
                speaker = None
        if speaker is not None and speaker.is_institution and speaker.is_new_official:
            owners = suggest(speaker.name, country_terms)  # "Ruritanian Foreign Ministry" belongs to Ruritania
            speaker.country_id = owners[0].id if len(owners) == 1 else None
        listed = None
        if (
            speaker is not None
            and speaker.confidence >= LIST_HEAD_CONFIDENCE
            and item.kind == "direct"
            and item.follow_on
        ):
            listed = (item, replace(speaker))
        fragments = [Fragment(s, e, original[s:e]) for s, e in item.fragments]
        body = join_fragments([f.text for f in fragments])
        proposals.append(
            Proposal(
                kind=item.kind,
                text=body,
                fragments=fragments,
                speaker=speaker,
                cue=item.attribution.cue if item.attribution else "",
                act=writers_act(text, item.attribution, item.fragments),
                date=date,
                has_quote=item.has_quote,
                countries=suggest(body, country_terms),
                topics=suggest(body, topic_terms),
                candidates=candidates,
                targets=[
                    target
                    for target in named_targets(body, country_terms, official_terms)
                    if not (isinstance(target, KnownOfficial) and speaker and target.id == speaker.official_id)
                ],
            )
        )
    if existing:
        find_duplicates(proposals, existing)
    return Extraction(date=date, dateline=dateline, proposals=proposals)


def writers_act(text: str, attribution: Attribution | None, fragments: list[tuple[int, int]]) -> str:
    """The speech act the cue table (cues.py) proposes from the writer's words that attribute a statement: from the
    speaker's mention or the cue, whichever comes first, to the end of that clause ("Peskov denied the claims,
    saying" -> deny; "…," Peskov said, adding that Washington had rejected it -> comment: the clause ends at the
    comma). The statement's own words are never read: what the speaker says is not what the writer says they did."""
    if attribution is None or not attribution.cue:
        return ""
    start = attribution.start
    clause = list(text[start : attribution.end])
    for fragment_start, fragment_end in fragments:  # the quoted or reported words end a clause, like a full stop
        for index in range(max(fragment_start, start), min(fragment_end, attribution.end)):
            clause[index - start] = "\n"
    clause = "".join(clause)
    mention = max(0, attribution.mention_start - start)
    cues = list(re.finditer(r"(?<![\w-])" + re.escape(attribution.cue) + r"\b", clause, re.IGNORECASE))
    if not cues:
        return act_of(text, start + mention, attribution.end)
    cue = min(cues, key=lambda m: abs(m.start() - mention))
    first = min(mention, cue.start())
    last = max(mention + len(attribution.mention), cue.end())
    end = re.compile(r"[,;:.!?\n]").search(clause, last)
    return act_of(text, start + first, start + (end.start() if end else len(clause)))


def join_fragments(pieces: list[str]) -> str:
    """One statement from its fragments. The comma a quote ends with before "he said" is the writer's: it becomes
    a full stop when the next fragment starts a sentence ("… negotiation. We will …") and goes when it does not
    ("The plan," he said, "is dead" -> "The plan is dead")."""
    joined = ""
    for index, piece in enumerate(pieces):
        piece = piece.strip()
        if index + 1 < len(pieces) and piece.endswith(","):
            following = pieces[index + 1].strip()[:1]
            piece = piece[:-1] + ("." if following.isupper() else "")
        joined = f"{joined} {piece}" if joined else piece
    return joined


def _units(spans: list[QuoteSpan]) -> list[_Unit]:
    units: list[_Unit] = []
    unit_of: dict[int, _Unit] = {}
    for span in spans:
        if span.parent is not None and id(span.parent) in unit_of:
            unit = unit_of[id(span.parent)]
            unit.fragments.append(span)
        else:
            unit = _Unit([span])
            units.append(unit)
        unit_of[id(span)] = unit
    return units


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# a source note between two quotes of one entry: "[Tweet, 10/18/23]"
_NOTE_BETWEEN = re.compile(rf"\s*{SOURCE_NOTE}\s*")
# what may follow a quote paragraph in a list of them: a link's word in brackets, "(Watch)", "[video]"
_LINK_AFTER = re.compile(r"\s*(?:[(\[][^()\[\]\n]{1,20}[)\]]\s*)?")


def _next_in_list(text: str, paras, before: _Item, speaker: Speaker, item: _Item) -> bool:
    """Does `item` go on a list of quote paragraphs from `before`, a follow-on quote paragraph just above it whose
    speaker was sure? A release lists a speaker's words as paragraphs that are each only a quotation (and a link's
    word, "(Watch)"), under a lead-in ("President Brandt outlined his plan:") or a quote of theirs: each goes on from
    the one above with its speaker and confidence, however long the list, where a follow-on quote far from its
    speaker's name would be "speaker unknown". Not a paragraph with words of its own around the quote, nor one after
    a speaker's label ("Lou Grayson, an envoy: “…”"), which names only its own item's speaker."""
    if before.units[-1].last.paragraph + 1 != item.units[0].first.paragraph or not speaker.is_person:
        return False
    return _only_a_quote(text, paras, item) and _only_a_quote(text, paras, before)


def _only_a_quote(text: str, paras, item: _Item) -> bool:
    """Are the paragraphs of `item` only its quotation, with at most a link's word after it?"""
    first, last = item.units[0].first, item.units[-1].last
    return not text[paras[first.paragraph].start : first.open_mark].strip() and bool(
        _LINK_AFTER.fullmatch(text, last.close_end, paras[last.paragraph].end)
    )


def _quote_items(text: str) -> list[_Item]:
    spans = find_quotes(text)
    paras = paragraphs(text)
    units = _units(spans)
    opens_by_para: dict[int, list[QuoteSpan]] = {}
    for span in spans:
        opens_by_para.setdefault(span.paragraph, []).append(span)
    signed: set[int] = set()  # ids of the units signed by a credit line under them
    closing_at: dict[int, _Unit] = {}  # each unit by where its last quotation mark closes
    closing_para: dict[int, _Unit] = {}  # each unit by the paragraph it ends in
    open_units: set[int] = set()  # ids of the units with no attribution, signature or heading: a line may sign them

    for unit in units:
        closing_at[unit.last.close_end] = unit
        closing_para[unit.last.paragraph] = unit
        first, last = unit.first, unit.last
        para = paras[first.paragraph]
        previous = [s.close_end for s in opens_by_para[first.paragraph] if s.close_end <= first.open_mark]
        floor = max(previous) if previous else para.start
        sentence = sentence_start(text, first.open_mark, para.start)
        start = max(sentence, floor)
        pre_text = text[start : first.open_mark]
        content = text[first.start : first.end].lstrip()
        if pre_text.strip() and not DATELINE_LEAD.fullmatch(pre_text):  # 'WASHINGTON — "…," Brandt said'
            unit.pre = pre_attribution(text, start, first.open_mark, sentence)
            before = closing_at.get(start)
            shared = re.match(r"[\s,]*(\w+ing)\b", pre_text)  # a participle: '"…", calling it a "…"'
            shared = shared if shared and CUE.fullmatch(shared.group(1)) else None
            if before and (before.post or before.pre) and shared and not unit.pre:
                # '"…", calling it a "…"': a participle after a quote, with no subject of its own, shares the subject
                # of the quote before (a verb after "and" has the sentence's subject: attribution.py)
                cue = shared.group(1).lower()
                unit.pre = replace(before.post or before.pre, cue=cue, start=start, end=first.open_mark)
            # 'Lou Grayson, an envoy: "…" [Tweet, 10/18/23] "…" [Tweet, 10/18/23]': a quote right after the source note
            # of the quote before it opens a quote of its own, the same speaker's
            noted = before is not None and _NOTE_BETWEEN.fullmatch(pre_text) is not None
            if noted and (before.post or before.pre) and not unit.pre:
                unit.pre = replace(before.post or before.pre, start=start, end=first.open_mark)
            if unit.pre is None:
                unit.pre = _document_reads(text, start, first.open_mark) or _label(text, para.start, first.open_mark)
            if unit.pre and unit.pre.cue == "called" and _names_a_thing(pre_text, content):
                unit.pre = None  # 'a process called "exfiltration."', 'a song called "Day after Day,"'
            introduced = noted or pre_text.rstrip().endswith((",", ":", "--", "—", "–"))
            # what the clause says after its cue word, None when the cue is not written so ("According to")
            cue_at = pre_text.rfind(unit.pre.cue) if unit.pre else -1
            after_cue = pre_text[cue_at + len(unit.pre.cue) :] if cue_at >= 0 else None
            if unit.pre and not introduced:
                tail = pre_text if after_cue is None else after_cue
                tail_words = re.sub(r"\bthat\b", "", tail).split()
                introduced = len(tail_words) <= 3 and content[:1].isupper()
            if unit.pre and introduced and unit.pre.cue not in SPEAKER_AFTER:
                tail = after_cue or ""
                that = re.search(r"\bthat\b", tail)
                if (content[:1].islower() and word_count(tail) > 3) or (that and word_count(tail[that.end() :]) >= 2):
                    # 'Ryan said that if the U.S. pulls back, "our oceans are going to save us."': the quote ends
                    # reported content that the sentence gives after the cue, a partial quote
                    introduced = False
            if unit.pre and introduced and len(unit.fragments) == 1 and not last.continues:
                lpara_end = paras[last.paragraph].end
                goes_on = text[last.close_end : sentence_end(text, last.close_end, lpara_end)]
                if re.match(r"\s+[a-z]", goes_on) and not CUE.search(goes_on):
                    # 'Tyler said, "We have three weeks to go" until the caucuses.': the sentence goes on after the
                    # quote, which is part of what it reports
                    introduced = False
            if (
                unit.pre is None
                and introduced
                and content[:1].islower()
                and pre_text.rstrip().endswith(",")
                and floor <= sentence  # no earlier quote in the sentence: '"A," said Khan, "b."' is one quote
                and not any(m.group(1) in OBJECT_WORDS for m in CUE.finditer(pre_text))
            ):
                # 'The party, attended by hundreds, "allows us to get our message out," said Brandt': a quote opening
                # in lower case after a comma with no cue before it goes on with its sentence
                introduced = False
            if unit.pre and unit.pre.cue in OBJECT_WORDS:
                introduced = True  # 'Brandt thanked "the crews for their work"': the quote is the verb's object
            unit.embedded = not introduced
        if not last.continues:
            lpara = paras[last.paragraph]
            later = [s.open_mark for s in opens_by_para[last.paragraph] if s.open_mark >= last.close_end]
            limit = min([sentence_end(text, last.close_end, lpara.end), *later])
            ending = text[last.start : last.end].rstrip()[-1:]  # the last character inside the quote
            lead_in = text[last.close_end : limit].rstrip()[-1:]  # the last character of the clause after it
            post = post_attribution(text, last.close_end, limit)
            if post and ending == "." and not _short_clause(text, last.close_end, post):
                post = None
            if post and unit.embedded and limit in later and lead_in in ",:":
                post = None  # "In his 'plan,' a paper he wrote, he said, '…'": the cue introduces the next quote
            if post and ending in ".!?" and limit in later and lead_in == ":":
                # '"We are refugees." Mr. Zahed said: "…"': after a whole sentence, a cue with a colon leads into the
                # next quote only (not '"…," Trump said before adding: "…"')
                post = None
            if post and ending in ".!?" and limit in later and ((lead_in == "," and unit.pre) or lead_in.isalpha()):
                # 'Ouellet said, "… exempt?" Archbishop Scicluna said, "…"' (a quote with its own attribution before
                # it), '"… time." Director Ana Pardo said "…"': a quote ends its sentence, and the cue after it leads
                # into the next quote
                post = None
            if post is None and unit.pre is None and limit not in later and not _is_title(content):
                post = _trailing_attribution(text, last.close_end, limit)
                unit.embedded = unit.embedded or post is not None
            unit.post = post
        if unit.post is None and unit.pre is None:
            # a line that is only a name above the quote heads it, unless it may sign an unattributed quote above it
            above = closing_para.get(unit.first.paragraph - 2)
            headed, unit.post = heading(text, paras, unit, above_open=above is not None and id(above) in open_units)
            if not headed:
                open_units.add(id(unit))
                unit.post = signature(text, paras, unit)
            if unit.post is not None:
                signed.add(id(unit))
            elif not headed and not last.continues and ending in {".", "!", "?"}:
                # '"…." The remarks were made by Brandt on Monday.': the sentence after a whole quoted one
                unit.post = remarks_after(text, last.close_end, sentence_end(text, last.close_end, lpara.end))

    items: list[_Item] = []
    previous_unit: _Unit | None = None
    previous_item: _Item | None = None
    for unit in units:
        own = unit.post or unit.pre
        quoted_words = sum(word_count(text[s.start : s.end]) for s in unit.fragments)
        fragments = [_strip(text, s.start, s.end) for s in unit.fragments]
        if _BILL_NUMBER.search(text[max(0, unit.first.open_mark - 40) : unit.first.open_mark]):
            continue  # 'signed into law H.J. Res. 87, "Joint Resolution …"': a bill's title, not words said
        title = _is_title(text[unit.first.start : unit.last.end])
        # short or with no attribution of its own, and no answer ('"Denver," he said'): nothing says it was said
        unsaid = (quoted_words < MIN_QUOTE_WORDS or own is None) and not _answer(text, unit)
        if title and (unsaid or _A_WORK.match(text, unit.last.close_end)):
            continue  # 'told Radio Nord's "Morning Show."': a programme or a book, not words said
        if (
            unit.post is None
            and (not unit.embedded or _interrupted(text, previous_unit, unit))
            and previous_item is not None
            and previous_unit is not None
            and previous_unit.post is not None
            and previous_unit.last.paragraph == unit.first.paragraph
            and (previous_item.kind == "direct" or previous_item.attribution is previous_unit.post)
            and not text[previous_unit.post.end : unit.first.open_mark].strip(" ,.;:—–-\"“”'")
        ):
            # "A," he said. "B." or "A," he said, "b." — one statement in two fragments
            previous_item.fragments.extend(fragments)
            previous_item.units.append(unit)
            previous_unit = unit
            continue
        previous_unit = unit
        if unit.embedded:
            item = _mixed_item(text, unit, paras, quoted_words, spans)
            if item is None:
                continue
            if previous_item is not None and previous_item.kind == "paraphrase" and _overlaps(previous_item, item):
                continue
        elif own is not None:
            item = _Item(unit.first.open_mark, "direct", fragments, own, True, [unit], signed=id(unit) in signed)
        elif quoted_words >= MIN_QUOTE_WORDS and not _inside_narration(text, unit, paras):
            # a quotation with no attribution of its own: the last named speaker goes on talking
            item = _Item(unit.first.open_mark, "direct", fragments, None, True, [unit], follow_on=True)
        else:
            continue  # a scare quote or a title
        items.append(item)
        previous_item = item
    return items


# "The decree signed by the Pope read "…"", "The opinion of the Court, released on Wednesday, read in part, "…"": the
# text of a document, which speaks for whoever issued it (institutions.py)
_DOCUMENT_READS = re.compile(
    r"\s*((?:the|a|an|its|his|her|their)\s+(?:[\w-]+\s+){0,2}?(?:" + DOCUMENT_WORDS + r"))\b.{0,80}?\s(?:read|reads)"
    r"(?:\s+in\s+part)?\s*[,:]?\s*",
    re.IGNORECASE,
)


# "Nordland Ministry of Foreign Affairs: “…”": a name and a colon opening the quote's paragraph, as releases list
# reactions; maybe with a date or a note in brackets before the colon ("Vice President Karl Brandt (March 2): “…”")
_LABEL = re.compile(
    rf"({CAPITALISED_BODY_WORD}(?:\s+(?:{CAPITALISED_BODY_WORD}|of|and|&|for|the|on))*)"
    r"(?:\s*\([^()\n]{1,40}\))?\s*:\s*"
)


def _label(text: str, para_start: int, quote_open: int) -> Attribution | None:
    """The name before a colon that opens the quote's paragraph, as its speaker: a person, or an institution the
    resolver recognises."""
    label = _LABEL.fullmatch(text, para_start, quote_open)
    if label is None:
        return None
    return Attribution("", label.group(1), para_start, para_start, quote_open, "name")


def _trailing_attribution(text: str, close_end: int, limit: int) -> Attribution | None:
    """'"It seems unlikely" that the bill can pass, said Lou Grayson, a former envoy.': a quote opening a sentence
    that goes on after it, with the speaker named in the sentence's last clause; the sentence is their paraphrase."""
    after = text[close_end:limit]
    if not re.match(r"[\s,]*[a-z]", after) or re.search(r"[\"“”‘«»]|''|’(?!\w)", after):
        return None  # the sentence ended with the quote, or a quotation mark after it is stray or opens another
    commas = [close_end + m.start() for m in re.finditer(",", after)]
    for start in reversed(commas):  # the last clause with a cue: "said Lou Grayson, a former envoy"
        found = post_attribution(text, start, limit)
        if found is not None:
            return found
    return None


def _document_reads(text: str, start: int, quote_open: int) -> Attribution | None:
    reads = _DOCUMENT_READS.fullmatch(text, start, quote_open)
    if reads is None:
        return None
    return Attribution("read", reads.group(1), reads.start(1), start, quote_open, "description")


def _interrupted(text: str, previous: _Unit | None, unit: _Unit) -> bool:
    """'"We stand ready" tweeted Brandt "to provide whatever help we can."': a quote that goes on after its attribution
    in the same sentence, with no punctuation around the attribution, so its second part opens in lower case (not
    '"…," Brandt said, adding that it was "…"')."""
    if previous is None or previous.post is None:
        return False
    unpunctuated = text[previous.last.start : previous.last.end].rstrip()[-1:].isalnum()
    between = text[previous.last.close_end : unit.first.open_mark]
    return unpunctuated and previous.post.end == unit.first.open_mark and not re.search(r"[,;:.]", between)


# "a process called", "the new song called": a thing, not a person, before "called"
_A_THING_CALLED = re.compile(r"\b(?:a|an|the)\s+(?:[a-z][\w-]*\s+){1,3}?called\s*$", re.IGNORECASE)


def _answer(text: str, unit: _Unit) -> bool:
    """'"Denver," he answered.', '"Really?" she asked.': a short quote in capitals that ends in a comma, a question
    or an exclamation mark, opens its sentence and is followed by its own attribution with a cue (a title is
    written 'on "Morning Show," Brandt said' or 'told "Morning Show"')."""
    ending = text[unit.last.start : unit.last.end].rstrip()[-1:]
    opens = sentence_start(text, unit.first.open_mark, 0)
    return (
        unit.pre is None
        and unit.post is not None
        and bool(unit.post.cue)
        and ending in ",!?"
        and not text[opens : unit.first.open_mark].strip()
    )


def _names_a_thing(pre_text: str, content: str) -> bool:
    """'a process called "exfiltration."', 'a song called "Day after Day,"': "called" names something, nobody speaks.
    Only a name is read so: one word, or a few words starting with a capital ("the mayor called "a disgrace to the
    city"" reports speech)."""
    words = word_count(content)
    return bool(_A_THING_CALLED.search(pre_text)) and (words == 1 or (words <= 5 and content[:1].isupper()))


def _inside_narration(text: str, unit: _Unit, paras) -> bool:
    """'The administration tried to add the question, "Is this person a citizen?", to the census': a quote that
    narration leads into without a cue and that the sentence goes on after is a wording, not a speaker going on."""
    para = paras[unit.first.paragraph]
    lead = text[sentence_start(text, unit.first.open_mark, para.start) : unit.first.open_mark]
    after = text[unit.last.close_end : paras[unit.last.paragraph].end]
    return bool(re.search(r"[a-z]", lead)) and re.match(r"[,;]?\s+[a-z]", after) is not None


def _short_clause(text: str, start: int, attribution: Attribution) -> bool:
    """After a quote ending in a full stop only a bare "he said." can still belong to it."""
    return word_count(text[start : attribution.end]) <= 8


def _overlaps(a: _Item, b: _Item) -> bool:
    return a.fragments[0][0] < b.fragments[-1][1] and b.fragments[0][0] < a.fragments[-1][1]


def _mixed_item(text: str, unit: _Unit, paras, quoted_words: int, spans: list[QuoteSpan]) -> _Item | None:
    """A quote inside a sentence: propose the reported content around it as a paraphrase with quoted words."""
    para = paras[unit.first.paragraph]
    s_start = sentence_start(text, unit.first.open_mark, para.start)
    s_end = sentence_end(text, unit.last.close_end, paras[unit.last.paragraph].end)
    if (
        text[unit.last.start : unit.last.end].rstrip()[-1:] in (".", "!", "?")
        and re.match(r"\s+[A-Z]", text[unit.last.close_end : s_end])
        and any(unit.last.close_end < span.open_mark < s_end for span in spans)
    ):
        # 'Brandt called it "unhinged." Grayson called it "a disgrace."': the sentence ended inside the quotation
        # marks, and the next one has a quote of its own
        s_end = unit.last.close_end
    semicolon = text.find(";", unit.last.close_end, s_end)
    if semicolon >= 0 and any(semicolon < span.open_mark < s_end for span in spans):
        s_end = semicolon  # 'Smith called it an "interesting" case; Miller said "…"': the clause ends at the semicolon
    # 'Cruz accuses Obama of "leading from behind" and Trump says he is "losing …"': a clause joined by "and", "but"
    # or "while" whose own named subject attributes the next quote ends this quote's sentence, and starts that one's
    later = [span for span in spans if unit.last.close_end <= span.open_mark < s_end]
    joined = _joined_clause(text, unit.last.close_end, later[0].open_mark) if later else None
    if joined is not None:
        s_end = joined.start()
    earlier = [span for span in spans if s_start <= span.close_end <= unit.first.open_mark]
    joined = _joined_clause(text, earlier[-1].close_end, unit.first.open_mark) if earlier else None
    if joined is not None:
        s_start = joined.end()
    according = _according_to(text, s_start, unit.first.open_mark, s_end)
    if according is not None:
        return _Item(unit.first.open_mark, "paraphrase", [according[1]], according[0], True, [unit])
    if (
        unit.pre is not None
        and unit.post is not None
        and unit.post.kind in _TRAILING_KINDS
        and text[unit.last.start : unit.last.end].rstrip().endswith(",")
        and _right_after(text, unit.last.close_end, unit.post)
        and _ends_the_sentence(text, unit.post, s_end, spans)
    ):
        # 'Trump's remarks were "the textbook definition …," Mr. Ryan said', 'Comey cannot say that "…,"
        # Lewandowski added': a cue with its own subject after the quote reports the whole clause before it
        content = _strip(text, s_start, unit.post.start)
        return _Item(unit.first.open_mark, "paraphrase", [_trim_end(text, *content)], unit.post, True, [unit])
    if unit.pre is not None:
        # the reported content starts after the sentence's first speech verb (and its "that")
        first_cue = SPEECH_CUE.search(text, s_start, unit.first.open_mark) or CUE.search(
            text, s_start, unit.first.open_mark
        )
        content_start = first_cue.end() if first_cue else unit.first.open_mark
        to_say = TO_SAY.match(text, content_start, unit.first.open_mark)
        if to_say:
            content_start = to_say.end()
        by_saying = re.match(r"\s*by\s+\w+ing\b", text[content_start : unit.first.open_mark])
        if by_saying:
            content_start += by_saying.end()  # "responded by saying …"
        that = re.match(r"\s*(?:[\w,']+\s+){0,6}?that\s", text[content_start : unit.first.open_mark])
        if that:
            content_start += that.end()
        while content_start < unit.first.open_mark and text[content_start] in " ,:":
            content_start += 1  # 'Brandt said, "…" until …': the comma after the cue is no part of the content
        content = _strip(text, content_start, s_end)
        return _Item(unit.first.open_mark, "paraphrase", [_trim_end(text, *content)], unit.pre, True, [unit])
    if unit.post is not None:
        content = _strip(text, s_start, unit.post.start)
        return _Item(unit.first.open_mark, "paraphrase", [_trim_end(text, *content)], unit.post, True, [unit])
    # A speech verb further away: "X said he … because 'no one can …'" or "… more 'conversant' about it, X said."
    reported = _paraphrase(text, s_start, s_end)
    if reported is not None and reported.fragments[0][0] <= unit.first.open_mark < reported.fragments[-1][1]:
        reported.has_quote, reported.units, reported.start = True, [unit], unit.first.open_mark
        return reported
    # No speech verb: only a sentence whose subject is a person ("Brandt dismissed the treaty as 'a museum piece
    # nobody visits'") makes this a partial quote; the content is what follows the subject's verb.
    subject = _first_np(text, s_start, unit.first.open_mark)
    attribution = _attribution("", subject[0], subject[1], s_start, s_end) if subject else None
    if attribution is None or quoted_words < 3:
        return None
    if attribution.kind == "pronoun" and bare(attribution.mention) not in {"he", "she"}:
        return None  # "the banners were there to say … 'x'": nobody in particular is quoted
    if attribution.kind != "pronoun" and not looks_like_person(attribution.mention.split()):
        return None
    verb = re.match(r"\s*(?:\w+ly\s+)*[a-z]\w*\s+", text[attribution.mention_start + len(attribution.mention) : s_end])
    if verb is None:
        return None
    content_start = attribution.mention_start + len(attribution.mention) + verb.end()
    if content_start > unit.first.open_mark:
        return None
    content = _trim_end(text, *_strip(text, content_start, s_end))
    return _Item(unit.first.open_mark, "paraphrase", [content], attribution, True, [unit])


# A conjunction before a clause whose subject is a name: ' and Trump says he is "…"' (_joined_clause)
_JOINING = re.compile(r"(?:,\s*|\s+)(?:and|but|while|whereas)\s+(?=[A-Z])")
# Attributions after a partial quote that take the whole clause before it: a name or "he", not a description
_TRAILING_KINDS = {"name", "pronoun"}


def _ends_the_sentence(text: str, post: Attribution, s_end: int, spans: list[QuoteSpan]) -> bool:
    """Does the attribution after a quote end its sentence, but for an adverbial or a participle of the same speaker
    (', Lewandowski added, saying it should be "…"')?"""
    if word_count(text[post.end : s_end]) <= 4 and not any(post.end <= span.open_mark < s_end for span in spans):
        return True
    cue = re.compile(rf"\b{re.escape(post.cue)}\b").search(text, post.mention_start, s_end)
    participle = r"\s*,\s*(?:adding|saying|noting|arguing|calling|insisting)\b"
    return cue is not None and re.match(participle, text[cue.end() : s_end]) is not None


def _right_after(text: str, close_end: int, post: Attribution) -> bool:
    """Is the attribution written right after the quote: ', Mr. Ryan said', ', said Mr. Ryan', ', he added'?"""
    mention_end = post.mention_start + len(post.mention)
    before, after = text[close_end : post.mention_start], text[mention_end:]
    if word_count(before) == 0:
        return re.match(r"[\s,]*(?:\w+ly\s+)?" + re.escape(post.cue) + r"\b", after) is not None
    return word_count(before) == 1 and post.cue in before


def _joined_clause(text: str, start: int, quote_open: int) -> re.Match | None:
    """The conjunction before a clause with a named subject of its own and a cue, leading into the quote at
    `quote_open` (' and Trump says he is "…"'), else None."""
    attribution = pre_attribution(text, start, quote_open)
    if attribution is None or attribution.kind != "name":
        return None
    at = attribution.mention_start
    joins = [m for m in _JOINING.finditer(text, start, at + 1) if m.end() == at]
    return joins[-1] if joins else None


def _according_to(text: str, start: int, quote_open: int, end: int) -> tuple[Attribution, tuple[int, int]] | None:
    """ "According to Dr. Tom Frieden, formerly the director of the CDC, the pandemic is "unprecedented."": the
    speaker is the noun phrase after "According to", the content what follows its last comma before the quote."""
    opening = re.match(r"\s*According to\s+", text[start:quote_open])
    if not opening:
        return None
    comma = text.rfind(",", start + opening.end(), quote_open)
    found = _np_after(text, start + opening.end(), comma) if comma > 0 else None
    if not found or word_count(text[start + opening.end() : comma]) > 20:
        return None
    attribution = _attribution("according to", found[0], found[1], start, end)
    if not _acceptable(attribution):
        return None
    return attribution, _trim_end(text, *_strip(text, comma + 1, end))


# A bill's number right before a quotation: "H.R. 4405, ", "S. 1071, the ", "H.J. Res. 87, "
_BILL_NUMBER = re.compile(
    r"\b(?:H\.\s?R|S|(?:H|S)\.\s?J\.\s?Res|(?:H|S)\.\s?(?:Con\.\s?)?Res)\.\s?\d+,?\s+(?:the\s+)?$"
)


# '"The Art of Talks," a book by Ana Pardo, …': an appositive after a title saying what it names
_A_WORK = re.compile(
    r"[\s,]*(?:a|an|the|his|her|their|its)\s+(?:[\w’'-]+\s+){0,3}?"
    r"(?:book|novel|memoir|film|movie|documentary|song|ballad|album|play|report|poem|essay|series|show)\b"
    r"(?=\s*,|\s+(?:by|from|about|on|in|that|which)\b)",
    re.IGNORECASE,
)


def _is_title(quoted: str) -> bool:
    """Every word but the small ones capitalised: "Morning Show", "The Art of Talks"."""
    small = {"a", "an", "the", "of", "and", "in", "on", "for", "to", "at", "by", "or", "with"}
    words = re.findall(r"[^\W\d_][\w'’-]*", quoted)
    return bool(words) and all(w[0].isupper() or w in small for w in words)


def _trim_end(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " ,.;:":
        end -= 1
    return start, end


def _paraphrase_items(text: str, quote_items: list[_Item]) -> list[_Item]:
    """Reported speech without quotation marks: "Peskov said (that) …" and "…, Peskov said."."""
    taken = [(f[0] - 1, f[1] + 1) for item in quote_items for f in item.fragments]
    marks = [m for span in find_quotes(text) for m in (span.open_mark, span.close_end - 1)]
    items = []
    for para in paragraphs(text):
        position = para.start
        while position < para.end:
            end = sentence_end(text, position, para.end)
            if end <= position:
                break
            start = position
            position = end
            while position < para.end and text[position].isspace():
                position += 1
            if any(start <= m < end for m in marks) or any(a < end and start < b for a, b in taken):
                continue
            item = _paraphrase(text, start, end)
            if item is not None:
                items.append(item)
    return items


def _paraphrase(text: str, start: int, end: int) -> _Item | None:
    lead = DATELINE_LEAD.match(text, start, end)
    if lead:
        start = lead.end()  # "STRELSAU, March 3 (Nordpress) - Karl Brandt said …": the subject is after it
    sentence = text[start:end]
    if word_count(sentence) < 5:
        return None
    # "…, Peskov said." / "…, Kremlin spokesman Dmitry Peskov told CNN in an interview."
    # also in a lead sentence that goes on: "…, Foreign Minister Karl Brandt said on Thursday, adding that …"
    final = re.search(r",\s*([^,]{2,80}?)\s+" + SPEECH_CUE.pattern + TRAIL + LEAD_GOES_ON + "$", sentence.rstrip(" ."))
    if final and word_count(final.group(1)) <= 8 and word_count(sentence[: final.start()]) >= 3:
        found = _last_np(text, start + final.start(1), start + final.start(2))
        attribution = _attribution(final.group(2), found[0], found[1], start + final.start(), end) if found else None
        if _acceptable(attribution):
            content = _trim_end(text, *_strip(text, start, start + final.start()))
            content = skip_dateline(text, *content)
            return _Item(start, "paraphrase", [content], attribution, False)
    # "Peskov said (that) …" / "Kremlin spokesman Dmitry Peskov told CNN that …"
    cue = SPEECH_CUE.search(sentence)
    if not cue:
        return None
    subject_zone = sentence[: cue.start()]
    # a short subject, maybe with one appositive ("A diplomat, speaking on condition of anonymity, said") or after
    # one introductory phrase ("Asked about the talks, Brandt said")
    commas = subject_zone.strip(" ,").count(",")
    if word_count(subject_zone) > 16 or commas > 2:
        return None
    found = _last_np(text, start, start + cue.start())
    if not found:
        return None
    prefix = text[start : found[1]]
    if prefix.strip() and not re.fullmatch(r"[^,]{1,60},\s*", prefix):
        return None
    attribution = _attribution(cue.group(1).lower(), found[0], found[1], start, end)
    if not _acceptable(attribution):
        return None
    rest_start = start + cue.end()
    if cue.group(1).lower() == "told":
        addressee = ADDRESSEE.match(text, rest_start)
        if addressee:
            rest_start = addressee.end()
    to_say = TO_SAY.match(text, rest_start, end)
    if to_say:
        rest_start = to_say.end()
    # "… that", also after a time, a place or an addressee ("explained to Nordpress that …")
    that = re.match(r"(?:\s+(?:in|on|at|during|to)\s+[^,]{1,40}?)?\s*,?\s*that\s", text[rest_start:end])
    if that:
        rest_start += that.end()
    elif re.match(r"\s*(?:in|on|at|during|to|of|about)\b", text[rest_start:end]):
        return None  # "said on Monday." without content, or "told of…"
    content = _trim_end(text, *_strip(text, rest_start, end))
    if word_count(text[content[0] : content[1]]) < 3:
        return None
    return _Item(start, "paraphrase", [content], attribution, False)


def _acceptable(attribution: Attribution | None) -> bool:
    """A paraphrase needs a named speaker, a pronoun, or a description with a determiner ("the ministry")."""
    if attribution is None:
        return False
    if attribution.kind != "description":
        return True
    first = attribution.mention.split()[0]
    return first.lower() in {"the", "a", "an"} or first[:1].isupper()
