"""Real tracker and backfill processes: killed with SIGKILL at random moments and restarted, and two trackers
at once on one database. Afterwards the database must be consistent, every served text stored exactly once,
and no article fetched twice by two trackers."""

from __future__ import annotations

import json
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from localsite import LocalSite, Reply, article_page, rss
from variorum.store import open_store
from variorum.store.models import StoredArticle, StoredComparison, Version
from variorum.track.archive import cdx_query_url

VARIORUM = str(Path(sys.executable).with_name("variorum"))
ARTICLES = 40


def text(n: int, edition: int) -> list[str]:
    return [
        f"Article {n} opens with the council's decision on the harbour plan, taken late on Monday after a "
        f"debate of {edition * 3 + 2} hours in which every member spoke at least once.",
        f"Residents of district {n} said they had not been consulted, and a petition signed by {n * 37 + 100} "
        "people was handed to the mayor's office on Tuesday morning.",
        f"The plan, edition {edition}, will now go to the regional government, which has until the end of the "
        "year to approve it, amend it or send it back to the council.",
    ]


def serve(site: LocalSite, edition_of: dict[int, int]) -> None:
    site.routes["/feed.xml"] = rss(site, [f"/news/{n}" for n in range(ARTICLES)])
    for n in range(ARTICLES):
        page = article_page(f"Harbour plan, part {n}", text(n, edition_of[n]), ad=str(random.random()))
        site.routes[f"/news/{n}"] = Reply(page.body, delay=0.05)


def tracker(db: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [VARIORUM, "track", "run", "--db", db, "--allow-private", "--delay", "0", "--concurrency", "4",
         "--per-host", "4", "--quiet", *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def killed_at_work(process: subprocess.Popen, site: LocalSite, after: float) -> bool:
    """Wait until ``process`` sends its first request to ``site``, then SIGKILL it ``after`` seconds later;
    True when the signal, not an exit of its own, ended it."""
    requests_before = len(site.requests)
    deadline = time.monotonic() + 60
    while len(site.requests) == requests_before and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(after)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return process.returncode == -signal.SIGKILL


def versions_by_article(db: str) -> dict[str, list[tuple[int, str, str]]]:
    store = open_store(db)
    found: dict[str, list[tuple[int, str, str]]] = {}
    with store.session() as session:
        for url, seq, digest, body in session.execute(
            select(StoredArticle.url, Version.seq, Version.content_hash, Version.article_json)
            .join(Version, Version.article_id == StoredArticle.id).order_by(StoredArticle.url, Version.seq)
        ):
            found.setdefault(url.rsplit("/", 1)[1], []).append((seq, digest, " ".join(body["text"].split())))
        comparisons = session.execute(select(StoredComparison.from_version_id, StoredComparison.to_version_id)).all()
        version_ids = set(session.scalars(select(Version.id)))
    store.close()
    assert all(a in version_ids and b in version_ids for a, b in comparisons)
    assert len(comparisons) == sum(len(v) - 1 for v in found.values())  # every later version has its comparison
    return found


@pytest.mark.slow
def test_a_tracker_killed_at_random_moments_loses_and_duplicates_nothing(store_url):
    rng = random.Random(20261123)
    edition_of = {n: 1 for n in range(ARTICLES)}
    with LocalSite() as site:
        serve(site, edition_of)
        subprocess.run([VARIORUM, "track", "add", site.url("/feed.xml"), "--kind", "feed", "--allow-private",
                        "--db", store_url], check=True, capture_output=True)
        kills = 0
        for round_ in range(6):
            if round_ == 3:  # half the articles get a second edition while trackers come and go
                edition_of.update({n: 2 for n in range(0, ARTICLES, 2)})
                serve(site, edition_of)
            process = tracker(store_url, "--every", "1s", "--first-recheck", "1s", "--lease", "2s")
            kills += killed_at_work(process, site, rng.uniform(0.0, 1.5))
        assert kills == 6
        store = open_store(store_url)  # whatever the dead trackers had claimed or scheduled: check all now
        for n in range(ARTICLES):
            store.schedule_check(site.url(f"/news/{n}"), datetime.now(timezone.utc))
        store.close()
        finished = subprocess.run(
            [VARIORUM, "track", "run", "--once", "--db", store_url, "--allow-private", "--delay", "0", "--quiet"],
            capture_output=True, text=True, timeout=120)
        assert finished.returncode == 0, finished.stderr

    if not store_url.startswith("postgresql"):
        with sqlite3.connect(store_url) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    found = versions_by_article(store_url)
    assert sorted(found, key=int) == [str(n) for n in range(ARTICLES)]
    for n in range(ARTICLES):
        stored = found[str(n)]
        # seen first before or after the second edition was served: one or two versions, in order, the last
        # one current, none twice
        editions = [int(re.search(r"edition (\d+),", body).group(1)) for _, _, body in stored]
        assert editions in ([1], [2], [1, 2]) and editions[-1] == edition_of[n], (n, editions)
        assert [seq for seq, _, _ in stored] == list(range(1, len(stored) + 1))
        assert len({digest for _, digest, _ in stored}) == len(stored)


def test_two_trackers_on_one_database_store_each_version_once_and_share_the_work(store_url):
    edition_of = {n: 1 for n in range(ARTICLES)}
    with LocalSite() as site:
        serve(site, edition_of)
        subprocess.run([VARIORUM, "track", "add", site.url("/feed.xml"), "--kind", "feed", "--allow-private",
                        "--db", store_url], check=True, capture_output=True)
        both = [tracker(store_url, "--once"), tracker(store_url, "--once")]
        for process in both:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err.decode()
        hits = [site.hits[f"/news/{n}"] for n in range(ARTICLES)]
    found = versions_by_article(store_url)
    assert all(len(found[str(n)]) == 1 for n in range(ARTICLES))
    assert hits == [1] * ARTICLES  # claimed by one tracker or the other, never both


BACKFILLED = 8
CAPTURE_EDITIONS = [1, 1, 2, 2, 3]  # five captures of each article: a noise-only recapture, two edits


def archive_of(site: LocalSite) -> list[str]:
    """``site`` as a Wayback-compatible archive holding :data:`CAPTURE_EDITIONS` of :data:`BACKFILLED` articles."""
    originals = [f"https://news.example/harbour/{n}" for n in range(BACKFILLED)]
    for n, original in enumerate(originals):
        rows = [["timestamp", "original", "statuscode", "digest", "mimetype"]]
        for k, edition in enumerate(CAPTURE_EDITIONS):
            stamp = f"202405{k + 1:02d}100000"
            page = article_page(f"Harbour plan, part {n}", text(n, edition), ad=f"ad {k}")
            site.routes[f"/web/{stamp}id_/{original}"] = Reply(page.body, delay=0.05)
            rows.append([stamp, original, "200", f"D{n}K{k}", "text/html"])
        query = urlsplit(cdx_query_url(site.origin, original))
        site.routes[f"{query.path}?{query.query}"] = Reply(json.dumps(rows).encode(),
                                                            headers={"Content-Type": "application/json"})
    return originals


def backfill(db: str, archive: str, originals: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [VARIORUM, "track", "backfill", *originals, "--archive", archive, "--allow-private", "--delay", "0",
         "--db", db], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_a_backfill_killed_at_random_moments_stores_each_capture_once_in_order(store_url):
    rng = random.Random(20261203)
    with LocalSite() as site:
        originals = archive_of(site)
        kills = 0
        for _ in range(4):
            process = backfill(store_url, site.origin, originals)
            kills += killed_at_work(process, site, rng.uniform(0.0, 1.0))
        assert kills == 4
        finished = backfill(store_url, site.origin, originals)
        _, err = finished.communicate(timeout=120)
        assert finished.returncode == 0, err.decode()

    found = versions_by_article(store_url)
    assert sorted(found, key=int) == [str(n) for n in range(BACKFILLED)]
    for n in range(BACKFILLED):
        stored = found[str(n)]
        editions = [int(re.search(r"edition (\d+),", body).group(1)) for _, _, body in stored]
        assert editions == [1, 2, 3], (n, editions)  # each real version once, oldest first, noise not stored
        assert [seq for seq, _, _ in stored] == [1, 2, 3]
