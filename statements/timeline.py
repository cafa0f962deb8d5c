"""Timeline helpers: date headings for a page of statements, and pagination that turns a bad page into a 404."""

from dataclasses import dataclass, field

from django.core.paginator import InvalidPage, Paginator
from django.shortcuts import render

from .models import DatePrecision

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


def paginate(request, statements):
    """The requested page of `statements` (count from the plain queryset, rows with their related data and role)."""
    paginator = Paginator(statements, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise PageNotFound from None
    page.object_list = list(
        statements.with_related().with_role()[page.start_index() - 1 : page.end_index()] if paginator.count else []
    )
    return page


def page_not_found(request):
    """The 404 for a page past the end keeps the filters and offers page 1."""
    params = request.GET.copy()
    params.pop("page", None)
    first_page = request.path + ("?" + params.urlencode() if params else "")
    return render(request, "statements/page_not_found.html", {"first_page": first_page}, status=404)
