"""Codings written to many statements at once (the admin's bulk action): all or nothing, each in the history."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from statements.models import Coding, Country, Official, Statement, Status

SET_TARGET_REASON = "Target set with the bulk action."


def set_target(*, statements: Iterable[Statement], target: Country | Official, user: AbstractBaseUser | None) -> int:
    """Give each selected draft a coding toward `target` with no stance and no speech act yet (to be coded), unless
    it has one toward it already. Refuses the whole batch if any statement is not a draft: the codings of public
    statements are the Editors' to change, one at a time. Returns how many codings were made."""
    field = "target_country" if isinstance(target, Country) else "target_official"
    with transaction.atomic():
        ids = [statement.pk for statement in statements]
        rows = list(Statement.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        public = [statement for statement in rows if statement.status != Status.DRAFT]
        if public:
            listed = "; ".join(f"#{statement.pk} {statement}" for statement in public[:5])
            raise ValidationError(
                "No target was set: only drafts are coded in bulk, and "
                f"{len(public)} of the selected statements {'is' if len(public) == 1 else 'are'} public: {listed}"
            )
        coded = set(Coding.objects.filter(statement__in=rows, **{field: target}).values_list("statement", flat=True))
        now = timezone.now()
        made = 0
        for statement in rows:
            if statement.pk in coded:
                continue
            coding = Coding(statement=statement, coded_by=user, coded_at=now, **{field: target})
            coding._history_user = user
            coding._change_reason = SET_TARGET_REASON
            coding.save()
            made += 1
    return made
