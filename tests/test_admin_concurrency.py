"""No lost updates: a change form saved after someone else saved the same record is refused, naming what changed."""

import threading
import time

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client

from statements.admin.concurrency import OptimisticLockAdminMixin
from statements.models import Official, Source, Statement, Topic
from tests.admin_helpers import admin_url, change_form_data, user_with_role
from tests.factories import OfficialFactory, SourceFactory, StatementFactory, TopicFactory, country

pytestmark = pytest.mark.django_db


def editor(name: str) -> Client:
    client = Client()
    client.force_login(user_with_role("Editor", username=name))
    return client


@pytest.fixture
def statement():
    return StatementFactory(text="Original words", topics=[TopicFactory(name="Sanctions")], countries=[country("RU")])


def errors_of(response) -> str:
    return " ".join(response.context["adminform"].form.non_field_errors())


def test_second_of_two_concurrent_edits_is_refused(statement):
    """Both open the form; the first save wins, the second is refused with the changed field and who changed it."""
    alice, bob = editor("alice"), editor("bob")
    url = admin_url(Statement, "change", statement.pk)
    alice_form, bob_form = alice.get(url), bob.get(url)
    assert alice.post(url, change_form_data(alice_form, text="Alice's words")).status_code == 302
    response = bob.post(url, change_form_data(bob_form, note="Bob's note"))
    assert response.status_code == 200
    message = errors_of(response)
    assert "changed by someone else after you opened it (Text)" in message
    assert "by alice" in message
    statement.refresh_from_db()
    assert (statement.text, statement.note) == ("Alice's words", "")


def test_a_change_to_topics_or_countries_alone_is_detected(statement):
    """Many-to-many changes do not touch the row's columns, but the second save is still refused."""
    alice, bob = editor("alice"), editor("bob")
    url = admin_url(Statement, "change", statement.pk)
    alice_form, bob_form = alice.get(url), bob.get(url)
    new_topic = TopicFactory(name="Energy")
    changes = {"topics": [str(new_topic.pk)], "countries": [str(country("US").pk)]}
    assert alice.post(url, change_form_data(alice_form, **changes)).status_code == 302
    response = bob.post(url, change_form_data(bob_form, text="Bob's words"))
    assert "(Topics, Countries concerned)" in errors_of(response)
    statement.refresh_from_db()
    assert statement.text == "Original words"
    assert list(statement.topics.all()) == [new_topic]


def test_single_edits_in_turn_are_saved(statement):
    """Editing, then editing again after reloading, saves both times."""
    alice = editor("alice")
    url = admin_url(Statement, "change", statement.pk)
    assert alice.post(url, change_form_data(alice.get(url), text="First")).status_code == 302
    assert alice.post(url, change_form_data(alice.get(url), text="Second")).status_code == 302
    statement.refresh_from_db()
    assert statement.text == "Second"


def test_a_form_without_its_version_is_refused(statement):
    """A POST that does not say which version it edits could overwrite anything, so it is refused."""
    alice = editor("alice")
    url = admin_url(Statement, "change", statement.pk)
    response = alice.post(url, change_form_data(alice.get(url), text="Changed", loaded_version="forged"))
    assert "does not say which version" in errors_of(response)
    statement.refresh_from_db()
    assert statement.text == "Original words"


@pytest.mark.parametrize(
    "make, first, second, label",
    [
        (lambda: OfficialFactory(name="Dmitry Peskov"), {"name": "D. Peskov"}, {"aliases": "Peskov"}, "Name"),
        (lambda: TopicFactory(name="Sanctions"), {"name": "Sanctions policy"}, {"keywords": "embargo"}, "Name"),
        (lambda: SourceFactory(title="Interview"), {"title": "Interview to CNN"}, {"venue": "Moscow"}, "Title"),
    ],
    ids=["official", "topic", "source"],
)
def test_catalogue_admins_refuse_concurrent_edits(make, first, second, label):
    """Officials, topics and sources get the same protection."""
    obj = make()
    alice, bob = editor("alice"), editor("bob")
    url = admin_url(type(obj), "change", obj.pk)
    alice_form, bob_form = alice.get(url), bob.get(url)
    assert alice.post(url, change_form_data(alice_form, **first)).status_code == 302
    response = bob.post(url, change_form_data(bob_form, **second))
    assert f"({label})" in errors_of(response)
    obj.refresh_from_db()
    field, value = next(iter(first.items()))
    assert getattr(obj, field) == value


def test_every_history_admin_is_protected():
    """The admins of every model with history use the versioned form (guards against a forgotten mixin)."""
    for model in (Statement, Official, Topic, Source):
        assert isinstance(admin.site._registry[model], OptimisticLockAdminMixin)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks across two connections")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_waits_for_a_concurrent_write_then_sees_it(admin_client):
    """The admin locks the row before comparing: a write committing meanwhile is seen and the stale save refused."""
    statement = StatementFactory(text="Original words")
    url = admin_url(Statement, "change", statement.pk)
    stale = change_form_data(admin_client.get(url), note="Stale note")
    locked = threading.Event()

    def other_writer():
        try:
            with transaction.atomic():
                row = Statement.objects.select_for_update().get(pk=statement.pk)
                locked.set()
                time.sleep(0.5)  # the admin's POST arrives while this transaction holds the row
                row.text = "Written meanwhile"
                row.save()
        finally:
            connection.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    assert locked.wait(5)
    response = admin_client.post(url, stale)
    thread.join()
    assert response.status_code == 200  # refused, not saved (302)
    assert "(Text)" in errors_of(response)
    statement.refresh_from_db()
    assert (statement.text, statement.note) == ("Written meanwhile", "")
