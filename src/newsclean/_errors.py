"""The newsclean error tree.

Every error newsclean raises derives from :class:`NewscleanError`; no parser, HTTP or
decoder exception leaks out of the public API::

    NewscleanError
     +-- FetchError(url)                every httpx error, mapped
     |    +-- FetchTimeout
     |    +-- ConnectError
     |    +-- StatusError(status, retry_after)
     |    +-- TooLarge(limit)
     |    +-- TooManyRedirects
     |    +-- RobotsDisallowed
     |    +-- DisallowedAddress
     |    +-- NotHTML(content_type)
     +-- DecodeError                    bytes that cannot be turned into text
     +-- ParseError                     the HTML parser failed (wraps SelectolaxError)
     +-- DiscoveryError(url)            a feed or sitemap could not be read
     +-- NoContentError                 no article body was found (only when asked to raise)
     +-- OptionsError(ValueError)       an invalid option value
"""

from __future__ import annotations

__all__ = [
    "ConnectError",
    "DecodeError",
    "DisallowedAddress",
    "DiscoveryError",
    "FetchError",
    "FetchTimeout",
    "NewscleanError",
    "NoContentError",
    "NotHTML",
    "OptionsError",
    "ParseError",
    "RobotsDisallowed",
    "StatusError",
    "TooLarge",
    "TooManyRedirects",
]


class NewscleanError(Exception):
    """Base class of every error newsclean raises."""


class FetchError(NewscleanError):
    """A page could not be fetched. ``url`` names the page that was asked for."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class FetchTimeout(FetchError):
    """A connect, read or total timeout expired."""


class ConnectError(FetchError):
    """The connection could not be made or broke off (refused, reset, DNS failure)."""


class StatusError(FetchError):
    """The server answered with an error status that was not retried away."""

    def __init__(
        self, message: str, *, url: str, status: int, retry_after: float | None = None
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after


class TooLarge(FetchError):
    """The body (after decompression) exceeded the size limit."""

    def __init__(self, message: str, *, url: str, limit: int) -> None:
        super().__init__(message, url=url)
        self.limit = limit


class TooManyRedirects(FetchError):
    """The redirect limit was reached or a redirect loop was detected."""


class RobotsDisallowed(FetchError):
    """robots.txt disallows fetching this URL for our user agent."""


class DisallowedAddress(FetchError):
    """The URL's scheme or resolved address is not allowed (SSRF guard)."""


class NotHTML(FetchError):
    """The response is not an HTML page (a PDF, an image, ...)."""

    def __init__(self, message: str, *, url: str, content_type: str | None) -> None:
        super().__init__(message, url=url)
        self.content_type = content_type


class DecodeError(NewscleanError):
    """Bytes could not be decoded into text."""


class ParseError(NewscleanError):
    """The HTML parser failed on the input."""


class DiscoveryError(NewscleanError):
    """A feed or sitemap could not be read (not a feed, not a sitemap, nested too deep).

    ``url`` names the document. A feed or sitemap that could not be *fetched* raises the
    :class:`FetchError` of the fetch instead.
    """

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class NoContentError(NewscleanError):
    """No article body could be found (raised only when the caller asks for it)."""


class OptionsError(NewscleanError, ValueError):
    """An option has an invalid value."""
