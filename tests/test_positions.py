"""Positions (issue 21): who speaks and for whom, codings of stance and speech act, typed links between statements."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from statements.models import Coding, OfficialKind, Statement, StatementLink
from statements.positions import codebook
from statements.positions.codebook import SpeechAct, Stance
from statements.positions.models import LinkKind
from tests.admin_helpers import admin_url, change_form_data, user_with_role
from tests.factories import OfficialFactory, PositionFactory, StatementFactory, country

pytestmark = pytest.mark.django_db

ON = datetime.date(2016, 11, 11)


def un():
    return OfficialFactory(name="United Nations", kind=OfficialKind.INTERNATIONAL, country=None)


# --- The speaking side ---------------------------------------------------------------------------------------------

# Each case: the speaker (kind, own country), the posts held (country, speaks for the UN?, start, end), and the side
# the statement of 11 November 2016 speaks for (a country code, and whether for the UN).
SIDES = [
    pytest.param(OfficialKind.PERSON, "RU", [], ("RU", False), id="no post: the official's own country"),
    pytest.param(
        OfficialKind.PERSON, "RU", [("US", False, "2015-01-01", None)], ("US", False), id="the post's country"
    ),
    pytest.param(
        OfficialKind.PERSON,
        "RU",
        [("US", False, "2010-01-01", "2015-12-31")],
        ("RU", False),
        id="a post that ended before: the official's country",
    ),
    pytest.param(
        OfficialKind.PERSON,
        "RU",
        [("US", False, "2017-01-20", None)],
        ("RU", False),
        id="a post taken after the date: the official's country",
    ),
    pytest.param(
        OfficialKind.PERSON,
        "RU",
        [("US", False, "2010-01-01", None), ("GB", False, "2016-01-01", None)],
        ("GB", False),
        id="two posts held: the most recently started",
    ),
    pytest.param(
        OfficialKind.PERSON,
        "PT",
        [(None, True, "2016-01-01", None)],
        (None, True),
        id="a UN Secretary-General speaks for the UN, not Portugal",
    ),
    pytest.param(
        OfficialKind.PERSON,
        "RU",
        [(None, False, "2016-01-01", None)],
        ("RU", False),
        id="a post without a country: the official's country",
    ),
    pytest.param(OfficialKind.MINISTRY, "RU", [], ("RU", False), id="a ministry speaks for its country"),
    pytest.param(OfficialKind.INTERNATIONAL, None, [], (None, False), id="the UN itself: no country"),
]


def speaker_with_posts(kind, own, posts):
    speaker = OfficialFactory(kind=kind, country=country(own) if own else None)
    institution = un()
    for code, for_un, start, end in posts:
        PositionFactory(
            official=speaker,
            country=country(code) if code else None,
            speaks_for=institution if for_un else None,
            start_date=start,
            end_date=end,
        )
    return speaker, institution


@pytest.mark.parametrize(("kind", "own", "posts", "expected"), SIDES)
def test_the_speaking_side_is_the_post_held_on_the_date(kind, own, posts, expected):
    """The side is the country (or institution) the speaker represented that day, not where they come from."""
    speaker, institution = speaker_with_posts(kind, own, posts)
    statement = StatementFactory(speaker=speaker, date=ON)
    side = statement.speaking_side()
    code, for_un = expected
    assert (side.country.code if side.country else None) == code
    if kind == OfficialKind.PERSON:
        assert (side.institution == institution) is for_un
    else:
        assert side.institution == speaker  # an institution speaks for itself


@pytest.mark.parametrize(("kind", "own", "posts", "expected"), SIDES)
def test_the_speaking_country_in_sql_agrees_with_the_model(kind, own, posts, expected):
    """with_speaking_country() is the same rule as Official.side_on, so lists and counts agree with the permalink."""
    speaker, _ = speaker_with_posts(kind, own, posts)
    StatementFactory(speaker=speaker, date=ON)
    annotated = Statement.objects.with_speaking_country().get(speaker=speaker)
    code = expected[0]
    assert annotated.speaking_country_id == (country(code).pk if code else None)


def test_a_post_speaks_for_an_institution_not_a_person():
    """A post "speaking for" a person, or an institution's post speaking for itself, is refused with a message."""
    person = OfficialFactory()
    post = PositionFactory(official=OfficialFactory(), speaks_for=person)
    with pytest.raises(ValidationError, match="speaks for an institution, not for a person"):
        post.full_clean()
    institution = un()
    own = PositionFactory(official=institution, speaks_for=institution)
    with pytest.raises(ValidationError, match="speaks for itself"):
        own.full_clean()


def test_the_admin_lists_and_filters_officials_by_kind(admin_client):
    """Analysts see at a glance which speakers are institutions, and can list only those."""
    un()
    OfficialFactory(name="Dmitry Peskov")
    listing = admin_client.get(admin_url(OfficialFactory._meta.model, "changelist"), {"kind": "international"})
    html = listing.content.decode()
    assert "United Nations" in html and "Dmitry Peskov" not in html
    assert "International organisation (e.g. the UN)" in html


# --- Codings -------------------------------------------------------------------------------------------------------


def coding(statement=None, *, target="US", stance=None, act=""):
    """A Coding (unsaved) toward a country code, an Official, or nothing at all (target=None)."""
    fields = {"statement": statement or StatementFactory(), "stance": stance, "act": act}
    if isinstance(target, str):
        fields["target_country"] = country(target)
    elif target is not None:
        fields["target_official"] = target
    return Coding(**fields)


@pytest.mark.parametrize(
    ("stance", "act", "refused"),
    [
        (Stance.CRITICAL, SpeechAct.CRITICISE, ""),
        (Stance.HOSTILE, SpeechAct.THREATEN, ""),
        (Stance.SUPPORTIVE, SpeechAct.PRAISE, ""),
        (Stance.NEUTRAL, SpeechAct.PRAISE, ""),
        (None, SpeechAct.DECLINE, ""),
        (None, SpeechAct.PRAISE, ""),  # no stance is never a contradiction
        (Stance.NEUTRAL, "", ""),  # act not coded yet
        (Stance.HOSTILE, SpeechAct.PRAISE, "Praise or agreement cannot be hostile or critical"),
        (Stance.CRITICAL, SpeechAct.AGREE, "Praise or agreement cannot be hostile or critical"),
        (Stance.SUPPORTIVE, SpeechAct.THREATEN, "cannot be supportive of its target"),
        (Stance.STRONGLY_SUPPORTIVE, SpeechAct.CRITICISE, "cannot be supportive of its target"),
        (Stance.SUPPORTIVE, SpeechAct.REJECT, "cannot be supportive of its target"),
        (Stance.NEUTRAL, SpeechAct.DECLINE, "Declining to comment takes no stance"),
    ],
)
def test_the_codebook_refuses_contradictions(stance, act, refused):
    """Praise coded hostile or a threat coded supportive is refused with the rule's message, by the form's check
    and by the database alike; consistent codings save."""
    candidate = coding(stance=stance, act=act)
    if not refused:
        assert codebook.refusals(act, stance) == []
        candidate.full_clean()
        candidate.save()
        return
    with pytest.raises(ValidationError, match=refused):
        candidate.full_clean()
    assert any(refused in message for message in codebook.refusals(act, stance))
    with pytest.raises(IntegrityError), transaction.atomic():
        candidate.save()


@pytest.mark.parametrize(
    ("target", "stance", "message"),
    [
        (None, 0, "A coding has one target"),
        ("both", 0, "A coding has one target"),
        ("US", 3, "Value 3 is not a valid choice"),
        ("US", -3, "Value -3 is not a valid choice"),
    ],
)
def test_a_coding_has_one_target_and_a_stance_on_the_scale(target, stance, message):
    """No target, two targets or a stance off the scale are refused with a message, and by the database."""
    candidate = coding(target=None if target == "both" else target, stance=stance)
    if target == "both":
        candidate.target_country, candidate.target_official = country("US"), OfficialFactory()
    with pytest.raises(ValidationError, match=message):
        candidate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        candidate.save()


def test_one_coding_per_target_per_statement():
    """Two codings of one statement toward the same country are refused; toward another target, kept."""
    statement = StatementFactory()
    coding(statement, target="US", stance=-1, act=SpeechAct.CRITICISE).save()
    duplicate = coding(statement, target="US", stance=0, act=SpeechAct.COMMENT)
    with pytest.raises(ValidationError, match="already coded toward this country"):
        duplicate.full_clean()
    coding(statement, target=un(), stance=1, act=SpeechAct.PRAISE).full_clean()


@pytest.mark.parametrize(
    ("stance", "words"),
    [
        (-2, "Hostile (−2)"),
        (-1, "Critical (−1)"),
        (0, "Neutral (0)"),
        (2, "Strongly supportive (+2)"),
        (None, "No stance"),
    ],
)
def test_a_stance_reads_in_words(stance, words):
    """The scale is shown in words with its number; no stance reads as such, never as 0."""
    assert coding(stance=stance).stance_words == words


def test_codings_are_kept_in_history():
    """Each change to a coding is recorded with the values before it, so a re-coding can be traced."""
    first = coding(stance=-1, act=SpeechAct.CRITICISE)
    first.save()
    first.stance, first.act = -2, SpeechAct.THREATEN
    first.save()
    versions = list(first.history.order_by("history_id").values_list("stance", "act"))
    assert versions == [(-1, "criticise"), (-2, "threaten")]


# --- Typed links between statements --------------------------------------------------------------------------------


def dated(when: str, precision: str = "day", **fields) -> Statement:
    """A statement dated YYYY-MM-DD (stored on the first day of its month or year for those precisions)."""
    return StatementFactory(date=datetime.date.fromisoformat(when), date_precision=precision, **fields)


@pytest.mark.parametrize(
    ("linking", "linked", "kind", "message"),
    [
        (("2016-11-12", "day"), ("2016-11-11", "day"), LinkKind.RESPONDS_TO, ""),
        (("2016-12-01", "month"), ("2016-11-30", "day"), LinkKind.REITERATES, ""),
        (("2017-01-01", "year"), ("2016-01-01", "year"), LinkKind.CLARIFIES, ""),
        (("2016-11-11", "day"), ("2016-11-11", "day"), LinkKind.RESPONDS_TO, "links only to an earlier one"),
        (("2016-11-10", "day"), ("2016-11-11", "day"), LinkKind.CONTRADICTS, "links only to an earlier one"),
        # November 2016 is not known to be before 20 November 2016, nor the other way round.
        (("2016-11-20", "day"), ("2016-11-01", "month"), LinkKind.RESPONDS_TO, "links only to an earlier one"),
        (("2016-11-01", "month"), ("2016-11-05", "day"), LinkKind.RESPONDS_TO, "links only to an earlier one"),
    ],
)
def test_a_link_goes_to_an_earlier_statement(linking, linked, kind, message):
    """The linked statement must be known to be dated before the linking one: this also rules out every cycle."""
    link = StatementLink(statement=dated(*linking), linked=dated(*linked), kind=kind)
    if not message:
        link.full_clean()
        return
    with pytest.raises(ValidationError, match=message):
        link.full_clean()


def test_a_link_to_itself_or_a_duplicate_is_refused_with_a_message():
    """Self links and the same link twice are refused by the form's check and by the database."""
    earlier, later = dated("2016-11-10"), dated("2016-11-11")
    with pytest.raises(ValidationError, match="cannot be linked to itself"):
        StatementLink(statement=later, linked=later, kind=LinkKind.CLARIFIES).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementLink.objects.create(statement=later, linked=later, kind=LinkKind.CLARIFIES)
    StatementLink.objects.create(statement=later, linked=earlier, kind=LinkKind.RESPONDS_TO)
    with pytest.raises(ValidationError, match="already linked this way"):
        StatementLink(statement=later, linked=earlier, kind=LinkKind.RESPONDS_TO).full_clean()
    StatementLink(statement=later, linked=earlier, kind=LinkKind.CONTRADICTS).full_clean()  # another kind: fine


def test_corrects_is_for_the_speakers_own_words():
    """ "Corrects" links a speaker's own earlier statement; someone else's is contradicted, not corrected."""
    earlier = dated("2016-11-10")
    own = dated("2016-11-11", speaker=earlier.speaker)
    StatementLink(statement=own, linked=earlier, kind=LinkKind.CORRECTS).full_clean()
    with pytest.raises(ValidationError, match="speaker's own earlier words"):
        StatementLink(statement=dated("2016-11-11"), linked=earlier, kind=LinkKind.CORRECTS).full_clean()


def test_a_new_date_that_would_reverse_a_link_is_refused():
    """Re-dating a statement before the one it answers is refused on its date, naming the link."""
    earlier, later = dated("2016-11-10"), dated("2016-11-12")
    StatementLink.objects.create(statement=later, linked=earlier, kind=LinkKind.RESPONDS_TO)
    later.date = datetime.date(2016, 11, 9)
    with pytest.raises(ValidationError, match="it responds to the statement of 10 November 2016"):
        later.full_clean()
    earlier.date = datetime.date(2016, 11, 13)
    with pytest.raises(ValidationError, match="the statement of 12 November 2016 responds to it"):
        earlier.full_clean()


@pytest.mark.parametrize(
    ("kind", "on_earlier", "on_later"),
    [
        (LinkKind.RESPONDS_TO, "Answered by", "Responds to"),
        (LinkKind.REITERATES, "Reiterated on", "Reiterates"),
        (LinkKind.CLARIFIES, "Clarified by", "Clarifies"),
        (LinkKind.CONTRADICTS, "Contradicted by", "Contradicts"),
        (LinkKind.CORRECTS, "Corrected by", "Corrects"),
    ],
)
def test_permalinks_show_a_link_both_ways(client, kind, on_earlier, on_later):
    """The earlier permalink says who answered it; the later one says what it answers."""
    speaker = OfficialFactory(name="Maria Zakharova")
    earlier = dated("2016-11-10", speaker=speaker, text="The first words.")
    later = dated("2016-11-12", speaker=speaker, text="The words that follow.")
    StatementLink.objects.create(statement=later, linked=earlier, kind=kind)
    earlier_page = client.get(earlier.get_absolute_url()).content.decode()
    later_page = client.get(later.get_absolute_url()).content.decode()
    assert on_earlier in earlier_page and "The words that follow." in earlier_page
    assert on_later in later_page and "The first words." in later_page


@pytest.mark.parametrize("draft_end", ["linking", "linked"])
def test_a_link_never_shows_a_draft(client, draft_end):
    """A link to or from a draft is not shown: the public page names no draft."""
    earlier = dated("2016-11-10", text="Earlier words.", status="draft" if draft_end == "linked" else "published")
    later = dated("2016-11-12", text="Later words.", status="draft" if draft_end == "linking" else "published")
    StatementLink.objects.create(statement=later, linked=earlier, kind=LinkKind.RESPONDS_TO)
    shown = earlier if draft_end == "linking" else later
    html = client.get(shown.get_absolute_url()).content.decode()
    assert "Linked statements" not in html
    hidden = later if draft_end == "linking" else earlier
    assert hidden.text not in html


def test_the_permalink_shows_codings_in_words(client):
    """A reader sees the stance in words and the act; no stance reads as such, not as neutral."""
    statement = StatementFactory()
    coding(statement, target="US", stance=-1, act=SpeechAct.CRITICISE).save()
    coding(statement, target=un(), stance=None, act=SpeechAct.COMMENT).save()
    html = client.get(statement.get_absolute_url()).content.decode()
    assert 'Toward <a href="/countries/us/">United States</a>: Critical (−1); criticise or accuse' in html
    assert "Toward United Nations: No stance; comment" in html


def test_the_permalink_query_count_does_not_grow_with_codings_and_links(client):
    """Codings and links cost one query each, however many a statement has."""
    statement = dated("2016-11-12")
    counts = []
    for extra in (0, 4):
        for i in range(extra):
            coding(statement, target=["US", "SY", "GB", "FR"][i], stance=0, act=SpeechAct.COMMENT).save()
            StatementLink.objects.create(statement=statement, linked=dated(f"2016-11-0{i + 1}"), kind="responds_to")
            StatementLink.objects.create(statement=dated(f"2016-11-2{i}"), linked=statement, kind="reiterates")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(statement.get_absolute_url()).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- The admin: codings and links inline, roles, the bulk action ---------------------------------------------------


@pytest.fixture
def analyst(client):
    client.force_login(user_with_role("Analyst"))
    return client


@pytest.fixture
def editor(client):
    client.force_login(user_with_role("Editor"))
    return client


def post_inlines(client, statement, *, codings=(), links=()):
    """Save the statement's change form unchanged, adding these codings (target, stance, act) and links."""
    url = admin_url(Statement, "change", statement.pk)
    data = change_form_data(client.get(url))
    for prefix, rows in (("codings", codings), ("links", links)):
        start = int(data[f"{prefix}-TOTAL_FORMS"])
        data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
        for i, row in enumerate(rows, start):
            names = ["target_country", "stance", "act"] if prefix == "codings" else ["kind", "linked"]
            data.update(
                {
                    f"{prefix}-{i}-{name}": "" if value is None else str(value)
                    for name, value in zip(names, row, strict=True)
                }
            )
    return client.post(url, data)


def test_groups_may_code(db):
    """Migrations 0024 and 0025 give Analysts and Editors every permission on codings and links."""
    for role in ("Analyst", "Editor"):
        codenames = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        for model in ("coding", "statementlink"):
            assert {f"{action}_{model}" for action in ("view", "add", "change", "delete")} <= codenames


def test_an_analyst_codes_a_draft_and_is_recorded_as_its_coder(analyst):
    """Coding is part of review: an Analyst codes a draft inline; who and when are recorded."""
    draft = StatementFactory(status="draft")
    response = post_inlines(analyst, draft, codings=[(country("US").pk, -1, "criticise")])
    assert response.status_code == 302, response.context and response.context["errors"]
    saved = Coding.objects.get(statement=draft)
    assert (saved.target_country.code, saved.stance, saved.act) == ("US", -1, "criticise")
    assert saved.coded_by.username == "analyst" and saved.coded_at is not None
    assert saved.history.get().history_user.username == "analyst"


@pytest.mark.parametrize(
    ("codings", "links", "message"),
    [
        ([("US", 1, "threaten")], [], "cannot be supportive of its target"),
        ([("US", -2, "praise")], [], "Praise or agreement cannot be hostile or critical"),
        ([("US", 0, "decline")], [], "Declining to comment takes no stance"),
        ([(None, 0, "comment")], [], "A coding has one target"),
        ([], [("responds_to", "later")], "links only to an earlier one"),
        ([], [("responds_to", "self")], "cannot be linked to itself"),
        ([], [("responds_to", "earlier"), ("responds_to", "earlier")], "Please correct the duplicate data"),
    ],
)
def test_the_admin_refuses_bad_codings_and_links_with_a_message(analyst, codings, links, message):
    """A contradiction, a missing target or a link out of order is a message on the form, and nothing is saved."""
    draft = dated("2016-11-11", status="draft")
    others = {"earlier": dated("2016-11-10"), "later": dated("2016-11-12"), "self": draft}
    response = post_inlines(
        analyst,
        draft,
        codings=[(country(code).pk if code else None, stance, act) for code, stance, act in codings],
        links=[(kind, others[which].pk) for kind, which in links],
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Coding.objects.exists() and not StatementLink.objects.exists()


def test_codings_and_links_of_a_published_statement_are_the_editors(analyst, client):
    """An Analyst sees them read-only (a POST is refused); an Editor changes them."""
    published = dated("2016-11-11")
    coding(published, target="US", stance=0, act="comment").save()
    page = analyst.get(admin_url(Statement, "change", published.pk))
    inlines = {inline.formset.prefix: inline for inline in page.context["inline_admin_formsets"]}
    assert not inlines["codings"].has_add_permission and not inlines["codings"].has_change_permission
    assert not inlines["links"].has_add_permission
    client.force_login(user_with_role("Editor"))
    response = post_inlines(client, published, codings=[(country("SY").pk, -1, "criticise")])
    assert response.status_code == 302
    assert Coding.objects.filter(statement=published).count() == 2


def test_the_statement_form_leads_to_its_inlines_and_names_their_boxes(analyst):
    """A keyboard user jumps from the top of the form to the codings or the links; a screen reader names each box
    of the new coding row after its column (the browser test codes from the keyboard: tests/test_browser_coding.py)."""
    page = analyst.get(admin_url(Statement, "change", StatementFactory(status="draft").pk)).content.decode()
    assert (
        'Go to:\n  <a href="#codings-group">Codings</a> · <a href="#links-group">Links to earlier statements</a> · '
        '<a href="#other_reports-group">Other reports</a>' in page
    )
    for name, label in [
        ("target_country", "Target country"),
        ("target_official", "Target official or institution"),
        ("stance", "Stance"),
        ("act", "Speech act"),
    ]:
        assert re.search(rf'<select [^>]*aria-label="{label}"[^>]*id="id_codings-0-{name}"', page), name


def test_an_analyst_cannot_post_codings_to_a_published_statement(analyst, client):
    """A hand-made POST of a coding to a published statement is refused and changes nothing."""
    published = StatementFactory()
    client.force_login(user_with_role("Editor", "editor"))
    data = change_form_data(client.get(admin_url(Statement, "change", published.pk)))
    data.update(
        {"codings-TOTAL_FORMS": "1", "codings-0-target_country": str(country("US").pk), "codings-0-act": "comment"}
    )
    client.force_login(user_with_role("Analyst", "analyst2"))
    assert client.post(admin_url(Statement, "change", published.pk), data).status_code == 403
    assert not Coding.objects.exists()


def set_target(client, statements, **target):
    data = {"action": "set_target_selected", "_selected_action": [s.pk for s in statements], "confirm": "yes"}
    data.update({name: value.pk for name, value in target.items()})
    return client.post(admin_url(Statement, "changelist"), data, follow=True)


def test_the_bulk_action_sets_a_target_with_no_stance_on_drafts(analyst):
    """Each selected draft gets a coding toward the target with no stance (not neutral); one already coded is kept."""
    drafts = [StatementFactory(status="draft") for _ in range(3)]
    coding(drafts[0], target="US", stance=-1, act="criticise").save()
    asked = analyst.post(
        admin_url(Statement, "changelist"),
        {"action": "set_target_selected", "_selected_action": [d.pk for d in drafts]},
    )
    assert "Set the target" in asked.content.decode()  # the question first
    assert Coding.objects.count() == 1
    response = set_target(analyst, drafts, country=country("US"))
    assert "Set the target on 2 drafts." in response.content.decode()
    rows = sorted(Coding.objects.values_list("statement", "stance", "act"))
    assert rows == [(drafts[0].pk, -1, "criticise"), (drafts[1].pk, None, ""), (drafts[2].pk, None, "")]
    set_target(analyst, drafts[:1], official=un())
    assert Coding.objects.filter(target_official__name="United Nations").count() == 1


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ({}, "Choose one target"),
        ({"country": "US", "official": "un"}, "Choose one target"),
        ({"country": "US", "published": True}, "No target was set: only drafts are coded in bulk"),
    ],
)
def test_the_bulk_action_refuses_without_one_target_or_with_a_public_statement(analyst, target, message):
    """No target, two targets or a public statement in the selection: a message, and no coding at all."""
    statements = [StatementFactory(status="draft")]
    if target.pop("published", False):
        statements.append(StatementFactory())
    chosen = {}
    if "country" in target:
        chosen["country"] = country(target["country"])
    if "official" in target:
        chosen["official"] = un()
    response = set_target(analyst, statements, **chosen)
    assert message in response.content.decode()
    assert not Coding.objects.exists()
