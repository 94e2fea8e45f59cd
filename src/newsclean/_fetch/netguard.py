"""The server-side request forgery guard: which URLs and addresses may be fetched.

A URL passes when its scheme is http or https and every address its host resolves to is a
public one. The check runs before each request (every redirect hop included), and the
connection is then made to those checked addresses themselves (see
:mod:`newsclean._fetch.network`), so a DNS answer that changes between the check and the
connect (DNS rebinding) never reaches a private address: no byte is written to an address
that was not checked. The address the connection reached is checked once more on the
response, for transports newsclean did not build.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time

import httpx

from newsclean._errors import ConnectError, DisallowedAddress

__all__ = ["AddressGuard", "check_address", "check_scheme", "is_public_address"]

_ALLOWED_SCHEMES = ("http", "https")
_DNS_TTL_S = 60.0

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def check_scheme(url: httpx.URL, *, original: str) -> None:
    """Raise :class:`DisallowedAddress` unless ``url`` is an http(s) URL with a host."""
    if url.scheme not in _ALLOWED_SCHEMES:
        raise DisallowedAddress(f"scheme {url.scheme!r} is not allowed", url=original)
    if not url.host:
        raise DisallowedAddress("URL has no host", url=original)


def is_public_address(address: str) -> bool:
    """Tell whether an IP address is public (not loopback, private, link-local, ...).

    >>> is_public_address("93.184.216.34"), is_public_address("127.0.0.1")
    (True, False)
    >>> is_public_address("::ffff:10.0.0.1"), is_public_address("224.0.0.1")
    (False, False)
    """
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def check_address(address: str, *, url: str) -> None:
    """Raise :class:`DisallowedAddress` unless ``address`` is public."""
    if not is_public_address(address):
        raise DisallowedAddress(f"address {address} is not public", url=url)


class AddressGuard:
    """Resolves hosts (with a short cache) and refuses non-public addresses."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._cache: dict[str, tuple[float, tuple[str, ...]]] = {}
        self._lock = threading.Lock()

    def is_allowed(self, address: str) -> bool:
        return self.allow_private or is_public_address(address)

    def cached(self, host: str) -> tuple[str, ...] | None:
        with self._lock:
            hit = self._cache.get(host)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        return None

    def remember(self, host: str, addresses: tuple[str, ...]) -> None:
        with self._lock:
            self._cache[host] = (time.monotonic() + _DNS_TTL_S, addresses)

    def needs_lookup(self, url: httpx.URL, *, original: str) -> bool:
        """Check what needs no DNS; return whether the host must still be resolved."""
        check_scheme(url, original=original)
        if self.allow_private:
            return False
        host = url.host
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return self.cached(host) is None
        check_address(host, url=original)
        return False

    def check_resolved(self, url: httpx.URL, addresses: tuple[str, ...], *, original: str) -> None:
        if not addresses:
            raise ConnectError(f"{url.host} did not resolve", url=original)
        self.remember(url.host, addresses)
        for address in addresses:
            check_address(address, url=original)

    def check_cached(self, url: httpx.URL, *, original: str) -> None:
        addresses = self.cached(url.host)
        if addresses is not None:
            for address in addresses:
                check_address(address, url=original)

    def check(self, url: httpx.URL, *, original: str) -> None:
        """Check a URL before a request, resolving its host with blocking DNS if needed."""
        if self.needs_lookup(url, original=original):
            self.check_resolved(url, resolve(url, original=original), original=original)
        elif not self.allow_private:
            self.check_cached(url, original=original)

    def check_peer(self, response: httpx.Response, *, original: str) -> None:
        """Check the address the connection actually reached (catches DNS rebinding)."""
        if self.allow_private:
            return
        stream = response.extensions.get("network_stream")
        if stream is None:
            return
        peer = stream.get_extra_info("server_addr")
        if isinstance(peer, tuple) and peer:
            check_address(str(peer[0]), url=original)


def lookup_args(url: httpx.URL) -> tuple[str, int]:
    return url.host, url.port or (443 if url.scheme == "https" else 80)


def addresses_of(
    infos: list[tuple[object, object, object, object, tuple[object, ...]]],
) -> tuple[str, ...]:
    return tuple(sorted({str(info[4][0]) for info in infos}))


def resolve(url: httpx.URL, *, original: str) -> tuple[str, ...]:
    host, port = lookup_args(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ConnectError(f"cannot resolve {host}: {exc}", url=original) from exc
    return addresses_of(infos)  # type: ignore[arg-type]
