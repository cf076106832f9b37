"""robots.txt, honoured per host by RFC 9309: fetched once per host and kept for an hour.

The rules are read by Protego (the parser Scrapy uses), which follows RFC 9309: the group of our own user
agent is preferred to ``*``; within it the longest matching rule wins and ``Allow`` beats ``Disallow`` at
equal length; ``*`` and ``$`` are wildcards (``Disallow: /*?print=``). ``Crawl-delay``, which RFC 9309
leaves out but many sites set, is honoured as a floor on the delay between two requests to the host (up to
:data:`MAX_CRAWL_DELAY`, so that one robots.txt cannot stall a pass).

A robots.txt that does not exist (any 4xx) allows everything; one that cannot be fetched (5xx, network
error) disallows everything until it can be read again. A redirected robots.txt is taken as allowing
everything.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

ROBOTS_MAX_BYTES = 512 * 1024
ROBOTS_TTL_SECONDS = 3600.0
MAX_CRAWL_DELAY = 30.0  # seconds

# (url) -> (status or None when unreachable, body)
RobotsGetter = Callable[[str], Awaitable[tuple[int | None, bytes]]]


@dataclass(frozen=True, slots=True)
class HostRules:
    """One host's robots.txt as read: its rules, or everything allowed or refused when there are none."""

    rules: Protego | None
    allow_all: bool = False

    def allows(self, url: str, agent: str) -> bool:
        """Whether ``agent`` may fetch ``url``."""
        if self.rules is None:
            return self.allow_all
        return bool(self.rules.can_fetch(url, agent))

    def crawl_delay(self, agent: str) -> float | None:
        """The ``Crawl-delay`` for ``agent`` in seconds (at most :data:`MAX_CRAWL_DELAY`), if one is set."""
        delay = self.rules.crawl_delay(agent) if self.rules is not None else None
        return min(float(delay), MAX_CRAWL_DELAY) if delay is not None and delay > 0 else None


def read_robots(status: int | None, body: bytes) -> HostRules:
    """A host's rules from the answer to ``GET /robots.txt`` (``status`` ``None``: no answer).

    >>> rules = read_robots(200, b"User-agent: *\\nDisallow: /\\nAllow: /news/\\nDisallow: /*?print=\\nCrawl-delay: 4")
    >>> [rules.allows(f"https://x.example{path}", "Variorum") for path in ("/news/a", "/news/a?print=1", "/shop")]
    [True, False, False]
    >>> rules.crawl_delay("Variorum"), read_robots(404, b"").allows("https://x.example/", "Variorum")
    (4.0, True)
    """
    if status is not None and 200 <= status < 300:
        return HostRules(Protego.parse(body.decode("utf-8", errors="replace")))
    return HostRules(None, allow_all=status is not None and 300 <= status < 500)


class RobotsRules:
    """Which URLs a user agent may fetch, and how slowly, host by host."""

    def __init__(self, user_agent: str, get: RobotsGetter, ttl: float = ROBOTS_TTL_SECONDS) -> None:
        self._agent = user_agent
        self._get = get
        self._ttl = ttl
        self._hosts: dict[str, tuple[float, HostRules]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules(self, url: str) -> HostRules:
        """The robots.txt rules of the URL's host (read when first needed, then again after the TTL)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = self._hosts.get(origin)
            if cached is None or time.monotonic() - cached[0] > self._ttl:
                cached = (time.monotonic(), read_robots(*await self._get(origin + "/robots.txt")))
                self._hosts[origin] = cached
        return cached[1]

    async def allowed(self, url: str) -> bool:
        """True when robots.txt of the URL's host lets this user agent fetch it."""
        return (await self.rules(url)).allows(url, self._agent)

    async def crawl_delay(self, url: str) -> float | None:
        """The ``Crawl-delay`` robots.txt of the URL's host sets for this user agent, if any."""
        return (await self.rules(url)).crawl_delay(self._agent)


__all__ = ["MAX_CRAWL_DELAY", "HostRules", "RobotsRules", "read_robots"]
