"""robots.txt, honoured per host: fetched once per host and kept for an hour.

Following RFC 9309: a robots.txt that does not exist (any 4xx) allows everything; one that cannot be
fetched (5xx, network error) disallows everything until it can be read again. A redirected robots.txt
is taken as allowing everything.
"""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

ROBOTS_MAX_BYTES = 512 * 1024
ROBOTS_TTL_SECONDS = 3600.0

# (url) -> (status or None when unreachable, body)
RobotsGetter = Callable[[str], Awaitable[tuple[int | None, bytes]]]


class RobotsRules:
    """Which URLs a user agent may fetch, host by host."""

    def __init__(self, user_agent: str, get: RobotsGetter, ttl: float = ROBOTS_TTL_SECONDS) -> None:
        self._agent = user_agent
        self._get = get
        self._ttl = ttl
        self._parsers: dict[str, tuple[float, RobotFileParser]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, url: str) -> bool:
        """True when robots.txt of the URL's host lets this user agent fetch it."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = self._parsers.get(origin)
            if cached is None or time.monotonic() - cached[0] > self._ttl:
                cached = (time.monotonic(), await self._load(origin))
                self._parsers[origin] = cached
        return cached[1].can_fetch(self._agent, url)

    async def _load(self, origin: str) -> RobotFileParser:
        parser = RobotFileParser(origin + "/robots.txt")
        status, body = await self._get(origin + "/robots.txt")
        if status is not None and 200 <= status < 300:
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
        elif status is not None and 300 <= status < 500:
            parser.allow_all = True
        else:
            parser.disallow_all = True
        return parser
