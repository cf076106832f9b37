"""Page furniture: what a news page carries around its article, told apart by markup roles and link density.

Two stages. :func:`prune_furniture` removes, before trafilatura looks for the article, the elements whose
markup says they are not the story: ``aside``, ``nav``, ``footer``, forms and dialogs, hidden elements, ARIA
landmark roles other than ``main``/``article``, schema.org properties that are metadata (publisher, dates),
a web archive's banner,
and elements whose class or id names a furniture role (related, newsletter, cookie, share, promo, bio, …) —
unless the element holds a good share of the page's prose, so that a class on the article's wrapper never
drops the story. The functions below then judge each block trafilatura kept: link lists and link-only lines
(related stories, "Read more: …" teasers), gallery and player labels ("View Gallery", "Play Video"), calls
to action (newsletter, follow us, download the app), copyright lines and terms notices, date stamps ("Last updated Dec 23, 2016 10:56 PM EST",
kept as the modified date) and bare URLs or timestamps are not body text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import lxml.html

FURNITURE_TOKENS: Final = frozenset({
    "ad", "ads", "advert", "advertisement", "advertising", "bio", "biography", "breadcrumb", "breadcrumbs",
    "consent", "cookie", "cookies", "disqus", "gdpr", "modal", "mostread", "newsletter", "newsletters",
    "outbrain", "paywall", "popover", "popular", "promo", "promos", "promoted", "ranking", "rankings",
    "recirc", "recommendation", "recommendations", "recommended", "related", "reprint", "reprints",
    "rollover", "share", "sharebar", "sharing", "sidebar", "signup", "social", "sponsor", "sponsored",
    "subscribe", "subscription", "taboola", "toolbar", "tooltip", "trending", "widget",
})
"""Class/id words that name a furniture role (matched as whole words of ``class`` and ``id``)."""

_PRUNED_TAGS: Final = frozenset({"aside", "nav", "footer", "form", "button", "dialog", "template", "select",
                                 "textarea", "menu"})
_PRUNED_ROLES: Final = frozenset({"complementary", "navigation", "banner", "contentinfo", "dialog",
                                  "alertdialog", "search", "menu", "menubar", "toolbar", "tooltip"})
_PRUNED_ITEMPROPS: Final = frozenset({"publisher", "datepublished", "datemodified", "datecreated"})
_KEPT_TAGS: Final = frozenset({"html", "body", "main", "article"})
_WORD_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_NOT_PROSE: Final = frozenset({"a", "script", "style", "noscript", "template", "button", "select", "option"})
_STORY_SHARE = 0.3

_STAMP_LABEL_RE = re.compile(
    r"^\W{0,3}(?:(?:last|first)\s+)?(?:updated|modified|published|posted|created|revised)(?:\s+(?:on|at))?\s*:?\s*",
    re.I,
)
_DATE_WORDS_RE = re.compile(
    r"\b\d+\s+(?:hours?|minutes?|mins?|days?|weeks?)\s+ago\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b|\b\d{4}\b|\b\d{1,2}[/.:-]\d{1,2}\b",
    re.I,
)
_STAMP_FILLER_RE = re.compile(
    r"(?<!\w)(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?|am|pm|a\.m\.|p\.m\.|utc|gmt|[ecmp][sd]t|"
    r"bst|cet|cest|ist|et|pt|ago|at|on|hours?|minutes?|mins?|days?|\d+(?:st|nd|rd|th)?)(?!\w)|[\s,.:|/()+-]+",
    re.I,
)
_ISO_STAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_BARE_URL_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_LABEL_RE = re.compile(r"^[^\W\d][^:\n]{0,40}?:\s+|^(?:[A-Z][A-Z'’]+\s+){1,4}")
_CALL_TO_ACTION_RE = re.compile(
    r"(?:^|[.!?:]\s+|\n)\W*(?:sign up|subscribe|follow (?:us|\w+ on)|download|get (?:the|our)|click here|"
    r"tap here|listen (?:to|on|live)|watch(?: \w+){0,3} (?:live|anytime|now)|join (?:us|our)|share (?:it|this)|"
    r"thanks for signing up|keep an eye on your inbox|like us on|sign in|log in)\b",
    re.I,
)
"""An imperative that opens a sentence: "Sign up for …", "Follow us on …" ("used it to log in" is not one)."""
_CALL_TO_ACTION_OBJECT_RE = re.compile(
    r"\b(?:newsletters?|inbox|e-?mail|twitter|facebook|instagram|youtube|tiktok|linkedin|app|apps|podcasts?|"
    r"channel|subscription|alerts?|here|free|today|anytime|live)\b|@\w",
    re.I,
)
_CALL_TO_ACTION_WORDS = 40
_FORM_MESSAGE_RE = re.compile(
    r"\b(?:you have been|you are|you['’]re) (?:now )?(?:successfully )?(?:subscribed|signed up)\b"
    r"|\b(?:problem|error) subscribing\b|\bthanks?(?: you)? for subscribing\b",
    re.I,
)
"""A sign-up form's own messages, in the page for when they are needed: "You have been successfully subscribed!"."""
_MEDIA_LABEL_RE = re.compile(
    r"^\W*(?:(?:view|open|see|launch|browse)\s+(?:the\s+|full\s+|all\s+)?(?:gallery|slideshow|photos|images)|"
    r"(?:play|watch)\s+(?:the\s+)?video)\b",
    re.I,
)
_MEDIA_LABEL_WORDS = 12
LINK_BLOCK_SHARE = 0.75
"""A block whose text is at least this share of link text (in at most 30 words) is a link, not a paragraph."""
_LINK_BLOCK_WORDS = 30


def class_words(element: lxml.html.HtmlElement) -> frozenset[str]:
    """The lowercased words of an element's ``class`` and ``id`` (``relatedArticles`` → related, articles)."""
    return _names_words(element.get("class"), element.get("id"))


@lru_cache(maxsize=4096)
def _names_words(classes: str | None, ident: str | None) -> frozenset[str]:
    """class_words of one ``class`` and ``id`` pair, kept: pages repeat the same few class names."""
    return frozenset(word.lower() for word in _WORD_RE.findall(f"{classes or ''} {ident or ''}"))


_ARCHIVE_BANNER_IDS: Final = frozenset({"wm-ipp-base", "wm-ipp", "wm-ipp-inside", "wm-ipp-print", "donato"})
"""The ids of the Wayback Machine's banner in a capture: its text and links are the archive's, not the page's."""


def _is_furniture(element: lxml.html.HtmlElement) -> bool:
    tag = element.tag
    if tag in _PRUNED_TAGS:
        return True
    if element.get("id") in _ARCHIVE_BANNER_IDS:
        return True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if _HIDDEN_STYLE_RE.search(element.get("style") or ""):
        return True
    if (element.get("role") or "").strip().lower() in _PRUNED_ROLES:
        return True
    if tag != "meta" and (element.get("itemprop") or "").strip().lower() in _PRUNED_ITEMPROPS:  # a <meta> shows no text
        return True
    return not class_words(element).isdisjoint(FURNITURE_TOKENS)


def prose_chars(element: lxml.html.HtmlElement) -> int:
    """Characters of text outside links, scripts and styles: a measure of the story an element holds."""
    total = 0
    stack = [element]
    while stack:
        node = stack.pop()
        if node is not element and node.tail:
            total += len(node.tail.strip())
        if not isinstance(node.tag, str) or node.tag in _NOT_PROSE:
            continue
        if node.text:
            total += len(node.text.strip())
        stack.extend(node)
    return total


def _holds_the_story(element: lxml.html.HtmlElement, page_chars: int) -> bool:
    """True when the element holds a good part of the page's paragraphs: a class naming a furniture role on
    the article's wrapper (``and-w-sidebar``, ``modal-enabled``) must not drop the story."""
    if element.tag in _KEPT_TAGS or (element.get("itemprop") or "").lower() == "articlebody":
        return True
    needed = _STORY_SHARE * page_chars
    # All text bounds the prose from above, and is much quicker to measure.
    return page_chars > 0 and len(element.text_content()) >= needed and prose_chars(element) >= needed


def is_furniture_box(element: lxml.html.HtmlElement, page_chars: int) -> bool:
    """True when ``element`` is furniture as :func:`prune_furniture` judges it: its markup names a furniture
    role and it does not hold the story (``page_chars``: :func:`prose_chars` of the whole page)."""
    return _is_furniture(element) and not _holds_the_story(element, page_chars)


_CANDIDATES_XPATH: Final = (
    "//*[@class or @id or @role or @hidden or @aria-hidden or @style or @itemprop]"
    + "".join(f" | //{tag}" for tag in sorted(_PRUNED_TAGS))
)


def prune_furniture(tree: lxml.html.HtmlElement) -> None:
    """Remove the page's furniture elements from ``tree`` in place (their tail text stays)."""
    page_chars = prose_chars(tree)
    doomed = [element for element in tree.xpath(_CANDIDATES_XPATH)
              if isinstance(element.tag, str) and _is_furniture(element)]
    removed: list[lxml.html.HtmlElement] = []
    for element in doomed:
        # Document order puts an element after its ancestors: skip what went with an ancestor.
        if removed and any(ancestor is removed[-1] for ancestor in element.iterancestors()):
            continue
        if element.getparent() is not None and not _holds_the_story(element, page_chars):
            element.drop_tree()
            removed.append(element)


def date_stamp(text: str) -> str | None:
    """The date part of a stamp such as ``Last updated Dec 23, 2016 10:56 PM EST`` or
    ``2019-11-19T08:57:40+01:00``; None when the text is anything more than a date stamp."""
    text = text.strip()
    if _ISO_STAMP_RE.match(text):
        return text
    label = _STAMP_LABEL_RE.match(text)
    rest = text[label.end():] if label else text
    if not _DATE_WORDS_RE.search(rest) or len(rest.split()) > 12:
        return None
    leftover = _STAMP_FILLER_RE.sub("", _DATE_WORDS_RE.sub("", rest))
    return rest.strip() if not leftover else None


def is_call_to_action(text: str) -> bool:
    """A short line asking the reader to subscribe, follow, download, listen or watch, or a sign-up form's
    message."""
    if len(text.split(None, _CALL_TO_ACTION_WORDS)) > _CALL_TO_ACTION_WORDS:
        return False
    if _FORM_MESSAGE_RE.search(text):
        return True
    return bool(_CALL_TO_ACTION_RE.search(text)) and bool(_CALL_TO_ACTION_OBJECT_RE.search(text))


_LEGAL_NOTICE_RE = re.compile(
    r"(?:©|\(c\)|\bcopyright\b)\s*(?:\d{4}|by\b)|\ball rights reserved\b"
    r"|\bmay not be (?:re)?(?:produced|published|distributed|printed)\b"
    r"|\bconstitutes (?:your )?acceptance of\b|\bcommunity (?:rules|guidelines|standards) apply\b",
    re.I,
)
_LEGAL_NOTICE_WORDS = 60


def is_legal_notice(text: str) -> bool:
    """A site's copyright line or terms notice ("© 2019 Example Media. All rights reserved.", "Use of this site
    constitutes acceptance of our User Agreement"): the same on every page of a site and of its sister sites."""
    return len(text.split(None, _LEGAL_NOTICE_WORDS)) <= _LEGAL_NOTICE_WORDS and bool(_LEGAL_NOTICE_RE.search(text))


def is_media_label(text: str) -> bool:
    """A player or gallery control with its teaser ("View Gallery: …", "Play Video"), not a paragraph."""
    return len(text.split(None, _MEDIA_LABEL_WORDS)) <= _MEDIA_LABEL_WORDS and bool(_MEDIA_LABEL_RE.match(text))


def is_link_block(text: str, link_texts: list[str]) -> bool:
    """A short block made (after an optional ``Label:``) mostly of link text: a teaser, not a paragraph."""
    if not link_texts or len(text.split(None, _LINK_BLOCK_WORDS)) > _LINK_BLOCK_WORDS:
        return False
    linked = sum(len("".join(anchor.split())) for anchor in link_texts)
    label = _LABEL_RE.match(text)
    rest = text[label.end():] if label and linked < len("".join(text.split())) else text
    return linked >= LINK_BLOCK_SHARE * max(1, len("".join(rest.split())))


def prune_link_paragraphs(tree: lxml.html.HtmlElement) -> None:
    """Remove the paragraphs made mostly of links (:func:`is_link_block`: a related story's title, "Related:
    …") from ``tree`` before trafilatura reads it (their tail text stays). They would be left out of the text
    anyway, but left in they sway how trafilatura's fallbacks judge the paragraphs beside them: a short
    paragraph next to teasers was kept in one capture and dropped in another."""
    for paragraph in list(tree.iter("p")):
        anchors = [anchor.text_content() for anchor in paragraph.iter("a") if anchor.get("href")]
        if anchors and paragraph.getparent() is not None and is_link_block(
                " ".join(paragraph.text_content().split()), anchors):
            paragraph.drop_tree()


def is_bare_reference(text: str) -> bool:
    """A block that is only a URL or a machine timestamp (schema.org values printed on the page)."""
    return bool(_BARE_URL_RE.match(text) or _ISO_STAMP_RE.match(text))
