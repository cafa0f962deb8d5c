"""The about page: what it says, and the footer link to it on every public page."""

import pytest
from django.urls import reverse

from tests.timeline_data import build_world

pytestmark = pytest.mark.django_db

ABOUT = reverse("statements:about")
FOOTER_LINK = f'<a href="{ABOUT}">About the tracker'


@pytest.fixture
def world():
    return build_world()


def public_pages(world) -> list[str]:
    return [
        "/",
        "/?q=ceasefire",
        "/?date_from=2016-13",  # a 400, still a page a person sees
        "/?page=999",  # the paging 404
        world["statements"]["A"].get_absolute_url(),
        world["retracted"].get_absolute_url(),
        "/officials/",
        "/officials/dmitry-peskov/",
        "/topics/",
        "/topics/middle-east/",
        "/countries/",
        "/countries/sy/",
        ABOUT,
    ]


def test_every_public_page_links_to_the_about_page_in_its_footer(client, world):
    """The footer of every public page, errors included, links to /about/."""
    for path in public_pages(world):
        html = client.get(path).content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        assert FOOTER_LINK in footer, path


def test_about_page_covers_scope_curation_corrections_licence_and_citation(client):
    """The about page answers a new user's questions: scope, curation, corrections, the data licence, citing."""
    response = client.get(ABOUT)
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "What it records, and what it does not",
        "Who curates it, and how",
        "Sourcing and corrections",
        "Licence of the data",
        "How to cite a statement",
    ):
        assert f">{heading}</h2>" in html, heading
    assert "Analysts" in html and "Editor" in html
    assert "https://creativecommons.org/licenses/by/4.0/" in html and "CC BY 4.0" in html
    assert "Cite this statement" in html and "(Peskov, 2016, as cited in Statement Tracker, 2026)" in html
    assert "Report an error" in html


def test_about_page_is_read_only(client):
    """A plain page: GET and HEAD only."""
    assert client.head(ABOUT).status_code == 200
    assert client.post(ABOUT).status_code == 405
