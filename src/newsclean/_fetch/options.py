"""Options for fetching: :class:`FetchOptions`, :class:`RetryPolicy`, :class:`FetchLimits`.

All three are frozen, keyword-only dataclasses; a :class:`newsclean.Fetcher` takes one
:class:`FetchOptions` and builds its HTTP client, its retry loop and its politeness rules from
it once.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from newsclean._errors import FetchError, OptionsError
from newsclean._validate import check_bool, check_int, check_number
from newsclean._version import __version__

__all__ = [
    "DEFAULT_USER_AGENT",
    "FetchLimits",
    "FetchOptions",
    "RetryPolicy",
    "check_fetch_options",
    "check_url",
    "not_a_url",
]

DEFAULT_USER_AGENT = f"newsclean/{__version__} (+https://pypi.org/project/newsclean/)"

#: Statuses that say "try again later"; every other 4xx is the client's fault and final.
_RETRYABLE_4XX = frozenset({408, 429})


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """When and how long to retry a failed fetch.

    Retries use exponential backoff with jitter (``backoff_initial_s * 2**n`` plus up to
    ``jitter_s``, capped at ``backoff_max_s``). A ``Retry-After`` header (seconds or an HTTP
    date) on a retried status replaces the backoff; when it asks for longer than
    ``max_retry_after_s`` the fetch gives up at once with a :class:`newsclean.StatusError` whose
    ``retry_after`` says how long the server wanted.

    >>> RetryPolicy(attempts=5).attempts
    5
    >>> RetryPolicy(attempts=1).attempts  # no retries at all
    1

    Attributes:
        attempts: the most attempts per URL, the first one included.
        max_elapsed_s: give up rather than sleep past this many seconds since the first attempt.
        backoff_initial_s: the first backoff.
        backoff_max_s: the longest single backoff.
        jitter_s: a random extra of up to this many seconds on each backoff.
        retry_statuses: HTTP statuses to retry: ``408``, ``429`` and any 5xx.
        retry_connect_errors: retry refused, reset and broken connections.
        retry_timeouts: retry connect, read and total timeouts.
        max_retry_after_s: the longest ``Retry-After`` that is waited out.
    """

    attempts: int = 3
    max_elapsed_s: float = 60.0
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 30.0
    jitter_s: float = 0.5
    retry_statuses: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})
    retry_connect_errors: bool = True
    retry_timeouts: bool = True
    max_retry_after_s: float = 120.0

    def __post_init__(self) -> None:
        check_int(self.attempts, "attempts")
        for name in ("max_elapsed_s", "backoff_initial_s", "backoff_max_s", "jitter_s"):
            check_number(getattr(self, name), name)
        check_number(self.max_retry_after_s, "max_retry_after_s")
        check_bool(self.retry_connect_errors, "retry_connect_errors")
        check_bool(self.retry_timeouts, "retry_timeouts")
        statuses = self.retry_statuses
        if isinstance(statuses, (str, bytes)) or not isinstance(statuses, Iterable):
            raise TypeError(f"retry_statuses must be a set of int, not {type(statuses).__name__}")
        for status in statuses:
            check_int(status, "retry_statuses")
        object.__setattr__(self, "retry_statuses", frozenset(statuses))
        if self.attempts < 1:
            raise OptionsError("attempts must be at least 1")
        if min(self.max_elapsed_s, self.backoff_initial_s, self.backoff_max_s, self.jitter_s) < 0:
            raise OptionsError("retry delays must not be negative")
        if self.max_retry_after_s < 0:
            raise OptionsError("max_retry_after_s must not be negative")
        bad = sorted(s for s in self.retry_statuses if not (s in _RETRYABLE_4XX or 500 <= s < 600))
        if bad:
            raise OptionsError(f"statuses {bad} are final: only 408, 429 and 5xx can be retried")


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchLimits:
    """How many requests may run at once, in all and against one host.

    >>> FetchLimits(max_concurrency=50, max_per_host=50).max_per_host
    50

    Attributes:
        max_concurrency: requests in flight at once across all hosts (also the size of the
            connection pool).
        max_per_host: requests in flight at once against one host.
    """

    max_concurrency: int = 10
    max_per_host: int = 2

    def __post_init__(self) -> None:
        check_int(self.max_concurrency, "max_concurrency")
        check_int(self.max_per_host, "max_per_host")
        if self.max_concurrency < 1 or self.max_per_host < 1:
            raise OptionsError("concurrency limits must be at least 1")


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchOptions:
    """How :class:`newsclean.Fetcher` and :func:`newsclean.fetch` fetch pages.

    The defaults are polite and bounded: a User-Agent naming newsclean, robots.txt obeyed,
    one request per host per second at most, timeouts on, bodies capped at 10 MB, private
    addresses refused.

    >>> opts = FetchOptions(max_bytes=5_000_000, retry=RetryPolicy(attempts=4))
    >>> opts.retry.attempts, opts.respect_robots
    (4, True)

    Attributes:
        user_agent: the ``User-Agent`` header; its first word (up to ``/``) is the token matched
            against robots.txt groups.
        headers: extra request headers.
        connect_timeout_s: the longest wait for a connection.
        read_timeout_s: the longest wait for any single read (a server that stalls).
        total_timeout_s: the longest one attempt may take, redirects and body included.
        max_bytes: the largest body accepted, counted after decompression; the connection is
            closed as soon as it is exceeded.
        max_redirects: redirects followed before :class:`newsclean.TooManyRedirects`.
        respect_robots: obey robots.txt (fetched once per host and cached).
        min_host_delay_s: the least time between two requests to one host.
        max_crawl_delay_s: a robots.txt ``Crawl-delay`` is honoured up to this many seconds.
        allow_private_addresses: allow hosts that resolve to loopback, private, link-local or
            reserved addresses. Off by default (a server-side request forgery guard).
        html_content_types: media types accepted as HTML; a response without a
            ``Content-Type`` is sniffed.
        cache_dir: a folder for the conditional-request cache (ETag / Last-Modified); ``None``
            disables caching.
        proxy: an HTTP proxy URL. Environment proxy variables are ignored.
        retry: when and how to retry.
        limits: concurrency limits.
    """

    user_agent: str = DEFAULT_USER_AGENT
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    total_timeout_s: float = 60.0
    max_bytes: int = 10_000_000
    max_redirects: int = 10
    respect_robots: bool = True
    min_host_delay_s: float = 1.0
    max_crawl_delay_s: float = 30.0
    allow_private_addresses: bool = False
    html_content_types: frozenset[str] = frozenset({"text/html", "application/xhtml+xml"})
    cache_dir: Path | None = None
    proxy: str | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limits: FetchLimits = field(default_factory=FetchLimits)

    def __post_init__(self) -> None:
        self._check_types()
        if min(self.connect_timeout_s, self.read_timeout_s, self.total_timeout_s) <= 0:
            raise OptionsError("timeouts must be positive")
        if self.max_bytes <= 0:
            raise OptionsError("max_bytes must be positive")
        if self.max_redirects < 0:
            raise OptionsError("max_redirects must not be negative")
        if self.min_host_delay_s < 0 or self.max_crawl_delay_s < 0:
            raise OptionsError("delays must not be negative")
        if not self.user_agent.strip():
            raise OptionsError("user_agent must not be empty")
        _check_proxy(self.proxy)

    def _check_types(self) -> None:
        if not isinstance(self.user_agent, str):
            raise TypeError(f"user_agent must be a str, not {type(self.user_agent).__name__}")
        _check_header_value("user_agent", self.user_agent)
        if not isinstance(self.headers, Mapping):
            raise TypeError(f"headers must be a mapping, not {type(self.headers).__name__}")
        for key, value in self.headers.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError("headers must map str to str")
            if not _TOKEN.fullmatch(key):
                raise OptionsError(f"headers: {key!r} is not a valid header name")
            _check_header_value(f"headers[{key!r}]", value)
        for name in (
            "connect_timeout_s",
            "read_timeout_s",
            "total_timeout_s",
            "min_host_delay_s",
            "max_crawl_delay_s",
        ):
            check_number(getattr(self, name), name)
            if getattr(self, name) == float("inf"):
                raise OptionsError(f"{name} must be finite")
        check_int(self.max_bytes, "max_bytes")
        check_int(self.max_redirects, "max_redirects")
        check_bool(self.respect_robots, "respect_robots")
        check_bool(self.allow_private_addresses, "allow_private_addresses")
        types = self.html_content_types
        if isinstance(types, (str, bytes)) or not isinstance(types, Iterable):
            raise TypeError(f"html_content_types must be a set of str, not {type(types).__name__}")
        for kind in types:
            if not isinstance(kind, str):
                raise TypeError("html_content_types must hold only str")
        object.__setattr__(self, "html_content_types", frozenset(k.lower() for k in types))
        if self.cache_dir is not None:
            if not isinstance(self.cache_dir, (str, os.PathLike)):
                raise TypeError(f"cache_dir must be a path, not {type(self.cache_dir).__name__}")
            object.__setattr__(self, "cache_dir", Path(self.cache_dir))
        if self.proxy is not None and not isinstance(self.proxy, str):
            raise TypeError(f"proxy must be a str or None, not {type(self.proxy).__name__}")
        if not isinstance(self.retry, RetryPolicy):
            raise TypeError(f"retry must be a RetryPolicy, not {type(self.retry).__name__}")
        if not isinstance(self.limits, FetchLimits):
            raise TypeError(f"limits must be a FetchLimits, not {type(self.limits).__name__}")

    @property
    def robots_token(self) -> str:
        """The product token matched against robots.txt ``User-agent`` lines."""
        return self.user_agent.split("/", 1)[0].split()[0]


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def _check_header_value(name: str, value: str) -> None:
    # HTTP/1.1 header values are ASCII here (httpx encodes them so) and never hold a line
    # break, which would let a value smuggle in a header of its own
    if not value.isascii() or any(c in value for c in "\r\n\0"):
        raise OptionsError(f"{name} must be printable ASCII without line breaks")


def _check_proxy(proxy: str | None) -> None:
    if proxy is None:
        return
    import httpx

    try:
        url = httpx.URL(proxy)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise OptionsError(f"proxy {proxy!r} is not a URL: {exc}") from exc
    if url.scheme not in _PROXY_SCHEMES or not url.host:
        raise OptionsError(
            f"proxy {proxy!r} must be an http://, https:// or socks5:// URL with a host"
        )
    if url.scheme.startswith("socks"):
        try:
            importlib.import_module("socksio")
        except ImportError:
            raise OptionsError(
                "a socks5:// proxy needs the socksio package: pip install 'httpx[socks]'"
            ) from None


DEFAULT_FETCH_OPTIONS = FetchOptions()


def check_fetch_options(options: object) -> FetchOptions:
    """``options``, or the defaults for ``None``; a :class:`TypeError` for anything else."""
    if options is None:
        return DEFAULT_FETCH_OPTIONS
    if not isinstance(options, FetchOptions):
        raise TypeError(f"options must be a newsclean.FetchOptions, not {type(options).__name__}")
    return options


def check_url(url: object) -> None:
    """A :class:`TypeError` unless ``url`` is a str (bad strings are a ``FetchError`` later)."""
    if not isinstance(url, str):
        raise TypeError(f"url must be a str, not {type(url).__name__}")


def not_a_url(item: object) -> FetchError:
    """The row ``fetch_many`` yields for an item of its URL list that is not a str."""
    return FetchError(f"not a URL: a {type(item).__name__} is not a str", url=repr(item))
