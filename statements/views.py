"""Public pages: the filterable timeline, a permalink per statement, entity pages and indexes.

Every query starts from `Statement.objects.published()` (lists, counts, facets, chart) or `.public()` (a permalink,
which keeps resolving after a retraction). Drafts are never selected, so they 404 everywhere.
"""

from collections import Counter
from functools import lru_cache

import pycountry
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from .charts import chart_from_counts, link_bars
from .facets import active_chips, facet_counts_for_matches, month_counts_for_matches, without_page
from .filters import Sort, StatementFilter
from .models import Country, Official, Outlet, Source, Statement, Status, Topic
from .planner import COUNT_CAP
from .search import parse_query, snippets
from .timeline import PageNotFound, group_by_date, page_not_found, paginate

RELATED_LIMIT = 10


def officials_with_published_statements():
    """Officials a visitor can see: only those with at least one published statement (no hint of drafts)."""
    return Official.objects.filter(Exists(Statement.objects.published().filter(speaker=OuterRef("pk"))))


def published_speakers() -> dict[int, tuple]:
    """The officials a visitor can see, by id and in name order: (slug, name, country code, country name)."""
    speakers = officials_with_published_statements().order_by("name")
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


@lru_cache(maxsize=64)
def option_tags(options: tuple[tuple[str, str], ...]) -> str:
    """`<option>` elements for a select, built here rather than in a template loop: the country list alone has
    249 options, and the template language took ~2 ms a page to resolve and escape their 500 variables (like the
    chart's bars, statements/charts.py). Values and labels are escaped.

    The lists rarely change, so the markup is kept per list, keyed on the options themselves: a renamed topic or a
    newly listed official makes a new key, so a kept list is never out of date (0.55 ms a page)."""
    return mark_safe("".join(f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in options))


def filter_fields(statement_filter, topics: dict[int, Topic], speakers: dict[int, tuple]) -> list[dict]:
    """What the filter form shows: each field with its options, chosen values and errors (one query per list).

    `topics` (id → Topic) and `speakers` (published_speakers()) are read by the caller, which names the facets
    and the page's topics with them too.
    """
    params, errors = statement_filter.data, statement_filter.errors
    topics = [(t.slug, "\u2014 " * depth + t.name) for t, depth in topic_tree(topics.values())]
    speakers = list(speakers.values())
    officials = [(slug, name) for slug, name, _, _ in speakers]
    speaker_countries = sorted({(code.lower(), name) for _, _, code, name in speakers if code}, key=lambda c: c[1])
    countries = [(code.lower(), name) for code, name in Country.objects.values_list("code", "name")]
    outlets = list(Outlet.objects.values_list("slug", "name"))
    languages = sorted({code.lower() for code in Source.objects.languages() if code})

    def repeatable(name, options, any_label):
        labels = dict(options)
        chosen = [v.strip() for v in params.getlist(name) if v.strip()]
        if name in ("speaker_country", "country"):
            chosen = [v.lower() for v in chosen]
        return {
            "name": name,
            "label": statement_filter.filters[name].label,
            "repeatable": True,
            "chosen": [(value, labels.get(value, value)) for value in chosen],
            "option_tags": option_tags(tuple((value, label) for value, label in options if value not in chosen)),
            "any_label": any_label,
            "errors": errors.get(name, []),
        }

    def single(name, kind, options=None, help_text=""):
        return {
            "name": name,
            "label": statement_filter.filters[name].label,
            "repeatable": False,
            "kind": kind,
            "value": params.get(name, ""),
            "options": options or [],
            "help_text": help_text,
            "errors": errors.get(name, []),
        }

    return [
        single("q", "search", help_text="Every word must appear."),
        repeatable("speaker", officials, "Any official"),
        repeatable("speaker_country", speaker_countries, "Any country"),
        repeatable("country", countries, "Any country"),
        repeatable("topic", topics, "Any topic"),
        single("date_from", "date", help_text="YYYY, YYYY-MM or YYYY-MM-DD"),
        single("date_to", "date", help_text="YYYY, YYYY-MM or YYYY-MM-DD"),
        single("kind", "select", [("", "Quotes and paraphrases"), *Statement._meta.get_field("kind").choices]),
        repeatable("outlet", outlets, "Any outlet"),
        single("language", "select", [("", "Any language")] + [(c, language_name(c)) for c in languages]),
        # "Most relevant first" only makes sense with words to search for.
        single("sort", "select", [c for c in Sort.choices if c[0] != Sort.RELEVANCE or params.get("q", "").strip()]),
    ]


@require_safe
def timeline(request):
    """The public timeline at /: filter form, facets, volume chart and a page of statements under date headings."""
    statement_filter = StatementFilter(request.GET, queryset=Statement.objects.published())
    same_filters = without_page(request.GET)  # for the CSV, report and feed links
    # Read once, used three times: the filter form lists them, the facets and the page's statements name them.
    topics, speakers = Topic.objects.in_bulk(), published_speakers()
    context = {
        "filter": statement_filter,
        "fields": filter_fields(statement_filter, topics, speakers),
        "same_filters": same_filters.urlencode(),
    }
    if not statement_filter.is_valid():
        return render(request, "statements/timeline.html", context, status=400)
    statements = statement_filter.qs
    try:
        page = paginate(request, statements, topics)
    except PageNotFound:
        return page_not_found(request)
    found = page.paginator.count > 0
    q = statement_filter.form.cleaned_data.get("q")
    if q:  # highlighted snippets, computed for this page's rows only (one query)
        highlights = snippets([statement.pk for statement in page.object_list], parse_query(q))
        for statement in page.object_list:
            statement.highlighted = highlights.get(statement.pk)
    # Facets and chart describe the matches the paginator fetched: all of them up to COUNT_CAP, else the first
    # COUNT_CAP in the current order (the page says so). Grouping a million rows per request costs seconds.
    matches = page.paginator.matches
    facets = facet_counts_for_matches(matches, request.GET, speakers=speakers, topics=topics) if found else None
    context.update(
        page=page,
        groups=group_by_date(page.object_list),
        chips=active_chips(statement_filter),
        facets=facets,
        facet_groups=[
            ("Topics", facets["topic"]),
            ("Officials", facets["speaker"]),
            ("Speaker's country", facets["speaker_country"]),
            ("Years", facets["year"]),
        ]
        if facets
        else [],
        chart=link_bars(chart_from_counts(month_counts_for_matches(matches)), request.GET) if found else None,
        sampled=page.paginator.capped,
        sample_size=f"{COUNT_CAP:,}",
    )
    return render(request, "statements/timeline.html", context)


def entity_timeline(request, template: str, context: dict, statements):
    """An entity page: its own details plus its published statements, paginated under date headings."""
    try:
        page = paginate(request, statements.newest_first())
    except PageNotFound:
        return page_not_found(request)
    context.update(page=page, groups=group_by_date(page.object_list))
    return render(request, template, context)


@require_safe
def statement_detail(request, pk):
    """A permalink: published or retracted (with the reason); a draft is a 404."""
    statement = get_object_or_404(Statement.objects.public().with_related().with_role(), pk=pk)
    topic_ids = [topic.pk for topic in statement.topics.all()]
    related = []
    if topic_ids:
        related = list(
            Statement.objects.published()
            .for_official(statement.speaker_id)
            .linked_to(topics=topic_ids)
            .exclude(pk=statement.pk)
            .newest_first()[:RELATED_LIMIT]
        )
    return render(
        request,
        "statements/statement_detail.html",
        {"statement": statement, "related": related, "retracted": statement.status == Status.RETRACTED},
    )


@require_safe
def official_detail(request, slug):
    official = get_object_or_404(Official.objects.select_related("country"), slug=slug)
    context = {"official": official, "positions": list(official.positions.select_related("country"))}
    return entity_timeline(
        request, "statements/official_detail.html", context, Statement.objects.published().for_official(official)
    )


@require_safe
def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.select_related("parent"), slug=slug)
    ids = Topic.subtree_ids([topic])
    statements = Statement.objects.published().linked_to(topics=ids)
    context = {"topic": topic, "children": list(topic.children.all())}
    return entity_timeline(request, "statements/topic_detail.html", context, statements)


@require_safe
def country_detail(request, code):
    country = get_object_or_404(Country, code=code.upper())
    officials = list(officials_with_published_statements().filter(country=country).order_by("name"))
    statements = Statement.objects.published().linked_to(countries=[country.pk])
    context = {"country": country, "officials": officials}
    return entity_timeline(request, "statements/country_detail.html", context, statements)


def published_counts(field: str) -> dict[int, int]:
    """Published statements per topic or country (a many-to-many `field`), by id, for the index pages.

    Every link is counted from the (topic_id, statement_id) index, then the links of the few statements that are
    not published are taken away: joining each of a million links to its statement to check the status took 2–3 s
    at a million statements; this takes 0.15–0.25 s (docs/performance.md).
    """
    through = getattr(Statement, field).through
    target = Statement._meta.get_field(field).m2m_reverse_name()
    counts = Counter(dict(through.objects.order_by().values_list(target).annotate(n=Count("statement_id"))))
    unpublished = Statement.objects.filter(status__in=[s for s in Status.values if s != Status.PUBLISHED])
    hidden = through.objects.filter(statement_id__in=unpublished.values("pk")).order_by().values_list(target)
    counts.subtract(dict(hidden.annotate(n=Count("statement_id"))))
    return counts


def with_counts(objects, counts: dict[int, int]) -> list:
    """The objects that have published statements, each with its count as `n`."""
    found = []
    for obj in objects:
        obj.n = counts.get(obj.pk, 0)
        if obj.n > 0:
            found.append(obj)
    return found


@require_safe
def official_list(request):
    counts = dict(Statement.objects.published().order_by().values_list("speaker_id").annotate(n=Count("pk")))
    officials = with_counts(Official.objects.select_related("country").order_by("name"), counts)
    return render(request, "statements/official_list.html", {"officials": officials})


@require_safe
def topic_list(request):
    counts = published_counts("topics")
    topics = list(Topic.objects.all())
    for topic in topics:
        topic.n = counts.get(topic.pk, 0)  # every topic is listed, with 0 when it has no published statements
    return render(request, "statements/topic_list.html", {"topics": topic_tree(topics)})


@require_safe
def country_list(request):
    countries = with_counts(Country.objects.order_by("name"), published_counts("countries"))
    return render(request, "statements/country_list.html", {"countries": countries})
