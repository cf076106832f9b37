"""Benchmark the store's write path as the tracker drives it: CPU milliseconds per page to record fetches.

N articles are discovered, then recorded twice in groups of G, each group one :meth:`Store.batch` transaction
with its articles loaded first (:meth:`Writes.load`), as the tracker's group commit does: a first version
for every article, then the same text again a day later (only a check: ``unchanged``), each followed by
its next check. For comparison, in the same process, the same two passes with one transaction per page
(:meth:`Store.record_version` and :meth:`Store.schedule_check`, the API for a single fetch). CPU time of this
process only (the database server's is not counted: PostgreSQL runs in its own processes).

    .venv/bin/python bench/store_writes.py                      # SQLite file, 2,000 articles, groups of 100
    .venv/bin/python bench/store_writes.py --db postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scratch import postgres_schema
from variorum.article import Article
from variorum.store import HttpMeta, Store, open_store

T0 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
HTML = b"<html><body>" + b"<p>" + b"x" * 3000 + b"</p></body></html>"
META = HttpMeta(200, {"content-type": "text/html; charset=utf-8"})


@contextmanager
def fresh_store(db: str | None) -> Iterator[Store]:
    """A new store: a SQLite file, or a scratch schema in the PostgreSQL database ``db`` (dropped after)."""
    if db is None:
        with tempfile.TemporaryDirectory(prefix="variorum-bench-") as folder:
            store = open_store(Path(folder) / "writes.db")
            yield store
            store.close()
        return
    with postgres_schema(db) as (url, _schema):
        store = open_store(url)
        yield store
        store.close()


def grouped(store: Store, urls: list[str], articles: list[Article], day: int, group: int) -> None:
    at = T0 + timedelta(days=day)
    for start in range(0, len(urls), group):
        with store.batch() as writes:
            writes.load(urls[start:start + group])
            for url, article in zip(urls[start:start + group], articles[start:start + group]):
                writes.record_version(url, article, HTML, at, META, previous=day)
                writes.schedule_check(url, at + timedelta(hours=1))


def one_by_one(store: Store, urls: list[str], articles: list[Article], day: int, _group: int) -> None:
    at = T0 + timedelta(days=day)
    for url, article in zip(urls, articles):
        store.record_version(url, article, HTML, at, META, previous=day)
        store.schedule_check(url, at + timedelta(hours=1))


def measure(store: Store, record: Callable[[Store, list[str], list[Article], int, int], None], count: int,
            group: int) -> list[float]:
    """CPU milliseconds per page of ``record`` on a first pass over ``count`` pages and on a second one."""
    urls = [f"https://news.example/a/{n}" for n in range(count)]
    store.discover([(url, None) for url in urls], at=T0)
    articles = [Article.from_text(f"Story {n}\n\n" + " ".join(f"word{n} w{k}" for k in range(200)))
                for n in range(count)]
    costs = []
    for day in (0, 1):
        started = time.process_time()
        record(store, urls, articles, day, group)
        costs.append((time.process_time() - started) / count * 1000)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a PostgreSQL URL (a fresh schema is made in it); default: a SQLite file")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--group", type=int, default=100)
    args = parser.parse_args()
    print(f"{args.articles:,} articles, groups of {args.group}; load average {os.getloadavg()[0]:.2f}")
    print(f"{'writes':<22} {'first ms/page':>14} {'again ms/page':>14}")
    for name, record in (("grouped (tracker)", grouped), ("one transaction each", one_by_one)):
        with fresh_store(args.db) as store:
            costs = measure(store, record, args.articles, args.group)
        print(f"{name:<22} {costs[0]:>14.3f} {costs[1]:>14.3f}")


if __name__ == "__main__":
    main()
