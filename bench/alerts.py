"""The alerts benchmark (issue #23's bar), run by bench/run.py on a copy of a benchmark database.

`prepare` (a process of its own) adds the confirmed subscriptions (10,000: bench/run.py's ALERTS_SUBSCRIPTIONS), a
mix of frequencies and of filters by official, topic, country, target and words (`alert_filters`), then publishes new
synthetic statements after them (2,000: ALERTS_PUBLISH).
`send` (another process, so that its peak memory is the sender's alone) runs one `send_alerts` through a real SMTP
server (bench/smtp_sink.py, in a third process) and reports its seconds, its peak memory, the digests sent and the
share of subscriptions that had something to say.

Every subscription is due in that run: it is made a week after they were confirmed (`sending.run(now=…)`), when
daily and weekly digests have had their hour and an "as published" one has never been sent. The statements are
those changed since the confirmation, so the million already there are candidates for none of them (the bound is
`digests.candidates_since`); each filter's query still runs over the whole table, the bound one of its conditions.
"""

import datetime
import os
import random
import resource
import time
from collections import Counter
from pathlib import Path

SEED = 23
# A run's `now`, this long after the subscriptions were confirmed: every daily and weekly one is due.
LATER = datetime.timedelta(days=8)
FREQUENCIES = [("published", 4), ("daily", 5), ("weekly", 1)]  # relative weights
ADDRESS_DOMAIN = "bench.invalid"  # RFC 2606: never a real inbox


# Families of filters and how many subscriptions of each (relative weights). Measured over the synthetic data's
# 2,000 newest statements, the share of each family with something new: an official 1.0, a topic 0.8, a country 0.07
# (most of the 249 are never concerned), common words 1.0, two rare words together 0.17, an official on a topic 0.7, a
# topic in a country 0.06, an official on a country 0.07, words by an official 0.86; so about a third in all. A target
# (a coding's stance toward a country, `target=`) matches nothing: the synthetic statements carry no codings, so
# those subscriptions cost the run their filter's reading and are told nothing.
FAMILY_WEIGHTS = {
    "official": 1,
    "topic": 1,
    "country": 3,
    "words": 1,
    "rare words": 4,
    "official and topic": 3,
    "topic and country": 3,
    "official and country": 3,
    "words and official": 1,
    "target": 1,
}
# Words of the synthetic text (statements/sample_data/synthetic.py): common ones; rarer ones, asked for two at once.
COMMON_WORDS = ["cooperation", "security", "dialogue", "sanctions", "ceasefire"]
RARE_WORDS = ["hotline", "arsenal", "quotas", "roadmap", "timetable", "corridors", "observers", "inspections"]


def alert_filters(rng: random.Random, count: int, *, officials, topics, countries) -> list[tuple[str, str]]:
    """`count` (family, query string) pairs in FAMILY_WEIGHTS' proportions, drawn with `rng` from the officials'
    slugs, the topics' slugs and the country codes given."""
    make = {
        "official": lambda: f"speaker={rng.choice(officials)}",
        "topic": lambda: f"topic={rng.choice(topics)}",
        "country": lambda: f"country={rng.choice(countries)}",
        "words": lambda: f"q={rng.choice(COMMON_WORDS)}",
        "rare words": lambda: f"q={'+'.join(rng.sample(RARE_WORDS, 2))}",
        "official and topic": lambda: f"speaker={rng.choice(officials)}&topic={rng.choice(topics)}",
        "topic and country": lambda: f"topic={rng.choice(topics)}&country={rng.choice(countries)}",
        "official and country": lambda: f"speaker={rng.choice(officials)}&country={rng.choice(countries)}",
        "words and official": lambda: f"q={rng.choice(COMMON_WORDS)}&speaker={rng.choice(officials)}",
        "target": lambda: f"target={rng.choice(countries)}",
    }
    families = rng.choices(list(FAMILY_WEIGHTS), list(FAMILY_WEIGHTS.values()), k=count)
    return [(family, make[family]()) for family in families]


def prepare(*, subscriptions: int, publish: int, seed: int) -> dict:
    """Apply the migrations, add the subscriptions, then publish the statements; what was made, by kind."""
    from bench.process import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import transaction
    from django.http import QueryDict
    from django.utils import timezone

    from statements.alerts import links
    from statements.alerts.models import Subscription, SubscriptionState, address_hash
    from statements.alerts.subscribing import alert_query
    from statements.filters import StatementFilter
    from statements.models import Country, Official, Statement, Status, Topic
    from statements.sample_data.synthetic import generate_statements

    call_command("migrate", verbosity=0, interactive=False)  # the copy's source may predate the alerts' migrations
    rng = random.Random(seed)
    confirmed = timezone.now()
    drawn = alert_filters(
        rng,
        subscriptions,
        officials=sorted(Official.objects.public().values_list("slug", flat=True)),
        topics=sorted(Topic.objects.values_list("slug", flat=True)),
        countries=sorted(code.lower() for code in Country.objects.values_list("code", flat=True)),
    )
    frequencies = rng.choices([f for f, _ in FREQUENCIES], [w for _, w in FREQUENCIES], k=subscriptions)
    rows = []
    for number, ((_, query), frequency) in enumerate(zip(drawn, frequencies, strict=True)):
        email = f"reader{number}@{ADDRESS_DOMAIN}"
        canonical = alert_query(StatementFilter(QueryDict(query), queryset=Statement.objects.none()))
        rows.append(
            Subscription(
                email=email,
                address_hash=address_hash(email),  # bulk_create does not call save(), which sets it
                query=canonical,
                frequency=frequency,
                state=SubscriptionState.ACTIVE,
                confirmed_at=confirmed,
                token=links.new_token(),
            )
        )
    with transaction.atomic():
        Subscription.objects.bulk_create(rows, batch_size=2000)
    first = Statement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    generate_statements(count=publish, seed=seed)
    new = Statement.objects.filter(pk__gt=first)
    # The generator leaves a few as drafts or retracted, as analysts do; here every one of them is published.
    new.exclude(status=Status.PUBLISHED).update(status=Status.PUBLISHED, retraction_reason="", published_at=confirmed)
    return {
        "subscriptions": len(rows),
        "by_frequency": dict(Counter(frequencies)),
        "by_filter": dict(Counter(name for name, _ in drawn)),
        "published": new.filter(status=Status.PUBLISHED).count(),
    }


def server_cpu_seconds() -> float | None:
    """The user + system seconds of this process's PostgreSQL backend, when the server runs on this machine (None on
    SQLite, which works in this process, or when its /proc entry cannot be read)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14, 15)


def send() -> dict:
    """One `send_alerts` run, a week after the subscriptions were confirmed, through the SMTP server the settings
    name: seconds, peak memory, and what it sent."""
    from bench.process import rss_mb, setup_django

    setup_django()
    from django.utils import timezone

    from statements.alerts import sending
    from statements.alerts.models import DigestState, Subscription

    baseline = rss_mb()
    server_started = server_cpu_seconds()
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = sending.run(now=timezone.now() + LATER)
    seconds = time.perf_counter() - started
    # This process's user + system seconds: on a shared machine, less noisy than the wall clock (the database
    # server's own work, on PostgreSQL, is not in it).
    cpu_seconds = time.process_time() - cpu_started
    server_ended = server_cpu_seconds()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    if not summary.ok:
        raise RuntimeError(f"send_alerts stopped: {summary.stopped}")
    subscriptions = Subscription.objects.count()
    return {
        "summary": summary.line(),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "server_cpu_seconds": (
            round(server_ended - server_started, 2) if None not in (server_started, server_ended) else None
        ),
        "subscriptions": subscriptions,
        "looked_at": summary.looked_at,
        "digests_sent": summary.sent,
        "digests_sent_recorded": Subscription.objects.filter(digests__state=DigestState.SENT).distinct().count(),
        "non_empty_share": round(summary.sent / subscriptions, 3) if subscriptions else 0.0,
        "statements_sent": summary.statements,
        "failed": summary.failed,
        "refused": summary.refused,
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_rss_growth_mb": round(peak - baseline, 1),
    }
