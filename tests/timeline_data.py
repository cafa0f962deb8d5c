"""A small labelled world for the timeline, filter and page tests: every statement has a one-letter label.

Newest first the published statements are G, E, B, A, C, D, F (B was created after A on the same day).
"""

import datetime

from django.db import connection

from statements.models import Coding, DatePrecision, Kind, Status
from tests.factories import (
    OfficialFactory,
    OutletFactory,
    PositionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
    country,
)

DRAFT_TEXT = "Draft words that must never be public"
RETRACTED_TEXT = "Words later found to be misattributed"
NOTE_TEXT = "Analyst note that must never be public"


def link_counting_queries(conditions: int) -> int:
    """Queries a topic or country filter adds to choose its query's shape (planner.is_common), on both
    databases: the table's size and a bounded count of the links."""
    return 2 * conditions


def word_counting_queries(conditions: int) -> int:
    """The same for words: the table's size, and a bounded count of the matches (SQLite) or the planner's statistics
    and the matches among the newest statements (PostgreSQL)."""
    return (2 if connection.vendor == "sqlite" else 3) * conditions


def build_world() -> dict:
    """Create the labelled statements and the entities around them; returns them by name."""
    ru, us, sy, fr = country("RU"), country("US"), country("SY"), country("FR")
    middle_east = TopicFactory(name="Middle East", slug="middle-east")
    syria = TopicFactory(name="Syria", slug="syria", parent=middle_east)
    sanctions = TopicFactory(name="Sanctions", slug="sanctions")
    election = TopicFactory(name="2016 US presidential election", slug="us-election-2016")
    unused_topic = TopicFactory(name="Arctic", slug="arctic")

    peskov = OfficialFactory(name="Dmitry Peskov", slug="dmitry-peskov", aliases="Dmitri Peskov", country=ru)
    lavrov = OfficialFactory(name="Sergey Lavrov", slug="sergey-lavrov", country=ru)
    kirby = OfficialFactory(name="John Example", slug="john-example", country=us)
    anna = OfficialFactory(name="Anna Sample", slug="anna-sample", country=fr)
    PositionFactory(official=peskov, title="Press Secretary of the President of Russia", start_date="2012-05-22")
    PositionFactory(official=lavrov, title="Minister of Foreign Affairs", start_date="2004-03-09")
    PositionFactory(official=kirby, title="Spokesperson", start_date="2015-01-01", end_date="2016-06-30")
    PositionFactory(official=kirby, title="Ambassador", start_date="2016-07-01")

    tass = OutletFactory(name="TASS", slug="tass")
    reuters = OutletFactory(name="Reuters", slug="reuters")
    tass_en = SourceFactory(outlet=tass, title="Kremlin on relations with Washington", language="en")
    tass_ru = SourceFactory(outlet=tass, title="Lavrov interview", language="ru")
    reuters_src = SourceFactory(outlet=reuters, title="Syria talks resume", language="en")

    def day(y, m, d):
        return datetime.date(y, m, d)

    s = {}
    s["A"] = StatementFactory(
        speaker=peskov,
        date=day(2016, 11, 11),
        text="No one expects that relationship will improve in a fortnight.",
        source=tass_en,
        topics=[sanctions],
        countries=[ru, us],
        mentioned_officials=[kirby],
        note=NOTE_TEXT,
    )
    s["B"] = StatementFactory(
        speaker=peskov,
        date=day(2016, 11, 11),
        kind=Kind.PARAPHRASE,
        text="Russia will continue working with the United States on Syria.",
        source=tass_en,
        topics=[syria],
        countries=[ru, us, sy],
    )
    s["C"] = StatementFactory(
        speaker=lavrov,
        date=day(2016, 11, 1),
        date_precision=DatePrecision.MONTH,
        text="Talks on the ceasefire continue.",
        original_text="Переговоры о прекращении огня продолжаются.",
        original_language="ru",
        source=tass_ru,
        topics=[middle_east],
        countries=[sy],
    )
    s["D"] = StatementFactory(
        speaker=kirby,
        date=day(2016, 1, 1),
        date_precision=DatePrecision.YEAR,
        text="We will hold them accountable.",
        source=reuters_src,
        topics=[election],
        countries=[ru],
    )
    s["E"] = StatementFactory(
        speaker=kirby,
        date=day(2016, 12, 1),
        kind=Kind.PARAPHRASE,
        text="Sanctions remain in place.",
        source=reuters_src,
        topics=[sanctions],
    )
    s["F"] = StatementFactory(
        speaker=anna,
        date=day(2015, 6, 30),
        text="A peaceful settlement is possible.",
        original_text="Un règlement pacifique est possible.",
        original_language="fr",
        source=reuters_src,
        topics=[syria, sanctions],
        countries=[sy, fr],
    )
    s["G"] = StatementFactory(speaker=lavrov, date=day(2017, 1, 1), text="New year, old problems.", source=tass_en)
    draft = StatementFactory(
        speaker=peskov,
        date=day(2016, 11, 11),
        text=DRAFT_TEXT,
        status=Status.DRAFT,
        source=tass_en,
        topics=[sanctions, syria, unused_topic],
        countries=[ru, us, sy, fr],
    )
    retracted = StatementFactory(
        speaker=peskov,
        date=day(2016, 11, 11),
        text=RETRACTED_TEXT,
        status=Status.RETRACTED,
        retraction_reason="Misattributed: the words were the interviewer's.",
        source=tass_en,
        topics=[sanctions],
        countries=[ru],
    )
    # Codings (docs/codebook.md): toward countries and an official; the draft's and the retracted one's never match.
    for statement, target, stance, act in [
        (s["A"], us, 0, "comment"),
        (s["B"], us, 1, "agree"),
        (s["D"], ru, -2, "threaten"),
        (s["E"], ru, None, "comment"),
        (s["F"], sy, 1, "offer"),
        (s["G"], anna, -1, "criticise"),
        (draft, us, -2, "threaten"),
        (retracted, us, -1, "criticise"),
    ]:
        field = "target_official" if target == anna else "target_country"
        Coding.objects.create(statement=statement, stance=stance, act=act, **{field: target})
    # A draft-only speaker must not appear anywhere public either (officials index, facets).
    ghost = OfficialFactory(name="Draft Only Person", slug="draft-only-person", country=fr)
    StatementFactory(speaker=ghost, text=DRAFT_TEXT + " (ghost)", status=Status.DRAFT, source=tass_en)
    return {
        "statements": s,
        "labels": {st.pk: label for label, st in s.items()},
        "draft": draft,
        "retracted": retracted,
        "officials": {"peskov": peskov, "lavrov": lavrov, "kirby": kirby, "anna": anna, "ghost": ghost},
        "topics": {"middle-east": middle_east, "syria": syria, "sanctions": sanctions, "election": election},
        "outlets": {"tass": tass, "reuters": reuters},
    }


def draft_only_entities(world) -> list[tuple[str, str, str]]:
    """(parameter, slug, name) of an official speaking only in drafts, one mentioned only in a draft, one only a
    draft is coded toward and an outlet created for a draft (the article extraction and the import create them so)."""
    mentioned = OfficialFactory(name="Mentioned In Draft", slug="mentioned-in-draft")
    world["draft"].mentioned_officials.add(mentioned)
    targeted = OfficialFactory(name="Targeted In Draft", slug="targeted-in-draft")
    Coding.objects.create(statement=world["draft"], target_official=targeted, stance=-1, act="criticise")
    outlet = OutletFactory(name="Draft Only Outlet", slug="draft-only-outlet")
    StatementFactory(status=Status.DRAFT, text=DRAFT_TEXT, source=SourceFactory(outlet=outlet))
    return [
        ("speaker", "draft-only-person", "Draft Only Person"),
        ("speaker", mentioned.slug, mentioned.name),
        ("target", targeted.slug, targeted.name),
        ("outlet", outlet.slug, outlet.name),
    ]
