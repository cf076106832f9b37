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
tracked gets its captures merged with its stored versions in time order: captures older than the first
stored version, or taken between two stored versions, are inserted there (:meth:`Store.insert_versions`:
the later versions are renumbered, and the comparisons on both sides of the inserted run are computed
here); captures newer than its latest version are recorded as usual. A capture fetch that fails is
recorded as a fetch attempt, as the tracker records its own.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from variorum.article import Article
from variorum.compare import compare
from variorum.store import HistoryEntry, HttpMeta, Origin, Store
from variorum.store.codec import content_hash
from variorum.store.repository import OlderVersion
from variorum.text.urls import canonical_url
from variorum.track.archive import ArchiveError, Capture, Sleep, fetch_capture, raw_form
from variorum.track.fetch import Fetcher
from variorum.track.quality import extraction_problem, word_count
from variorum.track.record import record_fetch
from variorum.track.runner import PAGE_TYPES, extract_page

ARCHIVE_ORIGIN = "archive"

log = logging.getLogger("variorum.track")

Progress = Callable[[Capture, str], None]  # (capture, outcome) after each capture


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
    """Record the captures of ``url`` (in any order: they are taken oldest first) as its versions, merged
    with those already stored; see the module's docstring."""
    run = _Backfill(store, fetcher, url, sleep)
    await run.reload()
    for capture in sorted(captures, key=lambda c: c.timestamp):
        if run.pending and run.gap(capture.at) != run.pending_gap:
            await run.insert_pending()
        outcome = await run.capture(capture)
        (run.report.outcomes if outcome in STORE_OUTCOMES else run.report.skipped)[outcome] += 1
        if progress is not None:
            progress(capture, outcome)
    await run.insert_pending()
    run.report.listed = len(captures)
    return run.report


async def fetch_article(fetcher: Fetcher, url: str, *, sleep: Sleep = asyncio.sleep) -> Article:
    """The article in one web page or archive capture (fetched in its raw form, see
    :func:`~variorum.track.archive.raw_form`), for a one-off comparison (``variorum diff URL URL``).
    Raises :class:`~variorum.track.archive.ArchiveError`, naming ``url``, when the fetch fails or is refused
    (a private address, unless the fetcher allows them) or the page holds no article."""
    fetched = await fetch_capture(fetcher, raw_form(url), sleep=sleep)
    if fetched.failure is not None:
        raise ArchiveError(f"{url}: {fetched.detail or fetched.failure.replace('_', ' ')}")
    if fetched.content_type not in PAGE_TYPES:
        raise ArchiveError(f"{url}: not a web page ({fetched.content_type or 'no content type'})")
    article = await asyncio.to_thread(extract_page, fetched.body, url, fetched.content_type, fetched.charset)
    if not article.body:
        raise ArchiveError(f"{url}: no article text found in the page")
    return article


STORE_OUTCOMES = frozenset({"new", "unchanged", "cosmetic", "flip_flop"})


class _Backfill:
    """One URL's backfill: the stored versions, the digests fetched, and the versions waiting to be
    inserted into one gap of the stored history (gap ``g`` lies after the ``g`` first stored versions)."""

    def __init__(self, store: Store, fetcher: Fetcher, url: str, sleep: Sleep) -> None:
        self.store, self.fetcher, self.url, self.sleep = store, fetcher, url, sleep
        self.report = BackfillReport(canonical_url(url))
        self.known: list[HistoryEntry] = []
        self.stored_hashes: set[str] = set()
        self.digests: set[str] = set()
        self.pending: list[OlderVersion] = []
        self.pending_gap = 0

    async def reload(self) -> None:
        """Read the stored versions again (after this run stored or inserted some)."""
        self.known = await asyncio.to_thread(self.store.history, self.url)
        self.stored_hashes = {entry.content_hash for entry in self.known}

    def gap(self, at: datetime) -> int:
        """How many stored versions were fetched at or before ``at``: where a capture taken then goes."""
        return bisect_right([entry.fetched_at for entry in self.known], at)

    async def _before(self, gap: int) -> Article | None:
        """The text a capture in ``gap`` follows: the last one waiting there, else the stored version before."""
        if self.pending:
            return self.pending[-1].article
        if gap == 0:
            return None
        return await asyncio.to_thread(self.store.version, self.url, self.known[gap - 1].version)

    async def capture(self, capture: Capture) -> str:
        """What became of one capture: a store outcome, or why it was skipped."""
        gap = self.gap(capture.at)
        examined = await self._examine(capture, gap)
        if isinstance(examined, str):
            return examined
        article, body, status = examined
        if gap < len(self.known):
            digest = content_hash(article)
            if digest in self.stored_hashes or any(digest == content_hash(o.article) for o in self.pending):
                return "unchanged"
            return await self._keep(capture, gap, article, body, status)
        # the archive's response headers are not the site's: the article's conditional-GET validators stay
        result = await asyncio.to_thread(partial(
            record_fetch, self.store, self.url, article, body, capture.at, HttpMeta(status),
            origin=Origin(ARCHIVE_ORIGIN, capture.raw_url)))
        if result.stored:
            await self.reload()
        return result.status

    async def _keep(self, capture: Capture, gap: int, article: Article, body: bytes, status: int | None) -> str:
        """Keep a capture taken before the latest stored version, to be inserted in its gap, if its text
        changed from the one it follows."""
        previous = await self._before(gap)
        comparison = compare(previous, article) if previous is not None else None
        if comparison is not None and not comparison.changed:
            return "cosmetic"
        self.pending.append(OlderVersion(article, body, capture.at, status, Origin(ARCHIVE_ORIGIN, capture.raw_url),
                                         comparison))
        self.pending_gap = gap
        return "new"

    async def insert_pending(self) -> None:
        """Insert the versions waiting in a gap, compared with the stored version after them at the seam (a
        last one that differs from it only cosmetically is left out)."""
        if not self.pending:
            return
        gap, following = self.pending_gap, self.known[self.pending_gap]
        after = await asyncio.to_thread(self.store.version, self.url, following.version)
        seam = compare(self.pending[-1].article, after)
        while not seam.changed:
            self.pending.pop()
            self.report.outcomes["new"] -= 1
            self.report.outcomes["cosmetic"] += 1
            if not self.pending:
                return
            seam = compare(self.pending[-1].article, after)
        inserted, self.pending = self.pending, []
        before = self.known[gap - 1] if gap else None
        await asyncio.to_thread(partial(
            self.store.insert_versions, self.url, before.version if before else 0, inserted, seam,
            hashes=(before.content_hash if before else None, following.content_hash)))
        await self.reload()

    async def _examine(self, capture: Capture, gap: int) -> tuple[Article, bytes, int | None] | str:
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
            await asyncio.to_thread(partial(
                self.store.record_failure, self.url, fetched.failure, status=fetched.status,
                detail=f"archive capture {capture.raw_url}: {fetched.detail or fetched.failure}"))
            return "failed"
        if capture.digest is None:
            body_digest = "sha256:" + hashlib.sha256(fetched.body).hexdigest()
            if body_digest in self.digests:
                return "duplicates"
            self.digests.add(body_digest)
        if fetched.content_type not in PAGE_TYPES:
            return "refused"
        article = await asyncio.to_thread(extract_page, fetched.body, self.url, fetched.content_type, fetched.charset)
        previous = await self._before(gap)
        if extraction_problem(article, word_count(previous.body) if previous is not None else None) is not None:
            return "refused"
        return article, fetched.body, fetched.status
