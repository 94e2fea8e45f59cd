"""The DOM layer: the only module that imports selectolax.

Every parse goes through :func:`parse_html`, which wraps lexbor's errors in
:class:`newsclean.ParseError`. Lexbor does not sniff encodings, so callers decode first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from newsclean._errors import ParseError

__all__ = [
    "LexborHTMLParser",
    "LexborNode",
    "attr",
    "class_and_id",
    "css_listings",
    "decompose_all",
    "flatten_deep_nesting",
    "flatten_text_nesting",
    "iter_elements",
    "node_text",
    "parse_html",
]


def parse_html(html: str) -> LexborHTMLParser:
    """Parse ``html`` with lexbor.

    Raises:
        ParseError: lexbor refused the input.
    """
    try:
        return LexborHTMLParser(html)
    except (SelectolaxError, ValueError, TypeError, MemoryError) as exc:
        raise ParseError(f"HTML parser failed: {exc}") from exc


def attr(node: LexborNode, name: str) -> str:
    """The attribute's value, or ``""`` when it is absent or valueless."""
    if not node.is_element_node:
        return ""
    value = node.attrs.sget(name, "")
    return value or ""


def class_and_id(node: LexborNode) -> str:
    """The node's class and id attributes joined by a space, lower-cased."""
    if not node.is_element_node:
        return ""
    # one dict from lexbor is cheaper than two attribute lookups (0.6 against 1.3 µs)
    attributes = node.attributes
    return f"{attributes.get('class') or ''} {attributes.get('id') or ''}".lower()


def css_listings(
    root: LexborHTMLParser | LexborNode, query: str
) -> Iterator[tuple[LexborNode, int]]:
    """``root.css(query)`` with each node once, and how many times lexbor lists it.

    lexbor lists a node once per selector of the query it matches, those entries adjacent;
    callers that rewrite a query with fewer selectors count the entries back from this.
    """
    nodes = root.css(query)
    end = len(nodes)
    start = 0
    while start < end:
        node = nodes[start]
        mem_id = node.mem_id
        stop = start + 1
        while stop < end and nodes[stop].mem_id == mem_id:
            stop += 1
        yield node, stop - start
        start = stop


def node_text(node: LexborNode, *, separator: str = " ") -> str:
    """The node's text with whitespace collapsed."""
    return " ".join(node.text(deep=True, separator=separator).split())


def decompose_all(nodes: Iterable[LexborNode]) -> int:
    """Remove the nodes and their subtrees; return how many went."""
    removed = 0
    for node in nodes:
        node.decompose()
        removed += 1
    return removed


def iter_elements(root: LexborNode) -> Iterator[LexborNode]:
    """Pre-order walk over the element nodes under ``root`` (``root`` included)."""
    yield from root.traverse(include_text=False)


def flatten_deep_nesting(root: LexborNode, *, max_depth: int) -> int:
    """Unwrap elements nested deeper than ``max_depth``; return how many were unwrapped.

    Pathological nesting (thousands of divs) otherwise exhausts the depth limits of the
    tree builders that run after lexbor (libxml2 stops at 256 levels).
    """
    deep: list[LexborNode] = []
    stack: list[tuple[LexborNode, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        child = node.child
        while child is not None:
            if child.is_element_node:
                if depth + 1 > max_depth:
                    deep.append(child)
                stack.append((child, depth + 1))
            child = child.next
    # innermost first, so unwrapping one never detaches another still to be visited
    for node in reversed(deep):
        node.unwrap()
    return len(deep)


_CONTAINERS = (
    "div",
    "span",
    "section",
    "article",
    "font",
    "blockquote",
    "ul",
    "ol",
    "table",
    "main",
    "aside",
    "header",
    "footer",
    "nav",
    "b",
    "i",
    "em",
    "strong",
    "u",
    "small",
    "center",
    "a",
)
_CONTAINER_TAG = re.compile(rf"<(/?)(?:{'|'.join(_CONTAINERS)})\b[^>]*>", re.IGNORECASE)
# Lexbor's tree builder is quadratic in nesting depth (20,000 levels: about a second; 200,000:
# minutes). Pages with this many container tags get their depth checked before parsing.
# lexbor's tree builder is quadratic in depth: 3,000 nested divs parse in ~14 ms, 10,000 in
# ~150 ms, 40,000 in ~3 s. Pages with fewer container tags than this cannot nest deeper.
MANY_CONTAINER_TAGS = 10_000


def count_container_tags(html: str) -> int:
    """A cheap upper bound on how many container elements ``html`` opens.

    One pass counts every tag; only pages with many tags pay for the finer count.
    """
    tags = html.count("<")
    if tags <= MANY_CONTAINER_TAGS:
        return tags
    return html.count("<div") + html.count("<DIV") + html.count("<span") + html.count("<a ")


def flatten_text_nesting(html: str, *, max_depth: int) -> tuple[str, int]:
    """Drop container tags nested deeper than ``max_depth``, before parsing.

    Returns the new markup and how many tags went. Text is kept; only the wrapping goes.
    """
    pieces: list[str] = []
    depth = 0
    last = 0
    removed = 0
    for match in _CONTAINER_TAG.finditer(html):
        closing = match.group(1) == "/"
        self_closing = match.group(0).endswith("/>")
        deep = depth >= max_depth if not closing else depth > max_depth
        if not closing and not self_closing:
            depth += 1
        elif closing and depth > 0:
            depth -= 1
        if deep:
            pieces.append(html[last : match.start()])
            last = match.end()
            removed += 1
    if not removed:
        return html, 0
    pieces.append(html[last:])
    return "".join(pieces), removed
