"""Read replica routing, against a real second database standing in for the replica.

The "replica" is a second database of the current engine (a second SQLite file, or `<test database>_replica` on
PostgreSQL), migrated but not replicated: a row that exists on both with different text shows which one answered.
"""

import copy

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from statements.models import Country, Statement, Topic
from statements.routers import REPLICA, ReplicaRouter, is_public_read, public_read_middleware
from tests.factories import StatementFactory, UserFactory

PRIMARY_TEXT = "Text as stored on the primary."
REPLICA_TEXT = "Text as stored on the replica."


def pg_conninfo(settings_dict, dbname: str) -> str:
    return psycopg.conninfo.make_conninfo(
        dbname=dbname,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
    )


@pytest.fixture(scope="module")
def replica_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """Configure and migrate a "replica" database alias for this module's tests, and remove it afterwards."""
    default = connections["default"].settings_dict
    replica = copy.deepcopy(default)
    with django_db_blocker.unblock():
        if default["ENGINE"].endswith("sqlite3"):
            replica["NAME"] = str(tmp_path_factory.mktemp("replica") / "replica.sqlite3")
        else:
            replica["NAME"] = default["NAME"] + "_replica"
            with psycopg.connect(pg_conninfo(default, default["NAME"]), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{replica["NAME"]}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{replica["NAME"]}"')
        replica["TEST"] = {**replica["TEST"], "NAME": replica["NAME"]}
        # connections reads the same dict as settings.DATABASES, so the router and connections both see it.
        settings.DATABASES[REPLICA] = replica
        call_command("migrate", database=REPLICA, verbosity=0)
        # The countries' data migration writes to the default database whichever is migrated: copy them across.
        Country.objects.using(REPLICA).bulk_create(Country.objects.using("default").all(), ignore_conflicts=True)
        yield REPLICA
        connections[REPLICA].close()
        del connections[REPLICA]
        del settings.DATABASES[REPLICA]
        if not default["ENGINE"].endswith("sqlite3"):
            with psycopg.connect(pg_conninfo(default, default["NAME"]), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{replica["NAME"]}" WITH (FORCE)')


both_databases = pytest.mark.django_db(databases=["default", REPLICA])


@pytest.fixture
def statement(replica_database):
    """A published statement on the primary, copied to the replica with different text."""
    primary = StatementFactory(text=PRIMARY_TEXT)
    for row in (primary.speaker, primary.source.outlet, primary.source):
        row.save(using=REPLICA, force_insert=True)
    Statement.objects.using(REPLICA).bulk_create([copy.copy(primary)])
    Statement.objects.using(REPLICA).filter(pk=primary.pk).update(text=REPLICA_TEXT)
    return primary


@both_databases
def test_anonymous_public_pages_read_from_the_replica(client, statement):
    """An anonymous visitor's permalink is served from the replica."""
    response = client.get(statement.get_absolute_url())
    assert response.status_code == 200
    assert REPLICA_TEXT in response.content.decode()


@both_databases
def test_analysts_read_the_primary_even_on_public_pages(client, statement):
    """A logged-in analyst (who has a session cookie) sees the primary, so their own edits show at once."""
    client.force_login(UserFactory())
    response = client.get(statement.get_absolute_url())
    assert PRIMARY_TEXT in response.content.decode()


@both_databases
def test_the_admin_reads_the_primary(client, statement):
    """Admin pages read the primary."""
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(f"/admin/statements/statement/{statement.pk}/change/")
    assert response.status_code == 200
    assert PRIMARY_TEXT in response.content.decode()


@both_databases
def test_writes_go_to_the_primary_and_later_reads_in_the_request_follow(statement):
    """A public request that writes writes the primary, and reads after that write see the primary."""
    seen = []

    def view(request):
        seen.append(Statement.objects.get(pk=statement.pk).text)
        Topic.objects.create(name="Written during a public request", slug="written-during-a-public-request")
        seen.append(Statement.objects.get(pk=statement.pk).text)
        return HttpResponse("ok")

    public_read_middleware(view)(RequestFactory().get("/"))

    assert seen == [REPLICA_TEXT, PRIMARY_TEXT]
    assert Topic.objects.using("default").filter(slug="written-during-a-public-request").exists()
    assert not Topic.objects.using(REPLICA).filter(slug="written-during-a-public-request").exists()


@both_databases
def test_streamed_responses_keep_reading_the_replica(statement):
    """A streamed export produces its rows after the view returns, still from the replica."""

    def view(request):
        return StreamingHttpResponse(Statement.objects.filter(pk=statement.pk).values_list("text", flat=True))

    response = public_read_middleware(view)(RequestFactory().get("/export.csv"))

    assert b"".join(response.streaming_content).decode() == REPLICA_TEXT


@both_databases
def test_reads_outside_a_request_use_the_primary(statement):
    """Management commands, imports and tests (no request) read the primary."""
    assert Statement.objects.get(pk=statement.pk).text == PRIMARY_TEXT


@both_databases
def test_other_apps_always_use_the_primary(replica_database):
    """Only the statements app is routed: users and sessions stay on the primary even for public reads."""
    router = ReplicaRouter()
    seen = []

    def view(request):
        seen.append(router.db_for_read(Statement))
        seen.append(router.db_for_read(get_user_model()))
        return HttpResponse("ok")

    public_read_middleware(view)(RequestFactory().get("/"))
    assert seen == [REPLICA, None]


def test_without_a_replica_everything_uses_the_primary(monkeypatch):
    """With no DATABASE_REPLICA_URL the router never names a replica."""
    monkeypatch.delitem(settings.DATABASES, REPLICA, raising=False)
    seen = []

    def view(request):
        seen.append(ReplicaRouter().db_for_read(Statement))
        return HttpResponse("ok")

    public_read_middleware(view)(RequestFactory().get("/"))
    assert seen == [None]


@pytest.mark.parametrize(
    ("method", "path", "cookies", "public"),
    [
        ("get", "/", {}, True),
        ("head", "/statements/1/", {}, True),
        ("post", "/", {}, False),
        ("get", "/admin/", {}, False),
        ("get", "/admin/statements/statement/", {}, False),
        ("get", "/", {"sessionid": "abc"}, False),
    ],
)
def test_which_requests_count_as_public_reads(method, path, cookies, public):
    """Only anonymous GET/HEAD requests outside the admin may read from the replica."""
    request = getattr(RequestFactory(), method)(path)
    request.COOKIES.update(cookies)
    assert is_public_read(request) is public


@both_databases
@pytest.mark.parametrize("url", ["/api/statements/?updated_since=2000-01-01", "/export.csv?updated_since=2000-01-01"])
def test_changes_for_mirrors_read_the_primary(client, statement, url):
    """`updated_since` reads the change log and the statements from the primary: a lagging replica could list a
    stamp with the content from before it, and the mirror would pass that change for good."""
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert PRIMARY_TEXT in body.decode() and REPLICA_TEXT not in body.decode()
