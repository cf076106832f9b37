"""Rebuilding an article's past from a web archive's captures, through the tracker's own pipeline.

The captures of a URL (:mod:`variorum.track.archive`) are taken oldest first. Redirect captures and archived
error pages (HTTP 3xx, 4xx, 5xx as the archive saw them) are skipped without a fetch, and a capture whose
digest was already fetched is skipped too (the same bytes make the same text). Each other capture is
fetched raw, extracted, judged by the tracker's rules (:mod:`variorum.track.quality`: stubs, consent walls
and error pages served with 200 are no versions) and recorded with :func:`~variorum.track.record.record_fetch`
at the capture time, so the store keeps a new version only when the text really changed and refuses
flip-flops, as for a tracked page. A stored version's origin is kept with it (``origin`` ``"archive"`` and
``origin_url``, the capture's URL).

Running it again is harmless: a capture whose text is already stored changes nothing. A capture older than
the article's latest stored version whose text is not stored would have to be inserted before that
version; that merge is not done: :class:`BackfillConflict` is raised before anything is written.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from variorum.errors import VariorumError
from variorum.store import HttpMeta, Origin, Store
from variorum.store.codec import content_hash
from variorum.text.urls import canonical_url
from variorum.track.archive import Capture, Sleep, fetch_capture
from variorum.track.fetch import Fetcher
from variorum.track.quality import extraction_problem, word_count
from variorum.track.record import record_fetch
from variorum.track.runner import PAGE_TYPES, extract_page

ARCHIVE_ORIGIN = "archive"

log = logging.getLogger("variorum.track")

Progress = Callable[[Capture, str], None]  # (capture, outcome) after each capture


class BackfillConflict(VariorumError):
    """A capture is older than the article's latest stored version and holds a text the store does not have."""


@dataclass
class BackfillReport:
    """What a backfill of one URL did: captures listed, fetched, and skipped (``redirects``, archived
    ``errors``, ``duplicates`` of an already fetched digest, ``refused`` by the quality rules, fetches that
    ``failed``), and what the store made of the rest (``outcomes``: ``new``, ``unchanged``, ``cosmetic``,
    ``flip_flop``)."""

    url: str
    listed: int = 0
    fetched: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def stored(self) -> int:
        """Versions stored."""
        return self.outcomes["new"]

    def describe(self) -> str:
        """One line for people.

        >>> report = BackfillReport("https://example.org/a", listed=5, fetched=3)
        >>> report.skipped.update(redirects=1, duplicates=1); report.outcomes.update(new=2, unchanged=1)
        >>> report.describe()
        'https://example.org/a: 5 captures listed, 3 fetched, skipped 1 duplicate, 1 redirect; 2 versions stored (1 unchanged)'
        """
        skipped = ", ".join(
            f"{count} {kind[:-1] if count == 1 and kind.endswith('s') else kind}"
            for kind, count in sorted(self.skipped.items()) if count
        )
        others = ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in sorted(self.outcomes.items())
                           if kind != "new" and count)
        return (f"{self.url}: {self.listed} capture{'s' if self.listed != 1 else ''} listed, {self.fetched} fetched"
                + (f", skipped {skipped}" if skipped else "")
                + f"; {self.stored} version{'s' if self.stored != 1 else ''} stored" + (f" ({others})" if others else ""))

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values."""
        return {
            "url": self.url, "listed": self.listed, "fetched": self.fetched,
            "skipped": {kind: self.skipped[kind] for kind in ("redirects", "errors", "duplicates", "refused", "failed")},
            "stored": self.stored, "outcomes": dict(sorted(self.outcomes.items())),
        }


async def backfill(store: Store, fetcher: Fetcher, url: str, captures: list[Capture], *,
                   progress: Progress | None = None, sleep: Sleep = asyncio.sleep) -> BackfillReport:
    """Record the captures of ``url`` (in any order: they are taken oldest first) as its versions; see the
    module's docstring. Raises :class:`BackfillConflict` for a capture that would have to go before the
    latest stored version."""
    report = BackfillReport(canonical_url(url), listed=len(captures))
    known = await asyncio.to_thread(store.history, url)
    stored_hashes = {entry.content_hash for entry in known}
    newest = known[-1].fetched_at if known else None
    digests: set[str] = set()
    for capture in sorted(captures, key=lambda c: c.timestamp):
        outcome = await _record_capture(store, fetcher, url, capture, digests, stored_hashes, newest, sleep, report)
        (report.outcomes if outcome in STORE_OUTCOMES else report.skipped)[outcome] += 1
        if progress is not None:
            progress(capture, outcome)
    return report


STORE_OUTCOMES = frozenset({"new", "unchanged", "cosmetic", "flip_flop"})


async def _record_capture(
    store: Store, fetcher: Fetcher, url: str, capture: Capture, digests: set[str], stored_hashes: set[str],
    newest: datetime | None, sleep: Sleep, report: BackfillReport,
) -> str:
    """What became of one capture: a store outcome, or why it was skipped."""
    if capture.redirect:
        return "redirects"
    if capture.error:
        return "errors"
    if capture.digest is not None:
        if capture.digest in digests:
            return "duplicates"
        digests.add(capture.digest)
    fetched = await fetch_capture(fetcher, capture.raw_url, sleep=sleep)
    report.fetched += 1
    if fetched.failure is not None:
        if fetched.failure == "redirects":
            return "redirects"
        if fetched.failure == "http_error" and "memento-datetime" in fetched.headers:
            return "errors"  # the archived page itself was an error
        log.warning("%s: %s", capture.raw_url, fetched.detail or fetched.failure)
        return "failed"
    if capture.digest is None:
        body_digest = "sha256:" + hashlib.sha256(fetched.body).hexdigest()
        if body_digest in digests:
            return "duplicates"
        digests.add(body_digest)
    if fetched.content_type not in PAGE_TYPES:
        return "refused"
    article = await asyncio.to_thread(extract_page, fetched.body, url, fetched.content_type, fetched.charset)
    latest = await asyncio.to_thread(store.latest_stored, url)
    if extraction_problem(article, word_count(latest.article.body) if latest is not None else None) is not None:
        return "refused"
    if newest is not None and capture.at <= newest:
        if content_hash(article) in stored_hashes:
            return "unchanged"
        raise BackfillConflict(
            f"{url}: already has stored versions newer than the capture of {capture.at.isoformat()} with a text "
            "it does not have; inserting older versions into a tracked history is not supported: backfill into "
            "a fresh store (--db), or with --since after its latest version")
    # the archive's response headers are not the site's: the article's conditional-GET validators stay as they are
    result = await asyncio.to_thread(partial(
        record_fetch, store, url, article, fetched.body, capture.at, HttpMeta(fetched.status),
        origin=Origin(ARCHIVE_ORIGIN, capture.raw_url)))
    if result.stored:
        stored_hashes.add(content_hash(article))
    return result.status
