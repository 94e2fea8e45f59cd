"""Finding articles: feeds (RSS, Atom, JSON Feed) and sitemaps, read through the fetcher.

:func:`discover` starts from feed, sitemap or ``robots.txt`` URLs and returns the article
URLs they list, normalised, de-duplicated and filtered, each with what its entry says about
it (published date, title, authors, language). Every document is fetched with
:meth:`newsclean.Fetcher.fetch_document`, so the address guard, robots.txt, pacing, retries
and size bounds hold as for pages.

The parsers are plain functions on bytes (:func:`parse_feed`, :func:`parse_sitemap`,
:func:`sitemaps_in_robots`), shared with the Scrapy spider (:mod:`newsclean.scrapy`), which
fetches with Scrapy instead.

Sitemaps are read with lxml's ``iterparse`` (entities off, no network, each ``<url>`` freed
once read); ``benchmarks/sitemap_parsers.py`` measures it against ultimate-sitemap-parser.
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urldefrag, urljoin, urlsplit

from newsclean._errors import DiscoveryError, FetchError, NewscleanError, OptionsError
from newsclean._record import Article

if TYPE_CHECKING:
    from newsclean._fetch.options import FetchOptions
    from newsclean._fetch.sync import Fetcher

__all__ = [
    "SITEMAP_MAX_BYTES",
    "Discovered",
    "Discovery",
    "Filters",
    "SitemapDocument",
    "discover",
    "merge_entries",
    "normalize_url",
    "parse_date",
    "parse_feed",
    "parse_sitemap",
    "sitemaps_in_robots",
    "sniff_document",
]

#: The sitemaps.org limit on one (uncompressed) sitemap file.
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
#: Sitemap indexes nest at most this deep (the protocol allows one level; sites do more).
MAX_SITEMAP_DEPTH = 4
#: At most this many feed and sitemap documents are read per call.
MAX_DOCUMENTS = 1000

Source = Literal["feed", "sitemap"]
DocumentKind = Literal["feed", "sitemap", "robots", "html"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Discovered:
    """One article URL found in a feed or a sitemap, with what its entry says about it.

    Attributes:
        url: the article's URL, normalised (see :func:`normalize_url`).
        source: ``"feed"`` or ``"sitemap"``.
        found_in: the URL of the feed or sitemap that listed it.
        title: the entry's title (a feed item's, a news sitemap's ``<news:title>``).
        authors: the entry's authors (feeds only).
        published: the entry's publication date (a feed item's, ``<news:publication_date>``).
        modified: when the entry last changed (a feed's ``updated``, a sitemap's
            ``<lastmod>``).
        language: the entry's language (a feed's, ``<news:language>``).
    """

    url: str
    source: Source
    found_in: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | date | None = None
    modified: datetime | date | None = None
    language: str | None = None

    def fill(self, article: Article) -> Article:
        """Fill the article's empty title, authors and dates from this entry.

        The page's own metadata always wins; each value taken from the entry is recorded
        in ``article.provenance`` with the source ``"feed"`` or ``"sitemap"``.

        >>> entry = Discovered(url="https://e.com/a", source="feed", found_in="https://e.com/rss",
        ...                    title="Feed title", published=date(2024, 5, 1))
        >>> filled = entry.fill(Article(title="Page title"))
        >>> filled.title, filled.published, filled.provenance.published
        ('Page title', datetime.date(2024, 5, 1), 'feed')
        """
        update: dict[str, Any] = {}
        origin: dict[str, Any] = {}
        if not article.title and self.title:
            update["title"] = origin["title"] = self.title
        if not article.authors and self.authors:
            update["authors"] = self.authors
            origin["authors"] = self.authors
        if article.published is None and self.published is not None:
            update["published"] = origin["published"] = self.published
        if article.modified is None and self.modified is not None:
            update["modified"] = origin["modified"] = self.modified
        if not update:
            return article
        update["provenance"] = article.provenance.model_copy(
            update=dict.fromkeys(origin, self.source)
        )
        return article.model_copy(update=update)

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON-ready values (dates as ISO 8601 strings)."""
        return {
            "url": self.url,
            "source": self.source,
            "found_in": self.found_in,
            "title": self.title,
            "authors": list(self.authors),
            "published": _iso(self.published),
            "modified": _iso(self.modified),
            "language": self.language,
        }


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True, slots=True, kw_only=True)
class Filters:
    """Which discovered entries to keep.

    Attributes:
        since: keep entries published (or, without a publication date, modified) on or
            after this; entries with no date at all are kept.
        until: keep entries dated on or before this (same rules).
        path: a regular expression searched in the URL's path (``"/news/"``,
            ``r"/20\\d\\d/"``).
        language: keep entries in this language (``"en"`` matches ``"en-GB"``); entries
            that do not say are kept (the record's own ``language`` can be checked later).
        max_urls: keep at most this many (the first ones found).
    """

    since: datetime | date | None = None
    until: datetime | date | None = None
    path: str | None = None
    language: str | None = None
    max_urls: int | None = None
    _path_re: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.path is not None:
            try:
                object.__setattr__(self, "_path_re", re.compile(self.path))
            except re.error as exc:
                raise OptionsError(f"bad path pattern {self.path!r}: {exc}") from exc

    def keeps(self, entry: Discovered) -> bool:
        """Tell whether ``entry`` passes the filters (``max_urls`` aside)."""
        if self._path_re is not None and not self._path_re.search(urlsplit(entry.url).path):
            return False
        if self.language and entry.language and not language_matches(entry.language, self.language):
            return False
        when = entry.published if entry.published is not None else entry.modified
        if when is not None:
            if self.since is not None and _before(when, self.since):
                return False
            if self.until is not None and _before(self.until, when):
                return False
        return True

    def keeps_sitemap(self, lastmod: datetime | date | None) -> bool:
        """A child sitemap last changed before ``since`` lists nothing newer: skip it."""
        return lastmod is None or self.since is None or not _before(lastmod, self.since)


def language_matches(value: str, wanted: str) -> bool:
    """``"en-GB"`` matches ``"en"``; case and ``_`` versus ``-`` do not matter.

    >>> language_matches("en_GB", "en"), language_matches("de", "en")
    (True, False)
    """
    have = value.strip().lower().replace("_", "-")
    want = wanted.strip().lower().replace("_", "-")
    return have == want or have.startswith(want + "-") or want.startswith(have + "-")


def _comparable(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)


def _before(a: datetime | date, b: datetime | date) -> bool:
    """``a`` is earlier than ``b``; a plain date compares as its whole day."""
    if not isinstance(a, datetime) or not isinstance(b, datetime):
        day_a = a.date() if isinstance(a, datetime) else a
        day_b = b.date() if isinstance(b, datetime) else b
        return day_a < day_b
    return _comparable(a) < _comparable(b)


# -- URLs ------------------------------------------------------------------------------------


def normalize_url(url: str, base: str | None = None) -> str | None:
    """Return the URL to fetch for an entry, or ``None`` when it is not an http(s) URL.

    Relative URLs are resolved against ``base``; courlan lower-cases the host, drops default
    ports and tracking parameters (``utm_*``, ``fbclid``, ...) and sorts the query; the
    fragment is dropped. Two entries with the same normalised URL are one article.

    >>> normalize_url("HTTPS://Example.com:443/news/1?utm_source=rss&id=2#top")
    'https://example.com/news/1?id=2'
    >>> normalize_url("/a", "https://example.com/feed"), normalize_url("mailto:x@y.z")
    ('https://example.com/a', None)
    """
    import courlan

    text = url.strip()
    if not text:
        return None
    if base is not None and not text.lower().startswith(("http://", "https://")):
        text = urljoin(base, text)
    if not text.lower().startswith(("http://", "https://")) or len(text) < 9:
        return None
    try:
        normal: str = courlan.normalize_url(text)
    except (ValueError, TypeError):  # courlan raises on malformed ports and hosts
        return None
    return urldefrag(normal)[0]


def merge_entries(entries: Iterable[Discovered]) -> list[Discovered]:
    """De-duplicate by URL, keeping the first entry's values and filling its gaps from later ones.

    A URL listed by a sitemap (with a date) and a feed (with a title and authors) gets both.
    """
    merged: dict[str, Discovered] = {}
    for entry in entries:
        first = merged.get(entry.url)
        if first is None:
            merged[entry.url] = entry
            continue
        gaps: dict[str, Any] = {}
        for name in ("title", "published", "modified", "language"):
            if getattr(first, name) is None and getattr(entry, name) is not None:
                gaps[name] = getattr(entry, name)
        if not first.authors and entry.authors:
            gaps["authors"] = entry.authors
        if gaps:
            merged[entry.url] = replace(first, **gaps)
    return list(merged.values())


# -- dates -----------------------------------------------------------------------------------

_DAY_ONLY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
# the W3C profile of ISO 8601 that sitemaps and JSON feeds use, read without dateutil (a
# third of a large sitemap's parse time went to isoparse)
_W3C = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?"
    r"\s*(?:([Zz])|([+-])(\d{2}):?(\d{2}))?\s*$"
)


def parse_date(text: str | None) -> datetime | date | None:
    """Read a W3C / ISO 8601 date (sitemaps) into a ``datetime``, or a ``date`` for a day.

    >>> parse_date("2024-05-01"), parse_date("2024-05-01T10:00:00Z")
    (datetime.date(2024, 5, 1), datetime.datetime(2024, 5, 1, 10, 0, tzinfo=datetime.timezone.utc))
    >>> parse_date("2024-05-01T10:00+02:00").utcoffset()
    datetime.timedelta(seconds=7200)
    >>> parse_date("yesterday") is None
    True
    """
    if not text or not text.strip():
        return None
    try:
        day = _DAY_ONLY.match(text)
        if day:
            return date(int(day[1]), int(day[2]), int(day[3]))
        w3c = _W3C.match(text)
        if w3c:
            year, month, mday, hour, minute, second, fraction, utc, sign, tzh, tzm = w3c.groups()
            zone = None
            if utc:
                zone = timezone.utc
            elif sign:
                offset = timedelta(hours=int(tzh), minutes=int(tzm))
                zone = timezone(-offset if sign == "-" else offset)
            return datetime(
                int(year),
                int(month),
                int(mday),
                int(hour),
                int(minute),
                int(second or 0),
                int((fraction or "0").ljust(6, "0")),
                tzinfo=zone,
            )
        from dateutil.parser import isoparse

        return isoparse(text.strip())
    except (ValueError, OverflowError):
        return None


def _struct_to_datetime(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=timezone.utc)
    except ValueError:
        return None


# -- feeds -----------------------------------------------------------------------------------


def parse_feed(data: bytes, *, url: str, content_type: str | None = None) -> list[Discovered]:
    """Read the article entries of an RSS, Atom or JSON feed.

    RSS and Atom are read by feedparser; JSON Feed (which feedparser 6.0 does not read) by
    a few lines here. Relative links are resolved against ``url``.

    Raises:
        DiscoveryError: the document is not a feed.
    """
    head = data[:1024].lstrip()
    if head.startswith((b"{", b"\xef\xbb\xbf{")):
        return _parse_json_feed(data, url=url)
    import feedparser

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise DiscoveryError(f"not an RSS or Atom feed{f': {reason}' if reason else ''}", url=url)
    feed_language = parsed.feed.get("language")
    entries = []
    for item in parsed.entries:
        link = normalize_url(item.get("link") or "", url)
        if link is None:
            continue
        authors = tuple(
            name
            for name in ((author.get("name") or "").strip() for author in item.get("authors") or ())
            if name
        )
        if not authors and item.get("author"):
            authors = (str(item["author"]).strip(),)
        title = (item.get("title") or "").strip() or None
        language = (item.get("title_detail") or {}).get("language") or feed_language
        entries.append(
            Discovered(
                url=link,
                source="feed",
                found_in=url,
                title=title,
                authors=authors,
                # dict.get: FeedParserDict maps a missing "updated" to "published" (with a
                # warning); an RSS pubDate is not a modification date
                published=_struct_to_datetime(dict.get(item, "published_parsed")),
                modified=_struct_to_datetime(dict.get(item, "updated_parsed")),
                language=language or None,
            )
        )
    return entries


def _parse_json_feed(data: bytes, *, url: str) -> list[Discovered]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DiscoveryError(f"not a JSON feed: {exc}", url=url) from exc
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise DiscoveryError("not a JSON feed: no items list", url=url)
    feed_language = document.get("language") if isinstance(document.get("language"), str) else None
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        raw = item.get("url") or item.get("external_url")
        link = normalize_url(raw, url) if isinstance(raw, str) else None
        if link is None:
            continue
        people = item.get("authors") or ([item["author"]] if item.get("author") else [])
        authors = tuple(
            person["name"].strip()
            for person in people
            if isinstance(person, dict) and isinstance(person.get("name"), str)
            if person["name"].strip()
        )
        title = item.get("title")
        entries.append(
            Discovered(
                url=link,
                source="feed",
                found_in=url,
                title=title.strip() or None if isinstance(title, str) else None,
                authors=authors,
                published=_json_date(item.get("date_published")),
                modified=_json_date(item.get("date_modified")),
                language=item.get("language") or feed_language,
            )
        )
    return entries


def _json_date(value: object) -> datetime | date | None:
    return parse_date(value) if isinstance(value, str) else None


# -- sitemaps --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SitemapDocument:
    """What one sitemap file lists: article entries, or child sitemaps (an index)."""

    entries: list[Discovered]
    sitemaps: list[tuple[str, datetime | date | None]]


def _children(element: Any) -> dict[str, Any]:
    """The element's children by lower-cased local name (the first of each name)."""
    found: dict[str, Any] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str):  # not a comment or processing instruction
            found.setdefault(tag[tag.rfind("}") + 1 :].lower(), child)
    return found


def _text(element: Any) -> str | None:
    if element is None:
        return None
    text = element.text
    if not isinstance(text, str):
        return None
    text = text.strip()
    return text or None


def parse_sitemap(data: bytes, *, url: str) -> SitemapDocument:
    """Read one sitemap file: a ``<urlset>``, a ``<sitemapindex>`` or a plain list of URLs.

    News sitemap extensions give ``<news:publication_date>``, ``<news:title>`` and
    ``<news:language>``; ``<lastmod>`` gives ``modified``. Namespaces are matched by local
    name, as many sitemaps get them wrong.

    Raises:
        DiscoveryError: the document is neither XML nor a list of URLs.
    """
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return _parse_text_sitemap(data, url=url)
    from lxml import etree

    root = _root_name(data)
    if root not in ("urlset", "sitemapindex"):
        raise DiscoveryError(f"not a sitemap: the root element is <{root or '?'}>", url=url)
    entries: list[Discovered] = []
    sitemaps: list[tuple[str, datetime | date | None]] = []
    index = root == "sitemapindex"
    try:
        for _, element in etree.iterparse(
            io.BytesIO(data),
            events=("end",),
            tag="{*}sitemap" if index else "{*}url",  # in any namespace, or none
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            recover=True,
        ):
            if index:
                fields = _children(element)
                loc = normalize_url(_text(fields.get("loc")) or "", url)
                if loc is not None:
                    sitemaps.append((loc, parse_date(_text(fields.get("lastmod")))))
            else:
                entry = _url_entry(element, url)
                if entry is not None:
                    entries.append(entry)
            element.clear()
            parent = element.getparent()
            if parent is not None:  # drop the rows already read
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        if not entries and not sitemaps:
            raise DiscoveryError(f"not a sitemap: {exc}", url=url) from exc
    return SitemapDocument(entries, sitemaps)


_ELEMENT = re.compile(rb"<([A-Za-z_][\w:.-]*)")


def _root_name(data: bytes) -> str:
    """The local name of the document's first element (after the XML declaration,
    comments and a doctype), lower-cased."""
    match = _ELEMENT.search(data, 0, 64 * 1024)
    if match is None:
        return ""
    return match.group(1).decode("ascii", "replace").rsplit(":", 1)[-1].lower()


def _url_entry(element: Any, base: str) -> Discovered | None:
    fields = _children(element)
    loc = normalize_url(_text(fields.get("loc")) or "", base)
    if loc is None:
        return None
    title = language = None
    published: datetime | date | None = None
    news = fields.get("news")
    if news is not None:
        story = _children(news)
        published = parse_date(_text(story.get("publication_date")))
        title = _text(story.get("title"))
        publication = story.get("publication")
        if publication is not None:
            language = _text(_children(publication).get("language"))
    return Discovered(
        url=loc,
        source="sitemap",
        found_in=base,
        title=title,
        published=published,
        modified=parse_date(_text(fields.get("lastmod"))),
        language=language,
    )


def _parse_text_sitemap(data: bytes, *, url: str) -> SitemapDocument:
    text = data.decode("utf-8", errors="replace")
    entries = []
    for line in text.splitlines():
        link = normalize_url(line, url) if line.strip().lower().startswith("http") else None
        if link is not None:
            entries.append(Discovered(url=link, source="sitemap", found_in=url))
    if not entries and text.strip():
        raise DiscoveryError("not a sitemap: neither XML nor a list of URLs", url=url)
    return SitemapDocument(entries, [])


def sitemaps_in_robots(data: bytes, *, url: str) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt file, resolved against its URL.

    >>> sitemaps_in_robots(b"User-agent: *\\nSitemap: /news.xml\\n", url="https://e.com/robots.txt")
    ['https://e.com/news.xml']
    """
    found = []
    for line in data.decode("utf-8", errors="replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap":
            link = normalize_url(value.split("#", 1)[0], url)
            if link is not None:
                found.append(link)
    return list(dict.fromkeys(found))


def sniff_document(data: bytes, *, url: str, content_type: str | None = None) -> DocumentKind:
    """Tell a sitemap from a feed (or a web page) by its first element or JSON.

    >>> sniff_document(b'<?xml version="1.0"?><urlset>', url="https://e.com/s.xml")
    'sitemap'
    >>> sniff_document(b"<rss version='2.0'>", url="https://e.com/feed")
    'feed'
    """
    if urlsplit(url).path.lower().endswith("/robots.txt"):
        return "robots"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "feed"
    lowered = head.lower()
    for match in re.finditer(rb"<([a-z][\w:.-]*)", lowered):
        name = match.group(1).rsplit(b":", 1)[-1]
        if name in (b"urlset", b"sitemapindex"):
            return "sitemap"
        if name in (b"rss", b"feed", b"rdf", b"channel"):
            return "feed"
        if name in (b"html", b"head", b"body", b"!doctype"):
            return "html"
        if name != b"?xml":
            break
    if not head.startswith(b"<"):
        return "sitemap"  # a plain-text sitemap
    media = (content_type or "").lower()
    return "feed" if ("rss" in media or "atom" in media) else "sitemap"


def feeds_in_html(data: bytes, *, url: str) -> list[str]:
    """The feeds a web page links to (``<link rel="alternate" type="application/rss+xml">``)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(data.decode("utf-8", errors="replace"))
    found = []
    for node in tree.css("link[rel][href]"):
        rel = (node.attributes.get("rel") or "").lower().split()
        kind = (node.attributes.get("type") or "").lower()
        if "alternate" in rel and kind in _FEED_TYPES:
            link = normalize_url(node.attributes.get("href") or "", url)
            if link is not None:
                found.append(link)
    return list(dict.fromkeys(found))


_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json"}
)


# -- the walk --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Discovery:
    """What :func:`discover` found: the entries to fetch, and the documents that failed.

    Attributes:
        entries: the article URLs with their entries, normalised, de-duplicated, filtered,
            in the order found.
        errors: a :class:`FetchError` or :class:`DiscoveryError` per feed or sitemap that
            could not be read (``error.url`` names it); the others were still read.
        documents: the URLs of the feeds and sitemaps read.
    """

    entries: tuple[Discovered, ...]
    errors: tuple[FetchError | DiscoveryError, ...] = ()
    documents: tuple[str, ...] = ()

    @property
    def urls(self) -> list[str]:
        return [entry.url for entry in self.entries]

    def by_url(self) -> dict[str, Discovered]:
        return {entry.url: entry for entry in self.entries}


def discover(
    urls: str | Sequence[str],
    *,
    kind: Literal["auto", "feed", "sitemap"] = "auto",
    fetcher: Fetcher | None = None,
    fetch_options: FetchOptions | None = None,
    since: datetime | date | None = None,
    until: datetime | date | None = None,
    path: str | None = None,
    language: str | None = None,
    max_urls: int | None = None,
    max_bytes: int = SITEMAP_MAX_BYTES,
) -> Discovery:
    """Find the articles that feeds and sitemaps list.

    Each URL may be a feed (RSS, Atom, JSON Feed), a sitemap (a ``<urlset>``, an index, a
    ``.xml.gz`` file, a list of URLs), a ``robots.txt`` (its ``Sitemap:`` lines are read)
    or, with ``kind="auto"``, a web page whose ``<link rel="alternate">`` feeds are read.
    Indexes are followed (at most four levels, each file once). A document that fails is
    reported in ``errors`` and the others are still read.

    Example::

        found = newsclean.discover("https://example.com/robots.txt")
        for entry in found.entries:
            print(entry.url, entry.published)

    Args:
        urls: one URL or several.
        kind: ``"feed"`` or ``"sitemap"`` to say what the URLs are (``robots.txt`` URLs are
            always read for their sitemaps); ``"auto"`` tells by the document.
        fetcher: a :class:`newsclean.Fetcher` to fetch with (its robots.txt rules and host
            pacing then carry on to the pages); without one a fetcher is opened with
            ``fetch_options``.
        fetch_options: how to fetch when no ``fetcher`` is given.
        since: keep entries dated on or after this (entries without a date are kept;
            child sitemaps whose ``<lastmod>`` is older are not read).
        until: keep entries dated on or before this.
        path: a regular expression searched in each URL's path.
        language: keep entries in this language (``"en"`` matches ``"en-GB"``); entries
            that do not say are kept.
        max_urls: stop once this many URLs are found.
        max_bytes: the largest feed or sitemap, after decompression (default: the
            sitemaps.org limit of 50 MB).

    Returns:
        A :class:`Discovery`: ``entries`` to fetch and ``errors`` naming what failed.
    """
    from newsclean._fetch.sync import Fetcher

    starts = [urls] if isinstance(urls, str) else list(urls)
    filters = Filters(since=since, until=until, path=path, language=language, max_urls=max_urls)
    walk = _Walk(filters, max_bytes=max_bytes)
    if fetcher is not None:
        walk.run(fetcher, starts, kind)
    else:
        with Fetcher(options=fetch_options) as own:
            walk.run(own, starts, kind)
    return walk.result()


class _Walk:
    def __init__(self, filters: Filters, *, max_bytes: int) -> None:
        self.filters = filters
        self.max_bytes = max_bytes
        self.found: list[Discovered] = []
        self.errors: list[FetchError | DiscoveryError] = []
        self.documents: list[str] = []
        self.seen: set[str] = set()
        self.kept: set[str] = set()

    def run(self, fetcher: Fetcher, starts: list[str], kind: str) -> None:
        queue: list[tuple[str, str, int]] = []
        for start in starts:
            url = normalize_url(start)
            if url is None:
                self.errors.append(DiscoveryError(f"not an http(s) URL: {start!r}", url=start))
                continue
            queue.append((url, kind, 0))
        for url, want, depth in _drain(queue):
            if url in self.seen or len(self.documents) >= MAX_DOCUMENTS:
                continue
            self.seen.add(url)
            try:
                queue.extend(self._read(fetcher, url, want, depth))
            except (FetchError, DiscoveryError) as exc:
                self.errors.append(exc)
            except NewscleanError as exc:  # a decode or parse failure of this document
                self.errors.append(DiscoveryError(str(exc), url=url))
            if self._full():
                return

    def _full(self) -> bool:
        limit = self.filters.max_urls
        return limit is not None and len(self.kept) >= limit

    def _read(
        self, fetcher: Fetcher, url: str, want: str, depth: int
    ) -> list[tuple[str, str, int]]:
        if urlsplit(url).path.lower().endswith("/robots.txt"):
            self.documents.append(url)
            return [(link, "sitemap", depth) for link in fetcher.robots_sitemaps(url)]
        page = fetcher.fetch_document(url, max_bytes=self.max_bytes)
        self.documents.append(url)
        base = page.final_url
        content_type = page.content_type
        found = sniff_document(page.content, url=base, content_type=content_type)
        if found == "html":
            if want != "auto":
                raise DiscoveryError(f"a web page, not a {want}", url=url)
            return [(link, "feed", depth) for link in feeds_in_html(page.content, url=base)]
        if want == "feed" or (want == "auto" and found == "feed"):
            self._keep(parse_feed(page.content, url=base, content_type=content_type))
            return []
        if found == "feed":  # sitemaps.org allows RSS and Atom feeds as sitemaps
            self._keep(
                replace(entry, source="sitemap")
                for entry in parse_feed(page.content, url=base, content_type=content_type)
            )
            return []
        document = parse_sitemap(page.content, url=base)
        self._keep(document.entries)
        if document.sitemaps and depth >= MAX_SITEMAP_DEPTH:
            raise DiscoveryError(f"sitemap indexes nested deeper than {MAX_SITEMAP_DEPTH}", url=url)
        return [
            (child, "sitemap", depth + 1)
            for child, lastmod in document.sitemaps
            if self.filters.keeps_sitemap(lastmod)
        ]

    def _keep(self, entries: Iterable[Discovered]) -> None:
        for entry in entries:
            if self.filters.keeps(entry):
                self.found.append(entry)
                self.kept.add(entry.url)

    def result(self) -> Discovery:
        entries = merge_entries(self.found)
        if self.filters.max_urls is not None:
            entries = entries[: self.filters.max_urls]
        return Discovery(tuple(entries), tuple(self.errors), tuple(self.documents))


def _drain(queue: list[tuple[str, str, int]]) -> Iterator[tuple[str, str, int]]:
    """Yield from a list that grows while it is read (breadth first)."""
    index = 0
    while index < len(queue):
        yield queue[index]
        index += 1
