"""A page of the timeline: the filtered statements read once, paged, under date headings, with the form, chips,
facets and chart built from what was read. Entity pages (an official's, a topic's) page the same way."""

from dataclasses import dataclass, field

from django.core.paginator import InvalidPage, Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render

from ..alerts.subscribing import alert_form_context, alert_query
from ..filters import StatementFilter
from ..models import DatePrecision, Kind, OptionCount, Statement, Topic
from ..planner import COUNT_CAP
from ..search import parse_query, snippets
from .chart import chart_for_matches
from .coding_facets import CODING_FACETS
from .facets import facet_counts_for_matches
from .form import FormLists, active_chips, form_fields, published_speakers
from .querystrings import without_page

PAGE_SIZE = 25


@dataclass
class DayGroup:
    label: str  # "Friday 11 November 2016"; "" when the day is not known
    statements: list = field(default_factory=list)


@dataclass
class MonthGroup:
    label: str  # "November 2016"; "" for statements dated only to the year
    days: list[DayGroup] = field(default_factory=list)


@dataclass
class YearGroup:
    year: int
    months: list[MonthGroup] = field(default_factory=list)


def group_by_date(statements) -> list[YearGroup]:
    """Nest statements, in their given order, under year / month / day headings as precisely as each is dated."""
    years: list[YearGroup] = []
    last_keys: tuple = ()
    for statement in statements:
        day = statement.date
        precision = statement.date_precision
        month_key = None if precision == DatePrecision.YEAR else day.month
        day_key = day.day if precision == DatePrecision.DAY else None
        if not years or years[-1].year != day.year:
            years.append(YearGroup(day.year))
            last_keys = ()
        year = years[-1]
        if not year.months or last_keys[:1] != (month_key,):
            year.months.append(MonthGroup(day.strftime("%B %Y") if month_key else ""))
            last_keys = (month_key,)
        month = year.months[-1]
        if not month.days or last_keys != (month_key, day_key):
            month.days.append(DayGroup(f"{day:%A} {day.day} {day:%B %Y}" if day_key else ""))
            last_keys = (month_key, day_key)
        month.days[-1].statements.append(statement)
    return years


class PageNotFound(Exception):
    """A page number past the end (or not a number): the view answers 404 with a link to page 1."""


class BoundedPaginator(Paginator):
    """Pages over the first COUNT_CAP matches, read in one query (StatementQuerySet.first_matches).

    The count is exact up to the limit and "10,000+" beyond it (`capped`); page numbers stop at the limit.
    `matches` (planner.FirstMatches) holds the ids, speakers, dates and topics of the matches in the requested
    order, from which the timeline counts its facets and chart without grouping the whole table again (all
    matches when not capped, the first COUNT_CAP otherwise). All four come from the timeline's covering index.
    """

    def __init__(self, statements, per_page: int):
        found = statements.first_matches(COUNT_CAP + 1)
        self.capped = len(found) > COUNT_CAP
        self.matches = found.first(COUNT_CAP) if self.capped else found
        super().__init__(self.matches.ids, per_page)

    @property
    def count_label(self) -> str:
        """The count as shown: "1,234", or "10,000+" when there are more than the limit."""
        return f"{self.count:,}+" if self.capped else f"{self.count:,}"


def paginate(request, statements, topics: dict[int, Topic] | None = None):
    """The requested page of `statements`: the ids of the first matches in one query, then the page's rows.

    Ids first: walking an index of ids is cheap, while the full rows (joins, the role subquery, the topics) are
    built only for the page's 25 statements. This keeps every page, the last one included, as fast as the first.
    The statements' topics are named from `topics` (id → Topic) when the caller has read them all already.
    """
    paginator = BoundedPaginator(statements, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise PageNotFound from None
    ids = [int(pk) for pk in page.object_list]
    rows = Statement.objects.filter(pk__in=ids).for_list_items().with_role().in_bulk() if ids else {}
    page.object_list = [rows[pk] for pk in ids if pk in rows]  # one deleted in between is left out
    prepare_for_list(page.object_list, topics)
    return page


def prepare_for_list(statements, topics: dict[int, Topic] | None = None) -> None:
    """Set `shown` on each statement: what includes/statement_item.html shows of it, as plain values in a dict.

    The template language resolves `statement.speaker.get_absolute_url` step by step, and on a model each step
    first tries indexing, fails, then reads the attribute and checks whether to call it; a key of a dict is one
    step. With some twenty values per statement and 25 statements per page, reading them here costs a fraction.

    The topics are listed in name order from the statement's copy of their ids (Statement.topic_ids), named from
    `topics` (id → Topic) when the caller has them, else from one query: prefetching them through the link table
    cost a query and more Python per page. `text` is the statement's text, which a search page replaces with its
    highlighted snippet (`show_highlighted`).
    """
    if topics is None:
        topics = Topic.objects.in_bulk({pk for statement in statements for pk in statement.topic_ids})
    for statement in statements:
        speaker, source = statement.speaker, statement.source
        found = sorted((topics[pk] for pk in statement.topic_ids if pk in topics), key=lambda t: (t.name, t.pk))
        statement.shown = {
            "kind": statement.kind,
            "paraphrase": statement.kind == Kind.PARAPHRASE,
            "speaker": speaker.name,
            "speaker_url": speaker.get_absolute_url(),
            "role": statement.role_on_date(),
            "country": speaker.country.name if speaker.country else "",
            "text": statement.text,
            "topics": [(topic.get_absolute_url(), topic.name) for topic in found],
            "outlet": source.outlet.name if source else "",
            "source_url": source.url if source else "",
            "url": statement.get_absolute_url(),
            "iso_date": statement.date.isoformat(),
            "date": statement.display_date,
        }


def show_highlighted(statements, highlights: dict) -> None:
    """On a search page, show each statement's highlighted snippet (search.snippets) in place of its text."""
    for statement in statements:
        if highlights.get(statement.pk):
            statement.shown["text"] = highlights[statement.pk]


def page_not_found(request):
    """The 404 for a page past the end keeps the filters and offers page 1."""
    params = without_page(request.GET)
    first_page = request.path + ("?" + params.urlencode() if params else "")
    context = {"first_page": first_page, "page_limit": f"{COUNT_CAP:,}"}
    return render(request, "statements/page_not_found.html", context, status=404)


WIDEN_LIMIT = 6  # suggestions on an empty result, the largest first


@dataclass
class Wider:
    chip: object  # the chip (form.Chip) whose removal this is
    count: int  # up to COUNT_CAP + 1
    count_label: str  # "42", or "10,000+"
    url: str


def wider_filters(statement_filter, chips) -> list[Wider]:
    """For an empty result: what removing each active value alone would give, the largest first (a bounded count
    each, one query or a few per value, made only on an empty page)."""
    found: list[Wider] = []
    for chip in chips:
        wider = StatementFilter(QueryDict(chip.remove_url.lstrip("?")), queryset=statement_filter.queryset)
        if not wider.is_valid():
            continue
        n = len(wider.qs.first_matches(COUNT_CAP + 1))
        if n:
            found.append(Wider(chip, n, f"{COUNT_CAP:,}+" if n > COUNT_CAP else f"{n:,}", chip.remove_url))
    found.sort(key=lambda wider: -wider.count)
    return found[:WIDEN_LIMIT]


def timeline_page(request):
    """The timeline for this request: 400 with the form saying why for an invalid filter, 404 for a page past the
    end, else the page. The matches are read once; facets and chart count them.

    A query string with empty, repeated or default values, or parameters that are not filters (what submitting the
    form gives), is redirected to its canonical form first, so that the address people copy is clean. Order and case
    are left as typed: the same filter either way, and a link someone made keeps working unchanged."""
    statement_filter = StatementFilter(request.GET, queryset=Statement.objects.published())
    if not statement_filter.is_clean():
        canonical = statement_filter.canonical_query()
        return redirect(request.path + (f"?{canonical}" if canonical else ""))
    params = statement_filter.data
    # Read once, used three times: the filter form lists them, the facets and the page's statements name them.
    counts = OptionCount.objects.counts()
    topics, speakers = Topic.objects.in_bulk(), published_speakers(counts)
    lists = FormLists(params, topics=topics, speakers=speakers, counts=counts)
    context = {
        "filter": statement_filter,
        "in_words": statement_filter.in_words() if statement_filter.is_valid() else "",
        "fields": form_fields(statement_filter, lists),
        "same_filters": without_page(params).urlencode(),  # for the CSV, report and feed links
    }
    if statement_filter.is_valid():
        context.update(alert_form_context(alert_query(statement_filter)))
    if not statement_filter.is_valid():
        return render(request, "statements/timeline.html", context, status=400)
    try:
        page = paginate(request, statement_filter.qs, topics)
    except PageNotFound:
        return page_not_found(request)
    found = page.paginator.count > 0
    cleaned = statement_filter.form.cleaned_data
    q = cleaned.get("q")
    if q:  # highlighted snippets, computed for this page's rows only (one query)
        highlights = snippets([statement.pk for statement in page.object_list], parse_query(q))
        show_highlighted(page.object_list, highlights)
    # Facets and chart describe the matches the paginator read: all of them up to COUNT_CAP, else the first
    # COUNT_CAP in the current order (the page says so). Grouping a million rows per request would cost seconds.
    matches = page.paginator.matches
    # The chart spans the filter's dates; when it counts only the first matches, only the dates those cover.
    span = {} if page.paginator.capped else {name: cleaned.get(name) for name in ("date_from", "date_to")}
    facets = facet_counts_for_matches(matches, params, speakers=speakers, topics=topics) if found else None
    chips = active_chips(statement_filter)
    context.update(
        page=page,
        groups=group_by_date(page.object_list),
        chips=chips,
        widen=[] if found else wider_filters(statement_filter, chips),
        facets=facets,
        # The codings' facets are fetched apart (coding_facets.py).
        facet_groups=[
            (f.public.facet, facets[name])
            for name, f in statement_filter.public_filters()
            if f.public.facet and name not in CODING_FACETS
        ]
        if facets
        else [],
        chart=chart_for_matches(matches, params, **span) if found else None,
        sampled=page.paginator.capped,
        sample_size=f"{COUNT_CAP:,}",
    )
    return render(request, "statements/timeline.html", context)
