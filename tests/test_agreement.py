"""Coding that can be trusted: Krippendorff's alpha, blind second codings, the agreement report, and who does what."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from statements.models import Coding, SecondCoding, Statement
from statements.positions.agreement import figures, reliability_data, request_second_codings
from statements.positions.alpha import Alpha, interval, krippendorff_alpha, nominal, ordinal, ratio
from statements.positions.codebook import SpeechAct
from tests.admin_helpers import admin_url, user_with_role
from tests.factories import OfficialFactory, StatementFactory, UserFactory, country

# --- Krippendorff's alpha, against published worked examples ---------------------------------------------------------


def by_coder(*coders):
    """Reliability data written coder by coder (a row each, None where one gave no value), turned into units."""
    return list(zip(*coders, strict=True))


def starred(row: str) -> list:
    return [None if value == "*" else int(value) for value in row.split()]


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers, twelve units, missing
# values; the last unit has one value only and is not pairable.
FOUR_OBSERVERS = by_coder(
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
)
# The same paper, section A: two observers, binary data.
BINARY = by_coder([0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0])
# Section B: two observers, nominal data (Ben and Gerry).
BEN_AND_GERRY = by_coder(list("aabbdcccedda"), list("babbbccceddd"))
# The worked example of the Wikipedia article "Krippendorff's alpha": three coders, fifteen units, many missing.
WIKIPEDIA = by_coder(
    starred("* * * * * 3 4 1 2 1 1 3 3 * 3"),
    starred("1 * 2 1 3 3 4 3 * * * * * * *"),
    starred("* * 2 1 3 4 4 * 2 1 1 3 3 * 4"),
)


@pytest.mark.parametrize(
    ("units", "metric", "expected", "pairable_units", "pairable_values"),
    [
        (BINARY, nominal, 0.095, 10, 20),
        (BEN_AND_GERRY, nominal, 0.692, 12, 24),
        (FOUR_OBSERVERS, nominal, 0.743, 11, 40),
        (FOUR_OBSERVERS, ordinal, 0.815, 11, 40),
        (FOUR_OBSERVERS, interval, 0.849, 11, 40),
        (FOUR_OBSERVERS, ratio, 0.797, 11, 40),
        (WIKIPEDIA, nominal, 0.691, 12, 26),
        (WIKIPEDIA, interval, 0.811, 12, 26),
    ],
)
def test_alpha_matches_the_published_worked_examples(units, metric, expected, pairable_units, pairable_values):
    """Alpha, and what it rests on, as Krippendorff (and the Wikipedia article) computed them by hand."""
    alpha = krippendorff_alpha(units, metric)
    assert round(alpha.value, 3) == expected
    assert (alpha.units, alpha.values) == (pairable_units, pairable_values)


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        ([], Alpha(None, 0, 0)),  # nothing coded
        ([(1,), (2,), (3,)], Alpha(None, 0, 0)),  # a single coder: nothing to pair
        ([(1, None), (None, 2), (None, None)], Alpha(None, 0, 0)),  # each unit coded once
        ([(2, 2), (2, 2, 2)], Alpha(None, 2, 5)),  # no variation: agreement cannot be told from chance
        ([(1, 1), (2, 2), (3, 3)], Alpha(1.0, 3, 6)),  # perfect agreement
        ([(1, 1), (2, 2), (3, 3), (4, None)], Alpha(1.0, 3, 6)),  # a missing value drops its unit
        ([("a", "b"), ("b", "a")], Alpha(-0.5, 2, 4)),  # systematic disagreement: below zero
    ],
)
def test_alpha_edge_cases(units, expected):
    """Empty, single-coder and invariant data give no alpha (None), never a 1 or a division by zero."""
    assert krippendorff_alpha(units) == expected


def test_interval_weighs_a_near_miss_less_than_a_far_one():
    """Stance is interval: coding −1 for −2 costs less agreement than coding +2 for −2."""
    base = [(-2, -2), (0, 0), (1, 1), (2, 2)]
    near = krippendorff_alpha([*base, (-2, -1)], interval).value
    far = krippendorff_alpha([*base, (-2, 2)], interval).value
    assert near > far


# --- Building the rows -----------------------------------------------------------------------------------------------


def coded(*, target="US", stance=-1, act=SpeechAct.CRITICISE, by=None, **statement):
    """A published statement with one coding toward a country (code) or an official."""
    statement = StatementFactory(**statement)
    fields = {"target_country": country(target)} if isinstance(target, str) else {"target_official": target}
    Coding.objects.create(statement=statement, stance=stance, act=act, coded_by=by, **fields)
    return statement


def second(statement, coder, *, target="US", stance=-1, act=SpeechAct.CRITICISE, resolved=False):
    """A recorded second coding of `statement` (asked of `coder` now), toward a country code."""
    row = request(statement, coder).get()
    row.target_country, row.stance, row.act = country(target), stance, act
    row.coded_at = timezone.now()
    if resolved:
        row.resolved_at = timezone.now()
    row.save()
    return row


def request(statement, coder):
    request_second_codings(statements=Statement.objects.filter(pk=statement.pk), coder=coder, user=None)
    return SecondCoding.objects.filter(statement=statement, coder=coder)


@pytest.fixture
def analyst_user(db):
    return user_with_role("Analyst")


@pytest.fixture
def editor_user(db):
    return user_with_role("Editor")


@pytest.fixture
def analyst(client, analyst_user):
    client.force_login(analyst_user)
    return client


@pytest.fixture
def editor(client, editor_user):
    client.force_login(editor_user)
    return client


# --- The model -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"coded_at": None}, "second_coding_empty_or_complete"),  # a coding without its recording time
        ({"act": ""}, "second_coding_empty_or_complete"),  # recorded with no speech act
        ({"target_official_id": "official"}, "second_coding_empty_or_complete"),  # two targets
        ({"stance": 3}, "second_coding_stance_on_scale"),
        ({"stance": -2, "act": SpeechAct.PRAISE}, "second_coding_praise_or_agreement_not_negative"),
        ({"stance": 0, "act": SpeechAct.DECLINE}, "second_coding_declining_takes_no_stance"),
        ({"first_act": ""}, "second_coding_first_complete"),
        (
            {"resolved_at": "now", "coded_at": None, "target_country_id": None, "act": "", "stance": None},
            "second_coding_resolved_once_recorded",
        ),
    ],
)
def test_the_database_refuses_an_incoherent_second_coding(analyst_user, change, constraint):
    """Each rule is a named constraint: whoever writes the row, a contradiction does not get in."""
    row = second(coded(), analyst_user)
    values = {
        name: (OfficialFactory().pk if value == "official" else timezone.now() if value == "now" else value)
        for name, value in change.items()
    }
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        SecondCoding.objects.filter(pk=row.pk).update(**values)


@pytest.mark.django_db
def test_one_second_coding_per_statement_per_coder_and_never_by_the_first_coder(analyst_user, editor_user):
    """A coder is asked once per statement, and never to check their own coding."""
    statement = coded(by=editor_user)
    row = second(statement, analyst_user)
    duplicate = SecondCoding(**{f.attname: getattr(row, f.attname) for f in SecondCoding._meta.concrete_fields})
    duplicate.pk = None
    with pytest.raises(ValidationError, match="This analyst is already asked to code this statement."):
        duplicate.validate_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    duplicate.coder = editor_user
    with pytest.raises(IntegrityError, match="second_coding_not_by_first_coder"), transaction.atomic():
        duplicate.save()


# --- Asking for second codings -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_statements_with_one_complete_coding_are_sampled(analyst_user, editor_user):
    """One target with a speech act: sampled, its coding kept as it is then; anything else is left out."""
    one = coded(stance=0, act=SpeechAct.COMMENT, by=editor_user)
    two_targets = coded()
    Coding.objects.create(statement=two_targets, target_country=country("SY"), stance=None, act=SpeechAct.COMMENT)
    no_act = coded(stance=None, act="")
    uncoded = StatementFactory()
    by_the_coder = coded(by=analyst_user)
    asked = coded()
    request(asked, analyst_user)
    selection = Statement.objects.filter(
        pk__in=[s.pk for s in (one, two_targets, no_act, uncoded, by_the_coder, asked)]
    )
    requested = request_second_codings(statements=selection, coder=analyst_user, user=editor_user)
    assert (requested.made, requested.left_out) == (1, 5)
    row = SecondCoding.objects.get(statement=one)
    assert (row.first_target_country, row.first_stance, row.first_act) == (country("US"), 0, "comment")
    assert (row.first_coded_by, row.requested_by, row.coded_at) == (editor_user, editor_user, None)
    one.codings.update(stance=1, act=SpeechAct.PRAISE)  # the first coding corrected later: the request keeps it
    row.refresh_from_db()
    assert (row.first_stance, row.first_act) == (0, "comment")


@pytest.mark.django_db
@pytest.mark.parametrize(("sample_size", "made"), [(None, 6), (1, 1), (4, 4), (6, 6), (50, 6)])
def test_a_sample_is_drawn_at_random_from_the_selection(analyst_user, sample_size, made):
    """A sample size asks for that many of the sampleable statements (all of them when there are fewer)."""
    statements = [coded() for _ in range(6)]
    StatementFactory()  # not coded: never sampled
    requested = request_second_codings(
        statements=Statement.objects.all(), coder=analyst_user, user=None, sample_size=sample_size
    )
    assert (requested.made, requested.sampleable, requested.left_out) == (made, 6, 1)
    assert set(SecondCoding.objects.values_list("statement", flat=True)) <= {s.pk for s in statements}


@pytest.mark.django_db
def test_only_active_staff_who_code_can_be_asked(analyst_user):
    """A reader's account, or a deactivated analyst, cannot be made a second coder."""
    statement = coded()
    outsider = UserFactory(username="reader", is_staff=False)
    gone = user_with_role("Analyst", "gone")
    gone.is_active = False
    gone.save()
    for user in (outsider, gone):
        with pytest.raises(ValidationError, match="cannot be asked"):
            request_second_codings(statements=Statement.objects.all(), coder=user, user=None)
    with pytest.raises(ValidationError, match="at least one"):
        request_second_codings(statements=Statement.objects.all(), coder=analyst_user, user=None, sample_size=0)
    assert not SecondCoding.objects.exists()
    assert statement.codings.count() == 1


CHANGELIST = reverse("admin:statements_statement_changelist")


def ask(client, statements, **fields):
    data = {"action": "request_second_coding_selected", "_selected_action": [s.pk for s in statements]}
    data.update({"confirm": "yes", **fields})
    return client.post(CHANGELIST, data)


@pytest.mark.django_db
def test_an_editor_asks_for_second_codings_from_the_statement_list(editor, analyst_user):
    """The action asks for the coder first, then makes one request per sampleable statement and says so."""
    statements = [coded() for _ in range(3)] + [StatementFactory()]
    question = editor.post(
        CHANGELIST, {"action": "request_second_coding_selected", "_selected_action": [s.pk for s in statements]}
    )
    assert question.status_code == 200 and "Ask for a blind second coding" in question.content.decode()
    response = editor.post(CHANGELIST, {**question_data(statements), "coder": analyst_user.pk}, follow=True)
    html = response.content.decode()
    assert "Asked analyst for a blind second coding of 3 statements." in html
    assert "1 of the selected statements cannot be sampled" in html
    assert SecondCoding.objects.filter(coder=analyst_user).count() == 3


def question_data(statements):
    return {
        "action": "request_second_coding_selected",
        "_selected_action": [s.pk for s in statements],
        "confirm": "yes",
    }


@pytest.mark.django_db
def test_select_all_and_a_sample_size_draw_from_the_whole_filtered_list(editor, analyst_user):
    """ "Select all" across a filtered list, with a sample size: that many drawn from every match, not the page."""
    [coded() for _ in range(5)]
    [coded(status="draft") for _ in range(3)]
    data = {
        "action": "request_second_coding_selected",
        "_selected_action": [Statement.objects.filter(status="draft").first().pk],
        "select_across": "1",
        "confirm": "yes",
        "coder": analyst_user.pk,
        "sample_size": "2",
    }
    response = editor.post(f"{CHANGELIST}?status__exact=draft", data, follow=True)
    assert "of 2 statements, drawn at random from 3." in response.content.decode()
    assert set(SecondCoding.objects.values_list("statement__status", flat=True)) == {"draft"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "This field is required."),
        ({"coder": "reader"}, "Choose an analyst from the list: that user cannot code."),
        ({"coder": "analyst", "sample_size": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"coder": "analyst", "sample_size": "some"}, "Enter a whole number."),
    ],
)
def test_bad_input_to_the_request_is_a_400_with_a_message(editor, analyst_user, fields, message):
    """No coder, someone who cannot code, a sample of nothing: 400, the message by the field, no request made."""
    UserFactory(username="reader", is_staff=False)
    statement = coded()
    users = {"analyst": analyst_user.pk, "reader": UserFactory(username="reader").pk}
    fields = {name: users.get(value, value) for name, value in fields.items()}
    response = ask(editor, [statement], **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SecondCoding.objects.exists()


@pytest.mark.django_db
def test_an_analyst_cannot_ask_for_second_codings(analyst, analyst_user):
    """The action is not offered to an analyst, and a hand-made POST of it asks nothing."""
    statement = coded()
    page = analyst.get(CHANGELIST).content.decode()
    assert "request_second_coding_selected" not in page
    ask(analyst, [statement], coder=analyst_user.pk)
    assert not SecondCoding.objects.exists()


# --- Coding the queue, blind -----------------------------------------------------------------------------------------

QUEUE = reverse("admin:statements_statement_second_codings")


def code_url(row) -> str:
    return reverse("admin:statements_statement_second_coding", args=[row.pk])


@pytest.mark.django_db
def test_the_queue_shows_the_statement_but_never_its_first_coding(analyst, analyst_user):
    """The coder sees the words, speaker and source, not the coding they are checking: on the queue, on the coding
    page, and in the statement's own admin page while the request is open."""
    statement = coded(target="SY", stance=-2, act=SpeechAct.THREATEN, status="draft", countries=[country("RU")])
    [row] = request(statement, analyst_user)
    queue = analyst.get(QUEUE).content.decode()
    assert statement.text[:40] in queue and code_url(row) in queue
    page = analyst.get(code_url(row))
    html = page.content.decode()
    assert page.status_code == 200 and statement.text in html and statement.source.title in html
    assert "Russia" in html  # the countries concerned, as the first coder saw them
    for first in ('value="-2" selected', 'value="threaten" selected', "Syria"):
        assert first not in html, first
    change = analyst.get(admin_url(Statement, "change", statement.pk))
    assert change.status_code == 200
    assert all(inline.formset.model is not Coding for inline in change.context["inline_admin_formsets"])
    assert "Hostile (−2)" not in change.content.decode()


@pytest.mark.django_db
def test_recording_a_second_coding_and_then_the_first_is_shown_again(analyst, analyst_user):
    """A valid coding is recorded, leaves the queue, is final; the statement's codings inline comes back."""
    statement = coded(status="draft")
    [row] = request(statement, analyst_user)
    response = analyst.post(
        code_url(row), {"target_country": country("US").pk, "stance": "-2", "act": "criticise"}, follow=True
    )
    assert "recorded" in response.content.decode()
    row.refresh_from_db()
    assert (row.target_country, row.stance, row.act) == (country("US"), -2, "criticise")
    assert row.coded_at is not None
    assert statement.text[:40] not in analyst.get(QUEUE).content.decode()
    again = analyst.post(code_url(row), {"target_country": country("US").pk, "stance": "0", "act": "comment"})
    assert again.status_code == 409 and "is final" in again.content.decode()
    row.refresh_from_db()
    assert row.stance == -2
    change = analyst.get(admin_url(Statement, "change", statement.pk))
    assert any(inline.formset.model is Coding for inline in change.context["inline_admin_formsets"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stance": "-1", "act": "criticise"}, "Choose one target: a country, or an official or institution."),
        ({"target_country": "US", "target_official": "un", "act": "comment"}, "Choose one target"),
        ({"target_country": "US", "stance": "-1"}, "Choose the speech act."),
        ({"target_country": "US", "stance": "3", "act": "comment"}, "Select a valid choice."),
        ({"target_country": "US", "act": "shout"}, "Select a valid choice."),
        ({"target_country": "99999", "act": "comment"}, "Select a valid choice."),
        ({"target_country": "US", "stance": "-2", "act": "praise"}, "Praise or agreement cannot be hostile"),
        ({"target_country": "US", "stance": "0", "act": "decline"}, "Declining to comment takes no stance"),
    ],
)
def test_bad_input_to_a_second_coding_is_a_400_with_a_message(analyst, analyst_user, data, message):
    """No target, two, no act, off the scale, unknown, or a contradiction of the codebook: 400, nothing recorded."""
    [row] = request(coded(), analyst_user)
    targets = {"US": country("US").pk, "un": OfficialFactory(name="United Nations").pk}
    data = {name: targets.get(value, value) for name, value in data.items()}
    response = analyst.post(code_url(row), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    row.refresh_from_db()
    assert row.coded_at is None and row.act == ""


@pytest.mark.django_db
def test_someone_elses_second_coding_is_not_found(client, analyst_user):
    """Another analyst (even an Editor) cannot open, record or see a request made of someone else."""
    [row] = request(coded(), analyst_user)
    client.force_login(user_with_role("Analyst", "other"))
    assert client.get(code_url(row)).status_code == 404
    assert client.post(code_url(row), {"target_country": country("US").pk, "act": "comment"}).status_code == 404
    assert "No second codings are waiting for you." in client.get(QUEUE).content.decode()
    row.refresh_from_db()
    assert row.coded_at is None


# --- The report and settling -----------------------------------------------------------------------------------------

REPORT = reverse("admin:statements_statement_agreement")


def resolve_url(row) -> str:
    return reverse("admin:statements_statement_agreement_resolve", args=[row.pk])


@pytest.mark.django_db
def test_reliability_data_reads_no_stance_as_missing_and_pairs_every_coder(analyst_user, editor_user):
    """A statement coded twice over is one unit of three values; no stance is no value, never 0."""
    statement = coded(stance=-1, act=SpeechAct.CRITICISE)
    second(statement, analyst_user, stance=-1)
    second(statement, editor_user, stance=None, act=SpeechAct.DENY)
    other = coded(stance=None, act=SpeechAct.DENY)
    second(other, analyst_user, target="SY", stance=1, act=SpeechAct.AGREE)
    data = reliability_data(SecondCoding.objects.recorded())
    us, sy = (country("US").pk, None), (country("SY").pk, None)
    assert data == {
        "stance": [[-1, -1, None], [None, 1]],
        "act": [["criticise", "criticise", "deny"], ["deny", "agree"]],
        "target": [[us, us, us], [us, sy]],
    }


@pytest.mark.django_db
def test_the_figures_per_field_over_the_statements_coded_twice(analyst_user):
    """Alpha per field with its n; a pending request is counted as waiting, not as a unit; settling changes nothing."""
    rows = [
        (-2, -2, "US", "US"),
        (-1, -1, "US", "US"),
        (1, 1, "US", "SY"),
        (2, 1, "US", "US"),
    ]
    seconds = []
    for first_stance, second_stance, first_target, second_target in rows:
        act = SpeechAct.CRITICISE if first_stance < 0 else SpeechAct.AGREE
        statement = coded(target=first_target, stance=first_stance, act=act)
        seconds.append(second(statement, analyst_user, target=second_target, stance=second_stance, act=act))
    request(coded(), analyst_user)
    result = figures()
    expected_stance = krippendorff_alpha([(-2, -2), (-1, -1), (1, 1), (2, 1)], interval)
    assert result.field("stance").alpha == expected_stance
    assert result.field("speech act").alpha == Alpha(1.0, 4, 8)
    assert result.field("target").alpha == krippendorff_alpha([("US", "US")] * 3 + [("US", "SY")])
    assert (result.statements, result.disagreements, result.open_disagreements, result.pending) == (4, 2, 2, 1)
    SecondCoding.objects.filter(pk=seconds[3].pk).update(resolved_at=timezone.now())
    Coding.objects.filter(statement=seconds[3].statement).update(stance=1)  # settled: the published coding corrected
    after = figures()
    assert after.field("stance").alpha == expected_stance
    assert after.open_disagreements == 1


@pytest.mark.django_db
def test_the_report_lists_alpha_and_the_disagreements_to_settle(editor, analyst_user):
    """An Editor reads alpha per field with n, and each disagreement: the statement, first against second."""
    agreeing = coded(stance=-1)
    second(agreeing, analyst_user, stance=-1)
    differing = coded(stance=-1, act=SpeechAct.CRITICISE)
    second(differing, analyst_user, stance=-2, act=SpeechAct.THREATEN)
    response = editor.get(REPORT)
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Krippendorff's alpha", "Stance", "interval", "Speech act", "nominal", "Target", "Over 2 statements"):
        assert text in html, text
    assert "1 disagreement, 1 open." in html
    assert "United States: Critical (−1), Criticise or accuse" in html
    assert "United States: Hostile (−2), Threaten (a conditional act by the speaker&#x27;s side)" in html
    assert "stance, speech act" in html
    assert admin_url(Statement, "change", differing.pk) in html
    assert admin_url(Statement, "change", agreeing.pk) not in html


@pytest.mark.django_db
def test_an_editor_settles_a_disagreement(editor, editor_user, analyst_user):
    """Settling: the Editor corrects the published coding on the statement, then marks the disagreement resolved."""
    row = second(coded(stance=-1), analyst_user, stance=-2)
    response = editor.post(resolve_url(row), follow=True)
    assert "marked resolved" in response.content.decode()
    row.refresh_from_db()
    assert row.resolved_by == editor_user and row.resolved_at is not None
    assert "Resolved by editor" in editor.get(REPORT).content.decode()
    assert "resolved already" in editor.post(resolve_url(row), follow=True).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "status"),
    [("agreeing", 400), ("pending", 400), ("unknown", 404), ("get", 405)],
)
def test_settling_refuses_what_is_not_a_disagreement(editor, analyst_user, case, status):
    """Only a recorded disagreement is settled: an agreement or a pending request is a 400, with the reason."""
    if case == "pending":
        [row] = request(coded(), analyst_user)
    else:
        row = second(coded(stance=-1), analyst_user, stance=-1)
    url = resolve_url(row) if case != "unknown" else reverse("admin:statements_statement_agreement_resolve", args=[999])
    response = editor.get(url) if case == "get" else editor.post(url)
    assert response.status_code == status
    if status == 400:
        assert "Only a recorded second coding that disagrees with the first is settled." in response.content.decode()
    assert not SecondCoding.objects.filter(resolved_at__isnull=False).exists()


@pytest.mark.django_db
def test_an_analyst_cannot_read_the_report_or_settle(analyst, analyst_user):
    """The report and settling are the Editors': 403 for an analyst, and nothing changes."""
    row = second(coded(stance=-1), analyst_user, stance=-2)
    assert analyst.get(REPORT).status_code == 403
    assert analyst.post(resolve_url(row)).status_code == 403
    row.refresh_from_db()
    assert row.resolved_at is None
    index = analyst.get(reverse("admin:index")).content.decode()
    assert QUEUE in index and REPORT not in index


# --- Never public ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_coding_never_counts_in_public_filters_or_facets(client, analyst_user):
    """The public target and stance filters, and their facets, read the published coding only."""
    statement = coded(target="US", stance=-1)
    second(statement, analyst_user, target="SY", stance=-2)
    by_second = client.get("/", {"target": "sy"}).content.decode()
    by_first = client.get("/", {"target": "us", "stance": "-1"}).content.decode()
    assert statement.get_absolute_url() not in by_second
    assert statement.get_absolute_url() in by_first
    assert client.get("/", {"target": "us", "stance": "-2"}).content.decode().count(statement.get_absolute_url()) == 0


# --- Published on the about page -------------------------------------------------------------------------------------


ABOUT_QUERIES = 2  # the recorded second codings, and the count of those waiting


@pytest.mark.django_db
def test_the_about_page_publishes_the_latest_figures(client, analyst_user, django_assert_num_queries):
    """Alpha per field, n and the date computed, read from the data; before any second coding, says there are none."""
    about = reverse("statements:about")
    assert "No statements have been coded twice yet" in client.get(about).content.decode()
    for stance in (-2, -1, 0, 1):
        act = SpeechAct.COMMENT if stance >= 0 else SpeechAct.CRITICISE
        second(coded(stance=stance, act=act), analyst_user, stance=stance, act=act)
    request(coded(), analyst_user)  # waiting: not in the figures
    with django_assert_num_queries(ABOUT_QUERIES):
        html = client.get(about).content.decode()
    assert "over 4 statements coded twice" in html
    assert '<th scope="row">Stance</th><td>1.000</td><td>4</td>' in html
    assert '<th scope="row">Target</th><td>not defined</td><td>4</td>' in html  # every coding toward the US
    assert f"computed {timezone.localdate():%-d %B %Y}" in html


# --- Query counts ----------------------------------------------------------------------------------------------------

# The session and user, the user's permissions (two: their own and their groups'), the recorded second codings with
# what the list names, and the figures' two (recorded, waiting).
REPORT_QUERIES = 7
# The session and user, the user's permissions (the admin's navigation), the queue with its statements and speakers.
QUEUE_QUERIES = 5


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 4])
def test_the_report_and_the_queue_take_a_fixed_number_of_queries(client, analyst_user, rows, django_assert_num_queries):
    """However many second codings there are, the report and the queue cost the same queries."""
    for _ in range(rows):
        second(coded(stance=-1), analyst_user, stance=-2)
        request(coded(), analyst_user)
    client.force_login(user_with_role("Editor"))
    with django_assert_num_queries(REPORT_QUERIES):
        assert client.get(REPORT).status_code == 200
    client.force_login(analyst_user)
    with django_assert_num_queries(QUEUE_QUERIES):
        assert client.get(QUEUE).status_code == 200
