"""Research export of a store as JSON Lines and Parquet, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pyarrow.parquet as pq
import pytest

from variorum import Article
from variorum.store import Origin, open_store
from variorum.store.export import export
from variorum.track.record import record_fetch

URL = "https://news.example.org/world/syria-talks"
T0 = datetime(2026, 1, 30, 9, 0, tzinfo=timezone.utc)
CAPTURE = "https://archive.example/web/20260130090000id_/https://news.example.org/other"


@pytest.fixture
def filled(store_url, seeds):
    store = open_store(store_url)
    feed = store.add_source("https://news.example.org/feed.xml", "feed")
    record_fetch(store, URL, Article.from_text(seeds[0]), b"<html/>", T0, source_id=feed.id)
    record_fetch(store, URL, Article.from_text(seeds[1]), b"<html/>", T0.replace(hour=10), source_id=feed.id)
    record_fetch(store, "https://news.example.org/other", Article.from_text("Calm\n\nNothing happened."), b"", T0,
                 origin=Origin("archive", CAPTURE))
    yield store
    store.close()


def test_jsonl_export_holds_articles_versions_and_changes(filled, tmp_path):
    assert export(filled, tmp_path, "jsonl") == {"articles": 2, "versions": 3, "changes": 5}
    articles = [json.loads(line) for line in (tmp_path / "articles.jsonl").read_text().splitlines()]
    assert [(a["url"], a["versions"], a["source_url"]) for a in articles] == [
        (URL, 2, "https://news.example.org/feed.xml"), ("https://news.example.org/other", 1, None),
    ]
    versions = [json.loads(line) for line in (tmp_path / "versions.jsonl").read_text().splitlines()]
    assert [(v["version"], v["fetched_at"]) for v in versions[:2]] == [
        (1, "2026-01-30T09:00:00+00:00"), (2, "2026-01-30T10:00:00+00:00"),
    ]
    assert json.loads(versions[2]["article"])["text"] == versions[2]["text"] == "Calm\n\nNothing happened."
    assert [(v["origin"], v["origin_url"]) for v in versions] == [(None, None), (None, None), ("archive", CAPTURE)]
    changes = [json.loads(line) for line in (tmp_path / "changes.jsonl").read_text().splitlines()]
    assert [(c["kind"], c["from_version"], c["to_version"]) for c in changes if c["significance"] != "cosmetic"] == [
        ("headline", 1, 2), ("caption", 1, 2), ("link", 1, 2), ("punctuation", 1, 2),
    ]


def test_parquet_export_has_the_same_records_as_jsonl(filled, tmp_path):
    assert export(filled, tmp_path / "pq", "parquet") == {"articles": 2, "versions": 3, "changes": 5}
    export(filled, tmp_path / "js", "jsonl")
    for name in ("articles", "versions", "changes"):
        table = pq.read_table(tmp_path / "pq" / f"{name}.parquet")
        lines = (tmp_path / "js" / f"{name}.jsonl").read_text().splitlines()
        assert table.num_rows == len(lines)
        assert table.column("url").to_pylist() == [json.loads(line)["url"] for line in lines]
    versions = pq.read_table(tmp_path / "pq" / "versions.parquet").to_pylist()
    assert versions[1]["fetched_at"] == T0.replace(hour=10)
    assert (versions[2]["origin"], versions[2]["origin_url"]) == ("archive", CAPTURE)


def test_empty_store_exports_empty_files_and_unknown_formats_are_refused(store_url, tmp_path):
    store = open_store(store_url)
    assert export(store, tmp_path, "parquet") == {"articles": 0, "versions": 0, "changes": 0}
    assert pq.read_table(tmp_path / "changes.parquet").num_rows == 0
    with pytest.raises(ValueError, match="export format"):
        export(store, tmp_path, "csv")
    store.close()
