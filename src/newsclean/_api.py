"""The public entry points for cleaning: thin wrappers over the pipeline."""

from __future__ import annotations

import re

from newsclean._decode import decode_html, gunzip_bounded
from newsclean._options import Options, check_clean_options
from newsclean._pipeline import run_pipeline
from newsclean._record import Article
from newsclean._text.reader import run_text
from newsclean._validate import (
    as_bytes_or_str,
    check_optional_str,
    has_lone_surrogate,
    scrub_surrogates,
)

__all__ = ["clean_html", "clean_text"]


def clean_html(
    html: str | bytes | bytearray | memoryview,
    url: str | None = None,
    *,
    options: Options | None = None,
    content_type: str | None = None,
) -> Article:
    """Clean one HTML page into an :class:`Article`.

    Args:
        html: the page, as text or as raw bytes (``bytes``, ``bytearray``, ``memoryview``;
            decoded by BOM, ``content_type``, the page's ``<meta charset>``, then detection;
            gzip-compressed bytes are inflated, in steps, up to ``options.max_html_chars``
            bytes: past that the page is cut with a warning, so a gzip bomb costs no more
            memory than a page at the limit; other bytes past ``4 * max_html_chars``, which
            cannot reach the first ``max_html_chars`` characters, are cut before decoding).
        url: the page's address, used for dates in URLs, relative links and the record.
        options: how to clean; defaults to :class:`Options()`.
        content_type: the HTTP ``Content-Type`` header, when ``html`` is bytes from a server.

    Returns:
        The article. When no body is found the record has an empty ``text`` and says why in
        ``warnings``.

    Raises:
        TypeError: ``html`` is not str or bytes-like, ``url`` or ``content_type`` is not a str
            (a ``pathlib.Path`` is not a URL), or ``options`` is not an :class:`Options`.
        DecodeError: ``html`` is corrupt or truncated gzip data.
        NoContentError: no body was found and ``options.raise_on_empty`` is set.

    Text that UTF-8 cannot encode (a lone surrogate in a ``str`` input, or a ``\\ud800``
    escape in the page's JSON-LD) is replaced by U+FFFD with a warning, so that every
    output format can write the record.

    >>> clean_html("<html><body><article><p>One sentence here.</p></article></body></html>").text
    'One sentence here.'
    """
    page = as_bytes_or_str(html, "html")
    check_optional_str(url, "url")
    check_optional_str(content_type, "content_type")
    opts = check_clean_options(options)
    warnings: list[str] = []
    limit = opts.max_html_chars
    if isinstance(page, bytes):
        page, cut = gunzip_bounded(page, max_bytes=limit)
        if cut:
            warnings.append(f"gzip input cut at {limit} bytes inflated")
        if len(page) > limit + _MARGIN:
            page = _decoded_prefix(page, limit, content_type, warnings)
    elif len(page) > limit:
        page = page[:limit]
        warnings.append(f"page cut at {limit} characters")
    # only the part that is cleaned is scanned
    if isinstance(page, bytes):
        suspect = b"\\u" in page and _SURROGATE_ESCAPE_BYTES.search(page) is not None
    else:
        if has_lone_surrogate(page):
            page = scrub_surrogates(page)
            warnings.append("lone surrogates in the input replaced with U+FFFD")
        suspect = "\\u" in page and _SURROGATE_ESCAPE.search(page) is not None
    if url is not None and has_lone_surrogate(url):
        url = scrub_surrogates(url)
    article = run_pipeline(page, url=url, options=opts, content_type=content_type)
    if suspect:
        article = _scrubbed(article, warnings)
    if warnings:
        article = article.model_copy(
            update={"warnings": tuple(dict.fromkeys((*article.warnings, *warnings)))}
        )
    return article


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
        TypeError: ``text`` is not a str, ``url`` not a str or None, ``options`` not an
            :class:`Options`.
        NoContentError: no body was found and ``options.raise_on_empty`` is set.

    >>> article = clean_text("Markets rally\\n\\nStocks rose on Monday as investors cheered.")
    >>> (article.title, article.text)
    ('Markets rally', 'Stocks rose on Monday as investors cheered.')
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    check_optional_str(url, "url")
    opts = check_clean_options(options)
    warnings: list[str] = []
    if has_lone_surrogate(text):
        text = scrub_surrogates(text)
        warnings.append("lone surrogates in the input replaced with U+FFFD")
    if url is not None and has_lone_surrogate(url):
        url = scrub_surrogates(url)
    article = run_text(text, url=url, options=opts)
    if warnings:
        article = article.model_copy(
            update={"warnings": tuple(dict.fromkeys((*article.warnings, *warnings)))}
        )
    return article


# The most bytes one character takes in any encoding a page may use (UTF-8, UTF-16, GB18030).
_BYTES_PER_CHAR = 4
# Bytes decoded past the limit, so that a character torn at the cut never reaches it.
_MARGIN = 16


def _decoded_prefix(
    data: bytes, limit: int, content_type: str | None, warnings: list[str]
) -> str | bytes:
    """The first ``limit`` characters of a page far longer than the limit, decoding only the
    bytes they can take: ``limit`` bytes and a margin for a page of one byte per character
    (almost every huge page), else ``4 * limit``. Decoding the whole page would turn a 1 GB
    page into a 1 GB string, only to cut it. The warnings are the ones the whole page gets.
    """
    for size in (limit + _MARGIN, _BYTES_PER_CHAR * limit + _MARGIN):
        if size >= len(data):
            return data
        end = size
        while end > size - 4 and data[end] & 0xC0 == 0x80:  # not inside a UTF-8 character
            end -= 1
        decoded = decode_html(data[:end], content_type=content_type)
        if len(decoded.text) > limit or size > limit + _MARGIN:
            text = decoded.text[:limit]
            warnings.append(f"page cut at {limit} characters")
            if decoded.source == "detected":
                warnings.append(f"charset guessed as {decoded.encoding}")
            if "\ufffd" in text:
                warnings.append("undecodable bytes replaced")
            return text
    return data


# A JSON escape of a surrogate (a high or a low half): JSON-LD decodes a lone one into a
# string UTF-8 cannot encode. Finding one only marks the page for the check of its record
# (_scrubbed), which tells lone halves from pairs; a literal prefix keeps the scan fast.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _scrubbed(article: Article, warnings: list[str]) -> Article:
    """The article with surrogates replaced, when a field holds one."""
    data = article.model_dump()
    clean = scrub_surrogates(data)
    if clean is data:
        return article
    warnings.append("lone surrogates in the page's data replaced with U+FFFD")
    return Article.model_validate(clean)
