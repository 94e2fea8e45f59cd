"""Author strings -> clean person names, and wire agencies found in bylines."""

from __future__ import annotations

import re

from newsclean._vocab import Vocabulary

__all__ = ["split_authors"]

_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|published|reported|story|text|words|article)\s+)?"
    r"(?:by|von|par|por|de|da|door|av|af|przez|di)\s*[:\-]?\s+",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:[;|/•·]|\band\b|\bund\b|\bet\b|\by\b|&|\s,\s|,\s*(?=\w))\s*",
                    re.IGNORECASE)
_EMAIL_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|@\w+")
_NOISE_WORDS = re.compile(
    r"\b(?:staff\s+writers?|staff\s+reporters?|staff|correspondents?|contributors?|editors?|"
    r"reporters?|writers?|team|desk|newsroom|updated|posted|published|follow|more\s+by)\b",
    re.IGNORECASE,
)
_TAIL = re.compile(r"\s+(?:at|for|of|in|on)\s+.*$|\s*\d.*$|\s*\(.*?\)\s*$")
_CREDENTIAL = re.compile(
    r"^(?:ph\.?d\.?|m\.?d\.?|ms|msc|ma|mba|rd|rdn|ld|cdn|lcsw|do|rn|np|pa-c|jr\.?|sr\.?|ii|iii|"
    r"iv|esq\.?|fand|cpt|cscs|e-ryt(?:\s*\d+)?|ibclc|pharmd|dds|dvm|lpc|cpa|cfa|psyd|dr\.?|"
    r"prof\.?|faan|facp|faap|mph|mpa|msw|ba|bs|bsc|cns|cde|cdces|cssd|nasm-cpt)$",
    re.IGNORECASE,
)
_NAME_CHARS = re.compile(r"[^\w\s.'’\-]", re.UNICODE)


def _is_credential(part: str) -> bool:
    return bool(_CREDENTIAL.match(part.strip(" .,")))


def split_authors(raw: str, vocab: Vocabulary) -> tuple[list[str], str | None]:
    """Split a byline into person names; return ``(names, agency)``.

    >>> from newsclean._vocab import load_vocabulary
    >>> split_authors("By Jane Doe and John Smith", load_vocabulary())
    (['Jane Doe', 'John Smith'], None)
    >>> split_authors("by AFP Staff Writers", load_vocabulary())
    ([], 'AFP')
    """
    text = _EMAIL_URL.sub(" ", raw)
    text = " ".join(text.split())
    text = _PREFIX.sub("", text)
    agency: str | None = None
    names: list[str] = []
    for part in _SPLIT.split(text):
        piece = part.strip(" .,:-–—")
        if not piece:
            continue
        if _is_credential(piece) and names:
            names[-1] = f"{names[-1]}, {piece}"
            continue
        lowered = piece.casefold()
        bare = _NOISE_WORDS.sub(" ", lowered).strip(" .,:-–—()")
        bare = " ".join(bare.split())
        if bare in vocab.agencies and (len(bare) > 3 or bare.upper() in piece or bare == "dpa"):
            agency = agency or vocab.agencies[bare]
            continue
        cleaned = _NOISE_WORDS.sub(" ", piece)
        cleaned = _TAIL.sub("", cleaned)
        cleaned = _NAME_CHARS.sub(" ", cleaned)
        cleaned = " ".join(cleaned.split()).strip(" .,'-")
        if not cleaned or len(cleaned) < 2 or len(cleaned) > 60:
            continue
        if len(cleaned.split()) > 6:
            continue
        if cleaned.isupper() and len(cleaned) > 4:
            cleaned = cleaned.title()
        if cleaned not in names:
            names.append(cleaned)
    return names, agency
