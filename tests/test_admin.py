"""Admin curation: every page renders, the statement list stays cheap, and the bulk actions are all-or-nothing."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from statements import publishing
from statements.models import Country, Official, Outlet, Position, Source, Statement, Status, Topic
from tests.admin_helpers import NO_INLINES, admin_url, change_form_data, user_with_role
from tests.browser import log_in, screenshot
from tests.factories import (
    OfficialFactory,
    OutletFactory,
    PositionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db

# Queries for one statements changelist page, whatever the number of rows: session, user, the topic and country
# filter choices (their own tables), the year filter's date bounds, the capped count, the rows, their topics.
# (Was 10 with the date hierarchy's two queries and two SELECT DISTINCT filters, all reading every statement.)
CHANGELIST_QUERIES = 8

MODELS = {
    Country: lambda: country("RU"),
    Official: lambda: PositionFactory().official,
    Position: PositionFactory,
    Topic: lambda: TopicFactory(parent=TopicFactory()),
    Outlet: OutletFactory,
    Source: lambda: StatementFactory().source,
    Statement: lambda: StatementFactory(topics=[TopicFactory()], countries=[country("US")]),
}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def post_action(client, action: str, statements, **extra):
    data = {"action": action, "_selected_action": [statement.pk for statement in statements], **extra}
    return client.post(admin_url(Statement, "changelist"), data, follow=True)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("view", ["changelist", "add", "change"])
def test_admin_page_renders(admin_client, model, view):
    """Each model's changelist, add and change page renders for a superuser."""
    obj = MODELS[model]()
    url = admin_url(model, view, obj.pk) if view == "change" else admin_url(model, view)
    assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize("model", [Official, Topic, Source, Statement], ids=lambda model: model.__name__)
def test_history_page_renders(admin_client, model):
    """Tracked models have a history page."""
    obj = MODELS[model]()
    assert admin_client.get(admin_url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize(
    "model, field, term, expected",
    [
        (Statement, "speaker", "Peskov", "Dmitry Peskov"),
        (Statement, "mentioned_officials", "Peskov", "Dmitry Peskov"),
        (Statement, "topics", "sanc", "Sanctions"),
        (Statement, "countries", "Syria", "Syria"),
        (Statement, "source", "CNN", "Peskov interview to CNN"),
        (Topic, "parent", "sanc", "Sanctions"),
        (Position, "official", "Peskov", "Dmitry Peskov"),
    ],
)
def test_autocomplete_finds(admin_client, model, field, term, expected):
    """Every autocomplete field has a searchable admin behind it."""
    OfficialFactory(name="Dmitry Peskov")
    TopicFactory(name="Sanctions")
    SourceFactory(title="Peskov interview to CNN")
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "statements", "model_name": model._meta.model_name, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    assert any(expected in result["text"] for result in response.json()["results"])


@pytest.mark.parametrize("rows", [3, 30])
def test_statement_changelist_query_count_is_fixed(admin_client, django_assert_num_queries, rows):
    """The statements list costs the same number of queries for 3 rows as for 30 (no query per row)."""
    topics = TopicFactory.create_batch(2)
    for _ in range(rows):
        StatementFactory(topics=topics, countries=[country("RU"), country("US")])
    with django_assert_num_queries(CHANGELIST_QUERIES):
        response = admin_client.get(admin_url(Statement, "changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows


def test_statement_changelist_columns_and_escaping(admin_client):
    """The list shows the date at its precision, the speaker, an escaped excerpt, topics and status."""
    StatementFactory(
        speaker=OfficialFactory(name="Dmitry Peskov"),
        date=datetime.date(2016, 11, 1),
        date_precision="month",
        text="<script>alert(1)</script> No one expects that relationship will improve in a fortnight",
        topics=[TopicFactory(name="Sanctions")],
    )
    content = admin_client.get(admin_url(Statement, "changelist")).content.decode()
    for expected in [
        "November 2016",
        "Dmitry Peskov",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "Sanctions",
        "Published",
    ]:
        assert expected in content
    assert "<script>alert(1)" not in content


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"status__exact": "draft"}, ["draft one"]),
        ({"kind__exact": "paraphrase"}, ["paraphrase one"]),
        ({"q": "Peskov"}, ["draft one"]),
        ({"q": "Kremlin readout"}, ["paraphrase one"]),
        ({"date__year": "2016"}, ["draft one"]),
        ({"year": "2016"}, ["draft one"]),
        ({"speaker": "peskov"}, ["draft one"]),
    ],
)
def test_statement_changelist_filters_and_search(admin_client, query, expected):
    """Filters, search (text, speaker, source title) and the date hierarchy narrow the list."""
    StatementFactory(text="draft one", status=Status.DRAFT, speaker=OfficialFactory(name="Dmitry Peskov"))
    StatementFactory(
        text="paraphrase one", kind="paraphrase", date=datetime.date(2017, 1, 5), source__title="Kremlin readout"
    )
    response = admin_client.get(admin_url(Statement, "changelist"), query)
    assert [statement.text for statement in response.context["cl"].result_list] == expected


def test_add_statement_records_the_user(admin_client, superuser):
    """Saving through the admin stores who created and last changed the statement."""
    speaker = OfficialFactory()
    response = admin_client.post(
        admin_url(Statement, "add"),
        {"speaker": speaker.pk, "date": "2016-11-11", "date_precision": "day", "kind": "direct", "text": "Hello."}
        | {"status": "draft"}
        | NO_INLINES,
    )
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert (statement.created_by, statement.updated_by, statement.status) == (superuser, superuser, Status.DRAFT)
    assert statement.published_at is None


def test_publishing_through_the_form_stamps_published_at(admin_client, superuser):
    """A statement published from its form gets published_at and the saving user."""
    statement = StatementFactory(status=Status.DRAFT)
    page = admin_client.get(admin_url(Statement, "change", statement.pk))
    response = admin_client.post(page.request["PATH_INFO"], change_form_data(page, status="published"))
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == Status.PUBLISHED
    assert statement.published_at is not None
    assert statement.updated_by == superuser


@pytest.mark.parametrize(
    "start, changes, field, message",
    [
        (Status.DRAFT, {"status": "published", "source": ""}, "source", "cannot be published without a source"),
        (Status.PUBLISHED, {"status": "retracted"}, "retraction_reason", "Say why the statement is retracted"),
    ],
)
def test_statement_form_shows_model_rules_as_errors(admin_client, start, changes, field, message):
    """Publishing without a source and retracting without a reason are form errors, and nothing is saved."""
    statement = StatementFactory(status=start)
    page = admin_client.get(admin_url(Statement, "change", statement.pk))
    response = admin_client.post(page.request["PATH_INFO"], change_form_data(page, **changes))
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    source = statement.source
    statement.refresh_from_db()
    assert (statement.status, statement.source) == (start, source)


def test_a_draft_cannot_be_retracted_through_the_form(admin_client):
    """A draft was never public: the form refuses to retract it, as the retract action does."""
    statement = StatementFactory(status=Status.DRAFT)
    page = admin_client.get(admin_url(Statement, "change", statement.pk))
    response = admin_client.post(
        page.request["PATH_INFO"], change_form_data(page, status="retracted", retraction_reason="Wrong.")
    )
    assert response.status_code == 200
    assert "Only a published statement can be retracted" in str(response.context["adminform"].form.errors["status"])
    statement.refresh_from_db()
    assert statement.status == Status.DRAFT


def test_change_page_shows_the_speakers_role_on_the_date(admin_client):
    """The statement form shows the position the speaker held on the statement's date."""
    position = PositionFactory(
        title="Press Secretary of the President of Russia", start_date=datetime.date(2012, 5, 22)
    )
    statement = StatementFactory(speaker=position.official)
    response = admin_client.get(admin_url(Statement, "change", statement.pk))
    assert "Press Secretary of the President of Russia" in response.content.decode()


def test_topic_cycle_is_a_form_error(admin_client):
    """Making a topic the parent of its own ancestor is refused with an error on the parent field."""
    middle_east = TopicFactory(name="Middle East")
    syria = TopicFactory(name="Syria", parent=middle_east)
    page = admin_client.get(admin_url(Topic, "change", middle_east.pk))
    response = admin_client.post(page.request["PATH_INFO"], change_form_data(page, parent=str(syria.pk)))
    assert response.status_code == 200
    assert "cycle" in str(response.context["adminform"].form.errors["parent"])
    middle_east.refresh_from_db()
    assert middle_east.parent is None


def test_official_saves_with_positions_inline(admin_client):
    """An official's positions are edited on the official's page."""
    official = OfficialFactory()
    page = admin_client.get(admin_url(Official, "change", official.pk))
    data = change_form_data(page) | {
        "positions-TOTAL_FORMS": "1",
        "positions-0-title": "Press Secretary of the President of Russia",
        "positions-0-start_date": "2012-05-22",
    }
    response = admin_client.post(page.request["PATH_INFO"], data)
    assert response.status_code == 302
    assert official.positions.get().title == "Press Secretary of the President of Russia"


def test_source_page_lists_its_statements(admin_client):
    """A source's page shows the statements taken from it, linked to their own pages."""
    statement = StatementFactory(text="Syria is a burning issue")
    content = admin_client.get(admin_url(Source, "change", statement.source.pk)).content.decode()
    assert "Syria is a burning issue" in content
    assert admin_url(Statement, "change", statement.pk) in content


# --- Bulk actions -------------------------------------------------------------------------------


def test_publish_action(admin_client, superuser):
    """Publishing drafts sets the status, published_at and the user; already published ones are left alone."""
    drafts = StatementFactory.create_batch(2, status=Status.DRAFT)
    already = StatementFactory(status=Status.PUBLISHED)
    response = post_action(admin_client, "publish_selected", [*drafts, already])
    assert "Published 2 statements." in messages_of(response)
    for statement in drafts:
        statement.refresh_from_db()
        assert (statement.status, statement.updated_by) == (Status.PUBLISHED, superuser)
        assert statement.published_at is not None
    already.refresh_from_db()
    assert already.updated_by is None


def test_publish_action_refuses_the_whole_batch_without_source(admin_client):
    """One statement without a source stops the whole action: nothing is published, and the message says why."""
    with_source = StatementFactory(status=Status.DRAFT)
    without = StatementFactory(status=Status.DRAFT, source=None)
    response = post_action(admin_client, "publish_selected", [with_source, without])
    assert response.status_code == 200
    assert any("cannot be published without a source" in message for message in messages_of(response))
    assert set(Statement.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_unpublish_action(admin_client):
    """Returning to draft takes published and retracted statements off the public site."""
    published = StatementFactory(status=Status.PUBLISHED)
    retracted = StatementFactory(status=Status.RETRACTED, retraction_reason="Misattributed.")
    response = post_action(admin_client, "unpublish_selected", [published, retracted])
    assert "Returned 2 statements to draft." in messages_of(response)
    for statement in (published, retracted):
        statement.refresh_from_db()
        assert (statement.status, statement.retraction_reason, statement.published_at) == (Status.DRAFT, "", None)


def test_retract_action_asks_for_a_reason_first(admin_client):
    """The retract action shows a CSRF-protected form asking for a reason and changes nothing yet."""
    statement = StatementFactory()
    response = post_action(admin_client, "retract_selected", [statement])
    assert response.status_code == 200
    assert response.templates[0].name == "admin/statements/statement/retract_confirmation.html"
    assert b"csrfmiddlewaretoken" in response.content
    statement.refresh_from_db()
    assert statement.status == Status.PUBLISHED


@pytest.mark.parametrize("reason", ["", "   "])
def test_retract_action_refuses_an_empty_reason(admin_client, reason):
    """An empty reason re-displays the form with an error; nothing is retracted."""
    statement = StatementFactory()
    response = post_action(admin_client, "retract_selected", [statement], confirm="yes", reason=reason)
    assert response.status_code == 200
    assert "Say why the statements are retracted." in response.content.decode()
    statement.refresh_from_db()
    assert (statement.status, statement.retraction_reason) == (Status.PUBLISHED, "")


def test_retract_action_with_a_reason(admin_client, superuser):
    """Confirmed with a reason, the statements are retracted with it and stay public."""
    statements = StatementFactory.create_batch(2)
    response = post_action(admin_client, "retract_selected", statements, confirm="yes", reason="Misattributed.")
    assert "Retracted 2 statements." in messages_of(response)
    for statement in statements:
        statement.refresh_from_db()
        assert (statement.status, statement.retraction_reason, statement.updated_by) == (
            Status.RETRACTED,
            "Misattributed.",
            superuser,
        )
    assert Statement.objects.public().count() == 2


def test_retract_action_refuses_drafts(admin_client):
    """A draft was never public, so retracting it is refused, and the published ones in the batch stay as they are."""
    published = StatementFactory()
    draft = StatementFactory(status=Status.DRAFT)
    response = post_action(admin_client, "retract_selected", [published, draft], confirm="yes", reason="Wrong.")
    assert any("only published statements can be retracted" in message for message in messages_of(response))
    assert dict(Statement.objects.values_list("pk", "status")) == {
        published.pk: Status.PUBLISHED,
        draft.pk: Status.DRAFT,
    }


@pytest.mark.parametrize(
    ("action", "status", "extra", "message"),
    [
        ("publish_selected", Status.DRAFT, {}, "Published 1 statement."),
        ("unpublish_selected", Status.PUBLISHED, {}, "Returned 1 statement to draft."),
        ("retract_selected", Status.PUBLISHED, {"confirm": "yes", "reason": "Wrong."}, "Retracted 1 statement."),
    ],
)
def test_an_action_on_one_statement_says_statement_not_statements(admin_client, action, status, extra, message):
    """One statement is "1 statement", never "1 statement(s)"."""
    response = post_action(admin_client, action, [StatementFactory(status=status)], **extra)
    assert message in messages_of(response)


def test_no_message_or_page_writes_a_plural_as_s_in_brackets():
    """Counts get a real singular or plural (ngettext, pluralize), not "statement(s)": a guard for new messages."""
    root = Path(settings.BASE_DIR)
    sources = [*root.glob("statements/**/*.py"), *root.glob("templates/**/*.html")]
    found = [
        f"{path.relative_to(root)}:{n}"
        for path in sources
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"[a-z]\(s\)", line)
    ]
    assert found == []


# --- The publishing functions behind the actions, called directly (as an import or the extraction step would)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda batch: publishing.publish_statements(statements=batch, user=None), "without a source"),
        (lambda batch: publishing.retract_statements(statements=batch, user=None, reason="  "), "say why"),
        (lambda batch: publishing.retract_statements(statements=batch, user=None, reason="Wrong."), "Drafts selected"),
    ],
)
def test_publishing_refuses_the_whole_batch(call, message):
    """A refused batch raises a ValidationError that says why, and no statement in it changes."""
    batch = [StatementFactory(status=Status.DRAFT), StatementFactory(status=Status.DRAFT, source=None)]
    with pytest.raises(ValidationError, match=message):
        call(Statement.objects.filter(pk__in=[statement.pk for statement in batch]))
    assert set(Statement.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert not Statement.history.filter(history_type="~").exists()


# --- The admin's own name, front page and help -----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/", "/admin/statements/statement/"])
def test_the_admin_is_named_statement_tracker_not_django(admin_client, url):
    """Every admin page's title and header name the project, not "Django administration"."""
    html = admin_client.get(url).content.decode()
    assert '<div id="site-name"><a href="/admin/">Statement Tracker</a></div>' in html
    assert "| Statement Tracker</title>" in html
    assert "Django" not in html.split("<body", 1)[1].split('id="content"', 1)[0]  # header and breadcrumbs


def test_the_login_page_is_named_statement_tracker(client):
    html = client.get("/admin/login/").content.decode()
    assert "Statement Tracker" in html
    assert "Django administration" not in html and "Django site admin" not in html


@pytest.mark.parametrize(("role", "sees"), [("Analyst", True), ("Editor", True), (None, False)])
def test_the_front_page_offers_the_article_assistant_and_the_csv_import(client, role, sees):
    """Who may add statements finds the article assistant and the CSV import on the admin's front page."""
    user = user_with_role(role) if role else UserFactory(username="looker")
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    links = [
        reverse("admin:statements_statement_from_article"),
        reverse("admin:statements_statement_import"),
        reverse("admin:statements_statement_csv_format"),
    ]
    assert [link in html for link in links] == [sees] * 3


def test_the_import_page_links_the_csv_format_and_the_link_works(admin_client):
    """The import form's help is a link that opens the CSV format's reference, not a bare path to a file."""
    html = admin_client.get(reverse("admin:statements_statement_import")).content.decode()
    assert "see docs/csv.md" not in html
    link = reverse("admin:statements_statement_csv_format")
    assert f'href="{link}"' in html
    help_page = admin_client.get(link)
    assert help_page.status_code == 200
    text = help_page.content.decode()
    assert "The CSV format" in text
    assert "### Columns" in text and "speaker_country_code" in text  # docs/csv.md itself


def test_the_csv_format_page_is_behind_the_admin_login(client):
    response = client.get(reverse("admin:statements_statement_csv_format"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_analyst_finds_the_assistant_and_the_csv_help_from_the_front_page(live_server, page):
    """Signed in, the front page says Statement Tracker and leads to the assistant, the import and its help."""
    user_with_role("Analyst")
    log_in(page, f"{live_server.url}/admin/", "analyst")
    assert page.title() == "Statement Tracker administration | Statement Tracker"
    assert page.get_by_role("link", name="Statement Tracker", exact=True).is_visible()
    screenshot(page, "admin-index")

    page.get_by_role("link", name="New statements from an article").click()
    page.wait_for_url(re.compile(r"/from-article/$"))
    assert page.get_by_label("Article text").is_visible()

    page.go_back()
    page.get_by_role("link", name="Import statements from CSV").click()
    page.wait_for_url(re.compile(r"/import/$"))
    page.get_by_role("link", name="the CSV format").click()
    page.wait_for_url(re.compile(r"/csv-format/$"))
    assert page.get_by_role("heading", name="The CSV format").is_visible()
    assert "`speaker_country_code`" in page.locator("pre.help-text").inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_one_draft_in_the_browser_says_one_statement(live_server, page, superuser):
    """The message a person reads after publishing one draft is "Published 1 statement.", not "statement(s)"."""
    draft = StatementFactory(status=Status.DRAFT, text="A lone draft to publish.")
    log_in(page, f"{live_server.url}/admin/statements/statement/", "admin")
    page.locator(f'input[name="_selected_action"][value="{draft.pk}"]').check()
    page.get_by_label("Action:").select_option(label="Publish selected statements")
    with page.expect_navigation():
        page.get_by_role("button", name="Go").click()
    assert page.locator(".messagelist .success").inner_text() == "Published 1 statement."
