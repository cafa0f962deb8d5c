"""History: each change to a statement, official, topic or source records who, when, why and old and new values.

One save is one entry (links included); the history page shows the whole difference readably, the reason when one
was given, and for statements a public correction note kept apart from the internal reason.
"""

import datetime
import re

import pytest
from django.urls import reverse

from statements import article_drafts, history, publishing
from statements.imports import IMPORT_REASON, import_statements
from statements.models import Official, Source, Statement, Status, Topic
from tests.admin_helpers import admin_url, change_form_data, user_with_role
from tests.browser import log_in
from tests.factories import OfficialFactory, SourceFactory, StatementFactory, TopicFactory, country

pytestmark = pytest.mark.django_db

# Queries for a statement's history page, however many entries it has: session, user, the statement and its topics
# (the admin's queryset), the entry count, the entries with their users, speakers and sources, and the topics,
# countries and officials mentioned of every entry on the page (one query each).
HISTORY_PAGE_QUERIES = 10

TRACKED = [
    (Statement, lambda: StatementFactory(text="Old words."), "text", "Old words.", "New words."),
    (Official, lambda: OfficialFactory(name="Dmitri Peskov"), "name", "Dmitri Peskov", "Dmitry Peskov"),
    (Topic, lambda: TopicFactory(description="Old scope."), "description", "Old scope.", "New scope."),
    (Source, lambda: SourceFactory(title="Peskov on CNN"), "title", "Peskov on CNN", "Peskov interview to CNN"),
]


def ids(through_rows: list[dict], field: str) -> set[int]:
    """The related ids in simple-history's m2m diff values (one dict per through-table row)."""
    return {row[field] for row in through_rows}


def edit_in_admin(client, obj, **changes):
    page = client.get(admin_url(type(obj), "change", obj.pk))
    response = client.post(page.request["PATH_INFO"], change_form_data(page, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def history_page(client, obj) -> str:
    """The history page's HTML with runs of whitespace as one space."""
    response = client.get(admin_url(type(obj), "history", obj.pk))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def entries(obj) -> list:
    """The object's history entries, oldest first."""
    return list(obj.history.order_by("history_date", "history_id"))


@pytest.mark.parametrize("model, make, field, old, new", TRACKED, ids=lambda value: getattr(value, "__name__", ""))
def test_admin_edit_is_recorded_with_old_and_new_values(admin_client, superuser, model, make, field, old, new):
    """An admin edit adds one history record naming the user, and the diff gives the field's old and new value."""
    obj = make()
    before = obj.history.count()
    edit_in_admin(admin_client, obj, **{field: new})
    assert obj.history.count() == before + 1
    latest = obj.history.first()
    assert latest.history_user == superuser
    changes = {change.field: (change.old, change.new) for change in latest.diff_against(latest.prev_record).changes}
    assert changes == {field: (old, new)}


@pytest.mark.parametrize("model, make, field, old, new", TRACKED, ids=lambda value: getattr(value, "__name__", ""))
def test_history_page_shows_who_and_what(admin_client, superuser, model, make, field, old, new):
    """The history page links the user and shows old → new: long text word by word, short values whole."""
    obj = make()
    edit_in_admin(admin_client, obj, **{field: new})
    content = history_page(admin_client, obj)
    assert f'<a href="{reverse("admin:auth_user_change", args=[superuser.pk])}">admin</a>' in content
    label = model._meta.get_field(field).verbose_name.capitalize()
    if model._meta.get_field(field).get_internal_type() == "TextField":
        old_word, new_word, rest = old.split()[0], new.split()[0], old.split(" ", 1)[1]
        expected = f'<span class="word-diff"><del>{old_word}</del><ins>{new_word}</ins> {rest}</span>'
    else:
        expected = f'<del class="history-text">{old}</del> &rarr; <ins class="history-text">{new}</ins>'
    assert f"<strong>{label}:</strong> {expected}" in content


@pytest.mark.parametrize(
    "old, new, runs",
    [
        ("Old words.", "New words.", [("del", "Old"), ("ins", "New"), ("same", " words.")]),
        ("We talk.", "We talk.", [("same", "We talk.")]),
        ("", "Brand new.", [("ins", "Brand new.")]),
        ("All gone.", "", [("del", "All gone.")]),
        # A rewritten phrase is one deletion and one insertion, not word after word.
        (
            "The relationship will improve soon, he said.",
            "The relationship will not get better in a fortnight, he said.",
            [
                ("same", "The relationship will "),
                ("del", "improve soon"),
                ("ins", "not get better in a fortnight"),
                ("same", ", he said."),
            ],
        ),
        # Words, not characters: "Syria's" is one word, and punctuation its own token.
        ("Syria's war.", "Syria's peace!", [("same", "Syria's "), ("del", "war."), ("ins", "peace!")]),
        (
            "Line one.\nLine two.",
            "Line one.\nLine 2.",
            [("same", "Line one.\nLine "), ("del", "two"), ("ins", "2"), ("same", ".")],
        ),
    ],
)
def test_word_diff(old, new, runs):
    """Text changes are compared word by word; the runs rebuild both texts exactly."""
    assert history.word_diff(old, new) == runs
    assert "".join(text for op, text in runs if op != "ins") == old
    assert "".join(text for op, text in runs if op != "del") == new


def test_a_long_text_change_is_shown_whole(admin_client):
    """A change to a long text shows every word of it, old and new, nothing cut to "[59 chars]"."""
    start = "No one expects that relationship will improve in a fortnight between Moscow and Washington, "
    old = start + "and we will keep talking with them for as long as it takes to find a way forward."
    new = start + "but we are ready to keep talking with our partners for as long as it takes to find a way."
    statement = StatementFactory(text=old)
    edit_in_admin(admin_client, statement, text=new)
    content = history_page(admin_client, statement)
    assert "chars]" not in content
    diff = re.search(r'<strong>Text:</strong> <span class="word-diff">(.*?)</span>', content).group(1)
    shown_new = re.sub(r"<del>.*?</del>", "", diff).replace("<ins>", "").replace("</ins>", "")
    shown_old = re.sub(r"<ins>.*?</ins>", "", diff).replace("<del>", "").replace("</del>", "")
    assert (shown_old, shown_new) == (old, new)
    assert "<del>and we will</del><ins>but we are ready to</ins>" in diff


def add_statement_in_admin(client, **changes) -> Statement:
    """Save the admin's add form for a new draft with the given fields."""
    page = client.get(admin_url(Statement, "add"))
    data = change_form_data(page, date="2016-11-11", date_precision="day", kind="direct", status="draft", **changes)
    response = client.post(admin_url(Statement, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Statement.objects.latest("pk")


def test_one_admin_save_of_a_new_statement_is_one_entry_with_its_links(admin_client):
    """Adding a statement with topics, countries and officials mentioned is one "Created" entry holding them all."""
    syria, sanctions = TopicFactory(name="Syria war"), TopicFactory(name="Sanctions")
    trump = OfficialFactory(name="Donald Trump")
    statement = add_statement_in_admin(
        admin_client,
        speaker=str(OfficialFactory().pk),
        text="Syria is a burning issue.",
        source=str(SourceFactory().pk),
        topics=[str(syria.pk), str(sanctions.pk)],
        countries=[str(country("RU").pk), str(country("SY").pk)],
        mentioned_officials=[str(trump.pk)],
    )
    (created,) = entries(statement)
    assert created.history_type == "+"
    assert sorted(row.topic.name for row in created.topics.all()) == ["Sanctions", "Syria war"]
    assert sorted(row.country.code for row in created.countries.all()) == ["RU", "SY"]
    assert [row.official.name for row in created.mentioned_officials.all()] == ["Donald Trump"]
    content = history_page(admin_client, statement)
    assert "<strong>Topics:</strong> <ins>Sanctions</ins>, <ins>Syria war</ins>" in content
    assert '<strong>Text:</strong> <span class="history-text">Syria is a burning issue.</span>' in content


def test_topic_and_country_changes_are_one_entry_with_names_added_and_removed(admin_client):
    """Changing text, topics and countries in one save is one entry; links show as names added and removed."""
    sanctions, syria = TopicFactory(name="Sanctions"), TopicFactory(name="Syria war")
    russia, syria_country = country("RU"), country("SY")
    statement = StatementFactory(topics=[sanctions], countries=[russia])
    before = statement.history.count()
    edit_in_admin(
        admin_client,
        statement,
        text="Changed words.",
        topics=[str(syria.pk)],
        countries=[str(russia.pk), str(syria_country.pk)],
    )
    assert statement.history.count() == before + 1
    latest = statement.history.first()
    changes = {change.field: change for change in latest.diff_against(latest.prev_record).changes}
    assert set(changes) == {"text", "topics", "countries"}
    assert (ids(changes["topics"].old, "topic"), ids(changes["topics"].new, "topic")) == ({sanctions.pk}, {syria.pk})
    assert ids(changes["countries"].new, "country") == {russia.pk, syria_country.pk}
    content = history_page(admin_client, statement)
    assert "<strong>Topics:</strong> added <ins>Syria war</ins>; removed <del>Sanctions</del>" in content
    assert "<strong>Countries concerned:</strong> added <ins>Syria</ins>" in content


@pytest.mark.parametrize(
    "reason, shown",
    [
        ("Typo in the quote, checked against the TASS text.", "Typo in the quote, checked against the TASS text."),
        ("", ""),
        ("   ", ""),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ],
)
def test_the_reason_given_on_the_form_is_on_the_entry_and_blank_when_none(admin_client, reason, shown):
    """The form's optional reason is stored on the save's entry and shown as text; without one the column is empty."""
    statement = StatementFactory(text="Old words.")
    edit_in_admin(admin_client, statement, text="New words.", change_reason=reason)
    assert (statement.history.first().history_change_reason or "") == reason.strip()
    content = history_page(admin_client, statement)
    assert f'<td data-label="Reason" class="history-text">{shown}</td>' in content
    assert "None" not in content


def test_choices_and_links_show_their_labels(admin_client):
    """A status change reads "Draft → Published" and the source by its name, not "draft" or an id."""
    statement = StatementFactory(status=Status.DRAFT)
    new_source = SourceFactory(title="Kremlin readout")
    edit_in_admin(admin_client, statement, status="published", source=str(new_source.pk))
    content = history_page(admin_client, statement)
    status = '<del class="history-text">Draft</del> &rarr; <ins class="history-text">Published</ins>'
    assert f"<strong>Status:</strong> {status}" in content
    assert f'<ins class="history-text">{new_source}</ins>' in content


def form_fields(client, statement) -> set[str]:
    return set(client.get(admin_url(Statement, "change", statement.pk)).context["adminform"].form.fields)


@pytest.mark.parametrize(
    "role, status, fields",
    [
        ("Editor", Status.PUBLISHED, {"change_reason", "public_note"}),
        ("Editor", Status.RETRACTED, {"change_reason", "public_note"}),
        ("Editor", Status.DRAFT, {"change_reason"}),
        ("Analyst", Status.DRAFT, {"change_reason"}),
        ("Analyst", Status.PUBLISHED, set()),  # read-only for an Analyst: nothing to give a reason for
    ],
)
def test_who_is_asked_for_a_reason_and_a_public_note(client, role, status, fields):
    """Everyone who can change a statement may give a reason; only Editors changing a public one write a public note."""
    client.force_login(user_with_role(role))
    extra = {"retraction_reason": "Misattributed."} if status == Status.RETRACTED else {}
    statement = StatementFactory(status=status, **extra)
    assert form_fields(client, statement) & {"change_reason", "public_note"} == fields


def test_a_public_note_is_kept_apart_from_the_reason(client):
    """An Editor's correction of a published statement stores the public note and the internal reason separately."""
    client.force_login(user_with_role("Editor"))
    statement = StatementFactory(text="Syria is a burning isue.")
    edit_in_admin(
        client,
        statement,
        text="Syria is a burning issue.",
        change_reason="Reader report #12; checked the transcript.",
        public_note="A typo in the quote was corrected.",
    )
    latest = statement.history.first()
    assert (latest.history_change_reason, latest.public_note) == (
        "Reader report #12; checked the transcript.",
        "A typo in the quote was corrected.",
    )
    content = history_page(client, statement)
    assert '<td data-label="Public note" class="history-text">A typo in the quote was corrected.</td>' in content


def test_an_analyst_cannot_write_a_public_note(client):
    """A public note posted by an Analyst (not on their form) is ignored; their reason is kept."""
    client.force_login(user_with_role("Analyst"))
    statement = StatementFactory(status=Status.DRAFT, text="Old words.")
    edit_in_admin(client, statement, text="New words.", change_reason="Fixed a word.", public_note="Forged note.")
    latest = statement.history.first()
    assert (latest.history_change_reason, latest.public_note) == ("Fixed a word.", "")


def test_an_old_version_page_asks_for_no_reason(admin_client):
    """Viewing an old version (read-only) shows no "reason for this change" box."""
    statement = StatementFactory(text="Old words.")
    edit_in_admin(admin_client, statement, text="New words.")
    oldest = statement.history.last()
    response = admin_client.get(admin_url(Statement, "simple_history", statement.pk, oldest.history_id))
    assert response.status_code == 200
    assert "change_reason" not in response.content.decode()


def test_bulk_action_is_recorded_with_a_reason(client):
    """A status change by bulk action is one entry with the editor who made it and the action as its reason."""
    editor = user_with_role("Editor")
    client.force_login(editor)
    statement = StatementFactory(status=Status.DRAFT)
    before = statement.history.count()
    client.post(admin_url(Statement, "changelist"), {"action": "publish_selected", "_selected_action": [statement.pk]})
    assert statement.history.count() == before + 1
    latest = statement.history.first()
    assert (latest.history_user, latest.history_change_reason) == (editor, publishing.PUBLISHED_REASON)
    changes = {change.field: (change.old, change.new) for change in latest.diff_against(latest.prev_record).changes}
    assert changes["status"] == (Status.DRAFT, Status.PUBLISHED)


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


def test_the_demo_gives_each_statement_one_entry_with_its_links():
    """Loading the demo makes one "Created" entry per statement, links included, saying it is demo data."""
    from statements.sample_data import demo

    demo.load_demo()
    statements = Statement.objects.all()
    assert statements.exists()
    for statement in statements:
        (created,) = entries(statement)
        assert (created.history_type, created.history_change_reason) == ("+", demo.DEMO_REASON)
        assert len(history.link_names(created, "topics")) == statement.topics.count() > 0


def test_the_history_page_has_a_fixed_number_of_queries(admin_client, django_assert_num_queries):
    """Two edits or six, the history page costs the same queries: nothing is looked up per entry."""
    statement = StatementFactory(topics=[TopicFactory()], countries=[country("RU")])
    url = admin_url(Statement, "history", statement.pk)
    admin_client.get(url)  # the user's content type, cached for the process
    for edits in (2, 6):
        while statement.history.count() < edits + 1:
            n = statement.history.count()
            edit_in_admin(admin_client, statement, text=f"Edit {n}.", topics=[str(TopicFactory().pk)])
        with django_assert_num_queries(HISTORY_PAGE_QUERIES):
            response = admin_client.get(url)
        assert len(response.context["page_obj"]) == statement.history.count()


def test_the_oldest_entry_on_a_page_is_compared_with_the_entry_on_the_next_page(admin_client, monkeypatch):
    """With the history split over pages, each page's last entry still shows its own change, not the whole record."""
    from django.contrib import admin

    monkeypatch.setattr(admin.site._registry[Statement], "history_list_per_page", 2)
    statement = StatementFactory(text="First words.")
    for text in ("Second words.", "Third words."):
        edit_in_admin(admin_client, statement, text=text)
    response = admin_client.get(admin_url(Statement, "history", statement.pk))
    newest, oldest_on_page = response.context["page_obj"]
    assert [change.field for change in oldest_on_page.readable_changes] == ["text"]
    assert oldest_on_page.readable_changes[0].words == [("del", "First"), ("ins", "Second"), ("same", " words.")]
    second_page = admin_client.get(admin_url(Statement, "history", statement.pk) + "?p=2").context["page_obj"]
    (created,) = second_page
    assert "speaker" in [change.field for change in created.readable_changes]  # what it was created with


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


PESKOV_SAID = (
    "No one expects that relationship will improve in a fortnight between Moscow and Washington, "
    "and we will keep talking."
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_editor_reads_a_statement_history_after_two_edits(live_server, page):
    """After two edits in the browser the history is three rows: who, why, the public note, and the words changed."""
    from tests.browser import screenshot

    editor = user_with_role("Editor")
    statement = StatementFactory.build(
        speaker=OfficialFactory(name="Dmitry Peskov"), source=SourceFactory(title="Peskov on CNN"), text=PESKOV_SAID
    )
    with history.one_entry(statement, user=editor, reason="Curated from the TASS report."):
        statement.save()
        statement.topics.set([TopicFactory(name="Russia–US relations"), TopicFactory(name="Sanctions")])
        statement.countries.set([country("RU"), country("US")])

    log_in(page, f"{live_server.url}/admin/", "editor")
    change_url = f"{live_server.url}{admin_url(Statement, 'change', statement.pk)}"

    page.goto(change_url)
    page.locator("#id_text").fill(PESKOV_SAID.replace("and we will keep talking", "but we are ready to keep talking"))
    page.get_by_label("Reason for this change").fill("Checked against the CNN transcript.")
    page.get_by_label("Public correction note").fill("The end of the quote was corrected.")
    page.get_by_label("Reason for this change").scroll_into_view_if_needed()
    screenshot(page, "admin-statement-change-reason", widths=(390, 1280))
    with page.expect_navigation():
        page.locator("input[name=_save]").click()

    page.goto(change_url)
    page.locator("#id_kind").select_option("paraphrase")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()

    page.goto(f"{live_server.url}{admin_url(Statement, 'history', statement.pk)}")
    rows = page.locator("#change-history tbody tr")
    assert rows.count() == 3
    newest, corrected, created = rows.nth(0), rows.nth(1), rows.nth(2)
    assert "Direct quote" in newest.locator("del").inner_text() and "Paraphrase" in newest.locator("ins").inner_text()
    assert newest.locator("td[data-label=Reason]").inner_text() == ""
    assert corrected.locator("td[data-label=Reason]").inner_text() == "Checked against the CNN transcript."
    assert corrected.locator("td[data-label='Public note']").inner_text() == "The end of the quote was corrected."
    assert corrected.locator(".word-diff del").inner_text() == "and we will"
    assert corrected.locator(".word-diff ins").inner_text() == "but we are ready to"
    assert "Sanctions" in created.inner_text() and "Curated from the TASS report." in created.inner_text()
    screenshot(page, "admin-history", widths=(390, 1280))
