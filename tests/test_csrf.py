"""CSRF: every form that changes something refuses a POST without the CSRF token (403), and accepts it with one."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from statements.models import Statement, Status
from tests.factories import StatementFactory, UserFactory

PASSWORD = "correct horse battery staple"  # UserFactory's


@pytest.fixture
def statement(db):
    return StatementFactory(status=Status.DRAFT, text="Words before any edit.")


def admin_posts(statement) -> dict[str, tuple[str, dict]]:
    """Every admin form a signed-in analyst posts, with the data that form expects."""
    changelist = reverse("admin:statements_statement_changelist")
    return {
        "change form": (
            reverse("admin:statements_statement_change", args=[statement.pk]),
            {"text": "Words changed by a forged form."},
        ),
        "add form": (reverse("admin:statements_statement_add"), {"text": "A forged statement."}),
        "publish action": (changelist, {"action": "publish_selected", "_selected_action": [statement.pk]}),
        "retract action": (changelist, {"action": "retract_selected", "_selected_action": [statement.pk]}),
        "export action": (changelist, {"action": "export_selected_csv", "_selected_action": [statement.pk]}),
        "import page": (reverse("admin:statements_statement_import"), {"preview": "1"}),
        "import confirm": (reverse("admin:statements_statement_import"), {"confirm": "1"}),
        "from-article page": (
            reverse("admin:statements_statement_from_article"),
            {"extract": "1", "text": 'Peskov said: "No."'},
        ),
        "password change": (reverse("admin:password_change"), {"old_password": PASSWORD}),
        "logout": (reverse("admin:logout"), {}),
    }


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "form",
    [
        "change form",
        "add form",
        "publish action",
        "retract action",
        "export action",
        "import page",
        "import confirm",
        "from-article page",
        "password change",
        "logout",
    ],
)
def test_admin_forms_refuse_a_post_without_the_csrf_token(statement, form):
    """A forged POST from another site (no token) is a 403 and changes nothing."""
    client = signed_in(UserFactory(username="admin", is_superuser=True))
    url, data = admin_posts(statement)[form]
    response = client.post(url, data)
    assert response.status_code == 403, form
    assert "CSRF" in response.content.decode()
    statement.refresh_from_db()
    assert (statement.status, statement.text) == (Status.DRAFT, "Words before any edit.")
    assert Statement.objects.count() == 1


def csrf_token(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_the_same_action_with_the_token_goes_through(statement):
    """The control: the publish action with the page's token is accepted, so the 403s above are about the token."""
    client = signed_in(UserFactory(username="admin", is_superuser=True))
    changelist = reverse("admin:statements_statement_changelist")
    data = {"action": "publish_selected", "_selected_action": [statement.pk]}
    response = client.post(changelist, data | {"csrfmiddlewaretoken": csrf_token(client, changelist)})
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == Status.PUBLISHED


def test_admin_login_refuses_a_post_without_the_csrf_token(db):
    """Login CSRF: a forged login form (signing the victim into the attacker's account) is refused."""
    UserFactory(username="analyst")
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("admin:login"), {"username": "analyst", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    with_token = {"csrfmiddlewaretoken": csrf_token(client, reverse("admin:login"))}
    response = client.post(reverse("admin:login"), {"username": "analyst", "password": PASSWORD} | with_token)
    assert response.status_code == 302


@pytest.mark.parametrize("url", ["/", "/export.csv", "/feed.atom", "/statements/1/", "/api/statements/", "/healthz"])
def test_public_site_serves_no_post_without_a_token(db, url):
    """The public site only reads: a POST without a token is refused (403 by the CSRF check, or 405)."""
    assert Client(enforce_csrf_checks=True).post(url, {"q": "x"}).status_code in (403, 404, 405)
