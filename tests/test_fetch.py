"""The blocking fetcher against a real server on 127.0.0.1 (see ``_http_server.py``)."""

from __future__ import annotations

import gzip
import threading
import time
import tracemalloc
import zlib
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import brotli
import pytest

import newsclean
from _http_server import FAST_OPTIONS_KW, Handler, LocalServer, reply, server, zeros
from newsclean import (
    ConnectError,
    DisallowedAddress,
    Fetcher,
    FetchError,
    FetchLimits,
    FetchOptions,
    FetchTimeout,
    NotHTML,
    RetryPolicy,
    RobotsDisallowed,
    StatusError,
    TooLarge,
    TooManyRedirects,
)

__all__ = ["server"]  # the fixture, imported for pytest

MB = 1024 * 1024


class Sleeps(list[float]):
    """An injected sleep that records instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def options(**kwargs: object) -> FetchOptions:
    merged: dict[str, object] = {
        **FAST_OPTIONS_KW,
        "respect_robots": False,
        "connect_timeout_s": 2.0,
        "read_timeout_s": 2.0,
        "total_timeout_s": 10.0,
        "retry": RetryPolicy(attempts=3, jitter_s=0.0),
    }
    merged.update(kwargs)
    return FetchOptions(**merged)  # type: ignore[arg-type]


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def fetcher(sleeps: Sleeps, **kwargs: object) -> Fetcher:
    return Fetcher(options=options(**kwargs), sleep=sleeps)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """1 GiB of zeros, gzip-compressed as a stream (about 4.5 MB, made in ~1.5 s)."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MB)
    return b"".join([packer.compress(block) for _ in range(1024)] + [packer.flush()])


@pytest.fixture(scope="module")
def brotli_bomb() -> bytes:
    packer = brotli.Compressor(quality=1)
    block = bytes(MB)
    return b"".join([packer.process(block) for _ in range(1024)] + [packer.finish()])


# -- the page ---------------------------------------------------------------------------------


def test_fetch_returns_page_with_metadata(server: LocalServer, sleeps: Sleeps) -> None:
    url = server.page("/a", "<html><body><p>Grüße</p></body></html>")
    with fetcher(sleeps) as f:
        page = f.fetch(url)
    assert page.url == url
    assert page.final_url == url
    assert page.status == 200
    assert "Grüße" in page.text
    assert page.content == "<html><body><p>Grüße</p></body></html>".encode()
    assert (page.encoding, page.encoding_source) == ("utf-8", "header")
    assert page.content_type == "text/html; charset=utf-8"
    assert page.redirects == ()
    assert page.attempts == 1
    assert 0 < page.elapsed_s < 5
    user_agent = server.requests[-1][1]["User-Agent"]
    assert user_agent.startswith(f"newsclean/{newsclean.__version__}")


def test_fetch_function_and_overridden_user_agent(server: LocalServer) -> None:
    url = server.page("/ua")
    page = newsclean.fetch(url, options=options(user_agent="mybot/2.0"))
    assert page.status == 200
    assert server.requests[-1][1]["User-Agent"] == "mybot/2.0"


def test_gzip_and_brotli_bodies_are_decoded(server: LocalServer, sleeps: Sleeps) -> None:
    html = b"<html><body>" + b"<p>news</p>" * 1000 + b"</body></html>"
    server.page("/gz", gzip.compress(html), headers={"Content-Encoding": "gzip"})
    server.page("/br", brotli.compress(html), headers={"Content-Encoding": "br"})
    server.page("/deflate", zlib.compress(html), headers={"Content-Encoding": "deflate"})
    with fetcher(sleeps) as f:
        for path in ("/gz", "/br", "/deflate"):
            assert f.fetch(server.url(path)).content == html
    assert "gzip" in server.requests[-1][1]["Accept-Encoding"]


# -- timeouts, broken connections, retries ----------------------------------------------------


def test_slow_first_byte_times_out(server: LocalServer, sleeps: Sleeps) -> None:
    @server.route("/slow")
    def slow(handler: Handler) -> None:
        handler.pause(5)
        handler.send_body(200, b"late")

    started = time.monotonic()
    with (
        fetcher(sleeps, read_timeout_s=0.2, retry=RetryPolicy(attempts=2, jitter_s=0)) as f,
        pytest.raises(FetchTimeout) as info,
    ):
        f.fetch(server.url("/slow"))
    assert time.monotonic() - started < 2.0
    assert info.value.url == server.url("/slow")
    assert server.hits["/slow"] == 2  # timeouts are retried
    assert len(sleeps) == 1


def test_total_timeout_bounds_a_dripping_body(server: LocalServer, sleeps: Sleeps) -> None:
    @server.route("/drip")
    def drip(handler: Handler) -> None:
        def chunks():
            for _ in range(100):
                handler.pause(0.05)
                yield b"<p>x</p>"

        handler.stream(chunks())

    started = time.monotonic()
    with (
        fetcher(sleeps, total_timeout_s=0.4, retry=RetryPolicy(attempts=1)) as f,
        pytest.raises(FetchTimeout),
    ):
        f.fetch(server.url("/drip"))
    assert time.monotonic() - started < 1.5


def test_connection_reset_mid_body_is_retried_then_raised(
    server: LocalServer, sleeps: Sleeps
) -> None:
    @server.route("/reset")
    def reset(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"<html>" + b"x" * 1000)
        handler.reset()

    with fetcher(sleeps) as f, pytest.raises(ConnectError) as info:
        f.fetch(server.url("/reset"))
    assert info.value.url == server.url("/reset")
    assert server.hits["/reset"] == 3
    assert len(sleeps) == 2


def test_503_twice_then_200(server: LocalServer, sleeps: Sleeps) -> None:
    url = server.sequence("/flaky", [reply(503), reply(503), reply(200, b"<p>ok</p>")])
    with fetcher(sleeps, retry=RetryPolicy(attempts=4, backoff_initial_s=0.5, jitter_s=0)) as f:
        page = f.fetch(url)
    assert page.attempts == 3
    assert server.hits["/flaky"] == 3
    assert sleeps == [0.5, 1.0]  # exponential backoff


def test_503_gives_up_after_attempts(server: LocalServer, sleeps: Sleeps) -> None:
    url = server.page("/down", b"", status=503)
    with fetcher(sleeps) as f, pytest.raises(StatusError) as info:
        f.fetch(url)
    assert info.value.status == 503
    assert server.hits["/down"] == 3


def test_429_retry_after_seconds_is_waited(server: LocalServer, sleeps: Sleeps) -> None:
    url = server.sequence(
        "/busy", [reply(429, headers={"Retry-After": "7"}), reply(200, b"<p>ok</p>")]
    )
    with fetcher(sleeps) as f:
        assert f.fetch(url).attempts == 2
    assert sleeps == [7.0]


def test_429_retry_after_http_date_is_waited(server: LocalServer, sleeps: Sleeps) -> None:
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    url = server.sequence(
        "/busy", [reply(429, headers={"Retry-After": when}), reply(200, b"<p>ok</p>")]
    )
    with fetcher(sleeps) as f:
        f.fetch(url)
    assert len(sleeps) == 1
    assert 25 <= sleeps[0] <= 30


def test_retry_after_past_the_ceiling_gives_up_at_once(server: LocalServer, sleeps: Sleeps) -> None:
    url = server.page("/later", b"", status=503, headers={"Retry-After": "3600"})
    policy = RetryPolicy(attempts=5, max_retry_after_s=60)
    with fetcher(sleeps, retry=policy) as f, pytest.raises(StatusError) as info:
        f.fetch(url)
    assert info.value.retry_after == 3600
    assert server.hits["/later"] == 1
    assert sleeps == []


@pytest.mark.parametrize(("status", "hits"), [(404, 1), (403, 1), (410, 1), (408, 3), (500, 3)])
def test_only_408_429_and_5xx_are_retried(
    server: LocalServer, sleeps: Sleeps, status: int, hits: int
) -> None:
    url = server.page("/s", b"", status=status)
    with fetcher(sleeps) as f, pytest.raises(StatusError) as info:
        f.fetch(url)
    assert info.value.status == status
    assert server.hits["/s"] == hits


def test_retry_policy_refuses_final_4xx() -> None:
    with pytest.raises(newsclean.OptionsError):
        RetryPolicy(retry_statuses=frozenset({404}))


def test_total_retry_time_is_capped(server: LocalServer, sleeps: Sleeps) -> None:
    url = server.page("/down", b"", status=503, headers={"Retry-After": "40"})
    policy = RetryPolicy(attempts=10, max_elapsed_s=100)
    with fetcher(sleeps, retry=policy) as f, pytest.raises(StatusError):
        f.fetch(url)
    assert sleeps == [40.0, 40.0]  # a third wait would pass 100 s
    assert server.hits["/down"] == 3


def test_connection_refused_is_a_connect_error(sleeps: Sleeps) -> None:
    import socket

    with socket.socket() as sock:  # a port that is surely closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with fetcher(sleeps) as f, pytest.raises(ConnectError):
        f.fetch(f"http://127.0.0.1:{port}/")
    assert len(sleeps) == 2


# -- redirects --------------------------------------------------------------------------------


def test_redirect_chain_is_followed_and_recorded(server: LocalServer, sleeps: Sleeps) -> None:
    final = server.page("/c", "<p>end</p>")
    server.redirect("/b", "/c", status=301)
    first = server.redirect("/a", server.url("/b"))
    with fetcher(sleeps) as f:
        page = f.fetch(first)
    assert page.final_url == final
    assert page.redirects == (first, server.url("/b"))
    assert page.url == first


def test_redirect_loop_is_detected(server: LocalServer, sleeps: Sleeps) -> None:
    server.redirect("/x", "/y")
    server.redirect("/y", "/x")
    with fetcher(sleeps) as f, pytest.raises(TooManyRedirects, match="loop"):
        f.fetch(server.url("/x"))
    assert server.hits["/x"] == 2  # one revisit allowed (cookie walls), not more


def test_redirect_limit(server: LocalServer, sleeps: Sleeps) -> None:
    for i in range(6):
        server.redirect(f"/r{i}", f"/r{i + 1}")
    server.page("/r6")
    with fetcher(sleeps, max_redirects=5) as f, pytest.raises(TooManyRedirects):
        f.fetch(server.url("/r0"))
    with fetcher(sleeps, max_redirects=6) as f:
        assert len(f.fetch(server.url("/r0")).redirects) == 6


def test_redirect_to_another_scheme_is_refused(server: LocalServer, sleeps: Sleeps) -> None:
    server.redirect("/ftp", "ftp://127.0.0.1/file")
    with fetcher(sleeps) as f, pytest.raises(DisallowedAddress):
        f.fetch(server.url("/ftp"))


# -- size limits ------------------------------------------------------------------------------


def test_50mb_chunked_body_stops_early(server: LocalServer, sleeps: Sleeps) -> None:
    @server.route("/huge")
    def huge(handler: Handler) -> None:
        handler.stream(zeros(50 * MB))

    with fetcher(sleeps, max_bytes=5 * MB) as f, pytest.raises(TooLarge) as info:
        f.fetch(server.url("/huge"))
    assert info.value.limit == 5 * MB
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and threading.active_count() > 2:
        time.sleep(0.02)  # let the handler notice the closed connection
    # socket buffers hold a few MB; the rest was never sent because we hung up
    assert server.body_bytes["/huge"] < 20 * MB
    assert server.hits["/huge"] == 1  # TooLarge is not retried


def test_content_length_over_the_limit_is_refused_before_reading(
    server: LocalServer, sleeps: Sleeps
) -> None:
    @server.route("/big")
    def big(handler: Handler) -> None:
        handler.stream(zeros(50 * MB), content_length=50 * MB)

    with fetcher(sleeps, max_bytes=5 * MB) as f, pytest.raises(TooLarge, match="Content-Length"):
        f.fetch(server.url("/big"))
    assert server.body_bytes["/big"] < 20 * MB


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_compression_bomb_is_stopped_with_bounded_memory(
    server: LocalServer, sleeps: Sleeps, coding: str, request: pytest.FixtureRequest
) -> None:
    bomb = request.getfixturevalue("gzip_bomb" if coding == "gzip" else "brotli_bomb")

    @server.route("/bomb")
    def serve_bomb(handler: Handler) -> None:
        handler.stream(
            (bomb[i : i + 65536] for i in range(0, len(bomb), 65536)),
            headers={"Content-Encoding": coding},
        )

    tracemalloc.start()
    try:
        with fetcher(sleeps, max_bytes=5 * MB) as f, pytest.raises(TooLarge):
            f.fetch(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 24 * MB  # the limit plus pieces, not 1 GiB (nor httpx's 64 MB per chunk)


# -- content types ----------------------------------------------------------------------------


def test_pdf_served_as_html_is_sniffed(server: LocalServer, sleeps: Sleeps) -> None:
    url = server.page("/doc", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", content_type="text/html")
    with fetcher(sleeps) as f, pytest.raises(NotHTML) as info:
        f.fetch(url)
    assert "application/pdf" in str(info.value)
    assert info.value.content_type == "text/html"


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/json"])
def test_non_html_content_type_is_reported(
    server: LocalServer, sleeps: Sleeps, content_type: str
) -> None:
    url = server.page("/doc", b"%PDF-1.7", content_type=content_type)
    with fetcher(sleeps) as f, pytest.raises(NotHTML) as info:
        f.fetch(url)
    assert info.value.content_type == content_type
    assert server.hits["/doc"] == 1


def test_missing_content_type_is_sniffed_as_html(server: LocalServer, sleeps: Sleeps) -> None:
    url = server.page("/bare", b"<!doctype html><p>hi</p>", content_type=None)
    with fetcher(sleeps) as f:
        assert f.fetch(url).text == "<!doctype html><p>hi</p>"


# -- charsets ---------------------------------------------------------------------------------


def test_cp1252_without_any_declaration_is_detected(server: LocalServer, sleeps: Sleeps) -> None:
    body = (
        "<html><body><p>Le café de l'été, très animé, à côté du théâtre.</p>"
        "<p>Hélène répète: « déjà vu » — naïve façon.</p></body></html>"
    ).encode("cp1252")
    url = server.page("/cp1252", body, content_type="text/html")
    with fetcher(sleeps) as f:
        page = f.fetch(url)
    assert page.encoding_source == "detected"
    # charset_normalizer takes short French cp1252 for cp1257 (è -> č); é and à survive
    assert "café" in page.text
    assert "l'été" in page.text


def test_shift_jis_declared_in_meta(server: LocalServer, sleeps: Sleeps) -> None:
    body = '<html><head><meta charset="shift_jis"></head><body><p>日本語のニュース</p>'.encode(
        "shift_jis"
    )
    url = server.page("/sjis", body, content_type="text/html")
    with fetcher(sleeps) as f:
        page = f.fetch(url)
    assert page.encoding_source == "meta"
    assert "日本語のニュース" in page.text


def test_utf8_bom_beats_a_wrong_header(server: LocalServer, sleeps: Sleeps) -> None:
    body = b"\xef\xbb\xbf<p>na\xc3\xafve \xe2\x80\x94 caf\xc3\xa9</p>"
    url = server.page("/bom", body, content_type="text/html; charset=iso-8859-1")
    with fetcher(sleeps) as f:
        page = f.fetch(url)
    assert page.encoding_source == "bom"
    assert page.text == "<p>naïve — café</p>"


def test_header_charset_is_used(server: LocalServer, sleeps: Sleeps) -> None:
    url = server.page(
        "/latin", "<p>Ärger</p>".encode("cp1252"), content_type="text/html; charset=windows-1252"
    )
    with fetcher(sleeps) as f:
        page = f.fetch(url)
    assert page.encoding_source == "header"
    assert page.text == "<p>Ärger</p>"


# -- robots.txt and politeness ----------------------------------------------------------------


def test_robots_disallow(server: LocalServer, sleeps: Sleeps) -> None:
    server.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.page("/private/a")
    server.page("/public")
    with fetcher(sleeps, respect_robots=True) as f:
        with pytest.raises(RobotsDisallowed) as info:
            f.fetch(server.url("/private/a"))
        assert info.value.url == server.url("/private/a")
        assert f.fetch(server.url("/public")).status == 200
    assert server.hits["/private/a"] == 0
    assert server.hits["/robots.txt"] == 1  # cached per host


def test_robots_group_for_newsclean(server: LocalServer, sleeps: Sleeps) -> None:
    server.page(
        "/robots.txt",
        "User-agent: newsclean\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
        content_type="text/plain",
    )
    server.page("/a")
    with fetcher(sleeps, respect_robots=True) as f, pytest.raises(RobotsDisallowed):
        f.fetch(server.url("/a"))
    with fetcher(sleeps, respect_robots=True, user_agent="otherbot/1.0") as f:
        assert f.fetch(server.url("/a")).status == 200


def test_robots_404_allows_all(server: LocalServer, sleeps: Sleeps) -> None:
    server.page("/a")
    with fetcher(sleeps, respect_robots=True) as f:
        assert f.fetch(server.url("/a")).status == 200
    assert server.hits["/robots.txt"] == 1


def test_robots_500_disallows_all(server: LocalServer, sleeps: Sleeps) -> None:
    server.page("/robots.txt", b"", status=500)
    server.page("/a")
    with fetcher(sleeps, respect_robots=True) as f, pytest.raises(RobotsDisallowed):
        f.fetch(server.url("/a"))
    assert server.hits["/a"] == 0


def test_robots_can_be_ignored(server: LocalServer, sleeps: Sleeps) -> None:
    server.page("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    server.page("/a")
    with fetcher(sleeps, respect_robots=False) as f:
        assert f.fetch(server.url("/a")).status == 200
    assert server.hits["/robots.txt"] == 0


def test_crawl_delay_paces_requests(server: LocalServer, sleeps: Sleeps) -> None:
    server.page("/robots.txt", "User-agent: *\nCrawl-delay: 3\n", content_type="text/plain")
    for i in range(3):
        server.page(f"/p{i}")
    with fetcher(sleeps, respect_robots=True, min_host_delay_s=1.0) as f:
        for i in range(3):
            f.fetch(server.url(f"/p{i}"))
    # the injected sleep does not advance the clock, so the second request waits two slots
    assert len(sleeps) == 2
    assert 2.5 < sleeps[0] <= 3.0
    assert 5.0 < sleeps[1] <= 6.0


def test_min_host_delay_paces_requests(server: LocalServer) -> None:
    server.page("/a")
    started = time.monotonic()
    with Fetcher(options=options(min_host_delay_s=0.15)) as f:  # real sleep
        for _ in range(3):
            f.fetch(server.url("/a"))
    assert time.monotonic() - started >= 0.3


def test_per_host_limit_is_shared_across_threads(server: LocalServer, sleeps: Sleeps) -> None:
    state = {"now": 0, "peak": 0}
    lock = threading.Lock()

    @server.route("/slow")
    def slow(handler: Handler) -> None:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        handler.pause(0.1)
        with lock:
            state["now"] -= 1
        handler.send_body(200, b"<p>ok</p>")

    limits = FetchLimits(max_concurrency=8, max_per_host=2)
    with fetcher(sleeps, limits=limits) as f:
        results = list(f.fetch_many([server.url(f"/slow?{i}") for i in range(12)]))
    assert all(isinstance(r, newsclean.Page) for r in results)
    assert state["peak"] == 2


# -- SSRF guard -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "[::1]",
        "10.0.0.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "[::ffff:127.0.0.1]",
    ],
)
def test_private_addresses_are_refused_by_default(host: str, sleeps: Sleeps) -> None:
    with (
        Fetcher(options=FetchOptions(respect_robots=False), sleep=sleeps) as f,
        pytest.raises(DisallowedAddress),
    ):
        f.fetch(f"http://{host}:9/")


def test_loopback_server_is_refused_without_the_flag(server: LocalServer) -> None:
    url = server.page("/a")
    with pytest.raises(DisallowedAddress) as info:
        newsclean.fetch(url)
    assert info.value.url == url
    assert server.hits["/a"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "file:///etc/passwd",
        "gopher://x/",
        "example.com/news",
        "http:///nohost",
    ],
)
def test_only_http_and_https(url: str, sleeps: Sleeps) -> None:
    with fetcher(sleeps) as f, pytest.raises(DisallowedAddress):
        f.fetch(url)


def test_peer_address_is_checked_after_connect(server: LocalServer, sleeps: Sleeps) -> None:
    """A DNS answer that turns private between the check and the connect (rebinding)."""
    url = server.page("/a")
    with Fetcher(options=options(allow_private_addresses=False), sleep=sleeps) as f:
        f._core.guard.remember("rebind.test", ("93.184.216.34",))
        f._core.guard.needs_lookup = lambda *a, **k: False  # type: ignore[method-assign]
        with pytest.raises(DisallowedAddress, match=r"127\.0\.0\.1"):
            f.fetch(url)


# -- many pages -------------------------------------------------------------------------------


def test_fetch_many_yields_errors_as_values(server: LocalServer, sleeps: Sleeps) -> None:
    good = [server.page(f"/g{i}", f"<p>{i}</p>") for i in range(5)]
    bad = server.page("/bad", b"", status=404)
    with fetcher(sleeps) as f:
        results = list(f.fetch_many([*good[:2], bad, "ftp://nope/", *good[2:]]))
    assert len(results) == 7
    pages = [r for r in results if isinstance(r, newsclean.Page)]
    errors = [r for r in results if isinstance(r, FetchError)]
    assert sorted(p.url for p in pages) == sorted(good)
    assert {e.url for e in errors} == {bad, "ftp://nope/"}


def test_fetch_many_can_be_abandoned(server: LocalServer, sleeps: Sleeps) -> None:
    server.page("/a")
    with fetcher(sleeps) as f:
        results = f.fetch_many(server.url(f"/a?{i}") for i in range(100))
        first = next(results)
        results.close()
    assert isinstance(first, newsclean.Page)
    assert server.hits["/a"] < 100


# -- cache ------------------------------------------------------------------------------------


def test_conditional_requests_use_the_cache(server: LocalServer, sleeps: Sleeps, tmp_path) -> None:
    body = b"<p>cached page</p>"

    @server.route("/etag")
    def etag(handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.send_header("ETag", '"v1"')
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_body(200, body, headers={"ETag": '"v1"'})

    with fetcher(sleeps, cache_dir=tmp_path / "cache") as f:
        first = f.fetch(server.url("/etag"))
    with fetcher(sleeps, cache_dir=tmp_path / "cache") as f:
        second = f.fetch(server.url("/etag"))
    assert not first.from_cache
    assert second.from_cache
    assert second.content == body
    assert server.body_bytes["/etag"] == len(body)  # sent once
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'


def test_last_modified_is_sent_back(server: LocalServer, sleeps: Sleeps, tmp_path) -> None:
    url = server.page(
        "/lm", b"<p>x</p>", headers={"Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT"}
    )
    with fetcher(sleeps, cache_dir=tmp_path) as f:
        f.fetch(url)
        page = f.fetch(url)  # the server ignores it and answers 200: fine
    assert server.requests[-1][1]["If-Modified-Since"] == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert not page.from_cache


# -- scrape -----------------------------------------------------------------------------------


def test_scrape_returns_an_article(server: LocalServer, sleeps: Sleeps) -> None:
    html = (
        "<html><head><title>Storm hits coast</title></head><body><article><h1>Storm hits coast"
        "</h1><p>A strong storm reached the coast on Monday, forcing thousands of residents to "
        "leave their homes as winds passed 150 km/h.</p><p>Officials said the damage was wide"
        "spread and that power would take days to restore across the region.</p></article>"
        "</body></html>"
    )
    server.page("/story", html)
    url = server.redirect("/s", "/story")
    with fetcher(sleeps) as f:
        article = newsclean.scrape(url, fetcher=f)
    assert isinstance(article, newsclean.Article)
    assert article.url == server.url("/story")
    assert "strong storm" in article.text


def test_scrape_raises_fetch_errors(server: LocalServer) -> None:
    url = server.page("/gone", b"", status=410)
    with pytest.raises(StatusError):
        newsclean.scrape(url, fetch_options=options())


def test_busy_host_does_not_block_other_hosts(server: LocalServer, sleeps: Sleeps) -> None:
    @server.route("/slow")
    def slow(handler: Handler) -> None:
        handler.pause(0.15)
        handler.send_body(200, b"<p>slow</p>")

    server.page("/fast")
    port = server.server_address[1]
    slow_urls = [server.url(f"/slow?{i}") for i in range(4)]
    fast_url = f"http://localhost:{port}/fast"  # the same server under another host name
    limits = FetchLimits(max_concurrency=4, max_per_host=1)
    with fetcher(sleeps, limits=limits) as f:
        order = [r.url for r in f.fetch_many([*slow_urls, fast_url])]
    assert order[0] == fast_url  # it did not wait behind the parked slow URLs
    assert sorted(order[1:]) == sorted(slow_urls)


@pytest.mark.parametrize("target", ["http://10.0.0.1/admin", "http://169.254.169.254/latest/"])
def test_redirect_to_a_private_address_is_refused(
    server: LocalServer, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    """Every hop is checked: pretend the test server is public, redirect to a private host."""
    from newsclean._fetch import netguard as _netguard

    real = _netguard.is_public_address
    monkeypatch.setattr(_netguard, "is_public_address", lambda a: a == "127.0.0.1" or real(a))
    url = server.redirect("/go", target)
    with (
        Fetcher(options=options(allow_private_addresses=False), sleep=sleeps) as f,
        pytest.raises(DisallowedAddress) as info,
    ):
        f.fetch(url)
    assert info.value.url == url
    assert server.hits["/go"] == 1
    assert sleeps == []  # refused, not retried
