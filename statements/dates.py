"""Dates as people type them here: YYYY, YYYY-MM or YYYY-MM-DD, everywhere a date is entered.

One parser and one form field for the timeline's date range, the statement form (where the form typed sets the
date's precision: 2016-11 is "known to the month"), the article assistant and the source form. A date picker
cannot say "known to the month", and the browser's own picker shows the browser's locale; a text box in the
ISO order reads the same for everyone. Anything else is refused with a message that says why and what to type
("Nov 2016" → 2016-11), never guessed: 11/12/2016 is November in one country and December in another.
"""

import calendar
import datetime
import re
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import ExtractMonth, ExtractYear


class DatePrecision(models.TextChoices):
    """How precisely a statement's date is known (Statement.date_precision)."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class YearOf(ExtractYear):
    """The year of a date column (a DateField). On SQLite it is read from the ISO text the column holds: Django's
    extract calls a Python function for every row there, which a count grouped by month over hundreds of thousands
    of statements pays for several times over."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(substr({sql}, 1, 4) AS integer)", params


class MonthOf(ExtractMonth):
    """The month of a date column (a DateField), read on SQLite from its ISO text, as `YearOf`."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(substr({sql}, 6, 2) AS integer)", params


PARTIAL_DATE_RE = re.compile(r"^(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{1,2})(?:-(?P<day>[0-9]{1,2}))?)?$")
# For the API's description of a date parameter.
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?)?$"
FORMS = "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD (for example 2016, 2016-11 or 2016-11-11)"
DAY_FORM = "Enter a date as YYYY-MM-DD (for example 2016-11-11)"
# Under a statement's date, wherever it is typed.
STATEMENT_DATE_HELP = "YYYY-MM-DD; YYYY-MM or YYYY for a statement known only to the month or the year."
# What a text date input shows in every form: the order to type, and no spelling or autofill help.
INPUT_ATTRS = {"placeholder": "YYYY-MM-DD", "size": 10, "autocomplete": "off", "spellcheck": "false"}

# Written dates this refuses but recognises, to say what to type instead: "Nov 2016", "11 November 2016",
# "November 11, 2016". Month names only: a date of numbers alone in another order is ambiguous.
MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name} | {
    name.lower(): n for n, name in enumerate(calendar.month_abbr) if name
}
WRITTEN_MAX_LENGTH = 30  # "September 30th, 2016" and the like
MONTH_NAME = r"(?P<month>[A-Za-z]{3,9})\.?"
WRITTEN = [
    re.compile(rf"^{MONTH_NAME},?\s+(?P<year>[0-9]{{4}})$"),
    re.compile(rf"^(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+{MONTH_NAME},?\s+(?P<year>[0-9]{{4}})$"),
    re.compile(rf"^{MONTH_NAME}\s+(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>[0-9]{{4}})$"),
]


class DateSpan(NamedTuple):
    """A date typed as YYYY, YYYY-MM or YYYY-MM-DD: the first and last day it covers."""

    first: datetime.date
    last: datetime.date
    text: str

    @classmethod
    def of(cls, date: datetime.date, precision: str) -> "DateSpan":
        """The span of a stored date known to the day, month or year (a statement's date and date_precision)."""
        if precision == DatePrecision.YEAR:
            return cls(date.replace(month=1, day=1), date.replace(month=12, day=31), f"{date.year:04d}")
        if precision == DatePrecision.MONTH:
            last_day = calendar.monthrange(date.year, date.month)[1]
            return cls(date.replace(day=1), date.replace(day=last_day), f"{date.year:04d}-{date.month:02d}")
        return cls(date, date, date.isoformat())

    @property
    def precision(self) -> str:
        """How precisely the span was given: a DatePrecision value."""
        if self.first == self.last:
            return DatePrecision.DAY
        if self.first.month == self.last.month:
            return DatePrecision.MONTH
        return DatePrecision.YEAR

    @property
    def iso(self) -> str:
        """The span as typed in its shortest standard form: 2016, 2016-11 or 2016-11-11 (2016-1 becomes 2016-01)."""
        return DateSpan.of(self.first, self.precision).text

    @property
    def words(self) -> str:
        """The span as people write it: "2016", "November 2016", "11 November 2016"."""
        if self.first.year != self.last.year:  # never made by parse_partial_date, but say it plainly
            return f"{self.first.isoformat()} to {self.last.isoformat()}"
        if (self.first.month, self.first.day, self.last.month, self.last.day) == (1, 1, 12, 31):
            return str(self.first.year)
        if self.first.day == 1 and self.last.month == self.first.month and self.last.day != self.first.day:
            return f"{self.first:%B} {self.first.year}"
        return f"{self.first.day} {self.first:%B} {self.first.year}"


class DateError(ValueError):
    """A typed date that is not one: `reason` says why in words ("there is no month 13"); `suggestion` is the
    date to type instead of one written in words ("2016-11" for "Nov 2016")."""

    def __init__(self, value: str, reason: str = "", suggestion: str = ""):
        super().__init__(value)
        self.value, self.reason, self.suggestion = value, reason, suggestion


def _written(value: str) -> str:
    """For a date written in words that this refuses, how to type it ("Nov 2016" → "2016-11"); else ""."""
    for pattern in WRITTEN:
        match = pattern.match(value)
        month = match and MONTHS.get(match["month"].lower())
        if not month:
            continue
        day = match.groupdict().get("day")
        typed = f"{match['year']}-{month:02d}" + (f"-{int(day):02d}" if day else "")
        try:
            parse_partial_date(typed)
        except DateError:
            return ""
        return typed
    return ""


def parse_partial_date(value: str) -> DateSpan:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD into the span of days it covers; DateError if it is not a real date."""
    value = value.strip()
    match = PARTIAL_DATE_RE.match(value)
    if not match:
        raise DateError(value, suggestion=_written(value))
    year = int(match["year"])
    if year < 1:
        raise DateError(value, "there is no year 0")
    if match["month"] is None:
        return DateSpan(datetime.date(year, 1, 1), datetime.date(year, 12, 31), value)
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise DateError(value, f"there is no month {month}")
    last_day = calendar.monthrange(year, month)[1]
    if match["day"] is None:
        return DateSpan(datetime.date(year, month, 1), datetime.date(year, month, last_day), value)
    day = int(match["day"])
    if not 1 <= day <= last_day:
        raise DateError(value, f"{calendar.month_name[month]} {year} has {last_day} days")
    return DateSpan(datetime.date(year, month, day), datetime.date(year, month, day), value)


class PartialDateField(forms.CharField):
    """The one date input: a text box for YYYY, YYYY-MM or YYYY-MM-DD that cleans to a DateSpan.

    `day_only=True` for a date that must be known to the day. The initial value may be a DateSpan, a date (shown
    to the day) or text.
    """

    widget = forms.TextInput

    def __init__(self, *, day_only: bool = False, **kwargs):
        kwargs.setdefault("max_length", 10)
        self.day_only = day_only
        super().__init__(**kwargs)
        self.widget.attrs = {**INPUT_ATTRS, **self.widget.attrs}
        if not self.help_text:
            self.help_text = "YYYY-MM-DD" if day_only else "YYYY, YYYY-MM or YYYY-MM-DD"

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)  # a longer paste ("11 November 2016") gets its message, not a silent cut
        return attrs

    @property
    def forms_message(self) -> str:
        return DAY_FORM if self.day_only else FORMS

    def prepare_value(self, value):
        if isinstance(value, DateSpan):
            return value.iso
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            span = parse_partial_date(value)
        except DateError as error:
            reason = error.reason
            if error.suggestion and (not self.day_only or len(error.suggestion) == len("2016-11-11")):
                reason = f"write it as {error.suggestion}"
            # Values as parameters, not formatted in: the API's error translation applies `message % params`.
            reason = f": {reason}" if reason else ""
            raise ValidationError(
                "%(forms)s%(reason)s.", code="invalid", params={"forms": self.forms_message, "reason": reason}
            ) from None
        if self.day_only and span.precision != DatePrecision.DAY:
            raise ValidationError(
                "%(forms)s: “%(value)s” gives no day.",
                code="imprecise",
                params={"forms": self.forms_message, "value": value},
            )
        return span

    def clean(self, value):
        # A date written in words ("11 November 2016") is longer than max_length but gets the message about dates;
        # only a text too long to be any date gets the one about its length.
        if isinstance(value, str) and len(value.strip()) > WRITTEN_MAX_LENGTH:
            super().run_validators(value.strip())
        value = self.to_python(value)
        self.validate(value)
        return value

    def has_changed(self, initial, data):
        """Changed only if the span differs: 2016-1 typed over 2016-01 is the same date."""
        try:
            before, after = _days(initial), self.to_python(data)
        except (ValidationError, DateError):
            return True
        return before != (after[:2] if after else None)


def _days(value) -> tuple[datetime.date, datetime.date] | None:
    """A form's initial date value as (first, last) day, to compare with what was typed."""
    if value in (None, ""):
        return None
    if isinstance(value, DateSpan):
        return value[:2]
    if isinstance(value, datetime.date):
        return value, value
    return parse_partial_date(value)[:2]


class DayField(PartialDateField):
    """The same input for a date that must be known to the day (a source's publication date, a position's start):
    cleans to a datetime.date, for a model's DateField."""

    def __init__(self, **kwargs):
        kwargs.pop("day_only", None)
        super().__init__(day_only=True, **kwargs)

    def to_python(self, value):
        span = super().to_python(value)
        return span.first if span else None

    def has_changed(self, initial, data):
        try:
            before, after = _days(initial), self.to_python(data)
        except (ValidationError, DateError):
            return True
        return before != ((after, after) if after else None)


# For a ModelAdmin's formfield_overrides: every date field of the model typed in the one date input.
ADMIN_DATE_INPUT = {"form_class": DayField, "widget": forms.TextInput}
