"""``variorum track``: add feeds and pages to watch, list them, and run the tracker."""

from __future__ import annotations

import asyncio
import json
import sys
from contextlib import ExitStack
from enum import Enum
from typing import Annotated, Any
from urllib.parse import urlsplit

import httpx
import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from variorum.cli.common import AllowPrivate, DatabaseOption, Significance, open_cli_store, warn
from variorum.cli.console import progress_console, show_log_records
from variorum.cli.notify import feed_command
from variorum.errors import InputError, VariorumError
from variorum.extract.parallel import default_workers
from variorum.store import Store
from variorum.track import Fetcher, FetchPolicy, RecheckPolicy, RunReport, Tracker, WebhookNotifier, parse_duration
from variorum.track.addresses import private_address_problem
from variorum.track.archive import DEFAULT_ARCHIVE, archive_timestamp, list_captures, list_timemap
from variorum.track.backfill import BackfillReport, backfill
from variorum.track.feeds import looks_like_feed
from variorum.track.workers import PageWorkers

track_app = typer.Typer(
    help="Watch feeds and pages; store every real version of each article.", no_args_is_help=True,
)


class SourceKind(str, Enum):
    """What ``track add`` is given: a feed, a page, or whichever the URL turns out to be."""

    auto = "auto"
    feed = "feed"
    page = "page"




class RunFormat(str, Enum):
    """How ``track run`` reports each pass."""

    text = "text"
    json = "json"


def _checked_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        raise InputError(url, f"not a usable URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(url, "not an http:// or https:// URL")
    return url


async def _kind_of(url: str, allow_private: bool) -> str:
    """Fetch ``url`` once to tell a feed from a page."""
    async with Fetcher(FetchPolicy(allow_private=allow_private, delay=0.0, deadline=30.0)) as fetcher:
        fetched = await fetcher.fetch(url)
    if fetched.failure is not None:
        raise InputError(url, f"cannot fetch it to tell a feed from a page: {fetched.detail}; "
                              "pass --kind feed or --kind page to add it anyway")
    return "feed" if looks_like_feed(fetched.body, fetched.content_type) else "page"


async def _refuse_private(url: str) -> None:
    host = urlsplit(url)
    try:
        problem = await private_address_problem(host.hostname or "", host.port)
    except OSError:
        warn(f"{url}: the host name does not resolve now; adding it anyway")
        return
    if problem is not None:
        raise InputError(url, problem)


@track_app.command("add")
def add_command(
    urls: Annotated[list[str], typer.Argument(help="Feed (RSS, Atom, JSON Feed) or article page URLs.", show_default=False)],
    kind: Annotated[SourceKind, typer.Option(
        "--kind", help="feed, page, or auto: fetch the URL once to find out.")] = SourceKind.auto,
    min_significance: Annotated[Significance, typer.Option(
        help="Notify only of new versions with a change at least this significant.")] = Significance.minor,
    headline_only: Annotated[bool, typer.Option(
        "--headline-only", help="Notify only when the headline changed.")] = False,
    allow_private: AllowPrivate = False,
    db: DatabaseOption = None,
) -> None:
    """Watch feeds and pages."""
    store = open_cli_store(db, create=True)
    try:
        known = {source.url for source in store.sources()}
        for url in map(_checked_url, urls):
            if kind is SourceKind.auto:
                found = asyncio.run(_kind_of(url, allow_private))
            else:
                if not allow_private:
                    asyncio.run(_refuse_private(url))
                found = kind.value
            source = store.add_source(url, found, min_significance=min_significance.value, headline_only=headline_only)
            verb = "already watching" if source.url in known else "watching"
            typer.echo(f"{verb} {source.kind} {source.url} (source {source.id})")
    finally:
        store.close()


@track_app.command("remove")
def remove_command(
    urls: Annotated[list[str], typer.Argument(help="Feed or page URLs, as listed by 'track list'.", show_default=False)],
    db: DatabaseOption = None,
) -> None:
    """Stop watching feeds and pages (their articles and versions are kept)."""
    store = open_cli_store(db)
    try:
        missing = [url for url in urls if not store.remove_source(url)]
        for url in urls:
            if url not in missing:
                typer.echo(f"stopped watching {url}")
    finally:
        store.close()
    if missing:
        raise InputError(missing[0], "not a watched source (see 'variorum track list')")


@track_app.command("list")
def list_command(db: DatabaseOption = None) -> None:
    """List the watched sources."""
    store = open_cli_store(db)
    try:
        for source in store.sources():
            polled = source.last_polled_at.isoformat(timespec="seconds") if source.last_polled_at else "never"
            failures = store.failures(source.url) if source.last_polled_at else []
            if failures and failures[-1].at == source.last_polled_at:
                polled += f" (failed: {failures[-1].kind.replace('_', ' ')})"
            typer.echo(f"{source.id}\t{source.kind}\t{source.url}\tlast polled {polled}")
    finally:
        store.close()


def _progress(stack: ExitStack, quiet: bool) -> Progress | None:
    console = None if quiet else progress_console()
    if console is None:
        return None
    return stack.enter_context(Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} checked"),
        TimeElapsedColumn(), console=console, transient=True,
    ))


def _report(report: RunReport, output_format: RunFormat) -> None:
    if output_format is RunFormat.json:
        typer.echo(json.dumps(report.to_dict()))
    else:
        typer.echo(report.describe())
    sys.stdout.flush()


async def _run(store: Store, tracker_options: dict[str, Any], policy: FetchPolicy, webhooks: list[str], once: bool,
               everything: bool, every: str, output_format: RunFormat, progress: Progress | None) -> None:
    task = progress.add_task("tracking", total=None) if progress is not None else None

    def advance(_url: str, _outcome: str) -> None:
        if progress is not None and task is not None:
            progress.advance(task)

    async with Fetcher(policy) as fetcher, httpx.AsyncClient(timeout=policy.timeout, trust_env=False) as client:
        notifier = WebhookNotifier(webhooks, client=client, user_agent=policy.user_agent) if webhooks else None
        tracker = Tracker(store, fetcher, notify=notifier.notify if notifier else None, **tracker_options)
        try:
            if once:
                _report(await tracker.run_once(advance, everything=everything), output_format)
            else:
                await tracker.run_forever(parse_duration(every), advance, lambda r: _report(r, output_format))
        finally:
            if notifier is not None:
                await notifier.aclose()


@track_app.command("run")
def run_command(
    once: Annotated[bool, typer.Option("--once", help="Run one pass and exit.")] = False,
    everything: Annotated[bool, typer.Option("--all", help="With --once: check every tracked article now, "
                                                           "whatever its schedule.")] = False,
    every: Annotated[str, typer.Option(help="Start a pass this often (e.g. 90s, 10m, 1h).")] = "10m",
    allow_private: AllowPrivate = False,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight at once.")] = 32,
    per_host: Annotated[int, typer.Option(min=1, help="Requests in flight at once to one host.")] = 2,
    delay: Annotated[float, typer.Option(min=0.0, help="Seconds between two requests to one host.")] = 1.0,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds to connect and between reads.")] = 20.0,
    max_bytes: Annotated[int, typer.Option(
        min=1024, metavar="BYTES", show_default=False, help="Refuse responses larger than this (default: 10 MiB).",
    )] = 10 * 1024 * 1024,
    first_recheck: Annotated[str, typer.Option(help="Re-check new articles this often; the interval grows "
                                                    "as an article stays unchanged.")] = "15m",
    max_age: Annotated[str, typer.Option(help="Stop re-checking articles first seen longer ago than this.")] = "14d",
    lease: Annotated[str, typer.Option(help="How long a claimed article is left to this tracker before "
                                            "another may take it (after a crash, for example).")] = "5m",
    workers: Annotated[int | None, typer.Option(
        min=1, show_default=False,
        help="Processes extracting, judging and comparing articles. [default: one per core]")] = None,
    webhook: Annotated[list[str] | None, typer.Option(
        help="POST each new version worth a notification (see track add's filters) as JSON to this URL, "
             "retrying with backoff; repeat for several.")] = None,
    output_format: Annotated[RunFormat, typer.Option("--format", "-f", help="Report of each pass.")] = RunFormat.text,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    db: DatabaseOption = None,
) -> None:
    """Poll the feeds and check the articles that are due, storing every real version."""
    try:
        durations = {name: parse_duration(value) for name, value in
                     [("--every", every), ("--first-recheck", first_recheck), ("--max-age", max_age), ("--lease", lease)]}
    except ValueError as error:
        raise VariorumError(str(error)) from None
    if zero := [name for name, value in durations.items() if not value]:
        raise VariorumError(f"{zero[0]} must be longer than zero")
    if everything and not once:
        raise VariorumError("--all goes with --once")
    for hook in webhook or []:
        _checked_url(hook)
    recheck = RecheckPolicy(max_age=durations["--max-age"]).starting_at(durations["--first-recheck"])
    policy = FetchPolicy(allow_private=allow_private, concurrency=concurrency, per_host=per_host, delay=delay,
                         timeout=timeout, deadline=max(60.0, 3 * timeout), max_bytes=max_bytes)
    show_log_records()
    store = open_cli_store(db)
    with ExitStack() as stack:
        stack.callback(store.close)
        processes = workers or default_workers()
        extractor = stack.enter_context(PageWorkers(processes)) if processes > 1 else None
        options = {"recheck": recheck, "lease": durations["--lease"], "extractor": extractor}
        asyncio.run(_run(store, options, policy, webhook or [], once, everything, every, output_format,
                         _progress(stack, quiet)))


async def _backfill(store: Store, policy: FetchPolicy, urls: list[str], archive: str, timemap: str | None,
                    since: str | None, until: str | None) -> list[BackfillReport]:
    reports = []
    async with Fetcher(policy) as fetcher:
        for url in urls:
            if timemap is not None:
                captures = await list_timemap(fetcher, timemap, since, until)
            else:
                captures = await list_captures(fetcher, archive, url, since, until)
            reports.append(await backfill(store, fetcher, url, captures))
    return reports


@track_app.command("backfill")
def backfill_command(
    urls: Annotated[list[str], typer.Argument(help="Article URLs whose past to rebuild.", show_default=False)],
    archive: Annotated[str, typer.Option(
        "--archive", help="A Wayback-compatible archive (CDX server API and raw captures).")] = DEFAULT_ARCHIVE,
    since: Annotated[str | None, typer.Option(
        help="Only captures from this date on (YYYY, YYYY-MM, YYYY-MM-DD or YYYYMMDDhhmmss).")] = None,
    until: Annotated[str | None, typer.Option(help="Only captures up to this date (same forms).")] = None,
    timemap: Annotated[str | None, typer.Option(
        "--timemap", help="List the captures from this Memento TimeMap (link format) instead of the CDX API.",
    )] = None,
    allow_private: AllowPrivate = False,
    delay: Annotated[float, typer.Option(min=0.0, help="Seconds between two requests to the archive.")] = 1.0,
    output_format: Annotated[RunFormat, typer.Option("--format", "-f", help="Report per URL.")] = RunFormat.text,
    db: DatabaseOption = None,
) -> None:
    """Rebuild articles' earlier versions from a web archive's captures, oldest first."""
    for url in [*urls, archive, *([timemap] if timemap else [])]:
        _checked_url(url)
    if timemap is not None and len(urls) > 1:
        raise VariorumError("--timemap lists the captures of one URL: give one URL with it")
    try:
        window = (archive_timestamp(since) if since else None, archive_timestamp(until, end=True) if until else None)
    except ValueError as error:
        raise VariorumError(str(error)) from None
    # the archive's own redirects are not followed: a redirect capture would lead out of the archive
    policy = FetchPolicy(allow_private=allow_private, delay=delay, max_redirects=0)
    show_log_records()
    store = open_cli_store(db, create=True)
    try:
        reports = asyncio.run(_backfill(store, policy, urls, archive, timemap, *window))
    finally:
        store.close()
    for report in reports:
        typer.echo(json.dumps(report.to_dict()) if output_format is RunFormat.json else report.describe())


track_app.command("feed")(feed_command)


__all__ = ["track_app"]
