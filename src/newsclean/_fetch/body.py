"""Bounded body decoding and content-type checks.

httpx's own decoders inflate each network chunk in one call, so a 64 KB gzip chunk of zeros
becomes 64 MB in memory before anyone can count it. newsclean reads the raw stream and inflates
it here in pieces of at most :data:`PIECE_BYTES`, so the size limit is enforced on decompressed
bytes with memory bounded by the limit plus one piece, whatever the compression ratio.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Iterator
from typing import Any, Protocol

from newsclean._errors import FetchError, NotHTML, TooLarge

try:  # brotli >= 1.2 can bound its output; older versions or brotlicffi cannot
    brotli: Any = importlib.import_module("brotli")
    HAVE_BROTLI = hasattr(brotli.Decompressor(), "can_accept_more_data")
except ImportError:  # pragma: no cover - brotli is a dependency
    HAVE_BROTLI = False

__all__ = [
    "ACCEPT_ENCODING",
    "PIECE_BYTES",
    "BodyReader",
    "check_content_type",
    "media_type",
    "sniff_non_html",
]

PIECE_BYTES = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate, br" if HAVE_BROTLI else "gzip, deflate"

# Magic numbers of documents that are never HTML, whatever the server says.
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
)


class _Decoder(Protocol):
    def decode(self, data: bytes) -> Iterator[bytes]: ...

    def flush(self) -> Iterator[bytes]: ...


class _Identity:
    def decode(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


class _Zlib:
    """gzip or deflate; deflate falls back to a raw stream, as browsers do.

    Whether a deflate body is zlib-wrapped or raw is told by its first two bytes (a zlib
    header: method 8 and a check sum divisible by 31), however the network splits them.
    """

    def __init__(self, *, gzip: bool) -> None:
        self._gzip = gzip
        self._head = b""  # deflate bytes held until the first two tell the framing
        self._inflater: Any = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzip else None

    @property
    def complete(self) -> bool:
        """Whether the compressed stream reached its end (a truncated body has not)."""
        return self._inflater is not None and bool(self._inflater.eof)

    def _choose(self) -> None:
        head = self._head
        zlib_framed = len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
        self._inflater = zlib.decompressobj(zlib.MAX_WBITS if zlib_framed else -zlib.MAX_WBITS)

    def decode(self, data: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            self._head += data
            if len(self._head) < 2:
                return
            self._choose()
            data, self._head = self._head, b""
        yield from self._drain(data)

    def flush(self) -> Iterator[bytes]:
        if self._inflater is None:
            if not self._head:
                return
            self._choose()
            data, self._head = self._head, b""
            yield from self._drain(data)
        tail = self._inflater.flush()
        if tail:
            yield tail

    def _drain(self, data: bytes) -> Iterator[bytes]:
        while data and not self._inflater.eof:
            piece = self._inflater.decompress(data, PIECE_BYTES)
            data = self._inflater.unconsumed_tail
            if piece:
                yield piece


class _Brotli:
    def __init__(self) -> None:
        self._inflater = brotli.Decompressor()

    def decode(self, data: bytes) -> Iterator[bytes]:
        piece = self._inflater.process(data, output_buffer_limit=PIECE_BYTES)
        while True:
            if piece:
                yield piece
            if self._inflater.can_accept_more_data() or self._inflater.is_finished():
                return
            piece = self._inflater.process(b"", output_buffer_limit=PIECE_BYTES)

    def flush(self) -> Iterator[bytes]:
        while not self._inflater.is_finished():
            piece = self._inflater.process(b"", output_buffer_limit=PIECE_BYTES)
            if not piece:
                return
            yield piece


def _decoder_for(coding: str) -> _Decoder | None:
    if coding in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if coding == "deflate":
        return _Zlib(gzip=False)
    if coding == "br" and HAVE_BROTLI:
        return _Brotli()
    if coding in ("identity", ""):
        return _Identity()
    return None


class BodyReader:
    """Decode ``Content-Encoding`` layers and count decoded bytes against a limit.

    Feed raw chunks to :meth:`feed`; it raises :class:`TooLarge` as soon as the decoded size
    passes ``max_bytes``, before the next piece is even produced, unless ``truncate`` is set,
    in which case :meth:`feed` returns ``False`` and the body is cut at the limit.
    """

    def __init__(
        self, content_encoding: str | None, *, max_bytes: int, url: str, truncate: bool = False
    ) -> None:
        self.max_bytes = max_bytes
        self.url = url
        self.truncate = truncate
        self.size = 0
        self.raw_size = 0
        self._parts: list[bytes] = []
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        decoders: list[_Decoder] = []
        for coding in reversed(codings):  # the last coding listed was applied last
            decoder = _decoder_for(coding)
            if decoder is None:
                raise FetchError(f"unsupported Content-Encoding {coding!r}", url=url)
            decoders.append(decoder)
        self._decoders = decoders or [_Identity()]

    def _pipe(self, data: bytes, index: int) -> Iterator[bytes]:
        if index == len(self._decoders):
            yield data
            return
        for piece in self._decoders[index].decode(data):
            yield from self._pipe(piece, index + 1)

    def _flush(self, index: int) -> Iterator[bytes]:
        if index == len(self._decoders):
            return
        for piece in self._decoders[index].flush():
            yield from self._pipe(piece, index + 1)
        yield from self._flush(index + 1)

    def _take(self, pieces: Iterator[bytes]) -> bool:
        try:
            for piece in pieces:
                self.size += len(piece)
                if self.size > self.max_bytes:
                    if not self.truncate:
                        raise TooLarge(
                            f"body exceeds {self.max_bytes} bytes",
                            url=self.url,
                            limit=self.max_bytes,
                        )
                    self._parts.append(piece[: len(piece) - (self.size - self.max_bytes)])
                    self.size = self.max_bytes
                    return False
                self._parts.append(piece)
        except zlib.error as exc:
            raise FetchError(f"corrupt compressed body: {exc}", url=self.url) from exc
        except Exception as exc:
            if HAVE_BROTLI and isinstance(exc, brotli.error):
                raise FetchError(f"corrupt compressed body: {exc}", url=self.url) from exc
            raise
        finally:
            if isinstance(pieces, Iterator) and hasattr(pieces, "close"):
                pieces.close()
        return True

    def feed(self, raw: bytes) -> bool:
        """Take one raw chunk; return ``False`` once a truncating reader is full."""
        self.raw_size += len(raw)
        return self._take(self._pipe(raw, 0))

    def finish(self) -> bytes:
        """Flush the decoders and return the whole decoded body.

        Raises:
            FetchError: a gzip or deflate stream ends before its end marker (the server sent
                a truncated body), unless this reader truncates on purpose.
        """
        full = self._take(self._flush(0))
        if full and not self.truncate and self.raw_size:  # an empty body is just empty
            for decoder in self._decoders:
                if isinstance(decoder, _Zlib) and not decoder.complete:
                    raise FetchError(
                        f"truncated compressed body: the stream ends early "
                        f"({self.raw_size} bytes received, {self.size} decoded)",
                        url=self.url,
                    )
        return b"".join(self._parts)


def media_type(content_type: str | None) -> str | None:
    """Return the lower-cased media type of a ``Content-Type`` value.

    >>> media_type("Text/HTML; charset=utf-8")
    'text/html'
    """
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def check_content_type(content_type: str | None, *, accepted: frozenset[str], url: str) -> None:
    """Raise :class:`NotHTML` when the header names a media type that is not accepted.

    ``text/plain`` and a missing header are let through to be sniffed: servers send both
    for HTML.
    """
    kind = media_type(content_type)
    if kind is None or kind in accepted or kind == "text/plain":
        return
    raise NotHTML(f"not HTML: {kind}", url=url, content_type=content_type)


def sniff_non_html(body: bytes) -> str | None:
    """Return the media type a body's magic number reveals when it is not HTML, else ``None``.

    >>> sniff_non_html(b"%PDF-1.7 ..."), sniff_non_html(b"<!doctype html>")
    ('application/pdf', None)
    """
    head = body[:16].lstrip()
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None
