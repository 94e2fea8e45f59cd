"""Author strings -> clean person names, and wire agencies found in bylines."""

from __future__ import annotations

import html
import re

from newsclean._vocab import Vocabulary

__all__ = ["looks_like_person", "split_authors"]

_PREFIX = re.compile(
    r"^\s*(?:(?:authors?|autor(?:in)?|auteure?|autora?)\s*:?\s+|"
    r"(?:text|texte|interview|words|fotos?|photos?|reporting)\s*:\s*|"
    r"(?:interview)\s+(?=\w)|"
    r"(?:(?:(?:view\s+)?(?:all|more)\s+)?(?:articles|posts|stories)\s+|"
    r"(?:written|posted|published|reported|story|text|words|article|authored|edited|reviewed|"
    r"veröffentlicht|eingestellt|geschrieben|verfasst|gepostet|erstellt|geprüft|beitrag|"
    r"artikel|mehr|publié|écrit|rédigé|publicado|escrito|redactado)\s+)?"
    r"(?:by|von|vom|par|por|de|da|door|av|af|przez|di)\s*[:\-]?\s+)",
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
    labels = vocab.author_labels
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
        key = " ".join(piece.casefold().split())
        if key in labels or _starts_with_label(key, vocab.date_labels):
            continue  # "Sign In", "Veröffentlicht am", "Updated March 5, 2025"
        piece, found = _agency_suffix(piece, vocab)
        agency = agency or found
        wire = found is not None
        piece = _cut_at_label(piece, vocab)
        cleaned = _TAIL.sub("", piece)
        month_tail = _MONTH_TAIL.match(cleaned)
        if month_tail:
            cleaned = month_tail.group(1)
        cleaned = _NAME_CHARS.sub(" ", cleaned)
        cleaned = " ".join(cleaned.split()).strip(" .,'-")
        if len(cleaned) < 2 or len(cleaned) > 60 or len(cleaned.split()) > 6:
            continue
        folded = " ".join(cleaned.casefold().split())
        if folded in labels or folded in _CALENDAR_WORDS:
            continue  # "August 5, 2025" less its digits
        if wire and cleaned.isupper():
            cleaned = cleaned.title()  # "MARIA GARCIA Associated Press": the wire's capitals
        if cleaned not in names:
            names.append(cleaned)
    return names, agency


# Lower-case words a person's name may hold: "Mark de la Cruz", "Ursula von der Leyen".
_PARTICLES = frozenset("de la le du des da di del van von der den ten ter zu y e bin al".split())


def looks_like_person(name: str) -> bool:
    """Whether a byline's name reads as a person's: one to five words, each capitalised
    (or a particle), not all capitals ("COMPANY TYPE"), no digits.

    >>> looks_like_person("Mark de la Cruz"), looks_like_person("Get app")
    (True, False)
    """
    words = name.split()
    if not 1 <= len(words) <= 5 or any(ch.isdigit() for ch in name):
        return False
    if len(words) > 1 and all(w.isupper() and len(w) > 2 for w in words):
        return False
    return all(w[:1].isupper() or w in _PARTICLES for w in words)


def _starts_with_label(key: str, labels: tuple[str, ...] | frozenset[str]) -> bool:
    """Whether ``key`` (case-folded) is or starts with one of ``labels`` as whole words."""
    return any(
        key.startswith(label) and (len(key) == len(label) or not key[len(label)].isalnum())
        for label in labels
    )


def _agency_suffix(piece: str, vocab: Vocabulary) -> tuple[str, str | None]:
    """A name followed by its agency ("MARIA GARCIA Associated Press"): the name and agency.

    An agency of a few letters counts only in capitals ("Jane Doe AP", not "Jane Ap").
    """
    words = piece.split()
    for size in (3, 2, 1):
        if len(words) <= size + 1:
            continue
        tail = " ".join(words[-size:])
        name = vocab.agencies.get(tail.casefold().strip(".,"))
        if name is not None and (len(tail) > 3 or tail.isupper()):
            return " ".join(words[:-size]).rstrip(" ,;/-–—"), name
    return piece, None


def _cut_at_label(piece: str, vocab: Vocabulary) -> str:
    """The name before a label glued to it by the page's layout ("Sara Zinnecker Stand",
    "lupa am", "Jane Doe Kategorien Mode"): the label words start no name."""
    words = piece.split()
    folded = [w.casefold().strip(".,:") for w in words]
    for at in range(1, len(words)):
        rest = " ".join(folded[at:])
        if (
            folded[at] in _GLUE_WORDS
            or _starts_with_label(rest, vocab.date_labels)
            or folded[at] in vocab.tag_labels
            or folded[at] in vocab.section_labels
        ):
            return " ".join(words[:at])
    return piece


# Words that follow a name in a byline only to join it to a date or a time: German "am"
# and "um" ("on", "at"; English ones go with what follows them, see _TAIL).
_GLUE_WORDS = frozenset(("am", "um"))
