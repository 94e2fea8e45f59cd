"""The sockets under httpx: connect to the address that was checked, and keep the total budget.

httpx sends requests through httpcore, which opens its sockets through a *network backend*
(httpcore's public extension point). newsclean's backend wraps httpcore's own:

* **connect to the checked address.** The SSRF guard resolves the host and checks every
  address; if httpcore then resolved the name again to connect, a DNS answer that changes in
  between (DNS rebinding) could reach a private server. The backend connects to the very
  addresses the guard checked, by IP (TLS still names the host, for SNI and the
  certificate), so no byte is ever written to an address that was not checked.
* **the total budget bounds every socket call.** httpx's read timeout restarts on each byte,
  so a server that sends its headers one byte a second never times out. Each connect, TLS
  handshake, read and write here gets at most what is left of the attempt's
  ``total_timeout_s``; past it the call fails with a timeout, headers or body alike.
* **cancellation.** A ``fetch_many`` that is closed early shuts the sockets of the requests
  still running, so its threads finish at once instead of waiting out their timeouts.

The per-request state (deadline, cancel token, URL for messages) travels in a context
variable set by the fetcher around each attempt: a thread's own context in the sync fetcher,
a task's in the async one.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import anyio
import httpcore
import httpx

from newsclean._fetch.netguard import AddressGuard, addresses_of

__all__ = [
    "AsyncGuardedBackend",
    "CancelToken",
    "Deadline",
    "DisallowedConnect",
    "GuardedBackend",
    "Scope",
    "current_scope",
    "install_backend",
    "is_disallowed",
    "scope_var",
]


class CancelToken:
    """Shared by the requests of one ``fetch_many``: cancelling it shuts their sockets."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()

    @property
    def cancelled(self) -> bool:
        return self.event.is_set()

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds``, or less if the token is cancelled meanwhile."""
        self.event.wait(max(0.0, seconds))

    def register(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.add(sock)
        if self.cancelled:
            self._shut(sock)

    def unregister(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sockets.discard(sock)

    def cancel(self) -> None:
        self.event.set()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class Deadline:
    """The end of one attempt's total time; waits for a host's turn do not count."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def extend(self, seconds: float) -> None:
        self.at += seconds


@dataclass(slots=True)
class Scope:
    """What the socket calls of one fetch need to know."""

    deadline: Deadline | None = None  # the running attempt's
    token: CancelToken | None = None

    def cap(self, timeout: float | None, *, phase: str) -> float | None:
        """``timeout`` cut to what is left of the total; raise when nothing is left."""
        if self.token is not None and self.token.cancelled:
            raise httpcore.ReadError("cancelled: fetch_many was closed")
        if self.deadline is None:
            return timeout
        left = self.deadline.at - time.monotonic()
        if left <= 0:
            error = httpcore.ConnectTimeout if phase == "connect" else httpcore.ReadTimeout
            raise error(f"total timeout of {self.deadline.seconds:g}s expired")
        return left if timeout is None else min(timeout, left)


scope_var: ContextVar[Scope | None] = ContextVar("newsclean_fetch_scope", default=None)


def current_scope() -> Scope:
    return scope_var.get() or _NO_SCOPE


_NO_SCOPE = Scope()


def _raw_socket(stream: Any) -> socket.socket | None:
    with contextlib.suppress(Exception):
        sock = stream.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            return sock
    return None


# -- sync ---------------------------------------------------------------------------------


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, scope: Scope) -> None:
        self._inner = inner
        self._token = scope.token
        self._sock = _raw_socket(inner)
        if self._token is not None:
            self._token.register(self._sock)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, current_scope().cap(timeout, phase="read"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, current_scope().cap(timeout, phase="write"))

    def close(self) -> None:
        if self._token is not None:
            self._token.unregister(self._sock)
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        capped = current_scope().cap(timeout, phase="connect")
        inner = self._inner.start_tls(ssl_context, server_hostname=server_hostname, timeout=capped)
        if self._token is not None:
            self._token.unregister(self._sock)
        return _Stream(inner, current_scope())

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, connecting only to checked addresses, within the budget."""

    def __init__(self, guard: AddressGuard, *, check: bool) -> None:
        self._inner = httpcore.SyncBackend()
        self._guard = guard
        self._check = check

    def _addresses(self, host: str, port: int) -> tuple[str, ...]:
        addresses = self._guard.cached(host)
        if addresses is None:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError) as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
            addresses = addresses_of(infos)  # type: ignore[arg-type]
        return addresses

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        scope = current_scope()
        targets: tuple[str, ...] = (host,)
        if self._check:
            targets = self._addresses(host, port)
            _check_all(self._guard, host, targets)
        last: Exception | None = None
        for address in targets:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    timeout=scope.cap(timeout, phase="connect"),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                last = exc
                continue
            return _Stream(stream, scope)
        raise last or httpcore.ConnectError(f"{host} did not resolve")

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:  # pragma: no cover - newsclean never asks for one
        raise httpcore.ConnectError("unix sockets are not used")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _check_all(guard: AddressGuard, host: str, addresses: tuple[str, ...]) -> None:
    """Refuse to connect unless every address is public (raised as a ``ConnectError`` that
    the fetcher turns back into :class:`newsclean.DisallowedAddress`)."""
    if not addresses:
        raise httpcore.ConnectError(f"{host} did not resolve")
    for address in addresses:
        if not guard.is_allowed(address):
            raise DisallowedConnect(f"address {address} of {host} is not public")


class DisallowedConnect(httpcore.ConnectError):
    """A connection refused by the SSRF guard at connect time (see :func:`is_disallowed`)."""


# -- async --------------------------------------------------------------------------------


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream, scope: Scope) -> None:
        self._inner = inner
        self._token = scope.token
        self._sock = _raw_socket(inner)
        if self._token is not None:
            self._token.register(self._sock)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, current_scope().cap(timeout, phase="read"))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, current_scope().cap(timeout, phase="write"))

    async def aclose(self) -> None:
        if self._token is not None:
            self._token.unregister(self._sock)
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        capped = current_scope().cap(timeout, phase="connect")
        inner = await self._inner.start_tls(
            ssl_context, server_hostname=server_hostname, timeout=capped
        )
        return _AsyncStream(inner, current_scope())

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class AsyncGuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's anyio backend, connecting only to checked addresses, within the budget."""

    def __init__(self, guard: AddressGuard, *, check: bool) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._guard = guard
        self._check = check

    async def _addresses(self, host: str, port: int) -> tuple[str, ...]:
        addresses = self._guard.cached(host)
        if addresses is None:
            try:
                infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError) as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
            addresses = addresses_of(infos)  # type: ignore[arg-type]
        return addresses

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        scope = current_scope()
        targets: tuple[str, ...] = (host,)
        if self._check:
            targets = await self._addresses(host, port)
            _check_all(self._guard, host, targets)
        last: Exception | None = None
        for address in targets:
            try:
                stream = await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=scope.cap(timeout, phase="connect"),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                last = exc
                continue
            return _AsyncStream(stream, scope)
        raise last or httpcore.ConnectError(f"{host} did not resolve")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:  # pragma: no cover - newsclean never asks for one
        raise httpcore.ConnectError("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def install_backend(
    transport: httpx.HTTPTransport | httpx.AsyncHTTPTransport,
    backend: httpcore.NetworkBackend | httpcore.AsyncNetworkBackend,
) -> None:
    """Put ``backend`` under an httpx transport's connection pool.

    httpx builds its pool (plain, HTTP proxy or SOCKS proxy) without a way to pass httpcore's
    ``network_backend``; each of those pools keeps it in ``_network_backend``. The attribute is
    checked here so an httpx that renames it fails loudly (and the tests with it) instead of
    silently connecting unguarded.
    """
    pool = transport._pool
    if not hasattr(pool, "_network_backend"):  # pragma: no cover - an httpcore we do not know
        raise RuntimeError("this httpcore version keeps no _network_backend on its pool")
    pool._network_backend = backend


def is_disallowed(exc: BaseException) -> bool:
    """Whether an httpx error was caused by :class:`DisallowedConnect`."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, DisallowedConnect):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
