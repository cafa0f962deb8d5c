"""Codings of a statement's stance and speech act toward a target (docs/codebook.md), and typed links between
statements."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q

from ..dates import DateSpan
from ..history import TrackedHistory
from .codebook import RULES, SpeechAct, Stance, stance_words

ONE_TARGET = "A coding has one target: a country, or an official or institution (not both)."


class CodingQuerySet(models.QuerySet):
    def of_public_statements(self):
        """Codings a public page may show: those of published or retracted statements."""
        return self.filter(statement__status__in=["published", "retracted"])

    def for_display(self):
        return self.select_related("target_country", "target_official").order_by("id")

    def matching(
        self, *, countries=(), officials=(), stance: int | None = None, no_stance: bool = False, act: str = ""
    ):
        """Codings that match every condition given: toward any of the countries or officials, with the stance (or
        with none, `no_stance`), with the speech act. What the public target, stance and act filters ask of one
        coding (StatementQuerySet.coded), and what the compare page averages (statements/compare.py)."""
        codings = self
        if countries or officials:
            codings = codings.filter(Q(target_country__in=countries) | Q(target_official__in=officials))
        if no_stance:
            codings = codings.filter(stance__isnull=True)
        elif stance is not None:
            codings = codings.filter(stance=stance)
        if act:
            codings = codings.filter(act=act)
        return codings


class Coding(models.Model):
    """One analyst's reading of a statement toward one target: a stance (or none) and a speech act.

    A statement without a coding is "not coded"; a coding with no stance says the statement takes none toward the
    target. Neither is a 0 (neutral), and no count or mean reads them as one."""

    statement = models.ForeignKey("statements.Statement", on_delete=models.CASCADE, related_name="codings")
    target_country = models.ForeignKey(
        "statements.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="codings",
        verbose_name="target country",
    )
    target_official = models.ForeignKey(
        "statements.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="codings_as_target",
        verbose_name="target official or institution",
    )
    stance = models.SmallIntegerField(
        choices=Stance.choices, null=True, blank=True, help_text="Toward the target; empty: no stance (not neutral)."
    )
    act = models.CharField(
        "speech act", max_length=10, choices=SpeechAct.choices, blank=True, help_text="Empty until coded."
    )
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    coded_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = TrackedHistory()

    objects = CodingQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_country__isnull=False, target_official__isnull=True)
                | Q(target_country__isnull=True, target_official__isnull=False),
                name="coding_one_target",
                violation_error_message=ONE_TARGET,
            ),
            models.CheckConstraint(
                condition=Q(stance__isnull=True)
                | Q(stance__gte=Stance.HOSTILE, stance__lte=Stance.STRONGLY_SUPPORTIVE),
                name="coding_stance_on_scale",
                violation_error_message="A stance is from −2 (hostile) to +2 (strongly supportive), or none.",
            ),
            models.CheckConstraint(condition=Q(act="") | Q(act__in=SpeechAct.values), name="coding_act_valid"),
            models.UniqueConstraint(
                fields=["statement", "target_country"],
                condition=Q(target_country__isnull=False),
                name="coding_unique_country_target",
                violation_error_message="This statement is already coded toward this country.",
            ),
            models.UniqueConstraint(
                fields=["statement", "target_official"],
                condition=Q(target_official__isnull=False),
                name="coding_unique_official_target",
                violation_error_message="This statement is already coded toward this official or institution.",
            ),
            *(rule.constraint() for rule in RULES),
        ]
        indexes = [
            # A statement's codings by target, stance and act (the permalink, the compare page's exact counts).
            models.Index(fields=["statement", "target_country", "stance", "act"], name="coding_statement_target"),
            # The public filters (planner.coded): the statements of a target, a stance or an act, listed from the
            # index alone.
            models.Index(fields=["target_country", "stance", "act", "statement"], name="coding_by_target_country"),
            models.Index(fields=["target_official", "stance", "act", "statement"], name="coding_by_target_official"),
            models.Index(fields=["stance", "act", "statement"], name="coding_by_stance"),
            models.Index(fields=["act", "statement"], name="coding_by_act"),
        ]

    def __str__(self):
        act = self.get_act_display() if self.act else "not yet coded"
        return f"Toward {self.target}: {self.stance_words}, {act}"

    @property
    def target(self):
        """The country, or the official or institution, the coding is toward."""
        return self.target_country if self.target_country_id else self.target_official

    @property
    def stance_words(self) -> str:
        return stance_words(self.stance)


class LinkKind(models.TextChoices):
    """How a statement relates to an earlier one. Each reads one way from the later statement ("Responds to …") and
    the other way from the earlier one ("Answered by …")."""

    RESPONDS_TO = "responds_to", "Responds to"
    REITERATES = "reiterates", "Reiterates"
    CLARIFIES = "clarifies", "Clarifies"
    CONTRADICTS = "contradicts", "Contradicts"
    CORRECTS = "corrects", "Corrects"


# How a link reads from the earlier statement, the one linked to.
LINKED_FROM = {
    LinkKind.RESPONDS_TO: "Answered by",
    LinkKind.REITERATES: "Reiterated on",
    LinkKind.CLARIFIES: "Clarified by",
    LinkKind.CONTRADICTS: "Contradicted by",
    LinkKind.CORRECTS: "Corrected by",
}

PUBLIC_STATUSES = ["published", "retracted"]


@dataclass(frozen=True)
class ShownLink:
    """A link as a permalink shows it: "Answered by" and the other statement."""

    words: str
    other: "models.Model"

    @property
    def date_first(self) -> bool:
        """ "Reiterated on 12 December 2016, by …"; "Answered by Sergey Lavrov, 12 December 2016"."""
        return self.words.endswith(" on")


class StatementLinkQuerySet(models.QuerySet):
    def shown_on(self, statement) -> list[ShownLink]:
        """Both directions of a public statement's links, in one query, each to a published or retracted statement
        only (a link to or from a draft is never shown); the earlier statements first, then the later ones."""
        links = (
            self.filter(
                Q(statement=statement.pk, linked__status__in=PUBLIC_STATUSES)
                | Q(linked=statement.pk, statement__status__in=PUBLIC_STATUSES)
            )
            .select_related("statement__speaker", "linked__speaker")
            .order_by("id")
        )
        earlier, later = [], []
        for link in links:
            if link.statement_id == statement.pk:
                earlier.append(ShownLink(LinkKind(link.kind).label, link.linked))
            else:
                later.append(ShownLink(LINKED_FROM[LinkKind(link.kind)], link.statement))
        by_date = lambda shown: (shown.other.date, shown.other.pk)  # noqa: E731
        return sorted(earlier, key=by_date) + sorted(later, key=by_date)


class StatementLink(models.Model):
    """A typed link from a statement to an earlier one: it responds to, reiterates, clarifies, contradicts or corrects
    it. The earlier statement is dated before (known to be before: a month-precision date is its whole month), which
    also rules out every cycle. "Corrects" is the speaker's own earlier words, not the editors' retraction."""

    statement = models.ForeignKey("statements.Statement", on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=11, choices=LinkKind.choices)
    linked = models.ForeignKey(
        "statements.Statement",
        on_delete=models.CASCADE,
        related_name="linked_from",
        verbose_name="earlier statement",
        help_text="Type words of the statement, or the speaker's name.",
    )
    history = TrackedHistory()

    objects = StatementLinkQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LinkKind.values), name="statement_link_kind_valid"),
            models.CheckConstraint(
                condition=~Q(statement=models.F("linked")),
                name="statement_link_not_self",
                violation_error_message="A statement cannot be linked to itself.",
            ),
            models.UniqueConstraint(
                fields=["statement", "linked", "kind"],
                name="statement_link_unique",
                violation_error_message="These two statements are already linked this way.",
            ),
        ]

    def __str__(self):
        return f"Statement {self.statement_id} {self.get_kind_display().lower()} statement {self.linked_id}"

    def clean(self):
        super().clean()
        statement, linked = self._related("statement"), self._related("linked")
        if statement is None or linked is None:
            return
        if statement.pk is not None and statement.pk == linked.pk:
            raise ValidationError({"linked": "A statement cannot be linked to itself."})
        if not is_before(linked, statement):
            raise ValidationError(
                {
                    "linked": f"A statement links only to an earlier one: this one is dated {statement.display_date}, "
                    f"the linked one {linked.display_date}."
                }
            )
        if self.kind == LinkKind.CORRECTS and linked.speaker_id != statement.speaker_id:
            raise ValidationError(
                {"kind": "“Corrects” is for the speaker's own earlier words: the linked statement is by someone else."}
            )

    def _related(self, name: str):
        """The statement at one end, or None while the form has not chosen it (the admin's add page)."""
        try:
            return getattr(self, name)
        except ObjectDoesNotExist:
            return None


def is_before(earlier, later) -> bool:
    """Whether `earlier` is known to be dated before `later`: the whole of its day, month or year before the first
    day of the other's."""
    return DateSpan.of(earlier.date, earlier.date_precision).last < DateSpan.of(later.date, later.date_precision).first


def links_out_of_order(statement) -> list[str]:
    """What a statement's date, as it is about to be saved, would put out of order among its links (one query)."""
    if statement.pk is None or statement.date is None:
        return []
    problems = []
    links = StatementLink.objects.filter(Q(statement=statement.pk) | Q(linked=statement.pk)).select_related(
        "statement", "linked"
    )
    for link in links:
        kind = link.get_kind_display().lower()
        if link.statement_id == statement.pk and not is_before(link.linked, statement):
            problems.append(f"it {kind} the statement of {link.linked.display_date}")
        elif link.linked_id == statement.pk and not is_before(statement, link.statement):
            problems.append(f"the statement of {link.statement.display_date} {kind} it")
    return problems


class SecondCodingQuerySet(models.QuerySet):
    def pending(self):
        """Asked for and not yet recorded."""
        return self.filter(coded_at__isnull=True)

    def recorded(self):
        return self.filter(coded_at__isnull=False)

    def assigned_to(self, user):
        """A coder's queue: the statements they were asked to code and have not yet, oldest request first."""
        return self.pending().filter(coder=user).select_related("statement__speaker").order_by("requested_at", "id")


def _one_of(first: str, second: str) -> Q:
    return Q(**{f"{first}__isnull": False, f"{second}__isnull": True}) | Q(
        **{f"{first}__isnull": True, f"{second}__isnull": False}
    )


def _on_scale(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": Stance.HOSTILE, f"{field}__lte": Stance.STRONGLY_SUPPORTIVE}
    )


class SecondCoding(models.Model):
    """A blind second coding of a statement, by another analyst, for the agreement report (docs/codebook.md#agreement).

    An Editor asks for it; the statement's one coding as it stood then is kept beside it (`first_…`), so the report
    compares two independent readings even after an Editor settles a disagreement by correcting the published coding.
    The coder records a target, a stance (or none) and a speech act without being shown the first coding. Stored
    apart from Coding, it never counts in a public series, facet, filter or export."""

    statement = models.ForeignKey("statements.Statement", on_delete=models.CASCADE, related_name="second_codings")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="second_codings")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    # The first coding, as it stood when the second was asked for.
    first_target_country = models.ForeignKey(
        "statements.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_target_official = models.ForeignKey(
        "statements.Official", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_stance = models.SmallIntegerField(choices=Stance.choices, null=True, blank=True)
    first_act = models.CharField(max_length=10, choices=SpeechAct.choices)
    first_coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The second coding: empty until recorded (coded_at).
    target_country = models.ForeignKey(
        "statements.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="target country",
    )
    target_official = models.ForeignKey(
        "statements.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="target official or institution",
    )
    stance = models.SmallIntegerField(choices=Stance.choices, null=True, blank=True)
    act = models.CharField("speech act", max_length=10, choices=SpeechAct.choices, blank=True)
    coded_at = models.DateTimeField(null=True, blank=True)
    # A disagreement settled by an Editor (the published coding corrected, or confirmed).
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = SecondCodingQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "coder"],
                name="second_coding_one_per_coder",
                violation_error_message="This analyst is already asked to code this statement.",
            ),
            models.CheckConstraint(
                condition=Q(first_coded_by__isnull=True) | ~Q(coder=models.F("first_coded_by")),
                name="second_coding_not_by_first_coder",
                violation_error_message="The second coding is by someone other than the first coder.",
            ),
            models.CheckConstraint(
                condition=_one_of("first_target_country", "first_target_official")
                & _on_scale("first_stance")
                & Q(first_act__in=SpeechAct.values),
                name="second_coding_first_complete",
            ),
            models.CheckConstraint(
                condition=Q(
                    coded_at__isnull=True,
                    target_country__isnull=True,
                    target_official__isnull=True,
                    stance__isnull=True,
                    act="",
                )
                | (Q(coded_at__isnull=False, act__in=SpeechAct.values) & _one_of("target_country", "target_official")),
                name="second_coding_empty_or_complete",
                violation_error_message="A second coding has one target and a speech act.",
            ),
            models.CheckConstraint(condition=_on_scale("stance"), name="second_coding_stance_on_scale"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(coded_at__isnull=False),
                name="second_coding_resolved_once_recorded",
            ),
            *(rule.constraint(name=f"second_{rule.name}") for rule in RULES),
        ]
        indexes = [models.Index(fields=["coder", "coded_at"], name="second_coding_queue")]

    def __str__(self):
        return f"Second coding of statement {self.statement_id} by {self.coder}"

    @property
    def first_target(self):
        return self.first_target_country if self.first_target_country_id else self.first_target_official

    @property
    def target(self):
        return self.target_country if self.target_country_id else self.target_official

    @property
    def first_words(self) -> str:
        return f"{self.first_target}: {stance_words(self.first_stance)}, {self.get_first_act_display()}"

    @property
    def second_words(self) -> str:
        return f"{self.target}: {stance_words(self.stance)}, {self.get_act_display()}"

    def differs_in(self) -> list[str]:
        """The fields the two codings differ in: "target", "stance", "speech act" (none: they agree)."""
        pairs = {
            "target": (
                (self.first_target_country_id, self.first_target_official_id),
                (self.target_country_id, self.target_official_id),
            ),
            "stance": (self.first_stance, self.stance),
            "speech act": (self.first_act, self.act),
        }
        return [name for name, (first, second) in pairs.items() if first != second]
