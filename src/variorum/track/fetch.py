"""Fetching pages and feeds politely and safely with httpx.

One :class:`Fetcher` serves a whole tracker run: a global concurrency limit, a per-host limit with a delay
between requests to the same host, connect/read timeouts and an overall deadline, redirects followed by
hand (capped, loops detected, every hop checked against private addresses and robots.txt), conditional GET
(``If-None-Match`` / ``If-Modified-Since``), a size cap enforced while streaming (on the decoded body, so a
compressed bomb is cut off too) and a User-Agent that says who we are. It never raises for a bad fetch: a
:class:`Fetched` carries the failure kind the store records.
"""

from __future__ import annotations

import asyncio
import socket
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import AsyncIterator
from urllib.parse import urljoin, urlsplit

import httpx

from variorum import __version__
from variorum.track.addresses import private_address_problem
from variorum.track.robots import ROBOTS_MAX_BYTES, RobotsRules

USER_AGENT = f"Variorum/{__version__} (news version tracker; +https://github.com/variorum/variorum)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


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
    """Fetches URLs under a :class:`FetchPolicy`; use it as an async context manager."""

    def __init__(self, policy: FetchPolicy = FetchPolicy(), *, transport: httpx.AsyncBaseTransport | None = None):
        self.policy = policy
        self._client = httpx.AsyncClient(
            transport=transport, follow_redirects=False, trust_env=False,
            timeout=httpx.Timeout(policy.timeout), headers={"User-Agent": policy.user_agent},
            limits=httpx.Limits(max_connections=policy.concurrency, max_keepalive_connections=policy.concurrency),
        )
        self._everyone = asyncio.Semaphore(policy.concurrency)
        self._hosts: dict[str, _HostGate] = {}
        self._robots = RobotsRules(policy.user_agent, self._get_robots)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections."""
        await self._client.aclose()

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
        except (asyncio.TimeoutError, httpx.TimeoutException):
            return Fetched(url, url, failure="timeout", detail=f"no complete answer within {self.policy.deadline:g} s")

    async def _follow(self, url: str, headers: dict[str, str]) -> Fetched:
        seen = {url}
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            problem = await self._refusal(current)
            if problem is not None:
                kind, detail = problem
                return Fetched(url, current, failure=kind, detail=detail)
            try:
                async with self._gate(current).slot():
                    status, response_headers, body = await self._get(current, headers, self.policy.max_bytes)
            except _TooLarge:
                return Fetched(url, current, failure="too_large",
                               detail=f"response over the limit of {self.policy.max_bytes:,} bytes")
            except httpx.TimeoutException:
                raise
            except (httpx.HTTPError, OSError) as error:
                return Fetched(url, current, failure="network", detail=_describe(error))
            if status in REDIRECT_STATUSES and "location" in response_headers:
                target = urljoin(current, response_headers["location"])
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
        if not self.policy.allow_private:
            try:
                problem = await private_address_problem(parts.hostname, parts.port)
            except OSError as error:
                return "network", f"cannot resolve {parts.hostname} ({_describe(error)})"
            if problem is not None:
                return "private_address", problem
        if self.policy.obey_robots and not await self._robots.allowed(url):
            return "robots", f"robots.txt of {parts.netloc} disallows {parts.path or '/'}"
        return None

    async def _get(self, url: str, headers: dict[str, str], limit: int) -> tuple[int, dict[str, str], bytes]:
        async with self._client.stream("GET", url, headers=headers) as response:
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
        except (httpx.HTTPError, OSError, _TooLarge):
            return None, b""
        return status, body


def _describe(error: BaseException) -> str:
    if isinstance(error, socket.gaierror):
        return "name not found"
    return str(error).strip() or type(error).__name__


__all__ = ["FetchPolicy", "Fetched", "Fetcher", "USER_AGENT"]
