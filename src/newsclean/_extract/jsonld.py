"""JSON-LD: parse every ``application/ld+json`` block and pick the article object."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

__all__ = ["ARTICLE_TYPES", "find_article_object", "iter_jsonld_objects", "parse_jsonld"]

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "livebglogposting",
        "liveblogposting",
        "scholarlyarticle",
        "techarticle",
        "socialmediaposting",
        "report",
        "medicalwebpage",
        "posting",
        "discussionforumposting",
        "askpublicnewsarticle",
        "review",
        "recipe",
        "howto",
        "satiricalarticle",
    }
)
_PAGE_TYPES = frozenset({"webpage", "itempage", "aboutpage", "faqpage", "collectionpage"})


def parse_jsonld(raw: str) -> list[Any]:
    """Parse one JSON-LD script body; tolerant of control characters and trailing junk."""
    raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip()
    if raw.endswith(";"):
        raw = raw[:-1]
    if not raw:
        return []
    try:
        data = json.loads(raw, strict=False)
    except ValueError:
        try:
            data, _ = json.JSONDecoder(strict=False).raw_decode(raw)
        except ValueError:
            return []
    return data if isinstance(data, list) else [data]


def iter_jsonld_objects(items: list[Any], *, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document, flattening arrays and ``@graph``."""
    if depth > 6:
        return
    for item in items:
        if isinstance(item, list):
            yield from iter_jsonld_objects(item, depth=depth + 1)
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from iter_jsonld_objects(graph, depth=depth + 1)
            main = item.get("mainEntity")
            if isinstance(main, dict | list):
                yield from iter_jsonld_objects([main], depth=depth + 1)


def types_of(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    if isinstance(kind, str):
        return {kind.casefold()}
    if isinstance(kind, list):
        return {k.casefold() for k in kind if isinstance(k, str)}
    return set()


def find_article_object(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The article-typed object (the one with the most fields), else a WebPage object."""
    articles = [o for o in objects if types_of(o) & ARTICLE_TYPES]
    if articles:
        return max(articles, key=lambda o: (bool(o.get("headline")), len(o)))
    pages = [o for o in objects if types_of(o) & _PAGE_TYPES]
    if pages:
        return max(pages, key=len)
    return None
