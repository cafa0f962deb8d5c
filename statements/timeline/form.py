"""The timeline's filter form and chips, built by looping over the filter registry (statements/filters.py)."""

from dataclasses import dataclass
from functools import lru_cache

import pycountry
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..dates import INPUT_ATTRS
from ..filters import Control, Sort
from ..models import Country, Official, Outlet, Source, Topic
from .querystrings import without_value

# A date box reads as the admin's (statements/dates.py): the order to type, no spelling or autofill help.
DATE_INPUT_ATTRS = flatatt(INPUT_ATTRS)


def published_speakers() -> dict[int, tuple]:
    """The officials a visitor can see, by id and in name order: (slug, name, country code, country name)."""
    speakers = Official.objects.with_published_statements().order_by("name")
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
    return f"{language.name} ({code})" if language else code


class FormLists:
    """The option lists a filter's `Public.options` names, each read when the form asks for it (one query a list).

    `topics` (id → Topic) and `speakers` (published_speakers()) are read once by the page, which also names the
    facets and the page's statements with them.
    """

    def __init__(self, params: QueryDict, *, topics: dict[int, Topic], speakers: dict[int, tuple]):
        self.params, self.topics_by_id, self.speakers = params, topics, speakers

    def officials(self):
        return [(slug, name) for slug, name, _, _ in self.speakers.values()]

    def speaker_countries(self):
        found = {(code.lower(), name) for _, _, code, name in self.speakers.values() if code}
        return sorted(found, key=lambda c: c[1])

    def countries(self):
        return [(code.lower(), name) for code, name in Country.objects.values_list("code", "name")]

    def topics(self):
        return [(t.slug, "\u2014 " * depth + t.name) for t, depth in topic_tree(self.topics_by_id.values())]

    def outlets(self):
        return list(Outlet.objects.public().values_list("slug", "name"))

    def languages(self):
        codes = sorted({code.lower() for code in Source.objects.languages() if code})
        return [(code, language_name(code)) for code in codes]

    def orders(self):
        """ "Most relevant first" only makes sense with words to search for."""
        return [c for c in Sort.choices if c[0] != Sort.RELEVANCE or self.params.get("q", "").strip()]


@lru_cache(maxsize=64)
def option_tags(options: tuple[tuple[str, str], ...]) -> str:
    """`<option>` elements for a select, built here rather than in a template loop: the country list alone has 249
    options, and the template language resolving and escaping their 500 variables cost more than the rest of the
    form (docs/performance.md). Values and labels are escaped.

    The lists rarely change, so the markup is kept per list, keyed on the options themselves: a renamed topic or a
    newly listed official makes a new key, so a kept list is never out of date."""
    return mark_safe("".join(f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in options))


def form_fields(statement_filter, lists: FormLists) -> list[dict]:
    """What the filter form shows: each public filter with its control, options, chosen values and errors."""
    params, errors = statement_filter.data, statement_filter.errors
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
        options = getattr(lists, public.options)() if public.options else list(f.extra.get("choices", []))
        if public.control == Control.REPEATABLE:
            labels = {value: label.lstrip("\u2014 ") for value, label in options}  # no tree indent once chosen
            chosen = [v.strip() for v in params.getlist(name) if v.strip()]
            chosen = [v.lower() for v in chosen] if f.field_class.upper_case else chosen
            field.update(
                chosen=[(value, labels.get(value, value)) for value in chosen],
                option_tags=option_tags(tuple((value, label) for value, label in options if value not in chosen)),
                any_label=public.any_label,
            )
        else:
            first = [("", public.any_label)] if public.any_label else []
            field.update(value=params.get(name, ""), options=first + options)
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
