"""The Atom feed of changes: valid Atom 1.0 that feedparser and lxml read back, escaped whatever the text,
with ids stable per comparison."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import feedparser
from lxml import etree

from variorum.render.atom import ATOM_NS, describe_kinds, entry_id, render_atom
from variorum.store.changes import ChangeEntry

T0 = datetime(2026, 1, 30, 9, 0, tzinfo=timezone.utc)
A = {"a": ATOM_NS}


def change(url: str = "https://news.example.org/storm", title: str | None = "Storm Hits Coast", to: int = 2,
           at: datetime = T0, kinds: dict[str, int] | None = None, significance: str = "major") -> ChangeEntry:
    kinds = {"headline": 1, "wording": 2} if kinds is None else kinds
    return ChangeEntry(url, title, to - 1, to, at, 0.9312, {}, kinds, significance, None)


def test_describe_kinds_puts_what_readers_notice_first():
    assert describe_kinds({"wording": 2, "headline": 1}) == "headline changed; 2 wording changes"
    assert describe_kinds({"number": 1, "paragraph_added": 3, "quote": 2}) == (
        "3 paragraphs added; 2 quotations changed; 1 number changed"
    )
    assert describe_kinds({"wording": 1}) == "1 wording change"
    assert describe_kinds({}) == "no substantive changes"


def test_feed_parses_back_with_feedparser_as_valid_atom():
    entries = [change(to=3, at=T0 + timedelta(hours=2)), change("https://news.example.org/budget", "Budget", 2,
                                                                T0, {"number": 1})]
    parsed = feedparser.parse(render_atom(entries, self_url="https://example.org/changes.xml"))
    assert parsed.bozo == 0
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Variorum: changes"
    assert parsed.feed.updated == "2026-01-30T11:00:00Z"
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == ["https://example.org/changes.xml"]
    first, second = parsed.entries
    assert (first.title, first.link, first.updated) == (
        "Storm Hits Coast (version 3)", "https://news.example.org/storm", "2026-01-30T11:00:00Z",
    )
    assert first.summary == "headline changed; 2 wording changes. Version 2 → 3, major change, similarity 93.1%."
    assert first.tags[0].term == "major"
    assert second.summary.startswith("1 number changed. Version 1 → 2")
    assert first.id.startswith("urn:uuid:") and first.id != second.id


def test_ids_are_stable_per_comparison_and_distinct_between_comparisons():
    one = change()
    assert entry_id(one) == entry_id(change(at=T0 + timedelta(days=1), title="Other title"))
    assert entry_id(one) != entry_id(change(to=3))
    assert entry_id(one) != entry_id(change("https://news.example.org/other"))
    assert render_atom([one], feed_id="urn:x") == render_atom([one], feed_id="urn:x")


def test_hostile_text_is_escaped_and_the_document_is_well_formed_xml():
    nasty = change("https://news.example.org/a?x=1&y=<2>", 'Tom & "Jerry" </title><script>x</script>\x00\x07')
    document = render_atom([nasty], feed_title="Mine & <yours>")
    root = etree.fromstring(document.encode("utf-8"))
    assert root.tag == f"{{{ATOM_NS}}}feed"
    assert root.findtext("a:title", namespaces=A) == "Mine & <yours>"
    entry = root.find("a:entry", A)
    assert entry.findtext("a:title", namespaces=A) == 'Tom & "Jerry" </title><script>x</script> (version 2)'
    assert entry.find("a:link", A).get("href") == "https://news.example.org/a?x=1&y=<2>"
    assert "<script>" not in document


def test_required_atom_elements_are_present_and_link_for_sets_the_alternate_link():
    document = render_atom([change(title=None)], link_for=lambda e: f"https://variorum.example/c/{e.to_version}")
    root = etree.fromstring(document.encode("utf-8"))
    for path in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert root.findtext(path, namespaces=A)
    entry = root.find("a:entry", A)
    for path in ("a:id", "a:title", "a:updated", "a:summary"):
        assert entry.findtext(path, namespaces=A)
    assert entry.findtext("a:title", namespaces=A) == "https://news.example.org/storm (version 2)"
    links = {link.get("rel"): link.get("href") for link in entry.findall("a:link", A)}
    assert links == {"alternate": "https://variorum.example/c/2", "related": "https://news.example.org/storm"}


def test_an_empty_feed_is_valid_and_dated_now():
    before = datetime.now(timezone.utc).replace(microsecond=0)
    parsed = feedparser.parse(render_atom([]))
    assert parsed.bozo == 0 and parsed.entries == []
    updated = datetime(*parsed.feed.updated_parsed[:6], tzinfo=timezone.utc)
    assert before <= updated <= datetime.now(timezone.utc)
