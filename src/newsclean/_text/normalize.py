"""The normalizer: clean text, drop leftover boilerplate blocks, read wire furniture.

Runs on the blocks an extractor found. It fixes characters (NFC, entities, soft hyphens,
zero-width characters, odd spaces), drops repeated paragraphs and a title repeated at the top,
drops boilerplate lines the DOM stage could not see (a bare "Advertisement", an agency slug),
reads a byline and a dateline at the top of the body into fields, and cuts the body at a wire
story's end markers.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from newsclean._extract.authors import split_authors
from newsclean._extract.body import RawBlock
from newsclean._extract.dates import date_in_line
from newsclean._extract.wire import find_dateline, is_agency_slug
from newsclean._record import Block, make_block
from newsclean._vocab import Vocabulary, normalize_line

__all__ = ["NormalizedBody", "normalize_blocks", "normalize_text"]

_INVISIBLE_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS), None)
# Runs of spaces become one plain space. Only runs that change are matched (two or more, or
# holding an odd space), and only texts that need it are rewritten: almost none do.
_ODD_SPACES = "\t\u00a0\u2000-\u200a\u202f\u205f\u3000"
_SPACES = re.compile(f" [ {_ODD_SPACES}]+|[{_ODD_SPACES}][ {_ODD_SPACES}]*")
_UNUSUAL = re.compile(f"[{_INVISIBLE_CHARS}{_ODD_SPACES}]")
# Author bios (see _drop_author_bios): within the last blocks, at most this long, the name
# followed by a verb of introduction.
_BIO_TAIL_BLOCKS = 4
_BIO_MAX_CHARS = 600
_BIO_VERB = re.compile(r"\s+(?:is|was|has|writes|covers|joined|leads|serves)\b|'s\s")
# A line at the top of the body this short that is mostly a date is the date the page shows.
_DATE_LINE_MAX = 80
_BYLINE = re.compile(r"^(?:by|von|par|por)\s+\S", re.IGNORECASE)
# Blocks that may be a boilerplate line, and blocks that may close the story.
_LINE_KINDS = frozenset(("paragraph", "heading", "list_item"))
_END_MARKER_KINDS = frozenset(("heading", "paragraph"))


def normalize_text(text: str) -> str:
    """Entities, NFC, invisible characters and spaces; line breaks kept.

    >>> normalize_text("caf\\u0065\\u0301 &amp; co\\u00adop\\u200b  now")
    'café & coop now'
    """
    if "&" in text:
        text = html.unescape(text)
    if text.isascii():
        # most blocks: ASCII is its own NFC and holds no invisible or odd space but the tab
        if "\t" in text or "  " in text:
            text = _SPACES.sub(" ", text)
    elif not text.isprintable() and _UNUSUAL.search(text):
        # every character _UNUSUAL matches is unprintable (the tests check): a printable
        # text, most of them, needs no search
        text = _SPACES.sub(" ", unicodedata.normalize("NFC", text.translate(_INVISIBLE)))
    else:
        # NFC makes no odd space out of other characters (only U+2000/1 map, to U+2002/3)
        text = unicodedata.normalize("NFC", text)
        if "  " in text:
            text = _SPACES.sub(" ", text)
    if "\n" not in text:
        return text.strip()
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _normalize_code(text: str) -> str:
    """Code keeps its indentation and blank lines; only invisible characters and trailing
    spaces go, and blank lines at either end.

    >>> _normalize_code("\\ndef f():\\n    return 1   \\n\\n")
    'def f():\\n    return 1'
    """
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _drop_author_bios(kept: list[tuple[str, str, int | None]], authors: Sequence[str]) -> None:
    """Drop paragraphs near the end that introduce one of the story's authors.

    "Jane Doe is a reporter at ...", "Jane Doe has covered ... since": a bio box that the
    class vocabulary did not name. Only the last few blocks, only names the metadata gave.
    """
    names = [n.casefold() for n in authors if len(n.split()) >= 2]
    if not names:
        return
    start = max(0, len(kept) - _BIO_TAIL_BLOCKS)
    for index in range(len(kept) - 1, start - 1, -1):
        kind, text, _ = kept[index]
        if kind != "paragraph" or len(text) > _BIO_MAX_CHARS:
            continue
        folded = text.casefold()
        for name in names:
            if folded.startswith(name) and _BIO_VERB.match(folded, len(name)):
                del kept[index]
                break


@dataclass(slots=True)
class NormalizedBody:
    """Clean blocks plus what the body told about the story."""

    blocks: list[Block] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    agency: str | None = None
    dateline: str | None = None
    dateline_date: date | None = None
    # a date line above the story ("Published 3 May 2025"): the date the page shows
    shown_date: date | datetime | None = None


def normalize_blocks(
    raw_blocks: list[RawBlock],
    *,
    vocab: Vocabulary,
    title: str | None,
    extra_phrases: frozenset[str] = frozenset(),
    default_year: int | None = None,
    authors: tuple[str, ...] | list[str] = (),
) -> NormalizedBody:
    """Normalise extracted blocks into record blocks; see the module docstring.

    ``authors`` (from the page's metadata) lets an author bio at the end of the story go.
    """
    result = NormalizedBody()
    texts = [
        (b.kind, _normalize_code(b.text) if b.kind == "code" else normalize_text(b.text), b.level)
        for b in raw_blocks
    ]
    texts = [t for t in texts if t[1]]
    title_key = normalize_line(title) if title is not None else None

    kept: list[tuple[str, str, int | None]] = []
    seen: set[str] = set()
    at_top = True  # only headings kept so far
    for index, (kind, text, level) in enumerate(texts):
        # one vocabulary key per block serves every lookup below (they all normalise alike);
        # normalize_text leaves no two spaces in a row, code keeps its own
        single_spaced = kind != "code"
        key = normalize_line(text, single_spaced=single_spaced)
        if at_top and key == title_key:
            continue
        if is_agency_slug(text):
            # a wire story ends at its editors' slug; what follows is the site's
            if len(kept) >= 2:
                break
            continue
        # the end markers are the vocabulary's (vocab/<lang>.json 'end_markers')
        if index > 2 and kind in _END_MARKER_KINDS and vocab.is_end_marker_key(key):
            rest = sum(len(t) for _, t, _ in texts[index + 1 :])
            before = sum(len(t) for _, t, _ in kept)
            if rest < 0.6 * before:
                break
        if (
            kind in _LINE_KINDS
            and "\n" not in text
            and (vocab.is_boilerplate_key(key) or key in extra_phrases)
        ):
            continue
        if len(kept) < 3 and kind == "paragraph":
            top_text = _read_story_top(text, result, vocab, default_year=default_year)
            if top_text is None:
                continue
            if top_text is not text:
                text = top_text
                key = normalize_line(text, single_spaced=True)
        if len(key) > 20 and key in seen:
            continue
        seen.add(key)
        kept.append((kind, text, level))
        at_top = at_top and kind == "heading"

    _drop_author_bios(kept, authors)
    while kept and kept[-1][0] == "heading":
        kept.pop()
    result.blocks = [make_block(kind, text, level) for kind, text, level in kept]
    return result


def _read_story_top(
    text: str, result: NormalizedBody, vocab: Vocabulary, *, default_year: int | None
) -> str | None:
    """Read a byline, a dateline or a date line off a paragraph at the top of the story.

    What they tell goes into ``result``. Returns what is left of the paragraph: None when
    nothing is, the text after a dateline, else ``text`` itself.
    """
    if len(text) < 80 and _BYLINE.match(text):
        names, agency = split_authors(text, vocab)
        result.authors.extend(n for n in names if n not in result.authors)
        result.agency = result.agency or agency
        return None
    if result.dateline is None:
        found = find_dateline(text, vocab, default_year=default_year)
        if found is not None:
            result.dateline = found.place or None
            result.agency = result.agency or found.agency
            result.dateline_date = found.date
            if not found.remainder:
                return None
            text = found.remainder
    if len(text) < _DATE_LINE_MAX:
        shown = date_in_line(text, vocab)
        if shown is not None:
            result.shown_date = result.shown_date or shown
            return None
    return text
