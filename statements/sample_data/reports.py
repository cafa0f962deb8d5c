"""Synthetic other reports of the synthetic statements (docs/demo-data.md#synthetic-other-reports), for demos and
benchmarks: about `REPORTED_SHARE` of them are reported by a second fictional outlet too, the same day, a third of
those in slightly other words (a word left out), so that the permalink has differences to show and the outlet and
language filters have statements to find through another report.

Like the codings (codings.py), everything is a pure function of (seed, the statement's synthetic number), and the
reporter works on a database that already holds the statements: it carries on after the last statement given another
report, in bulk batches, so a second run finds nothing to do. It lives apart from synthetic.py and demo.py, whose hash
is the benchmark's build key: adding reports does not rebuild the statements. Rows are written with bulk_create.
"""

import random
from collections.abc import Callable

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from ..models import Outlet, Report, Statement
from .codings import number_of
from .synthetic import OUTLETS, ensure_sources

REPORTED_SHARE = 0.02  # synthetic statements that another outlet reports too
OWN_WORDING_SHARE = 0.3  # of those reports, in other words than the statement's


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
    slugs = [slugify(f"{name} synthetic") for name, *_ in OUTLETS]
    by_slug = Outlet.objects.in_bulk(slugs, field_name="slug")
    outlets = [by_slug.get(slug) for slug in slugs]
    number_of_outlet = {outlet.pk: n for n, outlet in enumerate(outlets) if outlet is not None}
    if len(number_of_outlet) < len(OUTLETS):
        return 0  # no synthetic data here (generate_statements makes the outlets)
    synthetic = Statement.objects.filter(is_synthetic=True, outlet_cache__in=list(number_of_outlet))
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
        chosen = []
        for pk, note, text, outlet_id, day in rows:
            rng = random.Random(f"report {seed} {number_of(pk, note)}")
            if rng.random() >= REPORTED_SHARE:
                continue
            other = rng.choice([n for n in range(len(OUTLETS)) if n != number_of_outlet[outlet_id]])
            wording = other_wording(rng, text) if rng.random() < OWN_WORDING_SHARE else ""
            chosen.append((pk, (other, day, rng.randrange(2)), wording))
        with transaction.atomic():
            source_ids = ensure_sources({key for _, key, _ in chosen}, outlets, batch_size)
            Report.objects.bulk_create(
                [Report(statement_id=pk, source_id=source_ids[key], text=wording) for pk, key, wording in chosen],
                batch_size=batch_size,
            )
        made += len(chosen)
        done += len(rows)
        last = rows[-1][0]
        if progress:
            progress(min(done, total), total)
    return made
