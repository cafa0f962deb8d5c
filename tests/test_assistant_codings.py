"""The article assistant's proposed codings: a speech act from the cue table, a target from the names in the quote,
confirmed by the analyst before anything is coded (docs/codebook.md#proposals-from-the-article-assistant).

The tables run on the seed article's own sentences (statements/fixtures/tass-2016-11-11-peskov-cnn.txt, the copy of
the shared seed); where a cue other than "said" is needed, a seed quote keeps its words and changes its verb."""

import datetime
import io

import pytest
from django.core.management import call_command

from statements.extraction import extract
from statements.extraction.attribution import CUE, SPEECH_CUE
from statements.extraction.cues import CUE_WORDS, CUES, SPEECH_WORDS
from statements.extraction.db import known_countries, known_officials
from statements.models import Coding, Country, Official, Statement
from statements.positions.codebook import SpeechAct, Stance, refusals
from statements.positions.proposals import only_stance, propose_codings
from statements.sample_data.demo import SEED_ARTICLE
from tests.admin_helpers import user_with_role
from tests.factories import country
from tests.test_extraction_admin import URL, article_data, rows_of, save_data

pytestmark = pytest.mark.django_db

SEED_TEXT = SEED_ARTICLE.read_text(encoding="utf-8")
SEED_DATE = datetime.date(2016, 11, 11)
LOUSY = "What we have currently is a very lousy relationship, let’s say the minimum possible level of our relationship"
NEUTRAL = "President Putin did his best in order to stay neutral in this story"


# --- One cue table ------------------------------------------------------------------------------------------


def test_the_extractors_cues_are_the_tables():
    """Every word the table says attributes a quote is one the extractor's CUE matches, and only those: the words
    that only mark an act ("denied") are not cues, so adding one changes no extraction; SPEECH_CUE is the table's
    reporting verbs. No word has two rows, and every act is one of the codebook's."""
    marks = [word for cue in CUES for word in cue.marks]
    assert all(CUE.fullmatch(word) for word in CUE_WORDS)
    assert not [word for word in marks if CUE.fullmatch(word)]
    assert {word for word in CUE_WORDS if SPEECH_CUE.fullmatch(word)} == set(SPEECH_WORDS)
    words = [word for cue in CUES for word in cue.words]
    assert len(words) == len(set(words))
    assert {cue.act for cue in CUES} - {""} <= set(SpeechAct.values)


@pytest.mark.parametrize(
    "sentence, act",
    [
        (f"“{LOUSY},” Peskov said.", "comment"),
        (f"“{LOUSY},” Peskov told CNN.", "comment"),
        (f"“{LOUSY},” Peskov warned.", "warn"),
        (f"Peskov denied the claims, saying: “{NEUTRAL}.”", "deny"),
        (f"Peskov declined to comment, saying only: “{NEUTRAL}.”", "decline"),
        (f"Peskov praised the Syrian army, telling CNN: “{LOUSY}.”", "praise"),
        (f"Peskov accused Washington of double standards, saying: “{LOUSY}.”", "criticise"),
        (f"Peskov rejected the report, telling CNN: “{NEUTRAL}.”", "reject"),
        (f"Peskov called on Washington to act, saying: “{LOUSY}.”", "appeal"),
        (f"“{LOUSY},” Peskov said, adding that Washington had threatened new sanctions.", "comment"),
        ("Peskov said that Washington had threatened Moscow with new sanctions.", "comment"),
        (f"Asked whether Washington had threatened Moscow, Peskov said: “{LOUSY}.”", "comment"),
        (f"“{LOUSY},” Peskov asked.", ""),
    ],
)
def test_the_speech_act_comes_from_the_writers_words_not_the_quote(sentence, act):
    """The act is read from the attribution: the speaker and their verb's clause, not the quoted or reported words,
    an introductory clause or what is added after a comma."""
    (proposal,) = extract(sentence, published=SEED_DATE).proposals
    assert proposal.act == act


@pytest.mark.parametrize("act", sorted({cue.act for cue in CUES} - {""}))
def test_no_proposal_breaks_the_codebook(act):
    """The stance proposed with each act (none, or the only one the rules allow) is one the rules accept."""
    given, stance = only_stance(act)
    assert not refusals(act, stance)
    assert given == (act == SpeechAct.DECLINE)


# --- Targets from the names in the quote --------------------------------------------------------------------


@pytest.fixture
def demo():
    """The demo's officials and country aliases (Moscow, Washington, American…), without its statements."""
    call_command("load_demo", stdout=io.StringIO())
    Statement.objects.all().delete()


SEED_PROPOSALS = [
    # (the proposal's opening words, the target proposed, the speech act): Peskov speaks for Russia.
    ("both Putin and Trump", "Donald Trump", "comment"),
    ("No one expects Russian-US", "Donald Trump", "comment"),  # "Russian-US" names neither; Trump is named
    ("No one expects that relationship", "United States", "comment"),  # Moscow first, but his own side
    ("Actually, they seem", "Donald Trump", "comment"),  # "Mr Trump" before "America's"
    ("At the same time", None, "comment"),  # "they both": nobody named
    # "US election": "US" is no alias of the United States in the demo data, so only his own side is named
    ("Russian President Vladimir Putin", "Russia", "comment"),
    ("I would like to remind you", "United States", "comment"),  # "American election campaign"
    ("Nonetheless, he never", "United States", "comment"),
    ("What we have currently", None, "comment"),
    ("Russia will continue working", "United States", "comment"),
    ("Syria is a burning issue", "Syria", "comment"),  # named first; the analyst codes the US and Obama instead
    ("What we expect on Syria", "Syria", "comment"),
    ("What we have to do now", "Syria", "comment"),  # the Aleppo paragraph: "Russian Air Forces", "Syrian army"
]


def test_seed_proposals_target_the_first_named_beyond_the_speakers_side(demo):
    """Each seed proposal's target is the first country or official it names that is not on Peskov's side (Russia,
    its officials), and its act the cue's; the other names are offered beside it."""
    extraction = extract(
        SEED_TEXT, published=SEED_DATE, officials=known_officials(), countries=known_countries(), topics=()
    )
    names = {("c", pk): name for pk, name in Country.objects.values_list("pk", "name")}
    names |= {("o", pk): name for pk, name in Official.objects.values_list("pk", "name")}
    got = []
    for proposal, coding in zip(extraction.proposals, propose_codings(extraction), strict=True):
        target = names[("c", coding.country_id)] if coding.country_id else None
        target = names[("o", coding.official_id)] if coding.official_id else target
        opening = next(words for words, _, _ in SEED_PROPOSALS if proposal.text.startswith(words))
        got.append((opening, target, coding.act))
    assert got == SEED_PROPOSALS


@pytest.mark.parametrize(
    "text, target",
    [
        ("“Moscow will not accept such terms, and nobody in Russia would,” Peskov said.", "Russia"),
        ("“President Putin has made his position clear to everyone,” Peskov said.", "Vladimir Putin"),
        ("“We are ready to talk to Mr Obama about Syria at any time,” Peskov said.", "Barack Obama"),
        ("“We are ready to talk to Syria and to Mr Obama at any time,” Peskov said.", "Syria"),
    ],
)
def test_the_speakers_own_side_is_a_target_only_when_nothing_else_is_named(demo, text, target):
    (coding,) = propose_codings(
        extract(text, published=SEED_DATE, officials=known_officials(), countries=known_countries())
    )
    chosen = (
        Country.objects.get(pk=coding.country_id) if coding.country_id else Official.objects.get(pk=coding.official_id)
    )
    assert chosen.name == target


# --- On the page: preselected, saved only when confirmed ----------------------------------------------------


@pytest.fixture
def analyst(client, demo):
    user = user_with_role("Analyst")
    client.force_login(user)
    return user


def row_for(response, opening: str) -> int:
    return next(row.number - 1 for row in rows_of(response) if row.proposal.text.startswith(opening))


def test_the_proposal_is_preselected_and_nothing_is_coded_unless_confirmed(client, analyst):
    """The row shows the target and act proposed, "Code it" unticked; saving without ticking it codes nothing."""
    response = client.post(URL, article_data())
    index = row_for(response, "Russia will continue working")
    form = rows_of(response)[index].form
    assert (form["code"].value(), form["target_country"].value(), form["act"].value()) == (
        False,
        country("US").pk,
        "comment",
    )
    assert form["stance"].value() == ""  # the stance is the analyst's to choose
    assert "Also named: Russia, Syria, Donald Trump." in rows_of(response)[index].coding_note
    response = client.post(URL, save_data(response, rows={index: {"include": True}}))
    assert response.status_code == 302
    assert Statement.objects.filter(text__startswith="Russia will continue working").exists()
    assert not Coding.objects.exists()


def test_a_confirmed_coding_is_saved_with_the_statement(client, analyst):
    """Ticked, with a stance chosen and the act changed, the coding is the analyst's: who coded it and when, in its
    history with the assistant's reason."""
    response = client.post(URL, article_data())
    index = row_for(response, "Russia will continue working")
    edits = {"include": True, "code": True, "stance": "1", "act": SpeechAct.AGREE}
    response = client.post(URL, save_data(response, rows={index: edits}))
    assert response.status_code == 302
    coding = Coding.objects.get()
    assert coding.statement.text.startswith("Russia will continue working")
    assert (coding.target_country, coding.stance, coding.act, coding.coded_by) == (
        country("US"),
        Stance.SUPPORTIVE,
        SpeechAct.AGREE,
        analyst,
    )
    assert coding.coded_at is not None
    assert coding.history.get().history_change_reason == "Made from an article with the article assistant."


@pytest.mark.parametrize(
    "edits, message",
    [
        ({}, "Choose a stance (or “No stance”), or untick “Code it”."),
        ({"stance": "-2", "act": SpeechAct.PRAISE}, "Praise or agreement cannot be hostile or critical"),
        ({"stance": "0", "act": SpeechAct.DECLINE}, "Declining to comment takes no stance"),
        ({"stance": "none", "target_country": ""}, "Choose the coding’s target, or untick “Code it”."),
        ({"stance": "none", "target_official": "__obama__"}, "A coding has one target"),
        ({"stance": "none", "act": ""}, "Choose a speech act, or untick “Code it”."),
        ({"stance": "5"}, "Select a valid choice."),
        ({"stance": "none", "target_country": "999999"}, "Select a valid choice."),
    ],
)
def test_a_bad_coding_is_a_message_on_its_row_and_writes_nothing(client, analyst, edits, message):
    response = client.post(URL, article_data())
    index = row_for(response, "Russia will continue working")
    if edits.get("target_official") == "__obama__":
        edits = {**edits, "target_official": Official.objects.get(name="Barack Obama").pk}
    before = Statement.objects.count()
    response = client.post(URL, save_data(response, rows={index: {"include": True, "code": True, **edits}}))
    assert response.status_code == 200
    assert message in str(rows_of(response)[index].form.errors)
    assert (Statement.objects.count(), Coding.objects.count()) == (before, 0)
