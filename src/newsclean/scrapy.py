"""Scrapy integration: an item pipeline, :func:`article_from_response`, and :class:`NewsSpider`.

Install with ``pip install 'newsclean[scrapy]'``. Inside Scrapy, Scrapy fetches (its
robots.txt middleware, AutoThrottle, HTTP cache, retries and redirects apply as configured);
newsclean's own fetcher is not used. See ``docs/scrapy.md``.

- :func:`article_from_response` cleans one Scrapy response into an :class:`newsclean.Article`.
- :class:`ArticlePipeline` turns items that carry a response (``item["response"]``) or a
  body (``item["body"]`` with ``item["url"]``) into article items, off the reactor thread.
  Failures and empty bodies are counted in the crawl's stats (``newsclean/...``), logged,
  and the item dropped (``DropItem``, Scrapy's own way to drop an item): nothing else is
  raised into the engine.
- :class:`NewsSpider` starts from feed and sitemap URLs (``robots.txt`` too) and yields an
  item per article, so ``scrapy runspider`` with a few settings is a news crawler.

Settings (all optional):

``NEWSCLEAN_ENABLED`` (``True``)
    Set to ``False`` to turn the pipeline off.
``NEWSCLEAN_OPTIONS`` (``{}``)
    Keyword arguments of :class:`newsclean.Options`.
``NEWSCLEAN_THREADED`` (``True``)
    Clean in the reactor's thread pool (``deferToThread``; its size is
    ``REACTOR_THREADPOOL_MAXSIZE``), so downloads go on while a page is cleaned.
``NEWSCLEAN_DROP_EMPTY`` (``True``)
    Drop items whose page has no article body (counted in ``newsclean/empty``); with
    ``False`` they go on with an empty ``text`` and a warning in ``warnings``.
``NEWSCLEAN_ERROR_ITEMS`` (``False``)
    Instead of dropping an item that failed, pass on ``{"url": ..., "error": {"stage": ...,
    "kind": ..., "message": ...}}`` (the shape of ``newsclean fetch`` rows).
``NEWSCLEAN_RESPONSE_FIELD`` / ``NEWSCLEAN_BODY_FIELD`` / ``NEWSCLEAN_URL_FIELD`` /
``NEWSCLEAN_CONTENT_TYPE_FIELD`` (``"response"`` / ``"body"`` / ``"url"`` / ``"content_type"``)
    Where the pipeline looks for the page in an item. Items with neither a response nor a
    body pass through untouched (``newsclean/skipped``).
``NEWSCLEAN_SITEMAP_MAXSIZE`` (50 MB)
    :class:`NewsSpider`: the largest sitemap, after a ``.gz`` file is inflated.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

try:
    import scrapy  # noqa: F401  (a clear error when the extra is missing)
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("newsclean.scrapy needs Scrapy: pip install 'newsclean[scrapy]'") from exc

from itemadapter import ItemAdapter
from scrapy import Request, Spider, signals
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from newsclean._api import clean_html
from newsclean._decode import maybe_gunzip
from newsclean._errors import DiscoveryError, NewscleanError, NotHTML
from newsclean._fetch.body import check_content_type, sniff_non_html
from newsclean._fetch.discover import (
    MAX_SITEMAP_DEPTH,
    SITEMAP_MAX_BYTES,
    Discovered,
    Filters,
    parse_date,
    parse_feed,
    parse_sitemap,
    sitemaps_in_robots,
    sniff_document,
)
from newsclean._options import Options
from newsclean._record import Article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

__all__ = ["ArticlePipeline", "NewsSpider", "article_from_response"]

logger = logging.getLogger(__name__)

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: The item field :class:`NewsSpider` puts a page's feed or sitemap entry in.
ENTRY_FIELD = "newsclean_entry"
_PIPELINE = "newsclean.scrapy.ArticlePipeline"


def _header_text(value: bytes | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value


def article_from_response(response: Response, *, options: Options | None = None) -> Article:
    """Clean a Scrapy response into an :class:`newsclean.Article`.

    The body is decoded as :func:`newsclean.clean_html` decodes bytes (BOM, the response's
    ``Content-Type`` charset, ``<meta charset>``, detection); ``url`` is the response's URL.

    Raises:
        NotHTML: the response is a PDF, an image or another type that is not HTML.
        DecodeError: the body is corrupt gzip data.
        NoContentError: no body was found and ``options.raise_on_empty`` is set.
    """
    content_type = _header_text(response.headers.get(b"Content-Type"))
    return _clean(response.body, response.url, content_type, options)


def _clean(body: bytes, url: str, content_type: str | None, options: Options | None) -> Article:
    check_content_type(content_type, accepted=_HTML_TYPES, url=url)
    sniffed = sniff_non_html(body)
    if sniffed is not None:
        raise NotHTML(f"not HTML: the body is {sniffed}", url=url, content_type=sniffed)
    return clean_html(body, url=url, options=options, content_type=content_type)


class ArticlePipeline:
    """Turn items that carry a page into article items (see the module's settings).

    The output item is a ``dict``: the input's other fields, then the article's fields
    (``Article.to_dict()``: JSON-ready, so every feed exporter writes it as is). The
    response or body fields are not kept.

    Stats: ``newsclean/articles`` (items cleaned), ``newsclean/empty`` (no body found),
    ``newsclean/errors`` and ``newsclean/errors/<ErrorType>`` (``NotHTML``, ...),
    ``newsclean/skipped`` (items with no page).
    """

    def __init__(
        self,
        crawler: Crawler,
        *,
        options: Options | None = None,
        threaded: bool = True,
        drop_empty: bool = True,
        error_items: bool = False,
        fields: dict[str, str] | None = None,
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.options = options
        self.threaded = threaded
        self.drop_empty = drop_empty
        self.error_items = error_items
        self.fields = {
            "response": "response",
            "body": "body",
            "url": "url",
            "content_type": "content_type",
            **(fields or {}),
        }

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticlePipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSCLEAN_ENABLED", True):
            raise NotConfigured("NEWSCLEAN_ENABLED is off")
        raw = settings.get("NEWSCLEAN_OPTIONS") or {}
        try:
            options = raw if isinstance(raw, Options) else Options(**dict(raw))
        except (TypeError, NewscleanError) as exc:
            raise NotConfigured(f"bad NEWSCLEAN_OPTIONS: {exc}") from exc
        return cls(
            crawler,
            options=options,
            threaded=settings.getbool("NEWSCLEAN_THREADED", True),
            drop_empty=settings.getbool("NEWSCLEAN_DROP_EMPTY", True),
            error_items=settings.getbool("NEWSCLEAN_ERROR_ITEMS", False),
            fields={
                key: settings.get(f"NEWSCLEAN_{key.upper()}_FIELD", key)
                for key in ("response", "body", "url", "content_type")
            },
        )

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        adapter = ItemAdapter(item)
        page = self._page(adapter)
        if page is None:
            self._inc("newsclean/skipped")
            return item
        body, url, content_type = page
        entry = adapter.get(ENTRY_FIELD)
        try:
            if self.threaded:
                article = await maybe_deferred_to_future(
                    deferToThread(_clean, body, url, content_type, self.options)
                )
            else:
                article = _clean(body, url, content_type, self.options)
        except Exception as exc:  # never into the engine: counted, logged, dropped
            return self._failed(item, url, exc)
        if isinstance(entry, Discovered):
            article = entry.fill(article)
        if not article.text:
            self._inc("newsclean/empty")
            reason = "; ".join(article.warnings) or "no article body"
            if self.drop_empty:  # Scrapy logs the drop (WARNING) and counts it
                raise DropItem(f"newsclean: no article body in {url} ({reason})")
            logger.warning("newsclean: no article body in %s (%s)", url, reason)
        else:
            self._inc("newsclean/articles")
        return self._output(adapter, article)

    def _page(self, adapter: ItemAdapter) -> tuple[bytes, str, str | None] | None:
        fields = self.fields
        response = adapter.get(fields["response"])
        if isinstance(response, Response):
            content_type = _header_text(response.headers.get(b"Content-Type"))
            return response.body, response.url, content_type
        body = adapter.get(fields["body"])
        if isinstance(body, (bytes, str)) and body:
            data = body.encode("utf-8") if isinstance(body, str) else body
            url = adapter.get(fields["url"])
            return data, str(url) if url else "", _header_text(adapter.get(fields["content_type"]))
        return None

    def _output(self, adapter: ItemAdapter, article: Article) -> dict[str, Any]:
        fields = self.fields
        page = {fields["response"], fields["body"], fields["content_type"], ENTRY_FIELD}
        out = {key: value for key, value in adapter.items() if key not in page}
        out.update(article.to_dict())
        return out

    def _failed(self, item: Any, url: str, exc: Exception) -> Any:
        kind = type(exc).__name__
        self._inc("newsclean/errors")
        self._inc(f"newsclean/errors/{kind}")
        if isinstance(exc, NewscleanError):
            logger.warning("newsclean could not clean %s: %s: %s", url, kind, exc)
        else:  # a bug: say so loudly, still without stopping the crawl
            logger.error("newsclean failed on %s", url, exc_info=exc)
        if self.error_items:
            return {"url": url, "error": {"stage": "clean", "kind": kind, "message": str(exc)}}
        raise DropItem(f"newsclean: {kind} on {url}: {exc}")

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


def _split(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part) for part in value]


def _date_arg(value: datetime | date | str | None) -> datetime | date | None:
    if value is None or isinstance(value, (datetime, date)):
        return value
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError(f"not an ISO 8601 date: {value!r}")
    return parsed


class NewsSpider(Spider):
    """A ready news crawler: feeds and sitemaps in, one article item per page out.

    Start URLs come from spider arguments (comma-separated) or class attributes::

        scrapy runspider -a feeds=https://example.com/rss.xml \\
            -a sitemaps=https://example.com/robots.txt -o articles.jsonl spider.py

    ``sitemaps`` may be sitemaps, sitemap indexes, ``.xml.gz`` files or ``robots.txt`` URLs
    (their ``Sitemap:`` lines are read). Filters: ``since``, ``until`` (ISO dates),
    ``path`` (a regular expression on the URL path), ``language``, ``max_urls``. A URL
    listed twice is requested once. Each page's entry (title, authors, dates) is offered to
    its record as a fallback, recorded in ``provenance``.

    The spider enables :class:`ArticlePipeline` and, unless the project or the command line
    says otherwise, ``ROBOTSTXT_OBEY`` and ``AUTOTHROTTLE_ENABLED``.

    Stats: ``newsclean/documents/feed``, ``newsclean/documents/sitemap``,
    ``newsclean/documents/robots``, ``newsclean/document_errors`` (a feed or sitemap that
    could not be read), ``newsclean/discovered`` (article requests), and
    ``newsclean/fetch_errors`` with ``newsclean/fetch_errors/<reason>`` for pages Scrapy
    could not fetch: ``http_404``, ``http_500``, ``robots``, ``redirect_loop``, or the
    exception's name.
    """

    name = "newsclean"
    feed_urls: Sequence[str] = ()
    sitemap_urls: Sequence[str] = ()

    def __init__(
        self,
        name: str | None = None,
        *,
        feeds: str | Sequence[str] | None = None,
        sitemaps: str | Sequence[str] | None = None,
        since: datetime | date | str | None = None,
        until: datetime | date | str | None = None,
        path: str | None = None,
        language: str | None = None,
        max_urls: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, **kwargs)
        self.feed_urls = _split(feeds) if feeds is not None else list(self.feed_urls)
        self.sitemap_urls = _split(sitemaps) if sitemaps is not None else list(self.sitemap_urls)
        self.filters = Filters(
            since=_date_arg(since),
            until=_date_arg(until),
            path=path,
            language=language,
            max_urls=int(max_urls) if max_urls is not None else None,
        )
        self._requested: set[str] = set()

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # defaults that a project's settings.py or -s still override: the priority Scrapy
        # gives add-ons, below "project" (and above "default", which Scrapy re-applies)
        settings.set("ROBOTSTXT_OBEY", True, priority="addon")
        settings.set("AUTOTHROTTLE_ENABLED", True, priority="addon")
        pipelines = settings.getdict("ITEM_PIPELINES")
        if _PIPELINE not in pipelines:
            pipelines[_PIPELINE] = 300
            settings.set("ITEM_PIPELINES", pipelines, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._dropped, signal=signals.request_dropped)
        return spider

    # -- start ---------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        for url in self.feed_urls:
            yield self._document(url, "feed", 0)
        for url in self.sitemap_urls:
            yield self._document(url, "sitemap", 0)

    def _document(self, url: str, kind: str, depth: int) -> Request:
        if kind == "sitemap" and url.lower().split("?", 1)[0].endswith("/robots.txt"):
            kind = "robots"
        return Request(
            url,
            callback=self.parse_document,
            errback=self._document_failed,
            dont_filter=depth == 0,
            meta={"newsclean_kind": kind, "newsclean_depth": depth},
        )

    # -- feeds and sitemaps --------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        return self.parse_document(response)

    def parse_document(self, response: Response) -> Iterator[Any]:
        """Read a feed, sitemap or robots.txt; request what it lists."""
        kind = response.meta.get("newsclean_kind", "sitemap")
        depth = int(response.meta.get("newsclean_depth", 0))
        try:
            yield from self._read_document(response, kind, depth)
        except NewscleanError as exc:
            self._inc("newsclean/document_errors")
            logger.warning("newsclean could not read %s %s: %s", kind, response.url, exc)

    def _read_document(self, response: Response, kind: str, depth: int) -> Iterator[Any]:
        url = response.url
        self._inc(f"newsclean/documents/{kind}")
        if kind == "robots":
            for link in sitemaps_in_robots(response.body, url=url):
                yield self._document(link, "sitemap", depth)
            return
        limit = self.settings.getint("NEWSCLEAN_SITEMAP_MAXSIZE", SITEMAP_MAX_BYTES)
        body = maybe_gunzip(response.body, max_bytes=limit)
        content_type = _header_text(response.headers.get(b"Content-Type"))
        found = sniff_document(body, url=url, content_type=content_type)
        if found == "html":
            raise DiscoveryError(f"a web page, not a {kind}", url=url)
        if kind == "feed" or found == "feed":
            entries: Iterable[Discovered] = parse_feed(body, url=url, content_type=content_type)
            yield from self._articles(entries, source="feed" if kind == "feed" else "sitemap")
            return
        document = parse_sitemap(body, url=url)
        yield from self._articles(document.entries, source="sitemap")
        if document.sitemaps and depth >= MAX_SITEMAP_DEPTH:
            raise DiscoveryError(f"sitemap indexes nested deeper than {MAX_SITEMAP_DEPTH}", url=url)
        for child, lastmod in document.sitemaps:
            if self.filters.keeps_sitemap(lastmod):
                yield self._document(child, "sitemap", depth + 1)

    def _articles(self, entries: Iterable[Discovered], *, source: str) -> Iterator[Request]:
        limit = self.filters.max_urls
        for entry in entries:
            if entry.source != source:  # a feed read as a sitemap (sitemaps.org allows it)
                entry = replace(entry, source=source)  # type: ignore[arg-type]
            if entry.url in self._requested or not self.filters.keeps(entry):
                continue
            if limit is not None and len(self._requested) >= limit:
                return
            self._requested.add(entry.url)
            self._inc("newsclean/discovered")
            yield Request(
                entry.url,
                callback=self.parse_article,
                errback=self._article_failed,
                cb_kwargs={"entry": entry},
                meta={"newsclean_article": True},
            )

    # -- articles ------------------------------------------------------------------------

    def parse_article(self, response: Response, entry: Discovered | None = None) -> Any:
        """Yield the page for :class:`ArticlePipeline` to clean (with its entry)."""
        yield {"response": response, ENTRY_FIELD: entry}

    def _article_failed(self, failure: Failure) -> None:
        exc = failure.value
        if isinstance(exc, HttpError):
            reason = f"http_{exc.response.status}"
        elif isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc):
            reason = "robots"
        else:
            reason = type(exc).__name__
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        self._fetch_error(reason, url, exc)

    def _document_failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        self._inc("newsclean/document_errors")
        logger.warning(
            "newsclean could not fetch %s: %s",
            request.url if request is not None else "a document",
            failure.getErrorMessage(),
        )

    def _dropped(self, request: Request, spider: Spider | None = None) -> None:
        if spider not in (None, self) or not request.meta.get("newsclean_article"):
            return
        # a redirect that comes back to a URL already requested: the dupefilter drops it
        reason = "redirect_loop" if request.meta.get("redirect_times") else "duplicate"
        self._fetch_error(reason, request.url, None)

    def _fetch_error(self, reason: str, url: str, exc: BaseException | None) -> None:
        self._inc("newsclean/fetch_errors")
        self._inc(f"newsclean/fetch_errors/{reason}")
        logger.warning(
            "newsclean: no article from %s (%s)%s", url, reason, f": {exc}" if exc else ""
        )

    def _inc(self, key: str) -> None:
        stats = self.crawler.stats if hasattr(self, "crawler") else None
        if stats is not None:
            stats.inc_value(key)
