"""One URL rule for the project (variorum.text.urls), and links compared as links in diffs."""

from __future__ import annotations

import pytest

from variorum.article import Article
from variorum.compare import compare
from variorum.compare.classify import classify_link
from variorum.text.urls import canonical_url, link_key, original_url, split_capture


@pytest.mark.parametrize(("capture", "original"), [
    ("http://web.archive.org/web/20161120034910/http://www.cbsnews.com/news/a/", "http://www.cbsnews.com/news/a/"),
    ("https://web.archive.org/web/20161120034910im_/https://x.org/i.jpg", "https://x.org/i.jpg"),
    ("http://web.archive.org/web/2016/http://x.org/a?b=1&c=2#f", "http://x.org/a?b=1&c=2#f"),
    ("https://wayback.archive-it.org/1234/20161120034910/http://x.org/a", "http://x.org/a"),
    ("https://arquivo.pt/wayback/20161120034910/http://x.pt/a", "http://x.pt/a"),
    ("https://archive.ph/2016.11.20-034910/http://x.org/a", "http://x.org/a"),
    ("https://archive.today/20161120034910/http://x.org/a", "http://x.org/a"),
    ("http://127.0.0.1:8080/my-web-archive/20161120034910mp_/http:/x.org/a", "http://x.org/a"),
    ("http://web.archive.org/web/20161120034910/http%3A%2F%2Fx.org%2Fa", "http://x.org/a"),
    ("http://web.archive.org/web/20170101000000/http://web.archive.org/web/20161120034910/http://x.org/a",
     "http://x.org/a"),
])
def test_archive_captures_unwrap_to_their_original(capture: str, original: str) -> None:
    assert original_url(capture) == original
    prefix, found = split_capture(capture)
    assert found == original and prefix and capture.startswith(prefix)


@pytest.mark.parametrize("url", [
    "https://example.com/2016/11/20/story", "https://example.com/20161120034910/not-a-url",
    "https://example.com/archive/2016/http-basics", "mailto:someone@example.com",
])
def test_ordinary_urls_are_not_captures(url: str) -> None:
    assert original_url(url) == url and split_capture(url) == ("", url)


def test_one_tracking_rule_for_store_and_diff() -> None:
    assert canonical_url("https://example.com/a?ref=rss") == canonical_url("https://example.com/a")
    assert classify_link("https://example.com/a?ref=rss", "https://example.com/a").significance == "cosmetic"
    assert canonical_url("https://example.com/a?id=1&smid=tw") == "https://example.com/a?id=1"


def test_the_store_form_stays_fetchable() -> None:
    capture = "http://web.archive.org/web/20161120034910/http://x.org/a"
    assert canonical_url(capture) == capture
    assert canonical_url("http://x.org/a").startswith("http://")


@pytest.mark.parametrize(("old", "new"), [
    ("http://web.archive.org/web/20161120034910/http://x.org/a", "http://web.archive.org/web/20161121042330/http://x.org/a"),
    ("http://web.archive.org/web/20161120034910/http://x.org/a", "http://web.archive.org/web/20161121042330/http://x.org:80/a"),
    ("http://x.org/a", "https://x.org/a/"),
    ("https://x.org/a?utm_source=tw", "https://X.org:443/a#top"),
    ("http://x.org/a", "http://web.archive.org/web/20161121042330/https://x.org/a"),
])
def test_the_same_link_in_another_form_is_cosmetic(old: str, new: str) -> None:
    found = classify_link(old, new)
    assert link_key(old) == link_key(new)
    assert found.significance == "cosmetic" and found.detail["same_link"] is True
    assert found.detail["old_url"] == old and found.detail["new_url"] == new


@pytest.mark.parametrize(("old", "new", "significance"), [
    ("http://web.archive.org/web/20161120034910/http://x.org/a", "http://web.archive.org/web/20161120034910/http://x.org/b", "minor"),
    ("http://web.archive.org/web/20161120034910/http://x.org/a", "http://web.archive.org/web/20161121042330/http://y.org/a", "major"),
    ("https://x.org/a?id=1", "https://x.org/a?id=2", "minor"),
])
def test_another_target_is_still_a_change(old: str, new: str, significance: str) -> None:
    found = classify_link(old, new)
    assert found.significance == significance and found.detail["same_link"] is False


def _linked(href: str) -> Article:
    return Article.from_parts([("paragraph", "The council published the full report on its website today.")],
                              links=[("the full report", href)])


def test_a_diff_of_two_captures_reports_rewritten_links_as_cosmetic_and_shows_the_originals() -> None:
    old = "http://web.archive.org/web/20161120034910/http://x.org/report"
    new = "http://web.archive.org/web/20161121042330/https://x.org:443/report/"
    result = compare(_linked(old), _linked(new))
    assert not result.changed
    (change,) = [c for c in result.changes if c.kind == "link"]
    assert (change.old, change.new, change.significance) == (old, new, "cosmetic")


def test_a_diff_still_finds_a_link_that_points_elsewhere() -> None:
    old = "http://web.archive.org/web/20161120034910/http://x.org/report"
    new = "http://web.archive.org/web/20161121042330/http://x.org/other-report"
    result = compare(_linked(old), _linked(new))
    assert [(c.kind, c.significance) for c in result.substantive_changes] == [("link", "minor")]
