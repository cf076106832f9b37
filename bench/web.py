"""Benchmark the web interface's article list at scale: a page of the list against the number of articles.

A store is filled in bulk (no extraction or comparison: one article row and one to three versions each,
every tenth article discovered but never fetched), then ``variorum.store.queries.list_articles`` — what
``/`` and ``/api/articles`` serve — is timed for the first page, a deep page and three full-text searches
(two words of a headline, a word found in one headline in eight, two body words), warm, median of
several requests, on SQLite and on PostgreSQL (the local test database, in a schema of its own that is
dropped afterwards), with the history (``timeline``) of one article. PostgreSQL is measured twice: just
filled (no statistics, dead index rows of the full-text triggers' upserts) and after ``VACUUM ANALYZE``, the
state autovacuum brings a table to soon after a bulk load (the local test server runs with autovacuum off).
Under each row, ratios measured in turn in the same process (steadier than times on a shared machine): each
search's SQL (the newest 1,000 matches, ranked) against the unbounded shape it replaced (every match counted
and ranked), and on PostgreSQL against the newest 1,000 read in one statement (whose plan depends on
statistics) and the first page against the same query with JIT compilation on.

Then the comparison page and its JSON twin, the list page and the history page (``bench/web_comparison.py``: real
corpus articles in three versions, requested through the web application), on each back end, against the code
before the web rework (commit 09ccde1, taken from git into a temporary folder and run in a subprocess), in turn:
old, new, old, new; wall clock and CPU time.

    .venv/bin/python bench/web.py                       # 2,000 and 100,000 articles, both back ends
    .venv/bin/python bench/web.py --articles 20000 --backends sqlite
    .venv/bin/python bench/web.py --articles                     # the comparison page only
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Select, event, func, insert, select

from scratch import postgres_schema
from variorum.store import Store, open_store
from variorum.store.db import create_store_engine
from variorum.store.models import StoredArticle, Version
from variorum.store.queries import ArticleFilter, list_articles, timeline
from variorum.store.search import RANKED, matching_articles, newest_matches_postgresql
from web_comparison import time_comparisons

BEFORE_REWORK = "09ccde1~1"  # the web code before the comparison pages were rebuilt as aligned rows
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
HEADLINE_WORDS = ["storm", "budget", "election", "strike", "flood", "verdict", "merger", "summit"]
BODY_WORDS = (
    "council officials said the plan would cost more than expected after weeks of talks with unions and "
    "residents who opposed the closure of the old bridge near the harbour where ferries run twice daily "
    "during summer while police reported delays on roads leading north toward the hospital and schools"
).split()
SEARCHES = {
    "search: two words": "story 12",
    "search: a headline word": "merger",  # one headline in eight, any version
    "search: two body words": "ferries hospital",
}


@contextmanager
def store_on(backend: str) -> Iterator[Store]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            store = open_store(Path(folder) / "bench.db")
            yield store
            store.close()
        return
    with postgres_schema() as (url, _schema):
        store = open_store(url)
        yield store
        store.close()


def fill(store: Store, count: int, seed: int = 7) -> None:
    """``count`` articles on 50 sites; nine in ten with 1–3 versions at random times over a year."""
    rng = random.Random(seed)
    articles, versions = [], []
    for number in range(1, count + 1):
        seen = START + timedelta(minutes=rng.randrange(525_600))
        fetched = number % 10 != 0
        times = sorted(seen + timedelta(hours=rng.randrange(72)) for _ in range(rng.randint(1, 3))) if fetched else []
        articles.append(dict(id=number, url=f"https://site{number % 50}.example/story/{number}",
                             title=f"Story {number}", first_seen_at=seen, last_seen_at=times[-1] if times else seen,
                             last_changed_at=times[-1] if times else None))
        versions += [dict(article_id=number, seq=seq, content_hash=f"{number}-{seq}", fetched_at=at,
                          article_json={"title": f"Story {number} {rng.choice(HEADLINE_WORDS)}",
                                        "text": f"Story {number}, version {seq}. " + " ".join(rng.sample(BODY_WORDS, 12))},
                          raw_html=b"")
                     for seq, at in enumerate(times, 1)]
    with store.session() as session, session.begin():
        for start in range(0, count, 10_000):
            session.execute(insert(StoredArticle), articles[start:start + 10_000])
        for start in range(0, len(versions), 10_000):
            session.execute(insert(Version), versions[start:start + 10_000])


def median_ms(read: Callable[[], object], repeats: int) -> float:
    assert read()  # warm, and something was read
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        read()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure(store: Store, repeats: int) -> list[float]:
    """First page, offset 1,000, each search, one article's history: median milliseconds."""
    reads: list[Callable[[], object]] = [
        lambda: list_articles(store, ArticleFilter()).rows,
        lambda: list_articles(store, ArticleFilter(offset=1000)).rows,
        *(partial(lambda query: list_articles(store, ArticleFilter(q=query)).rows, query) for query in SEARCHES.values()),
        lambda: timeline(store, 1234),
    ]
    return [median_ms(read, repeats) for read in reads]


def newest_ranked(store: Store, query: str) -> list[int]:
    """The search's SQL now (as ``list_articles`` runs it): the newest RANKED matches, ranked here."""
    with store.session() as session:
        if store.dialect == "postgresql":
            window = newest_matches_postgresql(session, query, RANKED + 1)
        else:
            window = [(row.article_id, row.rank) for row in session.execute(one_query_newest(store, query))]
    return [article_id for article_id, _ in sorted(window[:RANKED], key=lambda row: (row[1], -row[0]))[:50]]


def one_query_newest(store: Store, query: str) -> Select[Any]:
    """The newest RANKED matches in one statement: SQLite's search, and PostgreSQL's before it read windows
    of the newest articles (its plan then depended on statistics)."""
    matches = matching_articles(store.dialect, query)
    return select(matches.c.article_id, matches.c.rank).order_by(matches.c.article_id.desc()).limit(RANKED + 1)


def newest_in_one_query(store: Store, query: str) -> list[int]:
    """PostgreSQL's newest RANKED matches as one statement, ranked here, as a peer."""
    with store.session() as session:
        window = session.execute(one_query_newest(store, query)).all()
    return [row.article_id for row in sorted(window[:RANKED], key=lambda row: (row.rank, -row.article_id))[:50]]


def ranked_and_counted(store: Store, query: str) -> list[int]:
    """The search's SQL before this round's bound, as a peer: every match counted and ranked for a page of
    50 ids."""
    matches = matching_articles(store.dialect, query)
    with store.session() as session:
        session.scalar(select(func.count()).select_from(matches))
        return list(session.scalars(
            select(matches.c.article_id).order_by(matches.c.rank, matches.c.article_id.desc()).limit(50)))


def with_jit(store: Store) -> Store:
    """The same database with PostgreSQL's JIT compilation back on (the store turns it off), as a peer."""
    engine = create_store_engine(store.engine.url.render_as_string(hide_password=False))

    @event.listens_for(engine, "connect")
    def _jit(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = on")
        dbapi_connection.commit()

    return Store(engine)


def interleaved_ms(ours: Callable[[], object], peer: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median milliseconds of ``ours`` and of ``peer``, run in turn so that both see the same load."""
    ours(), peer()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for read, kept in ((ours, times[0]), (peer, times[1])):
            started = time.perf_counter()
            read()
            kept.append(time.perf_counter() - started)
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


def peers(store: Store, repeats: int) -> str:
    """Each search against the unbounded peer, and on PostgreSQL the first page against JIT on."""
    found = []
    for query in SEARCHES.values():
        ours, peer = interleaved_ms(partial(newest_ranked, store, query), partial(ranked_and_counted, store, query),
                                    repeats)
        found.append(f"{query!r} {ours:.1f} vs {peer:.1f} ms ({peer / ours:.1f}x)")
    if store.dialect == "postgresql":
        for query in SEARCHES.values():
            ours, peer = interleaved_ms(partial(newest_ranked, store, query), partial(newest_in_one_query, store, query),
                                        repeats)
            found.append(f"{query!r} {ours:.1f} vs {peer:.1f} ms in one statement ({peer / ours:.1f}x)")
    if store.dialect == "postgresql":
        jit = with_jit(store)
        ours, peer = interleaved_ms(lambda: list_articles(store), lambda: list_articles(jit), repeats)
        jit.close()
        found.append(f"first page {ours:.1f} vs {peer:.1f} ms with JIT ({peer / ours:.1f}x)")
    return "; ".join(found)


def vacuum_analyze(store: Store) -> None:
    with store.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE articles, versions, comparisons, search_articles")  # this schema's tables only


@contextmanager
def store_url(backend: str) -> Iterator[str]:
    """A URL for a new, empty store on ``backend``, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield str(Path(folder) / "bench.db")
        return
    with postgres_schema() as (url, _schema):
        yield url


@contextmanager
def code_before_rework() -> Iterator[Path]:
    """The ``src`` folder of the code at ``BEFORE_REWORK``, taken from git into a temporary folder."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["git", "-C", str(root), "archive", BEFORE_REWORK, "src"],
                                 check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder) / "src"


def old_comparisons(source: Path, backend: str) -> dict[str, float]:
    """``time_comparisons`` run by the code in ``source``, in a subprocess, on a new store."""
    bench = Path(__file__).resolve().parent
    with store_url(backend) as url:
        output = subprocess.run([sys.executable, str(bench / "web_comparison.py"), url], check=True, text=True,
                                capture_output=True, env={**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{bench}"})
    return json.loads(output.stdout)  # type: ignore[no-any-return]


def new_comparisons(backend: str) -> dict[str, float]:
    with store_url(backend) as url:
        return time_comparisons(url)


def comparisons(backends: list[str]) -> None:
    """The comparison page and its JSON, now and before the rework, in turn, twice per back end."""
    print("comparison page (HTML) and its JSON, median ms of 5 warm requests of 12 comparisons (6 corpus articles, "
          f"3 versions each), wall clock and CPU, then the list page (/) and the history page (/articles/ID) of that "
          f"store; before = {BEFORE_REWORK}, run in turn: before, now, before, now")
    with code_before_rework() as source:
        for backend in backends:
            for round_ in (1, 2):
                before, now = old_comparisons(source, backend), new_comparisons(backend)
                for names in (("page", "page cpu", "json", "json cpu"), ("list", "list cpu", "history", "history cpu")):
                    print(f"  {backend:<10} round {round_}: " + "; ".join(
                        f"{name} {now[name]:.2f} ms now vs {before[name]:.2f} ms before ({now[name] / before[name]:.2f}x)"
                        for name in names), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="*", default=[2_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    columns = ["first page", "offset 1000", *(name.split(": ")[1] for name in SEARCHES), "history"]
    if args.articles:
        print(f"{'articles':>9} {'back end':<22} " + " ".join(f"{name:>16}" for name in columns)
              + f"   (median ms, {args.repeats} warm requests of 50 rows; searches: {', '.join(map(repr, SEARCHES.values()))})")
    for count in args.articles:
        for backend in args.backends:
            with store_on(backend) as store:
                fill(store, count)
                states = [("", None)] if backend == "sqlite" else [(", just filled", None), (", vacuumed", vacuum_analyze)]
                for label, prepare in states:
                    if prepare is not None:
                        prepare(store)
                    print(f"{count:>9,} {backend + label:<22} " + " ".join(f"{ms:>16.1f}" for ms in measure(store, args.repeats)),
                          flush=True)
                    print(f"{'':>9} {'':<22} against peers, interleaved: {peers(store, args.repeats)}", flush=True)
    comparisons(args.backends)


if __name__ == "__main__":
    main()
