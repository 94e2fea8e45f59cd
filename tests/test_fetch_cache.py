"""The conditional-request cache against a loopback server: Cache-Control no-store and Vary."""

from __future__ import annotations

from pathlib import Path

from _http_server import FAST_OPTIONS_KW, Handler, LocalServer, server
from newsclean import Fetcher, FetchOptions
from newsclean._fetch.cache import storable, vary_values

__all__ = ["server"]

BODY = b"<html><body><p>The harbour reopened on Monday.</p></body></html>"


def _fetcher(cache: Path, **kwargs: object) -> Fetcher:
    options = FetchOptions(**{**FAST_OPTIONS_KW, "respect_robots": False, "cache_dir": cache,
                              **kwargs})  # type: ignore[arg-type]  # fmt: skip
    return Fetcher(options=options)


def _etag_route(server: LocalServer, path: str, headers: dict[str, str]) -> None:
    @server.route(path)
    def route(handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.send_header("ETag", '"v1"')
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_body(200, BODY, headers={"ETag": '"v1"', **headers})


def test_no_store_is_not_kept(server: LocalServer, tmp_path: Path) -> None:
    _etag_route(server, "/private", {"Cache-Control": "private, no-store"})
    with _fetcher(tmp_path) as fetcher:
        first = fetcher.fetch(server.url("/private"))
        second = fetcher.fetch(server.url("/private"))
    assert not first.from_cache
    assert not second.from_cache
    assert "If-None-Match" not in server.requests[-1][1]
    assert list(tmp_path.iterdir()) == []


def test_vary_keeps_an_entry_to_requests_like_its_own(server: LocalServer, tmp_path: Path) -> None:
    _etag_route(server, "/varies", {"Vary": "Accept-Language, Accept-Encoding"})
    url = server.url("/varies")
    english = {"headers": {"Accept-Language": "en"}}
    with _fetcher(tmp_path, **english) as fetcher:
        assert not fetcher.fetch(url).from_cache
        assert fetcher.fetch(url).from_cache  # same Accept-Language: revalidated, 304
    with _fetcher(tmp_path, headers={"Accept-Language": "de"}) as fetcher:
        german = fetcher.fetch(url)
    assert not german.from_cache  # the English entry does not answer a German request
    assert "If-None-Match" not in server.requests[-1][1]


def test_vary_star_is_never_kept(server: LocalServer, tmp_path: Path) -> None:
    _etag_route(server, "/star", {"Vary": "*"})
    with _fetcher(tmp_path) as fetcher:
        fetcher.fetch(server.url("/star"))
        assert not fetcher.fetch(server.url("/star")).from_cache
    assert list(tmp_path.iterdir()) == []


def test_storable_and_vary_values() -> None:
    assert storable({"cache-control": "max-age=60, public"})
    assert not storable({"cache-control": "No-Store"})
    assert not storable({"vary": "Accept-Encoding, *"})
    assert vary_values({"vary": "Accept-Language,User-Agent"}, {"accept-language": "fr"}) == (
        ("accept-language", "fr"),
        ("user-agent", ""),
    )
