"""The domain: who said what, when, where it was reported, and about which topics and countries."""

import datetime
import functools
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models import Q
from django.db.models.functions import Coalesce, Substr
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from . import denormalised, option_counts, planner, search, verbatim
from .dates import DatePrecision
from .history import TrackedHistory, word_diff

WIKIDATA_ID_REGEX = r"^Q[1-9][0-9]*$"


def entity_url(view: str, key: str) -> str:
    """The page of an official, topic or country (a bounded set), built once per process: a list of statements
    links each one's speaker and topics, and reverse() runs a regular expression for each address
    (docs/performance.md#less-python-per-request). Keyed on the URLconf's resolver and the script prefix, so a
    deployment under a sub-path, or a test with another URLconf, still gets the right address."""
    return _entity_url(view, key, get_script_prefix(), get_resolver(get_urlconf()))


@functools.lru_cache(maxsize=4096)
def _entity_url(view: str, key: str, script_prefix: str, resolver) -> str:
    return reverse(view, args=[key])


def split_lines(value: str) -> list[str]:
    """Aliases and keywords are edited one per line; this returns them as a clean list."""
    return [line.strip() for line in value.splitlines() if line.strip()]


class Country(models.Model):
    """An ISO 3166-1 country. All of them are loaded by a data migration from pycountry."""

    code = models.CharField("ISO code", max_length=2, unique=True, help_text="ISO 3166-1 alpha-2, e.g. RU.")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    aliases = models.TextField(
        blank=True,
        help_text="One per line: demonyms and capitals used as metonyms (Russian, Moscow, Kremlin).",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z][A-Z]$"), name="country_code_is_two_capitals"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return entity_url("statements:country_detail", self.code.lower())

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)


class OfficialKind(models.TextChoices):
    """Who can speak and be spoken about: a person, or an institution that speaks (and is spoken of) as one."""

    PERSON = "person", "Person"
    GOVERNMENT = "government", "Government"
    MINISTRY = "ministry", "Ministry (e.g. a foreign ministry)"
    EMBASSY = "embassy", "Embassy or mission"
    ALLIANCE = "alliance", "Alliance (e.g. NATO)"
    UNION = "union", "Union of states (e.g. the EU)"
    INTERNATIONAL = "international", "International organisation (e.g. the UN)"
    NON_STATE = "non_state", "Non-state group"

    @property
    def short_label(self) -> str:
        """ "ministry", "embassy or mission": the label without its example, for a sentence."""
        return self.label.split(" (")[0].lower()


@dataclass(frozen=True)
class SpeakingSide:
    """Whom a statement speaks for: a country, an institution (the UN, NATO), or an institution of a country (a
    ministry, an embassy). Empty when nothing is known of the speaker's side."""

    country: "Country | None" = None
    institution: "Official | None" = None

    def __str__(self):
        if self.institution is not None:
            return str(self.institution)
        return str(self.country) if self.country is not None else ""


class OfficialQuerySet(models.QuerySet):
    def public(self):
        """Officials a public page names: the speaker of, an official mentioned in, or the target of a coding of a
        published or retracted statement. Every public surface looks officials up here (their page, the speaker and
        target filters, the API), so one known only from drafts is as unknown as a slug nobody made.

        Retracted statements count because their permalinks stay up and link to these officials. Three EXISTS, each
        a probe of an index (the speaker's statements by status; the mentions by official; the codings by target),
        so looking up a few slugs costs the same at a million statements as at ten.
        """
        shown = Statement.objects.public()
        spoke = shown.filter(speaker=models.OuterRef("pk"))
        mentioned = shown.filter(mentioned_officials=models.OuterRef("pk"))
        targeted = Coding.objects.of_public_statements().filter(target_official=models.OuterRef("pk"))
        return self.filter(models.Exists(spoke) | models.Exists(mentioned) | models.Exists(targeted))

    def with_published_statements(self):
        """Officials a visitor can see as speakers: those with at least one published statement (no hint of drafts)."""
        published = Statement.objects.published().filter(speaker=models.OuterRef("pk"))
        return self.filter(models.Exists(published))


class Official(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    aliases = models.TextField(blank=True, help_text="Other spellings, one per line (Dmitri Peskov).")
    kind = models.CharField(
        max_length=13,
        choices=OfficialKind.choices,
        default=OfficialKind.PERSON,
        help_text="A person, or an institution that speaks as one (a ministry's written statement) or is spoken of "
        "as one (NATO, the UN).",
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        help_text="For an institution, the country it belongs to (a ministry, an embassy); none for the UN or NATO.",
    )
    wikidata_id = models.CharField(
        "Wikidata id",
        max_length=20,
        blank=True,
        validators=[RegexValidator(WIKIDATA_ID_REGEX, "A Wikidata id is Q followed by digits, e.g. Q2298093.")],
    )
    is_synthetic = models.BooleanField(
        default=False, help_text="A fictional official made for demos and benchmarks, never a real person."
    )
    notes = models.TextField(blank=True)
    history = TrackedHistory()

    objects = OfficialQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OfficialKind.values), name="official_kind_valid"),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=WIKIDATA_ID_REGEX),
                name="official_wikidata_id_format",
                violation_error_message="A Wikidata id is Q followed by digits, e.g. Q2298093.",
            ),
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="official_unique_wikidata_id",
                violation_error_message="Another official already has this Wikidata id.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return entity_url("statements:official_detail", self.slug)

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)

    @property
    def is_institution(self) -> bool:
        return self.kind != OfficialKind.PERSON

    def position_on(self, date: datetime.date):
        """The position held on a date (the most recently started one if several overlap)."""
        return self.positions.held_on(date).first()

    def side_on(self, date: datetime.date) -> SpeakingSide:
        """Whom this official spoke for on a date (docs/codebook.md#the-speaking-side).

        An institution speaks for itself (and for its country, if it has one: a ministry, an embassy). A person
        speaks for the post held that day: the institution the post speaks for (a UN Secretary-General, the UN),
        else the post's country; with no post that day, or a post without a country, for their own country. The
        same rule in SQL is StatementQuerySet.with_speaking_country(): keep the two together."""
        if self.is_institution:
            return SpeakingSide(country=self.country, institution=self)
        position = self.positions.held_on(date).select_related("country", "speaks_for__country").first()
        if position is not None and position.speaks_for is not None:
            return SpeakingSide(
                country=position.country or position.speaks_for.country, institution=position.speaks_for
            )
        if position is not None and position.country is not None:
            return SpeakingSide(country=position.country)
        return SpeakingSide(country=self.country)


class PositionQuerySet(models.QuerySet):
    def held_on(self, date):
        """Positions held on `date` (a date, or an OuterRef to a statement's), the most recently started first;
        two posts taken the same day: the one recorded first."""
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=date), start_date__lte=date).order_by(
            "-start_date", "id"
        )

    def held_by_speaker(self):
        """For a subquery of statements: the speaker's positions held on the statement's date, in held_on()'s order."""
        return self.held_on(models.OuterRef("date")).filter(official=models.OuterRef("speaker_id"))


class Position(models.Model):
    """A post an official held for a period (Popolo's Membership): gives a statement its speaker's role."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(max_length=200, help_text="e.g. Press Secretary of the President of Russia")
    organisation = models.CharField(max_length=200, blank=True, help_text="e.g. Presidential Executive Office")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="positions")
    speaks_for = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        limit_choices_to=~Q(kind=OfficialKind.PERSON),
        help_text="The institution this post speaks for, when it is not a country: the UN for its Secretary-General.",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Leave empty while the position is held.")

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["official", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_end_not_before_start",
                violation_error_message="A position cannot end before it starts.",
            ),
        ]
        indexes = [models.Index(fields=["official", "start_date"], name="position_official_start")]

    def __str__(self):
        end = self.end_date.isoformat() if self.end_date else "present"
        return f"{self.official}: {self.title} ({self.start_date.isoformat()} – {end})"

    def clean(self):
        super().clean()
        if self.speaks_for_id is not None and self.speaks_for_id == self.official_id:
            raise ValidationError({"speaks_for": "An institution speaks for itself: leave this empty."})
        if self.speaks_for is not None and not self.speaks_for.is_institution:
            raise ValidationError({"speaks_for": "A post speaks for an institution, not for a person."})


class Topic(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    description = models.TextField(blank=True)
    keywords = models.TextField(blank=True, help_text="One per line; used to suggest this topic for new statements.")
    history = TrackedHistory()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="topic_not_own_parent",
                violation_error_message="A topic cannot be its own parent.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return entity_url("statements:topic_detail", self.slug)

    @property
    def keyword_list(self) -> list[str]:
        return split_lines(self.keywords)

    def ancestors(self) -> list["Topic"]:
        """Parents up to the root, nearest first. Stops at a cycle rather than looping forever."""
        seen, chain, node = {self.pk}, [], self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def clean(self):
        super().clean()
        node = self.parent
        while node is not None:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": "This parent would make the topic its own ancestor (a cycle)."})
            node = node.parent

    @classmethod
    def subtree_ids(cls, roots) -> set[int]:
        """Ids of the given topics and all their descendants (the topic tree is small: one query)."""
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in cls.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        found, stack = set(), [t.pk if isinstance(t, Topic) else t for t in roots]
        while stack:
            pk = stack.pop()
            if pk not in found:
                found.add(pk)
                stack.extend(children.get(pk, []))
        return found


class OutletQuerySet(models.QuerySet):
    def public(self):
        """Outlets a public page names: the outlet of a published or retracted statement's source, or of another
        report of one (docs/trust.md#other-reports). One created for a draft (by the article extraction, an import
        or by hand) stays unknown to the public until then.

        An EXISTS on each statement's copy of its outlet (statements/denormalised.py), one probe of the outlet's
        index per outlet, rather than a join through the outlet's sources; then one on the few other reports, by their
        copy of their source's outlet (statements/other_reports.py)."""
        primary = planner.from_outlets(Statement.objects.public(), [models.OuterRef("pk")])
        reported = Report.objects.filter(
            outlet_cache=models.OuterRef("pk"), statement__status__in=[Status.PUBLISHED, Status.RETRACTED]
        )
        return self.filter(models.Exists(primary) | models.Exists(reported))


class Outlet(models.Model):
    """Who published the report (TASS) — not the speaker, and not the medium (a CNN interview)."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    website = models.URLField(blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="outlets")
    is_synthetic = models.BooleanField(default=False, help_text="A fictional outlet for demos and benchmarks.")

    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Medium(models.TextChoices):
    ARTICLE = "article", "News article"
    INTERVIEW = "interview", "Interview"
    PRESS_CONFERENCE = "press_conference", "Press conference"
    BRIEFING = "briefing", "Briefing"
    SPEECH = "speech", "Speech"
    WRITTEN_STATEMENT = "written_statement", "Written statement"
    SOCIAL_MEDIA = "social_media", "Social media post"
    TRANSCRIPT = "transcript", "Official transcript"
    OTHER = "other", "Other"


def language_code(code: str) -> str:
    """Language codes are stored in lower case ("RU " is kept as "ru"), so that filters compare them through the
    index rather than by upper-casing every source (Source and Statement lower them on save; migration 0011 lowered
    the rows before)."""
    return (code or "").strip().lower()


class Source(models.Model):
    """Where the statements were reported: one article, transcript or post."""

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="sources")
    title = models.CharField(max_length=500)
    url = models.URLField("URL", max_length=1000, blank=True)
    published_on = models.DateField("publication date")
    language = models.CharField(max_length=8, default="en", help_text="ISO 639-1 code of the report, e.g. en, ru.")
    medium = models.CharField(max_length=20, choices=Medium.choices, default=Medium.ARTICLE)
    venue = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where it was said when that is not the outlet: 'CNN' for an interview to CNN reported by TASS.",
    )
    dateline = models.CharField(max_length=200, blank=True, help_text="e.g. NEW YORK, November 11")
    # The report's own words, so that quotes can be checked against them (statements/verbatim.py). Internal: the
    # outlet's copyright, so never in a public page, the API, the CSV, a feed or a release.
    text = models.TextField(
        "report text",
        blank=True,
        help_text="Internal, never published: the report's text as published, pasted whole, to check quotes against.",
    )
    text_sha256 = models.CharField("text SHA-256", max_length=64, blank=True, editable=False)
    text_captured_at = models.DateTimeField("text captured at", null=True, blank=True, editable=False)
    history = TrackedHistory()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="source_unique_url",
                violation_error_message="A source with this URL already exists.",
            ),
            models.CheckConstraint(condition=Q(medium__in=Medium.values), name="source_medium_valid"),
        ]
        indexes = [
            models.Index(fields=["outlet", "published_on"], name="source_outlet_date"),
            # The admin's list and source search, newest first, and its year filter (statements/admin/scale.py).
            models.Index(fields=["-published_on", "title"], name="source_date_title"),
        ]

    def __str__(self):
        return f"{self.outlet}: {self.title} ({self.published_on.isoformat()})"

    def save(self, *args, **kwargs):
        self.language = language_code(self.language)
        # Browsers send CRLF: offsets and the checksum must not depend on how the text travelled.
        self.text = self.text.replace("\r\n", "\n").replace("\r", "\n")
        digest = hashlib.sha256(self.text.encode()).hexdigest() if self.text.strip() else ""
        text_changed = digest != self.text_sha256
        if text_changed:
            self.text_sha256 = digest
            self.text_captured_at = timezone.now() if digest else None
        super().save(*args, **kwargs)
        if text_changed:
            Statement.objects.filter(source=self).recheck_verbatim(self.text)
            Report.objects.filter(source=self).recheck_verbatim()


class Kind(models.TextChoices):
    DIRECT = "direct", "Direct quote"
    PARAPHRASE = "paraphrase", "Paraphrase"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


class VerbatimCheck(models.TextChoices):
    """Where a statement's words stand in its source's kept text: computed (statements/verbatim.py), never typed."""

    NO_TEXT = "no_text", "No source text kept"
    FOUND = "found", "Found verbatim in the source"
    NOT_FOUND = "not_found", "Not found verbatim in the kept text"


def verbatim_passage(source_text: str) -> models.Case:
    """The capped passage of a source's kept text (the field path `source_text`) around words found in it, else "":
    cut by the database from the bounds stored when they were checked, so a page reads a sentence or two rather than
    the article, and runs no matcher."""
    start = models.F("verbatim_passage_start")
    cut = Substr(source_text, start + 1, models.F("verbatim_passage_end") - start)
    found = models.When(verbatim=VerbatimCheck.FOUND, then=cut)
    return models.Case(found, default=models.Value(""), output_field=models.TextField())


def verbatim_constraints(prefix: str) -> list:
    """The verbatim check's two named constraints, for a model with VerbatimChecked's fields: a known state, and a
    place (spans and passage) exactly when found."""
    return [
        models.CheckConstraint(condition=Q(verbatim__in=VerbatimCheck.values), name=f"{prefix}_verbatim_valid"),
        models.CheckConstraint(
            condition=Q(verbatim=VerbatimCheck.FOUND)
            & Q(verbatim_passage_start__isnull=False, verbatim_passage_end__isnull=False)
            & ~Q(verbatim_spans="")
            | ~Q(verbatim=VerbatimCheck.FOUND)
            & Q(verbatim_passage_start__isnull=True, verbatim_passage_end__isnull=True, verbatim_spans=""),
            name=f"{prefix}_verbatim_found_has_place",
        ),
    ]


class VerbatimChecked:
    """Words checked against their source's kept text (statements/verbatim.py): a statement's against its primary
    source, another report's against its own. Each model declares the VERBATIM_FIELDS and says which words it checks
    (`verbatim_words`); they are checked on save when the words or the source changed since read."""

    VERBATIM_FIELDS = ["verbatim", "verbatim_spans", "verbatim_passage_start", "verbatim_passage_end"]
    # The words and source last checked (set when read from the database), to check again only when they change.
    _verbatim_inputs = None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._verbatim_inputs = (instance.__dict__.get("text"), instance.__dict__.get("source_id"))
        return instance

    def verbatim_words(self) -> str:
        raise NotImplementedError

    def _source_text(self) -> str:
        if self.source_id is None:
            return ""
        cached = self._meta.get_field("source").get_cached_value(self, default=None)
        if cached is not None and cached.pk == self.source_id and "text" in cached.__dict__:
            return cached.text
        return Source.objects.filter(pk=self.source_id).values_list("text", flat=True).first() or ""

    def _check_verbatim_on_save(self, kwargs: dict) -> bool:
        """Check the words before a save that writes them, when they or the source changed; True if checked."""
        update_fields = kwargs.get("update_fields")
        saves_words = update_fields is None or {"text", "source", "source_id"} & set(update_fields)
        if not saves_words or self._verbatim_inputs == (self.text, self.source_id):
            return False
        self.check_verbatim(self._source_text())
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *self.VERBATIM_FIELDS}
        return True

    def check_verbatim(self, source_text: str) -> None:
        """Set where the words stand in `source_text`, the source's kept text (not saved: the caller saves)."""
        found = verbatim.find(self.verbatim_words(), source_text) if source_text.strip() else None
        if not source_text.strip():
            self.verbatim = VerbatimCheck.NO_TEXT
        else:
            self.verbatim = VerbatimCheck.FOUND if found else VerbatimCheck.NOT_FOUND
        self.verbatim_spans = verbatim.encode_spans(found.spans) if found else ""
        self.verbatim_passage_start, self.verbatim_passage_end = found.passage if found else (None, None)

    def verbatim_runs(self) -> list[tuple[str, bool]]:
        """The passage (annotated `verbatim_passage`) as runs of (text, is part of the words), to highlight."""
        passage = getattr(self, "verbatim_passage", "")
        if not passage:
            return []
        return verbatim.marked(passage, self.verbatim_passage_start, verbatim.decode_spans(self.verbatim_spans))


class StatementQuerySet(models.QuerySet):
    """The domain's vocabulary for finding statements; how each query is steered on each database is the
    planner's (statements/planner.py)."""

    def first_matches(self, limit: int) -> planner.FirstMatches:
        """Id, speaker, date and topics of the first `limit` statements in this queryset's order, in one query."""
        return planner.first_matches(self, limit)

    def published(self):
        """What the public timeline, counts, exports, API and feeds show. Start every public query here."""
        return self.filter(status=Status.PUBLISHED)

    def public(self):
        """Published plus retracted: a permalink keeps resolving after a retraction and says why."""
        return self.filter(status__in=[Status.PUBLISHED, Status.RETRACTED])

    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def quotes_not_found_verbatim(self):
        """Published direct quotes whose words are not in their source's kept text, or one of whose other reports'
        wording is not in that report's: for an Editor to look at (a translation, another transcript, or a mistake).
        Read from two small partial indexes of the statements and the reports not found: the reports' statement ids
        are read first, so that the statements' query is an OR of two index lookups, never a scan."""
        reported = Report.objects.filter(verbatim=VerbatimCheck.NOT_FOUND).values_list("statement_id", flat=True)
        missing = Q(verbatim=VerbatimCheck.NOT_FOUND) | Q(pk__in=list(reported.distinct()))
        return self.published().filter(missing, kind=Kind.DIRECT)

    def search(self, q: str, *, by_date: bool = True):
        """Statements matching every word of `q` (with "phrases", -exclusions and OR) in text, speaker or source.

        `by_date=False` when the results will be ordered by relevance rather than by date (planner.matching_words).
        """
        terms = search.parse_query(q)
        if not terms:
            return self.none()
        return planner.matching_words(self, terms, by_date=by_date, published=Status.PUBLISHED)

    def with_search_rank(self, q: str):
        """Annotate `search_rank` (higher is more relevant) for ordering search results by relevance."""
        terms = search.parse_query(q)
        if not terms:
            return self.annotate(search_rank=models.Value(0.0, output_field=models.FloatField()))
        return self.annotate(search_rank=search.rank_expression(terms))

    def for_official(self, official):
        return self.filter(speaker=official)

    def linked_to(self, **links):
        """Statements linked, in each named many-to-many field, to any of the given ids: linked_to(topics=[1, 2]),
        never a JOIN + DISTINCT (planner.linked_to)."""
        for field, ids in links.items():
            self = planner.linked_to(self, field, ids)
        return self

    def from_outlets(self, outlet_ids: list[int]):
        """Statements whose source, or another of their reports, an outlet in `outlet_ids` published
        (planner.from_outlets). The few statements another report names are read first, in one query."""
        return planner.from_outlets(self, outlet_ids, reports=Report.objects.naming(outlet_cache__in=outlet_ids))

    def in_language(self, code: str):
        """Statements said in the language `code` or reported in it, by their source or another of their reports
        (planner.in_language)."""
        return planner.in_language(self, code, reports=Report.objects.naming(language_cache=code))

    def coded(
        self,
        *,
        countries=(),
        officials=(),
        stance: int | None = None,
        no_stance: bool = False,
        act: str = "",
        shape: str | None = None,
    ):
        """Statements with one coding that matches every condition given: toward any of the countries or officials,
        with the stance (or with none, `no_stance`), with the speech act. A statement coded twice is listed once
        (planner.coded: listed when the condition is rare, else tested on the row's copy of its codings). `shape`
        sets it for a query that another index drives: a speaker's statements probe each one's codings
        ("probed")."""
        conditions = {
            "countries": countries,
            "officials": officials,
            "stance": stance,
            "no_stance": no_stance,
            "act": act,
        }
        return planner.coded(
            self, Coding.objects.matching(**conditions), denormalised.coding_patterns(**conditions), shape=shape
        )

    def newest_first(self):
        return self.order_by("-date", "-id")

    def oldest_first(self):
        return self.order_by("date", "id")

    def with_role(self):
        """Annotate `speaker_role`: the title of the position the speaker held on the statement's date."""
        return self.annotate(speaker_role=models.Subquery(Position.objects.held_by_speaker().values("title")[:1]))

    def with_speaking_country(self):
        """Annotate `speaking_country_id`: the country of the speaking side (Official.side_on, the same rule in SQL),
        null for an institution of no country (the UN) and for a post that speaks for one."""
        held = Position.objects.held_by_speaker()
        post_country = Coalesce(
            "country",
            "speaks_for__country",
            models.Case(models.When(speaks_for__isnull=True, then="official__country")),
        )
        return self.annotate(
            speaking_country_id=models.Case(
                models.When(~Q(speaker__kind=OfficialKind.PERSON), then="speaker__country"),
                models.When(
                    models.Exists(held), then=models.Subquery(held.annotate(side=post_country).values("side")[:1])
                ),
                default="speaker__country",
                output_field=models.IntegerField(),
            )
        )

    def for_lists(self):
        """What a list of statements shows (includes/statement_item.html) in one query: speaker and country,
        source and outlet joined. Its topics are named from the row's copy of their ids (`topic_ids`) by
        statements.timeline.prepare_for_list, without a query per list when the topics are at hand already.

        The source's kept text is left behind: a whole article per row, and never shown (`with_passage` reads the
        part a permalink shows)."""
        return self.select_related("speaker__country", "source__outlet").defer("source__text")

    def for_list_items(self):
        """for_lists() reading only the columns a list item shows (statements.timeline.prepare_for_list): a page of
        the timeline builds 25 statements with their speaker, country, source and outlet, and the columns it never
        shows (timestamps, notes, the verbatim check, the original text) cost Python to read and convert for each."""
        return self.for_lists().only(
            *("id", "speaker", "date", "date_precision", "text", "kind", "source", "topics_cache"),
            *("speaker__name", "speaker__slug", "speaker__country", "speaker__country__name"),
            *("source__url", "source__outlet", "source__outlet__name"),
        )

    def with_passage(self):
        """Annotate `verbatim_passage`: the capped passage of the source's text around a quote found in it (else
        "", verbatim_passage())."""
        return self.annotate(verbatim_passage=verbatim_passage("source__text"))

    def with_other_reports(self, *, passages: bool = False):
        """Prefetch each statement's other reports with their sources and outlets, earliest first (one query): what
        a permalink lists under "Reported by" and the API under `other_reports`. The sources' kept texts stay
        behind; with `passages`, the passage around a wording found in its source is cut from it (`with_passage`)."""
        reports = Report.objects.select_related("source__outlet").defer("source__text").earliest_first()
        if passages:
            reports = reports.annotate(verbatim_passage=verbatim_passage("source__text"))
        return self.prefetch_related(models.Prefetch("other_reports", queryset=reports))

    def recheck_verbatim(self, source_text: str) -> int:
        """Check these statements' words against `source_text` again (their source's text changed)."""
        statements = list(self.only("pk", "text"))
        for statement in statements:
            statement.check_verbatim(source_text)
        return self.model.objects.bulk_update(statements, Statement.VERBATIM_FIELDS, batch_size=500)

    def with_related(self):
        """Everything a statement links to (a permalink, the API, feeds): for_lists() plus topics, countries
        concerned and officials mentioned, prefetched."""
        return self.for_lists().prefetch_related("topics", "countries", "mentioned_officials")

    def for_api(self):
        """What the API shows of each statement (statements/api/serializers.py), in a fixed number of queries
        whatever the page's size: with_related(), the speaker's role, other reports, codings and links."""
        return self.with_related().with_role().with_other_reports().with_codings_and_links()

    def with_codings_and_links(self):
        """The codings (with their targets) and both directions of the links, prefetched in three queries whatever
        the number of statements: what the API shows of each. A link is kept only when its other end is public
        (published or retracted, as on the permalink): never one to or from a draft."""
        public = [Status.PUBLISHED, Status.RETRACTED]
        return self.prefetch_related(
            models.Prefetch("codings", queryset=Coding.objects.for_display()),
            models.Prefetch(
                "links",
                queryset=StatementLink.objects.filter(linked__status__in=public)
                .select_related("linked")
                .order_by("id"),
                to_attr="public_links",
            ),
            models.Prefetch(
                "linked_from",
                queryset=StatementLink.objects.filter(statement__status__in=public)
                .select_related("statement")
                .order_by("id"),
                to_attr="public_linked_from",
            ),
        )


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class ErrorReport(models.Model):
    """A reader's report of a mistake on a public statement's permalink, for the Editors (docs/roles.md)."""

    MESSAGE_MAX_LENGTH = 2000

    statement = models.ForeignKey("Statement", on_delete=models.CASCADE, related_name="error_reports")
    message = models.TextField("what is wrong", max_length=MESSAGE_MAX_LENGTH)
    email = models.EmailField(blank=True, help_text="Only to reply to the reporter: never shown publicly or exported.")
    status = models.CharField(max_length=8, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="error_report_status_valid"),
            models.CheckConstraint(condition=~Q(message=""), name="error_report_message_not_empty"),
            models.CheckConstraint(
                # Resolved exactly when it has a date; an unknown status is the constraint above's to refuse.
                condition=Q(status=ReportStatus.RESOLVED, resolved_at__isnull=False)
                | (~Q(status=ReportStatus.RESOLVED) & Q(resolved_at__isnull=True)),
                name="error_report_resolved_has_date",
            ),
        ]
        # The Editors' list: open reports, newest first.
        indexes = [models.Index(fields=["status", "-created_at"], name="error_report_status_created")]

    def __str__(self):
        excerpt = self.message if len(self.message) <= 60 else self.message[:57].rstrip() + "…"
        return f"Report on statement {self.statement_id}: {excerpt}"


class Statement(VerbatimChecked, models.Model):
    speaker = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="statements")
    date = models.DateField(help_text="For month or year precision, the first day of that month or year.")
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    text = models.TextField(help_text="In English: the quote as reported, or the paraphrase.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DIRECT)
    original_text = models.TextField(blank=True, help_text="The words in the language they were said, if known.")
    original_language = models.CharField(max_length=8, blank=True, help_text="ISO 639-1 code, e.g. ru.")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        help_text="Required before publishing.",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="statements")
    countries = models.ManyToManyField(
        Country, blank=True, related_name="statements", verbose_name="countries concerned"
    )
    mentioned_officials = models.ManyToManyField(
        Official, blank=True, related_name="mentioned_in", verbose_name="officials mentioned"
    )
    # Denormalised copies kept exact by database triggers (statements/denormalised.py), so that the timeline reads
    # a statement's links, outlet and language from the index it walks. Never written by the application: the
    # triggers put the exact values back. The topic and country ids as ",3,17,":
    topics_cache = models.TextField(default=denormalised.EMPTY_SET, editable=False)
    countries_cache = models.TextField(default=denormalised.EMPTY_SET, editable=False)
    # Its codings, one code each (target, stance and act, denormalised.coding_code), so that the public target,
    # stance and act filters test one LIKE pattern on the row while walking the date index:
    codings_cache = models.TextField(default=denormalised.EMPTY_SET, editable=False)
    # The source's outlet id and language:
    outlet_cache = models.IntegerField(null=True, editable=False)
    source_language_cache = models.CharField(max_length=8, default="", editable=False)
    # Where the words stand in the source's kept text, computed on save when the words, the source or its text
    # change (statements/verbatim.py): the offsets of each segment as "start:end,start:end" and the bounds of the
    # passage a permalink shows around them.
    verbatim = models.CharField(
        "verbatim check", max_length=9, choices=VerbatimCheck.choices, default=VerbatimCheck.NO_TEXT, editable=False
    )
    verbatim_spans = models.TextField(blank=True, default="", editable=False)
    verbatim_passage_start = models.PositiveIntegerField(null=True, blank=True, editable=False)
    verbatim_passage_end = models.PositiveIntegerField(null=True, blank=True, editable=False)
    note = models.TextField("analyst note", blank=True, help_text="Internal: never shown to the public.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    retraction_reason = models.TextField(blank=True)
    is_synthetic = models.BooleanField(default=False, help_text="Generated for demos and benchmarks.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # One entry per change, links included; a reason, and a public note for a correction (statements/history.py).
    history = TrackedHistory(
        public_note=True,
        m2m_fields=[topics, countries, mentioned_officials],
        excluded_fields=[
            "topics_cache",
            "countries_cache",
            "codings_cache",
            "outlet_cache",
            "source_language_cache",
            "verbatim",
            "verbatim_spans",
            "verbatim_passage_start",
            "verbatim_passage_end",
        ],
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        permissions = [("publish_statement", "Can publish, unpublish and retract statements")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="statement_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="statement_status_valid"),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values), name="statement_date_precision_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(source__isnull=False),
                name="statement_public_needs_source",
                violation_error_message="A statement cannot be published without a source.",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.RETRACTED) | ~Q(retraction_reason=""),
                name="statement_retraction_has_reason",
                violation_error_message="A retracted statement needs a reason.",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="statement_text_not_empty"),
            *verbatim_constraints("statement"),
        ]
        indexes = [
            models.Index(fields=["status", "-date", "-id"], name="statement_status_date"),
            # A speaker's newest statements with every column the timeline filters or counts on, so that a speaker
            # filter is a walk of this index alone (like the status/date index of migration 0007).
            models.Index(
                fields=[
                    "speaker",
                    "status",
                    "-date",
                    "-id",
                    "kind",
                    "source",
                    "original_language",
                    "topics_cache",
                    "countries_cache",
                    "date_precision",
                ],
                name="statement_speaker_date_cover",
            ),
            # An outlet's newest statements, walked in date order with what the timeline reads (like the speaker's).
            models.Index(
                fields=[
                    "outlet_cache",
                    "status",
                    "-date",
                    "-id",
                    "speaker",
                    "kind",
                    "original_language",
                    "topics_cache",
                    "countries_cache",
                    "date_precision",
                ],
                name="statement_outlet_date_cover",
            ),
            models.Index(fields=["source"], name="statement_source"),
            # List the statements said, or reported, in a rare language (StatementQuerySet.in_language).
            models.Index(fields=["original_language"], name="statement_original_language"),
            models.Index(fields=["source_language_cache"], name="statement_source_language"),
            # What changed since an alert subscription began: new, newly matching or corrected (statements/alerts).
            models.Index(fields=["updated_at"], name="statement_updated"),
            # The admin's list of quotes not found verbatim (quotes_not_found_verbatim), newest recorded first: only
            # those rows, so a few pages however many statements there are.
            models.Index(
                fields=["-id"], condition=Q(verbatim=VerbatimCheck.NOT_FOUND), name="statement_verbatim_not_found"
            ),
        ]

    def __str__(self):
        excerpt = self.text if len(self.text) <= 60 else self.text[:57].rstrip() + "…"
        return f"{self.speaker}, {self.display_date}: {excerpt}"

    def save(self, *args, **kwargs):
        if self.pk is None or self._state.adding:
            # A new row has no links or codings yet. Its copies are trusted as inserted (statements/denormalised.py),
            # so never insert ones carried over from another statement (`pk = None; save()` to copy a row).
            self.topics_cache = self.countries_cache = self.codings_cache = denormalised.EMPTY_SET
        self.original_language = language_code(self.original_language)
        reworded = self._verbatim_inputs is not None and self._verbatim_inputs[0] != self.text
        checked = self._check_verbatim_on_save(kwargs)
        super().save(*args, **kwargs)
        self._verbatim_inputs = (self.text, self.source_id)
        if checked and reworded:
            # Its other reports without a wording of their own report these words: check them again too.
            Report.objects.filter(statement=self, text="").recheck_verbatim()

    def get_absolute_url(self):
        return reverse("statements:statement_detail", kwargs={"pk": self.pk})

    def verbatim_words(self) -> str:
        return self.text

    def reported_by(self) -> list["ShownReport"]:
        """The primary source and the other reports (prefetched: `with_other_reports`), earliest published first;
        the primary first on the same day."""
        shown = [ShownReport(self.source, None)] if self.source_id else []
        shown += [ShownReport(report.source, report) for report in self.other_reports.all()]
        return sorted(shown, key=lambda item: (item.source.published_on, item.report is not None))

    @property
    def topic_ids(self) -> list[int]:
        """Its topics' ids, read from the row's copy of its links (statements/denormalised.py), without a query."""
        return denormalised.set_ids(self.topics_cache)

    @property
    def display_date(self) -> str:
        """The date as precisely as it is known: 11 November 2016, November 2016 or 2016."""
        if self.date_precision == DatePrecision.YEAR:
            return str(self.date.year)
        if self.date_precision == DatePrecision.MONTH:
            return self.date.strftime("%B %Y")
        return f"{self.date.day} {self.date.strftime('%B %Y')}"

    @property
    def is_public(self) -> bool:
        return self.status in (Status.PUBLISHED, Status.RETRACTED)

    def speaking_side(self) -> SpeakingSide:
        """Whom the speaker spoke for on this statement's date (Official.side_on)."""
        return self.speaker.side_on(self.date)

    def role_on_date(self) -> str:
        """The speaker's role on this statement's date (uses the `with_role()` annotation when present)."""
        if hasattr(self, "speaker_role"):
            return self.speaker_role or ""
        position = self.speaker.position_on(self.date)
        return position.title if position else ""

    def clean(self):
        super().clean()
        if self.date and self.date_precision == DatePrecision.MONTH and self.date.day != 1:
            self.date = self.date.replace(day=1)
        if self.date and self.date_precision == DatePrecision.YEAR and (self.date.month, self.date.day) != (1, 1):
            self.date = self.date.replace(month=1, day=1)
        if self.status != Status.DRAFT and self.source_id is None:
            raise ValidationError({"source": "A statement cannot be published without a source."})
        if self.status == Status.RETRACTED and not self.retraction_reason.strip():
            raise ValidationError({"retraction_reason": "Say why the statement is retracted."})
        changed_source = self._verbatim_inputs is not None and self._verbatim_inputs[1] != self.source_id
        if changed_source and self.source_id and Report.objects.filter(statement=self, source=self.source_id).exists():
            raise ValidationError({"source": SOURCE_LISTED_AS_REPORT})
        if out_of_order := links_out_of_order(self):
            # A link goes from a statement to an earlier one (positions.models.StatementLink): keep it that way.
            raise ValidationError(
                {
                    "date": f"This date is not after the statements it links to, or not before those linking to it: "
                    f"{'; '.join(out_of_order)}. Change the links first."
                }
            )


@dataclass(frozen=True)
class ShownReport:
    """One line of a permalink's "Reported by": a source, and the Report when it is not the primary."""

    source: Source
    report: "Report | None"

    @property
    def primary(self) -> bool:
        return self.report is None


class ReportQuerySet(models.QuerySet):
    def naming(self, **copies) -> "ReportQuerySet | None":
        """The reports whose copies of their source's outlet or language match `copies` (statements/other_reports.py),
        or None when there are none: one probe of the copies' index, so that a filter no other report names keeps
        exactly the query it had before statements had other reports (planner.from_outlets)."""
        reports = self.filter(**copies)
        return reports if reports.exists() else None

    def earliest_first(self):
        """By the report's publication date, then the order they were recorded in."""
        return self.order_by("source__published_on", "pk")

    def recheck_verbatim(self) -> int:
        """Check these reports' wordings against their sources' kept texts again (a text or the statement's words
        changed), in one query to read them and one bulk update."""
        reports = list(
            self.select_related("statement", "source").only("text", "statement__text", "source__text").order_by()
        )
        for report in reports:
            report.check_verbatim(report.source.text)
        return self.model.objects.bulk_update(reports, Report.VERBATIM_FIELDS, batch_size=500)


class Report(VerbatimChecked, models.Model):
    """Another source that reported a statement: the TASS report of words the statement cites from CNN's transcript.

    The statement's own `source` is its primary report (a published statement needs one); these are the others, each
    with its own wording when it differs from the statement's words (docs/trust.md#other-reports). A report's source
    is never the statement's primary source: `clean()` says so, and database triggers refuse it from any writer
    (statements/other_reports.py)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="other_reports")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="other_reports")
    text = models.TextField(
        "own wording",
        blank=True,
        help_text="This report's words, only when they differ from the statement's (a translation, a transcript).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Where its wording (its own, else the statement's) stands in its source's kept text, as on a statement: computed
    # on save when the wording or the source change, when the source's text changes, and when the statement's words
    # change for a report without a wording of its own.
    verbatim = models.CharField(
        "verbatim check", max_length=9, choices=VerbatimCheck.choices, default=VerbatimCheck.NO_TEXT, editable=False
    )
    verbatim_spans = models.TextField(blank=True, default="", editable=False)
    verbatim_passage_start = models.PositiveIntegerField(null=True, blank=True, editable=False)
    verbatim_passage_end = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Copies of the source's outlet and language and of the statement's date, kept exact by triggers
    # (statements/other_reports.py): the outlet and language filters read the statements other reports name from
    # their indexes. Never written by the application.
    outlet_cache = models.IntegerField(null=True, editable=False)
    language_cache = models.CharField(max_length=8, default="", editable=False)
    statement_date = models.DateField(null=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "source"],
                name="report_unique_source",
                violation_error_message="This source is already listed as a report of this statement.",
            ),
            *verbatim_constraints("report"),
        ]
        indexes = [
            models.Index(fields=["outlet_cache", "statement_date", "statement"], name="report_outlet_date"),
            models.Index(fields=["language_cache", "statement_date", "statement"], name="report_language_date"),
            # The reports whose wording is not found (quotes_not_found_verbatim): only those rows.
            models.Index(
                fields=["statement"], condition=Q(verbatim=VerbatimCheck.NOT_FOUND), name="report_verbatim_not_found"
            ),
        ]

    def __str__(self):
        return f"Report of statement {self.statement_id} by {self.source}"

    def save(self, *args, **kwargs):
        self._check_verbatim_on_save(kwargs)
        super().save(*args, **kwargs)
        self._verbatim_inputs = (self.text, self.source_id)

    def verbatim_words(self) -> str:
        """Its own wording, else the statement's words."""
        return self.text if self.text.strip() else self.statement.text

    def clean(self):
        super().clean()
        # The same words as the statement's, spacing aside, are no wording of its own.
        if " ".join(self.text.split()) == " ".join((self.statement.text if self.statement_id else "").split()):
            self.text = ""
        if self.statement_id and self.source_id and self.source_id == self.statement.source_id:
            raise ValidationError({"source": PRIMARY_SOURCE_IS_NOT_A_REPORT})

    def wording_differs(self) -> bool:
        return bool(self.text.strip()) and " ".join(self.text.split()) != " ".join(self.statement.text.split())

    def wording_diff(self) -> list[tuple[str, str]]:
        """The report's wording against the statement's, word by word, as the history shows a change of words:
        runs of (op, text), op "del" (only in the statement's), "ins" (only in the report's) or otherwise both."""
        return word_diff(" ".join(self.statement.text.split()), " ".join(self.text.split()))


PRIMARY_SOURCE_IS_NOT_A_REPORT = (
    "This source is the statement's primary source already: another report names another source."
)
SOURCE_LISTED_AS_REPORT = (
    "This source is listed as another report of this statement: delete that report and save first, "
    "then make it the primary source."
)


class Counted(models.TextChoices):
    """What an OptionCount counts published statements for."""

    SPEAKER = "speaker", "Speaker (official id)"
    TOPICS = "topics", "Set of topics (a statement's topic ids, ',3,17,')"
    COUNTRY = "country", "Country concerned (country id)"
    OUTLET = "outlet", "Outlet (outlet id)"
    LANGUAGE = "language", "Language said or reported in (ISO 639 code)"
    TARGET = "target", "Target of a coding ('country:<id>' or 'official:<id>')"


class OptionCountManager(models.Manager):
    def counts(self) -> option_counts.OptionCounts:
        """Every count in one query (statements/option_counts.py)."""
        connection = connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(option_counts.read_sql(connection.vendor))
            return option_counts.OptionCounts(cursor.fetchall())


class OptionCount(models.Model):
    """How many published statements have one value of the timeline's option lists: kept exact by database
    triggers (statements/option_counts.py), never written by the application."""

    kind = models.CharField(max_length=10, choices=Counted.choices)
    value = models.TextField()
    statements = models.IntegerField(default=0)

    objects = OptionCountManager()

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="option_count_unique_value"),
            models.CheckConstraint(condition=Q(kind__in=Counted.values), name="option_count_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}: {self.statements}"


class StatementChangeQuerySet(models.QuerySet):
    def in_order(self):
        """Oldest change first, ties by statement id: the order of `?updated_since=` (statements/changes.py)."""
        return self.order_by("changed_at", "statement_id")


class StatementChange(models.Model):
    """When a statement the public has seen last changed, or left the public (`withdrawn`: a tombstone): kept by
    database triggers (statements/change_log.py), never written by the application. A draft never published has no
    row; a deleted statement keeps its row, so no foreign key."""

    statement_id = models.BigIntegerField(primary_key=True)
    changed_at = models.DateTimeField()
    withdrawn = models.BooleanField(default=False)

    objects = StatementChangeQuerySet.as_manager()

    class Meta:
        ordering = ["changed_at", "statement_id"]
        indexes = [models.Index(fields=["changed_at", "statement_id"], name="statement_change_order")]

    def __str__(self):
        state = "withdrawn" if self.withdrawn else "changed"
        return f"Statement {self.statement_id} {state} at {self.changed_at.isoformat()}"


class ImportJobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportJobQuerySet(models.QuerySet):
    def queued(self):
        """Jobs waiting for a worker, oldest first."""
        return self.filter(state=ImportJobState.QUEUED).order_by("created_at", "id")

    def abandoned(self, *, silent_since):
        """Running jobs whose worker has given no sign of life since `silent_since`: it died (its lease expired)."""
        return self.filter(state=ImportJobState.RUNNING, heartbeat_at__lt=silent_since)

    def claimable(self, *, silent_since):
        """Jobs a worker may take, oldest first: queued, or abandoned by a worker that died."""
        waiting = Q(state=ImportJobState.QUEUED) | Q(state=ImportJobState.RUNNING, heartbeat_at__lt=silent_since)
        return self.filter(waiting).order_by("created_at", "id")


class ImportJob(models.Model):
    """A large CSV file uploaded in the admin, imported later by `manage.py run_import_jobs` (all rows or none)."""

    data = models.TextField(help_text="The CSV file's text.")
    filename = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The import's keyword arguments: create_missing, publish, keep_duplicates, add_as_reports.
    options = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=ImportJobState.choices, default=ImportJobState.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease (statements/import_jobs.py): the running worker's last sign of life, which worker it is, and how many
    # times a worker took the job (a job whose worker died is taken again).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True, help_text="Host name and process id of the worker.")
    attempts = models.PositiveSmallIntegerField(default=0)
    summary = models.TextField(blank=True)
    # Each problem as {"row": 3, "column": "date", "message": "…"} (row 0: the whole file).
    errors = models.JSONField(default=list, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ImportJobState.values), name="import_job_state_valid"),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="import_job_state_created")]

    def __str__(self):
        return f"Import of {self.filename or 'a CSV file'} ({self.get_state_display().lower()})"

    @property
    def finished(self) -> bool:
        return self.state in (ImportJobState.DONE, ImportJobState.FAILED)


# The alerts' models live in their own package; importing them here registers them with the app.
from .alerts.models import Digest, RunLock, SentStatement, Subscription  # noqa: E402, F401
from .compare.models import CompareCount, CompareCountChange  # noqa: E402, F401
from .positions.models import Coding, SecondCoding, StatementLink, links_out_of_order  # noqa: E402, F401
