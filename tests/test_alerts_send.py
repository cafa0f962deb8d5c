"""`manage.py send_alerts`: due digests through a real SMTP server, each statement at most once per subscription,
corrections in their own section, one-click unsubscribe, and runs that stop half-way or overlap."""

import base64
import datetime
import io
import re
import subprocess
import time
from urllib.parse import urlsplit

import dkim
import pytest
from django.core import signing
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from statements.alerts import digests, links, sending
from statements.alerts.models import (
    ConfirmationRequest,
    Digest,
    DigestState,
    Frequency,
    PauseCause,
    RunLock,
    SentStatement,
    Subscription,
)
from statements.alerts.models import SubscriptionState as State
from statements.alerts.subscribing import request_alert
from statements.models import Statement, Status
from tests.factories import OfficialFactory, PositionFactory, StatementFactory, TopicFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
UTC = datetime.UTC


def following(query: str = "", *, frequency: str = Frequency.AS_PUBLISHED, email: str = "reader@example.org"):
    """A confirmed subscription, begun now: statements changed from now on are new to it."""
    return Subscription.objects.create(
        email=email,
        query=query,
        frequency=frequency,
        state=State.ACTIVE,
        confirmed_at=timezone.now(),
        token=links.new_token(),
    )


def stamped(statement, at: datetime.datetime):
    """The statement as if saved at `at`, its transaction committing now: runs given a `now` of their own see it
    changed at that moment."""
    Statement.objects.filter(pk=statement.pk).update(updated_at=at)
    return statement


def header(message, name: str) -> str:
    """A header's value without folding whitespace (the generator folds long ones, a leading fold included)."""
    return " ".join(str(message[name]).split())


def text(message) -> str:
    return message.get_body(("plain",)).get_content()


def html(message) -> str:
    return message.get_body(("html",)).get_content()


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def syria():
    return TopicFactory(name="Syria", slug="syria")


def test_a_digest_on_the_wire_has_both_parts_the_headers_and_links_that_work(smtp_server, settings, syria):
    """The digest reaches the SMTP server with the filter in words and the count in the subject, its recorded
    Message-ID, RFC 8058 headers, plain text and HTML parts saying who, role, when, what, where and the permalink;
    its unsubscribe, manage and timeline links work when followed."""
    settings.SITE_URL = "https://tracker.example.org"
    subscription = following("topic=syria")
    speaker = OfficialFactory(name="Dmitry Peskov")
    PositionFactory(official=speaker, title="Press Secretary of the President")
    statement = StatementFactory(speaker=speaker, topics=[syria], text="Syria is a burning issue & <urgent>.")

    summary = sending.run()

    assert summary.sent == 1 and summary.statements == 1
    [message] = smtp_server.messages
    digest = Digest.objects.get()
    assert header(message, "To") == "reader@example.org"
    assert header(message, "Subject") == "1 new statement: Statements on Syria"
    assert header(message, "Message-ID") == digest.message_id
    unsubscribe = f"https://tracker.example.org/alerts/unsubscribe/{subscription.token}/"
    assert header(message, "List-Unsubscribe") == f"<{unsubscribe}>"
    assert header(message, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    permalink = f"https://tracker.example.org/statements/{statement.pk}/"
    for part, words in [
        (text(message), "Syria is a burning issue & <urgent>."),
        (html(message), "&amp; &lt;urgent&gt;"),
    ]:
        assert "Dmitry Peskov" in part and "Press Secretary of the President" in part
        assert "11 November 2016" in part and words in part and permalink in part
        assert statement.source.title in part and statement.source.outlet.name in part
        assert unsubscribe in part and "https://tracker.example.org/?topic=syria" in part
    manage = re.search(r"https://tracker\.example\.org(/alerts/manage/\S+/)", text(message)).group(1)

    visitor = Client(enforce_csrf_checks=True)
    assert "Statements on Syria" in visitor.get(manage).content.decode()
    assert visitor.get("/?topic=syria").status_code == 200
    shown = visitor.get(path_of(unsubscribe))
    assert shown.status_code == 200 and "<button" in shown.content.decode()
    assert Subscription.objects.filter(pk=subscription.pk).exists(), "a GET (a link scanner) unsubscribes nothing"
    one_click = visitor.post(path_of(unsubscribe), {"List-Unsubscribe": "One-Click"})  # no CSRF token, as RFC 8058
    assert one_click.status_code == 200
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assert not SentStatement.objects.exists() and not Digest.objects.exists()


def test_each_statement_goes_to_a_subscription_once(smtp_server, syria):
    """A statement sent is never sent again as new; the next digest holds only what came since."""
    following("topic=syria")
    first = StatementFactory(topics=[syria])
    now = timezone.now()
    sending.run(now=now)
    sending.run(now=now + 2 * HOUR)
    second = stamped(StatementFactory(topics=[syria]), now + 3 * HOUR)  # published between the runs
    sending.run(now=now + 4 * HOUR)
    sending.run(now=now + 6 * HOUR)

    assert [header(m, "Subject") for m in smtp_server.messages] == ["1 new statement: Statements on Syria"] * 2
    assert f"/statements/{first.pk}/" in text(smtp_server.messages[0])
    assert f"/statements/{second.pk}/" in text(smtp_server.messages[1])
    assert f"/statements/{first.pk}/" not in text(smtp_server.messages[1])
    assert SentStatement.objects.count() == 2


def test_a_deleted_digest_takes_its_sent_pairs_with_it(smtp_server, syria):
    """Deleting a digest deletes the pairs it sent, although the database does not hold that reference (Django
    cascades); the subscription's other digests keep theirs."""
    following("topic=syria")
    StatementFactory(topics=[syria])
    now = timezone.now()
    sending.run(now=now)
    stamped(StatementFactory(topics=[syria]), now + HOUR)
    sending.run(now=now + 2 * HOUR)
    first, second = Digest.objects.order_by("pk")

    first.delete()

    assert list(SentStatement.objects.values_list("digest_id", flat=True)) == [second.pk]


@pytest.mark.parametrize(
    "change, sent",
    [
        ("published after subscribing", True),
        ("given the topic after subscribing", True),
        ("published before subscribing", False),
        ("a draft", False),
        ("on another topic", False),
    ],
)
def test_what_is_new_to_a_subscription(smtp_server, syria, change, sent):
    """New: published, or newly matching the filter, since the subscription began; never a draft or a statement
    matching before it began."""
    other = TopicFactory(name="Sanctions")
    if change == "published before subscribing":
        StatementFactory(topics=[syria])
        following("topic=syria")
    elif change == "given the topic after subscribing":
        statement = StatementFactory(topics=[other])
        following("topic=syria")
        statement.topics.add(syria)
        statement.save()  # as the admin's form does
    else:
        following("topic=syria")
        StatementFactory(
            topics=[other if change == "on another topic" else syria],
            status=Status.DRAFT if change == "a draft" else Status.PUBLISHED,
        )
    sending.run()
    assert len(smtp_server.messages) == int(sent)


@pytest.mark.parametrize(
    "changed, sent",
    [
        ("before the subscription was confirmed", False),
        ("before the last check, by less than the margin: a late commit", True),
        ("before the last check, by more than the margin", False),
        ("after the last check", True),
    ],
)
def test_each_run_looks_back_a_margin_before_the_last_check(smtp_server, changed, sent):
    """A run looks at the statements changed since the last check less LATE_COMMIT_MARGIN: one stamped before that
    check but committed after it still goes, once; what changed before the subscription was confirmed never does."""
    now = timezone.now()
    margin = digests.LATE_COMMIT_MARGIN
    subscription = following()
    Subscription.objects.filter(pk=subscription.pk).update(confirmed_at=now - 3 * margin)
    last_check = now - margin
    sending.run(now=last_check)  # nothing to send yet
    updated_at = {
        "before the subscription was confirmed": now - 4 * margin,
        "before the last check, by less than the margin: a late commit": last_check - margin / 2,
        "before the last check, by more than the margin": last_check - margin * 3 / 2,
        "after the last check": last_check + margin / 2,
    }[changed]
    statement = stamped(StatementFactory(), updated_at)
    sending.run(now=now)
    sending.run(now=now + margin)  # looks again at what the previous run sent: nothing goes twice

    assert len(smtp_server.messages) == int(sent)
    assert SentStatement.objects.filter(statement=statement).count() == int(sent)


@pytest.mark.parametrize(
    "change, section",
    [
        ("text", "CORRECTED"),
        ("retracted", "RETRACTED: "),
        ("note", None),
        ("draft", None),
    ],
)
def test_corrections_of_statements_sent_come_in_their_own_section(smtp_server, syria, change, section):
    """A statement already sent whose words change, or which is retracted, is told in the corrections section of
    the next digest, with the speaker, role on the date, date, words, source and permalink, as a new statement; a
    change the reader never saw (the analyst's note, a return to draft) is not."""
    following("topic=syria")
    speaker = OfficialFactory(name="Dmitry Peskov")
    PositionFactory(official=speaker, title="Press Secretary of the President")
    statement = StatementFactory(speaker=speaker, topics=[syria], text="The first words.")
    now = timezone.now()
    sending.run(now=now)
    if change == "text":
        statement.text = "The corrected words."
    elif change == "retracted":
        statement.status, statement.retraction_reason = Status.RETRACTED, "Misattributed: it was the deputy."
    elif change == "note":
        statement.note = "Checked against the transcript."
    else:
        statement.status = Status.DRAFT
    statement.save()
    sending.run(now=now + 2 * HOUR)
    sending.run(now=now + 4 * HOUR)

    if section is None:
        assert len(smtp_server.messages) == 1
        return
    assert len(smtp_server.messages) == 2
    message = smtp_server.messages[1]
    assert header(message, "Subject") == "1 correction: Statements on Syria"
    body = text(message)
    assert "Corrections to statements sent before" in body and section in body
    assert ("Misattributed: it was the deputy." if change == "retracted" else "The corrected words.") in body
    assert "Corrections to statements sent before" in html(message)
    words = "The first words." if change == "retracted" else "The corrected words."
    for part in (body, html(message)):
        assert "Dmitry Peskov" in part and "Press Secretary of the President" in part
        assert "11 November 2016" in part and words in part
        assert statement.source.title in part and statement.source.outlet.name in part
        assert f"/statements/{statement.pk}/" in part


# Queries a run makes for each digest it sends, in one transaction (its savepoint here): the last digest's mark (the
# digest, the subscription) and this one's record (the subscription checked and held, the digest, its sent pairs).
# No query for the sent pairs when the subscription has none among its candidates, nor for corrections when no
# statement sent to it changed. The statements, the filter in words and the contents are read once a run for all
# its digests, however many digests and statements.
QUERIES_PER_DIGEST = 7


def queries_of_a_run(now) -> int:
    with CaptureQueriesContext(connection) as run:
        sending.run(now=now)
    return len(run)


@pytest.mark.parametrize("news", [0, 1, 25])
def test_subscriptions_following_one_filter_share_what_the_run_reads(smtp_server, syria, news):
    """Ten subscriptions following one filter cost a run no more queries than one when nothing is new to them, and a
    few per digest when something is: the candidates, the filter's matches, the statements and the filter in words
    are read once for all of them."""
    now = timezone.now()
    following("topic=syria")
    if news:
        StatementFactory(topics=[syria])
    one = queries_of_a_run(now)
    for number in range(9):
        following("topic=syria", email=f"reader{number}@example.org")
    for _ in range(news):
        StatementFactory(topics=[syria])
    ten = queries_of_a_run(now + 2 * HOUR)

    assert len(smtp_server.messages) == (11 if news else 0)
    if news:
        assert ten - one <= 9 * QUERIES_PER_DIGEST
    else:
        assert ten <= one  # the first run also creates the lock's row


def test_a_digest_costs_the_same_queries_whatever_it_sends(smtp_server, syria):
    """Digests of 25 statements each cost a run the queries of digests of one: the statements are read once for
    the run, not once for each digest or each statement."""

    def run_sending(news: int) -> int:
        Subscription.objects.all().delete()
        for number in range(3):
            following("topic=syria", email=f"reader{number}@example.org")
        for _ in range(news):
            StatementFactory(topics=[syria])
        return queries_of_a_run(timezone.now() + 2 * HOUR)

    queries_of_a_run(timezone.now())  # the lock's row is made
    assert run_sending(25) == run_sending(1)
    assert [header(m, "Subject").split(":")[0] for m in smtp_server.messages] == 3 * ["25 new statements"] + 3 * [
        "1 new statement"
    ]


@pytest.mark.parametrize(
    "headers, body",
    [
        ("Subject: a short one", "One line.\r\n"),
        ("Subject: a long subject\r\n\tfolded  by the generator", "Lines  with   spaces \t\r\n\r\n\r\n"),
        ("Subject: =?utf-8?q?Statements_by_=E2=80=9CPeskov=E2=80=9D?=", ""),
    ],
)
def test_the_dkim_signature_verifies_whatever_the_headers_and_body(dkim_key, settings, headers, body):
    """The signature verifies with dkimpy's verifier: folded and encoded headers, whitespace a relay may change
    (relaxed canonicalisation), an empty body; and a changed header breaks it."""
    from statements.alerts import mail

    message = (
        f"From: alerts@tracker.example.org\r\nTo: reader@example.org\r\n{headers}\r\n"
        "List-Unsubscribe: <https://tracker.example.org/alerts/unsubscribe/t/>\r\n\r\n"
        f"{body}"
    ).encode()
    signed = mail.dkim_signed(message)

    assert dkim.verify(signed, dnsfunc=lambda name, timeout=5: dkim_key)
    assert not dkim.verify(signed.replace(b"/unsubscribe/t/", b"/unsubscribe/u/"), dnsfunc=lambda *a, **k: dkim_key)


def test_a_digest_shows_a_set_number_and_links_to_the_rest(smtp_server, monkeypatch):
    """Past SHOWN_MAX statements a digest counts the rest and links to them; all count as sent."""
    monkeypatch.setattr(digests, "SHOWN_MAX", 2)
    following()
    for _ in range(5):
        StatementFactory()
    sending.run()
    [message] = smtp_server.messages
    assert header(message, "Subject") == "5 new statements: All statements"
    assert "the newest 2 below" in text(message)
    assert "And 3 more: http://127.0.0.1:8000/" in text(message)
    assert SentStatement.objects.count() == 5


def test_a_digest_sent_again_reads_as_it_did(smtp_server, monkeypatch):
    """A run writes its digests from the statements it read once for all of them; a digest sent again (the run
    stopped after the server took it) is read anew. Both show the same statements, newest first, the same way:
    the words as written in the plain text, escaped in the HTML."""
    monkeypatch.setattr(digests, "SHOWN_MAX", 3)
    # The "manage alerts" link is signed with the second it was made: both runs sign in the same one.
    signed_at = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: signed_at)
    following()
    for day in [5, 1, 9, 3, 7]:
        StatementFactory(date=datetime.date(2016, 11, day), text=f"Talks on the {day}th & <after>.")
    mark_sent = sending.mark_sent
    monkeypatch.setattr(sending, "mark_sent", crash)
    now = timezone.now()
    with pytest.raises(KeyboardInterrupt):
        sending.run(now=now)
    monkeypatch.setattr(sending, "mark_sent", mark_sent)
    sending.run(now=now)

    first, again = smtp_server.messages
    assert (text(first), html(first)) == (text(again), html(again))
    assert re.findall(r"the (\d)th & <after>", text(first)) == ["9", "7", "5"]
    assert re.findall(r"the (\d)th &amp; &lt;after&gt;", html(first)) == ["9", "7", "5"]
    assert "And 2 more" in text(first)


def test_searched_words_reach_the_subject_quoted_capped_and_on_one_line(smtp_server):
    """Words from `q` are quoted in the subject, cut to a set length, without line breaks."""
    words = "burning " * 20 + "issue"
    following(f"q={words.replace(' ', '+')}%0Aline")
    StatementFactory(text=words + " line")
    sending.run()
    [message] = smtp_server.messages
    subject = header(message, "Subject")
    assert subject.startswith("1 new statement: Statements matching “burning burning")
    assert subject.endswith("…”") and "\n" not in subject and len(subject) < 120


def crash(*args, **kwargs):
    raise KeyboardInterrupt  # the run is stopped: not an error it would handle


@pytest.mark.parametrize(
    "step, copies",
    [
        ("before sending", 1),  # recorded, never handed over: the next run sends it
        ("after the server accepted it", 2),  # accepted, mark not committed: sent again, same Message-ID
        ("after the mark was committed", 1),  # done: never again
    ],
)
def test_a_run_stopped_at_each_step_sends_nothing_twice_but_that_one_digest(smtp_server, monkeypatch, step, copies):
    """Stopped before sending, after the server accepted the digest, or after its record was committed: the next
    runs send the digest, at most once more with the same Message-ID, and nothing else twice."""
    following()
    StatementFactory()
    if step == "before sending":
        monkeypatch.setattr(sending.emails, "digest_message", crash)
    elif step == "after the server accepted it":
        monkeypatch.setattr(sending, "mark_sent", crash)
    now = timezone.now()
    with pytest.raises(KeyboardInterrupt):
        # Progress is reported once a subscription is done: its digest sent and the mark committed.
        sending.run(now=now, progress=crash if step == "after the mark was committed" else None)
    monkeypatch.undo()
    assert not RunLock.objects.exclude(holder="").exists(), "the lock is given back"
    sending.run(now=now)
    sending.run(now=now + 2 * HOUR)

    to_reader = [m for m in smtp_server.messages if header(m, "To") == "reader@example.org"]
    assert len(to_reader) == copies
    assert {header(m, "Message-ID") for m in to_reader} == {
        Digest.objects.get(subscription__email="reader@example.org").message_id
    }
    assert Digest.objects.filter(state=DigestState.SENT).count() == Digest.objects.count()
    assert SentStatement.objects.filter(subscription__email="reader@example.org").count() == 1


def test_a_digest_goes_to_the_server_only_once_the_last_ones_mark_is_written(smtp_server, monkeypatch):
    """A digest's mark waits for the next digest's record (or a commit of its own before a pending digest goes),
    never for another digest to be handed over: at any moment at most one accepted digest is unmarked, so a run
    killed outright sends at most that one again."""
    readers = [following(email=f"reader{number}@example.org") for number in range(4)]
    StatementFactory()
    for reader in readers[:2]:  # their digests wait for a retry: the next run sends both, one after the other
        smtp_server.refuse[reader.email] = "451 4.3.0 Try again later"
    accepted, unmarked = [], []
    hand_over = sending.hand_over

    def watched(message, connection):
        unmarked.append(Digest.objects.filter(message_id__in=accepted, state=DigestState.PENDING).count())
        refusal = hand_over(message, connection)
        if refusal is None:
            accepted.append(message.extra_headers["Message-ID"])
        return refusal

    monkeypatch.setattr(sending, "hand_over", watched)
    now = timezone.now()
    assert sending.run(now=now).sent == 2
    smtp_server.refuse.clear()
    assert sending.run(now=now + sending.RETRY_AFTER).sent == 2

    assert unmarked == [0, 0, 0, 0, 0, 0]
    assert Digest.objects.filter(state=DigestState.SENT).count() == 4


def test_two_runs_at_once_never_both_send(smtp_server, monkeypatch):
    """A run started while another holds the lock sends nothing and says so; the first sends each digest once."""
    following()
    StatementFactory()
    during = []
    original = sending.deliver

    def deliver_while_another_run_starts(*args):
        during.append(sending.run())
        return original(*args)

    monkeypatch.setattr(sending, "deliver", deliver_while_another_run_starts)
    first = sending.run()
    assert during[0].locked and during[0].sent == 0
    assert "another run holds the lock" in during[0].line()
    assert first.sent == 1 and len(smtp_server.messages) == 1


@pytest.mark.parametrize("expired, taken", [(False, False), (True, True)])
def test_the_lock_is_a_lease_that_a_dead_run_loses(db, expired, taken):
    """A lock held by a run that died is taken once its lease has expired, not before."""
    RunLock.objects.create(
        name=sending.LOCK_NAME,
        holder="a run that died",
        expires_at=timezone.now() + (-1 if expired else 1) * datetime.timedelta(minutes=1),
    )
    assert sending.Lease().acquire() is taken


@pytest.mark.parametrize(
    "frequency, now, since, due",
    [
        # Daily at 07:00 Europe/London (08:00 in UTC+1 summer time: the hour is the local one).
        (Frequency.DAILY, "2026-12-07 07:05", "2026-12-06 10:00", True),
        (Frequency.DAILY, "2026-12-07 06:55", "2026-12-06 10:00", False),
        (Frequency.DAILY, "2026-12-07 09:00", "2026-12-07 07:05", False),
        (Frequency.DAILY, "2026-07-07 06:05", "2026-07-06 10:00", True),
        (Frequency.DAILY, "2026-07-07 05:55", "2026-07-06 10:00", False),
        # Weekly on Mondays (7 December 2026 is a Monday).
        (Frequency.WEEKLY, "2026-12-07 07:05", "2026-12-01 10:00", True),
        (Frequency.WEEKLY, "2026-12-08 07:05", "2026-12-07 07:05", False),
        (Frequency.WEEKLY, "2026-12-13 23:00", "2026-12-07 07:05", False),
        (Frequency.WEEKLY, "2026-12-14 07:00", "2026-12-07 07:05", True),
    ],
)
def test_daily_and_weekly_digests_are_due_at_their_hour_in_the_configured_time_zone(
    settings, frequency, now, since, due
):
    """Daily and weekly subscriptions are due once their moment (hour, day, time zone: settings) has come since
    they were last looked at."""
    settings.ALERTS_TIME_ZONE, settings.ALERTS_DAILY_HOUR, settings.ALERTS_WEEKLY_DAY = "Europe/London", 7, 0
    parse = lambda value: datetime.datetime.fromisoformat(value).replace(tzinfo=UTC)  # noqa: E731
    subscription = Subscription(frequency=frequency, checked_at=parse(since))
    assert digests.is_due(subscription, parse(now)) is due


@pytest.mark.parametrize("last_sent_minutes_ago, due", [(None, True), (59, False), (60, True)])
def test_as_published_is_at_most_hourly(last_sent_minutes_ago, due):
    """ "As published" subscriptions get at most one digest an hour."""
    now = timezone.now()
    last = None if last_sent_minutes_ago is None else now - datetime.timedelta(minutes=last_sent_minutes_ago)
    assert digests.is_due(Subscription(frequency=Frequency.AS_PUBLISHED, last_sent_at=last), now) is due


def test_a_temporary_refusal_is_retried_with_back_off(smtp_server):
    """A 4xx refusal is recorded and retried after the back-off, not before; then the same digest goes."""
    subscription = following()
    StatementFactory()
    smtp_server.refuse["reader@example.org"] = "451 4.3.0 Try again later"
    now = timezone.now()
    assert sending.run(now=now).refused == 1
    digest = Digest.objects.get()
    assert digest.state == DigestState.PENDING and digest.attempts == 1 and "451" in digest.last_error
    assert digest.retry_at == now + sending.RETRY_AFTER
    del smtp_server.refuse["reader@example.org"]
    assert sending.run(now=now + sending.RETRY_AFTER / 2).sent == 0
    assert sending.run(now=now + sending.RETRY_AFTER).sent == 1
    [message] = smtp_server.messages
    assert header(message, "Message-ID") == digest.message_id
    subscription.refresh_from_db()
    assert subscription.state == State.ACTIVE and subscription.hard_refusals == 0


def test_confirmation_links_go_through_the_mail_server_and_a_refused_one_is_dropped(smtp_server, caplog):
    """The run sends the confirmation links asked for; a request whose address the server refuses is dropped and
    logged with the SMTP code, never the address, and the run goes on."""
    request_alert(email="refused@example.org", query="", frequency=Frequency.DAILY)
    request_alert(email="reader@example.org", query="", frequency=Frequency.WEEKLY)
    smtp_server.refuse["refused@example.org"] = "550 5.1.1 No such user"
    summary = sending.run()
    assert (summary.confirmations, summary.refused) == (1, 1)
    [message] = smtp_server.messages
    assert header(message, "To") == "reader@example.org"
    assert header(message, "Subject") == "Confirm your Statement Tracker alert"
    assert "SMTPRecipientsRefused 550" in caplog.text and "refused@example.org" not in caplog.text
    assert not ConfirmationRequest.objects.exists()
    assert list(Subscription.objects.values_list("email", "frequency", "state").order_by("email")) == [
        ("reader@example.org", Frequency.WEEKLY, State.PENDING),
        ("refused@example.org", Frequency.DAILY, State.PENDING),  # forgotten when a link would have expired
    ]


@pytest.mark.parametrize("reply", ["550 5.1.1 No such user", "550 5.1.1 <reader@example.org>: User unknown"])
def test_permanent_refusals_pause_the_subscription(smtp_server, reply):
    """After PAUSE_AFTER permanent (5xx) refusals in a row the subscription is paused and the digest given up; the
    reason and the error say the SMTP code, never the server's words (which may hold the address)."""
    subscription = following()
    StatementFactory()
    smtp_server.refuse["reader@example.org"] = reply
    now = timezone.now()
    for attempt in range(sending.PAUSE_AFTER):
        sending.run(now=now + attempt * 24 * HOUR)
    subscription.refresh_from_db()
    digest = Digest.objects.get()
    assert subscription.state == State.PAUSED and digest.state == DigestState.FAILED
    assert subscription.paused_reason == "The mail server refused the address 3 times in a row (SMTP 550)."
    assert digest.last_error == "The mail server refused the address (SMTP 550, SMTPRecipientsRefused)."
    assert sending.run(now=now + 30 * 24 * HOUR).looked_at == 0
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    "fault",
    ["no server listening", "login refused (535)", "sender refused (550)", "sender refused for now (451)"],
)
def test_a_mail_server_taking_nothing_stops_the_run_and_leaves_every_digest_pending(smtp_server, settings, fault):
    """No connection, a refused login or a refused sender are no subscription's refusal: the run stops, says why,
    exits non-zero, and no digest or subscription changes, however many runs; the next good run sends them all."""
    from tests.smtp_server import free_port

    if fault == "no server listening":
        port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()
    elif fault == "login refused (535)":
        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "alerts", "wrong"
        smtp_server.accept_logins = False
    else:
        smtp_server.refuse_sender = "550 5.7.1 Relaying denied" if "550" in fault else "451 4.3.0 Busy"
    subscriptions = [following(email=f"reader{n}@example.org") for n in range(3)]
    StatementFactory()
    now = timezone.now()
    for attempt in range(sending.PAUSE_AFTER + 1):
        summary = sending.run(now=now + attempt * 24 * HOUR)
        assert summary.stopped and summary.sent == summary.refused == summary.paused == 0
    assert "Stopped: the mail server did not take mail" in summary.line()
    with pytest.raises(CommandError, match="the mail server did not take mail"):
        call_command("send_alerts", stdout=io.StringIO())

    [digest] = Digest.objects.all()  # the first subscription's: the run stopped there
    assert (digest.state, digest.attempts, digest.last_error) == (DigestState.PENDING, 0, "")
    for subscription in subscriptions:
        subscription.refresh_from_db()
        assert (subscription.state, subscription.hard_refusals) == (State.ACTIVE, 0)
    if fault == "no server listening":
        settings.EMAIL_PORT = port
    smtp_server.accept_logins, smtp_server.refuse_sender = True, ""
    assert sending.run(now=now + 5 * 24 * HOUR).sent == 3
    assert sorted(header(m, "To") for m in smtp_server.messages) == [s.email for s in subscriptions]
    assert header(smtp_server.messages[0], "Message-ID") == digest.message_id


@pytest.mark.parametrize(
    "reply, permanent",
    [
        ("554 5.6.0 Message refused: reader@example.org does not take mail", True),
        ("554 5.6.0 Message content refused", False),
        ("452 4.3.1 Insufficient storage", False),
    ],
)
def test_a_refused_message_is_that_digests_refusal_and_pauses_only_when_it_names_the_address(
    smtp_server, reply, permanent
):
    """A message refused at DATA is a refusal of that digest, retried; it counts towards pausing the subscription
    only as a 5xx naming its address."""
    subscription = following()
    StatementFactory()
    smtp_server.refuse_data = reply
    summary = sending.run()
    assert summary.refused == 1 and not summary.stopped
    subscription.refresh_from_db()
    assert subscription.hard_refusals == (1 if permanent else 0)
    assert Digest.objects.get().attempts == 1


def test_unconfirmed_subscriptions_are_forgotten_once_their_link_expires(db):
    """A pending subscription older than the confirmation link's life is deleted by the next run."""
    old = Subscription.objects.create(email="old@example.org", query="", token=links.new_token())
    Subscription.objects.filter(pk=old.pk).update(created_at=timezone.now() - links.CONFIRM_MAX_AGE - HOUR)
    recent = Subscription.objects.create(email="recent@example.org", query="", token=links.new_token())
    assert sending.run().forgotten == 1
    assert list(Subscription.objects.all()) == [recent]


def test_a_filter_that_no_longer_works_pauses_the_alert_with_the_reason(smtp_server):
    """A subscription to an official whose statements all left the public site is paused, with StatementFilter's
    reason for the Editors, rather than getting nothing for ever; the others go on."""
    from tests.admin_helpers import admin_url, user_with_role

    official = OfficialFactory(name="Gone Official", slug="gone-official")
    statement = StatementFactory(speaker=official)
    gone = following(f"speaker={official.slug}")
    other = following(email="other@example.org")
    statement.status = Status.DRAFT
    statement.save()
    StatementFactory()

    summary = sending.run()

    assert (summary.looked_at, summary.paused, summary.sent) == (2, 1, 1)
    assert [header(m, "To") for m in smtp_server.messages] == [other.email]
    gone.refresh_from_db()
    assert (gone.state, gone.paused_by) == (State.PAUSED, PauseCause.FILTER)
    assert gone.paused_reason.startswith("The filter no longer works: ") and "gone-official" in gone.paused_reason
    editor = Client()
    editor.force_login(user_with_role("Editor"))
    page = editor.get(admin_url(Subscription, "change", gone.pk)).content.decode()
    assert "The filter no longer works" in page
    assert sending.run(now=timezone.now() + 2 * HOUR).looked_at == 1


@pytest.mark.parametrize(
    "trouble, failed",
    [
        ("unsubscribed once the run looked it up", 0),
        ("unsubscribed while its digest was refused", 0),
        ("its digest cannot be written", 1),
    ],
)
def test_one_subscription_in_trouble_does_not_stop_the_run(smtp_server, monkeypatch, caplog, trouble, failed):
    """A subscription gone mid-run is passed over; one that fails is logged with its id and counted, and the run
    goes on to the others."""
    first, middle, last = (following(email=f"{name}@example.org") for name in ("first", "middle", "last"))
    StatementFactory()
    if trouble == "unsubscribed once the run looked it up":
        is_due = digests.is_due

        def unsubscribed_meanwhile(subscription, now):
            if subscription.pk == middle.pk:
                Subscription.objects.filter(pk=middle.pk).delete()
            return is_due(subscription, now)

        monkeypatch.setattr(sending.digests, "is_due", unsubscribed_meanwhile)
    elif trouble == "unsubscribed while its digest was refused":
        smtp_server.refuse["middle@example.org"] = "550 5.1.1 No such user"
        digest_message = sending.emails.digest_message

        def unsubscribed_meanwhile(digest, *args):
            if digest.subscription_id == middle.pk:
                Subscription.objects.filter(pk=middle.pk).delete()
            return digest_message(digest, *args)

        monkeypatch.setattr(sending.emails, "digest_message", unsubscribed_meanwhile)
    else:
        digest_message = sending.emails.digest_message

        def broken_for_middle(digest, *args):
            if digest.subscription_id == middle.pk:
                raise ValueError("a template error")
            return digest_message(digest, *args)

        monkeypatch.setattr(sending.emails, "digest_message", broken_for_middle)

    summary = sending.run()

    assert (summary.sent, summary.failed) == (2, failed)
    assert f"{failed} failed" in summary.line()
    assert sorted(header(m, "To") for m in smtp_server.messages) == [first.email, last.email]
    assert (f"alert {middle.pk} failed" in caplog.text) is bool(failed)


@pytest.mark.parametrize("verbosity, progress", [(1, False), (2, True)])
def test_the_command_prints_a_summary_line_and_progress_when_asked(smtp_server, verbosity, progress):
    """`send_alerts` ends with one summary line for logs; progress when run by hand (a terminal, or -v 2)."""
    following()
    StatementFactory()
    out = io.StringIO()
    call_command("send_alerts", verbosity=verbosity, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == (
        "send_alerts: 0 confirmation links sent, 1 subscriptions looked at, 1 digests sent (1 statements, "
        "0 corrections), 0 refused, 0 paused, 0 failed, 0 unconfirmed forgotten."
    )
    assert ("1/1 subscriptions" in out.getvalue()) is progress


def test_the_loop_outlives_a_run_that_fails(db, monkeypatch, caplog):
    """`send_alerts --loop` closes stale database connections before each run, logs a run that raises (the database
    restarting), sleeps and runs again."""
    from django.db import OperationalError

    from statements.management.commands import send_alerts

    happened = []
    outcomes = [OperationalError("the database is restarting"), sending.Summary(sent=1)]

    def run(**kwargs):
        happened.append("run")
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def sleep(seconds):
        happened.append(f"sleep {seconds:g}")
        if not outcomes:
            raise KeyboardInterrupt  # stop the loop once both runs are done

    monkeypatch.setattr(send_alerts.sending, "run", run)
    monkeypatch.setattr(send_alerts.time, "sleep", sleep)
    monkeypatch.setattr(send_alerts, "close_old_connections", lambda: happened.append("close"))
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        call_command("send_alerts", loop=True, sleep=7, stdout=out)
    assert happened == ["close", "run", "sleep 7", "close", "run", "sleep 7"]
    assert "the database is restarting" in caplog.text and "the next one starts in 7" in caplog.text
    assert "1 digests sent" in out.getvalue()


@pytest.fixture
def dkim_key(tmp_path, settings):
    """A fresh RSA key configured for signing; returns the DNS TXT record publishing its public half."""
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", key, "2048"], check=True, capture_output=True)
    public = subprocess.run(
        ["openssl", "rsa", "-in", key, "-pubout", "-outform", "DER"], check=True, capture_output=True
    ).stdout
    settings.DKIM_PRIVATE_KEY_FILE, settings.DKIM_SELECTOR, settings.DKIM_DOMAIN = key, "alerts", "tracker.example.org"
    return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def test_with_a_key_every_digest_is_dkim_signed_over_the_unsubscribe_headers(smtp_server, dkim_key):
    """With a DKIM key configured, the digest on the wire carries a signature that verifies against the published
    key and covers List-Unsubscribe and List-Unsubscribe-Post; a changed unsubscribe address breaks it."""
    following()
    StatementFactory()
    sending.run()
    [raw] = smtp_server.raw
    lookups = []

    def dns(name, timeout=5):
        lookups.append(name)
        return dkim_key

    assert dkim.verify(raw, dnsfunc=dns)
    assert lookups == [b"alerts._domainkey.tracker.example.org."]
    signature = "".join(str(smtp_server.messages[0]["DKIM-Signature"]).split())
    assert "d=tracker.example.org" in signature
    assert "list-unsubscribe:list-unsubscribe-post" in signature
    assert not dkim.verify(raw.replace(b"/alerts/unsubscribe/", b"/alerts/unsubscribX/"), dnsfunc=dns)


def test_without_a_key_nothing_is_signed(smtp_server):
    """No DKIM key configured: the message goes unsigned (the relay may sign it)."""
    following()
    StatementFactory()
    sending.run()
    assert smtp_server.messages[0]["DKIM-Signature"] is None
