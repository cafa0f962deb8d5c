"""The public timeline in Debian's Chromium: narrowing, facets, paging, permalinks, accessibility, screenshots."""

import datetime
import re

import pytest

from statements.models import Report
from tests.browser import ARTIFACTS, screenshot, serious_violations
from tests.factories import OutletFactory, SourceFactory, StatementFactory, country
from tests.timeline_data import DRAFT_TEXT, build_world

# live_server needs real transactions; serialized_rollback puts the migration-loaded countries back after each test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world():
    """The labelled world plus 30 more statements by Lavrov on Syria so the timeline has two pages."""
    world = build_world()
    for i in range(30):
        StatementFactory(
            speaker=world["officials"]["lavrov"],
            date=datetime.date(2016, 3, 1) + datetime.timedelta(days=i),
            text=f"Synthetic remark {i} on the Syrian settlement.",
            topics=[world["topics"]["syria"]],
        )
    return world


def test_narrow_the_timeline_through_the_form(live_server, page, world):
    """Choosing an official and a kind in the form and submitting narrows the list and keeps the choice in the URL."""
    page.goto(live_server.url + "/")
    assert page.get_by_text("37 statements").is_visible()
    page.get_by_label("Official", exact=True).select_option(label="Dmitry Peskov (2)")
    page.get_by_label("Kind").select_option(label="Paraphrase")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"speaker=dmitry-peskov"))
    assert page.url == live_server.url + "/?speaker=dmitry-peskov&kind=paraphrase"  # no empty parameters
    assert page.get_by_text("1 statement matches these filters").is_visible()
    assert page.get_by_text("Russia will continue working with the United States on Syria.").is_visible()
    assert page.get_by_role("link", name="Remove filter Official: Dmitry Peskov").is_visible()
    screenshot(page, "timeline-filtered")


@pytest.mark.parametrize("path", ["/", "/?speaker=dmitry-peskov&topic=syria"])
def test_on_a_phone_the_first_result_is_on_the_first_screen(live_server, browser, world, path):
    """At 390 × 844 the results come before the form and the facets, which open as disclosures saying how many
    filters are active."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(live_server.url + path)
    first = phone.locator(".statement").first.bounding_box()
    assert first["y"] < 844 - 60, f"the first result starts at {first['y']:.0f} px"
    assert not phone.locator("#id_speaker").is_visible()
    summary = phone.locator(".filters-area > summary")
    if "speaker" in path:
        assert summary.inner_text().replace("\n", " ").startswith("Filters 2 active")
    summary.click()
    assert phone.locator("#id_speaker").is_visible()
    phone.locator(".facets-area > summary").click()
    assert phone.locator(".facets").get_by_role("heading", name="Topics").is_visible()
    screenshot(phone, "timeline-phone" + ("-filtered" if "speaker" in path else ""))
    context.close()


def test_on_a_desktop_form_results_and_facets_stand_side_by_side(live_server, page, world):
    """At 1280 px the form, the results and the facets are three columns, all open: the facets are not under the
    form."""
    page.goto(live_server.url + "/")
    form = page.locator("form.filters").bounding_box()
    results = page.locator(".statement").first.bounding_box()
    facets = page.locator(".facets").bounding_box()
    assert form["x"] + form["width"] <= results["x"] < facets["x"]
    assert facets["y"] < results["y"] + results["height"]
    assert page.locator("#id_speaker").is_visible()


# Countries concerned beyond the labelled world's four, so that the country list is long enough to narrow.
MORE_COUNTRIES = ["AT", "BE", "CN", "DE", "EG", "GB", "IN", "IR", "JP", "TR", "UA", "AE", "CI"]


def test_typing_narrows_the_country_list(live_server, page, world):
    """The country list narrows as one types, names and codes, accents ignored; Enter applies the first match. No
    inline script: the page's console stays free of Content-Security-Policy errors."""
    for code in MORE_COUNTRIES:
        StatementFactory(speaker=world["officials"]["anna"], countries=[country(code)])
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + "/")
    select, box = page.locator("#id_country"), page.get_by_label("Type to narrow: Country concerned")

    def shown():
        return select.locator("option").all_inner_texts()

    assert len(shown()) == 1 + 4 + len(MORE_COUNTRIES)
    box.fill("syr")
    assert shown() == ["Any country", "Syria (3)"]
    assert page.locator("#id_country_narrow_status").inner_text() == "1 of 17 shown"
    box.fill("united")
    assert shown() == ["Any country", "United Arab Emirates (1)", "United Kingdom (1)", "United States (2)"]
    box.fill("us")  # the code first, then names starting so, then names containing it
    assert shown()[:2] == ["Any country", "United States (2)"] and "Russia (3)" in shown()
    box.fill("cote")
    assert shown() == ["Any country", "Côte d'Ivoire (1)"]
    box.fill("zzz")
    assert shown() == ["Any country"]
    assert page.locator("#id_country_narrow_status").inner_text() == "Nothing in the list matches “zzz”"
    box.fill("syr")
    screenshot(page, "narrow-countries", widths=(1280,))
    box.press("Enter")
    page.wait_for_url(re.compile(r"country=sy"))
    assert page.url == live_server.url + "/?country=sy"
    assert page.get_by_text("3 statements match these filters").is_visible()
    assert page.get_by_label("Syria (3)").is_checked()
    assert console == []
    assert serious_violations(page) == []


def test_on_a_phone_the_narrowing_box_fits_and_works(live_server, browser, world):
    """At 390 px the box and the narrowed list fit the screen inside the filters' disclosure."""
    for code in MORE_COUNTRIES:
        StatementFactory(speaker=world["officials"]["anna"], countries=[country(code)])
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(live_server.url + "/")
    phone.locator(".filters-area > summary").click()
    box = phone.get_by_label("Type to narrow: Country concerned")
    box.scroll_into_view_if_needed()
    box.fill("united")
    texts = phone.locator("#id_country option").all_inner_texts()
    assert texts == ["Any country", "United Arab Emirates (1)", "United Kingdom (1)", "United States (2)"]
    assert phone.locator("#id_country").input_value() == ""  # narrowing picks nothing by itself
    right = phone.locator("#id_country").bounding_box()
    assert right["x"] + right["width"] <= 390
    screenshot(phone, "narrow-countries-phone", widths=(390,))
    context.close()


def test_without_javascript_the_lists_are_plain_selects(live_server, browser, world):
    """Progressive enhancement: with scripts off there is no box, the whole list is there and choosing works."""
    for code in MORE_COUNTRIES:
        StatementFactory(speaker=world["officials"]["anna"], countries=[country(code)])
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(live_server.url + "/")
    assert plain.locator("#id_country_narrow").count() == 0
    assert plain.locator("#id_country option").count() == 1 + 4 + len(MORE_COUNTRIES)
    plain.locator("#id_country").select_option("sy")
    plain.get_by_role("button", name="Apply filters").click()
    plain.wait_for_url(re.compile(r"country=sy"))
    assert plain.get_by_text("3 statements match these filters").is_visible()
    context.close()


def test_bad_date_in_the_form_shows_the_message(live_server, page, world):
    """A malformed date typed into the form comes back with the message next to the field and status 400."""
    page.goto(live_server.url + "/")
    page.get_by_label("Date from", exact=True).fill("11/11/2016")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Apply filters").click()
    assert navigation.value.status == 400
    assert page.locator("#err_date_from").inner_text().startswith("Enter a date as YYYY")
    screenshot(page, "timeline-error")


def test_follow_a_facet_then_page_forward_keeping_filters(live_server, page, world):
    """A topic facet adds that filter; the next page keeps it."""
    page.goto(live_server.url + "/")
    screenshot(page, "timeline")
    page.locator(".facets").get_by_role("link", name="Syria", exact=True).first.click()  # the topic, not the target
    page.wait_for_url(re.compile(r"topic=syria"))
    assert page.get_by_text("32 statements match these filters").is_visible()
    page.get_by_role("link", name="Next page →").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert "topic=syria" in page.url
    assert page.get_by_text("Page 2 of 2").is_visible()
    assert page.locator("article.statement").count() == 7


def test_open_a_permalink(live_server, page, world):
    """The permalink link of an item opens the statement's own page with its source and role."""
    page.goto(live_server.url + "/?speaker=dmitry-peskov&kind=direct")
    page.get_by_role("link", name=re.compile(r"^Permalink: Dmitry Peskov")).click()
    page.wait_for_url(re.compile(r"/statements/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Dmitry Peskov, 11 November 2016")
    assert page.get_by_text("Press Secretary of the President of Russia").is_visible()
    screenshot(page, "permalink")


def test_a_permalink_shows_each_report_and_its_check(live_server, page):
    """ "Reported by" lists the reports earliest first, each with its own check: found in TASS's kept text (its words
    highlighted in the passage), not found in RIA's, nothing for CNN's transcript (no text kept); the page fits a
    phone and a desktop."""
    cnn, tass, ria = (OutletFactory(name=name) for name in ("CNN", "TASS", "RIA Novosti"))
    kept = (
        "MOSCOW, November 10. /TASS/. The Kremlin spokesman spoke to CNN on Thursday. "
        "\u201cSyria is a burning issue and we can\u2019t afford any pause,\u201d Peskov said, adding that "
        "contacts with the new administration would start after the inauguration."
    )
    statement = StatementFactory(
        text="Syria is a burning issue, and we cannot afford a pause.",
        source=SourceFactory(outlet=cnn, title="Transcript: Amanpour", published_on=datetime.date(2016, 11, 11)),
    )
    Report.objects.create(
        statement=statement,
        source=SourceFactory(outlet=tass, title="Peskov to CNN", published_on=datetime.date(2016, 11, 10), text=kept),
        text="Syria is a burning issue and we can't afford any pause.",
    )
    Report.objects.create(
        statement=statement,
        source=SourceFactory(
            outlet=ria,
            title="Песков о Сирии",
            published_on=datetime.date(2016, 11, 12),
            language="ru",
            text="Песков: Сирия — острейшая проблема, паузу позволить себе нельзя.",
        ),
    )
    page.goto(live_server.url + statement.get_absolute_url())
    reports = page.locator("ol.reports > li")
    assert [line.split(":")[0] for line in reports.all_inner_texts()] == ["TASS", "CNN", "RIA Novosti"]
    assert reports.nth(0).get_by_text("Found verbatim in TASS’s report").is_visible()
    assert reports.nth(0).locator("mark").inner_text() == "Syria is a burning issue and we can’t afford any pause"
    assert "verbatim" not in reports.nth(1).inner_text()
    assert reports.nth(2).get_by_text("Not found verbatim in the kept text").is_visible()
    screenshot(page, "permalink-reports", widths=(390, 1280))
    assert serious_violations(page) == []


def test_about_link_is_visible_in_the_footer_on_a_phone(live_server, browser, world):
    """At 390 px the footer's about link is on the page, visible, inside the window, and opens the about page."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(live_server.url + world["statements"]["A"].get_absolute_url())
    link = phone.locator(".site-footer").get_by_role("link", name=re.compile(r"^About the tracker"))
    link.scroll_into_view_if_needed()
    assert link.is_visible()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    link.click()
    phone.wait_for_url(re.compile(r"/about/$"))
    assert phone.get_by_role("heading", level=1, name="About the Statement Tracker").is_visible()
    screenshot(phone, "about", widths=(390, 1280))
    context.close()


def test_report_an_error_from_a_permalink(live_server, page, world):
    """At 1280 px a reader fills in the permalink's "Report an error" form and is thanked on the same permalink."""
    from statements.models import ErrorReport

    url = live_server.url + world["statements"]["A"].get_absolute_url()
    page.goto(url)
    assert not page.locator(".report-form__trap").is_visible()  # the honeypot, hidden by site.css
    page.get_by_label("What is wrong?").fill("The date is a day early.")
    page.get_by_label("Your email address (optional)").fill("reader@example.net")
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url(url + "#report")
    assert page.get_by_role("status").filter(has_text="Thank you: your report has reached the editors.").is_visible()
    assert ErrorReport.objects.get().message == "The date is a day early."
    screenshot(page, "report-an-error")


def test_a_missing_statement_shows_the_sites_404_page_with_a_way_on(live_server, page, world):
    """A mistyped permalink gets the site's own page, in its layout, with links back to the timeline and lists."""
    response = page.goto(live_server.url + "/statements/999999/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "There is nothing at this address"
    assert page.get_by_role("navigation", name="Site").is_visible()
    screenshot(page, "not-found")
    page.get_by_role("link", name="the timeline").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_text("37 statements").is_visible()


def test_keyboard_reaches_the_filters_from_the_skip_link(live_server, page, world):
    """Tab lands on the skip link first, and the form's fields are reachable by keyboard."""
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    for _ in range(30):  # past the navigation and the download links
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_q":
            break
    assert page.evaluate("document.activeElement.id") == "id_q"


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("a11y-timeline", "/"),
        ("a11y-timeline-filtered", "/?topic=middle-east&speaker_country=ru"),
        ("a11y-permalink", "statement"),
        ("a11y-retracted", "retracted"),
        ("a11y-official", "/officials/dmitry-peskov/"),
        ("a11y-topic", "/topics/middle-east/"),
        ("a11y-country", "/countries/sy/"),
        ("a11y-officials", "/officials/"),
        ("a11y-topics", "/topics/"),
        ("a11y-countries", "/countries/"),
        ("a11y-bad-filter", "/?date_from=2016-13&topic=nope"),
        ("a11y-empty", "/?q=nothing+matches+this"),
        ("a11y-about", "/about/"),
    ],
)
def test_no_serious_accessibility_violations(live_server, page, world, name, path):
    """axe-core finds no serious or critical violations, the console has no errors, no draft text is on the page."""
    if path == "statement":
        path = world["statements"]["A"].get_absolute_url()
    elif path == "retracted":
        path = world["retracted"].get_absolute_url()
    console = []
    page.on("console", lambda message: console.append(message) if message.type == "error" else None)
    page.goto(live_server.url + path)
    # The document's own 400 (a bad filter, on purpose) is reported too; only other errors count.
    console = [m.text for m in console if m.location["url"] != page.url]
    assert serious_violations(page) == []
    assert console == []  # e.g. nothing blocked by the Content-Security-Policy, no missing resource
    assert DRAFT_TEXT not in page.content()
    screenshot(page, name)


@pytest.mark.parametrize(
    ("name", "path", "axis", "bars"),
    [
        ("chart-one-month", "/?date_from=2016-03&date_to=2016-03", "Day, 2016", 31),
        ("chart-one-year", "/?date_from=2016&date_to=2016", "Month, 2016", 12),
    ],
)
def test_the_chart_step_follows_the_filter_and_its_labels_fit(live_server, browser, world, name, path, axis, bars):
    """A one-month filter is charted in days and a one-year filter in months; on a phone and a desktop every axis
    label is inside the chart and clear of the others."""
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(live_server.url + path)
        chart = page.locator(".chart__svg")
        assert chart.locator(".chart__bar").count() == bars
        assert chart.locator(".chart__xtitle").text_content() == axis
        svg = chart.bounding_box()
        ticks = [tick.bounding_box() for tick in chart.locator(".chart__tick").all()]
        assert len(ticks) >= 4
        for tick in ticks:
            assert svg["x"] <= tick["x"] and tick["x"] + tick["width"] <= svg["x"] + svg["width"], (width, tick)
        for before, after in zip(ticks, ticks[1:], strict=False):
            assert before["x"] + before["width"] < after["x"], (width, before, after)
        title = chart.locator(".chart__xtitle").bounding_box()
        last = ticks[-1]
        assert last["y"] + last["height"] <= title["y"] + 2 or last["x"] + last["width"] <= title["x"], width
        page.locator(".chart").scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(".chart").screenshot(path=str(ARTIFACTS / f"{name}-{width}-chart.png"))
        screenshot(page, name, widths=(width,))
        context.close()


def test_the_coding_facets_arrive_after_the_page_and_narrow_it(live_server, browser, world):
    """The targets, stances and speech acts are fetched after the page and put under the other facets, on a desktop
    and on a phone; an entry adds its filter. Without scripts the link to them opens them as a page."""
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(live_server.url + "/?speaker_country=ru")
        if width == 390:
            page.locator(".facets-area > summary").click()
        facets = page.locator(".coding-facets")
        facets.get_by_role("heading", name="Coded toward").wait_for()  # fetched after the page
        assert facets.get_by_role("heading", name="Coded toward").is_visible()
        assert facets.get_by_role("heading", name="Speech act").is_visible()
        assert serious_violations(page) == []
        screenshot(page, "timeline-coding-facets" + ("-phone" if width == 390 else ""), widths=(width,))
        facets.get_by_role("link", name="United States", exact=True).click()
        page.wait_for_url(re.compile(r"target=us"))
        assert page.get_by_text("2 statements match these filters").is_visible()
        context.close()
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(live_server.url + "/")
    plain.get_by_role("link", name="Targets, stances and speech acts of these statements").click()
    plain.wait_for_url(re.compile(r"/facets/codings/"))
    assert plain.get_by_role("heading", name="Coded toward").is_visible()
    plain.get_by_role("link", name="Russia", exact=True).click()
    plain.wait_for_url(re.compile(r"/\?target=ru"))
    assert plain.get_by_text("2 statements match these filters").is_visible()
    context.close()
