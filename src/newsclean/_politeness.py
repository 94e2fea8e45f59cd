"""Per-host pacing shared by every task and thread of one fetcher.

Each host has a next free slot. A request reserves the slot under a lock and sleeps until it
comes, so N concurrent tasks against one host start at least ``interval`` apart without any of
them holding the lock while it sleeps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["HostPacer"]


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
