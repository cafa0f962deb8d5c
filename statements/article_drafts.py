"""Statements taken from one article, saved as drafts: the source (and its outlet), new officials, the posts the
article gives its speakers, and the statements.

Used by the admin page "New statements from an article" (statements/admin/extraction.py). Everything is written in
one transaction and validated model by model first, so a bad row leaves nothing behind.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from statements import history
from statements.models import (
    Coding,
    Country,
    DatePrecision,
    Kind,
    Medium,
    Official,
    OfficialKind,
    Outlet,
    Position,
    Source,
    Statement,
    Status,
    Topic,
)

# What the history says of everything the assistant creates.
ASSISTANT_REASON = "Made from an article with the article assistant."


@dataclass(frozen=True)
class NewSource:
    """A source to create. `outlet` is an existing outlet; otherwise `outlet_name` names one (created if new)."""

    title: str
    published_on: datetime.date
    outlet: Outlet | None = None
    outlet_name: str = ""
    url: str = ""
    language: str = "en"
    medium: str = Medium.ARTICLE
    venue: str = ""
    dateline: str = ""
    text: str = ""  # the article as pasted, kept on the source to check the quotes against


@dataclass(frozen=True)
class DraftCoding:
    """A coding the analyst confirmed on the page: toward a country or an official, a stance (None: No stance)."""

    target_country: Country | None = None
    target_official: Official | None = None
    stance: int | None = None
    act: str = ""


@dataclass(frozen=True)
class DraftStatement:
    """One statement to save as a draft: by an existing `speaker`, or by a new official named `new_speaker_name`."""

    text: str
    date: datetime.date
    speaker: Official | None = None
    new_speaker_name: str = ""
    new_speaker_kind: str = OfficialKind.PERSON  # a new person, or the kind of a new institution
    new_speaker_country: Country | None = None  # the new official's own country (an institution's: a ministry's)
    kind: str = Kind.DIRECT
    date_precision: str = DatePrecision.DAY
    topics: Sequence[Topic] = ()
    countries: Sequence[Country] = ()
    codings: Sequence[DraftCoding] = ()
    # The speaker's post as the article gives it ("Foreign Minister"), accepted or typed by the analyst: saved as a
    # Position held on the statement's date (the article tells no more), "" for none.
    post: str = ""


@dataclass
class ArticleDrafts:
    """What one call created, for the page to report."""

    source: Source
    source_created: bool
    outlet_created: bool
    new_officials: list[Official] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    new_positions: list[Position] = field(default_factory=list)

    def summary(self) -> str:
        """E.g. "Created source “TASS: …” and 7 draft statements; 1 new official (Dmitry Peskov)."."""
        count = len(self.statements)
        drafts = f"{count} draft statement{'s' if count != 1 else ''}"
        if self.source_created:
            text = f"Created source “{self.source}” and {drafts}"
        else:
            text = f"Created {drafts} in the existing source “{self.source}”"
        people = [official for official in self.new_officials if not official.is_institution]
        institutions = [official for official in self.new_officials if official.is_institution]
        for created, word, plural in [(people, "official", "officials"), (institutions, "institution", "institutions")]:
            if created:
                names = ", ".join(official.name for official in created)
                text += f"; {len(created)} new {word if len(created) == 1 else plural} ({names})"
        if self.new_positions:
            count = len(self.new_positions)
            posts = ", ".join(f"{position.official.name}: {position.title}" for position in self.new_positions)
            text += f"; {count} new post{'s' if count != 1 else ''} ({posts})"
        if self.outlet_created:
            text += f"; new outlet {self.source.outlet}"
        return text + "."


def _unique_slug(model, name: str, *, fallback: str) -> str:
    """A slug free in `model`: the name's slug, then -2, -3… (names in other alphabets fall back to `fallback`)."""
    base = slugify(name)[:180] or fallback
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _validated(obj, *, label: str, exclude: list[str] | None = None):
    """full_clean() with the messages prefixed by what failed, so the page can say which row to fix."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        messages = [
            f"{label}: {name}: {message}" if name != "__all__" else f"{label}: {message}"
            for name, field_messages in error.message_dict.items()
            for message in field_messages
        ]
        raise ValidationError(messages) from error
    return obj


def _outlet(new: NewSource, *, tally: dict) -> Outlet:
    if new.outlet is not None:
        return new.outlet
    name = new.outlet_name.strip()
    if not name:
        raise ValidationError("Source: choose an outlet or type a new outlet's name.")
    existing = Outlet.objects.filter(name__iexact=name).first()
    if existing:  # the same outlet typed by hand: use it rather than fail on the unique name
        return existing
    outlet = Outlet(name=name, slug=_unique_slug(Outlet, name, fallback="outlet"))
    _validated(outlet, label="Outlet").save()
    tally["outlet_created"] = True
    return outlet


def _source(new: NewSource, *, user: AbstractBaseUser | None, tally: dict) -> Source:
    outlet = _outlet(new, tally=tally)
    source = Source(
        outlet=outlet,
        title=new.title.strip(),
        url=new.url.strip(),
        published_on=new.published_on,
        language=new.language.strip(),
        medium=new.medium,
        venue=new.venue.strip(),
        dateline=new.dateline.strip()[:200],
        text=new.text,
    )
    _validated(source, label="Source")  # includes the unique URL
    source._history_user = user
    source._change_reason = ASSISTANT_REASON
    source.save()
    return source


def _new_official(name: str, *, kind: str, country: Country | None, user: AbstractBaseUser | None) -> Official:
    # Analysts pick existing officials on the page; a hand-typed existing name would make a duplicate official.
    if Official.objects.filter(name__iexact=name).exists():
        raise ValidationError(f"An official named {name} already exists: choose them instead of creating a new one.")
    official = Official(
        name=name,
        slug=_unique_slug(Official, name, fallback="official"),
        kind=kind,
        country=country,
        is_synthetic=False,
    )
    _validated(official, label=f"New official {name}")
    history.hold(official)  # its one creation entry is recorded at the end, naming the posts it was given
    official.save()
    return official


@dataclass
class _Post:
    """A post to record for an official: the statements' dates it was held on, and the row that first gave it."""

    official: Official
    title: str
    country: Country | None
    label: str
    dates: list[datetime.date] = field(default_factory=list)

    def held(self) -> str:
        first, last = min(self.dates), max(self.dates)
        when = f"on {first.isoformat()}" if first == last else f"from {first.isoformat()} to {last.isoformat()}"
        return f"post “{self.title}” held {when}"


def _position(post: _Post) -> Position | None:
    """The post as a Position held from the first to the last statement's date; None when the official already
    holds a post of that title then (existing positions are never changed)."""
    start, end = min(post.dates), max(post.dates)
    held = Position.objects.filter(official=post.official, title__iexact=post.title, start_date__lte=start)
    if held.filter(Q(end_date__isnull=True) | Q(end_date__gte=end)).exists():
        return None
    position = Position(official=post.official, title=post.title, country=post.country, start_date=start, end_date=end)
    _validated(position, label=f"{post.label}, post")
    position.save()
    return position


def _record_officials(
    new_officials: list[Official], positions: list[Position], posts: list[_Post], *, user: AbstractBaseUser | None
) -> None:
    """One history entry per official the save touched: the new ones' creation, and for an existing official given a
    post, a change entry saying which post; the reason names the posts either way."""
    held = {}
    for post, position in zip(posts, positions, strict=True):
        if position is not None:
            held.setdefault(post.official.pk, []).append(post.held())
    new_ids = {official.pk for official in new_officials}
    for official in new_officials:
        reason = ASSISTANT_REASON
        if official.pk in held:
            reason += " With its " + "; ".join(held[official.pk]) + "."
        history.record(official, created=True, user=user, reason=reason)
    for post, position in zip(posts, positions, strict=True):
        if position is not None and post.official.pk not in new_ids:
            reason = f"Added the {post.held()} from an article with the article assistant."
            history.record(post.official, created=False, user=user, reason=reason[0].upper() + reason[1:])


def _coding(statement: Statement, draft: DraftCoding, *, user: AbstractBaseUser | None, label: str) -> Coding:
    """A confirmed coding of a new statement, checked against the codebook's rules and constraints first."""
    coding = Coding(
        statement=statement,
        target_country=draft.target_country,
        target_official=draft.target_official,
        stance=draft.stance,
        act=draft.act,
        coded_by=user,
        coded_at=timezone.now(),
    )
    _validated(coding, label=f"{label}, coding")
    coding._history_user = user
    coding._change_reason = ASSISTANT_REASON
    coding.save()
    return coding


def create_article_drafts(
    *,
    user: AbstractBaseUser | None,
    source: Source | NewSource,
    statements: Sequence[DraftStatement],
    article_text: str = "",
) -> ArticleDrafts:
    """Create the source (unless an existing one is given), new officials and the statements, all as drafts, with
    the codings the analyst confirmed and the posts the rows give their speakers (a Position held on the statements'
    dates, one per official and post).

    The article's text is kept on a new source, or on an existing one that has none yet (a text already kept is
    not replaced: an Editor may have pasted the outlet's own copy), so the quotes are checked against it.

    One transaction: any invalid row raises ValidationError naming the row, and nothing is written.
    """
    if not statements:
        raise ValidationError("Choose at least one statement to save.")
    tally = {"outlet_created": False}
    with transaction.atomic():
        source_created = isinstance(source, NewSource)
        if source_created:
            saved_source = _source(replace(source, text=article_text or source.text), user=user, tally=tally)
        else:
            saved_source = source
            if article_text.strip() and not saved_source.text.strip():
                saved_source.text = article_text
                saved_source._history_user = user
                saved_source._change_reason = ASSISTANT_REASON
                saved_source.save()
        result = ArticleDrafts(
            source=saved_source, source_created=source_created, outlet_created=tally["outlet_created"]
        )
        officials_by_name: dict[str, Official] = {}
        posts: dict[tuple[int, str], _Post] = {}  # one per official and post, however many rows give it
        for number, draft in enumerate(statements, start=1):
            label = f"Statement {number}"
            speaker = draft.speaker
            name = " ".join(draft.new_speaker_name.split())
            if speaker is None and not name:
                raise ValidationError(f"{label}: choose who said it, or type a new official's name.")
            if speaker is None:
                key = name.casefold()
                if key not in officials_by_name:  # the same new person in several rows is one official
                    officials_by_name[key] = _new_official(
                        name, kind=draft.new_speaker_kind, country=draft.new_speaker_country, user=user
                    )
                    result.new_officials.append(officials_by_name[key])
                speaker = officials_by_name[key]
                if speaker.kind != draft.new_speaker_kind or speaker.country != draft.new_speaker_country:
                    what = OfficialKind(speaker.kind).short_label + (
                        f" of {speaker.country}" if speaker.country else ""
                    )
                    raise ValidationError(
                        f"{label}: {name} is a new {what} in an earlier row: make both rows the same."
                    )
            statement = Statement(
                speaker=speaker,
                date=draft.date,
                date_precision=draft.date_precision,
                text=draft.text.strip(),
                kind=draft.kind,
                source=saved_source,
                status=Status.DRAFT,
                created_by=user,
                updated_by=user,
            )
            _validated(statement, label=label)  # also moves a month/year date to the first day
            # Saved one by one (not bulk_create) so that each statement has its creation entry, links included.
            with history.one_entry(statement, user=user, reason=ASSISTANT_REASON):
                statement.save()
                if draft.topics:
                    statement.topics.set(draft.topics)
                if draft.countries:
                    statement.countries.set(draft.countries)
            for coding in draft.codings:
                _coding(statement, coding, user=user, label=label)
            result.statements.append(statement)
            title = " ".join(draft.post.split())
            if title and speaker.is_institution:
                raise ValidationError(f"{label}: a post is a person’s: leave it empty for an institution.")
            if title:
                country = draft.new_speaker_country if draft.speaker is None else None
                post = posts.setdefault((speaker.pk, title.casefold()), _Post(speaker, title, country, label))
                post.dates.append(statement.date)
        positions = [_position(post) for post in posts.values()]
        result.new_positions = [position for position in positions if position is not None]
        _record_officials(result.new_officials, positions, list(posts.values()), user=user)
    return result
