"""Store.record_version and friends, on SQLite and PostgreSQL: exactly which versions, comparisons and
fetch attempts are stored for each kind of fetch."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from variorum import Article
from variorum.compare import compare
from variorum.store import HttpMeta
from variorum.store.models import FetchAttempt, StoredArticle, StoredComparison, Version
from variorum.store.repository import StaleComparison
from variorum.track.record import record_fetch

URL = "https://news.example.org/world/syria-talks"
T0 = datetime(2026, 1, 30, 9, 0, tzinfo=UTC)



@pytest.fixture
def versions(seeds) -> tuple[Article, Article]:
    return Article.from_text(seeds[0]), Article.from_text(seeds[1])


def rows(store, model) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_two_seed_versions_store_two_versions_and_one_comparison(store, versions):
    v1, v2 = versions
    first = record_fetch(store, URL, v1, b"<html>one</html>", T0, HttpMeta(200, {"etag": '"a"'}))
    second = record_fetch(store, URL, v2, b"<html>two</html>", T0 + timedelta(hours=1), HttpMeta(200, {}))
    assert (first.status, first.version, first.comparison) == ("new", 1, None)
    assert (second.status, second.version) == ("new", 2)
    assert len(second.comparison.substantive_changes) == 4
    assert (rows(store, Version), rows(store, StoredComparison), rows(store, FetchAttempt)) == (2, 1, 0)
    with store.session() as session:
        stored = session.scalars(select(StoredComparison)).one()
        assert stored.max_significance == "major"
        assert stored.summary["substantive"] == 4
        assert [c["kind"] for c in stored.changes["changes"] if c["significance"] != "cosmetic"] == [
            "headline", "caption", "link", "punctuation",
        ]
        article = session.scalars(select(StoredArticle)).one()
        assert (article.first_seen_at, article.last_seen_at) == (T0, T0 + timedelta(hours=1))
        assert article.title == v2.title


def test_rewrapped_copy_stores_nothing_new_and_only_moves_last_seen(store, versions):
    v1, v2 = versions
    record_fetch(store, URL, v1, b"", T0)
    record_fetch(store, URL, v2, b"", T0 + timedelta(hours=1))
    rewrapped = Article.from_text("\n\n".join(textwrap.fill(p, 50) for p in v2.text.split("\n\n")))
    result = record_fetch(store, URL, rewrapped, b"", T0 + timedelta(hours=2))
    assert (result.status, result.version, result.stored) == ("unchanged", 2, False)
    assert (rows(store, Version), rows(store, StoredComparison)) == (2, 1)
    assert store.article(URL).last_seen_at == T0 + timedelta(hours=2)


def test_cosmetic_only_change_is_not_a_version(store):
    record_fetch(store, URL, Article.from_text("Rain\n\nIt will rain on Monday. Take an umbrella."), b"", T0)
    spaced = Article.from_text("Rain\n\nIt will rain on Monday . Take an umbrella.")
    result = record_fetch(store, URL, spaced, b"", T0 + timedelta(minutes=5))
    assert result.status == "cosmetic" and result.version == 1
    assert [c.significance for c in result.comparison.changes] == ["cosmetic"]
    assert (rows(store, Version), rows(store, StoredComparison)) == (1, 0)
    assert store.article(URL).last_seen_at == T0 + timedelta(minutes=5)


def test_flip_flop_back_to_an_older_text_is_recorded_as_a_fetch_not_a_version(store, versions):
    v1, v2 = versions
    record_fetch(store, URL, v1, b"", T0)
    record_fetch(store, URL, v2, b"", T0 + timedelta(hours=1))
    back = record_fetch(store, URL, v1, b"", T0 + timedelta(hours=2), HttpMeta(200))
    again = record_fetch(store, URL, v2, b"", T0 + timedelta(hours=3))
    assert (back.status, back.version) == ("flip_flop", 2)
    assert (again.status, again.version) == ("unchanged", 2)
    assert (rows(store, Version), rows(store, StoredComparison)) == (2, 1)
    [attempt] = store.failures(URL)
    assert (attempt.kind, attempt.status, attempt.at) == ("flip_flop", 200, T0 + timedelta(hours=2))
    assert attempt.detail == "text of version 1 served again after version 2"


def test_tracking_parameters_and_fragments_do_not_make_another_article(store, versions):
    v1, v2 = versions
    record_fetch(store, URL + "?utm_source=rss&utm_medium=feed", v1, b"")
    result = record_fetch(store, "HTTPS://NEWS.example.org:443/world/syria-talks#comments", v2, b"")
    assert (result.url, result.version) == (URL, 2)
    assert rows(store, StoredArticle) == 1


def test_history_versions_raw_html_and_comparisons_read_back(store, versions):
    v1, v2 = versions
    record_fetch(store, URL, v1, b"<html>one</html>", T0, HttpMeta(200, {"content-type": "text/html"}))
    record_fetch(store, URL, v2, b"<html>two</html>", T0 + timedelta(hours=1), HttpMeta(203))
    history = store.history(URL + "?fbclid=1")
    assert [(h.version, h.fetched_at, h.http_status, h.max_significance) for h in history] == [
        (1, T0, 200, None), (2, T0 + timedelta(hours=1), 203, "major"),
    ]
    assert history[0].title == v1.title and history[1].summary["substantive"] == 4
    assert store.version(URL, 1) == v1 and store.version(URL, 2) == v2
    assert store.raw_html(URL, 2) == b"<html>two</html>"
    assert store.latest_version(URL) == 2 and store.latest_version("https://unknown.example/") == 0
    assert store.history("https://unknown.example/") == []
    with pytest.raises(KeyError):
        store.version(URL, 3)


def test_failures_are_recorded_and_never_become_versions(store, versions):
    store.record_failure(URL + "?utm_campaign=x", "paywall", status=200, detail="subscribe to read", at=T0)
    record_fetch(store, URL, versions[0], b"")
    store.record_failure(URL, "http_error", status=503)
    kinds = [(f.kind, f.status, f.article_id is not None) for f in store.failures()]
    assert kinds == [("paywall", 200, False), ("http_error", 503, True)]
    assert rows(store, Version) == 1
    with pytest.raises(ValueError, match="failure kind"):
        store.record_failure(URL, "gremlins")


def test_sources_are_added_once_and_remember_their_polling_state(store, versions):
    feed = store.add_source("https://news.example.org/feed.xml?utm_source=x", "feed",
                            min_significance="major", headline_only=True)
    again = store.add_source("https://news.example.org/feed.xml", "feed")
    assert again.id == feed.id and (again.min_significance, again.headline_only) == ("major", True)
    store.mark_polled(feed.id, at=T0, etag='"v1"', last_modified="Fri, 30 Jan 2026 09:00:00 GMT")
    [polled] = store.sources()
    assert (polled.url, polled.last_polled_at, polled.etag) == ("https://news.example.org/feed.xml", T0, '"v1"')
    record_fetch(store, URL, versions[0], b"", source_id=feed.id)
    assert store.article(URL).source_id == feed.id
    with pytest.raises(ValueError):
        store.add_source("https://example.org/", "podcast")


def test_claiming_due_articles_leases_them_to_one_tracker(store, versions):
    other = "https://news.example.org/other"
    lease = timedelta(minutes=5)
    record_fetch(store, URL, versions[0], b"")
    record_fetch(store, other, versions[1], b"")
    store.schedule_check(URL, T0 + timedelta(minutes=10))
    store.schedule_check(other, T0)
    assert [a.url for a in store.claim_due(T0 + timedelta(minutes=4), lease=lease)] == [other]
    assert store.article(other).next_check_at == T0 + timedelta(minutes=9)  # leased
    assert store.claim_due(T0 + timedelta(minutes=4), lease=lease) == []  # not twice
    assert [a.url for a in store.claim_due(T0 + timedelta(hours=1), lease=lease, limit=1)] == [other]
    store.schedule_check(URL, None)  # no longer checked
    assert store.claim_due(T0 + timedelta(hours=1), lease=lease) == []
    assert store.make_all_due(T0 + timedelta(days=1)) == 2
    assert {a.url for a in store.claim_due(T0 + timedelta(days=1), lease=lease)} == {URL, other}


def test_latest_is_the_article_of_the_newest_version(store, versions):
    assert store.latest(URL) is None
    record_fetch(store, URL, versions[0], b"")
    record_fetch(store, URL, versions[1], b"")
    assert store.latest(URL).text == versions[1].text == store.version(URL, 2).text


def test_a_comparison_with_a_version_that_is_no_longer_the_latest_is_refused_and_nothing_written(store, versions):
    v1, v2 = versions
    v3 = Article.from_text(v2.text + "\n\nOfficials later confirmed the figures.")
    record_fetch(store, URL, v1, b"", T0)
    record_fetch(store, URL, v2, b"", T0 + timedelta(hours=1))  # another writer got there first
    seen_before = store.article(URL).last_seen_at
    with pytest.raises(StaleComparison, match="compared with version 1, but the latest version is now 2"):
        store.record_version(URL, v3, b"", T0 + timedelta(hours=2), comparison=compare(v1, v3), previous=1)
    with pytest.raises(StaleComparison):  # a changed text needs a comparison
        store.record_version(URL, v3, b"", T0 + timedelta(hours=2), previous=2)
    assert [h.version for h in store.history(URL)] == [1, 2] and rows(store, StoredComparison) == 1
    assert store.article(URL).last_seen_at == seen_before


def test_record_fetch_compares_again_when_its_comparison_went_stale(store, versions, monkeypatch):
    v1, v2 = versions
    record_fetch(store, URL, v1, b"", T0)
    real_latest, reads = store.latest_stored, []

    def first_read_is_stale(url):
        reads.append(url)
        return None if len(reads) == 1 else real_latest(url)  # as if version 1 came in after this read

    monkeypatch.setattr(store, "latest_stored", first_read_is_stale)
    result = record_fetch(store, URL, v2, b"", T0 + timedelta(hours=1))
    assert len(reads) == 2 and (result.status, result.version) == ("new", 2)
    assert result.comparison is not None and result.comparison.a.text == v1.text
    assert rows(store, StoredComparison) == 1


def test_one_batch_sees_its_own_writes_for_loaded_and_unloaded_articles(store, versions):
    v1, v2 = versions
    other, unknown = "https://news.example.org/other", "https://news.example.org/never-seen"
    record_fetch(store, other, v1, b"", T0)
    with store.batch() as writes:
        writes.load([URL, other, unknown])  # URL is not stored yet: record_version adds it in the batch
        assert writes.record_version(URL, v1, b"", T0).status == "new"
        again = writes.record_version(URL + "?utm_source=x", v2, b"", T0 + timedelta(hours=1),
                                      comparison=compare(v1, v2), previous=1)
        assert (again.status, again.version) == ("new", 2)  # the batch's own version 1 was the latest
        assert writes.record_version(URL, v1, b"", T0 + timedelta(hours=2)).status == "flip_flop"
        assert writes.record_version(other, v2, b"", T0 + timedelta(hours=1), previous=0).status == "stale"
        writes.mark_seen(other, T0 + timedelta(hours=3))
        writes.schedule_check(other, T0 + timedelta(hours=4))
        writes.schedule_check(URL, None)
        writes.record_failure(other, "paywall", status=200, detail="stub", at=T0 + timedelta(hours=3))
        writes.mark_seen(unknown, T0)  # no such article: nothing to update
    assert [h.version for h in store.history(URL)] == [1, 2] and rows(store, StoredComparison) == 1
    stored = store.article(URL)
    assert (stored.last_seen_at, stored.last_changed_at, stored.next_check_at) == (
        T0 + timedelta(hours=2), T0 + timedelta(hours=1), None)
    assert (store.article(other).last_seen_at, store.article(other).next_check_at) == (
        T0 + timedelta(hours=3), T0 + timedelta(hours=4))
    assert [(f.url, f.kind, f.article_id is not None) for f in store.failures()] == [
        (URL, "flip_flop", True), (other, "paywall", True)]
    assert store.article(unknown) is None and [h.version for h in store.history(other)] == [1]


def test_a_batch_that_raises_writes_nothing(store, versions):
    record_fetch(store, URL, versions[0], b"", T0)
    with pytest.raises(RuntimeError), store.batch() as writes:
        writes.load([URL])
        writes.mark_seen(URL, T0 + timedelta(days=1))
        writes.record_failure(URL, "empty", at=T0 + timedelta(days=1))
        raise RuntimeError("the tracker died here")
    assert store.article(URL).last_seen_at == T0 and store.failures() == []


def test_discover_counts_new_articles_once_and_makes_updated_ones_due(store, versions):
    record_fetch(store, URL, versions[0], b"", T0)
    store.schedule_check(URL, T0 + timedelta(days=2))
    later = T0 + timedelta(days=1)
    entries = [("https://news.example.org/a", None), ("https://news.example.org/a#top", None),
               (URL, T0 - timedelta(hours=1)), (URL + "?utm_medium=rss", T0 + timedelta(hours=5))]
    assert store.discover(entries, at=later) == 1
    assert store.article("https://news.example.org/a").next_check_at == later
    assert store.article(URL).next_check_at == later  # the feed says it changed after we last saw it
    assert store.discover(entries, at=later + timedelta(hours=1)) == 0
    assert store.discover([], at=later) == 0
