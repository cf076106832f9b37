"""Feeds: RSS, Atom and JSON Feed entries; malformed and hostile XML."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from variorum.track.feeds import FeedError, looks_like_feed, parse_feed

BASE = "https://news.example.org/feeds/main.xml"


def test_rss_links_are_made_absolute_deduplicated_and_dated():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
      <item><title>A</title><link>/2026/11/a.html</link><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item>
      <item><title>B</title><link>https://news.example.org/2026/11/b.html</link></item>
      <item><title>A again</title><link>/2026/11/a.html</link></item>
      <item><title>no link</title></item></channel></rss>"""
    entries = parse_feed(rss, BASE).entries
    assert [e.url for e in entries] == [
        "https://news.example.org/2026/11/a.html", "https://news.example.org/2026/11/b.html",
    ]
    assert entries[0].updated == datetime(2026, 11, 23, 10, tzinfo=UTC)
    assert entries[1].updated is None


def test_atom_alternate_links_and_update_times():
    atom = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
      <title>News</title><id>urn:x</id><updated>2026-11-23T10:00:00Z</updated>
      <entry><title>A</title><id>urn:a</id><updated>2026-11-23T09:30:00Z</updated>
        <link rel="alternate" href="https://news.example.org/a"/></entry></feed>"""
    [entry] = parse_feed(atom, BASE).entries
    assert entry.url == "https://news.example.org/a"
    assert entry.updated == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_json_feed_items():
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "News", "items": [
        {"id": "1", "url": "/a", "date_modified": "2026-11-23T08:00:00+01:00"},
        {"id": "2", "external_url": "https://elsewhere.example/b"},
        {"id": "3"},
    ]}
    entries = parse_feed(json.dumps(feed).encode(), BASE).entries
    assert [e.url for e in entries] == ["https://news.example.org/a", "https://elsewhere.example/b"]
    assert entries[0].updated == datetime(2026, 11, 23, 7, tzinfo=UTC)


@pytest.mark.parametrize("body, problem", [
    (b"", "empty feed"),
    (b"<rss><channel><item><link>http://a/1</li", "malformed XML"),
    (b"\x00\x01\x02 binary", "not an RSS, Atom, RDF or JSON feed"),
    (b"<!doctype html><html><body><p>Not a feed</p></body></html>", "not an RSS, Atom, RDF or JSON feed"),
    (b'{"title": "no version"}', "not a JSON Feed"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": ', "malformed JSON Feed"),
])
def test_unreadable_feeds_say_why(body, problem):
    with pytest.raises(FeedError, match=problem):
        parse_feed(body, BASE)


def test_a_truncated_feed_still_gives_the_entries_before_the_break():
    body = (b'<rss version="2.0"><channel><item><link>http://a.example/1</link></item>'
            b"<item><link>http://a.example/2</li")
    assert [e.url for e in parse_feed(body, BASE).entries] == ["http://a.example/1"]


def test_an_entity_bomb_is_refused_without_expanding_it():
    levels = [b'<!ENTITY e0 "ha">'] + [
        b'<!ENTITY e%d "%s">' % (level, b"".join(b"&e%d;" % (level - 1) for _ in range(10))) for level in range(1, 10)
    ]  # e9 would expand to 2 * 10**9 characters
    bomb = (b'<?xml version="1.0"?><!DOCTYPE r [' + b"".join(levels) + b"]>"
            b"<rss><channel><item><link>http://x/&e9;</link></item></channel></rss>")
    with pytest.raises(FeedError, match="declares entities"):
        parse_feed(bomb, BASE)


def test_an_external_entity_is_refused_and_the_file_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://' + str(secret).encode() + b'">]>'
           b"<rss version='2.0'><channel><item><link>http://x/&x;</link></item></channel></rss>")
    with pytest.raises(FeedError, match="declares entities") as refused:
        parse_feed(xxe, BASE)
    assert "TOP-SECRET" not in str(refused.value)


def test_feeds_are_told_from_pages():
    assert looks_like_feed(b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'/>")
    assert looks_like_feed(b"anything", "application/rss+xml")
    assert looks_like_feed(b'{"version": "https://jsonfeed.org/version/1", "items": []}')
    assert not looks_like_feed(b'{"some": "json"}', "application/json")
    assert not looks_like_feed(b"<!DOCTYPE html><html><head></head></html>", "text/html")


@pytest.mark.parametrize("link, problem", [
    ("http://h:99999/x", "Port out of range"),
    ("javascript:alert(1)", "not an http(s) URL"),
])
def test_one_hostile_entry_is_left_out_and_named_the_others_kept(link, problem):
    rss = (f'<rss version="2.0"><channel><item><link>/good</link></item><item><link>{link}</link></item>'
           "<item><link>/also-good</link></item></channel></rss>").encode()
    feed = parse_feed(rss, BASE)
    assert [e.url for e in feed.entries] == ["https://news.example.org/good", "https://news.example.org/also-good"]
    [rejected] = feed.rejected
    assert problem in rejected and link[:10] in rejected


def test_a_hostile_json_feed_item_url_is_left_out():
    feed = {"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "http://[::1"}, {"url": "/ok"}]}
    parsed = parse_feed(json.dumps(feed).encode(), BASE)
    assert [e.url for e in parsed.entries] == ["https://news.example.org/ok"]
    assert parsed.rejected == ["'http://[::1' is not a usable URL (Invalid IPv6 URL)"]


def test_a_date_in_the_year_99999_is_ignored_not_fatal():
    rss = (b'<rss version="2.0"><channel><item><link>/a</link><pubDate>Mon, 23 Nov 99999 10:00:00 GMT</pubDate>'
           b"</item><item><link>/b</link><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>")
    feed = parse_feed(rss, BASE)
    assert [(e.url.rsplit("/", 1)[1], e.updated) for e in feed.entries] == [
        ("a", None), ("b", datetime(2026, 11, 23, 10, tzinfo=UTC))]


def test_a_json_feed_nested_100k_deep_is_one_feed_error():
    body = b'{"version": "https://jsonfeed.org/version/1.1", "items": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    with pytest.raises(FeedError, match="nested too deeply"):
        parse_feed(body, BASE)
