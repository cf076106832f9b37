"""Fetching pages and feeds politely and safely with httpx.

One :class:`Fetcher` serves a whole tracker run: a global concurrency limit, a per-host limit with a delay
between requests to the same host, connect/read timeouts and an overall deadline, redirects followed by
hand (capped, loops detected, every hop checked against robots.txt), connections refused unless all of
the host's addresses are public (checked on the addresses the socket then connects to, by
:mod:`variorum.track.connect`), conditional GET (``If-None-Match`` / ``If-Modified-Since``), a size cap
enforced while streaming (on the decoded body, so a compressed bomb is cut off too) and a User-Agent that
says who we are. robots.txt is read by RFC 9309 (:mod:`variorum.track.robots`) and its ``Crawl-delay``
is a floor on the host's delay. It never raises for a bad fetch, a bad URL included: a :class:`Fetched`
carries the failure kind the store records.
"""

from __future__ import annotations

import asyncio
import socket
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from variorum import __version__
from variorum.track.addresses import Resolver, resolve_host
from variorum.track.connect import PrivateAddressError, PublicOnly, transport_through
from variorum.track.robots import ROBOTS_MAX_BYTES, RobotsRules

USER_AGENT = f"Variorum/{__version__} (news version tracker; +https://github.com/variorum/variorum)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_HOST_GROUPS = 16  # connection pools: the pool checks its every connection on every request


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How the tracker fetches: limits, timeouts and manners."""

    user_agent: str = USER_AGENT
    timeout: float = 20.0          # seconds to connect, and between two reads
    deadline: float = 60.0         # seconds for a whole fetch, redirects included
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    concurrency: int = 32
    per_host: int = 2
    delay: float = 1.0             # seconds between the starts of two requests to one host
    allow_private: bool = False
    obey_robots: bool = True


@dataclass(frozen=True, slots=True)
class Fetched:
    """The outcome of one fetch. ``failure`` is ``None`` or one of the store's failure kinds."""

    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    failure: str | None = None
    detail: str = ""

    @property
    def not_modified(self) -> bool:
        """The server answered 304 to a conditional GET."""
        return self.failure is None and self.status == 304

    @property
    def content_type(self) -> str:
        """The media type, lower-cased, without parameters."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if any."""
        for parameter in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return None


class _TooLarge(Exception):
    pass


class _HostGate:
    """At most ``limit`` requests at once to one host, starting at least ``delay`` seconds apart."""

    def __init__(self, limit: int, delay: float) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._turn = asyncio.Lock()
        self._delay = delay
        self._next_start = 0.0

    def at_least(self, delay: float) -> None:
        """Make the delay between two starts at least ``delay`` seconds (a robots.txt ``Crawl-delay``)."""
        self._delay = max(self._delay, delay)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._slots:
            async with self._turn:
                loop = asyncio.get_running_loop()
                wait = self._next_start - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start = loop.time() + self._delay
            yield


class Fetcher:
    """Fetches URLs under a :class:`FetchPolicy`; use it as an async context manager.

    Hosts are spread over up to :data:`MAX_HOST_GROUPS` connection pools (by a hash of the host name), each
    holding what its hosts may use at once, so that no pool grows to ``policy.concurrency`` connections:
    httpcore looks at every pooled connection whenever a request starts or ends.

    ``resolve`` looks host names up and ``network`` opens the connections: the system's resolver and sockets
    unless a test gives its own. Unless ``policy.allow_private``, connections go through :class:`PublicOnly`.
    """

    def __init__(self, policy: FetchPolicy = FetchPolicy(), *, resolve: Resolver = resolve_host,
                 network: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.policy = policy
        network = network if network is not None else httpcore.AnyIOBackend()
        groups = max(1, min(MAX_HOST_GROUPS, policy.concurrency // policy.per_host))
        size = max(policy.per_host, -(-policy.concurrency // groups))
        limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
        self._clients = [
            httpx.AsyncClient(
                transport=transport_through(network if policy.allow_private else PublicOnly(network, resolve), limits),
                follow_redirects=False, trust_env=False,
                timeout=httpx.Timeout(policy.timeout), headers={"User-Agent": policy.user_agent},
            )
            for _ in range(groups)
        ]
        self._everyone = asyncio.Semaphore(policy.concurrency)
        self._hosts: dict[str, _HostGate] = {}
        self._robots = RobotsRules(policy.user_agent, self._get_robots)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections."""
        for client in self._clients:
            await client.aclose()

    def _gate(self, url: str) -> _HostGate:
        host = urlsplit(url).netloc.lower()
        if host not in self._hosts:
            self._hosts[host] = _HostGate(self.policy.per_host, self.policy.delay)
        return self._hosts[host]

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET ``url`` (conditionally, given the validators of the copy we have)."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            async with self._everyone:
                return await asyncio.wait_for(self._follow(url, headers), self.policy.deadline)
        except (TimeoutError, httpx.TimeoutException):
            return Fetched(url, url, failure="timeout", detail=f"no complete answer within {self.policy.deadline:g} s")

    async def _follow(self, url: str, headers: dict[str, str]) -> Fetched:
        seen = {url}
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            try:
                _check_usable(current)
                refusal = await self._refusal(current)
                if refusal is not None:
                    kind, detail = refusal
                    return Fetched(url, current, failure=kind, detail=detail)
                async with self._gate(current).slot():
                    status, response_headers, body = await self._get(current, headers, self.policy.max_bytes)
            except PrivateAddressError as error:  # from the connection for the page or for its robots.txt
                return Fetched(url, current, failure="private_address", detail=str(error))
            except _TooLarge:
                return Fetched(url, current, failure="too_large",
                               detail=f"response over the limit of {self.policy.max_bytes:,} bytes")
            except httpx.TimeoutException:
                raise
            except (httpx.InvalidURL, ValueError) as error:  # an octal IP, a port out of range, a broken literal
                return Fetched(url, current, failure="http_error", detail=f"not a usable URL: {current} ({error})")
            except (httpx.HTTPError, OSError) as error:
                return Fetched(url, current, failure="network", detail=_describe(error, current))
            if status in REDIRECT_STATUSES and "location" in response_headers:
                try:
                    target = urljoin(current, response_headers["location"])
                except ValueError as error:
                    return Fetched(url, current, status, response_headers, failure="redirects",
                                   detail=f"redirect to an unusable URL ({error})")
                if target in seen:
                    return Fetched(url, current, status, response_headers, failure="redirects",
                                   detail=f"redirect loop back to {target}")
                seen.add(target)
                current = target
                continue
            if status >= 400 or (status >= 300 and status != 304):
                return Fetched(url, current, status, response_headers, failure="http_error", detail=f"HTTP {status}")
            return Fetched(url, current, status, response_headers, body)
        return Fetched(url, current, failure="redirects", detail=f"more than {self.policy.max_redirects} redirects")

    async def _refusal(self, url: str) -> tuple[str, str] | None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "http_error", f"not an http(s) URL: {url}"
        if self.policy.obey_robots:
            rules = await self._robots.rules(url)
            if not rules.allows(url, self.policy.user_agent):
                return "robots", f"robots.txt of {parts.netloc} disallows {parts.path or '/'}"
            delay = rules.crawl_delay(self.policy.user_agent)
            if delay is not None:
                self._gate(url).at_least(delay)
        return None

    async def _get(self, url: str, headers: dict[str, str], limit: int) -> tuple[int, dict[str, str], bytes]:
        host = (urlsplit(url).hostname or "").encode()
        client = self._clients[zlib.crc32(host) % len(self._clients)]
        async with client.stream("GET", url, headers=headers) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise _TooLarge
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise _TooLarge
                chunks.append(chunk)
            return response.status_code, {k.lower(): v for k, v in response.headers.items()}, b"".join(chunks)

    async def _get_robots(self, robots_url: str) -> tuple[int | None, bytes]:
        try:
            async with self._gate(robots_url).slot():
                status, _headers, body = await self._get(robots_url, {}, ROBOTS_MAX_BYTES)
        except (httpx.HTTPError, httpx.InvalidURL, _TooLarge):
            return None, b""  # a refused address, an unknown name or a bad URL is the page's failure: _follow
        return status, body


def _check_usable(url: str) -> None:
    """Raise :class:`ValueError` or :class:`httpx.InvalidURL` for a URL that cannot be fetched as it is
    written (an octal address, a port out of range, a broken IPv6 literal), before robots.txt is asked."""
    urlsplit(url).port  # noqa: B018 - the standard library's reading (ports 0-65535, IPv6 literals)
    httpx.URL(url)  # and httpx's (no octal or hexadecimal IPv4 addresses)


def _describe(error: BaseException, url: str) -> str:
    if isinstance(error, socket.gaierror):
        return f"cannot resolve {urlsplit(url).hostname} (name not found)"
    return str(error).strip() or type(error).__name__


__all__ = ["USER_AGENT", "FetchPolicy", "Fetched", "Fetcher"]
