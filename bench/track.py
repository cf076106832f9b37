"""Benchmark the tracker: fetch + extract + compare + store, against a local news site.

A separate server process (127.0.0.1) serves ``--feeds`` RSS feeds of ``--articles`` article pages each,
every page a realistic ~3 KB news page (navigation, an ad slot, a clock, 6 paragraphs). Two passes run in
this process through the real :class:`variorum.track.Tracker` and a real store:

1. first sight: every feed polled, every article fetched, extracted and stored as version 1;
2. a day later: one article in ten has an edited sentence, every page a new ad and clock; every article is
   fetched again, extracted and compared with its stored version; the edited ones become version 2.

Reported per back end (SQLite file, PostgreSQL at 127.0.0.1:5432/test in a fresh schema): pages/s of each
pass, the CPU time per page of the tracker process and of the extraction workers (on a shared machine the
wall-clock figure depends on what else runs; the CPU figures much less), of the site's server process
and of the PostgreSQL server processes serving the store's connections too, the rate those CPU costs allow
on otherwise idle cores, peak memory (this process, and the extraction workers), and database size per
1,000 versions.

    .venv/bin/python bench/track.py                          # 1,000 feeds x 20 articles, both back ends
    .venv/bin/python bench/track.py --feeds 50 --backends sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import resource
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import psycopg
from sqlalchemy import event, text

from scratch import LOCAL_TEST_DATABASE, postgres_schema
from variorum.store import Store, open_store
from variorum.track import Fetcher, FetchPolicy, Tracker
from variorum.track.workers import PageWorkers

WORDS = [
    "council", "harbour", "plan", "minister", "said", "would", "could", "report", "water", "energy", "price",
    "market", "election", "vote", "police", "court", "judge", "storm", "coast", "power", "school", "hospital",
    "year", "month", "week", "city", "town", "region", "government", "people", "workers", "union", "strike",
    "talks", "deal", "budget", "tax", "rate", "bank", "company", "shares", "investors", "growth",
]
T0 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def paragraphs(feed: int, item: int, edition: int) -> list[str]:
    rng = random.Random(feed * 1_000 + item)
    found = []
    for number in range(6):
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(35, 55)))
        found.append(f"{sentence.capitalize()} ({feed}-{item}-{number}).")
    if edition > 1:
        found[2] = found[2].replace(" ", " not ", 1) + " Officials later confirmed the figures."
    return found


def page(feed: int, item: int, edition: int, day: int) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs(feed, item, edition))
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Story {feed}-{item}</title></head><body><nav><a href='/'>Home</a> "
        f"<span class='clock'>Day {day}, {random.randint(0, 23):02d}:{random.randint(0, 59):02d}</span></nav>"
        f"<aside><a href='/ad/{random.randint(0, 10**6)}'>Offer {random.randint(0, 10**6)}</a></aside>"
        f"<main><article><h1>Story {feed}-{item}</h1>{body}</article></main>"
        "<footer>© The Benchmark Times</footer></body></html>"
    ).encode()


def answer(path: str, day: int, articles: int) -> tuple[int, str, bytes]:
    """Status, media type and body for a path of the benchmark site."""
    parts = path.strip("/").split("/")
    if parts[0] == "feed" and len(parts) == 2:
        feed = int(parts[1].removesuffix(".xml"))
        items = "".join(f"<item><title>Story {feed}-{i}</title><link>/a/{feed}/{i}</link></item>"
                        for i in range(articles))
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F{feed}</title>{items}</channel></rss>'
        return 200, "application/rss+xml", body.encode()
    if parts[0] == "a" and len(parts) == 3:
        feed, item = int(parts[1]), int(parts[2])
        edition = 2 if day > 1 and (feed * articles + item) % 10 == 0 else 1
        return 200, "text/html; charset=utf-8", page(feed, item, edition, day)
    return 404, "text/plain", b"not found"


def serve(port: multiprocessing.Value, day: multiprocessing.Value, articles: int) -> None:
    """The local news site, in its own process: a minimal keep-alive HTTP/1.1 server on asyncio, so that
    the server is never what limits the tracker."""

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while request := await reader.readuntil(b"\r\n\r\n"):
                path = request.split(b" ", 2)[1].decode()
                status, kind, body = answer(path, day.value, articles)
                writer.write(f"HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}"
                             "\r\n\r\n".encode() + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(connection, "127.0.0.1", 0, backlog=1024)
        port.value = server.sockets[0].getsockname()[1]
        await server.serve_forever()

    asyncio.run(main())


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[tuple[str, Callable[[], int]]]:
    """A fresh store URL on ``backend`` and a function measuring the bytes it holds."""
    if backend == "sqlite":
        path = workdir / f"bench-{uuid.uuid4().hex[:6]}.db"
        yield str(path), lambda: sum(p.stat().st_size for p in workdir.glob(path.name + "*"))
        return
    with postgres_schema() as (url, schema):

        def pg_size() -> int:
            with psycopg.connect(LOCAL_TEST_DATABASE) as connection:
                return int(connection.execute(
                    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                    (schema,)).fetchone()[0])

        yield url, pg_size


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of running processes, from /proc (Linux)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def backend_pids(store: Store) -> list[int]:
    """The PostgreSQL server processes serving ``store``'s connections, as they are opened (none on SQLite:
    its work is done in the tracker process)."""
    pids: list[int] = []
    if store.dialect == "postgresql":

        @event.listens_for(store.engine, "connect")
        def _remember(dbapi_connection: psycopg.Connection, _record: object) -> None:
            pids.append(dbapi_connection.info.backend_pid)

        store.engine.dispose()  # the connections opened so far (migrations) are closed: the next ones are seen
    return pids


def live_cpu_seconds(pids: list[int]) -> float:
    """:func:`cpu_seconds` of those of ``pids`` still running (a pooled connection may have been closed)."""
    return sum(cpu_seconds([pid]) for pid in pids if Path(f"/proc/{pid}/stat").exists())


async def one_pass(tracker: Tracker, workers: list[int], server: int,
                   database: list[int]) -> tuple[int, float, dict[str, int], float, float, float, float]:
    """Pages checked, seconds, outcomes, and the CPU seconds of this process, of the workers, of the site and
    of the database server's processes for this store."""
    started, own = time.perf_counter(), time.process_time()
    theirs, site = cpu_seconds(workers), cpu_seconds([server])
    before = {pid: live_cpu_seconds([pid]) for pid in database}
    report = await tracker.run_once()
    served = sum(live_cpu_seconds([pid]) - before.get(pid, 0.0) for pid in database)
    return (report.checked, time.perf_counter() - started, dict(report.outcomes),
            time.process_time() - own, cpu_seconds(workers) - theirs, cpu_seconds([server]) - site, served)


def run_backend(backend: str, origin: str, feeds: int, day: multiprocessing.Value, workers: int,
                per_host: int, server: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="variorum-bench-"))
    with database(backend, workdir) as (url, size):
        return _run_on(url, size, origin, feeds, day, workers, per_host, server)


def _run_on(url: str, size: Callable[[], int], origin: str, feeds: int, day: multiprocessing.Value, workers: int,
            per_host: int, server: int) -> dict:
    store = open_store(url)
    database = backend_pids(store)
    for feed in range(feeds):
        store.add_source(f"{origin}/feed/{feed}.xml", "feed")
    clock = [T0]
    results = {}
    policy = FetchPolicy(allow_private=True, delay=0.0, per_host=per_host, concurrency=64)
    with PageWorkers(workers) as extractor:  # the workers `variorum track run` checks pages on
        pids = extractor.pids  # started before the timing

        async def passes() -> None:
            async with Fetcher(policy) as fetcher:
                tracker = Tracker(store, fetcher, clock=lambda: clock[0], batch=500, extractor=extractor)
                day.value = 1
                results["first"] = await one_pass(tracker, pids, server, database)
                clock[0] = T0 + timedelta(days=1)
                day.value = 2
                results["second"] = await one_pass(tracker, pids, server, database)
        asyncio.run(passes())
    with store.engine.connect() as connection:
        versions = connection.execute(text("SELECT count(*) FROM versions")).scalar_one()
    store.close()  # the last SQLite connection to close checkpoints the WAL into the database file
    results["versions"] = versions
    results["bytes_per_1000"] = size() / versions * 1000
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=20, help="articles per feed")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="extraction processes")
    parser.add_argument("--per-host", type=int, default=8,
                        help="requests in flight to the one host of the benchmark site (64 before 2026-12-03)")
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    port, day = context.Value("i", 0), context.Value("i", 1)
    server = context.Process(target=serve, args=(port, day, args.articles), daemon=True)
    server.start()
    while not port.value:
        time.sleep(0.05)
    origin = f"http://127.0.0.1:{port.value}"
    pages = args.feeds * args.articles
    print(f"{args.feeds:,} feeds x {args.articles} articles = {pages:,} pages; {args.workers} extraction "
          f"process(es); {os.cpu_count()} cores; {args.per_host} requests at once to the site")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("CPU ms/page: of the tracker process, its extraction workers, the site's server and the database server's")
    print("processes for the store's connections (PostgreSQL; SQLite works in the tracker process); 'CPU-bound' is the")
    print(f"pages/s that {os.cpu_count()} otherwise idle cores would allow at those CPU costs (the tracker "
          "process alone using at most one core)")
    print(f"{'back end':<11} {'pass':<7} {'pages':>7} {'seconds':>8} {'pages/s':>8} {'tracker':>8} {'workers':>8} "
          f"{'site':>6} {'db':>6} {'CPU-bound':>10}  outcomes")
    for backend in args.backends.split(","):
        results = run_backend(backend, origin, args.feeds, day, args.workers, args.per_host, server.pid)
        for name in ("first", "second"):
            checked, seconds, outcomes, own, theirs, site, served = results[name]
            per_page = [cpu / checked * 1000 for cpu in (own, theirs, site, served)]
            bound = min(1000 / per_page[0], 1000 * (os.cpu_count() or 1) / sum(per_page))
            print(f"{backend:<11} {name:<7} {checked:>7,} {seconds:>8.1f} {checked / seconds:>8.1f} "
                  f"{per_page[0]:>8.2f} {per_page[1]:>8.2f} {per_page[2]:>6.2f} {per_page[3]:>6.2f} {bound:>10.0f}  {outcomes}")
        print(f"{backend:<11} {results['versions']:,} versions, {results['bytes_per_1000'] / 1e6:.2f} MB per 1,000 versions")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: {own:.0f} MB in the tracker process, {children:.0f} MB in the largest extraction worker")
    server.terminate()


if __name__ == "__main__":
    main()
