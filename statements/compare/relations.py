"""Relations between two countries (docs/compare.md#relations-between-two-countries): both directions over time, the
latest statements each way and the speech acts most used, on one page per pair.

A direction is what one country's side said toward the other: published statements whose speaker spoke for the
first country on the statement's date (`StatementQuerySet.with_speaking_country`, the rule of Official.side_on) and
that are coded toward the second. They are counted per period as the compare page counts a series (series.count).
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import QueryDict

from ..dates import DateSpan
from ..models import Coding, Country, Official, OfficialKind, Position, Statement
from ..positions.codebook import SpeechAct
from ..timeline.page import prepare_for_list
from . import rollup
from .series import stances, volume

LATEST = 5
TOP_ACTS = 5


def pair_slug(a: Country, b: Country) -> str:
    """The pair's canonical slug: the two codes in lower case, alphabetical ("ru-us")."""
    first, second = sorted([a.code.lower(), b.code.lower()])
    return f"{first}-{second}"


@dataclass
class Direction:
    """One country's side toward the other: the statements, their codings toward it, links to the timeline."""

    number: int
    speaker: Country
    target: Country

    @property
    def label(self) -> str:
        return f"{self.speaker.name} → {self.target.name}"

    @property
    def in_words(self) -> str:
        return f"Statements by {self.speaker.name}'s side toward {self.target.name}"

    @property
    def names_target(self) -> bool:
        return True

    @property
    def coding_conditions(self) -> dict:
        return {"countries": [self.target.pk]}

    @property
    def statements(self):
        return (
            Statement.objects.published()
            .with_speaking_country()
            .filter(speaking_country_id=self.speaker.pk)
            .coded(countries=[self.target.pk], shape="probed")
        )

    def _speakers(self):
        """(the officials who speak for the first country on every date, the statements of those whose side
        depends on the date, or None when there are none). Most speakers speak for one side on every date: an
        institution for its country, a person who never held a post for another country or an institution, for
        theirs; the others (a post abroad, at the UN) are few, and only their statements need the side of
        their date. Their ids are read first (one small query), so that none means no query of statements at all."""
        if not hasattr(self, "_moving"):
            abroad = Q(country__isnull=False) & (~Q(country=F("official__country")) | Q(official__country__isnull=True))
            posts = Position.objects.filter(abroad | Q(speaks_for__isnull=False))
            self._moving = list(posts.filter(official__kind=OfficialKind.PERSON).values_list("official", flat=True))
        fixed = Official.objects.filter(country=self.speaker).exclude(pk__in=self._moving).values("pk")
        others = self.statements.filter(speaker__in=set(self._moving)) if self._moving else None
        return fixed, others

    def counted(self, *, exact: bool = False) -> tuple[Counter, dict]:
        """Statements and codings per (year, month, precision) this way: the fixed speakers' summed from the rollup
        (one query), the others' counted with the side of their date (two grouped queries over their statements
        only). `exact`: all counted one by one."""
        if exact:
            return volume(self.statements), stances(self.statements, self.coding_conditions)
        fixed, others = self._speakers()
        summed, coded = rollup.sum_rows(Q(speaker_id__in=fixed, target_country_id=self.target.pk))
        if others is None:
            return summed, coded
        summed.update(volume(others))
        for key, (n, total) in stances(others, self.coding_conditions).items():
            before = coded.get(key, (0, 0))
            coded[key] = (before[0] + n, before[1] + total)
        return summed, coded

    @property
    def query(self) -> str:
        """The nearest filter of the timeline: its speaker's country is the official's country, not the side on
        the date (a statement by someone in a post abroad is here under the post's country, there under their own)."""
        return f"speaker_country={self.speaker.code.lower()}&target={self.target.code.lower()}"

    def period_query(self, first: DateSpan, last: DateSpan) -> str:
        params = QueryDict(self.query, mutable=True)
        params["date_from"], params["date_to"] = first.iso, last.iso
        return params.urlencode()

    def latest(self) -> list[Statement]:
        """The latest published statements this way, newest first, as lists show them: the fixed speakers' latest
        and the others' (their side checked), merged."""
        fixed, others = self._speakers()
        coded = Statement.objects.published().coded(countries=[self.target.pk], shape="probed")
        newest = ("-date", "-id")
        found = list(coded.filter(speaker__in=fixed).order_by(*newest).values_list("date", "pk")[:LATEST])
        if others is not None:
            found += list(others.order_by(*newest).values_list("date", "pk")[:LATEST])
        ids = [pk for _, pk in sorted(found, reverse=True)[:LATEST]]
        rows = Statement.objects.filter(pk__in=ids).for_lists().with_role().in_bulk()
        shown = [rows[pk] for pk in ids if pk in rows]
        prepare_for_list(shown)
        return shown

    def acts(self) -> list[tuple[str, int]]:
        """The speech acts most used this way, with how many codings: (the act in words, count), most first; the
        fixed speakers' from the rollup, the others' from their codings."""
        fixed, others = self._speakers()
        counts = rollup.acts(Q(speaker_id__in=fixed, target_country_id=self.target.pk))
        if others is not None:
            counted = Coding.objects.filter(statement__in=others.order_by().values("pk"), target_country=self.target)
            counts.update(dict(counted.exclude(act="").values("act").annotate(n=Count("pk")).values_list("act", "n")))
        ranked = sorted(((-n, act) for act, n in counts.items() if n > 0))[:TOP_ACTS]
        return [(SpeechAct(act).label, -n) for n, act in ranked]


def partners(country: Country) -> list[Country]:
    """The countries with coded published statements between them and `country`, either way (by the speakers'
    own countries: a list of links), in name order. One query, on the compare rollup rather than the codings: a
    country page must not group every coding of a million statements to list its links (docs/compare.md). Each
    test is a seek in the rollup's (target country, speaker) index: per official, and per country.

    On PostgreSQL the rows this transaction added and has not committed are read too (rollup.tables()); a pair whose
    last coding this same transaction removed stays listed until it commits."""
    officials = Official.objects.filter(country=country).values("pk")
    linked = Q()
    for rows in rollup.tables():
        coded = rows.filter(statements__gt=0)
        spoken_to = coded.filter(target_country_id=OuterRef("pk"), speaker_id__in=officials)
        heard_from = Official.objects.filter(
            Exists(coded.filter(target_country_id=country.pk, speaker_id=OuterRef("pk")))
        ).values("country_id")
        linked |= Q(Exists(spoken_to)) | Q(pk__in=heard_from)
    return list(Country.objects.filter(linked).exclude(pk=country.pk).order_by("name"))
