"""Timeline helpers: date headings for a page of statements, and pagination that turns a bad page into a 404."""

from dataclasses import dataclass, field

from django.core.paginator import InvalidPage, Paginator
from django.shortcuts import render

from .facets import without_page
from .models import DatePrecision, Statement, Topic
from .planner import COUNT_CAP

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
    `matches` (planner.FirstMatches) holds the ids, speakers, months and topics of the matches in the requested
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
    rows = Statement.objects.filter(pk__in=ids).for_lists().with_role().in_bulk() if ids else {}
    page.object_list = [rows[pk] for pk in ids if pk in rows]  # one deleted in between is left out
    prepare_for_list(page.object_list, topics)
    return page


def prepare_for_list(statements, topics: dict[int, Topic] | None = None) -> None:
    """Set what includes/statement_item.html shows beyond the row: `topic_list` and `highlighted`.

    `topic_list` holds the statement's topics in name order, read from its copy of their ids (Statement.topic_ids)
    and named from `topics` (id → Topic) when the caller has them, else from one query: prefetching them through
    the link table cost a query and ~2 ms of Python per page. `highlighted` is None until a search page sets the
    highlighted text (a template looking up a missing attribute costs a dir() of the object).
    """
    if topics is None:
        topics = Topic.objects.in_bulk({pk for statement in statements for pk in statement.topic_ids})
    for statement in statements:
        found = (topics[pk] for pk in statement.topic_ids if pk in topics)
        statement.topic_list = sorted(found, key=lambda topic: (topic.name, topic.pk))
        statement.highlighted = None


def page_not_found(request):
    """The 404 for a page past the end keeps the filters and offers page 1."""
    params = without_page(request.GET)
    first_page = request.path + ("?" + params.urlencode() if params else "")
    context = {"first_page": first_page, "page_limit": f"{COUNT_CAP:,}"}
    return render(request, "statements/page_not_found.html", context, status=404)
