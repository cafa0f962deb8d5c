"""The generate_statements command: labelled synthetic rows, deterministic for a seed, progress, clear errors."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from statements import denormalised
from statements.models import Outlet, Source, Statement
from statements.sample_data.synthetic import NOTE_PREFIX
from tests.schema import SQLRunner

pytestmark = pytest.mark.django_db

# The copies of the source's values (statements/denormalised.py), whose triggers the test below drops.
FROM_SOURCE = ["outlet_cache", "source_language_cache"]


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_statements", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    """Everything that makes a synthetic statement what it is, in generation order (ids aside)."""
    statements = Statement.objects.filter(is_synthetic=True).order_by("note").prefetch_related("topics", "countries")
    statements = statements.select_related("source__outlet")
    return [
        (
            s.note[: len(NOTE_PREFIX) + 9],
            s.speaker.slug,
            s.date,
            s.date_precision,
            s.kind,
            s.status,
            s.text,
            sorted(t.slug for t in s.topics.all()),
            sorted(c.code for c in s.countries.all()),
            (s.source.outlet.slug, s.source.url, s.source.title, s.source.published_on, s.source.language),
        )
        for s in statements.select_related("speaker")
    ]


def test_count_creates_that_many_labelled_statements():
    """--count 50 adds exactly 50 statements, every one marked synthetic, by fictional officials, from fictional
    outlets whose reports are on the reserved .example domain."""
    generate("--count", "50", "--seed", "3")
    statements = Statement.objects.select_related("speaker", "source__outlet")
    assert statements.count() == 50
    for statement in statements:
        assert statement.is_synthetic
        assert statement.note.startswith(NOTE_PREFIX)
        assert "not a real quote" in statement.note
        assert statement.speaker.is_synthetic and statement.speaker.name.endswith("(fictional)")
        outlet = statement.source.outlet
        assert outlet.is_synthetic and outlet.name.endswith("(synthetic)")
        assert statement.source.url.split("/")[2].endswith(".example")
        assert statement.source.published_on == statement.date or statement.date_precision != "day"
        assert statement.topics.exists()


def test_statements_are_inserted_with_their_source_s_outlet_and_language():
    """The generator writes each statement's copy of its source's outlet and language with the row, as it does the
    copies of its links, so that SQLite's triggers have nothing to rewrite (statements/denormalised.py): with the
    triggers dropped, the copies are still exact."""
    denormalised.drop_schema(SQLRunner(), only=FROM_SOURCE)
    try:
        generate("--count", "60", "--seed", "4")
    finally:
        denormalised.create_schema(SQLRunner(), only=FROM_SOURCE)
    rows = Statement.objects.values_list("outlet_cache", "source_language_cache", "source__outlet", "source__language")
    assert len(rows) == 60
    assert all(row[:2] == row[2:] for row in rows)


def test_same_seed_gives_the_same_statements():
    """Generating with one seed, deleting, and generating again with it gives identical rows and sources, whatever
    the batches: a report cited in an earlier batch is found again, not made twice."""
    generate("--count", "300", "--seed", "7")
    first, sources = snapshot(), Source.objects.count()
    Statement.objects.filter(is_synthetic=True).delete()
    Source.objects.all().delete()
    generate("--count", "300", "--seed", "7", "--batch-size", "13")
    assert snapshot() == first
    assert Source.objects.count() == sources


def test_running_in_two_parts_gives_the_same_rows_and_sources():
    """200 and then 100 statements are the same as 300 at once: the second run reuses the reports of the first."""
    generate("--count", "300", "--seed", "4")
    whole, sources = snapshot(), Source.objects.count()
    Statement.objects.filter(is_synthetic=True).delete()
    Source.objects.all().delete()
    generate("--count", "200", "--seed", "4")
    generate("--count", "100", "--seed", "4")
    assert snapshot() == whole
    assert Source.objects.count() == sources


def test_sources_are_spread_like_a_desks():
    """Many outlets in many languages, a few big and many small, and reports that some statements share (a few
    here, ~3.4 statements a report at a million): the outlet and language filters meet realistic sources in the
    benchmark (docs/performance.md)."""
    generate("--count", "4000", "--seed", "1")
    per_outlet = Counter(Statement.objects.values_list("source__outlet__slug", flat=True))
    languages = Counter(Statement.objects.values_list("source__language", flat=True))
    assert Outlet.objects.filter(is_synthetic=True).count() == len(per_outlet) == 24
    assert len(languages) >= 12 and languages.most_common(1)[0][0] == "en"
    biggest, smallest = max(per_outlet.values()), min(per_outlet.values())
    assert 0.15 < biggest / 4000 < 0.4 and biggest > 10 * smallest
    assert Source.objects.count() < Statement.objects.count()


def test_another_seed_gives_other_statements():
    """A different seed gives different text (the seed is not ignored)."""
    generate("--count", "20", "--seed", "1")
    first = [row[6] for row in snapshot()]
    Statement.objects.filter(is_synthetic=True).delete()
    generate("--count", "20", "--seed", "2")
    assert [row[6] for row in snapshot()] != first


def test_running_again_adds_more_rather_than_repeating():
    """A second run continues the numbering: 30 more rows, no statement text+number repeated."""
    generate("--count", "20")
    generate("--count", "30")
    notes = list(Statement.objects.values_list("note", flat=True))
    assert len(notes) == 50 and len(set(notes)) == 50


def test_progress_is_reported_per_batch():
    """The progress line shows each batch's running total and the final summary."""
    output = generate("--count", "50", "--batch-size", "20")
    assert "20/50 statements" in output
    assert "40/50 statements" in output
    assert "50/50 statements" in output
    assert "Planner statistics refreshed (ANALYZE)" in output
    assert "Added 50 synthetic statements" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "0"], "too small"),
        (["--count", "-5"], "too small"),
        (["--count", "many"], "not a whole number"),
        (["--count", "10", "--batch-size", "0"], "too small"),
        (["--count", "20000000"], "more than this command makes at once"),
    ],
)
def test_bad_arguments_are_a_clear_command_error(args, message):
    """A count or batch size that is not a positive whole number is refused with a message, and nothing is written."""
    with pytest.raises(CommandError, match=message):
        generate(*args)
    assert not Statement.objects.exists()


def test_count_is_required():
    """Without --count the command says so instead of guessing."""
    with pytest.raises(CommandError, match="--count"):
        generate()
