"""What the sync and async fetchers share: decisions on responses, retries, politeness state.

Nothing here does I/O on the network; :mod:`newsclean._fetch.sync` and :mod:`newsclean._fetch.aio`
drive the same steps with blocking and awaitable calls::

    check scheme + address (SSRF)  ->  robots.txt  ->  pace host  ->  send (stream; the
      socket goes to the checked address, every socket call within the total budget)
      ->  check peer address  ->  redirect? (loop, limit)  ->  304? (cache)  ->  status
      ->  Content-Type  ->  bounded body  ->  sniff magic  ->  decode  ->  Page
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
)

from newsclean._decode import decode_html
from newsclean._errors import (
    ConnectError,
    FetchError,
    FetchTimeout,
    NotHTML,
    StatusError,
    TooLarge,
    TooManyRedirects,
)
from newsclean._fetch.body import ACCEPT_ENCODING, BodyReader, check_content_type, sniff_non_html
from newsclean._fetch.cache import CacheEntry, DiskCache
from newsclean._fetch.errors import parse_retry_after
from newsclean._fetch.netguard import AddressGuard
from newsclean._fetch.network import (
    AsyncGuardedBackend,
    Deadline,
    GuardedBackend,
    install_backend,
)
from newsclean._fetch.options import FetchOptions, RetryPolicy
from newsclean._fetch.page import Page
from newsclean._fetch.politeness import HostPacer
from newsclean._fetch.robots import RobotsRules, RobotsStore

__all__ = ["Deadline", "FetchCore", "Final", "Redirect", "build_async_retrying", "build_retrying"]

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Exceptions httpx raises besides its ``HTTPError`` family.
HTTPX_ERRORS = (httpx.HTTPError, httpx.InvalidURL, httpx.CookieConflict, httpx.StreamError)


@dataclass(frozen=True, slots=True)
class Redirect:
    """A hop answered with a redirect to ``target``."""

    target: httpx.URL


@dataclass(frozen=True, slots=True)
class Final:
    """A hop answered with the page (or a ``304`` served from the cache)."""

    status: int
    headers: httpx.Headers
    body: bytes
    from_cache: bool = False


def _should_retry(policy: RetryPolicy) -> Callable[[BaseException], bool]:
    def should_retry(exc: BaseException) -> bool:
        if isinstance(exc, StatusError):
            if exc.status not in policy.retry_statuses:
                return False
            return exc.retry_after is None or exc.retry_after <= policy.max_retry_after_s
        if isinstance(exc, FetchTimeout):
            return policy.retry_timeouts
        if isinstance(exc, ConnectError):
            return policy.retry_connect_errors
        return False

    return should_retry


def _waiter(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    # tenacity's wait_exponential_jitter renamed its arguments across 9.x; this is the same
    # formula: initial * 2**(n-1), capped, plus uniform jitter.
    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, StatusError) and exc.retry_after is not None:
            return exc.retry_after
        exponent = max(0, state.attempt_number - 1)
        backoff = min(policy.backoff_max_s, policy.backoff_initial_s * 2.0 ** min(exponent, 60))
        return backoff + (random.uniform(0, policy.jitter_s) if policy.jitter_s else 0.0)

    return wait


def _stopper(policy: RetryPolicy) -> Callable[[RetryCallState], bool]:
    by_attempts = stop_after_attempt(policy.attempts)

    def stop(state: RetryCallState) -> bool:
        if by_attempts(state):
            return True
        # idle_for counts the sleeps asked for, so an injected no-op sleep still hits the cap
        elapsed = max(state.seconds_since_start or 0.0, state.idle_for)
        return elapsed + (state.upcoming_sleep or 0.0) > policy.max_elapsed_s

    return stop


def _retry_kwargs(policy: RetryPolicy) -> dict[str, Any]:
    return {
        "retry": retry_if_exception(_should_retry(policy)),
        "wait": _waiter(policy),
        "stop": _stopper(policy),
        "reraise": True,
    }


def build_retrying(policy: RetryPolicy, *, sleep: Callable[[float], None]) -> Retrying:
    """Build the fetcher's one ``Retrying``; each fetch runs a ``.copy()`` of it."""
    return Retrying(sleep=sleep, **_retry_kwargs(policy))


def build_async_retrying(
    policy: RetryPolicy, *, sleep: Callable[[float], Awaitable[None]]
) -> AsyncRetrying:
    """Build the async fetcher's one ``AsyncRetrying``; each fetch runs a ``.copy()`` of it."""
    return AsyncRetrying(sleep=sleep, **_retry_kwargs(policy))


def origin_of(url: httpx.URL) -> str:
    """``scheme://host[:port]``, the unit robots.txt applies to."""
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


class FetchCore:
    """The state one fetcher keeps across requests, and the decisions on each response."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self.guard = AddressGuard(allow_private=options.allow_private_addresses)
        self.pacer = HostPacer()
        self.robots = RobotsStore()
        self.cache = DiskCache(options.cache_dir) if options.cache_dir is not None else None

    def _limits(self) -> httpx.Limits:
        opts = self.options
        return httpx.Limits(
            max_connections=opts.limits.max_concurrency,
            max_keepalive_connections=opts.limits.max_concurrency,
        )

    def _check_at_connect(self) -> bool:
        # through a proxy the socket goes to the proxy, which resolves the host itself
        return not self.options.allow_private_addresses and self.options.proxy is None

    def sync_transport(self) -> httpx.HTTPTransport:
        """httpx's transport over newsclean's guarded, deadline-keeping network backend."""
        transport = httpx.HTTPTransport(
            limits=self._limits(), proxy=self.options.proxy, trust_env=False
        )
        install_backend(transport, GuardedBackend(self.guard, check=self._check_at_connect()))
        return transport

    def async_transport(self) -> httpx.AsyncHTTPTransport:
        """The async twin of :meth:`sync_transport`."""
        transport = httpx.AsyncHTTPTransport(
            limits=self._limits(), proxy=self.options.proxy, trust_env=False
        )
        install_backend(transport, AsyncGuardedBackend(self.guard, check=self._check_at_connect()))
        return transport

    def client_kwargs(self, *, custom_transport: bool = False) -> dict[str, Any]:
        """Keyword arguments for the ``httpx.Client`` / ``httpx.AsyncClient``.

        Without a ``custom_transport`` the fetcher passes its own (see
        :meth:`sync_transport`), which carries the pool limits and the proxy.
        """
        opts = self.options
        headers = {
            "User-Agent": opts.user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": ACCEPT_ENCODING,
            **dict(opts.headers),
        }
        return {
            "headers": headers,
            "timeout": httpx.Timeout(
                opts.total_timeout_s,
                connect=opts.connect_timeout_s,
                read=opts.read_timeout_s,
                write=opts.read_timeout_s,
            ),
            "follow_redirects": False,
            "trust_env": False,
            **({"limits": self._limits(), "proxy": opts.proxy} if custom_transport else {}),
        }

    def parse_url(self, url: str) -> httpx.URL:
        try:
            return httpx.URL(url)
        except httpx.InvalidURL:
            raise
        except (ValueError, TypeError) as exc:  # a lone surrogate, a NUL in the host, ...
            raise FetchError(f"not a valid URL: {exc}", url=url) from exc

    def timeout_for(self, deadline: Deadline, *, url: str) -> httpx.Timeout:
        """The per-request timeout: the configured ones, cut to what is left of the total."""
        remaining = deadline.at - time.monotonic()
        if remaining <= 0:
            raise FetchTimeout(f"total timeout of {self.options.total_timeout_s}s expired", url=url)
        opts = self.options
        return httpx.Timeout(
            remaining,
            connect=min(opts.connect_timeout_s, remaining),
            read=min(opts.read_timeout_s, remaining),
            write=min(opts.read_timeout_s, remaining),
        )

    def interval_for(self, rules: RobotsRules | None) -> float:
        """The least time between two requests to one host."""
        delay = self.options.min_host_delay_s
        if rules is not None:
            crawl_delay = rules.crawl_delay(self.options.robots_token)
            if crawl_delay is not None:
                delay = max(delay, min(crawl_delay, self.options.max_crawl_delay_s))
        return delay

    def conditional(self, target: httpx.URL, *, html: bool) -> CacheEntry | None:
        if self.cache is None or not html:
            return None
        return self.cache.get(str(target))

    def classify(
        self,
        response: httpx.Response,
        target: httpx.URL,
        *,
        original: str,
        entry: CacheEntry | None,
        html: bool,
        max_bytes: int,
    ) -> Redirect | Final | None:
        """Decide on a response from its head; ``None`` means "read the body"."""
        if self.options.proxy is None:  # through a proxy the peer is the proxy itself
            self.guard.check_peer(response, original=original)
        status = response.status_code
        location = response.headers.get("location")
        if status in _REDIRECT_STATUSES and location:
            try:
                return Redirect(target.join(location))
            except httpx.InvalidURL as exc:
                raise FetchError(f"bad redirect Location {location!r}", url=original) from exc
        if status == 304 and entry is not None:
            return Final(200, httpx.Headers(list(entry.headers)), entry.body, from_cache=True)
        if status >= 300:
            raise StatusError(
                f"HTTP {status} from {target}",
                url=original,
                status=status,
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
        if html:
            check_content_type(
                response.headers.get("content-type"),
                accepted=self.options.html_content_types,
                url=original,
            )
        length = response.headers.get("content-length")
        if (
            length is not None
            and length.isdigit()
            and int(length) > max_bytes
            and not response.headers.get("content-encoding")
            and html
        ):
            raise TooLarge(
                f"Content-Length {length} exceeds {max_bytes} bytes",
                url=original,
                limit=max_bytes,
            )
        return None

    def body_reader(
        self, response: httpx.Response, *, original: str, max_bytes: int, truncate: bool
    ) -> BodyReader:
        return BodyReader(
            response.headers.get("content-encoding"),
            max_bytes=max_bytes,
            url=original,
            truncate=truncate,
        )

    def finish_body(
        self,
        response: httpx.Response,
        target: httpx.URL,
        body: bytes,
        *,
        original: str,
        html: bool,
    ) -> Final:
        """Check the body's magic number and store it in the cache when it has validators."""
        headers = response.headers
        if html:
            sniffed = sniff_non_html(body)
            if sniffed is not None:
                raise NotHTML(
                    f"not HTML: the body is {sniffed}",
                    url=original,
                    content_type=headers.get("content-type") or sniffed,
                )
        if self.cache is not None and html and response.status_code == 200:
            etag, modified = headers.get("etag"), headers.get("last-modified")
            if etag or modified:
                self.cache.put(
                    CacheEntry(
                        url=str(target),
                        status=200,
                        headers=tuple(headers.multi_items()),
                        body=body,
                        etag=etag,
                        last_modified=modified,
                    )
                )
        return Final(response.status_code, headers, body)

    def next_hop(
        self,
        target: httpx.URL,
        seen: dict[str, int],
        redirects: list[str],
        *,
        original: str,
    ) -> httpx.URL:
        """Record a redirect to ``target``; raise on a loop or when the limit is passed.

        A URL may come back once (sites set a cookie and redirect to the same page); a third
        visit is a loop.
        """
        limit = self.options.max_redirects
        if len(redirects) > limit:
            raise TooManyRedirects(f"more than {limit} redirects", url=original)
        key = str(target)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 2:
            raise TooManyRedirects(f"redirect loop through {key}", url=original)
        return target

    def make_page(
        self,
        url: str,
        final_url: httpx.URL,
        final: Final,
        *,
        redirects: list[str],
        started: float,
    ) -> Page:
        decoded = decode_html(final.body, content_type=final.headers.get("content-type"))
        return Page(
            url=url,
            final_url=str(final_url),
            status=final.status,
            headers=final.headers,
            content=final.body,
            text=decoded.text,
            encoding=decoded.encoding,
            encoding_source=decoded.source,
            elapsed_s=time.monotonic() - started,
            redirects=tuple(redirects),
            from_cache=final.from_cache,
        )
