"""Time the comparison page (``/articles/{id}/compare``) and its JSON twin through the real web application,
and with them the article list (``/``) and the history page (``/articles/{id}``) of the same store.

Real article bodies from the shared extraction corpus (``articleBody`` of ground-truth.json) are each stored in
three versions with real edits — version 2 rewords a paragraph and ends it with a new sentence (a number and a
weekday) and adds a paragraph; version 3 drops a paragraph, moves another to the end and changes the headline —
then every comparison (1 → 2, 2 → 3) is requested warm through ``fastapi.testclient.TestClient``: median
milliseconds over all comparisons and repeats, of wall-clock time and of the process's CPU time (both the
client's and the application's threads: steadier on a shared machine).

Kept to what the code before the web rework (commit 09ccde1) also offers — ``open_store``, ``create_app``, the
two routes and, for storing, ``record_fetch`` or the older ``Store.record_version`` that compared by itself — so
that ``bench/web.py`` can run this very file under that code in a subprocess and print the ratio:

    PYTHONPATH=/tmp/old/src python bench/web_comparison.py URL     # prints {"page": ms, "page cpu": ms, "json": ms, …}
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from variorum import Article
from variorum.store import open_store
from variorum.web.app import create_app

GROUND_TRUTH = Path("/work/shared/corpora/article-extraction-benchmark/ground-truth.json")
T0 = datetime(2026, 1, 1, 8, tzinfo=UTC)


def bodies(count: int) -> list[str]:
    """The first ``count`` corpus bodies of more than 300 words and at least six paragraphs."""
    if not GROUND_TRUTH.is_file():
        raise SystemExit(f"{GROUND_TRUTH}: not found (the shared extraction corpus the comparisons are made of)")
    items = json.loads(GROUND_TRUTH.read_text(encoding="utf-8")).values()
    found = [item["articleBody"] for item in items
             if len(item["articleBody"].split()) > 300 and len(item["articleBody"].split("\n")) >= 6]
    return found[:count]


def versions(body: str, number: int) -> list[str]:
    """Three texts of one story: the original, a reworded update, a trimmed and reordered one."""
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
    second = list(paragraphs)
    second[1] = second[1].replace(" the ", " this ", 2) + " Officials confirmed 14 more cases on Tuesday."
    second.insert(4, "An added paragraph: the agency said it would publish revised figures by Friday evening.")
    third = list(second)
    del third[2]
    third.append(third.pop(3))  # a paragraph moved to the end
    return [f"Story {number} draws reaction\n\n" + "\n\n".join(paragraphs),
            f"Story {number} draws reaction\n\n" + "\n\n".join(second),
            f"Story {number} draws wider reaction\n\n" + "\n\n".join(third)]


def record(store: Any, url: str, text: str, at: datetime) -> int:
    """Store ``text`` as a new version of ``url``; the article's id."""
    try:
        from variorum.track.record import record_fetch
    except ImportError:  # the code before the store stopped comparing: it compared by itself
        result = store.record_version(url, Article.from_text(text), b"", at)
    else:
        result = record_fetch(store, url, Article.from_text(text), b"", at)
    assert result.status == "new", (url, result.status)
    return int(result.article_id)


def fill(store: Any, count: int) -> list[int]:
    """``count`` stories of three versions each; their article ids."""
    ids = []
    for number, body in enumerate(bodies(count), 1):
        url = f"https://news.example.org/story/{number}"
        for seq, text in enumerate(versions(body, number)):
            article_id = record(store, url, text, T0 + timedelta(hours=seq))
        ids.append(article_id)
    return ids


def time_comparisons(url: str, articles: int = 6, repeats: int = 5) -> dict[str, float]:
    """Median milliseconds of the comparison page, its JSON, the article list (``/``) and the history page
    (``/articles/{id}``), wall clock and CPU (``"page cpu"``, …), over a freshly filled store at ``url``."""
    store = open_store(url)
    try:
        ids = fill(store, articles)
        client = TestClient(create_app(store))
        paths = {"page": "/articles/{id}/compare?from={a}&to={b}", "json": "/api/articles/{id}/compare?from={a}&to={b}",
                 "list": "/", "history": "/articles/{id}"}
        result = {}
        for name, path in paths.items():
            urls = [path.format(id=i, a=a, b=a + 1) for i in ids for a in (1, 2)]  # the list page 12 times
            times, cpu = [], []
            for target in urls:  # warm
                response = client.get(target)
                assert response.status_code == 200 and response.content, (target, response.status_code)
            for _ in range(repeats):
                for target in urls:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    client.get(target)
                    times.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - started_cpu)
            result[name] = statistics.median(times) * 1000
            result[f"{name} cpu"] = statistics.median(cpu) * 1000
        return result
    finally:
        store.close()


if __name__ == "__main__":
    print(json.dumps(time_comparisons(sys.argv[1], *map(int, sys.argv[2:]))))
