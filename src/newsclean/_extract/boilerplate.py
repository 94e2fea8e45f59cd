"""The DOM stage: drop what is never article content, judged by semantics and vocabulary.

Passes over one lexbor tree. The elements the semantic passes judge come from one CSS query
(:class:`DomScan`: lexbor walks the tree once per query), taken before anything goes.
Removal detaches nodes (``remove``), never frees them: a node listed by the query may sit
inside another that already went, where removing it again changes nothing. The pipeline runs
passes 1 and 2's landmarks through :class:`DomPass`. Every rule of the stage is written
here, once; the native extractor's own vocabulary pass (:class:`VocabularyPruner`, run by
``native.py`` over the facts table) judges by the same vocabulary.

1. Elements that are never content: scripts, styles, embedded widgets, forms' controls,
   hidden elements, dialogs, navigation landmarks.
2. Containers whose class or id names a boilerplate category (share bars, newsletter promos,
   related-story blocks, cookie banners, comments, ads, ...). Only *small* containers go: a
   match that holds a large share of the page's text is a layout wrapper that happens to carry
   such a class (``<div class="page has-sidebar">``), and removing it would lose the article.
3. Link farms: lists and divs whose text is nearly all links (menus, teaser lists).

Sign-up boxes go with the never-content pass: a form that asks for an e-mail address, with
the small box around it (the "Join our newsletter" heading and its blurb), whatever the box's
class names.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from newsclean._dom import LexborHTMLParser, LexborNode, attr, class_and_id
from newsclean._vocab import CATEGORY_MEMO_MAX, ClassWords, Vocabulary

__all__ = [
    "CleaningReport",
    "DomPass",
    "DomScan",
    "VocabularyPruner",
    "remove_never_content",
    "strip_boilerplate",
]

# Never content: these elements, and elements with these roles or aria-modal=true.
NEVER_TAGS = frozenset(
    {
        "script",
        "style",
        "template",
        "svg",
        "canvas",
        "iframe",
        "object",
        "embed",
        "button",
        "select",
        "input",
        "textarea",
        "dialog",
        "nav",
        "menu",
    }
)
NEVER_ROLES = frozenset(
    {
        "navigation",
        "search",
        "dialog",
        "alertdialog",
        "menu",
        "menubar",
        "banner",
        "contentinfo",
    }
)
# Hidden now is not always hidden for good: streamed server rendering (React's
# <div hidden id="S:0">) and tabs ship the article hidden and reveal it with a script. A
# hidden element goes only when it is small next to the page. Hidden means: <noscript>
# (forum software, Discourse, serves its whole thread to crawlers inside it), the hidden
# attribute, aria-hidden=true, or an inline style with one of these.
HIDDEN_STYLES = ("display:none", "display: none", "visibility:hidden", "visibility: hidden")
CONTENT_MARKERS = "article, main, [role=main], [itemprop=articleBody], [itemprop=text]"
# One CSS pass finds every element the DOM stage judges (see DomScan); lexbor walks the
# tree once per query, whatever the number of selectors in it.
_SCAN = ", ".join(
    (
        *sorted(NEVER_TAGS),
        "noscript",
        "header",
        "footer",
        "aside",
        "article",
        "main",
        "form",
        "[role]",
        "[style]",
        "[hidden]",
        "[aria-hidden]",
        "[aria-modal]",
        "[aria-controls]",
        "[itemprop]",
    )
)

# Categories whose containers are removed when small; "author_box" and "legal" need the
# same guard as the rest.
REMOVABLE_CATEGORIES = frozenset(
    {
        "share",
        "newsletter",
        "related",
        "consent",
        "navigation",
        "tags",
        "comments",
        "ads",
        "legal",
        "overlay",
        "screen_reader",
        "author_box",
    }
)
# A matched container goes only when it holds less than this share of the page's text.
MAX_REMOVED_SHARE = 0.25
# Sign-up boxes (see _remove_signup_boxes): a form that asks for an e-mail address, with at
# most this much text of its own once its controls are gone (labels, a consent line), and
# the ancestors around it while they hold at most this much text.
SIGNUP_INPUTS = "input[type=email], input[name*=mail i]"
SIGNUP_FORM_MAX_CHARS = 300
SIGNUP_BOX_MAX_CHARS = 400
# a box never grows into these: the page, the article, or an item of a list or table
_SIGNUP_STOP = frozenset({"body", "html", "article", "main", "li", "tr", "td"})
# Never judged by their class or id.
NEVER_PRUNED = frozenset({"html", "body"})
# Never removed by the semantic passes either, whatever their role or style: the document's
# own elements (lexbor refuses to detach the root; selectolax caches head and body).
_TOP = frozenset({"html", "head", "body"})


@dataclass(frozen=True, slots=True)
class CleaningReport:
    """How many elements each pass removed."""

    never_content: int
    chrome: int
    vocabulary: int
    # the page's text length after never-content removal: the yardstick for "small"
    page_chars: int = 0


def _text_length(node: LexborNode) -> int:
    return len(node.text(deep=True, separator=" ", strip=True))


def _holds_content(node: LexborNode) -> bool:
    return node.css_first(CONTENT_MARKERS) is not None or node.tag in ("article", "main")


@dataclass(frozen=True, slots=True)
class DomScan:
    """The elements the DOM stage judges, found in one CSS pass, in document order.

    Taken before anything is removed: an element listed here may sit inside one that a
    pass has already detached, where judging or removing it again changes nothing.
    """

    never: list[LexborNode]
    hidden: list[LexborNode]
    chrome: list[LexborNode]
    markers: list[LexborNode]
    # forms that ask for an e-mail address (found before their inputs go)
    signup_forms: list[LexborNode]
    # itemprop articleBody, text or reviewBody: what the native extractor's choice heeds
    body_hints: list[LexborNode]

    @classmethod
    def of(cls, tree: LexborHTMLParser) -> DomScan:
        never: list[LexborNode] = []
        hidden: list[LexborNode] = []
        chrome: list[LexborNode] = []
        markers: list[LexborNode] = []
        signup_forms: list[LexborNode] = []
        body_hints: list[LexborNode] = []
        controlled: set[str] = set()
        for node in tree.css(_SCAN):
            tag = node.tag
            attrs = node.attributes
            role = attrs.get("role")
            top = tag in _TOP
            if not top and (
                tag in NEVER_TAGS or role in NEVER_ROLES or attrs.get("aria-modal") == "true"
            ):
                never.append(node)
                continue
            controls = attrs.get("aria-controls")
            if controls:
                controlled.update(controls.split())
            style = attrs.get("style")
            if not top and (
                tag == "noscript"
                or "hidden" in attrs
                or attrs.get("aria-hidden") == "true"
                or (style is not None and any(s in style for s in HIDDEN_STYLES))
            ):
                hidden.append(node)
            # page chrome: landmarks that are boilerplate unless they hold the article (an
            # <aside> pull quote inside the body stays: only asides outside it go)
            if not top and (
                tag in ("footer", "aside")
                or role == "complementary"
                or (tag == "header" and _parent_tag(node) == "body")
            ):
                chrome.append(node)
            itemprop = attrs.get("itemprop")
            if itemprop in ("articleBody", "text", "reviewBody"):
                body_hints.append(node)
            if tag in ("article", "main") or role == "main" or itemprop in ("articleBody", "text"):
                markers.append(node)
            if tag == "form" and node.css_first(SIGNUP_INPUTS) is not None:
                signup_forms.append(node)
        if hidden:
            # a collapsed accordion panel or a tab is content a reader opens with a click:
            # a region or tab panel, labelled by its toggle, or named by a toggle's
            # aria-controls
            hidden = [node for node in hidden if not _expandable(node, controlled)]
        return cls(never, hidden, chrome, markers, signup_forms, body_hints)


def _expandable(node: LexborNode, controlled: set[str]) -> bool:
    if node.tag == "noscript":
        return False
    attrs = node.attributes
    if attrs.get("role") in ("region", "tabpanel") or "aria-labelledby" in attrs:
        return True
    element_id = attrs.get("id")
    return element_id is not None and element_id in controlled


def _parent_tag(node: LexborNode) -> str | None:
    parent = node.parent
    return parent.tag if parent is not None else None


def remove_never_content(tree: LexborHTMLParser, scan: DomScan | None = None) -> int:
    """Remove what is never content (scripts, styles, widgets, landmarks of navigation), and
    sign-up boxes: a form asking for an e-mail address with the small box around it."""
    if scan is None:
        scan = DomScan.of(tree)
    removed = 0
    for node in scan.never:
        node.remove()
        removed += 1
    if scan.signup_forms:
        removed += _remove_signup_boxes(tree, scan.signup_forms)
    return removed


def strip_boilerplate(
    tree: LexborHTMLParser,
    vocab: Vocabulary,
    *,
    include_comments: bool = False,
    vocabulary: bool = True,
    never_content: bool = True,
    scan: DomScan | None = None,
) -> CleaningReport:
    """Remove boilerplate elements from ``tree`` in place; return what went.

    With ``vocabulary=False`` the class/id pass is left to the caller, which runs
    :class:`VocabularyPruner` inside its own walk over the tree (the native extractor does,
    to visit every element once). With ``never_content=False`` the caller has already run
    :func:`remove_never_content`; pass its ``scan`` so the tree is queried once.
    """
    if scan is None:
        scan = DomScan.of(tree)
    never = remove_never_content(tree, scan) if never_content else 0

    root = tree.body or tree.root
    if root is None:
        return CleaningReport(never, 0, 0)
    page_length = max(_text_length(root), 1)

    for node in scan.hidden:
        if _text_length(node) < MAX_REMOVED_SHARE * page_length:
            node.remove()
            never += 1

    chrome = 0
    for node in scan.chrome:
        if _inside_content(node) or _holds_content(node):
            continue
        if _text_length(node) < MAX_REMOVED_SHARE * page_length:
            node.remove()
            chrome += 1

    if not vocabulary:
        return CleaningReport(never, chrome, 0, page_length)
    pruner = VocabularyPruner(
        tree,
        vocab,
        include_comments=include_comments,
        page_chars=page_length,
        markers=scan.markers,
    )
    return CleaningReport(never, chrome, _prune_vocabulary(tree, pruner), page_length)


def _prune_vocabulary(tree: LexborHTMLParser, pruner: VocabularyPruner) -> int:
    """The class/id pass over the whole tree; returns how many containers went."""
    removed = 0
    for node in tree.css("[class], [id]"):
        category = pruner.category(node, node.tag or "")
        if category is None:
            continue
        if pruner.removable(node, category, _text_length(node)):
            node.remove()
            removed += 1
    return removed


class DomPass:
    """The DOM stage's semantic passes over one tree, in the pipeline's order.

    ::

        dom = DomPass(tree)                           # DomScan.of + remove_never_content
        page_text = tree.body.text(...)               # the page without scripts, styles
        report = dom.strip(vocab, include_comments=False, vocabulary=False)
        pruner = VocabularyPruner(tree, vocab, ..., content=dom.content)
        extract_native(root, pruner=pruner, hints=dom.hints)

    :class:`DomScan` finds what the passes judge in one query, :func:`remove_never_content`
    and :func:`strip_boilerplate` judge it.
    """

    __slots__ = ("content", "hints", "never", "scan", "tree")

    def __init__(self, tree: LexborHTMLParser) -> None:
        self.tree = tree
        # VocabularyPruner's content set (set by strip) and the body hints, as mem_ids
        self.content: Collection[int] = frozenset()
        self.scan = DomScan.of(tree)
        self.never = remove_never_content(tree, self.scan)
        self.hints: list[int] = [node.mem_id for node in self.scan.body_hints]

    def strip(
        self, vocab: Vocabulary, *, include_comments: bool = False, vocabulary: bool = True
    ) -> CleaningReport:
        """:func:`strip_boilerplate` after the never-content pass (``never_content=False``)."""
        report = strip_boilerplate(
            self.tree,
            vocab,
            include_comments=include_comments,
            vocabulary=vocabulary,
            never_content=False,
            scan=self.scan,
        )
        self.content = _content_ids(self.scan.markers)
        return report


def _content_ids(markers: Sequence[LexborNode]) -> set[int]:
    """The content markers and all their ancestors, as mem_ids (read after the removals)."""
    content: set[int] = set()
    for marker in markers:
        node: LexborNode | None = marker
        while node is not None and node.mem_id not in content:
            content.add(node.mem_id)
            node = node.parent
    return content


class VocabularyPruner:
    """Judges containers by the boilerplate category their class or id names.

    A container goes when its category is removable and it holds under
    ``MAX_REMOVED_SHARE`` of the page's text, unless it is or holds the article (``<article>``,
    ``<main>``, ``itemprop=articleBody``). Matches kept for size or for holding an article are
    remembered in ``kept`` (mem_id -> category) so that a later stage can prune them relative
    to the article instead (a "related" block of ``<article>`` teaser cards inside the story).
    """

    __slots__ = ("categories", "class_words", "content", "kept", "limit", "seen", "vocab")

    def __init__(
        self,
        tree: LexborHTMLParser,
        vocab: Vocabulary,
        *,
        include_comments: bool,
        page_chars: int | None = None,
        markers: list[LexborNode] | None = None,
        content: Collection[int] | None = None,
    ) -> None:
        self.vocab = vocab
        self.categories = REMOVABLE_CATEGORIES - ({"comments"} if include_comments else set())
        # class/id string -> removable category, shared by the pruners of every page this
        # vocabulary cleans with these categories: sites repeat their class strings
        self.seen = vocab.category_memo_among(self.categories)
        # the vocabulary's words when they answer as its regex does: the C walk judges a
        # class/id string ``seen`` lacks by them (in ``categories`` only), as category_of
        # would, rather than calling it; without them it calls category_of
        words = vocab.class_words
        self.class_words: ClassWords | None = words if words.exact else None
        if page_chars is None:
            root = tree.body or tree.root
            page_chars = _text_length(root) if root is not None else 0
        self.limit = MAX_REMOVED_SHARE * max(page_chars, 1)
        # the content markers and all their ancestors: never removed by vocabulary (given
        # as mem_ids in ``content`` when the DOM stage has them: DomPass.content)
        if content is None:
            content = _content_ids(tree.css(CONTENT_MARKERS) if markers is None else markers)
        self.content = content
        self.kept: dict[int, str] = {}

    def category(self, node: LexborNode, tag: str) -> str | None:
        """The node's removable category, ``None`` when its class/id names none."""
        if tag in NEVER_PRUNED:
            return None
        return self.category_of(class_and_id(node))

    def category_of(self, marker: str) -> str | None:
        """The removable category that a class/id string (see ``class_and_id``) names."""
        seen = self.seen
        try:
            return seen[marker]
        except KeyError:
            pass
        category = None if marker == " " else self.vocab.boilerplate_category(marker)
        if category is not None and category not in self.categories:
            category = None
        # pages repeat their class strings (every card, every widget): match each once
        if len(seen) >= CATEGORY_MEMO_MAX:
            seen.clear()  # a long batch of many sites: start over rather than grow
        seen[marker] = category
        return category

    def removable(self, node: LexborNode, category: str, chars: int) -> bool:
        """Whether a node whose class/id named ``category`` goes, given its text length."""
        return self.removable_at(node.mem_id, attr(node, "itemprop"), category, chars)

    def removable_at(self, mem_id: int, itemprop: str, category: str, chars: int) -> bool:
        """:meth:`removable` for the node at ``mem_id`` whose ``itemprop`` is given."""
        if itemprop in ("articleBody", "text"):
            return False
        if mem_id in self.content or chars >= self.limit:
            self.kept[mem_id] = category
            return False
        return True


def _remove_signup_boxes(tree: LexborHTMLParser, forms: list[LexborNode]) -> int:
    """Remove sign-up forms with the small box around each (heading, blurb, consent line).

    A newsletter or lead-form box ("Become a member / We will never sell your information /
    [e-mail] [Subscribe]") is a form plus a line or two; its class names vary too much to
    list. A form with much text of its own (one that wraps the page) is left alone, and so
    is a box that would hold the article, an item of a list or table, or a large share of
    the page.
    """
    root = tree.body or tree.root
    if root is None:
        return 0
    limit = min(SIGNUP_BOX_MAX_CHARS, MAX_REMOVED_SHARE * _text_length(root))
    removed = 0
    for form in forms:
        if form.parent is None or _text_length(form) > SIGNUP_FORM_MAX_CHARS:
            continue
        box = form
        parent = box.parent
        while (
            parent is not None
            and parent.tag not in _SIGNUP_STOP
            and _text_length(parent) <= limit
            and not _holds_content(parent)
        ):
            box = parent
            parent = box.parent
        box.remove()
        removed += 1
    return removed


def _inside_content(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in ("article", "main") or attr(parent, "itemprop") == "articleBody":
            return True
        parent = parent.parent
    return False
