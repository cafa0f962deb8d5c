"""How a statement query is steered on each database, behind the QuerySet's vocabulary (statements/models.py).

The domain says what to find (`published()`, `search()`, `linked_to()`, `from_outlets()`, `in_language()`); this
module decides how each database finds it fast at a million statements (docs/performance.md):

- walk or list: a condition matching many statements is tested on each row while walking the date index, which
  stops after the newest matches a page needs (`TestedWhileWalking`); a rare one is listed from its own index and
  its few matches sorted (`is_common` chooses, from `LIST_VS_WALK`);
- the first matches as one row: the ids, speakers, dates and topics of the first matches joined into one text per
  column by the database (`first_matches`, `JoinedText`);
- the one count cap, `COUNT_CAP`: a list reads, counts and pages through at most this many of the newest matches
  (the timeline, the admin's changelists, the walk-or-list threshold).

The functions take the queryset they steer and return a filtered one, reading the model from it, and are given
what else they need of the domain (the published status): the models import this module, never the reverse.
"""

import bisect
import functools
import itertools
import math
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from django.db import connections, models
from django.db.models import Case, Q, Value, When
from django.db.models.expressions import ExpressionList, RawSQL
from django.db.models.functions import Cast, Concat, Substr
from django.db.models.lookups import Exact, Lookup

from . import search
from .denormalised import set_member

# Counting a million matches costs a scan of them all; counting up to this many costs a bounded index walk. A list
# reads at most this many of the newest matches; above it the count reads "10,000+" and page numbers stop.
COUNT_CAP = 10_000
# How many statements a walk of the date index passes in the time it takes to list one match (`is_common`),
# measured at a million statements on each database (docs/performance.md#walking-or-listing).
LIST_VS_WALK = {"sqlite": 15, "postgresql": 30}


class TestedWhileWalking(models.Func):
    """`column IN (subquery)`, or `column IN (values)`, written so that the database tests each row against the list
    while walking the date index, instead of driving the query from the list (or the column's own index) and
    sorting all it finds. A subquery's list is read once.

    SQLite: `+column IN (…)`, the unary plus keeping SQLite from using the column's index. PostgreSQL:
    `(column IN (…)) IS TRUE`, which PostgreSQL does not turn into a join, so the list becomes a hashed subplan,
    nor answers from the column's index.
    """

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, column: str, values):
        if isinstance(values, list | tuple):  # constants: `(%s, %s)`
            values = ExpressionList(*(Value(value) for value in values), template="(%(expressions)s)")
        super().__init__(models.F(column), values)

    def as_sql(self, compiler, connection, template="(+%s IN %s)", **extra_context):
        (column, column_params), (values, values_params) = map(compiler.compile, self.source_expressions)
        return template % (column, values), (*column_params, *values_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="((%s IN %s) IS TRUE)")


class AlsoReported(models.Expression):
    """A filter matching a statement by its primary source (`primary`, steered as without other reports) or by
    another of its reports (`other`: the few statements other reports name, which `primary` does not match). Read in
    a single query (the CSV, the API, the feeds, the alerts) it is `together()`, the OR of the two as the planner
    steers it, built when first compiled: the timeline never reads it, nor pays for choosing its shape.

    The timeline's first matches read the two apart (planner.first_matches), the query's `also_reported_parts`
    naming the part each condition reads, so that the primary part keeps the walk of its own index in date order.
    """

    conditional = True
    output_field = models.BooleanField()
    _keys = itertools.count()

    def __init__(self, together, primary: Q, reports, plain: Q):
        super().__init__(output_field=models.BooleanField())
        self.together, self.primary, self.reports, self.plain = functools.cache(together), primary, reports, plain
        self.other = self.since(None, True)
        self.key = next(self._keys)

    def since(self, bound: str | None, newest: bool) -> Q:
        """The other part: the statements `reports` name that `plain` (the primary condition) does not match, only
        those dated from `bound` on (up to it when not `newest`), read from the reports' copies of their statement's
        date (statements/other_reports.py): a few entries of the copies' index."""
        reports = self.reports
        if bound is not None:
            reports = reports.filter(**{"statement_date__gte" if newest else "statement_date__lte": bound})
        return Q(pk__in=reports.order_by().values("statement_id")) & ~self.plain

    def get_source_expressions(self):
        return [self.primary, self.other]

    def set_source_expressions(self, exprs):
        self.primary, self.other = exprs

    def as_sql(self, compiler, connection):
        part = getattr(compiler.query, "also_reported_parts", {}).get(self.key)
        bound = getattr(compiler.query, "also_reported_since", None)
        # Built when compiled: columns of the statement's own row and subqueries, no join to add.
        if part is None:
            condition = self.together().resolve_expression(compiler.query, allow_joins=False)
        elif part == 1 and bound is not None:
            condition = self.since(*bound).resolve_expression(compiler.query, allow_joins=False)
        else:
            condition = (self.primary, self.other)[part]
        # Each is a resolved Q, which compiles in parentheses.
        return compiler.compile(condition)


def also_reported_in(node) -> list[AlsoReported]:
    """The AlsoReported conditions of a query's WHERE (not those of its subqueries)."""
    if isinstance(node, AlsoReported):
        return [node]
    children = getattr(node, "children", None)
    if children is None:
        children = node.get_source_expressions() if hasattr(node, "get_source_expressions") else []
    return [found for child in children if child is not None for found in also_reported_in(child)]


class JoinedText(models.Aggregate):
    """A column's values as one text, `separator` between them, in the order the rows arrive (GROUP_CONCAT on
    SQLite, STRING_AGG on PostgreSQL): one row of text instead of a row per value."""

    function = "GROUP_CONCAT"
    output_field = models.TextField()

    def __init__(self, expression, separator: str):
        super().__init__(Cast(expression, models.TextField()), Value(separator))

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


@dataclass
class FirstMatches:
    """The first matches of a query, in its order (StatementQuerySet.first_matches): what the timeline pages
    through and counts its facets and chart from. One entry per statement in each list, as text."""

    ids: list[str]
    speaker_ids: list[str]
    # "YYYY-MM-DD"; a first of the month followed by its precision, "2016-11-01 month" (first_matches)
    dates: list[str]
    topics: list[str]  # each statement's topics_cache, ",3,17,"

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def per_date(self) -> Counter:
        """How many matches carry each date text: counted once for the facets' years and the chart."""
        return Counter(self.dates)

    def first(self, n: int) -> "FirstMatches":
        return FirstMatches(self.ids[:n], self.speaker_ids[:n], self.dates[:n], self.topics[:n])


def first_matches(statements, limit: int) -> FirstMatches:
    """Id, speaker, date and topics of the first `limit` statements in the queryset's order (`first_matches_of`).

    A filter that also matches statements through their other reports (`AlsoReported`: the outlet and language
    filters) is read in parts when the order is by date: first the primary matches, the query exactly as it is
    without other reports (the walk of the outlet's index); then the few statements only another report matches,
    listed, newer than the last primary match read (older when oldest first); the two merged in order
    (`merged`). The database would answer the OR of the two by sorting every primary match
    (docs/performance.md#other-reports). The parts match no statement twice.
    """
    alternatives = also_reported_in(statements.query.where)
    if not alternatives or date_order(statements) is None:
        return first_matches_of(statements, limit)
    newest = date_order(statements) == "newest"
    found = first_matches_of(reading_parts(statements, {a.key: 0 for a in alternatives}), limit)
    bound = found.dates[-1][:10] if len(found) >= limit else None
    for choice in itertools.product((0, 1), repeat=len(alternatives)):
        if any(choice):
            part = reading_parts(statements, {a.key: c for a, c in zip(alternatives, choice, strict=True)})
            if bound is not None:
                part = part.filter(date__gte=bound) if newest else part.filter(date__lte=bound)
                part.query.also_reported_since = (bound, newest)
            found = merged(found, first_matches_of(part, limit), newest=newest, limit=limit)
    return found


def reading_parts(statements, choice: dict):
    """`statements` with each AlsoReported condition (by key) reading only its primary (0) or other reports' (1)
    part."""
    statements = statements.all()
    statements.query.also_reported_parts = choice
    return statements


def date_order(statements) -> str | None:
    """ "newest" or "oldest" when the queryset is ordered by date then id, else None (by relevance)."""
    query = statements.query
    order = tuple(query.order_by) or (tuple(statements.model._meta.ordering) if query.default_ordering else ())
    return {("-date", "-id"): "newest", ("date", "id"): "oldest"}.get(order)


def merged(first: FirstMatches, second: FirstMatches, *, newest: bool, limit: int) -> FirstMatches:
    """The first `limit` of two disjoint lists of matches, each in date-then-id order (descending when `newest`).
    The second is few: each of its entries is placed by a binary search of the first (`bisect`), comparing dates
    and, on the same date, ids; then each column is put together from slices of the first."""
    if not second:
        return first
    dates, ids = first.dates, first.ids
    positions, start = [], 0
    for date_text, pk_text in zip(second.dates, second.ids, strict=True):
        place = (date_text[:10], int(pk_text))

        def behind(index: int, place=place) -> bool:
            """Whether the first list's entry at `index` comes after `place` (False before it, True from it on)."""
            other = (dates[index][:10], int(ids[index]))
            return other < place if newest else other > place

        start = bisect.bisect_left(range(len(dates)), True, lo=start, key=behind)
        positions.append(start)
    columns = []
    for ours, theirs in zip(
        (first.ids, first.speaker_ids, first.dates, first.topics),
        (second.ids, second.speaker_ids, second.dates, second.topics),
        strict=True,
    ):
        column, taken = [], 0
        for position, entry in zip(positions, theirs, strict=True):
            column += ours[taken:position]
            column.append(entry)
            taken = position
            if len(column) >= limit:
                break
        column += ours[taken : taken + max(limit - len(column), 0)]
        columns.append(column[:limit])
    return FirstMatches(*columns)


def first_matches_of(statements, limit: int) -> FirstMatches:
    """Id, speaker, date and topics of the first `limit` statements in the queryset's order, in one query that
    answers one row: each column joined into one text by the database (JoinedText), around the query itself with
    its LIMIT. It spares the Python that handing over a row per match costs
    (docs/performance.md#first-matches-as-one-row).

    The texts keep the order in which the limited query gives its rows: both databases aggregate a subquery's rows
    as they come (tests/test_timeline.py checks the pages' order on both, in every sort order).

    A date on the first of a month may stand for the month or the year (the date's precision): for those only, the
    precision follows the date. The covering indexes the timeline walks hold the precision (migration 0029), so it
    is read from the index like the date; only the first of a month carries it, keeping the text short.
    """
    date = Cast("date", models.CharField())
    dated = Case(
        When(Exact(Substr(date, 9, 2), Value("01")), then=Concat(date, Value(" "), "date_precision")),
        default=date,
        output_field=models.CharField(),
    )
    # Only the annotation is named here: Django selects the columns the aggregates read in the subquery.
    first = statements.annotate(dated=dated).values("dated")[:limit]
    texts = first.aggregate(
        ids=JoinedText("pk", ","),
        speaker_ids=JoinedText("speaker_id", ","),
        dates=JoinedText("dated", ","),
        topics=JoinedText("topics_cache", ";"),
    )
    if texts["ids"] is None:  # no match
        return FirstMatches([], [], [], [])
    ids, speaker_ids, dates = (texts[name].split(",") for name in ("ids", "speaker_ids", "dates"))
    return FirstMatches(ids, speaker_ids, dates, texts["topics"].split(";"))


def in_id_list(rows, column: str, ids: list[str]):
    """`rows` whose `column` is one of `ids` (as first_matches gives them: up to COUNT_CAP + 1 ids as text), the
    list passed as one parameter: a JSON array on SQLite (whose limit on parameters is lower than the list is long),
    an array on PostgreSQL. The database probes `column`'s index once per id."""
    if connections[rows.db].vendor == "postgresql":
        listed = RawSQL("SELECT unnest(CAST(%s AS bigint[]))", ["{" + ",".join(ids) + "}"])
    else:
        listed = RawSQL("SELECT value FROM json_each(%s)", ["[" + ",".join(ids) + "]"])
    return rows.filter(**{f"{column}__in": listed})


def is_common(statements, matches) -> bool:
    """Whether a condition matches enough statements for walking the date index to beat listing its matches.

    Listing costs a row lookup per match and a sort of them all; the walk tests each statement it passes and
    passes COUNT_CAP × statements / matches of them. The two are equal near √(COUNT_CAP × statements /
    LIST_VS_WALK) matches: at a million statements 26,200 on SQLite and 18,500 on PostgreSQL. `matches(threshold,
    statements)` counts the matches, stopping at the threshold, or estimates them.
    """
    threshold, size = list_threshold(statements)
    return threshold > 0 and matches(threshold, size) >= threshold


def list_threshold(statements) -> tuple[int, int]:
    """(how many matches make a condition common, the table's size estimated from its largest id) (`is_common`)."""
    vendor = connections[statements.db].vendor
    if vendor not in LIST_VS_WALK:
        return 0, 0
    size = statements.model.objects.using(statements.db).aggregate(largest_id=models.Max("pk"))["largest_id"] or 0
    return math.isqrt(COUNT_CAP * size // LIST_VS_WALK[vendor]), size


def id_in(statements, ids, *, walk: bool):
    """`id IN (ids)`, written so that SQLite finds the newest matches fast (docs/performance.md).

    SQLite answers `id IN (…)` by reading the whole list and sorting its statements by date: quick for a value on a
    few thousand statements, slow for one on a third of a million. For a common value (`walk`) the query tests each
    statement against the list while walking the date index (`TestedWhileWalking`), stopping after the newest
    matches a page needs. Word searches use it (`matching_words`); a many-to-many link is tested on the row's copy
    instead (`linked_to`), an outlet or a language on the copy of the source's (`from_outlets`, `in_language`).
    """
    return statements.filter(TestedWhileWalking("pk", ids) if walk else Q(id__in=ids))


def matching_words(statements, terms, *, by_date: bool, published: str):
    """Statements matching the parsed search `terms` (StatementQuerySet.search).

    `by_date=False` when the results will be ordered by relevance: every match is then ranked, so the matches are
    listed. By date, a common word is tested while walking the date index instead (`is_common`): on SQLite by
    `+id IN (…)` (`id_in`), on PostgreSQL on the document the index carries. `published` is the status the walking
    index holds (the caller's Status.PUBLISHED: the planner does not import the models).
    """
    connection = connections[statements.db]
    if connection.vendor == "postgresql":
        estimate = lambda threshold, size: estimated_matches(statements, terms, size, published)  # noqa: E731
        walk = by_date and is_common(statements, estimate)
        return statements.filter(search.document_condition(terms, walk=walk))
    sql, params = search.matching_ids_sql(terms)

    def count_up_to(threshold: int, size: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT %s) AS found", [*params, threshold])
            return cursor.fetchone()[0]

    walk = by_date and is_common(statements, count_up_to)
    return id_in(statements, RawSQL(sql, params), walk=walk)


def estimated_matches(statements, terms, size: int, published: str, newest: int | None = None) -> int:
    """PostgreSQL: how many statements the search terms match, estimated. Counting them would visit each match's
    row, so they are estimated twice: from the planner's statistics, which know a word's share of the whole table
    but misjudge phrases and words that go together, and from the share of the `newest` statements that match (read
    from the walking index), which is where a walk goes first. The smaller wins.
    """
    sql, params = search.newest_matching_sql(terms, published, newest or COUNT_CAP)
    with connections[statements.db].cursor() as cursor:
        overall = search.share_at_most(terms, cursor) * size
        cursor.execute(sql, params)
        examined, matching = cursor.fetchone()
    return int(min(overall, matching * size / max(examined, 1)))


def coded(statements, codings, patterns: list[str], *, shape: str | None = None):
    """Statements with a coding among `codings` (StatementQuerySet.coded), never a JOIN + DISTINCT.

    A rare condition (fewer matches than `is_common`'s threshold) is listed from the codings' covering indexes (by
    target, by stance, by act; migration 0032), which give the statement ids without reading a coding row, and its
    few matches are sorted by date. A common one is tested on the statement's own copy of its codings while walking
    the date index: `patterns` (denormalised.coding_patterns) on `codings_cache`, which the walked index
    `statement_coded_cover` holds, like a common topic on `topics_cache` (`linked_to`;
    docs/performance.md#coding-filters).

    A caller whose query another index drives (the relations page walks a speaker's statements, whose index holds
    no copy of the codings) asks for `shape="probed"`: one probe of each statement's codings (an EXISTS).
    """
    if shape == "probed":
        return statements.filter(models.Exists(codings.filter(statement=models.OuterRef("pk"))))
    ids = codings.order_by().values("statement_id")
    if coding_shape(statements, ids) == "listed":
        return statements.filter(id__in=ids)
    any_of = Q()
    for pattern in patterns:
        any_of |= Q(Like(models.F("codings_cache"), pattern))
    return statements.filter(any_of)


def coding_shape(statements, ids) -> str:
    """ "listed" or "walked" (`coded`): the matching codings' statement `ids` counted up to the walk threshold, one
    query on a covering index."""
    common = is_common(statements, lambda threshold, size: ids[:threshold].count())
    return "walked" if common else "listed"


class Like(Lookup):
    """`column LIKE pattern`, the pattern's `%` and `_` read as wildcards (Django's `contains` escapes them)."""

    lookup_name = "like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


def linked_to(statements, field: str, ids):
    """Statements linked, in the many-to-many `field`, to any of `ids` (StatementQuerySet.linked_to).

    Never a JOIN + DISTINCT. Ids linked to few statements are a subquery on the link table's index; common ones are
    a test on the statement's own copy of its links (`{field}_cache`, statements/denormalised.py), made while walking
    the date index, which stops after the newest matches a page needs (`is_common`).
    """
    model = statements.model
    rows = getattr(model, field).through.objects.filter(
        **{f"{model._meta.get_field(field).m2m_reverse_field_name()}__in": ids}
    )
    if is_common(statements, lambda threshold, size: rows.values("pk")[:threshold].count()):
        any_of = Q()
        for pk in ids:
            any_of |= Q(**{f"{field}_cache__contains": set_member(pk)})
        return statements.filter(any_of)
    return statements.filter(id__in=models.Subquery(rows.values("statement_id")))


def from_outlets(statements, outlet_ids: list, *, reports=None):
    """Statements whose source an outlet in `outlet_ids` published, read from each statement's copy of its source's
    outlet (statements/denormalised.py), never a join that the database drives from the sources; and, given
    `reports` (the other reports from these outlets, when there are any), the statements they name
    (docs/trust.md#other-reports): an `AlsoReported` condition. Without `reports` the query is exactly what it was
    before statements had other reports, and so is its primary part with them.

    One outlet (an id, or an OuterRef in a correlated subquery: Outlet.objects.public()) is a walk of
    `statement_outlet_date_cover` in date order, which stops after the newest matches, however common the outlet.
    Several are listed from that index when rare; when common they are tested while walking the date index
    (`is_common`): listing a quarter of a million statements means sorting them all.
    """
    if len(outlet_ids) == 1:
        plain = primary = Q(outlet_cache=outlet_ids[0])
        if reports is None:
            return statements.filter(primary)
    else:
        plain = Q(outlet_cache__in=outlet_ids)
    reported = statements.model.objects.filter(outlet_cache__in=outlet_ids).order_by().values("pk")
    if len(outlet_ids) > 1:
        common = is_common(statements, lambda threshold, size: reported[:threshold].count())
        primary = Q(TestedWhileWalking("outlet_cache", outlet_ids)) if common else plain
        if reports is None:
            return statements.filter(primary)

    def together() -> Q:
        also = reports.order_by().values("statement_id")

        def count_up_to(threshold: int, size: int) -> int:
            return reported[:threshold].count() + also[:threshold].count()

        if is_common(statements, count_up_to):
            return Q(TestedWhileWalking("outlet_cache", outlet_ids) | TestedWhileWalking("pk", also))
        return _listed(statements, plain, [reported], also)

    return statements.filter(AlsoReported(together, primary, reports, plain))


def in_language(statements, code: str, *, reports=None):
    """Statements said in the language `code` (`original_language`) or reported in it (the copy of their source's
    language, statements/denormalised.py), and, given `reports` (the other reports in it, when there are any), the
    statements they name (`AlsoReported`). A common language is tested on both columns while walking the date index
    (`is_common`); a rare one lists its statements from the two columns' indexes.
    """
    reported = statements.model.objects.filter(source_language_cache=code).order_by().values("pk")
    said = statements.model.objects.filter(original_language=code).order_by().values("pk")

    def count_up_to(threshold: int, size: int) -> int:
        found = reported[:threshold].count()
        return found + (said[:threshold].count() if found < threshold else 0)

    plain = Q(source_language_cache=code) | Q(original_language=code)
    walked = TestedWhileWalking("source_language_cache", [code]) | TestedWhileWalking("original_language", [code])
    common = is_common(statements, count_up_to)
    primary = Q(walked) if common else _listed(statements, plain, [reported, said])
    if reports is None:
        return statements.filter(primary)

    def together() -> Q:
        also = reports.order_by().values("statement_id")
        if common:
            return primary | Q(TestedWhileWalking("pk", also))
        return _listed(statements, plain, [reported, said], also)

    return statements.filter(AlsoReported(together, primary, reports, plain))


def _listed(statements, condition: Q, lists: list, also=None) -> Q:
    """A rare condition's few matches, listed from indexes and sorted, with the ids `also` (none: exactly the
    condition before other reports). PostgreSQL reads the indexes into one bitmap
    (docs/performance.md#walking-or-listing); SQLite would walk the date index for an OR (the whole index for a
    rare value), so it is given the lists, each from its index, as one `id IN (… UNION ALL …)`."""
    if connections[statements.db].vendor == "postgresql":
        return condition if also is None else condition | Q(pk__in=also)
    if also is not None:
        lists = [*lists, also]
    if len(lists) == 1:
        return condition
    return Q(id__in=lists[0].union(*lists[1:], all=True))
