"""Date parsing that keeps what the page said: aware datetime, naive datetime, or a date."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from dateutil import parser as dateutil_parser

from newsclean._vocab import Vocabulary

__all__ = [
    "BY_TAIL",
    "date_in_line",
    "date_is_visible",
    "find_shown_date",
    "parse_date",
    "strip_label",
]

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
_HAS_ZONE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2}|\b(?:UTC|GMT|[ECMP][SD]T)\b)\s*$", re.IGNORECASE)
_EARLIEST = date(1990, 1, 1)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_NUMERIC_DATE = re.compile(
    r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"
    r"|\b(?P<d2>\d{1,2})\.\s?(?P<m2>\d{1,2})\.\s?(?P<y2>(?:19|20)\d{2})\b"
)
_WORD = re.compile(r"[^\W\d_]+\.?", re.UNICODE)
# "Jan 17, 2025", "November 18, 2025": the commonest date dateutil reads in meta tags and
# <time> elements, read here at a hundredth of its cost when the name is a month's. ASCII only:
# dateutil folds month names with str.lower, which maps no other letter onto these.
_MONTH_DAY_YEAR = re.compile(
    r"(?P<month>[a-z]{3,9}) (?P<day>\d{1,2}), (?P<year>(?:19|20)\d{2})", re.IGNORECASE | re.ASCII
)
# dateutil's month names (parserinfo.MONTHS), folded
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# " by Jane Doe" closing a date line or a byline
BY_TAIL = re.compile(r"\s+(?:by|von|par|por)\s+(?P<names>\S.*)$", re.IGNORECASE)


def _in_range(value: date) -> bool:
    today = datetime.now(timezone.utc).date()
    return _EARLIEST <= value <= today + timedelta(days=2)


def _month_day_year(found: re.Match[str]) -> date | None:
    """A ``_MONTH_DAY_YEAR`` match as dateutil reads it, None when there is no such day."""
    try:
        value = date(int(found["year"]), _MONTHS[found["month"].lower()], int(found["day"]))
    except ValueError:  # "Feb 30, 2025": dateutil raises too
        return None
    return value if _in_range(value) else None


def parse_date(raw: str | None) -> datetime | date | None:
    """Parse a machine or human date string; ``None`` when it is not a plausible date.

    >>> parse_date("2025-11-15")
    datetime.date(2025, 11, 15)
    >>> parse_date("2025-11-15T08:30:00Z").tzinfo is not None
    True
    >>> parse_date("2025-11-15T08:30:00").tzinfo is None
    True
    """
    if not raw:
        return None
    text = raw.strip()
    if len(text) < 6 or len(text) > 64:
        return None
    if _DATE_ONLY.match(text):
        try:
            value: datetime | date = date.fromisoformat(text)
        except ValueError:
            return None
        return value if _in_range(value) else None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        found = _MONTH_DAY_YEAR.fullmatch(text)
        if found is not None and found["month"].lower() in _MONTHS:
            return _month_day_year(found)
        try:
            parsed = dateutil_parser.parse(text, fuzzy=False, default=datetime(1, 1, 1))  # noqa: DTZ001
        except (ValueError, OverflowError, TypeError):
            return None
        if parsed.year == 1:
            return None
        if not _HAS_TIME.search(text):
            value = parsed.date()
            return value if _in_range(value) else None
        if parsed.tzinfo is None and _HAS_ZONE.search(text):
            return None
    if not _in_range(parsed.date()):
        return None
    return parsed


# The longest form around its year: "september 30, " before it, "-09-30" after it.
_BEFORE_YEAR = 16
_AFTER_YEAR = 4 + 6
_MAX_YEAR_WINDOWS = 64


def _ordinal_suffix(day: int) -> str:
    """ "st", "nd", "rd" or "th", as English writes the day: 1st, 12th, 22nd."""
    if day % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _visible_forms(day: date) -> list[str]:
    y, m, d = day.year, day.month, day.day
    month, mon = day.strftime("%B").lower(), day.strftime("%b").lower()
    th = _ordinal_suffix(d)
    return [
        day.isoformat()[:10],
        f"{month} {d}, {y}",
        f"{month} {d:02d}, {y}",
        f"{mon} {d}, {y}",
        f"{mon}. {d}, {y}",
        f"{d} {month} {y}",
        f"{d} {mon} {y}",
        f"{m}/{d}/{y}",
        f"{m:02d}/{d:02d}/{y}",
        f"{d:02d}/{m:02d}/{y}",
        f"{d}.{m}.{y}",
        f"{d:02d}.{m:02d}.{y}",
        f"{month} {d} {y}",
        f"{d}. {month} {y}",
        f"{y}/{m:02d}/{d:02d}",
        f"{y}.{m:02d}.{d:02d}",
        # forms whose misses sent a page's shown date to htmldate (WCXB dev): ordinal days
        # ("March 22nd, 2024", "Fri, 19th Dec 2025"), "Dec 4 2025", "19-Dec-2025", "4 Dec, 2025"
        f"{month} {d}{th}, {y}",
        f"{mon} {d}{th}, {y}",
        f"{d}{th} {month} {y}",
        f"{d}{th} {mon} {y}",
        f"{mon} {d} {y}",
        f"{d}-{mon}-{y}",
        f"{d:02d}-{mon}-{y}",
        f"{d} {mon}, {y}",
        f"{d} {month}, {y}",
        f"{d:02d}-{m:02d}-{y}",
    ]


def date_is_visible(value: date, page_text: str) -> bool:
    """Whether the page's text shows ``value`` in a common written form (English or numeric).

    ``page_text`` may be in any case: only the few windows around the year's occurrences are
    lower-cased (lower-casing a whole page costs more than the search).

    >>> date_is_visible(date(2024, 8, 25), "by shauna mitchell august 25, 2024 yoga")
    True
    >>> date_is_visible(date(2025, 6, 24), "by shauna mitchell august 25, 2024 yoga")
    False
    """
    day = value.date() if isinstance(value, datetime) else value
    # every form holds the year: look only around its occurrences (few, on most pages)
    year = str(day.year)
    start = page_text.find(year)
    if start < 0:
        return False
    windows: list[str] = []
    while start >= 0 and len(windows) < _MAX_YEAR_WINDOWS:
        windows.append(page_text[max(start - _BEFORE_YEAR, 0) : start + _AFTER_YEAR])
        start = page_text.find(year, start + 1)
    # no form holds a line break, so none can straddle two windows; lower-casing a window
    # alone gives at least the characters lower-casing the page gives it (a few characters
    # lower-case to two), so each form around this year is found exactly as in the whole page
    text = ("\n".join(windows) if start < 0 else page_text).lower()
    return any(form in text for form in _visible_forms(day))


def find_shown_date(html: str, url: str | None) -> datetime | date | None:
    """The date htmldate finds on the (cleaned) page, ``None`` when it finds none."""
    from htmldate import find_date  # imported on first use: it brings lxml

    try:
        # the cleaned page: scripts, related-story cards and footers no longer offer their dates
        # (measured on WCXB dev articles: 0.866 date accuracy against 0.852 on the raw page);
        # without extensive search (free-text dates) accuracy falls to 0.820, so the costly
        # free-text pass runs only when the structured pass finds nothing
        found = find_date(html, url=url, original_date=True, extensive_search=False)
        if not found:
            found = find_date(html, url=url, original_date=True, extensive_search=True)
    except (ValueError, TypeError, AttributeError, RecursionError):
        return None
    return parse_date(found) if found else None


def strip_label(text: str, labels: tuple[str, ...] | frozenset[str]) -> str | None:
    """The value after a known label ("Published: ..."), or ``None``."""
    key = text.casefold().strip()
    for label in labels:
        if key.startswith(label) and (len(key) == len(label) or not key[len(label)].isalnum()):
            return text[len(label) :].strip(" :-–—|")
    return None


def date_in_line(text: str, vocab: Vocabulary) -> date | datetime | None:
    """A date that is most of a short line ("Published: 15 November 2025, 10:32").

    >>> from newsclean._vocab import load_vocabulary
    >>> date_in_line("Published: 15 November 2025 by Jane Doe", load_vocabulary())
    datetime.date(2025, 11, 15)
    >>> date_in_line("The council met on 15 November 2025 to approve the budget", load_vocabulary())
    """
    value = strip_label(text, vocab.date_labels)
    candidate = BY_TAIL.sub("", value if value is not None else text)
    numeric = _NUMERIC_DATE.search(candidate)
    if numeric:
        y = numeric.group("y") or numeric.group("y2")
        m = numeric.group("m") or numeric.group("m2")
        d = numeric.group("d") or numeric.group("d2")
        try:
            return date(int(y), int(m), int(d))
        except ValueError:
            return None
    year = _YEAR.search(candidate)
    month = vocab.month_pattern.search(candidate)
    if year is None or month is None:
        return None
    day = month.group("day1") or month.group("day2")
    words = _WORD.findall(candidate)
    if day is None or len(words) > 8:
        return None
    try:
        return date(int(year.group()), vocab.months[month.group("month").casefold()], int(day))
    except (ValueError, KeyError):
        return None
