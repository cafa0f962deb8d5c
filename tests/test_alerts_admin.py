"""Alert subscriptions in the admin: Analysts see states and counts but never an address; Editors also see the
addresses and pause or resume an alert."""

import pytest
from django.test import Client

from statements.alerts import links
from statements.alerts.models import Subscription
from statements.alerts.models import SubscriptionState as State
from tests.admin_helpers import admin_url, user_with_role

pytestmark = pytest.mark.django_db

ADDRESS = "private.reader@example.org"


@pytest.fixture
def subscription():
    return Subscription.objects.create(
        email=ADDRESS, query="", state=State.ACTIVE, confirmed_at="2026-01-01T00:00:00Z", token=links.new_token()
    )


def signed_in(role: str) -> Client:
    client = Client()
    client.force_login(user_with_role(role))
    return client


@pytest.mark.parametrize("role, sees_address", [("Analyst", False), ("Editor", True)])
def test_addresses_are_shown_to_editors_only(subscription, role, sees_address):
    """The list and the page show the state, the filter in words and the statements sent to both roles; the
    address, and searching by it, only to Editors."""
    client = signed_in(role)
    listing = client.get(admin_url(Subscription, "changelist"))
    detail = client.get(admin_url(Subscription, "change", subscription.pk))
    searched = client.get(admin_url(Subscription, "changelist") + "?q=private")
    for response in (listing, detail):
        page = response.content.decode()
        assert response.status_code == 200
        assert "All statements" in page and "Active" in page
        assert (ADDRESS in page) is sees_address
    assert (ADDRESS in searched.content.decode()) is sees_address


@pytest.mark.parametrize(
    "role, query, status",
    [
        ("Analyst", "email__startswith=p", 400),
        ("Analyst", "email=private.reader@example.org", 400),
        ("Analyst", "email__regex=^p", 400),
        ("Analyst", "address_hash__startswith=a", 400),
        ("Analyst", "token__startswith=a", 400),
        ("Analyst", "state=active", 200),
        ("Editor", "email__startswith=p", 200),
        ("Editor", "token__startswith=a", 400),
    ],
)
def test_the_query_string_cannot_spell_out_an_address_or_a_token(subscription, role, query, status):
    """Filtering the list by the address (or its hash) is refused with a 400 to those who may not see addresses,
    and by the unsubscribe token to everyone: a yes or no per letter would spell them out."""
    response = signed_in(role).get(admin_url(Subscription, "changelist") + "?" + query)
    assert response.status_code == status


@pytest.mark.parametrize("role, paused", [("Analyst", False), ("Editor", True)])
def test_editors_pause_and_resume_an_alert(subscription, role, paused):
    """The pause action is an Editor's; an Analyst's hand-made POST changes nothing."""
    client = signed_in(role)
    client.post(admin_url(Subscription, "changelist"), {"action": "pause", "_selected_action": [subscription.pk]})
    subscription.refresh_from_db()
    assert (subscription.state == State.PAUSED) is paused
    if paused:
        client.post(admin_url(Subscription, "changelist"), {"action": "resume", "_selected_action": [subscription.pk]})
        subscription.refresh_from_db()
        assert subscription.state == State.ACTIVE and subscription.paused_reason == ""


@pytest.mark.parametrize("role", ["Analyst", "Editor"])
def test_the_preview_shows_the_next_digest_and_records_nothing(subscription, role):
    """The preview lists what the next digest would hold; nothing is recorded as sent."""
    from statements.alerts.models import Digest, SentStatement
    from tests.factories import StatementFactory

    statement = StatementFactory(text="A statement published after the subscription.")
    response = signed_in(role).get(admin_url(Subscription, "preview", subscription.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 new statement" in page and statement.text in page and ADDRESS not in page
    assert not Digest.objects.exists() and not SentStatement.objects.exists()


# Queries for the alerts list, whatever the number of rows: session, user, the user's and groups' permissions, the
# counts (all, filtered), the rows with their statements sent, the officials, topics and countries the page's
# filters name (once each, for all rows), the date hierarchy's bounds and days.
CHANGELIST_QUERIES = 12


@pytest.mark.parametrize("rows", [3, 12])
def test_the_list_says_each_filter_in_words_with_a_fixed_number_of_queries(django_assert_num_queries, rows):
    """The list reads the names its filters use once for the page, not once per row: 3 alerts cost what 12 do."""
    from tests.factories import OfficialFactory, StatementFactory, TopicFactory, country

    syria = TopicFactory(name="Syria", slug="syria")
    peskov = OfficialFactory(name="Dmitry Peskov", slug="dmitry-peskov")
    StatementFactory(speaker=peskov, topics=[syria], countries=[country("SY")])
    filters = [
        ("speaker=dmitry-peskov", "Statements by Dmitry Peskov"),
        ("topic=syria", "Statements on Syria"),
        ("country=sy", "Statements concerning Syria"),
        ("q=sanctions&topic=syria", "Statements on Syria matching “sanctions”"),
    ]
    for n in range(rows):
        Subscription.objects.create(
            email=f"reader{n}@example.org", query=filters[n % len(filters)][0], token=links.new_token()
        )
    client = signed_in("Editor")
    with django_assert_num_queries(CHANGELIST_QUERIES):
        response = client.get(admin_url(Subscription, "changelist"))
    page = response.content.decode()
    assert response.status_code == 200 and len(response.context["cl"].result_list) == rows
    assert [words for _, words in filters[:rows] if words not in page] == []
