"""Benchmark the web interface's article list at scale: a page of the list against the number of articles.

A store is filled in bulk (no extraction or comparison: one article row and one to three versions each,
every tenth article discovered but never fetched), then ``variorum.store.queries.list_articles`` — what
``/`` and ``/api/articles`` serve — is timed for the first page, a deep page and three full-text searches
(two words of a headline, a word found in one headline in eight, two body words), warm, median of
several requests, on SQLite and on PostgreSQL (the local test database, in a schema of its own that is
dropped afterwards).

    .venv/bin/python bench/web.py                       # 2,000 and 100,000 articles, both back ends
    .venv/bin/python bench/web.py --articles 20000 --backends sqlite
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import psycopg
from sqlalchemy import insert

from variorum.store import Store, open_store
from variorum.store.models import StoredArticle, Version
from variorum.store.queries import ArticleFilter, list_articles

PG = dict(host="127.0.0.1", port=5432, dbname="test", user="postgres")
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
    schema = f"variorum_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**PG, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        store = open_store(f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{PG['dbname']}"
                           f"?options=-csearch_path%3D{schema}")
        yield store
        store.close()
    finally:
        with psycopg.connect(**PG, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


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


def median_ms(store: Store, wanted: ArticleFilter, repeats: int) -> float:
    list_articles(store, wanted)  # warm
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        page = list_articles(store, wanted)
        times.append(time.perf_counter() - started)
    assert page.rows or wanted.q
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[2_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"{'articles':>9} {'back end':<11} {'first page':>11} {'offset 1000':>12} "
          + " ".join(f"{name.split(': ')[1]:>17}" for name in SEARCHES)
          + f"   (median ms, {args.repeats} warm requests of 50 rows; searches: {', '.join(map(repr, SEARCHES.values()))})")
    for count in args.articles:
        for backend in args.backends:
            with store_on(backend) as store:
                fill(store, count)
                first = median_ms(store, ArticleFilter(), args.repeats)
                deep = median_ms(store, ArticleFilter(offset=1000), args.repeats)
                searches = [median_ms(store, ArticleFilter(q=query), args.repeats) for query in SEARCHES.values()]
                print(f"{count:>9,} {backend:<11} {first:>11.1f} {deep:>12.1f} "
                      + " ".join(f"{found:>17.1f}" for found in searches))


if __name__ == "__main__":
    main()
