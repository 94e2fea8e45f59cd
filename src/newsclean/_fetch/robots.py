"""robots.txt rules, parsed by protego and cached per origin.

What a robots.txt response means follows RFC 9309, section 2.3.1: a 2xx body is parsed (its
first 500 KiB), a 4xx means "no rules" (allow all), and a 5xx means "unreachable" (disallow
all); 429 Too Many Requests counts as unreachable, as major crawlers treat it. Network
errors are not turned into rules: they fail the page fetch and are retried like any other
connection error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from protego import Protego

__all__ = ["ROBOTS_MAX_BYTES", "RobotsRules", "RobotsStore", "robots_url", "rules_from_response"]

ROBOTS_MAX_BYTES = 500 * 1024
ROBOTS_TTL_S = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """The rules of one origin: a parsed file, or a blanket allow or disallow."""

    parser: Protego | None = None
    allow_all: bool = True

    def allowed(self, url: str, token: str) -> bool:
        """Tell whether ``token`` may fetch ``url``."""
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, token))

    def crawl_delay(self, token: str) -> float | None:
        """Return the ``Crawl-delay`` (or ``Request-rate`` interval) for ``token`` in seconds."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(token)
        if delay is not None:
            return float(delay)
        rate = self.parser.request_rate(token)
        if rate is not None and rate.requests:
            return float(rate.seconds) / float(rate.requests)
        return None


ALLOW_ALL = RobotsRules(None, allow_all=True)
DISALLOW_ALL = RobotsRules(None, allow_all=False)


def rules_from_response(status: int, body: bytes) -> RobotsRules:
    """Turn a robots.txt response into rules (RFC 9309 status handling).

    >>> rules_from_response(404, b"").allowed("https://a.example/x", "newsclean")
    True
    >>> rules_from_response(503, b"").allowed("https://a.example/x", "newsclean")
    False
    >>> rules = rules_from_response(200, b"User-agent: *\\nDisallow: /private/")
    >>> rules.allowed("https://a.example/private/x", "newsclean")
    False
    """
    if 200 <= status < 300:
        text = body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
        return RobotsRules(Protego.parse(text))
    if 400 <= status < 500 and status != 429:
        return ALLOW_ALL
    return DISALLOW_ALL  # 5xx, and 429: a server that asks us to slow down is not crawled


def robots_url(origin: str) -> str:
    """Return the robots.txt URL of an origin such as ``https://example.com:8443``."""
    return f"{origin}/robots.txt"


class RobotsStore:
    """Rules per origin, shared by every task and thread of one fetcher.

    Rules are kept for ``ttl_s`` seconds (RFC 9309 asks crawlers not to cache robots.txt
    for more than 24 hours), so a long-running fetcher picks up changes.
    """

    def __init__(
        self, *, ttl_s: float = ROBOTS_TTL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rules: dict[str, tuple[float, RobotsRules]] = {}
        self._lock = threading.Lock()
        self._ttl_s = ttl_s
        self._clock = clock

    def get(self, origin: str) -> RobotsRules | None:
        with self._lock:
            hit = self._rules.get(origin)
        if hit is None or hit[0] <= self._clock():
            return None
        return hit[1]

    def put(self, origin: str, rules: RobotsRules) -> None:
        with self._lock:
            self._rules[origin] = (self._clock() + self._ttl_s, rules)
