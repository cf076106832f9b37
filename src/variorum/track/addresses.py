"""Refusing URLs that point into private networks: loopback, private, link-local and other non-global
addresses, so that a feed cannot make the tracker fetch from the machine it runs on or its neighbours.

The host name is resolved and *every* address it resolves to must be global. Redirects are checked hop by
hop by the fetcher. (A DNS answer that changes between this check and the connection, "DNS rebinding", is
not caught; run the tracker behind an egress firewall where that matters.)
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_kind(address: IPAddress) -> str | None:
    """Why an address is not a public one (``"loopback"``, ``"private"``, …), or ``None`` if it is.

    >>> address_kind(ipaddress.ip_address("127.0.0.1")), address_kind(ipaddress.ip_address("93.184.215.14"))
    ('loopback', None)
    >>> address_kind(ipaddress.ip_address("::ffff:10.0.0.1"))
    'private'
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for kind in ("loopback", "link_local", "multicast", "unspecified", "private", "reserved"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if address.is_global else "non-global"


async def private_address_problem(host: str, port: int | None = None) -> str | None:
    """``None`` when ``host`` resolves only to public addresses, else a sentence saying which is not.

    Raises :class:`OSError` (``socket.gaierror``) when the name does not resolve.
    """
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    for address in addresses:
        kind = address_kind(address)
        if kind is not None:
            where = "is" if literal is not None else f"resolves to {address}, which is"
            return f"{host} {where} a {kind} address (pass --allow-private to fetch it)"
    return None
