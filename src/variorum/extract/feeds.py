"""Feed files among the inputs: RSS, Atom, RDF and JSON Feed recognised, and their items' links listed.

A feed is a list of articles, not an article: ``extract`` reports it with its item links (status ``feed``)
and ``dedup`` leaves it out, counted. XML is screened with defusedxml first (a feed declaring entities is
refused, as the tracker does); items whose link cannot be made absolute keep it as written.

>>> feed = read_feed(b'<rss version="2.0"><channel><title>News</title><item><title>Rain</title>'
...                  b'<link>https://example.org/rain</link></item></channel></rss>', "feed.xml")
>>> feed.title, feed.items
('News', (FeedItem(title='Rain', url='https://example.org/rain'),))
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from variorum.errors import InputError

JSON_FEED_VERSION = b"https://jsonfeed.org/version/"
_XML_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf")
_HEAD_BYTES = 4096


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed: its title (may be empty) and its link."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed's title and its items, in feed order."""

    title: str | None
    items: tuple[FeedItem, ...]


def _skip_prolog(head: bytes) -> bytes:
    """``head`` without its BOM, XML declaration, comments, processing instructions and doctype."""
    rest = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    while rest.startswith((b"<?", b"<!--", b"<!")):
        closing = b"-->" if rest.startswith(b"<!--") else b">"
        end = rest.find(closing)
        if end < 0:
            return rest
        rest = rest[end + len(closing):].lstrip()
    return rest


def looks_like_feed(head: bytes) -> bool:
    """Whether content starting with ``head`` is a feed: an RSS/Atom/RDF root element or a JSON Feed.

    >>> looks_like_feed(b'<?xml version="1.0"?>\\n<rss version="2.0"><channel>')
    True
    >>> looks_like_feed(b'{"version": "https://jsonfeed.org/version/1.1", "items": []}')
    True
    >>> looks_like_feed(b"<!doctype html><html><title>x</title>")
    False
    """
    body = _skip_prolog(head[:_HEAD_BYTES]).lower()
    if body.startswith(b"{"):
        return JSON_FEED_VERSION in head[:_HEAD_BYTES].replace(b"\\/", b"/")
    return body.startswith(_XML_ROOTS)


def _json_feed(data: bytes, name: str) -> Feed:
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, ValueError) as error:
        raise InputError(name, f"a JSON Feed that is not valid JSON ({error})") from None
    except RecursionError:
        raise InputError(name, "a JSON Feed nested too deeply to read") from None
    if not isinstance(document, dict):
        raise InputError(name, "a JSON Feed that is not a JSON object")
    items = document.get("items")
    found = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            link = item.get("url") or item.get("external_url")
            if isinstance(link, str) and link.strip():
                title = item.get("title")
                found.append(FeedItem(title.strip() if isinstance(title, str) else "", link.strip()))
    title = document.get("title")
    return Feed(title if isinstance(title, str) else None, tuple(found))


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element: Any, name: str) -> str:
    for child in element:
        if _local(child.tag) == name:
            return "".join(child.itertext()).strip()
    return ""


def _element_link(element: Any) -> str | None:
    for child in element:
        if _local(child.tag) != "link":
            continue
        href = child.get("href")
        if href is not None:
            if child.get("rel", "alternate") == "alternate" and href.strip():
                return str(href).strip()
        elif (child.text or "").strip():
            return str(child.text).strip()
    return None


def _tree_feed(root: Any) -> Feed:
    """The feed in a well-formed XML tree: items are ``item`` (RSS, RDF) and ``entry`` (Atom) elements."""
    items = []
    title = None
    for element in root.iter():
        name = _local(element.tag)
        if name in ("item", "entry"):
            link = _element_link(element)
            if link:
                items.append(FeedItem(_child_text(element, "title"), link))
        elif name in ("channel", "feed") and title is None:
            title = _child_text(element, "title") or None
    return Feed(title, tuple(items))


def _lenient_feed(data: bytes) -> Feed:
    """The feed in XML that is not well-formed, as feedparser's lenient parser reads it."""
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        if isinstance(link, str) and link.strip():
            title = entry.get("title")
            items.append(FeedItem(title.strip() if isinstance(title, str) else "", link.strip()))
    title = parsed.feed.get("title")
    return Feed(title if isinstance(title, str) and title else None, tuple(items))


def _xml_feed(data: bytes, name: str) -> Feed:
    from xml.etree.ElementTree import ParseError  # XML is loaded for feeds only

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring as safe_fromstring

    try:
        root = safe_fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise InputError(name, f"a feed that declares entities, refused ({type(error).__name__})") from None
    except (ParseError, ValueError):
        return _lenient_feed(data)
    return _tree_feed(root)


def read_feed(data: bytes, name: str) -> Feed:
    """The title and items of the feed ``data`` read from ``name``; :class:`InputError` when it cannot be read."""
    if _skip_prolog(data[:_HEAD_BYTES]).startswith(b"{"):
        return _json_feed(data, name)
    try:
        return _xml_feed(data, name)
    except RecursionError:
        raise InputError(name, "a feed nested too deeply to read") from None
