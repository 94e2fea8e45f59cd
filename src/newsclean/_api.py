"""The public entry points for cleaning: thin wrappers over the pipeline."""

from __future__ import annotations

from newsclean._options import DEFAULT_OPTIONS, Options
from newsclean._pipeline import run_pipeline
from newsclean._record import Article

__all__ = ["clean_html"]


def clean_html(
    html: str | bytes,
    url: str | None = None,
    *,
    options: Options | None = None,
    content_type: str | None = None,
) -> Article:
    """Clean one HTML page into an :class:`Article`.

    Args:
        html: the page, as text or as raw bytes (decoded by BOM, ``content_type``, the page's
            ``<meta charset>``, then detection; gzip-compressed bytes are inflated).
        url: the page's address, used for dates in URLs, relative links and the record.
        options: how to clean; defaults to :class:`Options()`.
        content_type: the HTTP ``Content-Type`` header, when ``html`` is bytes from a server.

    Returns:
        The article. When no body is found the record has an empty ``text`` and says why in
        ``warnings``.

    Raises:
        DecodeError: ``html`` is corrupt gzip data.
        NoContentError: no body was found and ``options.raise_on_empty`` is set.

    >>> clean_html("<html><body><article><p>One sentence here.</p></article></body></html>").text
    'One sentence here.'
    """
    return run_pipeline(
        html, url=url, options=options or DEFAULT_OPTIONS, content_type=content_type
    )
