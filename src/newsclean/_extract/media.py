"""The body's images and links, read from the chosen body container after the body stage.

A small pass of its own over the container node (not a part of the body writer): the writer
decides which text is the story, and this pass reads what the story carries.

- **Images**: every ``<img>`` under the container, its URL made absolute against the page's
  URL (and ``<base href>``), lazy-loading attributes (``data-src``, ``srcset``, ...) read when
  ``src`` is a placeholder; ``alt``; the caption is the ``<figcaption>`` of the ``<figure>``
  around it. Tracking pixels, ``data:`` URIs, images inside the container's furniture
  (``aside``, ``nav``, ``footer``, forms) and teaser thumbnails (an image that links to
  another page, outside a figure) are left out; each URL is listed once.
- **Links**: every ``<a href>`` under the container whose text is part of the body text the
  writer kept: a link in a share bar, an aside or a related-stories list the writer pruned
  is not in the body, and so not in the list. In-page anchors and ``javascript:`` links are
  left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urljoin

from newsclean._dom import LexborHTMLParser, LexborNode
from newsclean._record import Image, Link
from newsclean._text.normalize import normalize_text

__all__ = ["base_url", "body_images", "body_links", "body_media"]

# Furniture inside a container: what is under these is not the story's.
_FURNITURE = frozenset({"aside", "nav", "footer", "form", "button", "header", "menu"})
# Attributes lazy-loading scripts keep the real image URL in, most common first.
_LAZY_SRC = ("data-src", "data-lazy-src", "data-original", "data-url", "data-hi-res-src")
_LAZY_SRCSET = ("srcset", "data-srcset", "data-lazy-srcset")
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?)(?:[?#]|$)", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"(?:^data:|blank\.|spacer\.|pixel\.|placeholder|1x1\.)", re.IGNORECASE)
_SKIPPED_SCHEMES = ("javascript:", "data:", "about:", "#")
_WORD = re.compile(r"\w+")
# Past this many links in a container, labels are checked against the body's words first.
_MANY_LINKS = 50


def _clean(text: str | None) -> str:
    """Text as the body's is: entities, NFC, invisible characters, one space."""
    return " ".join(normalize_text(text).split()) if text else ""


def _url(value: str | None) -> str:
    """An attribute holding a URL: lexbor has decoded its entities; spaces around go."""
    return value.strip() if value else ""


def base_url(tree: LexborHTMLParser, url: str | None) -> str | None:
    """The URL relative links resolve against: ``<base href>`` (itself against ``url``)."""
    head = tree.head
    base = head.css_first("base[href]") if head is not None else None
    href = _url(base.attributes.get("href")) if base is not None else ""
    if href and not href.startswith(_SKIPPED_SCHEMES):
        return urljoin(url, href) if url else href
    return url


def _absolute(base: str | None, href: str) -> str:
    if not base or (href.startswith(("https://", "http://")) and "/." not in href):
        return href  # what urljoin would give back, without its parse (5 µs a link)
    return urljoin(base, href)


def _inside(node: LexborNode, container: LexborNode) -> tuple[bool, LexborNode | None, str | None]:
    """(under furniture, the ``<figure>`` around ``node``, the ``href`` of the link around it),
    looking up to ``container``."""
    figure: LexborNode | None = None
    href: str | None = None
    current = node.parent
    stop = container.mem_id
    while current is not None:
        tag = current.tag
        if tag in _FURNITURE:
            return True, figure, href
        if tag == "figure" and figure is None:
            figure = current
        elif tag == "a" and href is None:
            href = _url(current.attributes.get("href"))
        if current.mem_id == stop:
            break
        current = current.parent
    return False, figure, href


def _srcset_best(srcset: str) -> str:
    """The widest candidate of a ``srcset`` (the last one when no widths are given)."""
    best, best_width = "", -1.0
    for candidate in srcset.split(","):
        parts = candidate.split()
        if not parts:
            continue
        width = 0.0
        if len(parts) > 1 and parts[1][:-1].replace(".", "", 1).isdigit():
            width = float(parts[1][:-1])
        if width >= best_width:
            best, best_width = parts[0], width
    return best


def _image_src(attributes: dict[str, str | None]) -> str:
    src = _url(attributes.get("src"))
    if src and not _PLACEHOLDER.search(src):
        return src
    for name in _LAZY_SRC:
        value = _url(attributes.get(name))
        if value and not value.startswith("data:"):
            return value
    for name in _LAZY_SRCSET:
        value = _srcset_best(attributes.get(name) or "")
        if value and not value.startswith("data:"):
            return value
    return "" if src.startswith("data:") else src


def _is_pixel(attributes: dict[str, str | None]) -> bool:
    for name in ("width", "height"):
        value = (attributes.get(name) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) <= 2:
            return True
    return False


def body_images(container: LexborNode | None, base: str | None) -> tuple[Image, ...]:
    """The images of the body container, in document order, each URL once."""
    if container is None:
        return ()
    images: list[Image] = []
    seen: set[str] = set()
    for node in container.css("img"):
        attributes = node.attributes  # one dict from lexbor per image: it copies every value
        src = _image_src(attributes)
        if not src or _is_pixel(attributes):
            continue
        furniture, figure, link = _inside(node, container)
        if furniture:
            continue
        if figure is None and link and not _IMAGE_FILE.search(link):
            continue  # a thumbnail that leads to another page: a teaser, not the story's
        src = _absolute(base, src)
        if src in seen:
            continue
        seen.add(src)
        caption = None
        if figure is not None:
            figcaption = figure.css_first("figcaption")
            if figcaption is not None:
                caption = _clean(figcaption.text(deep=True, separator=" ")) or None
        alt = _clean(attributes.get("alt")) or None
        images.append(Image(src=src, alt=alt, caption=caption))
    return tuple(images)


def _find(flat: str, label: str, cursor: int, words: set[str] | None) -> int:
    """Where ``label`` is in ``flat``, searched from ``cursor`` on first; -1 when nowhere."""
    if words is not None and not words.issuperset(_WORD.findall(label)):
        return -1
    at = flat.find(label, cursor)
    if at < 0 and cursor:
        at = flat.find(label, 0, cursor + len(label))
    return at


def body_links(
    container: LexborNode | None, base: str | None, body_text: str | Sequence[str]
) -> tuple[Link, ...]:
    """The links of the body container whose text is in the body, in document order."""
    if container is None:
        return ()
    nodes = container.css("a[href]")
    # the body text as it is (its blocks' spaces are normalised already; a copy of a long
    # page's text would cost its size again): a link's text lies within one line of it
    flat = body_text if isinstance(body_text, str) else "\n".join(body_text)
    if not nodes or not flat:
        return ()
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    # many links (a long page's, or a listing's) against a long text: a label whose words
    # are not all words of the body is not in it, found without a search of the whole text
    words = set(_WORD.findall(flat)) if len(nodes) > _MANY_LINKS else None
    cursor = 0  # the body's links come in the body's order: search on from the last one
    for node in nodes:
        href = _url(node.attributes.get("href"))
        if not href or href.lower().startswith(_SKIPPED_SCHEMES):
            continue
        raw = node.text(deep=True, separator=" ")
        label = " ".join(raw.split())
        if not label:
            continue
        at = _find(flat, label, cursor, words)
        if at < 0:
            if raw.isascii() and "&" not in raw:
                continue
            label = _clean(raw)  # entities, NFC, invisible characters: as the body's text
            at = _find(flat, label, cursor, words) if label else -1
            if at < 0:
                continue
        cursor = at + len(label)
        href = _absolute(base, href)
        if (href, label) not in seen:
            seen.add((href, label))
            links.append(Link(href=href, text=label))
    return tuple(links)


def body_media(
    tree: LexborHTMLParser, container: LexborNode | None, url: str | None, body_text: str
) -> tuple[tuple[Image, ...], tuple[Link, ...]]:
    """The images and links of ``container`` (``None``: no body, none of either)."""
    if container is None:
        return (), ()
    base = base_url(tree, url)
    return body_images(container, base), body_links(container, base, body_text)
