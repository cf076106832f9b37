"""An Atom 1.0 feed (RFC 4287) of stored changes, one entry per comparison of two versions.

The document is built with :mod:`xml.etree.ElementTree`, so titles, URLs and summaries are escaped
whatever they contain. Entry ids are ``urn:uuid:`` URIs derived from the article URL and the two version
numbers, so the same comparison keeps the same id across runs and feed readers never show it twice. The
feed's ``updated`` is the newest entry's time.

>>> from datetime import datetime, timezone
>>> from variorum.store.changes import ChangeEntry
>>> entry = ChangeEntry("https://news.example.org/storm", "Storm Hits Coast", 1, 2,
...                     datetime(2026, 1, 30, 9, 0, tzinfo=timezone.utc), 0.93, {}, {"headline": 1, "wording": 2},
...                     "major", None)
>>> describe_kinds(entry.kinds)
'headline changed; 2 wording changes'
>>> feed = render_atom([entry], feed_id="urn:uuid:2f1c5e3a-8d6b-4a57-9a0e-1d2b3c4d5e6f")
>>> print(feed.splitlines()[0])
<?xml version='1.0' encoding='utf-8'?>
>>> "<title>Storm Hits Coast (version 2)</title>" in feed
True
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime

from variorum.compare.model import percent
from variorum.store.changes import ChangeEntry

ATOM_NS = "http://www.w3.org/2005/Atom"
# characters XML 1.0 cannot carry at all, even escaped: C0 controls except tab, newline, return; surrogates
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/variorum/variorum/changes")

_PHRASES = {
    "headline": ("headline changed", "{n} headline changes"),
    "byline": ("byline changed", "{n} byline changes"),
    "caption": ("caption changed", "{n} caption changes"),
    "dateline": ("dateline changed", "{n} dateline changes"),
    "standfirst": ("standfirst changed", "{n} standfirst changes"),
    "paragraph_added": ("1 paragraph added", "{n} paragraphs added"),
    "paragraph_removed": ("1 paragraph removed", "{n} paragraphs removed"),
    "paragraph_moved": ("1 paragraph moved", "{n} paragraphs moved"),
    "paragraph_split": ("1 paragraph split", "{n} paragraphs split"),
    "paragraph_merged": ("1 paragraph merge", "{n} paragraph merges"),
    "correction": ("correction added", "{n} corrections"),
    "quote": ("1 quotation changed", "{n} quotations changed"),
    "number": ("1 number changed", "{n} numbers changed"),
    "date": ("1 date changed", "{n} dates changed"),
    "link": ("1 link changed", "{n} links changed"),
    "name": ("1 name changed", "{n} names changed"),
    "spelling": ("1 spelling fix", "{n} spelling fixes"),
}
# headline, byline, … first (they are what a reader notices), then the body in the order of KINDS
_ORDER = [*list(_PHRASES), "wording", "punctuation", "layout"]


def describe_kinds(kinds: Mapping[str, int]) -> str:
    """Say what changed in a few words, e.g. ``"headline changed; 2 wording changes"``."""
    parts = []
    for kind in sorted(kinds, key=lambda k: (_ORDER.index(k) if k in _ORDER else len(_ORDER), k)):
        count = kinds[kind]
        if count <= 0:
            continue
        one, many = _PHRASES.get(kind, (f"1 {kind} change", f"{{n}} {kind} changes"))
        parts.append(one if count == 1 else many.format(n=count))
    return "; ".join(parts) or "no substantive changes"


def entry_id(entry: ChangeEntry) -> str:
    """The entry's stable id: a ``urn:uuid:`` of the article URL and the two version numbers."""
    name = f"{entry.url}#{entry.from_version}-{entry.to_version}"
    return uuid.uuid5(_ID_NAMESPACE, name).urn


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _NOT_XML.sub("", v) for k, v in attributes.items()})
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def _entry_summary(entry: ChangeEntry) -> str:
    shown = "".join(
        f" {h.kind.capitalize()}: " + (
            f"“{h.old}” → “{h.new}”." if h.old is not None and h.new is not None
            else f"removed “{h.old}”." if h.old is not None else f"added “{h.new}”."
        )
        for h in entry.highlights
    )
    return (
        f"{describe_kinds(entry.kinds)}.{shown} Version {entry.from_version} → {entry.to_version}, "
        f"{entry.max_significance} change, similarity {percent(entry.similarity)}."
    )


def render_atom(
    entries: Iterable[ChangeEntry], *, feed_title: str = "Variorum: changes", feed_id: str | None = None,
    self_url: str | None = None, link_for: Callable[[ChangeEntry], str] | None = None,
) -> str:
    """An Atom 1.0 document with one entry per change, in the order given (newest first is usual).

    ``feed_id`` is the feed's permanent id (an IRI); by default it is derived from ``self_url`` (the
    address the feed is published at), or from ``feed_title`` when there is none. ``link_for`` gives
    each entry's link (for example a web page showing the comparison); by default it is the article's
    URL. An empty feed is dated now.
    """
    entries = list(entries)
    feed = ET.Element("feed", xmlns=ATOM_NS)
    _add(feed, "title", feed_title)
    _add(feed, "id", feed_id or uuid.uuid5(_ID_NAMESPACE, self_url or feed_title).urn)
    newest = max((e.created_at for e in entries), default=datetime.now(UTC))
    _add(feed, "updated", _timestamp(newest))
    author = _add(feed, "author")
    _add(author, "name", "Variorum")
    _add(feed, "generator", "Variorum", uri="https://github.com/variorum/variorum")
    if self_url is not None:
        _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    for change in entries:
        element = _add(feed, "entry")
        _add(element, "id", entry_id(change))
        _add(element, "title", f"{change.title or change.url} (version {change.to_version})")
        _add(element, "updated", _timestamp(change.created_at))
        _add(element, "link", rel="alternate", href=link_for(change) if link_for else change.url)
        if link_for is not None:
            _add(element, "link", rel="related", href=change.url)
        _add(element, "summary", _entry_summary(change))
        _add(element, "category", term=change.max_significance, label=f"{change.max_significance} change")
    ET.indent(feed)
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document.decode("utf-8") + "\n"


__all__ = ["ATOM_NS", "describe_kinds", "entry_id", "render_atom"]
