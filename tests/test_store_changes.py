"""recent_changes(): the stored comparisons, newest first, filtered by time and significance, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from variorum import Article
from variorum.store.changes import ChangeEntry, recent_changes, significances_at_least
from variorum.track.record import record_fetch

T0 = datetime(2026, 1, 30, 9, 0, tzinfo=timezone.utc)
STORM = "https://news.example.org/storm"
BUDGET = "https://news.example.org/budget"



@pytest.fixture
def filled(store):
    """Storm: v1 → v2 a headline change (major) at T0+1h; v2 → v3 one punctuation fix (minor) at T0+3h.
    Budget (from a feed): v1 → v2 a changed number (major) at T0+2h."""
    feed = store.add_source("https://news.example.org/feed.xml", "feed")
    body = "The storm is 40 km from the coast, officials said.\n\nSchools are closed on Friday."
    record_fetch(store, STORM, Article.from_text(f"Storm Nears\n\n{body}"), b"", T0)
    record_fetch(store, STORM, Article.from_text(f"Storm Hits Coast\n\n{body}"), b"", T0 + timedelta(hours=1))
    record_fetch(store, STORM, Article.from_text(f"Storm Hits Coast\n\n{body.replace(', officials', ' officials')}"),
                         b"", T0 + timedelta(hours=3))
    budget = "Budget Passes\n\nThe council approved {} million for roads."
    record_fetch(store, BUDGET, Article.from_text(budget.format(12)), b"", T0, source_id=feed.id)
    record_fetch(store, BUDGET, Article.from_text(budget.format(14)), b"", T0 + timedelta(hours=2), source_id=feed.id)
    return store, feed.id


def test_every_comparison_comes_back_newest_first_with_its_versions_title_and_source(filled):
    store, feed_id = filled
    entries = recent_changes(store)
    assert [(e.url, e.from_version, e.to_version, e.created_at) for e in entries] == [
        (STORM, 2, 3, T0 + timedelta(hours=3)),
        (BUDGET, 1, 2, T0 + timedelta(hours=2)),
        (STORM, 1, 2, T0 + timedelta(hours=1)),
    ]
    storm_punctuation, budget, storm_headline = entries
    assert (storm_headline.title, storm_headline.max_significance, storm_headline.kinds) == (
        "Storm Hits Coast", "major", {"headline": 1},
    )
    assert (budget.title, budget.source_id, budget.kinds, budget.max_significance) == (
        "Budget Passes", feed_id, {"number": 1}, "major",
    )
    assert (storm_punctuation.kinds, storm_punctuation.max_significance) == ({"punctuation": 1}, "minor")
    assert storm_punctuation.source_id is None
    assert budget.summary["substantive"] == 1 and budget.summary["by_kind"] == {"number": 1}
    assert 0.5 < budget.similarity < 1.0
    assert all(isinstance(e, ChangeEntry) for e in entries)


def test_limit_since_and_min_significance_filter(filled):
    store, _ = filled
    assert [e.to_version for e in recent_changes(store, limit=1)] == [3]
    since = recent_changes(store, since=T0 + timedelta(hours=2))
    assert [(e.url, e.to_version) for e in since] == [(STORM, 3), (BUDGET, 2)]
    major = recent_changes(store, min_significance="major")
    assert [(e.url, e.to_version) for e in major] == [(BUDGET, 2), (STORM, 2)]
    assert len(recent_changes(store, min_significance="cosmetic")) == 3


def test_an_empty_store_has_no_changes_and_bad_arguments_are_refused(store):
    assert recent_changes(store) == []
    with pytest.raises(ValueError, match="significance must be one of major, minor, cosmetic"):
        recent_changes(store, min_significance="huge")
    with pytest.raises(ValueError, match="limit must be between 1 and 1000"):
        recent_changes(store, limit=0)


def test_significances_at_least():
    assert significances_at_least("major") == ("major",)
    assert significances_at_least("minor") == ("major", "minor")
    assert significances_at_least("cosmetic") == ("major", "minor", "cosmetic")
