"""Roles: Analysts create and edit drafts; Editors also publish, return to draft, retract and delete drafts, and
change what public statements show."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from statements.models import Official, Position, Source, Statement, Status, Topic
from tests.admin_helpers import NO_INLINES, admin_url, change_form_data, user_with_role
from tests.factories import OfficialFactory, PositionFactory, StatementFactory, TopicFactory

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
        ("view_errorreport", False, True),
        ("change_errorreport", False, True),
        ("delete_errorreport", False, True),
    ],
)
def test_groups_from_the_migration(permission, analyst, editor):
    """Migrations 0003 (and the error reports' migration) give the two groups exactly these permissions."""
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
    """Editors get the three status actions, asking for second codings and the CSV export (no bulk delete, which would
    skip the drafts rule)."""
    StatementFactory(status=Status.DRAFT)
    response = editor_client.get(admin_url(Statement, "changelist"))
    offered = {name for name, _ in response.context["action_form"].fields["action"].choices if name}
    assert offered == {*ACTIONS, "set_target_selected", "request_second_coding_selected", "export_selected_csv"}


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
        admin_url(Statement, "add"), data | {"text": "Hello.", "status": status, "retraction_reason": "x"} | NO_INLINES
    )
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Statement.objects.exists()


def test_analyst_adds_a_draft(analyst_client):
    """An analyst can create a draft."""
    data = {"speaker": OfficialFactory().pk, "date": "2016-11-11", "date_precision": "day", "kind": "direct"}
    response = analyst_client.post(
        admin_url(Statement, "add"), data | {"text": "Hello.", "status": "draft"} | NO_INLINES
    )
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


# --- What public statements show: Editors only (statements/admin/public_use.py) ---------------------------------


def _source(status):
    return StatementFactory(status=status, **_reason(status)).source


def _reason(status):
    return {"retraction_reason": "Misattributed."} if status == Status.RETRACTED else {}


SHOWN = {
    "source": (_source, "url", "https://phishing.example.net/login"),
    "outlet": (lambda status: _source(status).outlet, "website", "https://phishing.example.net/"),
    "speaker": (lambda status: StatementFactory(status=status, **_reason(status)).speaker, "name", "Someone Else"),
    "official mentioned": (
        lambda status: StatementFactory(
            status=status, mentioned_officials=[OfficialFactory()], **_reason(status)
        ).mentioned_officials.get(),
        "name",
        "Someone Else",
    ),
    "position": (
        lambda status: PositionFactory(official=StatementFactory(status=status, **_reason(status)).speaker),
        "title",
        "Minister of Truth",
    ),
    "topic": (
        lambda status: StatementFactory(status=status, topics=[TopicFactory()], **_reason(status)).topics.get(),
        "name",
        "Renamed",
    ),
}


def _change_data(obj, **changes) -> dict:
    """The change form's POST data, read from the page an editor (who may edit it) is shown."""
    editor = Client()
    editor.force_login(user_with_role("Editor", username="data-editor"))
    page = editor.get(admin_url(type(obj), "change", obj.pk))
    return change_form_data(page, **changes)


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.RETRACTED])
@pytest.mark.parametrize("shown", SHOWN)
def test_analyst_cannot_change_what_public_statements_show(analyst_client, shown, status):
    """An object a public page shows opens read-only for an analyst, with the reason; a crafted POST is a 403."""
    make, field, value = SHOWN[shown]
    obj = make(status)
    url = admin_url(type(obj), "change", obj.pk)
    page = analyst_client.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert "only an Editor can change or delete it" in page.content.decode()
    response = analyst_client.post(url, _change_data(obj, **{field: value}))
    assert response.status_code == 403
    assert "only an Editor can change or delete it" in response.content.decode()
    before = getattr(obj, field)
    obj.refresh_from_db()
    assert getattr(obj, field) == before


@pytest.mark.parametrize("shown", SHOWN)
def test_analyst_changes_what_only_drafts_use(analyst_client, shown):
    """Objects used only by drafts stay editable by analysts."""
    make, field, value = SHOWN[shown]
    obj = make(Status.DRAFT)
    response = analyst_client.post(admin_url(type(obj), "change", obj.pk), _change_data(obj, **{field: value}))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == value


@pytest.mark.parametrize("shown", SHOWN)
def test_editor_changes_what_public_statements_show(editor_client, shown):
    """Editors change what public pages show."""
    make, field, value = SHOWN[shown]
    obj = make(Status.PUBLISHED)
    response = editor_client.post(admin_url(type(obj), "change", obj.pk), _change_data(obj, **{field: value}))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == value


def test_refusal_names_the_number_of_public_statements(analyst_client):
    """The message counts the published and retracted statements that show the object, not the drafts."""
    source = StatementFactory().source
    StatementFactory(source=source, status=Status.RETRACTED, retraction_reason="Misattributed.")
    StatementFactory(source=source, status=Status.DRAFT)
    page = analyst_client.get(admin_url(Source, "change", source.pk))
    assert (
        "This source is cited by 2 published or retracted statements, whose public pages show it: only an Editor "
        "can change or delete it." in page.content.decode()
    )


def test_analyst_cannot_change_a_speakers_positions_inline(analyst_client):
    """On a speaker's page the positions inline is read-only too, and a crafted POST changes no position."""
    position = PositionFactory(official=StatementFactory().speaker)
    url = admin_url(Official, "change", position.official.pk)
    page = analyst_client.get(url)
    inline = page.context["inline_admin_formsets"][0]
    assert not (inline.has_add_permission or inline.has_change_permission or inline.has_delete_permission)
    data = _change_data(position.official)
    prefix = next(name.removesuffix("-title") for name in data if name.endswith("-0-title"))
    response = analyst_client.post(url, data | {f"{prefix}-title": "Minister of Truth"})
    assert response.status_code == 403
    position.refresh_from_db()
    assert position.title == "Spokesperson"


def test_analyst_edits_positions_inline_of_a_drafts_only_official(analyst_client):
    """An official with drafts only: the analyst edits its positions on its page."""
    position = PositionFactory(official=StatementFactory(status=Status.DRAFT).speaker)
    data = _change_data(position.official)
    prefix = next(name.removesuffix("-title") for name in data if name.endswith("-0-title"))
    response = analyst_client.post(
        admin_url(Official, "change", position.official.pk), data | {f"{prefix}-title": "Minister"}
    )
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.title == "Minister"


def test_analyst_cannot_give_a_speaker_a_new_position(analyst_client):
    """A position added (or moved) to a speaker of public statements can change the role shown: refused."""
    speaker = StatementFactory().speaker
    data = {"official": speaker.pk, "title": "Minister of Truth", "organisation": "", "start_date": "2015-01-01"}
    response = analyst_client.post(admin_url(Position, "add"), data)
    assert response.status_code == 200
    assert "only an Editor can change or delete it" in response.content.decode()
    assert not Position.objects.exists()
    draft_only = PositionFactory(official=StatementFactory(status=Status.DRAFT).speaker)
    response = analyst_client.post(admin_url(Position, "change", draft_only.pk), data)
    assert response.status_code == 200
    draft_only.refresh_from_db()
    assert draft_only.official != speaker


def _analyst_who_may_delete(model):
    """An analyst whose desk also gave them delete rights: the rule must not depend on that being absent."""
    user = user_with_role("Analyst", username="deleting-analyst")
    user.user_permissions.add(Permission.objects.get(codename=f"delete_{model._meta.model_name}"))
    return user


@pytest.mark.parametrize("shown", ["official mentioned", "position", "topic"])
def test_non_editor_cannot_delete_what_public_statements_show(client, shown):
    """Deleting a mentioned official, a speaker's position or a topic would change public pages: refused."""
    obj = SHOWN[shown][0](Status.PUBLISHED)
    model = type(obj)
    client.force_login(_analyst_who_may_delete(model))
    response = client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})
    assert response.status_code == 403
    assert "only an Editor can change or delete it" in response.content.decode()
    client.post(
        admin_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert model.objects.filter(pk=obj.pk).exists()


def test_non_editor_deletes_what_only_drafts_use(client):
    """A topic used only by drafts can be deleted by whoever has the delete permission."""
    topic = StatementFactory(status=Status.DRAFT, topics=[TopicFactory()]).topics.get()
    client.force_login(_analyst_who_may_delete(Topic))
    response = client.post(admin_url(Topic, "delete", topic.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Topic.objects.filter(pk=topic.pk).exists()
