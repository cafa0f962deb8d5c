"""The one StatementFilter: the timeline, the CSV export, the API and the feeds all narrow statements through it.

Usage: `StatementFilter(request.GET, queryset=Statement.objects.published())`; check `.is_valid()` (or `.errors`)
and read `.qs`, which is already in the requested order. An invalid filter never silently returns everything:
`.qs` is empty when the form has errors (django-filter's "strict" behaviour, made explicit here).

It is also the registry of public filters. Each declaration carries a `Public` saying what every surface needs of
it: the form control, how it reads in words and on its chip, its API description, its facet. The timeline's form,
its chips, feed and page titles and the OpenAPI description loop over the declarations; the canonical query
string (`StatementFilter.canonical_query`) and the filter in words (`StatementFilter.in_words`) are defined here
once. A new filter is one declaration here plus its QuerySet method (docs/timeline.md, "Adding a filter").
"""

import enum
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import django_filters
import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict

from .dates import PARTIAL_DATE_PATTERN, DateSpan, PartialDateField
from .models import Country, Kind, Official, Outlet, Statement, Topic
from .positions.codebook import SpeechAct, Stance, stance_words
from .search import parse_query

Q_MAX_LENGTH = 200
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")


class Sort:
    NEWEST = "newest"
    OLDEST = "oldest"
    RELEVANCE = "relevance"
    choices = [(NEWEST, "Newest first"), (OLDEST, "Oldest first"), (RELEVANCE, "Most relevant first")]


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
    # The objects several filters name, read once for all of them ({value: object}, StatementFilter.read_together);
    # None: this field reads its own.
    known: dict | None = None

    def prepared(self, values: list[str]) -> list[str]:
        """The values as clean() checks them: blank ones dropped, stripped, upper case for codes."""
        values = [v.strip() for v in values if isinstance(v, str) and v.strip()]
        return [v.upper() for v in values] if self.upper_case else values

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = self.prepared(value)
            if len(value) > self.max_values:
                raise ValidationError(f"Choose at most {self.max_values} values.", code="too_many")
            if any("\x00" in v for v in value):  # PostgreSQL cannot even compare a string holding NUL
                raise ValidationError("Null characters are not allowed.", code="null_characters_not_allowed")
        return super().clean(value)

    def _check_values(self, value):
        if self.known is None:
            return super()._check_values(value)
        for item in value:
            if item not in self.known:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        wanted = set(value)
        return [obj for item, obj in self.known.items() if item in wanted]  # in the queryset's order, as Django's


class CodeListField(SlugListField):
    """ISO country codes are accepted in any case (ru, RU)."""

    upper_case = True


class TargetListField(forms.Field):
    """Repeatable coding targets: a country's ISO code (in any case) or the slug of an official or institution a
    public page names. Cleans to the Country and Official objects, in the order given; blank values are ignored,
    unknown ones are errors naming the value. A two-letter value is a country code first."""

    widget = forms.SelectMultiple
    upper_case = True  # case-insensitive, as country codes are: canonical and chosen values read in lower case
    max_values = SlugListField.max_values
    default_error_messages = {
        "invalid_choice": "There is no country with the ISO code, or official or institution with the slug, "
        "“%(value)s”.",
    }

    def __init__(self, *, queryset=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        values = list(dict.fromkeys(v.strip() for v in values if isinstance(v, str) and v.strip()))
        if len(values) > self.max_values:
            raise ValidationError(f"Choose at most {self.max_values} values.", code="too_many")
        if any("\x00" in v for v in values):
            raise ValidationError("Null characters are not allowed.", code="null_characters_not_allowed")
        if not values:
            return []
        codes = [v.upper() for v in values if len(v) == 2]
        countries = {c.code.lower(): c for c in Country.objects.filter(code__in=codes)} if codes else {}
        slugs = [v for v in values if v.lower() not in countries]
        officials = {o.slug: o for o in Official.objects.public().filter(slug__in=slugs)} if slugs else {}
        for v in slugs:
            if v not in officials:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": v})
        return [countries.get(v.lower()) or officials[v] for v in values]


class Control(enum.StrEnum):
    """How the timeline's form shows a filter."""

    SEARCH = "search"  # a search box
    REPEATABLE = "repeatable"  # a list to pick one value at a time from; the chosen ones stay as checkboxes
    DATE = "date"  # a text box for YYYY, YYYY-MM or YYYY-MM-DD (a picker cannot say "known to the month")
    SELECT = "select"  # one choice from a short list


class Part(enum.IntEnum):
    """Where a filter stands in the sentence that says the filter in words: who, about what, how, when."""

    WHO = 1
    WHAT = 2
    HOW = 3
    WHEN = 4


@dataclass(frozen=True)
class Public:
    """What every public surface needs of one filter, declared on the filter itself.

    `words` is how its values read in a sentence, "{}" standing for them ("by {}" gives "by Dmitry Peskov");
    empty for a parameter that orders rather than narrows (no chip, not in words). `subject` filters replace the
    sentence's "Statements" ("{}s": "Paraphrases"). `options` names the list the form offers (a method of
    statements.timeline.form.FormLists); empty for a select, whose options are the filter's choices. `facet` is the
    title of the timeline's facet of counts for it, if it has one.
    """

    control: Control
    api: str  # the API parameter's description
    words: str = ""
    part: Part = Part.HOW
    subject: bool = False
    any_label: str = ""  # the list's first option, standing for "no value"
    help: str = ""  # a line under the form control
    options: str = ""
    facet: str = ""
    api_pattern: str = ""  # a regular expression the API documents for a single value

    @property
    def narrows(self) -> bool:
        return bool(self.words)

    def __deepcopy__(self, memo):
        # Immutable: every StatementFilter deep-copies its declared filters, and with them this, on each request.
        return self


class PublicFilter:
    """A filter of the public registry: takes `public=Public(...)` and says how its cleaned value reads."""

    def __init__(self, *args, public: Public, **kwargs):
        self.public = public
        super().__init__(*args, **kwargs)

    def shown(self, value) -> list[tuple[str, str | None]]:
        """Each active value as (how it reads, the parameter value that removes just it, or None for the whole
        parameter)."""
        return [(str(value), None)]


class SearchFilter(PublicFilter, django_filters.CharFilter):
    def shown(self, value):
        return [(f"“{value}”", None)]


class SlugListFilter(PublicFilter, django_filters.ModelMultipleChoiceFilter):
    field_class = SlugListField

    def shown(self, value):
        return [(str(obj), getattr(obj, self.extra["to_field_name"])) for obj in value or []]


class CountryCodeFilter(SlugListFilter):
    field_class = CodeListField


class TargetFilter(PublicFilter, django_filters.Filter):
    field_class = TargetListField

    def shown(self, value):
        return [(str(t), t.code.lower() if isinstance(t, Country) else t.slug) for t in value or []]


class PartialDateFilter(PublicFilter, django_filters.Filter):
    field_class = PartialDateField

    def shown(self, value: DateSpan):
        return [(value.words, None)]


class LanguageFilter(PublicFilter, django_filters.Filter):
    field_class = LanguageField


class PublicChoiceFilter(PublicFilter, django_filters.ChoiceFilter):
    def shown(self, value):
        return [(str(dict(self.extra["choices"])[value]), None)]


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


NO_STANCE = "none"
# The stance filter's values: the scale's numbers, strongest support first, then "none" (coded, with no stance).
STANCE_CHOICES = [*((str(value), stance_words(value)) for value in reversed(Stance.values)), (NO_STANCE, "No stance")]

# Parameter values a canonical query string leaves out (StatementFilter.is_clean).
LEFT_OUT = [("sort", [Sort.NEWEST]), ("page", ["1"])]
# Parameters read as one condition (StatementFilter.conditions): one coding must match all of target, stance and act
# (`coded`); the dates, and the order by relevance and the words, are checked against each other
# (StatementFilterForm.clean).
TOGETHER = [("q", "sort"), ("target", "stance", "act"), ("date_from", "date_to")]


class StatementFilter(django_filters.FilterSet):
    """The public filters, in the order the form shows them and the canonical query string lists them."""

    q = SearchFilter(
        label="Words",
        method="keep",
        max_length=Q_MAX_LENGTH,
        help_text='All words must appear in the text, original text, speaker\'s name or source title; "a phrase",'
        " -exclude and OR work as in a web search.",
        public=Public(
            Control.SEARCH,
            api='Words that must all appear in the text, original text, speaker\'s name or source title; "a phrase",'
            " -exclude and OR work as in a web search.",
            words="matching {}",
            help="Every word must appear.",
        ),
    )
    speaker = SlugListFilter(
        label="Official",
        queryset=Official.objects.public(),  # one known only from drafts is unknown, with the same message
        to_field_name="slug",
        method="filter_speaker",
        error_messages=unknown("official with the slug"),
        public=Public(
            Control.REPEATABLE,
            api="An official's slug, e.g. dmitry-peskov. Repeat for any of several.",
            words="by {}",
            part=Part.WHO,
            any_label="Any official",
            options="officials",
            facet="Officials",
        ),
    )
    speaker_country = CountryCodeFilter(
        label="Speaker's country",
        queryset=Country.objects.all(),
        to_field_name="code",
        method="filter_speaker_country",
        error_messages=unknown("country with the ISO code"),
        public=Public(
            Control.REPEATABLE,
            api="The speaker's country, ISO 3166-1 alpha-2 code in any case, e.g. RU. Repeatable.",
            words="by officials of {}",
            part=Part.WHO,
            any_label="Any country",
            options="speaker_countries",
            facet="Speaker's country",
        ),
    )
    topic = SlugListFilter(
        label="Topic",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        method="keep",
        error_messages=unknown("topic with the slug"),
        public=Public(
            Control.REPEATABLE,
            api="A topic's slug; includes its sub-topics. Repeatable.",
            words="on {}",
            part=Part.WHAT,
            any_label="Any topic",
            options="topics",
            facet="Topics",
        ),
    )
    country = CountryCodeFilter(
        label="Country concerned",
        queryset=Country.objects.all(),
        to_field_name="code",
        method="keep",
        error_messages=unknown("country with the ISO code"),
        public=Public(
            Control.REPEATABLE,
            api="A country the statement concerns, ISO code, e.g. SY. Repeatable.",
            words="concerning {}",
            part=Part.WHAT,
            any_label="Any country",
            options="countries",
        ),
    )
    date_from = PartialDateFilter(
        label="Date from",
        method="filter_date_from",
        help_text="YYYY, YYYY-MM or YYYY-MM-DD; inclusive.",
        public=Public(
            Control.DATE,
            api="From this date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD.",
            words="from {}",
            part=Part.WHEN,
            help="YYYY, YYYY-MM or YYYY-MM-DD",
            facet="Years",
            api_pattern=PARTIAL_DATE_PATTERN,
        ),
    )
    date_to = PartialDateFilter(
        label="Date to",
        method="filter_date_to",
        help_text="YYYY, YYYY-MM or YYYY-MM-DD; inclusive.",
        public=Public(
            Control.DATE,
            api="To this date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD.",
            words="to {}",
            part=Part.WHEN,
            help="YYYY, YYYY-MM or YYYY-MM-DD",
            api_pattern=PARTIAL_DATE_PATTERN,
        ),
    )
    kind = PublicChoiceFilter(
        label="Kind",
        choices=Kind.choices,
        empty_label="Any kind",
        public=Public(
            Control.SELECT,
            api="Direct quotes or paraphrases only.",
            words="{}s",  # the kind names what is listed: "Direct quotes", "Paraphrases"
            subject=True,
            any_label="Quotes and paraphrases",
        ),
    )
    outlet = SlugListFilter(
        label="Outlet",
        queryset=Outlet.objects.public(),
        to_field_name="slug",
        method="filter_outlet",
        error_messages=unknown("outlet with the slug"),
        public=Public(
            Control.REPEATABLE,
            api="The slug of an outlet that reported it (its source or another report), e.g. tass. Repeatable.",
            words="reported by {}",
            any_label="Any outlet",
            options="outlets",
        ),
    )
    language = LanguageFilter(
        label="Language",
        method="filter_language",
        help_text="Said in, or reported in, this language (ISO 639 code, e.g. ru).",
        public=Public(
            Control.SELECT,
            api="Said in, or reported in, this language: ISO 639 code, e.g. ru.",
            words="in language “{}”",
            any_label="Any language",
            options="languages",
            api_pattern=r"^[A-Za-z]{2,3}$",
        ),
    )
    target = TargetFilter(
        label="Coded toward",
        method="keep",
        public=Public(
            Control.REPEATABLE,
            api="A target the statement is coded toward: a country's ISO code (us) or the slug of an official or "
            "institution. Repeatable (any of them). With stance or act, the same coding must match all of them.",
            words="toward {}",
            part=Part.WHAT,
            any_label="Any target",
            options="targets",
            help="Statements an analyst coded toward it (docs: the codebook).",
            facet="Coded toward",
        ),
    )
    stance = PublicChoiceFilter(
        label="Stance",
        choices=STANCE_CHOICES,
        empty_label="Any stance",
        method="keep",
        public=Public(
            Control.SELECT,
            api="A coded stance toward the target: -2 (hostile) to 2 (strongly supportive), or none (coded with no "
            "stance; never the same as 0). Statements not coded never match.",
            words="coded {}",
            any_label="Any stance",
            facet="Stance",
        ),
    )
    act = PublicChoiceFilter(
        label="Speech act",
        choices=SpeechAct.choices,
        empty_label="Any speech act",
        method="keep",
        public=Public(
            Control.SELECT,
            api="A coded speech act: " + ", ".join(SpeechAct.values) + ".",
            words="with the speech act “{}”",
            any_label="Any speech act",
            facet="Speech act",
        ),
    )
    sort = PublicChoiceFilter(
        label="Order",
        choices=Sort.choices,
        empty_label=None,
        method="keep",
        public=Public(
            Control.SELECT,
            api="The order: newest first (the default), oldest first, or most relevant first (needs q).",
            options="orders",
        ),
    )

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
        queryset = self.coded(queryset)
        if sort == Sort.OLDEST:
            return queryset.oldest_first()
        if sort == Sort.RELEVANCE and q:
            return queryset.with_search_rank(q).order_by("-search_rank", "-date", "-id")
        return queryset.newest_first()

    @classmethod
    def read_together(
        cls, datas: list[QueryDict], *, queryset, known: dict[str, dict] | None = None
    ) -> list["StatementFilter"]:
        """A filter for each query string, the officials, topics, countries and outlets they name read in one query
        per parameter for all of them rather than one per filter: a page listing many filters in words. `known`:
        those names read already (`read_names`) for query strings including these, so none is read again."""
        known = cls.read_names(datas) if known is None else known
        filters = [cls(data, queryset=queryset) for data in datas]
        for name, read in known.items():
            for statement_filter in filters:
                statement_filter.form.fields[name].known = read
        return filters

    @classmethod
    def read_names(cls, datas: list[QueryDict]) -> dict[str, dict]:
        """The officials, topics, countries and outlets the query strings name, by parameter ({value: object}, in
        the order of the parameter's queryset, as a field reading its own): one query per parameter for them all.
        A value missing is unknown: its filters are invalid."""
        known = {}
        fields = cls(QueryDict(), queryset=Statement.objects.none()).form.fields  # what a filter would clean with
        for name, f in cls.base_filters.items():
            if not isinstance(f, SlugListFilter):
                continue
            field = fields[name]
            values = {value for data in datas for value in field.prepared(data.getlist(name))}
            values = {value for value in values if "\x00" not in value}  # refused by clean(); PostgreSQL cannot compare
            if not values:
                continue
            key = field.to_field_name
            known[name] = {str(getattr(obj, key)): obj for obj in field.queryset.filter(**{f"{key}__in": values})}
        return known

    @classmethod
    def conditions(cls, data: QueryDict) -> list[str]:
        """The filter `data` as the query strings of its conditions, each a filter of its own: a statement matches
        the whole filter when it matches every one of them (none: every statement), and the filter is valid when
        each is. Every parameter narrows on its own (they are ANDed), except those in TOGETHER, which make one
        condition; the order narrows nothing, and the page is no condition. Many filters share conditions (an
        official, a topic): a caller matching many filters against the same statements reads each condition once
        (`send_alerts`)."""
        found = {}
        for name in data:
            if name not in cls.base_filters:
                continue
            group = next((names for names in TOGETHER if name in names), (name,))
            found.setdefault(group, []).extend((name, value) for value in data.getlist(name))
        return [urlencode(pairs) for _, pairs in sorted(found.items())]

    # --- The registry's readings: what every surface shows of this filter ------------------------------------------

    def public_filters(self) -> list[tuple[str, PublicFilter]]:
        """The public filters by name, in declaration order (a subclass's own included)."""
        return [(name, f) for name, f in self.filters.items() if isinstance(f, PublicFilter)]

    def active_values(self) -> list[tuple[str, PublicFilter, str, str | None]]:
        """Every value that narrows this (valid) filter: (name, filter, how it reads, the parameter value that
        removes it alone or None for the whole parameter), in declaration order. What chips and words are made of;
        read once per filter (a chosen list of objects is one query)."""
        if not hasattr(self, "_active_values"):
            cleaned, found = self.form.cleaned_data, []
            for name, f in self.public_filters():
                value = cleaned.get(name)
                if isinstance(value, QuerySet) and value.query.is_empty():
                    continue  # nothing chosen: no need to build its query to find out
                if f.public.narrows and value:
                    found += [(name, f, label, removes) for label, removes in f.shown(value)]
            self._active_values = found
        return self._active_values

    def in_words(self) -> str:
        """The filter in words, e.g. "Statements by Dmitry Peskov on Syria in November 2016", or "all statements":
        feed and page titles, and anything else that must say what was filtered, read it from here."""
        subject, parts = "Statements", {}
        for name, f, label, _ in self.active_values():
            if f.public.subject:
                subject = f.public.words.format(label)
            else:
                parts.setdefault(name, (f.public, []))[1].append(label)
        if subject == "Statements" and not parts:
            return "all statements"
        ordered = sorted(parts.values(), key=lambda item: item[0].part)  # stable: declaration order within a part
        words = [public.words.format(", ".join(labels)) for public, labels in ordered]
        if "date_from" in parts and parts["date_from"][1] == parts.get("date_to", (None, None))[1]:
            words[-2:] = [f"in {parts['date_from'][1][0]}"]  # one month or year: "in November 2016"
        return " ".join([subject, *words])

    def canonical_query(self, *, keep_page: bool = True) -> str:
        """The query string that says the same filter: parameters in declaration order, no empty values, repeated
        values once, country codes in lower case, the default order and page 1 left out; anything that is not a
        filter dropped. Shared links, redirects and stored filters use it, so one filter has one address."""
        pairs = []
        for name, f in self.public_filters():
            seen = []
            for value in self.data.getlist(name):
                value = value.strip()
                if getattr(f.field_class, "upper_case", False):  # country codes: the same in any case
                    value = value.lower()
                if value and value not in seen:
                    seen.append(value)
            if name == "sort" and seen == [Sort.NEWEST]:
                continue
            pairs += [(name, value) for value in seen]
        page = self.data.get("page", "").strip()
        if keep_page and page and page != "1":
            pairs.append(("page", page))
        return urlencode(pairs)

    def is_clean(self) -> bool:
        """Whether the query string has nothing its canonical form leaves out (empty or repeated values, the
        default order, page 1, parameters that are not filters). Order and case may differ: the same filter."""
        for name, values in self.data.lists():
            if name != "page" and name not in self.filters:
                return False
            stripped = [value.strip().lower() for value in values]
            if "" in stripped or len(set(stripped)) < len(stripped) or (name, stripped) in LEFT_OUT:
                return False
        return True

    # --- How each filter narrows the statements ----------------------------------------------------------------------

    def keep(self, queryset, name, value):
        """`q`, `topic`, `country` and `sort` are applied in filter_queryset (their query shape depends on the order),
        and so are `target`, `stance` and `act` (one coding must match them all)."""
        return queryset

    def coded(self, queryset):
        """`target`, `stance` and `act` narrow together: one coding of the statement must match all that are given."""
        conditions = self.coding_conditions()
        return queryset.coded(**conditions) if conditions else queryset

    def coding_conditions(self) -> dict | None:
        """What one coding must match (CodingQuerySet.matching's arguments), or None when no target, stance or
        act is given."""
        targets, stance, act = (self.form.cleaned_data.get(name) for name in ("target", "stance", "act"))
        if not (targets or stance or act):
            return None
        return {
            "countries": [t for t in targets or [] if isinstance(t, Country)],
            "officials": [t for t in targets or [] if isinstance(t, Official)],
            "stance": None if not stance or stance == NO_STANCE else int(stance),
            "no_stance": stance == NO_STANCE,
            "act": act or "",
        }

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
