"""The statements and sources changelists at scale: a bounded count, and filters that do not scan the whole table.

Django's defaults each read every statement on every page view: the paginator's COUNT(*), the date hierarchy's
MIN/MAX and SELECT DISTINCT year, and RelatedOnlyFieldListFilter's SELECT DISTINCT speaker. These replacements
read an index or a small table instead. See docs/admin.md.
"""

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import PAGE_VAR
from django.core.paginator import Paginator
from django.db.models import Q, Subquery
from django.utils.functional import cached_property

from statements.models import Country, Official, Source, Statement, Status, Topic

# Counting stops at the one cap: beyond it the list says "10,000+" (and offers the first 10,001 rows' pages).
from statements.planner import COUNT_CAP


class CappedCount(int):
    """A count that prints as "10,000+" once it passed the cap; it compares as the number of rows counted (cap+1)."""

    def __str__(self):
        return f"{COUNT_CAP:,}+" if self > COUNT_CAP else super().__str__()


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows, so a page of a million-row list never counts the whole table."""

    @cached_property
    def count(self) -> int:
        # Unordered (any rows will do for a count) and only the id: a LIMITed subquery the database stops early.
        return CappedCount(self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    def _get_page(self, object_list, number, paginator):
        # Two steps: the page's ids first, which an index can often give without reading the rows (a year sorted
        # by id), then only those rows, in the list's order. Sorting whole rows to keep 100 is what costs.
        # The rows are fetched by id alone, not through the list's filters again: re-applying a search would make
        # the database find every match a second time (docs/performance.md#admin-at-scale).
        ids = list(object_list.values_list("pk", flat=True))
        listed = self.object_list
        rows = listed.model._default_manager.filter(pk__in=ids)
        if listed.query.order_by:  # the changelist always orders explicitly; else the model's ordering applies
            rows = rows.order_by(*listed.query.order_by)
        rows.query.select_related = listed.query.select_related
        rows = rows.prefetch_related(*listed._prefetch_related_lookups)
        return super()._get_page(rows, number, paginator)


def statement_date_bounds() -> tuple[datetime.date | None, datetime.date | None]:
    """The earliest and latest statement dates, in one query that reads only the ends of the status+date index."""
    # MIN(date) over all rows would scan the table (no index starts with date); per status it is one index probe.
    edges = {
        f"{status}_{end}": Subquery(Statement.objects.filter(status=status).order_by(order).values("date")[:1])
        for status in Status.values
        for end, order in (("first", "date"), ("last", "-date"))
    }
    # Any one row carries the six scalar subqueries; an empty table gives no row.
    rows = list(Statement.objects.order_by().annotate(**edges).values(*edges)[:1])
    if not rows:
        return None, None
    row = rows[0]
    firsts = [row[f"{status}_first"] for status in Status.values if row[f"{status}_first"]]
    lasts = [row[f"{status}_last"] for status in Status.values if row[f"{status}_last"]]
    return min(firsts), max(lasts)


class YearFilter(admin.SimpleListFilter):
    """Statements of one year, as a date range the indexes can use (instead of the date hierarchy's DISTINCT)."""

    title = "year"
    parameter_name = "year"

    def date_bounds(self) -> tuple[datetime.date | None, datetime.date | None]:
        return statement_date_bounds()

    def in_range(self, queryset, start: datetime.date, end: datetime.date):
        # Every statement has one of these statuses (a check constraint), so this changes no result; it lets the
        # database read the year from the (status, -date, -id) index, once per status, instead of every row.
        return queryset.filter(status__in=Status.values, date__gte=start, date__lt=end)

    def lookups(self, request, model_admin):
        first, last = self.date_bounds()
        if first is None:
            return []
        return [(str(year), str(year)) for year in range(last.year, first.year - 1, -1)]

    def has_output(self):
        # Shown (and applied) even when the table is empty, so a bad ?year= is always refused, never ignored.
        return True

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            year = int(self.value())
            start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        except ValueError:
            # List filters run outside the changelist's own error handling: say so, for its "?e=1" error page.
            raise IncorrectLookupParameters(f"“{self.value()}” is not a year.") from None
        return self.in_range(queryset, start, end)


class SourceYearFilter(YearFilter):
    """Sources published in one year: the ends and the range are read from the publication-date index."""

    def date_bounds(self):
        # Two ordered subqueries, one index probe each: SQLite reads MIN and MAX from an index only one at a time.
        oldest, newest = (
            Source.objects.order_by(order).values("published_on")[:1] for order in ("published_on", "-published_on")
        )
        bounds = Source.objects.order_by().annotate(first=Subquery(oldest), last=Subquery(newest))
        row = bounds.values("first", "last").first()
        return (row["first"], row["last"]) if row else (None, None)

    def in_range(self, queryset, start, end):
        return queryset.filter(published_on__gte=start, published_on__lt=end)


class SpeakerFilter(admin.ListFilter):
    """Speaker by name, alias or slug, typed into a box: a list of every official would be tens of thousands long."""

    title = "speaker"
    parameter_name = "speaker"
    template = "admin/statements/statement/text_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        value = params.pop(self.parameter_name, "")
        self.value = (value[-1] if isinstance(value, list) else value).strip()
        if self.value:
            self.used_parameters[self.parameter_name] = self.value

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.parameter_name]

    def queryset(self, request, queryset):
        if not self.value:
            return queryset
        # The officials table is small; the statements are then found through the speaker index.
        officials = Official.objects.filter(
            Q(name__icontains=self.value) | Q(aliases__icontains=self.value) | Q(slug=self.value)
        )
        return queryset.filter(speaker__in=officials.values("pk"))

    def choices(self, changelist):
        # One "choice": what the template needs for a small GET form that keeps the other filters.
        yield {
            "parameter_name": self.parameter_name,
            "value": self.value,
            "hidden": [
                (name, value)
                for name, value in changelist.params.items()
                if name not in (self.parameter_name, PAGE_VAR)
            ],
            "clear_link": changelist.get_query_string(remove=[self.parameter_name]),
        }


class ManyToManyFilter(admin.SimpleListFilter):
    """One topic (or country) as `id IN (SELECT statement_id FROM the link table WHERE …)`, using its index.

    Django's own filter on a many-to-many field joins the link table and adds SELECT DISTINCT over the whole
    result; a subquery cannot repeat rows, so no DISTINCT is needed. The parameter name is the one Django's filter
    used (`topics__id__exact=7`), so existing links keep working.
    """

    field_name: str
    choices_model: type

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in self.choices_model.objects.order_by("name").values_list("pk", "name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        link = Statement._meta.get_field(self.field_name).remote_field.through
        target = f"{self.choices_model._meta.model_name}_id"
        try:
            ids = link.objects.filter(**{target: int(self.value())}).values("statement_id")
        except ValueError:
            raise IncorrectLookupParameters(f"“{self.value()}” is not an id.") from None
        return queryset.filter(pk__in=ids)


class TopicFilter(ManyToManyFilter):
    title = "topic"
    parameter_name = "topics__id__exact"
    field_name = "topics"
    choices_model = Topic


class CountryFilter(ManyToManyFilter):
    title = "country concerned"
    parameter_name = "countries__id__exact"
    field_name = "countries"
    choices_model = Country
