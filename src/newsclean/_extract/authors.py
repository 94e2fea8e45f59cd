"""Author strings -> clean person names, and wire agencies found in bylines."""

from __future__ import annotations

import html
import re

from newsclean._vocab import Vocabulary

__all__ = ["split_authors"]

_PREFIX = re.compile(
    r"^\s*(?:(?:authors?|autor|auteur)\s*:?\s+|"
    r"(?:(?:(?:view\s+)?(?:all|more)\s+)?(?:articles|posts|stories)\s+|"
    r"(?:written|posted|published|reported|story|text|words|article|authored)\s+)?"
    r"(?:by|von|par|por|de|da|door|av|af|przez|di)\s*[:\-]?\s+)",
    re.IGNORECASE,
)
_SPLIT = re.compile(
    r"\s*(?:[;|/•·]|\band\b|\bund\b|\bet\b|\by\b|&|\s,\s|,\s*(?=\w))\s*", re.IGNORECASE
)
_EMAIL_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|@\w+")
_NOISE_WORDS = re.compile(
    r"\b(?:staff\s+writers?|staff\s+reporters?|staff|correspondents?|contributors?|editors?|"
    r"reporters?|writers?|team|desk|newsroom|updated|posted|published|follow|more\s+by)\b",
    re.IGNORECASE,
)
_TAIL = re.compile(
    r"\s+(?:at|for|of|in|on)\s+.*$|\s*\d.*$|\s*\(.*?\)\s*$|\s+[-–—]\s+.*$"
    r"|\s+(?:published|updated|posted|last\s+updated|reviewed)\b.*$",
    re.IGNORECASE,
)
# "Scott Matton March": a month glued to the end of a two-word name by a date widget
_MONTH_TAIL = re.compile(
    r"^(\S+\s+\S+.*?)\s+(?:january|february|march|april|may|june|july|august|september|"
    r"october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?$",
    re.IGNORECASE,
)
_CREDENTIAL = re.compile(
    r"^(?:ph\.?d\.?|m\.?d\.?|ms|msc|ma|mba|rd|rdn|ld|cdn|lcsw|do|rn|np|pa-c|jr\.?|sr\.?|ii|iii|"
    r"iv|esq\.?|fand|cpt|cscs|e-ryt(?:\s*\d+)?|ibclc|pharmd|dds|dvm|lpc|cpa|cfa|psyd|dr\.?|"
    r"prof\.?|faan|facp|faap|mph|mpa|msw|ba|bs|bsc|cns|cde|cdces|cssd|nasm-cpt)$",
    re.IGNORECASE,
)
_CALENDAR_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday mon tue wed thu fri sat sun today yesterday".split()
)
_NAME_CHARS = re.compile(r"[^\w\s.'’\-]", re.UNICODE)


def _is_credential(part: str) -> bool:
    return bool(_CREDENTIAL.match(part.strip(" .,")))


_PURE_NOISE = re.compile(
    r"^(?:(?:the|our|by|and|a|an)\s+)*(?:(?:staff|senior|contributing|guest|special)\s+)?"
    r"(?:writers?|reporters?|correspondents?|contributors?|editors?|authors?|team|staff|desk|"
    r"newsroom|admin|administrator|posted|published|written|updated|follow|more|about|"
    r"about\s+the\s+authors?|view\s+all\s+posts|all\s+posts|profile|bio|by)(?:\s+\d+)?$",
    re.IGNORECASE,
)


def split_authors(raw: str, vocab: Vocabulary) -> tuple[list[str], str | None]:
    """Split a byline into person names; return ``(names, agency)``.

    Job words that are part of a name ("News Desk", "Podium Staff") stay; a piece that is
    nothing but such words ("Staff Writers") goes, and an agency ("AFP Staff Writers")
    becomes the agency instead of a name.

    >>> from newsclean._vocab import load_vocabulary
    >>> split_authors("By Jane Doe and John Smith", load_vocabulary())
    (['Jane Doe', 'John Smith'], None)
    >>> split_authors("by AFP Staff Writers", load_vocabulary())
    ([], 'AFP')
    >>> split_authors("Dylan Bailey, MS, RD", load_vocabulary())
    (['Dylan Bailey, MS, RD'], None)
    """
    text = html.unescape(raw) if "&" in raw else raw
    text = _EMAIL_URL.sub(" ", text)
    text = " ".join(text.split())
    text = _PREFIX.sub("", text)
    agency: str | None = None
    names: list[str] = []
    for part in _SPLIT.split(text):
        piece = _PREFIX.sub("", part.strip(" .,:-–—")).strip(" .,:-–—")
        if not piece:
            continue
        if _is_credential(piece) and names:
            names[-1] = f"{names[-1]}, {piece}"
            continue
        bare = " ".join(_NOISE_WORDS.sub(" ", piece.casefold()).split()).strip(" .,:-–—()")
        if bare in vocab.agencies and (len(bare) > 3 or bare.upper() in piece or bare == "dpa"):
            agency = agency or vocab.agencies[bare]
            continue
        if _PURE_NOISE.match(piece) or piece.casefold().strip(".") in _CALENDAR_WORDS:
            continue
        cleaned = _TAIL.sub("", piece)
        month_tail = _MONTH_TAIL.match(cleaned)
        if month_tail:
            cleaned = month_tail.group(1)
        cleaned = _NAME_CHARS.sub(" ", cleaned)
        cleaned = " ".join(cleaned.split()).strip(" .,'-")
        if len(cleaned) < 2 or len(cleaned) > 60 or len(cleaned.split()) > 6:
            continue
        if cleaned not in names:
            names.append(cleaned)
    return names, agency
