"""``newsclean fetch --feed URL --sitemap URL``: the discovery options of ``fetch``.

The feeds and sitemaps are read with the same :class:`newsclean.Fetcher` as the pages
(robots.txt, pacing, the address guard), their article URLs join the URLs given, and each
record gets its entry's title, authors and dates where the page has none. A feed or sitemap
that fails is a row of its own (stage ``discover``).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import TYPE_CHECKING

from newsclean._errors import DiscoveryError, FetchError, OptionsError
from newsclean._record import ErrorInfo, Result

if TYPE_CHECKING:  # imported when used: they load httpx, which cleaning never needs
    from newsclean._fetch.discover import Discovered, Discovery
    from newsclean._fetch.sync import Fetcher

__all__ = ["add_arguments", "discover_urls", "fill_result", "merge_urls", "wanted"]


def _day_or_time(text: str) -> datetime | date:
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date: {text!r}") from exc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("discovery (feeds and sitemaps)")
    group.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="URL",
        help="an RSS, Atom or JSON feed: fetch the articles it lists (repeatable)",
    )
    group.add_argument(
        "--sitemap",
        action="append",
        default=[],
        metavar="URL",
        help="a sitemap, sitemap index, .xml.gz or robots.txt: fetch what it lists (repeatable)",
    )
    group.add_argument(
        "--since", type=_day_or_time, metavar="DATE", help="only entries dated on or after"
    )
    group.add_argument(
        "--until", type=_day_or_time, metavar="DATE", help="only entries dated on or before"
    )
    group.add_argument("--path", metavar="REGEX", help="only URLs whose path matches")
    group.add_argument("--language", metavar="LANG", help="only entries in this language")
    group.add_argument("--max-urls", type=int, metavar="N", help="at most N discovered URLs")


def wanted(args: argparse.Namespace) -> bool:
    """Whether the command line asks for discovery."""
    return bool(args.feed or args.sitemap)


def discover_urls(args: argparse.Namespace, fetcher: Fetcher) -> tuple[Discovery, list[Result]]:
    """Read the feeds and sitemaps; return what was found and a row per document that failed.

    Raises:
        OptionsError: a filter is invalid (a bad ``--path`` pattern).
    """
    from newsclean._fetch.discover import Discovery, discover

    if args.max_urls is not None and args.max_urls < 1:
        raise OptionsError("--max-urls must be at least 1")
    common = {
        "fetcher": fetcher,
        "since": args.since,
        "until": args.until,
        "path": args.path,
        "language": args.language,
        "max_urls": args.max_urls,
    }
    parts = [
        discover(args.feed, kind="feed", **common) if args.feed else None,
        discover(args.sitemap, kind="sitemap", **common) if args.sitemap else None,
    ]
    entries: dict[str, Discovered] = {}
    errors: list[FetchError | DiscoveryError] = []
    documents: list[str] = []
    for part in parts:
        if part is None:
            continue
        for entry in part.entries:
            entries.setdefault(entry.url, entry)
        errors.extend(part.errors)
        documents.extend(part.documents)
    found = list(entries.values())
    if args.max_urls is not None:
        found = found[: args.max_urls]
    rows = [
        Result(
            source=error.url,
            error=ErrorInfo(stage="discover", kind=type(error).__name__, message=str(error)),
        )
        for error in errors
    ]
    return Discovery(tuple(found), tuple(errors), tuple(documents)), rows


def merge_urls(given: list[str], found: Discovery) -> list[str]:
    """The URLs given, then the discovered ones not among them (compared normalised)."""
    from newsclean._fetch.discover import normalize_url

    have = {normalize_url(url) or url for url in given}
    return given + [url for url in found.urls if url not in have]


def fill_result(result: Result, entries: dict[str, Discovered]) -> Result:
    """Offer the entry's metadata to the record of a discovered URL."""
    entry = entries.get(result.source)
    if entry is None or result.article is None:
        return result
    return result.model_copy(update={"article": entry.fill(result.article)})
