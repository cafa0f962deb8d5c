"""Shared pieces of the browser tests: Debian's Chromium driven by Playwright, screenshots and axe-core checks."""

import os
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright's own browser download does not work here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def chromium_missing_message() -> str | None:
    if os.path.exists(CHROMIUM):
        return None
    return "Debian's chromium is not installed: run `make browser` (make test does it)"


def screenshot(page, name: str, widths=(375, 1280)) -> None:
    """Full-page screenshots at phone and desktop widths, for a person to look at; nothing wider than the window."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}-top.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} overflows at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


PASSWORD = "correct horse battery staple"  # every test user's (tests/factories.py)


def log_in(page, url: str, username: str) -> None:
    """Open an admin `url` as `username`: the admin shows its login form there and returns to the page after it."""
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def serious_violations(page, exclude: list[str] = ()) -> list[str]:
    """axe-core's serious and critical findings on the page, leaving out the given CSS selectors."""
    from axe_playwright_python.sync_playwright import Axe

    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    violations = Axe().run(page, context=context).response["violations"]
    return [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
