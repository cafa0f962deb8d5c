"""Admin CSV: exporting the selection or the changelist's filter with the public columns, and the import page."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from statements.admin import csv_import
from statements.exports import COLUMN_NAMES
from statements.models import Official, Statement, Status
from tests.admin_helpers import admin_url, user_with_role
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


# --- Import page ------------------------------------------------------------------------------------------------

GOOD_CSV = "date,speaker,text,topics\n2020-01-02,Dmitry Peskov,First words,\n2020-01-03,Dmitry Peskov,=Second words,\n"


def import_url() -> str:
    return admin_url(Statement, "import")


def upload(client, content: str | bytes, name: str = "statements.csv", **options):
    data = content.encode("utf-8") if isinstance(content, str) else content
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(import_url(), {"file": file, "preview": "Preview", **options})


def confirm(client, response):
    return client.post(import_url(), {"confirm": "Import", "sha256": response.context["sha256"]}, follow=True)


@pytest.fixture
def peskov(db):
    return OfficialFactory(name="Dmitry Peskov")


def test_import_page_offers_publishing_to_editors_only(client):
    """An analyst's import form has no "publish" option; an editor's has; both can create missing names."""
    client.force_login(user_with_role("Analyst"))
    fields = client.get(import_url()).context["form"].fields
    assert "publish" not in fields and "create_missing" in fields
    client.force_login(user_with_role("Editor"))
    assert "publish" in client.get(import_url()).context["form"].fields


def test_changelist_links_to_the_import_page(admin_client):
    """Users who may add statements see the import link above the list."""
    assert f'href="{import_url()}"' in admin_client.get(admin_url(Statement, "changelist")).content.decode()


def test_preview_writes_nothing_and_confirm_imports_drafts(admin_client, peskov):
    """The preview is a dry run with a summary; confirming imports the same rows, as drafts by default."""
    response = upload(admin_client, GOOD_CSV)
    assert response.status_code == 200
    assert "This file would import" in response.content.decode()
    assert response.context["result"].statements == 2
    assert not Statement.objects.exists()
    response = confirm(admin_client, response)
    assert response.redirect_chain[-1][0] == admin_url(Statement, "changelist")
    assert "Imported 2 statements from statements.csv as drafts." in response.content.decode()
    assert sorted(Statement.objects.values_list("text", "status")) == [
        ("=Second words", Status.DRAFT),
        ("First words", Status.DRAFT),
    ]


def test_preview_lists_what_would_be_created_only_when_asked(admin_client):
    """Unknown names are row errors unless "create missing" is ticked; then the preview names what it creates."""
    csv_text = "date,speaker,text,topics\n2020-01-02,New Speaker,Words,New Topic\n"
    response = upload(admin_client, csv_text)
    errors = [(error.row, error.column) for error in response.context["result"].errors]
    assert errors == [(2, "speaker")]
    response = upload(admin_client, csv_text, create_missing="on")
    content = response.content.decode()
    assert "Officials (1): New Speaker" in content and "Topics (1): New Topic" in content
    assert not Official.objects.filter(name="New Speaker").exists()
    confirm(admin_client, response)
    assert Statement.objects.get().speaker.name == "New Speaker"


def test_a_bad_row_is_reported_as_a_table_and_nothing_can_be_confirmed(admin_client, peskov):
    """One bad row: the preview lists row, column and message, offers no import, and a confirm POST writes nothing."""
    response = upload(admin_client, GOOD_CSV + "2020-13-01,Dmitry Peskov,Bad date,\n")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<td>4</td><td>date</td>" in content
    assert 'name="confirm"' not in content
    response = confirm(admin_client, response)
    assert "no longer current" in response.content.decode()
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    "content, message",
    [
        ("date,speaker,text\n2020-01-02,Dmitry Pesk\xf6v,Words\n".encode("latin-1"), "not UTF-8"),
        ("date;speaker;text\n2020-01-02;Dmitry Peskov;Words\n", "separated by semicolons"),
        ("date,text\n2020-01-02,Words\n", "Missing required columns: speaker"),
        ("date,speaker,text,topic\n2020-01-02,Dmitry Peskov,Words,x\n", "Unknown columns: topic"),
        ("", "The submitted file is empty"),
        ("date,speaker,text\n", "header but no rows"),
    ],
)
def test_file_problems_are_form_errors(admin_client, peskov, content, message):
    """Wrong encoding, delimiter, missing or unknown columns, an empty file: the form again with the message."""
    response = upload(admin_client, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "result" not in response.context or response.context["result"] is None
    assert not Statement.objects.exists()


def test_oversized_file_is_a_form_error(admin_client, peskov, monkeypatch):
    """A file over the page's limit is refused before it is read."""
    monkeypatch.setattr(csv_import, "ADMIN_IMPORT_MAX_BYTES", 20)
    response = upload(admin_client, GOOD_CSV)
    assert response.status_code == 200
    assert "this page takes at most 20 bytes" in response.content.decode()


@pytest.mark.parametrize("role, status", [("Analyst", Status.DRAFT), ("Editor", Status.PUBLISHED)])
def test_only_editors_can_publish_by_import(client, peskov, role, status):
    """A crafted publish=on from an analyst is ignored (drafts); an editor who ticks it gets published statements."""
    client.force_login(user_with_role(role))
    response = upload(
        client,
        "date,speaker,text,outlet,source_title,source_date\n2020-01-02,Dmitry Peskov,Words,TASS,Interview,2020-01-02\n",
        create_missing="on",
        publish="on",
    )
    confirm(client, response)
    assert Statement.objects.get().status == status


def test_confirm_refuses_a_hash_that_was_not_previewed(admin_client, peskov):
    """The confirm step imports only the file previewed in this session, never one named by the client."""
    upload(admin_client, GOOD_CSV)
    response = admin_client.post(import_url(), {"confirm": "Import", "sha256": "0" * 64})
    assert "no longer current" in response.content.decode()
    assert not Statement.objects.exists()


def test_confirm_validates_again(admin_client, peskov):
    """If the database changed since the preview so that a row fails, the confirm writes nothing and says why."""
    response = upload(admin_client, GOOD_CSV)
    peskov.delete()
    response = confirm(admin_client, response)
    assert "Nothing was imported" in response.content.decode()
    assert "<td>2</td><td>speaker</td>" in response.content.decode()
    assert not Statement.objects.exists()


def test_import_needs_the_add_permission(client):
    """Staff without "add statement" get 403; users who are not staff go to the admin login."""
    client.force_login(UserFactory(username="viewer"))
    assert client.get(import_url()).status_code == 403
    client.force_login(UserFactory(username="public", is_staff=False))
    assert client.get(import_url()).status_code == 302


def test_preview_escapes_what_the_file_says(admin_client):
    """Names from the file shown in the error table are escaped, never run as HTML."""
    response = upload(admin_client, "date,speaker,text\n2020-01-02,<script>alert(1)</script>,Words\n")
    content = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)" not in content


def test_preview_flags_duplicates_and_confirm_skips_them(admin_client, peskov):
    """Repeated rows are listed in the preview; the import skips them and says how many."""
    StatementFactory(speaker=peskov, date=datetime.date(2020, 1, 3), text="=Second  words", status=Status.DRAFT)
    response = upload(admin_client, GOOD_CSV + "2020-01-02,Dmitry Peskov,First words,\n")
    content = response.content.decode()
    assert "<td>4</td><td>same speaker, date and words as row 2 of this file: skipped.</td>" in content
    assert "<td>3</td><td>same speaker, date and words as statement" in content
    assert response.context["result"].statements == 1
    response = confirm(admin_client, response)
    assert "Imported 1 statement from statements.csv as drafts. Skipped 2 duplicate rows." in (
        response.content.decode()
    )
    assert Statement.objects.count() == 2


def test_duplicates_are_imported_when_the_box_is_ticked(admin_client, peskov):
    """ "Keep duplicate rows" imports them all."""
    response = upload(admin_client, GOOD_CSV + "2020-01-02,Dmitry Peskov,First words,\n", keep_duplicates="on")
    assert "kept, as asked." in response.content.decode()
    confirm(admin_client, response)
    assert Statement.objects.count() == 3


def test_every_error_is_shown_a_page_at_a_time(admin_client, peskov):
    """250 bad rows: 100 errors a page, and the next pages (checked again from the kept file) show the rest."""
    bad = "".join(f"2020-13-{n:02d},Dmitry Peskov,Bad date {n},\n" for n in range(250))
    response = upload(admin_client, GOOD_CSV + bad)
    page = response.context["errors_page"]
    assert (len(page.object_list), page.paginator.count, page.paginator.num_pages) == (100, 250, 3)
    content = response.content.decode()
    sha256 = response.context["sha256"]
    assert f"?sha256={sha256}&amp;errors_page=2" in content
    last = admin_client.get(import_url(), {"sha256": sha256, "errors_page": 3})
    assert [error.row for error in last.context["errors_page"]] == list(range(204, 254))
    assert "<td>253</td><td>date</td>" in last.content.decode()
    assert 'name="confirm"' not in last.content.decode()
    response = admin_client.post(import_url(), {"confirm": "Import", "sha256": sha256}, follow=True)
    assert "no longer current" in response.content.decode()
    assert not Statement.objects.exists()


def test_rows_with_errors_download_as_csv_with_an_errors_column(admin_client, peskov):
    """The download has the file's columns plus "errors", only the bad rows, cells neutralised as the export does."""
    content = GOOD_CSV + "2020-13-01,Dmitry Peskov,=HYPERLINK(1),\n2020-01-05,Nobody,Words,\n"
    response = upload(admin_client, content)
    download = admin_client.get(import_url(), {"sha256": response.context["sha256"], "download": "errors"})
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="statements_errors.csv"' in download["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8"), newline="")))
    assert [(row["date"], row["text"], row["errors"]) for row in rows] == [
        ("2020-13-01", "'=HYPERLINK(1)", "date: “2020-13-01” is not a date: there is no month 13."),
        ("2020-01-05", "Words", "speaker: Unknown official “Nobody” (no name, alias or slug matches); add it first."),
    ]
    assert list(rows[0]) == ["date", "speaker", "text", "topics", "errors"]


def test_error_pages_need_the_previewed_file(admin_client, peskov):
    """A page or download for a file this session did not preview is refused, never a server error."""
    response = admin_client.get(import_url(), {"sha256": "0" * 64, "download": "errors"})
    assert "no longer current" in response.content.decode()
