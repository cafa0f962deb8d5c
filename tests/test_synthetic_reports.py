"""Synthetic other reports: about 2 % of the synthetic statements reported by a second fictional outlet, the same for
a seed, idempotent on a database that holds the statements already (how the benchmark tops one up)."""

import random
from io import StringIO

import pytest
from django.core.management import call_command

from statements.models import Report, Source, Statement
from statements.sample_data.reports import NEAR_DAYS, other_wording

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def reports() -> set[tuple]:
    return set(Report.objects.values_list("statement__note", "source__url", "text").order_by())


def test_report_synthetic_tops_up_a_database_without_other_reports_the_same_as_generating_with_them():
    """A database generated without reports, topped up, holds the reports one generated with them holds; a second
    top-up makes none. Each report is another fictional outlet's, within three days of the primary, no source is made
    for it."""
    run("generate_statements", "--count", "1000", "--seed", "3", "--no-codings", "--no-reports")
    assert not Report.objects.exists()
    sources = Source.objects.count()
    output = run("report_synthetic", "--seed", "3", "--batch-size", "300")
    made = Report.objects.count()
    assert 5 <= made <= 40, made  # about 2 % of 1,000, fewer where no other outlet published nearby
    assert Source.objects.count() == sources
    assert f"Made {made:,} synthetic other reports" in output
    for report in Report.objects.select_related("statement__source", "source"):
        assert report.source.outlet_id != report.statement.source.outlet_id
        assert abs((report.source.published_on - report.statement.source.published_on).days) <= NEAR_DAYS
        assert report.source.outlet.is_synthetic
    assert Report.objects.exclude(text="").exists()
    assert "Made 0 synthetic other reports" in run("report_synthetic", "--seed", "3")
    topped_up = reports()
    Report.objects.all().delete()
    Statement.objects.all().delete()
    run("generate_statements", "--count", "1000", "--seed", "3", "--no-codings")
    assert reports() == topped_up


@pytest.mark.parametrize(
    ("text", "changed"), [("One two three four five six seven.", True), ("Too short to change.", False)]
)
def test_another_wording_leaves_one_inner_word_out(text, changed):
    """A synthetic wording differs from the statement's by one word left out, never the first or the last."""
    wording = other_wording(random.Random(1), text)
    if not changed:
        assert wording == ""
        return
    words, left = text.split(), wording.split()
    assert len(left) == len(words) - 1 and left[0] == words[0] and left[-1] == words[-1]
