"""The asyncio fetcher: :class:`AsyncFetcher`, :func:`afetch` and :func:`ascrape`.

It mirrors :mod:`newsclean._fetch.sync` step for step with awaitable calls; the decisions on each
response live in :mod:`newsclean._fetch.core` and are shared.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable, Iterable
from dataclasses import replace
from types import TracebackType

import httpx

from newsclean._api import clean_html
from newsclean._errors import ConnectError, FetchError, RobotsDisallowed, StatusError
from newsclean._fetch.core import (
    HTTPX_ERRORS,
    Deadline,
    FetchCore,
    Final,
    Redirect,
    build_async_retrying,
    origin_of,
)
from newsclean._fetch.errors import map_httpx_error
from newsclean._fetch.netguard import addresses_of, lookup_args
from newsclean._fetch.network import Scope, scope_var
from newsclean._fetch.options import FetchOptions, check_fetch_options, check_url, not_a_url
from newsclean._fetch.page import FetchResult, Page
from newsclean._fetch.politeness import HostScheduler
from newsclean._fetch.robots import ROBOTS_MAX_BYTES, RobotsRules, robots_url, rules_from_response
from newsclean._options import Options, check_clean_options
from newsclean._record import Article

__all__ = ["AsyncFetcher", "afetch", "ascrape"]

_ROBOTS_REDIRECTS = 5
_END = object()
#: URLs parked per global slot while their host is busy (bounds memory on one-host batches).
_LOOKAHEAD_PER_SLOT = 10


class AsyncFetcher:
    """The asyncio twin of :class:`newsclean.Fetcher`: one ``httpx.AsyncClient`` pool.

    ::

        async with newsclean.AsyncFetcher() as fetcher:
            page = await fetcher.fetch("https://example.com/news/1")
            async for result in fetcher.afetch_many(urls):
                ...

    Robots.txt rules, per-host pacing and limits are shared by every task using the fetcher.

    Args:
        options: how to fetch; defaults to :class:`FetchOptions()`.
        transport: an httpx async transport to send requests through.
        sleep: the coroutine function that waits between retries and between requests to one
            host; tests pass one that records instead of sleeping.
    """

    def __init__(
        self,
        *,
        options: FetchOptions | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.options = check_fetch_options(options)
        if transport is not None and not isinstance(transport, httpx.AsyncBaseTransport):
            raise TypeError(
                f"transport must be an httpx.AsyncBaseTransport, not {type(transport).__name__}"
            )
        if not callable(sleep):
            raise TypeError(f"sleep must be callable, not {type(sleep).__name__}")
        self._core = FetchCore(self.options)
        custom = transport is not None
        self._client = httpx.AsyncClient(
            transport=transport if custom else self._core.async_transport(),
            **self._core.client_kwargs(custom_transport=custom),
        )
        self._sleep = sleep
        self._retrying = build_async_retrying(self.options.retry, sleep=sleep)
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> AsyncFetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def fetch(self, url: str) -> Page:
        """Fetch one page, retrying as the retry policy says.

        Args:
            url: an http or https URL.

        Returns:
            The page, decoded.

        Raises:
            FetchError: the page could not be fetched; the subclasses are those of
                :meth:`newsclean.Fetcher.fetch`.
            TypeError: ``url`` is not a str.
        """
        check_url(url)
        started = time.monotonic()
        attempts = 0
        scope = Scope()
        reset = scope_var.set(scope)

        async def attempt() -> Page:
            nonlocal attempts
            attempts += 1
            scope.deadline = Deadline(self.options.total_timeout_s)
            return await self._attempt(url, started, scope.deadline)

        try:
            page: Page = await self._retrying.copy()(attempt)
        finally:
            scope_var.reset(reset)
        return replace(page, attempts=attempts)

    async def afetch_many(
        self, urls: Iterable[str] | AsyncIterable[str]
    ) -> AsyncGenerator[FetchResult, None]:
        """Fetch many pages concurrently; yield each result as it completes.

        At most ``options.limits.max_concurrency`` requests run at once, and at most
        ``options.limits.max_per_host`` against one host; a URL whose host is busy waits
        aside without holding a slot, so other hosts go ahead. One bad URL never stops the
        others: its result is the :class:`FetchError` naming it. Closing the
        generator cancels the work still running; to leave the loop early, wrap it in
        ``contextlib.aclosing`` (or call ``aclose()``), since ``break`` alone leaves an async
        generator open until it is garbage-collected. An item that is not a str (a ``None``,
        a ``Path``) gets a :class:`FetchError` row (``url`` is its ``repr``); the items after
        it are fetched.

        Args:
            urls: the URLs, a plain or an async iterable, consumed lazily.

        Yields:
            A :class:`Page` or a :class:`FetchError` per URL, in completion order.
        """
        limits = self.options.limits
        schedule = HostScheduler(
            limit=limits.max_concurrency,
            per_host=limits.max_per_host,
            lookahead=_LOOKAHEAD_PER_SLOT * limits.max_concurrency,
        )
        next_url = _url_source(urls)
        exhausted = False
        pending: dict[asyncio.Task[FetchResult], str] = {}

        def start(url: str) -> None:
            pending[asyncio.create_task(self._fetch_or_error(url))] = url

        try:
            while True:
                while not exhausted and schedule.can_accept():
                    item = await next_url()
                    if item is _END:
                        exhausted = True
                    elif not isinstance(item, str):
                        yield not_a_url(item)
                    elif schedule.offer(item):
                        start(item)
                if not pending:
                    return
                done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    for ready in schedule.finished(pending.pop(task)):
                        start(ready)
                    yield task.result()
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _fetch_or_error(self, url: str) -> FetchResult:
        try:
            return await self.fetch(url)
        except FetchError as exc:
            return exc

    # -- one attempt -------------------------------------------------------------------------

    async def _attempt(self, url: str, started: float, deadline: Deadline) -> Page:
        core = self._core
        try:
            target = core.parse_url(url)
            seen: dict[str, int] = {str(target): 1}
            redirects: list[str] = []
            while True:
                step = await self._hop(
                    target,
                    original=url,
                    deadline=deadline,
                    html=True,
                    max_bytes=self.options.max_bytes,
                )
                if isinstance(step, Final):
                    return core.make_page(url, target, step, redirects=redirects, started=started)
                redirects.append(str(target))
                target = core.next_hop(step.target, seen, redirects, original=url)
        except HTTPX_ERRORS as exc:
            raise map_httpx_error(exc, url=url, deadline=deadline) from exc

    async def _check_address(self, target: httpx.URL, *, original: str) -> None:
        guard = self._core.guard
        if not guard.needs_lookup(target, original=original):
            if not guard.allow_private:
                guard.check_cached(target, original=original)
            return
        host, port = lookup_args(target)
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (OSError, UnicodeError) as exc:
            raise ConnectError(f"cannot resolve {host}: {exc}", url=original) from exc
        guard.check_resolved(target, addresses_of(infos), original=original)  # type: ignore[arg-type]

    def _host_slot(self, host: str) -> asyncio.Semaphore:
        slot = self._host_slots.get(host)
        if slot is None:
            slot = self._host_slots[host] = asyncio.Semaphore(self.options.limits.max_per_host)
        return slot

    async def _hop(
        self, target: httpx.URL, *, original: str, deadline: Deadline, html: bool, max_bytes: int
    ) -> Redirect | Final:
        core = self._core
        await self._check_address(target, original=original)
        rules = (
            await self._robots_for(target, original=original, deadline=deadline) if html else None
        )
        entry = core.conditional(target, html=html)
        host = target.host  # pacing and limits are per host, whatever the port
        queued = time.monotonic()
        async with self._host_slot(host):
            if html:
                pause = core.pacer.reserve(host, core.interval_for(rules))
                if pause > 0:
                    await self._sleep(pause)
            deadline.extend(time.monotonic() - queued)
            request = self._client.build_request(
                "GET",
                target,
                headers=entry.conditional_headers() if entry else None,
                timeout=core.timeout_for(deadline, url=original),
            )
            response = await self._client.send(request, stream=True)
            try:
                step = core.classify(
                    response, target, original=original, entry=entry, html=html, max_bytes=max_bytes
                )
                if step is not None:
                    return step
                reader = core.body_reader(
                    response, original=original, max_bytes=max_bytes, truncate=not html
                )
                async for raw in response.aiter_raw():
                    if not reader.feed(raw):
                        break
                    core.timeout_for(deadline, url=original)
                return core.finish_body(
                    response, target, reader.finish(), original=original, html=html
                )
            finally:
                await response.aclose()

    async def _robots_for(
        self, target: httpx.URL, *, original: str, deadline: Deadline
    ) -> RobotsRules | None:
        if not self.options.respect_robots:
            return None
        origin = origin_of(target)
        rules = self._core.robots.get(origin)
        if rules is None:
            lock = self._robots_locks.setdefault(origin, asyncio.Lock())
            async with lock:
                rules = self._core.robots.get(origin)
                if rules is None:
                    rules = await self._load_robots(origin, original=original, deadline=deadline)
                    self._core.robots.put(origin, rules)
        if not rules.allowed(str(target), self.options.robots_token):
            raise RobotsDisallowed(f"robots.txt of {origin} disallows {target}", url=original)
        return rules

    async def _load_robots(self, origin: str, *, original: str, deadline: Deadline) -> RobotsRules:
        target = httpx.URL(robots_url(origin))
        for _ in range(_ROBOTS_REDIRECTS + 1):
            try:
                step = await self._hop(
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


def _url_source(urls: Iterable[str] | AsyncIterable[str]) -> Callable[[], Awaitable[object]]:
    """One ``next`` for all workers, over a plain or an async iterable; ``_END`` at the end."""
    if isinstance(urls, AsyncIterable):
        iterator = urls.__aiter__()
        lock = asyncio.Lock()

        async def next_async() -> object:
            async with lock:
                try:
                    return await iterator.__anext__()
                except StopAsyncIteration:
                    return _END

        return next_async
    plain = iter(urls)

    async def next_plain() -> object:
        return next(plain, _END)

    return next_plain


async def afetch(url: str, *, options: FetchOptions | None = None) -> Page:
    """Fetch one page with a short-lived :class:`AsyncFetcher` (the twin of :func:`fetch`).

    Args:
        url: an http or https URL.
        options: how to fetch; defaults to :class:`FetchOptions()`.

    Returns:
        The page.

    Raises:
        FetchError: the page could not be fetched.
        TypeError: ``url`` is not a str, or ``options`` not a :class:`FetchOptions`.
    """
    check_url(url)
    async with AsyncFetcher(options=options) as fetcher:
        return await fetcher.fetch(url)


async def ascrape(
    url: str,
    *,
    fetcher: AsyncFetcher | None = None,
    options: Options | None = None,
    fetch_options: FetchOptions | None = None,
) -> Article:
    """Fetch a page and clean it into an :class:`Article` (the twin of :func:`scrape`).

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
    if fetcher is not None and not isinstance(fetcher, AsyncFetcher):
        raise TypeError(f"fetcher must be a newsclean.AsyncFetcher, not {type(fetcher).__name__}")
    if fetcher is not None:
        page = await fetcher.fetch(url)
    else:
        page = await afetch(url, options=fetch_options)
    return clean_html(
        page.content, url=page.final_url, options=options, content_type=page.content_type
    )
