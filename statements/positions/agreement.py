"""Coding that can be trusted (docs/codebook.md#agreement): blind second codings asked for by an Editor, recorded by
another analyst, and Krippendorff's alpha per field over the statements coded twice.

The unit is a statement coded toward one target. A statement is sampled when it has exactly one coding, with a
speech act: a statement coded toward two targets has no single value per field to compare (agreement over sets of
targets needs another measure), and one with no speech act is not coded yet.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from ..models import Coding, Country, Official, SecondCoding, Statement
from .alpha import Alpha, interval, krippendorff_alpha, nominal

# Who may be asked for a second coding: whoever may code (Analysts and Editors, docs/roles.md).
CODING_PERMISSION = "change_coding"


def coders():
    """The active staff who may code, by name: the people an Editor can ask for a second coding."""
    may_code = (
        Q(is_superuser=True)
        | Q(groups__permissions__codename=CODING_PERMISSION, groups__permissions__content_type__app_label="statements")
        | Q(user_permissions__codename=CODING_PERMISSION, user_permissions__content_type__app_label="statements")
    )
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(pk__in=users.filter(may_code).values("pk")).order_by("username")


def sampleable(statements):
    """The statements a second coding can be asked for: coded toward exactly one target, with a speech act."""
    return (
        statements.annotate(
            codings_in_all=Count("codings", distinct=True),
            codings_with_act=Count("codings", filter=~Q(codings__act=""), distinct=True),
        )
        .filter(codings_in_all=1, codings_with_act=1)
        .order_by()
    )


@dataclass(frozen=True)
class Requested:
    """What asking for second codings did: `made` requests out of `sampleable` statements of the selection; the
    `left_out` others cannot be sampled (see request_second_codings)."""

    made: int
    sampleable: int
    left_out: int


def request_second_codings(
    *, statements, coder: AbstractBaseUser, user: AbstractBaseUser | None, sample_size: int | None = None
) -> Requested:
    """Ask `coder` for a blind second coding of the selected statements, or of `sample_size` of them drawn at random.

    Left out: statements not coded toward exactly one target with a speech act, those `coder` coded first, and those
    `coder` is already asked for. The first coding is kept beside each request as it is now."""
    if not coders().filter(pk=coder.pk).exists():
        raise ValidationError(f"{coder} cannot be asked for a second coding: only active staff who code can be.")
    if sample_size is not None and sample_size < 1:
        raise ValidationError("A sample has at least one statement.")
    with transaction.atomic():
        selected = statements.count()
        candidates = (
            sampleable(Statement.objects.filter(pk__in=statements.values("pk")))
            .exclude(codings__coded_by=coder)
            .exclude(second_codings__coder=coder)
        )
        available = candidates.count()
        if sample_size is not None:
            candidates = candidates.order_by("?")[:sample_size]
        ids = list(candidates.values_list("pk", flat=True))
        now = timezone.now()
        rows = [
            SecondCoding(
                statement_id=coding.statement_id,
                coder=coder,
                requested_by=user,
                requested_at=now,
                first_target_country_id=coding.target_country_id,
                first_target_official_id=coding.target_official_id,
                first_stance=coding.stance,
                first_act=coding.act,
                first_coded_by_id=coding.coded_by_id,
            )
            for coding in Coding.objects.filter(statement__in=ids).order_by("statement")
        ]
        SecondCoding.objects.bulk_create(rows)
    return Requested(made=len(rows), sampleable=available, left_out=selected - available)


def record_second_coding(
    *, second: SecondCoding, target: Country | Official, stance: int | None, act: str
) -> SecondCoding:
    """Record the coder's reading; once recorded it is final (the report compares it with the first)."""
    with transaction.atomic():
        row = SecondCoding.objects.select_for_update().get(pk=second.pk)
        if row.coded_at is not None:
            raise ValidationError("This second coding was recorded already: it is final.")
        row.target_country = target if isinstance(target, Country) else None
        row.target_official = target if isinstance(target, Official) else None
        row.stance, row.act, row.coded_at = stance, act, timezone.now()
        row.full_clean(exclude=["statement", "coder", "requested_by"])
        row.save()
    return row


def resolve(*, second: SecondCoding, user: AbstractBaseUser) -> bool:
    """Mark a disagreement settled (the published coding corrected, or confirmed, by an Editor); False if it was."""
    if second.coded_at is None or not second.differs_in():
        raise ValidationError("Only a recorded second coding that disagrees with the first is settled.")
    updated = SecondCoding.objects.filter(pk=second.pk, resolved_at__isnull=True).update(
        resolved_by=user, resolved_at=timezone.now()
    )
    return bool(updated)


# --- The figures ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A coded field, the level of measurement its alpha uses (docs/codebook.md#agreement), and its alpha."""

    name: str
    metric_name: str
    alpha: Alpha


@dataclass(frozen=True)
class Figures:
    """Alpha per field over the statements coded twice, when computed, and the second codings behind them."""

    fields: list[Field]
    statements: int
    disagreements: int
    open_disagreements: int
    pending: int
    computed_at: datetime.datetime
    latest_coding: datetime.datetime | None

    def field(self, name: str) -> Field:
        return next(field for field in self.fields if field.name == name)


def reliability_data(seconds: Iterable[SecondCoding]) -> dict[str, list[list]]:
    """Units per field from recorded second codings: each statement's first coding then each second coder's.

    The first coding of a statement coded twice over is the one kept with its earliest second coding. No stance is
    not a point of the scale: it is a missing value of stance (a unit pairs only the coders who gave a stance)."""
    units: dict[int, dict[str, list]] = {}
    for second in sorted(seconds, key=lambda second: (second.statement_id, second.pk)):
        unit = units.get(second.statement_id)
        if unit is None:
            unit = units[second.statement_id] = {
                "target": [(second.first_target_country_id, second.first_target_official_id)],
                "stance": [second.first_stance],
                "act": [second.first_act],
            }
        unit["target"].append((second.target_country_id, second.target_official_id))
        unit["stance"].append(second.stance)
        unit["act"].append(second.act)
    return {name: [unit[name] for unit in units.values()] for name in ("stance", "act", "target")}


def figures() -> Figures:
    """The latest figures, computed now from every recorded second coding (two queries)."""
    seconds = list(SecondCoding.objects.recorded())
    pending = SecondCoding.objects.pending().count()
    data = reliability_data(seconds)
    disagreeing = [second for second in seconds if second.differs_in()]
    return Figures(
        fields=[
            Field("stance", "interval", krippendorff_alpha(data["stance"], interval)),
            Field("speech act", "nominal", krippendorff_alpha(data["act"], nominal)),
            Field("target", "nominal", krippendorff_alpha(data["target"], nominal)),
        ],
        statements=len(data["act"]),
        disagreements=len(disagreeing),
        open_disagreements=sum(1 for second in disagreeing if second.resolved_at is None),
        pending=pending,
        computed_at=timezone.now(),
        latest_coding=max((second.coded_at for second in seconds), default=None),
    )
