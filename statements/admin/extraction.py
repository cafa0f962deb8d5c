"""The admin page "New statements from an article": paste → review the proposals → save them as drafts.

Step 1 (ArticleForm): the article's text and its source details. Step 2: the extractor's proposals
(statements/extraction/) as a formset to tick and edit; the article details travel along as hidden fields. Step 3:
statements.article_drafts.create_article_drafts() writes the source and the ticked statements in one transaction,
with the post a speaker's title gives (prefilled for a new official, only suggested for a known one).

The extraction is deterministic, so the save step runs it again on the same text instead of trusting the browser
with contexts and duplicate links: row N of the formset is proposal N. Officials, topics and countries are chosen
from lists loaded once per request (fixed queries however many rows), shown with the admin's autocomplete widget.
"""

import datetime
import re
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError
from django.forms.utils import ErrorDict
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from statements.article_drafts import DraftCoding, DraftStatement, NewSource, create_article_drafts
from statements.dates import STATEMENT_DATE_HELP, DayField, PartialDateField
from statements.extraction.db import known_countries, known_officials, known_topics
from statements.extraction.extract import extract
from statements.extraction.names import NOT_YET_HELD
from statements.extraction.types import Extraction, KnownOfficial, KnownPosition, Proposal, Speaker
from statements.models import (
    Coding,
    Country,
    Kind,
    Medium,
    Official,
    OfficialKind,
    Outlet,
    Position,
    Source,
    Statement,
    Topic,
)
from statements.positions.codebook import SpeechAct, Stance, refusals, stance_words
from statements.positions.proposals import ProposedCoding, propose_codings

# About 15,000 words: the extractor reads it in a few seconds. Longer texts are rarely one article.
MAX_ARTICLE_CHARS = 100_000
CONTEXT_CHARS = 180  # of the article shown either side of a proposal
TEMPLATE = "admin/statements/from_article.html"
# A new institution's row starts ticked when it is named in full at the cue ("the Ruritanian Foreign Ministry said"),
# not when it was completed from an earlier mention or found as a document's issuer.
TICK_NEW_INSTITUTION_FROM = 0.9


# --- Extraction with the ids the page links to -------------------------------------------------------------


@dataclass
class PageExtraction:
    extraction: Extraction
    duplicates: list[Statement | None]  # per proposal: the existing statement it repeats
    codings: list[ProposedCoding]  # per proposal: the coding proposed (target, speech act), for the analyst to confirm
    posts: list["PostOffer | None"]  # per proposal: the speaker's post the page offers to record


def extract_for_page(text: str, *, published: datetime.date) -> PageExtraction:
    """extract_with_database(), keeping the existing statements' ids so a duplicate warning can link to it."""
    officials = known_officials()
    first = extract(text, published=published, officials=officials, paraphrases=True)
    speaker_ids = {p.speaker.official_id for p in first.proposals if p.speaker and p.speaker.official_id}
    rows = list(Statement.objects.filter(speaker_id__in=speaker_ids).values_list("pk", "speaker__name", "text"))
    extraction = extract(
        text,
        published=published,
        officials=officials,
        topics=known_topics(),
        countries=known_countries(),
        existing=[(name, statement_text) for _, name, statement_text in rows],
    )
    wanted = {rows[p.duplicate_of][0] for p in extraction.proposals if p.duplicate_of is not None}
    found = Statement.objects.select_related("speaker").in_bulk(wanted) if wanted else {}
    duplicates = [
        found.get(rows[p.duplicate_of][0]) if p.duplicate_of is not None else None for p in extraction.proposals
    ]
    titles = article_titles(extraction.proposals)
    posts = [post_offer(p.speaker, date=p.date, officials=officials, titles=titles) for p in extraction.proposals]
    return PageExtraction(extraction, duplicates, propose_codings(extraction), posts)


# --- The speaker's title as a post ------------------------------------------------------------------------

# Abbreviations that stand for one word only (news style), written out in a post; anything else is kept as written.
TITLE_ABBREVIATIONS = {
    "sen.": "Senator",
    "rep.": "Representative",
    "gov.": "Governor",
    "lt.": "Lieutenant",
    "gen.": "General",
    "col.": "Colonel",
    "adm.": "Admiral",
    "sgt.": "Sergeant",
    "amb.": "Ambassador",
}
# Titles that are no post (Mr., Dr.), and words saying the post is not held when speaking ("former", "retired").
COURTESY_TITLES = {"mr.", "mrs.", "ms.", "miss", "dr.", "prof.", "sir", "dame", "lord", "lady"}
NOT_HELD = {"former", "ex", "retired", "late", "then"}


def post_from_title(title: str) -> str:
    """The post a title written before a name gives: "Foreign Minister"; "Lt. Gov." → "Lieutenant Governor"; "" for
    a courtesy title ("Mr.") or a post not held then ("former Foreign Minister", "Retired Lt. Gen.",
    "UN Ambassador-designate")."""
    words = title.split()
    if not words or words[0].casefold().split("-")[0] in NOT_HELD:
        return ""
    if any(word.casefold().endswith(NOT_YET_HELD) for word in words):
        return ""  # "Ambassador-designate", "President-elect": named to the post, not holding it yet
    # a courtesy title before the post is none of it ("Dr. Chief Economist"), but "Lady" in "First Lady" is
    while words and words[0].casefold() in COURTESY_TITLES:
        words = words[1:]
    return " ".join(TITLE_ABBREVIATIONS.get(word.casefold(), word) for word in words)


@dataclass(frozen=True)
class PostOffer:
    """The post box of a row: prefilled (a new official's title) or only suggested (an existing official with no
    post recorded for the statement's date), so that nothing is added to a known official unless typed."""

    initial: str = ""
    suggestion: str = ""


def _holds_a_post(positions: tuple[KnownPosition, ...], date: datetime.date) -> bool:
    return any(p.start <= date and (p.end is None or p.end >= date) for p in positions)


def _person_key(speaker: Speaker) -> int | str:
    return speaker.official_id if speaker.official_id is not None else speaker.name.casefold()


def _title(speaker: Speaker) -> str:
    """The title the extractor split from a new name, or for a known official the words before their name at the
    mention ("Foreign Minister" of "Foreign Minister Karl Brandt")."""
    if speaker.title or speaker.official_id is None:
        return speaker.title
    words, name = speaker.mention.split(), {word.casefold() for word in speaker.name.split()}
    cut = len(words)
    while cut and words[cut - 1].casefold() in name:
        cut -= 1
    if cut == len(words):  # a description ("the Kremlin spokesman"), not a titled name
        return ""
    return " ".join(words[1:cut] if words and words[0].casefold() == "the" else words[:cut])


def article_titles(proposals: list[Proposal]) -> dict[int | str, str]:
    """Each person's title where the article first gives one: "Foreign Minister Karl Brandt said" titles the later
    "Brandt said" as well."""
    titles: dict[int | str, str] = {}
    for proposal in proposals:
        speaker = proposal.speaker
        if speaker is not None and speaker.is_person and (title := _title(speaker)):
            titles.setdefault(_person_key(speaker), title)
    return titles


def post_offer(
    speaker: Speaker | None, *, date: datetime.date, officials: list[KnownOfficial], titles: dict[int | str, str]
) -> PostOffer | None:
    """What the row offers for the speaker's post: None for no title, an institution, or a known post."""
    if speaker is None or not speaker.is_person:
        return None
    if not (post := post_from_title(_title(speaker) or titles.get(_person_key(speaker), ""))):
        return None
    if speaker.is_new_official:
        return PostOffer(initial=post)
    known = next((official for official in officials if official.id == speaker.official_id), None)
    if known is None or _holds_a_post(known.positions, date):
        return None
    return PostOffer(suggestion=post)


# --- Step 1: the article ----------------------------------------------------------------------------------


class ArticleForm(forms.Form):
    text = forms.CharField(
        label="Article text",
        max_length=MAX_ARTICLE_CHARS,
        widget=forms.Textarea(attrs={"rows": 16, "class": "vLargeTextField article-text"}),
        help_text="Paste the whole article, dateline included (English only).",
    )
    url = forms.URLField(
        label="URL",
        max_length=1000,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "vURLField"}),
    )
    attach = forms.BooleanField(
        label="Add the statements to the existing source with this URL",
        required=False,
        help_text="Only when a source with this URL is already recorded; the details below are then not used.",
    )
    outlet = forms.ModelChoiceField(
        Outlet.objects.all(),
        required=False,
        widget=AutocompleteSelect(Source._meta.get_field("outlet"), admin.site),
        help_text="Who published it (TASS), not who spoke.",
    )
    new_outlet = forms.CharField(
        label="or a new outlet", max_length=200, required=False, widget=forms.TextInput(attrs={"class": "vTextField"})
    )
    title = forms.CharField(max_length=500, required=False, widget=forms.TextInput(attrs={"class": "vTextField"}))
    published_on = DayField(
        label="Publication date",
        required=False,
        help_text="YYYY-MM-DD. Gives the year to a dateline without one (NEW YORK, November 11).",
    )
    language = forms.CharField(
        max_length=8,
        initial="en",
        validators=[RegexValidator(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$", "An ISO 639-1 code such as en or ru.")],
        widget=forms.TextInput(attrs={"size": 6}),
    )
    medium = forms.ChoiceField(choices=Medium.choices, initial=Medium.ARTICLE)
    venue = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text="Where it was said when that is not the outlet: CNN, for an interview to CNN reported by TASS.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.existing_source: Source | None = None  # the source to attach to, once valid
        self.duplicate_source: Source | None = None  # a source with the URL, to link to in the error

    def clean_text(self):
        # Browsers send CRLF; the extractor's offsets must not depend on how the text travelled.
        text = self.cleaned_data["text"].replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise ValidationError("Paste the article's text.")
        return text

    def clean(self):
        cleaned = super().clean()
        url = cleaned.get("url")
        existing = Source.objects.select_related("outlet").filter(url=url).first() if url else None
        if existing and not cleaned.get("attach"):
            self.duplicate_source = existing
            self.add_error(
                "url",
                f"A source with this URL is already recorded ({existing}). Tick “Add the statements to the existing "
                "source” to add statements to it, or check the URL.",
            )
        elif cleaned.get("attach"):
            if existing:
                self.existing_source = existing
            elif "url" not in self.errors:
                self.add_error("attach", "No source has this URL: untick this to record a new source.")
        if self.existing_source or cleaned.get("attach"):
            return cleaned
        for name in ("title", "published_on"):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, "This field is required.")
        outlet, new_outlet = cleaned.get("outlet"), " ".join(cleaned.get("new_outlet", "").split())
        cleaned["new_outlet"] = new_outlet
        if outlet and new_outlet:
            self.add_error("new_outlet", "Choose an outlet or type a new one’s name, not both.")
        elif not outlet and not new_outlet and "outlet" not in self.errors:
            self.add_error("outlet", "Choose the outlet, or type a new outlet’s name below.")
        elif (
            new_outlet
            and not self.user.has_perm("statements.add_outlet")
            and not Outlet.objects.filter(name__iexact=new_outlet).exists()
        ):
            self.add_error("new_outlet", "You may not add outlets: choose an existing one.")
        if not self.user.has_perm("statements.add_source"):
            raise ValidationError("You may not record new sources: attach the statements to an existing one.")
        return cleaned

    @property
    def published(self) -> datetime.date:
        """The date the extractor reads datelines against (the existing source's, when attaching)."""
        if self.existing_source:
            return self.existing_source.published_on
        return self.cleaned_data["published_on"]

    def new_source(self, *, dateline: str) -> NewSource:
        data = self.cleaned_data
        return NewSource(
            title=data["title"],
            published_on=data["published_on"],
            outlet=data["outlet"],
            outlet_name=data["new_outlet"],
            url=data["url"],
            language=data["language"],
            medium=data["medium"],
            venue=data["venue"],
            dateline=dateline,
        )

    def outlet_label(self) -> str:
        data = self.cleaned_data
        if data.get("outlet"):
            return str(data["outlet"])
        exists = Outlet.objects.filter(name__iexact=data.get("new_outlet", "")).exists()
        return data.get("new_outlet", "") + ("" if exists else " (new outlet)")


# --- Step 2: the proposals --------------------------------------------------------------------------------


@dataclass
class Choices:
    """Officials, topics and countries to choose from, loaded once for every row (three queries)."""

    officials: list[tuple[int, str]]
    topics: list[tuple[int, str]]
    countries: list[tuple[int, str]]
    official_names: set[str] = field(init=False)

    def __post_init__(self):
        self.official_names = {name.casefold() for _, name in self.officials}

    @classmethod
    def load(cls) -> "Choices":
        return cls(
            officials=list(Official.objects.order_by("name", "pk").values_list("pk", "name")),
            topics=list(Topic.objects.order_by("name").values_list("pk", "name")),
            countries=list(Country.objects.order_by("name").values_list("pk", "name")),
        )


class PreloadedAutocompleteMixin:
    """The admin's autocomplete widget, labelling the selected options from preloaded names (no query per row)."""

    def __init__(self, model_field, labels: dict[str, str], **kwargs):
        super().__init__(model_field, admin.site, **kwargs)
        self.labels = labels

    def optgroups(self, name, value, attr=None):
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for item in value:
            if str(item) in self.labels:  # an unknown id is reported by the field; it has no label to show
                options.append(self.create_option(name, str(item), self.labels[str(item)], True, len(options)))
        return [(None, options, 0)]


class PreloadedAutocompleteSelect(PreloadedAutocompleteMixin, AutocompleteSelect):
    pass


class PreloadedAutocompleteSelectMultiple(PreloadedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


def _labels(pairs: list[tuple[int, str]]) -> dict[str, str]:
    return {str(pk): name for pk, name in pairs}


NO_STANCE_CHOICE = "none"
# A stance is chosen, never assumed: "No stance" is an answer (docs/codebook.md), the empty choice is none yet.
CODING_STANCES = [
    ("", "Choose a stance"),
    (NO_STANCE_CHOICE, stance_words(None)),
    *((str(value), stance_words(value)) for value in reversed(Stance.values)),
]


def coding_stance(choice: str) -> int | None:
    """The stance a choice of CODING_STANCES means: None for No stance."""
    return None if choice == NO_STANCE_CHOICE else int(choice)


class ProposalForm(forms.Form):
    include = forms.BooleanField(label="Save", required=False)
    text = forms.CharField(
        required=False,
        max_length=MAX_ARTICLE_CHARS,
        widget=forms.Textarea(attrs={"rows": 5, "class": "proposal-text"}),
    )
    kind = forms.ChoiceField(choices=Kind.choices)
    speaker = forms.TypedChoiceField(coerce=int, empty_value=None, required=False)
    new_speaker = forms.CharField(label="or a new official", max_length=200, required=False)
    new_speaker_kind = forms.ChoiceField(label="as", choices=OfficialKind.choices, initial=OfficialKind.PERSON)
    new_speaker_country = forms.TypedChoiceField(label="of", coerce=int, empty_value=None, required=False)
    post = forms.CharField(
        label="post held",
        max_length=Position._meta.get_field("title").max_length,
        required=False,
        help_text="Saved as the speaker’s post on the statement’s date; empty: no post.",
    )
    # Typed as precisely as it is known: 2016-11-11, or 2016-11 / 2016 for a statement known only to the month/year.
    date = PartialDateField(required=False, help_text=STATEMENT_DATE_HELP)
    topics = forms.TypedMultipleChoiceField(coerce=int, required=False)
    countries = forms.TypedMultipleChoiceField(coerce=int, required=False)
    # The coding: proposed (target, speech act), saved only when the analyst ticks "code" (docs/codebook.md).
    code = forms.BooleanField(label="Code it", required=False)
    target_country = forms.TypedChoiceField(label="Target country", coerce=int, empty_value=None, required=False)
    target_official = forms.TypedChoiceField(
        label="or target official or institution", coerce=int, empty_value=None, required=False
    )
    stance = forms.ChoiceField(label="Stance", choices=CODING_STANCES, required=False)
    act = forms.ChoiceField(
        label="Speech act", choices=[("", "Choose a speech act"), *SpeechAct.choices], required=False
    )

    def __init__(self, *args, choices: Choices, can_add_officials: bool, post: PostOffer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.can_add_officials = can_add_officials
        self.post_offer = post
        if post and post.suggestion:
            self.fields["post"].widget.attrs["placeholder"] = post.suggestion
            self.fields["post"].help_text = (
                f"The article calls the speaker “{post.suggestion}” and no post is recorded for that day: type it "
                "to save it as the post held on the statement’s date."
            )
        text = (self["text"].value() or "") if self.is_bound else self.initial.get("text", "")
        self.fields["text"].widget.attrs["rows"] = min(14, max(3, len(text) // 65 + 2))  # the whole quote in view
        for name, pairs, model_field, widget in [
            ("speaker", choices.officials, Statement._meta.get_field("speaker"), PreloadedAutocompleteSelect),
            ("topics", choices.topics, Statement._meta.get_field("topics"), PreloadedAutocompleteSelectMultiple),
            (
                "countries",
                choices.countries,
                Statement._meta.get_field("countries"),
                PreloadedAutocompleteSelectMultiple,
            ),
        ]:
            self.fields[name].widget = widget(model_field, _labels(pairs))
            self.fields[name].choices = ([("", "")] if name == "speaker" else []) + pairs
        for name, pairs in [("target_country", choices.countries), ("target_official", choices.officials)]:
            self.fields[name].widget = PreloadedAutocompleteSelect(Coding._meta.get_field(name), _labels(pairs))
            self.fields[name].choices = [("", ""), *pairs]
        country = Official._meta.get_field("country")
        self.fields["new_speaker_country"].widget = PreloadedAutocompleteSelect(country, _labels(choices.countries))
        self.fields["new_speaker_country"].choices = [("", ""), *choices.countries]

    def is_ticked(self) -> bool:
        if not self.is_bound:
            return bool(self.initial.get("include"))
        return self.fields["include"].widget.value_from_datadict(self.data, self.files, self.add_prefix("include"))

    def full_clean(self):
        super().full_clean()
        if self.is_bound and not self.is_ticked():
            # An unticked proposal is not saved, so nothing in it can be wrong.
            self._errors = ErrorDict()
            self.cleaned_data = {"include": False}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("include"):
            return cleaned
        cleaned["text"] = cleaned.get("text", "").strip()
        if not cleaned["text"] and "text" not in self.errors:
            self.add_error("text", "Enter the statement’s words, or untick it.")
        if not cleaned.get("date") and "date" not in self.errors:
            self.add_error("date", "Enter the date it was said.")
        speaker, new_name = cleaned.get("speaker"), " ".join(cleaned.get("new_speaker", "").split())
        cleaned["new_speaker"] = new_name
        if "speaker" in self.errors:
            return cleaned
        if speaker and new_name:
            self.add_error("new_speaker", "Choose an existing official or type a new name, not both.")
        elif not speaker and not new_name:
            self.add_error("speaker", "Choose who said it, or type a new official’s name.")
        elif new_name and new_name.casefold() in self.choices.official_names:
            self.add_error("new_speaker", f"An official named {new_name} already exists: choose them above.")
        elif new_name and not self.can_add_officials:
            self.add_error("new_speaker", "You may not add officials: choose an existing one.")
        cleaned["post"] = " ".join(cleaned.get("post", "").split())
        if cleaned["post"] and new_name and cleaned.get("new_speaker_kind") != OfficialKind.PERSON:
            self.add_error("post", "A post is a person’s: leave it empty for an institution.")
        if cleaned.get("code"):
            self._clean_coding(cleaned)
        return cleaned

    def _clean_coding(self, cleaned) -> None:
        """A confirmed coding: one target, a stance chosen (No stance is a choice, not a default), a speech act, and
        the two consistent (the codebook's rules, with their messages)."""
        if "target_country" in self.errors or "target_official" in self.errors:
            return
        targets = [cleaned.get("target_country"), cleaned.get("target_official")]
        if None not in targets:
            self.add_error("target_official", "A coding has one target: a country, or an official or institution.")
        elif targets == [None, None]:
            self.add_error("target_country", "Choose the coding’s target, or untick “Code it”.")
        if not cleaned.get("stance"):
            self.add_error("stance", "Choose a stance (or “No stance”), or untick “Code it”.")
        if not cleaned.get("act"):
            self.add_error("act", "Choose a speech act, or untick “Code it”.")
        if cleaned.get("stance") and cleaned.get("act"):
            for message in refusals(cleaned["act"], coding_stance(cleaned["stance"])):
                self.add_error("stance", message)


class BaseProposalFormSet(forms.BaseFormSet):
    def __init__(self, *args, proposals: list[Proposal], posts: list[PostOffer | None], **kwargs):
        self.proposals = proposals
        self.posts = posts
        # One form per proposal at most, whatever TOTAL_FORMS a tampered POST claims.
        self.max_num = self.absolute_max = len(proposals)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.posts):
            kwargs["post"] = self.posts[index]
        return kwargs

    def clean(self):
        if self.total_form_count() != len(self.proposals):
            raise ValidationError("The proposals on this page do not match the article: extract them again.")
        if not any(form.cleaned_data.get("include") for form in self.forms):
            raise ValidationError("Tick at least one statement to save.")


ProposalFormSet = forms.formset_factory(ProposalForm, formset=BaseProposalFormSet, extra=0)


def initial_row(
    proposal: Proposal, *, duplicate: Statement | None, coding: ProposedCoding, post: PostOffer | None = None
) -> dict:
    speaker = proposal.speaker
    return {
        "post": post.initial if post else "",
        # The proposed coding, preselected but not ticked: nothing is coded unless the analyst confirms it.
        "code": False,
        "target_country": coding.country_id,
        "target_official": coding.official_id,
        "act": coding.act,
        "stance": NO_STANCE_CHOICE if coding.stance_given and coding.stance is None else "",
        # Direct quotes by a resolved speaker are ticked; paraphrases (often restating a quote nearby), speakers
        # the extractor could only describe, and likely duplicates wait for the analyst to tick them.
        "include": proposal.kind == Kind.DIRECT and duplicate is None and _resolved(speaker),
        # A quote's own comma before "he said" is not part of the statement, nor inside a partial quote's closing mark
        # (The staff "are safe and working," he said).
        "text": re.sub(r"[,;:](?=[\"”’]?\s*$)", "", proposal.text),
        "kind": proposal.kind,
        "speaker": speaker.official_id if speaker else None,
        "new_speaker": speaker.name if speaker and speaker.is_new_official else "",
        "new_speaker_kind": speaker.institution if speaker and speaker.institution else OfficialKind.PERSON,
        "new_speaker_country": speaker.country_id if speaker and speaker.is_new_official else None,
        "date": proposal.date,
        "topics": [topic.id for topic in proposal.topics],
        "countries": [country.id for country in proposal.countries],
    }


def _resolved(speaker: Speaker | None) -> bool:
    """A speaker to save the quote under without a second look: a known official or institution, a new person, or
    a new institution named in full at the cue."""
    if speaker is None:
        return False
    if speaker.official_id is not None or speaker.is_person:
        return True
    return speaker.is_new_official and speaker.is_institution and speaker.confidence >= TICK_NEW_INSTITUTION_FROM


# How the extractor found the speaker (Speaker.method), in the analyst's words.
METHODS = {
    "explicit": "named",
    "alias": "a known alias",
    "surname": "surname",
    "role": "role description",
    "pronoun": "pronoun",
    "follow-on": "no attribution of its own: taken to be the person named or speaking just before",
    "signed": "signed below the quote",
    "description": "a description only",
    "earlier": "completed from the article’s earlier mention",
    "document": "who issued the document",
    "outlet": "an outlet reporting: not a speaker",
}


def context_html(article: str, proposal: Proposal) -> SafeString:
    """The proposal's stretch of the article, marked, with some words either side (all escaped)."""
    start, end = proposal.start, proposal.end
    before = article[max(0, start - CONTEXT_CHARS) : start]
    after = article[end : end + CONTEXT_CHARS]
    if start > CONTEXT_CHARS:
        before = "…" + re.sub(r"^\S*\s", "", before, count=1)
    if end + CONTEXT_CHARS < len(article):
        after = re.sub(r"\s\S*$", "", after, count=1) + "…"
    marked = article[start:end]
    if len(marked) > 2 * CONTEXT_CHARS:  # the words are in the text box already: show where they start and end
        head = re.sub(r"\s\S*$", "", marked[:CONTEXT_CHARS], count=1)
        tail = re.sub(r"^\S*\s", "", marked[-CONTEXT_CHARS:], count=1)
        return format_html("{}<mark>{}</mark> [ … ] <mark>{}</mark>{}", before, head, tail, after)
    return format_html("{}<mark>{}</mark>{}", before, marked, after)


def speaker_note(proposal: Proposal) -> str:
    """E.g. "found as “the Kremlin spokesman” (role description), cue “stressed”"."""
    speaker = proposal.speaker
    if speaker is None and proposal.candidates:
        # the extractor was not sure enough to name anyone: a wrong name is worse than a blank
        return f"Speaker unknown: choose one (perhaps {', '.join(proposal.candidates)})."
    if speaker is None:
        return "No speaker found: choose one."
    method = METHODS.get(speaker.method, speaker.method)
    # a quote with no attribution of its own has no words naming the speaker to show
    note = f"Speaker found as “{speaker.mention}” ({method})" if speaker.mention else method[:1].upper() + method[1:]
    if speaker.title:
        note += f", title “{speaker.title}”"
    if speaker.is_institution and speaker.is_new_official:
        kind = OfficialKind(speaker.institution).short_label
        note += f", an institution not among the officials yet: create institution “{speaker.name}” ({kind})"
    elif speaker.is_institution:
        note += ", an institution"
    elif speaker.is_new_official:
        note += ", not among the officials yet"
    return note + (f"; cue “{proposal.cue}”." if proposal.cue else ".")


def coding_note(coding: ProposedCoding) -> str:
    """E.g. "Speech act proposed from the attribution (cue “said”): Comment. Also named: Barack Obama, Syria. …"."""
    if coding.act:
        note = f"Speech act proposed from the attribution (cue “{coding.cue}”): {SpeechAct(coding.act).label}."
    elif coding.cue:
        note = f"The cue “{coding.cue}” proposes no speech act."
    else:
        note = "No cue: no speech act proposed."
    if coding.country_id is None and coding.official_id is None:
        note += " It names no known country or official: no target proposed."
    if coding.stance_given:
        note += f" {SpeechAct(coding.act).label} takes {stance_words(coding.stance)}."
    if coding.also_named:
        note += f" Also named: {', '.join(coding.also_named)}."
    return note + " Tick “Code it” to save the coding with the statement."


@dataclass
class Row:
    """One proposal on the page: its form and what the analyst needs to check it."""

    number: int
    form: ProposalForm
    proposal: Proposal
    context: SafeString
    duplicate: Statement | None
    coding: ProposedCoding

    @property
    def speaker_note(self) -> str:
        return speaker_note(self.proposal)

    @property
    def coding_note(self) -> str:
        return coding_note(self.coding)


# --- The view ---------------------------------------------------------------------------------------------


def _render(request, *, form: ArticleForm, rows: list[Row] | None = None, formset=None, **extra):
    context = {
        **admin.site.each_context(request),
        "title": "New statements from an article",
        "opts": Statement._meta,
        "form": form,
        "rows": rows,
        "formset": formset,
        "media": form.media + (formset.media if formset is not None else forms.Media()),
        "max_chars": MAX_ARTICLE_CHARS,
        **extra,
    }
    return TemplateResponse(request, TEMPLATE, context)


def _drafts(formset, *, choices_by_model: dict) -> list[DraftStatement]:
    officials, topics, countries = (choices_by_model[m] for m in (Official, Topic, Country))
    drafts = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data.get("include"):
            continue
        drafts.append(
            DraftStatement(
                text=data["text"],
                date=data["date"].first,
                date_precision=data["date"].precision,
                kind=data["kind"],
                speaker=officials.get(data["speaker"]) if data["speaker"] else None,
                new_speaker_name=data["new_speaker"],
                new_speaker_kind=data["new_speaker_kind"],
                new_speaker_country=countries.get(data["new_speaker_country"]) if data["new_speaker_country"] else None,
                topics=[topics[pk] for pk in data["topics"] if pk in topics],
                countries=[countries[pk] for pk in data["countries"] if pk in countries],
                codings=[_draft_coding(data, officials=officials, countries=countries)] if data.get("code") else [],
                post=data["post"],
            )
        )
    return drafts


def _draft_coding(data: dict, *, officials: dict, countries: dict) -> DraftCoding:
    return DraftCoding(
        target_country=countries.get(data["target_country"]) if data["target_country"] else None,
        target_official=officials.get(data["target_official"]) if data["target_official"] else None,
        stance=coding_stance(data["stance"]),
        act=data["act"],
    )


def _load_chosen(formset) -> dict:
    """The officials, topics and countries the ticked rows chose, as objects (three queries)."""
    ids = {Official: set(), Topic: set(), Country: set()}
    for form in formset.forms:
        data = form.cleaned_data
        if data.get("include"):
            if data.get("speaker"):
                ids[Official].add(data["speaker"])
            ids[Topic].update(data.get("topics", []))
            ids[Country].update(data.get("countries", []))
            ids[Country].update(pk for pk in [data.get("new_speaker_country")] if pk)
            if data.get("code"):
                ids[Official].update(pk for pk in [data.get("target_official")] if pk)
                ids[Country].update(pk for pk in [data.get("target_country")] if pk)
    return {model: model.objects.in_bulk(pks) if pks else {} for model, pks in ids.items()}


def from_article(request):
    """GET: step 1. POST "extract": step 2, the proposals. POST "save": create the drafts. POST "edit": step 1 again."""
    if not request.user.has_perm("statements.add_statement"):
        raise PermissionDenied
    if request.method != "POST":
        return _render(request, form=ArticleForm(user=request.user))
    form = ArticleForm(request.POST, user=request.user)
    if "edit" in request.POST or not form.is_valid():
        return _render(request, form=form)

    page = extract_for_page(form.cleaned_data["text"], published=form.published)
    proposals = page.extraction.proposals
    if not proposals:
        messages.warning(request, "No quotations or reported speech were found in this text.")
        return _render(request, form=form)
    choices = Choices.load()
    formset_kwargs = {
        "proposals": proposals,
        "posts": page.posts,
        "prefix": "p",
        "form_kwargs": {"choices": choices, "can_add_officials": request.user.has_perm("statements.add_official")},
    }
    initial = [
        initial_row(p, duplicate=d, coding=c, post=o)
        for p, d, c, o in zip(proposals, page.duplicates, page.codings, page.posts, strict=True)
    ]
    if "save" in request.POST:
        formset = ProposalFormSet(request.POST, **formset_kwargs)
        if formset.is_valid():
            source = form.existing_source or form.new_source(dateline=page.extraction.dateline)
            try:
                created = create_article_drafts(
                    user=request.user,
                    source=source,
                    statements=_drafts(formset, choices_by_model=_load_chosen(formset)),
                    article_text=form.cleaned_data["text"],
                )
            except (ValidationError, IntegrityError) as error:
                # The database changed since the page was shown (a URL taken, a name added): nothing was written.
                problems = error.messages if isinstance(error, ValidationError) else ["a conflicting change was saved"]
                messages.error(request, "Nothing was saved: " + " ".join(problems))
            else:
                messages.success(request, created.summary())
                changelist = reverse("admin:statements_statement_changelist")
                return HttpResponseRedirect(f"{changelist}?source__id__exact={created.source.pk}")
        elif formset.total_form_count() != len(proposals):
            messages.error(request, "The proposals on this page did not match the article; here they are again.")
            formset = ProposalFormSet(initial=initial, **formset_kwargs)
    else:
        formset = ProposalFormSet(initial=initial, **formset_kwargs)

    text = form.cleaned_data["text"]
    rows = [
        Row(number, row_form, proposal, context_html(text, proposal), duplicate, coding)
        for number, (row_form, proposal, duplicate, coding) in enumerate(
            zip(formset.forms, proposals, page.duplicates, page.codings, strict=True), start=1
        )
    ]
    return _render(
        request,
        form=form,
        rows=rows,
        formset=formset,
        extraction=page.extraction,
        published=form.published,
        outlet_label="" if form.existing_source else form.outlet_label(),
        medium_label=Medium(form.cleaned_data["medium"]).label,
        ticked=sum(1 for row in rows if row.form.is_ticked()),
        rows_with_errors=[row.number for row in rows if row.form.is_bound and row.form.errors],
    )
