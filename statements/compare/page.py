"""The compare page and its downloads: the page, CSV (a row per series and period) and JSON, all from one parse and
one count of the query string (series.py)."""

import csv
import json
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ..models import Country
from .chart import stance_chart, timeline_url, volume_chart
from .relations import Direction, pair_slug
from .series import GENERAL, MAX_SERIES, MIN_CODED, STEP, Comparison, Counts, Point, count

CSV_HEADER = (
    "series",
    "filter",
    "period",
    "period_label",
    "statements",
    "coded_with_stance",
    "mean_stance",
    "statements_url",
)
YEAR_ONLY = "{} (known only to the year)"


def series_fields(comparison: Comparison) -> list[dict]:
    """The form's four series boxes: what each holds (canonical, or as typed when it is wrong) and its errors."""
    fields = []
    for number in range(1, MAX_SERIES + 1):
        name = f"s{number}"
        value = comparison.typed.get(name, "")
        found = next((series for series in comparison.series if series.number == number), None)
        if found is not None and comparison.is_valid:
            value = found.query or "all"
        fields.append(
            {"name": name, "label": f"Series {number}", "value": value, "errors": comparison.errors.get(name)}
        )
    return fields


def error_lines(comparison: Comparison) -> list[str]:
    lines = []
    for name, messages in comparison.errors.items():
        where = "" if name == GENERAL else "Step" if name == STEP else f"Series {name[1:]}"
        lines += [f"{where}: {message}" if where else message for message in messages]
    return lines


@require_safe
def compare(request):
    """The compare page: the form, then for a valid comparison its charts and table; 400 with the messages by the
    series they concern for one that is not valid. A query string not in its canonical form is redirected to it
    (empty boxes of the form dropped, series renumbered, each series' filter in its canonical order)."""
    comparison = Comparison.parse(request.GET)
    context = {
        "comparison": comparison,
        "fields": series_fields(comparison),
        "general_errors": comparison.errors.get(GENERAL, []),
        "step_errors": comparison.errors.get(STEP, []),
        "min_coded": MIN_CODED,
        "max_series": MAX_SERIES,
    }
    if not comparison.is_valid:
        return render(request, "statements/compare.html", context, status=400)
    if not comparison.clean:
        query = comparison.canonical_query()
        return redirect(request.path + (f"?{query}" if query else ""))
    if comparison.series:
        counts = count(comparison.series, comparison.step)
        query = comparison.canonical_query()
        context.update(
            counts=counts,
            table=table_rows(counts),
            volume=volume_chart(counts),
            stance=stance_chart(counts),
            query=query,
            series_links=[
                (row.series, timeline_url(row.series.query), without_series(comparison, row.series.number), row.total)
                for row in counts.rows
            ],
        )
    return render(request, "statements/compare.html", context)


def without_series(comparison: Comparison, number: int) -> str:
    """The comparison's address without one series (the others renumbered)."""
    data = QueryDict(mutable=True)
    for position, series in enumerate((s for s in comparison.series if s.number != number), start=1):
        data[f"s{position}"] = series.query or "all"
    if comparison.step:
        data[STEP] = comparison.step
    return reverse("statements:compare") + (f"?{data.urlencode()}" if data else "")


def table_rows(counts: Counts) -> list[tuple[str, list[tuple[str, str]]]]:
    """The table: a row per period (then, by months, per year of statements known only to the year), each with
    a cell per series (and a mean-stance cell for a series that names a target) as (text, link or "")."""
    rows = [(period.label, [row.points[i] for row in counts.rows]) for i, period in enumerate(counts.periods)]
    for year in counts.year_only:
        rows.append((YEAR_ONLY.format(year), [row.year_only.get(year) for row in counts.rows]))
    table = []
    for label, points in rows:
        cells = []
        for row, point in zip(counts.rows, points, strict=True):
            point = point or Point()
            url = timeline_url(point.url) if point.statements else ""
            cells.append((f"{point.statements:,}", url))
            if row.series.names_target:
                cells.append((stance_cell(point), ""))
        table.append((label, cells))
    return table


def stance_cell(point: Point) -> str:
    """ "−0.67 (12)"; "– (2)" below the minimum; "" with no coded statement."""
    if not point.coded:
        return ""
    mean = point.mean_stance
    shown = "–" if mean is None else f"{mean:+.2f}".replace("-", "−")
    return f"{shown} ({point.coded:,})"


def invalid_download(comparison: Comparison, *, as_json: bool) -> HttpResponse:
    if as_json:
        return JsonResponse({"errors": comparison.errors}, status=400)
    lines = [
        "This comparison is not valid, so nothing was counted:",
        *(f"- {line}" for line in error_lines(comparison)),
    ]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


def download_points(counts: Counts):
    """(series, period key, period label, point) for every point, series by series, year-only ones last."""
    for row in counts.rows:
        for period, point in zip(counts.periods, row.points, strict=True):
            yield row.series, period.key, period.label, point
        for year, point in sorted(row.year_only.items()):
            yield row.series, f"{year:04d}", YEAR_ONLY.format(year), point


@require_safe
def compare_csv(request):
    comparison = Comparison.parse(request.GET)
    if not comparison.is_valid or not comparison.series:
        if comparison.is_valid:
            comparison.error(GENERAL, "Give at least one series, s1=….")
        return invalid_download(comparison, as_json=False)
    counts = count(comparison.series, comparison.step)
    # Written with the csv module rather than the exports' writer, which quotes a cell starting with "-" against
    # formulas: a mean stance of -0.5 must stay a number. Every cell here is the page's own (numbers, periods, the
    # filter in words, which starts with a word, and addresses), so none can start a formula.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="compare_{timezone.now():%Y%m%d-%H%M}.csv"'
    writer = csv.writer(response, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for series, key, label, point in download_points(counts):
        writer.writerow(
            [
                series.number,
                series.in_words,
                key,
                label,
                point.statements,
                point.coded if series.names_target else "",
                "" if point.mean_stance is None else f"{point.mean_stance:.2f}",
                request.build_absolute_uri(timeline_url(point.url)),
            ]
        )
    return response


@require_safe
def compare_json(request):
    comparison = Comparison.parse(request.GET)
    if not comparison.is_valid or not comparison.series:
        if comparison.is_valid:
            comparison.error(GENERAL, "Give at least one series, s1=….")
        return invalid_download(comparison, as_json=True)
    counts = count(comparison.series, comparison.step)
    query = comparison.canonical_query()
    series = []
    for row in counts.rows:
        points = [
            {
                "period": key,
                "label": label,
                "statements": point.statements,
                "coded_with_stance": point.coded if row.series.names_target else None,
                "mean_stance": point.mean_stance,
                "statements_url": request.build_absolute_uri(timeline_url(point.url)),
            }
            for s, key, label, point in download_points(counts)
            if s is row.series
        ]
        series.append(
            {
                "series": row.series.number,
                "query": row.series.query,
                "filter": row.series.in_words,
                "names_target": row.series.names_target,
                "statements": row.total,
                "points": points,
            }
        )
    body = {
        "url": request.build_absolute_uri(reverse("statements:compare") + f"?{query}"),
        "step": counts.step,
        "min_coded": MIN_CODED,
        "periods": [period.key for period in counts.periods],
        "series": series,
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json")


@require_safe
def relations(request, pair: str):
    """One page per pair of countries, at its canonical slug ("ru-us"); the other order, or upper case, redirects
    there for good (301). Both directions per period, the latest statements each way, the speech acts most used."""
    codes = pair.split("-")
    if len(codes) != 2 or codes[0].upper() == codes[1].upper():
        raise Http404("A pair of two different countries' ISO codes, e.g. /relations/ru-us/.")
    found = {c.code: c for c in Country.objects.filter(code__in=[code.upper() for code in codes])}
    if len(found) != 2:
        raise Http404(f"There is no country with the ISO code “{next(c for c in codes if c.upper() not in found)}”.")
    a, b = sorted(found.values(), key=lambda country: country.code)
    if pair != pair_slug(a, b):
        return redirect("statements:relations", pair=pair_slug(a, b), permanent=True)
    directions = [Direction(1, a, b), Direction(2, b, a)]
    counts = count(directions)
    context = {
        "a": a,
        "b": b,
        "directions": [
            (d, d.latest(), d.acts(), timeline_url(d.query), row.total)
            for d, row in zip(directions, counts.rows, strict=True)
        ],
        "counts": counts,
        "volume": volume_chart(counts),
        "stance": stance_chart(counts),
        "table": table_rows(counts),
        "min_coded": MIN_CODED,
        "compare_url": reverse("statements:compare") + "?" + urlencode([(f"s{d.number}", d.query) for d in directions]),
    }
    return render(request, "statements/relations.html", context)
