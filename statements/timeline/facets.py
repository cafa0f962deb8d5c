"""Facet counts for the current filter, counted from the matches the timeline has read, each linking to a narrower
filter. The facets shown, and their titles, are those the filter registry declares (`Public.facet`)."""

from collections import Counter
from dataclasses import dataclass

from django.http import QueryDict

from .. import denormalised
from ..models import Topic
from ..planner import FirstMatches
from .querystrings import replacing, with_value

FACET_SIZE = 10


@dataclass
class FacetEntry:
    label: str
    count: int
    url: str
    active: bool


def facet_entries(params: QueryDict, *, topics, speakers, countries, years) -> dict[str, list[FacetEntry]]:
    """Facet rows (dicts with a count `n`) as entries linking to the narrower filter, the chosen ones marked."""
    chosen_topics = set(params.getlist("topic"))
    chosen_speakers = set(params.getlist("speaker"))
    chosen_countries = {c.upper() for c in params.getlist("speaker_country")}
    return {
        "topic": [
            FacetEntry(
                r["topic__name"],
                r["n"],
                with_value(params, "topic", r["topic__slug"]),
                r["topic__slug"] in chosen_topics,
            )
            for r in topics
        ],
        "speaker": [
            FacetEntry(
                r["speaker__name"],
                r["n"],
                with_value(params, "speaker", r["speaker__slug"]),
                r["speaker__slug"] in chosen_speakers,
            )
            for r in speakers
        ],
        "speaker_country": [
            FacetEntry(
                r["speaker__country__name"],
                r["n"],
                with_value(params, "speaker_country", r["speaker__country__code"].lower()),
                r["speaker__country__code"] in chosen_countries,
            )
            for r in countries
        ],
        # The busiest years, shown in calendar order; a year link replaces any date range (the date filters' facet).
        "date_from": sorted(
            (
                FacetEntry(
                    str(r["year"]),
                    r["n"],
                    replacing(params, date_from=str(r["year"]), date_to=str(r["year"])),
                    params.get("date_from") == str(r["year"]) and params.get("date_to") == str(r["year"]),
                )
                for r in years[:FACET_SIZE]
            ),
            key=lambda entry: entry.label,
            reverse=True,
        ),
    }


def facet_counts_for_matches(
    matches: FirstMatches, params: QueryDict, *, speakers: dict[int, tuple], topics: dict[int, Topic]
) -> dict[str, list[FacetEntry]]:
    """The same facets as facet_counts, for the matches the paginator has read (statements/timeline/page.py).

    Every count is made in Python from what was read anyway, each statement's speaker, date and topics: topics
    from each statement's copy of its topic ids (statements/denormalised.py). They are named from what the
    timeline has read for its filter form: `speakers` (id → (slug, name, country code, country name), every
    official with published statements) and `topics` (id → Topic, every topic).
    """
    per_speaker = Counter(matches.speaker_ids)
    per_year = Counter()
    for date, n in matches.per_date.items():
        per_year[date[:4]] += n
    per_topic = denormalised.count_ids(matches.topics)
    speaker_rows, per_country = [], Counter()
    for speaker_id, n in per_speaker.items():
        pk = int(speaker_id)
        if pk not in speakers:  # first published after `speakers` was read: named on the next request
            continue
        slug, name, code, country_name = speakers[pk]
        speaker_rows.append({"speaker__slug": slug, "speaker__name": name, "n": n})
        if code:
            per_country[(code, country_name)] += n
    topic_rows = [
        {"topic__slug": topics[pk].slug, "topic__name": topics[pk].name, "n": n}
        for pk, n in per_topic.items()
        if pk in topics
    ]
    topics = sorted(topic_rows, key=lambda r: (-r["n"], r["topic__name"]))[:FACET_SIZE]
    speakers = sorted(speaker_rows, key=lambda r: (-r["n"], r["speaker__name"]))[:FACET_SIZE]
    countries = [
        {"speaker__country__code": code, "speaker__country__name": name, "n": n}
        for (code, name), n in sorted(per_country.items(), key=lambda item: (-item[1], item[0][1]))[:FACET_SIZE]
    ]
    years = [
        {"year": int(year), "n": n} for year, n in sorted(per_year.items(), key=lambda item: (-item[1], -int(item[0])))
    ]
    return facet_entries(params, topics=topics, speakers=speakers, countries=countries, years=years)
