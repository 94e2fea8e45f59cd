"""The budget of trafilatura's second opinion: bounded by the page's size and by time.

In ``extractor="auto"`` mode trafilatura is asked only when newsclean's own reading of a page
is weak. On an ordinary page that costs tens of milliseconds; on a pathological one (a page
of 100,000 links, two million characters) it cost seven to twenty seconds, nearly the whole
time of the page. So the second opinion is skipped, with a warning, when the page is longer
than ``Options.max_fallback_chars``, and abandoned when it runs past
``Options.fallback_timeout_s``. Either way the native result stands.

The time limit uses ``SIGALRM`` (``setitimer``), so it applies in the main thread of a
process that has no alarm of its own (batch workers, the command line, most scripts); in
other threads the size bound alone applies.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["second_opinion"]

T = TypeVar("T")


class _Expired(BaseException):
    """Raised by the alarm into the second opinion; a BaseException, so that no
    ``except Exception`` inside trafilatura swallows it."""


def _can_alarm() -> bool:
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return False
    if signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0):
        return False  # the caller's own alarm: leave it alone
    return signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, previous)


def second_opinion(
    run: Callable[[], T],
    *,
    page_chars: int,
    max_chars: int,
    timeout_s: float | None,
    warnings: list[str],
) -> T | None:
    """``run()``, unless the page is too long for it or it runs out of time (``None``)."""
    if page_chars > max_chars:
        warnings.append(
            f"second opinion skipped: the page has {page_chars} characters "
            f"(max_fallback_chars={max_chars})"
        )
        return None
    if timeout_s is None or not _can_alarm():
        return run()
    try:
        with _alarm(timeout_s):
            return run()
    except _Expired:
        warnings.append(f"second opinion abandoned after {timeout_s:g} s (fallback_timeout_s)")
        return None
