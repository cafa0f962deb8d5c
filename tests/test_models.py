"""Model rules: constraints give clear validation errors, and roles derive from positions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import clear_script_prefix, set_script_prefix

from statements.models import Country, DatePrecision, Position, Statement, Status, Topic
from tests.factories import OfficialFactory, PositionFactory, StatementFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_every_iso_country_is_loaded():
    """The data migration loads all 249 ISO 3166-1 countries, with everyday names."""
    assert Country.objects.count() == 249
    assert Country.objects.get(code="RU").name == "Russia"
    assert "Syrian Arab Republic" in Country.objects.get(code="SY").alias_list


@pytest.mark.parametrize(
    "wikidata_id, valid",
    [("Q2298093", True), ("", True), ("q1", False), ("Q", False), ("Q01", False), ("P31", False), ("Q12x", False)],
)
def test_wikidata_id_format(wikidata_id, valid):
    """A Wikidata id is Q followed by digits, checked by the form and by the database."""
    official = OfficialFactory.build(wikidata_id=wikidata_id, country=None)
    if valid:
        official.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            official.full_clean()
        assert "Wikidata id is Q followed by digits" in str(error.value)
        with pytest.raises(IntegrityError), transaction.atomic():
            official.save()


def test_position_cannot_end_before_it_starts():
    """A clear validation error, and the database refuses it too."""
    position = PositionFactory.build(
        official=OfficialFactory(), start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2019, 1, 1)
    )
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        position.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        position.save()


def test_statement_cannot_be_published_without_source():
    """Publishing needs a source: a validation error on the field, and a database constraint."""
    statement = StatementFactory.build(speaker=OfficialFactory(), source=None, status=Status.PUBLISHED)
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert "cannot be published without a source" in str(error.value.message_dict["source"])
    with pytest.raises(IntegrityError), transaction.atomic():
        statement.save()


def test_retraction_needs_a_reason():
    statement = StatementFactory(status=Status.RETRACTED, retraction_reason="Misattributed: it was X.")
    statement.retraction_reason = ""
    with pytest.raises(ValidationError, match="why"):
        statement.full_clean()


def test_topic_cycle_is_refused():
    """A topic cannot become its own ancestor, directly or through a chain."""
    middle_east = TopicFactory(name="Middle East")
    syria = TopicFactory(name="Syria", parent=middle_east)
    aleppo = TopicFactory(name="Aleppo", parent=syria)
    middle_east.parent = aleppo
    with pytest.raises(ValidationError, match="cycle"):
        middle_east.full_clean()
    middle_east.parent = middle_east
    with pytest.raises(ValidationError, match="cycle"):
        middle_east.full_clean()


def test_topic_subtree_includes_descendants():
    root = TopicFactory(name="Middle East")
    syria = TopicFactory(name="Syria", parent=root)
    aleppo = TopicFactory(name="Aleppo", parent=syria)
    TopicFactory(name="Sanctions")
    assert Topic.subtree_ids([root]) == {root.pk, syria.pk, aleppo.pk}
    assert Topic.subtree_ids([syria.pk]) == {syria.pk, aleppo.pk}


def test_role_is_the_position_held_on_the_statement_date():
    """The role shown with a statement is derived from the position held on its date."""
    official = OfficialFactory()
    PositionFactory(
        official=official,
        title="Deputy spokesperson",
        start_date=datetime.date(2008, 1, 1),
        end_date=datetime.date(2012, 5, 6),
    )
    PositionFactory(official=official, title="Press Secretary", start_date=datetime.date(2012, 5, 22))
    early = StatementFactory(speaker=official, date=datetime.date(2010, 3, 1))
    gap = StatementFactory(speaker=official, date=datetime.date(2012, 5, 10))
    late = StatementFactory(speaker=official, date=datetime.date(2016, 11, 11))
    roles = {s.pk: s.role_on_date() for s in Statement.objects.with_role()}
    assert roles == {early.pk: "Deputy spokesperson", gap.pk: "", late.pk: "Press Secretary"}
    assert late.role_on_date() == "Press Secretary"
    assert Position.objects.filter(official=official).held_on(datetime.date(2012, 5, 6)).get().title == (
        "Deputy spokesperson"
    )


@pytest.mark.parametrize(
    "precision, stored, shown",
    [
        (DatePrecision.DAY, datetime.date(2016, 11, 11), "11 November 2016"),
        (DatePrecision.MONTH, datetime.date(2016, 11, 1), "November 2016"),
        (DatePrecision.YEAR, datetime.date(2016, 1, 1), "2016"),
    ],
)
def test_date_shows_its_precision(precision, stored, shown):
    statement = StatementFactory(date=datetime.date(2016, 11, 11), date_precision=precision)
    statement.full_clean()
    assert statement.date == stored
    assert statement.display_date == shown


def test_published_excludes_drafts_and_public_keeps_retracted():
    published = StatementFactory()
    StatementFactory(status=Status.DRAFT)
    retracted = StatementFactory(status=Status.RETRACTED, retraction_reason="Misattributed.")
    assert list(Statement.objects.published()) == [published]
    assert set(Statement.objects.public()) == {published, retracted}


def test_entity_addresses_follow_the_script_prefix_and_the_slug():
    """Entity addresses are remembered per process (models.entity_url), never across a change of sub-path (an app
    served under /tracker/) or of slug."""
    topic, official = TopicFactory(slug="sanctions"), OfficialFactory(slug="dmitry-peskov")
    russia = Country.objects.get(code="RU")
    assert [topic.get_absolute_url(), official.get_absolute_url()] == [
        "/topics/sanctions/",
        "/officials/dmitry-peskov/",
    ]
    set_script_prefix("/tracker/")
    try:
        assert topic.get_absolute_url() == "/tracker/topics/sanctions/"
        assert russia.get_absolute_url() == "/tracker/countries/ru/"
    finally:
        clear_script_prefix()
    assert russia.get_absolute_url() == "/countries/ru/"
    topic.slug = "sanctions-regimes"
    assert topic.get_absolute_url() == "/topics/sanctions-regimes/"
