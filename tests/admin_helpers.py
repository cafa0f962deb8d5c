"""Helpers for admin tests: log in with a role, and build the POST data a change form would send."""

import datetime

from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import UserFactory


def user_with_role(role: str, username: str | None = None):
    """A staff user in the Analyst or Editor group created by migration 0003."""
    user = UserFactory(username=username or role.lower())
    user.groups.add(Group.objects.get(name=role))
    return user


# What a statement's add form sends for its inlines (codings, links to earlier statements, other reports) when none
# are added.
NO_INLINES = {
    f"{prefix}-{name}": "0"
    for prefix in ("codings", "links", "other_reports")
    for name in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:statements_{model._meta.model_name}_{view}", args=args)


def _post_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return "" if value is None else str(value)


def _form_data(form, data: dict) -> None:
    for name in form.fields:
        value = form[name].value()
        if value is False:
            continue  # an unticked checkbox is not sent
        data[form.add_prefix(name)] = "on" if value is True else _post_value(value)


def change_form_data(response, **changes) -> dict:
    """What the admin form on `response` would POST if saved with `changes` (inlines sent unchanged)."""
    data: dict = {}
    _form_data(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = _post_value(management[name].value())
        data[management.add_prefix("TOTAL_FORMS")] = str(formset.initial_form_count())
        for form in formset.initial_forms:
            _form_data(form, data)
    data.update(changes)
    return data
