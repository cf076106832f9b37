"""Reading feeds: RSS and Atom through feedparser, JSON Feed by hand, each entry's link and update time.

XML is screened with defusedxml before feedparser sees it: a feed that declares entities (the shape of
entity bombs and external-entity attacks) is refused outright; feedparser itself never resolves external
entities. A feed that is not well-formed but still readable (feedparser's lenient parser) is used; one
that yields nothing is refused with the parser's complaint, and so is a JSON Feed nested too deeply to read.

One hostile entry never spoils a feed: an entry whose link is not a usable http(s) URL (a port out of
range, a broken IPv6 literal, another scheme) is left out and named in :attr:`Feed.rejected`; a date that
cannot be a real time (the year 99999) is ignored.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

JSON_FEED_PREFIX = "https://jsonfeed.org/version/"
_FEED_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf", b"<?xml")


class FeedError(ValueError):
    """A feed that cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed: the article's absolute URL and, if the feed says, when it was last updated."""

    url: str
    updated: datetime | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    """What a feed lists: its entries, in feed order without duplicates, and why each entry that was left
    out was left out."""

    entries: list[FeedEntry]
    rejected: list[str]


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    """Whether a response is a feed rather than a page, by its media type or its first bytes.

    >>> looks_like_feed(b'<?xml version="1.0"?><rss version="2.0"></rss>')
    True
    >>> looks_like_feed(b"<!doctype html><html></html>", "text/html")
    False
    """
    if any(kind in content_type for kind in ("rss", "atom", "feed+json", "rdf")):
        return True
    head = body[:512].lstrip().lower()
    if head.startswith(b"{"):
        return JSON_FEED_PREFIX.encode() in body[:2048]
    return head.startswith(_FEED_ROOTS) and b"<html" not in head


def parse_feed(body: bytes, url: str) -> Feed:
    """The entries of an RSS, Atom or JSON feed, in feed order, without duplicates; raises
    :class:`FeedError` when the feed as a whole cannot be read.

    >>> feed = parse_feed(b'<rss version="2.0"><channel><item><link>/a?utm_source=x</link></item>'
    ...                   b'<item><link>http://h:99999/x</link></item></channel></rss>', "https://example.org/feed")
    >>> feed.entries
    [FeedEntry(url='https://example.org/a?utm_source=x', updated=None)]
    >>> feed.rejected
    ["'http://h:99999/x' is not a usable URL (Port out of range 0-65535)"]
    """
    if not body.strip():
        raise FeedError("empty feed")
    links = _json_feed(body, url) if body.lstrip()[:1] == b"{" else _xml_feed(body, url)
    unique: dict[str, FeedEntry] = {}
    rejected = []
    for link, updated in links:
        try:
            absolute = _absolute_url(url, link)
        except ValueError as error:
            rejected.append(str(error))
        else:
            unique.setdefault(absolute, FeedEntry(absolute, updated))
    return Feed(list(unique.values()), rejected)


def _absolute_url(base: str, link: str) -> str:
    """``link`` made absolute against ``base``; :class:`ValueError` saying why if it is not a usable
    http(s) URL."""
    try:
        absolute = urljoin(base, link)
        parts = urlsplit(absolute)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        raise ValueError(f"{link[:200]!r} is not a usable URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{link[:200]!r} is not an http(s) URL")
    return absolute


Link = tuple[str, datetime | None]  # an entry's link as the feed gives it, and when it was updated


def _json_feed(body: bytes, url: str) -> list[Link]:
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeedError(f"malformed JSON Feed ({error})") from None
    except RecursionError:
        raise FeedError("JSON Feed nested too deeply to read") from None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(JSON_FEED_PREFIX):
        raise FeedError("JSON that is not a JSON Feed (no jsonfeed.org version)")
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedError("JSON Feed without an items list")
    found = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if isinstance(link, str) and link.strip():
            stamp = item.get("date_modified") or item.get("date_published")
            found.append((link.strip(), _iso_time(stamp)))
    return found


def _xml_feed(body: bytes, url: str) -> list[Link]:
    malformed = None
    try:
        safe_fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise FeedError(f"refused: the feed declares entities ({type(error).__name__})") from None
    except ParseError as error:
        malformed = str(error)  # feedparser's lenient parser may still read it
    parsed = feedparser.parse(body, response_headers={"content-location": url}, sanitize_html=False,
                              resolve_relative_uris=False)
    found = []
    for entry in parsed.entries:
        link = _entry_link(entry)
        if link:
            found.append((link, _entry_time(entry)))
    if not found and not parsed.get("version") and not looks_like_feed(body):
        raise FeedError("not an RSS, Atom, RDF or JSON feed")
    if not found and malformed is not None:
        raise FeedError(f"malformed XML ({malformed})")
    return found


def _entry_link(entry: Any) -> str | None:
    if entry.get("link"):
        return str(entry["link"]).strip()
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"]).strip()
    return None


def _entry_time(entry: Any) -> datetime | None:
    # read the underlying dict: feedparser's own lookup of a missing "updated" warns and falls back
    value = dict.get(entry, "updated_parsed") or dict.get(entry, "published_parsed")
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (ValueError, OverflowError, OSError):  # a date no clock can show, such as the year 99999
        return None


def _iso_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


__all__ = ["Feed", "FeedEntry", "FeedError", "looks_like_feed", "parse_feed"]
