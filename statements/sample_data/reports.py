"""Synthetic other reports of the synthetic statements (docs/demo-data.md#synthetic-other-reports), for demos and
benchmarks: about `REPORTED_SHARE` of them are reported too by one of the sources another fictional outlet published
within `NEAR_DAYS` of the statement's source (no source is made for it, so the sources stay the generator's), a
third of those in slightly other words (a word left out), so that the permalink has differences to show and the
outlet and language filters have statements to find through another report.

Like the codings (codings.py), everything is a pure function of (seed, the statement's synthetic number), and the
reporter works on a database that already holds the statements: it carries on after the last statement given another
report, in bulk batches, so a second run finds nothing to do. It lives apart from synthetic.py and demo.py, whose hash
is the benchmark's build key: adding reports does not rebuild the statements. Rows are written with bulk_create.
"""

import datetime
import random
from collections.abc import Callable

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from ..models import Outlet, Report, Source, Statement
from .codings import number_of
from .synthetic import OUTLETS

REPORTED_SHARE = 0.02  # synthetic statements that another outlet reports too
OWN_WORDING_SHARE = 0.3  # of those reports, in other words than the statement's
NEAR_DAYS = 3  # a report is published within this many days of the statement's source, before or after


def other_wording(rng: random.Random, text: str) -> str:
    """The statement's words with one left out, as a second report might print them; "" when too short to change."""
    words = text.split()
    if len(words) < 6:
        return ""
    left_out = rng.randrange(1, len(words) - 1)
    return " ".join(words[:left_out] + words[left_out + 1 :])


def report_synthetic_statements(
    *, seed: int = 1, batch_size: int = 5000, progress: Callable[[int, int], None] | None = None
) -> int:
    """Give another report to some synthetic statements after the last one given one; returns how many were made."""
    outlet_ids = list(
        Outlet.objects.filter(slug__in=[slugify(f"{name} synthetic") for name, *_ in OUTLETS]).values_list(
            "pk", flat=True
        )
    )
    synthetic = Statement.objects.filter(is_synthetic=True, outlet_cache__in=outlet_ids)
    last = Report.objects.filter(statement__is_synthetic=True).aggregate(last=Max("statement"))["last"] or 0
    total = synthetic.filter(pk__gt=last).count()
    made = done = 0
    while True:
        rows = list(
            synthetic.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "note", "text", "outlet_cache", "source__published_on")[:batch_size]
        )
        if not rows:
            break
        chosen = [
            (pk, rng, text, outlet_id, day)
            for pk, note, text, outlet_id, day in rows
            if (rng := random.Random(f"report {seed} {number_of(pk, note)}")).random() < REPORTED_SHARE
        ]
        # The synthetic sources near the chosen statements' days: a report is one of them, never a new source.
        days = {
            day + datetime.timedelta(days=shift) for *_, day in chosen for shift in range(-NEAR_DAYS, NEAR_DAYS + 1)
        }
        near: dict[datetime.date, list[tuple[int, int]]] = {}
        for pk, outlet_id, day in (
            Source.objects.filter(published_on__in=days, outlet__in=outlet_ids)
            .order_by("pk")
            .values_list("pk", "outlet_id", "published_on")
        ):
            near.setdefault(day, []).append((pk, outlet_id))
        reports = []
        for pk, rng, text, outlet_id, day in chosen:
            candidates = [
                source
                for shift in range(-NEAR_DAYS, NEAR_DAYS + 1)
                for source, outlet in near.get(day + datetime.timedelta(days=shift), [])
                if outlet != outlet_id
            ]
            if candidates:
                wording = other_wording(rng, text) if rng.random() < OWN_WORDING_SHARE else ""
                reports.append(Report(statement_id=pk, source_id=rng.choice(candidates), text=wording))
        with transaction.atomic():
            Report.objects.bulk_create(reports, batch_size=batch_size)
        made += len(reports)
        done += len(rows)
        last = rows[-1][0]
        if progress:
            progress(min(done, total), total)
    return made
