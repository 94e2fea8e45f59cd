"""The blocking fetcher: :class:`Fetcher`, :func:`fetch` and :func:`scrape`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from types import TracebackType

import httpx

from newsclean._api import clean_html
from newsclean._decode import decode_html, maybe_gunzip
from newsclean._errors import DecodeError, FetchError, RobotsDisallowed, StatusError, TooLarge
from newsclean._fetch.core import (
    HTTPX_ERRORS,
    Deadline,
    FetchCore,
    Final,
    Redirect,
    build_retrying,
    origin_of,
)
from newsclean._fetch.errors import map_httpx_error
from newsclean._fetch.network import CancelToken, Scope, current_scope, scope_var
from newsclean._fetch.options import FetchOptions, check_fetch_options, check_url, not_a_url
from newsclean._fetch.page import FetchResult, Page
from newsclean._fetch.politeness import HostScheduler
from newsclean._fetch.robots import ROBOTS_MAX_BYTES, RobotsRules, robots_url, rules_from_response
from newsclean._options import Options, check_clean_options
from newsclean._record import Article

__all__ = ["Fetcher", "fetch", "scrape"]

_ROBOTS_REDIRECTS = 5
_END = object()
#: URLs parked per global slot while their host is busy (bounds memory on one-host batches).
_LOOKAHEAD_PER_SLOT = 10


class Fetcher:
    """Fetches pages over one connection pool, politely and within bounds.

    Use it as a context manager so the pool is closed::

        with newsclean.Fetcher(options=FetchOptions(max_bytes=5_000_000)) as fetcher:
            page = fetcher.fetch("https://example.com/news/1")
            for result in fetcher.fetch_many(urls):
                if isinstance(result, newsclean.FetchError):
                    print("skipped", result.url, result)

    A fetcher is safe to share between threads; robots.txt rules, per-host pacing and the
    DNS cache are shared by all of them.

    Args:
        options: how to fetch; defaults to :class:`FetchOptions()`.
        transport: an httpx transport to send requests through (a seam for tests and
            custom networking).
        sleep: the function that waits between retries and between requests to one host;
            tests pass one that records instead of sleeping.
    """

    def __init__(
        self,
        *,
        options: FetchOptions | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.options = check_fetch_options(options)
        if transport is not None and not isinstance(transport, httpx.BaseTransport):
            raise TypeError(
                f"transport must be an httpx.BaseTransport, not {type(transport).__name__}"
            )
        if not callable(sleep):
            raise TypeError(f"sleep must be callable, not {type(sleep).__name__}")
        self._core = FetchCore(self.options)
        custom = transport is not None
        self._client = httpx.Client(
            transport=transport if custom else self._core.sync_transport(),
            **self._core.client_kwargs(custom_transport=custom),
        )
        self._sleep = sleep
        self._retrying = build_retrying(self.options.retry, sleep=sleep)
        self._lock = threading.Lock()
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}
        self._robots_locks: dict[str, threading.Lock] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def fetch(self, url: str) -> Page:
        """Fetch one page, retrying as the retry policy says.

        Args:
            url: an http or https URL.

        Returns:
            The page, decoded.

        Raises:
            FetchTimeout: a connect, read or total timeout expired on the last attempt.
            ConnectError: the connection failed or broke off on the last attempt.
            StatusError: the final response had an error status.
            TooLarge: the body passed ``max_bytes`` (after decompression).
            TooManyRedirects: too many redirects, or a redirect loop.
            RobotsDisallowed: robots.txt forbids the URL.
            DisallowedAddress: the scheme is not http(s) or the host is not public.
            NotHTML: the response is a PDF, an image or another non-HTML type.
            FetchError: any other failure; every error names ``url``.
            TypeError: ``url`` is not a str (a ``None``, a ``pathlib.Path``, bytes).
        """
        check_url(url)
        return self._fetch(url, None)

    def _fetch(
        self,
        url: str,
        token: CancelToken | None,
        *,
        html: bool = True,
        max_bytes: int | None = None,
    ) -> Page:
        started = time.monotonic()
        attempts = 0
        scope = Scope(token=token)
        reset = scope_var.set(scope)

        def attempt() -> Page:
            nonlocal attempts
            attempts += 1
            if token is not None and token.cancelled:
                raise FetchError("cancelled: fetch_many was closed", url=url)
            scope.deadline = Deadline(self.options.total_timeout_s)
            return self._attempt(url, started, scope.deadline, html=html, max_bytes=max_bytes)

        try:
            page: Page = self._retrying.copy(sleep=self._pause)(attempt)
        finally:
            scope_var.reset(reset)
        return replace(page, attempts=attempts)

    def fetch_document(self, url: str, *, max_bytes: int | None = None) -> Page:
        """Fetch a document that is not a web page (a feed, a sitemap), as politely as a page.

        The address guard, robots.txt, host pacing, retries and timeouts apply as in
        :meth:`fetch`; the content type is not checked, and a gzip file (a ``.xml.gz``
        sitemap) is inflated within the same bound. ``page.content`` is the document.

        Args:
            url: an http or https URL.
            max_bytes: the largest document, after decompression (default: ``max_bytes``
                of the options).

        Raises:
            FetchError: as :meth:`fetch` (never :class:`NotHTML`); :class:`TooLarge` also
                when a gzip file inflates past the bound.
            TypeError: ``url`` is not a str.
        """
        check_url(url)
        limit = max_bytes if max_bytes is not None else self.options.max_bytes
        page = self._fetch(url, None, html=False, max_bytes=limit)
        try:
            content = maybe_gunzip(page.content, max_bytes=limit)
        except DecodeError as exc:
            if "inflates past" in str(exc):
                raise TooLarge(str(exc), url=url, limit=limit) from exc
            raise FetchError(str(exc), url=url) from exc
        if content is page.content:
            return page
        decoded = decode_html(content, content_type=page.content_type)
        return replace(
            page,
            content=content,
            text=decoded.text,
            encoding=decoded.encoding,
            encoding_source=decoded.source,
        )

    def robots_sitemaps(self, url: str) -> tuple[str, ...]:
        """The ``Sitemap:`` lines of the robots.txt of ``url``'s origin.

        robots.txt is read once per origin and kept with its rules (also when robots.txt is
        not obeyed, the file is still where a site lists its sitemaps).
        """
        check_url(url)
        origin = origin_of(self._core.parse_url(url))
        rules = self._cached_robots(origin, original=url, deadline=None)
        if rules.parser is None:
            return ()
        return tuple(rules.parser.sitemaps)

    def _pause(self, seconds: float) -> None:
        """Sleep between retries or for a host's turn; a closed ``fetch_many`` cuts it short."""
        token = current_scope().token
        if token is not None and self._sleep is time.sleep:
            token.wait(seconds)
        else:
            self._sleep(seconds)

    def fetch_many(self, urls: Iterable[str]) -> Generator[FetchResult, None, None]:
        """Fetch many pages on a thread pool; yield each result as it completes.

        At most ``options.limits.max_concurrency`` requests run at once, and at most
        ``options.limits.max_per_host`` against one host; a URL whose host is busy waits
        aside without holding a slot, so other hosts go ahead. One bad URL never stops the
        others: its result is the :class:`FetchError` (whose ``url`` names it) instead of a
        page; an item that is not a str (a ``None``, a ``Path``) gets a :class:`FetchError`
        row too (``url`` is its ``repr``), and the items after it are fetched. Closing the
        generator early (``break`` in a ``with contextlib.closing(...)`` block, or
        ``close()``) cancels the requests still running: their sockets are shut at once.

        Args:
            urls: the URLs, consumed lazily.

        Yields:
            A :class:`Page` or a :class:`FetchError` per URL, in completion order.
        """
        limits = self.options.limits
        schedule = HostScheduler(
            limit=limits.max_concurrency,
            per_host=limits.max_per_host,
            lookahead=_LOOKAHEAD_PER_SLOT * limits.max_concurrency,
        )
        source = iter(urls)
        exhausted = False
        pending: dict[Future[FetchResult], str] = {}
        token = CancelToken()
        pool = ThreadPoolExecutor(
            max_workers=limits.max_concurrency, thread_name_prefix="newsclean-fetch"
        )

        def start(url: str) -> None:
            pending[pool.submit(self._fetch_or_error, url, token)] = url

        try:
            while True:
                while not exhausted and schedule.can_accept():
                    item = next(source, _END)
                    if item is _END:
                        exhausted = True
                    elif not isinstance(item, str):
                        yield not_a_url(item)
                    elif schedule.offer(item):
                        start(item)
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    for ready in schedule.finished(pending.pop(future)):
                        start(ready)
                    yield future.result()
        finally:
            token.cancel()  # shuts the sockets of the requests still running
            pool.shutdown(wait=not pending, cancel_futures=True)

    def _fetch_or_error(self, url: str, token: CancelToken) -> FetchResult:
        try:
            return self._fetch(url, token)
        except FetchError as exc:
            return exc

    # -- one attempt -------------------------------------------------------------------------

    def _attempt(
        self,
        url: str,
        started: float,
        deadline: Deadline,
        *,
        html: bool = True,
        max_bytes: int | None = None,
    ) -> Page:
        core = self._core
        try:
            target = core.parse_url(url)
            seen: dict[str, int] = {str(target): 1}
            redirects: list[str] = []
            while True:
                step = self._hop(
                    target,
                    original=url,
                    deadline=deadline,
                    html=html,
                    polite=True,
                    max_bytes=self.options.max_bytes if max_bytes is None else max_bytes,
                )
                if isinstance(step, Final):
                    return core.make_page(url, target, step, redirects=redirects, started=started)
                redirects.append(str(target))
                target = core.next_hop(step.target, seen, redirects, original=url)
        except HTTPX_ERRORS as exc:
            raise map_httpx_error(exc, url=url, deadline=deadline) from exc

    def _host_slot(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            slot = self._host_slots.get(host)
            if slot is None:
                slot = threading.BoundedSemaphore(self.options.limits.max_per_host)
                self._host_slots[host] = slot
            return slot

    def _hop(
        self,
        target: httpx.URL,
        *,
        original: str,
        deadline: Deadline,
        html: bool,
        max_bytes: int,
        polite: bool | None = None,
    ) -> Redirect | Final:
        # html: a page (content type checked, cached); polite: robots.txt and pacing apply
        # (pages and documents; robots.txt itself is neither)
        polite = html if polite is None else polite
        core = self._core
        core.guard.check(target, original=original)
        rules = self._robots_for(target, original=original, deadline=deadline) if polite else None
        entry = core.conditional(target, html=html)
        host = target.host  # pacing and limits are per host, whatever the port
        queued = time.monotonic()
        with self._host_slot(host):
            if polite:
                pause = core.pacer.reserve(host, core.interval_for(rules))
                if pause > 0:
                    self._pause(pause)
            deadline.extend(time.monotonic() - queued)
            request = self._client.build_request(
                "GET",
                target,
                headers=entry.conditional_headers() if entry else None,
                timeout=core.timeout_for(deadline, url=original),
            )
            response = self._client.send(request, stream=True)
            try:
                step = core.classify(
                    response, target, original=original, entry=entry, html=html, max_bytes=max_bytes
                )
                if step is not None:
                    return step
                reader = core.body_reader(
                    response, original=original, max_bytes=max_bytes, truncate=not polite
                )
                for raw in response.iter_raw():
                    if not reader.feed(raw):
                        break
                    core.timeout_for(deadline, url=original)
                return core.finish_body(
                    response, target, reader.finish(), original=original, html=html
                )
            finally:
                response.close()

    def _robots_for(
        self, target: httpx.URL, *, original: str, deadline: Deadline
    ) -> RobotsRules | None:
        if not self.options.respect_robots:
            return None
        origin = origin_of(target)
        rules = self._cached_robots(origin, original=original, deadline=deadline)
        if not rules.allowed(str(target), self.options.robots_token):
            raise RobotsDisallowed(f"robots.txt of {origin} disallows {target}", url=original)
        return rules

    def _cached_robots(
        self, origin: str, *, original: str, deadline: Deadline | None
    ) -> RobotsRules:
        """The robots.txt rules of ``origin``, read once per origin however many threads ask.

        Without a ``deadline`` (a call of its own, not part of a page's fetch) the read gets a
        budget of its own, and transport errors come out as newsclean's.
        """
        rules = self._core.robots.get(origin)
        if rules is not None:
            return rules
        with self._lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:
            rules = self._core.robots.get(origin)
            if rules is None:
                if deadline is not None:
                    rules = self._load_robots(origin, original=original, deadline=deadline)
                else:
                    own = Deadline(self.options.total_timeout_s)
                    try:
                        rules = self._load_robots(origin, original=original, deadline=own)
                    except HTTPX_ERRORS as exc:
                        raise map_httpx_error(exc, url=original, deadline=own) from exc
                self._core.robots.put(origin, rules)
        return rules

    def _load_robots(self, origin: str, *, original: str, deadline: Deadline) -> RobotsRules:
        target = httpx.URL(robots_url(origin))
        for _ in range(_ROBOTS_REDIRECTS + 1):
            try:
                step = self._hop(
                    target,
                    original=original,
                    deadline=deadline,
                    html=False,
                    max_bytes=ROBOTS_MAX_BYTES,
                )
            except StatusError as exc:
                return rules_from_response(exc.status, b"")
            if isinstance(step, Final):
                return rules_from_response(step.status, step.body)
            target = step.target
        return rules_from_response(404, b"")  # RFC 9309: too many redirects = unavailable


def fetch(url: str, *, options: FetchOptions | None = None) -> Page:
    """Fetch one page with a short-lived :class:`Fetcher`.

    For more than a handful of pages, open a :class:`Fetcher` once and reuse it: it keeps
    connections, robots.txt rules and per-host pacing between calls.

    Args:
        url: an http or https URL.
        options: how to fetch; defaults to :class:`FetchOptions()`.

    Returns:
        The page.

    Raises:
        FetchError: the page could not be fetched (see :meth:`Fetcher.fetch` for subclasses).
        TypeError: ``url`` is not a str, or ``options`` not a :class:`FetchOptions`.
    """
    check_url(url)
    with Fetcher(options=options) as fetcher:
        return fetcher.fetch(url)


def scrape(
    url: str,
    *,
    fetcher: Fetcher | None = None,
    options: Options | None = None,
    fetch_options: FetchOptions | None = None,
) -> Article:
    """Fetch a page and clean it into an :class:`Article`.

    Args:
        url: an http or https URL.
        fetcher: the fetcher to use; without one a short-lived fetcher is opened with
            ``fetch_options``.
        options: how to clean.
        fetch_options: how to fetch when no ``fetcher`` is given.

    Returns:
        The article, with ``url`` set to the final URL after redirects.

    Raises:
        FetchError: the page could not be fetched.
        TypeError: an argument has the wrong type (checked before any request).
    """
    check_url(url)
    check_clean_options(options)
    if fetcher is not None and not isinstance(fetcher, Fetcher):
        raise TypeError(f"fetcher must be a newsclean.Fetcher, not {type(fetcher).__name__}")
    page = fetcher.fetch(url) if fetcher is not None else fetch(url, options=fetch_options)
    return clean_html(
        page.content, url=page.final_url, options=options, content_type=page.content_type
    )
