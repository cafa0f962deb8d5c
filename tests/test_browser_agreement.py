"""Blind second coding in Debian's Chromium: an analyst codes their queue from the keyboard alone, and the pages an
analyst and an Editor use have no serious accessibility violation and no console error."""

import pytest

from statements.models import Coding, SecondCoding, Statement
from statements.positions.agreement import request_second_codings
from statements.positions.codebook import SpeechAct
from tests.admin_helpers import user_with_role
from tests.browser import log_in, serious_violations
from tests.factories import StatementFactory, country

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, live_server, username: str) -> None:
    log_in(page, f"{live_server.url}/admin/login/", username)


def asked_of(analyst) -> SecondCoding:
    statement = StatementFactory(text="We will answer any provocation in Syria without hesitation.")
    Coding.objects.create(statement=statement, target_country=country("US"), stance=-1, act=SpeechAct.CRITICISE)
    request_second_codings(statements=Statement.objects.filter(pk=statement.pk), coder=analyst, user=None)
    return SecondCoding.objects.get(statement=statement)


def tab_until(page, is_there: str, presses: int = 80) -> None:
    """Press Tab until the focused element satisfies the JavaScript condition `is_there` (on `el`)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {is_there}; }})()"):
            return
    raise AssertionError(f"Tab never reached {is_there}")


def test_an_analyst_codes_a_second_time_from_the_keyboard_alone(live_server, page):
    """Tab to the target, type to find the country, Enter; type the stance and the act; Enter records it."""
    analyst = user_with_role("Analyst")
    second = asked_of(analyst)
    sign_in(page, live_server, "analyst")
    page.goto(f"{live_server.url}/admin/statements/statement/second-codings/")
    assert serious_violations(page) == []
    tab_until(page, "el.tagName === 'A' && /\\/second-codings\\/\\d+\\/$/.test(el.href)")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    assert serious_violations(page) == []
    # Blind: nothing of the first coding (United States, critical, criticise) is chosen or written on the page.
    assert [page.locator(f"#id_{name}").input_value() for name in ("target_country", "stance", "act")] == ["", "", ""]
    assert "United States" not in page.content()
    tab_until(page, "!!el.closest('.select2') && !!el.closest('.form-row').querySelector('#id_target_country')")
    page.keyboard.press("Enter")
    # The box opens and takes the focus before one types, as a person sees it open; then the first match is lit.
    page.locator(".select2-container--open .select2-search__field").wait_for()
    page.wait_for_function("document.activeElement.classList.contains('select2-search__field')")
    page.keyboard.type("Syr")
    page.locator(".select2-results__option--highlighted", has_text="Syria").wait_for()
    page.keyboard.press("Enter")
    tab_until(page, "el.id === 'id_stance'")
    page.keyboard.type("Hostile")
    tab_until(page, "el.id === 'id_act'")
    page.keyboard.type("Threaten")
    tab_until(page, "el.type === 'submit'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "recorded" in page.content()
    second.refresh_from_db()
    assert (second.target_country.code, second.stance, second.act) == ("SY", -2, "threaten")


def test_the_agreement_report_has_no_serious_accessibility_violations(live_server, page):
    """The Editor's report, with a disagreement to settle, reads for everyone; settling works from its button."""
    analyst = user_with_role("Analyst")
    second = asked_of(analyst)
    SecondCoding.objects.filter(pk=second.pk).update(
        target_country=country("US"), stance=-2, act=SpeechAct.THREATEN, coded_at=second.requested_at
    )
    user_with_role("Editor")
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/admin/statements/statement/agreement/")
    assert page.get_by_role("table", name="Agreement per field").is_visible()
    assert serious_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name=f"Mark the disagreement on statement {second.statement_id} resolved").click()
    assert "marked resolved" in page.content()
    assert console == []
