"""httpx exceptions -> the newsclean error tree, and ``Retry-After`` parsing.

Every exception httpx can raise is mapped here and nowhere else, so callers only ever catch
:class:`newsclean.FetchError`. ``tests/test_fetch_errors.py`` walks httpx's exception classes
and fails when a new one appears unmapped::

    httpx.TimeoutException (Connect/Read/Write/PoolTimeout)   -> FetchTimeout
    httpx.NetworkError (Connect/Read/Write/CloseError)         -> ConnectError
    httpx.RemoteProtocolError, httpx.ProxyError                -> ConnectError
    httpx.TooManyRedirects                                     -> TooManyRedirects
    httpx.UnsupportedProtocol                                  -> DisallowedAddress
    httpx.HTTPStatusError                                      -> StatusError
    anything else (LocalProtocolError, DecodingError,
      InvalidURL, CookieConflict, StreamError, ...)            -> FetchError
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpx

from newsclean._errors import (
    ConnectError,
    DisallowedAddress,
    FetchError,
    FetchTimeout,
    StatusError,
    TooManyRedirects,
)
from newsclean._fetch.network import Deadline, is_disallowed

__all__ = ["map_httpx_error", "parse_retry_after"]

_CONNECTION_BROKE = (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError)


def map_httpx_error(exc: Exception, *, url: str, deadline: Deadline | None = None) -> FetchError:
    """Return the newsclean error for an httpx exception (raise it ``from exc``).

    A timeout that comes when the attempt's ``deadline`` has run out is reported as the
    total timeout it is, whichever socket call noticed it.
    """
    detail = str(exc) or type(exc).__name__
    if (
        deadline is not None
        and isinstance(exc, httpx.TimeoutException)
        and time.monotonic() >= deadline.at - 0.05
    ):
        return FetchTimeout(f"total timeout of {deadline.seconds:g}s expired", url=url)
    if is_disallowed(exc):
        return DisallowedAddress(f"refused at connect: {detail}", url=url)
    if isinstance(exc, httpx.TimeoutException):
        return FetchTimeout(f"timed out ({type(exc).__name__}): {detail}", url=url)
    if isinstance(exc, _CONNECTION_BROKE):
        return ConnectError(f"connection failed ({type(exc).__name__}): {detail}", url=url)
    if isinstance(exc, httpx.TooManyRedirects):
        return TooManyRedirects(detail, url=url)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return DisallowedAddress(f"unsupported scheme: {detail}", url=url)
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        return StatusError(
            f"HTTP {status}",
            url=url,
            status=status,
            retry_after=parse_retry_after(exc.response.headers.get("retry-after")),
        )
    return FetchError(f"{type(exc).__name__}: {detail}", url=url)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Return the seconds a ``Retry-After`` header asks to wait, or ``None`` if absent or bad.

    >>> parse_retry_after("120")
    120.0
    >>> now = datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc)
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=now)
    30.0
    >>> parse_retry_after("soon") is None, parse_retry_after("²") is None
    (True, True)
    """
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # str.isdigit alone takes "²" and "٣"
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())
