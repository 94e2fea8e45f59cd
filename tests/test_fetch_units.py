"""Pure pieces of the fetch layer: error mapping, body decoding, robots, guard, cache, options."""

from __future__ import annotations

import gzip
import inspect
import zlib
from datetime import datetime, timezone
from pathlib import Path

import brotli
import httpx
import pytest

import newsclean
from newsclean import (
    ConnectError,
    DisallowedAddress,
    FetchError,
    FetchOptions,
    FetchTimeout,
    OptionsError,
    RetryPolicy,
    StatusError,
    TooLarge,
    TooManyRedirects,
)
from newsclean._fetch.body import PIECE_BYTES, BodyReader, check_content_type, sniff_non_html
from newsclean._fetch.cache import CacheEntry, DiskCache
from newsclean._fetch.errors import map_httpx_error, parse_retry_after
from newsclean._fetch.netguard import is_public_address
from newsclean._fetch.politeness import HostPacer, HostScheduler, host_key
from newsclean._fetch.robots import RobotsStore, rules_from_response

# -- every httpx exception maps into the newsclean tree ---------------------------------------

EXPECTED = {
    httpx.ConnectTimeout: FetchTimeout,
    httpx.ReadTimeout: FetchTimeout,
    httpx.WriteTimeout: FetchTimeout,
    httpx.PoolTimeout: FetchTimeout,
    httpx.TimeoutException: FetchTimeout,
    httpx.ConnectError: ConnectError,
    httpx.ReadError: ConnectError,
    httpx.WriteError: ConnectError,
    httpx.CloseError: ConnectError,
    httpx.NetworkError: ConnectError,
    httpx.RemoteProtocolError: ConnectError,
    httpx.ProxyError: ConnectError,
    httpx.TooManyRedirects: TooManyRedirects,
    httpx.UnsupportedProtocol: DisallowedAddress,
    httpx.HTTPStatusError: StatusError,
}


def all_httpx_exceptions() -> list[type[Exception]]:
    return sorted(
        (
            obj
            for obj in vars(httpx).values()
            if inspect.isclass(obj) and issubclass(obj, Exception)
        ),
        key=lambda cls: cls.__name__,
    )


def make(cls: type[Exception]) -> Exception:
    request = httpx.Request("GET", "https://example.com/")
    if issubclass(cls, httpx.HTTPStatusError):
        response = httpx.Response(429, headers={"Retry-After": "5"}, request=request)
        return cls("boom", request=request, response=response)
    if issubclass(cls, httpx.RequestError):
        return cls("boom", request=request)
    if issubclass(cls, httpx.StreamError) and cls is not httpx.StreamError:
        return cls()  # type: ignore[call-arg]
    return cls("boom")


@pytest.mark.parametrize("cls", all_httpx_exceptions(), ids=lambda cls: cls.__name__)
def test_every_httpx_exception_is_mapped(cls: type[Exception]) -> None:
    error = map_httpx_error(make(cls), url="https://example.com/a")
    assert isinstance(error, FetchError)
    assert error.url == "https://example.com/a"
    expected = EXPECTED.get(cls, FetchError)
    assert type(error) is expected, f"{cls.__name__} -> {type(error).__name__}"


def test_the_exception_list_is_complete() -> None:
    names = {cls.__name__ for cls in all_httpx_exceptions()}
    assert {"ReadTimeout", "RemoteProtocolError", "DecodingError", "InvalidURL"} <= names
    assert len(names) >= 28  # httpx 0.28 has 28; a new one appears in the parametrized test


def test_status_error_keeps_retry_after() -> None:
    error = map_httpx_error(make(httpx.HTTPStatusError), url="u")
    assert isinstance(error, StatusError)
    assert (error.status, error.retry_after) == (429, 5.0)


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after(" 30 ") == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:01:00 GMT", now=now) == 60.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("-5") is None
    assert parse_retry_after("") is None
    assert parse_retry_after(None) is None


# -- bounded body decoding --------------------------------------------------------------------


def feed_all(reader: BodyReader, data: bytes, step: int = 4096) -> bytes:
    for i in range(0, len(data), step):
        if not reader.feed(data[i : i + step]):
            break
    return reader.finish()


@pytest.mark.parametrize(
    ("coding", "pack"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda d: zlib.compress(d)[2:-4]),  # raw deflate, as some servers send
        ("br", brotli.compress),
        ("gzip, br", lambda d: brotli.compress(gzip.compress(d))),
        (None, lambda d: d),
        ("identity", lambda d: d),
    ],
)
def test_body_reader_decodes(coding: str | None, pack) -> None:
    data = b"<p>" + bytes(range(256)) * 400 + b"</p>"
    reader = BodyReader(coding, max_bytes=len(data), url="u")
    assert feed_all(reader, pack(data)) == data
    assert reader.size == len(data)


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_body_reader_stops_a_bomb_after_one_piece(coding: str) -> None:
    data = bytes(200 * 1024 * 1024)
    packed = gzip.compress(data, 1) if coding == "gzip" else brotli.compress(data, quality=1)
    reader = BodyReader(coding, max_bytes=1_000_000, url="u")
    with pytest.raises(TooLarge) as info:
        feed_all(reader, packed)
    assert info.value.limit == 1_000_000
    assert reader.size <= 1_000_000 + 2 * PIECE_BYTES  # brotli may overshoot its limit a bit


def test_body_reader_truncates_when_asked() -> None:
    reader = BodyReader(None, max_bytes=10, url="u", truncate=True)
    assert reader.feed(b"12345") is True
    assert reader.feed(b"6789abcdef") is False
    assert reader.finish() == b"123456789a"


def test_corrupt_and_unknown_encodings_are_fetch_errors() -> None:
    with pytest.raises(FetchError, match="corrupt"):
        feed_all(BodyReader("gzip", max_bytes=100, url="u"), b"\x1f\x8bnot gzip at all")
    with pytest.raises(FetchError, match="unsupported"):
        BodyReader("compress", max_bytes=100, url="u")


def test_content_type_checks() -> None:
    html = frozenset({"text/html"})
    check_content_type("text/html; charset=utf-8", accepted=html, url="u")
    check_content_type(None, accepted=html, url="u")
    check_content_type("text/plain", accepted=html, url="u")
    with pytest.raises(newsclean.NotHTML) as info:
        check_content_type("image/jpeg", accepted=html, url="u")
    assert info.value.content_type == "image/jpeg"
    assert sniff_non_html(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff_non_html(b"  %PDF-1.5") == "application/pdf"
    assert sniff_non_html(b"<html>") is None


# -- robots, guard, pacing --------------------------------------------------------------------


def test_robots_rules() -> None:
    rules = rules_from_response(
        200, b"User-agent: newsclean\nDisallow: /x\nCrawl-delay: 2\n\nUser-agent: *\nDisallow:\n"
    )
    assert not rules.allowed("https://a.example/x/1", "newsclean")
    assert rules.allowed("https://a.example/y", "newsclean")
    assert rules.allowed("https://a.example/x/1", "otherbot")
    assert rules.crawl_delay("newsclean") == 2.0
    assert rules.crawl_delay("otherbot") is None
    assert rules_from_response(401, b"").allowed("https://a.example/", "newsclean")
    assert not rules_from_response(500, b"").allowed("https://a.example/", "newsclean")
    assert not rules_from_response(429, b"").allowed("https://a.example/", "newsclean")


def test_request_rate_counts_as_a_delay() -> None:
    rules = rules_from_response(200, b"User-agent: *\nRequest-rate: 1/5\n")
    assert rules.crawl_delay("newsclean") == 5.0


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("255.255.255.255", False),
        ("224.0.0.251", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:192.168.0.1", False),
        ("not an ip", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_host_pacer_spaces_reservations() -> None:
    now = [100.0]
    pacer = HostPacer(clock=lambda: now[0])
    assert pacer.reserve("a", 1.0) == 0.0
    assert pacer.reserve("a", 1.0) == 1.0
    assert pacer.reserve("b", 1.0) == 0.0
    now[0] = 105.0
    assert pacer.reserve("a", 1.0) == 0.0


# -- cache ------------------------------------------------------------------------------------


def test_disk_cache_round_trip(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "c")
    entry = CacheEntry(
        url="https://a.example/1",
        status=200,
        headers=(("content-type", "text/html"), ("etag", '"x"')),
        body=b"<p>1</p>",
        etag='"x"',
        last_modified=None,
    )
    cache.put(entry)
    assert cache.get("https://a.example/1") == entry
    assert cache.get("https://a.example/2") is None
    assert entry.conditional_headers() == {"If-None-Match": '"x"'}


def test_disk_cache_ignores_damaged_entries(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    entry = CacheEntry("u", 200, (), b"body", None, "Wed, 21 Oct 2015 07:28:00 GMT")
    cache.put(entry)
    for body in tmp_path.glob("*.body"):
        body.write_bytes(b"truncat")
    assert cache.get("u") is None
    for meta in tmp_path.glob("*.json"):
        meta.write_text("{not json")
    assert cache.get("u") is None


# -- options ----------------------------------------------------------------------------------


def test_options_are_frozen_and_keyword_only() -> None:
    opts = FetchOptions()
    with pytest.raises(AttributeError):
        opts.max_bytes = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        FetchOptions(1)  # type: ignore[misc]
    assert opts.user_agent.startswith(f"newsclean/{newsclean.__version__}")
    assert opts.robots_token == "newsclean"
    assert FetchOptions(user_agent="Mozilla/5.0 (compatible; MyBot)").robots_token == "Mozilla"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_bytes": 0},
        {"read_timeout_s": 0},
        {"max_redirects": -1},
        {"min_host_delay_s": -1},
        {"user_agent": " "},
    ],
)
def test_bad_fetch_options(kwargs: dict[str, object]) -> None:
    with pytest.raises(OptionsError):
        FetchOptions(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [{"attempts": 0}, {"jitter_s": -1}, {"retry_statuses": frozenset({400})}],
)
def test_bad_retry_policies(kwargs: dict[str, object]) -> None:
    with pytest.raises(OptionsError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_fetch_names_are_exported() -> None:
    for name in (
        "AsyncFetcher",
        "FetchLimits",
        "FetchOptions",
        "FetchResult",
        "Fetcher",
        "Page",
        "RetryPolicy",
        "afetch",
        "ascrape",
        "fetch",
        "scrape",
    ):
        assert name in newsclean.__all__
        assert getattr(newsclean, name) is not None


def test_host_scheduler_parks_busy_hosts() -> None:
    schedule = HostScheduler(limit=3, per_host=1, lookahead=4)
    assert schedule.offer("https://a.example/1")
    assert not schedule.offer("https://a.example/2")  # a is busy: parked, no slot taken
    assert schedule.offer("https://b.example/1")
    assert schedule.can_accept()
    assert not schedule.offer("https://A.example/3")  # host names are case-insensitive
    assert schedule.offer("https://c.example/1")
    assert not schedule.can_accept()  # all three slots busy
    # b is done: a still runs, so a's parked URLs wait; nothing else is parked
    assert schedule.finished("https://b.example/1") == []
    assert schedule.running == 2
    assert schedule.finished("https://a.example/1") == ["https://a.example/2"]
    assert schedule.running == 2


def test_host_scheduler_bounds_lookahead() -> None:
    schedule = HostScheduler(limit=10, per_host=1, lookahead=2)
    assert schedule.offer("https://a.example/0")
    assert not schedule.offer("https://a.example/1")
    assert not schedule.offer("https://a.example/2")
    assert not schedule.can_accept()  # two parked: stop reading the input
    assert schedule.finished("https://a.example/0") == ["https://a.example/1"]
    assert schedule.can_accept()
    assert host_key("not a url at all") == "not a url at all"


def test_robots_rules_expire() -> None:
    now = [0.0]
    store = RobotsStore(ttl_s=10, clock=lambda: now[0])
    rules = rules_from_response(404, b"")
    store.put("https://a.example", rules)
    assert store.get("https://a.example") is rules
    now[0] = 11.0
    assert store.get("https://a.example") is None
