"""One rule for URLs across Variorum: canonical article URLs, web-archive captures, and link identity.

Three functions, each built on the one before:

- :func:`canonical_url` — the canonical, still fetchable form of a URL: scheme and host lower-cased, the
  default port, the fragment and tracking parameters dropped, the other parameters sorted. The store keys
  articles by it (and the tracker fetches it), so ``?utm_source=rss`` or ``?ref=rss`` never makes a second
  article. Tracking parameters are courlan's list (``utm_*``, ``fbclid``, ``ref``, ``source``, …) plus a few
  news sites' own (``smid``, ``cmpid``, ``ocid``, ``ns_*``, …).
- :func:`original_url` (and :func:`split_capture`) — the page a web-archive capture (a Memento URI-M) is a copy of:
  ``http://web.archive.org/web/20161120034910/http://example.com/a`` is a capture of
  ``http://example.com/a``. Wayback-style archives (web.archive.org, archive-it, arquivo.pt, pywb
  collections, national libraries) and archive.today share the shape ``…/<timestamp>[flags]/<original>``.
- :func:`site_of` — the site a page belongs to (its host without ``www.``).
- :func:`link_key` — what a link points at, for comparing two versions: the canonical original, with
  ``http`` and ``https`` and a trailing slash folded. Two links with one key are the same link.

>>> link_key("http://web.archive.org/web/20161120034910/http://www.cbsnews.com:80/news/pope/?ref=rss")
'//www.cbsnews.com/news/pope'
>>> link_key("https://web.archive.org/web/20161121042330im_/https://www.cbsnews.com/news/pope/")
'//www.cbsnews.com/news/pope'
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import SplitResult, parse_qsl, unquote, urlencode, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters some news sites use for campaigns that courlan's list does not name.
_NEWS_TRACKING_RE = re.compile(
    r"^(?:smid|smtyp|cmpid|ocid|spm|share|s_cid|ito|ns_\w+|at_\w+|sr_share|rss|feedtype|cmp|int_source)$"
)
# A capture's timestamp (4 to 14 digits, or archive.today's 2016.11.20-034910) and the archive's flags
# (im_, js_, id_, if_, …), then the original URL with its scheme (the slashes may have been collapsed).
_MEMENTO_RE = re.compile(
    r"^[a-z][a-z0-9+.-]*://[^/?#]+(?:/[^?#]*?)?/(?:\d{4,14}|\d{4}\.\d\d\.\d\d-\d{6})[a-z]{0,3}_?/"
    r"(?P<original>(?:https?|ftp)(?::/+|%3[aA]%2[fF]%2[fF]).*)$",
    re.IGNORECASE,
)
_SCHEME_SLASHES_RE = re.compile(r"^(https?|ftp):/+", re.IGNORECASE)
_MAX_NESTED_CAPTURES = 4


@cache
def _trackers() -> re.Pattern[str]:
    """courlan's pattern of tracking parameters (courlan loads urllib3 and more: only when first needed)."""
    from courlan.clean import TRACKERS_RE

    pattern: re.Pattern[str] = TRACKERS_RE
    return pattern


def is_tracking_parameter(name: str) -> bool:
    """True for query parameters that identify a campaign, a click or a referrer, not a document.

    >>> [is_tracking_parameter(n) for n in ("utm_source", "ref", "fbclid", "smid", "id", "page")]
    [True, True, True, True, False, False]
    """
    lowered = name.lower()
    return bool(_trackers().search(lowered) or _NEWS_TRACKING_RE.match(lowered))


def split_url(url: str) -> SplitResult:
    """``urlsplit(url)``; a URL it refuses (``http://[::1``, an unclosed IPv6 bracket, in a page's text) is
    all path, so that comparing texts that hold one never fails.

    >>> split_url("http://[::1/a").path
    'http://[::1/a'
    """
    try:
        return urlsplit(url)
    except ValueError:
        return SplitResult("", "", url, "", "")


def canonical_url(url: str) -> str:
    """The canonical form of a URL: scheme and host lower-cased, default port, fragment and tracking
    parameters dropped, remaining parameters sorted, an empty path written ``/``. Archive captures stay
    captures (see :func:`original_url`), so the result can still be fetched.

    >>> canonical_url("https://News.Example.org:443/story?b=2&utm_medium=rss&a=1&ref=rss#comments")
    'https://news.example.org/story?a=1&b=2'
    >>> canonical_url("http://example.org:8080")
    'http://example.org:8080/'
    """
    parts = split_url(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if parts.username:
        credentials = parts.username + (f":{parts.password}" if parts.password else "")
        netloc = f"{credentials}@{netloc}"
    query = sorted(
        (name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(name)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def split_capture(url: str) -> tuple[str, str]:
    """A web-archive capture's URL as ``(archive prefix, original page)``; ``("", url)`` for other URLs.
    Captures of captures are unwrapped to the innermost original.

    >>> split_capture("http://web.archive.org/web/20161120034910im_/http://example.com/a.jpg")
    ('http://web.archive.org/web/20161120034910im_/', 'http://example.com/a.jpg')
    """
    current = url.strip()
    prefix = ""
    for _ in range(_MAX_NESTED_CAPTURES):
        match = _MEMENTO_RE.match(current)
        if match is None:
            break
        prefix = prefix or current[:match.start("original")]
        original = match.group("original")
        if original[:12].lower().startswith(("http%3a", "https%3a", "ftp%3a")):
            original = unquote(original)
        current = _SCHEME_SLASHES_RE.sub(lambda m: m.group(1).lower() + "://", original, count=1)
    return prefix, current


def original_url(url: str) -> str:
    """The original page of a web-archive capture (nested captures unwrapped), or ``url`` itself.

    >>> original_url("https://arquivo.pt/wayback/20161120034910/http://www.publico.pt/a")
    'http://www.publico.pt/a'
    >>> original_url("http://localhost:8080/my-collection/2016mp_/https:/example.com/a?b=1")
    'https://example.com/a?b=1'
    >>> original_url("https://archive.ph/2016.11.20-034910/http://example.com/a")
    'http://example.com/a'
    >>> original_url("https://example.com/2016/11/20/story")
    'https://example.com/2016/11/20/story'
    """
    return split_capture(url)[1]


def link_key(url: str) -> str:
    """What a link points at, for comparing versions: the canonical original of an archive capture, with
    the scheme and a trailing slash left out. Two links with the same key are the same link.

    >>> link_key("HTTPS://Example.com:443/a/?utm_source=x") == link_key("http://example.com/a")
    True
    >>> link_key("https://example.com/a?id=1") == link_key("https://example.com/a?id=2")
    False
    """
    canonical = split_url(canonical_url(original_url(url)))
    path = canonical.path.rstrip("/") if canonical.path != "/" else ""
    return urlunsplit(("", canonical.netloc, path, canonical.query, ""))


def site_of(url: str) -> str:
    """The site an article belongs to, for learning its template: the lower-cased host of the page (of the
    original, for an archive capture), without ``www.``.

    >>> site_of("http://web.archive.org/web/20161120034910/http://WWW.CBSNews.com/news/a/")
    'cbsnews.com'
    """
    host = urlsplit(original_url(url)).hostname or ""
    return host.removeprefix("www.")
