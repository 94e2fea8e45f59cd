"""The text path: a page that is already plain text -> the same record as the HTML path.

A text dump (a naive scraper's output, a copy-paste, an HTML-to-text tool) keeps the story but
also the site's banner, section labels, share bars, "Related" blocks, teasers of other stories
and the legal footer, with no tags left to tell them apart. This module decides by the shape
of the lines and by the shared boilerplate vocabulary (:mod:`newsclean._vocab`):

1. ``split_lines``: one unit per line, hard-wrapped paragraphs joined back together.
2. ``classify_line``: every line gets a kind: prose, a short line (a title, a heading, a
   label), a list item, a byline, a dateline, a date, known boilerplate, or a story boundary
   (an end marker such as "Related Links", a teaser ending in "... read more", an agency
   slug such as ``pfc/lb/mtp``, a legal statement).
3. ``find_story_runs``: the story is a contiguous run of prose. A run goes on over headings
   (at most two short lines between prose), list items, dates and known boilerplate lines
   (dropped), and stops at a boundary, at a byline or dateline (another story begins) and at a
   cluster of short lines (a link list).
4. ``choose_story`` and ``grow_story``: the run with the most prose before the first end
   marker is the story unless a run after it is four times longer (the "end marker" was then
   a menu entry); the story grows over neighbouring runs that only short lines separate.
5. ``read_header``: walking back from the story's first line: key points, bylines, datelines,
   dates, a dek (description), the best-scoring title, then a section label and the site's
   name.
6. The story's lines go through :func:`newsclean._text.normalize.normalize_blocks`, as the HTML
   path's blocks do; tags come from a tag line after the story.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from newsclean._dedupe.minhash import fingerprint
from newsclean._errors import NoContentError
from newsclean._extract.authors import split_authors
from newsclean._extract.body import RawBlock
from newsclean._extract.dates import BY_TAIL as _BY_TAIL
from newsclean._extract.dates import date_in_line, strip_label
from newsclean._extract.wire import find_dateline, is_agency_slug
from newsclean._options import Options
from newsclean._record import Article, Provenance
from newsclean._text.normalize import normalize_blocks, normalize_text
from newsclean._vocab import Vocabulary, load_vocabulary, normalize_line

__all__ = ["Line", "LineKind", "StoryRun", "classify_line", "find_story_runs", "run_text"]

LineKind = Literal[
    "prose",
    "short",
    "list_item",
    "quote",
    "byline",
    "dateline",
    "date",
    "boilerplate",
    "label",
    "field",
    "end",
    "teaser",
    "slug",
    "legal",
]
BOUNDARIES = frozenset({"end", "teaser", "slug", "legal"})
# lines that never reach the body
DROPPED = frozenset({"boilerplate", "label", "field", "date"})

# A line is prose when it has this many words and ends like a sentence, or this many at all.
PROSE_MIN_WORDS = 6
PROSE_ANY_WORDS = 20
# At most this many short lines between two prose lines are headings; more are a link list.
MAX_HEADINGS_BETWEEN = 2
# A title has at most this many words.
TITLE_MAX_WORDS = 25
# A run before the first end marker is the story when it holds this much prose.
MIN_STORY_CHARS = 150
# A run before the first end marker must hold this share of the longest run's prose to win.
MIN_SHARE_BEFORE_END = 0.25
# Runs apart by a cluster of at most this many short lines join; the story does not end on a
# run with less prose than this.
JOIN_MAX_SHORT_LINES = 25
JOIN_MIN_CHARS = 150
# Longer clusters (a table, one cell per line) join two runs that both hold this much prose.
JOIN_MAX_TABLE_LINES = 100
JOIN_TABLE_MIN_CHARS = 1000
# the short lines between two joined runs that go into the story
GAP_KINDS = frozenset({"short", "list_item", "quote"})
# Only lines of this many words count as the prose that makes a run a story: a menu's
# one-line blurbs ("Managed environment for running containerized apps.") do not.
STRONG_PROSE_WORDS = 10
# The story grows over at most this many runs in a row that hold little prose.
MAX_SMALL_RUNS = 2
# How far back from the story the header (title, byline, dateline, dek) may reach, and how
# far above the title a section label may sit.
HEADER_MAX_LINES = 12
SECTION_MAX_LINES = 8
# With a URL, a title-like line this far above the story is the title when the URL's slug
# holds this share of its words.
TITLE_SEARCH_LINES = 250
SLUG_TITLE_SHARE = 0.6
# A first paragraph this short, with no title above it, doubles as the description.
DEK_MAX_WORDS = 45
# Hard-wrapped text: lines at least this share of the usual width continue on the next line.
WRAP_SHARE = 0.7
WRAP_MIN_WIDTH = 50
WRAP_MAX_WIDTH = 120
# A piece of at most this many words between two pieces of one sentence is a link's text.
INLINE_LINK_MAX_WORDS = 6

_SENTENCE_END = re.compile(r"[.!?…:;]['\"”’»)\]]*$|[.!?…]['\"”’»)\]]*\s*\(\w[^)]{0,40}\)$")
_BULLET = re.compile(r"^(?:[-*•·–—▪►‣◦]|\d{1,2}[.)])\s+(?=\S)")
_QUOTE = re.compile(r"^>\s*")
_BYLINE = re.compile(
    r"^(?:(?:written|posted|published|reported|text|story|words)\s+)?(?:by|von|par|por)\s+"
    r"(?=[\w\"“])|^(?:author|autor|auteur)s?\s*:\s*(?=\S)|^(?-i:By)(?=[A-Z][a-z])",
    re.IGNORECASE,
)
# "By Korin MillerPublished: Jan 29, 2025": words a date widget glued to the name
_GLUED_LABEL = re.compile(r"(?<=[a-z])(?=(?:Published|Updated|Posted|Fact-checked)\b)")
_TIME = re.compile(
    r"^\d{1,2}(?:[:.h]\d{2})\s*(?:am|pm|a\.m\.|p\.m\.)?\s*(?:gmt|utc|cet|cest|bst|[ecmp][sd]?t|uhr)?$",
    re.IGNORECASE,
)
# "Home > World > Asia"; a bar of links ("Home | World | Business") is a menu, not a path
_BREADCRUMB = re.compile(r"\s+(?:>|›|»|/)\s+")
_TAG_SPLIT = re.compile(r"\s*(?:[,;|•·]|\s#)\s*")
# "Source: Xinhua", "Editor: Huaxia": a one- or two-word label and a short value
_FIELD = re.compile(r"^(?P<label>[^\W\d][\w-]*(?: [\w-]+)?)\s*:\s*(?P<value>\S.{0,40})$")
# "Emma Clarke, Environment reporter": a byline without "by", known by its job title
_NAME_WITH_ROLE = re.compile(
    r"^(?P<name>[A-ZÀ-Ý][\w'’.-]+(?:\s+[A-ZÀ-Ý][\w'’.-]+){1,3})\s*[,|–—-]\s*"
    r"(?P<role>[^,|]{0,40}\b(?i:reporter|correspondent|editor|writer|journalist|columnist|"
    r"contributor|staff|redakteur(?:in)?|korrespondent(?:in)?|autor(?:in)?|journaliste|"
    r"correspondante?|rédact(?:eur|rice)|periodista|corresponsal|redactora?)\b[^,|]{0,30})$"
)
_TOKEN = re.compile(r"\w+")
_CLOSING = frozenset(",.;:!?)]’”%")
_NAME_ONLY = re.compile(
    r"^[A-ZÀ-Ý][\w'’.-]+(?:\s+(?:[A-ZÀ-Ý][\w'’.-]+|van|von|de|da|del|der|le|la|di|bin)){1,3}"
    r"(?:,\s*(?:Ph\.?D\.?|M\.?D\.?|MS|RD|MBA|Jr\.?))?$"
)
_BARE_BY = frozenset({"by", "von", "par", "por", "written by", "author"})
_READ_TIME = re.compile(r"^\d+\s*(?:-\s*)?min(?:ute)?s?\.?(?:\s+read)?$", re.IGNORECASE)
# "Posted on March 3, 2024 by Jane Miller": the byline at the end of a date line
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
_RELATIVE_TIME = re.compile(
    r"^(?:updated\s+|posted\s+)?\d+\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago$"
    r"|^(?:vor\s+\d+\s+(?:minuten|stunden|tagen)|il y a\s+\d+\s+(?:minutes?|heures?|jours?)"
    r"|hace\s+\d+\s+(?:minutos?|horas?|días?))$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the text and what it looks like."""

    index: int
    text: str
    kind: LineKind
    words: int
    gap_before: bool = False


@dataclass(slots=True)
class StoryRun:
    """A contiguous run of prose: the indexes of its lines and how much prose it holds."""

    start: int
    end: int
    prose_chars: int = 0
    after_end_marker: bool = False
    closed_by: str | None = None
    lines: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Header:
    """What the lines above the story tell: title, dek, byline, dateline, labels."""

    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    agency: str | None = None
    dateline: str | None = None
    published: datetime | date | None = None
    published_source: str | None = None
    """``"dateline"`` or ``"text"`` (a date line), as :class:`Provenance` names them."""
    section: str | None = None
    site_name: str | None = None
    used: set[int] = field(default_factory=set)
    prefix: list[int] = field(default_factory=list)
    """Lines above the first prose line that open the story (key points, a time stamp)."""


def split_lines(text: str) -> list[tuple[str, bool]]:
    """Normalise the text and split it into ``(line, blank line before)`` pairs.

    Hard-wrapped paragraphs (lines cut near one width, paragraphs apart by blank lines) are
    joined back into one line each.

    >>> split_lines("Title\\n\\nOne line.\\nTwo line.")
    [('Title', False), ('One line.', True), ('Two line.', False)]
    """
    raw = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    pairs: list[tuple[str, bool]] = []
    gap = False
    for piece in raw.split("\n"):
        line = normalize_text(piece)
        if not line:
            gap = bool(pairs)
            continue
        pairs.append((line, gap))
        gap = False
    return _unwrap(pairs)


def _unwrap(pairs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    if len(pairs) < 2:
        return pairs
    pairs = _join_inline_links(pairs)
    lengths = sorted(len(line) for line, _ in pairs)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if width < WRAP_MIN_WIDTH or width > WRAP_MAX_WIDTH:
        width = 10**9  # not a wrapped text: only fragments join
    # the whole text is wrapped when many lines run on into the next without ending a sentence
    run_on = sum(
        1
        for (line, _), (_, next_gap) in itertools.pairwise(pairs)
        if not next_gap and len(line) >= WRAP_SHARE * width and not _SENTENCE_END.search(line)
    )
    wrapped = any(gap for _, gap in pairs) and run_on >= 3 and run_on >= 0.25 * len(pairs)
    out: list[tuple[str, bool]] = []
    for line, gap in pairs:
        previous = out[-1][0] if out else ""
        if (
            out
            and not gap
            and len(previous) >= WRAP_SHARE * width
            and not _BULLET.match(line)
            and not _BULLET.match(previous)
            # the whole text is wrapped, or this line goes on in lower case mid-sentence
            and (wrapped or (line[:1].islower() and not _SENTENCE_END.search(previous)))
        ):
            out[-1] = (f"{previous} {line}", out[-1][1])
        elif out and not gap and _is_fragment(previous, line):
            # a sentence cut at an inline element ("He told" / "Reuters" / ", adding ...")
            glue = "" if line[:1] in _CLOSING else " "
            out[-1] = (f"{previous}{glue}{line}", out[-1][1])
        else:
            out.append((line, gap))
    return out


def _join_inline_links(pairs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Put a link's text back into its sentence: "said" / "Alibaba" / "denied it." when the
    line after the short piece goes on in lower case or with punctuation."""
    out: list[tuple[str, bool]] = []
    index = 0
    while index < len(pairs):
        line, gap = pairs[index]
        if (
            out
            and index + 1 < len(pairs)
            and not gap
            and not pairs[index + 1][1]
            and len(line.split()) <= INLINE_LINK_MAX_WORDS
            and _is_fragment(out[-1][0], "x")
            and _is_fragment(line, pairs[index + 1][0])
        ):
            following = pairs[index + 1][0]
            glue = "" if following[:1] in _CLOSING else " "
            out[-1] = (f"{out[-1][0]} {line}{glue}{following}", out[-1][1])
            index += 2
            continue
        out.append((line, gap))
        index += 1
    return out


def _is_fragment(previous: str, line: str) -> bool:
    if _SENTENCE_END.search(previous) or _BULLET.match(line) or _BULLET.match(previous):
        return False
    if _BYLINE.match(line) or _BY_TAIL.match(f" {line}"):
        return False  # "by Jane Doe" under a title that ends in lower case
    if line[:1] in _CLOSING:
        return True
    return line[:1].islower() and (previous[-1:].islower() or previous[-1:] in ",(–—-")


def _word_count(text: str) -> int:
    return len(text.split())


def is_prose(text: str) -> bool:
    """Whether a line reads as running text rather than a title or a label.

    >>> is_prose("The FT said it could not independently verify the claims.")
    True
    >>> is_prose("Beijing also pushes back")
    False
    """
    words = _word_count(text)
    if words >= PROSE_ANY_WORDS:
        return True
    return words >= PROSE_MIN_WORDS and bool(_SENTENCE_END.search(text))


def _is_byline(text: str, words: int) -> bool:
    if words > 12 or _SENTENCE_END.search(text[-1:]):
        return False
    return bool(_BYLINE.match(text) or _NAME_WITH_ROLE.match(text))


def classify_line(text: str, vocab: Vocabulary, *, extra_phrases: frozenset[str]) -> LineKind:
    """The kind of one line, on its own (context comes later, in the story runs).

    >>> from newsclean._vocab import load_vocabulary
    >>> vocab = load_vocabulary()
    >>> [classify_line(t, vocab, extra_phrases=frozenset()) for t in (
    ...     "Related Links", "pfc/lb/mtp", "Tweet", "by AFP Staff Writers",
    ...     "Beijing (AFP) Nov 15, 2025", "Beijing also pushes back")]
    ['end', 'slug', 'boilerplate', 'byline', 'dateline', 'short']
    """
    words = _word_count(text)
    if is_agency_slug(text):
        return "slug"
    if words <= 8 and vocab.is_end_marker(text):
        return "end"
    if vocab.is_teaser(text):
        return "teaser"
    if vocab.is_legal_statement(text):
        return "legal"
    if normalize_line(text) in extra_phrases or (words <= 30 and vocab.is_boilerplate_line(text)):
        return "boilerplate"
    if _BULLET.match(text):
        return "list_item"
    if _QUOTE.match(text):
        return "quote"
    if _is_byline(text, words):
        return "byline"
    if words <= 10:
        found = find_dateline(text, vocab)
        if found is not None and found.agency is not None and not found.remainder:
            return "dateline"
        if _TIME.match(text) or _RELATIVE_TIME.match(text) or date_in_line(text, vocab):
            return "date"
        if _FIELD.match(text):
            return "field"
    return "prose" if is_prose(text) else "short"


def classify_lines(
    pairs: list[tuple[str, bool]], vocab: Vocabulary, *, extra_phrases: frozenset[str]
) -> list[Line]:
    """Classify every line, then mark short lines that repeat three times or more (a section
    label over every teaser) as labels."""
    lines = [
        Line(
            i, text, classify_line(text, vocab, extra_phrases=extra_phrases), len(text.split()), gap
        )
        for i, (text, gap) in enumerate(pairs)
    ]
    counts = Counter(normalize_line(line.text) for line in lines if line.kind == "short")
    out: list[Line] = []
    for line in lines:
        if line.kind == "short" and counts[normalize_line(line.text)] >= 3:
            line = Line(line.index, line.text, "label", line.words, line.gap_before)
        out.append(line)
    return out


def find_story_runs(lines: list[Line]) -> list[StoryRun]:
    """Every contiguous run of prose, in order; see the module docstring for the rules."""
    runs: list[StoryRun] = []
    current: StoryRun | None = None
    pending: list[Line] = []
    seen_end = False

    def close(reason: str | None) -> None:
        nonlocal current
        if current is not None:
            # a list that a lead-in sentence announces belongs to the story
            lead_in = current.lines and lines[current.lines[-1]].text.rstrip().endswith(":")
            if lead_in:
                current.lines.extend(p.index for p in pending if p.kind == "list_item")
            current.closed_by = reason
            current.end = current.lines[-1]
            runs.append(current)
        current = None
        pending.clear()

    for line in lines:
        kind = line.kind
        if kind in BOUNDARIES:
            close(kind)
            if kind in ("end", "teaser"):
                seen_end = True
            continue
        if kind == "prose":
            if current is None:
                current = StoryRun(start=line.index, end=line.index, after_end_marker=seen_end)
            else:
                current.lines.extend(p.index for p in pending)
            pending.clear()
            current.lines.append(line.index)
            if line.words >= STRONG_PROSE_WORDS:
                current.prose_chars += len(line.text)
            continue
        if current is None:
            continue
        if kind in ("byline", "dateline"):
            # a new story starts: a teaser's dateline, a second article
            close(kind)
            continue
        pending.append(line)
        if sum(1 for p in pending if p.kind == "short") > MAX_HEADINGS_BETWEEN:
            close("link list")
    close(None)
    return runs


def choose_story(runs: list[StoryRun]) -> StoryRun | None:
    """The run the story grows from: the longest run before the first end marker when it
    holds enough prose (a comment section after the story may be longer), else the longest.

    A run before the end marker that is tiny next to a run after it loses: the "end marker"
    was then a menu entry ("Trending", "Latest news") above the story.
    """
    if not runs:
        return None
    best = max(runs, key=lambda r: r.prose_chars)
    before = [r for r in runs if not r.after_end_marker]
    best_before = max(before, key=lambda r: r.prose_chars, default=None)
    if (
        best_before is not None
        and best_before.prose_chars >= MIN_STORY_CHARS
        and best_before.prose_chars >= MIN_SHARE_BEFORE_END * best.prose_chars
    ):
        return best_before
    return best


def grow_story(runs: list[StoryRun], seed: StoryRun, lines: list[Line]) -> StoryRun:
    """Join the seed with neighbouring runs that only a cluster of short lines separates
    (subheadings, a table, a list): a long article's sections. Boundaries, bylines and
    datelines are never crossed; the short lines in between join the story."""
    position = runs.index(seed)
    first = last = position
    small = 0
    while last + 1 < len(runs) and _joinable(runs[last], runs[last + 1], lines):
        small = small + 1 if runs[last + 1].prose_chars < JOIN_MIN_CHARS else 0
        if small > MAX_SMALL_RUNS:
            break
        last += 1
    small = 0
    while first > 0 and _joinable(runs[first - 1], runs[first], lines):
        small = small + 1 if runs[first - 1].prose_chars < JOIN_MIN_CHARS else 0
        if small > MAX_SMALL_RUNS:
            break
        first -= 1
    # small runs may link two sections, but do not end the story
    while last > position and runs[last].prose_chars < JOIN_MIN_CHARS:
        last -= 1
    while first < position and runs[first].prose_chars < JOIN_MIN_CHARS:
        first += 1
    if first == last:
        return seed
    indexes: list[int] = []
    for number in range(first, last + 1):
        run = runs[number]
        indexes.extend(run.lines)
        if number < last:
            gap = range(run.end + 1, runs[number + 1].lines[0])
            indexes.extend(i for i in gap if lines[i].kind in GAP_KINDS)
    return StoryRun(
        start=runs[first].start,
        end=runs[last].end,
        prose_chars=sum(r.prose_chars for r in runs[first : last + 1]),
        after_end_marker=runs[first].after_end_marker,
        closed_by=runs[last].closed_by,
        lines=indexes,
    )


def _joinable(earlier: StoryRun, later: StoryRun, lines: list[Line]) -> bool:
    if earlier.closed_by != "link list":
        return False
    gap = lines[earlier.end + 1 : later.lines[0]]
    short = sum(1 for line in gap if line.kind == "short")
    if short <= JOIN_MAX_SHORT_LINES:
        return True
    # a table rendered one cell per line between two long sections
    return short <= JOIN_MAX_TABLE_LINES and min(earlier.prose_chars, later.prose_chars) >= (
        JOIN_TABLE_MIN_CHARS
    )


def _is_title_like(line: Line) -> bool:
    return (
        line.kind in ("short", "prose")
        and 2 <= line.words <= TITLE_MAX_WORDS
        and not line.text.endswith((".", ":", ";", ","))
        and not (line.text.isupper() and line.words <= 3)
    )


def _is_label(line: Line) -> bool:
    return line.kind in ("short", "label") and line.words <= 5


def _group_sizes(lines: list[Line]) -> list[int]:
    """For each line, how many lines that are not boilerplate share its blank-line group."""
    group_of: list[int] = []
    group = 0
    for line in lines:
        group += line.gap_before
        group_of.append(group)
    sizes = Counter(
        g for g, line in zip(group_of, lines, strict=True) if line.kind != "boilerplate"
    )
    return [sizes[g] for g in group_of]


def _read_meta(line: Line, header: Header, vocab: Vocabulary) -> bool:
    """Fill the header from a byline, dateline, date or field line; whether it was one."""
    if line.kind == "byline":
        with_role = _NAME_WITH_ROLE.match(line.text)
        raw = with_role.group("name") if with_role else _GLUED_LABEL.sub(" ", line.text)
        if raw[:2] == "By" and raw[2:3].isupper():
            raw = f"By {raw[2:]}"
        names, agency = split_authors(raw, vocab)
        header.authors.extend(n for n in names if n not in header.authors)
        header.agency = header.agency or agency
    elif line.kind == "dateline":
        found = find_dateline(line.text, vocab)
        if found is not None and header.dateline is None:
            header.dateline = found.place or None
            header.agency = header.agency or found.agency
            if header.published is None and found.date is not None:
                header.published, header.published_source = found.date, "dateline"
    elif line.kind == "date":
        if header.published is None:
            header.published = date_in_line(line.text, vocab)
            header.published_source = "text" if header.published is not None else None
        by = _BY_TAIL.search(line.text)
        if by is not None and not header.authors:
            names, agency = split_authors(by.group("names"), vocab)
            header.authors.extend(names)
            header.agency = header.agency or agency
    elif line.kind == "field":
        match = _FIELD.match(line.text)
        value = match.group("value").strip() if match else ""
        header.agency = header.agency or vocab.agencies.get(value.casefold())
        if strip_label(line.text, vocab.section_labels):
            header.section = header.section or value
    else:
        return False
    header.used.add(line.index)
    return True


def read_header(
    lines: list[Line], story: StoryRun, vocab: Vocabulary, *, url: str | None = None
) -> Header:
    """Walk back from the story's first line and read what the page says above it.

    First the furniture between the title and the story (byline, dateline, dates, a dek, a
    list of key points that opens the story), then the title, then labels above the title:
    the nearest breadcrumb, capitalised label, repeated label or lone short line is the
    section. The first line of the page, when it is a short label, is the site's name.
    """
    header = Header()
    first = story.lines[0] if story.lines else story.start
    index = _read_prefix(lines, first - 1, header)
    window = _header_window(lines, index)
    title_position = _read_title(lines, story, window, header, first=first, url=url)
    below, above = window[:title_position], window[title_position + 1 :]
    _read_below_title(below, header, vocab)
    for line in above:
        dated = line.kind in ("date", "dateline") and header.published is None
        if dated or (line.kind == "byline" and not header.authors):
            _read_meta(line, header, vocab)
    _read_name_under_title(window, title_position, header)
    if header.title is None:
        return header
    index = window[title_position].index - 1 if title_position < len(window) else -1
    chosen = _section_line(lines, index, header.title, header)
    if chosen is not None and header.section is None:
        header.section = _section_name(chosen.text, vocab)
        header.used.add(chosen.index)
    header.site_name = _site_name(lines, index + 1, header)
    return header


def _read_prefix(lines: list[Line], index: int, header: Header) -> int:
    """Key points over a live blog, a time stamp over its first entry (and a short line over
    them) open the story: their indexes go to ``header.prefix``; the index above them."""
    while index >= 0 and (lines[index].kind == "list_item" or _TIME.match(lines[index].text)):
        header.prefix.insert(0, index)
        index -= 1
    if header.prefix and index >= 0 and lines[index].kind == "short" and lines[index].words <= 6:
        header.prefix.insert(0, index)
        index -= 1
    return index


def _header_window(lines: list[Line], index: int) -> list[Line]:
    """The lines above ``index`` that may be the story's header, nearest first."""
    window: list[Line] = []
    while index >= 0 and len(window) < HEADER_MAX_LINES:
        line = lines[index]
        if line.kind in BOUNDARIES or (line.kind == "prose" and line.words > DEK_MAX_WORDS):
            break
        window.append(line)
        index -= 1
    return window


def _read_title(
    lines: list[Line],
    story: StoryRun,
    window: list[Line],
    header: Header,
    *,
    first: int,
    url: str | None,
) -> int:
    """Set the header's title: the best-scoring title-like line of the window, or one further
    up that the URL's slug spells; its position in the window (``len(window)`` when it is
    not in it)."""
    story_words = _content_words(" ".join(lines[i].text for i in story.lines[:12]))
    slug_words = _content_words(_url_slug(url))
    scored = [
        (_title_score(line, position, window, story_words, slug_words), -position, line)
        for position, line in enumerate(window)
        if _is_title_like(line)
    ]
    title_position = len(window)
    if scored:
        _, negative_position, title_line = max(scored, key=lambda item: item[:2])
        title_position = -negative_position
        header.title = title_line.text
        header.used.add(title_line.index)
    if slug_words and _slug_share(header.title, slug_words) < SLUG_TITLE_SHARE:
        # the headline sits further up, over menus and promos: the URL's slug names it
        far = _far_title(lines, first - len(window) - len(header.prefix) - 1, slug_words)
        if far is not None:
            title_position = len(window)
            header.title = far.text
            header.used.add(far.index)
    return title_position


def _read_below_title(below: list[Line], header: Header, vocab: Vocabulary) -> None:
    """Bylines, datelines, dates and fields between title and story; the dek; a bare name."""
    for position, line in enumerate(below):
        if _read_meta(line, header, vocab):
            continue
        if (
            line.kind == "prose"
            and header.description is None
            and line.words <= DEK_MAX_WORDS
            and line.index not in header.used
        ):
            header.description = line.text
            header.used.add(line.index)
        elif not header.authors and _is_name_line(below, position):
            header.authors.append(line.text)
            header.used.add(line.index)


def _read_name_under_title(window: list[Line], title_position: int, header: Header) -> None:
    """A bare name right under the headline ("Andrew King") is the author, when none is."""
    if header.authors or not 0 < title_position < len(window):
        return
    line = window[title_position - 1]
    if line.kind == "short" and _NAME_ONLY.match(line.text) and not line.text.isupper():
        header.authors.append(line.text)
        header.used.add(line.index)


def _section_line(lines: list[Line], index: int, title: str, header: Header) -> Line | None:
    """Walking up from ``index`` (above the title): the nearest breadcrumb, capitalised or
    repeated label, else the nearest lone short line; repeats of the title become used."""
    seen = 0
    sizes = _group_sizes(lines)
    title_key = normalize_line(title)
    first_content = next(
        (ln.index for ln in lines if ln.kind != "boilerplate" and ln.kind not in BOUNDARIES), -1
    )
    strong: Line | None = None
    weak: Line | None = None
    while index >= 0 and seen < SECTION_MAX_LINES:
        line = lines[index]
        index -= 1
        seen += 1
        if line.kind in BOUNDARIES or line.kind == "prose":
            break
        if normalize_line(line.text) == title_key:
            header.used.add(line.index)
            continue
        if line.kind == "boilerplate":
            continue
        grade = _section_grade(line, first_content, sizes)
        if grade == _STRONG_SECTION:
            strong = strong or line
        elif grade == _WEAK_SECTION:
            weak = weak or line
    return strong or weak


_STRONG_SECTION, _WEAK_SECTION = 2, 1


def _section_grade(line: Line, first_content: int, sizes: list[int]) -> int:
    """How well a line above the title names the section: ``_STRONG_SECTION`` for a
    breadcrumb or a capitalised or typed label, ``_WEAK_SECTION`` for a lone short line (at
    most one other in its blank-line group), 0 for neither (the site's name, the page's
    first content line, is neither)."""
    if _BREADCRUMB.search(line.text) and line.words <= 12:
        return _STRONG_SECTION
    if line.index == first_content or not _is_label(line):
        return 0
    if line.kind == "label" or (line.text.isupper() and line.words <= 4):
        return _STRONG_SECTION
    return _WEAK_SECTION if sizes[line.index] <= 2 else 0


def _slug_share(title: str | None, slug_words: set[str]) -> float:
    words = _content_words(title or "")
    return len(words & slug_words) / len(words) if words else 0.0


def _far_title(lines: list[Line], start: int, slug_words: set[str]) -> Line | None:
    """The nearest title-like line above ``start`` that the URL's slug mostly spells."""
    for index in range(start, max(start - TITLE_SEARCH_LINES, -1), -1):
        line = lines[index]
        if _is_title_like(line) and _slug_share(line.text, slug_words) >= SLUG_TITLE_SHARE:
            return line
    return None


def _content_words(text: str) -> set[str]:
    return {w for w in _TOKEN.findall(text.casefold()) if len(w) > 3}


def _url_slug(url: str | None) -> str:
    if not url:
        return ""
    path = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return path.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")


def _title_score(
    line: Line, position: int, window: list[Line], story_words: set[str], slug_words: set[str]
) -> float:
    """How much a title-like line above the story looks like its headline."""
    words = _content_words(line.text) or {line.text.casefold()}
    score = len(words & story_words) / len(words)
    if slug_words:
        score += 3 * len(words & slug_words) / len(words)
    if 4 <= line.words <= 20:
        score += 0.5
    below = window[position - 1] if position > 0 else None
    if below is not None and (
        below.kind in ("byline", "date", "dateline", "field") or _is_name_line(window, position - 1)
    ):
        score += 1.0
    key = normalize_line(line.text)
    if sum(1 for other in window if normalize_line(other.text) == key) > 1:
        score += 1.0
    return score - 0.05 * position


def _is_name_line(window: list[Line], position: int) -> bool:
    """A bare name ("Kelia Losa Reinoso") next to a date line or under a lone "By"."""
    line = window[position]
    if line.kind != "short" or not _NAME_ONLY.match(line.text):
        return False
    neighbours = window[max(position - 1, 0) : position] + window[position + 1 : position + 2]
    return any(
        n.kind == "date" or n.text.casefold() in _BARE_BY or _READ_TIME.match(n.text)
        for n in neighbours
    )


def _site_name(lines: list[Line], title_index: int, header: Header) -> str | None:
    for line in lines[:title_index]:
        if line.kind in ("boilerplate", "label") and line.index not in header.used:
            continue
        if line.kind != "short" or line.words > 5 or _BREADCRUMB.search(line.text):
            return None
        if header.section and normalize_line(line.text) == normalize_line(header.section):
            return None
        return line.text
    return None


def _section_name(text: str, vocab: Vocabulary) -> str:
    value = strip_label(text, vocab.section_labels)
    if value:
        text = value
    crumbs = [c for c in _BREADCRUMB.split(text) if normalize_line(c) not in vocab.lines]
    name = crumbs[-1] if crumbs else text
    return name.title() if name.isupper() else name


def read_tags(lines: list[Line], story: StoryRun, vocab: Vocabulary) -> list[str]:
    """Tags: a labelled tag line anywhere after the story starts ("Tags: a, b" or a "Tags"
    line over short lines), or the short line of terms a wire page puts after its slug."""
    tags: list[str] = []
    start = story.lines[0] if story.lines else story.start
    index = start
    while index < len(lines):
        line = lines[index]
        index += 1
        key = normalize_line(line.text)
        if key in vocab.tag_labels:
            while (
                index < len(lines)
                and lines[index].words <= 4
                and lines[index].kind in ("short", "list_item", "boilerplate", "label")
                and not (lines[index].gap_before and tags)
            ):
                tags.extend(_split_tags(_BULLET.sub("", lines[index].text)))
                index += 1
            continue
        value = strip_label(line.text, vocab.tag_labels)
        if value and line.words <= 30:
            tags.extend(_split_tags(value))
    if not tags and story.closed_by == "slug":
        after = [ln for ln in lines[story.end + 1 :] if ln.kind != "slug"][:2]
        for line in after:
            if line.kind != "short" or line.words > 8 or (_is_title_like(line) and line.words > 3):
                break
            tags.extend(_split_tags(line.text))
    return list(dict.fromkeys(t for t in tags if t))


def _split_tags(value: str) -> list[str]:
    return [t.strip(" #.") for t in _TAG_SPLIT.split(value) if 0 < len(t.split()) <= 5]


def _block_kind(line: Line, kept: set[int]) -> tuple[str, str, int | None]:
    if _TIME.match(line.text):
        return "heading", line.text, 3
    if line.kind == "list_item":
        return "list_item", _BULLET.sub("", line.text), None
    if line.kind == "quote":
        return "quote", _QUOTE.sub("", line.text), None
    if line.kind == "short" and any(i > line.index for i in kept) and _is_heading_text(line.text):
        return "heading", line.text, 2
    return "paragraph", line.text, None


def _is_heading_text(text: str) -> bool:
    return not text.endswith((".", ",", ";")) and (text[:1].isupper() or text[:1].isdigit())


def _date_from_url(url: str | None) -> date | None:
    match = _URL_DATE.search(url or "")
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def run_text(text: str, *, url: str | None, options: Options) -> Article:
    """Clean one text dump; see :func:`newsclean.clean_text`."""
    warnings: list[str] = []
    if len(text) > options.max_html_chars:
        warnings.append(f"text cut at {options.max_html_chars} characters")
        text = text[: options.max_html_chars]
    vocab = load_vocabulary(extra_files=tuple(str(f) for f in options.vocabulary_files))
    extra = frozenset(normalize_line(p) for p in options.boilerplate_phrases)
    lines = classify_lines(split_lines(text), vocab, extra_phrases=extra)
    runs = find_story_runs(lines)
    seed = choose_story(runs)
    story = grow_story(runs, seed, lines) if seed is not None else None
    if story is None:
        warnings.append("no article body found")
        if options.raise_on_empty:
            raise NoContentError("no article body found")
        return Article(url=url, warnings=tuple(warnings))

    header = read_header(lines, story, vocab, url=url)
    story.lines[:0] = header.prefix
    kept = set(story.lines)
    raw_blocks = [
        RawBlock(*_block_kind(lines[i], kept))  # type: ignore[arg-type]
        for i in story.lines
        if lines[i].kind not in DROPPED or _TIME.match(lines[i].text)
    ]
    default_year = header.published.year if header.published else None
    normalized = normalize_blocks(
        raw_blocks,
        vocab=vocab,
        title=header.title,
        extra_phrases=extra,
        default_year=default_year,
    )
    blocks = tuple(normalized.blocks)
    description = header.description
    if header.title is None and description is None and blocks:
        first = blocks[0]
        if first.kind == "paragraph" and _word_count(first.text) <= DEK_MAX_WORDS:
            description = first.text
    published, published_source = header.published, header.published_source
    if published is None:
        published, published_source = normalized.dateline_date, "dateline"
    if published is None:
        published, published_source = _date_from_url(url), "url"
    agency = header.agency or normalized.agency
    authors = [a.title() if a.isupper() else a for a in header.authors or normalized.authors]
    authors_source = "text" if header.authors else "byline"
    if agency:
        authors = [a for a in authors if a.casefold() != agency.casefold()]
    if not blocks:
        warnings.append("no article body found")
        if options.raise_on_empty:
            raise NoContentError("no article body found")
    body_text = "\n\n".join(b.text for b in blocks)
    return Article(
        url=url,
        title=header.title,
        description=description,
        authors=tuple(authors),
        published=published,
        site_name=header.site_name,
        section=header.section,
        tags=tuple(read_tags(lines, story, vocab)),
        agency=agency,
        dateline=header.dateline or normalized.dateline,
        blocks=blocks,
        text=body_text,
        fingerprint=fingerprint(body_text),
        extractor="text",
        provenance=Provenance(
            title="text" if header.title else None,
            authors=authors_source if authors else None,
            published=published_source if published is not None else None,
        ),
        warnings=tuple(dict.fromkeys(warnings)),
    )
