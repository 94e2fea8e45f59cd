"""newsclean's own body extractor, on the lexbor tree the DOM stage has already cleaned.

One page, one parse, one read of the body into a facts table (``facts.read``: tags, parents,
text lengths, link text, commas, class/id/itemprop, read by the compiled reader or its
Python reference), and every rule over that table, here, once:

1. **Stats** (:meth:`_Stats.measure_root`): the class/id vocabulary pass
   (:class:`VocabularyPruner`) runs over the table in document order, removing what it
   judges from the tree by node identity and from its ancestors' sums; then one pass,
   children before parents, finds each element's own text and whether it is flat inline
   text, and paragraph-like elements of 25+ characters score their ancestors as readability
   does (parent x1, grandparent x1/2, further up 1/(3 x level)), in post-order.
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
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from newsclean._dom import LexborNode
from newsclean._extract import facts, speedups
from newsclean._extract.body import RawBlock, text_length
from newsclean._extract.boilerplate import NEVER_PRUNED, VocabularyPruner
from newsclean._extract.facts import TEXT

if TYPE_CHECKING:
    from newsclean._record import BlockKind

__all__ = ["NativeResult", "extract_native", "speedups_active"]

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
_LINK_FARM_TAGS = frozenset(
    {"ul", "ol", "dl", "div", "section", "table", "td", "p", "li", "header"}
)


class _Stat:
    """One element's numbers, read off the facts table and the scoring pass.

    The heuristics navigate stats, not lexbor nodes: ``parent_id`` is the parent's
    ``mem_id`` (look it up in ``_Stats.by_id``; 0 above the walk's root) and ``children``
    are the element children's stats in document order. ``row`` is the element's row in the
    facts table (``facts.Facts``); ``node`` is always None (see :func:`_node_of`).
    """

    __slots__ = (
        "_children",
        "chars",
        "commas",
        "links",
        "mem_id",
        "parent_id",
        "row",
        "score",
        "stats",
        "tag",
    )
    node: LexborNode | None = None

    def __init__(self, stats: _Stats, row: int) -> None:
        self.stats = stats
        self.row = row
        table = stats.facts
        self.tag: str = table.tags[row]
        self.mem_id: int = table.mem[row]
        up = table.parent[row]
        self.parent_id: int = table.mem[up] if up >= 0 else 0
        self.chars: int = stats.chars[row]
        self.links: int = stats.links[row]
        self.commas: int = stats.commas[row]
        self.score: float = stats.scores.get(row, 0.0)
        self._children: list[_Stat] | None = None

    @property
    def paragraphs(self) -> int:
        """Characters of paragraph-like text below (undecayed): the story's mass."""
        return self.stats.paragraphs_of(self.row)

    @property
    def children(self) -> list[_Stat]:
        children = self._children
        if children is None:
            stats = self.stats
            tags = stats.facts.tags
            removed = stats.removed
            children = self._children = [
                stats.stat(child)
                for child in stats.facts.children(self.row)
                if tags[child] != TEXT and child not in removed
            ]
        return children

    @property
    def marker(self) -> str:
        """Class and id, lower-cased (see ``class_and_id``)."""
        return self.stats.marker(self.row)

    @property
    def flat(self) -> bool:
        """Only text and inline elements below, no ``<br>``: its text is written in one go."""
        return self.row not in self.stats.nonflat

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


class _ById:
    """``_Stats.by_id``: the measured elements' stats by ``mem_id``, made when asked for."""

    __slots__ = ("stats",)

    def __init__(self, stats: _Stats) -> None:
        self.stats = stats

    def get(self, mem_id: int) -> _Stat | None:
        row = self.stats.row_of.get(mem_id)
        return None if row is None else self.stats.stat(row)

    def values(self) -> list[_Stat]:
        """Every measured element's stats, in document order."""
        stats = self.stats
        return [stats.stat(row) for row in stats.live]


class _Stats:
    """Per-element text statistics over one facts table (``facts.read``, one walk).

    :meth:`measure_root` reads the table, runs the class/id vocabulary pass over it (the
    DOM stage's :class:`VocabularyPruner`: removals go back to the tree by node identity and
    come off their ancestors' sums), and scores the ancestors of paragraph-like elements as
    readability does; every rule here is written once, for both readers of the table.
    """

    __slots__ = (
        "_contributors",
        "_markers",
        "_scored_rows",
        "_stats",
        "_texts",
        "_whole",
        "by_id",
        "chars",
        "commas",
        "facts",
        "final",
        "links",
        "live",
        "nonflat",
        "paragraphs",
        "pruner",
        "removed",
        "removed_rows",
        "row_of",
        "scored",
        "scores",
    )

    def __init__(self, pruner: VocabularyPruner | None = None) -> None:
        self.final: dict[int, float] = {}
        self.scored: list[_Stat] = []
        self.pruner = pruner
        self.by_id = _ById(self)
        self.facts: facts.Facts
        self.removed: set[int] = set()
        self.removed_rows: list[int] = []
        # the table's sums, less what the vocabulary pass removed (see _remove)
        self.chars: list[int] = []
        self.links: list[int] = []
        self.commas: list[int] = []
        self.live: list[int] = []
        self.row_of: dict[int, int] = {}
        self.scores: dict[int, float] = {}
        self.paragraphs: dict[int, int] = {}
        self._contributors: list[int] = []
        self._texts: list[int] = []
        self._whole: set[int] = set()
        self.nonflat: set[int] = set()
        self._stats: dict[int, _Stat] = {}
        self._markers: dict[int, str] = {}

    def release(self) -> None:
        """Drop the stats made so far and the table (they and ``by_id`` refer back here)."""
        self._stats.clear()
        self.scored = []
        self.chars = []
        self.links = []
        self.commas = []
        del self.facts

    def stat(self, row: int) -> _Stat:
        stat = self._stats.get(row)
        if stat is None:
            stat = self._stats[row] = _Stat(self, row)
        return stat

    def marker(self, row: int) -> str:
        marker = self._markers.get(row)
        if marker is None:
            marker = self._markers[row] = self.facts.marker(row)
        return marker

    def measure_root(self, root: LexborNode) -> _Stat:
        """Read ``root``'s facts, prune by vocabulary, score; the root's stats."""
        table = self.facts = facts.read(root)
        self.chars, self.links, self.commas = table.chars, table.links, table.commas
        self._prune()
        self._score()
        self.row_of = {table.mem[row]: row for row in self.live}
        self.scored = [self.stat(row) for row in self._scored_rows]
        return self.stat(0)

    def _prune(self) -> None:
        """The vocabulary pass, in document order; ``live`` gets the elements that stay."""
        table = self.facts
        tags, end = table.tags, table.end
        pruner = self.pruner
        removed: list[int] = []
        if pruner is not None:
            classes, ids = table.attrs["class"], table.attrs["id"]
            itemprops = table.attrs["itemprop"]
            markers = self._markers
            category_of = pruner.category_of
            # an element without class or id names no category (its marker is " ")
            named = [row for row, (c, i) in enumerate(zip(classes, ids, strict=True)) if c or i]
            after = 0  # rows before this are inside a removed element
            for row in named:
                tag = tags[row]
                if row < after or not row or tag in _NO_VOCABULARY or tag in NEVER_PRUNED:
                    continue
                marker = markers[row] = f"{classes[row] or ''} {ids[row] or ''}".lower()
                category = category_of(marker)
                if category is not None and pruner.removable_at(
                    table.mem[row], itemprops[row] or "", category, table.separated_length(row)
                ):
                    removed.append(row)
                    after = end[row]
        if not removed:
            self.live = [row for row, tag in enumerate(tags) if tag != TEXT]
            return
        live: list[int] = []
        start = 0
        for row in removed:
            live.extend(r for r in range(start, row) if tags[r] != TEXT)
            start = end[row]
        live.extend(r for r in range(start, len(tags)) if tags[r] != TEXT)
        self.live = live
        self._remove(removed)

    def _remove(self, removed: list[int]) -> None:
        """Detach the removed elements and take their text off their ancestors' sums."""
        table = self.facts
        tags, parent = table.tags, table.parent
        chars, links, commas = self.chars[:], self.links[:], self.commas[:]
        self.chars, self.links, self.commas = chars, links, commas
        for row in removed:
            table.remove(row)
            own, own_commas = chars[row], commas[row]
            linked = own if tags[row] == "a" else links[row]
            up = parent[row]
            while up >= 0:
                chars[up] -= own
                links[up] -= linked
                commas[up] -= own_commas
                if tags[up] == "a":
                    linked = own  # above a link, all of its text is link text
                up = parent[up]
        self.removed = set(removed)
        self.removed_rows = removed  # in document order

    def _score(self) -> None:
        """readability's scores: paragraph-like elements of 25+ characters score their
        ancestors (parent x1, grandparent x1/2, further up 1/(3 x level)), in the order a
        post-order walk meets them; and each element's paragraph text below. One pass,
        children before parents, also finds the flat elements (see ``_Stat.flat``)."""
        table = self.facts
        tags, parent, end, own_text = table.tags, table.parent, table.end, table.own
        chars, links, commas = self.chars, self.links, self.commas
        # inline children's non-link text, by parent row
        inline = [0] * len(tags)
        nonflat = self.nonflat
        # (post-order position, row, score, scores itself, paragraph text)
        events: list[tuple[int, int, int, float, bool, int]] = []
        whole: set[int] = set()  # scored elements: their paragraph text is their own length
        for row in reversed(self.live):
            tag = tags[row]
            up = parent[row]
            if tag in _INLINE:
                if tag != "a":
                    inline[up] += chars[row] - links[row]
                if row in nonflat:
                    nonflat.add(up)
            elif row:
                nonflat.add(up)
            if tag in _SCORED:
                length = chars[row] - links[row]
                if length >= _MIN_PARAGRAPH:
                    score = 1.0 + commas[row] + min(length / 100.0, 3.0)
                    events.append((end[row], -row, row, score, False, length))
                    whole.add(row)
            elif tag in _TEXT_CONTAINERS:
                # own text: direct text and inline children's non-link text
                own = own_text[row] + inline[row]
                if own >= _MIN_PARAGRAPH:
                    events.append((end[row], -row, row, 1.0 + min(own / 100.0, 3.0), True, own))
        events.sort()
        scores = self.scores
        scored: list[int] = []
        for _, _, row, score, itself, _ in events:
            if itself:
                if row not in scores:
                    scored.append(row)
                scores[row] = scores.get(row, 0.0) + score
            up = parent[row]
            level = 1
            while up >= 0 and level <= 5:
                if up not in scores:
                    scored.append(up)
                    scores[up] = 0.0
                if level == 1:
                    scores[up] += score
                elif level == 2:
                    scores[up] += score / 2.0
                else:
                    scores[up] += score / (3.0 * level)
                up = parent[up]
                level += 1
        # paragraph text, by contributing row in document order (see paragraphs_of)
        contributors = sorted((row, text) for _, _, row, _, _, text in events)
        self._contributors = [row for row, _ in contributors]
        self._texts = [text for _, text in contributors]
        self._whole = whole
        self._scored_rows = scored

    def paragraphs_of(self, row: int) -> int:
        """The paragraph text at and below ``row``: a scored element's own length, else its
        own text (a text container's) and its descendants' paragraph text."""
        found = self.paragraphs.get(row)
        if found is not None:
            return found
        rows, texts, whole, end = self._contributors, self._texts, self._whole, self.facts.end
        at = bisect_left(rows, row)
        total = 0
        if at < len(rows) and rows[at] == row:
            total = texts[at]
            at += 1
            if row in whole:
                self.paragraphs[row] = total
                return total
        stop = end[row]
        count = len(rows)
        while at < count and rows[at] < stop:
            inner = rows[at]
            total += texts[at]
            # a scored element's paragraph text is its own: what is below it counts once
            at = bisect_left(rows, end[inner], at + 1) if inner in whole else at + 1
        self.paragraphs[row] = total
        return total

    def descendants(self, row: int) -> Iterator[int]:
        """The rows below ``row`` that are still in the tree, in document order."""
        removed = self.removed
        end = self.facts.end
        child = row + 1
        stop = end[row]
        while child < stop:
            if child in removed:
                child = end[child]
                continue
            yield child
            child += 1

    def deep_text(self, row: int) -> str:
        """``node.text(deep=True)`` of the element at ``row``, as the tree now has it."""
        table = self.facts
        end = table.end[row]
        removed = self.removed_rows
        at = bisect_right(removed, row)
        if at == len(removed) or removed[at] >= end:
            return table.text(row)
        texts = table.texts
        return "".join([texts[r] for r in self.descendants(row)])

    def score_of(self, stat: _Stat) -> float:
        """The final score, from the ranking when it was ranked."""
        score = self.final.get(stat.mem_id)
        return _final_score(stat) if score is None else score


def _marker(stat: _Stat) -> str:
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

    Ties keep the order the scoring pass met them in.
    """
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


def _pre_text(stats: _Stats, row: int, pieces: list[str]) -> None:
    """Preformatted text as written: whitespace kept, ``<br>`` and block children break lines."""
    table = stats.facts
    tags, texts, end = table.tags, table.texts, table.end
    child = row + 1
    stop = end[row]
    while child < stop:
        tag = tags[child]
        if tag == TEXT:
            pieces.append(texts[child])
        elif child in stats.removed:
            pass
        elif tag == "br":
            pieces.append("\n")
        else:
            block = tag not in _INLINE
            if block and pieces and not pieces[-1].endswith("\n"):
                pieces.append("\n")
            _pre_text(stats, child, pieces)
            if block and pieces and not pieces[-1].endswith("\n"):
                pieces.append("\n")
        child = end[child]


# what makes a table page layout rather than data (see _is_data_table)
_LAYOUT_INSIDE_TABLE = frozenset({"table", "p", "article", "h1", "h2", "h3"})


def _is_data_table(stats: _Stats, row: int) -> bool:
    """A table of data (rows and cells) rather than page layout."""
    table = stats.facts
    tags, parent = table.tags, table.parent
    chars = stats.chars
    cells_fit = True
    for inner in stats.descendants(row):
        tag = tags[inner]
        if tag in _LAYOUT_INSIDE_TABLE or (tag == "div" and tags[parent[inner]] == "div"):
            return False
        if tag in ("td", "th") and chars[inner] > 400:
            cells_fit = False
    return cells_fit


class _Writer:
    """Turns the chosen container into blocks, pruning boilerplate inside it."""

    __slots__ = (
        "blocks",
        "buffer",
        "include_tables",
        "kept",
        "limit",
        "listing",
        "stats",
        "table",
    )

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
        self.table = stats.facts
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

    def pruned(self, row: int, tag: str) -> bool:
        if tag in _SKIP:
            return True
        stats = self.stats
        chars = stats.chars[row]
        if chars == 0:
            return tag not in ("br", "img", "hr")
        if tag == "form" and chars < _PRUNE_MAX_SHARE * self.limit:
            # a form inside the article is a widget; one around it is the page (ASP.NET)
            return True
        category = self.kept.get(self.table.mem[row])
        if category is not None and (
            chars < _PRUNE_MAX_SHARE * self.limit
            # a comment thread longer than the story it follows still is not the story
            or (category == "comments" and self.limit - chars >= _STORY_BESIDE_COMMENTS)
        ):
            # a boilerplate-named container the DOM stage kept as large for the page is
            # small for the article: it goes now
            return True
        links = stats.links[row]
        if tag in _LINK_FARM_TAGS and links and not self.listing:
            density = links / chars
            if tag in ("p", "li"):
                return density > 0.8 and chars < 100
            if (
                density > 0.6
                and chars < _PRUNE_MAX_SHARE * self.limit
                # a container with sentences of its own beside its links is walked: its
                # lists are judged one by one
                and chars - links < _LINK_FARM_MAX_TEXT
            ):
                return True
        return False

    def walk(self, row: int, kind: BlockKind) -> None:
        table = self.table
        tags, texts, end = table.tags, table.texts, table.end
        removed = self.stats.removed
        buffer = self.buffer
        child = row + 1
        stop = end[row]
        while child < stop:
            tag = tags[child]
            if tag == TEXT:
                text = texts[child]
                if text:
                    # a newline in the source is a space on the page; only <br> breaks
                    buffer.append(text.replace("\n", " ") if "\n" in text else text)
            elif child in removed:
                pass
            elif tag == "br":
                buffer.append("\n")
            elif tag in _INLINE:
                if tag == "a" or not self.pruned(child, tag):
                    self.walk(child, kind)
            elif not self.pruned(child, tag):
                self.block(child, tag, kind)
            child = end[child]

    def block(self, row: int, tag: str, kind: BlockKind) -> None:
        self.flush(kind)
        level = _HEADINGS.get(tag)
        if level is not None:
            self.inner(row, "heading")
            self.flush("heading", level)
            return
        if tag == "pre":
            pieces: list[str] = []
            _pre_text(self.stats, row, pieces)
            text = "".join(pieces).strip("\n")
            if text.strip():
                self.blocks.append(RawBlock("code", text))
            return
        if tag == "table":
            if _is_data_table(self.stats, row):
                if self.include_tables:
                    self._table(row)
                return
            self.walk(row, kind)
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
        self.inner(row, inner)
        self.flush(inner)

    def inner(self, row: int, kind: BlockKind) -> None:
        """The element's content into the buffer: all its text at once when it is flat."""
        if row not in self.stats.nonflat:
            self.buffer.append(" ".join(self.stats.deep_text(row).split()))
        else:
            self.walk(row, kind)

    def _table(self, row: int) -> None:
        stats = self.stats
        tags, texts = self.table.tags, self.table.texts
        rows: list[str] = []
        for tr in stats.descendants(row):
            if tags[tr] != "tr":
                continue
            cells = [
                " ".join([texts[r] for r in stats.descendants(cell)]).split()
                for cell in stats.descendants(tr)
                if tags[cell] in ("td", "th")
            ]
            joined = [" ".join(cell) for cell in cells]
            if any(joined):
                rows.append(" | ".join(joined))
        if rows:
            self.blocks.append(RawBlock("table", "\n".join(rows)))


def extract_native(
    root: LexborNode,
    *,
    pruner: VocabularyPruner | None = None,
    include_tables: bool = True,
    hints: Sequence[int] | None = None,
) -> NativeResult:
    """Find and serialise the article body under ``root`` (normally ``<body>``).

    ``hints``: the mem_ids of the page's ``itemprop`` articleBody/text/reviewBody elements
    when the caller has them already (the DOM stage's scan, ``DomPass.hints``); otherwise
    they are queried here.

    ``pruner``, when given, removes boilerplate-named containers during the stats walk (the
    DOM stage's class/id pass, folded into this walk so every element is visited once).
    When the page reads weakly as an article, a repeated structure that holds most of its
    text (a listing of cards, a product grid, a thread of posts) is taken instead.
    """
    stats = _Stats(pruner)
    try:
        return _extract(root, stats, pruner, include_tables=include_tables, hints=hints)
    finally:
        # stats and their _Stat objects refer to each other: let the table (the page's
        # text) go now, not at the next garbage collection
        stats.release()


def _extract(
    root: LexborNode,
    stats: _Stats,
    pruner: VocabularyPruner | None,
    *,
    include_tables: bool,
    hints: Sequence[int] | None,
) -> NativeResult:
    page = stats.measure_root(root)
    page_chars = page.chars
    kept = pruner.kept if pruner is not None else {}
    top = _choose(root, stats, hints)
    result: NativeResult | None = None
    if top is not None:
        nodes = _siblings(top, stats)
        blocks = _drop_promo_sections(
            _trim_edges(_write(nodes, stats, kept, include_tables=include_tables, listing=False))
        )
        confidence, reasons = _confidence(blocks, top, page_chars)
        result = NativeResult(blocks, confidence, reasons, page_chars, _node_of(top, root, stats))
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
            reasons = ("listing",)
            confidence = _LISTING_CONFIDENCE if chars >= 0.3 * page_chars else 0.3
            container = _node_of(listing, root, stats)
            return NativeResult(blocks, confidence, reasons, page_chars, container)
    if result is None:
        return NativeResult([], 0.0, ("nothing scored",), page_chars)
    return result


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
    return head + blocks[first : last + 1] + tail


def _drop_promo_sections(blocks: list[RawBlock]) -> list[RawBlock]:
    """Drop a heading whose section holds only a line or two of short text, after the story
    has begun.

    "Take the next step / Contact sales", "Stay connected / Get news in your inbox": calls to
    action dressed as sections. A real section has running text, a list, a table or code.
    """
    # only after the story has begun: a title over a one-line brief is not a promo
    headings = [i for i in range(_first_prose(blocks), len(blocks)) if blocks[i].kind == "heading"]
    if not headings:
        return blocks
    kept = blocks[: headings[0]]
    for start, end in zip(headings, [*headings[1:], len(blocks)], strict=True):
        section = blocks[start + 1 : end]
        if (
            section
            and len(section) <= _PROMO_MAX_BLOCKS
            and all(b.kind == "paragraph" and not _is_prose(b) for b in section)
            and text_length(section) < _PROMO_MAX_CHARS
        ):
            continue
        kept.extend(blocks[start:end])
    return kept


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
    writer = _Writer(stats, kept, include_tables=include_tables, limit=limit, listing=listing)
    for stat in chosen:
        tag = stat.tag
        if tag in _INLINE:
            writer.walk(stat.row, "paragraph")
            writer.flush("paragraph")
        else:
            writer.block(stat.row, tag, "paragraph")
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
    """Whether the compiled facts reader runs (see ``speedups.py``)."""
    return facts.reader() is not None


SPEEDUPS = speedups.load()
