"""The :class:`Page` a fetch returns."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from newsclean._decode import EncodingSource
from newsclean._errors import FetchError

__all__ = ["FetchResult", "Page"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One fetched page: where it came from, what the server sent, and its decoded text.

    Attributes:
        url: the URL that was asked for.
        final_url: the URL that answered, after redirects.
        status: the final HTTP status (``200`` also for a page served from the cache).
        headers: the final response headers (case-insensitive).
        content: the body, decompressed, as bytes.
        text: the body decoded to text.
        encoding: the codec used to decode ``text``.
        encoding_source: how the codec was found: ``"bom"``, ``"header"``, ``"meta"``,
            ``"detected"`` or ``"default"``.
        elapsed_s: seconds from the first attempt to the end of the body, retries included.
        redirects: the URLs that answered with a redirect, in order (``url`` first).
        attempts: how many attempts were made (1 when the first one succeeded).
        from_cache: the server answered ``304 Not Modified`` and the body came from the cache.
    """

    url: str
    final_url: str
    status: int
    headers: httpx.Headers
    content: bytes
    text: str
    encoding: str
    encoding_source: EncodingSource
    elapsed_s: float
    redirects: tuple[str, ...] = ()
    attempts: int = 1
    from_cache: bool = False

    @property
    def content_type(self) -> str | None:
        """The ``Content-Type`` header, if the server sent one."""
        value: str | None = self.headers.get("content-type")
        return value

    def __repr__(self) -> str:
        return f"<Page {self.status} {self.final_url} {len(self.content)} bytes>"


#: What ``fetch_many`` yields per URL: the page, or the error that names the URL.
FetchResult = Page | FetchError
