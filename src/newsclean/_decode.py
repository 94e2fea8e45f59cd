"""Bytes to text: gzip, BOM, HTTP header, ``<meta charset>``, then detection.

The order is the order of trust (WHATWG's, as w3lib implements it): a byte-order mark wins,
then the ``Content-Type`` header's charset, then the page's own declaration, then statistical
detection, then UTF-8. :func:`decode_html` never fails on undecodable bytes; it replaces them
and says so.
"""

from __future__ import annotations

import codecs
import zlib
from dataclasses import dataclass
from typing import Literal

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    to_unicode,
)

from newsclean._errors import DecodeError

__all__ = ["Decoded", "EncodingSource", "decode_html", "gunzip_bounded", "maybe_gunzip"]

EncodingSource = Literal["str", "bom", "header", "meta", "detected", "default"]

_GZIP_MAGIC = b"\x1f\x8b"
# Output of one inflate step.
_INFLATE_STEP = 1 << 20
_LATIN_SINGLE_BYTE = frozenset(
    {
        "cp1250",
        "cp1252",
        "cp1254",
        "cp1257",
        "latin_1",
        "iso8859_2",
        "iso8859_3",
        "iso8859_4",
        "iso8859_9",
        "iso8859_10",
        "iso8859_13",
        "iso8859_14",
        "iso8859_15",
        "iso8859_16",
        "mac_roman",
        "mac_latin2",
        "cp850",
        "cp437",
    }
)
# Codecs a page may name in its charset that do not decode documents: they raise on ordinary
# bytes (idna, undefined), or turn escapes into code (the escape codecs, utf-7, which no
# browser decodes). A page that names one is read as UTF-8.
_NOT_DOCUMENT_CODECS = frozenset(
    {
        codecs.lookup(name).name
        for name in (
            "idna",
            "punycode",
            "undefined",
            "unicode_escape",
            "raw_unicode_escape",
            "utf-7",
        )
    }
)
# Detection on a prefix: enough text for a confident guess, bounded cost on a 20 MB page.
_DETECT_PREFIX_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the codec used, how it was chosen, and whether bytes were replaced."""

    text: str
    encoding: str
    source: EncodingSource
    replaced: bool = False
    overridden: str | None = None
    """The charset the header or ``<meta>`` declared, when the bytes proved it wrong."""


def maybe_gunzip(data: bytes, *, max_bytes: int | None = None) -> bytes:
    """Inflate ``data`` if it is gzip-compressed; refuse to inflate past ``max_bytes``.

    Raises:
        DecodeError: the gzip stream is corrupt or truncated, or inflates past ``max_bytes``.
    """
    out, cut = gunzip_bounded(data, max_bytes=max_bytes)
    if cut:
        raise DecodeError(f"gzip data inflates past {max_bytes} bytes")
    return out


def gunzip_bounded(data: bytes, *, max_bytes: int | None) -> tuple[bytes, bool]:
    """Inflate gzip ``data`` in steps, stopping at ``max_bytes``; return ``(bytes, cut)``.

    Data that is not gzip comes back unchanged. Memory is the input plus at most
    ``max_bytes`` plus one step, whatever the compression ratio (a 1 GiB bomb costs no more
    than a page of ``max_bytes``). ``cut`` tells that the data inflates past the limit.
    Concatenated gzip members are read as one stream, as ``gzip -d`` does.

    Raises:
        DecodeError: the gzip stream is corrupt or truncated.
    """
    if data[:2] != _GZIP_MAGIC:
        return data, False
    parts: list[bytes] = []
    size = 0
    rest = memoryview(data)
    try:
        while rest:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            pending: bytes | memoryview = rest
            while pending and not inflater.eof:
                room = _INFLATE_STEP
                if max_bytes is not None:
                    room = min(room, max_bytes - size + 1)
                piece = inflater.decompress(pending, room)
                pending = inflater.unconsumed_tail
                size += len(piece)
                if max_bytes is not None and size > max_bytes:
                    parts.append(piece[: len(piece) - (size - max_bytes)])
                    return b"".join(parts), True
                parts.append(piece)
            if not inflater.eof:
                raise DecodeError("truncated gzip data")
            rest = memoryview(inflater.unused_data)
            if rest and rest[:2] != _GZIP_MAGIC:
                break  # trailing junk after the last member: ignored, as gzip -d does
    except zlib.error as exc:
        raise DecodeError(f"corrupt gzip data: {exc}") from exc
    return b"".join(parts), False


def decode_html(
    data: bytes | bytearray | memoryview | str, *, content_type: str | None = None
) -> Decoded:
    """Decode an HTML document by BOM, header charset, ``<meta>`` charset or detection.

    Args:
        data: the raw page; ``str`` is returned as is.
        content_type: the HTTP ``Content-Type`` header value, if known.

    >>> decode_html(b'<meta charset="cp1252"><p>caf\\xe9</p>').text[-8:]
    'café</p>'
    """
    if isinstance(data, str):
        return Decoded(data, "utf-8", "str")
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"data must be str or bytes-like, not {type(data).__name__}")
    if content_type is not None and not isinstance(content_type, str):
        raise TypeError(f"content_type must be a str or None, not {type(content_type).__name__}")
    bom_encoding, bom = read_bom(data)
    if bom_encoding is not None and bom is not None:
        return _decode_with(data[len(bom) :], bom_encoding, "bom")
    if content_type:
        header_encoding = http_content_type_encoding(content_type)
        if header_encoding is not None:
            return _utf8_if_proven(data, header_encoding) or _decode_with(
                data, header_encoding, "header"
            )
    meta_encoding = html_body_declared_encoding(data)
    if meta_encoding is not None:
        return _utf8_if_proven(data, meta_encoding) or _decode_with(data, meta_encoding, "meta")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "default")
    except UnicodeDecodeError:
        pass
    matches = from_bytes(data[:_DETECT_PREFIX_BYTES])
    best = matches.best()
    if best is not None and best.encoding:
        encoding = best.encoding
        # windows-1252 is the web's default for undeclared Western pages (WHATWG); the
        # detector often ranks a sibling Latin codec first on short French or German text
        if encoding in _LATIN_SINGLE_BYTE and any(m.encoding == "cp1252" for m in matches):
            encoding = "cp1252"
        return _decode_with(data, encoding, "detected")
    return _decode_with(data, "utf-8", "default")


def _usable_codec(encoding: str) -> bool:
    """Whether a declared charset names a codec for documents (not ``idna``, ``undefined``)."""
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, TypeError, ValueError):
        return False
    return name not in _NOT_DOCUMENT_CODECS


def _utf8_if_proven(data: bytes, declared: str) -> Decoded | None:
    """The page as UTF-8 when it declares another charset but its bytes prove UTF-8.

    Bytes that hold multibyte sequences and decode as UTF-8 without error are UTF-8: a
    legacy-encoded page (gb2312, cp1252, ...) is almost never valid UTF-8 once it has a
    non-ASCII character. Saved crawls often re-encode pages and keep the old declaration.
    """
    if data.isascii():
        return None
    try:
        if codecs.lookup(declared).name == "utf-8":
            return None
        text = data.decode("utf-8")
    except (LookupError, UnicodeDecodeError):  # an unknown declaration is no proof either way
        return None
    return Decoded(text, "utf-8", "default", overridden=declared)


def _decode_with(data: bytes, encoding: str, source: EncodingSource) -> Decoded:
    if not _usable_codec(encoding):
        encoding = "utf-8"
    try:
        text = to_unicode(data, encoding)
    except (LookupError, UnicodeError, ValueError, TypeError):
        text, encoding = to_unicode(data, "utf-8"), "utf-8"
    return Decoded(text, encoding, source, replaced="\ufffd" in text)
