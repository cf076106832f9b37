"""The tracker: poll feeds, discover articles, check the ones that are due, store every real version.

One :meth:`Tracker.run_once` is a pass: every feed is polled (conditionally) and its entries become
articles; page sources are articles themselves; then articles due for a check are claimed in batches
(a lease in the database keeps two trackers from taking the same one) and checked concurrently. A check
fetches the page, then :func:`examine_page` — in the extraction worker processes — extracts the article,
judges it (paywalls, consent walls and error pages are failures, not versions) and compares it with the
latest stored version; the store only records what it is handed (it stores a version only for a
substantive change and guards against flip-flops). New versions that pass the source's filter
(:func:`~variorum.track.notify.worth_notifying`) are handed to the notifier as
:class:`~variorum.track.notify.ChangeEvent`. Each article is rescheduled by the :class:`RecheckPolicy`.

The per-article writes of many concurrent checks are committed together (:class:`_GroupCommit`): one
transaction for whatever checks finished while the previous transaction ran, so that the database and
the ORM cost per page stays small however many pages a second arrive.

Crash safety: an article is rescheduled in the same transaction that records its fetch, so a tracker
killed at any moment loses nothing: the article it was checking becomes due again when its lease runs
out, and recording the same text twice is a no-op.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError

from variorum.article import Article
from variorum.compare.model import MINOR, Comparison
from variorum.extract.html import article_from_html
from variorum.extract.plaintext import article_from_text
from variorum.store import HttpMeta, Store, VersionResult
from variorum.store.models import Source
from variorum.store.repository import STALE, DueArticle, LatestVersion, Writes
from variorum.text.boilerplate import SiteTemplates
from variorum.text.urls import site_of
from variorum.track.feeds import FeedError, parse_feed
from variorum.track.fetch import Fetched, Fetcher
from variorum.track.notify import ChangeEvent, worth_notifying
from variorum.track.quality import extraction_problem, word_count
from variorum.track.record import comparison_with, record_fetch
from variorum.track.schedule import RecheckPolicy
from variorum.track.workers import PageWorkers

log = logging.getLogger("variorum.track")

T = TypeVar("T")
Clock = Callable[[], datetime]
Progress = Callable[[str, str], None]  # (url, outcome) after each article check


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


Notify = Callable[[ChangeEvent], Awaitable[None]]  # e.g. WebhookNotifier.notify


@dataclass(frozen=True, slots=True)
class FeedFailure:
    """A feed that could not be read in a pass: its URL, the failure kind and what went wrong."""

    url: str
    kind: str
    detail: str


@dataclass
class RunReport:
    """What one pass did: outcomes counted by kind (``new``, ``unchanged``, ``cosmetic``, ``flip_flop``,
    ``not_modified``, or a failure kind), feeds polled (and those that failed), feed entries left out for
    a link that is not a usable URL, and articles discovered."""

    outcomes: Counter[str] = field(default_factory=Counter)
    feeds: int = 0
    failed_feeds: list[FeedFailure] = field(default_factory=list)
    rejected_entries: int = 0
    discovered: int = 0

    @property
    def checked(self) -> int:
        """Articles checked in this pass."""
        return sum(self.outcomes.values())

    @property
    def feed_failures(self) -> Counter[str]:
        """Failed feeds counted by failure kind."""
        return Counter(failure.kind for failure in self.failed_feeds)

    def describe(self) -> str:
        """One line for people."""
        def counts(counter: Counter[str]) -> str:
            return ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in sorted(counter.items()))

        failed = len(self.failed_feeds)
        feeds = f"polled {self.feeds} feed{'s' if self.feeds != 1 else ''}"
        if failed:
            feeds += f" ({failed} failed: {counts(self.feed_failures)})"
        if self.rejected_entries:
            feeds += f", {self.rejected_entries} entr{'ies' if self.rejected_entries != 1 else 'y'} left out"
        articles = f"discovered {self.discovered} article{'s' if self.discovered != 1 else ''}, checked {self.checked}"
        return f"{feeds}, {articles}" + (f": {counts(self.outcomes)}" if self.outcomes else "")

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values (``variorum track run --format json`` prints one per pass).

        >>> report = RunReport(Counter(new=2), feeds=1, failed_feeds=[FeedFailure("https://x.example/feed",
        ...                    "network", "connection refused")], discovered=2)
        >>> report.to_dict()["feed_failures"]
        [{'url': 'https://x.example/feed', 'kind': 'network', 'detail': 'connection refused'}]
        """
        return {
            "feeds": self.feeds,
            "feed_failures": [
                {"url": failure.url, "kind": failure.kind, "detail": failure.detail} for failure in self.failed_feeds
            ],
            "rejected_entries": self.rejected_entries,
            "discovered": self.discovered,
            "checked": self.checked,
            "outcomes": dict(sorted(self.outcomes.items())),
        }


PAGE_TYPES = frozenset({"", "text/html", "application/xhtml+xml", "text/plain"})


def extract_page(body: bytes, url: str, content_type: str, charset: str | None) -> Article:
    """The Article in a fetched page (HTML, or plain text when the server says so)."""
    if content_type == "text/plain":
        return article_from_text(body.decode(charset or "utf-8", errors="replace"), url=url)
    return article_from_html(body, source=url, charset=charset, url=url)


@dataclass(frozen=True, slots=True)
class PageCheck:
    """What :func:`examine_page` made of a fetched page: the article, why it is not a usable version
    (``(failure kind, detail)``, or ``None``), and its comparison with the latest stored version (``None``
    when there is none, when the text is the same, or when the page is not usable)."""

    article: Article
    problem: tuple[str, str] | None
    comparison: Comparison | None


def examine_page(
    body: bytes, url: str, content_type: str, charset: str | None, latest: LatestVersion | None,
    status: int | None = None, templates: SiteTemplates | None = None,
) -> PageCheck:
    """Extract a fetched page, judge it and compare it with the latest stored version: all the CPU work of
    a check, in one call that the tracker runs in its extraction worker processes. ``templates`` holds the
    site's template paragraphs, left out of the article."""
    article = extract_page(body, url, content_type, charset)
    if templates is not None:
        kept = article.keeping(templates.keep_block(site_of(url)))
        # Every paragraph repeated on the site's other pages is one of a series of formulaic articles (scores,
        # briefs, "edition 2" notices: digits are folded), not furniture, which extraction leaves out itself.
        if kept.body.strip():
            article = kept
    previous = latest.article if latest is not None else None
    problem = extraction_problem(article, word_count(previous.body) if previous is not None else None)
    comparison = comparison_with(latest, article) if problem is None else None
    return PageCheck(article, problem, comparison)


WriteOp = Callable[[Writes], Any]


GROUP_LINGER = 0.1  # seconds the first write of a group waits for others to share its transaction …
GROUP_MAX = 200     # … unless this many are waiting


class _GroupCommit:
    """Runs per-article writes on the store thread, many in one transaction (group commit): a group is
    what arrived within :data:`GROUP_LINGER` of its first write (or :data:`GROUP_MAX` writes), or while the
    previous group was being committed. Its articles and their latest versions are locked and read first,
    in one go (:meth:`Writes.load`). A transaction costs about as much as a dozen writes, and without the
    wait a group held two writes on average (bench/track.py)."""

    def __init__(self, store: Store, thread: Executor) -> None:
        self._store = store
        self._thread = thread
        self._pending: list[tuple[str | None, WriteOp, asyncio.Future[Any]]] = []
        self._committing = False
        self._full = asyncio.Event()

    async def write(self, url: str | None, op: WriteOp) -> Any:
        """Run ``op``, a write about the article at ``url`` (``None``: about no one article, a feed's poll),
        in the next group's transaction and return what it returned, once committed."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((url, op, future))
        if len(self._pending) >= GROUP_MAX:
            self._full.set()
        if not self._committing:
            self._committing = True
            asyncio.get_running_loop().create_task(self._commit_groups())
        return await future

    async def _commit_groups(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                if len(self._pending) < GROUP_MAX:
                    self._full.clear()
                    with suppress(TimeoutError):
                        async with asyncio.timeout(GROUP_LINGER):
                            await self._full.wait()
                group, self._pending = self._pending, []
                try:
                    results = await loop.run_in_executor(self._thread, self._commit, [(url, op) for url, op, _ in group])
                except Exception as error:  # the transaction failed: every write of the group did
                    for *_, future in group:
                        future.set_exception(error)
                else:
                    for (*_, future), result in zip(group, results):
                        future.set_result(result)
        finally:
            self._committing = False

    def _commit(self, ops: list[tuple[str | None, WriteOp]]) -> list[Any]:
        with self._store.batch() as writes:
            writes.load(url for url, _ in ops if url is not None)
            return [op(writes) for _, op in ops]


class _Fetching:
    """The pages of a batch not fetched yet; ``done`` is set once every one of them has been."""

    def __init__(self, urls: Iterable[str]) -> None:
        self._waiting = set(urls)
        self.done = asyncio.Event()
        if not self._waiting:
            self.done.set()

    def fetched(self, url: str) -> None:
        """``url`` has been fetched (or has failed before its fetch ended); saying so twice is harmless."""
        self._waiting.discard(url)
        if not self._waiting:
            self.done.set()


async def _fetched_or_failed(fetching: _Fetching, batch: asyncio.Task[None]) -> None:
    """Wait until every page of ``batch`` is fetched; raise its exception if it fails before."""
    fetched = asyncio.ensure_future(fetching.done.wait())
    try:
        await asyncio.wait((fetched, batch), return_when=asyncio.FIRST_COMPLETED)
    finally:
        fetched.cancel()
    if batch.done():
        batch.result()


class Tracker:
    """Runs passes over a store with a fetcher; see the module's docstring.

    ``extractor`` runs :func:`examine_page` (give it :class:`~variorum.track.workers.PageWorkers`:
    extraction and comparison are CPU work that would otherwise compete with the event loop for one
    interpreter); without one it runs in a thread.
    """

    def __init__(
        self, store: Store, fetcher: Fetcher, *, recheck: RecheckPolicy = RecheckPolicy(),
        notify: Notify | None = None, clock: Clock = utc_now, batch: int = 200,
        lease: timedelta = timedelta(minutes=5), extractor: PageWorkers | None = None,
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
        self._group: _GroupCommit | None = None

    async def run_once(self, progress: Progress | None = None, *, everything: bool = False) -> RunReport:
        """One pass: poll every feed, then check every article that is due (``everything``: every article,
        whatever its schedule)."""
        report = RunReport()
        with ThreadPoolExecutor(1, "variorum-store") as self._writer:
            self._group = _GroupCommit(self.store, self._writer)
            await self._pass(report, progress, everything)
        return report

    async def _pass(self, report: RunReport, progress: Progress | None, everything: bool) -> None:
        sources = await self._store(self.store.sources)
        self._sources = {source.id: source for source in sources}
        await asyncio.gather(*(self._poll(source, report) for source in sources))
        cutoff = self.clock()
        if everything:
            await self._store(self.store.make_all_due, cutoff)
        # The next batch is claimed as soon as every page of this one is fetched, while its pages are still
        # being extracted and written: without the overlap the workers sat idle at each batch's end (its
        # last group commit, the next claim, the first fetches). At most two batches are in flight.
        in_flight: list[asyncio.Task[None]] = []
        try:
            while True:
                if len(in_flight) == 2:
                    await in_flight.pop(0)
                due = await self._store(self.store.claim_due, cutoff, limit=self.batch, lease=self.lease)
                if not due:
                    break
                latest = await asyncio.to_thread(self.store.latest_stored_of, [article.url for article in due])
                templates = await asyncio.to_thread(self._site_templates, due)
                fetching = _Fetching(article.url for article in due)
                batch = asyncio.create_task(self._check_batch(due, latest, templates, fetching, report, progress))
                in_flight.append(batch)
                await _fetched_or_failed(fetching, batch)
            while in_flight:
                await in_flight.pop(0)
        finally:  # a failed batch or claim (the database lost) fails the pass with its own exception
            for batch in in_flight:
                batch.cancel()
            await asyncio.gather(*in_flight, return_exceptions=True)

    async def _check_batch(self, due: list[DueArticle], latest: dict[str, LatestVersion],
                           templates: dict[str, SiteTemplates], fetching: _Fetching, report: RunReport,
                           progress: Progress | None) -> None:
        outcomes = await asyncio.gather(
            *(self._check(article, latest.get(article.url), templates, fetching) for article in due))
        for article, outcome in zip(due, outcomes):
            report.outcomes[outcome] += 1
            if progress is not None:
                progress(article.url, outcome)

    async def _store(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a store call that writes on the pass's store thread (one: on SQLite, writers would
        otherwise queue on the database lock and sleep in its busy handler)."""
        return await asyncio.get_running_loop().run_in_executor(self._writer, partial(method, *args, **kwargs))

    async def _write(self, due: DueArticle, op: WriteOp) -> Any:
        assert self._group is not None  # set by run_once
        return await self._group.write(due.url, op)

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
        """Poll a source. Its writes (the articles discovered, when it was polled) go into the group commits
        of the article checks: one transaction for many feeds, not two for each (100 feeds cost 0.7-0.9 s of
        serial transactions on PostgreSQL, and the checks wait for the polls)."""
        assert self._group is not None  # set by run_once
        if source.kind == "page":
            at = self.clock()
            new = await self._group.write(None, lambda writes: writes.discover(
                [(source.url, None)], source_id=source.id, at=at))
            report.discovered += new  # not "+= await": the other polls update it meanwhile
            return
        report.feeds += 1
        fetched = await self.fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
        at = self.clock()
        if fetched.failure is not None:
            await self._feed_failed(source, report, fetched.failure, fetched.detail, fetched.status, at)
            return
        entries: list[tuple[str, datetime | None]] = []
        if not fetched.not_modified:
            try:  # in a worker: the workers have no page to check yet, and the event loop has feeds to fetch
                feed = (await self.extractor.run(parse_feed, fetched.body, fetched.final_url)
                        if self.extractor is not None else parse_feed(fetched.body, fetched.final_url))
            except FeedError as error:
                await self._feed_failed(source, report, "bad_feed", str(error), fetched.status, at)
                return
            for rejected in feed.rejected:
                log.info("%s: entry left out: %s", source.url, rejected)
            report.rejected_entries += len(feed.rejected)
            entries = [(entry.url, entry.updated) for entry in feed.entries]
        etag = fetched.headers.get("etag", source.etag if fetched.not_modified else None)
        last_modified = fetched.headers.get("last-modified", source.last_modified if fetched.not_modified else None)

        def record(writes: Writes) -> int:
            new = writes.discover(entries, source_id=source.id, at=at)
            writes.mark_polled(source.id, at=at, etag=etag, last_modified=last_modified)
            return new

        new = await self._group.write(None, record)
        report.discovered += new

    async def _feed_failed(self, source: Source, report: RunReport, kind: str, detail: str, status: int | None,
                           at: datetime) -> None:
        """A feed that could not be read: named in the report, recorded, and marked as polled (its
        validators kept), so that ``track list`` says when it was last tried."""
        assert self._group is not None  # set by run_once
        report.failed_feeds.append(FeedFailure(source.url, kind, detail))
        log.info("%s: %s (%s)", source.url, kind, detail)

        def record(writes: Writes) -> None:
            writes.record_failure(source.url, kind, status=status, detail=detail, at=at, source_id=source.id)
            writes.mark_polled(source.id, at=at, etag=source.etag, last_modified=source.last_modified)

        await self._group.write(None, record)

    # articles -----------------------------------------------------------------------------------------

    async def _check(self, due: DueArticle, latest: LatestVersion | None, templates: dict[str, SiteTemplates],
                     fetching: _Fetching) -> str:
        try:
            return await self._fetch_and_record(due, latest, templates, fetching)
        except Exception as error:  # one bad page must not stop the pass
            fetching.fetched(due.url)
            log.exception("checking %s failed", due.url)
            outcome = "extraction_failed"
            detail = f"{type(error).__name__}: {error}"
            await self._write(due, partial(self._record_failure, due, outcome, detail, None, self.clock()))
            return outcome

    def _next_check(self, due: DueArticle, changed_at: datetime | None) -> datetime | None:
        return self.recheck.next_check(
            first_seen=due.first_seen_at, last_changed=changed_at or due.last_changed_at, now=self.clock(),
        )

    def _record_failure(self, due: DueArticle, kind: str, detail: str, status: int | None, at: datetime,
                        writes: Writes) -> None:
        log.info("%s: %s (%s)", due.url, kind, detail)
        writes.record_failure(due.url, kind, status=status, detail=detail, at=at, source_id=due.source_id)
        writes.schedule_check(due.url, self._next_check(due, None))

    def _mark_seen(self, due: DueArticle, at: datetime, writes: Writes) -> None:
        writes.mark_seen(due.url, at)
        writes.schedule_check(due.url, self._next_check(due, None))

    def _record_version(self, due: DueArticle, fetched: Fetched, check: PageCheck, latest: LatestVersion | None,
                        at: datetime, writes: Writes) -> VersionResult:
        result = writes.record_version(
            due.url, check.article, fetched.body, at, HttpMeta(fetched.status, fetched.headers),
            source_id=due.source_id, comparison=check.comparison, previous=latest.seq if latest else 0,
        )
        if result.status != STALE:
            writes.schedule_check(due.url, self._next_check(due, at if result.stored else None))
        return result

    def _record_again(self, due: DueArticle, fetched: Fetched, article: Article, at: datetime) -> VersionResult:
        """Record a fetch whose comparison went stale (another writer stored a version meanwhile)."""
        result = record_fetch(self.store, due.url, article, fetched.body, at, HttpMeta(fetched.status, fetched.headers),
                              source_id=due.source_id)
        self.store.schedule_check(due.url, self._next_check(due, at if result.stored else None))
        return result

    async def _fetch_and_record(self, due: DueArticle, latest: LatestVersion | None,
                                templates: dict[str, SiteTemplates], fetching: _Fetching) -> str:
        fetched = await self.fetcher.fetch(due.url, etag=due.etag, last_modified=due.last_modified)
        fetching.fetched(due.url)
        at = self.clock()
        if fetched.failure is not None:
            await self._write(due, partial(self._record_failure, due, fetched.failure, fetched.detail, fetched.status, at))
            return fetched.failure
        if fetched.not_modified:
            await self._write(due, partial(self._mark_seen, due, at))
            return "not_modified"
        if fetched.content_type not in PAGE_TYPES:
            detail = f"not an article page but {fetched.content_type}"
            await self._write(due, partial(self._record_failure, due, "extraction_failed", detail, fetched.status, at))
            return "extraction_failed"
        page = (fetched.body, due.url, fetched.content_type, fetched.charset, latest, fetched.status,
                templates.get(site_of(due.url)))
        check = await (self.extractor.run(examine_page, *page) if self.extractor is not None
                       else asyncio.to_thread(examine_page, *page))
        if check.problem is not None:
            kind, detail = check.problem
            await self._write(due, partial(self._record_failure, due, kind, detail, fetched.status, at))
            return kind
        result: VersionResult = await self._write(due, partial(self._record_version, due, fetched, check, latest, at))
        if result.status == STALE:
            result = await self._store(self._record_again, due, fetched, check.article, at)
        if result.stored:
            await self._notify(due, check.article, result)
        return result.status

    async def _notify(self, due: DueArticle, article: Article, result: VersionResult) -> None:
        source = self._sources.get(due.source_id) if due.source_id is not None else None
        if self.notify is not None and worth_notifying(
            result.comparison, min_significance=source.min_significance if source else MINOR,
            headline_only=source.headline_only if source else False,
        ):
            assert result.comparison is not None  # a first version is never worth a notification
            await self.notify(ChangeEvent(
                result.url, article.title, result.version, result.version - 1, result.comparison, due.source_id,
            ))

    def _site_templates(self, due: list[DueArticle]) -> dict[str, SiteTemplates]:
        """For each site of a batch, its template as learned from the latest texts of the site's articles in
        the store (:meth:`Store.site_texts`, :mod:`variorum.text.boilerplate`); a read: any thread."""
        learned: dict[str, SiteTemplates] = {}
        for parts in {urlsplit(article.url)[:2] for article in due}:
            url = f"{parts[0]}://{parts[1]}/"  # the site's root: no article is left out of what is read
            site, templates = site_of(url), SiteTemplates()
            for other_url, paragraphs in self.store.site_texts(url):
                templates.add(site, other_url, paragraphs)
            if templates.template_count(site):
                learned[site] = templates
        return learned


__all__ = ["FeedFailure", "Notify", "PageCheck", "RunReport", "Tracker", "examine_page", "extract_page", "utc_now"]
