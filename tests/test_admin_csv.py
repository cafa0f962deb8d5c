"""Admin CSV: exporting the selection or the changelist's filter with the public columns, and the import page."""

import csv
import datetime
import io

import pytest

from statements.exports import COLUMN_NAMES
from statements.models import Statement, Status
from tests.admin_helpers import admin_url
from tests.factories import OfficialFactory, StatementFactory, UserFactory

pytestmark = pytest.mark.django_db


def parse(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames) == COLUMN_NAMES
    return list(reader)


def export_url(query: str = "") -> str:
    return admin_url(Statement, "export") + query


def test_export_selected_action_has_exactly_the_selection(admin_client):
    """The action's file holds the ticked statements, drafts included, with the public export's columns."""
    chosen = [
        StatementFactory(text="=1+1 chosen draft", status=Status.DRAFT),
        StatementFactory(text="chosen published"),
    ]
    StatementFactory(text="not chosen")
    response = admin_client.post(
        admin_url(Statement, "changelist"),
        {"action": "export_selected_csv", "_selected_action": [statement.pk for statement in chosen]},
    )
    rows = parse(response)
    assert sorted(row["id"] for row in rows) == sorted(str(statement.pk) for statement in chosen)
    assert {row["text"] for row in rows} == {"'=1+1 chosen draft", "chosen published"}  # neutralised as in public
    assert "statements-admin_selected-2_" in response["Content-Disposition"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["draft by Peskov", "published by Peskov", "published by Lavrov"]),
        ("?status__exact=draft", ["draft by Peskov"]),
        ("?q=Peskov", ["draft by Peskov", "published by Peskov"]),
        ("?status__exact=published&q=Peskov", ["published by Peskov"]),
        ("?date__year=2015", ["published by Lavrov"]),
        ("?o=1", ["published by Lavrov", "published by Peskov", "draft by Peskov"]),
    ],
)
def test_export_of_the_changelist_filter_equals_the_list(admin_client, query, expected):
    """The object-tools export gives every row the changelist shows for the same query string, in its order."""
    peskov = OfficialFactory(name="Dmitry Peskov")
    StatementFactory(text="published by Lavrov", date=datetime.date(2015, 1, 1), speaker=OfficialFactory(name="Lavrov"))
    StatementFactory(text="published by Peskov", date=datetime.date(2016, 1, 1), speaker=peskov)
    StatementFactory(text="draft by Peskov", date=datetime.date(2017, 1, 1), speaker=peskov, status=Status.DRAFT)
    listed = admin_client.get(admin_url(Statement, "changelist") + query).context["cl"].result_list
    assert [statement.text for statement in listed] == expected
    assert [row["text"] for row in parse(admin_client.get(export_url(query)))] == expected


def test_changelist_links_to_the_export_of_its_filter(admin_client):
    """The export link on the changelist carries the list's current query string."""
    response = admin_client.get(admin_url(Statement, "changelist"), {"status__exact": "draft", "q": "Syria"})
    assert f'href="{export_url("?q=Syria&amp;status__exact=draft")}"' in response.content.decode()


def test_export_with_invalid_filters_is_a_400(admin_client):
    """A lookup the changelist does not allow is a clear 400, not an empty file or a 500."""
    response = admin_client.get(export_url("?no_such_field=1"))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_export_is_for_staff_only(client):
    """Anonymous and non-staff users are sent to the admin login; staff without permission get 403."""
    StatementFactory(status=Status.DRAFT)
    response = client.get(export_url())
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(UserFactory(username="public", is_staff=False))
    response = client.get(export_url())
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(UserFactory(username="staff-without-permissions"))
    assert client.get(export_url()).status_code == 403
