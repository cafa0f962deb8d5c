"""The statements' date: a dateline's day and month with the publication year, else the publication date."""

import datetime
import re

from .text import paragraphs

MONTHS = (
    "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|"
    "Nov(?:ember)?|Dec(?:ember)?"
)
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’\-]+(?:,\s*[A-Z][A-Za-z .]+?)?)\s*(?:,|\()\s*(?P<month>"
    + MONTHS
    + r")\.?\s+(?P<day>\d{1,2})"
)
# A dateline opening a lead sentence: what follows is the sentence's subject ("Ruritania's Foreign Ministry said on
# Thursday …"). The wire's "STRELSAU, March 3 (Nordpress) - " and "WASHINGTON — ", up to the dash; TASS's "NEW
# YORK, November 11. /TASS/. "; and "STRELSAU (Nordpress) — ".
DATELINE_LEAD = re.compile(
    r"[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+)*(?:,\s*[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?"
    r"(?:,\s*(?:" + MONTHS + r")\.?\s+\d{1,2})?\s*(?:\([^()\n]{1,40}\))?\s*(?:--|[-—–―])\s*"
    r"|[A-Z][A-Z .,'’\-]+,\s+(?:[A-Z][a-z]+\.?\s+\d{1,2}\.?\s*)?(?:/[^/]+/|\([^)]+\))?\.?\s*[-—–]?\s*"
    r"|[A-Z][A-Z .'’\-]{2,}\s*\([^)]+\)\s*[-—–]\s*"
)
# A line that is only a full date, as White House transcripts and press releases print one under their heading
# ("March 3, 2026", "Tuesday, March 3, 2026"): the day the words were said, with its own year.
DATE_LINE = re.compile(
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,\s+)?(?P<month>"
    + MONTHS
    + r")\.?\s+(?P<day>\d{1,2}),\s+(?P<year>\d{4})\.?"
)
PLACE_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z .'’\-]{2,}(?:,\s*[A-Z][A-Za-z .]+?)?)\s*(?:-|—|–|\(|/)")


def article_date(text: str, published: datetime.date) -> tuple[datetime.date, str]:
    """A dateline's day and month with the year of publication ("NEW YORK, November 11. /TASS/"), or a line that is
    only a full date ("March 3, 2026", under a transcript's heading), else the publication date. A dateline in
    December for a January publication belongs to the previous year."""
    for para in paragraphs(text)[:8]:
        line = text[para.start : para.end]
        match = DATELINE.match(line)
        if match:
            month = _month_number(match.group("month"))
            day = int(match.group("day"))
            try:
                date = datetime.date(published.year, month, day)
            except ValueError:
                continue
            if date > published + datetime.timedelta(days=2):
                date = date.replace(year=published.year - 1)
            return date, line[: match.end()].strip()
        match = DATE_LINE.fullmatch(line.strip())
        if match:
            try:
                date = datetime.date(
                    int(match.group("year")), _month_number(match.group("month")), int(match.group("day"))
                )
            except ValueError:
                continue
            if date <= published + datetime.timedelta(days=2):
                return date, line.strip()
            continue
        match = PLACE_DATELINE.match(line)
        if match and len(match.group("place").split()) <= 4:
            return published, match.group("place").strip()
    return published, ""


def _month_number(word: str) -> int:
    names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    return names.index(word[:3].lower()) + 1


def skip_dateline(text: str, start: int, end: int) -> tuple[int, int]:
    """The text from `start` to `end` after a lead dateline, if one opens it."""
    match = DATELINE_LEAD.match(text, start, end)
    return (match.end(), end) if match else (start, end)
