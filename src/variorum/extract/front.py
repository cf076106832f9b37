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
import unicodedata
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from dateutil import parser as date_parser
from dateutil.tz import gettz

from variorum.extract.furniture import FURNITURE_TOKENS, class_words, date_stamp, is_furniture_box, prose_chars

_SEPARATOR_RE = re.compile(r"(\s+(?:[|\-–—:·»/•]|::)\s+)")
_TOKEN_RE = re.compile(r"\w+")
_HEADINGS = ("h1", "h2", "h3")
_AGREEMENT = 0.6
"""A ``<h2>``/``<h3>`` is a headline candidate when it shares this much with a metadata title."""
_H1_AGREEMENT = 0.3
"""An ``<h1>`` is one when it shares this much: the page's top heading, edited while the metadata kept the old
title ("Chinese hunter catches bubonic plague after eating wild rabbit" → "… bubonic as talks collapse"), still
shares that much; a section or site name in an ``<h1>`` rarely does."""
_SITE_NAME_SLACK = 6
_MIN_HEADLINE_WORDS = 2
UPDATED_STAMP_RE = re.compile(r"^\W*(?:last\s+)?(?:updated|modified|revised)\b", re.I)
_TRAILING_DATE_RE = re.compile(
    r"[\s,|•·–-]*(?:(?:on|updated|published|posted)\s+)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    r"|\d{4}-\d{2}-\d{2}).*$",
    re.I,
)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
"""A title segment is the site's name when it is a site key give or take this many letters ("SpaceNews.com")."""
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
    site_keys: frozenset[str] = frozenset()  # the keys of the site's names (metadata, host): see names_site

    def names_site(self, text: str) -> bool:
        """True when ``text`` is only the site's name (a masthead such as ``<h1>The GiveWell Blog</h1>``)."""
        return bool(self.site_keys) and bool(_key(text)) and _names_site(text, self.site_keys)


def flat(text: str) -> str:
    """Whitespace folded to single spaces, ends trimmed."""
    return " ".join(text.split())


def _key(text: str) -> str:
    return "".join(_TOKEN_RE.findall(text.casefold()))


def _spellings(text: str) -> set[str]:
    """The keys a name may have in a host name: as written, without accents, with German umlauts spelled out
    ("Börsen-Zeitung" → börsenzeitung, borsenzeitung, boersenzeitung), without a leading "The"."""
    folded = text.casefold()
    spelled_out = folded.translate(_UMLAUTS)
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch))
    keys = {_key(folded), _key(spelled_out), _key(plain)}
    return keys | {key[3:] for key in keys if key.startswith("the") and len(key) > 6}


def iso_date(text: str) -> str | None:
    """An ISO 8601 form of a date or date-time written any common way (``Dec 23, 2016 10:56 PM EST``)."""
    try:
        parsed = date_parser.parse(text, tzinfos=_TIMEZONES, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    if not re.search(r"\d{1,2}[:h.]\d{2}", text):
        return str(parsed.date().isoformat())
    return str(parsed.isoformat())


def _json_ld(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """The schema.org objects of the page's JSON-LD scripts (``@graph`` members included)."""
    objects: list[dict[str, Any]] = []
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
                objects.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"][:50])
    return objects


@dataclass(frozen=True)
class _Page:
    """A page's tree with its ``<meta>`` values by name and its JSON-LD objects, each read once."""

    tree: lxml.html.HtmlElement
    metas: dict[str, list[str]]
    json_ld: list[dict[str, Any]]

    @cached_property
    def prose_chars(self) -> int:
        """The page's prose, the measure of whether a box marked as furniture holds the story."""
        return prose_chars(self.tree)

    def in_furniture(self, element: lxml.html.HtmlElement) -> bool:
        """True when ``element`` sits in page furniture (an ``aside``, a ``nav``, a related-stories box, …).
        A wrapper whose class names a furniture role but that holds the story (``<body class="has-sidebar">``,
        ``<div class="modal-enabled">`` around the whole page) is not furniture, nor one that holds nothing but
        ``element`` (a page builder's ``elementor-widget`` around the post title): furniture holds other things."""
        own_words = len(element.text_content().split())
        return any(is_furniture_box(a, self.prose_chars) and len(a.text_content().split()) > own_words
                   for a in element.iterancestors() if isinstance(a.tag, str))

    @classmethod
    def read(cls, tree: lxml.html.HtmlElement) -> _Page:
        metas: dict[str, list[str]] = {}
        for meta in tree.iter("meta"):
            content = flat(meta.get("content") or "")
            for attribute in ("property", "name", "itemprop"):
                name = (meta.get(attribute) or "").strip()
                if content and name:
                    metas.setdefault(name, []).append(content)
        for element in tree.xpath("//*[@itemprop='dateModified'][@datetime]"):
            metas.setdefault("dateModified", []).append(flat(element.get("datetime") or ""))
        return cls(tree, metas, _json_ld(tree))

    def meta(self, *names: str) -> list[str]:
        return [value for name in names for value in self.metas.get(name, ())]


def _site_keys(page: _Page, url: str | None, sitename: str | None) -> set[str]:
    names = page.meta("og:site_name", "application-name", "twitter:site")
    names += [str(item["publisher"].get("name")) for item in page.json_ld
              if isinstance(item.get("publisher"), dict) and item["publisher"].get("name")]
    if sitename:
        names.append(sitename)
    keys = {key for name in names for key in _spellings(name) if key}
    canonical = page.tree.xpath("//link[@rel='canonical']/@href") or page.meta("og:url")
    for address in (url, str(canonical[0]) if canonical else None):
        labels = (urlsplit(address or "").hostname or "").split(".")
        if len(labels) >= 2:
            country_pair = len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3
            domain = labels[-3] if country_pair else labels[-2]
            keys.update({_key(domain), _key(domain + "".join(labels[-(2 if country_pair else 1):]))})
    return keys


def _names_site(segment: str, site_keys: AbstractSet[str]) -> bool:
    """True when a title segment is the site's name, its host name, the host's initials form, or a date."""
    if not _key(segment) or date_stamp(segment) is not None or not re.search(r"[^\W\d_]", segment):
        return True
    words = [w for w in _TOKEN_RE.findall(segment.casefold()) if w != "the"]
    initials = "".join(w[0] for w in words[:-1]) + (words[-1] if words else "")
    for key in _spellings(segment):
        for site in site_keys:
            if key == site or initials == site:
                return True
            if len(site) >= 4 and len(key) >= 4 and (key.startswith(site) or site.startswith(key)) \
                    and abs(len(key) - len(site)) <= _SITE_NAME_SLACK:
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


def _in_article(element: lxml.html.HtmlElement) -> bool:
    return any(a.tag in ("article", "main") or (a.get("itemprop") or "").lower() == "articlebody"
               or (a.get("role") or "") == "main" for a in element.iterancestors())


def _metadata_titles(page: _Page, site_keys: set[str]) -> list[str]:
    titles = page.meta("og:title", "twitter:title")
    titles += [flat(str(item["headline"])) for item in page.json_ld if isinstance(item.get("headline"), str)]
    titles += [flat(page.tree.findtext(".//title") or "")]
    stripped = [strip_site_name(title, site_keys) for title in titles if title]
    return [title for title in stripped if title]


def _positions(tree: lxml.html.HtmlElement, body_start: Any) -> tuple[dict[int, int], int | None]:
    """Document-order positions of the page's headings, and of the element where the article's text begins."""
    positions: dict[int, int] = {}
    start = None
    for position, element in enumerate(tree.iter()):
        if element.tag in _HEADINGS:
            positions[id(element)] = position
        if element is body_start:
            start = position
    return positions, start


def _headline(page: _Page, site_keys: set[str], body_start: Any) -> tuple[str | None, Any]:
    """The headline and the heading element it was read from (None when it came from metadata): the ``<h1>``
    nearest before the article's text (``body_start``) if it shares some words with a metadata title or no
    other heading before the text agrees with one (a headline rewritten while the metadata kept the old
    title, or a page whose og:title is a search-engine title of its own); else,
    among the headings that agree with the titles, an ``<h1>`` before ``<h2>``/``<h3>``, then the one
    nearest before the text, then the closest agreement."""
    titles = _metadata_titles(page, site_keys)
    headings = list(page.tree.iter(*_HEADINGS))
    positions, start = _positions(page.tree, body_start) if body_start is not None else ({}, None)
    nearest = _nearest_h1(page, headings, positions, start, site_keys)
    if nearest is not None and start is not None and (_agrees(nearest, titles, _H1_AGREEMENT) or not any(
            h is not nearest and positions[id(h)] < start and _agrees(h, titles, _AGREEMENT) for h in headings)):
        return flat(nearest.text_content()), nearest
    best: tuple[int, int, float, int, int] | None = None
    chosen = None
    for order, heading in enumerate(headings):
        text = flat(heading.text_content())
        if not text:
            continue
        furniture = page.in_furniture(heading)
        agreement = max((_agreement(text, title) for title in titles), default=0.0)
        needed = _H1_AGREEMENT if heading.tag == "h1" else _AGREEMENT
        if (agreement < needed) if titles else (heading.tag != "h1" or furniture):
            continue
        position = positions.get(id(heading), order)
        before_text = start is not None and position < start
        nearness = -(start - position) if before_text and start is not None else -10**9
        rank = (-_HEADINGS.index(heading.tag), -int(furniture), agreement if start is None else nearness,
                int(_in_article(heading)), -order)
        if best is None or rank > best:
            best, chosen = rank, heading
    if chosen is None and titles:
        chosen = _lone_h1(page, titles, site_keys)
    if chosen is not None:
        return flat(chosen.text_content()), chosen
    return (titles[0] if titles else None), None


def _agrees(heading: lxml.html.HtmlElement, titles: list[str], needed: float) -> bool:
    text = flat(heading.text_content())
    return any(_agreement(text, title) >= needed for title in titles)


def _nearest_h1(page: _Page, headings: list[Any], positions: dict[int, int], start: int | None,
                site_keys: set[str]) -> Any:
    """The last ``<h1>`` before the article's text, outside furniture and not the site's name."""
    if start is None:
        return None
    before = [h for h in headings if h.tag == "h1" and positions.get(id(h), start) < start
              and len(flat(h.text_content()).split()) >= _MIN_HEADLINE_WORDS and not page.in_furniture(h)
              and not _names_site(flat(h.text_content()), site_keys)]
    return before[-1] if before else None


def _lone_h1(page: _Page, titles: list[str], site_keys: set[str]) -> Any:
    """The page's headline ``<h1>`` when it no longer agrees with the metadata titles (an edited headline
    whose og:title was left as it was): the one ``<h1>`` outside furniture that is not the site's name, or
    among several the one inside the article, else the one closest to the titles."""
    candidates = [h for h in page.tree.iter("h1") if len(flat(h.text_content()).split()) >= _MIN_HEADLINE_WORDS
                  and not page.in_furniture(h) and not _names_site(flat(h.text_content()), site_keys)]
    if not candidates:
        return None
    return max(candidates, key=lambda h: (int(_in_article(h)),
                                         max(_agreement(flat(h.text_content()), t) for t in titles)))


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


def _byline(page: _Page, anchor: Any, authors: tuple[str, ...]) -> str | None:
    candidates = islice(_following(page.tree, anchor), _FOLLOWING_ELEMENTS * 4)
    for element in candidates:
        words = class_words(element)
        is_byline = (element.get("rel") == "author" or (element.get("itemprop") or "").lower() == "author"
                     or not words.isdisjoint(_BYLINE_WORDS))
        if not is_byline or not words.isdisjoint(FURNITURE_TOKENS) or page.in_furniture(element):
            continue
        raw = element.text_content()
        if len(raw) > _MAX_BYLINE_CHARS * 3:
            continue
        pieces = [flat(p) for p in _BYLINE_SPLIT_RE.split(raw.strip()) if flat(p)]
        kept = [p for p in pieces if date_stamp(p) is None and re.search(r"[^\W\d_]", p)]
        text = _TRAILING_DATE_RE.sub("", " ".join(kept)).strip()
        if not text or len(text) > _MAX_BYLINE_CHARS:
            continue
        if _BY_RE.match(text) or any(name.casefold() in text.casefold() for name in authors):
            return text
    return f"By {', '.join(authors)}" if authors else None


def _standfirst(page: _Page, anchor: Any) -> str | None:
    for count, element in enumerate(_following(page.tree, anchor)):
        if count > _FOLLOWING_ELEMENTS:
            break
        words = class_words(element) | {(element.get("itemprop") or "").lower()}
        if element.tag in ("p", "div", "h2", "span") and not words.isdisjoint(_STANDFIRST_WORDS):
            if not words.isdisjoint(FURNITURE_TOKENS) or page.in_furniture(element):
                continue
            text = flat(element.text_content())
            low, high = _STANDFIRST_WORD_RANGE
            if low <= len(text.split()) <= high and date_stamp(text) is None:
                return text
    return None


def _stamped(tree: lxml.html.HtmlElement, anchor: Any) -> str | None:
    """The date of an "Updated …" stamp printed near the headline (outside the article text)."""
    for count, element in enumerate(_following(tree, anchor)):
        if count > _FOLLOWING_ELEMENTS:
            break
        if element.tag in ("p", "span", "div", "time") and len(element) <= 2:
            text = flat(element.text_content())
            stamp = date_stamp(text) if UPDATED_STAMP_RE.match(text) else None
            if stamp:
                return iso_date(stamp)
    return None


def _modified(page: _Page) -> str | None:
    values = page.meta(*_MODIFIED_META)
    values += [str(item["dateModified"]) for item in page.json_ld if isinstance(item.get("dateModified"), str)]
    for value in values:
        found = iso_date(value)
        if found:
            return found
    return None


def read_front_matter(
    tree: lxml.html.HtmlElement, url: str | None, *, sitename: str | None = None, authors: tuple[str, ...] = (),
    body_start: lxml.html.HtmlElement | None = None,
) -> FrontMatter:
    """The page's headline, byline, standfirst and modified date (any of them None when the page has none).

    ``body_start``, the element of ``tree`` where the article's text begins, picks among headlines that
    agree with the metadata the one nearest before the text."""
    page = _Page.read(tree)
    site_keys = _site_keys(page, url, sitename)
    headline, anchor = _headline(page, site_keys, body_start)
    return FrontMatter(
        headline=headline,
        byline=_byline(page, anchor, authors),
        standfirst=_standfirst(page, anchor),
        modified=_modified(page) or _stamped(tree, anchor),
        site_keys=frozenset(site_keys),
    )
