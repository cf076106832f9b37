"""Watching live sources: fetch feeds and pages politely and safely, extract each article, and store every
real version through :mod:`variorum.store`.

- :mod:`~variorum.track.fetch`: the HTTP client (limits, timeouts, redirects, conditional GET, robots.txt,
  private addresses refused);
- :mod:`~variorum.track.feeds`: RSS, Atom and JSON Feed entries;
- :mod:`~variorum.track.quality`: paywall stubs, consent walls, error pages and empty bodies are failures;
- :mod:`~variorum.track.schedule`: adaptive re-checking;
- :mod:`~variorum.track.notify`: per-source notification filters and webhooks;
- :mod:`~variorum.track.runner`: the :class:`Tracker` that ties them to the store.
"""

from variorum.track.fetch import Fetched, Fetcher, FetchPolicy
from variorum.track.notify import ChangeEvent, WebhookNotifier, worth_notifying
from variorum.track.runner import RunReport, Tracker
from variorum.track.schedule import RecheckPolicy, parse_duration

__all__ = [
    "ChangeEvent", "FetchPolicy", "Fetched", "Fetcher", "RecheckPolicy", "RunReport", "Tracker", "WebhookNotifier",
    "parse_duration", "worth_notifying",
]
