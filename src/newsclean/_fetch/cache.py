"""An on-disk cache for conditional requests (ETag / Last-Modified).

One entry per URL: ``<sha256>.json`` holds the validators and response metadata,
``<sha256>.body`` the decoded body. A re-fetch sends ``If-None-Match`` / ``If-Modified-Since``;
a ``304 Not Modified`` is answered from the entry without downloading the page again. Files
are written to a temporary name and renamed, so a crash never leaves a half entry behind.

Every re-fetch asks the server (a crawler re-fetches to see the page as it is now), so
``Cache-Control`` freshness (``max-age``, ``Expires``) never skips a request. What the cache
does honour: ``Cache-Control: no-store`` (the response is not kept, and an older entry for
the URL is dropped) and ``Vary`` (an entry is used only for a request whose varying headers
are the same as those it was fetched with; ``Vary: *`` is never kept). docs/fetch.md says
why this is not hishel, with the measurement.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CacheEntry", "DiskCache", "storable", "vary_values"]


def _tokens(value: str | None) -> list[str]:
    return [token.strip().lower() for token in (value or "").split(",") if token.strip()]


def storable(response_headers: Mapping[str, str]) -> bool:
    """Whether a response may be kept: not ``Cache-Control: no-store``, not ``Vary: *``."""
    directives = [
        d.split("=", 1)[0].strip() for d in _tokens(response_headers.get("cache-control"))
    ]
    return "no-store" not in directives and "*" not in _tokens(response_headers.get("vary"))


def vary_values(
    response_headers: Mapping[str, str], request_headers: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """The request's values of the headers the response varies on (``Vary``), by name."""
    return tuple(
        (name, request_headers.get(name) or "") for name in _tokens(response_headers.get("vary"))
    )


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """What is kept of one response."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str | None
    last_modified: str | None
    # the request headers the response varies on, lower-case names, as they were sent
    vary: tuple[tuple[str, str], ...] = ()

    def matches(self, request_headers: Mapping[str, str]) -> bool:
        """Whether a request with these headers may be answered by this entry (``Vary``)."""
        return all((request_headers.get(name) or "") == value for name, value in self.vary)

    def conditional_headers(self) -> dict[str, str]:
        """The request headers that ask the server whether this entry is still current."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class DiskCache:
    """A folder of cache entries, keyed by URL."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.directory / f"{key}.json", self.directory / f"{key}.body"

    def get(self, url: str, request_headers: Mapping[str, str] | None = None) -> CacheEntry | None:
        """Return the entry for ``url``, or ``None`` when there is none, it is unreadable, or
        it varies (``Vary``) on a header ``request_headers`` gives another value."""
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("url") != url or meta.get("size") != len(body):
            return None
        entry = CacheEntry(
            url=url,
            status=int(meta["status"]),
            headers=tuple((str(k), str(v)) for k, v in meta["headers"]),
            body=body,
            etag=meta.get("etag"),
            last_modified=meta.get("last_modified"),
            vary=tuple((str(k), str(v)) for k, v in meta.get("vary", ())),
        )
        if request_headers is not None and not entry.matches(request_headers):
            return None
        return entry

    def remove(self, url: str) -> None:
        """Drop the entry for ``url``, if any."""
        for path in self._paths(url):
            with contextlib.suppress(OSError):
                path.unlink()

    def put(self, entry: CacheEntry) -> None:
        """Store an entry (only worth it when it has a validator)."""
        meta_path, body_path = self._paths(entry.url)
        meta = {
            "url": entry.url,
            "status": entry.status,
            "headers": [list(pair) for pair in entry.headers],
            "etag": entry.etag,
            "last_modified": entry.last_modified,
            "vary": [list(pair) for pair in entry.vary],
            "size": len(entry.body),
        }
        _write_atomic(body_path, entry.body)
        _write_atomic(meta_path, json.dumps(meta).encode("utf-8"))


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
