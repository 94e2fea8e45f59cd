"""A real HTTP/1.1 server on 127.0.0.1 for the fetch tests, run in a thread.

Routes are plain functions that get the request handler and write whatever they like: a
normal response, a body streamed from a generator, a stall before the first byte, or a
connection reset in the middle of the body. The server counts requests and body bytes sent
per path, so tests can assert how many attempts were made and how much was read.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

Route = Callable[["Handler"], None]

FAST_OPTIONS_KW = {"allow_private_addresses": True, "min_host_delay_s": 0.0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LocalServer

    def log_message(self, format: str, *args: object) -> None:  # silence stderr
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            self.server.hits[path] += 1
            self.server.requests.append((path, dict(self.headers.items())))
        route = self.server.routes.get(path)
        if route is None:
            self.send_body(404, b"not found", content_type="text/plain")
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # -- helpers routes use ------------------------------------------------------------------

    def send_body(
        self,
        status: int,
        body: bytes,
        *,
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.count(len(body))

    def stream(
        self,
        chunks: Iterable[bytes],
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        content_length: int | None = None,
    ) -> None:
        """Send a body from a generator, chunked unless ``content_length`` is given."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        chunked = content_length is None
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(content_length))
        self.end_headers()
        for chunk in chunks:
            if self.server.stopping.is_set():
                break
            if not chunk:
                continue  # an empty chunk would end a chunked body
            frame = b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk
            self.wfile.write(frame)
            self.count(len(chunk))
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def count(self, size: int) -> None:
        with self.server.lock:
            self.server.body_bytes[self.path.split("?", 1)[0]] += size

    def pause(self, seconds: float) -> None:
        """Wait, but wake up at once when the server stops."""
        self.server.stopping.wait(seconds)

    def reset(self) -> None:
        """Abort the connection with a TCP RST."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.body_bytes: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-response is what many tests do on purpose

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str) -> Callable[[Route], Route]:
        def register(route: Route) -> Route:
            self.routes[path] = route
            return route

        return register

    def page(
        self,
        path: str,
        body: bytes | str = b"<html><body><p>Hello</p></body></html>",
        *,
        status: int = 200,
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> str:
        """Serve a fixed response at ``path``; return its URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body

        def route(handler: Handler) -> None:
            handler.send_body(status, data, content_type=content_type, headers=headers)

        self.routes[path] = route
        return self.url(path)

    def redirect(self, path: str, location: str, *, status: int = 302) -> str:
        return self.page(path, b"", status=status, headers={"Location": location})

    def sequence(self, path: str, responses: list[Route]) -> str:
        """Serve ``responses`` in turn, the last one for every later request."""
        calls = iter(responses)
        last: list[Route] = []

        def route(handler: Handler) -> None:
            step = next(calls, None)
            if step is None:
                step = last[0]
            last[:] = [step]
            step(handler)

        self.routes[path] = route
        return self.url(path)


@contextlib.contextmanager
def serve() -> Iterator[LocalServer]:
    server = LocalServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serve() as running:
        yield running


def reply(status: int, body: bytes = b"", **kwargs: object) -> Route:
    """A route step that sends one fixed response (for :meth:`LocalServer.sequence`)."""

    def route(handler: Handler) -> None:
        handler.send_body(status, body, **kwargs)  # type: ignore[arg-type]

    return route


def zeros(total: int, *, chunk: int = 64 * 1024) -> Iterator[bytes]:
    block = b"\0" * chunk
    sent = 0
    while sent < total:
        piece = block[: min(chunk, total - sent)]
        sent += len(piece)
        yield piece
