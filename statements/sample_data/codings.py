"""Synthetic codings of the synthetic statements (docs/demo-data.md#synthetic-codings), for demos and benchmarks.

Most synthetic statements get one coding toward a country the statement concerns (other than the speaker's own):
a stance drawn around a tone fixed for each pair of countries, and a speech act that agrees with the stance (the
codebook's rules, statements/positions/codebook.py). One pair's tone hardens in a given year, both ways
(DRIFT): France and China, supportive before 2020, critical to hostile from 2020 on, so that the compare and
relations pages have a visible shift to show. A few codings take no stance (declining to comment).

Everything is a pure function of (seed, the statement's synthetic number): coding again codes the same. The coder
works on a database that already holds the statements (the benchmark's million was built before codings existed):
it codes, in statement order, the synthetic statements after the last one already coded, in bulk batches, so a
second run finds nothing to do and an interrupted one carries on where it stopped. It lives apart from
synthetic.py and demo.py, whose hash is the benchmark's build key: adding codings does not rebuild the statements.
Rows are written with bulk_create, so they have no change history, like the synthetic statements themselves.
"""

import hashlib
import random
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from ..models import Coding, Country, Official, SecondCoding, Statement
from ..positions.agreement import request_second_codings, sampleable
from ..positions.codebook import SpeechAct, refusals
from .synthetic import NOTE_PREFIX, NUMBER_WIDTH

CODED_SHARE = 0.85  # statements with a country to code toward that get a coding
NO_STANCE_SHARE = 0.05  # of those, coded as declining to comment
SPREAD = 0.8  # how far a stance strays from its pair's tone (a normal distribution's deviation)
# The pair whose tone hardens, both ways, from DRIFT_YEAR: (one country, the other, the year, tone before, after).
DRIFT = ("FR", "CN", 2020, 0.6, -1.4)

# Speech acts by the stance they go with, most used first (drawn with weights 1/rank).
ACTS = {
    -2: [SpeechAct.CRITICISE, SpeechAct.WARN, SpeechAct.REJECT, SpeechAct.THREATEN, SpeechAct.DEMAND],
    -1: [SpeechAct.CRITICISE, SpeechAct.CONCERN, SpeechAct.DENY, SpeechAct.DEMAND, SpeechAct.REJECT],
    0: [SpeechAct.COMMENT, SpeechAct.CONSULT, SpeechAct.APPEAL, SpeechAct.CONCERN, SpeechAct.OFFER],
    1: [SpeechAct.AGREE, SpeechAct.CONSULT, SpeechAct.OFFER, SpeechAct.PRAISE, SpeechAct.APPEAL],
    2: [SpeechAct.PRAISE, SpeechAct.AGREE, SpeechAct.OFFER],
}


def tone(speaker: str, target: str, year: int) -> float:
    """The mean stance of a pair of countries (ISO codes) in a year: fixed per pair, between −0.9 and +0.6, but for
    DRIFT's pair, which hardens in its year."""
    first, second, year_of_drift, before, after = DRIFT
    if {speaker, target} == {first, second}:
        return after if year >= year_of_drift else before
    digest = hashlib.sha256(f"{speaker}>{target}".encode()).digest()
    return -0.9 + 1.5 * digest[0] / 255


def number_of(statement_id: int, note: str) -> int:
    """The statement's synthetic number (its note's "#000000042"), or its id for a note not in that form."""
    digits = note[len(NOTE_PREFIX) : len(NOTE_PREFIX) + NUMBER_WIDTH]
    return int(digits) if note.startswith(NOTE_PREFIX) and digits.isdigit() else statement_id


def coding_for(rng: random.Random, *, speaker: str, targets: list[str], year: int) -> tuple[str, int | None, str]:
    """(target code, stance or None, speech act) for one statement, or None when it stays uncoded. The drift's
    target comes first when the statement concerns it, so the drift has its statements."""
    target = next((code for code in targets if {speaker, code} == set(DRIFT[:2])), None) or rng.choice(targets)
    if rng.random() < NO_STANCE_SHARE:
        return target, None, SpeechAct.DECLINE
    stance = max(-2, min(2, round(rng.gauss(tone(speaker, target, year), SPREAD))))
    acts = ACTS[stance]
    act = rng.choices(acts, weights=[1 / rank for rank in range(1, len(acts) + 1)])[0]
    assert not refusals(act, stance), (act, stance)  # the table above keeps the codebook's rules
    return target, stance, act


def code_synthetic_statements(
    *, seed: int = 1, batch_size: int = 5000, progress: Callable[[int, int], None] | None = None
) -> int:
    """Code the synthetic statements after the last one coded; returns how many codings were made."""
    code_of = dict(Country.objects.values_list("pk", "code"))
    pk_of = {code: pk for pk, code in code_of.items()}
    country_of = dict(Official.objects.filter(is_synthetic=True).values_list("pk", "country"))
    synthetic = Statement.objects.filter(is_synthetic=True)
    last = (
        Coding.objects.filter(statement__is_synthetic=True).aggregate(last=Max("statement"))["last"] or 0
    )  # carried on from there: every statement before it was decided already
    total = synthetic.filter(pk__gt=last).count()
    uncoded = synthetic.filter(~Exists(Coding.objects.filter(statement=OuterRef("pk"))))
    made = done = 0
    while True:
        rows = list(
            uncoded.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "note", "date", "speaker", "countries_cache")[:batch_size]
        )
        if not rows:
            break
        codings = []
        for pk, note, date, speaker_id, countries in rows:
            rng = random.Random(f"coding {seed} {number_of(pk, note)}")
            speaker = code_of.get(country_of.get(speaker_id))
            targets = [code_of[int(c)] for c in countries.strip(",").split(",") if c and int(c) in code_of]
            targets = [code for code in targets if code != speaker]
            if speaker is None or not targets or rng.random() >= CODED_SHARE:
                continue
            target, stance, act = coding_for(rng, speaker=speaker, targets=targets, year=date.year)
            codings.append(Coding(statement_id=pk, target_country_id=pk_of[target], stance=stance, act=act))
        with transaction.atomic():
            Coding.objects.bulk_create(codings, batch_size=batch_size)
        made += len(codings)
        done += len(rows)
        last = rows[-1][0]
        if progress:
            progress(min(done, total), total)
    return made


# --- A double-coded sample (docs/demo-data.md#a-double-coded-sample) ------------------------------------------------

DOUBLE_CODED = 60  # synthetic statements coded a second time, blind, for the agreement report
SECOND_CODER = "second-coder"  # a demo analyst who cannot sign in (no password): the sample's second coder
AGREE_SHARE = 0.75  # second codings that agree with the first in every field; the others differ in one


def second_coder():
    """The demo's second coder: an Analyst account with no usable password, made once."""
    user, made = get_user_model().objects.get_or_create(
        username=SECOND_CODER, defaults={"first_name": "Second coder (demo)", "is_staff": True}
    )
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name="Analyst"))
    return user


def second_reading(rng: random.Random, *, stance: int | None, act: str) -> tuple[int | None, str]:
    """A second coder's (stance, act) for a first coding: the same, or a near miss in one field that still keeps the
    codebook's rules: a stance one step off (with an act that fits it), or another act that goes with the stance."""
    if stance is None or rng.random() < AGREE_SHARE:
        return stance, act
    if rng.random() < 0.6:
        stance = max(-2, min(2, stance + rng.choice((-1, 1))))
        return stance, act if not refusals(act, stance) else ACTS[stance][0]
    others = [other for other in ACTS[stance] if other != act]
    return stance, rng.choice(others)


def double_code_sample(*, seed: int = 1, size: int = DOUBLE_CODED) -> int:
    """Ask the demo's second coder for a blind second coding of `size` coded synthetic statements and record it, with
    some disagreement; returns how many were made (none once a sample exists). A pure function of the seed and the
    statements' synthetic numbers, like the codings."""
    coder = second_coder()
    if SecondCoding.objects.filter(coder=coder).exists():
        return 0
    candidates = sampleable(Statement.objects.filter(is_synthetic=True)).values_list("pk", "note")
    numbered = sorted((number_of(pk, note), pk) for pk, note in candidates)
    chosen = sorted(numbered, key=lambda item: hashlib.sha256(f"sample {seed} {item[0]}".encode()).digest())[:size]
    if not chosen:
        return 0
    number = {pk: n for n, pk in chosen}
    request_second_codings(statements=Statement.objects.filter(pk__in=number), coder=coder, user=None)
    now = timezone.now()
    with transaction.atomic():
        for second in SecondCoding.objects.filter(coder=coder).order_by("pk"):
            rng = random.Random(f"second coding {seed} {number[second.statement_id]}")
            second.stance, second.act = second_reading(rng, stance=second.first_stance, act=second.first_act)
            second.target_country_id = second.first_target_country_id
            second.target_official_id = second.first_target_official_id
            second.coded_at = now
            second.save()
    return len(chosen)
