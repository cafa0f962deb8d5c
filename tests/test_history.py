"""History: each change to a statement, official, topic or source records who, when, and old and new values."""

import datetime

import pytest
from django.urls import reverse

from statements import article_drafts, publishing
from statements.imports import IMPORT_REASON, import_statements
from statements.models import Official, Source, Statement, Status, Topic
from tests.admin_helpers import admin_url, change_form_data, user_with_role
from tests.factories import OfficialFactory, SourceFactory, StatementFactory, TopicFactory, country

pytestmark = pytest.mark.django_db

TRACKED = [
    (Statement, lambda: StatementFactory(text="Old words."), "text", "Old words.", "New words."),
    (Official, lambda: OfficialFactory(name="Dmitri Peskov"), "name", "Dmitri Peskov", "Dmitry Peskov"),
    (Topic, lambda: TopicFactory(description="Old scope."), "description", "Old scope.", "New scope."),
    (Source, lambda: SourceFactory(title="Peskov on CNN"), "title", "Peskov on CNN", "Peskov interview to CNN"),
]


def ids(through_rows: list[dict], field: str) -> set[int]:
    """The related ids in simple-history's m2m diff values (one dict per through-table row)."""
    return {row[field] for row in through_rows}


def entries(obj) -> list:
    """The object's history entries, oldest first."""
    return list(obj.history.order_by("history_date", "history_id"))


def edit_in_admin(client, obj, **changes):
    page = client.get(admin_url(type(obj), "change", obj.pk))
    response = client.post(page.request["PATH_INFO"], change_form_data(page, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


@pytest.mark.parametrize("model, make, field, old, new", TRACKED, ids=lambda value: getattr(value, "__name__", ""))
def test_admin_edit_is_recorded_with_old_and_new_values(admin_client, superuser, model, make, field, old, new):
    """An admin edit adds a history record naming the user, and the diff gives the field's old and new value."""
    obj = make()
    edit_in_admin(admin_client, obj, **{field: new})
    latest = obj.history.first()
    assert latest.history_user == superuser
    changes = {change.field: (change.old, change.new) for change in latest.diff_against(latest.prev_record).changes}
    assert changes == {field: (old, new)}


@pytest.mark.parametrize("model, make, field, old, new", TRACKED, ids=lambda value: getattr(value, "__name__", ""))
def test_history_page_shows_who_and_what(admin_client, superuser, model, make, field, old, new):
    """The admin history page lists the change with a link to the user and the old → new value."""
    obj = make()
    edit_in_admin(admin_client, obj, **{field: new})
    content = " ".join(admin_client.get(admin_url(model, "history", obj.pk)).content.decode().split())
    assert f'<a href="{reverse("admin:auth_user_change", args=[superuser.pk])}">admin</a>' in content
    label = model._meta.get_field(field).verbose_name.capitalize()
    assert f"<strong>{label}:</strong> {old} &nbsp;&rarr;&nbsp;&nbsp;{new}" in content


def test_topic_and_country_changes_are_recorded(admin_client):
    """Changing a statement's topics and countries is in its history, with the names on the history page."""
    sanctions, syria = TopicFactory(name="Sanctions"), TopicFactory(name="Syria war")
    russia, syria_country = country("RU"), country("SY")
    statement = StatementFactory(topics=[sanctions], countries=[russia])
    before = statement.history.first()
    edit_in_admin(admin_client, statement, topics=[str(syria.pk)], countries=[str(russia.pk), str(syria_country.pk)])
    changes = {change.field: change for change in statement.history.first().diff_against(before).changes}
    assert (ids(changes["topics"].old, "topic"), ids(changes["topics"].new, "topic")) == ({sanctions.pk}, {syria.pk})
    assert (ids(changes["countries"].old, "country"), ids(changes["countries"].new, "country")) == (
        {russia.pk},
        {russia.pk, syria_country.pk},
    )
    content = admin_client.get(admin_url(Statement, "history", statement.pk)).content.decode()
    assert "<strong>Topics:</strong>" in content and "Syria war" in content
    assert "<strong>Countries concerned:</strong>" in content


def test_bulk_action_is_recorded(client):
    """A status change by bulk action is in the history with the editor who made it."""
    editor = user_with_role("Editor")
    client.force_login(editor)
    statement = StatementFactory(status=Status.DRAFT)
    client.post(admin_url(Statement, "changelist"), {"action": "publish_selected", "_selected_action": [statement.pk]})
    latest = statement.history.first()
    assert latest.history_user == editor
    changes = {change.field: (change.old, change.new) for change in latest.diff_against(latest.prev_record).changes}
    assert changes["status"] == (Status.DRAFT, Status.PUBLISHED)
    assert latest.history_change_reason == publishing.PUBLISHED_REASON


def test_history_cannot_revert(admin_client):
    """An old version can be viewed but not saved back: reverting would bypass the role rules."""
    statement = StatementFactory(text="Old words.")
    edit_in_admin(admin_client, statement, text="New words.")
    oldest = statement.history.last()
    url = admin_url(Statement, "simple_history", statement.pk, oldest.history_id)
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"text": "Old words."})
    assert response.status_code == 403
    statement.refresh_from_db()
    assert statement.text == "New words."


@pytest.mark.parametrize("make", [row[1] for row in TRACKED], ids=[row[0].__name__ for row in TRACKED])
@pytest.mark.parametrize("bad_id", ["abc", "1.5", "-", "9" * 30])
def test_history_pages_answer_404_for_ids_that_are_not_record_ids(admin_client, make, bad_id):
    """A hand-typed history address with a word for an id is a 404, as on the change page, not a server error."""
    obj = make()
    version = obj.history.first().history_id
    assert admin_client.get(admin_url(type(obj), "history", bad_id)).status_code == 404
    assert admin_client.get(admin_url(type(obj), "simple_history", bad_id, version)).status_code == 404
    assert admin_client.get(admin_url(type(obj), "simple_history", obj.pk, bad_id)).status_code == 404


@pytest.mark.parametrize(
    "action, reason",
    [
        (lambda batch: publishing.publish_statements(statements=batch, user=None), publishing.PUBLISHED_REASON),
        (lambda batch: publishing.unpublish_statements(statements=batch, user=None), publishing.UNPUBLISHED_REASON),
        (
            lambda batch: publishing.retract_statements(statements=batch, user=None, reason="Misattributed."),
            publishing.RETRACTED_REASON,
        ),
    ],
)
def test_each_publishing_action_is_one_entry_with_its_reason(action, reason):
    """Publish, return to draft and retract each add one entry per statement saying which action it was."""
    status = Status.DRAFT if reason == publishing.PUBLISHED_REASON else Status.PUBLISHED
    statement = StatementFactory(status=status)
    before = statement.history.count()
    action(Statement.objects.filter(pk=statement.pk))
    assert statement.history.count() == before + 1
    assert statement.history.first().history_change_reason == reason


def test_the_article_assistant_makes_one_entry_per_statement_with_its_links():
    """A statement saved by the article assistant has one "Created" entry holding its topics and countries."""
    analyst = user_with_role("Analyst")
    syria = TopicFactory(name="Syria war")
    made = article_drafts.create_article_drafts(
        user=analyst,
        source=SourceFactory(),
        statements=[
            article_drafts.DraftStatement(
                text="Syria is a burning issue.",
                date=datetime.date(2016, 11, 11),
                speaker=OfficialFactory(),
                topics=[syria],
                countries=[country("SY"), country("US")],
            )
        ],
    )
    (created,) = entries(made.statements[0])
    assert (created.history_type, created.history_user) == ("+", analyst)
    assert created.history_change_reason == article_drafts.ASSISTANT_REASON
    assert [row.topic.name for row in created.topics.all()] == ["Syria war"]
    assert sorted(row.country.code for row in created.countries.all()) == ["SY", "US"]


def test_an_import_gives_each_statement_one_entry_with_a_reason():
    """Imported statements, and the officials they create, have one creation entry saying they were imported."""
    TopicFactory(name="Syria")
    data = "date,speaker,text,topics,countries\n2016-11-11,Anna Fictiva,We will keep working.,Syria,RU; SY\n"
    assert import_statements(file=data.encode(), create_missing=True, reason="Imported from peskov.csv.").ok
    (created,) = entries(Statement.objects.get())
    assert (created.history_type, created.history_change_reason) == ("+", "Imported from peskov.csv.")
    assert Official.objects.get(name="Anna Fictiva").history.get().history_change_reason == "Imported from peskov.csv."
    assert IMPORT_REASON  # the default when the caller names no file
