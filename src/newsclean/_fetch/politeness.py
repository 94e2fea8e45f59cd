"""Per-host pacing shared by every task and thread of one fetcher.

Each host has a next free slot. A request reserves the slot under a lock and sleeps until it
comes, so N concurrent tasks against one host start at least ``interval`` apart without any of
them holding the lock while it sleeps.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

import httpx

__all__ = ["HostPacer", "HostScheduler", "host_key"]


class HostPacer:
    """Hands out start times per host, ``interval`` seconds apart at least."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, host: str, interval: float) -> float:
        """Reserve the next slot for ``host``; return how long to sleep before using it."""
        now = self._clock()
        with self._lock:
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + interval
        return slot - now


def host_key(url: str) -> str:
    """The host a URL's request goes to (lower-cased), or the URL itself when unparsable."""
    try:
        return httpx.URL(url).host or url
    except (httpx.InvalidURL, TypeError, ValueError):  # ValueError: a lone surrogate
        return url


class HostScheduler:
    """Decides which URL of a batch starts next, so that a busy host does not block others.

    A URL whose host is at its limit is parked instead of holding one of the global slots;
    when a request to that host finishes, its next parked URL starts. At most ``lookahead``
    URLs are parked, so a batch of one host is not read into memory whole.
    """

    def __init__(self, *, limit: int, per_host: int, lookahead: int) -> None:
        self.limit = limit
        self.per_host = per_host
        self.lookahead = lookahead
        self.running = 0
        self._by_host: dict[str, int] = {}
        self._parked: dict[str, deque[str]] = {}
        self._parked_count = 0

    def can_accept(self) -> bool:
        """Whether reading another URL could help: a slot is free and parking has room."""
        return self.running < self.limit and self._parked_count < self.lookahead

    def offer(self, url: str) -> bool:
        """Take a URL; return ``True`` if it may start now (it is then counted as running)."""
        host = host_key(url)
        if self.running < self.limit and self._by_host.get(host, 0) < self.per_host:
            self._start(host)
            return True
        self._parked.setdefault(host, deque()).append(url)
        self._parked_count += 1
        return False

    def finished(self, url: str) -> list[str]:
        """Mark a URL done; return the parked URLs that may start now."""
        host = host_key(url)
        self.running -= 1
        self._by_host[host] -= 1
        ready: list[str] = []
        for parked_host in list(self._parked):
            queue = self._parked[parked_host]
            while (
                queue
                and self.running < self.limit
                and self._by_host.get(parked_host, 0) < self.per_host
            ):
                ready.append(queue.popleft())
                self._parked_count -= 1
                self._start(parked_host)
            if not queue:
                del self._parked[parked_host]
        return ready

    def _start(self, host: str) -> None:
        self.running += 1
        self._by_host[host] = self._by_host.get(host, 0) + 1
