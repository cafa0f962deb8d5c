"""Roles: Analysts create and edit drafts; Editors also publish, return to draft, retract and delete drafts."""

import pytest
from django.contrib.auth.models import Group

from statements.models import Statement, Status
from tests.admin_helpers import admin_url, change_form_data, user_with_role
from tests.factories import OfficialFactory, StatementFactory

pytestmark = pytest.mark.django_db

ACTIONS = ["publish_selected", "unpublish_selected", "retract_selected"]


@pytest.fixture
def analyst_client(client):
    client.force_login(user_with_role("Analyst"))
    return client


@pytest.fixture
def editor_client(client):
    client.force_login(user_with_role("Editor"))
    return client


@pytest.mark.parametrize(
    "permission, analyst, editor",
    [
        ("view_statement", True, True),
        ("add_statement", True, True),
        ("change_statement", True, True),
        ("delete_statement", False, True),
        ("publish_statement", False, True),
        ("change_official", True, True),
        ("delete_official", False, True),
        ("add_position", True, True),
        ("change_topic", True, True),
        ("add_source", True, True),
        ("add_outlet", True, True),
        ("view_country", True, True),
        ("change_country", False, False),
    ],
)
def test_groups_from_the_migration(permission, analyst, editor):
    """Migration 0003 creates the two groups with exactly these permissions."""
    for name, expected in (("Analyst", analyst), ("Editor", editor)):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert (permission in codenames) is expected, name


def test_analyst_does_not_see_status_actions(analyst_client):
    """The publish / return to draft / retract actions are not offered to an analyst."""
    StatementFactory(status=Status.DRAFT)
    response = analyst_client.get(admin_url(Statement, "changelist"))
    assert response.status_code == 200
    offered = response.context["action_form"].fields["action"].choices if response.context["action_form"] else []
    assert not {name for name, _ in offered} & set(ACTIONS)


def test_editor_sees_status_actions(editor_client):
    """Editors get the three status actions and the CSV export (no bulk delete, which would skip the drafts rule)."""
    StatementFactory(status=Status.DRAFT)
    response = editor_client.get(admin_url(Statement, "changelist"))
    offered = {name for name, _ in response.context["action_form"].fields["action"].choices if name}
    assert offered == {*ACTIONS, "export_selected_csv"}


@pytest.mark.parametrize("action", ACTIONS)
def test_analyst_crafted_action_post_is_refused(analyst_client, action):
    """Posting a status action by hand as an analyst changes nothing."""
    draft = StatementFactory(status=Status.DRAFT)
    published = StatementFactory(status=Status.PUBLISHED)
    analyst_client.post(
        admin_url(Statement, "changelist"),
        {"action": action, "_selected_action": [draft.pk, published.pk], "confirm": "yes", "reason": "Because."},
    )
    assert dict(Statement.objects.values_list("pk", "status")) == {
        draft.pk: Status.DRAFT,
        published.pk: Status.PUBLISHED,
    }


def test_editor_publishes_by_action(editor_client):
    """An editor's publish action publishes."""
    draft = StatementFactory(status=Status.DRAFT)
    editor_client.post(
        admin_url(Statement, "changelist"), {"action": "publish_selected", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.RETRACTED])
def test_analyst_cannot_add_a_public_statement(analyst_client, status):
    """A crafted add form with status published or retracted is refused with an error; nothing is created."""
    data = {"speaker": OfficialFactory().pk, "date": "2016-11-11", "date_precision": "day", "kind": "direct"}
    response = analyst_client.post(
        admin_url(Statement, "add"), data | {"text": "Hello.", "status": status, "retraction_reason": "x"}
    )
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Statement.objects.exists()


def test_analyst_adds_a_draft(analyst_client):
    """An analyst can create a draft."""
    data = {"speaker": OfficialFactory().pk, "date": "2016-11-11", "date_precision": "day", "kind": "direct"}
    response = analyst_client.post(admin_url(Statement, "add"), data | {"text": "Hello.", "status": "draft"})
    assert response.status_code == 302
    assert Statement.objects.get().status == Status.DRAFT


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.RETRACTED])
def test_analyst_cannot_publish_a_draft_through_the_form(analyst_client, status):
    """Editing a draft, an analyst is offered only Draft; a crafted POST with another status is refused."""
    statement = StatementFactory(status=Status.DRAFT)
    page = analyst_client.get(admin_url(Statement, "change", statement.pk))
    assert [value for value, _ in page.context["adminform"].form.fields["status"].choices] == [Status.DRAFT]
    response = analyst_client.post(page.request["PATH_INFO"], change_form_data(page, status=status))
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    statement.refresh_from_db()
    assert statement.status == Status.DRAFT


def test_analyst_edits_a_draft(analyst_client):
    """An analyst can correct a draft's text."""
    statement = StatementFactory(status=Status.DRAFT)
    page = analyst_client.get(admin_url(Statement, "change", statement.pk))
    response = analyst_client.post(page.request["PATH_INFO"], change_form_data(page, text="Corrected."))
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.text == "Corrected."


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.RETRACTED])
def test_public_statements_are_read_only_for_analysts(analyst_client, status):
    """An analyst sees a published or retracted statement but cannot save it (403 on a crafted POST)."""
    statement = StatementFactory(status=status, retraction_reason="Misattributed." if status == "retracted" else "")
    page = analyst_client.get(admin_url(Statement, "change", statement.pk))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    data = {"speaker": statement.speaker.pk, "date": "2016-11-11", "date_precision": "day", "kind": "direct"}
    response = analyst_client.post(page.request["PATH_INFO"], data | {"text": "Rewritten.", "status": "draft"})
    assert response.status_code == 403
    unchanged = (statement.text, statement.status)
    statement.refresh_from_db()
    assert (statement.text, statement.status) == unchanged


def test_editor_publishes_through_the_form(editor_client):
    """An editor can set the status to published on the form."""
    statement = StatementFactory(status=Status.DRAFT)
    page = editor_client.get(admin_url(Statement, "change", statement.pk))
    response = editor_client.post(page.request["PATH_INFO"], change_form_data(page, status="published"))
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == Status.PUBLISHED


@pytest.mark.parametrize(
    "role, status, allowed",
    [
        ("Analyst", Status.DRAFT, False),
        ("Editor", Status.DRAFT, True),
        ("Editor", Status.PUBLISHED, False),
        ("Editor", Status.RETRACTED, False),
    ],
)
def test_who_may_delete_a_statement(client, role, status, allowed):
    """Only editors delete, and only drafts: public statements are retracted so their links keep working."""
    client.force_login(user_with_role(role))
    statement = StatementFactory(status=status, retraction_reason="Misattributed." if status == "retracted" else "")
    response = client.post(admin_url(Statement, "delete", statement.pk), {"post": "yes"})
    assert response.status_code == (302 if allowed else 403)
    assert Statement.objects.filter(pk=statement.pk).exists() is not allowed
