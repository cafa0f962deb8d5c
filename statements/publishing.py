"""Status changes on many statements at once (the admin's bulk actions): all or nothing, each change in the history."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from statements.models import Statement, Status


def _locked(statements: Iterable[Statement]) -> list[Statement]:
    """Fresh copies of the statements, locked until the transaction ends (PostgreSQL; SQLite locks the database)."""
    ids = [statement.pk for statement in statements]
    return list(Statement.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


# Why each bulk action changed a statement, as its history entry says.
PUBLISHED_REASON = "Published with the bulk action."
UNPUBLISHED_REASON = "Returned to draft with the bulk action."
RETRACTED_REASON = "Retracted with the bulk action."


def _save(statement: Statement, *, user: AbstractBaseUser | None, reason: str) -> None:
    """Save one statement so that simple-history records the change, who made it and why (one entry)."""
    statement.updated_by = user
    statement._history_user = user
    statement._change_reason = reason
    # No full_clean(): the rules a status change can break (source, reason) are checked above, and the
    # database constraints back them inside the transaction.
    statement.save()


def _excerpts(statements: list[Statement]) -> str:
    return "; ".join(f"#{statement.pk} {statement}" for statement in statements[:5]) + (
        "…" if len(statements) > 5 else ""
    )


def publish_statements(*, statements: Iterable[Statement], user: AbstractBaseUser | None) -> int:
    """Publish drafts and retracted statements; refuse the whole batch if any lacks a source. Returns the count."""
    with transaction.atomic():
        rows = _locked(statements)
        without_source = [statement for statement in rows if statement.source_id is None]
        if without_source:
            raise ValidationError(
                "Nothing was published: a statement cannot be published without a source. "
                f"Add a source to: {_excerpts(without_source)}"
            )
        changed = [statement for statement in rows if statement.status != Status.PUBLISHED]
        now = timezone.now()
        for statement in changed:
            statement.status = Status.PUBLISHED
            statement.retraction_reason = ""
            statement.published_at = now
            _save(statement, user=user, reason=PUBLISHED_REASON)
    return len(changed)


def unpublish_statements(*, statements: Iterable[Statement], user: AbstractBaseUser | None) -> int:
    """Return published or retracted statements to draft, so they leave the public site. Returns how many changed."""
    with transaction.atomic():
        changed = [statement for statement in _locked(statements) if statement.status != Status.DRAFT]
        for statement in changed:
            statement.status = Status.DRAFT
            statement.retraction_reason = ""
            statement.published_at = None
            _save(statement, user=user, reason=UNPUBLISHED_REASON)
    return len(changed)


def retract_statements(*, statements: Iterable[Statement], user: AbstractBaseUser | None, reason: str) -> int:
    """Retract published statements with a reason; refuse the whole batch if the reason is empty or any is a draft."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Nothing was retracted: say why the statements are retracted.")
    with transaction.atomic():
        rows = _locked(statements)
        # A draft was never public: retracting it would publish it. Edit or delete it instead.
        drafts = [statement for statement in rows if statement.status == Status.DRAFT]
        if drafts:
            raise ValidationError(
                "Nothing was retracted: only published statements can be retracted; edit or delete a draft instead. "
                f"Drafts selected: {_excerpts(drafts)}"
            )
        for statement in rows:
            statement.status = Status.RETRACTED
            statement.retraction_reason = reason
            _save(statement, user=user, reason=RETRACTED_REASON)
    return len(rows)
