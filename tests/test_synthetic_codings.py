"""Synthetic codings (issue 21, point 9): most synthetic statements coded, by the codebook's rules, the same for a
seed, idempotent on a database that holds the statements already, and one pair's tone hardening in its year."""

import random
from io import StringIO

import pytest
from django.core.management import call_command

from statements.models import Coding, SecondCoding, Statement
from statements.positions.agreement import figures
from statements.positions.codebook import refusals
from statements.sample_data.codings import DRIFT, SECOND_CODER, coding_for, tone

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def codings() -> set[tuple]:
    return set(Coding.objects.values_list("statement__note", "target_country__code", "stance", "act").order_by())


def test_generating_codes_most_statements_and_code_synthetic_tops_up_a_database_without_codings():
    run("generate_statements", "--count", "300", "--seed", "5", "--no-codings")
    assert not Coding.objects.exists()
    output = run("code_synthetic", "--seed", "5", "--batch-size", "40")
    assert "300/300" in output  # progress shown
    made = Coding.objects.count()
    assert 0.7 * 300 < made <= 300
    assert Coding.objects.values("statement").distinct().count() == made  # one coding per statement
    for coding in Coding.objects.select_related("statement__speaker"):
        assert coding.target_country_id != coding.statement.speaker.country_id
        assert f",{coding.target_country_id}," in coding.statement.countries_cache
        assert refusals(coding.act, coding.stance) == []
    assert "Made 0 synthetic codings" in run("code_synthetic", "--seed", "5")  # idempotent
    assert Coding.objects.count() == made


def test_the_same_seed_codes_the_same_however_it_was_run():
    run("generate_statements", "--count", "200", "--seed", "2")  # coded as it is generated
    whole = codings()
    assert whole
    # Interrupted halfway: the codings of the later half lost; coding again carries on and gives the same.
    middle = Statement.objects.filter(is_synthetic=True).order_by("pk").values_list("pk", flat=True)[100]
    Coding.objects.filter(statement__gte=middle).delete()
    run("code_synthetic", "--seed", "2", "--batch-size", "7")
    assert codings() == whole


@pytest.mark.parametrize(
    "speaker, target, year, low, high",
    [
        pytest.param(DRIFT[0], DRIFT[1], DRIFT[2] - 1, 0.2, 1.0, id="the drift's pair before its year"),
        pytest.param(DRIFT[1], DRIFT[0], DRIFT[2] - 1, 0.2, 1.0, id="the other way before"),
        pytest.param(DRIFT[0], DRIFT[1], DRIFT[2], -1.7, -1.0, id="the drift's pair from its year"),
        pytest.param(DRIFT[1], DRIFT[0], DRIFT[2] + 3, -1.7, -1.0, id="the other way after"),
        pytest.param("RU", "US", DRIFT[2] - 1, -1.0, 0.7, id="another pair before"),
    ],
)
def test_the_drift_pair_hardens_in_its_year(speaker, target, year, low, high):
    rng = random.Random(1)
    stances = [coding_for(rng, speaker=speaker, targets=[target], year=year)[1] for _ in range(2000)]
    mean = sum(s for s in stances if s is not None) / len([s for s in stances if s is not None])
    assert low < mean < high
    assert abs(tone("RU", "US", DRIFT[2] - 1) - tone("RU", "US", DRIFT[2] + 1)) == 0  # no other pair drifts


def test_load_demo_makes_a_double_coded_sample_with_some_disagreement():
    """`load_demo --synthetic N` codes a sample twice, blind, by the demo's second coder: most second codings agree,
    some differ (in stance or act, by the codebook's rules), so the agreement report shows real figures; once."""
    run("load_demo", "--synthetic", "150")
    seconds = list(SecondCoding.objects.recorded().select_related("coder"))
    assert len(seconds) == SecondCoding.objects.count() == 60
    assert {second.coder.username for second in seconds} == {SECOND_CODER}
    assert not seconds[0].coder.has_usable_password()
    assert all(refusals(second.act, second.stance) == [] for second in seconds)
    differing = [second for second in seconds if second.differs_in()]
    assert 5 <= len(differing) <= 30
    result = figures()
    for name in ("stance", "speech act"):
        assert 0.3 < result.field(name).alpha.value < 1, name
    with_stances = [second for second in seconds if second.stance is not None and second.first_stance is not None]
    assert result.field("stance").alpha.units == len(with_stances)  # no stance: no stance value to pair
    assert "0 statements coded again" in run("load_demo", "--synthetic", "150")
    assert SecondCoding.objects.count() == 60
