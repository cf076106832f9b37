"""Two writers on one database, as two trackers would be: the same fetch is stored exactly once,
whether the writers are threads with their own connections or separate processes."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import func, select

from variorum import Article
from variorum.store import open_store
from variorum.store.models import StoredArticle, StoredComparison, Version
from variorum.track.record import record_fetch

URL = "https://news.example.org/world/syria-talks"
WRITER = """
import sys, time
from pathlib import Path
from variorum import Article
from variorum.store import open_store
from variorum.track.record import record_fetch
url, seed, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
store = open_store(url)
article = Article.from_text(seed.read_text(encoding="utf-8"))
print("ready", flush=True)
while not go.exists():
    time.sleep(0.005)
print(record_fetch(store, "https://news.example.org/world/syria-talks", article, b"").status)
store.close()
"""


def count(store, model) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def race(store_url: str, article: Article) -> list[str]:
    """Two threads, each with its own store (engine and connections), record ``article`` at once."""
    stores = [open_store(store_url) for _ in range(2)]
    barrier = threading.Barrier(2)
    statuses: list[str] = []

    def write(store) -> None:
        barrier.wait()
        statuses.append(record_fetch(store, URL, article, b"").status)

    threads = [threading.Thread(target=write, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    return sorted(statuses)


def test_two_threads_recording_a_new_article_store_one_version(store_url, seeds):
    assert race(store_url, Article.from_text(seeds[0])) == ["new", "unchanged"]
    store = open_store(store_url)
    assert (count(store, StoredArticle), count(store, Version), count(store, StoredComparison)) == (1, 1, 0)
    store.close()


def test_two_threads_recording_the_same_change_store_it_once(store_url, seeds):
    store = open_store(store_url)
    record_fetch(store, URL, Article.from_text(seeds[0]), b"")
    assert race(store_url, Article.from_text(seeds[1])) == ["new", "unchanged"]
    assert [h.version for h in store.history(URL)] == [1, 2]
    assert count(store, StoredComparison) == 1
    store.close()


def test_two_processes_recording_the_same_change_store_it_once(store_url, seeds, tmp_path):
    store = open_store(store_url)
    record_fetch(store, URL, Article.from_text(seeds[0]), b"")
    seed = tmp_path / "v2.txt"
    seed.write_text(seeds[1], encoding="utf-8")
    go = tmp_path / "go"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, store_url, str(seed), str(go)],
                         stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for writer in writers:
        assert writer.stdout.readline().strip() == "ready"
    Path(go).touch()
    statuses = sorted(writer.communicate(timeout=60)[0].strip() for writer in writers)
    assert statuses == ["new", "unchanged"]
    assert [h.version for h in store.history(URL)] == [1, 2]
    assert (count(store, Version), count(store, StoredComparison)) == (2, 1)
    store.close()
