"""The codebook's closed lists and its consistency rules, declared once (docs/codebook.md).

Each rule is a named CheckConstraint on Coding (so the database refuses a contradiction whoever writes it) and is
validated by Coding.full_clean() (the admin, an import) with the rule's message; `refusals()` reads the same table
for anything that checks a stance and an act before it has a Coding.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q


class Stance(models.IntegerChoices):
    """The stance toward the target on a five-point scale. No stance (null) is not 0: it is never counted as 0."""

    HOSTILE = -2, "Hostile"
    CRITICAL = -1, "Critical"
    NEUTRAL = 0, "Neutral"
    SUPPORTIVE = 1, "Supportive"
    STRONGLY_SUPPORTIVE = 2, "Strongly supportive"


NO_STANCE = "No stance"


def stance_words(stance: int | None) -> str:
    """A stance as a reader reads it: "Critical (−1)", or "No stance"."""
    if stance is None:
        return NO_STANCE
    sign = "+" if stance > 0 else "−" if stance < 0 else ""
    return f"{Stance(stance).label} ({sign}{abs(stance)})"


class SpeechAct(models.TextChoices):
    """What the statement does toward the target: a short closed list, crosswalked to PLOVER and CAMEO in the
    codebook."""

    PRAISE = "praise", "Praise"
    AGREE = "agree", "Agree or cooperate"
    CONSULT = "consult", "Consult or meet"
    OFFER = "offer", "Offer or propose"
    APPEAL = "appeal", "Appeal or request"
    COMMENT = "comment", "Comment"
    DECLINE = "decline", "Decline to comment"
    CONCERN = "concern", "Express concern"
    CRITICISE = "criticise", "Criticise or accuse"
    DENY = "deny", "Deny"
    DEMAND = "demand", "Demand"
    REJECT = "reject", "Reject"
    WARN = "warn", "Warn (predicting harm)"
    THREATEN = "threaten", "Threaten (a conditional act by the speaker's side)"


NEGATIVE = (Stance.HOSTILE, Stance.CRITICAL)
POSITIVE = (Stance.SUPPORTIVE, Stance.STRONGLY_SUPPORTIVE)


@dataclass(frozen=True)
class Rule:
    """A contradiction the codebook refuses: one of `acts` coded with one of the `refused` stances."""

    name: str
    acts: tuple[SpeechAct, ...]
    refused: tuple[Stance, ...]
    message: str

    def refuses(self, act: str, stance: int | None) -> bool:
        return act in self.acts and stance is not None and stance in self.refused

    def constraint(self, name: str = "") -> models.CheckConstraint:
        """The rule as a check constraint, named after it (or `name`, for another model's fields of the same names)."""
        allowed = (
            Q(stance__isnull=True)
            | ~Q(act__in=[a.value for a in self.acts])
            | ~Q(stance__in=[s.value for s in self.refused])
        )
        return models.CheckConstraint(condition=allowed, name=name or self.name, violation_error_message=self.message)


RULES = [
    Rule(
        "coding_praise_or_agreement_not_negative",
        (SpeechAct.PRAISE, SpeechAct.AGREE),
        NEGATIVE,
        "Praise or agreement cannot be hostile or critical: code the stance neutral or supportive, or choose "
        "another speech act.",
    ),
    Rule(
        "coding_accusation_or_threat_not_supportive",
        (SpeechAct.CRITICISE, SpeechAct.THREATEN, SpeechAct.REJECT),
        POSITIVE,
        "Criticism, a threat or a rejection cannot be supportive of its target: code the stance neutral or below, "
        "or choose another speech act.",
    ),
    Rule(
        "coding_declining_takes_no_stance",
        (SpeechAct.DECLINE,),
        tuple(Stance),
        "Declining to comment takes no stance: leave the stance empty (“No stance”).",
    ),
]


def refusals(act: str, stance: int | None) -> list[str]:
    """The messages of every rule an act and a stance break together (none: they are consistent)."""
    return [rule.message for rule in RULES if rule.refuses(act, stance)]
