"""When to look at an article again: often while it is new or still changing, less often as it settles,
never once it is old.

The interval is chosen by how long the article has been quiet (time since its last real change, or since
it was first seen); checking stops once the article is older than ``max_age``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")


def parse_duration(text: str) -> timedelta:
    """A duration written like ``90s``, ``10m``, ``2h``, ``14d``, ``1w`` or ``1h30m``.

    >>> parse_duration("1h30m")
    datetime.timedelta(seconds=5400)
    """
    compact = text.strip().lower().replace(" ", "")
    parts = _DURATION.findall(compact)
    if not compact or "".join(number + unit for number, unit in parts) != compact:
        raise ValueError(f"not a duration: {text!r} (write e.g. 90s, 10m, 2h, 14d)")
    return sum((timedelta(**{_UNITS[unit]: float(number)}) for number, unit in parts), timedelta())


@dataclass(frozen=True, slots=True)
class RecheckPolicy:
    """``steps``: (quiet for less than, check every) pairs in increasing order; ``settled``: the interval
    after the last step; ``max_age``: stop checking articles first seen longer ago than this."""

    steps: tuple[tuple[timedelta, timedelta], ...] = (
        (timedelta(hours=3), timedelta(minutes=15)),
        (timedelta(days=1), timedelta(hours=1)),
        (timedelta(days=3), timedelta(hours=4)),
    )
    settled: timedelta = timedelta(hours=12)
    max_age: timedelta = timedelta(days=14)

    def starting_at(self, first: timedelta) -> RecheckPolicy:
        """The same policy with every interval and threshold scaled so that new articles are checked
        every ``first`` (``max_age`` unchanged).

        >>> RecheckPolicy().starting_at(timedelta(minutes=5)).steps[0]
        (datetime.timedelta(seconds=3600), datetime.timedelta(seconds=300))
        """
        factor = first / self.steps[0][1]
        return RecheckPolicy(
            tuple((within * factor, every * factor) for within, every in self.steps), self.settled * factor,
            self.max_age,
        )

    def interval(self, quiet: timedelta) -> timedelta:
        """How long to wait before the next check of an article quiet for ``quiet``.

        >>> RecheckPolicy().interval(timedelta(minutes=5))
        datetime.timedelta(seconds=900)
        """
        return next((every for within, every in self.steps if quiet < within), self.settled)

    def next_check(self, *, first_seen: datetime, last_changed: datetime | None, now: datetime) -> datetime | None:
        """When to check next, or ``None`` when the article is too old to watch."""
        if now - first_seen > self.max_age:
            return None
        return now + self.interval(now - (last_changed or first_seen))


__all__ = ["RecheckPolicy", "parse_duration"]
