"""The generate_statements command: labelled synthetic rows, deterministic for a seed, progress, clear errors."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from statements.models import Statement
from statements.synthetic import NOTE_PREFIX, OUTLET

pytestmark = pytest.mark.django_db


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_statements", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    """Everything that makes a synthetic statement what it is, in generation order (ids aside)."""
    statements = Statement.objects.filter(is_synthetic=True).order_by("note").prefetch_related("topics", "countries")
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
        )
        for s in statements.select_related("speaker")
    ]


def test_count_creates_that_many_labelled_statements():
    """--count 50 adds exactly 50 statements, every one marked synthetic, by fictional officials, from Demo Wire."""
    generate("--count", "50", "--seed", "3")
    statements = Statement.objects.select_related("speaker", "source__outlet")
    assert statements.count() == 50
    for statement in statements:
        assert statement.is_synthetic
        assert statement.note.startswith(NOTE_PREFIX)
        assert "not a real quote" in statement.note
        assert statement.speaker.is_synthetic and statement.speaker.name.endswith("(fictional)")
        assert statement.source.outlet.slug == OUTLET["slug"] and statement.source.outlet.is_synthetic
        assert statement.topics.exists()


def test_same_seed_gives_the_same_statements():
    """Generating with one seed, deleting, and generating again with it gives identical rows."""
    generate("--count", "50", "--seed", "7")
    first = snapshot()
    Statement.objects.filter(is_synthetic=True).delete()
    generate("--count", "50", "--seed", "7", "--batch-size", "13")
    assert snapshot() == first


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
