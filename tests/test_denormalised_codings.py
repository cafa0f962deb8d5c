"""Each statement's copy of its codings (`codings_cache`, statements/denormalised.py) stays exact whatever writes the
codings, and one LIKE pattern on it finds exactly the statements with one coding meeting every condition."""

import random

import pytest
from django.core.management import call_command
from django.db import connection

from statements import denormalised
from statements.denormalised import CODED_ACTS, coding_code, coding_patterns
from statements.models import Coding, Statement
from statements.positions.codebook import SpeechAct
from tests.factories import OfficialFactory, StatementFactory, country
from tests.schema import SQLRunner

pytestmark = pytest.mark.django_db

US, GB = 235, 23  # ids in the pattern table: one country's id a prefix of the other's, and of the codes below

# (stored set, conditions, whether one coding in the set meets them all). A code is target × 1000 + (stance + 2) × 100
# + the act's number (criticise 9, comment 6, decline 7, praise 1), negated for an official; stance digit 5: none.
PATTERNS = [
    (",235109,", {"countries": [US]}, True),
    (",235109,", {"countries": [GB]}, False),  # 23 is a prefix of 235109: the code's length tells them apart
    (",23109,", {"countries": [US]}, False),
    (",2351109,", {"countries": [US]}, False),  # target 2351
    (",2351109,", {"countries": [2351]}, True),
    (",-235109,", {"countries": [US]}, False),  # an official of the same id
    (",-235109,", {"officials": [US]}, True),
    (",235109,", {"officials": [US]}, False),
    (",235109,", {"countries": [US], "stance": -1}, True),
    (",235109,", {"countries": [US], "stance": 1}, False),
    (",235109,", {"countries": [US], "act": SpeechAct.CRITICISE}, True),
    (",235109,", {"countries": [US], "act": SpeechAct.COMMENT}, False),
    (",235109,", {"countries": [US], "stance": -1, "act": SpeechAct.CRITICISE}, True),
    (",235009,", {"stance": -1}, False),  # hostile: the 1 of 235 is not the stance digit
    (",231009,", {"stance": -1}, False),
    (",235109,", {"stance": -1}, True),
    (",235109,", {"act": SpeechAct.CRITICISE}, True),
    (",209206,", {"act": SpeechAct.CRITICISE}, False),  # 209 is a target, not an act
    (",235109,", {"stance": -1, "act": SpeechAct.CRITICISE}, True),
    (",235109,", {"stance": 0, "act": SpeechAct.CRITICISE}, False),
    # Two codings: one must meet every condition, not the first one and the second another.
    (",23206,235109,", {"countries": [US], "act": SpeechAct.COMMENT}, False),
    (",23206,235109,", {"countries": [GB], "act": SpeechAct.COMMENT}, True),
    (",23206,235109,", {"stance": 0, "act": SpeechAct.CRITICISE}, False),
    (",-235507,235109,", {"countries": [US], "no_stance": True}, False),
    (",-235507,235109,", {"officials": [US], "no_stance": True}, True),
    (",235507,", {"no_stance": True, "act": SpeechAct.DECLINE}, True),
    (",235507,", {"stance": 0}, False),
    (",235200,", {"countries": [US], "stance": 0}, True),  # not yet given an act
    (",235200,", {"act": SpeechAct.PRAISE}, False),
    # Several targets: any of them.
    (",-12306,", {"countries": [US], "officials": [12]}, True),
    (",235306,", {"countries": [US], "officials": [12]}, True),
    (",2306,", {"countries": [US], "officials": [12]}, False),
    (",", {"countries": [US]}, False),
    (",", {"stance": 0}, False),
]


def like_any(stored: str, patterns: list[str]) -> bool:
    """What the database answers for `stored LIKE pattern OR …`."""
    with connection.cursor() as cursor:
        tests = " OR ".join(["CAST(%s AS TEXT) LIKE CAST(%s AS TEXT)"] * len(patterns))
        cursor.execute(f"SELECT CASE WHEN {tests} THEN 1 ELSE 0 END", [v for p in patterns for v in (stored, p)])
        return cursor.fetchone()[0] == 1


@pytest.mark.parametrize(("stored", "conditions", "matches"), PATTERNS)
def test_one_pattern_finds_a_set_holding_one_coding_that_meets_every_condition(stored, conditions, matches):
    assert like_any(stored, coding_patterns(**conditions)) == matches


def meets(code: int, conditions: dict) -> bool:
    """One code read back digit by digit: whether its coding meets the conditions (the oracle for the patterns)."""
    official, (target, rest) = code < 0, divmod(abs(code), 1000)
    digit, act = divmod(rest, 100)
    targets = [("country", pk) for pk in conditions.get("countries", [])]
    targets += [("official", pk) for pk in conditions.get("officials", [])]
    if targets and ("official" if official else "country", target) not in targets:
        return False
    if conditions.get("no_stance") and digit != denormalised.NO_STANCE_DIGIT:
        return False
    if conditions.get("stance") is not None and digit != conditions["stance"] + 2:
        return False
    return not conditions.get("act") or CODED_ACTS[act] == conditions["act"]


def test_the_patterns_agree_with_reading_each_code_back():
    """Random sets and conditions over ids that share digits: the database's LIKE and the decoded codes agree."""
    rng = random.Random(21)
    ids = [1, 2, 12, 21, 120, 121, 212, 1212]
    stances = [None, -2, -1, 0, 1, 2]
    for _ in range(200):
        codes = [
            coding_code(
                country_id=pk if kind == "country" else None,
                official_id=pk if kind == "official" else None,
                stance=rng.choice(stances),
                act=rng.choice(CODED_ACTS),
            )
            for kind, pk in ((rng.choice(["country", "official"]), rng.choice(ids)) for _ in range(rng.randint(0, 3)))
        ]
        conditions = {
            "countries": rng.sample(ids, rng.choice([0, 0, 1, 2])),
            "officials": rng.sample(ids, rng.choice([0, 0, 1])),
            "act": rng.choice(["", "", *CODED_ACTS[1:]]),
        }
        stance = rng.choice(["any", "none", *stances[1:]])
        conditions["no_stance"] = stance == "none"
        conditions["stance"] = stance if isinstance(stance, int) else None
        stored = denormalised.set_text(codes)
        expected = any(meets(code, conditions) for code in codes)
        assert like_any(stored, coding_patterns(**conditions)) == expected, (stored, conditions)


def test_every_speech_act_has_a_number_and_the_numbers_keep_their_order():
    """The acts' numbers are stored in every copy: a new act is appended, never inserted."""
    assert CODED_ACTS[0] == "" and sorted(CODED_ACTS[1:]) == sorted(SpeechAct.values)
    assert CODED_ACTS[:4] == ("", SpeechAct.PRAISE, SpeechAct.AGREE, SpeechAct.CONSULT)
    assert coding_code(country_id=235, official_id=None, stance=-1, act=SpeechAct.CRITICISE) == 235109
    assert coding_code(country_id=None, official_id=12, stance=None, act=SpeechAct.DECLINE) == -12507


def stored(statement) -> str:
    return Statement.objects.filter(pk=statement.pk).values_list("codings_cache", flat=True).get()


def exact(statement) -> str:
    """The copy as the codings say it should be."""
    return denormalised.set_text(
        coding_code(country_id=c.target_country_id, official_id=c.target_official_id, stance=c.stance, act=c.act)
        for c in Coding.objects.filter(statement=statement.pk)
    )


def code(target, stance, act) -> int:
    if isinstance(target, str):
        return coding_code(country_id=country(target).pk, official_id=None, stance=stance, act=act)
    return coding_code(country_id=None, official_id=target.pk, stance=stance, act=act)


def coded(s, target="US", stance=-1, act=SpeechAct.CRITICISE) -> Coding:
    if isinstance(target, str):
        return Coding.objects.create(statement=s, target_country=country(target), stance=stance, act=act)
    return Coding.objects.create(statement=s, target_official=target, stance=stance, act=act)


def change_the_target(s, o):
    coding = coded(s)
    coding.target_country = country("RU")
    coding.save()


def change_the_stance_and_act(s, o):
    coded(s, "RU")
    coding = coded(s)
    coding.stance, coding.act = 1, SpeechAct.PRAISE
    coding.save()


def from_a_country_to_an_official(s, o):
    coding = coded(s)
    coding.target_country, coding.target_official = None, o
    coding.save()


def delete_one(s, o):
    coded(s, "RU", None, SpeechAct.DECLINE)
    coded(s).delete()


def move_to_another_statement(s, o):
    other = StatementFactory()
    coded(s, "RU")
    coded(other)
    Coding.objects.filter(statement=other).update(statement=s)


def save_a_stale_instance(s, o):
    stale = Statement.objects.get(pk=s.pk)  # loaded with the copy ","
    coded(s)
    stale.text = "edited"
    stale.save()  # writes every column, the stale copy included


def write_the_copy_directly(s, o):
    coded(s)
    Statement.objects.filter(pk=s.pk).update(codings_cache=",999,")


def bulk_create(s, o):
    Coding.objects.bulk_create(
        [
            Coding(statement=s, target_country=country("US"), stance=0, act=SpeechAct.COMMENT),
            Coding(statement=s, target_official=o, stance=2, act=SpeechAct.PRAISE),
        ]
    )


def update_in_bulk(s, o):
    coded(s)
    coded(s, "RU")
    Coding.objects.filter(statement=s).update(stance=-2)


# (what happens to a new statement with no codings, the codes it ends with as (target, stance, act))
CHANGES = [
    (lambda s, o: None, []),
    (lambda s, o: coded(s), [("US", -1, "criticise")]),
    (lambda s, o: coded(s, "US", None, ""), [("US", None, "")]),
    (lambda s, o: (coded(s, "RU", 2, "praise"), coded(s, o, 0, "comment")), [("RU", 2, "praise"), (0, 0, "comment")]),
    (change_the_target, [("RU", -1, "criticise")]),
    (change_the_stance_and_act, [("RU", -1, "criticise"), ("US", 1, "praise")]),
    (from_a_country_to_an_official, [(0, -1, "criticise")]),
    (delete_one, [("RU", None, "decline")]),
    (move_to_another_statement, [("RU", -1, "criticise"), ("US", -1, "criticise")]),
    (save_a_stale_instance, [("US", -1, "criticise")]),
    (write_the_copy_directly, [("US", -1, "criticise")]),
    (bulk_create, [("US", 0, "comment"), (0, 2, "praise")]),
    (update_in_bulk, [("US", -2, "criticise"), ("RU", -2, "criticise")]),
]


@pytest.mark.parametrize(("change", "codings"), CHANGES)
def test_the_copy_follows_every_change_of_the_codings(change, codings):
    official = OfficialFactory()
    s = StatementFactory()
    change(s, official)
    expected = denormalised.set_text(code(official if target == 0 else target, *rest) for target, *rest in codings)
    assert stored(s) == expected == exact(s)


def test_deleting_a_statement_leaves_the_others_copies_alone():
    kept, deleted = StatementFactory(), StatementFactory()
    coded(kept)
    coded(deleted, "RU")
    deleted.delete()
    assert not Coding.objects.filter(statement=deleted.pk).exists()
    assert stored(kept) == exact(kept) == denormalised.set_text([code("US", -1, "criticise")])


def test_a_copied_statement_starts_without_codings():
    """`pk = None; save()` copies a row: the new statement has no codings, whatever copy it carried over."""
    s = StatementFactory()
    coded(s)
    s.refresh_from_db()
    s.pk = None
    s._state.adding = True
    s.save()
    assert stored(s) == "," == exact(s)


def test_the_migration_fills_the_copies_of_existing_statements():
    """Rows coded before the triggers existed get their copies when the schema is created."""
    statements = [StatementFactory() for _ in range(3)]
    coded(statements[0])
    coded(statements[1], "RU", 1, SpeechAct.AGREE)
    coded(statements[1], OfficialFactory(), None, SpeechAct.DECLINE)
    denormalised.drop_schema(SQLRunner(), only=["codings_cache"])
    Statement.objects.update(codings_cache=",")  # no trigger puts them back now
    denormalised.create_schema(SQLRunner(), only=["codings_cache"])
    assert [stored(s) for s in statements] == [exact(s) for s in statements]
    assert stored(statements[1]).count(",") == 3
    Coding.objects.filter(statement=statements[0]).delete()  # and the triggers are back
    assert stored(statements[0]) == ","


def test_the_bulk_generator_leaves_every_copy_exact():
    """The synthetic codings are written in bulk (statements/sample_data/codings.py): the triggers copy them."""
    call_command("generate_statements", "--count", "120", "--seed", "3", verbosity=0)
    statements = list(Statement.objects.all())
    assert Coding.objects.exists()
    assert [stored(s) for s in statements] == [exact(s) for s in statements]
