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


def from_outlets(statements, outlet_ids: list[int]):
    """Statements whose source an outlet in `outlet_ids` published, read from each statement's copy of its source's
    outlet (statements/denormalised.py), never a join that the database drives from the sources.

    One outlet (an id, or an OuterRef in a correlated subquery: Outlet.objects.public()) is a walk of
    `statement_outlet_date_cover` in date order, which stops after the newest matches, however common the outlet.
    Several are listed from that index when rare; when common they are tested while walking the date index
    (`is_common`): listing a quarter of a million statements means sorting them all.
    """
    if len(outlet_ids) == 1:
        return statements.filter(outlet_cache=outlet_ids[0])
    reported = statements.model.objects.filter(outlet_cache__in=outlet_ids).order_by().values("pk")
    if is_common(statements, lambda threshold, size: reported[:threshold].count()):
        return statements.filter(TestedWhileWalking("outlet_cache", outlet_ids))
    return statements.filter(outlet_cache__in=outlet_ids)


def in_language(statements, code: str):
    """Statements said in the language `code` (`original_language`) or reported in it (the copy of their source's
    language, statements/denormalised.py). A common language is tested on both while walking the date index
    (`is_common`); a rare one lists its statements from the two columns' indexes.
    """
    reported = statements.model.objects.filter(source_language_cache=code).order_by().values("pk")
    said = statements.model.objects.filter(original_language=code).order_by().values("pk")

    def count_up_to(threshold: int, size: int) -> int:
        found = reported[:threshold].count()
        return found + (said[:threshold].count() if found < threshold else 0)

    if is_common(statements, count_up_to):
        return statements.filter(
            TestedWhileWalking("source_language_cache", [code]) | TestedWhileWalking("original_language", [code])
        )
    if connections[statements.db].vendor == "postgresql":
        # Both indexes read into one bitmap (docs/performance.md#walking-or-listing).
        return statements.filter(Q(source_language_cache=code) | Q(original_language=code))
    # SQLite would walk the date index for the OR (the whole index for a rare language): the two lists instead.
    return statements.filter(id__in=reported.union(said, all=True))
