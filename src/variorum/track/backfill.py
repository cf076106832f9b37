"""Rebuilding an article's past from a web archive's captures, through the tracker's own pipeline.

The captures of a URL (:mod:`variorum.track.archive`) are taken oldest first. Redirect captures and archived
error pages (HTTP 3xx, 4xx, 5xx as the archive saw them) are skipped without a fetch, and a capture whose
digest was already fetched is skipped too (the same bytes make the same text). Each other capture is
fetched raw, extracted, judged by the tracker's rules (:mod:`variorum.track.quality`: stubs, consent walls
and error pages served with 200 are no versions) and recorded with :func:`~variorum.track.record.record_fetch`
at the capture time, so the store keeps a new version only when the text really changed and refuses
flip-flops, as for a tracked page. A stored version's origin is kept with it (``origin`` ``"archive"`` and
``origin_url``, the capture's URL).

Running it again is harmless: a capture whose text is already stored changes nothing. An article already
tracked gets its older captures inserted before its first stored version (:meth:`Store.insert_before`: the
stored versions are renumbered after them, and the comparison at the seam is computed here); captures
newer than its latest version are recorded as usual. A capture taken between two stored versions with a
text the store does not have is not merged: :class:`BackfillConflict` is raised before anything is written.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from variorum.article import Article
from variorum.compare import compare
from variorum.errors import VariorumError
from variorum.store import HistoryEntry, HttpMeta, Origin, Store
from variorum.store.codec import content_hash
from variorum.store.repository import OlderVersion
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
    module's docstring. Raises :class:`BackfillConflict`, writing nothing, for a capture taken within the
    span of the stored versions whose text the store does not have."""
    run = _Backfill(store, fetcher, url, sleep, await asyncio.to_thread(store.history, url))
    for capture in sorted(captures, key=lambda c: c.timestamp):
        if run.older and run.newest is not None and capture.at > run.newest:
            await run.insert_older()  # only now: a conflict within the stored span must leave nothing written
        outcome = await run.capture(capture)
        (run.report.outcomes if outcome in STORE_OUTCOMES else run.report.skipped)[outcome] += 1
        if progress is not None:
            progress(capture, outcome)
    await run.insert_older()
    run.report.listed = len(captures)
    return run.report


STORE_OUTCOMES = frozenset({"new", "unchanged", "cosmetic", "flip_flop"})


class _Backfill:
    """One URL's backfill: what is stored, the digests fetched, and the versions waiting to go before the
    first stored one."""

    def __init__(self, store: Store, fetcher: Fetcher, url: str, sleep: Sleep, known: list[HistoryEntry]) -> None:
        self.store, self.fetcher, self.url, self.sleep = store, fetcher, url, sleep
        self.report = BackfillReport(canonical_url(url))
        self.first = known[0] if known else None
        self.newest = known[-1].fetched_at if known else None
        self.stored_hashes = {entry.content_hash for entry in known}
        self.digests: set[str] = set()
        self.older: list[OlderVersion] = []

    async def capture(self, capture: Capture) -> str:
        """What became of one capture: a store outcome, or why it was skipped."""
        examined = await self._examine(capture)
        if isinstance(examined, str):
            return examined
        article, body, status = examined
        digest = content_hash(article)
        if self.first is not None and capture.at < self.first.fetched_at:
            return self._older(capture, article, body, status, digest)
        if self.newest is not None and capture.at <= self.newest:
            if digest in self.stored_hashes or any(digest == content_hash(o.article) for o in self.older):
                return "unchanged"
            raise BackfillConflict(
                f"{self.url}: the capture of {capture.at.isoformat()} falls between stored versions and has a text "
                "the store does not have; inserting it into the tracked history is not supported: backfill into "
                "a fresh store (--db), or with --until before its first version or --since after its latest")
        # the archive's response headers are not the site's: the article's conditional-GET validators stay
        result = await asyncio.to_thread(partial(
            record_fetch, self.store, self.url, article, body, capture.at, HttpMeta(status),
            origin=Origin(ARCHIVE_ORIGIN, capture.raw_url)))
        if result.stored:
            self.stored_hashes.add(digest)
        return result.status

    def _older(self, capture: Capture, article: Article, body: bytes, status: int | None, digest: str) -> str:
        """Keep a capture older than the first stored version, to be inserted before it, if its text changed."""
        if digest in self.stored_hashes or any(digest == content_hash(o.article) for o in self.older):
            return "unchanged"
        comparison = compare(self.older[-1].article, article) if self.older else None
        if comparison is not None and not comparison.changed:
            return "cosmetic"
        self.older.append(OlderVersion(article, body, capture.at, status, Origin(ARCHIVE_ORIGIN, capture.raw_url),
                                       comparison))
        return "new"

    async def insert_older(self) -> None:
        """Insert the kept older versions before the first stored one, compared with it at the seam (a last
        older version that differs from it only cosmetically is left out)."""
        if not self.older or self.first is None:
            return
        first = await asyncio.to_thread(self.store.version, self.url, self.first.version)
        seam = compare(self.older[-1].article, first)
        while not seam.changed:
            self.older.pop()
            self.report.outcomes["new"] -= 1
            self.report.outcomes["cosmetic"] += 1
            if not self.older:
                return
            seam = compare(self.older[-1].article, first)
        older, self.older = self.older, []
        await asyncio.to_thread(partial(self.store.insert_before, self.url, older, seam,
                                        first_hash=self.first.content_hash))
        self.stored_hashes.update(content_hash(o.article) for o in older)

    async def _examine(self, capture: Capture) -> tuple[Article, bytes, int | None] | str:
        """Fetch, extract and judge a capture: the article, its raw bytes and status, or why it is skipped."""
        if capture.redirect:
            return "redirects"
        if capture.error:
            return "errors"
        if capture.digest is not None:
            if capture.digest in self.digests:
                return "duplicates"
            self.digests.add(capture.digest)
        fetched = await fetch_capture(self.fetcher, capture.raw_url, sleep=self.sleep)
        self.report.fetched += 1
        if fetched.failure is not None:
            if fetched.failure == "redirects":
                return "redirects"
            if fetched.failure == "http_error" and "memento-datetime" in fetched.headers:
                return "errors"  # the archived page itself was an error
            log.warning("%s: %s", capture.raw_url, fetched.detail or fetched.failure)
            return "failed"
        if capture.digest is None:
            body_digest = "sha256:" + hashlib.sha256(fetched.body).hexdigest()
            if body_digest in self.digests:
                return "duplicates"
            self.digests.add(body_digest)
        if fetched.content_type not in PAGE_TYPES:
            return "refused"
        article = await asyncio.to_thread(extract_page, fetched.body, self.url, fetched.content_type, fetched.charset)
        if self.older and (self.first is None or capture.at < self.first.fetched_at):
            previous_words: int | None = word_count(self.older[-1].article.body)
        else:
            latest = await asyncio.to_thread(self.store.latest_stored, self.url)
            previous_words = word_count(latest.article.body) if latest is not None else None
        if extraction_problem(article, previous_words) is not None:
            return "refused"
        return article, fetched.body, fetched.status
