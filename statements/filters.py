"""The one StatementFilter: the timeline, the CSV export, the API and the feeds all narrow statements through it.

Usage: `StatementFilter(request.GET, queryset=Statement.objects.published())`; check `.is_valid()` (or `.errors`)
and read `.qs`, which is already in the requested order. An invalid filter never silently returns everything:
`.qs` is empty when the form has errors (django-filter's "strict" behaviour, made explicit here).
"""

import calendar
import datetime
import re
from typing import NamedTuple

import django_filters
import pycountry
from django import forms
from django.core.exceptions import ValidationError

from .models import Country, Kind, Official, Outlet, Statement, Topic
from .search import parse_query

Q_MAX_LENGTH = 200
PARTIAL_DATE_RE = re.compile(r"^(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{1,2})(?:-(?P<day>[0-9]{1,2}))?)?$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")


class Sort:
    NEWEST = "newest"
    OLDEST = "oldest"
    RELEVANCE = "relevance"
    choices = [(NEWEST, "Newest first"), (OLDEST, "Oldest first"), (RELEVANCE, "Most relevant first")]


class DateSpan(NamedTuple):
    """A date typed as YYYY, YYYY-MM or YYYY-MM-DD: the first and last day it covers."""

    first: datetime.date
    last: datetime.date
    text: str


def parse_partial_date(value: str) -> DateSpan:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD into the span of days it covers; ValueError if it is not a real date."""
    match = PARTIAL_DATE_RE.match(value.strip())
    if not match:
        raise ValueError(value)
    year = int(match["year"])
    if year < 1:
        raise ValueError(value)
    if match["month"] is None:
        return DateSpan(datetime.date(year, 1, 1), datetime.date(year, 12, 31), value)
    month = int(match["month"])
    if match["day"] is None:
        if not 1 <= month <= 12:
            raise ValueError(value)
        last_day = calendar.monthrange(year, month)[1]
        return DateSpan(datetime.date(year, month, 1), datetime.date(year, month, last_day), value)
    day = datetime.date(year, month, int(match["day"]))  # raises ValueError for 2016-02-30
    return DateSpan(day, day, value)


class PartialDateField(forms.CharField):
    """A form field for YYYY, YYYY-MM or YYYY-MM-DD; cleans to a DateSpan."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_partial_date(value)
        except ValueError:
            raise ValidationError(
                "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD (for example 2016, 2016-11 or 2016-11-11).",
                code="invalid",
            ) from None


class LanguageField(forms.CharField):
    """An ISO 639 language code (en, ru); cleans to lower case and rejects codes that are not languages."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 3)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        code = value.strip().lower()
        known = LANGUAGE_RE.match(code) and (
            pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
        )
        if not known:
            # The value as a parameter, not formatted in: the API's error translation applies `message % params`,
            # so a "%" typed in the value would otherwise be a server error.
            raise ValidationError(
                "“%(value)s” is not an ISO 639 language code such as en or ru.", code="invalid", params={"value": value}
            )
        return code


class SlugListField(django_filters.fields.ModelMultipleChoiceField):
    """Repeatable slugs or codes; blank values (an unchosen <select>) are ignored, unknown ones are errors."""

    upper_case = False
    max_values = 50

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = [v.strip() for v in value if isinstance(v, str) and v.strip()]
            if self.upper_case:
                value = [v.upper() for v in value]
            if len(value) > self.max_values:
                raise ValidationError(f"Choose at most {self.max_values} values.", code="too_many")
            if any("\x00" in v for v in value):  # PostgreSQL cannot even compare a string holding NUL
                raise ValidationError("Null characters are not allowed.", code="null_characters_not_allowed")
        return super().clean(value)


class CodeListField(SlugListField):
    """ISO country codes are accepted in any case (ru, RU)."""

    upper_case = True


class SlugListFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = SlugListField


class CountryCodeFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = CodeListField


class PartialDateFilter(django_filters.Filter):
    field_class = PartialDateField


class LanguageFilter(django_filters.Filter):
    field_class = LanguageField


class StatementFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from.first > date_to.last:
            self.add_error("date_to", "The end date is before the start date.")
        q = cleaned.get("q")
        if q and not parse_query(q):
            self.add_error("q", "Enter at least one word to search for (a word on its own, not only -exclusions).")
        if cleaned.get("sort") == Sort.RELEVANCE and not q and "sort" not in self.errors:
            self.add_error("sort", "Relevance ordering needs words to search for.")
        return cleaned


def unknown(what: str) -> dict[str, str]:
    """Error messages for a repeatable slug/code parameter naming the value that matched nothing."""
    return {"invalid_choice": f"There is no {what} “%(value)s”.", "invalid_pk_value": f"“%(pk)s” is not a {what}."}


class StatementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Words",
        method="keep",
        max_length=Q_MAX_LENGTH,
        help_text='All words must appear in the text, original text, speaker\'s name or source title; "a phrase",'
        " -exclude and OR work as in a web search.",
    )
    speaker = SlugListFilter(
        label="Official",
        queryset=Official.objects.all(),
        to_field_name="slug",
        method="filter_speaker",
        error_messages=unknown("official with the slug"),
    )
    speaker_country = CountryCodeFilter(
        label="Speaker's country",
        queryset=Country.objects.all(),
        to_field_name="code",
        method="filter_speaker_country",
        error_messages=unknown("country with the ISO code"),
    )
    country = CountryCodeFilter(
        label="Country concerned",
        queryset=Country.objects.all(),
        to_field_name="code",
        method="keep",
        error_messages=unknown("country with the ISO code"),
    )
    topic = SlugListFilter(
        label="Topic",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        method="keep",
        error_messages=unknown("topic with the slug"),
    )
    date_from = PartialDateFilter(
        label="Date from",
        method="filter_date_from",
        help_text="YYYY, YYYY-MM or YYYY-MM-DD; inclusive.",
    )
    date_to = PartialDateFilter(
        label="Date to",
        method="filter_date_to",
        help_text="YYYY, YYYY-MM or YYYY-MM-DD; inclusive.",
    )
    kind = django_filters.ChoiceFilter(label="Kind", choices=Kind.choices, empty_label="Any kind")
    outlet = SlugListFilter(
        label="Outlet",
        queryset=Outlet.objects.all(),
        to_field_name="slug",
        method="filter_outlet",
        error_messages=unknown("outlet with the slug"),
    )
    language = LanguageFilter(
        label="Language",
        method="filter_language",
        help_text="Said in, or reported in, this language (ISO 639 code, e.g. ru).",
    )
    sort = django_filters.ChoiceFilter(label="Order", choices=Sort.choices, empty_label=None, method="keep")

    class Meta:
        model = Statement
        fields: list[str] = []
        form = StatementFilterForm

    @property
    def qs(self):
        """The filtered statements in the requested order; none at all when the filter is invalid."""
        if not hasattr(self, "_qs"):
            if self.is_bound and not self.is_valid():
                self._qs = self.queryset.none()
            else:
                self._qs = super().qs
        return self._qs

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort, q = self.form.cleaned_data.get("sort"), self.form.cleaned_data.get("q")
        if q:  # here rather than in a filter method: relevance order needs the other query shape (search())
            queryset = queryset.search(q, by_date=sort != Sort.RELEVANCE)
        links = {}
        if topics := self.form.cleaned_data.get("topic"):
            links["topics"] = Topic.subtree_ids(topics)
        if countries := self.form.cleaned_data.get("country"):
            links["countries"] = [c.pk for c in countries]
        if links:
            queryset = queryset.linked_to(**links)
        if sort == Sort.OLDEST:
            return queryset.oldest_first()
        if sort == Sort.RELEVANCE and q:
            return queryset.with_search_rank(q).order_by("-search_rank", "-date", "-id")
        return queryset.newest_first()

    def keep(self, queryset, name, value):
        """`q`, `topic`, `country` and `sort` are applied in filter_queryset: their query shape depends on the order."""
        return queryset

    def filter_speaker(self, queryset, name, value):
        if not value:  # `?speaker=` with nothing chosen
            return queryset
        return queryset.filter(speaker__in=[o.pk for o in value])

    def filter_speaker_country(self, queryset, name, value):
        if not value:  # `?speaker_country=` with nothing chosen
            return queryset
        return queryset.filter(speaker__country__in=[c.pk for c in value])

    def filter_date_from(self, queryset, name, value: DateSpan):
        return queryset.filter(date__gte=value.first)

    def filter_date_to(self, queryset, name, value: DateSpan):
        return queryset.filter(date__lte=value.last)

    def filter_outlet(self, queryset, name, value):
        if not value:  # `?outlet=` with nothing chosen
            return queryset
        return queryset.from_outlets([o.pk for o in value])

    def filter_language(self, queryset, name, value):
        # Codes are stored in lower case (models.language_code), as LanguageField cleans `value`.
        return queryset.in_language(value)
