"""Helpers the test modules share (import them from here, never from another test module): paths to the
bundled examples, the in-process CLI runner's type, and the sample documents and pages several areas use."""

from __future__ import annotations

import dataclasses
import gzip
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from variorum import Article
from variorum.article import Link
from variorum.compare.model import Comparison
from variorum.store import HttpMeta, Store
from variorum.track.record import record_fetch

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED_A = EXAMPLES / "000_3bf7e90de235531e.txt"
SEED_B = EXAMPLES / "001_cb855800afc0d414.txt"

RunCli = Callable[..., tuple[int, str, str]]


# dedup: real article bodies, and a syndicated copy of one

# The shared corpora sit beside the checkout: ../shared from the main checkout, ../../shared from a worktree.
EXTRACTION_CORPUS = next((folder / "shared" / "corpora" / "article-extraction-benchmark"
                          for folder in ROOT.parents
                          if (folder / "shared" / "corpora" / "article-extraction-benchmark").is_dir()),
                         Path("/work/shared/corpora/article-extraction-benchmark"))
GROUND_TRUTH = EXTRACTION_CORPUS / "ground-truth.json"


def corpus_page(page_id: str) -> tuple[str, str]:
    """The HTML and URL of the shared corpus page whose name starts with ``page_id`` (the test is skipped
    without the corpus)."""
    if not GROUND_TRUTH.exists():
        pytest.skip(f"shared article corpus not found at {EXTRACTION_CORPUS}")
    (page,) = (EXTRACTION_CORPUS / "html").glob(f"{page_id}*.html.gz")
    url = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))[page.name.split(".")[0]]["url"]
    return gzip.decompress(page.read_bytes()).decode("utf-8"), url


def articles(count: int) -> list[str]:
    if not GROUND_TRUTH.exists():
        pytest.skip(f"shared article corpus not found at {EXTRACTION_CORPUS}")
    bodies = [item["articleBody"] for item in json.loads(GROUND_TRUTH.read_text(encoding="utf-8")).values()]
    return [b for b in bodies if len(b.split()) > 200][:count]


def syndicated(text: str) -> str:
    """A trimmed wire copy with a new header and footer and re-wrapped lines."""
    paragraphs = text.split("\n\n")
    kept = paragraphs[: max(2, len(paragraphs) * 2 // 3)]
    return "LONDON (Wire) —\n\n" + "\n".join(" ".join(kept).split(" ")) + "\n\nRead more at Example News."


# extract: a small news page

PARAGRAPH = ("The council voted on Tuesday to close the old bridge for repairs, which are expected to take "
             "six months and cost more than two million pounds, officials said.")


def page(title: str, body: str = PARAGRAPH) -> bytes:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{body}</p>"
            f"<p>{body} It was the second such vote this year.</p></article></body></html>").encode()


# track: the paragraphs of the local test site's stories

STORM = [
    "The storm reached the coast early on Tuesday morning, bringing winds of more than 100 kilometres an hour "
    "to towns along the shore, officials said.",
    "Thousands of homes lost power as trees fell across lines, and the regional utility said repairs could "
    "take several days in the worst-hit areas.",
    "\u201cWe have never seen anything like this,\u201d said Maria Lopez, the mayor of the harbour town, who "
    "urged residents to stay indoors until the evening.",
]
MARKETS = [
    "Stock markets in Europe fell sharply on Monday as investors worried about rising interest rates and "
    "weaker demand from China, traders said.",
    "The benchmark index closed down by two per cent, its largest one-day fall since the spring, with banks "
    "and carmakers among the heaviest losers.",
    "Analysts expect further swings this week as central banks in London and Frankfurt prepare to announce "
    "their decisions on Thursday afternoon.",
]
ELECTION = [
    "Voters in the northern province go to the polls on Sunday in an election that is expected to be the "
    "closest in a generation, according to recent surveys.",
    "The two main candidates spent the final day of the campaign touring factories and markets, each "
    "promising lower taxes and better public services.",
    "Turnout is expected to be high, the electoral commission said, after a record number of people "
    "registered to vote in the weeks before the deadline.",
]


# web: a store holding versions of four articles, one of them hostile, and a server for an app

T0 = datetime(2026, 1, 30, 9, 0, tzinfo=timezone.utc)
SYRIA = "https://news.example.org/world/syria-talks"
WIRE = "https://wire.example.com/2026/01/30/syria-peace-summit"
HOSTILE = "https://evil.example.net/story"
CALM = "https://news.example.org/weather/calm"
HOSTILE_TEXT = (
    "Breaking <script>window.__pwned = 1</script> news\n\n"
    'A photo <img src=x onerror="window.__pwned = 1"> and a <a href="javascript:window.__pwned=1">link</a> '
    "that says javascript:window.__pwned=1 in the text.\n\n"
    "The end of a story about \"quotes\" & ampersands </div></pre></textarea>."
)


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread on a free port of 127.0.0.1; yield its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(15)
        listener.close()


def hostile_article(edit: str = "") -> Article:
    base = Article.from_text(HOSTILE_TEXT + edit)
    return dataclasses.replace(
        base, title='<img src=x onerror="window.__pwned=1">Hostile',
        links=(Link("click me", "javascript:window.__pwned=1", 0, 8), Link("fine", "https://example.org/ok", 9, 13)),
    )


def fill(store: Store) -> dict[str, int]:
    """Four articles: the seeds as three versions of one story, a wire copy of it on another site (one
    cluster), a hostile article in two versions, and a calm article in one version."""
    seed_a, seed_b = SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8")
    feed = store.add_source("https://news.example.org/feed.xml", "feed")
    record_fetch(store, SYRIA, Article.from_text(seed_a), b"<html>1</html>", T0, HttpMeta(200, {}), source_id=feed.id)
    record_fetch(store, SYRIA, Article.from_text(seed_b), b"<html>2</html>", T0 + timedelta(hours=2), HttpMeta(200, {}))
    third = seed_b.replace("1,600 Syrians", "1,500 Syrians")
    record_fetch(store, SYRIA, Article.from_text(third), b"<html>3</html>", T0 + timedelta(days=1), HttpMeta(200, {}))
    wire = seed_b + "\n\nDistributed by Wire Example. All rights reserved.\n"
    record_fetch(store, WIRE, Article.from_text(wire), b"", T0 + timedelta(hours=3))
    record_fetch(store, HOSTILE, hostile_article(), b"<script>alert(1)</script>", T0 + timedelta(hours=4))
    record_fetch(store, HOSTILE, hostile_article("\n\nAn added paragraph <b onmouseover=alert(1)>with more</b> words in it now."),
                         b"", T0 + timedelta(hours=5))
    record_fetch(store, CALM, Article.from_text("Calm\n\nNothing happened today."), b"", T0 - timedelta(days=3))
    ids = {}
    for name, url in (("syria", SYRIA), ("wire", WIRE), ("hostile", HOSTILE), ("calm", CALM)):
        article = store.article(url)
        assert article is not None
        ids[name] = article.id
    ids["feed"] = feed.id
    return ids


# A council story's paragraphs, for the pages the capture-pair tests build
COUNCIL_PARAGRAPHS = [
    ("The city council voted 7 to 2 on Tuesday to approve a budget of $48 million for the coming year, "
    "ending weeks of debate over road repairs and library hours."),
    ("“We listened to every neighborhood before we made a single cut,” said council president Maria Lopez, "
    "who had pushed for the compromise since early October."),
    ("The plan adds 12 police officers and restores Sunday hours at the main library, which had been closed "
    "on weekends since the spring of last year."),
    ("Opponents said the budget relies on an optimistic forecast of sales tax revenue that may not hold if "
    "the regional economy slows next year, as some economists expect."),
    ("Council member David Chen, one of the two votes against the plan, said he would propose amendments "
    "in January to set aside more money for emergencies."),
    ("The budget takes effect on January 1, and the council will review spending again at its meeting in "
    "the spring, when updated revenue figures are due."),
]


def diff_capture_pair(pair: Any, tmp_path: Path) -> Comparison:
    """Exactly what ``variorum diff A.html B.html`` compares for a ``capturegen.CapturePair``."""
    from variorum.cli.inputs import load_article
    from variorum.compare import compare

    old, new = tmp_path / "a.html", tmp_path / "b.html"
    old.write_text(pair.old_html, encoding="utf-8")
    new.write_text(pair.new_html, encoding="utf-8")
    return compare(load_article(str(old)), load_article(str(new)))
