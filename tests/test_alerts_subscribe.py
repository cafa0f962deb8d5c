"""Subscribing to alerts: the form on every page that shows a filter, a confirmation email with a signed expiring
link and no visitor's words, the same answer for any address, limits that fail closed, and the link pages."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from statements.alerts import links, sending
from statements.alerts.models import ConfirmationRequest, Frequency, PauseCause, Subscription
from statements.alerts.models import SubscriptionState as State
from statements.alerts.subscribing import CONFIRMATIONS_PER_ADDRESS, alert_query, alert_query_for, describe
from statements.filters import StatementFilter
from statements.models import Statement
from tests.factories import OfficialFactory, StatementFactory, TopicFactory, country

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/alerts/subscribe/"


@pytest.fixture
def data():
    topic = TopicFactory(name="Syria", slug="syria")
    official = OfficialFactory(name="Dmitry Peskov", slug="dmitry-peskov")
    StatementFactory(speaker=official, topics=[topic], countries=[country("SY")])
    return topic, official


def ask(client, query="topic=syria", email="reader@example.org", frequency=Frequency.DAILY):
    """Ask for an alert, then let the sender act on the request, as `send_alerts` does a few minutes later."""
    response = client.post(SUBSCRIBE, {"email": email, "query": query, "frequency": frequency})
    sending.run()
    return response


def same_shape(queries) -> list[str]:
    """The SQL of the queries without their values (addresses, hashes, times differ; the path does not)."""
    return [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries]


def confirm_path(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/alerts/confirm/\S+/)", message.body).group(1)


@pytest.mark.parametrize(
    "url, query",
    [
        ("/", ""),
        ("/?topic=syria&q=burning", "q=burning&amp;topic=syria"),
        ("/officials/dmitry-peskov/", "speaker=dmitry-peskov"),
        ("/topics/syria/", "topic=syria"),
        ("/countries/sy/", "country=sy"),
    ],
)
def test_the_form_is_on_every_page_that_shows_a_filter(client, data, url, query):
    """The timeline and the official, topic and country pages offer the form, following what they show."""
    page = client.get(url).content.decode()
    assert f'action="{SUBSCRIBE}"' in page
    assert f'<input type="hidden" name="query" value="{query}">' in page
    assert "<script" not in page.split('class="alert-form"')[1].split("</form>")[0]


@pytest.mark.parametrize(
    "params, query",
    [
        ({"speaker": "dmitry-peskov"}, "speaker=dmitry-peskov"),
        ({"topic": "syria"}, "topic=syria"),
        ({"country": "SY"}, "country=sy"),
    ],
)
def test_an_entity_page_offers_its_filter_in_the_canonical_form(data, params, query):
    """An entity page's alert follows the filter's canonical query string, the one subscribing from the timeline
    stores for the same statements."""
    from django.http import QueryDict

    assert alert_query_for(**params) == query
    assert alert_query(StatementFilter(QueryDict(query), queryset=Statement.objects.none())) == query


def test_subscribing_stores_a_pending_alert_and_sends_only_a_confirmation(client, data):
    """Once the sender acted on the request: a pending subscription in canonical form; one email, with a signed link
    and none of the visitor's words."""
    response = ask(client, query="q=Secret+words+for+a+stranger&topic=syria&sort=oldest&page=3")
    assert response.status_code == 302 and response["Location"] == "/alerts/subscribe/sent/"
    subscription = Subscription.objects.get()
    assert (subscription.state, subscription.query) == (State.PENDING, "q=Secret+words+for+a+stranger&topic=syria")
    [message] = mail.outbox
    assert message.to == ["reader@example.org"] and message.subject == "Confirm your Statement Tracker alert"
    everything = message.message().as_string()
    assert "Secret" not in everything and "Syria" not in everything and "stranger" not in everything
    assert confirm_path(message).startswith("/alerts/confirm/")
    assert len(message.alternatives) == 1 and message.alternatives[0][1] == "text/html"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"email": "not an address"}, "Enter a valid email address."),
        ({"email": ""}, "This field is required."),
        ({"query": "topic=nowhere"}, "There is no topic with the slug “nowhere”."),
        ({"query": "date_from=2016-13"}, "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"query": "q=" + "word+" * 150}, "Ensure this value has at most 200 characters"),
        ({"frequency": "hourly"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_a_400_with_the_message_and_nothing_stored(client, data, fields, message):
    """A malformed address, an unknown filter value or frequency: the form again with the reason, nothing stored or
    sent."""
    response = client.post(
        SUBSCRIBE, {"email": "reader@example.org", "query": "topic=syria", "frequency": "daily", **fields}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subscription.objects.exists() and mail.outbox == []


def test_the_answer_is_the_same_whether_an_address_is_known_or_not(client, data):
    """Asking for an alert an address follows already and asking for a new one: the same redirect, by the same
    queries, and no email inside either request (the time of a mail server's answer would tell them apart); the
    sender then sends the new address its link, and the known one nothing."""
    Subscription.objects.create(
        email="known@example.org",
        query="topic=syria",
        state=State.ACTIVE,
        confirmed_at="2026-01-01T00:00:00Z",
        token=links.new_token(),
    )
    answers, shapes = [], []
    for email in ("known@example.org", "new@example.org"):
        with CaptureQueriesContext(connection) as queries:
            answers.append(client.post(SUBSCRIBE, {"email": email, "query": "topic=syria", "frequency": "daily"}))
        shapes.append(same_shape(queries.captured_queries))
        assert mail.outbox == []
    assert [(answer.status_code, answer["Location"]) for answer in answers] == [(302, "/alerts/subscribe/sent/")] * 2
    assert shapes[0] == shapes[1]
    sending.run()
    confirmations = [message.to for message in mail.outbox if message.subject.startswith("Confirm")]
    assert confirmations == [["new@example.org"]]
    assert Subscription.objects.count() == 2 and not ConfirmationRequest.objects.exists()


def test_an_address_gets_a_few_confirmations_a_day_whoever_asks(data):
    """Past the per-address limit, more requests (from any client) get the same answer and send nothing."""
    limit = int(CONFIRMATIONS_PER_ADDRESS.split("/")[0])
    for n in range(limit + 2):
        response = ask(Client(REMOTE_ADDR=f"203.0.113.{n}"), query=f"q=word{n}")
        assert response.status_code == 302
    assert len(mail.outbox) == limit
    assert Subscription.objects.count() == limit


def test_subscribing_is_rate_limited_per_client(client, data, rate_limits_on):
    """A client past the form's hourly limit is answered 429 with Retry-After."""
    answers = [ask(client, email=f"reader{n}@example.org").status_code for n in range(11)]
    assert answers == [302] * 10 + [429]


def test_subscribing_fails_closed_when_no_cache_can_count(client, data, settings, rate_limits_on):
    """Neither Redis nor the database's cache answering: 503, nothing stored or sent."""
    from tests.smtp_server import free_port

    down = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}
    settings.CACHES = {"default": down, "fallback": down}
    response = ask(client)
    assert response.status_code == 503
    assert not Subscription.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("before", [None, State.PENDING, State.PAUSED])
def test_a_mail_server_taking_nothing_keeps_the_request_until_it_does(client, data, settings, before):
    """No SMTP server answering: the visitor's answer is the usual one; the run stops with the request still queued,
    and nothing is changed (a subscription asked for again keeps its frequency and its link's life) until a run
    reaches the server and the link goes."""
    from tests.smtp_server import free_port

    if before is not None:
        Subscription.objects.create(
            email="reader@example.org",
            query="topic=syria",
            frequency=Frequency.DAILY,
            state=before,
            paused_by=PauseCause.REFUSALS if before == State.PAUSED else "",
            confirmed_at="2026-01-01T00:00:00Z" if before == State.PAUSED else None,
            token=links.new_token(),
        )
    stored = list(Subscription.objects.values("pk", "frequency", "created_at", "state"))
    backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "statements.alerts.mail.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    response = ask(client, frequency=Frequency.WEEKLY)
    assert response.status_code == 302 and response["Location"] == "/alerts/subscribe/sent/"
    assert ConfirmationRequest.objects.count() == 1
    unchanged = list(
        Subscription.objects.filter(pk__in=[row["pk"] for row in stored]).values(*stored[0]) if stored else []
    )
    assert unchanged == stored

    settings.EMAIL_BACKEND = backend  # the server is back
    assert sending.run().confirmations == 1
    [message] = mail.outbox
    subscription = Subscription.objects.get()
    assert subscription.frequency == Frequency.WEEKLY and not ConfirmationRequest.objects.exists()
    assert client.get(confirm_path(message)).status_code == 200


def test_no_cache_to_count_the_address_leaves_the_request_queued(client, data, settings):
    """While no cache can count an address's confirmation emails, none is sent (the limit fails closed): the request
    waits, and goes once a cache answers."""
    from tests.smtp_server import free_port

    caches = settings.CACHES
    down = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}
    settings.CACHES = {"default": down, "fallback": down}
    ask(client)
    assert mail.outbox == [] and ConfirmationRequest.objects.count() == 1
    settings.CACHES = caches
    sending.run()
    assert len(mail.outbox) == 1 and not ConfirmationRequest.objects.exists()


def test_the_confirmation_link_shows_a_button_confirms_on_post_and_twice_is_harmless(client, data):
    """GET shows the filter and a button and confirms nothing (mail scanners fetch links); POST confirms; the link
    used again says it was confirmed already."""
    ask(client, query="topic=syria")
    path = confirm_path(mail.outbox[0])
    shown = client.get(path)
    page = shown.content.decode()
    assert shown.status_code == 200 and "Statements on Syria" in page and ">Confirm</button>" in page
    assert Subscription.objects.get().state == State.PENDING
    confirmed = client.post(path)
    assert "Your alert is set up." in confirmed.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.state == State.ACTIVE and subscription.confirmed_at is not None
    again = client.post(path)
    assert again.status_code == 200 and "confirmed already" in again.content.decode()
    assert Subscription.objects.get().confirmed_at == subscription.confirmed_at


@pytest.mark.parametrize(
    "paused_by, resumed",
    [(PauseCause.REFUSALS, True), (PauseCause.FILTER, True), (PauseCause.EDITOR, False)],
)
def test_asking_again_for_a_paused_alert_resumes_it_once_confirmed_unless_an_editor_paused_it(
    client, data, paused_by, resumed
):
    """Asking again for an alert paused after refusals, or because its filter stopped working (valid again now),
    sends a confirmation link, and following it resumes the alert; one an Editor paused stays paused and nothing
    is sent. The answer is the same either way."""
    subscription = Subscription.objects.create(
        email="reader@example.org",
        query="topic=syria",
        state=State.PAUSED,
        paused_by=paused_by,
        paused_reason="Paused.",
        hard_refusals=3 if paused_by == PauseCause.REFUSALS else 0,
        confirmed_at="2026-01-01T00:00:00Z",
        token=links.new_token(),
    )
    response = ask(client, query="topic=syria", frequency=Frequency.WEEKLY)
    assert response.status_code == 302 and response["Location"] == "/alerts/subscribe/sent/"
    assert len(mail.outbox) == (1 if resumed else 0)
    if resumed:
        path = confirm_path(mail.outbox[0])
        assert ">Confirm</button>" in client.get(path).content.decode()
        assert "Your alert is set up." in client.post(path).content.decode()
    subscription.refresh_from_db()
    expected = (
        (State.ACTIVE, "", "", 0) if resumed else (State.PAUSED, paused_by, "Paused.", subscription.hard_refusals)
    )
    assert (subscription.state, subscription.paused_by, subscription.paused_reason, subscription.hard_refusals) == (
        expected
    )
    assert subscription.frequency == (Frequency.WEEKLY if resumed else Frequency.DAILY)


@pytest.mark.parametrize(
    "alter, status, message",
    [
        (lambda path: path[:-6] + "xxxxx/", 400, "not valid"),
        (lambda path: "/alerts/confirm/garbage/", 400, "not valid"),
        (lambda path: path, 410, "expired"),
    ],
)
def test_an_altered_or_expired_link_is_refused_with_the_reason(client, data, monkeypatch, alter, status, message):
    """A tampered or expired confirmation link: a clear page, 4xx, and the subscription stays pending."""
    ask(client)
    path = confirm_path(mail.outbox[0])
    if status == 410:
        monkeypatch.setattr(links, "CONFIRM_MAX_AGE", links.CONFIRM_MAX_AGE * -1)
    response = client.post(alter(path))
    assert response.status_code == status and message in response.content.decode()
    assert Subscription.objects.get().state == State.PENDING


def test_the_manage_page_lists_an_addresses_alerts_and_forgets_it_on_unsubscribe_all(client, data):
    """The signed manage link lists the address's confirmed alerts (never the address); "unsubscribe from all"
    deletes every subscription of the address."""
    for query in ("topic=syria", "speaker=dmitry-peskov"):
        Subscription.objects.create(
            email="Reader@example.org",
            query=query,
            state=State.ACTIVE,
            confirmed_at="2026-01-01T00:00:00Z",
            token=links.new_token(),
        )
    other = Subscription.objects.create(email="other@example.org", query="", token=links.new_token())
    reader = Subscription.objects.filter(email="reader@example.org").first()
    path = links.manage_url(reader).removeprefix("http://127.0.0.1:8000")
    page = client.get(path).content.decode()
    assert "Statements on Syria" in page and "Statements by Dmitry Peskov" in page
    assert "reader@example.org" not in page.lower()
    gone = client.post(path)
    assert "You are unsubscribed from every alert" in gone.content.decode()
    assert list(Subscription.objects.all()) == [other]
    assert client.get(path[:-4] + "abc/").status_code == 400


def test_unsubscribing_an_unknown_token_is_a_404_page(client, db):
    """An unsubscribe link for an alert that is gone: a clear page saying so, 404, on GET and POST."""
    for method in (client.get, client.post):
        response = method("/alerts/unsubscribe/no-such-token/")
        assert response.status_code == 404 and "There is no alert with this link" in response.content.decode()


@pytest.mark.parametrize(
    "query, words",
    [
        ("", "All statements"),
        ("topic=syria", "Statements on Syria"),
        ("q=" + "long+" * 30, "Statements matching “" + ("long " * 12).strip() + "…”"),
        ("q=two%0Alines", "Statements matching “two lines”"),
    ],
)
def test_a_filter_reads_in_words_on_one_line_with_the_searched_words_capped(data, query, words):
    """Every email and page says the filter in words: capitalised, searched words quoted, capped, on one line."""
    from django.http import QueryDict

    assert describe(StatementFilter(QueryDict(query), queryset=Statement.objects.published())) == words


CONFIRM_PAGE_QUERIES = 2  # the subscription; the topic named in words
# The address's subscriptions with their counts; the topics or officials their filters name, read once for all.
MANAGE_PAGE_QUERIES = 2
UNSUBSCRIBE_PAGE_QUERIES = 2  # the subscription; the topic named in words


def test_the_alert_pages_issue_a_fixed_number_of_queries(client, data, django_assert_num_queries):
    """The confirm, unsubscribe and manage pages issue a fixed number of queries."""
    ask(client)
    path = confirm_path(mail.outbox[0])
    with django_assert_num_queries(CONFIRM_PAGE_QUERIES):
        client.get(path)
    client.post(path)
    subscription = Subscription.objects.get()
    with django_assert_num_queries(UNSUBSCRIBE_PAGE_QUERIES):
        client.get(f"/alerts/unsubscribe/{subscription.token}/")
    with django_assert_num_queries(MANAGE_PAGE_QUERIES):
        client.get(links.manage_url(subscription).removeprefix("http://127.0.0.1:8000"))
