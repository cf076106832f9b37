"""The tracker: poll feeds, discover articles, check the ones that are due, store every real version.

One :meth:`Tracker.run_once` is a pass: every feed is polled (conditionally) and its entries become
articles; page sources are articles themselves; then articles due for a check are claimed in batches
(a lease in the database keeps two trackers from taking the same one), fetched, extracted, judged
(paywalls, consent walls and error pages are failures, not versions) and recorded by the store, which
stores a version only for a substantive change and guards against flip-flops. New versions that pass the
source's filter (:func:`~variorum.track.notify.worth_notifying`) are handed to the notifier as
:class:`~variorum.track.notify.ChangeEvent`. Each article is rescheduled by the :class:`RecheckPolicy`.

Crash safety: every store write is one transaction, and an article is rescheduled only after its fetch
was recorded, so a tracker killed at any moment loses nothing: the article it was checking becomes due
again when its lease runs out, and recording the same text twice is a no-op.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any, Awaitable, Callable, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from variorum.article import Article
from variorum.compare.model import MINOR
from variorum.extract.html import article_from_html
from variorum.extract.plaintext import article_from_text
from variorum.store import HttpMeta, Store
from variorum.store.models import Source
from variorum.store.repository import DueArticle
from variorum.track.feeds import FeedError, parse_feed
from variorum.track.fetch import Fetched, Fetcher
from variorum.track.notify import ChangeEvent, worth_notifying
from variorum.track.quality import extraction_problem, word_count
from variorum.track.schedule import RecheckPolicy
from variorum.text.boilerplate import SiteTemplates
from variorum.text.urls import site_of

log = logging.getLogger("variorum.track")

T = TypeVar("T")
Clock = Callable[[], datetime]
Progress = Callable[[str, str], None]  # (url, outcome) after each article check


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(timezone.utc)


Notify = Callable[[ChangeEvent], Awaitable[None]]  # e.g. WebhookNotifier.notify


@dataclass
class RunReport:
    """What one pass did: outcomes counted by kind (``new``, ``unchanged``, ``cosmetic``, ``flip_flop``,
    ``not_modified``, or a failure kind), feeds polled and articles discovered."""

    outcomes: Counter[str] = field(default_factory=Counter)
    feeds: int = 0
    feed_failures: Counter[str] = field(default_factory=Counter)
    discovered: int = 0

    @property
    def checked(self) -> int:
        """Articles checked in this pass."""
        return sum(self.outcomes.values())

    def describe(self) -> str:
        """One line for people."""
        def counts(counter: Counter[str]) -> str:
            return ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in sorted(counter.items()))

        failed = sum(self.feed_failures.values())
        feeds = f"polled {self.feeds} feed{'s' if self.feeds != 1 else ''}"
        if failed:
            feeds += f" ({failed} failed: {counts(self.feed_failures)})"
        articles = f"discovered {self.discovered} article{'s' if self.discovered != 1 else ''}, checked {self.checked}"
        return f"{feeds}, {articles}" + (f": {counts(self.outcomes)}" if self.outcomes else "")


PAGE_TYPES = frozenset({"", "text/html", "application/xhtml+xml", "text/plain"})


def extract_page(body: bytes, url: str, content_type: str, charset: str | None) -> Article:
    """The Article in a fetched page (HTML, or plain text when the server says so)."""
    if content_type == "text/plain":
        return article_from_text(body.decode(charset or "utf-8", errors="replace"), url=url)
    return article_from_html(body, source=url, charset=charset, url=url)


class Tracker:
    """Runs passes over a store with a fetcher; see the module's docstring."""

    def __init__(
        self, store: Store, fetcher: Fetcher, *, recheck: RecheckPolicy = RecheckPolicy(),
        notify: Notify | None = None, clock: Clock = utc_now, batch: int = 200,
        lease: timedelta = timedelta(minutes=5), extractor: Executor | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.recheck = recheck
        self.notify = notify
        self.clock = clock
        self.batch = batch
        self.lease = lease
        self.extractor = extractor
        self._sources: dict[int, Source] = {}
        self._writer: Executor | None = None

    async def run_once(self, progress: Progress | None = None, *, everything: bool = False) -> RunReport:
        """One pass: poll every feed, then check every article that is due (``everything``: every article,
        whatever its schedule)."""
        report = RunReport()
        with ThreadPoolExecutor(1 if self.store.dialect == "sqlite" else 4, "variorum-store") as self._writer:
            await self._pass(report, progress, everything)
        return report

    async def _pass(self, report: RunReport, progress: Progress | None, everything: bool) -> None:
        sources = await self._store(self.store.sources)
        self._sources = {source.id: source for source in sources}
        await asyncio.gather(*(self._poll(source, report) for source in sources))
        cutoff = self.clock()
        if everything:
            await self._store(self.store.make_all_due, cutoff)
        while due := await self._store(self.store.claim_due, cutoff, limit=self.batch, lease=self.lease):
            outcomes = await asyncio.gather(*(self._check(article) for article in due))
            for article, outcome in zip(due, outcomes):
                report.outcomes[outcome] += 1
                if progress is not None:
                    progress(article.url, outcome)

    async def _store(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a store call on the pass's store threads: one on SQLite, where writers would otherwise
        queue on the database lock and sleep in its busy handler, a few on PostgreSQL."""
        return await asyncio.get_running_loop().run_in_executor(self._writer, partial(method, *args, **kwargs))

    async def run_forever(self, every: timedelta, progress: Progress | None = None,
                          on_pass: Callable[[RunReport], None] | None = None) -> None:
        """Run a pass every ``every`` (measured from the start of one pass to the start of the next). A pass
        that fails because the database cannot be reached is logged and the next one tried as planned."""
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            try:
                report = await self.run_once(progress)
            except SQLAlchemyError as error:
                log.error("pass abandoned, the database failed: %s", str(error).strip().splitlines()[0])
            else:
                if on_pass is not None:
                    on_pass(report)
            await asyncio.sleep(max(0.0, every.total_seconds() - (loop.time() - started)))

    # sources ------------------------------------------------------------------------------------------

    async def _poll(self, source: Source, report: RunReport) -> None:
        if source.kind == "page":
            new = await self._store(self.store.discover, [(source.url, None)], source_id=source.id, at=self.clock())
            report.discovered += new  # not "+= await": the other polls update it meanwhile
            return
        report.feeds += 1
        fetched = await self.fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
        at = self.clock()
        if fetched.failure is not None:
            report.feed_failures[fetched.failure] += 1
            await self._failed(source.url, fetched.failure, fetched.detail, fetched.status, at, source.id)
            return
        if not fetched.not_modified:
            try:
                entries = parse_feed(fetched.body, fetched.final_url)
            except FeedError as error:
                report.feed_failures["bad_feed"] += 1
                await self._failed(source.url, "bad_feed", str(error), fetched.status, at, source.id)
                return
            new = await self._store(
                self.store.discover, [(entry.url, entry.updated) for entry in entries], source_id=source.id, at=at)
            report.discovered += new
        await self._store(
            self.store.mark_polled, source.id, at=at,
            etag=fetched.headers.get("etag", source.etag if fetched.not_modified else None),
            last_modified=fetched.headers.get("last-modified", source.last_modified if fetched.not_modified else None),
        )

    # articles -----------------------------------------------------------------------------------------

    async def _check(self, due: DueArticle) -> str:
        try:
            outcome, changed_at = await self._fetch_and_record(due)
        except Exception as error:  # one bad page must not stop the pass
            log.exception("checking %s failed", due.url)
            outcome, changed_at = "extraction_failed", None
            await self._failed(due.url, outcome, f"{type(error).__name__}: {error}", None, self.clock(), due.source_id)
        now = self.clock()
        next_check = self.recheck.next_check(
            first_seen=due.first_seen_at, last_changed=changed_at or due.last_changed_at, now=now,
        )
        await self._store(self.store.schedule_check, due.url, next_check)
        return outcome

    async def _fetch_and_record(self, due: DueArticle) -> tuple[str, datetime | None]:
        fetched = await self.fetcher.fetch(due.url, etag=due.etag, last_modified=due.last_modified)
        at = self.clock()
        if fetched.failure is not None:
            await self._failed(due.url, fetched.failure, fetched.detail, fetched.status, at, due.source_id)
            return fetched.failure, None
        if fetched.not_modified:
            await self._store(self.store.mark_seen, due.url, at)
            return "not_modified", None
        if fetched.content_type not in PAGE_TYPES:
            detail = f"not an article page but {fetched.content_type}"
            await self._failed(due.url, "extraction_failed", detail, fetched.status, at, due.source_id)
            return "extraction_failed", None
        article = await self._extract(fetched, due.url)
        article = await asyncio.to_thread(self._without_site_template, article, due.url)  # a read: any thread
        previous_words = await asyncio.to_thread(self._latest_words, due.url)  # a read: any thread
        problem = extraction_problem(article, previous_words)
        if problem is not None:
            await self._failed(due.url, problem[0], problem[1], fetched.status, at, due.source_id)
            return problem[0], None
        result = await self._store(
            self.store.record_version, due.url, article, fetched.body, at, HttpMeta(fetched.status, fetched.headers),
            source_id=due.source_id,
        )
        if not result.stored:
            return result.status, None
        source = self._sources.get(due.source_id) if due.source_id is not None else None
        if self.notify is not None and worth_notifying(
            result.comparison, min_significance=source.min_significance if source else MINOR,
            headline_only=source.headline_only if source else False,
        ):
            assert result.comparison is not None  # a first version is never worth a notification
            await self.notify(ChangeEvent(
                result.url, article.title, result.version, result.version - 1, result.comparison, due.source_id,
            ))
        return result.status, at

    async def _extract(self, fetched: Fetched, url: str) -> Article:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.extractor, extract_page, fetched.body, url, fetched.content_type, fetched.charset,
        )

    def _without_site_template(self, article: Article, url: str) -> Article:
        """The article without its site's template: paragraphs that recur in several other articles of the
        site in the store (:mod:`variorum.text.boilerplate`)."""
        site = site_of(url)
        templates = SiteTemplates()
        for other_url, paragraphs in self.store.site_texts(url):
            templates.add(site, other_url, paragraphs)
        return article.keeping(templates.keep_block(site)) if templates.template_count(site) else article

    def _latest_words(self, url: str) -> int | None:
        latest = self.store.latest(url)
        return word_count(latest.body) if latest is not None else None

    async def _failed(self, url: str, kind: str, detail: str, status: int | None, at: datetime,
                      source_id: int | None) -> None:
        log.info("%s: %s (%s)", url, kind, detail)
        await self._store(
            self.store.record_failure, url, kind, status=status, detail=detail, at=at, source_id=source_id)


__all__ = ["Notify", "RunReport", "Tracker", "extract_page", "utc_now"]
