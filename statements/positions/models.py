"""Codings: a statement's stance and speech act toward a target (docs/codebook.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..history import TrackedHistory
from .codebook import RULES, SpeechAct, Stance, stance_words

ONE_TARGET = "A coding has one target: a country, or an official or institution (not both)."


class CodingQuerySet(models.QuerySet):
    def of_public_statements(self):
        """Codings a public page may show: those of published or retracted statements."""
        return self.filter(statement__status__in=["published", "retracted"])

    def for_display(self):
        return self.select_related("target_country", "target_official").order_by("id")


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
            # The public filters' EXISTS (StatementQuerySet.coded): a statement's codings by target, stance and act.
            models.Index(fields=["statement", "target_country", "stance", "act"], name="coding_statement_target"),
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
