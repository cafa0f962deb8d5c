"""The one Django-aware part of the extractor: read officials, topics, countries and statements from the database."""

import datetime

from statements.models import Country, Official, Statement, Topic

from .extract import extract
from .types import Extraction, KnownCountry, KnownOfficial, KnownPosition, KnownTopic


def known_officials() -> list[KnownOfficial]:
    """Every official and institution with aliases, kind and positions (with their country's name and aliases for
    matching roles and institutions)."""
    officials = Official.objects.select_related("country").prefetch_related("positions__country")
    known = []
    for official in officials:
        positions = []
        for position in official.positions.all():
            country = position.country or official.country
            aliases = (country.name, *country.alias_list) if country else ()
            positions.append(
                KnownPosition(
                    title=position.title,
                    start=position.start_date,
                    end=position.end_date,
                    organisation=position.organisation,
                    country_aliases=aliases,
                )
            )
        country = official.country
        known.append(
            KnownOfficial(
                official.name,
                tuple(official.alias_list),
                tuple(positions),
                id=official.pk,
                country=country.code if country else "",
                kind=official.kind,
                country_aliases=(country.name, *country.alias_list) if country else (),
            )
        )
    return known


def known_topics() -> list[KnownTopic]:
    return [KnownTopic(topic.name, tuple(topic.keyword_list), id=topic.pk) for topic in Topic.objects.all()]


def known_countries() -> list[KnownCountry]:
    return [
        KnownCountry(country.name, tuple(country.alias_list), code=country.code, id=country.pk)
        for country in Country.objects.all()
    ]


def existing_statements(official_ids: set[int]) -> list[tuple[str, str]]:
    """(speaker name, text) of the statements already recorded for these officials, for the duplicate warning."""
    rows = Statement.objects.filter(speaker_id__in=official_ids).values_list("speaker__name", "text")
    return list(rows)


def extract_with_database(text: str, *, published: datetime.date) -> Extraction:
    """Run the extractor against the officials, topics and countries in the database, with duplicate warnings."""
    officials = known_officials()
    first = extract(text, published=published, officials=officials, paraphrases=True, topics=(), countries=())
    speaker_ids = {p.speaker.official_id for p in first.proposals if p.speaker and p.speaker.official_id}
    return extract(
        text,
        published=published,
        officials=officials,
        topics=known_topics(),
        countries=known_countries(),
        existing=existing_statements(speaker_ids),
    )
