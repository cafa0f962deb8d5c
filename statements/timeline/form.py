"""The timeline's filter form and chips, built by looping over the filter registry (statements/filters.py)."""

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

import pycountry
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..dates import INPUT_ATTRS
from ..filters import LANGUAGE_RE, Control, Sort
from ..models import Country, Official, Outlet, Topic
from ..option_counts import OptionCounts
from .querystrings import without_value

# A date box reads as the admin's (statements/dates.py): the order to type, no spelling or autofill help.
DATE_INPUT_ATTRS = flatatt(INPUT_ATTRS)


def published_speakers(counts: OptionCounts) -> dict[int, tuple]:
    """The officials a visitor can see, by id and in name order: (slug, name, country code, country name).

    Those with published statements, or a published statement coded toward them (an institution that never
    speaks, NATO say), are those the option counts (`counts`, which the page reads anyway) count statements for,
    kept exact by the database's triggers: reading their ids from there spares an EXISTS per official."""
    shown = [*counts.speakers, *(pk for pk in counts.target_officials if pk not in counts.speakers)]
    speakers = Official.objects.filter(pk__in=shown).order_by("name")
    return {pk: rest for pk, *rest in speakers.values_list("pk", "slug", "name", "country__code", "country__name")}


def topic_tree(topics) -> list[tuple[Topic, int]]:
    """Topics in tree order with their depth (parents before their sub-topics, siblings by name)."""
    children: dict[int | None, list[Topic]] = {}
    for topic in topics:
        children.setdefault(topic.parent_id, []).append(topic)
    ordered, seen = [], set()

    def visit(parent_id, depth):
        for topic in children.get(parent_id, []):
            if topic.pk not in seen:
                seen.add(topic.pk)
                ordered.append((topic, depth))
                visit(topic.pk, depth + 1)

    visit(None, 0)
    return ordered


def language_name(code: str) -> str:
    language = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    return f"{language.name} \u2013 {code}" if language else code


class Option(NamedTuple):
    value: str
    label: str
    count: int | None = None  # published statements with this value; None for a list without counts (the order)

    @property
    def text(self) -> str:
        """How the option reads: "Syria (88)"."""
        return self.label if self.count is None else f"{self.label} ({self.count:,})"


class FormLists:
    """The option lists a filter's `Public.options` names, each read when the form asks for it, with how many
    published statements each value has (`counts`: statements/option_counts.py). A list holds every value it knows,
    those without statements included: the form shows those only when chosen (and named as the filter found them).

    `topics` (id → Topic) and `speakers` (published_speakers()) are read once by the page, which also names the
    facets and the page's statements with them.
    """

    def __init__(
        self, params: QueryDict, *, topics: dict[int, Topic], speakers: dict[int, tuple], counts: OptionCounts
    ):
        self.params, self.topics_by_id, self.speakers, self.counts = params, topics, speakers, counts

    def officials(self) -> list[Option]:
        counts = self.counts.speakers
        return [Option(slug, name, counts.get(pk, 0)) for pk, (slug, name, _, _) in self.speakers.items()]

    def speaker_countries(self) -> list[Option]:
        per_country: dict[str, int] = {}
        for pk, (_, _, code, _) in self.speakers.items():
            if code:
                per_country[code] = per_country.get(code, 0) + self.counts.speakers.get(pk, 0)
        return [Option(code.lower(), name, per_country.get(code, 0)) for _, code, name in self.all_countries]

    def countries(self) -> list[Option]:
        counts = self.counts.countries
        return [Option(code.lower(), name, counts.get(pk, 0)) for pk, code, name in self.all_countries]

    @cached_property
    def all_countries(self) -> list[tuple[int, str, str]]:
        """Every country (id, code, name) in name order: read once for both country lists."""
        return list(Country.objects.values_list("pk", "code", "name"))

    def targets(self) -> list[Option]:
        """Countries, then officials and institutions, each with the published statements coded toward it: read
        from the lists the page has already, so the list costs no query."""
        countries, officials = self.counts.target_countries, self.counts.target_officials
        return [Option(code.lower(), name, countries.get(pk, 0)) for pk, code, name in self.all_countries] + [
            Option(slug, name, officials.get(pk, 0)) for pk, (slug, name, _, _) in self.speakers.items()
        ]

    def topics(self) -> list[Option]:
        counts = self.counts.topics({pk: topic.parent_id for pk, topic in self.topics_by_id.items()})
        return [
            Option(t.slug, "\u2014 " * depth + t.name, counts.get(t.pk, 0))
            for t, depth in topic_tree(self.topics_by_id.values())
        ]

    def outlets(self) -> list[Option]:
        # Every outlet, not Outlet.objects.public() (an EXISTS per outlet on each request): the counts say which
        # have published statements, and one known only from drafts is never shown (a count of 0, not chosen,
        # since the filter refuses its slug).
        counts = self.counts.outlets
        return [
            Option(slug, name, counts.get(pk, 0)) for pk, slug, name in Outlet.objects.values_list("pk", "slug", "name")
        ]

    def languages(self) -> list[Option]:
        codes = set(self.counts.languages)
        chosen = self.params.get("language", "").strip().lower()
        if LANGUAGE_RE.match(chosen) and language_name(chosen) != chosen:
            codes.add(chosen)  # shown, with its count of 0, while chosen (an unknown code is the filter's error)
        listed = [Option(code, language_name(code), self.counts.languages.get(code, 0)) for code in codes]
        return sorted(listed, key=lambda option: option.label)

    def orders(self) -> list[Option]:
        """ "Most relevant first" only makes sense with words to search for."""
        return [
            Option(value, label)
            for value, label in Sort.choices
            if value != Sort.RELEVANCE or self.params.get("q", "").strip()
        ]


# A list longer than this gets a box that narrows it as one types (static/js/narrow-options.js).
NARROW_FROM = 12


@lru_cache(maxsize=64)
def option_tags(options: tuple[tuple[str, str], ...]) -> str:
    """`<option>` elements for a select, built here rather than in a template loop: the country list alone has 249
    options, and the template language resolving and escaping their 500 variables cost more than the rest of the
    form (docs/performance.md). Values and labels are escaped.

    The lists rarely change, so the markup is kept per list, keyed on the options themselves: a renamed topic, a
    newly listed official or a new count makes a new key, so a kept list is never out of date."""
    return mark_safe("".join(f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in options))


def chosen_names(statement_filter) -> dict[tuple[str, str], str]:
    """The names of the values chosen, by (filter, value): a chosen value without published statements is not in
    its list (an official known only from retracted statements). Read from the filter's active values, which the
    chips read anyway."""
    if not statement_filter.is_valid():
        return {}
    return {
        (name, removes.lower() if getattr(f.field_class, "upper_case", False) else removes): label
        for name, f, label, removes in statement_filter.active_values()
        if removes is not None
    }


def form_fields(statement_filter, lists: FormLists) -> list[dict]:
    """What the filter form shows: each public filter with its control, options, chosen values and errors.

    A list shows the values with published statements, each with its count, and the chosen ones whatever their
    count (a select's chosen value stays selectable; a repeatable filter's chosen values are checkboxes)."""
    params, errors = statement_filter.data, statement_filter.errors
    names = None
    fields = []
    for name, f in statement_filter.public_filters():
        public = f.public
        field = {
            "name": name,
            "label": f.label,
            "kind": public.control.value,
            "repeatable": public.control == Control.REPEATABLE,
            "help_text": public.help,
            "errors": errors.get(name, []),
            "input_attrs": DATE_INPUT_ATTRS if public.control == Control.DATE else "",
        }
        if public.options:
            options = getattr(lists, public.options)()
        else:
            options = [Option(str(value), str(label)) for value, label in f.extra.get("choices", [])]
        if public.control == Control.REPEATABLE:
            chosen = [v.strip() for v in params.getlist(name) if v.strip()]
            chosen = list(
                dict.fromkeys(v.lower() for v in chosen) if f.field_class.upper_case else dict.fromkeys(chosen)
            )
            # A chosen value without published statements is named only as the filter found it: an outlet known
            # only from drafts reads as typed, like a slug nobody made.
            listed_by_value = {option.value: option for option in options if option.count is None or option.count}
            if names is None and any(value not in listed_by_value for value in chosen):
                names = chosen_names(statement_filter)
            shown = []
            for value in chosen:
                if value in listed_by_value:
                    option = listed_by_value[value]
                elif (name, value) in names:
                    option = Option(value, names[(name, value)], 0)
                else:  # not a value this filter knows (its error says so), or the filter is invalid
                    option = Option(value, value)
                shown.append((value, option._replace(label=option.label.lstrip("\u2014 ")).text))  # no tree indent
            listed = tuple((o.value, o.text) for o in options if (o.count is None or o.count) and o.value not in chosen)
            field.update(chosen=shown, option_tags=option_tags(listed), any_label=public.any_label)
        else:
            value = params.get(name, "")
            if public.control == Control.SELECT:
                value = value.strip().lower()  # as the list writes its values ("RU" chooses "ru")
            listed = [(o.value, o.text) for o in options if o.count is None or o.count or o.value == value]
            first = [("", public.any_label)] if public.any_label else []
            field.update(value=value, options=first + listed)
        field["narrow"] = len(listed) > NARROW_FROM
        fields.append(field)
    return fields


@dataclass
class Chip:
    name: str  # the filter's label, e.g. "Topic"
    label: str  # the value, e.g. "Syria"
    remove_url: str


def active_chips(statement_filter) -> list[Chip]:
    """One removable chip per active filter value, labelled with names rather than slugs."""
    params = statement_filter.data
    return [
        Chip(f.label, label, without_value(params, name, removes))
        for name, f, label, removes in statement_filter.active_values()
    ]
