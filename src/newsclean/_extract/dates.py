"""Dates: parsing that keeps what the page said (aware datetime, naive datetime, or a date),
whether the page shows a date, and the digest of the page htmldate searches (the pipeline's
dates stage, ``_pipeline._7_dates``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from html import escape as html_escape

from dateutil import parser as dateutil_parser
from htmldate import find_date

from newsclean._dom import LexborHTMLParser, LexborNode, css_listings
from newsclean._vocab import Vocabulary

__all__ = [
    "BY_TAIL",
    "HTMLDATE_MAX_CHARS",
    "date_in_line",
    "date_is_visible",
    "find_shown_date",
    "htmldate_digest",
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


# ---- the digest htmldate reads -----------------------------------------------------------

# Dates sit in the head and near the top; htmldate's cost grows with the page.
HTMLDATE_MAX_CHARS = 200_000
# The article text offered to htmldate's free-text search (see htmldate_digest): a shown date
# opens the story; further on, the text offers htmldate the dates the story talks about.
# Measured on WCXB dev: 2,000 characters find 4 more right dates than 20,000 (3 on articles),
# for a fraction of the regex scans; 500 find fewer.
HTMLDATE_FREE_TEXT_CHARS = 2_000
# Head elements the date digest leaves out, but for these link relations (see _head_digest).
DIGEST_SKIPPED_HEAD_TAGS = frozenset({"link"})
DIGEST_KEPT_LINKS = frozenset({"canonical"})
# Elements whose text may show the page's date, and how many of them htmldate reads.
DATE_ELEMENTS = (
    "time, abbr, [class*=date], [class*=Date], [class*=time], [class*=publish], "
    "[class*=posted], [class*=updated], [id*=date], [itemprop*=date], [class*=byline], "
    "[class*=meta]"
)
DATE_ELEMENTS_MAX = 30
# ... and the longest text such an element may have (a <time> is read whatever its length).
DATE_ELEMENT_MAX_CHARS = 200
# The query _date_elements runs: lexbor's class-substring selectors are its costly ones, and
# [class*=ate] stands for date, Date and updated (each holds "ate"); the repeats a node gets
# from those three are counted back from its class.
_DATE_ELEMENTS_QUERY = (
    "time, abbr, [class*=ate], [class*=time], [class*=publish], [class*=posted], [id*=date], "
    "[itemprop*=date], [class*=byline], [class*=meta]"
)
_DATE_CLASS_STEM = "ate"
_DATE_CLASS_PARTS = ("date", "Date", "updated")
# How far above the body container the date search looks (see htmldate_digest).
DATE_REGION_LEVELS = 4


def _date_elements(node: LexborNode) -> Iterator[tuple[LexborNode, int]]:
    """The nodes ``node.css(DATE_ELEMENTS)`` lists, in order, each with how often it lists it
    (once per selector the node matches)."""
    for element, count in css_listings(node, _DATE_ELEMENTS_QUERY):
        cls = element.attributes.get("class")
        if cls and _DATE_CLASS_STEM in cls:
            count += sum(part in cls for part in _DATE_CLASS_PARTS) - 1
        if count:
            yield element, count


def _head_digest(head: LexborNode) -> str:
    """The head as htmldate reads it: its meta tags and title, without stylesheet, preload
    and alternate links (half its markup on the WCXB dev pages), which lxml would parse on
    every htmldate call. The canonical link stays: without a URL, htmldate reads the date in
    the canonical one. Measured on WCXB dev: one more right date on articles, none fewer."""
    kept = (
        child.html or ""
        for child in head.iter()
        if child.tag not in DIGEST_SKIPPED_HEAD_TAGS
        or child.attributes.get("rel") in DIGEST_KEPT_LINKS
    )
    return f"<head>{''.join(kept)}</head>"


def _date_parts(node: LexborNode) -> list[str]:
    """The outer HTML of the date elements under ``node`` htmldate reads: a ``<time>``, or
    one whose text is short, as often as ``node.css(DATE_ELEMENTS)`` lists it."""
    parts: list[str] = []
    for element, count in _date_elements(node):
        if element.tag == "time" or 0 < len(element.text(deep=True, strip=True)) <= (
            DATE_ELEMENT_MAX_CHARS
        ):
            # a node matching several selectors comes as often, as in node.css(DATE_ELEMENTS)
            parts.extend([element.html or ""] * count)
            if len(parts) >= DATE_ELEMENTS_MAX:
                del parts[DATE_ELEMENTS_MAX:]
                break
    return parts


def htmldate_digest(tree: LexborHTMLParser, container: LexborNode | None) -> str:
    """A small page for htmldate: the head, the article's date-like elements and its text.

    A date sits in the head's meta tags, in the article's header or byline (``<time>``,
    elements named date/time/published/posted/updated/byline/meta) or in its opening text.
    The region is the body container and a few levels above it (the whole body without a
    container). htmldate's cost grows with the markup it reads, and the rest of the page
    only offers it other stories' dates: on the WCXB dev pages this digest keeps date
    accuracy within half a point of reading the whole page at a fifth of the cost.
    """
    node = container
    if node is None:
        node = tree.body
    else:
        for _ in range(DATE_REGION_LEVELS):
            parent = node.parent
            if parent is None or parent.tag == "html":
                break
            node = parent
    if node is None:
        return tree.html or ""
    parts = _date_parts(node)
    h1 = tree.css_first("h1")
    text = node.text(deep=True, separator=" ", strip=True)[:HTMLDATE_FREE_TEXT_CHARS]
    head = _head_digest(tree.head) if tree.head is not None else ""
    heading = h1.html if h1 is not None else ""
    return (
        f"<html>{head or ''}<body>{heading or ''}{''.join(parts)}"
        f"<p>{html_escape(text)}</p></body></html>"
    )


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
