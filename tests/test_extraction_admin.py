"""The admin page "New statements from an article": proposals from the seed article, saving drafts, bad input."""

import datetime
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from statements.admin.extraction import post_from_title
from statements.article_drafts import ASSISTANT_REASON, DraftStatement, NewSource, create_article_drafts
from statements.models import Kind, Official, Outlet, Position, Source, Statement, Status, VerbatimCheck
from statements.sample_data.demo import SEED_ARTICLE
from tests.admin_helpers import user_with_role
from tests.browser import log_in, screenshot, serious_violations
from tests.factories import OfficialFactory, OutletFactory, PositionFactory, SourceFactory, UserFactory, country

pytestmark = pytest.mark.django_db

URL = "/admin/statements/statement/from-article/"
SEED_TEXT = SEED_ARTICLE.read_text(encoding="utf-8")
SEED_DATE = datetime.date(2016, 11, 11)
SEED_DIRECT_QUOTES = 9  # tests/data/seed-gold.json: nine direct quotes, all by Peskov

# An article written for these tests: two officials, one of them unknown to the database.
SHORT_ARTICLE = """BRUGGE, March 3. /Nordpress/. Mara Quill, Nordland's foreign secretary, spoke to reporters.

"We will not accept any border changes imposed by force," Quill said. "Talks remain the only way."

"Our patience is not endless, and the deadline stands firm," Karl Brandt told Radio Nord.
"""


# An article written for these tests with the review page's three old faults: a lead sentence whose attribution
# goes on, a quote in two fragments whose first ends in a comma, and a country named by its adjective.
LEAD_ARTICLE = """STRELSAU, March 3 (Nordpress) - Nordland will not sign the river treaty, Foreign Minister \
Karl Brandt said on Thursday, adding that talks could resume next year.

"We are ready for a negotiation," Brandt said. "We will not give up Norwegian territory."

Anna Lindqvist met Mara Quill in the capital.

The meeting lasted an hour and nothing was agreed.

"Nobody will be able to say that we did not try everything."
"""


def article_data(**changes) -> dict:
    """Step 1's POST for the seed article, with a new outlet."""
    data = {
        "text": SEED_TEXT,
        "url": "https://news.example.org/peskov-cnn",
        "new_outlet": "TASS",
        "title": "No one expects swift improvement of Russian-US relations — Peskov",
        "published_on": "2016-11-11",
        "language": "en",
        "medium": "interview",
        "venue": "CNN",
        "extract": "Find the statements",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _post_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return "" if value is None else str(value)


def save_data(response, rows: dict[int, dict] | None = None, **changes) -> dict:
    """What step 2 on `response` POSTs when saved: the hidden article fields and every row, with `rows` edits."""
    data = {name: response.context["form"][name].value() for name in response.context["form"].fields}
    data = {name: _post_value(value) for name, value in data.items() if value not in (None, False)}
    formset = response.context["formset"]
    for name in formset.management_form.fields:
        data[formset.management_form.add_prefix(name)] = _post_value(formset.management_form[name].value())
    for index, form in enumerate(formset.forms):
        values = {name: form[name].value() for name in form.fields}
        values.update((rows or {}).get(index, {}))
        for name, value in values.items():
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value not in (False, None):
                data[form.add_prefix(name)] = _post_value(value)
    data["save"] = "Save"
    data.update(changes)
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in (Source, Outlet, Official, Statement)}


@pytest.fixture
def analyst(client):
    user = user_with_role("Analyst")
    client.force_login(user)
    return user


@pytest.fixture
def peskov():
    """Peskov as the demo records him, with the position "the Kremlin spokesman" describes."""
    russia = country("RU")
    russia.aliases = "Russian\nMoscow\nKremlin"
    russia.save()
    official = OfficialFactory(name="Dmitry Peskov", aliases="Dmitri Peskov\nPeskov", country=russia)
    PositionFactory(
        official=official,
        title="Press Secretary of the President of Russia",
        organisation="Presidential Executive Office",
        country=russia,
        start_date=datetime.date(2012, 5, 22),
    )
    return official


def rows_of(response):
    return response.context["rows"]


def test_the_page_is_a_named_admin_url_at_the_same_path():
    """StatementAdmin mounts the page at its old address, ahead of the change view that would read it as an id."""
    assert reverse("admin:statements_statement_from_article") == URL
    assert resolve(URL).url_name == "statements_statement_from_article"


@pytest.mark.parametrize("role", ["Analyst", "Editor"])
def test_analysts_and_editors_see_the_link_and_the_form(client, role):
    """Analysts and editors reach the page from the statements list and get step 1."""
    client.force_login(user_with_role(role))
    changelist = client.get(reverse("admin:statements_statement_changelist"))
    assert URL.encode() in changelist.content
    response = client.get(URL)
    assert response.status_code == 200
    assert b'name="text"' in response.content


@pytest.mark.parametrize("method", ["get", "post"])
def test_user_without_add_permission_gets_403(client, method):
    """Staff without statements.add_statement are refused, and nothing is extracted or written."""
    client.force_login(UserFactory(username="reader"))
    response = getattr(client, method)(URL, article_data() if method == "post" else None)
    assert response.status_code == 403
    assert counts() == {"Source": 0, "Outlet": 0, "Official": 0, "Statement": 0}


def test_anonymous_is_sent_to_the_login(client):
    """The page is behind the admin login."""
    response = client.get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_post_without_csrf_token_is_refused(analyst):
    """Every POST needs the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    assert client.post(URL, article_data()).status_code == 403


def test_seed_article_proposes_peskov_quotes_with_peskov_preselected(client, analyst, peskov):
    """Every direct quote of the seed article is proposed, ticked, by Peskov (preselected), dated 2016-11-11."""
    response = client.post(URL, article_data())
    assert response.status_code == 200
    rows = rows_of(response)
    direct = [row for row in rows if row.proposal.kind == Kind.DIRECT]
    assert len(direct) == SEED_DIRECT_QUOTES
    for row in rows:
        assert row.form.initial["speaker"] == peskov.pk
        assert row.form.initial["new_speaker"] == ""
        assert row.form.initial["date"] == SEED_DATE
        assert row.duplicate is None
        assert row.form.initial["include"] == (row.proposal.kind == Kind.DIRECT)
    # "the Kremlin spokesman" is resolved through the position held on that date.
    assert "role" in {row.proposal.speaker.method for row in direct}
    assert response.context["extraction"].dateline == "NEW YORK, November 11"


def test_lead_sentence_joined_fragments_adjective_countries_and_unknown_speakers(client, analyst):
    """The lead sentence's attribution is proposed; two fragments read as sentences; "Norwegian territory" suggests
    Norway; a quote whose speaker is doubtful is left unknown, with candidates, and unticked."""
    response = client.post(URL, article_data(text=LEAD_ARTICLE, published_on="2016-03-04"))
    rows = rows_of(response)
    assert [
        (row.proposal.kind, row.form.initial["text"], row.form.initial["new_speaker"], row.form.initial["include"])
        for row in rows
    ] == [
        ("paraphrase", "Nordland will not sign the river treaty", "Karl Brandt", False),
        ("direct", "We are ready for a negotiation. We will not give up Norwegian territory.", "Karl Brandt", True),
        ("direct", "Nobody will be able to say that we did not try everything.", "", False),
    ]
    assert rows[1].form.initial["countries"] == [country("NO").pk]
    assert rows[2].speaker_note == "Speaker unknown: choose one (perhaps Anna Lindqvist, Karl Brandt, Mara Quill)."
    assert "title “Foreign Minister”" in rows[0].speaker_note


# An article written for these tests: quote paragraphs under a lead-in, and a partial quote ending in a comma.
LIST_ARTICLE = """STRELSAU, March 4 - President Karl Brandt laid out a rail plan on Wednesday.

In a speech to parliament, Brandt outlined his plan:

"We will rebuild every line that the floods destroyed."

"And we will pay for it without a single new tax."

Mara Quill said the embassy would stay open. The embassy's staff "are safe and working," she said.
"""


def test_quotes_without_an_attribution_and_partial_quotes_read_cleanly(client, analyst):
    """A quote with no attribution of its own shows no empty mention (“”) and does not claim to continue a quote;
    a partial quote's comma inside its closing mark is dropped like a quote's own comma before "he said"."""
    response = client.post(URL, article_data(text=LIST_ARTICLE, published_on="2026-03-05"))
    rows = rows_of(response)
    listed = [row for row in rows if row.proposal.speaker and row.proposal.speaker.method == "follow-on"]
    assert listed
    for row in listed:
        assert "“”" not in row.speaker_note
        assert row.speaker_note.startswith("No attribution of its own: taken to be the person named or speaking")
    texts = [row.form.initial["text"] for row in rows]
    assert 'The embassy\'s staff "are safe and working"' in texts


def test_after_load_demo_the_proposals_are_flagged_as_duplicates(client, analyst):
    """On the demo database the seed article's quotes are already recorded: each is flagged and unticked."""
    call_command("load_demo", stdout=io.StringIO())
    response = client.post(URL, article_data(url="https://news.example.org/another-copy"))
    direct = [row for row in rows_of(response) if row.proposal.kind == Kind.DIRECT]
    assert len(direct) == SEED_DIRECT_QUOTES
    for row in direct:
        assert row.duplicate is not None and row.duplicate.speaker.name == "Dmitry Peskov"
        assert row.form.initial["include"] is False
        assert reverse("admin:statements_statement_change", args=[row.duplicate.pk]) in response.content.decode()
    assert response.context["ticked"] == 0


def test_saving_creates_the_source_and_drafts_in_one_go(client, analyst, peskov):
    """Save creates the outlet, the source and the ticked statements as drafts by the analyst, with history."""
    step2 = client.post(URL, article_data())
    rows = rows_of(step2)
    response = client.post(URL, save_data(step2))
    source = Source.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("admin:statements_statement_changelist") + f"?source__id__exact={source.pk}"
    )
    assert messages_of(response) == [f"Created source “{source}” and 9 draft statements; new outlet TASS."]
    assert (source.outlet.name, source.venue, source.medium, source.dateline) == (
        "TASS",
        "CNN",
        "interview",
        "NEW YORK, November 11",
    )
    statements = list(Statement.objects.order_by("pk"))
    assert statements[0].text.endswith("being constructive")  # the comma before "Peskov said" is dropped
    assert [s.text for s in statements] == [r.form.initial["text"] for r in rows if r.proposal.kind == Kind.DIRECT]
    for statement in statements:
        assert (statement.status, statement.speaker, statement.source) == (Status.DRAFT, peskov, source)
        assert (statement.created_by, statement.updated_by, statement.date) == (analyst, analyst, SEED_DATE)
        assert statement.history.earliest().history_user == analyst
    assert source.history.get().history_user == analyst
    assert source.text == SEED_TEXT.replace("\r\n", "\n") and len(source.text_sha256) == 64
    assert {s.verbatim for s in statements} == {VerbatimCheck.FOUND}  # the quotes, checked in the kept article
    assert Statement.objects.public().count() == 0
    assert client.get(statements[0].get_absolute_url()).status_code == 404


def test_unknown_speakers_are_created_as_new_officials(client, analyst):
    """A speaker the database does not know is proposed as a new official and created once, on save."""
    step2 = client.post(URL, article_data(text=SHORT_ARTICLE, published_on="2024-03-03"))
    rows = rows_of(step2)
    assert [row.form.initial["new_speaker"] for row in rows] == ["Mara Quill", "Karl Brandt"]
    assert rows[0].proposal.fragments[1].text == "Talks remain the only way."
    assert rows[0].form.initial["date"] == datetime.date(2024, 3, 3)
    response = client.post(URL, save_data(step2))
    assert messages_of(response) == [
        f"Created source “{Source.objects.get()}” and 2 draft statements; 2 new officials (Mara Quill, "
        "Karl Brandt); new outlet TASS."
    ]
    assert sorted(Official.objects.values_list("name", flat=True)) == ["Karl Brandt", "Mara Quill"]
    assert Official.objects.get(name="Mara Quill").history.get().history_user == analyst


def test_edits_on_the_rows_are_saved(client, analyst, peskov):
    """The analyst's text, kind, date (2016-11: known to the month), topics and countries are what is saved;
    unticked rows are not."""
    step2 = client.post(URL, article_data())
    syria = country("SY")
    edits = {index: {"include": False} for index in range(len(rows_of(step2)))}
    edits[2] = {
        "include": True,
        "text": "  Edited words.  ",
        "kind": Kind.PARAPHRASE,
        "date": "2016-11",
        "countries": [syria.pk],
    }
    response = client.post(URL, save_data(step2, rows=edits))
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert (statement.text, statement.kind, statement.date, statement.date_precision) == (
        "Edited words.",
        Kind.PARAPHRASE,
        datetime.date(2016, 11, 1),
        "month",
    )
    assert list(statement.countries.all()) == [syria]


def test_a_source_url_already_recorded_is_refused_unless_attached(client, analyst, peskov):
    """A known URL is an error pointing at the source; ticking "add to it" adds the drafts to that source."""
    existing = SourceFactory(url="https://news.example.org/peskov-cnn")
    response = client.post(URL, article_data())
    assert "rows" not in response.context or response.context["rows"] is None
    assert "already recorded" in str(response.context["form"].errors["url"])
    assert reverse("admin:statements_source_change", args=[existing.pk]) in response.content.decode()

    step2 = client.post(URL, article_data(attach="on", new_outlet="", title=""))
    response = client.post(URL, save_data(step2))
    assert Source.objects.get() == existing
    assert Statement.objects.filter(source=existing, status=Status.DRAFT).count() == SEED_DIRECT_QUOTES
    assert messages_of(response) == [f"Created 9 draft statements in the existing source “{existing}”."]
    existing.refresh_from_db()
    assert existing.text == SEED_TEXT  # it had none: the article is kept on it


def test_attaching_keeps_the_text_a_source_already_has(client, analyst, peskov):
    """A text already kept on the source (an Editor's copy of the outlet's page) is not replaced by the paste."""
    existing = SourceFactory(url="https://news.example.org/peskov-cnn", text="The outlet's own copy.")
    step2 = client.post(URL, article_data(attach="on", new_outlet="", title=""))
    client.post(URL, save_data(step2))
    existing.refresh_from_db()
    assert existing.text == "The outlet's own copy."
    assert set(Statement.objects.values_list("verbatim", flat=True)) == {VerbatimCheck.NOT_FOUND}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * 100_001}, "text"),
        ({"published_on": "2016-13-45"}, "published_on"),
        ({"published_on": "11/11/2016"}, "published_on"),
        ({"published_on": "2016-11"}, "published_on"),
        ({"published_on": ""}, "published_on"),
        ({"url": "not a url"}, "url"),
        ({"language": "English"}, "language"),
        ({"medium": "telepathy"}, "medium"),
        ({"new_outlet": ""}, "outlet"),
        ({"outlet": "999999"}, "outlet"),
        ({"attach": "on"}, "attach"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_article_details_are_form_errors(client, analyst, changes, field):
    """Bad step-1 input is an error on its field, never a 500, and nothing is written."""
    response = client.post(URL, article_data(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert counts() == {"Source": 0, "Outlet": 0, "Official": 0, "Statement": 0}


def test_both_an_outlet_and_a_new_outlet_is_an_error(client, analyst):
    """The outlet is chosen or typed, not both."""
    outlet = OutletFactory(name="Nordpress")
    response = client.post(URL, article_data(outlet=str(outlet.pk)))
    assert "new_outlet" in response.context["form"].errors


@pytest.mark.parametrize(
    "rows, changes, message",
    [
        ({0: {"text": "  "}}, {}, "Enter the statement’s words"),
        ({1: {"date": "2016-02-30"}}, {}, "February 2016 has 29 days"),
        ({1: {"date": "Nov 2016"}}, {}, "write it as 2016-11"),
        ({1: {"date": ""}}, {}, "Enter the date it was said"),
        ({2: {"speaker": "999999"}}, {}, "Select a valid choice"),
        ({2: {"speaker": None, "new_speaker": ""}}, {}, "Choose who said it"),
        ({2: {"new_speaker": "Somebody Else"}}, {}, "not both"),
        ({2: {"speaker": None, "new_speaker": "dmitry peskov"}}, {}, "already exists"),
        ({3: {"topics": ["999999"]}}, {}, "Select a valid choice"),
        ({3: {"kind": "rumour"}}, {}, "Select a valid choice"),
        ({index: {"include": False} for index in range(20)}, {}, "Tick at least one"),
        ({}, {"p-TOTAL_FORMS": "3"}, "did not match the article"),
        ({}, {"p-TOTAL_FORMS": "5000"}, "Please submit at most 13 forms"),
        ({}, {"p-TOTAL_FORMS": "abc"}, "did not match the article"),
        ({}, {"published_on": "nonsense"}, "Enter a date as YYYY-MM-DD"),
    ],
)
def test_bad_rows_write_nothing(client, analyst, peskov, rows, changes, message):
    """An invalid or tampered row is shown as an error on the page; nothing at all is written."""
    step2 = client.post(URL, article_data())
    before = counts()
    rows = {index: {"include": True, **edits} for index, edits in rows.items()}  # paraphrases start unticked
    response = client.post(URL, save_data(step2, rows=rows, **changes))
    assert response.status_code == 200
    assert message in response.content.decode() + " ".join(messages_of(response))
    assert counts() == before


def test_unticked_rows_are_not_checked(client, analyst, peskov):
    """A row that is not ticked is not saved, so a bad date or an unknown official in it is no error."""
    step2 = client.post(URL, article_data())
    rows = {0: {"include": False, "date": "nonsense", "speaker": "999999", "text": ""}}
    response = client.post(URL, save_data(step2, rows=rows))
    assert response.status_code == 302
    assert Statement.objects.count() == SEED_DIRECT_QUOTES


def test_a_url_taken_between_the_steps_writes_nothing(client, analyst, peskov):
    """If another analyst records the URL meanwhile, the save refuses with a message and writes nothing."""
    step2 = client.post(URL, article_data())
    SourceFactory(url="https://news.example.org/peskov-cnn")
    before = counts()
    response = client.post(URL, save_data(step2))
    assert response.status_code == 200
    assert "already recorded" in response.content.decode()
    assert counts() == before


def test_an_invalid_row_in_the_middle_rolls_everything_back(peskov):
    """The service validates each row as it goes; a bad third row undoes the outlet, source, official and rows."""
    good = DraftStatement(text="Words.", date=SEED_DATE, speaker=peskov)
    rows = [good, DraftStatement(text="More.", date=SEED_DATE, new_speaker_name="New Person"), good]
    rows.append(DraftStatement(text="   ", date=SEED_DATE, speaker=peskov))
    source = NewSource(title="A report", published_on=SEED_DATE, outlet_name="Brand New Outlet")
    before = counts()
    with pytest.raises(ValidationError) as error:
        create_article_drafts(user=None, source=source, statements=rows)
    assert error.value.messages == ["Statement 4: text: This field cannot be blank."]
    assert counts() == before


def test_context_and_quotes_are_escaped(client, analyst):
    """Article text is shown escaped, in the context and the editable text alike."""
    text = 'LONDON, May 2. "We reject <script>alert(1)</script> and all such threats," Mara Quill said.'
    response = client.post(URL, article_data(text=text))
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_step_two_queries_do_not_grow_with_the_proposals(client, analyst, peskov):
    """Officials, topics and countries are loaded once, whatever the number of rows."""
    quote = '"We will keep talking to every partner we have in the region," Peskov said.\n\n'
    numbers = []
    for repeat in (1, 6):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(URL, article_data(text=quote * repeat, url=""))
        assert len(rows_of(response)) == repeat
        numbers.append(len(queries))
    assert numbers[0] == numbers[1]


# --- The speaker's title as a post ------------------------------------------------------------------------

LEAD_DAY = datetime.date(2016, 3, 3)  # LEAD_ARTICLE's dateline


@pytest.mark.parametrize(
    "title, post",
    [
        ("Foreign Minister", "Foreign Minister"),
        ("Lt. Gov.", "Lieutenant Governor"),
        ("Texas Rep.", "Texas Representative"),
        ("Chief of Staff", "Chief of Staff"),
        ("Retired Lt. Gen.", ""),  # not held when speaking
        ("former Secretary of State", ""),
        ("ex-Prime Minister", ""),
        ("UN Ambassador-designate", ""),  # not held yet
        ("President-elect", ""),
        ("Mr.", ""),  # a courtesy title is no post
        ("Dr. Chief Economist", "Chief Economist"),
        ("First Lady", "First Lady"),  # a courtesy word inside a post is part of it
        ("Ms. First Lady", "First Lady"),
    ],
)
def test_a_title_is_written_as_the_post_it_gives(title, post):
    """Abbreviations standing for one word are written out; a former post or a courtesy title gives none."""
    assert post_from_title(title) == post


def lead_step2(client, **changes):
    return client.post(URL, article_data(text=LEAD_ARTICLE, published_on="2016-03-04", **changes))


def posts() -> list[tuple]:
    return sorted(Position.objects.values_list("official__name", "title", "country__code", "start_date", "end_date"))


@pytest.mark.parametrize(
    "rows, expected",
    [
        # As the page offers it: the quote by "Brandt" has the title the lead gave "Foreign Minister Karl Brandt".
        ({}, [("Karl Brandt", "Foreign Minister", "NO", LEAD_DAY, LEAD_DAY)]),
        ({1: {"post": ""}}, []),
        (
            {1: {"post": "  Acting   Foreign Minister "}},
            [("Karl Brandt", "Acting Foreign Minister", "NO", LEAD_DAY, LEAD_DAY)],
        ),
        # Two rows with the same post: one position, held from the first statement's date to the last.
        (
            {0: {"include": True, "date": "2016-03-01"}},
            [("Karl Brandt", "Foreign Minister", "NO", datetime.date(2016, 3, 1), LEAD_DAY)],
        ),
        # Two rows with different posts: one official, each post once.
        (
            {0: {"include": True, "post": "Chief Negotiator"}},
            [
                ("Karl Brandt", "Chief Negotiator", "NO", LEAD_DAY, LEAD_DAY),
                ("Karl Brandt", "Foreign Minister", "NO", LEAD_DAY, LEAD_DAY),
            ],
        ),
    ],
)
def test_a_new_officials_post_is_saved_as_held_on_the_statements_date(client, analyst, rows, expected):
    """The title prefills the new official's post; saved, it is a position held that day, named in the history."""
    step2 = lead_step2(client)
    assert [row.form.initial["post"] for row in rows_of(step2)] == ["Foreign Minister", "Foreign Minister", ""]
    norway = country("NO")
    edits = {index: {"new_speaker_country": norway.pk} for index in (0, 1)}
    for index, row_edits in rows.items():
        edits[index].update(row_edits)
    response = client.post(URL, save_data(step2, rows=edits))
    assert response.status_code == 302
    assert posts() == expected
    official = Official.objects.get(name="Karl Brandt")
    entry = official.history.get()
    assert entry.history_user == analyst and entry.history_change_reason.startswith(ASSISTANT_REASON)
    for _, title, _, start, end in expected:
        held = f"on {start}" if start == end else f"from {start} to {end}"
        assert f"post “{title}” held {held}" in entry.history_change_reason
    if expected:
        assert f"new post{'s' if len(expected) > 1 else ''} (Karl Brandt: " in messages_of(response)[0]


@pytest.mark.parametrize(
    "edits, message",
    [
        ({"post": "Minister " * 30}, "at most 200 characters"),
        ({"new_speaker_kind": "ministry"}, "A post is a person’s"),
    ],
)
def test_a_bad_post_is_a_form_error_and_writes_nothing(client, analyst, edits, message):
    """An over-long post, or a post for an institution, is shown on the row; nothing is written."""
    step2 = lead_step2(client)
    before = counts()
    response = client.post(URL, save_data(step2, rows={1: edits}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before and posts() == []


@pytest.mark.parametrize(
    "row, message",
    [
        (
            {"new_speaker_name": "Karl Brandt", "post": "x" * 201},
            "Statement 1, post: title: Ensure this value has at most 200 characters (it has 201).",
        ),
        (
            {"speaker": lambda: OfficialFactory(name="Nordland Government", kind="government"), "post": "Cabinet"},
            "Statement 1: a post is a person’s: leave it empty for an institution.",
        ),
    ],
)
def test_the_service_refuses_a_bad_post_and_writes_nothing(row, message):
    """create_article_drafts checks a post like the rest: a bad one names its row and undoes the whole save."""
    row = {name: value() if callable(value) else value for name, value in row.items()}
    rows = [DraftStatement(text="Words.", date=LEAD_DAY, **row)]
    source = NewSource(title="A report", published_on=LEAD_DAY, outlet_name="Nordpress")
    before = counts()
    with pytest.raises(ValidationError) as error:
        create_article_drafts(user=None, source=source, statements=rows)
    assert error.value.messages == [message]
    assert counts() == before and posts() == []


@pytest.fixture
def brandt():
    return OfficialFactory(name="Karl Brandt", aliases="Brandt", country=country("NO"))


def test_an_existing_official_without_a_post_gets_it_only_when_typed(client, analyst, brandt):
    """A known official with no post that day: the title is only suggested; left empty, nothing is added."""
    step2 = lead_step2(client)
    row = rows_of(step2)[1]
    assert (row.form.initial["speaker"], row.form.initial["post"]) == (brandt.pk, "")
    assert 'placeholder="Foreign Minister"' in str(row.form["post"])
    entries = brandt.history.count()
    assert client.post(URL, save_data(step2)).status_code == 302
    assert posts() == [] and brandt.history.count() == entries

    step2 = lead_step2(client, url="https://news.example.org/brandt-2")  # the quote is a likely duplicate now: tick it
    response = client.post(URL, save_data(step2, rows={1: {"include": True, "post": "Foreign Minister"}}))
    assert response.status_code == 302
    assert posts() == [("Karl Brandt", "Foreign Minister", None, LEAD_DAY, LEAD_DAY)]
    assert brandt.history.latest().history_change_reason == (
        f"Added the post “Foreign Minister” held on {LEAD_DAY} from an article with the article assistant."
    )


def test_an_existing_officials_post_held_that_day_is_left_alone(client, analyst, brandt):
    """A known official who holds a post on the statement's date is offered no post, and keeps the one he has."""
    PositionFactory(official=brandt, title="Minister of Foreign Affairs", start_date=datetime.date(2015, 1, 1))
    step2 = lead_step2(client)
    assert [row.form.post_offer for row in rows_of(step2)] == [None, None, None]
    assert 'name="p-1-post"' not in step2.content.decode()
    assert client.post(URL, save_data(step2)).status_code == 302
    assert posts() == [("Karl Brandt", "Minister of Foreign Affairs", None, datetime.date(2015, 1, 1), None)]


# --- In Debian's Chromium (`pytest -m browser`) ------------------------------------------------------------

# Django's own breadcrumbs and its vendored select2 widgets fail a few rules on every admin page: not ours to fix.
ADMIN_NOT_OURS = [".breadcrumbs", ".select2-container"]


def review_in_browser(page, live_server, text: str, url: str, title: str, published: str) -> None:
    """Log in as the analyst, paste an article from a new outlet, Nordpress, and open its review page."""
    log_in(page, f"{live_server.url}/admin/login/?next={URL}", "analyst")
    page.get_by_label("Article text").fill(text)
    page.locator("#id_url").fill(url)
    page.locator("#id_new_outlet").fill("Nordpress")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Publication date").fill(published)
    with page.expect_navigation():
        page.get_by_role("button", name="Find the statements").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_review_and_save_the_seed_article_in_the_browser(live_server, page):
    """An analyst pastes the seed article, picks the outlet by autocomplete, reviews the proposals and saves."""
    call_command("load_demo", stdout=io.StringIO())
    recorded = Statement.objects.filter(kind=Kind.DIRECT).order_by("pk").first()
    Statement.objects.exclude(pk=recorded.pk).delete()  # the demo's officials and topics, one quote already in
    user_with_role("Analyst")
    log_in(page, f"{live_server.url}/admin/login/?next={URL}", "analyst")

    page.get_by_label("Article text").fill(SEED_TEXT)
    page.locator("#id_url").fill("https://news.example.org/peskov-cnn")
    page.locator(".field-outlet .select2-selection").click()
    page.locator(".select2-search__field").fill("TA")
    page.locator(".select2-results__option", has_text="TASS").click()
    page.get_by_label("Title").fill("No one expects swift improvement of Russian-US relations — Peskov")
    page.get_by_label("Publication date").fill("2016-11-11")
    page.get_by_label("Medium").select_option(label="Interview")
    page.get_by_label("Venue").fill("CNN")
    screenshot(page, "from-article-step1")
    with page.expect_navigation():
        page.get_by_role("button", name="Find the statements").click()

    assert page.get_by_text("13 proposals, 8 ticked").is_visible()
    assert page.locator(".proposal-duplicate").count() == 1
    # speaker, a new official's country, topics, countries, and the proposed coding's target country and official
    assert page.locator(".proposal .select2-container").count() == 13 * 6
    screenshot(page, "from-article-step2")
    violations = serious_violations(page, exclude=ADMIN_NOT_OURS)
    assert not violations, "\n".join(violations)
    save = page.get_by_role("button", name="Save the ticked statements as drafts")
    page.locator("#id_p-3-text").fill("")  # a ticked row without words: an error, and nothing saved
    with page.expect_navigation():
        save.click()
    assert page.get_by_text("Enter the statement’s words, or untick it.").is_visible()
    assert page.get_by_text("Please correct the errors in proposal 4.").is_visible()
    assert page.locator(".proposal-head input:checked").count() == 8
    screenshot(page, "from-article-row-error")
    page.locator("#id_p-3-text").fill("Actually, they seem to be very pragmatic, both of them.")
    save.click()

    page.wait_for_url(re.compile(r"source__id__exact="))
    assert page.get_by_text("and 8 draft statements").is_visible()
    assert Statement.objects.drafts().filter(source__url="https://news.example.org/peskov-cnn").count() == 8
    screenshot(page, "from-article-saved")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_review_page_shows_the_lead_sentence_joined_fragments_and_adjective_countries(live_server, page):
    """In the browser: the lead sentence's attribution is a row, the two fragments read as sentences, Norway is
    preselected from "Norwegian territory", and the doubtful speaker says "Speaker unknown" with candidates."""
    user_with_role("Analyst")
    review_in_browser(
        page,
        live_server,
        LEAD_ARTICLE,
        "https://news.example.org/nordland-treaty",
        "Nordland will not sign the river treaty",
        "2016-03-04",
    )

    assert page.locator("#id_p-0-text").input_value() == "Nordland will not sign the river treaty"
    assert page.locator("#id_p-0-new_speaker").input_value() == "Karl Brandt"
    assert page.locator("#id_p-1-text").input_value() == (
        "We are ready for a negotiation. We will not give up Norwegian territory."
    )
    assert page.locator("#id_p-1-countries option:checked").all_inner_texts() == [country("NO").name]
    assert page.get_by_label("a new official’s post").nth(1).input_value() == "Foreign Minister"
    assert page.get_by_text(
        "Speaker unknown: choose one (perhaps Anna Lindqvist, Karl Brandt, Mara Quill)."
    ).is_visible()
    screenshot(page, "from-article-lead-and-unknown")
