"""The demo data set: the seed TASS article (11 November 2016) curated by hand, as plain data plus one loader.

Every statement below is copied verbatim from statements/fixtures/tass-2016-11-11-peskov-cnn.txt (the test suite
checks this): nothing here is invented or attributed to a real person who did not say it. Where the demo needs more
rows, statements/sample_data/synthetic.py adds clearly labelled statements by fictional officials.
"""

import datetime
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone

from .. import history
from ..models import (
    Coding,
    Country,
    DatePrecision,
    Kind,
    Medium,
    Official,
    Outlet,
    Position,
    Source,
    Statement,
    Status,
    Topic,
)

SEED_ARTICLE = Path(__file__).resolve().parent.parent / "fixtures" / "tass-2016-11-11-peskov-cnn.txt"
SEED_DATE = datetime.date(2016, 11, 11)

# Demonyms and metonyms used in wire copy, merged into the ISO aliases the country migration loaded.
COUNTRY_ALIASES = {
    "RU": ["Russian", "Moscow", "Kremlin"],
    "US": ["American", "Washington", "White House"],
    "SY": ["Syrian", "Damascus"],
}

# Parents come before their children. Topics marked (*) are not used by the seed article: they give the synthetic
# statements (statements/sample_data/synthetic.py) a broader tree to spread over.
TOPICS = [
    {
        "slug": "international-relations",
        "name": "International relations",
        "parent": None,
        "description": "Relations between states: diplomacy, cooperation and disputes.",
        "keywords": ["diplomacy", "foreign policy", "bilateral relations", "third countries"],
    },
    {
        "slug": "russia-us-relations",
        "name": "Russia–US relations",
        "parent": "international-relations",
        "description": "Relations between Russia and the United States.",
        "keywords": ["Russian-US relations", "Russia-US relations", "Moscow and Washington", "Russian-American"],
    },
    {
        "slug": "sanctions",
        "name": "Sanctions",
        "parent": "international-relations",
        "description": "Economic and political sanctions and calls to lift or extend them.",
        "keywords": ["sanctions", "restrictive measures", "embargo"],
    },
    {
        "slug": "united-nations",  # (*)
        "name": "United Nations",
        "parent": "international-relations",
        "description": "The UN, its Security Council and General Assembly.",
        "keywords": ["United Nations", "UN Security Council", "General Assembly"],
    },
    {
        "slug": "us-politics",
        "name": "US politics",
        "parent": None,
        "description": "Domestic politics of the United States.",
        "keywords": ["Congress", "White House", "Administration"],
    },
    {
        "slug": "us-elections",
        "name": "US elections",
        "parent": "us-politics",
        "description": "Presidential and congressional elections in the United States.",
        "keywords": ["US election", "election campaign", "candidate"],
    },
    {
        "slug": "2016-us-presidential-election",
        "name": "2016 US presidential election",
        "parent": "us-elections",
        "description": "The November 2016 election won by Donald Trump, and claims of foreign interference in it.",
        "keywords": ["presidential election", "President-elect", "Trump's victory", "neutrality", "interfering"],
    },
    {
        "slug": "middle-east",
        "name": "Middle East",
        "parent": None,
        "description": "The Middle East and North Africa.",
        "keywords": ["Middle East"],
    },
    {
        "slug": "syria",
        "name": "Syria",
        "parent": "middle-east",
        "description": "The Syrian conflict and international efforts to settle it.",
        "keywords": ["Syria", "Syrian", "Damascus"],
    },
    {
        "slug": "aleppo",
        "name": "Aleppo",
        "parent": "syria",
        "description": "The battle for Aleppo, including the siege of its eastern districts in 2016.",
        "keywords": ["Aleppo", "eastern Aleppo"],
    },
    {
        "slug": "russian-military-operation-in-syria",
        "name": "Russian military operation in Syria",
        "parent": "syria",
        "description": "Russia's air campaign in support of the Syrian army, from September 2015.",
        "keywords": ["Russian Air Forces", "Aerospace Forces", "military jets", "airstrikes"],
    },
    {
        "slug": "syrian-opposition",
        "name": "Syrian opposition",
        "parent": "syria",
        "description": "Armed and political opposition groups, and separating them from terrorist groups.",
        "keywords": ["opposition", "moderate opposition", "rebels"],
    },
    {
        "slug": "security",
        "name": "Security",
        "parent": None,
        "description": "Defence, terrorism and international security.",
        "keywords": ["security", "defence"],
    },
    {
        "slug": "counter-terrorism",
        "name": "Counter-terrorism",
        "parent": "security",
        "description": "Combating terrorism and cooperation against terrorist groups.",
        "keywords": ["terrorism", "terrorists", "combating terror", "terrorist targets"],
    },
    {
        "slug": "arms-control",  # (*)
        "name": "Arms control",
        "parent": "security",
        "description": "Treaties limiting nuclear and conventional weapons, and their verification.",
        "keywords": ["arms control", "New START", "nuclear weapons", "missile defence"],
    },
    {
        "slug": "cybersecurity",  # (*)
        "name": "Cybersecurity",
        "parent": "security",
        "description": "Cyber attacks, hacking allegations and norms for state behaviour online.",
        "keywords": ["cyber attack", "hacking", "cybersecurity"],
    },
    {
        "slug": "economy",  # (*)
        "name": "Economy",
        "parent": None,
        "description": "Trade, energy and economic cooperation between states.",
        "keywords": ["economy", "economic cooperation"],
    },
    {
        "slug": "trade",  # (*)
        "name": "Trade",
        "parent": "economy",
        "description": "Trade agreements, tariffs and trade disputes.",
        "keywords": ["trade", "tariffs", "exports", "imports"],
    },
    {
        "slug": "energy",  # (*)
        "name": "Energy",
        "parent": "economy",
        "description": "Oil, gas and pipelines; energy security.",
        "keywords": ["oil", "gas", "pipeline", "energy security"],
    },
]

# Each official: positions as (title, organisation, country code, start, end or None). Dates are public record.
# Wikidata ids only where certain; blank otherwise (an analyst can add it in the admin).
OFFICIALS = [
    {
        "slug": "dmitry-peskov",
        "name": "Dmitry Peskov",
        "aliases": ["Dmitri Peskov", "Peskov"],
        "country": "RU",
        "wikidata_id": "",
        "notes": "Usually described in wire copy as the Kremlin spokesman.",
        "positions": [
            (
                "Press Secretary of the President of Russia",
                "Presidential Executive Office",
                "RU",
                datetime.date(2012, 5, 22),
                None,
            ),
            (
                "Deputy Head of the Presidential Executive Office",
                "Presidential Executive Office",
                "RU",
                datetime.date(2012, 5, 22),
                None,
            ),
        ],
    },
    {
        "slug": "vladimir-putin",
        "name": "Vladimir Putin",
        "aliases": ["Putin", "Vladimir Vladimirovich Putin"],
        "country": "RU",
        "wikidata_id": "Q7747",
        "notes": "",
        "positions": [
            ("President of Russia", "", "RU", datetime.date(2000, 5, 7), datetime.date(2008, 5, 7)),
            (
                "Prime Minister of Russia",
                "Government of Russia",
                "RU",
                datetime.date(2008, 5, 8),
                datetime.date(2012, 5, 7),
            ),
            ("President of Russia", "", "RU", datetime.date(2012, 5, 7), None),
        ],
    },
    {
        "slug": "donald-trump",
        "name": "Donald Trump",
        "aliases": ["Trump", "Donald J. Trump"],
        "country": "US",
        "wikidata_id": "Q22686",
        "notes": "",
        "positions": [
            ("President-elect of the United States", "", "US", datetime.date(2016, 11, 9), datetime.date(2017, 1, 20)),
            ("President of the United States", "", "US", datetime.date(2017, 1, 20), datetime.date(2021, 1, 20)),
            ("President of the United States", "", "US", datetime.date(2025, 1, 20), None),
        ],
    },
    {
        "slug": "barack-obama",
        "name": "Barack Obama",
        "aliases": ["Obama"],
        "country": "US",
        "wikidata_id": "Q76",
        "notes": "",
        "positions": [
            ("President of the United States", "", "US", datetime.date(2009, 1, 20), datetime.date(2017, 1, 20)),
        ],
    },
]

OUTLET = {"slug": "tass", "name": "TASS", "website": "https://tass.com/", "country": "RU"}

SOURCE = {
    "title": "No one expects swift improvement of Russian-US relations after Trump’s victory — Peskov",
    # The stored copy of tass.com/politics/911903 carries exactly this article's text.
    "url": "https://tass.com/politics/911903",
    "published_on": SEED_DATE,
    "language": "en",
    "medium": Medium.INTERVIEW,
    "venue": "CNN",
    "dateline": "NEW YORK, November 11",
}

# Every statement Peskov makes in the article, in article order. Direct quotes are the words between the quotation
# marks (the comma that joins a quote to "Peskov said" is dropped, nothing is added); paraphrases are TASS's own
# sentences reporting him. Officials are listed as mentioned only where the text names them.
# Each statement's codings (docs/codebook.md, whose worked examples are these): (target, stance, speech act), the
# target a country code or an official's slug.
STATEMENTS = [
    {
        "kind": Kind.PARAPHRASE,
        "text": (
            "No one expects Russian-US relations to improve very fast after the victory of Donald Trump at "
            "presidential election but if the leaders demonstrate political will, there will be a chance to solve "
            "problems constructively"
        ),
        "topics": ["russia-us-relations", "2016-us-presidential-election"],
        "countries": ["RU", "US"],
        "mentioned": ["donald-trump"],
        "codings": [("US", 0, "comment")],
    },
    {
        "kind": Kind.DIRECT,
        "text": (
            "No one expects that relationship will improve in a fortnight between Moscow and Washington. We have a "
            "very heavy burden of disagreements on our shoulders. But nonetheless, if our two leaders, I mean the "
            "current Russian leader President Putin and President-elect Trump, are wise enough to have a political "
            "will to talk to each other and to try to solve problems not by confronting each other, not by using, "
            "let’s say language of sanctions or other illogical things hurting both sides, then we really have a "
            "chance at least to talk and try to solve the problems being constructive"
        ),
        "topics": ["russia-us-relations", "sanctions"],
        "countries": ["RU", "US"],
        "mentioned": ["vladimir-putin", "donald-trump"],
        "codings": [("US", -1, "criticise")],
    },
    {
        "kind": Kind.DIRECT,
        "text": (
            "Actually, they seem to be very pragmatic, both of them. They point out as a main objective to protect "
            "national interests. We’ve heard Mr Trump mentioning overwhelming priority of America’s national "
            "interests, and the same is being proclaimed by President Putin. He is very consistent in saying that "
            "Russia’s and Russian people’s prosperity and their national interests are the main objective and the "
            "main priority"
        ),
        "topics": ["russia-us-relations"],
        "countries": ["RU", "US"],
        "mentioned": ["vladimir-putin", "donald-trump"],
        "codings": [("donald-trump", 1, "praise")],
    },
    {
        "kind": Kind.DIRECT,
        "text": (
            "At the same time, they both expressed readiness to develop good relationship with other countries in "
            "the world, as far as third countries are ready to go. This is a very good, very positive coincidence, "
            "in my opinion"
        ),
        "topics": ["international-relations", "russia-us-relations"],
        "countries": ["RU", "US"],
        "mentioned": [],
        "codings": [("donald-trump", 1, "praise")],
    },
    {
        "kind": Kind.PARAPHRASE,
        "text": (
            "Russian President Vladimir Putin did everything possible to maintain neutrality toward US election "
            "campaign and never announced his preference for a particular candidate"
        ),
        "topics": ["2016-us-presidential-election"],
        "countries": ["RU", "US"],
        "mentioned": ["vladimir-putin"],
        "codings": [("US", None, "deny")],
    },
    {
        "kind": Kind.DIRECT,
        "text": (
            "I would like to remind you that President Putin did his best in order to stay neutral in this story, "
            "despite the fact that personally he was playing an overwhelming role, quite unexpectedly for us, in "
            "American election campaign"
        ),
        "topics": ["2016-us-presidential-election"],
        "countries": ["RU", "US"],
        "mentioned": ["vladimir-putin"],
        "codings": [("US", None, "deny")],
    },
    {
        "kind": Kind.DIRECT,
        "text": (
            "Nonetheless, he never pointed out his favorite candidate, and he was very careful saying that Russia "
            "would welcome any choice of American people, and we cannot afford interfering into America’s domestic "
            "affairs"
        ),
        "topics": ["2016-us-presidential-election"],
        "countries": ["RU", "US"],
        "mentioned": [],
        "codings": [("US", None, "deny")],
    },
    {
        "kind": Kind.DIRECT,
        "text": (
            "What we have currently is a very lousy relationship, let’s say the minimum possible level of our "
            "relationship in the last decade"
        ),
        "topics": ["russia-us-relations"],
        "countries": ["RU", "US"],
        "mentioned": [],
        "codings": [("US", -1, "concern")],
    },
    {
        "kind": Kind.PARAPHRASE,
        "text": (
            "Russia will continue working with the United States on Syria, not waiting for the new Administration of "
            "Donald Trump to assume office"
        ),
        "topics": ["syria", "russia-us-relations"],
        "countries": ["RU", "US", "SY"],
        "mentioned": ["donald-trump"],
        "codings": [("US", 1, "agree")],
    },
    {
        "kind": Kind.DIRECT,
        "text": (
            "Syria is a burning issue, and we cannot afford a pause for a couple of months. So, we have a couple of "
            "months ahead, and we will continue to work with an acting Administration in Washington, and Putin will "
            "continue to work with Mr Obama. We cannot afford waiting for a couple of months"
        ),
        "topics": ["syria", "counter-terrorism", "russia-us-relations"],
        "countries": ["RU", "US", "SY"],
        "mentioned": ["vladimir-putin", "barack-obama"],
        "codings": [("US", 0, "agree"), ("barack-obama", 0, "agree")],
    },
    {
        "kind": Kind.DIRECT,
        "text": (
            "What we expect on Syria is real cooperation, not just exchange of information. This is not sufficient. "
            "Unfortunately, thus we cannot be effective in combating terror there, in Syria"
        ),
        "topics": ["syria", "counter-terrorism", "russia-us-relations"],
        "countries": ["RU", "US", "SY"],
        "mentioned": [],
        "codings": [("US", -1, "demand")],
    },
    # The article runs the last quote over two paragraphs on two different points (separating terrorists from the
    # opposition; the air operation around Aleppo): one statement per paragraph, so each carries its own topics.
    {
        "kind": Kind.DIRECT,
        "text": (
            "What we have to do now is we have to ensure that promises to differ terrorists from other opposition "
            "will be realized into life."
        ),
        "topics": ["syria", "syrian-opposition", "counter-terrorism"],
        "countries": ["RU", "US", "SY"],
        "mentioned": [],
        "codings": [("US", -1, "demand")],
    },
    {
        "kind": Kind.DIRECT,
        "text": (
            "Russian Air Forces continue to perform their duties in order to support activities of Syrian army "
            "against terrorists. And this operation is being continued, although in accordance with the order of "
            "Russian Chief Commander, President Putin, they are still holding fire and they are not using military "
            "jets in order to bomb terrorist targets in eastern Aleppo. But in general the operation is going on"
        ),
        "topics": ["syria", "russian-military-operation-in-syria", "aleppo", "counter-terrorism"],
        "countries": ["RU", "SY"],
        "mentioned": ["vladimir-putin"],
        "codings": [("SY", 1, "comment")],
    },
]

SPEAKER = "dmitry-peskov"


class Tally:
    """Counts rows created and changed per model, so the command can say what a run did."""

    def __init__(self):
        self.created: dict[str, int] = {}
        self.changed: dict[str, int] = {}

    def add(self, bucket: dict[str, int], model: type[models.Model]) -> None:
        name = str(model._meta.verbose_name_plural)
        bucket[name] = bucket.get(name, 0) + 1

    def summary(self) -> str:
        created = ", ".join(f"{n} {name}" for name, n in self.created.items()) or "nothing"
        changed = ", ".join(f"{n} {name}" for name, n in self.changed.items()) or "nothing"
        return f"created {created}; updated {changed}"


# What the history says of the demo's rows and of its changes to them.
DEMO_REASON = "Demo data: the curated TASS article (manage.py load_demo)."


def differs(obj: models.Model, name: str, value) -> bool:
    """Whether a field holds another value; foreign keys are compared by id, without loading the related row."""
    field = obj._meta.get_field(name)
    if field.many_to_one:
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def upsert(
    model: type[models.Model],
    *,
    lookup: dict,
    values: dict,
    tally: Tally,
    create_only: dict | None = None,
    links: dict[str, list] | None = None,
    user=None,
):
    """Create the row, or update only the fields (and many-to-many `links`) that differ: a re-run writes nothing
    and records no history, and a change is one history entry, its links included."""
    links = links or {}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, **(create_only or {}))
        with history.one_entry(obj, user=user, reason=DEMO_REASON):
            obj.save()
            for name, targets in links.items():
                getattr(obj, name).set(targets)
        tally.add(tally.created, model)
        return obj
    changed = [field for field, value in values.items() if differs(obj, field, value)]
    relinked = [
        name
        for name, targets in links.items()
        if set(getattr(obj, name).values_list("pk", flat=True)) != {target.pk for target in targets}
    ]
    if changed or relinked:
        with history.one_entry(obj, user=user, reason=DEMO_REASON):
            for field in changed:
                setattr(obj, field, values[field])
            if changed:
                obj.save()
            for name in relinked:
                getattr(obj, name).set(links[name])
        tally.add(tally.changed, model)
    return obj


def merge_aliases(existing: str, extra: list[str]) -> str:
    """Existing alias lines plus the missing ones (compared case-insensitively), in order."""
    lines = [line.strip() for line in existing.splitlines() if line.strip()]
    known = {line.casefold() for line in lines}
    lines += [alias for alias in extra if alias.casefold() not in known]
    return "\n".join(lines)


def load_country_aliases(*, tally: Tally) -> None:
    for country in Country.objects.filter(code__in=COUNTRY_ALIASES):
        merged = merge_aliases(country.aliases, COUNTRY_ALIASES[country.code])
        if merged != country.aliases:
            country.aliases = merged
            country.save(update_fields=["aliases"])
            tally.add(tally.changed, Country)


def load_topics(*, tally: Tally) -> dict[str, Topic]:
    """The demo topic tree (parents first), keyed on slug."""
    topics: dict[str, Topic] = {}
    for row in TOPICS:
        topics[row["slug"]] = upsert(
            Topic,
            lookup={"slug": row["slug"]},
            values={
                "name": row["name"],
                "parent": topics[row["parent"]] if row["parent"] else None,
                "description": row["description"],
                "keywords": "\n".join(row["keywords"]),
            },
            tally=tally,
        )
    return topics


def load_officials(*, countries: dict[str, Country], tally: Tally) -> dict[str, Official]:
    officials: dict[str, Official] = {}
    for row in OFFICIALS:
        official = upsert(
            Official,
            lookup={"slug": row["slug"]},
            values={
                "name": row["name"],
                "aliases": "\n".join(row["aliases"]),
                "country": countries[row["country"]],
                "wikidata_id": row["wikidata_id"],
                "notes": row["notes"],
                "is_synthetic": False,
            },
            tally=tally,
        )
        for title, organisation, code, start, end in row["positions"]:
            upsert(
                Position,
                lookup={"official": official, "title": title, "start_date": start},
                values={"organisation": organisation, "country": countries[code], "end_date": end},
                tally=tally,
            )
        officials[row["slug"]] = official
    return officials


def load_demo(*, user=None) -> Tally:
    """Load (or bring back to its curated state) the seed article: outlet, source, officials, topics, statements."""
    tally = Tally()
    with transaction.atomic():
        load_country_aliases(tally=tally)
        countries = {c.code: c for c in Country.objects.filter(code__in=["RU", "US", "SY"])}
        topics = load_topics(tally=tally)
        officials = load_officials(countries=countries, tally=tally)
        outlet = upsert(
            Outlet,
            lookup={"slug": OUTLET["slug"]},
            values={
                "name": OUTLET["name"],
                "website": OUTLET["website"],
                "country": countries[OUTLET["country"]],
                "is_synthetic": False,
            },
            tally=tally,
        )
        # Found by its URL, else by outlet, title and date, else as the source the seed statements cite, so an
        # analyst's edit (a blanked URL, a new title, the report moved to another outlet) never makes a second copy,
        # which the unique URL would refuse anyway.
        curated = {"outlet": outlet, "title": SOURCE["title"], "published_on": SOURCE["published_on"]}
        cited = Statement.objects.filter(is_synthetic=False, text__in=[row["text"] for row in STATEMENTS])
        found = (
            Source.objects.filter(url=SOURCE["url"]).first()
            or Source.objects.filter(**curated).first()
            or Source.objects.filter(pk__in=cited.values("source")).order_by("pk").first()
        )
        source = upsert(
            Source,
            lookup={"pk": found.pk if found else None},  # no match: created from `values`
            # The article's own text is kept on its source, so that every seed quote shows as found verbatim in it.
            values=curated
            | {key: SOURCE[key] for key in ("url", "language", "medium", "venue", "dateline")}
            | {"text": SEED_ARTICLE.read_text(encoding="utf-8")},
            tally=tally,
        )
        speaker = officials[SPEAKER]
        for row in STATEMENTS:
            statement = upsert(
                Statement,
                lookup={"source": source, "text": row["text"]},
                values={
                    "speaker": speaker,
                    "date": SEED_DATE,
                    "date_precision": DatePrecision.DAY,
                    "kind": row["kind"],
                    "status": Status.PUBLISHED,
                    "retraction_reason": "",
                    "is_synthetic": False,
                },
                create_only={"published_at": timezone.now(), "created_by": user, "updated_by": user},
                links={
                    "topics": [topics[slug] for slug in row["topics"]],
                    "countries": [countries[code] for code in row["countries"]],
                    "mentioned_officials": [officials[slug] for slug in row["mentioned"]],
                },
                user=user,
                tally=tally,
            )
            load_codings(statement, row["codings"], countries=countries, officials=officials, user=user, tally=tally)
    return tally


def load_codings(statement, codings, *, countries, officials, user, tally: Tally) -> None:
    """The statement's curated codings, each created or brought back to its stance and act."""
    for target, stance, act in codings:
        field, value = (
            ("target_country", countries[target]) if len(target) == 2 else ("target_official", officials[target])
        )
        upsert(
            Coding,
            lookup={"statement": statement, field: value},
            values={"stance": stance, "act": act},
            create_only={"coded_by": user, "coded_at": timezone.now()},
            user=user,
            tally=tally,
        )
