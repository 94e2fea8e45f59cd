"""Wire stories: the dateline ("Beijing (AFP) Nov 15, 2025 -") and the agency behind them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from dateutil import parser as dateutil_parser

from newsclean._vocab import Vocabulary

__all__ = ["Dateline", "find_dateline", "is_agency_slug"]

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)"
_PLACE = rf"[A-ZÀ-Ý][\w.'’\- ]{{1,40}}?(?:,\s*(?!{_MONTH}\s+\d)[A-ZÀ-Ý][\w.'’\- ]{{1,30}}?)?"
_NOT_PLACES = frozenset(
    {
        "the",
        "a",
        "an",
        "this",
        "that",
        "it",
        "he",
        "she",
        "they",
        "we",
        "i",
        "on",
        "in",
        "at",
        "by",
        "for",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
    }
)
_SEP = r"\s*(?:[-–—:|]+\s*|\s+)"
_DATE_ONLY = re.compile(rf"^{_DATE}$")

# "Beijing (AFP) Nov 15, 2025 - text", "WASHINGTON (AP) — text", "BEIJING, Nov 15 (Reuters) -"
_WITH_AGENCY = re.compile(
    rf"^(?P<place>{_PLACE})(?:,?\s+(?P<date1>{_DATE}))?\s*\((?P<agency>[A-Za-z][\w .&/-]{{1,40}})\)"
    rf"(?:\s*(?P<date2>{_DATE}))?(?P<sep>{_SEP}|$)"
)
# "WASHINGTON — text": an upper-case place and a dash, no agency
_PLACE_ONLY = re.compile(
    r"^(?P<place>[A-ZÀ-Ý][A-ZÀ-Ý.'’\- ]{2,30}(?:,\s*[A-Z][\w.]{1,20})?)"
    r"\s*[-–—]{1,2}\s+(?=\S)"
)
_YEAR = re.compile(r"\d{4}")
_AGENCY_SPLIT = re.compile(r"[/,&]| and ")
_DEFAULT_DAY = datetime(2000, 1, 1)  # noqa: DTZ001 - a calendar default, no instant
_SLUG = re.compile(r"^[a-z]{2,4}(?:/[a-z]{2,4}){1,5}$|^[a-z]{2,4}(?:-[a-z]{2,4}){2,5}$")


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline found at the start of the body, and what is left of its paragraph.

    ``place`` is empty when the dateline has a date and an agency but no place
    ("Nov. 12 (UPI) --").
    """

    place: str
    agency: str | None
    date: date | None
    remainder: str


def is_agency_slug(line: str) -> bool:
    """Editors' initials at the end of a wire story, such as ``pfc/lb/mtp``."""
    return bool(_SLUG.match(line.strip()))


def _parse_day(raw: str | None, *, default_year: int | None) -> date | None:
    if not raw:
        return None
    try:
        parsed = dateutil_parser.parse(raw, default=_DEFAULT_DAY)
    except (ValueError, OverflowError):
        return None
    if not _YEAR.search(raw):
        if default_year is None:
            return None
        parsed = parsed.replace(year=default_year)
    return parsed.date()


def find_dateline(
    paragraph: str, vocab: Vocabulary, *, default_year: int | None = None
) -> Dateline | None:
    """Parse a dateline at the start of ``paragraph``.

    >>> from newsclean._vocab import load_vocabulary
    >>> d = find_dateline("Beijing (AFP) Nov 15, 2025", load_vocabulary())
    >>> (d.place, d.agency, d.date.isoformat(), d.remainder)
    ('Beijing', 'AFP', '2025-11-15', '')
    >>> find_dateline("WASHINGTON (AP) — The Senate voted.", load_vocabulary()).remainder
    'The Senate voted.'
    """
    text = paragraph.strip()
    match = _WITH_AGENCY.match(text)
    if match:
        agency_raw = " ".join(match.group("agency").split()).casefold()
        agency = vocab.agencies.get(agency_raw)
        if agency is None:
            # "(AFP/Reuters)", "(AFP) Staff"
            first = _AGENCY_SPLIT.split(agency_raw)[0].strip()
            agency = vocab.agencies.get(first)
        if agency is not None:
            place = match.group("place").strip(" ,")
            raw_day = match.group("date1") or match.group("date2")
            if _DATE_ONLY.match(place):
                # "Nov. 12 (UPI) --": a date where the place would be
                place, raw_day = "", raw_day or place
            if len(place.split()) <= 5 and place.casefold() not in _NOT_PLACES:
                day = _parse_day(raw_day, default_year=default_year)
                return Dateline(
                    place=_title_place(place),
                    agency=agency,
                    date=day,
                    remainder=text[match.end() :].strip(),
                )
        return None
    match = _PLACE_ONLY.match(text)
    if match and len(match.group("place").split()) <= 4:
        remainder = text[match.end() :].strip()
        if len(remainder.split()) >= 5:
            return Dateline(
                place=_title_place(match.group("place").strip(" ,")),
                agency=None,
                date=None,
                remainder=remainder,
            )
    return None


def _title_place(place: str) -> str:
    return place.title() if place.isupper() else place
