"""The public entry points for cleaning: thin wrappers over the pipeline."""

from __future__ import annotations

from newsclean._options import DEFAULT_OPTIONS, Options
from newsclean._pipeline import run_pipeline
from newsclean._record import Article
from newsclean._text.reader import run_text

__all__ = ["clean_html", "clean_text"]


def clean_html(
    html: str | bytes,
    url: str | None = None,
    *,
    options: Options | None = None,
    content_type: str | bytes | None = None,
) -> Article:
    """Clean one HTML page into an :class:`Article`.

    Args:
        html: the page, as text or as raw bytes (decoded by BOM, ``content_type``, the page's
            ``<meta charset>``, then detection; gzip-compressed bytes are inflated).
        url: the page's address, used for dates in URLs, relative links and the record.
        options: how to clean; defaults to :class:`Options()`.
        content_type: the HTTP ``Content-Type`` header, when ``html`` is bytes from a server
            (as text, or as the bytes Scrapy and other raw HTTP clients give).

    Returns:
        The article. When no body is found the record has an empty ``text`` and says why in
        ``warnings``.

    Raises:
        DecodeError: ``html`` is corrupt gzip data.
        NoContentError: no body was found and ``options.raise_on_empty`` is set.

    >>> clean_html("<html><body><article><p>One sentence here.</p></article></body></html>").text
    'One sentence here.'
    """
    if isinstance(content_type, bytes):  # header bytes are latin-1 (RFC 9110)
        content_type = content_type.decode("latin-1")
    return run_pipeline(
        html, url=url, options=options or DEFAULT_OPTIONS, content_type=content_type
    )


def clean_text(text: str, url: str | None = None, *, options: Options | None = None) -> Article:
    """Clean one page that is already plain text into an :class:`Article`.

    The input is what a naive scraper, a copy-paste or an HTML-to-text tool leaves: the story
    plus the site's banner, labels, share bars, related teasers and legal footer. The story is
    the contiguous run of prose between the headline (or dateline) and the end markers; the
    lines above it give the title, byline, dateline, date, section and site name. The same
    boilerplate vocabulary as :func:`clean_html` decides, extended the same way through
    ``options``.

    Args:
        text: the page as text, one paragraph, heading or label per line (hard-wrapped
            paragraphs separated by blank lines are joined back).
        url: the page's address, kept in the record; a date in it fills ``published`` when
            the text shows none.
        options: how to clean; ``boilerplate_phrases``, ``vocabulary_files``,
            ``max_html_chars`` and ``raise_on_empty`` apply.

    Returns:
        The article, with ``extractor="text"``. When no body is found the record has an empty
        ``text`` and says why in ``warnings``.

    Raises:
        NoContentError: no body was found and ``options.raise_on_empty`` is set.

    >>> article = clean_text("Markets rally\\n\\nStocks rose on Monday as investors cheered.")
    >>> (article.title, article.text)
    ('Markets rally', 'Stocks rose on Monday as investors cheered.')
    """
    return run_text(text, url=url, options=options or DEFAULT_OPTIONS)
