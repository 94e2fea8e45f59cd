"""The body stage's shared types, and trafilatura as a body extractor.

:class:`RawBlock` and :class:`BodyResult` are what every extractor returns.
:class:`BodyExtractor` is the seam for extractors that read serialised HTML;
:class:`TrafilaturaBody` runs trafilatura on the DOM the boilerplate stage already cleaned.
newsclean's own extractor (:mod:`newsclean._extract.native`) reads the lexbor tree itself,
so the page is never serialised and parsed again for it.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from newsclean._options import Options
    from newsclean._record import BlockKind

__all__ = ["BodyExtractor", "BodyResult", "RawBlock", "TrafilaturaBody", "text_length"]


def _trafilatura() -> Any:
    """trafilatura, imported on first use: most pages never need it (lxml, courlan, urllib3).

    Its import warns on some installs (urllib3's SOCKS support without PySocks): a warning
    raised in the middle of cleaning a page, under ``-W error``, must not cost the page.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import trafilatura
    return trafilatura


# trafilatura logs every page it finds too short; a library must not print for its caller
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


@dataclass(frozen=True, slots=True)
class RawBlock:
    """A body block before normalisation."""

    kind: BlockKind
    text: str
    level: int | None = None


def text_length(blocks: list[RawBlock]) -> int:
    """Characters of text in ``blocks``: how the extractors' results are compared."""
    return sum(len(b.text) for b in blocks)


@dataclass(frozen=True, slots=True)
class BodyResult:
    """The blocks an extractor found, and which extractor it was."""

    blocks: list[RawBlock]
    extractor: str
    error: str | None = None


class BodyExtractor(Protocol):
    """Turns a cleaned HTML page into ordered body blocks."""

    name: str

    def extract(self, html: str, *, url: str | None, options: Options) -> BodyResult: ...


def _inline_text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _element_text(element: Any) -> str:
    # <lb/> is a line break inside a block; keep it as a newline
    chunks: list[str] = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            chunks.append("\n")
        else:
            chunks.append("".join(child.itertext()))
        chunks.append(child.tail or "")
    lines = ("".join(chunks)).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


def _table_text(element: Any) -> str:
    rows = []
    for row in element.iter("row"):
        cells = [" ".join("".join(c.itertext()).split()) for c in row if c.tag == "cell"]
        if any(cells):
            rows.append(" | ".join(cells))
    return "\n".join(rows)


def blocks_from_tei(body: Any) -> list[RawBlock]:
    """Convert trafilatura's TEI-like body element (head, p, list, quote, table, code)."""
    blocks: list[RawBlock] = []

    def visit(element: Any) -> None:
        tag = element.tag
        if tag == "head":
            rend = element.get("rend") or "h2"
            level = int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else 2
            blocks.append(RawBlock("heading", _inline_text(element), level))
        elif tag == "p":
            blocks.append(RawBlock("paragraph", _element_text(element)))
        elif tag == "list":
            for item in element:
                if item.tag != "item":
                    continue
                nested = [c for c in item if c.tag == "list"]
                for child in nested:
                    item.remove(child)
                blocks.append(RawBlock("list_item", _element_text(item)))
                for child in nested:
                    visit(child)
        elif tag == "quote":
            inner = [c for c in element if c.tag in ("p", "list", "head")]
            if inner:
                text = "\n".join(_element_text(c) for c in inner)
                if element.text and element.text.strip():
                    text = " ".join(element.text.split()) + "\n" + text
            else:
                text = _element_text(element)
            blocks.append(RawBlock("quote", text))
        elif tag == "code":
            blocks.append(RawBlock("code", "".join(element.itertext()).strip("\n")))
        elif tag == "table":
            blocks.append(RawBlock("table", _table_text(element)))
        elif tag in ("div", "body", "main", "article", "section"):
            if element.text and element.text.strip():
                blocks.append(RawBlock("paragraph", " ".join(element.text.split())))
            for child in element:
                visit(child)
                if child.tail and child.tail.strip():
                    blocks.append(RawBlock("paragraph", " ".join(child.tail.split())))
        elif tag in ("graphic", "lb", "ref"):
            return
        else:
            text = _element_text(element)
            if text:
                blocks.append(RawBlock("paragraph", text))

    for child in body:
        visit(child)
    return [b for b in blocks if b.text.strip()]


class TrafilaturaBody:
    """trafilatura's body extraction (with its readability/jusText fallbacks)."""

    name = "trafilatura"

    def extract(self, html: str, *, url: str | None, options: Options) -> BodyResult:
        try:
            return self._extract(html, url=url, options=options)
        except (
            ValueError,
            TypeError,
            AttributeError,
            IndexError,
            KeyError,
            RecursionError,
            UnicodeError,
            LookupError,
        ) as exc:
            # a third-party extractor's bug must not become the caller's crash: the page
            # gets an empty body and a warning instead
            return BodyResult([], self.name, error=f"{type(exc).__name__}: {exc}")

    def _extract(self, html: str, *, url: str | None, options: Options) -> BodyResult:
        trafilatura = _trafilatura()

        document = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=False,
            include_comments=options.include_comments,
            include_tables=options.include_tables,
            include_formatting=False,
            include_images=False,
            include_links=False,
            deduplicate=False,
        )
        body = getattr(document, "body", None)
        if body is None:
            return BodyResult([], self.name)
        return BodyResult(blocks_from_tei(body), self.name)
