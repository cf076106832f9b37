"""Refusing URLs that point into private networks: loopback, private, link-local and other non-global
addresses, so that a feed cannot make the tracker fetch from the machine it runs on or its neighbours.

A host name is resolved and *every* address it resolves to must be global. An IPv6 address that carries an
IPv4 address inside it — IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, 6to4
``2002:aabb:ccdd::/16``, NAT64 ``64:ff9b::/96`` — is judged by the IPv4 address it leads to. The fetcher applies this check
where it connects (:mod:`variorum.track.connect`): to the addresses of the one lookup whose answer the
socket then connects to, for every connection, redirects included, so a DNS answer that changes between
two lookups ("DNS rebinding") cannot slip a private address past it. :func:`private_address_problem` is the
same check for a URL before anything is fetched (``variorum track add`` uses it to refuse a URL early).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# (host, port) -> the addresses the host stands for, in the order to try them; raises socket.gaierror
Resolver = Callable[[str, int | None], Awaitable[list[IPAddress]]]


NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address leads to (mapped, compatible, 6to4 or NAT64), if any.

    >>> embedded_ipv4(ipaddress.ip_address("2002:7f00:1::")), embedded_ipv4(ipaddress.ip_address("64:ff9b::a00:1"))
    (IPv4Address('127.0.0.1'), IPv4Address('10.0.0.1'))
    >>> embedded_ipv4(ipaddress.ip_address("::1")) is None
    True
    """
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64 or (address in IPV4_COMPATIBLE and int(address) > 1):  # :: and ::1 are no IPv4
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_kind(address: IPAddress) -> str | None:
    """Why an address is not a public one (``"loopback"``, ``"private"``, …), or ``None`` if it is; an
    address that embeds an IPv4 address is judged by that.

    >>> address_kind(ipaddress.ip_address("127.0.0.1")), address_kind(ipaddress.ip_address("93.184.215.14"))
    ('loopback', None)
    >>> address_kind(ipaddress.ip_address("::ffff:10.0.0.1")), address_kind(ipaddress.ip_address("2002:7f00:1::"))
    ('private', 'loopback')
    """
    address = embedded_ipv4(address) or address
    for kind in ("loopback", "link_local", "multicast", "unspecified", "private", "reserved"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if address.is_global else "non-global"


def ip_literal(host: str) -> IPAddress | None:
    """The address ``host`` spells out (``"10.0.0.1"``, ``"[::1]"``), or ``None`` if it is a name.

    >>> ip_literal("[::1]"), ip_literal("example.com")
    (IPv6Address('::1'), None)
    """
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def address_problem(host: str, addresses: Sequence[IPAddress]) -> str | None:
    """``None`` when every address ``host`` stands for is public, else a sentence naming the first that is not.

    >>> address_problem("news.example", [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("10.0.0.5")])
    'news.example resolves to 10.0.0.5, which is a private address (pass --allow-private to fetch it)'
    >>> address_problem("169.254.169.254", [ipaddress.ip_address("169.254.169.254")])
    '169.254.169.254 is a link-local address (pass --allow-private to fetch it)'
    """
    for address in addresses:
        kind = address_kind(address)
        if kind is not None:
            where = "is" if ip_literal(host) is not None else f"resolves to {address}, which is"
            return f"{host} {where} a {kind} address (pass --allow-private to fetch it)"
    return None


async def resolve_host(host: str, port: int | None = None) -> list[IPAddress]:
    """The addresses ``host`` stands for: itself when it is an IP literal, else the system resolver's answer
    (in its order, without repeats). Raises :class:`socket.gaierror` when the name does not resolve."""
    literal = ip_literal(host)
    if literal is not None:
        return [literal]
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos))


async def private_address_problem(host: str, port: int | None = None) -> str | None:
    """``None`` when ``host`` resolves only to public addresses, else a sentence saying which is not.

    Raises :class:`OSError` (``socket.gaierror``) when the name does not resolve.
    """
    return address_problem(host, await resolve_host(host, port))
