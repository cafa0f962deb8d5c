"""One date input wherever a date is typed: YYYY, YYYY-MM or YYYY-MM-DD, and a message that says why not."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from statements.dates import DateSpan, DayField, PartialDateField, parse_partial_date
from statements.models import DatePrecision, Official, Position, Source, Statement, Status
from statements.sample_data.demo import SEED_ARTICLE
from tests.admin_helpers import NO_INLINES, admin_url, change_form_data, user_with_role
from tests.browser import log_in, screenshot, serious_violations
from tests.factories import OfficialFactory, OutletFactory, SourceFactory, StatementFactory

FORMS = "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD (for example 2016, 2016-11 or 2016-11-11)"
DAY_FORM = "Enter a date as YYYY-MM-DD (for example 2016-11-11)"
D = datetime.date.fromisoformat

# typed → (first day, last day, precision), or the message it gets
TYPED = [
    ("2016", ("2016-01-01", "2016-12-31", "year")),
    ("2016-11", ("2016-11-01", "2016-11-30", "month")),
    ("2016-02", ("2016-02-01", "2016-02-29", "month")),
    ("2016-1", ("2016-01-01", "2016-01-31", "month")),
    ("2016-11-11", ("2016-11-11", "2016-11-11", "day")),
    ("2016-2-3", ("2016-02-03", "2016-02-03", "day")),
    (" 2016-11-11 ", ("2016-11-11", "2016-11-11", "day")),
    ("2016-02-29", ("2016-02-29", "2016-02-29", "day")),
    ("2016-13", f"{FORMS}: there is no month 13."),
    ("2016-00", f"{FORMS}: there is no month 0."),
    ("2016-13-01", f"{FORMS}: there is no month 13."),
    ("2016-02-30", f"{FORMS}: February 2016 has 29 days."),
    ("2015-02-29", f"{FORMS}: February 2015 has 28 days."),
    ("2016-04-31", f"{FORMS}: April 2016 has 30 days."),
    ("2016-11-00", f"{FORMS}: November 2016 has 30 days."),
    ("0000", f"{FORMS}: there is no year 0."),
    # Written with a month name: unambiguous, but refused with what to type instead.
    ("Nov 2016", f"{FORMS}: write it as 2016-11."),
    ("November 2016", f"{FORMS}: write it as 2016-11."),
    ("11 November 2016", f"{FORMS}: write it as 2016-11-11."),
    ("11th Nov. 2016", f"{FORMS}: write it as 2016-11-11."),
    ("November 11, 2016", f"{FORMS}: write it as 2016-11-11."),
    ("Feb 30 2016", f"{FORMS}."),
    # Numbers in another order are November in one country and December in another: refused, not guessed.
    ("11/12/2016", f"{FORMS}."),
    ("12.11.2016", f"{FORMS}."),
    ("2016/11/11", f"{FORMS}."),
    ("20161111", f"{FORMS}."),
    ("٢٠١٦", f"{FORMS}."),  # digits, but not the ones the form asks for
    ("yesterday", f"{FORMS}."),
    ("2016-11-11T10:00", f"{FORMS}."),
]


@pytest.mark.parametrize(("typed", "expected"), TYPED)
def test_a_typed_date_is_a_span_with_its_precision_or_a_message_saying_why_not(typed, expected):
    """YYYY, YYYY-MM and YYYY-MM-DD are a year, a month and a day; anything else is refused with the reason."""
    field = PartialDateField(required=False)
    if isinstance(expected, str):
        with pytest.raises(ValidationError) as error:
            field.clean(typed)
        assert error.value.messages == [expected]
        return
    span = field.clean(typed)
    assert (span.first.isoformat(), span.last.isoformat(), span.precision) == expected
    assert span == parse_partial_date(typed)[:2] + (typed.strip(),)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2016-11-11", datetime.date(2016, 11, 11)),
        ("", None),
        ("2016-11", f"{DAY_FORM}: “2016-11” gives no day."),
        ("2016", f"{DAY_FORM}: “2016” gives no day."),
        ("11 Nov 2016", f"{DAY_FORM}: write it as 2016-11-11."),
        ("Nov 2016", f"{DAY_FORM}."),  # no day to suggest
        ("2016-02-30", f"{DAY_FORM}: February 2016 has 29 days."),
        ("11/12/2016", f"{DAY_FORM}."),
    ],
)
def test_a_date_known_to_the_day_takes_only_a_day(typed, expected):
    """A publication or position date is the same input, asking for the day; it cleans to a date."""
    field = DayField(required=False)
    if isinstance(expected, str):
        with pytest.raises(ValidationError) as error:
            field.clean(typed)
        assert error.value.messages == [expected]
    else:
        assert field.clean(typed) == expected


@pytest.mark.parametrize(
    ("date", "precision", "shown"),
    [
        ("2016-11-11", DatePrecision.DAY, "2016-11-11"),
        ("2016-11-01", DatePrecision.MONTH, "2016-11"),
        ("2016-01-01", DatePrecision.YEAR, "2016"),
        ("0987-03-01", DatePrecision.MONTH, "0987-03"),
    ],
)
def test_a_stored_date_is_shown_as_precisely_as_it_is_known(date, precision, shown):
    """The form shows a statement's date as it would be typed: a month as 2016-11, not as its first day."""
    span = DateSpan.of(D(date), precision)
    assert PartialDateField().prepare_value(span) == shown
    assert parse_partial_date(shown)[:2] == span[:2]


# --- The statement form ------------------------------------------------------------------------------------------


def add_statement(client, date: str):
    speaker = OfficialFactory()
    data = {"speaker": speaker.pk, "date": date, "kind": "direct", "text": "Hello.", "status": "draft"} | NO_INLINES
    return client.post(admin_url(Statement, "add"), data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2016-11-11", ("2016-11-11", DatePrecision.DAY)),
        ("2016-11", ("2016-11-01", DatePrecision.MONTH)),
        ("2016", ("2016-01-01", DatePrecision.YEAR)),
        ("2016-2-3", ("2016-02-03", DatePrecision.DAY)),
        ("2016-13", f"{FORMS}: there is no month 13."),
        ("Nov 2016", f"{FORMS}: write it as 2016-11."),
        ("11/11/2016", f"{FORMS}."),
        ("", "This field is required."),
    ],
)
def test_the_statement_form_takes_the_date_as_precisely_as_it_is_known(admin_client, typed, expected):
    """One box for the date: what is typed sets the date and its precision; anything else is an error on it."""
    response = add_statement(admin_client, typed)
    if isinstance(expected, str):
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["date"] == [expected]
        assert not Statement.objects.exists()
        return
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert (statement.date.isoformat(), statement.date_precision) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stored", "precision", "typed", "expected"),
    [
        ("2016-11-01", DatePrecision.MONTH, None, ("2016-11-01", DatePrecision.MONTH)),  # saved untouched
        ("2016-11-01", DatePrecision.MONTH, "2016-11-01", ("2016-11-01", DatePrecision.DAY)),  # now the day
        ("2016-11-01", DatePrecision.MONTH, "2016", ("2016-01-01", DatePrecision.YEAR)),
        ("2016-11-11", DatePrecision.DAY, "2016-11", ("2016-11-01", DatePrecision.MONTH)),
    ],
)
def test_editing_a_statement_shows_and_keeps_its_precision(admin_client, stored, precision, typed, expected):
    """The change form shows the date at its precision (2016-11), so saving it unchanged keeps the precision."""
    statement = StatementFactory(date=D(stored), date_precision=precision, status=Status.DRAFT)
    url = admin_url(Statement, "change", statement.pk)
    page = admin_client.get(url)
    shown = DateSpan.of(D(stored), precision).iso
    assert re.search(rf'<input type="text" name="date" value="{shown}"[^>]*placeholder="YYYY-MM-DD"', page.text)
    assert 'name="date_precision"' not in page.text
    changes = {} if typed is None else {"date": typed}
    assert admin_client.post(url, change_form_data(page, **changes)).status_code == 302
    statement.refresh_from_db()
    assert (statement.date.isoformat(), statement.date_precision) == expected


@pytest.mark.django_db
def test_a_read_only_statement_shows_its_date_in_words(client):
    """An analyst viewing a published statement reads "November 2016", not the first of the month."""
    statement = StatementFactory(date=D("2016-11-01"), date_precision=DatePrecision.MONTH)
    client.force_login(user_with_role("Analyst"))
    page = client.get(admin_url(Statement, "change", statement.pk))
    assert page.status_code == 200
    assert re.search(r'<div class="readonly">November 2016</div>', page.text)
    assert "Nov. 1, 2016" not in page.text


@pytest.mark.django_db
def test_someone_elses_change_of_precision_alone_is_not_overwritten(admin_client):
    """A date's precision is part of the date box: changed by someone else meanwhile, the save is refused."""
    statement = StatementFactory(date=D("2016-11-01"), date_precision=DatePrecision.DAY)
    url = admin_url(Statement, "change", statement.pk)
    page = admin_client.get(url)
    Statement.objects.filter(pk=statement.pk).update(date_precision=DatePrecision.MONTH)
    response = admin_client.post(url, change_form_data(page, text="Other words"))
    assert response.status_code == 200
    assert "after you opened it (Date)" in " ".join(response.context["adminform"].form.non_field_errors())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2016-11-12", datetime.date(2016, 11, 12)),
        ("11/12/2016", f"{DAY_FORM}."),  # Django's stock admin read this as 12 November, US style
        ("2016-11", f"{DAY_FORM}: “2016-11” gives no day."),
    ],
)
def test_a_source_publication_date_is_typed_in_the_same_box(admin_client, typed, expected):
    """The source form's publication date is the same input, asking for the day."""
    outlet = OutletFactory()
    page = admin_client.get(admin_url(Source, "add"))
    data = {"outlet": outlet.pk, "title": "A report", "published_on": typed, "language": "en", "medium": "article"}
    response = admin_client.post(admin_url(Source, "add"), change_form_data(page, **data))
    if isinstance(expected, str):
        assert response.context["adminform"].form.errors["published_on"] == [expected]
    else:
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert Source.objects.get().published_on == expected


def date_inputs(html: str) -> list[str]:
    """Every <input> whose name is a date's (date, published_on, start_date, end_date, with any form prefix)."""
    return re.findall(r'<input[^>]*name="[^"]*(?:date|published_on)"[^>]*>', html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    ["statement add", "statement change", "source add", "source change", "position add", "official add", "article"],
)
def test_every_date_box_in_the_admin_is_the_same_input(admin_client, page):
    """No browser date picker (in the browser's locale) and no admin calendar: the same text box everywhere."""
    statement = StatementFactory(status=Status.DRAFT)
    urls = {
        "statement add": admin_url(Statement, "add"),
        "statement change": admin_url(Statement, "change", statement.pk),
        "source add": admin_url(Source, "add"),
        "source change": admin_url(Source, "change", SourceFactory().pk),
        "position add": admin_url(Position, "add"),
        "official add": admin_url(Official, "add"),
        "article": admin_url(Statement, "from_article"),
    }
    html = admin_client.get(urls[page]).text
    inputs = date_inputs(html)
    assert inputs
    for tag in inputs:
        assert 'type="text"' in tag and 'placeholder="YYYY-MM-DD"' in tag, tag
        assert "vDateField" not in tag and 'type="date"' not in tag, tag
    assert "DateTimeShortcuts.js" not in html


# --- In Debian's Chromium (`pytest -m browser`) ------------------------------------------------------------------

ADMIN_NOT_OURS = [".breadcrumbs", ".select2-container"]  # Django's own, as in tests/test_extraction_admin.py
ARTICLE = "/admin/statements/statement/from-article/"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_article_form_has_the_same_date_box_and_says_what_to_type(live_server, page):
    """The article assistant's dates are the statement form's text box, with the same messages, at 390 and 1280."""
    call_command("load_demo", stdout=io.StringIO())
    Statement.objects.all().delete()  # the demo's officials, topics and outlets; none of its quotes
    user_with_role("Analyst")
    log_in(page, f"{live_server.url}/admin/login/?next={ARTICLE}", "analyst")

    published = page.get_by_label("Publication date")
    assert published.get_attribute("type") == "text" and published.get_attribute("placeholder") == "YYYY-MM-DD"
    assert page.locator("#id_published_on_helptext").inner_text().startswith("YYYY-MM-DD.")
    page.get_by_label("Article text").fill(SEED_ARTICLE.read_text(encoding="utf-8"))
    page.get_by_label("or a new outlet").fill("TASS")
    page.get_by_label("Title").fill("No one expects swift improvement of Russian-US relations — Peskov")
    published.fill("11 November 2016")
    with page.expect_navigation():
        page.get_by_role("button", name="Find the statements").click()
    error = page.locator(".field-published_on .errorlist")
    assert error.inner_text() == f"{DAY_FORM}: write it as 2016-11-11."
    screenshot(page, "dates-article-error", widths=(390, 1280))
    violations = serious_violations(page, exclude=ADMIN_NOT_OURS)
    assert not violations, "\n".join(violations)

    page.get_by_label("Publication date").fill("2016-11-11")
    with page.expect_navigation():
        page.get_by_role("button", name="Find the statements").click()
    row = page.locator(".proposal:has(.proposal-head input:checked)").first  # a ticked proposal is checked
    row_id = row.get_attribute("id")
    date = row.locator(".date-row input")
    assert date.get_attribute("type") == "text" and date.input_value() == "2016-11-11"
    assert row.locator(".date-row .help").inner_text().startswith("YYYY-MM-DD; YYYY-MM or YYYY")
    date.fill("Nov 2016")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the ticked statements as drafts").click()
    row_error = page.locator(f"#{row_id} .date-row .errorlist")
    assert row_error.inner_text() == f"{FORMS}: write it as 2016-11."
    row_error.scroll_into_view_if_needed()
    screenshot(page, "dates-proposal-error", widths=(390, 1280))

    page.locator(f"#{row_id} .date-row input").fill("2016-11")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the ticked statements as drafts").click()
    precisions = set(Statement.objects.values_list("date_precision", flat=True))
    assert precisions == {DatePrecision.MONTH, DatePrecision.DAY}
    assert Statement.objects.get(date_precision=DatePrecision.MONTH).date == datetime.date(2016, 11, 1)
