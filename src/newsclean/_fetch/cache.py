"""An on-disk cache for conditional requests (ETag / Last-Modified).

One entry per URL: ``<sha256>.json`` holds the validators and response metadata,
``<sha256>.body`` the decoded body. A re-fetch sends ``If-None-Match`` / ``If-Modified-Since``;
a ``304 Not Modified`` is answered from the entry without downloading the page again. Files
are written to a temporary name and renamed, so a crash never leaves a half entry behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CacheEntry", "DiskCache"]


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """What is kept of one response."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str | None
    last_modified: str | None

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

    def get(self, url: str) -> CacheEntry | None:
        """Return the entry for ``url``, or ``None`` when there is none or it is unreadable."""
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("url") != url or meta.get("size") != len(body):
            return None
        return CacheEntry(
            url=url,
            status=int(meta["status"]),
            headers=tuple((str(k), str(v)) for k, v in meta["headers"]),
            body=body,
            etag=meta.get("etag"),
            last_modified=meta.get("last_modified"),
        )

    def put(self, entry: CacheEntry) -> None:
        """Store an entry (only worth it when it has a validator)."""
        meta_path, body_path = self._paths(entry.url)
        meta = {
            "url": entry.url,
            "status": entry.status,
            "headers": [list(pair) for pair in entry.headers],
            "etag": entry.etag,
            "last_modified": entry.last_modified,
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
