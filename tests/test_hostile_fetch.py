"""Hostile servers and careless callers against the fetchers (issue 16), over real sockets.

Every server here listens on 127.0.0.1: the HTTP server of ``tests/_http_server.py`` for
ordinary responses, and raw-socket servers for what no well-behaved server library will do
(headers one byte at a time, a gzip body cut short, deflate one byte per packet).
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import socket
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import httpcore
import pytest

import newsclean
from _http_server import FAST_OPTIONS_KW, LocalServer, server
from newsclean import FetchOptions, RetryPolicy

PAGE = (
    b"<html><head><title>Local page</title></head><body><article>"
    + b"<p>A paragraph of text long enough to be read as the story of this page.</p>" * 20
    + b"</article></body></html>"
)


__all__ = ["server"]  # the fixture


def fast(**kw: object) -> FetchOptions:
    base: dict[str, object] = {
        **FAST_OPTIONS_KW,
        "respect_robots": False,
        "retry": RetryPolicy(attempts=1),
    }
    base.update(kw)
    return FetchOptions(**base)  # type: ignore[arg-type]


# -- a raw-socket server -------------------------------------------------------------------


class RawServer:
    """Accepts connections on 127.0.0.1 and hands each socket to ``handle`` in a thread."""

    def __init__(self, handle: Callable[[socket.socket, threading.Event], None]) -> None:
        self.handle = handle
        self.stopping = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            _read_request(conn)
            self.handle(conn, self.stopping)


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    conn.settimeout(5)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


@contextlib.contextmanager
def raw_server(handle: Callable[[socket.socket, threading.Event], None]) -> Iterator[RawServer]:
    server = RawServer(handle)
    server.thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.listener.close()
        server.thread.join(timeout=5)


def slow_headers(conn: socket.socket, stopping: threading.Event) -> None:
    """The status line, then header bytes one every 0.1 s, for a minute."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: ")
    for _ in range(600):
        if stopping.wait(0.1):
            return
        conn.sendall(b"a")


# -- 1. slow headers ------------------------------------------------------------------------


def test_slow_headers_end_at_the_total_timeout_sync() -> None:
    with raw_server(slow_headers) as running:
        started = time.monotonic()
        with pytest.raises(newsclean.FetchTimeout, match="total timeout"):
            newsclean.fetch(running.url(), options=fast(total_timeout_s=1.0, read_timeout_s=5.0))
        assert time.monotonic() - started < 3.0


def test_slow_headers_end_at_the_total_timeout_async() -> None:
    async def main() -> None:
        await newsclean.afetch(running.url(), options=fast(total_timeout_s=1.0, read_timeout_s=5.0))

    with raw_server(slow_headers) as running:
        started = time.monotonic()
        with pytest.raises(newsclean.FetchTimeout, match="total timeout"):
            asyncio.run(main())
        assert time.monotonic() - started < 3.0


def test_a_slow_header_host_does_not_hold_fetch_many(server: LocalServer) -> None:
    fine = [server.page(f"/ok{i}", PAGE) for i in range(4)]
    with raw_server(slow_headers) as slow:
        options = fast(
            total_timeout_s=1.0,
            read_timeout_s=5.0,
            limits=newsclean.FetchLimits(max_concurrency=2, max_per_host=2),
        )
        started = time.monotonic()
        with newsclean.Fetcher(options=options) as fetcher:
            results = list(fetcher.fetch_many([slow.url("/a"), slow.url("/b"), *fine]))
        assert time.monotonic() - started < 4.0
    assert sum(isinstance(r, newsclean.FetchTimeout) for r in results) == 2
    assert sum(isinstance(r, newsclean.Page) for r in results) == 4


# -- 4, 5. charset=idna, Retry-After: ² -----------------------------------------------------


@pytest.mark.parametrize("charset", ["idna", "undefined", "utf-7"])
def test_a_charset_that_is_no_document_codec_reads_as_utf8(
    server: LocalServer, charset: str
) -> None:
    url = server.page(
        "/c",
        PAGE.replace(b"Local page", b"Caf\xc3\xa9"),
        content_type=f"text/html; charset={charset}",
    )
    meta = server.page("/m", b'<meta charset="' + charset.encode() + b'">' + PAGE)
    options = fast()
    page = newsclean.fetch(url, options=options)
    assert page.encoding == "utf-8"
    assert "Café" in page.text
    article = newsclean.scrape(url, fetch_options=options)
    assert article.title == "Café"
    assert newsclean.scrape(meta, fetch_options=options).text
    with newsclean.Fetcher(options=options) as fetcher:
        assert all(isinstance(r, newsclean.Page) for r in fetcher.fetch_many([url, meta, url]))


def test_retry_after_superscript_is_no_delay(server: LocalServer) -> None:
    url = server.page("/busy", b"busy", status=503, headers={"Retry-After": "\u00b2"})
    options = fast(retry=RetryPolicy(attempts=2, backoff_initial_s=0.0, jitter_s=0.0))
    with pytest.raises(newsclean.StatusError) as caught:
        newsclean.fetch(url, options=options)
    assert caught.value.status == 503
    assert caught.value.retry_after is None
    assert server.hits["/busy"] == 2
    ok = server.page("/ok", PAGE)
    with newsclean.Fetcher(options=options) as fetcher:
        results = list(fetcher.fetch_many([url, ok, url, ok]))
    assert len(results) == 4
    assert sum(isinstance(r, newsclean.Page) for r in results) == 2


# -- 6. DNS rebinding -----------------------------------------------------------------------


def test_dns_rebinding_never_reaches_loopback(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name answers a public address to the check and 127.0.0.1 after: the connection
    must go to the address that was checked, and no request reach the private server."""
    server.page("/secret", b"secret")
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["93.184.216.34"])

    def rebinding(host: str, port: object, *args: object, **kwargs: object) -> object:
        if host == "rebind.test":
            address = next(answers, "127.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real_getaddrinfo(host, port, *args, **kwargs)  # type: ignore[arg-type]

    connected: list[str] = []
    real_connect = httpcore.SyncBackend.connect_tcp

    def loopback_only(self: object, host: str, port: int, **kwargs: object) -> object:
        connected.append(host)
        if host not in ("127.0.0.1", "rebind.test"):  # nothing may leave this machine
            raise httpcore.ConnectError(f"test: no connection to {host}")
        return real_connect(self, host, port, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", loopback_only)
    options = FetchOptions(
        respect_robots=False, min_host_delay_s=0.0, retry=RetryPolicy(attempts=1)
    )
    port = server.server_address[1]
    with pytest.raises(newsclean.FetchError):
        newsclean.fetch(f"http://rebind.test:{port}/secret", options=options)
    assert server.hits["/secret"] == 0
    assert connected == ["93.184.216.34"]


def test_a_private_answer_at_connect_time_is_refused(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the checked answer has expired, the backend resolves again and checks again."""
    server.page("/secret", b"secret")
    real_getaddrinfo = socket.getaddrinfo

    def private(host: str, port: object, *args: object, **kwargs: object) -> object:
        if host == "rebind.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real_getaddrinfo(host, port, *args, **kwargs)  # type: ignore[arg-type]

    from newsclean._fetch.netguard import AddressGuard

    monkeypatch.setattr(socket, "getaddrinfo", private)
    monkeypatch.setattr(AddressGuard, "check", lambda self, url, *, original: None)
    options = FetchOptions(respect_robots=False, min_host_delay_s=0.0)
    port = server.server_address[1]
    with pytest.raises(newsclean.DisallowedAddress, match="refused at connect"):
        newsclean.fetch(f"http://rebind.test:{port}/secret", options=options)
    assert server.hits["/secret"] == 0


# -- 10, 11. None in the URL list; closing fetch_many early ---------------------------------


def test_none_in_the_url_list_is_one_error_row(server: LocalServer) -> None:
    urls: list[object] = [server.page(f"/p{i}", PAGE) for i in range(20)]
    urls.insert(10, None)
    urls.append(Path("/etc/passwd"))
    with newsclean.Fetcher(
        options=fast(limits=newsclean.FetchLimits(max_concurrency=4, max_per_host=4))
    ) as fetcher:
        results = list(fetcher.fetch_many(urls))  # type: ignore[arg-type]
    assert len(results) == 22
    bad = [r for r in results if not isinstance(r, newsclean.Page)]
    assert sorted(r.url for r in bad) == ["None", "PosixPath('/etc/passwd')"]
    assert all(isinstance(r, newsclean.FetchError) for r in bad)


def test_none_in_the_url_list_async(server: LocalServer) -> None:
    urls: list[object] = [server.page(f"/p{i}", PAGE) for i in range(6)]
    urls.insert(3, None)

    async def main() -> list[newsclean.FetchResult]:
        async with newsclean.AsyncFetcher(options=fast()) as fetcher:
            return [r async for r in fetcher.afetch_many(urls)]  # type: ignore[arg-type]

    results = asyncio.run(main())
    assert len(results) == 7
    assert sum(isinstance(r, newsclean.Page) for r in results) == 6


def test_closing_fetch_many_early_cancels_hanging_requests(server: LocalServer) -> None:
    @server.route("/hang")
    def hang(handler: object) -> None:
        handler.pause(30)  # type: ignore[attr-defined]

    ok = server.page("/ok", PAGE)
    options = fast(
        read_timeout_s=20.0,
        total_timeout_s=30.0,
        limits=newsclean.FetchLimits(max_concurrency=4, max_per_host=4),
    )
    with newsclean.Fetcher(options=options) as fetcher:
        results = fetcher.fetch_many([server.url("/hang"), server.url("/hang"), ok])
        first = next(results)
        assert isinstance(first, newsclean.Page)
        time.sleep(0.2)  # the hanging requests are on the wire
        started = time.monotonic()
        results.close()
        assert time.monotonic() - started < 2.0


# -- 12. truncated gzip, deflate one byte at a time -----------------------------------------


def test_a_truncated_gzip_body_is_an_error() -> None:
    body = gzip.compress(PAGE)[:46]

    def handle(conn: socket.socket, stopping: threading.Event) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
        )

    with (
        raw_server(handle) as running,
        pytest.raises(newsclean.FetchError, match="truncated compressed body"),
    ):
        newsclean.fetch(running.url(), options=fast())


@pytest.mark.parametrize("wrapped", [True, False], ids=["zlib", "raw"])
def test_deflate_one_byte_per_packet(wrapped: bool) -> None:
    compressor = zlib.compressobj(wbits=zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
    body = compressor.compress(PAGE) + compressor.flush()

    def handle(conn: socket.socket, stopping: threading.Event) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: deflate\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        for byte in body[:6]:
            conn.sendall(b"1\r\n%c\r\n" % byte)
            time.sleep(0.01)
        rest = body[6:]
        conn.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(rest), rest))

    with raw_server(handle) as running:
        page = newsclean.fetch(running.url(), options=fast())
    assert page.content == PAGE


# -- 14. wrong argument types ---------------------------------------------------------------


@pytest.mark.parametrize("url", [None, 5, b"http://x/", Path("page.html")])
def test_fetch_url_of_a_wrong_type_is_a_type_error(url: object) -> None:
    with pytest.raises(TypeError, match="url must be a str"):
        newsclean.fetch(url)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="url must be a str"):
        newsclean.scrape(url)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="url must be a str"):
        asyncio.run(newsclean.afetch(url))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"proxy": "bogus"}, newsclean.OptionsError, "proxy"),
        ({"proxy": 5}, TypeError, "proxy"),
        ({"headers": {"X-Name": "caf\u00e9"}}, newsclean.OptionsError, "ASCII"),
        ({"headers": {"X-A": "1\r\nX-B: 2"}}, newsclean.OptionsError, "line breaks"),
        ({"headers": {"bad name": "1"}}, newsclean.OptionsError, "header name"),
        ({"user_agent": "bot/1 \u00e9"}, newsclean.OptionsError, "user_agent"),
        ({"total_timeout_s": "60"}, TypeError, "total_timeout_s"),
        ({"total_timeout_s": float("nan")}, newsclean.OptionsError, "NaN"),
        ({"max_bytes": 1.5}, TypeError, "max_bytes"),
        ({"respect_robots": "no"}, TypeError, "respect_robots"),
        ({"retry": 3}, TypeError, "retry"),
        ({"cache_dir": 5}, TypeError, "cache_dir"),
    ],
)
def test_fetch_options_are_checked_at_the_boundary(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        FetchOptions(**kwargs)  # type: ignore[arg-type]


def test_a_socks_proxy_without_the_extra_is_an_options_error() -> None:
    try:
        import socksio  # noqa: F401
    except ImportError:
        with pytest.raises(newsclean.OptionsError, match="socksio"):
            FetchOptions(proxy="socks5://127.0.0.1:1080")
    else:  # pragma: no cover - with the extra the proxy is taken
        assert FetchOptions(proxy="socks5://127.0.0.1:1080").proxy


def test_fetcher_options_of_a_wrong_type() -> None:
    with pytest.raises(TypeError, match=r"options must be a newsclean\.FetchOptions"):
        newsclean.Fetcher(options=newsclean.Options())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"options must be a newsclean\.Options"):
        newsclean.scrape("http://127.0.0.1:9/", options=FetchOptions())  # type: ignore[arg-type]


# -- 3, 5. one bad page does not stop `newsclean fetch` -------------------------------------

SURROGATE_PAGE = (
    b'<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
    b'"headline": "Big \\ud800 news"}</script></head><body><article>'
    + b"<p>A paragraph of text long enough to be read as the story of this page.</p>" * 10
    + b"</article></body></html>"
)


def test_the_fetch_command_goes_on_past_hostile_pages(server: LocalServer, tmp_path: Path) -> None:
    urls = [
        server.page("/surrogate", SURROGATE_PAGE),
        server.page("/busy", b"busy", status=503, headers={"Retry-After": "\u00b2"}),
        server.page("/idna", PAGE, content_type="text/html; charset=idna"),
        server.page("/fine", PAGE),
    ]
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsclean",
            "fetch",
            "--allow-private",
            "--ignore-robots",
            "--delay",
            "0",
            "--attempts",
            "1",
            "-o",
            str(out),
            *urls,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr  # the 503 is an error row
    assert "Traceback" not in done.stderr
    rows = {r["source"].rsplit("/", 1)[1]: r for r in map(json.loads, out.read_text().splitlines())}
    assert sorted(rows) == ["busy", "fine", "idna", "surrogate"]
    assert rows["surrogate"]["article"]["title"] == "Big \ufffd news"
    assert rows["busy"]["error"]["kind"] == "StatusError"
    assert rows["idna"]["error"] is None


def test_the_fetch_command_output_error_is_exit_3(server: LocalServer, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsclean",
            "fetch",
            "--allow-private",
            "--ignore-robots",
            "-o",
            str(blocker / "out.jsonl"),
            server.page("/fine", PAGE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    assert "cannot write" in done.stderr


def test_a_slow_header_host_does_not_hold_afetch_many(server: LocalServer) -> None:
    fine = [server.page(f"/ok{i}", PAGE) for i in range(4)]

    async def main(urls: list[str]) -> list[newsclean.FetchResult]:
        options = fast(
            total_timeout_s=1.0,
            read_timeout_s=5.0,
            limits=newsclean.FetchLimits(max_concurrency=2, max_per_host=2),
        )
        async with newsclean.AsyncFetcher(options=options) as fetcher:
            return [r async for r in fetcher.afetch_many(urls)]

    with raw_server(slow_headers) as slow:
        started = time.monotonic()
        results = asyncio.run(main([slow.url("/a"), slow.url("/b"), *fine]))
        assert time.monotonic() - started < 4.0
    assert sum(isinstance(r, newsclean.FetchTimeout) for r in results) == 2
    assert sum(isinstance(r, newsclean.Page) for r in results) == 4


def test_slow_headers_over_ipv6_loopback() -> None:
    try:
        listener = socket.create_server(("::1", 0), family=socket.AF_INET6)
    except OSError:
        pytest.skip("no IPv6 loopback here")
    listener.close()

    class V6(RawServer):
        def __init__(self, handle: Callable[[socket.socket, threading.Event], None]) -> None:
            super().__init__(handle)
            self.listener.close()
            self.listener = socket.create_server(("::1", 0), family=socket.AF_INET6)
            self.listener.settimeout(0.05)
            self.port = self.listener.getsockname()[1]

        def url(self, path: str = "/") -> str:
            return f"http://[::1]:{self.port}{path}"

    running = V6(slow_headers)
    running.thread.start()
    try:
        started = time.monotonic()
        with pytest.raises(newsclean.FetchTimeout, match="total timeout"):
            newsclean.fetch(running.url(), options=fast(total_timeout_s=1.0, read_timeout_s=5.0))
        assert time.monotonic() - started < 3.0
        with pytest.raises(newsclean.DisallowedAddress):  # and the guard refuses ::1
            newsclean.fetch(running.url(), options=FetchOptions(respect_robots=False))
    finally:
        running.stopping.set()
        running.listener.close()
        running.thread.join(timeout=5)
