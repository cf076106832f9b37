"""Notifications of new versions: which changes are worth one, and delivery to webhooks.

:func:`worth_notifying` applies a source's filter (``min_significance``, ``headline_only`` from its
``sources`` row) to a comparison. A :class:`ChangeEvent` is one new version to announce;
:class:`WebhookNotifier` POSTs it as JSON to every configured URL::

    {"url": ..., "title": ..., "version": 3, "against": 2, "comparison": {...}}

where ``comparison`` is ``Comparison.to_dict()`` (see docs/json.md). Delivery runs in the background:
:meth:`WebhookNotifier.notify` returns at once, and :meth:`WebhookNotifier.aclose` waits for the
deliveries in flight. Network errors, 5xx and 429 answers are retried with exponential backoff and
jitter (a ``Retry-After`` header sets the wait); other 4xx answers are not. A delivery that fails for good
is logged as a warning on the ``variorum.track`` logger and never raises into the tracker.

>>> from variorum import Article
>>> from variorum.compare import compare
>>> old = Article.from_text("Storm Nears\\n\\nThe storm is 40 km away.")
>>> new = Article.from_text("Storm Hits Coast\\n\\nThe storm is 40 km away.")
>>> worth_notifying(compare(old, new), min_significance="major", headline_only=True)
True
>>> worth_notifying(compare(old, old), min_significance="minor", headline_only=False)
False
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from variorum.compare import Comparison
from variorum.compare.model import MINOR, SIGNIFICANCES
from variorum.track.fetch import USER_AGENT

log = logging.getLogger("variorum.track")

RETRY_STATUSES = frozenset({429}) | frozenset(range(500, 600))


def worth_notifying(
    comparison: Comparison | Mapping[str, Any] | None, *, min_significance: str = MINOR,
    headline_only: bool = False,
) -> bool:
    """Whether a comparison passes a source's notification filter.

    ``comparison`` is a :class:`Comparison`, its JSON form (``Comparison.to_dict()``, as stored) or its
    ``summary`` alone. It passes when it has a change at least as significant as ``min_significance``
    (``"major"``, ``"minor"`` or ``"cosmetic"``), and, with ``headline_only``, when that change is a
    headline change. ``None`` (a first version: nothing changed yet) never passes. From a summary alone
    the headline test is approximate: a headline change of any significance counts.
    """
    if min_significance not in SIGNIFICANCES:
        raise ValueError(f"min_significance must be one of {', '.join(SIGNIFICANCES)}, not {min_significance!r}")
    wanted = SIGNIFICANCES[: SIGNIFICANCES.index(min_significance) + 1]
    if comparison is None:
        return False
    if isinstance(comparison, Comparison):
        changes = [(c.kind, c.significance) for c in comparison.changes]
    elif "changes" in comparison:
        changes = [(c["kind"], c["significance"]) for c in comparison["changes"]]
    else:
        by_significance = comparison.get("by_significance", {})
        if not any(by_significance.get(s, 0) for s in wanted):
            return False
        return not headline_only or comparison.get("by_kind", {}).get("headline", 0) > 0
    return any(significance in wanted and (not headline_only or kind == "headline")
               for kind, significance in changes)


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """A new version of an article to announce: version ``version`` compared with ``previous``."""

    url: str
    title: str | None
    version: int
    previous: int
    comparison: Comparison
    source_id: int | None = None

    def payload(self) -> dict[str, Any]:
        """The JSON body a webhook receives."""
        return {
            "url": self.url, "title": self.title, "version": self.version, "against": self.previous,
            "comparison": self.comparison.to_dict(),
        }


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), or ``None``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def redacted(url: str) -> str:
    """A webhook URL fit for a log: scheme, host and port only (hook paths and queries are often secrets)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}/…"


class WebhookNotifier:
    """POST each :class:`ChangeEvent` as JSON to every URL in ``urls``, in the background, with retries.

    An event is tried ``1 + retries`` times per URL at most. Before try ``n + 1`` it waits
    ``min(max_backoff, backoff * 2 ** (n - 1))`` seconds, jittered to between half and all of that, or
    what the server's ``Retry-After`` asks (never more than ``max_backoff``). ``outcomes`` counts
    ``delivered`` and ``failed`` deliveries. Deliveries run concurrently, so a receiver may get version 3
    before version 2 when version 2 had to be retried; ``version`` and ``against`` say which is which. Logs
    name a hook by its scheme, host and port only. The ``client`` belongs to the caller, who closes it after
    :meth:`aclose`.
    """

    def __init__(
        self, urls: Iterable[str], *, client: httpx.AsyncClient, retries: int = 5, backoff: float = 1.0,
        max_backoff: float = 60.0, user_agent: str = USER_AGENT,
    ) -> None:
        if retries < 0 or backoff < 0 or max_backoff < 0:
            raise ValueError("retries, backoff and max_backoff must not be negative")
        self.urls = list(urls)
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"a webhook must be an http:// or https:// URL, not {url!r}")
        self.client = client
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.user_agent = user_agent
        self.outcomes: Counter[str] = Counter()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._closed = False

    async def notify(self, event: ChangeEvent) -> None:
        """Start delivering ``event`` to every URL and return without waiting for the deliveries."""
        if self._closed:
            log.warning("webhook notifier is closed; not announcing version %d of %s", event.version, event.url)
            return
        body = json.dumps(event.payload(), ensure_ascii=False).encode("utf-8")
        for url in self.urls:
            task = asyncio.create_task(self._deliver(url, body, event))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def drain(self) -> None:
        """Wait until every delivery started so far has succeeded or given up."""
        while self._in_flight:
            await asyncio.wait(set(self._in_flight))

    async def aclose(self) -> None:
        """Refuse new events and wait for the deliveries in flight."""
        self._closed = True
        await self.drain()

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        asked = retry_after(response.headers.get("retry-after")) if response is not None else None
        if asked is not None:
            return min(self.max_backoff, asked)
        delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return random.uniform(delay / 2, delay)

    async def _deliver(self, url: str, body: bytes, event: ChangeEvent) -> None:
        headers = {"Content-Type": "application/json", "User-Agent": self.user_agent}
        what = f"version {event.version} of {event.url} to {redacted(url)}"
        for attempt in range(1, self.retries + 2):
            response: httpx.Response | None = None
            try:
                response = await self.client.post(url, content=body, headers=headers)
            except httpx.TransportError as error:
                problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            except Exception as error:  # a webhook must never break the tracker
                self.outcomes["failed"] += 1
                log.warning("webhook: cannot deliver %s (%s: %s)", what, type(error).__name__, error)
                return
            else:
                if response.is_success:
                    self.outcomes["delivered"] += 1
                    return
                problem = f"HTTP {response.status_code}"
                if response.status_code not in RETRY_STATUSES:
                    self.outcomes["failed"] += 1
                    log.warning("webhook: %s refused %s; not retrying", problem, what)
                    return
            if attempt > self.retries:
                break
            await asyncio.sleep(self._delay(attempt, response))
        self.outcomes["failed"] += 1
        log.warning("webhook: gave up on %s after %d attempts (last: %s)", what, self.retries + 1, problem)


__all__ = ["RETRY_STATUSES", "ChangeEvent", "WebhookNotifier", "redacted", "retry_after", "worth_notifying"]
