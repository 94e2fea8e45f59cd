"""newsclean's own body extractor, on the lexbor tree the DOM stage has already cleaned.

One page, one parse, and Python walks that each visit an element at most once:

1. **Stats** (:meth:`_Stats.measure`): a post-order walk over the body records, per element,
   its text length, the part of it inside links, its commas, the paragraph text below it, and
   whether it is flat inline text. Paragraph-like elements of 25+ characters score their
   ancestors as readability does (parent x1, grandparent x1/2, further up 1/(3 x level)).
   The DOM stage's class/id vocabulary pass (:class:`VocabularyPruner`) runs inside this
   walk, so the page is not walked twice.
2. **Choice** (:func:`_choose`): candidates are the scored ancestors, weighted by tag, by
   word-aware class/id hints and by link density; an ancestor shared by near-ties wins;
   ``itemprop=articleBody`` wins when it holds the text the scores found; the winner climbs
   to an ancestor that holds clearly more of the story's paragraphs (a body split into text
   blocks between images, or across sections), and sibling paragraphs join it.
3. **Serialisation** (:class:`_Writer`): the winner becomes blocks (headings, paragraphs,
   list items, quotes, code, tables), pruning what is boilerplate *inside* the article:
   figures, forms, link farms, and boilerplate-named containers the DOM stage kept only
   because they were large for the page. Short furniture before the first and after the
   last paragraph of running text is trimmed (:func:`_trim_edges`).
4. **Repeated structures** (:func:`_find_listing`): when the page reads weakly as an
   article, an element whose same-tag children carry most of its text (a listing, a product
   grid, a thread) is taken instead when it is longer or holds the article reading.

The result carries a confidence in [0, 1] and the reasons it is low, so the pipeline asks
trafilatura for a second opinion only where the native result is weak.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, cast

from newsclean._dom import LexborNode, class_and_id
from newsclean._extract import boilerplate, speedups
from newsclean._extract.body import RawBlock, text_length
from newsclean._extract.boilerplate import NEVER_PRUNED, VocabularyPruner

if TYPE_CHECKING:
    from newsclean._record import BlockKind

__all__ = [
    "Evidence",
    "NativeResult",
    "agreement",
    "extract_native",
    "speedups_active",
    "speedups_module",
    "summary_words",
]

# Elements whose text scores their ancestors (readability's "tags to score").
_SCORED = frozenset({"p", "pre", "td", "blockquote"})
# Containers whose own (direct) text also counts as a paragraph: div-and-br layouts.
_TEXT_CONTAINERS = frozenset(
    {"body", "div", "section", "article", "main", "td", "span", "font", "center"}
)
_MIN_PARAGRAPH = 25
# Readability's initial weights by tag.
_TAG_WEIGHT = {
    "div": 5.0,
    "article": 8.0,
    "main": 5.0,
    "section": 3.0,
    "pre": 3.0,
    "td": 3.0,
    "blockquote": 3.0,
    "form": -3.0,
    "ol": -3.0,
    "ul": -3.0,
    "dl": -3.0,
    "li": -3.0,
    "address": -3.0,
    "th": -5.0,
    "h1": -5.0,
    "h2": -5.0,
    "h3": -5.0,
    "h4": -5.0,
    "h5": -5.0,
    "h6": -5.0,
    "header": -5.0,
    "footer": -10.0,
    "aside": -10.0,
}
# Class/id hints, word by word: a class or id holds one as a word of its own, between
# whitespace, '-' or '_' (the hints once written with a hyphen, "article-body", "rich-text",
# "h-entry", are found by their last word).
_POSITIVE = frozenset(
    {
        "article",
        "articlebody",
        "body",
        "content",
        "entry",
        "hentry",
        "main",
        "page",
        "post",
        "text",
        "blog",
        "story",
        "storybody",
        "prose",
        "richtext",
        "single",
    }
)
_NEGATIVE = frozenset(
    {
        "ad",
        "ads",
        "banner",
        "combx",
        "comment",
        "comments",
        "com",
        "contact",
        "foot",
        "footer",
        "footnote",
        "gdpr",
        "masthead",
        "media",
        "meta",
        "outbrain",
        "promo",
        "related",
        "scroll",
        "share",
        "shoutbox",
        "sidebar",
        "skyscraper",
        "sponsor",
        "shopping",
        "tags",
        "tool",
        "widget",
        "teaser",
        "card",
        "nav",
        "menu",
        "hidden",
        "byline",
        "author",
        "caption",
        "newsletter",
        "subscribe",
        "trending",
        "popular",
    }
)
# ... and a negative one by its stem: "recommended", "recommendations"
_NEGATIVE_STEM = "recommend"
_NEGATIVE_STEM_WORD = re.compile(r"recommend\w*")
_CLASS_WEIGHT = 25.0
# Climbing to an ancestor for more of the story (see _climb).
_CLIMB_GAIN = 1.3
_CLIMB_PARAGRAPH_SHARE = 0.6
_CLIMB_MAX_LINK_DENSITY = 0.2
_CLIMB_LOOKAHEAD = 3
# Card lists (see _adds_mostly_cards): the climb stops below an ancestor when this share of
# what it adds is lists of 3+ same-shaped, linked items making this share of the list,
# found within this many levels.
_CARD_SHARE = 0.5
_CARD_MIN_ITEMS = 3
_CARD_ITEM_SHARE = 0.6
_CARD_MIN_CHARS = 100
_CARD_DEPTH = 3
# a card's text on average at most, and the share of it in links at least
_CARD_MAX_CHARS = 600
_CARD_MIN_LINK_DENSITY = 0.1
# Cousins (see _with_cousins): a part of the story in a repeated wrapper joins with this much
# text, this share of it in paragraphs, and under this link density.
_COUSIN_MIN_CHARS = 100
_COUSIN_PARAGRAPH_SHARE = 0.5
_COUSIN_MAX_LINK_DENSITY = 0.25
# Hints that name the article body outright.
_BODY_HINTS = "[itemprop=articleBody], [itemprop=text], [itemprop=reviewBody]"

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_INLINE = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "img",
        "ins",
        "kbd",
        "label",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
        "picture",
        "source",
        "math",
    }
)
# Never body text, wherever they sit inside the article.
_SKIP = frozenset(
    {
        "figure",
        "aside",
        "nav",
        "footer",
        "head",
        "title",
        "meta",
        "link",
        "audio",
        "video",
        "map",
        "area",
        "fieldset",
        "legend",
        "option",
        "datalist",
        "output",
        "progress",
        "meter",
    }
)
_PRUNE_MAX_SHARE = 0.5
# a comments container inside the chosen one goes, whatever its size, when this much text
# is left beside it
_STORY_BESIDE_COMMENTS = 500
# how many of the best candidates are searched for one outside the comment threads
_STORY_CANDIDATES = 10
# Running text (see _is_prose, _trim_edges).
_PROSE_CHARS = 120
_SENTENCE_CHARS = 60
_SENTENCE_END = frozenset('.!?"”’»)…:')
_EDGE_MIN_CHARS = 40
# Calls to action dressed as sections (see _drop_promo_sections).
_PROMO_MAX_BLOCKS = 2
_PROMO_MAX_CHARS = 160
# Listings (see _find_listing): tried when the article reading's confidence is below this;
# at least this many same-tag items of this many characters, carrying this share of their
# parent's text, in an element holding this share of the page; the listing must be this
# many times longer than the article reading; a parent adding under 30% joins.
_LISTING_BELOW_CONFIDENCE = 0.5
_LISTING_MIN_ITEMS = 4
_LISTING_MIN_ITEM = 20
_LISTING_ITEM_SHARE = 0.6
_LISTING_MIN_SHARE = 0.25
_LISTING_GAIN = 1.5
_LISTING_PARENT_GAIN = 1.3
_LISTING_CONFIDENCE = 0.6
# Anchors (see _anchored): the page's summary counts as evidence with this many distinct
# words of 4+ letters (of its first _SUMMARY_WORDS); a text holding under _DISAGREES of them
# disagrees with it, one holding _AGREES or more agrees.
_SUMMARY_MIN_WORDS = 6
_SUMMARY_WORDS = 40
_DISAGREES = 0.25
_AGREES = 0.5
# The story starts at its headline: a container holding the <h1>, or starting within this
# many characters after it (byline, date, share row, lead image between), is anchored to
# it; one starting further on, or ending before it, is not.
_HEADLINE_GAP = 400
# An h1 shorter than this says too little to be matched with the title.
_HEADLINE_MIN_CHARS = 8
# The confidence of a result the page's evidence does not anchor: low enough for a second
# opinion (see _pipeline.AUTO_MIN_CONFIDENCE).
_UNANCHORED_CONFIDENCE = 0.3
# ... and of a sound result the page offers no evidence for (no headline found, no summary
# agreeing): on both dev sets these score lower than anchored ones (WCXB-dev mean word F1
# 0.85 against 0.92 for those holding their headline; traf-eval-dev snippet F1 0.88 against
# 0.93), and no better than trafilatura's.
_NO_EVIDENCE_CONFIDENCE = 0.85
_ANCHOR_WORD = re.compile(r"\w{4,}")
# Formatting elements whose class never names a boilerplate container worth a look.
_NO_VOCABULARY = frozenset(
    {"a", "b", "i", "em", "strong", "br", "img", "source", "picture", "sup", "sub", "abbr", "u"}
)
# Never joined to the body as more of the story: an article's header holds its title, dek
# and byline, which the record carries as fields.
_NOT_SIBLINGS = frozenset({"header", "footer", "aside", "nav", "h1", "figure", "form"})
# Link farms: a list or container whose text is mostly links.
# A container of mostly links with this much other text is walked, not pruned whole.
_LINK_FARM_MAX_TEXT = 80
# A table with this many rows of two or more cells is data, however many links it holds.
_GRID_MIN_ROWS = 3
_LINK_FARM_TAGS = frozenset(
    {"ul", "ol", "dl", "div", "section", "table", "td", "p", "li", "header"}
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the page says about its own story, read before the body is chosen.

    ``headline``: the title as the metadata stage read it (the ``<h1>`` readers see, else
    the meta title); the story starts at the ``<h1>`` that carries it. ``summary``: the
    page's description (OpenGraph, meta, JSON-LD) and the opening of a JSON-LD
    ``articleBody``: a body that shares none of their words is another text.
    """

    headline: str | None = None
    summary: str | None = None


class _Stat:
    """One element's numbers from the stats walk.

    The heuristics navigate stats, not lexbor nodes: ``parent_id`` is the parent's
    ``mem_id`` (look it up in ``_Stats.by_id``; 0 above the walk's root) and ``children``
    are the element children's stats in document order. The C walk
    (``newsclean._extract._speedups.Stat``) builds objects with the same attributes, with
    ``node`` None and ``marker`` always set.
    """

    __slots__ = (
        "chars",
        "children",
        "commas",
        "flat",
        "links",
        "marker",
        "mem_id",
        "node",
        "paragraphs",
        "parent_id",
        "score",
        "tag",
    )

    def __init__(self, node: LexborNode, tag: str, parent_id: int) -> None:
        self.node: LexborNode | None = node
        self.mem_id: int = node.mem_id
        self.parent_id = parent_id
        self.children: list[_Stat] = []
        self.tag = tag
        # class and id, lower-cased (see class_and_id); None until asked for
        self.marker: str | None = None
        self.chars = 0
        self.links = 0
        self.commas = 0
        self.score = 0.0
        # characters of paragraph-like text below (undecayed): the story's mass
        self.paragraphs = 0
        # only text and inline elements below, no <br>: lexbor can serialise it in one call
        self.flat = True

    @property
    def link_density(self) -> float:
        return self.links / self.chars if self.chars else 0.0


@dataclass(frozen=True, slots=True)
class NativeResult:
    """What the native extractor found and how sure it is."""

    blocks: list[RawBlock]
    confidence: float
    reasons: tuple[str, ...] = field(default=())
    page_chars: int = 0
    # the chosen element (the first of the joined siblings), for later stages' bearings
    container: LexborNode | None = None
    # the page's own summary as word tokens (see Evidence), for judging a second opinion
    summary: frozenset[str] = frozenset()
    # how firmly the page's evidence places its story in the result (see _anchored)
    anchor: int = 0


class _Stats:
    """Per-element text statistics, keyed by lexbor's ``mem_id``; one post-order walk.

    With ``fast``, the walk and the writer run in C (``_speedups``) and the stats are its
    ``Stat`` objects; without, :meth:`measure` and :class:`_Writer` below, the reference.
    """

    __slots__ = ("by_id", "fast", "final", "pruner", "scored")

    def __init__(self, pruner: VocabularyPruner | None = None, *, fast: bool = False) -> None:
        self.by_id: dict[int, _Stat] = {}
        self.final: dict[int, float] = {}
        self.scored: list[_Stat] = []
        self.pruner = pruner
        self.fast = fast

    def measure_root(self, root: LexborNode) -> _Stat:
        """The stats walk from ``root``, in C when ``fast``."""
        if self.fast:
            assert _SPEEDUPS is not None
            stat = _SPEEDUPS.measure(
                root.mem_id, self.by_id, self.scored, self.pruner, FAST_MAX_DEPTH
            )
            if stat is not None:
                # _speedups.Stat has _Stat's attributes (node is None, marker always set)
                return cast("_Stat", stat)
            # deeper than FAST_MAX_DEPTH: the C walk stopped with the tree untouched
            self.fast = False
            self.by_id.clear()
            self.scored.clear()
        return self.measure(root, [])

    def measure(self, node: LexborNode, path: list[_Stat]) -> _Stat:
        tag = node.tag or ""
        stat = _Stat(node, tag, path[-1].mem_id if path else 0)
        self.by_id[stat.mem_id] = stat
        pruner = self.pruner
        direct = 0  # text nodes directly inside
        inline = 0  # inline children's non-link text
        commas = 0
        chars = 0
        links = 0
        paragraphs = 0
        flat = True
        path.append(stat)
        child = node.child
        while child is not None:
            ctag = child.tag
            if ctag == "-text":
                text = child.text_content
                if text:
                    n = len(text.strip())
                    if n:
                        direct += n
                        commas += text.count(",")
            elif ctag and ctag[0] != "-":
                marker = None
                if pruner is not None and ctag not in _NO_VOCABULARY and ctag not in NEVER_PRUNED:
                    marker = class_and_id(child)
                    category = pruner.category_of(marker)
                    if category is not None and pruner.removable(
                        child, category, len(child.text(deep=True, separator=" ", strip=True))
                    ):
                        following = child.next
                        child.remove()
                        child = following
                        continue
                sub = self.measure(child, path)
                sub.marker = marker
                stat.children.append(sub)
                chars += sub.chars
                links += sub.chars if ctag == "a" else sub.links
                commas += sub.commas
                paragraphs += sub.paragraphs
                if ctag in _INLINE:
                    if ctag != "a":
                        inline += sub.chars - sub.links
                    if not sub.flat:
                        flat = False
                else:
                    flat = False
            child = child.next
        path.pop()
        own = direct + inline
        stat.chars = chars = chars + direct
        stat.links = links
        stat.commas = commas
        stat.flat = flat
        if tag in _SCORED:
            length = chars - links
            if length >= _MIN_PARAGRAPH:
                self._score_ancestors(path, 1.0 + commas + min(length / 100.0, 3.0))
                paragraphs = length
        elif tag in _TEXT_CONTAINERS and own >= _MIN_PARAGRAPH:
            self._score_ancestors(path, 1.0 + min(own / 100.0, 3.0), include_self=stat)
            paragraphs += own
        stat.paragraphs = paragraphs
        return stat

    def score_of(self, stat: _Stat) -> float:
        """The final score, from the ranking when it was ranked."""
        score = self.final.get(stat.mem_id)
        return _final_score(stat) if score is None else score

    def _score_ancestors(
        self, path: list[_Stat], score: float, include_self: _Stat | None = None
    ) -> None:
        if include_self is not None:
            if include_self.score == 0.0:
                self.scored.append(include_self)
            include_self.score += score
        for level in range(1, min(len(path), 5) + 1):
            ancestor = path[-level]
            if ancestor.score == 0.0:
                self.scored.append(ancestor)
            if level == 1:
                ancestor.score += score
            elif level == 2:
                ancestor.score += score / 2.0
            else:
                ancestor.score += score / (3.0 * level)


def _marker(stat: _Stat) -> str:
    if stat.marker is None:
        # the Python walk reads class and id only where the vocabulary needs them
        assert stat.node is not None
        stat.marker = class_and_id(stat.node)
    return stat.marker


@lru_cache(maxsize=4096)
def _marker_weight(marker: str) -> float:
    """+25 for a positive hint among the words of ``marker``, -25 for a negative one.

    Words are what whitespace, '-' and '_' separate (readability's word-aware hints); pages
    repeat their class strings, so each is read once.
    """
    words = _class_words(marker)
    weight = 0.0
    if not _POSITIVE.isdisjoint(words):
        weight += _CLASS_WEIGHT
    if not _NEGATIVE.isdisjoint(words) or (
        _NEGATIVE_STEM in marker and any(_NEGATIVE_STEM_WORD.fullmatch(w) for w in words)
    ):
        weight -= _CLASS_WEIGHT
    return weight


def _class_words(marker: str) -> list[str]:
    """The words of a class/id string: split at whitespace, '-' and '_'."""
    return marker.replace("_", " ").replace("-", " ").split()


def _final_score(stat: _Stat) -> float:
    """The stats walk's score with the tag's and the class's weights, less the link share."""
    marker = stat.marker
    base = (
        stat.score
        + _TAG_WEIGHT.get(stat.tag, 0.0)
        + _marker_weight(_marker(stat) if marker is None else marker)
    )
    chars = stat.chars
    # base * (1 - link_density), which is base itself for an empty element
    return base * (1.0 - stat.links / chars) if chars else base


def _ranked(stats: _Stats) -> list[tuple[float, _Stat]]:
    """Scored candidates with their final scores, best first (each score computed once).

    With the C walk's stats, ``_speedups.rank`` does it all: the scores as
    :func:`_final_score` computes them, the class weights included, the same order (ties as
    they came), and ``stats.final``.
    """
    if stats.fast:
        assert _SPEEDUPS is not None
        ranked: list[tuple[float, _Stat]] = _SPEEDUPS.rank(
            stats.scored,
            stats.final,
            _TAG_WEIGHT,
            _POSITIVE,
            _NEGATIVE,
            _NEGATIVE_STEM,
            _CLASS_WEIGHT,
            _marker_weight,
        )
        return ranked
    scored = [(_final_score(s), s) for s in stats.scored]
    scored.sort(key=_first, reverse=True)
    stats.final = {s.mem_id: score for score, s in scored}
    return scored


def _first(pair: tuple[float, _Stat]) -> float:
    return pair[0]


def _choose(root: LexborNode, stats: _Stats, hints: Sequence[int] | None = None) -> _Stat | None:
    """The element that holds the article, or ``None`` when nothing scored."""
    if not stats.scored:
        return None
    ranked = _ranked(stats)
    comments = _comment_threads(stats)
    if comments:
        # a long thread under a short story outscores it, but is not it
        story = [
            pair for pair in ranked[:_STORY_CANDIDATES] if not _is_within(pair[1], comments, stats)
        ]
        ranked = story + [pair for pair in ranked if pair not in story] if story else ranked
    top_score, top = ranked[0]

    # readability: an ancestor shared by three or more near-ties holds the article
    near = [s for score, s in ranked[1:6] if score >= 0.75 * top_score]
    if len(near) >= 2:
        parent = stats.by_id.get(top.parent_id)
        while parent is not None and parent.tag not in ("body", "html"):
            inside = sum(1 for s in near if _is_inside(s, parent, stats))
            if inside >= 2:
                top = parent
                break
            parent = stats.by_id.get(parent.parent_id)

    # a hint that names the body wins when it holds most of the winner's text, or when it
    # sits inside the winner and holds most of it
    for hint in [node.mem_id for node in root.css(_BODY_HINTS)] if hints is None else hints:
        hstat = stats.by_id.get(hint)
        if hstat is None or hstat.chars - hstat.links < 200:
            continue
        if _is_inside(top, hstat, stats) or (
            _is_inside(hstat, top, stats) and hstat.chars >= 0.5 * (top.chars or 1)
        ):
            return hstat
    return _climb(top, stats)


def _comment_threads(stats: _Stats) -> set[int]:
    """The comment containers the DOM stage kept for their size (mem_ids)."""
    if stats.pruner is None:
        return set()
    return {mem_id for mem_id, category in stats.pruner.kept.items() if category == "comments"}


def _is_within(stat: _Stat, containers: set[int], stats: _Stats) -> bool:
    current: _Stat | None = stat
    while current is not None:
        if current.mem_id in containers:
            return True
        current = stats.by_id.get(current.parent_id)
    return False


def _climb(top: _Stat, stats: _Stats) -> _Stat:
    """Move up while the parent adds only wrapping, or more of the story's paragraphs.

    A body split into blocks (text, image, text: site builders, long guides) scores each
    block apart; their common ancestor holds the story. It is taken when it holds clearly
    more paragraph text, its text is still mostly paragraphs, and it is not a link farm.
    """
    while True:
        pstat = stats.by_id.get(top.parent_id)
        if pstat is None or pstat.tag in ("body", "html"):
            return top
        density = pstat.link_density
        if pstat.chars - pstat.links <= 1.1 * (top.chars - top.links):
            # the parent adds nothing but wrapping
            if density <= top.link_density + 0.05:
                top = pstat
                continue
            return top
        # the story's other parts may join a level or two higher (a heading row between)
        ancestor: _Stat | None = pstat
        for _ in range(_CLIMB_LOOKAHEAD):
            if ancestor is None or ancestor.tag in ("body", "html"):
                break
            if (
                ancestor.paragraphs >= _CLIMB_GAIN * top.paragraphs
                and ancestor.paragraphs >= _CLIMB_PARAGRAPH_SHARE * ancestor.chars
                and ancestor.link_density < _CLIMB_MAX_LINK_DENSITY
            ):
                break
            ancestor = stats.by_id.get(ancestor.parent_id)
        else:
            return top
        if ancestor is None or ancestor.tag in ("body", "html"):
            return top
        if _adds_mostly_cards(ancestor, top, stats):
            # the paragraphs it adds are teasers of other stories ("Read this next")
            return top
        top = ancestor


def _adds_mostly_cards(ancestor: _Stat, top: _Stat, stats: _Stats) -> bool:
    """Whether what ``ancestor`` holds beside ``top`` is mostly lists of story cards."""
    added = ancestor.chars - top.chars
    if added <= 0:
        return False
    cards = 0
    child = top
    while child.mem_id != ancestor.mem_id:
        parent = stats.by_id.get(child.parent_id)
        if parent is None:
            return False
        cards += sum(
            _card_chars(other, _CARD_DEPTH) for other in parent.children if other is not child
        )
        child = parent
    return cards >= _CARD_SHARE * added


def _card_chars(stat: _Stat, depth: int) -> int:
    """The text inside lists of cards within ``stat``, looking ``depth`` levels down.

    A card list: three or more children of one named shape (tag and class), each with a
    link (the title of the story it teases), short on average and a tenth or more links,
    carrying most of the list's text.
    """
    if stat.chars < _CARD_MIN_CHARS:
        return 0
    shapes: dict[tuple[str, str], list[_Stat]] = {}
    for child in stat.children:
        if child.chars and child.tag not in _INLINE:
            shapes.setdefault(_shape(child), []).append(child)
    for (_, name), items in shapes.items():
        if len(items) < _CARD_MIN_ITEMS or not name.strip():
            continue
        chars = sum(item.chars for item in items)
        links = sum(item.links for item in items)
        if (
            all(item.links for item in items)
            and chars >= _CARD_ITEM_SHARE * stat.chars
            # a teaser is short and its title is a link; sections of a page are neither
            and chars <= _CARD_MAX_CHARS * len(items)
            and links >= _CARD_MIN_LINK_DENSITY * chars
        ):
            return stat.chars
    if depth == 0:
        return 0
    return sum(_card_chars(child, depth - 1) for child in stat.children)


def _is_inside(stat: _Stat, ancestor: _Stat, stats: _Stats) -> bool:
    target = ancestor.mem_id
    parent = stats.by_id.get(stat.parent_id)
    while parent is not None:
        if parent.mem_id == target:
            return True
        parent = stats.by_id.get(parent.parent_id)
    return False


def _siblings(top: _Stat, stats: _Stats) -> list[_Stat]:
    """The winner plus siblings that are more of the same story, in document order."""
    parent = stats.by_id.get(top.parent_id)
    if parent is None or top.tag in ("body", "html"):
        return [top]
    threshold = max(10.0, 0.2 * stats.score_of(top))
    nodes: list[_Stat] = []
    for sstat in parent.children:
        if sstat.mem_id == top.mem_id:
            nodes.append(sstat)
        elif sstat.tag not in _NOT_SIBLINGS and sstat.chars:
            length = sstat.chars - sstat.links
            density = sstat.link_density
            if (sstat.score and stats.score_of(sstat) >= threshold and density < 0.33) or (
                sstat.tag == "p"
                and ((length > 80 and density < 0.25) or (0 < length <= 80 and density == 0))
            ):
                nodes.append(sstat)
    return _with_cousins(top, parent, nodes, stats)


def _shape(stat: _Stat) -> tuple[str, str]:
    """Tag and class (without the id, which differs between repeats)."""
    return stat.tag, _marker(stat).rsplit(" ", 1)[0]


def _with_cousins(top: _Stat, parent: _Stat, nodes: list[_Stat], stats: _Stats) -> list[_Stat]:
    """The story's other parts when the page repeats its wrapper around each.

    Site builders cut a long body into rows (``div.post-row > div.post-main``, again and
    again, with an advert or a figure row between): the winner is one part, and the others
    are its cousins, in wrappers shaped like its parent, shaped like it. They join when they
    read as story (mostly paragraphs, few links).
    """
    grand = stats.by_id.get(parent.parent_id)
    if grand is None or parent.tag in ("body", "html"):
        return nodes
    wrapper, part = _shape(parent), _shape(top)
    if not part[1].strip() or not wrapper[1].strip():
        return nodes  # bare elements repeat everywhere; only named shapes say "same kind"
    joined: list[_Stat] = []
    found = False
    for uncle in grand.children:
        if uncle.mem_id == parent.mem_id:
            joined.extend(nodes)
            continue
        if uncle.tag != wrapper[0] or _shape(uncle) != wrapper:
            continue
        for cousin in uncle.children:
            if (
                cousin.tag == part[0]
                and _shape(cousin) == part
                and cousin.chars - cousin.links >= _COUSIN_MIN_CHARS
                and cousin.paragraphs >= _COUSIN_PARAGRAPH_SHARE * cousin.chars
                and cousin.link_density < _COUSIN_MAX_LINK_DENSITY
            ):
                joined.append(cousin)
                found = True
    return joined if found else nodes


def _pre_text(node: LexborNode, pieces: list[str]) -> None:
    """Preformatted text as written: whitespace kept, ``<br>`` and block children break lines."""
    child = node.child
    while child is not None:
        tag = child.tag or ""
        if tag == "-text":
            pieces.append(child.text_content or "")
        elif tag == "br":
            pieces.append("\n")
        elif tag and tag[0] != "-":
            block = tag not in _INLINE
            if block and pieces and not pieces[-1].endswith("\n"):
                pieces.append("\n")
            _pre_text(child, pieces)
            if block and pieces and not pieces[-1].endswith("\n"):
                pieces.append("\n")
        child = child.next


def _is_data_table(table: LexborNode, stats: _Stats) -> bool:
    """A table of data (rows and cells) rather than page layout."""
    own = table.mem_id
    # lexbor's css() matches the node itself too
    for inner in table.css("table, p, div > div, article, h1, h2, h3"):
        if inner.mem_id != own:
            return False
    for cell in table.css("td, th"):
        cstat = stats.by_id.get(cell.mem_id)
        if cstat is not None and cstat.chars > 400:
            return False
    return True


def _is_grid(table: LexborNode, stats: _Stats) -> bool:
    """A data table of rows and columns: at least _GRID_MIN_ROWS rows of two or more cells
    (a menu laid out as a table has one row or one column)."""
    if not _is_data_table(table, stats):
        return False
    rows = 0
    for row in table.css("tr"):
        if len(row.css("td, th")) >= 2:
            rows += 1
            if rows >= _GRID_MIN_ROWS:
                return True
    return False


class _Writer:
    """Turns the chosen container into blocks, pruning boilerplate inside it."""

    __slots__ = ("blocks", "buffer", "include_tables", "kept", "limit", "listing", "stats")

    def __init__(
        self,
        stats: _Stats,
        kept: dict[int, str],
        *,
        include_tables: bool,
        limit: int,
        listing: bool = False,
    ) -> None:
        self.stats = stats
        self.kept = kept
        # a listing's items are links by nature: link density says nothing about them
        self.listing = listing
        self.include_tables = include_tables
        self.limit = limit
        self.blocks: list[RawBlock] = []
        self.buffer: list[str] = []

    def flush(self, kind: BlockKind, level: int | None = None) -> None:
        if not self.buffer:
            return
        text = "".join(self.buffer)
        self.buffer.clear()
        if "\n" in text:
            lines = (" ".join(line.split()) for line in text.split("\n"))
            cleaned = "\n".join(line for line in lines if line)
        else:
            cleaned = " ".join(text.split())
        if cleaned:
            self.blocks.append(RawBlock(kind, cleaned, level))

    def pruned(self, node: LexborNode, tag: str) -> bool:
        if tag in _SKIP:
            return True
        stat = self.stats.by_id.get(node.mem_id)
        if stat is None or stat.chars == 0:
            return tag not in ("br", "img", "hr")
        if tag == "form" and stat.chars < _PRUNE_MAX_SHARE * self.limit:
            # a form inside the article is a widget; one around it is the page (ASP.NET)
            return True
        category = self.kept.get(node.mem_id)
        if category is not None and (
            stat.chars < _PRUNE_MAX_SHARE * self.limit
            # a comment thread longer than the story it follows still is not the story
            or (category == "comments" and self.limit - stat.chars >= _STORY_BESIDE_COMMENTS)
        ):
            # a boilerplate-named container the DOM stage kept as large for the page is
            # small for the article: it goes now
            return True
        if tag in _LINK_FARM_TAGS and stat.links and not self.listing:
            if tag == "table" and _is_grid(node, self.stats):
                return False  # a data table whose cells hold links (names, reports) is data
            density = stat.link_density
            if tag in ("p", "li"):
                return density > 0.8 and stat.chars < 100
            if (
                density > 0.6
                and stat.chars < _PRUNE_MAX_SHARE * self.limit
                # a container with sentences of its own beside its links is walked: its
                # lists are judged one by one
                and stat.chars - stat.links < _LINK_FARM_MAX_TEXT
            ):
                return True
        return False

    def walk(self, node: LexborNode, kind: BlockKind) -> None:
        child = node.child
        while child is not None:
            tag = child.tag or ""
            if tag == "-text":
                text = child.text_content
                if text:
                    # a newline in the source is a space on the page; only <br> breaks
                    self.buffer.append(text.replace("\n", " ") if "\n" in text else text)
            elif tag and tag[0] != "-":
                if tag == "br":
                    self.buffer.append("\n")
                elif tag in _INLINE:
                    if tag == "a" or not self.pruned(child, tag):
                        self.walk(child, kind)
                elif not self.pruned(child, tag):
                    self.block(child, tag, kind)
            child = child.next

    def block(self, node: LexborNode, tag: str, kind: BlockKind) -> None:
        self.flush(kind)
        level = _HEADINGS.get(tag)
        if level is not None:
            self.inner(node, "heading")
            self.flush("heading", level)
            return
        if tag == "pre":
            pieces: list[str] = []
            _pre_text(node, pieces)
            text = "".join(pieces).strip("\n")
            if text.strip():
                self.blocks.append(RawBlock("code", text))
            return
        if tag == "table":
            if _is_data_table(node, self.stats):
                if self.include_tables:
                    self._table(node)
                return
            self.walk(node, kind)
            self.flush(kind)
            return
        if tag == "li" or tag in ("dt", "dd"):
            inner: BlockKind = "quote" if kind == "quote" else "list_item"
        elif tag == "blockquote":
            inner = "quote"
        elif kind in ("list_item", "quote"):
            inner = kind  # a paragraph or div inside a list item or quote stays one
        else:
            inner = "paragraph"
        self.inner(node, inner)
        self.flush(inner)

    def inner(self, node: LexborNode, kind: BlockKind) -> None:
        """The node's content into the buffer: in one lexbor call when it is flat text."""
        stat = self.stats.by_id.get(node.mem_id)
        if stat is not None and stat.flat:
            self.buffer.append(" ".join(node.text(deep=True).split()))
        else:
            self.walk(node, kind)

    def _table(self, table: LexborNode) -> None:
        rows: list[str] = []
        for row in table.css("tr"):
            cells = [" ".join(c.text(deep=True, separator=" ").split()) for c in row.css("td, th")]
            if any(cells):
                rows.append(" | ".join(cells))
        if rows:
            self.blocks.append(RawBlock("table", "\n".join(rows)))


def extract_native(
    root: LexborNode,
    *,
    pruner: VocabularyPruner | None = None,
    include_tables: bool = True,
    hints: Sequence[int] | None = None,
    evidence: Evidence | None = None,
) -> NativeResult:
    """Find and serialise the article body under ``root`` (normally ``<body>``).

    ``hints``: the mem_ids of the page's ``itemprop`` articleBody/text/reviewBody elements
    when the caller has them already (the DOM stage's scan, ``DomPass.hints``); otherwise
    they are queried here.

    ``pruner``, when given, removes boilerplate-named containers during the stats walk (the
    DOM stage's class/id pass, folded into this walk so every element is visited once).
    When the page reads weakly as an article, a repeated structure that holds most of its
    text (a listing of cards, a product grid, a thread of posts) is taken instead.

    ``evidence``, when given, is what the page says about its story (its headline and
    summary): a result that neither holds the headline nor follows it, and shares few words
    with the summary, is not anchored to the page's own story. Its confidence drops below the
    second-opinion threshold, and a listing loses to an anchored article reading.
    """
    stats = _Stats(pruner, fast=_SPEEDUPS is not None)
    page = stats.measure_root(root)
    page_chars = page.chars
    kept = pruner.kept if pruner is not None else {}
    summary = summary_words(evidence)
    head = _headline_stat(root, stats, evidence.headline if evidence else None)
    top = _choose(root, stats, hints)
    result: NativeResult | None = None
    reading_anchored = 0
    nodes: list[_Stat] = []
    if top is not None:
        nodes = _siblings(top, stats)
        blocks = _drop_promo_sections(
            _trim_edges(_write(nodes, stats, kept, include_tables=include_tables, listing=False))
        )
        confidence, reasons = _confidence(blocks, top, page_chars)
        reading_anchored = _anchored(nodes, blocks, head, summary, stats)
        if reading_anchored < 0:
            reasons = (*reasons, "not anchored")
            confidence = min(confidence, _UNANCHORED_CONFIDENCE)
        elif (
            evidence is not None and reading_anchored == 0 and confidence > _NO_EVIDENCE_CONFIDENCE
        ):
            reasons = (*reasons, "no evidence")
            confidence = _NO_EVIDENCE_CONFIDENCE
        container = _node_of(top, root, stats)
        result = NativeResult(
            blocks, confidence, reasons, page_chars, container, summary, reading_anchored
        )
        if confidence >= _LISTING_BELOW_CONFIDENCE:
            return result
    listing = _find_listing(stats, page_chars)
    if listing is not None:
        blocks = _write([listing], stats, kept, include_tables=include_tables, listing=True)
        chars = text_length(blocks)
        ours = text_length(result.blocks) if result is not None else 0
        holds_reading = top is not None and (
            top.mem_id == listing.mem_id or _is_inside(top, listing, stats)
        )
        if chars >= _LISTING_GAIN * ours or (holds_reading and chars >= ours):
            anchored = _anchored([listing], blocks, head, summary, stats)
            closer = (
                anchored == reading_anchored == 2
                and head is not None
                and _headline_gap(nodes, head, stats) < _headline_gap([listing], head, stats)
            )
            if (reading_anchored > max(anchored, 0) or closer) and not holds_reading:
                # the story is short, but it is the page's: the list beside it is not
                assert result is not None
                return result
            reasons = ("listing",)
            confidence = _LISTING_CONFIDENCE if chars >= 0.3 * page_chars else 0.3
            if anchored < 0:
                reasons = ("listing", "not anchored")
                confidence = min(confidence, _UNANCHORED_CONFIDENCE)
            container = _node_of(listing, root, stats)
            return NativeResult(
                blocks, confidence, reasons, page_chars, container, summary, anchored
            )
    if result is None:
        return NativeResult([], 0.0, ("nothing scored",), page_chars, None, summary)
    return result


def summary_words(evidence: Evidence | None) -> frozenset[str]:
    """The summary's distinct words of 4+ letters (lower case), empty when too few to judge."""
    if evidence is None or not evidence.summary:
        return frozenset()
    words = frozenset(_ANCHOR_WORD.findall(evidence.summary.lower())[:_SUMMARY_WORDS])
    return words if len(words) >= _SUMMARY_MIN_WORDS else frozenset()


def agreement(blocks: list[RawBlock], words: frozenset[str]) -> float | None:
    """The share of the summary's words found in the blocks' text (None without a summary).

    Substrings, not tokens: an inflected or compound word (German, Dutch) still holds its
    stem, and a find per word costs less than tokenising the text.
    """
    if not words:
        return None
    text = "\n".join(b.text for b in blocks).lower()
    return sum(1 for word in words if word in text) / len(words)


def _headline_stat(root: LexborNode, stats: _Stats, headline: str | None) -> _Stat | None:
    """The ``<h1>`` whose text is the headline (or holds it, or sits in it), if one is left."""
    if not headline:
        return None
    wanted = " ".join(headline.split()).casefold()
    if len(wanted) < _HEADLINE_MIN_CHARS:
        return None
    for node in root.css("h1"):
        stat = stats.by_id.get(node.mem_id)
        if stat is None or stat.chars < _HEADLINE_MIN_CHARS:
            continue
        text = " ".join(node.text(deep=True).split()).casefold()
        if text == wanted or text in wanted or wanted in text:
            return stat
    return None


def _offset(stat: _Stat, stats: _Stats) -> int:
    """Characters of element text before ``stat`` in document order (from the stats)."""
    offset = 0
    mem_id = stat.mem_id
    parent = stats.by_id.get(stat.parent_id)
    while parent is not None:
        for sibling in parent.children:
            if sibling.mem_id == mem_id:
                break
            offset += sibling.chars
        mem_id = parent.mem_id
        parent = stats.by_id.get(parent.parent_id)
    return offset


def _headline_gap(nodes: list[_Stat], head: _Stat, stats: _Stats) -> int:
    """Characters from the end of the headline to the start of ``nodes``: 0 when they hold
    it, negative when they end before it (by how much)."""
    start = _offset(nodes[0], stats)
    end = _offset(nodes[-1], stats) + nodes[-1].chars
    head_start = _offset(head, stats)
    head_end = head_start + head.chars
    if start <= head_start and head_end <= end:
        return 0
    if start >= head_end:
        return start - head_end
    return min(end - head_start, -1)


def _anchored(
    nodes: list[_Stat],
    blocks: list[RawBlock],
    head: _Stat | None,
    summary: frozenset[str],
    stats: _Stats,
) -> int:
    """How firmly the page's own evidence places its story in ``nodes``.

    2: they hold the headline or start just after it; 1: they agree with the summary;
    0: the page offers no evidence, or it is mixed; -1: the evidence points elsewhere (the
    headline is found but far from them, and the summary, if any, shares few of its words
    with them).
    """
    gap = _headline_gap(nodes, head, stats) if head is not None and nodes else None
    if gap is not None and 0 <= gap <= _HEADLINE_GAP:
        return 2
    share = agreement(blocks, summary)
    if share is not None and share >= _AGREES:
        return 1
    if gap is None or (share is not None and share >= _DISAGREES):
        # a summary alone is too often an SEO line to deny a text on its say
        return 0
    return -1


def _is_prose(block: RawBlock) -> bool:
    """A paragraph that reads as running text: long, or a full sentence of some length."""
    if block.kind not in ("paragraph", "quote"):
        return False
    text = block.text
    return len(text) >= _PROSE_CHARS or (
        len(text) >= _SENTENCE_CHARS and text.rstrip()[-1:] in _SENTENCE_END
    )


def _trim_edges(blocks: list[RawBlock]) -> list[RawBlock]:
    """Drop the short furniture a container carries around its story.

    Before the first paragraph of running text only headings, sentences (a dek), tables and
    code stay: section menus, "Read the Blog", "5 min read" meta rows go; after the last,
    only sentences, longer list items (a closing
    list of sources or further reading), tables and code stay: calls to action, "Keep
    reading", "Contact sales", promo taglines and trailing headings go. Headings before the
    story stay (the normaliser drops a repeated title).
    """
    first = _first_prose(blocks)
    if first == len(blocks):
        return blocks
    last = next(i for i in range(len(blocks) - 1, first - 1, -1) if _is_prose(blocks[i]))
    head = [
        b
        for b in blocks[:first]
        if b.kind in ("heading", "table", "code")
        or (len(b.text) >= _EDGE_MIN_CHARS and b.text.rstrip()[-1:] in _SENTENCE_END)
    ]
    tail = [
        b
        for b in blocks[last + 1 :]
        if b.kind in ("table", "code")
        or (b.kind == "list_item" and len(b.text) >= _EDGE_MIN_CHARS)
        or (b.kind in ("paragraph", "quote") and b.text.rstrip()[-1:] in _SENTENCE_END)
    ]
    while tail and _is_label(tail[-1]):
        tail.pop()  # "Contact:", "More information:" with what they announced pruned
    return head + blocks[first : last + 1] + tail


def _is_label(block: RawBlock) -> bool:
    """A short line ending in a colon: it announces what follows it."""
    text = block.text.rstrip()
    return block.kind == "paragraph" and text.endswith(":") and len(text) < _SENTENCE_CHARS


def _drop_promo_sections(blocks: list[RawBlock]) -> list[RawBlock]:
    """Drop a heading whose section holds only a line or two of short text, after the story
    has begun, unless sections like it stand beside it.

    "Take the next step / Contact sales", "Stay connected / Get news in your inbox": calls to
    action dressed as sections. A real section has running text, a list, a table or code,
    or is one of a run of short items under headings of one level (features, steps).
    """
    # only after the story has begun: a title over a one-line brief is not a promo
    headings = [i for i in range(_first_prose(blocks), len(blocks)) if blocks[i].kind == "heading"]
    if not headings:
        return blocks
    bounds = list(zip(headings, [*headings[1:], len(blocks)], strict=True))
    short = [_is_promo_section(blocks[start + 1 : end]) for start, end in bounds]
    kept = blocks[: headings[0]]
    for index, (start, end) in enumerate(bounds):
        if short[index] and not _in_item_run(index, bounds, short, blocks):
            continue
        kept.extend(blocks[start:end])
    return kept


def _is_promo_section(section: list[RawBlock]) -> bool:
    return (
        bool(section)
        and len(section) <= _PROMO_MAX_BLOCKS
        and all(b.kind == "paragraph" and not _is_prose(b) for b in section)
        and text_length(section) < _PROMO_MAX_CHARS
    )


def _in_item_run(
    index: int, bounds: list[tuple[int, int]], short: list[bool], blocks: list[RawBlock]
) -> bool:
    """Whether a short section sits beside another under a heading of the same level: a run
    of feature items or steps ("Wide lanes / Two lanes each way", "Cycle path / ..."), which
    a call to action, standing alone, is not."""
    level = blocks[bounds[index][0]].level
    for other in (index - 1, index + 1):
        if not 0 <= other < len(bounds):
            continue
        start, end = bounds[other]
        # the last item of a run may run on into the story's next paragraph
        opens_short = end > start + 1 and _is_promo_section(blocks[start + 1 : start + 2])
        if blocks[start].level == level and (short[other] or opens_short):
            return True
    return False


def _first_prose(blocks: list[RawBlock]) -> int:
    """The index of the first paragraph of running text, ``len(blocks)`` when there is none."""
    return next((i for i, block in enumerate(blocks) if _is_prose(block)), len(blocks))


def _write(
    chosen: list[_Stat],
    stats: _Stats,
    kept: dict[int, str],
    *,
    include_tables: bool,
    listing: bool,
) -> list[RawBlock]:
    limit = max(sum(s.chars for s in chosen), 1)
    if stats.fast:
        assert _SPEEDUPS is not None
        blocks: list[RawBlock] = _SPEEDUPS.write(
            chosen,
            stats.by_id,
            kept,
            include_tables,
            listing,
            float(limit),
            _PRUNE_MAX_SHARE,
            float(_STORY_BESIDE_COMMENTS),
            float(_LINK_FARM_MAX_TEXT),
        )
        return blocks
    writer = _Writer(stats, kept, include_tables=include_tables, limit=limit, listing=listing)
    for stat in chosen:
        node = stat.node
        assert node is not None
        tag = node.tag or ""
        if tag in _INLINE:
            writer.walk(node, "paragraph")
            writer.flush("paragraph")
        else:
            writer.block(node, tag, "paragraph")
    writer.flush("paragraph")
    return writer.blocks


def _node_of(stat: _Stat, root: LexborNode, stats: _Stats) -> LexborNode | None:
    """The lexbor node of ``stat``: its own on the Python path, else found down from ``root``."""
    if stat.node is not None:
        return stat.node
    chain: list[int] = []
    current: _Stat | None = stat
    while current is not None and current.mem_id != root.mem_id:
        chain.append(current.mem_id)
        current = stats.by_id.get(current.parent_id)
    node = root
    for mem_id in reversed(chain):
        child = node.child
        while child is not None and child.mem_id != mem_id:
            child = child.next
        if child is None:
            return None
        node = child
    return node


def _find_listing(stats: _Stats, page_chars: int) -> _Stat | None:
    """The element whose children repeat one shape and carry most of the page's text.

    Listings, product grids and threads are many siblings of one tag (``li``, ``article``,
    ``div``, ``tr``) that each hold a little text. Among elements holding a large share of
    the page, the one whose same-tag children carry the most text wins; it then takes in a
    parent that adds only a heading or an introduction.
    """
    floor = max(_LISTING_MIN_SHARE * page_chars, 200)
    best: _Stat | None = None
    best_chars = 0
    for stat in stats.by_id.values():
        if stat.chars < floor or stat.tag in ("html", "body"):
            continue
        counts: dict[str, int] = {}
        sizes: dict[str, int] = {}
        for cstat in stat.children:
            ctag = cstat.tag
            if ctag not in _INLINE and cstat.chars >= _LISTING_MIN_ITEM:
                counts[ctag] = counts.get(ctag, 0) + 1
                sizes[ctag] = sizes.get(ctag, 0) + cstat.chars
        if not counts:
            continue
        tag = max(sizes, key=sizes.__getitem__)
        repeated = sizes[tag]
        if counts[tag] < _LISTING_MIN_ITEMS or repeated < _LISTING_ITEM_SHARE * stat.chars:
            continue
        # deeper wins ties: the grid itself rather than its wrappers
        if repeated > best_chars * 1.05 or (
            best is not None and repeated >= best_chars and _is_inside(stat, best, stats)
        ):
            best, best_chars = stat, repeated
    if best is None:
        return None
    parent = stats.by_id.get(best.parent_id)
    while parent is not None and parent.tag not in ("html", "body"):
        if parent.chars > _LISTING_PARENT_GAIN * best.chars:
            break
        best = parent
        parent = stats.by_id.get(parent.parent_id)
    return best


def _confidence(
    blocks: list[RawBlock], top: _Stat, page_chars: int
) -> tuple[float, tuple[str, ...]]:
    chars = text_length(blocks)
    reasons: list[str] = []
    confidence = 1.0
    if chars < 250:
        reasons.append("short")
        confidence = min(confidence, 0.2)
    paragraphs = sum(1 for b in blocks if b.kind == "paragraph" and len(b.text) >= 80)
    if paragraphs < 2:
        reasons.append("few paragraphs")
        confidence = min(confidence, 0.4)
    if page_chars and chars < 0.2 * page_chars and chars < 3000:
        reasons.append("small share of the page")
        confidence = min(confidence, 0.4)
    if top.link_density > 0.3:
        reasons.append("link-heavy")
        confidence = min(confidence, 0.5)
    return confidence, tuple(reasons)


def speedups_active() -> bool:
    """Whether the C walks (``newsclean._extract._speedups``) run; see ``speedups.py``."""
    return _SPEEDUPS is not None


def speedups_module() -> ModuleType | None:
    """The C module when its walks run (read at each call: tests switch it off), else None."""
    return _SPEEDUPS


# Trees deeper than this go to the Python walks, which are the reference for deep pages
# (they flatten a tree their recursion cannot take; see _pipeline._native): the C walk
# stops at this depth and leaves the tree to them.
FAST_MAX_DEPTH = 150
# The tag sets the C walk applies, by its flag names: written once, here.
_FLAG_SETS = {
    "F_INLINE": _INLINE,
    "F_SKIP": _SKIP,
    "F_SCORED": _SCORED,
    "F_TEXT_CONTAINER": _TEXT_CONTAINERS,
    "F_NO_VOCABULARY": _NO_VOCABULARY,
    "F_NEVER_PRUNED": NEVER_PRUNED,
    "F_LINK_FARM": _LINK_FARM_TAGS,
    # the DOM stage's (boilerplate.py: _speedups.dom_never and dom_strip)
    **boilerplate.SPEEDUP_TAG_SETS,
}
SPEEDUPS = speedups.load(_FLAG_SETS, RawBlock)
_SPEEDUPS = SPEEDUPS.module
