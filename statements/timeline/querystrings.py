"""Links that keep the current filters and add, replace or drop one value (always back to page 1)."""

from django.http import QueryDict


def without_page(params: QueryDict) -> QueryDict:
    """A mutable copy of the filters without the page number, each list copied on its own: the values are strings,
    and QueryDict.copy() deep-copies them, which a page with 30–40 facet links pays for each."""
    copy = QueryDict(mutable=True)
    for name, values in params.lists():
        if name != "page":
            copy.setlist(name, list(values))
    return copy


def with_value(params: QueryDict, name: str, value: str) -> str:
    """The query string with one more value for a repeatable parameter."""
    params = without_page(params)
    values = params.getlist(name)
    if value not in values:
        params.setlist(name, [v for v in values if v] + [value])
    return "?" + params.urlencode()


def replacing(params: QueryDict, **values: str) -> str:
    """The query string with these parameters set to a single value each."""
    params = without_page(params)
    for name, value in values.items():
        params[name] = value
    return "?" + params.urlencode()


def without_value(params: QueryDict, name: str, value: str | None = None) -> str:
    """The query string without a parameter, or without one of its values."""
    params = without_page(params)
    if value is None:
        params.pop(name, None)
    else:
        params.setlist(name, [v for v in params.getlist(name) if v.strip().lower() != value.lower()])
    return "?" + params.urlencode() if params else "?"


def without_dates(params: QueryDict) -> str:
    """The filters without a date range, ready for a period's dates to be appended ("?topic=syria&")."""
    others = without_page(params)
    for name in ("date_from", "date_to"):
        others.pop(name, None)
    return "?" + (others.urlencode() + "&" if others else "")
