"""A web page's front matter, read from the whole page: headline, byline, standfirst and modified date.

The headline is the page's visible heading that agrees with its metadata titles (``og:title``,
``twitter:title``, the schema.org ``headline``, ``<title>``), wherever it sits — very often outside the element
an extractor keeps as the article. When no heading agrees, the best metadata title is used with the site's
name taken off (" | Börsen-Zeitung", " – DW – 30.01.2024", "- The New York Times"): an end segment goes when it
names the site (``og:site_name``, the publisher, the host name or its initials, ``latimes`` for "Los Angeles
Times") or is only a date.

>>> page = lxml.html.fromstring(
...     "<html><head><title>Rain expected - The Daily Planet</title></head><body><header><h1>Rain expected"
...     "</h1><p class='byline'>By Ann Lee</p></header><article><p>Text.</p></article></body></html>")
>>> front = read_front_matter(page, "https://www.dailyplanet.example/rain")
>>> front.headline, front.byline
('Rain expected', 'By Ann Lee')
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import urlsplit

import lxml.html
from dateutil import parser as date_parser
from dateutil.tz import gettz

from variorum.extract.furniture import FURNITURE_TOKENS, class_words, date_stamp

_SEPARATOR_RE = re.compile(r"(\s+(?:[|\-–—:·»/•]|::)\s+)")
_TOKEN_RE = re.compile(r"\w+")
_HEADINGS = ("h1", "h2", "h3")
_AGREEMENT = 0.6
_BYLINE_WORDS: frozenset[str] = frozenset({"byline", "author", "authors", "writer", "contributor", "contributors"})
_STANDFIRST_WORDS: frozenset[str] = frozenset({
    "standfirst", "dek", "deck", "subtitle", "subheadline", "strapline", "summary", "excerpt", "lede", "lead",
    "intro", "description",
})
_BYLINE_SPLIT_RE = re.compile(r"\s*(?:\n|\||•|·)\s*")
_BY_RE = re.compile(r"^by\s+", re.I)
_MAX_BYLINE_CHARS = 160
_STANDFIRST_WORD_RANGE = (5, 80)
_FOLLOWING_ELEMENTS = 60
_MODIFIED_META = ("article:modified_time", "og:updated_time", "dateModified", "last-modified", "modified")
_TIMEZONES = {name: gettz(zone) for name, zone in (
    ("EST", "America/New_York"), ("EDT", "America/New_York"), ("ET", "America/New_York"),
    ("CST", "America/Chicago"), ("CDT", "America/Chicago"), ("MST", "America/Denver"),
    ("MDT", "America/Denver"), ("PST", "America/Los_Angeles"), ("PDT", "America/Los_Angeles"),
    ("PT", "America/Los_Angeles"), ("BST", "Europe/London"), ("CET", "Europe/Paris"), ("CEST", "Europe/Paris"),
)}


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """What the page says about its article besides the body text."""

    headline: str | None = None
    byline: str | None = None
    standfirst: str | None = None
    modified: str | None = None


def flat(text: str) -> str:
    """Whitespace folded to single spaces, ends trimmed."""
    return " ".join(text.split())


def _key(text: str) -> str:
    return "".join(_TOKEN_RE.findall(text.casefold()))


def iso_date(text: str) -> str | None:
    """An ISO 8601 form of a date or date-time written any common way (``Dec 23, 2016 10:56 PM EST``)."""
    try:
        parsed = date_parser.parse(text, tzinfos=_TIMEZONES, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    if not re.search(r"\d{1,2}[:h.]\d{2}", text):
        return parsed.date().isoformat()
    return parsed.isoformat()


def _json_ld(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """The schema.org objects of the page's JSON-LD scripts (``@graph`` members included)."""
    for script in tree.xpath("//script[contains(@type, 'ld+json')]"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item[:50])
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"][:50])


def _meta(tree: lxml.html.HtmlElement, *names: str) -> list[str]:
    values: list[str] = []
    for name in names:
        for value in tree.xpath("//meta[@property=$n or @name=$n or @itemprop=$n]/@content", n=name):
            if flat(str(value)):
                values.append(flat(str(value)))
    return values


def _site_keys(tree: lxml.html.HtmlElement, url: str | None, sitename: str | None) -> set[str]:
    names = _meta(tree, "og:site_name", "application-name", "twitter:site")
    names += [str(item["publisher"].get("name")) for item in _json_ld(tree)
              if isinstance(item.get("publisher"), dict) and item["publisher"].get("name")]
    if sitename:
        names.append(sitename)
    keys = {_key(name) for name in names if _key(name)}
    canonical = tree.xpath("//link[@rel='canonical']/@href") or tree.xpath("//meta[@property='og:url']/@content")
    for address in (url, str(canonical[0]) if canonical else None):
        host = urlsplit(address or "").hostname or ""
        labels = [label for label in host.split(".") if label not in ("www", "m", "amp")]
        if labels:
            keys.add(labels[0])
            keys.add("".join(labels))
    return keys


def _names_site(segment: str, site_keys: set[str]) -> bool:
    """True when a title segment is the site's name, its host name, the host's initials form, or a date."""
    key = _key(segment)
    if not key or date_stamp(segment) is not None or not re.search(r"[^\W\d_]", segment):
        return True
    words = [w for w in _TOKEN_RE.findall(segment.casefold()) if w != "the"]
    initials = "".join(w[0] for w in words[:-1]) + (words[-1] if words else "")
    for site in site_keys:
        if key == site or initials == site or (len(site) >= 4 and (key.startswith(site) or site.startswith(key)
                                                                    and len(key) >= 4)):
            return True
    return False


def strip_site_name(title: str, site_keys: set[str]) -> str:
    """``title`` without the site name (or a date) at either end: "Rain | Daily Planet" → "Rain"."""
    pieces = _SEPARATOR_RE.split(flat(title))
    segments, separators = pieces[0::2], pieces[1::2]
    while len(segments) > 1 and _names_site(segments[-1], site_keys):
        segments.pop()
        separators.pop()
    while len(segments) > 1 and _names_site(segments[0], site_keys):
        segments.pop(0)
        separators.pop(0)
    return "".join(segment + separator for segment, separator in zip(segments, [*separators, ""]))


def _agreement(a: str, b: str) -> float:
    tokens_a, tokens_b = _TOKEN_RE.findall(a.casefold()), _TOKEN_RE.findall(b.casefold())
    if not tokens_a or not tokens_b:
        return 0.0
    common = len(set(tokens_a) & set(tokens_b))
    return common / max(len(set(tokens_a)), len(set(tokens_b)))


def _in_furniture(element: lxml.html.HtmlElement) -> bool:
    return any(a.tag in ("nav", "aside", "footer") or not class_words(a).isdisjoint(FURNITURE_TOKENS)
               for a in element.iterancestors() if isinstance(a.tag, str))


def _in_article(element: lxml.html.HtmlElement) -> bool:
    return any(a.tag in ("article", "main") or (a.get("itemprop") or "").lower() == "articlebody"
               or (a.get("role") or "") == "main" for a in element.iterancestors())


def _metadata_titles(tree: lxml.html.HtmlElement, site_keys: set[str]) -> list[str]:
    titles = _meta(tree, "og:title", "twitter:title")
    titles += [flat(str(item["headline"])) for item in _json_ld(tree) if isinstance(item.get("headline"), str)]
    titles += [flat(tree.findtext(".//title") or "")]
    stripped = [strip_site_name(title, site_keys) for title in titles if title]
    return [title for title in stripped if title]


def _headline(tree: lxml.html.HtmlElement, site_keys: set[str]) -> tuple[str | None, Any]:
    """The headline and the heading element it was read from (None when it came from metadata)."""
    titles = _metadata_titles(tree, site_keys)
    headings = [h for h in tree.iter(*_HEADINGS) if flat(h.text_content()) and not _in_furniture(h)]
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for position, heading in enumerate(headings):
        text = flat(heading.text_content())
        agreement = max((_agreement(text, title) for title in titles), default=0.0)
        if agreement < _AGREEMENT and titles:
            continue
        rank = (agreement, -_HEADINGS.index(heading.tag), int(_in_article(heading)), -position)
        if titles or heading.tag == "h1":
            if best is None or rank > best:
                best, chosen = rank, heading
    if chosen is not None:
        return flat(chosen.text_content()), chosen
    return (titles[0] if titles else None), None


def _following(tree: lxml.html.HtmlElement, anchor: Any) -> Iterator[lxml.html.HtmlElement]:
    """Elements after ``anchor`` in document order (the whole page when there is no anchor)."""
    if anchor is None:
        yield from (e for e in tree.iter() if isinstance(e.tag, str))
        return
    for element in anchor.itersiblings():
        if isinstance(element.tag, str):
            yield from (e for e in element.iter() if isinstance(e.tag, str))
    for ancestor in anchor.iterancestors():
        for element in ancestor.itersiblings():
            if isinstance(element.tag, str):
                yield from (e for e in element.iter() if isinstance(e.tag, str))


def _byline(tree: lxml.html.HtmlElement, anchor: Any, authors: tuple[str, ...]) -> str | None:
    candidates = list(_following(tree, anchor))[: _FOLLOWING_ELEMENTS * 4]
    for element in candidates:
        words = class_words(element)
        is_byline = (element.get("rel") == "author" or (element.get("itemprop") or "").lower() == "author"
                     or not words.isdisjoint(_BYLINE_WORDS))
        if not is_byline or not words.isdisjoint(FURNITURE_TOKENS) or _in_furniture(element):
            continue
        raw = element.text_content()
        if len(raw) > _MAX_BYLINE_CHARS * 3:
            continue
        pieces = [flat(p) for p in _BYLINE_SPLIT_RE.split(raw.strip()) if flat(p)]
        kept = [p for p in pieces if date_stamp(p) is None and re.search(r"[^\W\d_]", p)]
        text = " ".join(kept)
        if not text or len(text) > _MAX_BYLINE_CHARS:
            continue
        if _BY_RE.match(text) or any(name.casefold() in text.casefold() for name in authors):
            return text
    return f"By {', '.join(authors)}" if authors else None


def _standfirst(tree: lxml.html.HtmlElement, anchor: Any) -> str | None:
    for count, element in enumerate(_following(tree, anchor)):
        if count > _FOLLOWING_ELEMENTS:
            break
        words = class_words(element) | {(element.get("itemprop") or "").lower()}
        if element.tag in ("p", "div", "h2", "span") and not words.isdisjoint(_STANDFIRST_WORDS):
            if not words.isdisjoint(FURNITURE_TOKENS) or _in_furniture(element):
                continue
            text = flat(element.text_content())
            low, high = _STANDFIRST_WORD_RANGE
            if low <= len(text.split()) <= high and date_stamp(text) is None:
                return text
    return None


def _modified(tree: lxml.html.HtmlElement) -> str | None:
    values = _meta(tree, *_MODIFIED_META)
    values += [str(item["dateModified"]) for item in _json_ld(tree) if isinstance(item.get("dateModified"), str)]
    values += [str(v) for v in tree.xpath("//*[@itemprop='dateModified']/@datetime")]
    for value in values:
        found = iso_date(value)
        if found:
            return found
    return None


def read_front_matter(
    tree: lxml.html.HtmlElement, url: str | None, *, sitename: str | None = None, authors: tuple[str, ...] = ()
) -> FrontMatter:
    """The page's headline, byline, standfirst and modified date (any of them None when the page has none)."""
    site_keys = _site_keys(tree, url, sitename)
    headline, anchor = _headline(tree, site_keys)
    return FrontMatter(
        headline=headline,
        byline=_byline(tree, anchor, authors),
        standfirst=_standfirst(tree, anchor),
        modified=_modified(tree),
    )
