"""Dates: parsing that keeps what the page said (aware datetime, naive datetime, or a date),
whether the page shows a date, and the digest of the page htmldate searches (the pipeline's
dates stage, ``_pipeline._7_dates``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from html import escape as html_escape
from time import perf_counter
from typing import Any

import htmldate.extractors as htmldate_extractors
from dateutil import parser as dateutil_parser
from htmldate import find_date

from newsclean._dom import LexborHTMLParser, LexborNode, css_listings
from newsclean._vocab import DEFAULT_LANGUAGES, Vocabulary, load_vocabulary

__all__ = [
    "BY_TAIL",
    "HTMLDATE_MAX_CHARS",
    "date_in_line",
    "date_is_visible",
    "date_near_headline",
    "day_is_named",
    "find_shown_date",
    "htmldate_digest",
    "local_wall_time",
    "parse_date",
    "strip_label",
    "visible_forms",
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
# The zone abbreviations pages write after a time, as offsets (dateutil knows only UTC/GMT
# and the machine's own zone; an unknown one would leave the time naive, its zone lost).
_ZONE_OFFSETS = {
    name: timezone(timedelta(hours=hours))
    for name, hours in (
        ("UTC", 0),
        ("GMT", 0),
        ("EST", -5),
        ("EDT", -4),
        ("CST", -6),
        ("CDT", -5),
        ("MST", -7),
        ("MDT", -6),
        ("PST", -8),
        ("PDT", -7),
        ("AKST", -9),
        ("AKDT", -8),
        ("HST", -10),
        ("WET", 0),
        ("WEST", 1),
        ("BST", 1),
        ("IST", 5.5),
        ("CET", 1),
        ("CEST", 2),
        ("MEZ", 1),
        ("MESZ", 2),
        ("EET", 2),
        ("EEST", 3),
        ("MSK", 3),
        ("JST", 9),
        ("KST", 9),
        ("AEST", 10),
        ("AEDT", 11),
    )
}
_ZONE_NAMES = re.compile(r"\b(?:" + "|".join(_ZONE_OFFSETS) + r")\b")
# Two defaults that share no day and no month: a field dateutil fills from the default is
# one the string never gave (see _parse_words).
_DEFAULT_A = datetime(1, 1, 1)  # noqa: DTZ001 - a default, its zone is the string's
_DEFAULT_B = datetime(1, 2, 2)  # noqa: DTZ001
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
        words = _parse_words(text)
        if words is None:
            return None
        parsed = words
        if not _HAS_TIME.search(text):
            value = parsed.date()
            return value if _in_range(value) else None
        if parsed.tzinfo is None and _HAS_ZONE.search(text):
            return None
    if not _in_range(parsed.date()):
        return None
    return parsed


def _parse_words(text: str) -> datetime | None:
    """dateutil's reading of a written date; ``None`` unless it names a year, month and day.

    "February 2018" is a month, not February 1st: a day dateutil takes from its default is
    a day the page never gave (with a second default, such a field changes). Zone
    abbreviations ("EDT", "CEST") become their offsets.
    """
    zones = _ZONE_OFFSETS if _ZONE_NAMES.search(text) else None
    try:
        parsed = dateutil_parser.parse(text, fuzzy=False, default=_DEFAULT_A, tzinfos=zones)
        if parsed.year == 1:
            return None
        if parsed.day == 1 or parsed.month == 1:
            again = dateutil_parser.parse(text, fuzzy=False, default=_DEFAULT_B, tzinfos=zones)
            if again.day != parsed.day or again.month != parsed.month:
                return None
    except (ValueError, OverflowError, TypeError):
        return None
    return parsed


# The longest form around its year: "30 de septiembre de " before it, "-09-30" after it.
_BEFORE_YEAR = 22
_AFTER_YEAR = 4 + 6
_MAX_YEAR_WINDOWS = 64


def _ordinal_suffix(day: int) -> str:
    """ "st", "nd", "rd" or "th", as English writes the day: 1st, 12th, 22nd."""
    if day % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def visible_forms(day: date) -> list[str]:
    """The written forms of a day ``date_is_visible`` looks for, lower-cased."""
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


def date_is_visible(value: date, page_text: str, vocab: Vocabulary | None = None) -> bool:
    """Whether the page's text shows ``value`` in a common written form: English or numeric,
    and with ``vocab`` in its languages' month names too (:func:`day_forms`).

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
    forms = visible_forms(day) if vocab is None else day_forms(day, vocab)
    return any(form in text for form in forms)


# How far a zone can move a wall clock from UTC (UTC-12 to UTC+14).
_MAX_OFFSET = timedelta(hours=14)


def local_wall_time(
    value: datetime | date | None, others: list[datetime | date | None]
) -> datetime | None:
    """The same instant as a UTC ``value`` in the page's own zone, from another of its dates.

    Another source giving the same instant with a non-zero offset gives the reader's wall
    time with that offset. A naive time (a ``<time datetime="2023-11-08 23:30:59">``) that
    differs from the UTC one by a whole quarter hour, at most 14 hours, is the wall time of
    the zone that far from UTC. ``None`` when no other source tells.
    """
    if not isinstance(value, datetime) or value.utcoffset() != timedelta(0):
        return None
    for other in others:
        if not isinstance(other, datetime):
            continue
        offset = other.utcoffset()
        if offset is not None:
            if offset and other == value:
                return other
            continue
        shift = other - value.replace(tzinfo=None)
        rest = shift % timedelta(minutes=15)
        if shift and not rest and abs(shift) <= _MAX_OFFSET:
            return other.replace(tzinfo=timezone(shift))
    return None


# Where a date the page shows under (or over) its headline sits: this many characters after
# the headline's start, or before it.
HEADLINE_AFTER_CHARS = 400
HEADLINE_BEFORE_CHARS = 150
_NUMERIC_DAY = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>(?:19|20)\d{2})(?!\d)"
    r"|(?<!\d)(?P<y2>(?:19|20)\d{2})-(?P<m2>\d{2})-(?P<d2>\d{2})(?!\d)"
    r"|(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y3>(?:19|20)\d{2})(?!\d)"
)
_YEAR_AFTER = re.compile(r"[,.]?\s*(?:de\s+)?(?P<y>(?:19|20)\d{2})(?!\d)")


def _dates_in(
    text: str, vocab: Vocabulary, *, day_first: bool | None
) -> Iterator[tuple[int, date]]:
    """The complete dates written in ``text`` (day, month and year), with where they start.

    Slashed dates read day first when ``day_first``, month first when false; when it is
    ``None`` only those whose numbers tell ("25/4/2025", "4/25/2025") count."""
    found: list[tuple[int, date]] = []
    for match in _NUMERIC_DAY.finditer(text):
        if match["d"]:
            parts = (match["y"], match["m"], match["d"])
        elif match["y2"]:
            parts = (match["y2"], match["m2"], match["d2"])
        else:
            a, b = int(match["a"]), int(match["b"])
            if day_first is None and a <= 12 and b <= 12 and a != b:
                continue  # "4/5/2025" on a page that does not say which it means
            first = a > 12 if day_first is None else day_first
            parts = (match["y3"], str(b if first else a), str(a if first else b))
        try:
            found.append((match.start(), date(int(parts[0]), int(parts[1]), int(parts[2]))))
        except ValueError:
            continue
    for match in vocab.month_pattern.finditer(text):
        day = match["day1"] or match["day2"]
        year = _YEAR_AFTER.match(text, match.end())
        if day is None or year is None:
            continue
        try:
            month = vocab.months[match["month"].casefold().rstrip(".")]
            found.append((match.start(), date(int(year["y"]), month, int(day))))
        except (KeyError, ValueError):
            continue
    yield from sorted(found)


def _day_first(language: str | None) -> bool | None:
    """How a page in ``language`` writes "4/5/2025": month first in US English, day first
    elsewhere; ``None`` for English of no stated region, or no language at all."""
    tag = (language or "").replace("_", "-").casefold()
    if not tag or tag == "en":
        return None
    return tag != "en-us"


def date_near_headline(
    page_text: str, headline: str | None, vocab: Vocabulary, *, language: str | None = None
) -> date | None:
    """The date the page shows by its headline: the first written date in the lines under
    it ("06.12.2022", "By Jane Doe | March 5, 2025"), else the last one just over it.

    ``page_text`` is the page's text in reading order; ``None`` when the headline is not in
    it or no complete date is near it. Slashed dates read month first on US English pages,
    day first on others, and only when their numbers tell on pages of no stated region.
    """
    if not headline or not page_text:
        return None
    words = headline.split()[:8]
    found = re.search(r"\s+".join(map(re.escape, words)), page_text) if words else None
    if found is None:
        return None
    at = found.start()
    day_first = _day_first(language)
    # the page's text keeps the markup's runs of spaces: squeeze the windows only
    after = " ".join(page_text[at : at + 4 * HEADLINE_AFTER_CHARS].split())[:HEADLINE_AFTER_CHARS]
    for _, value in _dates_in(after, vocab, day_first=day_first):
        if _in_range(value):
            return value
    before = " ".join(page_text[max(0, at - 4 * HEADLINE_BEFORE_CHARS) : at].split())
    before = before[-HEADLINE_BEFORE_CHARS:]
    shown = [v for _, v in _dates_in(before, vocab, day_first=day_first) if _in_range(v)]
    return shown[-1] if shown else None


# HTML comments: a CMS's generator banner ("TYPO3 ... copyright 1998-2022"), a cache stamp
# or a commented-out template hold dates no reader sees.
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

# The languages htmldate's free-text search hands dateparser when the page's is unknown:
# dateparser's detection across all its languages costs about 10 ms a string, a short list
# under half a millisecond.
_FALLBACK_LANGUAGES = DEFAULT_LANGUAGES
# What one page may spend in dateparser (htmldate's free-text search): this many strings,
# within this many seconds. Past either the search goes on without dateparser (htmldate's
# own patterns still run). A string costs about 0.3 ms in one or two languages; the count
# keeps results the same whatever the machine's load, the time bounds a pathological page.
DATEPARSER_MAX_STRINGS = 12
DATEPARSER_BUDGET_S = 0.02
_PAGE_PARSER: ContextVar[list[Any] | None] = ContextVar("newsclean_dateparser", default=None)


class _NoParse:
    """What htmldate's dateparser call gets once a page's budget is spent: no date."""

    @staticmethod
    def get_date_data(string: str) -> dict[str, Any]:
        return {"date_obj": None}


@lru_cache(maxsize=32)
def _dateparser_for(languages: tuple[str, ...]) -> Any:
    """A dateparser parser as htmldate builds its own, for ``languages`` only."""
    from dateparser import DateDataParser  # imported when first needed, as htmldate does

    return DateDataParser(
        languages=list(languages),
        settings={
            "NORMALIZE": True,
            "PARSERS": ["custom-formats", "absolute-time"],
            "PREFER_DATES_FROM": "past",
            "PREFER_LOCALE_DATE_ORDER": True,
            "RETURN_AS_TIMEZONE_AWARE": False,
            "STRICT_PARSING": True,
        },
    )


def _page_parser() -> Any:
    """htmldate's ``get_external_parser``, per page: the page's languages, within its budget.

    Outside :func:`_bounded_dateparser` (another caller of htmldate) htmldate's own parser.
    """
    current = _PAGE_PARSER.get()
    if current is None:
        return _HTMLDATE_PARSER() if _HTMLDATE_PARSER is not None else _NoParse()
    parser, deadline, left = current
    if left <= 0 or perf_counter() > deadline:
        return _NoParse()
    current[2] = left - 1
    return parser


_HTMLDATE_PARSER = getattr(htmldate_extractors, "get_external_parser", None)
if _HTMLDATE_PARSER is not None:
    # htmldate looks the function up at each call: the page's parser replaces it
    setattr(htmldate_extractors, "get_external_parser", _page_parser)  # noqa: B010


def _languages(language: str | None) -> tuple[str, ...]:
    """The dateparser languages for a page: its own (and English, the web's lingua franca)."""
    code = (language or "").replace("_", "-").split("-")[0].strip().casefold()
    if len(code) in (2, 3) and code.isalpha():
        return (code,) if code == "en" else (code, "en")
    return _FALLBACK_LANGUAGES


@contextmanager
def _bounded_dateparser(language: str | None) -> Iterator[None]:
    try:
        parser = _dateparser_for(_languages(language))
    except ValueError:  # a language dateparser does not know
        parser = _dateparser_for(_FALLBACK_LANGUAGES)
    token = _PAGE_PARSER.set([parser, perf_counter() + DATEPARSER_BUDGET_S, DATEPARSER_MAX_STRINGS])
    try:
        yield
    finally:
        _PAGE_PARSER.reset(token)


def day_forms(day: date, vocab: Vocabulary) -> list[str]:
    """The written forms of ``day``: :func:`visible_forms` and the vocabulary's month names
    ("6. dezember 2022", "1er janvier 2020", "3 de mayo de 2025"), lower-cased."""
    y, d = day.year, day.day
    forms = visible_forms(day)
    forms += [f"{y}{day.month:02d}{d:02d}", f"{y}/{day.month}/{d}", f"{y}-{day.month}-{d}"]
    for name, number in vocab.months.items():
        if number == day.month:
            forms += [
                f"{d}. {name} {y}",
                f"{d:02d}. {name} {y}",
                f"{d} {name} {y}",
                f"{d}er {name} {y}",
                f"{d} de {name} de {y}",
                f"{name} {d}, {y}",
            ]
    return forms


def day_is_named(day: date, text: str, vocab: Vocabulary) -> bool:
    """Whether ``text`` (any case) writes ``day`` out: a day, not only its month or year."""
    low = text.lower()
    return str(day.year) in low and any(form in low for form in day_forms(day, vocab))


def find_shown_date(
    html: str,
    url: str | None,
    *,
    language: str | None = None,
    vocab: Vocabulary | None = None,
) -> datetime | date | None:
    """The date htmldate finds on the (cleaned) page, ``None`` when it finds none.

    Comments are no page's date. A first-of-the-month htmldate returns is taken only when
    the page names that day: htmldate fills a missing day (a "February 2018", a ``/2018/02/``
    path) and a missing month (a copyright year) with 1. dateparser, which htmldate's
    free-text search calls, reads only the page's ``language`` (and English), at most
    :data:`DATEPARSER_MAX_STRINGS` strings within :data:`DATEPARSER_BUDGET_S` per page.
    """
    if "<!--" in html:
        html = _COMMENT.sub(" ", html)
    try:
        # the cleaned page: scripts, related-story cards and footers no longer offer their dates
        # (measured on WCXB dev articles: 0.866 date accuracy against 0.852 on the raw page);
        # without extensive search (free-text dates) accuracy falls to 0.820; htmldate runs
        # its costly free-text pass only when the structured pass finds nothing (one call:
        # two, without and then with it, parsed and examined the page twice, same dates)
        with _bounded_dateparser(language):
            found = find_date(html, url=url, original_date=True, extensive_search=True)
    except (ValueError, TypeError, AttributeError, RecursionError):
        return None
    value = parse_date(found) if found else None
    if value is not None and _day(value).day == 1:
        named = day_is_named(_day(value), f"{html} {url or ''}", vocab or load_vocabulary())
        if not named:
            return None
    return value


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


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
    the canonical one. Measured on WCXB dev: one more right date on articles, none fewer.
    Scripts (but JSON-LD, which htmldate reads) and styles go too: a head inlining its
    bundle gave htmldate 360 KB to search (a quarter of a second)."""
    kept = (
        child.html or ""
        for child in head.iter()
        if (
            child.tag not in DIGEST_SKIPPED_HEAD_TAGS
            or child.attributes.get("rel") in DIGEST_KEPT_LINKS
        )
        and (child.tag != "script" or child.attributes.get("type") == "application/ld+json")
        and child.tag != "style"
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
