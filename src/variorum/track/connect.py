"""Connecting only to public addresses: the network layer under the fetcher's httpx client.

httpx hands the host name of every new connection to an httpcore network backend, which resolves it and
connects. :class:`PublicOnly` is such a backend: it resolves the name itself, refuses the connection
(:class:`PrivateAddressError`) unless every address is public (:func:`~variorum.track.addresses.address_problem`),
then connects to those very addresses, as IP literals, in order. The address checked is the address
connected to, so a DNS answer that changes between two lookups ("DNS rebinding") cannot lead to a private
address. TLS is unaffected: httpcore still sends the URL's host name as SNI and checks the certificate
against it, not against the literal.

There is no proxy, on purpose: a proxy resolves names itself, past the check (the fetcher's client does
not read ``HTTP_PROXY`` and the like from the environment).

Every stream is wrapped in :class:`_QuickReadableCheck`: the connection pool asks each idle connection
whether its socket is readable (a sign the server hung up) on every request it queues or finishes, and
anyio answers that through a typed-attribute lookup that was most of the pool's cost per request.
"""

from __future__ import annotations

import asyncio
import select
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from variorum.track.addresses import Resolver, address_problem, resolve_host


class PrivateAddressError(Exception):
    """A connection refused because its host is, or resolves to, a non-public address (the message says which)."""


class PublicOnly(httpcore.AsyncNetworkBackend):
    """Connects through ``network`` (anyio's sockets by default) only to hosts all of whose addresses, as
    ``resolve`` answers, are public.

    A name that does not resolve raises :class:`socket.gaierror` as it is (not ``httpcore.ConnectError``),
    so that the fetcher can tell a name that does not exist from a server that cannot be reached.
    """

    def __init__(self, network: httpcore.AsyncNetworkBackend | None = None, resolve: Resolver = resolve_host) -> None:
        self._network = network if network is not None else httpcore.AnyIOBackend()
        self._resolve = resolve

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await self._resolve(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"no answer in time when resolving {host}") from None
        problem = address_problem(host, addresses)
        if problem is not None:
            raise PrivateAddressError(problem)
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:
            try:
                return await self._network.connect_tcp(
                    str(address), port, timeout=timeout, local_address=local_address, socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


def socket_readable(sock: socket.socket) -> bool:
    """Whether a socket has data (or an end of stream) waiting, without waiting or reading."""
    if sock.fileno() < 0:
        return True  # closed: as good as a hang-up
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class _QuickReadableCheck(httpcore.AsyncNetworkStream):
    """A stream that answers ``get_extra_info("is_readable")`` by polling its socket directly."""

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        self._socket: socket.socket | None = stream.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        return _QuickReadableCheck(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._socket is not None:
            return socket_readable(self._socket)
        return self._stream.get_extra_info(info)


class _QuickChecks(httpcore.AsyncNetworkBackend):
    """``network``, its streams wrapped in :class:`_QuickReadableCheck`."""

    def __init__(self, network: httpcore.AsyncNetworkBackend) -> None:
        self._network = network

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _QuickReadableCheck(await self._network.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


def transport_through(network: httpcore.AsyncNetworkBackend, limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """httpx's own transport as ``httpx.AsyncClient(trust_env=False, limits=limits)`` makes it (certificates
    verified, HTTP/1.1, no proxy), but connecting through ``network``."""
    ssl_context = httpx.create_ssl_context(trust_env=False)
    transport = httpx.AsyncHTTPTransport(verify=ssl_context, trust_env=False, limits=limits)
    # httpx 0.28 takes no network backend (encode/httpx#3749), so the pool it made is swapped for the same
    # pool over ``network``; an httpx that keeps its pool elsewhere must fail here, not connect unchecked
    if not isinstance(getattr(transport, "_pool", None), httpcore.AsyncConnectionPool):
        raise RuntimeError("httpx.AsyncHTTPTransport no longer keeps its connections in _pool: update connect.py")
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl_context, max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
        network_backend=_QuickChecks(network),
    )
    return transport


__all__ = ["PrivateAddressError", "PublicOnly", "transport_through"]
