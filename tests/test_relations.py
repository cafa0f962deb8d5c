"""Relations between two countries (issue 21, point 8): one canonical page per pair, both directions by the side the
speaker spoke for on the day, the latest statements each way, the speech acts most used, links from country pages."""

import datetime

import pytest

from statements.compare.series import count
from statements.models import Coding, OfficialKind, Status
from tests.factories import OfficialFactory, PositionFactory, StatementFactory, country

pytestmark = pytest.mark.django_db

NOV = datetime.date(2016, 11, 11)


def coded(speaker, stance, act, *, target="US", date=NOV, status=Status.PUBLISHED, text=""):
    extra = {"text": text} if text else {}
    statement = StatementFactory(speaker=speaker, date=date, status=status, **extra)
    Coding.objects.create(statement=statement, target_country=country(target), stance=stance, act=act)
    return statement


@pytest.mark.parametrize(
    "path, status, location",
    [
        pytest.param("/relations/ru-us/", 200, None, id="canonical"),
        pytest.param("/relations/us-ru/", 301, "/relations/ru-us/", id="the other order"),
        pytest.param("/relations/RU-US/", 301, "/relations/ru-us/", id="upper case"),
        pytest.param("/relations/ru-ru/", 404, None, id="one country twice"),
        pytest.param("/relations/ru-zz/", 404, None, id="no such country"),
        pytest.param("/relations/ru/", 404, None, id="one code"),
        pytest.param("/relations/ru-us-gb/", 404, None, id="three codes"),
    ],
)
def test_one_page_per_pair(client, path, status, location):
    response = client.get(path)
    assert response.status_code == status
    if location:
        assert response["Location"] == location


def test_both_directions_by_the_side_spoken_for_on_the_day(client):
    lavrov = OfficialFactory(name="Sergey Lavrov", country=country("RU"))
    # A Russian official in a post for the United States in 2016: that year he speaks on its side.
    envoy = OfficialFactory(name="Posted Envoy", country=country("RU"))
    PositionFactory(official=envoy, country=country("US"), start_date=datetime.date(2016, 1, 1))
    ministry = OfficialFactory(name="Ministry of Foreign Affairs", kind=OfficialKind.MINISTRY, country=country("US"))
    # An institution speaks for its country whatever posts it records.
    PositionFactory(official=ministry, country=country("RU"), start_date=datetime.date(2010, 1, 1))
    for stance in (-1, -2, -1):
        coded(lavrov, stance, "criticise", text=f"Lavrov criticises {stance}")
    coded(lavrov, 0, "comment", date=datetime.date(2016, 12, 1), text="Lavrov comments")
    coded(lavrov, -2, "threaten", status=Status.DRAFT, text="A draft threat")
    coded(envoy, 1, "praise", target="RU", text="The envoy praises")
    coded(ministry, -1, "reject", target="RU", text="The ministry rejects")
    coded(lavrov, -2, "criticise", target="GB", text="Toward another country")
    response = client.get("/relations/ru-us/")
    assert response.status_code == 200
    (ru_us, ru_latest, ru_acts, _, ru_total), (us_ru, us_latest, us_acts, _, us_total) = response.context["directions"]
    assert (ru_us.label, ru_total, us_ru.label, us_total) == ("Russia → United States", 4, "United States → Russia", 2)
    assert ru_acts == [("Criticise or accuse", 3), ("Comment", 1)]
    assert us_acts == [("Praise", 1), ("Reject", 1)]
    assert [s.text for s in ru_latest][0] == "Lavrov comments"
    assert {s.text for s in us_latest} == {"The envoy praises", "The ministry rejects"}
    # The page sums most speakers from the rollup and counts the envoy's statements one by one: as counting all.
    directions = [ru_us, us_ru]
    assert count(directions).rows[0].points == count(directions, exact=True).rows[0].points
    assert count(directions).rows[1].points == count(directions, exact=True).rows[1].points
    html = response.content.decode()
    assert "A draft threat" not in html and "Toward another country" not in html
    assert "−1.33 (3)" in html  # Russia → United States in November 2016: -1, -2, -1


def test_country_pages_link_to_their_relations(client):
    coded(OfficialFactory(country=country("RU")), -1, "criticise")
    coded(OfficialFactory(country=country("GB")), 1, "praise", target="RU")
    coded(OfficialFactory(country=country("FR")), 1, "praise", target="RU", status=Status.DRAFT)
    html = client.get("/countries/ru/").content.decode()
    assert 'href="/relations/ru-us/"' in html and 'href="/relations/gb-ru/"' in html
    assert "/relations/fr-ru/" not in html  # only a draft between them
    assert 'href="/relations/ru-us/"' in client.get("/countries/us/").content.decode()


def test_the_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    lavrov = OfficialFactory(country=country("RU"))
    for month in range(1, 13):
        coded(lavrov, -1, "criticise", date=datetime.date(2016, month, 1))
    # The pair; per direction: the rollup's sums, the counts and codings of the speakers in posts abroad, the latest
    # ids of both kinds of speakers, their rows and topics, the acts from the rollup and from those speakers.
    with django_assert_max_num_queries(20):
        assert client.get("/relations/ru-us/").status_code == 200
