"""The asyncio fetcher against a real server on 127.0.0.1: the twins of ``test_fetch.py``.

Each test drives its own event loop with :func:`asyncio.run`, so no async test plugin is
needed.
"""

from __future__ import annotations

import asyncio
import threading
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Iterator

import pytest

import newsclean
from _http_server import FAST_OPTIONS_KW, Handler, LocalServer, reply, server, zeros
from newsclean import (
    AsyncFetcher,
    ConnectError,
    DisallowedAddress,
    FetchError,
    FetchLimits,
    FetchOptions,
    FetchTimeout,
    NotHTML,
    Page,
    RetryPolicy,
    RobotsDisallowed,
    StatusError,
    TooLarge,
    TooManyRedirects,
)

__all__ = ["server"]

MB = 1024 * 1024


class AsyncSleeps(list[float]):
    """An injected async sleep that records instead of sleeping."""

    async def __call__(self, seconds: float) -> None:
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


def fetch(url: str, sleeps: AsyncSleeps | None = None, **kwargs: object) -> Page:
    async def main() -> Page:
        async with AsyncFetcher(
            options=options(**kwargs), sleep=AsyncSleeps() if sleeps is None else sleeps
        ) as f:
            return await f.fetch(url)

    return asyncio.run(main())


def test_afetch_returns_page(server: LocalServer) -> None:
    url = server.page("/a", "<p>Grüße</p>")
    page = asyncio.run(newsclean.afetch(url, options=options()))
    assert (page.status, page.text, page.encoding_source) == (200, "<p>Grüße</p>", "header")
    assert server.requests[-1][1]["User-Agent"].startswith("newsclean/")


def test_slow_first_byte_times_out(server: LocalServer) -> None:
    @server.route("/slow")
    def slow(handler: Handler) -> None:
        handler.pause(5)
        handler.send_body(200, b"late")

    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch(server.url("/slow"), read_timeout_s=0.2, retry=RetryPolicy(attempts=1))
    assert time.monotonic() - started < 1.5
    assert server.hits["/slow"] == 1


def test_connection_reset_mid_body(server: LocalServer) -> None:
    @server.route("/reset")
    def reset(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"<html>" + b"x" * 1000)
        handler.reset()

    sleeps = AsyncSleeps()
    with pytest.raises(ConnectError):
        fetch(server.url("/reset"), sleeps)
    assert server.hits["/reset"] == 3
    assert len(sleeps) == 2


def test_503_twice_then_200(server: LocalServer) -> None:
    url = server.sequence("/flaky", [reply(503), reply(503), reply(200, b"<p>ok</p>")])
    sleeps = AsyncSleeps()
    page = fetch(url, sleeps, retry=RetryPolicy(attempts=4, backoff_initial_s=0.25, jitter_s=0))
    assert page.attempts == 3
    assert server.hits["/flaky"] == 3
    assert sleeps == [0.25, 0.5]


def test_429_retry_after_is_waited(server: LocalServer) -> None:
    url = server.sequence(
        "/busy", [reply(429, headers={"Retry-After": "4"}), reply(200, b"<p>ok</p>")]
    )
    sleeps = AsyncSleeps()
    assert fetch(url, sleeps).attempts == 2
    assert sleeps == [4.0]


def test_404_is_not_retried(server: LocalServer) -> None:
    url = server.page("/missing", b"", status=404)
    with pytest.raises(StatusError) as info:
        fetch(url)
    assert info.value.status == 404
    assert server.hits["/missing"] == 1


def test_redirects_and_loops(server: LocalServer) -> None:
    server.page("/end")
    server.redirect("/start", "/mid")
    server.redirect("/mid", "/end", status=308)
    page = fetch(server.url("/start"))
    assert page.final_url == server.url("/end")
    assert page.redirects == (server.url("/start"), server.url("/mid"))
    server.redirect("/x", "/y")
    server.redirect("/y", "/x")
    with pytest.raises(TooManyRedirects):
        fetch(server.url("/x"))


def test_large_body_stops_early(server: LocalServer) -> None:
    @server.route("/huge")
    def huge(handler: Handler) -> None:
        handler.stream(zeros(50 * MB))

    with pytest.raises(TooLarge):
        fetch(server.url("/huge"), max_bytes=5 * MB)
    assert server.body_bytes["/huge"] < 20 * MB


def test_gzip_bomb_is_stopped_with_bounded_memory(server: LocalServer) -> None:
    def compressed_zeros() -> Iterator[bytes]:  # 256 MiB of zeros, compressed while sent
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        block = bytes(MB)
        for _ in range(256):
            yield packer.compress(block)
        yield packer.flush()

    @server.route("/bomb")
    def bomb(handler: Handler) -> None:
        handler.stream(compressed_zeros(), headers={"Content-Encoding": "gzip"})

    tracemalloc.start()
    try:
        with pytest.raises(TooLarge):
            fetch(server.url("/bomb"), max_bytes=5 * MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 24 * MB


def test_pdf_is_not_html(server: LocalServer) -> None:
    server.page("/as-html", b"%PDF-1.4 ...", content_type="text/html")
    server.page("/as-pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    for path in ("/as-html", "/as-pdf"):
        with pytest.raises(NotHTML):
            fetch(server.url(path))


def test_charsets(server: LocalServer) -> None:
    sjis = '<meta charset="shift_jis"><p>東京の天気</p>'.encode("shift_jis")
    server.page("/sjis", sjis, content_type="text/html")
    server.page("/bom", b"\xef\xbb\xbf<p>\xc3\xa9t\xc3\xa9</p>", content_type="text/html")
    page = fetch(server.url("/sjis"))
    assert (page.encoding_source, "東京の天気" in page.text) == ("meta", True)
    page = fetch(server.url("/bom"))
    assert (page.encoding_source, page.text) == ("bom", "<p>été</p>")


def test_robots(server: LocalServer) -> None:
    server.page("/robots.txt", "User-agent: *\nDisallow: /no\n", content_type="text/plain")
    server.page("/no")
    server.page("/yes")

    async def main() -> tuple[Page, BaseException | None]:
        async with AsyncFetcher(options=options(respect_robots=True)) as f:
            page = await f.fetch(server.url("/yes"))
            try:
                await f.fetch(server.url("/no"))
            except RobotsDisallowed as exc:
                return page, exc
            return page, None

    page, error = asyncio.run(main())
    assert page.status == 200
    assert isinstance(error, RobotsDisallowed)
    assert server.hits["/no"] == 0
    assert server.hits["/robots.txt"] == 1


def test_robots_500_disallows_all(server: LocalServer) -> None:
    server.page("/robots.txt", b"", status=503)
    server.page("/a")
    with pytest.raises(RobotsDisallowed):
        fetch(server.url("/a"), respect_robots=True)


def test_ssrf_guard(server: LocalServer) -> None:
    url = server.page("/a")
    with pytest.raises(DisallowedAddress):
        fetch(url, allow_private_addresses=False)
    with pytest.raises(DisallowedAddress):
        fetch("http://localhost:9/", allow_private_addresses=False)
    with pytest.raises(DisallowedAddress):
        fetch("file:///etc/passwd")
    assert server.hits["/a"] == 0


def test_afetch_many_one_bad_url_among_good(server: LocalServer) -> None:
    good = [server.page(f"/g{i}", f"<p>{i}</p>") for i in range(6)]
    bad = server.page("/bad", b"", status=500)

    async def main() -> list[Page | FetchError]:
        async with AsyncFetcher(options=options(), sleep=AsyncSleeps()) as f:
            return [r async for r in f.afetch_many([good[0], bad, *good[1:], "nope://x"])]

    results = asyncio.run(main())
    assert len(results) == 8
    assert sorted(r.url for r in results if isinstance(r, Page)) == sorted(good)
    assert {r.url for r in results if isinstance(r, FetchError)} == {bad, "nope://x"}


def test_afetch_many_accepts_async_iterables_and_limits_per_host(server: LocalServer) -> None:
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

    async def urls() -> AsyncIterator[str]:
        for i in range(12):
            yield server.url(f"/slow?{i}")

    async def main() -> list[Page | FetchError]:
        limits = FetchLimits(max_concurrency=10, max_per_host=3)
        async with AsyncFetcher(options=options(limits=limits)) as f:
            return [r async for r in f.afetch_many(urls())]

    results = asyncio.run(main())
    assert len(results) == 12
    assert all(isinstance(r, Page) for r in results)
    assert state["peak"] == 3


def test_afetch_many_can_be_abandoned(server: LocalServer) -> None:
    server.page("/a")

    async def main() -> Page | FetchError:
        async with AsyncFetcher(options=options()) as f:
            results = f.afetch_many(server.url(f"/a?{i}") for i in range(200))
            first = await results.__anext__()
            await results.aclose()
            return first

    assert isinstance(asyncio.run(main()), Page)
    assert server.hits["/a"] < 200


def test_min_host_delay_is_shared_across_tasks(server: LocalServer) -> None:
    server.page("/a")
    sleeps = AsyncSleeps()

    async def main() -> None:
        async with AsyncFetcher(options=options(min_host_delay_s=2.0), sleep=sleeps) as f:
            await asyncio.gather(*(f.fetch(server.url(f"/a?{i}")) for i in range(4)))

    asyncio.run(main())
    # four concurrent tasks, one host: slots at 0, 2, 4 and 6 seconds
    assert sorted(round(s) for s in sleeps) == [2, 4, 6]


def test_ascrape(server: LocalServer) -> None:
    server.page(
        "/story",
        "<html><body><article><h1>Rates rise</h1><p>The central bank raised its main "
        "interest rate by a quarter point on Thursday, citing persistent inflation in "
        "services and wages.</p></article></body></html>",
    )

    async def main() -> newsclean.Article:
        async with AsyncFetcher(options=options()) as f:
            return await newsclean.ascrape(server.url("/story"), fetcher=f)

    article = asyncio.run(main())
    assert "central bank" in article.text
    assert article.url == server.url("/story")


def test_busy_host_does_not_block_other_hosts(server: LocalServer) -> None:
    @server.route("/slow")
    def slow(handler: Handler) -> None:
        handler.pause(0.15)
        handler.send_body(200, b"<p>slow</p>")

    server.page("/fast")
    port = server.server_address[1]
    slow_urls = [server.url(f"/slow?{i}") for i in range(4)]
    fast_url = f"http://localhost:{port}/fast"

    async def main() -> list[str]:
        limits = FetchLimits(max_concurrency=4, max_per_host=1)
        async with AsyncFetcher(options=options(limits=limits)) as f:
            return [r.url async for r in f.afetch_many([*slow_urls, fast_url])]

    order = asyncio.run(main())
    assert order[0] == fast_url
    assert sorted(order[1:]) == sorted(slow_urls)
