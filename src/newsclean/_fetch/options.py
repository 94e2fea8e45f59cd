"""Options for fetching: :class:`FetchOptions`, :class:`RetryPolicy`, :class:`FetchLimits`.

All three are frozen, keyword-only dataclasses; a :class:`newsclean.Fetcher` takes one
:class:`FetchOptions` and builds its HTTP client, its retry loop and its politeness rules from
it once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from newsclean._errors import OptionsError
from newsclean._version import __version__

__all__ = ["DEFAULT_USER_AGENT", "FetchLimits", "FetchOptions", "RetryPolicy"]

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

    @property
    def robots_token(self) -> str:
        """The product token matched against robots.txt ``User-agent`` lines."""
        return self.user_agent.split("/", 1)[0].split()[0]


DEFAULT_FETCH_OPTIONS = FetchOptions()
