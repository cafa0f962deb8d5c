"""The timeline's facets for codings: targets, stances and speech acts of the statements the timeline matches, each
entry linking to the narrower filter. Served apart from the page (`coding_facets_page`), which static/js fetches
after the page and shows under the other facets; without JavaScript the page links to them.

Why apart: the codings are in their own table, not in the timeline's covering index, so counting them costs a query
that probes the codings of up to COUNT_CAP matches (docs/performance.md#coding-facets-apart-from-the-page), and
the timeline has no time to spare. The endpoint reads the same first matches the timeline does (the same filter in
the same order) and counts their codings in one more query.

What they count: among those matches, the statements with a coding that matches the filter's own coding conditions
(target, stance and act: one coding must match all that are given, as the filter reads them) and has the entry's
value. So each count is what its link gives (when the matches are not capped): choosing a target with a stance
chosen counts the statements coded toward it with that stance. A statement coded toward two targets counts under
both; once under each stance or act, however many of its codings have it.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connections
from django.db.models import Value
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from .. import planner
from ..filters import NO_STANCE, STANCE_CHOICES, StatementFilter
from ..models import Country, Official, Statement
from ..planner import COUNT_CAP
from ..positions.codebook import SpeechAct
from ..positions.models import Coding
from .facets import FACET_SIZE, FacetEntry
from .querystrings import replacing, with_value

# The filters whose facets are counted here, from the codings, rather than from the matches' own columns.
CODING_FACETS = ("target", "stance", "act")
# The header static/js/coding-facets.js sends for the fragment alone (the same address gives the whole page).
FRAGMENT_HEADER = "X-Requested-With"
# The whole page, and the fragment alone (which the page includes).
TEMPLATES = {False: "statements/coding_facets.html", True: "includes/coding_facets.html"}


@dataclass
class CodingCounts:
    """Statements per target ((country id, official id), one of them None), per stance (None: no stance) and per
    speech act, among the matches."""

    targets: Counter
    stances: Counter
    acts: Counter


def count_codings(ids: list[str], conditions: dict | None) -> CodingCounts:
    """The codings of the statements `ids` that match `conditions` (CodingQuerySet.matching's arguments, None for
    any coding), counted by the database in one query: the codings read once (a materialised CTE), then grouped
    three ways. Statements per target are its codings (one per statement and target: the unique constraints); per
    stance and act, distinct statements (one coded the same toward two targets counts once)."""
    if not ids:
        return CodingCounts(Counter(), Counter(), Counter())
    codings = planner.in_id_list(Coding.objects.order_by(), "statement_id", ids)
    if conditions:
        codings = codings.matching(**conditions)
    columns = ("statement_id", "target_country_id", "target_official_id", "stance", "act")
    read, params = codings.values_list(*columns).query.get_compiler(using=codings.db).as_sql()
    sql = (
        f"WITH m (statement, country, official, stance, act) AS MATERIALIZED ({read})"
        " SELECT 'target', country, official, '', COUNT(*) FROM m GROUP BY country, official"
        " UNION ALL SELECT 'stance', stance, NULL, '', COUNT(DISTINCT statement) FROM m GROUP BY stance"
        " UNION ALL SELECT 'act', NULL, NULL, act, COUNT(DISTINCT statement) FROM m WHERE act <> '' GROUP BY act"
    )
    counts = CodingCounts(Counter(), Counter(), Counter())
    with connections[codings.db].cursor() as cursor:
        cursor.execute(sql, params)
        for kind, number, official, act, n in cursor.fetchall():
            if kind == "target":
                counts.targets[(number, official)] = n
            elif kind == "stance":
                counts.stances[number] = n
            else:
                counts.acts[act] = n
    return counts


def target_names(targets) -> dict[tuple, tuple[str, str]]:
    """(country id, official id) → (the target filter's value, the name), for the countries and officials in
    `targets`, read in one query."""
    countries = [country for country, _ in targets if country]
    officials = [official for _, official in targets if official]
    rows = (
        Country.objects.filter(pk__in=countries)
        .order_by()
        .annotate(target_kind=Value("country"))
        .values_list("target_kind", "pk", "code", "name")
        .union(
            Official.objects.filter(pk__in=officials)
            .order_by()
            .annotate(target_kind=Value("official"))
            .values_list("target_kind", "pk", "slug", "name")
        )
    )
    return {
        ((pk, None) if kind == "country" else (None, pk)): (value.lower() if kind == "country" else value, name)
        for kind, pk, value, name in rows
    }


def coding_facet_entries(counts: CodingCounts, params: QueryDict) -> dict[str, list[FacetEntry]]:
    """The counts as entries linking to the timeline with one more target, or this stance or act, the chosen ones
    marked. The targets counted are named in one query (none when nothing is counted)."""
    timeline = reverse("statements:timeline")
    chosen_targets = {value.strip().lower() for value in params.getlist("target")}
    names = target_names(counts.targets) if counts.targets else {}
    targets = []
    for target, n in counts.targets.items():
        if target not in names:  # deleted since the count
            continue
        value, name = names[target]
        url = timeline + with_value(params, "target", value)
        targets.append(FacetEntry(name, n, url, value in chosen_targets))
    targets.sort(key=lambda entry: (-entry.count, entry.label))
    stance, act = params.get("stance", "").strip(), params.get("act", "").strip()
    stances = [
        FacetEntry(label, n, timeline + replacing(params, stance=value), value == stance)
        for value, label in STANCE_CHOICES
        if (n := counts.stances.get(None if value == NO_STANCE else int(value)))
    ]
    acts = sorted(
        (
            FacetEntry(SpeechAct(value).label, n, timeline + replacing(params, act=value), value == act)
            for value, n in counts.acts.items()
        ),
        key=lambda entry: (-entry.count, entry.label),
    )
    return {"target": targets[:FACET_SIZE], "stance": stances, "act": acts[:FACET_SIZE]}


@require_GET
def coding_facets_page(request):
    """The coding facets of the timeline's filter: the fragment for the timeline's script, or a page of its own
    (without JavaScript, or shared); 400 with the filter's messages for an invalid filter."""
    statement_filter = StatementFilter(request.GET, queryset=Statement.objects.published())
    fragment = request.headers.get(FRAGMENT_HEADER) == "fetch"
    params = statement_filter.data
    query = statement_filter.canonical_query(keep_page=False)
    context = {
        "filter": statement_filter,
        "fragment": fragment,
        "timeline_url": reverse("statements:timeline") + (f"?{query}" if query else ""),
    }
    if not statement_filter.is_valid():
        response = render(request, TEMPLATES[fragment], context, status=400)
    else:
        found = statement_filter.qs.first_matches(COUNT_CAP + 1)
        capped = len(found) > COUNT_CAP
        ids = found.ids[:COUNT_CAP]
        counts = count_codings(ids, statement_filter.coding_conditions())
        facets = coding_facet_entries(counts, params)
        context.update(
            in_words=statement_filter.in_words(),
            matches=f"{len(ids):,}",
            sampled=capped,
            coded=bool(counts.targets),
            facet_groups=[
                (f.public.facet, facets[name])
                for name, f in statement_filter.public_filters()
                if f.public.facet and name in CODING_FACETS
            ],
        )
        response = render(request, TEMPLATES[fragment], context)
    patch_vary_headers(response, [FRAGMENT_HEADER])
    return response
