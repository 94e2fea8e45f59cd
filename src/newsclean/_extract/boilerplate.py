"""The DOM stage: drop what is never article content, judged by semantics and vocabulary.

Three passes over one lexbor tree, all driven by CSS unions run in C:

Removal detaches nodes (``remove``), never frees them mid-walk: a node listed by one query
may sit inside another that already went.

1. Elements that are never content: scripts, styles, embedded widgets, forms' controls,
   hidden elements, dialogs, navigation landmarks.
2. Containers whose class or id names a boilerplate category (share bars, newsletter promos,
   related-story blocks, cookie banners, comments, ads, ...). Only *small* containers go: a
   match that holds a large share of the page's text is a layout wrapper that happens to carry
   such a class (``<div class="page has-sidebar">``), and removing it would lose the article.
3. Link farms: lists and divs whose text is nearly all links (menus, teaser lists).
"""

from __future__ import annotations

from dataclasses import dataclass

from newsclean._dom import LexborHTMLParser, LexborNode, attr, class_and_id
from newsclean._vocab import Vocabulary

__all__ = ["CleaningReport", "strip_boilerplate"]

NEVER_CONTENT = ", ".join(
    (
        "script",
        "style",
        "noscript",
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
        "[aria-modal=true]",
        "[role=navigation]",
        "[role=search]",
        "[role=dialog]",
        "[role=alertdialog]",
        "[role=menu]",
        "[role=menubar]",
        "[role=banner]",
        "[role=contentinfo]",
    )
)
# Hidden now is not always hidden for good: streamed server rendering (React's
# <div hidden id="S:0">) and tabs ship the article hidden and reveal it with a script. A
# hidden element goes only when it is small next to the page.
HIDDEN = ", ".join(
    (
        "[hidden]",
        "[aria-hidden=true]",
        "[style*='display:none']",
        "[style*='display: none']",
        "[style*='visibility:hidden']",
        "[style*='visibility: hidden']",
    )
)
# Landmarks that are boilerplate unless they hold the article (an <aside> pull quote inside
# the body stays: only asides outside <article>/<main> go).
PAGE_CHROME = "body > header, body > footer, aside, [role=complementary], footer"
CONTENT_MARKERS = "article, main, [role=main], [itemprop=articleBody], [itemprop=text]"

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


@dataclass(frozen=True, slots=True)
class CleaningReport:
    """How many elements each pass removed."""

    never_content: int
    chrome: int
    vocabulary: int


def _text_length(node: LexborNode) -> int:
    return len(node.text(deep=True, separator=" ", strip=True))


def _holds_content(node: LexborNode) -> bool:
    return node.css_first(CONTENT_MARKERS) is not None or node.tag in ("article", "main")


def strip_boilerplate(
    tree: LexborHTMLParser, vocab: Vocabulary, *, include_comments: bool = False
) -> CleaningReport:
    """Remove boilerplate elements from ``tree`` in place; return what went."""
    never = 0
    for node in tree.css(NEVER_CONTENT):
        node.remove()
        never += 1

    root = tree.body or tree.root
    if root is None:
        return CleaningReport(never, 0, 0)
    page_length = max(_text_length(root), 1)

    for node in tree.css(HIDDEN):
        if _text_length(node) < MAX_REMOVED_SHARE * page_length:
            node.remove()
            never += 1

    chrome = 0
    for node in tree.css(PAGE_CHROME):
        if _inside_content(node) or _holds_content(node):
            continue
        if _text_length(node) < MAX_REMOVED_SHARE * page_length:
            node.remove()
            chrome += 1

    categories = REMOVABLE_CATEGORIES - ({"comments"} if include_comments else set())
    removed = 0
    for node in tree.css("[class], [id]"):
        if node.tag in ("html", "body", "article", "main"):
            continue
        marker = class_and_id(node)
        category = vocab.boilerplate_category(marker)
        if category is None or category not in categories:
            continue
        if attr(node, "itemprop") in ("articleBody", "text"):
            continue
        if _holds_content(node):
            continue
        if _text_length(node) >= MAX_REMOVED_SHARE * page_length:
            continue
        node.remove()
        removed += 1
    return CleaningReport(never, chrome, removed)


def _inside_content(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in ("article", "main") or attr(parent, "itemprop") == "articleBody":
            return True
        parent = parent.parent
    return False
