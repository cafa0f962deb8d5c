"""Coding a statement from the keyboard alone, in Debian's Chromium: the codings inline of the statement form."""

import pytest

from statements.models import Coding, Statement, Status
from tests.admin_helpers import admin_url, user_with_role
from tests.browser import serious_violations
from tests.factories import StatementFactory, country

# live_server needs real transactions; serialized_rollback puts the migration-loaded countries back after each test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def focused(page) -> dict:
    """The focused element: its tag, name or id, and the name assistive technology reads for it."""
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            const label = e.getAttribute("aria-label") || (e.labels && e.labels[0] ? e.labels[0].innerText : "");
            return {tag: e.tagName, name: e.getAttribute("name") || "", id: e.id, label, text: e.innerText || ""};
        }"""
    )


def tab_until(page, wanted, *, limit: int) -> int:
    """Press Tab until the focused element is the one `wanted` says; how many presses it took (at most `limit`)."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if wanted(focused(page)):
            return presses
    raise AssertionError(f"not reached in {limit} Tab presses; focus is on {focused(page)}")


def test_an_analyst_codes_a_draft_from_the_keyboard_alone(live_server, page):
    """Sign in, go to the codings, choose the target by autocomplete, the stance and the act, and save: Tab, typing,
    Enter and the arrow keys only, never the mouse. The coding is stored with who coded it."""
    analyst = user_with_role("Analyst")
    statement = StatementFactory(status=Status.DRAFT, text="Washington's new sanctions are illogical.")
    page.goto(f"{live_server.url}/admin/login/?next={admin_url(Statement, 'change', statement.pk)}")
    page.keyboard.type("analyst")  # the username box has the focus when the page opens
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery staple")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    tab_until(page, lambda e: e["text"] == "Skip to main content", limit=1)
    page.keyboard.press("Enter")
    tab_until(page, lambda e: e["text"] == "Codings", limit=4)  # the form's "Go to" links, after History
    page.keyboard.press("Enter")
    tab_until(page, lambda e: e["label"] == "Target country", limit=1)  # the first box of the new coding row
    page.keyboard.press("Enter")  # opens the autocomplete, its search box focused
    page.wait_for_function("document.activeElement.classList.contains('select2-search__field')")
    page.keyboard.type("United St")  # the admin's search matches each word: Mexico (United Mexican States) first
    page.locator(".select2-results__option", has_text="United States").first.wait_for()
    highlighted = page.locator(".select2-results__option--highlighted")
    for _ in range(5):
        if highlighted.inner_text() == "United States":
            break
        page.keyboard.press("ArrowDown")
    assert highlighted.inner_text() == "United States"
    page.keyboard.press("Enter")
    assert focused(page)["label"] == "Target country"  # the focus is back on the box, not lost to the page
    assert page.locator("#id_codings-0-target_country").input_value() == str(country("US").pk)

    tab_until(page, lambda e: e["label"] == "Stance", limit=4)  # past the official's box and its "add" link
    for _ in range(4):  # No stance, Strongly supportive (+2), Supportive (+1), Neutral (0), Critical (−1)
        page.keyboard.press("ArrowDown")
    tab_until(page, lambda e: e["label"] == "Speech act", limit=1)
    page.keyboard.type("Crit")  # a select's type-ahead: "Criticise or accuse"
    assert page.locator("#id_codings-0-act").input_value() == "criticise"
    violations = serious_violations(page, exclude=[".breadcrumbs"])  # the inline's named boxes included
    assert not violations, "\n".join(violations)
    tab_until(page, lambda e: e["name"] == "_save", limit=12)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.get_by_text("was changed successfully").is_visible()
    coding = Coding.objects.get(statement=statement)
    assert (coding.target_country, coding.target_official, coding.stance, coding.act, coding.coded_by) == (
        country("US"),
        None,
        -1,
        "criticise",
        analyst,
    )
